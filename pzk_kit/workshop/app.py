"""The browser app for workshops (``pzk app``, Voila): its widgets, shown by ``notebooks/aplikacja.ipynb``.

Advisors project the app in a meeting room, often offline, and gmina staff use it without touching code. So the
app is only wiring: every number, table, figure and file comes from the same package functions the notebooks
call (reading, network, basket, evaluation, catalogue, summary, templates), and the widgets are those of
:mod:`pzk_kit.workshop.interactive`.

The rest of the app has its own modules: the wording and look (:mod:`pzk_kit.workshop.wording`), the gmina's data as
workbook rows (:mod:`pzk_kit.workshop.workbook_rows`), the files offered for download
(:mod:`pzk_kit.workshop.downloads`), the Voila and JupyterLab servers of ``pzk app`` and ``pzk lab``
(:mod:`pzk_kit.workshop.servers`) and the Polish login page (:mod:`pzk_kit.workshop.login`). Their public names are
importable from here too, as they were before the split.
"""

from __future__ import annotations

import contextlib
import functools
import html
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import ipywidgets as widgets
import pandas as pd

from pzk_kit import polish
from pzk_kit.files import atomic_file
from pzk_kit.workbook.reading import GminaData, read_gmina
from pzk_kit.workbook.sources import WORKBOOK_SUFFIXES
from pzk_kit.workshop.downloads import FILE_MAKERS, MIME, Offered, forms_file, make_file
from pzk_kit.workshop.servers import (
    APP_NOTEBOOK,
    DEFAULT_APP_PORT,
    DEFAULT_LAB_DIR,
    DEFAULT_LAB_PORT,
    INPUT_ENV,
    KERNEL_IDLE_ENV,
    KERNEL_IDLE_SECONDS,
    LAB_NOTEBOOKS,
    START_TIMEOUT,
    TOKEN_PARAMETER,
    VOILA_TEMPLATE,
    choose_port,
    free_port,
    kernel_idle_seconds,
    lab_command,
    port_is_free,
    prepare_lab_dir,
    run_app,
    run_lab,
    voila_command,
    voila_environment,
    wait_until_answers,
    write_token_config,
)
from pzk_kit.workshop.wording import app_css, app_texts, size_text, text
from pzk_kit.workshop.workbook_rows import filled_workbook_name, workbook_rows

# Names that moved to the modules above and that tests, notebooks and the command import from here.
__all__ = [
    "APP_NOTEBOOK", "DEFAULT_APP_PORT", "DEFAULT_LAB_DIR", "DEFAULT_LAB_PORT", "FILE_MAKERS", "INPUT_ENV",
    "KERNEL_IDLE_ENV", "KERNEL_IDLE_SECONDS", "LAB_NOTEBOOKS", "MAX_PROBLEM_ROWS", "MAX_UPLOAD_BYTES", "MIME",
    "START_TIMEOUT", "TOKEN_PARAMETER", "UPLOAD_SUFFIXES", "VOILA_TEMPLATE", "Offered", "WorkshopApp", "app",
    "app_css", "app_texts", "choose_port", "filled_workbook_name", "free_port", "kernel_idle_seconds",
    "lab_command", "make_file", "port_is_free", "prepare_lab_dir", "read_gmina", "run_app", "run_lab", "text",
    "voila_command", "voila_environment", "wait_until_answers", "workbook_rows", "write_token_config",
]

MAX_PROBLEM_ROWS = 300
UPLOAD_SUFFIXES = set(WORKBOOK_SUFFIXES)
# A real gmina workbook is under 2 MB. Bigger uploads are refused at once: in the page before sending (the page
# template's script reads this limit from the app) and again here; config/voila.json caps a websocket message
# just above it, so nothing bigger reaches the kernel's memory.
MAX_UPLOAD_BYTES = 20 * 1024 * 1024


# -- small pieces of the page --------------------------------------------------------------------------------------


def _upload_label_css() -> str:
    """The upload button's visible label: ipywidgets appends a file count ("(0)") that only confuses people."""
    label = text("przycisk_wczytaj").replace("\\", "").replace('"', "")
    return (".pzk-app .widget-upload { font-size: 0 !important; } "
            f'.pzk-app .widget-upload::before {{ content: "{label}"; font-size: 15px; }}')


