"""I/O benchmark: how much does ``read_gmina`` (read + validate) cost on top of a bare pandas read?

The script generates, deterministically, a large synthetic gmina (5,000 partners, 50,000 tie reports, 20,000
services, 300 needs, 200 survey respondents), writes it as an ``.xlsx`` workbook and as a folder of CSV files
exported the way a Polish Excel does it (Windows-1250, ``;``), and then times, side by side:

    (a) pzk_kit.read_gmina(workbook.xlsx)          (b) pandas.read_excel(workbook.xlsx, sheet_name=None, openpyxl)
    (c) pzk_kit.read_gmina(csv_folder/)            (d) pandas.read_csv(each CSV, sep=";", encoding="cp1250")
                                                   (e) python_calamine: every sheet of workbook.xlsx as lists

Each call runs ``--repeat`` times (the order of the calls rotates between repetitions to spread machine
noise) and the median is reported together with the ratios (a)/(b) and (c)/(d) against the goal "≤ 2×", and
(a)/(e): read_gmina against the fastest bare reader of the same workbook (calamine, which reads .ods and .xls).
Nothing here asserts on time: a MISS is information, not a failure.

    python benchmarks/bench_io.py                 # full size, 3 repetitions, temporary directory
    python benchmarks/bench_io.py --small         # 1/10 of the sizes, for a quick smoke run
    python benchmarks/bench_io.py --workdir DIR   # keep the generated files in DIR
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import pandas as pd
import python_calamine

from pzk_kit import read_gmina
from pzk_kit.evaluation.instrument import load_instrument
from pzk_kit.workbook.dictionaries import dictionary

if str(Path(__file__).resolve().parent) not in sys.path:  # the shared harness, also when loaded by path
    sys.path.insert(0, str(Path(__file__).resolve().parent))
import harness
from harness import CSV_DELIMITER, CSV_ENCODING, Case

GOAL_RATIO = 2.0
DEFAULT_SEED = 20240315
WORKBOOK_NAME = "gmina_syntetyczna.xlsx"
CSV_FOLDER_NAME = "gmina_syntetyczna_csv"


@dataclass(frozen=True)
class Sizes:
    partners: int
    ties: int
    services: int
    needs: int
    respondents: int

    def scaled(self, factor: int) -> Sizes:
        return Sizes(
            partners=max(20, self.partners // factor), ties=max(50, self.ties // factor),
            services=max(20, self.services // factor), needs=max(10, self.needs // factor),
            respondents=max(10, self.respondents // factor),
        )


FULL_SIZES = Sizes(partners=5_000, ties=50_000, services=20_000, needs=300, respondents=200)
SMALL_FACTOR = 10

# ---------------------------------------------------------------------------------------------------------------
# Synthetic data
# ---------------------------------------------------------------------------------------------------------------

# Towns: the locative case for names ("w Łęcznej"), the nominative for addresses; diacritics on purpose.
TOWNS = [
    ("Łęcznej", "Łęczna", "21-010"), ("Żyrardowie", "Żyrardów", "96-300"), ("Świdniku", "Świdnik", "21-040"),
    ("Kórniku", "Kórnik", "62-035"), ("Mińsku Mazowieckim", "Mińsk Mazowiecki", "05-300"),
    ("Głogówku", "Głogówek", "48-250"), ("Pszczynie", "Pszczyna", "43-200"), ("Łańcucie", "Łańcut", "37-100"),
    ("Żninie", "Żnin", "88-400"), ("Ślesinie", "Ślesin", "62-561"), ("Końskich", "Końskie", "26-200"),
    ("Zduńskiej Woli", "Zduńska Wola", "98-220"), ("Gołdapi", "Gołdap", "19-500"),
    ("Środzie Wielkopolskiej", "Środa Wielkopolska", "63-000"), ("Kłodzku", "Kłodzko", "57-300"),
    ("Bełchatowie", "Bełchatów", "97-400"),
]
STREETS = [
    "Kościuszki", "Mickiewicza", "Słowackiego", "Żeromskiego", "Piłsudskiego", "Łąkowa", "Świętokrzyska",
    "Źródlana", "Ogrodowa", "Szkolna", "Kolejowa", "Rynek", "Żwirki i Wigury", "Wojska Polskiego", "Ciepła",
]
PATRONS = ["Jana Pawła II", "Marii Skłodowskiej-Curie", "Henryka Sienkiewicza", "Władysława Reymonta", "Orła Białego"]
SAINTS = ["św. Józefa", "św. Wojciecha", "Najświętszej Marii Panny", "św. Łukasza", "Bożego Ciała"]
PROPER = ["Pomocna Dłoń", "Zacisze", "Błękitni", "Razem", "Źródło", "Nadzieja", "Słoneczko", "Łączy nas Ziemia"]
POSITIONS = [
    "Sekretariat", "Dyrektor", "Kierownik", "Koordynator PZK", "Pracownik socjalny", "Specjalista ds. współpracy",
]

# (id prefix, name template, sector label, level label, type label); "{m}" = town, "{n}" = number, "{p}" = proper.
INSTITUTIONS = [
    ("PCPR", "Powiatowe Centrum Pomocy Rodzinie w {m}", "Pomoc społeczna", "Powiat", "Publiczna"),
    ("DPS", "Dom Pomocy Społecznej „{p}” w {m}", "Pomoc społeczna", "Powiat", "Publiczna"),
    ("SDS", "Środowiskowy Dom Samopomocy w {m}", "Pomoc społeczna", "Gmina", "Publiczna"),
    ("ROPS", "Regionalny Ośrodek Polityki Społecznej w {m}", "Pomoc społeczna", "Województwo", "Publiczna"),
    ("SP", "Szkoła Podstawowa nr {n} im. {pat} w {m}", "Edukacja", "Gmina", "Publiczna"),
    ("PP", "Przedszkole Publiczne nr {n} „{p}” w {m}", "Edukacja", "Gmina", "Publiczna"),
    ("PPP", "Poradnia Psychologiczno-Pedagogiczna w {m}", "Edukacja", "Powiat", "Publiczna"),
    ("LO", "Liceum Ogólnokształcące im. {pat} w {m}", "Edukacja", "Powiat", "Publiczna"),
    ("SPZOZ", "Samodzielny Publiczny Zakład Opieki Zdrowotnej w {m}", "Zdrowie", "Powiat", "Publiczna"),
    ("CZP", "Centrum Zdrowia Psychicznego w {m}", "Zdrowie", "Powiat", "Publiczna"),
    ("PSSE", "Powiatowa Stacja Sanitarno-Epidemiologiczna w {m}", "Zdrowie", "Powiat", "Publiczna"),
    ("NZOZ", "Niepubliczny Zakład Opieki Zdrowotnej „{p}” w {m}", "Zdrowie", "Gmina", "Prywatna"),
    ("PUP", "Powiatowy Urząd Pracy w {m}", "Zatrudnienie", "Powiat", "Publiczna"),
    ("CIS", "Centrum Integracji Społecznej w {m}", "Zatrudnienie", "Gmina", "Pozarządowa"),
    ("KIS", "Klub Integracji Społecznej „{p}” w {m}", "Zatrudnienie", "Gmina", "Publiczna"),
    ("GOK", "Gminny Ośrodek Kultury w {m}", "Kultura", "Gmina", "Publiczna"),
    ("BP", "Biblioteka Publiczna w {m}, filia nr {n}", "Kultura", "Gmina", "Publiczna"),
    ("MUZ", "Muzeum Regionalne w {m}", "Kultura", "Powiat", "Publiczna"),
    ("OSIR", "Ośrodek Sportu i Rekreacji w {m}", "Sport", "Gmina", "Publiczna"),
    ("KS", "Klub Sportowy „{p}” {m}", "Sport", "Gmina", "Pozarządowa"),
    ("SR", "Sąd Rejonowy w {m}", "Wymiar sprawiedliwości", "Powiat", "Publiczna"),
    ("ZKSS", "Zespół Kuratorskiej Służby Sądowej w {m}", "Wymiar sprawiedliwości", "Powiat", "Publiczna"),
    ("KPP", "Komenda Powiatowa Policji w {m}", "Bezpieczeństwo", "Powiat", "Publiczna"),
    ("PSP", "Komenda Powiatowa Państwowej Straży Pożarnej w {m}", "Bezpieczeństwo", "Powiat", "Publiczna"),
    ("OSP", "Ochotnicza Straż Pożarna w {m}", "Bezpieczeństwo", "Gmina", "Pozarządowa"),
    ("KGW", "Koło Gospodyń Wiejskich „{p}” w {m}", "Organizacje pozarządowe", "Gmina", "Pozarządowa"),
    ("FUN", "Fundacja „{p}” w {m}", "Organizacje pozarządowe", "Gmina", "Pozarządowa"),
    ("STOW", "Stowarzyszenie na rzecz Osób Niepełnosprawnych „{p}” w {m}", "Organizacje pozarządowe", "Powiat",
     "Pozarządowa"),
    ("UG", "Urząd Gminy w {m}", "Administracja", "Gmina", "Publiczna"),
    ("STAR", "Starostwo Powiatowe w {m}", "Administracja", "Powiat", "Publiczna"),
    ("ZUS", "Zakład Ubezpieczeń Społecznych, Inspektorat w {m}", "Administracja", "Kraj", "Publiczna"),
    ("PAR", "Parafia Rzymskokatolicka pw. {s} w {m}", "Kościoły", "Gmina", "Kościelna"),
    ("CAR", "Caritas — Parafialny Zespół w {m}", "Kościoły", "Gmina", "Kościelna"),
    ("ZGK", "Zakład Gospodarki Komunalnej w {m}", "Gospodarka komunalna", "Gmina", "Publiczna"),
    ("TBS", "Towarzystwo Budownictwa Społecznego w {m}", "Mieszkalnictwo", "Gmina", "Publiczna"),
    ("SMZ", "Spółdzielnia Mieszkaniowa „{p}” w {m}", "Mieszkalnictwo", "Gmina", "Prywatna"),
    ("SSO", "Spółdzielnia Socjalna „{p}” w {m}", "Przedsiębiorcy", "Gmina", "Prywatna"),
    ("FIR", "Zakład Usług Opiekuńczych „{p}” Sp. z o.o. w {m}", "Przedsiębiorcy", "Gmina", "Prywatna"),
]
SERVICES = [
    ("Rozmowa z pracownikiem socjalnym", "indywidualna"), ("Poradnictwo psychologiczne", "indywidualna"),
    ("Grupa wsparcia dla opiekunów", "grupowa"), ("Zajęcia świetlicowe dla dzieci", "grupowa"),
    ("Telefon zaufania dla młodzieży", "telefoniczna"), ("Klub seniora „Złoty wiek”", "grupowa"),
    ("Pomoc prawna nieodpłatna", "indywidualna"), ("Kurs obsługi komputera i bankowości elektronicznej", "grupowa"),
    ("Posiłek w stołówce", "świadczenie"), ("Mieszkanie treningowe", "pobytowa"),
    ("Doradztwo zawodowe i pośrednictwo pracy", "indywidualna"),
    ("Asystent osobisty osoby z niepełnosprawnością", "w domu"),
    ("Interwencja kryzysowa", "indywidualna"), ("Lekcje języka polskiego dla cudzoziemców", "grupowa"),
]
HOURS = ["pon.–pt. 8:00–15:00", "pon. 8:00–17:00, wt.–pt. 7:30–15:30", "wt. i czw. 16:00–19:00", "całodobowo",
         "według ustaleń"]
SOURCES = ["Diagnoza potrzeb i potencjału 2024", "Ocena zasobów pomocy społecznej 2023",
           "Strategia rozwiązywania problemów społecznych 2021–2027", "Konsultacje społeczne — wrzesień 2024"]

Row = list[object]


@dataclass
class Gmina(harness.Sheets):
    """The synthetic gmina as sheets of rows (header first), ready for both writers."""


def _ascii(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.replace("ł", "l").replace("Ł", "L"))
    return "".join(ch for ch in decomposed if ch.isascii() and ch.isalnum()).lower()


def _date_cell(rng: random.Random, start: dt.date, span_days: int) -> object:
    """A date as a user enters it: an Excel date cell, ``2024-03-15`` or ``15.03.2024``."""
    date = start + dt.timedelta(days=rng.randrange(span_days))
    style = rng.random()
    if style < 0.4:
        return date
    return date.isoformat() if style < 0.7 else date.strftime("%d.%m.%Y")


def _multi(rng: random.Random, labels: Sequence[str], low: int, high: int) -> str:
    return "; ".join(rng.sample(list(labels), rng.randint(low, high)))


def generate(sizes: Sizes, seed: int = DEFAULT_SEED) -> Gmina:
    """The whole synthetic gmina; the same ``sizes`` and ``seed`` always give the same rows."""
    rng = random.Random(seed)
    forms = dictionary("formy_wspolpracy").labels
    areas = dictionary("obszary_potrzeb").labels
    groups = [g for g in dictionary("grupy_docelowe").labels if g != "Wszyscy mieszkańcy"]
    access = dictionary("tryby_dostepu").labels
    fees = dictionary("odplatnosc").labels
    sectors = dictionary("sektory").labels
    levels = dictionary("poziomy_wspolpracy").labels

    # -- partnerzy -----------------------------------------------------------------------------------------------
    partners: list[Row] = [["id", "nazwa", "sektor", "szczebel", "typ", "rola", "deklaracja", "Data przystąpienia",
                            "adres", "telefon", "e-mail", "www", "osoba_kontaktowa"]]
    ids: list[str] = []
    sector_of: dict[str, str] = {}
    leader = "OPS"
    town, city, postal = TOWNS[0]
    partners.append([leader, f"Ośrodek Pomocy Społecznej w {town}", "Pomoc społeczna", "Gmina", "Publiczna", "Lider",
                     "Podpisana", dt.date(2024, 3, 15), f"ul. Rynek 1, {postal} {city}", "81 752 10 00",
                     "sekretariat@ops.leczna.pl", "https://ops.leczna.pl", "Koordynator PZK"])
    ids.append(leader)
    sector_of[leader] = "Pomoc społeczna"
    for number in range(1, sizes.partners):
        prefix, template, sector, level, kind = rng.choice(INSTITUTIONS)
        town, city, postal = rng.choice(TOWNS)
        pid = f"{prefix}{number}" if rng.random() < 0.5 else f"{prefix}-{number:04d}"
        name = template.format(m=town, n=rng.randint(1, 12), p=rng.choice(PROPER), pat=rng.choice(PATRONS),
                               s=rng.choice(SAINTS))
        role = "Partner" if rng.random() < 0.7 else "Kandydat"
        declaration = (rng.choice(["Podpisana", "Podpisana", "List intencyjny"]) if role == "Partner"
                       else rng.choice(["Brak", "List intencyjny", None]))
        domain = f"{_ascii(prefix)}{number}.{_ascii(city.split()[0])}.pl"
        partners.append([
            pid, name, sector, level, kind, role, declaration,
            _date_cell(rng, dt.date(2023, 1, 1), 900) if declaration else None,
            f"ul. {rng.choice(STREETS)} {rng.randint(1, 120)}, {postal} {city}",
            f"{rng.randint(12, 95)} {rng.randint(100, 999)} {rng.randint(10, 99)} {rng.randint(10, 99)}",
            f"{rng.choice(['sekretariat', 'biuro', 'kontakt'])}@{domain}",
            f"https://{domain}" if rng.random() < 0.8 else None,
            rng.choice(POSITIONS),
        ])
        ids.append(pid)
        sector_of[pid] = sector

    # -- wspolpraca: no self-ties, no repeated (od, do, pomiar) --------------------------------------------------
    ties: list[Row] = [["od", "do", "poziom", "formy", "zaufanie", "wartosc", "pomiar"]]
    seen: set[tuple[int, int, str]] = set()
    n = len(ids)
    while len(ties) - 1 < sizes.ties:
        a, b = rng.randrange(n), rng.randrange(n)
        measurement = "T0" if rng.random() < 0.65 else "T1"
        if a == b or (a, b, measurement) in seen:
            continue
        seen.add((a, b, measurement))
        level = rng.choices(range(6), weights=(5, 30, 25, 20, 12, 8))[0]
        level_cell: object = level if rng.random() < 0.9 else levels[level]  # "Koordynacja" is accepted too
        ties.append([
            ids[a], ids[b] if rng.random() < 0.95 else ids[b].lower(),  # references are case-insensitive
            level_cell, _multi(rng, forms, 1, 3) if level else None,
            rng.randint(1, 4) if level and rng.random() < 0.9 else None,
            rng.randint(1, 4) if level and rng.random() < 0.9 else None,
            measurement,
        ])

    # -- uslugi ------------------------------------------------------------------------------------------------
    services: list[Row] = [["id", "partner", "nazwa", "obszary", "grupy", "opis", "forma", "dostep", "odplatnosc",
                            "miejsce", "godziny", "limit_miejsc", "kontakt"]]
    for number in range(1, sizes.services + 1):
        provider = rng.choice(ids)
        name, form = rng.choice(SERVICES)
        target = "Wszyscy mieszkańcy" if rng.random() < 0.15 else _multi(rng, groups, 1, 3)
        services.append([
            f"U{number:05d}", provider, name, _multi(rng, areas, 1, 3), target,
            f"{name} — wsparcie dla mieszkańców gminy; zapisy w sekretariacie, liczba miejsc ograniczona.",
            form, rng.choice(access), rng.choice(fees),
            f"ul. {rng.choice(STREETS)} {rng.randint(1, 120)}, pokój {rng.randint(1, 40)}",
            rng.choice(HOURS), rng.randint(5, 60) if rng.random() < 0.3 else None,
            f"tel. {rng.randint(12, 95)} {rng.randint(100, 999)} {rng.randint(10, 99)} {rng.randint(10, 99)}",
        ])

    # -- potrzeby: no two identical rows ------------------------------------------------------------------------
    needs: list[Row] = [["obszar", "grupa", "liczba_osob", "priorytet", "zrodlo"]]
    seen_needs: set[tuple[object, ...]] = set()
    while len(needs) - 1 < sizes.needs:
        row = [rng.choice(areas), rng.choice(groups), rng.randint(5, 800), rng.randint(1, 3), rng.choice(SOURCES)]
        if tuple(row) not in seen_needs:
            seen_needs.add(tuple(row))
            needs.append(row)

    # -- ankieta -----------------------------------------------------------------------------------------------
    instrument = load_instrument()
    items = instrument.item_codes if instrument else [f"q{i:02d}" for i in range(1, 31)]
    survey: list[Row] = [["respondent", "pomiar", "partner", "sektor", *items]]
    for number in range(1, sizes.respondents + 1):
        measurement = "T0" if number <= sizes.respondents * 0.6 else "T1"
        member = rng.choice(ids) if rng.random() < 0.7 else None
        answers: list[object] = []
        for _ in items:
            draw = rng.random()
            answers.append(None if draw < 0.04 else "nie wiem" if draw < 0.07 else 0 if draw < 0.08
                           else rng.choices((1, 2, 3, 4, 5), weights=(1, 2, 4, 5, 3))[0])
        answers[0] = answers[0] or rng.randint(1, 5)  # nobody returns a completely blank form
        survey.append([f"{measurement}-R{number:03d}", measurement, member,
                       sector_of[member] if member and rng.random() < 0.5 else rng.choice(sectors), *answers])

    gmina: list[Row] = [
        ["pole", "wartosc"],
        ["nazwa", "Gmina Syntetyczna Łęczna-Wieś"],
        ["teryt", "0611043"],
        ["typ", "Miejsko-wiejska"],
        ["powiat", "łęczyński"],
        ["wojewodztwo", "lubelskie"],
        ["lider", leader],
        ["Data zawiązania", "15.03.2024"],
        ["misja", "Człowiek w potrzebie – dbanie o jego dobrostan; współpraca ponad podziałami sektorów."],
    ]
    return Gmina({"gmina": gmina, "partnerzy": partners, "wspolpraca": ties, "uslugi": services,
                  "potrzeby": needs, "ankieta": survey})


def write_xlsx(gmina: Gmina, path: Path) -> None:
    workbook = openpyxl.Workbook(write_only=True)
    for name, rows in gmina.sheets.items():
        sheet = workbook.create_sheet(name)
        for row in rows:
            sheet.append(row)
    workbook.save(path)


def _csv_cell(value: object) -> object:
    """What Polish Excel writes into a CSV: dates as DD.MM.RRRR, empty cells as nothing."""
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.strftime("%d.%m.%Y")
    return value


def write_csv_folder(gmina: Gmina, folder: Path) -> None:
    harness.write_csv_folder(gmina.sheets, folder, _csv_cell)


# ---------------------------------------------------------------------------------------------------------------
# Measurement
# ---------------------------------------------------------------------------------------------------------------

def _bare_csv(folder: Path) -> dict[str, pd.DataFrame]:
    return {p.stem: pd.read_csv(p, sep=CSV_DELIMITER, encoding=CSV_ENCODING) for p in sorted(folder.glob("*.csv"))}


def _bare_calamine(path: Path) -> dict[str, list[list[object]]]:
    with python_calamine.CalamineWorkbook.from_path(path) as workbook:
        return {name: workbook.get_sheet_by_name(name).to_python() for name in workbook.sheet_names}


def _check_valid(label: str, result: object) -> None:
    report = result.report  # type: ignore[attr-defined]
    warnings = len(report.warnings) if hasattr(report, "warnings") else "?"
    if report.ok:
        print(f"  valid: {label}: 0 errors, {warnings} warnings")
        return
    harness.print_first_errors(report.errors, f"  INVALID: {label}: {len(report.errors)} errors; the first ones:")
    raise AssertionError(f"the synthetic data is not valid ({label}: {len(report.errors)} errors)")


def _check_read_gmina(case: Case, result: object) -> None:
    """The read_gmina cases (a) and (c) must return valid data; the bare pandas reads have nothing to check."""
    if case.key in ("a", "c"):
        _check_valid(case.label, result)


def report_table(times: dict[str, list[float]], labels: dict[str, str]) -> str:
    medians = harness.medians(times)
    lines = [*harness.case_table(times, labels, width=50), "", harness.RATIO_HEADER,
             harness.ratio_line("(a)/(b)", medians["a"], medians["b"], GOAL_RATIO),
             harness.ratio_line("(c)/(d)", medians["c"], medians["d"], GOAL_RATIO)]
    if "e" in medians:  # no goal: calamine is a Rust reader that neither cleans nor validates
        lines.append(f"  {'(a)/(e)':<10} {harness.ratio(medians['a'], medians['e']):8.2f}×   "
                     "(read_gmina against bare python_calamine, information only)")
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------------------------
# Command line
# ---------------------------------------------------------------------------------------------------------------

def build_parser() -> argparse.ArgumentParser:
    return harness.build_parser(
        "bench_io.py",
        "Benchmark pzk_kit.read_gmina (read + validate) against bare pandas reads of the same synthetic "
        "gmina, as .xlsx and as a CSV folder (Windows-1250, ';'). Prints medians and the ratios "
        "(a)/(b), (c)/(d) against the goal ≤ 2×. Never fails on time.",
        default_repeat=3, measured="call", generated="files", default_seed=DEFAULT_SEED, small_factor=SMALL_FACTOR,
    )


def run(args: argparse.Namespace, workdir: Path) -> None:
    sizes = FULL_SIZES.scaled(SMALL_FACTOR) if args.small else FULL_SIZES
    xlsx = workdir / WORKBOOK_NAME
    folder = workdir / CSV_FOLDER_NAME

    harness.print_header("I/O", args, workdir, {"pandas": pd.__version__, "openpyxl": openpyxl.__version__,
                                                "python-calamine": _calamine_version()})
    gmina, t_rows = harness.timed(generate, sizes, args.seed)
    _, t_xlsx = harness.timed(write_xlsx, gmina, xlsx)
    _, t_csv = harness.timed(write_csv_folder, gmina, folder)
    rows = ", ".join(f"{name} {count:,}" for name, count in gmina.data_rows.items())
    csv_size = sum(p.stat().st_size for p in folder.glob("*.csv"))
    print(f"data: {rows} rows")
    print(f"generation: {t_rows:.2f} s (rows) + {t_xlsx:.2f} s (xlsx, {xlsx.stat().st_size / 1e6:.1f} MB) + "
          f"{t_csv:.2f} s (csv, {csv_size / 1e6:.1f} MB) = {t_rows + t_xlsx + t_csv:.2f} s")

    cases = [
        Case("a", f"pzk_kit.read_gmina({xlsx.name})", lambda steps: read_gmina(xlsx)),
        Case("b", "pandas.read_excel(sheet_name=None, openpyxl)",
             lambda steps: pd.read_excel(xlsx, sheet_name=None, engine="openpyxl")),
        Case("c", f"pzk_kit.read_gmina({folder.name}/)", lambda steps: read_gmina(folder)),
        Case("d", "pandas.read_csv(each CSV, ';', cp1250)", lambda steps: _bare_csv(folder)),
        Case("e", "python_calamine (every sheet, lists)", lambda steps: _bare_calamine(xlsx)),
    ]
    print("measuring (the read_gmina results of the first repetition are checked for validity):")
    times, _ = harness.measure(cases, args.repeat, width=48, order=harness.rotating_order,
                               check_case=_check_read_gmina)
    print()
    print(f"medians of {args.repeat} repetition(s):")
    print(report_table(times, {case.key: case.label for case in cases}))


def _calamine_version() -> str:
    from importlib.metadata import version

    return version("python-calamine")


def main(argv: Sequence[str] | None = None) -> int:
    return harness.main(argv, build_parser, run, temp_prefix="pzk_bench_")


if __name__ == "__main__":
    sys.exit(main())
