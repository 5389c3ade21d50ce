"""Merging the forms partners sent back (``pzk zbierz``) into a new workbook of the gmina.

Partners fill their forms offline, in Excel, each at their own pace; the leader drops whatever came back into one
folder and merges it as often as needed. So the merge must be safe to repeat (the same folder twice changes
nothing), must never trust a file it did not check (every cell goes through the workbook's own rules, and a form
with one bad cell is left out whole rather than half-merged), and must tell the leader plainly who answered, who
did not and whose file was refused and why — the status is what the leader acts on before the meeting.
The file format is in :mod:`pzk_kit.collection.form_format`; so are the rules of the merge.
"""

from __future__ import annotations

import csv
import dataclasses
import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from pzk_kit.collection.form_format import (
    FORMAT_VERSION,
    KIND_PARTNER,
    KIND_SURVEY,
    META_SHEET,
    SERVICES_SHEET,
    SURVEY_SHEET,
    TIES_SHEET,
)
from pzk_kit.errors import PzkError
from pzk_kit.files import atomic_file, describe_os_error
from pzk_kit.spreadsheet_safety import csv_row
from pzk_kit.workbook.cells import DONT_KNOW, Bad, as_text, normalize_raw, parse_pomiar, parse_teryt
from pzk_kit.workbook.reading import GminaData, cell_checker, measurement_order
from pzk_kit.workbook.schema import MULTI_KINDS, load_schema
from pzk_kit.workbook.sources import RawTable, load_tables
from pzk_kit.workbook.templates import write_filled_workbook
from pzk_kit.workbook.text import normalize_code
from pzk_kit.workbook.validation import Problem, Severity, ValidationReport
from pzk_kit.workshop.workbook_rows import workbook_rows

STATUS_NAME = "status_zbierania.csv"
STATUS_ENCODING = "utf-8-sig"  # Excel on Windows opens a BOM-marked UTF-8 file with the Polish letters intact

SENT = "odesłał"
EMPTY_FORM = "pusty: bez żadnego poziomu, odpowiedzi bez zmian"  # usługi are still taken from it
MISSING = "nie odesłał"
REFUSED = "odrzucony"
SUPERSEDED = "zastąpiony nowszym"
SURVEY_ADDED = "dołączona"
SURVEY_PRESENT = "pominięta: już jest w danych"
SURVEY_EMPTY = "pominięta: bez odpowiedzi"
SURVEY_REFUSED = "odrzucona"

TIE_ANSWERS = ("poziom", "formy", "zaufanie", "wartosc")
SURVEY_SECTOR_ROW = "sektor"
_MAX_LISTED_PROBLEMS = 8  # per file on the console; the status CSV has them all


class MergeRefused(PzkError):
    """Nothing can be merged at all (folder missing, INPUT invalid, output refused): said before any work."""

    exit_code = 2


@dataclass
class FormOutcome:
    """What became of one returned file."""

    path: Path
    kind: str | None = None
    partner: str | None = None
    measurement: str | None = None
    status: str = ""
    reason: str = ""
    answered: int = 0
    empty: int = 0
    services: int = 0
    respondent: str | None = None
    problems: list[Problem] = field(default_factory=list)
    modified: float = 0.0
    checked: bool = False  # a known partner's form of a wanted measurement: its content was read
    # Typed records ready to merge (kept until the merge decides which file of a partner wins).
    ties: list[dict[str, Any]] = field(default_factory=list)
    service_rows: list[dict[str, Any]] | None = None
    survey_row: dict[str, Any] | None = None

    @property
    def accepted(self) -> bool:
        return self.status in {SENT, EMPTY_FORM, SURVEY_ADDED, SURVEY_PRESENT}

    @property
    def status_text(self) -> str:
        return f"{self.status}: {self.reason}" if self.reason else self.status

    def problem_lines(self) -> list[str]:
        return [f"{shown_name(self.path)}: {p.severity.value} — {p.located_text}" for p in self.problems]


