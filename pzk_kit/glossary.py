"""The glossary of headline figures: one label, one definition and one format per figure, for every output.

A trainer once saw "Partnerów w PZK: 27" in the app, "Instytucje w PZK 24" in the report and "partnerzy: 23" in
a notebook for the same gmina, and a density of "28 %" explained on a 0–1 scale. The figures were right; their
names and formats were decided separately in each output. Here they are decided once, in ``data/miary.csv``
(code, step, Polish label, format, definition as the reader sees it), and every output asks this module for the
label and the printed form. A label names exactly one figure, so the same words never show two numbers.

Formats (column ``format``): ``calkowita`` (``27``), ``procent`` (``28 %``: a share 0–1 shown as a whole
percent, a non-breaking space before the sign), ``dziesietna`` and ``wynik`` (two decimals with a comma:
``0,82``, ``3,30``), ``liczba`` (a count that may be a half, such as a median of days: ``21``,
``4,5``), ``z`` (``11 z 15``), ``lista`` (items joined by commas), ``tekst`` (as given). The band
names of the evaluation ("mocna strona" / "do obserwacji" / "wymaga uwagi") come from the survey instrument's
metadata, the one place they are defined, through :func:`bands`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache

# The printed forms are pzk_kit.polish's; glossary.decimal and glossary.percent stay importable for callers.
from pzk_kit.polish import decimal, percent, trimmed

DASH = "—"
FILE = "miary.csv"
FORMATS = ("calkowita", "procent", "dziesietna", "liczba", "wynik", "z", "lista", "tekst")
STEPS = ("siec", "koszyk", "ewaluacja", "dzialania", "zespoly")


@dataclass(frozen=True)
class Figure:
    """One headline figure as the user reads it."""

    code: str
    step: str
    label: str
    format: str
    definition: str


@cache
def figures() -> dict[str, Figure]:
    """All figures of ``data/miary.csv`` by code, in the file's order (the order tables list them in)."""
    from pzk_kit.resources import read_table

    found: dict[str, Figure] = {}
    for row in read_table(FILE):
        figure = Figure(row["kod"], row["krok"], row["nazwa"], row["format"], row["opis"])
        if figure.format not in FORMATS or figure.step not in STEPS or figure.code in found:
            # A broken kit data file is a kit bug, found by the tests long before a user sees it.
            raise ValueError(f"{FILE}: zły wiersz „{figure.code}” (format {figure.format}, krok {figure.step}).")
        found[figure.code] = figure
    return found


def figure(code: str) -> Figure:
    return figures()[code]


def label(code: str) -> str:
    """The Polish name of a figure: the same words in every output."""
    return figure(code).label


def definition(code: str) -> str:
    return figure(code).definition


def of_step(step: str) -> list[Figure]:
    return [f for f in figures().values() if f.step == step]


def _missing(value: object) -> bool:
    if value is None:
        return True
    try:
        return bool(isinstance(value, float) and math.isnan(value)) or str(value) == "<NA>"
    except TypeError:
        return False


def fmt(code: str, value: object, *, of: object = None) -> str:
    """``value`` printed the way figure ``code`` is printed everywhere; a missing value is a dash.

    ``of`` is the whole for the ``z`` format (``fmt("needs_covered", 11, of=15)`` → ``11 z 15``). Lists print
    their items joined by commas (``—`` when empty); text is returned as it is.
    """
    kind = figure(code).format
    if kind == "z" and isinstance(value, tuple) and len(value) == 2:
        value, of = value
    if isinstance(value, (list, tuple, set)):
        return ", ".join(str(v) for v in value) or DASH
    if _missing(value):
        return DASH
    if isinstance(value, str):
        return value
    if kind == "procent":
        return percent(value)
    if kind in ("dziesietna", "wynik"):
        return decimal(value)
    if kind == "z" and of is not None:
        return f"{int(value)} z {int(of)}"
    if kind == "liczba":  # a count that may be a half (a median of days): 21, 4,5 — never 21,00
        return trimmed(value)
    if float(value) == int(value):
        return str(int(value))
    return decimal(value)


