"""Basket analytics (CONTRACT §3 "Basket") on tiny gminas read through the real reader, checked against hand counts.

Every gmina here is written as a CSV folder with the conftest helpers and read with ``read_gmina``, so the tests
also cover what the reader hands the basket: codes resolved from Polish labels, multi-valued cells split on ``;``
or ``,``, empty cells as missing values. Expected values are worked out by hand in the comments next to them.

Contract, as applied here: a need row (obszar, grupa) is covered when some service lists that area and that group
(or ``wszyscy``); ``gaps`` = uncovered need rows, most urgent first (priority 1 before 3, then more people);
``single_provider_areas`` = need areas served by exactly one partner, in dictionary order.
"""

from __future__ import annotations

import copy
import csv
import re
import unicodedata
from pathlib import Path

import pandas as pd
import pytest

from pzk_kit import read_gmina
from pzk_kit.basket import (
    access_barriers,
    basket_summary,
    coverage_matrix,
    find_services,
    gaps,
    needs_coverage,
    overlaps,
    partner_contribution,
    sector_contribution,
    services_without_declaration,
)
from pzk_kit.workbook.dictionaries import dictionary
from pzk_kit.workbook.example import example_dir

GMINA_SHEET = [["pole", "wartosc"], ["nazwa", "Gmina Koszykowa"], ["lider", "OPS"]]
PARTNERS_HEADER = ["id", "nazwa", "sektor", "rola", "deklaracja"]
PARTNERS = [
    PARTNERS_HEADER,
    ["OPS", "Ośrodek Pomocy Społecznej", "Pomoc społeczna", "Lider", "Podpisana"],
    ["PUP", "Powiatowy Urząd Pracy", "Zatrudnienie", "Partner", "Podpisana"],
    ["SP1", "Szkoła Podstawowa nr 1", "Edukacja", "Partner", "List intencyjny"],
    ["KPP", "Komenda Powiatowa Policji", "Bezpieczeństwo", "Kandydat", "Brak"],
]
SERVICES_HEADER = ["id", "partner", "nazwa", "obszary", "grupy", "dostep", "odplatnosc", "miejsce", "godziny",
                   "kontakt"]
# The basket of the main tiny gmina. Cells are typed as users type them: labels, `;` or `,` between values.
#   U1 OPS  ubostwo, bezrobocie          × wszyscy                          bez skierowania, bezpłatna
#   U2 PUP  bezrobocie                   × osoby_bezrobotne, mlodziez (",")  skierowanie,     bezpłatna
#   U3 SP1  kryzys_psychiczny            × dzieci                           bez skierowania, częściowo odpłatna
#   U4 SP1  kryzys_psychiczny, przemoc_domowa (",") × dzieci, mlodziez (";") skierowanie, bezpłatna
#   U5 KPP  przemoc_domowa               × osoby_doznajace_przemocy         bez skierowania, (odpłatność empty)
#   U6 OPS  ubostwo                      × osoby_starsze, osoby_z_niepelnosprawnosciami  decyzja, odpłatna
SERVICES = [
    SERVICES_HEADER,
    ["U1", "OPS", "Poradnictwo socjalne", "Ubóstwo; Bezrobocie", "Wszyscy mieszkańcy", "Bez skierowania",
     "Bezpłatna", "ul. Rynek 1", "pon.–pt. 8:00–15:00", "tel. 12 111 11 11"],
    ["U2", "PUP", "Szkolenia zawodowe", "Bezrobocie", "Osoby bezrobotne, Młodzież", "Skierowanie", "Bezpłatna",
     "", "", ""],
    ["U3", "SP1", "Świetlica socjoterapeutyczna", "Kryzys psychiczny", "Dzieci", "Bez skierowania",
     "Częściowo odpłatna", "Szkoła, sala 5", "", ""],
    ["U4", "SP1", "Konsultacje z pedagogiem", "Kryzys psychiczny, Przemoc domowa", "Dzieci; Młodzież", "Skierowanie",
     "Bezpłatna", "", "wt. 12:00–14:00", ""],
    ["U5", "KPP", "Dyżur dzielnicowego", "Przemoc domowa", "Osoby doznające przemocy", "Bez skierowania", "",
     "", "", "tel. 997"],
    ["U6", "OPS", "Usługi opiekuńcze w domu", "ubostwo", "osoby starsze; Osoby z niepełnosprawnościami", "Decyzja",
     "Odpłatna", "", "", ""],
]
NEEDS_HEADER = ["obszar", "grupa", "liczba_osob", "priorytet", "zrodlo"]
# Need rows (Excel rows 2–10) and their coverage, by hand:
#   N1 ubostwo × osoby_starsze        120 p1: U1 (wszyscy) + U6 (osoby_starsze) → 2 services, 1 provider (OPS)
#   N2 bezrobocie × mlodziez           40 p2: U1 (wszyscy) + U2 (mlodziez)      → 2 services, 2 providers
#   N3 kryzys_psychiczny × osoby_starsze 50 p1: the area has U3, U4, but only for dzieci/mlodziez → GAP
#   N4 kryzys_psychiczny × dzieci      70 p1: U3 + U4                           → 2 services, 1 provider (SP1)
#   N5 przemoc_domowa × wszyscy       500 p2: U4, U5 are for specific groups, none lists wszyscy → GAP
#   N6 bezdomnosc × osoby_w_kryzysie_bezdomnosci 10 p1: no service in the area → GAP
#   N7 wykluczenie_cyfrowe × osoby_starsze  (people unknown) p1: nothing → GAP
#   N8 trudnosci_mieszkaniowe × rodziny_z_dziecmi 200 (priority unknown): nothing → GAP
#   N9 ubostwo × wszyscy               15 p3: U1 lists wszyscy                   → 1 service, 1 provider
NEEDS = [
    NEEDS_HEADER,
    ["Ubóstwo", "Osoby starsze", "120", "1", "Diagnoza 2024"],
    ["Bezrobocie", "Młodzież", "40", "2", "Diagnoza 2024"],
    ["Kryzys psychiczny", "Osoby starsze", "50", "1", "Diagnoza 2024"],
    ["Kryzys psychiczny", "Dzieci", "70", "1", "Diagnoza 2024"],
    ["Przemoc domowa", "Wszyscy mieszkańcy", "500", "2", "Strategia"],
    ["Bezdomność", "Osoby w kryzysie bezdomności", "10", "1", "Strategia"],
    ["Wykluczenie cyfrowe", "Osoby starsze", "", "1", "Konsultacje"],
    ["Trudności mieszkaniowe", "Rodziny z dziećmi", "200", "", "Konsultacje"],
    ["Ubóstwo", "Wszyscy mieszkańcy", "15", "3", "Konsultacje"],
]
# Uncovered: N3 (p1, 50), N5 (p2, 500), N6 (p1, 10), N7 (p1, ?), N8 (?, 200). Ranked by priority, then people
# (more first, unknown last), unknown priority last: N3, N6, N7 | N5 | N8 — N5's 500 people do not beat priority 1.
EXPECTED_GAPS = [
    {"area": "kryzys_psychiczny", "group": "osoby_starsze"},
    {"area": "bezdomnosc", "group": "osoby_w_kryzysie_bezdomnosci"},
    {"area": "wykluczenie_cyfrowe", "group": "osoby_starsze"},
    {"area": "przemoc_domowa", "group": "wszyscy"},
    {"area": "trudnosci_mieszkaniowe", "group": "rodziny_z_dziecmi"},
]

