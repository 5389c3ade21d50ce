"""``pzk template`` → filled in as a user would → ``read_gmina``: the blank template and the reader agree."""

from __future__ import annotations

import csv
import datetime as dt
import re
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from openpyxl.utils.cell import coordinate_from_string, range_boundaries

from pzk_kit.cli import main
from pzk_kit.workbook.dictionaries import dictionary
from pzk_kit.workbook.reading import read_gmina
from pzk_kit.workbook.schema import load_schema

DATA_SHEETS = ["gmina", "partnerzy", "wspolpraca", "uslugi", "potrzeby", "ankieta", "dzialania", "zespoly"]
ITEMS = [f"q{i:02d}" for i in range(1, 31)]


@pytest.fixture
def template_xlsx(tmp_path, capsys) -> Path:
    out = tmp_path / "moja_gmina.xlsx"
    assert main(["template", str(out)]) == 0
    assert "Zapisano szablon" in capsys.readouterr().out
    return out


@pytest.fixture
def template_dir(tmp_path, capsys) -> Path:
    out = tmp_path / "moja_gmina"
    assert main(["template", f"{out}/"]) == 0
    assert "Zapisano szablon" in capsys.readouterr().out
    return out


def header(ws) -> list[str]:
    return [c.value for c in ws[1] if c.value is not None]


def column_letter(ws, name: str) -> str:
    return ws.cell(row=1, column=header(ws).index(name) + 1).column_letter


def validation_for(ws, cell: str):
    found = [dv for dv in ws.data_validations.dataValidation if cell in dv.sqref]
    assert len(found) == 1, f"{ws.title}!{cell}: {len(found)} validations"
    return found[0]


def dropdown(workbook, ws, cell: str) -> list[str]:
    """The choices Excel offers in a cell's drop-down list (a range on another sheet or a literal list)."""
    dv = validation_for(ws, cell)
    assert dv.type == "list"
    formula = dv.formula1
    if formula.startswith('"'):
        return formula.strip('"').split(",")
    sheet, ref = re.fullmatch(r"'?([^'!]+)'?!(\S+)", formula).groups()
    min_col, min_row, _, max_row = range_boundaries(ref.replace("$", ""))
    source = workbook[sheet]
    return [source.cell(row=r, column=min_col).value for r in range(min_row, max_row + 1)]


def pick(options: list[str], label: str) -> str:
    """What a user clicks in a drop-down: the label must be one of the offered choices."""
    assert label in options, f"{label!r} not offered: {options}"
    return label


# -- the blank workbook ------------------------------------------------------------------------------------------


def test_workbook_sheets_headers_and_frozen_panes(template_xlsx):
    wb = openpyxl.load_workbook(template_xlsx)
    assert wb.sheetnames == ["instrukcja", *DATA_SHEETS, "listy"]
    assert wb["listy"].sheet_state == "hidden"
    assert all(wb[name].sheet_state == "visible" for name in ["instrukcja", *DATA_SHEETS])
    instruction = " ".join(str(c.value) for row in wb["instrukcja"].iter_rows() for c in row if c.value)
    assert "partnerzy" in instruction and "Wymagana" in instruction
    schema = load_schema()
    assert header(wb["gmina"])[:2] == ["pole", "wartosc"]
    fields = [c.name for c in schema["gmina"].columns]
    assert [wb["gmina"].cell(row=r, column=1).value for r in range(2, 2 + len(fields))] == fields
    for name in DATA_SHEETS:
        ws = wb[name]
        if name != "gmina":
            assert header(ws) == [c.name for c in schema[name].columns], name
        _, row = coordinate_from_string(ws.freeze_panes)
        assert row == 2, f"{name}: header row not frozen ({ws.freeze_panes})"
    assert header(wb["ankieta"])[4:] == ITEMS


