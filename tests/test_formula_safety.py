"""Formula injection (issue 13, item 2): no text the kit writes to CSV or XLSX opens as a live formula.

Every writer gets the hostile corpus (``tests/data/hostile``, class ``formula``), and the output is parsed back:
no CSV cell may begin with a character that starts a formula (OWASP CSV-injection rule), no XLSX cell may be a
formula, and what the kit wrote must read back (``read_gmina``) to exactly what went in.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
import shutil
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from pzk_kit.basket.hsds import export_hsds
from pzk_kit.cli import main
from pzk_kit.spreadsheet_safety import (
    TRIGGERS,
    csv_cell,
    set_cell,
    unescape_csv_grid,
    unescape_csv_text,
)
from pzk_kit.workbook.reading import read_gmina
from pzk_kit.workbook.schema import load_schema
from pzk_kit.workbook.templates import write_csv_folder, write_filled_workbook
from pzk_kit.workshop.app import make_file, workbook_rows

HOSTILE = Path(__file__).resolve().parent / "data" / "hostile"
HOSTILE_CSV = HOSTILE / "gmina_wroga_csv"
HOSTILE_XLSX = HOSTILE / "gmina_wroga.xlsx"
BROKEN = Path(__file__).resolve().parent / "data" / "broken" / "brak_kolumny_sektor"
SHEETS = [s.name for s in load_schema().values() if s.name != "gmina"]


def formula_payloads() -> list[str]:
    items = json.loads((HOSTILE / "payloads.json").read_text(encoding="utf-8"))["payloads"]
    return [p["value"] for p in items if p["class"] == "formula"]


PAYLOADS = formula_payloads()
EXTRA = ["＝1+1", "＋1", "－1", "＠A1", "\n=1+4", "'=1+5", "''@x", "-", "+", " =1", "\x00=1",
         "Opis; =1+1", "a,@SUMA(1)", "x;=cmd|' /C calc'!A0", "Nazwa,  -2+3", "a;'=1", "a;\t=1", "-5;=1",
         "tel. 601 234 567, ＝1"]
# Left as written: ordinary text, apostrophes that guard nothing, numbers, phone numbers after a separator.
UNCHANGED = ["Ośrodek", "a=1", "", "'", "'apostrof", "O'Neill", "a;'b", "tel. 12 345 67 89, +48 601 234 567",
             "Godziny: 8-16; -", "ul. Długa 5, 00-001 Przykładowo"]
NUMBERS = ["-0,5", "+3", "-12", "0.25", "-1e-05", "1,5", "-,5"]


# -- what counts as live -------------------------------------------------------------------------------------------


PART_START = tuple("=+-@＝＋－＠")  # what starts a formula in a cell
CELL_START = (*PART_START, "\t", "\r", "\n", "\x00")  # ...and at the start of the value, OWASP's whitespace too


def live_parts(cell: str) -> list[str]:
    """Parts of a CSV cell a spreadsheet program could evaluate, whichever of , ; tab it splits lines on.

    The cell's start may be a plain number (``-0,5``); a later part may hold only a sign, digits, spaces and
    ``()./-`` (a phone number). Anything else beginning with a formula character is live.
    """
    live = []
    for index, part in enumerate(re.split(r"[,;\t\r\n]", cell)):
        text = part.lstrip(" ") if index else cell.lstrip(" ")
        if not text.startswith(CELL_START if index == 0 else PART_START):
            continue
        if index == 0 and re.fullmatch(r"[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?", text):
            continue
        if index and re.fullmatch(r"[+-][0-9 ()./-]*", text):
            continue
        live.append(text)
    return live


def live_csv_cells(rows: list[list[str]]) -> list[str]:
    return [c for row in rows for c in row if live_parts(c)]


def read_csv_rows(path: Path, delimiter: str) -> list[list[str]]:
    text = path.read_bytes().decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))


def xlsx_cells(content: bytes | Path) -> list[Any]:
    source = io.BytesIO(content) if isinstance(content, bytes) else content
    workbook = openpyxl.load_workbook(source)  # not data_only: formulas would show as data_type "f"
    return [cell for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row]


def snapshot(data) -> dict[str, Any]:
    """What the kit understood of a gmina: its fields and every typed table, NaN/NA as None."""
    def plain(value: Any) -> Any:
        if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
            return None
        return value

    tables = {name: [{k: plain(v) for k, v in r.items()} for r in data.table(name).to_dict("records")]
              for name in SHEETS if data.has(name)}
    return {"info": {k: plain(v) for k, v in data.info.items()}, "tables": tables}


def rewrite_csv(path: Path, change) -> None:
    """Change a CSV of a copied corpus folder row by row (``change(header, row)``), keeping ``;`` and the BOM."""
    rows = read_csv_rows(path, ";")
    for row in rows[1:]:
        change(rows[0], row)
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";", lineterminator="\r\n").writerows(rows)
    path.write_bytes(buffer.getvalue().encode("utf-8-sig"))


def hostile_inside_folder(folder: Path) -> Path:
    """The corpus with each formula payload also *inside* a value, after a separator: ``Usługa; =1+1``.

    A Polish Excel splits a comma-separated file on ``;`` (and an English one a ``;`` file on ``,``): the part
    after the separator then starts a cell of its own.
    """
    shutil.copytree(HOSTILE_CSV, folder)
    separators = ["; ", ",", ";", ", ", "\t"]
    cursor = iter(range(10**6))

    def inside(header: list[str], row: list[str], column: str) -> None:
        number = next(cursor)
        payload = PAYLOADS[number % len(PAYLOADS)]
        row[header.index(column)] = f"Tekst{separators[number % len(separators)]}{payload}"

    rewrite_csv(folder / "uslugi.csv", lambda header, row: inside(header, row, "opis"))
    rewrite_csv(folder / "partnerzy.csv", lambda header, row: inside(header, row, "adres"))
    return folder


@pytest.fixture(scope="module", params=["start", "inside"])
def hostile_csv_data(request, tmp_path_factory):
    source = HOSTILE_CSV if request.param == "start" else hostile_inside_folder(
        tmp_path_factory.mktemp("wroga") / "gmina")
    data = read_gmina(source)
    assert data.report.ok, data.report.format_text(limit=None)
    return data


@pytest.fixture(scope="module")
def hostile_xlsx_data():
    data = read_gmina(HOSTILE_XLSX)
    assert data.report.ok, data.report.format_text(limit=None)
    return data


def formula_values_in(data) -> set[str]:
    """The corpus' formula-like texts as the reader left them (trimmed), so a test cannot pass vacuously."""
    found = {v for value in data.info.values() for v in (value if isinstance(value, list) else [value])}
    for name in SHEETS:
        if data.has(name):
            found |= {v for column in data.table(name).columns for v in data.table(name)[column].tolist()}
    return {v for v in found if isinstance(v, str) and live_parts(v)}


