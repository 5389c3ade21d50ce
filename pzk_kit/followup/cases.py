"""The task-team and IPUS register (``zespoly``) in figures: how fast, how easily and at what cost residents got
help, per measurement.

The register holds anonymous case codes only, and even those never leave this module: every output built here
(``summary.json``'s ``cases`` key, the notebook's tables, the motto page) shows counts. A figure resting on
fewer than 3 cases is withheld (None) and named in the reasons, like a survey group under 3 respondents: with two
cases, "median 40 days" is one family's story, recognisable in a small gmina. The ``cases`` count itself is
always shown: it says how much the register holds, not anything about a family.
"""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any

import pandas as pd

from pzk_kit import glossary, polish, texts
from pzk_kit.measurement import as_of, collected
from pzk_kit.workbook.dictionaries import dictionary
from pzk_kit.workbook.reading import DEFAULT_MEASUREMENT, ROW_COLUMN, GminaData

MIN_CASES = 3
SHEET = "zespoly"
FIGURES = ("cases", "days_to_first_service", "served_share", "partners_per_case", "services_per_case",
           "formal_access_share", "paid_share")
FORMAL_ACCESS = frozenset({"skierowanie", "decyzja"})  # the resident needs a paper before the service
PAID = frozenset({"odplatna", "czesciowo_odplatna"})
DIGITS = 2  # as SPEC18 shows them (paid_share 0.07): whole percents, means and medians to 0.01
CODE_PREFIX = "Z"


@cache
def case_texts() -> dict[str, str]:
    """The register's and the motto's wording (``data/zespoly/teksty.csv``)."""
    return texts.load("zespoly")


def t(key: str, **values: object) -> str:
    return texts.fill(case_texts()[key], **values)


def cases_count(n: int) -> str:
    """``1 sprawa``, ``3 sprawy``, ``5 spraw``."""
    return polish.count(n, "sprawa", "sprawy", "spraw")


# -- one measurement ------------------------------------------------------------------------------------------


def cases_of(data: GminaData, measurement: str) -> pd.DataFrame:
    """The register's rows of one measurement (empty ``pomiar`` was read as T0)."""
    cases = data.cases
    return cases[cases["pomiar"].fillna(DEFAULT_MEASUREMENT) == measurement] if not cases.empty else cases


def case_measurements(data: GminaData) -> list[str]:
    """The measurements the register has cases in, in time order."""
    return collected(data.cases) if data.has(SHEET) else []


@dataclass(frozen=True)
class CaseTally:
    """What the figures of one measurement count, kept for the evidence a reader may ask for."""

    measurement: str
    cases: int
    days: tuple[int, ...]  # per case with both dates
    served: int  # cases with a first-service date
    partner_counts: tuple[int, ...]  # per case with partners filled
    service_counts: tuple[int, ...]  # per case with services filled
    access: tuple[str, ...]  # the ``dostep`` code of each use (case, service) whose service has one
    access_cases: int  # cases with at least one such use
    fees: tuple[str, ...]  # the ``odplatnosc`` code of each use whose service has one
    fee_cases: int

    @property
    def formal_uses(self) -> int:
        return sum(code in FORMAL_ACCESS for code in self.access)

    @property
    def paid_uses(self) -> int:
        return sum(code in PAID for code in self.fees)

    def base(self, code: str) -> int:
        """How many cases figure ``code`` rests on (the < 3 rule counts these)."""
        return {"cases": self.cases, "days_to_first_service": len(self.days), "served_share": self.cases,
                "partners_per_case": len(self.partner_counts), "services_per_case": len(self.service_counts),
                "formal_access_share": self.access_cases, "paid_share": self.fee_cases}[code]

    def raw(self, code: str) -> float | int | None:
        """The figure before the < 3 rule (None when it has nothing to rest on)."""
        if code == "cases":
            return self.cases
        if not self.base(code):
            return None
        values = {
            "days_to_first_service": lambda: float(statistics.median(self.days)),
            "served_share": lambda: self.served / self.cases,
            "partners_per_case": lambda: statistics.fmean(self.partner_counts),
            "services_per_case": lambda: statistics.fmean(self.service_counts),
            "formal_access_share": lambda: self.formal_uses / len(self.access),
            "paid_share": lambda: self.paid_uses / len(self.fees),
        }
        return round(values[code](), DIGITS)

    def shown(self, code: str) -> float | int | None:
        """The figure as every output shows it: None when it rests on fewer than 3 cases."""
        if code != "cases" and self.base(code) < MIN_CASES:
            return None
        return self.raw(code)

    def hidden(self, code: str) -> bool:
        return code != "cases" and 0 < self.base(code) < MIN_CASES


