"""Survey scoring (CONTRACT §3 "Evaluation") against numbers worked out by hand, and the RODO rule: nothing resting
on fewer than 3 respondents is ever shown.

Every survey is written as a CSV folder and read with :func:`read_gmina`, so the path from the ``ankieta`` sheet a
user fills in to ``summary.json`` is under test. Items used below (from ``pzk_kit/data/ankieta/pytania.csv``):
współdecydowanie = q01, q02, q03 (q03 reverse); dialog = q04, q05, q06; zaufanie = q21, q22 (q22 reverse).
"""

from __future__ import annotations

import copy
import csv
import math
import shutil

import pandas as pd
import pytest

from pzk_kit.evaluation import (
    band,
    breakdown,
    change,
    evaluation_summary,
    factor_scores,
    factor_table,
    item_distribution,
    respondent_scores,
)
from pzk_kit.evaluation.instrument import load_instrument
from pzk_kit.workbook.example import example_dir
from pzk_kit.workbook.reading import read_gmina

FACTORS = [f.code for f in load_instrument().factors]
HEADER = ["respondent", "pomiar", "sektor", "q01", "q02", "q03", "q04", "q05", "q21", "q22"]

# R1 współdecydowanie: 4, nie wiem, 5 reversed → 1   → (4 + 1) / 2 = 2.5; dialog only "nie wiem" → no score
# R2 współdecydowanie: 5, empty, 2 reversed → 4      → (5 + 4) / 2 = 4.5; dialog 4
# R3 współdecydowanie: 3, 0 (nie wiem), 3 → 3        → 3.0;              dialog 2;   zaufanie q21 = 4 → 4
# R4 współdecydowanie: nothing                       → no score;         dialog 3;   zaufanie q22 = 5 → 1
# współdecydowanie = (2.5 + 4.5 + 3) / 3 = 3.33 (3 respondents: shown); dialog = (4 + 2 + 3) / 3 = 3.0;
# zaufanie rests on 2 respondents (R3, R4): null.
BASIC_SURVEY = [
    HEADER,
    ["R1", "T0", "Edukacja", "4", "nie wiem", "5", "nie wiem", "0", "", ""],
    ["R2", "T0", "Edukacja", "5", "", "2", "4", "", "", ""],
    ["R3", "T0", "Edukacja", "3", "0", "3", "2", "", "4", ""],
    ["R4", "T0", "Edukacja", "", "", "", "3", "", "", "5"],
]


@pytest.fixture
def survey_gmina(tmp_path, write_csv_gmina, gmina_blueprint):
    """Write a gmina (the conftest's gmina and partnerzy sheets) with the given ankieta rows and read it."""
    counter = iter(range(1000))

    def make(rows: list[list[object]]):
        sheets = {name: copy.deepcopy(gmina_blueprint[name]) for name in ("gmina", "partnerzy")}
        sheets["ankieta"] = rows
        data = read_gmina(write_csv_gmina(tmp_path / f"g{next(counter)}", sheets))
        assert not data.report.errors, data.report.errors
        return data

    return make


def test_respondent_scores_recode_reverse_items_and_skip_dont_know(survey_gmina):
    scores = respondent_scores(survey_gmina(BASIC_SURVEY), "T0")
    assert sorted(scores.index) == ["R1", "R2", "R3", "R4"]
    assert list(scores.columns) == FACTORS
    assert scores.loc["R1", "wspoldecydowanie"] == pytest.approx(2.5)  # a 5 on reverse q03 counts as 1
    assert scores.loc["R2", "wspoldecydowanie"] == pytest.approx(4.5)  # empty q02 left out
    assert scores.loc["R3", "wspoldecydowanie"] == pytest.approx(3.0)  # 0 = nie wiem left out
    assert math.isnan(scores.loc["R4", "wspoldecydowanie"])  # answered nothing in the factor
    assert math.isnan(scores.loc["R1", "dialog"])  # only "nie wiem" in the factor
    assert scores.loc["R4", "zaufanie"] == pytest.approx(1.0)  # 5 on reverse q22


