"""Inputs built to exhaust memory are refused with a Polish message, in bounded memory (issue 13, item 4), and a
formula saved without its result is reported, never read as an empty cell (item 2, the input half).

Every bomb is generated here (none is committed). Reads that would have taken gigabytes run in a subprocess under
``RLIMIT_AS`` so that a regression fails the test with a MemoryError instead of taking the machine down; the test
asserts the message and the peak resident memory the child reports, never a time.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest

from pzk_kit.workbook import limits
from pzk_kit.workbook.reading import read_gmina
from pzk_kit.workbook.sources import UNCOMPUTED_FORMULA, column_letter

ADDRESS_SPACE = int(1.5 * 1024**3)  # the old reader needed 8 GB for the first bomb below
PEAK_RSS_MB = 600

_MAIN = b"http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_CONTENT_TYPES = (
    b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    b'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    b'<Default Extension="xml" ContentType="application/xml"/>'
    b'<Override PartName="/xl/workbook.xml" '
    b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    b'<Override PartName="/xl/worksheets/sheet1.xml" '
    b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'
)
_RELS = (
    b'<?xml version="1.0" encoding="UTF-8"?><Relationships '
    b'xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" '
    b'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    b'Target="xl/workbook.xml"/></Relationships>'
)
_WORKBOOK = (
    b'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="' + _MAIN + b'" '
    b'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
    b'<sheet name="partnerzy" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    b'<?xml version="1.0" encoding="UTF-8"?><Relationships '
    b'xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" '
    b'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
    b'Target="worksheets/sheet1.xml"/></Relationships>'
)
_HEADER_ROW = (b'<row r="1"><c r="A1" t="inlineStr"><is><t>id</t></is></c><c r="B1" t="inlineStr"><is><t>nazwa</t>'
               b'</is></c><c r="C1" t="inlineStr"><is><t>sektor</t></is></c></row>')


def _workbook(path: Path, dimension: str, rows) -> Path:
    """A one-sheet workbook ("partnerzy") whose sheet XML is streamed from ``rows`` (bytes chunks)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _RELS)
        archive.writestr("xl/workbook.xml", _WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="' + _MAIN + b'">')
            sheet.write(b'<dimension ref="' + dimension.encode() + b'"/><sheetData>' + _HEADER_ROW)
            for chunk in rows:
                sheet.write(chunk)
            sheet.write(b"</sheetData></worksheet>")
    return path


def _text_cell(ref: str, text: str) -> bytes:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'.encode()


def _read_limited(path: Path, *, patch: dict[str, int] | None = None) -> dict:
    """``read_gmina`` in a child limited to 1.5 GB of address space: its errors and its peak resident memory."""
    code = f"""
import json, resource, sys
resource.setrlimit(resource.RLIMIT_AS, ({ADDRESS_SPACE}, {ADDRESS_SPACE}))
from pzk_kit.workbook import limits
for name, value in {patch or {}!r}.items():
    setattr(limits, name, value)
from pzk_kit.workbook.reading import read_gmina
report = read_gmina(sys.argv[1]).report
print(json.dumps({{
    "errors": [{{"text": p.text, "sheet": p.sheet, "row": p.row, "column": p.column}} for p in report.errors],
    "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
}}))
"""
    done = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.splitlines()[-1])


def _only_error(result: dict) -> dict:
    assert len(result["errors"]) == 1, result["errors"]
    assert result["peak_mb"] < PEAK_RSS_MB, result
    return result["errors"][0]


# -- workbooks ---------------------------------------------------------------------------------------------------


def test_declared_dimension_with_a_cell_in_the_last_row(tmp_path):
    """33 KB in the issue: openpyxl padded a million rows to 16,384 columns. Now the real cells are read."""
    rows = [b'<row r="2">' + _text_cell("A2", "P1") + _text_cell("B2", "Szkoła") + _text_cell("C2", "edukacja")
            + b"</row>", b'<row r="1048576">' + _text_cell("A1048576", "koniec") + b"</row>"]
    path = _workbook(tmp_path / "wymiar.xlsx", "A1:XFD1048576", rows)
    assert path.stat().st_size < 5000
    error = _only_error(_read_limited(path))
    assert (error["sheet"], error["row"]) == ("partnerzy", 1_048_576)
    assert "ma dane w wierszu 1 048 576" in error["text"] and "najwyżej 100 000 wierszy" in error["text"]


