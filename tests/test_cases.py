"""The task-team and IPUS register (``zespoly``) in figures: hand-computed medians, means and shares on tiny
registers, the < 3 rule, summary.json's ``cases`` key, and the IPUS draft opening a case in the register."""

from __future__ import annotations

import copy
import datetime as dt

import pandas as pd
import pytest

from pzk_kit.followup.cases import (
    access_breakdown,
    add_ipus_case,
    case_measures,
    case_table,
    cases_summary,
    fees_breakdown,
    next_case_code,
)
from pzk_kit.runs.summary import build_summary
from pzk_kit.workbook.example import example_dir
from pzk_kit.workbook.reading import read_gmina

SERVICES = [
    ["id", "partner", "nazwa", "obszary", "grupy", "dostep", "odplatnosc"],
    ["U1", "GOPS", "Poradnictwo socjalne", "Ubóstwo", "Wszyscy mieszkańcy", "Bez skierowania", "Bezpłatna"],
    ["U2", "PUP", "Szkolenia zawodowe", "Bezrobocie", "Osoby bezrobotne", "Skierowanie", "Bezpłatna"],
    ["U3", "SP1", "Opieka świetlicowa", "Ubóstwo", "Rodziny z dziećmi", "Decyzja", "Odpłatna"],
    ["U4", "GOPS", "Usługi opiekuńcze", "Ubóstwo", "Osoby starsze", "Bez skierowania", "Częściowo odpłatna"],
]
HEADER = ["sprawa", "rodzaj", "data_zgloszenia", "data_pierwszej_uslugi", "partnerzy", "uslugi", "status", "pomiar"]
# T0: days 10, 20, 3 (median 10); partners 2, 1, 3; services 2, 1, 2; uses U1 U2 U3 U1 U4.
T0_CASES = [
    ["A-1", "Zespół zadaniowy", "2024-01-01", "2024-01-11", "GOPS; PUP", "U1; U2", "Zakończona", "T0"],
    ["A-2", "IPUS", "2024-02-01", "2024-02-21", "GOPS", "U3", "Zakończona", ""],
    ["A-3", "Zespół zadaniowy", "2024-03-01", "04.03.2024", "GOPS; PUP; SP1", "U1; U4", "W realizacji", "T0"],
]
# T1: days 2, 5, 4, 7 (median 4,5) and one waiting; partners of 4 cases 2, 1, 2, 1; services 1, 1, 2, 1.
T1_CASES = [
    ["B-1", "Zespół zadaniowy", "2025-01-01", "2025-01-03", "GOPS; PUP", "U1", "Zakończona", "T1"],
    ["B-2", "IPUS", "2025-01-10", "2025-01-15", "GOPS", "U2", "Zakończona", "T1"],
    ["B-3", "IPUS", "2025-02-01", "2025-02-05", "GOPS; SP1", "U1; U2", "Zakończona", "T1"],
    ["B-4", "Zespół zadaniowy", "2025-03-01", "2025-03-08", "", "", "Zakończona", "T1"],
    ["B-5", "IPUS", "2025-04-01", "", "GOPS", "U3", "Otwarta", "T1"],
]


def build_register(folder, write_csv_gmina, gmina_rows, rows: list[list[str]], *, t1_map: bool = True):
    """A tiny gmina with the register's rows given; with a T1 map the run's measurement is T1."""
    sheets = copy.deepcopy(gmina_rows)
    sheets["uslugi"] = SERVICES
    if t1_map:
        sheets["wspolpraca"].append(["GOPS", "PUP", "3", "", "", "", "T1"])
    sheets["zespoly"] = [HEADER, *rows]
    data = read_gmina(write_csv_gmina(folder, sheets))
    assert data.report.ok, data.report.format_text()
    return data


@pytest.fixture
def register(tmp_path, write_csv_gmina, gmina_rows):
    return lambda rows, **options: build_register(tmp_path / "gmina", write_csv_gmina, gmina_rows, rows, **options)


def test_hand_computed_figures_odd_and_even_counts(register):
    data = register(T0_CASES + T1_CASES)
    assert case_measures(data, "T0") == {
        "cases": 3, "days_to_first_service": 10.0, "served_share": 1.0, "partners_per_case": 2.0,
        "services_per_case": 1.67, "formal_access_share": 0.4, "paid_share": 0.4}
    assert case_measures(data, "T1") == {
        "cases": 5, "days_to_first_service": 4.5, "served_share": 0.8, "partners_per_case": 1.5,
        "services_per_case": 1.25, "formal_access_share": 0.6, "paid_share": 0.2}


def test_summary_key_lists_measurements_up_to_the_run(register):
    data = register(T0_CASES + T1_CASES)
    summary = cases_summary(data)
    assert list(summary["by_measurement"]) == ["T0", "T1"] and summary["suppressed"] == []
    assert list(cases_summary(data, "T0")["by_measurement"]) == ["T0"]  # T1 does not exist for a T0 run
    assert build_summary(data)["evaluation"]["cases"] == summary


def test_two_cases_are_withheld_and_named_three_are_shown(register):
    data = register(T0_CASES[:2] + T1_CASES[:3])
    summary = cases_summary(data)
    t0 = summary["by_measurement"]["T0"]
    assert t0["cases"] == 2  # the count itself is always shown
    assert all(value is None for code, value in t0.items() if code != "cases")
    assert len(summary["suppressed"]) == 6
    assert "T0 · Dni od zgłoszenia do pierwszej usługi (mediana): ukryte — mniej niż 3 sprawy (2 sprawy)" \
        in summary["suppressed"]
    t1 = summary["by_measurement"]["T1"]
    assert t1 == {"cases": 3, "days_to_first_service": 4.0, "served_share": 1.0, "partners_per_case": 1.67,
                  "services_per_case": 1.33, "formal_access_share": 0.5, "paid_share": 0.0}
    assert not any(line.startswith("T1") for line in summary["suppressed"])


