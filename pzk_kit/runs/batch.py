"""``pzk batch``: every gmina of a folder, in parallel, for an advisor with several gminas or a regional centre.

What a regional run needs beyond a loop over ``pzk run``: one broken workbook must not stop the other forty (it
is recorded with its Polish message in ``bledy.csv``), a rerun after fixing that one workbook must not redo the
forty (a content hash of each input decides), an interrupted run must leave every finished gmina intact and no
half-written one, and the region gets one table (``podsumowanie.csv``, opened in Excel) and one page of
comparison charts (``podsumowanie.html``).

Gminas run in threads that only orchestrate; the notebooks themselves run in one shared pool of worker
processes (see :func:`pzk_kit.runs.runner.notebook_pool`), one per gmina in flight, each gmina's three notebooks in one
kernel (:func:`pzk_kit.runs.runner.shared_kernel`): on a two-core machine the cores, not waiting, are the limit.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import re
import threading
import time
import unicodedata
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from pzk_kit import __version__, polish
from pzk_kit.evaluation.variants import variant_label
from pzk_kit.files import (
    RESULT_MARKER,
    OutputRefused,
    atomic_file,
    check_target,
    describe_error,
    output_lock,
    read_marker,
    remove_stale_staging,
    remove_stale_temp_files,
    write_marker,
)
from pzk_kit.runs.outputs import PARTNERS_NAME, STATE_NAME, SUMMARY_NAME
from pzk_kit.runs.powiats import GminaResult, Powiat, group_by_powiat
from pzk_kit.runs.runner import RESULT_NAMES, write_state
from pzk_kit.spreadsheet_safety import csv_cell, unescape_csv_text
from pzk_kit.workbook.sources import WORKBOOK_SUFFIXES
from pzk_kit.workbook.validation import Severity

ERRORS_NAME = "bledy.csv"
SUMMARY_CSV = "podsumowanie.csv"
SUMMARY_HTML = "podsumowanie.html"
VARIANTS_CSV = "podsumowanie_warianty.csv"  # medians per model variant (wiejska / miejsko-wiejska / miejska)
POWIATS_CSV = "podsumowanie_powiaty.csv"  # institutions shared by several PZKs of one powiat
LOG_DIR = "logi"
RESERVED_NAMES = (ERRORS_NAME, SUMMARY_CSV, SUMMARY_HTML, VARIANTS_CSV, POWIATS_CSV, LOG_DIR, RESULT_MARKER)
FULL, SUMMARY_ONLY = "pelny", "tylko_podsumowanie"
LATEST = "najnowszy"  # no --pomiar: the run describes the latest measurement in the data (pzk_kit.measurement)


@dataclass(frozen=True)
class GminaInput:
    """One gmina found in the input folder; ``name`` is also its folder in the output."""

    name: str
    path: Path


class Status(StrEnum):
    """What became of one gmina; the values are the words the terminal and the gmina's log show."""

    DONE = "gotowe"
    UNCHANGED = "bez zmian"
    FAILED = "błąd"


class Stage(StrEnum):
    """Where a gmina failed; the values are the ``etap`` column of ``bledy.csv``, read by people and by Excel."""

    INPUT = "dane"  # its input could not be read at all
    VALIDATION = "walidacja"
    NOTEBOOK = "zeszyt"
    WRITING = "zapis"
    INTERRUPTED = "przerwano"
    OTHER = "inny"


@dataclass
class Outcome:
    gmina: GminaInput
    status: Status
    stage: Stage | None = None  # where it failed
    message: str = ""
    seconds: float = 0.0


@dataclass
class BatchResult:
    outcomes: list[Outcome] = field(default_factory=list)

    @property
    def failed(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.status is Status.FAILED]

    @property
    def ok(self) -> bool:
        return not self.failed


# -- finding gminas and recognising unchanged ones --------------------------------------------------------------


# Output folder names: well under the 255-byte limit of common file systems, with room for the staging folder's
# and the log's additions; a shortened name keeps a hash of the whole one, so two long names never merge.
MAX_NAME_BYTES = 100
_UNSAFE_CHARACTERS = re.compile(r'[<>:"/\\|?*]')  # invalid on Windows


