"""Access to the data files shipped inside the package (dictionaries, schema, survey instrument).

Kept in one place so that a trainer who edits a CSV in ``pzk_kit/data`` knows that is the only source.
"""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path


def data_path(*parts: str) -> Path:
    """Path of a file under ``pzk_kit/data``."""
    return Path(__file__).with_name("data").joinpath(*parts)


@cache
def read_table(*parts: str) -> tuple[dict[str, str], ...]:
    """Rows of a packaged CSV as dictionaries (UTF-8, comma separated, header in the first row)."""
    with data_path(*parts).open(encoding="utf-8", newline="") as handle:
        return tuple({k: (v or "").strip() for k, v in row.items()} for row in csv.DictReader(handle))
