"""Showing and saving the kit's matplotlib figures the same way everywhere.

Figures are built without pyplot (nothing to close, nothing leaks in batch runs), so they are shown as PNG
images explicitly: that works under papermill, nbconvert, Voila and JupyterLab, whatever backend is active.
"""

from __future__ import annotations

import functools
import io
from collections.abc import Callable

import matplotlib as mpl
from matplotlib.figure import Figure

DPI = 110
LITERAL_TEXT = {"text.parse_math": False}


def literal_text(function: Callable) -> Callable:
    """Run ``function`` with every text it creates shown as typed.

    Names come from the data: a partner called "Koło $a$ i $b$" would lose its dollars to mathtext, and one with
    "$\\x$" would stop the drawing with an error. Matplotlib reads ``text.parse_math`` when a text is created, and
    tick labels are created when the figure is drawn, so both the drawing functions and the PNG encoders use this.
    """

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        with mpl.rc_context(LITERAL_TEXT):
            return function(*args, **kwargs)

    return wrapper


LIVE_COMPRESS_LEVEL = 1  # zlib's fastest: a live map is encoded while the room waits, and only sent next door


@literal_text
def figure_png(figure: Figure, dpi: int = DPI) -> bytes:
    """PNG bytes. Figures with a layout engine already fill their canvas: trimming them ("tight") would draw
    them a second time for nothing, which a workshop feels on every filter change of the live map."""
    buffer = io.BytesIO()
    trim = None if figure.get_layout_engine() is not None else "tight"
    figure.savefig(buffer, format="png", dpi=dpi, bbox_inches=trim, facecolor="white")
    return buffer.getvalue()


@literal_text
def live_png(figure: Figure) -> bytes:
    """PNG bytes of a figure redrawn while a room waits (the live map), drawn once at its own size and resolution.

    Compared with :func:`figure_png`: no layout pass and no trimming (the figure must not need them, as
    :func:`pzk_kit.network.plots.draw_live_network` does not), RGB instead of RGBA (the background is opaque white
    anyway) and the fastest zlib level: the file stays about as small (a few per cent either way) while level 6
    would cost a third of a filter change. The pixels are the same.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from PIL import Image

    # a figure drawn for this has its canvas already, with text sizes measured while it was laid out
    canvas = figure.canvas if isinstance(figure.canvas, FigureCanvasAgg) else FigureCanvasAgg(figure)
    background = figure.get_facecolor()
    figure.set_facecolor("white")
    try:
        canvas.draw()
    finally:
        figure.set_facecolor(background)
    width, height = canvas.get_width_height(physical=True)
    image = Image.frombuffer("RGBA", (width, height), canvas.buffer_rgba(), "raw", "RGBA", 0, 1).convert("RGB")
    buffer = io.BytesIO()
    image.save(buffer, format="png", compress_level=LIVE_COMPRESS_LEVEL)
    return buffer.getvalue()


ALT_ATTRIBUTE = "pzk_alt"
UNDESCRIBED = "Wykres"


def describe(figure: Figure, text: str) -> Figure:
    """Attach the chart's text alternative: what it shows and its key numbers, in Polish, for screen readers.

    A gmina publishes the reports on its BIP, where WCAG 2.1 AA applies (ustawa o dostępności cyfrowej): a blind
    councillor must get from the picture what the room gets. The drawing functions compose the text from the same
    numbers they draw, so the words and the picture cannot disagree.
    """
    setattr(figure, ALT_ATTRIBUTE, " ".join(str(text).split()))
    return figure


def alt_text(figure: Figure) -> str:
    """The text given by :func:`describe`; a figure nobody described is at least named by its titles."""
    text = getattr(figure, ALT_ATTRIBUTE, None)
    if text:
        return text
    suptitle = figure._suptitle.get_text() if figure._suptitle is not None else ""
    titles = [suptitle] + [ax.get_title(loc) for ax in figure.axes for loc in ("left", "center", "right")]
    titles = [" ".join(t.split()) for t in titles if t and t.strip()]
    return f"{UNDESCRIBED}: {'; '.join(titles)}" if titles else UNDESCRIBED


def show(figure: Figure, alt: str | None = None) -> None:
    """Display a figure in a notebook or widget output as a PNG image with its text alternative."""
    show_png(figure_png(figure), alt=alt or alt_text(figure))


def show_png(png: bytes, alt: str | None = None, *, as_html: bool = False) -> None:
    """Display PNG bytes made earlier (e.g. a live map kept for when the room returns to the same filters).

    The text alternative travels as the image's ``alt`` metadata; the report template
    (``data/szablony_html/pzk_raport``) writes it into the ``<img alt>`` of the HTML reports. JupyterLab's and
    Voila's image renderer ignore that metadata, so a page checked live (the app) asks for ``as_html``: an
    ``<img alt>`` with the PNG inline, which their HTML sanitizer keeps (it checks schemes of links, not images).
    """
    from IPython.display import HTML, Image, display

    if as_html:
        display(HTML(str(image_html(png, alt or UNDESCRIBED))))
    else:
        display(Image(data=png, format="png", alt=alt or UNDESCRIBED))


def image_html(png: bytes, alt: str):
    """``<img>`` with the PNG inline and the text alternative escaped (it quotes partner names)."""
    import base64

    from pzk_kit.safe_html import markup

    return markup('<img src="data:image/png;base64,{}" alt="{}" style="max-width:100%;height:auto">',
                  base64.b64encode(png).decode("ascii"), alt)
