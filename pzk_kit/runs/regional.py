"""``podsumowanie.html``: the page a regional centre (ROPS) reads, on screen and on paper, to compare its gminas.

Three questions a region asks, one chart each: which gminas' partnerships are dense or thin, whose service
baskets leave needs of the local diagnosis uncovered, and how partners themselves rate the cooperation. Up to
about sixty gminas each gets its own bar; a national run over thousands shows distributions instead. The page is
self-contained (charts embedded, no internet) so it can be mailed or opened offline.

The thirty-odd columns of ``podsumowanie.csv`` do not fit one readable table (on A4 they were cut after twelve),
so the page shows them in narrower tables by topic (``podsumowanie_grupy.csv``), each led by the gmina's name and
narrow enough for a 1024-pixel screen and an A4 landscape page; the bar charts come in blocks of
:data:`CHART_ROWS` gminas, one block per printed page. Above :data:`MAX_BARS` gminas the per-gmina tables fold
away on screen and stay off paper (thousands of rows would be hundreds of pages): the page prints the
distributions and a table of quartiles instead, and the full table is one click away and in the CSV.
"""

from __future__ import annotations

import base64
import datetime as dt
import math
import textwrap
from dataclasses import dataclass
from fnmatch import fnmatchcase
from functools import cache
from typing import Any

import jinja2
import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from pzk_kit import __version__, polish
from pzk_kit.evaluation import band
from pzk_kit.evaluation.instrument import load_instrument
from pzk_kit.figures import figure_png, literal_text
from pzk_kit.resources import data_path, read_table
from pzk_kit.style import ATTENTION, BAND_COLOURS, FONT, GREY, RED, STRONG, WATCH
from pzk_kit.tables import polish_number

TEMPLATE = "podsumowanie.html.j2"
MAX_BARS = 60  # above this a bar per gmina is unreadable: distributions instead
CHART_ROWS = 20  # gminas per bar chart: a chart of twenty fits an A4 landscape page with readable names
LONG_TABLE = 15  # gminas above which each table starts a printed page of its own (below: tables share pages)
MAX_TABLE_COLUMNS = 11  # data columns per table (besides the gmina's name): what fits 1024 px and A4 landscape
FACTOR_TOKEN = "czynniki:"  # in podsumowanie_grupy.csv: every survey factor of one kind ("filar", "operacyjny")
_BAR = "#0b4f8a"
_GREY = GREY
_BAND_CLASSES = {STRONG: "pasmo-mocna", WATCH: "pasmo-obserwacja", ATTENTION: "pasmo-uwaga"}


@cache
def column_labels() -> dict[str, str]:
    labels = {row["kolumna"]: row["etykieta"] for row in read_table("szablony", "podsumowanie_kolumny.csv")}
    labels.update({f"czynnik_{f.code}": f.name for f in load_instrument().factors})
    return labels


@dataclass(frozen=True)
class ColumnGroup:
    """One table of the page: columns of ``podsumowanie.csv`` on one topic, in the CSV's order."""

    key: str
    title: str
    description: str
    columns: tuple[str, ...]


def _group_tokens(spec: dict[str, str]) -> list[str]:
    tokens = []
    for token in spec["kolumny"].split():
        if token.startswith(FACTOR_TOKEN):
            kind = token.removeprefix(FACTOR_TOKEN)
            tokens += [f"czynnik_{f.code}" for f in load_instrument().factors if f.kind == kind]
        else:
            tokens.append(token)
    return tokens


def column_groups(header: list[str]) -> list[ColumnGroup]:
    """Every column of ``header`` in exactly one table: named columns first, then patterns (``*`` takes the rest,
    so a column added to the CSV later shows up under "Pozostałe dane" rather than vanishing from the page)."""
    specs = read_table("szablony", "podsumowanie_grupy.csv")
    owner: dict[str, str] = {}
    for literal in (True, False):
        for spec in specs:
            for token in _group_tokens(spec):
                if literal == any(c in token for c in "*?["):
                    continue
                for column in header:
                    if column not in owner and fnmatchcase(column, token):
                        owner[column] = spec["grupa"]
    groups = []
    for spec in specs:
        columns = [c for c in header if owner.get(c, specs[-1]["grupa"]) == spec["grupa"]]
        data_columns = [c for c in columns if c != "nazwa"]
        parts = max(1, math.ceil(len(data_columns) / MAX_TABLE_COLUMNS))
        size = math.ceil(len(data_columns) / parts) if data_columns else 0
        for part in range(parts):
            chunk = data_columns[part * size:(part + 1) * size]
            if part == 0 and "nazwa" in columns:
                chunk = ["nazwa", *chunk]
            if not chunk:
                continue
            title = spec["tytul"] if parts == 1 else f"{spec['tytul']} (część {part + 1} z {parts})"
            groups.append(ColumnGroup(f"{spec['grupa']}-{part + 1}" if parts > 1 else spec["grupa"], title,
                                      spec["opis"], tuple(chunk)))
    return groups


