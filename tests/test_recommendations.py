"""Recommendations from rules kept as data: each rule fires on a small gmina built for it, stays silent when the
condition is absent, and points to the right evidence. Evaluation rules never use a score withheld for anonymity.

Every gmina is written as a CSV folder and read with :func:`read_gmina`. The base is ``MINIMAL_GMINA`` (conftest):
GOPS (lider), PUP, SP1 (partners), KPP (kandydat, no ties); ties GOPS–PUP (both sides, levels 3 and 2) and
GOPS–SP1 (reported by GOPS only, level 1); services U1 (GOPS: ubóstwo, bezrobocie; wszyscy; bez skierowania) and
U2 (PUP: bezrobocie; bezrobotni, młodzież; skierowanie); both needs covered; three T0 respondents.
"""

from __future__ import annotations

import json

import pytest

from pzk_kit.evaluation.instrument import load_instrument
from pzk_kit.evaluation.recommendations import (
    CHECKS,
    STEPS,
    load_rules,
    recommendations,
    recommendations_markdown,
    recommendations_table,
    write_recommendations,
)
from pzk_kit.workbook.reading import read_gmina

ITEMS = [item for item in load_instrument().items]


@pytest.fixture
def build(tmp_path, write_csv_gmina):
    counter = iter(range(1000))

    def _build(rows):
        return read_gmina(write_csv_gmina(tmp_path / f"g{next(counter)}", rows))

    return _build


def by_code(found):
    return {r.code: r for r in found}


def survey(answers: dict[str, dict[str, int]], *, reverse_value=None) -> list[list[object]]:
    """An ``ankieta`` sheet: ``answers`` maps (respondent, pomiar, sektor) → {factor: 1–5 agreement} where a
    reverse-worded item gets the answer that recodes to the same score (6 − x)."""
    header = ["respondent", "pomiar", "sektor", *(i.code for i in ITEMS)]
    rows = [header]
    for (respondent, measurement, sector), by_factor in answers.items():
        row: list[object] = [respondent, measurement, sector]
        for item in ITEMS:
            value = by_factor.get(item.factor, 4)
            row.append(6 - value if item.reverse else value)
        rows.append(row)
    return rows


def respondents(measurement: str, n: int, factors: dict[str, int] | None = None, sector: str = "Pomoc społeczna",
                start: int = 1) -> dict:
    return {(f"R{measurement}{k:02d}", measurement, sector): dict(factors or {}) for k in range(start, start + n)}


# -- the rules file -------------------------------------------------------------------------------------------------


def test_rules_file_is_consistent():
    rules = load_rules()
    codes = [r.code for r in rules]
    assert len(codes) == len(set(codes))
    assert {r.step for r in rules} == set(STEPS)
    assert all(r.kind in CHECKS and r.priority in (1, 2, 3) for r in rules)
    assert all(r.title and r.text and (r.evidence or r.evidence_item) for r in rules)  # each points to evidence
    assert set(CHECKS) <= {r.kind for r in rules}  # no check without a rule


# -- missing sheets ---------------------------------------------------------------------------------------------


def test_only_partners_asks_to_collect_the_rest_and_computes_nothing_from_absent_sheets(build, gmina_rows):
    found = by_code(recommendations(build({"gmina": gmina_rows["gmina"], "partnerzy": gmina_rows["partnerzy"]})))
    for code, sheet in (("siec_brak_danych", "wspolpraca"), ("koszyk_brak_uslug", "uslugi"),
                        ("koszyk_brak_potrzeb", "potrzeby"), ("ewaluacja_brak_ankiety", "ankieta")):
        assert found[code].evidence == [f"Arkusz „{sheet}” nie został jeszcze zebrany."]
    # with no cooperation collected everybody is an "isolate": that is not news, so no network metric rule fires
    for code in ("izolowani", "niska_wzajemnosc", "niski_zasieg_lidera", "wysoka_centralizacja", "niski_poziom",
                 "luki_priorytetowe", "jeden_dostawca", "czynniki_wymagaja_uwagi", "kolejny_pomiar"):
        assert code not in found
    assert "brakujace_sektory" in found and "kandydaci" in found  # these need only the partner list


