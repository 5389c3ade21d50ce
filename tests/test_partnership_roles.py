"""Issue 16, the partnership as it really is: the area (TERYT of a gmina or a powiat, the type digit, the town part of a
miejsko-wiejska gmina, cities with powiat rights, ``zasieg``), co-leaders, the coordinator and the project name.

Every gmina here is the conftest's small valid gmina with one or two fields changed; its ``gmina`` sheet has the
header in row 1 and the fields nazwa (2), teryt (3), typ (4), lider (5), data_zawiazania (6); fields a test adds
come in rows 7, 8, …
"""

from __future__ import annotations

import json
from pathlib import Path

import networkx as nx
import pandas as pd
import pytest
from docx import Document
from markupsafe import escape
from matplotlib.text import Text

from pzk_kit.basket.catalogue import render_catalogue_html, write_catalogue_docx
from pzk_kit.evaluation.recommendations import recommendations
from pzk_kit.evaluation.report import write_report_docx
from pzk_kit.network import Network, build_network, leader_reach, network_summary, plots
from pzk_kit.runs import summary
from pzk_kit.workbook.reading import read_gmina

TERYT_ROW, LIDER_ROW = 3, 5
TERYT_COLUMN = "wartosc (teryt)"
HOSTILE = json.loads((Path(__file__).parent / "data" / "hostile" / "payloads.json").read_text(encoding="utf-8"))
SCRIPT = next(p["value"] for p in HOSTILE["payloads"] if p["value"].startswith("<script>"))
FORMULA = next(p["value"] for p in HOSTILE["payloads"] if p["value"].startswith("=HYPERLINK"))


def serious(data) -> list[str]:
    return [str(p) for p in data.report.problems if p.severity.value != "informacja"]


def with_fields(rows, **fields) -> dict:
    """The gmina with ``gmina`` fields set: existing ones changed in place, new ones appended (rows 7, 8, …)."""
    sheet = rows["gmina"]
    for name, value in fields.items():
        found = [row for row in sheet if row[0] == name]
        if found:
            found[0][1] = value
        else:
            sheet.append([name, value])
    return rows


def read(tmp_path, rows, write_csv_gmina):
    return read_gmina(write_csv_gmina(tmp_path / "g", rows))


# -- TERYT and area ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("teryt", "typ"), [("1209033", "Miejsko-wiejska"), ("1209022", "Wiejska"),
                                            ("1261011", "Miejska"), ("1465088", "Miejska"), ("1061099", "Miejska")])
def test_gmina_codes_matching_their_type_are_accepted_silently(tmp_path, gmina_rows, write_csv_gmina, teryt, typ):
    data = read(tmp_path, with_fields(gmina_rows, teryt=teryt, typ=typ), write_csv_gmina)
    assert serious(data) == []
    assert data.teryt == teryt and data.scope == "gmina"


def test_type_digit_against_typ_names_row_column_and_the_valid_digit(tmp_path, gmina_rows, write_csv_gmina,
                                                                     find_problems):
    data = read(tmp_path, with_fields(gmina_rows, teryt="1209022", typ="Miejska"), write_csv_gmina)
    [problem] = find_problems(data.report, "ostrzeżenie", "gmina", TERYT_ROW, TERYT_COLUMN)
    assert problem.message == ("Kod TERYT „1209022” kończy się cyfrą 2 (gmina wiejska), a w polu „typ” wpisano "
                               "„Miejska”.")
    assert problem.hint == "Kod gminy miejskiej kończy się cyfrą 1; popraw kod albo typ gminy."
    assert data.report.ok and data.info["typ"] == "miejska"  # a warning: the data still run


@pytest.mark.parametrize(("teryt", "part"), [("1209034", "miasta"), ("1209035", "obszaru wiejskiego")])
def test_town_or_rural_part_of_a_miejsko_wiejska_gmina_is_not_the_gmina(tmp_path, gmina_rows, write_csv_gmina,
                                                                       find_problems, teryt, part):
    data = read(tmp_path, with_fields(gmina_rows, teryt=teryt, typ="Miejsko-wiejska"), write_csv_gmina)
    [problem] = find_problems(data.report, "ostrzeżenie", "gmina", TERYT_ROW, TERYT_COLUMN)
    assert problem.message == (f"„{teryt}” to kod {part} w gminie miejsko-wiejskiej, a nie całej gminy; kod całej "
                               f"gminy kończy się cyfrą 3, np. 1209033 zamiast {teryt}.")
    assert len(serious(data)) == 1  # the type miejsko-wiejska agrees with a part of such a gmina


