"""Statutory drafts (program usług społecznych annex, ocena zasobów annex), checked by reading the DOCX back."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pandas as pd
import pytest
from docx import Document
from docx.oxml.ns import qn

from pzk_kit.basket import coverage, statutory
from pzk_kit.privacy import published
from pzk_kit.workbook.dictionaries import dictionary
from pzk_kit.workbook.example import POWIAT_EXAMPLE_NAME, example_dir
from pzk_kit.workbook.reading import read_gmina
from pzk_kit.workbook.text import display_text

HOSTILE_CSV = Path(__file__).resolve().parent / "data" / "hostile" / "gmina_wroga_csv"
DRAFT_MARK = "PROJEKT — do uzupełnienia i przyjęcia zgodnie z procedurą"
ZAKRESY = ("pomoc_spoleczna", "wspieranie_rodziny", "promocja_i_ochrona_zdrowia", "kultura", None)
PERSONAL_EMAIL = "jan.kowalski@gops.pl"


def _label(name: str, code) -> str:
    return dictionary(name).label(code) if display_text(code) else ""


@pytest.fixture(scope="module")
def example():
    """The example gmina with a zakres on four of every five services (the fifth left to complete), a social
    cooperative among the partners and a personal mailbox in one description."""
    data = read_gmina(example_dir())
    services = data.services.copy()
    services["zakres"] = [ZAKRESY[k % len(ZAKRESY)] for k in range(len(services))]
    services.loc[services.index[0], "opis"] = f"Zapisy: {PERSONAL_EMAIL}"
    partners = data.partners.copy()
    partners["pes"] = None  # only the one set here, whatever the example marks
    partners.loc[partners.index[5], "pes"] = "spoldzielnia_socjalna"
    return dataclasses.replace(data, services=services, partners=partners)


def _all_text(document) -> str:
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts += [cell.text for cell in row.cells]
    return "\n".join(parts)


def _table_with(document, header: str):
    return next(t for t in document.tables if header in [c.text for c in t.rows[0].cells])


def _is_band(row) -> bool:
    return len({id(cell._tc) for cell in row.cells}) == 1


def _check_draft(document) -> None:
    """The PROJEKT mark at the top of every page (every section's header) and every table's header repeated."""
    for section in document.sections:
        assert DRAFT_MARK in "\n".join(p.text for p in section.header.paragraphs)
    for table in document.tables:
        header = table.rows[0]._tr.trPr
        assert header is not None and header.find(qn("w:tblHeader")) is not None


# -- program usług społecznych ------------------------------------------------------------------------------------


def test_program_lists_every_service_under_its_zakres(example, tmp_path):
    path = statutory.write_program_annex(example, tmp_path / "p.docx")
    document = Document(str(path))
    _check_draft(document)
    assert len(document.sections) == 2  # the opening page, then the landscape tables

    table = _table_with(document, "Kryteria dostępu")
    shown, zakres = [], None
    for row in table.rows[1:]:
        cells = row.cells
        if _is_band(row):
            zakres = cells[0].text
            continue
        shown.append((zakres, cells[1].paragraphs[0].text, cells[2].text, cells[3].text, cells[4].text,
                      cells[5].paragraphs[0].text, cells[6].text))

    data = published(example)
    names = data.partner_names()
    expected = [(_label("zakresy_uslug_spolecznych", s["zakres"]) or "Zakres do uzupełnienia", s["nazwa"],
                 names[s["partner"]], _label("tryby_dostepu", s["dostep"]), _label("odplatnosc", s["odplatnosc"]),
                 display_text(s["miejsce"]) or "—", ", ".join(_label("grupy_docelowe", g) for g in s["grupy"]))
                for s in data.services.to_dict("records")]
    assert sorted(shown) == sorted(expected)
    assert len(shown) == len(example.services) == 53
    bands = [row.cells[0].text for row in table.rows[1:] if _is_band(row)]
    assert bands == ["Wspieranie rodziny", "Pomoc społeczna", "Promocja i ochrona zdrowia", "Kultura",
                     "Zakres do uzupełnienia"]  # the act's order, the group to complete last

    text = _all_text(document)
    assert "Kooperacje 3D" in text and "Zasięg PZK: gmina — Gmina Przykładowa" in text
    assert "pomiar T1" in text
    assert "Rady Gminy" in text and "[do uzupełnienia: numer]" in text
    for field in ("Okres realizacji programu", "Źródła i wysokość finansowania", "Wskaźniki realizacji"):
        assert field in text
    assert "Zakresy usług społecznych bez żadnej usługi w koszyku: Polityka prorodzinna" in text
    assert PERSONAL_EMAIL not in text


def test_program_lists_every_gap_as_a_service_to_plan(example, tmp_path):
    path = statutory.write_program_annex(example, tmp_path / "p.docx")
    table = _table_with(Document(str(path)), "Usługa do zaplanowania")
    rows = [[c.text for c in row.cells] for row in table.rows[1:]]
    gaps = coverage.gaps(example)
    nominal = coverage.capacity_table(example).query("status == 'pokryta_nominalnie'")
    assert len(gaps) == 4 and len(nominal) == 2  # the example's: 240 seniors for 12 places, 18 homeless for 6
    assert len(rows) == len(gaps) + len(nominal)  # gaps first, then needs with too few places
    assert all(r[5].startswith("pokryta nominalnie — ") for r in rows[len(gaps):])
    for row, gap in zip(rows[:len(gaps)], gaps.to_dict("records"), strict=True):
        assert row[1] == "[do uzupełnienia: nazwa usługi]"
        assert row[2].startswith(_label("obszary_potrzeb", gap["obszar"]))
        assert f"priorytet {int(gap['priorytet'])}" in row[2]
        assert row[3] == _label("grupy_docelowe", gap["grupa"])
        assert row[4] == str(int(gap["liczba_osob"]))
        assert row[5] == "luka — brak usługi"
        assert row[6] == "[do uzupełnienia: realizator]"


def test_nominally_covered_needs_are_services_to_plan_when_capacity_is_known(example, tmp_path, monkeypatch):
    needs = example.needs.reset_index(drop=True)
    covered = coverage.needs_coverage(example)
    nominal = int(covered.index[covered["pokryta"]][0])

    def capacity_table(data):
        status = ["pokryta" if c else "luka" for c in covered["pokryta"]]
        status[nominal] = "pokryta_nominalnie"
        return pd.DataFrame({"obszar": needs["obszar"], "grupa": needs["grupa"], "liczba_osob": needs["liczba_osob"],
                             "miejsca": [12 if k == nominal else None for k in range(len(needs))],
                             "wspolczynnik": None, "status": status, "uslugi": [()] * len(needs)})

    monkeypatch.setattr(coverage, "capacity_table", capacity_table, raising=False)
    path = statutory.write_program_annex(example, tmp_path / "p.docx")
    rows = [[c.text for c in row.cells] for row in _table_with(Document(str(path)), "Usługa do zaplanowania").rows[1:]]
    assert len(rows) == len(coverage.gaps(example)) + 1
    need = needs.iloc[nominal]
    assert rows[-1][2].startswith(_label("obszary_potrzeb", need["obszar"]))
    assert rows[-1][3] == _label("grupy_docelowe", need["grupa"])
    assert rows[-1][5] == f"pokryta nominalnie — 12 miejsc na {int(need['liczba_osob'])} osób"


# -- ocena zasobów pomocy społecznej ------------------------------------------------------------------------------


def test_assessment_counts_providers_by_type_and_lists_areas_and_gaps(example, tmp_path):
    path = statutory.write_assessment_annex(example, tmp_path / "o.docx")
    document = Document(str(path))
    _check_draft(document)
    data = published(example)

    types = {row.cells[0].text: [c.text for c in row.cells[1:]]
             for row in _table_with(document, "Typ podmiotu").rows[1:]}
    partners = data.partners
    with_services = set(data.services["partner"])
    for code in dictionary("typy_instytucji").codes:
        mine = partners[partners["typ"] == code]
        assert types[_label("typy_instytucji", code)] == [
            str(len(mine)), str(len(set(mine["id"]) & with_services)),
            str(int(data.services["partner"].isin(mine["id"]).sum())), str(int(mine["pes"].notna().sum()))]
    assert types["Razem"][0] == str(len(partners)) and types["Razem"][3] == "1"
    pes = _table_with(document, "Rodzaj")
    assert [c.text for c in pes.rows[1].cells] == [partners.iloc[5]["nazwa"], "Spółdzielnia socjalna"]

    areas = {row.cells[0].text: [c.text for c in row.cells[1:]]
             for row in _table_with(document, "Osoby w potrzebie").rows[1:]}
    pairs = coverage.service_pairs(data)
    for code in set(data.needs["obszar"]):
        label = _label("obszary_potrzeb", code)
        assert areas[label][0] == str(int(data.needs.loc[data.needs["obszar"] == code, "liczba_osob"].sum()))
        assert areas[label][1] == str(pairs.loc[pairs["obszar"] == code, "partner"].nunique())
    for gap in coverage.gaps(data).to_dict("records"):
        assert f"{_label('grupy_docelowe', gap['grupa'])} (luka — brak usługi)" in \
            areas[_label("obszary_potrzeb", gap["obszar"])][4]

    # per area: a heading, then every provider with each of its services in that area
    text = _all_text(document)
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 3"]
    assert headings == [label for label in areas]
    for pid, name in data.services.groupby("partner")["nazwa"].first().items():
        assert data.partner_names()[pid] in text and name in text
    for field in ("Kadra pomocy społecznej", "Budżet pomocy społecznej", "[do uzupełnienia: rok]"):
        assert field in text
    assert PERSONAL_EMAIL not in text


# -- both drafts: other data ----------------------------------------------------------------------------------


@pytest.mark.parametrize("build", [statutory.write_program_annex, statutory.write_assessment_annex])
def test_powiat_example(build, tmp_path):
    data = read_gmina(example_dir(POWIAT_EXAMPLE_NAME))
    document = Document(str(build(data, tmp_path / "d.docx", measurement="T0")))
    _check_draft(document)
    text = _all_text(document)
    assert "Zasięg PZK: powiat — Powiat Przykładowy" in text
    assert data.project_name in text and "pomiar T0" in text
    if build is statutory.write_program_annex:
        assert "Rady Powiatu" in text
        # every service of the example has its zakres: the first band is the first of the act's areas present
        band = _table_with(document, "Kryteria dostępu").rows[1]
        areas = dictionary("zakresy_uslug_spolecznych")
        first = min(data.services["zakres"].dropna(), key=areas.codes.index)
        assert _is_band(band) and band.cells[0].text == areas.label(first)
        assert "Zakres do uzupełnienia" not in [r.cells[0].text for r in _table_with(document, "Kryteria dostępu").rows]


@pytest.mark.parametrize("build", [statutory.write_program_annex, statutory.write_assessment_annex])
def test_hostile_names_are_plain_text(build, tmp_path):
    data = read_gmina(HOSTILE_CSV)
    assert data.report.ok
    document = Document(str(build(data, tmp_path / "d.docx")))
    _check_draft(document)
    text = _all_text(document)
    assert data.name in text  # typed with <script>, shown as typed
    shown = published(data)
    names = [display_text(n) for n in shown.partners["nazwa"]]
    providers = set(shown.services["partner"])
    hostile = [n for pid, n in zip(shown.partners["id"], names, strict=True)
               if pid in providers and ("<" in n or n.startswith("="))]
    assert hostile
    for name in hostile:
        assert name in text


def test_no_needs_and_no_services(tmp_path, write_csv_gmina, gmina_blueprint):
    rows = {k: [list(r) for r in v] for k, v in gmina_blueprint.items()}
    rows["uslugi"] = rows["uslugi"][:1]
    rows["potrzeby"] = rows["potrzeby"][:1]
    data = read_gmina(write_csv_gmina(tmp_path / "g", rows))
    program = _all_text(Document(str(statutory.write_program_annex(data, tmp_path / "p.docx"))))
    assert "W koszyku usług nie ma jeszcze żadnej usługi." in program
    assert "Każda potrzeba z arkusza „potrzeby”" in program
    assessment = Document(str(statutory.write_assessment_annex(data, tmp_path / "o.docx")))
    _check_draft(assessment)


def test_existing_file_is_kept(example, tmp_path):
    out = statutory.write_program_annex(example, tmp_path)
    assert out.name == statutory.PROGRAM_ANNEX_NAME
    from pzk_kit.files import OutputExists

    with pytest.raises(OutputExists):
        statutory.write_program_annex(example, tmp_path)
    statutory.write_program_annex(example, tmp_path, overwrite=True)


def test_pzk_run_writes_both_drafts(example_run):
    out, _result = example_run
    for name in (statutory.PROGRAM_ANNEX_NAME, statutory.ASSESSMENT_ANNEX_NAME):
        _check_draft(Document(str(out / name)))
