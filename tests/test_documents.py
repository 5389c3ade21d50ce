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
from pzk_kit.network.measures import members_without_declaration
from pzk_kit.privacy import published
from pzk_kit.workbook.example import POWIAT_EXAMPLE_NAME, example_dir
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
                                  documents.DECLARATIONS, documents.ATTENDANCE_LIST, documents.SURVEY_FORM,
                                  documents.JOINT_LETTER, documents.AGREEMENT])
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


# -- joint documents: one list intencyjny and one porozumienie signed by every member and the organ ---------------

HOSTILE_CSV = Path(__file__).resolve().parent / "data" / "hostile" / "gmina_wroga_csv"
SIGNER = "Wicestarosta Powiatu Piskiego"
BASIS = "uchwała nr 112/2024 Zarządu Powiatu Piskiego"


def _signature_table(path: Path) -> Table:
    """The table of signatures: the last table, its header naming the signature column."""
    table = _tables(path)[-1]
    assert "Podpis i pieczęć" in table.rows[0].cells[2].text
    return table


def _signatories(table: Table) -> list[str]:
    """The first line (the institution or the organ) of each signature row."""
    return [row.cells[1].paragraphs[0].text for row in table.rows[1:]]


def _row_has(row, tag: str) -> bool:
    from docx.oxml.ns import qn

    properties = row._tr.trPr
    return properties is not None and properties.find(qn(tag)) is not None


def _powiat_rows(blueprint, **fields: str) -> dict[str, list[list[object]]]:
    rows = _small_gmina_rows(blueprint)
    rows["gmina"] = [r for r in rows["gmina"] if r[0] not in ("nazwa", "teryt")]
    rows["gmina"] += [["nazwa", "Powiat Piski"], *[[k, v] for k, v in fields.items()]]
    return rows


@pytest.mark.parametrize("name", [documents.AGREEMENT, documents.JOINT_LETTER])
def test_every_member_signs_once_and_candidates_are_only_invited(example_docs, name):
    data = read_gmina(example_dir())
    table = _signature_table(example_docs / name)
    signers = _signatories(table)
    members = [r["nazwa"] for r in documents.member_partners(data)]
    candidates = data.partners.loc[data.partners["rola"] == "kandydat", "nazwa"].tolist()
    assert len(members) == 24 and len(candidates) == 3
    assert signers[0] == "Burmistrz (Gmina Przykładowa)"  # the organ signs first, then the leader
    assert signers[1:] == members and signers[1] == "Centrum Usług Społecznych w Przykładowie"
    assert all(signers.count(m) == 1 for m in members)
    assert not set(candidates) & set(signers)
    text = _all_text(example_docs / name)
    for candidate in candidates:  # listed as invited, outside the tables
        assert text.count(candidate) == 1
    # the header row repeats on every page, no row is ever split between pages, each row has its Lp.
    assert _row_has(table.rows[0], "w:tblHeader")
    assert all(_row_has(row, "w:cantSplit") for row in table.rows[1:])
    assert [row.cells[0].text for row in table.rows[1:]] == [str(k) for k in range(1, 26)]
    assert [row.cells[2].text for row in table.rows[1:]] == [""] * 25  # signed by hand


