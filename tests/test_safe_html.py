"""Script injection (issue 13, item 1): every HTML path shows the hostile corpus as plain text.

Each test feeds the payloads of ``tests/data/hostile/payloads.json`` (or the hostile gmina built from them) to one
path that makes HTML (tables, notebook outputs, Markdown, the app's widgets, the catalogue, the regional page,
the exported notebook reports), parses the result with :mod:`html.parser` and checks that nothing in it can run:
no ``<script>`` carrying a payload, no ``on…=`` handler, no ``javascript:`` link, no element a payload made up;
and that the payload is there as text. The plots get the same care for ``$``: a name is never mathtext.
"""

from __future__ import annotations

import base64
import importlib.util
import io
import json
import re
from html import escape as html_escape
from html.parser import HTMLParser
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from pzk_kit.safe_html import html, html_list, markdown_text, markup
from pzk_kit.tables import table

HOSTILE = Path(__file__).resolve().parent / "data" / "hostile"
PAYLOADS = json.loads((HOSTILE / "payloads.json").read_text(encoding="utf-8"))["payloads"]
ALL = [p["value"] for p in PAYLOADS]
SCRIPT = [p["value"] for p in PAYLOADS if p["class"] == "script"]
GMINA_NAME = "Gmina <script>alert('gmina')</script> Przykładowa"  # the hostile gmina's name (build.py)


class _Collector(HTMLParser):
    """Elements, attributes, script bodies and text of a page, as a browser's tokenizer sees them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.scripts: list[str] = []
        self.text: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, attrs))
        self._in_script = tag == "script"

    def handle_startendtag(self, tag, attrs):
        self.elements.append((tag, attrs))

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        (self.scripts if self._in_script else self.text).append(data)


def parse(page: str) -> _Collector:
    collector = _Collector()
    collector.feed(page)
    collector.close()
    return collector


def live_markup(page: str) -> list[str]:
    """Everything in ``page`` that could run a payload: empty for a safe page."""
    found = parse(page)
    problems = [f"raw payload {p!r}" for p in SCRIPT if "<" in p and p in page]
    problems += [f"<script> with {body.strip()[:60]!r}" for body in found.scripts if "alert(" in body]
    for tag, attrs in found.elements:
        # a data: page is the app's download of the catalogue: ``download`` saves it, it never opens in the app
        downloaded = any(k == "download" for k, _ in attrs)
        live = r"\s*(javascript|vbscript)" + ("" if downloaded else r"|\s*data")
        for name, value in attrs:
            value = value or ""
            if name.startswith("on") and "alert" in value:
                problems.append(f"handler {tag}@{name}={value!r}")
            if name in {"href", "action", "formaction", "xlink:href"} and re.match(live, value, flags=re.IGNORECASE):
                problems.append(f"live link {tag}@{name}={value!r}")
    return problems


def visible_text(page: str) -> str:
    return re.sub(r"\s+", " ", "".join(parse(page).text))


def shown(value: str) -> str:
    """A payload as a page shows it: whitespace runs as one space (HTML collapses them)."""
    return re.sub(r"\s+", " ", value).strip()


def _builder():
    spec = importlib.util.spec_from_file_location("hostile_build", HOSTILE / "build.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_scanner_finds_what_it_must():
    """The checks below mean something only if the scanner flags each payload left raw."""
    flagged = [p for p in SCRIPT if live_markup(f"<p>{p}</p>") or live_markup(f'<a href="{p}">x</a>')]
    assert len(flagged) >= 6, flagged  # only "{{7*7}} … $x^2$" and "[kliknij](javascript:…)" are inert as raw HTML
    assert live_markup(f"<p>{html_escape(SCRIPT[0])}</p>") == []


# -- the helper -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("payload", ALL)
def test_markup_and_list_show_every_payload_as_text(payload):
    page = (str(markup("<p><b>{}</b> {name}</p>", payload, name=payload)) + html_list([payload, "zwykły"]).data
            + html("<h3>{}</h3>", payload).data)
    assert live_markup(page) == []
    assert visible_text(page).count(shown(payload)) == 4


@pytest.mark.parametrize("payload", ALL)
def test_markdown_text_renders_literally_in_the_reports(payload):
    """The reports render Markdown outputs with nbconvert's mistune: the value comes out as typed."""
    from nbconvert.filters.markdown_mistune import markdown2html_mistune

    page = markdown2html_mistune(f"* **{markdown_text(payload)}** (priorytet wysoki)\n    * {markdown_text(payload)}")
    assert live_markup(page) == []
    tags = {tag for tag, _attrs in parse(page).elements}
    assert tags <= {"ul", "li", "strong"}, tags  # no link, image, heading, code, maths span from the value
    assert visible_text(page).count(shown(payload)) == 2


