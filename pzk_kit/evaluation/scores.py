"""Scoring the PZK self-assessment survey (the ``ankieta`` sheet), exactly as CONTRACT §3 "Evaluation" defines it.

A factor's score is the mean over respondents of each respondent's mean over the factor's answered items. An
answered item is a 1–5 answer: "nie wiem" (0) and empty cells are left out; reverse-worded items are recoded
6 − x first, so a high score is always good. A respondent counts in a measurement when they answered (1–5) at
least one item.

Privacy (RODO): the survey is anonymous, so no score, breakdown cell or answer distribution resting on fewer than
``min_respondentow`` (3) respondents is ever shown (primary suppression), and no combination of the shown ones may
give such a result away by subtraction either (complementary suppression: see :func:`withheld_cells`, the one plan
every output reads). Withheld values are None, and a Polish line saying *what* was withheld and why (never its
value) goes to ``suppressed``. Groups of a breakdown (a sector, a partner) with nothing to show are left out of the
table entirely, not even as an empty column.
"""

from __future__ import annotations

import functools
from typing import Literal, NamedTuple

import numpy as np
import pandas as pd

from pzk_kit import glossary
from pzk_kit.evaluation.instrument import Instrument, load_instrument
from pzk_kit.style import band_thresholds
from pzk_kit.workbook.dictionaries import dictionary
from pzk_kit.workbook.reading import GminaData, measurement_order

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


def too_few_reason() -> str:
    """The reason given for a group or score withheld because it has fewer than 3 respondents."""
    return f"mniej niż {min_respondents()} respondentów"


_too_few = too_few_reason


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
    thresholds = band_thresholds()  # the same lines the charts draw
    if score >= thresholds.strong:
        return meta.get("pasmo_mocna", "mocna strona")
    if score >= thresholds.watch:
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


# -- anonymity: primary and complementary suppression -----------------------------------------------------------
#
# Every published number of a measurement is, for one factor, the mean of the respondent scores of one *cell*:
# the whole group, a sector or a partner (each with its "(nie podano)" group). Counts are treated as known to
# the reader (they are in the change table, and a room usually knows who came from where), so a mean is as good
# as the sum of its cell. Hiding the cells under 3 (primary suppression) is not enough: whole group − the shown
# sectors is the hidden sector's sum, and sector − its shown partners is the hidden partner's sum. The plan below
# therefore also hides, per factor, as few and as small extra cells as needed (complementary suppression) until
# no combination of the published sums isolates fewer than 3 respondents.
#
# The respondents are split into *atoms*: the respondents with the same sector and the same partner. Every cell
# is a union of atoms, so a published cell is a 0/1 row over the atoms, and a reader can compute exactly the
# linear combinations of those rows. A set of atoms holding fewer than 3 respondents is disclosed when some
# combination of the published rows is non-zero on it and zero elsewhere, i.e. when the rows of the null-space
# basis of the published matrix for those atoms are linearly dependent. Which cells are hidden depends on the
# counts only, never on the answers.

SUBTRACTION = "ukryte dodatkowo, aby wyniku grupy mniejszej niż {n} osoby nie dało się odtworzyć przez odejmowanie"
TOTAL = ("", "")  # the whole group's cell


def _subtraction() -> str:
    return SUBTRACTION.format(n=min_respondents())


def _disclosed(sizes: tuple[int, ...], rows: list[frozenset[int]], minimum: int, exhaustive: bool = False) -> int:
    """How many sets of atoms with fewer than ``minimum`` respondents the published ``rows`` isolate."""
    small = [a for a, size in enumerate(sizes) if size < minimum]
    if not small or not rows:
        return 0
    matrix = np.zeros((len(rows), len(sizes)))
    for k, row in enumerate(rows):
        matrix[k, list(row)] = 1.0
    _, singular, vt = np.linalg.svd(matrix)
    rank = int((singular > 1e-9).sum())
    null = vt[rank:].T  # atoms × dimensions of the null space: v is computable ⇔ null.T @ v == 0
    if minimum <= 3 and not exhaustive:  # sets under 3: one atom of 1 or 2, or two atoms of 1 — at once, in numpy
        gram = null[small] @ null[small].T
        norms = np.diag(gram)
        alone = norms < 1e-12
        ones = np.array([sizes[a] == 1 for a in small]) & ~alone
        # two atoms are isolated together when their null-space rows are parallel (Cauchy–Schwarz equality)
        parallel = gram ** 2 >= np.outer(norms, norms) * (1 - 1e-9)
        pairs = np.triu(parallel & np.outer(ones, ones), k=1) if minimum == 3 else np.zeros(1, dtype=bool)
        return int(alone.sum() + pairs.sum())
    found = 0

    def isolated(group: tuple[int, ...]) -> bool:
        block = null[list(group)]
        return not block.size or np.linalg.matrix_rank(block, tol=1e-9) < len(group)

    def extend(group: tuple[int, ...], total: int, start: int) -> None:
        nonlocal found
        for position in range(start, len(small)):
            atom = small[position]
            if total + sizes[atom] >= minimum:
                continue
            bigger = (*group, atom)
            if isolated(bigger):
                found += 1  # a smaller set inside already counts; a superset of it is isolated trivially
            else:
                extend(bigger, total + sizes[atom], position + 1)

    extend((), 0, 0)
    return found


