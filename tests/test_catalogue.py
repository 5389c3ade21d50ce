"""The resident-facing service catalogue: katalog_uslug.html and katalog_uslug.docx (CONTRACT §3).

The HTML is parsed with the standard library's html.parser (no extra dependency); the DOCX is read back with
python-docx. Privacy (DOMAIN.md: no person's name or e-mail unless asked for) and escaping of user input are
checked on small gminas written as CSV folders.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from html.parser import HTMLParser

import docx
import pytest
from docx.oxml.ns import qn
from docx.shared import Cm, RGBColor

from pzk_kit import read_gmina
from pzk_kit.basket.catalogue import (
    DOCX_NAME,
    HTML_NAME,
    catalogue_providers,
    catalogue_sections,
    count_text,
    linkify,
    polish_sort_key,
    render_catalogue_html,
    write_catalogue_docx,
    write_catalogue_html,
)
from pzk_kit.files import OutputExists
from pzk_kit.workbook.dictionaries import dictionary
from pzk_kit.workbook.example import example_dir

DAY = dt.date(2025, 5, 12)
MALICIOUS = "<script>alert(1)</script>"

# A small gmina with personal data in every place it could leak from, and hostile values in the rest.
PRIVATE_GMINA: dict[str, list[list[object]]] = {
    "gmina": [
        ["pole", "wartosc"],
        ["nazwa", "Gmina Prywatna"],
        ["lider", "GOPS"],
        ["misja", "Pomagamy <b>razem</b>"],
    ],
    "partnerzy": [
        ["id", "nazwa", "sektor", "rola", "deklaracja", "adres", "telefon", "email", "www", "osoba_kontaktowa"],
        ["GOPS", "Gminny Ośrodek Pomocy Społecznej", "Pomoc społeczna", "Lider", "Podpisana", "ul. Długa 1",
         "12 111 11 11", "anna.nowak@gops.example.pl", "javascript:alert(1)", "Anna Nowak"],
        ["PUP", "Powiatowy Urząd Pracy", "Zatrudnienie", "Partner", "Podpisana", "ul. Krótka 2", "12 222 22 22",
         "sekretariat@pup.example.pl", "https://pup.example.pl", "Jan Kowalski"],
    ],
    "uslugi": [
        ["id", "partner", "nazwa", "obszary", "grupy", "dostep", "odplatnosc", "kontakt"],
        ["U1", "GOPS", MALICIOUS, "Ubóstwo", "Wszyscy mieszkańcy", "Bez skierowania", "Bezpłatna",
         "tel. 12 111 11 12, jan.kowalski@gops.example.pl"],
        ["U2", "PUP", "Doradztwo zawodowe", "Bezrobocie; Ubóstwo", "Osoby bezrobotne", "Skierowanie",
         "Bezpłatna", ""],
        ["U3", "GOPS", "Asystent rodziny", "Bezradność", "Rodziny z dziećmi", "Decyzja", "Częściowo odpłatna",
         ""],
        ["U4", "GOPS", "Usługa bez znanego obszaru", "Obszar spoza słownika", "Osoby starsze", "", "", ""],
    ],
}
PERSONAL = ("Anna Nowak", "Jan Kowalski", "anna.nowak@", "jan.kowalski@")


class _Page(HTMLParser):
    """What the tests need from a page: visible text, headings, elements with their attributes."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.headings: dict[str, list[str]] = {"h1": [], "h2": [], "h3": []}
        self.scripts: list[str] = []
        self.text_parts: list[str] = []
        self._stack: list[str] = []
        self._heading: list[str] | None = None
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))
        if tag in self.headings:
            self._heading = []
        self._stack.append(tag)

    def handle_endtag(self, tag):
        if tag in self.headings and self._heading is not None:
            self.headings[tag].append(" ".join("".join(self._heading).split()))
            self._heading = None
        if self._stack and self._stack[-1] == tag:
            self._stack.pop()

    def handle_data(self, data):
        if self._stack and self._stack[-1] == "script":
            self.scripts.append(data)
            return
        if self._stack and self._stack[-1] == "style":
            return
        self.text_parts.append(data)
        if self._heading is not None:
            self._heading.append(data)

    @property
    def text(self) -> str:
        return " ".join(" ".join(self.text_parts).split())

    def find(self, tag: str, **wanted: str) -> list[dict[str, str | None]]:
        return [a for t, a in self.elements if t == tag and all(a.get(k) == v for k, v in wanted.items())]


