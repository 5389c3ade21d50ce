"""Turning what people type into Excel or CSV into typed values.

Real exports are messy: numbers typed as text, ``3,0`` from a Polish Excel, dates as ``15.03.2024``, as Excel
date cells or as serial numbers, cells padded with non-breaking spaces. Each parser returns either a value or
a Polish explanation of what would be valid; none of them raises, whatever the input.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import math
import re
from dataclasses import dataclass

from pzk_kit import polish
from pzk_kit.workbook.text import clean_cell_text

DONT_KNOW = 0
MAX_INTEGER = 10**9  # counts of people or places; anything larger is a typo (and would overflow Int64)
_DATE_FORMATS = ("%Y-%m-%d", "%d.%m.%Y", "%d-%m-%Y", "%d/%m/%Y", "%Y.%m.%d", "%Y/%m/%d", "%d.%m.%y")
_NUMBER = re.compile(r"^[+-]?\d+(?:[.,]\d+)?$")
# The two usual spellings, read directly; anything else (or an impossible date) goes through _DATE_FORMATS.
_PLAIN_DATE = re.compile(r"([0-9]{2})\.([0-9]{2})\.([0-9]{4})|([0-9]{4})-([0-9]{2})-([0-9]{2})")
_EXCEL_EPOCH = dt.date(1899, 12, 30)
_EMAIL = re.compile(r"^[^@\s;,]+@[^@\s;,]+\.[^@\s;,]+$")
_POMIAR = re.compile(r"^T\d{1,3}$")
_DONT_KNOW_WORDS = {"nie wiem", "niewiem", "nw", "nie wiem.", "trudno powiedziec", "trudno powiedzieć"}
# Invisible characters a cell may carry from a terminal, a web form or a hostile file. None of them is data, and
# most of them are forbidden in XML, so a DOCX with them cannot even be saved. Removed when reading, each cleaned
# cell reported as a warning (see :func:`invisible_controls`):
# - a whole ANSI escape sequence (``\x1b[31m``), not only its ESC, so no ``[31m`` is left behind;
# - C0 and C1 control characters except tab, line feed and carriage return (whitespace, collapsed with the
#   other spaces as before); vertical tab, form feed and the information separators \x1c–\x1f become a space;
# - bidirectional embedding, override and isolate controls (U+202A–U+202E, U+2066–U+2069): invisible, they make
#   text display in another order than it is stored ("Trojan Source"), so a name could read differently in
#   the catalogue than in the sheet. Polish text never needs them; the marks U+200E/U+200F are left alone;
# - noncharacters U+FFFE/U+FFFF and lone surrogates, which no file format can store.
_ANSI_ESCAPE = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]")
_SEPARATOR_CONTROLS = re.compile("[\x0b\x0c\x1c-\x1f\x85]")
_INVISIBLE_CONTROLS = re.compile(
    "[\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f\u202a-\u202e\u2066-\u2069\ufffe\uffff\ud800-\udfff]"
)
_ANY_CONTROL = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufffe\uffff\ud800-\udfff]"
)


@dataclass(frozen=True)
class Bad:
    """A value that could not be understood, with what would have been valid."""

    expected: str


def normalize_raw(value: object) -> object:
    """First pass over any cell: empty → None, text trimmed, integral floats → int (``7.0`` → ``7``)."""
    if value is None:
        return None
    if isinstance(value, str):
        if value.isascii() and value.isprintable() and value.strip() == value and "  " not in value:
            return value or None  # already clean: the common case, checked without a regex
        if _ANY_CONTROL.search(value):
            value = _INVISIBLE_CONTROLS.sub("", _SEPARATOR_CONTROLS.sub(" ", _ANSI_ESCAPE.sub("", value)))
        text = clean_cell_text(value)
        return text or None
    if isinstance(value, bool):
        return value
    if isinstance(value, float):
        if math.isnan(value):
            return None
        if math.isinf(value):
            return str(value)
        return int(value) if value.is_integer() and abs(value) < 1e15 else value
    if isinstance(value, dt.datetime):
        return value.date() if value.time() == dt.time() else value
    return value


def invisible_controls(value: object) -> bool:
    """True when :func:`normalize_raw` removes invisible control characters from this raw cell (worth a warning:
    the text the user sees in Excel changes); plain tabs and line breaks are ordinary whitespace, not reported."""
    return isinstance(value, str) and not value.isprintable() and _ANY_CONTROL.search(value) is not None


def as_text(value: object) -> str:
    """Display/storage form of any cleaned cell (dates as ISO, ``12.0`` as ``12``)."""
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return polish.comma(value)
    return str(value)


def parse_number(value: object) -> float | None:
    """A number from a cell: ``3``, ``3.0``, ``"3,5"``, ``" 4 "``; None when the cell is not a number."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value) if math.isfinite(value) else None
    if isinstance(value, str):
        text = value.replace(" ", "").replace("\u00a0", "")
        if _NUMBER.match(text):
            return float(text.replace(",", "."))
    return None