AREAS = dictionary("obszary_potrzeb")
GROUPS = dictionary("grupy_docelowe")
SPECIFIC_GROUP_LABELS = [e.label for e in GROUPS.entries if e.code != "wszyscy"]


def _sheets(partners=None, services=None, needs=None) -> dict[str, list[list[object]]]:
    """A gmina as sheets; ``None`` keeps the main tiny gmina's table, ``False`` leaves the sheet out."""
    sheets = {"gmina": GMINA_SHEET, "partnerzy": PARTNERS if partners is None else partners}
    for name, rows, default in (("uslugi", services, SERVICES), ("potrzeby", needs, NEEDS)):
        if rows is not False:
            sheets[name] = default if rows is None else rows
    return copy.deepcopy(sheets)


@pytest.fixture
def read_sheets(tmp_path, write_csv_gmina):
    """Write sheets as a CSV folder and read them with read_gmina; the data must have no errors."""
    count = 0

    def read(sheets, *, valid: bool = True):
        nonlocal count
        count += 1
        data = read_gmina(write_csv_gmina(tmp_path / f"gmina{count}", sheets))
        if valid:
            assert data.report.ok, [str(p) for p in data.report.errors]
        return data

    return read


@pytest.fixture
def data(read_sheets):
    return read_sheets(_sheets())


# -- what the reader hands the basket ------------------------------------------------------------------------------


def test_multi_valued_cells_with_semicolons_and_commas_become_codes(data):
    listed = {sid: (areas, groups) for sid, areas, groups in
              zip(data.services["id"], data.services["obszary"], data.services["grupy"], strict=True)}
    assert listed["U1"] == (("ubostwo", "bezrobocie"), ("wszyscy",))
    assert listed["U2"] == (("bezrobocie",), ("osoby_bezrobotne", "mlodziez"))  # "," separated
    assert listed["U4"] == (("kryzys_psychiczny", "przemoc_domowa"), ("dzieci", "mlodziez"))  # "," and ";"
    assert listed["U6"] == (("ubostwo",), ("osoby_starsze", "osoby_z_niepelnosprawnosciami"))  # codes typed, too
    assert list(data.needs["grupa"])[4] == "wszyscy"


# -- basket_summary: the summary.json part --------------------------------------------------------------------------


