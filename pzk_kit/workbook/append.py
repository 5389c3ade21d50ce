"""Adding rows to a sheet of the user's own workbook (the action plan, the task-team register) without harm.

Why a module of its own: every other write of the kit makes a new file, but a plan written in the app belongs in
the gmina's workbook, the one the coordinator keeps in Excel. Writing there is the riskiest thing the kit does,
so the rules are strict:

- the rest of the workbook stays as it was: other sheets, styles, drop-down lists (openpyxl keeps them); a CSV
  file keeps its encoding, delimiter and line endings, and its earlier bytes are not rewritten at all;
- ``.ods`` and ``.xls`` are refused: no library here writes them back faithfully, so the user saves as ``.xlsx``;
- a workbook with charts or pictures is refused too: openpyxl would drop them;
- a workbook open in Excel (its lock file ``~$name.xlsx`` beside it) is refused: Excel would overwrite our rows
  the next time the user saves;
- text goes in as text (:mod:`pzk_kit.spreadsheet_safety`), the file is replaced in one step
  (:func:`pzk_kit.files.atomic_file`), and afterwards the workbook is read again: every earlier row must still
  be there and every new row found, or the original bytes are put back and the reason is raised in Polish.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from pzk_kit.errors import PzkError
from pzk_kit.files import atomic_file, describe_os_error
from pzk_kit.spreadsheet_safety import csv_cell, set_cell
from pzk_kit.workbook.schema import SheetSpec, load_schema, match_sheet
from pzk_kit.workbook.sources import decode_csv, sniff_delimiter
from pzk_kit.workbook.templates import (
    CSV_DELIMITER,
    CSV_ENCODING,
    LISTS_SHEET,
    VALIDATED_ROWS,
    _cell_value,
    header_cell,
    validation_for,
)
from pzk_kit.workbook.text import display_text

HEADER_SCAN_ROWS = 10  # as the reader: a title row or two may stand above the header
XLSX_SUFFIXES = {".xlsx", ".xlsm"}
MULTI_SEPARATOR = "; "
_DRAWING = re.compile(r"xl/drawings/drawing\d+\.xml$")  # charts and pictures; comments live in vmlDrawing files


@dataclass(frozen=True)
class AppendResult:
    """Where the rows went: the file written, the sheet, and the rows' numbers as Excel shows them."""

    path: Path
    sheet: str
    rows: tuple[int, ...]


class AppendRefused(PzkError):
    """The rows could not be added safely; ``message`` says why and what to do, in Polish."""


def append_rows(path: str | Path, sheet: str, records: Sequence[dict[str, Any]]) -> AppendResult:
    """Add ``records`` (schema column → value as a user types it) at the end of ``sheet`` of the workbook."""
    path = Path(path)
    spec = _table_spec(sheet)
    _check_columns(spec, records)
    if not records:
        return AppendResult(path, spec.name, ())
    if path.is_dir():
        return _append_csv(path, spec, records)
    suffix = path.suffix.lower()
    if suffix in {".ods", ".xls"}:
        raise AppendRefused(
            f"Nie dopisuję do „{path.name}”: zestaw zapisuje tylko skoroszyty .xlsx (plik {suffix} mógłby stracić "
            "formatowanie). Otwórz go w Excelu lub LibreOffice, zapisz jako .xlsx („Skoroszyt programu Excel”) i "
            "wskaż nowy plik.")
    if suffix not in XLSX_SUFFIXES:
        raise AppendRefused(f"Nie dopisuję do „{path.name}”: podaj skoroszyt .xlsx albo folder z plikami CSV.")
    if not path.is_file():
        raise AppendRefused(f"Nie znaleziono skoroszytu „{path}”. Sprawdź ścieżkę.")
    return _append_xlsx(path, spec, records)


