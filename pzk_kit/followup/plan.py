"""The action plan (sheet ``dzialania``): what the PZK planned after a measurement, what it did, and whether the
figure each action was meant to move did move by the next measurement.

Closing the loop is the point of a second measurement: a council asks not only "how is the partnership doing"
but "did what you promised happen, and did it help". Every figure here is the one the rest of the kit shows: the
network's from :func:`pzk_kit.network.network_summary` of each measurement, the survey's from
:func:`pzk_kit.evaluation.factor_scores` and :func:`pzk_kit.evaluation.item_distribution` (so the < 3 respondents
rule hides what it hides everywhere), each read through the :class:`~pzk_kit.evaluation.analysis.Analysis` the
report shares, so a network is built once. Figures with no history cannot say whether they moved: the basket and
the partner list are one current state without a measurement, so they stay null rather than a false "no change".

"Today" for deadlines is :func:`pzk_kit.workbook.service_records.reference_day` (``PZK_DZIS`` pins it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Any

import pandas as pd

from pzk_kit import evaluation, glossary, network, polish, texts
from pzk_kit.evaluation.analysis import Analysis
from pzk_kit.evaluation.instrument import load_instrument
from pzk_kit.measurement import as_of, collected
from pzk_kit.network.response import glossary_code
from pzk_kit.resources import read_table
from pzk_kit.workbook.dictionaries import dictionary
from pzk_kit.workbook.reading import DEFAULT_MEASUREMENT, GminaData, measurement_order
from pzk_kit.workbook.schema import load_schema
from pzk_kit.workbook.service_records import reference_day

SHEET = "dzialania"
PLANNED, IN_PROGRESS, DONE = "planowane", "w_trakcie", "zrealizowane"
OPEN = (PLANNED, IN_PROGRESS)
BETTER, WORSE, SAME = "better", "worse", "same"
EMPTY_PLAN: dict[str, Any] = {"actions": 0, "by_status": {}, "done_share": None, "overdue": [], "targets": []}
# Rules about the plan itself: copying them into the plan would make an action "make a plan".
PLAN_RULES = ("plan_po_terminie", "brak_planu")

# Network figures that belong to one measurement (the map of that measurement). The partner list (members,
# sectors, declarations) has no measurement: its T0 value is not known, so those figures have no history.
NETWORK_HISTORY = ("ties", "density", "components", "isolates", "reciprocity", "degree_centralization",
                   "leader_reach", "mean_level", "partners_answered", "non_respondents", "response_rate",
                   "reciprocity_answered")
SURVEY_HISTORY = ("respondents", "strong_factors", "weak_factors")
COLUMNS = ["Działanie", "Kto", "Termin", "Odpowiada na", "Wskaźnik", "Stan", "Po terminie", "Wskaźnik przed/po",
           "Zmiana"]


@cache
def plan_texts() -> dict[str, str]:
    """The plan's words in tables and the report (``data/raport/plan.csv``)."""
    return texts.load("raport", file="plan.csv")


def _t(key: str, **values: object) -> str:
    return texts.fill(plan_texts()[key], **values)


# -- figures at one measurement ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    """Whether one action's figure moved between the action's measurement and the run's."""

    action: str
    figure: str
    before_measurement: str
    after_measurement: str
    before: float | None
    after: float | None
    result: str | None
    note: str  # Polish: why there is no result (empty when there is one)

    def as_summary(self) -> dict[str, Any]:
        return {"action": self.action, "figure": self.figure, "from": self.before_measurement,
                "to": self.after_measurement, "before": self.before, "after": self.after, "result": self.result}


def _factor_codes() -> set[str]:
    instrument = load_instrument()
    return {f.code for f in instrument.factors} if instrument else set()


def _items() -> dict[str, bool]:
    """Survey item code → whether it is worded negatively (a lower answer is then the better one)."""
    instrument = load_instrument()
    return {i.code: i.reverse for i in instrument.items} if instrument else {}


def figure_label(code: object) -> str:
    """The Polish name of a target figure: the glossary's, the factor's, or ``q05`` with the item's words."""
    if not isinstance(code, str) or not code:
        return ""
    if code in glossary.figures():
        return glossary.label(code)
    if code in _items():
        text = next(i.text for i in load_instrument().items if i.code == code)
        return f"{code}: {text}"
    return dictionary("wskazniki").label(code)


def figure_direction(code: str) -> int:
    """1 when a higher value is better, -1 when lower is better, 0 when neither (glossary column ``kierunek``)."""
    if code in _factor_codes():
        return 1
    items = _items()
    if code in items:
        return -1 if items[code] else 1
    return glossary.direction(code)


def format_value(code: str, value: float | None) -> str:
    if value is None:
        return glossary.DASH
    return glossary.fmt(code if code in glossary.figures() else "factor_score", value)


