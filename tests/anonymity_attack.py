"""An attacker's view of the evaluation outputs: can any group of fewer than 3 respondents be recovered?

The attacker is the strongest realistic one: somebody in the room who knows every respondent's sector and partner
and which factors each one answered (so every published count is known), and who reads every output the kit
publishes about the survey: ``summary.json``, the factor table, the change table, the sector and partner
breakdowns, the item distributions, every view of the evaluation explorer and the council report (``raport.docx``).
A published mean × its count is the sum of the cell's respondent scores; the attacker then tries

* every ±1 combination of up to three published sums (total − sector, sector − partner, total − two sectors…),
* every linear combination at all: for each set of one or two respondents, least squares tells whether its
  indicator is a combination of the published cells, and if so which.

A group is *recovered* when a combination yields the mean of a set of 1 or 2 respondents within 0.1 of the truth.
Only functions that existed before complementary suppression are used, so the same script measures the kit before
and after the fix. Run it as ``python tests/anonymity_attack.py INPUT [--raport]`` to print the counts.
"""

from __future__ import annotations

import itertools
import json
import re
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from pzk_kit import evaluation
from pzk_kit.evaluation.instrument import load_instrument
from pzk_kit.workbook.dictionaries import dictionary
from pzk_kit.workbook.reading import GminaData

TOLERANCE = 0.1
WHOLE = ("", "")


@dataclass(frozen=True)
class Cell:
    """One published mean: measurement, factor name, grouping ("" = whole group), group label, value, where."""

    measurement: str
    factor: str
    by: str
    group: str
    mean: float
    source: str


@dataclass
class Outcome:
    tried: int = 0
    recovered: set = field(default_factory=set)  # (measurement, factor, respondents)
    cells: int = 0

    def groups(self) -> set:
        """Distinct recovered sets of respondents per measurement (a set recovered in 12 factors counts once)."""
        return {(m, members) for m, _, members in self.recovered}


def _number(value: object) -> float | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float | np.floating | np.integer):
        return None if pd.isna(value) else float(value)
    text = str(value).strip().replace(",", ".")
    return float(text) if re.fullmatch(r"-?\d+(\.\d+)?", text) else None


# -- what is published -------------------------------------------------------------------------------------------


def _from_summary(data: GminaData) -> list[Cell]:
    from pzk_kit.runs.summary import build_summary

    names = {f.code: f.name for f in load_instrument().factors}
    summary = json.loads(json.dumps(build_summary(data), default=str))
    return [Cell(m, names[code], "", "", float(v), "summary.json")
            for code, by in summary["evaluation"]["factors"].items() for m, v in by.items() if v is not None]


def _from_tables(data: GminaData) -> list[Cell]:
    cells = []
    measurements = evaluation.survey_measurements(data)
    table = evaluation.factor_table(data)
    for m in measurements:
        cells += [Cell(m, f, "", "", v, "factor_table") for f, v in zip(table["Czynnik"], table[m], strict=True)
                  if _number(v) is not None]
    for before, after in itertools.combinations(measurements, 2):
        change = evaluation.change(data, before, after)
        for m in (before, after):
            cells += [Cell(m, f, "", "", v, "change") for f, v in zip(change["Czynnik"], change[m], strict=True)
                      if _number(v) is not None]
    for m in measurements:
        for by in evaluation.GROUPINGS:
            frame = evaluation.breakdown(data, m, by).table
            for column in frame.columns[1:]:
                cells += [Cell(m, f, by, column, v, f"breakdown {by}")
                          for f, v in zip(frame["Czynnik"], frame[column], strict=True) if _number(v) is not None]
    return cells


def _from_items(data: GminaData) -> list[Cell]:
    """Item distributions give a factor's whole-group sum when everyone who answered it answered all its items."""
    instrument = load_instrument()
    cells = []
    for m in evaluation.survey_measurements(data):
        table = evaluation.item_distribution(data, m).set_index("Pytanie")
        scores = evaluation.respondent_scores(data, m)
        for factor in instrument.factors:
            items = instrument.items_of(factor.code)
            if any(pd.isna(table.loc[i.code, "1"]) for i in items):
                continue
            counts = [sum(int(table.loc[i.code, str(k)]) for k in range(1, 6)) for i in items]
            answered = int(scores[factor.code].notna().sum())
            if not answered or any(c != answered for c in counts):
                continue
            total = sum(sum((6 - k if i.reverse else k) * int(table.loc[i.code, str(k)]) for k in range(1, 6))
                        for i in items) / len(items)
            cells.append(Cell(m, factor.name, "", "", total / answered, "item_distribution"))
    return cells


def _from_explorer(data: GminaData) -> list[Cell]:
    from pzk_kit.workshop import interactive

    original, interactive.show = interactive.show, lambda *_: None
    try:
        explorer = interactive.EvaluationExplorer(data)
        explorer.widget()
        cells = []
        for m in explorer.measurements:
            explorer.measurement.value = m
            for _, view in interactive.EVALUATION_VIEWS:
                explorer.view.value = view
                frame = explorer.frame
                if view == interactive.WHOLE_GROUP:
                    cells += [Cell(m, f, "", "", v, "explorer") for f, v in zip(frame["Czynnik"], frame[m], strict=True)
                              if _number(v) is not None]
                    continue
                for column in frame.columns[1:]:
                    cells += [Cell(m, f, view, column, v, f"explorer {view}")
                              for f, v in zip(frame["Czynnik"], frame[column], strict=True) if _number(v) is not None]
        return cells
    finally:
        interactive.show = original