def test_factor_scores_exactly_three_shown_two_suppressed(survey_gmina):
    data = survey_gmina(BASIC_SURVEY)
    scores = factor_scores(data)
    assert set(scores) == set(FACTORS)
    assert scores["wspoldecydowanie"] == {"T0": 3.33}
    assert scores["dialog"] == {"T0": 3.0}
    assert scores["zaufanie"] == {"T0": None}
    assert scores["zasoby"] == {"T0": None}  # nobody answered
    summary = evaluation_summary(data)
    assert summary["respondents"] == {"T0": 4}
    assert summary["factors"] == scores
    assert "T0 · Zaufanie: mniej niż 3 respondentów" in summary["suppressed"]
    assert not any("Współdecydowanie" in line or "Dialog" in line for line in summary["suppressed"])
    assert not any("Zasoby" in line for line in summary["suppressed"])  # no answers: nothing withheld


def test_one_respondent_shows_nothing(survey_gmina):
    data = survey_gmina([HEADER, ["R1", "T0", "Kultura", "5", "5", "1", "5", "5", "5", "1"]])
    summary = evaluation_summary(data)
    assert summary["respondents"] == {"T0": 1}
    assert all(value == {"T0": None} for value in summary["factors"].values())
    table, suppressed = breakdown(data, "T0", "sektor")
    assert list(table.columns) == ["Czynnik"]
    assert suppressed == ["T0 · sektor Kultura: mniej niż 3 respondentów"]
    assert item_distribution(data, "T0")[["1", "2", "3", "4", "5", "Nie wiem", "Brak odpowiedzi"]].isna().all().all()
    assert set(factor_table(data)["Pasmo"]) == {None}
    assert "5" not in factor_table(data)["T0"].astype(str).tolist()


SUBTRACTION = "ukryte dodatkowo, aby wyniku grupy mniejszej niż 3 osoby nie dało się odtworzyć przez odejmowanie"


def test_breakdown_hides_small_sector_and_small_cells(survey_gmina):
    rows = [
        HEADER,
        ["E1", "T0", "Edukacja", "4", "4", "2", "4", "", "", ""],  # współdecydowanie (4 + 4 + 4) / 3 = 4
        ["E2", "T0", "Edukacja", "3", "3", "3", "2", "", "", ""],  # 3
        ["E3", "T0", "edukacja", "2", "2", "4", "", "", "", ""],  # 2 (label or code: same sector)
        ["E4", "T0", "Edukacja", "5", "5", "1", "", "", "", ""],  # 5
        ["Z1", "T0", "Zdrowie", "3", "", "", "3", "", "", ""],
        ["Z2", "T0", "Zdrowie", "3", "", "", "3", "", "", ""],
        ["Z3", "T0", "Zdrowie", "3", "", "", "3", "", "", ""],
        ["K1", "T0", "Kultura", "1", "1", "5", "1", "1", "1", "5"],  # 1 everywhere
        ["K2", "T0", "Kultura", "1", "1", "5", "1", "1", "1", "5"],
    ]
    data = survey_gmina(rows)
    table, suppressed = breakdown(data, "T0", "sektor")
    assert list(table.columns) == ["Czynnik", "Edukacja", "Zdrowie"]
    column = dict(zip(table["Czynnik"], table["Edukacja"], strict=True))
    assert column["Współdecydowanie"] == 3.5
    assert column["Dialog"] is None  # only E1 and E2 answered
    assert column["Zaufanie"] is None  # nobody in Edukacja answered: not listed
    zdrowie = dict(zip(table["Czynnik"], table["Zdrowie"], strict=True))
    # Kultura's współdecydowanie is hidden; with Zdrowie's shown it would be whole − Edukacja − Zdrowie. Zdrowie
    # (the smaller shown sector) is hidden too; its dialog stays, since Kultura's and Edukacja's hidden dialog
    # together rest on 4 people.
    assert zdrowie["Współdecydowanie"] is None
    assert zdrowie["Dialog"] == 3.0
    assert suppressed == [
        "T0 · sektor Kultura: mniej niż 3 respondentów",
        "T0 · sektor Edukacja · Dialog: mniej niż 3 respondentów",
        f"T0 · sektor Zdrowie · Współdecydowanie: {SUBTRACTION}",
    ]
    # The overall score includes the Kultura answers: (4 + 3 + 2 + 5 + 3 + 3 + 3 + 1 + 1) / 9 = 2.78
    assert factor_scores(data)["wspoldecydowanie"] == {"T0": 2.78}
    # Dialog overall: E1 4, E2 2, Z 3 × 3, K1 1, K2 1 → 17 / 7 = 2.43; zaufanie rests on the two Kultura
    # respondents only: null.
    assert factor_scores(data)["dialog"] == {"T0": 2.43}
    assert factor_scores(data)["zaufanie"] == {"T0": None}
    summary = evaluation_summary(data)
    for line in suppressed:
        assert line in summary["suppressed"]
    assert "T0 · Zaufanie: mniej niż 3 respondentów" in summary["suppressed"]


