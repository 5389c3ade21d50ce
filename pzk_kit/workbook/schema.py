"""The shape of a gmina workbook (CONTRACT §1), read from ``data/arkusze.csv`` and ``data/schemat.csv``.

The same description drives reading, validation, the Excel template and its instruction sheet, so a column
added to the CSV appears everywhere at once. The ``ankieta`` item columns come from the survey instrument.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

from pzk_kit.evaluation.instrument import load_instrument
from pzk_kit.resources import read_table
from pzk_kit.workbook.cells import SURVEY_ANSWER_TEXT
from pzk_kit.workbook.text import normalize_code

COLUMN_TYPES = {
    "text", "id", "partner_ref", "int", "scale", "date", "dict", "multidict", "pomiar", "teryt",
    "email", "phone", "survey_item", "partner_refs", "service_refs",
}
MULTI_KINDS = frozenset({"multidict", "partner_refs", "service_refs"})  # cells holding several values (tuples)


@dataclass(frozen=True)
class ColumnSpec:
    sheet: str
    name: str
    required: bool
    kind: str
    dictionary: str = ""
    minimum: float | None = None
    maximum: float | None = None
    example: str = ""
    description: str = ""
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class SheetSpec:
    name: str
    required: bool
    title: str
    description: str
    columns: tuple[ColumnSpec, ...]
    aliases: tuple[str, ...] = ()
    header_lookup: dict[str, str] = field(default_factory=dict, compare=False, repr=False)

    def column(self, name: str) -> ColumnSpec:
        return next(c for c in self.columns if c.name == name)

    @property
    def required_columns(self) -> list[str]:
        return [c.name for c in self.columns if c.required]

    def match_header(self, header: object) -> str | None:
        """Column code a header cell means (case, diacritics, spaces, hyphens and aliases ignored)."""
        return self.header_lookup.get(normalize_code(header))


def _number(text: str) -> float | None:
    return float(text) if text.strip() else None


def _split_aliases(text: str) -> tuple[str, ...]:
    return tuple(a.strip() for a in text.split("|") if a.strip())


def _survey_columns() -> list[ColumnSpec]:
    instrument = load_instrument()
    if instrument is None:
        return []
    return [
        ColumnSpec(
            sheet="ankieta", name=item.code, required=False, kind="survey_item", minimum=1, maximum=5,
            example="4", description=f"{item.code}: {item.text} ({SURVEY_ANSWER_TEXT})",
        )
        for item in instrument.items
    ]


@cache
def load_schema() -> dict[str, SheetSpec]:
    """Sheet specifications by sheet code, in workbook order."""
    by_sheet: dict[str, list[ColumnSpec]] = {}
    for row in read_table("schemat.csv"):
        by_sheet.setdefault(row["arkusz"], []).append(
            ColumnSpec(
                sheet=row["arkusz"], name=row["kolumna"], required=row["wymagana"] == "1", kind=row["typ"],
                dictionary=row["slownik"], minimum=_number(row["min"]), maximum=_number(row["max"]),
                example=row["przyklad"], description=row["opis"], aliases=_split_aliases(row["aliasy"]),
            )
        )
    by_sheet.setdefault("ankieta", []).extend(_survey_columns())
    sheets: dict[str, SheetSpec] = {}
    for row in read_table("arkusze.csv"):
        columns = tuple(by_sheet.get(row["arkusz"], ()))
        lookup: dict[str, str] = {}
        for col in columns:
            for key in (col.name, *col.aliases):
                lookup.setdefault(normalize_code(key), col.name)
        sheets[row["arkusz"]] = SheetSpec(
            name=row["arkusz"], required=row["wymagany"] == "1", title=row["tytul"], description=row["opis"],
            columns=columns, aliases=_split_aliases(row["aliasy"]), header_lookup=lookup,
        )
    return sheets


def match_sheet(name: object) -> str | None:
    """Sheet code a workbook tab or CSV file name means (``Współpraca`` → ``wspolpraca``)."""
    key = normalize_code(name)
    for sheet in load_schema().values():
        if key in {normalize_code(sheet.name), *(normalize_code(a) for a in sheet.aliases)}:
            return sheet.name
    return None
