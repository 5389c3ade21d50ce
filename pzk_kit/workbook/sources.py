"""Getting raw tables out of a workbook or a folder of CSV files, whatever Excel or another tool produced.

The rest of the kit never sees file formats: it gets :class:`RawTable` objects with cleaned cells and the row
numbers Excel would show, from an ``.xlsx``, an ``.ods`` or an ``.xls`` (the last two, and plain ``.xlsx`` files,
through :mod:`pzk_kit.workbook.calamine_source`). Problems with the files themselves (not found, corrupted, protected
with a password, unknown encoding, too big, a quote that swallows rows, a formula nobody computed) become Polish
messages in the report, never exceptions, and never a silent loss: whatever cannot be read faithfully is said,
with the line or cell. Sizes are checked against :mod:`pzk_kit.workbook.limits` before and while reading, so
memory stays bounded whatever the file declares.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from pzk_kit.spreadsheet_safety import unescape_csv_grid  # '=1+1 written by the kit reads back as =1+1
from pzk_kit.workbook import limits
from pzk_kit.workbook.cells import invisible_controls, normalize_raw
from pzk_kit.workbook.validation import ValidationReport

CSV_ENCODINGS = ("utf-8-sig", "cp1250")
# The workbook formats load_tables reads (the app's upload and the batch's discovery take the same).
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".ods", ".xls")
CSV_DELIMITERS = (";", ",", "\t")


@dataclass
class RawTable:
    """One sheet as found: name as the user sees it, cleaned cells, Excel row numbers (1-based).

    ``cells`` holds only non-blank rows; its values are None (empty), str (trimmed), int, float or dates, as
    :func:`pzk_kit.workbook.cells.normalize_raw` leaves them. Cleaning is done once per distinct value of a
    column, which keeps large workbooks fast: the same sector or level repeats thousands of times.
    """

    source_name: str
    cells: pd.DataFrame
    row_numbers: np.ndarray
    # Cells the cleaning changed in a way worth telling: (kind, Excel row, 0-based column), kind "controls"
    # (invisible control characters removed) or "too_long" (text cut at Excel's limit).
    cell_notes: list[tuple[str, int, int]] = field(default_factory=list)
    # Per column index, when the cleaning already knows them: codes of the cells (-1 = empty, one per row of
    # ``cells``) and the distinct values, as ``pd.factorize`` gives them; reading then does not factorize again.
    factorized: dict[int, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)

    @property
    def rows(self) -> list[tuple[object, ...]]:
        return self.head(len(self.cells))

    def head(self, n: int) -> list[tuple[object, ...]]:
        """The first ``n`` non-blank rows as tuples (header detection needs only a few)."""
        return list(self.cells.iloc[:n].itertuples(index=False, name=None))

    @classmethod
    def from_grid(cls, name: str, grid: pd.DataFrame, numbers: np.ndarray | None = None, *,
                  all_text: bool = False) -> RawTable:
        """Clean a raw grid and drop blank rows; ``numbers`` are the rows' Excel numbers (default 1, 2, …).

        ``all_text``: every cell is a str (a CSV file's grid), so a column whose values are all clean already is
        recognised at once (see :func:`_clean_text_column`).
        """
        numbers = np.arange(1, len(grid) + 1) if numbers is None else np.asarray(numbers, dtype=int)
        notes: list[tuple[str, int, int]] = []
        columns = {}
        factorized: dict[int, tuple[np.ndarray, np.ndarray]] = {}
        keep = np.zeros(len(grid), dtype=bool)
        for i in range(grid.shape[1]):
            columns[i], filled, flagged, factorized[i] = _clean_column(grid.iloc[:, i], all_text)
            keep |= filled
            notes.extend((kind, int(row), i) for kind, positions in flagged.items() for row in numbers[positions])
        if columns:
            cleaned = pd.DataFrame({i: column[keep] for i, column in columns.items()}, dtype=object, copy=False)
            numbers = numbers[keep]
        else:
            cleaned, numbers = pd.DataFrame(), numbers[:0]
        known = {i: (found[0][keep], found[1]) for i, found in factorized.items() if found is not None}
        return cls(name, cleaned, numbers, sorted(notes, key=lambda note: (note[1], note[2])), known)


_Cleaned = tuple[np.ndarray, np.ndarray, dict[str, np.ndarray], tuple[np.ndarray, np.ndarray] | None]


def _clean_column(column: pd.Series, all_text: bool = False) -> _Cleaned:
    """Cleaned cells of one column, which of them are filled, per kind of note the positions of the cells that
    got one, and (when known for free) the cleaned cells factorized: codes and distinct values."""
    codes, found = pd.factorize(column, use_na_sentinel=True)
    uniques = found.tolist()  # plain Python values: iterating a pandas array element by element is slow
    if all_text:
        done = _clean_text_column(codes, uniques)
        if done is not None:
            return done
    cleaned = np.empty(len(uniques) + 1, dtype=object)
    cleaned[:-1] = [_already_clean(v) or normalize_raw(v) for v in uniques]
    cleaned[-1] = None  # code -1 (missing) picks the last slot
    flagged: dict[str, list[int]] = {"controls": [], "too_long": []}
    for k, value in enumerate(uniques):
        if not isinstance(value, str) or (value.isprintable() and len(value) <= limits.MAX_CELL_CHARS):
            continue  # the common case, decided without a regex: invisible controls are never printable
        if invisible_controls(value):
            flagged["controls"].append(k)
        if len(value) > limits.MAX_CELL_CHARS:
            flagged["too_long"].append(k)
            cleaned[k] = cleaned[k][: limits.MAX_CELL_CHARS] if isinstance(cleaned[k], str) else cleaned[k]
    positions = {kind: np.flatnonzero(np.isin(codes, ks)) for kind, ks in flagged.items() if ks}
    filled = np.fromiter((v is not None for v in cleaned), dtype=bool, count=len(cleaned))
    return cleaned[codes], filled[codes], positions, None  # cleaning may merge values: reading factorizes


def _clean_text_column(codes: np.ndarray, uniques: list) -> _Cleaned | None:
    """:func:`_clean_column` for a column of str values that :func:`normalize_raw` would all leave as they are:
    "" is an empty cell, the rest stays. None when any value needs cleaning (then each one is cleaned).

    Decided at C speed on the distinct values: all printable (which rules out controls and every space but " "),
    and, joined with NUL (never in printable text), no double space and no space at a value's start or end.
    """
    try:
        if not all(map(str.isprintable, uniques)):
            return None
        joined = "\0".join(uniques)
    except TypeError:  # not all str after all
        return None
    if "  " in joined or " \0" in joined or "\0 " in joined or joined.startswith(" ") or joined.endswith(" "):
        return None  # a space at a value's edge (substring searches: a regex over the joined text is slow)
    cleaned = np.empty(len(uniques) + 1, dtype=object)
    cleaned[:-1] = uniques
    lengths = np.fromiter(map(len, uniques), dtype=np.int64, count=len(uniques))
    cleaned[:-1][lengths == 0] = None
    cleaned[-1] = None
    filled = np.append(lengths > 0, False)
    positions: dict[str, np.ndarray] = {}
    too_long = np.flatnonzero(lengths > limits.MAX_CELL_CHARS)
    factorized = None
    if len(too_long):  # cut texts may become equal: reading factorizes them itself
        for k in too_long:
            cleaned[k] = cleaned[k][: limits.MAX_CELL_CHARS]
        positions["too_long"] = np.flatnonzero(np.isin(codes, too_long))
    else:  # distinct texts stay distinct; only "" (an empty cell) leaves the distinct values, its code becomes -1
        remap = np.cumsum(np.append(lengths > 0, False)) - 1
        remap[~filled] = -1
        factorized = (remap[codes], cleaned[:-1][lengths > 0])
    return cleaned[codes], filled[codes], positions, factorized



def _already_clean(value: object) -> object:
    """A text :func:`normalize_raw` would return unchanged, or None (then it is asked): Polish text is mostly
    that, and this check costs no regex. Printable rules out control characters and every space but " "."""
    if isinstance(value, str) and value and value.isprintable() and value.strip() == value and "  " not in value:
        return value
    return None


def column_letter(index: int) -> str:
    """Excel's name of a 1-based column (1 → A, 27 → AA); used where a sheet's header is not known yet."""
    letters = ""
    while index > 0:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _column_name(table: RawTable, row: int, column: int) -> str:
    """The header a user typed above a cell (``nazwa (I)``), or the bare letter when there is none yet.

    Header detection proper happens later, in reading; the first non-blank row is the header in every template
    the kit writes, and naming it is what lets a user find the cell without counting letters.
    """
    letter = column_letter(column + 1)
    if table.cells.empty or row <= int(table.row_numbers[0]) or column >= table.cells.shape[1]:
        return letter
    header = table.cells.iat[0, column]
    return f"{header} ({letter})" if isinstance(header, str) and header else letter


def _report_cell_notes(table: RawTable, report: ValidationReport) -> None:
    for kind, row, column in table.cell_notes:
        where = {"sheet": table.source_name, "row": row, "column": _column_name(table, row, column)}
        if kind == "controls":
            report.warning(
                "Usunięto niewidoczne znaki sterujące (np. z kopiowania z terminala lub strony WWW).", **where,
                hint="Dane są czytane bez nich; popraw komórkę, jeśli tekst miał wyglądać inaczej.",
            )
        else:
            report.error(
                f"Komórka ma więcej niż {limits.polish_number(limits.MAX_CELL_CHARS)} znaków — tyle mieści "
                "komórka Excela i tyle najwyżej czyta zestaw.", **where,
                hint="Skróć tekst (opis usługi wystarczy w kilku zdaniach).",
            )


def load_tables(path: Path, report: ValidationReport) -> list[RawTable]:
    """All tables of a gmina input; problems with the files go to ``report``."""
    if not path.exists():
        report.error(f"Nie znaleziono pliku ani folderu „{path}”. Sprawdź ścieżkę.")
        return []
    if path.is_dir():
        return _with_notes(_load_csv_folder(path, report), report)
    suffix = path.suffix.lower()
    if suffix in {".xlsx", ".xlsm"} or (suffix in {".ods", ".xls"} and _is_ooxml(path)):
        return _with_notes(_load_xlsx(path, report), report)  # an .xlsx renamed: openpyxl's capped reading
    if suffix in {".ods", ".xls"}:
        from pzk_kit.workbook import calamine_source

        return _with_notes(calamine_source.load(path, report), report)
    if suffix == ".csv":
        report.error(
            f"„{path.name}” to pojedynczy plik CSV, a gmina to folder z plikami CSV (gmina.csv, partnerzy.csv, …).",
            hint=f"Podaj folder „{path.parent}” zamiast pliku.",
        )
        return []
    if suffix == ".numbers":
        report.error(
            f"Plik „{path.name}” ma format {suffix}, którego zestaw nie czyta.",
            hint="Otwórz go w programie Numbers, wybierz Plik → Eksportuj do → Excel i podaj plik .xlsx.",
        )
        return []
    report.error(
        f"Nie wiem, jak odczytać „{path.name}”.",
        hint="Podaj skoroszyt (.xlsx, .ods lub .xls) albo folder z plikami CSV (partnerzy.csv, wspolpraca.csv, …).",
    )
    return []


def _is_ooxml(path: Path) -> bool:
    """An Excel 2007+ workbook whatever its name says: read by the capped openpyxl reader, never by calamine,
    which would build a sheet as one dense block from its first to its last cell (A1 and XFD1048576: 17 billion)."""
    try:
        with zipfile.ZipFile(path) as archive:
            return "xl/workbook.xml" in archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return False


def load_csv_file(path: Path, report: ValidationReport) -> RawTable | None:
    """One CSV file on its own (an online survey's export, not a gmina's folder), read with the same lenient rules
    and limits as a gmina's CSV files; problems go to ``report`` and None means nothing usable was read."""
    try:
        table = _load_csv(path, report)
    except _OverLimit:
        return None
    if table is not None:
        _report_cell_notes(table, report)
    return table


def _with_notes(tables: list[RawTable], report: ValidationReport) -> list[RawTable]:
    for table in tables:
        _report_cell_notes(table, report)
    return tables


def _load_xlsx(path: Path, report: ValidationReport) -> list[RawTable]:
    import openpyxl  # imported here: the CSV path should not pay for it

    if not workbook_size_ok(path, report):
        return []
    from pzk_kit.workbook import calamine_source

    fast = calamine_source.load_plain_xlsx(path, report)  # the common, plain workbook: same tables, far faster
    if fast is not None:
        return fast
    # openpyxl goes by the name: an .xlsx saved as .ods or .xls is handed over as bytes (within the size limit).
    source = path if path.suffix.lower() in {".xlsx", ".xlsm"} else io.BytesIO(path.read_bytes())
    try:
        workbook = openpyxl.load_workbook(source, read_only=True, data_only=True)
    except Exception:  # zip, XML, deflate, encryption…: any way a file can be damaged
        if calamine_source.opens(path):  # an .xls or .ods saved under the name .xlsx: read it as what it is
            return calamine_source.load(path, report)
        message, hint = why_unreadable(path)
        report.error(message, hint=hint)
        return []
    tables = []
    budget = _CellBudget()
    reading = ""
    try:
        if len(workbook.worksheets) > limits.MAX_SHEETS:
            report_too_many_sheets(path, len(workbook.worksheets), report)
            return []
        for sheet in workbook.worksheets:
            reading = sheet.title
            table = _read_sheet(workbook, sheet, budget, report)
            if table is None:
                return []  # over a limit: the message says which; nothing half-read goes on
            tables.append(table)
    except Exception:  # a damaged sheet XML must not become a traceback for the user
        where = f" (arkusz „{reading}”)" if reading else ""
        report.error(
            f"Skoroszyt „{path.name}” jest uszkodzony i nie da się go odczytać do końca{where}.",
            hint="Jeśli plik był kopiowany lub pobierany, zrób to jeszcze raz; jeśli to nie pomoże, otwórz go w "
                 "Excelu i zapisz ponownie jako .xlsx.",
        )
    finally:
        workbook.close()
    return tables


def report_too_many_sheets(path: Path, n_sheets: int, report: ValidationReport) -> None:
    report.error(
        f"Skoroszyt „{path.name}” ma {n_sheets} arkuszy — zestaw czyta najwyżej {limits.MAX_SHEETS}.",
        hint="Usuń zbędne arkusze (potrzebne są: gmina, partnerzy, wspolpraca, …).",
    )


def workbook_size_ok(path: Path, report: ValidationReport) -> bool:
    """Refuse, before any XML is parsed, a workbook whose parts unpack to more than the limits allow.

    The sizes come from the zip directory; they may lie, but :mod:`zipfile` never inflates a part beyond its
    declared size (a part that does fails its CRC check and reads as damaged), so they bound what openpyxl reads.
    A file that is not a zip at all is left to openpyxl, whose failure is reported as a damaged workbook.
    """
    size = path.stat().st_size
    if size > limits.MAX_FILE_BYTES:
        report.error(
            f"Skoroszyt „{path.name}” zajmuje {limits.size_text(size)} — zestaw czyta pliki do "
            f"{limits.size_text(limits.MAX_FILE_BYTES)}.",
            hint="Usuń zbędne arkusze, obrazy i formatowanie albo zapisz dane jako pliki CSV.",
        )
        return False
    try:
        with zipfile.ZipFile(path) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return True
    total = sum(p.file_size for p in parts)
    too_big = "To znacznie więcej, niż potrzebuje jakikolwiek PZK."
    fix = ("Skopiuj same dane do nowego, pustego skoroszytu i zapisz go, albo zapisz arkusze jako pliki CSV.")
    if total > limits.MAX_UNCOMPRESSED_BYTES:
        report.error(
            f"Skoroszyt „{path.name}” po rozpakowaniu zajmuje {limits.size_text(total)} — zestaw czyta najwyżej "
            f"{limits.size_text(limits.MAX_UNCOMPRESSED_BYTES)}. {too_big}", hint=fix,
        )
        return False
    for part in parts:
        if part.filename.lower().endswith("sharedstrings.xml") and part.file_size > limits.MAX_SHARED_STRINGS_BYTES:
            report.error(
                f"Teksty skoroszytu „{path.name}” po rozpakowaniu zajmują {limits.size_text(part.file_size)} — "
                f"zestaw czyta najwyżej {limits.size_text(limits.MAX_SHARED_STRINGS_BYTES)}. {too_big}", hint=fix,
            )
            return False
        ratio = part.file_size / max(part.compress_size, 1)
        if part.file_size > limits.COMPRESSION_RATIO_FLOOR and ratio > limits.MAX_COMPRESSION_RATIO:
            report.error(
                f"Część „{part.filename}” skoroszytu „{path.name}” jest skompresowana {ratio:.0f}-krotnie "
                f"(z {limits.size_text(part.compress_size)} do {limits.size_text(part.file_size)}) — zwykły "
                f"arkusz kompresuje się najwyżej kilkudziesięciokrotnie (dozwolone {limits.MAX_COMPRESSION_RATIO}×), "
                "więc plik nie zostanie odczytany.", hint=fix,
            )
            return False
    return True


class _OverLimit(Exception):
    """A CSV file over a size limit (already reported): the whole folder is left unread."""


class _RowTooWide(Exception):
    """A row element with more cells than Excel has columns: (row number, cells)."""


_EXCEL_MAX_COLUMNS = 16_384


class _CellBudget:
    """Cells read so far in the whole input: each sheet's filled rows × its widest row."""

    def __init__(self) -> None:
        self.used = 0

    def exceeded(self, rows: int, width: int) -> bool:
        return self.used + rows * width > limits.MAX_CELLS


_FORMULA_REPORTS_PER_SHEET = 20
UNCOMPUTED_FORMULA = ("Komórka zawiera formułę bez obliczonej wartości — otwórz plik w Excelu i zapisz go ponownie "
                      "albo wpisz wartość.")


def _read_sheet(workbook, sheet, budget: _CellBudget, report: ValidationReport) -> RawTable | None:
    try:
        return _read_sheet_cells(workbook, sheet, budget, report)
    except _RowTooWide as exc:
        row_number, n_cells = exc.args
        report.error(
            f"Wiersz {limits.polish_number(row_number)} arkusza „{sheet.title}” ma {limits.polish_number(n_cells)} "
            f"komórek — arkusz może mieć najwyżej {limits.MAX_COLUMNS} kolumn.", sheet=sheet.title, row=row_number,
            hint="Plik nie pochodzi z Excela albo jest uszkodzony: skopiuj same dane do nowego skoroszytu.",
        )
        return None


def _read_sheet_cells(workbook, sheet, budget: _CellBudget, report: ValidationReport) -> RawTable | None:
    """One sheet's filled rows, from the cells really present in its XML (not the declared dimension).

    openpyxl's read-only rows are padded to the dimension the file declares (``A1:XFD1048576`` in 33 KB means
    17 billion cells); the sheet parser gives the cells as stored, so rows, columns and cells are counted and
    capped as they come. A formula saved without its result (a tool that does not calculate wrote the file)
    reads as an empty cell: it is reported, never silently dropped. None when a limit is exceeded.
    """
    return collect_rows(sheet.title, _openpyxl_rows(workbook, sheet), budget, report)


def _openpyxl_rows(workbook, sheet) -> Iterator[tuple[int, dict[int, object], list[int]]]:
    for row_number, cells in _sheet_cells(workbook, sheet):
        values: dict[int, object] = {}
        no_result: list[int] = []
        for cell in cells:
            if cell["value"] is not None:
                values[cell["column"]] = cell["value"]
            elif cell["no_result"]:
                no_result.append(cell["column"])
        yield row_number, values, no_result


def collect_rows(title: str, sheet_rows: Iterator[tuple[int, dict[int, object], list[int]]], budget: _CellBudget,
                 report: ValidationReport) -> RawTable | None:
    """A sheet's rows, counted and capped as they come, whichever reader gives them; None over a limit.

    ``sheet_rows`` yields (Excel row, {1-based column: value} of the filled cells, columns of formulas saved
    without a result); the limits and their messages are the same for .xlsx, .ods and .xls.
    """
    rows: list[tuple] = []
    numbers: list[int] = []
    width = 0
    uncomputed: list[tuple[int, int]] = []  # the first few places; all of them are only counted
    n_uncomputed = 0
    for row_number, values, no_result in sheet_rows:
        for column in no_result:
            n_uncomputed += 1
            if n_uncomputed <= _FORMULA_REPORTS_PER_SHEET:
                uncomputed.append((row_number, column))
        if not values:
            continue
        last = max(values)
        if last > limits.MAX_COLUMNS:
            report.error(
                f"Arkusz „{title}” ma dane w kolumnie {column_letter(last)} — arkusz może mieć najwyżej "
                f"{limits.MAX_COLUMNS} kolumn (do kolumny {column_letter(limits.MAX_COLUMNS)}).",
                sheet=title, row=row_number, column=column_letter(last),
                hint=f"Usuń zawartość komórek na prawo od kolumny {column_letter(limits.MAX_COLUMNS)}.",
            )
            return None
        if row_number > limits.MAX_ROWS:
            report.error(
                f"Arkusz „{title}” ma dane w wierszu {limits.polish_number(row_number)} — arkusz może mieć "
                f"najwyżej {limits.polish_number(limits.MAX_ROWS)} wierszy.", sheet=title, row=row_number,
                hint="Usuń zbędne wiersze poniżej danych (albo podziel dane na kilka gmin).",
            )
            return None
        width = max(width, last)
        if budget.exceeded(len(rows) + 1, width):
            report.error(
                f"Skoroszyt ma za dużo komórek: w arkuszu „{title}” do wiersza {limits.polish_number(row_number)} "
                f"przekroczono {limits.polish_number(limits.MAX_CELLS)} komórek (wiersze × kolumny wszystkich "
                "arkuszy) — tyle najwyżej czyta zestaw.", sheet=title, row=row_number,
                hint="Usuń zbędne wiersze i kolumny (także puste, ale sformatowane) albo zapisz dane jako CSV.",
            )
            return None
        rows.append(_excel_row(tuple(values.get(c) for c in range(1, last + 1))))
        numbers.append(row_number)
    budget.used += len(rows) * width
    for row_number, column in uncomputed:
        report.error(UNCOMPUTED_FORMULA, sheet=title, row=row_number, column=column_letter(column),
                     hint="Zestaw czyta wyniki formuł zapisane przez Excel; ten plik zapisał program, który ich "
                          "nie oblicza.")
    if n_uncomputed > _FORMULA_REPORTS_PER_SHEET:
        report.error(
            f"… i jeszcze {n_uncomputed - _FORMULA_REPORTS_PER_SHEET} komórek arkusza „{title}” z formułą bez "
            "obliczonej wartości.", sheet=title,
            hint="Otwórz plik w Excelu i zapisz go ponownie: Excel obliczy i zapisze wszystkie wartości.",
        )
    grid = pd.DataFrame([r + (None,) * (width - len(r)) for r in rows], dtype=object)
    return RawTable.from_grid(title, grid, np.asarray(numbers, dtype=int))


def _sheet_cells(workbook, sheet) -> Iterator[tuple[int, list[dict]]]:
    """(Excel row, its cells as openpyxl's parser gives them, plus ``no_result``) for every row of the sheet's XML.

    Uses the parser openpyxl's read-only sheets use themselves (same dates, shared strings, errors), without the
    padding to the declared dimension.
    """
    from openpyxl.worksheet._reader import FORMULA_TAG, VALUE_TAG, WorkSheetParser

    class _Parser(WorkSheetParser):
        def parse_row(self, row):
            if len(row) > _EXCEL_MAX_COLUMNS:  # no sheet Excel writes: refused before a dict per cell is made
                raise _RowTooWide(int(row.get("r") or self.row_counter + 1), len(row))
            return super().parse_row(row)

        def parse_cell(self, element):
            cell = super().parse_cell(element)
            # data_only drops the formula. No result: no <v>, or an empty <v/> in a cell not typed as text
            # (openpyxl writes that); Excel's empty text result is t="str" with <v></v>, a real "".
            cell["no_result"] = (cell["value"] is None and element.find(FORMULA_TAG) is not None
                                 and (element.find(VALUE_TAG) is None or element.get("t") != "str"))
            return cell

    with workbook._archive.open(sheet._worksheet_path) as source:
        parser = _Parser(source, sheet._shared_strings, data_only=True, epoch=workbook.epoch,
                         date_formats=workbook._date_formats, timedelta_formats=workbook._timedelta_formats)
        yield from parser.parse()


def _excel_row(row: tuple) -> tuple:
    """Booleans as Polish Excel shows them: kept as True they would be taken for 1 (True == 1 in Python)."""
    return tuple("PRAWDA" if v is True else "FAŁSZ" if v is False else v for v in row)


_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # an OLE container: an old .xls, or a password-protected .xlsx
_SAVE_AS_XLSX = "Otwórz go w Excelu lub LibreOffice i zapisz jako „Skoroszyt programu Excel (.xlsx)”."


def why_unreadable(path: Path) -> tuple[str, str]:
    """Why openpyxl could not open ``path``, in words a workshop participant can act on (message, hint).

    The exception openpyxl raises (BadZipFile, KeyError, XML errors…) names a symptom, not the cause, so the file's
    first bytes are looked at instead: what a user most often hands in is a CSV or text file renamed to .xlsx, an
    old .xls, a file protected with a password, another document type, or a copy cut short.
    """
    try:
        with path.open("rb") as handle:
            head = handle.read(4096)
    except OSError:
        head = b""
    name = f"„{path.name}”"
    if not head:
        return (f"Plik {name} jest pusty (0 bajtów) — to nie jest skoroszyt.",
                "Zapisz dane w Excelu jeszcze raz jako .xlsx; jeśli plik przyszedł pocztą lub z dysku w sieci, "
                "pobierz go ponownie.")
    if head.startswith(_OLE):
        names = _ole_names(path)
        old_xls = b"W\x00o\x00r\x00k\x00b\x00o\x00o\x00k\x00" in names or b"B\x00o\x00o\x00k\x00\x00" in names
        if b"E\x00n\x00c\x00r\x00y\x00p\x00t\x00i\x00o\x00n\x00" in names or not old_xls:
            return (f"Skoroszyt {name} jest chroniony hasłem, więc zestaw nie może go odczytać.",
                    "Otwórz go w Excelu, usuń hasło (Plik → Informacje → Chroń skoroszyt) i zapisz ponownie.")
        return (f"Plik {name} to skoroszyt w starym formacie Excela 97–2003 (.xls), choć ma rozszerzenie "
                f"{path.suffix}.", _SAVE_AS_XLSX)
    if head.startswith(b"PK"):
        try:
            with zipfile.ZipFile(path) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, OSError, ValueError, EOFError):
            return (f"Plik {name} jest niekompletny albo uszkodzony (np. przerwane kopiowanie lub pobieranie) — "
                    f"nie jest poprawnym skoroszytem .xlsx.",
                    "Skopiuj lub pobierz go jeszcze raz; jeśli to nie pomoże, otwórz oryginał w Excelu i zapisz "
                    "ponownie jako .xlsx.")
        if "xl/workbook.xml" not in names:
            kind = ("dokument Worda" if "word/document.xml" in names else
                    "plik LibreOffice (.ods)" if "content.xml" in names else "archiwum ZIP")
            hint = (_SAVE_AS_XLSX if kind.startswith("plik LibreOffice") else "Sprawdź, czy to właściwy plik: "
                    "potrzebny jest skoroszyt gminy zapisany w Excelu jako .xlsx (pusty wzór: pzk template).")
            return f"Plik {name} to {kind}, a nie skoroszyt Excela (.xlsx).", hint
        return (f"Skoroszyt {name} jest uszkodzony — jego części nie dają się odczytać.",
                "Otwórz go w Excelu (zaproponuje naprawę) i zapisz ponownie jako .xlsx.")
    if _looks_like_text(head):
        kind = "stroną HTML" if head.lstrip().lower().startswith((b"<!doctype html", b"<html", b"<table")) else (
            "plikiem tekstowym (np. CSV lub TXT)")
        return (f"Plik {name} jest {kind} z rozszerzeniem {path.suffix}, a nie skoroszytem — czy zapisano go w "
                f"Excelu jako .xlsx?", _SAVE_AS_XLSX + " Dane w CSV podaj jako folder z plikami CSV (gmina.csv, "
                "partnerzy.csv, …).")
    return (f"Plik {name} nie jest poprawnym skoroszytem .xlsx — czy zapisano go w Excelu jako .xlsx?",
            _SAVE_AS_XLSX)