@functools.lru_cache(maxsize=4096)
def _withheld(sizes: tuple[int, ...], cells: tuple[frozenset[int], ...], minimum: int) -> tuple[tuple[int, str], ...]:
    """Cells to hide (index, "primary" or "secondary"); cell 0 is the whole group and is hidden only last."""
    counts = [sum(sizes[a] for a in cell) for cell in cells]
    hidden = {k: "primary" for k, n in enumerate(counts) if 0 < n < minimum}

    def shown(without: int | None = None) -> list[int]:
        return [k for k, n in enumerate(counts) if n and k not in hidden and k != without]

    left = _disclosed(sizes, [cells[k] for k in shown()], minimum)
    while left:
        # the smallest shown group whose hiding helps ("hide the next-smallest group"), else the smallest shown
        # group; the whole group only when nothing else is left (it is the most useful number)
        order = sorted(shown(), key=lambda k: (k == 0, counts[k], k))
        order = [k for k in order if k != 0] or order
        chosen, remaining = order[0], None
        for k in order:
            after = _disclosed(sizes, [cells[j] for j in shown(k)], minimum)
            if after < left:
                chosen, remaining = k, after
                break
        hidden[chosen] = "secondary"
        left = remaining if remaining is not None else _disclosed(sizes, [cells[k] for k in shown()], minimum)
    return tuple(sorted(hidden.items()))


def _group_keys(data: GminaData, answers: pd.DataFrame, by: str) -> pd.Series:
    """Each respondent's group label in a breakdown (NO_GROUP when not given); equal labels are one group."""
    labels = _group_labels(data, by)
    groups = answers[by].where(answers[by].notna(), None)
    return groups.map(lambda g: labels.get(g, str(g)) if g is not None else NO_GROUP).astype(object)


def _plan(data: GminaData, measurement: str) -> pd.DataFrame:
    return _memo(data, ("plan", measurement), lambda: _compute_plan(data, measurement))


def _compute_plan(data: GminaData, measurement: str) -> pd.DataFrame:
    """Every withheld cell of the measurement: one row per (factor, grouping, group) with its count and reason.

    The whole group has grouping and group "". Cells nobody answered are not rows (nothing is withheld there).
    """
    minimum = min_respondents()
    answers = _answers(data, measurement)
    scores = respondent_scores(data, measurement)
    keys = {by: _group_keys(data, answers, by) for by in GROUPINGS}
    rows = []
    for factor in scores.columns:
        answered = scores[factor].notna()
        if not answered.any():
            continue
        atoms_of = pd.DataFrame({by: keys[by][answered] for by in GROUPINGS})
        atoms = atoms_of.value_counts(sort=False)
        names = list(atoms.index)
        cells: list[tuple[str, str]] = [TOTAL]
        members: list[frozenset[int]] = [frozenset(range(len(names)))]
        for position, by in enumerate(GROUPINGS):
            for label in sorted({atom[position] for atom in names}):
                cells.append((by, label))
                members.append(frozenset(a for a, atom in enumerate(names) if atom[position] == label))
        sizes = tuple(int(n) for n in atoms.to_numpy())
        for k, reason in _withheld(sizes, tuple(members), minimum):
            rows.append({"factor": factor, "by": cells[k][0], "group": cells[k][1], "reason": reason,
                         "n": sum(sizes[a] for a in members[k])})
    return pd.DataFrame(rows, columns=["factor", "by", "group", "reason", "n"])


def withheld_cells(data: GminaData, measurement: str, by: str = "") -> dict[tuple[str, str], str]:
    """``{(factor code, group): reason}`` of one grouping ("" = the whole group, group "") in a measurement.

    The reason is "primary" (the cell has fewer than 3 respondents) or "secondary" (hidden so that a smaller
    cell cannot be recovered by subtraction). Every output asks here, so they all hide the same cells.
    """
    plan = _plan(data, measurement)
    plan = plan[plan["by"] == by]
    return {(f, g): r for f, g, r in zip(plan["factor"], plan["group"], plan["reason"], strict=True)}


# -- the contract's numbers ----------------------------------------------------------------------------------------


def factor_scores(data: GminaData) -> dict[str, dict[str, float | None]]:
    """``{"factor": {"T0": 4.1, "T1": None}}``: scores per measurement, None under 3 respondents."""
    instrument = _instrument()
    result: dict[str, dict[str, float | None]] = {f.code: {} for f in instrument.factors}
    for measurement in survey_measurements(data):
        for factor, (score, _) in _totals(data, measurement).items():
            result[factor][measurement] = score
    return result


