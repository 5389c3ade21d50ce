"""One analysis per gmina and measurement (issue 19): the report and the recommendations read the same figures.

Before :class:`pzk_kit.evaluation.analysis.Analysis` the report and the recommendations each chose the measurement and
built the network themselves, so one ``raport.docx`` built the run's map three times. These tests count the
builds, check that both outputs share one analysis, and that the measurement comes from the kit's one rule
(:func:`pzk_kit.measurement.resolve`), never from a rule of their own.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections import Counter
from pathlib import Path

import pytest

from pzk_kit import network
from pzk_kit.evaluation import recommendations as recommendations_module
from pzk_kit.evaluation.analysis import Analysis
from pzk_kit.evaluation.recommendations import recommendations
from pzk_kit.evaluation.report import build_report
from pzk_kit.measurement import resolve
from pzk_kit.privacy import published
from pzk_kit.workbook.reading import read_gmina

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "data" / "przyklad" / "gmina_przykladowa.xlsx"
DAY = dt.date(2026, 1, 15)


@pytest.fixture(scope="module")
def example():
    return read_gmina(EXAMPLE)


@pytest.fixture
def builds(monkeypatch):
    """Counts ``network.build_network`` calls per measurement."""
    counted: Counter[str] = Counter()
    original = network.build_network

    def counting(data, measurement=network.DEFAULT_MEASUREMENT):
        counted[measurement] += 1
        return original(data, measurement)

    monkeypatch.setattr(network, "build_network", counting)
    return counted


@pytest.fixture
def rule_runs(monkeypatch):
    """Counts how often the recommendation rules are evaluated."""
    runs = []
    original = recommendations_module.evaluate_rules

    def counting(analysis, steps=recommendations_module.STEPS):
        runs.append(analysis)
        return original(analysis, steps)

    monkeypatch.setattr(recommendations_module, "evaluate_rules", counting)
    return runs


def test_the_report_builds_each_network_once(example, builds, rule_runs):
    """The run's map (T1) and the first one (T0, for the change and the shared layout), once each; the report's
    recommendations come from the same analysis, not from a second pass over the data."""
    build_report(example, on=DAY)
    assert builds == {"T1": 1, "T0": 1}
    assert len(rule_runs) == 1


def test_report_and_recommendations_share_one_analysis(example, builds, rule_runs):
    shared = Analysis(published(example))
    build_report(shared, on=DAY)
    found = recommendations(shared)
    assert builds == {"T1": 1, "T0": 1}
    assert rule_runs == [shared]  # the rules ran once, for the report; the notebook's call reused them
    assert found == shared.recommendations
    assert shared.net is shared.network_of("T1") and shared.first_net is shared.network_of("T0")


def test_an_analysis_gives_what_the_data_give(example):
    for asked in (None, "T0"):
        assert recommendations(Analysis(example, asked)) == recommendations(example, asked)
    assert recommendations(example, "T0", steps=("siec",)) == [r for r in recommendations(example, "T0")
                                                                if r.step == "siec"]


def test_an_analysis_of_raw_data_is_redone_on_the_published_data(example, rule_runs):
    """The report prints only the published form (no personal data): an analysis of the raw data is not reused."""
    raw = Analysis(example, "T0")
    build_report(raw, on=DAY)
    assert len(rule_runs) == 1 and rule_runs[0] is not raw and rule_runs[0].asked == "T0"


def test_a_second_measurement_for_an_analysis_is_refused(example):
    with pytest.raises(ValueError, match="pomiaru T0"):
        recommendations(Analysis(example, "T0"), "T1")
    assert Analysis.of(Analysis(example, "T0"), "T0").asked == "T0"


def _variants(data):
    cooperation, survey = data.cooperation, data.survey
    return {
        "przyklad": data,
        "mapa_tylko_T0": dataclasses.replace(data, cooperation=cooperation[cooperation["pomiar"] == "T0"]),
        "ankieta_tylko_T1": dataclasses.replace(data, survey=survey[survey["pomiar"] == "T1"]),
        "bez_ankiety": dataclasses.replace(data, survey=survey.iloc[0:0], collected=data.collected - {"ankieta"}),
    }


@pytest.mark.parametrize("asked", [None, "T0", "T1", "T5"])
def test_the_measurement_comes_from_the_one_rule(example, asked):
    for name, data in _variants(example).items():
        analysis, chosen = Analysis(data, asked), resolve(data, asked)
        assert analysis.network_measurement == chosen.network == network.choose_measurement(data, asked), name
        assert analysis.survey_measurement == chosen.survey, name
        assert analysis.note == chosen.note, name
        if analysis.has_survey:
            assert analysis.survey_measurements[-1] == chosen.survey, name


def test_an_unknown_measurement_falls_back_with_the_polish_note(example):
    analysis = Analysis(example, "T5")
    assert (analysis.network_measurement, analysis.survey_measurement) == ("T1", "T1")
    assert analysis.note == ("Pomiaru T5 nie ma w danych (są: T0, T1) — wyniki opisują pomiar T1, najbliższy "
                             "wcześniejszy zebrany.")
    assert Analysis(example).note is None and Analysis(example, "T0").note is None


def test_no_output_keeps_a_measurement_rule_of_its_own():
    """The rule lives in pzk_kit.measurement: the report, the recommendations and the analysis only ask it."""
    for module in ("evaluation/analysis", "evaluation/report", "evaluation/recommendations", "runs/summary"):
        source = (ROOT / "pzk_kit" / f"{module}.py").read_text(encoding="utf-8")
        assert not re.search(r"\bpick\(|\[-1\]  # the kit's one rule|or found\[-1\]", source), module
