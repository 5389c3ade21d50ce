"""Tables as people read them: no pandas index, text left-aligned and never cut, Polish decimal commas.

Used by the notebooks and the app for every table a participant sees; reports render their own tables. Cells,
column headers and the caption are user text (partner names, validation messages quoting a cell), so all of them
are HTML-escaped: a name like ``<script>…</script>`` shows as typed in the reports and the app.
"""

from __future__ import annotations

import pandas as pd
from pandas.io.formats.style import Styler

from pzk_kit import polish
from pzk_kit.safe_html import escape
from pzk_kit.style import NAVY

_STYLES = [
    {"selector": "", "props": "border-collapse: collapse; font-size: 13px; margin: 6px 0 14px 0;"},
    {"selector": "th", "props": f"background: {NAVY}; color: white; padding: 4px 6px; text-align: left;"},
    {"selector": "td", "props": "padding: 3px 6px; border-bottom: 1px solid #dde3ec; vertical-align: top;"},
    # The stripe is the row's background, not its cells': a cell coloured on purpose (an evaluation band) paints
    # over its row, whereas a stripe on the cells outranked the cell's own colour on every second row.
    {"selector": "tr:nth-child(even)", "props": "background: #f5f7fb;"},
    {"selector": "caption", "props": "caption-side: top; text-align: left; font-weight: bold; padding: 4px 0;"},
]


def polish_number(value: object) -> str:
    """``2.5`` → ``2,5``; integers unchanged; missing values as a dash."""
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NA:
        return "—"
    if isinstance(value, float):
        return polish.trimmed(value)
    return str(value)


def _cell_text(value: object) -> str:
    """A cell as shown. Styler escapes text cells itself (``escape="html"``) before this runs; anything else (a
    list of codes, an object) is escaped here after turning into text."""
    return polish_number(value) if isinstance(value, str) else str(escape(polish_number(value)))


def _figure_text(code: str, *, as_change: bool = False):
    """A formatter printing a cell as figure ``code`` of the glossary (``3,30``, ``28 %``), escaped."""
    from pzk_kit import glossary

    def shown(value: object) -> str:
        if isinstance(value, str):
            return value  # already escaped by the Styler (text like "ukryte")
        text = glossary.change(code, value) if as_change else glossary.fmt(code, value)
        return str(escape(text))
    return shown


def _figure_formats(styler: Styler, frame: pd.DataFrame) -> Styler:
    """Columns (or rows) a kit function marked as glossary figures print in the figure's one format."""
    from pzk_kit.glossary import ROW

    marked = frame.attrs.get("miary", {})
    rows = frame.attrs.get("kody_wierszy", [])
    changes = set(frame.attrs.get("zmiany", []))
    for column, code in marked.items():
        if column not in frame.columns:
            continue
        if code != ROW:
            styler = styler.format(_figure_text(code), subset=[column], escape="html")
            continue
        for position, row_code in enumerate(rows[:len(frame)]):
            styler = styler.format(_figure_text(row_code), subset=(frame.index[[position]], [column]),
                                   escape="html")
    for column, code in frame.attrs.get("zmiany_kolumn", {}).items():
        if column in frame.columns:
            styler = styler.format(_figure_text(code, as_change=True), subset=[column], escape="html")
    for column in changes & set(frame.columns):
        for position, row_code in enumerate(rows[:len(frame)]):
            styler = styler.format(_figure_text(row_code, as_change=True), subset=(frame.index[[position]], [column]),
                                   escape="html")
    return styler


def grouped(frame: pd.DataFrame, groups: dict[str, tuple[str, str]]) -> pd.DataFrame:
    """``frame`` with a two-row header: columns named in ``groups`` go under a shared heading, with a short label.

    ``groups`` maps a column to (group heading, label under it), e.g. ``"Poziom 1": ("Powiązania", "1")``. A wide
    table (the partner table has 15 columns) then fits a 1024 px screen: "1" … "5" under one heading are narrow,
    where five "Poziom N" headings were not. A group's columns move next to its first column; the rest keep their
    place and an empty label under them.
    """
    order: list[str] = []
    for column in frame.columns:
        if column in order:
            continue
        group = groups.get(column, (None,))[0]
        order += [column] if group is None else [c for c in frame.columns if groups.get(c, (None,))[0] == group]
    result = frame[order].copy()
    result.columns = pd.MultiIndex.from_tuples([groups.get(c, (c, "")) for c in order])
    return result


def table(frame: pd.DataFrame, caption: str | None = None, groups: dict[str, tuple[str, str]] | None = None) -> Styler:
    """A styled, index-free view of ``frame`` for display, every text in it escaped (see :func:`grouped`).

    Columns a kit function marked with :func:`pzk_kit.glossary.with_formats` print in their figure's format.
    """
    if groups:
        frame = grouped(frame, groups)
    styler = (frame.style.hide(axis="index").format(_cell_text, escape="html")
              .format_index(escape="html", axis="columns").set_table_styles(_STYLES))
    styler = _figure_formats(styler, frame)
    text_columns = [c for c in frame.columns if not pd.api.types.is_numeric_dtype(frame[c])]
    if text_columns:
        styler = styler.set_properties(subset=text_columns, **{"text-align": "left"})
    numeric = [c for c in frame.columns if c not in text_columns]
    if numeric:
        styler = styler.set_properties(subset=numeric, **{"text-align": "right"})
    if caption:
        styler = styler.set_caption(str(escape(caption)))
    if isinstance(frame.columns, pd.MultiIndex):  # a group heading centred over its columns, a line under it
        styler = styler.set_table_styles([
            *_STYLES,
            {"selector": "th.col_heading.level0[colspan]",
             "props": "text-align: center; border-bottom: 1px solid white;"},
            {"selector": "th.col_heading.level1", "props": "text-align: center;"}])
    return styler
