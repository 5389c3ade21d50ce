"""``podsumowanie.html``: the page a regional centre (ROPS) reads to compare its gminas' partnerships.

Three questions a region asks, one chart each: which gminas' partnerships are dense or thin, whose service
baskets leave needs of the local diagnosis uncovered, and how partners themselves rate the cooperation. Up to
about sixty gminas each gets its own bar; a national run over thousands shows distributions instead. The page is
self-contained (charts embedded, no internet) so it can be mailed or opened offline.
"""

from __future__ import annotations

import base64
import datetime as dt
from functools import cache
from typing import Any

import jinja2
import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from pzk_kit import __version__
from pzk_kit.basket_plots import FONT
from pzk_kit.evaluation import band
from pzk_kit.evaluation_plots import BAND_COLOURS
from pzk_kit.figures import figure_png, literal_text
from pzk_kit.resources import data_path, read_table
from pzk_kit.survey_instrument import load_instrument
from pzk_kit.tables import polish_number

TEMPLATE = "podsumowanie.html.j2"
MAX_BARS = 60  # above this a bar per gmina is unreadable: distributions instead
_BAR = "#0b4f8a"
_GREY = "#9e9e9e"


@cache
def column_labels() -> dict[str, str]:
    labels = {row["kolumna"]: row["etykieta"] for row in read_table("szablony", "podsumowanie_kolumny.csv")}
    labels.update({f"czynnik_{f.code}": f.name for f in load_instrument().factors})
    return labels


def _number(value: Any) -> float | None:
    if value in (None, ""):
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _factor_mean(record: dict[str, Any]) -> float | None:
    scores = [_number(v) for k, v in record.items() if k.startswith("czynnik_")]
    scores = [s for s in scores if s is not None]
    return round(sum(scores) / len(scores), 2) if scores else None


def _coverage(record: dict[str, Any]) -> float | None:
    needs, covered = _number(record["potrzeby"]), _number(record["potrzeby_pokryte"])
    return 100 * covered / needs if needs else None


def _bars(ax, names: list[str], values: list[float | None], title: str, colours: list[str], fmt) -> None:
    y = np.arange(len(names))
    shown = [v if v is not None else 0 for v in values]
    ax.barh(y, shown, color=colours, height=0.7)
    for k, value in enumerate(values):
        ax.text(shown[k], k, f" {fmt(value)}" if value is not None else " brak danych", va="center",
                fontsize=8.5, color="#333" if value is not None else _GREY)
    ax.set_yticks(y, names, fontsize=9)
    ax.invert_yaxis()
    ax.set_title(title, fontsize=11, loc="left", fontweight="bold")
    ax.spines[["top", "right"]].set_visible(False)
    ax.tick_params(axis="x", labelsize=8.5)
    ax.margins(x=0.25)


def _histogram(ax, values: list[float | None], title: str, unit: str) -> None:
    known = [v for v in values if v is not None]
    if known:
        ax.hist(known, bins=min(30, max(5, len(known) // 20)), color=_BAR)
    ax.set_title(f"{title}\n(gmin z danymi: {len(known)} z {len(values)})", fontsize=11, loc="left",
                 fontweight="bold")
    ax.set_xlabel(unit, fontsize=9)
    ax.set_ylabel("liczba gmin", fontsize=9)
    ax.spines[["top", "right"]].set_visible(False)


@literal_text
def comparison_figure(records: list[dict[str, Any]]) -> Figure:
    """Density, needs coverage and the mean survey score per gmina (bars), or their distributions (many gminas)."""
    names = [str(r["nazwa"] or r["gmina"]) for r in records]
    if len(set(names)) < len(names):  # two files of one gmina (e.g. before and after corrections): tell them apart
        names = [f"{name} ({r['gmina']})" for name, r in zip(names, records, strict=True)]
    density = [_number(r["gestosc"]) for r in records]
    coverage = [_coverage(r) for r in records]
    survey = [_factor_mean(r) for r in records]
    many = len(records) > MAX_BARS
    height = 4.2 if many else max(2.6, 0.32 * len(records) + 1.4)
    figure = Figure(figsize=(14, height), layout="constrained")
    axes = figure.subplots(1, 3, sharey=not many)
    if many:
        _histogram(axes[0], density, "Gęstość sieci współpracy", "gęstość (0–1)")
        _histogram(axes[1], coverage, "Potrzeby z diagnozy, które mają usługę", "% potrzeb")
        _histogram(axes[2], survey, "Średnia ocen w ankiecie samooceny", "średnia (1–5)")
    else:
        _bars(axes[0], names, density, "Gęstość sieci współpracy", [_BAR] * len(names), polish_number)
        _bars(axes[1], names, coverage, "Potrzeby z diagnozy, które mają usługę [%]",
              ["#c62828" if c is not None and c < 75 else _BAR for c in coverage],
              lambda v: f"{v:.0f}%")
        _bars(axes[2], names, survey, "Średnia ocen w ankiecie (ostatni pomiar)",
              [BAND_COLOURS.get(band(s), _GREY) if s is not None else _GREY for s in survey], polish_number)
        axes[2].set_xlim(0, 5)
    for ax in axes:
        ax.xaxis.set_major_formatter(FuncFormatter(lambda value, _pos: f"{value:g}".replace(".", ",")))
        for label in ax.get_yticklabels() + ax.get_xticklabels():
            label.set_fontfamily(FONT)
    return figure


def render_regional_html(header: list[str], rows: list[list[Any]], errors: list[dict[str, str]],
                         *, day: dt.date | None = None) -> str:
    """The whole page; ``header``/``rows`` as in ``podsumowanie.csv`` (raw values, not yet Excel-formatted)."""
    records = [dict(zip(header, row, strict=True)) for row in rows]
    labels = column_labels()
    charts = []
    if records:
        png = figure_png(comparison_figure(records))
        charts.append({
            "png": base64.b64encode(png).decode("ascii"),
            "alt": "Porównanie gmin: gęstość sieci, pokrycie potrzeb usługami, średnia ocen w ankiecie",
            "caption": "Na czerwono: mniej niż 75% potrzeb z diagnozy ma usługę w koszyku. Kolory ankiety: zielony — "
                       "mocna strona (≥ 4,0), żółty — do obserwacji (3,0–3,99), czerwony — wymaga uwagi (< 3,0); "
                       "szary — brak ankiety lub za mało odpowiedzi.",
        })
    needs = sum(_number(r["potrzeby"]) or 0 for r in records)
    covered = sum(_number(r["potrzeby_pokryte"]) or 0 for r in records)
    environment = jinja2.Environment(loader=jinja2.FileSystemLoader(str(data_path("szablony"))), autoescape=True,
                                     undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    return environment.get_template(TEMPLATE).render(
        count=len(records),
        day=(day or dt.date.today()).strftime("%d.%m.%Y"),
        version=__version__,
        partners=int(sum(_number(r["partnerzy"]) or 0 for r in records)),
        coverage=f"{100 * covered / needs:.0f}%" if needs else "—",
        charts=charts,
        columns=[{"label": labels.get(c, c)} for c in header],
        rows=[[{"text": polish_number(v) if v not in (None, "") else "—", "numeric": isinstance(v, int | float)}
               for v in row] for row in rows],
        errors=errors,
    )