def parse_int(value: object, minimum: float | None = None, maximum: float | None = None) -> int | Bad:
    number = parse_number(value)
    expected = _range_text(minimum, maximum)
    if number is None or not number.is_integer() or abs(number) > MAX_INTEGER:
        return Bad(expected)
    if (minimum is not None and number < minimum) or (maximum is not None and number > maximum):
        return Bad(expected)
    return int(number)


def _range_text(minimum: float | None, maximum: float | None) -> str:
    if minimum is not None and maximum is not None:
        return f"liczba całkowita od {minimum:g} do {maximum:g}"
    if minimum is not None:
        return f"liczba całkowita nie mniejsza niż {minimum:g}"
    return "liczba całkowita"


def parse_date(value: object) -> dt.date | Bad:
    expected = "data w formacie RRRR-MM-DD (np. 2024-03-15) lub DD.MM.RRRR (np. 15.03.2024)"
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    number = parse_number(value) if not isinstance(value, str) else None
    if number is not None and number.is_integer() and 1 <= number <= 2958465:
        # An Excel serial date (a date cell formatted as a number); plausible years only.
        date = _EXCEL_EPOCH + dt.timedelta(days=int(number))
        return date if 1950 <= date.year <= 2100 else Bad(expected)
    if isinstance(value, str):
        plain = _PLAIN_DATE.fullmatch(value)  # the usual 15.03.2024 or 2024-03-15, without strptime's cost
        if plain:
            day, month, year = (plain[1], plain[2], plain[3]) if plain[1] else (plain[6], plain[5], plain[4])
            with contextlib.suppress(ValueError):
                date = dt.date(int(year), int(month), int(day))
                if 1900 <= date.year <= 2100:
                    return date
        text = re.sub(r"\s*r\.?$", "", value.strip())  # "15.03.2024 r." as in Polish letters
        candidate = re.split(r"[ T](?=\d{1,2}:\d{2})", text)[0]  # drop a time: "2024-03-15T10:00"
        for fmt in _DATE_FORMATS:
            try:
                date = dt.datetime.strptime(candidate, fmt).date()
            except ValueError:
                continue
            if 1900 <= date.year <= 2100:
                return date
    return Bad(expected)


def parse_pomiar(value: object) -> str | Bad:
    """Measurement label: ``t1``, ``T 1``, ``1`` → ``T1``."""
    text = as_text(value).upper().replace(" ", "")
    if text.isdigit():
        text = f"T{text}"
    if not _POMIAR.match(text):
        return Bad("oznaczenie pomiaru: T0, T1, T2 …")
    return f"T{int(text[1:])}"  # T01 and T1 are the same measurement


TERYT_TEXT = "kod TERYT: 7 cyfr dla gminy (np. 1209033 — gmina Myślenice) albo 4 cyfry dla powiatu (np. 2814)"