def test_workbook_drop_down_lists(template_xlsx):
    wb = openpyxl.load_workbook(template_xlsx)
    partners = wb["partnerzy"]
    sector = validation_for(partners, f"{column_letter(partners, 'sektor')}2")
    assert sector.type == "list" and sector.formula1.startswith("'listy'!")
    assert dropdown(wb, partners, f"{column_letter(partners, 'sektor')}500") == dictionary("sektory").labels
    # Every dictionary column offers exactly the dictionary's labels, from the first to the last validated row.
    schema = load_schema()
    for name in DATA_SHEETS[1:]:
        ws = wb[name]
        for column in schema[name].columns:
            letter = column_letter(ws, column.name)
            if column.kind in {"dict", "multidict"}:
                for row in (2, 2000):
                    assert dropdown(wb, ws, f"{letter}{row}") == dictionary(column.dictionary).labels, column.name
            elif column.kind == "partner_ref":
                assert validation_for(ws, f"{letter}2").formula1 == "'partnerzy'!$A$2:$A$2000"
            elif column.kind == "survey_item":
                assert dropdown(wb, ws, f"{letter}2") == ["1", "2", "3", "4", "5", "nie wiem"]
            elif column.kind == "scale":
                dv = validation_for(ws, f"{letter}2")
                assert (dv.type, dv.formula1, dv.formula2) == ("whole", str(int(column.minimum)),
                                                               str(int(column.maximum)))
    gmina = wb["gmina"]
    assert dropdown(wb, gmina, "B4") == dictionary("typy_gmin").labels  # typ
    assert validation_for(gmina, "B7").formula1 == "'partnerzy'!$A$2:$A$2000"  # lider


def test_blank_workbook_reads_with_plain_polish_problems(template_xlsx, find_problems):
    report = read_gmina(template_xlsx).report
    assert not report.ok
    assert find_problems(report, "błąd", "gmina", 2, None, "„nazwa”")
    for sheet in DATA_SHEETS[1:]:
        assert find_problems(report, "informacja", sheet, 2, None, "wiersz przykładowy"), sheet


# -- filling the workbook ----------------------------------------------------------------------------------------


def fill_workbook(path: Path) -> None:
    """Type a gmina into the template the way a user does, picking labels from the drop-downs."""
    wb = openpyxl.load_workbook(path)
    gmina = wb["gmina"]
    values = {"nazwa": "Gmina Nowa Wieś", "teryt": 206013, "typ": pick(dropdown(wb, gmina, "B4"), "Miejsko-wiejska"),
              "powiat": "nowowiejski", "wojewodztwo": "dolnośląskie", "lider": "OPS",
              "data_zawiazania": dt.datetime(2024, 5, 20), "misja": "Razem bliżej mieszkańca"}
    for row in range(2, 10):
        field = gmina.cell(row=row, column=1).value
        gmina.cell(row=row, column=2, value=values[field])

    def fill(sheet: str, rows: list[dict[str, object]]) -> None:
        ws, spec = wb[sheet], load_schema()[sheet]
        for offset, record in enumerate(rows, start=3):  # row 2 keeps the template's example
            for name, value in record.items():
                cell = f"{column_letter(ws, name)}{offset}"
                if spec.column(name).kind in {"dict", "multidict"}:
                    options = dropdown(wb, ws, cell)
                    for label in str(value).split("; "):
                        pick(options, label)
                ws[cell] = value

    fill("partnerzy", [
        {"id": "OPS", "nazwa": "Ośrodek Pomocy Społecznej w Nowej Wsi", "sektor": "Pomoc społeczna",
         "szczebel": "Gmina", "typ": "Publiczna", "rola": "Lider", "deklaracja": "Podpisana",
         "data_przystapienia": dt.datetime(2024, 5, 20), "email": "ops@nowawies.example.pl"},
        {"id": "PUP", "nazwa": "Powiatowy Urząd Pracy", "sektor": "Zatrudnienie", "szczebel": "Powiat",
         "typ": "Publiczna", "rola": "Partner", "deklaracja": "List intencyjny", "data_przystapienia": "03.06.2024"},
        {"id": "KGW", "nazwa": "Koło Gospodyń Wiejskich „Nowalijki”", "sektor": "Organizacje pozarządowe",
         "szczebel": "Gmina", "typ": "Pozarządowa", "rola": "Kandydat", "deklaracja": "Brak"},
    ])
    fill("wspolpraca", [
        {"od": "OPS", "do": "PUP", "poziom": 3, "formy": "Wymiana informacji; Kierowanie klientów",
         "zaufanie": 4, "wartosc": 3, "pomiar": "T0"},
        {"od": "PUP", "do": "OPS", "poziom": 2, "formy": "Kierowanie klientów", "pomiar": "T0"},
        {"od": "OPS", "do": "KGW", "poziom": 1, "pomiar": "T1"},
    ])
    fill("uslugi", [
        {"id": "U1", "partner": "OPS", "nazwa": "Poradnictwo socjalne", "obszary": "Ubóstwo; Bezrobocie",
         "grupy": "Wszyscy mieszkańcy", "dostep": "Bez skierowania", "odplatnosc": "Bezpłatna"},
        {"id": "U2", "partner": "PUP", "nazwa": "Staże dla młodzieży", "obszary": "Bezrobocie",
         "grupy": "Młodzież", "dostep": "Skierowanie", "odplatnosc": "Bezpłatna", "limit_miejsc": 15},
    ])
    fill("potrzeby", [
        {"obszar": "Ubóstwo", "grupa": "Osoby starsze", "liczba_osob": 60, "priorytet": 1},
        {"obszar": "Bezrobocie", "grupa": "Młodzież", "liczba_osob": 25, "priorytet": 2, "zrodlo": "Diagnoza"},
    ])
    survey = [{"respondent": f"R{i}", "pomiar": "T0", "sektor": "Pomoc społeczna",
               **{item: (i + n) % 5 + 1 for n, item in enumerate(ITEMS)}} for i in range(1, 4)]
    survey[0]["q05"] = "nie wiem"
    survey[1]["q06"] = None
    survey[2]["partner"] = "PUP"
    fill("ankieta", survey)
    wb.save(path)


