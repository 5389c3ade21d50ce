"""Problems found in a gmina's data and the report that collects all of them.

The users are not programmers: every problem must say, in Polish, where it is (sheet, the row number Excel
shows, column), what was found and what would be valid. The report is one object so that the CLI prints it,
a notebook shows it as a table and ``pzk run`` refuses to start on it, all from the same data.
"""

from __future__ import annotations

import functools
import html
from collections import Counter
from dataclasses import dataclass, field
from enum import StrEnum

import pandas as pd


class Severity(StrEnum):
    ERROR = "błąd"
    WARNING = "ostrzeżenie"
    INFO = "informacja"


_ORDER = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}


def _reading_order(problem: Problem) -> tuple:
    sheet_rank, columns = _sheet_place(problem.sheet or "")
    column = problem.column or ""
    return (_ORDER[problem.severity], sheet_rank, problem.sheet or "", problem.row if problem.row is not None else -1,
            columns.get(column.split(" (")[0], len(columns)), column)


@functools.cache
def _sheet_place(sheet: str) -> tuple[int, dict[str, int]]:
    """Where a sheet (as the user named it) comes in the template, and its columns' order; unknown sheets last."""
    from pzk_kit.workbook.schema import load_schema
    from pzk_kit.workbook.text import normalize_code

    if not sheet:
        return -1, {}
    key = normalize_code(sheet)
    specs = list(load_schema().values())
    for rank, spec in enumerate(specs):
        if key == spec.name or key in {normalize_code(a) for a in spec.aliases}:
            return rank, {c.name: i for i, c in enumerate(spec.columns)}
    return len(specs), {}


@dataclass(frozen=True)
class Problem:
    """One finding. ``row`` is the row number as Excel shows it (header row included), None for sheet-wide."""

    severity: Severity
    message: str
    sheet: str | None = None
    row: int | None = None
    column: str | None = None
    value: str | None = None
    hint: str | None = None

    @property
    def location(self) -> str:
        parts = []
        if self.sheet:
            parts.append(f"arkusz „{self.sheet}”")
        if self.row is not None:
            parts.append(f"wiersz {self.row}")
        if self.column:
            parts.append(f"kolumna „{self.column}”")
        return ", ".join(parts)

    @property
    def text(self) -> str:
        """The whole problem as one Polish sentence group, without the location."""
        return f"{self.message} {self.hint}" if self.hint else self.message

    @property
    def located_text(self) -> str:
        """Where and what, without the severity: for lists that say the severity once (summaries, bledy.csv)."""
        return f"{self.location}: {self.text}" if self.location else self.text

    def __str__(self) -> str:
        return f"{self.severity.value.upper()}: {self.located_text}"


@dataclass
class ValidationReport:
    """Every problem of one gmina's input, errors first; ``ok`` means the kit can run on it."""

    source: str = ""
    problems: list[Problem] = field(default_factory=list)

    def add(self, severity: Severity, message: str, **where: object) -> None:
        self.problems.append(Problem(severity, message, **where))  # type: ignore[arg-type]

    def error(self, message: str, **where: object) -> None:
        self.add(Severity.ERROR, message, **where)

    def warning(self, message: str, **where: object) -> None:
        self.add(Severity.WARNING, message, **where)

    def info(self, message: str, **where: object) -> None:
        self.add(Severity.INFO, message, **where)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity is Severity.WARNING]

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def exit_code(self) -> int:
        """0 valid (warnings allowed), 2 invalid: the contract of ``pzk validate``."""
        return 0 if self.ok else 2

    def sorted(self) -> list[Problem]:
        """The one order every listing uses (``pzk validate``, ``walidacja.txt``, ``bledy.csv``, the app): errors
        first, then as the user reads the workbook — file-level problems, then sheet by sheet in the template's
        order, row by row, and left to right."""
        return sorted(self.problems, key=_reading_order)

    def summary(self) -> str:
        counts = Counter(p.severity for p in self.problems)
        n_err, n_warn, n_info = counts[Severity.ERROR], counts[Severity.WARNING], counts[Severity.INFO]
        verdict = "Dane są poprawne." if self.ok else "Dane zawierają błędy, które trzeba poprawić."
        return f"{verdict} Błędy: {n_err}, ostrzeżenia: {n_warn}, informacje: {n_info}."

    def format_text(self, limit: int | None = None) -> str:
        """Readable listing for the terminal: a summary line, then one line per problem."""
        head = f"Sprawdzenie: {self.source}\n" if self.source else ""
        lines = [str(p) for p in self.sorted()]
        if limit is not None and len(lines) > limit:
            rest = len(lines) - limit
            lines = [*lines[:limit], f"… i jeszcze {rest} (pokaż wszystkie: pzk validate --wszystkie)"]
        body = "\n".join(f"  - {line}" for line in lines)
        return f"{head}{self.summary()}\n{body}".rstrip() + "\n"

    def to_frame(self) -> pd.DataFrame:
        """Table with Polish column names, for notebooks and the app."""
        rows = [
            {
                "Rodzaj": p.severity.value,
                "Arkusz": p.sheet or "",
                "Wiersz": p.row if p.row is not None else "",
                "Kolumna": p.column or "",
                "Wartość": p.value if p.value is not None else "",
                "Problem": p.text,
            }
            for p in self.sorted()
        ]
        return pd.DataFrame(rows, columns=["Rodzaj", "Arkusz", "Wiersz", "Kolumna", "Wartość", "Problem"])

    def _repr_html_(self) -> str:
        colour = "#1b5e20" if self.ok else "#b71c1c"
        header = f'<p style="color:{colour};font-weight:bold">{html.escape(self.summary())}</p>'
        if not self.problems:
            return header
        from pzk_kit.tables import table

        return header + table(self.to_frame()).to_html()