@pytest.fixture(scope="module")
def example():
    return read_gmina(example_dir())


@pytest.fixture(scope="module")
def example_html(example) -> str:
    return render_catalogue_html(example, generated=DAY)


@pytest.fixture(scope="module")
def example_page(example_html) -> _Page:
    return _Page(example_html)


@pytest.fixture(scope="module")
def private(tmp_path_factory, write_csv_gmina):
    return read_gmina(write_csv_gmina(tmp_path_factory.mktemp("prywatna"), PRIVATE_GMINA))


@pytest.fixture(scope="module")
def example_docx(example, tmp_path_factory) -> docx.document.Document:
    path = write_catalogue_docx(example, tmp_path_factory.mktemp("docx"), generated=DAY)
    return docx.Document(str(path))


def _docx_text(document) -> str:
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts += [cell.text for cell in row.cells]
    for section in document.sections:
        parts += [p.text for p in section.footer.paragraphs] + [p.text for p in section.header.paragraphs]
    return "\n".join(parts)


def _headings(document, level: int) -> list[str]:
    return [p.text for p in document.paragraphs if p.style.name == f"Heading {level}"]


def _expected_headings(data) -> list[str]:
    used = {code for areas in data.services["obszary"] for code in areas}
    areas = dictionary("obszary_potrzeb")
    return [f"Szukam pomocy, gdy {e.extra['sytuacja']}" for e in areas.entries if e.code in used]


# -- the shared grouping ------------------------------------------------------------------------------------------


def test_sections_follow_dictionary_order_and_sort_services_by_name(example):
    sections = catalogue_sections(example)
    assert [s.heading for s in sections] == _expected_headings(example)
    for section in sections:
        names = [s.name for s in section.services]
        assert names == sorted(names, key=polish_sort_key)
        assert all(section.code in s.areas for s in section.services)
    # a service listed under several need areas appears in each of them
    multi = example.services[example.services["obszary"].map(len) > 1].iloc[0]
    holding = [s.code for s in sections if any(x.id == multi["id"] for x in s.services)]
    assert holding == [code for code in dictionary("obszary_potrzeb").codes if code in multi["obszary"]]


def test_polish_alphabetical_order():
    words = ["Dom", "Ćwiczenia", "Cukier", "Łaźnia", "Lekarz", "Żłobek", "Źródło", "Zupa", "Asystent", "Ąa"]
    assert sorted(words, key=polish_sort_key) == [
        "Asystent", "Ąa", "Cukier", "Ćwiczenia", "Dom", "Lekarz", "Łaźnia", "Zupa", "Źródło", "Żłobek"]


def test_plain_words_come_from_data_not_code(example):
    services = {s.id: s for section in catalogue_sections(example) for s in section.services}
    assert services["U001"].access_text == "Wystarczy przyjść lub zadzwonić."
    assert services["U004"].access_text.startswith("Potrzebne skierowanie")
    assert services["U002"].access_text == "Przyznawana decyzją (złóż wniosek)."
    assert services["U001"].groups_text == "wszyscy mieszkańcy"
    assert services["U047"].groups_text == "wszyscy mieszkańcy, zwłaszcza: osoby starsze"


@pytest.mark.parametrize(("n", "text"), [(0, "Nie znaleziono żadnej usługi"), (1, "Znaleziono 1 usługę"),
                                         (3, "Znaleziono 3 usługi"), (12, "Znaleziono 12 usług"),
                                         (22, "Znaleziono 22 usługi"), (53, "Znaleziono 53 usługi")])
def test_count_text_polish_plural(n, text):
    assert count_text(n) == text


# -- HTML ----------------------------------------------------------------------------------------------------------


def test_every_service_appears_and_headings_match_need_areas(example, example_page):
    text = example_page.text
    for name in example.services["nazwa"]:
        assert name in text, name
    assert example_page.headings["h1"] == ["Katalog usług społecznych — Gmina Przykładowa"]
    situations = [h for h in example_page.headings["h2"] if h.startswith("Szukam pomocy")]
    assert situations == _expected_headings(example)
    card_names = set(example_page.headings["h3"])
    assert set(example.services["nazwa"]) <= card_names