def _ole_names(path: Path) -> bytes:
    """The OLE container, where a password-protected workbook lists its ``EncryptionInfo`` stream.

    Read whole: the size was checked against the limit before openpyxl was asked, and the directory may sit anywhere.
    """
    try:
        return path.read_bytes()
    except OSError:
        return b""


def _looks_like_text(head: bytes) -> bool:
    """CSV, TXT or HTML renamed to .xlsx: the first bytes decode as text with (almost) only printable characters."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        encodings: tuple[str, ...] = ("utf-16",)
    elif b"\x00" in head:
        return False
    else:
        encodings = ("utf-8", "cp1250")
    for encoding in encodings:
        try:  # incremental: the sample may end inside a multi-byte character
            sample = codecs.getincrementaldecoder(encoding)().decode(head)
        except UnicodeDecodeError:
            continue
        return bool(sample) and sum(ch.isprintable() or ch in "\r\n\t" for ch in sample) >= 0.95 * len(sample)
    return False
    for encoding in ("utf-8", "utf-16", "cp1250"):
        try:
            sample = head.decode(encoding)
        except UnicodeDecodeError:
            continue
        printable = sum(ch.isprintable() or ch in "\r\n\t" for ch in sample)
        return printable >= 0.95 * len(sample)
    return False


def _load_csv_folder(folder: Path, report: ValidationReport) -> list[RawTable]:
    files = sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() == ".csv")
    if not files:
        report.error(
            f"Folder „{folder}” nie zawiera plików CSV.",
            hint="Potrzebne są co najmniej gmina.csv i partnerzy.csv (szablon: pzk template FOLDER/).",
        )
        return []
    budget = _CellBudget()
    try:
        return [table for table in (_load_csv(p, report, budget) for p in files) if table is not None]
    except _OverLimit:
        return []  # the message says which file and limit; the rest would only add noise about missing sheets


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Text and encoding of a CSV: UTF-8 (with or without BOM) if it decodes, otherwise Windows-1250."""
    text, encoding, _problem = decode_csv(data)
    return text, encoding


