"""Partner forms (``pzk formularze``): one Excel file per partner, an anonymous survey and the cover letters.

Why forms instead of the workbook: the leader used to retype every partner's answers about cooperation and
services from paper or e-mail. Each partner now gets a small workbook of its own, pre-filled with what the gmina
already knows (the other partners, its own services, its level from the previous measurement as a hint) and with
drop-down lists built by the same helpers as the blank template (:mod:`pzk_kit.workbook.templates`), so every value
a partner can pick is one the reader accepts. ``pzk zbierz`` merges the returned files back; the layout both sides
rely on is :mod:`pzk_kit.collection.form_format` (its docstring).

Every file is built in memory first: :func:`write_forms` puts them into a folder that appears whole or not at all
(:func:`pzk_kit.files.atomic_dir`), :func:`forms_zip` into one ZIP for a browser download, from the same bytes.
Wording lives in ``pzk_kit/data/formularze/teksty.csv``; user text in cells goes through
:mod:`pzk_kit.spreadsheet_safety`, so a partner named ``=HYPERLINK(…)`` stays text in every form and in ``listy.csv``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from pzk_kit import polish, texts, word
from pzk_kit.collection.form_format import (
    FORMAT_VERSION,
    KIND_PARTNER,
    KIND_SURVEY,
    META_KEYS,
    META_SHEET,
    SERVICES_SHEET,
    SURVEY_SHEET,
    TIES_SHEET,
)
from pzk_kit.errors import PzkError
from pzk_kit.evaluation.instrument import Instrument, load_instrument
from pzk_kit.files import atomic_dir, check_output
from pzk_kit.measurement import collected
from pzk_kit.spreadsheet_safety import csv_row, set_cell
from pzk_kit.workbook.dictionaries import dictionary
from pzk_kit.workbook.reading import DEFAULT_MEASUREMENT, GminaData, measurement_order
from pzk_kit.workbook.schema import ColumnSpec, load_schema
from pzk_kit.workbook.templates import (
    _FONT,
    _TITLE_FONT,
    _WRAP,
    CSV_DELIMITER,
    CSV_ENCODING,
    INSTRUCTION_SHEET,
    LISTS_SHEET,
    allowed_values_text,
    header_cell,
    print_setup,
    validation_for,
    wrapped_height,
    write_lists,
)
from pzk_kit.workbook.text import display_text, sentence, strip_diacritics

TEXTS_DIR = "formularze"
COMMAND = "formularze"
SURVEY_NAME = "ankieta_anonimowa.xlsx"
SURVEY_PRINT_NAME = "ankieta_do_druku.docx"
LETTERS_CSV = "listy.csv"
LETTERS_DOCX = "listy.docx"
LETTER_COLUMNS = ("id", "nazwa", "email", "plik", "tresc")
FORM_ROLES = ("lider", "partner")
TIE_COLUMNS = ("do", "nazwa_partnera", "sektor", "poprzednio", "poziom", "formy", "zaufanie", "wartosc")
TIE_INFO = ("do", "nazwa_partnera", "sektor", "poprzednio")
TIE_ANSWERS = ("poziom", "formy", "zaufanie", "wartosc")
SURVEY_COLUMNS = ("kod", "pytanie", "odpowiedz")
SECTOR_ROW_CODE = "sektor"
EMPTY_SERVICE_ROWS = 15
SLUG_LIMIT = 40
ID_LIMIT = 30
_NON_NAME = re.compile(r"[^A-Za-z0-9]+")
_INFO_FILL = PatternFill("solid", fgColor="7F7F7F")
_INFO_CELL_FILL = PatternFill("solid", fgColor="F2F2F2")
_TOP = Alignment(vertical="top")
_TIE_WIDTHS = {"do": 14, "nazwa_partnera": 48, "sektor": 24, "poprzednio": 12, "poziom": 10, "formy": 40,
               "zaufanie": 11, "wartosc": 11}
_SERVICE_WIDTH_LIMIT = 45


class NoPartnersForForms(PzkError):
    """No partner has the role lider or partner: nobody to send a form to."""

    @property
    def message(self) -> str:
        return ("W arkuszu „partnerzy” nie ma instytucji z rolą „lider” ani „partner” — nie ma dla kogo przygotować "
                "formularzy. Uzupełnij kolumnę „rola” (kandydaci formularzy nie dostają).")


@dataclass
class FormsResult:
    """What :func:`write_forms` wrote: the folder, one form per partner, the survey and the measurement."""

    folder: Path
    partner_forms: list[Path]
    survey: Path
    measurement: str
    letters_csv: Path | None = None
    letters_docx: Path | None = None
    survey_print: Path | None = None
    previous: str | None = None  # the measurement the ``poprzednio`` hints come from
    without_email: list[str] = field(default_factory=list)  # partner ids the letters have no address for


@dataclass
class _Built:
    measurement: str
    previous: str | None
    partner_files: list[str]
    files: dict[str, bytes]  # name → content, in the order written
    without_email: list[str]


# -- wording ------------------------------------------------------------------------------------------------------


def _t(key: str, **values: object) -> str:
    return texts.fill(texts.load(TEXTS_DIR)[key], **values)


# -- measurements -------------------------------------------------------------------------------------------------


def target_measurement(data: GminaData, asked: str | None = None) -> str:
    """The measurement the forms collect: ``asked``, else the one after the latest in ``wspolpraca`` (none: T0)."""
    if asked:
        return asked
    found = collected(data.cooperation)
    return f"T{measurement_order(found[-1]) + 1}" if found else DEFAULT_MEASUREMENT


def previous_measurement(data: GminaData, target: str) -> str | None:
    """The latest measurement of ``wspolpraca`` before ``target``: where the ``poprzednio`` hints come from."""
    earlier = [m for m in collected(data.cooperation) if measurement_order(m) < measurement_order(target)]
    return earlier[-1] if earlier else None


# -- file names ---------------------------------------------------------------------------------------------------


def _ascii_name(text: str, *, lower: bool, limit: int) -> str:
    """Letters and digits of ``text`` in ASCII (``ł`` → ``l``), every other run as one ``_``: no path separator,
    no character a Windows, macOS or e-mail program refuses in a file name."""
    plain = strip_diacritics(text)
    plain = plain.lower() if lower else plain
    return _NON_NAME.sub("_", plain).strip("_")[:limit].strip("_")


def form_file_name(partner_id: str, name: str) -> str:
    """``formularz_<id>_<slug>.xlsx`` (its docstring): the slug is the name lowercased, at most 40 characters."""
    ident = _ascii_name(partner_id, lower=False, limit=ID_LIMIT) or "bez_kodu"
    slug = _ascii_name(name, lower=True, limit=SLUG_LIMIT) or "partner"
    return f"formularz_{ident}_{slug}.xlsx"


def _unique_names(names: list[str]) -> list[str]:
    """Two partners whose ids differ only in characters a file name cannot hold (or in case, which Windows
    ignores) would overwrite each other's form: the later ones get ``_2``, ``_3``…"""
    seen: set[str] = set()
    result = []
    for name in names:
        stem, candidate, n = name[: -len(".xlsx")], name, 1
        while candidate.lower() in seen:
            n += 1
            candidate = f"{stem}_{n}.xlsx"
        seen.add(candidate.lower())
        result.append(candidate)
    return result


