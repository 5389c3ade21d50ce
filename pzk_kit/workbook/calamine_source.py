"""LibreOffice (.ods) and old Excel (.xls) workbooks, read with python-calamine into the same tables as an .xlsx.

Gminas keep their spreadsheets in whatever office suite they have; asking them to "save as .xlsx" first loses
some of them at the first step. calamine reads both formats natively; its cells go through the same row
collector as the .xlsx reader's (:func:`pzk_kit.workbook.sources.collect_rows`), so Excel row numbers, the
limits and every message are the same whatever the format.

What calamine gives differs from openpyxl in a few ways that are evened out here or by
:func:`pzk_kit.workbook.cells.normalize_raw`: empty cells are ``""`` (dropped here, as openpyxl has no cell),
every number of an .ods is a float (``209034.0`` → ``209034``, so the TERYT repair sees the same integer) and
dates come as ``date``/``datetime``. An error cell (``#N/A``) reads as empty: calamine does not say which error.

calamine builds a sheet in memory as a dense block from its first to its last filled cell. For an .ods, whose
``number-rows-repeated`` lets a few bytes declare millions of filled cells, the block is measured on the XML
first (:func:`_ods_areas`) and a workbook over :data:`limits.MAX_CELLS` is refused before calamine sees it.
An .xls is bounded by its own format (65 536 rows × 256 columns a sheet) and by the file-size limit.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from xml.etree import ElementTree

from pzk_kit.workbook import limits
from pzk_kit.workbook.sources import RawTable, _CellBudget, collect_rows, report_too_many_sheets, workbook_size_ok
from pzk_kit.workbook.validation import ValidationReport

SUFFIXES = (".ods", ".xls")

_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_FORMAT_NAMES = {".ods": "arkusz LibreOffice (.ods)", ".xls": "skoroszyt Excela 97–2003 (.xls)"}


def load(path: Path, report: ValidationReport) -> list[RawTable]:
    """All sheets of an .ods or .xls; problems go to ``report`` as for an .xlsx."""
    if not workbook_size_ok(path, report):
        return []
    if _is_zip(path) and not _ods_area_ok(path, report):
        return []
    return _load_checked(path, report)


def load_plain_xlsx(path: Path, report: ValidationReport) -> list[RawTable] | None:
    """An .xlsx through calamine, many times faster than openpyxl, when :func:`_plain_xlsx` vouches that it gives
    the same tables; None otherwise (and whenever calamine fails): the caller then reads it with openpyxl."""
    if not _plain_xlsx(path):
        return None
    tables = _load_checked(path, probe := ValidationReport())
    if not probe.ok:
        return None
    report.problems.extend(probe.problems)
    return tables


def _load_checked(path: Path, report: ValidationReport) -> list[RawTable]:
    import python_calamine  # imported here: reading a CSV folder does not need it

    try:
        workbook = _open(path)
    except python_calamine.PasswordError:
        report.error(*_password(path))
        return []
    except Exception:  # zip, XML, BIFF, encryption, calamine's own cell limit: any way a file can be damaged
        message, hint = why_unreadable(path)
        report.error(message, hint=hint)
        return []
    tables: list[RawTable] = []
    reading = ""
    try:
        names = [m.name for m in workbook.sheets_metadata if m.typ == python_calamine.SheetTypeEnum.WorkSheet]
        if len(names) > limits.MAX_SHEETS:
            report_too_many_sheets(path, len(names), report)
            return []
        budget = _CellBudget()
        for name in names:
            reading = name
            sheet = workbook.get_sheet_by_name(name)
            table = collect_rows(name, _rows(sheet), budget, report)
            if table is None:
                return []  # over a limit: the message says which; nothing half-read goes on
            tables.append(table)
    except Exception:  # a sheet calamine cannot decode must not become a traceback for the user
        where = f" (arkusz „{reading}”)" if reading else ""
        report.error(
            f"Plik „{path.name}” jest uszkodzony i nie da się go odczytać do końca{where}.",
            hint=f"Otwórz go w programie, w którym powstał (Excel lub LibreOffice), i zapisz ponownie jako "
                 f"{path.suffix.lower()} albo .xlsx.",
        )
    finally:
        workbook.close()
    return tables


def _open(path: Path):
    """The workbook by its content, not its name: an .xls saved as .ods (or the reverse) still reads."""
    import python_calamine

    with path.open("rb") as handle:
        return python_calamine.CalamineWorkbook.from_filelike(handle)


def opens(path: Path) -> bool:
    """Whether a file openpyxl refused is an .xls or .ods calamine can read (renamed to .xlsx by someone).

    Only those two: a damaged .xlsx stays refused, as calamine would build its sheets without the caps.
    """
    try:
        with path.open("rb") as handle:
            head = handle.read(8)
        if not head.startswith(_OLE):
            with zipfile.ZipFile(path) as archive:
                if "content.xml" not in archive.namelist():
                    return False
            if not _ods_area_ok(path, ValidationReport()):
                return False
        _open(path).close()
    except Exception:  # whatever calamine or zipfile raise: not a workbook it can read
        return False
    return True


def _password(path: Path) -> tuple[str, str]:
    return (f"Skoroszyt „{path.name}” jest chroniony hasłem, więc zestaw nie może go odczytać.",
            "Otwórz go w Excelu lub LibreOffice, usuń hasło (w Excelu: Plik → Informacje → Chroń skoroszyt) i "
            "zapisz ponownie.")


def _rows(sheet) -> Iterator[tuple[int, dict[int, object], list[int]]]:
    """(Excel row, {1-based column: value}) of a calamine sheet; its block starts at the first filled cell."""
    start = sheet.start
    if start is None:
        return
    first_row, first_column = start[0] + 1, start[1] + 1
    for i, row in enumerate(sheet.to_python(skip_empty_area=True)):
        values = {first_column + j: v for j, v in enumerate(row) if v != "" and v is not None}
        yield first_row + i, values, []


# What an .xlsx may hold for calamine to read it as openpyxl does, checked on the raw XML of each sheet: no
# formula (openpyxl's reader reports one saved without its result; calamine reads it as empty), no error cell
# (#N/A: openpyxl gives its text, calamine nothing), no ISO date cell, every cell and row with its reference.
_FORMULA = re.compile(rb"<f[\s>/]")
_CELL_COLUMN = re.compile(rb'<c r="([A-Z]{1,3})[0-9]')
_ROW_NUMBER = re.compile(rb'<row r="([0-9]{1,7})"')
_PLAIN_XLSX_MAX_BYTES = 64 * 1024 * 1024  # bigger sheets are streamed by openpyxl rather than scanned whole


def _plain_xlsx(path: Path) -> bool:
    """Whether calamine reads this .xlsx exactly as the openpyxl reader would, within the limits.

    calamine builds each sheet as a dense block up to its last cell, so the block is measured first on the
    references of the cells (a sheet with A1 and XFD1048576 is left to openpyxl, which caps as it reads).
    Anything unusual answers no: openpyxl then reads the file and says precisely what is wrong.
    """
    try:
        with zipfile.ZipFile(path) as archive:
            sheets = [i for i in archive.infolist()
                      if i.filename.startswith("xl/worksheets/") and i.filename.endswith(".xml")]
            if not sheets or sum(i.file_size for i in sheets) > _PLAIN_XLSX_MAX_BYTES:
                return False
            if re.search(rb"date1904=\"(?:1|true)\"", archive.read("xl/workbook.xml")):
                return False
            types = ElementTree.fromstring(archive.read("[Content_Types].xml"))  # openpyxl finds the workbook by it
            if not any(".main+xml" in (t.get("ContentType") or "") for t in types):
                return False
            area = 0
            for info in sheets:
                data = archive.read(info)
                if (b"<sheetData" not in data or _FORMULA.search(data) or b't="e"' in data or b't="d"' in data):
                    return False
                columns = _CELL_COLUMN.findall(data)
                if len(columns) != data.count(b"<c ") + data.count(b"<c>"):
                    return False  # a cell without its reference (or written oddly): openpyxl counts those
                rows = _ROW_NUMBER.findall(data)
                if len(rows) != data.count(b"<row ") + data.count(b"<row>"):
                    return False
                width = max((_column_number(c) for c in set(columns)), default=0)
                height = max(map(int, rows), default=0)
                area += width * height
                if width > limits.MAX_COLUMNS or height > limits.MAX_ROWS or area > limits.MAX_CELLS:
                    return False
    except Exception:  # zip, deflate, XML: a damaged file is openpyxl's to explain
        return False
    return True


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


def _is_zip(path: Path) -> bool:
    try:
        return zipfile.is_zipfile(path)
    except OSError:
        return False


def _ods_area_ok(path: Path, report: ValidationReport) -> bool:
    """Refuse an .ods whose sheets, as calamine would build them, hold more than :data:`limits.MAX_CELLS` cells."""
    try:
        areas = list(_ods_areas(path))
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, EOFError, ElementTree.ParseError):
        return True  # not a readable .ods: calamine's refusal gets the explained message
    total = 0
    for name, rows, columns in areas:
        total += rows * columns
        if total > limits.MAX_CELLS:
            report.error(
                f"Arkusz „{name}” pliku „{path.name}” ma dane w obszarze {limits.polish_number(rows)} wierszy × "
                f"{limits.polish_number(columns)} kolumn — razem z poprzednimi arkuszami ponad "
                f"{limits.polish_number(limits.MAX_CELLS)} komórek, a tyle najwyżej czyta zestaw.", sheet=name,
                hint="Usuń zbędne wiersze i kolumny (także daleko poniżej lub na prawo od danych) albo skopiuj "
                     "same dane do nowego arkusza.",
            )
            return False
    return True


def _ods_areas(path: Path) -> Iterator[tuple[str, int, int]]:
    """(sheet name, rows, columns) of each sheet's block from A1 to its last filled cell, repeats counted.

    Streamed: the XML is never held whole, and a repeat count is multiplied, never expanded.
    """
    with zipfile.ZipFile(path) as archive, archive.open("content.xml") as content:
        name, row, last_row, last_column = "", 0, 0, 0
        column, row_last_column = 0, 0
        for event, element in ElementTree.iterparse(content, events=("start", "end")):
            tag = element.tag
            if event == "start":
                if tag == f"{_TABLE}table":
                    name, row, last_row, last_column = element.get(f"{_TABLE}name", ""), 0, 0, 0
                elif tag == f"{_TABLE}table-row":
                    column, row_last_column = 0, 0
                continue
            if tag in (f"{_TABLE}table-cell", f"{_TABLE}covered-table-cell"):
                column += int(element.get(f"{_TABLE}number-columns-repeated", "1"))
                if element.get(f"{_OFFICE}value-type") is not None or len(element):
                    row_last_column = column
                element.clear()
            elif tag == f"{_TABLE}table-row":
                repeated = int(element.get(f"{_TABLE}number-rows-repeated", "1"))
                row += repeated
                if row_last_column:
                    last_row, last_column = row, max(last_column, row_last_column)
                element.clear()
            elif tag == f"{_TABLE}table":
                yield name, last_row, last_column
                element.clear()


def why_unreadable(path: Path) -> tuple[str, str]:
    """Why calamine could not open an .ods or .xls (message, hint): the file's first bytes say more than its error."""
    from pzk_kit.workbook.sources import why_unreadable as why_not_xlsx

    suffix = path.suffix.lower()
    kind = _FORMAT_NAMES.get(suffix, "skoroszyt")
    name = f"„{path.name}”"
    try:
        with path.open("rb") as handle:
            head = handle.read(8)
    except OSError:
        head = b""
    resave = (f"Otwórz go w programie, w którym powstał (Excel lub LibreOffice), i zapisz ponownie jako {suffix} "
              "albo jako „Skoroszyt programu Excel (.xlsx)”; jeśli plik przyszedł pocztą lub z dysku w sieci, "
              "pobierz go jeszcze raz.")
    if head.startswith(_OLE):
        try:
            container = path.read_bytes()  # the size was checked against the limit before
        except OSError:
            container = b""
        if "EncryptionInfo".encode("utf-16-le") in container:  # an .xlsx with a password: an OLE container
            return _password(path)
        return f"Plik {name} wygląda na {kind}, ale jest uszkodzony i nie da się go odczytać.", resave
    if suffix == ".ods" and head.startswith(b"PK"):
        try:
            with zipfile.ZipFile(path) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, OSError, ValueError, EOFError):
            names = set()
        if names and "content.xml" not in names:
            what = ("skoroszyt Excela (.xlsx)" if "xl/workbook.xml" in names else
                    "dokument Worda" if "word/document.xml" in names else "archiwum ZIP")
            return (f"Plik {name} to {what}, a nie arkusz LibreOffice (.ods).",
                    "Sprawdź, czy to właściwy plik; skoroszyt .xlsx podaj z rozszerzeniem .xlsx.")
        return (f"Plik {name} wygląda na {kind}, ale jest niekompletny albo uszkodzony (np. przerwane kopiowanie "
                "lub pobieranie).", resave)
    message, hint = why_not_xlsx(path)  # empty, text, HTML, another format renamed
    return message.replace("skoroszytem .xlsx", f"skoroszytem {suffix}").replace(
        "jako .xlsx?", f"jako {suffix} lub .xlsx?"), hint