def test_basket_summary_exact(data):
    assert basket_summary(data) == {
        "services": 6,
        "needs": 9,
        "needs_covered": 4,  # N1, N2, N4, N9
        "gaps": EXPECTED_GAPS,
        # Providers per area: ubostwo {OPS} (U1, U6), bezrobocie {OPS, PUP}, kryzys_psychiczny {SP1} (U3 and U4:
        # two services, one partner), przemoc_domowa {SP1, KPP}. Dictionary order puts ubostwo (1st) before
        # kryzys_psychiczny (17th) — alphabetical order would not.
        "single_provider_areas": ["ubostwo", "kryzys_psychiczny"],
        # No service here has limit_miejsc (the column is absent): every covered need has unlimited places
        # (None), so none is only nominally covered; capacity follows the sheet's row order N1…N9.
        "needs_nominally_covered": 0,
        "capacity": [
            {"area": area, "group": group, "people": people, "places": None, "capacity_ratio": None,
             "status": status}
            for area, group, people, status in (
                ("ubostwo", "osoby_starsze", 120, "covered"), ("bezrobocie", "mlodziez", 40, "covered"),
                ("kryzys_psychiczny", "osoby_starsze", 50, "gap"), ("kryzys_psychiczny", "dzieci", 70, "covered"),
                ("przemoc_domowa", "wszyscy", 500, "gap"),
                ("bezdomnosc", "osoby_w_kryzysie_bezdomnosci", 10, "gap"),
                ("wykluczenie_cyfrowe", "osoby_starsze", None, "gap"),
                ("trudnosci_mieszkaniowe", "rodziny_z_dziecmi", 200, "gap"), ("ubostwo", "wszyscy", 15, "covered"))
        ],
    }


def test_basket_summary_is_json_ready(data):
    summary = basket_summary(data)
    assert type(summary["services"]) is int and type(summary["needs"]) is int
    assert type(summary["needs_covered"]) is int
    assert all(set(g) == {"area", "group"} and all(type(v) is str for v in g.values()) for g in summary["gaps"])
    assert all(type(a) is str for a in summary["single_provider_areas"])


def test_gaps_table_keeps_need_details_in_rank_order(data):
    table = gaps(data)
    assert list(zip(table["obszar"], table["grupa"], strict=True)) == [(g["area"], g["group"]) for g in EXPECTED_GAPS]
    assert list(table["wiersz"]) == [4, 7, 8, 6, 9]  # Excel rows of N3, N6, N7, N5, N8
    assert not table["pokryta"].any()


def test_wszyscy_service_covers_any_group(read_sheets):
    # One service for everyone in ubostwo: needs of three unrelated groups (and of `wszyscy`) are all covered.
    services = [SERVICES_HEADER, ["U1", "OPS", "Poradnictwo", "Ubóstwo", "Wszyscy mieszkańcy", "", "", "", "", ""]]
    needs = [NEEDS_HEADER, ["Ubóstwo", "Dzieci", "", "", ""], ["Ubóstwo", "Cudzoziemcy", "", "", ""],
             ["Ubóstwo", "Osoby opuszczające zakłady karne", "", "", ""], ["Ubóstwo", "Wszyscy mieszkańcy", "", "", ""],
             ["Bezrobocie", "Dzieci", "", "", ""]]  # …but not another area
    summary = basket_summary(read_sheets(_sheets(services=services, needs=needs)))
    assert summary["needs_covered"] == 4
    assert summary["gaps"] == [{"area": "bezrobocie", "group": "dzieci"}]


def test_need_for_wszyscy_is_not_covered_by_services_for_specific_groups(read_sheets):
    # Services for every specific group but none listing `wszyscy`: the contract's rule ("that group, or wszyscy")
    # asks for a service listing `wszyscy` itself. (Joined with "; " — with ", " the reader misreads the file,
    # see test_semicolon_csv_with_a_long_comma_separated_cell_is_read.)
    specific = "; ".join(SPECIFIC_GROUP_LABELS)
    services = [SERVICES_HEADER, ["U1", "OPS", "Pomoc", "Ubóstwo", specific, "", "", "", "", ""]]
    needs = [NEEDS_HEADER, ["Ubóstwo", "Wszyscy mieszkańcy", "", "", ""], ["Ubóstwo", "Dzieci", "", "", ""]]
    summary = basket_summary(read_sheets(_sheets(services=services, needs=needs)))
    assert summary["needs_covered"] == 1
    assert summary["gaps"] == [{"area": "ubostwo", "group": "wszyscy"}]


def test_semicolon_csv_with_a_long_comma_separated_cell_is_read(read_sheets):
    # 10 columns → 9 ';' in the header; the grupy cell lists the 13 specific groups with 12 ','.
    services = [SERVICES_HEADER, ["U1", "OPS", "Pomoc", "Ubóstwo", ", ".join(SPECIFIC_GROUP_LABELS), "", "", "", "",
                                  ""]]
    data = read_sheets(_sheets(services=services, needs=False))  # asserts report.ok
    assert data.services["grupy"][0] == tuple(e.code for e in GROUPS.entries if e.code != "wszyscy")


def test_need_whose_area_has_services_for_other_groups_is_a_gap(read_sheets):
    services = [SERVICES_HEADER, ["U1", "OPS", "Klub seniora", "Samotność i osamotnienie osób starszych",
                                 "Osoby starsze", "", "", "", "", ""]]
    needs = [NEEDS_HEADER, ["Samotność i osamotnienie osób starszych", "Opiekunowie", "30", "1", ""]]
    data = read_sheets(_sheets(services=services, needs=needs))
    assert basket_summary(data)["gaps"] == [{"area": "samotnosc_i_osamotnienie_osob_starszych",
                                             "group": "opiekunowie"}]
    # The area itself is served (by one partner), even though this need is not.
    assert basket_summary(data)["single_provider_areas"] == ["samotnosc_i_osamotnienie_osob_starszych"]


