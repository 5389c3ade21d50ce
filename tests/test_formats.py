"""LibreOffice (.ods) and old Excel (.xls) gmina workbooks read exactly like the .xlsx they were saved from.

The fixtures in tests/data/formaty/ were written by LibreOffice itself (``python tests/data/formaty/build.py``),
as a gmina's own files are; the small .ods files built here by hand test what LibreOffice would not write on
request: data away from A1, repeats, a sheet over the cell limit.
"""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from pzk_kit.workbook import calamine_source, limits, sources
from pzk_kit.workbook.reading import read_gmina
from pzk_kit.workbook.validation import ValidationReport

ROOT = Path(__file__).resolve().parents[1]
FORMATS = ROOT / "tests" / "data" / "formaty"
# The .xlsx files the LibreOffice copies were converted from (tests/data/formaty/build.py keeps them together).
EXAMPLE_XLSX = ROOT / "tests" / "data" / "formaty" / "zrodlo_gmina_przykladowa.xlsx"
HOSTILE_XLSX = ROOT / "tests" / "data" / "formaty" / "zrodlo_gmina_wroga.xlsx"
CLASS_NAME = re.compile(r"\([A-Z][A-Za-z]+\)|BadZipFile|\w+(?:Error|Exception)\b")
TABLES = ("partners", "cooperation", "services", "needs", "survey")


def _same_gmina(left, right) -> None:
    assert left.info == right.info
    for name in TABLES:
        pd.testing.assert_frame_equal(getattr(left, name), getattr(right, name), check_dtype=True)
    assert [(p.severity, p.message, p.sheet, p.row, p.column, p.value, p.hint) for p in left.report.problems] == [
        (p.severity, p.message, p.sheet, p.row, p.column, p.value, p.hint) for p in right.report.problems]
    assert left.sheet_names == right.sheet_names and left.field_rows == right.field_rows
    assert left.collected == right.collected


@pytest.mark.parametrize("suffix", [".ods", ".xls"])
def test_example_saved_by_libreoffice_reads_like_the_xlsx(suffix):
    saved = read_gmina(FORMATS / f"gmina_przykladowa{suffix}")
    original = read_gmina(EXAMPLE_XLSX)

    assert saved.report.ok and len(saved.partners) == len(original.partners) > 20
    _same_gmina(saved, original)
    assert saved.teryt == "1299013" and saved.name == "Gmina Przykładowa"
    assert pd.Timestamp(saved.partners["data_przystapienia"].dropna().iloc[0]) == pd.Timestamp("2024-03-15")


@pytest.mark.parametrize("suffix", [".ods", ".xls"])
def test_raw_tables_keep_excel_row_numbers(suffix):
    report = ValidationReport()
    saved = {t.source_name: t for t in sources.load_tables(FORMATS / f"gmina_przykladowa{suffix}", report)}
    original = {t.source_name: t for t in sources.load_tables(EXAMPLE_XLSX, ValidationReport())}

    assert list(saved) == list(original) and report.ok
    for name, table in original.items():
        assert saved[name].row_numbers.tolist() == table.row_numbers.tolist(), name
        assert saved[name].rows == table.rows, name


def test_hostile_workbook_saved_as_ods_validates_like_the_xlsx():
    saved = read_gmina(FORMATS / "gmina_wroga.ods")
    original = read_gmina(HOSTILE_XLSX)

    assert saved.report.ok
    _same_gmina(saved, original)
    assert saved.partners["nazwa"].str.contains("<script>", regex=False).any()
    assert saved.partners["nazwa"].str.startswith("=").any(), "formula-like text stays text"


def test_bad_value_in_ods_is_reported_at_its_cell():
    data = read_gmina(FORMATS / "zly_sektor.ods")

    [error] = data.report.errors
    assert (error.sheet, error.row, error.column, error.value) == ("partnerzy", 4, "sektor", "Kosmiczny")
    assert "Kosmiczny" in error.message


# -- hand-made .ods: cells away from A1, repeats, limits ----------------------------------------------------------

_ODS_HEAD = ('<?xml version="1.0" encoding="UTF-8"?><office:document-content '
             'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
             'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
             'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
             '<office:body><office:spreadsheet>')
_ODS_TAIL = "</office:spreadsheet></office:body></office:document-content>"
_MANIFEST = ('<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
             'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
             '<manifest:file-entry manifest:full-path="/" '
             'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
             '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
             '</manifest:manifest>')


def _cell(value: object, repeat: int = 1) -> str:
    rep = f' table:number-columns-repeated="{repeat}"' if repeat > 1 else ""
    if value is None:
        return f"<table:table-cell{rep}/>"
    if isinstance(value, (int, float)):
        kind = f'office:value-type="float" office:value="{value}"'
    else:
        kind = 'office:value-type="string"'
    return f"<table:table-cell{rep} {kind}><text:p>{value}</text:p></table:table-cell>"


def _row(cells: str, repeat: int = 1) -> str:
    rep = f' table:number-rows-repeated="{repeat}"' if repeat > 1 else ""
    return f"<table:table-row{rep}>{cells}</table:table-row>"


