"""The workshop widgets react to their controls by calling package functions (headless, no browser)."""

import io

import matplotlib
import numpy as np
import pytest
from PIL import Image

matplotlib.use("Agg")

from pzk_kit.figures import figure_png, live_png
from pzk_kit.network import filtered_graph
from pzk_kit.network.plots import draw_live_network, draw_network
from pzk_kit.workbook.example import example_dir
from pzk_kit.workbook.reading import read_gmina
from pzk_kit.workshop import interactive


class _Shown(list):
    """What the widgets displayed, and the text alternative given with each (``alts``)."""

    def __init__(self) -> None:
        super().__init__()
        self.alts: list[str] = []


@pytest.fixture
def shown(monkeypatch):
    """Figures the widgets display (outside a kernel an Output widget cannot capture them)."""
    figures = _Shown()

    def record(figure, alt):
        figures.append(figure)
        figures.alts.append(alt)

    monkeypatch.setattr(interactive, "show", record)
    return figures


@pytest.fixture
def pngs(monkeypatch):
    """PNG images the widgets display ready-made: the live map."""
    images = _Shown()

    def record(png, alt):
        images.append(png)
        images.alts.append(alt)

    monkeypatch.setattr(interactive, "show_png", record)
    return images


@pytest.fixture
def maps(monkeypatch, pngs):
    """Live map figures the explorer draws; their PNG is what it shows."""
    figures = []

    def record(figure):
        figures.append(figure)
        return live_png(figure)

    monkeypatch.setattr(interactive, "live_png", record)
    return figures


@pytest.fixture(scope="module")
def example():
    return read_gmina(example_dir())


def edge_count(figure) -> int:
    return sum(len(collection.get_paths()) for ax in figure.axes for collection in ax.collections
               if type(collection).__name__ == "LineCollection")


def test_network_explorer_filters_change_the_map(maps, pngs, example):
    explorer = interactive.NetworkExplorer(example, "T0")
    box = explorer.widget()
    assert box.children
    assert explorer.status.value == "Instytucje na mapie: 27, liczba powiązań: 58"
    assert maps[0].axes[0].get_title(loc="left") == "T0: 58 powiązań na poziomie 1 lub wyższym"
    assert pngs == [explorer.maps[("T0", 1, tuple(sorted(explorer.sectors.value)))][0]]

    explorer.min_level.value = 3  # only coordination and closer: 15 + 3 ties at T0
    assert explorer.status.value == "Instytucje na mapie: 27, liczba powiązań: 18"
    assert "18 powiązań na poziomie 3" in maps[-1].axes[0].get_title(loc="left")

    explorer.measurement.value = "T1"
    assert explorer.status.value.endswith("liczba powiązań: 34")  # 23 + 9 + 2 ties at level ≥ 3 in T1
    assert maps[-1].axes[0].get_title(loc="left") == "T1: 34 powiązania na poziomie 3 lub wyższym"

    explorer.sectors.value = ("pomoc_spoleczna",)
    assert explorer.status.value.startswith("Instytucje na mapie: 3,")  # CUS, PCPR, SDS
    assert len(maps) == len(pngs) == 4


def test_a_filter_state_seen_before_comes_back_without_drawing(maps, pngs, example):
    explorer = interactive.NetworkExplorer(example)
    explorer.widget()
    every = explorer.sectors.value
    full_map, full_status = pngs[-1], explorer.status.value
    explorer.sectors.value = ("pomoc_spoleczna",)
    one_sector = pngs[-1]
    assert explorer.status.value == "Instytucje na mapie: 3, liczba powiązań: 3"
    assert len(maps) == 2

    explorer.sectors.value = every  # back to the full map: shown again, not drawn again
    assert len(maps) == 2 and len(pngs) == 3
    assert pngs[-1] is full_map and explorer.status.value == full_status
    explorer.sectors.value = tuple(reversed(("pomoc_spoleczna",)))
    assert pngs[-1] is one_sector and len(maps) == 2

    explorer.sectors.value = ("edukacja", "pomoc_spoleczna")
    explorer.sectors.value = ("pomoc_spoleczna", "edukacja")  # the same map, whatever the order of the choice
    assert len(maps) == 3 and pngs[-1] == pngs[-2]
    assert list(explorer.maps) == [("T1", 1, tuple(sorted(every))), ("T1", 1, ("pomoc_spoleczna",)),
                                   ("T1", 1, ("edukacja", "pomoc_spoleczna"))]


