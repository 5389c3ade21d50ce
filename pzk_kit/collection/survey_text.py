"""The survey's exact wording as plain text, to paste into Microsoft Forms, Google Forms or LimeSurvey.

Partners fill the survey online more readily than a workbook, but a retyped question is a different question: a
changed word changes what people answer, and results stop being comparable between gminas and measurements. The
text is therefore printed from the same files the scoring reads, and every item carries its code (``q01.``), so
the code travels with the question into the tool and back in its export, where :mod:`.survey_import` finds it.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from pzk_kit import texts
from pzk_kit.errors import PzkError
from pzk_kit.evaluation.instrument import Instrument, load_instrument
from pzk_kit.files import atomic_file
from pzk_kit.workbook.dictionaries import dictionary

TEXTS = "narzedzia_online.csv"
TOOL_HINTS = ("wskazowka_ms_forms", "wskazowka_google", "wskazowka_limesurvey", "wskazowka_import")


@cache
def wording() -> dict[str, str]:
    """The Polish sentences of the online-survey commands (``data/ankieta/narzedzia_online.csv``)."""
    return texts.load("ankieta", file=TEXTS)


def instrument_or_error() -> Instrument:
    """The packaged instrument; a kit installed without its survey files says so instead of failing later."""
    instrument = load_instrument()
    if instrument is None:
        raise PzkError("Brak plików ankiety w instalacji zestawu (pzk_kit/data/ankieta/pytania.csv) — zainstaluj "
                       "zestaw ponownie.")
    return instrument


def item_line(code: str, text: str) -> str:
    """How one item is pasted: its code first, so a tool's export header still starts with it."""
    return f"{code}. {text}"


def survey_text(*, sector: bool = True) -> str:
    """The whole paste-ready text: title, introduction, scale, items (``q01. …``), the optional sector question."""
    instrument = instrument_or_error()
    words = wording()
    lines = [instrument.title, "", instrument.introduction, "", words["naglowek_skala"],
             *instrument.scale, instrument.dont_know, "", words["naglowek_pytania"],
             *(item_line(item.code, item.text) for item in instrument.items)]
    if sector:
        lines += ["", words["naglowek_sektor"], words["pytanie_sektor"], *dictionary("sektory").labels]
    lines += ["", words["naglowek_wskazowki"], *(f"- {words[key]}" for key in TOOL_HINTS)]
    return "\n".join(lines) + "\n"


def write_survey_text(path: Path, *, sector: bool = True, overwrite: bool = False) -> Path:
    """The same text in a UTF-8 file, written whole or not at all (an existing file only with ``overwrite``)."""
    path = Path(path)
    with atomic_file(path, overwrite=overwrite) as tmp:
        tmp.write_text(survey_text(sector=sector), encoding="utf-8", newline="\n")
    return path
