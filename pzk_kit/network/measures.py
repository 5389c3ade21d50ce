"""The cooperation network of a PZK and its measures, exactly as CONTRACT §3 defines them.

A leader needs to see who is in, who is missing, who already works with whom and how closely, who are the
brokers, who is isolated and how far the leader reaches. The definitions here are the contract's, so the numbers
in the notebook, ``summary.json`` and the regional comparison are the same numbers.

Reports are directed (partner A describes its cooperation with B); the network is undirected: A–B is a tie when
either side reported level ≥ 1 in that measurement, and its level is the higher of the two reports.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import networkx as nx
import pandas as pd

from pzk_kit import glossary
from pzk_kit.workbook.dictionaries import core_sectors, dictionary
from pzk_kit.workbook.reading import DEFAULT_MEASUREMENT, GminaData, measurement_order

MEMBER_ROLES = ("lider", "partner")
MAX_BROKERS = 5
DISAGREEMENT_LEVELS = 2


@dataclass
class Network:
    """One measurement's network: the graph plus the directed reports it was built from."""

    measurement: str
    graph: nx.Graph
    reports: pd.DataFrame  # od, do, poziom, zaufanie, wartosc, formy of this measurement
    partners: pd.DataFrame  # the partnerzy table, indexed by id
    leader: str | None
    leaders: tuple[str, ...] = ()  # the leader and co-leaders on the map, the convening one first

    def __post_init__(self) -> None:
        if not self.leaders and self.leader is not None:
            self.leaders = (self.leader,)

    @property
    def n(self) -> int:
        return self.graph.number_of_nodes()

    @property
    def ties(self) -> int:
        return self.graph.number_of_edges()

    @cached_property
    def betweenness(self) -> dict[str, float]:
        """Normalised betweenness (share of shortest paths through a partner): who brokers between others."""
        if self.ties == 0:
            return dict.fromkeys(self.graph.nodes, 0.0)
        return nx.betweenness_centrality(self.graph, normalized=True)

    def tie_levels(self) -> pd.Series:
        return pd.Series([d["level"] for _, _, d in self.graph.edges(data=True)], dtype="float64")


def build_network(data: GminaData, measurement: str = DEFAULT_MEASUREMENT) -> Network:
    """The undirected network of one measurement; every partner is a node, even without any tie."""
    partners = data.partners.drop_duplicates("id").set_index("id", drop=False)
    graph = nx.Graph()
    attributes = ["nazwa", "sektor", "rola", "deklaracja", "szczebel"]
    graph.add_nodes_from(
        (pid, dict(zip(attributes, values, strict=True)))
        for pid, values in zip(partners["id"], partners[attributes].itertuples(index=False, name=None), strict=True)
    )
    reports = data.cooperation
    reports = reports[(reports["pomiar"] == measurement) & reports["od"].notna() & reports["do"].notna()
                      & reports["poziom"].notna() & (reports["od"] != reports["do"])]
    reports = reports[reports["od"].isin(graph.nodes) & reports["do"].isin(graph.nodes)].copy()
    positive = reports[reports["poziom"] >= 1]
    if not positive.empty:
        first = positive["od"].where(positive["od"] < positive["do"], positive["do"])
        second = positive["do"].where(positive["od"] < positive["do"], positive["od"])
        pairs = pd.DataFrame({"a": first, "b": second, "poziom": positive["poziom"].astype(int),
                              "od": positive["od"]})
        grouped = pairs.groupby(["a", "b"], sort=True).agg(level=("poziom", "max"), sides=("od", "nunique"))
        graph.add_edges_from(
            (a, b, {"level": int(level), "reciprocal": sides == 2})
            for (a, b), level, sides in zip(grouped.index, grouped["level"], grouped["sides"], strict=True)
        )
    leaders = tuple(pid for pid in data.leaders if pid in graph)
    return Network(measurement=measurement, graph=graph, reports=reports, partners=partners,
                   leader=leaders[0] if leaders else None, leaders=leaders)


def measurements_of(data: GminaData) -> list[str]:
    """Measurements with cooperation reports, in time order; T0 when none were collected."""
    found = sorted(set(data.cooperation["pomiar"].dropna()), key=measurement_order)
    return found or [DEFAULT_MEASUREMENT]


def choose_measurement(data: GminaData, wanted: str | None) -> str:
    """The measurement to map: the map's measurement of a run asking for ``wanted``, by the kit's one rule
    (:func:`pzk_kit.measurement.resolve`): the one asked for when it was collected, else the latest one before
    it (else the first); the latest when none is asked.

    A workshop asking for T1 before T1 was collected still gets a map, never an empty one; the notebook says
    which measurement it shows. With no ties collected at all the empty map is named as the run, as in
    ``summary.json``.
    """
    from pzk_kit.measurement import resolve

    return resolve(data, wanted).network


