"""Copy recommendations into the action plan from the app and notebook 03: tick, click, download the workbook.

At the evaluation meeting the partners choose which advice they take on; retyping the chosen titles into the
``dzialania`` sheet afterwards is where a plan gets lost. The widget lists the recommendations that fire (not
those the plan already answers after this measurement), and "Dodaj zaznaczone do planu działań" writes the
gmina's workbook with the new rows (:func:`pzk_kit.workbook.templates.write_filled_workbook`, which neutralises
formulas) into memory and offers it as a download, like the app's other files. The rows then go into the
in-memory data as the reader types them: the written workbook is read back, so ``data.actions`` holds exactly
what a later ``pzk run`` of the downloaded file will see.

The workbook is written from the full data (``source_data``: the app's data as read, or the notebook's file read
again), never from the published or measurement-cut copy a notebook shows, so nothing the user typed is lost.
"""

from __future__ import annotations

import html
import tempfile
from functools import cache
from pathlib import Path
from typing import Any

import ipywidgets as widgets

from pzk_kit import texts
from pzk_kit.evaluation.analysis import Analysis
from pzk_kit.followup.plan import (
    DEFAULT_MEASUREMENT,
    SHEET,
    next_ids,
    plan_rows_from_recommendations,
    rows_as_lists,
)
from pzk_kit.measurement import as_of
from pzk_kit.privacy import _PUBLISHED_MARK, published
from pzk_kit.workbook.reading import GminaData, read_gmina
from pzk_kit.workbook.templates import write_filled_workbook
from pzk_kit.workshop.downloads import MIME
from pzk_kit.workshop.interactive import _headless_note, download_link, headless
from pzk_kit.workshop.workbook_rows import filled_workbook_name, workbook_rows

TEXTS = "plan_widget.csv"


@cache
def _texts() -> dict[str, str]:
    return texts.load("app", file=TEXTS)


def _t(key: str, **values: object) -> str:
    return texts.fill(_texts()[key], **values)


def _full_data(data: GminaData, source_data: GminaData | None) -> GminaData:
    """The data the workbook is written from: given, else the notebook's source read again (the notebook shows a
    published, measurement-cut copy), else the data shown."""
    if source_data is not None:
        return source_data
    source = Path(data.source) if data.source else None
    if source is not None and source.exists():
        try:
            again = read_gmina(source)
        except Exception:  # an unreadable source is no reason to refuse: the shown data still make a workbook
            return data
        if again.report.ok:
            return again
    return data


def plan_workbook(full: GminaData, rows: list[dict[str, Any]]) -> tuple[str, bytes, GminaData]:
    """The gmina's workbook with ``rows`` added to ``dzialania``: file name, bytes, and the workbook read back."""
    sheets = workbook_rows(full)
    sheets[SHEET] = [*sheets.get(SHEET, []), *rows_as_lists(rows)]
    name = filled_workbook_name(full)
    with tempfile.TemporaryDirectory(prefix="pzk_plan_") as folder:
        path = write_filled_workbook(sheets, Path(folder) / name)
        content = path.read_bytes()
        again = read_gmina(path)
    return name, content, again


def add_to_plan(data: GminaData, rows: list[dict[str, Any]], measurement: str | None = None, *,
                source_data: GminaData | None = None) -> tuple[str, bytes]:
    """Append ``rows`` to the plan: renumbered against the full sheet, written into the workbook, and put into
    ``data.actions`` as read back (published and cut to the run when ``data`` is). Returns the workbook."""
    full = _full_data(data, source_data)
    existing = full.actions if full.has(SHEET) else full.actions.iloc[0:0]
    planned = {(code, when if isinstance(when, str) else DEFAULT_MEASUREMENT)
               for code, when in zip(existing["rekomendacja"], existing["pomiar"], strict=True)}
    fresh = [row for row in rows if (row["rekomendacja"], row["pomiar"]) not in planned]
    ids = next_ids([*existing["id"].tolist(), *data.actions["id"].tolist()], len(fresh))
    fresh = [{**row, "id": new_id} for row, new_id in zip(fresh, ids, strict=True)]
    name, content, again = plan_workbook(full, fresh)
    if not again.report.ok:  # never expected: the rows come from the kit's own dictionaries
        raise ValueError(_t("blad_odczytu"))
    shown = published(again) if getattr(data, _PUBLISHED_MARK, False) else again
    if measurement is not None or data is not full:
        shown = as_of(shown, measurement or Analysis(data).chosen.run)
    data.actions = shown.actions
    data.collected = data.collected | {SHEET}
    if full is not data and source_data is not None:
        full.actions, full.collected = again.actions, full.collected | {SHEET}
    return name, content


