"""Shared helpers and shared results of the test suite.

Writing a gmina: a gmina is given as ``{sheet: rows}``, each row a list of cell values with the header row first
(the ``gmina`` sheet as ``pole``/``wartosc`` pairs). Helpers are session fixtures returning plain functions, so
hypothesis tests can use them too.

Results shared by the whole session (computed once, even across the xdist workers of ``make test``), READ-ONLY:
a test that wants to change one copies it first (``shutil.copytree``); a changed shared result fails the session.

- ``example_run``: ``(out, result)`` — ``pzk run`` (``runner.run_gmina``) of the example workbook
  ``data/przyklad/gmina_przykladowa.xlsx`` with the default measurement; ``out`` is the finished result folder,
  ``result`` a :class:`pzk_kit.runs.runner.RunResult` (``summary``, ``seconds``).
- ``hostile_run``: ``(out, completed)`` — the command ``python -m pzk_kit run tests/data/hostile/gmina_wroga_csv
  --out …`` run as a user runs it; ``completed`` is its :class:`subprocess.CompletedProcess` (exit code, output),
  kept even when the run failed, so every test using it reports the same failure.

Each is computed by the first test that asks for it; another worker asking meanwhile waits for that result
(a file lock) instead of computing it again, and a test run alone computes it itself. See :func:`shared_result`.

The order of the modules (:func:`pytest_collection_modifyitems`): the slowest first, so that under ``make test``
(``pytest -n 2 --dist loadscope --no-loadscope-reorder``) no slow module starts last on one worker while the
other has finished.
"""

from __future__ import annotations

import contextlib
import copy
import csv
import fcntl
import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import openpyxl
import pytest

from pzk_kit.workbook.validation import Problem, ValidationReport

# "Today" for the stale-service check (pzk_kit.workbook.service_records): fixed, so that the examples' warnings
# and the golden summaries do not change as the calendar moves on. Subprocesses inherit it.
REFERENCE_DAY = "2026-12-01"
os.environ.setdefault("PZK_DZIS", REFERENCE_DAY)

