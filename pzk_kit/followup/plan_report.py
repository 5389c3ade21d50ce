"""The chapter "Plan działań" of ``raport.docx``: what the PZK planned, what it did, and whether it helped.

A council reads the plan as promises kept or not: the counts by state and the overdue actions first, then each
action with the figure it was meant to move, before and after, and the verdict in words ("lepiej", "gorzej",
"bez zmian") coloured as the rest of the report colours change. Without a plan the chapter is one sentence on how
to start one, at the end of the evaluation chapter, so a gmina without the sheet gets no empty pages. Wording is
data (``data/raport/plan.csv``); every figure is :func:`pzk_kit.followup.plan.plan_summary`'s, the one behind
``summary.json``, read through the report's :class:`~pzk_kit.evaluation.analysis.Analysis`.
"""

from __future__ import annotations

import pandas as pd
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt, RGBColor

from pzk_kit import polish, word
from pzk_kit.evaluation.analysis import Analysis
from pzk_kit.followup.plan import (
    BETTER,
    WORSE,
    _t,
    before_after_text,
    figure_label,
    is_overdue,
    result_text,
    run_actions,
    targets,
)
from pzk_kit.workbook.dictionaries import dictionary
from pzk_kit.workbook.service_records import reference_day

GREEN, RED = RGBColor(0x1B, 0x5E, 0x20), RGBColor(0xB7, 0x1C, 0x1C)
FILLS = {BETTER: "E3F1E4", WORSE: "F8D9D6"}
WIDTHS = [Cm(6.6), Cm(2.5), Cm(4.5), Cm(3.8)]


def _paragraph(document, text: str, *, size: float | None = None, italic: bool = False, color=None,
               after: float = 4):
    paragraph = document.add_paragraph()
    paragraph.paragraph_format.space_after = Pt(after)
    word.run(paragraph, text, size=size, italic=italic, color=color)
    return paragraph


def plan_chapter(document, facts: Analysis) -> None:
    """Add the plan's chapter (or, with no ``dzialania`` sheet, one sentence on how to start a plan)."""
    if not facts.data.has("dzialania"):
        _paragraph(document, _t("brak"), italic=True, after=6)
        return
    plan = facts.plan
    heading = document.add_heading(_t("rozdzial"), level=1)
    heading.paragraph_format.space_before = Pt(0)
    heading.paragraph_format.page_break_before = True
    _paragraph(document, _t("wstep"), after=6)
    actions = run_actions(facts)
    _counts(document, facts, plan)
    _overdue(document, facts, actions, plan)
    _table(document, facts, actions)


def _counts(document, facts: Analysis, plan: dict) -> None:
    document.add_heading(_t("liczby", pomiar=facts.chosen.run), level=2)
    statuses = dictionary("statusy_dzialan")
    total = plan["actions"]
    done = plan["by_status"].get("zrealizowane", 0)
    rows = [(_t("etykieta_wszystkie"), str(total)),
            (_t("etykieta_zrealizowane"), f"{polish.percent(plan['done_share'])} ({done} z {total})"
             if plan["done_share"] is not None else "—"),
            (_t("etykieta_po_terminie"), str(len(plan["overdue"])))]
    rows += [(_t("etykieta_stan", stan=statuses.label(code)), str(count))
             for code, count in plan["by_status"].items() if count]
    word.facts_table(document, rows, [Cm(8.0), Cm(4.0)])
    _paragraph(document, "", after=2)


def _who(facts: Analysis, ids: object) -> str:
    names = facts.data.partner_names()
    return ", ".join(str(names.get(pid) or pid) for pid in (ids if isinstance(ids, tuple) else ()))


def _deadline(value: object) -> str:
    return "" if value is None or pd.isna(value) else polish.date(pd.Timestamp(value).date())


def _overdue(document, facts: Analysis, actions: pd.DataFrame, plan: dict) -> None:
    document.add_heading(_t("po_terminie_tytul"), level=2)
    day = polish.date(reference_day())
    late = actions[actions["id"].astype(str).isin(plan["overdue"])]
    if late.empty:
        _paragraph(document, _t("po_terminie_brak", dzien=day), italic=True, after=6)
        return
    _paragraph(document, _t("po_terminie_opis", dzien=day), size=9, italic=True, color=word.GREY, after=4)
    statuses = dictionary("statusy_dzialan")
    widths = [Cm(8.4), Cm(4.0), Cm(2.8), Cm(2.2)]
    grid = word.table(document, [_t("kolumna_dzialanie"), _t("kolumna_kto"), _t("kolumna_termin"),
                                 _t("kolumna_stan")], widths, rows=len(late))
    for row, action in zip(grid.rows[1:], late.itertuples(index=False), strict=True):
        word.no_split(row)
        word.cell_text(row.cells[0], f"{action.id}: {_text(action.dzialanie, action.id)}", size=9)
        word.cell_text(row.cells[1], _who(facts, action.kto), size=8.5)
        word.cell_text(row.cells[2], _deadline(action.termin), size=9, color=RED)
        word.cell_text(row.cells[3], statuses.label(action.status), size=9)
    _paragraph(document, "", after=2)


def _text(value: object, fallback: object) -> str:
    return value if isinstance(value, str) and value else str(fallback)


def _table(document, facts: Analysis, actions: pd.DataFrame) -> None:
    document.add_heading(_t("tabela_tytul"), level=2)
    _paragraph(document, _t("tabela_opis", pomiar=facts.chosen.run), size=9, italic=True, color=word.GREY, after=4)
    found = {t.action: t for t in targets(facts, actions)}
    statuses = dictionary("statusy_dzialan")
    grid = word.table(document, [_t("kolumna_dzialanie"), _t("kolumna_stan"), _t("kolumna_wskaznik"),
                                 _t("kolumna_zmiana")], WIDTHS, rows=len(actions))
    for row, action in zip(grid.rows[1:], actions.itertuples(index=False), strict=True):
        word.no_split(row)
        cells = row.cells
        word.cell_text(cells[0], f"{action.id}: {_text(action.dzialanie, action.id)}", size=9)
        details = [part for part in (_who(facts, action.kto), _deadline(action.termin)) if part]
        if details:
            extra = cells[0].add_paragraph()
            extra.paragraph_format.space_after = Pt(1)
            word.run(extra, " · ".join(details), size=8, color=word.GREY)
        late = is_overdue(action.status, action.termin)
        state = statuses.label(action.status) + (f" — {_t('stan_po_terminie')}" if late else "")
        word.cell_text(cells[1], state, size=9, color=RED if late else None)
        target = found.get(str(action.id))
        if target is None:
            word.cell_text(cells[2], _t("bez_wskaznika"), size=8.5, color=word.GREY)
            word.cell_text(cells[3], "—", size=9, color=word.GREY)
            continue
        word.cell_text(cells[2], figure_label(target.figure), size=8.5)
        values = cells[2].add_paragraph()
        values.paragraph_format.space_after = Pt(1)
        word.run(values, before_after_text(target), size=9, bold=True)
        verdict = result_text(target)
        colour = GREEN if target.result == BETTER else RED if target.result == WORSE else None
        word.cell_text(cells[3], verdict, size=9 if target.result else 8, bold=target.result in (BETTER, WORSE),
                       color=colour if target.result else word.GREY)
        cells[3].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.LEFT
        if target.result in FILLS:
            word.shade(cells[3], FILLS[target.result])
    word.set_widths(grid, WIDTHS)
    _paragraph(document, "", after=2)
