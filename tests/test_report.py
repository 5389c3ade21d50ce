"""``raport.docx`` for the council, read back with python-docx: title page, the scorecard, three chapters with
charts and recommendations, the method note; no personal data; nothing withheld for anonymity shows as a number;
a gmina with only the partner list still gets a report that says what to collect.
"""

from __future__ import annotations

import datetime as dt

import pytest
from docx import Document
from docx.enum.section import WD_ORIENT

from pzk_kit.evaluation.instrument import load_instrument
from pzk_kit.evaluation.recommendations import recommendations
from pzk_kit.evaluation.report import write_report_docx
from pzk_kit.files import OutputExists
from pzk_kit.workbook.example import example_dir
from pzk_kit.workbook.reading import read_gmina

DAY = dt.date(2025, 11, 25)
CHAPTERS = ["Karta wyników PZK", "„Kooperacyjnie znaczy szybciej, skuteczniej, łatwiej, czasem także taniej”",
            "1. Mapa współpracy", "2. Lokalny koszyk usług", "3. Ewaluacja", "4. Plan działań",
            "Jak czytać raport — metoda"]
NO_PLAN = [c for c in CHAPTERS if c != "4. Plan działań"]  # without the sheet: one sentence, no chapter


def all_text(document) -> str:
    """Every paragraph, table cell (nested too), header and footer of the document."""
    parts: list[str] = []

    def tables(items):
        for grid in items:
            for row in grid.rows:
                for cell in row.cells:
                    parts.extend(p.text for p in cell.paragraphs)
                    tables(cell.tables)

    parts.extend(p.text for p in document.paragraphs)
    tables(document.tables)
    for section in document.sections:
        parts.extend(p.text for p in section.footer.paragraphs)
        parts.extend(p.text for p in section.header.paragraphs)
    return "\n".join(parts)


def headings(document, level: int) -> list[str]:
    return [p.text for p in document.paragraphs if p.style.name == f"Heading {level}"]


def table_with_header(document, first: str):
    return [t for t in document.tables if t.rows and t.rows[0].cells[0].text == first]


@pytest.fixture(scope="module")
def example_report(tmp_path_factory):
    data = read_gmina(example_dir())
    path = write_report_docx(data, tmp_path_factory.mktemp("raport") / "raport.docx", on=DAY)
    return data, Document(str(path))


def test_title_page(example_report):
    _, document = example_report
    first_page = [p.text for p in document.paragraphs[:8]]
    assert "Gmina Przykładowa" in first_page
    assert "Raport Partnerskiego Zespołu Kooperacyjnego" in first_page
    assert "„Mieszkaniec w centrum – razem, blisko i bez odsyłania od drzwi do drzwi”" in first_page
    title_table = document.tables[0]
    rows = {row.cells[0].text: row.cells[1].text for row in title_table.rows}
    assert rows == {"Lider PZK": "Centrum Usług Społecznych w Przykładowie",
                    "Stanowisko koordynatora": "Zastępca dyrektora CUS ds. usług społecznych",
                    "Organ samorządu": "Burmistrz", "PZK zawiązano": "15 marca 2024 r.",
                    "Powiat i województwo": "powiat przykładowski, województwo małopolskie",
                    "Data raportu": "25 listopada 2025 r."}
    assert document.core_properties.title == "Raport Partnerskiego Zespołu Kooperacyjnego"
    assert "Raport PZK · Gmina Przykładowa" in document.sections[0].footer.paragraphs[0].text


def test_chapters_in_order_each_on_a_new_page(example_report):
    _, document = example_report
    assert headings(document, 1) == CHAPTERS
    assert all(p.paragraph_format.page_break_before for p in document.paragraphs if p.style.name == "Heading 1")
    level2 = headings(document, 2)
    assert level2.count("Rekomendacje") == 4  # one per chapter, and how they are made in the method note
    assert "Mapa współpracy w pomiarze T1" in level2 and "Zmiana ocen: T0 → T1" in level2


