"""One glossary of headline figures (``data/miary.csv``): every output names and prints a figure the same way.

The unit tests pin the formats ("3,30", "28 %" with a definition in percent) and the data file's consistency; the
demo tests run ``pzk demo`` once and parse what a user reads — the console lines, ``raport.docx``, the notebooks'
HTML — checking that each figure's label comes from the glossary, that one label never shows two numbers, and that
the report speaks the evaluation's band words ("wymaga uwagi", never "wymaga działania").
"""

from __future__ import annotations

import contextlib
import csv
import html as html_module
import io
import re
from pathlib import Path

import pytest
from docx import Document

from pzk_kit import cli, evaluation, glossary, network
from pzk_kit.evaluation.instrument import load_instrument
from pzk_kit.resources import data_path, read_table
from pzk_kit.tables import polish_number, table
from pzk_kit.workbook.example import example_dir
from pzk_kit.workbook.reading import read_gmina

NBSP = "\u00a0"
OLD_BAND = "wymaga działania"


# -- the data file and the formats ----------------------------------------------------------------------------------


def test_formats_are_the_polish_printed_forms():
    assert glossary.fmt("factor_score", 3.3) == "3,30"  # one score format: two decimals, never "3,3"
    assert glossary.fmt("factor_score", 4.0) == "4,00"
    assert glossary.fmt("density", 0.2754) == f"28{NBSP}%"
    assert glossary.fmt("leader_reach", 1.0) == f"100{NBSP}%"
    assert glossary.fmt("mean_level", 2.5) == "2,50"
    assert glossary.fmt("degree_centralization", 0.8167) == "0,82"
    assert glossary.fmt("members", 24) == "24" and glossary.fmt("ties", 71.0) == "71"
    assert glossary.fmt("needs_covered", 11, of=15) == "11 z 15" == glossary.fmt("needs_covered", (11, 15))
    assert glossary.fmt("sectors_missing", ["Sport", "Kultura"]) == "Sport, Kultura"
    assert glossary.fmt("factor_score", None) == glossary.fmt("density", float("nan")) == "—"
    assert glossary.change("density", 0.034) == "▲ +3 pkt proc."
    assert glossary.change("factor_score", -0.2) == "▼ −0,20"
    assert glossary.change("ties", 13) == "▲ +13" and glossary.change("ties", 0) == "= bez zmian"


def test_every_figure_has_a_unique_label_a_known_format_and_a_definition_on_the_scale_shown():
    figures = glossary.figures()
    with data_path(glossary.FILE).open(encoding="utf-8", newline="") as handle:
        assert len(list(csv.DictReader(handle))) == len(figures)  # no duplicate code silently dropped
    labels = [f.label for f in figures.values()]
    assert len(labels) == len(set(labels)), "one label names one figure"
    for figure in figures.values():
        assert figure.format in glossary.FORMATS and figure.step in glossary.STEPS, figure.code
        assert figure.definition.endswith(".") and len(figure.definition) > 30, figure.code
        if figure.format == "procent":
            # shown as "28 %", so explained in percent, never on a 0–1 scale
            assert "%" in figure.definition, figure.code
            assert not re.search(r"\b[01] = |0–1|\b1 —", figure.definition), figure.code
    # the three counts of institutions are three figures with three names
    assert glossary.label("members") == "Członkowie PZK"
    assert glossary.label("partners") == "Instytucje na mapie"
    assert glossary.label("candidates") == "Kandydaci"
    # the summary.json figures (CONTRACT §3) all have their entry
    contract = ["partners", "ties", "density", "components", "isolates", "reciprocity", "degree_centralization",
                "leader_reach", "brokers", "mean_level", "sectors_present", "sectors_missing", "services", "needs",
                "needs_covered", "gaps", "single_provider_areas", "respondents"]
    assert [code for code in contract if code not in figures] == []


def test_scorecard_and_regional_columns_name_glossary_figures():
    for row in read_table("raport", "karta.csv"):
        assert row["miara"] in glossary.figures(), row["kod"]
    for row in read_table("szablony", "podsumowanie_kolumny.csv"):
        if row["miara"]:
            assert row["etykieta"] == glossary.label(row["miara"]), row["kolumna"]


