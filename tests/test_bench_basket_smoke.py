"""Smoke test of benchmarks/bench_basket.py: it runs end to end on a small basket and prints the ratio.

Only completion and the shape of the output are checked; timings are never asserted.
"""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[1] / "benchmarks" / "bench_basket.py"


def _load_bench(monkeypatch):
    spec = importlib.util.spec_from_file_location("bench_basket", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, "bench_basket", module)  # dataclasses look their module up while executing it
    spec.loader.exec_module(module)
    return module


def test_bench_basket_small_run_prints_ratio_and_finder_latency(monkeypatch, capsys):
    bench = _load_bench(monkeypatch)

    assert bench.main(["--small", "--repeat", "1"]) == 0

    out = capsys.readouterr().out
    assert re.search(r"ratio \(a\)/\(b\)\s+[\d.]+×", out), out
    assert "check: (a) and (b) agree on needs_covered" in out
    assert "check: needs_coverage and the pandas baseline agree on every need row" in out
    assert re.search(r"latency\s+median\s+[\d.]+ ms\s+p90\s+[\d.]+ ms\s+max\s+[\d.]+ ms\s+goal < 50 ms\s+(PASS|MISS)",
                     out), out
    for step in bench.STEPS_A:
        assert re.search(rf"of \(a\): {step}\s+[\d.]+s", out), step


def test_bench_basket_data_is_deterministic_and_valid(monkeypatch, tmp_path):
    bench = _load_bench(monkeypatch)
    sizes = bench.FULL_SIZES.scaled(bench.SMALL_FACTOR)

    first, second = bench.generate(sizes, seed=7), bench.generate(sizes, seed=7)

    assert first.sheets == second.sheets
    assert first.data_rows["uslugi"] == sizes.services and first.data_rows["potrzeby"] == sizes.needs
    bench.write_csv_folder(first, tmp_path / "csv")
    data = bench.read_valid(tmp_path / "csv")  # asserts report.ok
    assert len(data.services) == sizes.services and len(data.needs) == sizes.needs
    assert data.services["grupy"].map(lambda groups: "wszyscy" in groups).any()
    assert (data.services["obszary"].map(len) > 1).any() and (data.services["grupy"].map(len) > 1).any()