def test_a_figure_resting_on_fewer_cases_than_the_measurement_is_withheld_alone(register):
    # T1 without B-5: partners filled in B-1..B-3 only (3) — shown; drop B-3 and only 2 remain
    data = register([*T0_CASES, T1_CASES[0], T1_CASES[1], T1_CASES[3]])
    t1 = cases_summary(data)["by_measurement"]["T1"]
    assert t1["cases"] == 3 and t1["days_to_first_service"] == 5.0 and t1["served_share"] == 1.0
    assert t1["partners_per_case"] is None and t1["services_per_case"] is None
    assert t1["formal_access_share"] is None and t1["paid_share"] is None
    assert cases_summary(data)["suppressed"] == [
        f"T1 · {label}: ukryte — mniej niż 3 sprawy (2 sprawy)"
        for label in ("Partnerzy w sprawie (średnio)", "Usługi w sprawie (średnio)",
                      "Usługi wymagające skierowania lub decyzji", "Usługi odpłatne lub częściowo odpłatne")]


def test_not_collected_register_gives_the_empty_key(tmp_path, write_csv_gmina, gmina_rows):
    data = read_gmina(write_csv_gmina(tmp_path / "g", gmina_rows))
    assert cases_summary(data) == {"by_measurement": {}, "suppressed": []}
    assert case_table(data).empty


def test_case_table_is_polish_and_shows_no_codes(register):
    data = register(T0_CASES[:2] + T1_CASES)
    frame = case_table(data)
    assert list(frame.columns) == ["Miara", "T0", "T1", "Zmiana"]
    rows = {row["Miara"]: list(row)[1:] for _, row in frame.iterrows()}
    assert rows["Sprawy w rejestrze zespołów"] == ["2", "5", "▲ +3"]
    assert rows["Dni od zgłoszenia do pierwszej usługi (mediana)"] == ["ukryte (< 3 sprawy)", "4,5", "—"]
    assert rows["Sprawy z udzieloną pierwszą usługą"][1] == "80\u00a0%"
    text = frame.to_string()
    assert not any(code in text for code in ("A-1", "A-2", "B-1", "B-5"))


def test_fees_and_access_breakdowns_count_uses_and_hide_small_registers(register):
    data = register(T0_CASES[:2] + T1_CASES)
    fees = fees_breakdown(data)
    assert list(fees.columns) == ["Odpłatność użytych usług", "T0", "T1"]
    by_label = {row.iloc[0]: list(row.iloc[1:]) for _, row in fees.iterrows()}
    assert by_label["Bezpłatna"] == ["ukryte (< 3 sprawy)", "4 (80\u00a0%)"]
    assert by_label["Odpłatna"][1] == "1 (20\u00a0%)"
    access = {row.iloc[0]: row.iloc[2] for _, row in access_breakdown(data).iterrows()}
    assert access == {"Bez skierowania": "2 (40\u00a0%)", "Skierowanie": "2 (40\u00a0%)", "Decyzja": "1 (20\u00a0%)"}


def test_example_gmina_median_21_then_6():
    data = read_gmina(example_dir())
    summary = cases_summary(data)
    assert summary["by_measurement"]["T0"]["days_to_first_service"] == 21.0
    assert summary["by_measurement"]["T1"]["days_to_first_service"] == 6.0
    assert summary["by_measurement"]["T0"]["formal_access_share"] == 0.6
    assert summary["by_measurement"]["T0"]["paid_share"] == 0.07


def test_powiat_example_two_cases_are_all_withheld():
    summary = cases_summary(read_gmina(example_dir("powiat_przykladowy")))
    assert summary["by_measurement"]["T0"]["cases"] == 2
    assert summary["by_measurement"]["T0"]["days_to_first_service"] is None
    assert len(summary["suppressed"]) == 6


def test_next_case_code_is_the_year_and_a_counter():
    data = read_gmina(example_dir())
    day = dt.date(2026, 12, 1)
    assert next_case_code(data, day) == "Z-2026-013"  # twelve cases, none of 2026 yet
    code = add_ipus_case(data, ["U001", "U018"], day)
    assert code == "Z-2026-013" and next_case_code(data, day) == "Z-2026-014"


def test_added_case_is_typed_like_the_readers_rows():
    data = read_gmina(example_dir())
    dtypes = data.cases.dtypes.to_dict()
    add_ipus_case(data, ["U018", "U001", "U018"], dt.date(2026, 12, 1))
    assert data.cases.dtypes.to_dict() == dtypes
    row = data.cases.iloc[-1]
    assert row["rodzaj"] == "ipus" and row["status"] == "otwarta" and row["pomiar"] == "T1"
    assert row["data_zgloszenia"] == pd.Timestamp("2026-12-01") and pd.isna(row["data_pierwszej_uslugi"])
    assert row["partnerzy"] == ("CUS", "PUP") and row["uslugi"] == ("U018", "U001")  # leader first, once each
    assert row["wiersz"] == 14


def test_a_case_added_to_a_gmina_without_a_register_collects_the_sheet(tmp_path, write_csv_gmina, gmina_rows):
    data = read_gmina(write_csv_gmina(tmp_path / "g", gmina_rows))
    assert not data.has("zespoly")
    code = add_ipus_case(data, ["U1"], dt.date(2026, 12, 1))
    assert code == "Z-2026-001" and data.has("zespoly")
    assert data.cases["partnerzy"].tolist() == [("GOPS",)] and data.cases["wiersz"].tolist() == [2]
