"""``pzk dokumenty``: the printable forms and PZK documents, checked by reading the DOCX files back."""

from __future__ import annotations

import copy
import itertools
import re
from pathlib import Path

import pytest
from docx import Document
from docx.table import Table
from docx.text.paragraph import Paragraph

from pzk_kit.cli import main
from pzk_kit.evaluation.instrument import load_instrument
from pzk_kit.files import OutputExists
from pzk_kit.workbook.example import example_dir
from pzk_kit.workbook.reading import read_gmina
from pzk_kit.workshop import documents

MISSION = "Razem szybciej pomagamy rodzinom"
PERSON = "Jan Kowalski"
PERSONAL_EMAIL = "jan.kowalski@gops.pl"
MOBILE = "601 234 567"


def _small_gmina_rows(blueprint, *, mission: bool = True) -> dict[str, list[list[object]]]:
    """The conftest's minimal gmina with a mission, a second measurement and personal data never to be printed."""
    rows = copy.deepcopy(blueprint)
    if mission:
        rows["gmina"].append(["misja", MISSION])
    rows["partnerzy"][0] += ["adres", "telefon", "osoba_kontaktowa"]
    rows["partnerzy"][1] += ["ul. Rynek 1, 00-001 Testowo", "12 345 67 89", PERSON]
    rows["partnerzy"][2] += ["", MOBILE, "Anna Nowak"]
    rows["partnerzy"][3] += ["", "", ""]
    rows["partnerzy"][4] += ["", "", ""]
    rows["partnerzy"][2][6] = PERSONAL_EMAIL  # PUP's e-mail looks like a person's mailbox
    rows["wspolpraca"].append(["GOPS", "PUP", "4", "Wspólny projekt", "4", "4", "T1"])
    rows["uslugi"][0].append("kontakt")
    rows["uslugi"][1].append(f"tel. 12 345 67 89, {PERSON}, {PERSONAL_EMAIL}")
    rows["uslugi"][2].append("")
    return rows


@pytest.fixture(scope="module")
def small_dir(tmp_path_factory, write_csv_gmina, gmina_blueprint) -> Path:
    return write_csv_gmina(tmp_path_factory.mktemp("gmina") / "testowa", _small_gmina_rows(gmina_blueprint))


@pytest.fixture(scope="module")
def small_docs(small_dir, tmp_path_factory) -> Path:
    data = read_gmina(small_dir)
    assert data.report.ok, data.report.format_text()
    out = tmp_path_factory.mktemp("docs") / "dokumenty"
    documents.write_documents(data, out)
    return out


@pytest.fixture(scope="module")
def example_docs(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("example") / "dokumenty"
    documents.write_documents(read_gmina(example_dir()), out)
    return out


# -- reading DOCX back ------------------------------------------------------------------------------------------


def _blocks(path: Path) -> list[Paragraph | Table]:
    document = Document(str(path))
    body = document.element.body
    return [Paragraph(el, document) if el.tag.endswith("}p") else Table(el, document)
            for el in body.iterchildren() if el.tag.endswith(("}p", "}tbl"))]


def _text(block: Paragraph | Table) -> str:
    if isinstance(block, Paragraph):
        return block.text
    return "\n".join(cell.text for row in block.rows for cell in _unique_cells(row))


def _unique_cells(row):
    seen = []
    for cell in row.cells:
        if not any(cell._tc is other._tc for other in seen):
            seen.append(cell)
    return seen


def _pages(path: Path) -> list[str]:
    """Text of each part that starts on a new page (a paragraph with ``page_break_before``)."""
    pages: list[list[str]] = [[]]
    for block in _blocks(path):
        if isinstance(block, Paragraph) and block.paragraph_format.page_break_before and pages[-1]:
            pages.append([])
        pages[-1].append(_text(block))
    return ["\n".join(page) for page in pages]


def _all_text(path: Path) -> str:
    document = Document(str(path))
    parts = [_text(b) for b in _blocks(path)]
    for section in document.sections:
        parts += [p.text for p in section.footer.paragraphs]
    props = document.core_properties
    parts += [props.title or "", props.author or "", props.comments or ""]
    return "\n".join(parts)


def _tables(path: Path) -> list[Table]:
    return Document(str(path)).tables


def _rows(table: Table) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in table.rows]


# -- survey form ------------------------------------------------------------------------------------------------


