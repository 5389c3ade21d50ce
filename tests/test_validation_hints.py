"""Issue 14 item 7: validation hints a trainer reads aloud, and one order of problems in every listing.

The hints used to say "0 lub „nie wiem” (nie wiem)", "T0, T1, T2 …." and, for "OSP" (a volunteer fire brigade not in
the partner list), "Czy chodziło o „SP2”?" — a school. ``pzk validate`` listed problems sheet by sheet in alphabetical
order while ``bledy.csv`` took the first errors in the order they were found.
"""

from __future__ import annotations

import csv
import re
import shutil
from pathlib import Path

import openpyxl
import pytest

from pzk_kit import cli
from pzk_kit.workbook.example import example_dir
from pzk_kit.workbook.reading import read_gmina
from pzk_kit.workbook.templates import write_template

CORPUS = Path(__file__).parent / "data" / "broken"


def _edit(path: Path, row: int, column: str, value: str) -> None:
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    rows[row][rows[0].index(column)] = value
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)


@pytest.fixture
def edited(tmp_path):
    folder = tmp_path / "gmina"
    shutil.copytree(example_dir(), folder)

    def edit(sheet: str, row: int, column: str, value: str) -> Path:
        _edit(folder / f"{sheet}.csv", row, column, value)
        return folder

    return edit


def _hints(folder: Path) -> dict[tuple[str, int, str], str]:
    return {(p.sheet, p.row, p.column): p.text for p in read_gmina(folder).report.problems}


def test_survey_answer_and_measurement_hints_read_well(edited):
    edited("ankieta", 3, "pomiar", "X")
    folder = edited("ankieta", 4, "q03", "7")
    hints = _hints(folder)
    assert hints[("ankieta", 5, "q03")] == (
        "Niepoprawna wartość „7”. Oczekiwano: odpowiedź 1–5 albo „nie wiem” (lub 0); puste = brak odpowiedzi.")
    assert hints[("ankieta", 4, "pomiar")] == "Niepoprawna wartość „X”. Oczekiwano: oznaczenie pomiaru: T0, T1, T2 …"


def test_no_doubled_full_stops_or_words_in_any_hint():
    for case in sorted(p for p in CORPUS.iterdir() if p.is_dir()):
        for problem in read_gmina(case).report.problems:
            assert "…." not in problem.text and ".." not in problem.text.replace("...", ""), (case.name, problem.text)
            assert not re.search(r"„([^”]+)” \(\1\)", problem.text), (case.name, problem.text)


def test_institution_typed_as_sector_or_type_suggests_the_right_value(edited):
    edited("partnerzy", 3, "sektor", "OSP")
    folder = edited("partnerzy", 4, "typ", "osp")
    hints = _hints(folder)
    assert "dla „OSP” to „Bezpieczeństwo”" in hints[("partnerzy", 4, "sektor")]
    assert "dla „osp” to „Pozarządowa”" in hints[("partnerzy", 5, "typ")]
    assert not any("SP2" in text for text in hints.values())


def test_unknown_partner_suggests_only_a_slip_not_another_institution(edited):
    edited("ankieta", 2, "partner", "OSP")  # a volunteer fire brigade missing from the list, not the school SP2
    edited("wspolpraca", 2, "od", "CSU")  # letters swapped: CUS
    edited("wspolpraca", 3, "od", "SP3")  # another school, not SP1 or SP2
    folder = edited("wspolpraca", 4, "od", "PCR")  # a letter left out: PCPR
    hints = _hints(folder)
    assert "Czy chodziło" not in hints[("ankieta", 3, "partner")], hints[("ankieta", 3, "partner")]
    assert "Czy chodziło" not in hints[("wspolpraca", 4, "od")]
    assert "Czy chodziło o „CUS”?" in hints[("wspolpraca", 3, "od")]
    assert "Czy chodziło o „PCPR”?" in hints[("wspolpraca", 5, "od")]


def test_validate_and_bledy_csv_list_problems_in_one_order(tmp_path, capsys):
    case = CORPUS / "pelno_bledow"
    expected = [line.split("|")[:3] for line in (case / "expected.txt").read_text(encoding="utf-8").splitlines()
                if line.startswith("błąd|")]
    assert cli.main(["validate", str(case), "--wszystkie"]) == 2
    printed = [line for line in capsys.readouterr().out.splitlines() if line.startswith("  - BŁĄD: ")]
    located = [re.match(r"  - BŁĄD: arkusz „(\w+)”, wiersz (\d+)", line).groups() for line in printed]
    assert [list(place) for place in located] == [[s, r] for _, s, r in expected], "the workbook's order"
    batch_in = tmp_path / "gminy"
    shutil.copytree(case, batch_in / "pelno_bledow", ignore=shutil.ignore_patterns("expected.txt"))
    assert cli.main(["batch", str(batch_in), "--out", str(tmp_path / "wyniki"), "--summary-only", "--bez-paska"]) == 1
    capsys.readouterr()
    with (tmp_path / "wyniki" / "bledy.csv").open(encoding="utf-8-sig", newline="") as handle:
        [row] = list(csv.DictReader(handle, delimiter=";"))
    first = row["komunikat"].split(" | ")
    first[-1] = re.sub(r" \(i jeszcze \d+\)$", "", first[-1])
    assert first == [line.removeprefix("  - BŁĄD: ") for line in printed[:3]]


def test_template_texts_agree_with_the_rules(tmp_path):
    workbook = openpyxl.load_workbook(write_template(tmp_path / "szablon.xlsx"))
    notes = [cell.comment.text for sheet in workbook.worksheets for cell in sheet[1] if cell.comment]
    instruction = [row[0] for row in workbook["instrukcja"].iter_rows(values_only=True) if row[0]]
    csv_instruction = (write_template(tmp_path / "szablon_csv") / "INSTRUKCJA.txt").read_text(encoding="utf-8")
    for text in [*notes, *map(str, instruction), csv_instruction]:
        assert "…." not in text, text
    assert not any("Drugi wiersz każdego arkusza" in str(line) for line in instruction)
    assert any("Arkusz „gmina” nie ma wiersza przykładowego" in str(line) for line in instruction)
    survey_note = next(n for n in notes if n.startswith("q01:"))
    assert survey_note.count("1–5 albo „nie wiem” (lub 0); puste = brak odpowiedzi") == 2, survey_note
