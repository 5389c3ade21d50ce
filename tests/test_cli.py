"""The `pzk` command: exit codes, Polish output, no tracebacks, no overwritten user files."""

import argparse
import json
import re
import subprocess
import sys
from pathlib import Path

from pzk_kit import cli
from pzk_kit.files import write_marker
from pzk_kit.workbook.example import example_dir


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


# Words of argparse's English catalogue (help and error messages); "argument" is Polish too, and option names such
# as --help and --version are the contract's, so neither counts.
ARGPARSE_ENGLISH = re.compile(
    r"\b(usage|positional|arguments|options|optional|subcommands|show|this|help|message|exit|program's|version|"
    r"number|error|following|required|unrecognized|invalid|choice|choose|expected|least|most|allowed|ignored|"
    r"explicit|ambiguous|could|match|unexpected|string|open|unknown|parser|choices|value|the|and|from|with|not)\b"
)


def _english_words(text: str) -> set[str]:
    without_options = re.sub(r"(?<![\w-])--?[\w-]+", " ", text)
    return set(ARGPARSE_ENGLISH.findall(without_options))


def _command_output(capsys, argv: list[str]) -> tuple[int, str]:
    try:
        code = cli.main(argv)
    except SystemExit as exc:
        code = exc.code
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def test_every_help_is_polish(capsys):
    """Issue 14 item 6: `pzk --help` said "show program's version number and exit"; every help is Polish now."""
    parser = cli.build_parser()
    commands = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction)).choices
    assert len(commands) >= 9
    for argv in ([], ["--help"], *([name, "--help"] for name in commands)):
        code, text = _command_output(capsys, argv)
        assert code == 0, argv
        assert text.startswith("użycie: pzk"), (argv, text)
        assert "opcje:" in text and "pokaż tę pomoc i zakończ" in text, argv
        assert not _english_words(text), (argv, _english_words(text), text)
    code, text = _command_output(capsys, ["--help"])
    assert "--version pokaż wersję zestawu i zakończ" in " ".join(text.split())  # column width follows the commands


def test_server_help_names_the_servers_default_ports(capsys):
    """The help gives the ports as numbers (so `pzk --help` does not import the servers); they must be the real ones."""
    from pzk_kit.workshop.servers import DEFAULT_APP_PORT, DEFAULT_LAB_PORT

    for command, port in (("app", DEFAULT_APP_PORT), ("lab", DEFAULT_LAB_PORT)):
        _code, text = _command_output(capsys, [command, "--help"])
        assert f"port (domyślnie {port} albo pierwszy wolny)" in " ".join(text.split()), command


def test_the_kits_own_errors_share_one_base():
    """cli.main catches PzkError once; every failure the kit explains in Polish must derive from it."""
    from pzk_kit import files
    from pzk_kit.errors import PzkError
    from pzk_kit.runs import runner

    for error in (files.OutputExists, files.OutputRefused, files.OutputBusy, runner.InvalidInput,
                  runner.NotebookFailed):
        assert issubclass(error, PzkError), error
    assert (files.OutputExists(Path("x")).exit_code, files.OutputRefused("x").exit_code,
            files.OutputBusy("x").exit_code) == (1, 2, 1)
    assert files.OutputRefused("powód").message == "powód"


def test_usage_errors_are_polish(capsys):
    cases = {
        ("bledne",): "nieznane polecenie: 'bledne' (dostępne: 'template'",
        ("run",): "pzk run: błąd: brakuje wymaganych argumentów: INPUT, --out",
        ("run", "x", "--out"): "pzk run: błąd: argument --out: podaj jedną wartość",
        ("--wersja",): "pzk: błąd: nieznane argumenty: --wersja",
        ("validate", "x", "--json=tak"): "argument --json: ta opcja nie przyjmuje wartości (podano 'tak')",
        ("run", "x", "--out", "y", "--po"): "niejednoznaczna opcja: --po (pasuje do: --pomiar, --po-kolei)",
        ("batch", "x", "--out", "y", "-j", "dwa"): "argument -j/--jobs: „dwa” to nie liczba — podaj liczbę całkowitą",
        ("batch", "x", "--out", "y", "-j", "0"): "argument -j/--jobs: „0” — podaj liczbę całkowitą większą od zera",
        ("app", "--port", "osiem"): "argument --port: „osiem” to nie liczba",
    }
    for argv, expected in cases.items():
        code, text = _command_output(capsys, list(argv))
        assert code == 2, argv
        assert text.startswith("użycie: pzk"), (argv, text)
        assert expected in text, (argv, text)
        assert not _english_words(text), (argv, _english_words(text), text)


def test_other_argparse_users_keep_english():
    """The translation is scoped to pzk's parser: argparse elsewhere in the process (Jupyter, tools) is unchanged."""
    cli.build_parser().format_help()
    assert argparse.ArgumentParser(prog="x").format_help().startswith("usage: x")


def test_run_and_demo_refuse_a_folder_before_announcing_the_start(tmp_path, capsys):
    """Issue 14 item 7: `pzk run` into a folder of the user's said it started, then refused; now it only refuses."""
    mine = tmp_path / "moje"
    mine.mkdir()
    (mine / "notatki.txt").write_text("ważne", encoding="utf-8")
    earlier = tmp_path / "wyniki"
    earlier.mkdir()
    (earlier / "summary.json").write_text("{}", encoding="utf-8")
    write_marker(earlier, "run")  # an earlier result of the kit: refused without --nadpisz
    cases = [
        (["run", str(example_dir()), "--out", str(mine), "--nadpisz"], 2, "nie jest folderem z wynikami zestawu"),
        (["run", str(example_dir()), "--out", str(earlier)], 1, "już istnieje — nie nadpisuję go"),
        (["run", str(example_dir()), "--out", str(example_dir().parent)], 2, "zawiera dane wejściowe"),
        (["demo", str(mine), "--nadpisz"], 2, "nie jest folderem z wynikami zestawu"),
    ]
    for argv, code, refusal in cases:
        assert cli.main(argv) == code, argv
        captured = capsys.readouterr()
        assert refusal in captured.err, (argv, captured.err)
        assert captured.out == "", (argv, captured.out)  # no "Uruchamiam…" / "Kopiuję…" before the refusal
    assert [p.name for p in mine.iterdir()] == ["notatki.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["moje", "wyniki"]
