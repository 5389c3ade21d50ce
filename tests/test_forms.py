"""Partner forms (issue 15, item 1): ``pzk formularze`` writes one Excel form per partner, the anonymous survey and
the cover letters, in the layout ``pzk_kit.collection.form_format`` fixes for ``pzk zbierz``.

Every check parses the written files with openpyxl (or csv / python-docx) and compares cells with values taken by
hand from the example gmina (``pzk_kit/data/przyklad/gmina_przykladowa``): the other partners in sheet order, the
levels PUP reported in T0 and T1, PUP's three services, the 30 items of the survey.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import json
import re
import shutil
import zipfile
from pathlib import Path

import openpyxl
import pytest
from docx import Document

from pzk_kit import cli
from pzk_kit.collection import form_format as fmt
from pzk_kit.collection.forms import (
    LETTERS_CSV,
    LETTERS_DOCX,
    SURVEY_NAME,
    SURVEY_PRINT_NAME,
    NoPartnersForForms,
    form_file_name,
    forms_zip,
    target_measurement,
    write_forms,
)
from pzk_kit.evaluation.instrument import load_instrument
from pzk_kit.files import OutputExists, OutputRefused
from pzk_kit.runs.runner import InvalidInput
from pzk_kit.workbook.cells import split_multi
from pzk_kit.workbook.dictionaries import dictionary
from pzk_kit.workbook.example import example_dir
from pzk_kit.workbook.reading import read_gmina

ROOT = Path(__file__).resolve().parents[1]
HOSTILE_CSV = ROOT / "tests" / "data" / "hostile" / "gmina_wroga_csv"
HOSTILE_ID = "<b>X</b>=1"
DEADLINE = dt.date(2027, 1, 31)
DEADLINE_TEXT = "31 stycznia 2027 r."
# The example's partners in sheet order; OSIR, LKS and ZGM are candidates (no form, but asked about).
EXAMPLE_IDS = ["CUS", "PCPR", "SDS", "PUP", "CIS", "OHP", "KPP", "KP_PSP", "SP1", "SP2", "PPP", "SPZOZ", "CZP",
               "SANEPID", "GOK", "BIBLIOTEKA", "ZKSS", "PARAFIA", "PSONI", "KGW", "FUNDACJA", "WODOCIAGI",
               "STAROSTWO", "UG", "OSIR", "LKS", "ZGM"]
CANDIDATES = {"OSIR", "LKS", "ZGM"}
# What PUP reported (wspolpraca.csv, rows 38–42 and 160–164): T0 and T1 levels about the others.
PUP_T0 = {"CUS": 3, "PCPR": 2, "CIS": 2, "OHP": 2, "STAROSTWO": 2}
PUP_T1 = {"CUS": 3, "PCPR": 3, "CIS": 3, "OHP": 2, "STAROSTWO": 2}
PUP_FORM = "formularz_PUP_powiatowy_urzad_pracy_w_przykladowie.xlsx"


@pytest.fixture(scope="module")
def example():
    return read_gmina(example_dir())


@pytest.fixture(scope="module")
def written(example, tmp_path_factory):
    """The example's forms with a deadline, written once for the module (READ-ONLY)."""
    return write_forms(example, tmp_path_factory.mktemp("formularze") / "formularze", deadline=DEADLINE)


@pytest.fixture(scope="module")
def command_t1(tmp_path_factory):
    """``pzk formularze EXAMPLE --out DIR --pomiar t1`` (no deadline) through the command's main: (code, out, DIR)."""
    out = tmp_path_factory.mktemp("polecenie") / "do_wyslania"
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        code = cli.main(["formularze", str(example_dir()), "--out", str(out), "--pomiar", "t1"])
    return code, printed.getvalue(), out


def _sheet_rows(sheet) -> list[tuple]:
    return [tuple(row) for row in sheet.iter_rows(values_only=True)]


def _meta(workbook) -> dict:
    rows = _sheet_rows(workbook[fmt.META_SHEET])
    assert rows[0] == ("pole", "wartosc")
    return {key: value for key, value in rows[1:]}


