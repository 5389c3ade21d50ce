"""Smoke tests of the benchmark scripts in benchmarks/: each runs end to end on small data and prints its ratios.

Only completion and the shape of the output are checked; timings are never asserted. The scripts are loaded by
path, the way nothing else imports them, and also run as ``python benchmarks/bench_x.py --help``: both must find
the shared ``benchmarks/harness.py``.
"""

from __future__ import annotations

import importlib.util
import json
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


def _forms_output(bench, out: str, workdir: Path) -> None:
    assert re.search(r"\(a\)/\(b\)\s+all forms / one template\s+[\d.]+×", out), out
    assert re.search(r"\(c\)/\(a\)\s+ZIP in memory / folder on disk\s+[\d.]+×", out), out
    assert "check: (a) wrote 12 forms, (b) one template, (c) a ZIP" in out


def _merge_output(bench, out: str, workdir: Path) -> None:
    assert re.search(r"\(a\)/\(b\)\s+[\d.]+×\s+goal ≤ 5×\s+(PASS|MISS)", out), out
    assert "check: the merged workbook is valid" in out


@pytest.mark.parametrize(("name", "use_workdir", "check_output"), [
    pytest.param("bench_io", True, _io_output, id="io"),
    pytest.param("bench_forms", True, _forms_output, id="forms"),
    pytest.param("bench_merge", True, _merge_output, id="merge"),
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


@pytest.mark.parametrize("name", ["bench_io", "bench_network", "bench_basket", "bench_batch", "bench_forms",
                                  "bench_merge"])
def test_script_runs_from_the_command_line(name, tmp_path):
    done = subprocess.run([sys.executable, str(BENCHMARKS / f"{name}.py"), "--help"], cwd=tmp_path,
                          capture_output=True, text=True, encoding="utf-8", timeout=120, check=False)

    assert done.returncode == 0, done.stderr
    for option in ("--repeat", "--small", "--workdir", "--seed"):
        assert option in done.stdout


# -- bench_batch: its small run executes notebooks (slow); the rest is checked without running any ------------------


@pytest.mark.slow
def test_batch_small_run_prints_goals_and_checks(tmp_path, monkeypatch, capsys):
    bench = _load_bench(monkeypatch, "bench_batch")
    monkeypatch.chdir(tmp_path)
    workdir = tmp_path / "bench"

    assert bench.main(["--small", "--gminas", "1", "--floor-repeat", "1", "--workdir", str(workdir)]) == 0

    out = capsys.readouterr().out
    for label in ("(b) pzk batch -j 2", "(c) pzk batch -j 2 --summary-only", "(f) floor: papermill command",
                  "(g) floor: papermill.execute_notebook in-process"):
        assert re.search(rf"^  {re.escape(label)}.*\s[\d.]+s\s+[\d.]+s\s+[\d.]+s$", out, re.MULTILINE), label
    assert "(a) naive" not in out, "the naive loop is left out of a small run"
    assert re.search(r"overhead per notebook of \(b\) / floor \(f\)\s+[\d.-]+×\s+goal ≤ 1\.5×\s+(PASS|MISS)", out)
    assert re.search(r"\(c\) estimate, 2,477 gminas on 2 cores\s+[\d.]+ min\s+goal < 5 min\s+(PASS|MISS)", out)
    assert "check: (b) and (c) agree on the network, basket and evaluation figures of 1 gmina(s)" in out
    for part in ("kernel start and shutdown, papermill", "import cell", "the other cells", "outside papermill's clock"):
        assert re.search(rf"^    {part}.*\s[\d.-]+ s\s+[\d.-]+%$", out, re.MULTILINE), part
    gmina = next(p for p in (workdir / "gminy").iterdir())
    result = workdir / "wyniki_b_j2" / gmina.name
    assert json.loads((result / "summary.json").read_text(encoding="utf-8"))["network"]["partners"] >= 15
    assert sorted(p.name for p in result.glob("*.html")) == [
        "01_mapowanie_partnerow.html", "02_koszyk_uslug.html", "03_ewaluacja.html", "katalog_uslug.html"]


def test_batch_gminas_are_deterministic_valid_and_varied(monkeypatch, tmp_path):
    bench = _load_bench(monkeypatch, "bench_batch")

    first, second = bench.generate(bench.FULL_GMINAS, seed=7), bench.generate(bench.FULL_GMINAS, seed=7)

    assert [g.rows for g in first] == [g.rows for g in second]
    assert [g.rows for g in bench.generate(3, seed=8)] != [g.rows for g in first[:3]]
    partners = [g.partners for g in first]
    assert min(partners) >= 15 and max(partners) <= 40 and len(set(partners)) > 5
    fields = [dict(g.rows["gmina"]) for g in first]
    assert len({f["nazwa"] for f in fields}) == len({f["teryt"] for f in fields}) == bench.FULL_GMINAS
    assert all(re.fullmatch(r"\d{7}", f["teryt"]) for f in fields)
    assert len({len(g.rows["wspolpraca"]) for g in first}) > 5 and len({len(g.rows["uslugi"]) for g in first}) > 5
    bench.write_gminas(first, tmp_path / "gminy")
    assert sum(g.path.suffix == ".xlsx" for g in first) == bench.FULL_GMINAS // bench.XLSX_EVERY
    assert "20 gminas valid (0 errors" in bench.check_valid(first)  # reads each and asserts report.ok


def test_batch_naive_loop_runs_papermill_as_an_advisor_would_and_counts_stalls(monkeypatch, tmp_path):
    bench = _load_bench(monkeypatch, "bench_batch")
    monkeypatch.setenv("PZK_BEZ_WIDZETOW", "1")
    gminas = [bench.Gmina("0001_a", {}, tmp_path / "a"), bench.Gmina("0002_b", {}, tmp_path / "b.xlsx")]
    calls = []

    def fake_run(command, *, env, timeout, **kwargs):
        calls.append((command, env))
        notebook = Path(command[1]).name
        if notebook == "02_koszyk_uslug.ipynb" and "0002_b" in command[2]:
            raise subprocess.TimeoutExpired(command, timeout)
        if notebook == "03_ewaluacja.ipynb" and "0001_a" in command[2]:
            return subprocess.CompletedProcess(command, 1, "", "nbclient.exceptions.CellTimeoutError: cell timed out")
        if notebook == "03_ewaluacja.ipynb":
            return subprocess.CompletedProcess(command, 1, "", "papermill.exceptions.PapermillExecutionError: boom")
        Path(command[2]).write_text("{}", encoding="utf-8")
        return subprocess.CompletedProcess(command, 0, "", "")

    monkeypatch.setattr(bench.subprocess, "run", fake_run)
    result = bench.naive_loop(gminas, tmp_path / "out")

    assert len(calls) == 6 and len(result.seconds) == 6
    command, env = calls[0]
    assert Path(command[0]).name == "papermill" and Path(command[1]).name == "01_mapowanie_partnerow.ipynb"
    folder = str(tmp_path / "out" / "0001_a")
    for option, value in (("-k", "python3"), ("--cwd", folder), ("--execution-timeout", "120")):
        assert command[command.index(option) + 1] == value
    assert ["-p", "dane", str(tmp_path / "a")] == command[command.index("dane") - 1:command.index("dane") + 2]
    assert ["-p", "wyniki", folder] == command[command.index("wyniki") - 1:command.index("wyniki") + 2]
    assert env["MPLBACKEND"] == "Agg" and "PZK_BEZ_WIDZETOW" not in env, "the notebooks run as they are"
    assert result.stalled == ["0001_a/03_ewaluacja.ipynb", "0002_b/02_koszyk_uslug.ipynb"]
    assert result.failed == ["0002_b/03_ewaluacja.ipynb"]
    assert "6 papermill commands, 1 failed, 2 stalled" in bench.check_naive(result, gminas)
    result.seconds = [1.0, 2.0, 120.0, 3.0, 130.0, 4.0]  # the stalls: 0001_a/03 and 0002_b/02
    assert result.stall_free() == 1.0 + 2.0 + 3.0 + 4.0 + 2 * 2.5


def test_batch_goals_compare_against_the_floor_and_the_country(monkeypatch):
    bench = _load_bench(monkeypatch, "bench_batch")
    # 20 gminas = 60 notebooks; (b) 150 s on 2 jobs = 5 s per notebook, of which 3 s cells: overhead 2 s = 1× floor
    middle = {"a": 600.0, "b": 150.0, "c": 4.0, "c1": 1.15, "f": 2.0}

    lines = bench.report_goals(middle, gminas=20, jobs=2, work=3.0, work_source="test", country=None,
                               fit=(1.0, 0.15))

    text = "\n".join(lines)
    assert re.search(r"speed-up \(a\)/\(b\)\s+4\.00×\s+goal ≥ 3×\s+PASS", text), text
    assert re.search(r"cost per notebook of \(b\).*5\.00 s\s+= 2\.50 × floor", text), text
    assert re.search(r"overhead per notebook of \(b\) / floor \(f\)\s+1\.00×\s+goal ≤ 1\.5×\s+PASS", text), text
    # 1 s + 2,477 × 0.15 s = 372.55 s = 6.21 min
    assert re.search(r"\(c\) estimate, 2,477 gminas on 2 cores\s+6\.21 min\s+goal < 5 min\s+MISS", text), text
    slower = bench.report_goals({**middle, "b": 300.0}, gminas=20, jobs=2, work=3.0, work_source="test",
                                country=120.0, fit=None)
    text = "\n".join(slower)
    assert re.search(r"speed-up \(a\)/\(b\)\s+2\.00×\s+goal ≥ 3×\s+MISS", text), text
    assert re.search(r"overhead per notebook of \(b\) / floor \(f\)\s+3\.50×\s+goal ≤ 1\.5×\s+MISS", text), text
    assert re.search(r"\(c\) measured, 2,477 gminas on 2 cores\s+2\.00 min\s+goal < 5 min\s+PASS", text), text
    stalled = "\n".join(bench.report_goals(middle, gminas=20, jobs=2, work=3.0, work_source="test", country=None,
                                           fit=None, stall_free=420.0))  # the goal is judged without the stalls
    assert re.search(r"as measured, stalls included\s+4\.00×", stalled), stalled
    assert re.search(r"\(a\) without its stalls\s+2\.80×\s+goal ≥ 3×\s+MISS", stalled), stalled
