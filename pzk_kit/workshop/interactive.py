"""ipywidgets controls for the workshop: they only wire widgets to package functions.

The same controls serve the notebooks and the Voila app. Nothing computed here is needed by a report: reports
come from the package functions directly, because widget state is not kept in executed notebooks.
"""

from __future__ import annotations

import base64
import html
import os
import tempfile
from collections import OrderedDict

import ipywidgets as widgets
import traitlets
from IPython.display import HTML, display

from pzk_kit import figures, glossary, polish
from pzk_kit.basket import EVERYONE, find_services
from pzk_kit.basket.service_plan import ServicePlan, plan_path, suggest_plan, write_plan_docx
from pzk_kit.figures import figure_png, live_png
from pzk_kit.measurement import pick
from pzk_kit.network import Network, build_network, filtered_graph, measurements_of
from pzk_kit.tables import table
from pzk_kit.workbook.dictionaries import dictionary
from pzk_kit.workbook.reading import GminaData

HEADLESS_VARIABLE = "PZK_BEZ_WIDZETOW"


def headless() -> bool:
    """True in batch runs (``pzk run``, tests): set by :func:`pzk_kit.runs.runner.run_notebook` for its kernels.

    Widgets are pointless there (their state is not kept in executed notebooks, so reports never show them),
    and nbclient occasionally stalls on a cell that builds Output widgets until the cell timeout
    (jupyter/nbclient#312), so batch runs leave them out.
    """
    return os.environ.get(HEADLESS_VARIABLE) == "1"


def _headless_note(what: str) -> HTML:
    return HTML(f'<p style="color:#555"><i>Interaktywna wersja {html.escape(what)} działa po otwarciu zeszytu '
                "w JupyterLab (<code>pzk lab</code>) albo w aplikacji (<code>pzk app</code>).</i></p>")


def show_png(png: bytes, alt: str) -> None:
    """Display PNG bytes made earlier (e.g. a live map kept for when the room returns to the same filters).

    As an ``<img alt>``: the widgets run live in Voila and JupyterLab, whose image output drops the alt metadata.
    """
    figures.show_png(png, alt, as_html=True)


def show(figure, alt: str) -> None:
    """Display a matplotlib figure drawn now, with its text alternative."""
    figures.show_png(figure_png(figure), alt, as_html=True)


def _show(output: widgets.Output, figure, alt: str) -> None:
    with output:
        output.clear_output(wait=True)
        show(figure, alt)


def _show_png(output: widgets.Output, png: bytes, alt: str) -> None:
    with output:
        output.clear_output(wait=True)
        show_png(png, alt)


def _decimal(value: float) -> str:
    return polish.decimal(value)


def map_title(measurement: str, min_level: int, ties: int) -> str:
    """The live map's title, with Polish number agreement ("3 powiązania", "5 powiązań"); shared with the
    benchmark that compares the live map with the report's."""
    return f"{measurement}: {_count(ties, 'powiązanie', 'powiązania', 'powiązań')} na poziomie {min_level} lub wyższym"


