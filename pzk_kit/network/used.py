"""The declared map against the cooperation that actually happened in task teams (issue 18).

Partners describe their cooperation on the map (``wspolpraca``); the register of task teams and IPUS
(``zespoly``) lists who sat together at a family's case. Laid over each other they show what the map alone cannot:
close cooperation declared but never put to work in a case ("tylko na papierze") and cooperation that happens in
cases although nobody put it on the map. Both sides are taken from the same measurement, the run's network
measurement (:func:`pzk_kit.measurement.resolve`), so a T1 map is never compared with T0 cases.

Case codes are never shown: the register knows only anonymous codes, and even those stay out of every output;
pairs of institutions and case counts are all that leaves this module.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from itertools import combinations

import pandas as pd

from pzk_kit import texts
from pzk_kit.network.layout import node_key
from pzk_kit.network.measures import Network, build_network
from pzk_kit.workbook.dictionaries import dictionary
from pzk_kit.workbook.reading import GminaData

Pair = tuple[str, str]

PAPER_LEVEL = 3  # coordination or closer: a level at which partners would be expected to meet in cases
TEXTS = "siec_uzywana.csv"

EMPTY: dict = {"measurement": None, "cases": 0, "used_ties": 0, "paper_ties": [], "undeclared_ties": []}

PAPER_TITLE = "Tylko na papierze"
UNDECLARED_TITLE = "Współpraca niezgłoszona na mapie"
CONFIRMED_TITLE = "Potwierdzona w sprawach"


def pair(a: object, b: object) -> Pair:
    """One unordered pair, the same whichever partner is named first (ids of any type compare safely)."""
    first, second = sorted((a, b), key=node_key)
    return (first, second)


@dataclass(frozen=True)
class UsedComparison:
    """The declared map and the task teams of one measurement, pair by pair."""

    measurement: str | None  # None: the register was not collected
    cases: int  # cases of that measurement in the register
    used: dict[Pair, int] = field(default_factory=dict)  # pair → cases they worked in together
    declared: dict[Pair, int] = field(default_factory=dict)  # declared tie → its level (1–5)

    @property
    def collected(self) -> bool:
        return self.measurement is not None

    @property
    def confirmed(self) -> list[Pair]:
        """Declared ties whose partners also worked together in a case."""
        return sorted((p for p in self.used if p in self.declared), key=_pair_key)

    @property
    def paper(self) -> list[Pair]:
        """Declared at level 3 or more, never used in a case. Without any case there is nothing to compare."""
        if not self.cases:
            return []
        return sorted((p for p, level in self.declared.items() if level >= PAPER_LEVEL and p not in self.used),
                      key=_pair_key)

    @property
    def undeclared(self) -> list[Pair]:
        """Pairs that worked together in a case although neither side declared a tie."""
        return sorted((p for p in self.used if p not in self.declared), key=_pair_key)

    def as_summary(self) -> dict:
        """The ``used_network`` key of ``summary.json`` (SPEC of issue 18), ids as the workbook writes them."""
        if not self.collected:
            return {**EMPTY, "paper_ties": [], "undeclared_ties": []}
        return {"measurement": self.measurement, "cases": self.cases, "used_ties": len(self.used),
                "paper_ties": [list(p) for p in self.paper], "undeclared_ties": [list(p) for p in self.undeclared]}


def _pair_key(p: Pair) -> tuple:
    return (node_key(p[0]), node_key(p[1]))


def _cases_of(data: GminaData, measurement: str) -> pd.DataFrame:
    cases = data.cases
    if cases is None or cases.empty or "pomiar" not in cases:
        return pd.DataFrame(columns=["partnerzy", "pomiar"])
    return cases[cases["pomiar"] == measurement]


def used_pairs(data: GminaData, measurement: str) -> dict[Pair, int]:
    """Pairs of partners listed together in a case of ``measurement`` → the number of such cases.

    A partner listed twice in one case counts once; a case with a single partner adds no pair.
    """
    counts: Counter[Pair] = Counter()
    for partners in _cases_of(data, measurement)["partnerzy"]:
        if not isinstance(partners, tuple | list):
            continue
        members = sorted({p for p in partners if isinstance(p, str) and p}, key=node_key)
        counts.update(pair(a, b) for a, b in combinations(members, 2))
    return dict(sorted(counts.items(), key=lambda item: _pair_key(item[0])))


def compare(data: GminaData, measurement: str | None = None, net: Network | None = None) -> UsedComparison:
    """The comparison of the run's network measurement (``measurement`` as asked of the run; None = latest).

    ``net`` is the run's network when the caller already built it (an :class:`Analysis`), so it is not built twice;
    its measurement then decides which cases are compared.
    """
    if not data.has("zespoly"):
        return UsedComparison(None, 0)
    if net is None:
        from pzk_kit.measurement import resolve

        net = build_network(data, resolve(data, measurement).network)
    chosen = net.measurement
    declared = {pair(a, b): int(d.get("level", 1)) for a, b, d in net.graph.edges(data=True)}
    used = {p: n for p, n in used_pairs(data, chosen).items() if p[0] != p[1]}
    return UsedComparison(chosen, len(_cases_of(data, chosen)), used, declared)


def declared_vs_used(data: GminaData, measurement: str | None = None, net: Network | None = None) -> dict:
    """The ``used_network`` key of ``summary.json``: cases, used pairs, paper ties and undeclared pairs."""
    return compare(data, measurement, net).as_summary()


# -- tables for the meeting -------------------------------------------------------------------------------------


def _level_label(level: int) -> str:
    return f"{level} — {dictionary('poziomy_wspolpracy').label(str(level)).lower()}"


def _reporters(net: Network, a: str, b: str, names: dict) -> str:
    """Who put the tie on the map: one side or both (the map is built from directed reports)."""
    reports = net.reports
    if reports is None or reports.empty:
        return ""
    between = reports[(((reports["od"] == a) & (reports["do"] == b)) | ((reports["od"] == b) & (reports["do"] == a)))
                      & (reports["poziom"] >= 1)]
    who = sorted(set(between["od"]), key=node_key)
    if len(who) == 2:
        return "obie strony"
    return "; ".join(_name(names, pid) for pid in who)


def _name(names: dict, pid: str) -> str:
    name = names.get(pid)
    return str(name) if isinstance(name, str) and name.strip() else str(pid)


def used_tables(data: GminaData, measurement: str | None = None, net: Network | None = None,
                comparison: UsedComparison | None = None) -> dict[str, pd.DataFrame]:
    """The three lists for the meeting, by Polish title: paper ties, undeclared cooperation, confirmed ties.

    Names, never case codes: a case is only counted.
    """
    if net is None:
        from pzk_kit.measurement import resolve

        net = build_network(data, resolve(data, measurement).network)
    comparison = comparison or compare(data, measurement, net)
    names = data.partner_names()
    paper = pd.DataFrame(
        [{"Partner A": _name(names, a), "Partner B": _name(names, b),
          "Zgłoszony poziom": _level_label(comparison.declared[(a, b)]), "Kto zgłosił": _reporters(net, a, b, names)}
         for a, b in comparison.paper],
        columns=["Partner A", "Partner B", "Zgłoszony poziom", "Kto zgłosił"])
    undeclared = pd.DataFrame(
        [{"Partner A": _name(names, a), "Partner B": _name(names, b), "Liczba spraw": comparison.used[(a, b)]}
         for a, b in comparison.undeclared],
        columns=["Partner A", "Partner B", "Liczba spraw"])
    confirmed = pd.DataFrame(
        [{"Partner A": _name(names, a), "Partner B": _name(names, b),
          "Zgłoszony poziom": _level_label(comparison.declared[(a, b)]), "Liczba spraw": comparison.used[(a, b)]}
         for a, b in comparison.confirmed],
        columns=["Partner A", "Partner B", "Zgłoszony poziom", "Liczba spraw"])
    return {PAPER_TITLE: paper, UNDECLARED_TITLE: undeclared, CONFIRMED_TITLE: confirmed}


def counts_table(comparison: UsedComparison) -> pd.DataFrame:
    """How many pairs fall in each group, labelled as the glossary names the figures."""
    from pzk_kit import glossary

    rows = [("cases", comparison.cases), ("used_ties", len(comparison.used)),
            (None, len(comparison.confirmed)), ("paper_ties", len(comparison.paper)),
            ("undeclared_ties", len(comparison.undeclared))]
    return pd.DataFrame(
        [{"Miara": glossary.label(code) if code else CONFIRMED_TITLE, "Liczba": value} for code, value in rows],
        columns=["Miara", "Liczba"])


def sentence(comparison: UsedComparison) -> str:
    """One Polish line for notebooks and the report: what the overlay shows, or why it shows nothing."""
    from pzk_kit import polish

    if not comparison.collected:
        return _t("nie_zebrano")
    if not comparison.cases:
        return _t("brak_spraw", pomiar=comparison.measurement)
    return _t("podsumowanie", pomiar=comparison.measurement,
              sprawy=polish.count(comparison.cases, "sprawa", "sprawy", "spraw"),
              potwierdzone=len(comparison.confirmed), papier=len(comparison.paper),
              niezgloszone=len(comparison.undeclared))


def _t(key: str, **values: object) -> str:
    return texts.fill(texts.load("raport", file=TEXTS)[key], **values)
