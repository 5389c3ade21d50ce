"""Smoke test of benchmarks/bench_network.py: it runs end to end on a small region and prints the ratio.

Only completion and the shape of the output are checked; timings are never asserted.
"""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[1] / "benchmarks" / "bench_network.py"


def _load_bench(monkeypatch):
    spec = importlib.util.spec_from_file_location("bench_network", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, "bench_network", module)  # dataclasses look their module up while executing it
    spec.loader.exec_module(module)
    return module


def test_bench_network_small_run_prints_ratio_and_breakdown(tmp_path, monkeypatch, capsys):
    bench = _load_bench(monkeypatch)
    monkeypatch.chdir(tmp_path)
    workdir = tmp_path / "bench"

    assert bench.main(["--small", "--repeat", "1", "--workdir", str(workdir)]) == 0

    out = capsys.readouterr().out
    assert re.search(r"\(a\)/\(b\)\s+[\d.]+×\s+goal ≤ 1\.5×\s+(PASS|MISS)", out), out
    assert "check: (a) and (b) agree" in out
    for step in (*bench.STEPS_A, *bench.STEPS_B):
        assert re.search(rf"^  {re.escape(step)}\s+[\d.]+s\s+[\d.]+%$", out, re.MULTILINE), step
    for sheet in ("gmina", "partnerzy", "wspolpraca"):
        assert (workdir / bench.CSV_FOLDER_NAME / f"{sheet}.csv").is_file()


def test_bench_network_data_is_deterministic(monkeypatch):
    bench = _load_bench(monkeypatch)
    sizes = bench.FULL_SIZES.scaled(bench.SMALL_FACTOR)

    first, second = bench.generate(sizes, seed=7), bench.generate(sizes, seed=7)

    assert first.sheets == second.sheets
    assert first.reports == {"T0": sizes.reports // 2, "T1": sizes.reports - sizes.reports // 2}
    assert len(first.node_ids) == sizes.partners