def format_change(code: str, delta: float) -> str:
    return glossary.change(code if code in glossary.figures() else "factor_score", delta)


class _Values:
    """Figure values per measurement, each computed once (one network summary per measurement)."""

    def __init__(self, facts: Analysis) -> None:
        self.facts = facts
        self.network_found = set(collected(facts.data.cooperation)) if facts.has_ties else set()
        self.survey_found = set(facts.survey_found) if facts.data.has("ankieta") else set()
        self._summaries: dict[str, dict] = {}
        self._items: dict[str, pd.DataFrame] = {}

    def value(self, code: str, measurement: str) -> tuple[float | None, str]:
        """The figure's value in ``measurement`` and, when there is none, the Polish reason."""
        if code in NETWORK_HISTORY:
            if measurement not in self.network_found:
                return None, _t("powod_brak_mapy", pomiar=measurement)
            value = self._network(measurement)[_summary_key(code)]
            value = len(value) if isinstance(value, list) else value
            return (None, _t("powod_ukryte")) if value is None else (float(value), "")
        survey = code in SURVEY_HISTORY or code in _factor_codes() or code in _items()
        if not survey:
            return None, _t("powod_bez_historii")
        if measurement not in self.survey_found:
            return None, _t("powod_brak_ankiety", pomiar=measurement)
        value = self._survey(code, measurement)
        return (None, _t("powod_ukryte")) if value is None else (float(value), "")

    def _network(self, measurement: str) -> dict:
        if measurement not in self._summaries:
            facts = self.facts
            self._summaries[measurement] = network.network_summary(facts.data, measurement,
                                                                   facts.network_of(measurement))
        return self._summaries[measurement]

    def _survey(self, code: str, measurement: str) -> float | None:
        facts = self.facts
        if code == "respondents":
            return len(evaluation.respondent_scores(facts.data, measurement))
        if code in ("strong_factors", "weak_factors"):
            scores = [by.get(measurement) for by in facts.scores.values()]
            if any(score is None for score in scores):  # a hidden factor is in no band: the count would lie
                return None
            band = glossary.bands()["mocna" if code == "strong_factors" else "uwaga"]
            return sum(1 for score in scores if evaluation.band(score) == band)
        if code in _factor_codes():
            return facts.scores.get(code, {}).get(measurement)
        return self._item_mean(code, measurement)

    def _item_mean(self, code: str, measurement: str) -> float | None:
        """Mean of the 1–5 answers to one item; None where the item's distribution is withheld (< 3 answers)."""
        if measurement not in self._items:
            self._items[measurement] = evaluation.item_distribution(self.facts.data, measurement)
        table = self._items[measurement]
        row = table[table["Pytanie"] == code]
        if row.empty or row["1"].iloc[0] is None:
            return None
        counts = {k: int(row[str(k)].iloc[0]) for k in range(1, 6)}
        answered = sum(counts.values())
        return round(sum(k * n for k, n in counts.items()) / answered, 2) if answered else None


def _summary_key(code: str) -> str:
    """The network summary's key of a glossary figure (``partners_answered`` is the summary's ``respondents``)."""
    return next((key for key in ("respondents",) if glossary_code(key) == code), code)


def _result(code: str, before: float | None, after: float | None) -> str | None:
    if before is None or after is None:
        return None
    delta = round(after - before, 6)
    if not delta:
        return SAME
    direction = figure_direction(code)
    if not direction:
        return None
    return BETTER if delta * direction > 0 else WORSE


# -- the plan as of the run ---------------------------------------------------------------------------------------


def _facts(data: GminaData | Analysis, measurement: str | None) -> Analysis:
    return Analysis.of(data, measurement)


def run_actions(facts: Analysis) -> pd.DataFrame:
    """The actions the run knows: planned after its measurement or before (:func:`pzk_kit.measurement.as_of`)."""
    data = facts.data
    if not data.has(SHEET):
        return data.actions.iloc[0:0]
    actions = as_of(data, facts.chosen.run).actions.copy()
    actions["status"] = actions["status"].where(actions["status"].notna(), PLANNED)
    actions["pomiar"] = actions["pomiar"].where(actions["pomiar"].notna(), DEFAULT_MEASUREMENT)
    return actions


def is_overdue(status: object, deadline: object, today=None) -> bool:
    """Not done nor put off, and its deadline has passed (the deadline day itself is still on time)."""
    if status not in OPEN or deadline is None or pd.isna(deadline):
        return False
    return pd.Timestamp(deadline).date() < reference_day(today)


