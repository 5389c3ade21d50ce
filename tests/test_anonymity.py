"""Anonymity by subtraction (issue 13, item 6) and report honesty (item 12).

Hiding the groups under 3 is not enough: with 4 respondents and a hidden sector of 1, whole group − the other
sector is that person's answer. Hand-made surveys check the exact cells withheld (primary: fewer than 3
respondents; complementary: hidden so the first cannot be recovered), and the attack of
``tests/anonymity_attack.py`` reads every output (summary.json, tables, item distributions, the explorer's views,
raport.docx) and tries every combination of the published sums; it must recover no group under 3.
"""

from __future__ import annotations

import copy
import datetime as dt

import matplotlib
import pytest

matplotlib.use("Agg")

from anonymity_attack import Cell, attack, memberships, published
from docx import Document

from pzk_kit import evaluation
from pzk_kit.evaluation import breakdown, evaluation_summary, factor_scores, item_distribution
from pzk_kit.evaluation.instrument import load_instrument
from pzk_kit.evaluation.report import write_report_docx
from pzk_kit.workbook.example import example_dir
from pzk_kit.workbook.reading import read_gmina

SUB = "ukryte dodatkowo, aby wyniku grupy mniejszej niż 3 osoby nie dało się odtworzyć przez odejmowanie"
FEW = "mniej niż 3 respondentów"
GOPS, PCPR, PUP, SP1 = ("Gminny Ośrodek Pomocy Społecznej", "Powiatowe Centrum Pomocy Rodzinie",
                        "Powiatowy Urząd Pracy", "Szkoła Podstawowa nr 1")
INSTRUMENT = load_instrument()


def survey(groups: list[tuple]) -> list[list[object]]:
    """(measurement, sector, partner, respondents[, {factor: score}][, skipped factors]) → ``ankieta`` rows.

    Answers differ between respondents and factors (so a recovered mean is a real secret); a factor given a
    score gets it on every item; a skipped factor is left empty.
    """
    items = INSTRUMENT.items
    factors = [f.code for f in INSTRUMENT.factors]
    rows: list[list[object]] = [["respondent", "pomiar", "sektor", "partner", *(i.code for i in items)]]
    number = 0
    for measurement, sector, partner, count, *rest in groups:
        scores = rest[0] if rest else {}
        skipped = rest[1] if len(rest) > 1 else ()
        for _ in range(count):
            number += 1
            answers = []
            for item in items:
                value = scores.get(item.factor, 1 + (number * 3 + factors.index(item.factor)) % 5)
                answers.append("" if item.factor in skipped else (6 - value if item.reverse else value))
            rows.append([f"{measurement}-R{number:02d}", measurement, sector, partner, *answers])
    return rows


@pytest.fixture
def gmina(tmp_path, write_csv_gmina, gmina_blueprint):
    counter = iter(range(1000))

    def make(rows):
        sheets = {name: copy.deepcopy(gmina_blueprint[name]) for name in ("gmina", "partnerzy")}
        sheets["partnerzy"].append(["PCPR", PCPR, "Pomoc społeczna", "Partner", "Podpisana", "2024-03-15", ""])
        sheets["ankieta"] = rows
        data = read_gmina(write_csv_gmina(tmp_path / f"g{next(counter)}", sheets))
        assert not data.report.errors, data.report.errors
        return data

    return make


def assert_nothing_recovered(data, *, report: bool = True):
    outcome = attack(data, published(data, report=report))
    assert outcome.tried > 100
    assert outcome.recovered == set()
    return outcome


def test_four_respondents_one_hidden_sector_of_one(gmina):
    data = gmina(survey([("T0", "Pomoc społeczna", "GOPS", 3), ("T0", "Kultura", "", 1)]))
    # the whole group rests on 4 people: shown
    assert all(by["T0"] is not None for by in factor_scores(data).values())
    sectors = breakdown(data, "T0", "sektor")
    assert list(sectors.table.columns) == ["Czynnik"]  # Pomoc społeczna shown = 4 × whole − 3 × it = Kultura
    assert sectors.suppressed == [f"T0 · sektor Kultura: {FEW}", f"T0 · sektor Pomoc społeczna: {SUB}"]
    partners = breakdown(data, "T0", "partner")
    assert list(partners.table.columns) == ["Czynnik"]
    assert partners.suppressed == [f"T0 · partner {GOPS}: {SUB}", f"T0 · partner (nie podano): {FEW}"]
    assert evaluation_summary(data)["suppressed"] == sectors.suppressed + partners.suppressed
    assert item_distribution(data, "T0")["1"].notna().all()  # whole-group distributions of 4 people stay
    assert_nothing_recovered(data)