def test_the_town_code_with_type_wiejska_gets_both_warnings(tmp_path, gmina_rows, write_csv_gmina, find_problems):
    data = read(tmp_path, with_fields(gmina_rows, teryt="1209034", typ="Wiejska"), write_csv_gmina)
    texts = [p.message for p in find_problems(data.report, "ostrzeżenie", "gmina", TERYT_ROW, TERYT_COLUMN)]
    assert len(texts) == 2
    assert "kod miasta w gminie miejsko-wiejskiej" in texts[0]
    assert texts[1] == ("Kod TERYT „1209034” kończy się cyfrą 4 (gmina miejsko-wiejska), a w polu „typ” wpisano "
                        "„Wiejska”.")


def test_a_seventh_digit_that_is_no_kind_of_gmina(tmp_path, gmina_rows, write_csv_gmina, find_problems):
    data = read(tmp_path, with_fields(gmina_rows, teryt="1209037"), write_csv_gmina)
    [problem] = find_problems(data.report, "ostrzeżenie", "gmina", TERYT_ROW, TERYT_COLUMN)
    assert "1 miejska, 2 wiejska, 3 miejsko-wiejska" in problem.message


@pytest.mark.parametrize(("teryt", "city"), [("1261011", True), ("1061011", True), ("1465011", True),
                                             ("2814", False), ("1263", True), ("1209033", False),
                                             ("1299013", False)])
def test_city_with_powiat_rights(tmp_path, gmina_rows, write_csv_gmina, teryt, city):
    typ = "Miejska" if teryt.endswith("1") or len(teryt) == 4 else "Miejsko-wiejska"
    scope = "Powiat" if len(teryt) == 4 else "Gmina"
    data = read(tmp_path, with_fields(gmina_rows, teryt=teryt, typ=typ, zasieg=scope), write_csv_gmina)
    assert serious(data) == []
    assert data.city_with_powiat_rights is city


def test_powiat_code_for_a_powiat_pzk(tmp_path, gmina_rows, write_csv_gmina):
    rows = with_fields(gmina_rows, teryt="2814", typ=None, zasieg="Powiat", gminy="Pisz; Biała Piska; Orzysz")
    data = read(tmp_path, rows, write_csv_gmina)
    assert serious(data) == []
    assert data.teryt == "2814" and data.scope == "powiat"
    assert data.info["gminy"] == ["Pisz", "Biała Piska", "Orzysz"]


def test_powiat_code_for_a_gmina_pzk_is_a_warning(tmp_path, gmina_rows, write_csv_gmina, find_problems):
    data = read(tmp_path, with_fields(gmina_rows, teryt="2814"), write_csv_gmina)
    [problem] = find_problems(data.report, "ostrzeżenie", "gmina", TERYT_ROW, TERYT_COLUMN)
    assert problem.message.startswith("Kod TERYT „2814” ma 4 cyfry, czyli oznacza powiat")
    assert "w polu „zasieg” wpisz „Powiat”" in problem.hint


def test_gmina_code_for_a_powiat_pzk_names_the_powiat(tmp_path, gmina_rows, write_csv_gmina, find_problems):
    data = read(tmp_path, with_fields(gmina_rows, teryt="2814063", typ="Miejsko-wiejska", zasieg="Powiat"),
                write_csv_gmina)
    [problem] = find_problems(data.report, "ostrzeżenie", "gmina", TERYT_ROW, TERYT_COLUMN)
    assert "przyjmuję, że powiat to 2814 (pierwsze 4 cyfry)" in problem.message
    assert problem.hint == "Dla PZK powiatowego wpisz 4-cyfrowy kod powiatu: 2814."


def test_powiat_code_that_lost_its_zero_is_repaired_only_for_a_powiat_pzk(tmp_path, gmina_rows, write_xlsx,
                                                                         find_problems):
    powiat = read_gmina(write_xlsx(tmp_path / "p.xlsx", with_fields(gmina_rows, teryt=214, typ=None,
                                                                     zasieg="Powiat")))
    assert serious(powiat) == [] and powiat.teryt == "0214"
    rows = with_fields(gmina_rows, zasieg=None)
    rows["gmina"] = [row for row in rows["gmina"] if row[0] != "zasieg"]
    gmina = read_gmina(write_xlsx(tmp_path / "g.xlsx", rows))
    [problem] = find_problems(gmina.report, "błąd", "gmina", TERYT_ROW, TERYT_COLUMN)
    assert "np. 214 → 0214" in problem.hint and "„Powiat”" in problem.hint
    assert gmina.teryt is None


