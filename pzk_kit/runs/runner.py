"""Running the kit's notebooks headless (papermill) the same robust way everywhere.

Known traps, handled here once: the kernel is always named explicitly (``python3``), the working directory is
explicit, matplotlib uses Agg, and a kernel that does not answer (at start or in a cell; seen occasionally when
kernels run in parallel) becomes an error after a timeout and the run is retried, instead of hanging forever.
Unix-socket transport was tried against port races and made kernel starts fail more often, so TCP stays.
"""

from __future__ import annotations

import contextlib
import json
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pzk_kit import polish
from pzk_kit.errors import PzkError
from pzk_kit.files import atomic_dir, atomic_file
from pzk_kit.resources import data_path
from pzk_kit.runs import kernel_wakeup
from pzk_kit.runs.outputs import (
    ASSESSMENT_ANNEX_NAME,
    CATALOGUE_DOCX_NAME,
    CATALOGUE_HTML_NAME,
    PARTNERS_NAME,
    PROGRAM_ANNEX_NAME,
    REPORT_NAME,
    STATE_NAME,
    SUMMARY_NAME,
    VALIDATION_NAME,
)
from pzk_kit.workbook.reading import GminaData
from pzk_kit.workbook.validation import ValidationReport

KERNEL_NAME = "python3"


def _notebooks_dir() -> Path:
    """The kit's notebooks: beside the package in a repository or editable install, else the installed copy."""
    beside = Path(__file__).resolve().parents[2] / "notebooks"
    if (beside / "01_mapowanie_partnerow.ipynb").exists():
        return beside
    return Path(sys.prefix) / "share" / "pzk-kit" / "notebooks"


NOTEBOOKS_DIR = _notebooks_dir()
CELL_TIMEOUT = 300  # seconds: the slowest cell (a 2,000-partner network) takes well under a minute
START_TIMEOUT = 60
RETRIES = 2
# The kernel's own log is not for users' terminals: its start-up chatter (the TCP-without-encryption notice), and
# the English "KeyboardInterrupt caught in kernel." it logs as an ERROR when the interrupt that precedes every
# shutdown lands while it handles a message. Errors of the notebooks' cells reach the user through papermill.
KERNEL_ARGUMENTS = ["--IPKernelApp.log_level=CRITICAL"]
# Inherited by the kernels: no GUI backend, and no widgets (see pzk_kit.workshop.interactive.headless).
BATCH_ENVIRONMENT = {"MPLBACKEND": "Agg", "PZK_BEZ_WIDZETOW": "1"}


def run_notebook(
    notebook: str | Path,
    output: str | Path,
    parameters: dict[str, Any] | None = None,
    *,
    cwd: str | Path | None = None,
    cell_timeout: int = CELL_TIMEOUT,
    retries: int = RETRIES,
    kernel: Any = None,
) -> Any:
    """Execute ``notebook`` into ``output`` with papermill; returns the executed notebook node.

    ``kernel``: an already running kernel manager (see :func:`shared_kernel`) to run in instead of starting a
    fresh kernel; it is restarted before a retry.
    """
    import papermill as pm
    from nbclient.exceptions import CellTimeoutError, DeadKernelError

    kernel_wakeup.install()  # a lost ZMQ wakeup would otherwise hold a finished cell until its timeout
    notebook = Path(notebook)
    env_backup = {name: os.environ.get(name) for name in BATCH_ENVIRONMENT}
    os.environ.update(BATCH_ENVIRONMENT)
    extra = {"km": kernel} if kernel is not None else {}
    try:
        for attempt in range(retries + 1):
            try:
                return pm.execute_notebook(
                    str(notebook), str(output), parameters=parameters or {}, kernel_name=KERNEL_NAME,
                    cwd=str(cwd or notebook.parent), progress_bar=False, execution_timeout=cell_timeout,
                    start_timeout=START_TIMEOUT, extra_arguments=KERNEL_ARGUMENTS,
                    # Written once at the end (and on error) instead of before and after every cell: nobody
                    # watches a headless run, and re-serialising a notebook full of charts ~60 times cost about
                    # 0.8 s of CPU per notebook (benchmarks/bench_batch.py).
                    request_save_on_cell_execute=False, **extra,
                )
            except (CellTimeoutError, DeadKernelError, TimeoutError, RuntimeError):
                # RuntimeError: "Kernel didn't respond in N seconds" from jupyter_client at start
                if attempt == retries:
                    raise
                if kernel is not None:
                    kernel.restart_kernel(now=True)
        raise AssertionError("unreachable")
    finally:
        for name, value in env_backup.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