def test_declared_dimension_alone_is_ignored(tmp_path):
    """A wrong dimension over real data is harmless: the data are read as they are."""
    rows = [b'<row r="2">' + _text_cell("A2", "P1") + _text_cell("B2", "Szkoła") + _text_cell("C2", "Edukacja")
            + b"</row>"]
    data = read_gmina(_workbook(tmp_path / "wymiar.xlsx", "A1:XFD1048576", rows))
    assert data.partners[["id", "nazwa", "sektor"]].to_numpy().tolist() == [["P1", "Szkoła", "edukacja"]]


def test_cells_in_column_xfd_on_every_row(tmp_path):
    """A "cell bomb": each row has one cell in the last column, each padded to 16,384 values by the old reader."""
    rows = (b"".join(b'<row r="%d"><c r="XFD%d"><v>1</v></c></row>' % (n, n) for n in range(k, k + 1000))
            for k in range(2, 100_002, 1000))
    error = _only_error(_read_limited(_workbook(tmp_path / "kolumny.xlsx", "A1:XFD100001", rows)))
    assert (error["sheet"], error["row"], error["column"]) == ("partnerzy", 2, "XFD")
    assert "najwyżej 200 kolumn (do kolumny GR)" in error["text"]


def test_highly_compressed_sheet_is_refused_before_parsing(tmp_path):
    """20 MB of one repeated row packs into a few dozen KB: refused from the zip directory alone."""
    row = b'<row><c t="inlineStr"><is><t>x</t></is></c></row>'
    rows = (row * 20_000 for _ in range(22))
    path = _workbook(tmp_path / "kompresja.xlsx", "A1", rows)
    assert path.stat().st_size < 200_000
    error = _only_error(_read_limited(path))
    assert "xl/worksheets/sheet1.xml" in error["text"] and "skompresowana" in error["text"]
    assert f"dozwolone {limits.MAX_COMPRESSION_RATIO}×" in error["text"]


