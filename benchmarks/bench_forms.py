"""Partner forms benchmark: what does ``pzk formularze`` cost for a large gmina, next to writing the blank template?

``pzk formularze`` writes one Excel form per partner (each with drop-down lists, a protected ties sheet and the
partner's services), the anonymous survey, its printable Word version and the cover letters. The blank template
(``pzk template``) is the kit's other generated workbook and the natural yardstick: a user has waited for it
before. The script generates, deterministically, a synthetic gmina with 60 partners who all get a form (the data of
``bench_io.py``: Polish names, T0 and T1 tie reports, services), and times side by side:

    (a) write_forms(gmina, new folder)         all files of ``pzk formularze`` for 60 partners
    (b) write_template(new .xlsx)              the blank template, once
    (c) forms_zip(gmina)                       the same files as one ZIP in memory (the app's download)

It reports the medians, (a)/(b), the cost of one partner's form against the template ((a)/60 over (b)) and (c)/(a).
There is no goal to pass: the figures are information. Nothing here asserts on time.

    python benchmarks/bench_forms.py                 # 60 partners, 3 repetitions, temporary directory
    python benchmarks/bench_forms.py --small         # 12 partners, for a quick smoke run
    python benchmarks/bench_forms.py --workdir DIR   # keep the generated files in DIR
"""

from __future__ import annotations

import argparse
import itertools
import sys
from collections.abc import Sequence
from pathlib import Path

import openpyxl

from pzk_kit.collection.forms import forms_zip, write_forms
from pzk_kit.workbook.templates import write_template

if str(Path(__file__).resolve().parent) not in sys.path:  # the shared harness, also when loaded by path
    sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_io
import harness
from harness import Case

DEFAULT_SEED = 20270131
FULL_PARTNERS = 60
SMALL_FACTOR = 5
CSV_FOLDER_NAME = "gmina_60_partnerow_csv"


def sizes(partners: int) -> bench_io.Sizes:
    """About 25 reports per partner and measurement (at most half of all pairs: bench_io draws distinct ones), three
    services each: a busy but real gmina."""
    ties = min(partners * 50, partners * (partners - 1))
    return bench_io.Sizes(partners=partners, ties=ties, services=partners * 3, needs=30, respondents=40)


def generate(partners: int, seed: int = DEFAULT_SEED) -> harness.Sheets:
    """``bench_io``'s synthetic gmina at this size, every candidate made a partner so that all get a form."""
    gmina = bench_io.generate(sizes(partners), seed)
    rows = gmina.sheets["partnerzy"]
    role = rows[0].index("rola")
    for row in rows[1:]:
        if row[role] == "Kandydat":
            row[role] = "Partner"
    return gmina


def run(args: argparse.Namespace, workdir: Path) -> None:
    harness.print_header("partner forms", args, workdir, {"openpyxl": openpyxl.__version__})
    partners = FULL_PARTNERS // SMALL_FACTOR if args.small else FULL_PARTNERS
    gmina, seconds = harness.timed(generate, partners, args.seed)
    folder = workdir / CSV_FOLDER_NAME
    harness.write_csv_folder(gmina.sheets, folder)
    data = harness.read_valid(folder)
    print(f"generation: {partners} partners, {gmina.data_rows['wspolpraca']} tie reports, "
          f"{gmina.data_rows['uslugi']} services in {seconds:.1f} s")
    counter = itertools.count()

    cases = [
        Case("a", f"write_forms ({partners} partners)",
             lambda steps: write_forms(data, workdir / f"formularze_{next(counter)}")),
        Case("b", "write_template (blank .xlsx)",
             lambda steps: write_template(workdir / f"szablon_{next(counter)}.xlsx")),
        Case("c", "forms_zip (same files, in memory)", lambda steps: forms_zip(data)),
    ]

    def check(results: dict[str, object]) -> None:
        forms = results["a"]
        assert len(forms.partner_forms) == partners, "every partner gets a form"
        assert forms.survey.is_file() and results["b"].is_file()
        assert len(results["c"]) > 0

    times, _steps = harness.measure(cases, args.repeat, width=40, order=harness.rotating_order, check=check,
                                    check_message=f"check: (a) wrote {partners} forms, (b) one template, (c) a ZIP")
    labels = {case.key: case.label for case in cases}
    print()
    print("\n".join(harness.case_table(times, labels, 40)))
    middle = harness.medians(times)
    print()
    print(f"  (a)/(b)      all forms / one template           {harness.ratio(middle['a'], middle['b']):8.2f}×")
    print(f"  (a)/{partners}/(b)   one partner's form / one template  "
          f"{harness.ratio(middle['a'] / partners, middle['b']):8.2f}×")
    print(f"  (c)/(a)      ZIP in memory / folder on disk      {harness.ratio(middle['c'], middle['a']):8.2f}×")
    print(f"  per form     {middle['a'] / partners * 1000:8.0f} ms")


def build_parser() -> argparse.ArgumentParser:
    return harness.build_parser(
        "bench_forms.py", "Time pzk formularze for a 60-partner gmina against the blank template.",
        default_repeat=3, measured="call", generated="gmina and forms", default_seed=DEFAULT_SEED,
        small_factor=SMALL_FACTOR,
    )


def main(argv: Sequence[str] | None = None) -> int:
    return harness.main(argv, build_parser, run, "pzk-bench-forms-")


if __name__ == "__main__":
    sys.exit(main())