# -- co-leaders ----------------------------------------------------------------------------------------------------


def _role(rows, pid: str, role: str) -> None:
    header = rows["partnerzy"][0]
    for row in rows["partnerzy"][1:]:
        if row[0] == pid:
            row[header.index("rola")] = role


def test_co_leaders_are_resolved_in_their_order(tmp_path, gmina_rows, write_csv_gmina):
    _role(gmina_rows, "PUP", "Lider")
    data = read(tmp_path, with_fields(gmina_rows, lider="pup; Gops"), write_csv_gmina)
    assert serious(data) == []
    assert data.info["lider"] == "PUP" and data.info["liderzy"] == ["PUP", "GOPS"]
    assert data.leader == "PUP" and data.leaders == ["PUP", "GOPS"]


def test_unknown_co_leader_is_an_error_at_the_lider_field(tmp_path, gmina_rows, write_csv_gmina, find_problems):
    data = read(tmp_path, with_fields(gmina_rows, lider="GOPS; XYZ"), write_csv_gmina)
    [problem] = find_problems(data.report, "błąd", "gmina", LIDER_ROW, "wartosc (lider)")
    assert problem.message == "Nieznany partner „XYZ” — nie ma go w arkuszu „partnerzy”."
    assert data.leaders == ["GOPS"]


def test_named_co_leader_without_the_role_is_an_error(tmp_path, gmina_rows, write_csv_gmina, find_problems):
    data = read(tmp_path, with_fields(gmina_rows, lider="GOPS; PUP"), write_csv_gmina)
    [problem] = find_problems(data.report, "błąd", "partnerzy", 3, "rola")
    assert problem.message == ("Partner „PUP” jest wskazany jako lider w arkuszu „gmina”, ale w arkuszu „partnerzy” "
                               "ma rolę „partner”.")


def test_partner_with_role_lider_not_named_gets_a_warning(tmp_path, gmina_rows, write_csv_gmina, find_problems):
    _role(gmina_rows, "PUP", "Lider")
    data = read(tmp_path, gmina_rows, write_csv_gmina)
    [problem] = find_problems(data.report, "ostrzeżenie", "partnerzy", 3, "rola")
    assert problem.message == "Partner „PUP” ma rolę „lider”, ale pole „lider” arkusza „gmina” wymienia tylko: GOPS."
    assert "(np. GOPS; PUP)" in problem.hint
    assert data.report.ok and data.leaders == ["GOPS"]


def test_without_the_lider_field_every_partner_with_the_role_leads(tmp_path, gmina_rows, write_csv_gmina):
    _role(gmina_rows, "PUP", "Lider")
    gmina_rows["gmina"] = [row for row in gmina_rows["gmina"] if row[0] != "lider"]
    data = read(tmp_path, gmina_rows, write_csv_gmina)
    assert serious(data) == []
    assert data.leaders == ["GOPS", "PUP"] and data.leader == "GOPS"
    found = {r.code for r in recommendations(data)}
    assert "brak_lidera" not in found


def _graph(edges, nodes) -> Network:
    graph = nx.Graph()
    graph.add_nodes_from(nodes)
    graph.add_edges_from(edges, level=2, reciprocal=True)
    return Network("T0", graph, pd.DataFrame(), pd.DataFrame(), leader="L1", leaders=("L1", "L2"))


def test_leader_reach_with_two_leaders_by_hand():
    # L1 - A - B - C and L2 - D; E alone. Two steps from L1: A, B; from L2: D. Not leaders: A, B, C, D, E.
    net = _graph([("L1", "A"), ("A", "B"), ("B", "C"), ("L2", "D")], ["L1", "L2", "A", "B", "C", "D", "E"])
    assert leader_reach(net) == pytest.approx(3 / 5)
    alone = Network("T0", net.graph, pd.DataFrame(), pd.DataFrame(), leader="L1")
    assert alone.leaders == ("L1",)
    assert leader_reach(alone) == pytest.approx(2 / 6)  # the contract's (reached − 1) / (n − 1)


