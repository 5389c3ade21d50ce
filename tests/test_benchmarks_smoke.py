"""Smoke tests of the benchmark scripts in benchmarks/: each runs end to end on small data and prints its ratios.

Only completion and the shape of the output are checked; timings are never asserted. The scripts are loaded by
path, the way nothing else imports them, and also run as ``python benchmarks/bench_x.py --help``: both must find
the shared ``benchmarks/harness.py``.
"""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"


def _load_bench(monkeypatch, name: str):
    spec = importlib.util.spec_from_file_location(name, BENCHMARKS / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, name, module)  # dataclasses look their module up while executing it
    monkeypatch.setattr(sys, "path", list(sys.path))  # the script puts benchmarks/ on it for the harness
    spec.loader.exec_module(module)
    return module


def _io_output(bench, out: str, workdir: Path) -> None:
    for ratio in ("(a)/(b)", "(c)/(d)"):
        assert re.search(rf"{re.escape(ratio)}\s+[\d.]+×\s+goal ≤ 2×\s+(PASS|MISS)", out), out
    assert "generation:" in out
    assert (workdir / bench.WORKBOOK_NAME).is_file()
    assert (workdir / bench.CSV_FOLDER_NAME / "partnerzy.csv").is_file()


def _network_output(bench, out: str, workdir: Path) -> None:
    assert re.search(r"\(a\)/\(b\)\s+[\d.]+×\s+goal ≤ 1\.5×\s+(PASS|MISS)", out), out
    assert "check: (a) and (b) agree" in out
    for step in (*bench.STEPS_A, *bench.STEPS_B):
        assert re.search(rf"^  {re.escape(step)}\s+[\d.]+s\s+[\d.]+%$", out, re.MULTILINE), step
    for sheet in ("gmina", "partnerzy", "wspolpraca"):
        assert (workdir / bench.CSV_FOLDER_NAME / f"{sheet}.csv").is_file()


def _basket_output(bench, out: str, workdir: Path | None) -> None:
    assert re.search(r"ratio \(a\)/\(b\)\s+[\d.]+×", out), out
    assert "check: (a) and (b) agree on needs_covered" in out
    assert "check: needs_coverage and the pandas baseline agree on every need row" in out
    assert re.search(r"latency\s+median\s+[\d.]+ ms\s+p90\s+[\d.]+ ms\s+max\s+[\d.]+ ms\s+goal < 50 ms\s+(PASS|MISS)",
                     out), out
    for step in bench.STEPS_A:
        assert re.search(rf"of \(a\): {step}\s+[\d.]+s", out), step


@pytest.mark.parametrize(("name", "use_workdir", "check_output"), [
    pytest.param("bench_io", True, _io_output, id="io"),
    pytest.param("bench_network", True, _network_output, id="network"),
    pytest.param("bench_basket", False, _basket_output, id="basket-temporary-dir"),
])
def test_small_run_prints_ratios(name, use_workdir, check_output, tmp_path, monkeypatch, capsys):
    bench = _load_bench(monkeypatch, name)
    monkeypatch.chdir(tmp_path)
    workdir = tmp_path / "bench" if use_workdir else None
    argv = ["--small", "--repeat", "1"] + (["--workdir", str(workdir)] if workdir else [])

    assert bench.main(argv) == 0

    check_output(bench, capsys.readouterr().out, workdir)


def _network_data(bench, first, sizes, tmp_path: Path) -> None:
    assert first.reports == {"T0": sizes.reports // 2, "T1": sizes.reports - sizes.reports // 2}
    assert len(first.node_ids) == sizes.partners


def _basket_data(bench, first, sizes, tmp_path: Path) -> None:
    assert first.data_rows["uslugi"] == sizes.services and first.data_rows["potrzeby"] == sizes.needs
    bench.write_csv_folder(first, tmp_path / "csv")
    data = bench.read_valid(tmp_path / "csv")  # asserts report.ok
    assert len(data.services) == sizes.services and len(data.needs) == sizes.needs
    assert data.services["grupy"].map(lambda groups: "wszyscy" in groups).any()
    assert (data.services["obszary"].map(len) > 1).any() and (data.services["grupy"].map(len) > 1).any()


@pytest.mark.parametrize(("name", "check_data"), [
    pytest.param("bench_network", _network_data, id="network"),
    pytest.param("bench_basket", _basket_data, id="basket"),
])
def test_data_is_deterministic(name, check_data, monkeypatch, tmp_path):
    bench = _load_bench(monkeypatch, name)
    sizes = bench.FULL_SIZES.scaled(bench.SMALL_FACTOR)

    first, second = bench.generate(sizes, seed=7), bench.generate(sizes, seed=7)

    assert first.sheets == second.sheets
    check_data(bench, first, sizes, tmp_path)


@pytest.mark.parametrize("name", ["bench_io", "bench_network", "bench_basket"])
def test_script_runs_from_the_command_line(name, tmp_path):
    done = subprocess.run([sys.executable, str(BENCHMARKS / f"{name}.py"), "--help"], cwd=tmp_path,
                          capture_output=True, text=True, encoding="utf-8", timeout=120, check=False)

    assert done.returncode == 0, done.stderr
    for option in ("--repeat", "--small", "--workdir", "--seed"):
        assert option in done.stdout
