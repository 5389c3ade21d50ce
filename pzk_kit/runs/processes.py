"""Which processes are alive and which belong to a run: for locks, stale staging folders and orphan workers.

A ``pzk run`` is a tree: the command, its worker processes and, under each worker, a Jupyter kernel (started in
its own session by jupyter_client, so Ctrl+C in the terminal never reaches it). When the command is interrupted
or killed, the whole tree must go, or ~450 MB of workers and kernels stay behind and keep writing. psutil would
do this, but it is not a dependency of the kit: Linux answers from ``/proc``; elsewhere psutil is used when it
happens to be installed.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import time
from pathlib import Path

_PROC = Path("/proc")


def process_start(pid: int) -> float | None:
    """When ``pid`` started (an opaque number, stable for the process's life), or None when unknown.

    Stored with a pid so that a pid reused by an unrelated process after a reboot or a long time is not taken
    for the original owner.
    """
    stat = _PROC / str(pid) / "stat"
    try:
        # the command name (field 2) may hold spaces and parentheses: split after its closing parenthesis
        return float(stat.read_text().rsplit(")", 1)[1].split()[19])
    except (OSError, IndexError, ValueError):
        pass
    try:
        import psutil

        return psutil.Process(pid).create_time()
    except Exception:
        return None


def pid_alive(pid: int, started: float | None = None) -> bool:
    """Whether process ``pid`` still runs (zombies count as dead); ``started`` guards against a reused pid."""
    if pid <= 0:
        return False
    if sys.platform == "win32":
        alive = _windows_pid_alive(pid)
    else:
        try:
            os.kill(pid, 0)
            alive = True
        except ProcessLookupError:
            alive = False
        except PermissionError:  # alive, owned by someone else
            alive = True
        if alive and _PROC.is_dir():
            with contextlib.suppress(OSError, IndexError):
                if (_PROC / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0] in ("Z", "X"):
                    alive = False
    if alive and started is not None:
        now = process_start(pid)
        if now is not None and abs(now - started) > 1:
            return False  # the pid was reused
    return alive


def _windows_pid_alive(pid: int) -> bool:  # os.kill(pid, 0) would terminate the process on Windows
    import ctypes

    kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
    handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
    if not handle:
        return False
    try:
        code = ctypes.c_ulong()
        return bool(kernel32.GetExitCodeProcess(handle, ctypes.byref(code))) and code.value == 259  # STILL_ACTIVE
    finally:
        kernel32.CloseHandle(handle)


def descendants(pid: int) -> list[int]:
    """Every process below ``pid`` (children, their children…), deepest last."""
    if _PROC.is_dir():
        parents: dict[int, list[int]] = {}
        for entry in _PROC.iterdir():
            if not entry.name.isdigit():
                continue
            with contextlib.suppress(OSError, IndexError, ValueError):
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
                parents.setdefault(parent, []).append(int(entry.name))
        found, todo = [], [pid]
        while todo:
            for child in parents.get(todo.pop(), []):
                found.append(child)
                todo.append(child)
        return found
    try:
        import psutil

        return [p.pid for p in psutil.Process(pid).children(recursive=True)]
    except Exception:
        return []


def kill_tree(pids: list[int], *, timeout: float = 10.0) -> None:
    """Kill ``pids`` and everything below them, then wait (bounded) until they are gone.

    Below first is collected before anything is killed: once a worker dies its kernel is re-parented and can no
    longer be found under it.
    """
    victims = list(dict.fromkeys([*(d for pid in pids for d in descendants(pid)), *pids]))
    for pid in victims:
        with contextlib.suppress(OSError):
            os.kill(pid, getattr(signal, "SIGKILL", signal.SIGTERM))
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and any(pid_alive(pid) for pid in victims):
        time.sleep(0.05)
