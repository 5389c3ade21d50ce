"""Merge benchmark: what does ``pzk zbierz`` cost next to simply reading the gmina it produces?

The script generates, deterministically, a synthetic gmina (61 institutions: a leader, 60 partners, T0
cooperation, a few services each), writes it as a workbook, then writes one T1 form per partner (60, each
answering about most of the others and keeping its services) and 40 anonymous survey forms, exactly as
``pzk_kit.collection.form_format`` describes them (``tests/form_builder.py``). It times, side by side:

    (a) merge_forms(folder, data) + write_merged(...)      the whole of ``pzk zbierz`` after INPUT is read
    (b) read_gmina(merged workbook)                        reading the result once (what ``pzk run`` starts with)

Each case runs ``--repeat`` times (alternating order) and the medians and the ratio (a)/(b) are printed with
the steps of (a). Every form is a separate .xlsx the merge must open and check cell by cell, so (a) is expected
to cost a few reads of a workbook; the goal ≤ 5× says the merge stays a matter of seconds. Nothing is asserted
on time: a MISS is information, not a failure.

    python benchmarks/bench_merge.py              # 60 partner forms + 40 surveys, 3 repetitions
    python benchmarks/bench_merge.py --small      # 1/4 of the forms, for a quick smoke run
"""

from __future__ import annotations

import argparse
import random
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from pzk_kit.collection.merge import merge_forms, write_merged
from pzk_kit.evaluation.instrument import load_instrument
from pzk_kit.network.measures import network_summary
from pzk_kit.workbook.reading import GminaData, read_gmina
from pzk_kit.workbook.templates import write_filled_workbook

# The shared harness, and the spec-following form builder of the tests, also when the script is loaded by path.
if str(Path(__file__).resolve().parent) not in sys.path:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
if str(Path(__file__).resolve().parents[1] / "tests") not in sys.path:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
import harness
from form_builder import partner_services, write_partner_form, write_survey_form
from harness import Case, step

DEFAULT_SEED = 20261201
SMALL_FACTOR = 4
GOAL = 5.0
WORKBOOK_NAME = "gmina_syntetyczna.xlsx"
FORMS_FOLDER = "formularze_T1"
SECTORS = ["Pomoc społeczna", "Edukacja", "Zdrowie", "Zatrudnienie", "Kultura", "Sport", "Wymiar sprawiedliwości",
           "Bezpieczeństwo", "Organizacje pozarządowe", "Administracja"]
FORMS = ["Wymiana informacji", "Kierowanie klientów", "Wspólny projekt", "Udostępnianie zasobów"]
SCALE = ["Zdecydowanie się nie zgadzam", "Raczej się nie zgadzam", "Ani tak, ani nie", "Raczej się zgadzam",
         "Zdecydowanie się zgadzam", "Nie wiem"]
STEPS_A = ("merge_forms (read + check + merge)", "write_merged (new workbook)")


@dataclass(frozen=True)
class Sizes:
    partner_forms: int
    surveys: int


FULL = Sizes(partner_forms=60, surveys=40)


def generate(sizes: Sizes, seed: int) -> dict[str, list[list[object]]]:
    """The synthetic gmina's rows (without header rows, as write_filled_workbook takes them)."""
    rng = random.Random(seed)
    count = sizes.partner_forms + 1
    ids = [f"P{k:03d}" for k in range(count)]
    partners = [[pid, f"Instytucja nr {k}", SECTORS[k % len(SECTORS)], None, None, "Lider" if k == 0 else "Partner",
                 "Podpisana"] + [None] * 6 for k, pid in enumerate(ids)]
    ties = [[a, b, rng.randint(0, 5), "; ".join(rng.sample(FORMS, 2)), rng.randint(1, 4), rng.randint(1, 4), "T0"]
            for a in ids for b in ids if a != b and rng.random() < 0.3]
    services = [[f"U{k:04d}", ids[k % count], f"Usługa {k}", "Ubóstwo", "Wszyscy mieszkańcy", "Opis", None,
                 "Bez skierowania", "Bezpłatna", None, None, None, None] for k in range(3 * count)]
    gmina = [["nazwa", "Gmina Syntetyczna"], ["teryt", "1299013"], ["lider", ids[0]]]
    return {"gmina": gmina, "partnerzy": partners, "wspolpraca": ties, "uslugi": services}


