"""Basket benchmark: how much does the kit's basket analysis cost on top of a plain pandas needs coverage?

The script generates, deterministically, a large synthetic service basket — 20,000 services of 400 partners,
each listing one to three need areas and one to three target groups (about one in eight for ``wszyscy``), cells
typed as Polish labels separated by ``;`` or ``,`` — and 500 need rows, writes it as a folder of CSV files exported
the way a Polish Excel does it (Windows-1250, ``;``) and reads it once with ``pzk_kit.read_gmina`` (outside the
timing; the report must be ok). Some (area, group) pairs are never offered and two areas have no service at all,
so there are gaps; two "specialist" areas are served by one partner only. Then it times, side by side:

    (a) basket_summary(data) + coverage_matrix(data): the summary.json part and the workshop matrix;
    (b) a plain pandas needs coverage on the same typed tables: services exploded by area and by group, merged
        with the need rows on (area, group), ``wszyscy`` services merged a second time on the area alone, then
        services and distinct providers counted per need row.

Each case runs ``--repeat`` times (the order alternates between repetitions to spread machine noise) and the
medians and the ratio (a)/(b) are printed; after the first repetition (a) and (b) are checked to agree on
needs_covered (and, once, on the per-row counts of needs_coverage and on the gaps). Then the service finder:
the latency of ``find_services(data, [two areas], group)`` over ``--queries`` random queries, median against the
goal "< 50 ms". Nothing here asserts on time: a MISS is information, not a failure.

    python benchmarks/bench_basket.py                 # full size, 5 repetitions, temporary directory
    python benchmarks/bench_basket.py --small         # 1/10 of the sizes, for a quick smoke run
    python benchmarks/bench_basket.py --profile       # also cProfile one run of (a) and 20 finder queries
    python benchmarks/bench_basket.py --workdir DIR   # keep the generated CSV folder in DIR
"""

from __future__ import annotations

import argparse
import io
import random
import statistics
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from pzk_kit.basket import EVERYONE, basket_summary, coverage_matrix, find_services, needs_coverage
from pzk_kit.workbook.dictionaries import dictionary
from pzk_kit.workbook.reading import GminaData

if str(Path(__file__).resolve().parent) not in sys.path:  # the shared harness, also when loaded by path
    sys.path.insert(0, str(Path(__file__).resolve().parent))
import harness
from harness import Case, read_valid, step

FINDER_GOAL_MS = 50.0
DEFAULT_SEED = 20241107
CSV_FOLDER_NAME = "koszyk_syntetyczny_csv"


