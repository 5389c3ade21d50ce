"""Pictures of the self-assessment survey for the workshop wall: factor radar, bands and answer distributions.

Built without pyplot (see :mod:`pzk_kit.figures`), Polish labels, sizes readable on a projector. A value
withheld for privacy (None: fewer than 3 respondents) is never drawn as 0: it is a gap, marked "ukryte".
"""

from __future__ import annotations

import re
import textwrap

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from pzk_kit import polish
from pzk_kit.evaluation import DONT_KNOW_COLUMN, EMPTY_COLUMN
from pzk_kit.evaluation.instrument import load_instrument
from pzk_kit.figures import describe, literal_text
from pzk_kit.style import (
    ATTENTION,
    BAND_COLOURS,
    BAND_TEXT_COLOURS,
    EDGE,
    FONT,
    GREY,
    INK,
    STRONG,
    WATCH,
    band_of,
    band_thresholds,
    message_figure,
)
from pzk_kit.workbook.reading import measurement_order

HIDDEN_COLOUR = "#bdbdbd"
HIDDEN_PEOPLE = "ukryte (mniej niż 3 osoby)"
HIDDEN_ANSWERS = "ukryte (mniej niż 3 odpowiedzi)"
MEASUREMENT_COLOURS = ["#9ecae1", "#08519c", "#6a51a3", "#e6550d"]  # T0 lighter, T1 darker, then others
# Red–blue diverging scale (ColorBrewer RdBu, readable with red–green colour blindness) with a yellow middle, so
# that no answer looks like the white gaps between segments; "nie wiem" dark grey and hatched, empty light grey.
ANSWER_COLOURS = {"1": "#b2182b", "2": "#f4a582", "3": "#fee08b", "4": "#92c5de", "5": "#2166ac",
                  DONT_KNOW_COLUMN: "#6e6e6e", EMPTY_COLUMN: "#d9d9d9"}
ANSWER_INK = {"1": "white", "5": "white", DONT_KNOW_COLUMN: "white"}  # the share printed on a dark segment
ANSWER_HATCH = {DONT_KNOW_COLUMN: "//"}
ANSWER_LABELS = {DONT_KNOW_COLUMN: "nie wiem", EMPTY_COLUMN: "brak odpowiedzi"}
ITEM_LABEL_CHARACTERS = 84  # an item's text on the chart is shortened to this, then wrapped into two lines
ITEM_LABEL_WIDTH = 50
_MEASUREMENT = re.compile(r"^T\d+$")


def _comma(value: float) -> str:
    return polish.decimal(value)


def _missing(value: object) -> bool:
    return value is None or bool(pd.isna(value))


def _answer_label(column: str) -> str:
    """A legend entry: "1 — zdecydowanie się nie zgadzam", the scale's words as the printed questionnaire has them."""
    instrument = load_instrument()
    if column in ANSWER_LABELS or instrument is None or not column.isdigit():
        return ANSWER_LABELS.get(column, column)
    return f"{column} — {instrument.scale[int(column) - 1].lower()}"


def _factor_names() -> dict[str, str]:
    instrument = load_instrument()
    return {f.code: f.name for f in instrument.factors} if instrument else {}


def _one_decimal(value: float) -> str:
    return polish.comma(value, ".1f")


def _measurement_colour(index: int, count: int) -> str:
    if count == 1:
        return MEASUREMENT_COLOURS[1]
    return MEASUREMENT_COLOURS[index] if index < len(MEASUREMENT_COLOURS) else "#333333"


