"""Text that leaves the kit in a spreadsheet (CSV or XLSX) stays text: no formula computes when it is opened.

Partner names, service descriptions and error messages come from workbooks that pass through many hands; a
cell such as ``=HYPERLINK("http://…","Kliknij")`` or ``=cmd|' /C calc'!A0`` would run in Excel or LibreOffice
when a gmina opens ``podsumowanie.csv`` or the workbook downloaded from the app. This module applies the OWASP
"CSV Injection" rule (https://owasp.org/www-community/attacks/CSV_Injection): a text cell that begins with
``=``, ``+``, ``-``, ``@``, a tab or a carriage return (we add line feed, NUL as OWASP ASVS 1.2.10 does, and
the full-width forms ``＝＋－＠``, which spreadsheet programs also take as formula starts) gets a leading
apostrophe in CSV, and is written as an explicit text cell with Excel's "quote prefix" in XLSX, so it shows as
typed and stays text even after the user edits it.

OWASP's second warning is applied too: a separator inside a value can start a new cell when the file is opened
with another separator than it was written with. That is the everyday case here: a Polish Excel splits the
comma-separated HSDS files on ``;``, and an English one splits our ``;`` files on ``,``. So the rule holds at
every place a cell could begin: the start of the value and after each ``,``, ``;``, tab or line break (spaces
skipped). ``Opis; =cmd|…`` is written ``Opis; '=cmd|…``.

Why numbers are left alone: ``-0,5`` or ``+3`` at the start of a cell is read as the number it is, nothing
runs, and an apostrophe would turn a figure in the regional summary into text Excel cannot sum. Anything else
that starts with a trigger (``-2+3``, ``+48 12 345 67 89``) is neutralised: the phone number then shows as
typed instead of as an error value. Inside a value, a part made only of a sign, digits, spaces and ``()./-``
(``tel. 12 345 67 89, +48 601 234 567``) cannot call a function or reach a file and is left as written.

Why the apostrophe must come off again: the kit writes CSV folders (``pzk template DIR/``, the example in CSV)
that users fill in and give back. :func:`unescape_csv_text` is the reader's side: wherever a cell could begin,
apostrophes followed by a trigger lose one apostrophe. The writer adds one to such text already present, so
every value survives the round trip unchanged. XLSX needs nothing of this: a cell cannot spill into the next
one, and the quote prefix is a style, never part of the stored text.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # neither is needed to escape CSV text: batch and HSDS import this module cheaply
    import pandas as pd
    from openpyxl.cell.cell import Cell

FORMULA_STARTS = ("=", "+", "-", "@", "\uff1d", "\uff0b", "\uff0d", "\uff20")
TRIGGERS = (*FORMULA_STARTS, "\t", "\r", "\n", "\x00")  # at a value's start; after a separator, FORMULA_STARTS
SEPARATORS = ",;\t\r\n"  # what Excel or LibreOffice may split a CSV line on, whatever it was written with
# A genuine number: sign, digits, one decimal mark (dot or Polish comma), optional exponent.
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][+-]?\d+)?")
# Inside a value, the part after a separator that no program can turn into a call or a reference.
_HARMLESS_PART = re.compile(r"[+-][0-9 ()./-]*")
_PART_END = re.compile(f"[{re.escape(SEPARATORS)}]")
_ANY_TRIGGER = re.compile("[" + re.escape("".join(TRIGGERS)) + "]")


def starts_with_trigger(text: str) -> bool:
    """Whether a spreadsheet program could take ``text`` for a formula (or the start of one)."""
    return text.startswith(TRIGGERS)


def _cell_starts(text: str) -> list[tuple[int, bool]]:
    """Where a program could begin a cell in ``text`` (spaces skipped), and whether it is the value's start."""
    starts = [0] + [i + 1 for i, ch in enumerate(text) if ch in SEPARATORS]
    found = []
    for start in starts:
        position = start
        while position < len(text) and text[position] == " ":
            position += 1
        found.append((position, start == 0))
    return found


def _apostrophes_before_trigger(text: str, position: int, whole: bool) -> int | None:
    """How many apostrophes stand at ``position`` before a trigger character; None when no trigger follows.

    Inside a value, tabs and line breaks are separators themselves: the place after them is looked at instead.
    """
    end = position
    while end < len(text) and text[end] == "'":
        end += 1
    return end - position if end < len(text) and text[end] in (TRIGGERS if whole else FORMULA_STARTS) else None


def _needs_apostrophe(text: str, position: int, whole: bool) -> bool:
    quotes = _apostrophes_before_trigger(text, position, whole)
    if quotes is None:
        return False
    if quotes:
        return True  # "'=1" itself: one more apostrophe keeps the round trip exact
    if whole:
        return _PLAIN_NUMBER.fullmatch(text, position) is None
    end = _PART_END.search(text, position + 1)
    return _HARMLESS_PART.fullmatch(text, position, end.start() if end else len(text)) is None


def needs_escape(text: str) -> bool:
    """Whether ``text`` must be changed before it goes into a CSV cell."""
    if not _ANY_TRIGGER.search(text):
        return False
    return any(_needs_apostrophe(text, position, whole) for position, whole in _cell_starts(text))


def csv_cell(value: Any) -> Any:
    """A value for a CSV cell: an apostrophe before every formula a program could see; other values unchanged."""
    if not isinstance(value, str) or not _ANY_TRIGGER.search(value):
        return value
    marks = [position for position, whole in _cell_starts(value) if _needs_apostrophe(value, position, whole)]
    if not marks:
        return value
    pieces, last = [], 0
    for position in marks:
        pieces += [value[last:position], "'"]
        last = position
    return "".join(pieces) + value[last:]


def csv_row(values: list[Any]) -> list[Any]:
    return [csv_cell(v) for v in values]


def unescape_csv_text(value: Any) -> Any:
    """The reader's side of :func:`csv_cell`: ``'=1+1`` → ``=1+1``, ``a; '@x`` → ``a; @x``; others unchanged."""
    if not isinstance(value, str) or "'" not in value:
        return value
    drops = [position for position, whole in _cell_starts(value) if _apostrophes_before_trigger(value, position, whole)]
    if not drops:
        return value
    pieces, last = [], 0
    for position in drops:
        pieces.append(value[last:position])
        last = position + 1
    return "".join(pieces) + value[last:]


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
        escaped = {v: unescape_csv_text(v) for v in column.unique() if isinstance(v, str) and "'" in v}
        escaped = {k: v for k, v in escaped.items() if k != v}
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
