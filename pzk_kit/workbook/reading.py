"""Reading a gmina (CONTRACT §1) into one typed object, collecting every problem on the way.

:func:`read_gmina` never raises on bad content: it returns :class:`GminaData` whose ``report`` lists each
problem with its sheet, Excel row and column. Analyses run only on data whose report is ``ok``; notebooks show
the report when it is not. DataFrame columns keep the contract's column codes (``id``, ``sektor``, ``poziom``…)
so that what a user sees in Excel and what the code uses are the same words; each table has an extra column
``wiersz`` with the Excel row a record came from, so later steps can point users back to their sheet.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from pzk_kit import privacy
from pzk_kit.evaluation.instrument import load_instrument
from pzk_kit.workbook.cells import (
    TERYT_PART_DIGITS,
    TYPE_DIGIT,
    Bad,
    as_text,
    is_city_with_powiat_rights,
    looks_like_email,
    parse_date,
    parse_int,
    parse_pomiar,
    parse_survey_answer,
    parse_teryt,
    split_multi,
    teryt_gmina_type,
)
from pzk_kit.workbook.dictionaries import dictionary
from pzk_kit.workbook.schema import MULTI_KINDS, ColumnSpec, SheetSpec, load_schema, match_sheet
from pzk_kit.workbook.sources import RawTable, load_tables
from pzk_kit.workbook.text import closest, normalize_code, sentence
from pzk_kit.workbook.validation import Severity, ValidationReport

ROW_COLUMN = "wiersz"
DEFAULT_MEASUREMENT = "T0"
DEFAULT_PROJECT_NAME = "Kooperacje 3D"
# Sheets our own template adds, and common extras users keep: never worth a warning.
IGNORED_SHEETS = {"instrukcja", "listy", "slowniki", "readme", "czytaj", "info"}
HEADER_SCAN_ROWS = 10
# Sheets filled after the first measurement (the action plan, the task-team register): left empty before that,
# as in every new workbook, they are not worth a warning.
LATER_SHEETS = frozenset({"dzialania", "zespoly"})
def measurement_order(label: str) -> int:
    """Sort key of a measurement label (``T0`` < ``T1`` < ``T10``): labels are validated as ``T<number>``."""
    return int(label[1:])


_TYPE_GENITIVE = {"miejska": "miejskiej", "wiejska": "wiejskiej", "miejsko_wiejska": "miejsko-wiejskiej"}
_SKIPPED_STEPS = "kroki, które go potrzebują, zostaną pominięte."
_SURVEY_HEADER = re.compile(r"^(?:q|pyt|pytanie)_?(\d{1,3})$")
SHEET_ATTRIBUTES = {
    "partnerzy": "partners",
    "wspolpraca": "cooperation",
    "uslugi": "services",
    "potrzeby": "needs",
    "ankieta": "survey",
    "dzialania": "actions",
    "zespoly": "cases",
}


@dataclass
class GminaData:
    """Everything the kit knows about one gmina: typed tables, the ``gmina`` fields and the report."""

    source: Path
    info: dict[str, Any]
    partners: pd.DataFrame
    cooperation: pd.DataFrame
    services: pd.DataFrame
    needs: pd.DataFrame
    survey: pd.DataFrame
    actions: pd.DataFrame  # the action plan (``dzialania``)
    cases: pd.DataFrame  # the task-team and IPUS register (``zespoly``): anonymous case codes only
    report: ValidationReport
    collected: frozenset[str] = frozenset()
    sheet_names: dict[str, str] = field(default_factory=dict)
    field_rows: dict[str, int] = field(default_factory=dict)  # gmina field → its Excel row

    @property
    def name(self) -> str:
        return str(self.info.get("nazwa") or self.source.stem)

    @property
    def teryt(self) -> str | None:
        return self.info.get("teryt")

    @property
    def leader(self) -> str | None:
        """Id of the PZK leader: the first one named in ``gmina.lider``, else the first partner (in sheet order)
        with the role lider.

        With co-leaders this is the first one named (the one that convenes); :attr:`leaders` lists them all.
        """
        leaders = self.leaders
        return leaders[0] if leaders else None

    @property
    def leaders(self) -> list[str]:
        """Ids of the leader and co-leaders (e.g. OPS and PCPR of a powiat PZK), the convening one first: those
        named in ``gmina.lider``, else every partner with the role lider."""
        named = self.info.get("liderzy") or ([self.info["lider"]] if self.info.get("lider") else [])
        if named:
            return list(named)
        return [pid for pid in self.partners.loc[self.partners["rola"] == "lider", "id"] if pid is not None]

    @property
    def city_with_powiat_rights(self) -> bool:
        """Whether the gmina is a city with powiat rights (Kraków 1261011): the gmina and the powiat are one, so
        the powiat's institutions (PCPR, PUP) are the city's own."""
        return is_city_with_powiat_rights(self.teryt)

    @property
    def scope(self) -> str:
        """Area of the partnership (``gmina`` / ``powiat`` / ``miedzygminny``): a gmina PZK unless stated."""
        return str(self.info.get("zasieg") or "gmina")

    @property
    def project_name(self) -> str:
        """The project or programme the PZK runs under: titles say it instead of a fixed model name."""
        return str(self.info.get("nazwa_projektu") or DEFAULT_PROJECT_NAME)

    @property
    def measurements(self) -> list[str]:
        """Measurements present in cooperation reports or the survey, in time order (T0, T1, …)."""
        found = set(self.cooperation["pomiar"].dropna()) | set(self.survey["pomiar"].dropna())
        return sorted(found, key=measurement_order)

    def without_declaration(self) -> pd.Series:
        """Per partner row: True when nothing is signed yet (declaration ``brak`` or left empty)."""
        return self.partners["deklaracja"].isna() | (self.partners["deklaracja"] == "brak")

    def has(self, sheet: str) -> bool:
        """True when the sheet was collected and has at least one row."""
        return sheet in self.collected

    def table(self, sheet: str) -> pd.DataFrame:
        return getattr(self, SHEET_ATTRIBUTES[sheet])

    def partner_names(self) -> dict[str, str]:
        return dict(zip(self.partners["id"], self.partners["nazwa"], strict=False))


def read_gmina(path: str | Path) -> GminaData:
    """Read and validate a gmina workbook (``.xlsx``) or folder of CSV files."""
    path = Path(path)
    report = ValidationReport(source=str(path))
    schema = load_schema()
    tables = _assign_sheets(load_tables(path, report), report)
    unreadable = not tables and bool(report.errors)  # the file itself failed: sheet-by-sheet errors are noise
    reader = _SheetReader(report)

    info: dict[str, Any] = {}
    frames: dict[str, pd.DataFrame] = {}
    collected: set[str] = set()
    for name, spec in schema.items():
        table = tables.get(name)
        if table is None:
            if spec.required and not unreadable:
                report.error(
                    f"Brakuje wymaganego arkusza „{name}”.",
                    hint=f"Dodaj arkusz (lub plik {name}.csv): {spec.description}",
                )
            elif tables and name not in LATER_SHEETS:  # a workbook before its first measurement has no plan yet
                report.info(f"Arkusz „{name}” nie został jeszcze zebrany — {_SKIPPED_STEPS}")
            if name != "gmina":
                frames[name] = _empty_frame(spec)
            continue
        if name == "gmina":
            info = reader.read_gmina_fields(spec, table)
            if info:
                collected.add(name)
            continue
        parsed = reader.read_table(spec, table)
        frames[name] = _to_frame(spec, parsed)
        if len(frames[name]):
            collected.add(name)
        elif spec.required:
            report.error(f"Arkusz „{table.source_name}” nie zawiera żadnego wiersza danych.", sheet=table.source_name)
        elif name in LATER_SHEETS:
            report.info(f"Arkusz „{table.source_name}” jest jeszcze pusty — wypełnia się go po pierwszym pomiarze.",
                        sheet=table.source_name)
        else:
            report.warning(
                f"Arkusz „{table.source_name}” jest pusty (same nagłówki) — {_SKIPPED_STEPS}",
                sheet=table.source_name,
            )

    names = {name: t.source_name for name, t in tables.items()}
    data = GminaData(
        source=path, info=info, partners=frames["partnerzy"], cooperation=frames["wspolpraca"],
        services=frames["uslugi"], needs=frames["potrzeby"], survey=frames["ankieta"],
        actions=frames["dzialania"], cases=frames["zespoly"], report=report,
        collected=frozenset(collected), sheet_names=names, field_rows=reader.field_rows,
    )
    _CrossChecks(data, names).run()
    from pzk_kit.workbook import service_records  # here, so the rules of issue 17 stay one hunk of this file

    service_records.check_services(data, names.get("uslugi", "uslugi"))
    return data


def _assign_sheets(tables: list[RawTable], report: ValidationReport) -> dict[str, RawTable]:
    """Map workbook tabs / CSV files to the contract's sheets; warn about tabs nobody will read."""
    assigned: dict[str, RawTable] = {}
    known = [*load_schema()]
    for table in tables:
        name = match_sheet(table.source_name)
        if name is None:
            if normalize_code(table.source_name).strip("_") in IGNORED_SHEETS or table.cells.empty:
                continue
            guess = closest(table.source_name, known)
            report.warning(
                f"Arkusz „{table.source_name}” nie jest częścią szablonu i zostanie pominięty.",
                sheet=table.source_name,
                hint=(f"Czy chodziło o „{guess}”? Zmień nazwę arkusza." if guess
                      else f"Arkusze szablonu: {', '.join(known)}."),
            )
            continue
        if name in assigned:
            kept, other = assigned[name], table
            if normalize_code(table.source_name) == name != normalize_code(kept.source_name):
                kept, other = table, kept  # the exact name wins over an alias ("partnerzy" over "instytucje")
            report.error(
                f"Dwa arkusze odpowiadają „{name}”: „{kept.source_name}” i „{other.source_name}” — "
                f"czytam „{kept.source_name}”.",
                sheet=other.source_name, hint="Zostaw jeden z nich (albo połącz ich wiersze).",
            )
            assigned[name] = kept
            continue
        assigned[name] = table
    return assigned


