"""Survey answers exported from Microsoft Forms, Google Forms or LimeSurvey, added to a gmina's ``ankieta`` sheet.

Each tool exports its own way: its own bookkeeping columns (response id, times, the respondent's e-mail and name),
headers that are the question text (sometimes inside the tool's ``Title [row]`` form), answers as the labels the
respondent clicked. The export is read with the kit's own reader (:mod:`pzk_kit.workbook.sources`: encodings,
delimiters, damaged files), each column is matched to an item by the code pasted with the question
(:mod:`.survey_text`), else by its wording, and every answer becomes the 1–5 / "nie wiem" of the ``ankieta``
sheet. Nothing is guessed silently: close wording matches, columns left out and answers that mean nothing are
all named, with the Excel row and column a user can find.

Privacy: the tool's columns are never copied, so e-mails and names stay out of the workbook; a respondent gets
an anonymous code derived from the answers and the tool's response id, the same on every import of the same
export, which is how a second import of the same file adds nobody.
"""

from __future__ import annotations

import difflib
import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from pzk_kit import polish, texts
from pzk_kit.collection.survey_text import TEXTS, instrument_or_error, wording
from pzk_kit.errors import PzkError
from pzk_kit.evaluation.instrument import Instrument
from pzk_kit.files import OutputExists
from pzk_kit.resources import read_table
from pzk_kit.workbook import sources
from pzk_kit.workbook.cells import DONT_KNOW, Bad, as_text, parse_survey_answer
from pzk_kit.workbook.dictionaries import dictionary
from pzk_kit.workbook.text import closest, normalize_code
from pzk_kit.workbook.validation import ValidationReport

CODE_PREFIX = "F"  # "formularz online"; partner forms merged by `pzk zbierz` use "A"
CLOSE_RATIO = 0.9  # difflib ratio on normalised wording from which a reworded question counts as the same one
HINT_RATIO = 0.6  # below CLOSE_RATIO but at least this: named as the nearest question of an unmatched column
HEADER_SCAN_ROWS = 5
BAD_SHOWN = 50  # answers named one by one; a whole column of nonsense is a wrong column, the count says so
_CODE = re.compile(r"^\s*q0*(\d{1,3})(?![0-9a-z])\s*[.)\-–—:]*\s*", re.IGNORECASE)
_INNER_CODE = re.compile(r"(?<![0-9a-z])q\d{2,3}(?![0-9a-z])", re.IGNORECASE)
_BRACKET = re.compile(r"\[([^\[\]]+)\]\s*$")  # Google's grid "Title [row]", LimeSurvey's "Question [sub-question]"
_LEADING_DIGIT = re.compile(r"^\s*([0-5])\s*[-–—.:)]\s*(\D.*)$")  # "4 - Raczej się zgadzam"
_SHOWN_CHARS = 60


class ImportRefused(PzkError):
    """The export or the gmina's data cannot be imported; nothing was written."""

    exit_code = 2


def _t(key: str, **values: object) -> str:
    return texts.fill(wording()[key], **values)


@cache
def tool_columns() -> dict[str, str]:
    """Normalised header of a survey tool's own column → its role: ``id``, ``czas``, ``osobowa``, ``techniczna``."""
    return {normalize_code(row["naglowek"]): row["rola"] for row in read_table("ankieta", "kolumny_narzedzi.csv")}


# -- columns ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    index: int  # 0-based, as in the raw table
    header: str

    @property
    def letter(self) -> str:
        return sources.column_letter(self.index + 1)

    def named(self) -> str:
        """``kolumna K („Moja instytucja…”)``: the letter Excel shows and the start of the header."""
        return f"kolumna {self.letter} („{_shorten(self.header)}”)" if self.header else f"kolumna {self.letter}"

    def short(self) -> str:
        return f"„{_shorten(self.header)}” ({self.letter})"


@dataclass(frozen=True)
class CloseMatch:
    column: Column
    code: str
    ratio: float


