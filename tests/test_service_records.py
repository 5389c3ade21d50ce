"""Richer service records (issue 17 item 2): the rules of ``data_weryfikacji`` and ``jezyki``, the resident
catalogue's new fields (HTML and Word, hostile values escaped) and the template's drop-downs for them."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import docx
import openpyxl
import pytest
from test_catalogue import _Page  # the catalogue tests' small HTML parser

from pzk_kit.basket.catalogue import build_catalogue_docx, catalogue_services, render_catalogue_html
from pzk_kit.workbook import service_records
from pzk_kit.workbook.dictionaries import dictionary
from pzk_kit.workbook.example import example_dir
from pzk_kit.workbook.reading import read_gmina
from pzk_kit.workbook.templates import write_template

DAY = dt.date(2026, 12, 1)
HOSTILE = Path(__file__).resolve().parent / "data" / "hostile" / "gmina_wroga_csv"
SERVICE_HEADER = ["id", "partner", "nazwa", "obszary", "grupy", "zakres", "co_zabrac", "dostepnosc", "jezyki",
                  "obszar_dzialania", "data_weryfikacji"]


@pytest.fixture
def records(gmina_rows, write_csv_gmina, tmp_path):
    """The minimal gmina with four services: fresh, stale, future-dated and only in Ukrainian; PUP is a CIS."""
    gmina_rows["partnerzy"][0].append("pes")
    for row, pes in zip(gmina_rows["partnerzy"][1:], ["", "CIS", "", ""], strict=True):
        row.append(pes)
    gmina_rows["uslugi"] = [
        SERVICE_HEADER,
        ["U1", "GOPS", "Poradnictwo socjalne", "Ubóstwo", "Wszyscy mieszkańcy", "Pomoc społeczna",
         "dowód osobisty <b>i</b> =HYPERLINK(\"http://zly.example\")", "Bez barier architektonicznych; PJM",
         "Polski; Ukraiński", "Sołectwa <script>alert(1)</script> Górki", "2026-11-02"],
        ["U2", "PUP", "Reintegracja w CIS", "Bezrobocie", "Osoby bezrobotne", "reintegracja", "", "pętla", "",
         "cały powiat", "15.03.2024"],
        ["U3", "SP1", "Świetlica", "Bezrobocie", "Młodzież", "Edukacja publiczna", "", "", "Polski",
         "", "2027-01-10"],
        ["U4", "GOPS", "Grupa wsparcia po ukraińsku", "Ubóstwo", "Wszyscy mieszkańcy", "", "", "", "Ukraiński",
         "", ""],
    ]
    return read_gmina(write_csv_gmina(tmp_path / "gmina", gmina_rows))


def test_stale_and_future_dates_are_warnings_with_row_and_column(records, find_problems):
    stale = find_problems(records.report, "ostrzeżenie", "uslugi", 3, "data_weryfikacji")
    assert len(stale) == 1
    assert stale[0].message == (
        "Opis usługi „Reintegracja w CIS” (U2) sprawdzono ostatnio 15 marca 2024 r. — ponad 12 miesięcy temu; "
        "poproś partnera „PUP” o potwierdzenie godzin, miejsca i kontaktu.")
    assert stale[0].value == "2024-03-15"
    future = find_problems(records.report, "ostrzeżenie", "uslugi", 4, "data_weryfikacji")
    assert len(future) == 1 and "10 stycznia 2027 r." in future[0].message and "w przyszłości" in future[0].message
    assert not find_problems(records.report, sheet="uslugi", row=2, column="data_weryfikacji")
    assert records.report.ok  # all of it is advice: the kit runs


def test_only_other_languages_is_a_note_not_an_error(records, find_problems):
    note = find_problems(records.report, "informacja", "uslugi", 5, "jezyki")
    assert len(note) == 1 and "(ukraiński)" in note[0].message and "dopisz „Polski”" in note[0].text
    assert not find_problems(records.report, column="jezyki", row=2)


def test_pes_on_any_sector_and_free_text_area_are_fine(records, find_problems):
    assert records.partners.set_index("id").loc["PUP", "pes"] == "centrum_integracji_spolecznej"
    assert not find_problems(records.report, sheet="partnerzy", column="pes")
    assert not find_problems(records.report, column="obszar_dzialania")


def test_stale_services_follows_the_reference_day(records, monkeypatch):
    table = service_records.stale_services(records, DAY)
    assert list(table["id"]) == ["U2"] and table["data_weryfikacji"].tolist() == [dt.date(2024, 3, 15)]
    assert table["wiersz"].tolist() == [3]
    assert list(service_records.stale_services(records, dt.date(2025, 3, 14))["id"]) == []
    assert list(service_records.stale_services(records, dt.date(2025, 3, 16))["id"]) == ["U2"]
    monkeypatch.setenv("PZK_DZIS", "2028-01-01")
    assert set(service_records.stale_services(records)["id"]) == {"U1", "U2"}  # U3 (2027) still ahead
    monkeypatch.setenv("PZK_DZIS", "nie-data")
    assert service_records.reference_day() == dt.date.today()


def test_a_year_back_from_the_29th_of_february():
    assert service_records.stale_before(dt.date(2028, 2, 29)) == dt.date(2027, 2, 28)
    assert service_records.stale_before(dt.date(2026, 1, 15)) == dt.date(2025, 1, 15)


def test_example_has_the_new_columns_filled_and_two_stale_entries():
    data = read_gmina(example_dir())
    services = data.services
    assert services["zakres"].notna().all()
    assert services["data_weryfikacji"].notna().mean() > 0.9
    assert list(service_records.stale_services(data, DAY)["id"]) == ["U021", "U037"]
    assert sum("ukrainski" in langs for langs in services["jezyki"]) >= 10
    assert any("tlumacz_polskiego_jezyka_migowego" in f for f in services["dostepnosc"])
    assert data.partners.set_index("id").loc["CIS", "pes"] == "centrum_integracji_spolecznej"
    powiat = read_gmina(example_dir("powiat_przykladowy"))
    assert powiat.services["zakres"].notna().all()
    assert "warsztat_terapii_zajeciowej" in set(powiat.partners["pes"].dropna())
    assert list(service_records.stale_services(powiat, DAY)["id"]) == ["U009"]


def _card(page_html: str, name: str) -> str:
    start = page_html.index(f">{name}</h3>")
    return page_html[start:page_html.index("</article>", start)]


def test_catalogue_html_shows_the_new_fields(records):
    html = render_catalogue_html(records, generated=DAY)
    page = _Page(html)
    first = _card(html, "Poradnictwo socjalne")
    assert "Co zabrać" in first and "Dostępność" in first and "Bez barier architektonicznych" in first
    assert "Tłumacz polskiego języka migowego" in first
    assert "Usługa także po ukraińsku." in first
    assert '<span lang="uk">Послуга також українською мовою.</span>' in first
    assert "Rodzaj usługi" in first and "Pomoc społeczna" in first
    assert '<time datetime="2026-11-02">Sprawdzono: 2 listopada 2026 r.</time>' in first
    assert "Do potwierdzenia" not in first
    stale = _card(html, "Reintegracja w CIS")
    assert "Do potwierdzenia" in stale and "Informacje mogą być nieaktualne" in stale
    assert "Sprawdzono: 15 marca 2024 r." in stale and "Pętla indukcyjna" in stale
    assert "podmiot ekonomii społecznej (CIS)" in stale and "Cały powiat" in stale
    assert "Usługa po ukraińsku." in _card(html, "Grupa wsparcia po ukraińsku")
    zakres = page.find("select", id="zakres")
    assert zakres and [o.get("value") for o in page.find("option") if o.get("value") in
                       dictionary("zakresy_uslug_spolecznych").codes] == [
        "pomoc_spoleczna", "edukacja_publiczna", "reintegracja_zawodowa_i_spoleczna"]
    assert {a.get("data-zakres") for a in page.find("article")} == {
        "pomoc_spoleczna", "reintegracja_zawodowa_i_spoleczna", "edukacja_publiczna", ""}
    assert "rodzaj" in html[html.index("<script>"):]  # the script filters by it


def test_catalogue_escapes_hostile_values_in_the_new_fields(records):
    html = render_catalogue_html(records, generated=DAY)
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<b>i</b>" not in html and "Dowód osobisty &lt;b&gt;i&lt;/b&gt;" in html
    assert html.count("<script>") == 1


def test_hostile_corpus_catalogue_stays_text():
    data = read_gmina(HOSTILE)
    html = render_catalogue_html(data, generated=DAY)
    page = _Page(html)
    assert html.count("<script>") == 1
    assert not [a for a in page.find("a") if (a.get("href") or "").lower().startswith("javascript")]
    bring = {s.bring for s in catalogue_services(data, today=DAY)} - {""}
    assert bring and all(b[1:] in page.text for b in bring)  # shown as typed (first letter capitalised)


def test_catalogue_docx_has_the_same_content(records):
    document = build_catalogue_docx(records, generated=DAY)
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    text = "\n".join(p.text for p in document.paragraphs) + "\n" + "\n".join(cells)
    for expected in ("Co zabrać", "Dowód osobisty <b>i</b> =HYPERLINK(\"http://zly.example\")",
                     "Tłumacz polskiego języka migowego", "Usługa także po ukraińsku.",
                     "Послуга також українською мовою.", "Sprawdzono: 15 marca 2024 r.",
                     "Informacje mogą być nieaktualne", "podmiot ekonomii społecznej (CIS)",
                     "Sołectwa <script>alert(1)</script> Górki", "Reintegracja zawodowa i społeczna"):
        assert expected in text, expected


def test_catalogue_docx_round_trips_through_a_file(records, tmp_path):
    path = tmp_path / "k.docx"
    build_catalogue_docx(records, generated=DAY).save(path)
    cells = [c.text for t in docx.Document(path).tables for r in t.rows for c in r.cells]
    stale_rows = [cells[i + 1] for i, c in enumerate(cells[:-1]) if c == "Aktualność"]
    assert any("15 marca 2024 r." in r and "nieaktualne" in r for r in stale_rows)
    assert any("2 listopada 2026 r." in r and "nieaktualne" not in r for r in stale_rows)


def test_template_has_drop_downs_and_notes_for_the_new_columns(tmp_path):
    workbook = openpyxl.load_workbook(write_template(tmp_path / "szablon.xlsx"))
    sheet = workbook["uslugi"]
    headers = {cell.value: cell for cell in sheet[1]}
    for column, dictionary_name, multi in (("zakres", "zakresy_uslug_spolecznych", False),
                                           ("dostepnosc", "dostepnosc", True), ("jezyki", "jezyki", True)):
        letter = headers[column].column_letter
        found = [v for v in sheet.data_validations.dataValidation
                 if v.type == "list" and any(str(r).startswith(f"{letter}2:") for r in v.sqref.ranges)]
        assert len(found) == 1, column
        validation = found[0]
        assert validation.showErrorMessage is (not multi)  # "Polski; Ukraiński" must not be refused
        sheet_name, cells = validation.formula1.split("!")
        lists = workbook[sheet_name.strip("'")]
        first, last = cells.replace("$", "").split(":")
        values = [c.value for row in lists[f"{first}:{last}"] for c in row if c.value]
        assert values[-len(dictionary(dictionary_name).labels):] == dictionary(dictionary_name).labels
        note = headers[column].comment.text
        assert dictionary(dictionary_name).labels[0] in note
    assert "Kiedy ostatnio sprawdzono" in headers["data_weryfikacji"].comment.text
    dates = [v for v in sheet.data_validations.dataValidation if v.type == "date"
             and any(str(r).startswith(f"{headers['data_weryfikacji'].column_letter}2:") for r in v.sqref.ranges)]
    assert len(dates) == 1
    partners = workbook["partnerzy"]
    pes = next(c for c in partners[1] if c.value == "pes")
    assert "Centrum Integracji Społecznej" in pes.comment.text
