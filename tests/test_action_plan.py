"""The action plan (sheet ``dzialania``): statuses, overdue actions on a pinned day, whether each target figure
moved on a tiny network computed by hand, survey items hidden under 3 answers, rows copied from the
recommendations, the report's chapter, the rules about the plan, and the app's widget whose download parses back.

The test gmina (four partners, GOPS leads, KPP a candidate), by hand:

* T0 ties GOPS–PUP (both report it) and GOPS–SP1 (GOPS only): 2 ties of 6 pairs → density 0.3333, KPP isolated
  (1 isolate), reciprocity 1/2 = 0.5.
* T1 adds PUP–SP1 and SP1–KPP (one side each): 4 ties → density 0.6667, no isolate, reciprocity 1/4 = 0.25.
* Survey item q01: T0 answers 4, 5, 3 → 4.0; T1 5, 3, 4 → 4.0 (same). q02: T0 2, 3, 4 → 3.0; T1 one answer
  (5, empty, "nie wiem") → withheld (fewer than 3 answers), so its change is unknown.
* "Today" is 2026-12-01 (tests/conftest.py pins ``PZK_DZIS``).
"""

from __future__ import annotations

import copy
import io
from pathlib import Path

import openpyxl
import pytest
from docx import Document

from pzk_kit import glossary
from pzk_kit.evaluation.recommendations import recommendations
from pzk_kit.evaluation.report import write_report_docx
from pzk_kit.followup import plan
from pzk_kit.followup.plan_report import plan_chapter
from pzk_kit.workbook.example import example_dir
from pzk_kit.workbook.reading import read_gmina
from pzk_kit.workshop.plan_widget import PlanWidget, add_to_plan

HOSTILE = Path(__file__).resolve().parent / "data" / "hostile" / "gmina_wroga_csv"

ACTIONS = [
    ["id", "dzialanie", "kto", "termin", "rekomendacja", "miara", "status", "data_wykonania", "pomiar"],
    ["D1", "Spotkanie sieciujące", "GOPS; PUP", "2025-01-31", "izolowani", "Gęstość sieci", "Zrealizowane",
     "2025-01-20", "T0"],
    ["D2", "Zaprosić KPP do wspólnych działań", "GOPS", "2026-11-30", "izolowani", "Instytucje bez powiązań",
     "W trakcie", "", "T0"],
    ["D3", "Potwierdzić zgłoszenia współpracy", "PUP", "2026-12-01", "niska_wzajemnosc", "Wzajemność zgłoszeń",
     "Planowane", "", "T0"],
    ["D4", "Omówić sposób podejmowania decyzji", "SP1", "2025-06-30", "", "q01", "Odłożone", "", "T0"],
    ["D5", "Rozmowa o wpływie instytucji", "", "", "", "q02", "", "", ""],
    ["D6", "Luki po drugim pomiarze", "GOPS", "2020-01-01", "", "Luki (potrzeby bez usługi)", "Planowane", "",
     "T1"],
    ["D7", "Działanie po pomiarze T2", "GOPS", "2020-01-01", "", "", "Planowane", "", "T2"],
]


@pytest.fixture(scope="module")
def sheets(gmina_blueprint) -> dict:
    rows = copy.deepcopy(gmina_blueprint)
    rows["wspolpraca"] = [
        ["od", "do", "poziom", "pomiar"],
        ["GOPS", "PUP", "3", "T0"], ["PUP", "GOPS", "2", "T0"], ["GOPS", "SP1", "1", "T0"],
        ["GOPS", "PUP", "3", "T1"], ["PUP", "GOPS", "3", "T1"], ["GOPS", "SP1", "2", "T1"],
        ["PUP", "SP1", "1", "T1"], ["SP1", "KPP", "1", "T1"],
    ]
    rows["ankieta"] = [
        ["respondent", "pomiar", "q01", "q02"],
        ["R01", "T0", "4", "2"], ["R02", "T0", "5", "3"], ["R03", "T0", "3", "4"],
        ["R01", "T1", "5", "5"], ["R02", "T1", "3", ""], ["R03", "T1", "4", "nie wiem"],
    ]
    rows["dzialania"] = ACTIONS
    return rows