# -- tables (notebooks, the app, the validation report) ---------------------------------------------------------


def test_table_escapes_cells_headers_and_caption_and_keeps_polish_numbers():
    frame = pd.DataFrame({
        "Nazwa": SCRIPT,
        SCRIPT[1]: [2.5] * len(SCRIPT),  # a column named by the data (a partner, a sector, a measurement)
        "Kody": [[p] for p in SCRIPT],  # not a string: escaped after turning into text
    })
    page = table(frame, caption=SCRIPT[0]).to_html()
    assert live_markup(page) == []
    text = visible_text(page)
    for payload in SCRIPT:
        assert shown(payload) in text
    assert shown(SCRIPT[1]) in text.split("2,5")[0]  # the header, before the first number
    assert "2,5" in text and "2.5" not in text


def test_validation_report_quotes_a_hostile_cell_as_text(write_csv_gmina, gmina_rows, tmp_path):
    from pzk_kit.workbook.reading import read_gmina

    gmina_rows["partnerzy"][2][2] = "<img src=x onerror=alert('sektor')>"  # PUP's sector: not a sector
    gmina_rows["partnerzy"][3][1] = SCRIPT[0]
    report = read_gmina(write_csv_gmina(tmp_path / "g", gmina_rows)).report
    assert not report.ok
    page = report._repr_html_()
    assert live_markup(page) == []
    assert "<img src=x onerror=alert('sektor')>" in visible_text(page)


def test_recommendations_markdown_keeps_names_as_text():
    from nbconvert.filters.markdown_mistune import markdown2html_mistune

    from pzk_kit.evaluation.recommendations import Recommendation, recommendations_markdown

    found = [Recommendation("x", "siec", 1, SCRIPT[4], SCRIPT[7], SCRIPT)]
    page = markdown2html_mistune(recommendations_markdown(found))
    assert live_markup(page) == []
    elements = parse(page).elements
    assert {tag for tag, _ in elements} <= {"h3", "ul", "li", "strong", "a"}  # h3: under the notebook's h2
    assert all(dict(attrs)["href"].startswith("#") for tag, attrs in elements if tag == "a")  # heading anchors
    text = visible_text(page)
    assert all(shown(p) in text for p in SCRIPT)


# -- the app ----------------------------------------------------------------------------------------------------


def _html_values(widget) -> list[str]:
    values = [widget.value] if isinstance(getattr(widget, "value", None), str) else []
    for child in getattr(widget, "children", ()):
        values += _html_values(child)
    return values


@pytest.fixture
def quiet_explorers(monkeypatch):
    from pzk_kit.workshop import interactive

    monkeypatch.setattr(interactive, "show", lambda _figure, _alt: None)
    monkeypatch.setattr(interactive, "show_png", lambda _png, _alt: None)


def hostile_invalid_workbook() -> bytes:
    """The hostile workbook with a payload as a partner's sector: invalid, and the error quotes the payload."""
    workbook = openpyxl.load_workbook(HOSTILE / "gmina_wroga.xlsx")
    sheet = workbook["partnerzy"]
    column = next(cell.column for cell in sheet[1] if cell.value == "sektor")
    sheet.cell(row=3, column=column, value="<img src=x onerror=alert('sektor')>")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_app_shows_the_hostile_gmina_as_text_in_every_tab(quiet_explorers):
    from pzk_kit.workshop.app import WorkshopApp

    app = WorkshopApp(HOSTILE / "gmina_wroga.xlsx")
    assert app.data is not None, app.message.value
    for index in range(len(WorkshopApp.TAB_KEYS)):
        app.tabs.selected_index = index
    values = _html_values(app.widget())
    page = "\n".join(values)
    assert live_markup(page) == [], live_markup(page)
    assert shown(GMINA_NAME) in visible_text(page)
    assert len(values) > 20
    downloaded = [base64.b64decode(value.split(",", 1)[1]).decode("utf-8") for _tag, attrs in parse(page).elements
                  for name, value in attrs if name == "href" and value.startswith("data:text/html;base64,")]
    assert len(downloaded) == 1  # the catalogue, as the app offers it
    assert live_markup(downloaded[0]) == [] and shown(GMINA_NAME) in visible_text(downloaded[0])


def test_app_invalid_hostile_upload_shows_the_error_as_text(quiet_explorers):
    from pzk_kit.workshop.app import WorkshopApp

    app = WorkshopApp()
    data = app.load_upload("<svg onload=alert('plik')>.xlsx", hostile_invalid_workbook())
    assert data is not None and not data.report.ok
    page = "\n".join(_html_values(app.widget()))
    assert live_markup(page) == [], live_markup(page)
    text = visible_text(page)
    assert "<img src=x onerror=alert('sektor')>" in text
    assert "<svg onload=alert('plik')>.xlsx" in text and shown(GMINA_NAME) in text