# -- the contract's summary ----------------------------------------------------------------------------------


def degree_centralization(graph: nx.Graph) -> float:
    """Freeman's degree centralization Σ(max − deg) / ((n−1)(n−2)); 0 for networks under 3 partners."""
    n = graph.number_of_nodes()
    if n < 3:
        return 0.0
    degrees = [d for _, d in graph.degree()]
    top = max(degrees)
    return sum(top - d for d in degrees) / ((n - 1) * (n - 2))


def within_leaders_reach(net: Network) -> set[str]:
    """Partners within two steps of any leader (the leaders themselves included)."""
    within: set[str] = set()
    for leader in net.leaders:
        within.update(nx.single_source_shortest_path_length(net.graph, leader, cutoff=2))
    return within


def leader_reach(net: Network) -> float | None:
    """Share of the other partners within two steps of the leader; None when there is no leader.

    With co-leaders (OPS and PCPR) the partnership is coordinated from each of them, so a partner counts as
    reached when it is within two steps of ANY leader, and the share is taken among the partners that are not
    leaders. For one leader this is the contract's definition: (reached − 1) / (n − 1).
    """
    if not net.leaders:
        return None
    others = net.n - len(net.leaders)
    if others < 1:
        return 0.0
    return (len(within_leaders_reach(net)) - len(net.leaders)) / others


def brokers(net: Network, limit: int = MAX_BROKERS) -> list[str]:
    """Up to five partners with the highest betweenness (> 0), highest first; ties broken by id."""
    # Rounded first: networkx returns equal betweenness values that differ in the 17th digit, and the order
    # must not depend on float noise (or on the row order of the sheet).
    ranked = sorted((-round(b, 9), pid) for pid, b in net.betweenness.items() if b > 1e-12)
    return [pid for _, pid in ranked[:limit]]


def sectors_present(data: GminaData) -> list[str]:
    """Sectors of members (leader or partner), in dictionary order."""
    members = data.partners[data.partners["rola"].isin(MEMBER_ROLES)]
    present = set(members["sektor"].dropna())
    return [code for code in dictionary("sektory").codes if code in present]


def sectors_missing(data: GminaData) -> list[str]:
    """Core sectors with no partner whose role is lider or partner (candidates do not count)."""
    present = set(sectors_present(data))
    return [code for code in core_sectors() if code not in present]


def network_summary(data: GminaData, measurement: str = DEFAULT_MEASUREMENT, net: Network | None = None) -> dict:
    """The ``network`` part of ``summary.json`` (CONTRACT §3), with exactly its field names, followed by who
    answered the measurement (:mod:`pzk_kit.network.response`)."""
    from pzk_kit.network import response

    net = net or build_network(data, measurement)
    n, ties = net.n, net.ties
    levels = net.tie_levels()
    reciprocal = sum(1 for _, _, d in net.graph.edges(data=True) if d["reciprocal"])
    return {
        "measurement": net.measurement,
        "partners": n,
        "ties": ties,
        "density": _round(ties / (n * (n - 1) / 2)) if n > 1 else 0.0,
        "components": nx.number_connected_components(net.graph) if n else 0,
        "isolates": sorted(nx.isolates(net.graph)),
        "reciprocity": _round(reciprocal / ties) if ties else 0.0,
        "degree_centralization": _round(degree_centralization(net.graph)),
        "leader_reach": _round(leader_reach(net)),
        "brokers": brokers(net),
        "mean_level": _round(levels.mean()) if ties else 0.0,
        "sectors_present": sectors_present(data),
        "sectors_missing": sectors_missing(data),
        **response.summary_part(response.status_of(net)),
    }


def _round(value: float | None, digits: int = 4) -> float | None:
    return None if value is None else round(float(value), digits)


# -- tables for the meeting -------------------------------------------------------------------------------------


def _label(dictionary_name: str, code: object) -> str:
    return dictionary(dictionary_name).label(code) if isinstance(code, str) else ""


