"""`pzk run` and `pzk demo` (CONTRACT §2–3): every output file, summary.json exactly, nothing half-written."""

from __future__ import annotations

import contextlib
import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest
from docx import Document

from pzk_kit import cli
from pzk_kit.runs import runner
from pzk_kit.runs.processes import descendants, pid_alive
from pzk_kit.runs.summary import build_summary
from pzk_kit.workbook.example import EXAMPLE_NAME
from pzk_kit.workbook.reading import read_gmina

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE_XLSX = ROOT / "data" / "przyklad" / "gmina_przykladowa.xlsx"
POWIAT_XLSX = ROOT / "data" / "przyklad" / "powiat_przykladowy.xlsx"
CONTRACT_OUTPUTS = {
    "01_mapowanie_partnerow.ipynb", "02_koszyk_uslug.ipynb", "03_ewaluacja.ipynb",
    "01_mapowanie_partnerow.html", "02_koszyk_uslug.html", "03_ewaluacja.html",
    "katalog_uslug.html", "katalog_uslug.docx", "raport.docx", "summary.json",
}
NETWORK_KEYS = {"measurement", "partners", "ties", "density", "components", "isolates", "reciprocity",
                "degree_centralization", "leader_reach", "brokers", "mean_level", "sectors_present",
                "sectors_missing", "respondents", "non_respondents", "response_rate", "reciprocity_answered"}

pytestmark = pytest.mark.slow


# example_run: the session's shared, read-only `pzk run` of EXAMPLE_XLSX (tests/conftest.py)


def test_every_contract_output_is_written(example_run):
    out, result = example_run
    assert {p.name for p in out.iterdir()} >= CONTRACT_OUTPUTS
    assert set(result.seconds) == set(runner.NOTEBOOKS)
    assert not [p for p in out.parent.iterdir() if p.name.startswith(".")], "no staging leftovers"


def test_summary_json_is_exactly_the_contract(example_run):
    out, _ = example_run
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert list(summary) == ["gmina", "network", "basket", "evaluation", "warnings"]
    assert summary["gmina"] == {"name": "Gmina Przykładowa", "teryt": "1299013", "scope": "gmina",
                                "type": "miejsko_wiejska", "powiat": "przykładowski", "voivodeship": "małopolskie",
                                "leaders": ["CUS"], "project": "Kooperacje 3D"}
    assert set(summary["network"]) == NETWORK_KEYS
    assert set(summary["basket"]) == {"services", "needs", "needs_covered", "gaps", "single_provider_areas",
                                      "needs_nominally_covered", "capacity"}
    assert set(summary["evaluation"]) == {"respondents", "factors", "suppressed", "plan", "cases", "used_network"}
    # the example's known figures (hand-checked in test_network / test_basket / test_evaluation)
    assert summary["network"]["measurement"] == "T1"  # the latest measurement, as every output of the run
    assert (summary["network"]["partners"], summary["network"]["ties"]) == (27, 71)
    assert summary["network"]["sectors_missing"] == ["sport"]
    assert (summary["basket"]["needs"], summary["basket"]["needs_covered"], len(summary["basket"]["gaps"])) == (
        15, 11, 4)
    assert summary["evaluation"]["respondents"] == {"T0": 21, "T1": 22}
    assert any("SANEPID" in w for w in summary["warnings"])
    # what the notebooks wrote is what the package computes without them (pzk batch --summary-only)
    assert summary == json.loads(json.dumps(build_summary(read_gmina(EXAMPLE_XLSX))))