# -- the data a form shows ------------------------------------------------------------------------------------------


def _records(data: GminaData) -> list[dict]:
    return data.partners.to_dict("records")


def form_partners(data: GminaData, everyone: list[dict] | None = None) -> list[dict]:
    """Partners who get a form (role lider or partner), in the order of ``partnerzy``."""
    return [row for row in (everyone if everyone is not None else _records(data))
            if display_text(row.get("id")) and (row.get("rola") or "partner") in FORM_ROLES]


def _previous_levels(data: GminaData, previous: str | None) -> dict[tuple[str, str], int]:
    """(od, do) → the level reported in ``previous``; the first report counts when a pair was reported twice."""
    frame = data.cooperation
    if previous is None or frame is None or frame.empty:
        return {}
    rows = frame[frame["pomiar"] == previous]
    levels: dict[tuple[str, str], int] = {}
    for source, target, level in zip(rows["od"], rows["do"], rows["poziom"], strict=True):
        if level is not None and not pd.isna(level):
            levels.setdefault((str(source), str(target)), int(level))
    return levels


def _labels(dictionary_name: str, value: Any) -> str | None:
    """Codes as the labels a partner recognises (``Wymiana informacji; Kierowanie klientów``); the reader takes both."""
    if value is None or (not isinstance(value, str | tuple | list) and pd.isna(value)):
        return None
    codes = [value] if isinstance(value, str) else list(value)
    dic = dictionary(dictionary_name)
    return "; ".join(dic.label(code) for code in codes) or None