def test_full_minimal_gmina_does_not_ask_for_collected_sheets(build, gmina_rows):
    found = by_code(recommendations(build(gmina_rows)))
    assert not {"siec_brak_danych", "koszyk_brak_uslug", "koszyk_brak_potrzeb", "ewaluacja_brak_ankiety"} & set(found)


# -- network ----------------------------------------------------------------------------------------------------


def test_missing_sectors_name_the_candidates_of_each_sector(build, gmina_rows):
    rec = by_code(recommendations(build(gmina_rows)))["brakujace_sektory"]
    assert rec.priority == 1 and rec.step == "siec"
    assert rec.title == ("Zaproście do PZK brakujące sektory: Zdrowie, Kultura, Sport, Wymiar sprawiedliwości, "
                         "Bezpieczeństwo, Organizacje pozarządowe")
    assert "PZK obejmuje 3 z 9 podstawowych polityk sektorowych" in rec.text
    # the minimal gmina is rural: each sector also says whom a rural gmina invites (tests/test_variants.py)
    assert rec.evidence[0] == "Przyjęty wariant modelu: gmina wiejska."
    assert any(e.startswith("Bezpieczeństwo — kandydaci w arkuszu „partnerzy”: Komenda Powiatowa Policji (KPP); ")
               for e in rec.evidence)
    assert any(e.startswith("Sport — kandydaci w arkuszu „partnerzy”: brak; ") for e in rec.evidence)


def test_all_core_sectors_present_silences_missing_sectors(build, gmina_rows):
    sectors = ["Zdrowie", "Kultura", "Sport", "Wymiar sprawiedliwości", "Bezpieczeństwo", "Organizacje pozarządowe"]
    for k, sector in enumerate(sectors):
        gmina_rows["partnerzy"].append([f"X{k}", f"Instytucja {k}", sector, "Partner", "Podpisana", "", ""])
    assert "brakujace_sektory" not in by_code(recommendations(build(gmina_rows)))


def test_isolates_reach_reciprocity_and_centralization(build, gmina_rows):
    found = by_code(recommendations(build(gmina_rows)))
    assert found["izolowani"].evidence == ["Komenda Powiatowa Policji (KPP; rola: kandydat)"]
    assert "w pomiarze T0" in found["izolowani"].text
    # GOPS–SP1 is one-sided only because SP1 did not answer: that is missing data, not low reciprocity
    # (tests/test_response.py has the low reciprocity among answered pairs)
    assert "niska_wzajemnosc" not in found
    assert found["brak_odpowiedzi"].evidence == ["Członkowie, którzy opisali współpracę w pomiarze T0: 2 z 3.",
                                                 "Bez odpowiedzi: Szkoła Podstawowa nr 1 (SP1)"]
    assert found["niski_zasieg_lidera"].evidence == [
        "Zasięg lidera w pomiarze T0: 67\u00a0%.", "Dalej niż dwa kroki od lidera: Komenda Powiatowa Policji (KPP)"]
    # degrees 2, 1, 1, 0: Σ(2 − d) / ((n − 1)(n − 2)) = 4 / 6
    assert found["wysoka_centralizacja"].evidence[0] == "Centralizacja w pomiarze T0: 0,67."
    assert found["wysoka_centralizacja"].evidence[1] == "Gminny Ośrodek Pomocy Społecznej (GOPS): powiązania — 2"
    assert "niski_poziom" not in found  # mean level (3 + 1) / 2 = 2.0 is not below the threshold 2.0
    assert "rozbiezne_oceny" not in found  # GOPS 3 and PUP 2 differ by one level only


def test_connected_reciprocal_ring_silences_network_rules(build, gmina_rows):
    gmina_rows["wspolpraca"] = [
        ["od", "do", "poziom", "pomiar"],
        *[[a, b, "3", "T0"] for a, b in (("GOPS", "PUP"), ("PUP", "SP1"), ("SP1", "KPP"), ("KPP", "GOPS"))],
        *[[b, a, "3", "T0"] for a, b in (("GOPS", "PUP"), ("PUP", "SP1"), ("SP1", "KPP"), ("KPP", "GOPS"))],
    ]
    found = by_code(recommendations(build(gmina_rows)))
    for code in ("izolowani", "niska_wzajemnosc", "niski_zasieg_lidera", "wysoka_centralizacja", "niski_poziom"):
        assert code not in found
    assert "Komenda Powiatowa Policji (KPP) — kto może zaprosić: GOPS (poziom 3), SP1 (poziom 3)" in \
        found["kandydaci"].evidence