def test_band_words_are_the_instruments():
    meta = load_instrument().meta
    assert glossary.bands() == {"mocna": meta["pasmo_mocna"], "obserwacja": meta["pasmo_obserwacja"],
                                "uwaga": meta["pasmo_uwaga"]}
    assert set(glossary.bands().values()) == {"mocna strona", "do obserwacji", "wymaga uwagi"}
    texts = "\n".join(row["tekst"] for row in read_table("raport", "teksty.csv"))
    assert OLD_BAND not in texts


# -- tables through the package functions ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def example():
    data = read_gmina(example_dir())
    assert data.report.ok
    return data


def _cells(styler) -> list[str]:
    return [html_module.unescape(c) for c in re.findall(r"<td[^>]*>([^<]*)</td>", styler.to_html())]


def test_score_tables_print_two_decimals(example):
    scores = _cells(table(evaluation.factor_table(example)))
    numbers = [c for c in scores if re.fullmatch(r"[\d,−]+", c)]
    assert numbers and all(re.fullmatch(r"\d,\d\d", c) for c in numbers), numbers
    change = evaluation.change(example, "T0", "T1")
    dialog = change.set_index("Czynnik").loc["Dialog"]
    assert polish_number(dialog["Zmiana"]) == "0,3"  # the generic form would drop the zero …
    assert "▲ +0,30" in _cells(table(change))  # … the glossary's does not
    sectors = evaluation.breakdown(example, "T1", "sektor").table
    shown = [c for c in _cells(table(sectors)) if re.fullmatch(r"[\d,]+", c)]
    assert shown and all(re.fullmatch(r"\d,\d\d", c) for c in shown), shown


def test_mean_ratings_in_the_partner_table_print_two_decimals(example):
    frame = network.partner_table(network.build_network(example, "T1")).drop(columns="Nazwa")
    frame = frame[["id", "Zaufanie innych", "Wartość wg innych"]]
    ratings = [c for c in _cells(table(frame)) if re.fullmatch(r"[\d,]+", c)]
    assert len(ratings) > 20 and all(re.fullmatch(r"\d,\d\d", c) for c in ratings), ratings
    assert any(polish_number(v) != glossary.fmt("trust_received", v) for v in frame["Zaufanie innych"].dropna())


def test_network_tables_use_the_glossary(example):
    summary = network.network_summary(example, "T1")
    rows = {r["Miara"]: (r["Wartość"], r["Co to znaczy"]) for r in network.summary_table(summary).to_dict("records")}
    value, meaning = rows["Gęstość sieci"]
    assert value == glossary.percent(summary["density"]) and value.endswith(f"{NBSP}%")
    assert "100 %" in meaning and "0 = " not in meaning
    assert rows["Instytucje na mapie"][0] == "27"
    change = network.compare_networks(example, network.build_network(example, "T0"),
                                      network.build_network(example, "T1"))
    cells = _cells(table(change.measures))
    assert [glossary.label(code) for code in network.COMPARED_MEASURES] == change.measures["Miara"].tolist()
    density = cells[cells.index("Gęstość sieci"):cells.index("Gęstość sieci") + 4]
    assert density[1].endswith(f"{NBSP}%") and density[3].endswith("pkt proc.")


def test_composition_line_names_each_count_once(example):
    line = network.composition_line(example, markup="html")
    pairs = dict(re.findall(r"([^·<>]+?): <b>([^<]*)</b>", line))
    assert {k.strip(): v for k, v in pairs.items()} == {
        "Lider PZK": "Centrum Usług Społecznych w Przykładowie", "Członkowie PZK": "24", "Kandydaci": "3",
        "Instytucje na mapie": "27", "Brakujące podstawowe sektory": "Sport"}
    assert all(label.strip() in {f.label for f in glossary.figures().values()} for label in pairs)


# -- the outputs of one demo run ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> tuple[Path, str]:
    out = tmp_path_factory.mktemp("slownik") / "demo"
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        assert cli.main(["demo", str(out)]) == 0
    return out, printed.getvalue()


def _docx_text(path: Path) -> str:
    document = Document(str(path))
    parts = [p.text for p in document.paragraphs]
    parts += [cell.text for grid in document.tables for row in grid.rows for cell in row.cells]
    return "\n".join(parts)


def _html_text(path: Path) -> str:
    return html_module.unescape(re.sub(r"<[^>]+>", " ", path.read_text(encoding="utf-8")))


def test_console_lines_use_the_glossary(demo):
    _, printed = demo
    assert "Instytucje na mapie: 27 · Liczba powiązań: " in printed
    assert "Usługi w koszyku: 53 · Potrzeby z diagnozy mające usługę: 11 z 15" in printed
    assert "Wypełnione ankiety samooceny: T0: 21, T1: 22" in printed
    assert "partnerzy 27" not in printed


