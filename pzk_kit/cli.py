"""The ``pzk`` command (CONTRACT §2). Every message is Polish and no user ever sees a traceback."""

from __future__ import annotations

import argparse
import contextlib
import functools
import json
import os
import signal
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

from pzk_kit import __version__
from pzk_kit.console import print_line

EXIT_OK, EXIT_FAILURE, EXIT_INVALID = 0, 1, 2


def _argparse_catalogue() -> dict[str, str]:
    from pzk_kit.resources import read_table

    return {row["angielski"]: row["polski"] for row in read_table("argparse_pl.csv")}


def _polish(text: str) -> str:
    """argparse's English string in Polish (``data/argparse_pl.csv``), keeping its trailing space or newline."""
    if not isinstance(text, str):  # argparse also passes None through gettext
        return text
    english = text.rstrip()
    polish = _argparse_catalogue().get(english)
    return text if polish is None else polish + text[len(english):]


@contextlib.contextmanager
def _polish_argparse() -> Iterator[None]:
    """argparse's strings in Polish while our parser builds, parses or prints, and English again afterwards.

    argparse speaks through gettext and Python ships no Polish catalogue; swapping its ``_`` only around our own
    calls keeps other argparse users in the same process (Jupyter, tests) untouched.
    """
    saved = argparse._, argparse.ngettext  # type: ignore[attr-defined]
    argparse._ = _polish  # type: ignore[attr-defined]
    argparse.ngettext = lambda singular, plural, n: _polish(singular if n == 1 else plural)
    try:
        yield
    finally:
        argparse._, argparse.ngettext = saved  # type: ignore[attr-defined]


def _in_polish(method):
    @functools.wraps(method)
    def wrapper(*args, **kwargs):
        with _polish_argparse():
            return method(*args, **kwargs)
    return wrapper


class PolishArgumentParser(argparse.ArgumentParser):
    """An ArgumentParser whose help, usage and error messages are Polish; ``pzk``'s subcommands inherit it."""

    __init__ = _in_polish(argparse.ArgumentParser.__init__)
    add_subparsers = _in_polish(argparse.ArgumentParser.add_subparsers)
    parse_args = _in_polish(argparse.ArgumentParser.parse_args)
    parse_known_args = _in_polish(argparse.ArgumentParser.parse_known_args)
    format_usage = _in_polish(argparse.ArgumentParser.format_usage)
    format_help = _in_polish(argparse.ArgumentParser.format_help)
    error = _in_polish(argparse.ArgumentParser.error)


EXIT_INTERRUPTED = 130  # 128 + SIGINT, what shells report for Ctrl+C


def _measurement(text: str) -> str:
    """``--pomiar``: the same labels as the ``pomiar`` column (``t1`` and ``1`` mean ``T1``)."""
    from pzk_kit.workbook.cells import Bad, parse_pomiar

    value = parse_pomiar(text)
    if isinstance(value, Bad):
        raise argparse.ArgumentTypeError(f"niepoprawny pomiar „{text}” — podaj {value.expected}")
    return value


def _deadline(text: str):
    """``--termin``: a date as the ``gmina`` sheet takes it (``2027-01-31`` or ``31.01.2027``)."""
    from pzk_kit.workbook.cells import Bad, parse_date

    value = parse_date(text)
    if isinstance(value, Bad):
        raise argparse.ArgumentTypeError(f"niepoprawna data „{text}” — podaj {value.expected}")
    return value


