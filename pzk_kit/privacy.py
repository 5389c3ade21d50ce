"""The one privacy rule of the kit: what counts as personal data and how it is kept out of published outputs.

DOMAIN.md (RODO): "Partner contact data are institutional; a person's name, phone or e-mail never appears in a
report unless the user asks for it." Every output a gmina publishes or hands out (the resident catalogue, the HSDS
export, the printed documents, the IPUS draft, the council report, the notebooks' HTML reports, the service finder)
starts from :func:`published`, the gmina with every free-text cell passed through :class:`Redactor`, so the rule
is written once and no later table, plot label or sentence can bypass it. It used to be written four times with
different meanings, and the copies drifted: the HSDS export published e-mail addresses the catalogue left out.

What is personal:

* **e-mail addresses** of a person: a local part naming a person (``jan.kowalski1@``, ``a.nowak@``,
  ``anna@``, ``jkowalski@`` at a free-mail domain such as ``wp.pl`` or ``gmail.com``). A mailbox named after an
  office or an institution (``sekretariat@``, ``biuro@``, ``ops@``, ``gops.dolany@wp.pl``) is institutional.
* **mobile numbers** (Polish mobile prefixes, with or without ``+48``, spaces or hyphens): in a partner's data
  they are nearly always someone's own phone. Landlines (``12 345 67 89``) are institutional.
* **PESEL numbers** (11 digits with a valid check digit).
* **names of people** in free text: the workbook's ``osoba_kontaktowa`` values (unless they name a role or an
  office: "Sekretariat", "Kierownik CIS"), a common Polish first name next to a capitalised word
  ("Jan Kowalski", "Kowalska Anna") and a title before a capitalised word ("p. Nowak", "pani Anna Nowak",
  "dr Zięba"). Patrons and streets ("im. Jana Pawła II", "ul. Marii Konopnickiej") are not people here.

Redaction works on the parts of a cell separated by commas, semicolons, new lines, "lub"/"oraz": a part that held
nothing but personal data and labels ("tel.", "kontakt:") is dropped, so a contact cell keeps its institutional
phone and mailbox; in a part that says more, each personal fragment is replaced by :data:`MARKER`.

The word lists are data, editable without code, in ``pzk_kit/data/prywatnosc``: first names (the most frequent
names of the PESEL register, nominative forms), free-mail domains, mobile prefixes (the national numbering plan)
and the words that make a mailbox or a signature institutional.

Partner and service names pass the same rule: they are institutions' names, but a cell like
"Jan Kowalski, tel. 601 234 567" typed into ``nazwa`` must not travel to every map and table (the partner is then
shown by its code). ``osoba_kontaktowa`` is printed only when the user asks (``include_personal=True``); the
``gmina`` sheet's coordinator, signatory and authorisation name positions, and a person's name typed there is
redacted the same way.

Limits, said plainly: a declined name that is not in the workbook ("u Jana Kowalskiego") and a name the first-name
list does not know are not recognised; a lone first name ("Anna z CUS") is not treated as identifying.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import TYPE_CHECKING

import pandas as pd

from pzk_kit.resources import read_table
from pzk_kit.workbook.text import display_text, strip_diacritics

if TYPE_CHECKING:
    from pzk_kit.workbook.reading import GminaData

FOLDER = "prywatnosc"
MARKER = "[dane osobowe pominięte]"
PERSON_COLUMN = "osoba_kontaktowa"

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_URL = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
_PHONE = re.compile(r"(?<![\w+])(?:\(?(?:\+|00)\s?48\)?[\s-]?)?\d(?:[\s-]?\d){8}(?![\w])")
_PESEL = re.compile(r"(?<!\d)\d{11}(?!\d)")
_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")
_PARTS = re.compile(r"(\s*[,;\n]\s*|\s+(?:lub|albo|oraz)\s+)", re.IGNORECASE)
# Words that label a contact rather than say anything: a part left with only these is dropped whole.
_LABELS = frozenset({
    "tel", "telefon", "telefonu", "telefoniczny", "kom", "komorka", "komorkowy", "nr", "numer", "fax", "faks",
    "e-mail", "email", "mail", "adres", "kontakt", "kontaktowy", "kontaktowa", "osoba", "do", "z", "ze", "w", "u",
    "pod", "i", "lub", "oraz", "albo", "przez", "p", "pan", "pani", "panem", "pania", "panu", "pana", "dr", "mgr",
    "inz", "prof", "ks", "pesel",
})
_TITLES = frozenset({"p", "pan", "pani", "panem", "pania", "panu", "pana", "dr", "mgr", "inz", "prof", "ks"})
_DOTTED_TITLES = frozenset({"p", "inz", "prof", "ks"})  # "p" only as "p." (else a floor or a letter)
# Words after which a name is a patron or a street, not a person to protect.
_NOT_A_PERSON_AFTER = frozenset({"im", "imienia", "ul", "ulica", "ulicy", "al", "aleja", "alei", "pl", "plac",
                                 "placu", "os", "osiedle", "osiedla", "rondo", "sw", "swietego", "swietej", "bl"})
_ROMAN = re.compile(r"^[IVX]+$")


# -- the lists (data) ---------------------------------------------------------------------------------------------


@lru_cache(maxsize=65536)
def _key(word: str) -> str:
    return strip_diacritics(word).casefold()


@cache
def first_names() -> frozenset[str]:
    """Common Polish first names (diacritics-free, lowercase) from ``imiona.csv``."""
    return frozenset(_key(row["imie"]) for row in read_table(FOLDER, "imiona.csv") if row["imie"])


@cache
def free_mail_domains() -> frozenset[str]:
    return frozenset(row["domena"].lower() for row in read_table(FOLDER, "domeny_poczty_prywatnej.csv")
                     if row["domena"])


@cache
def mobile_prefixes() -> frozenset[str]:
    return frozenset(row["prefiks"] for row in read_table(FOLDER, "prefiksy_komorkowe.csv") if row["prefiks"])


@cache
def _institutional_words() -> tuple[frozenset[str], tuple[str, ...]]:
    rows = read_table(FOLDER, "slowa_instytucjonalne.csv")
    whole = frozenset(row["slowo"] for row in rows if row["dopasowanie"] == "calosc")
    stems = tuple(row["slowo"] for row in rows if row["dopasowanie"] == "poczatek")
    return whole, stems


def is_institutional_word(word: str) -> bool:
    """Whether a word names an office, a role or an institution ("Sekretariat", "Kierownika", "CUS")."""
    key = _key(word)
    whole, stems = _institutional_words()
    return key in whole or any(key.startswith(stem) for stem in stems)


# -- e-mail, phone, PESEL ------------------------------------------------------------------------------------------


def is_personal_email(address: str) -> bool:
    """True for a person's mailbox (``jan.kowalski1@gmail.com``, ``a.nowak@cus.pl``, ``jkowalski@wp.pl``).

    In order: a first name among the words of the local part makes it personal; an institutional word makes it
    institutional; any other mailbox at a free-mail domain is personal; elsewhere "initial/name.surname" shapes
    (2–3 letter-only words) and a single surname-like word (``kowalski@``, ``jkowalski@``) are personal.
    """
    local, _, domain = display_text(address).rpartition("@")
    if not local:
        return False
    words = [w for w in re.split(r"[^a-z]+", _key(local)) if w]
    if not words:
        return False
    names = first_names()
    if any(w in names for w in words):
        return True
    if any(is_institutional_word(w) for w in words):
        return False
    if any(len(w) >= 7 and any(w.startswith(n) and len(w) - len(n) >= 4 for n in names if len(n) >= 3)
           for w in words):
        return True  # "annanowak", "jankowalski"
    if domain.lower() in free_mail_domains():
        return True
    if 2 <= len(words) <= 3 and len(words[-1]) >= 2 and re.fullmatch(r"[a-z]+(?:[._-][a-z]+){1,2}", _key(local)):
        return True
    return len(words) == 1 and bool(re.fullmatch(r"[a-z]?[a-z]{3,}(?:ski|cki|dzki|ska|cka|dzka|wicz)", words[0]))


def is_mobile(phone: str) -> bool:
    """True for a Polish mobile number (``601 234 567``, ``+48 601-234-567``, ``0048601234567``)."""
    digits = re.sub(r"\D", "", display_text(phone))
    if len(digits) == 11 and digits.startswith("48"):
        digits = digits[2:]
    elif len(digits) == 13 and digits.startswith("0048"):
        digits = digits[4:]
    return len(digits) == 9 and digits[:2] in mobile_prefixes()


def is_pesel(number: str) -> bool:
    digits = re.sub(r"\D", "", number)
    if len(digits) != 11:
        return False
    weights = (1, 3, 7, 9, 1, 3, 7, 9, 1, 3)
    check = (10 - sum(int(d) * w for d, w in zip(digits, weights, strict=False)) % 10) % 10
    return check == int(digits[10])


# -- names in text ------------------------------------------------------------------------------------------------


def _capitalised(word: str) -> bool:
    return word[:1].isupper() and len(word) >= 2


def _surname_like(word: str) -> bool:
    """A capitalised word that could be a surname: not an office word, not an acronym like ``CUS`` or ``SP``."""
    if not _capitalised(word) or is_institutional_word(word):
        return False
    return not (word.isupper() and len(word) <= 5)


def _name_spans(text: str, people: Iterable[str] = ()) -> list[tuple[int, int]]:
    """(start, end) of people's names in ``text`` (e-mail addresses and links are not looked into)."""
    bare = _URL.sub(lambda m: " " * len(m.group(0)), _EMAIL.sub(lambda m: " " * len(m.group(0)), text))
    words = list(_WORD.finditer(bare))
    names = first_names()
    spans: list[tuple[int, int]] = []

    def adjacent(a: re.Match, b: re.Match) -> bool:
        return bare[a.end():b.start()] in (" ", "\u00a0")

    def next_word(i: int) -> re.Match | None:
        return words[i + 1] if i + 1 < len(words) and adjacent(words[i], words[i + 1]) else None

    for i, match in enumerate(words):
        word, key = match.group(0), _key(match.group(0))
        previous = words[i - 1] if i else None
        after_stop = previous is not None and _key(previous.group(0)) in _NOT_A_PERSON_AFTER
        if key in _TITLES and (key not in _DOTTED_TITLES or bare[match.end():match.end() + 1] == "."):
            follower = words[i + 1] if i + 1 < len(words) else None
            gap = bare[match.end():follower.start()] if follower else ""
            if follower and re.fullmatch(r"\.?\s", gap) and _surname_like(follower.group(0)):
                end = follower.end()
                nxt = next_word(i + 1)
                if nxt is not None and _surname_like(nxt.group(0)):
                    end = nxt.end()
                spans.append((match.start(), end))
            continue
        if key not in names or not _capitalised(word) or after_stop:
            continue
        following = next_word(i)
        if following is not None and _surname_like(following.group(0)):
            end = following.end()
            third = next_word(i + 1)
            if third is not None and _surname_like(third.group(0)) and not _ROMAN.match(third.group(0)):
                end = third.end()
            if not (third is not None and _ROMAN.match(third.group(0))):
                spans.append((match.start(), end))
        elif previous is not None and adjacent(previous, match) and _surname_like(previous.group(0)) \
                and _key(previous.group(0)) not in names:
            before = words[i - 2] if i >= 2 else None
            if before is None or _key(before.group(0)) not in _NOT_A_PERSON_AFTER:
                spans.append((previous.start(), match.end()))
    for person in people:
        for found in re.finditer(rf"(?<!\w){re.escape(person)}(?!\w)", bare, flags=re.IGNORECASE):
            spans.append(found.span())
    return spans