class _SheetReader:
    """Header matching and per-cell parsing of one sheet at a time."""

    def __init__(self, report: ValidationReport) -> None:
        self.report = report
        self.field_rows: dict[str, int] = {}
        self._pieces: dict[tuple[str, str], tuple[str | None, tuple[_Issue, ...]]] = {}
        instrument = load_instrument()
        self.survey_items = set(instrument.item_codes) if instrument else set()
        self.instrument_version = instrument.version if instrument else ""

    # -- gmina: a two-column "pole / wartosc" sheet (a one-row wide layout is accepted too) ----------------
    def read_gmina_fields(self, spec: SheetSpec, table: RawTable) -> dict[str, Any]:
        sheet = table.source_name
        pairs = self._gmina_pairs(spec, table)
        info: dict[str, Any] = {}
        seen_rows: dict[str, int] = {}
        raw_teryt: object = None
        for row_number, key, value in pairs:
            name = spec.match_header(key)
            if name is None:
                if normalize_code(key) in {"pole", "wartosc"}:
                    continue
                guess = closest(as_text(key), [c.name for c in spec.columns])
                self.report.warning(
                    f"Nieznane pole „{as_text(key)}” — pomijam.", sheet=sheet, row=row_number, column="pole",
                    value=as_text(key),
                    hint=(f"Czy chodziło o „{guess}”?" if guess
                          else f"Znane pola: {', '.join(c.name for c in spec.columns)}."),
                )
                continue
            if name in seen_rows:
                self.report.warning(
                    f"Pole „{name}” występuje drugi raz (pierwszy raz w wierszu {seen_rows[name]}) — "
                    "biorę pierwszą wartość.",
                    sheet=sheet, row=row_number, column="pole",
                )
                continue
            seen_rows[name] = row_number
            self.field_rows[name] = row_number
            column = spec.column(name)
            if value is None:
                continue
            if name == "teryt":  # read once the scope is known: a powiat's code may have lost its zero
                raw_teryt = value
                continue
            parsed, issues = self._interpret(column, value)
            self._emit(issues, sheet, row_number, f"wartosc ({name})")
            if parsed is not None:
                info[name] = parsed
        self._gmina_lists(info)
        if raw_teryt is not None:
            teryt = parse_teryt(raw_teryt, info.get("zasieg"))
            if isinstance(teryt, Bad):
                self._emit([_bad(raw_teryt, teryt.expected)], sheet, self.field_rows["teryt"], "wartosc (teryt)")
            else:
                info["teryt"] = teryt
                self._check_area(info, sheet)
        self._check_coordinator(info, sheet)
        for column in spec.columns:
            if column.required and column.name not in info:
                where = seen_rows.get(column.name)
                self.report.error(
                    f"Brakuje wartości pola „{column.name}” ({column.description.rstrip('.')}).",
                    sheet=sheet, row=where, column="wartosc" if where else "pole",
                    hint=f"Wpisz ją w kolumnie „wartosc” obok pola „{column.name}”.",
                )
        return info

    @staticmethod
    def _gmina_lists(info: dict[str, Any]) -> None:
        """Fields that may name several things, split like multi-valued cells: the co-leaders (``OPS; PCPR``,
        the first one convenes) and the gminas a powiat or multi-gmina PZK covers."""
        if "gminy" in info:
            info["gminy"] = split_multi(info["gminy"])
        if "lider" in info:
            leaders = split_multi(info.pop("lider"))
            if leaders:
                info["lider"], info["liderzy"] = leaders[0], leaders

    def _check_area(self, info: dict[str, Any], sheet: str) -> None:
        """The TERYT against the area (``zasieg``) and the gmina type (``typ``): codes people copy from the
        register are often the town inside a miejsko-wiejska gmina, or a gmina's code for a powiat PZK."""
        teryt = info["teryt"]
        scope = info.get("zasieg") or "gmina"
        where = {"sheet": sheet, "row": self.field_rows.get("teryt"), "column": "wartosc (teryt)", "value": teryt}
        if len(teryt) == 4:
            if scope == "gmina":
                self.report.warning(
                    f"Kod TERYT „{teryt}” ma 4 cyfry, czyli oznacza powiat, a PZK działa w jednej gminie "
                    "(pole „zasieg” puste albo „Gmina”).",
                    hint="Wpisz 7-cyfrowy kod gminy (np. 1209033 — gmina Myślenice) albo w polu „zasieg” "
                         "wpisz „Powiat”.", **where)
            return
        if scope == "powiat":
            self.report.warning(
                f"PZK jest powiatowy, a kod TERYT „{teryt}” ma 7 cyfr (kod gminy) — przyjmuję, że powiat to "
                f"{teryt[:4]} (pierwsze 4 cyfry).",
                hint=f"Dla PZK powiatowego wpisz 4-cyfrowy kod powiatu: {teryt[:4]}.", **where)
        digit = teryt[6]
        if digit in TERYT_PART_DIGITS:
            self.report.warning(
                f"„{teryt}” to kod {TERYT_PART_DIGITS[digit]} w gminie miejsko-wiejskiej, a nie całej gminy; "
                f"kod całej gminy kończy się cyfrą 3, np. {teryt[:6]}3 zamiast {teryt}.",
                hint="Wpisz kod całej gminy (7. cyfra: 1 miejska, 2 wiejska, 3 miejsko-wiejska).", **where)
        elif teryt_gmina_type(teryt) is None:
            self.report.warning(
                f"Ostatnia, 7. cyfra kodu TERYT „{teryt}” to {digit}, a oznacza ona rodzaj gminy: 1 miejska, "
                "2 wiejska, 3 miejsko-wiejska (8 i 9: dzielnica Warszawy lub delegatura miasta).",
                hint="Sprawdź kod gminy w rejestrze TERYT (eteryt.stat.gov.pl).", **where)
            return
        typ = info.get("typ")
        stated = teryt_gmina_type(teryt) or "miejsko_wiejska"  # a town or rural part lies in a miejsko-wiejska one
        if typ and typ != stated:
            types = dictionary("typy_gmin")
            self.report.warning(
                f"Kod TERYT „{teryt}” kończy się cyfrą {digit} (gmina {types.label(stated).lower()}), a w polu "
                f"„typ” wpisano „{types.label(typ)}”.",
                hint=f"Kod gminy {_TYPE_GENITIVE[typ]} kończy się cyfrą {TYPE_DIGIT[typ]}; "
                     "popraw kod albo typ gminy.", **where)

    def _check_coordinator(self, info: dict[str, Any], sheet: str) -> None:
        """The coordinator is a position: a person's name there is personal data the reports must not carry."""
        value = info.get("koordynator")
        if value and privacy.is_personal(value):
            self.report.warning(
                f"Pole „koordynator” wygląda na imię i nazwisko („{value}”) — wpisz stanowisko.",
                sheet=sheet, row=self.field_rows.get("koordynator"), column="wartosc (koordynator)", value=value,
                hint="Np. „Zastępca dyrektora CUS ds. usług społecznych”. Dane osobowe nie trafiają do raportów, "
                     "chyba że poprosisz o nie (tak jak osoba kontaktowa partnera).")

    def _gmina_pairs(self, spec: SheetSpec, table: RawTable) -> list[tuple[int, object, object]]:
        rows = table.rows
        if not rows:
            return []
        first = rows[0]
        wide = sum(spec.match_header(v) is not None for v in first if v is not None) >= 2
        if wide and normalize_code(first[0]) != "pole":
            values = rows[1] if len(rows) > 1 else ()
            number = table.row_numbers[1] if len(rows) > 1 else table.row_numbers[0] + 1
            return [(number, key, values[i] if i < len(values) else None) for i, key in enumerate(first) if key]
        start = next((i + 1 for i, row in enumerate(rows[:HEADER_SCAN_ROWS]) if normalize_code(row[0]) == "pole"), 0)
        return [
            (int(number), row[0], row[1] if len(row) > 1 else None)
            for number, row in zip(table.row_numbers[start:], rows[start:], strict=True)
            if row and row[0] is not None
        ]

    # -- ordinary sheets: one header row, one record per row ------------------------------------------------
    def read_table(self, spec: SheetSpec, table: RawTable) -> dict[str, np.ndarray] | None:
        """Columns of typed values (plus ``wiersz``) keyed by column code; None when there is no header."""
        sheet = table.source_name
        header_index = self._find_header(spec, table)
        if header_index is None:
            self.report.error(
                f"Nie znaleziono wiersza nagłówków w arkuszu „{sheet}”.", sheet=sheet,
                hint=f"Pierwszy wiersz powinien zawierać nazwy kolumn, m.in.: {', '.join(spec.required_columns)}.",
            )
            return None
        header_row = int(table.row_numbers[header_index])
        columns = self._map_header(spec, table.head(header_index + 1)[header_index], sheet, header_row)
        present = {name for name, _ in columns.values()}
        for column in spec.columns:
            if column.required and column.name not in present:
                self.report.error(
                    f"Brakuje wymaganej kolumny „{column.name}”.", sheet=sheet, row=header_row, column=column.name,
                    hint=f"Dodaj ją w wierszu nagłówków: {column.description}",
                )
        body = table.cells.iloc[header_index + 1 :].reset_index(drop=True)
        numbers = table.row_numbers[header_index + 1 :]
        raw = pd.DataFrame(
            {name: body[i] if i in body.columns else pd.Series([None] * len(body), dtype=object)
             for i, (name, _) in columns.items()},
            index=body.index, columns=[name for name, _ in columns.values()],
        )
        # Each column factorized once (empty cells get code -1): skipping example rows, finding repeated rows
        # and parsing all work on the codes, and each distinct value is looked at once.
        factorized = {}
        for i, (name, _) in columns.items():
            known = table.factorized.get(i)
            if known is not None and len(known[0]) == len(table.cells):
                factorized[name] = (known[0][header_index + 1 :], known[1])
            else:
                factorized[name] = _factorize(raw[name])
        keep = np.zeros(len(raw), dtype=bool)
        for codes, _ in factorized.values():
            keep |= codes != -1
        keep &= ~self._example_rows(spec, raw, factorized, sheet, numbers)
        keep &= ~self._duplicate_rows(factorized, keep, sheet, numbers)
        numbers = numbers[keep]
        parsed: dict[str, np.ndarray] = {ROW_COLUMN: numbers}
        for name, header_text in columns.values():
            codes, uniques = factorized[name]
            parsed[name] = self._parse_column(spec.column(name), codes[keep], uniques, sheet, header_text, numbers)
        return parsed

    def _parse_column(
        self, column: ColumnSpec, codes: np.ndarray, uniques: np.ndarray, sheet: str, header: str,
        numbers: np.ndarray,
    ) -> np.ndarray:
        """Typed values of one column: each distinct value interpreted once, problems reported per row.

        ``uniques`` may hold values no row keeps any more (an example row's): interpreted, never reported.
        Problems are reported value by value in the order the values first appear in the kept rows.
        """
        result = np.empty(len(uniques) + 1, dtype=object)  # the last slot (code -1) stays None: empty cells
        if column.kind in _AS_IS_KINDS and pd.api.types.infer_dtype(uniques, skipna=False) == "string":
            result[:-1] = uniques  # what _interpret returns for text: the value itself, without a problem
        else:
            pending: list[tuple[int, np.ndarray, list[_Issue]]] = []
            for k, value in enumerate(uniques):
                result[k], issues = self._interpret(column, value)
                if issues:
                    positions = np.flatnonzero(codes == k)
                    if len(positions):
                        pending.append((int(positions[0]), positions, issues))
            for _, positions, issues in sorted(pending, key=lambda item: item[0]):
                for row in numbers[positions]:
                    self._emit(issues, sheet, int(row), header)
        if column.required:
            for row in numbers[codes == -1]:
                self.report.error("Brak wartości w wymaganej kolumnie.", sheet=sheet, row=int(row), column=header,
                                  hint=f"Uzupełnij: {column.description}")
        return result[codes]

    def _example_rows(self, spec: SheetSpec, raw: pd.DataFrame, factorized: dict[str, _Factorized], sheet: str,
                      numbers: np.ndarray) -> np.ndarray:
        """Rows equal to the template's example row (compared leniently): skipped, with a note."""
        example = {c.name: normalize_code(c.example) for c in spec.columns if c.example}
        matches = np.ones(len(raw), dtype=bool)
        # A row matches when every column does, so the cheapest columns go first (empty ones, then those with
        # the fewest distinct values): they leave few candidate rows to the columns of ids and names.
        order = sorted(raw.columns, key=lambda name: (name in example, len(factorized[name][1])))
        for name in order:
            wanted = example.get(name)
            codes, uniques = factorized[name]
            candidates = np.flatnonzero(matches)  # only rows still like the example: after a column or two, few
            if wanted is None:
                matches[candidates] = codes[candidates] == -1
            else:
                # Distinct values of the candidate rows only: the first column's are all of them, the next few.
                present = np.unique(codes[candidates])
                hit = np.zeros(len(uniques) + 1, dtype=bool)  # the last slot (code -1, empty) never matches
                for k in present[present >= 0]:
                    hit[k] = normalize_code(as_text(uniques[k])) == wanted
                matches[candidates] = hit[codes[candidates]]
            if not matches.any():
                return matches
        if not set(example) <= set(raw.columns):
            return np.zeros(len(raw), dtype=bool)
        for row in numbers[matches]:
            self.report.info("Pominięto wiersz przykładowy z szablonu. Zastąp go własnymi danymi albo usuń.",
                             sheet=sheet, row=int(row))
        return matches

    def _duplicate_rows(self, factorized: dict[str, _Factorized], keep: np.ndarray, sheet: str,
                        numbers: np.ndarray) -> np.ndarray:
        """Exact repeats of an earlier row (all cells equal as text): counted once, with a warning."""
        if not factorized or not len(keep):
            return np.zeros(len(keep), dtype=bool)
        # Compare factorized codes: C speed, and equal cells get equal codes whatever their type.
        codes = pd.DataFrame({name: codes for name, (codes, _) in factorized.items()})[keep]
        flags = np.zeros(len(keep), dtype=bool)
        if not codes.duplicated(keep="first").any():
            return flags
        involved = codes[codes.duplicated(keep=False)]
        first_row: dict[tuple, int] = {}
        for index, row in zip(involved.index, involved.itertuples(index=False, name=None), strict=True):
            key = tuple(row)
            if key in first_row:
                self.report.warning(f"Wiersz jest identyczny z wierszem {first_row[key]} — liczę go raz.",
                                    sheet=sheet, row=int(numbers[index]))
                flags[index] = True
            else:
                first_row[key] = int(numbers[index])
        return flags

    def _find_header(self, spec: SheetSpec, table: RawTable) -> int | None:
        """First of the top rows that names at least one known column (title rows above it are skipped)."""
        for index, row in enumerate(table.head(HEADER_SCAN_ROWS)):
            if any(self._header_name(spec, cell) for cell in row if cell is not None):
                return index
        return None

    def _header_name(self, spec: SheetSpec, cell: object) -> str | None:
        name = spec.match_header(cell)
        if name is None and spec.name == "ankieta":
            match = _SURVEY_HEADER.match(normalize_code(cell))
            if match:
                return f"q{int(match.group(1)):02d}"
        return name

    def _map_header(self, spec: SheetSpec, header: tuple, sheet: str, row: int) -> dict[int, tuple[str, str]]:
        mapped: dict[int, tuple[str, str]] = {}
        first_seen: dict[str, str] = {}
        known = [c.name for c in spec.columns]
        for index, cell in enumerate(header):
            if cell is None:
                continue
            text = as_text(cell)
            name = self._header_name(spec, cell)
            if name is None:
                guess = closest(text, known)
                self.report.warning(
                    f"Nieznana kolumna „{text}” — pomijam ją.", sheet=sheet, row=row, column=text,
                    hint=f"Czy chodziło o „{guess}”?" if guess else None,
                )
                continue
            if spec.name == "ankieta" and name.startswith("q") and name not in known:
                self.report.warning(
                    f"Kolumna „{text}” nie należy do ankiety (wersja {self.instrument_version}) — pomijam ją.",
                    sheet=sheet, row=row, column=text,
                    hint=f"Pytania ankiety: {known[4] if len(known) > 4 else ''} … {known[-1]}.",
                )
                continue
            if name in first_seen:
                self.report.error(
                    f"Kolumna „{name}” występuje dwa razy („{first_seen[name]}” i „{text}”).",
                    sheet=sheet, row=row, column=text, hint="Usuń lub przemianuj jedną z nich.",
                )
                continue
            first_seen[name] = text
            mapped[index] = (name, text)
        return mapped

    # -- one value ---------------------------------------------------------------------------------------------
    def check_cell(self, column: ColumnSpec, value: object, *, sheet: str, row: int, header: str) -> Any:
        """The typed value of one cell at a known place, its problems added to the report (None when invalid).

        Public for files that are not the workbook but hold its values (partner forms merged by ``pzk zbierz``):
        they are checked by the same rules and in the same words as the workbook's own sheets.
        """
        parsed, issues = self._interpret(column, value)
        self._emit(issues, sheet, row, header)
        return parsed

    def _interpret(self, column: ColumnSpec, value: object) -> tuple[Any, list[_Issue]]:
        """Typed value of one cell and the problems it has, without a location (added per row by the caller).

        Called once per distinct value of a column, so a sector typed 10,000 times is looked up once.
        """
        issues: list[_Issue] = []
        kind = column.kind
        if kind in _AS_IS_KINDS:
            return (value if isinstance(value, str) else as_text(value)), issues
        if kind == "email":
            text = as_text(value)
            if not looks_like_email(text):
                issues.append(_Issue(Severity.WARNING, f"„{text}” nie wygląda na adres e-mail.", text,
                                     "Oczekiwano adresu w rodzaju sekretariat@ops.example.pl."))
            return text, issues
        if kind == "dict":
            return self._resolve(column, value, issues), issues
        if kind in {"partner_refs", "service_refs"}:  # resolved against the ids by the cross-checks
            pieces: list[str] = []
            for piece in split_multi(value):
                if piece not in pieces:
                    pieces.append(piece)
            return tuple(pieces), issues
        if kind == "multidict":
            codes: list[str] = []
            for piece in split_multi(value):
                code = self._resolve_piece(column, piece, issues)
                if code is not None and code not in codes:
                    codes.append(code)
            return tuple(codes), issues
        if kind == "scale":
            return self._scale(column, value, issues), issues
        parsers = {
            "int": lambda v: parse_int(v, column.minimum, column.maximum),
            "date": parse_date,
            "pomiar": parse_pomiar,
            "teryt": parse_teryt,
            "survey_item": parse_survey_answer,
        }
        result = parsers[kind](value)
        if isinstance(result, Bad):
            issues.append(_bad(value, result.expected))
            return None, issues
        return result, issues

    @staticmethod
    def _scale(column: ColumnSpec, value: object, issues: list[_Issue]) -> int | None:
        """A number on a labelled scale; the label (``koordynacja``) or ``3 – koordynacja`` is accepted too."""
        result = parse_int(value, column.minimum, column.maximum)
        if not isinstance(result, Bad):
            return result
        if isinstance(value, str):
            lead = re.match(r"^\s*(\d+)\s*[-–—.:)]\s*[^\d\s]", value)  # "3 – koordynacja", not "2.5"
            code = lead.group(1) if lead else dictionary(column.dictionary).resolve(value)
            if code is not None:
                retry = parse_int(code, column.minimum, column.maximum)
                if not isinstance(retry, Bad):
                    return retry
        dic = dictionary(column.dictionary)
        scale = "; ".join(f"{e.code} {e.label.lower()}" for e in dic.entries)
        issues.append(_bad(value, f"{result.expected} ({scale})"))
        return None

    def _resolve_piece(self, column: ColumnSpec, piece: str, issues: list[_Issue]) -> str | None:
        """:meth:`_resolve` of one piece of a multi-valued cell, remembered: the same few labels come back in
        thousands of combinations (``Wymiana informacji; Kierowanie klientów``)."""
        key = (column.dictionary, piece)
        known = self._pieces.get(key)
        if known is None:
            found: list[_Issue] = []
            known = self._pieces[key] = (self._resolve(column, piece, found), tuple(found))
        issues.extend(known[1])
        return known[0]

    @staticmethod
    def _resolve(column: ColumnSpec, value: object, issues: list[_Issue]) -> str | None:
        dic = dictionary(column.dictionary)
        code = dic.resolve(value)
        if code is None:
            hint = sentence(f"Dozwolone: {dic.allowed_text()}")
            institution = dic.by_abbreviation(value)
            suggestion = None if institution else dic.suggest(as_text(value))
            if institution:
                hint = (f"Tu wpisuje się wartość ze słownika, a nie nazwę instytucji: dla „{as_text(value)}” to "
                        f"„{institution}”. {hint}")
            elif suggestion:
                hint = f"Czy chodziło o „{suggestion}”? {hint}"
            issues.append(_Issue(Severity.ERROR, f"Nieznana wartość „{as_text(value)}”.", as_text(value), hint))
        return code

    def _emit(self, issues: list[_Issue], sheet: str, row: int | None, column: str) -> None:
        for issue in issues:
            self.report.add(issue.severity, issue.message, sheet=sheet, row=row, column=column, value=issue.value,
                            hint=issue.hint)


