"""The gmina's data back as workbook rows: the app offers the data it read as a filled template to download.

A gmina that sent CSV files gets back the workbook a person would have filled, in the template's column order.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from pzk_kit.workbook.dictionaries import dictionary
from pzk_kit.workbook.reading import GminaData
from pzk_kit.workbook.schema import ColumnSpec, load_schema
from pzk_kit.workbook.text import normalize_code


def _cell(column: ColumnSpec, value: Any) -> Any:
    """One typed value back as a user types it: dictionary labels, dates as dates, "nie wiem" for don't know."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and pd.isna(value):
        return None
    if column.kind == "multidict":
        labels = dictionary(column.dictionary)
        return "; ".join(labels.label(code) for code in value) or None
    if column.kind in {"partner_refs", "service_refs"}:
        return "; ".join(value) or None
    if column.kind == "dict":
        return dictionary(column.dictionary).label(value)
    if column.kind == "date":
        return value.date() if isinstance(value, pd.Timestamp) else value
    if column.kind == "survey_item":
        from pzk_kit.workbook.cells import DONT_KNOW

        return "nie wiem" if int(value) == DONT_KNOW else int(value)
    if column.kind in {"int", "scale"}:
        return int(value)
    return value


def workbook_rows(data: GminaData) -> dict[str, list[list[Any]]]:
    """The gmina's data as rows for :func:`pzk_kit.workbook.templates.write_filled_workbook` (template column order).

    Sheets not collected yet are left out, so the filled workbook shows the template's example row there, as a
    blank template would: the next person to fill them sees what is expected.
    """
    rows: dict[str, list[list[Any]]] = {}
    for spec in load_schema().values():
        if spec.name == "gmina":
            # fields read as lists (co-leaders, the gminas of a powiat PZK) go back as one cell, as typed
            info = {**data.info, "lider": data.info.get("liderzy") or data.info.get("lider")}
            info = {k: "; ".join(v) if isinstance(v, list | tuple) else v for k, v in info.items()}
            rows["gmina"] = [[c.name, _cell(c, info.get(c.name))] for c in spec.columns
                             if info.get(c.name) not in (None, "")]
            continue
        if not data.has(spec.name):
            continue
        frame = data.table(spec.name)
        columns = [(c, frame[c.name].tolist()) for c in spec.columns]
        rows[spec.name] = [[_cell(c, values[i]) for c, values in columns] for i in range(len(frame))]
    return rows


def filled_workbook_name(data: GminaData) -> str:
    return f"{normalize_code(data.name) or 'gmina'}.xlsx"
