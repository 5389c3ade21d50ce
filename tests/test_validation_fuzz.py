"""Whatever a user feeds it, ``read_gmina`` returns a report and never raises (CONTRACT §1–2).

Hypothesis fills every cell of a small gmina with text, numbers, dates, None, huge strings, control characters and
unicode, writes it as a CSV folder or a workbook, and checks the report is well formed: every problem has a
Polish message, and every problem about a cell value says the sheet, row and column.
"""

from __future__ import annotations

import copy
import datetime as dt
import io
import re
import struct
import tempfile
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from pzk_kit.workbook.reading import GminaData, read_gmina
from pzk_kit.workbook.schema import load_schema
from pzk_kit.workbook.validation import ValidationReport

FUZZ = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)
HUGE = "Ż" * 40_000
INTERESTING = [
    "", " ", "\u00a0", "\t", "\n", "\r\n", "\x00", "\x1b[31m", "\u202e", "\ufeff", "🙂", "nie wiem", "T1", "t1",
    "T999999", "0", "7", "-1", "3,0", "2.5", "1e308", "nan", "inf", "#N/A", "=A1+1", "'0209034", '"', '""', ";", ",",
    "15.03.2024", "2024-02-30", "45366", "Pomoc społeczna", "POMOC SPOŁECZNA", "GOPS", "gops", "PUP", "Lider", "q01",
    "Wymiana informacji; ; ,", "pole", "wartosc", "id", HUGE,
]
cells = st.one_of(
    st.none(),
    st.text(max_size=30),
    st.sampled_from(INTERESTING),
    st.integers(),
    st.floats(),
    st.booleans(),
    st.dates(min_value=dt.date(1900, 3, 1)),
    st.datetimes(min_value=dt.datetime(1900, 3, 1)),
)
# Header cells: real column names, aliases and near misses, and anything at all.
_KNOWN_HEADERS = sorted({key for spec in load_schema().values() for c in spec.columns for key in (c.name, *c.aliases)})
header_cells = st.one_of(
    st.sampled_from(_KNOWN_HEADERS),
    st.sampled_from(["ID", " Nazwa ", "Data przystąpienia", "data-przystapienia", "E-mail", "Pytanie 1", "q99", "q0",
                     "sektor", "sektor", "telefn", "", None]),
    st.text(max_size=15),
    st.integers(),
)
_POLISH = re.compile(r"[ąćęłńóśźżĄĆĘŁŃÓŚŹŻ„”]")


def check(data: GminaData) -> None:
    """The invariants every read must satisfy, whatever the input."""
    assert isinstance(data, GminaData)
    report = data.report
    assert isinstance(report, ValidationReport)
    for problem in report.problems:
        assert isinstance(problem.message, str) and problem.message.strip(), problem
        assert _POLISH.search(problem.text), f"not Polish: {problem.text!r}"
        assert "Traceback" not in problem.text
        if problem.row is not None:
            assert problem.sheet, problem
        if problem.severity.value == "błąd" and problem.value is not None:
            assert problem.sheet and problem.row is not None and problem.column, f"cell error without place: {problem}"
    assert report.ok == (not report.errors)
    assert report.exit_code in (0, 2)
    # Everything that shows a report must work on it too.
    assert report.format_text() and report.summary()
    assert len(report.to_frame()) == len(report.problems)
    report._repr_html_()
    for sheet in ["partnerzy", "wspolpraca", "uslugi", "potrzeby", "ankieta"]:
        assert "wiersz" in data.table(sheet).columns
    assert isinstance(data.name, str)
    data.measurements  # noqa: B018 - must not raise
    data.leader  # noqa: B018


def csv_text(value: object) -> object:
    return value.isoformat() if isinstance(value, dt.date) else value


def xlsx_value(value: object) -> object:
    return ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value


@st.composite
def mutated_gmina(draw, base: dict[str, list[list[object]]]) -> dict[str, list[list[object]]]:
    """The gmina with any of its data cells replaced, rows added or made longer, optional sheets dropped."""
    sheets = copy.deepcopy(base)
    for name in list(sheets):
        rows = sheets[name]
        if name not in {"gmina", "partnerzy"} and draw(st.booleans()):
            del sheets[name]
            continue
        for row in rows[1:]:
            for i in range(len(row)):
                if draw(st.integers(0, 3)) == 0:
                    row[i] = draw(cells)
            if draw(st.integers(0, 5)) == 0:
                row.extend(draw(st.lists(cells, max_size=3)))
        rows.extend(draw(st.lists(st.lists(cells, max_size=len(rows[0]) + 1), max_size=2)))
    return sheets


