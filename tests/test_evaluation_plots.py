"""Survey pictures: Polish titles and legends, withheld values never drawn as 0, a message for empty input."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pandas as pd
import pytest
from matplotlib.collections import PolyCollection
from matplotlib.patches import Rectangle

from pzk_kit import evaluation, read_gmina
from pzk_kit.evaluation.plots import (
    draw_factor_bands,
    draw_factor_radar,
    draw_item_distributions,
)
from pzk_kit.figures import figure_png
from pzk_kit.workbook.example import example_dir


@pytest.fixture(scope="module")
def data():
    return read_gmina(example_dir())


def _texts(figure) -> list[str]:
    return [t.get_text() for t in figure.findobj(matplotlib.text.Text)]


def _legend_texts(figure) -> list[str]:
    legends = [*figure.legends, *(ax.get_legend() for ax in figure.axes)]
    return [t.get_text() for legend in legends if legend is not None for t in legend.get_texts()]


def test_radar_of_example(data):
    figure = draw_factor_radar(evaluation.factor_scores(data))
    texts = _texts(figure)
    assert "Ocena współpracy: czynniki w kolejnych pomiarach" in texts
    assert any("Współdecydowanie" in t for t in texts)
    legend = _legend_texts(figure)
    assert legend[:2] == ["T0", "T1"]
    assert any("mocna strona" in t for t in legend) and any("do obserwacji" in t for t in legend)
    assert figure_png(figure).startswith(b"\x89PNG")


def test_radar_leaves_suppressed_values_out():
    scores = {"dialog": {"T0": 3.5, "T1": None}, "zaufanie": {"T0": 4.2, "T1": 4.4},
              "zasoby": {"T0": 2.5, "T1": 3.1}}
    figure = draw_factor_radar(scores)
    ax = figure.axes[0]
    series = [line for line in ax.get_lines() if line.get_marker() == "o"]
    radii = np.concatenate([np.asarray(line.get_ydata(), dtype=float) for line in series])
    assert np.isnan(radii).any()  # the gap
    assert np.nanmin(radii) >= 1  # nothing dropped to 0 (or the centre)
    assert any("T1: ukryte" in t for t in _texts(figure))
    assert any("mniej niż 3 osoby" in t for t in _legend_texts(figure))
    assert ax.get_ylim()[0] == 1


def test_bands_of_example(data):
    table = evaluation.factor_table(data)
    figure = draw_factor_bands(table)
    texts = _texts(figure)
    assert "Mocne strony i obszary do pracy" in texts
    assert "4,57" in texts  # Przywództwo lidera in T1, with a decimal comma
    legend = _legend_texts(figure)
    for name in ("mocna strona", "do obserwacji", "wymaga uwagi", "pomiar T0"):
        assert any(name in t for t in legend)


def test_bands_show_suppressed_as_text_not_bar():
    table = pd.DataFrame({"Czynnik": ["Dialog", "Zaufanie"], "T0": [3.2, None], "T1": [None, 4.1],
                          "Pasmo": [None, "mocna strona"]})
    figure = draw_factor_bands(table)
    ax = figure.axes[0]
    bars = [p for p in ax.patches if isinstance(p, Rectangle)]
    assert [round(b.get_width(), 2) for b in bars] == [4.1]
    assert "ukryte (mniej niż 3 osoby)" in _texts(figure)


def test_item_distributions(data):
    distribution = evaluation.item_distribution(data, "T1")
    distribution.loc[0, ["1", "2", "3", "4", "5", "Nie wiem", "Brak odpowiedzi"]] = None
    figure = draw_item_distributions(distribution, "T1")
    texts = _texts(figure)
    assert "Rozkład odpowiedzi na pytania — pomiar T1" in texts
    assert "ukryte (mniej niż 3 odpowiedzi)" in texts
    assert any(t.startswith("q30") for t in texts)
    legend = _legend_texts(figure)
    assert {"1 — zdecydowanie się nie zgadzam", "5 — zdecydowanie się zgadzam", "nie wiem",
            "brak odpowiedzi"} <= set(legend)
    # every shown bar is a 100 % bar: shares of each row add up to 1
    widths: dict[float, float] = {}
    for bar in figure.axes[0].patches:
        widths[bar.get_y()] = widths.get(bar.get_y(), 0) + bar.get_width()
    assert all(abs(w - 1) < 1e-9 for w in widths.values())


@pytest.mark.parametrize(("draw", "empty"), [
    (draw_factor_radar, {}),
    (draw_factor_bands, pd.DataFrame(columns=["Czynnik", "Pasmo"])),
    (draw_item_distributions, pd.DataFrame()),
])
def test_empty_input_gives_message(draw, empty):
    figure = draw(empty)
    assert any(t.startswith("Brak") for t in _texts(figure))
    assert not any(isinstance(c, PolyCollection) for ax in figure.axes for c in ax.collections)


# -- the answer-distribution chart reads without the questionnaire at hand, and without colour vision -------------

# Machado et al. (2009), severity 1.0: how a deuteranope / protanope sees an sRGB colour (linear approximation).
DEUTERANOPIA = np.array([[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413],
                         [-0.011820, 0.042940, 0.968881]])
PROTANOPIA = np.array([[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216],
                       [-0.003882, -0.048116, 1.051998]])


def test_item_distribution_labels_carry_the_item_text(data):
    distribution = evaluation.item_distribution(data, "T1")
    figure = draw_item_distributions(distribution, "T1")
    labels = [t.get_text().replace("\n", " ") for t in figure.axes[0].get_yticklabels()]
    assert len(labels) == len(distribution) == 30
    first = labels[0]
    assert first.startswith("q01 Ważne decyzje dotyczące PZK podejmujemy wspólnie")
    # a long item is shortened with an ellipsis, a reversed one keeps its mark; no label is a bare code any more
    assert any(label.endswith("…") for label in labels)
    assert any(label.startswith("q03 ") and label.endswith("(odwr.)") for label in labels)
    assert all(len(label.split()) > 2 for label in labels)
    assert all(len(line) <= 50 for t in figure.axes[0].get_yticklabels() for line in t.get_text().split("\n"))
    # the longest label is not cut at the picture's edge
    import io

    from PIL import Image

    pixels = np.asarray(Image.open(io.BytesIO(figure_png(figure))).convert("L"))
    assert pixels[:, :8].min() > 200


def test_answer_colours_are_distinct_also_for_colour_blind_readers():
    from pzk_kit.evaluation.plots import ANSWER_COLOURS, ANSWER_HATCH, HIDDEN_COLOUR

    rgb = {answer: np.array(matplotlib.colors.to_rgb(colour)) for answer, colour in ANSWER_COLOURS.items()}
    scale = ["1", "2", "3", "4", "5"]
    for simulation in (np.eye(3), DEUTERANOPIA, PROTANOPIA):
        seen = {answer: np.clip(simulation @ value, 0, 1) for answer, value in rgb.items()}
        distances = [np.linalg.norm(seen[a] - seen[b]) for i, a in enumerate(scale) for b in scale[i + 1:]]
        assert min(distances) > 0.15, distances
    # the middle of the scale is not white (the gaps between segments are) and not a grey of the non-answers
    assert np.linalg.norm(rgb["3"] - np.ones(3)) > 0.15
    greys = [matplotlib.colors.to_rgb(HIDDEN_COLOUR), rgb["Nie wiem"], rgb["Brak odpowiedzi"]]
    assert all(np.linalg.norm(rgb[a] - np.array(g)) > 0.15 for a in scale for g in greys)
    assert "Nie wiem" in ANSWER_HATCH  # told apart from "no answer" by pattern, not only by shade


def test_evaluation_charts_describe_themselves_in_polish(data):
    from pzk_kit.figures import alt_text

    table = evaluation.factor_table(data)
    bands = alt_text(draw_factor_bands(table))
    trust = table.set_index("Czynnik").loc["Zaufanie"]
    assert bands.startswith("Mocne strony i obszary do pracy: średnie ocen czynników w pomiarze T1")
    assert f"Zaufanie {trust['T1']:.2f}".replace(".", ",") in bands
    assert f"(w T0: {trust['T0']:.2f})".replace(".", ",") in bands
    radar = alt_text(draw_factor_radar(evaluation.factor_scores(data)))
    assert "wykres radarowy" in radar and "Przepływ informacji: T0 " in radar
    items = alt_text(draw_item_distributions(evaluation.item_distribution(data, "T1"), "T1"))
    assert items.startswith("Rozkład odpowiedzi na pytania — pomiar T1: 30 pytań")
    assert "Najwięcej odpowiedzi korzystnych: q" in items and "Najmniej: q" in items
    hidden = draw_factor_radar({"zaufanie": {"T0": None, "T1": 3.2}})
    assert "Zaufanie: T0 ukryte (mniej niż 3 osoby), T1 3,20" in alt_text(hidden)
    empty = alt_text(draw_item_distributions(pd.DataFrame()))
    assert empty.endswith("Brak odpowiedzi na pytania ankiety do pokazania.")