def targets(facts: Analysis, actions: pd.DataFrame | None = None) -> list[Target]:
    """Per action with a target figure: its value after the action's measurement and at the run's."""
    actions = run_actions(facts) if actions is None else actions
    values = _Values(facts)
    run = facts.chosen.run
    found = []
    for action in actions.itertuples(index=False):
        code = action.miara
        if not isinstance(code, str) or not code:
            continue
        start = action.pomiar
        before, note = values.value(code, start)
        if measurement_order(start) >= measurement_order(run):
            after, result, note = None, None, _t("powod_za_wczesnie", pomiar=start)
        else:
            after, after_note = values.value(code, run)
            result = _result(code, before, after)
            note = note or after_note or ("" if result else _t("powod_bez_kierunku"))
        found.append(Target(str(action.id), code, start, run, _rounded(before), _rounded(after), result, note))
    return found


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(float(value), 4)


def plan_summary(data: GminaData | Analysis, measurement: str | None = None) -> dict[str, Any]:
    """The ``plan`` key of ``summary.json``: actions of the run, by status, the done share, the overdue ones and
    whether each action's target figure moved (``better`` / ``worse`` / ``same``; null when it cannot be said)."""
    facts = _facts(data, measurement)
    actions = run_actions(facts)
    if actions.empty:
        return {**EMPTY_PLAN, "by_status": {}, "overdue": [], "targets": []}
    statuses = actions["status"].tolist()
    done = statuses.count(DONE)
    return {
        "actions": len(actions),
        "by_status": {code: statuses.count(code) for code in dictionary("statusy_dzialan").codes},
        "done_share": round(done / len(actions), 4),
        "overdue": [str(a.id) for a in actions.itertuples(index=False) if is_overdue(a.status, a.termin)],
        "targets": [t.as_summary() for t in targets(facts, actions)],
    }


def _clean_title(template: str) -> str:
    """A rule's title without its placeholders, for a plan row that answers it whether or not it fires now:
    ``Zaproście do PZK brakujące sektory: {sektory}`` → ``Zaproście do PZK brakujące sektory``."""
    text = template
    if text.startswith("{"):
        text = re.sub(r"^\{\w+\}\s*[—–-]?\s*", "", text)
        text = text[:1].upper() + text[1:]
    cut = re.search(r"\{\w+\}", text)
    if cut:
        text = text[:cut.start()]
    return text.rstrip(" :—–-(„,").strip()


@cache
def rule_titles() -> dict[str, str]:
    return {row["kod"]: _clean_title(row["tytul"]) for row in read_table("rekomendacje.csv")}


@cache
def rule_figures() -> dict[str, str]:
    """The figure each rule suggests an action should move (column ``miara`` of ``rekomendacje.csv``)."""
    return {row["kod"]: row.get("miara", "") for row in read_table("rekomendacje.csv")}


def answers_text(code: object) -> str:
    """``Włączcie do współpracy instytucje bez żadnego powiązania (izolowani)``: the rule's title and code."""
    if not isinstance(code, str) or not code:
        return ""
    title = rule_titles().get(code)
    return f"{title} ({code})" if title else code


def _people(data: GminaData, ids: object) -> str:
    names = data.partner_names()
    chosen = ids if isinstance(ids, tuple) else ()
    return ", ".join(str(names.get(pid) or pid) for pid in chosen)


def result_text(target: Target) -> str:
    """``lepiej (▼ −1)`` / ``gorzej (…)`` / ``bez zmian``, or why it cannot be said."""
    if target.result is None:
        return target.note
    if target.result == SAME:
        return _t("wynik_same")
    return f"{_t('wynik_' + target.result)} ({format_change(target.figure, target.after - target.before)})"


def before_after_text(target: Target) -> str:
    if target.before is None and target.after is None:
        return glossary.DASH
    before = f"{target.before_measurement}: {format_value(target.figure, target.before)}"
    if target.before_measurement == target.after_measurement:
        return before
    return f"{before} → {target.after_measurement}: {format_value(target.figure, target.after)}"


def plan_progress(data: GminaData | Analysis, measurement: str | None = None) -> pd.DataFrame:
    """Planned against done at the run's measurement, one row per action, with Polish column labels."""
    facts = _facts(data, measurement)
    actions = run_actions(facts)
    found = {t.action: t for t in targets(facts, actions)}
    statuses = dictionary("statusy_dzialan")
    rows = []
    for action in actions.itertuples(index=False):
        target = found.get(str(action.id))
        deadline = action.termin
        rows.append({
            "Działanie": f"{action.id}: {action.dzialanie}" if isinstance(action.dzialanie, str) else str(action.id),
            "Kto": _people(facts.data, action.kto),
            "Termin": "" if pd.isna(deadline) else polish.date(pd.Timestamp(deadline).date()),
            "Odpowiada na": answers_text(action.rekomendacja),
            "Wskaźnik": figure_label(action.miara),
            "Stan": statuses.label(action.status),
            "Po terminie": _t("tak") if is_overdue(action.status, deadline) else "",
            "Wskaźnik przed/po": before_after_text(target) if target else "",
            "Zmiana": result_text(target) if target else "",
        })
    return pd.DataFrame(rows, columns=COLUMNS)


