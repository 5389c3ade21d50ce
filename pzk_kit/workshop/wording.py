"""The workshop app's Polish wording (``data/app/teksty.csv``) and look (``data/app/aplikacja.css``).

Shared by the app's widgets (:mod:`pzk_kit.workshop.app`) and its downloads (:mod:`pzk_kit.workshop.downloads`);
the wording is data so that it can be corrected without touching code.
"""

from __future__ import annotations

from functools import cache

from pzk_kit import polish, texts
from pzk_kit.resources import data_path


@cache
def app_texts() -> dict[str, str]:
    """The app's Polish wording (``data/app/teksty.csv``): key → text, editable without touching code."""
    return texts.load("app")


def text(key: str, **values: object) -> str:
    """A text with ``{name}`` placeholders filled; values are inserted as given (escape them first if needed)."""
    return texts.fill(app_texts()[key], **values)


@cache
def app_css() -> str:
    return data_path("app", "aplikacja.css").read_text(encoding="utf-8")


def size_text(size: int) -> str:
    """A file size as Polish readers write it: whole kB, or MB with a decimal comma."""
    if size < 1024 * 1024:
        return f"{max(1, round(size / 1024))} kB"
    return f"{polish.comma(size / (1024 * 1024), '.1f')} MB"