def _table_spec(sheet: str) -> SheetSpec:
    schema = load_schema()
    name = match_sheet(sheet)
    if name is None or name == "gmina":  # gmina is a list of fields, not a table of rows
        tables = ", ".join(n for n in schema if n != "gmina")
        raise AppendRefused(f"Nie można dopisywać wierszy do arkusza „{sheet}”. Arkusze z wierszami: {tables}.")
    return schema[name]


def _check_columns(spec: SheetSpec, records: Sequence[dict[str, Any]]) -> None:
    known = {c.name for c in spec.columns}
    for number, record in enumerate(records, start=1):
        unknown = [key for key in record if key not in known]
        if unknown:
            raise AppendRefused(
                f"Wiersz {number} do dopisania ma kolumny, których nie ma w arkuszu „{spec.name}”: "
                f"{', '.join(unknown)}. Dozwolone: {', '.join(c.name for c in spec.columns)}.")


def _typed(value: Any) -> Any:
    """A value as a user types it: lists joined with „; ”, dates as dates, text cleaned of stray spaces."""
    if isinstance(value, tuple | list | set | frozenset):
        return MULTI_SEPARATOR.join(display_text(v) for v in value if display_text(v)) or None
    if value is None or (not isinstance(value, str | dt.date) and pd.isna(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return value.date()
    if isinstance(value, str):
        return value.strip() or None
    return value


# -- Excel --------------------------------------------------------------------------------------------------------


def _lock_files(path: Path) -> list[Path]:
    """Lock files Excel and LibreOffice keep beside a file they have open (Excel shortens long names)."""
    return [path.parent / f"~${path.name}", path.parent / f"~${path.name[2:]}", path.parent / f".~lock.{path.name}#"]


def _refuse_if_open(path: Path) -> None:
    for lock in _lock_files(path):
        if lock.exists():
            raise AppendRefused(
                f"„{path.name}” jest otwarty w Excelu lub LibreOffice (obok leży plik blokady „{lock.name}”). "
                "Zamknij go i spróbuj ponownie — inaczej przy następnym zapisie program nadpisałby dopisane wiersze.")


def _refuse_if_drawings(path: Path) -> None:
    """openpyxl drops charts and pictures of a workbook it saves again: such a workbook is left untouched."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return  # not an archive at all: reading it says what is wrong
    if any(name.startswith(("xl/charts/", "xl/media/")) or _DRAWING.match(name) for name in names):
        raise AppendRefused(
            f"„{path.name}” zawiera wykresy lub obrazy, których zestaw nie umie zachować przy zapisie — nie dopisuję "
            "do niego. Przenieś wykresy i obrazy do osobnego pliku albo dopisz wiersze ręcznie.")


def _append_xlsx(path: Path, spec: SheetSpec, records: Sequence[dict[str, Any]]) -> AppendResult:
    import openpyxl

    _refuse_if_open(path)
    _refuse_if_drawings(path)
    before = _read_table(path, spec)
    original = path.read_bytes()
    try:
        workbook = openpyxl.load_workbook(path, keep_vba=path.suffix.lower() == ".xlsm", keep_links=True)
    except Exception as exc:  # a broken archive, a password: openpyxl's errors are English and many
        raise AppendRefused(f"Nie da się otworzyć skoroszytu „{path.name}” do zapisu ({type(exc).__name__}). "
                            "Sprawdź go poleceniem pzk validate.") from None
    worksheet = next((ws for ws in workbook.worksheets if match_sheet(ws.title) == spec.name), None)
    if worksheet is None:
        worksheet = _new_sheet(workbook, spec)
    header_row, columns = _xlsx_header(worksheet, spec)
    for record in records:
        for key in record:
            if key not in columns:
                column = max(worksheet.max_column, *columns.values()) + 1
                header_cell(worksheet, spec.column(key), column, header_row)
                columns[key] = column
    first = _last_filled_row(worksheet, header_row, columns) + 1
    written = []
    for offset, record in enumerate(records):
        row = first + offset
        for key, value in record.items():
            column = spec.column(key)
            cell = set_cell(worksheet.cell(row=row, column=columns[key]), _cell_value(column, _typed(value)))
            if column.kind == "date":
                cell.number_format = "yyyy-mm-dd"
        written.append(row)
    if worksheet.auto_filter.ref:
        from openpyxl.utils import get_column_letter

        last_column = max(columns.values())
        worksheet.auto_filter.ref = f"A{header_row}:{get_column_letter(last_column)}{written[-1]}"
    try:
        with atomic_file(path, overwrite=True) as tmp:
            workbook.save(tmp)
    except OSError as exc:
        raise AppendRefused(f"Nie udało się zapisać „{path.name}”: {describe_os_error(exc)}.") from None
    _verify(path, spec, before, written, restore=lambda: _write_bytes(path, original))
    return AppendResult(path, spec.name, tuple(written))


def _new_sheet(workbook, spec: SheetSpec):
    """The sheet as the template writes it: coloured headers with their notes, drop-down lists when the workbook
    has the template's hidden ``listy`` sheet, the header row frozen."""
    from openpyxl.utils import get_column_letter

    worksheet = workbook.create_sheet(spec.name)
    lists = _list_ranges(workbook)
    for index, column in enumerate(spec.columns, start=1):
        header_cell(worksheet, column, index)
        worksheet.column_dimensions[get_column_letter(index)].width = max(len(column.name) + 4, 14)
        if column.kind in {"dict", "multidict"} and column.dictionary not in lists:
            continue
        validation = validation_for(column, lists)
        if validation is not None:
            letter = get_column_letter(index)
            validation.add(f"{letter}2:{letter}{VALIDATED_ROWS}")
            worksheet.add_data_validation(validation)
    worksheet.freeze_panes = "A2"
    return worksheet


def _list_ranges(workbook) -> dict[str, str]:
    """Dictionary → range of the template's ``listy`` sheet (one dictionary per column, its name on top)."""
    from openpyxl.utils import get_column_letter, quote_sheetname

    if LISTS_SHEET not in workbook.sheetnames:
        return {}
    lists = workbook[LISTS_SHEET]
    ranges = {}
    for column in lists.iter_cols(min_row=1, max_row=lists.max_row):
        name = column[0].value
        last = max((cell.row for cell in column[1:] if cell.value not in (None, "")), default=None)
        if isinstance(name, str) and last is not None:
            letter = get_column_letter(column[0].column)
            ranges[name] = f"{quote_sheetname(LISTS_SHEET)}!${letter}$2:${letter}${last}"
    return ranges


def _xlsx_header(worksheet, spec: SheetSpec) -> tuple[int, dict[str, int]]:
    """The header row (as the reader finds it: the first top row naming a known column) and column → index."""
    for row in worksheet.iter_rows(min_row=1, max_row=HEADER_SCAN_ROWS):
        columns = {}
        for cell in row:
            name = spec.match_header(cell.value) if cell.value is not None else None
            if name is not None and name not in columns:
                columns[name] = cell.column
        if columns:
            return row[0].row, columns
    if worksheet.max_row > 1 or worksheet.cell(1, 1).value is not None:
        raise AppendRefused(
            f"W arkuszu „{worksheet.title}” nie ma wiersza nagłówków z nazwami kolumn (np. "
            f"{', '.join(spec.required_columns)}). Dodaj nagłówki albo usuń arkusz, a zestaw utworzy go od nowa.")
    for index, column in enumerate(spec.columns, start=1):  # an empty sheet: the template's header
        header_cell(worksheet, column, index)
    return 1, {column.name: index for index, column in enumerate(spec.columns, start=1)}


def _last_filled_row(worksheet, header_row: int, columns: dict[str, int]) -> int:
    """The last row below the header with a value in a known column (formatted empty rows do not count)."""
    last = header_row
    wanted = set(columns.values())
    for row in worksheet.iter_rows(min_row=header_row + 1):
        if any(cell.column in wanted and cell.value not in (None, "") for cell in row):
            last = row[0].row
    return last


def _write_bytes(path: Path, data: bytes) -> None:
    with atomic_file(path, overwrite=True) as tmp:
        tmp.write_bytes(data)


# -- CSV ----------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _CsvFormat:
    encoding: str  # for the appended part: no BOM again in the middle of a file
    delimiter: str
    newline: str
    bom: bytes = b""


def _csv_format(data: bytes, text: str, encoding: str) -> _CsvFormat:
    newline = "\r\n" if "\r\n" in text else "\n"
    delimiter = sniff_delimiter(text) if text.strip() else CSV_DELIMITER
    if encoding == "utf-16":
        return _CsvFormat("utf-16-le" if data.startswith(b"\xff\xfe") else "utf-16-be", delimiter, newline)
    if encoding == "utf-8-sig":
        return _CsvFormat("utf-8", delimiter, newline, b"\xef\xbb\xbf" if data.startswith(b"\xef\xbb\xbf") else b"")
    return _CsvFormat(encoding, delimiter, newline)


def _csv_file(folder: Path, spec: SheetSpec) -> Path | None:
    files = sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() == ".csv")
    return next((p for p in files if match_sheet(p.stem) == spec.name), None)


def _folder_format(folder: Path) -> _CsvFormat:
    """A new file follows the folder's other files (a Windows-1250 folder stays Windows-1250), else the
    template's UTF-8 with BOM and semicolons."""
    for other in sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() == ".csv"):
        try:
            data = other.read_bytes()
        except OSError:
            continue
        text, encoding, problem = decode_csv(data)
        if problem is None and text.strip():
            found = _csv_format(data, text, encoding)
            return _CsvFormat(found.encoding, found.delimiter, found.newline,
                              b"\xef\xbb\xbf" if encoding == "utf-8-sig" and found.bom else b"")
    return _CsvFormat("utf-8", CSV_DELIMITER, "\r\n", b"\xef\xbb\xbf" if CSV_ENCODING == "utf-8-sig" else b"")


