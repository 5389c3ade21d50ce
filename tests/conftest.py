"""Shared helpers for the reading and validation tests: write a gmina as CSV files or as a workbook.

A gmina is given as ``{sheet: rows}``, each row a list of cell values with the header row first (the ``gmina``
sheet as ``pole``/``wartosc`` pairs). Helpers are session fixtures returning plain functions, so hypothesis
tests can use them too.
"""

from __future__ import annotations

import copy
import csv
import io
from pathlib import Path

import openpyxl
import pytest

from pzk_kit.validation import Problem, ValidationReport

# A small valid gmina: no errors and no warnings. Values are written the way users type them.
MINIMAL_GMINA: dict[str, list[list[object]]] = {
    "gmina": [
        ["pole", "wartosc"],
        ["nazwa", "Gmina Testowa"],
        ["teryt", "1209034"],
        ["typ", "Wiejska"],
        ["lider", "GOPS"],
        ["data_zawiazania", "2024-03-15"],
    ],
    "partnerzy": [
        ["id", "nazwa", "sektor", "rola", "deklaracja", "data_przystapienia", "email"],
        ["GOPS", "Gminny Ośrodek Pomocy Społecznej", "Pomoc społeczna", "Lider", "Podpisana", "2024-03-15",
         "gops@example.pl"],
        ["PUP", "Powiatowy Urząd Pracy", "Zatrudnienie", "Partner", "Podpisana", "15.03.2024", "pup@example.pl"],
        ["SP1", "Szkoła Podstawowa nr 1", "Edukacja", "Partner", "List intencyjny", "2024-04-02", ""],
        ["KPP", "Komenda Powiatowa Policji", "Bezpieczeństwo", "Kandydat", "Brak", "", ""],
    ],
    "wspolpraca": [
        ["od", "do", "poziom", "formy", "zaufanie", "wartosc", "pomiar"],
        ["GOPS", "PUP", "3", "Wymiana informacji; Kierowanie klientów", "4", "3", "T0"],
        ["PUP", "GOPS", "2", "Wymiana informacji", "3", "3", "T0"],
        ["GOPS", "SP1", "1", "Wymiana informacji", "2", "2", ""],
    ],
    "uslugi": [
        ["id", "partner", "nazwa", "obszary", "grupy", "dostep", "odplatnosc", "limit_miejsc"],
        ["U1", "GOPS", "Poradnictwo socjalne", "Ubóstwo; Bezrobocie", "Wszyscy mieszkańcy", "Bez skierowania",
         "Bezpłatna", ""],
        ["U2", "PUP", "Szkolenia zawodowe", "Bezrobocie", "Osoby bezrobotne; Młodzież", "Skierowanie",
         "Bezpłatna", "20"],
    ],
    "potrzeby": [
        ["obszar", "grupa", "liczba_osob", "priorytet", "zrodlo"],
        ["Ubóstwo", "Osoby starsze", "120", "1", "Diagnoza 2024"],
        ["Bezrobocie", "Młodzież", "40", "2", "Diagnoza 2024"],
    ],
    "ankieta": [
        ["respondent", "pomiar", "partner", "sektor", "q01", "q02", "q03"],
        ["R01", "T0", "GOPS", "Pomoc społeczna", "4", "3", "nie wiem"],
        ["R02", "T0", "PUP", "Zatrudnienie", "5", "", "2"],
        ["R03", "T0", "", "Edukacja", "3", "0", "3"],
    ],
}


def _write_csv_gmina(
    folder: Path, sheets: dict[str, list[list[object]]], *, encoding: str = "utf-8", delimiter: str = ";"
) -> Path:
    """One ``<sheet>.csv`` per sheet; ``encoding="utf-8-sig"`` writes a BOM, ``"cp1250"`` Windows-1250."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for sheet, rows in sheets.items():
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
        writer.writerows([["" if v is None else v for v in row] for row in rows])
        (folder / f"{sheet}.csv").write_bytes(buffer.getvalue().encode(encoding))
    return folder


def _write_xlsx(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    """A workbook with one tab per sheet, cells written as given (str, int, float, date, None…)."""
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for sheet, rows in sheets.items():
        tab = workbook.create_sheet(sheet)
        for row in rows:
            tab.append(list(row))
    path = Path(path)
    workbook.save(path)
    return path


def _find_problems(
    report: ValidationReport,
    severity: str | None = None,
    sheet: str | None = None,
    row: int | None = None,
    column: str | None = None,
    text: str | None = None,
) -> list[Problem]:
    """Problems matching every given field (``text`` is a substring of the message with its hint)."""
    return [
        p for p in report.problems
        if (severity is None or p.severity.value == severity)
        and (sheet is None or p.sheet == sheet)
        and (row is None or p.row == row)
        and (column is None or p.column == column)
        and (text is None or text in p.text)
    ]


@pytest.fixture(scope="session")
def write_csv_gmina():
    return _write_csv_gmina


@pytest.fixture(scope="session")
def write_xlsx():
    return _write_xlsx


@pytest.fixture(scope="session")
def find_problems():
    return _find_problems


@pytest.fixture
def gmina_rows() -> dict[str, list[list[object]]]:
    """A fresh copy of :data:`MINIMAL_GMINA` that a test may change."""
    return copy.deepcopy(MINIMAL_GMINA)


@pytest.fixture(scope="session")
def gmina_blueprint() -> dict[str, list[list[object]]]:
    """The same gmina for hypothesis tests (session scope): copy it before changing it."""
    return MINIMAL_GMINA
