"""The suite's own machinery (tests/conftest.py): results shared across xdist workers, and the order of modules.

A shared result must be computed once however many workers ask at the same time, must not be kept half-made,
and a test that changes it must not pass unnoticed; the module order must put the slow modules first and keep
the tests of a module together (under --dist loadscope a module is one unit of work).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from conftest import SLOWEST_FIRST, check_unchanged, pytest_collection_modifyitems, shared_result

TESTS = Path(__file__).resolve().parent


class _Factory:
    """What shared_result uses of pytest's tmp_path_factory."""

    def __init__(self, base: Path) -> None:
        self.base = base

    def getbasetemp(self) -> Path:
        return self.base


def test_computed_once_then_reused_and_a_failure_is_not_kept(tmp_path, monkeypatch):
    monkeypatch.delenv("PYTEST_XDIST_WORKER", raising=False)
    calls = []

    def produce(folder: Path) -> dict:
        calls.append(folder)
        (folder / "wynik.txt").write_text("raz", encoding="utf-8")
        return {"liczba": 1}

    first = shared_result(_Factory(tmp_path), "wynik", produce)
    second = shared_result(_Factory(tmp_path), "wynik", produce)
    assert first == second == (tmp_path / "wspolne_wyniki" / "wynik", {"liczba": 1})
    assert len(calls) == 1

    def broken(folder: Path) -> dict:
        (folder / "polowa.txt").write_text("pół", encoding="utf-8")
        raise RuntimeError("zepsute")

    with pytest.raises(RuntimeError):
        shared_result(_Factory(tmp_path), "zly", broken)
    folder, record = shared_result(_Factory(tmp_path), "zly", produce)  # the next caller computes it again
    assert record == {"liczba": 1} and sorted(p.name for p in folder.iterdir()) == ["gotowe.json", "wynik.txt"]


def test_workers_asking_at_once_compute_it_once(tmp_path):
    """Two processes as two xdist workers of one session (bases <session>/popen-gw0, popen-gw1)."""
    script = textwrap.dedent("""
        import json, sys, time
        from pathlib import Path
        sys.path.insert(0, sys.argv[1])
        from conftest import shared_result

        class Factory:
            def getbasetemp(self):
                return Path(sys.argv[2])

        def produce(folder):
            with open(sys.argv[3], "a") as log:
                log.write("liczę\\n")
            time.sleep(2)  # the other worker asks meanwhile
            (folder / "wynik.txt").write_text("raz")
            return {"z": sys.argv[2]}

        folder, record = shared_result(Factory(), "wspolny", produce)
        print(json.dumps([str(folder), record]))
    """)
    log = tmp_path / "obliczenia.log"
    workers = []
    for name in ("gw0", "gw1"):
        base = tmp_path / f"popen-{name}"
        base.mkdir()
        workers.append(subprocess.Popen([sys.executable, "-c", script, str(TESTS), str(base), str(log)],
                                        stdout=subprocess.PIPE, text=True,
                                        env={**os.environ, "PYTEST_XDIST_WORKER": name}))
    answers = [json.loads(worker.communicate(timeout=300)[0]) for worker in workers]
    assert [w.returncode for w in workers] == [0, 0]
    assert log.read_text().splitlines() == ["liczę"]
    assert answers[0] == answers[1] and answers[0][0] == str(tmp_path / "wspolne_wyniki" / "wspolny")


def test_a_changed_shared_result_is_reported(tmp_path, monkeypatch):
    monkeypatch.delenv("PYTEST_XDIST_WORKER", raising=False)

    def produce(folder: Path) -> dict:
        (folder / "wyniki").mkdir()
        (folder / "wyniki" / "summary.json").write_text("{}", encoding="utf-8")
        return {}

    folder, _ = shared_result(_Factory(tmp_path), "wynik", produce)
    check_unchanged(folder)
    (folder / "wyniki" / "summary.json").write_text('{"zmienione": 1}', encoding="utf-8")
    (folder / "wyniki" / "nowy.txt").write_text("", encoding="utf-8")
    with pytest.raises(AssertionError, match=r"\['wyniki/nowy.txt', 'wyniki/summary.json'\]"):
        check_unchanged(folder)


class _Item:
    def __init__(self, nodeid: str, marks: tuple[str, ...] = ()) -> None:
        self.nodeid = nodeid
        self.marks = set(marks)

    def get_closest_marker(self, name: str):
        return name if name in self.marks else None


def test_slow_modules_go_first_and_every_module_stays_together():
    items = [
        _Item("tests/test_aaa.py::test_a"), _Item("tests/test_aaa.py::test_b"),
        _Item("tests/test_nowy_wolny.py::test_c"), _Item("tests/test_nowy_wolny.py::test_d", ("browser",)),
        _Item(f"{SLOWEST_FIRST[1]}::test_x[a]"), _Item(f"{SLOWEST_FIRST[1]}::test_y"),
        _Item(f"{SLOWEST_FIRST[0]}::test_z", ("slow",)),
    ]
    pytest_collection_modifyitems(None, items)
    assert [item.nodeid for item in items] == [
        f"{SLOWEST_FIRST[0]}::test_z", f"{SLOWEST_FIRST[1]}::test_x[a]", f"{SLOWEST_FIRST[1]}::test_y",
        "tests/test_nowy_wolny.py::test_c", "tests/test_nowy_wolny.py::test_d",  # unlisted but slow: before
        "tests/test_aaa.py::test_a", "tests/test_aaa.py::test_b",  # the quick ones, last
    ]
