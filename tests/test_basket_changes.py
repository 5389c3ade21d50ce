"""`pzk zmiany`: what changed in the service basket, as a letter to partners (issue 18 part 5)."""

from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path

import pytest

from pzk_kit import cli
from pzk_kit.basket.changes import basket_changes, changes_text
from pzk_kit.spreadsheet_safety import FORMULA_STARTS
from pzk_kit.workbook.example import resolve_input
from pzk_kit.workbook.reading import read_gmina

ROOT = Path(__file__).resolve().parents[1]
HOSTILE = ROOT / "tests" / "data" / "hostile"
DAY = dt.date(2026, 12, 1)
HEADER = ["id", "partner", "nazwa", "obszary", "grupy", "dostep", "odplatnosc", "godziny", "limit_miejsc",
          "kontakt", "data_weryfikacji"]
OLD_SERVICES = [
    HEADER,
    ["U1", "GOPS", "Poradnictwo socjalne", "Ubóstwo", "Wszyscy mieszkańcy", "Bez skierowania", "Bezpłatna",
     "pon.–pt. 8–15", "", "Jan Kowalski, tel. 601 234 567", "2025-01-10"],
    ["U2", "PUP", "Szkolenia zawodowe", "Bezrobocie", "Osoby bezrobotne", "Skierowanie", "Bezpłatna", "", "20", "",
     ""],
    ["U3", "SP1", "Świetlica szkolna", "Ubóstwo", "Rodziny z dziećmi", "Bez skierowania", "Bezpłatna",
     "pon.–pt. 12–17", "", "", ""],
    ["U4", "GOPS", "Klub seniora", "Samotność i osamotnienie osób starszych", "Osoby starsze", "Bez skierowania",
     "Bezpłatna", "śr. 10–13", "", "", ""],
    ["U5", "PUP", "Doradztwo zawodowe", "Bezrobocie", "Osoby bezrobotne", "Bez skierowania", "Bezpłatna", "", "",
     "", "2025-01-10"],
]
NEW_SERVICES = [
    HEADER,
    ["U1", "GOPS", "Poradnictwo socjalne", "Ubóstwo", "Wszyscy mieszkańcy", "Bez skierowania", "Częściowo odpłatna",
     "pon.–pt. 8–16", "", "jan.kowalski1@gmail.com", "2025-01-10"],
    ["U2", "PUP", "Szkolenia zawodowe", "Bezrobocie", "Osoby bezrobotne", "Skierowanie", "Bezpłatna", "", "20", "",
     ""],
    ["U7", "GOPS", "Klub  seniora", "Samotność i osamotnienie osób starszych", "Osoby starsze", "Bez skierowania",
     "Bezpłatna", "śr. 10–13", "", "", ""],
    ["U5", "PUP", "Doradztwo zawodowe", "Bezrobocie", "Osoby bezrobotne", "Bez skierowania", "Bezpłatna", "", "",
     "", "2026-11-01"],
    ["U6", "SP1", "Korepetycje dla uczniów", "Ubóstwo", "Rodziny z dziećmi", "Bez skierowania", "Bezpłatna",
     "wt. 15–17", "10", "", ""],
]
EXPECTED = """\
Temat: Zmiany w koszyku usług PZK – Gmina Testowa (1 grudnia 2026 r.)

Szanowni Państwo,

przesyłamy zmiany w lokalnym koszyku usług Partnerskiego Zespołu Kooperacyjnego (Gmina Testowa) według stanu na \
1 grudnia 2026 r. Prosimy o przekazanie ich osobom, które kierują mieszkańców do usług.

Nowe usługi (1)
• Korepetycje dla uczniów (U6) — realizator: Szkoła Podstawowa nr 1
  dostęp: bez skierowania; odpłatność: bezpłatna; godziny: wt. 15–17

Usługi, których już nie ma (1)
• Świetlica szkolna (U3) — realizator: Szkoła Podstawowa nr 1

Zmienione usługi (1)
• Poradnictwo socjalne (U1) — realizator: Gminny Ośrodek Pomocy Społecznej
  odpłatność: bezpłatna → częściowo odpłatna
  godziny: pon.–pt. 8–15 → pon.–pt. 8–16

Potwierdzono aktualność opisu 1 usługi (bez innych zmian).
Zmieniono kody 1 usługi (bez zmian dla mieszkańców): U4 → U7.

Jeśli coś się nie zgadza albo usługa Państwa instytucji zmieniła się, prosimy o informację zwrotną.

Z poważaniem
Gminny Ośrodek Pomocy Społecznej
lider Partnerskiego Zespołu Kooperacyjnego
"""


