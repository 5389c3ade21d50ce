"""Places against people (``basket.capacity_table``) and the gap matcher, on a hand-made gmina, by hand counts.

The gmina (CSV folder read with ``read_gmina``):

    partners  OPS lider (pomoc społeczna), GOK, BIB (kultura), SP1 (edukacja), PUP (zatrudnienie) — members;
              ZGM (mieszkalnictwo), FUND (organizacje pozarządowe), OSIR (sport) — candidates
    services  S1 GOK  wykluczenie_cyfrowe × osoby_starsze                 12 places
              S2 BIB  wykluczenie_cyfrowe × osoby_starsze                  8 places
              S3 OPS  bezdomnosc × osoby_w_kryzysie_bezdomnosci            6 places
              S4 OPS  ubostwo × wszyscy                                    no limit (takes everyone)
              S5 OPS  ubostwo × osoby_starsze                             30 places
              S6 PUP  bezrobocie × osoby_bezrobotne                       25 places
              S7 SP1  kryzys_psychiczny × dzieci                          15 places
              S9 OPS  przemoc_domowa × wszyscy                             4 places
              S10 SP1 przemoc_domowa × osoby_doznajace_przemocy            3 places
    ties      T0: SP1–FUND 4;  T1 (the latest): GOK–FUND 2, SP1–FUND 1, OPS–GOK 3
"""

from __future__ import annotations

import json

import pytest

from pzk_kit import read_gmina
from pzk_kit.basket import basket_summary, capacity_display, capacity_table
from pzk_kit.basket.matcher import area_sectors, gap_matches, matches_table
from pzk_kit.evaluation.recommendations import recommendations
from pzk_kit.workbook.dictionaries import dictionary
from pzk_kit.workbook.example import example_dir

SHEETS = {
    "gmina": [["pole", "wartosc"], ["nazwa", "Gmina Miejsc"], ["lider", "OPS"]],
    "partnerzy": [
        ["id", "nazwa", "sektor", "rola", "deklaracja"],
        ["OPS", "Ośrodek Pomocy Społecznej", "Pomoc społeczna", "Lider", "Podpisana"],
        ["GOK", "Gminny Ośrodek Kultury", "Kultura", "Partner", "Podpisana"],
        ["BIB", "Biblioteka Publiczna", "Kultura", "Partner", "Podpisana"],
        ["SP1", "Szkoła Podstawowa nr 1", "Edukacja", "Partner", "Podpisana"],
        ["PUP", "Powiatowy Urząd Pracy", "Zatrudnienie", "Partner", "Podpisana"],
        ["ZGM", "Zakład Gospodarki Mieszkaniowej", "Mieszkalnictwo", "Kandydat", "Brak"],
        ["FUND", "Fundacja Sąsiedzka", "Organizacje pozarządowe", "Kandydat", "Brak"],
        ["OSIR", "Ośrodek Sportu i Rekreacji", "Sport", "Kandydat", "Brak"],
    ],
    "uslugi": [
        ["id", "partner", "nazwa", "obszary", "grupy", "dostep", "odplatnosc", "limit_miejsc"],
        ["S1", "GOK", "Kurs komputera", "Wykluczenie cyfrowe", "Osoby starsze", "Bez skierowania", "Bezpłatna", "12"],
        ["S2", "BIB", "Kurs w bibliotece", "Wykluczenie cyfrowe", "Osoby starsze", "Bez skierowania", "Bezpłatna",
         "8"],
        ["S3", "OPS", "Schronienie", "Bezdomność", "Osoby w kryzysie bezdomności", "Decyzja", "Bezpłatna", "6"],
        ["S4", "OPS", "Poradnictwo", "Ubóstwo", "Wszyscy mieszkańcy", "Bez skierowania", "Bezpłatna", ""],
        ["S5", "OPS", "Posiłek", "Ubóstwo", "Osoby starsze", "Decyzja", "Bezpłatna", "30"],
        ["S6", "PUP", "Szkolenia", "Bezrobocie", "Osoby bezrobotne", "Skierowanie", "Bezpłatna", "25"],
        ["S7", "SP1", "Zajęcia", "Kryzys psychiczny", "Dzieci", "Bez skierowania", "Bezpłatna", "15"],
        ["S9", "OPS", "Grupa wsparcia", "Przemoc domowa", "Wszyscy mieszkańcy", "Bez skierowania", "Bezpłatna", "4"],
        ["S10", "SP1", "Konsultacje", "Przemoc domowa", "Osoby doznające przemocy", "Bez skierowania", "Bezpłatna",
         "3"],
    ],
    "potrzeby": [
        ["obszar", "grupa", "liczba_osob", "priorytet", "zrodlo"],
        ["Wykluczenie cyfrowe", "Osoby starsze", "240", "2", "Diagnoza"],          # N1 20 places (12 + 8)
        ["Bezdomność", "Osoby w kryzysie bezdomności", "18", "1", "Diagnoza"],     # N2 6 places
        ["Ubóstwo", "Osoby starsze", "100", "1", "Diagnoza"],                      # N3 S4 unlimited + S5 30
        ["Bezrobocie", "Osoby bezrobotne", "0", "3", "Diagnoza"],                  # N4 0 people, 25 places
        ["Samotność i osamotnienie osób starszych", "Osoby starsze", "50", "1", "Diagnoza"],  # N5 no service
        ["Kryzys psychiczny", "Dzieci", "", "1", "Diagnoza"],                      # N6 people unknown, 15 places
        ["Przemoc domowa", "Osoby doznające przemocy", "10", "1", "Diagnoza"],     # N7 4 (wszyscy) + 3 = 7
        ["Trudności mieszkaniowe", "Rodziny z dziećmi", "40", "2", "Diagnoza"],    # N8 no service
    ],
    "wspolpraca": [
        ["od", "do", "poziom", "pomiar"],
        ["SP1", "FUND", "4", "T0"],
        ["GOK", "FUND", "2", "T1"],
        ["SP1", "FUND", "1", "T1"],
        ["OPS", "GOK", "3", "T1"],
    ],
}

