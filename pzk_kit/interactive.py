"""ipywidgets controls for the workshop: they only wire widgets to package functions.

The same controls serve the notebooks and the Voila app. Nothing computed here is needed by a report: reports
come from the package functions directly, because widget state is not kept in executed notebooks.
"""

from __future__ import annotations

import ipywidgets as widgets

from pzk_kit.dictionaries import dictionary
from pzk_kit.figures import show
from pzk_kit.network import Network, build_network, filtered_graph, measurements_of
from pzk_kit.reading import GminaData


def _show(output: widgets.Output, figure) -> None:
    with output:
        output.clear_output(wait=True)
        show(figure)


class NetworkExplorer:
    """Map of cooperation with filters (measurement, sectors, minimum level) and a partner's ego network."""

    def __init__(self, data: GminaData, measurement: str | None = None) -> None:
        from pzk_kit.network_plots import compute_layout

        self.data = data
        measurements = measurements_of(data)
        self.networks: dict[str, Network] = {m: build_network(data, m) for m in measurements}
        # One layout for every measurement and filter: partners stay where the room has already seen them.
        self.layout = compute_layout([net.graph for net in self.networks.values()])
        sectors = dictionary("sektory")
        present = [c for c in sectors.codes if c in set(data.partners["sektor"].dropna())]
        self.measurement = widgets.Dropdown(
            options=measurements, value=measurement if measurement in measurements else measurements[-1],
            description="Pomiar:",
        )
        self.sectors = widgets.SelectMultiple(
            options=[(sectors.label(c), c) for c in present], value=tuple(present), rows=min(8, len(present) or 1),
            description="Sektory:",
        )
        self.min_level = widgets.IntSlider(value=1, min=1, max=5, step=1, description="Poziom od:",
                                           continuous_update=False)
        partners = [(f"{pid} — {name}", pid) for pid, name in zip(data.partners["id"], data.partners["nazwa"],
                                                                  strict=True)]
        self.partner = widgets.Dropdown(options=partners, value=self._default_partner(partners),
                                        description="Partner:")
        self.status = widgets.HTML()
        self.map_output = widgets.Output()
        self.ego_output = widgets.Output()
        for control in (self.measurement, self.sectors, self.min_level):
            control.observe(lambda _change: self.redraw_map(), names="value")
        self.measurement.observe(lambda _change: self.redraw_ego(), names="value")
        self.partner.observe(lambda _change: self.redraw_ego(), names="value")

    def _default_partner(self, partners: list[tuple[str, str]]) -> str | None:
        leader = self.data.leader
        if leader is not None:
            return leader
        return partners[0][1] if partners else None

    @property
    def network(self) -> Network:
        return self.networks[self.measurement.value]

    def redraw_map(self) -> None:
        from pzk_kit.network_plots import draw_network

        self.status.value = "<i>Obliczam…</i>"
        graph = filtered_graph(self.network, self.min_level.value, list(self.sectors.value))
        title = (f"{self.measurement.value}: {graph.number_of_edges()} powiązań na poziomie "
                 f"{self.min_level.value} lub wyższym")
        _show(self.map_output, draw_network(graph, leader=self.network.leader, pos=self.layout, title=title))
        self.status.value = (f"Partnerzy na mapie: {graph.number_of_nodes()}, "
                             f"powiązania: {graph.number_of_edges()}")

    def redraw_ego(self) -> None:
        from pzk_kit.network_plots import draw_ego_network

        if self.partner.value is None:
            return
        _show(self.ego_output, draw_ego_network(self.network, self.partner.value))

    def widget(self) -> widgets.Widget:
        self.redraw_map()
        self.redraw_ego()
        filters = widgets.HBox([widgets.VBox([self.measurement, self.min_level]), self.sectors])
        return widgets.VBox([
            widgets.HTML("<h3>Mapa współpracy</h3>"), filters, self.status, self.map_output,
            widgets.HTML("<h3>Sieć wybranego partnera</h3>"), self.partner, self.ego_output,
        ])


def network_explorer(data: GminaData, measurement: str | None = None) -> widgets.Widget:
    """The explorer widget, ready to display in a notebook or the app."""
    return NetworkExplorer(data, measurement).widget()