def test_sectors_are_checkboxes_a_click_adds_or_removes_one(maps, pngs, example):
    """Multi-select needed Ctrl+click, which a workshop did not discover; a checkbox adds or removes one sector."""
    explorer = interactive.NetworkExplorer(example)
    explorer.widget()
    boxes = explorer.sectors.boxes
    every = tuple(boxes)
    assert explorer.sectors.value == every and all(box.value for box in boxes.values())
    assert boxes["pomoc_spoleczna"].description == "Pomoc społeczna"
    assert "jeden lub kilka" in explorer.sectors.box.children[0].value

    boxes["pomoc_spoleczna"].value = False  # one click: all sectors but one
    assert explorer.sectors.value == tuple(code for code in every if code != "pomoc_spoleczna")
    without = filtered_graph(explorer.network, 1, list(explorer.sectors.value))
    assert explorer.status.value == (f"Instytucje na mapie: {without.number_of_nodes()}, "
                                     f"liczba powiązań: {without.number_of_edges()}")
    assert "sektory: wszystkie oprócz: Pomoc społeczna." in pngs.alts[-1]

    drawn = len(maps)
    explorer.sectors.none_button.click()  # one map for the whole click, not one per box
    assert explorer.sectors.value == () and not any(box.value for box in boxes.values())
    assert len(maps) == drawn + 1 and explorer.status.value == ("Instytucje na mapie: 0, liczba powiązań: 0 "
                                                             "(zaznacz co najmniej jeden sektor)")
    assert "sektory: żaden." in pngs.alts[-1]
    boxes["edukacja"].value = True
    boxes["zdrowie"].value = True
    assert explorer.sectors.value == ("edukacja", "zdrowie")
    assert "sektory: Edukacja, Zdrowie." in pngs.alts[-1]
    explorer.sectors.all_button.click()
    assert explorer.sectors.value == every and all(box.value for box in boxes.values())
    assert pngs.alts[-1] == ("Mapa współpracy partnerów, pomiar T1, powiązania na poziomie 1 lub wyższym, "
                             "sektory: wszystkie. Instytucje na mapie: 27, liczba powiązań: 71.")

    explorer.sectors.value = ("zdrowie",)  # set by code (tests, notebooks): the boxes follow
    assert [code for code, box in boxes.items() if box.value] == ["zdrowie"]


def test_kept_maps_are_bounded_and_the_oldest_goes_first(maps, pngs, example, monkeypatch):
    monkeypatch.setattr(interactive, "MAP_CACHE_SIZE", 2)
    explorer = interactive.NetworkExplorer(example)
    explorer.widget()  # level 1
    explorer.min_level.value = 2
    explorer.min_level.value = 1  # seen: level 1 becomes the most recent, level 2 the oldest
    explorer.min_level.value = 3  # a third map: level 2 is dropped
    assert [state[1] for state in explorer.maps] == [1, 3]
    drawn = len(maps)
    explorer.min_level.value = 2
    assert len(maps) == drawn + 1 and explorer.status.value.startswith("Instytucje na mapie: 27,")


