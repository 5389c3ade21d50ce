"""The blank workbook users fill in Excel, and filled workbooks written back from data.

Everything here is generated from the schema, the dictionaries and the survey instrument, so the template can
never disagree with what the reader accepts. The committed files in ``data/templates`` come from this code
(``make templates``); a test fails if they drift.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from pzk_kit import polish
from pzk_kit.files import atomic_dir, atomic_file
from pzk_kit.resources import data_path
from pzk_kit.spreadsheet_safety import csv_row, set_cell
from pzk_kit.style import NAVY, excel_colour
from pzk_kit.workbook.cells import SURVEY_ANSWER_TEXT, Bad, parse_date
from pzk_kit.workbook.dictionaries import dictionary, load_dictionaries
from pzk_kit.workbook.schema import ColumnSpec, SheetSpec, load_schema
from pzk_kit.workbook.text import sentence

LISTS_SHEET = "listy"
INSTRUCTION_SHEET = "instrukcja"
VALIDATED_ROWS = 2000
MEASUREMENTS = ("T0", "T1", "T2", "T3")
CSV_DELIMITER = ";"
CSV_ENCODING = "utf-8-sig"  # Excel opens a UTF-8 CSV with Polish letters correctly only with the BOM

_FONT = "Calibri"
_HEADER_FONT = Font(name=_FONT, bold=True, color="FFFFFF")
_REQUIRED_FILL = PatternFill("solid", fgColor=excel_colour(NAVY))
_OPTIONAL_FILL = PatternFill("solid", fgColor="4472C4")
_EXAMPLE_FONT = Font(name=_FONT, italic=True, color="808080")
_TITLE_FONT = Font(name=_FONT, bold=True, size=14)
_WRAP = Alignment(wrap_text=True, vertical="top")


def instruction_lines() -> list[str]:
    return data_path("szablon_instrukcja.txt").read_text(encoding="utf-8").splitlines()


def example_row(spec: SheetSpec) -> list[str]:
    return [c.example for c in spec.columns]


def allowed_values_text(column: ColumnSpec) -> str:
    """What the instruction sheet says is allowed in a column."""
    if column.kind in {"dict", "multidict"}:
        dic = dictionary(column.dictionary)
        if len(dic.entries) > 20:  # rule codes, figures: the drop-down and `pzk slowniki` list them all
            many = polish.count(len(dic.entries), "pozycja", "pozycje", "pozycji")
            return f"wartość z listy rozwijanej ({many}; pełna lista: pzk slowniki {dic.name})"
        labels = "; ".join(dic.labels)
        return f"{labels} (kilka oddziel średnikiem)" if column.kind == "multidict" else labels
    if column.kind == "scale":
        return "; ".join(f"{e.code} – {e.label}" for e in dictionary(column.dictionary).entries)
    return {
        "partner_ref": "id partnera z arkusza „partnerzy”",
        "partner_refs": "id partnerów z arkusza „partnerzy”, oddzielone średnikiem",
        "service_refs": "id usług z arkusza „uslugi”, oddzielone średnikiem",
        "id": "niepowtarzalny kod",
        "date": "RRRR-MM-DD lub DD.MM.RRRR",
        "pomiar": "T0, T1, T2 …",
        "teryt": "7 cyfr (gmina) albo 4 cyfry (powiat)",
        "survey_item": SURVEY_ANSWER_TEXT,
        "int": "liczba całkowita" + (f" od {column.minimum:g}" if column.minimum is not None else "")
        + (f" do {column.maximum:g}" if column.maximum is not None else ""),
    }.get(column.kind, "tekst")


# -- xlsx ------------------------------------------------------------------------------------------------------


def write_template(out: Path, *, overwrite: bool = False) -> Path:
    """Write the blank template: ``.xlsx`` file, or a folder of CSV files when ``out`` is not an ``.xlsx``."""
    out = Path(out)
    if out.suffix.lower() == ".xlsx":
        with atomic_file(out, overwrite=overwrite) as tmp:
            build_workbook({}).save(tmp)
    else:
        with atomic_dir(out, overwrite=overwrite) as tmp:
            write_csv_folder(tmp, {})
    return out


def write_filled_workbook(rows: dict[str, list[list[Any]]], out: Path, *, overwrite: bool = False) -> Path:
    """A workbook in the template's layout filled with data rows (values as users type them)."""
    with atomic_file(Path(out), overwrite=overwrite) as tmp:
        build_workbook(rows).save(tmp)
    return Path(out)