def _upload_limit_html() -> str:
    """The upload limit and its Polish message for the page script (``templates/pzk/index.html.j2``).

    The script refuses a file over the limit before the browser reads and sends it (a 70 MB file would
    otherwise travel for minutes with nothing shown); it fills in ``{nazwa}`` and ``{rozmiar}`` as plain text.
    """
    message = text("za_duzy_plik", nazwa="{nazwa}", rozmiar="{rozmiar}", limit=size_text(MAX_UPLOAD_BYTES))
    return (f'<div class="pzk-upload-limit" hidden data-max-bytes="{MAX_UPLOAD_BYTES}" '
            f'data-message="{html.escape(message, quote=True)}"></div>')


def _busy_html(message: str) -> str:
    return f'<div class="pzk-busy"><div class="pzk-spinner"></div><span>{message}</span></div>'


def _note(message: str) -> widgets.HTML:
    return widgets.HTML(f'<div class="pzk-note">{message}</div>')


def _heading(title: str) -> widgets.HTML:
    return widgets.HTML(f"<h3>{html.escape(title)}</h3>")


def _table(frame: pd.DataFrame, caption: str | None = None) -> widgets.HTML:
    from pzk_kit.tables import table

    return widgets.HTML(table(frame, caption).to_html())


def _figure(figure, alt: str) -> widgets.HTML:
    """A matplotlib figure as an image with its Polish text alternative (the PNG the notebooks show)."""
    from pzk_kit.figures import figure_png, image_html

    return widgets.HTML(str(image_html(figure_png(figure), alt)))



# -- the app -------------------------------------------------------------------------------------------------------