@pytest.fixture(scope="module")
def data(sheets, write_csv_gmina, tmp_path_factory):
    gmina = read_gmina(write_csv_gmina(tmp_path_factory.mktemp("plan") / "g", sheets))
    assert gmina.report.ok, gmina.report
    return gmina


def fresh(sheets, write_csv_gmina, folder: Path, **changes):
    return read_gmina(write_csv_gmina(folder, {**copy.deepcopy(sheets), **changes}))


# -- the summary ----------------------------------------------------------------------------------------------


def test_statuses_done_share_and_overdue_on_the_pinned_day(data):
    summary = plan.plan_summary(data)
    # D7 was planned after T2, a measurement the run (T1) does not know yet
    assert summary["actions"] == 6
    assert summary["by_status"] == {"planowane": 3, "w_trakcie": 1, "zrealizowane": 1, "odlozone": 1}
    assert summary["done_share"] == round(1 / 6, 4)
    # D2's deadline was yesterday; D3's is today (still on time); D4 is put off; D5 has no deadline
    assert summary["overdue"] == ["D2", "D6"]


def test_targets_moved_better_worse_same_or_unknown(data):
    targets = {t["action"]: t for t in plan.plan_summary(data)["targets"]}
    assert targets["D1"] == {"action": "D1", "figure": "density", "from": "T0", "to": "T1", "before": 0.3333,
                             "after": 0.6667, "result": "better"}
    assert (targets["D2"]["before"], targets["D2"]["after"], targets["D2"]["result"]) == (1.0, 0.0, "better")
    assert (targets["D3"]["before"], targets["D3"]["after"], targets["D3"]["result"]) == (0.5, 0.25, "worse")
    assert (targets["D4"]["before"], targets["D4"]["after"], targets["D4"]["result"]) == (4.0, 4.0, "same")
    # one answer of 1–5 in T1: the item's mean is withheld there, so nobody can tell whether it moved
    assert (targets["D5"]["before"], targets["D5"]["after"], targets["D5"]["result"]) == (3.0, None, None)
    # planned after the run's own measurement, and a basket figure: no history to compare
    assert targets["D6"] == {"action": "D6", "figure": "gaps", "from": "T1", "to": "T1", "before": None,
                             "after": None, "result": None}
    assert "D7" not in targets


def test_run_as_of_t0_has_no_after_values(data):
    summary = plan.plan_summary(data, "T0")
    assert summary["actions"] == 5 and summary["overdue"] == ["D2"]
    assert all(t["to"] == "T0" and t["after"] is None and t["result"] is None for t in summary["targets"])
    assert {t["action"]: t["before"] for t in summary["targets"]}["D1"] == 0.3333


def test_without_the_sheet_the_plan_is_empty(gmina_rows, write_csv_gmina, tmp_path):
    gmina = read_gmina(write_csv_gmina(tmp_path / "g", gmina_rows))
    assert plan.plan_summary(gmina) == {"actions": 0, "by_status": {}, "done_share": None, "overdue": [],
                                        "targets": []}
    assert plan.plan_progress(gmina).empty


def test_directions_are_data_and_every_reader_of_the_glossary_still_works():
    assert glossary.direction("isolates") == -1 and glossary.direction("density") == 1
    assert glossary.direction("needs") == 0
    assert set(glossary.directions()) == set(glossary.figures())
    assert glossary.label("density") == "Gęstość sieci"
    assert plan.figure_direction("q03") == -1  # a negatively worded item: a lower answer is better
    suggested = {code for code in plan.rule_figures().values() if code}
    assert suggested <= set(glossary.figures())


