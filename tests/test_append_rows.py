"""append_rows: rows of the plan and the register written into the user's own workbook, and nothing else harmed."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import openpyxl
import pytest

from pzk_kit.errors import PzkError
from pzk_kit.workbook.append import AppendRefused, append_rows
from pzk_kit.workbook.example import write_example_workbook
from pzk_kit.workbook.reading import read_gmina

ACTION = {"id": "D99", "dzialanie": "Biuletyn PZK raz w miesiącu", "kto": ("CUS", "PUP"), "termin": "31.01.2027",
          "status": "W trakcie", "miara": "q05"}
HOSTILE = ["=HYPERLINK(\"http://zly.example/x\",\"Kliknij\")", "@SUMA(1+1)", "+48 abc", "-2+3x"]


@pytest.fixture(scope="module")
def example_xlsx(tmp_path_factory) -> Path:
    return write_example_workbook(tmp_path_factory.mktemp("przyklad") / "gmina.xlsx")


@pytest.fixture
def workbook(example_xlsx, tmp_path) -> Path:
    return Path(shutil.copy(example_xlsx, tmp_path / "gmina.xlsx"))


def _frame_records(data, sheet):
    return data.table(sheet).drop(columns=["wiersz"]).astype(object).to_dict(orient="records")


def test_xlsx_append_keeps_every_other_sheet_style_and_validation(workbook):
    before = read_gmina(workbook)
    original = openpyxl.load_workbook(workbook)
    result = append_rows(workbook, "dzialania", [ACTION])
    assert result.path == workbook and result.sheet == "dzialania"
    assert result.rows == (len(before.actions) + 2,)  # below the header and the example's 9 actions
    after = read_gmina(workbook)
    assert after.report.ok
    assert _frame_records(after, "dzialania")[:-1] == _frame_records(before, "dzialania")
    added = after.actions.iloc[-1]
    assert (added["id"], added["dzialanie"], added["kto"], added["status"], added["miara"], added["wiersz"]) == (
        "D99", "Biuletyn PZK raz w miesiącu", ("CUS", "PUP"), "w_trakcie", "q05", result.rows[0])
    assert added["termin"].date() == dt.date(2027, 1, 31)
    for sheet in ("partnerzy", "wspolpraca", "uslugi", "zespoly", "ankieta"):
        assert _frame_records(after, sheet) == _frame_records(before, sheet), sheet
    reopened = openpyxl.load_workbook(workbook)
    assert reopened.sheetnames == original.sheetnames
    assert reopened["listy"].sheet_state == "hidden"
    sheet, old = reopened["dzialania"], original["dzialania"]
    assert len(sheet.data_validations.dataValidation) == len(old.data_validations.dataValidation) > 0
    assert sheet["A1"].fill.fgColor.rgb == old["A1"].fill.fgColor.rgb and sheet["A1"].comment is not None
    termin = sheet.cell(result.rows[0], 4)
    assert isinstance(termin.value, dt.datetime) and termin.number_format == "yyyy-mm-dd"


def test_hostile_text_stays_text(workbook, tmp_path, write_csv_gmina, gmina_rows):
    rows = [{"id": f"H{i}", "dzialanie": value, "uwagi": value} for i, value in enumerate(HOSTILE)]
    result = append_rows(workbook, "dzialania", rows)
    sheet = openpyxl.load_workbook(workbook)["dzialania"]
    for row, value in zip(result.rows, HOSTILE, strict=True):
        cell = sheet.cell(row, 2)
        assert cell.value == value and cell.data_type == "s" and cell.quotePrefix
    assert list(read_gmina(workbook).actions["dzialanie"].iloc[-4:]) == HOSTILE

    folder = write_csv_gmina(tmp_path / "csv", gmina_rows)
    append_rows(folder, "dzialania", rows)
    lines = (folder / "dzialania.csv").read_text(encoding="utf-8-sig").splitlines()
    assert lines[1].startswith("H0;\"'=HYPERLINK(") and lines[2].startswith("H1;'@SUMA")
    assert list(read_gmina(folder).actions["dzialanie"]) == HOSTILE  # the apostrophe comes off when read


def test_missing_sheet_gets_the_templates_header(tmp_path, gmina_rows, write_xlsx):
    path = write_xlsx(tmp_path / "bez_zespolow.xlsx", gmina_rows)
    before = read_gmina(path)
    result = append_rows(path, "zespoly", [{"sprawa": "Z-1", "data_zgloszenia": "2026-02-03",
                                            "data_pierwszej_uslugi": dt.date(2026, 2, 10), "partnerzy": "GOPS; PUP",
                                            "uslugi": ["U1", "U2"], "rodzaj": "IPUS"}])
    assert result.rows == (2,)
    sheet = openpyxl.load_workbook(path)["zespoly"]
    assert [c.value for c in sheet[1]] == ["sprawa", "rodzaj", "data_zgloszenia", "data_pierwszej_uslugi",
                                           "partnerzy", "uslugi", "status", "pomiar"]
    assert sheet["A1"].comment is not None and sheet.freeze_panes == "A2"
    after = read_gmina(path)
    assert after.report.ok, after.report.format_text()
    case = after.cases.iloc[0]
    assert (case["sprawa"], case["rodzaj"], case["partnerzy"], case["uslugi"], case["status"]) == (
        "Z-1", "ipus", ("GOPS", "PUP"), ("U1", "U2"), "otwarta")
    assert _frame_records(after, "uslugi") == _frame_records(before, "uslugi")


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "cp1250"])
def test_csv_append_keeps_bytes_encoding_and_delimiter(tmp_path, gmina_rows, write_csv_gmina, encoding):
    delimiter = "," if encoding == "utf-8" else ";"
    folder = write_csv_gmina(tmp_path / "gmina", gmina_rows, encoding=encoding, delimiter=delimiter)
    target = folder / "uslugi.csv"
    original = target.read_bytes()
    before = read_gmina(folder)
    result = append_rows(folder, "uslugi", [{"id": "U9", "partner": "SP1", "nazwa": "Świetlica „Żak”",
                                             "obszary": ["Ubóstwo", "Bezrobocie"], "grupy": "Młodzież"}])
    assert result.path == target and result.rows == (4,)
    data = target.read_bytes()
    assert data.startswith(original)  # earlier bytes untouched, BOM or not
    areas = "Ubóstwo; Bezrobocie" if delimiter == "," else '"Ubóstwo; Bezrobocie"'  # quoted around its own ";"
    expected = f"U9{delimiter}SP1{delimiter}Świetlica „Żak”{delimiter}{areas}{delimiter}Młodzież"
    assert data[len(original):] == (expected + delimiter * 3 + "\r\n").encode(
        "cp1250" if encoding == "cp1250" else "utf-8")
    after = read_gmina(folder)
    assert after.report.ok
    assert _frame_records(after, "uslugi")[:-1] == _frame_records(before, "uslugi")
    assert after.services.iloc[-1]["obszary"] == ("ubostwo", "bezrobocie")


def test_new_csv_file_follows_the_folder(tmp_path, gmina_rows, write_csv_gmina):
    folder = write_csv_gmina(tmp_path / "gmina", gmina_rows, encoding="cp1250")
    result = append_rows(folder, "dzialania", [{"id": "D1", "dzialanie": "Spotkanie w Łące", "kto": "GOPS"}])
    assert result.path == folder / "dzialania.csv" and result.rows == (2,)
    text = result.path.read_bytes().decode("cp1250")
    assert text.startswith("id;dzialanie;kto;termin;") and "D1;Spotkanie w Łące;GOPS;" in text
    assert read_gmina(folder).actions["dzialanie"].tolist() == ["Spotkanie w Łące"]
    with pytest.raises(AppendRefused, match="nie da się zapisać"):  # not a Windows-1250 letter
        append_rows(folder, "dzialania", [{"id": "D2", "dzialanie": "Spotkanie 😀"}])
    assert read_gmina(folder).actions["id"].tolist() == ["D1"]


def test_excel_lock_file_refuses(workbook):
    lock = workbook.parent / f"~${workbook.name}"
    lock.write_bytes(b"")
    original = workbook.read_bytes()
    with pytest.raises(AppendRefused) as refused:
        append_rows(workbook, "dzialania", [ACTION])
    assert "jest otwarty w Excelu" in refused.value.message and lock.name in refused.value.message
    assert isinstance(refused.value, PzkError) and workbook.read_bytes() == original


def test_ods_and_xls_are_refused(tmp_path):
    for suffix in (".ods", ".xls"):
        path = tmp_path / f"gmina{suffix}"
        path.write_bytes(b"x")
        with pytest.raises(AppendRefused, match=r"zapisz jako \.xlsx"):
            append_rows(path, "dzialania", [ACTION])
        assert path.read_bytes() == b"x"


def test_row_that_cannot_be_read_back_restores_the_file(workbook):
    original = workbook.read_bytes()
    with pytest.raises(AppendRefused) as refused:  # "dzialanie" is required
        append_rows(workbook, "dzialania", [{"id": "D77", "uwagi": "bez opisu"}])
    message = refused.value.message
    assert "Nowe wiersze arkusza „dzialania” (11) nie dały się odczytać" in message and "przywrócono" in message
    assert "dzialanie" in message  # the reader's own reason
    assert workbook.read_bytes() == original
    with pytest.raises(AppendRefused, match="nie dały się odczytać"):  # a partner the workbook does not know
        append_rows(workbook, "dzialania", [{"id": "D78", "dzialanie": "x", "kto": "NIKT"}])
    assert workbook.read_bytes() == original


def test_unknown_columns_and_sheets_are_refused(workbook):
    with pytest.raises(AppendRefused, match="kolumny, których nie ma"):
        append_rows(workbook, "dzialania", [{"id": "D1", "kolor": "zielony"}])
    with pytest.raises(AppendRefused, match="Nie można dopisywać wierszy do arkusza „gmina”"):
        append_rows(workbook, "gmina", [{"nazwa": "x"}])
    assert append_rows(workbook, "dzialania", []).rows == ()


def test_blank_template_takes_rows_below_its_example(tmp_path):
    """A fresh `pzk template` is not an unreadable file: its sheets exist, only the gmina is not filled in yet."""
    from pzk_kit.workbook.templates import write_template

    for target in (tmp_path / "szablon.xlsx", tmp_path / "szablon_csv"):
        write_template(target)
        result = append_rows(target, "partnerzy", [{"id": "OPS", "nazwa": "Ośrodek", "sektor": "Pomoc społeczna"}])
        assert result.rows == (3,)  # row 2 holds the template's example, which the reader leaves out
        partners = read_gmina(target).partners
        assert partners[["id", "nazwa", "sektor", "wiersz"]].values.tolist() == [["OPS", "Ośrodek", "pomoc_spoleczna",
                                                                                3]]


def test_workbook_with_a_chart_is_left_untouched(workbook):
    from openpyxl.chart import BarChart, Reference

    book = openpyxl.load_workbook(workbook)
    chart = BarChart()
    chart.add_data(Reference(book["wspolpraca"], min_col=3, min_row=1, max_row=10), titles_from_data=True)
    book["wspolpraca"].add_chart(chart, "L2")
    book.save(workbook)
    original = workbook.read_bytes()
    with pytest.raises(AppendRefused, match="zawiera wykresy lub obrazy"):
        append_rows(workbook, "dzialania", [ACTION])
    assert workbook.read_bytes() == original