@dataclass(frozen=True)
class _Issue:
    severity: Severity
    message: str
    value: str | None = None
    hint: str | None = None


def cell_checker(report: ValidationReport) -> _SheetReader:
    """A checker of single cells (:meth:`_SheetReader.check_cell`) reporting into ``report``."""
    return _SheetReader(report)


_Factorized = tuple[np.ndarray, np.ndarray]  # pd.factorize of a column: codes (-1 = empty) and distinct values
_AS_IS_KINDS = frozenset({"text", "id", "partner_ref", "phone"})  # kinds whose str values _interpret keeps as-is


def _factorize(values: pd.Series) -> _Factorized:
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    return codes, np.asarray(uniques, dtype=object)


def _bad(value: object, expected: str) -> _Issue:
    text = as_text(value)
    return _Issue(Severity.ERROR, f"Niepoprawna wartość „{text}”.", text, sentence(f"Oczekiwano: {expected}"))


def _one_slip_apart(typed: str, known: str) -> bool:
    """A slip of the fingers between short ids: two letters swapped ("CSU" for "CUS"), one left out or added
    ("PCR", "PCPR"), a key pressed twice ("KKP" for "KPP"), or one letter wrong in a code of four or more ("MOPS" for
    "GOPS"). In three characters a changed letter makes another institution: "OSP" is not "OHP", "SP3" not "SP2".
    """
    if len(typed) == len(known):
        diff = [i for i in range(len(typed)) if typed[i] != known[i]]
        if len(diff) == 1:
            i = diff[0]
            doubled = typed[i] in {typed[i - 1] if i > 0 else "", typed[i + 1] if i + 1 < len(typed) else ""}
            return len(typed) >= 4 or doubled
        return (len(diff) == 2 and diff[1] == diff[0] + 1 and typed[diff[0]] == known[diff[1]]
                and typed[diff[1]] == known[diff[0]])
    if abs(len(typed) - len(known)) != 1:
        return False
    short, long = sorted((typed, known), key=len)
    return any(long[:i] + long[i + 1:] == short for i in range(len(long)))