def test_filled_workbook_reads_back(template_xlsx, find_problems):
    fill_workbook(template_xlsx)
    data = read_gmina(template_xlsx)
    assert data.report.ok, data.report.format_text()
    assert not data.report.warnings, data.report.format_text()
    examples = find_problems(data.report, "informacja", None, None, None, "wiersz przykładowy")
    assert sorted(p.sheet for p in examples) == sorted(DATA_SHEETS[1:])
    assert {p.row for p in examples} == {2}
    assert data.info == {
        "nazwa": "Gmina Nowa Wieś", "teryt": "0206013", "typ": "miejsko_wiejska", "powiat": "nowowiejski",
        "wojewodztwo": "dolnośląskie", "lider": "OPS", "liderzy": ["OPS"], "data_zawiazania": dt.date(2024, 5, 20),
        "misja": "Razem bliżej mieszkańca",
    }
    check_filled(data)


def check_filled(data) -> None:
    partners = data.partners.set_index("id")
    assert list(partners.index) == ["OPS", "PUP", "KGW"]  # the example "PRZYKŁAD" is skipped
    assert list(partners["sektor"]) == ["pomoc_spoleczna", "zatrudnienie", "organizacje_pozarzadowe"]
    assert list(partners["rola"]) == ["lider", "partner", "kandydat"]
    assert list(partners["deklaracja"]) == ["podpisana", "list_intencyjny", "brak"]
    assert list(partners["typ"]) == ["publiczna", "publiczna", "pozarzadowa"]
    assert partners.loc["PUP", "data_przystapienia"] == pd.Timestamp("2024-06-03")
    assert partners.loc["KGW", "nazwa"] == "Koło Gospodyń Wiejskich „Nowalijki”"
    assert list(data.partners["wiersz"]) == [3, 4, 5]
    ties = data.cooperation
    assert list(zip(ties["od"], ties["do"], ties["poziom"], ties["pomiar"], strict=True)) == [
        ("OPS", "PUP", 3, "T0"), ("PUP", "OPS", 2, "T0"), ("OPS", "KGW", 1, "T1")
    ]
    assert ties["formy"].iloc[0] == ("wymiana_informacji", "kierowanie_klientow")
    assert data.measurements == ["T0", "T1"]
    services = data.services.set_index("id")
    assert services.loc["U1", "obszary"] == ("ubostwo", "bezrobocie")
    assert services.loc["U1", "grupy"] == ("wszyscy",)
    assert services.loc["U2", "limit_miejsc"] == 15 and services.loc["U2", "dostep"] == "skierowanie"
    assert list(zip(data.needs["obszar"], data.needs["grupa"], data.needs["priorytet"], strict=True)) == [
        ("ubostwo", "osoby_starsze", 1), ("bezrobocie", "mlodziez", 2)
    ]
    survey = data.survey.set_index("respondent")
    assert list(survey.index) == ["R1", "R2", "R3"]
    assert survey.loc["R1", "q01"] == 2 and survey.loc["R1", "q05"] == 0  # "nie wiem"
    assert pd.isna(survey.loc["R2", "q06"])
    assert survey.loc["R3", "partner"] == "PUP"
    assert set(survey["sektor"]) == {"pomoc_spoleczna"}
    assert data.leader == "OPS"


