"""`pzk batch`: several gminas, one broken; reruns skip unchanged input; summary-only agrees with the notebooks."""

from __future__ import annotations

import csv
import json
import os
import shutil
import socket
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest

from pzk_kit import cli
from pzk_kit.files import OWNER_NAME, RESULT_MARKER
from pzk_kit.runs.batch import (
    ERRORS_NAME,
    MAX_NAME_BYTES,
    SUMMARY_CSV,
    SUMMARY_HTML,
    find_gminas,
    input_hash,
    run_batch,
)
from pzk_kit.runs.runner import STATE_NAME

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE_XLSX = ROOT / "data" / "przyklad" / "gmina_przykladowa.xlsx"
EXAMPLE_CSV = ROOT / "data" / "przyklad" / "gmina_przykladowa_csv"
BROKEN = ROOT / "tests" / "data" / "broken" / "brak_kolumny_sektor"


def _read_csv(path: Path) -> list[dict[str, str]]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "UTF-8 with BOM, so Excel shows Polish letters"
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle, delimiter=";"))


def _number(text: str) -> float:
    return float(text.replace(",", "."))


@pytest.fixture
def region(tmp_path):
    folder = tmp_path / "gminy"
    folder.mkdir()
    shutil.copy(EXAMPLE_XLSX, folder / "alfa.xlsx")
    shutil.copytree(EXAMPLE_CSV, folder / "beta")
    shutil.copytree(BROKEN, folder / "zepsuta")
    (folder / "~$alfa.xlsx").write_bytes(b"lock file of an open Excel")
    (folder / "notatki.txt").write_text("nie gmina", encoding="utf-8")
    return folder


def test_statuses_and_stages_keep_their_written_words():
    """The values reach people (terminal, logs) and Excel (``etap`` of bledy.csv): the enums must not change them."""
    from pzk_kit.runs.batch import Stage, Status

    assert [str(s) for s in Status] == ["gotowe", "bez zmian", "błąd"]
    assert [f"{s}" for s in Stage] == ["dane", "walidacja", "zeszyt", "zapis", "przerwano", "inny"]


def test_find_gminas_skips_lock_files_other_files_and_the_output(region):
    (region / "wyniki").mkdir()
    (region / "wyniki" / "podsumowanie.csv").write_text("x", encoding="utf-8")
    shutil.copy(EXAMPLE_XLSX, region / "beta.xlsx")  # same name as the CSV folder
    found = find_gminas(region, exclude=region / "wyniki")
    assert [(g.name, g.path.name) for g in found] == [
        ("alfa", "alfa.xlsx"), ("beta", "beta"), ("beta_xlsx", "beta.xlsx"), ("zepsuta", "zepsuta")]


def test_input_hash_follows_content_not_dates(tmp_path):
    folder = shutil.copytree(EXAMPLE_CSV, tmp_path / "g")
    first = input_hash(folder, "T0")
    os.utime(folder / "partnerzy.csv", (1, 1))
    assert input_hash(folder, "T0") == first
    assert input_hash(folder, "T1") != first, "another measurement is another result"
    with (folder / "uslugi.csv").open("a", encoding="utf-8") as handle:
        handle.write("\n")
    assert input_hash(folder, "T0") != first


