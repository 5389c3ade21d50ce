"""The example and the hostile gmina saved by LibreOffice as .ods and .xls, for tests/test_formats.py.

Why committed: the tests check that a gmina kept in LibreOffice or old Excel reads exactly like its .xlsx, and
only LibreOffice writes these files the way users' files are written; CI has no LibreOffice. Also written: one
.ods with a bad value in a known cell, for the row/column of the message.

The .xlsx each file was converted from is kept beside it (``zrodlo_*.xlsx``) and the round-trip tests compare with
that copy, so a change of the example or of the hostile corpus does not break them; run
``python tests/data/formaty/build.py`` (needs ``soffice`` on PATH) to refresh all of them, then commit.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

import openpyxl

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
EXAMPLE = ROOT / "data" / "przyklad" / "gmina_przykladowa.xlsx"
HOSTILE = ROOT / "tests" / "data" / "hostile" / "gmina_wroga.xlsx"
SOURCE_PREFIX = "zrodlo_"  # the .xlsx a converted file came from
BAD_NAME = "zly_sektor"
BAD_CELL = ("partnerzy", "C4", "Kosmiczny")  # the sheet, the cell and the value no dictionary knows


def _convert(source: Path, suffix: str, out: Path) -> None:
    subprocess.run(["soffice", "--headless", "--convert-to", suffix, "--outdir", str(out), str(source)],
                   check=True, capture_output=True, timeout=300)


def build(out: Path = HERE) -> None:
    with tempfile.TemporaryDirectory(prefix="pzk_formaty_") as tmp:
        work = Path(tmp)
        bad = work / f"{BAD_NAME}.xlsx"
        workbook = openpyxl.load_workbook(EXAMPLE)
        sheet, cell, value = BAD_CELL
        workbook[sheet][cell] = value
        workbook.save(bad)
        for source in (EXAMPLE, HOSTILE):
            shutil.copy(source, out / f"{SOURCE_PREFIX}{source.name}")
        for source, suffixes in ((EXAMPLE, ("ods", "xls")), (HOSTILE, ("ods",)), (bad, ("ods",))):
            for suffix in suffixes:
                _convert(source, suffix, work)
                shutil.copy(work / f"{source.stem}.{suffix}", out / f"{source.stem}.{suffix}")


if __name__ == "__main__":
    build()
