"""Issue 16 item 4: the model's variant (gmina ``typ``) chooses what the recommendations expect of the PZK.

Each gmina is made by hand from ``MINIMAL_GMINA`` (conftest: GOPS lider, PUP and SP1 partners, KPP a candidate;
``typ`` Wiejska); each test changes the type, the TERYT or the partners and checks the rule that fires and the
numbers and institutions it quotes (from ``data/warianty.csv``).
"""

from __future__ import annotations

import pytest

from pzk_kit.evaluation.recommendations import load_rules, recommendations
from pzk_kit.evaluation.variants import CITY_COUNTY, UNKNOWN, VARIANTS, expectations, variant_of
from pzk_kit.workbook.dictionaries import core_sectors, dictionary
from pzk_kit.workbook.reading import read_gmina

VARIANT_RULES = ("wariant_kluczowi_partnerzy", "wariant_malo_partnerow", "wariant_duzo_partnerow", "wariant_nieznany")


@pytest.fixture
def build(tmp_path, write_xlsx):
    counter = iter(range(1000))

    def _build(rows):
        return read_gmina(write_xlsx(tmp_path / f"g{next(counter)}.xlsx", rows))

    return _build


def by_code(found):
    return {r.code: r for r in found}


def set_field(rows, name, value):
    for row in rows["gmina"][1:]:
        if row[0] == name:
            row[1] = value
            return
    rows["gmina"].append([name, value])


def add_partners(rows, count, sector="Pomoc społeczna", name="Instytucja", role="Partner"):
    for k in range(count):
        rows["partnerzy"].append([f"{name[:3].upper()}{k}", f"{name} {k}", sector, role, "Podpisana", "", ""])


def test_the_variants_file_covers_every_variant_and_core_sector():
    rows = expectations()
    sectors = set(dictionary("sektory").codes)
    for variant in VARIANTS:
        mine = [r for r in rows if r.variant == variant]
        assert {r.kind for r in mine} == {"nazwa", "liczba_partnerow", "instytucja", "partner"}
        assert {r.sector for r in mine if r.kind == "instytucja"} == set(core_sectors())
        count = next(r for r in mine if r.kind == "liczba_partnerow")
        assert 10 <= count.low < count.high <= 40
        assert all(r.why for r in mine if r.kind != "nazwa")  # every expectation says why
    assert all(r.sector in sectors for r in rows if r.sector)
    assert {r.variant for r in rows} == {*VARIANTS, CITY_COUNTY}
    assert {rule.code for rule in load_rules()} >= set(VARIANT_RULES)


def test_variant_of_reads_type_and_recognises_cities_with_powiat_rights():
    assert variant_of("wiejska", "1209022").keys == ("wiejska",)
    assert variant_of("miejska", "1261011").keys == (CITY_COUNTY, "miejska")  # Kraków
    assert variant_of("miejska", "1261011").label == "miasto na prawach powiatu"
    assert variant_of("miejsko_wiejska", "1299013").keys == ("miejsko_wiejska",)  # only a town is a city-county
    assert variant_of(None, "1261011").code == UNKNOWN and not variant_of("", None).known


def test_rural_gmina_expects_powiat_units_parish_kgw_osp_and_12_to_20_members(build, gmina_rows):
    add_partners(gmina_rows, 1, "Bezpieczeństwo", "Ochotnicza Straż Pożarna w Dolanach")
    add_partners(gmina_rows, 1, "Organizacje pozarządowe", "KGW „Dolanianki”", role="Kandydat")
    found = by_code(recommendations(build(gmina_rows)))
    few = found["wariant_malo_partnerow"]
    assert few.title == "Poszerzcie PZK — w wariancie „gmina wiejska” liczy zwykle 12–20 instytucji"
    assert few.evidence == ["Przyjęty wariant modelu: gmina wiejska; instytucje członkowskie: 4, typowo 12–20."]
    assert "wariant_duzo_partnerow" not in found and "wariant_nieznany" not in found
    key = found["wariant_kluczowi_partnerzy"]
    assert key.title == ("Zaproście partnerów typowych dla wariantu „gmina wiejska”: parafia, "
                         "koło gospodyń wiejskich (KGW)")  # the OSP is in, so it is not asked for
    assert key.evidence[0] == "Przyjęty wariant modelu: gmina wiejska."
    assert key.evidence[2].startswith("koło gospodyń wiejskich (KGW) (Organizacje pozarządowe) — w PZK: 0, "
                                      "oczekiwane co najmniej: 1; kandydaci: KGW „Dolanianki” 0 (KGW0). ")
    sectors = found["brakujace_sektory"]
    assert sectors.evidence[0] == "Przyjęty wariant modelu: gmina wiejska."
    justice = next(e for e in sectors.evidence if e.startswith("Wymiar sprawiedliwości"))
    assert "zwykle zaprasza się: Zespół Kuratorskiej Służby Sądowej przy sądzie rejonowym (powiat)" in justice
    health = next(e for e in sectors.evidence if e.startswith("Zdrowie"))
    assert "SP ZOZ lub szpital powiatowy" in health


