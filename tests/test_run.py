"""`pzk run` and `pzk demo` (CONTRACT §2–3): every output file, summary.json exactly, nothing half-written."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest
from docx import Document

from pzk_kit import cli, runner
from pzk_kit.example import EXAMPLE_NAME
from pzk_kit.reading import read_gmina
from pzk_kit.summary import build_summary

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE_XLSX = ROOT / "data" / "przyklad" / "gmina_przykladowa.xlsx"
CONTRACT_OUTPUTS = {
    "01_mapowanie_partnerow.ipynb", "02_koszyk_uslug.ipynb", "03_ewaluacja.ipynb",
    "01_mapowanie_partnerow.html", "02_koszyk_uslug.html", "03_ewaluacja.html",
    "katalog_uslug.html", "katalog_uslug.docx", "raport.docx", "summary.json",
}
NETWORK_KEYS = {"measurement", "partners", "ties", "density", "components", "isolates", "reciprocity",
                "degree_centralization", "leader_reach", "brokers", "mean_level", "sectors_present",
                "sectors_missing"}

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def example_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("run") / "wyniki"
    result = runner.run_gmina(EXAMPLE_XLSX, out, cell_timeout=120)
    return out, result


def test_every_contract_output_is_written(example_run):
    out, result = example_run
    assert {p.name for p in out.iterdir()} >= CONTRACT_OUTPUTS
    assert set(result.seconds) == set(runner.NOTEBOOKS)
    assert not [p for p in out.parent.iterdir() if p.name.startswith(".")], "no staging leftovers"


def test_summary_json_is_exactly_the_contract(example_run):
    out, _ = example_run
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert list(summary) == ["gmina", "network", "basket", "evaluation", "warnings"]
    assert summary["gmina"] == {"name": "Gmina Przykładowa", "teryt": "1299013"}
    assert set(summary["network"]) == NETWORK_KEYS
    assert set(summary["basket"]) == {"services", "needs", "needs_covered", "gaps", "single_provider_areas"}
    assert set(summary["evaluation"]) == {"respondents", "factors", "suppressed"}
    # the example's known figures (hand-checked in test_network / test_basket / test_evaluation)
    assert summary["network"]["measurement"] == "T0"
    assert (summary["network"]["partners"], summary["network"]["ties"]) == (27, 58)
    assert summary["network"]["sectors_missing"] == ["sport"]
    assert (summary["basket"]["needs"], summary["basket"]["needs_covered"], len(summary["basket"]["gaps"])) == (
        15, 11, 4)
    assert summary["evaluation"]["respondents"] == {"T0": 21, "T1": 22}
    assert any("SANEPID" in w for w in summary["warnings"])
    # what the notebooks wrote is what the package computes without them (pzk batch --summary-only)
    assert summary == json.loads(json.dumps(build_summary(read_gmina(EXAMPLE_XLSX), "T0")))


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
    with pytest.raises(runner.NotebookFailed) as failure:
        runner.run_gmina(EXAMPLE_XLSX, out, overwrite=True, parallel=False, cell_timeout=120)
    assert failure.value.notebook == runner.NOTEBOOKS[1]
    assert "ValueError: zepsuty zeszyt" in failure.value.message
    assert (out / "summary.json").read_text(encoding="utf-8") == "poprzedni wynik"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["wyniki", "zeszyty"], "no staging leftovers"


def test_killed_run_leaves_the_earlier_result_untouched(tmp_path):
    out = tmp_path / "wyniki"
    out.mkdir()
    (out / "summary.json").write_text("poprzedni wynik", encoding="utf-8")
    process = subprocess.Popen(
        [sys.executable, "-m", "pzk_kit", "run", str(EXAMPLE_XLSX), "--out", str(out), "--nadpisz"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:  # wait until notebooks are being written in the staging folder
            staging = [p for p in tmp_path.iterdir() if p.name.startswith(".wyniki.")]
            if staging and any(p.suffix == ".ipynb" for p in staging[0].iterdir()):
                break
            time.sleep(0.2)
        else:
            pytest.fail("the run never started writing")
    finally:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
    assert (out / "summary.json").read_text(encoding="utf-8") == "poprzedni wynik"
    assert sorted(p.name for p in out.iterdir()) == ["summary.json"]


def test_demo_copies_the_example_and_runs_everything(tmp_path, capsys):
    out = tmp_path / "demo"
    assert cli.main(["demo", str(out)]) == 0
    names = {p.name for p in out.iterdir()}
    assert CONTRACT_OUTPUTS | {"dane", "walidacja.txt"} <= names
    inputs = {p.name for p in (out / "dane").iterdir()}
    assert {f"{EXAMPLE_NAME}.xlsx", f"{EXAMPLE_NAME}_csv", "szablon_pzk.xlsx"} <= inputs
    assert read_gmina(out / "dane" / f"{EXAMPLE_NAME}_csv").report.ok
    printed = capsys.readouterr().out
    assert "partnerzy 27, powiązania 58" in printed and "T0: 21, T1: 22" in printed
    assert ".tmp" not in (out / "walidacja.txt").read_text(encoding="utf-8"), "no staging path in the report"
    (out / "moje_notatki.txt").write_text("ważne", encoding="utf-8")
    assert cli.main(["demo", str(out)]) == 1
    assert "już istnieje" in capsys.readouterr().err
    assert (out / "moje_notatki.txt").read_text(encoding="utf-8") == "ważne"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")], "no temporary leftovers"


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