def _pixels(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"), dtype=np.int16)


@pytest.mark.parametrize(("measurement", "level", "sectors"), [
    ("T1", 1, None), ("T1", 1, ["pomoc_spoleczna"]), ("T0", 3, None), ("T1", 5, ["edukacja", "zdrowie"]),
])
def test_live_map_is_the_report_map_pixel_for_pixel(example, measurement, level, sectors):
    """The room must see the same map as in the report: same size, the same legend, no visible difference."""
    explorer = interactive.NetworkExplorer(example)
    network = explorer.networks[measurement]
    graph = filtered_graph(network, level, sectors)
    title = interactive.map_title(measurement, level, graph.number_of_edges())
    report = _pixels(figure_png(draw_network(graph, leader=network.leader, pos=explorer.layout, title=title)))
    live = _pixels(live_png(draw_live_network(graph, leader=network.leader, pos=explorer.layout, title=title)))
    assert live.shape == report.shape == (880, 1320, 3)
    difference = np.abs(live - report).max(axis=2)
    assert difference.max() <= 8  # of 255: anti-aliasing noise
    assert (difference > 0).mean() < 0.01


def _pasted(figure) -> list:
    return [artist for artist in figure.artists if hasattr(artist, "pixels")]


def test_live_map_pastes_its_legend_drawn_once(example):
    explorer = interactive.NetworkExplorer(example)
    network = explorer.networks["T1"]
    one, two = (draw_live_network(network.graph, leader=network.leader, pos=explorer.layout, title=title)
                for title in ("Pierwsza mapa", "Druga mapa"))
    assert not one.legends and type(one.get_layout_engine()).__name__ == "PlaceHolderLayoutEngine"  # no layout pass
    assert len(_pasted(one)) == len(_pasted(two)) == 1
    assert _pasted(one)[0].pixels is _pasted(two)[0].pixels  # the same content: drawn once, pasted twice
    alone = draw_live_network(filtered_graph(network, 1, ["sport"]), leader=network.leader, pos=explorer.layout)
    assert _pasted(alone)[0].pixels.shape[0] < _pasted(one)[0].pixels.shape[0]  # lists only what is on the map


def test_live_map_saved_another_way_keeps_its_legend(example):
    """figure_png (a notebook's show) gives the same picture; another resolution scales the legend with the map."""
    explorer = interactive.NetworkExplorer(example)
    network = explorer.networks["T1"]

    def figure():
        return draw_live_network(network.graph, leader=network.leader, pos=explorer.layout, title="Mapa")

    live = _pixels(live_png(figure()))
    assert np.abs(_pixels(figure_png(figure())) - live).max() <= 8
    small = _pixels(figure_png(figure(), dpi=55))  # half the resolution
    assert small.shape == (440, 660, 3)
    legend_corner = small[10:350, 490:650]  # the legend's place, scaled: its coloured keys and dark text are there
    assert (legend_corner < 100).all(axis=2).sum() > 200
    assert np.abs(small[10:350, 490:650] - live[20:700:2, 980:1300:2]).mean() < 12


def test_live_map_breaks_a_long_title_and_keeps_it_on_the_picture(example):
    explorer = interactive.NetworkExplorer(example)
    network = explorer.networks["T1"]
    figure = draw_live_network(network.graph, leader=network.leader, pos=explorer.layout,
                               title="Bardzo długi tytuł mapy współpracy " * 4)
    title = figure.axes[0].get_title(loc="left")
    assert title.count("\n") >= 2 and all(len(line) <= 50 for line in title.split("\n"))
    image = _pixels(live_png(figure))
    assert image.shape == (880, 1320, 3)
    assert (image[:4] < 250).any(axis=2).sum() == 0  # the first line is below the top edge, not cut off by it


def test_live_map_of_an_empty_graph_says_so(example):
    import networkx as nx

    figure = draw_live_network(nx.Graph(), pos={})
    assert not _pasted(figure)  # no legend for an empty map
    texts = [t.get_text() for t in figure.axes[0].texts]
    assert any("Brak" in text for text in texts)
    assert _pixels(live_png(figure)).shape == (880, 1320, 3)


def test_network_explorer_ego_follows_partner_choice(shown, pngs, example):
    explorer = interactive.NetworkExplorer(example)
    explorer.widget()
    assert explorer.partner.value == "CUS"  # the leader is the default
    before = len(shown)
    explorer.partner.value = "WODOCIAGI"
    assert len(shown) == before + 1
    titles = " ".join(text.get_text() for ax in shown[-1].axes for text in [ax.title, *ax.texts])
    titles += " ".join(t.get_text() for t in shown[-1].texts)
    assert "Wodociągów" in titles or "WODOCIAGI" in titles
    ties = explorer.network.graph.degree("WODOCIAGI")
    assert shown.alts[-1].startswith(f"Sieć partnera {example.partner_names()['WODOCIAGI']} w pomiarze T1: {ties} ")
