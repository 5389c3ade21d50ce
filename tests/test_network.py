"""The cooperation network and its measures (CONTRACT §3 "Definitions"), checked against numbers worked out by hand.

Every gmina here is written as a CSV folder and read with :func:`read_gmina`, so the whole path from the sheet a
user fills in to ``summary.json`` is under test. The expected values are computed in the comments next to them;
where it helps, networkx is used as an independent second opinion on a graph built from the hand-written tie list
(never from the kit's own graph).
"""

from __future__ import annotations

import csv
import itertools
import random
from collections import defaultdict

import networkx as nx
import pandas as pd
import pytest

from pzk_kit.network import (
    build_network,
    candidates,
    compare_networks,
    degree_centralization,
    disagreements,
    ego_network,
    filtered_graph,
    level_distribution,
    measurements_of,
    network_summary,
    partner_table,
    sector_matrix,
)
from pzk_kit.workbook.dictionaries import core_sectors
from pzk_kit.workbook.example import example_dir
from pzk_kit.workbook.reading import read_gmina

PARTNER_HEADER = ["id", "nazwa", "sektor", "rola", "deklaracja"]
REPORT_HEADER = ["od", "do", "poziom", "zaufanie", "wartosc", "pomiar"]
CORE = [
    "pomoc_spoleczna", "edukacja", "zdrowie", "zatrudnienie", "kultura", "sport", "wymiar_sprawiedliwosci",
    "bezpieczenstwo", "organizacje_pozarzadowe",
]
SUMMARY_FIELDS = [
    "measurement", "partners", "ties", "density", "components", "isolates", "reciprocity", "degree_centralization",
    "leader_reach", "brokers", "mean_level", "sectors_present", "sectors_missing",
    # who answered the measurement (pzk_kit.network.response; tests/test_response.py)
    "respondents", "non_respondents", "response_rate", "reciprocity_answered",
]


def approx4(value: float) -> object:
    """The summary rounds to 4 decimals: equal within half a unit of the 4th decimal."""
    return pytest.approx(value, abs=5e-5)


def partner(pid: str, sektor: str = "pomoc_spoleczna", rola: str = "partner", deklaracja: str = "podpisana") -> list:
    return [pid, f"Instytucja {pid}", sektor, rola, deklaracja]


def report(od: str, do: str, poziom: object, zaufanie: object = "", wartosc: object = "", pomiar: object = "") -> list:
    return [od, do, poziom, zaufanie, wartosc, pomiar]


def hand_graph(nodes: list[str], edges: list[tuple[str, str]]) -> nx.Graph:
    """The expected network built straight from a hand-written tie list, for networkx cross-checks."""
    graph = nx.Graph()
    graph.add_nodes_from(nodes)
    graph.add_edges_from(edges)
    return graph


def freeman(graph: nx.Graph) -> float:
    """Freeman's degree centralization written out independently of the kit."""
    n = graph.number_of_nodes()
    degrees = [d for _, d in graph.degree()]
    return sum(max(degrees) - d for d in degrees) / ((n - 1) * (n - 2))


def expected_brokers(graph: nx.Graph) -> list[str]:
    """Top five by networkx betweenness (> 0), equal values (to 1e-9) broken by id."""
    between = nx.betweenness_centrality(graph, normalized=True)
    ranked = sorted((-round(b, 9), pid) for pid, b in between.items() if b > 1e-9)
    return [pid for _, pid in ranked[:5]]


@pytest.fixture
def make_gmina(tmp_path, write_csv_gmina):
    """Write a gmina as a CSV folder and read it back; the reading must raise no errors."""
    counter = itertools.count()

    def make(partners: list[list], reports: list[list] | None = None, *, lider: str | None = None):
        rows: dict[str, list[list[object]]] = {
            "gmina": [["pole", "wartosc"], ["nazwa", "Gmina Testowa"], *([["lider", lider]] if lider else [])],
            "partnerzy": [PARTNER_HEADER, *partners],
        }
        if reports is not None:
            rows["wspolpraca"] = [REPORT_HEADER, *reports]
        folder = write_csv_gmina(tmp_path / f"gmina_{next(counter)}", rows)
        data = read_gmina(folder)
        assert data.report.errors == [], data.report.format_text()
        return data

    return make


# -- star: a leader and four partners ----------------------------------------------------------------------------

STAR_PARTNERS = [
    partner("L", "pomoc_spoleczna", "lider"),
    partner("A", "edukacja"),
    partner("B", "zdrowie"),
    partner("C", "zatrudnienie"),
    partner("D", "kultura"),
]
STAR_OUT = [report("L", "A", 3), report("L", "B", 2), report("L", "C", 1), report("L", "D", 4)]


def test_star_reported_by_the_leader_only(make_gmina):
    data = make_gmina(STAR_PARTNERS, STAR_OUT, lider="L")
    summary = network_summary(data)
    assert list(summary) == SUMMARY_FIELDS
    assert summary == {
        "measurement": "T0",
        "partners": 5,
        "ties": 4,
        "density": approx4(0.4),  # 4 / (5*4/2) = 4/10
        "components": 1,
        "isolates": [],
        "reciprocity": 0.0,  # 0 of 4 ties reported back
        # degrees L=4, A..D=1 → Σ(4−deg) = 0 + 4*3 = 12; (n−1)(n−2) = 4*3 = 12 → 12/12
        "degree_centralization": approx4(1.0),
        "leader_reach": approx4(1.0),  # A, B, C, D all one step away: 4/4
        "brokers": ["L"],  # every one of the 6 leaf pairs goes through L; leaves have 0
        "mean_level": approx4(2.5),  # (3 + 2 + 1 + 4) / 4 = 10/4
        "sectors_present": ["pomoc_spoleczna", "edukacja", "zdrowie", "zatrudnienie", "kultura"],
        "sectors_missing": ["sport", "wymiar_sprawiedliwosci", "bezpieczenstwo", "organizacje_pozarzadowe"],
        # only the leader reported: A–D are silent, so no tie has both ends answering
        "respondents": 1, "non_respondents": ["A", "B", "C", "D"], "response_rate": approx4(0.2),
        "reciprocity_answered": None,
    }
    star = hand_graph(["L", "A", "B", "C", "D"], [("L", "A"), ("L", "B"), ("L", "C"), ("L", "D")])
    assert nx.betweenness_centrality(star)["L"] == pytest.approx(1.0)  # 6 pairs / ((5−1)(5−2)/2 = 6)
    assert degree_centralization(build_network(data).graph) == pytest.approx(freeman(star))