def change(code: str, delta: float | None) -> str:
    """A change of figure ``code``: ``▲ +0,32``, ``▼ −1``, ``= bez zmian``; a share changes in percentage points."""
    if _missing(delta):
        return DASH
    if not round(float(delta), 6):
        return "= bez zmian"
    arrow, sign = ("▲", "+") if delta > 0 else ("▼", "−")
    size = abs(float(delta))
    kind = figure(code).format
    shown = (f"{round(size * 100):.0f} pkt proc." if kind == "procent"
             else trimmed(size) if kind == "liczba"
             else decimal(size) if kind in ("dziesietna", "wynik") or size != int(size) else str(int(size)))
    return f"{arrow} {sign}{shown}"


def line(values: Mapping[str, object] | Iterable[tuple[str, object]], *, markup: str = "text",
         separator: str = " · ") -> str:
    """Figures in one line, ``Członkowie PZK: 24 · Kandydaci: 3``: the app's, notebooks' and console's form.

    ``values`` maps a figure code to its value (already printed text is kept). ``markup`` is ``text``,
    ``markdown`` (value in ``**…**``, escaped) or ``html`` (value in ``<b>…</b>``, escaped).
    """
    from pzk_kit.safe_html import escape, markdown_text

    pairs = values.items() if isinstance(values, Mapping) else values
    parts = []
    for code, value in pairs:
        shown = fmt(code, value)
        if markup == "html":
            parts.append(f"{escape(label(code))}: <b>{escape(shown)}</b>")
        elif markup == "markdown":
            parts.append(f"{markdown_text(label(code))}: **{markdown_text(shown)}**")
        else:
            parts.append(f"{label(code)}: {shown}")
    return separator.join(parts)


def bands() -> dict[str, str]:
    """The three band names (``mocna``, ``obserwacja``, ``uwaga``): the evaluation's and the scorecard's words."""
    from pzk_kit.evaluation.instrument import load_instrument

    meta = load_instrument().meta
    return {"mocna": meta.get("pasmo_mocna", "mocna strona"),
            "obserwacja": meta.get("pasmo_obserwacja", "do obserwacji"),
            "uwaga": meta.get("pasmo_uwaga", "wymaga uwagi")}


def with_formats(frame, formats: Mapping[str, str], changes: Mapping[str, str] | None = None):
    """Mark columns of a table as figures (column → code), so :func:`pzk_kit.tables.table` prints them in the
    figure's format (``3,30``, not ``3,3``) without the notebook having to say so; ``changes`` marks columns
    holding a change of a figure (``▲ +0,43``). Returns ``frame``."""
    frame.attrs["miary"] = {**frame.attrs.get("miary", {}), **dict(formats)}
    frame.attrs["zmiany_kolumn"] = {**frame.attrs.get("zmiany_kolumn", {}), **dict(changes or {})}
    return frame


ROW = "@wiersz"


def with_row_formats(frame, codes: list[str], columns: list[str], changes: tuple[str, ...] = ()):
    """Mark a table whose rows are figures (one code per row, e.g. measures before and after): ``columns`` print
    in each row's format, ``changes`` as a change of it (``▲ +4 pkt proc.``). Returns ``frame``."""
    frame.attrs["kody_wierszy"] = list(codes)
    frame.attrs["miary"] = {**dict.fromkeys(columns, ROW), **frame.attrs.get("miary", {})}
    frame.attrs["zmiany"] = list(changes)
    return frame


@cache
def directions() -> dict[str, int]:
    """Which way each figure should move (column ``kierunek``): 1 higher is better, -1 lower is better, 0 neither.

    The action plan asks whether an action's target figure moved the right way; the direction is data, next to
    the figure's name, so a region that reads a figure differently changes one cell, not code."""
    from pzk_kit.resources import read_table

    return {row["kod"]: int(row.get("kierunek") or 0) for row in read_table(FILE)}


def direction(code: str) -> int:
    return directions().get(code, 0)