@contextlib.contextmanager
def shared_kernel(cwd: str | Path) -> Iterator[Any]:
    """One kernel for a gmina's three notebooks in a batch, started once and shut down at the end.

    In a batch the machine's cores are the limit, and every fresh kernel costs its start and the import of
    pandas, matplotlib, networkx and the kit again (about 1.5 s of CPU per notebook). The notebooks do not
    depend on each other's variables: the user namespace is cleared between them (``%reset -f``), so this is
    "Restart and Run All" without the restart of the imports. ``pzk run`` keeps a fresh kernel per notebook.
    """
    from jupyter_client.manager import KernelManager

    manager = KernelManager(kernel_name=KERNEL_NAME)
    manager.start_kernel(cwd=str(cwd), extra_arguments=KERNEL_ARGUMENTS, env={**os.environ, **BATCH_ENVIRONMENT})
    try:
        yield manager
    finally:
        manager.shutdown_kernel(now=True)


def _clear_namespace(kernel: Any) -> None:
    client = kernel.client()
    client.start_channels()
    try:
        client.wait_for_ready(timeout=START_TIMEOUT)
        client.execute_interactive("%reset -f", timeout=START_TIMEOUT)
    finally:
        client.stop_channels()


# -- `pzk run`: one gmina, three notebooks, one finished folder -------------------------------------------------

NOTEBOOKS = ("01_mapowanie_partnerow.ipynb", "02_koszyk_uslug.ipynb", "03_ewaluacja.ipynb")
# What a result folder of a version without the marker file (pzk_kit.files.RESULT_MARKER) may hold: such a
# folder is replaced by --nadpisz only when it holds nothing else.
RESULT_NAMES = frozenset({
    *NOTEBOOKS, *(Path(name).with_suffix(".html").name for name in NOTEBOOKS), VALIDATION_NAME, STATE_NAME,
    SUMMARY_NAME, CATALOGUE_HTML_NAME, CATALOGUE_DOCX_NAME, REPORT_NAME, "rekomendacje.json", PARTNERS_NAME,
    "czesci_wynikow", "hsds", PROGRAM_ANNEX_NAME, ASSESSMENT_ANNEX_NAME,
})


def write_state(folder: Path, state: dict[str, Any]) -> None:
    """``zrodlo.json``: the batch's record of which input (content hash) and mode produced a result folder."""
    (folder / STATE_NAME).write_text(json.dumps(state, ensure_ascii=False, indent=2), encoding="utf-8")


class InvalidInput(PzkError):
    """The gmina's data have errors: nothing was run and nothing written."""

    exit_code = 2

    def __init__(self, report: ValidationReport) -> None:
        super().__init__(report.summary())
        self.report = report

    @property
    def message(self) -> str:
        return self.report.format_text()


class NotebookFailed(PzkError):
    """A notebook stopped on an error; ``message`` says which one and why, in Polish."""

    def __init__(self, notebook: str, detail: str) -> None:
        super().__init__(notebook, detail)  # both in args: the exception crosses process boundaries (pickle)
        self.notebook = notebook
        self.detail = detail

    def __str__(self) -> str:
        return self.message

    @property
    def message(self) -> str:
        return f"Zeszyt {self.notebook} zatrzymał się na błędzie: {self.detail}"


