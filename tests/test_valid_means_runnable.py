"""Valid means runnable (issue 13, item 8): whatever passes ``validate`` goes through every output without error.

Control characters used to pass validation and then stop the catalogue, the report and the documents with
python-docx's "All strings must be XML compatible". They are now removed when reading, each cleaned cell reported
as a warning with its place; bidirectional overrides ("Trojan Source") are removed the same way. Hypothesis then
fills the free-text cells with any characters and checks that every valid input runs through the in-process
producers; one slow test runs the real ``pzk run`` and ``pzk dokumenty`` on the hostile CSV gmina.
"""

from __future__ import annotations

import copy
import subprocess
import sys
import tempfile
from pathlib import Path

import docx
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from pzk_kit.basket import catalogue, hsds
from pzk_kit.evaluation import report
from pzk_kit.runs import summary
from pzk_kit.workbook.cells import invisible_controls, normalize_raw
from pzk_kit.workbook.reading import read_gmina
from pzk_kit.workshop import documents

ROOT = Path(__file__).resolve().parents[1]
HOSTILE_CSV = ROOT / "tests" / "data" / "hostile" / "gmina_wroga_csv"
CONTROLS = "usunięto niewidoczne znaki sterujące"


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("Komenda\x1b[31m Policji\x1b[0m", "Komenda Policji"),  # the whole ANSI sequence, not only ESC
        ("GOPS\x07\x01", "GOPS"),
        ("Szkoła\x0bPodstawowa", "Szkoła Podstawowa"),  # vertical tab (a line break in old Mac exports)
        ("Fundacja \u202eanuR\u202c", "Fundacja anuR"),  # a right-to-left override: would display "Runa"
        ("\u2066Ośrodek\u2069 Kultury", "Ośrodek Kultury"),
        ("Dom\u0085Kultury\x9b", "Dom Kultury"),  # C1 controls
        ("x\ufffey", "xy"),
    ],
)
def test_control_characters_are_removed(raw, clean):
    assert invisible_controls(raw)
    assert normalize_raw(raw) == clean


@pytest.mark.parametrize("text", ["Zażółć gęślą jaźń", "Dwie\nlinie", "tab\tulator", "\u200fznak\u200e", "🙂 ok"])
def test_ordinary_text_is_not_reported(text):
    """Tabs and line breaks are whitespace (collapsed as before); marks and emoji are text."""
    assert not invisible_controls(text)
    assert "\x1b" not in str(normalize_raw(text))


def test_cleaned_cells_are_warnings_with_their_place(tmp_path, gmina_rows, write_csv_gmina, find_problems):
    gmina_rows["partnerzy"][2][1] = "Powiatowy Urząd Pracy\x1b[1m"
    gmina_rows["uslugi"][2][2] = "Szkolenia\u202e zawodowe"
    data = read_gmina(write_csv_gmina(tmp_path / "g", gmina_rows))
    assert data.report.ok
    assert find_problems(data.report, "ostrzeżenie", "partnerzy", 3, "nazwa (B)", "niewidoczne znaki sterujące")
    assert find_problems(data.report, "ostrzeżenie", "uslugi", 3, "nazwa (C)", "niewidoczne znaki sterujące")
    assert len(data.report.warnings) == 2
    assert data.partners.set_index("id").loc["PUP", "nazwa"] == "Powiatowy Urząd Pracy"


def test_hostile_corpus_reads_valid_and_clean():
    data = read_gmina(HOSTILE_CSV)
    assert data.report.ok
    assert any(CONTROLS in p.text.lower() for p in data.report.warnings)
    for frame in (data.partners, data.services, data.needs):
        for column in frame.columns:
            for value in frame[column]:
                assert not invisible_controls(value), (column, value)


def test_hostile_corpus_runs_through_the_docx_producers(tmp_path):
    """The failure of the issue: the catalogue DOCX refused the strings (before this fix: ValueError)."""
    data = read_gmina(HOSTILE_CSV)
    path = catalogue.write_catalogue_docx(data, tmp_path / "katalog.docx")
    text = "\n".join(p.text for p in docx.Document(str(path)).paragraphs)
    assert data.name in text
    report.write_report_docx(data, tmp_path / "raport.docx")
    assert len(documents.write_documents(data, tmp_path / "dokumenty")) == len(documents.DOCUMENT_FILES)


