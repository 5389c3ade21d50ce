"""summary.json of the example gmina, byte for byte, against a copy committed before the consolidation (issue 19).

Moving rules into shared modules must not change what a run reports. The golden files were written by
``summary.write_summary`` from the example workbook: one for the default run (latest measurement) and one for
``--pomiar T0``. A change that is meant (a new key, a corrected figure) regenerates them on purpose:

    python -c "from tests.test_golden_summary import regenerate; regenerate()"
"""

from __future__ import annotations

from pathlib import Path

import pytest

from pzk_kit.runs import summary
from pzk_kit.workbook import reading

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "data" / "przyklad" / "gmina_przykladowa.xlsx"
GOLDEN = Path(__file__).resolve().parent / "data" / "golden"
CASES = {None: "summary_przyklad_domyslny.json", "T0": "summary_przyklad_T0.json"}


def _written(measurement: str | None, folder: Path) -> bytes:
    data = reading.read_gmina(EXAMPLE)
    return summary.write_summary(summary.build_summary(data, measurement), folder).read_bytes()


@pytest.mark.parametrize("measurement", list(CASES), ids=["domyslny", "T0"])
def test_summary_of_the_example_is_byte_identical_to_the_golden_copy(measurement, tmp_path):
    golden = (GOLDEN / CASES[measurement]).read_bytes()
    written = _written(measurement, tmp_path)
    assert written == golden, "summary.json changed; if on purpose, regenerate the golden copy (see module doc)"


def test_the_run_writes_the_same_summary_as_the_golden_copy(example_run):
    out, _result = example_run
    assert (out / summary.SUMMARY_NAME).read_bytes() == (GOLDEN / CASES[None]).read_bytes()


def regenerate() -> None:
    import tempfile

    for measurement, name in CASES.items():
        with tempfile.TemporaryDirectory() as folder:
            (GOLDEN / name).write_bytes(_written(measurement, Path(folder)))
