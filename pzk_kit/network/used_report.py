"""The report's section on the declared map against the task teams (closing the network chapter).

The council reads whether the partnership's declarations turn into work on cases: the overlay picture, the counts
and the two lists the meeting acts on (ties only on paper, cooperation nobody declared). Long lists are cut with
a note of how many more there are (the notebook shows them whole). Case codes never appear: only counts.
"""

from __future__ import annotations

from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm

from pzk_kit import word
from pzk_kit.network import used
from pzk_kit.network.used import UsedComparison

MAX_LISTED = 10  # pairs per list in the printed report


def used_network_section(document, facts) -> None:
    """The section at the end of the network chapter; one sentence when the register was not collected."""
    from pzk_kit.evaluation import report

    comparison: UsedComparison = facts.used_network
    if not comparison.collected:
        report._paragraph(document, used.sentence(comparison), size=9.5, italic=True, color=word.GREY, after=6)
        return
    heading = used._t("tytul", pomiar=comparison.measurement)
    document.add_heading(heading, level=2)
    report._paragraph(document, used._t("wstep"), after=4)
    if not comparison.cases:
        report._paragraph(document, used.sentence(comparison), italic=True, after=6)
        return
    from pzk_kit.network import plots as network_plots
    from pzk_kit.network.used_plots import draw_used_overlay

    layout = network_plots.compute_layout([facts.network_of(m).graph for m in facts.network_measurements])
    figure = draw_used_overlay(facts.net, comparison, pos=layout,
                               title=f"{facts.data.name} — mapa zgłoszona a zespoły\npomiar {comparison.measurement}")
    report._chart(document, figure, heading)
    report._paragraph(document, used._t("rysunek_opis"), size=8.5, italic=True, color=word.GREY, after=6)
    report._paragraph(document, used.sentence(comparison), after=6)
    tables = used.used_tables(facts.data, net=facts.net, comparison=comparison)
    _listing(document, used._t("lista_papier"), tables[used.PAPER_TITLE],
             [Cm(5.2), Cm(5.2), Cm(3.0), Cm(4.0)])
    _listing(document, used._t("lista_niezgloszone"), tables[used.UNDECLARED_TITLE],
             [Cm(7.2), Cm(7.2), Cm(3.0)])


def _listing(document, heading: str, table, widths: list) -> None:
    """One list of pairs under its own small heading, the first :data:`MAX_LISTED` rows and how many more."""
    from pzk_kit.evaluation import report

    document.add_heading(heading, level=3)
    if table.empty:
        report._paragraph(document, used._t("lista_pusta"), italic=True, after=6)
        return
    shown = table.head(MAX_LISTED)
    grid = word.table(document, list(table.columns), widths, rows=len(shown))
    for row, values in zip(grid.rows[1:], shown.itertuples(index=False), strict=True):
        word.no_split(row)
        for k, value in enumerate(values):
            word.cell_text(row.cells[k], str(value), size=8.5)
            if isinstance(value, int):
                row.cells[k].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    more = len(table) - len(shown)
    if more > 0:
        report._paragraph(document, used._t("wiecej", liczba=more), size=9, italic=True, after=6)
    else:
        report._paragraph(document, after=2)