@dataclass
class RunResult:
    out: Path
    summary: dict[str, Any]
    seconds: dict[str, float] = field(default_factory=dict)


def run_gmina(
    source: str | Path,
    out: str | Path,
    *,
    measurement: str | None = None,
    overwrite: bool = False,
    parallel: bool = True,
    cell_timeout: int = CELL_TIMEOUT,
    log: Callable[[str], None] | None = None,
    pool: Executor | None = None,
    state: dict[str, Any] | None = None,
    one_kernel: bool = False,
) -> RunResult:
    """Everything ``pzk run`` promises (CONTRACT §2–3) for one gmina, built aside and moved into ``out`` at once.

    Invalid data raise :class:`InvalidInput` before anything is written; a failing notebook raises
    :class:`NotebookFailed` and leaves ``out`` (and any earlier result in it) untouched. ``pool`` lets a batch
    share worker processes between gminas; ``state`` is written as ``zrodlo.json`` inside the result (the batch's
    record of which input produced it); ``one_kernel`` runs the three notebooks one after another in one kernel of
    one worker (see :func:`shared_kernel`), which is what a batch wants. ``measurement``: ``--pomiar``; None
    means the latest in the data (:mod:`pzk_kit.measurement` decides, for every output alike).
    """
    from pzk_kit.workbook.reading import read_gmina

    source = Path(source).resolve()
    data = read_gmina(source)
    if not data.report.ok:
        raise InvalidInput(data.report)
    out = Path(out)
    with atomic_dir(out, overwrite=overwrite, protect=[source], result="run", known=RESULT_NAMES) as tmp:
        result = run_into(data, tmp, measurement=measurement, parallel=parallel, cell_timeout=cell_timeout, log=log,
                          pool=pool, one_kernel=one_kernel)
        if state is not None:
            write_state(tmp, state)
    result.out = out
    return result


def run_into(
    data: GminaData,
    folder: Path,
    *,
    measurement: str | None = None,
    parallel: bool = True,
    cell_timeout: int = CELL_TIMEOUT,
    log: Callable[[str], None] | None = None,
    pool: Executor | None = None,
    source_parameter: str | None = None,
    one_kernel: bool = False,
) -> RunResult:
    """Run the three notebooks on valid ``data`` writing into ``folder`` (the caller makes it atomic).

    The notebooks run in parallel by default, each in a worker process of ``pool`` (one is made when none is
    given): much of their time is kernel start and imports, which overlap. Processes, not threads: papermill
    changes the process's working directory while it starts a kernel, which is not thread-safe.
    """
    from pzk_kit.measurement import resolve
    from pzk_kit.runs.partner_list import partner_list, write_partner_list
    from pzk_kit.runs.results import read_parts
    from pzk_kit.runs.summary import summary_document, write_summary

    log = log or (lambda _text: None)
    seconds: dict[str, float] = {}
    (folder / VALIDATION_NAME).write_text(data.report.format_text(limit=None), encoding="utf-8")
    # Paths as seen from the result folder (the kernels' working directory), so an executed notebook reopened
    # from the finished folder still finds its data and writes beside itself, not into the vanished staging folder.
    # The three notebooks, the report they write and the summary get the same ``pomiar`` (None: the latest) and
    # decide by the same rule on the same data (pzk_kit.measurement), so they describe the same measurement.
    parameters = {"dane": source_parameter or str(Path(data.source).resolve()), "pomiar": measurement, "wyniki": "."}
    tasks = {name: (name, parameters, str(folder), cell_timeout, f"{data.name} — {TITLES[name]}")
             for name in NOTEBOOKS}

    def done(name: str, took: float) -> None:
        seconds[name] = round(took, 2)
        log(f"{TITLES[name]}: gotowe ({polish.comma(took, '.1f')} s)")

    if pool is None and parallel:
        with worker_pool(len(NOTEBOOKS)) as own:
            return run_into(data, folder, measurement=measurement, cell_timeout=cell_timeout, log=log, pool=own,
                            source_parameter=source_parameter)
    log(resolve(data, measurement).text())
    if pool is None:
        for name in NOTEBOOKS:
            done(name, execute_notebook_task(*tasks[name]))
    elif one_kernel:  # batch: the pool's parallelism is across gminas (see shared_kernel)
        future = submit(pool, execute_gmina_task, [tasks[name] for name in NOTEBOOKS])
        for name, took in future.result().items():
            done(name, took)
    else:
        futures = {name: submit(pool, execute_notebook_task, *tasks[name]) for name in NOTEBOOKS}
        for name, future in futures.items():
            done(name, future.result())
    summary = summary_document(data, read_parts(folder), measurement)
    write_summary(summary, folder)
    write_partner_list(partner_list(data, measurement), folder)  # for the batch's powiat roll-up
    from pzk_kit.basket.statutory import write_statutory_drafts

    write_statutory_drafts(data, folder, measurement=measurement)  # inside the staging folder: whole or nothing
    return RunResult(out=folder, summary=summary, seconds=seconds)


