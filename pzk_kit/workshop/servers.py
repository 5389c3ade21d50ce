"""Starting the servers: ``pzk app`` (Voila on the app notebook, for workshops) and ``pzk lab`` (JupyterLab on a
copy of the notebooks, for trainers).

Both listen on the local address only, run offline, and stop cleanly on Ctrl+C. The app is protected by a token
kept out of the process list (a private config file); the Voila page template (no CDN, Polish loading text) is in
``data/app/jupyter/voila/templates/pzk``.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from pzk_kit.console import print_line
from pzk_kit.files import atomic_file
from pzk_kit.resources import data_path
from pzk_kit.runs.runner import NOTEBOOKS_DIR

APP_NOTEBOOK = NOTEBOOKS_DIR / "aplikacja.ipynb"
LAB_NOTEBOOKS = ("01_mapowanie_partnerow.ipynb", "02_koszyk_uslug.ipynb", "03_ewaluacja.ipynb")
DEFAULT_LAB_DIR = "pzk_zeszyty"
DEFAULT_APP_PORT = 8866
DEFAULT_LAB_PORT = 8888
INPUT_ENV = "PZK_APP_DANE"  # the gmina `pzk app INPUT` preloads, read by the app inside the Voila kernel
VOILA_TEMPLATE = "pzk"
START_TIMEOUT = 180  # seconds for a server to answer: first starts on a slow laptop import a lot
# A page's kernel lives while its page is open. Voila shuts it down when the page closes (a beacon on unload);
# a kernel with no page connected (a crashed tab, a plain HTTP request, a lost beacon) goes after this many
# seconds: a workshop room needs a few kernels, each ~100 MB. An open page keeps its kernel however long it idles.
KERNEL_IDLE_SECONDS = 300
KERNEL_IDLE_ENV = "PZK_APP_KERNEL_IDLE_SECONDS"  # overrides KERNEL_IDLE_SECONDS (tests: seconds)
TOKEN_PARAMETER = "token"


def port_is_free(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])


def choose_port(asked: int | None, default: int) -> int:
    """The asked port as is (its owner gets a clear error later); else the default when free, else any free."""
    if asked is not None:
        return asked
    return default if port_is_free(default) else free_port()


def voila_command(port: int, notebook: Path = APP_NOTEBOOK, kernel_idle: int = KERNEL_IDLE_SECONDS) -> list[str]:
    """Voila on the app notebook: local address only, no browser of its own, no CDN, Polish page template.

    Voila is started through :mod:`pzk_kit.runs.kernel_wakeup`, which keeps a lost ZMQ wakeup from leaving the page
    spinning forever after the last cell has run.

    Kernels of pages nobody has open are culled after ``kernel_idle`` seconds (jupyter_server's culler; an open
    page keeps its kernel, ``cull_connected`` stays off). The token and the local-Host check come from config
    files (:func:`voila_environment`), so the token never shows in the process list.
    """
    interval = max(1, min(60, kernel_idle // 3))
    return [
        sys.executable, "-m", "pzk_kit.runs.kernel_wakeup", str(notebook), "--no-browser", f"--port={port}",
        "--Voila.ip=127.0.0.1", "--Voila.port_retries=0", f"--template={VOILA_TEMPLATE}", "--theme=light",
        "--VoilaConfiguration.show_tracebacks=False", "--VoilaExporter.language_code=pl", "--Voila.log_level=WARN",
        f"--MappingKernelManager.cull_idle_timeout={kernel_idle}", f"--MappingKernelManager.cull_interval={interval}",
        "--MappingKernelManager.cull_connected=False", "--MappingKernelManager.cull_busy=False",
    ]


def write_token_config(folder: Path, token: str) -> Path:
    """A private ``voila.json`` holding the app's token (Voila's own ``Voila.token``); returns its folder.

    ``folder`` must be private (``tempfile.mkdtemp``): whoever reads the token can use the app.
    """
    with atomic_file(folder / "voila.json", overwrite=True) as tmp:
        tmp.write_text(json.dumps({"Voila": {"token": token}}), encoding="utf-8")
    return folder


def voila_environment(preload: Path | None, token_config: Path | None = None) -> dict[str, str]:
    """The environment of the Voila server (inherited by its kernels): our template and config on the Jupyter path.

    ``config/voila.json`` sets what a local workshop server needs: requests whose ``Host`` is not
    localhost/127.0.0.1/[::1] get 403 (jupyter_server's ``check_host``; Voila itself allows any Host, which
    lets a web page reach the app by DNS rebinding), a websocket message limit just above the upload limit
    (uploads travel over the kernel's websocket) and no files served from the notebook folder (the app's images
    are data links). ``token_config`` is the folder of :func:`write_token_config`.
    """
    env = dict(os.environ)
    own = str(data_path("app", "jupyter"))
    env["JUPYTER_PATH"] = os.pathsep.join(p for p in (own, env.get("JUPYTER_PATH", "")) if p)
    config = [str(token_config)] if token_config is not None else []
    config.append(str(data_path("app", "jupyter", "config")))
    env["JUPYTER_CONFIG_PATH"] = os.pathsep.join(p for p in (*config, env.get("JUPYTER_CONFIG_PATH", "")) if p)
    env["MPLBACKEND"] = "Agg"
    env["PYTHONIOENCODING"] = "utf-8"
    env.pop(KERNEL_IDLE_ENV, None)
    if preload is not None:
        env[INPUT_ENV] = str(preload)
    else:
        env.pop(INPUT_ENV, None)
    return env


def kernel_idle_seconds() -> int:
    """``$PZK_APP_KERNEL_IDLE_SECONDS`` when it is a positive whole number, else :data:`KERNEL_IDLE_SECONDS`."""
    value = os.environ.get(KERNEL_IDLE_ENV, "").strip()
    return int(value) if value.isdigit() and int(value) > 0 else KERNEL_IDLE_SECONDS


def lab_command(folder: Path, port: int, token: str, open_browser: bool) -> list[str]:
    command = [
        sys.executable, "-m", "jupyterlab", f"--ServerApp.root_dir={folder}", "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}", "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}",
        "--ServerApp.log_level=WARN",
        # Offline meeting rooms: no extension manager querying PyPI, no news feed, no update check.
        "--LabApp.extension_manager=readonly", "--LabApp.news_url=None",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        # The kit's defaults (Polish menus from jupyterlab-language-pack-pl-PL, no news question): overrides in a
        # folder of the kit, not in the trainer's own Jupyter settings, which can still change them.
        f"--LabApp.app_settings_dir={data_path('app', 'jupyter', 'lab', 'settings')}",
    ]
    if not open_browser:
        command.append("--no-browser")
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")  # containers and CI run as root; Jupyter refuses that by default
    return command


def wait_until_answers(url: str, process: subprocess.Popen | None = None, timeout: float = START_TIMEOUT) -> bool:
    """True once ``url`` answers over HTTP (any status); False when the process died or time ran out."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            return False
        try:
            with urllib.request.urlopen(url, timeout=2):
                return True
        except urllib.error.HTTPError:
            return True
        except (urllib.error.URLError, OSError):
            time.sleep(0.2)
    return False


