"""The corpus of broken gminas in ``tests/data/broken``: every deliberate problem is found and explained.

Each case is a folder of CSV files (a small realistic gmina with one or two mistakes) and ``expected.txt``, one
line per expected problem::

    SEVERITY|sheet|row|column|substring of the problem text (message and hint)

An empty field is not checked. Lines starting with ``#`` are comments; a line ``# wszystkie`` means the file lists
every problem of the gmina, so nothing may be missing and nothing extra (the count is checked too). In the other
cases no error or warning may appear that no line expects.
"""

from __future__ import annotations

import json
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from pzk_kit.cli import main
from pzk_kit.workbook.reading import read_gmina
from pzk_kit.workbook.validation import Problem

CORPUS = Path(__file__).parent / "data" / "broken"
CASES = sorted(p.name for p in CORPUS.iterdir() if p.is_dir())
SEVERITIES = {"błąd", "ostrzeżenie", "informacja"}
PRINTED_SEVERITY = {"błąd": "BŁĄD", "ostrzeżenie": "OSTRZEŻENIE", "informacja": "INFORMACJA"}


@dataclass(frozen=True)
class Expected:
    severity: str
    sheet: str | None
    row: int | None
    column: str | None
    text: str | None

    @classmethod
    def parse(cls, line: str) -> Expected:
        severity, sheet, row, column, text = (field.strip() or None for field in line.split("|", 4))
        assert severity in SEVERITIES, f"unknown severity in {line!r}"
        return cls(severity, sheet, int(row) if row else None, column, text)

    def matches(self, problem: Problem) -> bool:
        return (
            problem.severity.value == self.severity
            and (self.sheet is None or problem.sheet == self.sheet)
            and (self.row is None or problem.row == self.row)
            and (self.column is None or problem.column == self.column)
            and (self.text is None or self.text in problem.text)
        )

    def __str__(self) -> str:
        return "|".join("" if v is None else str(v) for v in (self.severity, self.sheet, self.row, self.column,
                                                               self.text))


def load_expected(case: str) -> tuple[list[Expected], bool]:
    lines = (CORPUS / case / "expected.txt").read_text(encoding="utf-8").splitlines()
    exhaustive = any(re.fullmatch(r"#\s*wszystkie\s*", line) for line in lines)
    expected = [Expected.parse(line) for line in lines if line.strip() and not line.lstrip().startswith("#")]
    return expected, exhaustive


def one_to_one(expected: list[Expected], problems: list[Problem]) -> bool:
    """True when every expected line can be paired with its own problem (bipartite matching)."""
    owner: dict[int, int] = {}

    def assign(i: int, seen: set[int]) -> bool:
        for j, problem in enumerate(problems):
            if j not in seen and expected[i].matches(problem):
                seen.add(j)
                if j not in owner or assign(owner[j], seen):
                    owner[j] = i
                    return True
        return False

    return all(assign(i, set()) for i in range(len(expected)))


@pytest.fixture
def gmina_copy(tmp_path, request) -> Path:
    """The case's CSV files without expected.txt (the reader would take any .txt file for a sheet)."""
    target = tmp_path / request.param
    shutil.copytree(CORPUS / request.param, target, ignore=shutil.ignore_patterns("expected.txt"))
    return target


def test_corpus_is_complete():
    assert len(CASES) >= 15
    for case in CASES:
        expected, _ = load_expected(case)
        assert expected, f"{case}: expected.txt lists no problem"
        files = {p.name for p in (CORPUS / case).iterdir()}
        assert "expected.txt" in files and any(name.endswith(".csv") for name in files), case


@pytest.mark.parametrize("gmina_copy", CASES, indirect=True)
def test_expected_problems_are_reported(gmina_copy):
    case = gmina_copy.name
    expected, exhaustive = load_expected(case)
    report = read_gmina(gmina_copy).report  # must not raise
    problems = report.problems
    listing = "\n".join(str(p) for p in report.sorted())
    for line in expected:
        assert any(line.matches(p) for p in problems), f"{case}: nothing matches {line}\nfound:\n{listing}"
    if exhaustive:
        assert len(problems) == len(expected), f"{case}: {len(problems)} problems, expected {len(expected)}\n{listing}"
        assert one_to_one(expected, problems), f"{case}: lines and problems do not pair up\n{listing}"
    else:
        serious = [p for p in problems if p.severity.value != "informacja"]
        unexpected = [p for p in serious if not any(e.matches(p) for e in expected)]
        assert not unexpected, f"{case}: unexpected problems:\n" + "\n".join(map(str, unexpected))
    assert report.ok == all(e.severity != "błąd" for e in expected)


@pytest.mark.parametrize("gmina_copy", CASES, indirect=True)
def test_pzk_validate_prints_every_error(gmina_copy, capsys):
    expected, exhaustive = load_expected(gmina_copy.name)
    code = main(["validate", str(gmina_copy), "--wszystkie"])
    out = capsys.readouterr().out
    assert code == (2 if any(e.severity == "błąd" for e in expected) else 0)
    lines = out.splitlines()
    for line in expected:
        if line.severity != "błąd":
            continue
        wanted = [PRINTED_SEVERITY[line.severity]]
        if line.sheet:
            wanted.append(f"arkusz „{line.sheet}”")
        if line.row is not None:
            wanted.append(f"wiersz {line.row}")
        if line.column:
            wanted.append(f"kolumna „{line.column}”")
        if line.text:
            wanted.append(line.text)
        assert any(all(w in printed for w in wanted) for printed in lines), f"{line} not printed:\n{out}"
    if exhaustive:
        listed = [p for p in lines if p.startswith("  - ")]
        assert len(listed) == len(expected), out
        errors = sum(e.severity == "błąd" for e in expected)
        warnings = sum(e.severity == "ostrzeżenie" for e in expected)
        assert f"Błędy: {errors}, ostrzeżenia: {warnings}," in out


@pytest.mark.parametrize("gmina_copy", ["pelno_bledow"], indirect=True)
def test_json_output_lists_every_problem(gmina_copy, capsys):
    expected, _ = load_expected("pelno_bledow")
    assert main(["validate", str(gmina_copy), "--json"]) == 2
    result = json.loads(capsys.readouterr().out)
    assert result["ok"] is False
    assert len(result["problems"]) == len(expected)
    first = result["problems"][0]
    assert set(first) == {"Rodzaj", "Arkusz", "Wiersz", "Kolumna", "Wartość", "Problem"}
    assert first["Rodzaj"] == "błąd"


@pytest.mark.parametrize("gmina_copy", ["lider_spoza_partnerow"], indirect=True)
def test_unknown_leader_error_points_at_its_row(gmina_copy):
    report = read_gmina(gmina_copy).report
    [error] = report.errors
    assert (error.sheet, error.row, error.value) == ("gmina", 7, "MOPS")
