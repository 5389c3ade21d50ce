"""The `pzk` command: exit codes, Polish output, no tracebacks, no overwritten user files."""

import json
import subprocess
import sys
from pathlib import Path

from pzk_kit import cli
from pzk_kit.example import example_dir


def test_validate_example_is_valid(capsys):
    assert cli.main(["validate", str(example_dir())]) == 0
    out = capsys.readouterr().out
    assert "Dane są poprawne." in out
    assert "SANEPID" in out  # the partner without a declaration is a warning, not an error


def test_validate_json(capsys):
    assert cli.main(["validate", str(example_dir()), "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["ok"] is True
    assert {p["Rodzaj"] for p in payload["problems"]} == {"ostrzeżenie"}


def test_validate_missing_path(capsys, tmp_path):
    assert cli.main(["validate", str(tmp_path / "nie_ma.xlsx")]) == 2
    assert "Nie znaleziono pliku" in capsys.readouterr().out


def test_unexpected_error_is_a_polish_sentence(monkeypatch, capsys, tmp_path):
    def boom(_args):
        raise RuntimeError("coś poszło nie tak")

    monkeypatch.setattr(cli, "cmd_template", boom)
    assert cli.main(["template", str(tmp_path / "x.xlsx")]) == 1
    err = capsys.readouterr().err
    assert "Nieoczekiwany błąd" in err and "Traceback" not in err


def test_unknown_command_and_help_are_polish():
    proc = subprocess.run(
        [sys.executable, "-m", "pzk_kit", "bledne"], capture_output=True, text=True, encoding="utf-8"
    )
    assert proc.returncode == 2
    assert "nieznane polecenie" in proc.stderr and "Traceback" not in proc.stderr
    help_text = subprocess.run(
        [sys.executable, "-m", "pzk_kit", "--help"], capture_output=True, text=True, encoding="utf-8"
    ).stdout
    for command in ("template", "validate", "slowniki", "demo"):
        assert command in help_text
    assert "polecenia" in help_text


def test_console_script_is_installed():
    script = Path(sys.executable).with_name("pzk")
    proc = subprocess.run([str(script), "validate", str(example_dir())], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_measurement_option_is_checked_by_the_parser():
    """Issue 13 item 11: ``--pomiar abc`` used to start the whole run; now a Polish usage error, exit 2."""
    for command in (["run", str(example_dir()), "--out", "nie_powstanie"], ["batch", str(example_dir()), "--out", "x"]):
        proc = subprocess.run([sys.executable, "-m", "pzk_kit", *command, "--pomiar", "abc"],
                              capture_output=True, text=True, encoding="utf-8")
        assert proc.returncode == 2
        assert "argument --pomiar: niepoprawny pomiar „abc” — podaj oznaczenie pomiaru: T0, T1, T2" in proc.stderr
        assert "Traceback" not in proc.stderr and "invalid" not in proc.stderr
    assert not Path("nie_powstanie").exists()
    parser = cli.build_parser()
    assert parser.parse_args(["run", "x", "--out", "y", "--pomiar", "t1"]).pomiar == "T1"
    assert parser.parse_args(["run", "x", "--out", "y", "--pomiar", "2"]).pomiar == "T2"
    assert parser.parse_args(["run", "x", "--out", "y"]).pomiar is None  # the latest in the data (issue 14)
