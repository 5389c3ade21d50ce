"""The browser app for workshops (``pzk app``, Voila) and the trainers' JupyterLab (``pzk lab``).

Advisors project the app in a meeting room, often offline, and gmina staff use it without touching code. So the
app is only wiring: every number, table, figure and file comes from the same package functions the notebooks
call (reading, network, basket, evaluation, catalogue, summary, templates), and the widgets are those of
:mod:`pzk_kit.interactive`. Wording lives in ``data/app/teksty.csv``, the look in ``data/app/aplikacja.css``,
and the Voila page template (no CDN, Polish loading text) in ``data/app/jupyter/voila/templates/pzk``.

Downloads are ``<a download href="data:…">`` links built in memory: ipywidgets has no download widget, and a
data link needs neither a server route nor the internet.
"""

from __future__ import annotations

import base64
import contextlib
import functools
import html
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import ipywidgets as widgets
import pandas as pd

from pzk_kit import polish, texts
from pzk_kit.dictionaries import dictionary
from pzk_kit.files import atomic_file
from pzk_kit.reading import GminaData, read_gmina
from pzk_kit.resources import data_path
from pzk_kit.runner import NOTEBOOKS_DIR
from pzk_kit.schema import ColumnSpec, load_schema
from pzk_kit.text import normalize_code