@dataclass(frozen=True)
class EncodingProblem:
    """Where a file meant as UTF-8 stops being UTF-8: the first line, what is there, how many places."""

    line: int
    byte: int
    places: int
    cp1250_letter: str | None  # the byte read as Windows-1250, when it is a Polish letter: mixed encodings


_POLISH_LETTERS = set("ąćęłńóśźżĄĆĘŁŃÓŚŹŻ")


def decode_csv(data: bytes) -> tuple[str, str, EncodingProblem | None]:
    """Text, encoding and, for a file meant as UTF-8 that is not valid UTF-8, where it breaks.

    A file is taken for Windows-1250 only when nothing says it is UTF-8: decoding a mostly UTF-8 file with one
    stray byte as Windows-1250 would silently turn every Polish letter into two wrong ones, and one with a BOM
    would lose its first header to the BOM's three characters. Such a file (a BOM, or more valid UTF-8 letters
    than invalid bytes) is read as UTF-8, the broken places shown as „�”, and the problem returned to be said.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # Excel's "Unicode text" export
        return data.decode("utf-16", errors="replace"), "utf-16", None
    try:
        return data.decode("utf-8-sig"), "utf-8-sig", None
    except UnicodeDecodeError as exc:
        first_bad = exc.start + (3 if data.startswith(b"\xef\xbb\xbf") else 0)  # utf-8-sig counts after the BOM
    if not data.startswith(b"\xef\xbb\xbf") and _surely_legacy(data):
        return data.decode("cp1250", errors="replace"), "cp1250", None  # what the count below would decide
    text = data.decode("utf-8-sig", errors="replace")
    invalid = text.count("\ufffd")  # about one per invalid byte
    # Valid non-ASCII characters: an ASCII byte always decodes to itself and nothing else decodes to ASCII, so
    # the ASCII characters are counted on the bytes (far faster than encoding the text back).
    ascii_chars = int(np.count_nonzero(np.frombuffer(data, dtype=np.uint8) < 0x80))
    letters = len(text) - ascii_chars - invalid
    if not data.startswith(b"\xef\xbb\xbf") and letters <= invalid:
        return data.decode("cp1250", errors="replace"), "cp1250", None
    letter = bytes([data[first_bad]]).decode("cp1250", errors="replace")
    problem = EncodingProblem(
        line=data.count(b"\n", 0, first_bad) + 1, byte=data[first_bad],
        places=text.count("\ufffd"), cp1250_letter=letter if letter in _POLISH_LETTERS else None,
    )
    return text, "utf-8-sig", problem


def _surely_legacy(data: bytes) -> bool:
    """Whether :func:`decode_csv`'s count (valid UTF-8 letters <= invalid places) is sure to choose Windows-1250,
    told from the bytes alone, without decoding a large file twice.

    A valid UTF-8 letter starts with a lead byte (C2–F4) followed by a continuation byte (80–BF), so such pairs
    bound the letters from above; a non-ASCII byte between two ASCII ones is always one invalid place, so those
    bound the invalid places from below. A Polish Windows-1250 text is nearly all such lone bytes; whenever the
    bounds do not decide, the exact count is made.
    """
    raw = np.frombuffer(data, dtype=np.uint8)
    high = raw >= 0x80
    lone = high.copy()
    lone[1:] &= ~high[:-1]
    lone[:-1] &= ~high[1:]
    pairs = np.count_nonzero((raw[:-1] >= 0xC2) & (raw[:-1] <= 0xF4) & (raw[1:] >= 0x80) & (raw[1:] <= 0xBF))
    return pairs <= np.count_nonzero(lone)


def _report_encoding(path: Path, problem: EncodingProblem, report: ValidationReport) -> None:
    where = f"linia {problem.line}" + (f" (i jeszcze {problem.places - 1} miejsc)" if problem.places > 1 else "")
    if problem.cp1250_letter:
        message = (f"Plik „{path.name}” ma pomieszane kodowania: jest zapisany w UTF-8, ale {where} zawiera znaki "
                   f"w kodowaniu Windows-1250 (np. „{problem.cp1250_letter}”) — takie znaki pokazano jako „�”.")
    else:
        message = (f"Plik „{path.name}” jest zapisany w UTF-8, ale {where} zawiera bajt 0x{problem.byte:02X}, który "
                   "nie jest znakiem UTF-8 — takie znaki pokazano jako „�”.")
    report.error(
        message, sheet=path.stem, row=problem.line,
        hint="Popraw te znaki i zapisz plik w jednym kodowaniu: w Excelu „Zapisz jako” → „CSV UTF-8 (rozdzielany "
             "przecinkami)”, w Notatniku „Zapisz jako” → Kodowanie: UTF-8.",
    )


@contextlib.contextmanager
def _csv_field_limit() -> Iterator[None]:
    """The csv module refuses fields over 128 KB with an English error; bounded by the file size anyway, a long
    field is let through so that it gets the kit's own message about Excel's cell limit."""
    previous = csv.field_size_limit()
    csv.field_size_limit(max(previous, limits.MAX_FILE_BYTES))
    try:
        yield
    finally:
        csv.field_size_limit(previous)


def _csv_error_text(exc: csv.Error) -> str:
    """The csv module's English complaint as a Polish aside (empty when there is nothing to add)."""
    text = str(exc).lower()
    if "new-line character" in text:
        return " (znak końca wiersza w środku komórki bez cudzysłowu)"
    if "nul" in text:
        return " (znak NUL — to raczej nie jest plik tekstowy)"
    if "field larger" in text:
        return " (za długa komórka)"
    return ""