# What an empty cell means (CONTRACT §1 and the template's notes): filled in, so every later step reads one value.
_DEFAULTS = {
    "wspolpraca": {"pomiar": DEFAULT_MEASUREMENT},
    "dzialania": {"status": "planowane", "pomiar": DEFAULT_MEASUREMENT},
    "zespoly": {"rodzaj": "zespol", "status": "otwarta", "pomiar": DEFAULT_MEASUREMENT},
}


def _frame_columns(spec: SheetSpec) -> list[str]:
    return [*(c.name for c in spec.columns), ROW_COLUMN]


def _empty_frame(spec: SheetSpec) -> pd.DataFrame:
    return _to_frame(spec, None)


def _int_array(values: np.ndarray) -> pd.api.extensions.ExtensionArray:
    """``pd.array(values, dtype="Int64")`` of parsed ints and Nones, built directly when they are just that."""
    values = np.asarray(values, dtype=object)
    missing = pd.isna(values)
    if pd.api.types.infer_dtype(values[~missing], skipna=False) in {"integer", "empty"}:
        return pd.arrays.IntegerArray(np.where(missing, 0, values).astype(np.int64), missing)
    return pd.array(values, dtype="Int64")


def _tuples(values: np.ndarray) -> np.ndarray:
    """Multi-valued cells with () for the empty ones: parsing gives a tuple for every filled cell, None else."""
    tuples = np.array(values, dtype=object, copy=True)
    missing = pd.isna(tuples)
    empty = np.empty(int(missing.sum()), dtype=object)
    empty.fill(())
    tuples[missing] = empty
    return tuples


