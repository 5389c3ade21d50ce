"""Issue 16 items 4–5 in ``pzk batch``: the regional summary split by model variant, and the powiat view of
institutions shared by several gminas' PZKs (``podsumowanie_powiaty.csv``, the "Powiaty" section of the page).

Four small hand-made gminas in two powiats go through ``pzk batch --summary-only`` (no notebooks: fast). Three in
powiat myślenicki share the PUP, spelled three ways (case, quotes, with and without "w Myślenicach"), two share the
PCPR and a foundation with a formula for a name; their primary schools, each "w" its own village, stay apart. One
gmina has no ``powiat`` field and joins by its TERYT; one is a town alone in powiat miechowski.
"""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest

from pzk_kit.runs.batch import (
    POWIATS_CSV,
    SUMMARY_CSV,
    SUMMARY_HTML,
    VARIANTS_CSV,
    run_batch,
    write_regional_summary,
)
from pzk_kit.runs.outputs import PARTNERS_NAME, SUMMARY_NAME
from pzk_kit.runs.powiats import institution_key, powiat_key
from pzk_kit.spreadsheet_safety import unescape_csv_text

FORMULA = '=HYPERLINK("http://zly.example","Fundacja")'
SCRIPT_GMINA = "Gmina <script>alert(1)</script> Wiśniowa"
PARTNER_HEADER = ["id", "nazwa", "sektor", "szczebel", "rola", "telefon", "email"]


def gmina(name, teryt, typ, powiat, partners, ties=()):
    fields = [["pole", "wartosc"], ["nazwa", name], ["teryt", teryt], ["lider", "GOPS"]]
    if typ:
        fields.append(["typ", typ])
    if powiat:
        fields.append(["powiat", powiat])
    sheets = {"gmina": fields,
              "partnerzy": [PARTNER_HEADER,
                            ["GOPS", f"Ośrodek Pomocy Społecznej {name}", "Pomoc społeczna", "Gmina", "Lider",
                             "12 345 67 89", "ops@example.pl"], *partners]}
    if ties:
        sheets["wspolpraca"] = [["od", "do", "poziom"], *ties]
    return sheets


def partner(pid, name, sector, level="Gmina", role="Partner"):
    return [pid, name, sector, level, role, "600 100 200", f"{pid.lower()}@example.pl"]


REGION = {
    "dobczyce": gmina("Gmina Dobczyce", "1209023", "Miejsko-wiejska", "myślenicki", [
        partner("PUP", "Powiatowy Urząd Pracy w Myślenicach", "Zatrudnienie", "Powiat"),
        partner("PCPR", "Powiatowe Centrum Pomocy Rodzinie w Myślenicach", "Pomoc społeczna", "Powiat"),
        partner("SP", "Szkoła Podstawowa w Dobczycach", "Edukacja"),
        partner("F", FORMULA, "Organizacje pozarządowe"),
    ], ties=[["GOPS", "PUP", "3"], ["PUP", "GOPS", "3"], ["GOPS", "PCPR", "4"]]),
    "pcim": gmina("Gmina Pcim", "1209062", "Wiejska", "Powiat Myślenicki", [
        partner("PUP", "POWIATOWY URZĄD PRACY", "Zatrudnienie", "Powiat"),
        partner("PCPR", "„Powiatowe Centrum Pomocy Rodzinie” w Myślenicach", "Pomoc społeczna", "Powiat"),
        partner("SP", "Szkoła Podstawowa w Pcimiu", "Edukacja"),
        partner("F", FORMULA, "Organizacje pozarządowe"),
        partner("KPP", "Komenda Powiatowa Policji w Myślenicach", "Bezpieczeństwo", "Powiat", role="Kandydat"),
    ], ties=[["GOPS", "PUP", "2"], ["SP", "PUP", "1"], ["GOPS", "PCPR", "2"]]),
    "wisniowa": gmina(SCRIPT_GMINA, "1209072", "Wiejska", None, [  # no powiat: joins by TERYT 1209
        partner("PUP", "powiatowy urząd pracy w myslenicach", "Zatrudnienie", "Powiat"),
        partner("SP", "Szkoła Podstawowa w Wiśniowej", "Edukacja"),
        partner("KPP", "Komenda Powiatowa Policji w Myślenicach", "Bezpieczeństwo", "Powiat", role="Kandydat"),
    ]),
    "miechow": gmina("Miasto Testowe", "1208011", "Miejska", "miechowski", [
        partner("PUP", "Powiatowy Urząd Pracy w Miechowie", "Zatrudnienie", "Powiat"),
        partner("SP", "Szkoła Podstawowa nr 1", "Edukacja"),
    ]),
}


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle, delimiter=";"))


def number(text: str) -> float:
    return float(text.replace(",", "."))


