"""Online survey exports into the ``ankieta`` sheet (issue 15, item 4), and the survey text to paste into the tools.

The three sample exports in ``tests/data/ankiety_online`` (see its README) have answers typed one digit per item
in their ``build.py``; the expectations below were checked against those lines by hand.
"""

from __future__ import annotations

import csv
import hashlib
import json
import shutil
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from pzk_kit import cli
from pzk_kit.collection.survey_import import (
    ImportRefused,
    import_survey,
    map_columns,
    parse_answer,
    report_lines,
    respondent_code,
)
from pzk_kit.collection.survey_text import survey_text, write_survey_text
from pzk_kit.evaluation.instrument import load_instrument
from pzk_kit.files import OutputExists
from pzk_kit.workbook.cells import Bad
from pzk_kit.workbook.reading import read_gmina

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "tests" / "data" / "ankiety_online"
EXAMPLE = ROOT / "data" / "przyklad" / "gmina_przykladowa.xlsx"
PAYLOADS = [p["value"] for p in json.loads((ROOT / "tests" / "data" / "hostile" / "payloads.json").read_text(
    encoding="utf-8"))["payloads"]]
MS_PEOPLE = ["anna.nowak@ops.example.pl", "Anna Nowak", "jan.kowalski@szkola.example.pl", "Jan Kowalski",
             "ewa.lis@pup.example.pl", "Ewa Lis", "piotr.wrona@gok.example.pl", "Piotr Wrona",
             "maria.sowa@kpp.example.pl", "Maria Sowa"]


@pytest.fixture
def gmina(tmp_path) -> Path:
    """A copy of the example gmina (measurements T0 and T1), so its bytes can be compared afterwards."""
    path = tmp_path / "gmina.xlsx"
    shutil.copy(EXAMPLE, path)
    return path


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _imported(result, out: Path) -> dict[str, dict]:
    """The new respondents' rows of the output workbook as read by the kit, by respondent code."""
    data = read_gmina(out)
    assert data.report.ok, data.report.format_text()
    survey = data.survey
    rows = survey[survey["respondent"].isin(result.added)]
    return {r["respondent"]: r for r in rows.to_dict(orient="records")}


def _empty(value) -> bool:
    return value is None or bool(pd.isna(value))


def _all_cells(path: Path) -> list[str]:
    book = openpyxl.load_workbook(path)
    return [str(cell.value) for sheet in book.worksheets for row in sheet.iter_rows() for cell in row
            if cell.value is not None]


# -- Microsoft Forms -------------------------------------------------------------------------------------------


def test_microsoft_forms_sample(gmina, tmp_path):
    before = _digest(gmina)
    out = tmp_path / "nowy.xlsx"
    result = import_survey(SAMPLES / "microsoft_forms.xlsx", gmina, out)
    assert _digest(gmina) == before
    assert result.measurement == "T1"  # the latest measurement of the example
    assert (result.rows_in_export, len(result.added), result.skipped, result.empty) == (5, 5, [], 0)
    assert len(result.columns.items) == 30 and result.missing_items == []
    [close] = result.columns.close
    assert (close.code, close.column.letter) == ("q02", "G")
    assert [(c.letter, c.header) for c, _ in result.columns.unmatched] == [("AK", "Uwagi (nieobowiązkowe)")]
    assert [c.header for c in result.columns.personal] == ["Adres e-mail", "Nazwa"]
    assert [c.header for c in result.columns.tool] == ["Identyfikator", "Godzina rozpoczęcia", "Godzina ukończenia"]
    [bad] = result.bad
    assert (bad.row, bad.column.letter, bad.value, bad.suggestion) == (4, "J", "Raczej się zgadam",
                                                                        "Raczej się zgadzam")

    rows = _imported(result, out)
    first, second, third, fourth, fifth = (rows[code] for code in result.added)  # export order: ID 1…5
    assert [first[f"q{i:02d}"] for i in range(1, 6)] == [4, 5, 4, 3, 4]  # "45434…"
    assert first["sektor"] == "pomoc_spoleczna" and first["pomiar"] == "T1"
    assert first["q02"] == 5  # the re-worded question's column
    assert _empty(second["q05"])  # "-": no answer
    assert second["sektor"] == "edukacja"
    assert third["q01"] == 5 and _empty(third["q05"])  # the typo left empty
    assert fourth["q04"] == 0 and fourth["q03"] == 1 and fourth["sektor"] is None  # "2210…": q04 nie wiem
    assert fifth["sektor"] == "bezpieczenstwo" and all(fifth[f"q{i:02d}"] == 4 for i in range(1, 31))
    assert all(code.startswith("F") and len(code) == 9 for code in result.added)

    text = "\n".join(report_lines(result))
    assert "kolumna G („Moja instytucja ma realny wpływ" in text and "→ q02" in text
    assert "kolumna AK („Uwagi (nieobowiązkowe)”)" in text
    assert "wiersz 4, kolumna J („Gdy partnerzy PZK" in text and "„Raczej się zgadam” — czy chodziło o" in text
    assert "dodano: 5" in text and "OSTRZEŻENIE" not in text


