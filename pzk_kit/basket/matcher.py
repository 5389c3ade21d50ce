"""Who could fill a gap: partners and candidates whose sector usually serves the need.

A gap (no service) or a nominally covered need (too few places) is only useful at the meeting with a name next to
it: which member could add a service, and which candidate outside the PZK could bring one — with the member who
knows that candidate best to make the call. Which sectors usually serve which need area is data
(``data/obszary_sektory.csv``, with a short why), so a region can correct it without code.

Only institutions are named (ids, names, sectors): never a person or a contact.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

import pandas as pd

from pzk_kit.basket.coverage import capacity_table
from pzk_kit.measurement import resolve
from pzk_kit.resources import read_table
from pzk_kit.workbook.dictionaries import dictionary
from pzk_kit.workbook.reading import GminaData

AREA_SECTORS_FILE = "obszary_sektory.csv"
MEMBER_ROLES = ("lider", "partner")
CANDIDATE_ROLE = "kandydat"
NEEDS_TO_MATCH = ("luka", "pokryta_nominalnie")


@dataclass(frozen=True)
class AreaSectors:
    sectors: tuple[str, ...]
    why: str


@cache
def area_sectors() -> dict[str, AreaSectors]:
    """Need area code → the sectors that usually serve it and why; a code unknown to the dictionaries is a
    packaging error, caught by the tests rather than at a meeting."""
    table = {}
    for row in read_table(AREA_SECTORS_FILE):
        sectors = tuple(code.strip() for code in row["sektory"].split(";") if code.strip())
        table[row["obszar"]] = AreaSectors(sectors, row["dlaczego"])
    return table


@dataclass(frozen=True)
class Candidate:
    id: str
    inviter: str | None  # the member with the strongest tie, else the leader (None: no leader named)
    level: int | None  # that tie's level; None when the leader is suggested for lack of any tie


@dataclass
class Match:
    """One gap or nominally covered need and who could answer it."""

    area: str
    group: str
    status: str  # "luka" or "pokryta_nominalnie"
    people: int | None
    places: int | None
    services: tuple[str, ...]
    sectors: tuple[str, ...]
    why: str
    partners: list[str] = field(default_factory=list)  # members of a fitting sector not yet serving the need
    candidates: list[Candidate] = field(default_factory=list)


def _inviters(data: GminaData, measurement: str | None, net=None) -> dict[str, tuple[str, int]]:
    """Candidate id → (member, level) of the strongest tie in the run's network measurement (ties are read both
    ways, the higher level wins; a tie at equal level goes to the member first in alphabetical order). ``net``:
    that network when the caller has it already (an Analysis builds each network once)."""
    from pzk_kit.network import build_network

    if not data.has("wspolpraca"):
        return {}
    net = build_network(data, resolve(data, measurement).network) if net is None else net
    best: dict[str, tuple[str, int]] = {}
    for pid, attrs in net.graph.nodes(data=True):
        if attrs.get("rola") != CANDIDATE_ROLE:
            continue
        links = sorted(((int(net.graph.edges[pid, other]["level"]), other) for other in net.graph.neighbors(pid)
                        if net.graph.nodes[other].get("rola") in MEMBER_ROLES), key=lambda p: (-p[0], p[1]))
        if links and links[0][0] > 0:
            best[pid] = (links[0][1], links[0][0])
    return best


def gap_matches(data: GminaData, measurement: str | None = None, net=None,
                capacity: pd.DataFrame | None = None) -> list[Match]:
    """For each gap and each nominally covered need (sheet order), the fitting members and candidates.

    ``measurement`` picks the network measurement whose ties say who can invite a candidate (None = the latest,
    the kit's one rule in :mod:`pzk_kit.measurement`); ``net`` is that measurement's network and ``capacity`` the
    capacity table, if already built (an analysis builds each once per report).
    """
    capacity = capacity_table(data) if capacity is None else capacity
    chosen = capacity[capacity["status"].isin(NEEDS_TO_MATCH)]
    if chosen.empty:
        return []
    partners = data.partners
    sector_of = dict(zip(partners["id"], partners["sektor"], strict=True))
    members = [pid for pid, role in zip(partners["id"], partners["rola"], strict=True) if role in MEMBER_ROLES]
    candidates = [pid for pid, role in zip(partners["id"], partners["rola"], strict=True) if role == CANDIDATE_ROLE]
    provider_of = dict(zip(data.services["id"], data.services["partner"], strict=True))
    inviters = _inviters(data, measurement, net) if candidates else {}
    leader = data.leader
    known = area_sectors()
    matches = []
    for row in chosen.itertuples(index=False):
        fit = known.get(row.obszar, AreaSectors((), ""))
        serving = {provider_of.get(sid) for sid in row.uslugi}
        match = Match(row.obszar, row.grupa, row.status, row.liczba_osob, row.miejsca, row.uslugi, fit.sectors,
                      fit.why)
        match.partners = [pid for pid in members if sector_of.get(pid) in fit.sectors and pid not in serving]
        for pid in candidates:
            if sector_of.get(pid) not in fit.sectors or pid in serving:
                continue
            inviter, level = inviters.get(pid, (leader, None))
            match.candidates.append(Candidate(pid, inviter, level))
        matches.append(match)
    return matches


def _listing(values: list[str]) -> str:
    return ", ".join(values) if values else "—"


def inviter_text(candidate: Candidate) -> str:
    """``GOK (poziom 3)``, or the leader's first contact when no member knows the candidate yet."""
    if candidate.level is not None:
        return f"{candidate.inviter} (poziom {candidate.level})"
    if candidate.inviter:
        return f"{candidate.inviter} — lider, pierwszy kontakt"
    return "lider — pierwszy kontakt"


def matches_table(data: GminaData, measurement: str | None = None) -> pd.DataFrame:
    """The matcher for the meeting: one row per gap or nominally covered need, Polish labels, institutions by
    their ids (short, as on the map; the partner table gives the names)."""
    areas, groups, sectors = dictionary("obszary_potrzeb"), dictionary("grupy_docelowe"), dictionary("sektory")
    status = {"luka": "luka (brak usługi)", "pokryta_nominalnie": "za mało miejsc"}
    rows = [{
        "Obszar potrzeb": areas.label(m.area),
        "Grupa": groups.label(m.group),
        "Stan": status[m.status],
        "Sektory, które zwykle to robią": _listing([sectors.label(s) for s in m.sectors]),
        "Partnerzy PZK, którzy mogą dodać usługę": _listing(m.partners),
        "Kandydaci (kto może zaprosić)": _listing([f"{c.id} — zaprasza: {inviter_text(c)}"
                                                   for c in m.candidates]),
    } for m in gap_matches(data, measurement)]
    columns = ["Obszar potrzeb", "Grupa", "Stan", "Sektory, które zwykle to robią",
               "Partnerzy PZK, którzy mogą dodać usługę", "Kandydaci (kto może zaprosić)"]
    return pd.DataFrame(rows, columns=columns)