class CheckboxGroup(traitlets.HasTraits):
    """Several choices as checkboxes, with "all" and "none" buttons; ``value`` is the tuple of chosen codes.

    A workshop did not discover that a multiple-choice list needs Ctrl+click (a plain click leaves one sector on
    the map, and nobody knows how to get the others back); a checkbox says by itself that several can be ticked.
    Setting ``value`` ticks the boxes and changes ``value`` once, so observers redraw once, not once per box.
    """

    value = traitlets.Tuple()

    def __init__(self, options: list[tuple[str, str]], value: tuple[str, ...], description: str, hint: str) -> None:
        codes = [code for _label, code in options]
        super().__init__(value=tuple(code for code in codes if code in set(value)))
        self.options = tuple(options)  # (label, code), as a SelectMultiple has them
        self._syncing = False
        self.boxes = {code: widgets.Checkbox(value=code in self.value, description=label, indent=False,
                                             layout=widgets.Layout(width="auto", margin="0 18px 0 0"))
                      for label, code in options}
        for box in self.boxes.values():
            box.observe(self._read_boxes, names="value")
        self.observe(self._tick_boxes, names="value")
        self.all_button = widgets.Button(description="Zaznacz wszystkie", layout=widgets.Layout(width="auto"))
        self.none_button = widgets.Button(description="Odznacz wszystkie", layout=widgets.Layout(width="auto"))
        self.all_button.on_click(lambda _button: setattr(self, "value", tuple(codes)))
        self.none_button.on_click(lambda _button: setattr(self, "value", ()))
        self.box = widgets.VBox([
            widgets.HTML(f"<b>{html.escape(description)}</b> {html.escape(hint)}"),
            widgets.GridBox(list(self.boxes.values()),
                            layout=widgets.Layout(grid_template_columns="repeat(2, max-content)")),
            widgets.HBox([self.all_button, self.none_button], layout=widgets.Layout(grid_gap="8px")),
        ])
        self.box.add_class("pzk-checkbox-group")

    def _read_boxes(self, _change: dict) -> None:
        if not self._syncing:
            self.value = tuple(code for code, box in self.boxes.items() if box.value)

    def _tick_boxes(self, change: dict) -> None:
        self._syncing = True
        try:
            for code, box in self.boxes.items():
                box.value = code in change["new"]
        finally:
            self._syncing = False


MAP_CACHE_SIZE = 32  # filter states whose map is kept (a few hundred kB each), most recently shown first

MapState = tuple[str, int, tuple[str, ...]]