def _fuzz_folder() -> tempfile.TemporaryDirectory:
    return tempfile.TemporaryDirectory(prefix="pzk-fuzz-")


@FUZZ
@given(data=st.data(), encoding=st.sampled_from(["utf-8", "utf-8-sig"]), delimiter=st.sampled_from(";,\t"))
def test_any_cells_in_csv(write_csv_gmina, gmina_blueprint, data, encoding, delimiter):
    sheets = data.draw(mutated_gmina(gmina_blueprint))
    rows = {name: [[csv_text(v) for v in row] for row in table] for name, table in sheets.items()}
    with _fuzz_folder() as tmp:
        check(read_gmina(write_csv_gmina(Path(tmp) / "g", rows, encoding=encoding, delimiter=delimiter)))


@FUZZ
@given(data=st.data())
def test_any_cells_in_xlsx(write_xlsx, gmina_blueprint, data):
    sheets = data.draw(mutated_gmina(gmina_blueprint))
    rows = {name: [[xlsx_value(v) for v in row] for row in table] for name, table in sheets.items()}
    with _fuzz_folder() as tmp:
        check(read_gmina(write_xlsx(Path(tmp) / "g.xlsx", rows)))


@FUZZ
@given(data=st.data(), as_xlsx=st.booleans())
def test_random_header_rows(write_csv_gmina, write_xlsx, gmina_blueprint, data, as_xlsx):
    sheets = copy.deepcopy(gmina_blueprint)
    for rows in sheets.values():
        if data.draw(st.booleans()):
            rows[0] = data.draw(st.lists(header_cells, max_size=len(rows[0]) + 2))
        if data.draw(st.integers(0, 3)) == 0:
            rows.insert(0, data.draw(st.lists(cells, max_size=3)))  # a title row (or junk) above the header
    with _fuzz_folder() as tmp:
        if as_xlsx:
            rows = {n: [[xlsx_value(v) for v in r] for r in t] for n, t in sheets.items()}
            check(read_gmina(write_xlsx(Path(tmp) / "g.xlsx", rows)))
        else:
            rows = {n: [["" if v is None else csv_text(v) for v in r] for r in t] for n, t in sheets.items()}
            check(read_gmina(write_csv_gmina(Path(tmp) / "g", rows)))


@FUZZ
@given(sheets=st.dictionaries(
    st.sampled_from(["gmina", "partnerzy", "wspolpraca", "ankieta", "Arkusz1", "listy", "instytucje"]),
    st.lists(st.lists(cells, max_size=6), max_size=6),
    max_size=5,
))
def test_any_workbook_shape(write_xlsx, sheets):
    rows = {n: [[xlsx_value(v) for v in r] for r in t] for n, t in sheets.items()}
    with _fuzz_folder() as tmp:
        path = Path(tmp) / "g.xlsx"
        if rows:
            write_xlsx(path, rows)
        else:
            path.write_bytes(b"")
        check(read_gmina(path))


@FUZZ
@given(gmina=st.binary(max_size=3000), partners=st.binary(max_size=3000))
def test_random_bytes_as_csv_files(gmina, partners):
    with _fuzz_folder() as tmp:
        folder = Path(tmp) / "g"
        folder.mkdir()
        (folder / "gmina.csv").write_bytes(gmina)
        (folder / "partnerzy.csv").write_bytes(partners)
        data = read_gmina(folder)
        check(data)


