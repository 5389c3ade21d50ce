"""The evaluation explorer: measurement and breakdown controls call the evaluation functions, and whatever the
anonymity rule withholds is shown as "ukryte (< 3 osoby)" or left out, never as a number (headless)."""

from __future__ import annotations

import matplotlib
import pytest

matplotlib.use("Agg")

from pzk_kit.evaluation.instrument import load_instrument
from pzk_kit.workbook.example import example_dir
from pzk_kit.workbook.reading import read_gmina
from pzk_kit.workshop import interactive


class _Shown(list):
    """Figures shown, and the text alternative given with each (``alts``)."""

    def __init__(self) -> None:
        super().__init__()
        self.alts: list[str] = []


@pytest.fixture
def shown(monkeypatch):
    figures = _Shown()

    def record(figure, alt):
        figures.append(figure)
        figures.alts.append(alt)

    monkeypatch.setattr(interactive, "show", record)
    return figures


@pytest.fixture(scope="module")
def example():
    return read_gmina(example_dir())


def row(frame, factor: str) -> list:
    return frame.loc[frame["Czynnik"] == factor].iloc[0].tolist()


def test_whole_group_latest_measurement_with_change(example, shown):
    explorer = interactive.EvaluationExplorer(example)
    box = explorer.widget()
    assert box.children
    assert explorer.measurement.options == ("T0", "T1") and explorer.measurement.value == "T1"
    assert explorer.status.value == "Pomiar T1: 22 ankiety."
    assert list(explorer.frame.columns) == ["Czynnik", "T1", "Pasmo", "Zmiana od T0"]
    assert row(explorer.frame, "Przepływ informacji") == ["Przepływ informacji", 2.82, "wymaga uwagi", 0.15]
    assert len(shown) == 1 and shown[0].axes[0].get_title(loc="left") == "Mocne strony i obszary do pracy"
    # the chart's text alternative reads the same scores as the table
    assert shown.alts[0].startswith("Wykres słupkowy: wyniki czynników w pomiarze T1 (skala 1–5")
    assert "Przepływ informacji 2,82" in shown.alts[0] and "Przywództwo lidera 4,57" in shown.alts[0]

    explorer.measurement.value = "T0"
    assert explorer.status.value == "Pomiar T0: 21 ankiet."
    assert list(explorer.frame.columns) == ["Czynnik", "T0", "Pasmo"]  # the baseline: nothing to compare with
    assert row(explorer.frame, "Przywództwo lidera") == ["Przywództwo lidera", 4.24, "mocna strona"]
    assert len(shown) == 2


def test_breakdowns_leave_small_groups_out(example, shown):
    explorer = interactive.EvaluationExplorer(example, "T1")
    explorer.widget()
    explorer.view.value = "sektor"
    assert "Kultura" not in explorer.frame.columns
    assert list(explorer.frame.columns)[1:] == ["Bezpieczeństwo", "Edukacja", "Organizacje pozarządowe",
                                                "Pomoc społeczna", "Zatrudnienie", "Zdrowie"]
    assert explorer.status.value == "Pomiar T1: 22 ankiety. Nie pokazano (mniej niż 3 osoby): Kultura, (nie podano)."
    assert explorer.hidden == ["Kultura", "(nie podano)"]
    assert len(shown) == 1  # the breakdown is a coloured table, no new chart

    explorer.view.value = "partner"
    assert list(explorer.frame.columns) == ["Czynnik"]  # no partner reaches 3 respondents in the example
    assert "Żadna grupa nie ma co najmniej 3 ankiet" in explorer.status.value
    assert "Centrum Usług Społecznych w Przykładowie" in explorer.hidden


def test_withheld_cells_read_ukryte(tmp_path, write_csv_gmina, gmina_rows, shown):
    # three respondents, but only two answer the trust items: trust is withheld, the rest is shown
    items = load_instrument().items
    header = ["respondent", "pomiar", "sektor", *(i.code for i in items)]
    rows = [header]
    for k in range(3):
        answers = []
        for item in items:
            if item.factor == "zaufanie" and k == 2:
                answers.append("")
            else:
                answers.append(2 if item.reverse else 4)
        rows.append([f"R{k}", "T0", "Pomoc społeczna", *answers])
    gmina_rows["ankieta"] = rows
    data = read_gmina(write_csv_gmina(tmp_path / "g", gmina_rows))
    explorer = interactive.EvaluationExplorer(data)
    explorer.widget()
    assert row(explorer.frame, "Zaufanie") == ["Zaufanie", "ukryte (< 3 osoby)", "—"]
    assert row(explorer.frame, "Dialog") == ["Dialog", 4.0, "mocna strona"]
    explorer.view.value = "sektor"
    assert row(explorer.frame, "Zaufanie") == ["Zaufanie", "ukryte (< 3 osoby)"]
    assert row(explorer.frame, "Dialog") == ["Dialog", 4.0]
    assert explorer.hidden == []


def test_without_survey_explains_what_to_do(tmp_path, write_csv_gmina, gmina_rows, shown):
    del gmina_rows["ankieta"]
    explorer = interactive.EvaluationExplorer(read_gmina(write_csv_gmina(tmp_path / "g", gmina_rows)))
    explorer.widget()
    assert explorer.measurement.disabled
    assert "Ankieta samooceny nie została jeszcze przeprowadzona" in explorer.status.value
    assert explorer.frame is None and not shown


def test_factory_returns_a_widget(example, shown):
    box = interactive.evaluation_explorer(example, "T0")
    assert "Wyniki ankiety samooceny" in box.children[0].value