def prepare_lab_dir(folder: Path) -> tuple[list[str], list[str]]:
    """Copy the workshop notebooks into ``folder``; a copy already there (maybe edited) is never replaced.

    Returns the names copied now and the names kept as they were.
    """
    folder.mkdir(parents=True, exist_ok=True)
    copied, kept = [], []
    for name in LAB_NOTEBOOKS:
        target = folder / name
        if target.exists():
            kept.append(name)
            continue
        with atomic_file(target) as tmp:
            shutil.copyfile(NOTEBOOKS_DIR / name, tmp)
        copied.append(name)
    return copied, kept


def _serve(command: list[str], env: dict[str, str], cwd: Path, url: str, ready_lines: list[str],
           open_url: str | None, log_path: Path) -> int:
    """Run a server until Ctrl+C: print ``ready_lines`` once ``url`` answers, stop the server cleanly at the end."""
    posix = os.name == "posix"
    with log_path.open("wb") as log:
        process = subprocess.Popen(command, env=env, cwd=cwd, stdout=log, stderr=subprocess.STDOUT,
                                   start_new_session=posix)

    def stop(*_args: object) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, stop) if posix else None
    try:
        if not wait_until_answers(url, process):
            print_line("Serwer nie wystartował. Ostatnie komunikaty:")
            print_line(_tail(log_path))
            return 1
        for line in ready_lines:
            print_line(line)
        if open_url:
            import webbrowser

            webbrowser.open(open_url)
        return _exit_status(process.wait())
    except KeyboardInterrupt:
        print_line("Zatrzymuję…")
        return 0
    finally:
        if process.poll() is None:
            if posix:
                process.terminate()  # Voila and Jupyter shut their kernels down on SIGTERM
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=30)
            if process.poll() is None:
                process.kill()
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
        print_line("Zatrzymano.")


