"""Smoke test of benchmarks/bench_io.py: it runs end to end on a small gmina and prints both ratios.

Only completion and the shape of the output are checked; timings are never asserted.
"""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[1] / "benchmarks" / "bench_io.py"


def _load_bench(monkeypatch):
    spec = importlib.util.spec_from_file_location("bench_io", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, "bench_io", module)  # dataclasses look their module up while executing it
    spec.loader.exec_module(module)
    return module


def test_bench_io_small_run_prints_both_ratios(tmp_path, monkeypatch, capsys):
    bench = _load_bench(monkeypatch)
    monkeypatch.chdir(tmp_path)
    workdir = tmp_path / "bench"

    assert bench.main(["--small", "--repeat", "1", "--workdir", str(workdir)]) == 0

    out = capsys.readouterr().out
    for ratio in ("(a)/(b)", "(c)/(d)"):
        assert re.search(rf"{re.escape(ratio)}\s+[\d.]+×\s+goal ≤ 2×\s+(PASS|MISS)", out), out
    assert "generation:" in out
    assert (workdir / bench.WORKBOOK_NAME).is_file()
    assert (workdir / bench.CSV_FOLDER_NAME / "partnerzy.csv").is_file()