def test_star_when_everybody_reports_back(make_gmina):
    # Reports back: A says 1 (< 3), B says 2 (= 2), C says 1 (= 1), D says 5 (> 4, so the tie becomes 5).
    back = [report("A", "L", 1), report("B", "L", 2), report("C", "L", 1), report("D", "L", 5)]
    data = make_gmina(STAR_PARTNERS, STAR_OUT + back, lider="L")
    summary = network_summary(data)
    assert summary["ties"] == 4  # still four pairs: reports in both directions are one undirected tie
    assert summary["reciprocity"] == approx4(1.0)  # 4 of 4 ties reported by both sides
    assert summary["mean_level"] == approx4(2.75)  # levels max(3,1)=3, 2, 1, max(4,5)=5 → 11/4
    assert summary["density"] == approx4(0.4)
    assert summary["degree_centralization"] == approx4(1.0)
    assert summary["leader_reach"] == approx4(1.0)
    assert summary["brokers"] == ["L"]
    net = build_network(data)
    assert net.graph.edges["L", "D"] == {"level": 5, "reciprocal": True}


# -- path A–B–C–D ----------------------------------------------------------------------------------------------


def test_path_of_four(make_gmina):
    # Rows deliberately out of id order, so an id tie-break cannot come from the sheet's row order.
    partners = [partner("D"), partner("C"), partner("B"), partner("A", rola="lider")]
    data = make_gmina(partners, [report("A", "B", 2), report("B", "C", 3), report("C", "D", 1)], lider="A")
    summary = network_summary(data)
    assert summary["ties"] == 3
    assert summary["density"] == approx4(0.5)  # 3 / (4*3/2) = 3/6
    assert summary["components"] == 1
    assert summary["isolates"] == []
    # degrees A=1, B=2, C=2, D=1 → Σ(2−deg) = 1 + 0 + 0 + 1 = 2; (4−1)(4−2) = 6 → 2/6
    assert summary["degree_centralization"] == approx4(1 / 3)
    # betweenness: B lies on A–C and A–D, C on A–D and B–D → 2 pairs each of (3*2/2 = 3): 2/3 both; tie → by id
    assert summary["brokers"] == ["B", "C"]
    # from the end A: B (1 step) and C (2 steps) of the 3 others; D is 3 steps away → 2/3
    assert summary["leader_reach"] == approx4(2 / 3)
    assert summary["mean_level"] == approx4(2.0)  # (2 + 3 + 1) / 3
    assert summary["reciprocity"] == 0.0
    path = hand_graph(["A", "B", "C", "D"], [("A", "B"), ("B", "C"), ("C", "D")])
    assert summary["brokers"] == expected_brokers(path)
    assert summary["degree_centralization"] == approx4(freeman(path))
    assert build_network(data).betweenness == pytest.approx(nx.betweenness_centrality(path))


def test_brokers_are_ordered_by_betweenness_before_id(make_gmina):
    # Path A–B–C–D with E hanging on C. Pairs through B: A–C, A–D, A–E = 3; through C: A–D, A–E, B–D, B–E, D–E = 5.
    # Normalised by (5−1)(5−2)/2 = 6: C = 5/6 > B = 3/6, so C comes first although "B" < "C".
    partners = [partner(p) for p in "ABCDE"]
    data = make_gmina(partners, [report("A", "B", 1), report("B", "C", 1), report("C", "D", 1),
                                 report("E", "C", 2)], lider=None)
    net = build_network(data)
    assert net.betweenness["C"] == pytest.approx(5 / 6)
    assert net.betweenness["B"] == pytest.approx(3 / 6)
    summary = network_summary(data)
    assert summary["brokers"] == ["C", "B"]
    # degrees A1 B2 C3 D1 E1 → Σ(3−deg) = 2+1+0+2+2 = 7; (5−1)(5−2) = 12 → 7/12
    assert summary["degree_centralization"] == approx4(7 / 12)
    assert summary["leader_reach"] is None  # nobody is lider


def test_brokers_at_most_five(make_gmina):
    # A "caterpillar": spine S1–S2–…–S7, each spine partner with its own leaf. Seven partners have betweenness > 0.
    spine = [f"S{i}" for i in range(1, 8)]
    leaves = [f"X{i}" for i in range(1, 8)]
    ties = [(a, b) for a, b in itertools.pairwise(spine)] + list(zip(spine, leaves, strict=True))
    data = make_gmina([partner(p) for p in spine + leaves], [report(a, b, 2) for a, b in ties])
    summary = network_summary(data)
    graph = hand_graph(spine + leaves, ties)
    assert len([b for b in nx.betweenness_centrality(graph).values() if b > 0]) == 7
    # pairs separated by a spine partner, of (14−1)(14−2)/2 = 78: S4: left 6 × right 6 + X4 × 12 others = 48;
    # S3 and S5: 4 × 8 + 12 = 44; S2 and S6: 2 × 10 + 12 = 32; S1 and S7: 12. Top five, equal values by id:
    assert summary["brokers"] == ["S4", "S3", "S5", "S2", "S6"]
    assert summary["brokers"] == expected_brokers(graph)
    assert nx.betweenness_centrality(graph)["S4"] == pytest.approx(48 / 78)


# -- components, isolates ---------------------------------------------------------------------------------------


def test_two_components_and_isolates(make_gmina):
    partners = [partner("G"), partner("A", rola="lider"), partner("B"), partner("C"), partner("D"), partner("F"),
                partner("E")]
    reports = [report("A", "B", 2), report("C", "B", 2), report("D", "E", 4),
               report("F", "G", 0), report("G", "F", 0)]  # F and G only say "no contact": still isolates
    data = make_gmina(partners, reports, lider="A")
    summary = network_summary(data)
    assert summary["ties"] == 3
    assert summary["components"] == 4  # {A,B,C}, {D,E}, {F}, {G}: isolates count
    assert summary["isolates"] == ["F", "G"]  # sorted, not in row order (G is the first row)
    assert summary["density"] == approx4(3 / 21)  # 3 / (7*6/2) = 0.142857…
    # degrees A1 B2 C1 D1 E1 F0 G0 → Σ(2−deg) = 1+0+1+1+1+2+2 = 8; (7−1)(7−2) = 30 → 8/30
    assert summary["degree_centralization"] == approx4(8 / 30)
    assert summary["leader_reach"] == approx4(2 / 6)  # A reaches B (1) and C (2) of the 6 others
    assert summary["brokers"] == ["B"]  # only the pair A–C runs through someone: 1 / (6*5/2) = 1/15
    assert summary["mean_level"] == approx4(8 / 3)  # (2 + 2 + 4) / 3
    graph = hand_graph(list("ABCDEFG"), [("A", "B"), ("B", "C"), ("D", "E")])
    assert summary["components"] == nx.number_connected_components(graph)
    assert summary["isolates"] == sorted(nx.isolates(graph))


