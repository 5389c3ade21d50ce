"""Showing and saving the kit's matplotlib figures the same way everywhere.

Figures are built without pyplot (nothing to close, nothing leaks in batch runs), so they are shown as PNG
images explicitly: that works under papermill, nbconvert, Voila and JupyterLab, whatever backend is active.
"""

from __future__ import annotations

import io

from matplotlib.figure import Figure

DPI = 110


def figure_png(figure: Figure, dpi: int = DPI) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi, bbox_inches="tight", facecolor="white")
    return buffer.getvalue()


def show(figure: Figure) -> None:
    """Display a figure in a notebook or widget output as a PNG image."""
    from IPython.display import Image, display

    display(Image(data=figure_png(figure), format="png"))