def _to_frame(spec: SheetSpec, parsed: dict[str, np.ndarray] | None) -> pd.DataFrame:
    """The sheet's typed table with every column of the schema (absent ones empty) and ``wiersz``."""
    parsed = parsed or {}
    n = len(parsed.get(ROW_COLUMN, ()))
    empty = np.full(n, None, dtype=object)
    data: dict[str, Any] = {}
    for column in spec.columns:
        values = parsed.get(column.name, empty)
        if column.kind in {"int", "scale", "survey_item"}:
            data[column.name] = _int_array(values)
        elif column.kind == "date":
            data[column.name] = pd.to_datetime(pd.Series(values, dtype=object), errors="coerce")
        elif column.kind in MULTI_KINDS:
            data[column.name] = pd.Series(_tuples(values), dtype=object)
        else:
            data[column.name] = pd.Series(values, dtype=object)
    data[ROW_COLUMN] = pd.array(parsed.get(ROW_COLUMN, np.zeros(0, dtype=int)), dtype="Int64")
    frame = pd.DataFrame(data, index=pd.RangeIndex(n))
    if spec.name == "partnerzy":
        frame["rola"] = frame["rola"].where(frame["rola"].notna(), "partner")
    for column, default in _DEFAULTS.get(spec.name, {}).items():
        frame[column] = frame[column].where(frame[column].notna(), default)
    return frame[_frame_columns(spec)]


