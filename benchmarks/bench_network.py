"""Network benchmark: how much does the kit's network analysis cost on top of the bare networkx calls it needs?

The script generates, deterministically, a merged regional cooperation network — 2,000 partners in gmina clusters
of about 50 (each with a few hubs: the OPS, the gmina office and one or two powiat institutions), 20,000 tie
reports split between two measurements T0 and T1 (levels 0–5, trust and value 1–4, forms; T1 keeps most T0 ties,
moves their levels, drops some and adds new ones) — writes it as a folder of CSV files exported the way a Polish
Excel does it (Windows-1250, ``;``) and reads it once with ``pzk_kit.read_gmina`` (outside the timing; the report
must be ok). Then it times, side by side:

    (a) the full analysis the mapping notebook does, for T0 and for T1: build_network, network_summary,
        partner_table, sector_matrix, candidates, disagreements, level_distribution; plus compare_networks(T0, T1)
        counted once;
    (b) the bare networkx calls this needs, for T0 and for T1, on a graph built directly from the same undirected
        edge list (every partner a node, the tie level an edge attribute): nx.Graph construction,
        nx.betweenness_centrality, nx.number_connected_components, nx.isolates, degree and
        nx.single_source_shortest_path_length(cutoff=2) from the leader.

Each case runs ``--repeat`` times (the order alternates between repetitions to spread machine noise) and the
median is reported with the ratio (a)/(b) against the goal "≤ 1.5×", followed by a breakdown of both cases by step
(time per function) so one can see what dominates. Before timing, the edge list of (b) is checked to be exactly the
network build_network makes; after the first repetition, (a) and (b) are checked to agree on components, isolates,
leader reach and brokers. Nothing here asserts on time: a MISS is information, not a failure.

    python benchmarks/bench_network.py                 # full size, 3 repetitions, temporary directory
    python benchmarks/bench_network.py --small         # 1/10 of the sizes, for a quick smoke run
    python benchmarks/bench_network.py --profile       # also cProfile one run of (a) and print the top functions
    python benchmarks/bench_network.py --workdir DIR   # keep the generated CSV folder in DIR
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import networkx as nx
import pandas as pd

from pzk_kit.network import (
    build_network,
    candidates,
    compare_networks,
    disagreements,
    level_distribution,
    network_summary,
    partner_table,
    sector_matrix,
)
from pzk_kit.workbook.dictionaries import dictionary
from pzk_kit.workbook.reading import GminaData

if str(Path(__file__).resolve().parent) not in sys.path:  # the shared harness, also when loaded by path
    sys.path.insert(0, str(Path(__file__).resolve().parent))
import harness
from harness import Case, read_valid, step

GOAL_RATIO = 1.5
DEFAULT_SEED = 20240916
CSV_FOLDER_NAME = "siec_regionalna_csv"
MEASUREMENTS = ("T0", "T1")
CLUSTER_SIZE = 50  # partners per gmina cluster, about
MAX_LEVEL = 5


@dataclass(frozen=True)
class Sizes:
    partners: int
    reports: int  # over both measurements; T0 gets half

    def scaled(self, factor: int) -> Sizes:
        return Sizes(partners=max(2 * CLUSTER_SIZE, self.partners // factor), reports=max(400, self.reports // factor))


FULL_SIZES = Sizes(partners=2_000, reports=20_000)
SMALL_FACTOR = 10

# ---------------------------------------------------------------------------------------------------------------
# Synthetic data
# ---------------------------------------------------------------------------------------------------------------

# Gminas of the region: the locative case for names ("w Łęcznej"); diacritics on purpose.
TOWNS = [
    "Łęcznej", "Świdniku", "Kraśniku", "Puławach", "Zamościu", "Biłgoraju", "Tomaszowie Lubelskim", "Hrubieszowie",
    "Chełmie", "Włodawie", "Parczewie", "Radzyniu Podlaskim", "Łukowie", "Rykach", "Opolu Lubelskim", "Janowie",
    "Krasnymstawie", "Lubartowie", "Bełżycach", "Nałęczowie", "Kazimierzu Dolnym", "Poniatowej", "Józefowie",
    "Szczebrzeszynie", "Zwierzyńcu", "Tyszowcach", "Łaszczowie", "Żółkiewce", "Piaskach", "Świdniku Dużym",
]
PROPER = ["Pomocna Dłoń", "Zacisze", "Błękitni", "Razem", "Źródło", "Nadzieja", "Słoneczko", "Łączy nas Ziemia"]
PATRONS = ["Jana Pawła II", "Marii Skłodowskiej-Curie", "Henryka Sienkiewicza", "Władysława Reymonta"]

# (id prefix, name template, sector label, level label, type label); "{m}" = town, "{n}" = number, "{p}" = proper.
OPS = ("OPS", "Ośrodek Pomocy Społecznej w {m}", "Pomoc społeczna", "Gmina", "Publiczna")
UG = ("UG", "Urząd Gminy w {m}", "Administracja", "Gmina", "Publiczna")
PUP = ("PUP", "Powiatowy Urząd Pracy w {m}", "Zatrudnienie", "Powiat", "Publiczna")
PCPR = ("PCPR", "Powiatowe Centrum Pomocy Rodzinie w {m}", "Pomoc społeczna", "Powiat", "Publiczna")
KPP = ("KPP", "Komenda Powiatowa Policji w {m}", "Bezpieczeństwo", "Powiat", "Publiczna")
SP = ("SP", "Szkoła Podstawowa nr {n} im. {pat} w {m}", "Edukacja", "Gmina", "Publiczna")
GOK = ("GOK", "Gminny Ośrodek Kultury w {m}", "Kultura", "Gmina", "Publiczna")
OTHERS = [
    SP, SP, SP,
    ("PP", "Przedszkole Publiczne nr {n} „{p}” w {m}", "Edukacja", "Gmina", "Publiczna"),
    ("PPP", "Poradnia Psychologiczno-Pedagogiczna w {m}", "Edukacja", "Powiat", "Publiczna"),
    ("SDS", "Środowiskowy Dom Samopomocy w {m}", "Pomoc społeczna", "Gmina", "Publiczna"),
    ("DPS", "Dom Pomocy Społecznej „{p}” w {m}", "Pomoc społeczna", "Powiat", "Publiczna"),
    ("SPZOZ", "Samodzielny Publiczny Zakład Opieki Zdrowotnej w {m}", "Zdrowie", "Powiat", "Publiczna"),
    ("NZOZ", "Niepubliczny Zakład Opieki Zdrowotnej „{p}” w {m}", "Zdrowie", "Gmina", "Prywatna"),
    ("CZP", "Centrum Zdrowia Psychicznego w {m}", "Zdrowie", "Powiat", "Publiczna"),
    ("CIS", "Centrum Integracji Społecznej w {m}", "Zatrudnienie", "Gmina", "Pozarządowa"),
    ("KIS", "Klub Integracji Społecznej „{p}” w {m}", "Zatrudnienie", "Gmina", "Publiczna"),
    ("BP", "Biblioteka Publiczna w {m}, filia nr {n}", "Kultura", "Gmina", "Publiczna"),
    ("OSIR", "Ośrodek Sportu i Rekreacji w {m}", "Sport", "Gmina", "Publiczna"),
    ("KS", "Klub Sportowy „{p}” {m}", "Sport", "Gmina", "Pozarządowa"),
    ("ZKSS", "Zespół Kuratorskiej Służby Sądowej w {m}", "Wymiar sprawiedliwości", "Powiat", "Publiczna"),
    ("SR", "Sąd Rejonowy w {m}", "Wymiar sprawiedliwości", "Powiat", "Publiczna"),
    ("OSP", "Ochotnicza Straż Pożarna w {m}", "Bezpieczeństwo", "Gmina", "Pozarządowa"),
    ("KGW", "Koło Gospodyń Wiejskich „{p}” w {m}", "Organizacje pozarządowe", "Gmina", "Pozarządowa"),
    ("FUN", "Fundacja „{p}” w {m}", "Organizacje pozarządowe", "Gmina", "Pozarządowa"),
    ("STOW", "Stowarzyszenie „{p}” w {m}", "Organizacje pozarządowe", "Powiat", "Pozarządowa"),
    ("PAR", "Parafia Rzymskokatolicka pw. św. Józefa w {m}", "Kościoły", "Gmina", "Kościelna"),
    ("CAR", "Caritas — Parafialny Zespół w {m}", "Kościoły", "Gmina", "Kościelna"),
    ("ZGK", "Zakład Gospodarki Komunalnej w {m}", "Gospodarka komunalna", "Gmina", "Publiczna"),
    ("TBS", "Towarzystwo Budownictwa Społecznego w {m}", "Mieszkalnictwo", "Gmina", "Publiczna"),
    ("SSO", "Spółdzielnia Socjalna „{p}” w {m}", "Przedsiębiorcy", "Gmina", "Prywatna"),
]
# Hub weights: how often a partner is the other end of a new tie inside its cluster.
WEIGHT_OPS, WEIGHT_HUB, WEIGHT_OTHER = 25.0, 10.0, 1.0
TRUE_LEVEL_WEIGHTS = (6, 30, 26, 18, 12, 8)  # levels 0–5 of a relation before each side's own view of it
REPORT_NOISE = ((0, -1, 1, -2, 2), (70, 12, 10, 4, 4))  # a side's report = true level + noise, clamped to 0–5
T1_DRIFT = ((-1, 0, 1, 2), (12, 50, 28, 10))
T1_KEEP = 0.85  # share of T0 relations still alive at T1
REPORT_PROBABILITY = {"Lider": 0.95, "Partner": 0.8, "Kandydat": 0.25}  # candidates rarely fill the survey

Row = list[object]
Edge = tuple[str, str, dict[str, int]]


@dataclass
class Region:
    """The synthetic regional network: sheets of rows (header first) plus what case (b) starts from."""

    sheets: dict[str, list[Row]]
    leader: str
    clusters: int
    node_ids: list[str] = field(default_factory=list)
    edges: dict[str, list[Edge]] = field(default_factory=dict)  # measurement → undirected ties with level ≥ 1
    reports: dict[str, int] = field(default_factory=dict)


@dataclass
class _Partner:
    pid: str
    cluster: int
    role: str
    weight: float


def _clamp(value: float, low: int, high: int) -> int:
    return max(low, min(high, round(value)))


def _partners(rng: random.Random, sizes: Sizes) -> tuple[list[Row], list[_Partner], list[list[_Partner]]]:
    rows: list[Row] = [["id", "nazwa", "sektor", "szczebel", "typ", "rola", "deklaracja", "data_przystapienia",
                        "email"]]
    everyone: list[_Partner] = []
    clusters = max(2, round(sizes.partners / CLUSTER_SIZE))
    members: list[list[_Partner]] = []
    for c in range(clusters):
        size = sizes.partners // clusters + (1 if c < sizes.partners % clusters else 0)
        town = TOWNS[c % len(TOWNS)] + ("" if c < len(TOWNS) else f" {c // len(TOWNS) + 1}")
        hubs = [OPS, UG, *rng.sample([PUP, PCPR, KPP], rng.randint(1, 2))]
        kinds = [*hubs, SP, GOK] + [rng.choice(OTHERS) for _ in range(size - len(hubs) - 2)]
        cluster: list[_Partner] = []
        for k, (prefix, template, sector, level, kind) in enumerate(kinds):
            pid = f"G{c + 1:02d}-{prefix}{k}"
            name = template.format(m=town, n=k, p=rng.choice(PROPER), pat=rng.choice(PATRONS))
            if k == 0:
                role = "Lider" if c == 0 else "Partner"  # one leader for the region, the other OPSes are partners
            elif k < len(hubs):
                role = "Partner"
            else:
                role = "Partner" if rng.random() < 0.65 else "Kandydat"
            if role == "Kandydat":
                declaration = rng.choice(["Brak", "List intencyjny", None])
            else:
                declaration = rng.choices(["Podpisana", "List intencyjny", "Brak"], weights=(75, 20, 5))[0]
            joined = f"{rng.randint(1, 28):02d}.{rng.randint(1, 12):02d}.{rng.choice([2023, 2024])}"
            rows.append([pid, name, sector, level, kind, role, declaration,
                         joined if declaration in ("Podpisana", "List intencyjny") else None,
                         f"sekretariat@{pid.lower().replace('-', '.')}.example.pl"])
            weight = WEIGHT_OPS if k == 0 else WEIGHT_HUB if k < len(hubs) else WEIGHT_OTHER
            partner = _Partner(pid, c, role, weight)
            cluster.append(partner)
            everyone.append(partner)
        members.append(cluster)
    return rows, everyone, members


class _Relations:
    """Draws new undirected relations: mostly inside a gmina cluster towards its hubs, some between hubs."""

    def __init__(self, rng: random.Random, everyone: list[_Partner], members: list[list[_Partner]]) -> None:
        self.rng = rng
        self.everyone = everyone
        self.members = members
        self.leader = members[0][0]
        self.hubs = [p for p in everyone if p.weight > WEIGHT_OTHER]
        self.cluster_weights = [len(m) for m in members]
        self.member_weights = [[p.weight for p in m] for m in members]

    def draw(self, taken: set[tuple[str, str]]) -> tuple[_Partner, _Partner]:
        rng = self.rng
        while True:
            kind = rng.random()
            if kind < 0.88:  # inside one cluster: anyone with a (weighted) hub or a neighbour
                c = rng.choices(range(len(self.members)), weights=self.cluster_weights)[0]
                a = rng.choice(self.members[c])
                b = rng.choices(self.members[c], weights=self.member_weights[c])[0]
            elif kind < 0.97:  # regional ties between hubs, a third of them with the leader
                a = rng.choice(self.hubs)
                b = self.leader if rng.random() < 0.3 else rng.choice(self.hubs)
            else:  # long-range weak ties
                a, b = rng.choice(self.everyone), rng.choice(self.everyone)
            key = (a.pid, b.pid) if a.pid < b.pid else (b.pid, a.pid)
            if a.pid != b.pid and key not in taken:
                taken.add(key)
                return a, b


def _report(rng: random.Random, forms: list[str], od: str, do: str, true_level: int, measurement: str) -> Row:
    level = _clamp(true_level + rng.choices(*REPORT_NOISE)[0], 0, MAX_LEVEL)
    if level == 0:
        return [od, do, 0, None, None, None, measurement]
    chosen = "; ".join(rng.sample(forms, min(len(forms), rng.randint(1, 1 + (level + 1) // 2))))
    trust = _clamp(1 + 0.55 * level + rng.gauss(0, 0.6), 1, 4) if rng.random() < 0.92 else None
    value = _clamp(0.8 + 0.6 * level + rng.gauss(0, 0.6), 1, 4) if rng.random() < 0.9 else None
    return [od, do, level, chosen, trust, value, measurement]


def _emit(rng: random.Random, forms: list[str], a: _Partner, b: _Partner, true_level: int, measurement: str,
          out: list[Row]) -> None:
    """Each side of a relation reports it (or not) independently, with its own view of the level."""
    for x, y in ((a, b), (b, a)):
        if rng.random() < REPORT_PROBABILITY[x.role]:
            out.append(_report(rng, forms, x.pid, y.pid, true_level, measurement))


def _true_level(rng: random.Random, a: _Partner, b: _Partner) -> int:
    level = rng.choices(range(MAX_LEVEL + 1), weights=TRUE_LEVEL_WEIGHTS)[0]
    if a.weight > WEIGHT_OTHER and b.weight > WEIGHT_OTHER and level:
        level = min(MAX_LEVEL, level + 1)  # hubs work together more closely
    return level


def _edge_list(rows: list[Row]) -> list[Edge]:
    """The undirected ties the contract defines, computed directly: a pair with level ≥ 1 from either side."""
    levels: dict[tuple[str, str], int] = {}
    for od, do, level, *_ in rows:
        if int(level) >= 1:  # type: ignore[call-overload]
            key = (str(od), str(do)) if str(od) < str(do) else (str(do), str(od))
            levels[key] = max(levels.get(key, 0), int(level))  # type: ignore[call-overload]
    return [(a, b, {"level": level}) for (a, b), level in levels.items()]


def generate(sizes: Sizes, seed: int = DEFAULT_SEED) -> Region:
    """The whole synthetic region; the same ``sizes`` and ``seed`` always give the same rows."""
    rng = random.Random(seed)
    forms = dictionary("formy_wspolpracy").labels
    partner_rows, everyone, members = _partners(rng, sizes)
    relations = _Relations(rng, everyone, members)
    targets = {"T0": sizes.reports // 2, "T1": sizes.reports - sizes.reports // 2}

    taken: set[tuple[str, str]] = set()
    t0_relations: list[tuple[_Partner, _Partner, int]] = []
    t0: list[Row] = []
    while len(t0) < targets["T0"]:
        a, b = relations.draw(taken)
        level = _true_level(rng, a, b)
        t0_relations.append((a, b, level))
        _emit(rng, forms, a, b, level, "T0", t0)

    t1: list[Row] = []
    rng.shuffle(t0_relations)
    for a, b, level in t0_relations:  # most relations go on, their level moves (mostly up)
        if len(t1) >= targets["T1"]:
            break
        if rng.random() < T1_KEEP:
            _emit(rng, forms, a, b, _clamp(level + rng.choices(*T1_DRIFT)[0], 0, MAX_LEVEL), "T1", t1)
    while len(t1) < targets["T1"]:  # new relations
        a, b = relations.draw(taken)
        _emit(rng, forms, a, b, _true_level(rng, a, b), "T1", t1)

    t0, t1 = t0[: targets["T0"]], t1[: targets["T1"]]
    reports = t0 + t1
    rng.shuffle(reports)  # the order reports were typed in
    cooperation: list[Row] = [["od", "do", "poziom", "formy", "zaufanie", "wartosc", "pomiar"], *reports]
    leader = members[0][0].pid
    gmina: list[Row] = [
        ["pole", "wartosc"],
        ["nazwa", "Sieć regionalna PZK — województwo lubelskie (syntetyczna)"],
        ["typ", "Miejsko-wiejska"],
        ["wojewodztwo", "lubelskie"],
        ["lider", leader],
        ["data_zawiazania", "15.03.2024"],
    ]
    return Region(
        sheets={"gmina": gmina, "partnerzy": partner_rows, "wspolpraca": cooperation},
        leader=leader, clusters=len(members), node_ids=[p.pid for p in everyone],
        edges={"T0": _edge_list(t0), "T1": _edge_list(t1)}, reports={"T0": len(t0), "T1": len(t1)},
    )


def write_csv_folder(region: Region, folder: Path) -> None:
    harness.write_csv_folder(region.sheets, folder)


# ---------------------------------------------------------------------------------------------------------------
# The two cases
# ---------------------------------------------------------------------------------------------------------------

STEPS_A = ("build_network", "network_summary", "partner_table", "sector_matrix", "candidates", "disagreements",
           "level_distribution", "compare_networks")
STEPS_B = ("nx.Graph(edge list)", "nx.betweenness_centrality", "nx.number_connected_components", "nx.isolates",
           "degree", "shortest_path_length(cutoff=2)")



def full_analysis(data: GminaData, steps: dict[str, float]) -> dict[str, Any]:
    """Case (a): what the notebook shows for each measurement, and the change between the two."""
    nets, summaries = {}, {}
    for m in MEASUREMENTS:
        net = nets[m] = step(steps, "build_network", build_network, data, m)
        summaries[m] = step(steps, "network_summary", network_summary, data, m, net)
        step(steps, "partner_table", partner_table, net)
        step(steps, "sector_matrix", sector_matrix, net)
        step(steps, "candidates", candidates, net)
        step(steps, "disagreements", disagreements, net)
        step(steps, "level_distribution", level_distribution, net)
    step(steps, "compare_networks", compare_networks, data, nets["T0"], nets["T1"])
    return {"summaries": summaries, "nets": nets}


def bare_networkx(region: Region, steps: dict[str, float]) -> dict[str, Any]:
    """Case (b): the networkx calls behind (a), on graphs built straight from the edge lists."""
    results: dict[str, Any] = {}
    for m in MEASUREMENTS:
        graph = nx.Graph()
        start = time.perf_counter()
        graph.add_nodes_from(region.node_ids)
        graph.add_edges_from(region.edges[m])
        steps["nx.Graph(edge list)"] = steps.get("nx.Graph(edge list)", 0.0) + time.perf_counter() - start
        betweenness = step(steps, "nx.betweenness_centrality", nx.betweenness_centrality, graph)
        components = step(steps, "nx.number_connected_components", nx.number_connected_components, graph)
        isolates = step(steps, "nx.isolates", lambda g: sorted(nx.isolates(g)), graph)
        degree = step(steps, "degree", lambda g: dict(g.degree()), graph)
        reach = step(steps, "shortest_path_length(cutoff=2)", nx.single_source_shortest_path_length, graph,
                      region.leader, 2)
        results[m] = {"graph": graph, "betweenness": betweenness, "components": components, "isolates": isolates,
                      "degree": degree, "reach": reach}
    return results


def check_same_network(data: GminaData, region: Region) -> str:
    """Before timing: the edge list of (b) is exactly the network build_network makes from the read data."""
    lines = []
    for m in MEASUREMENTS:
        net = build_network(data, m)
        ours = {(a, b) if a < b else (b, a): d["level"] for a, b, d in net.graph.edges(data=True)}
        bare = {(a, b): d["level"] for a, b, d in region.edges[m]}
        assert ours == bare, f"{m}: build_network and the bare edge list differ ({len(ours)} vs {len(bare)} ties)"
        assert set(net.graph.nodes) == set(region.node_ids), f"{m}: different partners"
        assert net.leader == region.leader, f"{m}: leader {net.leader!r}, expected {region.leader!r}"
        levels = pd.Series(list(bare.values())).value_counts().sort_index()
        lines.append(f"  {m}: {region.reports[m]:,} reports → {net.n:,} partners, {net.ties:,} ties "
                     f"(levels 1–5: {', '.join(str(int(levels.get(k, 0))) for k in range(1, 6))}), "
                     f"{nx.number_connected_components(net.graph)} components, "
                     f"max degree {max(d for _, d in net.graph.degree())}")
    return "\n".join(lines)


def check_agreement(a: dict[str, Any], b: dict[str, Any], leader: str) -> None:
    """After the first repetition: both cases computed the same measures."""
    for m in MEASUREMENTS:
        summary, bare = a["summaries"][m], b[m]
        n = bare["graph"].number_of_nodes()
        # Brokers by value, not by id: equal betweenness values may be ordered by any tie-break rule.
        top = sorted((round(v, 9) for v in bare["betweenness"].values() if v > 1e-12), reverse=True)[:5]
        assert summary["components"] == bare["components"], m
        assert summary["isolates"] == bare["isolates"], m
        assert summary["leader_reach"] == round((len(bare["reach"]) - 1) / (n - 1), 4), m
        assert [round(bare["betweenness"][pid], 9) for pid in summary["brokers"]] == top, m
        assert summary["ties"] == bare["graph"].number_of_edges(), m
        assert a["nets"][m].leader == leader, m


# ---------------------------------------------------------------------------------------------------------------
# Measurement
# ---------------------------------------------------------------------------------------------------------------



def _breakdown(title: str, names: Sequence[str], runs: list[dict[str, float]], totals: list[float]) -> list[str]:
    """Median time of each step over the repetitions, and its share of the case's median total."""
    total = statistics.median(totals)
    medians = {name: statistics.median(run.get(name, 0.0) for run in runs) for name in names}
    between = [t - sum(run.values()) for t, run in zip(totals, runs, strict=True)]
    medians["(between the steps)"] = statistics.median(between)
    lines = [title, f"  {'step':<34} {'median':>9} {'share':>7}"]
    for name in sorted(medians, key=lambda n: -medians[n]):
        share = 100 * medians[name] / total if total > 0 else 0.0
        lines.append(f"  {name:<34} {medians[name]:8.3f}s {share:6.1f}%")
    return lines


