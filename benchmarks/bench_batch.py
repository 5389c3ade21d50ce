"""Batch benchmark: what does ``pzk batch`` save over the naive loop an advisor would script around papermill?

The script generates, deterministically, 20 synthetic gminas from the example gmina — each with its own name,
TERYT code, type and powiat, 15–40 partners (some of the example's dropped, some added as further branches of an
existing kind of institution with their ties and services), a shuffled share of the cooperation ties, services,
needs and survey answers dropped — writes them into one input folder the way a region collects them (most as CSV
folders, every fourth as an Excel workbook) and checks each with ``read_gmina`` (outside the timing; every report
must be ok). Then it times, side by side, in one run:

    (a) the naive loop: the ``papermill`` command, once per notebook (01, 02, 03) and gmina, one after another, the
        notebooks as they are (widgets included; ``MPLBACKEND=Agg``; ``--execution-timeout`` guards against a
        widget cell that never finishes — nbclient issue #312 — and such a stall is counted and reported);
    (b) ``pzk batch IN --out OUT -j 2`` (a fresh OUT every time, so nothing is skipped): the same notebooks plus
        what ``pzk run`` adds — the HTML report of each notebook, ``summary.json``, the regional summary;
    (c) ``pzk batch IN --out OUT -j 2 --summary-only``: the summary.json figures straight from the package;
    (f) the floor: the ``papermill`` command on a one-cell notebook (``pass``, python3 kernel) — what any notebook
        costs before its first line of work: the interpreter, papermill's imports, the kernel start and shutdown;
    (g) the same floor in-process (``papermill.execute_notebook`` in an already warm interpreter), for reference.

The goals of issue 7, printed with PASS/MISS (a MISS is information, never a failure):

    * speed-up (a)/(b) ≥ 3×, on the wall time of the whole 20 gminas;
    * per-notebook overhead of (b) ≤ 1.5 × floor (f). "Overhead" is what (b) spends per notebook beyond the
      notebook's own work: cost − work, where cost = wall(b) × jobs / notebooks (the core-seconds (b) uses per
      notebook, with ``jobs`` = 2 = the cores of the machine it was written for) and work = the mean time the
      kernel spent in the notebook's cells (from each cell's "busy" to its reply, as the kernel stamps them) in
      the executed notebooks of (a) — run one at a time, so uncontended. What remains is kernel start and
      shutdown, process spawn, papermill's bookkeeping, the HTML export, reading the data for summary.json and the
      regional summary, and any core left idle: exactly the kind of cost the floor measures. Cells of (b) cannot
      be used for "work": six kernels share two cores there, so every cell's wall time is stretched. The import
      cell (pandas, matplotlib, networkx, pzk_kit in the kernel) counts as work: a notebook cannot do without
      it. (a)'s widget cells build widgets that (b) skips, so "work" is a little generous to (b); the cost per
      notebook (overhead + work) is printed too, against the same floor;
    * (c) for all 2,477 Polish gminas on 2 cores < 5 minutes. (c) runs with ``-j 2`` directly, so its wall time is
      already two cores'; the estimate is fixed + marginal × 2,477, fixed and marginal fitted on two runs of (c),
      on 1 and on all gminas (the plain proportional wall × 2,477 / 20, which counts start-up 124 times, is printed
      as the upper bound). ``--country`` also generates 2,477 gminas and runs (c) on them once, no estimate needed.

Before the timing each synthetic gmina is checked valid; after the first repetition the results are checked: (a)
wrote every executed notebook, (b) every gmina's three notebooks, HTML reports and ``summary.json`` with no entry
in ``bledy.csv``, (c) the same network, basket and evaluation figures in ``summary.json`` as (b). Then a breakdown
of (b)'s per-notebook time (kernel start, the import cell, the other cells, what lies outside papermill's clock)
read from the executed notebooks and the batch logs shows where the time goes.

    python benchmarks/bench_batch.py                  # 20 gminas, (a) (b) (c) once, floors 5 times
    python benchmarks/bench_batch.py --small          # 2 gminas, (b) (c) and the floors only: a smoke run
    python benchmarks/bench_batch.py --country        # also (c) on all 2,477 gminas, once
    python benchmarks/bench_batch.py --workdir DIR    # keep the gminas and all outputs in DIR

The machine's load matters a lot here (everything is wall time of many processes): the load average is printed
before and after the measurement.
"""

from __future__ import annotations

import argparse
import ast
import csv
import datetime as dt
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbformat
import papermill

from pzk_kit.runs.batch import ERRORS_NAME, LOG_DIR
from pzk_kit.runs.runner import KERNEL_ARGUMENTS, NOTEBOOKS, NOTEBOOKS_DIR
from pzk_kit.workbook.example import example_rows
from pzk_kit.workbook.reading import read_gmina
from pzk_kit.workbook.schema import load_schema
from pzk_kit.workbook.templates import write_csv_folder, write_filled_workbook