# -- asymmetric reports -----------------------------------------------------------------------------------------


def test_asymmetric_reports(make_gmina):
    partners = [partner(p) for p in "ABCDEF"]
    reports = [
        report("A", "B", 3), report("B", "A", 1),  # tie of level 3 (the higher), reported by both: reciprocal
        report("C", "D", 2), report("D", "C", 0),  # tie of level 2; D's 0 is no report of a tie: NOT reciprocal
        report("E", "F", 0), report("F", "E", 0),  # no tie
    ]
    data = make_gmina(partners, reports)
    net = build_network(data)
    assert sorted(tuple(sorted(e)) for e in net.graph.edges) == [("A", "B"), ("C", "D")]
    assert net.graph.edges["A", "B"] == {"level": 3, "reciprocal": True}
    assert net.graph.edges["C", "D"] == {"level": 2, "reciprocal": False}
    summary = network_summary(data)
    assert summary["ties"] == 2
    assert summary["reciprocity"] == approx4(0.5)  # 1 of 2
    assert summary["mean_level"] == approx4(2.5)  # (3 + 2) / 2
    assert summary["density"] == approx4(2 / 15)  # 2 / (6*5/2)
    assert summary["isolates"] == ["E", "F"]
    assert summary["components"] == 4  # {A,B}, {C,D}, {E}, {F}
    # degrees 1,1,1,1,0,0 → Σ(1−deg) = 2; (6−1)(6−2) = 20 → 0.1
    assert summary["degree_centralization"] == approx4(0.1)
    assert summary["brokers"] == []  # nobody lies between two others
    assert summary["leader_reach"] is None


def test_levels_as_labels_are_read_as_numbers(make_gmina):
    # Users may type the scale's label ("Koordynacja") or "3 – koordynacja": both are level 3.
    data = make_gmina([partner(p) for p in "ABC"],
                      [report("A", "B", "Koordynacja"), report("B", "C", "5 – kolaboracja"), report("C", "A", "brak")])
    summary = network_summary(data)
    assert summary["ties"] == 2  # "brak" is level 0
    assert summary["mean_level"] == approx4(4.0)  # (3 + 5) / 2


def test_level_zero_only(make_gmina):
    partners = [partner("A", rola="lider"), partner("B", "edukacja"), partner("C", "zdrowie")]
    reports = [report(a, b, 0) for a, b in itertools.permutations("ABC", 2)]
    data = make_gmina(partners, reports, lider="A")
    summary = network_summary(data)
    assert summary == {
        "measurement": "T0", "partners": 3, "ties": 0, "density": 0.0, "components": 3,
        "isolates": ["A", "B", "C"], "reciprocity": 0.0,
        "degree_centralization": 0.0,  # all degrees 0: Σ(0−0) = 0
        "leader_reach": 0.0,  # 0 of 2
        "brokers": [], "mean_level": 0.0,
        "sectors_present": ["pomoc_spoleczna", "edukacja", "zdrowie"],
        "sectors_missing": ["zatrudnienie", "kultura", "sport", "wymiar_sprawiedliwosci", "bezpieczenstwo",
                            "organizacje_pozarzadowe"],
        # level 0 is an answer: all three answered, but there is no tie to judge reciprocity on
        "respondents": 3, "non_respondents": [], "response_rate": 1.0, "reciprocity_answered": None,
    }
    net = build_network(data)
    assert list(level_distribution(net)) == [0, 0, 0, 0, 0]
    assert len(net.reports) == 6  # the level-0 reports are kept (they matter for disagreements)


# -- measurements ---------------------------------------------------------------------------------------------------


def test_measurements_do_not_leak(make_gmina):
    partners = [partner(p) for p in "ABCD"]
    reports = [
        report("A", "B", 2),  # pomiar empty → T0
        report("B", "C", 1, pomiar="T0"),
        report("A", "B", 4, pomiar="T1"),
        report("C", "D", 3, pomiar="t1"),
        report("D", "C", 3, pomiar="1"),  # "1" is T1
    ]
    data = make_gmina(partners, reports)
    assert measurements_of(data) == ["T0", "T1"]
    t0 = network_summary(data)  # default measurement T0
    assert t0["measurement"] == "T0"
    assert t0["ties"] == 2  # A–B 2, B–C 1
    assert t0["mean_level"] == approx4(1.5)  # (2 + 1) / 2 — not A–B's 4 of T1
    assert t0["reciprocity"] == 0.0
    assert t0["isolates"] == ["D"]
    t1 = network_summary(data, "T1")
    assert t1["measurement"] == "T1"
    assert t1["ties"] == 2  # A–B 4, C–D 3; B–C was T0 only
    assert t1["mean_level"] == approx4(3.5)  # (4 + 3) / 2
    assert t1["reciprocity"] == approx4(0.5)  # C–D reported by both sides, 1 of 2
    assert t1["components"] == 2  # {A,B}, {C,D}
    assert sorted(tuple(sorted(e)) for e in build_network(data, "T1").graph.edges) == [("A", "B"), ("C", "D")]
    t2 = network_summary(data, "T2")  # not collected: every partner, no ties
    assert (t2["ties"], t2["isolates"]) == (0, ["A", "B", "C", "D"])


def test_missing_pomiar_column_means_t0(tmp_path, write_csv_gmina):
    folder = write_csv_gmina(tmp_path / "g", {
        "gmina": [["pole", "wartosc"], ["nazwa", "Gmina Testowa"]],
        "partnerzy": [PARTNER_HEADER, partner("A"), partner("B")],
        "wspolpraca": [["od", "do", "poziom"], ["A", "B", "2"]],
    })
    data = read_gmina(folder)
    assert data.report.errors == []
    assert measurements_of(data) == ["T0"]
    assert network_summary(data)["ties"] == 1


# -- sectors --------------------------------------------------------------------------------------------------------