@dataclass(frozen=True)
class Sizes:
    services: int
    needs: int
    partners: int
    queries: int

    def scaled(self, factor: int) -> Sizes:
        return Sizes(services=max(200, self.services // factor), needs=max(30, self.needs // factor),
                     partners=max(20, self.partners // factor), queries=max(20, self.queries // factor))


FULL_SIZES = Sizes(services=20_000, needs=500, partners=400, queries=200)
SMALL_FACTOR = 10

# ---------------------------------------------------------------------------------------------------------------
# Synthetic data
# ---------------------------------------------------------------------------------------------------------------

SECTORS = ["Pomoc społeczna", "Edukacja", "Zdrowie", "Zatrudnienie", "Kultura", "Sport", "Wymiar sprawiedliwości",
           "Bezpieczeństwo", "Organizacje pozarządowe", "Administracja", "Kościoły", "Mieszkalnictwo"]
PREFIXES = ["OPS", "SP", "SPZOZ", "PUP", "GOK", "OSIR", "ZKSS", "KPP", "FUN", "UG", "PAR", "TBS"]
SERVICE_NAMES = [
    "Rozmowa z pracownikiem socjalnym", "Poradnictwo psychologiczne", "Grupa wsparcia dla opiekunów",
    "Zajęcia świetlicowe dla dzieci", "Telefon zaufania dla młodzieży", "Klub seniora „Złoty wiek”",
    "Nieodpłatna pomoc prawna", "Kurs obsługi komputera", "Posiłek w stołówce", "Mieszkanie treningowe",
    "Doradztwo zawodowe", "Asystent osobisty", "Interwencja kryzysowa", "Lekcje języka polskiego",
]
PLACES = ["ul. Rynek 12, parter", "ul. Kościuszki 3, pokój 14", "Szkoła Podstawowa nr 2, sala 5", "", "w domu"]
HOURS = ["pon.–pt. 8:00–15:00", "wt. i czw. 16:00–19:00", "całodobowo", "według ustaleń", ""]
SOURCES = ["Diagnoza potrzeb i potencjału 2024", "Ocena zasobów pomocy społecznej 2023",
           "Strategia rozwiązywania problemów społecznych 2021–2027", ""]
ACCESS = (["Bez skierowania", "Skierowanie", "Decyzja", ""], (60, 20, 15, 5))
PAYMENT = (["Bezpłatna", "Częściowo odpłatna", "Odpłatna", ""], (75, 12, 8, 5))
UNSERVED_AREAS = 2  # the last two areas of the dictionary: needs only, never a service
SPECIALIST_AREAS = 2  # the two before them: one partner only
OFFERED_SHARE = 0.7  # share of (area, specific group) pairs that services may list
EVERYONE_SHARE = 0.12  # services for every resident
EVERYONE_AREAS = 8  # …only in the first areas of the dictionary, so the other areas keep their gaps

Row = list[object]


@dataclass
class Basket(harness.Sheets):
    """The synthetic gmina as sheets of rows (header first)."""


def _cell(rng: random.Random, labels: Sequence[str]) -> str:
    """A multi-valued cell as typed: "; " mostly, ", " sometimes (few values, so the header keeps the most ';')."""
    return ("; " if rng.random() < 0.7 else ", ").join(labels)


def generate(sizes: Sizes, seed: int = DEFAULT_SEED) -> Basket:
    """The whole synthetic basket; the same ``sizes`` and ``seed`` always give the same rows."""
    rng = random.Random(seed)
    areas, groups = dictionary("obszary_potrzeb").entries, dictionary("grupy_docelowe").entries
    specific = [g for g in groups if g.code != EVERYONE]
    everyone_label = next(g.label for g in groups if g.code == EVERYONE)
    served = areas[: len(areas) - UNSERVED_AREAS]
    specialist = served[len(served) - SPECIALIST_AREAS:]
    general = served[: len(served) - SPECIALIST_AREAS]
    allowed = {a.code: [g for g in specific if rng.random() < OFFERED_SHARE] or [specific[0]] for a in served}

    partners: list[Row] = [["id", "nazwa", "sektor", "rola", "deklaracja"]]
    ids = []
    for k in range(sizes.partners):
        pid = f"{PREFIXES[k % len(PREFIXES)]}{k + 1:03d}"
        ids.append(pid)
        role = "Lider" if k == 0 else ("Kandydat" if rng.random() < 0.15 else "Partner")
        declaration = "Brak" if role == "Kandydat" else rng.choice(["Podpisana", "Podpisana", "List intencyjny"])
        partners.append([pid, f"{SERVICE_NAMES[k % len(SERVICE_NAMES)].split()[0]} — instytucja nr {k + 1}",
                         SECTORS[k % len(SECTORS)], role, declaration])
    specialists = {a.code: ids[1 + i] for i, a in enumerate(specialist)}
    generalists = [ids[0], *ids[1 + SPECIALIST_AREAS:]]

    services: list[Row] = [["id", "partner", "nazwa", "obszary", "grupy", "dostep", "odplatnosc", "miejsce", "godziny",
                            "kontakt"]]
    for k in range(sizes.services):
        if rng.random() < 0.01:  # a specialist service: its area and the partner that alone serves it
            first = rng.choice(specialist)
            partner = specialists[first.code]
        else:
            first = rng.choice(general)
            partner = rng.choice(generalists)
        if rng.random() < EVERYONE_SHARE:
            chosen_areas = [first, *rng.sample(general[:EVERYONE_AREAS], rng.randint(0, 1))]
            group_cell = everyone_label if rng.random() < 0.8 else _cell(rng, [rng.choice(specific).label,
                                                                                 everyone_label])
            if first.code in specialists:
                chosen_areas = [first]
        else:
            chosen = rng.sample(allowed[first.code], min(len(allowed[first.code]), rng.randint(1, 3)))
            # more areas only where every chosen group is offered, so the exploded pairs stay in `allowed`
            fits = [a for a in general if a is not first and all(g in allowed[a.code] for g in chosen)]
            chosen_areas = [first] + (rng.sample(fits, min(len(fits), rng.randint(0, 2))) if first in general else [])
            group_cell = _cell(rng, [g.label for g in chosen])
        services.append([
            f"U{k + 1:05d}", partner, f"{rng.choice(SERVICE_NAMES)} ({k + 1})",
            _cell(rng, [a.label for a in chosen_areas]), group_cell,
            rng.choices(*ACCESS)[0], rng.choices(*PAYMENT)[0], rng.choice(PLACES), rng.choice(HOURS),
            f"tel. 12 {rng.randint(100, 999)} {rng.randint(10, 99)} {rng.randint(10, 99)}",
        ])

    needs: list[Row] = [["obszar", "grupa", "liczba_osob", "priorytet", "zrodlo"]]
    seen: set[tuple[object, ...]] = set()
    while len(needs) <= sizes.needs:  # the same (area, group) may come back from another source, never a copy
        area, group = rng.choice(areas), rng.choice(groups)  # `wszyscy` now and then, too
        row = [area.label, group.label, rng.choice([rng.randint(5, 400), None]), rng.choice([1, 1, 2, 2, 3, None]),
               rng.choice(SOURCES)]
        if tuple(row) not in seen:  # read_gmina counts an identical row once
            seen.add(tuple(row))
            needs.append(row)
    gmina = [["pole", "wartosc"], ["nazwa", "Gmina Syntetyczna"], ["lider", ids[0]]]
    return Basket({"gmina": gmina, "partnerzy": partners, "uslugi": services, "potrzeby": needs})


def write_csv_folder(basket: Basket, folder: Path) -> None:
    harness.write_csv_folder(basket.sheets, folder)


# ---------------------------------------------------------------------------------------------------------------
# The two cases
# ---------------------------------------------------------------------------------------------------------------

STEPS_A = ("basket_summary", "coverage_matrix")



def kit_basket(data: GminaData, steps: dict[str, float]) -> dict[str, Any]:
    """Case (a): the summary.json part and the area × group matrix, as the basket notebook computes them."""
    summary = step(steps, "basket_summary", basket_summary, data)
    matrix = step(steps, "coverage_matrix", coverage_matrix, data)
    return {"summary": summary, "matrix": matrix}


def pandas_coverage(data: GminaData) -> pd.DataFrame:
    """Case (b): per need row, the services and distinct providers that answer it, with explode + merge."""
    pairs = (data.services[["id", "partner", "obszary", "grupy"]]
             .explode("obszary").explode("grupy").dropna(subset=["obszary", "grupy"]))
    needs = data.needs[["obszar", "grupa"]].rename_axis("need").reset_index()
    direct = needs.merge(pairs, left_on=["obszar", "grupa"], right_on=["obszary", "grupy"])
    for_all = needs.merge(pairs[pairs["grupy"] == EVERYONE], left_on="obszar", right_on="obszary")
    matched = pd.concat([direct[["need", "id", "partner"]], for_all[["need", "id", "partner"]]])
    counts = (matched.groupby("need").agg(uslugi=("id", "nunique"), dostawcy=("partner", "nunique"))
              .reindex(needs["need"], fill_value=0))
    counts["pokryta"] = counts["uslugi"] > 0
    return counts


def check_agreement(a: dict[str, Any], b: pd.DataFrame) -> None:
    """After the first repetition: both cases count the same covered needs."""
    covered_a, covered_b = a["summary"]["needs_covered"], int(b["pokryta"].sum())
    assert covered_a == covered_b, f"needs_covered: basket_summary {covered_a}, pandas {covered_b}"


def check_rows(data: GminaData, b: pd.DataFrame) -> str:
    """Once, outside the timing: needs_coverage and the baseline agree row by row, and on the gaps."""
    kit = needs_coverage(data)
    assert list(kit["uslugi"]) == list(b["uslugi"]), "services per need row differ"
    assert list(kit["dostawcy"]) == list(b["dostawcy"]), "providers per need row differ"
    summary = basket_summary(data)
    uncovered = b[~b["pokryta"]].index
    bare_gaps = sorted(zip(data.needs.loc[uncovered, "obszar"], data.needs.loc[uncovered, "grupa"], strict=True))
    assert sorted((g["area"], g["group"]) for g in summary["gaps"]) == bare_gaps, "gaps differ"
    return (f"  check: needs_coverage and the pandas baseline agree on every need row (services, providers) and "
            f"on the gaps — {summary['needs_covered']} of {summary['needs']} needs covered, "
            f"{len(summary['gaps'])} gaps, single-provider areas: {', '.join(summary['single_provider_areas'])}")


# ---------------------------------------------------------------------------------------------------------------
# Measurement
# ---------------------------------------------------------------------------------------------------------------


def report_table(times: dict[str, list[float]], steps: dict[str, list[dict[str, float]]],
                 labels: dict[str, str]) -> str:
    medians = harness.medians(times)
    lines = harness.case_table(times, labels, width=54)
    for name in STEPS_A:
        step = statistics.median(run.get(name, 0.0) for run in steps["a"])
        lines.append(f"      of (a): {name:<48} {step:8.3f}s")
    ratio = harness.ratio(medians["a"], medians["b"])
    lines += ["", f"  ratio (a)/(b) {ratio:8.2f}×   (basket_summary + coverage_matrix vs plain pandas coverage)"]
    return "\n".join(lines)


def finder_queries(data: GminaData, count: int, seed: int) -> list[tuple[list[str], str]]:
    """``count`` random resident questions: two different need areas and one specific target group."""
    rng = random.Random(seed + 1)
    areas = dictionary("obszary_potrzeb").codes
    groups = [g for g in dictionary("grupy_docelowe").codes if g != EVERYONE]
    return [(rng.sample(areas, 2), rng.choice(groups)) for _ in range(count)]


def measure_finder(data: GminaData, queries: list[tuple[list[str], str]]) -> tuple[list[float], list[int]]:
    """Latency (seconds) and result size of each query; the first is checked against plain Python."""
    latencies, sizes = [], []
    find_services(data, *queries[0])  # warm-up: dictionaries are loaded and cached on the first call
    for areas, group in queries:
        start = time.perf_counter()
        found = find_services(data, areas, group)
        latencies.append(time.perf_counter() - start)
        sizes.append(len(found))
    areas, group = queries[0]
    expected = {sid for sid, listed, for_whom in zip(data.services["id"], data.services["obszary"],
                                                     data.services["grupy"], strict=True)
                if set(areas) & set(listed) and (group in for_whom or EVERYONE in for_whom)}
    assert set(find_services(data, areas, group)["id"]) == expected, "find_services differs from plain Python"
    return latencies, sizes


def finder_report(latencies: list[float], sizes: list[int]) -> str:
    ms = sorted(1000 * t for t in latencies)
    median = statistics.median(ms)
    p90 = ms[min(len(ms) - 1, int(0.9 * len(ms)))]
    verdict = "PASS" if median < FINDER_GOAL_MS else "MISS"
    return (f"  find_services(data, [2 areas], group), {len(ms)} random queries "
            f"({statistics.median(sizes):.0f} services found, median)\n"
            f"  latency   median {median:7.1f} ms   p90 {p90:7.1f} ms   max {ms[-1]:7.1f} ms   "
            f"goal < {FINDER_GOAL_MS:g} ms   {verdict}")


def profile_runs(data: GminaData, queries: list[tuple[list[str], str]], top: int) -> str:
    """cProfile of one run of (a) and of 20 finder queries: the functions with the most time of their own."""
    out = io.StringIO()
    for title, run in (("one run of (a)", lambda: kit_basket(data, {})),
                       ("20 finder queries", lambda: [find_services(data, a, g) for a, g in queries[:20]])):
        out.write(f"--- profile of {title} ---\n")
        out.write(harness.profile(run, "basket.py", top))
    return out.getvalue()


# ---------------------------------------------------------------------------------------------------------------
# Command line
# ---------------------------------------------------------------------------------------------------------------

def build_parser() -> argparse.ArgumentParser:
    return harness.build_parser(
        "bench_basket.py",
        "Benchmark the pzk_kit basket analysis (basket_summary + coverage_matrix) against a plain pandas "
        "needs coverage (explode + merge) on a synthetic basket of 20,000 services and 500 need rows, "
        f"and the latency of the service finder against the goal < {FINDER_GOAL_MS:g} ms. Never fails on time.",
        default_repeat=5, measured="case", generated="CSV folder", default_seed=DEFAULT_SEED,
        small_factor=SMALL_FACTOR,
        before_small=[("--queries", {"type": int, "default": None,
                                     "help": f"finder queries (default {FULL_SIZES.queries}, with --small "
                                             f"{FULL_SIZES.scaled(SMALL_FACTOR).queries})"})],
        after_small=[("--profile", {"action": "store_true", "help": "afterwards, cProfile one run of (a) and 20 "
                                                                    "finder queries and print the top functions"})],
    )


def run(args: argparse.Namespace, workdir: Path) -> None:
    sizes = FULL_SIZES.scaled(SMALL_FACTOR) if args.small else FULL_SIZES
    folder = workdir / CSV_FOLDER_NAME

    harness.print_header("basket", args, workdir, {"pandas": pd.__version__})
    basket, t_rows = harness.timed(generate, sizes, args.seed)
    _, t_csv = harness.timed(write_csv_folder, basket, folder)
    data, t_read = harness.timed(read_valid, folder)
    pairs = int(data.services["obszary"].map(len).mul(data.services["grupy"].map(len)).sum())
    print(f"data: {', '.join(f'{name} {count:,}' for name, count in basket.data_rows.items())} rows; "
          f"{pairs:,} (service, area, group) pairs, "
          f"{int(data.services['grupy'].map(lambda g: EVERYONE in g).sum()):,} services for everyone")
    print(f"generation: {t_rows:.2f} s (rows) + {t_csv:.2f} s (csv) + {t_read:.2f} s "
          f"(read_gmina, valid: 0 errors, {len(data.report.warnings)} warnings)")
    print(check_rows(data, pandas_coverage(data)))

    cases = [
        Case("a", "pzk_kit basket_summary + coverage_matrix", lambda steps: kit_basket(data, steps)),
        Case("b", "pandas explode + merge needs coverage", lambda steps: pandas_coverage(data)),
    ]
    print("measuring:")
    times, steps = harness.measure(cases, args.repeat,
                                   check=lambda results: check_agreement(results["a"], results["b"]),
                                   check_message="  check: (a) and (b) agree on needs_covered")
    print()
    print(f"medians of {args.repeat} repetition(s):")
    print(report_table(times, steps, {case.key: case.label for case in cases}))
    print()
    print("service finder:")
    queries = finder_queries(data, args.queries or sizes.queries, args.seed)
    print(finder_report(*measure_finder(data, queries)))
    if args.profile:
        print()
        print(profile_runs(data, queries, top=20))


def main(argv: Sequence[str] | None = None) -> int:
    return harness.main(argv, build_parser, run, temp_prefix="pzk_bench_basket_")


if __name__ == "__main__":
    sys.exit(main())