# (area, group, people, places, ratio, status, services) by hand; ratio = round(places / people, 3)
EXPECTED = [
    ("wykluczenie_cyfrowe", "osoby_starsze", 240, 20, 0.083, "pokryta_nominalnie", ("S1", "S2")),  # 20/240
    ("bezdomnosc", "osoby_w_kryzysie_bezdomnosci", 18, 6, 0.333, "pokryta_nominalnie", ("S3",)),  # 6/18
    ("ubostwo", "osoby_starsze", 100, None, None, "pokryta", ("S4", "S5")),  # S4 has no limit: unlimited
    ("bezrobocie", "osoby_bezrobotne", 0, 25, None, "pokryta", ("S6",)),  # no ratio of 0 people
    ("samotnosc_i_osamotnienie_osob_starszych", "osoby_starsze", 50, None, None, "luka", ()),
    ("kryzys_psychiczny", "dzieci", None, 15, None, "pokryta", ("S7",)),  # unknown people: not "too few"
    ("przemoc_domowa", "osoby_doznajace_przemocy", 10, 7, 0.7, "pokryta_nominalnie", ("S10", "S9")),  # 7/10
    ("trudnosci_mieszkaniowe", "rodziny_z_dziecmi", 40, None, None, "luka", ()),
]


@pytest.fixture
def data(tmp_path, write_csv_gmina):
    gmina = read_gmina(write_csv_gmina(tmp_path / "gmina", SHEETS))
    assert gmina.report.ok, [str(p) for p in gmina.report.errors]
    return gmina


def test_capacity_table_by_hand(data):
    table = capacity_table(data)
    assert list(table.columns) == ["obszar", "grupa", "liczba_osob", "miejsca", "wspolczynnik", "status", "uslugi"]
    assert [tuple(row) for row in table.itertuples(index=False)] == EXPECTED
    # ints and None, never NaN or numpy numbers (they go to JSON as they are)
    assert all(v is None or type(v) is int for v in table["miejsca"])
    assert all(v is None or type(v) is int for v in table["liczba_osob"])


def test_summary_capacity_keys(data):
    summary = basket_summary(data)
    assert summary["needs_nominally_covered"] == 3
    assert summary["needs_covered"] == 6  # presence keeps its meaning: nominally covered needs count as covered
    assert summary["capacity"][0] == {"area": "wykluczenie_cyfrowe", "group": "osoby_starsze", "people": 240,
                                      "places": 20, "capacity_ratio": 0.083, "status": "nominally_covered"}
    assert [c["status"] for c in summary["capacity"]] == [
        "nominally_covered", "nominally_covered", "covered", "covered", "gap", "covered", "nominally_covered", "gap"]
    json.dumps(summary)  # serialisable as it is


def test_capacity_display_in_polish(data):
    shown = capacity_display(data)
    rows = {(r["Obszar potrzeb"], r["Grupa"]): r for r in shown.to_dict("records")}
    digital = rows[("Wykluczenie cyfrowe", "Osoby starsze")]
    assert (digital["Osoby"], digital["Miejsca"], digital["Współczynnik"], digital["Stan"]) == (
        "240", "20", "0,08", "pokryta tylko nominalnie (za mało miejsc)")
    assert rows[("Ubóstwo", "Osoby starsze")]["Miejsca"] == "bez limitu"
    assert rows[("Trudności mieszkaniowe", "Rodziny z dziećmi")]["Miejsca"] == "—"
    assert rows[("Kryzys psychiczny", "Dzieci")]["Osoby"] == "—"


def test_sheet_without_limit_column_has_no_nominal_coverage(tmp_path, write_csv_gmina):
    sheets = json.loads(json.dumps(SHEETS))
    sheets["uslugi"] = [row[:-1] for row in sheets["uslugi"]]
    table = capacity_table(read_gmina(write_csv_gmina(tmp_path / "g", sheets)))
    assert set(table["status"]) == {"pokryta", "luka"}
    assert table["miejsca"].isna().all()