def _service_value(column: ColumnSpec, value: Any) -> Any:
    if value is None or (not isinstance(value, str | tuple | list) and pd.isna(value)):
        return None
    if column.kind in {"dict", "multidict"}:
        return _labels(column.dictionary, value)
    if column.kind == "int":
        return int(value)
    return display_text(value) or None


# -- workbook pieces ------------------------------------------------------------------------------------------------


def _meta_sheet(workbook: Workbook, values: dict[str, str | None]) -> None:
    sheet = workbook.create_sheet(META_SHEET)
    sheet.append(["pole", "wartosc"])
    for row, key in enumerate(META_KEYS, start=2):
        sheet.cell(row=row, column=1, value=key)
        set_cell(sheet.cell(row=row, column=2), values.get(key) or None)
    sheet.column_dimensions["A"].width, sheet.column_dimensions["B"].width = 14, 50
    sheet.sheet_state = "hidden"


def _instruction_sheet(sheet: Worksheet, lines: list[tuple[str, str]]) -> None:
    """Paragraphs in one wide wrapped column; ``lines`` are (kind, text), kind ``title``, ``bold`` or ``text``."""
    sheet.title = INSTRUCTION_SHEET
    width = 72  # fits A4 portrait at 100 % also in LibreOffice (its substitute for Calibri is wider)
    sheet.column_dimensions["A"].width = width
    for row, (kind, text) in enumerate(lines, start=1):
        cell = set_cell(sheet.cell(row=row, column=1), text)
        cell.font = _TITLE_FONT if kind == "title" else Font(name=_FONT, bold=kind == "bold")
        cell.alignment = _WRAP
        sheet.row_dimensions[row].height = max(wrapped_height((text,), (width,)), 22.0 if kind == "title" else 15.0)
    print_setup(sheet)
    sheet.page_setup.orientation = "portrait"


def _page_header(workbook: Workbook, title: str) -> None:
    """Whose form a printed page is, on every page: the table pages alone do not say it."""
    text = title.replace("&", "&&")  # "&" starts a header code in Excel's page headers
    for sheet in workbook.worksheets:
        sheet.oddHeader.center.text = text
        sheet.oddHeader.center.size = 9
        sheet.oddFooter.right.text = "&P / &N"
        sheet.oddFooter.right.size = 9


def _protect(sheet: Worksheet) -> None:
    """Read-only cells stay as written; no password, so a coordinator can still unprotect and fix a typo."""
    sheet.protection.sheet = True
    sheet.protection.formatColumns = False
    sheet.protection.formatRows = False
    sheet.protection.autoFilter = False
    sheet.protection.sort = False


def _spec_column(sheet: str, name: str) -> ColumnSpec:
    return load_schema()[sheet].column(name)


