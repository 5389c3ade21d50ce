"""Safe file writing: results appear whole or not at all, and nothing a user made is silently replaced.

A result folder is built aside (``.NAME.xxxx.tmp``) and swapped in at the end; the old one is removed only after
the new one is in place. Replacing a folder deletes what is in it, so :func:`atomic_dir` first refuses targets
whose loss would hurt: the current, home or root folder, a folder holding the input, a file or a pipe, and (for
result folders) anything that is not a previous result of the kit. A result folder is recognised by the marker
file the kit writes into it (:data:`RESULT_MARKER`, listing what the kit wrote); results of versions before the
marker count when they hold ``summary.json`` with ``walidacja.txt`` or ``zrodlo.json`` and nothing but files the
kit writes. A lock file beside the target keeps two runs from writing one folder, and staging folders carry
their owner's pid, so the next run removes those of dead runs and never those of a live one.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import json
import os
import shutil
import signal
import socket
import stat
import sys
import tempfile
import threading
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

from pzk_kit.errors import PzkError
from pzk_kit.runs.outputs import STATE_NAME, SUMMARY_NAME, VALIDATION_NAME
from pzk_kit.runs.processes import pid_alive, process_start


def _current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


_UMASK = _current_umask()

RESULT_MARKER = ".pzk-wynik.json"
OWNER_NAME = ".pzk-wlasciciel.json"  # inside a staging folder: which process builds it
LOCK_SUFFIX = ".pzk-lock"
# Written by other programs into a folder someone has opened: never a reason to refuse, and fine to lose.
IGNORED_NAMES = {".ipynb_checkpoints", ".DS_Store", "Thumbs.db", "desktop.ini", RESULT_MARKER}
IGNORED_PREFIXES = ("~$", ".~lock.")
LEGACY_RESULT_KEYS = ({SUMMARY_NAME, VALIDATION_NAME}, {SUMMARY_NAME, STATE_NAME})
# A staging folder without an owner record (older versions, or a kill in the microsecond before it was written)
# is removed only when nothing can still be writing it.
OWNERLESS_STALE_SECONDS = 3600
FOREIGN_HOST_STALE_SECONDS = 24 * 3600


class OutputExists(PzkError):
    """The target already exists and the caller did not ask to overwrite it."""

    def __init__(self, path: Path) -> None:
        super().__init__(str(path))
        self.path = path

    @property
    def message(self) -> str:
        return f"„{self.path}” już istnieje — nie nadpisuję go. Podaj inną nazwę albo dodaj opcję --nadpisz."


class OutputRefused(PzkError):
    """Writing to this place would destroy something that is not ours, or cannot work; ``message`` says why."""

    exit_code = 2


class OutputBusy(OutputRefused):
    """Another run of the kit is writing the same folder right now."""

    exit_code = 1


def describe_os_error(exc: OSError) -> str:
    """A file-system error in Polish, naming the path (Python's own text is English)."""
    reasons = {
        errno.ENAMETOOLONG: "nazwa pliku lub ścieżka jest za długa dla systemu plików",
        errno.EACCES: "brak uprawnień",
        errno.EPERM: "brak uprawnień",
        errno.EROFS: "dysk lub folder jest tylko do odczytu",
        errno.ENOSPC: "brak miejsca na dysku",
        errno.ENOENT: "plik lub folder nie istnieje (usunięty albo przeniesiony w trakcie?)",
        errno.ENOTDIR: "część ścieżki jest plikiem, a nie folderem",
        errno.EISDIR: "to folder, a nie plik",
        errno.EEXIST: "plik już istnieje",
        errno.ENOTEMPTY: "folder nie jest pusty",
        errno.EBUSY: "plik jest zajęty przez inny program",
    }
    reason = reasons.get(exc.errno or 0) or f"błąd systemu plików ({exc.strerror or type(exc).__name__})"
    where = exc.filename if exc.filename is not None else None
    return f"{reason}: „{where}”" if where is not None else reason


def describe_error(exc: BaseException) -> str:
    """Any failure as one Polish sentence (for ``bledy.csv`` and the terminal)."""
    from concurrent.futures.process import BrokenProcessPool

    if isinstance(exc, OutputRefused | OutputExists):
        return exc.message
    if isinstance(exc, BrokenProcessPool):
        return "proces roboczy zakończył się nieoczekiwanie (np. z braku pamięci)"
    if isinstance(exc, OSError):
        return describe_os_error(exc)
    return f"Nieoczekiwany błąd: {type(exc).__name__}: {exc}"


@contextlib.contextmanager
def atomic_file(path: Path, *, overwrite: bool = False) -> Iterator[Path]:
    """Yield a temporary path next to ``path``; on success it is renamed over ``path`` in one step."""
    path = Path(path)
    if path.exists() and not overwrite:
        raise OutputExists(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    os.chmod(tmp_path, 0o666 & ~_UMASK)  # mkstemp makes private files; results are ordinary files
    try:
        yield tmp_path
        os.replace(tmp_path, path)
    finally:
        tmp_path.unlink(missing_ok=True)


# -- what may be replaced ---------------------------------------------------------------------------------------


def _resolved(path: Path) -> Path:
    return Path(os.path.abspath(Path(path).expanduser())).resolve()


def _kind_of(path: Path) -> str:
    mode = path.lstat().st_mode if path.is_symlink() and not path.exists() else path.stat().st_mode
    if stat.S_ISFIFO(mode):
        return "potokiem nazwanym (FIFO)"
    if stat.S_ISSOCK(mode) or stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "plikiem specjalnym"
    return "plikiem"


def check_target(path: Path, *, protect: Iterable[Path] = (), what: str = "Folder wyników") -> None:
    """Refuse, before anything is written, a folder target whose replacement would destroy what is not ours."""
    target = _resolved(path)
    example = target / "wyniki"
    if (path.exists() or path.is_symlink()) and not path.is_dir():
        raise OutputRefused(f"„{path}” istnieje i jest {_kind_of(path)}, a nie folderem — tu nie zapiszę wyników. "
                            "Podaj nazwę nowego folderu, np. „wyniki”.")
    for item in protect:
        source = _resolved(item)
        if source == target or target in source.parents:
            raise OutputRefused(f"{what} „{path}” zawiera dane wejściowe „{item}”: zastąpienie go wynikami "
                                f"usunęłoby je. Podaj inny folder, np. „{example}”.")
        if source in target.parents and source.is_dir():
            raise OutputRefused(f"{what} „{path}” leży wewnątrz folderu z danymi „{item}”. Podaj folder poza "
                                "danymi, np. obok nich.")
    if target.parent == target:
        raise OutputRefused(f"„{path}” to folder główny dysku: zastąpienie go wynikami usunęłoby wszystko, co na "
                            f"nim jest. Podaj podfolder, np. „{example}”.")
    home = _resolved(Path.home())
    if target == home or target in home.parents:
        raise OutputRefused(f"„{path}” to Twój folder domowy (albo go zawiera): zastąpienie go wynikami "
                            f"usunęłoby Twoje pliki. Podaj podfolder, np. „{example}”.")
    cwd = _resolved(Path.cwd())
    if target == cwd or target in cwd.parents:
        raise OutputRefused(f"„{path}” to bieżący folder (albo go zawiera): zastąpienie go wynikami usunęłoby "
                            "Twoje pliki. Podaj podfolder, np. „wyniki”.")


def check_output(path: Path, *, overwrite: bool = False, protect: Iterable[Path] = (), result: str | None = None,
                 known: Iterable[str] = ()) -> None:
    """The refusals of :func:`atomic_dir`, for a command to make before it tells the user it starts.

    Nothing of the user's is touched: only the staging left by a dead run for this target is cleared, as
    :func:`atomic_dir` would, under the same lock (so a run writing there now is reported as such). atomic_dir repeats
    the checks under its lock, since the folder may change meanwhile.
    """
    path = Path(path)
    check_target(path, protect=protect)
    if not (path.parent.is_dir() and os.access(path.parent, os.W_OK | os.X_OK)):
        _check_existing(path, overwrite=overwrite, result=result, known=known)
        return
    with output_lock(path):
        remove_stale_staging(path.parent, path.name)
        _check_existing(path, overwrite=overwrite, result=result, known=known)


def _ignored(name: str) -> bool:
    return name in IGNORED_NAMES or name.startswith(IGNORED_PREFIXES)


def read_marker(folder: Path) -> dict | None:
    """The kit's record inside a result folder (None when absent or unreadable)."""
    try:
        marker = json.loads((Path(folder) / RESULT_MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return marker if isinstance(marker, dict) and marker.get("zestaw") == "pzk-kit" else None


def foreign_entries(folder: Path, known: Iterable[str] = ()) -> list[str] | None:
    """Entries of ``folder`` the kit did not write; None when ``folder`` is not a result of the kit at all.

    ``known``: what a result of this kind holds, for results of versions that wrote no marker.
    """
    names = sorted(p.name for p in Path(folder).iterdir() if not _ignored(p.name))
    marker = read_marker(folder)
    if marker is not None:
        written = set(marker.get("pliki") or [])
        return [name for name in names if name not in written]
    if any(keys <= set(names) for keys in LEGACY_RESULT_KEYS):
        return [name for name in names if name not in set(known)]
    return None


def _check_existing(path: Path, *, overwrite: bool, result: str | None, known: Iterable[str]) -> None:
    if not path.is_dir():
        return
    entries = [p for p in path.iterdir() if not _ignored(p.name)]
    if not entries and not (path / RESULT_MARKER).exists():
        return
    if result is not None:
        foreign = foreign_entries(path, known)
        shown = ", ".join(foreign[:5]) + (f" i jeszcze {len(foreign) - 5}" if foreign and len(foreign) > 5 else "") \
            if foreign else ""
        if foreign is None:
            shown = ", ".join(sorted(p.name for p in entries)[:5]) + (" …" if len(entries) > 5 else "")
            raise OutputRefused(f"„{path}” nie jest folderem z wynikami zestawu (są w nim inne pliki: {shown}) — "
                                "nie zastąpię go, nawet z opcją --nadpisz. Podaj nowy albo pusty folder, np. "
                                f"„{path / 'wyniki'}”.")
        if foreign:
            raise OutputRefused(f"„{path}” zawiera wyniki zestawu, ale też pliki, których zestaw nie zapisał: "
                                f"{shown}. Nie zastąpię go, żeby ich nie usunąć: przenieś je albo podaj inny folder.")
    if not overwrite:
        raise OutputExists(path)
    if not os.access(path, os.W_OK | os.X_OK):
        raise OutputRefused(f"Folder „{path}” jest tylko do odczytu — nie mogę zastąpić go nowymi wynikami. Zmień "
                            "jego uprawnienia albo podaj inny folder.")


def _parent_ready(path: Path) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputRefused(f"Nie mogę utworzyć folderu „{path.parent}”: {describe_os_error(exc)}.") from None
    if not path.parent.is_dir():
        raise OutputRefused(f"„{path.parent}” nie jest folderem — tu nie zapiszę wyników.")
    if not os.access(path.parent, os.W_OK | os.X_OK):
        raise OutputRefused(f"Nie mogę zapisać w folderze „{path.parent}”: brak uprawnień do zapisu (folder tylko "
                            "do odczytu?). Podaj inny folder wyników.")


# -- owners, locks and stale staging ----------------------------------------------------------------------------


def _owner_record() -> dict:
    pid = os.getpid()
    return {"pid": pid, "start": process_start(pid), "host": socket.gethostname(), "kiedy": time.time()}


def _write_owner(folder: Path) -> None:
    (folder / OWNER_NAME).write_text(json.dumps(_owner_record()), encoding="utf-8")


def _is_stale(staging: Path) -> bool:
    """Whether nobody can be building ``staging`` any more: its owner process is dead (or it is very old)."""
    try:
        age = time.time() - staging.lstat().st_mtime
    except OSError:
        return False
    try:
        owner = json.loads((staging / OWNER_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return age > OWNERLESS_STALE_SECONDS
    if owner.get("host") != socket.gethostname():  # a shared drive: another computer's pid says nothing here
        return age > FOREIGN_HOST_STALE_SECONDS
    return not pid_alive(int(owner.get("pid") or 0), owner.get("start"))


def remove_stale_staging(parent: Path, name: str | None = None) -> list[Path]:
    """Remove staging folders (``.NAME.xxxx.tmp``/``.old``) of runs that died; returns what was removed.

    ``name``: only those of that target. A ``.old`` folder still holding the previous result while the target is
    missing (killed between the two renames) gives that result back instead of deleting it.
    """
    parent = Path(parent)
    prefix = f".{name}." if name is not None else "."
    removed = []
    try:
        candidates = [p for p in parent.iterdir() if p.name.startswith(prefix) and p.name.endswith((".tmp", ".old"))
                      and p.is_dir() and not p.is_symlink()]
    except OSError:
        return removed
    for staging in candidates:
        if not _is_stale(staging):
            continue
        if staging.name.endswith(".old"):
            for inner in staging.iterdir():
                target = parent / inner.name
                if inner.name != OWNER_NAME and inner.is_dir() and not target.exists():
                    with contextlib.suppress(OSError):
                        os.replace(inner, target)
        shutil.rmtree(staging, ignore_errors=True)
        removed.append(staging)
    return removed


def remove_stale_temp_files(folder: Path) -> None:
    """Half-written ``.name.xxxx.tmp`` files (:func:`atomic_file`) of runs that died long ago."""
    with contextlib.suppress(OSError):
        for path in Path(folder).glob(".*.tmp"):
            if path.is_file() and time.time() - path.stat().st_mtime > OWNERLESS_STALE_SECONDS:
                path.unlink(missing_ok=True)


def lock_path(path: Path) -> Path:
    return Path(path).parent / f".{Path(path).name}{LOCK_SUFFIX}"


@contextlib.contextmanager
def output_lock(path: Path) -> Iterator[None]:
    """Only one run at a time writes ``path``: a lock file beside it, held with the OS's lock for the run.

    The operating system drops the lock when the process dies, even on ``kill -9``, so a crash never leaves the
    folder locked. The file is removed on release (POSIX: after checking it is still the file we locked).
    """
    lock = lock_path(path)
    while True:
        try:
            fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o666 & ~_UMASK)
        except OSError as exc:
            raise OutputRefused(f"Nie mogę zapisać w folderze „{lock.parent}”: {describe_os_error(exc)}.") from None
        try:
            _lock_fd(fd)
        except OSError:
            holder = ""
            with contextlib.suppress(OSError, ValueError):
                os.lseek(fd, 0, os.SEEK_SET)
                pid = json.loads(os.read(fd, 4096) or b"{}").get("pid")
                holder = f" (proces {pid})" if pid else ""
            os.close(fd)
            raise OutputBusy(f"Do folderu „{path}” zapisuje teraz inne uruchomienie zestawu{holder}. Poczekaj, aż "
                             "skończy, albo podaj inny folder wyników.") from None
        try:  # the previous holder may have removed the file between our open and our lock: lock the new one
            if sys.platform == "win32" or os.fstat(fd).st_ino == os.stat(lock).st_ino:
                break
        except FileNotFoundError:
            pass
        os.close(fd)
    try:
        os.ftruncate(fd, 0)
        os.lseek(fd, 0, os.SEEK_SET)
        os.write(fd, json.dumps(_owner_record()).encode())
        yield
    finally:
        if sys.platform != "win32":
            with contextlib.suppress(OSError):
                os.unlink(lock)
        os.close(fd)  # closing drops the lock
        if sys.platform == "win32":
            with contextlib.suppress(OSError):
                os.unlink(lock)


def _lock_fd(fd: int) -> None:
    if sys.platform == "win32":
        import msvcrt

        msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
    else:
        import fcntl

        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)


@contextlib.contextmanager
def _interrupts_deferred() -> Iterator[None]:
    """Ctrl+C between the two renames of a swap would leave no result at all: hold it until the swap is done."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    received = []
    previous = signal.signal(signal.SIGINT, lambda *args: received.append(args))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
        if received and callable(previous):
            previous(*received[0])


def write_marker(folder: Path, command: str) -> None:
    """The record that makes ``folder`` recognisable as a result of the kit (and lists what the kit wrote)."""
    from pzk_kit import __version__

    names = sorted(p.name for p in Path(folder).iterdir() if p.name not in (RESULT_MARKER, OWNER_NAME))
    record = {"zestaw": "pzk-kit", "wersja": __version__, "polecenie": command,
              "utworzono": dt.datetime.now().isoformat(timespec="seconds"), "pliki": names}
    (Path(folder) / RESULT_MARKER).write_text(json.dumps(record, ensure_ascii=False, indent=1), encoding="utf-8")


@contextlib.contextmanager
def atomic_dir(path: Path, *, overwrite: bool = False, protect: Iterable[Path] = (), result: str | None = None,
               known: Iterable[str] = ()) -> Iterator[Path]:
    """Yield a temporary folder next to ``path``; on success it replaces ``path`` (moved aside, then removed).

    ``protect``: inputs that must survive (a target holding one is refused). ``result``: the command writing a
    result folder; then the target must be absent, empty or an earlier result of the kit without files the kit
    did not write (``known``: what results of versions without the marker hold), and the new folder gets the
    marker. Held under :func:`output_lock`; stale staging of dead runs for the same target is removed first.
    """
    path = Path(path)
    check_target(path, protect=protect)
    _parent_ready(path)
    with output_lock(path):
        remove_stale_staging(path.parent, path.name)
        _check_existing(path, overwrite=overwrite, result=result, known=known)
        tmp_path = Path(tempfile.mkdtemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent))
        try:
            _write_owner(tmp_path)
            os.chmod(tmp_path, 0o777 & ~_UMASK)
            yield tmp_path
            (tmp_path / OWNER_NAME).unlink(missing_ok=True)
            if result is not None:
                write_marker(tmp_path, result)
            with _interrupts_deferred():
                old = None
                if path.exists():
                    old = Path(tempfile.mkdtemp(prefix=f".{path.name}.", suffix=".old", dir=path.parent))
                    _write_owner(old)
                    os.replace(path, old / path.name)
                os.replace(tmp_path, path)
            if old is not None:
                shutil.rmtree(old, ignore_errors=True)
        finally:
            if tmp_path.exists():
                shutil.rmtree(tmp_path, ignore_errors=True)