def _short_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:8]


def safe_output_name(name: str) -> str:
    """A folder name made from an input name that every common file system takes (and Windows and USB sticks).

    Characters Windows forbids and unprintable ones (control characters, and the invisible direction overrides
    that make ``a\u202excod.xlsx`` look like another name) become ``_``; a changed name gets ``_`` and 8 hex digits
    of a hash of the original, so two names differing only there stay apart. Names over :data:`MAX_NAME_BYTES`
    bytes of UTF-8 are cut at a character boundary and get the same hash.
    """
    printable = "".join(c if c.isprintable() else "_" for c in unicodedata.normalize("NFC", name))
    cleaned = _UNSAFE_CHARACTERS.sub("_", printable).strip(" .") or "gmina"
    if cleaned != name:
        cleaned = f"{cleaned}_{_short_hash(name)}" if len(cleaned.encode()) <= MAX_NAME_BYTES - 9 else cleaned
    if len(cleaned.encode("utf-8", "surrogatepass")) <= MAX_NAME_BYTES:
        return cleaned
    cut = cleaned
    while len(cut.encode("utf-8", "surrogatepass")) > MAX_NAME_BYTES - 9:
        cut = cut[:-1]
    return f"{cut.rstrip(' .')}_{_short_hash(name)}"


def _name_key(name: str) -> str:
    """Names that one file system may treat as the same (``Gmina`` and ``gmina`` on Windows and macOS)."""
    return unicodedata.normalize("NFC", name).casefold()


def find_gminas(in_dir: Path, *, exclude: Path | None = None) -> list[GminaInput]:
    """Workbooks (``*.xlsx``) and folders holding CSV files directly inside ``in_dir``, by name.

    Excel's lock files (``~$…``) and hidden entries are ignored, and so is the output folder when it lies inside
    the input folder. Each gmina's name (its output folder) is safe for any file system and unique even where
    case does not count; names of the batch's own files (``logi``, ``bledy.csv``…) are never used. A folder that
    cannot be read is kept, so its failure is reported rather than silently skipped.
    """
    found: list[GminaInput] = []
    taken: set[str] = {_name_key(n) for n in RESERVED_NAMES}
    excluded = exclude.resolve() if exclude is not None else None
    for path in sorted(Path(in_dir).iterdir(), key=lambda p: p.name.lower()):
        if path.name.startswith((".", "~$")) or (excluded is not None and path.resolve() == excluded):
            continue
        is_workbook = path.is_file() and path.suffix.lower() in WORKBOOK_SUFFIXES
        try:
            is_folder = path.is_dir() and any(p.suffix.lower() == ".csv" for p in path.iterdir() if p.is_file())
        except OSError:  # unreadable: report it
            is_folder = True
        if not (is_workbook or is_folder):
            continue
        base = path.stem if is_workbook else path.name
        name = safe_output_name(base)
        if _name_key(name) in taken:  # "gmina.xlsx" beside a folder "gmina/" (or "Gmina/")
            name = safe_output_name(f"{base}_{'csv' if is_folder else path.suffix.lower()[1:]}")
        if _name_key(name) in taken:
            name = safe_output_name(f"{base}_{_short_hash(path.name)}")
        taken.add(_name_key(name))
        found.append(GminaInput(name, path))
    return found


def input_hash(path: Path, measurement: str | None) -> str:
    """Content hash of a workbook or of a folder's CSV files, with the kit version and the measurement asked for.

    Content, not dates: copying a folder between laptops changes modification times, not data.
    """
    digest = hashlib.sha256(f"{__version__}\n{measurement or LATEST}\n".encode())
    if path.is_file():
        files = [path]
    else:
        files = sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() == ".csv")
    for file in files:
        digest.update(file.name.encode() + b"\0")
        digest.update(file.read_bytes())
    return digest.hexdigest()