APP_NOTEBOOK = NOTEBOOKS_DIR / "aplikacja.ipynb"
LAB_NOTEBOOKS = ("01_mapowanie_partnerow.ipynb", "02_koszyk_uslug.ipynb", "03_ewaluacja.ipynb")
DEFAULT_LAB_DIR = "pzk_zeszyty"
DEFAULT_APP_PORT = 8866
DEFAULT_LAB_PORT = 8888
INPUT_ENV = "PZK_APP_DANE"  # the gmina `pzk app INPUT` preloads, read by the app inside the Voila kernel
VOILA_TEMPLATE = "pzk"
START_TIMEOUT = 180  # seconds for a server to answer: first starts on a slow laptop import a lot
# A page's kernel lives while its page is open. Voila shuts it down when the page closes (a beacon on unload);
# a kernel with no page connected (a crashed tab, a plain HTTP request, a lost beacon) goes after this many
# seconds: a workshop room needs a few kernels, each ~100 MB. An open page keeps its kernel however long it idles.
KERNEL_IDLE_SECONDS = 300
KERNEL_IDLE_ENV = "PZK_APP_KERNEL_IDLE_SECONDS"  # overrides KERNEL_IDLE_SECONDS (tests: seconds)
TOKEN_PARAMETER = "token"
MAX_PROBLEM_ROWS = 300
UPLOAD_SUFFIXES = {".xlsx", ".xlsm"}
# A real gmina workbook is under 2 MB. Bigger uploads are refused at once: in the page before sending (the page
# template's script reads this limit from the app) and again here; config/voila.json caps a websocket message
# just above it, so nothing bigger reaches the kernel's memory.
MAX_UPLOAD_BYTES = 20 * 1024 * 1024
MIME = {
    ".html": "text/html",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".json": "application/json",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


# -- wording -------------------------------------------------------------------------------------------------------


@cache
def app_texts() -> dict[str, str]:
    """The app's Polish wording (``data/app/teksty.csv``): key → text, editable without touching code."""
    return texts.load("app")


def text(key: str, **values: object) -> str:
    """A text with ``{name}`` placeholders filled; values are inserted as given (escape them first if needed)."""
    return texts.fill(app_texts()[key], **values)


@cache
def app_css() -> str:
    return data_path("app", "aplikacja.css").read_text(encoding="utf-8")


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
    message = text("za_duzy_plik", nazwa="{nazwa}", rozmiar="{rozmiar}", limit=_size_text(MAX_UPLOAD_BYTES))
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


def _size_text(size: int) -> str:
    if size < 1024 * 1024:
        return f"{max(1, round(size / 1024))} kB"
    return f"{polish.comma(size / (1024 * 1024), '.1f')} MB"


# -- the gmina's data back as workbook rows ------------------------------------------------------------------------


def _cell(column: ColumnSpec, value: Any) -> Any:
    """One typed value back as a user types it: dictionary labels, dates as dates, "nie wiem" for don't know."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and pd.isna(value):
        return None
    if column.kind == "multidict":
        labels = dictionary(column.dictionary)
        return "; ".join(labels.label(code) for code in value) or None
    if column.kind == "dict":
        return dictionary(column.dictionary).label(value)
    if column.kind == "date":
        return value.date() if isinstance(value, pd.Timestamp) else value
    if column.kind == "survey_item":
        from pzk_kit.cells import DONT_KNOW

        return "nie wiem" if int(value) == DONT_KNOW else int(value)
    if column.kind in {"int", "scale"}:
        return int(value)
    return value


def workbook_rows(data: GminaData) -> dict[str, list[list[Any]]]:
    """The gmina's data as rows for :func:`pzk_kit.templates.write_filled_workbook` (template column order).

    Sheets not collected yet are left out, so the filled workbook shows the template's example row there, as a
    blank template would: the next person to fill them sees what is expected.
    """
    rows: dict[str, list[list[Any]]] = {}
    for spec in load_schema().values():
        if spec.name == "gmina":
            rows["gmina"] = [[c.name, _cell(c, data.info.get(c.name))] for c in spec.columns
                             if data.info.get(c.name) not in (None, "")]
            continue
        if not data.has(spec.name):
            continue
        frame = data.table(spec.name)
        columns = [(c, frame[c.name].tolist()) for c in spec.columns]
        rows[spec.name] = [[_cell(c, values[i]) for c, values in columns] for i in range(len(frame))]
    return rows


def filled_workbook_name(data: GminaData) -> str:
    return f"{normalize_code(data.name) or 'gmina'}.xlsx"


# -- files offered for download ------------------------------------------------------------------------------------


@dataclass
class Offered:
    """One downloadable file: made in memory, or unavailable with the reason in Polish."""

    key: str
    filename: str
    content: bytes | None = None
    reason: str | None = None

    @property
    def available(self) -> bool:
        return self.content is not None

    def link(self) -> str:
        title = html.escape(text(f"plik_{self.key}"))
        if not self.available:
            return f'<span class="pzk-download pzk-disabled" title="{title}">{html.escape(text("pobierz"))}</span>'
        mime = MIME.get(Path(self.filename).suffix, "application/octet-stream")
        encoded = base64.b64encode(self.content or b"").decode("ascii")
        return (f'<a class="pzk-download" download="{html.escape(self.filename)}" title="{title}" '
                f'data-plik="{html.escape(self.filename)}" href="data:{mime};base64,{encoded}">'
                f'{html.escape(text("pobierz"))} {html.escape(self.filename)}</a>')

    def row(self) -> str:
        size = _size_text(len(self.content)) if self.content is not None else ""
        detail = (html.escape(text(f"plik_{self.key}_opis")) if self.available
                  else html.escape(text("plik_niedostepny", powod=self.reason or "")))
        return (f'<tr><td class="pzk-file-name">{html.escape(text(f"plik_{self.key}"))}<br>'
                f'<small style="font-weight:normal">{detail}</small></td>'
                f'<td class="pzk-file-size">{size}</td><td>{self.link()}</td></tr>')


def _write_catalogue_html(data: GminaData, folder: Path) -> Path:
    from pzk_kit.catalogue import write_catalogue_html

    return write_catalogue_html(data, folder / "katalog_uslug.html")


def _write_catalogue_docx(data: GminaData, folder: Path) -> Path:
    from pzk_kit.catalogue import write_catalogue_docx

    return write_catalogue_docx(data, folder / "katalog_uslug.docx")


def _write_report(data: GminaData, folder: Path) -> Path:
    # Imported late on purpose: the council report is a separate part of the kit and may be absent.
    from pzk_kit.report import write_report_docx  # type: ignore[import-not-found]

    result = write_report_docx(data, folder / "raport.docx")
    return Path(result) if result else folder / "raport.docx"


def _write_summary(data: GminaData, folder: Path) -> Path:
    from pzk_kit.summary import build_summary, write_summary

    return write_summary(build_summary(data), folder)


def _write_workbook(data: GminaData, folder: Path) -> Path:
    from pzk_kit.templates import write_filled_workbook

    return write_filled_workbook(workbook_rows(data), folder / filled_workbook_name(data))


FILE_MAKERS: tuple[tuple[str, Callable[[GminaData], str], Callable[[GminaData, Path], Path]], ...] = (
    ("katalog_html", lambda _d: "katalog_uslug.html", _write_catalogue_html),
    ("katalog_docx", lambda _d: "katalog_uslug.docx", _write_catalogue_docx),
    ("raport", lambda _d: "raport.docx", _write_report),
    ("summary", lambda _d: "summary.json", _write_summary),
    ("skoroszyt", filled_workbook_name, _write_workbook),
)


def make_file(key: str, data: GminaData) -> Offered:
    """Produce one offered file in a private temporary folder and keep its bytes."""
    name_of, writer = next((n, w) for k, n, w in FILE_MAKERS if k == key)
    filename = name_of(data)
    if key.startswith("katalog") and not data.has("uslugi"):
        return Offered(key, filename, reason=text("powod_brak_uslug"))
    with tempfile.TemporaryDirectory(prefix="pzk_app_") as folder:
        try:
            path = writer(data, Path(folder))
            return Offered(key, filename, content=Path(path).read_bytes())
        except ImportError:
            return Offered(key, filename, reason=text("powod_brak_modulu"))
        except Exception as error:  # a file that cannot be made must not take the other files down
            return Offered(key, filename, reason=text("powod_blad", powod=f"{type(error).__name__}: {error}"))


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

    TAB_KEYS = ("mapa", "koszyk", "ewaluacja", "pliki")

    def __init__(self, preload: str | Path | None = None) -> None:
        self.data: GminaData | None = None
        self.upload_dir: Path | None = None
        self.explorer = None
        self.finder = None
        self.files: dict[str, Offered] = {}
        self.upload = widgets.FileUpload(accept=".xlsx,.xlsm", multiple=False, icon="",
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
            self._error(text("za_duzy_plik", nazwa=html.escape(safe_name), rozmiar=_size_text(len(content)),
                             limit=_size_text(MAX_UPLOAD_BYTES)))
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
        from pzk_kit.example import example_dir

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
                   "pliki": self._files_tab}[key]
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
        from pzk_kit.interactive import NetworkExplorer

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
        from pzk_kit import basket, basket_plots
        from pzk_kit.interactive import ServiceFinder

        parts: list[widgets.Widget] = [_heading(text("koszyk_liczby")),
                                       _table(basket.summary_table(basket.basket_summary(data)))]
        services_per_cell, _providers = basket.coverage_matrix(data)
        needs = basket.needs_coverage(data) if data.has("potrzeby") else None
        summary = basket.basket_summary(data)
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
        self.finder = ServiceFinder(data)
        parts.append(self.finder.widget())
        box.children = tuple(parts)

    def _evaluation_tab(self, data: GminaData, box: widgets.VBox) -> None:
        if not data.has("ankieta"):
            box.children = (_note(html.escape(text("ewaluacja_brak"))),)
            return
        from pzk_kit import evaluation, evaluation_plots
        from pzk_kit.interactive import EvaluationExplorer

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
        )

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


# -- starting the servers ------------------------------------------------------------------------------------------


def port_is_free(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])


def choose_port(asked: int | None, default: int) -> int:
    """The asked port as is (its owner gets a clear error later); else the default when free, else any free."""
    if asked is not None:
        return asked
    return default if port_is_free(default) else free_port()


def voila_command(port: int, notebook: Path = APP_NOTEBOOK, kernel_idle: int = KERNEL_IDLE_SECONDS) -> list[str]:
    """Voila on the app notebook: local address only, no browser of its own, no CDN, Polish page template.

    Kernels of pages nobody has open are culled after ``kernel_idle`` seconds (jupyter_server's culler; an open
    page keeps its kernel, ``cull_connected`` stays off). The token and the local-Host check come from config
    files (:func:`voila_environment`), so the token never shows in the process list.
    """
    interval = max(1, min(60, kernel_idle // 3))
    return [
        sys.executable, "-m", "voila", str(notebook), "--no-browser", f"--port={port}", "--Voila.ip=127.0.0.1",
        "--Voila.port_retries=0", f"--template={VOILA_TEMPLATE}", "--theme=light",
        "--VoilaConfiguration.show_tracebacks=False", "--VoilaExporter.language_code=pl", "--Voila.log_level=WARN",
        f"--MappingKernelManager.cull_idle_timeout={kernel_idle}", f"--MappingKernelManager.cull_interval={interval}",
        "--MappingKernelManager.cull_connected=False", "--MappingKernelManager.cull_busy=False",
    ]


def write_token_config(folder: Path, token: str) -> Path:
    """A private ``voila.json`` holding the app's token (Voila's own ``Voila.token``); returns its folder.

    ``folder`` must be private (``tempfile.mkdtemp``): whoever reads the token can use the app.
    """
    with atomic_file(folder / "voila.json", overwrite=True) as tmp:
        tmp.write_text(json.dumps({"Voila": {"token": token}}), encoding="utf-8")
    return folder


def voila_environment(preload: Path | None, token_config: Path | None = None) -> dict[str, str]:
    """The environment of the Voila server (inherited by its kernels): our template and config on the Jupyter path.

    ``config/voila.json`` sets what a local workshop server needs: requests whose ``Host`` is not
    localhost/127.0.0.1/[::1] get 403 (jupyter_server's ``check_host``; Voila itself allows any Host, which
    lets a web page reach the app by DNS rebinding), a websocket message limit just above the upload limit
    (uploads travel over the kernel's websocket) and no files served from the notebook folder (the app's images
    are data links). ``token_config`` is the folder of :func:`write_token_config`.
    """
    env = dict(os.environ)
    own = str(data_path("app", "jupyter"))
    env["JUPYTER_PATH"] = os.pathsep.join(p for p in (own, env.get("JUPYTER_PATH", "")) if p)
    config = [str(token_config)] if token_config is not None else []
    config.append(str(data_path("app", "jupyter", "config")))
    env["JUPYTER_CONFIG_PATH"] = os.pathsep.join(p for p in (*config, env.get("JUPYTER_CONFIG_PATH", "")) if p)
    env["MPLBACKEND"] = "Agg"
    env["PYTHONIOENCODING"] = "utf-8"
    env.pop(KERNEL_IDLE_ENV, None)
    if preload is not None:
        env[INPUT_ENV] = str(preload)
    else:
        env.pop(INPUT_ENV, None)
    return env


def kernel_idle_seconds() -> int:
    """``$PZK_APP_KERNEL_IDLE_SECONDS`` when it is a positive whole number, else :data:`KERNEL_IDLE_SECONDS`."""
    value = os.environ.get(KERNEL_IDLE_ENV, "").strip()
    return int(value) if value.isdigit() and int(value) > 0 else KERNEL_IDLE_SECONDS


def lab_command(folder: Path, port: int, token: str, open_browser: bool) -> list[str]:
    command = [
        sys.executable, "-m", "jupyterlab", f"--ServerApp.root_dir={folder}", "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}", "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}",
        "--ServerApp.log_level=WARN",
        # Offline meeting rooms: no extension manager querying PyPI, no news feed, no update check.
        "--LabApp.extension_manager=readonly", "--LabApp.news_url=None",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        # The kit's defaults (Polish menus from jupyterlab-language-pack-pl-PL, no news question): overrides in a
        # folder of the kit, not in the trainer's own Jupyter settings, which can still change them.
        f"--LabApp.app_settings_dir={data_path('app', 'jupyter', 'lab', 'settings')}",
    ]
    if not open_browser:
        command.append("--no-browser")
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")  # containers and CI run as root; Jupyter refuses that by default
    return command


def wait_until_answers(url: str, process: subprocess.Popen | None = None, timeout: float = START_TIMEOUT) -> bool:
    """True once ``url`` answers over HTTP (any status); False when the process died or time ran out."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            return False
        try:
            with urllib.request.urlopen(url, timeout=2):
                return True
        except urllib.error.HTTPError:
            return True
        except (urllib.error.URLError, OSError):
            time.sleep(0.2)
    return False