# -- rows for the sheet from the recommendations -----------------------------------------------------------------


def next_ids(existing: list[object], count: int) -> list[str]:
    """``D{n}`` ids continuing the plan's numbering, never one already used (compared as the reader does)."""
    taken = {str(v).strip().casefold() for v in existing if isinstance(v, str)}
    numbers = [int(m[1]) for v in existing if isinstance(v, str) and (m := re.fullmatch(r"[Dd](\d+)", v.strip()))]
    n = max(numbers, default=0)
    found = []
    while len(found) < count:
        n += 1
        if f"d{n}" not in taken:
            found.append(f"D{n}")
    return found


def plan_rows_from_recommendations(data_or_analysis: GminaData | Analysis, codes: list[str] | None = None,
                                   measurement: str | None = None) -> list[dict[str, Any]]:
    """Rows for the ``dzialania`` sheet, one per fired recommendation (or the ``codes`` chosen), as a user types
    them: keyed by the sheet's column names, dictionary labels, ``pomiar`` the run's measurement. The leader
    leads, the action is the recommendation's title, its target the rule's suggested figure. A recommendation
    the plan already answers after the same measurement is skipped, so copying twice adds nothing."""
    facts = _facts(data_or_analysis, measurement)
    data, run = facts.data, facts.chosen.run
    found = [r for r in facts.recommendations if (r.code in codes if codes is not None else r.code not in PLAN_RULES)]
    actions = data.actions if data.has(SHEET) else data.actions.iloc[0:0]
    planned = {code for code, when in zip(actions["rekomendacja"], actions["pomiar"], strict=True)
               if (when if isinstance(when, str) else DEFAULT_MEASUREMENT) == run}
    found = [r for r in dict((r.code, r) for r in found).values() if r.code not in planned]
    ids = next_ids(actions["id"].tolist(), len(found))
    columns = [c.name for c in load_schema()[SHEET].columns]
    recommendations_dict, figures_dict = dictionary("rekomendacje"), dictionary("wskazniki")
    rows = []
    for new_id, rec in zip(ids, found, strict=True):
        figure = rule_figures().get(rec.code, "")
        row = dict.fromkeys(columns)
        row.update({
            "id": new_id, "dzialanie": rec.title, "kto": "; ".join(data.leaders) or None,
            "rekomendacja": recommendations_dict.label(rec.code),
            "miara": figures_dict.label(figure) if figure and figures_dict.entry(figure) else None,
            "status": dictionary("statusy_dzialan").label(PLANNED), "pomiar": run,
        })
        rows.append(row)
    return rows


def rows_as_lists(rows: list[dict[str, Any]]) -> list[list[Any]]:
    """The rows in the sheet's column order, as :func:`pzk_kit.workbook.templates.write_filled_workbook` takes."""
    columns = [c.name for c in load_schema()[SHEET].columns]
    return [[row.get(c) for c in columns] for row in rows]


def proposals_table(rows: list[dict[str, Any]]) -> pd.DataFrame:
    """Proposed rows with Polish labels for the notebook and the app."""
    return pd.DataFrame([{"Nr": r["id"], "Działanie": r["dzialanie"], "Kto": r["kto"] or "",
                          "Odpowiada na": r["rekomendacja"], "Wskaźnik": r["miara"] or "", "Stan": r["status"],
                          "Po pomiarze": r["pomiar"]} for r in rows],
                        columns=["Nr", "Działanie", "Kto", "Odpowiada na", "Wskaźnik", "Stan", "Po pomiarze"])


def write_proposals(path: object, rows: list[dict[str, Any]], *, enabled: bool = True) -> str:
    """Add the proposed rows to the ``dzialania`` sheet of the gmina's own workbook; the Polish sentence saying
    what happened. Notebook 03 calls it only when asked (``dopisz_do_planu``): the file is the user's, so the
    write is atomic and checked by reading it back (:func:`pzk_kit.workbook.append.append_rows`), a workbook open
    in Excel is refused, and the bundled example is never written to."""
    from pzk_kit.errors import PzkError
    from pzk_kit.workbook.append import append_rows

    if not enabled:
        return _t("dopisz_wylaczone")
    if not path:
        return _t("dopisz_przyklad")
    if not rows:
        return _t("dopisz_nic")
    try:
        result = append_rows(path, "dzialania", rows)
    except PzkError as error:
        return str(error)
    numbers = ", ".join(str(n) for n in result.rows)
    return _t("dopisano", wiersze=polish.count(len(result.rows), "wiersz", "wiersze", "wierszy"),
              plik=result.path.name, numery=numbers)
