"""The kit's wording files (``klucz,tekst`` tables such as ``data/app/teksty.csv``) and their placeholders.

Six modules each read their own ``teksty.csv`` and filled ``{name}`` placeholders in one of two ways:
``str.format`` (which fails on a stray brace a trainer types into the file) or a ``replace`` per name (which
fills a ``{name}`` that arrived inside another value). Here the file is read once and a placeholder is filled
in one pass over the text, so a value is never re-read as a template and every other brace stays as written.
"""

from __future__ import annotations

import re
from functools import cache

from pzk_kit.resources import read_table

FILE = "teksty.csv"
PLACEHOLDER = re.compile(r"\{(\w+)\}")


@cache
def load(*folder: str, file: str = FILE) -> dict[str, str]:
    """The texts of ``data/<folder…>/<file>``, key (``klucz``) → text (``tekst``), read once per run.

    Callers share the dictionary: read it, never change it.
    """
    return {row["klucz"]: row["tekst"] for row in read_table(*folder, file)}


def fill(template: str, /, **values: object) -> str:
    """``template`` with each ``{name}`` replaced by ``str(value)``; unknown names and other braces stay.

    >>> fill("Pomiar {pomiar}: {liczba} osób", pomiar="T1", liczba=12)
    'Pomiar T1: 12 osób'
    >>> fill("{a} i {b}", a="{b}", b="x")
    '{b} i x'
    >>> fill("{nieznane}, {} i {a b}", a=1)
    '{nieznane}, {} i {a b}'
    """
    if not values:
        return template
    return PLACEHOLDER.sub(lambda m: str(values[m[1]]) if m[1] in values else m[0], template)