def partner_table(net: Network) -> pd.DataFrame:
    """One row per partner: ties, brokerage, reports made and received, trust and value others gave it.

    Trust and value are the PARTNER-style "how others see us": the mean of what the other partners reported
    about this one (1–4), so a partner cannot raise its own score.
    """
    reports = net.reports
    made = reports.groupby("od").size()
    received = reports.groupby("do").size()
    trust = reports.groupby("do")["zaufanie"].mean()
    value = reports.groupby("do")["wartosc"].mean()
    by_level = {level: dict.fromkeys(net.graph.nodes, 0) for level in range(1, 6)}
    for a, b, d in net.graph.edges(data=True):
        by_level[d["level"]][a] += 1
        by_level[d["level"]][b] += 1
    rows = []
    for pid, attrs in net.graph.nodes(data=True):
        row = {
            "id": pid,
            "Nazwa": attrs["nazwa"],
            "Sektor": _label("sektory", attrs["sektor"]),
            "Rola": _label("role", attrs["rola"]),
            "Deklaracja": _label("deklaracje", attrs["deklaracja"]) or "—",
            "Powiązania": net.graph.degree(pid),
            "Pośrednictwo": round(net.betweenness.get(pid, 0.0), 3),
        }
        row.update({f"Poziom {level}": by_level[level][pid] for level in range(1, 6)})
        row["Zgłoszenia wysłane"] = int(made.get(pid, 0))
        row["Zgłoszenia otrzymane"] = int(received.get(pid, 0))
        row["Zaufanie innych"] = _mean_or_none(trust.get(pid))
        row["Wartość wg innych"] = _mean_or_none(value.get(pid))
        rows.append(row)
    table = pd.DataFrame(rows)
    if table.empty:
        return table
    table = table.sort_values(["Powiązania", "Pośrednictwo", "id"], ascending=[False, False, True], ignore_index=True)
    # mean ratings are scores: "3,50", never "3,5", as every score the kit shows
    return glossary.with_formats(table, {"Zaufanie innych": "trust_received", "Wartość wg innych": "value_received"})


# The partner table's two-row header for reading (notebook 01): it fits a 1024 px screen without sideways scroll.
_TIES_BY_LEVEL = "Powiązania: razem i na poziomie 1–5"
PARTNER_TABLE_GROUPS = {
    "Powiązania": (_TIES_BY_LEVEL, "razem"),
    **{f"Poziom {level}": (_TIES_BY_LEVEL, str(level)) for level in range(1, 6)},
    "Zgłoszenia wysłane": ("Zgłoszenia", "wysłane"),
    "Zgłoszenia otrzymane": ("Zgłoszenia", "otrzymane"),
    "Zaufanie innych": ("Ocena innych (1–4)", "zaufanie"),
    "Wartość wg innych": ("Ocena innych (1–4)", "wartość"),
}


def _mean_or_none(value: object) -> float | None:
    return None if value is None or pd.isna(value) else round(float(value), 2)