def build_workbook(rows: dict[str, list[list[Any]]]) -> Workbook:
    """The template workbook; ``rows`` maps sheet → data rows to put instead of the example row."""
    workbook = Workbook()
    instruction = workbook.active
    instruction.title = INSTRUCTION_SHEET
    schema = load_schema()
    lists = workbook.create_sheet(LISTS_SHEET)
    list_ranges = write_lists(lists)
    for spec in schema.values():
        sheet = workbook.create_sheet(spec.name)
        if spec.name == "gmina":
            _write_gmina_sheet(sheet, spec, rows.get("gmina"), list_ranges)
        else:
            _write_table_sheet(sheet, spec, rows.get(spec.name), list_ranges)
    _write_instruction(instruction, schema)
    for sheet in workbook.worksheets:
        print_setup(sheet)
    lists.sheet_state = "hidden"
    workbook.move_sheet(lists, offset=len(workbook.sheetnames))
    # Fixed metadata keeps regenerated templates comparable.
    workbook.properties.creator = "pzk-kit"
    workbook.properties.created = workbook.properties.modified = dt.datetime(2024, 1, 1)
    return workbook


def write_lists(sheet: Worksheet) -> dict[str, str]:
    """One column per dictionary with its labels; returns dictionary → absolute range for validations."""
    ranges: dict[str, str] = {}
    for index, (name, dic) in enumerate(load_dictionaries().items(), start=1):
        letter = get_column_letter(index)
        sheet.cell(row=1, column=index, value=name)
        for row, label in enumerate(dic.labels, start=2):
            set_cell(sheet.cell(row=row, column=index), label)
        ranges[name] = f"{quote_sheetname(LISTS_SHEET)}!${letter}$2:${letter}${len(dic.labels) + 1}"
    return ranges


def header_cell(sheet: Worksheet, column: ColumnSpec, col: int, row: int = 1, *, note: str | None = None) -> Cell:
    """A header cell with its Polish comment; ``note`` replaces the comment (partner forms' read-only columns)."""
    cell = sheet.cell(row=row, column=col, value=column.name)
    cell.font = _HEADER_FONT
    cell.fill = _REQUIRED_FILL if column.required else _OPTIONAL_FILL
    cell.alignment = Alignment(vertical="center")
    required = "Wymagana. " if column.required else ""
    text = note or f"{required}{column.description}\nDozwolone: {allowed_values_text(column)}"
    cell.comment = Comment(text, "pzk-kit")
    cell.comment.width, cell.comment.height = 320, 140
    return cell


def _write_table_sheet(
    sheet: Worksheet, spec: SheetSpec, data: list[list[Any]] | None, list_ranges: dict[str, str]
) -> None:
    body = data if data is not None else [example_row(spec)]
    for col, column in enumerate(spec.columns, start=1):
        header_cell(sheet, column, col)
        longest = max((len(str(r[col - 1])) for r in body if col <= len(r) and r[col - 1] is not None), default=0)
        width = max(len(column.name) + 4, min(max(longest, len(column.example)) + 2, 45), 10)
        sheet.column_dimensions[get_column_letter(col)].width = width
    for r, values in enumerate(body, start=2):
        for col, (column, value) in enumerate(zip(spec.columns, values, strict=False), start=1):
            cell = set_cell(sheet.cell(row=r, column=col), _cell_value(column, value))
            if data is None:
                cell.font = _EXAMPLE_FONT
            if column.kind == "date":
                cell.number_format = "yyyy-mm-dd"
    sheet.freeze_panes = "B2" if spec.name in {"partnerzy", "uslugi", "ankieta"} else "A2"
    last = max(VALIDATED_ROWS, len(body) + 1)
    for col, column in enumerate(spec.columns, start=1):
        letter = get_column_letter(col)
        validation = validation_for(column, list_ranges)
        if validation is not None:
            validation.add(f"{letter}2:{letter}{last}")
            sheet.add_data_validation(validation)
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(spec.columns))}{len(body) + 1}"


