"""Charts carry a Polish text alternative from drawing to the reader: the figure, the notebook output, the HTML
report's ``<img alt>``. WCAG 2.1 AA (ustawa o dostępności cyfrowej) applies to what a gmina publishes; nbconvert's
own default alt is English ("No description has been provided for this image") and says nothing."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import base64
import re

import nbformat
import pandas as pd
import pytest
from bs4 import BeautifulSoup
from matplotlib.figure import Figure

from pzk_kit import basket, read_gmina
from pzk_kit.basket.plots import draw_access, draw_coverage_heatmap, draw_gaps
from pzk_kit.figures import alt_text, describe, figure_png, show
from pzk_kit.runs.runner import export_html
from pzk_kit.workbook.example import example_dir

NBCONVERT_DEFAULT = "No description has been provided for this image"


@pytest.fixture(scope="module")
def data():
    return read_gmina(example_dir())


def _shown(monkeypatch, figure: Figure, alt: str | None = None) -> tuple[dict, dict]:
    """What ``show`` publishes: the display data and metadata a notebook stores."""
    import IPython.display

    published = []
    monkeypatch.setattr(IPython.display, "display", lambda obj: published.append(obj))
    show(figure, alt)
    (image,) = published
    data, metadata = image._repr_png_()
    return {"image/png": data}, {"image/png": metadata}


def test_show_publishes_the_figures_description_as_image_metadata(monkeypatch):
    figure = describe(Figure(), "Mapa współpracy, pomiar T1:  27 partnerów,\n71 powiązań")
    figure.add_subplot().plot([1, 2])
    data, metadata = _shown(monkeypatch, figure)
    assert base64.b64decode(data["image/png"]).startswith(b"\x89PNG")
    assert metadata["image/png"]["alt"] == "Mapa współpracy, pomiar T1: 27 partnerów, 71 powiązań"
    assert _shown(monkeypatch, figure, "Inny opis")[1]["image/png"]["alt"] == "Inny opis"


def test_an_undescribed_figure_is_named_by_its_titles():
    figure = Figure()
    figure.suptitle("Zmiana sieci")
    figure.add_subplot().set_title("T0", loc="left")
    assert alt_text(figure) == "Wykres: Zmiana sieci; T0"
    assert alt_text(Figure()) == "Wykres"


def _notebook_with_image(alt: str | None) -> nbformat.NotebookNode:
    figure = Figure(figsize=(1, 1))
    figure.add_subplot().plot([0, 1])
    output = nbformat.v4.new_output("display_data", data={
        "image/png": base64.b64encode(figure_png(figure, dpi=20)).decode(), "text/plain": "<Image>"},
        metadata={"image/png": {"alt": alt}} if alt is not None else {})
    cell = nbformat.v4.new_code_cell("show(rysunek)", outputs=[output])
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# Raport"), cell])
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return notebook


def test_report_template_writes_the_alt_escaped_and_never_the_english_default(tmp_path):
    alt = 'Mapa „Koło <b>&</b>” — 3 partnerów, "cudzysłów"'
    source = tmp_path / "raport.ipynb"
    nbformat.write(_notebook_with_image(alt), str(source))
    page = export_html(source, tmp_path / "raport.html", title="Raport").read_text(encoding="utf-8")
    soup = BeautifulSoup(page, "html.parser")
    (image,) = soup.find_all("img")
    assert image["alt"] == alt  # the attribute holds the text as typed: escaped, no markup, no broken quote
    assert image["src"].startswith("data:image/png;base64,iVBOR")
    assert not soup.select(".jp-OutputArea b") and re.search(r"<img [^>]*alt=", page)
    assert NBCONVERT_DEFAULT not in page
    nbformat.write(_notebook_with_image(None), str(source))  # a chart shown some other way: Polish, not English
    page = export_html(source, tmp_path / "raport.html", title="Raport").read_text(encoding="utf-8")
    assert BeautifulSoup(page, "html.parser").find("img")["alt"] == "Wykres" and NBCONVERT_DEFAULT not in page


def test_basket_charts_describe_coverage_gaps_and_access(data):
    services, _ = basket.coverage_matrix(data)
    needs = basket.needs_coverage(data)
    coverage = alt_text(draw_coverage_heatmap(services, needs))
    gaps = basket.gaps_table(data)
    assert coverage.startswith(f"Pokrycie potrzeb usługami: {services.shape[0]} obszarów potrzeb × "
                               f"{services.shape[1]} grup docelowych")
    assert (f"Potrzeby z diagnozy: {len(needs)}, pokryte: {int(needs['pokryta'].sum())}, luki ({len(gaps)}): "
            in coverage)
    first = gaps.iloc[0]
    described = alt_text(draw_gaps(gaps))
    assert described.startswith(f"Luki: potrzeby bez usługi, od najpilniejszych ({len(gaps)}): "
                                f"{first['Obszar potrzeb']} — {first['Grupa'].lower()} (priorytet "
                                f"{int(first['Priorytet'])}, {int(first['Liczba osób'])} os.)")
    barriers = basket.access_barriers(data)
    access = alt_text(draw_access(barriers))
    count = len(data.services)
    assert access.startswith(f"Jak mieszkaniec dostaje się do usługi — udział usług w koszyku ({count}).")
    free = barriers[(barriers["Wartość"] == "Bezpłatna")].iloc[0]
    assert f"Bezpłatna {free['Udział']:.0%} ({int(free['Usługi'])})".replace("%", " %") in access
    assert alt_text(draw_gaps(gaps.iloc[0:0])) == ("Luki: potrzeby bez usługi: Każda potrzeba z diagnozy ma co "
                                                   "najmniej jedną usługę.")
    assert "luk brak" in alt_text(draw_coverage_heatmap(services, needs.assign(pokryta=True)))
    assert pd.notna(first["Priorytet"])


def test_image_as_html_keeps_the_alt_for_renderers_that_ignore_metadata():
    from bs4 import BeautifulSoup

    from pzk_kit.figures import image_html

    png = figure_png(Figure(figsize=(1, 1)), dpi=10)
    (image,) = BeautifulSoup(str(image_html(png, 'Sieć „<script>x</script>” "A"')), "html.parser").find_all("img")
    assert image["alt"] == 'Sieć „<script>x</script>” "A"'
    assert base64.b64decode(image["src"].split(",", 1)[1]) == png