def test_scorecard_values_and_ratings(example_report):
    _, document = example_report
    card = table_with_header(document, "Miara")[0]
    rows = {row.cells[0].text: [c.text for c in row.cells[1:]] for row in card.rows}
    assert rows["Podstawowe polityki sektorowe w PZK"] == ["8 z 9", "—", "wymaga uwagi"]
    assert rows["Liczba powiązań"] == ["71", "▲ +13 od T0", "mocna strona"]
    assert rows["Wzajemność zgłoszeń"] == ["90\u00a0%", "▲ +7 pkt proc. od T0", "mocna strona"]
    assert rows["Instytucje bez powiązań"] == ["0", "▼ −1 od T0", "mocna strona"]
    assert rows["Potrzeby z diagnozy mające usługę"] == ["11 z 15", "—", "wymaga uwagi"]
    assert rows["Wypełnione ankiety samooceny"][0] == "T0: 21, T1: 22"
    assert rows["Czynniki — wymaga uwagi (< 3,0)"][0] == "1 z 12"
    factors = table_with_header(document, "Czynnik")[0]
    assert [c.text for c in factors.rows[0].cells] == ["Czynnik", "T0", "T1", "Zmiana", "Pasmo"]
    information = next(r for r in factors.rows if r.cells[0].text == "Przepływ informacji")
    assert [c.text for c in information.cells[1:]] == ["2,67", "2,82", "▲ +0,15", "wymaga uwagi"]


def test_charts_and_codes_of_the_map(example_report):
    _, document = example_report
    assert len(document.inline_shapes) == 4  # network map, map against task teams, coverage heatmap, factor bands
    landscape = [s for s in document.sections if s.orientation == WD_ORIENT.LANDSCAPE]
    assert len(landscape) == 1 and landscape[0].page_width > landscape[0].page_height  # the wide heatmap
    codes = table_with_header(document, "Kod")[0]
    shown = {row.cells[k].text: row.cells[k + 1].text for row in codes.rows[1:] for k in (0, 2)
             if row.cells[k].text}
    assert len(shown) == 27
    assert shown["WODOCIAGI"] == "Miejski Zakład Wodociągów i Kanalizacji w Przykładowie"


def test_every_recommendation_is_in_its_chapter(example_report):
    data, document = example_report
    text = all_text(document)
    found = recommendations(data)
    assert found
    for rec in found:
        assert rec.title in text
        assert rec.evidence[0] in text
    rec_tables = table_with_header(document, "Priorytet")
    assert len(rec_tables) == 3
    network_titles = [row.cells[1].paragraphs[0].text for row in rec_tables[0].rows[1:]]
    assert network_titles == [r.title for r in found if r.step == "siec"]


def test_no_personal_data_of_the_example(example_report):
    data, document = example_report
    text = all_text(document)
    partners = data.partners
    for column in ("osoba_kontaktowa", "telefon", "email"):
        for value in partners[column].dropna():
            assert str(value) not in text, (column, value)


def test_suppressed_groups_of_the_example_are_absent(example_report):
    _, document = example_report
    text = all_text(document)
    sectors = table_with_header(document, "Czynnik")[-1]
    columns = [c.text for c in sectors.rows[0].cells]
    assert columns == ["Czynnik", "Bezpieczeństwo", "Edukacja", "Organizacje pozarządowe", "Pomoc społeczna",
                       "Zatrudnienie", "Zdrowie"]
    assert "Kultura" not in columns
    assert "Nie pokazano (mniej niż 3 ankiety): Kultura." in text
    assert "(nie podano)" not in text


def test_personal_data_only_on_request(tmp_path, write_csv_gmina, gmina_rows):
    gmina_rows["partnerzy"][0] += ["telefon", "osoba_kontaktowa"]
    gmina_rows["partnerzy"][1] += ["600 100 200", "Jan Kowalski"]
    gmina_rows["partnerzy"][1][6] = "jan.kowalski@gmail.com"
    for row in gmina_rows["partnerzy"][2:]:
        row += ["", ""]
    data = read_gmina(write_csv_gmina(tmp_path / "g", gmina_rows))
    plain = all_text(Document(str(write_report_docx(data, tmp_path / "a.docx", on=DAY))))
    for value in ("Jan Kowalski", "600 100 200", "jan.kowalski@gmail.com", "pup@example.pl"):
        assert value not in plain
    asked = all_text(Document(str(write_report_docx(data, tmp_path / "b.docx", on=DAY, include_personal=True))))
    assert "Jan Kowalski, 600 100 200, jan.kowalski@gmail.com" in asked