def test_partner_nested_in_a_shown_sector(gmina):
    # Pomoc społeczna = GOPS (3) + PCPR (2): sector − GOPS would be PCPR, so GOPS (the smaller cell) goes too
    data = gmina(survey([("T0", "Pomoc społeczna", "GOPS", 3), ("T0", "Pomoc społeczna", "PCPR", 2),
                         ("T0", "Edukacja", "SP1", 4)]))
    sectors = breakdown(data, "T0", "sektor")
    assert list(sectors.table.columns) == ["Czynnik", "Edukacja", "Pomoc społeczna"]
    assert sectors.suppressed == []
    partners = breakdown(data, "T0", "partner")
    assert list(partners.table.columns) == ["Czynnik", SP1]
    assert partners.suppressed == [f"T0 · partner {GOPS}: {SUB}", f"T0 · partner {PCPR}: {FEW}"]
    assert evaluation.hidden_groups_of(data, "T0", "partner") == {GOPS: SUB, PCPR: FEW}
    assert_nothing_recovered(data)


def test_two_measurements_and_a_factor_with_fewer_answers(gmina):
    data = gmina(survey([
        ("T0", "Pomoc społeczna", "GOPS", 3), ("T0", "Kultura", "", 1),
        # T1: one GOPS respondent skips the trust items → trust rests on 2 there, 9 overall
        ("T1", "Pomoc społeczna", "GOPS", 2), ("T1", "Pomoc społeczna", "GOPS", 1, {}, ("zaufanie",)),
        ("T1", "Edukacja", "SP1", 3), ("T1", "Zatrudnienie", "PUP", 4),
    ]))
    summary = evaluation_summary(data)
    assert summary["respondents"] == {"T0": 4, "T1": 10}
    assert summary["suppressed"] == [
        f"T0 · sektor Kultura: {FEW}", f"T0 · sektor Pomoc społeczna: {SUB}",
        f"T0 · partner {GOPS}: {SUB}", f"T0 · partner (nie podano): {FEW}",
        # whole − Edukacja − Zatrudnienie would be the two GOPS answers on trust: the smallest other cell goes
        f"T1 · sektor Edukacja · Zaufanie: {SUB}", f"T1 · sektor Pomoc społeczna · Zaufanie: {FEW}",
        f"T1 · partner {GOPS} · Zaufanie: {FEW}", f"T1 · partner {SP1} · Zaufanie: {SUB}",
    ]
    t1 = breakdown(data, "T1", "sektor").table.set_index("Czynnik")
    assert list(t1.columns) == ["Edukacja", "Pomoc społeczna", "Zatrudnienie"]
    assert t1.loc["Zaufanie"].tolist() == [None, None, t1.loc["Zaufanie", "Zatrudnienie"]]
    assert t1.loc["Zaufanie", "Zatrudnienie"] is not None
    assert t1.loc["Dialog"].notna().all()  # other factors rest on 3 everywhere: nothing more hidden
    assert factor_scores(data)["zaufanie"]["T1"] is not None
    assert_nothing_recovered(data)


def test_the_attack_finds_a_leak_when_one_is_published(gmina):
    """The attack can fail: publish the complementary cell the kit withholds and it recovers the person."""
    data = gmina(survey([("T0", "Pomoc społeczna", "GOPS", 3), ("T0", "Kultura", "", 1)]))
    scores = evaluation.respondent_scores(data, "T0")
    groups = memberships(data, "T0")
    leak = [Cell("T0", f.name, "sektor", "Pomoc społeczna",
                 round(float(scores.loc[groups["sektor"] == "Pomoc społeczna", f.code].mean()), 2), "leak")
            for f in INSTRUMENT.factors]
    outcome = attack(data, published(data, report=False) + leak)
    kultura = frozenset(groups.index[groups["sektor"] == "Kultura"])
    assert {(m, members) for m, members in outcome.groups()} == {("T0", kultura)}
    assert len(outcome.recovered) == len(INSTRUMENT.factors)


def test_example_gmina_recovers_nothing():
    data = read_gmina(example_dir())
    assert_nothing_recovered(data)
    summary = evaluation_summary(data)
    # T0: Kultura (2) is hidden; whole − the six shown sectors would be its two people, so one more goes
    assert f"T0 · sektor Kultura: {FEW}" in summary["suppressed"]
    assert sum(line.startswith("T0 · sektor ") and line.endswith(SUB) for line in summary["suppressed"]) == 1
    # T1: Kultura (2) and "(nie podano)" (1) are hidden together: 3 people, nothing more needed
    assert not any(line.startswith("T1") and line.endswith(SUB) for line in summary["suppressed"])