@literal_text
def draw_factor_radar(scores: dict[str, dict[str, float | None]]) -> Figure:
    """Spider chart of the factors, one polygon per measurement (``evaluation.factor_scores`` layout).

    Withheld values break the polygon (no point, no fill) and are named under the factor's label.
    """
    title = "Ocena współpracy: czynniki w kolejnych pomiarach"
    measurements = sorted({m for values in scores.values() for m in values}, key=lambda m: (len(m), m))
    if not scores or not measurements:
        return message_figure(title, "Brak wyników ankiety do pokazania.")
    names = _factor_names()
    factors = list(scores)
    angles = np.linspace(0, 2 * np.pi, len(factors), endpoint=False)
    closed = np.append(angles, angles[0])
    figure = Figure(figsize=(12, 11))
    ax = figure.add_subplot(projection="polar")
    ax.set_theta_offset(np.pi / 2)
    ax.set_theta_direction(-1)
    ax.set_thetalim(0, 2 * np.pi)
    ax.set_ylim(1, 5)
    ax.set_yticks([1, 2, 3, 4, 5], ["1", "2", "3", "4", "5"], fontsize=10, family=FONT, color="#616161")
    ax.set_rlabel_position(0)
    thresholds = band_thresholds()
    ring = np.linspace(0, 2 * np.pi, 200)
    for level, band_name in ((thresholds.watch, WATCH), (thresholds.strong, STRONG)):
        ax.plot(ring, np.full_like(ring, level), color=BAND_COLOURS[band_name], linewidth=1.8, linestyle="--",
                zorder=1)
        ax.text(np.pi / len(factors), level - 0.1, band_name, ha="center", va="top", fontsize=10, family=FONT,
                color=BAND_TEXT_COLOURS[band_name], fontweight="bold",
                rotation=-180 / len(factors), zorder=4)
    handles = []
    for index, measurement in enumerate(measurements):
        colour = _measurement_colour(index, len(measurements))
        values = np.array([np.nan if _missing(scores[f].get(measurement)) else float(scores[f][measurement])
                           for f in factors])
        ring_values = np.append(values, values[0])
        ax.plot(closed, ring_values, color=colour, linewidth=2.6, marker="o", markersize=6, zorder=3)
        if not np.isnan(values).any():
            ax.fill(closed, ring_values, color=colour, alpha=0.15, zorder=2)
        handles.append(Line2D([], [], color=colour, linewidth=2.6, marker="o", label=measurement))
    labels = []
    for factor in factors:
        label = textwrap.fill(names.get(factor, factor), 16, break_long_words=False)
        hidden = [m for m in measurements if _missing(scores[factor].get(m))]
        if hidden:
            label += f"\n[{', '.join(hidden)}: ukryte]"
        labels.append(label)
    ax.set_xticks(angles, labels, fontsize=11, family=FONT)
    ax.tick_params(axis="x", pad=22)
    ax.grid(color="#e0e0e0")
    handles += [Line2D([], [], color=BAND_COLOURS[STRONG], linestyle="--", linewidth=1.8,
                       label=f"{_one_decimal(thresholds.strong)} — próg „{STRONG}”"),
                Line2D([], [], color=BAND_COLOURS[WATCH], linestyle="--", linewidth=1.8,
                       label=f"{_one_decimal(thresholds.watch)} — próg „{WATCH}”")]
    if any(_missing(scores[f].get(m)) for f in factors for m in measurements):
        handles.append(Line2D([], [], color="none", label=f"[…: ukryte] — {HIDDEN_PEOPLE}"))
    figure.legend(handles=handles, loc="lower center", ncol=min(len(handles), 3), fontsize=12, frameon=False,
                  prop={"family": FONT, "size": 12})
    figure.suptitle(title, fontsize=18, fontweight="bold", x=0.02, ha="left", family=FONT)
    figure.subplots_adjust(top=0.86, bottom=0.16, left=0.12, right=0.88)
    described = "; ".join(
        f"{names.get(f, f)}: " + ", ".join(f"{m} {_score_words(scores[f].get(m))}" for m in measurements)
        for f in factors)
    return describe(figure, f"{title} (wykres radarowy, skala 1–5, progi {_one_decimal(thresholds.watch)} i "
                            f"{_one_decimal(thresholds.strong)}). {described}.")


def _score_words(value: object) -> str:
    return "ukryte (mniej niż 3 osoby)" if _missing(value) else _comma(float(value))