@pytest.fixture(scope="module")
def region_out(tmp_path_factory):
    root = tmp_path_factory.mktemp("powiaty")
    folder = root / "gminy"
    folder.mkdir()
    from conftest import _write_csv_gmina

    for name, sheets in REGION.items():  # CSV folders: a workbook would turn the foundation's name into a formula
        _write_csv_gmina(folder / name, sheets)
    out = root / "wyniki"
    result = run_batch(folder, out, summary_only=True, progress=False, jobs=1)
    assert result.ok, [o.message for o in result.failed]
    return out


def test_names_and_powiats_are_matched_leniently_but_villages_stay_apart():
    pup = {institution_key(n, level) for n, level in [
        ("Powiatowy Urząd Pracy w Myślenicach", "powiat"), ("POWIATOWY URZĄD PRACY", "powiat"),
        ("powiatowy urząd pracy w myslenicach", None), ("„Powiatowy Urząd Pracy”", "powiat")]}
    assert pup == {"powiatowy_urzad_pracy"}
    assert institution_key("Szkoła Podstawowa w Dobczycach", "gmina") != institution_key(
        "Szkoła Podstawowa w Pcimiu", "gmina")
    assert powiat_key("Powiat Myślenicki") == powiat_key("myślenicki") == "myslenicki"


def test_each_run_leaves_a_partner_list_without_contact_data(region_out):
    document = json.loads((region_out / "pcim" / PARTNERS_NAME).read_text(encoding="utf-8"))
    assert document["gmina"] == {"name": "Gmina Pcim", "teryt": "1209062", "type": "wiejska",
                                 "powiat": "Powiat Myślenicki"}
    assert {tuple(sorted(p)) for p in document["partners"]} == {
        ("id", "level", "mean_level", "name", "role", "sector", "ties")}
    pup = next(p for p in document["partners"] if p["id"] == "PUP")
    assert (pup["ties"], pup["mean_level"], pup["level"], pup["sector"]) == (2, 1.5, "powiat", "zatrudnienie")
    text = json.dumps(document, ensure_ascii=False)
    assert "example.pl" not in text and "600 100 200" not in text and "12 345" not in text


def test_powiat_csv_lists_shared_institutions_with_their_pzks_and_tie_levels(region_out):
    rows = [{k: unescape_csv_text(v) for k, v in row.items()} for row in read_csv(region_out / POWIATS_CSV)]
    myslenicki = [r for r in rows if r["powiat"] == "powiat myślenicki"]
    assert {r["liczba_gmin"] for r in myslenicki} == {"3"}
    assert myslenicki[0]["gminy"] == f"Gmina Dobczyce; Gmina Pcim; {SCRIPT_GMINA}"
    by_name = {r["instytucja"]: r for r in myslenicki}
    assert set(by_name) == {"Powiatowy Urząd Pracy w Myślenicach", "Powiatowe Centrum Pomocy Rodzinie w Myślenicach",
                            FORMULA}  # schools of three villages and the KPP candidate are not shared
    pup = by_name["Powiatowy Urząd Pracy w Myślenicach"]
    assert (pup["sektor"], pup["szczebel"], pup["liczba_pzk"]) == ("Zatrudnienie", "Powiat", "3")
    assert pup["pzk"] == f"Gmina Dobczyce; Gmina Pcim; {SCRIPT_GMINA}"
    # ties: Dobczyce GOPS–PUP 3; Pcim GOPS–PUP 2 and SP–PUP 1; Wiśniowa collected none → (3 + 2 + 1) / 3
    assert (pup["powiazania"], number(pup["sredni_poziom"])) == ("3", 2.0)
    pcpr = by_name["Powiatowe Centrum Pomocy Rodzinie w Myślenicach"]
    assert (pcpr["liczba_pzk"], pcpr["pzk"], number(pcpr["sredni_poziom"])) == ("2", "Gmina Dobczyce; Gmina Pcim",
                                                                               3.0)
    assert myslenicki[0]["instytucja"] == "Powiatowy Urząd Pracy w Myślenicach"  # most shared first
    miechowski = [r for r in rows if r["powiat"] == "powiat miechowski"]
    assert len(miechowski) == 1 and miechowski[0]["gminy"] == "Miasto Testowe"
    assert miechowski[0]["instytucja"] == "" and miechowski[0]["liczba_pzk"] == ""


def test_powiat_csv_neutralises_a_formula_in_a_shared_name(region_out):
    raw = (region_out / POWIATS_CSV).read_text(encoding="utf-8-sig")
    cells = [cell for line in raw.splitlines() for cell in next(csv.reader([line], delimiter=";"))]
    assert not any(cell.startswith(("=", "+", "-", "@")) for cell in cells)
    assert any(unescape_csv_text(cell) == FORMULA for cell in cells)