def test_leader_reach_of_a_gmina_with_co_leaders(tmp_path, gmina_rows, write_csv_gmina):
    # ties GOPS–PUP and GOPS–SP1; KPP has none. One leader GOPS: PUP, SP1 of PUP, SP1, KPP = 2/3.
    one = read(tmp_path / "one", gmina_rows, write_csv_gmina)
    assert network_summary(one, "T0")["leader_reach"] == pytest.approx(round(2 / 3, 4))
    _role(gmina_rows, "PUP", "Lider")
    two = read(tmp_path / "two", with_fields(gmina_rows, lider="GOPS; PUP"), write_csv_gmina)
    net = build_network(two, "T0")
    assert net.leaders == ("GOPS", "PUP")
    assert network_summary(two, "T0")["leader_reach"] == 0.5  # SP1 and KPP are the others; SP1 is reached


def test_the_map_rings_and_names_every_leader():
    net = _graph([("L1", "A"), ("L2", "A")], ["L1", "L2", "A"])
    fig = plots.draw_network(net.graph, leader=net.leaders)
    labels = {t.get_text() for t in fig.findobj(Text)}
    assert {"L1 (lider)", "L2 (lider)", "A"} <= labels
    assert "Liderzy: L1 (1 powiązanie), L2 (1 powiązanie)." in plots.network_alt(net.graph, leader=net.leaders)
    assert "Lider L1: 1 powiązanie." in plots.network_alt(net.graph, leader="L1")


# -- coordinator, signatory and project in the outputs -------------------------------------------------------------


def test_coordinator_with_a_person_s_name_is_warned_and_kept_out_of_the_report(tmp_path, gmina_rows,
                                                                               write_csv_gmina, find_problems):
    data = read(tmp_path, with_fields(gmina_rows, koordynator="Jan Kowalski"), write_csv_gmina)
    [problem] = find_problems(data.report, "ostrzeżenie", "gmina", 7, "wartosc (koordynator)")
    assert problem.message == "Pole „koordynator” wygląda na imię i nazwisko („Jan Kowalski”) — wpisz stanowisko."
    hidden = Document(str(write_report_docx(data, tmp_path / "raport.docx")))
    assert "Kowalski" not in _title_rows(hidden).get("Stanowisko koordynatora", "") and "Kowalski" not in _all(hidden)
    shown = Document(str(write_report_docx(data, tmp_path / "osobowe.docx", include_personal=True)))
    assert _title_rows(shown)["Stanowisko koordynatora"] == "Jan Kowalski"


def test_coordinator_position_is_not_warned(tmp_path, gmina_rows, write_csv_gmina):
    data = read(tmp_path, with_fields(gmina_rows, koordynator="Zastępca dyrektora CUS ds. usług społecznych"),
                write_csv_gmina)
    assert serious(data) == []


def _title_rows(document) -> dict[str, str]:
    return {row.cells[0].text: row.cells[1].text for row in document.tables[0].rows}


def _all(document) -> str:
    return "\n".join([p.text for p in document.paragraphs]
                     + [c.text for t in document.tables for r in t.rows for c in r.cells])


def test_first_page_names_leaders_coordinator_signatory_and_area(tmp_path, gmina_rows, write_csv_gmina):
    _role(gmina_rows, "PUP", "Lider")
    rows = with_fields(gmina_rows, teryt="1261011", typ="Miejska", lider="GOPS; PUP", powiat="Kraków",
                       koordynator="Kierownik Działu Usług Społecznych", organ="Prezydent miasta",
                       podpisujacy="Dyrektor MOPS", upowaznienie="zarządzenie nr 12/2024 Prezydenta Miasta",
                       zasieg="Międzygminny", gminy="Kraków; Wieliczka", nazwa_projektu="Kooperacja efektywna")
    data = read(tmp_path, rows, write_csv_gmina)
    assert serious(data) == []
    document = Document(str(write_report_docx(data, tmp_path / "raport.docx")))
    assert document.paragraphs[0].text == "KOOPERACJA EFEKTYWNA"
    assert document.paragraphs[3].text.startswith("Informacja dla rad gmin:")  # a multi-gmina PZK reports to each
    title = _title_rows(document)
    assert title["Liderzy PZK (współliderzy)"] == "Gminny Ośrodek Pomocy Społecznej; Powiatowy Urząd Pracy"
    assert title["Stanowisko koordynatora"] == "Kierownik Działu Usług Społecznych"
    assert title["Organ samorządu"] == "Prezydent miasta"
    assert title["Podpisuje w imieniu organu"] == "Dyrektor MOPS"
    assert title["Podstawa działania"] == "zarządzenie nr 12/2024 Prezydenta Miasta"
    assert title["Obszar działania PZK"] == "Międzygminny: Kraków, Wieliczka"
    assert title["Powiat i województwo"] == "miasto na prawach powiatu, powiat Kraków"
    document_summary = summary.build_summary(data)
    assert document_summary["gmina"] == {
        "name": "Gmina Testowa", "teryt": "1261011", "scope": "miedzygminny", "type": "miejska", "powiat": "Kraków",
        "voivodeship": None, "leaders": ["GOPS", "PUP"], "project": "Kooperacja efektywna"}