def test_sectors_present_and_missing(make_gmina):
    assert core_sectors() == CORE  # the nine core sectors of CONTRACT §1, in dictionary order
    partners = [
        partner("NGO", "Organizacje pozarządowe"),  # written as the Polish label
        partner("UG", "administracja"),  # not a core sector: present, never missing
        partner("K1", "sport", "kandydat"),  # candidates do not count
        partner("K2", "kultura", "Kandydat"),
        partner("SP", "Edukacja"),
        partner("ZOZ", "zdrowie", ""),  # empty rola = partner
        partner("OPS", "pomoc_spoleczna", "lider"),
    ]
    data = make_gmina(partners, [], lider="OPS")
    summary = network_summary(data)
    # dictionary order, not row order: pomoc_spoleczna, edukacja, zdrowie, …, organizacje_pozarzadowe, administracja
    assert summary["sectors_present"] == ["pomoc_spoleczna", "edukacja", "zdrowie", "organizacje_pozarzadowe",
                                          "administracja"]
    # the nine core sectors minus the members' pomoc_spoleczna, edukacja, zdrowie, organizacje_pozarzadowe
    assert summary["sectors_missing"] == ["zatrudnienie", "kultura", "sport", "wymiar_sprawiedliwosci",
                                          "bezpieczenstwo"]
    assert summary["partners"] == 7  # candidates are nodes of the network all the same


# -- leader reach ---------------------------------------------------------------------------------------------------


def test_leader_reach_none_without_leader(make_gmina):
    data = make_gmina([partner(p) for p in "ABC"], [report("A", "B", 3), report("B", "C", 3)])
    assert data.leader is None
    assert network_summary(data)["leader_reach"] is None


def test_leader_reach_counts_two_steps_only(make_gmina):
    # L–A, A–B, B–C, D–E: A is 1 step, B 2 steps, C 3 steps; D, E unreachable → 2 of the 5 others = 0.4
    partners = [partner("L", rola="lider"), *(partner(p) for p in "ABCDE")]
    reports = [report("L", "A", 2), report("B", "A", 1), report("B", "C", 4), report("E", "D", 2)]
    data = make_gmina(partners, reports)  # no gmina.lider: the only partner with rola "lider" is the leader
    assert data.leader == "L"
    assert network_summary(data)["leader_reach"] == approx4(0.4)
    graph = hand_graph(["L", *"ABCDE"], [("L", "A"), ("A", "B"), ("B", "C"), ("D", "E")])
    within = nx.single_source_shortest_path_length(graph, "L", cutoff=2)
    assert (len(within) - 1) / 5 == pytest.approx(0.4)


def test_leader_reach_of_a_leader_without_ties(make_gmina):
    data = make_gmina([partner("L", rola="lider"), partner("A"), partner("B")], [report("A", "B", 2)], lider="L")
    assert network_summary(data)["leader_reach"] == 0.0  # 0 of 2


# -- small networks -------------------------------------------------------------------------------------------------


def test_two_partners(make_gmina):
    data = make_gmina([partner("L", rola="lider"), partner("A", "edukacja")],
                      [report("L", "A", 2), report("A", "L", 2)], lider="L")
    summary = network_summary(data)
    assert summary["ties"] == 1
    assert summary["density"] == approx4(1.0)  # 1 / (2*1/2)
    assert summary["components"] == 1
    assert summary["isolates"] == []
    assert summary["reciprocity"] == approx4(1.0)
    assert summary["degree_centralization"] == 0.0  # n < 3: (n−1)(n−2) = 0, defined as 0
    assert summary["leader_reach"] == approx4(1.0)  # 1 / 1
    assert summary["brokers"] == []
    assert summary["mean_level"] == approx4(2.0)


def test_one_partner(make_gmina):
    data = make_gmina([partner("L", rola="lider")], [], lider="L")
    summary = network_summary(data)
    assert summary["partners"] == 1
    assert summary["ties"] == 0
    assert summary["density"] == 0.0  # n(n−1)/2 = 0 pairs: defined as 0
    assert summary["components"] == 1
    assert summary["isolates"] == ["L"]
    assert summary["degree_centralization"] == 0.0
    assert summary["leader_reach"] == 0.0  # no other partners to reach (the kit's choice for 0/0)
    assert summary["brokers"] == []
    assert summary["mean_level"] == 0.0


def test_without_wspolpraca_sheet(make_gmina):
    partners = [partner("OPS", rola="lider"), partner("PUP", "zatrudnienie"), partner("SP", "edukacja"),
                partner("KPP", "bezpieczenstwo", "kandydat")]
    data = make_gmina(partners, None, lider="OPS")  # only gmina + partnerzy
    assert not data.has("wspolpraca")
    assert measurements_of(data) == ["T0"]
    summary = network_summary(data)
    assert summary == {
        "measurement": "T0", "partners": 4, "ties": 0, "density": 0.0, "components": 4,
        "isolates": ["KPP", "OPS", "PUP", "SP"], "reciprocity": 0.0, "degree_centralization": 0.0,
        "leader_reach": 0.0, "brokers": [], "mean_level": 0.0,
        "sectors_present": ["pomoc_spoleczna", "edukacja", "zatrudnienie"],
        "sectors_missing": ["zdrowie", "kultura", "sport", "wymiar_sprawiedliwosci", "bezpieczenstwo",
                            "organizacje_pozarzadowe"],
        # no sheet: none of the three members answered
        "respondents": 0, "non_respondents": ["OPS", "PUP", "SP"], "response_rate": 0.0,
        "reciprocity_answered": None,
    }
    net = build_network(data)
    table = partner_table(net)
    assert sorted(table["id"]) == ["KPP", "OPS", "PUP", "SP"]
    assert (table["Powiązania"] == 0).all()
    assert (table["Zgłoszenia wysłane"] == 0).all()
    assert table["Zaufanie innych"].isna().all()
    assert list(level_distribution(net)) == [0, 0, 0, 0, 0]
    assert disagreements(net).empty
    assert candidates(net)["Kto może zaprosić"].tolist() == ["nikt — potrzebny pierwszy kontakt lidera"]


# -- the meeting's tables ---------------------------------------------------------------------------------------------

TABLE_PARTNERS = [
    partner("L", "pomoc_spoleczna", "lider"),
    partner("A", "edukacja", deklaracja=""),
    partner("B", "zdrowie"),
    partner("K", "kultura", "kandydat", deklaracja="brak"),
]
TABLE_REPORTS = [
    report("L", "A", 3, 4, 3),
    report("A", "L", 2, 3, 4),
    report("L", "B", 1, 2, 2),
    report("B", "A", 0, 1, 1),  # a level-0 report still counts as made/received and for trust
    report("A", "K", 2, 3, ""),
    report("L", "B", 5, 1, 1, "T1"),  # another measurement: must not count anywhere in T0
    report("K", "L", 4, 4, 4, "T1"),
]