def people_in(values: Iterable[object]) -> tuple[str, ...]:
    """Names to look for in free text, from ``osoba_kontaktowa`` values: whole names and their surnames.

    A value naming a role or an office ("Sekretariat", "Kierownik CIS", "Biuro Obsługi Klienta") is not a person,
    nor is anything but capitalised words (a formula, a link); phones and e-mail addresses in the value are
    recognised by their own rules.
    """
    found: set[str] = set()
    names = first_names()
    for value in values:
        segments: list[tuple[str, bool]] = []
        for part in re.split(r"[,;\n/]", display_text(value)):
            # "Wydział Spraw Społecznych i Zdrowia": a lone word joined to an office's name ends that name.
            office = any(is_institutional_word(w) for w in part.replace(".", " ").split())
            segments += [(s, office) for s in re.split(r"\s+(?:lub|albo|oraz|i)\s+", part)]
        for segment, office in segments:
            words = segment.replace(".", " ").split()
            words = [w for w in words if _key(w) not in _TITLES]
            # A name is one to four capitalised words of letters (and hyphens): not a formula, a link or a role.
            if not 1 <= len(words) <= 4 or not all(_WORD.fullmatch(w) and _capitalised(w) for w in words):
                continue
            if office and len(words) == 1:
                continue
            if any(is_institutional_word(w) for w in words):
                continue
            if len(" ".join(words)) >= 3:
                found.add(" ".join(words))
            found.update(w for w in words if len(w) >= 3 and _key(w) not in names)
    return tuple(sorted(found, key=lambda p: (-len(p), p)))


