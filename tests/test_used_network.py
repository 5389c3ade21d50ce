"""The declared map against the task teams (issue 18 part 3): pairs counted by hand, the measurement rule, the
example's figures, the report section, the overlay picture and hostile names."""

from __future__ import annotations

import copy
import zipfile
from pathlib import Path

import pytest
from docx import Document

from pzk_kit.evaluation.analysis import Analysis
from pzk_kit.evaluation.recommendations import recommendations
from pzk_kit.evaluation.report import build_report
from pzk_kit.figures import alt_text, figure_png
from pzk_kit.network import build_network, used
from pzk_kit.network.used_plots import draw_used_overlay
from pzk_kit.privacy import published
from pzk_kit.runs.summary import build_summary
from pzk_kit.workbook.example import example_dir
from pzk_kit.workbook.reading import read_gmina

HOSTILE = Path(__file__).parent / "data" / "hostile" / "gmina_wroga_csv"

CASES_HEADER = ["sprawa", "rodzaj", "data_zgloszenia", "data_pierwszej_uslugi", "partnerzy", "uslugi", "status",
                "pomiar"]


def tiny(gmina_rows, extra_id: str = "MOK") -> dict:
    """Five partners; T1 ties GOPS–PUP 4 (PUP says 2), GOPS–SP1 3, SP1–KPP 1, PUP–KPP 5, GOPS–MOK 0 (no tie);
    T0: GOPS–MOK 3. Cases T1: GOPS+PUP+MOK, GOPS+PUP, SP1+KPP; T0: PUP+SP1."""
    rows = copy.deepcopy(gmina_rows)  # the caller's rows stay the minimal gmina
    rows["partnerzy"].append([extra_id, "Miejski Ośrodek Kultury", "Kultura", "Partner", "Podpisana", "", ""])
    rows["wspolpraca"] = [
        ["od", "do", "poziom", "formy", "zaufanie", "wartosc", "pomiar"],
        ["GOPS", "PUP", "4", "", "", "", "T1"],
        ["PUP", "GOPS", "2", "", "", "", "T1"],
        ["GOPS", "SP1", "3", "", "", "", "T1"],
        ["SP1", "KPP", "1", "", "", "", "T1"],
        ["KPP", "PUP", "5", "", "", "", "T1"],
        ["GOPS", extra_id, "0", "", "", "", "T1"],
        ["GOPS", extra_id, "3", "", "", "", "T0"],
    ]
    rows["zespoly"] = [
        CASES_HEADER,
        ["S1", "Zespół zadaniowy", "2025-01-10", "2025-01-20", f"GOPS; PUP; {extra_id}", "", "Zakończona", "T1"],
        ["S2", "IPUS", "2025-02-10", "", "PUP; GOPS; PUP", "", "Otwarta", "T1"],
        ["S3", "Zespół zadaniowy", "2025-03-10", "2025-03-12", "SP1; KPP", "", "Zakończona", "T1"],
        ["S4", "Zespół zadaniowy", "2024-03-10", "2024-03-12", "PUP; SP1", "", "Zakończona", "T0"],
    ]
    return rows


@pytest.fixture
def tiny_data(tmp_path, write_csv_gmina, gmina_rows):
    data = read_gmina(write_csv_gmina(tmp_path / "g", tiny(gmina_rows)))
    assert data.report.ok, data.report.sorted()
    return data


@pytest.fixture(scope="module")
def example():
    return read_gmina(example_dir())


def test_pairs_counted_by_hand(tiny_data):
    assert used.used_pairs(tiny_data, "T1") == {("GOPS", "MOK"): 1, ("GOPS", "PUP"): 2, ("MOK", "PUP"): 1,
                                                ("KPP", "SP1"): 1}
    comparison = used.compare(tiny_data)  # latest = T1
    assert comparison.measurement == "T1" and comparison.cases == 3
    assert comparison.declared == {("GOPS", "PUP"): 4, ("GOPS", "SP1"): 3, ("KPP", "SP1"): 1, ("KPP", "PUP"): 5}
    assert comparison.confirmed == [("GOPS", "PUP"), ("KPP", "SP1")]
    assert comparison.paper == [("GOPS", "SP1"), ("KPP", "PUP")]  # level ≥ 3 only; SP1–KPP (1) is used anyway
    assert comparison.undeclared == [("GOPS", "MOK"), ("MOK", "PUP")]  # GOPS said 0 about MOK: no tie
    assert used.declared_vs_used(tiny_data) == {
        "measurement": "T1", "cases": 3, "used_ties": 4, "paper_ties": [["GOPS", "SP1"], ["KPP", "PUP"]],
        "undeclared_ties": [["GOPS", "MOK"], ["MOK", "PUP"]]}