def _guarded(method: Callable) -> Callable:
    """Widget callbacks never show a traceback: an unexpected error becomes a Polish sentence in the app."""

    @functools.wraps(method)
    def wrapper(self: WorkshopApp, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except Exception as error:
            if os.environ.get("PZK_DEBUG"):
                raise
            self.busy.value = ""
            self.message.value = (f'<span class="pzk-error">'
                                  f'{text("blad_zestawu", powod=html.escape(type(error).__name__ + ": " + str(error)))}'
                                  f"</span>")
            return None

    return wrapper


class WorkshopApp:
    """Choose a gmina (upload or example), see its validation, then the three steps in tabs and the files.

    Tabs other than the map are built when first opened, so a loaded gmina shows its map quickly; every step
    that takes time shows a spinner with what is being done.
    """

    TAB_KEYS = ("mapa", "koszyk", "ewaluacja", "zbieranie", "pliki")

    def __init__(self, preload: str | Path | None = None) -> None:
        self.data: GminaData | None = None
        self.upload_dir: Path | None = None
        self.explorer = None
        self.finder = None
        self.files: dict[str, Offered] = {}
        self.upload = widgets.FileUpload(accept=",".join(sorted(UPLOAD_SUFFIXES)), multiple=False, icon="",
                                         description=text("przycisk_wczytaj"), button_style="primary",
                                         layout=widgets.Layout(width="auto"))
        self.example_button = widgets.Button(description=text("przycisk_przyklad"), layout=widgets.Layout(width="auto"))
        self.busy = widgets.HTML()
        self.message = widgets.HTML()
        self.problems = widgets.Accordion(children=[widgets.HTML()], layout=widgets.Layout(display="none"))
        self.tab_boxes = {key: widgets.VBox() for key in self.TAB_KEYS}
        self.tabs = widgets.Tab(children=[self.tab_boxes[k] for k in self.TAB_KEYS],
                                layout=widgets.Layout(display="none"))
        self.tabs.titles = tuple(text(f"zakladka_{k}") for k in self.TAB_KEYS)
        self.built: set[str] = set()
        self.upload.observe(self._on_upload, names="value")
        self.example_button.on_click(lambda _button: self.load_example())
        self.tabs.observe(self._on_tab, names="selected_index")
        self._root = widgets.VBox([
            widgets.HTML(f"<style>{app_css()}{_upload_label_css()}</style>{_upload_limit_html()}"),
            widgets.HTML(f'<p class="pzk-lead">{text("wybor")}</p>'),
            widgets.HBox([self.upload, self.example_button, self.busy],
                         layout=widgets.Layout(align_items="center", grid_gap="12px")),
            self.message, self.problems, self.tabs,
        ])
        self._root.add_class("pzk-app")
        self.message.add_class("pzk-message")  # the page script shows "file too big" here
        if preload:
            self.load(Path(preload))

    def widget(self) -> widgets.Widget:
        return self._root

    # -- feedback ---------------------------------------------------------------------------------------------

    @contextlib.contextmanager
    def working(self, message: str) -> Iterator[None]:
        """Show a spinner with ``message`` while the block runs; the controls are disabled meanwhile."""
        self.busy.value = _busy_html(html.escape(message))
        self.upload.disabled = self.example_button.disabled = True
        try:
            yield
        finally:
            self.busy.value = ""
            self.upload.disabled = self.example_button.disabled = False

    def _error(self, message: str) -> None:
        self.message.value = f'<span class="pzk-error">{message}</span>'

    # -- choosing the gmina -----------------------------------------------------------------------------------

    @_guarded
    def _on_upload(self, change: dict) -> None:
        files = change["new"]
        if not files:
            return
        upload = files[0]
        name = str(upload["name"])
        content = bytes(upload["content"])
        self.upload.value = ()  # the same file, corrected in Excel, can be chosen again
        self.load_upload(name, content)

    @_guarded
    def load_upload(self, name: str, content: bytes) -> GminaData | None:
        """Read an uploaded workbook: written to a private temporary folder under its own name, then read."""
        safe_name = Path(name).name or "skoroszyt.xlsx"
        if Path(safe_name).suffix.lower() not in UPLOAD_SUFFIXES:
            self._forget_data()
            self._error(text("zly_plik", nazwa=html.escape(safe_name)))
            return None
        if len(content) > MAX_UPLOAD_BYTES:
            self._forget_data()
            self._error(text("za_duzy_plik", nazwa=html.escape(safe_name), rozmiar=size_text(len(content)),
                             limit=size_text(MAX_UPLOAD_BYTES)))
            return None
        if not content:
            self._forget_data()
            self._error(text("pusty_plik", nazwa=html.escape(safe_name)))
            return None
        if self.upload_dir is not None:
            shutil.rmtree(self.upload_dir, ignore_errors=True)
        self.upload_dir = Path(tempfile.mkdtemp(prefix="pzk_app_upload_"))
        path = self.upload_dir / safe_name
        with atomic_file(path, overwrite=True) as tmp:
            tmp.write_bytes(content)
        return self.load(path, shown_as=safe_name)

    @_guarded
    def load_example(self) -> GminaData | None:
        from pzk_kit.workbook.example import example_dir

        return self.load(example_dir(), shown_as=text("przyklad_zrodlo"))

    @_guarded
    def load(self, path: Path, shown_as: str | None = None) -> GminaData | None:
        """Read and check a gmina, show the problems, and open the tabs when the data are usable."""
        shown = html.escape(shown_as or str(path))
        self._forget_data()
        if not Path(path).exists():
            self._error(text("brak_pliku", zrodlo=shown))
            return None
        with self.working(text("wczytuje", zrodlo=shown_as or Path(path).name)):
            try:
                data = read_gmina(path)
            except Exception as error:  # read_gmina reports bad content; this is a file it could not open at all
                self._error(text("blad_odczytu", zrodlo=shown, powod=html.escape(str(error))))
                return None
            self._show_report(data, shown)
            if not data.report.ok:
                return data
            self.data = data
            self.tabs.selected_index = 0
            self.tabs.layout.display = None
            self._build_tab("mapa")
        return data

    def _forget_data(self) -> None:
        self.data = None
        self.explorer = self.finder = None
        self.files = {}
        self.built.clear()
        for box in self.tab_boxes.values():
            box.children = ()
        self.tabs.layout.display = "none"
        self.problems.layout.display = "none"
        self.message.value = ""

    def _show_report(self, data: GminaData, shown: str) -> None:
        report = data.report
        head = text("wczytano", gmina=html.escape(data.name), zrodlo=shown)
        if report.ok:
            self.message.value = f'{head} <span class="pzk-ok">{html.escape(text("dane_poprawne"))}</span>'
        else:
            self.message.value = (f'{head}<br><span class="pzk-error">'
                                  f'{text("dane_z_bledami", bledy=len(report.errors))}</span>')
        if not report.problems:
            return
        frame = report.to_frame()
        more = ""
        if len(frame) > MAX_PROBLEM_ROWS:
            more = f"<p>{text('uwagi_wiecej', liczba=len(frame) - MAX_PROBLEM_ROWS)}</p>"
            frame = frame.head(MAX_PROBLEM_ROWS)
        from pzk_kit.tables import table

        table_html = table(frame).to_html()
        self.problems.children = [widgets.HTML(f'<div class="pzk-problems">{table_html}{more}</div>')]
        counts = {severity: sum(p.severity.value == severity for p in report.problems)
                  for severity in ("błąd", "ostrzeżenie", "informacja")}
        self.problems.set_title(0, text("uwagi_tytul", bledy=counts["błąd"], ostrzezenia=counts["ostrzeżenie"],
                                        informacje=counts["informacja"]))
        self.problems.selected_index = None if report.ok else 0
        self.problems.layout.display = None

    # -- tabs -------------------------------------------------------------------------------------------------

    @_guarded
    def _on_tab(self, change: dict) -> None:
        index = change["new"]
        if index is None or self.data is None:
            return
        self._build_tab(self.TAB_KEYS[index])

    def _build_tab(self, key: str) -> None:
        if key in self.built or self.data is None:
            return
        box = self.tab_boxes[key]
        message = text("przygotowuje_zakladke", zakladka=text(f"zakladka_{key}"))
        box.children = (widgets.HTML(_busy_html(html.escape(message))),)
        builder = {"mapa": self._map_tab, "koszyk": self._basket_tab, "ewaluacja": self._evaluation_tab,
                   "zbieranie": self._collection_tab, "pliki": self._files_tab}[key]
        with self.working(message):
            try:
                builder(self.data, box)
            except Exception:
                box.children = (_note(html.escape(text("zakladka_blad"))),)  # no spinner left turning forever
                raise
        # The page's title is an h1 and the tabs' sections are h3: each tab opens with an h2 (its name, shown
        # already by the tab itself, so read only by screen readers), and the headings nest without a gap.
        title = widgets.HTML(f'<h2 class="pzk-sr-only">{html.escape(text(f"zakladka_{key}"))}</h2>')
        box.children = (title, *box.children)
        self.built.add(key)

    def _map_tab(self, data: GminaData, box: widgets.VBox) -> None:
        from pzk_kit import network
        from pzk_kit.workshop.interactive import NetworkExplorer

        headline = network.composition_line(data, markup="html")  # the glossary's names, escaped
        counts = widgets.HTML(f'<p class="pzk-lead">{headline}</p>')
        self.explorer = NetworkExplorer(data)
        self.explorer.partner.layout.width = "620px"  # long institution names stay readable on a projector
        measures_title = widgets.HTML()
        measures = widgets.HTML()

        def show_measures(_change: object = None) -> None:
            measurement = self.explorer.measurement.value
            summary = network.network_summary(data, measurement, self.explorer.networks[measurement])
            measures_title.value = f"<h3>{html.escape(text('mapa_miary', pomiar=measurement))}</h3>"
            measures.value = _table(network.summary_table(summary)).value

        show_measures()
        self.explorer.measurement.observe(show_measures, names="value")
        parts: list[widgets.Widget] = [counts]
        if not data.has("wspolpraca"):
            parts.append(_note(html.escape(text("mapa_brak_wspolpracy"))))
        box.children = (*parts, self.explorer.widget(), measures_title, measures)

    def _basket_tab(self, data: GminaData, box: widgets.VBox) -> None:
        if not data.has("uslugi"):
            box.children = (_note(html.escape(text("koszyk_brak"))),)
            return
        from pzk_kit import basket
        from pzk_kit.basket import plots as basket_plots
        from pzk_kit.workshop.interactive import ServiceFinder

        summary = basket.basket_summary(data)
        parts: list[widgets.Widget] = [_heading(text("koszyk_liczby")), _table(basket.summary_table(summary))]
        services_per_cell, _providers = basket.coverage_matrix(data)
        needs = basket.needs_coverage(data) if data.has("potrzeby") else None
        alt = text("koszyk_pokrycie_opis", uslugi=summary["services"], pokryte=summary["needs_covered"],
                   potrzeby=summary["needs"], luki=len(summary["gaps"]))
        parts += [_heading(text("koszyk_pokrycie")),
                  _figure(basket_plots.draw_coverage_heatmap(services_per_cell, needs), alt)]
        parts.append(_heading(text("koszyk_luki")))
        if data.has("potrzeby"):
            gaps = basket.gaps_table(data)
            parts.append(_table(gaps) if len(gaps) else _note(html.escape(text("koszyk_bez_luk"))))
        else:
            parts.append(_note(html.escape(text("koszyk_bez_potrzeb"))))
        self.finder = ServiceFinder(data, on_case_added=self._case_added)
        parts.append(self.finder.widget())
        box.children = tuple(parts)

    def _case_added(self, _code: str) -> None:
        """An IPUS draft added a case to the data: the files offered so far describe the data without it, so the
        files tab is made again (from the current data) when it is next opened."""
        if "pliki" in self.built:
            self.built.discard("pliki")
            self.files = {}
            self.tab_boxes["pliki"].children = ()

    def _evaluation_tab(self, data: GminaData, box: widgets.VBox) -> None:
        from pzk_kit.workshop.plan_widget import PlanWidget

        plan = PlanWidget(data, source_data=data).widget()  # recommendations → the action plan, survey or not
        if not data.has("ankieta"):
            box.children = (_note(html.escape(text("ewaluacja_brak"))), plan)
            return
        from pzk_kit import evaluation
        from pzk_kit.evaluation import plots as evaluation_plots
        from pzk_kit.workshop.interactive import EvaluationExplorer

        summary = evaluation.evaluation_summary(data)
        counts = evaluation.respondents_line(summary, markup="html")
        hidden = summary["suppressed"]
        listing = widgets.HTML("<ul>" + "".join(f"<li>{html.escape(line)}</li>" for line in hidden) + "</ul>"
                               if hidden else f"<p>{html.escape(text('ewaluacja_nic_ukrytego'))}</p>")
        suppressed = widgets.Accordion(children=[listing], selected_index=None)
        suppressed.set_title(0, text("ewaluacja_ukryte", liczba=len(hidden)))
        box.children = (
            widgets.HTML(f'<p class="pzk-lead">{text("ewaluacja_respondenci", liczby=counts)}</p>'),
            EvaluationExplorer(data).widget(),
            _heading(text("ewaluacja_radar")),
            _figure(evaluation_plots.draw_factor_radar(evaluation.factor_scores(data)), _radar_alt(data)),
            suppressed,
            plan,
        )

    def map_measurement(self, data: GminaData) -> str:
        """The app's measurement of the map: the one chosen on the map tab, else the run's default (the latest)."""
        if self.explorer is not None:
            return self.explorer.measurement.value
        from pzk_kit.measurement import resolve

        return resolve(data, None).network

    def _collection_tab(self, data: GminaData, box: widgets.VBox) -> None:
        """Who has described their cooperation in the app's measurement of the map, and who has not, by name.

        It follows the measurement chosen on the map tab, so the leader sees the response of the map on screen.
        """
        from pzk_kit.network import response

        content = widgets.VBox()
        forms = self.forms_download(data)

        def show(_change: object = None) -> None:
            measurement = self.map_measurement(data)
            status = response.response_status(data, measurement)
            parts: list[widgets.Widget] = [
                widgets.HTML(f"<p>{html.escape(text('zbieranie_wstep', pomiar=measurement))}</p>")]
            if not data.has("wspolpraca"):
                parts.append(_note(html.escape(text("zbieranie_brak_wspolpracy"))))
            elif not status.members:
                parts.append(_note(html.escape(text("zbieranie_brak_czlonkow"))))
            else:
                parts.append(widgets.HTML(f'<p class="pzk-lead">{response.status_line(status, markup="html")}</p>'))
                parts.append(_note(html.escape(text("zbieranie_wszyscy" if status.complete
                                                    else "zbieranie_niepelne"))))
                if status.non_respondents:
                    parts += [_heading(text("zbieranie_bez_odpowiedzi", liczba=len(status.non_respondents))),
                              _table(response.partners_table(data, status))]
                if status.respondents:
                    parts += [_heading(text("zbieranie_odpowiedzieli", liczba=len(status.respondents))),
                              _table(response.partners_table(data, status, answered=True))]
            parts.append(forms)
            content.children = tuple(parts)

        show()
        if self.explorer is not None:
            self.explorer.measurement.observe(show, names="value")
        box.children = (content,)

    def forms_download(self, data: GminaData) -> widgets.Widget:
        """``pzk formularze`` in the room: the partners' forms as one zip, made when the trainer asks for it."""
        button = widgets.Button(description=text("zbieranie_przycisk"), layout=widgets.Layout(width="auto"))
        place = widgets.HTML()

        def make(_button: object = None) -> None:
            button.disabled = True
            place.value = _busy_html(html.escape(text("zbieranie_przygotowuje")))
            self.forms_offered = offered = forms_file(data)
            place.value = f'<table class="pzk-files">{offered.row()}</table>'
            button.disabled = False

        button.on_click(make)
        self.forms_button = button
        return widgets.VBox([_heading(text("zbieranie_formularze")),
                             widgets.HTML(f"<p>{html.escape(text('zbieranie_formularze_opis'))}</p>"),
                             button, place])

    def _files_tab(self, data: GminaData, box: widgets.VBox) -> None:
        progress = widgets.IntProgress(value=0, min=0, max=len(FILE_MAKERS), bar_style="info")
        label = widgets.HTML()
        box.children = (widgets.HTML(f"<p>{html.escape(text('pliki_wstep'))}</p>"), progress, label)
        for number, (key, name_of, _writer) in enumerate(FILE_MAKERS, start=1):
            label.value = _busy_html(html.escape(text("pliki_przygotowuje", plik=name_of(data), numer=number,
                                                      razem=len(FILE_MAKERS))))
            self.files[key] = make_file(key, data)
            progress.value = number
        rows = "".join(offered.row() for offered in self.files.values())
        box.children = (widgets.HTML(f"<p>{html.escape(text('pliki_wstep'))}</p>"),
                        widgets.HTML(f'<table class="pzk-files">{rows}</table>'))


def _radar_alt(data: GminaData) -> str:
    """The radar chart in words: per measurement, the factors' mean and the lowest factor."""
    from pzk_kit.evaluation import factor_table

    table = factor_table(data)
    parts = []
    for measurement in [c for c in table.columns if c not in ("Czynnik", "Pasmo") and not str(c).startswith("Zmiana")]:
        shown = table[["Czynnik", measurement]].dropna()
        if shown.empty:
            parts.append(text("ewaluacja_radar_ukryty", pomiar=measurement))
            continue
        lowest = shown.loc[shown[measurement].astype(float).idxmin()]
        parts.append(text("ewaluacja_radar_pomiar", pomiar=measurement, czynniki=len(shown),
                          srednia=_decimal(float(shown[measurement].astype(float).mean())),
                          najnizszy=lowest["Czynnik"], wynik=_decimal(float(lowest[measurement]))))
    return text("ewaluacja_radar_opis", pomiary=" ".join(parts))


def _decimal(value: float) -> str:
    return polish.decimal(value)


def app(dane: str | Path | None = "") -> None:
    """Display the app (the whole of ``notebooks/aplikacja.ipynb``); ``dane`` or ``$PZK_APP_DANE`` preloads."""
    from IPython.display import display

    preload = dane or os.environ.get(INPUT_ENV) or None
    display(WorkshopApp(preload).widget())
