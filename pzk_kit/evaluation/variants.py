"""The three variants of the Kooperacje 3D model (rural, urban-rural and urban gminas) and what each expects.

The model was written in three variants because a PZK of a village gmina and one of a city differ in kind: in a
rural gmina the police, the court's probation officers, the labour office, the PCPR, the poradnia and the
hospital are powiat units, while the parish, the KGW and the OSP are the partners next door; a city has many
NGOs, a CIS or KIS and a housing department. What each variant expects is data (``data/warianty.csv``, one row
per variant and expectation, with the reason in Polish), so a region can adjust it without code. A city with
powiat rights (``typ`` miejska and TERYT powiat digits 61–99) is urban, and its own units do what a powiat's do
elsewhere: its rows (``miasto_na_prawach_powiatu``) override the urban ones where they differ.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from pzk_kit.resources import read_table
from pzk_kit.workbook.cells import is_city_with_powiat_rights
from pzk_kit.workbook.text import normalize_code

FILE = "warianty.csv"
VARIANTS = ("wiejska", "miejsko_wiejska", "miejska")  # the codes of the typy_gmin dictionary
CITY_COUNTY = "miasto_na_prawach_powiatu"
UNKNOWN = "nieznany"


@dataclass(frozen=True)
class Expectation:
    variant: str
    kind: str  # nazwa / liczba_partnerow / instytucja / partner
    sector: str
    patterns: tuple[str, ...]  # normalised name fragments; empty = any partner of the sector
    low: int | None
    high: int | None
    text: str
    why: str

    def matches(self, name: object) -> bool:
        """Whether a partner's name is this kind of institution (``KGW`` or ``Koło Gospodyń Wiejskich w …``)."""
        if not self.patterns:
            return True
        padded = f"_{normalize_code(name)}_"
        return any(f"_{pattern}_" in padded for pattern in self.patterns)


@dataclass(frozen=True)
class Variant:
    """The variant a gmina's data choose: ``code`` is a typy_gmin code or :data:`UNKNOWN`; ``keys`` are the
    rows of ``warianty.csv`` that apply, the most specific first."""

    code: str
    keys: tuple[str, ...]

    @property
    def known(self) -> bool:
        return bool(self.keys)

    @property
    def label(self) -> str:
        """``gmina wiejska``, ``miasto na prawach powiatu``…: what the recommendations say they assumed."""
        found = self.first("nazwa")
        return found.text if found else "nieznany (pole „typ” w arkuszu „gmina” jest puste)"

    def first(self, kind: str, sector: str = "") -> Expectation | None:
        for key in self.keys:
            for row in expectations():
                if row.variant == key and row.kind == kind and row.sector == sector:
                    return row
        return None

    def all(self, kind: str) -> list[Expectation]:
        """Rows of ``kind``, one per sector and pattern: a more specific variant's row replaces the general one."""
        chosen: dict[tuple[str, tuple[str, ...]], Expectation] = {}
        for key in reversed(self.keys):
            for row in expectations():
                if row.variant == key and row.kind == kind:
                    chosen[(row.sector, row.patterns)] = row
        return [r for r in expectations() if r in chosen.values()]


def _int(text: str) -> int | None:
    return int(text) if text else None


@cache
def expectations() -> tuple[Expectation, ...]:
    rows = []
    for row in read_table(FILE):
        patterns = tuple(normalize_code(p) for p in row["wzorzec"].split("|") if p.strip())
        rows.append(Expectation(row["wariant"], row["oczekiwanie"], row["sektor"], patterns, _int(row["od"]),
                                _int(row["do"]), row["tekst"], row["dlaczego"]))
    return tuple(rows)


def variant_of(typ: object, teryt: object = None) -> Variant:
    """The model variant of a gmina from its ``typ`` (empty or unknown: :data:`UNKNOWN`, no expectations)."""
    code = typ if isinstance(typ, str) and typ in VARIANTS else None
    if code is None:
        return Variant(UNKNOWN, ())
    if code == "miejska" and is_city_with_powiat_rights(str(teryt or "")):  # only a town can have powiat rights
        return Variant(code, (CITY_COUNTY, "miejska"))
    return Variant(code, (code,))


def variant_label(code: object) -> str:
    """The word a region's table uses for a gmina's variant: ``wiejska``, ``miejsko-wiejska``, ``miejska`` or
    ``nieznany`` (no or unknown type)."""
    from pzk_kit.workbook.dictionaries import dictionary

    return dictionary("typy_gmin").label(code).lower() if code in VARIANTS else UNKNOWN
