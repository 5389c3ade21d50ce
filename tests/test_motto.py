"""The model's motto measured (szybciej, łatwiej, skuteczniej, taniej): the rows, their verdicts and evidence, the
< 3 rule, and the motto page of ``raport.docx`` read back with python-docx (no case code ever printed)."""

from __future__ import annotations

import datetime as dt

import pytest
from docx import Document

from pzk_kit.evaluation.report import write_report_docx
from pzk_kit.followup.motto import days_after, evidence_lines, motto, motto_table
from pzk_kit.workbook.example import example_dir
from pzk_kit.workbook.reading import read_gmina
from tests.test_cases import T0_CASES, T1_CASES, build_register
from tests.test_report import all_text, headings

DAY = dt.date(2026, 12, 1)
TITLE = "„Kooperacyjnie znaczy szybciej, skuteczniej, łatwiej, czasem także taniej”"
HOSTILE = example_dir().parents[2].parent / "tests" / "data" / "hostile" / "gmina_wroga.xlsx"


@pytest.fixture
def register(tmp_path, write_csv_gmina, gmina_rows):
    return lambda rows, **options: build_register(tmp_path / "gmina", write_csv_gmina, gmina_rows, rows, **options)


def test_example_gmina_motto_compares_t0_with_t1():
    rows = motto(read_gmina(example_dir()))
    assert [row.word for row in rows] == ["Szybciej", "Łatwiej", "Skuteczniej", "Taniej"]
    assert all(row.before == "T0" and row.after == "T1" for row in rows)
    by = {row.key: row for row in rows}
    assert by["szybciej"].verdict == ("Szybciej: pierwsza usługa po 6 dniach zamiast 21 "
                                      "(mediana; T1: 6 spraw, T0: 5 spraw)")
    assert (by["szybciej"].headline.before, by["szybciej"].headline.after) == (21.0, 6.0)
    assert by["szybciej"].outcome == "lepiej"
    assert by["latwiej"].verdict == ("Łatwiej: skierowania lub decyzji wymaga 16\u00a0% użytych usług zamiast "
                                     "60\u00a0% (T1: 7 spraw, T0: 5 spraw)")
    assert by["taniej"].verdict.startswith("Taniej: odpłatnych lub częściowo odpłatnych jest 0\u00a0%")
    # one case still waits for its first service and services per case fell: honestly only partly better
    assert by["skuteczniej"].outcome == "czesciowo"
    assert by["skuteczniej"].verdict.startswith("Skuteczniej — częściowo: pierwszą usługę ma 86\u00a0% spraw "
                                                "zamiast 100\u00a0%")
    assert "1 sprawa czeka na pierwszą usługę" in by["szybciej"].evidence[1]
    assert by["latwiej"].evidence == ["T0: usługi użyte w 5 sprawach: 15, w tym na skierowanie lub decyzję: 9.",
                                      "T1: usługi użyte w 7 sprawach: 19, w tym na skierowanie lub decyzję: 3."]
    assert any("Mniej znaczy szybciej" in line for line in evidence_lines(rows))
    table = motto_table(rows)
    assert list(table.columns) == ["Obietnica", "Miara", "T0", "T1", "Zmiana", "Co to znaczy"]
    assert table.iloc[0]["T0"] == "21" and table.iloc[0]["Zmiana"] == "▼ −15"


def test_hand_computed_small_register(register):
    rows = {row.key: row for row in motto(register(T0_CASES + T1_CASES))}
    assert rows["szybciej"].verdict == ("Szybciej: pierwsza usługa po 4,5 dnia zamiast 10 "
                                        "(mediana; T1: 4 sprawy, T0: 3 sprawy)")
    assert rows["latwiej"].verdict == ("Trudniej: skierowania lub decyzji wymaga 60\u00a0% użytych usług zamiast "
                                       "40\u00a0% (T1: 4 sprawy, T0: 3 sprawy)")  # B-4 used no service
    assert rows["latwiej"].outcome == "gorzej" and rows["taniej"].outcome == "lepiej"
    assert rows["skuteczniej"].outcome == "gorzej"  # 80 % served (100 %), 1,25 services (1,67), 1,5 partners (2)


def test_motto_is_hidden_when_the_first_measurement_has_two_cases(register):
    rows = motto(register(T0_CASES[:2] + T1_CASES))
    assert all(row.hidden and row.verdict == "ukryte: mniej niż 3 sprawy" for row in rows)
    assert all(row.value_text("before") == "ukryte (< 3 sprawy)" for row in rows)
    # the evidence names the counts only: not the days, uses or fees that would give the hidden figure away
    assert rows[0].evidence == ["Za mało spraw, by pokazać wynik: T0 — 2 sprawy (wynik z jednej czy dwóch spraw "
                                "opisywałby konkretną rodzinę)."]
    assert set(motto_table(rows)["Zmiana"]) == {"ukryte (< 3 sprawy)"}


def test_one_measurement_gives_its_values_without_a_comparison(register):
    rows = motto(register(T0_CASES, t1_map=False))
    assert all(row.before is None and row.outcome == "jeden" for row in rows)
    assert rows[0].verdict == ("Pierwsza usługa po 10 dniach (mediana; T0: 3 sprawy); porównanie pokaże kolejny "
                               "pomiar")
    assert list(motto_table(rows).columns) == ["Obietnica", "Miara", "T0", "Co to znaczy"]


def test_days_in_the_locative():
    assert [days_after(v) for v in (1, 2, 6.0, 6.5, 21)] == ["1 dniu", "2 dniach", "6 dniach", "6,5 dnia",
                                                           "21 dniach"]


def _report(source, tmp_path):
    path = write_report_docx(read_gmina(source), tmp_path / "raport.docx", on=DAY)
    return Document(str(path))


def test_motto_page_of_the_example_follows_the_scorecard(tmp_path):
    document = _report(example_dir(), tmp_path)
    assert headings(document, 1)[:2] == ["Karta wyników PZK", TITLE]
    text = all_text(document)
    assert "Szybciej: pierwsza usługa po 6 dniach zamiast 21 (mediana; T1: 6 spraw, T0: 5 spraw)" in text
    assert "T0: 21 dni  →  T1: 6 dni" in text and "▼ −15 dni" in text
    assert "Na czym to opieramy" in text and "mniej niż 3 sprawach jest ukryty" in text
    assert not any(code in text for code in ("Z-2024-01", "Z-2025-07"))


def test_motto_page_of_the_powiat_example_is_hidden(tmp_path):
    document = _report(example_dir("powiat_przykladowy"), tmp_path)
    text = all_text(document)
    assert TITLE in headings(document, 1)
    assert text.count("ukryte: mniej niż 3 sprawy") == 5  # four tiles and the rule under them
    assert "z datą pierwszej usługi" not in text  # no part of a hidden figure
    assert "P-2025-01" not in text and "P-2025-02" not in text


def test_no_case_code_of_the_hostile_corpus_reaches_the_report(tmp_path):
    data = read_gmina(HOSTILE)
    codes = [str(code) for code in data.cases["sprawa"]]
    text = all_text(_report(HOSTILE, tmp_path))
    assert TITLE in text
    assert [code for code in codes if code in text] == []


def test_without_a_register_the_page_says_how_to_start(tmp_path, write_csv_gmina, gmina_rows):
    document = _report(write_csv_gmina(tmp_path / "g", gmina_rows), tmp_path)
    text = all_text(document)
    assert TITLE in headings(document, 1)
    assert "w arkuszu „zespoly” wpisujcie każdą sprawę" in text and "tylko anonimowy kod" in text