def survey_rows(groups: list[tuple[str, str, int, dict[str, int]]]) -> list[list[object]]:
    """(measurement, sector, respondents, {factor: score}) → ``ankieta`` rows; other factors score 4."""
    items = load_instrument().items
    rows: list[list[object]] = [["respondent", "pomiar", "sektor", *(i.code for i in items)]]
    number = 0
    for measurement, sector, count, scores in groups:
        for _ in range(count):
            number += 1
            values = [scores.get(i.factor, 4) for i in items]
            rows.append([f"R{number:03d}", measurement, sector,
                         *(6 - v if i.reverse else v for i, v in zip(items, values, strict=True))])
    return rows


def test_withheld_results_never_appear_as_numbers(tmp_path, write_csv_gmina, gmina_rows):
    # T0: 3 in social assistance (all 4) + 2 in education who rate dialog 1 → education is withheld;
    # T1: 2 people only, rating resources 5 → every T1 score is withheld
    gmina_rows["ankieta"] = survey_rows([("T0", "Pomoc społeczna", 3, {}), ("T0", "Edukacja", 2, {"dialog": 1}),
                                         ("T1", "Pomoc społeczna", 2, {"zasoby": 5})])
    data = read_gmina(write_csv_gmina(tmp_path / "g", gmina_rows))
    document = Document(str(write_report_docx(data, tmp_path / "raport.docx", on=DAY)))
    text = all_text(document)
    assert "1,00" not in text  # the education group's dialog score
    assert "5,00" not in text  # the T1 resources score
    assert "Edukacja" not in [c.text for t in table_with_header(document, "Czynnik") for c in t.rows[0].cells]
    assert "Nie pokazano (mniej niż 3 ankiety): Edukacja" not in text  # the report is about T1 …
    assert "„ukryte” — wynik opiera się na odpowiedziach mniej niż 3 osób" in text
    factors = table_with_header(document, "Czynnik")[0]
    dialog = next(r for r in factors.rows if r.cells[0].text == "Dialog")
    # (3 × 4 + 2 × 1) / 5 = 2.8 at T0 rests on 5 people: shown; T1 withheld; no change, no band
    assert [c.text for c in dialog.cells[1:]] == ["2,80", "ukryte", "—", "—"]

    t0 = Document(str(write_report_docx(data, tmp_path / "t0.docx", on=DAY, measurement="T0")))
    text = all_text(t0)
    assert "Nie pokazano (mniej niż 3 ankiety): Edukacja." in text
    assert "1,00" not in text


def test_gmina_with_only_partners(tmp_path, write_csv_gmina, gmina_rows):
    data = read_gmina(write_csv_gmina(tmp_path / "g", {"gmina": gmina_rows["gmina"],
                                                         "partnerzy": gmina_rows["partnerzy"]}))
    document = Document(str(write_report_docx(data, tmp_path / "raport.docx", on=DAY)))
    text = all_text(document)
    assert headings(document, 1) == NO_PLAN
    assert len(document.inline_shapes) == 0
    assert "Nie zebrano jeszcze arkusza „wspolpraca”" in text
    assert "Nie zebrano jeszcze arkusza „uslugi”" in text
    assert "Ankieta samooceny nie została jeszcze przeprowadzona." in text
    assert "Zbierzcie mapę współpracy partnerów" in text and "Przeprowadźcie ankietę samooceny PZK" in text
    card = table_with_header(document, "Miara")[0]
    rows = {row.cells[0].text: row.cells[1].text for row in card.rows}
    assert rows["Członkowie PZK"] == "3"
    assert rows["Usługi w koszyku"] == "nie zebrano" and rows["Wzajemność zgłoszeń"] == "nie zebrano"
    assert "Misja nie została jeszcze zapisana" in text