class _CrossChecks:
    """Checks that need more than one row or sheet: ids, references, the leader, duplicated reports."""

    def __init__(self, data: GminaData, names: dict[str, str]) -> None:
        self.data = data
        self.report = data.report
        self.names = names
        self.ids: dict[str, str] = {}

    def sheet(self, name: str) -> str:
        return self.names.get(name, name)

    def run(self) -> None:
        self._partner_ids()
        self._references()
        self._self_ties()
        self._duplicate_reports()
        self._unique("uslugi", ["id"], "Usługa o identyfikatorze „{0}” powtarza się")
        self._unique("ankieta", ["respondent", "pomiar"], "Respondent „{0}” ma dwie ankiety w pomiarze {1}")
        self._unique("dzialania", ["id"], "Działanie o kodzie „{0}” powtarza się")
        self._unique("zespoly", ["sprawa"], "Sprawa o kodzie „{0}” powtarza się")
        self._partner_lists()
        self._service_lists()
        self._case_dates()
        self._leader()
        self._declarations()
        self._survey_answers()

    def _partner_ids(self) -> None:
        partners = self.data.partners
        first_rows: dict[str, int] = {}
        for pid, row in zip(partners["id"], partners[ROW_COLUMN], strict=True):
            if pid is None:
                continue
            key = normalize_code(pid) or pid
            if key in self.ids:
                first = first_rows[key]
                self.report.error(
                    f"Identyfikator „{pid}” powtarza się (pierwszy raz w wierszu {first}).",
                    sheet=self.sheet("partnerzy"), row=int(row), column="id", value=pid,
                    hint="Każdy partner musi mieć własny, niepowtarzalny kod.",
                )
                continue
            self.ids[key] = pid
            first_rows[key] = int(row)

    def resolve_partner(self, value: object) -> str | None:
        return self.ids.get(normalize_code(value) or str(value))

    def _references(self) -> None:
        targets = [("wspolpraca", "od"), ("wspolpraca", "do"), ("uslugi", "partner"), ("ankieta", "partner")]
        for sheet, column in targets:
            frame = self.data.table(sheet)
            if frame.empty:
                continue
            codes, uniques = pd.factorize(frame[column], use_na_sentinel=True)
            resolved = np.empty(len(uniques) + 1, dtype=object)
            rows = frame[ROW_COLUMN].to_numpy()
            for k, value in enumerate(uniques):
                resolved[k] = self.resolve_partner(value)
                if resolved[k] is None and self.ids:
                    hint = self._partner_hint(str(value))
                    for row in rows[codes == k]:
                        self._unknown_partner(value, sheet, int(row), column, hint)
            frame[column] = resolved[codes]
        leaders: list[str] = []
        for leader in self.data.info.get("liderzy") or []:
            canonical = self.resolve_partner(leader)
            if canonical is None:
                if self.ids:
                    self._unknown_partner(leader, "gmina", self.data.field_rows.get("lider"), "wartosc (lider)",
                                          self._partner_hint(str(leader)))
            elif canonical not in leaders:
                leaders.append(canonical)
        self.data.info.pop("lider", None)
        self.data.info.pop("liderzy", None)
        if leaders:
            self.data.info["lider"], self.data.info["liderzy"] = leaders[0], leaders

    def _partner_lists(self) -> None:
        """Several partner ids in one cell (who does an action, who worked on a case): each one must exist."""
        for sheet, column in (("dzialania", "kto"), ("zespoly", "partnerzy")):
            frame = self.data.table(sheet)
            if frame.empty:
                continue
            resolved = []
            for pieces, row in zip(frame[column], frame[ROW_COLUMN], strict=True):
                kept: list[str] = []
                for piece in pieces:
                    canonical = self.resolve_partner(piece)
                    if canonical is None:
                        if self.ids:
                            self._unknown_partner(piece, sheet, int(row), column, self._partner_hint(piece))
                    elif canonical not in kept:
                        kept.append(canonical)
                resolved.append(tuple(kept))
            frame[column] = pd.Series(resolved, index=frame.index, dtype=object)

    def _service_lists(self) -> None:
        """Services used in a case are ids of the ``uslugi`` sheet (never names: a name can change)."""
        cases = self.data.cases
        if cases.empty:
            return
        services = self.data.services
        ids = {normalize_code(sid) or sid: sid for sid in services["id"] if sid is not None}
        by_name = {normalize_code(n): sid for sid, n in zip(services["id"], services["nazwa"], strict=True) if n}
        resolved = []
        for pieces, row in zip(cases["uslugi"], cases[ROW_COLUMN], strict=True):
            kept: list[str] = []
            for piece in pieces:
                canonical = ids.get(normalize_code(piece) or piece)
                if canonical is None:
                    if not ids:
                        continue  # no basket collected: its absence is reported once, not per case
                    if normalize_code(piece) in by_name:
                        hint = f"To nazwa usługi — wpisz jej identyfikator „{by_name[normalize_code(piece)]}”."
                    else:
                        guess = closest(piece, list(ids.values()), cutoff=0.5)
                        hint = (f"Czy chodziło o „{guess}”? " if guess else "") + \
                            "Wpisz identyfikatory z kolumny „id” arkusza uslugi, oddzielone średnikiem."
                    # A warning, not an error: a service closed since (removed from the basket) stays in the
                    # history of the cases that used it, and the register must not stop the whole run.
                    self.report.warning(
                        f"Nieznana usługa „{piece}” — nie ma jej w arkuszu „{self.sheet('uslugi')}” (usunięta "
                        "z koszyka albo literówka); sprawa liczy się bez niej.",
                        sheet=self.sheet("zespoly"), row=int(row), column="uslugi", value=piece, hint=hint,
                    )
                elif canonical not in kept:
                    kept.append(canonical)
            resolved.append(tuple(kept))
        cases["uslugi"] = pd.Series(resolved, index=cases.index, dtype=object)

    def _case_dates(self) -> None:
        """Help cannot come before the case was reported: such a row would make the register's days negative."""
        cases = self.data.cases
        if cases.empty:
            return
        wrong = cases["data_pierwszej_uslugi"] < cases["data_zgloszenia"]
        for code, row, reported in zip(cases.loc[wrong, "sprawa"], cases.loc[wrong, ROW_COLUMN],
                                       cases.loc[wrong, "data_zgloszenia"], strict=True):
            self.report.error(
                f"Sprawa „{code}”: data pierwszej usługi jest wcześniejsza niż data zgłoszenia "
                f"({reported.date().isoformat()}).",
                sheet=self.sheet("zespoly"), row=int(row), column="data_pierwszej_uslugi",
                hint="Sprawdź obie daty: pierwsza usługa może być tego samego dnia co zgłoszenie albo później.",
            )

    def _unknown_partner(self, value: object, sheet: str, row: int | None, column: str, hint: str) -> None:
        """Only called when a partner list exists: without one, its absence is the single error to report."""
        self.report.error(
            f"Nieznany partner „{value}” — nie ma go w arkuszu „{self.sheet('partnerzy')}”.",
            sheet=self.sheet(sheet), row=row, column=column, value=str(value), hint=hint,
        )

    def _partner_hint(self, value: str) -> str:
        partners = self.data.partners
        by_name = {normalize_code(n): pid for pid, n in zip(partners["id"], partners["nazwa"], strict=True) if n}
        if normalize_code(value) in by_name:
            return f"To nazwa partnera — wpisz jego identyfikator „{by_name[normalize_code(value)]}”."
        key = normalize_code(value)
        ids = list(self.ids.values())
        if len(key) <= 4:  # short ids (SP1 and SP2, OSP and OHP) are different institutions a letter apart
            near = [pid for pid in ids if _one_slip_apart(key, normalize_code(pid))]
            guess = near[0] if len(near) == 1 else None
        else:
            guess = closest(value, ids, cutoff=0.5)
        base = "Wpisz identyfikator z kolumny „id” arkusza partnerzy albo dodaj tego partnera."
        return f"Czy chodziło o „{guess}”? {base}" if guess else base

    def _self_ties(self) -> None:
        ties = self.data.cooperation
        if ties.empty:
            return
        mask = ties["od"].notna() & (ties["od"] == ties["do"])
        for od, row in zip(ties.loc[mask, "od"], ties.loc[mask, ROW_COLUMN], strict=True):
            self.report.error(
                f"Partner „{od}” zgłasza współpracę sam ze sobą.", sheet=self.sheet("wspolpraca"), row=int(row),
                column="do", value=od, hint="W kolumnie „do” wpisz innego partnera.",
            )

    def _duplicate_reports(self) -> None:
        """Two different rows about the same pair and measurement: keep the higher level, as the network does."""
        ties = self.data.cooperation
        if ties.empty:
            return
        key = ["od", "do", "pomiar"]
        dup = ties.duplicated(key, keep=False) & ties["od"].notna() & ties["do"].notna()
        if not dup.any():
            return
        for (od, do, pomiar), group in ties[dup].groupby(key, sort=False):
            rows = ", ".join(str(r) for r in group[ROW_COLUMN])
            self.report.warning(
                f"„{od}” opisał współpracę z „{do}” w pomiarze {pomiar} więcej niż raz (wiersze {rows}) — "
                "przyjmuję najwyższy poziom.",
                sheet=self.sheet("wspolpraca"), row=int(group[ROW_COLUMN].iloc[1]),
                hint="Zostaw jeden wiersz na parę i pomiar.",
            )
        order = ties.sort_values(["poziom", ROW_COLUMN], ascending=[False, True], na_position="last")
        kept = order.drop_duplicates(key).sort_index()
        self.data.cooperation = kept

    def _unique(self, sheet: str, key: list[str], message: str) -> None:
        frame = self.data.table(sheet)
        if frame.empty:
            return
        valid = frame[key].notna().all(axis=1)
        dup = frame.duplicated(key, keep="first") & valid
        for _, row in frame[dup].iterrows():
            values = [row[k] for k in key]
            first = frame.loc[(frame[key] == pd.Series(values, index=key)).all(axis=1), ROW_COLUMN].iloc[0]
            self.report.error(
                message.format(*values) + f" (pierwszy raz w wierszu {first}).",
                sheet=self.sheet(sheet), row=int(row[ROW_COLUMN]), column=key[0], value=str(values[0]),
                hint="Nadaj niepowtarzalny kod albo usuń powtórzony wiersz.",
            )

    def _leader(self) -> None:
        """Co-leaders are allowed (OPS and PCPR of a powiat PZK); the ``gmina.lider`` field and the roles in
        ``partnerzy`` must then say the same thing."""
        partners = self.data.partners
        leaders = partners.loc[partners["rola"] == "lider"]
        named = self.data.info.get("liderzy") or []
        sheet = self.sheet("partnerzy")
        for pid in named:
            role = partners.loc[partners["id"] == pid, "rola"]
            if len(role) and role.iloc[0] != "lider":
                row = int(partners.loc[partners["id"] == pid, ROW_COLUMN].iloc[0])
                self.report.error(
                    f"Partner „{pid}” jest wskazany jako lider w arkuszu „{self.sheet('gmina')}”, "
                    f"ale w arkuszu „{sheet}” ma rolę „{role.iloc[0]}”.",
                    sheet=sheet, row=row, column="rola", value=str(role.iloc[0]),
                    hint="Ustaw mu rolę „Lider” albo popraw pole „lider” w arkuszu gmina.",
                )
        if named:
            listed = ", ".join(named)
            for pid, row in zip(leaders["id"], leaders[ROW_COLUMN], strict=True):
                if pid is not None and pid not in named:
                    self.report.warning(
                        f"Partner „{pid}” ma rolę „lider”, ale pole „lider” arkusza „{self.sheet('gmina')}” "
                        f"wymienia tylko: {listed}.",
                        sheet=sheet, row=int(row), column="rola", value="lider",
                        hint=f"Jeśli to współlider, dopisz go w polu „lider” (np. {listed}; {pid}); "
                             "jeśli nie — ustaw mu rolę „partner”.",
                    )
        elif self.data.has("partnerzy") and leaders.empty:
            self.report.warning(
                "Nie wskazano lidera PZK.", sheet=self.sheet("gmina"), column="lider",
                hint="Wpisz id lidera w polu „lider” arkusza gmina i nadaj mu rolę „Lider” w arkuszu partnerzy.",
            )

    def _declarations(self) -> None:
        partners = self.data.partners
        missing = partners[partners["rola"].isin(["lider", "partner"]) & self.data.without_declaration()]
        for pid, row in zip(missing["id"], missing[ROW_COLUMN], strict=True):
            self.report.warning(
                f"Partner „{pid}” nie ma podpisanej deklaracji ani listu intencyjnego.",
                sheet=self.sheet("partnerzy"), row=int(row), column="deklaracja",
                hint="Jeśli podpisał, wpisz „podpisana”, „porozumienie” lub „list intencyjny”; "
                "jeśli nie — zaproś go do podpisania.",
            )

    def _survey_answers(self) -> None:
        survey = self.data.survey
        if survey.empty:
            return
        items = [c for c in survey.columns if _SURVEY_HEADER.match(c)]
        if not items:
            return
        blank = survey[items].isna().all(axis=1)
        for respondent, row in zip(survey.loc[blank, "respondent"], survey.loc[blank, ROW_COLUMN], strict=True):
            self.report.warning(
                f"Ankieta respondenta „{respondent}” nie ma żadnej odpowiedzi — nie zostanie policzona.",
                sheet=self.sheet("ankieta"), row=int(row),
            )

