"""I/O benchmark: how much does ``read_gmina`` (read + validate) cost on top of a bare pandas read?

The script generates, deterministically, a large synthetic gmina (5,000 partners, 50,000 tie reports, 20,000
services, 300 needs, 200 survey respondents), writes it as an ``.xlsx`` workbook and as a folder of CSV files
exported the way a Polish Excel does it (Windows-1250, ``;``), and then times, side by side:

    (a) pzk_kit.read_gmina(workbook.xlsx)          (b) pandas.read_excel(workbook.xlsx, sheet_name=None)
    (c) pzk_kit.read_gmina(csv_folder/)            (d) pandas.read_csv(each CSV, sep=";", encoding="cp1250")

Each call runs ``--repeat`` times (the order of the four calls rotates between repetitions to spread machine
noise) and the median is reported together with the ratios (a)/(b) and (c)/(d) against the goal "≤ 2×".
Nothing here asserts on time: a MISS is information, not a failure.

    python benchmarks/bench_io.py                 # full size, 3 repetitions, temporary directory
    python benchmarks/bench_io.py --small         # 1/10 of the sizes, for a quick smoke run
    python benchmarks/bench_io.py --workdir DIR   # keep the generated files in DIR
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import gc
import random
import statistics
import sys
import tempfile
import time
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import pandas as pd

from pzk_kit import read_gmina
from pzk_kit.dictionaries import dictionary
from pzk_kit.survey_instrument import load_instrument

GOAL_RATIO = 2.0
DEFAULT_SEED = 20240315
CSV_ENCODING = "cp1250"
CSV_DELIMITER = ";"
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
class Gmina:
    """The synthetic gmina as sheets of rows (header first), ready for both writers."""

    sheets: dict[str, list[Row]]

    @property
    def data_rows(self) -> dict[str, int]:
        return {name: len(rows) - 1 for name, rows in self.sheets.items()}


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
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows in gmina.sheets.items():
        with (folder / f"{name}.csv").open("w", encoding=CSV_ENCODING, newline="") as handle:
            writer = csv.writer(handle, delimiter=CSV_DELIMITER, lineterminator="\r\n")
            writer.writerows([_csv_cell(v) for v in row] for row in rows)


# ---------------------------------------------------------------------------------------------------------------
# Measurement
# ---------------------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Case:
    key: str
    label: str
    run: Callable[[], object]


def _bare_csv(folder: Path) -> dict[str, pd.DataFrame]:
    return {p.stem: pd.read_csv(p, sep=CSV_DELIMITER, encoding=CSV_ENCODING) for p in sorted(folder.glob("*.csv"))}


def _timed(run: Callable[[], object]) -> tuple[float, object]:
    gc.collect()
    start = time.perf_counter()
    result = run()
    return time.perf_counter() - start, result


def _check_valid(label: str, result: object) -> None:
    report = result.report  # type: ignore[attr-defined]
    warnings = len(report.warnings) if hasattr(report, "warnings") else "?"
    if report.ok:
        print(f"  valid: {label}: 0 errors, {warnings} warnings")
        return
    print(f"  INVALID: {label}: {len(report.errors)} errors; the first ones:")
    for problem in report.errors[:10]:
        print(f"    {problem}")
    raise AssertionError(f"the synthetic data is not valid ({label}: {len(report.errors)} errors)")


def measure(cases: list[Case], repeat: int, validated: set[str]) -> dict[str, list[float]]:
    """Run every case ``repeat`` times, rotating the order; results of ``validated`` cases are checked once."""
    times: dict[str, list[float]] = {case.key: [] for case in cases}
    for rep in range(repeat):
        shift = rep % len(cases)
        order = cases[shift:] + cases[:shift]
        if rep % 2:
            order.reverse()
        print(f"  repetition {rep + 1}/{repeat}: order {' '.join(c.key for c in order)}", flush=True)
        for case in order:
            elapsed, result = _timed(case.run)
            times[case.key].append(elapsed)
            print(f"    ({case.key}) {case.label:<48} {elapsed:8.3f} s", flush=True)
            if case.key in validated:
                _check_valid(case.label, result)
                validated.discard(case.key)
    return times


def _ratio_line(name: str, numerator: float, denominator: float) -> str:
    ratio = numerator / denominator if denominator > 0 else float("inf")
    verdict = "PASS" if ratio <= GOAL_RATIO else "MISS"
    return f"  {name:<10} {ratio:8.2f}×   goal ≤ {GOAL_RATIO:g}×   {verdict}"


def report_table(times: dict[str, list[float]], labels: dict[str, str]) -> str:
    medians = {key: statistics.median(values) for key, values in times.items()}
    lines = [f"  {'case':<54} {'median':>9} {'min':>9} {'max':>9}"]
    for key, values in times.items():
        lines.append(f"  ({key}) {labels[key]:<50} {medians[key]:8.3f}s {min(values):8.3f}s {max(values):8.3f}s")
    lines.append("")
    lines.append("  ratio        value     goal          result")
    lines.append(_ratio_line("(a)/(b)", medians["a"], medians["b"]))
    lines.append(_ratio_line("(c)/(d)", medians["c"], medians["d"]))
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------------------------
# Command line
# ---------------------------------------------------------------------------------------------------------------

def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="bench_io.py",
        description="Benchmark pzk_kit.read_gmina (read + validate) against bare pandas reads of the same synthetic "
                    "gmina, as .xlsx and as a CSV folder (Windows-1250, ';'). Prints medians and the ratios "
                    "(a)/(b), (c)/(d) against the goal ≤ 2×. Never fails on time.",
    )
    parser.add_argument("--repeat", type=int, default=3, help="repetitions of each measured call (default 3)")
    parser.add_argument("--small", action="store_true",
                        help=f"1/{SMALL_FACTOR} of the sizes, for a quick smoke run")
    parser.add_argument("--workdir", type=Path, default=None,
                        help="directory for the generated files (kept); default: a temporary directory")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"random seed (default {DEFAULT_SEED})")
    return parser


def run(args: argparse.Namespace, workdir: Path) -> None:
    sizes = FULL_SIZES.scaled(SMALL_FACTOR) if args.small else FULL_SIZES
    workdir.mkdir(parents=True, exist_ok=True)
    xlsx = workdir / WORKBOOK_NAME
    folder = workdir / CSV_FOLDER_NAME

    print(f"pzk-kit I/O benchmark — {'SMALL' if args.small else 'full'} size, seed {args.seed}, "
          f"repeat {args.repeat}, python {sys.version.split()[0]}, pandas {pd.__version__}, "
          f"openpyxl {openpyxl.__version__}")
    print(f"workdir: {workdir}")
    start = time.perf_counter()
    gmina = generate(sizes, args.seed)
    generated = time.perf_counter()
    write_xlsx(gmina, xlsx)
    written_xlsx = time.perf_counter()
    write_csv_folder(gmina, folder)
    written_csv = time.perf_counter()
    rows = ", ".join(f"{name} {count:,}" for name, count in gmina.data_rows.items())
    csv_size = sum(p.stat().st_size for p in folder.glob("*.csv"))
    print(f"data: {rows} rows")
    print(f"generation: {generated - start:.2f} s (rows) + {written_xlsx - generated:.2f} s (xlsx, "
          f"{xlsx.stat().st_size / 1e6:.1f} MB) + {written_csv - written_xlsx:.2f} s (csv, {csv_size / 1e6:.1f} MB)"
          f" = {written_csv - start:.2f} s")

    cases = [
        Case("a", f"pzk_kit.read_gmina({xlsx.name})", lambda: read_gmina(xlsx)),
        Case("b", "pandas.read_excel(sheet_name=None)", lambda: pd.read_excel(xlsx, sheet_name=None)),
        Case("c", f"pzk_kit.read_gmina({folder.name}/)", lambda: read_gmina(folder)),
        Case("d", "pandas.read_csv(each CSV, ';', cp1250)", lambda: _bare_csv(folder)),
    ]
    print("measuring (the read_gmina results of the first repetition are checked for validity):")
    times = measure(cases, args.repeat, validated={"a", "c"})
    print()
    print(f"medians of {args.repeat} repetition(s):")
    print(report_table(times, {case.key: case.label for case in cases}))


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.repeat < 1:
        build_parser().error("--repeat must be at least 1")
    if args.workdir is not None:
        run(args, args.workdir)
    else:
        with tempfile.TemporaryDirectory(prefix="pzk_bench_") as tmp:
            run(args, Path(tmp))
    return 0


if __name__ == "__main__":
    sys.exit(main())
