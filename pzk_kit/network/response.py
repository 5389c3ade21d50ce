"""Who answered a measurement of the cooperation map, and the reciprocity of the ties whose both ends answered.

A tie reported by one side only means two different things: the other side answered and did not see the
cooperation, or the other side never filled in the sheet. The contract's ``reciprocity`` cannot tell them apart,
so a PZK where three partners forgot the sheet looked as if its partners disagreed about their cooperation.
Here the two are told apart: a member *answered* a measurement when it reported at least one row about
another partner in it (a row with level 0, "no cooperation", is an answer too), and the reciprocity that can be
judged is the one among ties whose both ends answered. The ties of a partner who did not answer are unknown,
not absent.

Candidates are not expected to answer, so they are never counted as missing; when a candidate did answer, its
reports are used like anyone's for the reciprocity of its ties.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

from pzk_kit.workbook.reading import DEFAULT_MEASUREMENT, GminaData

if TYPE_CHECKING:
    from pzk_kit.network.measures import Network


@dataclass(frozen=True)
class ResponseStatus:
    """The response to one measurement of the map (ids in the order of the ``partnerzy`` sheet)."""

    measurement: str
    members: tuple[str, ...]  # leader and partners: those expected to answer
    respondents: tuple[str, ...]  # members who answered
    non_respondents: tuple[str, ...]  # members who did not
    answered_ties: int  # ties whose both ends answered (any role)
    answered_reciprocal: int  # of those, ties reported by both sides

    @property
    def response_rate(self) -> float | None:
        """Respondents / members; None without members (nobody was expected to answer)."""
        return len(self.respondents) / len(self.members) if self.members else None

    @property
    def reciprocity_answered(self) -> float | None:
        """Share of the ties between two answering partners reported by both; None when there is no such tie."""
        return self.answered_reciprocal / self.answered_ties if self.answered_ties else None

    @property
    def complete(self) -> bool:
        """Every member answered (also true of a PZK without members: nobody is missing)."""
        return not self.non_respondents


def response_status(data: GminaData, measurement: str = DEFAULT_MEASUREMENT) -> ResponseStatus:
    """The response of the members to ``measurement`` of the ``wspolpraca`` sheet."""
    from pzk_kit.network.measures import build_network

    return status_of(build_network(data, measurement))


def status_of(net: Network) -> ResponseStatus:
    """The response status of a network already built (the summary and the report build it once).

    A report counts when it is a usable row of the measurement: a level given (0 included), about another
    partner of the sheet — the rows :func:`~pzk_kit.network.measures.build_network` keeps.
    """
    from pzk_kit.network.measures import MEMBER_ROLES

    answered = set(net.reports["od"])
    roles = net.partners["rola"]
    members = tuple(pid for pid in net.partners["id"] if roles.get(pid) in MEMBER_ROLES)
    ties = [(a, b, d) for a, b, d in net.graph.edges(data=True) if a in answered and b in answered]
    return ResponseStatus(
        measurement=net.measurement,
        members=members,
        respondents=tuple(pid for pid in members if pid in answered),
        non_respondents=tuple(pid for pid in members if pid not in answered),
        answered_ties=len(ties),
        answered_reciprocal=sum(1 for _, _, d in ties if d["reciprocal"]),
    )


def summary_part(status: ResponseStatus) -> dict:
    """The response keys of ``summary.json``'s ``network`` part (shares rounded like the contract's)."""
    def rounded(value: float | None) -> float | None:
        return None if value is None else round(float(value), 4)

    return {
        "respondents": len(status.respondents),
        "non_respondents": list(status.non_respondents),
        "response_rate": rounded(status.response_rate),
        "reciprocity_answered": rounded(status.reciprocity_answered),
    }


# summary.json key → glossary code (data/miary.csv), where the two differ: the glossary's "respondents" is the
# survey's, so the map's respondents have their own name there.
GLOSSARY_CODES = {"respondents": "partners_answered"}


def glossary_code(key: str) -> str:
    return GLOSSARY_CODES.get(key, key)


def partners_table(data: GminaData, status: ResponseStatus, *, answered: bool = False) -> pd.DataFrame:
    """The members who did not answer (``answered`` True: who did), by name and sector, for the meeting."""
    from pzk_kit.workbook.dictionaries import dictionary

    chosen = status.respondents if answered else status.non_respondents
    partners = data.partners.drop_duplicates("id").set_index("id", drop=False)
    sectors = dictionary("sektory")
    rows = [{"id": pid, "Nazwa": _text(partners.at[pid, "nazwa"]) or pid,
             "Sektor": sectors.label(partners.at[pid, "sektor"]) if isinstance(partners.at[pid, "sektor"], str)
             else ""}
            for pid in chosen]
    return pd.DataFrame(rows, columns=["id", "Nazwa", "Sektor"])


def names(data: GminaData, ids: tuple[str, ...] | list[str]) -> list[str]:
    """Partner names for a sentence, the id where the name is empty."""
    known = data.partner_names()
    return [_text(known.get(pid)) or pid for pid in ids]


def _text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


def status_line(status: ResponseStatus, *, markup: str = "markdown") -> str:
    """The response in one line with the glossary's names and formats (notebook 01, the app):
    ``Członkowie PZK: 4 · Członkowie, którzy opisali współpracę: 3 · Odsetek członków z odpowiedzią: 75 % · …``
    (each figure printed as everywhere else, so a label never shows two forms of one number)."""
    from pzk_kit import glossary

    values: dict[str, object] = {
        "members": len(status.members),
        "partners_answered": len(status.respondents),
        "response_rate": status.response_rate,
    }
    if status.reciprocity_answered is not None:
        values["reciprocity_answered"] = status.reciprocity_answered
    return glossary.line(values, markup=markup)