def test_progress_table_in_polish(data):
    table = plan.plan_progress(data)
    assert list(table.columns) == plan.COLUMNS
    first = table.iloc[0]
    assert first["Działanie"] == "D1: Spotkanie sieciujące"
    assert first["Kto"] == "Gminny Ośrodek Pomocy Społecznej, Powiatowy Urząd Pracy"
    assert first["Termin"] == "31 stycznia 2025 r."
    assert first["Odpowiada na"] == "Włączcie do współpracy instytucje bez żadnego powiązania (izolowani)"
    assert first["Wskaźnik"] == "Gęstość sieci"
    assert first["Stan"] == "Zrealizowane" and first["Po terminie"] == ""
    assert first["Wskaźnik przed/po"] == "T0: 33\u00a0% → T1: 67\u00a0%"
    assert first["Zmiana"] == "lepiej (▲ +33 pkt proc.)"
    by_id = {row["Działanie"].split(":")[0]: row for _, row in table.iterrows()}
    assert by_id["D2"]["Po terminie"] == "tak"
    assert by_id["D3"]["Zmiana"].startswith("gorzej")
    assert by_id["D4"]["Zmiana"] == "bez zmian"
    assert by_id["D5"]["Zmiana"] == "ukryte (mniej niż 3 odpowiedzi)"
    assert by_id["D5"]["Stan"] == "Planowane"


# -- rows from the recommendations ----------------------------------------------------------------------------


def test_rows_from_recommendations_continue_the_ids_and_skip_what_is_planned(data):
    fired = [r.code for r in recommendations(data) if r.code not in plan.PLAN_RULES]
    rows = plan.plan_rows_from_recommendations(data)
    assert [r["rekomendacja"] for r in rows] == fired  # nothing in the plan after T1 answers them yet
    assert [r["id"] for r in rows] == [f"D{n}" for n in range(8, 8 + len(rows))]  # after D7, even unseen by T1
    first = rows[0]
    assert first["kto"] == "GOPS" and first["status"] == "Planowane" and first["pomiar"] == "T1"
    titles = {r.code: r.title for r in recommendations(data)}
    assert all(r["dzialanie"] == titles[r["rekomendacja"]] for r in rows)
    figure = plan.rule_figures()[first["rekomendacja"]]
    assert first["miara"] == (glossary.label(figure) if figure else None)
    chosen = plan.plan_rows_from_recommendations(data, codes=[fired[-1]])
    assert [(r["id"], r["rekomendacja"]) for r in chosen] == [("D8", fired[-1])]


def test_a_recommendation_already_planned_after_the_run_is_not_proposed(data, sheets, write_csv_gmina, tmp_path):
    code = next(r.code for r in recommendations(data) if r.code not in plan.PLAN_RULES)
    actions = [*ACTIONS, ["D20", "Już w planie", "GOPS", "", code, "", "", "", "T1"]]
    gmina = fresh(sheets, write_csv_gmina, tmp_path / "g", dzialania=actions)
    rows = plan.plan_rows_from_recommendations(gmina)
    assert code not in [r["rekomendacja"] for r in rows]
    assert rows[0]["id"] == "D21"


# -- the rules ---------------------------------------------------------------------------------------------------


def test_rule_plan_po_terminie_lists_overdue_actions_with_their_deadline(data):
    found = {r.code: r for r in recommendations(data)}
    rec = found["plan_po_terminie"]
    assert rec.step == "ewaluacja"
    assert rec.evidence == [
        "D2: Zaprosić KPP do wspólnych działań — termin 30 listopada 2026 r., stan: w trakcie",
        "D6: Luki po drugim pomiarze — termin 1 stycznia 2020 r., stan: planowane",
    ]
    assert "1 grudnia 2026 r." in rec.text
    assert "brak_planu" not in found


def test_rule_plan_po_terminie_is_silent_before_the_deadlines(sheets, write_csv_gmina, tmp_path, monkeypatch):
    monkeypatch.setenv("PZK_DZIS", "2020-01-01")  # D6's deadline is that very day: still on time
    gmina = fresh(sheets, write_csv_gmina, tmp_path / "g")
    assert plan.plan_summary(gmina)["overdue"] == []
    assert "plan_po_terminie" not in {r.code for r in recommendations(gmina)}


def test_rule_brak_planu_fires_after_a_measurement_with_urgent_advice(gmina_rows, write_csv_gmina, tmp_path):
    gmina = read_gmina(write_csv_gmina(tmp_path / "g", gmina_rows))
    found = recommendations(gmina)
    urgent = [r.title for r in found if r.priority == 1]
    assert urgent
    rec = next(r for r in found if r.code == "brak_planu")
    assert rec.evidence == [f"Rekomendacja o wysokim priorytecie: {title}" for title in urgent]
    assert "zeszyt 03" in rec.text.lower() and "aplikacja" in rec.text