class NetworkExplorer:
    """Map of cooperation with filters (measurement, sectors, minimum level) and a partner's ego network.

    The map is redrawn while the room waits, so it is drawn the fast way
    (:func:`pzk_kit.network.plots.draw_live_network`, the same picture as the reports' map) and every map shown
    is kept: a workshop goes back and forth between a few filter states, and a state seen before comes back at
    once. The data and the layout do not change during an explorer's life, so a kept map never goes stale.
    """

    def __init__(self, data: GminaData, measurement: str | None = None) -> None:
        from pzk_kit.network.plots import compute_layout

        self.data = data
        measurements = measurements_of(data)
        self.networks: dict[str, Network] = {m: build_network(data, m) for m in measurements}
        # One layout for every measurement and filter: partners stay where the room has already seen them.
        self.layout = compute_layout([net.graph for net in self.networks.values()])
        sectors = dictionary("sektory")
        present = [c for c in sectors.codes if c in set(data.partners["sektor"].dropna())]
        self.measurement = widgets.Dropdown(
            options=measurements, value=pick(measurements, measurement),  # the run's rule: latest by default
            description="Pomiar:",
        )
        self.sectors = CheckboxGroup([(sectors.label(c), c) for c in present], tuple(present),
                                     "Sektory na mapie:", "zaznacz te, które mają być widoczne (jeden lub kilka)")
        self.min_level = widgets.IntSlider(value=1, min=1, max=5, step=1, description="Poziom od:",
                                           continuous_update=False)
        partners = [(f"{pid} — {name}", pid) for pid, name in zip(data.partners["id"], data.partners["nazwa"],
                                                                  strict=True)]
        self.partner = widgets.Dropdown(options=partners, value=self._default_partner(partners),
                                        description="Partner:")
        self.status = widgets.HTML()
        self.map_output = widgets.Output()
        self.ego_output = widgets.Output()
        self.maps: OrderedDict[MapState, tuple[bytes, str]] = OrderedDict()  # PNG and status line of each state
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

    def map_state(self) -> MapState:
        """What the map shows depends on these and nothing else (the order of chosen sectors does not matter)."""
        return self.measurement.value, self.min_level.value, tuple(sorted(self.sectors.value))

    def draw_map(self, state: MapState) -> tuple[bytes, str]:
        """The map's PNG and status line for a filter state, drawn now."""
        import networkx as nx

        from pzk_kit.network.plots import draw_live_network

        measurement, min_level, sectors = state
        network = self.networks[measurement]
        # no sector ticked means an empty map (filtered_graph reads "no sectors" as "no filter")
        graph = filtered_graph(network, min_level, list(sectors)) if sectors else nx.Graph()
        title = map_title(measurement, min_level, graph.number_of_edges())
        png = live_png(draw_live_network(graph, leader=network.leaders, pos=self.layout, title=title))
        # the glossary's names ("Instytucje na mapie" are all rows, candidates included), as in the headline
        status = (f"{glossary.label('partners')}: {graph.number_of_nodes()}, "
                  f"{glossary.label('ties').lower()}: {graph.number_of_edges()}")
        return png, status if sectors else f"{status} (zaznacz co najmniej jeden sektor)"

    def redraw_map(self) -> None:
        state = self.map_state()
        kept = self.maps.get(state)
        if kept is None:
            self.status.value = "<i>Obliczam…</i>"
            kept = self.maps[state] = self.draw_map(state)
            while len(self.maps) > MAP_CACHE_SIZE:
                self.maps.popitem(last=False)
        else:
            self.maps.move_to_end(state)
        png, status = kept
        _show_png(self.map_output, png, self.map_alt(state, status))
        self.status.value = status

    def map_alt(self, state: MapState, status: str) -> str:
        """What the map shows, in words: the filters and the counts of the status line."""
        measurement, min_level, sectors = state
        labels = dictionary("sektory")
        shown = [labels.label(code) for code in self.sectors.boxes if code in sectors]
        left_out = [labels.label(code) for code in self.sectors.boxes if code not in sectors]
        if not left_out:
            chosen = "wszystkie"
        elif len(left_out) < len(shown):
            chosen = "wszystkie oprócz: " + ", ".join(left_out)
        else:
            chosen = ", ".join(shown) or "żaden"
        return (f"Mapa współpracy partnerów, pomiar {measurement}, powiązania na poziomie {min_level} lub wyższym, "
                f"sektory: {chosen}. {status}.")

    def redraw_ego(self) -> None:
        from pzk_kit.network.plots import draw_ego_network

        if self.partner.value is None:
            return
        partner = self.partner.value
        graph = self.network.graph
        ties = graph.degree(partner) if partner in graph else 0
        name = self.data.partner_names().get(partner) or partner
        alt = (f"Sieć partnera {name} w pomiarze {self.measurement.value}: "
               f"{_count(ties, 'bezpośrednie powiązanie', 'bezpośrednie powiązania', 'bezpośrednich powiązań')} "
               "z innymi partnerami.")
        _show(self.ego_output, draw_ego_network(self.network, partner), alt)

    def widget(self) -> widgets.Widget:
        self.redraw_map()
        self.redraw_ego()
        filters = widgets.HBox([widgets.VBox([self.measurement, self.min_level]), self.sectors.box],
                               layout=widgets.Layout(grid_gap="24px"))
        return widgets.VBox([
            widgets.HTML("<h3>Mapa współpracy</h3>"), filters, self.status, self.map_output,
            widgets.HTML("<h3>Sieć wybranego partnera</h3>"), self.partner, self.ego_output,
        ])


def network_explorer(data: GminaData, measurement: str | None = None) -> widgets.Widget | HTML:
    """The explorer widget, ready to display in a notebook or the app."""
    if headless():
        return _headless_note("mapy współpracy z filtrami")
    return NetworkExplorer(data, measurement).widget()


# -- the service finder and the draft IPUS -------------------------------------------------------------------------

ANY_GROUP = "— dowolna grupa —"
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
CASE_ADDED = ("Dopisano sprawę {kod} do rejestru zespołów i IPUS (arkusz „zespoly”, rodzaj IPUS, stan otwarta) — "
              "tylko anonimowy kod, bez oznaczenia rodziny. Skoroszyt z rejestrem pobierzesz w zakładce „Pliki do "
              "pobrania” aplikacji; datę pierwszej usługi dopisz w nim, gdy rodzina ją dostanie.")
