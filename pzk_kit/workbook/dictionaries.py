"""Reference lists (słowniki) of the model: sectors, need areas, target groups, levels, forms…

They live as CSV files in ``pzk_kit/data/slowniki`` so that a region can add a sector or a need area without
touching code. A value typed by a user is accepted as the code, the Polish label or a listed alias, all compared
after :func:`pzk_kit.workbook.text.normalize_code`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

from pzk_kit.resources import read_table
from pzk_kit.workbook.text import closest, normalize_code


@dataclass(frozen=True)
class Entry:
    code: str
    label: str
    description: str = ""
    extra: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Dictionary:
    """One reference list with the lenient lookup the contract promises."""

    name: str
    title: str
    description: str
    entries: tuple[Entry, ...]
    _lookup: dict[str, str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        lookup: dict[str, str] = {}
        for entry in self.entries:
            for key in (entry.code, entry.label, *_aliases(entry)):
                lookup.setdefault(normalize_code(key), entry.code)
        object.__setattr__(self, "_lookup", lookup)

    @property
    def codes(self) -> list[str]:
        return [e.code for e in self.entries]

    @property
    def labels(self) -> list[str]:
        return [e.label for e in self.entries]

    def resolve(self, value: object) -> str | None:
        """The code a user's value means, or None when it is not in the list."""
        return self._lookup.get(normalize_code(value))

    def label(self, code: str) -> str:
        for entry in self.entries:
            if entry.code == code:
                return entry.label
        return code

    def entry(self, code: str) -> Entry | None:
        return next((e for e in self.entries if e.code == code), None)

    def suggest(self, value: object) -> str | None:
        """The label a mistyped value most likely meant ("Czy chodziło o …?")."""
        candidates = [*self.labels, *(alias for e in self.entries for alias in _aliases(e))]
        guess = closest(str(value), candidates)
        if guess is None:
            return None
        code = self.resolve(guess)
        return self.label(code) if code else guess

    def by_abbreviation(self, value: object) -> str | None:
        """The label for an institution typed where a dictionary value belongs ("OSP" in a sector column).

        The ``skroty`` column lists such abbreviations and names; they only suggest, never resolve, since a
        partner's name in the sector column is a mistake the user should see and fix.
        """
        key = normalize_code(value)
        for entry in self.entries:
            if key and key in {normalize_code(a) for a in entry.extra.get("skroty", "").split("|") if a.strip()}:
                return entry.label
        return None

    def allowed_text(self, limit: int = 16) -> str:
        """Polish list of allowed labels for an error message; long lists point to ``pzk slowniki``."""
        if len(self.entries) <= limit:
            return ", ".join(f"„{label}”" for label in self.labels)
        return f"jedna z {len(self.entries)} wartości słownika „{self.title}” (pełna lista: pzk slowniki {self.name})"


def _aliases(entry: Entry) -> list[str]:
    return [a.strip() for a in entry.extra.get("aliasy", "").split("|") if a.strip()]


def _derived_rows(name: str) -> list[dict[str, str]] | None:
    """Rows of a dictionary whose entries live in another data file, so each list has one home.

    ``rekomendacje``: the report's rule codes (``rekomendacje.csv``), which an action plan row answers.
    ``wskazniki``: what an action should move — the glossary's figures (``miary.csv``), the survey's factors and
    its items; their Polish names resolve too.
    """
    if name == "rekomendacje":
        return [{"kod": r["kod"], "etykieta": r["kod"], "opis": r["tytul"]} for r in read_table("rekomendacje.csv")]
    if name == "wskazniki":
        rows = [{"kod": r["kod"], "etykieta": r["nazwa"], "opis": r["opis"], "aliasy": r["nazwa"].split(" (")[0]}
                for r in read_table("miary.csv")]
        rows += [{"kod": r["kod"], "etykieta": r["nazwa"], "opis": f"Czynnik ankiety samooceny. {r['opis']}"}
                 for r in read_table("ankieta", "czynniki.csv")]
        rows += [{"kod": r["kod"], "etykieta": r["kod"], "opis": f"Pytanie ankiety: {r['tresc']}"}
                 for r in read_table("ankieta", "pytania.csv")]
        return rows
    return None


def _load(name: str, title: str, description: str) -> Dictionary:
    rows = _derived_rows(name)
    if rows is None:
        rows = read_table("slowniki", f"{name}.csv")
    entries = tuple(
        Entry(
            code=row["kod"],
            label=row["etykieta"],
            description=row.get("opis", ""),
            extra={k: v for k, v in row.items() if k not in {"kod", "etykieta", "opis"}},
        )
        for row in rows
    )
    return Dictionary(name=name, title=title, description=description, entries=entries)


@cache
def load_dictionaries() -> dict[str, Dictionary]:
    """All dictionaries by name, in the order of ``slowniki/_index.csv``."""
    return {
        row["slownik"]: _load(row["slownik"], row["nazwa"], row["opis"])
        for row in read_table("slowniki", "_index.csv")
    }


def dictionary(name: str) -> Dictionary:
    return load_dictionaries()[name]


def core_sectors() -> list[str]:
    """Codes of the nine core sectoral policies a PZK should span."""
    return [e.code for e in dictionary("sektory").entries if e.extra.get("rdzen") == "1"]


def format_dictionaries(names: list[str] | None = None) -> str:
    """Plain-text listing for ``pzk slowniki``: code, label and description of every entry."""
    lines: list[str] = []
    for name, dic in load_dictionaries().items():
        if names and name not in names:
            continue
        lines.append(f"{dic.title}  [{name}]")
        lines.append(f"  {dic.description}")
        width = max(len(code) for code in dic.codes)
        for entry in dic.entries:
            mark = " (rdzeń)" if entry.extra.get("rdzen") == "1" else ""
            desc = f" – {entry.description}" if entry.description else ""
            lines.append(f"  {entry.code.ljust(width)}  {entry.label}{mark}{desc}")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"