if str(Path(__file__).resolve().parent) not in sys.path:  # the shared harness, also when loaded by path
    sys.path.insert(0, str(Path(__file__).resolve().parent))
import harness
from harness import Case

DEFAULT_SEED = 20250307
FULL_GMINAS = 20
SMALL_GMINAS = 2
COUNTRY_GMINAS = 2_477  # gminas in Poland (TERYT, 2024)
JOBS = 2  # cores of the machine the goals were set for
SPEEDUP_GOAL = 3.0
OVERHEAD_GOAL = 1.5
COUNTRY_GOAL_MINUTES = 5.0
NAIVE_CELL_TIMEOUT = 120  # seconds: --execution-timeout of the naive loop
NAIVE_HARD_TIMEOUT = 900  # seconds: a papermill command still running after this is killed and counted as a stall
PARTNERS_RANGE = (15, 40)
INPUT_DIR = "gminy"
XLSX_EVERY = 4  # every fourth gmina comes as a workbook, the others as CSV folders
PAPERMILL = Path(sys.executable).with_name("papermill")

# ---------------------------------------------------------------------------------------------------------------
# Synthetic gminas
# ---------------------------------------------------------------------------------------------------------------

STEMS = ["Dąbrowa", "Zielonka", "Brzezinka", "Lipno", "Sośnica", "Wierzbica", "Kamionka", "Olszyny", "Jeziorany",
         "Łęka", "Grabowiec", "Borowa", "Modrzewie", "Świerkowo", "Bukowina", "Różanka", "Czarnocin", "Żabno",
         "Klonowa", "Jodłowa"]
VOIVODESHIPS = {2: "dolnośląskie", 4: "kujawsko-pomorskie", 6: "lubelskie", 8: "lubuskie", 10: "łódzkie",
                12: "małopolskie", 14: "mazowieckie", 16: "opolskie", 18: "podkarpackie", 20: "podlaskie",
                22: "pomorskie", 24: "śląskie", 26: "świętokrzyskie", 28: "warmińsko-mazurskie",
                30: "wielkopolskie", 32: "zachodniopomorskie"}
TYPES = {1: "Miejska", 2: "Wiejska", 3: "Miejsko-wiejska"}  # the last TERYT digit
TIE_DROP, SERVICE_DROP, NEED_DROP, RESPONDENT_DROP = 0.12, 0.12, 0.3, 0.15
TIE_RELEVEL = 0.2  # share of kept ties whose level is moved by one


Rows = dict[str, list[list[Any]]]


@dataclass
class Gmina:
    """One synthetic gmina: its rows per sheet (as ``example_rows`` gives them) and where it is written."""

    name: str
    rows: Rows
    path: Path | None = None

    @property
    def partners(self) -> int:
        return len(self.rows["partnerzy"])


def _columns() -> dict[str, dict[str, int]]:
    return {spec.name: {c.name: i for i, c in enumerate(spec.columns)} for spec in load_schema().values()}


def _gmina_name(index: int) -> str:
    stem = STEMS[index % len(STEMS)]
    return stem if index < len(STEMS) else f"{stem} {index // len(STEMS) + 1}"