def _write_gmina_sheet(
    sheet: Worksheet, spec: SheetSpec, data: list[list[Any]] | None, list_ranges: dict[str, str]
) -> None:
    values = {row[0]: row[1] for row in data or [] if row}
    for col, (title, width) in enumerate((("pole", 20), ("wartosc", 50), ("objaśnienie", 70)), start=1):
        cell = sheet.cell(row=1, column=col, value=title)
        cell.font, cell.fill = _HEADER_FONT, _REQUIRED_FILL
        sheet.column_dimensions[get_column_letter(col)].width = width
    for r, column in enumerate(spec.columns, start=2):
        sheet.cell(row=r, column=1, value=column.name).font = Font(name=_FONT, bold=column.required)
        value_cell = set_cell(sheet.cell(row=r, column=2), _cell_value(column, values.get(column.name)))
        if column.kind == "date":
            value_cell.number_format = "yyyy-mm-dd"
        hint = f"{'Wymagane. ' if column.required else ''}{column.description} Przykład: {column.example}"
        sheet.cell(row=r, column=3, value=hint).alignment = _WRAP
        validation = validation_for(column, list_ranges)
        if validation is not None:
            validation.add(f"B{r}")
            sheet.add_data_validation(validation)
    sheet.freeze_panes = "A2"


def validation_for(column: ColumnSpec, list_ranges: dict[str, str], *,
                   drop_down: bool = False) -> DataValidation | None:
    """Excel data validation for a column: drop-downs for dictionaries and partner ids, ranges for numbers.

    ``drop_down``: a labelled scale (``poziom`` 0–5) as a list of its numbers rather than a range, for partner
    forms filled by people who have never seen the template.
    """
    title = column.name[:32]
    if column.kind in {"dict", "multidict"}:
        multi = column.kind == "multidict"
        return DataValidation(
            type="list", formula1=list_ranges[column.dictionary], allow_blank=True,
            showErrorMessage=not multi, errorStyle="stop", errorTitle=title,
            error="Wybierz wartość z listy rozwijanej.", showInputMessage=multi, promptTitle=title,
            prompt="Wybierz z listy albo wpisz kilka wartości oddzielonych średnikiem." if multi else None,
        )
    if column.kind == "partner_ref":
        return DataValidation(
            type="list", formula1=f"{quote_sheetname('partnerzy')}!$A$2:$A${VALIDATED_ROWS}", allow_blank=True,
            showErrorMessage=True, errorStyle="warning", errorTitle=title,
            error="Tego kodu nie ma w kolumnie „id” arkusza „partnerzy”.",
        )
    if column.kind in {"scale", "int"}:
        scale = allowed_values_text(column)
        low = int(column.minimum) if column.minimum is not None else 0
        if drop_down and column.kind == "scale":
            codes = ",".join(dictionary(column.dictionary).codes)
            validation = DataValidation(type="list", formula1=f'"{codes}"')
        elif column.maximum is not None:
            validation = DataValidation(type="whole", operator="between", formula1=str(low),
                                        formula2=str(int(column.maximum)))
        else:
            validation = DataValidation(type="whole", operator="greaterThanOrEqual", formula1=str(low))
        validation.allow_blank = True
        validation.showErrorMessage, validation.errorTitle, validation.error = True, title, f"Dozwolone: {scale}"
        validation.showInputMessage, validation.promptTitle, validation.prompt = True, title, scale[:255]
        return validation
    if column.kind == "survey_item":
        return DataValidation(
            type="list", formula1='"1,2,3,4,5,nie wiem"', allow_blank=True, showErrorMessage=True,
            errorTitle=title, error="Wpisz 1–5 albo „nie wiem”; puste = brak odpowiedzi.",
        )
    if column.kind == "pomiar":
        return DataValidation(
            type="list", formula1='"' + ",".join(MEASUREMENTS) + '"', allow_blank=True, showErrorMessage=True,
            errorStyle="warning", errorTitle=title, error="Pomiar oznaczamy T0, T1, T2 …",
        )
    if column.kind == "date":
        return DataValidation(
            type="date", operator="greaterThan", formula1="1", allow_blank=True, showErrorMessage=True,
            errorStyle="warning", errorTitle=title, error="Wpisz datę, np. 2024-03-15.",
        )
    return None


def _cell_value(column: ColumnSpec, value: Any) -> Any:
    """Write dates as real Excel dates and numeric examples as numbers, so the template behaves like data."""
    if value is None or value == "":
        return None
    if column.kind == "date" and isinstance(value, str):
        parsed = parse_date(value)
        return value if isinstance(parsed, Bad) else parsed
    if column.kind in {"int", "scale", "survey_item"} and isinstance(value, str) and value.isdigit():
        return int(value)
    return value


