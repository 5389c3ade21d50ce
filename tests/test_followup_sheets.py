"""Reading the follow-up sheets: the action plan (``dzialania``) and the task-team register (``zespoly``).

Every later step (the plan's chapter, the register's figures, the motto page, the declared-vs-used map) trusts
what the reader hands over: canonical partner and service ids in tuples, dictionary codes, the defaults of empty
cells. These tests pin that contract and the messages a user gets for each mistake, with sheet, row and column.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from pzk_kit.privacy import published
from pzk_kit.workbook.reading import read_gmina

PLAN = [
    ["id", "dzialanie", "kto", "termin", "rekomendacja", "miara", "status", "pomiar"],
    ["D1", "Biuletyn PZK co miesiąc", "gops; pup", "2025-03-31", "niska_wzajemnosc", "Wzajemność zgłoszeń",
     "zrobione", ""],
    ["D2", "Spotkanie z policją", "GOPS", "31.05.2025", "", "Zasięg lidera", "", "T1"],
]
REGISTER = [
    ["sprawa", "rodzaj", "data_zgloszenia", "data_pierwszej_uslugi", "partnerzy", "uslugi", "status", "pomiar"],
    ["Z-1", "IPUS", "2025-02-03", "2025-02-10", "GOPS; PUP; GOPS", "u1; U2", "zakończona", "T0"],
    ["Z-2", "", "2025-03-01", "", "GOPS", "", "", ""],
]


def _read(tmp_path, write_csv_gmina, gmina_rows, plan=None, register=None):
    sheets = {**gmina_rows, "dzialania": plan or PLAN, "zespoly": register or REGISTER}
    return read_gmina(write_csv_gmina(tmp_path / "gmina", sheets))


def test_plan_and_register_read_into_canonical_ids_codes_and_defaults(tmp_path, write_csv_gmina, gmina_rows):
    data = _read(tmp_path, write_csv_gmina, gmina_rows)
    assert data.report.ok and not data.report.warnings, data.report.format_text()
    assert data.has("dzialania") and data.has("zespoly")
    plan = data.actions
    assert list(plan["kto"]) == [("GOPS", "PUP"), ("GOPS",)]  # typed in lower case, resolved to the ids
    assert list(plan["status"]) == ["zrealizowane", "planowane"]  # an alias, and empty = planowane
    assert list(plan["miara"]) == ["reciprocity", "leader_reach"]  # figures by their Polish names
    assert plan["rekomendacja"].iloc[0] == "niska_wzajemnosc" and pd.isna(plan["rekomendacja"].iloc[1])
    assert list(plan["pomiar"]) == ["T0", "T1"]  # empty = T0
    assert list(plan["termin"]) == [pd.Timestamp("2025-03-31"), pd.Timestamp("2025-05-31")]
    cases = data.cases
    assert list(cases["partnerzy"]) == [("GOPS", "PUP"), ("GOPS",)]  # a repeated id counts once
    assert list(cases["uslugi"]) == [("U1", "U2"), ()]
    assert list(cases["rodzaj"]) == ["ipus", "zespol"] and list(cases["status"]) == ["zakonczona", "otwarta"]
    assert list(cases["pomiar"]) == ["T0", "T0"]
    assert pd.isna(cases["data_pierwszej_uslugi"].iloc[1])
    assert list(cases["wiersz"]) == [2, 3]


def test_unknown_partner_in_a_plan_or_case_is_an_error_at_its_cell(tmp_path, write_csv_gmina, gmina_rows,
                                                                    find_problems):
    plan = [PLAN[0], ["D1", "Biuletyn", "GOPS; PUPP", "", "", "", "", ""]]
    register = [REGISTER[0], ["Z-1", "", "2025-02-03", "", "Gminny Ośrodek Pomocy Społecznej", "", "", ""]]
    data = _read(tmp_path, write_csv_gmina, gmina_rows, plan, register)
    typo = find_problems(data.report, "błąd", "dzialania", 2, "kto")
    assert len(typo) == 1 and "„PUPP”" in typo[0].message and "Czy chodziło o „PUP”?" in typo[0].hint
    by_name = find_problems(data.report, "błąd", "zespoly", 2, "partnerzy")
    assert len(by_name) == 1 and "wpisz jego identyfikator „GOPS”" in by_name[0].hint
    assert list(data.actions["kto"]) == [("GOPS",)]  # the known id stays


def test_a_service_gone_from_the_basket_is_a_warning_so_the_history_still_reads(tmp_path, write_csv_gmina,
                                                                                 gmina_rows, find_problems):
    register = [REGISTER[0], ["Z-1", "", "2025-02-03", "2025-02-05", "GOPS", "U1; U9", "", ""],
                ["Z-2", "", "2025-02-03", "", "GOPS", "Szkolenia zawodowe", "", ""]]
    data = _read(tmp_path, write_csv_gmina, gmina_rows, register=register)
    assert data.report.ok, data.report.format_text()
    gone = find_problems(data.report, "ostrzeżenie", "zespoly", 2, "uslugi")
    assert len(gone) == 1 and "„U9”" in gone[0].message and "sprawa liczy się bez niej" in gone[0].message
    named = find_problems(data.report, "ostrzeżenie", "zespoly", 3, "uslugi")
    assert len(named) == 1 and "wpisz jej identyfikator „U2”" in named[0].hint
    assert list(data.cases["uslugi"]) == [("U1",), ()]


def test_repeated_codes_and_a_service_before_the_report_are_errors(tmp_path, write_csv_gmina, gmina_rows,
                                                                  find_problems):
    plan = [PLAN[0], ["D1", "A", "", "", "", "", "", ""], ["d1", "B", "", "", "", "", "", ""]]
    register = [REGISTER[0], ["Z-1", "", "2025-02-10", "2025-02-03", "GOPS", "", "", ""],
                ["Z-1", "", "2025-02-10", "", "GOPS", "", "", ""]]
    data = _read(tmp_path, write_csv_gmina, gmina_rows, plan, register)
    early = find_problems(data.report, "błąd", "zespoly", 2, "data_pierwszej_uslugi")
    assert len(early) == 1 and "wcześniejsza niż data zgłoszenia (2025-02-10)" in early[0].message
    assert find_problems(data.report, "błąd", "zespoly", 3, "sprawa", "Sprawa o kodzie „Z-1” powtarza się")
    # "d1" and "D1" are two different codes for the reader (ids keep their case), so only exact repeats count
    assert not find_problems(data.report, "błąd", "dzialania", column="id")


def test_unknown_rule_code_or_figure_is_an_error_with_a_suggestion(tmp_path, write_csv_gmina, gmina_rows,
                                                                  find_problems):
    plan = [PLAN[0], ["D1", "A", "", "", "niska_wzajemnośc", "Zasieg lidra", "", ""]]
    data = _read(tmp_path, write_csv_gmina, gmina_rows, plan)
    assert data.actions["rekomendacja"].iloc[0] == "niska_wzajemnosc"  # diacritics are ignored, as everywhere
    figure = find_problems(data.report, "błąd", "dzialania", 2, "miara")
    assert len(figure) == 1 and "pzk slowniki wskazniki" in figure[0].hint


def test_empty_follow_up_sheets_are_a_note_not_a_warning(tmp_path, write_csv_gmina, gmina_rows, find_problems):
    data = _read(tmp_path, write_csv_gmina, gmina_rows, [PLAN[0]], [REGISTER[0]])
    assert not data.report.warnings, data.report.format_text()
    assert find_problems(data.report, "informacja", "dzialania", text="wypełnia się go po pierwszym pomiarze")
    assert not data.has("dzialania") and not data.has("zespoly") and data.actions.empty


def test_a_name_typed_as_a_case_code_never_reaches_an_output(tmp_path, write_csv_gmina, gmina_rows):
    register = [REGISTER[0], ["Jan Kowalski", "", "2025-02-03", "", "GOPS", "", "", ""],
                ["Z-2", "", "2025-02-04", "", "GOPS", "", "", ""]]
    data = _read(tmp_path, write_csv_gmina, gmina_rows, register=register)
    shown = published(data)
    assert list(shown.cases["sprawa"]) == ["sprawa z wiersza 2", "Z-2"]
    assert data.cases["sprawa"].iloc[0] == "Jan Kowalski"  # the user's own data are untouched


def test_as_of_leaves_out_plans_and_cases_of_later_measurements(tmp_path, write_csv_gmina, gmina_rows):
    from pzk_kit.measurement import as_of

    register = [*REGISTER, ["Z-3", "", "2025-09-01", "2025-09-02", "GOPS", "", "", "T1"]]
    ties = [*gmina_rows["wspolpraca"], ["GOPS", "PUP", "4", "", "", "", "T1"]]
    data = _read(tmp_path, write_csv_gmina, {**gmina_rows, "wspolpraca": ties}, register=register)
    at_t0 = as_of(data, "T0")
    assert list(at_t0.cases["sprawa"]) == ["Z-1", "Z-2"] and list(at_t0.actions["id"]) == ["D1"]
    assert len(as_of(data, "T1").cases) == 3
    assert dt.date(2025, 9, 1) == data.cases["data_zgloszenia"].iloc[2].date()
