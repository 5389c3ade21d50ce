"""One run, one measurement (issue 14, item 1): every output of a run states the same headline figures.

The example gmina has two measurements (T0: 58 ties and one isolate; T1: 71 ties, none). Before the rule the
console line, ``summary.json`` and notebook 01 described T0 while ``raport.docx`` and the app described T1, and
``podsumowanie.csv`` paired ``pomiar_mapy=T0`` with ``pomiar_ankiety=T1``. Here one ``pzk run`` (through the
command line, as a user runs it) is parsed output by output: the console line, ``summary.json``, notebook 01's
HTML, ``raport.docx``, the app's map and its downloadable ``summary.json`` and ``raport.docx``, and the
``podsumowanie.csv`` row of ``pzk batch --summary-only``. Measurement, partners, ties, density and the number of
isolates must be the same wherever an output states them; the latest measurement by default, T0 with
``--pomiar T0``.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from docx import Document

from pzk_kit import glossary
from pzk_kit.cli import build_parser
from pzk_kit.measurement import as_of, pick, resolve, run_measurement
from pzk_kit.resources import read_table
from pzk_kit.runs.summary import build_summary
from pzk_kit.workbook.reading import read_gmina
from pzk_kit.workshop import interactive

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE_XLSX = ROOT / "data" / "przyklad" / "gmina_przykladowa.xlsx"
# What the example's two measurements are (hand-checked in test_network): the run must show one of them whole.
EXPECTED = {
    "T1": {"measurement": "T1", "partners": 27, "ties": 71, "density": 20, "isolates": 0},
    "T0": {"measurement": "T0", "partners": 27, "ties": 58, "density": 17, "isolates": 1},
}
FIGURES = ("measurement", "partners", "ties", "density", "isolates")


def _percent(text: str) -> int:
    match = re.fullmatch(r"\s*(\d+)\s*%\s*", text)
    assert match, f"not a percentage: {text!r}"
    return int(match.group(1))


def _from_summary(network: dict) -> dict:
    return {"measurement": network["measurement"], "partners": network["partners"], "ties": network["ties"],
            "density": round(network["density"] * 100), "isolates": len(network["isolates"])}


# -- one run per measurement option, through the command line ---------------------------------------------------


@pytest.fixture(scope="module", params=[None, "T0"], ids=["domyslny", "pomiar_T0"])
def one_run(request, tmp_path_factory):
    """``pzk run EXAMPLE --out DIR [--pomiar T0]`` once per option: its folder, console text and option."""
    out = tmp_path_factory.mktemp("jedna_prawda") / "wyniki"
    command = [sys.executable, "-m", "pzk_kit", "run", str(EXAMPLE_XLSX), "--out", str(out)]
    if request.param:
        command += ["--pomiar", request.param]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    proc = subprocess.run(command, capture_output=True, text=True, encoding="utf-8", env=env, timeout=900,
                          check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return out, proc.stdout, request.param


def _expected(asked: str | None) -> dict:
    return EXPECTED[asked or "T1"]


def console_figures(stdout: str) -> dict:
    """The console's closing line states the map's measurement, partners and ties."""
    line = next(line for line in stdout.splitlines() if re.search(r"\bmapa\b", line) and "powiąza" in line)
    measurement = re.search(r"\((?:pomiar )?(T\d+)\)", line)
    partners = re.search(r"(?:partner\w*|Instytucje na mapie):? (\d+)", line)
    ties = re.search(r"powiąza\w*:? (\d+)", line)
    assert measurement and partners and ties, line
    return {"measurement": measurement.group(1), "partners": int(partners.group(1)), "ties": int(ties.group(1))}


def notebook01_figures(page: Path) -> dict:
    """What notebook 01's HTML report states: the measurement sentence and the table of network measures."""
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "lxml")
    text = soup.get_text(" ", strip=True)
    stated = re.search(r"Wyniki opisują pomiar (T\d+)", text)
    assert stated, "notebook 01 does not name its measurement"
    labels = {row["kod"]: row["nazwa"] for row in read_table("miary.csv")}
    values: dict[str, str] = {}
    for table in soup.find_all("table"):
        rows = [[c.get_text(" ", strip=True) for c in tr.find_all(["td", "th"])] for tr in table.find_all("tr")]
        if rows and rows[0][:2] == ["Miara", "Wartość"]:
            values = {row[0]: row[1] for row in rows[1:]}
    assert values, "no table of network measures in notebook 01"
    isolates = values[labels["isolates"]]
    return {"measurement": stated.group(1), "partners": int(values[labels["partners"]]),
            "ties": int(values[labels["ties"]]), "density": _percent(values[labels["density"]]),
            "isolates": 0 if isolates in {"—", ""} else len(isolates.split(", "))}


