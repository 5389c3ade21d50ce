"""Printing to the terminal, shared by the ``pzk`` command and the servers it starts (``pzk app``, ``pzk lab``).

Its own module so that :mod:`pzk_kit.workshop.servers` needs no import of :mod:`pzk_kit.cli` (which imports it back).
"""

from __future__ import annotations

import sys


def print_line(text: str = "", *, err: bool = False) -> None:
    """One line on stdout (or stderr); an old Windows console that cannot show Polish letters gets them stripped."""
    stream = sys.stderr if err else sys.stdout
    try:
        stream.write(text + ("\n" if not text.endswith("\n") else ""))
    except UnicodeEncodeError:  # an old Windows console: keep the message, lose only the diacritics
        from pzk_kit.workbook.text import strip_diacritics

        stream.write(strip_diacritics(text) + "\n")