def test_no_email_or_name_reaches_the_workbook(gmina, tmp_path):
    out = tmp_path / "nowy.xlsx"
    import_survey(SAMPLES / "microsoft_forms.xlsx", gmina, out)
    cells = "\n".join(_all_cells(out))
    for person in MS_PEOPLE:
        assert person not in cells
    # free text is not copied (the plan sheet's own header "uwagi" is the template's, not the survey's)
    assert "Uwagi" not in cells.replace("Uwagi o realizacji", "") and "Spotkania mogłyby być częściej." not in cells


def test_importing_the_same_export_again_adds_nobody(gmina, tmp_path):
    first, second = tmp_path / "raz.xlsx", tmp_path / "dwa.xlsx"
    once = import_survey(SAMPLES / "microsoft_forms.xlsx", gmina, first)
    before = _digest(first)
    again = import_survey(SAMPLES / "microsoft_forms.xlsx", first, second)
    assert _digest(first) == before
    assert again.added == [] and sorted(again.skipped) == sorted(once.added)
    assert "pominięto już zaimportowanych: 5" in "\n".join(report_lines(again))
    a, b = read_gmina(first).survey, read_gmina(second).survey
    assert a.drop(columns="wiersz").equals(b.drop(columns="wiersz"))


def test_the_rest_of_the_gmina_is_carried_over_unchanged(gmina, tmp_path):
    out = tmp_path / "nowy.xlsx"
    result = import_survey(SAMPLES / "google_forms.csv", gmina, out)
    before, after = read_gmina(gmina), read_gmina(out)
    assert after.info == before.info
    for sheet in ("partnerzy", "wspolpraca", "uslugi", "potrzeby"):
        old, new = before.table(sheet), after.table(sheet)
        assert old.drop(columns="wiersz").equals(new.drop(columns="wiersz")), sheet
    old_survey = after.survey[~after.survey["respondent"].isin(result.added)]
    assert old_survey.drop(columns="wiersz").reset_index(drop=True).equals(
        before.survey.drop(columns="wiersz").reset_index(drop=True))


# -- Google Forms ----------------------------------------------------------------------------------------------


def test_google_forms_sample(gmina, tmp_path):
    out = tmp_path / "nowy.xlsx"
    result = import_survey(SAMPLES / "google_forms.csv", gmina, out, measurement="T2")
    assert (len(result.added), result.empty, result.measurement) == (4, 0, "T2")
    assert result.missing_items == [f"q{i}" for i in range(16, 31)]
    assert len(result.columns.by_text) == 14
    [close] = result.columns.close
    assert (close.code, close.column.letter) == ("q04", "F") and close.ratio >= 0.9
    assert [c.header for c, _ in result.columns.unmatched] == ["Co jeszcze chcesz przekazać zespołowi?"]
    [bad] = result.bad
    assert (bad.row, bad.column.letter, bad.value) == (3, "E", "Zdecydowanie sie zgadzm")
    rows = _imported(result, out)
    second = rows[result.added[1]]  # "2303223032230-2", q03 mistyped
    assert [second[f"q{i:02d}"] for i in (1, 2, 4, 8, 13, 15)] == [2, 3, 3, 0, 0, 2]
    assert _empty(second["q03"]) and _empty(second["q14"]) and _empty(second["q16"])
    assert second["sektor"] == "zdrowie" and second["pomiar"] == "T2"
    assert rows[result.added[3]]["sektor"] == "organizacje_pozarzadowe"
    text = "\n".join(report_lines(result))
    assert "Pytania, których nie ma w pliku" in text and "q16, q17" in text
    assert "wiersz 3, kolumna E" in text and "OSTRZEŻENIE" not in text  # 4 respondents in T2