def _rows(table) -> list[list[str]]:
    return [[cell.text.strip() for cell in row.cells] for row in table.rows]


def report_figures(path: Path) -> dict:
    """``raport.docx``: its summary card (ties, isolates), the source line under it (the measurement), the
    measures table of the network chapter (density in the run's column) and the partner codes table."""
    document = Document(str(path))
    tables = [_rows(t) for t in document.tables]
    card = next(rows for rows in tables if rows[0] == ["Miara", "Wynik", "Zmiana", "Ocena"])
    names = {row["kod"]: glossary.label(row["miara"]) for row in read_table("raport", "karta.csv")}
    card_values = {row[0]: row[1] for row in card[1:]}
    source = next(p.text for p in document.paragraphs if re.match(r"Mapa współpracy: pomiar T\d+", p.text))
    measurement = re.match(r"Mapa współpracy: pomiar (T\d+)", source).group(1)
    measures = next(rows for rows in tables if rows[0][0] == "Miara" and rows[0] != card[0])
    column = measures[0].index(f"Pomiar {measurement}" if len(measures[0]) == 2 else measurement)
    density = next(row[column] for row in measures if row[0] == "Gęstość sieci")
    codes = next(rows for rows in tables if rows[0] == ["Kod", "Instytucja", "Kod", "Instytucja"])
    partners = sum(1 for row in codes[1:] for code in (row[0], row[2]) if code)
    return {"measurement": measurement, "partners": partners, "ties": int(card_values[names["powiazania"]]),
            "density": _percent(density), "isolates": int(card_values[names["izolowani"]])}


def batch_row(tmp_path: Path, asked: str | None) -> dict[str, str]:
    from pzk_kit.runs.batch import CSV_DELIMITER, CSV_ENCODING, SUMMARY_CSV, run_batch

    region = tmp_path / "region"
    region.mkdir()
    shutil.copy(EXAMPLE_XLSX, region / "przykladowa.xlsx")
    result = run_batch(region, tmp_path / "wyniki", summary_only=True, measurement=asked, progress=False)
    assert result.ok
    with (tmp_path / "wyniki" / SUMMARY_CSV).open(encoding=CSV_ENCODING, newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter=CSV_DELIMITER))
    assert len(rows) == 1
    return rows[0]


# -- the comparison ---------------------------------------------------------------------------------------------


@pytest.mark.slow
def test_every_output_of_one_run_states_the_same_figures(one_run, tmp_path):
    out, stdout, asked = one_run
    expected = _expected(asked)
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    stated = {
        "summary.json": _from_summary(summary["network"]),
        "konsola": console_figures(stdout),
        "01_mapowanie_partnerow.html": notebook01_figures(out / "01_mapowanie_partnerow.html"),
        "raport.docx": report_figures(out / "raport.docx"),
    }
    row = batch_row(tmp_path, asked)
    stated["podsumowanie.csv"] = {
        "measurement": row["pomiar_mapy"], "partners": int(row["partnerzy"]), "ties": int(row["powiazania"]),
        "density": round(float(row["gestosc"].replace(",", ".")) * 100), "isolates": int(row["izolowani"])}
    for output, figures in stated.items():
        assert figures == {k: expected[k] for k in figures}, output
    assert set().union(*stated.values()) == set(FIGURES)  # every figure is checked somewhere
    # the survey follows the same measurement: the summary has nothing after it, the batch names it
    assert list(summary["evaluation"]["respondents"]) == (["T0"] if asked == "T0" else ["T0", "T1"])
    assert row["pomiar_ankiety"] == expected["measurement"]
    # --summary-only computes exactly what the notebooks wrote
    assert summary == json.loads(json.dumps(build_summary(read_gmina(EXAMPLE_XLSX), asked)))