def test_breakdown_by_partner_and_unknown_grouping(survey_gmina):
    rows = [
        ["respondent", "pomiar", "partner", "q01"],
        ["R1", "T0", "GOPS", "4"],
        ["R2", "T0", "GOPS", "2"],
        ["R3", "T0", "GOPS", "3"],
        ["R4", "T0", "PUP", "5"],
        ["R5", "T0", "GOPS", "3"],
        ["S1", "T0", "SP1", "5"],
        ["S2", "T0", "SP1", "4"],
        ["S3", "T0", "SP1", "3"],
    ]
    data = survey_gmina(rows)
    table, suppressed = breakdown(data, "T0", "partner")
    assert list(table.columns) == ["Czynnik", "Gminny Ośrodek Pomocy Społecznej"]
    assert table.loc[table["Czynnik"] == "Współdecydowanie", "Gminny Ośrodek Pomocy Społecznej"].item() == 3.0
    # PUP (1 person) is hidden; the smallest other partner goes too, or whole − GOPS − SP1 would be PUP's answer
    assert suppressed == ["T0 · partner Powiatowy Urząd Pracy: mniej niż 3 respondentów",
                          f"T0 · partner Szkoła Podstawowa nr 1: {SUBTRACTION}"]
    with pytest.raises(ValueError):
        breakdown(data, "T0", "gmina")


def test_item_distribution_counts_and_suppression(survey_gmina):
    data = survey_gmina(BASIC_SURVEY)
    table = item_distribution(data, "T0").set_index("Pytanie")
    counts = ["1", "2", "3", "4", "5", "Nie wiem", "Brak odpowiedzi"]
    # q01: R1 4, R2 5, R3 3, R4 empty → answered by 3: shown
    assert table.loc["q01", counts].tolist() == [0, 0, 1, 1, 1, 0, 1]
    # q03 is reported as answered (raw 5, 2, 3), not recoded
    assert table.loc["q03", counts].tolist() == [0, 1, 1, 0, 1, 0, 1]
    assert table.loc["q04", counts].tolist() == [0, 1, 1, 1, 0, 1, 0]
    # q02: two "nie wiem", no 1–5 answer; q21: one answer → withheld
    for item in ("q02", "q21", "q22", "q05"):
        assert table.loc[item, counts].isna().all(), item
    suppressed = evaluation_summary(data)["suppressed"]
    for item in ("q02", "q05", "q21", "q22"):
        assert f"T0 · pytanie {item}: mniej niż 3 odpowiedzi" in suppressed
    assert "T0 · pytanie q30: mniej niż 3 odpowiedzi" not in suppressed  # nobody answered it at all


def test_change_needs_three_respondents_on_both_sides(survey_gmina):
    rows = [
        HEADER,
        ["A1", "T0", "", "2", "", "", "3", "", "", ""],
        ["A2", "T0", "", "3", "", "", "3", "", "", ""],
        ["A3", "T0", "", "4", "", "", "3", "", "", ""],
        ["B1", "T1", "", "5", "", "", "4", "", "", ""],
        ["B2", "T1", "", "4", "", "", "4", "", "", ""],
        ["B3", "T1", "", "", "", "", "5", "", "", ""],
    ]
    data = survey_gmina(rows)
    table = change(data, "T0", "T1").set_index("Czynnik")
    # współdecydowanie: T0 (2 + 3 + 4) / 3 = 3.0 on 3; T1 rests on B1, B2 only
    assert table.loc["Współdecydowanie", "T0"] == 3.0
    assert table.loc["Współdecydowanie", "T1"] is None
    assert table.loc["Współdecydowanie", "Zmiana"] is None
    assert table.loc["Współdecydowanie", ["Respondenci T0", "Respondenci T1"]].tolist() == [3, 2]
    # dialog: 3.0 → (4 + 4 + 5) / 3 = 4.33, change 1.33
    assert table.loc["Dialog", ["T0", "T1", "Zmiana"]].tolist() == [3.0, 4.33, 1.33]
    assert evaluation_summary(data)["respondents"] == {"T0": 3, "T1": 3}
    shown = factor_table(data).set_index("Czynnik")
    assert list(shown.columns) == ["T0", "T1", "Pasmo"]
    assert shown.loc["Dialog", "Pasmo"] == "mocna strona"
    assert shown.loc["Współdecydowanie", "Pasmo"] is None  # latest (T1) withheld