@dataclass
class MergeResult:
    """The merged gmina, its rows for the workbook, and what happened to every file."""

    data: GminaData
    rows: dict[str, list[list[Any]]]
    forms: list[FormOutcome]
    notes: list[str]
    expected: list[str]  # partners that should answer (role lider or partner)

    @property
    def merged_anything(self) -> bool:
        return any(f.accepted for f in self.forms)

    @property
    def surveys(self) -> list[FormOutcome]:
        return [f for f in self.forms if f.kind == KIND_SURVEY]

    def missing(self) -> list[str]:
        answered = {f.partner for f in self.forms if f.kind == KIND_PARTNER and f.status == SENT}
        return [pid for pid in self.expected if pid not in answered]

    def status_rows(self) -> list[dict[str, Any]]:
        """One row per partner expected to answer and per file: the leader's list of whom to remind."""
        names = self.data.partner_names()
        partner_forms = [f for f in self.forms if f.kind == KIND_PARTNER and f.partner in names]
        rows: list[dict[str, Any]] = []
        listed: set[int] = set()
        order = [*self.expected, *(p for p in names if p not in self.expected)]
        for pid in order:
            own = [f for f in partner_forms if f.partner == pid]
            if not own and pid in self.expected:
                rows.append(_status_row("formularz partnera", pid, names.get(pid, ""), "", MISSING))
            for form in own:
                listed.add(id(form))
                rows.append(_status_row("formularz partnera", pid, names.get(pid, ""), shown_name(form.path),
                                        form.status_text, form))
        for form in self.forms:
            if id(form) in listed:
                continue
            kind = "ankieta" if form.kind == KIND_SURVEY else "formularz partnera" if form.kind else "plik"
            rows.append(_status_row(kind, form.partner or "", names.get(form.partner or "", ""), shown_name(form.path),
                                    form.status_text, form))
        return rows


def _status_row(kind: str, pid: str, name: str, file: str, status: str,
                form: FormOutcome | None = None) -> dict[str, Any]:
    problems = "; ".join(p.located_text for p in form.problems if p.severity is Severity.ERROR) if form else ""
    return {
        "rodzaj": kind, "partner": pid, "nazwa": name, "plik": file, "status": status,
        "odpowiedzi": form.answered if form and form.kind == KIND_PARTNER and form.accepted else "",
        "puste": form.empty if form and form.kind == KIND_PARTNER and form.accepted else "",
        "uslugi": form.services if form and form.kind == KIND_PARTNER and form.accepted else "",
        "bledy": problems,
    }


# -- reading one form ----------------------------------------------------------------------------------------