def _totals(data: GminaData, measurement: str) -> dict[str, tuple[float | None, int]]:
    """Per factor: (the whole group's score, or None when withheld, and how many respondents it rests on)."""
    withheld = withheld_cells(data, measurement)
    return {factor: (None if (factor, "") in withheld else score, n)
            for factor, (score, n) in _aggregate(respondent_scores(data, measurement)).items()}


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
    names = _factor_names()
    scores = respondent_scores(data, measurement)
    keys = _group_keys(data, _answers(data, measurement), by)
    withheld = withheld_cells(data, measurement, by)
    reasons = {"primary": _too_few(), "secondary": _subtraction()}
    shown: dict[str, dict[str, float | None]] = {}
    hidden_groups: list[str] = []
    hidden_cells: list[str] = []
    left_out = hidden_groups_of(data, measurement, by)
    for label, reason in left_out.items():
        hidden_groups.append(f"{measurement} · {by} {label}: {reason}")
    for label in _ordered(set(keys)):
        if label in left_out:
            continue
        column = {}
        for factor, (score, _) in _aggregate(scores[keys == label]).items():
            reason = withheld.get((factor, label))
            column[factor] = None if reason else score
            if reason:
                hidden_cells.append(f"{measurement} · {by} {label} · {names[factor]}: {reasons[reason]}")
        shown[label] = column
    columns = {label: [column[f] for f in names] for label, column in shown.items()}
    table = pd.DataFrame({"Czynnik": list(names.values()), **columns})
    return _as_nullable(table, list(shown)), hidden_groups + hidden_cells


def _ordered(labels: set[str]) -> list[str]:
    return sorted(labels, key=lambda s: (s.startswith("("), s.casefold()))


def hidden_groups_of(data: GminaData, measurement: str, by: str) -> dict[str, str]:
    """Groups of a breakdown that are not a column at all, with the Polish reason, in table order.

    A group is left out when it has fewer than 3 respondents, or when every one of its scores is withheld
    (some for having fewer than 3 answers, the rest so that a smaller group cannot be recovered by subtraction).
    """
    minimum = min_respondents()
    keys = _group_keys(data, _answers(data, measurement), by)
    answered = respondent_scores(data, measurement).notna().groupby(keys.to_numpy()).any()  # group × factor
    sizes = keys.value_counts()
    withheld = withheld_cells(data, measurement, by)
    hidden = {}
    for label in _ordered(set(keys)):
        if sizes[label] < minimum:
            hidden[label] = _too_few()
            continue
        reasons = [withheld.get((factor, label)) for factor in answered.columns if answered.at[label, factor]]
        if reasons and all(reasons):
            hidden[label] = _subtraction() if "secondary" in reasons else _too_few()
    return hidden


def breakdown(data: GminaData, measurement: str, by: Literal["sektor", "partner"] = "sektor") -> Breakdown:
    """Factor scores (rows) per sector or partner (columns) in one measurement.

    A group with fewer than 3 respondents is not a column at all; a cell of a shown group resting on fewer than
    3 respondents is None. ``suppressed`` names what was withheld (never its values), groups first.
    """
    table, suppressed = _breakdown(data, measurement, by)
    glossary.with_formats(table, {column: "factor_score" for column in table.columns if column != "Czynnik"})
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
    withheld = withheld_cells(data, measurement)  # a factor whose whole-group score is hidden hides its items
    rows = []
    for position, item in enumerate(instrument.items):
        counts = {column: int(tally[position]) for column, tally in tallies.items()}
        if sum(counts[str(k)] for k in range(1, 6)) < minimum or (item.factor, "") in withheld:
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
    first, second = _totals(data, before), _totals(data, after)
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
    table = _as_nullable(pd.DataFrame(rows), [before, after, "Zmiana"])
    return glossary.with_formats(table, {before: "factor_score", after: "factor_score"},
                                 changes={"Zmiana": "score_change"})


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
        reasons = {"primary": _too_few(), "secondary": _subtraction()}
        for (factor, _), reason in withheld_cells(data, measurement).items():
            suppressed.append(f"{measurement} · {names[factor]}: {reasons[reason]}")
        for by in GROUPINGS:
            suppressed.extend(_breakdown(data, measurement, by)[1])
        suppressed.extend(_suppressed_items(data, measurement))
    return {
        "respondents": respondents,
        "factors": factor_scores(data),
        "suppressed": list(dict.fromkeys(suppressed)),
    }


def respondents_line(summary: dict, *, markup: str = "markdown") -> str:
    """"Wypełnione ankiety samooceny: T0: 21, T1: 22": the count per measurement under the glossary's name."""
    counts = ", ".join(f"{m}: {n}" for m, n in summary["respondents"].items()) or "brak"
    return glossary.line({"respondents": counts}, markup=markup)


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
    table = _as_nullable(pd.DataFrame(rows), [*measurements, "Pasmo"])
    return glossary.with_formats(table, dict.fromkeys(measurements, "factor_score"))