@pytest.fixture
def pair(tmp_path, gmina_rows, write_xlsx, write_csv_gmina):
    """The old version as an .xlsx workbook, the new one as a CSV folder: the command takes either form."""
    old, new = copy.deepcopy(gmina_rows), copy.deepcopy(gmina_rows)
    old["uslugi"], new["uslugi"] = OLD_SERVICES, NEW_SERVICES
    return write_xlsx(tmp_path / "stary.xlsx", old), write_csv_gmina(tmp_path / "nowy", new)


def test_added_removed_renumbered_and_changed(pair):
    old, new = (read_gmina(p) for p in pair)
    assert old.report.ok and new.report.ok
    changes = basket_changes(old, new)
    assert [e.id for e in changes.added] == ["U6"]
    assert [e.id for e in changes.removed] == ["U3"]
    assert [e.id for e in changes.changed] == ["U1"]
    assert changes.renumbered == (("U4", "U7"),)  # same provider, same name up to spaces and case
    assert changes.confirmed == ("U5",)  # only data_weryfikacji moved: no change worth an e-mail
    fields = {c.field: (c.label, c.before, c.after) for c in changes.changed[0].changes}
    # kontakt held personal data in both versions: redacted away on both sides, so no "change" shows it
    assert fields == {"odplatnosc": ("odpłatność", "bezpłatna", "częściowo odpłatna"),
                      "godziny": ("godziny", "pon.–pt. 8–15", "pon.–pt. 8–16")}
    assert changes_text(changes, new, day=DAY) == EXPECTED


def test_renumbered_service_with_changes_names_its_old_code(pair):
    old, new = (read_gmina(p) for p in pair)
    new.services.loc[new.services["id"] == "U7", "godziny"] = "czw. 10–13"
    changes = basket_changes(old, new)
    entry = next(e for e in changes.changed if e.id == "U7")
    assert entry.previous_id == "U4"
    lines = changes_text(changes, new, day=DAY).splitlines()
    assert "• Klub seniora (U7, wcześniej kod U4) — realizator: Gminny Ośrodek Pomocy Społecznej" in lines
    assert "  godziny: śr. 10–13 → czw. 10–13" in lines
    assert not any(line.startswith("Zmieniono kody") for line in lines)  # said once, beside the service


def test_dictionary_labels_not_codes(pair):
    old, new = (read_gmina(p) for p in pair)
    new.services.loc[new.services["id"] == "U2", "grupy"] = [("osoby_bezrobotne", "mlodziez")]
    new.services.loc[new.services["id"] == "U2", "limit_miejsc"] = None
    changes = basket_changes(old, new)
    entry = next(e for e in changes.changed if e.id == "U2")
    shown = {c.field: (c.before, c.after) for c in entry.changes}
    assert shown == {"grupy": ("Osoby bezrobotne", "Osoby bezrobotne, Młodzież"), "limit_miejsc": ("20", "bez limitu")}


def test_empty_languages_mean_polish(pair):
    old, new = (read_gmina(p) for p in pair)
    new.services.loc[new.services["id"] == "U2", "jezyki"] = [("polski",)]
    changes = basket_changes(old, new)
    assert "U2" not in [e.id for e in changes.changed]
    old.services.loc[old.services["id"] == "U1", "jezyki"] = [("ukrainski",)]
    entry = next(e for e in basket_changes(old, new).changed if e.id == "U1")
    assert [(c.label, c.before, c.after) for c in entry.changes if c.field == "jezyki"] == [
        ("języki", "Ukraiński", "Polski")]


def test_unchanged_basket_says_so_briefly(pair):
    old = read_gmina(pair[0])
    changes = basket_changes(old, old)
    assert changes.empty and not changes.renumbered and not changes.confirmed
    text = changes_text(changes, old, day=DAY)
    assert text.splitlines()[0] == "Temat: Koszyk usług PZK bez zmian – Gmina Testowa (1 grudnia 2026 r.)"
    assert "nie zmienił się od poprzedniego zestawienia" in text
    assert "Nowe usługi" not in text and "Zmienione usługi" not in text
    assert len(text.splitlines()) < 15


def test_plural_of_confirmed_services():
    from pzk_kit.basket.changes import BasketChanges, _notes, wording

    assert _notes(BasketChanges(confirmed=("a", "b", "c")), wording()) == [
        "Potwierdzono aktualność opisu 3 usług (bez innych zmian)."]