def test_urban_rural_gmina_above_30_members_is_told_to_work_in_smaller_teams(build, gmina_rows):
    set_field(gmina_rows, "typ", "Miejsko-wiejska")
    set_field(gmina_rows, "teryt", "1209033")
    add_partners(gmina_rows, 27)  # 3 members + 27 = 30: the top of the range, nothing to say
    assert "wariant_duzo_partnerow" not in by_code(recommendations(build(gmina_rows)))
    add_partners(gmina_rows, 1, name="Jeszcze jedna")
    found = by_code(recommendations(build(gmina_rows)))
    many = found["wariant_duzo_partnerow"]
    assert many.priority == 3
    assert many.evidence == ["Przyjęty wariant modelu: gmina miejsko-wiejska; instytucje członkowskie: 31, "
                             "typowo 15–30."]
    assert "Instytucje członkowskie PZK (lider i partnerzy): 31, więcej niż zwykle w wariancie „gmina " \
           "miejsko-wiejska” (15–30)" in many.text
    assert "wariant_malo_partnerow" not in found


def test_urban_gmina_expects_several_ngos_a_cis_or_kis_and_housing(build, gmina_rows):
    set_field(gmina_rows, "typ", "Miejska")
    set_field(gmina_rows, "teryt", "1016011")
    add_partners(gmina_rows, 2, "Organizacje pozarządowe", "Stowarzyszenie")
    add_partners(gmina_rows, 25)
    found = by_code(recommendations(build(gmina_rows)))
    assert "wariant_malo_partnerow" not in found  # 30 members: within 25–40
    key = found["wariant_kluczowi_partnerzy"]
    assert [e.split(" — ")[0] for e in key.evidence[1:]] == [
        "organizacje pozarządowe (kilka) (Organizacje pozarządowe)",
        "centrum lub klub integracji społecznej (CIS/KIS) (Zatrudnienie)",
        "zarząd lub zakład gospodarki mieszkaniowej (mieszkania gminne) (Mieszkalnictwo)"]
    assert "w PZK: 2, oczekiwane co najmniej: 3" in key.evidence[1]
    # a CIS and a third NGO satisfy those two expectations
    add_partners(gmina_rows, 1, "Zatrudnienie", "Centrum Integracji Społecznej w Mieście")
    add_partners(gmina_rows, 1, "Organizacje pozarządowe", "Fundacja")
    key = by_code(recommendations(build(gmina_rows)))["wariant_kluczowi_partnerzy"]
    assert key.title.endswith(": zarząd lub zakład gospodarki mieszkaniowej (mieszkania gminne)")


def test_city_with_powiat_rights_names_the_citys_own_units(build, gmina_rows):
    set_field(gmina_rows, "typ", "Miejska")
    set_field(gmina_rows, "teryt", "1261011")
    found = by_code(recommendations(build(gmina_rows)))
    sectors = found["brakujace_sektory"]
    assert sectors.evidence[0] == "Przyjęty wariant modelu: miasto na prawach powiatu."
    safety = next(e for e in sectors.evidence if e.startswith("Bezpieczeństwo"))
    assert "zwykle zaprasza się: Komenda Miejska Policji i straż miejska" in safety
    sport = next(e for e in sectors.evidence if e.startswith("Sport"))  # not overridden: the urban row
    assert "miejski ośrodek sportu i rekreacji" in sport
    assert found["wariant_malo_partnerow"].title.endswith("„miasto na prawach powiatu” liczy zwykle 25–40 instytucji")


def test_unknown_type_keeps_todays_advice_and_says_the_variant_is_unknown(build, gmina_rows):
    gmina_rows["gmina"] = [row for row in gmina_rows["gmina"] if row[0] != "typ"]
    found = by_code(recommendations(build(gmina_rows)))
    unknown = found["wariant_nieznany"]
    assert unknown.priority == 3 and unknown.step == "siec"
    assert unknown.evidence == ["Pole „typ” w arkuszu „gmina”: puste; przyjęty wariant modelu: nieznany."]
    assert not {"wariant_kluczowi_partnerzy", "wariant_malo_partnerow", "wariant_duzo_partnerow"} & set(found)
    sectors = found["brakujace_sektory"]
    assert sectors.evidence[0] == ("Przyjęty wariant modelu: nieznany (pole „typ” w arkuszu „gmina” jest "
                                   "puste).")
    # the sector lines are today's, with no variant's institution
    assert "Bezpieczeństwo — kandydaci w arkuszu „partnerzy”: Komenda Powiatowa Policji (KPP)" in sectors.evidence
    assert "Sport — kandydaci w arkuszu „partnerzy”: brak" in sectors.evidence


def test_a_powiat_partnership_gets_no_one_gminas_variant(build, gmina_rows):
    set_field(gmina_rows, "zasieg", "Powiat")
    set_field(gmina_rows, "gminy", "Myślenice; Dobczyce")
    data = build(gmina_rows)
    assert data.scope == "powiat"
    found = by_code(recommendations(data))
    assert not set(VARIANT_RULES) & set(found)