# In a notebook there is no files tab: the row is spelled out to copy into the workbook's sheet.
CASE_ADDED_HERE = ("Dopisano sprawę {kod} do rejestru zespołów i IPUS w tym zeszycie (tylko anonimowy kod, bez "
                   "oznaczenia rodziny). Aby została w skoroszycie gminy, dopisz w arkuszu „zespoly” wiersz: "
                   "sprawa {kod}, rodzaj IPUS, data_zgloszenia {dzien}, partnerzy {partnerzy}, uslugi {uslugi}, "
                   "status Otwarta, pomiar {pomiar}.")
CASE_KEPT = "Ten plan jest już w rejestrze zespołów i IPUS jako sprawa {kod} — nie dopisano go drugi raz."
PLAN_CHANGED = "Plan zmienił się od przygotowania pliku — przygotuj go ponownie, aby pobrać aktualną wersję."


def download_link(filename: str, content: bytes, mime: str) -> str:
    """A link that saves ``content`` in the browser's downloads: the file is made in memory and sent with the page.

    The app runs on a server (even on the same laptop, Voila's working folder is not where a person looks for a
    file), and a data link needs neither a server route nor the internet; the same link works in JupyterLab.
    """
    encoded = base64.b64encode(content).decode("ascii")
    name = html.escape(filename, quote=True)
    return (f'<a class="pzk-download" download="{name}" data-plik="{name}" href="data:{mime};base64,{encoded}">'
            f"Pobierz {html.escape(filename)}</a>")


def _show_table(output: widgets.Output, styled) -> None:
    with output:
        output.clear_output(wait=True)
        display(styled)


def _count(n: int, one: str, few: str, many: str) -> str:
    """Polish number agreement: 1 usługa, 3 usługi, 7 usług, 22 usługi, 12 usług."""
    return polish.count(n, one, few, many)


def _found_text(n: int) -> str:
    return f"Znaleziono {_count(n, 'usługę', 'usługi', 'usług')}"


