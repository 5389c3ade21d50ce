"""``pzk zbierz``: partner forms and anonymous surveys merged back into a new workbook of the gmina.

The forms are written by :mod:`form_builder` from the format in ``pzk_kit.collection.form_format``, not by
``pzk formularze``, so these tests pin the format itself. The round trip is the promise to a leader: if every
partner types into its form what the example gmina holds for T1, the merged workbook gives the same T1 network as
the example.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import shutil
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from form_builder import answers_from, partner_services, touch, write_partner_form, write_survey_form

from pzk_kit.cli import main
from pzk_kit.collection.merge import (
    EMPTY_FORM,
    MISSING,
    REFUSED,
    SENT,
    STATUS_NAME,
    SUPERSEDED,
    SURVEY_ADDED,
    SURVEY_PRESENT,
    MergeRefused,
    check_paths,
    merge_forms,
    status_lines,
    write_merged,
    write_status,
)
from pzk_kit.network.measures import network_summary
from pzk_kit.spreadsheet_safety import csv_cell, starts_with_trigger, unescape_csv_text
from pzk_kit.workbook.example import example_dir, example_rows
from pzk_kit.workbook.reading import GminaData, read_gmina
from pzk_kit.workbook.templates import write_filled_workbook

ROOT = Path(__file__).resolve().parent
HOSTILE = ROOT / "data" / "hostile"
PAYLOADS = [p["value"] for p in json.loads((HOSTILE / "payloads.json").read_text(encoding="utf-8"))["payloads"]]
FORMULAS = [p for p in PAYLOADS if starts_with_trigger(p) and p == p.strip()]  # cells are read trimmed


@pytest.fixture(scope="module")
def original() -> GminaData:
    return read_gmina(example_dir())


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> Path:
    """The example workbook without its T1 cooperation: what a leader has before the T1 forms come back."""
    rows = example_rows()
    pomiar = 6  # od, do, poziom, formy, zaufanie, wartosc, pomiar
    rows["wspolpraca"] = [r for r in rows["wspolpraca"] if r[pomiar] != "T1"]
    return write_filled_workbook(rows, tmp_path_factory.mktemp("base") / "gmina.xlsx")


@pytest.fixture(scope="module")
def base_data(base) -> GminaData:
    return read_gmina(base)


@pytest.fixture(scope="module")
def t1_forms(tmp_path_factory, original, base_data) -> Path:
    """One T1 form per partner that reported in T1, filled with what the example holds, plus noise files."""
    folder = tmp_path_factory.mktemp("formularze")
    for pid in original.partners["id"]:
        answers = answers_from(original, pid, "T1")
        if answers:
            write_partner_form(folder / f"formularz_{pid}.xlsx", base_data, pid, "T1", answers)
    (folder / "skan_podpisu.pdf").write_bytes(b"%PDF-1.4")
    (folder / "~$formularz_CUS.xlsx").write_bytes(b"lock")
    (folder / ".~lock.formularz_PCPR.xlsx#").write_bytes(b"lock")
    (folder / ".pzk-wynik.json").write_text("{}")
    return folder


@pytest.fixture(scope="module")
def merged(tmp_path_factory, t1_forms, base_data):
    result = merge_forms(t1_forms, base_data)
    out = write_merged(result, tmp_path_factory.mktemp("out") / "po_zbieraniu.xlsx")
    return result, out, read_gmina(out)


def _frames(data: GminaData) -> dict[str, pd.DataFrame]:
    return {name: data.table(name).drop(columns="wiersz").reset_index(drop=True)
            for name in ("partnerzy", "wspolpraca", "uslugi", "potrzeby", "ankieta")}


def _copy(folder: Path, tmp_path: Path, *names: str) -> Path:
    target = tmp_path / "formularze"
    target.mkdir()
    for name in names:
        shutil.copy2(folder / name, target / name)
    return target


# -- the round trip and the status --------------------------------------------------------------------------------


def test_round_trip_gives_the_original_t1_network(merged, original):
    result, _out, data = merged
    assert data.report.ok, data.report.format_text()
    assert network_summary(data, "T1") == network_summary(original, "T1")
    assert network_summary(data, "T0") == network_summary(original, "T0")
    key = ["od", "do", "pomiar"]
    mine = data.cooperation.drop(columns="wiersz").sort_values(key).reset_index(drop=True)
    theirs = original.cooperation.drop(columns="wiersz").sort_values(key).reset_index(drop=True)
    pd.testing.assert_frame_equal(mine, theirs)
    services = data.services.drop(columns="wiersz").sort_values("id").reset_index(drop=True)
    pd.testing.assert_frame_equal(services, original.services.drop(columns="wiersz").sort_values("id")
                                  .reset_index(drop=True))
    assert result.merged_anything


def test_status_counts_answers_empty_rows_and_services(merged, original):
    result, _out, _data = merged
    rows = {r["partner"]: r for r in result.status_rows() if r["rodzaj"] == "formularz partnera"}
    t1 = original.cooperation[original.cooperation["pomiar"] == "T1"]
    others = len(original.partners) - 1
    for pid, row in rows.items():
        reported = int((t1["od"] == pid).sum())
        if reported:
            assert row["status"] == SENT
            assert (row["odpowiedzi"], row["puste"]) == (reported, others - reported)
            assert row["uslugi"] == int((original.services["partner"] == pid).sum())
        else:
            assert row["status"] == MISSING and row["plik"] == ""
    silent = [pid for pid in result.expected if not (t1["od"] == pid).any()]
    assert result.missing() == silent
    text = "\n".join(status_lines(result))
    assert "skan_podpisu.pdf: to nie jest skoroszyt .xlsx — pomijam." in text
    assert "~$formularz_CUS.xlsx: plik blokady Excela lub LibreOffice" in text
    assert ".~lock.formularz_PCPR.xlsx#: plik blokady" in text and ".pzk-wynik.json" not in text
    answered = len(result.expected) - len(silent)
    assert text.splitlines()[0] == f"Wypełnione formularze partnerów: {answered} z {len(result.expected)}."
    assert text.splitlines()[1].split() == ["partner", "nazwa", "status", "odp.", "puste", "usługi"]
    assert not any(MISSING in line for line in text.splitlines()[2:]), "partners without a form: one line only"
    if silent:
        assert text.splitlines()[-1] == (f"Przypomnij ({len(silent)}: nie odesłali, odesłali pusty albo formularz "
                                         f"odrzucono): {', '.join(silent)}.")


def test_merging_the_same_folder_again_changes_nothing(merged, t1_forms):
    _result, out, data = merged
    again = merge_forms(t1_forms, data)
    second = write_merged(again, out.with_name("drugi_raz.xlsx"))
    repeated = read_gmina(second)
    for name, frame in _frames(data).items():
        pd.testing.assert_frame_equal(_frames(repeated)[name], frame, obj=name)
    assert repeated.info == data.info


def test_input_is_never_touched_and_output_is_refused_when_it_exists(base, t1_forms, tmp_path):
    before = base.read_bytes()
    with pytest.raises(MergeRefused, match="nigdy go nie nadpisuję"):
        check_paths(base, base, overwrite=True)
    existing = tmp_path / "jest.xlsx"
    existing.write_bytes(b"moje")
    with pytest.raises(MergeRefused, match="--nadpisz"):
        check_paths(base, existing)
    with pytest.raises(MergeRefused, match=r"\.xlsx"):
        check_paths(base, tmp_path / "wynik.csv")
    check_paths(base, existing, overwrite=True)
    with pytest.raises(MergeRefused, match="nigdy go nie nadpisuję"):
        write_merged(merge_forms(t1_forms, read_gmina(base)), base, overwrite=True)
    assert main(["zbierz", str(t1_forms), "--do", str(base), "--out", str(existing)]) == 2
    assert existing.read_bytes() == b"moje"
    assert base.read_bytes() == before


# -- forms that must not be merged --------------------------------------------------------------------------------


def test_broken_form_is_reported_with_file_sheet_row_and_column(base_data, tmp_path):
    folder = tmp_path / "f"
    folder.mkdir()
    answers = {"PCPR": {"poziom": 3}, "SDS": {"poziom": 7}, "PUP": {"poziom": 2, "zaufanie": 9}}
    write_partner_form(folder / "formularz_CUS_zly.xlsx", base_data, "CUS", "T1", answers)
    result = merge_forms(folder, base_data)
    form = result.forms[0]
    assert form.status == REFUSED and "błędy w formularzu (2)" in form.reason
    lines = form.problem_lines()
    # SDS is the 2nd partner after CUS (row 2 = PCPR, row 3 = SDS): the row Excel shows.
    expected = ("formularz_CUS_zly.xlsx: błąd — arkusz „wspolpraca”, wiersz 3, kolumna „poziom”: "
                "Niepoprawna wartość „7”. Oczekiwano: liczba całkowita od 0 do 5")
    assert any(line.startswith(expected) for line in lines), lines
    assert any("wiersz 4, kolumna „zaufanie”: Niepoprawna wartość „9”" in line for line in lines), lines
    t1 = result.data.cooperation[result.data.cooperation["pomiar"] == "T1"]
    assert t1.empty  # nothing of the broken form was merged
    assert not result.merged_anything
    text = "\n".join(status_lines(result))
    assert "Błędy w formularz_CUS_zly.xlsx:" in text and "kolumna „poziom”" in text


@pytest.mark.parametrize(("meta", "partner", "reason"), [
    ({"gmina": "Gmina Inna"}, "CUS", "formularz innej gminy („Gmina Inna”"),
    ({"teryt": "0201011"}, "CUS", "formularz innej gminy (TERYT 0201011"),
    ({}, "NIEZNANY", "nieznany partner „NIEZNANY”"),
    ({"pomiar": "T2"}, "CUS", "formularz pomiaru T2, a zbieram pomiar T1"),
    ({"rodzaj": "cos_innego"}, "CUS", "to nie jest formularz zestawu PZK"),
    ({"wersja": "9"}, "CUS", "formularz w wersji „9”"),
])
def test_foreign_unknown_and_other_measurement_forms_are_refused(base_data, tmp_path, meta, partner, reason):
    folder = tmp_path / "f"
    folder.mkdir()
    write_partner_form(folder / "formularz.xlsx", base_data, partner, "T1", {"PCPR": {"poziom": 4}}, meta=meta)
    result = merge_forms(folder, base_data, measurement="T1")
    (form,) = result.forms
    assert form.status == REFUSED and form.reason.startswith(reason), form.reason
    assert not result.merged_anything
    assert result.data.cooperation[result.data.cooperation["pomiar"] == "T1"].empty
    row = next(r for r in result.status_rows() if r["plik"] == "formularz.xlsx")
    assert row["status"] == f"{REFUSED}: {form.reason}"


def test_unreadable_and_plain_workbooks_are_refused(base_data, base, tmp_path):
    folder = tmp_path / "f"
    folder.mkdir()
    (folder / "zepsuty.xlsx").write_bytes(b"to nie jest zip")
    shutil.copy(base, folder / "kopia_gminy.xlsx")
    (folder / "zniknal.xlsx").symlink_to(tmp_path / "nie_ma_go.xlsx")  # gone between listing and reading
    result = merge_forms(folder, base_data)
    reasons = {f.path.name: f.reason for f in result.forms}
    assert reasons["zniknal.xlsx"].startswith("nie da się go odczytać (")
    assert reasons["zepsuty.xlsx"].startswith("nie da się go odczytać")
    assert reasons["kopia_gminy.xlsx"].startswith("to nie jest formularz zestawu PZK")


def test_two_forms_of_one_partner_the_newer_wins_with_a_warning(base_data, tmp_path):
    folder = tmp_path / "f"
    folder.mkdir()
    old = write_partner_form(folder / "b_stary.xlsx", base_data, "PCPR", "T1", {"CUS": {"poziom": 1}})
    new = write_partner_form(folder / "a_nowy.xlsx", base_data, "PCPR", "T1", {"CUS": {"poziom": 5}})
    touch(old, dt.datetime(2026, 11, 1, 9))
    touch(new, dt.datetime(2026, 11, 20, 9))
    result = merge_forms(folder, base_data)
    status = {f.path.name: f.status for f in result.forms}
    assert status == {"a_nowy.xlsx": SENT, "b_stary.xlsx": SUPERSEDED}
    ties = result.data.cooperation
    assert ties.loc[(ties["od"] == "PCPR") & (ties["pomiar"] == "T1"), "poziom"].tolist() == [5]
    assert ("OSTRZEŻENIE: dwa formularze partnera „PCPR” (pomiar T1): „b_stary.xlsx” i „a_nowy.xlsx” — biorę "
            "nowszy (zapisany później): „a_nowy.xlsx”.") in status_lines(result)


# -- merge rules ------------------------------------------------------------------------------------------------


def test_partner_rows_of_that_measurement_are_replaced_and_services_renumbered(base_data, tmp_path):
    folder = tmp_path / "f"
    folder.mkdir()
    services = partner_services(base_data, "PCPR")[:1]
    services.append([None, "Nowa grupa wsparcia", "Przemoc domowa", "Rodziny z dziećmi", None, "grupowa",
                     "Bez skierowania", "Bezpłatna", None, None, 10, None])
    answers = {"CUS": {"poziom": 0},
               "SDS": {"poziom": "koordynacja", "formy": "Wymiana informacji; kierowanie_klientow"}}
    write_partner_form(folder / "f.xlsx", base_data, "PCPR", "T0", answers, services=services)
    result = merge_forms(folder, base_data)
    ties = result.data.cooperation
    mine = ties[(ties["od"] == "PCPR") & (ties["pomiar"] == "T0")].set_index("do")
    assert mine["poziom"].to_dict() == {"CUS": 0, "SDS": 3}  # 0 is an answer; the label means 3
    assert mine.loc["SDS", "formy"] == ("wymiana_informacji", "kierowanie_klientow")
    others = base_data.cooperation[base_data.cooperation["od"] != "PCPR"]
    assert len(ties[ties["od"] != "PCPR"]) == len(others)
    own = result.data.services[result.data.services["partner"] == "PCPR"]
    assert own["id"].tolist() == [services[0][0], "PCPR_u1"]
    assert own["limit_miejsc"].tolist()[1] == 10
    # the new id is kept when the same form is merged into the result: nothing doubles
    again = merge_forms(folder, result.data)
    assert again.data.services["id"].tolist() == result.data.services["id"].tolist()


def test_untouched_form_keeps_the_answers_already_collected(base_data, tmp_path):
    folder = tmp_path / "f"
    folder.mkdir()
    write_partner_form(folder / "f.xlsx", base_data, "CUS", "T0", {})
    result = merge_forms(folder, base_data)
    pd.testing.assert_frame_equal(result.data.cooperation.drop(columns="wiersz"),
                                  base_data.cooperation.drop(columns="wiersz"))
    assert result.forms[0].status == EMPTY_FORM and result.merged_anything
    assert "CUS" in result.missing()
    assert "Przypomnij (" in status_lines(result)[-1] and "CUS" in status_lines(result)[-1]


def test_anonymous_surveys_are_appended_once_with_hashed_codes(base_data, tmp_path):
    folder = tmp_path / "f"
    folder.mkdir()
    answers = {"q01": "Raczej się zgadzam", "q02": 2, "q03": "Nie wiem", "q04": "0"}
    write_survey_form(folder / "ankieta_1.xlsx", base_data, "T1", answers, sector="Edukacja")
    write_survey_form(folder / "ankieta_2.xlsx", base_data, "T1", answers)
    write_survey_form(folder / "ankieta_pusta.xlsx", base_data, "T1", {})
    write_survey_form(folder / "ankieta_zla.xlsx", base_data, "T1", {"q05": "bardzo"})
    result = merge_forms(folder, base_data)
    status = {f.path.name: f.status for f in result.forms}
    assert status["ankieta_1.xlsx"] == status["ankieta_2.xlsx"] == SURVEY_ADDED
    assert status["ankieta_pusta.xlsx"].startswith("pominięta") and status["ankieta_zla.xlsx"] == "odrzucona"
    added = result.data.survey.iloc[len(base_data.survey):]
    assert len(added) == 2 and added["respondent"].str.fullmatch(r"A[0-9A-F]{8}").all()
    assert added["respondent"].nunique() == 2  # same answers, other file: another respondent
    first = added.iloc[0]
    assert (first["pomiar"], first["sektor"], first["q01"], first["q02"], first["q03"], first["q04"]) == (
        "T1", "edukacja", 4, 2, 0, 0)
    assert pd.isna(first["partner"]) and pd.isna(first["q05"])
    again = merge_forms(folder, result.data)
    assert {f.path.name: f.status for f in again.forms if f.path.name in {"ankieta_1.xlsx", "ankieta_2.xlsx"}} == {
        "ankieta_1.xlsx": SURVEY_PRESENT, "ankieta_2.xlsx": SURVEY_PRESENT}
    assert len(again.data.survey) == len(result.data.survey)
    assert "Ankiety anonimowe: dołączone 2, już były w danych 0, puste 1, odrzucone 1." in status_lines(result)


# -- hostile text ------------------------------------------------------------------------------------------------


def test_hostile_text_stays_text_in_the_workbook_and_the_status(tmp_path):
    hostile = read_gmina(HOSTILE / "gmina_wroga.xlsx")
    assert hostile.report.ok
    folder = tmp_path / "f"
    folder.mkdir()
    services = [[None, payload, "Ubóstwo", "Wszyscy mieszkańcy", payload, None, None, None, None, None, None,
                 payload] for payload in FORMULAS]
    write_partner_form(folder / "formularz_PCPR.xlsx", hostile, "PCPR", "T1", {"CUS": {"poziom": 2}},
                       services=services)
    write_partner_form(folder / "formularz_PUP.xlsx", hostile, "PUP", "T1",
                       {"CUS": {"poziom": 2, "formy": "@SUMA(1+1)"}})
    # A level out of range: the form is refused, so its (hostile) file name is printed with the error.
    write_partner_form(folder / "\x1b[31mformularz\u202eslx.OHP.xlsx", hostile, "OHP", "T1", {"CUS": {"poziom": 9}})
    result = merge_forms(folder, hostile)
    printed = "\n".join(status_lines(result))
    assert "\x1b" not in printed and "\u202e" not in printed and "formularzslx.OHP.xlsx" in printed
    out = write_merged(result, tmp_path / "wynik.xlsx")
    status = write_status(result, tmp_path / STATUS_NAME)

    sheet = openpyxl.load_workbook(out)["uslugi"]
    cells = [c for row in sheet.iter_rows(min_row=2) for c in row if c.value in FORMULAS]
    assert {c.value for c in cells} == set(FORMULAS)
    assert all(c.data_type == "s" and c.quotePrefix for c in cells)
    back = read_gmina(out)
    assert set(FORMULAS) <= set(back.services["nazwa"])

    raw = status.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(status.read_text(encoding="utf-8-sig").splitlines(), delimiter=";"))
    assert rows[0] == ["rodzaj", "partner", "nazwa", "plik", "status", "odpowiedzi", "puste", "uslugi", "bledy"]
    for row in rows[1:]:
        for cell in row:
            assert not starts_with_trigger(cell), cell
            assert csv_cell(unescape_csv_text(cell)) == cell
    names = {unescape_csv_text(r[2]) for r in rows[1:]}
    assert set(hostile.partners.loc[hostile.partners["rola"] != "kandydat", "nazwa"]) <= names
    assert not any("\x1b" in cell or "\u202e" in cell for row in rows for cell in row)
    errors = next(r for r in rows if r[3] == "formularz_PUP.xlsx")
    assert "Nieznana wartość „@SUMA(1+1)”" in unescape_csv_text(errors[8])


# -- the command ------------------------------------------------------------------------------------------------


def test_cli_end_to_end(base, t1_forms, original, tmp_path, capsys):
    before = base.read_bytes()
    out = tmp_path / "wynik" / "po_zbieraniu.xlsx"
    out.parent.mkdir()
    assert main(["zbierz", str(t1_forms), "--do", str(base), "--out", str(out), "--pomiar", "t1"]) == 0
    printed = capsys.readouterr().out
    assert "Zbieram formularze z" in printed and "(pomiar T1)" in printed
    assert "CUS         Centrum Usług Społecznych w Przyk…  odesłał" in printed
    assert f"Zapisano nowy skoroszyt: {out}" in printed
    assert base.read_bytes() == before
    assert network_summary(read_gmina(out), "T1") == network_summary(original, "T1")
    status = out.parent / STATUS_NAME
    rows = list(csv.DictReader(status.read_text(encoding="utf-8-sig").splitlines(), delimiter=";"))
    assert {r["status"] for r in rows if r["rodzaj"] == "formularz partnera"} <= {SENT, MISSING}

    assert main(["zbierz", str(t1_forms), "--do", str(base), "--out", str(out)]) == 2
    assert "już istnieje" in capsys.readouterr().err
    assert main(["zbierz", str(t1_forms), "--do", str(base), "--out", str(out), "--nadpisz"]) == 0
    capsys.readouterr()

    other = tmp_path / "inny_pomiar.xlsx"
    assert main(["zbierz", str(t1_forms), "--do", str(base), "--out", str(other), "--pomiar", "T2"]) == 2
    captured = capsys.readouterr()
    assert "formularz pomiaru T1, a zbieram pomiar T2" in captured.out
    assert "Nie dołączono niczego: każdy formularz został odrzucony" in captured.err
    assert not other.exists()
    empty = tmp_path / "pusty"
    empty.mkdir()
    assert main(["zbierz", str(empty), "--do", str(base), "--out", str(other)]) == 2
    assert "w folderze nie ma żadnego formularza" in capsys.readouterr().err
    assert main(["zbierz", str(tmp_path / "brak"), "--do", str(base), "--out", str(other)]) == 2
    assert "nie jest folderem" in capsys.readouterr().err