# -- LimeSurvey ------------------------------------------------------------------------------------------------


def test_limesurvey_sample(gmina, tmp_path):
    out = tmp_path / "nowy.xlsx"
    result = import_survey(SAMPLES / "limesurvey.csv", gmina, out, measurement="T0")
    assert (result.rows_in_export, len(result.added), result.empty) == (6, 5, 1)  # id 14 never answered
    assert len(result.columns.by_code) == 29
    [close] = result.columns.close
    assert (close.code, close.column.letter) == ("q27", "AG")
    assert [c.header for c in result.columns.personal] == ["token"]
    assert [c.header for c, _ in result.columns.unmatched] == ["uwagi. Uwagi"]
    [bad] = result.bad
    assert (bad.row, bad.column.letter, bad.value) == (6, "R", "6")
    rows = _imported(result, out)
    r11, r12, r13, r15, r16 = (rows[code] for code in result.added)
    assert [r11[f"q{i:02d}"] for i in range(1, 6)] == [1, 2, 3, 4, 1]
    assert r11["sektor"] == "pomoc_spoleczna" and r15["sektor"] == "sport" and r13["sektor"] == "kultura"
    assert _empty(r12["q05"]) and r12["q06"] == 5
    assert all(r13[f"q{i:02d}"] == 3 for i in range(1, 31))  # answered as labels
    assert _empty(r15["q12"]) and (r15["q10"], r15["q11"]) == (4, 1)  # "441144114411…", "6" left empty
    assert all(r16[f"q{i:02d}"] == 0 for i in range(1, 30)) and r16["q30"] == 5
    assert r11["pomiar"] == "T0"


def test_windows_1250_export_gives_the_same_respondents(gmina, tmp_path):
    text = (SAMPLES / "limesurvey.csv").read_bytes().decode("utf-8-sig")
    ansi = tmp_path / "limesurvey_ansi.csv"
    ansi.write_bytes(text.encode("cp1250"))
    utf = import_survey(SAMPLES / "limesurvey.csv", gmina, tmp_path / "a.xlsx", measurement="T0")
    cp = import_survey(ansi, gmina, tmp_path / "b.xlsx", measurement="T0")
    assert cp.added == utf.added and len(cp.bad) == 1


# -- matching rules --------------------------------------------------------------------------------------------


def test_headers_with_codes_win_and_repeats_are_reported():
    instrument = load_instrument()
    headers = ["q07", "Q08 - cokolwiek innego niż pytanie", "Ankieta [q09. Poza spotkaniami PZK…]", "q1.",
               "Q07.", "q99. Nie ma takiego", "Sektor instytucji", "Timestamp", "Email Address"]
    mapped = map_columns(headers, instrument)
    assert mapped.items == {0: "q07", 1: "q08", 2: "q09", 3: "q01"}
    assert [(c.header, code) for c, code in mapped.code_text_differs] == [
        ("Q08 - cokolwiek innego niż pytanie", "q08")]
    assert [(c.letter, code, first.letter) for c, code, first in mapped.repeated] == [("E", "q07", "A")]
    assert [c.header for c, _ in mapped.unmatched] == ["q99. Nie ma takiego"]
    assert mapped.sector == 6 and [c.header for c in mapped.personal] == ["Email Address"]
    # A Likert statement exported after its question's title, and LimeSurvey's "code" headings.
    tools = map_columns(["Ankieta PZK.q10. Partnerzy PZK wywiązują się z zadań", "G01Q01[q11]", "G01Q01[SQ001]"],
                        instrument)
    assert tools.items == {0: "q10", 1: "q11"} and tools.code_text_differs == []
    assert [c.header for c, _ in tools.unmatched] == ["G01Q01[SQ001]"]