def _validations(sheet) -> dict[str, object]:
    """First cell of each validated range → its validation."""
    found = {}
    for validation in sheet.data_validations.dataValidation:
        for cells in str(validation.sqref).split():
            found[cells] = validation
    return found


def _list_values(workbook, formula: str) -> list[str]:
    """The values a list validation offers: inline ``"a,b"`` or a range on the hidden sheet."""
    if formula.startswith('"'):
        return formula.strip('"').split(",")
    sheet_name, cells = formula.split("!")
    sheet = workbook[sheet_name.strip("'")]
    return [cell.value for row in sheet[cells.replace("$", "")] for cell in row]


# -- which files ---------------------------------------------------------------------------------------------------


def test_one_form_per_leader_and_partner_in_sheet_order(written):
    assert written.measurement == "T2" and written.previous == "T1"  # the example has T0 and T1
    expected = [i for i in EXAMPLE_IDS if i not in CANDIDATES]
    assert len(written.partner_forms) == len(expected) == 24
    assert [p.name.split("_")[1] for p in written.partner_forms[:4]] == ["CUS", "PCPR", "SDS", "PUP"]
    assert written.partner_forms[0].name == "formularz_CUS_centrum_uslug_spolecznych_w_przykladowie.xlsx"
    assert written.partner_forms[3].name == PUP_FORM
    names = sorted(p.name for p in written.folder.iterdir())
    assert names == sorted([*(p.name for p in written.partner_forms), SURVEY_NAME, SURVEY_PRINT_NAME, LETTERS_CSV,
                            LETTERS_DOCX, ".pzk-wynik.json"])
    assert written.survey == written.folder / SURVEY_NAME
    assert not any(p.name.startswith(".") and p.suffix == ".tmp" for p in written.folder.parent.iterdir())


def test_file_name_rule():
    assert form_file_name("KP_PSP", "Komenda Powiatowa Państwowej Straży Pożarnej w Przykładowie") == \
        "formularz_KP_PSP_komenda_powiatowa_panstwowej_strazy_poza.xlsx"
    assert form_file_name("ŁÓDŹ", "Łódź / Żółw: ../..\\x") == "formularz_LODZ_lodz_zolw_x.xlsx"
    assert form_file_name("<>", "=1+1") == "formularz_bez_kodu_1_1.xlsx"
    slug = form_file_name("A", "x" * 100)
    assert slug == f"formularz_A_{'x' * 40}.xlsx"


# -- the partner form ------------------------------------------------------------------------------------------------


def test_meta_sheet_names_the_partner_and_the_measurement(written):
    workbook = openpyxl.load_workbook(written.partner_forms[3])
    assert workbook.sheetnames[0] == "instrukcja" and workbook.active.title == "instrukcja"
    assert {fmt.TIES_SHEET, fmt.SERVICES_SHEET, fmt.META_SHEET} <= set(workbook.sheetnames)
    assert workbook[fmt.META_SHEET].sheet_state == "hidden"
    meta = _meta(workbook)
    assert list(meta) == list(fmt.META_KEYS)
    assert {k: meta[k] for k in fmt.META_KEYS if k != "utworzono"} == {
        "rodzaj": "formularz_partnera", "wersja": "1", "gmina": "Gmina Przykładowa", "teryt": "1299013",
        "partner": "PUP", "pomiar": "T2"}
    assert abs(dt.datetime.fromisoformat(meta["utworzono"]) - dt.datetime.now()) < dt.timedelta(hours=1)


def test_every_printed_page_says_whose_form_it_is(written):
    workbook = openpyxl.load_workbook(written.partner_forms[3])
    for name in ("instrukcja", fmt.TIES_SHEET, fmt.SERVICES_SHEET):
        header = workbook[name].oddHeader.center.text
        assert header == "Formularz dla: Powiatowy Urząd Pracy w Przykładowie (kod: PUP). Pomiar: T2.", name
        assert workbook[name].oddFooter.right.text == "&P / &N"
    survey = openpyxl.load_workbook(written.survey)[fmt.SURVEY_SHEET].oddHeader.center.text
    assert "Gmina Przykładowa" in survey and survey.endswith("· T2")


