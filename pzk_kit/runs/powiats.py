"""The powiat view of a batch: which institutions sit in the PZKs of several gminas of one powiat.

A powiat's PUP, PCPR, police or probation officers are invited by every gmina of the powiat: a PCPR in six PZKs
sends someone to six partnerships' meetings and task teams. The region plans for that load only if it sees it, so
the batch groups gminas by powiat (the ``powiat`` field as typed, else the first four TERYT digits) and matches
partners across their ``partnerzy.json`` lists (:mod:`pzk_kit.runs.partner_list`).

Gminas type one institution's name in different ways: case, quotes, diacritics, "Powiatowy Urząd Pracy" with or
without "w Myślenicach". Names are compared normalised (:func:`pzk_kit.workbook.text.normalize_code`), and for a
powiat or regional unit (by ``szczebel``, or a name saying "powiatowy", "wojewódzki", "rejonowy") the town after
the last "w" is dropped: within one powiat there is one such unit of a kind. A gmina unit keeps its town, so two
villages' primary schools never merge. Only members (leader or partner) count: a candidate has not joined yet.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from pzk_kit.network.measures import MEMBER_ROLES
from pzk_kit.workbook.text import normalize_code

WIDE_LEVELS = ("powiat", "wojewodztwo", "kraj")
WIDE_WORDS = ("powiatow", "wojewodzk", "rejonow", "okregow", "regionaln")  # word starts meaning "not a gmina's"
UNKNOWN_POWIAT = "nieznany"


@dataclass
class GminaResult:
    """One gmina's result as the regional summary reads it: ``folder`` is its output folder's name."""

    folder: str
    name: str
    teryt: str | None
    type: str | None
    powiat: str | None
    partners: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class SharedInstitution:
    name: str  # the spelling most gminas use
    sector: str | None
    level: str | None
    gminas: list[str]  # names of the gminas whose PZK it belongs to
    ties: int  # its ties in those PZKs' networks
    mean_level: float | None  # mean level of those ties; None when no gmina collected cooperation


@dataclass
class Powiat:
    key: str
    label: str
    gminas: list[str]
    shared: list[SharedInstitution]


def _is_wide(name: str, level: object) -> bool:
    if level in WIDE_LEVELS:
        return True
    return level in (None, "") and any(word.startswith(WIDE_WORDS) for word in name.split("_"))


def institution_key(name: object, level: object = None) -> str:
    """What two gminas' spellings of one institution share (``„PUP” w Myślenicach`` = ``pup``, for a powiat
    unit); empty for a nameless row."""
    words = normalize_code(name)
    if not words or not _is_wide(words, level):
        return words
    parts = words.split("_")
    if "w" in parts[1:]:
        parts = parts[:len(parts) - 1 - parts[::-1].index("w")]
    return "_".join(parts)


def powiat_key(text: object) -> str:
    """``Powiat Myślenicki`` = ``myślenicki`` = ``powiat  myslenicki``: the powiat's name normalised."""
    key = normalize_code(text)
    return key.removeprefix("powiat_") if key != "powiat" else ""


def _powiat_label(typed: list[str], teryt_prefix: str | None) -> str:
    if typed:
        text = Counter(typed).most_common(1)[0][0].strip()
        return text if normalize_code(text).startswith("powiat") else f"powiat {text}"
    return f"powiat o kodzie TERYT {teryt_prefix}" if teryt_prefix else "powiat nieznany"


def _teryt_prefix(teryt: object) -> str | None:
    text = str(teryt or "")
    return text[:4] if len(text) >= 4 and text[:4].isdigit() else None


def group_by_powiat(results: list[GminaResult]) -> list[Powiat]:
    """Powiats in label order, each with its gminas and its institutions shared by two or more of their PZKs
    (most shared first). A gmina with only a TERYT joins the powiat another gmina with the same four digits named."""
    named_by_prefix: dict[str, str] = {}
    for result in results:
        key, prefix = powiat_key(result.powiat), _teryt_prefix(result.teryt)
        if key and prefix:
            named_by_prefix.setdefault(prefix, key)
    groups: dict[str, list[GminaResult]] = defaultdict(list)
    for result in results:
        prefix = _teryt_prefix(result.teryt)
        key = powiat_key(result.powiat) or named_by_prefix.get(prefix or "") or (f"teryt:{prefix}" if prefix
                                                                                 else UNKNOWN_POWIAT)
        groups[key].append(result)
    powiats = []
    for key, members in groups.items():
        typed = [r.powiat for r in members if r.powiat and powiat_key(r.powiat)]
        prefixes = [p for p in map(_teryt_prefix, (r.teryt for r in members)) if p]
        label = _powiat_label(typed, Counter(prefixes).most_common(1)[0][0] if prefixes else None)
        powiats.append(Powiat(key, label, [r.name for r in members], shared_institutions(members)))
    return sorted(powiats, key=lambda p: (p.key == UNKNOWN_POWIAT, normalize_code(p.label)))


def shared_institutions(results: list[GminaResult]) -> list[SharedInstitution]:
    found: dict[str, list[tuple[str, dict[str, Any]]]] = defaultdict(list)
    for result in results:
        seen = set()
        for partner in result.partners:
            if partner.get("role") not in MEMBER_ROLES:
                continue
            key = institution_key(partner.get("name"), partner.get("level"))
            if key and key not in seen:  # one PZK counts once, even if it lists the unit twice
                seen.add(key)
                found[key].append((result.name, partner))
    shared = []
    for entries in found.values():
        if len(entries) < 2:
            continue
        partners = [p for _, p in entries]
        ties = sum(int(p.get("ties") or 0) for p in partners)
        weighted = sum((p.get("mean_level") or 0) * int(p.get("ties") or 0) for p in partners)
        shared.append(SharedInstitution(
            name=_most_common([str(p.get("name")) for p in partners]),
            sector=_most_common([p.get("sector") for p in partners if p.get("sector")]) or None,
            level=_most_common([p.get("level") for p in partners if p.get("level")]) or None,
            gminas=sorted({g for g, _ in entries}, key=normalize_code), ties=ties,
            mean_level=round(weighted / ties, 2) if ties else None))
    return sorted(shared, key=lambda s: (-len(s.gminas), normalize_code(s.name)))


def _most_common(values: list[Any]) -> Any:
    return Counter(values).most_common(1)[0][0] if values else ""