def test_two_services_of_one_partner_in_an_area_are_still_a_single_provider(read_sheets):
    services = [SERVICES_HEADER,
                ["U1", "OPS", "Zasiłek", "Bezdomność", "Osoby w kryzysie bezdomności", "", "", "", "", ""],
                ["U2", "OPS", "Noclegownia", "Bezdomność", "Wszyscy mieszkańcy", "", "", "", "", ""],
                ["U3", "OPS", "Schronisko", "Bezdomność; Ubóstwo", "Osoby w kryzysie bezdomności", "", "", "", "", ""],
                ["U4", "PUP", "Staż", "Ubóstwo", "Osoby bezrobotne", "", "", "", "", ""]]
    needs = [NEEDS_HEADER, ["Bezdomność", "Osoby w kryzysie bezdomności", "", "", ""]]
    data = read_sheets(_sheets(services=services, needs=needs))
    # bezdomnosc: U1, U2, U3 all OPS → one provider; ubostwo: OPS (U3) and PUP (U4) → two.
    assert basket_summary(data)["single_provider_areas"] == ["bezdomnosc"]
    coverage = needs_coverage(data)
    assert (int(coverage["uslugi"][0]), int(coverage["dostawcy"][0])) == (3, 1)


def test_single_provider_areas_count_partners_over_all_groups_of_the_area(read_sheets):
    # "Served by exactly one partner" looks at the area, whatever the groups: OPS for dzieci and PUP for
    # osoby_bezrobotne make ubostwo a two-provider area even though each group has one provider.
    services = [SERVICES_HEADER, ["U1", "OPS", "A", "Ubóstwo", "Dzieci", "", "", "", "", ""],
                ["U2", "PUP", "B", "Ubóstwo", "Osoby bezrobotne", "", "", "", "", ""]]
    needs = [NEEDS_HEADER, ["Ubóstwo", "Dzieci", "", "", ""]]
    assert basket_summary(read_sheets(_sheets(services=services, needs=needs)))["single_provider_areas"] == []


def test_single_provider_areas_include_served_areas_without_a_need_row(read_sheets):
    # Pins the current reading of "need areas" as the areas of the need-area dictionary (`obszary_potrzeb`, the
    # dictionary the `uslugi.obszary` column uses): sieroctwo is served by OPS alone and listed although no
    # need row mentions it. If the contract meant "areas of the potrzeby sheet", this would be [] — see the report.
    services = [SERVICES_HEADER, ["U1", "OPS", "Rodzina zastępcza", "Sieroctwo", "Dzieci", "", "", "", "", ""]]
    needs = [NEEDS_HEADER, ["Ubóstwo", "Dzieci", "", "", ""]]
    assert basket_summary(read_sheets(_sheets(services=services, needs=needs)))["single_provider_areas"] == [
        "sieroctwo"]


def test_unknown_need_area_is_a_validation_error_not_a_crash(read_sheets, find_problems):
    needs = [*copy.deepcopy(NEEDS), ["Głód", "Osoby starsze", "5", "1", ""]]  # Excel row 11
    data = read_sheets(_sheets(needs=needs), valid=False)
    assert not data.report.ok
    errors = find_problems(data.report, severity="błąd")
    assert len(errors) == 1
    assert (errors[0].sheet, errors[0].row, errors[0].column) == ("potrzeby", 11, "obszar")
    assert "Głód" in errors[0].text
    basket_summary(data)  # analyses are meant for valid data only, but they must not raise on it either


# -- needs_coverage ------------------------------------------------------------------------------------------------


def test_needs_coverage_counts_services_and_distinct_providers_per_need_row(data):
    coverage = needs_coverage(data)
    assert list(coverage["uslugi"]) == [2, 2, 0, 2, 0, 0, 0, 0, 1]  # N1 … N9, see NEEDS
    assert list(coverage["dostawcy"]) == [1, 2, 0, 1, 0, 0, 0, 0, 1]
    assert list(coverage["pokryta"]) == [True, True, False, True, False, False, False, False, True]
    assert list(coverage["wiersz"]) == list(range(2, 11))
    assert list(coverage["liczba_osob"].astype("object").where(coverage["liczba_osob"].notna(), None)) == [
        120, 40, 50, 70, 500, 10, None, 200, 15]


# -- coverage_matrix -----------------------------------------------------------------------------------------------


