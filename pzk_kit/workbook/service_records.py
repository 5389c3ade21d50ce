"""Rules of the richer service records (issue 17): when a description was last verified, and in which languages.

Why a module of its own: the columns are optional and their rules concern the trust a resident can put in the
catalogue (an entry nobody confirmed for a year is a closed door or a dead phone number), not the shape of
the workbook. :func:`check_services` is called once by :func:`pzk_kit.workbook.reading.read_gmina`;
:func:`stale_services` gives the catalogue and the report the same verdict without re-reading anything.

"Today" is the reference day: the system date, unless ``PZK_DZIS`` (RRRR-MM-DD) fixes it so that a run
(and the tests' golden summaries) gives the same result on any day.
"""

from __future__ import annotations

import datetime as dt
import os
from typing import TYPE_CHECKING

import pandas as pd

from pzk_kit import polish
from pzk_kit.workbook.dictionaries import dictionary
from pzk_kit.workbook.limits import REFERENCE_DAY_VARIABLE, STALE_SERVICE_MONTHS

if TYPE_CHECKING:
    from pzk_kit.workbook.reading import GminaData
    from pzk_kit.workbook.validation import ValidationReport

POLISH = "polski"


def reference_day(today: dt.date | None = None) -> dt.date:
    """The day staleness is measured from: ``today`` if given, else ``PZK_DZIS``, else the system date."""
    if today is not None:
        return today
    fixed = os.environ.get(REFERENCE_DAY_VARIABLE, "").strip()
    if fixed:
        try:
            return dt.date.fromisoformat(fixed)
        except ValueError:
            pass  # a mistyped override must not stop a run: the real date is the safe reading
    return dt.date.today()


def stale_before(today: dt.date | None = None) -> dt.date:
    """Verifications before this day are stale: the same day :data:`STALE_SERVICE_MONTHS` months earlier."""
    day = reference_day(today)
    months = day.year * 12 + day.month - 1 - STALE_SERVICE_MONTHS
    year, month = divmod(months, 12)
    for last in (day.day, 30, 29, 28):  # 29 February → 28 February a year earlier
        try:
            return dt.date(year, month + 1, last)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def verified_day(value: object) -> dt.date | None:
    """A ``data_weryfikacji`` cell of the typed table (a Timestamp or NaT) as a date."""
    if value is None or pd.isna(value):
        return None
    return value.date() if hasattr(value, "date") else value  # type: ignore[return-value]


def stale_services(data: GminaData, today: dt.date | None = None) -> pd.DataFrame:
    """Services whose description was last verified before :func:`stale_before` (no date = not flagged: the
    column is optional, and an empty cell says nothing about age). Columns ``id``, ``nazwa``, ``partner``,
    ``data_weryfikacji`` (a date) and ``wiersz``, in sheet order."""
    columns = ["id", "nazwa", "partner", "data_weryfikacji", "wiersz"]
    services = data.services
    if services.empty or "data_weryfikacji" not in services:
        return pd.DataFrame(columns=columns)
    limit = pd.Timestamp(stale_before(today))
    stale = services.loc[services["data_weryfikacji"].notna() & (services["data_weryfikacji"] < limit), columns]
    stale = stale.copy()
    stale["data_weryfikacji"] = [verified_day(v) for v in stale["data_weryfikacji"]]
    return stale.reset_index(drop=True)


def is_stale(value: object, today: dt.date | None = None) -> bool:
    """One ``data_weryfikacji`` value against the same rule as :func:`stale_services`."""
    day = verified_day(value)
    return day is not None and day < stale_before(today)


def check_services(data: GminaData, sheet: str, today: dt.date | None = None) -> None:
    """Add the warnings and notes of the new service columns to ``data.report`` (one per cell, located)."""
    services = data.services
    if services.empty:
        return
    report = data.report
    day = reference_day(today)
    for record in services[["id", "nazwa", "partner", "data_weryfikacji", "jezyki", "wiersz"]].itertuples(
            index=False):
        row = int(record.wiersz)
        name = _service_name(record.nazwa, record.id)
        _check_verified(report, sheet, row, name, record.partner, verified_day(record.data_weryfikacji), day)
        _check_languages(report, sheet, row, name, record.jezyki)


def _service_name(name: object, sid: object) -> str:
    text = str(name) if name is not None else ""
    return f"„{text}” ({sid})" if text and sid else f"„{text or sid}”"


def _check_verified(report: ValidationReport, sheet: str, row: int, name: str, partner: object,
                    verified: dt.date | None, day: dt.date) -> None:
    if verified is None:
        return
    where = {"sheet": sheet, "row": row, "column": "data_weryfikacji", "value": verified.isoformat()}
    if verified > day:
        report.warning(
            f"Data weryfikacji usługi {name} ({polish.date(verified)}) jest w przyszłości.",
            hint="Wpisz dzień, w którym partner potwierdził opis usługi (RRRR-MM-DD lub DD.MM.RRRR).", **where)
    elif verified < stale_before(day):
        who = f"partnera „{partner}”" if partner else "partnera"
        report.warning(
            f"Opis usługi {name} sprawdzono ostatnio {polish.date(verified)} — ponad "
            f"{polish.count(STALE_SERVICE_MONTHS, 'miesiąc', 'miesiące', 'miesięcy')} temu; poproś {who} o "
            "potwierdzenie godzin, miejsca i kontaktu.",
            hint="Po potwierdzeniu wpisz nową datę w kolumnie „data_weryfikacji”.", **where)


def _check_languages(report: ValidationReport, sheet: str, row: int, name: str, languages: object) -> None:
    """A service offered only in other languages is legitimate (a Ukrainian-speaking group, a class in PJM),
    but more often ``Polski`` was left out: a note, so the catalogue does not tell Polish speakers to stay away."""
    codes = tuple(languages) if isinstance(languages, tuple) else ()
    if not codes or POLISH in codes:
        return
    dic = dictionary("jezyki")
    named = ", ".join(dic.label(c).lower() for c in codes)
    report.info(
        f"Usługa {name} ma wpisane tylko inne języki niż polski ({named}) — katalog nie poda, że można z niej "
        "skorzystać po polsku.",
        sheet=sheet, row=row, column="jezyki", value="; ".join(dic.label(c) for c in codes),
        hint="Jeśli można z niej skorzystać także po polsku, dopisz „Polski”.")
