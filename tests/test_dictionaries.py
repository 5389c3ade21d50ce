"""The reference lists: contract codes present, codes derived from labels, lenient lookup."""

import re

import pytest

from pzk_kit.cli import main
from pzk_kit.workbook.dictionaries import core_sectors, dictionary, load_dictionaries
from pzk_kit.workbook.text import normalize_code

CONTRACT_SECTORS = [
    "pomoc_spoleczna", "edukacja", "zdrowie", "zatrudnienie", "kultura", "sport", "wymiar_sprawiedliwosci",
    "bezpieczenstwo", "organizacje_pozarzadowe", "administracja", "koscioly", "gospodarka_komunalna",
    "mieszkalnictwo", "przedsiebiorcy",
]
# Documented exception (CONTRACT §1): the target group "Wszyscy mieszkańcy" has the short code `wszyscy`.
# Short codes where the label is long ("Zespół zadaniowy i IPUS" is zespol_ipus in the register).
CODE_EXCEPTIONS = {("grupy_docelowe", "wszyscy"), ("rodzaje_spraw", "zespol"), ("rodzaje_spraw", "zespol_ipus")}
NUMERIC = {"poziomy_wspolpracy", "skala_zaufania"}
# Lists whose entries live in another data file, with that file's codes (the glossary's English figure codes).
DERIVED = {"wskazniki"}


def test_normalize_code_examples_from_contract():
    assert normalize_code("Długotrwała lub ciężka choroba") == "dlugotrwala_lub_ciezka_choroba"
    assert normalize_code("Osoby starsze") == "osoby_starsze"
    assert normalize_code("  Data przystąpienia ") == "data_przystapienia"
    assert normalize_code("data-przystapienia") == "data_przystapienia"
    assert normalize_code("ŁÓDŹ, Żółć") == "lodz_zolc"


def test_sector_codes_and_core_flags_match_contract():
    assert dictionary("sektory").codes == CONTRACT_SECTORS
    assert core_sectors() == CONTRACT_SECTORS[:9]


@pytest.mark.parametrize("name", sorted(set(load_dictionaries()) - NUMERIC - DERIVED))
def test_every_code_is_its_normalised_label(name):
    for entry in dictionary(name).entries:
        if (name, entry.code) in CODE_EXCEPTIONS:
            continue
        assert entry.code == normalize_code(entry.label), (name, entry.label)


def test_reference_lists_from_domain_are_complete():
    areas = dictionary("obszary_potrzeb")
    assert len(areas.entries) == 19  # 15 from art. 7 + 4 useful additions
    assert "bezradnosc_w_sprawach_opiekunczo_wychowawczych_i_prowadzenia_gospodarstwa_domowego" in areas.codes
    assert len(dictionary("grupy_docelowe").entries) == 14
    assert dictionary("poziomy_wspolpracy").codes == ["0", "1", "2", "3", "4", "5"]
    assert dictionary("tryby_dostepu").codes == ["bez_skierowania", "skierowanie", "decyzja"]
    assert dictionary("odplatnosc").codes == ["bezplatna", "czesciowo_odplatna", "odplatna"]
    assert dictionary("deklaracje").codes == ["podpisana", "porozumienie", "list_intencyjny", "brak"]
    assert len(dictionary("formy_wspolpracy").entries) == 7


@pytest.mark.parametrize(
    ("name", "typed", "code"),
    [
        ("sektory", "Pomoc społeczna", "pomoc_spoleczna"),
        ("sektory", "POMOC SPOŁECZNA", "pomoc_spoleczna"),
        ("sektory", "pomoc_spoleczna", "pomoc_spoleczna"),
        ("sektory", "sądownictwo", "wymiar_sprawiedliwosci"),
        ("grupy_docelowe", "Wszyscy mieszkańcy", "wszyscy"),
        ("tryby_dostepu", "na skierowanie", "skierowanie"),
        ("tryby_dostepu", "decyzja administracyjna", "decyzja"),
        ("typy_gmin", "Miejsko-wiejska", "miejsko_wiejska"),
        ("szczeble", "Województwo", "wojewodztwo"),
    ],
)
def test_lenient_lookup(name, typed, code):
    assert dictionary(name).resolve(typed) == code


def test_unknown_value_gets_a_suggestion():
    assert dictionary("sektory").resolve("zdrowe") is None
    assert dictionary("sektory").suggest("zdrowe") == "Zdrowie"
    assert dictionary("obszary_potrzeb").suggest("bezdomnośc") == "Bezdomność"


def test_pzk_slowniki_prints_every_dictionary(capsys):
    assert main(["slowniki"]) == 0
    out = capsys.readouterr().out
    for dic in load_dictionaries().values():
        assert dic.title in out
        for entry in dic.entries:
            assert entry.label in out
    assert re.search(r"pomoc_spoleczna\s+Pomoc społeczna \(rdzeń\)", out)
    assert not re.search(r"administracja\s+Administracja \(rdzeń\)", out)


def test_pzk_slowniki_one_and_unknown(capsys):
    assert main(["slowniki", "role"]) == 0
    out = capsys.readouterr().out
    assert "kandydat" in out and "Sektory" not in out
    assert main(["slowniki", "nieistniejacy"]) == 1
    assert "Nie ma słownika" in capsys.readouterr().err


def test_derived_lists_follow_their_data_files():
    """The plan's drop-downs are the report's rule codes and the glossary's figures, factors and survey items:
    one home each, so a new rule or figure can be targeted at once."""
    from pzk_kit import glossary
    from pzk_kit.evaluation.instrument import load_instrument
    from pzk_kit.evaluation.recommendations import load_rules

    assert dictionary("rekomendacje").codes == [rule.code for rule in load_rules()]
    instrument = load_instrument()
    expected = [*glossary.figures(), *(f.code for f in instrument.factors), *instrument.item_codes]
    assert dictionary("wskazniki").codes == expected
    assert dictionary("wskazniki").resolve("Zasięg lidera") == "leader_reach"  # the name without its bracket
    assert dictionary("wskazniki").resolve("dialog") == "dialog"