@literal_text
def draw_factor_bands(table: pd.DataFrame) -> Figure:
    """Latest measurement's factor scores as bars coloured by band (``evaluation.factor_table`` layout).

    The previous measurement, when there is one, is a small black marker on each bar.
    """
    title = "Mocne strony i obszary do pracy"
    measurements = [c for c in table.columns if _MEASUREMENT.match(str(c))]
    measurements.sort(key=measurement_order)
    if table.empty or not measurements:
        return message_figure(title, "Brak wyników ankiety do pokazania.")
    latest = measurements[-1]
    earlier = measurements[-2] if len(measurements) > 1 else None
    labels = [textwrap.fill(str(name), 34, break_long_words=False) for name in table["Czynnik"]]
    figure = Figure(figsize=(12, max(4.5, 0.62 * len(table) + 2.4)))
    ax = figure.subplots()
    positions = np.arange(len(table))[::-1]
    for y, value, before in zip(positions, table[latest],
                                table[earlier] if earlier else [None] * len(table), strict=True):
        if _missing(value):
            ax.text(1.05, y, HIDDEN_PEOPLE, va="center", fontsize=11, family=FONT, color="#757575",
                    style="italic")
        else:
            value = float(value)
            ax.barh(y, value, color=BAND_COLOURS[band_of(value)], edgecolor=EDGE, height=0.7)
            ax.text(value + 0.05, y, _comma(value), va="center", fontsize=11, family=FONT, fontweight="bold")
        if not _missing(before):
            ax.plot(float(before), y, marker="D", color=INK, markersize=7, markeredgecolor="white",
                    zorder=3, linestyle="none")
    thresholds = band_thresholds()
    for level in (thresholds.watch, thresholds.strong):
        ax.axvline(level, color=GREY, linestyle=":", linewidth=1)
    ax.set_yticks(positions, labels, fontsize=11, family=FONT)
    ax.set_xlim(1, 5.45)
    ax.set_xticks([1, 2, 3, 4, 5])
    ax.set_xlabel(f"Średnia ocena w pomiarze {latest} (1 — najgorzej, 5 — najlepiej)", fontsize=12, family=FONT)
    ax.set_title(title, fontsize=18, fontweight="bold", loc="left", family=FONT, pad=14)
    ax.spines[["top", "right"]].set_visible(False)
    strong, watch = _one_decimal(thresholds.strong), _one_decimal(thresholds.watch)
    handles = [Patch(color=BAND_COLOURS[STRONG], label=f"{STRONG} (≥ {strong})"),
               Patch(color=BAND_COLOURS[WATCH], label=f"{WATCH} ({watch}–{_comma(thresholds.strong - 0.01)})"),
               Patch(color=BAND_COLOURS[ATTENTION], label=f"{ATTENTION} (< {watch})")]
    if earlier:
        handles.append(Line2D([], [], marker="D", color=INK, linestyle="none", markersize=7,
                              label=f"pomiar {earlier}"))
    figure.legend(handles=handles, loc="lower center", ncol=len(handles), fontsize=11, frameon=False,
                  prop={"family": FONT, "size": 11})
    figure.tight_layout(rect=(0, 0.06, 1, 1))
    described = []
    for name, value, before in zip(table["Czynnik"], table[latest],
                                   table[earlier] if earlier else [None] * len(table), strict=True):
        words = f"{name} {_score_words(value)}" + ("" if _missing(value) else f" — {band_of(float(value))}")
        if not _missing(before):
            words += f" (w {earlier}: {_comma(float(before))})"
        described.append(words)
    return describe(figure, f"{title}: średnie ocen czynników w pomiarze {latest} (skala 1–5; mocna strona od "
                            f"{strong}, wymaga uwagi poniżej {watch}). {'; '.join(described)}.")