# -- the rule ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", [*PAYLOADS, *EXTRA])
def test_formula_like_text_is_escaped_and_reads_back(value):
    escaped = csv_cell(value)
    assert escaped != value
    assert live_parts(value) or "'" in value, "the test's own rule agrees the value needed escaping"
    assert not live_parts(escaped)
    assert unescape_csv_text(escaped) == value


@pytest.mark.parametrize("value", [*NUMBERS, *UNCHANGED])
def test_numbers_and_ordinary_text_are_unchanged(value):
    assert csv_cell(value) == value
    assert unescape_csv_text(value) == value


def test_non_text_values_are_untouched():
    for value in (None, 3, -0.5, True):
        assert csv_cell(value) is value


def test_unescape_grid_only_touches_escaped_cells():
    grid = pd.DataFrame([["'=1+1", "'Długa'", None], ["x", "''-2", "-0,5"]], dtype=object)
    text = "'=1+1;'Długa';\nx;''-2;-0,5\n"
    cleaned = unescape_csv_grid(grid, text)
    assert cleaned.values.tolist() == [["=1+1", "'Długa'", None], ["x", "'-2", "-0,5"]]
    assert grid.iloc[0, 0] == "'=1+1", "the input grid is left as it was"
    assert unescape_csv_grid(grid, "no apostrophe here") is grid


def test_xlsx_cell_is_text_with_quote_prefix(tmp_path):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    texts = [v for v in [*PAYLOADS, *EXTRA, *UNCHANGED] if v and not ILLEGAL_CHARACTERS_RE.search(v)]
    values = [*texts, 7, -0.5]
    for row, value in enumerate(values, start=1):
        set_cell(sheet.cell(row=row, column=1), value)
    workbook.save(tmp_path / "t.xlsx")
    cells = openpyxl.load_workbook(tmp_path / "t.xlsx").active["A"]
    assert [c.value for c in cells] == values
    assert [c.data_type for c in cells] == ["s"] * len(texts) + ["n", "n"]
    assert [bool(c.quotePrefix) for c in cells[: len(texts)]] == [t.startswith(TRIGGERS) for t in texts]
    assert sum(c.quotePrefix for c in cells) >= len(PAYLOADS)


# -- the CSV folder of the template and the example: written, then read again ---------------------------------------


def test_template_csv_folder_with_hostile_values_reads_back(tmp_path, hostile_csv_data):
    expected = formula_values_in(hostile_csv_data)
    assert len(expected) >= 8, expected
    out = tmp_path / "gmina_csv"
    write_csv_folder(out, workbook_rows(hostile_csv_data))
    for path in sorted(out.glob("*.csv")):
        rows = read_csv_rows(path, ";")
        assert not live_csv_cells(rows), path.name
    again = read_gmina(out)
    assert again.report.ok, again.report.format_text(limit=None)
    assert snapshot(again) == snapshot(hostile_csv_data)
    assert formula_values_in(again) == expected