def _exit_status(code: int) -> int:
    return 0 if code in (0, -signal.SIGTERM, -signal.SIGINT) else 1


def _tail(path: Path, lines: int = 25) -> str:
    try:
        return "\n".join(path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def run_app(preload: str | None, port: int | None, open_browser: bool) -> int:
    """``pzk app``: start Voila on the app notebook and keep it running until Ctrl+C."""
    preload_path = None
    if preload:
        preload_path = Path(preload).resolve()
        if not preload_path.exists():
            print_line(f"Nie ma pliku ani folderu „{preload}”. Podaj skoroszyt .xlsx albo folder z plikami CSV "
                       "albo uruchom samo: pzk app")
            return 2
    chosen = choose_port(port, DEFAULT_APP_PORT)
    if not port_is_free(chosen):
        print_line(f"Port {chosen} jest zajęty (może aplikacja już działa?). Wybierz inny, np.: pzk app --port "
                   f"{free_port()}")
        return 1
    base = f"http://127.0.0.1:{chosen}/"
    token = secrets.token_urlsafe(24)
    url = f"{base}?{TOKEN_PARAMETER}={token}"
    log_dir = Path(tempfile.mkdtemp(prefix="pzk_app_"))
    print_line("Uruchamiam aplikację PZK (pierwsze uruchomienie może potrwać do minuty)…")
    lines = [f"Aplikacja PZK działa pod adresem: {url}",
             "Otwórz ten adres w przeglądarce (działa bez internetu). Klucz w adresie wpuszcza tylko Ciebie — "
             "nie udostępniaj go. Zatrzymanie: Ctrl+C."]
    if preload_path is not None:
        lines.insert(1, f"Wczytane dane: {preload_path}")
    env = voila_environment(preload_path, write_token_config(log_dir, token))
    try:
        # Readiness is polled on the address without the token: it answers with the login page and starts no
        # kernel (with the token every poll would run the whole app).
        return _serve(voila_command(chosen, kernel_idle=kernel_idle_seconds()), env, APP_NOTEBOOK.parent,
                      base, lines, url if open_browser else None, log_dir / "voila.log")
    finally:
        shutil.rmtree(log_dir, ignore_errors=True)


def run_lab(folder: str | None, port: int | None, open_browser: bool) -> int:
    """``pzk lab``: JupyterLab on a working copy of the notebooks, never on the installed originals."""
    target = Path(folder or DEFAULT_LAB_DIR).resolve()
    if target.exists() and not target.is_dir():
        print_line(f"„{target}” to plik, a nie folder. Podaj folder na zeszyty, np.: pzk lab {DEFAULT_LAB_DIR}")
        return 2
    copied, kept = prepare_lab_dir(target)
    print_line(f"Zeszyty w folderze: {target}")
    for name in copied:
        print_line(f"  skopiowano: {name}")
    for name in kept:
        print_line(f"  zostawiono Twoją wersję: {name} (nie nadpisuję; usuń plik, aby dostać świeżą kopię)")
    chosen = choose_port(port, DEFAULT_LAB_PORT)
    if not port_is_free(chosen):
        print_line(f"Port {chosen} jest zajęty. Wybierz inny, np.: pzk lab --port {free_port()}")
        return 1
    token = secrets.token_hex(16)
    base = f"http://127.0.0.1:{chosen}/"
    url = f"{base}lab?token={token}"
    log_dir = Path(tempfile.mkdtemp(prefix="pzk_lab_"))
    print_line("Uruchamiam JupyterLab…")
    lines = [f"JupyterLab działa pod adresem: {url}",
             "Zeszyt uruchomisz w menu Uruchom → Uruchom wszystkie komórki. Zatrzymanie: Ctrl+C."]
    env = dict(os.environ)
    env["PYTHONIOENCODING"] = "utf-8"
    try:
        # JupyterLab opens the browser itself (with the token) when allowed; we only wait for it to answer.
        return _serve(lab_command(target, chosen, token, open_browser), env, target, f"{base}api/status", lines,
                      None, log_dir / "jupyterlab.log")
    finally:
        shutil.rmtree(log_dir, ignore_errors=True)