def test_report_labels_come_from_the_glossary_and_bands_are_one_vocabulary(demo):
    out, _ = demo
    document = Document(str(out / "raport.docx"))
    labels = {f.label for f in glossary.figures().values()}
    card = next(t for t in document.tables if t.rows[0].cells[0].text == "Miara" and len(t.columns) == 4)
    rows = [[c.text for c in row.cells] for row in card.rows[1:] if len({c.text for c in row.cells}) > 1]
    expected = [glossary.label(row["miara"]) for row in read_table("raport", "karta.csv")]
    assert [row[0] for row in rows] == expected
    ratings = {row[3] for row in rows}
    assert ratings <= {*glossary.bands().values(), "—"} and glossary.bands()["uwaga"] in ratings
    by_label = {row[0]: row[1] for row in rows}
    assert by_label["Członkowie PZK"] == "24" and by_label["Kandydaci"] == "3"
    assert re.fullmatch(rf"\d+{NBSP}%", by_label["Wzajemność zgłoszeń"])
    # the network chapter's tables: composition and measures, every row label a glossary label
    composition = next(t for t in document.tables if t.rows[0].cells[0].text == "Lider PZK"
                       and any(r.cells[0].text == "Członkowie PZK" for r in t.rows))
    assert {r.cells[0].text: r.cells[1].text for r in composition.rows}["Członkowie PZK"] == "24"
    assert {r.cells[0].text for r in composition.rows} <= labels
    measures = next(t for t in document.tables
                    if [c.text for c in t.rows[0].cells][:2] == ["Miara", "T0"] or (len(t.columns) == 2
                    and t.rows[0].cells[0].text == "Miara"))
    assert {r.cells[0].text for r in measures.rows[1:]} <= labels
    basket = next(t for t in document.tables if t.rows[0].cells[0].text == glossary.label("services"))
    assert {r.cells[0].text for r in basket.rows} <= labels
    # factor scores: two decimals wherever the report shows one
    factors = next(t for t in document.tables if t.rows[0].cells[0].text == "Czynnik")
    scores = [c.text for r in factors.rows[1:] for c in r.cells[1:3]]
    assert scores and all(re.fullmatch(r"\d,\d\d", s) for s in scores), scores
    legend = next(p.text for p in document.paragraphs if p.text.startswith("Najważniejsze liczby"))
    assert all(band in legend for band in glossary.bands().values())


def _without_survey_items(text: str) -> str:
    """Survey items are the questionnaire's own words (one says "wymaga działania innej instytucji")."""
    for item in load_instrument().items:
        text = text.replace(item.text, "")
    return text


def test_no_output_says_wymaga_dzialania(demo):
    out, printed = demo
    texts = {"raport.docx": _docx_text(out / "raport.docx"), "konsola": printed}
    texts |= {path.name: _html_text(path) for path in out.glob("0*.html")}
    assert len(texts) == 5
    for name, text in texts.items():
        assert OLD_BAND not in _without_survey_items(text), name


def test_one_label_one_number_across_outputs(demo):
    """"Członkowie PZK" is 24 and "Instytucje na mapie" 27 in the notebook, the report and the console alike."""
    out, printed = demo
    mapping = _html_text(out / "01_mapowanie_partnerow.html")
    found: dict[str, set[str]] = {}
    for text in (mapping, _docx_text(out / "raport.docx").replace("\n", " "), printed):
        for code in ("members", "candidates", "partners"):
            for value in re.findall(rf"{re.escape(glossary.label(code))}:?\s+(\d+)\b", text):
                found.setdefault(code, set()).add(value)
    assert found == {"members": {"24"}, "candidates": {"3"}, "partners": {"27"}}
    evaluation_html = _html_text(out / "03_ewaluacja.html")
    assert "Wypełnione ankiety samooceny: T0: 21, T1: 22" in re.sub(r"\s+", " ", evaluation_html)
    cells = re.findall(r"<td[^>]*>\s*([^<]*?)\s*</td>", (out / "03_ewaluacja.html").read_text(encoding="utf-8"))
    one_decimal = [c for c in cells if re.fullmatch(r"(?:[▲▼] [+−])?−?\d,\d", c)]
    assert [c for c in cells if re.fullmatch(r"\d,\d\d", c)] and one_decimal == [], one_decimal