# -- the CSV folder template ---------------------------------------------------------------------------------------


def test_csv_template_files(template_dir):
    schema = load_schema()
    assert sorted(p.name for p in template_dir.iterdir()) == sorted(
        ["INSTRUKCJA.txt", *(f"{name}.csv" for name in DATA_SHEETS)]
    )
    for name in DATA_SHEETS:
        raw = (template_dir / f"{name}.csv").read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf"), name
        rows = list(csv.reader(raw.decode("utf-8-sig").splitlines(), delimiter=";"))
        if name == "gmina":
            assert rows[0][:2] == ["pole", "wartosc"]
            assert [r[0] for r in rows[1:]] == [c.name for c in schema["gmina"].columns]
        else:
            assert rows[0] == [c.name for c in schema[name].columns]
            assert len(rows) == 2 and rows[1][0], f"{name}: example row expected"
    assert "ankieta" in (template_dir / "INSTRUKCJA.txt").read_text(encoding="utf-8")


def _read_csv(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle, delimiter=";"))


def _write_csv(path: Path, rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle, delimiter=";", lineterminator="\r\n").writerows(rows)


def _append(path: Path, records: list[dict[str, object]]) -> None:
    rows = _read_csv(path)
    names = rows[0]
    for record in records:
        rows.append(["" if record.get(n) is None else str(record[n]) for n in names])
    _write_csv(path, rows)