def test_cases_of_another_measurement_are_ignored(tiny_data):
    # T0: the map has GOPS–MOK (3) only, the one T0 case joins PUP and SP1
    assert used.declared_vs_used(tiny_data, "T0") == {
        "measurement": "T0", "cases": 1, "used_ties": 1, "paper_ties": [["GOPS", "MOK"]],
        "undeclared_ties": [["PUP", "SP1"]]}
    # a prebuilt network decides the measurement, as Analysis passes it
    assert used.declared_vs_used(tiny_data, net=build_network(tiny_data, "T0"))["cases"] == 1
    assert Analysis(tiny_data, "T0").used_network.as_summary()["paper_ties"] == [["GOPS", "MOK"]]
    assert build_summary(tiny_data, "T0")["evaluation"]["used_network"]["undeclared_ties"] == [["PUP", "SP1"]]
    assert build_summary(tiny_data)["evaluation"]["used_network"]["used_ties"] == 4


def test_tables_name_partners_levels_and_reporters_never_case_codes(tiny_data):
    tables = used.used_tables(tiny_data)
    paper = tables["Tylko na papierze"]
    assert paper.to_dict("records") == [
        {"Partner A": "Gminny Ośrodek Pomocy Społecznej", "Partner B": "Szkoła Podstawowa nr 1",
         "Zgłoszony poziom": "3 — koordynacja", "Kto zgłosił": "Gminny Ośrodek Pomocy Społecznej"},
        {"Partner A": "Komenda Powiatowa Policji", "Partner B": "Powiatowy Urząd Pracy",
         "Zgłoszony poziom": "5 — kolaboracja", "Kto zgłosił": "Komenda Powiatowa Policji"}]
    undeclared = tables["Współpraca niezgłoszona na mapie"]
    assert list(undeclared["Liczba spraw"]) == [1, 1]
    assert list(undeclared["Partner B"]) == ["Miejski Ośrodek Kultury", "Powiatowy Urząd Pracy"]
    confirmed = tables["Potwierdzona w sprawach"]
    assert confirmed.to_dict("records")[0] == {
        "Partner A": "Gminny Ośrodek Pomocy Społecznej", "Partner B": "Powiatowy Urząd Pracy",
        "Zgłoszony poziom": "4 — koalicja", "Liczba spraw": 2}
    text = " ".join(str(v) for t in tables.values() for v in t.to_numpy().ravel())
    assert not any(code in text.split() for code in ("S1", "S2", "S3", "S4"))
    counts = used.counts_table(used.compare(tiny_data))
    assert list(counts["Liczba"]) == [3, 4, 2, 2, 2]


def test_not_collected_and_no_cases(tmp_path, write_csv_gmina, gmina_rows):
    data = read_gmina(write_csv_gmina(tmp_path / "g", gmina_rows))
    assert used.declared_vs_used(data) == {"measurement": None, "cases": 0, "used_ties": 0, "paper_ties": [],
                                           "undeclared_ties": []}
    assert "nie został jeszcze zebrany" in used.sentence(used.compare(data))
    rows = tiny(gmina_rows)
    rows["zespoly"] = [r for r in rows["zespoly"] if r[-1] != "T1"]  # only the T0 case left
    data = read_gmina(write_csv_gmina(tmp_path / "h", rows))
    comparison = used.compare(data)
    assert comparison.as_summary() == {"measurement": "T1", "cases": 0, "used_ties": 0, "paper_ties": [],
                                       "undeclared_ties": []}
    assert "nie ma spraw z pomiaru T1" in used.sentence(comparison)


def test_example_figures(example):
    t1 = used.declared_vs_used(example)
    assert (t1["measurement"], t1["cases"], t1["used_ties"], len(t1["paper_ties"])) == ("T1", 7, 28, 19)
    assert t1["undeclared_ties"] == [["BIBLIOTEKA", "PARAFIA"], ["BIBLIOTEKA", "SPZOZ"], ["CZP", "PSONI"],
                                     ["GOK", "SDS"], ["KPP", "PPP"], ["PARAFIA", "SPZOZ"]]
    assert ["CUS", "UG"] in t1["paper_ties"]
    t0 = used.declared_vs_used(example, "T0")
    assert (t0["cases"], t0["used_ties"], len(t0["paper_ties"])) == (5, 15, 8)
    assert t0["undeclared_ties"] == [["CUS", "WODOCIAGI"], ["WODOCIAGI", "ZGM"]]
    assert used.sentence(used.compare(example)).startswith("W pomiarze T1 rejestr zespołów liczy 7 spraw.")


