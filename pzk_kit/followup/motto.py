"""The model's motto measured: "kooperacyjnie znaczy szybciej, skuteczniej, łatwiej, czasem także taniej".

Each word of the promise is read from the task-team and IPUS register (:mod:`pzk_kit.followup.cases`), first
measurement with cases against the run's one:

* szybciej — the median days from report to first service (fewer is better);
* łatwiej — the share of used services needing a referral or a decision (lower is better);
* skuteczniej — the share of cases served, services and partners per case (higher is better);
* taniej — the share of used services that are paid or partly paid (lower is better).

A word rests on the cases of both measurements; when either side has fewer than 3, the word is hidden
("ukryte: mniej niż 3 sprawy"), never computed from one or two families. The sentences come from
``data/zespoly/teksty.csv``; the evidence names counts and definitions, never a case code.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from pzk_kit import glossary, polish
from pzk_kit.followup.cases import MIN_CASES, CaseTally, cases_count, run_tallies, t
from pzk_kit.workbook.reading import GminaData

# (key, figures with the headline first, direction: -1 lower is better, 1 higher is better)
WORDS: tuple[tuple[str, tuple[str, ...], int], ...] = (
    ("szybciej", ("days_to_first_service",), -1),
    ("latwiej", ("formal_access_share",), -1),
    ("skuteczniej", ("served_share", "services_per_case", "partners_per_case"), 1),
    ("taniej", ("paid_share",), -1),
)
BETTER, WORSE, SAME, MIXED, SINGLE, HIDDEN = "lepiej", "gorzej", "bez_zmian", "czesciowo", "jeden", "ukryte"


@dataclass
class MottoFigure:
    """One figure behind a word of the motto, both sides and whether it moved the right way."""

    code: str
    before: float | None
    after: float | None
    hidden: bool
    better: bool | None = None  # None: no comparison or no change

    @property
    def label(self) -> str:
        return glossary.label(self.code)

    def change(self) -> str:
        if self.before is None or self.after is None:
            return glossary.DASH
        return glossary.change(self.code, round(self.after - self.before, 6))


@dataclass
class MottoRow:
    """One word of the motto: its figures, the verdict sentence and the evidence behind it."""

    key: str
    word: str
    question: str
    before: str | None  # the first measurement with cases (None: only one measurement)
    after: str  # the run's measurement (the last with cases up to it)
    figures: list[MottoFigure]
    outcome: str  # lepiej / gorzej / bez_zmian / czesciowo / jeden / ukryte
    verdict: str
    evidence: list[str] = field(default_factory=list)
    definitions: list[str] = field(default_factory=list)

    @property
    def hidden(self) -> bool:
        return self.outcome == HIDDEN

    @property
    def headline(self) -> MottoFigure:
        return self.figures[0]

    def value_text(self, side: str) -> str:
        figure = self.headline
        if self.hidden:
            return t("ukryte_krotko")
        return glossary.fmt(figure.code, figure.before if side == "before" else figure.after)


def motto(data: GminaData, measurement: str | None = None) -> list[MottoRow]:
    """The four words of the motto for the run of ``data`` (``measurement`` None: the latest); [] when the
    register holds no case up to the run's measurement."""
    tallies = run_tallies(data, measurement)
    if not tallies:
        return []
    first, last = tallies[0], tallies[-1]
    before = first if len(tallies) > 1 else None
    return [_row(key, codes, direction, before, last) for key, codes, direction in WORDS]


def _row(key: str, codes: tuple[str, ...], direction: int, before: CaseTally | None, after: CaseTally) -> MottoRow:
    sides = [after] if before is None else [before, after]
    hidden = any(side.base(codes[0]) < MIN_CASES for side in sides)
    figures = []
    for code in codes:
        a = before.shown(code) if before is not None else None
        b = after.shown(code)
        figure = MottoFigure(code, a, b, hidden=any(side.base(code) < MIN_CASES for side in sides))
        if a is not None and b is not None and round(b - a, 6):
            figure.better = (b - a) * direction > 0
        figures.append(figure)
    row = MottoRow(key, t(f"{key}_slowo"), t(f"{key}_pytanie"), before.measurement if before else None,
                   after.measurement, figures, HIDDEN if hidden else SINGLE, "")
    row.definitions = [f"{glossary.label(code)} — {glossary.definition(code)}" for code in codes]
    if hidden:  # only the case counts: the parts of a hidden figure would give it away
        low = [side for side in sides if side.base(codes[0]) < MIN_CASES]
        row.verdict = t("ukryte_werdykt")
        row.evidence = [t("ukryte_dowod", pomiary=", ".join(
            f"{side.measurement} — {cases_count(side.base(codes[0]))}" for side in low))]
        return row
    row.evidence = [_evidence(key, side) for side in sides]
    shown = [f for f in figures if not f.hidden]
    if before is not None:
        moved = [f.better for f in shown if f.better is not None]
        row.outcome = (SAME if not moved else BETTER if all(moved) else WORSE if not any(moved) else MIXED)
    numbers = _case_numbers(key, codes[0], before, after)
    if key == "skuteczniej":
        parts = [_part(f, row.outcome) for f in shown]
        row.verdict = t(f"skuteczniej_{row.outcome}", czesci="; ".join(parts), sprawy=numbers)
    else:
        figure = figures[0]
        after_text = days_after(figure.after) if key == "szybciej" and figure.after is not None \
            else _value(key, figure.after)
        row.verdict = t(f"{key}_{row.outcome}", po=after_text, przed=_value(key, figure.before),
                        pomiar_przed=row.before or "", sprawy=numbers)
    for figure in figures:
        if figure.hidden and figure is not figures[0]:
            row.evidence.append(t("ukryte_miara", miara=figure.label))
    return row