def test_page_is_accessible_and_self_contained(example_html, example_page):
    assert example_page.find("html")[0]["lang"] == "pl"
    skip = [a for a in example_page.find("a") if a.get("href") == "#lista"]
    assert skip and "Przejdź do listy usług" in example_page.text
    assert example_page.find("div", id="lista") or example_page.find("section", id="lista")
    labels = {a.get("for") for a in example_page.find("label")}
    for control in [*example_page.find("input"), *example_page.find("select")]:
        assert control.get("id") in labels, control
    ids = [a["id"] for _, a in example_page.elements if a.get("id")]
    assert len(ids) == len(set(ids)), "element ids are unique"
    # nothing is fetched: no external scripts, styles, fonts or images
    assert not [a for _, a in example_page.elements if a.get("src")]
    assert not example_page.find("link") and not example_page.find("img")
    assert not re.search(r"url\(|@import", example_html)
    assert "Przygotowano w ramach Partnerskiego Zespołu Kooperacyjnego" in example_page.text
    assert "12 maja 2025 r." in example_page.text
    assert "@media print" in example_html


def test_search_box_filters_and_script_exist(example, example_page):
    assert example_page.find("input", type="search", id="szukaj")
    assert example_page.find("select", id="kim") and example_page.find("select", id="dostep")
    assert example_page.find("input", type="checkbox", id="bezplatne")
    assert len(example_page.scripts) == 1
    script = example_page.scripts[0]
    assert "data-usluga" in script and "szukaj" in script and "Znaleziono" in script
    cards = example_page.find("article")
    assert {a["data-usluga"] for a in cards} == {f"u{i}" for i in range(1, len(example.services) + 1)}
    assert all(a["data-dostep"] in {"bez_skierowania", "skierowanie", "decyzja"} for a in cards)
    status = example_page.find("p", id="wynik")[0]
    assert status["role"] == "status" and status["aria-live"] == "polite"
    assert "Znaleziono 53 usługi" in example_page.text
    assert "<noscript>" in render_catalogue_html(example, generated=DAY)


def _checkable_people(data) -> list[str]:
    """Contact persons of the partners that provide services, except values that also occur in printed columns
    (e.g. "Sekretariat" inside sekretariat@… or "Biuro Obsługi Klienta" in a service's place)."""
    printed = " ".join(
        str(v) for frame in (data.services, data.partners.drop(columns="osoba_kontaktowa"))
        for column in frame.columns for v in frame[column] if isinstance(v, str)).lower()
    providers = data.partners[data.partners["id"].isin(set(data.services["partner"]))]
    return [p for p in providers["osoba_kontaktowa"].dropna() if p.lower() not in printed]


def test_no_contact_person_unless_asked(example, example_html, tmp_path):
    people = _checkable_people(example)
    assert len(people) >= 10
    text = _Page(example_html).text
    for person in people:
        assert person not in text and person not in example_html, person
    with_people = write_catalogue_html(example, tmp_path / "k.html", include_personal=True, generated=DAY)
    personal_html = with_people.read_text(encoding="utf-8")
    for person in people:
        assert person in personal_html, person


def test_personal_names_and_emails_are_left_out(private):
    html = render_catalogue_html(private, generated=DAY)
    for value in PERSONAL:
        assert value not in html, value
    assert "sekretariat@pup.example.pl" in html  # institutional mailboxes stay
    assert "tel. 12 111 11 12" in _Page(html).text  # the rest of the service's kontakt stays
    full = render_catalogue_html(private, include_personal=True, generated=DAY)
    for value in PERSONAL:
        assert value in full, value


def test_user_values_are_escaped(private):
    html = render_catalogue_html(private, generated=DAY)
    page = _Page(html)
    assert MALICIOUS not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert MALICIOUS in page.headings["h3"]  # shown as text, as typed
    assert html.count("<script>") == 1
    assert "<b>razem</b>" not in html and "Pomagamy &lt;b&gt;razem&lt;/b&gt;" in html
    hrefs = [a.get("href") or "" for a in page.find("a")]
    assert not [h for h in hrefs if h.lower().startswith("javascript")]
    assert "javascript:alert(1)" in page.text  # an invalid www is printed, never linked


def test_service_without_known_area_goes_to_a_final_section(private):
    sections = catalogue_sections(private)
    assert sections[-1].heading == "Szukam pomocy w innej sprawie"
    assert [s.name for s in sections[-1].services] == ["Usługa bez znanego obszaru"]
    service = sections[-1].services[0]
    assert service.access_text.startswith("Zapytaj") and service.cost_text.startswith("Zapytaj")
    page = _Page(render_catalogue_html(private, generated=DAY))
    assert page.headings["h2"].count("Szukam pomocy w innej sprawie") == 1