class _FormReader:
    """Reads and checks one returned file against the gmina it should belong to."""

    def __init__(self, data: GminaData, measurement: str | None) -> None:
        self.data = data
        self.measurement = measurement
        self.schema = load_schema()
        self.partner_ids = {normalize_code(pid): pid for pid in data.partners["id"] if pid}
        self.service_owner = dict(zip(data.services["id"], data.services["partner"], strict=True))

    def read(self, path: Path) -> FormOutcome:
        outcome = FormOutcome(path=path)
        try:
            outcome.modified = path.stat().st_mtime
        except OSError as exc:  # removed meanwhile, or locked by another program on Windows
            return self._refuse(outcome, f"nie da się go odczytać ({describe_os_error(exc)})")
        report = ValidationReport(source=str(path))
        # Sheet names compared as headers are ("Współpraca" = "wspolpraca"): a partner may retype a tab's name.
        tables = {normalize_code(t.source_name): t for t in load_tables(path, report)}
        if not tables:
            first = report.errors[0].text if report.errors else "plik jest pusty"
            return self._refuse(outcome, f"nie da się go odczytać ({first})")
        meta = _meta_fields(tables.get(normalize_code(META_SHEET)))
        kind = meta.get("rodzaj")
        if kind not in {KIND_PARTNER, KIND_SURVEY}:
            return self._refuse(outcome, f"to nie jest formularz zestawu PZK (brak ukrytego arkusza „{META_SHEET}” "
                                         "z rodzajem formularza)")
        outcome.kind = kind
        outcome.partner = meta.get("partner") or None
        if meta.get("wersja") != FORMAT_VERSION:
            return self._refuse(outcome, f"formularz w wersji „{meta.get('wersja', '')}”, a zestaw czyta wersję "
                                         f"{FORMAT_VERSION} — wyślij partnerowi nowy formularz")
        refusal = self._foreign(meta)
        if refusal:
            return self._refuse(outcome, refusal)
        pomiar = parse_pomiar(meta.get("pomiar") or "")
        if isinstance(pomiar, Bad):
            return self._refuse(outcome, f"niepoprawny pomiar „{meta.get('pomiar', '')}” w formularzu")
        outcome.measurement = pomiar
        if self.measurement and pomiar != self.measurement:
            return self._refuse(outcome, f"formularz pomiaru {pomiar}, a zbieram pomiar {self.measurement}")
        checker = cell_checker(report)
        if kind == KIND_PARTNER:
            partner = self.partner_ids.get(normalize_code(outcome.partner or ""))
            if partner is None:
                return self._refuse(outcome, f"nieznany partner „{outcome.partner or ''}” — nie ma go w arkuszu "
                                             "partnerzy")
            outcome.partner = partner
            outcome.checked = True
            self._read_ties(tables.get(TIES_SHEET), outcome, checker, report)
            self._read_services(tables.get(SERVICES_SHEET), outcome, checker, report)
        else:
            outcome.partner = None
            self._read_survey(tables.get(SURVEY_SHEET), outcome, checker, report)
        outcome.problems = [p for p in report.problems if p.severity is not Severity.INFO]
        if report.errors:
            count = len(report.errors)
            return self._refuse(outcome, f"błędy w formularzu ({count}) — popraw je i odeślij ponownie",
                                keep_problems=True)
        if kind == KIND_PARTNER:
            # A form sent back untouched (or the blank one still in the folder) must not wipe the answers
            # already collected: its partner stays on the list to remind.
            outcome.status = SENT if outcome.answered else EMPTY_FORM
        return outcome

    @staticmethod
    def _refuse(outcome: FormOutcome, reason: str, *, keep_problems: bool = False) -> FormOutcome:
        outcome.status = SURVEY_REFUSED if outcome.kind == KIND_SURVEY else REFUSED
        outcome.reason = reason
        outcome.ties, outcome.service_rows, outcome.survey_row = [], None, None
        if not keep_problems:
            outcome.problems = []
        return outcome

    def _foreign(self, meta: dict[str, str]) -> str | None:
        """Why a form belongs to another gmina, or None: a name or a TERYT that differs is enough."""
        name, teryt = meta.get("gmina", ""), meta.get("teryt", "")
        if normalize_code(name) != normalize_code(self.data.name):
            return f"formularz innej gminy („{name}”, a dane są gminy „{self.data.name}”)"
        typed = parse_teryt(teryt) if teryt else None
        if typed and self.data.teryt and (teryt if isinstance(typed, Bad) else typed) != str(self.data.teryt):
            return f"formularz innej gminy (TERYT {teryt}, a dane mają TERYT {self.data.teryt})"
        return None

    # -- partner form: cooperation --------------------------------------------------------------------------
    def _read_ties(self, table: RawTable | None, outcome: FormOutcome, checker, report: ValidationReport) -> None:
        spec = self.schema["wspolpraca"]
        columns = self._columns(table, TIES_SHEET, ("do", "poziom"), report)
        if table is None or columns is None:
            return
        seen: dict[str, int] = {}
        for number, row in zip(table.row_numbers[1:], table.rows[1:], strict=True):
            number = int(number)
            cells = {name: _at(row, index) for name, index in columns.items()}
            answers = {name: cells.get(name) for name in TIE_ANSWERS}
            other = cells.get("do")
            if other is None and all(v is None for v in answers.values()):
                continue
            target = self.partner_ids.get(normalize_code(other)) if other is not None else None
            if answers["poziom"] is None:
                outcome.empty += 1
                if any(answers[name] is not None for name in TIE_ANSWERS[1:]):
                    report.warning("Wypełniono formy, zaufanie lub wartość, ale nie poziom — wiersz pominięto.",
                                   sheet=table.source_name, row=number, column="poziom",
                                   hint="Wpisz poziom współpracy 0–5 (0 = brak kontaktu).")
                continue
            if target is None:
                report.error(f"Nieznany partner „{as_text(other)}” w kolumnie „do”.", sheet=table.source_name,
                             row=number, column="do", value=as_text(other),
                             hint="Nie zmieniaj kolumny „do”: zawiera identyfikatory partnerów z arkusza partnerzy.")
                continue
            if target == outcome.partner:
                report.error("Partner ocenia współpracę sam ze sobą.", sheet=table.source_name, row=number,
                             column="do", value=target, hint="W kolumnie „do” ma być inny partner.")
                continue
            if target in seen:
                report.error(f"Partner „{target}” jest w formularzu drugi raz (pierwszy raz w wierszu "
                             f"{seen[target]}).", sheet=table.source_name, row=number, column="do", value=target,
                             hint="Zostaw jeden wiersz na partnera.")
                continue
            seen[target] = number
            record: dict[str, Any] = {"od": outcome.partner, "do": target, "pomiar": outcome.measurement}
            for name in TIE_ANSWERS:
                value = answers[name]
                record[name] = () if name == "formy" else None
                if value is not None and name in columns:
                    typed = checker.check_cell(spec.column(name), value, sheet=table.source_name, row=number,
                                               header=name)
                    record[name] = typed if typed is not None else record[name]
            outcome.ties.append(record)
            outcome.answered += 1

    # -- partner form: services -----------------------------------------------------------------------------
    def _read_services(self, table: RawTable | None, outcome: FormOutcome, checker,
                       report: ValidationReport) -> None:
        """The partner's services as the form has them; None (left untouched) when the sheet is missing."""
        if table is None:
            return
        spec = self.schema["uslugi"]
        header = table.rows[0] if table.rows else ()
        columns: dict[str, int] = {}
        for index, cell in enumerate(header):
            name = spec.match_header(cell) if cell is not None else None
            if name and name != "partner" and name not in columns:
                columns[name] = index
        if not columns:
            report.error("Nie znaleziono wiersza nagłówków.", sheet=table.source_name, row=1,
                         hint="Pierwszy wiersz arkusza ma nazwy kolumn: id, nazwa, obszary, grupy, …; nie usuwaj go.")
            return
        rows: list[dict[str, Any]] = []
        seen: dict[str, int] = {}
        for number, row in zip(table.row_numbers[1:], table.rows[1:], strict=True):
            number = int(number)
            cells = {name: _at(row, index) for name, index in columns.items()}
            if all(v is None for v in cells.values()):
                continue
            record: dict[str, Any] = {c.name: (() if c.kind in MULTI_KINDS else None) for c in spec.columns}
            record["partner"] = outcome.partner
            for column in spec.columns:
                if column.name == "partner":
                    continue
                value = cells.get(column.name)
                if value is None:
                    if column.required and column.name != "id":
                        report.error("Brak wartości w wymaganej kolumnie.", sheet=table.source_name, row=number,
                                     column=column.name, hint=f"Uzupełnij: {column.description}")
                    continue
                typed = checker.check_cell(column, value, sheet=table.source_name, row=number, header=column.name)
                if typed is not None:
                    record[column.name] = typed
            service_id = record["id"]
            if service_id is not None:
                owner = self.service_owner.get(service_id)
                if owner is not None and owner != outcome.partner:
                    report.error(f"Usługa „{service_id}” należy do innego partnera („{owner}”).",
                                 sheet=table.source_name, row=number, column="id", value=service_id,
                                 hint="Zostaw to pole puste dla nowej usługi — zestaw nada jej kod.")
                elif service_id in seen:
                    report.error(f"Kod usługi „{service_id}” powtarza się (pierwszy raz w wierszu "
                                 f"{seen[service_id]}).", sheet=table.source_name, row=number, column="id",
                                 value=service_id, hint="Zostaw pole puste dla nowej usługi.")
                seen[service_id] = number
            rows.append(record)
        outcome.service_rows = rows
        outcome.services = len(rows)

    # -- anonymous survey -----------------------------------------------------------------------------------
    def _read_survey(self, table: RawTable | None, outcome: FormOutcome, checker, report: ValidationReport) -> None:
        spec = self.schema["ankieta"]
        columns = self._columns(table, SURVEY_SHEET, ("kod", "odpowiedz"), report)
        if table is None or columns is None:
            return
        items = {c.name for c in spec.columns if c.kind == "survey_item"}
        labels = _survey_labels()
        record: dict[str, Any] = {c.name: None for c in spec.columns}
        record.update(pomiar=outcome.measurement, partner=None)
        answered = 0
        for number, row in zip(table.row_numbers[1:], table.rows[1:], strict=True):
            number = int(number)
            code = normalize_code(_at(row, columns["kod"]))
            value = _at(row, columns["odpowiedz"])
            if value is None or not code:
                continue
            if code == SURVEY_SECTOR_ROW:
                record["sektor"] = checker.check_cell(spec.column("sektor"), value, sheet=table.source_name,
                                                      row=number, header="odpowiedz")
                continue
            if code not in items:
                report.warning(f"Nieznany kod pytania „{as_text(_at(row, columns['kod']))}” — pomijam wiersz.",
                               sheet=table.source_name, row=number, column="kod",
                               hint="Nie zmieniaj kolumny „kod”.")
                continue
            value = labels.get(normalize_code(value), value)
            typed = checker.check_cell(spec.column(code), value, sheet=table.source_name, row=number,
                                       header="odpowiedz")
            if typed is not None:
                record[code] = typed
                answered += 1
        if not answered:
            outcome.status = SURVEY_EMPTY
            return
        answers = "|".join(f"{k}={'' if record[k] is None else record[k]}" for k in ("sektor", *sorted(items)))
        digest = hashlib.sha256(f"{answers}|{outcome.path.name}".encode()).hexdigest()
        record["respondent"] = "A" + digest[:8].upper()
        outcome.respondent = record["respondent"]
        outcome.survey_row = record

    @staticmethod
    def _columns(table: RawTable | None, sheet: str, required: tuple[str, ...],
                 report: ValidationReport) -> dict[str, int] | None:
        """Header → column index of a form sheet (headers compared leniently, as in the workbook)."""
        if table is None or not table.rows:
            report.error(f"Brakuje arkusza „{sheet}” (albo jest pusty).", sheet=sheet,
                         hint="Odeślij formularz w takiej postaci, w jakiej został wysłany — bez usuwania arkuszy.")
            return None
        columns: dict[str, int] = {}
        for index, cell in enumerate(table.rows[0]):
            key = normalize_code(cell) if cell is not None else ""
            if key and key not in columns:
                columns[key] = index
        missing = [name for name in required if name not in columns]
        for name in missing:
            report.error(f"Brakuje kolumny „{name}”.", sheet=table.source_name, row=int(table.row_numbers[0]),
                         column=name, hint="Nie usuwaj ani nie zmieniaj nazw kolumn formularza.")
        return None if missing else columns