# -- finding and redacting ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Finding:
    """One personal fragment of a text: where it is and what it is (``email``, ``telefon``, ``pesel``, ``osoba``)."""

    start: int
    end: int
    kind: str

    def text(self, source: str) -> str:
        return source[self.start:self.end]


def find_personal(text: object, people: Iterable[str] = ()) -> list[Finding]:
    """Every personal fragment of ``text``, in order, overlapping ones merged."""
    text = display_text(text)
    found = [Finding(*m.span(), "email") for m in _EMAIL.finditer(text) if is_personal_email(m.group(0))]
    found += [Finding(*m.span(), "telefon") for m in _PHONE.finditer(text) if is_mobile(m.group(0))]
    found += [Finding(*m.span(), "pesel") for m in _PESEL.finditer(text) if is_pesel(m.group(0))]
    found += [Finding(start, end, "osoba") for start, end in _name_spans(text, people)]
    merged: list[Finding] = []
    for item in sorted(found, key=lambda f: (f.start, -f.end)):
        if merged and item.start < merged[-1].end:
            last = merged[-1]
            merged[-1] = Finding(last.start, max(last.end, item.end), last.kind)
        else:
            merged.append(item)
    return merged


def is_personal(text: object, people: Iterable[str] = ()) -> bool:
    """Whether ``text`` holds any personal fragment."""
    return bool(find_personal(text, people))