def test_coverage_matrix_shape_labels_and_counts(data):
    services, providers = coverage_matrix(data)
    # Rows: areas with a service or a need, in dictionary order, as Polish labels; columns: the 13 specific groups
    # (`wszyscy` is spread over them, not a column of its own).
    rows = ["Ubóstwo", "Bezdomność", "Bezrobocie", "Przemoc domowa", "Kryzys psychiczny", "Wykluczenie cyfrowe",
            "Trudności mieszkaniowe"]
    for table in (services, providers):
        assert list(table.index) == rows
        assert list(table.columns) == SPECIFIC_GROUP_LABELS
        assert table.shape == (7, 13)
        assert all(dtype == "int64" for dtype in table.dtypes)
    # Ubóstwo: U1 (wszyscy) counts 1 in every column; U6 adds 1 for the elderly and the disabled.
    assert services.loc["Ubóstwo", "Dzieci"] == 1
    assert services.loc["Ubóstwo", "Osoby opuszczające zakłady karne"] == 1
    assert services.loc["Ubóstwo", "Osoby starsze"] == 2
    assert services.loc["Ubóstwo", "Osoby z niepełnosprawnościami"] == 2
    assert (providers.loc["Ubóstwo"] == 1).all()  # OPS only
    # Bezrobocie: U1 everywhere, U2 (PUP) for the unemployed and youth → 2 services from 2 providers there.
    assert services.loc["Bezrobocie", "Osoby bezrobotne"] == 2 and providers.loc["Bezrobocie", "Osoby bezrobotne"] == 2
    assert services.loc["Bezrobocie", "Młodzież"] == 2 and providers.loc["Bezrobocie", "Młodzież"] == 2
    assert services.loc["Bezrobocie", "Dzieci"] == 1
    # Kryzys psychiczny: U3 and U4 for children (both SP1), U4 for youth.
    assert services.loc["Kryzys psychiczny", "Dzieci"] == 2 and providers.loc["Kryzys psychiczny", "Dzieci"] == 1
    assert services.loc["Kryzys psychiczny", "Młodzież"] == 1
    assert services.loc["Kryzys psychiczny"].sum() == 3
    # Przemoc domowa: U4 (children, youth) and U5 (people experiencing violence).
    assert services.loc["Przemoc domowa"].sum() == 3
    assert services.loc["Przemoc domowa", "Osoby doznające przemocy"] == 1
    # Need areas without any service: rows of zeros.
    for area in ("Bezdomność", "Wykluczenie cyfrowe", "Trudności mieszkaniowe"):
        assert services.loc[area].sum() == 0 and providers.loc[area].sum() == 0
    # Total: ubostwo 13 + 2, bezrobocie 13 + 2, kryzys 3, przemoc 3.
    assert int(services.to_numpy().sum()) == 36


def test_coverage_matrix_agrees_with_needs_coverage(data):
    services, providers = coverage_matrix(data)
    coverage = needs_coverage(data)
    for _, need in coverage[coverage["grupa"] != "wszyscy"].iterrows():
        cell = (AREAS.label(need["obszar"]), GROUPS.label(need["grupa"]))
        assert services.loc[cell] == need["uslugi"], cell
        assert providers.loc[cell] == need["dostawcy"], cell


def test_coverage_matrix_service_for_a_group_and_for_wszyscy_counts_once(read_sheets):
    services = [SERVICES_HEADER, ["U1", "OPS", "A", "Ubóstwo", "Dzieci; Wszyscy mieszkańcy", "", "", "", "", ""]]
    counts, _ = coverage_matrix(read_sheets(_sheets(services=services, needs=False)))
    assert list(counts.index) == ["Ubóstwo"]
    assert (counts.loc["Ubóstwo"] == 1).all()


# -- access, contributions, overlaps, declarations -----------------------------------------------------------------


def test_access_barriers_shares(data):
    table = access_barriers(data)
    assert list(table.columns) == ["Cecha", "Wartość", "Usługi", "Udział"]
    rows = [tuple(r) for r in table.itertuples(index=False)]
    # Access: bez skierowania U1, U3, U5 (3/6); skierowanie U2, U4 (2/6); decyzja U6 (1/6).
    # Payment: bezpłatna U1, U2, U4 (3/6); częściowo U3; odpłatna U6; U5 left empty → "nie podano" (1/6 each).
    assert rows == [
        ("Tryb dostępu do usługi", "Bez skierowania", 3, 0.5),
        ("Tryb dostępu do usługi", "Skierowanie", 2, 0.333),
        ("Tryb dostępu do usługi", "Decyzja", 1, 0.167),
        ("Odpłatność", "Bezpłatna", 3, 0.5),
        ("Odpłatność", "Częściowo odpłatna", 1, 0.167),
        ("Odpłatność", "Odpłatna", 1, 0.167),
        ("Odpłatność", "nie podano", 1, 0.167),
    ]