def test_linkify_escapes_and_links_contacts():
    out = str(linkify("tel. 12 345 67 89, biuro@ops.example.pl <img src=x onerror=alert(1)>"))
    assert '<a href="tel:123456789">12 345 67 89</a>' in out
    assert '<a href="mailto:biuro@ops.example.pl">biuro@ops.example.pl</a>' in out
    assert "<img" not in out and "&lt;img src=x onerror=alert(1)&gt;" in out


def test_empty_basket_gives_a_polite_page(tmp_path, write_csv_gmina):
    rows = copy.deepcopy(PRIVATE_GMINA)
    del rows["uslugi"]
    data = read_gmina(write_csv_gmina(tmp_path / "pusta", rows))
    assert catalogue_sections(data) == [] and catalogue_providers(data) == []
    path = write_catalogue_html(data, tmp_path / "out", generated=DAY)
    assert path == tmp_path / "out" / HTML_NAME
    page = _Page(path.read_text(encoding="utf-8"))
    assert "w przygotowaniu" in page.text
    assert "Gminny Ośrodek Pomocy Społecznej" in page.text  # where to go meanwhile
    assert not page.find("article") and not page.scripts
    assert page.find("html")[0]["lang"] == "pl"
    document = docx.Document(str(write_catalogue_docx(data, tmp_path / "out", generated=DAY)))
    assert "w przygotowaniu" in _docx_text(document)


def test_writing_is_atomic_and_respects_overwrite(example, tmp_path):
    target = tmp_path / "wynik" / "katalog.html"
    assert write_catalogue_html(example, target, generated=DAY) == target
    with pytest.raises(OutputExists):
        write_catalogue_html(example, target, overwrite=False)
    write_catalogue_html(example, target, generated=DAY)  # overwrite=True is the default
    assert [p.name for p in target.parent.iterdir()] == ["katalog.html"]


# -- DOCX ----------------------------------------------------------------------------------------------------------


def test_docx_structure(example, example_docx):
    assert _headings(example_docx, 1)[0] == "Jak korzystać z katalogu"
    situations = [h for h in _headings(example_docx, 1) if h.startswith("Szukam pomocy")]
    assert situations == _expected_headings(example)
    assert _headings(example_docx, 1)[-2:] == ["Wszystkie usługi od A do Z", "Kontakt do instytucji"]
    cards = _headings(example_docx, 2)
    assert set(cards) == set(example.services["nazwa"])
    assert len(cards) == sum(len(s.services) for s in catalogue_sections(example))
    assert len(example_docx.tables) == len(cards) + 1  # one small table per card and the index
    first = example_docx.tables[0]
    labels = [row.cells[0].text for row in first.rows]
    for label in ("Dla kogo", "Jak skorzystać", "Koszt", "Gdzie i kiedy", "Kontakt", "Świadczy"):
        assert label in labels
    text = _docx_text(example_docx)
    for name in example.services["nazwa"]:
        assert name in text
    assert "Przygotowano w ramach Partnerskiego Zespołu Kooperacyjnego" in text
    assert "12 maja 2025 r." in text
    section = example_docx.sections[0]
    assert abs(section.page_width - Cm(21)) < Cm(0.1) and abs(section.page_height - Cm(29.7)) < Cm(0.1)
    assert example_docx.styles["Normal"].font.size.pt == 11
    assert "PAGE" in section.footer._element.xml