def test_matcher_suggests_members_and_candidates_with_inviters(data):
    matches = {(m.area, m.group): m for m in gap_matches(data)}
    # gaps and nominally covered needs only, in sheet order
    assert list(matches) == [
        ("wykluczenie_cyfrowe", "osoby_starsze"), ("bezdomnosc", "osoby_w_kryzysie_bezdomnosci"),
        ("samotnosc_i_osamotnienie_osob_starszych", "osoby_starsze"),
        ("przemoc_domowa", "osoby_doznajace_przemocy"), ("trudnosci_mieszkaniowe", "rodziny_z_dziecmi")]
    digital = matches[("wykluczenie_cyfrowe", "osoby_starsze")]
    # kultura, edukacja, NGO: GOK and BIB already serve it, SP1 could add a service; FUND (NGO) via GOK, the
    # strongest member tie in T1 (SP1–FUND is 4 only in T0, 1 in T1)
    assert digital.partners == ["SP1"]
    assert [(c.id, c.inviter, c.level) for c in digital.candidates] == [("FUND", "GOK", 2)]
    homeless = matches[("bezdomnosc", "osoby_w_kryzysie_bezdomnosci")]
    assert homeless.partners == []  # OPS already serves it
    # ZGM (mieszkalnictwo) knows no member: the leader makes the first contact
    assert [(c.id, c.inviter, c.level) for c in homeless.candidates] == [("ZGM", "OPS", None), ("FUND", "GOK", 2)]
    lonely = matches[("samotnosc_i_osamotnienie_osob_starszych", "osoby_starsze")]
    assert lonely.partners == ["OPS", "GOK", "BIB"]
    housing = matches[("trudnosci_mieszkaniowe", "rodziny_z_dziecmi")]
    assert housing.partners == ["OPS"] and [c.id for c in housing.candidates] == ["ZGM"]
    assert all(c.id != "OSIR" for m in matches.values() for c in m.candidates)  # sport serves none of these


def test_matcher_inviter_of_an_earlier_measurement(data):
    digital = gap_matches(data, "T0")[0]
    assert [(c.id, c.inviter, c.level) for c in digital.candidates] == [("FUND", "SP1", 4)]


def test_matches_table_names_institutions_only(data):
    table = matches_table(data)
    assert list(table["Stan"]) == ["za mało miejsc", "za mało miejsc", "luka (brak usługi)", "za mało miejsc",
                                   "luka (brak usługi)"]
    assert table.loc[1, "Kandydaci (kto może zaprosić)"] == (
        "ZGM — zaprasza: OPS — lider, pierwszy kontakt, FUND — zaprasza: GOK (poziom 2)")
    assert not table.apply(lambda col: col.str.contains("@|tel\\.", regex=True)).any().any()


def test_recommendation_too_few_places_exact(data):
    found = {r.code: r for r in recommendations(data)}
    rule = found["za_malo_miejsc"]
    assert rule.priority == 1 and rule.step == "koszyk"
    assert "miejsc jest mniej niż osób z diagnozy: 3." in rule.text
    # the biggest shortfall first: 240 − 20 = 220, 18 − 6 = 12, 10 − 7 = 3
    assert rule.evidence == [
        "Wykluczenie cyfrowe — osoby starsze: osób 240, miejsc 20 (współczynnik 0,08); usługi: S1, S2; "
        "mogą dodać usługę: SP1; kandydaci: FUND, zaprasza GOK (poziom 2)",
        "Bezdomność — osoby w kryzysie bezdomności: osób 18, miejsc 6 (współczynnik 0,33); usługi: S3; "
        "mogą dodać usługę: brak; kandydaci: ZGM, zaprasza OPS — lider, pierwszy kontakt; "
        "FUND, zaprasza GOK (poziom 2)",
        "Przemoc domowa — osoby doznające przemocy: osób 10, miejsc 7 (współczynnik 0,70); usługi: S10, S9; "
        "mogą dodać usługę: brak; kandydaci: brak",
    ]
    # the gap rule carries the matcher's suggestions too
    assert found["luki_priorytetowe"].evidence[0] == (
        "Samotność i osamotnienie osób starszych — osoby starsze: liczba osób 50, priorytet 1, źródło: Diagnoza; "
        "mogą dodać usługę: OPS, GOK, BIB; kandydaci: FUND, zaprasza GOK (poziom 2)")


def test_example_shows_nominally_covered_needs():
    summary = basket_summary(read_gmina(example_dir()))
    nominal = [c for c in summary["capacity"] if c["status"] == "nominally_covered"]
    assert {(c["area"], c["group"], c["people"], c["places"], c["capacity_ratio"]) for c in nominal} == {
        ("wykluczenie_cyfrowe", "osoby_starsze", 240, 12, 0.05),
        ("bezdomnosc", "osoby_w_kryzysie_bezdomnosci", 18, 6, 0.333),
    }
    assert summary["needs_nominally_covered"] == 2


def test_area_sectors_file_uses_known_codes():
    areas, sectors = set(dictionary("obszary_potrzeb").codes), set(dictionary("sektory").codes)
    table = area_sectors()
    assert set(table) == areas  # every need area has its sectors
    assert all(entry.sectors and set(entry.sectors) <= sectors and entry.why for entry in table.values())