def test_low_level_and_disagreements(build, gmina_rows):
    gmina_rows["wspolpraca"] = [
        ["od", "do", "poziom", "pomiar"],
        ["GOPS", "PUP", "1", "T0"], ["PUP", "GOPS", "3", "T0"], ["GOPS", "SP1", "1", "T0"],
    ]
    found = by_code(recommendations(build(gmina_rows)))
    # tie levels: GOPS–PUP max(1, 3) = 3, GOPS–SP1 1 → mean 2.0: not low; disagreement 1 vs 3 is
    assert "niski_poziom" not in found
    assert found["rozbiezne_oceny"].evidence == ["GOPS o PUP: poziom 1; PUP o GOPS: poziom 3"]
    gmina_rows["wspolpraca"][2] = ["PUP", "GOPS", "1", "T0"]
    found = by_code(recommendations(build(gmina_rows)))
    assert found["niski_poziom"].evidence == ["Średni poziom współpracy w pomiarze T0: 1,00.",
                                              "Powiązania na poziomie 1 sieciowanie: 2"]
    assert "rozbiezne_oceny" not in found


def test_measurement_chooses_the_network(build, gmina_rows):
    gmina_rows["wspolpraca"].append(["KPP", "GOPS", "2", "", "", "", "T1"])
    data = build(gmina_rows)
    latest = by_code(recommendations(data))  # T1: the only tie is KPP–GOPS
    # PUP and SP1 have no tie in T1 only because they did not answer: asked for answers, not called isolated
    assert "izolowani" not in latest
    # in T1 only the candidate KPP reported: every member is silent, and no pair answered to judge reciprocity
    assert "niska_wzajemnosc" not in latest
    assert latest["brak_odpowiedzi"].title.startswith("3 partnerzy nie odpowiedzieli")
    isolated = by_code(recommendations(data, "T0"))["izolowani"].evidence
    assert isolated == ["Komenda Powiatowa Policji (KPP; rola: kandydat)"]
    assert "izolowani" not in by_code(recommendations(data, "T7"))  # T7 is not in the data: T1 is described


def test_declarations_candidates_and_no_leader(build, gmina_rows):
    gmina_rows["partnerzy"][2][4] = "Brak"  # PUP signed nothing
    found = by_code(recommendations(build(gmina_rows)))
    assert found["bez_deklaracji"].evidence == ["Powiatowy Urząd Pracy (PUP)"]
    assert found["kandydaci"].evidence == [
        "Komenda Powiatowa Policji (KPP) — kto może zaprosić: nikt — potrzebny pierwszy kontakt lidera"]
    assert "brak_lidera" not in found

    gmina_rows["gmina"] = [row for row in gmina_rows["gmina"] if row[0] != "lider"]
    gmina_rows["partnerzy"][1][3] = "Partner"
    gmina_rows["partnerzy"][4][3] = "Partner"  # KPP joins: no candidates left
    found = by_code(recommendations(build(gmina_rows)))
    assert found["brak_lidera"].evidence == ["Pole „lider” w arkuszu „gmina”: puste; instytucje z rolą „Lider”: brak."]
    assert "kandydaci" not in found and "niski_zasieg_lidera" not in found  # no leader: no reach to judge


# -- basket -------------------------------------------------------------------------------------------------------


def test_gaps_split_by_priority_with_people_and_source(build, gmina_rows):
    gmina_rows["potrzeby"] += [["Przemoc domowa", "Dzieci", "15", "1", "Diagnoza 2024"],
                               ["Bezdomność", "Osoby starsze", "", "3", ""]]
    found = by_code(recommendations(build(gmina_rows)))
    assert found["luki_priorytetowe"].priority == 1
    # the matcher's suggestions: przemoc domowa is usually served by pomoc społeczna, bezpieczeństwo, wymiar
    # sprawiedliwości and edukacja (GOPS, SP1 are members; KPP a candidate tied to no member, so the leader asks)
    assert found["luki_priorytetowe"].evidence == [
        "Przemoc domowa — dzieci: liczba osób 15, priorytet 1, źródło: Diagnoza 2024; mogą dodać usługę: GOPS, SP1; "
        "kandydaci: KPP, zaprasza GOPS — lider, pierwszy kontakt"]
    assert found["luki_pozostale"].evidence == [
        "Bezdomność — osoby starsze: liczba osób nie podano, priorytet 3, źródło: nie podano; "
        "mogą dodać usługę: GOPS; kandydaci: brak"]


