"""A step package that still answers by the names of the one module it grew from (``pzk_kit.network`` and
the like): notebooks and trainers' code written for 0.1 call ``pzk_kit.network.network_summary``.

The names load on first use (PEP 562 module ``__getattr__``), so importing one submodule of a step does not pull
in the step's core, and the core can import its siblings without a circular import.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any


def forward_to(core: str, own: dict[str, Any]) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """The ``__getattr__`` and ``__dir__`` of a step package (its ``globals()`` are ``own``) whose public names
    live in module ``core``."""

    def __getattr__(name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        return getattr(importlib.import_module(core), name)

    def __dir__() -> list[str]:
        return sorted(set(own) | set(dir(importlib.import_module(core))))

    return __getattr__, __dir__