def test_partner_table(make_gmina):
    data = make_gmina(TABLE_PARTNERS, TABLE_REPORTS, lider="L")
    table = partner_table(build_network(data)).set_index("id")
    # T0 ties: L–A 3 (both sides), L–B 1, A–K 2 → the path B–L–A–K; degrees L2 A2 B1 K1.
    # Order: degree desc, betweenness desc, id: L and A both (2, 2/3) → A, L; then B, K (1, 0).
    assert list(table.index) == ["A", "L", "B", "K"]
    assert table["Powiązania"].to_dict() == {"A": 2, "L": 2, "B": 1, "K": 1}
    # betweenness, normalised by (4−1)(4−2)/2 = 3: L on B–A, B–K → 2/3; A on L–K, B–K → 2/3
    assert table["Pośrednictwo"].to_dict() == {"A": 0.667, "L": 0.667, "B": 0.0, "K": 0.0}
    levels = table[[f"Poziom {k}" for k in range(1, 6)]]
    assert levels.loc["L"].tolist() == [1, 0, 1, 0, 0]  # L–B 1, L–A 3
    assert levels.loc["A"].tolist() == [0, 1, 1, 0, 0]  # A–K 2, A–L 3
    assert levels.loc["B"].tolist() == [1, 0, 0, 0, 0]
    assert levels.loc["K"].tolist() == [0, 1, 0, 0, 0]
    assert table["Zgłoszenia wysłane"].to_dict() == {"A": 2, "L": 2, "B": 1, "K": 0}  # A→L, A→K; L→A, L→B; B→A
    assert table["Zgłoszenia otrzymane"].to_dict() == {"A": 2, "L": 1, "B": 1, "K": 1}  # A ← L, B
    # trust others gave: L ← A 3; A ← L 4, B 1 → 2.5; B ← L 2; K ← A 3  (K's T1 report about L ignored)
    assert table["Zaufanie innych"].to_dict() == {"A": 2.5, "L": 3.0, "B": 2.0, "K": 3.0}
    # value others gave: L ← A 4; A ← L 3, B 1 → 2.0; B ← L 2; K ← nothing (A left it empty)
    value = table["Wartość wg innych"]
    assert value[["A", "L", "B"]].tolist() == [2.0, 4.0, 2.0]
    assert pd.isna(value["K"])
    assert table.loc["L", "Sektor"] == "Pomoc społeczna"
    assert table.loc["L", "Rola"] == "Lider"
    assert table.loc["K", "Rola"] == "Kandydat"
    assert table.loc["L", "Deklaracja"] == "Podpisana"
    assert table.loc["A", "Deklaracja"] == "—"
    assert table.loc["K", "Nazwa"] == "Instytucja K"


def test_level_distribution(make_gmina):
    net = build_network(make_gmina(TABLE_PARTNERS, TABLE_REPORTS, lider="L"))
    distribution = level_distribution(net)
    # T0 tie levels 3 (L–A), 1 (L–B), 2 (A–K)
    assert distribution.to_dict() == {"1 sieciowanie": 1, "2 kooperacja": 1, "3 koordynacja": 1,
                                      "4 koalicja": 0, "5 kolaboracja": 0}
    assert distribution.sum() == net.ties
    t1 = level_distribution(build_network(make_gmina(TABLE_PARTNERS, TABLE_REPORTS, lider="L"), "T1"))
    assert t1.tolist() == [0, 0, 0, 1, 1]  # T1: L–B 5, K–L 4


SECTOR_PARTNERS = [
    partner("Z1", "zdrowie"),
    partner("S1", "pomoc_spoleczna", "lider"),
    partner("E1", "edukacja"),
    partner("S2", "pomoc_spoleczna"),
    partner("K", "sport", "kandydat"),
]
SECTOR_REPORTS = [
    report("S1", "S2", 4),  # within pomoc_spoleczna
    report("S1", "E1", 2), report("E1", "S2", 3),  # pomoc_spoleczna–edukacja twice
    report("Z1", "E1", 1),  # edukacja–zdrowie
]


def test_sector_matrix(make_gmina):
    net = build_network(make_gmina(SECTOR_PARTNERS, SECTOR_REPORTS, lider="S1"))
    counts, means = sector_matrix(net)
    labels = ["Pomoc społeczna", "Edukacja", "Zdrowie", "Sport"]  # sectors of all nodes, dictionary order
    assert list(counts.index) == labels
    assert list(counts.columns) == labels
    assert counts.to_numpy().tolist() == [
        # PS  E  Z  Sport
        [1, 2, 0, 0],  # S1–S2 on the diagonal once; S1–E1, S2–E1
        [2, 0, 1, 0],  # E1–Z1
        [0, 1, 0, 0],
        [0, 0, 0, 0],  # the candidate has no ties
    ]
    assert counts.equals(counts.T)
    assert counts.to_numpy().sum() == 2 * net.ties - 1  # every tie twice, except the within-sector one once
    assert means.loc["Pomoc społeczna", "Pomoc społeczna"] == 4.0
    assert means.loc["Pomoc społeczna", "Edukacja"] == 2.5  # (2 + 3) / 2
    assert means.loc["Edukacja", "Pomoc społeczna"] == 2.5
    assert means.loc["Edukacja", "Zdrowie"] == 1.0
    assert pd.isna(means.loc["Zdrowie", "Zdrowie"])  # no ties to average
    assert means.isna().sum().sum() == 16 - 5  # only the 5 non-zero cells have a mean


def test_candidates(make_gmina):
    partners = [
        partner("L", rola="lider"), partner("P1"), partner("P2"),
        partner("K1", "sport", "kandydat"), partner("K2", "kultura", "kandydat"), partner("K3", "sport", "kandydat"),
    ]
    reports = [
        report("P2", "K1", 2), report("K1", "P1", 2), report("L", "K1", 4),
        report("K1", "K2", 5),  # a candidate cannot bring in a candidate
        report("L", "P1", 3),
    ]
    table = candidates(build_network(make_gmina(partners, reports, lider="L")))
    assert list(table.columns) == ["Kandydat", "Nazwa", "Sektor", "Kto może zaprosić", "Liczba znajomych w PZK"]
    assert table["Kandydat"].tolist() == ["K1", "K2", "K3"]
    # K1: L at level 4 first, then P1 and P2 at level 2 (equal level → by id)
    assert table.loc[0, "Kto może zaprosić"] == "L (poziom 4), P1 (poziom 2), P2 (poziom 2)"
    assert table["Liczba znajomych w PZK"].tolist() == [3, 0, 0]
    assert table.loc[1, "Kto może zaprosić"] == "nikt — potrzebny pierwszy kontakt lidera"
    assert table.loc[2, "Kto może zaprosić"] == "nikt — potrzebny pierwszy kontakt lidera"
    assert table["Sektor"].tolist() == ["Sport", "Kultura", "Sport"]