def test_hostile_corpus_against_the_example():
    """Every payload of the corpus as the new basket: plain text without markup, formulas or personal data."""
    example, hostile = read_gmina(resolve_input("")), read_gmina(HOSTILE / "gmina_wroga_csv")
    text = changes_text(basket_changes(example, hostile), hostile, day=DAY)
    assert "Zmienione usługi" in text
    lowered = text.lower()
    for markup in ("<script", "<img", "<svg", "<a ", "</", "<%"):
        assert markup not in lowered, markup
    for line in text.splitlines():
        assert not line.lstrip().startswith(FORMULA_STARTS), line
        assert line.isprintable(), repr(line)  # no control characters, no bidi overrides
    payloads = json.loads((HOSTILE / "payloads.json").read_text(encoding="utf-8"))["payloads"]
    for payload in (p["value"] for p in payloads if p["class"] == "personal"):
        for fragment in ("Kowalski", "601 234 567", "601-234-567", "gmail.com", "jkowalski@wp.pl"):
            if fragment in payload:
                assert fragment not in text, fragment
    # and the other way round: the example's services as new against the hostile basket
    reverse = changes_text(basket_changes(hostile, example), example, day=DAY)
    assert "<script" not in reverse.lower() and "Kowalski" not in reverse


def _run(capsys, argv):
    code = cli.main(argv)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_cli_prints_the_letter(pair, capsys):
    code, out, err = _run(capsys, ["zmiany", str(pair[0]), str(pair[1])])
    assert code == 0, err
    assert out == EXPECTED


def test_cli_writes_the_file_and_never_overwrites_without_asking(pair, tmp_path, capsys):
    target = tmp_path / "zmiany.txt"
    code, out, _ = _run(capsys, ["zmiany", str(pair[0]), str(pair[1]), "--out", str(target)])
    assert code == 0 and str(target) in out
    assert target.read_text(encoding="utf-8") == EXPECTED
    target.write_text("moje notatki", encoding="utf-8")
    code, _, err = _run(capsys, ["zmiany", str(pair[0]), str(pair[1]), "--out", str(target)])
    assert code == 1 and "już istnieje" in err and "--nadpisz" in err
    assert target.read_text(encoding="utf-8") == "moje notatki"
    code, _, _ = _run(capsys, ["zmiany", str(pair[0]), str(pair[1]), "--out", str(target), "--nadpisz"])
    assert code == 0 and target.read_text(encoding="utf-8") == EXPECTED
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temporary file left


def test_cli_names_the_invalid_workbook(pair, tmp_path, gmina_rows, write_xlsx, capsys):
    broken = copy.deepcopy(gmina_rows)
    broken["uslugi"] = [HEADER, ["U1", "NIKT", "Usługa", "Ubóstwo", "Wszyscy mieszkańcy", "", "", "", "", "", ""]]
    bad = write_xlsx(tmp_path / "zly.xlsx", broken)
    code, out, err = _run(capsys, ["zmiany", str(pair[0]), str(bad)])
    assert code == 2 and out == ""  # invalid data: 2, as pzk run and pzk dokumenty
    assert f"skoroszyt nowy (NOWY) „{bad}” ma błędy" in err
    assert f"pzk validate {bad}" in err and "Traceback" not in err


def test_cli_reads_ods_and_xls_like_other_commands(capsys):
    for old in ("gmina_przykladowa.ods", "gmina_przykladowa.xls"):
        code, out, err = _run(capsys, ["zmiany", str(ROOT / "tests" / "data" / "formaty" / old),
                                       str(ROOT / "data" / "przyklad" / "gmina_przykladowa_csv")])
        assert code == 0, err
        assert out.startswith("Temat: ") and "Gmina Przykładowa" in out.splitlines()[0]


def test_cli_unreadable_file_is_a_clean_message(pair, tmp_path, capsys):
    junk = tmp_path / "smieci.xlsx"
    junk.write_bytes(b"to nie jest skoroszyt")
    missing = tmp_path / "nie_ma.xlsx"
    for argv, which in (([str(junk), str(pair[1])], "poprzedni (STARY)"), ([str(pair[0]), str(missing)],
                                                                          "nowy (NOWY)")):
        code, out, err = _run(capsys, ["zmiany", *argv])
        assert code == 2 and out == "", err
        assert f"skoroszyt {which}" in err and "nie daje się odczytać" in err
        assert "Traceback" not in err


@pytest.mark.slow
def test_notebook_02_shows_the_letter_when_given_the_previous_data(pair, tmp_path):
    import nbformat

    from pzk_kit.runs.runner import run_notebook

    out = tmp_path / "02.ipynb"
    run_notebook(ROOT / "notebooks" / "02_koszyk_uslug.ipynb", out,
                 {"dane": str(pair[1]), "wyniki": str(tmp_path / "wyniki"), "poprzednie_dane": str(pair[0])},
                 cell_timeout=120)
    cells = nbformat.read(out, as_version=4).cells
    assert cells[-2].source.startswith("## Zmiany w koszyku do rozesłania partnerom")
    shown = "".join(str(o.get("data", {}).get("text/html", "")) for o in cells[-1].outputs)
    assert "Zmienione usługi (1)" in shown and "godziny: pon.–pt. 8–15 → pon.–pt. 8–16" in shown
    assert "Kowalski" not in shown