def test_hostile_gmina_recovers_nothing():
    from pathlib import Path

    data = read_gmina(Path(__file__).parent / "data" / "hostile" / "gmina_wroga.xlsx")
    assert data.has("ankieta")
    assert_nothing_recovered(data, report=False)


# -- item 12: report honesty -----------------------------------------------------------------------------------


def scorecard_row(document, name: str) -> list[str]:
    for grid in document.tables:
        for row in grid.rows:
            texts = [c.text for c in row.cells]
            if texts and texts[0] == name:
                return texts
    raise AssertionError(name)


def test_hidden_t0_never_counts_as_zero_in_the_report(gmina, tmp_path):
    strong = {code: 5 for code in ("wspoldecydowanie", "dialog", "zaufanie", "przywodztwo", "zasoby")}
    rest = {f.code: 3 for f in INSTRUMENT.factors if f.code not in strong}
    data = gmina(survey([("T0", "Pomoc społeczna", "GOPS", 2, {**strong, **rest}),
                         ("T1", "Pomoc społeczna", "GOPS", 4, {**strong, **rest})]))
    assert all(by["T0"] is None for by in factor_scores(data).values())
    document = Document(str(write_report_docx(data, tmp_path / "raport.docx", on=dt.date(2025, 11, 25))))
    text = "\n".join(p.text for p in document.paragraphs)
    row = scorecard_row(document, "Czynniki — mocna strona (≥ 4,0)")
    assert row[1:3] == ["5 z 12", "bez porównania"]  # not "▲ +5 od T0": the hidden T0 is not five zeros
    assert "od T0" not in row[2] and "+5" not in " ".join(row)
    assert scorecard_row(document, "Czynniki — wymaga uwagi (< 3,0)")[2] == "bez porównania"
    assert ("Liczby mocnych stron i czynników wymagających uwagi nie porównujemy między T0 a T1: część wyników "
            "(T0) jest ukryta (mniej niż 3 osoby)") in text
    factors = next(t for t in document.tables if [c.text for c in t.rows[0].cells][:3] == ["Czynnik", "T0", "T1"])
    dialog = next(r for r in factors.rows if r.cells[0].text == "Dialog")
    assert [c.text for c in dialog.cells[1:4]] == ["ukryte", "5,00", "—"]
    assert "zmianę pokazujemy tylko między dwoma pokazanymi wynikami" in text


def test_report_change_shown_between_two_published_values(gmina, tmp_path):
    strong = {code: 5 for code in ("wspoldecydowanie", "dialog")}
    before = {f.code: 3 for f in INSTRUMENT.factors if f.code not in strong}
    data = gmina(survey([("T0", "Pomoc społeczna", "GOPS", 3, {**before, "wspoldecydowanie": 3, "dialog": 3}),
                         ("T1", "Pomoc społeczna", "GOPS", 3, {**before, **strong})]))
    document = Document(str(write_report_docx(data, tmp_path / "raport.docx", on=dt.date(2025, 11, 25))))
    row = scorecard_row(document, "Czynniki — mocna strona (≥ 4,0)")
    assert row[1:3] == ["2 z 12", "▲ +2 od T0"]
    assert "nie porównujemy" not in "\n".join(p.text for p in document.paragraphs)


def test_plan_leaves_no_small_set_computable_on_random_structures():
    """Random sector/partner structures (some respondents' sector differs from their partner's): after the plan,
    an exhaustive search finds no set of 1–2 respondents computable from the shown cells, and the whole group is
    never hidden while it rests on 3 or more."""
    import random

    rng = random.Random(13)
    for _ in range(300):
        partners = rng.randint(1, 12)
        sector_of = {p: rng.randrange(rng.randint(1, 5)) for p in range(partners)}
        atoms: dict[tuple[int, int], int] = {}
        for _ in range(rng.randint(1, 30)):
            p = rng.randrange(partners)
            s = sector_of[p] if rng.random() < 0.85 else rng.randrange(5)
            atoms[(s, p)] = atoms.get((s, p), 0) + 1
        names = list(atoms)
        sizes = tuple(atoms[a] for a in names)
        cells = [frozenset(range(len(names)))]
        for position in (0, 1):
            for label in sorted({a[position] for a in names}):
                cells.append(frozenset(k for k, a in enumerate(names) if a[position] == label))
        hidden = dict(evaluation._withheld(sizes, tuple(cells), 3))
        shown = [cell for k, cell in enumerate(cells) if k not in hidden]
        assert evaluation._disclosed(sizes, shown, 3, exhaustive=True) == 0
        assert (0 in hidden) == (sum(sizes) < 3)