def test_no_gaps_no_gap_rules(build, gmina_rows):
    found = by_code(recommendations(build(gmina_rows)))
    assert "luki_priorytetowe" not in found and "luki_pozostale" not in found


def test_single_provider_access_and_unsigned_providers(build, gmina_rows):
    found = by_code(recommendations(build(gmina_rows)))
    assert found["jeden_dostawca"].evidence == ["Ubóstwo: Gminny Ośrodek Pomocy Społecznej (GOPS)"]
    assert found["bariery_dostepu"].evidence == ["Skierowanie: 1 (50\u00a0%)"]
    assert "uslugi_bez_deklaracji" not in found

    gmina_rows["uslugi"][2][3] = "Ubóstwo; Bezrobocie"  # PUP also serves ubóstwo
    gmina_rows["uslugi"][2][5] = "Bez skierowania"
    gmina_rows["uslugi"].append(["U3", "KPP", "Dzielnicowy", "Przemoc domowa", "Wszyscy mieszkańcy",
                                 "Bez skierowania", "Bezpłatna", ""])
    found = by_code(recommendations(build(gmina_rows)))
    assert found["jeden_dostawca"].evidence == ["Przemoc domowa: Komenda Powiatowa Policji (KPP)"]
    assert "bariery_dostepu" not in found
    assert found["uslugi_bez_deklaracji"].evidence == ["Dzielnicowy — Komenda Powiatowa Policji"]


# -- evaluation ---------------------------------------------------------------------------------------------------


def test_weak_factor_and_single_measurement(build, gmina_rows):
    gmina_rows["ankieta"] = survey(respondents("T0", 3, {"przeplyw_informacji": 2, "zasoby": 3}))
    found = by_code(recommendations(build(gmina_rows)))
    assert found["czynniki_wymagaja_uwagi"].evidence == ["Przepływ informacji: 2,00"]
    assert "poniżej 3,0 w pomiarze T0: 1" in found["czynniki_wymagaja_uwagi"].text
    assert found["najslabsze_czynniki"].evidence == ["Zasoby: 3,00"]
    assert found["kolejny_pomiar"].title == "Zaplanujcie kolejny pomiar (T1)"
    assert found["kolejny_pomiar"].evidence == ["Ankiety w pomiarze T0: 3."]
    strong = found["mocne_strony"].evidence
    assert len(strong) == 10 and "Zaufanie: 4,00" in strong
    assert "spadek_czynnikow" not in found


def test_everything_strong_silences_weak_factor_rules(build, gmina_rows):
    gmina_rows["ankieta"] = survey(respondents("T0", 4, {"zaufanie": 5}))
    found = by_code(recommendations(build(gmina_rows)))
    assert "czynniki_wymagaja_uwagi" not in found and "najslabsze_czynniki" not in found
    assert found["mocne_strony"].evidence[0] == "Zaufanie: 5,00"  # strongest first
    assert "niska_frekwencja" not in found  # 4 respondents, 3 member institutions


def test_drop_between_measurements(build, gmina_rows):
    gmina_rows["ankieta"] = survey({**respondents("T0", 3), **respondents("T1", 3, {"zaufanie": 3})})
    found = by_code(recommendations(build(gmina_rows)))
    assert found["spadek_czynnikow"].evidence == ["Zaufanie: 4,00 → 3,00"]
    assert "między pomiarami T0 i T1" in found["spadek_czynnikow"].text
    assert "kolejny_pomiar" not in found
    assert "spadek_czynnikow" not in by_code(recommendations(build(gmina_rows), "T0"))


