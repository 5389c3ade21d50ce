"""Parts of ``summary.json`` written by each notebook, assembled later by ``pzk run``.

Each notebook owns one part (``network``, ``basket``, ``evaluation``) and writes it atomically into the output
folder, so a notebook can be rerun on its own without touching the others' results.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pzk_kit.files import atomic_file

PARTS_DIR = "czesci_wynikow"
PARTS = ("network", "basket", "evaluation")


def part_path(out_dir: str | Path, part: str) -> Path:
    if part not in PARTS:
        raise ValueError(f"unknown results part {part!r}")
    return Path(out_dir) / PARTS_DIR / f"{part}.json"


def write_part(out_dir: str | Path, part: str, payload: dict[str, Any]) -> Path:
    """Write one part; returns its path. Replaces an earlier version of the same part only."""
    path = part_path(out_dir, part)
    with atomic_file(path, overwrite=True) as tmp:
        tmp.write_text(json.dumps(payload, ensure_ascii=False, indent=2, default=jsonable), encoding="utf-8")
    return path


def read_parts(out_dir: str | Path) -> dict[str, Any]:
    """All parts present in ``out_dir`` (missing ones are simply absent)."""
    parts = {}
    for part in PARTS:
        path = part_path(out_dir, part)
        if path.exists():
            parts[part] = json.loads(path.read_text(encoding="utf-8"))
    return parts


def jsonable(value: Any) -> Any:
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    if hasattr(value, "isoformat"):
        return value.isoformat()
    raise TypeError(f"cannot serialise {type(value).__name__}")