def shown_name(path: Path) -> str:
    """A file name as the console and the CSV may show it: an escape sequence or a direction override in the name
    of a file someone sent must not recolour the terminal or reorder the status (cleaned as cells are)."""
    return str(normalize_raw(path.name) or "")


def _at(row: tuple, index: int | None) -> object:
    return row[index] if index is not None and index < len(row) else None


def _meta_fields(table: RawTable | None) -> dict[str, str]:
    if table is None:
        return {}
    fields: dict[str, str] = {}
    for row in table.rows:
        key = normalize_code(_at(row, 0))
        if key and key != "pole" and key not in fields:
            value = _at(row, 1)
            fields[key] = "" if value is None else as_text(value).strip()
    return fields


def _survey_labels() -> dict[str, int]:
    """The scale's Polish labels (as the form's drop-down has them) → the digits the ``ankieta`` sheet holds."""
    from pzk_kit.evaluation.instrument import load_instrument

    instrument = load_instrument()
    if instrument is None:
        return {}
    labels = {normalize_code(text): i for i, text in enumerate(instrument.scale, start=1)}
    labels[normalize_code(instrument.dont_know)] = DONT_KNOW
    return labels


# -- the merge ----------------------------------------------------------------------------------------------------


def _form_files(folder: Path, skip: set[Path]) -> tuple[list[Path], list[str]]:
    """The .xlsx files of ``folder`` and a note for each other entry (Excel's ``~$`` lock files, PDFs, …)."""
    files, notes = [], []
    for path in sorted(folder.iterdir(), key=lambda p: p.name):
        if path.name.startswith(("~$", ".~lock.")):  # Excel's and LibreOffice's: the form is open somewhere
            notes.append(f"{shown_name(path)}: plik blokady Excela lub LibreOffice (formularz jest otwarty) — "
                         "pomijam.")
        elif path.name.startswith("."):
            continue  # hidden files (the kit's own marker, .DS_Store): nobody put them there as a form
        elif path.resolve() in skip:
            notes.append(f"{shown_name(path)}: to skoroszyt gminy, a nie formularz — pomijam.")
        elif path.is_dir():
            notes.append(f"{shown_name(path)}: folder — pomijam (formularze mają leżeć bezpośrednio w folderze).")
        elif path.suffix.lower() != ".xlsx":
            if path.name != STATUS_NAME:
                notes.append(f"{shown_name(path)}: to nie jest skoroszyt .xlsx — pomijam.")
        else:
            files.append(path)
    return files, notes