def test_rule_brak_planu_is_silent_before_the_first_measurement(gmina_rows, write_csv_gmina, tmp_path):
    gmina = read_gmina(write_csv_gmina(tmp_path / "g", {"gmina": gmina_rows["gmina"],
                                                          "partnerzy": gmina_rows["partnerzy"]}))
    codes = {r.code for r in recommendations(gmina)}
    assert "siec_brak_danych" in codes and "brak_planu" not in codes


# -- the report ----------------------------------------------------------------------------------------------------


def _text(document) -> str:
    parts = [p.text for p in document.paragraphs]
    for grid in document.tables:
        for row in grid.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


def test_report_chapter_counts_overdue_and_targets(data, tmp_path):
    document = Document(str(write_report_docx(data, tmp_path / "raport.docx")))
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings[-2:] == ["4. Plan działań", "Jak czytać raport — metoda"]
    counts = next(t for t in document.tables if t.rows[0].cells[0].text == "Działania w planie")
    assert {r.cells[0].text: r.cells[1].text for r in counts.rows} == {
        "Działania w planie": "6", "Działania zrealizowane": "17\u00a0% (1 z 6)", "Działania po terminie": "2",
        "Stan: Planowane": "3", "Stan: W trakcie": "1", "Stan: Zrealizowane": "1", "Stan: Odłożone": "1"}
    late = next(t for t in document.tables if [c.text for c in t.rows[0].cells] == ["Działanie", "Kto", "Termin",
                                                                                    "Stan"])
    assert [r.cells[0].text for r in late.rows[1:]] == ["D2: Zaprosić KPP do wspólnych działań",
                                                        "D6: Luki po drugim pomiarze"]
    targets = next(t for t in document.tables if [c.text for c in t.rows[0].cells][-1:] == ["Czy się poprawił"])
    rows = {r.cells[0].paragraphs[0].text.split(":")[0]: [c.text for c in r.cells] for r in targets.rows[1:]}
    assert rows["D1"][2] == "Gęstość sieci\nT0: 33\u00a0% → T1: 67\u00a0%"
    assert rows["D1"][3] == "lepiej (▲ +33 pkt proc.)"
    assert rows["D3"][3].startswith("gorzej") and rows["D4"][3] == "bez zmian"
    assert rows["D2"][1] == "W trakcie — po terminie"