@pytest.mark.slow
def test_batch_runs_the_good_reports_the_broken_and_reruns_skip(region, tmp_path, capsys):
    out = tmp_path / "wyniki"
    assert cli.main(["batch", str(region), "--out", str(out), "-j", "2", "--bez-paska"]) == 1
    printed = capsys.readouterr()
    assert "przeliczone 2" in printed.out and "z błędami 1" in printed.out
    assert "BŁĄD zepsuta (walidacja)" in printed.err

    for name in ("alfa", "beta"):
        names = {p.name for p in (out / name).iterdir()}
        assert {"summary.json", "raport.docx", "katalog_uslug.html", "03_ewaluacja.html", STATE_NAME} <= names
        log = (out / "logi" / f"{name}.log").read_text(encoding="utf-8")
        assert "Wynik: gotowe" in log and "Ewaluacja partnerstwa: gotowe" in log
    assert not (out / "zepsuta").exists()
    errors = _read_csv(out / ERRORS_NAME)
    assert [(e["gmina"], e["etap"]) for e in errors] == [("zepsuta", "walidacja")]
    assert "arkusz „partnerzy”, wiersz 1, kolumna „sektor”" in errors[0]["komunikat"]

    rows = {r["gmina"]: r for r in _read_csv(out / SUMMARY_CSV)}
    assert set(rows) == {"alfa", "beta"}
    summary = json.loads((out / "alfa" / "summary.json").read_text(encoding="utf-8"))
    assert rows["alfa"]["nazwa"] == "Gmina Przykładowa" and rows["alfa"]["teryt"] == "1299013"
    assert int(rows["alfa"]["powiazania"]) == summary["network"]["ties"] == 71  # T1, the latest
    assert (rows["alfa"]["pomiar_mapy"], rows["alfa"]["pomiar_ankiety"]) == ("T1", "T1")
    assert _number(rows["alfa"]["gestosc"]) == pytest.approx(summary["network"]["density"], abs=1e-4)
    assert rows["alfa"]["brakujace_sektory"] == "Sport"
    assert int(rows["alfa"]["luki"]) == len(summary["basket"]["gaps"]) == 4
    assert _number(rows["alfa"]["czynnik_przeplyw_informacji"]) == summary["evaluation"]["factors"][
        "przeplyw_informacji"]["T1"]
    page = (out / SUMMARY_HTML).read_text(encoding="utf-8")
    assert "data:image/png;base64," in page and "zepsuta" in page and "Brakuje wymaganej kolumny" in page

    # summary-only computes the very same figures without notebooks
    quick = tmp_path / "szybko"
    result = run_batch(region, quick, summary_only=True, progress=False)
    assert sorted(o.status for o in result.outcomes) == ["błąd", "gotowe", "gotowe"]
    for name in ("alfa", "beta"):
        assert json.loads((quick / name / "summary.json").read_text(encoding="utf-8")) == json.loads(
            (out / name / "summary.json").read_text(encoding="utf-8"))
    assert _read_csv(quick / SUMMARY_CSV) == _read_csv(out / SUMMARY_CSV)

    # a rerun skips unchanged gminas (a full result also answers summary-only), --force redoes them
    stamp = (out / "alfa" / "summary.json").stat().st_mtime_ns
    result = run_batch(region, out, summary_only=True, progress=False)
    assert {o.gmina.name: o.status for o in result.outcomes} == {"alfa": "bez zmian", "beta": "bez zmian",
                                                                "zepsuta": "błąd"}
    assert (out / "alfa" / "summary.json").stat().st_mtime_ns == stamp
    shutil.rmtree(region / "zepsuta")
    result = run_batch(region, out, summary_only=True, force=True, progress=False)
    assert result.ok and {o.status for o in result.outcomes} == {"gotowe"}
    assert _read_csv(out / ERRORS_NAME) == []
    # ...and a summary-only result never stands in for a full run
    state = json.loads((out / "alfa" / STATE_NAME).read_text(encoding="utf-8"))
    assert state["tryb"] == "tylko_podsumowanie"


def test_summary_only_reruns_only_changed_input_and_cleans_interrupted_staging(region, tmp_path):
    out = tmp_path / "wyniki"
    shutil.rmtree(region / "zepsuta")
    assert run_batch(region, out, summary_only=True, progress=False).ok
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    (out / ".alfa.abcd.tmp").mkdir()  # left by a killed run
    (out / ".alfa.abcd.tmp" / "summary.json").write_text("pół", encoding="utf-8")
    (out / ".alfa.abcd.tmp" / OWNER_NAME).write_text(json.dumps(
        {"pid": dead.pid, "start": None, "host": socket.gethostname()}), encoding="utf-8")
    with (region / "beta" / "potrzeby.csv").open("a", encoding="utf-8") as handle:
        handle.write("Ubóstwo;Osoby starsze;10;2;nowa diagnoza\r\n")
    result = run_batch(region, out, summary_only=True, progress=False)
    assert {o.gmina.name: o.status for o in result.outcomes} == {"alfa": "bez zmian", "beta": "gotowe"}
    beta = json.loads((out / "beta" / "summary.json").read_text(encoding="utf-8"))
    assert beta["basket"]["needs"] == 16
    assert [p.name for p in out.iterdir() if p.name.startswith(".")] == [RESULT_MARKER]


def test_batch_of_an_empty_or_missing_folder_says_so(tmp_path, capsys):
    (tmp_path / "pusty").mkdir()
    assert cli.main(["batch", str(tmp_path / "pusty"), "--out", str(tmp_path / "w"), "--bez-paska"]) == 1
    assert "Nie znaleziono żadnej gminy" in capsys.readouterr().err
    assert cli.main(["batch", str(tmp_path / "nie_ma"), "--out", str(tmp_path / "w")]) == 1
    assert "nie jest folderem" in capsys.readouterr().err