@dataclass
class ColumnMap:
    """Which column of the export holds what."""

    items: dict[int, str] = field(default_factory=dict)  # column index → item code
    by_code: list[int] = field(default_factory=list)
    by_text: list[int] = field(default_factory=list)
    close: list[CloseMatch] = field(default_factory=list)
    code_text_differs: list[tuple[Column, str]] = field(default_factory=list)
    sector: int | None = None
    ids: list[int] = field(default_factory=list)  # response id and time columns: they make the respondent code
    tool: list[Column] = field(default_factory=list)
    personal: list[Column] = field(default_factory=list)
    unmatched: list[tuple[Column, CloseMatch | None]] = field(default_factory=list)
    repeated: list[tuple[Column, str, Column]] = field(default_factory=list)

    @property
    def recognised(self) -> int:
        return len(self.items) + len(self.tool) + len(self.personal) + (self.sector is not None)


def _shorten(text: str) -> str:
    return text if len(text) <= _SHOWN_CHARS else text[: _SHOWN_CHARS - 1].rstrip() + "…"


def _candidates(header: str) -> list[str]:
    """Where a question's code or wording may be: a ``Title [row]`` header's row, the header from a code inside it
    (a Likert statement exported as ``Title.q01. …``), the whole header."""
    found = [header]
    inner = _INNER_CODE.search(header, 1)
    if inner:
        found.insert(0, header[inner.start():])
    bracket = _BRACKET.search(header)
    if bracket:
        found.insert(0, bracket.group(1))
    return found


def _code_of(header: str, instrument: Instrument) -> tuple[str | None, str]:
    """The item code a header starts with (``q07``, ``q07.``, ``Q07 -``, ``Tytuł [q07. …]``) and the text after it."""
    codes = {int(code[1:]): code for code in instrument.item_codes}
    for candidate in _candidates(header):
        match = _CODE.match(candidate)
        if match and int(match.group(1)) in codes:
            return codes[int(match.group(1))], candidate[match.end():]
    return None, header


def _best_text_match(header: str, wordings: dict[str, str]) -> tuple[str | None, float]:
    """The item whose normalised wording is nearest to the header's (or its ``[row]``'s): code and difflib ratio.

    The ratio is 2·matches / total length, so a text far shorter or longer than a wording cannot reach
    :data:`HINT_RATIO`; such pairs (a data row's "4" tried as a header) are skipped without running difflib.
    """
    best: tuple[str | None, float] = (None, 0.0)
    for candidate in _candidates(header):
        key = normalize_code(_CODE.sub("", candidate, count=1) if _CODE.match(candidate) else candidate)
        if not key:
            continue
        for code, wording_key in wordings.items():
            if key == wording_key:
                return code, 1.0
            ceiling = 2 * min(len(key), len(wording_key)) / (len(key) + len(wording_key))
            if ceiling < max(HINT_RATIO, best[1]):
                continue
            matcher = _matcher(wording_key)
            matcher.set_seq1(key)
            if matcher.quick_ratio() < HINT_RATIO or matcher.quick_ratio() <= best[1]:
                continue
            ratio = matcher.ratio()
            if ratio > best[1]:
                best = (code, ratio)
    return best


@cache
def _matcher(wording_key: str) -> difflib.SequenceMatcher:
    """One matcher per item wording: difflib indexes its second sequence once, and it is the fixed one here."""
    return difflib.SequenceMatcher(None, "", wording_key, autojunk=False)