def sector_matrix(net: Network) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Sector × sector: number of ties and their mean level (diagonal = ties inside one sector)."""
    order = [c for c in dictionary("sektory").codes if any(d["sektor"] == c for _, d in net.graph.nodes(data=True))]
    labels = [_label("sektory", c) for c in order]
    sector = nx.get_node_attributes(net.graph, "sektor")
    count: dict[tuple[str, str], int] = {}
    total: dict[tuple[str, str], int] = {}
    for a, b, d in net.graph.edges(data=True):
        for key in {(sector[a], sector[b]), (sector[b], sector[a])}:
            count[key] = count.get(key, 0) + 1
            total[key] = total.get(key, 0) + d["level"]
    counts = pd.DataFrame([[count.get((x, y), 0) for y in order] for x in order], index=labels, columns=labels,
                          dtype="int64")
    sums = pd.DataFrame([[total.get((x, y), 0) for y in order] for x in order], index=labels, columns=labels,
                        dtype="float64")
    means = (sums / counts.where(counts > 0)).round(2)
    return counts, means


def level_distribution(net: Network) -> pd.Series:
    """Number of ties at each level 1–5, labelled in Polish ("3 koordynacja")."""
    levels = net.tie_levels().value_counts()
    entries = [e for e in dictionary("poziomy_wspolpracy").entries if e.code != "0"]
    return pd.Series(
        [int(levels.get(float(e.code), 0)) for e in entries],
        index=[f"{e.code} {e.label.lower()}" for e in entries], name="Liczba powiązań",
    )


def members_without_declaration(data: GminaData) -> pd.DataFrame:
    partners = data.partners
    missing = partners[partners["rola"].isin(MEMBER_ROLES) & data.without_declaration()]
    return pd.DataFrame({
        "id": missing["id"], "Nazwa": missing["nazwa"],
        "Sektor": [_label("sektory", s) for s in missing["sektor"]],
        "Wiersz w arkuszu": missing["wiersz"],
    }).reset_index(drop=True)


def candidates(net: Network) -> pd.DataFrame:
    """Candidates and the members who could bring them in: those already tied to them, strongest first."""
    rows = []
    for pid, attrs in net.graph.nodes(data=True):
        if attrs["rola"] != "kandydat":
            continue
        links = sorted(
            ((net.graph.edges[pid, other]["level"], other) for other in net.graph.neighbors(pid)
             if net.graph.nodes[other]["rola"] in MEMBER_ROLES),
            key=lambda pair: (-pair[0], pair[1]),
        )
        rows.append({
            "Kandydat": pid, "Nazwa": attrs["nazwa"], "Sektor": _label("sektory", attrs["sektor"]),
            "Kto może zaprosić": ", ".join(f"{other} (poziom {level})" for level, other in links) or
            "nikt — potrzebny pierwszy kontakt lidera",
            "Liczba znajomych w PZK": len(links),
        })
    return pd.DataFrame(rows, columns=["Kandydat", "Nazwa", "Sektor", "Kto może zaprosić", "Liczba znajomych w PZK"])


def disagreements(net: Network, threshold: int = DISAGREEMENT_LEVELS) -> pd.DataFrame:
    """Pairs whose two reports differ by ``threshold`` levels or more: "do omówienia na spotkaniu"."""
    reports = net.reports.dropna(subset=["poziom"])
    level = {(a, b): int(p) for a, b, p in zip(reports["od"], reports["do"], reports["poziom"], strict=True)}
    rows = []
    for (a, b), level_ab in level.items():
        level_ba = level.get((b, a))
        if level_ba is None or a > b or abs(level_ab - level_ba) < threshold:
            continue
        rows.append({"Partner A": a, "Partner B": b, "A o B": level_ab, "B o A": level_ba,
                     "Różnica": abs(level_ab - level_ba)})
    columns = ["Partner A", "Partner B", "A o B", "B o A", "Różnica"]
    table = pd.DataFrame(rows, columns=columns)
    return table.sort_values(["Różnica", "Partner A", "Partner B"], ascending=[False, True, True], ignore_index=True)


DISCUSSION_NOTES = {
    # What the meeting sees above the "rozbieżności" exercise, so the exercise always has pairs to talk about.
    "rozbiezne": "Pary, które oceniły wzajemną współpracę różnie — o dwa poziomy lub więcej: **{liczba}**.",
    "o_jeden": "Brak rozbieżności o dwa poziomy lub więcej. Do ćwiczenia weźcie pary, które oceniły współpracę "
               "różnie o jeden poziom (**{liczba}**):",
    "zgodne": "Brak rozbieżności: każda para, która opisała się nawzajem, podała ten sam poziom. Do ćwiczenia "
              "weźcie pary o najwyższym poziomie współpracy — co sprawia, że ta współpraca działa?",
    "brak_par": "Żadna para partnerów nie opisała się nawzajem, więc nie ma czego porównać. Do ćwiczenia: "
                "w kolejnym pomiarze niech każdy partner opisze współpracę ze wszystkimi pozostałymi, także z tymi, "
                "z którymi nie współpracuje (poziom 0).",
}
DISCUSSION_PAIRS = 5


def pairs_to_discuss(net: Network) -> tuple[str, pd.DataFrame]:
    """The pairs for the "rozbieżności" exercise and the Markdown line that introduces them.

    Pairs two or more levels apart come first; without them, the pairs one level apart; when every pair agrees,
    the closest mutual pairs (the same table, a difference of 0). Only when no pair described each other is the
    table empty, and the line then says what to collect instead of pointing at a table that is not there.
    """
    for key, threshold in (("rozbiezne", DISAGREEMENT_LEVELS), ("o_jeden", 1)):
        found = disagreements(net, threshold)
        if len(found):
            return DISCUSSION_NOTES[key].format(liczba=len(found)), found
    mutual = disagreements(net, 0)
    if not len(mutual):
        return DISCUSSION_NOTES["brak_par"], mutual
    top = mutual.sort_values(["A o B", "Partner A", "Partner B"], ascending=[False, True, True], ignore_index=True)
    return DISCUSSION_NOTES["zgodne"], top.head(DISCUSSION_PAIRS)


def filtered_graph(net: Network, min_level: int = 1, sectors: list[str] | None = None) -> nx.Graph:
    """The network seen through the meeting's filters: ties at ``min_level`` or more, chosen sectors only."""
    nodes = [n for n, d in net.graph.nodes(data=True) if not sectors or d["sektor"] in sectors]
    sub = net.graph.subgraph(nodes)
    result = nx.Graph()
    result.add_nodes_from(sub.nodes(data=True))
    result.add_edges_from((a, b, d) for a, b, d in sub.edges(data=True) if d["level"] >= min_level)
    return result


