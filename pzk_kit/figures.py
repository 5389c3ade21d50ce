"""Showing and saving the kit's matplotlib figures the same way everywhere.

Figures are built without pyplot (nothing to close, nothing leaks in batch runs), so they are shown as PNG
images explicitly: that works under papermill, nbconvert, Voila and JupyterLab, whatever backend is active.
"""

from __future__ import annotations

import io

from matplotlib.figure import Figure

DPI = 110


def figure_png(figure: Figure, dpi: int = DPI) -> bytes:
    """PNG bytes. Figures with a layout engine already fill their canvas: trimming them ("tight") would draw
    them a second time for nothing, which a workshop feels on every filter change of the live map."""
    buffer = io.BytesIO()
    trim = None if figure.get_layout_engine() is not None else "tight"
    figure.savefig(buffer, format="png", dpi=dpi, bbox_inches=trim, facecolor="white")
    return buffer.getvalue()


def show(figure: Figure) -> None:
    """Display a figure in a notebook or widget output as a PNG image."""
    from IPython.display import Image, display

    display(Image(data=figure_png(figure), format="png"))