def report_table(times: dict[str, list[float]], steps: dict[str, list[dict[str, float]]],
                 labels: dict[str, str]) -> str:
    medians = harness.medians(times)
    lines = [*harness.case_table(times, labels, width=54), "", harness.RATIO_HEADER,
             harness.ratio_line("(a)/(b)", medians["a"], medians["b"], GOAL_RATIO)]
    lines += ["", *_breakdown("breakdown of (a), per function (T0 + T1; compare_networks once):", STEPS_A,
                              steps["a"], times["a"])]
    lines += ["", *_breakdown("breakdown of (b), per call (T0 + T1):", STEPS_B, steps["b"], times["b"])]
    return "\n".join(lines)


def profile_full_analysis(data: GminaData, top: int) -> str:
    """cProfile of one run of (a): the functions with the most time of their own, and the slowest callers."""
    return harness.profile(lambda: full_analysis(data, {}), "network.py", top)


# ---------------------------------------------------------------------------------------------------------------
# Command line
# ---------------------------------------------------------------------------------------------------------------

def build_parser() -> argparse.ArgumentParser:
    return harness.build_parser(
        "bench_network.py",
        "Benchmark the pzk_kit network analysis (build_network, network_summary, partner_table, "
        "sector_matrix, candidates, disagreements, level_distribution for T0 and T1, compare_networks) "
        "against the bare networkx calls it needs, on a synthetic regional network (2,000 partners, "
        f"20,000 reports). Prints medians, the ratio (a)/(b) against the goal ≤ {GOAL_RATIO:g}× and a "
        "breakdown by step. Never fails on time.",
        default_repeat=3, measured="case", generated="CSV folder", default_seed=DEFAULT_SEED,
        small_factor=SMALL_FACTOR,
        after_small=[("--profile", {"action": "store_true",
                                    "help": "afterwards, cProfile one run of (a) and print the top functions"})],
    )