def test_partner_contribution(data):
    table = partner_contribution(data)
    # OPS: U1, U6 → areas {ubostwo, bezrobocie}, groups {wszyscy, osoby_starsze, osoby_z_niep.}, 1 free, 1 open.
    # SP1: U3, U4 → areas {kryzys_psychiczny, przemoc_domowa}, groups {dzieci, mlodziez}, U3 open, U4 free.
    # KPP: U5 → 1 area, 1 group, open, payment unknown (not free). PUP: U2 → 1 area, 2 groups, referral, free.
    # Order: most services first, then id (KPP before PUP). The candidate KPP is listed like everyone else.
    assert table.to_dict("records") == [
        {"id": "OPS", "Nazwa": "Ośrodek Pomocy Społecznej", "Sektor": "Pomoc społeczna", "Usługi": 2,
         "Obszary potrzeb": 2, "Grupy": 3, "Bez skierowania": 1, "Bezpłatne": 1},
        {"id": "SP1", "Nazwa": "Szkoła Podstawowa nr 1", "Sektor": "Edukacja", "Usługi": 2,
         "Obszary potrzeb": 2, "Grupy": 2, "Bez skierowania": 1, "Bezpłatne": 1},
        {"id": "KPP", "Nazwa": "Komenda Powiatowa Policji", "Sektor": "Bezpieczeństwo", "Usługi": 1,
         "Obszary potrzeb": 1, "Grupy": 1, "Bez skierowania": 1, "Bezpłatne": 0},
        {"id": "PUP", "Nazwa": "Powiatowy Urząd Pracy", "Sektor": "Zatrudnienie", "Usługi": 1,
         "Obszary potrzeb": 1, "Grupy": 2, "Bez skierowania": 0, "Bezpłatne": 1},
    ]


def test_sector_contribution_sums_partners_of_one_sector(read_sheets):
    partners = [PARTNERS_HEADER, ["OPS", "OPS", "Pomoc społeczna", "Lider", "Podpisana"],
                ["PCPR", "PCPR", "Pomoc społeczna", "Partner", "Podpisana"],
                ["SP1", "Szkoła", "Edukacja", "Partner", "Podpisana"],
                ["GOK", "Ośrodek kultury", "Kultura", "Partner", "Podpisana"]]  # no service: not counted
    services = [SERVICES_HEADER, *([sid, pid, sid, "Ubóstwo", "Dzieci", "", "", "", "", ""] for sid, pid in
                                   (("U1", "OPS"), ("U2", "OPS"), ("U3", "PCPR"), ("U4", "SP1")))]
    table = sector_contribution(read_sheets(_sheets(partners=partners, services=services)))
    # Pomoc społeczna: OPS (2) + PCPR (1) → 2 partners, 3 services; Edukacja: SP1 → 1 partner, 1 service.
    assert table.to_dict("records") == [{"Sektor": "Pomoc społeczna", "Partnerzy": 2, "Usługi": 3},
                                        {"Sektor": "Edukacja", "Partnerzy": 1, "Usługi": 1}]


def test_sector_contribution_main(data):
    table = sector_contribution(data)
    assert dict(zip(table["Sektor"], zip(table["Partnerzy"], table["Usługi"], strict=True), strict=True)) == {
        "Pomoc społeczna": (1, 2), "Edukacja": (1, 2), "Bezpieczeństwo": (1, 1), "Zatrudnienie": (1, 1)}
    assert list(table["Usługi"]) == sorted(table["Usługi"], reverse=True)


def test_overlaps_threshold(data, read_sheets):
    # Cells (area, group as listed) of the main gmina: only kryzys_psychiczny × dzieci has 2 services (U3, U4 of
    # SP1); every other cell has 1. The default threshold 3 finds nothing; threshold 2 finds that cell.
    assert overlaps(data).empty
    assert overlaps(data, threshold=2).to_dict("records") == [
        {"Obszar potrzeb": "Kryzys psychiczny", "Grupa": "Dzieci", "Usługi": 2, "Dostawcy": 1}]
    # threshold 1: every distinct (area, group) pair listed — U1 2, U2 2, U3 1, U4 3 new (kryzys × dzieci is
    # U3's), U5 1, U6 2 → 11.
    assert len(overlaps(data, threshold=1)) == 11

    services = [SERVICES_HEADER, *([sid, pid, sid, "Ubóstwo", "Osoby starsze", "", "", "", "", ""] for sid, pid in
                                   (("U1", "OPS"), ("U2", "OPS"), ("U3", "PUP")))]
    crowded = read_sheets(_sheets(services=services))
    assert overlaps(crowded).to_dict("records") == [  # exactly at the threshold counts
        {"Obszar potrzeb": "Ubóstwo", "Grupa": "Osoby starsze", "Usługi": 3, "Dostawcy": 2}]
    assert overlaps(crowded, threshold=4).empty


def test_services_without_declaration(data, read_sheets):
    # Main gmina: only KPP (a candidate with declaration "brak") → its service U5.
    assert services_without_declaration(data).to_dict("records") == [
        {"Usługa": "U5", "Nazwa": "Dyżur dzielnicowego", "Partner": "KPP", "Rola partnera": "Kandydat"}]

    partners = [PARTNERS_HEADER, ["OPS", "OPS", "Pomoc społeczna", "Lider", "Podpisana"],
                ["FUN", "Fundacja", "Organizacje pozarządowe", "Partner", ""],        # empty declaration
                ["STOW", "Stowarzyszenie", "Organizacje pozarządowe", "Partner", "Brak"],
                ["SP1", "Szkoła", "Edukacja", "Kandydat", "List intencyjny"],          # a candidate, whatever signed
                ["PUP", "Urząd Pracy", "Zatrudnienie", "Partner", "List intencyjny"]]   # a letter is enough
    services = [SERVICES_HEADER, *([sid, pid, f"Usługa {sid}", "Ubóstwo", "Dzieci", "", "", "", "", ""]
                                   for sid, pid in (("U1", "OPS"), ("U2", "FUN"), ("U3", "STOW"), ("U4", "SP1"),
                                                    ("U5", "PUP"), ("U6", "FUN")))]
    table = services_without_declaration(read_sheets(_sheets(partners=partners, services=services)))
    assert list(table["Usługa"]) == ["U2", "U3", "U4", "U6"]
    assert list(table["Partner"]) == ["FUN", "STOW", "SP1", "FUN"]
    assert list(table["Rola partnera"]) == ["Partner", "Partner", "Kandydat", "Partner"]


