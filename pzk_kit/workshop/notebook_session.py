"""The opening cell of the kit's notebooks: read the gmina, show its check, and stop "Run All" on bad data.

Every later cell assumes valid data. Instead of guarding each of them, the opening cell stops the notebook:
Jupyter stops "Run All" only at a cell that ends in an error, so the stop is an exception. IPython shows what an
exception's ``_render_traceback_`` returns in place of the traceback, so the user reads one Polish sentence
under the list of problems, not Python's internals. nbval and papermill see an ordinary cell error (papermill
raises ``PapermillExecutionError`` carrying these same lines), which is right: the notebook did not run.

``pzk run`` and ``pzk batch`` never get here with bad data: they validate first and report
:class:`pzk_kit.runs.runner.InvalidInput` before starting any notebook.
"""

from __future__ import annotations

from pathlib import Path

from pzk_kit.privacy import published
from pzk_kit.safe_html import html
from pzk_kit.workbook.example import resolve_input
from pzk_kit.workbook.reading import GminaData, read_gmina
from pzk_kit.workbook.validation import ValidationReport

INVALID_DATA_MESSAGE = "Dane zawierają błędy — popraw je według listy powyżej i uruchom zeszyt ponownie."


class NotebookStopped(Exception):
    """The gmina's data have errors: the notebook stops here, saying so in Polish instead of a traceback."""

    def __init__(self, report: ValidationReport) -> None:
        super().__init__(INVALID_DATA_MESSAGE)
        self.report = report

    def _render_traceback_(self) -> list[str]:
        # IPython's hook: these lines replace the traceback (and the "NotebookStopped:" prefix) in the output.
        return [INVALID_DATA_MESSAGE]


def open_gmina(source: str | Path | None) -> GminaData:
    """The notebook's gmina, as every output may print it (:func:`pzk_kit.privacy.published`).

    Shows the gmina's name and the Polish validation report; data with errors raise :class:`NotebookStopped`
    after the report, so the user sees what to fix and the cells below do not run. ``source`` is the notebook's
    ``dane`` parameter: empty means the example gmina.
    """
    from IPython.display import display

    gmina = published(read_gmina(resolve_input(source)))
    display(html("<h3>{}</h3>", gmina.name))
    display(gmina.report)
    if not gmina.report.ok:
        raise NotebookStopped(gmina.report)
    return gmina