def _unchanged(folder: Path, digest: str, mode: str) -> bool:
    state_file = folder / STATE_NAME
    if not state_file.exists() or not (folder / SUMMARY_NAME).exists() or not (folder / PARTNERS_NAME).exists():
        return False  # a result of a version without partnerzy.json runs again, so the powiat view has it
    try:
        state = json.loads(state_file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    # A full result also answers a summary-only run; a summary-only result never stands in for a full one.
    return state.get("hash") == digest and (state.get("tryb") == FULL or mode == SUMMARY_ONLY)


def check_batch_output(out_dir: Path, in_dir: Path) -> None:
    """Refuse an output folder whose use would mix results into the user's files (the rules of ``pzk run``).

    It may lie inside the input folder (it is then skipped when looking for gminas), but it may not be the input
    folder or contain it, and an existing non-empty folder must be an earlier batch result (the marker file, or
    ``bledy.csv`` with ``podsumowanie.csv`` from versions without it).
    """
    check_target(out_dir)
    source, target = in_dir.resolve(), out_dir.resolve()
    if source == target or target in source.parents:
        raise OutputRefused(f"Folder wyników „{out_dir}” zawiera dane gmin „{in_dir}” — wyniki zmieszałyby się z "
                            f"danymi. Podaj osobny folder, np. „{in_dir / 'wyniki'}”.")
    if not out_dir.is_dir() or not any(out_dir.iterdir()):
        return
    marker = read_marker(out_dir)
    if (marker is not None and marker.get("polecenie") == "batch") or (
            marker is None and (out_dir / ERRORS_NAME).exists() and (out_dir / SUMMARY_CSV).exists()):
        return
    shown = ", ".join(sorted(p.name for p in out_dir.iterdir())[:5])
    raise OutputRefused(f"„{out_dir}” nie jest folderem z wynikami pzk batch (są w nim inne pliki: {shown}) — nie "
                        f"zapiszę do niego. Podaj nowy albo pusty folder, np. „{out_dir / 'wyniki'}”.")


# -- running ------------------------------------------------------------------------------------------------------


def run_batch(
    in_dir: str | Path,
    out_dir: str | Path,
    *,
    jobs: int = 2,
    force: bool = False,
    summary_only: bool = False,
    measurement: str | None = None,
    cell_timeout: int | None = None,
    progress: bool = True,
    on_outcome: Callable[[Outcome], None] | None = None,
) -> BatchResult:
    """Run every gmina of ``in_dir`` into ``out_dir/<gmina>/`` and write the regional summary.

    Held under a lock on ``out_dir`` (one batch at a time writes it); staging folders of dead runs are removed.
    """
    from pzk_kit.runs.runner import CELL_TIMEOUT

    in_dir, out_dir = Path(in_dir), Path(out_dir)
    if not in_dir.is_dir():
        raise NotADirectoryError(in_dir)
    check_batch_output(out_dir, in_dir)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputRefused(f"Nie mogę utworzyć folderu wyników „{out_dir}”: {describe_error(exc)}.") from None
    with output_lock(out_dir):
        if read_marker(out_dir) is None:
            write_marker(out_dir, "batch")
        remove_stale_staging(out_dir)
        remove_stale_temp_files(out_dir)
        remove_stale_temp_files(out_dir / LOG_DIR)
        return _run_locked(in_dir, out_dir, jobs=max(1, jobs), force=force, summary_only=summary_only,
                           measurement=measurement, cell_timeout=cell_timeout or CELL_TIMEOUT, progress=progress,
                           on_outcome=on_outcome)


def _run_locked(in_dir: Path, out_dir: Path, *, jobs: int, force: bool, summary_only: bool, measurement: str | None,
                cell_timeout: int, progress: bool, on_outcome: Callable[[Outcome], None] | None) -> BatchResult:
    from tqdm.auto import tqdm

    from pzk_kit.runs.runner import block_sigint, submit, worker_pool
    gminas = find_gminas(in_dir, exclude=out_dir)
    mode = SUMMARY_ONLY if summary_only else FULL
    result = BatchResult()
    lock = threading.Lock()
    interrupted = threading.Event()
    bar = tqdm(total=len(gminas), desc="Gminy", unit="gm.", disable=not progress or not gminas, leave=True)

    def record(outcome: Outcome) -> None:
        with lock:
            if interrupted.is_set():  # a gmina cut short by Ctrl+C is not a failure of its data
                return
            result.outcomes.append(outcome)
            bar.update(1)
            bar.set_postfix_str(f"{outcome.gmina.name}: {outcome.status}", refresh=True)
            if on_outcome is not None:
                on_outcome(outcome)

    todo = []
    for gmina in gminas:
        try:
            digest = input_hash(gmina.path, measurement)
            unchanged = not force and _unchanged(out_dir / gmina.name, digest, mode)
        except Exception as exc:  # an unreadable input is that gmina's failure, not the region's
            record(_failed(gmina, Stage.INPUT, exc))
            continue
        if unchanged:
            record(Outcome(gmina, Status.UNCHANGED))
        else:
            todo.append((gmina, digest))

    try:
        with worker_pool(jobs) as pool:
            if summary_only:
                futures = {submit(pool, _summary_only, gmina, digest, out_dir, measurement): gmina
                           for gmina, digest in todo}
            else:  # one worker (and one kernel, see runner.shared_kernel) per gmina in flight
                threads = ThreadPoolExecutor(jobs, initializer=block_sigint)
                futures = {threads.submit(_full_run, gmina, digest, out_dir, measurement, cell_timeout, pool,
                                          interrupted): gmina
                           for gmina, digest in todo}
            try:
                for future in as_completed(futures):
                    try:
                        record(future.result())
                    except Exception as exc:  # a worker that died: that gmina's failure
                        record(_failed(futures[future], Stage.OTHER, exc))
            except BaseException:
                interrupted.set()
                raise
            finally:
                if not summary_only:
                    threads.shutdown(wait=False, cancel_futures=True)
    finally:
        bar.close()
        write_errors(result, out_dir)
        # A gmina failing now is left out even if an older result of it is still there: that result is stale.
        failed = {o.gmina.name for o in result.failed}
        write_regional_summary(out_dir, [g.name for g in gminas if g.name not in failed])
    return result


def _failed(gmina: GminaInput, stage: Stage, exc: BaseException) -> Outcome:
    return Outcome(gmina, Status.FAILED, stage, describe_error(exc))


def _full_run(gmina: GminaInput, digest: str, out_dir: Path, measurement: str | None, cell_timeout: int,
              pool, interrupted: threading.Event | None = None) -> Outcome:
    from pzk_kit.runs.runner import InvalidInput, NotebookFailed, run_gmina

    started = time.perf_counter()
    lines = [f"Gmina: {gmina.name}", f"Dane: {gmina.path}", f"Początek: {_now()}", f"Skrót danych: {digest}"]
    outcome: Outcome
    try:
        run = run_gmina(gmina.path, out_dir / gmina.name, measurement=measurement, overwrite=True,
                        cell_timeout=cell_timeout, log=lines.append, pool=pool, state=_state(gmina, digest, FULL),
                        one_kernel=True)
        outcome = Outcome(gmina, Status.DONE, seconds=time.perf_counter() - started)
        lines.append(f"Czasy zeszytów [s]: {run.seconds}")
    except InvalidInput as exc:
        lines.append(exc.report.format_text(limit=None))
        outcome = Outcome(gmina, Status.FAILED, Stage.VALIDATION, _first_errors(exc.report))
    except NotebookFailed as exc:
        outcome = Outcome(gmina, Status.FAILED, Stage.NOTEBOOK, exc.message)
    except Exception as exc:  # one gmina's unexpected failure must not stop the region
        if interrupted is not None and interrupted.is_set():
            outcome = Outcome(gmina, Status.FAILED, Stage.INTERRUPTED,
                              "Przerwano (Ctrl+C) przed końcem; nic nie zapisano.")
        else:
            outcome = _failed(gmina, Stage.WRITING if isinstance(exc, OSError | OutputRefused) else Stage.OTHER, exc)
    outcome.seconds = time.perf_counter() - started
    lines += [f"Koniec: {_now()} ({outcome.seconds:.1f} s)", f"Wynik: {outcome.status} {outcome.message}".rstrip()]
    _write_log(out_dir, gmina, lines)
    return outcome


def _summary_only(gmina: GminaInput, digest: str, out_dir: Path, measurement: str | None) -> Outcome:
    """The same ``summary.json`` figures straight from the package (CONTRACT §2, ``--summary-only``)."""
    from pzk_kit.files import atomic_dir
    from pzk_kit.runs.partner_list import partner_list, write_partner_list
    from pzk_kit.runs.summary import build_summary, write_summary
    from pzk_kit.workbook.reading import read_gmina

    started = time.perf_counter()
    lines = [f"Gmina: {gmina.name}", f"Dane: {gmina.path}", f"Początek: {_now()}", "Tryb: tylko podsumowanie"]
    try:
        data = read_gmina(gmina.path)
        if not data.report.ok:
            lines.append(data.report.format_text(limit=None))
            outcome = Outcome(gmina, Status.FAILED, Stage.VALIDATION, _first_errors(data.report))
        else:
            with atomic_dir(out_dir / gmina.name, overwrite=True, protect=[gmina.path], result="run",
                            known=RESULT_NAMES) as tmp:
                write_summary(build_summary(data, measurement), tmp)
                write_partner_list(partner_list(data, measurement), tmp)
                write_state(tmp, _state(gmina, digest, SUMMARY_ONLY))
            outcome = Outcome(gmina, Status.DONE)
    except Exception as exc:
        outcome = _failed(gmina, Stage.WRITING if isinstance(exc, OSError | OutputRefused) else Stage.OTHER, exc)
    outcome.seconds = time.perf_counter() - started
    lines.append(f"Wynik: {outcome.status} {outcome.message}".rstrip())
    _write_log(out_dir, gmina, lines)
    return outcome


def _state(gmina: GminaInput, digest: str, mode: str) -> dict[str, Any]:
    return {"zrodlo": str(gmina.path), "hash": digest, "tryb": mode, "wersja": __version__, "kiedy": _now()}


def _first_errors(report, limit: int = 3) -> str:
    """The first errors in the order ``pzk validate`` lists them (:meth:`ValidationReport.sorted`)."""
    errors = [p.located_text for p in report.sorted() if p.severity is Severity.ERROR]
    more = f" (i jeszcze {len(errors) - limit})" if len(errors) > limit else ""
    return " | ".join(errors[:limit]) + more


def _now() -> str:
    return dt.datetime.now().isoformat(timespec="seconds")


def _write_log(out_dir: Path, gmina: GminaInput, lines: list[str]) -> None:
    """The gmina's log; a log that cannot be written must not turn a finished gmina into a lost one."""
    path = out_dir / LOG_DIR / f"{gmina.name}.log"
    try:
        with atomic_file(path, overwrite=True) as tmp:
            tmp.write_text("\n".join(lines) + "\n", encoding="utf-8")
    except OSError:
        pass


# -- the regional summary ------------------------------------------------------------------------------------------

# Excel as set up in Poland reads ";" as the separator and "," as the decimal mark; the BOM tells it UTF-8.
CSV_DELIMITER = ";"
CSV_ENCODING = "utf-8-sig"


def _write_csv(path: Path, header: list[str], rows: list[list[Any]]) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=CSV_DELIMITER, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([[csv_cell(_excel_value(v)) for v in row] for row in rows])
    with atomic_file(path, overwrite=True) as tmp:
        tmp.write_text(buffer.getvalue(), encoding=CSV_ENCODING)


def _excel_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return polish.comma(value, ".4g") if abs(value) < 1000 else f"{value:.0f}"
    return str(value)


def write_errors(result: BatchResult, out_dir: Path) -> Path:
    """``bledy.csv``: one row per failed gmina with the Polish message; just the header when all succeeded."""
    rows = [[o.gmina.name, str(o.gmina.path), o.stage, o.message] for o in sorted(result.failed,
                                                                                    key=lambda o: o.gmina.name)]
    path = out_dir / ERRORS_NAME
    _write_csv(path, ["gmina", "plik", "etap", "komunikat"], rows)
    return path


def _summaries(out_dir: Path, names: list[str]) -> Iterator[tuple[str, dict[str, Any]]]:
    for name in names:
        path = out_dir / name / SUMMARY_NAME
        try:
            summary = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):  # missing or damaged (e.g. edited by hand): that gmina has no row
            continue
        yield name, summary