# -- find_services -------------------------------------------------------------------------------------------------


def test_find_services_areas_are_or_matched_and_group_includes_wszyscy(data):
    # ubostwo OR bezrobocie, for the elderly: U1 (both areas, wszyscy) and U6 (ubostwo, osoby_starsze);
    # U2 is bezrobocie but for the unemployed and youth only. U1 (open, free) before U6 (decision, paid).
    assert list(find_services(data, ["ubostwo", "bezrobocie"], "osoby_starsze")["id"]) == ["U1", "U6"]
    # ubostwo for children: only the service for everyone.
    assert list(find_services(data, ["ubostwo"], "dzieci")["id"]) == ["U1"]
    # kryzys_psychiczny OR przemoc_domowa for children: U3, U4 (U5 is for people experiencing violence).
    # U3 (open, partly paid) before U4 (referral, free): the access mode ranks before the payment.
    assert list(find_services(data, ["kryzys_psychiczny", "przemoc_domowa"], "dzieci")["id"]) == ["U3", "U4"]
    # Group `wszyscy`: services listing it.
    assert list(find_services(data, [], "wszyscy")["id"]) == ["U1"]
    # Nothing offered for the area.
    assert find_services(data, ["bezdomnosc"], "dzieci").empty


def test_find_services_filters(data):
    # Free services in ubostwo or bezrobocie, any group: U1, U2 (U6 is paid).
    assert list(find_services(data, ["ubostwo", "bezrobocie"], free_only=True)["id"]) == ["U1", "U2"]
    # Without a referral, anywhere: U1 (free), U3 (partly paid), U5 (payment unknown → last).
    assert list(find_services(data, without_referral=True)["id"]) == ["U1", "U3", "U5"]
    assert list(find_services(data, free_only=True, without_referral=True)["id"]) == ["U1"]


def test_find_services_orders_easiest_path_first(data):
    # Access (open < referral < decision < unknown), then payment (free < partly < paid < unknown), then name:
    # open: U1 free, U3 partly, U5 unknown; referral: U4 "Konsultacje…" and U2 "Szkolenia…" (both free → by name);
    # decision: U6.
    found = find_services(data)
    assert list(found["id"]) == ["U1", "U3", "U5", "U4", "U2", "U6"]
    assert list(found.columns) == ["id", "Usługa", "Świadczy", "Jak skorzystać", "Koszt", "Gdzie i kiedy", "Kontakt"]
    first = found.iloc[0]
    assert first["Świadczy"] == "Ośrodek Pomocy Społecznej"
    assert first["Jak skorzystać"] == dictionary("tryby_dostepu").entry("bez_skierowania").description
    assert first["Koszt"] == "Bezpłatna"
    assert first["Gdzie i kiedy"] == "ul. Rynek 1, pon.–pt. 8:00–15:00"
    assert first["Kontakt"] == "tel. 12 111 11 11"
    u5 = found.set_index("id").loc["U5"]
    assert (u5["Koszt"], u5["Gdzie i kiedy"], u5["Kontakt"]) == ("—", "", "tel. 997")


# -- missing sheets ------------------------------------------------------------------------------------------------


def test_no_uslugi_sheet(read_sheets, find_problems):
    data = read_sheets(_sheets(services=False))
    assert find_problems(data.report, severity="informacja", text="„uslugi” nie został jeszcze zebrany")
    # Every need row is a gap; the most urgent is N1 (priority 1, 120 people — the most among priority 1).
    summary = basket_summary(data)
    assert summary["services"] == 0 and summary["needs"] == 9 and summary["needs_covered"] == 0
    assert len(summary["gaps"]) == 9 and summary["gaps"][0] == {"area": "ubostwo", "group": "osoby_starsze"}
    assert summary["single_provider_areas"] == []
    services, providers = coverage_matrix(data)
    assert services.shape == providers.shape == (7, 13)
    assert int(services.to_numpy().sum()) == int(providers.to_numpy().sum()) == 0
    assert int(access_barriers(data)["Usługi"].sum()) == 0
    assert partner_contribution(data).empty and sector_contribution(data).empty and overlaps(data).empty
    assert find_services(data, ["ubostwo"], "dzieci").empty


def test_services_without_declaration_without_uslugi_sheet(read_sheets):
    table = services_without_declaration(read_sheets(_sheets(services=False)))
    assert table.empty
    assert list(table.columns) == ["Usługa", "Nazwa", "Partner", "Rola partnera"]