@FUZZ
@given(text=st.text(max_size=400), encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1250", "utf-16"]))
def test_random_text_as_csv_in_any_encoding(write_csv_gmina, gmina_blueprint, text, encoding):
    with _fuzz_folder() as tmp:
        folder = write_csv_gmina(Path(tmp) / "g", {"gmina": gmina_blueprint["gmina"]})
        (folder / "partnerzy.csv").write_bytes(text.encode(encoding, errors="replace"))
        check(read_gmina(folder))


@FUZZ
@given(content=st.binary(max_size=5000))
def test_random_bytes_as_xlsx(content):
    with _fuzz_folder() as tmp:
        path = Path(tmp) / "g.xlsx"
        path.write_bytes(content)
        data = read_gmina(path)
        check(data)
        assert not data.report.ok


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("pusty.xlsx", b""),
        ("losowy.xlsx", bytes(range(256)) * 8),
        ("zaszyfrowany.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504),
        ("stary.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504),
        ("arkusz.ods", b"PK\x03\x04"),
        ("notatki.docx", b"PK\x03\x04"),
        ("pusty_zip.xlsx", b"PK\x05\x06" + b"\x00" * 18),
    ],
)
def test_files_that_are_not_workbooks(tmp_path, name, content):
    path = tmp_path / name
    path.write_bytes(content)
    data = read_gmina(path)
    check(data)
    assert not data.report.ok
    first = data.report.errors[0]
    assert name in first.text and first.hint


def test_xls_file_explains_how_to_convert(tmp_path):
    path = tmp_path / "gmina.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504)
    report = read_gmina(path).report
    assert not report.ok
    assert ".xls" in report.errors[0].message and ".xlsx" in report.errors[0].hint


def test_encrypted_workbook_is_recognised(tmp_path):
    path = tmp_path / "gmina.xlsx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504)
    assert "hasłem" in read_gmina(path).report.errors[0].text


@pytest.mark.parametrize("name", ["nie_ma.xlsx", "nie_ma_folderu", "nie_ma/partnerzy.csv"])
def test_missing_path(tmp_path, name):
    data = read_gmina(tmp_path / name)
    check(data)
    assert not data.report.ok
    assert "Nie znaleziono" in data.report.errors[0].message
    assert data.partners.empty and data.info == {}


def test_empty_folder(tmp_path):
    data = read_gmina(tmp_path)
    check(data)
    assert "nie zawiera plików CSV" in data.report.errors[0].message


def test_huge_and_control_character_cells(tmp_path, gmina_rows, write_csv_gmina, find_problems):
    gmina_rows["partnerzy"][2][1] = HUGE
    gmina_rows["partnerzy"][3][2] = "Edu\x00kacja"  # NUL bytes (a botched UTF-16 export) are dropped
    gmina_rows["partnerzy"][4][1] = "Komenda\x1b[0m"
    gmina_rows["wspolpraca"][1][3] = "🙂" * 1000
    data = read_gmina(write_csv_gmina(tmp_path / "g", gmina_rows))
    check(data)
    partners = data.partners.set_index("id")
    assert partners.loc["PUP", "nazwa"] == HUGE[:32_767]  # over Excel's cell limit: cut, and an error says so
    assert find_problems(data.report, "błąd", "partnerzy", 3, "nazwa (B)", "32 767 znaków")
    assert partners.loc["SP1", "sektor"] == "edukacja"
    assert partners.loc["KPP", "nazwa"] == "Komenda"  # the whole ANSI escape removed, with a warning
    assert find_problems(data.report, "ostrzeżenie", "partnerzy", 5, "nazwa (B)", "znaki sterujące")
    assert find_problems(data.report, "błąd", "wspolpraca", 2, "formy")
    assert len(data.report.errors) == 2


# -- damaged workbooks: a few bytes changed in transit --------------------------------------------------------------


def _workbook_bytes(write_xlsx, gmina_rows, tmp_path) -> bytes:
    return write_xlsx(tmp_path / "ok.xlsx", gmina_rows).read_bytes()


def _replace_member(data: bytes, member: str, content: bytes) -> bytes:
    source, target = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for name in source.namelist():
            out.writestr(name, content if name == member else source.read(name))
    return target.getvalue()


def _break_deflate_stream(data: bytes, member: str) -> bytes:
    """Make the compressed data of one member invalid (first deflate block of the reserved type 3)."""
    info = zipfile.ZipFile(io.BytesIO(data)).getinfo(member)
    name_len, extra_len = struct.unpack("<HH", data[info.header_offset + 26 : info.header_offset + 30])
    start = info.header_offset + 30 + name_len + extra_len
    return data[:start] + b"\xff" + data[start + 1 :]


def _unknown_compression(data: bytes, member: str) -> bytes:
    """Set the member's compression method in the central directory to one zipfile does not know."""
    record = next(m.start() for m in re.finditer(rb"PK\x01\x02", data) if data[m.start() + 46 :].startswith(
        member.encode()))
    return data[: record + 10] + struct.pack("<H", 99) + data[record + 12 :]


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: _replace_member(data, "xl/workbook.xml", b"<<< not xml"),
        lambda data: _replace_member(data, "[Content_Types].xml", b"garbage"),
        lambda data: _replace_member(data, "xl/styles.xml", b"<styleSheet"),
        lambda data: _replace_member(data, "xl/worksheets/sheet2.xml", b"<worksheet><sheetData><row"),
        lambda data: _break_deflate_stream(data, "xl/workbook.xml"),
        lambda data: _unknown_compression(data, "xl/workbook.xml"),
    ],
    ids=["workbook-xml", "content-types", "styles", "worksheet-start", "deflate", "compression-method"],
)
def test_damaged_workbook_parts(tmp_path, gmina_rows, write_xlsx, damage):
    path = tmp_path / "uszkodzony.xlsx"
    path.write_bytes(damage(_workbook_bytes(write_xlsx, gmina_rows, tmp_path)))
    data = read_gmina(path)
    check(data)
    assert "uszkodzony.xlsx" in data.report.errors[0].text