def prepare_lab_dir(folder: Path) -> tuple[list[str], list[str]]:
    """Copy the workshop notebooks into ``folder``; a copy already there (maybe edited) is never replaced.

    Returns the names copied now and the names kept as they were.
    """
    folder.mkdir(parents=True, exist_ok=True)
    copied, kept = [], []
    for name in LAB_NOTEBOOKS:
        target = folder / name
        if target.exists():
            kept.append(name)
            continue
        with atomic_file(target) as tmp:
            shutil.copyfile(NOTEBOOKS_DIR / name, tmp)
        copied.append(name)
    return copied, kept


def _print(message: str = "") -> None:
    from pzk_kit.cli import _print as cli_print

    cli_print(message)


def _serve(command: list[str], env: dict[str, str], cwd: Path, url: str, ready_lines: list[str],
           open_url: str | None, log_path: Path) -> int:
    """Run a server until Ctrl+C: print ``ready_lines`` once ``url`` answers, stop the server cleanly at the end."""
    posix = os.name == "posix"
    with log_path.open("wb") as log:
        process = subprocess.Popen(command, env=env, cwd=cwd, stdout=log, stderr=subprocess.STDOUT,
                                   start_new_session=posix)

    def stop(*_args: object) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, stop) if posix else None
    try:
        if not wait_until_answers(url, process):
            _print("Serwer nie wystartował. Ostatnie komunikaty:")
            _print(_tail(log_path))
            return 1
        for line in ready_lines:
            _print(line)
        if open_url:
            import webbrowser

            webbrowser.open(open_url)
        return _exit_status(process.wait())
    except KeyboardInterrupt:
        _print("Zatrzymuję…")
        return 0
    finally:
        if process.poll() is None:
            if posix:
                process.terminate()  # Voila and Jupyter shut their kernels down on SIGTERM
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=30)
            if process.poll() is None:
                process.kill()
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
        _print("Zatrzymano.")


