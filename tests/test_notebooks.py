"""The three notebooks run headless under papermill on the example and on a minimal gmina, and stop in Polish on
data with errors."""

from pathlib import Path

import nbformat
import pytest

from pzk_kit.runs.runner import run_notebook as _run_notebook
from pzk_kit.workshop.notebook_session import INVALID_DATA_MESSAGE


def run_notebook(notebook, out, parameters):
    """Our notebooks finish each cell in seconds: a cell silent for two minutes is a lost message, retried."""
    return _run_notebook(notebook, out, parameters, cell_timeout=120)

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
NAMES = ["01_mapowanie_partnerow.ipynb", "02_koszyk_uslug.ipynb", "03_ewaluacja.ipynb"]
BROKEN = Path(__file__).resolve().parent / "data" / "broken" / "brak_kolumny_sektor"
# What IPython's traceback of an ordinary exception would print (a user must never see them). The error output's
# ``ename`` (NotebookStopped) is stored but not shown: Jupyter shows the traceback lines when there are any.
PYTHON_TRACEBACK = ("Traceback", "Cell In[", "---->", 'File "', "Error:")


def outputs_text(notebook) -> str:
    parts = []
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            parts.append(output.get("text", ""))
            parts.extend(str(v) for v in output.get("data", {}).values())
    return "\n".join(parts)