def test_worksheet_cut_in_the_middle_is_reported(tmp_path, gmina_rows, write_xlsx):
    data = _workbook_bytes(write_xlsx, gmina_rows, tmp_path)
    sheet = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet2.xml")
    path = tmp_path / "uszkodzony.xlsx"
    path.write_bytes(_replace_member(data, "xl/worksheets/sheet2.xml", sheet[: len(sheet) // 2]))
    result = read_gmina(path)
    check(result)
    assert any("uszkodzony" in p.message for p in result.report.errors)


def test_truncated_workbook_is_reported(tmp_path, gmina_rows, write_xlsx):
    data = _workbook_bytes(write_xlsx, gmina_rows, tmp_path)
    path = tmp_path / "ucięty.xlsx"
    path.write_bytes(data[: len(data) // 2])
    result = read_gmina(path)
    check(result)
    assert "ucięty.xlsx" in result.report.errors[0].message


@FUZZ
@given(flips=st.lists(st.tuples(st.floats(0, 1, exclude_max=True), st.integers(0, 255)), min_size=1, max_size=5))
def test_workbook_with_changed_bytes(write_xlsx, gmina_blueprint, flips):
    with _fuzz_folder() as tmp:
        data = bytearray(write_xlsx(Path(tmp) / "ok.xlsx", gmina_blueprint).read_bytes())
        for where, value in flips:
            data[int(where * len(data))] = value
        path = Path(tmp) / "zmieniony.xlsx"
        path.write_bytes(bytes(data))
        check(read_gmina(path))


@pytest.mark.parametrize("typed", ["99999999999999999999", "9223372036854775808", "-1e30", "1e400"])
def test_huge_numbers_in_integer_columns(tmp_path, gmina_rows, write_csv_gmina, find_problems, typed):
    gmina_rows["potrzeby"][1][2] = typed
    gmina_rows["wspolpraca"][1][2] = typed
    gmina_rows["ankieta"][1][4] = typed
    data = read_gmina(write_csv_gmina(tmp_path / "g", gmina_rows))
    check(data)
    assert find_problems(data.report, "błąd", "potrzeby", 2, "liczba_osob")
    assert find_problems(data.report, "błąd", "wspolpraca", 2, "poziom")
    assert find_problems(data.report, "błąd", "ankieta", 2, "q01")
    assert pd.isna(data.needs["liczba_osob"].iloc[0])


def test_huge_number_cell_in_xlsx(tmp_path, gmina_rows, write_xlsx, find_problems):
    gmina_rows["potrzeby"][1][2] = 9.223372036854776e18
    gmina_rows["uslugi"][2][7] = 10**20
    data = read_gmina(write_xlsx(tmp_path / "g.xlsx", gmina_rows))
    check(data)
    assert find_problems(data.report, "błąd", "potrzeby", 2, "liczba_osob")
    assert find_problems(data.report, "błąd", "uslugi", 3, "limit_miejsc")
