"""The motto page of ``raport.docx``: the model's promise checked against the task-team and IPUS register.

A mayor hands this page out: four tiles (szybciej, łatwiej, skuteczniej, taniej), each with the first and the
run's value, the change and one sentence of what it means, then what was counted. A word resting on fewer than 3
cases says "ukryte: mniej niż 3 sprawy" and nothing else. Without a register the page says in one paragraph how
to start one. Wording: ``data/zespoly/teksty.csv``.
"""

from __future__ import annotations

from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt, RGBColor

from pzk_kit import glossary, polish, word
from pzk_kit.followup.cases import run_tallies, t
from pzk_kit.followup.motto import BETTER, HIDDEN, MIXED, SAME, SINGLE, WORSE, MottoRow, motto, start_text

FILLS = {BETTER: "E3F1E4", WORSE: "F8D9D6", MIXED: "FFF2C7", SAME: "EEF2F8", SINGLE: "EEF2F8", HIDDEN: "EEEEEE"}
MARKS = {BETTER: "✔", WORSE: "✘", MIXED: "±", SAME: "=", SINGLE: "", HIDDEN: ""}
GREEN, RED = RGBColor(0x1B, 0x5E, 0x20), RGBColor(0xB7, 0x1C, 0x1C)
TILE_WIDTH = Cm(8.7)


def motto_page(document, facts) -> None:
    """The motto page for the report's :class:`~pzk_kit.evaluation.analysis.Analysis` ``facts``."""
    from pzk_kit.evaluation.report import _chapter, _paragraph

    data = facts.data
    _chapter(document, t("strona_tytul"))
    rows = motto(data, facts.asked) if data.has("zespoly") else []
    if not rows:
        _paragraph(document, start_text(data, facts.asked), after=6)
        return
    tallies = run_tallies(data, facts.asked)
    first, last = tallies[0], tallies[-1]
    compared = rows[0].before is not None
    _paragraph(document, t("strona_wstep_porownanie" if compared else "strona_wstep_jeden",
                           przed=first.measurement, po=last.measurement,
                           sprawy_przed=_cases(first.cases), sprawy_po=_cases(last.cases)), size=9.5, after=8)
    _tiles(document, rows)
    document.add_heading(t("strona_dowody"), level=2)
    if all(row.hidden for row in rows):  # one reason for all four words: said once
        _paragraph(document, rows[0].evidence[0], size=8.5, after=4)
    for row in rows if not all(row.hidden for row in rows) else []:
        paragraph = document.add_paragraph(style="List Bullet")
        paragraph.paragraph_format.space_after = Pt(1)
        word.run(paragraph, f"{row.word}: ", size=8.5, bold=True)
        word.run(paragraph, " ".join(row.evidence), size=8.5)
    document.add_heading(t("strona_definicje"), level=2)
    seen: set[str] = set()
    for row in rows:
        for figure, definition in zip(row.figures, row.definitions, strict=True):
            if figure.code in seen:
                continue
            seen.add(figure.code)
            paragraph = document.add_paragraph()
            paragraph.paragraph_format.space_after = Pt(1)
            label, _, text = definition.partition(" — ")
            word.run(paragraph, f"{label} — ", size=8, bold=True, color=word.GREY)
            word.run(paragraph, text, size=8, color=word.GREY)
    _paragraph(document, t("strona_zasada"), size=8, italic=True, color=word.GREY, before=6)


def _cases(n: int) -> str:
    return polish.count(n, "sprawa", "sprawy", "spraw")


def _tiles(document, rows: list[MottoRow]) -> None:
    """Four tiles in a 2 × 2 grid: word and mark, the question, the values, the change and the verdict."""
    grid = word.bare_table(document, 2, rows=2)
    for k, row in enumerate(rows):
        cell = grid.rows[k // 2].cells[k % 2]
        word.shade(cell, FILLS[row.outcome])
        head = cell.paragraphs[0]
        head.paragraph_format.space_before = Pt(4)
        head.paragraph_format.space_after = Pt(0)
        word.run(head, row.word, size=17, bold=True, color=word.NAVY)
        if MARKS[row.outcome]:
            colour = GREEN if row.outcome == BETTER else RED if row.outcome == WORSE else word.GREY
            word.run(head, f"  {MARKS[row.outcome]}", size=15, bold=True, color=colour)
        question = cell.add_paragraph()
        question.paragraph_format.space_after = Pt(4)
        word.run(question, row.question, size=8.5, italic=True, color=word.GREY)
        values = cell.add_paragraph()
        values.paragraph_format.space_after = Pt(2)
        if row.hidden:
            word.run(values, t("ukryte_werdykt"), size=12, bold=True, color=word.GREY)
        else:
            word.run(values, _values_line(row), size=13, bold=True)
            change = _change(row) if row.before is not None else ""
            if change and change != "—":
                colour = None if row.headline.better is None else GREEN if row.headline.better else RED
                word.run(values, f"   {change}", size=10, bold=True, color=colour)
        label = cell.add_paragraph()
        label.paragraph_format.space_after = Pt(4)
        word.run(label, row.headline.label, size=8, color=word.GREY)
        label.paragraph_format.space_after = Pt(4 if not row.hidden else 8)
        if not row.hidden:  # a hidden word has said all it may in its values line
            verdict = cell.add_paragraph()
            verdict.paragraph_format.space_after = Pt(6)
            word.run(verdict, row.verdict, size=9.5, bold=True)
        for paragraph in cell.paragraphs:
            paragraph.paragraph_format.left_indent = Cm(0.2)
            paragraph.paragraph_format.right_indent = Cm(0.2)
            paragraph.alignment = WD_ALIGN_PARAGRAPH.LEFT
    word.set_widths(grid, [TILE_WIDTH, TILE_WIDTH])
    for table_row in grid.rows:
        word.no_split(table_row)


def _change(row: MottoRow) -> str:
    """The headline's change; days as days (``▼ −15 dni``), not as a decimal."""
    figure = row.headline
    if row.key != "szybciej" or figure.before is None or figure.after is None:
        return figure.change()
    delta = figure.after - figure.before
    if not round(delta, 6):
        return "= bez zmian"
    arrow, sign = ("▲", "+") if delta > 0 else ("▼", polish.MINUS)
    return f"{arrow} {sign}{_value(row, abs(delta))}"


def _values_line(row: MottoRow) -> str:
    """``T0: 21 dni → T1: 6 dni``; one measurement: ``T1: 6 dni``."""
    after = f"{row.after}: {_value(row, row.headline.after)}"
    if row.before is None:
        return after
    return f"{row.before}: {_value(row, row.headline.before)}  →  {after}"


def _value(row: MottoRow, value: float | None) -> str:
    if value is None:
        return "—"
    if row.key == "szybciej":
        days = polish.trimmed(value, 1)
        return f"{days} {'dzień' if value == 1 else 'dni'}"
    return glossary.fmt(row.headline.code, value)