def _first_lines(text: str, count: int) -> list[str]:
    """``[line for line in text.splitlines() if line.strip()][:count]`` without splitting a whole large file:
    growing prefixes are split instead, their last (maybe cut) line left out until the prefix is the text."""
    size = 1 << 16
    while True:
        whole = size >= len(text)
        lines = text[:size].splitlines() if not whole else text.splitlines()
        if not whole:
            lines.pop()  # may be cut by the prefix (a complete line is only dropped, never changed)
        filled = [line for line in lines if line.strip()]
        if whole or len(filled) >= count:
            return filled[:count]
        size *= 4


def sniff_delimiter(text: str) -> str:
    """The delimiter that splits the first lines most consistently into the same number of fields.

    Counting separators is not enough: a Polish Excel export uses ``;`` but a multi-valued cell may hold more
    commas than the header has semicolons, and a title line above the header has neither.
    """
    lines = _first_lines(text, 20)
    best, best_score = ",", (0, 0)
    for delimiter in CSV_DELIMITERS:
        try:
            with _csv_field_limit():
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


def _load_csv(path: Path, report: ValidationReport, budget: _CellBudget | None = None) -> RawTable | None:
    try:
        size = path.stat().st_size
        if size > limits.MAX_FILE_BYTES:
            report.error(
                f"Plik „{path.name}” zajmuje {limits.size_text(size)} — zestaw czyta pliki CSV do "
                f"{limits.size_text(limits.MAX_FILE_BYTES)}.", sheet=path.stem,
                hint="Usuń zbędne wiersze i kolumny; tyle danych nie ma żaden PZK.",
            )
            raise _OverLimit
        data = path.read_bytes()
    except OSError as exc:
        from pzk_kit.files import describe_os_error

        report.error(f"Nie da się odczytać pliku „{path.name}”: {describe_os_error(exc)}.")
        return None
    text, _encoding, problem = decode_csv(data)
    if problem is not None:
        _report_encoding(path, problem, report)
    text = text.replace("\x00", "")
    delimiter = sniff_delimiter(text)
    breaks = _check_csv_size(path, text, delimiter, budget or _CellBudget(), report)
    grid = _fast_csv_grid(text, delimiter, breaks)
    if grid is not None:
        _check_csv_width(path, grid.shape[1], 1, report)
        return RawTable.from_grid(path.stem, unescape_csv_grid(grid, text), all_text=True)
    return _careful_csv(path, text, delimiter, report)