@pytest.mark.parametrize(
    ("score", "expected"),
    [(4.0, "mocna strona"), (4.57, "mocna strona"), (3.99, "do obserwacji"), (3.0, "do obserwacji"),
     (2.99, "wymaga uwagi"), (1.0, "wymaga uwagi"), (None, None), (float("nan"), None)],
)
def test_band_boundaries(score, expected):
    assert band(score) == expected


# -- the example gmina ------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def example():
    return read_gmina(example_dir())


def test_example_summary(example):
    summary = evaluation_summary(example)
    assert set(summary) == {"respondents", "factors", "suppressed"}
    assert summary["respondents"] == {"T0": 21, "T1": 22}
    assert set(summary["factors"]) == set(FACTORS)
    for factor, scores in summary["factors"].items():
        assert set(scores) == {"T0", "T1"}, factor
        assert all(isinstance(v, float) and 1 <= v <= 5 for v in scores.values()), factor
    assert "T0 · sektor Kultura: mniej niż 3 respondentów" in summary["suppressed"]
    assert "T1 · sektor Kultura: mniej niż 3 respondentów" in summary["suppressed"]
    assert summary["suppressed"] == evaluation_summary(example)["suppressed"]  # deterministic
    for measurement in ("T0", "T1"):
        table, suppressed = breakdown(example, measurement, "sektor")
        assert "Kultura" not in table.columns
        assert f"{measurement} · sektor Kultura: mniej niż 3 respondentów" in suppressed
        assert len(table.columns) > 2
    assert list(factor_table(example).columns) == ["Czynnik", "T0", "T1", "Pasmo"]


def _kultura_means(data, measurement: str) -> dict[str, float]:
    """Factor means of the Kultura respondents alone, computed straight from the sheet (independently)."""
    instrument = load_instrument()
    survey = data.survey[(data.survey["pomiar"] == measurement) & (data.survey["sektor"] == "kultura")]
    values = {}
    for factor in instrument.factors:
        per_respondent = []
        for _, row in survey.iterrows():
            answers = [(6 - row[i.code]) if i.reverse else row[i.code] for i in instrument.items_of(factor.code)
                       if not pd.isna(row[i.code]) and row[i.code] != 0]
            if answers:
                per_respondent.append(sum(answers) / len(answers))
        if per_respondent:
            values[factor.name] = round(sum(per_respondent) / len(per_respondent), 2)
    return values


def _altered_kultura(tmp_path):
    """A copy of the example whose Kultura respondents answered very differently (all 1s)."""
    folder = tmp_path / "przyklad"
    shutil.copytree(example_dir(), folder)
    path = folder / "ankieta.csv"
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    header = rows[0]
    sector, first = header.index("sektor"), header.index("q01")
    changed = 0
    for row in rows[1:]:
        if row[sector].strip().lower() == "kultura":
            row[first:] = ["1"] * (len(row) - first)
            changed += 1
    assert changed == 4
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    return read_gmina(folder)


def test_example_nothing_rests_on_kultura_alone(example, tmp_path):
    altered = _altered_kultura(tmp_path)
    for measurement in ("T0", "T1"):
        secret = _kultura_means(example, measurement)
        assert secret
        for by in ("sektor", "partner"):
            table, suppressed = breakdown(example, measurement, by)
            # Changing what the Kultura respondents said changes nothing a breakdown shows …
            other_table, other_suppressed = breakdown(altered, measurement, by)
            pd.testing.assert_frame_equal(table, other_table)
            assert suppressed == other_suppressed
            # … and it has no Kultura column, nor any column holding the Kultura-only scores.
            assert not any("Kultur" in str(c) or "Bibliotek" in str(c) for c in table.columns)
            for column in table.columns[1:]:
                assert [table.set_index("Czynnik")[column].get(name) for name in secret] != list(secret.values())
    overall = factor_table(example)
    for measurement in ("T0", "T1"):
        secret = _kultura_means(example, measurement)
        assert [overall.set_index("Czynnik")[measurement][name] for name in secret] != list(secret.values())
    summary = evaluation_summary(example)
    kultura_lines = [line for line in summary["suppressed"] if "Kultur" in line]
    assert kultura_lines and all(line.endswith("mniej niż 3 respondentów") for line in kultura_lines)
    assert not any(ch.isdigit() for line in kultura_lines for ch in line.split(":", 1)[1].replace("3", ""))