def report_cells(path: Path, measurement: str) -> list[Cell]:
    """Every factor score printed in a ``raport.docx`` about ``measurement`` (factor tables and sector tables)."""
    from docx import Document

    names = {f.name for f in load_instrument().factors}
    cells = []
    for grid in Document(str(path)).tables:
        header = [c.text.strip() for c in grid.rows[0].cells]
        if not header or header[0] != "Czynnik":
            continue
        timed = all(re.fullmatch(r"T\d+|Zmiana|Pasmo", h) for h in header[1:])
        for row in grid.rows[1:]:
            texts = [c.text.strip() for c in row.cells]
            if texts[0] not in names:
                continue
            for head, text in zip(header[1:], texts[1:], strict=True):
                value = _number(text)
                if value is None or head in ("Zmiana", "Pasmo"):
                    continue
                if timed:
                    cells.append(Cell(head, texts[0], "", "", value, "raport"))
                else:
                    cells.append(Cell(measurement, texts[0], "sektor", head, value, "raport"))
    return cells


def _from_report(data: GminaData) -> list[Cell]:
    from pzk_kit.evaluation.report import write_report_docx

    cells = []
    with tempfile.TemporaryDirectory() as folder:
        for m in evaluation.survey_measurements(data):
            path = write_report_docx(data, Path(folder) / f"raport_{m}.docx", measurement=m, overwrite=True)
            cells += report_cells(path, m)
    return cells


def published(data: GminaData, *, report: bool = True) -> list[Cell]:
    cells = _from_summary(data) + _from_tables(data) + _from_items(data) + _from_explorer(data)
    return cells + (_from_report(data) if report else [])


# -- what the attacker knows ---------------------------------------------------------------------------------------


def memberships(data: GminaData, measurement: str) -> pd.DataFrame:
    """Each respondent's sector and partner label, as the outputs name groups (the attacker's knowledge)."""
    sectors = dictionary("sektory")
    partners = {pid: str(name) for pid, name in data.partner_names().items() if isinstance(name, str) and name}
    rows = data.survey[data.survey["pomiar"] == measurement]
    first = rows.groupby("respondent", sort=True).first()
    frame = pd.DataFrame(index=first.index)
    for by, labels in (("sektor", {c: sectors.label(c) for c in sectors.codes}), ("partner", partners)):
        values = first[by] if by in first else pd.Series(None, index=first.index, dtype=object)
        frame[by] = [evaluation.NO_GROUP if pd.isna(v) else labels.get(v, str(v)) for v in values]
    return frame


# -- the attack ------------------------------------------------------------------------------------------------------


def attack(data: GminaData, cells: list[Cell]) -> Outcome:
    outcome = Outcome(cells=len(cells))
    codes = {f.name: f.code for f in load_instrument().factors}
    for m in evaluation.survey_measurements(data):
        scores = evaluation.respondent_scores(data, m)
        groups = memberships(data, m).reindex(scores.index)
        for name, code in codes.items():
            values = scores[code].dropna()
            if values.empty:
                continue
            people = list(values.index)
            rows, sums = [], []
            distinct = {(c.by, c.group, round(c.mean, 9)) for c in cells if c.measurement == m and c.factor == name}
            for by, group, mean in sorted(distinct):
                members = (np.ones(len(people)) if by == ""
                           else (groups.loc[people, by] == group).to_numpy(dtype=float))
                if members.sum():
                    rows.append(members)
                    sums.append(mean * members.sum())
            if not rows:
                continue
            matrix, totals = np.array(rows), np.array(sums)
            truth = values.to_numpy()

            def check(vector, estimate, m=m, name=name, people=people, truth=truth):
                chosen = np.flatnonzero(np.abs(vector) > 1e-9)
                if (0 < len(chosen) < 3 and np.allclose(vector[chosen], 1)
                        and abs(estimate / len(chosen) - truth[chosen].mean()) <= TOLERANCE):
                    outcome.recovered.add((m, name, frozenset(people[k] for k in chosen)))

            # every ±1 combination of up to three published sums (differences of weighted sums)
            for size in (1, 2, 3):
                for chosen in itertools.combinations(range(len(rows)), size):
                    for signs in itertools.product((1, -1), repeat=size - 1):
                        coefficients = np.array((1, *signs), dtype=float)
                        outcome.tried += 1
                        check(coefficients @ matrix[list(chosen)], coefficients @ totals[list(chosen)])
            # every linear combination: is the indicator of 1 or 2 respondents in the span of the published cells?
            for size in (1, 2):
                for chosen in itertools.combinations(range(len(people)), size):
                    target = np.zeros(len(people))
                    target[list(chosen)] = 1
                    coefficients, *_ = np.linalg.lstsq(matrix.T, target, rcond=None)
                    outcome.tried += 1
                    if np.allclose(matrix.T @ coefficients, target, atol=1e-6):
                        check(target, coefficients @ totals)
    return outcome


def main(argv: list[str]) -> int:
    from pzk_kit import read_gmina
    from pzk_kit.workbook.example import resolve_input

    data = read_gmina(resolve_input(argv[0] if argv else ""))
    outcome = attack(data, published(data, report="--raport" in argv))
    print(f"published cells: {outcome.cells}; combinations tried: {outcome.tried}; "
          f"recovered (measurement, factor, set): {len(outcome.recovered)}; "
          f"distinct groups under 3 recovered: {len(outcome.groups())}")
    for m, members in sorted(outcome.groups(), key=str):
        print(f"  {m}: {sorted(members)}")
    return 1 if outcome.recovered else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