def test_executed_notebooks_have_parameters_and_no_errors(example_run):
    out, _ = example_run
    for name in runner.NOTEBOOKS:
        notebook = nbformat.read(out / name, as_version=4)
        injected = [c for c in notebook.cells if "injected-parameters" in c.metadata.get("tags", [])]
        assert len(injected) == 1 and str(EXAMPLE_XLSX) in injected[0].source
        errors = [o for c in notebook.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
        assert errors == [], name


def test_html_reports_have_no_code_embed_charts_and_work_offline(example_run):
    out, _ = example_run
    for name, title in runner.TITLES.items():
        page = (out / name).with_suffix(".html").read_text(encoding="utf-8")
        assert '<html lang="pl">' in page
        assert f"<title>Gmina Przykładowa — {title}</title>" in page
        assert 'class="jp-CodeMirrorEditor' not in page, "code cells must be hidden"
        assert "import pzk_kit" not in page
        assert "## Parametry" not in page and ">Parametry<" not in page, "instructions for the runner are hidden"
        assert "data:image/png;base64," in page, "charts are embedded"
        assert not re.findall(r'<script[^>]+src="https?://', page), "nothing loaded from the internet"
        assert "application/vnd.jupyter.widget-view+json" not in page


def test_reports_for_the_council_and_residents_open(example_run):
    out, _ = example_run
    report = Document(str(out / "raport.docx"))
    text = "\n".join(p.text for p in report.paragraphs)
    assert "Gmina Przykładowa" in text and "Karta wyników PZK" in text
    catalogue = Document(str(out / "katalog_uslug.docx"))
    assert "Gmina Przykładowa" in "\n".join(p.text for p in catalogue.paragraphs)
    page = (out / "katalog_uslug.html").read_text(encoding="utf-8")
    assert "Szukam pomocy" in page


def test_invalid_input_exits_2_and_writes_nothing(tmp_path, capsys):
    broken = ROOT / "tests" / "data" / "broken" / "brak_kolumny_sektor"
    out = tmp_path / "wyniki"
    assert cli.main(["run", str(broken), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "arkusz „partnerzy”, wiersz 1, kolumna „sektor”" in err and "Nic nie zapisano" in err
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []


def test_failing_notebook_keeps_the_earlier_result(tmp_path, monkeypatch):
    notebooks = tmp_path / "zeszyty"
    shutil.copytree(runner.NOTEBOOKS_DIR, notebooks)
    broken = nbformat.read(notebooks / runner.NOTEBOOKS[1], as_version=4)
    broken.cells.append(nbformat.v4.new_code_cell('raise ValueError("zepsuty zeszyt")'))
    nbformat.write(broken, notebooks / runner.NOTEBOOKS[1])
    monkeypatch.setattr(runner, "NOTEBOOKS_DIR", notebooks)
    out = tmp_path / "wyniki"
    out.mkdir()
    (out / "summary.json").write_text("poprzedni wynik", encoding="utf-8")
    (out / "walidacja.txt").write_text("", encoding="utf-8")  # a result of a version without the marker file
    with pytest.raises(runner.NotebookFailed) as failure:
        runner.run_gmina(EXAMPLE_XLSX, out, overwrite=True, parallel=False, cell_timeout=120)
    assert failure.value.notebook == runner.NOTEBOOKS[1]
    assert "ValueError: zepsuty zeszyt" in failure.value.message
    assert (out / "summary.json").read_text(encoding="utf-8") == "poprzedni wynik"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["wyniki", "zeszyty"], "no staging leftovers"


@pytest.fixture
def small_gmina(write_xlsx, gmina_blueprint):
    """The tests' small valid gmina as ``FOLDER/mala.xlsx``: its run takes seconds, not a minute."""
    return lambda folder: write_xlsx(folder / "mala.xlsx", gmina_blueprint)


def _start_run(source: Path, out: Path) -> subprocess.Popen:
    """``pzk run`` in a subprocess (its own session, like a terminal's job), once its notebooks are being written."""
    process = subprocess.Popen(
        [sys.executable, "-m", "pzk_kit", "run", str(source), "--out", str(out), "--nadpisz"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True, text=True, encoding="utf-8",
    )
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        staging = [p for p in out.parent.iterdir() if p.name.startswith(f".{out.name}.") and p.name.endswith(".tmp")]
        with contextlib.suppress(OSError):
            if staging and any(p.suffix == ".ipynb" for p in staging[0].iterdir()):
                return process
        if process.poll() is not None:
            pytest.fail(f"the run ended early: {process.communicate()}")
        time.sleep(0.2)
    os.killpg(process.pid, signal.SIGKILL)
    pytest.fail("the run never started writing")


def _processes_in(folder: Path) -> list[int]:
    """Live processes working in ``folder`` (the kernels' working directory is the staging folder)."""
    found = []
    for entry in Path("/proc").iterdir():
        with contextlib.suppress(OSError):
            if entry.name.isdigit() and Path(os.readlink(entry / "cwd")).is_relative_to(folder) \
                    and pid_alive(int(entry.name)):
                found.append(int(entry.name))
    return found


def _wait_until_gone(pids: list[int], seconds: float = 20) -> list[int]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and [p for p in pids if pid_alive(p)]:
        time.sleep(0.2)
    return [p for p in pids if pid_alive(p)]


def _earlier_result(out: Path) -> None:
    out.mkdir()
    (out / "summary.json").write_text("poprzedni wynik", encoding="utf-8")
    (out / "walidacja.txt").write_text("", encoding="utf-8")  # a result of a version without the marker file


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="process tree read from /proc")
def test_killed_run_leaves_the_earlier_result_no_processes_and_its_staging_goes_next_time(tmp_path, small_gmina):
    out = tmp_path / "wyniki"
    _earlier_result(out)
    process = _start_run(small_gmina(tmp_path), out)
    tree = descendants(process.pid)
    assert len(tree) >= 3, "workers and kernels are running"
    os.kill(process.pid, signal.SIGKILL)  # only the command: its workers and kernels must follow by themselves
    process.communicate(timeout=30)
    assert _wait_until_gone(tree) == [], "workers and kernels die with the command"
    assert _wait_until_gone(_processes_in(tmp_path)) == []
    assert (out / "summary.json").read_text(encoding="utf-8") == "poprzedni wynik"
    assert sorted(p.name for p in out.iterdir()) == ["summary.json", "walidacja.txt"]
    assert [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")], "the killed run's staging is still there"
    # the next run into the same folder removes it (here it then stops at once: no --nadpisz)
    again = subprocess.run([sys.executable, "-m", "pzk_kit", "run", str(tmp_path / "mala.xlsx"), "--out", str(out)],
                           capture_output=True, text=True, encoding="utf-8", timeout=120)
    assert again.returncode == 1 and "już istnieje" in again.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mala.xlsx", "wyniki"]


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="process tree read from /proc")
def test_ctrl_c_stops_cleanly_and_a_second_run_into_the_same_folder_is_refused_meanwhile(tmp_path, capsys,
                                                                                          small_gmina):
    out = tmp_path / "wyniki"
    _earlier_result(out)
    process = _start_run(small_gmina(tmp_path), out)
    tree = descendants(process.pid)
    # a second run into the same folder while the first is writing it
    assert cli.main(["run", str(tmp_path / "mala.xlsx"), "--out", str(out), "--nadpisz"]) == 1
    err = capsys.readouterr().err
    assert f"Do folderu „{out}” zapisuje teraz inne uruchomienie zestawu (proces {process.pid})" in err
    os.killpg(process.pid, signal.SIGINT)  # Ctrl+C in a terminal reaches the whole foreground group
    stdout, stderr = process.communicate(timeout=60)
    assert process.returncode == 130
    assert "Traceback" not in stderr and "Error" not in stderr, stderr
    assert "Przerwano. Nic nie zapisano" in stderr
    assert "Gotowe" not in stdout
    assert _wait_until_gone(tree) == []
    assert (out / "summary.json").read_text(encoding="utf-8") == "poprzedni wynik"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mala.xlsx", "wyniki"], "no staging, no lock file left"


def test_nadpisz_never_deletes_the_input_or_the_users_files(tmp_path, monkeypatch, capsys, small_gmina,
                                                            write_csv_gmina, gmina_blueprint):
    """Issue 13 item 3: refused before anything runs, exit 2, a Polish message, every file kept."""
    moje = tmp_path / "moje"
    moje.mkdir()
    source = small_gmina(moje)
    (moje / "notatki.docx").write_text("ważne", encoding="utf-8")
    csv_source = write_csv_gmina(tmp_path / "gmina_csv", gmina_blueprint)
    os.mkfifo(tmp_path / "rura")
    (tmp_path / "praca").mkdir()
    (tmp_path / "praca" / "budzet.xlsx").write_bytes(b"cudzy plik")
    monkeypatch.chdir(tmp_path / "praca")
    cases = [
        (source, moje, "zawiera dane wejściowe"),
        (source, Path("."), "bieżący folder"),
        (source, Path(".."), "zawiera dane wejściowe"),
        (csv_source, csv_source, "zawiera dane wejściowe"),
        (csv_source, csv_source / "wyniki", "wewnątrz folderu z danymi"),
        (source, tmp_path / "gmina_csv", "nie jest folderem z wynikami zestawu"),
        (source, moje / "notatki.docx", "jest plikiem, a nie folderem"),
        (source, tmp_path / "rura", "potokiem nazwanym"),
    ]
    before = sorted(str(p) for p in tmp_path.rglob("*"))
    for input_path, out, text in cases:
        assert cli.main(["run", str(input_path), "--out", str(out), "--nadpisz"]) == 2, out
        err = capsys.readouterr().err
        assert text in err and "Traceback" not in err, (out, err)
    for out in (".", ".."):
        assert cli.main(["demo", out, "--nadpisz"]) == 2
        assert "bieżący folder (albo go zawiera)" in capsys.readouterr().err
    assert sorted(str(p) for p in tmp_path.rglob("*")) == before
    assert (moje / "notatki.docx").read_text(encoding="utf-8") == "ważne"
    assert read_gmina(source).report.ok


@pytest.mark.skipif(not shutil.which("unshare") and os.geteuid() == 0, reason="needs a non-root user or unshare")
def test_read_only_output_or_parent_folder_gets_a_polish_message(tmp_path, small_gmina):
    source = small_gmina(tmp_path)
    _earlier_result(tmp_path / "wyniki")
    (tmp_path / "zamkniety").mkdir()
    command = [sys.executable, "-m", "pzk_kit", "run", str(source), "--nadpisz", "--out"]
    lines = [f"{shlex.join([*command, str(tmp_path / 'wyniki')])}; echo kod=$?",
             f"{shlex.join([*command, str(tmp_path / 'zamkniety' / 'wyniki')])}; echo kod=$?"]
    if os.geteuid() == 0:  # root writes anywhere: make the folders read-only mounts in a private namespace
        mounts = [f"mount --bind -o ro {shlex.quote(str(p))} {shlex.quote(str(p))}"
                  for p in (tmp_path / "wyniki", tmp_path / "zamkniety")]
        script = ["unshare", "-m", "sh", "-c", " && ".join(mounts) + "; " + "; ".join(lines)]
    else:
        (tmp_path / "wyniki").chmod(0o555)
        (tmp_path / "zamkniety").chmod(0o555)
        script = ["sh", "-c", "; ".join(lines)]
    try:
        done = subprocess.run(script, capture_output=True, text=True, encoding="utf-8", timeout=120)
    finally:
        (tmp_path / "wyniki").chmod(0o755)
        (tmp_path / "zamkniety").chmod(0o755)
    if "mount:" in done.stderr:
        pytest.skip("no permission for a private mount")
    assert done.stdout.count("kod=2") == 2, done.stdout + done.stderr
    assert f"Folder „{tmp_path / 'wyniki'}” jest tylko do odczytu" in done.stderr
    assert f"Nie mogę zapisać w folderze „{tmp_path / 'zamkniety'}”: brak uprawnień do zapisu" in done.stderr
    assert "Traceback" not in done.stderr
    assert (tmp_path / "wyniki" / "summary.json").read_text(encoding="utf-8") == "poprzedni wynik"


def test_demo_copies_the_example_and_runs_everything(tmp_path, capsys):
    out = tmp_path / "demo"
    assert cli.main(["demo", str(out)]) == 0
    names = {p.name for p in out.iterdir()}
    assert CONTRACT_OUTPUTS | {"dane", "walidacja.txt"} <= names
    inputs = {p.name for p in (out / "dane").iterdir()}
    assert {f"{EXAMPLE_NAME}.xlsx", f"{EXAMPLE_NAME}_csv", "szablon_pzk.xlsx"} <= inputs
    assert read_gmina(out / "dane" / f"{EXAMPLE_NAME}_csv").report.ok
    printed = capsys.readouterr().out
    assert "Instytucje na mapie: 27 · Liczba powiązań: 71" in printed and "T0: 21, T1: 22" in printed
    assert ".tmp" not in (out / "walidacja.txt").read_text(encoding="utf-8"), "no staging path in the report"
    assert cli.main(["demo", str(out)]) == 1
    assert "już istnieje" in capsys.readouterr().err
    (out / "moje_notatki.txt").write_text("ważne", encoding="utf-8")
    assert cli.main(["demo", str(out), "--nadpisz"]) == 2, "--nadpisz never deletes a file the kit did not write"
    assert "moje_notatki.txt" in capsys.readouterr().err
    assert (out / "moje_notatki.txt").read_text(encoding="utf-8") == "ważne"
    (out / "moje_notatki.txt").unlink()
    stamp = (out / "summary.json").stat().st_mtime_ns
    assert cli.main(["demo", str(out), "--nadpisz"]) == 0, "make demo reruns `pzk demo wyniki_demo --nadpisz`"
    assert (out / "summary.json").stat().st_mtime_ns != stamp
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")], "no temporary leftovers"


def test_demo_chooses_the_example_gmina_by_default_and_the_powiat_on_request():
    parser = cli.build_parser()
    assert parser.parse_args(["demo", "wyniki"]).przyklad == "gmina"
    assert parser.parse_args(["demo", "wyniki", "--przyklad", "powiat"]).przyklad == "powiat"
    with pytest.raises(SystemExit):
        parser.parse_args(["demo", "wyniki", "--przyklad", "województwo"])


def test_powiat_example_runs_end_to_end(tmp_path, capsys):
    """`pzk run data/przyklad/powiat_przykladowy.xlsx --out …`: the second example is a real, runnable PZK."""
    out = tmp_path / "powiat"
    code = cli.main(["run", str(POWIAT_XLSX), "--out", str(out)])
    assert code == 0, capsys.readouterr().err
    assert {p.name for p in out.iterdir()} >= CONTRACT_OUTPUTS
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert (summary["gmina"]["name"], summary["gmina"]["teryt"]) == ("Powiat Przykładowy", "2850")
    assert summary["gmina"].get("scope") == "powiat" and summary["gmina"].get("leaders") == ["OPS", "PCPR"]
    assert summary["gmina"].get("project") == "Kooperacja efektywna i skuteczna"
    # 26 institutions (3 candidates, the WTZ among them); 114 pairs tied at T1 (counted by hand from
    # wspolpraca.csv, levels > 0; the WTZ, a candidate, has no reports)
    assert summary["network"]["measurement"] == "T1"
    assert (summary["network"]["partners"], summary["network"]["ties"]) == (26, 114)
    assert summary["evaluation"]["respondents"] == {"T0": 14, "T1": 20}
    assert summary["basket"]["services"] == 28 and summary["basket"]["needs"] == 12


def test_hung_notebook_is_stopped_retried_and_reported_in_polish(tmp_path, monkeypatch):
    notebooks = tmp_path / "zeszyty"
    shutil.copytree(runner.NOTEBOOKS_DIR, notebooks)
    stuck = nbformat.read(notebooks / runner.NOTEBOOKS[0], as_version=4)
    stuck.cells.insert(2, nbformat.v4.new_code_cell("import time\ntime.sleep(600)"))
    nbformat.write(stuck, notebooks / runner.NOTEBOOKS[0])
    monkeypatch.setattr(runner, "NOTEBOOKS_DIR", notebooks)
    started = time.monotonic()
    with pytest.raises(runner.NotebookFailed) as failure:
        runner.run_gmina(EXAMPLE_XLSX, tmp_path / "wyniki", parallel=False, cell_timeout=3)
    assert time.monotonic() - started < 300, "a stuck kernel must not hold the run for long"
    assert failure.value.notebook == runner.NOTEBOOKS[0]
    assert "nie skończyła się w wyznaczonym czasie" in failure.value.message
    assert f"próbowano {runner.RETRIES + 1} razy" in failure.value.message
    assert not (tmp_path / "wyniki").exists()


def test_kernels_print_no_english_log_lines(capfd):
    """Issue 14 item 6: `pzk demo` printed "[IPKernelApp] ERROR | KeyboardInterrupt caught in kernel." when the
    interrupt that precedes every kernel shutdown met a busy kernel; the kernels' log stays off users' terminals."""
    from jupyter_client.manager import start_new_kernel

    manager, client = start_new_kernel(kernel_name=runner.KERNEL_NAME, extra_arguments=runner.KERNEL_ARGUMENTS)
    printed = []
    try:
        client.execute_interactive(
            "get_ipython().kernel.log.error('KeyboardInterrupt caught in kernel.'); print('wykonane')",
            timeout=60, output_hook=lambda msg: printed.append(msg["content"].get("text", "")))
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)
    assert "wykonane" in "".join(printed)
    assert "KeyboardInterrupt" not in capfd.readouterr().err  # the kernel's stderr is this process's