class PlanWidget:
    """Fired recommendations with checkboxes and one button that adds the ticked ones to the plan."""

    def __init__(self, data: GminaData, measurement: str | None = None, *,
                 source_data: GminaData | None = None) -> None:
        self.data = data
        self.measurement = measurement
        self.source_data = source_data
        self.facts = Analysis(data, measurement)
        self.status = widgets.HTML()
        self.list = widgets.VBox()
        self.button = widgets.Button(description=_t("przycisk"), button_style="primary", icon="plus",
                                     layout=widgets.Layout(width="auto"))
        self.button.on_click(lambda _button: self.add())
        self.document: tuple[str, bytes] | None = None
        self.refresh()

    def refresh(self) -> None:
        """Propose the recommendations the plan does not answer yet (after an addition: the rest)."""
        self.rows = plan_rows_from_recommendations(self.facts)
        # plain-text descriptions (ipywidgets does not read them as HTML), so a typed name stays text
        self.boxes = [widgets.Checkbox(value=False, description=f"{row['dzialanie']} ({row['rekomendacja']})",
                                       indent=False, layout=widgets.Layout(width="auto"))
                      for row in self.rows]
        self.list.children = tuple(self.boxes) or (widgets.HTML(f"<p>{html.escape(_t('brak_propozycji'))}</p>"),)
        self.button.disabled = not self.rows

    def chosen(self) -> list[dict[str, Any]]:
        return [row for row, box in zip(self.rows, self.boxes, strict=True) if box.value]

    def add(self) -> tuple[str, bytes] | None:
        """Add the ticked rows to the plan and offer the workbook; returns its file name and bytes."""
        chosen = self.chosen()
        if not chosen:
            self.status.value = html.escape(_t("nic_nie_zaznaczono"))
            return None
        try:
            name, content = add_to_plan(self.data, chosen, self.measurement, source_data=self.source_data)
        except (ValueError, OSError) as error:
            self.status.value = f"<b style='color:#b00020'>{html.escape(_t('blad', powod=str(error)))}</b>"
            return None
        self.document = (name, content)
        advice = self.facts.recommendations  # the advice did not change: only the plan answering it did
        self.facts = Analysis(self.data, self.measurement)
        self.facts.__dict__["recommendations"] = advice
        self.refresh()
        self.status.value = (f"{download_link(name, content, MIME['.xlsx'])} "
                             f"<span>{html.escape(_t('gotowe', liczba=len(chosen)))}</span>")
        return self.document

    def widget(self) -> widgets.Widget:
        return widgets.VBox([widgets.HTML(f"<h3>{html.escape(_t('tytul'))}</h3>"),
                             widgets.HTML(f"<p>{html.escape(_t('wstep'))}</p>"), self.list,
                             widgets.HBox([self.button]), self.status])


def plan_widget(data: GminaData, measurement: str | None = None, *, source_data: GminaData | None = None):
    """The widget ready to display; in batch runs (``pzk run``) a note instead (widgets are not kept there)."""
    if headless():
        return _headless_note(_t("tytul_krotki"))
    return PlanWidget(data, measurement, source_data=source_data).widget()