def write_forms(data: GminaData, folder: Path, sizes: Sizes, seed: int) -> None:
    rng = random.Random(seed + 1)
    folder.mkdir(parents=True, exist_ok=True)
    ids = list(data.partners["id"])
    for pid in ids[1: sizes.partner_forms + 1]:
        answers = {other: {"poziom": rng.randint(0, 5), "formy": "; ".join(rng.sample(FORMS, 2)),
                           "zaufanie": rng.randint(1, 4), "wartosc": rng.randint(1, 4)}
                   for other in ids if other != pid and rng.random() < 0.8}
        write_partner_form(folder / f"formularz_{pid}.xlsx", data, pid, "T1", answers,
                           services=partner_services(data, pid))
    items = load_instrument().item_codes
    for k in range(sizes.surveys):
        answers = {code: rng.choice(SCALE) for code in items if rng.random() < 0.9}
        write_survey_form(folder / f"ankieta_anonimowa ({k + 1}).xlsx", data, "T1", answers,
                          sector=rng.choice(SECTORS))


def merge_case(folder: Path, data: GminaData, out: Path, steps: dict[str, float]) -> Path:
    result = step(steps, STEPS_A[0], merge_forms, folder, data)
    return step(steps, STEPS_A[1], lambda: write_merged(result, out, overwrite=True))


def build_parser() -> argparse.ArgumentParser:
    return harness.build_parser(
        "bench_merge.py",
        "Benchmark pzk zbierz (merge_forms + write_merged of 60 partner forms and 40 survey forms) against "
        "read_gmina of the merged workbook. Never fails on time.",
        default_repeat=3, measured="case", generated="workbook and forms", default_seed=DEFAULT_SEED,
        small_factor=SMALL_FACTOR,
    )


def run(args: argparse.Namespace, workdir: Path) -> None:
    sizes = Sizes(FULL.partner_forms // SMALL_FACTOR, FULL.surveys // SMALL_FACTOR) if args.small else FULL
    harness.print_header("merge", args, workdir, {"pandas": pd.__version__})
    rows, t_rows = harness.timed(generate, sizes, args.seed)
    workbook, t_write = harness.timed(write_filled_workbook, rows, workdir / WORKBOOK_NAME)
    data, t_read = harness.timed(read_gmina, workbook)
    assert data.report.ok, data.report.format_text()
    folder = workdir / FORMS_FOLDER
    _, t_forms = harness.timed(write_forms, data, folder, sizes, args.seed)
    print(f"data: {len(data.partners)} partners, {len(data.cooperation):,} T0 reports, {len(data.services)} services; "
          f"{sizes.partner_forms} partner forms + {sizes.surveys} survey forms")
    print(f"generation: {t_rows:.2f} s (rows) + {t_write:.2f} s (workbook) + {t_read:.2f} s (read_gmina) + "
          f"{t_forms:.2f} s (forms)")
    out = workdir / "po_zbieraniu.xlsx"
    merged = write_merged(merge_forms(folder, data), out, overwrite=True)
    check = read_gmina(merged)
    added = len(check.survey)
    t1 = network_summary(check, "T1")
    assert check.report.ok and added == sizes.surveys, check.report.format_text()
    print(f"  check: the merged workbook is valid; T1 network {t1['ties']} ties, {added} survey respondents")

    cases = [
        Case("a", "merge_forms + write_merged", lambda steps: merge_case(folder, data, out, steps)),
        Case("b", "read_gmina(merged workbook)", lambda steps: read_gmina(out)),
    ]
    print("measuring:")
    times, steps = harness.measure(cases, args.repeat, width=40)
    middle = harness.medians(times)
    print()
    print(f"medians of {args.repeat} repetition(s):")
    for line in harness.case_table(times, {c.key: c.label for c in cases}, width=40):
        print(line)
    for name in STEPS_A:
        value = sorted(run.get(name, 0.0) for run in steps["a"])[len(steps["a"]) // 2]
        print(f"      of (a): {name:<36} {value:8.3f}s")
    forms = sizes.partner_forms + sizes.surveys
    print(f"  per form (a)/{forms}: {1000 * middle['a'] / forms:.0f} ms")
    print(harness.RATIO_HEADER)
    print(harness.ratio_line("(a)/(b)", middle["a"], middle["b"], GOAL))


def main(argv: Sequence[str] | None = None) -> int:
    return harness.main(argv, build_parser, run, temp_prefix="pzk_bench_merge_")


if __name__ == "__main__":
    sys.exit(main())