def merge_forms(folder: Path, data: GminaData, *, measurement: str | None = None,
                skip: tuple[Path, ...] = ()) -> MergeResult:
    """Merge every form found in ``folder`` into a copy of ``data`` (``data`` itself is left as it was)."""
    folder = Path(folder)
    if not folder.is_dir():
        raise MergeRefused(f"„{folder}” nie jest folderem. Podaj folder, do którego zapisujesz odesłane formularze.")
    files, notes = _form_files(folder, {Path(p).resolve() for p in skip})
    reader = _FormReader(data, measurement)
    forms = [reader.read(path) for path in files]
    notes += _resolve_duplicates(forms)
    merged = _apply(data, forms)
    expected = data.partners.loc[data.partners["rola"].isin(["lider", "partner"]), "id"].tolist()
    return MergeResult(data=merged, rows=workbook_rows(merged), forms=forms, notes=notes, expected=expected)


def _resolve_duplicates(forms: list[FormOutcome]) -> list[str]:
    """Two files of one partner and measurement: the one saved last is the partner's answer."""
    notes = []
    groups: dict[tuple[str, str], list[FormOutcome]] = {}
    for form in forms:
        if form.checked:
            groups.setdefault((form.partner, form.measurement), []).append(form)
    for (partner, pomiar), group in groups.items():
        if len(group) < 2:
            continue
        group.sort(key=lambda f: (f.modified, f.path.name))
        newest = group[-1]
        for older in group[:-1]:
            older.status, older.reason = SUPERSEDED, f"nowszy jest {shown_name(newest.path)}"
            older.ties, older.service_rows, older.problems = [], None, []
            old, new = shown_name(older.path), shown_name(newest.path)
            notes.append(f"OSTRZEŻENIE: dwa formularze partnera „{partner}” (pomiar {pomiar}): „{old}” i „{new}” — "
                         f"biorę nowszy (zapisany później): „{new}”.")
    return notes