def _ods(path: Path, sheets: dict[str, str]) -> Path:
    body = "".join(f'<table:table table:name="{name}">{rows}</table:table>' for name, rows in sheets.items())
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet",
                         compress_type=zipfile.ZIP_STORED)
        archive.writestr("META-INF/manifest.xml", _MANIFEST, compress_type=zipfile.ZIP_DEFLATED)
        archive.writestr("content.xml", _ODS_HEAD + body + _ODS_TAIL, compress_type=zipfile.ZIP_DEFLATED)
    return path


def test_cells_away_from_a1_keep_their_row_and_column(tmp_path):
    rows = (_row(_cell(None), 2)  # two empty rows, then a title in B3, a blank row, the header in C5
            + _row(_cell(None) + _cell("Partnerzy PZK"))
            + _row(_cell(None, 3))
            + _row(_cell(None, 2) + _cell("id") + _cell("nazwa"))
            + _row(_cell(None, 2) + _cell("OPS") + _cell(209034.0)))
    path = _ods(tmp_path / "przesuniete.ods", {"partnerzy": rows})

    [table] = sources.load_tables(path, ValidationReport())

    assert table.row_numbers.tolist() == [3, 5, 6]
    assert table.rows == [(None, "Partnerzy PZK", None, None), (None, None, "id", "nazwa"),
                          (None, None, "OPS", 209034)], "a whole float is an int, as openpyxl gives it"


def test_teryt_that_lost_its_leading_zero_in_ods(tmp_path):
    shutil.copy(FORMATS / "gmina_przykladowa.ods", tmp_path / "g.ods")
    assert read_gmina(tmp_path / "g.ods").teryt == "1299013"
    rows = _row(_cell("pole") + _cell("wartosc")) + _row(_cell("nazwa") + _cell("Gmina X")) + _row(
        _cell("teryt") + _cell(209034.0))
    path = _ods(tmp_path / "teryt.ods", {"gmina": rows})
    assert read_gmina(path).teryt == "0209034"


def test_ods_over_the_cell_limit_is_refused_before_calamine_builds_it(tmp_path, monkeypatch):
    # One row repeated a million times, 100 filled cells wide: a few hundred bytes, 100 million cells.
    path = _ods(tmp_path / "bomba.ods", {"partnerzy": _row(_cell("x", 100), 1_000_000)})
    built = []
    monkeypatch.setattr(calamine_source, "_open", lambda p: built.append(p))
    report = ValidationReport()

    assert sources.load_tables(path, report) == [] and built == []
    [error] = report.errors
    assert "„partnerzy”" in error.message and "1 000 000 wierszy × 100 kolumn" in error.message
    assert limits.polish_number(limits.MAX_CELLS) in error.message and error.hint


def test_ods_row_over_the_limit_gets_the_xlsx_message(tmp_path):
    path = _ods(tmp_path / "dlugi.ods", {"partnerzy": _row(_cell("id")) + _row(_cell(None), limits.MAX_ROWS)
                                         + _row(_cell("OPS"))})
    report = ValidationReport()
    assert sources.load_tables(path, report) == []
    [error] = report.errors
    assert error.row == limits.MAX_ROWS + 2 and "najwyżej 100 000 wierszy" in error.message


# -- files that are not what their name says ----------------------------------------------------------------------

@pytest.mark.parametrize(("name", "make", "expected"), [
    ("notatki.ods", lambda p: p.write_text("nazwa;sektor\nOPS;ops\n", encoding="utf-8"), "plikiem tekstowym"),
    ("notatki.xls", lambda p: p.write_text("nazwa;sektor\nOPS;ops\n", encoding="utf-8"), "plikiem tekstowym"),
    ("pusty.ods", lambda p: p.write_bytes(b""), "jest pusty (0 bajtów)"),
    ("uciety.ods", lambda p: p.write_bytes((FORMATS / "gmina_przykladowa.ods").read_bytes()[:5000]),
     "niekompletny albo uszkodzony"),
    ("uciety.xls", lambda p: p.write_bytes((FORMATS / "gmina_przykladowa.xls").read_bytes()[:5000]),
     "jest uszkodzony"),
    ("haslo.xls", lambda p: p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504
                                          + "EncryptionInfo".encode("utf-16-le") + b"\0" * 600),
     "jest chroniony hasłem"),
    ("losowy.xls", lambda p: p.write_bytes(bytes(range(256)) * 8), "nie jest poprawnym skoroszytem .xls"),
])
def test_files_that_are_not_readable_workbooks_are_explained(tmp_path, name, make, expected):
    path = tmp_path / name
    make(path)

    report = read_gmina(path).report

    assert not report.ok
    [error] = report.errors
    assert f"„{name}”" in error.message and expected in error.message, error.message
    assert error.hint and not CLASS_NAME.search(error.text), error.text