def _csv_line(values: list[Any], fmt: _CsvFormat) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=fmt.delimiter, lineterminator=fmt.newline).writerow(values)
    return buffer.getvalue()


def _csv_text(value: Any) -> str:
    value = _typed(value)
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    return csv_cell(str(value))


def _append_csv(folder: Path, spec: SheetSpec, records: Sequence[dict[str, Any]]) -> AppendResult:
    target = _csv_file(folder, spec)
    new_file = target is None
    target = folder / f"{spec.name}.csv" if new_file else target
    _refuse_if_open(target)
    before = _read_table(folder, spec)
    if new_file:
        original = b""
        fmt = _folder_format(folder)
        header = [c.name for c in spec.columns]
        prefix = fmt.bom + _csv_line(header, fmt).encode(fmt.encoding)
        text = _csv_line(header, fmt)
    else:
        original = target.read_bytes()
        text, encoding, problem = decode_csv(original)
        if problem is not None:
            raise AppendRefused(
                f"Nie dopisuję do „{target.name}”: plik ma pomieszane kodowania znaków (linia {problem.line}). "
                "Zapisz go w jednym kodowaniu (Excel: „CSV UTF-8”) i spróbuj ponownie.")
        fmt = _csv_format(original, text, encoding)
        header = _csv_header(text, fmt, spec, target)
        prefix = original
        if text and not text.endswith("\n"):
            prefix += fmt.newline.encode(fmt.encoding)
            text += fmt.newline
    missing = sorted({key for record in records for key in record if key not in header and
                      _csv_text(record[key])})
    if missing:
        raise AppendRefused(
            f"Plik „{target.name}” nie ma kolumn: {', '.join(missing)}. Dopisz je w pierwszym wierszu (nagłówku) "
            "i spróbuj ponownie.")
    line = text.count("\n") + 1
    written, body = [], []
    for record in records:
        values = [_csv_text(record.get(name)) if name in record else "" for name in header]
        piece = _csv_line(values, fmt)
        written.append(line)
        line += piece.count("\n")
        body.append(piece)
    try:
        appended = "".join(body).encode(fmt.encoding)
    except UnicodeEncodeError as exc:
        raise AppendRefused(
            f"Znaku „{exc.object[exc.start:exc.end]}” nie da się zapisać w pliku „{target.name}” (kodowanie "
            f"{fmt.encoding}). Zapisz plik jako „CSV UTF-8” albo usuń ten znak.") from None
    try:
        _write_bytes(target, prefix + appended)
    except OSError as exc:
        raise AppendRefused(f"Nie udało się zapisać „{target.name}”: {describe_os_error(exc)}.") from None

    def restore() -> None:
        if new_file:
            target.unlink(missing_ok=True)
        else:
            _write_bytes(target, original)

    _verify(folder, spec, before, written, restore=restore)
    return AppendResult(target, spec.name, tuple(written))


