"""Network pictures: Polish texts on them, the shared layout, empty cases, and no figures left open."""

import matplotlib

matplotlib.use("Agg")

import csv
import io
import warnings

import matplotlib.colors as mcolors
import matplotlib.pyplot as plt
import networkx as nx
import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure
from matplotlib.text import Annotation, Text

from pzk_kit.network import Network, build_network, level_distribution, plots, sector_matrix
from pzk_kit.resources import data_path
from pzk_kit.workbook.dictionaries import core_sectors, dictionary
from pzk_kit.workbook.example import example_dir
from pzk_kit.workbook.reading import read_gmina

EMPTY_REPORTS = pd.DataFrame(columns=["od", "do", "poziom", "zaufanie", "wartosc", "formy"])


@pytest.fixture(scope="module")
def example():
    data = read_gmina(example_dir())
    return build_network(data, "T0"), build_network(data, "T1")


@pytest.fixture(autouse=True)
def no_figures_left_open():
    before = plt.get_fignums()
    yield
    assert plt.get_fignums() == before


def render(fig: Figure) -> Figure:
    """Draw the figure as a notebook would; layout problems surface as warnings, which fail the test."""
    assert isinstance(fig, Figure)
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        fig.savefig(io.BytesIO(), format="png", dpi=40)
    return fig


def texts(fig: Figure) -> list[str]:
    return [t.get_text() for t in fig.findobj(Text) if t.get_text()]


def synthetic(n: int, p: float, seed: int = 1, isolated: int = 0, measurement: str = "T0") -> Network:
    rng = np.random.default_rng(seed)
    codes = dictionary("sektory").codes
    graph = nx.Graph()
    for i in range(n):
        graph.add_node(f"P{i:04d}", nazwa=f"Instytucja {i}", sektor=codes[i % len(codes)],
                       rola="kandydat" if i % 9 == 8 else "partner", deklaracja="podpisana", szczebel="gmina")
    nodes = list(graph.nodes)
    graph.nodes[nodes[0]]["rola"] = "lider"
    tied = nodes[: n - isolated]
    for i, a in enumerate(tied):
        for b in tied[i + 1:]:
            if rng.random() < p:
                graph.add_edge(a, b, level=int(rng.integers(1, 6)), reciprocal=True)
    for b in tied[1:12]:
        graph.add_edge(nodes[0], b, level=3, reciprocal=False)
    return Network(measurement=measurement, graph=graph, reports=EMPTY_REPORTS, partners=pd.DataFrame(),
                   leader=nodes[0])


# -- colours ---------------------------------------------------------------------------------------------------------


def test_sector_colours_come_from_the_dictionary_and_are_distinct():
    colours = plots.sector_colours()
    assert list(colours) == dictionary("sektory").codes
    assert all(mcolors.is_color_like(c) and c.startswith("#") for c in colours.values())
    assert len({c.upper() for c in colours.values()}) == 14
    core = [colours[c] for c in core_sectors()]
    assert len(set(core)) == 9