def _apply(data: GminaData, forms: list[FormOutcome]) -> GminaData:
    ties, services, survey = data.cooperation, data.services, data.survey
    order = {pid: i for i, pid in enumerate(data.partners["id"])}
    sent = sorted((f for f in forms if f.kind == KIND_PARTNER and f.accepted),
                  key=lambda f: (order.get(f.partner, len(order)), measurement_order(f.measurement)))
    new_ties: list[dict[str, Any]] = []
    new_services: list[dict[str, Any]] = []
    for form in sent:
        if form.answered:
            ties = ties[~((ties["od"] == form.partner) & (ties["pomiar"] == form.measurement))]
            new_ties += form.ties
    for form in sent:
        if form.service_rows is None:
            continue
        services = services[services["partner"] != form.partner]
    taken = set(services["id"].dropna())
    for form in sent:
        if form.service_rows is None:
            continue
        taken |= {r["id"] for r in form.service_rows if r["id"] is not None}
        number = 1
        for record in form.service_rows:
            if record["id"] is None:
                while f"{form.partner}_u{number}" in taken:
                    number += 1
                record["id"] = f"{form.partner}_u{number}"
                taken.add(record["id"])
            new_services.append(record)
    present = set(zip(survey["respondent"], survey["pomiar"], strict=True))
    new_answers = []
    for form in forms:
        if form.kind != KIND_SURVEY or form.survey_row is None:
            continue
        key = (form.survey_row["respondent"], form.survey_row["pomiar"])
        if key in present:
            form.status = SURVEY_PRESENT
            continue
        present.add(key)
        form.status = SURVEY_ADDED
        new_answers.append(form.survey_row)
    frames = {
        "wspolpraca": _append(ties, new_ties),
        "uslugi": _append(services, new_services),
        "ankieta": _append(survey, new_answers),
    }
    collected = {s for s in data.collected if s not in frames} | {s for s, f in frames.items() if len(f)}
    return dataclasses.replace(data, cooperation=frames["wspolpraca"], services=frames["uslugi"],
                               survey=frames["ankieta"], collected=frozenset(collected))