def _value(key: str, value: float | None) -> str:
    """``6 dniach`` after "po", a bare number after "zamiast"; shares and means in the glossary's form."""
    if value is None:
        return glossary.DASH
    if key == "szybciej":
        return polish.trimmed(value, 1)
    return glossary.fmt({"latwiej": "formal_access_share", "taniej": "paid_share"}[key], value)


def _case_numbers(key: str, code: str, before: CaseTally | None, after: CaseTally) -> str:
    """``T1: 6 spraw, T0: 5 spraw``: the cases the headline rests on, each with its measurement, the run's first
    (a bare "6 i 5 spraw" left the reader to guess which number belongs to which side)."""
    sides = [after] + ([before] if before is not None else [])
    return ", ".join(f"{side.measurement}: {cases_count(side.base(code))}" for side in sides)


def _part(figure: MottoFigure, outcome: str) -> str:
    after = glossary.fmt(figure.code, figure.after)
    if outcome == SINGLE or figure.before is None:
        return t(f"czesc_{figure.code}_jeden", po=after)
    return t(f"czesc_{figure.code}", po=after, przed=glossary.fmt(figure.code, figure.before))


def days_after(value: float) -> str:
    """``po 1 dniu``, ``po 6 dniach``, ``po 6,5 dnia``: days in the locative the verdict needs."""
    if float(value) != int(value):
        return f"{polish.trimmed(value, 1)} dnia"
    return f"{int(value)} {'dniu' if int(value) == 1 else 'dniach'}"


def _evidence(key: str, side: CaseTally) -> str:
    """What was counted in one measurement, in counts only."""
    waiting = side.cases - side.served
    values = {
        "pomiar": side.measurement, "sprawy": cases_count(side.cases), "z_data": len(side.days),
        "czeka": t("dowod_czeka", liczba=cases_count(waiting)) if waiting else "",
        "w_sprawach": _in_cases(side.access_cases if key == "latwiej" else side.fee_cases),
        "uzycia": len(side.access if key == "latwiej" else side.fees),
        "formalne": side.formal_uses, "odplatne": side.paid_uses, "obsluzone": side.served,
    }
    text = t(f"{key}_dowod", **values)
    if key == "skuteczniej":  # a mean resting on 1–2 cases is withheld, and so are its sum and count
        for code, counts, part in (("partners_per_case", side.partner_counts, "dowod_partnerzy"),
                                   ("services_per_case", side.service_counts, "dowod_uslugi")):
            if side.base(code) >= MIN_CASES:
                text += t(part, w_sprawach=_in_cases(len(counts)), razem=sum(counts))
        text += "."
    return text


def _in_cases(n: int) -> str:
    """``w 1 sprawie``, ``w 5 sprawach``."""
    return f"w {n} {'sprawie' if n == 1 else 'sprawach'}"


def motto_table(rows: list[MottoRow]) -> pd.DataFrame:
    """The motto as a table for the notebook: word, first and run's value, change, verdict."""
    if not rows:
        return pd.DataFrame(columns=["Obietnica", "Miara", "Pomiar", "Zmiana", "Co to znaczy"])
    before, after = rows[0].before, rows[0].after
    records = []
    for row in rows:
        record = {"Obietnica": row.word, "Miara": row.headline.label}
        if before is not None:
            record[before] = row.value_text("before")
        record[after] = row.value_text("after")
        if before is not None:
            record["Zmiana"] = t("ukryte_krotko") if row.hidden else row.headline.change()
        record["Co to znaczy"] = row.verdict
        records.append(record)
    return pd.DataFrame(records)


def evidence_lines(rows: list[MottoRow]) -> list[str]:
    """Per word: what was counted and how each figure is defined (the glossary's words)."""
    lines = []
    for row in rows:
        lines.append(f"{row.word}: " + " ".join(row.evidence))
        lines.extend(f"{row.word} — {definition}" for definition in row.definitions)
    return lines


def start_text(data: GminaData, measurement: str | None = None) -> str:
    """Why there is no motto yet and how to start the register (the notebook's and the report's words)."""
    from pzk_kit.measurement import run_measurement

    if not data.has("zespoly"):
        return t("strona_brak_rejestru")
    return t("strona_brak_spraw", pomiar=run_measurement(data, measurement))
