"""The ``pzk`` command (CONTRACT §2). Every message is Polish and no user ever sees a traceback."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from pzk_kit import __version__

EXIT_OK, EXIT_FAILURE, EXIT_INVALID = 0, 1, 2

# argparse speaks English through gettext; Python ships no Polish catalogue, so the few strings users meet
# are translated here.
_ARGPARSE_PL = {
    "usage: ": "użycie: ",
    "positional arguments": "argumenty",
    "options": "opcje",
    "show this help message and exit": "pokaż tę pomoc i zakończ",
    "%(prog)s: error: %(message)s\n": "%(prog)s: błąd: %(message)s\n",
    "the following arguments are required: %s": "brakuje wymaganych argumentów: %s",
    "unrecognized arguments: %s": "nieznane argumenty: %s",
    "invalid choice: %(value)r (choose from %(choices)s)": "nieznane polecenie: %(value)r (dostępne: %(choices)s)",
    "expected one argument": "oczekiwano jednej wartości",
    "invalid %(type)s value: %(value)r": "niepoprawna wartość: %(value)r",
    "show program's version number and exit": "pokaż wersję i zakończ",
}
argparse._ = lambda text: _ARGPARSE_PL.get(text, text)  # type: ignore[attr-defined]


def _print(text: str = "", *, err: bool = False) -> None:
    stream = sys.stderr if err else sys.stdout
    try:
        stream.write(text + ("\n" if not text.endswith("\n") else ""))
    except UnicodeEncodeError:  # an old Windows console: keep the message, lose only the diacritics
        from pzk_kit.text import strip_diacritics

        stream.write(strip_diacritics(text) + "\n")


def cmd_validate(args: argparse.Namespace) -> int:
    from pzk_kit.reading import read_gmina

    report = read_gmina(args.input).report
    if args.json:
        _print(json.dumps(
            {"ok": report.ok, "problems": report.to_frame().to_dict(orient="records")}, ensure_ascii=False, indent=1
        ))
    else:
        _print(report.format_text(limit=None if args.wszystkie else args.limit))
    return report.exit_code


def cmd_slowniki(args: argparse.Namespace) -> int:
    from pzk_kit.dictionaries import format_dictionaries, load_dictionaries

    unknown = [n for n in args.nazwy if n not in load_dictionaries()]
    if unknown:
        _print(f"Nie ma słownika: {', '.join(unknown)}. Dostępne: {', '.join(load_dictionaries())}.", err=True)
        return EXIT_FAILURE
    _print(format_dictionaries(args.nazwy or None))
    return EXIT_OK


def cmd_template(args: argparse.Namespace) -> int:
    from pzk_kit.templates import write_template

    out = write_template(Path(args.out), overwrite=args.nadpisz)
    kind = "skoroszyt" if out.suffix.lower() == ".xlsx" else "folder z plikami CSV"
    _print(f"Zapisano szablon ({kind}): {out}")
    _print("Wypełnij go, a potem sprawdź poleceniem: pzk validate " + str(out))
    return EXIT_OK


def cmd_demo(args: argparse.Namespace) -> int:
    """Copy the example gmina and run what the kit can run on it."""
    from pzk_kit.example import EXAMPLE_NAME, example_rows, write_example_workbook
    from pzk_kit.files import atomic_dir
    from pzk_kit.reading import read_gmina
    from pzk_kit.templates import write_csv_folder, write_template

    out = Path(args.out)
    with atomic_dir(out, overwrite=args.nadpisz) as tmp:
        workbook = write_example_workbook(tmp / f"{EXAMPLE_NAME}.xlsx")
        write_csv_folder(tmp / f"{EXAMPLE_NAME}_csv", example_rows())
        write_template(tmp / "szablon_pzk.xlsx")
        report = read_gmina(workbook).report
        (tmp / "walidacja.txt").write_text(report.format_text(), encoding="utf-8")
    data = read_gmina(out / f"{EXAMPLE_NAME}.xlsx")
    _print(f"Przykład „{data.name}” zapisany w: {out}")
    _print(f"  partnerzy: {len(data.partners)}, zgłoszenia współpracy: {len(data.cooperation)}, "
           f"usługi: {len(data.services)}, potrzeby: {len(data.needs)}, ankiety: {len(data.survey)}, "
           f"pomiary: {', '.join(data.measurements) or '—'}")
    _print(data.report.format_text())
    return data.report.exit_code


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="pzk",
        description="Zestaw warsztatowy Partnerskiego Zespołu Kooperacyjnego (model Kooperacje 3D).",
        epilog="Przykład: pzk template moja_gmina.xlsx, potem pzk validate moja_gmina.xlsx",
    )
    parser.add_argument("--version", action="version", version=f"pzk-kit {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="POLECENIE", title="polecenia")

    p = sub.add_parser("template", help="zapisz pusty szablon (.xlsx albo folder CSV)",
                       description="Zapisuje pusty szablon: skoroszyt OUT.xlsx albo folder OUT/ z plikami CSV.")
    p.add_argument("out", metavar="OUT", help="plik .xlsx albo folder na pliki CSV")
    p.add_argument("--nadpisz", action="store_true", help="nadpisz istniejący plik/folder")
    p.set_defaults(handler=cmd_template)

    p = sub.add_parser("validate", help="sprawdź skoroszyt lub folder CSV gminy",
                       description="Sprawdza dane gminy i wypisuje każdy problem (arkusz, wiersz, kolumna). "
                       "Kod wyjścia: 0 dane poprawne (ostrzeżenia dozwolone), 2 dane z błędami.")
    p.add_argument("input", metavar="INPUT", help="skoroszyt .xlsx albo folder z plikami CSV")
    p.add_argument("--wszystkie", action="store_true", help="pokaż wszystkie problemy (domyślnie do 500)")
    p.add_argument("--limit", type=int, default=500, help=argparse.SUPPRESS)
    p.add_argument("--json", action="store_true", help="wynik w formacie JSON")
    p.set_defaults(handler=cmd_validate)

    p = sub.add_parser("slowniki", help="pokaż słowniki (sektory, obszary potrzeb, grupy, poziomy…)",
                       description="Wypisuje słowniki: kod, etykietę i opis każdej wartości.")
    p.add_argument("nazwy", nargs="*", metavar="NAZWA", help="tylko wybrane słowniki, np. sektory")
    p.set_defaults(handler=cmd_slowniki)

    p = sub.add_parser("demo", help="skopiuj przykładową gminę i uruchom na niej zestaw",
                       description="Kopiuje „Gminę Przykładową” do OUT_DIR i uruchamia na niej zestaw.")
    p.add_argument("out", metavar="OUT_DIR", help="folder wyników")
    p.add_argument("--nadpisz", action="store_true", help="zastąp istniejący folder")
    p.set_defaults(handler=cmd_demo)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        parser.print_help()
        return EXIT_OK
    from pzk_kit.files import OutputExists

    try:
        return args.handler(args)
    except OutputExists as exc:
        _print(exc.message, err=True)
        return EXIT_FAILURE
    except KeyboardInterrupt:
        _print("Przerwano.", err=True)
        return 130
    except Exception as exc:  # the last line of defence: a Polish sentence instead of a traceback
        if os.environ.get("PZK_DEBUG"):
            raise
        _print(f"Nieoczekiwany błąd: {type(exc).__name__}: {exc}", err=True)
        _print("To błąd zestawu, nie Twoich danych. Uruchom ponownie z PZK_DEBUG=1 i zgłoś wynik.", err=True)
        return EXIT_FAILURE


if __name__ == "__main__":
    sys.exit(main())