def parse_teryt(value: object, scope: str | None = None) -> str | Bad:
    """A gmina's seven-digit TERYT or a powiat's four digits.

    Excel turns ``0201011`` into the number ``201011``. Województwo codes are even numbers 02–32, so a six-digit
    code starting with 2, 4, 6 or 8 can only be one of 02–08 that lost its zero: we give it back. Three digits
    (a powiat ``0214`` typed as a number) are repaired the same way only when the PZK says it is a powiat one
    (``scope="powiat"``): otherwise they may as well be a gmina code cut short, and guessing would hide it.
    """
    text = re.sub(r"[\s\-_]", "", as_text(value))
    if re.fullmatch(r"[2468]\d{5}", text) or (scope == "powiat" and re.fullmatch(r"[2468]\d{2}", text)):
        text = "0" + text
    if re.fullmatch(r"\d{7}|\d{4}", text):
        return text
    if re.fullmatch(r"[2468]\d{2}", text):
        return Bad(f"{TERYT_TEXT}; jeśli to kod powiatu bez zera na początku (np. {text} → 0{text}), "
                   "wpisz go jako tekst albo ustaw w polu „zasieg” wartość „Powiat”")
    return Bad(TERYT_TEXT)


# The 7th digit of a gmina's TERYT says what kind of unit the code is (rodzaj jednostki). 4 and 5 are the town and
# the rural area INSIDE a miejsko-wiejska gmina: statistical parts, not gminas (the gmina Myślenice is 1209033, its
# town 1209034). 8 and 9 are Warsaw's districts and the delegatury of other cities, parts of a city (miejska).
TERYT_GMINA_TYPES = {"1": "miejska", "2": "wiejska", "3": "miejsko_wiejska", "8": "miejska", "9": "miejska"}
TERYT_PART_DIGITS = {"4": "miasta", "5": "obszaru wiejskiego"}
TYPE_DIGIT = {"miejska": "1", "wiejska": "2", "miejsko_wiejska": "3"}


def teryt_gmina_type(teryt: str | None) -> str | None:
    """The gmina type (``typy_gmin`` code) a seven-digit TERYT states; None for a powiat or a part of a gmina."""
    return TERYT_GMINA_TYPES.get(teryt[6]) if teryt and len(teryt) == 7 else None


def is_city_with_powiat_rights(teryt: str | None) -> bool:
    """Whether the code is a city with powiat rights (miasto na prawach powiatu, e.g. 1261011 Kraków): its powiat
    digits (3rd–4th) are 61–99, and a seven-digit code must be the city itself (7th digit 1) or its district."""
    if not teryt or len(teryt) not in (4, 7) or not teryt.isdigit() or int(teryt[2:4]) < 61:
        return False
    return len(teryt) == 4 or teryt_gmina_type(teryt) == "miejska"


# One wording of what a survey answer may be, for the template's notes, its instruction and validation messages.
SURVEY_ANSWER_TEXT = "1–5 albo „nie wiem” (lub 0); puste = brak odpowiedzi"


def parse_survey_answer(value: object) -> int | Bad:
    """Answer 1–5; ``0`` or "nie wiem" mean don't know (returned as :data:`DONT_KNOW`)."""
    if isinstance(value, str) and value.strip().lower() in _DONT_KNOW_WORDS:
        return DONT_KNOW
    number = parse_int(value, 0, 5)
    return Bad(f"odpowiedź {SURVEY_ANSWER_TEXT}") if isinstance(
        number, Bad
    ) else number


def looks_like_email(value: str) -> bool:
    return bool(_EMAIL.match(value))


def split_multi(value: object) -> list[str]:
    """Pieces of a multi-valued cell. ``;`` wins when present, so labels with commas survive."""
    text = as_text(value)
    separator = ";" if ";" in text else ","
    return [piece.strip() for piece in text.split(separator) if piece.strip()]