def _filled(value: object) -> tuple[str, ...]:
    return tuple(value) if isinstance(value, tuple | list) else ()


def tally(data: GminaData, measurement: str) -> CaseTally:
    """Count the register's cases of ``measurement`` (see the definitions in ``data/miary.csv``)."""
    cases = cases_of(data, measurement)
    services = data.services.drop_duplicates("id").set_index("id") if not data.services.empty else None
    days: list[int] = []
    partners: list[int] = []
    used: list[int] = []
    access: list[str] = []
    fees: list[str] = []
    access_cases = fee_cases = served = 0
    for row in cases.itertuples(index=False):
        reported, first = row.data_zgloszenia, row.data_pierwszej_uslugi
        if not pd.isna(first):
            served += 1
            if not pd.isna(reported):
                days.append(int((first - reported).days))
        if _filled(row.partnerzy):
            partners.append(len(set(row.partnerzy)))
        ids = list(dict.fromkeys(_filled(row.uslugi)))  # a service listed twice in one case is one use
        if ids:
            used.append(len(ids))
        case_access = [_code(services, sid, "dostep") for sid in ids]
        case_fees = [_code(services, sid, "odplatnosc") for sid in ids]
        case_access = [c for c in case_access if c]
        case_fees = [c for c in case_fees if c]
        access += case_access
        fees += case_fees
        access_cases += bool(case_access)
        fee_cases += bool(case_fees)
    return CaseTally(measurement, len(cases), tuple(days), served, tuple(partners), tuple(used), tuple(access),
                     access_cases, tuple(fees), fee_cases)


def _code(services: pd.DataFrame | None, sid: str, column: str) -> str | None:
    if services is None or sid not in services.index or column not in services:
        return None
    value = services.at[sid, column]
    return value if isinstance(value, str) and value else None


def case_measures(data: GminaData, measurement: str) -> dict[str, float | int | None]:
    """The register's figures of one measurement (codes of ``data/miary.csv``), None under the < 3 rule."""
    counted = tally(data, measurement)
    return {code: counted.shown(code) for code in FIGURES}


def suppressed_reasons(counted: CaseTally) -> list[str]:
    """Polish lines naming each figure withheld for resting on 1 or 2 cases."""
    return [t("ukryte_powod", pomiar=counted.measurement, miara=glossary.label(code),
              sprawy=cases_count(counted.base(code)))
            for code in FIGURES if counted.hidden(code)]


def run_tallies(data: GminaData, measurement: str | None = None) -> list[CaseTally]:
    """The tallies of every measurement with cases up to the run's one (:func:`pzk_kit.measurement.as_of`)."""
    seen = as_of(data, measurement)
    return [tally(seen, m) for m in case_measurements(seen)]


def cases_summary(data: GminaData, measurement: str | None = None) -> dict[str, Any]:
    """``summary.json``'s ``cases`` key: the figures per measurement up to the run's one, and what was withheld."""
    by_measurement: dict[str, dict[str, Any]] = {}
    suppressed: list[str] = []
    for counted in run_tallies(data, measurement):
        by_measurement[counted.measurement] = {code: counted.shown(code) for code in FIGURES}
        suppressed += suppressed_reasons(counted)
    return {"by_measurement": by_measurement, "suppressed": suppressed}


# -- tables for people --------------------------------------------------------------------------------------


def shown_value(counted: CaseTally, code: str) -> str:
    """A figure as a person reads it: the glossary's format, ``ukryte (< 3 sprawy)`` or a dash."""
    if counted.hidden(code):
        return t("ukryte_krotko")
    return glossary.fmt(code, counted.shown(code))


def case_table(data: GminaData, measurement: str | None = None) -> pd.DataFrame:
    """One row per figure, one column per measurement with cases (up to the run's), then the change from the
    first to the last when both are shown. Counts only: no case code ever reaches it."""
    tallies = run_tallies(data, measurement)
    if not tallies:
        return pd.DataFrame(columns=["Miara"])
    rows = []
    for code in FIGURES:
        row = {"Miara": glossary.label(code)}
        for counted in tallies:
            row[counted.measurement] = shown_value(counted, code)
        if len(tallies) > 1:
            before, after = tallies[0].shown(code), tallies[-1].shown(code)
            row["Zmiana"] = (glossary.change(code, round(after - before, 6))
                             if before is not None and after is not None else glossary.DASH)
        rows.append(row)
    columns = ["Miara", *(c.measurement for c in tallies)] + (["Zmiana"] if len(tallies) > 1 else [])
    return pd.DataFrame(rows, columns=columns)