def notebook_pool(workers: int) -> ProcessPoolExecutor:
    """Worker processes for notebook runs; spawned, so no worker inherits another run's threads or sockets.

    Each worker ignores Ctrl+C (the command handles it once, see :func:`worker_pool`) and dies with the command
    (see :func:`_watch_parent`), taking its kernel along.
    """
    return ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"),
                               initializer=_init_worker, initargs=(os.getpid(),))


@contextlib.contextmanager
def worker_pool(workers: int) -> Iterator[ProcessPoolExecutor]:
    """:func:`notebook_pool` that, when the run stops early (Ctrl+C, an error), kills its workers and kernels.

    ``shutdown`` alone would wait for the running notebooks to finish, while the staging folder they write into is
    being removed; a killed tree writes nothing more.
    """
    pool = notebook_pool(workers)
    try:
        yield pool
    except BaseException:
        stop_pool(pool)
        raise
    pool.shutdown(wait=True)


def stop_pool(pool: ProcessPoolExecutor) -> None:
    """Kill the pool's workers and everything they started (kernels), and wait until they are gone."""
    from pzk_kit.runs.processes import kill_tree

    workers = list((getattr(pool, "_processes", None) or {}).values())
    kill_tree([w.pid for w in workers if w.pid])
    pool.shutdown(wait=False, cancel_futures=True)
    for worker in workers:
        worker.join(timeout=5)


_SIGINT_MASKABLE = hasattr(signal, "pthread_sigmask")


@contextlib.contextmanager
def sigint_blocked() -> Iterator[None]:
    """Ctrl+C held (not lost) in this thread: a worker spawned now inherits the block and never sees it."""
    if not _SIGINT_MASKABLE:
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def block_sigint() -> None:
    """For threads that submit to a worker pool (a batch's gmina threads): their workers never see Ctrl+C."""
    if _SIGINT_MASKABLE:
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})


def submit(pool: Executor, fn: Callable, *args: Any) -> Any:
    """``pool.submit`` with Ctrl+C held: the executor spawns its workers inside ``submit``."""
    with sigint_blocked():
        return pool.submit(fn, *args)


def _init_worker(parent_pid: int) -> None:
    # Ctrl+C in the terminal reaches the whole process group: only the command reacts (and stops the workers).
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if _SIGINT_MASKABLE:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    threading.Thread(target=_watch_parent, args=(parent_pid,), name="pzk-rodzic", daemon=True).start()


def _watch_parent(parent_pid: int, interval: float = 0.5) -> None:
    """End this worker and its kernels as soon as the command is gone (``kill -9``, a closed terminal).

    Polling the parent pid, as ipykernel does for its own parent: ``PR_SET_PDEATHSIG`` would fire when the
    *thread* that spawned the worker ends, and batch workers are spawned from short-lived threads.
    """
    from pzk_kit.runs.processes import descendants, kill_tree

    while os.getppid() == parent_pid:
        time.sleep(interval)
    kill_tree(descendants(os.getpid()), timeout=5)
    os._exit(1)