def _number(value: Any) -> float | None:
    if value in (None, "") or isinstance(value, bool):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _factor_mean(record: dict[str, Any]) -> float | None:
    scores = [_number(v) for k, v in record.items() if k.startswith("czynnik_")]
    scores = [s for s in scores if s is not None]
    return round(sum(scores) / len(scores), 2) if scores else None


def _coverage(record: dict[str, Any]) -> float | None:
    needs, covered = _number(record.get("potrzeby")), _number(record.get("potrzeby_pokryte"))
    return 100 * covered / needs if needs and covered is not None else None


def display_names(records: list[dict[str, Any]]) -> list[str]:
    """What names a gmina in the charts and tables: its name, with its file when two files share one."""
    names = [str(r.get("nazwa") or r["gmina"]) for r in records]
    if len(set(names)) < len(names):  # two files of one gmina (e.g. before and after corrections): tell them apart
        names = [f"{name} ({r['gmina']})" for name, r in zip(names, records, strict=True)]
    return names


def _bars(ax, names: list[str], values: list[float | None], title: str, colours: list[str], fmt,
          limit: float | None) -> None:
    y = np.arange(len(names))
    shown = [v if v is not None else 0 for v in values]
    ax.barh(y, shown, color=colours, height=0.7)
    for k, value in enumerate(values):
        ax.text(shown[k], k, f" {fmt(value)}" if value is not None else " brak danych", va="center",
                fontsize=8.5, color="#333" if value is not None else _GREY)
    ax.set_yticks(y, names, fontsize=9)
    ax.set_ylim(len(names) - 0.5, -0.5)
    # long gmina names narrow the panels: a title in two lines does not run into the next panel's
    ax.set_title(textwrap.fill(title, 30), fontsize=11, loc="left", fontweight="bold")
    ax.spines[["top", "right"]].set_visible(False)
    ax.tick_params(axis="x", labelsize=8.5)
    if limit:
        ax.set_xlim(0, limit)
    else:
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


def _measures(records: list[dict[str, Any]]) -> tuple[list, list, list]:
    return ([_number(r.get("gestosc")) for r in records], [_coverage(r) for r in records],
            [_factor_mean(r) for r in records])


def _limit(values: list[float | None], floor: float) -> float:
    """One x range for every block of bars (so blocks compare), with room right of the longest bar for its value."""
    known = [v for v in values if v is not None]
    return 1.3 * max([floor, *known])


@literal_text
def comparison_figure(records: list[dict[str, Any]], *, names: list[str] | None = None,
                      limits: tuple[float, float] | None = None) -> Figure:
    """Density, needs coverage and the mean survey score per gmina (bars), or their distributions (many gminas).

    ``limits`` (density, coverage) keep the x axes of the blocks of a long list equal, so bars compare across
    printed pages."""
    names = names or display_names(records)
    density, coverage, survey = _measures(records)
    many = len(records) > MAX_BARS
    height = 4.2 if many else max(2.6, 0.32 * len(records) + 1.4)
    figure = Figure(figsize=(14, height), layout="constrained")
    axes = figure.subplots(1, 3, sharey=not many)
    if many:
        _histogram(axes[0], density, "Gęstość sieci współpracy", "gęstość (0–1)")
        _histogram(axes[1], coverage, "Potrzeby z diagnozy, które mają usługę", "% potrzeb")
        _histogram(axes[2], survey, "Średnia ocen w ankiecie samooceny", "średnia (1–5)")
    else:
        density_limit, coverage_limit = limits or (None, None)
        _bars(axes[0], names, density, "Gęstość sieci współpracy", [_BAR] * len(names), polish_number,
              density_limit)
        _bars(axes[1], names, coverage, "Potrzeby z diagnozy, które mają usługę [%]",
              [RED if c is not None and c < 75 else _BAR for c in coverage],
              lambda v: f"{v:.0f}%", coverage_limit)
        _bars(axes[2], names, survey, "Średnia ocen w ankiecie (ostatni pomiar)",
              [BAND_COLOURS.get(band(s), _GREY) if s is not None else _GREY for s in survey], polish_number, None)
        axes[1].set_xticks(range(0, 101, 20))  # the room right of 100% is for the values, not a scale beyond it
        axes[2].set_xlim(0, 5)
    for ax in axes:
        ax.xaxis.set_major_formatter(FuncFormatter(lambda value, _pos: polish.comma(value)))
        for label in ax.get_yticklabels() + ax.get_xticklabels():
            label.set_fontfamily(FONT)
    return figure