def gmina_results(out_dir: Path, names: list[str]) -> list[GminaResult]:
    """Each gmina's identity and partner list, for the variant split and the powiat view.

    The type and the powiat come from ``summary.json`` (``gmina.type``, ``gmina.powiat``), else from the run's
    ``partnerzy.json`` (which also carries them, for results of versions whose summary did not); the partners
    from ``partnerzy.json`` (none for a result without it)."""
    from pzk_kit.runs.partner_list import read_partner_list

    results = []
    for name, summary in _summaries(out_dir, names):
        document = read_partner_list(out_dir / name) or {}
        about, listed = summary.get("gmina") or {}, document.get("gmina") or {}
        results.append(GminaResult(
            folder=name, name=str(about.get("name") or name), teryt=about.get("teryt") or listed.get("teryt"),
            type=about.get("type") or listed.get("type"), powiat=about.get("powiat") or listed.get("powiat"),
            partners=[p for p in document.get("partners") or [] if isinstance(p, dict)]))
    return results


def summary_rows(out_dir: Path, names: list[str],
                 results: list[GminaResult] | None = None) -> tuple[list[str], list[list[Any]]]:
    """The key figures of each gmina's ``summary.json``, one row per gmina, Polish headers."""
    from pzk_kit.evaluation.instrument import load_instrument
    from pzk_kit.workbook.dictionaries import dictionary

    factors = load_instrument().factors
    sectors = dictionary("sektory")
    header = ["gmina", "nazwa", "teryt", "powiat", "wariant", "pomiar_mapy", "partnerzy", "powiazania", "gestosc",
              "skladowe", "izolowani", "wzajemnosc", "odsetek_odpowiedzi", "wzajemnosc_odpowiadajacych",
              "centralizacja", "zasieg_lidera", "sredni_poziom", "brakujace_sektory", "uslugi", "potrzeby",
              "potrzeby_pokryte", "potrzeby_pokryte_nominalnie", "luki", "obszary_z_jednym_dostawca",
              "pomiar_ankiety", "respondenci", *[f"czynnik_{f.code}" for f in factors], *FOLLOW_UP_COLUMNS,
              "ostrzezenia"]
    rows = []
    identity = {r.folder: r for r in (gmina_results(out_dir, names) if results is None else results)}
    for name, summary in _summaries(out_dir, names):
        network, basket, evaluation = summary["network"], summary["basket"], summary["evaluation"]
        respondents = evaluation.get("respondents") or {}
        # The run's survey measurement: a summary holds no measurement after the run's (pzk_kit.measurement.as_of),
        # so the last one is the run's if the survey was collected then, else the latest collected before it.
        latest = list(respondents)[-1] if respondents else None
        scores = [(evaluation["factors"].get(f.code) or {}).get(latest) if latest else None for f in factors]
        rows.append([
            name, summary["gmina"]["name"], summary["gmina"].get("teryt"), identity[name].powiat,
            variant_label(identity[name].type), network["measurement"],
            network["partners"], network["ties"], network["density"], network["components"],
            len(network["isolates"]), network["reciprocity"],
            network.get("response_rate"), network.get("reciprocity_answered"),  # absent in results before 0.2
            network["degree_centralization"], network["leader_reach"], network["mean_level"],
            ", ".join(sectors.label(c) for c in network["sectors_missing"]),
            basket["services"], basket["needs"], basket["needs_covered"], basket.get("needs_nominally_covered"),
            len(basket["gaps"]),
            len(basket["single_provider_areas"]), latest, respondents.get(latest) if latest else None,
            *scores, *_follow_up_cells(evaluation), len(summary.get("warnings", [])),
        ])
    return header, rows