@pytest.mark.parametrize("name", NAMES)
def test_committed_without_outputs_and_with_parameters_cell(name):
    notebook = nbformat.read(NOTEBOOKS / name, as_version=4)
    assert notebook.metadata["kernelspec"]["name"] == "python3"
    tagged = [c for c in notebook.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1
    assert all(not c.get("outputs") for c in notebook.cells if c.cell_type == "code")


@pytest.fixture(scope="module")
def minimal_gmina(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("minimal")
    (folder / "gmina.csv").write_text("pole;wartosc\nnazwa;Gmina Mała\n", encoding="utf-8")
    (folder / "partnerzy.csv").write_text(
        "id;nazwa;sektor;rola\nOPS;Ośrodek Pomocy Społecznej;Pomoc społeczna;lider\nSP;Szkoła;Edukacja;\n",
        encoding="utf-8",
    )
    return folder


@pytest.fixture(scope="module")
def example_notebook(tmp_path_factory):
    """``run(name) -> (executed notebook, its wyniki folder)``: each notebook executed once on the example
    (``dane=""``) for all the tests of this module that need exactly that run. Read only: the tests inspect it."""
    done: dict[str, tuple[Path, Path]] = {}

    def run(name: str) -> tuple[Path, Path]:
        if name not in done:
            folder = tmp_path_factory.mktemp("przyklad")
            wyniki = folder / "wyniki"
            run_notebook(NOTEBOOKS / name, folder / name, {"dane": "", "wyniki": str(wyniki)})
            done[name] = folder / name, wyniki
        return done[name]

    return run


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("which", ["example", "minimal"])
def test_notebook_runs_under_papermill(name, which, minimal_gmina, example_notebook, tmp_path):
    if which == "example":
        out, _ = example_notebook(name)
    else:
        out = tmp_path / name
        run_notebook(NOTEBOOKS / name, out, {"dane": str(minimal_gmina), "wyniki": str(tmp_path / "wyniki")})
    executed = nbformat.read(out, as_version=4)
    text = outputs_text(executed)
    assert ("Gmina Przykładowa" if which == "example" else "Gmina Mała") in text
    code = [cell for cell in executed.cells if cell.cell_type == "code"]
    assert all(cell.execution_count for cell in code)  # ran to the end
    assert not [o for cell in code for o in cell.outputs if o.output_type == "error"]


@pytest.mark.parametrize("name", NAMES)
def test_data_with_errors_stop_the_notebook_at_the_opening_cell_in_polish(name, tmp_path):
    """"Run All" stops under the list of problems with one Polish sentence, not a Python traceback.

    ``pzk run`` never gets here (it refuses such data before starting a notebook); this is JupyterLab's case.
    """
    from papermill.exceptions import PapermillExecutionError

    out, wyniki = tmp_path / name, tmp_path / "wyniki"
    with pytest.raises(PapermillExecutionError) as stopped:
        _run_notebook(NOTEBOOKS / name, out, {"dane": str(BROKEN), "wyniki": str(wyniki)}, cwd=tmp_path,
                      cell_timeout=120)
    assert stopped.value.traceback == [INVALID_DATA_MESSAGE]
    executed = nbformat.read(out, as_version=4)
    code = [cell for cell in executed.cells if cell.cell_type == "code"]
    [stop] = [k for k, cell in enumerate(code) if any(o.output_type == "error" for o in cell.outputs)]
    assert "open_gmina(dane)" in code[stop].source
    assert [o.traceback for o in code[stop].outputs if o.output_type == "error"] == [[INVALID_DATA_MESSAGE]]
    text = outputs_text(executed)
    assert "Brakuje wymaganej kolumny „sektor”" in text  # the report, shown above the stop
    assert all(cell.execution_count is None and not cell.outputs for cell in code[stop + 1:])
    assert not wyniki.exists()
    saved = out.read_text(encoding="utf-8")
    assert not [marker for marker in PYTHON_TRACEBACK if marker in saved]


def test_mapping_notebook_writes_the_network_part(tmp_path):
    from pzk_kit.network import network_summary
    from pzk_kit.runs.results import read_parts
    from pzk_kit.workbook.example import example_dir
    from pzk_kit.workbook.reading import read_gmina

    wyniki = tmp_path / "wyniki"
    out = tmp_path / "01.ipynb"
    run_notebook(NOTEBOOKS / NAMES[0], out, {"dane": "", "pomiar": "T1", "wyniki": str(wyniki)})
    part = read_parts(wyniki)["network"]
    assert part == network_summary(read_gmina(example_dir()), "T1")
    assert part["measurement"] == "T1" and part["isolates"] == []
    text = outputs_text(nbformat.read(out, as_version=4))
    assert ("Członkowie PZK: **24** · Kandydaci: **3** · Instytucje na mapie: **27** · "
            "Brakujące podstawowe sektory: **Sport**") in text  # the glossary's names, one number each
    assert "Pary, które oceniły wzajemną współpracę różnie — o dwa poziomy lub więcej: **3**." in text
    assert "image/png" in out.read_text(encoding="utf-8")  # the maps were drawn


def test_mapping_notebook_without_cooperation_sheet_explains_what_to_collect(minimal_gmina, tmp_path):
    out = tmp_path / "01.ipynb"
    run_notebook(NOTEBOOKS / NAMES[0], out, {"dane": str(minimal_gmina), "wyniki": str(tmp_path)})
    text = outputs_text(nbformat.read(out, as_version=4))
    assert "Arkusz „wspolpraca” nie został jeszcze zebrany" in text


def test_basket_notebook_writes_part_catalogue_and_hsds(example_notebook):
    from pzk_kit.basket import basket_summary
    from pzk_kit.runs.results import read_parts
    from pzk_kit.workbook.example import example_dir
    from pzk_kit.workbook.reading import read_gmina

    out, wyniki = example_notebook(NAMES[1])
    assert read_parts(wyniki)["basket"] == basket_summary(read_gmina(example_dir()))
    assert (wyniki / "katalog_uslug.html").stat().st_size > 10_000
    assert (wyniki / "katalog_uslug.docx").exists()
    assert (wyniki / "hsds" / "services.csv").exists()
    assert "image/png" in out.read_text(encoding="utf-8")


def test_basket_notebook_without_services_explains_what_to_collect(minimal_gmina, tmp_path):
    out = tmp_path / "02.ipynb"
    run_notebook(NOTEBOOKS / NAMES[1], out, {"dane": str(minimal_gmina), "wyniki": str(tmp_path)})
    text = outputs_text(nbformat.read(out, as_version=4))
    assert "Arkusz „uslugi” nie został jeszcze zebrany" in text
    assert "Arkusz „potrzeby” nie został jeszcze zebrany" in text


def test_evaluation_notebook_writes_the_evaluation_part(example_notebook):
    from pzk_kit.evaluation import evaluation_summary
    from pzk_kit.runs.results import read_parts
    from pzk_kit.workbook.example import example_dir
    from pzk_kit.workbook.reading import read_gmina

    out, wyniki = example_notebook(NAMES[2])
    part = read_parts(wyniki)["evaluation"]
    assert part == evaluation_summary(read_gmina(example_dir()))
    assert part["respondents"] == {"T0": 21, "T1": 22}
    text = outputs_text(nbformat.read(out, as_version=4))
    assert "T0 · sektor Kultura: mniej niż 3 respondentów" in text
    assert "image/png" in out.read_text(encoding="utf-8")


def test_evaluation_notebook_without_survey_explains_how_to_run_one(minimal_gmina, tmp_path):
    out = tmp_path / "03.ipynb"
    run_notebook(NOTEBOOKS / NAMES[2], out, {"dane": str(minimal_gmina), "wyniki": str(tmp_path)})
    text = outputs_text(nbformat.read(out, as_version=4))
    assert "Ankieta samooceny nie została jeszcze przeprowadzona" in text


def test_evaluation_notebook_writes_recommendations_and_the_council_report(example_notebook):
    import json

    from docx import Document

    from pzk_kit.evaluation.recommendations import recommendations
    from pzk_kit.workbook.example import example_dir
    from pzk_kit.workbook.reading import read_gmina

    out, wyniki = example_notebook(NAMES[2])
    saved = json.loads((wyniki / "rekomendacje.json").read_text(encoding="utf-8"))
    assert [r["code"] for r in saved] == [r.code for r in recommendations(read_gmina(example_dir()))]
    report = Document(str(wyniki / "raport.docx"))
    assert [p.text for p in report.paragraphs if p.style.name == "Heading 1"][:3] == [
        "Karta wyników PZK", "„Kooperacyjnie znaczy szybciej, skuteczniej, łatwiej, czasem także taniej”",
        "1. Mapa współpracy"]
    text = outputs_text(nbformat.read(out, as_version=4))
    assert "Zaproście do PZK brakujące sektory: Sport" in text
    # batch runs leave the explorer out and say where it works (pzk_kit.workshop.interactive.headless)
    assert "Interaktywna wersja przeglądu wyników ankiety" in text


def test_evaluation_notebook_with_baseline_only(tmp_path, write_csv_gmina, gmina_rows):
    folder = write_csv_gmina(tmp_path / "gmina", gmina_rows)  # three respondents, T0 only
    wyniki = tmp_path / "wyniki"
    out = tmp_path / "03.ipynb"
    run_notebook(NOTEBOOKS / NAMES[2], out, {"dane": str(folder), "wyniki": str(wyniki)})
    text = outputs_text(nbformat.read(out, as_version=4))
    assert "Jest jeden pomiar (T0) — to punkt wyjścia." in text
    assert "Zaplanujcie kolejny pomiar (T1)" in text
    assert (wyniki / "raport.docx").stat().st_size > 10_000