def _extremes(names: list[str], values: list[float | None], fmt) -> str:
    known = [(v, n) for v, n in zip(values, names, strict=True) if v is not None]
    if not known:
        return "brak danych"
    low, high = min(known, key=lambda p: p[0]), max(known, key=lambda p: p[0])
    if low[0] == high[0]:
        return f"{fmt(high[0])} w każdej gminie z danymi" if len(known) > 1 else f"{fmt(high[0])} ({high[1]})"
    return f"od {fmt(low[0])} ({low[1]}) do {fmt(high[0])} ({high[1]})"


def _percent(value: float) -> str:
    return f"{value:.0f}%"


def _median(values: list[float | None], fmt) -> str:
    known = [v for v in values if v is not None]
    return f"mediana {fmt(float(np.median(known)))}, gmin z danymi {len(known)} z {len(values)}" if known \
        else "brak danych"


def _charts(records: list[dict[str, Any]], names: list[str]) -> list[dict[str, str]]:
    legend = ("Na czerwono: mniej niż 75% potrzeb z diagnozy ma usługę w koszyku. Kolory ankiety: zielony — mocna "
              "strona (≥ 4,0), żółty — do obserwacji (3,0–3,99), czerwony — wymaga uwagi (< 3,0); szary — brak "
              "ankiety lub za mało odpowiedzi.")
    if not records:
        return []
    density, coverage, survey = _measures(records)
    if len(records) > MAX_BARS:
        alt = (f"Histogramy dla {len(records)} gmin: gęstość sieci współpracy ({_median(density, polish_number)}); "
               f"odsetek potrzeb z diagnozy, które mają usługę ({_median(coverage, _percent)}); średnia ocen w "
               f"ankiecie samooceny ({_median(survey, polish_number)}).")
        png = figure_png(comparison_figure(records, names=names))
        return [{"png": base64.b64encode(png).decode("ascii"), "alt": alt,
                 "caption": f"Rozkład wyników {len(records)} gmin: wysokość słupka to liczba gmin w przedziale. "
                            "Kwartyle wszystkich liczb są w tabeli pod wykresem."}]
    limits = (_limit(density, 0.1), _limit(coverage, 100))
    blocks = math.ceil(len(records) / CHART_ROWS)
    size = math.ceil(len(records) / blocks)
    charts = []
    for start in range(0, len(records), size):
        part = slice(start, start + size)
        which = (f"gminy {start + 1}–{min(start + size, len(records))} z {len(records)}" if blocks > 1
                 else f"{len(records)} gmin" if len(records) > 1 else "1 gmina")
        alt = (f"Wykres słupkowy, {which}: gęstość sieci współpracy "
               f"{_extremes(names[part], density[part], polish_number)}; potrzeby z diagnozy, które mają usługę, "
               f"{_extremes(names[part], coverage[part], _percent)}; średnia ocen w ankiecie "
               f"{_extremes(names[part], survey[part], polish_number)}. Dokładne liczby są w tabelach gmin poniżej.")
        png = figure_png(comparison_figure(records[part], names=names[part], limits=limits))
        charts.append({"png": base64.b64encode(png).decode("ascii"), "alt": alt,
                       "caption": (f"{which[0].upper()}{which[1:]}. " if blocks > 1 else "") + legend})
    return charts


def _cell(column: str, value: Any) -> dict[str, Any]:
    numeric = isinstance(value, int | float) and not isinstance(value, bool)
    text = polish_number(value) if value not in (None, "") else "—"
    shade = _BAND_CLASSES.get(band(_number(value))) if column.startswith("czynnik_") and numeric else None
    return {"text": text, "numeric": numeric, "shade": shade}


def _quartiles(groups: list[ColumnGroup], records: list[dict[str, Any]], labels: dict[str, str]) -> list[dict]:
    """Per numeric column: how many gminas have it, minimum, quartiles, maximum: the national table in print."""
    sections = []
    for group in groups:
        rows = []
        for column in group.columns:
            raw = [r.get(column) for r in records]
            if not any(isinstance(v, int | float) and not isinstance(v, bool) for v in raw):
                continue
            known = np.array([v for v in map(_number, raw) if v is not None])
            stats = np.percentile(known, [0, 25, 50, 75, 100]) if known.size else [None] * 5
            rows.append({"label": labels.get(column, column), "count": int(known.size),
                         "stats": [polish_number(round(float(s), 2)) if s is not None else "—" for s in stats]})
        if rows:
            sections.append({"title": group.title, "rows": rows})
    return sections


# -- model variants: like with like ----------------------------------------------------------------------------

VARIANT_MEDIANS = ("partnerzy", "powiazania", "gestosc", "sredni_poziom", "zasieg_lidera", "uslugi",
                   "pokrycie_potrzeb", "luki", "respondenci", "srednia_ankiety")