def test_instruction_sheet_gives_the_deadline_and_the_scales(written):
    workbook = openpyxl.load_workbook(written.partner_forms[3])
    text = "\n".join(str(r[0]) for r in _sheet_rows(workbook["instrukcja"]) if r[0])
    assert "Powiatowy Urząd Pracy w Przykładowie (kod: PUP). Pomiar: T2." in text
    assert f"Termin odesłania: {DEADLINE_TEXT}" in text and "r.." not in text
    assert "w pomiarze T1" in text
    for entry in dictionary("poziomy_wspolpracy").entries:
        assert f"{entry.code} – {entry.label}: {entry.description}" in text


def test_ties_rows_are_the_other_partners_with_last_levels_as_hints(written):
    sheet = openpyxl.load_workbook(written.partner_forms[3])[fmt.TIES_SHEET]
    rows = _sheet_rows(sheet)
    assert rows[0] == ("do", "nazwa_partnera", "sektor", "poprzednio", "poziom", "formy", "zaufanie", "wartosc")
    body = rows[1:]
    assert [r[0] for r in body] == [i for i in EXAMPLE_IDS if i != "PUP"]  # candidates too, in sheet order
    by_id = {r[0]: r for r in body}
    assert by_id["CUS"][1:3] == ("Centrum Usług Społecznych w Przykładowie", "Pomoc społeczna")
    assert by_id["OSIR"][2] == "Sport"
    assert {i: r[3] for i, r in by_id.items() if r[3] is not None} == PUP_T1
    assert all(r[4:] == (None, None, None, None) for r in body), "answers are never pre-filled"
    assert sheet.freeze_panes == "C2"
    assert sheet.page_setup.orientation == "landscape" and sheet.page_setup.fitToWidth == 1
    assert sheet["A1"].comment is not None and "do odczytu" in sheet["D1"].comment.text
    assert "T1" in sheet["D1"].comment.text
    assert "Puste pole = brak odpowiedzi" in sheet["E1"].comment.text and "Wymagana" not in sheet["E1"].comment.text


def test_asked_measurement_takes_hints_from_the_one_before(command_t1):
    code, _printed, out = command_t1
    assert code == 0
    workbook = openpyxl.load_workbook(out / PUP_FORM)
    assert _meta(workbook)["pomiar"] == "T1"
    rows = _sheet_rows(workbook[fmt.TIES_SHEET])[1:]
    assert {r[0]: r[3] for r in rows if r[3] is not None} == PUP_T0
    text = "\n".join(str(r[0]) for r in _sheet_rows(workbook["instrukcja"]) if r[0])
    assert "w pomiarze T0" in text and "Termin" not in text, "no deadline given: no deadline sentence"
    letters = (out / LETTERS_CSV).read_text(encoding="utf-8-sig")
    assert "Prosimy o odesłanie formularza do" not in letters and "pomiar T1" in letters


def test_answer_columns_have_drop_downs_and_are_the_only_unlocked_cells(written):
    workbook = openpyxl.load_workbook(written.partner_forms[3])
    sheet = workbook[fmt.TIES_SHEET]
    last = len(EXAMPLE_IDS)  # header + 26 other partners
    validations = _validations(sheet)
    assert set(validations) == {f"{c}2:{c}{last}" for c in "EFGH"}
    assert _list_values(workbook, validations[f"E2:E{last}"].formula1) == ["0", "1", "2", "3", "4", "5"]
    assert _list_values(workbook, validations[f"F2:F{last}"].formula1) == dictionary("formy_wspolpracy").labels
    for column in "GH":
        assert _list_values(workbook, validations[f"{column}2:{column}{last}"].formula1) == ["1", "2", "3", "4"]
    assert all(v.type == "list" for v in validations.values())
    assert workbook["listy"].sheet_state == "hidden"
    assert sheet.protection.sheet and not sheet.protection.password
    for row in (2, last):
        assert [sheet.cell(row=row, column=c).protection.locked for c in range(1, 9)] == [True] * 4 + [False] * 4