@literal_text
def draw_item_distributions(distribution: pd.DataFrame, measurement: str | None = None) -> Figure:
    """Answers to each item as a 100 % bar (``evaluation.item_distribution`` layout); withheld items grey."""
    title = "Rozkład odpowiedzi na pytania" + (f" — pomiar {measurement}" if measurement else "")
    columns = [c for c in ANSWER_COLOURS if c in distribution.columns]
    if distribution.empty or not columns:
        return message_figure(title, "Brak odpowiedzi na pytania ankiety do pokazania.")
    figure = Figure(figsize=(13, max(4.5, 0.62 * len(distribution) + 2.8)))
    ax = figure.subplots()
    positions = np.arange(len(distribution))[::-1]
    labels = []
    for y, (_, row) in zip(positions, distribution.iterrows(), strict=True):
        labels.append(_item_label(row))
        counts = [None if _missing(row[c]) else int(row[c]) for c in columns]
        total = sum(c for c in counts if c is not None)
        if any(c is None for c in counts) or not total:
            ax.barh(y, 1, color=HIDDEN_COLOUR, height=0.75)
            ax.text(0.5, y, HIDDEN_ANSWERS, ha="center", va="center", fontsize=10, family=FONT, style="italic")
            continue
        left = 0.0
        for column, count in zip(columns, counts, strict=True):
            share = count / total
            if not share:
                continue
            ax.barh(y, share, left=left, color=ANSWER_COLOURS[column], edgecolor="white", linewidth=0.6,
                    height=0.75, hatch=ANSWER_HATCH.get(column))
            if share >= 0.07:
                ax.text(left + share / 2, y, f"{share:.0%}".replace("%", " %"), ha="center", va="center",
                        fontsize=9, family=FONT, color=ANSWER_INK.get(column, INK))
            left += share
    ax.set_yticks(positions, labels, fontsize=9.5, family=FONT, linespacing=1.05)
    ax.set_ylim(-0.6, len(distribution) - 0.4)
    ax.set_xlim(0, 1)
    ax.xaxis.set_major_formatter(lambda value, _pos: f"{value:.0%}".replace("%", " %"))
    ax.set_xlabel("Udział respondentów; (odwr.) — pytanie odwrócone, odpowiedzi pokazane tak, jak padły",
                  fontsize=11, family=FONT)
    ax.set_title(title, fontsize=18, fontweight="bold", loc="left", family=FONT, pad=12)
    ax.spines[["top", "right"]].set_visible(False)
    handles = [Patch(facecolor=ANSWER_COLOURS[c], edgecolor=GREY, hatch=ANSWER_HATCH.get(c),
                     label=_answer_label(c)) for c in columns]
    handles.append(Patch(facecolor=HIDDEN_COLOUR, label=HIDDEN_ANSWERS))
    legend_rows = 2
    figure.legend(handles=handles, loc="lower center", ncol=-(-len(handles) // legend_rows), fontsize=10,
                  frameon=False, prop={"family": FONT, "size": 10})
    figure.tight_layout(rect=(0.02, 1.1 / figure.get_figheight(), 1, 1))  # the widest label kept off the edge
    return describe(figure, _distribution_alt(title, distribution, columns))


def _item_label(row: pd.Series) -> str:
    """The item's code and its (shortened) wording: "q07" alone tells the room nothing."""
    code = str(row.get("Pytanie", ""))
    text = " ".join(str(row.get("Treść", "") or "").split())
    label = f"{code} {textwrap.shorten(text, ITEM_LABEL_CHARACTERS, placeholder='…')}" if text else code
    if row.get("Odwrócone") == "tak":
        label += " (odwr.)"
    return textwrap.fill(label, ITEM_LABEL_WIDTH, break_long_words=False)


def _distribution_alt(title: str, distribution: pd.DataFrame, columns: list[str]) -> str:
    """The items with the most and the fewest answers 4–5, and how many were withheld."""
    agree, hidden = [], 0
    for _, row in distribution.iterrows():
        counts = [None if _missing(row[c]) else int(row[c]) for c in columns]
        total = sum(c for c in counts if c is not None)
        if any(c is None for c in counts) or not total:
            hidden += 1
            continue
        favourable = ("1", "2") if row.get("Odwrócone") == "tak" else ("4", "5")
        high = sum(int(row[c]) for c in favourable if c in columns)
        agree.append((high / total, str(row.get("Pytanie", "")), " ".join(str(row.get("Treść", "") or "").split())))
    text = (f"{title}: {len(distribution)} pytań, dla każdego udział odpowiedzi 1–5, „nie wiem” i braków "
            "odpowiedzi. Odpowiedzi korzystne to 4–5, a przy pytaniach odwróconych 1–2.")
    if agree:
        ranked = sorted(agree, key=lambda item: (-item[0], item[1]))

        def listed(items: list) -> str:
            return "; ".join(f"{code} „{textwrap.shorten(words, 70, placeholder='…')}” "
                             f"{share:.0%}".replace("%", " %") for share, code, words in items)

        count = min(3, len(ranked))
        text += f" Najwięcej odpowiedzi korzystnych: {listed(ranked[:count])}."
        if len(ranked) > count:
            text += f" Najmniej: {listed(ranked[::-1][:count])}."
    if hidden:
        text += f" Ukryte (mniej niż 3 odpowiedzi): {hidden}."
    return text