def test_deterministic_and_never_silently_replaced(tmp_path, write_csv_gmina, gmina_rows):
    data = read_gmina(write_csv_gmina(tmp_path / "g", {"gmina": gmina_rows["gmina"],
                                                         "partnerzy": gmina_rows["partnerzy"]}))
    first = write_report_docx(data, tmp_path / "raport.docx", on=DAY)
    with pytest.raises(OutputExists):
        write_report_docx(data, first, on=DAY)
    second = write_report_docx(data, tmp_path / "raport2.docx", on=DAY)
    assert all_text(Document(str(first))) == all_text(Document(str(second)))
    assert Document(str(first)).core_properties.created.replace(tzinfo=None) == dt.datetime(2025, 11, 25, 12, 0)


def test_invalid_data_is_refused_in_polish(tmp_path, write_csv_gmina, gmina_rows):
    gmina_rows["partnerzy"][2][2] = "Zdrowko"
    data = read_gmina(write_csv_gmina(tmp_path / "g", gmina_rows))
    assert not data.report.ok
    with pytest.raises(ValueError, match="Dane gminy zawierają błędy"):
        write_report_docx(data, tmp_path / "raport.docx")
    assert not (tmp_path / "raport.docx").exists()


def test_no_answers_is_not_called_withheld(tmp_path, write_csv_gmina, gmina_rows):
    # the conftest survey asks only q01–q03 (współdecydowanie) of three people: every other factor has no answer
    data = read_gmina(write_csv_gmina(tmp_path / "g", gmina_rows))
    document = Document(str(write_report_docx(data, tmp_path / "raport.docx", on=DAY)))
    factors = table_with_header(document, "Czynnik")[0]
    cells = {row.cells[0].text: [c.text for c in row.cells[1:]] for row in factors.rows[1:]}
    assert cells["Współdecydowanie"] == ["3,67", "do obserwacji"]
    assert cells["Dialog"] == ["brak odpowiedzi", "—"]
    text = all_text(document)
    assert "„brak odpowiedzi” — nikt nie odpowiedział" in text
    assert "Jest jeden pomiar (T0) — to punkt wyjścia." in text


def test_every_chart_has_a_polish_text_alternative_and_a_title(example_report):
    """Word's "Tekst alternatywny": a screen reader reads the description (docPr descr) instead of the picture."""
    from docx.oxml.ns import qn

    from pzk_kit.network import build_network

    data, document = example_report
    properties = [shape._inline.docPr for shape in document.inline_shapes]
    assert len(properties) == 4
    descriptions = [p.get("descr") or "" for p in properties]
    titles = [p.get("title") or "" for p in properties]
    assert all(len(d) > 60 for d in descriptions) and all(titles)
    measurement = titles[0].rsplit(" ", 1)[-1]  # "Mapa współpracy w pomiarze T1"
    net = build_network(data, measurement)
    assert titles[0].startswith("Mapa współpracy") and titles[0] in headings(document, 2)
    assert descriptions[0].startswith(f"Mapa współpracy ({data.name} — pomiar {measurement}): "
                                      f"{net.graph.number_of_nodes()} partnerów, {net.ties} powiązań")
    assert descriptions[1].startswith(f"{data.name} — mapa zgłoszona a zespoły — pomiar {measurement}: 7 spraw")
    assert descriptions[2].startswith("Pokrycie potrzeb usługami: ") and "luki (4): " in descriptions[2]
    assert descriptions[3].startswith("Mocne strony i obszary do pracy: średnie ocen czynników w pomiarze")
    assert titles[1:] == [t for t in headings(document, 2) if t in titles[1:]]
    assert document.element.body.find(".//" + qn("wp:docPr")) is not None


def test_polish_is_the_default_proofing_language(example_report):
    from docx.oxml.ns import qn

    _, document = example_report
    defaults = document.styles.element.find(qn("w:docDefaults"))
    assert defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}/{qn('w:lang')}").get(qn("w:val")) == "pl-PL"
    assert document.core_properties.language == "pl-PL"
