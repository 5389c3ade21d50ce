"""The draft IPUS: suggesting services from the basket, the DOCX a social worker prints, and the finder widget."""

from __future__ import annotations

import base64
import dataclasses
import io
import re
from datetime import date

import pandas as pd
import pytest
from docx import Document

from pzk_kit.basket import EVERYONE, find_services
from pzk_kit.basket.service_plan import (
    DRAFT_NOTE,
    NO_SERVICES,
    PRIVACY_NOTE,
    TITLE,
    ServicePlan,
    plan_path,
    suggest_plan,
    write_plan_docx,
)
from pzk_kit.files import OutputExists
from pzk_kit.workbook.dictionaries import dictionary
from pzk_kit.workbook.example import example_dir
from pzk_kit.workbook.reading import read_gmina
from pzk_kit.workshop import interactive

SITUATIONS = [
    "ubostwo",
    "trudnosci_mieszkaniowe",
    "bezradnosc_w_sprawach_opiekunczo_wychowawczych_i_prowadzenia_gospodarstwa_domowego",
]
GROUP = "rodziny_z_dziecmi"
ACCESS_RANK = {"bez_skierowania": 0, "skierowanie": 1, "decyzja": 2}
PAYMENT_RANK = {"bezplatna": 0, "czesciowo_odplatna": 1, "odplatna": 2}


@pytest.fixture(scope="module")
def gmina():
    return read_gmina(example_dir())


def _candidates(data, area: str, group: str) -> list[str]:
    """Service ids for one situation and group, easiest first, computed here from the raw table."""
    services = data.services
    rows = services[services["obszary"].map(lambda a: area in a)
                    & services["grupy"].map(lambda g: group in g or EVERYONE in g)]
    ranked = sorted(zip(rows["dostep"], rows["odplatnosc"], rows["nazwa"], rows["id"], strict=True),
                    key=lambda r: (ACCESS_RANK.get(r[0], 3), PAYMENT_RANK.get(r[1], 3), r[2]))
    return [r[3] for r in ranked]


def _docx_text(path) -> str:
    document = Document(str(path))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts.extend(cell.text for row in table.rows for cell in row.cells)
    for section in document.sections:
        parts.extend(p.text for p in section.footer.paragraphs)
        parts.extend(p.text for p in section.header.paragraphs)
    return "\n".join(parts)


def _table_starting(document, first_header: str):
    tables = [t for t in document.tables if t.rows[0].cells[0].text == first_header]
    assert len(tables) == 1, f"expected one table headed „{first_header}”"
    return tables[0]


# -- suggest_plan --------------------------------------------------------------------------------------------------


def test_suggest_plan_takes_the_easiest_new_service_for_each_situation(gmina):
    plan = suggest_plan(gmina, SITUATIONS, GROUP, family_label="Rodzina A")
    assert plan.family_label == "Rodzina A"
    assert plan.situations == SITUATIONS
    assert plan.group == GROUP
    assert len(plan.services) == len(SITUATIONS)
    assert len(set(plan.services)) == len(plan.services)  # no duplicates

    chosen: list[str] = []
    for situation, picked in zip(SITUATIONS, plan.services, strict=True):
        expected = next(sid for sid in _candidates(gmina, situation, GROUP) if sid not in chosen)
        assert picked == expected
        # ...and it is what the finder lists first among the services not yet in the plan.
        listed = find_services(gmina, [situation], GROUP)["id"].tolist()
        assert picked == next(sid for sid in listed if sid not in chosen)
        chosen.append(picked)

    services = gmina.services.set_index("id")
    for situation, sid in zip(SITUATIONS, plan.services, strict=True):
        assert situation in services.loc[sid, "obszary"]
        groups = services.loc[sid, "grupy"]
        assert GROUP in groups or EVERYONE in groups
    # All three are reachable without a referral in the example, so easiest-first never picks a decision.
    assert set(services.loc[plan.services, "dostep"]) == {"bez_skierowania"}