@pytest.mark.slow
def test_every_output_names_its_measurement(one_run):
    out, stdout, asked = one_run
    measurement = _expected(asked)["measurement"]
    assert f"Wyniki opisują pomiar {measurement}" in stdout
    for page in ("01_mapowanie_partnerow.html", "03_ewaluacja.html"):
        text = BeautifulSoup((out / page).read_text(encoding="utf-8"), "lxml").get_text(" ", strip=True)
        assert f"Wyniki opisują pomiar {measurement}" in text, page
    if asked is None:
        assert "Zmiany pokazujemy od pierwszego pomiaru (T0)" in stdout
    headings = [p.text for p in Document(str(out / "raport.docx")).paragraphs if p.style.name.startswith("Heading")]
    assert f"Mapa współpracy w pomiarze {measurement}" in headings


@pytest.mark.slow
def test_the_app_shows_and_downloads_what_pzk_run_wrote(one_run, monkeypatch):
    """The app has no ``--pomiar``: its default must be what ``pzk run`` gives without one."""
    from pzk_kit.workshop.app import WorkshopApp, make_file

    out, _, asked = one_run
    if asked is not None:
        pytest.skip("the app's default is the run without --pomiar")
    monkeypatch.setattr(interactive, "show", lambda *_args, **_kwargs: None)
    monkeypatch.setattr(interactive, "show_png", lambda *_args, **_kwargs: None)
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    shown = WorkshopApp()
    data = shown.load(EXAMPLE_XLSX)
    assert data is not None
    measurement = shown.explorer.measurement.value
    net = shown.explorer.networks[measurement]
    assert (measurement, net.n, net.ties) == (summary["network"]["measurement"], summary["network"]["partners"],
                                              summary["network"]["ties"])
    assert shown.explorer.status.value.endswith(f"liczba powiązań: {summary['network']['ties']}")
    downloaded = make_file("summary", data)
    assert downloaded.available, downloaded.reason
    assert json.loads(downloaded.content.decode("utf-8")) == summary
    report = make_file("raport", data)
    assert report.available, report.reason
    path = out.parent / "z_aplikacji.docx"
    path.write_bytes(report.content)
    assert report_figures(path) == _expected(None)


# -- the rule itself (fast) -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def example():
    return read_gmina(EXAMPLE_XLSX)


@pytest.mark.parametrize(("available", "asked", "expected"), [
    (["T0", "T1"], None, "T1"),  # latest by default
    (["T1", "T0"], None, "T1"),  # in time order, not in the order found
    (["T0", "T1"], "T0", "T0"),  # explicit wins
    (["T0", "T2"], "T1", "T0"),  # not collected: the latest before it
    (["T1", "T2"], "T0", "T1"),  # nothing before: the first
    (["T0", "T1"], "T5", "T1"),
    (["T2", "T10"], None, "T10"),  # T10 after T2, not before
    ([], None, None),
])
def test_pick(available, asked, expected):
    assert pick(available, asked) == expected


