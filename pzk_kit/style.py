"""The kit's one look: font, house colours, band colours and thresholds, and the figure that says "nothing to show".

Charts, tables, templates and documents used to carry their own copies of these, and copies drift: a band line
drawn at 4.0 while the table's band came from ``data/ankieta/metadane.csv``, or a navy that one file changes and
another keeps. Every module reads them from here, and the band thresholds from the same file the tables use.

Nothing here imports matplotlib at module level: the templates and the HTML tables need the colours without it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from matplotlib.figure import Figure

# Polish letters on every chart: DejaVu Sans comes with matplotlib and has every glyph, on every machine.
FONT = "DejaVu Sans"
TITLE_SIZE = 18

# -- house colours -------------------------------------------------------------------------------------------------
# The data files (the app's CSS, the summary page's template) write the navy too; they cannot import it.
NAVY = "#1f3864"  # headers of tables, templates and documents
GREEN = "#2e7d32"  # good: a strong factor, a covered need
AMBER = "#f9a825"  # watch
RED = "#c62828"  # needs attention: a gap, a weak factor, a low coverage
GREY = "#9e9e9e"  # unknown, neutral, no data
INK = "#1a1a1a"  # text printed on light colours
EDGE = "#333333"  # outlines of bars

# -- survey bands --------------------------------------------------------------------------------------------------
STRONG, WATCH, ATTENTION = "mocna strona", "do obserwacji", "wymaga uwagi"
BAND_COLOURS = {STRONG: GREEN, WATCH: AMBER, ATTENTION: RED}
# a band's name printed on white in its own colour: darker shades, so the words stay readable (contrast ≥ 4.5:1)
BAND_TEXT_COLOURS = {STRONG: "#1b5e20", WATCH: "#a86400"}

_DEFAULT_THRESHOLDS = (4.0, 3.0)


class BandThresholds(NamedTuple):
    """Lowest scores of the upper bands: ``strong`` and above is "mocna strona", ``watch`` and above "do
    obserwacji", anything lower "wymaga uwagi"."""

    strong: float
    watch: float


def _number(text: str | None, default: float) -> float:
    return default if not text else float(str(text).replace(",", "."))


def band_thresholds() -> BandThresholds:
    """The thresholds of ``data/ankieta/metadane.csv`` (``prog_mocna``, ``prog_obserwacja``), the ones the
    tables' bands come from (:func:`pzk_kit.evaluation.band`), so a line on a chart sits where the tables change
    band."""
    from pzk_kit.evaluation.instrument import load_instrument

    instrument = load_instrument()
    meta = instrument.meta if instrument is not None else {}
    strong, watch = _DEFAULT_THRESHOLDS
    return BandThresholds(_number(meta.get("prog_mocna"), strong), _number(meta.get("prog_obserwacja"), watch))


def band_of(score: float) -> str:
    """The band of a (known) score: the tables' own rule (:func:`pzk_kit.evaluation.band`), not a copy of it."""
    from pzk_kit.evaluation import band

    return band(score)


def excel_colour(colour: str) -> str:
    """``#1f3864`` as openpyxl and Word want it: ``1F3864``."""
    return colour.lstrip("#").upper()


# -- the figure that says there is nothing to draw -------------------------------------------------------------------


class MessageLook(NamedTuple):
    """How big the message is and where it sits; a look also says whether the figure lays itself out."""

    message_size: float
    message_y: float  # a fraction of the axes' height
    constrained: bool  # a constrained layout fills its canvas; without one, the PNG is trimmed to its content


WALL_CARD_SIZE = (10.0, 3.0)
WALL = MessageLook(message_size=14, message_y=0.45, constrained=False)  # basket and survey charts: a short card
PROJECTOR = MessageLook(message_size=16, message_y=0.5, constrained=True)  # network charts: the size of the chart


def message_figure(title: str, message: str, size: tuple[float, float] = WALL_CARD_SIZE, *,
                   look: MessageLook = WALL) -> Figure:
    """A chart's title and a sentence in place of the chart (no data, no ties): the room sees why it is empty.

    The text alternative is the same two texts, ended with a full stop.
    """
    import matplotlib as mpl
    from matplotlib.figure import Figure

    from pzk_kit.figures import LITERAL_TEXT, describe

    with mpl.rc_context(LITERAL_TEXT):
        figure = Figure(figsize=size, layout="constrained" if look.constrained else None)
        ax = figure.add_subplot()
        ax.set_axis_off()
        ax.set_title(title, fontsize=TITLE_SIZE, fontweight="bold", loc="left", family=FONT)
        ax.text(0.5, look.message_y, message, ha="center", va="center", fontsize=look.message_size, family=FONT,
                wrap=True, transform=ax.transAxes)
    ended = message if message.rstrip().endswith((".", "!", "?", "…")) else f"{message}."
    return describe(figure, f"{title}: {ended}")
