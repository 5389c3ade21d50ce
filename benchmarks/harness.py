"""The harness the benchmark scripts share: cases, the timing loop, the report table, the options and ``main``.

Each ``bench_*.py`` script keeps what makes it a benchmark — its synthetic data, its cases and the checks that
both cases computed the same thing — and takes from here what is the same in all of them, so that a change to how
benchmarks are timed or reported (the order of cases, ``gc.collect`` before each call, the table of medians, the
PASS/MISS verdict, the ``--repeat/--small/--workdir/--seed`` options) is made once and the scripts stay comparable.

This is a plain module next to the scripts, not part of ``pzk_kit``: a script puts its own folder on ``sys.path``
before ``import harness``, so it works both as ``python benchmarks/bench_x.py`` and when a test loads it by path.
"""

from __future__ import annotations

import argparse
import cProfile
import csv
import gc
import io
import pstats
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pzk_kit import read_gmina
from pzk_kit.workbook.reading import GminaData

# The CSV export of a Polish Excel, which every benchmark writes its synthetic data as.
CSV_ENCODING = "cp1250"
CSV_DELIMITER = ";"

Steps = dict[str, float]
Row = list[object]


# ---------------------------------------------------------------------------------------------------------------
# Data
# ---------------------------------------------------------------------------------------------------------------

@dataclass
class Sheets:
    """Synthetic data as sheets of rows (header first), the form every writer of a benchmark starts from."""

    sheets: dict[str, list[Row]]

    @property
    def data_rows(self) -> dict[str, int]:
        return {name: len(rows) - 1 for name, rows in self.sheets.items()}


def timed(call: Callable[..., Any], *args: Any) -> tuple[Any, float]:
    """``call(*args)`` and its wall time in seconds, for the untimed-by-the-cases preparation steps."""
    start = time.perf_counter()
    result = call(*args)
    return result, time.perf_counter() - start


def _empty_for_none(value: object) -> object:
    return "" if value is None else value