class ServiceFinder:
    """Find services for a resident's situations and group, pick some, and download a draft IPUS as DOCX.

    The results come from :func:`pzk_kit.basket.find_services`, the suggestion from
    :func:`pzk_kit.basket.service_plan.suggest_plan` and the document from
    :func:`pzk_kit.basket.service_plan.write_plan_docx`.
    The document is made in memory and offered as a browser download, like every other file of the app: nothing
    is left on the computer running the server. The family label is a conventional one ("Rodzina A"); nothing
    personal is asked for or kept.
    """

    def __init__(self, data: GminaData, on_case_added=None) -> None:
        self.data = data
        self.found = find_services(data).iloc[0:0]
        self.document: tuple[str, bytes] | None = None  # file name and bytes of the plan prepared last
        # The IPUS draft opens a case in the register (``zespoly``) once per plan; the app refreshes its files.
        self.on_case_added = on_case_added
        self.case: tuple[ServicePlan, str] | None = None  # the plan registered last and its case code
        areas, groups = dictionary("obszary_potrzeb"), dictionary("grupy_docelowe")
        wide = widgets.Layout(width="95%")
        self.situations = widgets.SelectMultiple(
            options=[(f"Szukam pomocy, gdy {e.extra.get('sytuacja') or e.label.lower()}", e.code)
                     for e in areas.entries],
            rows=8, description="Sytuacje:", layout=wide,
        )
        self.group = widgets.Dropdown(
            options=[(ANY_GROUP, ""), *((e.label, e.code) for e in groups.entries if e.code != EVERYONE)],
            value="", description="Grupa:",
        )
        self.free_only = widgets.Checkbox(value=False, description="tylko bezpłatne", indent=False)
        self.without_referral = widgets.Checkbox(value=False, description="tylko bez skierowania", indent=False)
        self.status = widgets.HTML()
        self.results = widgets.Output()
        self.chosen = widgets.SelectMultiple(options=[], rows=6, description="Do planu:", layout=wide)
        self.suggest_button = widgets.Button(description="Podpowiedz usługi do planu", icon="magic",
                                             layout=widgets.Layout(width="auto"),
                                             tooltip="Najłatwiej dostępna usługa dla każdej wybranej sytuacji")
        self.plan_status = widgets.HTML()
        self.family_label = widgets.Text(placeholder="np. Rodzina A — bez nazwisk", description="Oznaczenie:",
                                         layout=widgets.Layout(width="420px"))
        self.save_button = widgets.Button(description="Przygotuj projekt IPUS do pobrania (DOCX)",
                                          button_style="primary", icon="download",
                                          layout=widgets.Layout(width="auto"))
        self.save_status = widgets.HTML()
        for control in (self.situations, self.group, self.free_only, self.without_referral):
            control.observe(lambda _change: self.search(), names="value")
        self.chosen.observe(lambda _change: self._describe_choice(), names="value")
        for control in (self.situations, self.group, self.chosen, self.family_label):
            control.observe(lambda _change: self._plan_changed(), names="value")
        self.suggest_button.on_click(lambda _button: self.suggest())
        self.save_button.on_click(lambda _button: self.save())

    def _filters(self) -> dict:
        return {"free_only": self.free_only.value, "without_referral": self.without_referral.value}

    def search(self) -> None:
        self.status.value = "<i>Szukam…</i>"
        found = find_services(self.data, list(self.situations.value), self.group.value or None, **self._filters())
        self.found = found
        kept = [sid for sid in self.chosen.value if sid in set(found["id"])]
        self.chosen.options = [(f"{name} — {provider}", sid) for sid, name, provider
                               in zip(found["id"], found["Usługa"], found["Świadczy"], strict=True)]
        self.chosen.value = tuple(kept)
        if found.empty:
            self.results.clear_output()
        else:
            _show_table(self.results, table(found.drop(columns="id")))
        text = _found_text(len(found))
        if not self.situations.value:
            text += " (cały koszyk — wybierz sytuacje, aby zawęzić wyniki)"
        elif found.empty:
            text += " — zmień grupę albo filtry; brak usługi to także luka w koszyku do omówienia w PZK"
        self.status.value = html.escape(text)
        self._describe_choice()

    def suggest(self) -> None:
        """Select the easiest service for each chosen situation (the rest of the choice is replaced)."""
        if not self.situations.value:
            self.plan_status.value = "Najpierw wybierz co najmniej jedną sytuację."
            return
        plan = suggest_plan(self.data, list(self.situations.value), self.group.value or None, **self._filters())
        self.chosen.value = tuple(plan.services)
        areas = dictionary("obszary_potrzeb")
        answered = {area for sid in plan.services
                    for area in self.data.services.loc[self.data.services["id"] == sid, "obszary"].iloc[0]}
        missing = [areas.label(code) for code in plan.situations if code not in answered]
        self._describe_choice()
        if missing:
            self.plan_status.value += html.escape(" Bez usługi w koszyku: " + ", ".join(missing) + ".")

    @property
    def plan_services(self) -> list[str]:
        """Chosen service ids in the order of the results: the easiest path first."""
        chosen = set(self.chosen.value)
        return [sid for sid in self.found["id"] if sid in chosen]

    def _describe_choice(self) -> None:
        n = len(self.chosen.value)
        if not n:
            self.plan_status.value = "Zaznacz usługi do planu (Ctrl lub Shift + klik) albo użyj podpowiedzi."
            return
        services = self.data.services
        team = set(services.loc[services["id"].isin(self.chosen.value), "partner"].dropna())
        if self.data.leader is not None:
            team.add(self.data.leader)
        self.plan_status.value = (f"W planie: {_count(n, 'usługa', 'usługi', 'usług')}; Zadaniowy Zespół "
                                  f"Kooperacyjny: {_count(len(team), 'instytucja', 'instytucje', 'instytucji')} "
                                  "(z liderem PZK jako koordynatorem).")

    def plan(self) -> ServicePlan:
        return ServicePlan(
            family_label=self.family_label.value.strip(),
            situations=list(self.situations.value),
            group=self.group.value or None,
            services=self.plan_services,
        )

    def _plan_changed(self) -> None:
        """A link prepared for another plan must not be taken for this one."""
        if self.document is not None:
            self.document = None
            self.save_status.value = html.escape(PLAN_CHANGED)

    def save(self) -> tuple[str, bytes] | None:
        """Make the plan's DOCX in memory and show its download link; returns the file name and bytes."""
        self.save_status.value = "<i>Przygotowuję…</i>"
        self.document = None
        plan = self.plan()
        try:
            with tempfile.TemporaryDirectory(prefix="pzk_ipus_") as folder:
                path = write_plan_docx(self.data, plan, plan_path(folder, plan.family_label))
                document = (path.name, path.read_bytes())
        except ValueError as error:
            self.save_status.value = f"<b style='color:#b00020'>Nie przygotowano:</b> {html.escape(str(error))}"
            return None
        except OSError as error:
            reason = error.strerror or str(error)
            self.save_status.value = (f"<b style='color:#b00020'>Nie udało się przygotować pliku</b> "
                                      f"({html.escape(reason)}).")
            return None
        self.document = document
        note = "" if plan.services else " Nie wybrano jeszcze usług — dokument to mówi; można je dopisać ręcznie."
        self.save_status.value = (f"{download_link(*document, DOCX_MIME)} <span>Projekt planu jest gotowy: kliknij, "
                                  f"aby zapisać go w pobranych plikach.{html.escape(note)}</span>"
                                  f"<br><span>{html.escape(self._register(plan))}</span>")
        return document

    def _register(self, plan: ServicePlan) -> str:
        """Open the plan's case in the register (once per plan: a second click on the same plan adds nothing)."""
        from pzk_kit.followup.cases import add_ipus_case
        from pzk_kit.workbook.service_records import reference_day

        if self.case is not None and self.case[0] == plan:
            return CASE_KEPT.format(kod=self.case[1])
        code = add_ipus_case(self.data, list(plan.services), reference_day())
        self.case = (plan, code)
        if self.on_case_added is not None:
            self.on_case_added(code)
            return CASE_ADDED.format(kod=code)
        row = self.data.cases.iloc[-1]
        return CASE_ADDED_HERE.format(kod=code, dzien=row["data_zgloszenia"].date().isoformat(),
                                      partnerzy="; ".join(row["partnerzy"]) or "—",
                                      uslugi="; ".join(row["uslugi"]) or "—", pomiar=row["pomiar"])

    def widget(self) -> widgets.Widget:
        self.search()
        privacy = widgets.HTML(
            "<small>Wpisz oznaczenie umowne (np. „Rodzina A”), nie imię i nazwisko. Plik nie zawiera danych "
            "osobowych; nazwiska, cele i podpisy wpisuje się ręcznie na wydruku.</small>"
        )
        filters = widgets.HBox([self.group, self.free_only, self.without_referral])
        return widgets.VBox([
            widgets.HTML("<h3>Wyszukiwarka usług</h3>"), self.situations,
            widgets.HTML("<small>Kilka sytuacji naraz: przytrzymaj Ctrl (na Macu Cmd) i klikaj kolejne.</small>"),
            filters, self.status, self.results,
            widgets.HTML("<h3>Projekt Indywidualnego Planu Usług Społecznych</h3>"),
            self.chosen, widgets.HBox([self.suggest_button]), self.plan_status,
            self.family_label, privacy, widgets.HBox([self.save_button]), self.save_status,
        ])