def _append(frame: pd.DataFrame, records: list[dict[str, Any]]) -> pd.DataFrame:
    """Typed records added under a typed table, keeping each column's dtype (Int64 levels, tuples of codes)."""
    frame = frame.reset_index(drop=True)
    if not records:
        return frame
    new = pd.DataFrame.from_records(records, columns=frame.columns)
    for column in frame.columns:
        new[column] = new[column].astype(frame[column].dtype)
    return new if frame.empty else pd.concat([frame, new], ignore_index=True)


# -- writing -----------------------------------------------------------------------------------------------------


def check_paths(input_path: Path, out: Path, *, overwrite: bool = False) -> None:
    """Refuse, before anything is read, an output that would destroy the gmina's workbook or another file."""
    if out.suffix.lower() != ".xlsx":
        raise MergeRefused(f"„{out}” — wynik zbierania to nowy skoroszyt: podaj nazwę z rozszerzeniem .xlsx, "
                           "np. gmina_po_zbieraniu.xlsx.")
    if Path(os.path.abspath(out)).resolve() == Path(os.path.abspath(input_path)).resolve():
        raise MergeRefused(f"„{out}” to skoroszyt, z którego czytam dane gminy — nigdy go nie nadpisuję. Podaj nową "
                           "nazwę, np. gmina_po_zbieraniu.xlsx.")
    if out.exists() and not overwrite:
        raise MergeRefused(f"Plik „{out}” już istnieje. Podaj inną nazwę albo dodaj --nadpisz, aby go zastąpić.")