def test_summary_csv_names_each_gminas_powiat_and_variant(region_out):
    rows = {r["gmina"]: r for r in read_csv(region_out / SUMMARY_CSV)}
    assert {name: (r["powiat"], r["wariant"]) for name, r in rows.items()} == {
        "dobczyce": ("myślenicki", "miejsko-wiejska"), "pcim": ("Powiat Myślenicki", "wiejska"),
        "wisniowa": ("", "wiejska"), "miechow": ("miechowski", "miejska")}


def test_variants_csv_has_counts_and_hand_computed_medians(region_out):
    rows = {r["wariant"]: r for r in read_csv(region_out / VARIANTS_CSV)}
    assert list(rows) == ["wiejska", "miejsko-wiejska", "miejska"]  # no "nieznany": every gmina has a type
    assert rows["wiejska"]["gminy"] == "2"
    # Pcim: 6 partner rows (GOPS, 4 partners and a candidate); Wiśniowa 4 → median 5; ties 3 and 0 → 1,5
    assert number(rows["wiejska"]["mediana_partnerzy"]) == 5
    assert number(rows["wiejska"]["mediana_powiazania"]) == 1.5
    # Pcim's mean tie level (2 + 1 + 2) / 3; Wiśniowa has no ties and a mean level of 0 in summary.json
    assert number(rows["wiejska"]["mediana_sredni_poziom"]) == pytest.approx((5 / 3 + 0) / 2, abs=1e-3)
    assert (rows["miejsko-wiejska"]["gminy"], number(rows["miejsko-wiejska"]["mediana_partnerzy"])) == ("1", 5)
    assert (rows["miejska"]["gminy"], number(rows["miejska"]["mediana_partnerzy"])) == ("1", 3)
    assert rows["miejska"]["mediana_respondenci"] == ""  # no survey anywhere: no median, not 0


def test_page_shows_variants_and_powiats_with_hostile_names_escaped(region_out):
    page = (region_out / SUMMARY_HTML).read_text(encoding="utf-8")
    assert 'id="warianty"' in page and 'id="powiaty"' in page
    variants = page[page.index('id="warianty"'):page.index("</table>", page.index('id="warianty"'))]
    assert re.search(r"<th scope=\"row\">wiejska</th><td class=\"num\">2</td><td class=\"num\">5</td>", variants)
    powiats = page[page.index('id="powiaty"'):]
    assert "<h3 id=\"powiat-1\">powiat miechowski</h3>" in powiats
    assert "Żadna instytucja nie należy do PZK więcej niż jednej gminy tego powiatu." in powiats
    assert "Gmina &lt;script&gt;alert(1)&lt;/script&gt; Wiśniowa" in powiats
    assert "<script>" not in page
    assert "=HYPERLINK(&#34;http://zly.example&#34;,&#34;Fundacja&#34;)" in powiats
    assert "example.pl" not in page and "600 100 200" not in page


def test_old_results_read_the_type_from_summary_first_and_survive_without_partner_lists(tmp_path, region_out):
    """A summary.json with the new ``gmina.type``/``powiat`` keys wins; a result of an older version (no
    ``partnerzy.json``, no new keys) is "nieznany", grouped by its TERYT, with no partners to share."""
    import shutil

    out = tmp_path / "wyniki"
    for name in ("pcim", "miechow"):
        shutil.copytree(region_out / name, out / name)
    summary = json.loads((out / "pcim" / SUMMARY_NAME).read_text(encoding="utf-8"))
    summary["gmina"].update({"type": "miejska", "powiat": "Powiat Nowy"})
    (out / "pcim" / SUMMARY_NAME).write_text(json.dumps(summary, ensure_ascii=False), encoding="utf-8")
    old = json.loads((out / "miechow" / SUMMARY_NAME).read_text(encoding="utf-8"))
    old["gmina"] = {"name": old["gmina"]["name"], "teryt": old["gmina"]["teryt"]}  # the contract's keys only
    (out / "miechow" / SUMMARY_NAME).write_text(json.dumps(old, ensure_ascii=False), encoding="utf-8")
    (out / "miechow" / PARTNERS_NAME).unlink()
    write_regional_summary(out, ["pcim", "miechow"])
    rows = {r["gmina"]: r for r in read_csv(out / SUMMARY_CSV)}
    assert (rows["pcim"]["wariant"], rows["pcim"]["powiat"]) == ("miejska", "Powiat Nowy")
    assert (rows["miechow"]["wariant"], rows["miechow"]["powiat"]) == ("nieznany", "")
    powiats = {r["powiat"]: r for r in read_csv(out / POWIATS_CSV)}
    assert set(powiats) == {"Powiat Nowy", "powiat o kodzie TERYT 1208"}
    assert {r["wariant"] for r in read_csv(out / VARIANTS_CSV)} == {"miejska", "nieznany"}