def service_finder(data: GminaData) -> widgets.Widget | HTML:
    """The service finder with the draft IPUS, ready to display in a notebook or the app."""
    if headless():
        return _headless_note("wyszukiwarki usług i projektu IPUS")
    return ServiceFinder(data).widget()


# -- the evaluation explorer ---------------------------------------------------------------------------------------

WHOLE_GROUP = "calosc"
EVALUATION_VIEWS = (("cała grupa", WHOLE_GROUP), ("według sektorów", "sektor"), ("według partnerów", "partner"))
HIDDEN_CELL = "ukryte (< 3 osoby)"
SUBTRACTION_CELL = "ukryte (ochrona przed odejmowaniem)"
NO_CHANGE = "— (wynik ukryty lub brak odpowiedzi w jednym z pomiarów)"
BAND_BACKGROUNDS = {"mocna strona": "#e3f1e4", "do obserwacji": "#fff2c7", "wymaga uwagi": "#f8d9d6"}


def _band_background(value: object) -> str:
    from pzk_kit.evaluation import band

    if not isinstance(value, int | float) or isinstance(value, bool):
        return ""
    colour = BAND_BACKGROUNDS.get(band(value) or "")
    return f"background-color: {colour};" if colour else ""


class EvaluationExplorer:
    """Survey results for the evaluation meeting: one measurement, for the whole group, by sector or by partner.

    Scores come from :mod:`pzk_kit.evaluation`, so the anonymity rule holds here as everywhere: a score resting on
    fewer than 3 respondents reads "ukryte (< 3 osoby)", a score hidden so that a smaller group cannot be
    recovered by subtraction reads "ukryte (ochrona przed odejmowaniem)", and a sector or partner with nothing
    to show is not a column at all (the status line names it and says why, never its result).
    """

    def __init__(self, data: GminaData, measurement: str | None = None) -> None:
        from pzk_kit.evaluation import survey_measurements

        self.data = data
        self.measurements = survey_measurements(data) if data.has("ankieta") else []
        self.frame = None  # the table on screen, withheld cells as text: what the room sees
        self.hidden: list[str] = []  # groups left out of the current breakdown
        self.reasons: dict[str, str] = {}  # why each of them is left out (Polish, from the evaluation)
        self.withheld: dict[tuple[str, str], str] = {}  # (factor name, column) → "primary" / "secondary"
        default = pick(self.measurements, measurement)  # the run's rule: latest by default
        self.measurement = widgets.Dropdown(options=self.measurements, value=default, description="Pomiar:",
                                            disabled=not self.measurements)
        self.view = widgets.ToggleButtons(options=EVALUATION_VIEWS, value=WHOLE_GROUP, description="Wyniki:")
        self.status = widgets.HTML()
        self.table_output = widgets.Output()
        self.chart_output = widgets.Output()
        for control in (self.measurement, self.view):
            control.observe(lambda _change: self.redraw(), names="value")

    def _previous(self, measurement: str) -> str | None:
        position = self.measurements.index(measurement)
        return self.measurements[position - 1] if position else None

    def whole_group(self, measurement: str):
        """Factor, score, band and (from T1 on) the change since the previous measurement."""
        import pandas as pd

        from pzk_kit.evaluation import band, change, factor_table

        scores = factor_table(self.data)
        frame = pd.DataFrame({"Czynnik": scores["Czynnik"], measurement: scores[measurement]})
        self.withheld = self._withheld(measurement, "", {"": measurement})
        frame["Pasmo"] = [band(v) for v in frame[measurement]]
        previous = self._previous(measurement)
        if previous:
            frame[f"Zmiana od {previous}"] = change(self.data, previous, measurement)["Zmiana"].to_numpy()
        # scores as "3,30" and changes as "▲ +0,43", the same forms as the report and the notebooks
        return glossary.with_formats(frame, {measurement: "factor_score"},
                                     changes={f"Zmiana od {previous}": "score_change"} if previous else None)

    def by_group(self, measurement: str, by: str):
        from pzk_kit.evaluation import breakdown, hidden_groups_of

        result = breakdown(self.data, measurement, by)
        self.reasons = hidden_groups_of(self.data, measurement, by)
        self.hidden = list(self.reasons)
        self.withheld = self._withheld(measurement, by, {c: c for c in result.table.columns[1:]})
        return result.table

    def _withheld(self, measurement: str, by: str, columns: dict[str, str]) -> dict[tuple[str, str], str]:
        """(factor name, table column) → why the cell is withheld, for the cells the evaluation withheld."""
        from pzk_kit.evaluation import withheld_cells
        from pzk_kit.evaluation.instrument import load_instrument

        names = {f.code: f.name for f in load_instrument().factors}
        groups = {group: column for column, group in columns.items()}
        return {(names[factor], groups[group]): reason
                for (factor, group), reason in withheld_cells(self.data, measurement, by).items() if group in groups}

    def redraw(self) -> None:
        from pzk_kit.evaluation import factor_table
        from pzk_kit.evaluation.plots import draw_factor_bands

        if not self.measurements:
            self.status.value = ("<b>Ankieta samooceny nie została jeszcze przeprowadzona.</b> Gdy arkusz "
                                 "„ankieta” będzie wypełniony, tu zobaczycie wyniki czynników.")
            return
        from pzk_kit.evaluation import respondent_scores

        measurement, view = self.measurement.value, self.view.value
        respondents = len(respondent_scores(self.data, measurement))
        text = f"Pomiar {measurement}: {_count(respondents, 'ankieta', 'ankiety', 'ankiet')}."
        self.hidden, self.reasons, self.withheld = [], {}, {}
        if view == WHOLE_GROUP:
            frame = self.whole_group(measurement)
            columns = [measurement]
            with self.chart_output:
                self.chart_output.clear_output(wait=True)
                keep = ["Czynnik", *[m for m in (self._previous(measurement), measurement) if m]]
                show(draw_factor_bands(factor_table(self.data)[keep]), self.bands_alt(frame, measurement))
        else:
            frame = self.by_group(measurement, view)
            columns = [c for c in frame.columns if c != "Czynnik"]
            self.chart_output.clear_output()
            from pzk_kit.evaluation import too_few_reason

            few = [group for group, reason in self.reasons.items() if reason == too_few_reason()]
            subtracted = [group for group in self.hidden if group not in few]
            if few:
                text += (" Nie pokazano (mniej niż 3 osoby): " + ", ".join(few) + ".")
            if subtracted:
                text += (" Nie pokazano też: " + ", ".join(subtracted) + " — inaczej wynik mniejszej grupy dałoby "
                         "się odtworzyć przez odejmowanie.")
            if not columns:
                text += (" Żadna grupa nie ma co najmniej 3 ankiet, więc w tym podziale nic nie może być "
                         "pokazane.")
        shown = frame.astype(object).where(frame.notna(), HIDDEN_CELL)
        for (factor, column), reason in self.withheld.items():
            if reason == "secondary" and column in shown:
                shown.loc[shown["Czynnik"] == factor, column] = SUBTRACTION_CELL
        if "Pasmo" in shown:
            shown["Pasmo"] = frame["Pasmo"].where(frame["Pasmo"].notna(), "—")
        for column in [c for c in shown.columns if str(c).startswith("Zmiana od ")]:
            # a change needs two shown scores: a hidden one is never taken as 0
            shown[column] = frame[column].astype(object).where(frame[column].notna(), NO_CHANGE)
        self.frame = shown
        styled = table(shown).map(_band_background, subset=columns) if columns else table(shown)
        _show_table(self.table_output, styled)
        self.status.value = html.escape(text)

    @staticmethod
    def bands_alt(frame, measurement: str) -> str:
        """The bar chart in words: each factor's score or why it is hidden, as in the table above it."""
        parts = [f"{factor} {_decimal(score)}" if isinstance(score, int | float) and score == score
                 else f"{factor} ukryte" for factor, score in zip(frame["Czynnik"], frame[measurement], strict=True)]
        return (f"Wykres słupkowy: wyniki czynników w pomiarze {measurement} (skala 1–5, kolor pasma): "
                + "; ".join(parts) + ".")

    def widget(self) -> widgets.Widget:
        self.redraw()
        note = widgets.HTML("<small>Wyniki oparte na odpowiedziach mniej niż 3 osób są zawsze ukryte. Kolor: "
                            "zielony — mocna strona (≥ 4,0), żółty — do obserwacji, czerwony — wymaga uwagi "
                            "(&lt; 3,0).</small>")
        return widgets.VBox([
            widgets.HTML("<h3>Wyniki ankiety samooceny</h3>"), widgets.HBox([self.measurement]), self.view,
            self.status, note, self.table_output, self.chart_output,
        ])


def evaluation_explorer(data: GminaData, measurement: str | None = None) -> widgets.Widget | HTML:
    """The evaluation explorer widget, ready to display in a notebook or the app."""
    if headless():
        return _headless_note("przeglądu wyników ankiety")
    return EvaluationExplorer(data, measurement).widget()
