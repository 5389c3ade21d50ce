"""``partnerzy.json``: each run's partner list, so the batch can find institutions shared by several PZKs.

A powiat's PUP or PCPR often sits in the PZK of every gmina of the powiat; the region sees that load only by
matching partners across gminas. ``summary.json`` holds figures, not names, and reading every gmina's workbook
again at the end of a batch would cost the whole read (seconds per large workbook, for unchanged gminas too) and
could disagree with the result if the input changed meanwhile. So each run leaves this small file beside its
summary: per partner only what the roll-up needs — id, name, sector, level (szczebel), role, and its ties in the
run's measurement (count and mean level). Never contact data (address, phone, e-mail, contact person), and the
names pass through the same redaction as every published output (a sole trader's name is a person's): the file
travels with the results to the region.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pzk_kit.files import atomic_file
from pzk_kit.runs.outputs import PARTNERS_NAME
from pzk_kit.workbook.reading import GminaData

FIELDS = ("id", "name", "sector", "level", "role", "ties", "mean_level")  # the whole of a partner's entry


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def partner_list(data: GminaData, measurement: str | None = None) -> dict[str, Any]:
    """The document: the gmina (name, TERYT, type, powiat: for grouping by variant and powiat), the measurement
    and one entry per partner row with exactly :data:`FIELDS`."""
    from pzk_kit.measurement import as_of, resolve
    from pzk_kit.network import build_network
    from pzk_kit.privacy import published

    data = published(data)

    net = build_network(as_of(data, measurement), resolve(data, measurement).network)
    partners = []
    for pid, name, sector, level, role in zip(net.partners["id"], net.partners["nazwa"], net.partners["sektor"],
                                              net.partners["szczebel"], net.partners["rola"], strict=True):
        levels = [d["level"] for _, _, d in net.graph.edges(pid, data=True)]
        partners.append({"id": str(pid), "name": _text(name), "sector": _text(sector), "level": _text(level),
                         "role": _text(role), "ties": len(levels),
                         "mean_level": round(sum(levels) / len(levels), 4) if levels else None})
    info = data.info
    return {"gmina": {"name": data.name, "teryt": data.teryt, "type": _text(info.get("typ")),
                      "powiat": _text(info.get("powiat"))},
            "measurement": net.measurement, "partners": partners}


def write_partner_list(document: dict[str, Any], folder: str | Path) -> Path:
    path = Path(folder) / PARTNERS_NAME
    with atomic_file(path, overwrite=True) as tmp:
        tmp.write_text(json.dumps(document, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return path


def read_partner_list(folder: str | Path) -> dict[str, Any] | None:
    """The document of a result folder; None when absent or damaged (a result of an older version)."""
    try:
        document = json.loads((Path(folder) / PARTNERS_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return document if isinstance(document, dict) and isinstance(document.get("partners"), list) else None