def _ties_sheet(workbook: Workbook, partner_id: str, others: list[dict],
                previous: str | None, levels: dict[tuple[str, str], int], ranges: dict[str, str]) -> None:
    sheet = workbook.create_sheet(TIES_SHEET)
    hint = {"poprzedni": previous} if previous else {}
    notes = {
        "do": _t("k_do"), "nazwa_partnera": _t("k_nazwa_partnera"), "sektor": _t("k_sektor"),
        "poprzednio": _t("k_poprzednio", **hint) if previous else _t("k_poprzednio_brak"),
    }
    level = _spec_column("wspolpraca", "poziom")  # required in the workbook; here an empty level means "no answer"
    notes["poziom"] = _t("k_poziom", opis=level.description, dozwolone=allowed_values_text(level))
    columns = []
    for col, name in enumerate(TIE_COLUMNS, start=1):
        column = (_spec_column("wspolpraca", name) if name in TIE_ANSWERS or name == "do"
                  else ColumnSpec(sheet=TIES_SHEET, name=name, required=False, kind="text"))
        columns.append(column)
        cell = header_cell(sheet, column, col, note=notes.get(name))
        if name in TIE_INFO:
            cell.fill = _INFO_FILL
        sheet.column_dimensions[get_column_letter(col)].width = _TIE_WIDTHS[name]
    sectors = dictionary("sektory")
    unlocked = Protection(locked=False)
    for row, other in enumerate(others, start=2):
        other_id = display_text(other["id"])
        values = (other_id, display_text(other.get("nazwa")), sectors.label(display_text(other.get("sektor"))),
                  levels.get((partner_id, other_id)))
        for col, value in enumerate(values, start=1):
            cell = set_cell(sheet.cell(row=row, column=col), value)
            cell.fill = _INFO_CELL_FILL
            cell.alignment = _WRAP if col == 2 else _TOP
        for col in range(len(TIE_INFO) + 1, len(TIE_COLUMNS) + 1):
            sheet.cell(row=row, column=col).protection = unlocked
        if len(values[1]) > _TIE_WIDTHS["nazwa_partnera"]:  # Excel does not grow a wrapped row on its own
            sheet.row_dimensions[row].height = wrapped_height((values[1],), (_TIE_WIDTHS["nazwa_partnera"],))
    answers = [column if column.name in TIE_ANSWERS else None for column in columns]
    _finish_table(sheet, answers, ranges, last=max(len(others) + 1, 2), drop_down=True)
    _protect(sheet)


def _services_sheet(workbook: Workbook, services: pd.DataFrame, ranges: dict[str, str]) -> None:
    sheet = workbook.create_sheet(SERVICES_SHEET)
    columns = [c for c in load_schema()["uslugi"].columns if c.name != "partner"]
    rows = [[_service_value(c, record.get(c.name)) for c in columns] for record in services.to_dict("records")]
    for col, column in enumerate(columns, start=1):
        header_cell(sheet, column, col)
        longest = max((len(str(r[col - 1])) for r in rows if r[col - 1] is not None), default=0)
        width = max(len(column.name) + 4, min(max(longest, len(column.example)) + 2, _SERVICE_WIDTH_LIMIT), 10)
        sheet.column_dimensions[get_column_letter(col)].width = width
    widths = [sheet.column_dimensions[get_column_letter(col)].width for col in range(1, len(columns) + 1)]
    for row, values in enumerate(rows, start=2):
        for col, value in enumerate(values, start=1):
            set_cell(sheet.cell(row=row, column=col), value).alignment = _WRAP
        sheet.row_dimensions[row].height = wrapped_height(["" if v is None else str(v) for v in values], widths)
    _finish_table(sheet, columns, ranges, last=len(rows) + 1 + EMPTY_SERVICE_ROWS)


def _finish_table(sheet: Worksheet, columns: list[ColumnSpec | None], ranges: dict[str, str], *, last: int,
                  drop_down: bool = False) -> None:
    """The template's validations on each given column (None: none) down to row ``last``; the two first columns
    and the header frozen; printed landscape on one page width with the header on every page."""
    for col, column in enumerate(columns, start=1):
        validation = validation_for(column, ranges, drop_down=drop_down) if column is not None else None
        if validation is not None:
            letter = get_column_letter(col)
            validation.add(f"{letter}2:{letter}{last}")
            sheet.add_data_validation(validation)
    sheet.freeze_panes = "C2"
    sheet.print_title_rows = "1:1"
    print_setup(sheet)


def _lists_sheet(workbook: Workbook) -> tuple[Worksheet, dict[str, str]]:
    lists = workbook.create_sheet(LISTS_SHEET)
    ranges = write_lists(lists)
    lists.sheet_state = "hidden"
    return lists, ranges


def _scale_lines(name: str) -> list[tuple[str, str]]:
    return [("text", _t("i_skala_wiersz", kod=e.code, etykieta=e.label, opis=e.description))
            for e in dictionary(name).entries]