def test_agreement_names_the_parties_with_addresses_and_the_content_a_lawyer_expects(example_docs):
    data = read_gmina(example_dir())
    path = example_docs / documents.AGREEMENT
    parties = _tables(path)[0]
    assert _rows(parties)[0] == ["Lp.", "Instytucja lub organ", "Adres siedziby", "Rola w PZK"]
    body = _rows(parties)[1:]
    assert body[0][1] == "Burmistrz (Gmina Przykładowa)" and body[0][3] == "jednostka samorządu terytorialnego"
    assert body[1] == ["2", "Centrum Usług Społecznych w Przykładowie", "ul. Rynek 12, 00-001 Przykładowo",
                       "lider PZK"]
    assert [r[3] for r in body[2:]] == ["partner"] * 23
    text = _all_text(path)
    outline = [t for level, t in _outline(path) if level == 2]
    assert outline[:8] == ["§ 1. Przedmiot i cel porozumienia", "§ 2. Obszar działania",
                           "§ 3. Lider, współliderzy i koordynator", "§ 4. Zobowiązania Stron",
                           "§ 5. Ochrona danych osobowych", "§ 6. Finansowanie",
                           "§ 7. Czas trwania, przystąpienie i wystąpienie", "§ 8. Postanowienia końcowe"]
    assert outline[-1] == "Podpisy Stron"
    assert f"„{data.info['misja']}”" in text
    assert "PZK działa na obszarze: Gmina Przykładowa (powiat przykładowski)." in text
    assert "Liderem PZK jest Centrum Usług Społecznych w Przykładowie." in text
    assert "koordynator PZK: Zastępca dyrektora CUS ds. usług społecznych" in text
    assert "Zadaniowych Zespołów Kooperacyjnych" in text and "RODO" in text and "wyłącznie za zgodą" in text
    assert "kodami" in text and "nie rodzi zobowiązań finansowych" in text and "czas nieokreślony" in text
    assert "Projekt: Kooperacje 3D" in text  # the default project; the model's principles keep its name
    assert "zasad modelu Kooperacje 3D" in text
    for person in data.partners["osoba_kontaktowa"].dropna():  # positions only, never a contact person
        if person not in ("Sekretariat", "Koordynator PZK"):
            assert person not in text, person


def test_powiat_authority_signs_through_its_signer_with_the_basis(tmp_path, write_csv_gmina, gmina_blueprint):
    rows = _powiat_rows(gmina_blueprint, zasieg="Powiat", gminy="Pisz; Biała Piska; Orzysz", organ="Starosta",
                        podpisujacy=SIGNER, upowaznienie=BASIS, nazwa_projektu="Kooperacja efektywna i skuteczna",
                        koordynator="")
    data = read_gmina(write_csv_gmina(tmp_path / "powiat", rows))
    path = documents.write_agreement(data, tmp_path / "porozumienie.docx")
    table = _signature_table(path)
    first = table.rows[1].cells[1]
    assert first.paragraphs[0].text == f"Starosta (Powiat Piski) — podpisuje: {SIGNER}"
    assert first.paragraphs[1].text == f"Podstawa: {BASIS}"
    text = _all_text(path)
    assert "Projekt: Kooperacja efektywna i skuteczna" in text
    assert "„Kooperacja efektywna i skuteczna”" in text
    assert "PZK działa na obszarze: Powiat Piski – PZK powiatowy, w tym gminy: Pisz, Biała Piska oraz Orzysz." in text
    assert f"koordynator PZK: {documents.DOTS}" in text  # no coordinator yet: a place to write one in


@pytest.mark.parametrize("organ, signer, expected", [
    ("Wójt", "", "Wójt (Powiat Piski)"),
    ("Prezydent miasta", "Dyrektor MOPS z upoważnienia Prezydenta", "Prezydent miasta (Powiat Piski) — podpisuje: "
     "Dyrektor MOPS z upoważnienia Prezydenta"),
    ("", "", f"Organ samorządu (Powiat Piski): {documents.DOTS}"),
])
def test_authority_line_for_each_organ(tmp_path, write_csv_gmina, gmina_blueprint, organ, signer, expected):
    rows = _powiat_rows(gmina_blueprint, organ=organ, podpisujacy=signer)
    data = read_gmina(write_csv_gmina(tmp_path / "g", rows))
    assert data.report.ok, data.report.format_text()
    assert documents.authority_lines(data) == [expected]