def _count(text: str) -> int:
    """A whole number ≥ 1 (``-j``, ``--port``, ``--limit``), refused in Polish rather than as "invalid int value"."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"„{text}” to nie liczba — podaj liczbę całkowitą") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"„{text}” — podaj liczbę całkowitą większą od zera")
    return value


def cmd_validate(args: argparse.Namespace) -> int:
    from pzk_kit.workbook.reading import read_gmina

    report = read_gmina(args.input).report
    if args.json:
        print_line(json.dumps(
            {"ok": report.ok, "problems": report.to_frame().to_dict(orient="records")}, ensure_ascii=False, indent=1
        ))
    else:
        print_line(report.format_text(limit=None if args.wszystkie else args.limit))
    return report.exit_code


def cmd_slowniki(args: argparse.Namespace) -> int:
    from pzk_kit.workbook.dictionaries import format_dictionaries, load_dictionaries

    unknown = [n for n in args.nazwy if n not in load_dictionaries()]
    if unknown:
        print_line(f"Nie ma słownika: {', '.join(unknown)}. Dostępne: {', '.join(load_dictionaries())}.", err=True)
        return EXIT_FAILURE
    print_line(format_dictionaries(args.nazwy or None))
    return EXIT_OK


def cmd_template(args: argparse.Namespace) -> int:
    from pzk_kit.workbook.templates import write_template

    out = write_template(Path(args.out), overwrite=args.nadpisz)
    kind = "skoroszyt" if out.suffix.lower() == ".xlsx" else "folder z plikami CSV"
    print_line(f"Zapisano szablon ({kind}): {out}")
    print_line("Wypełnij go, a potem sprawdź poleceniem: pzk validate " + str(out))
    return EXIT_OK


def _run_report(result, started: float) -> None:
    from pzk_kit import glossary
    from pzk_kit.runs.outputs import CATALOGUE_HTML_NAME, REPORT_NAME, SUMMARY_NAME, VALIDATION_NAME

    summary = result.summary
    network, basket, evaluation = summary["network"], summary["basket"], summary["evaluation"]
    print_line(f"Gotowe w {time.perf_counter() - started:.0f} s. Wyniki: {result.out}")
    # The glossary's names and forms, as in the report and the app ("Instytucje na mapie", not "partnerzy").
    print_line(f"  mapa współpracy (pomiar {network['measurement']}): "
               + glossary.line({"partners": network["partners"], "ties": network["ties"]}))
    print_line("  koszyk usług: " + glossary.line({"services": basket["services"],
                                                  "needs_covered": (basket["needs_covered"], basket["needs"])}))
    print_line("  ewaluacja: " + glossary.line({"respondents": ", ".join(
        f"{m}: {n}" for m, n in evaluation["respondents"].items()) or "brak"}))
    print_line(f"  raport dla rady: {REPORT_NAME} · katalog usług: {CATALOGUE_HTML_NAME} i .docx · "
               f"zestawienie: {SUMMARY_NAME} · zeszyty: 01–03 (.ipynb i .html)")
    if summary["warnings"]:
        print_line(f"  uwagi z walidacji: {len(summary['warnings'])} (pełna lista: {VALIDATION_NAME})")


def _run_failed(exc: Exception) -> int:
    from pzk_kit.runs.runner import InvalidInput, NotebookFailed

    if isinstance(exc, InvalidInput):
        print_line(exc.report.format_text(), err=True)
        print_line("Nic nie zapisano. Popraw błędy i uruchom ponownie.", err=True)
        return EXIT_INVALID
    if isinstance(exc, NotebookFailed):
        print_line(exc.message, err=True)
        print_line("Nic nie zapisano (wcześniejsze wyniki, jeśli były, zostały bez zmian).", err=True)
        return EXIT_FAILURE
    raise exc


def cmd_run(args: argparse.Namespace) -> int:
    from pzk_kit.files import check_output
    from pzk_kit.runs.runner import RESULT_NAMES, InvalidInput, NotebookFailed, run_gmina

    started = time.perf_counter()
    # A folder that cannot take the results is refused before the run is announced, not after
    check_output(Path(args.out), overwrite=args.nadpisz, protect=[Path(args.input)], result="run", known=RESULT_NAMES)
    print_line(f"Uruchamiam trzy zeszyty dla: {args.input} (pomiar {args.pomiar or 'najnowszy w danych'}) …")
    try:
        result = run_gmina(args.input, args.out, measurement=args.pomiar, overwrite=args.nadpisz,
                           parallel=not args.po_kolei, log=lambda text: print_line("  " + text))
    except (InvalidInput, NotebookFailed) as exc:
        return _run_failed(exc)
    _run_report(result, started)
    return EXIT_OK


def cmd_batch(args: argparse.Namespace) -> int:
    from pzk_kit.runs.batch import ERRORS_NAME, LOG_DIR, SUMMARY_CSV, SUMMARY_HTML, Status, run_batch

    started = time.perf_counter()
    source = Path(args.input)
    if not source.is_dir():
        print_line(f"„{source}” nie jest folderem. Podaj folder ze skoroszytami gmin (.xlsx, .ods, .xls) lub "
                   "folderami CSV.", err=True)
        return EXIT_FAILURE
    mode = "tylko podsumowanie (bez zeszytów)" if args.summary_only else f"{args.jobs} gminy naraz"
    print_line(f"Przetwarzam gminy z {source} → {args.out} ({mode}) …")
    result = run_batch(source, args.out, jobs=args.jobs, force=args.force, summary_only=args.summary_only,
                       measurement=args.pomiar, progress=not args.bez_paska)
    counts = {status: sum(o.status is status for o in result.outcomes) for status in Status}
    if not result.outcomes:
        print_line("Nie znaleziono żadnej gminy: w folderze nie ma skoroszytów (.xlsx, .ods, .xls) ani folderów z "
                   "plikami CSV.", err=True)
        return EXIT_FAILURE
    print_line(f"Gotowe w {time.perf_counter() - started:.0f} s: przeliczone {counts[Status.DONE]}, "
               f"bez zmian (pominięte) {counts[Status.UNCHANGED]}, z błędami {counts[Status.FAILED]}.")
    for outcome in sorted(result.failed, key=lambda o: o.gmina.name):
        print_line(f"  BŁĄD {outcome.gmina.name} ({outcome.stage}): {outcome.message}", err=True)
    out = Path(args.out)
    print_line(f"  zestawienie: {out / SUMMARY_CSV} i {out / SUMMARY_HTML}; błędy: {out / ERRORS_NAME}; "
               f"dzienniki: {out / LOG_DIR}")
    return EXIT_OK if result.ok else EXIT_FAILURE


def cmd_demo(args: argparse.Namespace) -> int:
    """Copy the example gmina next to its results, then run everything on it (CONTRACT §2)."""
    from pzk_kit.files import atomic_dir, check_output
    from pzk_kit.runs.runner import RESULT_NAMES, InvalidInput, NotebookFailed, run_into
    from pzk_kit.workbook.example import EXAMPLES, example_rows, write_example_workbook
    from pzk_kit.workbook.reading import read_gmina
    from pzk_kit.workbook.templates import write_csv_folder, write_template

    started = time.perf_counter()
    out = Path(args.out)
    name = EXAMPLES[args.przyklad]
    check_output(out, overwrite=args.nadpisz, result="demo", known=RESULT_NAMES | {"dane"})
    shown, on = ("„Gminę Przykładową”", "na niej") if args.przyklad == "gmina" else ("„Powiat Przykładowy”", "na nim")
    print_line(f"Kopiuję {shown} do {out} i uruchamiam {on} cały zestaw …")
    try:
        with atomic_dir(out, overwrite=args.nadpisz, result="demo", known=RESULT_NAMES | {"dane"}) as tmp:
            inputs = tmp / "dane"
            inputs.mkdir()
            workbook = write_example_workbook(inputs / f"{name}.xlsx", name=name)
            write_csv_folder(inputs / f"{name}_csv", example_rows(name))
            write_template(inputs / "szablon_pzk.xlsx")
            data = read_gmina(workbook)
            data.report.source = str(out / workbook.relative_to(tmp))  # where the user will find it
            if not data.report.ok:
                raise InvalidInput(data.report)
            result = run_into(data, tmp, log=lambda text: print_line("  " + text),
                              source_parameter=str(workbook.relative_to(tmp)))
    except (InvalidInput, NotebookFailed) as exc:
        return _run_failed(exc)
    result.out = out
    _run_report(result, started)
    print_line(f"  dane przykładu (do podejrzenia i jako wzór): {out / 'dane'}")
    return EXIT_OK


def _valid_gmina(path: str | Path, advice: str = "Nic nie zapisano. Popraw błędy i uruchom ponownie."):
    """The gmina read from ``path``, or None after printing its problems and ``advice``: a command that writes
    files from the data writes nothing from bad data."""
    from pzk_kit.workbook.reading import read_gmina

    data = read_gmina(path)
    if data.report.ok:
        return data
    print_line(data.report.format_text(), err=True)
    print_line(advice, err=True)
    return None


def cmd_dokumenty(args: argparse.Namespace) -> int:
    """Printable forms and PZK documents (DOCX) mail-merged from the gmina data; nothing written on bad data."""
    from pzk_kit.workshop.documents import write_documents

    data = _valid_gmina(args.input)
    if data is None:
        return EXIT_INVALID
    paths = write_documents(data, Path(args.out), overwrite=args.nadpisz)
    print_line(f"Dokumenty dla: {data.name} zapisane w: {args.out}")
    for path in paths:
        print_line(f"  {path.name}")
    return EXIT_OK


def cmd_zmiany(args: argparse.Namespace) -> int:
    """The basket's changes between two workbooks as a letter to partners; nothing compared on bad data."""
    from pzk_kit.basket.changes import basket_changes, changes_text, write_changes_text
    from pzk_kit.workbook.reading import read_gmina

    loaded = []
    for which, path in (("poprzedni (STARY)", args.stary), ("nowy (NOWY)", args.nowy)):
        data = read_gmina(path)
        if not data.report.ok:
            print_line(data.report.format_text(), err=True)
            shown = f'"{path}"' if " " in str(path) else str(path)
            problem = "ma błędy" if data.sheet_names else "nie daje się odczytać (powód wyżej)"
            print_line(f"Nic nie porównano: skoroszyt {which} „{path}” {problem}. Sprawdź go poleceniem "
                       f"pzk validate {shown}, popraw i uruchom ponownie.", err=True)
            return EXIT_INVALID  # as every command refusing invalid data (run, dokumenty, formularze)
        loaded.append(data)
    text = changes_text(basket_changes(*loaded), loaded[1])
    if args.out:
        out = write_changes_text(text, Path(args.out), overwrite=args.nadpisz)
        print_line(f"Zapisano tekst zmian w koszyku usług: {out} (do wklejenia w wiadomość e-mail do partnerów)")
    else:
        print_line(text.rstrip("\n"))
    return EXIT_OK


