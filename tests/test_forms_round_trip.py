"""Issue 15's promise, end to end with the kit's own writer: `pzk formularze` → partners fill the forms in Excel →
`pzk zbierz` → the same analysis as if the leader had typed everything in.

The example gmina without its T1 cooperation and T1 survey is what a leader holds before T1. Every form is then
filled by a script the way a partner would (levels as digits, forms of cooperation as labels, survey answers as the
scale's labels), and the merged workbook must give the example's own T1 network and T1 survey scores.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from form_builder import answers_from

from pzk_kit.cli import main
from pzk_kit.collection.forms import SURVEY_NAME, write_forms
from pzk_kit.collection.merge import merge_forms, write_merged
from pzk_kit.evaluation import factor_scores
from pzk_kit.evaluation.instrument import load_instrument
from pzk_kit.network import network_summary, response
from pzk_kit.workbook.example import example_dir, example_rows
from pzk_kit.workbook.reading import GminaData, read_gmina
from pzk_kit.workbook.templates import write_filled_workbook

MEASUREMENT = "T1"


@pytest.fixture(scope="module")
def original() -> GminaData:
    return read_gmina(example_dir())


@pytest.fixture(scope="module")
def before_t1(tmp_path_factory) -> Path:
    rows = example_rows()  # rows without headers, in the schema's column order
    for sheet, at in (("wspolpraca", 6), ("ankieta", 1)):
        rows[sheet] = [r for r in rows[sheet] if r[at] != MEASUREMENT]
    return write_filled_workbook(rows, tmp_path_factory.mktemp("przed") / "gmina.xlsx")


def _fill_partner_form(path: Path, answers: dict[str, dict]) -> None:
    workbook = openpyxl.load_workbook(path)
    sheet = workbook["wspolpraca"]
    header = [cell.value for cell in sheet[1]]
    column = {name: header.index(name) + 1 for name in header}
    for row in range(2, sheet.max_row + 1):
        answer = answers.get(sheet.cell(row, column["do"]).value)
        if answer:
            for name in ("poziom", "formy", "zaufanie", "wartosc"):
                sheet.cell(row, column[name], answer[name])
    workbook.save(path)


def _fill_survey(template: Path, path: Path, answers: dict[str, object], sector: str | None) -> None:
    shutil.copyfile(template, path)
    instrument = load_instrument()
    scale = dict(enumerate(instrument.scale, start=1))
    workbook = openpyxl.load_workbook(path)
    sheet = workbook["ankieta"]
    for row in range(2, sheet.max_row + 1):
        code = sheet.cell(row, 1).value
        if code == "sektor":
            sheet.cell(row, 3, sector)
        elif code in answers and answers[code] is not None:
            value = answers[code]
            sheet.cell(row, 3, instrument.dont_know if value == 0 else scale[int(value)])
    workbook.save(path)


@pytest.fixture(scope="module")
def returned(tmp_path_factory, original, before_t1) -> Path:
    """`pzk formularze` for T1, every form filled as the example's partners and respondents answered."""
    sent = write_forms(read_gmina(before_t1), tmp_path_factory.mktemp("wyslane") / "formularze",
                       measurement=MEASUREMENT)
    back = tmp_path_factory.mktemp("odeslane")
    for form in sent.partner_forms:
        partner = openpyxl.load_workbook(form)["_pzk"]
        meta = {row[0]: row[1] for row in partner.iter_rows(min_row=2, values_only=True)}
        target = back / form.name
        shutil.copyfile(form, target)
        _fill_partner_form(target, answers_from(original, meta["partner"], MEASUREMENT))
    survey = original.survey[original.survey["pomiar"] == MEASUREMENT]
    items = [c for c in survey.columns if c.startswith("q")]
    for number, row in enumerate(survey.itertuples(index=False), start=1):
        answers = {item: (None if pd.isna(getattr(row, item)) else getattr(row, item)) for item in items}
        sector = getattr(row, "sektor", None)
        _fill_survey(sent.survey, back / f"ankieta_{number:02d}.xlsx", answers,
                     None if sector is None or pd.isna(sector) else str(sector))
    return back


@pytest.fixture(scope="module")
def merged(tmp_path_factory, returned, before_t1) -> GminaData:
    result = merge_forms(returned, read_gmina(before_t1), measurement=MEASUREMENT)
    out = write_merged(result, tmp_path_factory.mktemp("po") / "gmina_T1.xlsx")
    data = read_gmina(out)
    assert data.report.ok, data.report.format_text()
    return data


def test_members_get_forms_and_the_survey_is_one_file(tmp_path, before_t1, original):
    sent = write_forms(read_gmina(before_t1), tmp_path / "f", measurement=MEASUREMENT)
    members = original.partners[original.partners["rola"].isin(["lider", "partner"])]
    assert len(sent.partner_forms) == len(members)
    assert sent.survey.name == SURVEY_NAME


def test_the_merged_workbook_gives_the_examples_t1_network(merged, original):
    assert network_summary(merged, MEASUREMENT) == network_summary(original, MEASUREMENT)
    assert network_summary(merged, "T0") == network_summary(original, "T0")
    assert response.response_status(merged, MEASUREMENT) == response.response_status(original, MEASUREMENT)


def test_the_merged_workbook_gives_the_examples_survey_scores(merged, original):
    assert factor_scores(merged) == factor_scores(original)
    assert (merged.survey["pomiar"] == MEASUREMENT).sum() == (original.survey["pomiar"] == MEASUREMENT).sum()


def test_collecting_again_changes_nothing_and_the_cli_agrees(returned, before_t1, merged, tmp_path):
    out = tmp_path / "jeszcze_raz.xlsx"
    assert main(["zbierz", str(returned), "--do", str(before_t1), "--out", str(out), "--pomiar", MEASUREMENT]) == 0
    again = read_gmina(out)
    for name in ("wspolpraca", "uslugi", "ankieta"):
        pd.testing.assert_frame_equal(again.table(name).drop(columns="wiersz").reset_index(drop=True),
                                      merged.table(name).drop(columns="wiersz").reset_index(drop=True))