def test_disagreements(make_gmina):
    partners = [partner(p) for p in ["A", "B", "C", "D", "E", "F", "G", "H"]]
    reports = [
        report("B", "A", 1), report("A", "B", 5),  # |5 − 1| = 4
        report("C", "D", 1), report("D", "C", 3),  # |1 − 3| = 2
        report("E", "A", 1), report("A", "E", 3),  # |3 − 1| = 2
        report("E", "F", 2), report("F", "E", 1),  # 1: below the threshold
        report("G", "H", 4),  # nobody to disagree with
        report("C", "H", 0), report("H", "C", 2),  # |0 − 2| = 2: "no contact" vs "cooperation"
        report("F", "G", 5, pomiar="T1"), report("G", "F", 0, pomiar="T1"),  # T1: not in T0's table
    ]
    net = build_network(make_gmina(partners, reports))
    table = disagreements(net)
    assert list(table.columns) == ["Partner A", "Partner B", "A o B", "B o A", "Różnica"]
    # each pair once (A < B), sorted by difference desc, then Partner A, Partner B
    assert table.to_dict("records") == [
        {"Partner A": "A", "Partner B": "B", "A o B": 5, "B o A": 1, "Różnica": 4},
        {"Partner A": "A", "Partner B": "E", "A o B": 3, "B o A": 1, "Różnica": 2},
        {"Partner A": "C", "Partner B": "D", "A o B": 1, "B o A": 3, "Różnica": 2},
        {"Partner A": "C", "Partner B": "H", "A o B": 0, "B o A": 2, "Różnica": 2},
    ]
    assert disagreements(net, threshold=4)["Partner B"].tolist() == ["B"]
    t1 = disagreements(build_network(make_gmina(partners, reports), "T1"))
    assert t1.to_dict("records") == [{"Partner A": "F", "Partner B": "G", "A o B": 5, "B o A": 0, "Różnica": 5}]


def test_compare_networks(make_gmina):
    partners = [partner("A", rola="lider"), partner("B"), partner("C"), partner("D")]
    reports = [
        # T0: A–B 2, B–C 1, C–D 3 (a path; nobody reports back)
        report("A", "B", 2), report("B", "C", 1), report("C", "D", 3),
        # T1: A–B 4 (B reports back 3), B–C 1 unchanged, A–C 2 new, C–D lost (C now says 0)
        report("A", "B", 4, pomiar="T1"), report("B", "A", 3, pomiar="T1"), report("B", "C", 1, pomiar="T1"),
        report("C", "A", 2, pomiar="T1"), report("C", "D", 0, pomiar="T1"),
    ]
    data = make_gmina(partners, reports, lider="A")
    change = compare_networks(data, build_network(data, "T0"), build_network(data, "T1"))
    assert (change.before, change.after) == ("T0", "T1")
    assert change.new_ties.to_dict("records") == [{"Partner A": "A", "Partner B": "C", "Poziom": 2}]
    assert change.lost_ties.to_dict("records") == [{"Partner A": "C", "Partner B": "D", "Poziom": 3}]
    assert change.level_changes.to_dict("records") == [
        {"Partner A": "A", "Partner B": "B", "T0": 2, "T1": 4, "Zmiana": 2}  # B–C stays 1: not listed
    ]
    measures = change.measures.set_index("Miara")
    expected = {
        # measure: (T0, T1)
        "Liczba powiązań": (3, 3),
        "Gęstość sieci": (0.5, 0.5),  # 3/6 both
        "Średni poziom współpracy (1–5)": (2.0, 7 / 3),  # (2+1+3)/3; (4+1+2)/3
        "Wzajemność zgłoszeń": (0.0, 1 / 3),  # T1: only A–B reported by both
        # T0 path degrees 1,2,2,1 → 2/6; T1 triangle + isolate D: degrees 2,2,2,0 → Σ(2−deg) = 2 → 2/6
        "Centralizacja": (1 / 3, 1 / 3),
        "Liczba składowych": (1, 2),  # T1: {A,B,C}, {D}
        "Zasięg lidera (do dwóch kroków)": (2 / 3, 2 / 3),  # T0: B, C (D is 3 steps); T1: B, C (D unreachable)
    }
    assert list(measures.index) == list(expected)
    for label, (before, after) in expected.items():
        assert measures.loc[label, "T0"] == approx4(before), label
        assert measures.loc[label, "T1"] == approx4(after), label
        assert measures.loc[label, "Zmiana"] == pytest.approx(after - before, abs=2e-4), label


def test_compare_networks_without_leader(make_gmina):
    data = make_gmina([partner("A"), partner("B")], [report("A", "B", 1), report("A", "B", 2, pomiar="T1")])
    change = compare_networks(data, build_network(data, "T0"), build_network(data, "T1"))
    reach = change.measures.set_index("Miara").loc["Zasięg lidera (do dwóch kroków)"]
    assert reach[["T0", "T1", "Zmiana"]].isna().all()  # no leader: None (NaN once in the table), not 0
    assert change.level_changes["Zmiana"].tolist() == [1]
    assert change.new_ties.empty and change.lost_ties.empty


def test_filtered_graph(make_gmina):
    net = build_network(make_gmina(SECTOR_PARTNERS, SECTOR_REPORTS, lider="S1"))
    strong = filtered_graph(net, min_level=3)
    assert sorted(strong.nodes) == ["E1", "K", "S1", "S2", "Z1"]  # every partner stays, only weak ties go
    assert sorted(tuple(sorted(e)) for e in strong.edges) == [("E1", "S2"), ("S1", "S2")]  # levels 3 and 4
    assert strong.edges["S1", "S2"]["level"] == 4
    social = filtered_graph(net, sectors=["pomoc_spoleczna"])
    assert sorted(social.nodes) == ["S1", "S2"]
    assert sorted(tuple(sorted(e)) for e in social.edges) == [("S1", "S2")]
    both = filtered_graph(net, min_level=2, sectors=["pomoc_spoleczna", "edukacja"])
    assert sorted(both.nodes) == ["E1", "S1", "S2"]
    assert sorted(tuple(sorted(e)) for e in both.edges) == [("E1", "S1"), ("E1", "S2"), ("S1", "S2")]
    assert filtered_graph(net).number_of_edges() == net.ties  # defaults: nothing filtered out
    assert net.graph.number_of_edges() == 4  # the network itself is untouched


