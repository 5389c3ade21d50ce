"""Scoring the PZK self-assessment survey (the ``ankieta`` sheet), exactly as CONTRACT §3 "Evaluation" defines it.

A factor's score is the mean over respondents of each respondent's mean over the factor's answered items. An
answered item is a 1–5 answer: "nie wiem" (0) and empty cells are left out; reverse-worded items are recoded
6 − x first, so a high score is always good. A respondent counts in a measurement when they answered (1–5) at
least one item.

Privacy (RODO): the survey is anonymous, so no score, breakdown cell or answer distribution resting on fewer than
``min_respondentow`` (3) respondents is ever shown. Such values are None, and a Polish line saying *what* was
withheld (never its value) goes to ``suppressed``. Groups of a breakdown (a sector, a partner) with fewer than 3
respondents are left out of the table entirely, not even as an empty column.
"""

from __future__ import annotations

from typing import Literal, NamedTuple

import numpy as np
import pandas as pd

from pzk_kit.dictionaries import dictionary
from pzk_kit.reading import GminaData, measurement_order
from pzk_kit.survey_instrument import Instrument, load_instrument

GROUPINGS = ("sektor", "partner")
DONT_KNOW_COLUMN = "Nie wiem"
EMPTY_COLUMN = "Brak odpowiedzi"
NO_GROUP = "(nie podano)"


class Breakdown(NamedTuple):
    """Factor scores per group (groups under the threshold left out) and the Polish lines of what was withheld."""

    table: pd.DataFrame
    suppressed: list[str]


# -- the instrument's settings -----------------------------------------------------------------------------------


def _instrument() -> Instrument:
    instrument = load_instrument()
    if instrument is None:
        raise RuntimeError("Brak plików ankiety (pzk_kit/data/ankieta) — nie można policzyć wyników ewaluacji.")
    return instrument


def _number(text: str | None, default: float) -> float:
    return default if not text else float(str(text).replace(",", "."))


def min_respondents() -> int:
    """Smallest number of respondents a shown result may rest on (``min_respondentow``, 3)."""
    return int(_number(_instrument().meta.get("min_respondentow"), 3))


def _too_few() -> str:
    return f"mniej niż {min_respondents()} respondentów"


