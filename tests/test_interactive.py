"""The workshop widgets react to their controls by calling package functions (headless, no browser)."""

import matplotlib
import pytest

matplotlib.use("Agg")

from pzk_kit import interactive
from pzk_kit.example import example_dir
from pzk_kit.reading import read_gmina


@pytest.fixture
def shown(monkeypatch):
    """Figures the widgets display (outside a kernel an Output widget cannot capture them)."""
    figures = []
    monkeypatch.setattr(interactive, "show", figures.append)
    return figures


def edge_count(figure) -> int:
    return sum(len(collection.get_paths()) for ax in figure.axes for collection in ax.collections
               if type(collection).__name__ == "LineCollection")


def test_network_explorer_filters_change_the_map(shown):
    explorer = interactive.NetworkExplorer(read_gmina(example_dir()), "T0")
    box = explorer.widget()
    assert box.children
    assert explorer.status.value == "Partnerzy na mapie: 27, powiązania: 58"
    assert "T0: 58 powiązań" in shown[0].axes[0].get_title(loc="left")

    explorer.min_level.value = 3  # only coordination and closer: 15 + 3 ties at T0
    assert explorer.status.value == "Partnerzy na mapie: 27, powiązania: 18"
    assert "18 powiązań na poziomie 3" in shown[-1].axes[0].get_title(loc="left")

    explorer.measurement.value = "T1"
    assert explorer.status.value.endswith("powiązania: 34")  # 23 + 9 + 2 ties at level ≥ 3 in T1

    explorer.sectors.value = ("pomoc_spoleczna",)
    assert explorer.status.value.startswith("Partnerzy na mapie: 3,")  # CUS, PCPR, SDS


def test_network_explorer_ego_follows_partner_choice(shown):
    explorer = interactive.NetworkExplorer(read_gmina(example_dir()))
    explorer.widget()
    assert explorer.partner.value == "CUS"  # the leader is the default
    before = len(shown)
    explorer.partner.value = "WODOCIAGI"
    assert len(shown) == before + 1
    titles = " ".join(text.get_text() for ax in shown[-1].axes for text in [ax.title, *ax.texts])
    titles += " ".join(t.get_text() for t in shown[-1].texts)
    assert "Wodociągów" in titles or "WODOCIAGI" in titles