def test_workbook_unpacking_beyond_the_limit_is_refused(tmp_path):
    chunk = b"".join(b'<row r="%d"><c r="A%d"><v>%d</v></c></row>' % (n, n, n * 7919 % 100_003) for n in range(2, 8000))
    rows = (chunk for _ in range(limits.MAX_UNCOMPRESSED_BYTES // len(chunk) + 2))
    error = _only_error(_read_limited(_workbook(tmp_path / "duzy.xlsx", "A1", rows)))
    assert "po rozpakowaniu zajmuje" in error["text"] and "najwyżej 200 MB" in error["text"]


def test_too_many_cells_stops_reading(tmp_path):
    """The cell budget, at a tenth of its size to keep the test short: the same code path as the real limit."""
    cells = b"".join(b"<c><v>%d</v></c>" % i for i in range(100))
    rows = (b"<row>" + cells + b"</row>" for _ in range(4000))
    result = _read_limited(_workbook(tmp_path / "komorki.xlsx", "A1", rows), patch={"MAX_CELLS": 300_000})
    error = _only_error(result)
    assert error["sheet"] == "partnerzy" and error["row"] == 3001
    assert "za dużo komórek" in error["text"] and "300 000" in error["text"]


def test_too_many_sheets(tmp_path, write_xlsx):
    path = write_xlsx(tmp_path / "arkusze.xlsx", {f"A{i}": [["x"]] for i in range(limits.MAX_SHEETS + 1)})
    [error] = read_gmina(path).report.errors
    assert f"ma {limits.MAX_SHEETS + 1} arkuszy" in error.text and f"najwyżej {limits.MAX_SHEETS}" in error.text


def test_cell_over_excels_limit_is_cut_and_reported(tmp_path, gmina_rows, write_xlsx, find_problems):
    rows = [b'<row r="2">' + _text_cell("A2", "P1") + _text_cell("B2", "Ż" * 100_000) + _text_cell("C2", "Edukacja")
            + b"</row>"]
    data = read_gmina(_workbook(tmp_path / "komorka.xlsx", "A1:C2", rows))
    assert find_problems(data.report, "błąd", "partnerzy", 2, "nazwa (B)", "więcej niż 32 767 znaków")
    assert data.partners["nazwa"].tolist() == ["Ż" * limits.MAX_CELL_CHARS]


def test_real_sized_workbook_is_still_read(tmp_path, gmina_rows, write_xlsx):
    """Under every limit: a workbook with 150 columns in use and long (Excel-sized) texts reads as before."""
    gmina_rows["partnerzy"][1][1] = "Ą" * limits.MAX_CELL_CHARS
    gmina_rows["partnerzy"][0] += [f"dodatkowa{i}" for i in range(150)]
    data = read_gmina(write_xlsx(tmp_path / "g.xlsx", gmina_rows))
    assert not data.report.errors
    assert data.partners["nazwa"].iloc[0] == "Ą" * limits.MAX_CELL_CHARS


def test_column_letters():
    assert [column_letter(n) for n in (1, 26, 27, 200, 16384)] == ["A", "Z", "AA", "GR", "XFD"]


# -- CSV folders -------------------------------------------------------------------------------------------------


def _csv_gmina(tmp_path, write_csv_gmina, gmina_rows, partners: bytes) -> Path:
    folder = write_csv_gmina(tmp_path / "g", gmina_rows)
    (folder / "partnerzy.csv").write_bytes(partners)
    return folder


def test_csv_with_too_many_lines(tmp_path, write_csv_gmina, gmina_rows):
    body = b"id;nazwa;sektor\n" + b"".join(b"P%d;Szkola;Edukacja\n" % i for i in range(limits.MAX_ROWS + 5))
    result = _read_limited(_csv_gmina(tmp_path, write_csv_gmina, gmina_rows, body))
    error = _only_error(result)
    assert error["sheet"] == "partnerzy" and "najwyżej 100 000 wierszy" in error["text"]


def test_csv_with_too_many_columns(tmp_path, write_csv_gmina, gmina_rows):
    body = ";".join(["id", "nazwa", "sektor", *(f"k{i}" for i in range(300))]).encode() + b"\nP1;Szkola;Edukacja\n"
    [error] = read_gmina(_csv_gmina(tmp_path, write_csv_gmina, gmina_rows, body)).report.errors
    assert "ma 303 kolumn" in error.text and "najwyżej 200 kolumn" in error.text


def test_csv_file_over_the_size_limit(tmp_path, write_csv_gmina, gmina_rows):
    folder = write_csv_gmina(tmp_path / "g", gmina_rows)
    with (folder / "uslugi.csv").open("wb") as handle:
        handle.truncate(limits.MAX_FILE_BYTES + 1)  # sparse: no 50 MB written
    [error] = read_gmina(folder).report.errors
    assert "uslugi.csv" in error.text and "do 50 MB" in error.text


@pytest.mark.parametrize("multiline", [False, True], ids=["one-line", "careful-reader"])
def test_csv_field_over_excels_limit(tmp_path, write_csv_gmina, gmina_rows, find_problems, multiline):
    """A 200,000-character field: over the csv module's default field limit too (the careful reader's path)."""
    long = "x" * 200_000
    gmina_rows["partnerzy"][2][1] = long
    if multiline:
        gmina_rows["partnerzy"][3][1] = "Szkoła\nPodstawowa nr 1"  # a quoted line break: the careful reader
    data = read_gmina(write_csv_gmina(tmp_path / "g", gmina_rows))
    assert find_problems(data.report, "błąd", "partnerzy", 3, "nazwa (B)", "32 767 znaków")
    assert len(data.report.errors) == 1
    assert data.partners.set_index("id").loc["PUP", "nazwa"] == long[: limits.MAX_CELL_CHARS]


# -- formulas without a cached value (item 2, input half) --------------------------------------------------------


def _replace_sheet_cell(path: Path, sheet_part: str, old: bytes, new: bytes) -> None:
    data = path.read_bytes()
    source, target = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for name in source.namelist():
            content = source.read(name)
            if name == sheet_part:
                assert old in content
                content = content.replace(old, new)
            out.writestr(name, content)
    path.write_bytes(target.getvalue())


def test_formula_without_cached_value_is_reported(tmp_path, gmina_rows, write_xlsx, find_problems):
    """openpyxl (like other tools that do not calculate) saves the formula and no result."""
    gmina_rows["partnerzy"][2][2] = '="Zatrud"&"nienie"'
    gmina_rows["partnerzy"][3][1] = "=UPPER(B2)"
    path = write_xlsx(tmp_path / "formuly.xlsx", gmina_rows)
    assert openpyxl.load_workbook(path, data_only=True)["partnerzy"]["C3"].value is None  # the silent drop
    report = read_gmina(path).report
    assert find_problems(report, "błąd", "partnerzy", 3, "C", UNCOMPUTED_FORMULA)
    assert find_problems(report, "błąd", "partnerzy", 4, "B", UNCOMPUTED_FORMULA)
    assert "otwórz plik w Excelu i zapisz go ponownie albo wpisz wartość" in UNCOMPUTED_FORMULA
    assert len(find_problems(report, "błąd", text=UNCOMPUTED_FORMULA)) == 2


def test_formula_with_cached_value_reads_the_value(tmp_path, gmina_rows, write_xlsx, find_problems):
    """What Excel saves: the formula and its result; the result is read, nothing reported. An empty result too."""
    gmina_rows["partnerzy"][2][2] = "WZOR"
    gmina_rows["partnerzy"][4][6] = "PUSTY"
    path = write_xlsx(tmp_path / "excel.xlsx", gmina_rows)
    part = "xl/worksheets/sheet2.xml"
    _replace_sheet_cell(path, part, b'<c r="C3" t="inlineStr"><is><t>WZOR</t></is></c>',
                        b'<c r="C3" t="str"><f>"Zatrud"&amp;"nienie"</f><v>Zatrudnienie</v></c>')
    _replace_sheet_cell(path, part, b'<c r="G5" t="inlineStr"><is><t>PUSTY</t></is></c>',
                        b'<c r="G5" t="str"><f>""</f><v></v></c>')
    data = read_gmina(path)
    assert not find_problems(data.report, text=UNCOMPUTED_FORMULA)
    assert data.partners.set_index("id").loc["PUP", "sektor"] == "zatrudnienie"
    assert data.report.ok


def test_many_formulas_without_values_are_summarised(tmp_path, write_xlsx, gmina_rows, find_problems):
    gmina_rows["potrzeby"] += [["=A2", "=B2", "=C2", "", ""] for _ in range(30)]
    report = read_gmina(write_xlsx(tmp_path / "formuly.xlsx", gmina_rows)).report
    cells = find_problems(report, "błąd", "potrzeby", text=UNCOMPUTED_FORMULA)
    assert len(cells) == 20
    [rest] = find_problems(report, "błąd", "potrzeby", text="i jeszcze 70 komórek")
    assert rest.row is None
    assert (cells[0].row, cells[0].column) == (4, "A")


def test_row_with_more_cells_than_excel_has_columns(tmp_path):
    """Cells without a reference are counted by the parser, beyond XFD: refused before one dict per cell."""
    rows = [b'<row r="2">' + b"<c><v>1</v></c>" * 16_385 + b"</row>"]
    [error] = read_gmina(_workbook(tmp_path / "wiersz.xlsx", "A1", rows)).report.errors
    assert (error.sheet, error.row) == ("partnerzy", 2)
    assert "ma 16 385 komórek" in error.text and "najwyżej 200 kolumn" in error.text