def _as_nullable(table: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """Columns that hold None (not NaN) where a value is withheld: JSON- and display-friendly."""
    for column in columns:
        values = table[column].astype(object)
        table[column] = values.where(values.notna(), None)
    return table


def band(score: float | None) -> str | None:
    """The Wilder-style band of a score: "mocna strona" (≥ 4.0), "do obserwacji" (3.0–3.99), "wymaga uwagi"."""
    if score is None or pd.isna(score):
        return None
    meta = _instrument().meta
    if score >= _number(meta.get("prog_mocna"), 4.0):
        return meta.get("pasmo_mocna", "mocna strona")
    if score >= _number(meta.get("prog_obserwacja"), 3.0):
        return meta.get("pasmo_obserwacja", "do obserwacji")
    return meta.get("pasmo_uwaga", "wymaga uwagi")


def _round(value: float) -> float | None:
    return None if value is None or pd.isna(value) else round(float(value), 2)


# -- answers and respondent scores ---------------------------------------------------------------------------------


def survey_measurements(data: GminaData) -> list[str]:
    """Measurements present in the survey, in time order (T0, T1, …)."""
    found = set(data.survey["pomiar"].dropna()) if "pomiar" in data.survey else set()
    return sorted(found, key=measurement_order)


def _memo(data: GminaData, key: tuple, compute) -> pd.DataFrame:
    """Per-gmina memo: the summary asks for the same measurement's answers a dozen times (overall, each grouping,
    items); computing them once made ``pzk batch --summary-only`` 40% faster. Keyed by the survey frame too, so
    a caller that swaps ``data.survey`` gets fresh results; callers get copies, so the memo cannot be altered."""
    memo = data.__dict__.setdefault("_evaluation_memo", {})
    full_key = (id(data.survey), *key)
    if full_key not in memo:
        memo[full_key] = compute()
    return memo[full_key].copy()


def _answers(data: GminaData, measurement: str) -> pd.DataFrame:
    return _memo(data, ("answers", measurement), lambda: _compute_answers(data, measurement))


def _compute_answers(data: GminaData, measurement: str) -> pd.DataFrame:
    """One row per respondent of the measurement (indexed by code): sektor, partner and the raw item answers.

    Two rows with the same respondent code in one measurement are a validation error; should they reach this
    point anyway, they are one respondent (the first non-empty answer of each item wins). Only respondents with
    at least one 1–5 answer are kept.
    """
    items = _instrument().item_codes
    survey = data.survey
    rows = survey[survey["pomiar"] == measurement]
    keys = rows["respondent"].astype(object).where(rows["respondent"].notna(), "wiersz " + rows["wiersz"].astype(str))
    columns = {c: rows[c].astype(object) for c in GROUPINGS if c in rows}
    columns.update({c: rows[c].astype("Int64") if c in rows else pd.Series(pd.NA, index=rows.index, dtype="Int64")
                    for c in items})
    frame = pd.DataFrame(columns, index=rows.index)
    frame["respondent"] = keys.astype(str)
    per_respondent = frame.groupby("respondent", sort=True).first()
    for column in GROUPINGS:
        if column not in per_respondent:
            per_respondent[column] = None
    answered = per_respondent[items].isin(range(1, 6)).any(axis=1)
    return per_respondent[answered]


def _recoded(answers: pd.DataFrame) -> np.ndarray:
    """Item answers (respondents × items, instrument order) as floats: NaN for "nie wiem" and empty, reverse items
    recoded 6 − x."""
    instrument = _instrument()
    values = answers[instrument.item_codes].astype("Float64").to_numpy(dtype="float64", na_value=np.nan)
    values[(values < 1) | (values > 5)] = np.nan
    reverse = [k for k, item in enumerate(instrument.items) if item.reverse]
    values[:, reverse] = 6 - values[:, reverse]
    return values


def _scores(answers: pd.DataFrame) -> pd.DataFrame:
    """Respondent × factor means over the answered items, in numpy (pandas per factor dominated batch runs)."""
    instrument = _instrument()
    values = _recoded(answers)
    position = {code: k for k, code in enumerate(instrument.item_codes)}
    scores = {}
    for factor in instrument.factors:
        block = values[:, [position[i.code] for i in instrument.items_of(factor.code)]]
        answered = (~np.isnan(block)).sum(axis=1)
        total = np.nansum(block, axis=1)
        scores[factor.code] = np.divide(total, answered, out=np.full(len(block), np.nan), where=answered > 0)
    frame = pd.DataFrame(scores, index=answers.index)
    frame.index.name = "respondent"
    return frame


def respondent_scores(data: GminaData, measurement: str) -> pd.DataFrame:
    """Respondent × factor: the respondent's mean over the factor's answered items (NaN when none was answered).

    Respondent-level values are never for display: they feed the aggregates below.
    """
    return _memo(data, ("scores", measurement), lambda: _scores(_answers(data, measurement)))


def _aggregate(scores: pd.DataFrame) -> dict[str, tuple[float | None, int]]:
    """Per factor: (rounded score or None when under the threshold, number of respondents it rests on)."""
    minimum = min_respondents()
    counts, means = scores.count(), scores.mean(skipna=True)  # whole frame at once: per-factor Series were slow
    return {factor: (_round(means[factor]) if counts[factor] >= minimum else None, int(counts[factor]))
            for factor in scores.columns}


# -- the contract's numbers ----------------------------------------------------------------------------------------


def factor_scores(data: GminaData) -> dict[str, dict[str, float | None]]:
    """``{"factor": {"T0": 4.1, "T1": None}}``: scores per measurement, None under 3 respondents."""
    instrument = _instrument()
    result: dict[str, dict[str, float | None]] = {f.code: {} for f in instrument.factors}
    for measurement in survey_measurements(data):
        for factor, (score, _) in _aggregate(respondent_scores(data, measurement)).items():
            result[factor][measurement] = score
    return result


def _factor_names() -> dict[str, str]:
    return {f.code: f.name for f in _instrument().factors}


def _group_labels(data: GminaData, by: str) -> dict[str, str]:
    if by == "sektor":
        sectors = dictionary("sektory")
        return {code: sectors.label(code) for code in sectors.codes}
    return {pid: str(name) for pid, name in data.partner_names().items() if isinstance(name, str) and name}


def _breakdown(data: GminaData, measurement: str, by: str) -> tuple[pd.DataFrame, list[str]]:
    if by not in GROUPINGS:
        raise ValueError(f"Podział możliwy według: {', '.join(GROUPINGS)} (podano „{by}”).")
    minimum = min_respondents()
    names = _factor_names()
    answers = _answers(data, measurement)
    scores = respondent_scores(data, measurement)
    labels = _group_labels(data, by)
    groups = answers[by].where(answers[by].notna(), None)
    keys = groups.map(lambda g: labels.get(g, str(g)) if g is not None else NO_GROUP)
    shown: dict[str, dict[str, float | None]] = {}
    hidden_groups: list[str] = []
    hidden_cells: list[str] = []
    for label in sorted(set(keys), key=lambda s: (s.startswith("("), s.casefold())):
        members = scores[keys == label]
        if len(members) < minimum:
            hidden_groups.append(f"{measurement} · {by} {label}: {_too_few()}")
            continue
        column = {}
        for factor, (score, n) in _aggregate(members).items():
            column[factor] = score
            if score is None and n > 0:  # nobody answered: nothing withheld
                hidden_cells.append(f"{measurement} · {by} {label} · {names[factor]}: {_too_few()}")
        shown[label] = column
    columns = {label: [column[f] for f in names] for label, column in shown.items()}
    table = pd.DataFrame({"Czynnik": list(names.values()), **columns})
    return _as_nullable(table, list(shown)), hidden_groups + hidden_cells


def breakdown(data: GminaData, measurement: str, by: Literal["sektor", "partner"] = "sektor") -> Breakdown:
    """Factor scores (rows) per sector or partner (columns) in one measurement.

    A group with fewer than 3 respondents is not a column at all; a cell of a shown group resting on fewer than
    3 respondents is None. ``suppressed`` names what was withheld (never its values), groups first.
    """
    table, suppressed = _breakdown(data, measurement, by)
    return Breakdown(table, suppressed)


def item_distribution(data: GminaData, measurement: str) -> pd.DataFrame:
    """Per item: how many respondents chose 1…5, "nie wiem" or left it empty.

    Respondents are those counted in the measurement (at least one 1–5 answer). An item fewer than 3 of them
    answered 1–5 has all counts None (two answers would show what those two people said).
    """
    instrument = _instrument()
    minimum = min_respondents()
    answers = _answers(data, measurement)
    names = _factor_names()
    codes = [item.code for item in instrument.items]
    # one numpy pass over all items (a per-item pandas comparison was most of the summary's time)
    values = answers[codes].astype("Float64").to_numpy(dtype="float64", na_value=np.nan)
    tallies = {str(k): (values == k).sum(axis=0) for k in range(1, 6)}
    tallies[DONT_KNOW_COLUMN] = (values == 0).sum(axis=0)
    tallies[EMPTY_COLUMN] = np.isnan(values).sum(axis=0)
    rows = []
    for position, item in enumerate(instrument.items):
        counts = {column: int(tally[position]) for column, tally in tallies.items()}
        if sum(counts[str(k)] for k in range(1, 6)) < minimum:
            counts = dict.fromkeys(counts)
        rows.append({"Pytanie": item.code, "Treść": item.text, "Czynnik": names[item.factor],
                     "Odwrócone": "tak" if item.reverse else "", **counts})
    return _as_nullable(pd.DataFrame(rows), [*map(str, range(1, 6)), DONT_KNOW_COLUMN, EMPTY_COLUMN])


def _suppressed_items(data: GminaData, measurement: str) -> list[str]:
    """Items whose distribution was withheld although someone answered them (1–5 or "nie wiem")."""
    answers = _answers(data, measurement)
    table = item_distribution(data, measurement)
    withheld = table.loc[table["1"].isna(), "Pytanie"]
    return [f"{measurement} · pytanie {code}: mniej niż {min_respondents()} odpowiedzi"
            for code in withheld if answers[code].notna().any()]


def change(data: GminaData, before: str, after: str) -> pd.DataFrame:
    """Per factor: score before and after, the difference, and how many respondents each side rests on.

    A side under 3 respondents has no score, and the difference is shown only when both sides have one.
    """
    names = _factor_names()
    first = _aggregate(respondent_scores(data, before))
    second = _aggregate(respondent_scores(data, after))
    rows = []
    for factor, name in names.items():
        (a, n_a), (b, n_b) = first[factor], second[factor]
        rows.append({
            "Czynnik": name,
            before: a,
            after: b,
            "Zmiana": _round(b - a) if a is not None and b is not None else None,
            f"Respondenci {before}": n_a,
            f"Respondenci {after}": n_b,
        })
    return _as_nullable(pd.DataFrame(rows), [before, after, "Zmiana"])


def evaluation_summary(data: GminaData) -> dict:
    """The ``evaluation`` part of ``summary.json`` (CONTRACT §3).

    ``suppressed`` lists, per measurement in time order: the overall factor scores withheld, then the sector
    breakdown, the partner breakdown and the item distributions — each line names what was withheld, never a
    value.
    """
    names = _factor_names()
    respondents: dict[str, int] = {}
    suppressed: list[str] = []
    for measurement in survey_measurements(data):
        scores = respondent_scores(data, measurement)
        respondents[measurement] = len(scores)
        for factor, (score, n) in _aggregate(scores).items():
            if score is None and n > 0:  # nobody answered: nothing withheld
                suppressed.append(f"{measurement} · {names[factor]}: {_too_few()}")
        for by in GROUPINGS:
            suppressed.extend(_breakdown(data, measurement, by)[1])
        suppressed.extend(_suppressed_items(data, measurement))
    return {
        "respondents": respondents,
        "factors": factor_scores(data),
        "suppressed": list(dict.fromkeys(suppressed)),
    }


def factor_table(data: GminaData) -> pd.DataFrame:
    """Factors with their score in each measurement and the band of the latest one, headed in Polish."""
    measurements = survey_measurements(data)
    scores = factor_scores(data)
    rows = []
    for factor in _instrument().factors:
        row: dict[str, object] = {"Czynnik": factor.name}
        row.update({m: scores[factor.code].get(m) for m in measurements})
        row["Pasmo"] = band(scores[factor.code].get(measurements[-1])) if measurements else None
        rows.append(row)
    return _as_nullable(pd.DataFrame(rows), [*measurements, "Pasmo"])
