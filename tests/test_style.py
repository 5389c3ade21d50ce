"""One look for the kit (pzk_kit/style.py): band lines where the tables change band, one "nothing to show"
figure, and the house colours written in one module only."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import csv
import dataclasses
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from matplotlib.lines import Line2D

from pzk_kit import evaluation, style
from pzk_kit.evaluation.plots import draw_factor_bands, draw_factor_radar
from pzk_kit.figures import alt_text, figure_png
from pzk_kit.network.plots import draw_level_distribution, draw_sector_heatmap

PACKAGE = Path(style.__file__).parent
METADATA = PACKAGE / "data" / "ankieta" / "metadane.csv"

# Every module reads the house colours from style.py now; a file listed here would be a known exception.
OWNED_ELSEWHERE_FOR_NOW: set[str] = set()
HOUSE_COLOURS = {"NAVY": style.NAVY, "GREEN": style.GREEN, "AMBER": style.AMBER, "RED": style.RED}


def _metadata() -> dict[str, str]:
    with METADATA.open(encoding="utf-8") as handle:
        return {row["pole"]: row["wartosc"] for row in csv.DictReader(handle)}


def _number(text: str) -> float:
    return float(text.replace(",", "."))


# -- band thresholds: one source ---------------------------------------------------------------------------------


def test_band_thresholds_are_the_metadata_files():
    meta = _metadata()
    assert style.band_thresholds() == (_number(meta["prog_mocna"]), _number(meta["prog_obserwacja"]))


def test_band_names_are_the_metadata_files():
    meta = _metadata()
    names = (meta["pasmo_mocna"], meta["pasmo_obserwacja"], meta["pasmo_uwaga"])
    assert names == (style.STRONG, style.WATCH, style.ATTENTION)
    assert set(names) == set(style.BAND_COLOURS)


def test_charts_and_tables_put_a_score_in_the_same_band():
    strong, watch = style.band_thresholds()
    scores = {1.0, 5.0, strong, watch, strong - 0.01, watch - 0.01, strong + 0.01, *np.arange(1, 5.01, 0.05)}
    for score in sorted(round(float(s), 2) for s in scores):
        assert style.band_of(score) == evaluation.band(score), score


def test_band_chart_draws_its_lines_and_legend_at_the_tables_thresholds():
    strong, watch = style.band_thresholds()
    table = pd.DataFrame({"Czynnik": ["Dialog", "Zaufanie", "Zasoby"], "T0": [3.2, 4.1, 2.5],
                          "T1": [strong, watch, watch - 0.01]})
    figure = draw_factor_bands(table)
    ax = figure.axes[0]
    vertical = sorted(line.get_xdata()[0] for line in ax.get_lines() if line.get_linestyle() == ":")
    assert vertical == [watch, strong]
    colours = [matplotlib.colors.to_hex(bar.get_facecolor()) for bar in ax.patches]
    assert colours == [style.BAND_COLOURS[style.band_of(s)] for s in table["T1"]]
    legend = [t.get_text() for t in figure.legends[0].get_texts()]
    shown = f"{strong:.1f}".replace(".", ",")
    assert f"{style.STRONG} (≥ {shown})" in legend


def test_radar_rings_sit_at_the_tables_thresholds():
    strong, watch = style.band_thresholds()
    figure = draw_factor_radar({"dialog": {"T0": 3.5}, "zaufanie": {"T0": 4.2}, "zasoby": {"T0": 2.5}})
    dashed = [line for line in figure.axes[0].get_lines() if line.get_linestyle() == "--"]
    assert sorted(float(np.unique(line.get_ydata())[0]) for line in dashed) == [watch, strong]
    legend = [t.get_text() for t in figure.legends[0].get_texts()]
    assert f"{watch:.1f}".replace(".", ",") + f" — próg „{style.WATCH}”" in legend
    assert all(isinstance(h, Line2D) for h in figure.legends[0].legend_handles)


def test_thresholds_follow_the_metadata(monkeypatch):
    """A region that moves a threshold in metadane.csv moves the chart's line too, with no code change."""
    from pzk_kit.evaluation import instrument as survey_instrument

    instrument = survey_instrument.load_instrument()
    moved = dataclasses.replace(instrument, meta={**instrument.meta, "prog_mocna": "4,2"})
    monkeypatch.setattr(survey_instrument, "load_instrument", lambda: moved)
    assert style.band_thresholds().strong == 4.2
    assert style.band_of(4.1) == style.WATCH


# -- the "nothing to show" figure ------------------------------------------------------------------------------------


def _texts(figure) -> list[str]:
    return [t.get_text() for t in figure.findobj(matplotlib.text.Text)]


@pytest.mark.parametrize("look", [style.WALL, style.PROJECTOR])
def test_message_figure_has_the_title_and_the_message(look):
    figure = style.message_figure("Luki: potrzeby bez usługi", "Brak usług w koszyku $a$", (8, 4), look=look)
    texts = _texts(figure)
    assert "Luki: potrzeby bez usługi" in texts and "Brak usług w koszyku $a$" in texts
    assert tuple(figure.get_size_inches()) == (8, 4)
    assert alt_text(figure) == "Luki: potrzeby bez usługi: Brak usług w koszyku $a$."
    assert figure_png(figure).startswith(b"\x89PNG")  # dollars shown as typed, not as mathtext


def test_message_figure_ends_the_alt_text_once():
    assert alt_text(style.message_figure("Tytuł", "Brak danych.")) == "Tytuł: Brak danych."


def test_network_charts_use_the_shared_message_figure():
    empty = draw_level_distribution({})
    assert "Brak zgłoszonej współpracy w tym pomiarze" in _texts(empty)
    assert empty.get_layout_engine() is not None  # the projector's look: the chart's own size, laid out
    heatmap = draw_sector_heatmap(pd.DataFrame(), pd.DataFrame())
    assert tuple(heatmap.get_size_inches()) != tuple(empty.get_size_inches())


# -- one home for the look ----------------------------------------------------------------------------------------


def _modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if p.relative_to(PACKAGE).as_posix() != "style.py")


@pytest.mark.parametrize("name", sorted(HOUSE_COLOURS))
def test_only_style_writes_a_house_colour(name):
    digits = HOUSE_COLOURS[name].lstrip("#")
    literal = re.compile(rf"[\"'#]{digits}\b", re.IGNORECASE)
    found = [p.name for p in _modules()
             if p.name not in OWNED_ELSEWHERE_FOR_NOW and literal.search(p.read_text(encoding="utf-8"))]
    assert not found, f"{name} ({HOUSE_COLOURS[name]}) written outside pzk_kit/style.py: {found}"
    assert literal.search((PACKAGE / "style.py").read_text(encoding="utf-8"))


def test_only_style_defines_the_chart_font_and_the_message_figure():
    font = re.compile(rf"^\w*FONT\s*=\s*[\"']{style.FONT}", re.MULTILINE)  # documents' Calibri, Arial: not it
    message = re.compile(r"^def _?message_figure\b", re.MULTILINE)
    for path in _modules():
        text = path.read_text(encoding="utf-8")
        assert not font.search(text), path.name
        assert not message.search(text), path.name


def test_excel_gets_the_same_navy():
    assert style.excel_colour(style.NAVY) == "1F3864"