def test_latest_by_default_explicit_wins_and_unknown_is_said_in_polish(example):
    assert run_measurement(example) == "T1"
    assert run_measurement(example, "T0") == "T0"
    default = resolve(example)
    assert (default.network, default.survey, default.first_network, default.first_survey) == ("T1", "T1", "T0", "T0")
    assert default.note is None
    assert default.text() == ("Wyniki opisują pomiar T1 — najnowszy w danych. "
                              "Zmiany pokazujemy od pierwszego pomiaru (T0).")
    assert resolve(example, "T0").text() == ("Wyniki opisują pomiar T0 (wybrany parametrem „pomiar”). "
                                             "To pierwszy pomiar, punkt wyjścia: zmianę pokaże kolejny.")
    unknown = resolve(example, "T5")
    assert unknown.run == "T1"
    assert unknown.note == ("Pomiaru T5 nie ma w danych (są: T0, T1) — wyniki opisują pomiar T1, najbliższy "
                            "wcześniejszy zebrany.")
    assert build_summary(example, "T5")["network"]["measurement"] == "T1"


def test_a_run_as_of_T0_leaves_later_measurements_out(example):
    seen = as_of(example, "T0")
    assert set(seen.cooperation["pomiar"]) == {"T0"} and set(seen.survey["pomiar"]) == {"T0"}
    assert as_of(example) is example  # the latest: nothing to leave out
    summary = build_summary(example, "T0")
    assert _from_summary(summary["network"]) == EXPECTED["T0"]
    assert summary["network"]["isolates"] == ["WODOCIAGI"]
    assert list(summary["evaluation"]["respondents"]) == ["T0"]
    assert all(set(by) == {"T0"} for by in summary["evaluation"]["factors"].values())
    assert _from_summary(build_summary(example)["network"]) == EXPECTED["T1"]


def test_summary_fallback_follows_the_run(example):
    """A notebook that wrote no network part: summary.json still describes the run's measurement."""
    from pzk_kit.runs.summary import summary_document

    assert _from_summary(summary_document(example, {})["network"]) == EXPECTED["T1"]
    assert _from_summary(summary_document(example, {}, "T0")["network"]) == EXPECTED["T0"]


def test_a_sheet_not_collected_in_the_run_shows_its_latest_before(write_csv_gmina, gmina_rows, tmp_path):
    """The survey was repeated (T1) but the map was not: the T0 map beside the T1 survey, both named."""
    for k, row in enumerate(list(gmina_rows["ankieta"][1:]), start=4):
        gmina_rows["ankieta"].append([f"R{k:02d}", "T1", *row[2:]])
    data = read_gmina(write_csv_gmina(tmp_path / "gmina", gmina_rows))
    assert data.report.ok, data.report.format_text()
    chosen = resolve(data)
    assert (chosen.run, chosen.network, chosen.survey) == ("T1", "T0", "T1")
    assert "Mapa współpracy pochodzi z pomiaru T0 (w pomiarze T1 jej nie zebrano)." in chosen.text()
    summary = build_summary(data)
    assert summary["network"]["measurement"] == "T0" and list(summary["evaluation"]["respondents"]) == ["T0", "T1"]
    asked = resolve(data, "T0")
    assert (asked.run, asked.network, asked.survey) == ("T0", "T0", "T0")


def test_pomiar_option_defaults_to_the_latest():
    parser = build_parser()
    for command in (["run", "x", "--out", "y"], ["batch", "x", "--out", "y"]):
        assert parser.parse_args(command).pomiar is None
        assert parser.parse_args([*command, "--pomiar", "t0"]).pomiar == "T0"
    help_text = io.StringIO()
    sub = next(a for a in parser._actions if a.dest == "command")
    sub.choices["run"].print_help(help_text)
    assert "domyślnie najnowszy" in help_text.getvalue()


def test_batch_rerun_follows_a_changed_default():
    """A result made under the old default (T0) is not kept as "unchanged" now that the default is the latest."""
    from pzk_kit.runs.batch import input_hash

    assert input_hash(EXAMPLE_XLSX, None) != input_hash(EXAMPLE_XLSX, "T0")