def _exit_status(code: int) -> int:
    return 0 if code in (0, -signal.SIGTERM, -signal.SIGINT) else 1


def _tail(path: Path, lines: int = 25) -> str:
    try:
        return "\n".join(path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def run_app(preload: str | None, port: int | None, open_browser: bool) -> int:
    """``pzk app``: start Voila on the app notebook and keep it running until Ctrl+C."""
    preload_path = None
    if preload:
        preload_path = Path(preload).resolve()
        if not preload_path.exists():
            _print(f"Nie ma pliku ani folderu „{preload}”. Podaj skoroszyt .xlsx albo folder z plikami CSV "
                   "albo uruchom samo: pzk app")
            return 2
    chosen = choose_port(port, DEFAULT_APP_PORT)
    if not port_is_free(chosen):
        _print(f"Port {chosen} jest zajęty (może aplikacja już działa?). Wybierz inny, np.: pzk app --port "
               f"{free_port()}")
        return 1
    base = f"http://127.0.0.1:{chosen}/"
    token = secrets.token_urlsafe(24)
    url = f"{base}?{TOKEN_PARAMETER}={token}"
    log_dir = Path(tempfile.mkdtemp(prefix="pzk_app_"))
    _print("Uruchamiam aplikację PZK (pierwsze uruchomienie może potrwać do minuty)…")
    lines = [f"Aplikacja PZK działa pod adresem: {url}",
             "Otwórz ten adres w przeglądarce (działa bez internetu). Klucz w adresie wpuszcza tylko Ciebie — "
             "nie udostępniaj go. Zatrzymanie: Ctrl+C."]
    if preload_path is not None:
        lines.insert(1, f"Wczytane dane: {preload_path}")
    env = voila_environment(preload_path, write_token_config(log_dir, token))
    try:
        # Readiness is polled on the address without the token: it answers with the login page and starts no
        # kernel (with the token every poll would run the whole app).
        return _serve(voila_command(chosen, kernel_idle=kernel_idle_seconds()), env, APP_NOTEBOOK.parent,
                      base, lines, url if open_browser else None, log_dir / "voila.log")
    finally:
        shutil.rmtree(log_dir, ignore_errors=True)


def run_lab(folder: str | None, port: int | None, open_browser: bool) -> int:
    """``pzk lab``: JupyterLab on a working copy of the notebooks, never on the installed originals."""
    import secrets

    target = Path(folder or DEFAULT_LAB_DIR).resolve()
    if target.exists() and not target.is_dir():
        _print(f"„{target}” to plik, a nie folder. Podaj folder na zeszyty, np.: pzk lab {DEFAULT_LAB_DIR}")
        return 2
    copied, kept = prepare_lab_dir(target)
    _print(f"Zeszyty w folderze: {target}")
    for name in copied:
        _print(f"  skopiowano: {name}")
    for name in kept:
        _print(f"  zostawiono Twoją wersję: {name} (nie nadpisuję; usuń plik, aby dostać świeżą kopię)")
    chosen = choose_port(port, DEFAULT_LAB_PORT)
    if not port_is_free(chosen):
        _print(f"Port {chosen} jest zajęty. Wybierz inny, np.: pzk lab --port {free_port()}")
        return 1
    token = secrets.token_hex(16)
    base = f"http://127.0.0.1:{chosen}/"
    url = f"{base}lab?token={token}"
    log_dir = Path(tempfile.mkdtemp(prefix="pzk_lab_"))
    _print("Uruchamiam JupyterLab…")
    lines = [f"JupyterLab działa pod adresem: {url}",
             "Zeszyt uruchomisz w menu Uruchom → Uruchom wszystkie komórki. Zatrzymanie: Ctrl+C."]
    env = dict(os.environ)
    env["PYTHONIOENCODING"] = "utf-8"
    try:
        # JupyterLab opens the browser itself (with the token) when allowed; we only wait for it to answer.
        return _serve(lab_command(target, chosen, token, open_browser), env, target, f"{base}api/status", lines,
                      None, log_dir / "jupyterlab.log")
    finally:
        shutil.rmtree(log_dir, ignore_errors=True)