def test_workbooks_saved_under_another_name_are_read_as_what_they_are(tmp_path):
    original = read_gmina(EXAMPLE_XLSX)
    for source, name in (("gmina_przykladowa.xls", "stary.xlsx"), ("gmina_przykladowa.ods", "z_libre.xlsx"),
                         ("gmina_przykladowa.xls", "stary.ods"), ("gmina_przykladowa.ods", "z_libre.xls")):
        shutil.copy(FORMATS / source, tmp_path / name)
        _same_gmina(read_gmina(tmp_path / name), original)
    shutil.copy(EXAMPLE_XLSX, tmp_path / "nowy.ods")  # an .xlsx renamed: openpyxl's capped reader, not calamine
    _same_gmina(read_gmina(tmp_path / "nowy.ods"), original)


def test_password_protected_xlsx_still_gets_its_own_message(tmp_path):
    path = tmp_path / "haslo.xlsx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504 + "EncryptionInfo".encode("utf-16-le")
                     + b"\0" * 600)
    [error] = read_gmina(path).report.errors
    assert "jest chroniony hasłem" in error.message


# -- where the formats are accepted: the app, the batch ----------------------------------------------------------

def test_batch_finds_ods_and_xls_gminas(tmp_path):
    from pzk_kit.runs.batch import find_gminas

    for name in ("a.ods", "b.xls", "c.xlsx", "notatki.txt", "~$a.ods"):
        (tmp_path / name).write_bytes(b"")
    (tmp_path / "a.xlsx").write_bytes(b"")

    found = {g.name: g.path.name for g in find_gminas(tmp_path)}

    assert found == {"a": "a.ods", "a_xlsx": "a.xlsx", "b": "b.xls", "c": "c.xlsx"}


def test_app_reads_an_uploaded_ods():
    from pzk_kit.workshop.app import UPLOAD_SUFFIXES, WorkshopApp

    assert {".ods", ".xls", ".xlsx"} <= UPLOAD_SUFFIXES
    shown = WorkshopApp()
    assert all(s in shown.upload.accept.split(",") for s in (".ods", ".xls", ".xlsx"))
    data = shown.load_upload("moja gmina.ods", (FORMATS / "gmina_przykladowa.ods").read_bytes())
    assert data is not None and data.report.ok and shown.data is data


# -- .xlsx: calamine for plain workbooks, openpyxl for everything else --------------------------------------------

@pytest.mark.parametrize("path", [EXAMPLE_XLSX, HOSTILE_XLSX], ids=["example", "hostile"])
def test_plain_xlsx_reads_the_same_through_calamine_and_openpyxl(path, monkeypatch):
    assert calamine_source._plain_xlsx(path)
    fast = read_gmina(path)
    monkeypatch.setattr(calamine_source, "_plain_xlsx", lambda p: False)
    _same_gmina(fast, read_gmina(path))


def test_synthetic_workbook_reads_the_same_through_calamine_and_openpyxl(tmp_path, monkeypatch):
    import importlib.util
    import sys

    spec = importlib.util.spec_from_file_location("bench_io", ROOT / "benchmarks" / "bench_io.py")
    bench = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, "bench_io", bench)
    monkeypatch.setattr(sys, "path", list(sys.path))
    spec.loader.exec_module(bench)
    path = tmp_path / "syntetyczna.xlsx"
    bench.write_xlsx(bench.generate(bench.FULL_SIZES.scaled(50), seed=3), path)  # dates, numbers, Polish text

    fast = {t.source_name: t for t in sources.load_tables(path, ValidationReport())}
    monkeypatch.setattr(calamine_source, "_plain_xlsx", lambda p: False)
    slow = {t.source_name: t for t in sources.load_tables(path, ValidationReport())}
    assert list(fast) == list(slow)
    for name, table in slow.items():
        assert fast[name].row_numbers.tolist() == table.row_numbers.tolist() and fast[name].rows == table.rows


def _workbook_with(tmp_path: Path, fill) -> Path:
    import openpyxl

    workbook = openpyxl.load_workbook(EXAMPLE_XLSX)
    fill(workbook["partnerzy"])
    path = tmp_path / "g.xlsx"
    workbook.save(path)
    return path


@pytest.mark.parametrize(("what", "fill"), [
    ("a formula (its saved result is checked by openpyxl)", lambda s: s.__setitem__("N2", "=1+1")),
    ("an error cell", lambda s: s.__setitem__("N2", "#N/A")),
    ("a far cell (calamine would build the block up to it)", lambda s: s.__setitem__("XFD1048576", "x")),
    ("a column over the limit", lambda s: s.__setitem__("GS2", "x")),
])
def test_unusual_xlsx_is_left_to_openpyxl(tmp_path, what, fill):
    assert not calamine_source._plain_xlsx(_workbook_with(tmp_path, fill)), what


def test_error_cell_in_xlsx_still_reads_as_its_text(tmp_path):
    path = _workbook_with(tmp_path, lambda s: s.__setitem__("K3", "#N/A"))
    partners = next(t for t in sources.load_tables(path, ValidationReport()) if t.source_name == "partnerzy")
    assert partners.rows[list(partners.row_numbers).index(3)][10] == "#N/A"