def cmd_ankieta(args: argparse.Namespace) -> int:
    """The survey's exact wording for online tools; without options, what the command can do."""
    from pzk_kit import texts
    from pzk_kit.collection.survey_text import survey_text, wording, write_survey_text

    if args.plik:
        path = write_survey_text(Path(args.plik), sector=not args.bez_sektora, overwrite=args.nadpisz)
        print_line(texts.fill(wording()["cli_zapisano"], plik=path))
        if not args.tekst:
            return EXIT_OK
    if args.tekst:
        print_line(survey_text(sector=not args.bez_sektora))
        return EXIT_OK
    print_line(wording()["cli_pomoc"])
    return EXIT_OK


def cmd_importuj_ankiete(args: argparse.Namespace) -> int:
    """Respondents from an online survey export added to a new copy of the gmina's workbook."""
    from pzk_kit.collection.survey_import import import_survey, report_lines

    result = import_survey(Path(args.export), Path(args.do), Path(args.out), measurement=args.pomiar,
                           overwrite=args.nadpisz)
    for line in report_lines(result):
        print_line(line)
    return EXIT_OK


def cmd_zbierz(args: argparse.Namespace) -> int:
    """Forms sent back by partners merged into a new workbook of the gmina; INPUT itself is never changed."""
    from pzk_kit.collection.merge import (
        STATUS_NAME,
        check_paths,
        merge_forms,
        status_lines,
        write_merged,
        write_status,
    )

    source, out = Path(args.do), Path(args.out)
    check_paths(source, out, overwrite=args.nadpisz)
    data = _valid_gmina(source, "Nic nie zapisano: najpierw popraw błędy w danych gminy (--do), potem zbierz "
                                "formularze.")
    if data is None:
        return EXIT_INVALID
    measurement = f" (pomiar {args.pomiar})" if args.pomiar else ""
    print_line(f"Zbieram formularze z „{args.dir}” do danych: {data.name}{measurement} …")
    result = merge_forms(Path(args.dir), data, measurement=args.pomiar, skip=(source, out))
    for line in status_lines(result):
        print_line(line)
    status = write_status(result, out.parent / STATUS_NAME)
    if not result.merged_anything:
        why = ("w folderze nie ma żadnego formularza (.xlsx)" if not result.forms
               else "każdy formularz został odrzucony (powody wyżej)")
        print_line(f"Nie dołączono niczego: {why}. Nowy skoroszyt nie powstał; status: {status}.", err=True)
        return EXIT_INVALID
    write_merged(result, out, overwrite=args.nadpisz)
    print_line(f"Zapisano nowy skoroszyt: {out} (dane z „{source}” bez zmian); status: {status}.")
    print_line(f"Dalej: pzk validate {out}, potem pzk run {out} --out WYNIKI")
    return EXIT_OK