FOLLOW_UP_COLUMNS = ("dzialania", "dzialania_zrealizowane", "dzialania_po_terminie", "pomiar_spraw", "sprawy",
                     "dni_do_pierwszej_uslugi", "uslugi_ze_skierowaniem_lub_decyzja", "powiazania_tylko_na_papierze",
                     "wspolpraca_niezgloszona")


def _follow_up_cells(evaluation: dict[str, Any]) -> list[Any]:
    """The follow-up loop of one gmina (``evaluation.plan``, ``.cases``, ``.used_network``): the plan's progress,
    the register's latest measurement (its figures None where fewer than 3 cases hide them) and the declared map
    against the teams. Results written before 0.3 have none of these: empty cells."""
    plan, cases, used = evaluation.get("plan"), evaluation.get("cases"), evaluation.get("used_network")
    cells: list[Any] = [None, None, None] if not plan else [
        plan["actions"], plan["done_share"] if plan["actions"] else None,
        len(plan["overdue"]) if plan["actions"] else None]
    measured = (cases or {}).get("by_measurement") or {}
    latest = list(measured)[-1] if measured else None
    figures = measured.get(latest, {}) if latest else {}
    cells += [latest, figures.get("cases"), figures.get("days_to_first_service"), figures.get("formal_access_share")]
    compared = bool(used and used.get("cases"))
    cells += [len(used["paper_ties"]) if compared else None, len(used["undeclared_ties"]) if compared else None]
    return cells


