"""The reports of one `pzk run` in a real browser: WCAG 2.1 AA (axe-core), text alternatives of every chart,
heading order and landmarks, and the widest table at 1024 px.

A gmina publishes these pages on its BIP, where the ustawa o dostępności cyfrowej requires WCAG 2.1 AA; trainers
open them on a 1024 px projector. The app page and podsumowanie.html are checked in their own test files.
"""

from __future__ import annotations

import itertools
import json
import re
from pathlib import Path

import pytest
from accessibility import assert_accessible
from test_app_browser import ARTIFACTS, browser  # noqa: F401  (the shared fixture)

from pzk_kit.runs import runner

pytestmark = [pytest.mark.browser, pytest.mark.slow]

EXAMPLE_XLSX = Path(__file__).resolve().parents[1] / "data" / "przyklad" / "gmina_przykladowa.xlsx"
NOTEBOOK_REPORTS = ["01_mapowanie_partnerow.html", "02_koszyk_uslug.html", "03_ewaluacja.html"]
REPORTS = [*NOTEBOOK_REPORTS, "katalog_uslug.html"]
CHARTS = {"01_mapowanie_partnerow.html": 5, "02_koszyk_uslug.html": 3, "03_ewaluacja.html": 3}
NBCONVERT_DEFAULT_ALT = "No description has been provided for this image"
PROJECTOR = {"width": 1024, "height": 900}


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dostepnosc") / "wyniki"
    runner.run_gmina(EXAMPLE_XLSX, out, cell_timeout=120)
    return out


@pytest.fixture
def open_report(browser, run_dir):  # noqa: F811
    pages = []

    def open_(name: str):
        page = browser.new_page(viewport=PROJECTOR)
        pages.append(page)
        page.goto((run_dir / name).as_uri())
        page.wait_for_load_state("load")
        return page

    yield open_
    for page in pages:
        page.close()


@pytest.mark.parametrize("name", REPORTS)
def test_report_has_no_wcag_21_aa_violations(open_report, name):
    assert_accessible(open_report(name), name)


@pytest.mark.parametrize("name", REPORTS)
def test_report_is_polish_titled_with_a_main_landmark_and_headings_that_never_skip(open_report, name):
    page = open_report(name)
    assert page.evaluate("document.documentElement.lang") == "pl"
    assert page.title().strip()
    assert page.locator("main").count() == 1
    levels = page.eval_on_selector_all("h1, h2, h3, h4, h5, h6", "els => els.map(e => Number(e.tagName[1]))")
    assert levels.count(1) == 1 and levels[0] == 1, levels
    skips = [(a, b) for a, b in itertools.pairwise(levels) if b > a + 1]
    assert not skips, f"{name}: heading levels jump {skips}"


@pytest.mark.parametrize("name", NOTEBOOK_REPORTS)
def test_every_chart_has_a_meaningful_polish_alt(open_report, run_dir, name):
    alts = open_report(name).eval_on_selector_all("img", "els => els.map(e => e.getAttribute('alt'))")
    assert len(alts) == CHARTS[name], alts
    for alt in alts:
        assert alt and alt.strip() and alt != NBCONVERT_DEFAULT_ALT, alts
        assert re.search(r"\d", alt), f"a chart's alt names its key numbers: {alt!r}"
        assert re.search(r"[ąćęłńóśźż]", alt), f"not Polish: {alt!r}"
    if name.startswith("01"):
        network = json.loads((run_dir / "summary.json").read_text(encoding="utf-8"))["network"]
        isolates = "brak izolowanych" if not network["isolates"] else "bez powiązań: " + ", ".join(network["isolates"])
        assert alts[0].startswith(f"Gmina Przykładowa — mapa współpracy, pomiar {network['measurement']}: "
                                  f"{network['partners']} partnerów, {network['ties']} powiązań, {isolates}.")


def test_partner_table_fits_a_1024_px_window(open_report):
    page = open_report("01_mapowanie_partnerow.html")
    table = page.locator("table", has=page.locator("th", has_text="Pośrednictwo"))
    assert table.count() == 1
    table.scroll_into_view_if_needed()
    ARTIFACTS.mkdir(exist_ok=True)
    table.screenshot(path=str(ARTIFACTS / "raport_01_tabela_partnerow_1024.png"))
    overflow = table.evaluate("""t => {
        const wide = [];
        for (let el = t; el; el = el.parentElement)
            if (el.scrollWidth > el.clientWidth + 1)
                wide.push(`${el.tagName}.${el.className}: ${el.scrollWidth} > ${el.clientWidth}`);
        return wide;
    }""")
    assert not overflow, overflow
    assert page.evaluate("document.documentElement.scrollWidth") <= PROJECTOR["width"]
    headers = table.locator("thead th").all_inner_texts()
    assert {"Zgłoszenia", "wysłane", "otrzymane", "razem", "1", "5"} <= {h.strip() for h in headers}
