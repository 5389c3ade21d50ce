"""Text that leaves the kit in a spreadsheet (CSV or XLSX) stays text: no formula computes when it is opened.

Partner names, service descriptions and error messages come from workbooks that pass through many hands; a
cell such as ``=HYPERLINK("http://…","Kliknij")`` or ``=cmd|' /C calc'!A0`` would run in Excel or LibreOffice
when a gmina opens ``podsumowanie.csv`` or the workbook downloaded from the app. This module applies the OWASP
"CSV Injection" rule (https://owasp.org/www-community/attacks/CSV_Injection): a text cell that begins with
``=``, ``+``, ``-``, ``@``, a tab or a carriage return (we add line feed and the full-width forms ``＝＋－＠``,
which spreadsheet programs also accept as formula starts) gets a leading apostrophe in CSV, and is written as
an explicit text cell with Excel's "quote prefix" in XLSX, so it shows as typed and stays text even after the
user edits it.

Why plain numbers are left alone: ``-0,5`` or ``+3`` in a CSV is read as the number it is, nothing runs, and
an apostrophe would turn a figure in the regional summary into text Excel cannot sum. Anything else that
starts with a trigger (``-2+3``, ``+48 12 345 67 89``) is neutralised: the phone number then shows exactly as
typed instead of as ``#NAZWA?``.

Why the apostrophe must come off again: the kit writes CSV folders (``pzk template DIR/``, the example in CSV)
that users fill in and give back. :func:`unescape_csv_text` is the reader's side: a CSV cell that is an
apostrophe followed by a trigger is the escaped form of the text after it. A value that itself starts with
apostrophes before a trigger gets one more on writing, so every text survives the round trip unchanged.
XLSX needs nothing on reading: the quote prefix is a style, never part of the stored text.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # neither is needed to escape CSV text: batch and HSDS import this module cheaply
    import pandas as pd
    from openpyxl.cell.cell import Cell

TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")
_TRIGGER_CLASS = "".join(re.escape(c) for c in TRIGGERS)
# A genuine number: sign, digits, one decimal mark (dot or Polish comma), optional exponent.
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][+-]?\d+)?")
# Text a reader must unescape: apostrophes, then a trigger (what the writer produces, and only that).
_ESCAPED = re.compile(rf"'+[{_TRIGGER_CLASS}]", re.DOTALL)


def starts_with_trigger(text: str) -> bool:
    """Whether a spreadsheet program could take ``text`` for a formula (or the start of one)."""
    return text.startswith(TRIGGERS)


def needs_escape(text: str) -> bool:
    """Whether ``text`` must be written as text, not as the formula or number a program would make of it."""
    if starts_with_trigger(text):
        return _PLAIN_NUMBER.fullmatch(text) is None
    return _ESCAPED.match(text) is not None  # "'=1" itself: one more apostrophe keeps the round trip exact


def csv_cell(value: Any) -> Any:
    """A value for a CSV cell: formula-like text gets a leading apostrophe, everything else is unchanged."""
    if isinstance(value, str) and value and needs_escape(value):
        return "'" + value
    return value


def csv_row(values: list[Any]) -> list[Any]:
    return [csv_cell(v) for v in values]


def unescape_csv_text(value: Any) -> Any:
    """The reader's side of :func:`csv_cell`: ``'=1+1`` → ``=1+1``; any other value is returned as it is."""
    if isinstance(value, str) and value.startswith("'") and _ESCAPED.match(value):
        return value[1:]
    return value


def unescape_csv_grid(grid: pd.DataFrame, text: str) -> pd.DataFrame:
    """:func:`unescape_csv_text` over the raw grid parsed from the CSV ``text``; the grid itself when unchanged.

    A file without an apostrophe (nearly every one) costs one substring search; otherwise only each column's
    distinct values are looked at, as a large file repeats the same codes thousands of times.
    """
    result = grid
    if "'" not in text:
        return result
    for position in range(grid.shape[1]):
        column = grid.iloc[:, position]
        escaped = {v: v[1:] for v in column.unique() if isinstance(v, str) and v[:1] == "'" and _ESCAPED.match(v)}
        if escaped:
            result = result.copy() if result is grid else result
            result.isetitem(position, column.map(lambda v, table=escaped: table.get(v, v) if isinstance(v, str)
                                                 else v))
    return result


def set_cell(cell: Cell, value: Any) -> Cell:
    """Put ``value`` into an openpyxl cell so that text is never a formula.

    openpyxl turns every string starting with ``=`` into a formula; here every string is an explicit text cell
    (``data_type`` ``s``), and formula-like text also gets ``quotePrefix``, which Excel and LibreOffice show as
    the apostrophe a user types before ``=``: the cell stays text when edited. Numbers and dates are unchanged.
    """
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"
        if starts_with_trigger(value):
            cell.quotePrefix = True
    return cell