def write_regional_summary(out_dir: Path, names: list[str]) -> tuple[Path, Path]:
    """``podsumowanie.csv`` and ``podsumowanie.html`` over every gmina with a result in ``out_dir``, with the
    medians per model variant (``podsumowanie_warianty.csv``) and the powiat view (``podsumowanie_powiaty.csv``)."""
    from pzk_kit.runs.regional import render_regional_html, variant_table

    results = gmina_results(out_dir, names)
    header, rows = summary_rows(out_dir, names, results)
    csv_path = out_dir / SUMMARY_CSV
    _write_csv(csv_path, header, rows)
    variant_header, variant_rows = variant_table(header, rows)
    _write_csv(out_dir / VARIANTS_CSV, variant_header, variant_rows)
    powiats = group_by_powiat(results)
    _write_csv(out_dir / POWIATS_CSV, *powiat_rows(powiats))
    html_path = out_dir / SUMMARY_HTML
    errors = _read_errors(out_dir)
    with atomic_file(html_path, overwrite=True) as tmp:
        tmp.write_text(render_regional_html(header, rows, errors, powiats=powiats), encoding="utf-8")
    return csv_path, html_path


POWIAT_HEADER = ["powiat", "liczba_gmin", "gminy", "instytucja", "sektor", "szczebel", "liczba_pzk", "pzk",
                 "powiazania", "sredni_poziom"]


