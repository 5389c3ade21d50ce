"""What changed in the local service basket between two workbooks, as a letter the PZK leader can e-mail.

Why: the kit's own advice for a weak „przepływ informacji” factor is to tell partners, regularly, what is new in
the basket. Comparing two versions of the ``uslugi`` sheet by hand is where that advice dies, so the kit does it:
new services, services that are gone, and for the rest only the fields a resident notices (hours, fee, place…),
each written with the dictionaries' Polish labels, never codes.

A service keeps its identity through its ``id``; when a partner renumbered its services, a service that lost its
id and one that gained a new id are still the same service when their provider and their name (normalised as
codes are) agree. A new ``data_weryfikacji`` alone changes nothing for a resident: it is only counted
(„potwierdzono aktualność”).

Both workbooks pass through :func:`pzk_kit.privacy.published` first, so a private phone typed into ``kontakt``
never reaches the letter. The text is plain: control characters are dropped, line breaks inside a cell become
spaces, tag-like markup is shown with look-alike angle quotes (nothing can be read as HTML when the text is
pasted into a web mail), and every line starts with words of the kit, never with a user's value.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from pzk_kit import polish, privacy, texts
from pzk_kit.files import atomic_file
from pzk_kit.workbook.cells import normalize_raw
from pzk_kit.workbook.dictionaries import dictionary
from pzk_kit.workbook.schema import MULTI_KINDS, load_schema
from pzk_kit.workbook.service_records import POLISH, reference_day
from pzk_kit.workbook.text import display_text, normalize_code

if TYPE_CHECKING:
    from pzk_kit.workbook.reading import GminaData

TEXTS_DIR = "zmiany"
SHEET = "uslugi"
# The fields a resident (or the person sending a resident to a service) cares about, in the letter's order.
FIELDS = ("nazwa", "partner", "opis", "dostep", "odplatnosc", "miejsce", "godziny", "limit_miejsc", "kontakt",
          "obszary", "grupy", "co_zabrac", "dostepnosc", "jezyki", "obszar_dzialania")
# What the letter tells about a new service besides its name and provider.
NEW_SERVICE_DETAILS = ("dostep", "odplatnosc", "miejsce", "godziny", "kontakt")
VERIFIED = "data_weryfikacji"
BULLET = "•"
ARROW = "→"
_TAG_START = re.compile(r"<[A-Za-z/!?%]")
ZERO_WIDTH_JOINER = "\u200d"  # holds emoji such as a family together: kept
_LOOK_ALIKE = str.maketrans({"<": "‹", ">": "›"})


@dataclass(frozen=True)
class FieldChange:
    """One field of one service, before and after, as the letter prints them."""

    field: str  # column code (``godziny``)
    label: str  # its Polish name in the letter (``godziny``)
    before: str
    after: str


@dataclass(frozen=True)
class ServiceEntry:
    """A service named in the letter: its id, name and provider as published, and what changed in it."""

    id: str
    name: str
    provider: str
    previous_id: str | None = None  # the old id when the service was renumbered
    changes: tuple[FieldChange, ...] = ()
    details: tuple[tuple[str, str], ...] = ()  # (label, value) for a new service


@dataclass(frozen=True)
class BasketChanges:
    """Differences between the ``uslugi`` sheets of two workbooks (old → new)."""

    added: tuple[ServiceEntry, ...] = ()
    removed: tuple[ServiceEntry, ...] = ()
    changed: tuple[ServiceEntry, ...] = ()
    renumbered: tuple[tuple[str, str], ...] = ()  # (old id, new id) of every service matched by name
    confirmed: tuple[str, ...] = ()  # ids whose only change is a newer data_weryfikacji

    @property
    def empty(self) -> bool:
        """Nothing a resident would notice: no service added, removed or changed."""
        return not (self.added or self.removed or self.changed)


def wording() -> dict[str, str]:
    return texts.load(TEXTS_DIR)


def plain(value: object) -> str:
    """A cell as one safe line of plain text: no control characters, no line breaks, no tag-like markup."""
    text = display_text(normalize_raw(value) if isinstance(value, str) else value)
    if not text.isprintable():  # zero-width spaces and other format characters the reader lets through
        text = "".join(ch for ch in text if ch == ZERO_WIDTH_JOINER or unicodedata.category(ch) not in {"Cc", "Cf"})
    return text.translate(_LOOK_ALIKE) if _TAG_START.search(text) else text


# -- comparing ----------------------------------------------------------------------------------------------------


def basket_changes(old: GminaData, new: GminaData) -> BasketChanges:
    """What changed in ``uslugi`` from ``old`` to ``new`` (both published first: no personal data inside)."""
    old, new = privacy.published(old), privacy.published(new)
    before, after = _records(old), _records(new)
    pairs = {sid: sid for sid in after if sid in before}
    pairs.update(_renumbered(before, after, pairs))
    matched_old = set(pairs.values())
    names_old, names_new = _providers(old), _providers(new)
    added, changed, confirmed = [], [], []
    for sid, record in after.items():
        if sid not in pairs:
            added.append(_entry(record, names_new, details=_details(record)))
            continue
        previous = before[pairs[sid]]
        diffs = tuple(_differences(previous, record, names_old, names_new))
        renamed = pairs[sid] if pairs[sid] != sid else None
        if diffs:
            changed.append(_entry(record, names_new, previous_id=renamed, changes=diffs))
        elif _verified(record) is not None and _verified(record) != _verified(previous):
            confirmed.append(sid)
    removed = [_entry(record, names_old) for sid, record in before.items() if sid not in matched_old]
    renumbered = tuple((old_id, new_id) for new_id, old_id in pairs.items() if old_id != new_id)
    return BasketChanges(added=tuple(added), removed=tuple(removed), changed=tuple(changed),
                         renumbered=renumbered, confirmed=tuple(confirmed))


def _records(data: GminaData) -> dict[str, dict]:
    """Services by id, in sheet order; a repeated id (an invalid workbook) keeps its first row."""
    records: dict[str, dict] = {}
    frame = data.services
    if frame is None or frame.empty:
        return records
    for record in frame.to_dict(orient="records"):
        sid = display_text(record.get("id"))
        if sid and sid not in records:
            records[sid] = record
    return records


def _match_key(record: dict) -> tuple[str, str]:
    return display_text(record.get("partner")), normalize_code(display_text(record.get("nazwa")))


def _renumbered(before: dict[str, dict], after: dict[str, dict], pairs: dict[str, str]) -> dict[str, str]:
    """New id → old id for services that lost their id but kept provider and name (only unambiguous pairs)."""
    taken_old = set(pairs.values())
    lonely_old: dict[tuple[str, str], list[str]] = {}
    for sid, record in before.items():
        if sid not in taken_old:
            lonely_old.setdefault(_match_key(record), []).append(sid)
    lonely_new: dict[tuple[str, str], list[str]] = {}
    for sid, record in after.items():
        if sid not in pairs:
            lonely_new.setdefault(_match_key(record), []).append(sid)
    return {news[0]: lonely_old[key][0] for key, news in lonely_new.items()
            if key[1] and len(news) == 1 and len(lonely_old.get(key, ())) == 1}


def _providers(data: GminaData) -> dict[str, str]:
    return {display_text(pid): plain(name) or display_text(pid) for pid, name in data.partner_names().items()}


def _entry(record: dict, providers: dict[str, str], **extra) -> ServiceEntry:
    pid = display_text(record.get("partner"))
    return ServiceEntry(id=plain(record.get("id")), name=plain(record.get("nazwa")) or plain(record.get("id")),
                        provider=providers.get(pid, plain(pid)), **extra)


def _verified(record: dict) -> dt.date | None:
    value = record.get(VERIFIED)
    return None if value is None or pd.isna(value) else pd.Timestamp(value).date()


def _label(name: str) -> str:
    return wording()[f"pole_{name}"]


def _shown(name: str, value: object, providers: dict[str, str]) -> str:
    """A field's value as the letter shows it: dictionary labels, provider names; empty as „nie podano”."""
    column = load_schema()[SHEET].column(name)
    if column.kind in MULTI_KINDS or column.kind == "dict":
        codes = _codes(value, name)
        labels = [dictionary(column.dictionary).label(code) for code in codes]
        # A single choice reads inside the sentence ("dostęp: bez skierowania"); lists keep their labels' capitals.
        text = ", ".join(label[:1].lower() + label[1:] if column.kind == "dict" else label for label in labels)
    elif name == "partner":
        pid = display_text(value)
        text = providers.get(pid, plain(pid))
    else:
        text = plain(value)
    if not text:
        return wording()["bez_limitu" if name == "limit_miejsc" else "brak_wartosci"]
    return text


