"""Getting raw tables out of a workbook or a folder of CSV files, whatever Excel or another tool produced.

The rest of the kit never sees file formats: it gets :class:`RawTable` objects with cleaned cells and the row
numbers Excel would show. Problems with the files themselves (not found, corrupted, old ``.xls``, unknown
encoding) become Polish messages in the report, never exceptions.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from pzk_kit.cells import normalize_raw
from pzk_kit.spreadsheet_safety import unescape_csv_grid  # '=1+1 written by the kit reads back as =1+1
from pzk_kit.validation import ValidationReport

CSV_ENCODINGS = ("utf-8-sig", "cp1250")
CSV_DELIMITERS = (";", ",", "\t")


@dataclass
class RawTable:
    """One sheet as found: name as the user sees it, cleaned cells, Excel row numbers (1-based).

    ``cells`` holds only non-blank rows; its values are None (empty), str (trimmed), int, float or dates, as
    :func:`pzk_kit.cells.normalize_raw` leaves them. Cleaning is done once per distinct value of a column, which
    keeps large workbooks fast: the same sector or level repeats thousands of times.
    """

    source_name: str
    cells: pd.DataFrame
    row_numbers: np.ndarray

    @property
    def rows(self) -> list[tuple[object, ...]]:
        return self.head(len(self.cells))

    def head(self, n: int) -> list[tuple[object, ...]]:
        """The first ``n`` non-blank rows as tuples (header detection needs only a few)."""
        return list(self.cells.iloc[:n].itertuples(index=False, name=None))

    @classmethod
    def from_grid(cls, name: str, grid: pd.DataFrame, numbers: np.ndarray | None = None) -> RawTable:
        """Clean a raw grid and drop blank rows; ``numbers`` are the rows' Excel numbers (default 1, 2, …)."""
        cleaned = pd.DataFrame({i: _clean_column(grid.iloc[:, i]) for i in range(grid.shape[1])})
        cleaned.columns = range(grid.shape[1])
        numbers = np.arange(1, len(grid) + 1) if numbers is None else np.asarray(numbers, dtype=int)
        if cleaned.shape[1]:
            keep = cleaned.notna().any(axis=1).to_numpy()
            cleaned, numbers = cleaned[keep].reset_index(drop=True), numbers[keep]
        else:
            cleaned, numbers = pd.DataFrame(), numbers[:0]
        return cls(name, cleaned, numbers)


def _clean_column(column: pd.Series) -> pd.Series:
    codes, uniques = pd.factorize(column, use_na_sentinel=True)
    cleaned = np.empty(len(uniques) + 1, dtype=object)
    cleaned[:-1] = [normalize_raw(v) for v in uniques]
    cleaned[-1] = None  # code -1 (missing) picks the last slot
    return pd.Series(cleaned[codes], dtype=object)


def load_tables(path: Path, report: ValidationReport) -> list[RawTable]:
    """All tables of a gmina input; problems with the files go to ``report``."""
    if not path.exists():
        report.error(f"Nie znaleziono pliku ani folderu „{path}”. Sprawdź ścieżkę.")
        return []
    if path.is_dir():
        return _load_csv_folder(path, report)
    suffix = path.suffix.lower()
    if suffix in {".xlsx", ".xlsm"}:
        return _load_xlsx(path, report)
    if suffix == ".csv":
        report.error(
            f"„{path.name}” to pojedynczy plik CSV, a gmina to folder z plikami CSV (gmina.csv, partnerzy.csv, …).",
            hint=f"Podaj folder „{path.parent}” zamiast pliku.",
        )
        return []
    if suffix in {".xls", ".ods", ".numbers"}:
        report.error(
            f"Plik „{path.name}” ma format {suffix}, którego zestaw nie czyta.",
            hint="Otwórz go w Excelu lub LibreOffice i zapisz jako „Skoroszyt programu Excel (.xlsx)”.",
        )
        return []
    report.error(
        f"Nie wiem, jak odczytać „{path.name}”.",
        hint="Podaj skoroszyt .xlsx albo folder z plikami CSV (partnerzy.csv, wspolpraca.csv, …).",
    )
    return []


def _load_xlsx(path: Path, report: ValidationReport) -> list[RawTable]:
    import openpyxl  # imported here: the CSV path should not pay for it

    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # zip, XML, deflate, encryption…: any way a file can be damaged
        hint = "Otwórz go w Excelu i zapisz ponownie jako .xlsx (bez hasła)."
        if _is_encrypted(path):
            hint = "Plik jest chroniony hasłem: zapisz go w Excelu bez hasła."
        report.error(f"Nie da się otworzyć skoroszytu „{path.name}” ({type(exc).__name__}).", hint=hint)
        return []
    tables = []
    try:
        for sheet in workbook.worksheets:
            rows = [_excel_row(row) for row in sheet.iter_rows(values_only=True)]
            width = max((len(r) for r in rows), default=0)
            grid = pd.DataFrame([r + (None,) * (width - len(r)) for r in rows], dtype=object)
            tables.append(RawTable.from_grid(sheet.title, grid))
    except Exception as exc:  # a damaged sheet XML must not become a traceback for the user
        report.error(
            f"Skoroszyt „{path.name}” jest uszkodzony i nie da się go odczytać do końca ({type(exc).__name__}).",
            hint="Otwórz go w Excelu i zapisz ponownie jako .xlsx.",
        )
    finally:
        workbook.close()
    return tables


