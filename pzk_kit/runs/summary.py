"""``summary.json`` (CONTRACT §3): the few figures a region compares across gminas.

There are two ways to the same document. ``pzk run`` assembles it from the parts the notebooks wrote (so the
summary is what the meeting saw); ``pzk batch --summary-only`` computes it straight from the package without any
notebook, for national runs over thousands of gminas. Both go through :func:`summary_document`, and the parts are
computed by the very functions the notebooks call, so the two ways cannot disagree.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pzk_kit.basket import basket_summary
from pzk_kit.evaluation import evaluation_summary
from pzk_kit.files import atomic_file
from pzk_kit.followup.cases import cases_summary
from pzk_kit.measurement import as_of, resolve
from pzk_kit.network import network_summary
from pzk_kit.runs.outputs import SUMMARY_NAME
from pzk_kit.runs.results import jsonable
from pzk_kit.workbook.reading import GminaData
from pzk_kit.workbook.validation import Severity

EMPTY_EVALUATION: dict[str, Any] = {"respondents": {}, "factors": {}, "suppressed": []}


def summary_warnings(data: GminaData) -> list[str]:
    """Every warning and note of the validation (missing sheets included), located and in Polish."""
    lines = []
    for problem in data.report.sorted():
        if problem.severity is Severity.ERROR:
            continue
        lines.append(problem.located_text)
    return lines


def gmina_part(data: GminaData) -> dict[str, Any]:
    """Who the summary is about: the contract's name and TERYT, then the partnership's area, the gmina type (the
    model variant), where it lies, its leaders and the project it runs under, so a region can group and compare
    summaries without the workbooks. Readers of older summaries fall back on ``teryt[:4]`` for the powiat."""
    return {
        "name": data.name,
        "teryt": data.teryt,
        "scope": data.scope,
        "type": data.info.get("typ"),
        "powiat": data.info.get("powiat"),
        "voivodeship": data.info.get("wojewodztwo"),
        "leaders": data.leaders,
        "project": data.project_name,
    }


def summary_document(data: GminaData, parts: dict[str, Any], measurement: str | None = None) -> dict[str, Any]:
    """The contract's document from the three parts; a part that was not produced is computed here, for the
    run's measurement (``measurement`` as given to the run; None = the latest, :mod:`pzk_kit.measurement`)."""
    return {
        "gmina": gmina_part(data),
        "network": parts.get("network") or _network_part(data, measurement),
        "basket": parts.get("basket") or basket_summary(data),
        "evaluation": {**(parts.get("evaluation") or EMPTY_EVALUATION), **followup_part(data, measurement)},
        "warnings": summary_warnings(data),
    }


def followup_part(data: GminaData, measurement: str | None = None) -> dict[str, Any]:
    """The follow-up loop inside ``evaluation`` (the model's step 3 evaluates the partnership over time): the
    action plan, the task-team register's figures and the declared map against the teams. Nested there so the
    document's top level stays exactly the contract's (CONTRACT §3), as the extra fields of ``gmina`` and
    ``basket`` do; computed from the data as of the run in both ways to the document."""
    return {
        "plan": _plan_part(data, measurement),
        "cases": cases_summary(data, measurement),
        "used_network": _used_network_part(data, measurement),
    }


def build_summary(data: GminaData, measurement: str | None = None) -> dict[str, Any]:
    """``summary.json`` computed from the package alone (no notebooks), exactly as ``pzk run`` with the same
    ``--pomiar`` writes it: the run's measurement (the latest by default) and the change since the first, with
    later measurements left out (:func:`pzk_kit.measurement.as_of`)."""
    seen = as_of(data, measurement)
    parts = {
        "network": _network_part(data, measurement),
        "basket": basket_summary(data),
        "evaluation": evaluation_summary(seen) if seen.has("ankieta") else EMPTY_EVALUATION,
    }
    return summary_document(data, parts, measurement)


def _network_part(data: GminaData, measurement: str | None) -> dict[str, Any]:
    return network_summary(as_of(data, measurement), resolve(data, measurement).network)


def _plan_part(data: GminaData, measurement: str | None) -> dict[str, Any]:
    """The action plan as of the run's measurement (:func:`pzk_kit.followup.plan.plan_summary`)."""
    from pzk_kit.followup.plan import plan_summary

    return plan_summary(data, measurement)


def _used_network_part(data: GminaData, measurement: str | None) -> dict[str, Any]:
    """The declared map against the task teams, both of the run's network measurement."""
    from pzk_kit.network.used import declared_vs_used

    return declared_vs_used(as_of(data, measurement), resolve(data, measurement).network)


def write_summary(summary: dict[str, Any], out_dir: str | Path, *, overwrite: bool = True) -> Path:
    path = Path(out_dir) / SUMMARY_NAME
    with atomic_file(path, overwrite=overwrite) as tmp:
        tmp.write_text(json.dumps(summary, ensure_ascii=False, indent=2, default=jsonable) + "\n", encoding="utf-8")
    return path