def _variant_value(record: dict[str, Any], column: str) -> float | None:
    if column == "pokrycie_potrzeb":
        return _coverage(record)
    if column == "srednia_ankiety":
        return _factor_mean(record)
    return _number(record.get(column))


def variant_table(header: list[str], rows: list[list[Any]]) -> tuple[list[str], list[list[Any]]]:
    """``podsumowanie_warianty.csv``: per model variant present (wiejska, miejsko-wiejska, miejska, nieznany)
    the number of gminas and the median of each figure over the gminas that have it: a rural PZK of 14
    institutions is compared with rural ones, not with a city's 35."""
    from pzk_kit.evaluation.variants import UNKNOWN, VARIANTS, variant_label

    records = [dict(zip(header, row, strict=True)) for row in rows]
    out = []
    for label in [*(variant_label(code) for code in VARIANTS), UNKNOWN]:
        mine = [r for r in records if (r.get("wariant") or UNKNOWN) == label]
        if not mine:
            continue
        medians = []
        for column in VARIANT_MEDIANS:
            known = [v for v in (_variant_value(r, column) for r in mine) if v is not None]
            medians.append(round(float(np.median(known)), 4) if known else None)
        out.append([label, len(mine), *medians])
    return ["wariant", "gminy", *(f"mediana_{c}" for c in VARIANT_MEDIANS)], out


def _variant_section(header: list[str], rows: list[list[Any]], labels: dict[str, str]) -> dict[str, Any]:
    variant_header, variant_rows = variant_table(header, rows)
    columns = [{"key": c, "label": labels.get(c.removeprefix("mediana_"), c)} for c in variant_header[1:]]
    return {"columns": columns,
            "rows": [{"name": row[0], "cells": [_cell(c, v) for c, v in zip(variant_header[1:], row[1:],
                                                                                 strict=True)]}
                     for row in variant_rows]}


def _powiat_section(powiats: list) -> list[dict[str, Any]]:
    from pzk_kit.workbook.dictionaries import dictionary

    sectors, levels = dictionary("sektory"), dictionary("szczeble")
    return [{"label": p.label, "gminas": p.gminas,
             "shared": [{"name": s.name, "sector": sectors.label(s.sector) if s.sector else "—",
                         "level": levels.label(s.level) if s.level else "—", "count": len(s.gminas),
                         "gminas": s.gminas, "ties": s.ties,
                         "mean_level": polish_number(s.mean_level) if s.mean_level is not None else "—"}
                        for s in p.shared]}
            for p in powiats]


def render_regional_html(header: list[str], rows: list[list[Any]], errors: list[dict[str, str]],
                         *, day: dt.date | None = None, powiats: list | None = None) -> str:
    """The whole page; ``header``/``rows`` as in ``podsumowanie.csv`` (raw values, not yet Excel-formatted)."""
    records = [dict(zip(header, row, strict=True)) for row in rows]
    labels = column_labels()
    names = display_names(records)
    groups = column_groups(header)
    needs = sum(_number(r.get("potrzeby")) or 0 for r in records)
    covered = sum(_number(r.get("potrzeby_pokryte")) or 0 for r in records)
    tables = []
    for group in groups:
        led_by_name = group.columns[0] == "nazwa"
        columns = group.columns[1:] if led_by_name else group.columns
        tables.append({
            "key": group.key, "title": group.title, "description": group.description,
            "row_header": labels.get("nazwa", "Gmina") if led_by_name else "Gmina",
            "row_header_column": "nazwa" if led_by_name else "",
            "columns": [{"key": c, "label": labels.get(c, c),
                         "numeric": any(_cell(c, r.get(c))["numeric"] for r in records)} for c in columns],
            "rows": [{"name": (str(r.get("nazwa") or "—") if led_by_name else name),
                      "cells": [_cell(c, r.get(c)) for c in columns]} for r, name in zip(records, names, strict=True)],
        })
    many = len(records) > MAX_BARS
    environment = jinja2.Environment(loader=jinja2.FileSystemLoader(str(data_path("szablony"))), autoescape=True,
                                     undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    return environment.get_template(TEMPLATE).render(
        count=len(records),
        day=(day or dt.date.today()).strftime("%d.%m.%Y"),
        version=__version__,
        partners=int(sum(_number(r.get("partnerzy")) or 0 for r in records)),
        coverage=f"{100 * covered / needs:.0f}%" if needs else "—",
        charts=_charts(records, names),
        tables=tables,
        many=many,
        max_bars=MAX_BARS,
        long_table=LONG_TABLE,
        quartiles=_quartiles(groups, records, labels) if many else [],
        variants=_variant_section(header, rows, labels) if "wariant" in header and records else None,
        powiats=_powiat_section(powiats or []),
        errors=errors,
    )
