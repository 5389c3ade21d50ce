"""Evaluating the partnership: the survey instrument and its scores, one analysis per measurement, the
recommendations and the council report.

The step's core is :mod:`pzk_kit.evaluation.scores`; its public names are importable from here as well, as they
were when ``pzk_kit.evaluation`` was one module. They load on first use, so importing a submodule (say
``pzk_kit.evaluation.instrument``) does not pull in the whole step.
"""

from __future__ import annotations

import importlib
from typing import Any

_CORE = "pzk_kit.evaluation.scores"


def __getattr__(name: str) -> Any:
    if name.startswith("__"):
        raise AttributeError(name)
    return getattr(importlib.import_module(_CORE), name)


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(dir(importlib.import_module(_CORE))))