def test_services_are_the_partners_own_prefilled(example, written):
    workbook = openpyxl.load_workbook(written.partner_forms[3])
    sheet = workbook[fmt.SERVICES_SHEET]
    rows = _sheet_rows(sheet)
    assert rows[0] == ("id", "nazwa", "obszary", "grupy", "opis", "forma", "dostep", "odplatnosc", "miejsce",
                       "godziny", "limit_miejsc", "kontakt", "zakres", "co_zabrac", "dostepnosc", "jezyki",
                       "obszar_dzialania", "data_weryfikacji")
    body = [r for r in rows[1:] if any(v is not None for v in r)]
    own = example.services[example.services["partner"] == "PUP"]
    assert [r[0] for r in body] == own["id"].tolist() == ["U017", "U018", "U019"]
    assert [r[1] for r in body] == ["Rejestracja i oferty pracy", "Doradca zawodowy", "Staż lub szkolenie zawodowe"]
    areas, groups = dictionary("obszary_potrzeb"), dictionary("grupy_docelowe")
    for row, service in zip(body, own.to_dict("records"), strict=True):
        assert tuple(areas.resolve(p) for p in split_multi(row[2])) == service["obszary"]
        assert tuple(groups.resolve(p) for p in split_multi(row[3])) == service["grupy"]
        assert row[4] == service["opis"] and row[11] == service["kontakt"]
    assert body[1][3] == "Osoby bezrobotne; Młodzież"
    validations = _validations(sheet)
    assert _list_values(workbook, validations["C2:C19"].formula1) == areas.labels  # 3 services + 15 empty rows
    assert _list_values(workbook, validations["G2:G19"].formula1) == dictionary("tryby_dostepu").labels


def test_survey_form_rows_are_the_instrument_items(written):
    instrument = load_instrument()
    workbook = openpyxl.load_workbook(written.survey)
    assert workbook.sheetnames[0] == fmt.SURVEY_SHEET and workbook.active.title == fmt.SURVEY_SHEET
    meta = _meta(workbook)
    assert (meta["rodzaj"], meta["wersja"], meta["partner"], meta["pomiar"]) == ("ankieta_anonimowa", "1", None, "T2")
    sheet = workbook[fmt.SURVEY_SHEET]
    rows = _sheet_rows(sheet)
    assert rows[0] == ("kod", "pytanie", "odpowiedz")
    assert rows[1] == ("sektor", "Sektor Twojej instytucji (nieobowiązkowe)", None)
    assert [(r[0], r[1]) for r in rows[2:]] == [(i.code, i.text) for i in instrument.items]
    assert all(r[2] is None for r in rows[1:])
    validations = _validations(sheet)
    assert _list_values(workbook, validations["C2"].formula1) == dictionary("sektory").labels
    answers = _list_values(workbook, validations[f"C3:C{len(rows)}"].formula1)
    assert answers == [*instrument.scale, "Nie wiem"]
    assert "Ani tak, ani nie" in answers  # a label with a comma: why the list is a range, not inline text


def test_letters_csv_has_one_row_per_form_with_the_deadline(written, example):
    raw = written.letters_csv.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["id", "nazwa", "email", "plik", "tresc"]
    assert [r[3] for r in rows[1:]] == [p.name for p in written.partner_forms]
    pup = next(r for r in rows[1:] if r[0] == "PUP")
    assert pup[1:3] == ["Powiatowy Urząd Pracy w Przykładowie", "sekretariat@pup.example.pl"]
    assert f"Prosimy o odesłanie formularza do {DEADLINE_TEXT}" in pup[4]
    assert PUP_FORM in pup[4] and "anonimow" in pup[4] and SURVEY_NAME in pup[4]
    document = Document(str(written.letters_docx))
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert len(headings) == 24
    text = "\n".join(p.text for p in document.paragraphs)
    assert text.count(DEADLINE_TEXT) == 24 and "Do: Powiatowy Urząd Pracy w Przykładowie" in text