def _codes(value: object, name: str = "") -> list[str]:
    if isinstance(value, tuple | list):
        codes = [display_text(v) for v in value if display_text(v)]
    else:
        codes = [display_text(value)] if display_text(value) else []
    return codes or ([POLISH] if name == "jezyki" else [])  # the schema: empty languages = Polish


def _comparable(name: str, value: object) -> object:
    """What must differ for a field to count as changed: sets for multi-valued cells (order is no change)."""
    column = load_schema()[SHEET].column(name)
    if column.kind in MULTI_KINDS:
        return frozenset(_codes(value, name))
    if name == "partner":
        return display_text(value)
    return plain(value)


def _differences(before: dict, after: dict, old_names: dict[str, str], new_names: dict[str, str]):
    for name in FIELDS:
        if _comparable(name, before.get(name)) != _comparable(name, after.get(name)):
            yield FieldChange(name, _label(name), _shown(name, before.get(name), old_names),
                              _shown(name, after.get(name), new_names))


def _details(record: dict) -> tuple[tuple[str, str], ...]:
    return tuple((_label(name), _shown(name, record.get(name), {})) for name in NEW_SERVICE_DETAILS
                 if _codes(record.get(name)) or plain(record.get(name)))


# -- the letter ---------------------------------------------------------------------------------------------------