def _teryt(index: int) -> tuple[str, int, int]:
    """A 7-digit code: voivodeship (even 02–32), powiat, gmina, type digit; unique for the first 95,040 indexes."""
    voivodeship = 2 * (index % 16) + 2
    powiat = (index // 16) % 60 + 1
    number = index // 960 + 1
    kind = 1 + index % 3
    return f"{voivodeship:02d}{powiat:02d}{number:02d}{kind}", voivodeship, kind


def synthesize(index: int, base: Rows, rng: random.Random) -> Gmina:
    """The example gmina varied: other name and codes, 15–40 partners, a different share of ties and services."""
    col = _columns()
    p, w, u, a = col["partnerzy"], col["wspolpraca"], col["uslugi"], col["ankieta"]
    partners = [list(r) for r in base["partnerzy"]]
    leader = next(r[p["id"]] for r in partners if str(r[p["rola"]]).lower() == "lider")
    others = [r for r in partners if r[p["id"]] != leader]
    target = rng.randint(*PARTNERS_RANGE)
    if target <= len(partners):
        kept = [r for r in partners if r[p["id"]] == leader] + rng.sample(others, target - 1)
        clones: dict[str, str] = {}
    else:
        kept = partners
        clones = {}
        for k in range(target - len(partners)):  # a further school, club, NGO… of a kind the example has
            source = rng.choice(others)
            new = list(source)
            new[p["id"]] = f"{source[p['id']]}{k + 2}"
            new[p["nazwa"]] = f"{source[p['nazwa']]} — filia nr {k + 2}"
            kept.append(new)
            clones[new[p["id"]]] = source[p["id"]]
    ids = {r[p["id"]] for r in kept}

    ties, seen = [], set()
    for row in base.get("wspolpraca", []):
        for od, do in [(row[w["od"]], row[w["do"]])] + [
                (new, row[w["do"]]) for new, src in clones.items() if src == row[w["od"]]] + [
                (row[w["od"]], new) for new, src in clones.items() if src == row[w["do"]]]:
            key = (od, do, row[w["pomiar"]])
            if od not in ids or do not in ids or od == do or key in seen or rng.random() < TIE_DROP:
                continue
            seen.add(key)
            tie = list(row)
            tie[w["od"]], tie[w["do"]] = od, do
            level = int(tie[w["poziom"]])
            if level >= 1 and rng.random() < TIE_RELEVEL:
                tie[w["poziom"]] = str(min(5, max(1, level + rng.choice((-1, 1)))))
            ties.append(tie)

    services = []
    for row in base.get("uslugi", []):
        for provider in [row[u["partner"]], *[new for new, src in clones.items() if src == row[u["partner"]]]]:
            if provider in ids and rng.random() >= SERVICE_DROP:
                service = list(row)
                service[u["partner"]] = provider
                services.append(service)
    for number, service in enumerate(services, start=1):
        service[u["id"]] = f"U{number:03d}"

    needs = [list(r) for r in base.get("potrzeby", []) if rng.random() >= NEED_DROP]
    survey = []
    for row in base.get("ankieta", []):
        if rng.random() < RESPONDENT_DROP:
            continue
        answer = list(row)
        if answer[a["partner"]] not in ids:
            answer[a["partner"]] = None
        survey.append(answer)

    teryt, voivodeship, kind = _teryt(index)
    name = _gmina_name(index)
    fields = dict((k, v) for k, v in base["gmina"])
    fields.update({"nazwa": f"Gmina {name}", "teryt": teryt, "typ": TYPES[kind], "lider": leader,
                   "powiat": f"powiat nr {teryt[2:4]}", "wojewodztwo": VOIVODESHIPS[voivodeship]})
    rows = {"gmina": [[k, v] for k, v in fields.items()], "partnerzy": kept, "wspolpraca": ties,
            "uslugi": services, "potrzeby": needs, "ankieta": survey}
    return Gmina(f"{index + 1:04d}_{_folder_name(name)}", rows)


def _folder_name(name: str) -> str:
    plain = name.lower().translate(str.maketrans("ąćęłńóśźż ", "acelnoszz_"))
    return re.sub(r"[^a-z0-9_]", "", plain)


def generate(count: int, seed: int = DEFAULT_SEED) -> list[Gmina]:
    """``count`` synthetic gminas; the same ``count`` and ``seed`` always give the same rows."""
    rng = random.Random(seed)
    base = example_rows()
    return [synthesize(index, base, rng) for index in range(count)]


def write_gminas(gminas: list[Gmina], folder: Path) -> None:
    """Into one input folder, as a region collects them: CSV folders, every ``XLSX_EVERY``-th an Excel workbook."""
    folder.mkdir(parents=True, exist_ok=True)
    for index, gmina in enumerate(gminas):
        if index % XLSX_EVERY == XLSX_EVERY - 1:
            gmina.path = write_filled_workbook(gmina.rows, folder / f"{gmina.name}.xlsx", overwrite=True)
        else:
            gmina.path = folder / gmina.name
            write_csv_folder(gmina.path, gmina.rows)


def check_valid(gminas: list[Gmina]) -> str:
    """Every synthetic gmina reads without errors and has the partners it was made with (outside the timing)."""
    warnings = 0
    for gmina in gminas:
        data = read_gmina(gmina.path)
        if not data.report.ok:
            harness.print_first_errors(data.report.errors, f"  INVALID {gmina.name}: {len(data.report.errors)} errors")
        assert data.report.ok, f"synthetic gmina {gmina.name} is not valid"
        assert len(data.partners) == gmina.partners, (gmina.name, len(data.partners), gmina.partners)
        warnings += len(data.report.warnings)
    counts = sorted(g.partners for g in gminas)
    return (f"  check: {len(gminas)} gminas valid (0 errors, {warnings} warnings in all); partners "
            f"{counts[0]}–{counts[-1]} (median {statistics.median(counts):g})")


# ---------------------------------------------------------------------------------------------------------------
# The cases
# ---------------------------------------------------------------------------------------------------------------

@dataclass
class NaiveResult:
    """What the naive loop did: one entry per papermill command."""

    seconds: list[float] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    stalled: list[str] = field(default_factory=list)
    out: Path | None = None

    def stall_free(self) -> float:
        """The loop's time had nothing stalled: each stalled command counted at the median of the others."""
        ok = [t for t, label in zip(self.seconds, self.labels, strict=True) if label not in self.stalled]
        return sum(ok) + len(self.stalled) * (statistics.median(ok) if ok else 0.0)


def _naive_environment() -> dict[str, str]:
    env = dict(os.environ, MPLBACKEND="Agg")
    env.pop("PZK_BEZ_WIDZETOW", None)  # the naive loop runs the notebooks as they are, widgets and all
    return env


def naive_loop(gminas: list[Gmina], out: Path) -> NaiveResult:
    """Case (a): ``papermill NB OUT -k python3 --cwd DIR -p dane … -p wyniki …`` per notebook, sequentially."""
    shutil.rmtree(out, ignore_errors=True)
    result = NaiveResult(out=out)
    env = _naive_environment()
    for gmina in gminas:
        folder = out / gmina.name
        folder.mkdir(parents=True)
        for name in NOTEBOOKS:
            command = [str(PAPERMILL), str(NOTEBOOKS_DIR / name), str(folder / name), "-k", "python3",
                       "--cwd", str(folder), "-p", "dane", str(gmina.path), "-p", "wyniki", str(folder),
                       "--execution-timeout", str(NAIVE_CELL_TIMEOUT)]
            label = f"{gmina.name}/{name}"
            start = time.perf_counter()
            try:
                done = subprocess.run(command, cwd=folder, env=env, capture_output=True, text=True,
                                      encoding="utf-8", errors="replace", timeout=NAIVE_HARD_TIMEOUT, check=False)
                if done.returncode != 0:
                    stall = "CellTimeoutError" in done.stderr or "Timeout" in done.stderr
                    (result.stalled if stall else result.failed).append(label)
                    if not stall:
                        print(f"      (a) {label} failed: {done.stderr.strip().splitlines()[-1:]}", flush=True)
            except subprocess.TimeoutExpired:
                result.stalled.append(label)
            result.seconds.append(time.perf_counter() - start)
            result.labels.append(label)
    return result


@dataclass
class BatchRun:
    out: Path
    returncode: int
    stdout: str
    stderr: str


def pzk_batch(in_dir: Path, out: Path, jobs: int, *extra: str) -> BatchRun:
    """Cases (b) and (c): the real command, in a fresh output folder, as a region would start it."""
    shutil.rmtree(out, ignore_errors=True)
    command = [sys.executable, "-m", "pzk_kit", "batch", str(in_dir), "--out", str(out), "-j", str(jobs),
               "--bez-paska", *extra]
    done = subprocess.run(command, capture_output=True, text=True, encoding="utf-8", errors="replace", check=False)
    return BatchRun(out, done.returncode, done.stdout, done.stderr)


def empty_notebook(path: Path) -> Path:
    """The floor's notebook: one ``pass`` cell (an empty cell would be skipped without a kernel round trip)."""
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("pass")]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, str(path))
    return path