def test_docx_look_survives_the_shared_word_layer(example_docx):
    """What the catalogue looked like before it moved onto word.py: Calibri 11 pt for every script, navy Word
    heading styles (a rule under Heading 1), a grey subtitle, shaded bold labels in fixed-width 2-column grids,
    a repeated index header and ``… · strona N z M`` in the footer."""
    styles = example_docx.styles
    for name in ("Normal", "Title", "Subtitle", "Heading 1", "Heading 2"):
        fonts = styles[name].element.rPr.rFonts
        assert {fonts.get(qn(f"w:{script}")) for script in ("ascii", "hAnsi", "eastAsia", "cs")} == {"Calibri"}
        assert not [key for key in fonts.attrib if key.endswith("Theme") or key.endswith("theme")], name
    sizes = {name: styles[name].font.size.pt for name in ("Normal", "Title", "Subtitle", "Heading 1", "Heading 2")}
    assert sizes == {"Normal": 11, "Title": 26, "Subtitle": 16, "Heading 1": 16, "Heading 2": 13}
    for name in ("Title", "Heading 1", "Heading 2"):
        assert styles[name].font.color.rgb == RGBColor(0x1F, 0x38, 0x64), name
    assert styles["Subtitle"].font.color.rgb == RGBColor(0x40, 0x40, 0x40)
    assert styles["Heading 1"].element.pPr.find(qn("w:pBdr")).find(qn("w:bottom")).get(qn("w:color")) == "1F3864"
    assert styles["Normal"].element.rPr.find(qn("w:lang")).get(qn("w:val")) == "pl-PL"
    assert [p.style.name for p in example_docx.paragraphs[:2]] == ["Title", "Subtitle"]
    section = example_docx.sections[0]
    assert round(section.left_margin.cm, 2) == round(section.top_margin.cm, 2) == 2.0

    *cards, index = example_docx.tables
    for grid in (*cards, index):
        assert grid.style.name == "Table Grid" and len(grid.columns) == 2
        assert grid._tbl.tblPr.find(qn("w:tblW")).get(qn("w:type")) == "dxa"
        assert grid._tbl.tblPr.find(qn("w:tblLayout")).get(qn("w:type")) == "fixed"
    card = cards[0]
    assert [round(column.width.cm, 1) for column in card.columns] == [3.6, 13.4]
    for row in card.rows:
        label = row.cells[0]
        assert label._tc.tcPr.find(qn("w:shd")).get(qn("w:fill")) == "EDF1F7"
        assert all(run.bold for run in label.paragraphs[0].runs)
        assert row._tr.trPr.find(qn("w:cantSplit")) is not None
    header = index.rows[0]
    assert [cell.text for cell in header.cells] == ["Usługa", "Świadczy"]
    assert header._tr.trPr.find(qn("w:tblHeader")) is not None
    assert all(cell._tc.tcPr.find(qn("w:shd")).get(qn("w:fill")) == "EDF1F7" for cell in header.cells)
    assert len(index.rows) == len(set(_headings(example_docx, 2))) + 1  # each service once

    footer = section.footer.paragraphs[0]
    assert footer.text.startswith("Katalog usług społecznych — Gmina Przykładowa · 12 maja 2025 r. · strona ")
    assert footer.text.endswith("strona  z ")  # the page numbers are fields, filled in by Word and LibreOffice
    assert [field.get(qn("w:instr")) for field in footer._p.iter(qn("w:fldSimple"))] == ["PAGE", "NUMPAGES"]


def test_docx_privacy(example, example_docx, private, tmp_path):
    people = _checkable_people(example)
    text = _docx_text(example_docx)
    assert people and not [p for p in people if p in text]

    hidden = _docx_text(docx.Document(str(write_catalogue_docx(private, tmp_path, generated=DAY))))
    for value in PERSONAL:
        assert value not in hidden, value
    assert MALICIOUS in hidden  # plain text in Word: nothing to escape, nothing executed
    shown = write_catalogue_docx(private, tmp_path / "osobowe.docx", include_personal=True, generated=DAY)
    shown_text = _docx_text(docx.Document(str(shown)))
    for value in PERSONAL:
        assert value in shown_text, value
    assert (tmp_path / DOCX_NAME).exists()


def test_word_catalogue_tags_the_native_sentences_with_their_language(example_docx):
    """The sentence said in Ukrainian is proofed as Ukrainian (in English as English), the Polish ones around it
    stay Polish."""
    tagged, polish_runs = [], []
    for table in example_docx.tables:
        for row in table.rows:
            for run_ in row.cells[-1].paragraphs[0].runs:
                rpr = run_._r.rPr
                lang = rpr.find(qn("w:lang")) if rpr is not None else None
                if lang is not None:
                    tagged.append((run_.text, lang.get(qn("w:val"))))
                elif run_.text.startswith("Usługa także po ukraińsku"):
                    polish_runs.append(run_.text)
    assert "uk" in {value for _, value in tagged} <= {"uk", "en"}  # the example also serves in English
    assert all(bool(re.search(r"[а-яіїєґ]", text)) == (value == "uk") for text, value in tagged)
    assert polish_runs
