"""Output folders (issue 13, items 3 and 11): what --nadpisz may replace, the lock, staging of dead runs."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pzk_kit import files
from pzk_kit.files import (
    OWNER_NAME,
    RESULT_MARKER,
    OutputBusy,
    OutputExists,
    OutputRefused,
    atomic_dir,
    foreign_entries,
    output_lock,
    remove_stale_staging,
)
from pzk_kit.runs.processes import descendants, pid_alive
from pzk_kit.runs.runner import RESULT_NAMES


def _dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def _staging(parent: Path, name: str, pid: int | None, *, suffix: str = ".tmp", age: float = 0) -> Path:
    folder = parent / f".{name}.x{pid or f'brak{int(age)}'}{suffix}"
    folder.mkdir()
    (folder / "summary.json").write_text("pół", encoding="utf-8")
    if pid is not None:
        owner = {"pid": pid, "start": None, "host": socket.gethostname(), "kiedy": time.time()}
        (folder / OWNER_NAME).write_text(json.dumps(owner), encoding="utf-8")
    if age:
        os.utime(folder, (time.time() - age, time.time() - age))
    return folder


def test_a_new_result_gets_the_marker_listing_what_the_kit_wrote(tmp_path):
    out = tmp_path / "wyniki"
    with atomic_dir(out, result="run", known=RESULT_NAMES) as tmp:
        (tmp / "summary.json").write_text("{}", encoding="utf-8")
        (tmp / "czesci_wynikow").mkdir()
    marker = json.loads((out / RESULT_MARKER).read_text(encoding="utf-8"))
    assert marker["zestaw"] == "pzk-kit" and marker["polecenie"] == "run"
    assert marker["pliki"] == ["czesci_wynikow", "summary.json"], "no owner record or marker in the list"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["wyniki"], "no lock, no staging left"
    # a rerun replaces it; a file the user added since is never deleted, even with --nadpisz
    with atomic_dir(out, overwrite=True, result="run", known=RESULT_NAMES) as tmp:
        (tmp / "summary.json").write_text('{"nowy": 1}', encoding="utf-8")
    assert (out / "summary.json").read_text(encoding="utf-8") == '{"nowy": 1}'
    (out / "moje_notatki.docx").write_text("ważne", encoding="utf-8")
    (out / ".ipynb_checkpoints").mkdir()  # Jupyter's, not the user's
    with pytest.raises(OutputRefused) as refused, atomic_dir(out, overwrite=True, result="run"):
        pytest.fail("must not start")
    assert "moje_notatki.docx" in refused.value.message and ".ipynb_checkpoints" not in refused.value.message
    assert (out / "moje_notatki.docx").read_text(encoding="utf-8") == "ważne"


@pytest.mark.parametrize(("entries", "foreign"), [
    ({"summary.json", "walidacja.txt", "raport.docx", "czesci_wynikow"}, []),  # result of a version without marker
    ({"summary.json", "zrodlo.json"}, []),  # batch, summary only
    ({"summary.json", "walidacja.txt", "gmina.xlsx"}, ["gmina.xlsx"]),
    ({"summary.json"}, None),  # not recognisably ours
    ({"gmina.xlsx", "notatki.txt"}, None),
])
def test_results_of_versions_without_the_marker(tmp_path, entries, foreign):
    for name in entries:
        (tmp_path / name).mkdir() if "." not in name else (tmp_path / name).write_text("x", encoding="utf-8")
    assert foreign_entries(tmp_path, RESULT_NAMES) == foreign


def test_the_result_file_names_have_one_value():
    """pzk_kit.runs.outputs names the files; the catalogue and the report still spell their own names: the same ones."""
    from pzk_kit.basket import catalogue
    from pzk_kit.evaluation import report
    from pzk_kit.runs import outputs, summary

    assert (catalogue.HTML_NAME, catalogue.DOCX_NAME) == (outputs.CATALOGUE_HTML_NAME, outputs.CATALOGUE_DOCX_NAME)
    assert report.REPORT_NAME == outputs.REPORT_NAME and summary.SUMMARY_NAME == outputs.SUMMARY_NAME
    assert {outputs.SUMMARY_NAME, outputs.REPORT_NAME, outputs.VALIDATION_NAME, outputs.STATE_NAME} <= RESULT_NAMES


def test_unsafe_targets_are_refused_before_anything_is_written(tmp_path, monkeypatch):
    data = tmp_path / "moje"
    data.mkdir()
    (data / "gmina.xlsx").write_bytes(b"dane")
    csv_input = tmp_path / "gmina_csv"
    csv_input.mkdir()
    (csv_input / "partnerzy.csv").write_text("id", encoding="utf-8")
    (tmp_path / "plik.txt").write_text("x", encoding="utf-8")
    os.mkfifo(tmp_path / "rura")
    home = tmp_path / "dom"
    (home / "projekt").mkdir(parents=True)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.chdir(home / "projekt")
    cases = {
        data: ("zawiera dane wejściowe", [data / "gmina.xlsx"]),
        data / "gmina.xlsx": ("jest plikiem", [data / "gmina.xlsx"]),
        csv_input / "wyniki": ("wewnątrz folderu z danymi", [csv_input]),
        tmp_path / "plik.txt": ("jest plikiem, a nie folderem", []),
        tmp_path / "rura": ("potokiem nazwanym", []),
        Path("."): ("bieżący folder", []),
        home: ("folder domowy", []),
        tmp_path: ("folder domowy", []),  # contains the home folder
        Path(tmp_path.anchor): ("folder główny", []),
    }
    for target, (text, protect) in cases.items():
        with pytest.raises(OutputRefused) as refused, atomic_dir(target, overwrite=True, protect=protect,
                                                                 result="run"):
            pytest.fail("must not start")
        assert text in refused.value.message, (target, refused.value.message)
        assert refused.value.exit_code == 2
    assert (data / "gmina.xlsx").read_bytes() == b"dane"
    assert not [p for p in tmp_path.rglob(".*") if p.name != ".projekt"], "nothing written anywhere"
    with pytest.raises(OutputExists):  # an earlier result without --nadpisz: the old message
        (data / "wyniki").mkdir()
        (data / "wyniki" / RESULT_MARKER).write_text('{"zestaw": "pzk-kit", "pliki": []}', encoding="utf-8")
        with atomic_dir(data / "wyniki", result="run"):
            pass


def test_a_second_writer_of_one_folder_is_refused_while_the_first_holds_it(tmp_path):
    out = tmp_path / "wyniki"
    with output_lock(out):
        holder = subprocess.run(
            [sys.executable, "-c", "import sys; from pzk_kit.files import output_lock\n"
             "try:\n    output_lock(sys.argv[1]).__enter__()\nexcept Exception as e:\n    print(e.message)",
             str(out)], capture_output=True, text=True, encoding="utf-8", env={**os.environ, "PYTHONPATH": str(
                 Path(__file__).resolve().parents[1])})
        assert f"zapisuje teraz inne uruchomienie zestawu (proces {os.getpid()})" in holder.stdout
        with pytest.raises(OutputBusy), atomic_dir(out, result="run"):
            pass
    with atomic_dir(out, result="run") as tmp:  # released: free again, and the lock file is gone afterwards
        (tmp / "summary.json").write_text("{}", encoding="utf-8")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["wyniki"]


def test_only_staging_of_dead_runs_is_removed_and_a_half_swapped_result_comes_back(tmp_path):
    alive = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        dead = _staging(tmp_path, "wyniki", _dead_pid())
        live = _staging(tmp_path, "wyniki", alive.pid)
        fresh_ownerless = _staging(tmp_path, "wyniki", None)
        old_ownerless = _staging(tmp_path, "wyniki", None, age=2 * files.OWNERLESS_STALE_SECONDS)
        other = _staging(tmp_path, "inne", _dead_pid())
        # killed between the two renames of a swap: the previous result sits in .old and the target is missing
        swapped = _staging(tmp_path, "wynik2", _dead_pid(), suffix=".old")
        (swapped / "wynik2").mkdir()
        (swapped / "wynik2" / "summary.json").write_text("poprzedni", encoding="utf-8")
        removed = remove_stale_staging(tmp_path, "wyniki")
        assert set(removed) == {dead, old_ownerless}
        assert live.exists() and fresh_ownerless.exists() and other.exists()
        remove_stale_staging(tmp_path)
        assert not other.exists() and not swapped.exists()
        assert (tmp_path / "wynik2" / "summary.json").read_text(encoding="utf-8") == "poprzedni"
    finally:
        alive.kill()
        alive.wait()
    assert not pid_alive(alive.pid)
    assert alive.pid not in descendants(os.getpid())