def test_withheld_scores_never_feed_a_recommendation(build, gmina_rows, tmp_path):
    # T1 rests on two people who rate information flow 1: that score is withheld, so nothing may be said about it
    gmina_rows["ankieta"] = survey({**respondents("T0", 3), **respondents("T1", 2, {"przeplyw_informacji": 1})})
    found = recommendations(build(gmina_rows))
    codes = {r.code for r in found}
    assert not codes & {"czynniki_wymagaja_uwagi", "najslabsze_czynniki", "mocne_strony", "spadek_czynnikow"}
    for text in (" ".join(r.title + r.text + " ".join(r.evidence) for r in found),
                 recommendations_table(found).to_string(),
                 write_recommendations(found, tmp_path / "r.json").read_text(encoding="utf-8")):
        assert "1,00" not in text and "Przepływ informacji" not in text
    assert by_code(found)["niska_frekwencja"].evidence == [
        "Ankiety w pomiarze T1: 2; instytucje członkowskie (lider i partnerzy): 3."]


def test_small_sectors_are_named_never_scored(build, gmina_rows):
    gmina_rows["ankieta"] = survey({**respondents("T0", 3, sector="Pomoc społeczna"),
                                    **respondents("T0", 1, {"dialog": 1}, sector="Edukacja", start=10)})
    rec = by_code(recommendations(build(gmina_rows)))["ukryte_sektory"]
    assert rec.evidence == ["Edukacja: mniej niż 3 ankiety w pomiarze T0"]
    gmina_rows["ankieta"] = survey(respondents("T0", 3, sector="Pomoc społeczna"))
    assert "ukryte_sektory" not in by_code(recommendations(build(gmina_rows)))


# -- order and presentation ------------------------------------------------------------------------------------------


def test_sorted_by_priority_then_step(build, gmina_rows):
    found = recommendations(build(gmina_rows))
    keys = [(r.priority, STEPS.index(r.step)) for r in found]
    assert keys == sorted(keys)
    assert found[0].priority == 1


def test_table_markdown_and_json(build, gmina_rows, tmp_path):
    found = recommendations(build(gmina_rows))
    frame = recommendations_table(found)
    assert list(frame.columns) == ["Priorytet", "Krok", "Rekomendacja", "Dlaczego", "Na podstawie danych"]
    first = frame.iloc[0]
    assert first["Priorytet"] == "wysoki" and first["Krok"] == "Mapa współpracy"
    assert first["Rekomendacja"] == found[0].title
    assert first["Na podstawie danych"] == "; ".join(found[0].evidence)

    markdown = recommendations_markdown(found)
    assert markdown.index("### Mapa współpracy") < markdown.index("### Lokalny koszyk usług") \
        < markdown.index("### Ewaluacja")
    assert "**Włączcie do współpracy instytucje bez żadnego powiązania** (priorytet wysoki)" in markdown

    path = write_recommendations(found, tmp_path / "rekomendacje.json")
    saved = json.loads(path.read_text(encoding="utf-8"))
    assert [r["code"] for r in saved] == [r.code for r in found]
    assert saved[0]["step_label"] == "Mapa współpracy" and saved[0]["evidence"] == found[0].evidence


def test_markdown_escapes_codes_with_underscores():
    from pzk_kit.evaluation.recommendations import Recommendation

    text = recommendations_markdown([Recommendation("x", "siec", 1, "Tytuł", "Tekst", ["KP_PSP (poziom 2)"])])
    assert "KP\\_PSP" in text


def test_example_gmina_recommendations(tmp_path):
    from pzk_kit.workbook.example import example_dir

    found = by_code(recommendations(read_gmina(example_dir())))
    assert found["brakujace_sektory"].title.endswith("Sport")
    # issue 16: the example is urban-rural with 24 members, a parish and three NGOs: the variant only adds whom
    # such a gmina invites for sport, no variant rule of its own fires
    assert found["brakujace_sektory"].evidence[0] == "Przyjęty wariant modelu: gmina miejsko-wiejska."
    assert "w wariancie „gmina miejsko-wiejska” zwykle zaprasza się: ośrodek sportu" in found[
        "brakujace_sektory"].evidence[1]
    assert not [code for code in found if code.startswith("wariant_")]
    assert found["czynniki_wymagaja_uwagi"].evidence == ["Przepływ informacji: 2,82"]
    assert [e.split(":")[0] for e in found["luki_priorytetowe"].evidence] == [
        "Długotrwała lub ciężka choroba — opiekunowie", "Kryzys psychiczny — dzieci"]
    assert "izolowani" not in found  # WODOCIAGI was isolated at T0 only
    assert "izolowani" in by_code(recommendations(read_gmina(example_dir()), "T0"))