def test_printable_survey_is_the_documents_one(written):
    document = Document(str(written.survey_print))
    text = "\n".join(p.text for p in document.paragraphs)
    cells = "\n".join(c.text for t in document.tables for r in t.rows for c in r.cells)
    assert load_instrument().title in text and "Gmina Przykładowa" in text
    assert load_instrument().items[0].text in cells


# -- hostile input, refusals, the ZIP and the command ------------------------------------------------------------------


def test_hostile_names_give_safe_file_names_and_neutralised_cells(tmp_path):
    data = read_gmina(HOSTILE_CSV)
    result = write_forms(data, tmp_path / "wrogie")
    names = [p.name for p in result.partner_forms]
    assert len(set(n.lower() for n in names)) == len(names)
    assert all(re.fullmatch(r"formularz_[A-Za-z0-9_]+\.xlsx", n) for n in names), names
    assert all(len(n) <= len("formularz_.xlsx") + 30 + 1 + 40 for n in names)
    hostile = next(p for p in result.partner_forms if _meta(openpyxl.load_workbook(p))["partner"] == HOSTILE_ID)
    assert hostile.name.startswith("formularz_b_X_b_1_stowarzyszenie_bardzo")
    sheet = openpyxl.load_workbook(result.partner_forms[0])[fmt.TIES_SHEET]
    formulas = [c for row in sheet.iter_rows(min_row=2) for c in row[:3] if isinstance(c.value, str)
                and c.value.startswith(("=", "+", "-", "@"))]
    assert formulas, "the corpus puts formula-like names into the ties sheet"
    assert all(c.data_type == "s" and c.quotePrefix for c in formulas)
    assert any(c.value.startswith("=HYPERLINK(") for c in formulas)
    workbook = openpyxl.load_workbook(result.partner_forms[0])
    assert _meta(workbook)["gmina"] == "Gmina <script>alert('gmina')</script> Przykładowa"
    rows = list(csv.reader(io.StringIO(result.letters_csv.read_text(encoding="utf-8-sig")), delimiter=";"))
    sds = next(r for r in rows if r[0] == "SDS")
    assert sds[1] == "'=HYPERLINK(\"http://zly.example/x\",\"Kliknij\")"
    assert not any(cell.startswith(("=", "+", "@")) for r in rows for cell in r)


def test_refuses_a_folder_with_other_files_and_replaces_only_its_own(example, written, tmp_path):
    foreign = tmp_path / "odeslane"
    foreign.mkdir()
    (foreign / "formularz_od_partnera.xlsx").write_bytes(b"returned form")
    with pytest.raises(OutputRefused, match="nie jest folderem z wynikami zestawu"):
        write_forms(example, foreign, overwrite=True)
    assert [p.name for p in foreign.iterdir()] == ["formularz_od_partnera.xlsx"]
    with pytest.raises(OutputExists):
        write_forms(example, written.folder)
    assert json.loads((written.folder / ".pzk-wynik.json").read_text(encoding="utf-8"))["polecenie"] == "formularze"
    out = tmp_path / "formularze"
    shutil.copytree(written.folder, out)
    again = write_forms(example, out, measurement="T3", overwrite=True)
    assert _meta(openpyxl.load_workbook(again.partner_forms[0]))["pomiar"] == "T3"
    (out / "odeslany.xlsx").write_bytes(b"returned form")  # a returned form put beside: never replaced
    with pytest.raises(OutputRefused, match=re.escape("odeslany.xlsx")):
        write_forms(example, out, overwrite=True)


def test_invalid_data_and_no_partners_are_refused(tmp_path):
    folder = tmp_path / "zla"
    folder.mkdir()
    (folder / "partnerzy.csv").write_text("id;nazwa;sektor;rola\nA;Ośrodek;Pomoc społeczna;kandydat\n",
                                          encoding="utf-8")
    with pytest.raises(InvalidInput):
        write_forms(read_gmina(folder), tmp_path / "nic")
    (folder / "gmina.csv").write_text("pole;wartosc\nnazwa;Gmina Testowa\n", encoding="utf-8")
    data = read_gmina(folder)
    assert data.report.ok
    with pytest.raises(NoPartnersForForms) as refused:
        write_forms(data, tmp_path / "nic")
    assert "kandydaci formularzy nie dostają" in refused.value.message
    assert not (tmp_path / "nic").exists()
    assert target_measurement(data) == "T0"  # no ties collected yet