def _write_instruction(sheet: Worksheet, schema: dict[str, SheetSpec]) -> None:
    widths = (14, 22, 11, 60, 60, 34)
    row = 1
    for line in instruction_lines():
        # Intro paragraphs span the table's width, wrapped; merged rows need an explicit height in Excel.
        cell = set_cell(sheet.cell(row=row, column=1), line[2:] if line.startswith("# ") else line)
        cell.font = _TITLE_FONT if line.startswith("# ") else Font(name=_FONT)
        cell.alignment = _WRAP
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=len(widths))
        sheet.row_dimensions[row].height = 20 * (1 + len(line) // int(sum(widths) * 1.1))
        row += 1
    row += 1
    headers = ("Arkusz", "Kolumna", "Wymagana", "Opis", "Dozwolone wartości", "Przykład")
    for col, (title, width) in enumerate(zip(headers, widths, strict=True), start=1):
        cell = sheet.cell(row=row, column=col, value=title)
        cell.font, cell.fill = _HEADER_FONT, _REQUIRED_FILL
        sheet.column_dimensions[get_column_letter(col)].width = width
    header_row = row
    for spec in schema.values():
        row += 1
        sheet.cell(row=row, column=1, value=spec.name).font = Font(name=_FONT, bold=True)
        sheet.cell(row=row, column=4, value=spec.description).alignment = _WRAP
        sheet.row_dimensions[row].height = wrapped_height(("", "", "", spec.description), widths)
        sheet.cell(row=row, column=3, value="wymagany" if spec.required else "opcjonalny")
        for column in spec.columns:
            row += 1
            values = (spec.name, column.name, "tak" if column.required else "nie", column.description,
                      allowed_values_text(column), column.example)
            for col, value in enumerate(values, start=1):
                set_cell(sheet.cell(row=row, column=col), value).alignment = _WRAP
            sheet.row_dimensions[row].height = wrapped_height(values, widths)
    sheet.freeze_panes = f"A{header_row + 1}"
    sheet.print_title_rows = f"{header_row}:{header_row}"


def wrapped_height(values: Iterable[str], widths: Iterable[int]) -> float:
    """Row height (points) that shows every wrapped line; Excel and LibreOffice do not grow rows on open."""
    lines = max(1 + len(str(v)) // max(int(w * 1.1), 1) for v, w in zip(values, widths, strict=False))
    return 15.0 * lines


def print_setup(sheet: Worksheet) -> None:
    """Landscape, one page wide: the template is printed for meetings where not everyone has a laptop."""
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True


# -- CSV -------------------------------------------------------------------------------------------------------


def write_csv_folder(folder: Path, rows: dict[str, list[list[Any]]]) -> None:
    """One CSV per sheet (UTF-8 with BOM, ``;``) plus ``INSTRUKCJA.txt``; example rows when ``rows`` is empty."""
    folder.mkdir(parents=True, exist_ok=True)
    for spec in load_schema().values():
        if spec.name == "gmina":
            given = {row[0]: row[1] for row in rows.get("gmina", [])}
            body = [[c.name, _csv_text(given.get(c.name)), c.description] for c in spec.columns]
            _write_csv(folder / "gmina.csv", ["pole", "wartosc", "objasnienie"], body)
        else:
            body = rows.get(spec.name) or ([] if rows else [example_row(spec)])
            _write_csv(folder / f"{spec.name}.csv", [c.name for c in spec.columns],
                       [[_csv_text(v) for v in r] for r in body])
    text = "\n".join(line.lstrip("# ") for line in instruction_lines())
    columns = "\n".join(
        f"- {spec.name}.{c.name}{' (wymagana)' if c.required else ''}: {c.description} "
        f"{sentence('Dozwolone: ' + allowed_values_text(c))}"
        for spec in load_schema().values() for c in spec.columns
    )
    (folder / "INSTRUKCJA.txt").write_text(
        f"{text}\n\nPliki CSV: kodowanie UTF-8, separator średnik.\n\nKolumny:\n{columns}\n", encoding="utf-8"
    )


def _csv_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _write_csv(path: Path, header: list[str], body: Iterable[list[str]]) -> None:
    with path.open("w", encoding=CSV_ENCODING, newline="") as handle:
        writer = csv.writer(handle, delimiter=CSV_DELIMITER, lineterminator="\r\n")
        writer.writerow(header)
        writer.writerows(csv_row(row) for row in body)