def test_wording_matches_ignore_case_diacritics_and_punctuation():
    instrument = load_instrument()
    q24 = next(i.text for i in instrument.items if i.code == "q24")
    assert q24 == "Zasady współpracy w PZK są dla mnie niejasne."
    mapped = map_columns(["  ZASADY wspolpracy w PZK sa dla mnie NIEJASNE!!  ",
                          "Zasady naszej współpracy w PZK nie są dla mnie jasne"], instrument)
    assert mapped.items == {0: "q24"} and mapped.by_text == [0] and mapped.close == []
    [(column, near)] = mapped.unmatched  # 85 %: not taken, only named as the nearest question
    assert column.index == 1 and near.code == "q24" and 0.8 < near.ratio < 0.9


@pytest.mark.parametrize(("value", "expected"), [
    ("Raczej się zgadzam", 4), ("RACZEJ SIE ZGADZAM", 4), (" zdecydowanie  się nie zgadzam ", 1),
    ("Ani tak ani nie", 3), ("3", 3), (3, 3), (5.0, 5), ("nie wiem", 0), ("Nie wiem", 0), ("0", 0), (0, 0),
    ("4 - Raczej się zgadzam", 4), (None, None), ("", None),
])
def test_answers(value, expected):
    assert parse_answer(value) == expected


@pytest.mark.parametrize("value", ["6", "-1", "2,5", "tak", "4 - Zdecydowanie się zgadzam", "=1+1"])
def test_bad_answers(value):
    assert isinstance(parse_answer(value), Bad)


def test_respondent_code_is_stable():
    assert respondent_code("q01=4") == respondent_code("q01=4") != respondent_code("q01=5")
    assert respondent_code("x") == "F" + hashlib.sha256(b"x").hexdigest()[:8]


def test_identical_answers_without_an_id_are_two_people(gmina, tmp_path):
    export = tmp_path / "wyniki.csv"
    export.write_text("q01;q02\n4;5\n4;5\n3;3\n", encoding="utf-8")
    result = import_survey(export, gmina, tmp_path / "nowy.xlsx", measurement="T3")
    assert len(set(result.added)) == 3
    text = "\n".join(report_lines(result))
    assert "Pytania, których nie ma w pliku" in text


def test_fewer_than_three_respondents_warns(gmina, tmp_path):
    export = tmp_path / "wyniki.csv"
    export.write_text("Sygnatura czasowa,q01. x,q02\n2024-01-01 10:00,4,5\n2024-01-01 11:00,2,\n", encoding="utf-8")
    result = import_survey(export, gmina, tmp_path / "nowy.xlsx", measurement="T5")
    assert result.in_measurement == 2
    assert any(line.startswith("OSTRZEŻENIE: respondentów pomiaru T5 jest za mało (2)")
               for line in report_lines(result))


def test_gmina_as_csv_folder_and_export_with_a_title_sheet_and_line(tmp_path):
    """A gmina given as CSV files still gets a workbook; the export's header may sit below a title, on a later sheet."""
    folder = tmp_path / "gmina_csv"
    shutil.copytree(ROOT / "data" / "przyklad" / "gmina_przykladowa_csv", folder)
    book = openpyxl.load_workbook(SAMPLES / "microsoft_forms.xlsx")
    book["Arkusz1"].insert_rows(1)
    book["Arkusz1"]["A1"] = "Ankieta PZK — odpowiedzi"
    summary = book.create_sheet("Podsumowanie", 0)
    summary.append(["Liczba odpowiedzi", 5])
    export = tmp_path / "forms.xlsx"
    book.save(export)
    out = tmp_path / "nowy.xlsx"
    result = import_survey(export, folder, out, measurement="T1")
    assert result.sheet == "Arkusz1" and len(result.added) == 5
    assert [(b.row, b.column.letter) for b in result.bad] == [(5, "J")]  # one row lower than in the sample
    before = set(read_gmina(folder).survey["respondent"])
    after = read_gmina(out).survey
    assert set(after["respondent"]) == before | set(result.added)