def test_co_leaders_sign_first_and_share_the_leaders_tasks(small_dir, tmp_path):
    data = read_gmina(small_dir)
    data.info["liderzy"] = ["GOPS", "PUP"]  # what the roles branch reads from "lider: GOPS; PUP"
    path = documents.write_agreement(data, tmp_path / "porozumienie.docx")
    table = _signature_table(path)
    assert _signatories(table)[1:] == ["Gminny Ośrodek Pomocy Społecznej", "Powiatowy Urząd Pracy",
                                       "Szkoła Podstawowa nr 1"]
    roles = [row.cells[1].paragraphs[1].text for row in table.rows[2:]]
    assert roles == ["lider PZK", "współlider PZK", "partner"]
    text = _all_text(path)
    assert ("Liderami PZK są: Gminny Ośrodek Pomocy Społecznej oraz Powiatowy Urząd Pracy. Spotkania PZK zwołuje "
            "Gminny Ośrodek Pomocy Społecznej") in text
    assert "Komenda Powiatowa Policji" not in _text(table) and "Komenda Powiatowa Policji" in text


def test_powiat_example_agreement_is_signed_by_both_co_leaders_and_the_wicestarosta(tmp_path):
    data = read_gmina(example_dir(POWIAT_EXAMPLE_NAME))
    assert data.report.ok, data.report.format_text()
    paths = documents.write_documents(data, tmp_path / "dok")
    assert sorted(p.name for p in paths) == sorted(documents.DOCUMENT_FILES)
    signers = _signatories(_signature_table(tmp_path / "dok" / documents.AGREEMENT))
    assert signers[0] == "Starosta (Powiat Przykładowy) — podpisuje: Wicestarosta Powiatu Przykładowego"
    assert signers[1:3] == ["Ośrodek Pomocy Społecznej w Jeziorowie", "Powiatowe Centrum Pomocy Rodzinie w Jeziorowie"]
    assert len(signers) == 1 + 23  # the organ and 23 members; two candidates are only invited


def test_hostile_names_are_plain_text_in_the_joint_documents(tmp_path):
    data = read_gmina(HOSTILE_CSV)
    shown = published(data)
    members = [r for r in documents.member_partners(shown)]
    for build in (documents.write_agreement, documents.write_joint_letter):
        path = build(data, tmp_path / f"{build.__name__}.docx")
        signers = _signatories(_signature_table(path))
        expected = [documents.display_text(r.get("nazwa")) or r["id"] for r in members]
        assert signers[1:] == expected
        assert any("<script>" in s or "=HYPERLINK(" in s or "<svg" in s for s in signers), signers
        text = _all_text(path)
        assert data.name in text  # "Gmina <script>…</script> Przykładowa", as typed


def test_porozumienie_counts_as_signed(tmp_path, write_csv_gmina, gmina_blueprint):
    rows = _small_gmina_rows(gmina_blueprint)
    rows["partnerzy"][2][4] = "Porozumienie"  # PUP
    rows["partnerzy"][3][4] = "porozumienie podpisane"  # SP1, an alias
    data = read_gmina(write_csv_gmina(tmp_path / "g", rows))
    assert data.report.ok, data.report.format_text()
    assert data.partners.set_index("id").loc[["PUP", "SP1"], "deklaracja"].tolist() == ["porozumienie"] * 2
    assert not [p for p in data.report.problems if p.column == "deklaracja"]  # no "nothing signed" warning
    assert members_without_declaration(data).empty
    rows["partnerzy"][3][4] = "Brak"
    data = read_gmina(write_csv_gmina(tmp_path / "h", rows))
    assert members_without_declaration(data)["id"].tolist() == ["SP1"]  # the rule still sees the unsigned


def test_joint_templates_have_only_known_placeholders_and_markers():
    known = {"gmina", "projekt", "obszar", "liderzy", "lider", "koordynator", "misja"}
    for name in ("porozumienie", "list_intencyjny_wspolny"):
        template = documents.letter_template(name)
        assert set(re.findall(r"\{(\w+)\}", template)) <= known
        markers = {m.split(":")[0] for m in re.findall(r"^\[([^\]]+)\]$", template, re.M)}
        assert markers == {"data", "misja", "strony", "kandydaci", "podpisy_stron"}