def _only_labels(text: str) -> bool:
    words = [_key(w) for w in _WORD.findall(text)]
    return not re.search(r"\d", text) and all(w in _LABELS for w in words)


def redact(text: object, people: Iterable[str] = ()) -> str:
    """``text`` without personal data: parts holding only personal data dropped, other fragments marked."""
    return _redact(display_text(text), tuple(people))


@lru_cache(maxsize=16384)
def _redact(text: str, people: tuple[str, ...]) -> str:
    """:func:`redact` of a clean text; cached because every output redacts the same cells again."""
    if not text or not find_personal(text, people):
        return text
    pieces = _PARTS.split(text)
    kept: list[tuple[str, str]] = []  # (separator before, part)
    separator = ""
    for index, piece in enumerate(pieces):
        if index % 2:
            separator = piece
            continue
        findings = find_personal(piece, people)
        if findings:
            bounds = [0, *(x for f in findings for x in (f.start, f.end)), len(piece)]
            rest = "".join(piece[bounds[k]:bounds[k + 1]] for k in range(0, len(bounds), 2))
            if _only_labels(rest):
                continue
            out, cursor = [], 0
            for finding in findings:
                out += [piece[cursor:finding.start], MARKER]
                cursor = finding.end
            piece = "".join(out) + piece[cursor:]
        if piece.strip():
            kept.append((separator if kept else "", piece))
    return "".join(sep + part for sep, part in kept).strip(" ,;")