def execute_gmina_task(tasks: list[tuple]) -> dict[str, float]:
    """A gmina's notebooks one after another in one kernel (a batch worker's job); seconds per notebook."""
    seconds = {}
    with shared_kernel(tasks[0][2]) as kernel:
        for k, task in enumerate(tasks):
            if k:
                _clear_namespace(kernel)
            seconds[task[0]] = execute_notebook_task(*task, kernel=kernel)
    return seconds


def execute_notebook_task(name: str, parameters: dict[str, Any], folder: str, cell_timeout: int,
                          title: str, kernel: Any = None) -> float:
    """Run one kit notebook into ``folder`` and export its HTML; returns the seconds it took."""
    started = time.perf_counter()
    executed = Path(folder) / name
    try:
        run_notebook(NOTEBOOKS_DIR / name, executed, parameters, cwd=folder, cell_timeout=cell_timeout,
                     kernel=kernel)
    except Exception as exc:  # papermill's own error names the failing cell; keep it short and Polish
        raise NotebookFailed(name, _failure_text(exc)) from None
    export_html(executed, executed.with_suffix(".html"), title=title)
    return time.perf_counter() - started


TITLES = {
    "01_mapowanie_partnerow.ipynb": "Mapa partnerów i współpracy",
    "02_koszyk_uslug.ipynb": "Lokalny koszyk usług",
    "03_ewaluacja.ipynb": "Ewaluacja partnerstwa",
}


def _failure_text(exc: Exception) -> str:
    """What went wrong, for the user: the error of the cell, or a Polish sentence for a stuck or dead kernel."""
    from nbclient.exceptions import CellTimeoutError, DeadKernelError

    ename, evalue = getattr(exc, "ename", None), getattr(exc, "evalue", None)
    if ename:
        return f"{ename}: {evalue}"
    attempts = f"próbowano {RETRIES + 1} razy"
    if isinstance(exc, CellTimeoutError):
        return f"komórka nie skończyła się w wyznaczonym czasie (zawieszone jądro Pythona?); {attempts}"
    if isinstance(exc, DeadKernelError):
        return f"jądro Pythona przestało działać (np. brak pamięci); {attempts}"
    if isinstance(exc, RuntimeError | TimeoutError) and "respond" in str(exc):
        return f"jądro Pythona nie odpowiedziało przy uruchamianiu; {attempts}"
    return f"{type(exc).__name__}: {exc}"


def export_html(notebook: str | Path, out: str | Path, *, title: str) -> Path:
    """The notebook as a self-contained HTML page for readers: no code, no prompts, charts embedded.

    Cells tagged ``ukryj-w-raporcie`` (instructions for whoever runs the notebook, like the parameters) are left
    out. Widgets are dropped: their state is not kept in an executed notebook, so they would show as empty boxes.
    """
    import nbformat
    from nbconvert import HTMLExporter

    nb = nbformat.read(str(notebook), as_version=4)
    nb.cells = [cell for cell in nb.cells if NOT_IN_REPORT_TAG not in cell.metadata.get("tags", [])]
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = [o for o in cell.outputs if WIDGET_MIME not in o.get("data", {})]
    nb.metadata.pop("widgets", None)
    exporter = HTMLExporter(template_name=HTML_TEMPLATE, extra_template_basedirs=[str(data_path(HTML_TEMPLATES))],
                            exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True,
                            language_code="pl")
    body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": title}})
    out = Path(out)
    with atomic_file(out, overwrite=True) as tmp:
        tmp.write_text(body, encoding="utf-8")
    return out


WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
HTML_TEMPLATES = "szablony_html"
NOT_IN_REPORT_TAG = "ukryj-w-raporcie"
HTML_TEMPLATE = "pzk_raport"