def test_default_project_keeps_the_model_title(tmp_path, gmina_rows, write_csv_gmina):
    data = read(tmp_path, gmina_rows, write_csv_gmina)
    document = Document(str(write_report_docx(data, tmp_path / "raport.docx")))
    assert document.paragraphs[0].text == "MODEL WIELOSEKTOROWEJ WSPÓŁPRACY KOOPERACJE 3D"
    assert document.paragraphs[3].text.startswith("Informacja dla rady gminy:")
    assert summary.build_summary(data)["gmina"]["project"] == "Kooperacje 3D"
    assert "Przygotowano w ramach Partnerskiego Zespołu Kooperacyjnego (projekt „Kooperacje 3D”)" in \
        render_catalogue_html(data)


@pytest.mark.parametrize("name", [SCRIPT, FORMULA])
def test_hostile_project_name_is_plain_text_everywhere(tmp_path, gmina_rows, write_csv_gmina, name):
    data = read(tmp_path, with_fields(gmina_rows, nazwa_projektu=name), write_csv_gmina)
    assert data.project_name == name
    html = render_catalogue_html(data)
    assert "<script>alert" not in html
    assert f"(projekt „{escape(name)}”)" in html
    report = Document(str(write_report_docx(data, tmp_path / "raport.docx")))
    assert report.paragraphs[0].text == name.upper()  # a docx paragraph is text: no field, no markup
    assert not report.element.body.xpath(".//w:fldSimple | .//w:instrText")
    catalogue = Document(str(write_catalogue_docx(data, tmp_path / "katalog.docx")))
    assert any(f"(projekt „{name}”)" in p.text for p in catalogue.paragraphs)
    (tmp_path / "wynik").mkdir()
    written = summary.write_summary(summary.build_summary(data), tmp_path / "wynik")
    assert json.loads(written.read_text(encoding="utf-8"))["gmina"]["project"] == name


def test_filled_workbook_gives_back_co_leaders_and_gminas_as_typed(tmp_path, gmina_rows, write_csv_gmina):
    from pzk_kit.workbook.templates import write_filled_workbook
    from pzk_kit.workshop.workbook_rows import workbook_rows

    _role(gmina_rows, "PUP", "Lider")
    rows = with_fields(gmina_rows, lider="GOPS; PUP", zasieg="Powiat", teryt="2814", typ=None,
                       gminy="Pisz; Biała Piska")
    data = read(tmp_path, rows, write_csv_gmina)
    again = read_gmina(write_filled_workbook(workbook_rows(data), tmp_path / "dane.xlsx"))
    assert serious(again) == []
    assert again.leaders == ["GOPS", "PUP"] and again.info["gminy"] == ["Pisz", "Biała Piska"]
    assert again.teryt == "2814" and again.scope == "powiat"


def test_a_powiat_pzk_reports_to_the_powiat_council(tmp_path, gmina_rows, write_csv_gmina):
    data = read(tmp_path, with_fields(gmina_rows, teryt="2814", zasieg="Powiat", gminy="Pisz"), write_csv_gmina)
    assert not data.city_with_powiat_rights  # 14 is a land powiat (piski); 61–99 would be a city
    document = Document(str(write_report_docx(data, tmp_path / "raport.docx")))
    assert document.paragraphs[3].text.startswith("Informacja dla rady powiatu i rad gmin:")
    assert "miasto na prawach powiatu" not in _title_rows(document).get("Powiat i województwo", "")