def test_ego_network(make_gmina):
    net = build_network(make_gmina(SECTOR_PARTNERS, SECTOR_REPORTS, lider="S1"))
    ego = ego_network(net, "E1")
    assert sorted(ego.nodes) == ["E1", "S1", "S2", "Z1"]
    # E1's three ties plus the tie between two of its neighbours (S1–S2)
    assert sorted(tuple(sorted(e)) for e in ego.edges) == [("E1", "S1"), ("E1", "S2"), ("E1", "Z1"), ("S1", "S2")]
    assert sorted(ego_network(net, "Z1").nodes) == ["E1", "Z1"]
    assert sorted(ego_network(net, "Z1", radius=2).nodes) == ["E1", "S1", "S2", "Z1"]
    assert list(ego_network(net, "K").nodes) == ["K"]
    assert ego_network(net, "NIEZNANY").number_of_nodes() == 0
    ego.remove_node("S1")
    assert "S1" in net.graph  # a copy: drawing code may change it freely


# -- brokers with equal betweenness --------------------------------------------------------------------------------

# A cube: eight partners, each cooperating with three others. By symmetry every partner has the same betweenness
# (each of the 28 pairs' shortest paths spread evenly: 1/(7*6/2) * 2.5 = 0.119…), so brokers must be the first five
# by id. networkx returns values that differ in the 17th digit (0.11904761904761901 vs …904), and brokers()
# sorts on the raw float, so the "ties broken by id" rule never fires and the order depends on float noise.
CUBE_TIES = [("P0", "P1"), ("P1", "P2"), ("P2", "P3"), ("P3", "P0"), ("P4", "P5"), ("P5", "P6"), ("P6", "P7"),
             ("P7", "P4"), ("P0", "P4"), ("P1", "P5"), ("P2", "P6"), ("P3", "P7")]


def test_brokers_with_equal_betweenness_ordered_by_id(make_gmina):
    ids = [f"P{i}" for i in range(8)]
    data = make_gmina([partner(p) for p in ids], [report(a, b, 2) for a, b in CUBE_TIES])
    cube = hand_graph(ids, CUBE_TIES)
    assert len({round(b, 12) for b in nx.betweenness_centrality(cube).values()}) == 1  # all equal
    assert network_summary(data)["brokers"] == ["P0", "P1", "P2", "P3", "P4"]


def test_brokers_do_not_depend_on_row_order(make_gmina):
    ids = [f"P{i}" for i in range(8)]
    reports = [report(a, b, 2) for a, b in CUBE_TIES]
    forward = network_summary(make_gmina([partner(p) for p in ids], reports))
    backward = network_summary(make_gmina([partner(p) for p in reversed(ids)], reports))
    assert forward["brokers"] == backward["brokers"]


def test_summary_other_fields_do_not_depend_on_row_order(make_gmina):
    ids = [f"P{i}" for i in range(8)]
    reports = [report(a, b, 2) for a, b in CUBE_TIES]
    forward = network_summary(make_gmina([partner(p) for p in ids], reports))
    backward = network_summary(make_gmina([partner(p) for p in reversed(ids)], reports[::-1]))
    forward.pop("brokers"), backward.pop("brokers")
    assert forward == backward
    assert forward["ties"] == 12
    assert forward["density"] == approx4(12 / 28)  # 12 / (8*7/2)
    assert forward["degree_centralization"] == 0.0  # every degree is 3


# -- the example gmina ----------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def example():
    data = read_gmina(example_dir())
    assert data.report.errors == []
    return data