def map_columns(headers: list[str], instrument: Instrument) -> ColumnMap:
    """Match every header: the tool's own columns, the sector, then items by code, exact wording, close wording."""
    wordings = {item.code: normalize_code(item.text) for item in instrument.items}
    known_tool = tool_columns()
    result = ColumnMap()
    first_of: dict[str, Column] = {}
    for index, header in enumerate(headers):
        column = Column(index, header)
        key = normalize_code(header)
        if not key:
            continue
        role = known_tool.get(key)
        if role is not None:
            if role in {"id", "czas"}:
                result.ids.append(index)
            (result.personal if role == "osobowa" else result.tool).append(column)
            continue
        code, rest = _code_of(header, instrument)
        how = "kod"
        if code is None and "sektor" in key and result.sector is None:
            result.sector = index
            continue
        ratio = 1.0
        if code is None:
            code, ratio = _best_text_match(header, wordings)
            how = "tresc" if ratio == 1.0 else "podobna"
            if ratio < CLOSE_RATIO:
                near = CloseMatch(column, code, ratio) if code and ratio >= HINT_RATIO else None
                result.unmatched.append((column, near))
                continue
        elif normalize_code(rest) and not wordings[code].startswith(normalize_code(rest)):  # a cut header is fine
            _, text_ratio = _best_text_match(rest, {code: wordings[code]})
            if text_ratio < CLOSE_RATIO:
                result.code_text_differs.append((column, code))
        if code in first_of:
            result.repeated.append((column, code, first_of[code]))
            continue
        first_of[code] = column
        result.items[index] = code
        if how == "kod":
            result.by_code.append(index)
        elif how == "tresc":
            result.by_text.append(index)
        else:
            result.close.append(CloseMatch(column, code, ratio))
    return result


# -- answers ---------------------------------------------------------------------------------------------------


@cache
def _answer_labels() -> dict[str, int]:
    """Normalised scale label → answer (the five labels of ``metadane.csv`` and "nie wiem")."""
    instrument = instrument_or_error()
    labels = {normalize_code(label): value for value, label in enumerate(instrument.scale, start=1)}
    labels[normalize_code(instrument.dont_know)] = DONT_KNOW
    return labels


def parse_answer(value: object) -> int | Bad | None:
    """1–5, :data:`DONT_KNOW` (0), None for no answer, or :class:`Bad` for anything else.

    The tools export the label the respondent clicked; digits come from LimeSurvey's code export or a person's
    typing. Labels are compared like headers (case, diacritics, punctuation), so ``raczej sie zgadzam`` counts.
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, str):
        found = _answer_labels().get(normalize_code(value))
        if found is not None:
            return found
        lead = _LEADING_DIGIT.match(value)
        if lead and _answer_labels().get(normalize_code(lead.group(2))) == int(lead.group(1)):
            return int(lead.group(1))
    parsed = parse_survey_answer(value)
    return parsed if not isinstance(parsed, Bad) else Bad(as_text(value))


@dataclass(frozen=True)
class BadAnswer:
    row: int  # as Excel shows it
    column: Column
    value: str
    suggestion: str | None
    sector: bool = False


def _suggest_answer(value: str) -> str | None:
    instrument = instrument_or_error()
    return closest(value, [*instrument.scale, instrument.dont_know], cutoff=0.8)


# -- the import ------------------------------------------------------------------------------------------------


@dataclass
class ImportResult:
    export: Path
    sheet: str | None
    gmina: str
    measurement: str
    items: list[str]  # every item code of the instrument, in order
    columns: ColumnMap
    bad: list[BadAnswer]
    rows_in_export: int
    added: list[str]
    skipped: list[str]
    empty: int
    in_measurement: int  # respondents of the measurement after the import
    minimum: int
    input: Path
    out: Path | None = None
    reading_notes: list[str] = field(default_factory=list)

    @property
    def missing_items(self) -> list[str]:
        present = set(self.columns.items.values())
        return [code for code in self.items if code not in present]


@dataclass(frozen=True)
class ImportedRow:
    respondent: str
    sector: str | None
    answers: dict[str, int]


def read_export(path: Path) -> tuple[sources.RawTable, int, ColumnMap, ValidationReport]:
    """The export's table: a ``.csv`` file or the sheet of an ``.xlsx`` whose header matches the most items."""
    report = ValidationReport(source=str(path))
    if not path.is_file():
        raise ImportRefused(f"Nie znaleziono pliku „{path}” z wynikami ankiety. Sprawdź ścieżkę.")
    suffix = path.suffix.lower()
    tables: list[sources.RawTable] = []
    if suffix == ".csv":
        table = sources.load_csv_file(path, report)  # one file, not a gmina's folder: load_tables would refuse it
        tables = [table] if table is not None else []
    elif suffix in {".xlsx", ".xlsm"}:
        tables = sources.load_tables(path, report)
    else:
        raise ImportRefused(f"Plik „{path.name}” ma rozszerzenie {suffix or '(brak)'}, a import czyta wyniki ankiety "
                            "zapisane jako .xlsx albo .csv. W narzędziu ankietowym wybierz „Pobierz do Excela” "
                            "(Microsoft Forms), „Pobierz odpowiedzi (.csv)” (Formularze Google) albo „Eksportuj "
                            "odpowiedzi” do CSV lub Excela (LimeSurvey).")
    if report.errors or not tables:
        text = report.format_text() if report.errors else f"Plik „{path.name}” nie zawiera żadnych danych."
        raise ImportRefused(text + "\nNic nie zapisano.")
    instrument = instrument_or_error()
    found = [(table, *_header_row(table, instrument)) for table in tables if not table.cells.empty]
    if not found:
        raise ImportRefused(f"Plik „{path.name}” nie zawiera żadnych danych.\nNic nie zapisano.")
    table, header_at, columns = max(found, key=lambda f: (len(f[2].items), f[2].recognised))
    return table, header_at, columns, report