def _breakdown(data: GminaData, measurement: str | None, kind: str) -> pd.DataFrame:
    """Uses of services per dictionary label (fees: ``odplatnosc``, access: ``dostep``), per measurement."""
    dictionary_name, attribute, bases = {"odplatnosc": ("odplatnosc", "fees", "fee_cases"),
                                         "dostep": ("tryby_dostepu", "access", "access_cases")}[kind]
    labels = dictionary(dictionary_name)
    tallies = run_tallies(data, measurement)
    rows = []
    for entry in labels.entries:
        row = {t(f"kolumna_{kind}"): entry.label}
        for counted in tallies:
            uses = getattr(counted, attribute)
            if getattr(counted, bases) < MIN_CASES:
                row[counted.measurement] = t("ukryte_krotko") if getattr(counted, bases) else glossary.DASH
                continue
            n = sum(code == entry.code for code in uses)
            row[counted.measurement] = f"{n} ({polish.percent(n / len(uses))})"
        rows.append(row)
    return pd.DataFrame(rows, columns=[t(f"kolumna_{kind}"), *(c.measurement for c in tallies)])


def fees_breakdown(data: GminaData, measurement: str | None = None) -> pd.DataFrame:
    """Uses of services in cases by fee (bezpłatna / częściowo odpłatna / odpłatna): ``n (share)``; hidden
    under 3 cases."""
    return _breakdown(data, measurement, "odplatnosc")


def access_breakdown(data: GminaData, measurement: str | None = None) -> pd.DataFrame:
    """Uses of services in cases by access (bez skierowania / skierowanie / decyzja); hidden under 3 cases."""
    return _breakdown(data, measurement, "dostep")


# -- a new case from the IPUS draft ---------------------------------------------------------------------------


def next_case_code(data: GminaData, day: date) -> str:
    """A new anonymous code, ``Z-2026-013``: the year and the next number of that year's codes in the register.

    Never anything typed by a person (a family label could be a name): only the year and a counter.
    """
    prefix = f"{CODE_PREFIX}-{day.year}-"
    taken = {str(code) for code in data.cases["sprawa"]} if not data.cases.empty else set()
    pattern = re.compile(rf"^{re.escape(prefix)}(\d+)$")
    numbers = [int(m[1]) for code in taken if (m := pattern.match(code))]
    number = max(numbers, default=len(taken)) + 1
    while f"{prefix}{number:03d}" in taken:
        number += 1
    return f"{prefix}{number:03d}"


def ipus_team(data: GminaData, services: list[str]) -> tuple[str, ...]:
    """The IPUS team: the leader as coordinator, then each provider of the plan's services in their order."""
    providers = dict(zip(data.services["id"], data.services["partner"], strict=True))
    team = [data.leader] if data.leader else []
    for sid in services:
        pid = providers.get(sid)
        if isinstance(pid, str) and pid not in team:
            team.append(pid)
    return tuple(team)


def add_ipus_case(data: GminaData, services: list[str], day: date) -> str:
    """Append one IPUS case to the in-memory register (typed as the reader types it) and return its code.

    The case belongs to the data's latest measurement; the sheet counts as collected from now on, so the
    filled workbook offered for download carries the register with the new row.
    """
    from pzk_kit.measurement import run_measurement

    code = next_case_code(data, day)
    cases = data.cases
    rows = pd.to_numeric(cases[ROW_COLUMN], errors="coerce") if not cases.empty else pd.Series(dtype=float)
    row = {
        "sprawa": code, "rodzaj": "ipus", "data_zgloszenia": pd.Timestamp(day), "data_pierwszej_uslugi": pd.NaT,
        "partnerzy": ipus_team(data, services), "uslugi": tuple(dict.fromkeys(services)), "status": "otwarta",
        "pomiar": run_measurement(data), ROW_COLUMN: int(rows.max()) + 1 if rows.notna().any() else 2,
    }
    new = pd.DataFrame([row])
    for column in cases.columns:
        if column not in new:
            new[column] = None
    new = new[list(cases.columns)] if len(cases.columns) else new
    for column in cases.columns:  # the reader's dtypes: dates stay datetime64, the Excel row Int64
        if str(cases[column].dtype) != "object":
            new[column] = new[column].astype(cases[column].dtype)
        else:
            new[column] = new[column].astype(object)
    data.cases = pd.concat([cases, new], ignore_index=True) if not cases.empty else new.reset_index(drop=True)
    if SHEET not in data.collected:
        data.collected = frozenset(data.collected | {SHEET})
    return code


__all__ = ["FIGURES", "MIN_CASES", "CaseTally", "access_breakdown", "add_ipus_case", "case_measurements",
           "case_measures", "case_table", "cases_of", "cases_summary", "fees_breakdown", "next_case_code",
           "run_tallies", "suppressed_reasons", "tally"]