def _workbook_bytes(workbook: Workbook, created: dt.datetime) -> bytes:
    workbook.properties.creator = "pzk-kit"
    workbook.properties.created = workbook.properties.modified = created.replace(tzinfo=None)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def partner_form(data: GminaData, partner: dict, *, measurement: str, previous: str | None,
                 levels: dict[tuple[str, str], int], deadline: dt.date | None, created: dt.datetime,
                 everyone: list[dict] | None = None) -> Workbook:
    """One partner's form (its docstring): ``instrukcja``, ``wspolpraca``, ``uslugi`` and the hidden sheets.

    ``everyone``: the partners' rows, when the caller builds many forms and has them already.
    """
    partner_id = display_text(partner["id"])
    workbook = Workbook()
    lines = [("title", _t("i_tytul", gmina=data.name)),
             ("bold", _t("i_dla", partner=display_text(partner.get("nazwa")), id=partner_id, pomiar=measurement))]
    if deadline is not None:
        lines.append(("bold", sentence(_t("i_termin", termin=polish.date(deadline)))))
    lines += [("text", _t("i_cel")), ("text", _t("i_wspolpraca")),
              ("text", _t("i_poprzednio", poprzedni=previous) if previous else _t("i_poprzednio_brak")),
              ("text", _t("i_uslugi")), ("text", _t("i_nie_zmieniaj")), ("text", _t("i_odeslij")), ("text", ""),
              ("bold", _t("i_skala_poziomow")), *_scale_lines("poziomy_wspolpracy"), ("text", ""),
              ("bold", _t("i_skala_zaufania")), *_scale_lines("skala_zaufania")]
    _instruction_sheet(workbook.active, lines)
    lists, ranges = _lists_sheet(workbook)
    others = [row for row in (everyone if everyone is not None else _records(data))
              if display_text(row.get("id")) and display_text(row.get("id")) != partner_id]
    _ties_sheet(workbook, partner_id, others, previous, levels, ranges)
    services = data.services
    own = services[services["partner"] == partner_id] if services is not None and not services.empty else services
    _services_sheet(workbook, own if own is not None else pd.DataFrame(), ranges)
    _page_header(workbook, _t("i_dla", partner=display_text(partner.get("nazwa")), id=partner_id,
                              pomiar=measurement))
    workbook.move_sheet(lists, offset=len(workbook.sheetnames))
    _meta_sheet(workbook, _meta(KIND_PARTNER, data, partner_id, measurement, created))
    workbook.active = 0
    return workbook


def _meta(kind: str, data: GminaData, partner_id: str | None, measurement: str, created: dt.datetime) -> dict:
    return {"rodzaj": kind, "wersja": FORMAT_VERSION, "gmina": data.name, "teryt": data.teryt or None,
            "partner": partner_id, "pomiar": measurement, "utworzono": created.isoformat(timespec="seconds")}