def test_report_without_the_sheet_says_how_to_start_a_plan(gmina_rows, write_csv_gmina, tmp_path):
    gmina = read_gmina(write_csv_gmina(tmp_path / "g", gmina_rows))
    document = Document(str(write_report_docx(gmina, tmp_path / "raport.docx")))
    assert "4. Plan działań" not in [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    text = _text(document)
    assert "Plan działań nie jest jeszcze prowadzony." in text
    assert "Zapiszcie plan działań do kolejnego pomiaru" in text  # the rule, in the evaluation chapter


def test_example_plan_chapter_through_the_analysis():
    from docx import Document as new_document

    from pzk_kit.evaluation.analysis import Analysis

    facts = Analysis(read_gmina(example_dir()))
    document = new_document()
    plan_chapter(document, facts)
    assert facts.plan["overdue"] == ["D4", "D5", "D6", "D8"]
    assert "Centralizacja" in _text(document)


# -- hostile text ------------------------------------------------------------------------------------------------


def test_hostile_plan_is_text_in_the_report_the_table_and_the_download(tmp_path):
    hostile = read_gmina(HOSTILE)
    assert hostile.report.ok
    path = write_report_docx(hostile, tmp_path / "raport.docx")
    text = _text(Document(str(path)))
    assert "D7: <script>alert('skrypt')</script>" in text  # shown literally, as typed
    from pzk_kit.tables import table

    rendered = table(plan.plan_progress(hostile)).to_html()
    assert "<script>alert" not in rendered and "&lt;script&gt;alert(&#39;skrypt&#39;)" in rendered

    widget = PlanWidget(hostile, source_data=hostile)
    assert widget.rows
    widget.boxes[0].value = True
    name, content = widget.add()
    assert "<script>" not in widget.status.value.split("</a>", 1)[1]
    sheet = openpyxl.load_workbook(io.BytesIO(content))["dzialania"]
    cells = [c for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]
    assert not [c for c in cells if c.data_type == "f"]
    formula_like = [c for c in cells if c.value.lstrip().startswith("=")]
    assert formula_like and all(c.quotePrefix for c in formula_like)
    (tmp_path / name).write_bytes(content)
    again = read_gmina(tmp_path / name)
    assert again.report.ok
    assert again.actions["dzialanie"].tolist()[:9] == read_gmina(HOSTILE).actions["dzialanie"].tolist()


# -- the widget -------------------------------------------------------------------------------------------------


def test_widget_download_parses_back_with_the_new_rows(data, sheets, write_csv_gmina, tmp_path):
    gmina = fresh(sheets, write_csv_gmina, tmp_path / "g")
    widget = PlanWidget(gmina, source_data=gmina)
    assert widget.button.description == "Dodaj zaznaczone do planu działań"
    assert widget.add() is None and "Zaznacz" in widget.status.value
    proposed = [row["rekomendacja"] for row in widget.rows]
    widget.boxes[0].value = widget.boxes[-1].value = True
    name, content = widget.add()
    (tmp_path / name).write_bytes(content)
    again = read_gmina(tmp_path / name)
    assert again.report.ok
    added = again.actions[again.actions["id"].isin(["D8", "D9"])]
    assert added["rekomendacja"].tolist() == [proposed[0], proposed[-1]]
    assert added["status"].tolist() == ["planowane", "planowane"] and added["pomiar"].tolist() == ["T1", "T1"]
    assert added["kto"].tolist() == [("GOPS",), ("GOPS",)]
    assert len(again.actions) == len(ACTIONS) - 1 + 2
    # the in-memory data hold the same rows, typed as the reader types them; the proposals shrank
    assert gmina.actions["id"].tolist() == again.actions["id"].tolist()
    assert [row["rekomendacja"] for row in widget.rows] == proposed[1:-1]
    assert widget.rows[0]["id"] == "D10"
    # copying the same advice again adds nothing
    add_to_plan(gmina, plan.plan_rows_from_recommendations(gmina, codes=[proposed[0]]), source_data=gmina)
    assert len(gmina.actions) == len(again.actions)


def test_proposals_written_into_the_gminas_own_workbook_only_when_asked(tmp_path):
    """Notebook 03's ``dopisz_do_planu``: the proposals land in the user's workbook (read back with their row
    numbers), never in the bundled example, and a workbook open in Excel is left alone."""
    from pzk_kit.workbook.example import write_example_workbook

    book = write_example_workbook(tmp_path / "gmina.xlsx")
    data = read_gmina(book)
    rows = plan.plan_rows_from_recommendations(data, measurement="T1")
    assert rows and all(row["pomiar"] == "T1" for row in rows)
    assert "dopisz_do_planu = True" in plan.write_proposals(book, rows, enabled=False)
    assert "wbudowanego przykładu" in plan.write_proposals("", rows)
    assert "Nie ma nowych propozycji" in plan.write_proposals(book, [])
    before = len(data.actions)
    message = plan.write_proposals(book, rows)
    assert message.startswith(f"Dopisano {len(rows)} wiersz") and "„gmina.xlsx”" in message
    again = read_gmina(book)
    assert again.report.ok, again.report.format_text()
    assert len(again.actions) == before + len(rows)
    assert list(again.actions["id"][before:]) == [row["id"] for row in rows]
    assert set(again.actions["rekomendacja"][before:]) == {row["rekomendacja"] for row in rows}
    # copying again adds nothing: every recommendation of T1 is now answered
    assert plan.plan_rows_from_recommendations(again, measurement="T1") == []
    (tmp_path / "~$gmina.xlsx").write_text("lock")
    refused = plan.write_proposals(book, rows)
    assert "Excel" in refused and len(read_gmina(book).actions) == before + len(rows)