def _header_row(table: sources.RawTable, instrument: Instrument) -> tuple[int, ColumnMap]:
    """Position (among the table's rows) of the header row and its mapping: the first rows' best-recognised one."""
    best = (0, ColumnMap())
    for position, row in enumerate(table.head(HEADER_SCAN_ROWS)):
        mapping = map_columns(_headers(row), instrument)
        if len(mapping.items) > len(best[1].items):
            best = (position, mapping)
    return best


def _headers(row: Iterable[Any]) -> list[str]:
    return ["" if value is None else as_text(value) for value in row]


def import_survey(export: Path, input_path: Path, out: Path, *, measurement: str | None = None,
                  overwrite: bool = False) -> ImportResult:
    """Add the export's respondents to the gmina's ``ankieta`` sheet in a new workbook ``out``.

    ``input_path`` is only read. Respondents already in the sheet for the measurement (same code) are skipped.
    Raises :class:`ImportRefused` (nothing written) for an unreadable export, one without any recognised item, or
    invalid gmina data; :class:`pzk_kit.files.OutputExists` when ``out`` exists and ``overwrite`` is false.
    """
    from pzk_kit.evaluation.scores import min_respondents
    from pzk_kit.measurement import run_measurement
    from pzk_kit.workbook.reading import read_gmina
    from pzk_kit.workbook.templates import write_filled_workbook
    from pzk_kit.workshop.workbook_rows import workbook_rows

    export, input_path, out = Path(export), Path(input_path), Path(out)
    _check_out(export, input_path, out, overwrite)
    instrument = instrument_or_error()
    table, header_at, columns, reading = read_export(export)
    if not columns.items:
        raise ImportRefused(_t("import_zadne_pytanie", plik=export.name) + "\n"
                            + _t("import_zadne_pytanie_rada") + "\nNic nie zapisano.")
    data = read_gmina(input_path)
    if not data.report.ok:
        raise ImportRefused(data.report.format_text() + f"\nDane gminy „{input_path}” mają błędy — popraw je "
                            "(pzk validate) i zaimportuj ankietę ponownie. Nic nie zapisano.")
    chosen = measurement or run_measurement(data)
    existing = set()
    if data.has("ankieta"):
        survey = data.survey
        existing = set(survey.loc[survey["pomiar"] == chosen, "respondent"].astype(str))
    rows, bad, empty = _read_answers(table, header_at, columns, instrument)
    added = [row for row in rows if row.respondent not in existing]
    skipped = [row.respondent for row in rows if row.respondent in existing]
    sheet_rows = workbook_rows(data)
    survey_rows = sheet_rows.get("ankieta", [])
    survey_rows.extend(_sheet_row(row, chosen, instrument) for row in added)
    if survey_rows:
        sheet_rows["ankieta"] = survey_rows
    write_filled_workbook(sheet_rows, out, overwrite=overwrite)
    return ImportResult(
        export=export, sheet=table.source_name if export.suffix.lower() != ".csv" else None, gmina=data.name,
        measurement=chosen, items=instrument.item_codes, columns=columns, bad=bad,
        rows_in_export=len(rows) + empty, added=[row.respondent for row in added], skipped=skipped, empty=empty,
        in_measurement=len(existing) + len(added), minimum=min_respondents(), input=input_path, out=out,
        reading_notes=[str(p) for p in reading.warnings],
    )