def cmd_formularze(args: argparse.Namespace) -> int:
    """One Excel form per partner, the anonymous survey and cover letters; nothing written on bad data."""
    from pzk_kit import polish
    from pzk_kit.collection.forms import LETTERS_CSV, LETTERS_DOCX, SURVEY_NAME, SURVEY_PRINT_NAME, write_forms

    data = _valid_gmina(args.input)
    if data is None:
        return EXIT_INVALID
    result = write_forms(data, Path(args.out), measurement=args.pomiar, deadline=args.termin,
                         overwrite=args.nadpisz)
    forms = polish.count(len(result.partner_forms), "formularz partnera", "formularze partnerów",
                         "formularzy partnerów")
    print_line(f"Zapisano {forms} dla: {data.name} (pomiar {result.measurement}) w: {result.folder}")
    hint = f"; kolumna „poprzednio” podpowiada poziomy z pomiaru {result.previous}" if result.previous else ""
    print_line(f"  formularze: formularz_<kod>_<nazwa>.xlsx — po jednym dla każdego lidera i partnera{hint}")
    print_line(f"  ankieta anonimowa: {SURVEY_NAME} (każda osoba wypełnia własną kopię) i {SURVEY_PRINT_NAME} "
               "(do druku)")
    print_line(f"  listy przewodnie: {LETTERS_CSV} (do korespondencji seryjnej: adres, plik, treść) i {LETTERS_DOCX}")
    if result.without_email:
        print_line(f"  bez adresu e-mail w arkuszu „partnerzy”: {', '.join(result.without_email)} — te formularze "
                   "przekaż inną drogą")
    print_line("Co dalej: wyślij każdemu partnerowi jego formularz z listem i ankietą. Odesłane pliki zbierz w "
               "jednym folderze i dołącz do danych gminy: pzk zbierz FOLDER --do " + str(args.input)
               + " --out NOWY.xlsx")
    return EXIT_OK