# -- hostile and broken input ----------------------------------------------------------------------------------


def test_hostile_strings_never_reach_the_workbook(gmina, tmp_path):
    export = tmp_path / "wrogi.csv"
    rows = [["Sygnatura czasowa", "Sektor Twojej instytucji", "q01", "q02", PAYLOADS[9]]]
    rows += [[f"2024-01-0{i % 9 + 1}", payload, payload, "Raczej się zgadzam", payload]
             for i, payload in enumerate(PAYLOADS)]
    with export.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, delimiter=";").writerows(rows)
    out = tmp_path / "nowy.xlsx"
    result = import_survey(export, gmina, out, measurement="T4")
    assert len(result.added) == len(PAYLOADS)  # each still answered q02
    assert {b.column.letter for b in result.bad} <= {"B", "C"} and len(result.bad) >= len(PAYLOADS)
    cells = _all_cells(out)
    new = [c for c in cells if c.startswith("F") and len(c) == 9]
    assert len(new) >= len(PAYLOADS)
    original = set(_all_cells(gmina))
    for payload in PAYLOADS:
        if payload.strip() and payload not in original:
            assert not any(payload.strip() in c for c in cells if c not in original), payload
    places = [(b.row, b.column.index) for b in result.bad]
    assert places == sorted(places)  # row by row, left to right, as a user goes through the file
    text = "\n".join(report_lines(result))
    assert "=HYPERLINK" in text  # named for the user, as text on the console
    assert "\x1b" not in text and "\x07" not in text


def test_a_column_of_nonsense_is_counted_not_listed_to_the_end(gmina, tmp_path):
    export = tmp_path / "wyniki.csv"
    export.write_text("q01;q02\n" + "".join(f"zle{i};4\n" for i in range(60)), encoding="utf-8")
    result = import_survey(export, gmina, tmp_path / "nowy.xlsx", measurement="T3")
    lines = report_lines(result)
    assert len(result.bad) == 60 and sum(line.startswith("  wiersz ") for line in lines) == 50
    assert "  … i jeszcze 10 (pokazano pierwsze 50)." in lines


def test_export_without_any_item_is_refused(gmina, tmp_path):
    export = tmp_path / "inne.csv"
    export.write_text("Imię,Miasto\nJan,Kraków\n", encoding="utf-8")
    out = tmp_path / "nowy.xlsx"
    with pytest.raises(ImportRefused) as caught:
        import_survey(export, gmina, out)
    assert "nie rozpoznano żadnego pytania" in caught.value.message and not out.exists()


def test_output_rules(gmina, tmp_path):
    out = tmp_path / "nowy.xlsx"
    out.write_bytes(b"moje")
    with pytest.raises(OutputExists):
        import_survey(SAMPLES / "google_forms.csv", gmina, out)
    assert out.read_bytes() == b"moje"
    for target in (gmina, SAMPLES / "google_forms.csv"):
        with pytest.raises(ImportRefused):
            import_survey(SAMPLES / "google_forms.csv", gmina, target, overwrite=True)
    with pytest.raises(ImportRefused):
        import_survey(SAMPLES / "google_forms.csv", gmina, tmp_path / "nowy.csv")
    with pytest.raises(ImportRefused):
        import_survey(tmp_path / "nie_ma.csv", gmina, tmp_path / "x.xlsx")
    import_survey(SAMPLES / "google_forms.csv", gmina, out, overwrite=True)
    assert read_gmina(out).report.ok


# -- the survey text -------------------------------------------------------------------------------------------