def write_csv_folder(sheets: dict[str, list[Row]], folder: Path,
                     cell: Callable[[object], object] = _empty_for_none) -> None:
    """One CSV per sheet, as Polish Excel exports it; ``cell`` turns a value into what Excel would write."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows in sheets.items():
        with (folder / f"{name}.csv").open("w", encoding=CSV_ENCODING, newline="") as handle:
            writer = csv.writer(handle, delimiter=CSV_DELIMITER, lineterminator="\r\n")
            writer.writerows([cell(v) for v in row] for row in rows)


def print_first_errors(errors: Sequence[object], heading: str) -> None:
    """Why synthetic data was rejected: the heading and the first ten problems, before the assertion fails."""
    print(heading)
    for problem in errors[:10]:
        print(f"    {problem}")


def read_valid(folder: Path) -> GminaData:
    """``read_gmina`` outside the timing; the benchmark is meaningless unless its synthetic data is valid."""
    data = read_gmina(folder)
    report = data.report
    if not report.ok:
        print_first_errors(report.errors, f"  INVALID: {len(report.errors)} errors; the first ones:")
    assert report.ok, f"the synthetic data is not valid ({len(report.errors)} errors)"
    return data


# ---------------------------------------------------------------------------------------------------------------
# Measurement
# ---------------------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Case:
    """One measured call; ``run`` gets a dict to add the time of its own steps to (see ``step``)."""

    key: str
    label: str
    run: Callable[[Steps], object]


def step(steps: Steps, name: str, call: Callable[..., Any], *args: Any) -> Any:
    """Call ``call(*args)`` and add its time to ``steps[name]``, for the per-step breakdown of a case."""
    start = time.perf_counter()
    result = call(*args)
    steps[name] = steps.get(name, 0.0) + time.perf_counter() - start
    return result


def alternating_order(cases: list[Case], rep: int) -> list[Case]:
    """Forward on even repetitions, backward on odd ones: each case runs first and last equally often."""
    return cases if rep % 2 == 0 else cases[::-1]


def rotating_order(cases: list[Case], rep: int) -> list[Case]:
    """Rotated by the repetition number and reversed on odd ones: spreads machine noise over more than two cases."""
    shift = rep % len(cases)
    order = cases[shift:] + cases[:shift]
    if rep % 2:
        order.reverse()
    return order


def measure(cases: list[Case], repeat: int, *, width: int = 52,
            order: Callable[[list[Case], int], list[Case]] = alternating_order,
            check_case: Callable[[Case, object], None] | None = None,
            check: Callable[[dict[str, object]], None] | None = None,
            check_message: str = "") -> tuple[dict[str, list[float]], dict[str, list[Steps]]]:
    """Run every case ``repeat`` times in ``order``; returns the times and the step times of each repetition.

    Only the first repetition's results are checked, so the checks cost nothing in the medians of the others:
    ``check_case(case, result)`` right after each case, ``check(results by key)`` after the whole repetition,
    followed by ``check_message``. Results are dropped after each repetition, to keep memory flat.
    """
    times: dict[str, list[float]] = {case.key: [] for case in cases}
    steps: dict[str, list[Steps]] = {case.key: [] for case in cases}
    for rep in range(repeat):
        ordered = order(cases, rep)
        print(f"  repetition {rep + 1}/{repeat}: order {' '.join(c.key for c in ordered)}", flush=True)
        results: dict[str, object] = {}
        for case in ordered:
            rep_steps: Steps = {}
            gc.collect()
            start = time.perf_counter()
            results[case.key] = case.run(rep_steps)
            elapsed = time.perf_counter() - start
            times[case.key].append(elapsed)
            steps[case.key].append(rep_steps)
            print(f"    ({case.key}) {case.label:<{width}} {elapsed:8.3f} s", flush=True)
            if rep == 0 and check_case is not None:
                check_case(case, results[case.key])
        if rep == 0 and check is not None:
            check(results)
            print(check_message)
        del results
    return times, steps


# ---------------------------------------------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------------------------------------------

def medians(times: dict[str, list[float]]) -> dict[str, float]:
    return {key: statistics.median(values) for key, values in times.items()}


def ratio(numerator: float, denominator: float) -> float:
    return numerator / denominator if denominator > 0 else float("inf")


def ratio_line(name: str, numerator: float, denominator: float, goal: float) -> str:
    """A ratio of medians against its goal; a MISS is information, never a failure."""
    value = ratio(numerator, denominator)
    verdict = "PASS" if value <= goal else "MISS"
    return f"  {name:<10} {value:8.2f}×   goal ≤ {goal:g}×   {verdict}"


RATIO_HEADER = "  ratio        value     goal          result"


def case_table(times: dict[str, list[float]], labels: dict[str, str], width: int) -> list[str]:
    """Median, min and max of each case; ``width`` is the label column, as wide as the longest label."""
    middle = medians(times)
    lines = [f"  {'case':<{width + 4}} {'median':>9} {'min':>9} {'max':>9}"]
    for key, values in times.items():
        lines.append(f"  ({key}) {labels[key]:<{width}} {middle[key]:8.3f}s {min(values):8.3f}s {max(values):8.3f}s")
    return lines


def profile(run: Callable[[], object], module_file: str, top: int) -> str:
    """cProfile of ``run()``: the ``top`` functions by own time, then the slowest callers in ``module_file``."""
    profiler = cProfile.Profile()
    profiler.enable()
    run()
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out).strip_dirs()
    stats.sort_stats("tottime").print_stats(top)
    stats.sort_stats("cumulative").print_stats(module_file, top)
    return out.getvalue()


# ---------------------------------------------------------------------------------------------------------------
# Command line
# ---------------------------------------------------------------------------------------------------------------

Option = tuple[str, dict[str, Any]]


def build_parser(prog: str, description: str, *, default_repeat: int, measured: str, generated: str,
                 default_seed: int, small_factor: int, before_small: Iterable[Option] = (),
                 after_small: Iterable[Option] = ()) -> argparse.ArgumentParser:
    """The options every benchmark has, plus its own ``before_small``/``after_small`` ones, in --help order."""
    parser = argparse.ArgumentParser(prog=prog, description=description)
    parser.add_argument("--repeat", type=int, default=default_repeat,
                        help=f"repetitions of each measured {measured} (default {default_repeat})")
    for flag, kwargs in before_small:
        parser.add_argument(flag, **kwargs)
    parser.add_argument("--small", action="store_true", help=f"1/{small_factor} of the sizes, for a quick smoke run")
    for flag, kwargs in after_small:
        parser.add_argument(flag, **kwargs)
    parser.add_argument("--workdir", type=Path, default=None,
                        help=f"directory for the generated {generated} (kept); default: a temporary directory")
    parser.add_argument("--seed", type=int, default=default_seed, help=f"random seed (default {default_seed})")
    return parser


def print_header(name: str, args: argparse.Namespace, workdir: Path, libraries: dict[str, str]) -> None:
    """The first lines of every run: what was run, with which seed and versions, and where the files are."""
    versions = "".join(f", {library} {version}" for library, version in libraries.items())
    print(f"pzk-kit {name} benchmark — {'SMALL' if args.small else 'full'} size, seed {args.seed}, "
          f"repeat {args.repeat}, python {sys.version.split()[0]}{versions}")
    print(f"workdir: {workdir}")


def main(argv: Sequence[str] | None, parser: Callable[[], argparse.ArgumentParser],
         run: Callable[[argparse.Namespace, Path], None], temp_prefix: str) -> int:
    """Parse the options and ``run`` in ``--workdir`` (kept) or in a temporary directory (removed)."""
    args = parser().parse_args(argv)
    if args.repeat < 1:
        parser().error("--repeat must be at least 1")
    if args.workdir is not None:
        args.workdir.mkdir(parents=True, exist_ok=True)
        run(args, args.workdir)
    else:
        with tempfile.TemporaryDirectory(prefix=temp_prefix) as tmp:
            run(args, Path(tmp))
    return 0
