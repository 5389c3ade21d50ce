"""The notebooks' opening cell: the gmina with its check shown, or a quiet Polish stop on data with errors."""

from pathlib import Path

import IPython.display
import pytest

from pzk_kit import privacy
from pzk_kit.workbook.validation import ValidationReport
from pzk_kit.workshop import notebook_session
from pzk_kit.workshop.notebook_session import INVALID_DATA_MESSAGE, NotebookStopped, open_gmina

BROKEN = Path(__file__).resolve().parent / "data" / "broken" / "brak_kolumny_sektor"


@pytest.fixture
def displayed(monkeypatch) -> list:
    """What the opening cell displayed (outside a kernel ``display`` would only print reprs)."""
    shown: list = []
    monkeypatch.setattr(IPython.display, "display", lambda *objects, **_kw: shown.extend(objects))
    return shown


def test_valid_data_return_the_published_gmina_after_its_name_and_report(displayed):
    gmina = open_gmina("")  # the parameter left empty: the example
    assert gmina.name == "Gmina Przykładowa" and gmina.report.ok
    assert privacy.published(gmina) is gmina  # already what outputs may print
    heading, report = displayed
    assert "<h3>Gmina Przykładowa</h3>" in heading.data
    assert report is gmina.report


def test_data_with_errors_stop_after_the_report_with_the_polish_sentence(displayed):
    with pytest.raises(NotebookStopped) as stopped:
        open_gmina(str(BROKEN))
    report = stopped.value.report
    assert isinstance(report, ValidationReport) and not report.ok
    assert displayed[-1] is report  # the list of problems is shown before the stop
    assert "Brakuje wymaganej kolumny „sektor”" in report._repr_html_()
    # IPython prints _render_traceback_ instead of the traceback: one Polish sentence, no Python
    assert stopped.value._render_traceback_() == [INVALID_DATA_MESSAGE]
    assert str(stopped.value) == INVALID_DATA_MESSAGE
    assert INVALID_DATA_MESSAGE == (
        "Dane zawierają błędy — popraw je według listy powyżej i uruchom zeszyt ponownie.")


def test_an_ipython_shell_shows_the_sentence_instead_of_a_traceback(capsys):
    from IPython.core.interactiveshell import InteractiveShell
    from traitlets.config import Config

    config = Config()
    config.HistoryManager.hist_file = ":memory:"  # nothing written to the user's ~/.ipython
    shell = InteractiveShell(config=config)  # not the global instance: other tests' display() stays untouched
    shell.user_ns["open_gmina"] = notebook_session.open_gmina
    result = shell.run_cell(f"gmina = open_gmina({str(BROKEN)!r})")
    assert isinstance(result.error_in_exec, NotebookStopped)
    printed = capsys.readouterr()
    text = printed.out + printed.err
    assert INVALID_DATA_MESSAGE in text
    assert "Traceback" not in text and "NotebookStopped" not in text and "File " not in text