def test_survey_text_has_every_item_in_exact_wording(tmp_path):
    with (ROOT / "pzk_kit" / "data" / "ankieta" / "pytania.csv").open(encoding="utf-8") as handle:
        items = [(row["kod"], row["tresc"]) for row in csv.DictReader(handle)]
    lines = survey_text().splitlines()
    assert [line for line in lines if line[:1] == "q" and line[1:3].isdigit()] == [f"{c}. {t}" for c, t in items]
    instrument = load_instrument()
    assert lines[0] == instrument.title and instrument.introduction in lines
    at = lines.index(instrument.scale[0])
    assert lines[at:at + 6] == [*instrument.scale, "Nie wiem"]
    assert "Sektor Twojej instytucji" in lines and "Wymiar sprawiedliwości" in lines
    assert "Sektor Twojej instytucji" not in survey_text(sector=False)
    path = write_survey_text(tmp_path / "ankieta.txt")
    assert path.read_text(encoding="utf-8") == survey_text()
    with pytest.raises(OutputExists):
        write_survey_text(path)


def test_survey_text_round_trip_matches_every_item_by_code():
    instrument = load_instrument()
    pasted = [line for line in survey_text().splitlines() if line[:1] == "q" and line[1:3].isdigit()]
    mapped = map_columns([f"Oceń stwierdzenia [{line}]" for line in pasted], instrument)
    assert list(mapped.items.values()) == instrument.item_codes and len(mapped.by_code) == 30


# -- the command line ------------------------------------------------------------------------------------------


def test_cli_ankieta(capsys, tmp_path):
    assert cli.main(["ankieta"]) == 0
    assert "pzk ankieta --tekst" in capsys.readouterr().out
    assert cli.main(["ankieta", "--tekst"]) == 0
    assert capsys.readouterr().out == survey_text()
    target = tmp_path / "ankieta.txt"
    assert cli.main(["ankieta", "--plik", str(target)]) == 0
    assert "Zapisano tekst ankiety" in capsys.readouterr().out
    assert target.read_text(encoding="utf-8") == survey_text()
    assert cli.main(["ankieta", "--plik", str(target)]) == 1
    assert "już istnieje" in capsys.readouterr().err
    assert cli.main(["ankieta", "--plik", str(target), "--bez-sektora", "--nadpisz"]) == 0
    assert "Sektor Twojej" not in target.read_text(encoding="utf-8")


def test_cli_importuj_ankiete_end_to_end(capsys, gmina, tmp_path):
    before = _digest(gmina)
    out = tmp_path / "nowy.xlsx"
    args = ["importuj-ankiete", str(SAMPLES / "microsoft_forms.xlsx"), "--do", str(gmina), "--out", str(out)]
    assert cli.main([*args, "--pomiar", "t2"]) == 0
    printed = capsys.readouterr().out
    assert "do pomiaru T2" in printed and "dodano: 5" in printed and "wiersz 4, kolumna J" in printed
    survey = read_gmina(out).survey
    assert (survey["pomiar"] == "T2").sum() == 5
    assert cli.main([*args, "--pomiar", "T2"]) == 1  # exists, no --nadpisz
    assert "już istnieje" in capsys.readouterr().err
    again = tmp_path / "jeszcze.xlsx"
    assert cli.main(["importuj-ankiete", str(SAMPLES / "microsoft_forms.xlsx"), "--do", str(out), "--out",
                     str(again), "--pomiar", "T2"]) == 0
    assert "dodano: 0; pominięto już zaimportowanych: 5" in capsys.readouterr().out
    assert cli.main(["importuj-ankiete", str(SAMPLES / "limesurvey.csv"), "--do", str(gmina), "--out",
                     str(gmina), "--nadpisz"]) == 2
    assert "nigdy go nie nadpisuje" in capsys.readouterr().err
    assert _digest(gmina) == before


def test_cli_refuses_invalid_gmina_data(capsys, tmp_path):
    broken = tmp_path / "zla"
    broken.mkdir()
    (broken / "partnerzy.csv").write_text("id;nazwa;sektor\nA;Ośrodek;nieznany_sektor\n", encoding="utf-8")
    out = tmp_path / "nowy.xlsx"
    code = cli.main(["importuj-ankiete", str(SAMPLES / "google_forms.csv"), "--do", str(broken), "--out", str(out)])
    assert code == 2 and not out.exists()
    assert "Nic nie zapisano" in capsys.readouterr().err
