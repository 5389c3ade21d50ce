"""The package by step (issue 19, item 6): workbook/, network/, basket/, evaluation/, workshop/, runs/.

Notebooks a trainer copied before 0.2 import the old flat paths (``from pzk_kit.reading import read_gmina``); they
keep working through 0.2, as the very same module (so a monkeypatch or an ``isinstance`` sees one object), with a
Polish DeprecationWarning naming the new path. The kit itself, its notebooks and its docs use only the new paths.
"""

from __future__ import annotations

import importlib
import json
import re
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

OLD_TO_NEW = {
    "cells": "workbook.cells", "dictionaries": "workbook.dictionaries", "example": "workbook.example",
    "limits": "workbook.limits", "reading": "workbook.reading", "schema": "workbook.schema",
    "sources": "workbook.sources", "templates": "workbook.templates", "text": "workbook.text",
    "validation": "workbook.validation",
    "network_plots": "network.plots",
    "basket_plots": "basket.plots", "catalogue": "basket.catalogue", "hsds": "basket.hsds",
    "service_plan": "basket.service_plan",
    "evaluation_plots": "evaluation.plots", "survey_instrument": "evaluation.instrument",
    "analysis": "evaluation.analysis", "recommendations": "evaluation.recommendations", "report": "evaluation.report",
    "app": "workshop.app", "app_downloads": "workshop.downloads", "app_login": "workshop.login",
    "app_server": "workshop.servers", "app_wording": "workshop.wording", "app_workbook": "workshop.workbook_rows",
    "interactive": "workshop.interactive", "notebook_session": "workshop.notebook_session",
    "documents": "workshop.documents",
    "runner": "runs.runner", "batch": "runs.batch", "regional": "runs.regional", "summary": "runs.summary",
    "results": "runs.results", "processes": "runs.processes", "outputs": "runs.outputs",
    "kernel_wakeup": "runs.kernel_wakeup",
}
STEP_CORES = {"network": "measures", "basket": "coverage", "evaluation": "scores"}
OLD_PATH = re.compile(r"\bpzk_kit[./](" + "|".join(sorted(OLD_TO_NEW, key=len, reverse=True)) + r")\b(?!/)")


@pytest.mark.parametrize("old", sorted(OLD_TO_NEW))
def test_an_old_path_is_the_same_module_and_says_where_it_went(old):
    new = importlib.import_module(f"pzk_kit.{OLD_TO_NEW[old]}")
    sys.modules.pop(f"pzk_kit.{old}", None)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        moved = importlib.import_module(f"pzk_kit.{old}")
    assert moved is new
    [warning] = [w for w in caught if issubclass(w.category, DeprecationWarning)]
    assert str(warning.message) == (f"pzk_kit.{old} to stara ścieżka modułu (zniknie w wersji 0.3); "
                                    f"używaj pzk_kit.{OLD_TO_NEW[old]}.")


def test_old_from_imports_still_work():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        from pzk_kit.network_plots import compute_layout, draw_network
        from pzk_kit.reading import read_gmina
    from pzk_kit.network.layout import compute_layout as layout
    from pzk_kit.network.plots import draw_network as drawn
    from pzk_kit.workbook.reading import read_gmina as reader

    assert (compute_layout, draw_network, read_gmina) == (layout, drawn, reader)


@pytest.mark.parametrize("step", sorted(STEP_CORES))
def test_a_step_that_was_one_module_still_answers_by_its_old_name(step):
    package = importlib.import_module(f"pzk_kit.{step}")
    core = importlib.import_module(f"pzk_kit.{step}.{STEP_CORES[step]}")
    public = [name for name in vars(core) if not name.startswith("_") and callable(getattr(core, name))]
    assert len(public) > 5
    assert all(getattr(package, name) is getattr(core, name) for name in public)
    assert set(public) | {STEP_CORES[step]} <= set(dir(package))  # the core's names and the loaded submodules
    with pytest.raises(AttributeError):
        package.no_such_name  # noqa: B018


def test_the_kit_imports_no_old_path():
    """In a fresh interpreter, every module of the package loads with DeprecationWarning as an error."""
    code = (
        "import importlib, pkgutil, pzk_kit\n"
        "names = [m.name for m in pkgutil.walk_packages(pzk_kit.__path__, 'pzk_kit.')\n"
        "         if '.data' not in m.name and (m.ispkg or m.name.count('.') > 1)]\n"
        "for name in names: importlib.import_module(name)\n"
        "print(len(names))\n"
    )
    done = subprocess.run([sys.executable, "-W", "error::DeprecationWarning:pzk_kit", "-c", code],
                          capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    assert int(done.stdout) >= 45


def _texts() -> dict[str, str]:
    found = {}
    for path in [*ROOT.joinpath("pzk_kit").rglob("*.py"), *ROOT.joinpath("tests").glob("*.py"),
                 *ROOT.joinpath("benchmarks").glob("*.py"), *ROOT.joinpath("docs").glob("*.md"), ROOT / "README.md"]:
        rel = path.relative_to(ROOT).as_posix()
        if rel in {f"pzk_kit/{old}.py" for old in OLD_TO_NEW} or rel == "tests/test_module_layout.py":
            continue
        text = path.read_text(encoding="utf-8")
        if rel == "README.md":  # the paragraph telling developers which old paths still work names them on purpose
            text = re.sub(r"Stare ścieżki \(.*?znikną w 0\.3\.", "", text, flags=re.S)
        found[rel] = text
    for path in ROOT.joinpath("notebooks").glob("*.ipynb"):
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        found[path.relative_to(ROOT).as_posix()] = "\n".join("".join(c["source"]) for c in cells)
    return found


def test_code_notebooks_and_docs_name_only_the_new_paths():
    stale = {rel: sorted(set(OLD_PATH.findall(text))) for rel, text in _texts().items() if OLD_PATH.search(text)}
    assert stale == {}


def test_layout_is_apart_from_drawing():
    from pzk_kit.network import layout, plots

    drawing = (ROOT / "pzk_kit" / "network" / "plots.py").read_text(encoding="utf-8")
    assert "def compute_layout" not in drawing and "def _force_layout" not in drawing
    assert plots.compute_layout is layout.compute_layout  # still offered where it was
    placing = (ROOT / "pzk_kit" / "network" / "layout.py").read_text(encoding="utf-8")
    assert "matplotlib" not in placing
