"""Tables as people read them: no pandas index, text left-aligned and never cut, Polish decimal commas.

Used by the notebooks and the app for every table a participant sees; reports render their own tables. Cells,
column headers and the caption are user text (partner names, validation messages quoting a cell), so all of them
are HTML-escaped: a name like ``<script>…</script>`` shows as typed in the reports and the app.
"""

from __future__ import annotations

import pandas as pd
from pandas.io.formats.style import Styler

from pzk_kit.safe_html import escape

_STYLES = [
    {"selector": "", "props": "border-collapse: collapse; font-size: 13px; margin: 6px 0 14px 0;"},
    {"selector": "th", "props": "background: #1f3864; color: white; padding: 4px 8px; text-align: left;"},
    {"selector": "td", "props": "padding: 3px 8px; border-bottom: 1px solid #dde3ec; vertical-align: top;"},
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
        return f"{value:.2f}".rstrip("0").rstrip(".").replace(".", ",") if value % 1 else f"{value:.0f}"
    return str(value)


def _cell_text(value: object) -> str:
    """A cell as shown. Styler escapes text cells itself (``escape="html"``) before this runs; anything else (a
    list of codes, an object) is escaped here after turning into text."""
    return polish_number(value) if isinstance(value, str) else str(escape(polish_number(value)))


def table(frame: pd.DataFrame, caption: str | None = None) -> Styler:
    """A styled, index-free view of ``frame`` for display, every text in it escaped."""
    styler = (frame.style.hide(axis="index").format(_cell_text, escape="html")
              .format_index(escape="html", axis="columns").set_table_styles(_STYLES))
    text_columns = [c for c in frame.columns if not pd.api.types.is_numeric_dtype(frame[c])]
    if text_columns:
        styler = styler.set_properties(subset=text_columns, **{"text-align": "left"})
    numeric = [c for c in frame.columns if c not in text_columns]
    if numeric:
        styler = styler.set_properties(subset=numeric, **{"text-align": "right"})
    if caption:
        styler = styler.set_caption(str(escape(caption)))
    return styler