def write_merged(result: MergeResult, out: Path, *, overwrite: bool = False) -> Path:
    """The gmina's complete new workbook (template layout, merged data), written atomically; never over INPUT."""
    check_paths(result.data.source, Path(out), overwrite=overwrite)
    return write_filled_workbook(result.rows, Path(out), overwrite=overwrite)


STATUS_COLUMNS = ("rodzaj", "partner", "nazwa", "plik", "status", "odpowiedzi", "puste", "uslugi", "bledy")


def write_status(result: MergeResult, path: Path) -> Path:
    """``status_zbierania.csv`` (UTF-8 with BOM, ``;``): the same table as on the console, with every error.

    Replaced at each run: it describes the latest collection, as the console does.
    """
    with atomic_file(Path(path), overwrite=True) as tmp, tmp.open("w", encoding=STATUS_ENCODING, newline="") as f:
        writer = csv.writer(f, delimiter=";", lineterminator="\r\n")
        writer.writerow(STATUS_COLUMNS)
        for row in result.status_rows():
            writer.writerow(csv_row([row[c] for c in STATUS_COLUMNS]))
    return Path(path)


def status_lines(result: MergeResult) -> list[str]:
    """The status for the console: short, aligned, Polish; errors per file after the table.

    The table lists the files; partners without one are named once, in the line of whom to remind (the CSV has
    a row for each of them too).
    """
    table = [r for r in result.status_rows() if r["rodzaj"] != "ankieta" and r["status"] != MISSING]
    header = ("partner", "nazwa", "status", "odp.", "puste", "usługi")
    body = [(r["partner"], _short(r["nazwa"], 34), _short(r["status"], 60), str(r["odpowiedzi"]), str(r["puste"]),
             str(r["uslugi"])) for r in table]
    widths = [max(len(h), *(len(b[i]) for b in body)) if body else len(h) for i, h in enumerate(header)]
    answered = len(result.expected) - len(result.missing())
    lines = [f"Wypełnione formularze partnerów: {answered} z {len(result.expected)}."]
    if body:
        lines.append("  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)).rstrip())
        lines += ["  ".join(c.ljust(w) for c, w in zip(b, widths, strict=True)).rstrip() for b in body]
    surveys = result.surveys
    if surveys:
        counts = {s: sum(f.status == s for f in surveys) for s in (SURVEY_ADDED, SURVEY_PRESENT, SURVEY_EMPTY,
                                                                     SURVEY_REFUSED)}
        lines.append(f"Ankiety anonimowe: dołączone {counts[SURVEY_ADDED]}, już były w danych "
                     f"{counts[SURVEY_PRESENT]}, puste {counts[SURVEY_EMPTY]}, odrzucone {counts[SURVEY_REFUSED]}.")
        lines += [f"  {shown_name(f.path)}: {f.status_text}" for f in surveys if f.status == SURVEY_REFUSED]
    for form in result.forms:
        problems = form.problem_lines()
        if problems and form.status != SUPERSEDED:
            heading = "Błędy" if form.status in {REFUSED, SURVEY_REFUSED} else "Uwagi"
            lines.append(f"{heading} w {shown_name(form.path)}:")
            lines += [f"  {p}" for p in problems[:_MAX_LISTED_PROBLEMS]]
            if len(problems) > _MAX_LISTED_PROBLEMS:
                lines.append(f"  … i {len(problems) - _MAX_LISTED_PROBLEMS} więcej (pełna lista: {STATUS_NAME})")
    lines += result.notes
    missing = result.missing()
    if missing:
        lines.append(f"Przypomnij ({len(missing)}: nie odesłali, odesłali pusty albo formularz odrzucono): "
                     + ", ".join(missing) + ".")
    return lines


def _short(text: object, limit: int) -> str:
    text = " ".join(str(text or "").split())  # a name with line breaks or tabs must not break the table
    return text if len(text) <= limit else text[: limit - 1] + "…"
