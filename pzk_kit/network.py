"""The cooperation network of a PZK and its measures, exactly as CONTRACT §3 defines them.

A leader needs to see who is in, who is missing, who already works with whom and how closely, who are the
brokers, who is isolated and how far the leader reaches. The definitions here are the contract's, so the numbers
in the notebook, ``summary.json`` and the regional comparison are the same numbers.

Reports are directed (partner A describes its cooperation with B); the network is undirected: A–B is a tie when
either side reported level ≥ 1 in that measurement, and its level is the higher of the two reports.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import networkx as nx
import pandas as pd

from pzk_kit.dictionaries import core_sectors, dictionary
from pzk_kit.reading import DEFAULT_MEASUREMENT, GminaData

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
    _cache: dict = field(default_factory=dict, repr=False)

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
    for pid, row in partners.iterrows():
        graph.add_node(pid, nazwa=row["nazwa"], sektor=row["sektor"], rola=row["rola"],
                       deklaracja=row["deklaracja"], szczebel=row["szczebel"])
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
    leader = data.leader if data.leader in graph else None
    return Network(measurement=measurement, graph=graph, reports=reports, partners=partners, leader=leader)


def measurements_of(data: GminaData) -> list[str]:
    """Measurements with cooperation reports, in time order; T0 when none were collected."""
    found = sorted(set(data.cooperation["pomiar"].dropna()), key=lambda m: int(m[1:]))
    return found or [DEFAULT_MEASUREMENT]


# -- the contract's summary ----------------------------------------------------------------------------------


def degree_centralization(graph: nx.Graph) -> float:
    """Freeman's degree centralization Σ(max − deg) / ((n−1)(n−2)); 0 for networks under 3 partners."""
    n = graph.number_of_nodes()
    if n < 3:
        return 0.0
    degrees = [d for _, d in graph.degree()]
    top = max(degrees)
    return sum(top - d for d in degrees) / ((n - 1) * (n - 2))


def leader_reach(net: Network) -> float | None:
    """Share of the other partners within two steps of the leader; None when there is no leader."""
    if net.leader is None:
        return None
    if net.n < 2:
        return 0.0
    within = nx.single_source_shortest_path_length(net.graph, net.leader, cutoff=2)
    return (len(within) - 1) / (net.n - 1)


def brokers(net: Network, limit: int = MAX_BROKERS) -> list[str]:
    """Up to five partners with the highest betweenness (> 0), highest first; ties broken by id."""
    ranked = sorted(((-b, pid) for pid, b in net.betweenness.items() if b > 1e-12))
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
    """The ``network`` part of ``summary.json`` (CONTRACT §3), with exactly its field names."""
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
    }


def _round(value: float | None, digits: int = 4) -> float | None:
    return None if value is None else round(float(value), digits)