def _check_csv_size(path: Path, text: str, delimiter: str, budget: _CellBudget, report: ValidationReport) -> int:
    """Lines and fields counted on the text before any parsing: an upper bound of what the grid will hold.
    Returns the number of line breaks (the fast reader checks its rows against it)."""
    lines = text.count("\n") + 1
    if lines > limits.MAX_ROWS + 1:  # +1: the line break after the last row
        report.error(
            f"Plik „{path.name}” ma {limits.polish_number(lines)} wierszy — zestaw czyta najwyżej "
            f"{limits.polish_number(limits.MAX_ROWS)} wierszy w pliku.", sheet=path.stem,
            hint="Usuń zbędne wiersze (albo podziel dane na kilka gmin).",
        )
        raise _OverLimit
    fields = text.count(delimiter) + lines
    if budget.exceeded(fields, 1):
        report.error(
            f"Plik „{path.name}” ma za dużo komórek: z poprzednimi plikami ponad "
            f"{limits.polish_number(limits.MAX_CELLS)} — tyle najwyżej czyta zestaw.", sheet=path.stem,
            hint="Usuń zbędne wiersze i kolumny.",
        )
        raise _OverLimit
    budget.used += fields
    return lines - 1


def _check_csv_width(path: Path, width: int, row: int, report: ValidationReport) -> None:
    if width <= limits.MAX_COLUMNS:
        return
    report.error(
        f"Plik „{path.name}” ma {width} kolumn — zestaw czyta najwyżej {limits.MAX_COLUMNS} kolumn.",
        sheet=path.stem, row=row, column=column_letter(limits.MAX_COLUMNS + 1),
        hint="Sprawdź separator (średnik lub przecinek) i usuń zbędne kolumny.",
    )
    raise _OverLimit