def _check_out(export: Path, input_path: Path, out: Path, overwrite: bool) -> None:
    """Refusals made before any reading: the input and the export are never overwritten, whatever is asked."""
    if out.suffix.lower() != ".xlsx":
        raise ImportRefused(f"Nowy skoroszyt „{out}” musi mieć rozszerzenie .xlsx (np. {out.with_suffix('.xlsx')}).")
    target = out.expanduser().resolve()
    for source, what in ((input_path, "danymi gminy"), (export, "wynikami ankiety")):
        if source.expanduser().resolve() == target:
            raise ImportRefused(f"„{out}” to plik z {what} — import nigdy go nie nadpisuje. Podaj nazwę nowego "
                                "skoroszytu, np. gmina_z_ankieta.xlsx.")
    if (out.exists() or out.is_symlink()) and not overwrite:
        raise OutputExists(out)


def _read_answers(table: sources.RawTable, header_at: int, columns: ColumnMap,
                  instrument: Instrument) -> tuple[list[ImportedRow], list[BadAnswer], int]:
    """Each respondent's answers (bad ones reported and left empty), codes made unique; empty responses counted."""
    headers = _headers(table.head(header_at + 1)[header_at])
    sectors = dictionary("sektory")
    rows: list[ImportedRow] = []
    bad: list[BadAnswer] = []
    empty = 0
    seen: dict[str, int] = {}
    body = table.cells.iloc[header_at + 1:]
    numbers = table.row_numbers[header_at + 1:]
    for values, excel_row in zip(body.itertuples(index=False, name=None), numbers, strict=True):
        answers: dict[str, int] = {}
        for index, code in columns.items.items():
            parsed = parse_answer(values[index] if index < len(values) else None)
            if isinstance(parsed, Bad):
                bad.append(BadAnswer(int(excel_row), Column(index, headers[index]), parsed.expected,
                                     _suggest_answer(parsed.expected)))
            elif parsed is not None:
                answers[code] = parsed
        sector = None
        if columns.sector is not None and columns.sector < len(values) and values[columns.sector] is not None:
            raw = values[columns.sector]
            sector = sectors.resolve(raw)
            if sector is None:
                bad.append(BadAnswer(int(excel_row), Column(columns.sector, headers[columns.sector]), as_text(raw),
                                     sectors.suggest(as_text(raw)), sector=True))
        if not answers:
            empty += 1
            continue
        key = _respondent_key(answers, sector, [values[i] if i < len(values) else None for i in columns.ids],
                              instrument)
        seen[key] = seen.get(key, 0) + 1
        if seen[key] > 1:  # the same answers and no id to tell them apart: two people, not one sent twice
            key += f"|{seen[key]}"
        rows.append(ImportedRow(respondent_code(key), sector, answers))
    return rows, sorted(bad, key=lambda b: (b.row, b.column.index)), empty


def _respondent_key(answers: dict[str, int], sector: str | None, ids: list[object], instrument: Instrument) -> str:
    pairs = ";".join(f"{code}={answers.get(code, '')}" for code in instrument.item_codes)
    return f"{pairs};sektor={sector or ''}|" + "|".join("" if v is None else as_text(v) for v in ids)


def respondent_code(key: str) -> str:
    """``F`` and 8 hex digits of the key's SHA-256: anonymous, and the same on every import of the same export."""
    return CODE_PREFIX + hashlib.sha256(key.encode("utf-8")).hexdigest()[:8]


def _sheet_row(row: ImportedRow, measurement: str, instrument: Instrument) -> list[Any]:
    """The row as a person fills the ``ankieta`` sheet (template column order, sector as its Polish label)."""
    from pzk_kit.workbook.schema import load_schema

    values: dict[str, Any] = {
        "respondent": row.respondent, "pomiar": measurement, "partner": None,
        "sektor": dictionary("sektory").label(row.sector) if row.sector else None,
    }
    for code in instrument.item_codes:
        answer = row.answers.get(code)
        values[code] = "nie wiem" if answer == DONT_KNOW else answer
    return [values.get(column.name) for column in load_schema()["ankieta"].columns]