# -- any valid input runs ----------------------------------------------------------------------------------------

_NASTY = st.one_of(
    st.characters(min_codepoint=0, max_codepoint=0x9F),
    st.sampled_from(list("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200b\u200e\u200f\ufeff\u00a0"
                         "\ufffe\uffffąćęłńóśźżŁŻ<>&\"';,=+-@")),
    st.characters(blacklist_categories=("Cs",)),
)
free_text = st.text(_NASTY, min_size=1, max_size=40)


def _blueprint(gmina_rows: dict) -> dict:
    """The test gmina with every kind of free-text column the outputs print."""
    rows = copy.deepcopy(gmina_rows)
    rows["gmina"] += [["misja", "Razem dla mieszkańców"], ["powiat", "testowy"]]
    rows["partnerzy"][0] += ["adres", "osoba_kontaktowa"]
    for row in rows["partnerzy"][1:]:
        row += ["ul. Lipowa 1", "Jan Testowy"]
    rows["uslugi"][0] += ["opis", "miejsce", "godziny", "kontakt"]
    for row in rows["uslugi"][1:]:
        row += ["Opis usługi", "Sala 1", "8-16", "tel. 22 000 00 00"]
    return rows


# (sheet, row index, column index) of every free-text cell of the blueprint
_FREE_CELLS = (
    [("gmina", 1, 1), ("gmina", 6, 1), ("gmina", 7, 1)]
    + [("partnerzy", r, c) for r in (1, 2, 3, 4) for c in (1, 7, 8)]
    + [("uslugi", r, c) for r in (1, 2) for c in (2, 8, 9, 10, 11)]
    + [("potrzeby", r, 4) for r in (1, 2)]
)


def _produce_everything(data, out: Path) -> None:
    catalogue.write_catalogue_html(data, out / "katalog_uslug.html")
    catalogue.write_catalogue_docx(data, out / "katalog_uslug.docx")
    report.write_report_docx(data, out / "raport.docx")
    documents.write_documents(data, out / "dokumenty")
    hsds.export_hsds(data, out / "hsds")
    summary.write_summary(summary.build_summary(data), out / "podsumowanie")


@settings(max_examples=8, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large])
@given(data=st.data(), delimiter=st.sampled_from(";,"))
def test_any_valid_text_runs_through_every_producer(write_csv_gmina, gmina_blueprint, data, delimiter):
    rows = _blueprint(gmina_blueprint)
    for sheet, r, c in data.draw(st.lists(st.sampled_from(_FREE_CELLS), min_size=1, max_size=8, unique=True)):
        rows[sheet][r][c] = data.draw(free_text)
    with tempfile.TemporaryDirectory(prefix="pzk-runnable-") as tmp:
        gmina = read_gmina(write_csv_gmina(Path(tmp) / "g", rows, delimiter=delimiter))
        assume(gmina.report.ok)
        _produce_everything(gmina, Path(tmp) / "wyniki")


@pytest.mark.slow
def test_pzk_run_and_dokumenty_on_the_hostile_csv_gmina(hostile_run, tmp_path):
    env_python = [sys.executable, "-m", "pzk_kit"]
    out, run = hostile_run  # `pzk run` of HOSTILE_CSV, shared with the browser tests (tests/conftest.py)
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    assert (out / "katalog_uslug.docx").is_file() and (out / "raport.docx").is_file()
    made = subprocess.run([*env_python, "dokumenty", str(HOSTILE_CSV), "--out", str(tmp_path / "dokumenty")],
                          capture_output=True, text=True, timeout=600)
    assert made.returncode == 0, made.stdout[-2000:] + made.stderr[-2000:]
    assert len(list((tmp_path / "dokumenty").glob("*.docx"))) == len(documents.DOCUMENT_FILES)