def changes_text(changes: BasketChanges, new: GminaData, *, day: dt.date | None = None) -> str:
    """The e-mail: subject, greeting, the three sections (only those with services), closing from the leader."""
    words = wording()
    new = privacy.published(new)
    values = {"gmina": plain(new.name), "dzien": polish.date(day or reference_day())}
    lines = [texts.fill(words["temat_bez_zmian" if changes.empty else "temat"], **values), "",
             words["powitanie"], ""]
    if changes.empty:
        lines.append(texts.fill(words["wstep_bez_zmian"], **values))
    else:
        lines.append(texts.fill(words["wstep"], **values))
        for key, entries in (("nowe", changes.added), ("usuniete", changes.removed), ("zmienione", changes.changed)):
            if entries:
                lines += ["", texts.fill(words[key], n=len(entries))]
                for entry in entries:
                    lines += _entry_lines(entry, words)
    notes = _notes(changes, words)
    if notes:
        lines += ["", *notes]
    lines += ["", words["prosba"], "", words["pozdrowienia"], *_signature(new, words)]
    return "\n".join(lines) + "\n"


def _entry_lines(entry: ServiceEntry, words: dict[str, str]) -> list[str]:
    code = entry.id
    if entry.previous_id:
        code += ", " + texts.fill(words["wczesniej_kod"], kod=entry.previous_id)
    lines = [f"{BULLET} {entry.name} ({code}) — {words['realizator']}: {entry.provider}"]
    lines += [f"  {change.label}: {change.before} {ARROW} {change.after}" for change in entry.changes]
    if entry.details:
        lines.append("  " + "; ".join(f"{label}: {value}" for label, value in entry.details))
    return lines


def _notes(changes: BasketChanges, words: dict[str, str]) -> list[str]:
    services = (words["usluga_jeden"], words["usluga_kilka"], words["usluga_wiele"])
    notes = []
    if changes.confirmed:
        notes.append(texts.fill(words["potwierdzone"], liczba=polish.count(len(changes.confirmed), *services)))
    changed_ids = {entry.id for entry in changes.changed}
    quiet = [(plain(old), plain(new)) for old, new in changes.renumbered if plain(new) not in changed_ids]
    if quiet:
        pairs = ", ".join(f"{old} {ARROW} {new}" for old, new in quiet)
        notes.append(texts.fill(words["kody"], liczba=polish.count(len(quiet), *services), pary=pairs))
    return notes


def _signature(data: GminaData, words: dict[str, str]) -> list[str]:
    names = data.partner_names()
    leaders = [plain(names.get(pid)) or plain(pid) for pid in data.leaders]
    leaders = [name for name in leaders if name and name != privacy.MARKER]
    if not leaders:
        return [words["podpis_bez_lidera"]]
    return [*leaders, words["podpis_rola"]]


def write_changes_text(text: str, path: Path, *, overwrite: bool = False) -> Path:
    """The letter in a UTF-8 file, written whole or not at all (an existing file only with ``overwrite``)."""
    path = Path(path)
    with atomic_file(path, overwrite=overwrite) as tmp:
        tmp.write_text(text, encoding="utf-8", newline="\n")
    return path