# A small valid gmina: no errors and no warnings. Values are written the way users type them.
MINIMAL_GMINA: dict[str, list[list[object]]] = {
    "gmina": [
        ["pole", "wartosc"],
        ["nazwa", "Gmina Testowa"],
        ["teryt", "1209022"],
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


# -- results shared by the session ------------------------------------------------------------------------------

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE_XLSX = ROOT / "data" / "przyklad" / "gmina_przykladowa.xlsx"
HOSTILE_CSV = ROOT / "tests" / "data" / "hostile" / "gmina_wroga_csv"
SHARED_DONE = "gotowe.json"  # written last: a folder without it is a result that never finished


def _shared_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """This session's folder seen by every worker: under xdist each worker's base is ``<session>/popen-gwN``."""
    base = tmp_path_factory.getbasetemp()
    root = (base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base) / "wspolne_wyniki"
    root.mkdir(exist_ok=True)
    return root


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    """An exclusive lock between the processes of this session (released when the holder ends, even killed)."""
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _fingerprint(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file() and p.name != SHARED_DONE}


def shared_result(tmp_path_factory: pytest.TempPathFactory, name: str,
                  produce: Callable[[Path], dict]) -> tuple[Path, dict]:
    """``produce(folder)`` once per session: the first caller (in any worker) computes, the others wait and reuse.

    ``produce`` fills the empty ``folder`` and returns a JSON-able record (kept in ``folder/gotowe.json``); returns
    ``(folder, record)``. If ``produce`` raises, nothing is kept and the next caller tries again. The fixtures using
    it call :func:`check_unchanged` at the end of the session. (Files are not chmod-ed read-only: copies made with
    ``shutil.copytree`` would inherit that, and root, as in CI, writes anyway.)
    """
    root = _shared_root(tmp_path_factory)
    folder = root / name
    with _locked(root / f"{name}.lock"):
        done = folder / SHARED_DONE
        if not done.exists():
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir()
            record = produce(folder)
            done.write_text(json.dumps({"record": record, "files": _fingerprint(folder)}, ensure_ascii=False),
                            encoding="utf-8")
        saved = json.loads(done.read_text(encoding="utf-8"))
    return folder, saved["record"]


def check_unchanged(folder: Path) -> None:
    """Fail if a test changed, added or removed a file of a shared result (other tests inspect the same files)."""
    expected = json.loads((folder / SHARED_DONE).read_text(encoding="utf-8"))["files"]
    found = _fingerprint(folder)
    changed = sorted(n for n in expected.keys() | found.keys() if expected.get(n) != found.get(n))
    assert not changed, f"a test changed the shared result {folder.name} (copy it before changing): {changed}"


@pytest.fixture(scope="session")
def example_run(tmp_path_factory):
    """READ-ONLY ``(out, result)``: ``pzk run`` of the example workbook, once per session (see the module doc)."""
    from pzk_kit.runs import runner

    def produce(folder: Path) -> dict:
        result = runner.run_gmina(EXAMPLE_XLSX, folder / "wyniki", cell_timeout=120)
        return {"summary": result.summary, "seconds": result.seconds}

    folder, record = shared_result(tmp_path_factory, "example_run", produce)
    out = folder / "wyniki"
    yield out, runner.RunResult(out=out, summary=record["summary"], seconds=record["seconds"])
    check_unchanged(folder)


@pytest.fixture(scope="session")
def hostile_run(tmp_path_factory):
    """READ-ONLY ``(out, completed)``: the command ``pzk run`` on the hostile CSV gmina, once per session."""

    def produce(folder: Path) -> dict:
        command = [sys.executable, "-m", "pzk_kit", "run", str(HOSTILE_CSV), "--out", str(folder / "wyniki")]
        done = subprocess.run(command, capture_output=True, text=True, timeout=900)
        return {"args": command, "returncode": done.returncode, "stdout": done.stdout, "stderr": done.stderr}

    folder, record = shared_result(tmp_path_factory, "hostile_run", produce)
    yield folder / "wyniki", subprocess.CompletedProcess(**record)
    check_unchanged(folder)


# -- the order of the modules ----------------------------------------------------------------------------------

# The slowest modules (nbval: notebooks) of `make test`, slowest first. `make test` runs
# `pytest -n 2 --dist loadscope --no-loadscope-reorder`: a module stays on one worker (its module fixtures are
# computed once) and each worker takes the next module of this order when it is free, so the long ones start at
# once and the many short ones fill the end evenly. (xdist's default reorders modules by their NUMBER of tests,
# which put the few-but-slow browser and run modules last.) Modules not listed follow: first those with a test
# marked slow or browser (a new slow module is not left for last), then the rest, each in collection order.
# Add a module here when it becomes one of the slowest. Keep the modules sharing a session result (example_run,
# hostile_run) apart, or the second waits while the first computes it.
# (--dist loadgroup with xdist_group marks would let slow tests of one module spread over workers, but with
# pytest 9 and xdist 3.8 the group is silently ignored: xdist sets item._nodeid, pytest 9 reads item._id.)
SLOWEST_FIRST: tuple[str, ...] = (
    "tests/test_docs.py",  # every command of the docs: demo, run ×2, batch ×2, dokumenty, app, lab
    "tests/test_run.py",
    "tests/test_app_browser.py",
    "tests/test_valid_means_runnable.py",
    "tests/test_notebooks.py",
    "tests/test_hostile_browser.py",
    "tests/test_reading_limits.py",
    "tests/test_app.py",
    "tests/test_batch.py",
    "tests/test_benchmarks_smoke.py",
    "tests/test_privacy.py",
    "tests/test_safe_html.py",
    "notebooks/03_ewaluacja.ipynb",
    "notebooks/01_mapowanie_partnerow.ipynb",
    "notebooks/02_koszyk_uslug.ipynb",
    "notebooks/aplikacja.ipynb",
)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Slowest modules first (:data:`SLOWEST_FIRST`); a stable sort, so the tests of a module keep their order."""
    rank = {path: place for place, path in enumerate(SLOWEST_FIRST)}
    modules = {item: item.nodeid.split("::", 1)[0] for item in items}
    marked = {modules[item] for item in items if item.get_closest_marker("slow") or item.get_closest_marker("browser")}
    unlisted = len(rank)

    def place(item: pytest.Item) -> int:
        module = modules[item]
        return rank.get(module, unlisted if module in marked else unlisted + 1)

    items.sort(key=place)