def test_suggest_plan_skips_a_situation_the_basket_cannot_answer(gmina):
    # Unemployment services in the example are for "osoby bezrobotne", not for families with children.
    plan = suggest_plan(gmina, ["bezrobocie", "ubostwo"], GROUP)
    assert plan.situations == ["bezrobocie", "ubostwo"]
    assert plan.services == _candidates(gmina, "ubostwo", GROUP)[:1]


def test_suggest_plan_respects_filters_and_accepts_labels(gmina):
    plan = suggest_plan(gmina, ["Ubóstwo", "Trudności mieszkaniowe"], "Rodziny z dziećmi", without_referral=True)
    assert plan.situations == ["ubostwo", "trudnosci_mieszkaniowe"]
    assert plan.group == GROUP
    dostep = gmina.services.set_index("id").loc[plan.services, "dostep"]
    assert set(dostep) == {"bez_skierowania"}


def test_suggest_plan_rejects_unknown_situations(gmina):
    with pytest.raises(ValueError, match=r"Nieznane sytuacje.*„coś dziwnego”"):
        suggest_plan(gmina, ["ubostwo", "coś dziwnego"], GROUP)


# -- write_plan_docx -----------------------------------------------------------------------------------------------


def _example_plan(gmina) -> ServicePlan:
    services = [*suggest_plan(gmina, SITUATIONS, GROUP).services, "U004", "U029"]  # + CUS again, + PPP
    return ServicePlan(family_label="Rodzina A", situations=SITUATIONS, group=GROUP, services=services,
                       notes="Rodzina zgłosiła się sama.")


def test_plan_docx_has_header_situations_steps_and_team(gmina, tmp_path):
    plan = _example_plan(gmina)
    out = write_plan_docx(gmina, plan, tmp_path / "ipus.docx", on=date(2025, 5, 12))
    assert out == tmp_path / "ipus.docx"
    document = Document(str(out))
    text = _docx_text(out)

    assert document.paragraphs[0].text == TITLE
    assert document.core_properties.title == TITLE
    for expected in ("Gmina Przykładowa", "12.05.2025", DRAFT_NOTE, "Rodzina A", "Rodziny z dziećmi",
                     "Rodzina zgłosiła się sama.", PRIVACY_NOTE, "Cele", "Ustalenia", "Podpisy"):
        assert expected in text
    areas = dictionary("obszary_potrzeb")
    for code in SITUATIONS:
        phrase = areas.entry(code).extra["sytuacja"]
        assert phrase[:1].upper() + phrase[1:] in text

    steps = _table_starting(document, "Krok")
    assert len(steps.rows) == 1 + len(plan.services)
    services = gmina.services.set_index("id")
    names = gmina.partner_names()
    access = dictionary("tryby_dostepu")
    payment = dictionary("odplatnosc")
    for number, (row, sid) in enumerate(zip(steps.rows[1:], plan.services, strict=True), start=1):
        cells = [c.text for c in row.cells]
        assert cells[0] == f"Krok {number}"
        assert services.loc[sid, "nazwa"] in cells[1]
        assert names[services.loc[sid, "partner"]] in cells[1]
        assert cells[2] == access.entry(services.loc[sid, "dostep"]).description
        assert cells[3] == payment.label(services.loc[sid, "odplatnosc"])
        assert services.loc[sid, "miejsce"] in cells[4]
        assert gmina.partners.set_index("id").loc[services.loc[sid, "partner"], "telefon"] in cells[5]

    team = _table_starting(document, "Rola w zespole")
    members = [row.cells[1].text for row in team.rows[1:]]
    providers = list(dict.fromkeys(services.loc[plan.services, "partner"]))
    expected = {names[p] for p in providers} | {names[gmina.leader]}
    assert len(members) == len(expected)
    assert set(members) == expected
    assert members[0] == names[gmina.leader]  # the coordinator first
    assert "Koordynacja planu" in team.rows[1].cells[0].text