def test_sector_csv_gained_only_the_colour_and_abbreviation_columns():
    with data_path("slowniki", "sektory.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["kod", "etykieta", "rdzen", "opis", "aliasy", "kolor", "skroty"]
    assert all(len(row) == 7 for row in rows)


# -- layout ----------------------------------------------------------------------------------------------------------


def test_layout_is_deterministic_and_covers_every_node(example):
    net0, net1 = example
    first = plots.compute_layout([net0.graph, net1.graph])
    again = plots.compute_layout([net0.graph, net1.graph])
    swapped = plots.compute_layout([net1.graph, net0.graph])
    assert first == again == swapped
    assert set(first) == set(net0.graph) | set(net1.graph)
    assert all(isinstance(x, float) and isinstance(y, float) for x, y in first.values())
    assert len(set(first.values())) == len(first)


@pytest.mark.parametrize("count", [0, 1, 2])
def test_layout_of_tiny_graphs(count):
    graph = nx.path_graph([f"P{i}" for i in range(count)])
    assert plots.compute_layout([]) == {}
    layout = plots.compute_layout([graph])
    assert set(layout) == set(graph)
    assert len(set(layout.values())) == count


def test_isolates_stand_in_a_column_beside_the_map():
    net = synthetic(40, 0.08, isolated=5)
    layout = plots.compute_layout([net.graph])
    isolated = [v for v in net.graph if net.graph.degree(v) == 0]
    tied = [v for v in net.graph if net.graph.degree(v) > 0]
    right = max(layout[v][0] for v in tied)
    assert all(right < layout[v][0] < right + 1.0 for v in isolated)
    assert all(-1.1 <= layout[v][1] <= 1.1 for v in isolated)


def test_large_network_is_laid_out_and_drawn_with_few_labels():
    """Its speed is measured side by side in benchmarks/ (no timing asserts in tests: a loaded CI machine failed it)."""
    net = synthetic(2000, 0.001, isolated=50)
    layout = plots.compute_layout([net.graph])
    fig = render(plots.draw_network(net.graph, leader=net.leader, pos=layout))
    assert len(layout) == 2000
    labels = [a for a in fig.findobj(Annotation) if a.get_text().startswith("P")]
    assert len(labels) <= plots.LABELLED_WHEN_CROWDED + 1 + plots.MAX_LABELLED_ISOLATES


# -- the map ---------------------------------------------------------------------------------------------------------


def test_network_map_has_polish_legend_title_and_ids(example):
    net0, _ = example
    fig = render(plots.draw_network(net0.graph, leader=net0.leader, title="T0: mapa współpracy"))
    found = texts(fig)
    assert fig.axes[0].get_title(loc="left") == "T0: mapa współpracy"
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert {"Sektor", "Pomoc społeczna", "Wymiar sprawiedliwości", "lider", "kandydat (jeszcze poza PZK)",
            "1 sieciowanie", "5 kolaboracja"} <= set(legend)
    assert "Przedsiębiorcy" not in legend  # only sectors present on the map
    assert "CUS (lider)" in found
    assert all(pid in found for pid in net0.graph if pid != "CUS")
    assert "bez powiązań" in found  # WODOCIAGI has no tie at T0
    assert all(t.get_fontname() == "DejaVu Sans" for t in fig.findobj(Text) if t.get_text())
    title = next(t for t in fig.findobj(Text) if t.get_text() == "T0: mapa współpracy")
    assert title.get_fontsize() >= 16
    labels = [a for a in fig.findobj(Annotation) if a.get_text() in net0.graph]
    assert labels and all(a.get_fontsize() >= 10 for a in labels)


def test_filtered_map_on_shared_layout_has_no_false_isolate_column(example):
    net0, net1 = example
    layout = plots.compute_layout([net0.graph, net1.graph])
    strong = nx.Graph()
    strong.add_nodes_from(net1.graph.nodes(data=True))
    strong.add_edges_from((a, b, d) for a, b, d in net1.graph.edges(data=True) if d["level"] >= 4)
    fig = render(plots.draw_network(strong, leader="CUS", pos=layout, title="T1: poziom 4 lub wyższy"))
    assert "bez powiązań" not in texts(fig)
    points = next(c for c in fig.axes[0].collections if c.get_gid() == "partnerzy")
    expected = np.array([layout[v] for v in sorted(strong)])
    np.testing.assert_array_equal(np.asarray(points.get_offsets()), expected)  # nobody moved


def test_default_title_and_highlight(example):
    net0, _ = example
    fig = render(plots.draw_network(net0.graph, leader="CUS", highlight="SP1"))
    assert "27 instytucji, 58 powiązań" in fig.axes[0].get_title(loc="left")
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert "wybrany partner: SP1" in legend


def test_network_map_into_callers_axes(example):
    net0, _ = example
    fig, ax = plt.subplots()
    try:
        assert plots.draw_network(net0.graph, leader="CUS", ax=ax, title="T0") is fig
        assert ax.get_legend() is not None
    finally:
        plt.close(fig)


def test_empty_graph_and_graph_without_ties_say_so(example):
    net0, _ = example
    empty = render(plots.draw_network(nx.Graph()))
    assert any(plots.NO_TIES in t for t in texts(empty))
    lonely = net0.graph.copy()
    lonely.remove_edges_from(list(lonely.edges))
    fig = render(plots.draw_network(lonely, leader="CUS"))
    assert plots.NO_TIES in texts(fig)
    assert "SP1" in texts(fig)


def test_two_partners(example):
    graph = nx.Graph()
    graph.add_node("CUS", nazwa="Centrum Usług Społecznych", sektor="pomoc_spoleczna", rola="lider")
    graph.add_node("KPP", nazwa="Komenda Powiatowa Policji", sektor="bezpieczenstwo", rola="partner")
    graph.add_edge("CUS", "KPP", level=3, reciprocal=True)
    fig = render(plots.draw_network(graph, leader="CUS"))
    assert {"CUS (lider)", "KPP", "Bezpieczeństwo"} <= set(texts(fig))


def test_crowded_map_labels_only_some_partners_and_says_so():
    net = synthetic(80, 0.03, isolated=4)
    fig = render(plots.draw_network(net.graph, leader=net.leader))
    labels = [a.get_text() for a in fig.findobj(Annotation) if a.get_text().startswith("P")]
    assert net.leader + " (lider)" in labels
    isolated = [v for v in net.graph if net.graph.degree(v) == 0]
    assert set(list(net.graph)[-4:]) <= set(isolated) <= set(labels)  # the isolated ones stay named
    tied = [label for label in labels if label not in isolated]
    assert 5 < len(tied) <= plots.LABELLED_WHEN_CROWDED + 1
    assert any("tabela obok mapy" in t for t in texts(fig))


# -- the pair --------------------------------------------------------------------------------------------------------


def test_pair_uses_one_layout_and_marks_new_ties(example):
    net0, net1 = example
    fig = render(plots.draw_network_pair(net0, net1))
    left, right = fig.axes[:2]
    assert left.get_title() == "T0: 58 powiązań"
    assert right.get_title().startswith("T1: 71 powiązań")
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert any(t.startswith("nowe powiązanie") for t in legend)
    assert "Pomoc społeczna" in legend and "lider" in legend

    def node_positions(ax):
        points = next(c for c in ax.collections if c.get_gid() == "partnerzy")
        return np.asarray(points.get_offsets())

    def label_positions(ax):
        return {a.get_text(): tuple(a.xy) for a in ax.texts if isinstance(a, Annotation)}

    np.testing.assert_array_equal(node_positions(left), node_positions(right))
    assert label_positions(left) == label_positions(right)
    assert left.get_xlim() == right.get_xlim() and left.get_ylim() == right.get_ylim()
    accent = mcolors.to_rgba(plots.ACCENT)
    lines = next(c for c in right.collections if c.get_gid() == "powiazania")
    new = sum(1 for colour in lines.get_colors() if tuple(colour[:3]) == accent[:3])
    assert new == 71 - 58  # the example only gains ties between T0 and T1
    lines_before = next(c for c in left.collections if c.get_gid() == "powiazania")
    assert not any(tuple(colour[:3]) == accent[:3] for colour in lines_before.get_colors())


def test_pair_with_empty_first_measurement(example):
    net0, net1 = example
    lonely = net0.graph.copy()
    lonely.remove_edges_from(list(lonely.edges))
    before = Network("T0", lonely, EMPTY_REPORTS, pd.DataFrame(), "CUS")
    fig = render(plots.draw_network_pair(before, net1))
    assert fig.axes[0].get_title() == "T0: 0 powiązań"
    assert plots.NO_TIES in texts(fig)


# -- charts ----------------------------------------------------------------------------------------------------------


def test_sector_heatmap(example):
    net0, _ = example
    counts, means = sector_matrix(net0)
    fig = render(plots.draw_sector_heatmap(counts, means))
    found = texts(fig)
    assert "Liczba powiązań" in found
    assert "Pomoc społeczna" in found and "Wymiar sprawiedliwości" in found
    assert "Sektor partnera" in found
    assert str(counts.loc["Pomoc społeczna", "Zdrowie"]) in found
    assert any(t.startswith("śr. ") and "," in t for t in found)
    ticks = fig.axes[0].get_xticklabels()
    assert ticks and all(t.get_rotation() > 0 for t in ticks)


def test_sector_heatmap_without_ties():
    net = Network("T0", nx.Graph(), EMPTY_REPORTS, pd.DataFrame(), None)
    fig = render(plots.draw_sector_heatmap(*sector_matrix(net)))
    assert plots.NO_TIES in texts(fig)


def test_level_distribution(example):
    net0, net1 = example
    fig = render(plots.draw_level_distribution({"T0": level_distribution(net0), "T1": level_distribution(net1)}))
    found = texts(fig)
    assert {"Poziom współpracy", "Liczba powiązań", "T0", "T1", "Pomiar"} <= set(found)
    assert "1\nsieciowanie" in found
    assert {"30", "26", "23"} <= set(found)  # bar values
    assert plots.NO_TIES in texts(render(plots.draw_level_distribution({})))


# -- ego -------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("partner", ["CUS", "SP1"])
def test_ego_network(example, partner):
    net0, _ = example
    fig = render(plots.draw_ego_network(net0, partner))
    found = texts(fig)
    name = net0.graph.nodes[partner]["nazwa"]
    assert name in fig.axes[0].get_title(loc="left").replace("\n", " ")
    degree = net0.graph.degree(partner)
    assert any(t.endswith(f"bezpośrednie powiązania: {degree}") for t in found)
    levels = [t for t in found if t in {"1", "2", "3", "4", "5"}]
    assert len(levels) == degree  # one level digit on each of the partner's own ties
    neighbours = set(net0.graph.neighbors(partner))
    assert all(v in found or f"{v} (lider)" in found for v in neighbours)


def test_ego_network_of_unknown_and_isolated_partner(example):
    net0, _ = example
    assert any("NIEMA" in t for t in texts(render(plots.draw_ego_network(net0, "NIEMA"))))
    found = texts(render(plots.draw_ego_network(net0, "WODOCIAGI")))
    assert any("nie ma zgłoszonej współpracy" in t for t in found)


# -- lookup table ----------------------------------------------------------------------------------------------------


def test_partner_lookup(example):
    net0, _ = example
    table = plots.partner_lookup(net0.graph)
    assert list(table.columns) == ["id", "Nazwa", "Sektor"]
    assert list(table["id"]) == sorted(net0.graph)
    row = table.set_index("id").loc["CUS"]
    assert row["Sektor"] == "Pomoc społeczna"
    assert row["Nazwa"].startswith("Centrum Usług Społecznych")
    assert plots.partner_lookup(nx.Graph()).columns.tolist() == ["id", "Nazwa", "Sektor"]


# -- text alternatives ---------------------------------------------------------------------------------------------


def test_maps_and_charts_describe_themselves_with_the_numbers_they_draw(example):
    from pzk_kit.figures import alt_text

    net0, net1 = example
    described = alt_text(plots.draw_network(net1.graph, leader=net1.leader, title="Mapa współpracy, pomiar T1"))
    isolates0 = sorted(v for v in net0.graph.nodes if net0.graph.degree(v) == 0)
    assert described.startswith(f"Mapa współpracy, pomiar T1: {net1.graph.number_of_nodes()} partnerów, "
                                f"{net1.ties} powiązań, brak izolowanych.")
    assert f"Lider {net1.leader}: {net1.graph.degree(net1.leader)} powiązań." in described
    assert f"bez powiązań: {', '.join(isolates0)}." in alt_text(plots.draw_network(net0.graph, leader=net0.leader))
    pair = alt_text(plots.draw_network_pair(net0, net1))
    new = len({frozenset(e) for e in net1.graph.edges} - {frozenset(e) for e in net0.graph.edges})
    assert f"Pomiar T0: {net0.ties} powiązań" in pair and f"Nowe powiązania: {new}, utracone: 0." in pair
    counts, means = sector_matrix(net0)
    sectors = alt_text(plots.draw_sector_heatmap(counts, means))
    assert sectors.startswith(f"Powiązania między sektorami: {len(counts)} sektorów. Najwięcej powiązań: "
                              f"Pomoc społeczna – Zdrowie: {counts.loc['Pomoc społeczna', 'Zdrowie']} powiązań")
    levels = alt_text(plots.draw_level_distribution({"T0": level_distribution(net0), "T1": level_distribution(net1)}))
    assert "pomiar T1: 1 sieciowanie — 11, 2 kooperacja — 26, 3 koordynacja — 23" in levels
    ego = alt_text(plots.draw_ego_network(net1, "PCPR"))
    assert ego.startswith(f"Sieć partnera {net1.graph.nodes['PCPR']['nazwa']} (PCPR), pomiar T1: bezpośrednie "
                          f"powiązania: {net1.graph.degree('PCPR')} — CUS (poziom 5)")
    assert alt_text(plots.draw_sector_heatmap(*sector_matrix(Network("T0", nx.Graph(), EMPTY_REPORTS, pd.DataFrame(),
                                                                              None)))) == \
        f"Powiązania między sektorami: {plots.NO_TIES}."


def test_one_partner_and_many_isolates_read_naturally():
    from pzk_kit.figures import alt_text

    graph = nx.Graph()
    graph.add_node("A", sektor="edukacja")
    assert alt_text(plots.draw_network(graph)) == ("Mapa współpracy: 1 partner, 0 powiązań, bez powiązań: A. "
                                                   "Sektorów na mapie: 1.")
    many = synthetic(40, 0.0, isolated=15)
    text = alt_text(plots.draw_network(many.graph, leader=many.leader, title="Mapa"))
    assert "bez powiązań: P0012, P0013," in text and "P0021 i 18 innych." in text  # ten named, the rest counted