def cmd_app(args: argparse.Namespace) -> int:
    """The browser app (Voila) for workshops; runs until Ctrl+C."""
    from pzk_kit.workshop.servers import run_app

    return run_app(args.input, args.port, open_browser=not args.bez_przegladarki)


def cmd_lab(args: argparse.Namespace) -> int:
    """JupyterLab on a working copy of the notebooks, for trainers; runs until Ctrl+C."""
    from pzk_kit.workshop.servers import run_lab

    return run_lab(args.dir, args.port, open_browser=not args.bez_przegladarki)


# -- options shared by several subcommands (one wording each) -----------------------------------------------------


def _add_input(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("input", metavar="INPUT", help="skoroszyt (.xlsx, .ods lub .xls) albo folder z plikami CSV")


def _add_out_dir(parser: argparse.ArgumentParser, help_text: str) -> None:
    parser.add_argument("--out", required=True, metavar="DIR", help=help_text)


def _add_overwrite(parser: argparse.ArgumentParser, help_text: str) -> None:
    """``--nadpisz``; each command says what exactly it replaces (and what it never does)."""
    parser.add_argument("--nadpisz", action="store_true", help=help_text)


def _add_measurement(parser: argparse.ArgumentParser, help_text: str | None = None, metavar: str = "T0") -> None:
    parser.add_argument("--pomiar", default=None, metavar=metavar, type=_measurement,
                        help=help_text or "pomiar, który opisują wyniki: T0, T1, … (domyślnie najnowszy w danych; "
                        "zmiany od pierwszego)")


def _add_new_workbook(parser: argparse.ArgumentParser, input_help: str, out_help: str) -> None:
    """``--do INPUT --out NOWY.xlsx``: commands that add data to a gmina write a new workbook, never INPUT."""
    parser.add_argument("--do", required=True, metavar="INPUT", help=input_help)
    parser.add_argument("--out", required=True, metavar="NOWY.xlsx", help=out_help)


def _add_server_options(parser: argparse.ArgumentParser, default_port: int) -> None:
    """``pzk app`` and ``pzk lab``: the port, and whether to open the browser.

    ``default_port`` is given as a number (pzk_kit.workshop.servers's DEFAULT_*_PORT, which a test compares): importing
    the servers' module (and the runner with it) would add about half a second to every ``pzk`` command.
    """
    parser.add_argument("--port", type=_count, metavar="P", help=f"port (domyślnie {default_port} albo pierwszy wolny)")
    parser.add_argument("--bez-przegladarki", action="store_true", help="nie otwieraj przeglądarki, tylko wypisz adres")


def build_parser() -> argparse.ArgumentParser:
    parser = PolishArgumentParser(
        prog="pzk",
        description="Zestaw warsztatowy Partnerskiego Zespołu Kooperacyjnego (model Kooperacje 3D).",
        epilog="Przykład: pzk template moja_gmina.xlsx, potem pzk validate moja_gmina.xlsx",
    )
    parser.add_argument("--version", action="version", version=f"pzk-kit {__version__}",
                        help="pokaż wersję zestawu i zakończ")
    sub = parser.add_subparsers(dest="command", metavar="POLECENIE", title="polecenia")

    p = sub.add_parser("template", help="zapisz pusty szablon (.xlsx albo folder CSV)",
                       description="Zapisuje pusty szablon: skoroszyt OUT.xlsx albo folder OUT/ z plikami CSV.")
    p.add_argument("out", metavar="OUT", help="plik .xlsx albo folder na pliki CSV")
    _add_overwrite(p, "nadpisz istniejący plik/folder")
    p.set_defaults(handler=cmd_template)

    p = sub.add_parser("validate", help="sprawdź skoroszyt lub folder CSV gminy",
                       description="Sprawdza dane gminy i wypisuje każdy problem (arkusz, wiersz, kolumna). "
                       "Kod wyjścia: 0 dane poprawne (ostrzeżenia dozwolone), 2 dane z błędami.")
    _add_input(p)
    p.add_argument("--wszystkie", action="store_true", help="pokaż wszystkie problemy (domyślnie do 500)")
    p.add_argument("--limit", type=_count, default=500, help=argparse.SUPPRESS)
    p.add_argument("--json", action="store_true", help="wynik w formacie JSON")
    p.set_defaults(handler=cmd_validate)

    p = sub.add_parser("slowniki", help="pokaż słowniki (sektory, obszary potrzeb, grupy, poziomy…)",
                       description="Wypisuje słowniki: kod, etykietę i opis każdej wartości.")
    p.add_argument("nazwy", nargs="*", metavar="NAZWA", help="tylko wybrane słowniki, np. sektory")
    p.set_defaults(handler=cmd_slowniki)

    p = sub.add_parser("demo", help="skopiuj przykładową gminę i uruchom na niej cały zestaw",
                       description="Kopiuje „Gminę Przykładową” do OUT_DIR/dane i zapisuje w OUT_DIR wszystkie "
                       "wyniki, tak jak pzk run.")
    p.add_argument("out", metavar="OUT_DIR", help="folder wyników")
    p.add_argument("--przyklad", choices=("gmina", "powiat"), default="gmina",
                   help="który przykład: gmina (domyślnie, „Gmina Przykładowa”) albo powiat (PZK powiatowy "
                   "„Powiat Przykładowy” ze współliderami OPS i PCPR)")
    _add_overwrite(p, "zastąp wcześniejszy wynik demo w OUT_DIR (folderu z innymi plikami nigdy)")
    p.set_defaults(handler=cmd_demo)

    p = sub.add_parser("run", help="uruchom trzy zeszyty dla gminy i zapisz wyniki",
                       description="Sprawdza dane, uruchamia zeszyty 01–03 i zapisuje w DIR: wykonane zeszyty, ich "
                       "wersje HTML, katalog usług, raport dla rady (raport.docx) i summary.json. Przy błędach w "
                       "danych kończy się kodem 2 i niczego nie zapisuje.")
    _add_input(p)
    _add_out_dir(p, "folder wyników (powstaje w całości albo wcale)")
    _add_measurement(p)
    _add_overwrite(p, "zastąp wcześniejsze wyniki zestawu w DIR (folderu z innymi plikami nigdy)")
    p.add_argument("--po-kolei", action="store_true", help="zeszyty jeden po drugim zamiast równolegle")
    p.set_defaults(handler=cmd_run)

    p = sub.add_parser("batch", help="uruchom zestaw dla wielu gmin naraz i zrób zestawienie regionalne",
                       description="Uruchamia pzk run dla każdej gminy z folderu IN_DIR (skoroszyty .xlsx, .ods, "
                       ".xls i foldery CSV), równolegle. Gmina z błędami jest zapisywana w bledy.csv, a pozostałe "
                       "kończą się normalnie. Ponowne uruchomienie pomija gminy, których dane się nie zmieniły. Na "
                       "końcu zapisuje podsumowanie.csv i podsumowanie.html. Kod wyjścia: 0 wszystkie gminy gotowe, "
                       "1 co najmniej jedna z błędem.")
    p.add_argument("input", metavar="IN_DIR", help="folder z danymi gmin")
    _add_out_dir(p, "folder wyników (po jednym podfolderze na gminę)")
    p.add_argument("-j", "--jobs", type=_count, default=2, metavar="N", help="ile gmin naraz (domyślnie 2)")
    p.add_argument("--force", action="store_true", help="przelicz także gminy, których dane się nie zmieniły")
    p.add_argument("--summary-only", action="store_true",
                   help="tylko summary.json i zestawienie, bez zeszytów (szybko, np. dla tysięcy gmin)")
    _add_measurement(p)
    p.add_argument("--bez-paska", action="store_true", help="bez paska postępu (np. w dziennikach)")
    p.set_defaults(handler=cmd_batch)

    p = sub.add_parser("dokumenty", help="przygotuj dokumenty PZK i formularze do druku (DOCX)",
                       description="Zapisuje w DIR dokumenty do druku przygotowane z danych gminy: ankietę "
                       "samooceny, karty partnerów, karty usług, listy intencyjne, deklaracje przystąpienia do PZK, "
                       "listę obecności, wspólny list intencyjny i porozumienie o współpracy podpisywane przez "
                       "wszystkich partnerów i organ samorządu, a także projekty załączników do programu usług "
                       "społecznych i do oceny zasobów pomocy społecznej. "
                       "Przy błędach w danych kończy się kodem 2 i niczego nie zapisuje.")
    _add_input(p)
    _add_out_dir(p, "folder na dokumenty (powstaje w całości albo wcale)")
    _add_overwrite(p, "zastąp istniejący folder DIR")
    p.set_defaults(handler=cmd_dokumenty)

    p = sub.add_parser("zmiany", help="co zmieniło się w koszyku usług: tekst e-maila do partnerów",
                       description="Porównuje arkusz „uslugi” dwóch wersji danych gminy (STARY i NOWY: skoroszyty "
                       ".xlsx, .ods, .xls albo foldery CSV) i wypisuje krótki tekst do rozesłania partnerom: nowe "
                       "usługi, usługi, których już nie ma, i zmiany w usługach (godziny, odpłatność, miejsce…), z "
                       "realizatorem każdej. Dane osobowe nie trafiają do tekstu. Gdy któryś skoroszyt ma błędy, "
                       "kończy się kodem 2 i niczego nie porównuje.")
    p.add_argument("stary", metavar="STARY", help="poprzednia wersja danych gminy (skoroszyt albo folder CSV)")
    p.add_argument("nowy", metavar="NOWY", help="aktualna wersja danych gminy (skoroszyt albo folder CSV)")
    p.add_argument("--out", metavar="PLIK.txt", help="zapisz tekst do pliku (UTF-8) zamiast go wypisać")
    _add_overwrite(p, "zastąp istniejący PLIK.txt")
    p.set_defaults(handler=cmd_zmiany)

    p = sub.add_parser("ankieta", help="tekst ankiety samooceny do wklejenia w Microsoft Forms, Google lub LimeSurvey",
                       description="Wypisuje ankietę samooceny w dokładnym brzmieniu: tytuł, wstęp, skalę "
                       "odpowiedzi, pytania z kodami (q01. …) i nieobowiązkowe pytanie o sektor — gotowe do "
                       "wklejenia w narzędzie ankietowe online. Wyniki wczytuje pzk importuj-ankiete.")
    p.add_argument("--tekst", action="store_true", help="wypisz tekst ankiety")
    p.add_argument("--plik", metavar="OUT.txt", help="zapisz ten sam tekst do pliku (UTF-8)")
    p.add_argument("--bez-sektora", action="store_true", help="bez pytania o sektor instytucji")
    _add_overwrite(p, "zastąp istniejący plik OUT.txt")
    p.set_defaults(handler=cmd_ankieta)

    p = sub.add_parser("importuj-ankiete", help="dodaj do skoroszytu gminy odpowiedzi z ankiety online",
                       description="Czyta wyniki ankiety pobrane z Microsoft Forms, Formularzy Google lub "
                       "LimeSurvey (.xlsx albo .csv), rozpoznaje pytania po kodzie (q01, …) albo treści i zapisuje "
                       "nowy skoroszyt: dane gminy z INPUT i respondentów dopisanych do arkusza „ankieta”. INPUT "
                       "zostaje bez zmian; adresy e-mail i nazwiska z narzędzia nie są przenoszone; ponowny import "
                       "tego samego pliku nikogo nie dodaje.")
    p.add_argument("export", metavar="EXPORT", help="wyniki ankiety: plik .xlsx albo .csv z narzędzia ankietowego")
    _add_new_workbook(p, "skoroszyt (.xlsx, .ods, .xls) albo folder CSV gminy (tylko czytany)",
                      "nowy skoroszyt z dopisanymi respondentami")
    _add_measurement(p, "pomiar odpowiedzi: T0, T1, … (domyślnie najnowszy w danych gminy, a bez pomiarów T0)")
    _add_overwrite(p, "zastąp istniejący NOWY.xlsx (INPUT i EXPORT nigdy)")
    p.set_defaults(handler=cmd_importuj_ankiete)

    p = sub.add_parser("formularze", help="przygotuj formularze do wysłania partnerom (Excel) i listy przewodnie",
                       description="Zapisuje w DIR formularz Excel dla każdego partnera (współpraca z pozostałymi "
                       "instytucjami i własne usługi, z listami rozwijanymi), anonimową ankietę samooceny (Excel i "
                       "wersja do druku) oraz listy przewodnie (listy.csv do korespondencji seryjnej i listy.docx). "
                       "Odesłane formularze łączy z danymi polecenie pzk zbierz. Przy błędach w danych kończy się "
                       "kodem 2 i niczego nie zapisuje.")
    _add_input(p)
    _add_out_dir(p, "folder na formularze (powstaje w całości albo wcale)")
    _add_measurement(p, "pomiar, który zbierają formularze (domyślnie następny po najnowszym w arkuszu "
                     "„wspolpraca”; bez danych: T0)", metavar="T1")
    p.add_argument("--termin", default=None, metavar="RRRR-MM-DD", type=_deadline,
                   help="termin odesłania formularzy, np. 2027-01-31 (trafia do instrukcji i listów)")
    _add_overwrite(p, "zastąp wcześniejsze formularze w DIR (folderu z innymi plikami, np. odesłanymi, nigdy)")
    p.set_defaults(handler=cmd_formularze)

    p = sub.add_parser("zbierz", help="dołącz odesłane formularze partnerów i ankiety do nowego skoroszytu gminy",
                       description="Czyta formularze partnerów i ankiety anonimowe (.xlsx) z folderu DIR, sprawdza "
                       "każdy z nich i dołącza poprawne do danych gminy z INPUT, zapisując wszystko jako nowy "
                       "skoroszyt NOWY.xlsx (INPUT się nie zmienia). Wypisuje, kto odesłał, kto nie, i co "
                       "odrzucono, a tabelę zapisuje obok jako status_zbierania.csv (zastępując poprzednią). "
                       "Kod wyjścia: 0 coś dołączono, 2 nic nie dało się dołączyć.")
    p.add_argument("dir", metavar="DIR", help="folder z odesłanymi formularzami (.xlsx)")
    _add_new_workbook(p, "skoroszyt (.xlsx, .ods, .xls) albo folder CSV gminy",
                      "nowy skoroszyt gminy z dołączonymi danymi")
    _add_measurement(p, "dołącz tylko formularze tego pomiaru (domyślnie każdy)", metavar="T1")
    _add_overwrite(p, "zastąp istniejący plik NOWY.xlsx (skoroszytu INPUT nigdy)")
    p.set_defaults(handler=cmd_zbierz)

    p = sub.add_parser("app", help="uruchom aplikację w przeglądarce (warsztaty, bez internetu)",
                       description="Uruchamia aplikację PZK w przeglądarce: wczytanie skoroszytu lub Gminy "
                       "Przykładowej, sprawdzenie danych, mapa partnerów, koszyk usług, ewaluacja i pliki do "
                       "pobrania. Działa bez internetu; zatrzymanie: Ctrl+C.")
    p.add_argument("input", nargs="?", metavar="INPUT",
                   help="skoroszyt (.xlsx, .ods, .xls) albo folder CSV do wczytania od razu")
    _add_server_options(p, default_port=8866)
    p.set_defaults(handler=cmd_app)

    p = sub.add_parser("lab", help="otwórz JupyterLab na kopii zeszytów (dla trenerów)",
                       description="Kopiuje zeszyty 01–03 do folderu DIR (brakujące; Twoich zmian nie nadpisuje) "
                       "i otwiera w nim JupyterLab. Zatrzymanie: Ctrl+C.")
    p.add_argument("dir", nargs="?", metavar="DIR", help="folder na kopie zeszytów (domyślnie pzk_zeszyty)")
    _add_server_options(p, default_port=8888)
    p.set_defaults(handler=cmd_lab)
    return parser


INTERRUPTED = {
    cmd_run: "Przerwano. Nic nie zapisano (wcześniejsze wyniki, jeśli były, zostały bez zmian).",
    cmd_demo: "Przerwano. Nic nie zapisano (wcześniejsze wyniki, jeśli były, zostały bez zmian).",
    cmd_batch: "Przerwano. Gminy skończone przed przerwaniem mają wyniki; pozostałych nie zapisano — uruchom "
               "ponownie, a gotowe zostaną pominięte.",
}


def _interrupt_once() -> dict:
    """Ctrl+C (or a closed terminal, or ``kill``) stops a long command once; further presses do not cut its cleanup.

    The first signal raises KeyboardInterrupt where the command waits; the cleanup then runs to its end (workers
    and kernels killed, the staging folder removed) instead of being broken by an impatient second Ctrl+C into
    tracebacks and leftovers.
    """
    def handler(signum, frame):
        for name in ("SIGINT", "SIGTERM", "SIGHUP"):
            if hasattr(signal, name):
                signal.signal(getattr(signal, name), signal.SIG_IGN)
        raise KeyboardInterrupt

    previous = {}
    if threading.current_thread() is threading.main_thread():
        for name in ("SIGINT", "SIGTERM", "SIGHUP"):
            if hasattr(signal, name):
                previous[getattr(signal, name)] = signal.signal(getattr(signal, name), handler)
    return previous


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        parser.print_help()
        return EXIT_OK
    from pzk_kit.errors import PzkError
    from pzk_kit.files import describe_os_error

    previous = _interrupt_once() if args.handler in (cmd_run, cmd_demo, cmd_batch) else {}
    try:
        return args.handler(args)
    except PzkError as exc:  # a folder refused or already there (run and demo explain bad data themselves)
        print_line(exc.message, err=True)
        return exc.exit_code
    except KeyboardInterrupt:
        print_line(INTERRUPTED.get(args.handler, "Przerwano."), err=True)
        return EXIT_INTERRUPTED
    except OSError as exc:
        if os.environ.get("PZK_DEBUG"):
            raise
        print_line(f"Nie udało się: {describe_os_error(exc)}.", err=True)
        return EXIT_FAILURE
    except Exception as exc:  # the last line of defence: a Polish sentence instead of a traceback
        if os.environ.get("PZK_DEBUG"):
            raise
        print_line(f"Nieoczekiwany błąd: {type(exc).__name__}: {exc}", err=True)
        print_line("To błąd zestawu, nie Twoich danych. Uruchom ponownie z PZK_DEBUG=1 i zgłoś wynik.", err=True)
        return EXIT_FAILURE
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


if __name__ == "__main__":
    sys.exit(main())