def test_rule_fires_on_the_example_and_stays_silent_on_small_registers(example, tiny_data):
    found = {r.code: r for r in recommendations(example)}
    rule = found["tylko_na_papierze"]
    assert rule.step == "siec" and "19" in rule.text and "7 spraw" in rule.text
    assert rule.evidence[1:3] == ["BIBLIOTEKA – GOK (poziom 4)", "CUS – KGW (poziom 3)"]
    assert len(rule.evidence) == 20
    # two paper ties, three cases: below the rule's threshold
    assert "tylko_na_papierze" not in {r.code for r in recommendations(tiny_data)}
    # the powiat example has 2 cases: too few to judge
    powiat = read_gmina(example_dir("powiat_przykladowy"))
    assert "tylko_na_papierze" not in {r.code for r in recommendations(powiat)}


def _document_text(document) -> str:
    parts = [p.text for p in document.paragraphs]
    parts += [c.text for t in document.tables for row in t.rows for c in row.cells]
    return "\n".join(parts)


def test_report_section_lists_capped_with_the_rest_counted(example):
    document = build_report(example)
    text = _document_text(document)
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    network_end = headings.index("2. Lokalny koszyk usług")
    assert headings.index("Mapa zgłoszona a współpraca w zespołach — pomiar T1") < network_end
    assert "W pomiarze T1 rejestr zespołów liczy 7 spraw." in text
    assert "… i 9 więcej (pełna lista w zeszycie 01)." in text  # 19 paper ties, 10 printed
    assert "Z-2025-01" not in text  # case codes never printed
    titles = [shape._inline.docPr.get("title") for shape in document.inline_shapes]
    assert any(t and t.startswith("Mapa zgłoszona a współpraca w zespołach — pomiar T1") for t in titles)


def test_report_without_register_says_one_sentence(tmp_path, write_csv_gmina, gmina_rows):
    document = build_report(read_gmina(write_csv_gmina(tmp_path / "g", gmina_rows)))
    text = _document_text(document)
    assert "Rejestr zespołów zadaniowych i IPUS (arkusz „zespoly”) nie został jeszcze zebrany" in text
    assert "Mapa zgłoszona a współpraca w zespołach" not in text


def test_hostile_names_are_plain_text_in_the_report(tmp_path):
    data = read_gmina(HOSTILE)
    document = build_report(data)
    path = tmp_path / "raport.docx"
    document.save(path)
    xml = zipfile.ZipFile(path).read("word/document.xml").decode("utf-8")
    assert "<svg" not in xml and "<i>Z</i>" not in xml and "=Z0" not in xml
    names = published(data).partner_names()
    comparison = used.compare(data)
    assert comparison.cases >= 3
    text = _document_text(Document(path))
    if comparison.undeclared or comparison.paper:
        a, b = (comparison.paper or comparison.undeclared)[0]
        assert names[a] in text or names[b] in text  # shown verbatim, as text
    figure = draw_used_overlay(build_network(data, comparison.measurement), comparison)
    assert figure_png(figure).startswith(b"\x89PNG")


def test_payload_ids_stay_ids(tmp_path, write_csv_gmina, gmina_rows):
    payload = "<b>X</b>"
    data = read_gmina(write_csv_gmina(tmp_path / "g", tiny(gmina_rows, extra_id=payload)))
    if not data.report.ok:
        pytest.skip("such an id is refused by validation")
    summary = used.declared_vs_used(data)
    assert summary["undeclared_ties"] == [[payload, "GOPS"], [payload, "PUP"]]
    figure = draw_used_overlay(build_network(data, "T1"), used.compare(data))
    assert figure_png(figure).startswith(b"\x89PNG")
    xml_path = tmp_path / "r.docx"
    build_report(data).save(xml_path)
    assert payload not in zipfile.ZipFile(xml_path).read("word/document.xml").decode("utf-8")


def test_overlay_draws_with_and_without_cases(tiny_data, tmp_path, write_csv_gmina, gmina_rows):
    net = build_network(tiny_data, "T1")
    figure = draw_used_overlay(net, used.compare(tiny_data, net=net))
    ax = figure.axes[0]
    gids = {c.get_gid() for c in ax.collections}
    assert {"zespoly_confirmed", "zespoly_paper", "zespoly_undeclared"} <= gids
    legend = [t.get_text() for t in figure.legends[0].get_texts()]
    assert "Zespoły zadaniowe" in legend
    assert "tylko na papierze (poziom 3–5, bez sprawy) (2)" in legend
    assert "3 spraw" in alt_text(figure) and "tylko na papierze: 2" in alt_text(figure)
    assert figure_png(figure).startswith(b"\x89PNG")
    # the base map does not draw the redrawn ties a second time
    assert "powiazania" not in gids  # all four declared ties are confirmed or on paper: no grey line under them
    empty = read_gmina(write_csv_gmina(tmp_path / "e", gmina_rows))
    plain = draw_used_overlay(build_network(empty, "T0"), used.compare(empty))
    assert "nie został jeszcze zebrany" in alt_text(plain)
    assert figure_png(plain).startswith(b"\x89PNG")