def survey_form(data: GminaData, *, measurement: str, instrument: Instrument, created: dt.datetime) -> Workbook:
    """The anonymous survey as a workbook (its docstring): one row per item, the answer picked from a list."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SURVEY_SHEET
    lists, ranges = _lists_sheet(workbook)
    answers = [*instrument.scale, instrument.dont_know]
    column = len(ranges) + 1
    letter = get_column_letter(column)
    lists.cell(row=1, column=column, value="odpowiedzi_ankiety")
    for row, label in enumerate(answers, start=2):
        set_cell(lists.cell(row=row, column=column), label)
    answer_range = f"{quote_sheetname(LISTS_SHEET)}!${letter}$2:${letter}${len(answers) + 1}"
    notes = {"kod": _t("a_kod"), "pytanie": _t("a_pytanie"),
             "odpowiedz": _t("a_odpowiedz", nie_wiem=instrument.dont_know, skala_1=instrument.scale[0],
                             skala_5=instrument.scale[-1])}
    for col, name in enumerate(SURVEY_COLUMNS, start=1):
        spec = ColumnSpec(sheet=SURVEY_SHEET, name=name, required=name == "odpowiedz", kind="text")
        cell = header_cell(sheet, spec, col, note=notes[name])
        if name != "odpowiedz":
            cell.fill = _INFO_FILL
    for col, width in enumerate((8, 90, 34), start=1):
        sheet.column_dimensions[get_column_letter(col)].width = width
    rows = [(SECTOR_ROW_CODE, _t("a_sektor")), *((item.code, item.text) for item in instrument.items)]
    unlocked = Protection(locked=False)
    for row, (code, text) in enumerate(rows, start=2):
        for col, value in enumerate((code, text), start=1):
            cell = set_cell(sheet.cell(row=row, column=col), value)
            cell.fill, cell.alignment = _INFO_CELL_FILL, _WRAP
        sheet.cell(row=row, column=3).protection = unlocked
        sheet.row_dimensions[row].height = wrapped_height(("", text), (8, 90))
    sector = validation_for(_spec_column("ankieta", "sektor"), ranges)
    sector.add("C2")
    sheet.add_data_validation(sector)
    answer = DataValidation(
        type="list", formula1=answer_range, allow_blank=True, showErrorMessage=True, errorStyle="warning",
        errorTitle="odpowiedz", error=notes["odpowiedz"][:255], showInputMessage=True, promptTitle="odpowiedz",
        prompt=notes["odpowiedz"][:255],
    )
    answer.add(f"C3:C{len(rows) + 1}")
    sheet.add_data_validation(answer)
    sheet.freeze_panes = "A2"
    sheet.print_title_rows = "1:1"
    print_setup(sheet)
    _protect(sheet)
    instruction = workbook.create_sheet(INSTRUCTION_SHEET)
    lines = [("title", _t("a_tytul", tytul=instrument.title, gmina=data.name)),
             ("bold", _t("a_pomiar", pomiar=measurement)), ("text", instrument.introduction),
             ("bold", _t("a_kopia")), ("text", _t("a_jak", ankieta_druk=SURVEY_PRINT_NAME))]
    _instruction_sheet(instruction, lines)
    workbook.move_sheet(lists, offset=len(workbook.sheetnames))
    _page_header(workbook, f"{_t('a_tytul', tytul=instrument.title, gmina=data.name)} · {measurement}")
    _meta_sheet(workbook, _meta(KIND_SURVEY, data, None, measurement, created))
    workbook.active = 0
    return workbook


# -- letters --------------------------------------------------------------------------------------------------------


def letter_paragraphs(data: GminaData, partner: dict, file_name: str, *, measurement: str,
                      deadline: dt.date | None) -> list[str]:
    """The cover letter of one partner, paragraph by paragraph (the deadline sentence only when there is one)."""
    leader = data.leader
    leader_name = display_text(data.partner_names().get(leader)) if leader else ""
    paragraphs = [
        _t("l_powitanie"),
        _t("l_wstep", gmina=data.name, pomiar=measurement),
        _t("l_co", plik=file_name),
        _t("l_jak"),
        _t("l_zwrot"),
    ]
    if deadline is not None:
        paragraphs.append(sentence(_t("l_termin", termin=polish.date(deadline))))
    paragraphs += [
        _t("l_ankieta", ankieta=SURVEY_NAME, ankieta_druk=SURVEY_PRINT_NAME),
        _t("l_podziekowanie"),
        _t("l_podpis") + "\n" + (_t("l_nadawca", lider=leader_name) if leader_name else _t("l_nadawca_brak")),
    ]
    return paragraphs


def _letters_csv(rows: list[list[str]]) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=CSV_DELIMITER, lineterminator="\r\n")
    writer.writerow(LETTER_COLUMNS)
    writer.writerows(csv_row(row) for row in rows)
    return buffer.getvalue().encode(CSV_ENCODING)


def _letters_docx(data: GminaData, letters: list[tuple[str, list[str]]], measurement: str) -> bytes:
    """One page per partner, in the house style of ``pzk dokumenty``'s letters (no page numbers on a letter)."""
    from docx.shared import Pt

    from pzk_kit.workshop.documents import document_title, gmina_document

    title = _t("l_tytul")
    document = gmina_document(title, data.name, page_numbers=False)
    for index, (name, paragraphs) in enumerate(letters):
        document_title(document, _t("l_temat", gmina=data.name, pomiar=measurement), new_page=index > 0, size=13)
        heading = document.add_paragraph()
        word.run(heading, _t("l_do", partner=name), bold=True)
        heading.paragraph_format.space_after = Pt(10)
        for text in paragraphs:
            paragraph = document.add_paragraph()
            paragraph.paragraph_format.space_after = Pt(6)
            lines = text.split("\n")
            word.line_breaks(paragraph, lines)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _survey_docx(data: GminaData, measurement: str) -> bytes:
    """The printable survey of ``pzk dokumenty``, named for this gmina and measurement."""
    from pzk_kit.workshop.documents import build_survey_form

    buffer = io.BytesIO()
    build_survey_form(gmina_name=data.name, measurement=measurement).save(buffer)
    return buffer.getvalue()


