"""Who answered a measurement of the map: "partner did not answer" is told apart from "partner reported no tie".

The small gmina (``SMALL``, written as a CSV folder and read back) is computed by hand:

    members L (lider), A, B, C (partners); K (kandydat)
    T0 reports: L→A 3, A→L 2, L→B 2, L→C 1, A→C 2, A→K 1, K→A 1, B→C 0       (C reports nothing in T0)
    T1 reports: C→L 3                                                        (only C reports in T1)

T0: answered = L, A, B (B with a level-0 row only) and the candidate K; C is silent.
    respondents (members) = L, A, B → 3 of 4 → response rate 0.75; non_respondents = [C].
    ties: L–A (both sides), L–B (L only), L–C (L only), A–C (A only), A–K (both sides) → 5; reciprocity 2/5.
    ties whose both ends answered: L–A, L–B, A–K → 3, reported by both: L–A, A–K → 2 → 2/3.
T1: respondents = C → 1 of 4 → 0.25; the only tie L–C has a silent end (L) → reciprocity_answered None.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from docx import Document

from pzk_kit import glossary
from pzk_kit.evaluation.recommendations import recommendations
from pzk_kit.evaluation.report import write_report_docx
from pzk_kit.network import build_network, network_summary, response, summary_table
from pzk_kit.runs.summary import build_summary, write_summary
from pzk_kit.workbook.example import example_dir
from pzk_kit.workbook.reading import read_gmina

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "notebooks" / "01_mapowanie_partnerow.ipynb"
HOSTILE_CSV = ROOT / "tests" / "data" / "hostile" / "gmina_wroga_csv"
NBSP = "\u00a0"
PARTNER_HEADER = ["id", "nazwa", "sektor", "rola", "deklaracja"]


def partners(*rows: tuple[str, str]) -> list[list[str]]:
    return [PARTNER_HEADER, *([pid, f"Instytucja {pid}", "Pomoc społeczna", role, "Podpisana"] for pid, role in rows)]


def reports(*rows: tuple[str, str, int, str]) -> list[list[object]]:
    return [["od", "do", "poziom", "pomiar"], *(list(row) for row in rows)]


SMALL = {
    "gmina": [["pole", "wartosc"], ["nazwa", "Gmina Mała"], ["lider", "L"]],
    "partnerzy": partners(("L", "Lider"), ("A", "Partner"), ("B", "Partner"), ("C", "Partner"), ("K", "Kandydat")),
    "wspolpraca": reports(("L", "A", 3, "T0"), ("A", "L", 2, "T0"), ("L", "B", 2, "T0"), ("L", "C", 1, "T0"),
                          ("A", "C", 2, "T0"), ("A", "K", 1, "T0"), ("K", "A", 1, "T0"), ("B", "C", 0, "T0"),
                          ("C", "L", 3, "T1")),
}


@pytest.fixture
def build(tmp_path, write_csv_gmina):
    counter = iter(range(1000))

    def _build(rows):
        data = read_gmina(write_csv_gmina(tmp_path / f"g{next(counter)}", rows))
        assert data.report.errors == [], data.report.format_text()
        return data

    return _build


@pytest.fixture
def small(build):
    return build(SMALL)


# -- the status ------------------------------------------------------------------------------------------------


def test_one_silent_member_of_four(small):
    status = response.response_status(small, "T0")
    assert status.members == ("L", "A", "B", "C")  # the candidate K is not expected to answer
    assert status.respondents == ("L", "A", "B")  # K answered, but it is not a member
    assert status.non_respondents == ("C",)
    assert status.response_rate == 0.75
    assert (status.answered_ties, status.answered_reciprocal) == (3, 2)  # L–A, L–B, A–K; L–A and A–K mutual
    assert status.reciprocity_answered == pytest.approx(2 / 3)
    assert not status.complete
    summary = network_summary(small, "T0")
    assert summary["ties"] == 5 and summary["reciprocity"] == 0.4  # the contract's figure is unchanged: 2 of 5
    assert {key: summary[key] for key in ("respondents", "non_respondents", "response_rate",
                                          "reciprocity_answered")} == {
        "respondents": 3, "non_respondents": ["C"], "response_rate": 0.75, "reciprocity_answered": 0.6667}


def test_a_level_zero_row_is_an_answer(build):
    rows = {**SMALL, "wspolpraca": reports(("L", "A", 2, "T0"), ("A", "L", 2, "T0"), ("B", "L", 0, "T0"),
                                           ("C", "A", 0, "T0"))}
    status = response.response_status(build(rows), "T0")
    assert status.respondents == ("L", "A", "B", "C") and status.non_respondents == ()
    assert status.response_rate == 1.0 and status.complete
    assert (status.answered_ties, status.reciprocity_answered) == (1, 1.0)  # only L–A is a tie, both reported it


def test_the_measurement_filters_the_reports(small):
    status = response.response_status(small, "T1")
    assert status.respondents == ("C",) and status.non_respondents == ("L", "A", "B")
    assert status.response_rate == 0.25
    assert status.answered_ties == 0 and status.reciprocity_answered is None  # L–C: L did not answer in T1
    summary = network_summary(small, "T1")
    assert summary["reciprocity_answered"] is None and summary["response_rate"] == 0.25
    nobody = response.response_status(small, "T5")  # a measurement nobody reported
    assert nobody.respondents == () and nobody.response_rate == 0.0


def test_without_members_the_rate_is_none_and_without_the_sheet_nobody_answered(build):
    rows = {"gmina": SMALL["gmina"][:2], "partnerzy": partners(("K", "Kandydat"), ("M", "Kandydat"))}
    status = response.response_status(build(rows), "T0")
    assert status.members == () and status.response_rate is None and status.complete
    assert response.summary_part(status) == {"respondents": 0, "non_respondents": [], "response_rate": None,
                                             "reciprocity_answered": None}
    no_sheet = response.response_status(build({k: v for k, v in SMALL.items() if k != "wspolpraca"}), "T0")
    assert no_sheet.non_respondents == ("L", "A", "B", "C") and no_sheet.response_rate == 0.0


def test_the_example_gmina():
    data = read_gmina(example_dir())
    for measurement, answered_ties, mutual in (("T0", 55, 48), ("T1", 67, 64)):
        status = response.response_status(data, measurement)
        assert len(status.members) == 24 and status.non_respondents == ()  # every member answered
        assert (status.answered_ties, status.answered_reciprocal) == (answered_ties, mutual)
    summary = network_summary(data, "T0")
    # 58 ties, 48 of them mutual: 3 ties to candidates who did not answer fall out of the answered pairs
    assert summary["reciprocity"] == round(48 / 58, 4) and summary["reciprocity_answered"] == round(48 / 55, 4)
    assert summary["respondents"] == 24 and summary["response_rate"] == 1.0


# -- summary.json --------------------------------------------------------------------------------------------------


def test_summary_json_has_the_response_keys(small, tmp_path):
    written = json.loads(write_summary(build_summary(small, "T0"), tmp_path).read_text(encoding="utf-8"))
    network = written["network"]
    assert list(network)[-4:] == ["respondents", "non_respondents", "response_rate", "reciprocity_answered"]
    assert network["respondents"] == 3 and network["non_respondents"] == ["C"]
    assert network["response_rate"] == 0.75 and network["reciprocity_answered"] == 0.6667
    assert network["reciprocity"] == 0.4  # unchanged
    later = json.loads(write_summary(build_summary(small, "T1"), tmp_path / "t1").read_text(encoding="utf-8"))
    assert later["network"]["reciprocity_answered"] is None and later["network"]["non_respondents"] == ["L", "A", "B"]


def test_the_glossary_names_and_formats_the_new_figures_once(small):
    rows = {r["Miara"]: r["Wartość"] for r in summary_table(network_summary(small, "T0")).to_dict("records")}
    assert rows[glossary.label("partners_answered")] == "3"
    assert rows[glossary.label("non_respondents")] == "C"
    assert rows[glossary.label("response_rate")] == f"75{NBSP}%"
    assert rows[glossary.label("reciprocity_answered")] == f"67{NBSP}%"
    assert rows[glossary.label("reciprocity")] == f"40{NBSP}%"
    assert glossary.fmt("reciprocity_answered", None) == "—"


# -- recommendations ---------------------------------------------------------------------------------------------


def by_code(found):
    return {r.code: r for r in found}


def test_the_non_response_rule_names_the_silent_and_the_reciprocity_rule_uses_answered_pairs(small):
    found = by_code(recommendations(small, "T0"))
    silent = found["brak_odpowiedzi"]
    assert silent.title == ("1 partner nie odpowiedział — zbierz odpowiedzi (pzk formularze, pzk zbierz), "
                            "zanim ocenisz wzajemność")
    assert silent.priority == 1 and silent.step == "siec"
    assert "opisało 3 z 4 członków PZK (75\u00a0%)" in silent.text
    assert silent.evidence == ["Członkowie, którzy opisali współpracę w pomiarze T0: 3 z 4.",
                               "Bez odpowiedzi: Instytucja C (C)"]
    # 2 of the 3 answered pairs are mutual (67 % < 70 %): the rule fires on them, not on the 40 % of all ties
    assert found["niska_wzajemnosc"].evidence == [
        "Wzajemność wśród odpowiadających w pomiarze T0: 67\u00a0% (powiązania między partnerami, którzy obaj "
        "odpowiedzieli: 3, w tym zgłoszone przez obie strony: 2)."]


def test_low_reciprocity_caused_by_non_response_is_not_blamed(build, gmina_rows):
    # conftest's gmina: GOPS–PUP reported by both, GOPS→SP1 only, SP1 reports nothing: reciprocity 50 %
    data = build(gmina_rows)
    assert network_summary(data)["reciprocity"] == 0.5
    found = by_code(recommendations(data))
    assert "niska_wzajemnosc" not in found  # the one answered pair is mutual: 100 %
    assert found["brak_odpowiedzi"].evidence[1:] == ["Bez odpowiedzi: Szkoła Podstawowa nr 1 (SP1)"]


def test_a_silent_member_nobody_named_is_asked_for_answers_not_called_isolated(build):
    rows = {**SMALL, "partnerzy": partners(("L", "Lider"), ("A", "Partner"), ("B", "Partner"), ("C", "Partner"),
                                           ("D", "Partner"), ("E", "Partner"), ("K", "Kandydat")),
            "wspolpraca": [*SMALL["wspolpraca"], ["C", "L", 1, "T0"], ["E", "L", 0, "T0"]]}
    data = build(rows)
    assert network_summary(data, "T0")["isolates"] == ["D", "E"]  # the contract's isolates: nobody named them
    found = by_code(recommendations(data, "T0"))
    assert found["izolowani"].evidence == ["Instytucja E (E; rola: partner)"]  # E answered "no cooperation"
    assert found["brak_odpowiedzi"].evidence[1:] == ["Bez odpowiedzi: Instytucja D (D)"]


def test_no_non_response_rule_when_everyone_answered_or_nothing_was_collected(build, small):
    assert "brak_odpowiedzi" not in by_code(recommendations(read_gmina(example_dir())))
    everyone = {**SMALL, "wspolpraca": [*SMALL["wspolpraca"], ["C", "L", 1, "T0"]]}
    found = by_code(recommendations(build(everyone), "T0"))
    assert "brak_odpowiedzi" not in found
    without = by_code(recommendations(build({k: v for k, v in SMALL.items() if k != "wspolpraca"})))
    assert "brak_odpowiedzi" not in without and "siec_brak_danych" in without


@pytest.mark.parametrize(("members", "title"), [
    (3, "2 partnerzy nie odpowiedzieli"), (6, "5 partnerów nie odpowiedziało"), (23, "22 partnerzy nie odpowiedzieli"),
    (13, "12 partnerów nie odpowiedziało")])
def test_the_title_agrees_with_the_number(build, members, title):
    ids = [f"P{k:02d}" for k in range(members)]
    rows = {"gmina": [["pole", "wartosc"], ["nazwa", "Gmina Liczna"], ["lider", ids[0]]],
            "partnerzy": partners((ids[0], "Lider"), *((pid, "Partner") for pid in ids[1:])),
            "wspolpraca": reports((ids[0], ids[1], 2, "T0"))}
    rec = by_code(recommendations(build(rows)))["brak_odpowiedzi"]
    assert rec.title.startswith(title + " — ")
    assert len(rec.evidence) == 1 + members - 1


# -- notebook 01, the report and the app ----------------------------------------------------------------------------


def test_status_line_and_table_for_the_notebook(small):
    status = response.response_status(small, "T0")
    assert response.status_line(status, markup="text") == (
        f"Członkowie PZK: 4 · Członkowie, którzy opisali współpracę: 3 · Odsetek członków z odpowiedzią: 75{NBSP}% · "
        f"Wzajemność wśród odpowiadających: 67{NBSP}%")
    table = response.partners_table(small, status)
    assert table.to_dict("records") == [{"id": "C", "Nazwa": "Instytucja C", "Sektor": "Pomoc społeczna"}]
    assert response.partners_table(small, status, answered=True)["id"].tolist() == ["L", "A", "B"]


def test_notebook_01_has_the_section_and_its_cell_runs(small):
    notebook = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    cells = notebook["cells"]
    heading = next(i for i, c in enumerate(cells) if "".join(c["source"]).startswith("## Kto odpowiedział"))
    assert "nieznane, a nie nieobecne" in "".join(cells[heading]["source"])
    code = cells[heading + 1]
    assert code["cell_type"] == "code" and code["outputs"] == [] and code["execution_count"] is None
    assert any("parameters" in c.get("metadata", {}).get("tags", []) for c in cells)
    shown: list[object] = []
    namespace = {"siec_odpowiedzi": response, "gmina": small, "mapa": build_network(small, "T0"),
                 "display": shown.append, "Markdown": lambda text: text,
                 "tabela": lambda frame, caption=None: (caption, frame)}
    exec("".join(code["source"]), namespace)  # the cell as the notebook runs it, on the small gmina
    assert shown[0] == response.status_line(namespace["odpowiedzi"])
    caption, frame = shown[1]
    assert caption == "Członkowie, którzy nie odpowiedzieli" and frame["Nazwa"].tolist() == ["Instytucja C"]


def _docx_text(path: Path) -> str:
    document = Document(str(path))
    parts = [p.text for p in document.paragraphs]
    parts += [" | ".join(cell.text for cell in row.cells) for grid in document.tables for row in grid.rows]
    return "\n".join(parts)


def test_report_scorecard_line_and_network_sentence(small, tmp_path):
    text = _docx_text(write_report_docx(small, tmp_path / "raport.docx", measurement="T0"))
    label = glossary.label("response_rate")
    assert re.search(rf"{re.escape(label)} \| 75{NBSP}% \(3 z 4\) \|", text), text
    assert ("Współpracę w pomiarze T0 opisało 3 z 4 członków PZK (75\u00a0%); bez odpowiedzi: Instytucja C (C). "
            "Ich powiązania są nieznane, a nie nieobecne, więc mapa i miary sieci opierają się na odpowiedziach "
            "partnerów, którzy odpowiedzieli") in text


def test_report_of_a_complete_response_says_the_map_is_whole(tmp_path):
    text = _docx_text(write_report_docx(read_gmina(example_dir()), tmp_path / "raport.docx"))
    assert "Współpracę w pomiarze T1 opisali wszyscy członkowie PZK (24)" in text
    assert f"{glossary.label('response_rate')} | 100{NBSP}% (24 z 24) |" in text


@pytest.fixture
def no_figure_output(monkeypatch):
    from pzk_kit.workshop import interactive

    monkeypatch.setattr(interactive, "show", lambda _figure, _alt: None)
    monkeypatch.setattr(interactive, "show_png", lambda _png, _alt: None)


def _html_of(widget) -> str:
    parts = [widget.value if isinstance(getattr(widget, "value", None), str) else ""]
    parts += [_html_of(child) for child in getattr(widget, "children", ())]
    return "\n".join(parts)


def _visible(markup: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", re.sub(r"</?(?:b|i|span|code)\b[^>]*>", "", markup)))


def _collection_tab(app) -> str:
    from pzk_kit.workshop.app import WorkshopApp

    app.tabs.selected_index = WorkshopApp.TAB_KEYS.index("zbieranie")
    return _html_of(app.tab_boxes["zbieranie"])


def test_app_collection_tab_follows_the_map_measurement(no_figure_output, tmp_path, write_csv_gmina):
    from pzk_kit.workshop.app import WorkshopApp, app_texts

    assert WorkshopApp.TAB_KEYS.index("zbieranie") == WorkshopApp.TAB_KEYS.index("ewaluacja") + 1
    assert app_texts()["zakladka_zbieranie"] == "Zbieranie danych"
    app = WorkshopApp()
    assert app.load(write_csv_gmina(tmp_path / "mala", SMALL)) is not None
    shown = _visible(_collection_tab(app))  # the map shows the latest measurement, T1
    assert "(pomiar T1, ten sam co na mapie)" in shown
    assert "Członkowie PZK: 4 · Członkowie, którzy opisali współpracę: 1 · Odsetek członków z odpowiedzią: 25" in shown
    assert "Członkowie bez odpowiedzi (3)" in shown and "nieznane, a nie nieobecne" in shown
    app.explorer.measurement.value = "T0"
    shown = _visible(_html_of(app.tab_boxes["zbieranie"]))
    assert "Odsetek członków z odpowiedzią: 75" in shown and "Członkowie bez odpowiedzi (1)" in shown
    assert "Instytucja C" in shown and "Członkowie, którzy opisali współpracę (3)" in shown
    assert "Formularze dla partnerów" in shown and "pzk-download" not in _collection_tab(app)  # made on request
    assert "pzk-error" not in app.message.value


def test_app_collection_tab_offers_the_partners_forms_as_one_zip(no_figure_output):
    import base64
    import io
    import zipfile

    from pzk_kit.workshop.app import WorkshopApp

    app = WorkshopApp()
    app.load_example()
    _collection_tab(app)
    assert app.forms_button.description == "Przygotuj formularze (zip)"
    app.forms_button.click()
    offered = app.forms_offered
    assert offered.available and offered.filename == "formularze_gmina_przykladowa.zip"
    names = zipfile.ZipFile(io.BytesIO(offered.content)).namelist()
    members = app.data.partners[app.data.partners["rola"].isin(["lider", "partner"])]
    assert len([n for n in names if n.startswith("formularz_")]) == len(members)
    assert {"ankieta_anonimowa.xlsx", "listy.csv"} <= set(names)
    markup = _collection_tab(app)
    assert 'download="formularze_gmina_przykladowa.zip"' in markup and "data:application/zip;base64," in markup
    encoded = re.search(r'href="data:application/zip;base64,([^"]+)"', markup).group(1)
    assert base64.b64decode(encoded) == offered.content
    assert not app.forms_button.disabled


def test_app_collection_tab_without_the_sheet_and_when_everyone_answered(no_figure_output, tmp_path,
                                                                         write_csv_gmina):
    from pzk_kit.workshop.app import WorkshopApp

    app = WorkshopApp()
    app.load(write_csv_gmina(tmp_path / "bez", {k: v for k, v in SMALL.items() if k != "wspolpraca"}))
    assert "Arkusz „wspolpraca” nie został jeszcze zebrany" in _visible(_collection_tab(app))
    app.load_example()
    shown = _visible(_collection_tab(app))
    assert "Odpowiedzieli wszyscy członkowie PZK" in shown and "Członkowie bez odpowiedzi" not in shown


def test_hostile_names_are_shown_as_typed_in_the_app_and_the_report(no_figure_output, tmp_path):
    from pzk_kit.workshop.app import WorkshopApp

    folder = tmp_path / "wroga"
    shutil.copytree(HOSTILE_CSV, folder)
    ties = folder / "wspolpraca.csv"
    lines = ties.read_text(encoding="utf-8-sig").splitlines(keepends=True)
    ties.write_text("".join([lines[0], *(line for line in lines[1:] if not line.startswith("CUS;"))]),
                    encoding="utf-8")  # CUS, named `"><svg onload=…>`, goes silent
    data = read_gmina(folder)
    assert "CUS" in response.response_status(data, "T0").non_respondents
    app = WorkshopApp()
    assert app.load(folder) is not None
    markup = _collection_tab(app)
    assert "<svg" not in markup and "&lt;svg onload=alert(&#x27;svg&#x27;)&gt;" in markup.replace("&#39;", "&#x27;")
    text = _docx_text(write_report_docx(data, tmp_path / "raport.docx", measurement="T0"))
    assert "bez odpowiedzi: \"><svg onload=alert('svg')> (CUS)" in text