def example_ties_by_hand(measurement: str) -> dict[tuple[str, str], list[int]]:
    """Pairs → reported levels, read with the csv module straight from the example's file (not via the kit)."""
    pairs: dict[tuple[str, str], list[int]] = defaultdict(list)
    with (example_dir() / "wspolpraca.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if (row["pomiar"] or "T0") == measurement and int(row["poziom"]) >= 1:
                pairs[tuple(sorted((row["od"], row["do"])))].append(int(row["poziom"]))
    return pairs


def test_example_t0(example):
    summary = network_summary(example, "T0")
    assert summary["partners"] == 27
    assert summary["ties"] == 58
    assert summary["density"] == approx4(58 / 351)  # 27*26/2 = 351 → 0.1652
    assert summary["isolates"] == ["WODOCIAGI"]
    assert summary["sectors_missing"] == ["sport"]  # OSIR and LKS are only candidates
    assert summary["brokers"][0] == "CUS"
    assert len(summary["brokers"]) == 5
    hand = example_ties_by_hand("T0")
    assert len(hand) == 58
    assert summary["mean_level"] == approx4(sum(max(v) for v in hand.values()) / 58)
    assert summary["reciprocity"] == approx4(sum(len(v) == 2 for v in hand.values()) / 58)
    with (example_dir() / "partnerzy.csv").open(encoding="utf-8", newline="") as handle:
        ids = [row["id"] for row in csv.DictReader(handle)]
    graph = hand_graph(ids, list(hand))
    assert summary["degree_centralization"] == approx4(freeman(graph))
    assert summary["components"] == nx.number_connected_components(graph)
    assert summary["brokers"] == expected_brokers(graph)
    within = nx.single_source_shortest_path_length(graph, "CUS", cutoff=2)
    assert summary["leader_reach"] == approx4((len(within) - 1) / 26)


def test_example_t1_grows(example):
    t0, t1 = network_summary(example, "T0"), network_summary(example, "T1")
    assert measurements_of(example) == ["T0", "T1"]
    assert t1["ties"] > t0["ties"]
    assert t1["mean_level"] > t0["mean_level"]
    assert t1["brokers"][0] == "CUS"
    hand = example_ties_by_hand("T1")
    assert t1["ties"] == len(hand)
    assert t1["mean_level"] == approx4(sum(max(v) for v in hand.values()) / len(hand))
    change = compare_networks(example, build_network(example, "T0"), build_network(example, "T1"))
    # every T1 tie is either new or was there in T0: new − lost = difference in ties
    assert len(change.new_ties) - len(change.lost_ties) == t1["ties"] - t0["ties"]
    measures = change.measures.set_index("Miara")
    assert measures.loc["Liczba powiązań", "Zmiana"] == t1["ties"] - t0["ties"]


def test_example_tables_agree_with_summary(example):
    net = build_network(example, "T0")
    table = partner_table(net)
    assert len(table) == 27
    assert table["Powiązania"].sum() == 2 * 58  # every tie counted at both ends
    assert table.iloc[0]["id"] == "CUS"  # the leader has the most ties
    assert table.set_index("id").loc["WODOCIAGI", "Powiązania"] == 0
    levels = table[[f"Poziom {k}" for k in range(1, 6)]].sum()
    assert (levels.to_numpy() == 2 * level_distribution(net).to_numpy()).all()
    counts, _ = sector_matrix(net)
    within = sum(counts.iloc[i, i] for i in range(len(counts)))
    # Σ cells = 2 × (ties between sectors) + (ties within a sector), so Σ cells + diagonal = 2 × ties
    assert counts.to_numpy().sum() + within == 2 * 58


# -- a large synthetic network ----------------------------------------------------------------------------------------


@pytest.mark.slow
def test_two_thousand_partners(tmp_path, write_csv_gmina):
    rng = random.Random(20240315)
    n = 2000
    ids = [f"P{i:04d}" for i in range(n)]
    sectors = ["pomoc_spoleczna", "edukacja", "zdrowie", "zatrudnienie", "kultura", "administracja"]
    active = ids[:-10]  # the last ten never report and are never named: isolates for sure
    pairs: set[tuple[str, str]] = set()
    while len(pairs) < 10_500:
        a, b = sorted(rng.sample(active, 2))
        pairs.add((a, b))
    reports: list[list] = []
    for i, (a, b) in enumerate(sorted(pairs)):
        sides = [(a, b), (b, a)] if i % 21 else [(a, b)]  # most pairs are reported by both sides
        for od, do in sides:
            level = rng.choices(range(6), weights=[50, 15, 15, 10, 6, 4])[0]
            reports.append(report(od, do, level, rng.randint(1, 4), rng.randint(1, 4), "T0"))
    assert 19_000 < len(reports) < 21_000
    partners = [partner(pid, sectors[i % len(sectors)], "lider" if i == 0 else "partner") for i, pid in
                enumerate(ids)]
    folder = write_csv_gmina(tmp_path / "duza", {
        "gmina": [["pole", "wartosc"], ["nazwa", "Gmina Duża"], ["lider", "P0000"]],
        "partnerzy": [PARTNER_HEADER, *partners],
        "wspolpraca": [REPORT_HEADER, *reports],
    })
    data = read_gmina(folder)  # its speed: benchmarks/bench_network.py (no timing asserts in tests)
    assert data.report.errors == []
    net = build_network(data)
    summary = network_summary(data, net=net)

    # the same numbers from the generated reports, without the kit
    best: dict[tuple[str, str], int] = defaultdict(int)
    positive_sides: dict[tuple[str, str], int] = defaultdict(int)
    for od, do, level, *_ in reports:
        key = (min(od, do), max(od, do))
        best[key] = max(best[key], level)
        positive_sides[key] += level >= 1
    ties = [key for key, level in best.items() if level >= 1]
    graph = hand_graph(ids, ties)
    assert summary["partners"] == n
    assert summary["ties"] == len(ties) == net.ties
    assert summary["density"] == approx4(len(ties) / (n * (n - 1) / 2))
    assert summary["reciprocity"] == approx4(sum(positive_sides[k] == 2 for k in ties) / len(ties))
    assert summary["mean_level"] == approx4(sum(best[k] for k in ties) / len(ties))
    assert summary["components"] == nx.number_connected_components(graph)
    assert summary["isolates"] == sorted(p for p in ids if graph.degree(p) == 0)
    assert set(ids[-10:]) <= set(summary["isolates"])
    assert all(net.graph.degree(p) == 0 for p in summary["isolates"])
    assert summary["degree_centralization"] == approx4(freeman(graph))
    within = nx.single_source_shortest_path_length(graph, "P0000", cutoff=2)
    assert summary["leader_reach"] == approx4((len(within) - 1) / (n - 1))
    brokers = summary["brokers"]
    assert 1 <= len(brokers) <= 5
    between = net.betweenness
    assert [between[b] for b in brokers] == sorted((between[b] for b in brokers), reverse=True)
    assert all(between[b] > 0 for b in brokers)
    others = max(b for pid, b in between.items() if pid not in brokers)
    assert min(between[b] for b in brokers) >= others
    assert summary["sectors_missing"] == ["sport", "wymiar_sprawiedliwosci", "bezpieczenstwo",
                                          "organizacje_pozarzadowe"]


def test_pairs_to_discuss_always_give_the_exercise_its_table_or_say_what_to_do(make_gmina):
    from pzk_kit.network import pairs_to_discuss

    four = [partner(p) for p in "ABCD"]
    # two levels apart: the disagreements themselves
    text, pairs = pairs_to_discuss(build_network(make_gmina(four, [report("A", "B", 3), report("B", "A", 1),
                                                                   report("C", "D", 2), report("D", "C", 2)])))
    assert text.endswith("o dwa poziomy lub więcej: **1**.")
    assert pairs[["Partner A", "Partner B", "Różnica"]].values.tolist() == [["A", "B", 2]]
    # no disagreement of two levels ("Brak rozbieżności…"): the pairs one level apart fill the table
    text, pairs = pairs_to_discuss(build_network(make_gmina(four, [report("A", "B", 3), report("B", "A", 2),
                                                                   report("C", "D", 2), report("D", "C", 2)])))
    assert text.startswith("Brak rozbieżności o dwa poziomy lub więcej.") and "(**1**)" in text
    assert pairs[["Partner A", "Partner B", "Różnica"]].values.tolist() == [["A", "B", 1]]
    # every pair agrees: the closest mutual pairs, strongest first, so the exercise still has pairs to pick
    text, pairs = pairs_to_discuss(build_network(make_gmina(four, [report("A", "B", 2), report("B", "A", 2),
                                                                   report("C", "D", 4), report("D", "C", 4)])))
    assert text.startswith("Brak rozbieżności: każda para")
    assert pairs[["Partner A", "Partner B", "A o B", "Różnica"]].values.tolist() == [["C", "D", 4, 0],
                                                                                      ["A", "B", 2, 0]]
    # nobody described each other: no table, and the line says what to collect instead of pointing at one
    text, pairs = pairs_to_discuss(build_network(make_gmina(four, [report("A", "B", 3), report("C", "D", 1)])))
    assert pairs.empty and "nie ma czego porównać" in text and "tabel" not in text
