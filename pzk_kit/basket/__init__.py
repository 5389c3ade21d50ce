"""The local service basket: coverage of needs, pictures, the resident catalogue, HSDS export and IPUS drafts.

The step's core is :mod:`pzk_kit.basket.coverage`; its public names are importable from here as well, as they were when
``pzk_kit.basket`` was one module. They load on first use, so importing a submodule (say
``pzk_kit.basket.hsds``) does not pull in the whole step.
"""

from __future__ import annotations

import importlib
from typing import Any

_CORE = "pzk_kit.basket.coverage"


def __getattr__(name: str) -> Any:
    if name.startswith("__"):
        raise AttributeError(name)
    return getattr(importlib.import_module(_CORE), name)


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(dir(importlib.import_module(_CORE))))