def powiat_rows(powiats: list[Powiat]) -> tuple[list[str], list[list[Any]]]:
    """``podsumowanie_powiaty.csv``: one row per institution shared by several PZKs of a powiat (a powiat
    without any gets one row with its gminas and empty institution columns, so every powiat is listed)."""
    from pzk_kit.workbook.dictionaries import dictionary

    sectors, levels = dictionary("sektory"), dictionary("szczeble")
    rows: list[list[Any]] = []
    for powiat in powiats:
        lead = [powiat.label, len(powiat.gminas), "; ".join(powiat.gminas)]
        for shared in powiat.shared:
            rows.append([*lead, shared.name, sectors.label(shared.sector) if shared.sector else None,
                         levels.label(shared.level) if shared.level else None, len(shared.gminas),
                         "; ".join(shared.gminas), shared.ties, shared.mean_level])
        if not powiat.shared:
            rows.append([*lead, None, None, None, None, None, None, None])
    return POWIAT_HEADER, rows


def _read_errors(out_dir: Path) -> list[dict[str, str]]:
    path = out_dir / ERRORS_NAME
    if not path.exists():
        return []
    with path.open(encoding=CSV_ENCODING, newline="") as handle:
        return [{k: unescape_csv_text(v) for k, v in row.items()}
                for row in csv.DictReader(handle, delimiter=CSV_DELIMITER)]