def _excel_row(row: tuple) -> tuple:
    """Booleans as Polish Excel shows them: kept as True they would be taken for 1 (True == 1 in Python)."""
    return tuple("PRAWDA" if v is True else "FAŁSZ" if v is False else v for v in row)


def _is_encrypted(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            return handle.read(8) == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # OLE container: encrypted OOXML
    except OSError:
        return False


def _load_csv_folder(folder: Path, report: ValidationReport) -> list[RawTable]:
    files = sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() == ".csv")
    if not files:
        report.error(
            f"Folder „{folder}” nie zawiera plików CSV.",
            hint="Potrzebne są co najmniej gmina.csv i partnerzy.csv (szablon: pzk template FOLDER/).",
        )
        return []
    return [table for table in (_load_csv(p, report) for p in files) if table is not None]


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Text and encoding of a CSV: UTF-8 (with or without BOM) if it decodes, otherwise Windows-1250."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # Excel's "Unicode text" export
        return data.decode("utf-16", errors="replace"), "utf-16"
    for encoding in CSV_ENCODINGS:
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    return data.decode("cp1250", errors="replace"), "cp1250"


def sniff_delimiter(text: str) -> str:
    """The delimiter that splits the first lines most consistently into the same number of fields.

    Counting separators is not enough: a Polish Excel export uses ``;`` but a multi-valued cell may hold more
    commas than the header has semicolons, and a title line above the header has neither.
    """
    lines = [line for line in text.splitlines() if line.strip()][:20]
    best, best_score = ",", (0, 0)
    for delimiter in CSV_DELIMITERS:
        try:
            widths = [len(row) for row in csv.reader(lines, delimiter=delimiter)]
        except csv.Error:
            continue
        counts: dict[int, int] = {}
        for width in widths:
            if width > 1:
                counts[width] = counts.get(width, 0) + 1
        if not counts:
            continue
        modal = max(counts, key=lambda w: (counts[w], w))
        score = (counts[modal], modal)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _load_csv(path: Path, report: ValidationReport) -> RawTable | None:
    try:
        data = path.read_bytes()
    except OSError as exc:
        report.error(f"Nie da się odczytać pliku „{path.name}” ({exc.strerror or exc}).")
        return None
    text, _encoding = decode_bytes(data)
    text = text.replace("\x00", "")
    delimiter = sniff_delimiter(text)
    grid = _fast_csv_grid(text, delimiter)
    if grid is not None:
        return RawTable.from_grid(path.stem, unescape_csv_grid(grid, text))
    return _careful_csv(path, text, delimiter, report)


def _fast_csv_grid(text: str, delimiter: str) -> pd.DataFrame | None:
    """pandas' C parser, one row per line; None when line numbers could not be trusted (ragged rows,
    cells spanning lines, broken quoting): the careful reader then takes over."""
    if not text.strip():
        return None
    try:
        grid = pd.read_csv(
            io.StringIO(text), sep=delimiter, header=None, dtype=str, keep_default_na=False,
            skip_blank_lines=False, engine="c", quoting=csv.QUOTE_MINIMAL,
        )
    except (pd.errors.ParserError, ValueError, csv.Error):
        return None
    if len(grid) != text.count("\n") + (0 if text.endswith("\n") else 1):
        return None  # a quoted cell spans lines, or pandas skipped something: row numbers would drift
    return grid


def _careful_csv(path: Path, text: str, delimiter: str, report: ValidationReport) -> RawTable:
    """The csv module, record by record: handles ragged rows and multi-line cells, knows where each starts."""
    rows: list[list[str]] = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        # Excel shows one row per record (a cell with a line break stays in its row), and a blank line is an
        # empty record: the record's ordinal is the row number users see.
        rows.extend(reader)
    except csv.Error as exc:
        report.error(
            f"Plik „{path.name}” ma uszkodzoną strukturę CSV w wierszu {reader.line_num} ({exc}).",
            sheet=path.stem, row=reader.line_num,
            hint="Sprawdź, czy cudzysłowy są domknięte, i zapisz plik ponownie z Excela jako CSV.",
        )
    width = max((len(r) for r in rows), default=0)
    padded = [r + [""] * (width - len(r)) for r in rows]  # ragged rows: pandas will not pad them for us
    return RawTable.from_grid(path.stem, unescape_csv_grid(pd.DataFrame(padded, dtype=object), text))
