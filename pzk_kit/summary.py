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
from pzk_kit.network import choose_measurement, network_summary
from pzk_kit.reading import DEFAULT_MEASUREMENT, GminaData
from pzk_kit.results import jsonable
from pzk_kit.validation import Severity

SUMMARY_NAME = "summary.json"
EMPTY_EVALUATION: dict[str, Any] = {"respondents": {}, "factors": {}, "suppressed": []}


def summary_warnings(data: GminaData) -> list[str]:
    """Every warning and note of the validation (missing sheets included), located and in Polish."""
    lines = []
    for problem in data.report.sorted():
        if problem.severity is Severity.ERROR:
            continue
        lines.append(problem.located_text)
    return lines


def summary_document(data: GminaData, parts: dict[str, Any]) -> dict[str, Any]:
    """The contract's document from the three parts; a part that was not produced is computed here."""
    return {
        "gmina": {"name": data.name, "teryt": data.teryt},
        "network": parts.get("network") or network_summary(data, choose_measurement(data, DEFAULT_MEASUREMENT)),
        "basket": parts.get("basket") or basket_summary(data),
        "evaluation": parts.get("evaluation") or EMPTY_EVALUATION,
        "warnings": summary_warnings(data),
    }


def build_summary(data: GminaData, measurement: str | None = DEFAULT_MEASUREMENT) -> dict[str, Any]:
    """``summary.json`` computed from the package alone (no notebooks); ``measurement`` as in ``pzk run``
    (T0 by default; the latest one when it was not collected)."""
    parts = {
        "network": network_summary(data, choose_measurement(data, measurement)),
        "basket": basket_summary(data),
        "evaluation": evaluation_summary(data) if data.has("ankieta") else EMPTY_EVALUATION,
    }
    return summary_document(data, parts)


def write_summary(summary: dict[str, Any], out_dir: str | Path, *, overwrite: bool = True) -> Path:
    path = Path(out_dir) / SUMMARY_NAME
    with atomic_file(path, overwrite=overwrite) as tmp:
        tmp.write_text(json.dumps(summary, ensure_ascii=False, indent=2, default=jsonable) + "\n", encoding="utf-8")
    return path