# -- everything -----------------------------------------------------------------------------------------------------


def _check(data: GminaData, everyone: list[dict]) -> list[dict]:
    if not data.report.ok:
        from pzk_kit.runs.runner import InvalidInput

        raise InvalidInput(data.report)
    partners = form_partners(data, everyone)
    if not partners:
        raise NoPartnersForForms("brak partnerów z rolą lider lub partner")
    return partners


def _build(data: GminaData, measurement: str | None, deadline: dt.date | None) -> _Built:
    everyone = _records(data)
    partners = _check(data, everyone)
    instrument = load_instrument()
    target = target_measurement(data, measurement)
    previous = previous_measurement(data, target)
    levels = _previous_levels(data, previous)
    created = dt.datetime.now().replace(microsecond=0)
    names = _unique_names([form_file_name(display_text(p["id"]), display_text(p.get("nazwa"))) for p in partners])
    files: dict[str, bytes] = {}
    letter_rows: list[list[str]] = []
    letters: list[tuple[str, list[str]]] = []
    without_email = []
    for partner, name in zip(partners, names, strict=True):
        form = partner_form(data, partner, measurement=target, previous=previous, levels=levels, deadline=deadline,
                            created=created, everyone=everyone)
        files[name] = _workbook_bytes(form, created)
        paragraphs = letter_paragraphs(data, partner, name, measurement=target, deadline=deadline)
        partner_id, partner_name = display_text(partner["id"]), display_text(partner.get("nazwa"))
        email = display_text(partner.get("email"))
        if not email:
            without_email.append(partner_id)
        letter_rows.append([partner_id, partner_name, email, name, "\n\n".join(paragraphs)])
        letters.append((partner_name or partner_id, paragraphs))
    if instrument is not None:
        files[SURVEY_NAME] = _workbook_bytes(
            survey_form(data, measurement=target, instrument=instrument, created=created), created)
        files[SURVEY_PRINT_NAME] = _survey_docx(data, target)
    files[LETTERS_CSV] = _letters_csv(letter_rows)
    files[LETTERS_DOCX] = _letters_docx(data, letters, target)
    return _Built(target, previous, names, files, without_email)


def write_forms(data: GminaData, out: Path, *, measurement: str | None = None, deadline: dt.date | None = None,
                overwrite: bool = False) -> FormsResult:
    """Write every partner's form, the anonymous survey (xlsx and docx) and the cover letters into ``out``.

    ``out`` appears whole or not at all; an existing folder is replaced only with ``overwrite`` and only when it
    holds nothing but an earlier ``pzk formularze`` result (forms partners sent back are never deleted).
    Raises :class:`pzk_kit.runs.runner.InvalidInput` for data with errors and :class:`NoPartnersForForms`.
    """
    out = Path(out)
    protect = [data.source] if data.source else []
    check_output(out, overwrite=overwrite, protect=protect, result=COMMAND)  # refused before anything is built
    built = _build(data, measurement, deadline)
    with atomic_dir(out, overwrite=overwrite, protect=protect, result=COMMAND) as tmp:
        for name, content in built.files.items():
            (tmp / name).write_bytes(content)

    def path(name: str) -> Path | None:
        return out / name if name in built.files else None

    return FormsResult(
        folder=out, partner_forms=[out / name for name in built.partner_files], survey=out / SURVEY_NAME,
        measurement=built.measurement, letters_csv=path(LETTERS_CSV), letters_docx=path(LETTERS_DOCX),
        survey_print=path(SURVEY_PRINT_NAME), previous=built.previous, without_email=built.without_email,
    )


def forms_zip(data: GminaData, measurement: str | None = None, deadline: dt.date | None = None) -> bytes:
    """The same files as :func:`write_forms`, as one ZIP in memory (the app's download)."""
    built = _build(data, measurement, deadline)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in built.files.items():
            archive.writestr(name, content)
    return buffer.getvalue()
