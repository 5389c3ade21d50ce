"""The hostile gmina: the example gmina with every free-text cell a user could type replaced by a hostile value.

Why: a gmina's workbook passes through many hands (partners fill forms, people copy names from web pages), and
everything the kit writes (HTML reports, the app, CSV/XLSX files, Word documents, the terminal) must show such
text as plain text: no script runs, no formula computes, no document breaks. ``payloads.json`` holds the values,
one class each; this script spreads them over the example (names, addresses, links, descriptions, sources,
respondent codes, ids) and writes ``gmina_wroga.xlsx`` (text cells, as Excel stores text typed after an
apostrophe) and ``gmina_wroga_csv/``. The data stay *valid*: the corpus is run through ``pzk run`` and
``pzk dokumenty`` in the tests, not only through ``pzk validate``.

Run ``python tests/data/hostile/build.py`` after changing the payloads or the example; a test fails on drift.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
PAYLOADS = HERE / "payloads.json"
XLSX_NAME = "gmina_wroga.xlsx"
CSV_NAME = "gmina_wroga_csv"
LONG_NAME = "Stowarzyszenie " + "Bardzo Długiej Nazwy " * 20 + "<b>koniec</b>"
HOSTILE_ID = "<b>X</b>=1"


def payloads(kind: str | None = None) -> list[str]:
    """The hostile values (of one class, or all)."""
    items = json.loads(PAYLOADS.read_text(encoding="utf-8"))["payloads"]
    return [p["value"] for p in items if kind is None or p["class"] == kind]


def hostile_rows() -> dict[str, list[list[Any]]]:
    """The example's rows with hostile values in every free-text column (header row first in each sheet)."""
    from pzk_kit.workbook.example import example_rows
    from pzk_kit.workbook.schema import load_schema

    values = payloads()
    schema = load_schema()
    rows = example_rows()
    cursor = 0

    def next_value() -> str:
        nonlocal cursor
        value = values[cursor % len(values)]
        cursor += 1
        return value

    out: dict[str, list[list[Any]]] = {}
    gmina = [list(r) for r in rows["gmina"]]
    for record in gmina:
        if record[0] == "nazwa":
            record[1] = "Gmina <script>alert('gmina')</script> Przykładowa"
        elif record[0] in {"powiat", "misja"}:
            record[1] = next_value()
    out["gmina"] = [["pole", "wartosc"], *gmina]

    for name in ("partnerzy", "wspolpraca", "uslugi", "potrzeby", "ankieta", "dzialania", "zespoly"):
        spec = schema[name]
        columns = [c.name for c in spec.columns]
        table = [list(r) for r in rows[name]]
        text_columns = [i for i, c in enumerate(spec.columns) if c.kind == "text" and c.name != "respondent"]
        for number, record in enumerate(table):
            for i in text_columns:
                if columns[i] == "nazwa" and number % 2:
                    continue  # half of the names stay ordinary, so reports still read like reports
                if record[i] is not None or number % 3 == 0:
                    record[i] = next_value()
            if name == "partnerzy":
                record[columns.index("www")] = "javascript:alert('www')" if number % 4 == 0 else record[
                    columns.index("www")]
                if number == 1:
                    record[columns.index("email")] = "jan.kowalski1@gmail.com"
                if number == 2:
                    record[columns.index("telefon")] = "601 234 567"
            if name == "zespoly":  # case codes are ids, yet typed by people: formulas and markup reach them too
                record[columns.index("sprawa")] = ["=Z", "+Z", "<i>Z</i>", "Z"][number % 4] + str(number)
            if name == "ankieta":
                record[columns.index("respondent")] = ["=R", "+R", "-R", "@R", "<b>R</b>"][number % 5] + str(number)
        out[name] = [columns, *table]

    # One more partner whose id and name are hostile, with ties and a service, so ids reach every output too.
    partners = out["partnerzy"]
    columns = partners[0]
    extra = dict.fromkeys(columns)
    extra.update(id=HOSTILE_ID, nazwa=LONG_NAME, sektor="Organizacje pozarządowe", rola="Partner",
                 deklaracja="Podpisana", szczebel="Gmina", typ="Pozarządowa")
    partners.append([extra[c] for c in columns])
    leader = next(r for r in rows["gmina"] if r[0] == "lider")[1]
    ties = out["wspolpraca"]
    tie_columns = ties[0]
    for pomiar in ("T0", "T1"):
        for a, b in ((HOSTILE_ID, leader), (leader, HOSTILE_ID)):
            tie = dict.fromkeys(tie_columns)
            tie.update(od=a, do=b, poziom="2", pomiar=pomiar)
            ties.append([tie[c] for c in tie_columns])
    services = out["uslugi"]
    service_columns = services[0]
    service = dict.fromkeys(service_columns)
    service.update(id="=U999", partner=HOSTILE_ID, nazwa="<script>alert('usługa')</script>", obszary="Ubóstwo",
                   grupy="Wszyscy mieszkańcy", opis="[kliknij](javascript:alert('opis')) Jan Kowalski 601 234 567",
                   kontakt="jkowalski@wp.pl", miejsce="=HYPERLINK(\"http://zly.example\",\"Tu\")")
    services.append([service[c] for c in service_columns])
    return out


def write_csv_folder(folder: Path, sheets: dict[str, list[list[Any]]]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows in sheets.items():
        buffer = io.StringIO()
        csv.writer(buffer, delimiter=";", lineterminator="\r\n").writerows(
            [["" if v is None else v for v in row] for row in rows])
        (folder / f"{name}.csv").write_bytes(buffer.getvalue().encode("utf-8-sig"))
    return folder


def write_workbook(path: Path, sheets: dict[str, list[list[Any]]]) -> Path:
    """Every value a text cell, even ``=1+1``: what Excel stores when a user types ``'=1+1``.

    A worksheet cannot hold most control characters (openpyxl refuses them, Excel escapes them), so the workbook
    gets them removed; the CSV folder keeps them raw.
    """
    import openpyxl
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for name, rows in sheets.items():
        sheet = workbook.create_sheet(name)
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row, start=1):
                if value is None:
                    continue
                cell = sheet.cell(row=r, column=c)
                if isinstance(value, str):
                    value = ILLEGAL_CHARACTERS_RE.sub("", value)
                cell.value = value
                if isinstance(value, str):
                    cell.data_type = "s"
    workbook.save(path)
    return path


def build(root: Path = HERE) -> list[Path]:
    sheets = hostile_rows()
    return [write_workbook(root / XLSX_NAME, sheets), write_csv_folder(root / CSV_NAME, sheets)]


if __name__ == "__main__":
    for written in build():
        print(written)