# -- the report ------------------------------------------------------------------------------------------------


def report_lines(result: ImportResult) -> list[str]:
    """The Polish console report of one import."""
    instrument = instrument_or_error()
    text_of = {item.code: item.text for item in instrument.items}
    cols = result.columns
    sheet = f" (arkusz „{result.sheet}”)" if result.sheet else ""
    lines = [_t("import_naglowek", plik=result.export.name, arkusz=sheet, pomiar=result.measurement,
                gmina=result.gmina)]
    lines += [f"UWAGA: {note}" for note in result.reading_notes]
    lines.append(_t("import_pytania", rozpoznane=len(cols.items), wszystkie=len(result.items),
                    po_kodzie=len(cols.by_code), po_tresci=len(cols.by_text), podobne=len(cols.close)))
    if cols.close:
        lines.append(_t("import_podobne"))
        lines += ["  " + _t("import_podobne_wiersz", kolumna=m.column.named(), kod=m.code,
                            tresc=_shorten(text_of[m.code]), procent=_percent(m.ratio)) for m in cols.close]
    lines += ["  " + _t("import_kod_inna_tresc", kolumna=c.named(), kod=code, tresc=_shorten(text_of[code]))
              for c, code in cols.code_text_differs]
    if cols.tool:
        lines.append(_t("import_narzedzie", kolumny=", ".join(c.short() for c in cols.tool)))
    if cols.personal:
        lines.append(_t("import_osobowe", kolumny=", ".join(c.short() for c in cols.personal)))
    if cols.unmatched or cols.repeated:
        lines.append(_t("import_nierozpoznane"))
        for column, near in cols.unmatched:
            hint = " " + _t("import_najblizsze", kod=near.code, procent=_percent(near.ratio)) if near else ""
            lines.append("  " + _t("import_nierozpoznane_wiersz", kolumna=column.named(), podpowiedz=hint))
        lines += ["  " + _t("import_powtorzone", kolumna=c.named(), kod=code, pierwsza=first.letter)
                  for c, code, first in cols.repeated]
    if result.missing_items:
        lines.append(_t("import_brakujace", lista=", ".join(result.missing_items)))
    if result.bad:
        lines.append(_t("import_bledne", liczba=len(result.bad)))
        for problem in result.bad[:BAD_SHOWN]:
            hint = " " + _t("import_czy_chodzilo", etykieta=problem.suggestion) if problem.suggestion else ""
            lines.append("  " + _t("import_bledne_wiersz", wiersz=problem.row, kolumna=problem.column.named(),
                                   wartosc=_shorten(problem.value), podpowiedz=hint))
        if len(result.bad) > BAD_SHOWN:
            lines.append("  " + _t("import_bledne_wiecej", liczba=len(result.bad) - BAD_SHOWN, pokazane=BAD_SHOWN))
        if any(not p.sector for p in result.bad):
            lines.append(_t("import_dozwolone_odpowiedzi", etykiety=", ".join(f"„{s}”" for s in instrument.scale),
                            nie_wiem=instrument.dont_know))
        if any(p.sector for p in result.bad):
            lines.append(_t("import_dozwolone_sektory"))
    lines.append(_t("import_respondenci", w_pliku=result.rows_in_export, dodano=len(result.added),
                    pominieto=len(result.skipped), puste=result.empty))
    if result.out is not None:
        lines.append(_t("import_zapisano", plik=result.out, pomiar=result.measurement,
                        liczba=result.in_measurement, wejscie=result.input))
    if result.in_measurement < result.minimum:
        lines.append(_t("import_malo", pomiar=result.measurement, liczba=result.in_measurement,
                        minimum=result.minimum))
    return lines


def _percent(ratio: float) -> str:
    return polish.percent(ratio)


__all__ = ["TEXTS", "ImportRefused", "ImportResult", "import_survey", "map_columns", "parse_answer",
           "report_lines", "respondent_code"]