def test_zip_holds_the_same_files(example, written):
    archive = zipfile.ZipFile(io.BytesIO(forms_zip(example, deadline=DEADLINE)))
    assert sorted(archive.namelist()) == sorted(p.name for p in written.folder.iterdir() if p.name[0] != ".")
    workbook = openpyxl.load_workbook(io.BytesIO(archive.read(PUP_FORM)))
    assert _meta(workbook)["partner"] == "PUP"


def test_command_end_to_end(command_t1, capsys):
    code, printed, out = command_t1
    assert code == 0
    assert f"Zapisano 24 formularze partnerów dla: Gmina Przykładowa (pomiar T1) w: {out}" in printed
    assert "podpowiada poziomy z pomiaru T0" in printed
    assert "pzk zbierz FOLDER --do" in printed and SURVEY_NAME in printed
    assert (out / PUP_FORM).is_file() and (out / LETTERS_DOCX).is_file() and (out / SURVEY_PRINT_NAME).is_file()
    assert cli.main(["formularze", str(example_dir()), "--out", str(out)]) == 1  # exists, no --nadpisz
    assert "już istnieje" in capsys.readouterr().err
    assert (out / PUP_FORM).is_file()


def test_command_on_invalid_data_exits_2_and_writes_nothing(tmp_path, capsys):
    folder = tmp_path / "zla"
    folder.mkdir()
    (folder / "partnerzy.csv").write_text("id;nazwa;sektor\nA;Ośrodek;Pomoc społeczna\n", encoding="utf-8")
    code = cli.main(["formularze", str(folder), "--out", str(tmp_path / "nic")])
    err = capsys.readouterr().err
    assert code == 2
    assert "Brakuje wymaganego arkusza „gmina”" in err and "Nic nie zapisano" in err
    assert not (tmp_path / "nic").exists()
    with pytest.raises(SystemExit) as stop:
        cli.main(["formularze", str(folder), "--out", "x", "--termin", "jutro"])
    assert stop.value.code == 2
    assert "argument --termin: niepoprawna data „jutro”" in capsys.readouterr().err


def test_benchmark_gmina_is_deterministic_and_all_partners_get_forms(monkeypatch):
    """benchmarks/bench_forms.py times forms for every partner of its synthetic gmina: none may be a candidate."""
    import importlib.util
    import sys

    folder = ROOT / "benchmarks"
    monkeypatch.setattr(sys, "path", [str(folder), *sys.path])
    spec = importlib.util.spec_from_file_location("bench_forms", folder / "bench_forms.py")
    bench = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, "bench_forms", bench)
    spec.loader.exec_module(bench)

    first, second = bench.generate(12, seed=7), bench.generate(12, seed=7)
    assert first.sheets == second.sheets
    partners = first.sheets["partnerzy"]
    roles = {row[partners[0].index("rola")] for row in partners[1:]}
    assert roles == {"Lider", "Partner"} and len(partners) == 13
    assert first.data_rows["wspolpraca"] == 12 * 11  # half of the distinct (od, do, pomiar) triples


def test_command_refuses_a_folder_of_returned_forms(tmp_path, capsys):
    folder = tmp_path / "odeslane"
    folder.mkdir()
    (folder / "formularz_PUP_wypelniony.xlsx").write_bytes(b"returned")
    code = cli.main(["formularze", str(example_dir()), "--out", str(folder), "--nadpisz"])
    assert code == 2
    assert "nie jest folderem z wynikami zestawu" in capsys.readouterr().err
    assert [p.name for p in folder.iterdir()] == ["formularz_PUP_wypelniony.xlsx"]