def test_escaped_cells_read_back_on_the_careful_csv_path_too(tmp_path, hostile_csv_data):
    """A cell spanning lines sends the file to the record-by-record reader; it unescapes the same way."""
    out = tmp_path / "gmina_csv"
    write_csv_folder(out, workbook_rows(hostile_csv_data))
    path = out / "uslugi.csv"
    rows = read_csv_rows(path, ";")
    column = rows[0].index("opis")
    rows[1][column] = "pierwsza linia\ndruga linia"
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";", lineterminator="\r\n").writerows(rows)
    path.write_bytes(buffer.getvalue().encode("utf-8-sig"))
    again = read_gmina(out)
    assert again.report.ok, again.report.format_text(limit=None)
    services = again.table("uslugi")
    assert services["opis"].iloc[0] == "pierwsza linia druga linia"
    expected = hostile_csv_data.table("uslugi")
    for name in ("id", "nazwa", "miejsce", "kontakt"):
        assert services[name].tolist() == expected[name].tolist(), name


# -- XLSX: the filled workbook (template layout) and the app's download --------------------------------------------


def assert_safe_workbook(cells: list[Any], expected: set[str]) -> None:
    formulas = [c.coordinate for c in cells if c.data_type == "f"]
    assert not formulas, f"live formulas in {formulas}"
    texts = {c.value for c in cells if isinstance(c.value, str)}
    assert expected <= texts, expected - texts
    unprotected = [c.coordinate for c in cells if isinstance(c.value, str) and c.value.startswith(TRIGGERS)
                   and not c.quotePrefix]
    assert not unprotected, f"formula-like text without the quote prefix in {unprotected}"


def test_filled_workbook_has_no_formula_and_reads_back(tmp_path, hostile_xlsx_data):
    expected = formula_values_in(hostile_xlsx_data)
    assert len(expected) >= 6, expected
    out = write_filled_workbook(workbook_rows(hostile_xlsx_data), tmp_path / "wypelniony.xlsx")
    assert_safe_workbook(xlsx_cells(out), expected)
    again = read_gmina(out)
    assert again.report.ok, again.report.format_text(limit=None)
    assert snapshot(again) == snapshot(hostile_xlsx_data)


def test_app_download_workbook_has_no_formula_and_reads_back(tmp_path, hostile_xlsx_data):
    offered = make_file("skoroszyt", hostile_xlsx_data)
    assert offered.available, offered.reason
    assert_safe_workbook(xlsx_cells(offered.content), formula_values_in(hostile_xlsx_data))
    path = tmp_path / offered.filename
    path.write_bytes(offered.content)
    again = read_gmina(path)
    assert again.report.ok, again.report.format_text(limit=None)
    assert snapshot(again) == snapshot(hostile_xlsx_data)


# -- HSDS export ---------------------------------------------------------------------------------------------------


def test_hsds_csv_has_no_live_formula(tmp_path, hostile_csv_data):
    files = export_hsds(hostile_csv_data, tmp_path / "hsds")
    escaped = 0
    for path in files:
        if path.suffix != ".csv":
            continue
        rows = read_csv_rows(path, ",")
        assert not live_csv_cells(rows), path.name
        escaped += sum(1 for row in rows for c in row if c != unescape_csv_text(c))
    assert escaped >= 3, "the corpus' names and ids must have reached the export (escaped)"


# -- pzk batch: podsumowanie.csv and bledy.csv ---------------------------------------------------------------------


def file_safe(value: str) -> str:
    return value.replace("/", "_")


def test_batch_summary_and_errors_have_no_live_formula(tmp_path, capsys):
    region = tmp_path / "gminy"
    region.mkdir()
    names = []
    for number, payload in enumerate(PAYLOADS):
        folder = shutil.copytree(HOSTILE_CSV, region / f"wroga_{number}")
        rows = read_csv_rows(folder / "gmina.csv", ";")
        for row in rows:
            if row and row[0] == "nazwa":
                row[1] = payload
        buffer = io.StringIO()
        csv.writer(buffer, delimiter=";", lineterminator="\r\n").writerows(rows)
        (folder / "gmina.csv").write_bytes(buffer.getvalue().encode("utf-8-sig"))
        names.append(read_gmina(folder).name)
    for payload in ("=1+1", "@SUMA(1+1)", "-2+3", "Gmina; =1+1"):  # failing gminas with hostile folder names
        shutil.copytree(BROKEN, region / file_safe(payload))
    out = tmp_path / "wyniki"
    main(["batch", str(region), "--out", str(out), "--summary-only"])
    capsys.readouterr()

    summary = read_csv_rows(out / "podsumowanie.csv", ";")
    assert not live_csv_cells(summary)
    column = summary[0].index("nazwa")
    assert sorted(unescape_csv_text(r[column]) for r in summary[1:]) == sorted(names)

    errors = read_csv_rows(out / "bledy.csv", ";")
    assert not live_csv_cells(errors)
    assert len(errors) == 5, errors
    failed = {unescape_csv_text(r[0]) for r in errors[1:]}
    assert "@SUMA(1+1)" in failed or any(name.startswith("@") for name in failed), failed

    page = (out / "podsumowanie.html").read_text(encoding="utf-8")
    assert "'@SUMA(1+1)" not in page, "the page shows the name, not its escaped CSV form"
    assert "@SUMA(1+1)" in page
