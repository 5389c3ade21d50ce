"""Partner forms and anonymous survey forms written exactly as ``pzk_kit.collection.form_format`` describes them,
for the merge's tests.

Built here with openpyxl rather than by ``pzk formularze`` so that the merge is tested against the format itself:
a writer that drifted from the spec would then fail against these files too. The benchmark uses it as well.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd

from pzk_kit.collection.form_format import (
    FORMAT_VERSION,
    KIND_PARTNER,
    KIND_SURVEY,
    META_SHEET,
    SERVICES_SHEET,
    SURVEY_SHEET,
    TIES_SHEET,
)
from pzk_kit.evaluation.instrument import load_instrument
from pzk_kit.spreadsheet_safety import set_cell
from pzk_kit.workbook.dictionaries import dictionary
from pzk_kit.workbook.reading import GminaData
from pzk_kit.workbook.schema import load_schema
from pzk_kit.workshop.workbook_rows import workbook_rows

TIE_HEADERS = ["do", "nazwa_partnera", "sektor", "poprzednio", "poziom", "formy", "zaufanie", "wartosc"]
SERVICE_HEADERS = [c.name for c in load_schema()["uslugi"].columns if c.name != "partner"]  # as the form has them


def _meta(workbook: openpyxl.Workbook, kind: str, data: GminaData, partner: str, measurement: str,
          overrides: dict[str, Any] | None) -> None:
    sheet = workbook.create_sheet(META_SHEET)
    sheet.append(["pole", "wartosc"])
    fields = {"rodzaj": kind, "wersja": FORMAT_VERSION, "gmina": data.name, "teryt": data.teryt or "",
              "partner": partner, "pomiar": measurement, "utworzono": "2026-12-01T10:00:00+00:00"}
    fields.update(overrides or {})
    for key, value in fields.items():
        sheet.append([key, value])
    sheet.sheet_state = "hidden"


def _append(sheet, values: list[Any]) -> None:
    """A row as Excel keeps typed text: ``=…`` stays text (as in the forms ``pzk formularze`` writes)."""
    row = sheet.max_row + 1 if sheet.max_row > 1 or sheet.cell(row=1, column=1).value is not None else 1
    for col, value in enumerate(values, start=1):
        set_cell(sheet.cell(row=row, column=col), value)


def partner_services(data: GminaData, partner: str) -> list[list[Any]]:
    """The partner's current services as the form pre-fills them (the workbook's columns without ``partner``)."""
    columns = [c.name for c in load_schema()["uslugi"].columns]
    rows = workbook_rows(data).get("uslugi", [])
    at = columns.index("partner")
    return [[v for i, v in enumerate(row) if i != at] for row in rows if row[at] == partner]


def write_partner_form(path: Path, data: GminaData, partner: str, measurement: str,
                       answers: dict[str, dict[str, Any]] | None = None, *,
                       services: list[list[Any]] | None = None, meta: dict[str, Any] | None = None) -> Path:
    """One partner's form; ``answers`` maps another partner's id to its answer cells (poziom, formy, …)."""
    answers = answers or {}
    workbook = openpyxl.Workbook()
    instruction = workbook.active
    instruction.title = "instrukcja"
    instruction.append(["Wypełnij arkusz „wspolpraca”: poziom 0–5 dla każdego partnera."])
    ties = workbook.create_sheet(TIES_SHEET)
    ties.append(TIE_HEADERS)
    sectors = dictionary("sektory")
    for pid, name, sector in zip(data.partners["id"], data.partners["nazwa"], data.partners["sektor"], strict=True):
        if pid == partner:
            continue
        given = answers.get(pid, {})
        _append(ties, [pid, name, sectors.label(sector) if sector else None, None,
                       *(given.get(k) for k in ("poziom", "formy", "zaufanie", "wartosc"))])
    sheet = workbook.create_sheet(SERVICES_SHEET)
    sheet.append(SERVICE_HEADERS)
    for row in partner_services(data, partner) if services is None else services:
        _append(sheet, row)
    _meta(workbook, KIND_PARTNER, data, partner, measurement, meta)
    workbook.save(path)
    return path


def write_survey_form(path: Path, data: GminaData, measurement: str, answers: dict[str, Any], *,
                      sector: str | None = None, meta: dict[str, Any] | None = None) -> Path:
    """One respondent's copy of ``ankieta_anonimowa.xlsx``; ``answers`` maps item code → label or digit."""
    instrument = load_instrument()
    workbook = openpyxl.Workbook()
    instruction = workbook.active
    instruction.title = "instrukcja"
    instruction.append(["Ankieta jest anonimowa."])
    sheet = workbook.create_sheet(SURVEY_SHEET)
    sheet.append(["kod", "pytanie", "odpowiedz"])
    sheet.append(["sektor", "Sektor Twojej instytucji (nieobowiązkowe)", sector])
    for item in instrument.items:
        sheet.append([item.code, item.text, answers.get(item.code)])
    _meta(workbook, KIND_SURVEY, data, "", measurement, meta)
    workbook.save(path)
    return path


def answers_from(data: GminaData, partner: str, measurement: str) -> dict[str, dict[str, Any]]:
    """What ``partner`` reported in ``measurement``, as it would type it into its form (labels, ``;`` lists)."""
    ties = data.cooperation
    rows = ties[(ties["od"] == partner) & (ties["pomiar"] == measurement)]
    forms = dictionary("formy_wspolpracy")
    result = {}
    for row in rows.itertuples(index=False):
        result[row.do] = {
            "poziom": int(row.poziom),
            "formy": "; ".join(forms.label(c) for c in row.formy) or None,
            "zaufanie": None if pd.isna(row.zaufanie) else int(row.zaufanie),
            "wartosc": None if pd.isna(row.wartosc) else int(row.wartosc),
        }
    return result


def touch(path: Path, when: dt.datetime) -> None:
    """Set a file's modification time (which of two forms is newer)."""
    import os

    stamp = when.timestamp()
    os.utime(path, (stamp, stamp))