def test_every_gmina_failure_is_recorded_and_output_names_are_safe_and_unique(tmp_path, capsys):
    """Issue 13 item 7: one odd file name or one unwritable result must not stop the region."""
    folder = tmp_path / "gminy"
    folder.mkdir()
    long_name = "Gmina Łódź " + "a" * 229  # a 245-character file name (248 bytes), as in the issue
    assert len(f"{long_name}.xlsx") == 245
    shutil.copy(EXAMPLE_XLSX, folder / f"{long_name}.xlsx")
    shutil.copy(EXAMPLE_XLSX, folder / f"{long_name[:-1]}X.xlsx")  # same first 100 bytes
    shutil.copy(EXAMPLE_XLSX, folder / "Gmina.xlsx")
    shutil.copytree(EXAMPLE_CSV, folder / "gmina")  # "Gmina" and "gmina" are one folder on Windows and macOS
    shutil.copy(EXAMPLE_XLSX, folder / "logi.xlsx")  # the batch's own log folder
    shutil.copy(EXAMPLE_XLSX, folder / "tab\tw nazwie.xlsx")
    shutil.copy(EXAMPLE_XLSX, folder / "zajeta.xlsx")
    (folder / "uszkodzona.xlsx").write_bytes(b"PK\x03\x04 to nie jest skoroszyt")
    out = tmp_path / "wyniki"
    out.mkdir()
    (out / "zajeta").mkdir()  # a folder of the user's where a result would go
    (out / "zajeta" / "moje.docx").write_text("ważne", encoding="utf-8")
    (out / "podsumowanie.csv").write_text("x", encoding="utf-8")  # an earlier batch (no marker yet)
    (out / ERRORS_NAME).write_text("x", encoding="utf-8")

    assert cli.main(["batch", str(folder), "--out", str(out), "--summary-only", "--bez-paska"]) == 1
    names = {g.path.name: g.name for g in find_gminas(folder)}
    assert len(names) == 8
    keys = [unicodedata.normalize("NFC", n).casefold() for n in names.values()]
    assert len(set(keys)) == len(keys), names
    assert all(len(n.encode()) <= MAX_NAME_BYTES and "\t" not in n for n in names.values())
    assert names["gmina"] == "gmina" and names["Gmina.xlsx"] == "Gmina_xlsx" and names["logi.xlsx"] == "logi_xlsx"
    assert names[f"{long_name}.xlsx"] != names[f"{long_name[:-1]}X.xlsx"]

    errors = {e["gmina"]: e for e in _read_csv(out / ERRORS_NAME)}
    assert set(errors) == {"zajeta", "uszkodzona"}
    assert "moje.docx" in errors["zajeta"]["komunikat"] and "nie zastąpię" in errors["zajeta"]["komunikat"]
    assert (out / "zajeta" / "moje.docx").read_text(encoding="utf-8") == "ważne"
    for path_name, name in names.items():
        if name in errors:
            continue
        summary = json.loads((out / name / "summary.json").read_text(encoding="utf-8"))
        assert summary["gmina"]["name"] == "Gmina Przykładowa", path_name
        assert (out / "logi" / f"{name}.log").exists()
    assert {r["gmina"] for r in _read_csv(out / SUMMARY_CSV)} == set(names.values()) - set(errors)
    assert "Traceback" not in capsys.readouterr().err


def test_batch_output_folder_holding_the_input_or_foreign_files_is_refused(tmp_path, capsys):
    folder = tmp_path / "gminy"
    folder.mkdir()
    shutil.copy(EXAMPLE_XLSX, folder / "alfa.xlsx")
    (tmp_path / "dokumenty").mkdir()
    (tmp_path / "dokumenty" / "umowa.docx").write_text("ważne", encoding="utf-8")
    for out, text in ((folder, "zawiera dane gmin"), (tmp_path, "zawiera dane gmin"),
                      (tmp_path / "dokumenty", "nie jest folderem z wynikami pzk batch")):
        assert cli.main(["batch", str(folder), "--out", str(out), "--summary-only", "--bez-paska"]) == 2
        assert text in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dokumenty", "gminy"]
    assert sorted(p.name for p in (tmp_path / "dokumenty").iterdir()) == ["umowa.docx"]


def test_hostile_names_as_file_names_all_run_into_safe_distinct_folders(tmp_path):
    """Every payload of the hostile corpus that a file system accepts as a name, as a gmina's workbook name."""
    payloads = json.loads((ROOT / "tests" / "data" / "hostile" / "payloads.json").read_text(encoding="utf-8"))
    hostile = ROOT / "tests" / "data" / "hostile" / "gmina_wroga.xlsx"
    folder = tmp_path / "gminy"
    folder.mkdir()
    used = set()
    for payload in payloads["payloads"]:
        name = payload["value"]
        if "/" in name or "\0" in name or name.startswith((".", "~$")) or len(f"{name}.xlsx".encode()) > 255:
            continue
        shutil.copy(hostile, folder / f"{name}.xlsx")
        used.add(f"{name}.xlsx")
    assert len(used) >= 12
    result = run_batch(folder, tmp_path / "wyniki", summary_only=True, progress=False)
    assert {o.gmina.path.name for o in result.outcomes} == used
    assert [o.message for o in result.outcomes if o.status != "gotowe"] == []
    names = [o.gmina.name for o in result.outcomes]
    assert len({unicodedata.normalize("NFC", n).casefold() for n in names}) == len(used)
    for name in names:
        assert len(name.encode()) <= MAX_NAME_BYTES and name == name.strip(" .")
        assert not any(c in name for c in '<>:"/\\|?*') and name.isprintable(), repr(name)
        assert (tmp_path / "wyniki" / name / "summary.json").exists()
    assert len(_read_csv(tmp_path / "wyniki" / SUMMARY_CSV)) == len(used)