def run(args: argparse.Namespace, workdir: Path) -> None:
    sizes = FULL_SIZES.scaled(SMALL_FACTOR) if args.small else FULL_SIZES
    folder = workdir / CSV_FOLDER_NAME

    harness.print_header("network", args, workdir, {"pandas": pd.__version__, "networkx": nx.__version__})
    region, t_rows = harness.timed(generate, sizes, args.seed)
    _, t_csv = harness.timed(write_csv_folder, region, folder)
    data, t_read = harness.timed(read_valid, folder)
    print(f"data: {len(region.node_ids):,} partners in {region.clusters} gmina clusters (leader {region.leader}), "
          f"{sum(region.reports.values()):,} reports ({', '.join(f'{m} {n:,}' for m, n in region.reports.items())})")
    print(f"generation: {t_rows:.2f} s (rows) + {t_csv:.2f} s (csv) + {t_read:.2f} s "
          f"(read_gmina, valid: 0 errors, {len(data.report.warnings)} warnings)")
    print(check_same_network(data, region))

    cases = [
        Case("a", "pzk_kit analysis T0 + T1, compare_networks", lambda steps: full_analysis(data, steps)),
        Case("b", "bare networkx T0 + T1", lambda steps: bare_networkx(region, steps)),
    ]
    print("measuring:")
    times, steps = harness.measure(
        cases, args.repeat, check=lambda results: check_agreement(results["a"], results["b"], region.leader),
        check_message="  check: (a) and (b) agree on ties, components, isolates, leader reach and brokers")
    print()
    print(f"medians of {args.repeat} repetition(s):")
    print(report_table(times, steps, {case.key: case.label for case in cases}))
    if args.profile:
        print()
        print("profile of one run of (a):")
        print(profile_full_analysis(data, top=25))


def main(argv: Sequence[str] | None = None) -> int:
    return harness.main(argv, build_parser, run, temp_prefix="pzk_bench_net_")


if __name__ == "__main__":
    sys.exit(main())