def ego_network(net: Network, partner: str, radius: int = 1) -> nx.Graph:
    """A partner with everyone within ``radius`` steps and the ties among them."""
    if partner not in net.graph:
        return nx.Graph()
    return nx.ego_graph(net.graph, partner, radius=radius).copy()


# -- change between measurements (reused by the evaluation) ----------------------------------------------------

# The measures compared between two measurements, in this order; their names are the glossary's.
COMPARED_MEASURES = ("ties", "density", "mean_level", "reciprocity", "degree_centralization", "components",
                     "leader_reach")


@dataclass
class NetworkChange:
    before: str
    after: str
    new_ties: pd.DataFrame
    lost_ties: pd.DataFrame
    level_changes: pd.DataFrame
    measures: pd.DataFrame


def compare_networks(data: GminaData, before: Network, after: Network) -> NetworkChange:
    """What changed between two measurements: new and lost ties, level changes, and the main measures."""
    edges_before = {_pair(a, b): d["level"] for a, b, d in before.graph.edges(data=True)}
    edges_after = {_pair(a, b): d["level"] for a, b, d in after.graph.edges(data=True)}
    columns = ["Partner A", "Partner B", "Poziom"]
    new = pd.DataFrame([(a, b, lvl) for (a, b), lvl in sorted(edges_after.items()) if (a, b) not in edges_before],
                       columns=columns)
    lost = pd.DataFrame([(a, b, lvl) for (a, b), lvl in sorted(edges_before.items()) if (a, b) not in edges_after],
                        columns=columns)
    changed = pd.DataFrame(
        [(a, b, edges_before[(a, b)], lvl, lvl - edges_before[(a, b)])
         for (a, b), lvl in sorted(edges_after.items()) if (a, b) in edges_before and edges_before[(a, b)] != lvl],
        columns=["Partner A", "Partner B", before.measurement, after.measurement, "Zmiana"],
    )
    summary_before = network_summary(data, before.measurement, before)
    summary_after = network_summary(data, after.measurement, after)
    measures = pd.DataFrame([
        {"Miara": glossary.label(key), before.measurement: summary_before[key], after.measurement: summary_after[key],
         "Zmiana": _delta(summary_before[key], summary_after[key])}
        for key in COMPARED_MEASURES
    ])
    glossary.with_row_formats(measures, list(COMPARED_MEASURES), [before.measurement, after.measurement],
                              ("Zmiana",))
    return NetworkChange(before.measurement, after.measurement, new, lost, changed, measures)


def _pair(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a < b else (b, a)


def _delta(before: float | None, after: float | None) -> float | None:
    return None if before is None or after is None else round(after - before, 4)


def summary_table(summary: dict) -> pd.DataFrame:
    """The ``network`` summary as a Polish table (measure, value, what it means) for the meeting and reports.

    Names, formats and definitions are the glossary's (``data/miary.csv``), the same in every output.
    """
    from pzk_kit.network.response import GLOSSARY_CODES

    sectors = dictionary("sektory")
    key_of = {code: key for key, code in GLOSSARY_CODES.items()}
    rows = []
    for entry in glossary.of_step("siec"):
        key = key_of.get(entry.code, entry.code)
        if key not in summary:
            continue
        value = summary[key]
        if entry.code in {"sectors_present", "sectors_missing"}:
            value = [sectors.label(c) for c in value]
        rows.append({"Miara": entry.label, "Wartość": glossary.fmt(entry.code, value),
                     "Co to znaczy": entry.definition})
    return pd.DataFrame(rows)


def membership(data: GminaData) -> dict[str, int]:
    """How many institutions are members (leader and partners), candidates, and on the map (all rows)."""
    roles = data.partners["rola"]
    return {"members": int(roles.isin(MEMBER_ROLES).sum()), "candidates": int((roles == "kandydat").sum()),
            "partners": len(data.partners)}


def composition_line(data: GminaData, *, markup: str = "markdown") -> str:
    """Who is in the PZK, in one line with the glossary's names: the notebook's and the app's headline."""
    names = data.partner_names()
    leader = "; ".join(str(names.get(pid) or pid) for pid in data.leaders) or "nie wskazano"
    return glossary.line({"leader": leader, **membership(data),
                          "sectors_missing": sector_names(sectors_missing(data)) or "brak — wszystkie obecne"},
                         markup=markup)


def sector_names(codes: list[str]) -> str:
    """Polish labels of sector codes for a sentence: "Sport, Kultura"; empty string when none."""
    return ", ".join(dictionary("sektory").label(code) for code in codes)