def test_plan_docx_never_contains_contact_persons(gmina, tmp_path):
    plan = _example_plan(gmina)
    # The example's contact persons are roles; here every partner gets a person's name, and one service's own
    # contact names that person: the document must still carry only institutional contacts.
    partners = gmina.partners.copy()
    partners["osoba_kontaktowa"] = [f"Anna Testowa-{pid}" for pid in partners["id"]]
    services = gmina.services.copy()
    services.loc[services["id"] == "U029", "kontakt"] = "Anna Testowa-PPP, tel. 600 100 200"
    data = dataclasses.replace(gmina, partners=partners, services=services)
    text = _docx_text(write_plan_docx(data, plan, tmp_path / "ipus.docx"))
    assert "Testowa" not in text
    assert "600 100 200" not in text
    assert "poradnia@ppp.example.pl" in text  # the institution's contact instead

    text = _docx_text(write_plan_docx(gmina, plan, tmp_path / "ipus_przyklad.docx"))
    for value in gmina.partners["osoba_kontaktowa"].dropna():
        assert value not in text


def test_unknown_service_ids_are_listed_in_a_polish_error(gmina, tmp_path):
    plan = ServicePlan(family_label="Rodzina B", situations=["ubostwo"], group=GROUP,
                       services=["U001", "U999", "X-7"])
    out = tmp_path / "ipus.docx"
    with pytest.raises(ValueError) as caught:
        write_plan_docx(gmina, plan, out)
    message = str(caught.value)
    assert message.startswith("Nieznane usługi w planie:")
    assert "„U999”" in message and "„X-7”" in message
    assert "U001" not in message
    assert not out.exists()
    assert not list(tmp_path.iterdir())  # no temporary file left behind


def test_repeated_service_is_an_error(gmina, tmp_path):
    plan = ServicePlan(family_label="Rodzina C", situations=[], group=None, services=["U001", "U001"])
    with pytest.raises(ValueError, match="więcej niż raz: „U001”"):
        write_plan_docx(gmina, plan, tmp_path / "ipus.docx")


def test_existing_file_is_not_overwritten_without_asking(gmina, tmp_path):
    out = tmp_path / "ipus.docx"
    out.write_bytes(b"plan wypisany wczesniej")
    plan = ServicePlan(family_label="Rodzina A", situations=SITUATIONS, group=GROUP, services=["U001"])
    with pytest.raises(OutputExists):  # atomic_file raises our OutputExists, not FileExistsError
        write_plan_docx(gmina, plan, out)
    assert out.read_bytes() == b"plan wypisany wczesniej"
    write_plan_docx(gmina, plan, out, overwrite=True)
    assert Document(str(out)).paragraphs[0].text == TITLE


def test_empty_plan_says_no_services_were_chosen(gmina, tmp_path):
    plan = ServicePlan(family_label="", situations=[], group=None, services=[])
    out = write_plan_docx(gmina, plan, tmp_path / "pusty.docx")
    document = Document(str(out))
    text = _docx_text(out)
    assert NO_SERVICES in text
    assert not [t for t in document.tables if t.rows[0].cells[0].text == "Krok"]
    team = _table_starting(document, "Rola w zespole")
    assert [row.cells[1].text for row in team.rows[1:]] == [gmina.partner_names()[gmina.leader]]


def test_plan_path_numbers_existing_files(tmp_path):
    first = plan_path(tmp_path, "Rodzina A")
    assert first == tmp_path / "ipus_rodzina_a.docx"
    first.write_bytes(b"")
    assert plan_path(tmp_path, "Rodzina A") == tmp_path / "ipus_rodzina_a_2.docx"
    (tmp_path / "ipus_rodzina_a_2.docx").write_bytes(b"")
    assert plan_path(tmp_path, "Rodzina A") == tmp_path / "ipus_rodzina_a_3.docx"
    assert plan_path(tmp_path, "  ") == tmp_path / "ipus_projekt.docx"


# -- the finder widget ---------------------------------------------------------------------------------------------


@pytest.fixture
def displayed(monkeypatch):
    """Objects the widget displays (outside a kernel an Output widget cannot capture them)."""
    shown = []
    monkeypatch.setattr(interactive, "display", shown.append)
    return shown