def test_survey_form_lists_every_item_in_instrument_order_with_six_answer_columns(small_docs):
    instrument = load_instrument()
    items_table = next(t for t in _tables(small_docs / documents.SURVEY_FORM) if t.rows[0].cells[0].text == "Kod")
    header = _rows(items_table)[0]
    assert header[2:] == ["1", "2", "3", "4", "5", "Nie wiem"]
    item_rows = [r for r in _rows(items_table)[1:] if re.fullmatch(r"q\d\d", r[0])]
    assert [r[0] for r in item_rows] == instrument.item_codes
    assert len(item_rows) == 30
    for row, item in zip(item_rows, instrument.items, strict=True):
        assert row[1] == item.text
        assert row[2:] == [documents.BOX] * 6
    factor_rows = [r[0] for r in _rows(items_table)[1:] if not re.fullmatch(r"q\d\d", r[0])]
    assert factor_rows == [f.name for f in instrument.factors]


def test_survey_form_hides_reverse_coding_and_has_admin_and_sector_boxes(small_docs):
    text = _all_text(small_docs / documents.SURVEY_FORM)
    assert "Gmina Testowa" in text
    assert "odwr" not in text.lower()
    assert "Kod respondenta" in text and "Pomiar" in text
    for label in ("Pomoc społeczna", "Wymiar sprawiedliwości", "Przedsiębiorcy"):
        assert f"{documents.BOX}  {label}" in text


def test_blank_survey_form_needs_no_gmina(tmp_path):
    path = documents.write_survey_form(tmp_path)
    assert path == tmp_path / documents.SURVEY_FORM
    text = _all_text(path)
    assert "Gmina:" in text and "Testowa" not in text
    assert "T0" in text and "T1" in text
    with_measurement = documents.write_survey_form(tmp_path / "t1.docx", gmina_name="Gmina X", measurement="T1")
    admin = next(t for t in _tables(with_measurement) if "Kod respondenta" in t.rows[0].cells[0].text)
    assert "T1" in [c.text for c in admin.rows[0].cells]
    with pytest.raises(OutputExists):
        documents.write_survey_form(path)


# -- letters ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name, title", [(documents.LETTERS_OF_INTENT, "List intencyjny"),
                                         (documents.DECLARATIONS, "Deklaracja przystąpienia")])
def test_one_letter_per_partner_and_candidate_with_merged_values(small_docs, name, title):
    pages = _pages(small_docs / name)
    expected = ["Powiatowy Urząd Pracy", "Szkoła Podstawowa nr 1", "Komenda Powiatowa Policji"]
    assert len(pages) == len(expected)
    for page, partner in zip(pages, expected, strict=True):
        assert page.startswith(title)
        assert partner in page
        assert "Gmina Testowa" in page
        assert f"„{MISSION}”" in page
        assert "Gminny Ośrodek Pomocy Społecznej" in page  # the leader co-signs
        assert page.count(partner) >= 2  # in the text and under the signature line
        assert "(podpis i pieczęć osoby upoważnionej)" in page
        assert "dnia" in page
        others = [p for p in expected if p != partner]
        assert not any(o in page for o in others)


def test_letters_without_mission_leave_a_line_to_fill_in(tmp_path, write_csv_gmina, gmina_blueprint):
    data = read_gmina(write_csv_gmina(tmp_path / "g", _small_gmina_rows(gmina_blueprint, mission=False)))
    path = documents.write_declarations(data, tmp_path / "d.docx")
    page = _pages(path)[0]
    assert "misja PZK – do uzgodnienia" in page
    assert "Partnerski Zespół Kooperacyjny" in page or "Partnerskiego Zespołu" in page


def test_letter_templates_have_only_known_placeholders():
    for name in ("list_intencyjny", "deklaracja"):
        found = set(re.findall(r"\{(\w+)\}", documents.letter_template(name)))
        assert found <= {"partner", "lider", "gmina", "misja"}
        assert {"partner", "lider", "gmina"} <= found


# -- partner cards ----------------------------------------------------------------------------------------------


def test_partner_card_lists_ties_both_ways_latest_measurement_first(small_docs):
    pages = _pages(small_docs / documents.PARTNER_CARDS)
    assert len(pages) == 4
    gops = pages[0]
    assert "Gminny Ośrodek Pomocy Społecznej" in gops
    assert gops.index("Pomiar T1") < gops.index("Pomiar T0")
    t1, t0 = gops.split("Pomiar T0")
    assert "Nasze zgłoszenia: z kim współpracujemy (1)" in t1
    assert "Powiatowy Urząd Pracy\n4 – Koalicja\nWspólny projekt\n4 – bardzo wysokie\n4 – bardzo wysokie" in t1
    assert "Zgłoszenia innych partnerów o współpracy z nami (0)" in t1
    assert "Nasze zgłoszenia: z kim współpracujemy (2)" in t0
    assert ("Powiatowy Urząd Pracy\n3 – Koordynacja\nWymiana informacji, kierowanie klientów\n4 – bardzo wysokie\n"
            "3 – wysokie") in t0
    assert "Szkoła Podstawowa nr 1\n1 – Sieciowanie\nWymiana informacji\n2 – umiarkowane\n2 – umiarkowane" in t0
    assert "Zgłoszenia innych partnerów o współpracy z nami (1)" in t0
    assert "Powiatowy Urząd Pracy\n2 – Kooperacja\nWymiana informacji\n3 – wysokie\n3 – wysokie" in t0
    assert "Nowa lub poprawiona współpraca" in gops
    kpp = pages[3]
    assert kpp.count("Brak zgłoszeń w tym pomiarze.") == 4


