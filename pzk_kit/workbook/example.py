"""The examples ("Gmina Przykładowa"; "Powiat Przykładowy", a powiat PZK with co-leaders) and the files committed
under the repository's ``data/`` folder.

Each example's source of truth is the CSV folder inside the package (so ``pzk demo`` works from any install);
the workbook users open in Excel and the blank templates in ``data/`` are generated from it and from the schema
by :func:`refresh_repository_data` (``make data``). A test regenerates them and fails if the committed copies
drifted.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from pzk_kit.resources import data_path
from pzk_kit.workbook.schema import load_schema
from pzk_kit.workbook.templates import write_csv_folder, write_filled_workbook, write_template

EXAMPLE_NAME = "gmina_przykladowa"
POWIAT_EXAMPLE_NAME = "powiat_przykladowy"  # a powiat PZK modelled on Pisz: co-leaders, starosta, project name
EXAMPLES = {"gmina": EXAMPLE_NAME, "powiat": POWIAT_EXAMPLE_NAME}  # `pzk demo --przyklad KEY`
TEMPLATE_XLSX = "szablon_pzk.xlsx"
TEMPLATE_CSV = "szablon_pzk_csv"


def example_dir(name: str = EXAMPLE_NAME) -> Path:
    """Folder of CSV files of an example (the gmina unless named), shipped inside the package."""
    return data_path("przyklad", name)


def resolve_input(path: str | Path | None) -> Path:
    """The gmina a notebook or command should read: the given path, or the example when none is given."""
    return Path(path) if path else example_dir()


def example_rows(name: str = EXAMPLE_NAME) -> dict[str, list[list[Any]]]:
    """An example's rows per sheet, in the template's column order, values as a user typed them."""
    rows: dict[str, list[list[Any]]] = {}
    for spec in load_schema().values():
        path = example_dir(name) / f"{spec.name}.csv"
        if not path.exists():
            continue
        with path.open(encoding="utf-8", newline="") as handle:
            records = list(csv.DictReader(handle))
        if spec.name == "gmina":
            rows["gmina"] = [[r["pole"], r["wartosc"]] for r in records]
        else:
            rows[spec.name] = [[r.get(c.name, "") or None for c in spec.columns] for r in records]
    return rows


def write_example_workbook(out: Path, *, overwrite: bool = False, name: str = EXAMPLE_NAME) -> Path:
    return write_filled_workbook(example_rows(name), out, overwrite=overwrite)


def refresh_repository_data(root: Path) -> list[Path]:
    """(Re)write the generated files under ``root/data``: blank templates and each example in both forms."""
    data = Path(root) / "data"
    written = [
        write_template(data / "templates" / TEMPLATE_XLSX, overwrite=True),
        write_template(data / "templates" / TEMPLATE_CSV, overwrite=True),
    ]
    for name in EXAMPLES.values():
        written.append(write_example_workbook(data / "przyklad" / f"{name}.xlsx", overwrite=True, name=name))
        csv_copy = data / "przyklad" / f"{name}_csv"
        csv_copy.mkdir(parents=True, exist_ok=True)
        write_csv_folder(csv_copy, example_rows(name))
        written.append(csv_copy)
    return written


if __name__ == "__main__":  # python -m pzk_kit.workbook.example  (used by `make data`)
    for path in refresh_repository_data(Path.cwd()):
        print(path)
