"""Text normalisation shared by headers, sheet names and dictionary values.

Users type the same thing many ways (``Data przystąpienia``, ``data-przystapienia``, `` DATA_PRZYSTAPIENIA``);
the contract says all of them mean one column. One function decides what "the same" means, so headers,
sheet names and dictionary codes can never disagree about it.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from functools import lru_cache

# ł/Ł do not decompose under NFKD, so they are mapped by hand; the rest of Polish diacritics do.
_EXTRA = str.maketrans({"ł": "l", "Ł": "L", "đ": "d", "ß": "ss"})
_NON_WORD = re.compile(r"[^0-9a-z]+")
_SPACES = re.compile(r"[\s\u00a0\u2007\u202f\ufeff]+")


def strip_diacritics(text: str) -> str:
    """Remove Polish (and other Latin) diacritics: ``Łódź`` → ``Lodz``."""
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text.translate(_EXTRA))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def normalize_code(text: object) -> str:
    """Turn a label into the code the contract defines: lowercase, no diacritics, ``_`` between words.

    ``Długotrwała lub ciężka choroba`` → ``dlugotrwala_lub_ciezka_choroba``. Hyphens, slashes and any other
    punctuation count as word breaks, so ``Miejsko-wiejska`` → ``miejsko_wiejska``.
    """
    if text is None:
        return ""
    return _normalize_text(text if isinstance(text, str) else str(text))


@lru_cache(maxsize=1 << 16)
def _normalize_text(text: str) -> str:
    # Cached: the same labels and ids repeat thousands of times in one workbook.
    return _NON_WORD.sub("_", strip_diacritics(text).lower()).strip("_")


def sentence(text: str) -> str:
    """``text`` ended with a full stop, unless it already ends with one (or "…", "?", "!"): no "T2 …." in messages."""
    return text if text.rstrip().endswith((".", "…", "?", "!")) else f"{text}."


def clean_cell_text(text: str) -> str:
    """Trim stray spaces (including non-breaking ones Excel and Word like to insert) and collapse runs."""
    return _SPACES.sub(" ", text).strip()


def display_text(value: object) -> str:
    """A table cell as text for a printed document: missing values (None, NaN, NA) become ""."""
    if value is None:
        return ""
    try:
        import pandas as pd

        if pd.isna(value):
            return ""
    except (TypeError, ValueError):
        pass
    return clean_cell_text(str(value))


def closest(value: str, candidates: list[str], *, cutoff: float = 0.6) -> str | None:
    """The candidate a typo most likely meant, compared on normalised forms; None when nothing is close."""
    key = normalize_code(value)
    if not key:
        return None
    by_key = {normalize_code(c): c for c in candidates}
    match = difflib.get_close_matches(key, list(by_key), n=1, cutoff=cutoff)
    if match:
        return by_key[match[0]]
    # A prefix is a strong hint too ("zdrow" → "zdrowie"), which ratio-based matching can miss.
    prefixed = [c for k, c in by_key.items() if len(key) >= 3 and k.startswith(key)]
    return prefixed[0] if len(prefixed) == 1 else None