def test_partner_card_shows_institution_data_only(small_docs):
    pages = _pages(small_docs / documents.PARTNER_CARDS)
    assert "ul. Rynek 1, 00-001 Testowo" in pages[0] and "12 345 67 89" in pages[0]
    assert "Lider" in pages[0] and "Pomoc społeczna" in pages[0] and "15.03.2024" in pages[0]
    assert "gops@example.pl" in pages[0]
    pup = pages[1]
    assert MOBILE not in pup and PERSONAL_EMAIL not in pup and "Anna Nowak" not in pup


def test_blank_rows_for_new_cooperation(small_docs):
    tables = _tables(small_docs / documents.PARTNER_CARDS)
    blank = [t for t in tables if t.rows[0].cells[0].text == "Partner"
             and all(c.text == "" for row in t.rows[1:] for c in row.cells)]
    assert len(blank) == 4
    assert all(len(t.rows) == 1 + documents.BLANK_COOPERATION_ROWS for t in blank)


# -- service cards ----------------------------------------------------------------------------------------------


def test_service_cards_with_blank_cards_for_partners_without_services(small_docs):
    pages = _pages(small_docs / documents.SERVICE_CARDS)
    assert len(pages) == 5  # four partners and the dictionary appendix
    gops = pages[0]
    assert "Poradnictwo socjalne   (U1)" in gops
    assert "Ubóstwo, Bezrobocie" in gops and "Wszyscy mieszkańcy" in gops
    assert "Bez skierowania" in gops and "Bezpłatna" in gops
    assert gops.count("Nowa usługa (do wypełnienia ręcznie)") == 1
    pup = pages[1]
    assert "Szkolenia zawodowe" in pup and "Osoby bezrobotne, Młodzież" in pup and "20" in pup
    assert "Kontakt\ntel. 12 345 67 89\n" in gops  # the service's own contact without the person and the e-mail
    assert "Kontakt\n—\n" in pup  # no own contact and the institution's phone and e-mail look personal
    assert PERSON not in gops + pup and PERSONAL_EMAIL not in gops + pup and MOBILE not in pup
    assert pages[2].count("Nowa usługa (do wypełnienia ręcznie)") == 2
    assert "nie ma jeszcze żadnej usługi" in pages[2]
    assert "Bezdomność" in pages[4] and "Osoby starsze" in pages[4]


# -- attendance list --------------------------------------------------------------------------------------------


def test_attendance_list_prefilled_leader_first_with_guest_rows(small_docs):
    table = next(t for t in _tables(small_docs / documents.ATTENDANCE_LIST) if t.rows[0].cells[0].text == "Lp.")
    rows = _rows(table)
    assert rows[0] == ["Lp.", "Instytucja", "Imię i nazwisko", "Podpis"]
    assert [r[1] for r in rows[1:5]] == ["Gminny Ośrodek Pomocy Społecznej", "Powiatowy Urząd Pracy",
                                         "Szkoła Podstawowa nr 1", "Komenda Powiatowa Policji"]
    assert rows[5][0] == "Goście i instytucje spoza PZK"
    guests = rows[6:]
    assert len(guests) == documents.GUEST_ROWS
    assert [r[0] for r in rows[1:5] + guests] == [str(n) for n in range(1, 5 + documents.GUEST_ROWS)]
    assert all(r[2] == "" and r[3] == "" for r in rows[1:5] + guests)
    text = _all_text(small_docs / documents.ATTENDANCE_LIST)
    assert "Data spotkania:" in text and "Miejsce:" in text and "Temat spotkania:" in text


# -- privacy ----------------------------------------------------------------------------------------------------


def test_no_personal_data_in_any_document(small_docs):
    assert sorted(p.name for p in small_docs.iterdir()) == sorted(documents.DOCUMENT_FILES)
    for path in small_docs.iterdir():
        text = _all_text(path)
        for value in (PERSON, "Anna Nowak", PERSONAL_EMAIL, MOBILE):
            assert value not in text, (path.name, value)


def test_example_documents_carry_no_contact_person(example_docs):
    data = read_gmina(example_dir())
    institutional = " ".join(
        str(v) for column in ("nazwa", "adres", "email", "www") for v in data.partners[column].dropna()
    ) + " ".join(str(v) for column in ("nazwa", "opis", "miejsce", "kontakt") for v in data.services[column].dropna())
    persons = [v for v in data.partners["osoba_kontaktowa"].dropna().unique()
               if v.casefold() not in institutional.casefold()]
    assert len(persons) >= 20  # the check is meaningful: most values never occur in institutional fields
    for name in documents.DOCUMENT_FILES:
        text = _all_text(example_docs / name)
        found = [p for p in persons if p in text]
        assert not found, (name, found)