# -- per gmina ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Redactor:
    """The rule applied to one gmina's cells: ``redactor(cell)`` is the text an output may print.

    ``include_personal=True`` (the user asked for personal data) lets every value through unchanged.
    """

    people: tuple[str, ...] = ()
    include_personal: bool = False

    @classmethod
    def for_gmina(cls, data: GminaData | None, *, include_personal: bool = False) -> Redactor:
        partners = getattr(data, "partners", None)
        values = partners[PERSON_COLUMN] if partners is not None and PERSON_COLUMN in partners else ()
        return cls(people=people_in(values), include_personal=include_personal)

    def __call__(self, value: object) -> str:
        return display_text(value) if self.include_personal else redact(value, self.people)

    def allows(self, value: object) -> bool:
        """Whether a whole value (an e-mail column, a phone column) may be printed as it is."""
        return self.include_personal or not is_personal(value, self.people)


# -- a gmina as it may be published -------------------------------------------------------------------------------

# Free-text columns an output may print, per table; the other columns hold codes, numbers and dates.
PUBLISHED_TEXT: dict[str, tuple[str, ...]] = {
    "partners": ("nazwa", "adres", "telefon", "email", "www"),
    "services": ("nazwa", "opis", "forma", "miejsce", "godziny", "kontakt", "co_zabrac", "obszar_dzialania"),
    "needs": ("zrodlo",),
    "actions": ("dzialanie", "uwagi"),
    "cases": ("sprawa",),  # an anonymous code by the rules; a name typed there anyway is replaced by its row
}
# The gmina's free-text fields: the coordinator, the signatory and the authorisation name positions, but a
# person's name typed there stays out unless personal data are asked for, like a partner's osoba_kontaktowa.
PUBLISHED_INFO = ("misja", "koordynator", "podpisujacy", "upowaznienie")
_PUBLISHED_MARK = "_pzk_published"


def published(data: GminaData, *, include_personal: bool = False) -> GminaData:
    """The gmina as every output may print it: the one entry point of the rule for whole documents.

    Each output starts from ``published(data)``, so a name in a description, a mobile number in a partner's
    name or a private mailbox in a contact cell is gone from every table, plot label and sentence built from
    it. ``osoba_kontaktowa`` is emptied; a partner whose name was nothing but personal data is shown by its code,
    such a service as :data:`MARKER`. With ``include_personal=True`` the data are returned unchanged.
    """
    if include_personal or getattr(data, _PUBLISHED_MARK, False):
        return data
    redactor = Redactor.for_gmina(data)

    def clean(frame, columns, fallback, named="nazwa"):
        if frame is None or frame.empty:
            return frame
        frame = frame.copy()
        for column in columns:
            if column not in frame:
                continue
            values = []
            for index, value in frame[column].items():
                if not display_text(value):
                    values.append(value)
                    continue
                text = redactor(value)
                values.append(text or (fallback(frame, index) if column == named else None))
            frame[column] = pd.Series(values, index=frame.index, dtype=object)
        if PERSON_COLUMN in frame:
            frame[PERSON_COLUMN] = pd.Series([None] * len(frame), index=frame.index, dtype=object)
        return frame

    info = {**data.info, **{k: redactor(data.info[k]) or None for k in PUBLISHED_INFO if data.info.get(k)}}
    result = dataclasses.replace(
        data,
        info=info,
        partners=clean(data.partners, PUBLISHED_TEXT["partners"],
                       lambda f, i: display_text(f.at[i, "id"]) if "id" in f else MARKER),
        services=clean(data.services, PUBLISHED_TEXT["services"], lambda f, i: MARKER),
        needs=clean(data.needs, PUBLISHED_TEXT["needs"], lambda f, i: None),
        actions=clean(data.actions, PUBLISHED_TEXT["actions"], lambda f, i: MARKER, named="dzialanie"),
        cases=clean(data.cases, PUBLISHED_TEXT["cases"], lambda f, i: f"sprawa z wiersza {f.at[i, 'wiersz']}",
                    named="sprawa"),
    )
    setattr(result, _PUBLISHED_MARK, True)  # published(published(x)) is published(x), without the work again
    return result