def test_service_finder_lists_what_find_services_finds(gmina, displayed):
    finder = interactive.ServiceFinder(gmina)
    box = finder.widget()
    assert box.children
    assert finder.status.value.startswith(f"Znaleziono {len(gmina.services)} usługi")  # 53: the whole basket
    assert finder.group.options[0][0] == "— dowolna grupa —"
    assert all(label.startswith("Szukam pomocy, gdy ") for label, _ in finder.situations.options)

    finder.situations.value = ("ubostwo", "trudnosci_mieszkaniowe")
    finder.group.value = GROUP
    expected = find_services(gmina, ["ubostwo", "trudnosci_mieszkaniowe"], GROUP)
    assert len(expected) == 7
    assert finder.status.value == "Znaleziono 7 usług"
    assert finder.found.equals(expected)
    assert [sid for _, sid in finder.chosen.options] == expected["id"].tolist()
    shown_table = displayed[-1].data
    assert shown_table.equals(expected.drop(columns="id"))

    finder.without_referral.value = True
    expected = find_services(gmina, ["ubostwo", "trudnosci_mieszkaniowe"], GROUP, without_referral=True)
    assert finder.status.value == f"Znaleziono {len(expected)} usługi"
    assert displayed[-1].data.equals(expected.drop(columns="id"))


def _offered(finder) -> tuple[str, bytes]:
    """The file behind the finder's download link, read back from the link (what the browser saves)."""
    found = re.search(r'<a class="pzk-download" download="([^"]+)" data-plik="[^"]+" '
                      r'href="data:application/vnd\.openxmlformats-officedocument\.wordprocessingml\.document;'
                      r'base64,([A-Za-z0-9+/=]+)">Pobierz ([^<]+)</a>', finder.save_status.value)
    assert found, finder.save_status.value
    assert found.group(1) == found.group(3)
    return found.group(1), base64.b64decode(found.group(2))