def _csv_header(text: str, fmt: _CsvFormat, spec: SheetSpec, target: Path) -> list[str | None]:
    """Column code of each field of the file's header row (None for columns the kit does not know)."""
    rows = csv.reader(io.StringIO(text), delimiter=fmt.delimiter)
    for _index, row in zip(range(HEADER_SCAN_ROWS), rows, strict=False):
        names = [spec.match_header(cell) if cell.strip() else None for cell in row]
        if any(names):
            return names
    raise AppendRefused(f"W pliku „{target.name}” nie ma wiersza nagłówków (np. {', '.join(spec.required_columns)}).")


# -- checking what was written ------------------------------------------------------------------------------------


def _read_table(path: Path, spec: SheetSpec) -> pd.DataFrame:
    from pzk_kit.workbook.reading import read_gmina

    data = read_gmina(path)
    if not data.sheet_names and data.report.errors:  # the file itself failed, not its content
        raise AppendRefused(f"Nie dopisuję do „{path.name}”: nie da się go odczytać — "
                            f"{data.report.errors[0].message} Sprawdź: pzk validate {path}")
    return data.table(spec.name)


def _rows(frame: pd.DataFrame) -> dict[int, tuple]:
    from pzk_kit.workbook.reading import ROW_COLUMN

    columns = [c for c in frame.columns if c != ROW_COLUMN]
    return {int(row[ROW_COLUMN]): tuple(display_text(row[c]) for c in columns)
            for row in frame.to_dict(orient="records")}