def floor_command(notebook: Path, folder: Path) -> float:
    """Case (f): the ``papermill`` command on the empty notebook; returns its exit code (0 expected)."""
    command = [str(PAPERMILL), str(notebook), str(folder / "pusty_wynik.ipynb"), "-k", "python3",
               "--cwd", str(folder)]
    done = subprocess.run(command, cwd=folder, env=_naive_environment(), capture_output=True, text=True,
                          encoding="utf-8", errors="replace", check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.returncode


def floor_in_process(notebook: Path, folder: Path) -> Any:
    """Case (g): ``papermill.execute_notebook`` on the empty notebook in this (warm) interpreter."""
    return papermill.execute_notebook(str(notebook), str(folder / "pusty_wynik_w_procesie.ipynb"),
                                      kernel_name="python3", cwd=str(folder), progress_bar=False, log_output=False,
                                      extra_arguments=KERNEL_ARGUMENTS)


# ---------------------------------------------------------------------------------------------------------------
# Checks
# ---------------------------------------------------------------------------------------------------------------

def check_naive(result: NaiveResult, gminas: list[Gmina]) -> str:
    assert result.out is not None
    missing = [f"{g.name}/{n}" for g in gminas for n in NOTEBOOKS if not (result.out / g.name / n).is_file()]
    assert not missing or set(missing) <= set(result.failed + result.stalled), missing
    return (f"  check (a): {len(result.seconds)} papermill commands, {len(result.failed)} failed, "
            f"{len(result.stalled)} stalled (cell timeout {NAIVE_CELL_TIMEOUT} s"
            f"{': ' + ', '.join(result.stalled) if result.stalled else ''}); median "
            f"{statistics.median(result.seconds):.1f} s per notebook")


def check_batch(run: BatchRun, gminas: list[Gmina], *, full: bool) -> dict[str, dict[str, Any]]:
    """A batch run finished every gmina (nothing in bledy.csv); returns the summary.json of each gmina."""
    assert run.returncode == 0, f"pzk batch exit {run.returncode}:\n{run.stdout}\n{run.stderr[-3000:]}"
    with (run.out / ERRORS_NAME).open(encoding="utf-8-sig", newline="") as handle:
        errors = list(csv.DictReader(handle, delimiter=";"))
    assert not errors, errors
    summaries = {}
    for gmina in gminas:
        folder = run.out / gmina.name
        summaries[gmina.name] = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
        assert summaries[gmina.name]["network"]["partners"] == gmina.partners, gmina.name
        if full:
            for name in NOTEBOOKS:
                assert (folder / name).is_file() and (folder / name).with_suffix(".html").is_file(), (gmina.name, name)
    return summaries


def check_same_figures(full: dict[str, dict[str, Any]], summary_only: dict[str, dict[str, Any]]) -> str:
    """(c) computes summary.json without the notebooks: its figures must be those the notebooks wrote in (b)."""
    for name, document in full.items():
        for part in ("gmina", "network", "basket", "evaluation"):
            assert summary_only[name][part] == document[part], f"{name}: '{part}' differs between (b) and (c)"
    return f"  check: (b) and (c) agree on the network, basket and evaluation figures of {len(full)} gmina(s)"


# ---------------------------------------------------------------------------------------------------------------
# Where (b)'s time goes
# ---------------------------------------------------------------------------------------------------------------

IMPORT_CELL = 2  # code cell index of the imports in each notebook (0 parameters, 1 injected parameters)


@dataclass
class NotebookTimes:
    """Per executed notebook: papermill's clock (kernel start to shutdown), its cells, and the import cell."""

    papermill: list[float] = field(default_factory=list)
    cells: list[float] = field(default_factory=list)
    imports: list[float] = field(default_factory=list)


def cell_seconds(cell: dict[str, Any]) -> float:
    """The kernel's own time for a cell: from its "busy" to its reply, both stamped by the kernel (nbclient's
    record_timing); papermill's per-cell duration also holds papermill's bookkeeping, so it is only the fallback."""
    stamps = cell["metadata"].get("execution", {})
    if "iopub.status.busy" in stamps and "shell.execute_reply" in stamps:
        busy, reply = (dt.datetime.fromisoformat(stamps[k].replace("Z", "+00:00"))
                       for k in ("iopub.status.busy", "shell.execute_reply"))
        return (reply - busy).total_seconds()
    return cell["metadata"].get("papermill", {}).get("duration") or 0.0


def notebook_times(out: Path, gminas: list[Gmina], skip: Sequence[str] = ()) -> NotebookTimes:
    """``skip``: "gmina/notebook" labels left out, e.g. the naive loop's stalled notebooks, cut off mid-way."""
    times = NotebookTimes()
    for gmina in gminas:
        for name in NOTEBOOKS:
            path = out / gmina.name / name
            if not path.is_file() or f"{gmina.name}/{name}" in skip:
                continue
            nb = json.loads(path.read_text(encoding="utf-8"))
            durations = [cell_seconds(c) for c in nb["cells"] if c["cell_type"] == "code"]
            times.papermill.append(nb["metadata"]["papermill"].get("duration") or 0.0)
            times.cells.append(sum(durations))
            times.imports.append(durations[IMPORT_CELL] if len(durations) > IMPORT_CELL else 0.0)
    return times


def task_seconds(out: Path, gminas: list[Gmina]) -> list[float]:
    """Seconds of each notebook task (papermill + HTML export in a worker), from the batch's per-gmina logs."""
    seconds = []
    for gmina in gminas:
        log = (out / LOG_DIR / f"{gmina.name}.log").read_text(encoding="utf-8")
        found = re.search(r"^Czasy zeszytów \[s\]: (\{.*\})$", log, re.MULTILINE)
        if found:
            seconds += list(ast.literal_eval(found.group(1)).values())
    return seconds


def breakdown(out: Path, gminas: list[Gmina]) -> list[str]:
    """(b)'s notebook tasks split by papermill's own clocks; under contention, so shares matter, not seconds."""
    times, tasks = notebook_times(out, gminas), task_seconds(out, gminas)
    if not times.papermill or not tasks:
        return ["  (no executed notebooks or logs to break down)"]
    task, clock = statistics.mean(tasks), statistics.mean(times.papermill)
    cells, imports = statistics.mean(times.cells), statistics.mean(times.imports)
    parts = [("kernel start and shutdown, papermill's bookkeeping", clock - cells),
             ("import cell (pandas, matplotlib, networkx, pzk_kit)", imports),
             ("the other cells (the notebook's work)", cells - imports),
             ("outside papermill's clock (load, parameters, HTML export)", task - clock)]
    lines = [f"  mean notebook task in (b): {task:.2f} s (wall, {len(tasks)} tasks; the pool's workers share the "
             f"cores, so every part is stretched alike)"]
    lines += [f"    {label:<60} {value:7.2f} s {100 * value / task:5.1f}%" for label, value in parts]
    return lines


# ---------------------------------------------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------------------------------------------

def goal_line(name: str, value: float, unit: str, goal: str, ok: bool, note: str = "") -> str:
    return f"  {name:<44} {value:8.2f}{unit:<5} goal {goal:<10} {'PASS' if ok else 'MISS'}{note}"


def report_goals(middle: dict[str, float], *, gminas: int, jobs: int, work: float | None, work_source: str,
                 country: float | None, fit: tuple[float, float] | None, stall_free: float | None = None) -> list[str]:
    """The goal lines; ``stall_free`` is (a) with its stalled notebooks counted as ordinary ones, if any stalled:
    the goal is then judged on it (the conservative choice) and the speed-up with the stalls is printed too."""
    notebooks = gminas * len(NOTEBOOKS)
    floor = middle["f"]
    lines = []
    if "a" in middle:
        speedup = harness.ratio(middle["a"], middle["b"])
        if stall_free is not None and stall_free < middle["a"]:
            lines.append(f"  speed-up (a)/(b) as measured, stalls included {speedup:8.2f}×")
            speedup = harness.ratio(stall_free, middle["b"])
            lines.append(goal_line("speed-up (a)/(b), (a) without its stalls", speedup, "×", f"≥ {SPEEDUP_GOAL:g}×",
                                   speedup >= SPEEDUP_GOAL))
        else:
            lines.append(goal_line("speed-up (a)/(b)", speedup, "×", f"≥ {SPEEDUP_GOAL:g}×",
                                   speedup >= SPEEDUP_GOAL))
    cost = middle["b"] * jobs / notebooks
    lines.append(f"  cost per notebook of (b) = wall × {jobs} / {notebooks}  {cost:8.2f} s    "
                 f"= {harness.ratio(cost, floor):.2f} × floor (f) {floor:.2f} s")
    if work is not None:
        overhead = cost - work
        lines.append(f"  work per notebook (cells, {work_source}) {work:8.2f} s")
        note = f"   (overhead {overhead:.2f} s = cost − work)"
        if overhead < 0:
            note += "; negative: other load slowed (a)'s cells, rerun on a quiet machine"
        lines.append(goal_line("overhead per notebook of (b) / floor (f)", harness.ratio(overhead, floor), "×",
                               f"≤ {OVERHEAD_GOAL:g}×", overhead <= OVERHEAD_GOAL * floor, note))
    per_gmina = middle["c"] / gminas
    upper = per_gmina * COUNTRY_GMINAS / 60
    if fit is not None:
        fixed, marginal = fit
        estimate = (fixed + marginal * COUNTRY_GMINAS) / 60
        lines.append(f"  (c) fit: {fixed:.2f} s fixed + {marginal * 1000:.1f} ms per gmina (-j {jobs}); "
                     f"proportional upper bound {upper:.1f} min")
    else:
        estimate = upper
    lines.append(goal_line(f"(c) estimate, {COUNTRY_GMINAS:,} gminas on {jobs} cores", estimate, " min",
                           f"< {COUNTRY_GOAL_MINUTES:g} min", estimate < COUNTRY_GOAL_MINUTES))
    if country is not None:
        lines.append(goal_line(f"(c) measured, {COUNTRY_GMINAS:,} gminas on {jobs} cores", country / 60, " min",
                               f"< {COUNTRY_GOAL_MINUTES:g} min", country / 60 < COUNTRY_GOAL_MINUTES))
    return lines


def cpu_seconds() -> float:
    """User + system CPU of this process and of its finished children (and theirs: kernels, pool workers)."""
    import resource  # Unix only, like the rest of this benchmark's process handling

    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def with_cpu(case: Case, cpu: dict[str, list[float]]) -> Case:
    """The case, also recording the CPU seconds it used: unlike wall time, hardly moved by other load."""
    def run(steps: harness.Steps) -> object:
        before = cpu_seconds()
        result = case.run(steps)
        cpu.setdefault(case.key, []).append(cpu_seconds() - before)
        return result
    return Case(case.key, case.label, run)


def cpu_lines(cpu: dict[str, list[float]], middle: dict[str, float], jobs: int) -> list[str]:
    lines = [f"  ({key}) {statistics.median(values):9.1f} s CPU   {statistics.median(values) / middle[key]:5.2f} "
             f"cores busy on average" for key, values in cpu.items()]
    if "a" in cpu and "b" in cpu:
        a, b = statistics.median(cpu["a"]), statistics.median(cpu["b"])
        lines.append(f"  CPU(a) / (CPU(b) / {jobs}) {harness.ratio(a, b / jobs):8.2f}×   the speed-up on a machine "
                     f"with {jobs} idle cores, if (b) kept them all busy and (a) never waited (information only)")
    return lines


def load_average() -> str:
    try:
        return " ".join(f"{value:.2f}" for value in os.getloadavg()) + f" on {os.cpu_count()} cores"
    except OSError:
        return "unknown"


# ---------------------------------------------------------------------------------------------------------------
# Command line
# ---------------------------------------------------------------------------------------------------------------

def build_parser() -> argparse.ArgumentParser:
    return harness.build_parser(
        "bench_batch.py",
        f"Benchmark pzk batch on {FULL_GMINAS} synthetic gminas against a naive sequential loop of papermill "
        f"commands and the floor of papermill on an empty notebook; estimate --summary-only for all "
        f"{COUNTRY_GMINAS:,} Polish gminas. Never fails on time.",
        default_repeat=1, measured="batch case ((a), (b), (c))", generated="gminas and outputs",
        default_seed=DEFAULT_SEED, small_factor=FULL_GMINAS // SMALL_GMINAS,
        before_small=[
            ("--floor-repeat", {"type": int, "default": None,
                                "help": "repetitions of each floor case (default 5, with --small 2)"}),
            ("--jobs", {"type": int, "default": JOBS, "help": f"-j of pzk batch in (b) and (c) (default {JOBS})"}),
            ("--gminas", {"type": int, "default": None,
                          "help": f"synthetic gminas (default {FULL_GMINAS}, with --small {SMALL_GMINAS})"}),
        ],
        after_small=[
            ("--no-naive", {"action": "store_true", "help": "skip (a), the naive loop (it is skipped with --small)"}),
            ("--country", {"action": "store_true",
                           "help": f"also run (c) once on {COUNTRY_GMINAS:,} generated gminas"}),
        ],
    )


def run(args: argparse.Namespace, workdir: Path) -> None:
    count = args.gminas or (SMALL_GMINAS if args.small else FULL_GMINAS)
    naive = not (args.small or args.no_naive)
    floor_repeat = args.floor_repeat or (2 if args.small else 5)
    in_dir = workdir / INPUT_DIR

    harness.print_header("batch", args, workdir, {"papermill": papermill.__version__})
    gminas, t_rows = harness.timed(generate, count, args.seed)
    _, t_write = harness.timed(write_gminas, gminas, in_dir)
    print(f"data: {count} gminas in {in_dir.name}/ ({sum(g.path.suffix == '.xlsx' for g in gminas)} workbooks, "
          f"the rest CSV folders); {count * len(NOTEBOOKS)} notebooks")
    print(f"generation: {t_rows:.2f} s (rows) + {t_write:.2f} s (files)")
    print(check_valid(gminas))
    one_dir = workdir / "jedna_gmina"  # (c) on one gmina: start-up cost for the fit of fixed + marginal
    shutil.rmtree(one_dir, ignore_errors=True)
    one_dir.mkdir()
    first = gminas[0].path
    (shutil.copy2 if first.is_file() else shutil.copytree)(first, one_dir / first.name)

    floor_dir = workdir / "podloga"
    floor_dir.mkdir(exist_ok=True)
    notebook = empty_notebook(floor_dir / "pusty.ipynb")
    floor_in_process(notebook, floor_dir)  # warm-up: papermill's and nbclient's imports in this interpreter

    print(f"load average before: {load_average()}")
    floors = [Case("f", "floor: papermill command, empty notebook", lambda _s: floor_command(notebook, floor_dir)),
              Case("g", "floor: papermill.execute_notebook in-process", lambda _s: floor_in_process(notebook,
                                                                                                   floor_dir))]
    cpu: dict[str, list[float]] = {}
    print("measuring the floors:")
    floor_times, _ = harness.measure([with_cpu(case, cpu) for case in floors], floor_repeat, width=56)

    outs = {"a": workdir / "wyniki_a", "b": workdir / f"wyniki_b_j{args.jobs}", "c": workdir / "wyniki_c",
            "c1": workdir / "wyniki_c_jedna"}
    cases = [Case("b", f"pzk batch -j {args.jobs}", lambda _s: pzk_batch(in_dir, outs["b"], args.jobs)),
             Case("c", f"pzk batch -j {args.jobs} --summary-only",
                  lambda _s: pzk_batch(in_dir, outs["c"], args.jobs, "--summary-only"))]
    if count > 1:
        cases.append(Case("c1", f"pzk batch -j {args.jobs} --summary-only, 1 gmina (fit)",
                          lambda _s: pzk_batch(one_dir, outs["c1"], args.jobs, "--summary-only")))
    naive_runs: list[NaiveResult] = []

    def remember(result: NaiveResult) -> NaiveResult:
        naive_runs.append(result)
        return result

    if naive:
        cases.insert(0, Case("a", f"naive: papermill command × {count * len(NOTEBOOKS)}, sequential",
                             lambda _s: remember(naive_loop(gminas, outs["a"]))))
    checked: dict[str, str] = {}

    def check_case(case: Case, result: object) -> None:
        if case.key == "a":
            checked["a"] = check_naive(result, gminas)  # type: ignore[arg-type]
        elif case.key in ("b", "c"):
            checked[case.key] = json.dumps(check_batch(result, gminas, full=case.key == "b"))  # type: ignore[arg-type]

    print("measuring the batch cases:")
    times, _ = harness.measure([with_cpu(case, cpu) for case in cases], args.repeat, width=56,
                               check_case=check_case)
    print(f"load average after: {load_average()}")
    if "a" in checked:
        print(checked["a"])
    print(check_same_figures(json.loads(checked["b"]), json.loads(checked["c"])))

    country = None
    if args.country:
        country = run_country(workdir, args.seed, args.jobs)

    middle = harness.medians({**floor_times, **times})
    labels = {case.key: case.label for case in floors + cases}
    print()
    print(f"medians ({args.repeat} repetition(s) of the batch cases, {floor_repeat} of the floors):")
    print("\n".join(harness.case_table({**times, **floor_times}, labels, width=56)))
    print("CPU of each case (medians; this process and all its children, user + system):")
    print("\n".join(cpu_lines(cpu, middle, args.jobs)))
    print()
    stall_free = None
    if naive:
        last = naive_runs[-1]
        work = statistics.mean(notebook_times(outs["a"], gminas, last.stalled + last.failed).cells)
        source = "uncontended, from (a)"
        if any(run.stalled for run in naive_runs):
            stall_free = statistics.median(run.stall_free() for run in naive_runs)
    else:
        work = statistics.mean(notebook_times(outs["b"], gminas).cells)
        source = "from (b): contended, so overhead is understated"
    fixed_and_marginal = None
    if count > 1:
        marginal = (middle["c"] - middle["c1"]) / (count - 1)
        fixed_and_marginal = (middle["c1"] - marginal, marginal)
    print("goals:")
    print("\n".join(report_goals(middle, gminas=count, jobs=args.jobs, work=work, work_source=source,
                                 country=country, fit=fixed_and_marginal, stall_free=stall_free)))
    print()
    print("where (b)'s notebook time goes:")
    print("\n".join(breakdown(outs["b"], gminas)))
    if naive:
        print("the same for (a), one notebook at a time:")
        a_times = notebook_times(outs["a"], gminas, naive_runs[-1].stalled + naive_runs[-1].failed)
        print(f"    papermill command {(stall_free or middle['a']) / (count * len(NOTEBOOKS)):.2f} s per notebook "
              f"(stalls counted as ordinary): "
              f"papermill's clock {statistics.mean(a_times.papermill):.2f} s (kernel start and shutdown, "
              f"papermill's bookkeeping "
              f"{statistics.mean(a_times.papermill) - statistics.mean(a_times.cells):.2f} s, import cell "
              f"{statistics.mean(a_times.imports):.2f} s, other cells "
              f"{statistics.mean(a_times.cells) - statistics.mean(a_times.imports):.2f} s), no HTML export")


def run_country(workdir: Path, seed: int, jobs: int) -> float:
    """(c) on all Polish gminas at once: generated (2,477 folders) and run once; returns the wall time."""
    folder = workdir / "gminy_kraj"
    gminas, t_rows = harness.timed(generate, COUNTRY_GMINAS, seed)
    shutil.rmtree(folder, ignore_errors=True)
    for gmina in gminas:  # CSV folders only: the country-wide figure should not depend on Excel parsing luck
        gmina.path = folder / gmina.name
        write_csv_folder(gmina.path, gmina.rows)
    print(f"country: {COUNTRY_GMINAS:,} gminas generated in {t_rows:.1f} s; running (c) once …", flush=True)
    out = workdir / "wyniki_c_kraj"
    start = time.perf_counter()
    result = pzk_batch(folder, out, jobs, "--summary-only")
    elapsed = time.perf_counter() - start
    check_batch(result, gminas, full=False)
    print(f"  (c) on {COUNTRY_GMINAS:,} gminas: {elapsed:.1f} s, all finished; load average {load_average()}")
    return elapsed


def main(argv: Sequence[str] | None = None) -> int:
    return harness.main(argv, build_parser, run, temp_prefix="pzk_bench_batch_")


if __name__ == "__main__":
    sys.exit(main())