# -- the catalogue and the regional page ------------------------------------------------------------------------


def test_catalogue_html_shows_hostile_values_as_text_and_links_only_safe_schemes(tmp_path):
    from pzk_kit.basket.catalogue import write_catalogue_html
    from pzk_kit.workbook.reading import read_gmina

    page = write_catalogue_html(read_gmina(HOSTILE / "gmina_wroga_csv"), tmp_path / "k.html").read_text("utf-8")
    assert live_markup(page) == []
    hrefs = [v for _tag, attrs in parse(page).elements for k, v in attrs if k == "href"]
    assert hrefs and all(re.match(r"(#|https?://|mailto:|tel:)", h or "") for h in hrefs), hrefs
    text = visible_text(page)
    assert shown(GMINA_NAME) in text and "javascript:alert('www')" in text  # shown, not linked
    assert sum(shown(p) in text for p in SCRIPT) >= 6


def test_regional_page_shows_hostile_names_and_errors_as_text():
    from pzk_kit.runs.regional import render_regional_html

    header = ["gmina", "nazwa", "partnerzy", "gestosc", "potrzeby", "potrzeby_pokryte"]
    rows = [[f"g{i}", p, 3, 0.5, 4, 2] for i, p in enumerate(SCRIPT)]
    rows.append(["g$", "Gmina $\\foo{$ i $x^2$", 3, 0.5, 4, 2])  # mathtext would stop the chart
    errors = [{"gmina": p, "etap": "walidacja", "komunikat": p} for p in SCRIPT]
    page = render_regional_html(header, rows, errors)
    assert live_markup(page) == []
    text = visible_text(page)
    assert all(shown(p) in text for p in SCRIPT)


# -- plots ------------------------------------------------------------------------------------------------------


def _texts_with_dollars(figure) -> list:
    from matplotlib.text import Text

    return [t for t in figure.findobj(Text) if "$" in t.get_text()]


def test_plot_labels_with_dollars_stay_literal():
    from pzk_kit import network
    from pzk_kit.figures import figure_png
    from pzk_kit.network import plots as network_plots
    from pzk_kit.runs.regional import comparison_figure
    from pzk_kit.workbook.example import example_dir
    from pzk_kit.workbook.reading import read_gmina

    data = read_gmina(example_dir())
    data.partners.loc[0, "nazwa"] = "Koło $\\foo{$ Gospodyń"  # not valid mathtext: an error before the fix
    net = network.build_network(data, "T1")
    ego = network_plots.draw_ego_network(net, data.partners.loc[0, "id"])
    whole = network_plots.draw_network(net.graph, leader=net.leader, title="Gmina $5 i $10")
    regional = comparison_figure([{"gmina": "g", "nazwa": "Gmina $a$ i $b$", "gestosc": 0.5, "potrzeby": 4,
                                   "potrzeby_pokryte": 2}])
    for figure in (ego, whole, regional):
        assert figure_png(figure).startswith(b"\x89PNG")
        texts = _texts_with_dollars(figure)
        assert texts and not any(t.get_parse_math() for t in texts)
    assert "Gmina $a$ i $b$" in [t.get_text() for t in _texts_with_dollars(regional)]


# -- the exported notebook reports (pzk run) --------------------------------------------------------------------


@pytest.fixture(scope="module")
def script_gmina(tmp_path_factory) -> Path:
    """The hostile gmina built by build.py from the script payloads only (this test's class, nothing else)."""
    builder = _builder()
    builder.payloads = lambda kind=None: SCRIPT
    return builder.write_csv_folder(tmp_path_factory.mktemp("wroga") / "gmina_skrypt", builder.hostile_rows())


@pytest.mark.slow
def test_notebook_reports_show_script_payloads_as_text(script_gmina, tmp_path):
    from pzk_kit.runs.runner import run_gmina

    out = tmp_path / "wyniki"
    run_gmina(script_gmina, out, cell_timeout=120)
    seen: set[str] = set()
    for name in ("01_mapowanie_partnerow.html", "02_koszyk_uslug.html", "03_ewaluacja.html", "katalog_uslug.html"):
        page = (out / name).read_text(encoding="utf-8")
        assert live_markup(page) == [], (name, live_markup(page))
        text = visible_text(page)
        assert shown(GMINA_NAME) in text, name
        seen |= {p for p in SCRIPT if shown(p) in text}
    assert seen == set(SCRIPT)