def _fast_csv_grid(text: str, delimiter: str, breaks: int | None = None) -> pd.DataFrame | None:
    """pandas' C parser, one row per line; None when line numbers could not be trusted (ragged rows,
    cells spanning lines, broken quoting): the careful reader then takes over."""
    if not text.strip():
        return None
    try:
        grid = pd.read_csv(
            io.StringIO(text), sep=delimiter, header=None, dtype=object, keep_default_na=False,
            skip_blank_lines=False, engine="c", quoting=csv.QUOTE_MINIMAL, na_filter=False,  # nothing is NA: faster
        )
    except (pd.errors.ParserError, ValueError, csv.Error):
        return None
    breaks = text.count("\n") if breaks is None else breaks
    if len(grid) != breaks + (0 if text.endswith("\n") else 1):
        return None  # a quoted cell spans lines, or pandas skipped something: row numbers would drift
    return grid


def _careful_csv(path: Path, text: str, delimiter: str, report: ValidationReport) -> RawTable:
    """The csv module, record by record: handles ragged rows and multi-line cells, knows where each starts.

    A cell may hold line breaks (Excel quotes it), but a stray quote at the start of a cell does the same to
    every following line until the next quote: those rows vanish into one cell without a word. A record that
    spans lines is accepted when it looks like a row with a multi-line cell (as many fields as the file's rows,
    no delimiter inside the extra lines); otherwise it is reported with the lines it swallowed.
    """
    rows: list[list[str]] = []
    spans: list[tuple[int, int]] = []  # first and last physical line of each record
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        # Excel shows one row per record (a cell with a line break stays in its row), and a blank line is an
        # empty record: the record's ordinal is the row number users see.
        with _csv_field_limit():
            for row in reader:
                spans.append((spans[-1][1] + 1 if spans else 1, reader.line_num))
                rows.append(row)
    except csv.Error as exc:
        report.error(
            f"Plik „{path.name}” ma uszkodzoną strukturę CSV w wierszu {reader.line_num}{_csv_error_text(exc)}.",
            sheet=path.stem, row=reader.line_num,
            hint="Sprawdź, czy cudzysłowy są domknięte, i zapisz plik ponownie z Excela jako CSV.",
        )
    width = max((len(r) for r in rows), default=0)
    _check_csv_width(path, width, 1 + next((i for i, r in enumerate(rows) if len(r) == width), 0), report)
    _report_swallowed_lines(path, rows, spans, delimiter, report)
    padded = [r + [""] * (width - len(r)) for r in rows]  # ragged rows: pandas will not pad them for us
    return RawTable.from_grid(path.stem, unescape_csv_grid(pd.DataFrame(padded, dtype=object), text))


def _report_swallowed_lines(path: Path, rows: list[list[str]], spans: list[tuple[int, int]], delimiter: str,
                            report: ValidationReport) -> None:
    single = [len(r) for r, (first, last) in zip(rows, spans, strict=True) if first == last and len(r) > 1]
    usual = max(set(single), key=single.count) if single else None
    for number, (row, (first, last)) in enumerate(zip(rows, spans, strict=True), start=1):
        if first == last:
            continue
        extra_lines = [line for cell in row for line in cell.split("\n")[1:]]
        if len(row) == usual and not any(delimiter in line for line in extra_lines):
            continue  # a genuine multi-line cell
        to_end = last == spans[-1][1] and number == len(rows)
        report.error(
            f"Cudzysłów otwarty w linii {first} pliku „{path.name}” zamyka się dopiero w linii {last}"
            + (" (albo wcale)" if to_end else "") + f" — linie {first}–{last} czytają się jako jeden wiersz, "
            "więc dane z kolejnych wierszy zginęłyby w jednej komórce.",
            sheet=path.stem, row=number,
            hint="Usuń zbędny cudzysłów (\") na początku komórki albo go domknij i zapisz plik ponownie.",
        )