def test_service_finder_suggests_and_offers_the_docx_as_a_download(gmina, displayed, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # the server's working folder: nothing may be written there
    finder = interactive.ServiceFinder(gmina)
    finder.widget()
    finder.situations.value = tuple(SITUATIONS)
    finder.group.value = GROUP
    finder.suggest_button.click()
    suggested = suggest_plan(gmina, SITUATIONS, GROUP).services
    assert set(finder.chosen.value) == set(suggested)
    assert finder.plan_status.value.startswith("W planie: 3 usługi")

    finder.family_label.value = "Rodzina A"
    finder.save_button.click()
    name, content = _offered(finder)
    assert name == "ipus_rodzina_a.docx" and finder.document == (name, content)
    assert "Projekt planu jest gotowy" in finder.save_status.value
    document = Document(io.BytesIO(content))
    steps = _table_starting(document, "Krok")
    assert len(steps.rows) == 1 + len(suggested)
    assert list(tmp_path.iterdir()) == []  # no file left on the computer running the app

    finder.family_label.value = "Rodzina B"  # a link made for another plan goes away
    assert finder.document is None and "Pobierz" not in finder.save_status.value
    assert "przygotuj go ponownie" in finder.save_status.value
    finder.save_button.click()
    assert _offered(finder)[0] == "ipus_rodzina_b.docx"


def test_service_finder_shows_a_polish_error_when_the_plan_cannot_be_made(gmina, displayed, monkeypatch):
    finder = interactive.ServiceFinder(gmina)
    finder.widget()

    def refuse(*_args, **_kwargs):
        raise ValueError("Nieznane usługi: U999.")

    monkeypatch.setattr(interactive, "write_plan_docx", refuse)
    assert finder.save() is None
    assert finder.document is None
    assert "Nie przygotowano:" in finder.save_status.value and "U999" in finder.save_status.value
    assert "Pobierz" not in finder.save_status.value


def test_service_finder_offers_an_empty_plan_with_a_note(gmina, displayed):
    finder = interactive.ServiceFinder(gmina)
    finder.widget()
    finder.save()
    name, content = _offered(finder)
    assert name == "ipus_projekt.docx"
    assert "Nie wybrano jeszcze usług" in finder.save_status.value
    assert NO_SERVICES in "\n".join(p.text for p in Document(io.BytesIO(content)).paragraphs)


def test_situation_without_a_chosen_service_is_pointed_out(gmina, tmp_path):
    plan = ServicePlan(family_label="Rodzina D", situations=["ubostwo", "bezrobocie"], group=GROUP,
                       services=["U001"])
    text = _docx_text(write_plan_docx(gmina, plan, tmp_path / "ipus.docx"))
    assert "Sytuacje bez usługi w planie: Bezrobocie" in text


def test_saving_a_plan_opens_an_anonymous_case_in_the_register(displayed, tmp_path):
    from pzk_kit.workshop.downloads import make_file

    data = read_gmina(example_dir())  # its own copy: the register grows
    added = []
    finder = interactive.ServiceFinder(data, on_case_added=added.append)
    finder.widget()
    finder.situations.value = tuple(SITUATIONS)
    finder.group.value = GROUP
    finder.suggest_button.click()
    services = list(finder.plan_services)
    finder.family_label.value = "Rodzina Kowalskich"
    finder.save_button.click()
    assert added == ["Z-2026-013"] and len(data.cases) == 13
    assert "Dopisano sprawę Z-2026-013" in finder.save_status.value
    assert "zakładce „Pliki do pobrania”" in finder.save_status.value
    finder.save_button.click()  # the same plan again: one case, not two
    assert len(data.cases) == 13 and "nie dopisano go drugi raz" in finder.save_status.value

    offered = make_file("skoroszyt", data)  # the app's filled workbook, from the current data
    path = tmp_path / offered.filename
    path.write_bytes(offered.content)
    back = read_gmina(path)
    assert back.report.ok
    row = back.cases.iloc[-1]
    assert row["sprawa"] == "Z-2026-013" and row["rodzaj"] == "ipus" and row["status"] == "otwarta"
    assert row["data_zgloszenia"] == pd.Timestamp("2026-12-01") and pd.isna(row["data_pierwszej_uslugi"])
    assert list(row["uslugi"]) == services and row["partnerzy"][0] == "CUS" and row["pomiar"] == "T1"
    providers = set(data.services.set_index("id").loc[services, "partner"])
    assert set(row["partnerzy"]) == providers | {"CUS"}
    assert not back.cases.map(lambda value: "Kowalsk" in str(value)).any().any()  # never the family label


def test_the_app_remakes_its_files_after_a_case_is_added(displayed, tmp_path):
    from pzk_kit.workshop.app import WorkshopApp

    app = WorkshopApp()
    app.load_example()
    keys = list(WorkshopApp.TAB_KEYS)
    app.tabs.selected_index = keys.index("koszyk")
    app.tabs.selected_index = keys.index("pliki")  # the files as they were before the case
    before = app.files["skoroszyt"].content
    app.tabs.selected_index = keys.index("koszyk")
    app.finder.save()
    assert "pliki" not in app.built and app.files == {}
    app.tabs.selected_index = keys.index("pliki")  # opened again: made from the data with the new case
    offered = app.files["skoroszyt"]
    assert offered.content != before
    path = tmp_path / offered.filename
    path.write_bytes(offered.content)
    assert read_gmina(path).cases["sprawa"].iloc[-1] == app.finder.case[1]


def test_in_a_notebook_the_saved_case_is_spelled_out_to_copy_into_the_workbook(displayed):
    """Notebook 02 has no files tab: the status names the row to add to the ``zespoly`` sheet, cell by cell."""
    data = read_gmina(example_dir())
    finder = interactive.ServiceFinder(data)
    finder.widget()
    finder.situations.value = tuple(SITUATIONS)
    finder.group.value = GROUP
    finder.suggest_button.click()
    finder.save_button.click()
    row = data.cases.iloc[-1]
    status = finder.save_status.value
    assert "Pliki do pobrania" not in status
    assert (f"sprawa {row['sprawa']}, rodzaj IPUS, data_zgloszenia 2026-12-01, partnerzy "
            f"{'; '.join(row['partnerzy'])}, uslugi {'; '.join(row['uslugi'])}, status Otwarta, pomiar T1") in status
