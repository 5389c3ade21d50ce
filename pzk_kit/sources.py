"""Getting raw tables out of a workbook or a folder of CSV files, whatever Excel or another tool produced.

The rest of the kit never sees file formats: it gets :class:`RawTable` objects with cleaned cells and the row
numbers Excel would show. Problems with the files themselves (not found, corrupted, old ``.xls``, unknown
encoding) become Polish messages in the report, never exceptions.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

from pzk_kit.cells import normalize_raw
from pzk_kit.validation import ValidationReport

CSV_ENCODINGS = ("utf-8-sig", "cp1250")
CSV_DELIMITERS = (";", ",", "\t")


@dataclass
class RawTable:
    """One sheet as found: name as the user sees it, cleaned cells, Excel row numbers (1-based)."""

    source_name: str
    rows: list[tuple[object, ...]]
    row_numbers: list[int]


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
        table = _load_csv(path, report)
        return [table] if table else []
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
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as exc:
        hint = "Otwórz go w Excelu i zapisz ponownie jako .xlsx (bez hasła)."
        if _is_encrypted(path):
            hint = "Plik jest chroniony hasłem: zapisz go w Excelu bez hasła."
        report.error(f"Nie da się otworzyć skoroszytu „{path.name}” ({type(exc).__name__}).", hint=hint)
        return []
    tables = []
    try:
        for sheet in workbook.worksheets:
            rows, numbers = [], []
            for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
                cleaned = tuple(normalize_raw(v) for v in row)
                if any(v is not None for v in cleaned):
                    rows.append(cleaned)
                    numbers.append(number)
            tables.append(RawTable(sheet.title, rows, numbers))
    except Exception as exc:  # a damaged sheet XML must not become a traceback for the user
        report.error(
            f"Skoroszyt „{path.name}” jest uszkodzony i nie da się go odczytać do końca ({type(exc).__name__}).",
            hint="Otwórz go w Excelu i zapisz ponownie jako .xlsx.",
        )
    finally:
        workbook.close()
    return tables


def _is_encrypted(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            return handle.read(8) == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # OLE container: encrypted OOXML
    except OSError:
        return False


def _load_csv_folder(folder: Path, report: ValidationReport) -> list[RawTable]:
    files = sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in {".csv", ".txt"})
    if not files:
        report.error(
            f"Folder „{folder}” nie zawiera plików CSV.",
            hint="Potrzebne są co najmniej gmina.csv i partnerzy.csv (szablon: pzk template FOLDER/).",
        )
        return []
    return [table for table in (_load_csv(p, report) for p in files) if table is not None]


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Text and encoding of a CSV: UTF-8 (with or without BOM) if it decodes, otherwise Windows-1250."""
    for encoding in CSV_ENCODINGS:
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    return data.decode("cp1250", errors="replace"), "cp1250"


def sniff_delimiter(text: str) -> str:
    """The delimiter used in the first non-empty line (the header), counting outside quotes."""
    first = next((line for line in text.splitlines() if line.strip()), "")
    unquoted = "".join(part for i, part in enumerate(first.split('"')) if i % 2 == 0)
    counts = {d: unquoted.count(d) for d in CSV_DELIMITERS}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _load_csv(path: Path, report: ValidationReport) -> RawTable | None:
    try:
        data = path.read_bytes()
    except OSError as exc:
        report.error(f"Nie da się odczytać pliku „{path.name}” ({exc.strerror or exc}).")
        return None
    text, _encoding = decode_bytes(data)
    text = text.replace("\x00", "")
    delimiter = sniff_delimiter(text)
    rows, numbers = [], []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    first_line = 1  # a quoted cell may span lines: the row number is where the record starts
    try:
        for row in reader:
            cleaned = tuple(normalize_raw(v) for v in row)
            if any(v is not None for v in cleaned):
                rows.append(cleaned)
                numbers.append(first_line)
            first_line = reader.line_num + 1
    except csv.Error as exc:
        report.error(
            f"Plik „{path.name}” ma uszkodzoną strukturę CSV w wierszu {reader.line_num} ({exc}).",
            sheet=path.stem, row=reader.line_num,
            hint="Sprawdź, czy cudzysłowy są domknięte, i zapisz plik ponownie z Excela jako CSV.",
        )
    return RawTable(path.stem, rows, numbers)