def test_filled_csv_folder_reads_back(template_dir, find_problems):
    gmina = _read_csv(template_dir / "gmina.csv")
    values = {"nazwa": "Gmina Nowa Wieś", "teryt": "0206013", "typ": "Miejsko-wiejska", "powiat": "nowowiejski",
              "wojewodztwo": "dolnośląskie", "lider": "OPS", "data_zawiazania": "20.05.2024",
              "misja": "Razem bliżej mieszkańca"}
    for row in gmina[1:]:
        row[1] = values.get(row[0], "")
    _write_csv(template_dir / "gmina.csv", gmina)
    _append(template_dir / "partnerzy.csv", [
        {"id": "OPS", "nazwa": "Ośrodek Pomocy Społecznej w Nowej Wsi", "sektor": "Pomoc społeczna",
         "szczebel": "Gmina", "typ": "Publiczna", "rola": "Lider", "deklaracja": "Podpisana",
         "data_przystapienia": "2024-05-20", "email": "ops@nowawies.example.pl"},
        {"id": "PUP", "nazwa": "Powiatowy Urząd Pracy", "sektor": "Zatrudnienie", "szczebel": "Powiat",
         "typ": "Publiczna", "rola": "Partner", "deklaracja": "List intencyjny", "data_przystapienia": "03.06.2024"},
        {"id": "KGW", "nazwa": "Koło Gospodyń Wiejskich „Nowalijki”", "sektor": "Organizacje pozarządowe",
         "szczebel": "Gmina", "typ": "Pozarządowa", "rola": "Kandydat", "deklaracja": "Brak"},
    ])
    _append(template_dir / "wspolpraca.csv", [
        {"od": "OPS", "do": "PUP", "poziom": 3, "formy": "Wymiana informacji; Kierowanie klientów",
         "zaufanie": 4, "wartosc": 3, "pomiar": "T0"},
        {"od": "PUP", "do": "OPS", "poziom": 2, "formy": "Kierowanie klientów"},
        {"od": "OPS", "do": "KGW", "poziom": 1, "pomiar": "t1"},
    ])
    _append(template_dir / "uslugi.csv", [
        {"id": "U1", "partner": "OPS", "nazwa": "Poradnictwo socjalne", "obszary": "Ubóstwo; Bezrobocie",
         "grupy": "Wszyscy mieszkańcy", "dostep": "Bez skierowania", "odplatnosc": "Bezpłatna"},
        {"id": "U2", "partner": "PUP", "nazwa": "Staże dla młodzieży", "obszary": "Bezrobocie",
         "grupy": "Młodzież", "dostep": "Skierowanie", "odplatnosc": "Bezpłatna", "limit_miejsc": 15},
    ])
    _append(template_dir / "potrzeby.csv", [
        {"obszar": "Ubóstwo", "grupa": "Osoby starsze", "liczba_osob": 60, "priorytet": 1},
        {"obszar": "Bezrobocie", "grupa": "Młodzież", "liczba_osob": 25, "priorytet": 2, "zrodlo": "Diagnoza"},
    ])
    survey = [{"respondent": f"R{i}", "pomiar": "T0", "sektor": "Pomoc społeczna",
               **{item: (i + n) % 5 + 1 for n, item in enumerate(ITEMS)}} for i in range(1, 4)]
    survey[0]["q05"] = "nie wiem"
    survey[1]["q06"] = None
    survey[2]["partner"] = "PUP"
    _append(template_dir / "ankieta.csv", survey)

    data = read_gmina(template_dir)
    assert data.report.ok, data.report.format_text()
    assert not data.report.warnings, data.report.format_text()
    examples = find_problems(data.report, "informacja", None, 2, None, "wiersz przykładowy")
    assert sorted(p.sheet for p in examples) == sorted(DATA_SHEETS[1:])
    assert data.info["teryt"] == "0206013" and data.info["data_zawiazania"] == dt.date(2024, 5, 20)
    assert data.info["typ"] == "miejsko_wiejska" and data.name == "Gmina Nowa Wieś"
    check_filled(data)


# -- never overwrite a user's file --------------------------------------------------------------------------------


def test_template_refuses_to_overwrite_a_file(tmp_path, capsys):
    out = tmp_path / "gmina.xlsx"
    out.write_bytes(b"dane uzytkownika")
    assert main(["template", str(out)]) == 1
    err = capsys.readouterr().err
    assert "już istnieje" in err and "--nadpisz" in err
    assert out.read_bytes() == b"dane uzytkownika"
    assert [p.name for p in tmp_path.iterdir()] == ["gmina.xlsx"]  # no temporary file left behind


def test_template_overwrites_with_nadpisz(tmp_path):
    out = tmp_path / "gmina.xlsx"
    out.write_bytes(b"dane uzytkownika")
    assert main(["template", str(out), "--nadpisz"]) == 0
    assert openpyxl.load_workbook(out).sheetnames[0] == "instrukcja"


def test_template_refuses_to_overwrite_a_filled_folder(tmp_path, capsys):
    out = tmp_path / "gmina"
    out.mkdir()
    (out / "partnerzy.csv").write_text("id;nazwa;sektor\nOPS;Ośrodek;Pomoc społeczna\n", encoding="utf-8")
    assert main(["template", f"{out}/"]) == 1
    assert "już istnieje" in capsys.readouterr().err
    assert [p.name for p in out.iterdir()] == ["partnerzy.csv"]
    assert (out / "partnerzy.csv").read_text(encoding="utf-8").startswith("id;nazwa;sektor\nOPS")
    assert main(["template", f"{out}/", "--nadpisz"]) == 0
    assert (out / "gmina.csv").exists() and "PRZYKŁAD" in (out / "partnerzy.csv").read_text(encoding="utf-8-sig")