def test_example_letters_one_page_each_with_its_partner(example_docs):
    data = read_gmina(example_dir())
    expected = [r["nazwa"] for r in documents.letter_partners(data)]
    assert len(expected) == 26
    pages = _pages(example_docs / documents.LETTERS_OF_INTENT)
    assert len(pages) == len(expected)
    for page, name in zip(pages, expected, strict=True):
        assert name in page and "Centrum Usług Społecznych w Przykładowie" in page
        assert data.info["misja"] in page


# -- command line -----------------------------------------------------------------------------------------------


def test_cli_writes_all_documents_and_refuses_to_overwrite(small_dir, tmp_path, capsys):
    out = tmp_path / "dok"
    assert main(["dokumenty", str(small_dir), "--out", str(out)]) == 0
    assert sorted(p.name for p in out.iterdir()) == sorted(documents.DOCUMENT_FILES)
    assert "karty_partnerow.docx" in capsys.readouterr().out
    marker = out / documents.SURVEY_FORM
    before = marker.read_bytes()
    assert main(["dokumenty", str(small_dir), "--out", str(out)]) == 1
    assert "--nadpisz" in capsys.readouterr().err
    assert marker.read_bytes() == before
    assert main(["dokumenty", str(small_dir), "--out", str(out), "--nadpisz"]) == 0
    assert sorted(p.name for p in out.iterdir()) == sorted(documents.DOCUMENT_FILES)
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temporary folders left behind


def test_cli_invalid_input_exit_2_and_nothing_written(tmp_path, capsys, write_csv_gmina, gmina_blueprint):
    rows = _small_gmina_rows(gmina_blueprint)
    rows["partnerzy"][2][2] = "Zdrowiee i coś"  # not a sector
    source = write_csv_gmina(tmp_path / "zla", rows)
    out = tmp_path / "dok"
    assert main(["dokumenty", str(source), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "sektor" in err and "Nic nie zapisano" in err
    assert not out.exists()
    assert main(["dokumenty", str(tmp_path / "nie_ma"), "--out", str(out)]) == 2
    assert not out.exists()
    with pytest.raises(ValueError, match="błędy"):
        documents.write_documents(read_gmina(source), out)


# -- accessible structure: real headings (Word's navigation pane, screen readers) and Polish proofing -------------


def _outline(path: Path) -> list[tuple[int, str]]:
    """(level, text) of every heading paragraph, as Word's navigation pane lists them."""
    return [(int(p.style.name.split()[-1]), p.text) for p in Document(str(path)).paragraphs
            if p.style.name.startswith("Heading ")]


@pytest.mark.parametrize("name", [documents.PARTNER_CARDS, documents.SERVICE_CARDS, documents.LETTERS_OF_INTENT,
                                  documents.DECLARATIONS, documents.ATTENDANCE_LIST, documents.SURVEY_FORM])
def test_documents_have_real_headings_that_never_skip_a_level_and_speak_polish(example_docs, name):
    from docx.oxml.ns import qn

    document = Document(str(example_docs / name))
    outline = _outline(example_docs / name)
    assert outline and outline[0][0] == 1, outline[:3]
    assert all(b[0] <= a[0] + 1 for a, b in itertools.pairwise(outline)), outline
    assert not [p.text for p in document.paragraphs if p.style.name == "Title"]  # a Title is no heading in Word
    # Heading 1 has an outline level, so the navigation pane and PDF bookmarks list it
    level = document.styles["Heading 1"].element.find(f"{qn('w:pPr')}/{qn('w:outlineLvl')}")
    assert level is not None and level.get(qn("w:val")) == "0"
    defaults = document.styles.element.find(qn("w:docDefaults"))
    assert defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}/{qn('w:lang')}").get(qn("w:val")) == "pl-PL"


def test_partner_cards_and_letters_list_every_partner_in_the_navigation_pane(example_docs):
    data = read_gmina(example_dir())
    names = set(data.partners["nazwa"])
    cards = [text for level, text in _outline(example_docs / documents.PARTNER_CARDS) if level == 1]
    assert set(cards) == names and len(cards) == len(names)
    card_levels = {level for level, _ in _outline(example_docs / documents.PARTNER_CARDS)}
    assert card_levels == {1, 2, 3}  # partner → measurement / new cooperation → ties reported each way
    letters = [text for level, text in _outline(example_docs / documents.DECLARATIONS) if level == 1]
    assert letters and set(letters) == {"Deklaracja przystąpienia"}
    assert len(letters) == len(documents.letter_partners(data))