def _verify(path: Path, spec: SheetSpec, before: pd.DataFrame, written: list[int], restore) -> None:
    """Read the workbook again: earlier rows unchanged and every new row there, else put the original back."""
    from pzk_kit.workbook.reading import read_gmina

    data = read_gmina(path)
    after = _rows(data.table(spec.name))
    lost = [row for row, values in _rows(before).items() if after.get(row) != values]
    new_errors = [p for p in data.report.errors if p.row in written and match_sheet(p.sheet) == spec.name]
    missing = sorted({row for row in written if row not in after} | {p.row for p in new_errors})
    if not lost and not missing:
        return
    restore()
    if lost:
        raise AppendRefused(
            f"Dopisanie wierszy zmieniłoby wcześniejsze wiersze arkusza „{spec.name}” (wiersze "
            f"{', '.join(map(str, lost[:5]))}); przywrócono plik sprzed zapisu. Sprawdź go poleceniem pzk validate.")
    problems = [f"wiersz {p.row}" + (f", kolumna {p.column}" if p.column else "") + f": {p.message.rstrip('.')}"
                for p in new_errors[:3]]
    why = (" Powód: " + "; ".join(problems) + ".") if problems else ""
    raise AppendRefused(
        f"Nowe wiersze arkusza „{spec.name}” ({', '.join(map(str, missing))}) nie dały się odczytać; przywrócono "
        f"plik sprzed zapisu.{why}")
