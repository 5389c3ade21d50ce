"""The self-assessment questionnaire of the kit, kept as data in ``pzk_kit/data/ankieta``.

The instrument is versioned: a survey collected with version 1.0 must keep being scored with the items it had.
Template columns, the printable form and scoring all read the same files.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from pzk_kit.resources import data_path, read_table


@dataclass(frozen=True)
class Factor:
    code: str
    name: str
    kind: str  # "filar" (pillar of the model) or "operacyjny"
    description: str


@dataclass(frozen=True)
class Item:
    code: str
    factor: str
    text: str
    reverse: bool


@dataclass(frozen=True)
class Instrument:
    version: str
    title: str
    introduction: str
    scale: tuple[str, ...]
    dont_know: str
    factors: tuple[Factor, ...]
    items: tuple[Item, ...]
    meta: dict[str, str]

    @property
    def item_codes(self) -> list[str]:
        return [i.code for i in self.items]

    def items_of(self, factor: str) -> list[Item]:
        return [i for i in self.items if i.factor == factor]


@cache
def load_instrument() -> Instrument | None:
    """The packaged instrument, or None while its files are absent (the kit then skips survey columns)."""
    if not data_path("ankieta", "pytania.csv").exists():
        return None
    meta = {row["pole"]: row["wartosc"] for row in read_table("ankieta", "metadane.csv")}
    factors = tuple(
        Factor(r["kod"], r["nazwa"], r["typ"], r["opis"]) for r in read_table("ankieta", "czynniki.csv")
    )
    items = tuple(
        Item(r["kod"], r["czynnik"], r["tresc"], r["odwrocone"] == "1") for r in read_table("ankieta", "pytania.csv")
    )
    return Instrument(
        version=meta.get("wersja", ""),
        title=meta.get("tytul", ""),
        introduction=meta.get("wstep", ""),
        scale=tuple(meta.get(f"skala_{i}", str(i)) for i in range(1, 6)),
        dont_know=meta.get("nie_wiem", "Nie wiem"),
        factors=factors,
        items=items,
        meta=meta,
    )