def test_no_potrzeby_sheet(read_sheets, find_problems):
    data = read_sheets(_sheets(needs=False))
    assert find_problems(data.report, severity="informacja", text="„potrzeby” nie został jeszcze zebrany")
    summary = basket_summary(data)
    assert summary == {"services": 6, "needs": 0, "needs_covered": 0, "gaps": [],
                       "single_provider_areas": ["ubostwo", "kryzys_psychiczny"],  # see test_basket_summary_exact
                       "needs_nominally_covered": 0, "capacity": []}
    assert needs_coverage(data).empty and gaps(data).empty
    services, _ = coverage_matrix(data)
    assert list(services.index) == ["Ubóstwo", "Bezrobocie", "Przemoc domowa", "Kryzys psychiczny"]


def test_no_uslugi_and_no_potrzeby_sheet(read_sheets):
    data = read_sheets(_sheets(services=False, needs=False))
    assert basket_summary(data) == {"services": 0, "needs": 0, "needs_covered": 0, "gaps": [],
                                    "single_provider_areas": [], "needs_nominally_covered": 0, "capacity": []}
    services, providers = coverage_matrix(data)
    assert services.shape == (0, 13) and providers.shape == (0, 13)


# -- the example gmina ---------------------------------------------------------------------------------------------


def _code(label: str) -> str:
    """A dictionary code from its Polish label, as CONTRACT §1 defines codes (written here independently)."""
    text = unicodedata.normalize("NFKD", label.strip().lower().replace("ł", "l"))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    code = re.sub(r"[^a-z0-9]+", "_", text).strip("_")
    return "wszyscy" if code == "wszyscy_mieszkancy" else code  # the one code the contract fixes by hand


def _split(cell: str) -> list[str]:
    separator = ";" if ";" in cell else ","
    return [_code(piece) for piece in cell.split(separator) if piece.strip()]


def _csv_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def test_example_gmina_basket():
    data = read_gmina(example_dir())
    assert data.report.ok
    summary = basket_summary(data)
    assert (summary["services"], summary["needs"], summary["needs_covered"]) == (53, 15, 11)
    # From potrzeby.csv: the four uncovered rows are (priority, people) długotrwała choroba × opiekunowie (1, 85),
    # kryzys psychiczny × dzieci (1, 70), cudzoziemcy (2, 45), wykluczenie cyfrowe × niepełnosprawni (3, 60).
    assert summary["gaps"] == [
        {"area": "dlugotrwala_lub_ciezka_choroba", "group": "opiekunowie"},
        {"area": "kryzys_psychiczny", "group": "dzieci"},
        {"area": "trudnosci_w_integracji_cudzoziemcow", "group": "cudzoziemcy"},
        {"area": "wykluczenie_cyfrowe", "group": "osoby_z_niepelnosprawnosciami"},
    ]
    order = AREAS.codes
    assert summary["single_provider_areas"] == sorted(summary["single_provider_areas"], key=order.index)


def test_example_gmina_coverage_recomputed_from_the_csv_files():
    folder = example_dir()
    services = _csv_rows(folder / "uslugi.csv")
    needs = _csv_rows(folder / "potrzeby.csv")
    offered: set[tuple[str, str]] = set()
    partners_by_area: dict[str, set[str]] = {}
    for row in services:
        for area in _split(row["obszary"]):
            partners_by_area.setdefault(area, set()).add(row["partner"])
            offered.update((area, group) for group in _split(row["grupy"]))
    # The independent normaliser agrees with the kit's dictionaries on every label the files use.
    used_areas = {area for area, _ in offered} | {_code(n["obszar"]) for n in needs}
    used_groups = {group for _, group in offered} | {_code(n["grupa"]) for n in needs}
    assert used_areas <= set(AREAS.codes) and used_groups <= set(GROUPS.codes)

    uncovered = [(_code(n["obszar"]), _code(n["grupa"])) for n in needs
                 if (_code(n["obszar"]), _code(n["grupa"])) not in offered
                 and (_code(n["obszar"]), "wszyscy") not in offered]
    summary = basket_summary(read_gmina(folder))
    assert len(services) == summary["services"] and len(needs) == summary["needs"]
    assert sorted(uncovered) == sorted((g["area"], g["group"]) for g in summary["gaps"])
    assert len(needs) - len(uncovered) == summary["needs_covered"]
    single = [area for area in AREAS.codes if len(partners_by_area.get(area, ())) == 1]
    assert single == summary["single_provider_areas"]


def test_example_gmina_matrix_and_coverage_agree():
    data = read_gmina(example_dir())
    services, providers = coverage_matrix(data)
    assert list(services.columns) == SPECIFIC_GROUP_LABELS
    coverage = needs_coverage(data)
    for _, need in coverage.iterrows():
        cell = (AREAS.label(need["obszar"]), GROUPS.label(need["grupa"]))
        assert services.loc[cell] == need["uslugi"] and providers.loc[cell] == need["dostawcy"], cell
    assert pd.Series(coverage["pokryta"]).sum() == 11
