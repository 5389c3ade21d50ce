"""The same small gmina written the many ways real users and their tools write it must read the same (CONTRACT §1)."""

from __future__ import annotations

import datetime as dt
import warnings
from pathlib import Path

import pandas as pd
import pytest

from pzk_kit.workbook.example import example_dir
from pzk_kit.workbook.reading import read_gmina

EXAMPLE_CSV = example_dir()
EXAMPLE_XLSX = Path(__file__).resolve().parents[1] / "data" / "przyklad" / "gmina_przykladowa.xlsx"

TABLES = ["partnerzy", "wspolpraca", "uslugi", "potrzeby", "ankieta"]


def no_errors_or_warnings(data) -> None:
    serious = [str(p) for p in data.report.problems if p.severity.value != "informacja"]
    assert serious == []


def set_column(rows: list[list[object]], column: str, values: list[object]) -> None:
    """Replace the values of one column (header stays) in a sheet given as rows."""
    index = rows[0].index(column)
    for row, value in zip(rows[1:], values, strict=True):
        row[index] = value


def partner_value(data, pid: str, column: str):
    return data.partners.set_index("id").loc[pid, column]


# -- encodings and delimiters -------------------------------------------------------------------------------------


@pytest.fixture
def baseline(tmp_path, gmina_rows, write_csv_gmina):
    return read_gmina(write_csv_gmina(tmp_path / "baseline", gmina_rows))


def test_baseline_values(baseline):
    data = baseline
    no_errors_or_warnings(data)
    assert data.info == {
        "nazwa": "Gmina Testowa", "teryt": "1209022", "typ": "wiejska", "lider": "GOPS", "liderzy": ["GOPS"],
        "data_zawiazania": dt.date(2024, 3, 15),
    }
    assert data.name == "Gmina Testowa" and data.leader == "GOPS"
    partners = data.partners.set_index("id")
    assert list(partners.index) == ["GOPS", "PUP", "SP1", "KPP"]
    assert partners.loc["GOPS", "nazwa"] == "Gminny Ośrodek Pomocy Społecznej"
    assert list(partners["sektor"]) == ["pomoc_spoleczna", "zatrudnienie", "edukacja", "bezpieczenstwo"]
    assert list(partners["rola"]) == ["lider", "partner", "partner", "kandydat"]
    assert list(partners["deklaracja"]) == ["podpisana", "podpisana", "list_intencyjny", "brak"]
    assert partners.loc["PUP", "data_przystapienia"] == pd.Timestamp("2024-03-15")
    assert pd.isna(partners.loc["KPP", "data_przystapienia"])
    assert list(data.partners["wiersz"]) == [2, 3, 4, 5]
    ties = data.cooperation
    assert list(zip(ties["od"], ties["do"], ties["poziom"], strict=True)) == [
        ("GOPS", "PUP", 3), ("PUP", "GOPS", 2), ("GOPS", "SP1", 1)
    ]
    assert ties["formy"].iloc[0] == ("wymiana_informacji", "kierowanie_klientow")
    assert list(ties["pomiar"]) == ["T0", "T0", "T0"]  # the empty pomiar defaults to T0
    assert str(ties["poziom"].dtype) == "Int64"
    assert data.services["grupy"].tolist() == [("wszyscy",), ("osoby_bezrobotne", "mlodziez")]
    assert data.services["limit_miejsc"].iloc[1] == 20 and pd.isna(data.services["limit_miejsc"].iloc[0])
    assert list(zip(data.needs["obszar"], data.needs["grupa"], strict=True)) == [
        ("ubostwo", "osoby_starsze"), ("bezrobocie", "mlodziez")
    ]
    survey = data.survey.set_index("respondent")
    assert survey.loc["R01", "q03"] == 0  # "nie wiem"
    assert pd.isna(survey.loc["R02", "q02"])
    assert survey.loc["R03", "q02"] == 0
    assert data.measurements == ["T0"]
    assert data.collected == {"gmina", "partnerzy", "wspolpraca", "uslugi", "potrzeby", "ankieta"}


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1250"])
@pytest.mark.parametrize("delimiter", [";", ",", "\t"])
def test_encodings_and_delimiters(tmp_path, gmina_rows, write_csv_gmina, baseline, encoding, delimiter):
    folder = write_csv_gmina(tmp_path / "g", gmina_rows, encoding=encoding, delimiter=delimiter)
    if encoding == "utf-8-sig":
        assert (folder / "partnerzy.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    data = read_gmina(folder)
    no_errors_or_warnings(data)
    assert data.info == baseline.info
    assert partner_value(data, "GOPS", "nazwa") == "Gminny Ośrodek Pomocy Społecznej"
    assert data.services["nazwa"].tolist() == ["Poradnictwo socjalne", "Szkolenia zawodowe"]
    for sheet in TABLES:
        pd.testing.assert_frame_equal(data.table(sheet), baseline.table(sheet))


def test_windows_1250_bytes_are_decoded(tmp_path):
    folder = tmp_path / "g"
    folder.mkdir()
    (folder / "gmina.csv").write_bytes("pole;wartosc\nnazwa;Gmina Łąka\n".encode("cp1250"))
    (folder / "partnerzy.csv").write_bytes(
        "id;nazwa;sektor;deklaracja\nKGW;Koło Gospodyń Wiejskich w Łące;Organizacje pozarządowe;Podpisana\n"
        .encode("cp1250")
    )
    data = read_gmina(folder)
    assert data.name == "Gmina Łąka"
    assert partner_value(data, "KGW", "nazwa") == "Koło Gospodyń Wiejskich w Łące"
    assert partner_value(data, "KGW", "sektor") == "organizacje_pozarzadowe"


def _ragged_partners(tmp_path, gmina_rows, write_csv_gmina) -> Path:
    """Rows of different lengths, as hand-made files have: a trailing ';' on some rows, missing empty cells."""
    folder = write_csv_gmina(tmp_path / "g", gmina_rows)
    lines = (folder / "partnerzy.csv").read_bytes().decode("utf-8").split("\r\n")
    lines[1] += ";"
    lines[4] = "KPP;Komenda Powiatowa Policji;Bezpieczeństwo;Kandydat"
    (folder / "partnerzy.csv").write_bytes("\r\n".join(lines).encode("utf-8"))
    return folder


def test_rows_of_different_lengths(tmp_path, gmina_rows, write_csv_gmina, baseline):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        data = read_gmina(_ragged_partners(tmp_path, gmina_rows, write_csv_gmina))
    no_errors_or_warnings(data)
    assert list(data.partners["wiersz"]) == [2, 3, 4, 5]
    assert list(data.partners["rola"]) == ["lider", "partner", "partner", "kandydat"]
    assert pd.isna(partner_value(data, "KPP", "deklaracja"))


def test_rows_of_different_lengths_need_no_deprecated_pandas(tmp_path, gmina_rows, write_csv_gmina):
    folder = _ragged_partners(tmp_path, gmina_rows, write_csv_gmina)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        read_gmina(folder)


# -- headers and sheet names ------------------------------------------------------------------------------------


HEADER_VARIANTS = {
    "gmina": ["Nazwa gminy", "Kod TERYT", "Rodzaj gminy", "Lider PZK", "Data zawiązania PZK"],
    "partnerzy": ["ID", " Nazwa ", "SEKTOR", "Rola w PZK", "Deklaracja przystąpienia", "Data przystąpienia",
                  "E-mail"],
    "wspolpraca": ["Od partnera", "Z kim", "Poziom współpracy", "Formy współpracy", " ZAUFANIE",
                   "Wartość współpracy", "Pomiar"],
    "uslugi": ["Kod usługi", "Realizator", "Nazwa usługi", "Obszary potrzeb", "Grupy docelowe", "Tryb dostępu",
               "Odpłatność", "Limit"],
    "potrzeby": ["Obszar potrzeb", "Grupa docelowa", "Liczba osób", "Priorytet", "Źródło"],
    "ankieta": ["Kod respondenta", "POMIAR", "Id partnera", "Sektor", "Pytanie 1", "pyt_02", "Q3"],
}

HEADER_VARIANTS_2 = {
    "partnerzy": ["identyfikator", "nazwa_instytucji", "polityka-sektorowa", "status", "stan_deklaracji",
                  "data-przystapienia", "adres e-mail"],
    "wspolpraca": ["zgłaszający", "do_partnera", "POZIOM", "forma", "zaufanie", "wartosc", "pomiar"],
}


@pytest.mark.parametrize("variants", [HEADER_VARIANTS, HEADER_VARIANTS_2], ids=["labels", "codes-and-aliases"])
def test_header_variants(tmp_path, gmina_rows, write_csv_gmina, baseline, variants):
    for sheet, header in variants.items():
        if sheet == "gmina":
            for row, field in zip(gmina_rows["gmina"][1:], header, strict=True):
                row[0] = field
        else:
            gmina_rows[sheet][0] = header
    data = read_gmina(write_csv_gmina(tmp_path / "g", gmina_rows))
    no_errors_or_warnings(data)
    assert data.info == baseline.info
    for sheet in TABLES:
        pd.testing.assert_frame_equal(data.table(sheet), baseline.table(sheet))


def test_header_spelled_many_ways_maps_to_one_column(tmp_path, gmina_rows, write_csv_gmina):
    for header in ["Data przystąpienia", "data-przystapienia", "DATA_PRZYSTAPIENIA", "  data przystąpienia  ",
                   "Data\u00a0przystąpienia"]:
        gmina_rows["partnerzy"][0][5] = header
        data = read_gmina(write_csv_gmina(tmp_path / "g", gmina_rows))
        no_errors_or_warnings(data)
        assert partner_value(data, "SP1", "data_przystapienia") == pd.Timestamp("2024-04-02"), header


def test_workbook_tabs_with_polish_names(tmp_path, gmina_rows, write_xlsx, baseline):
    tabs = {"gmina": "Gmina", "partnerzy": "Partnerzy", "wspolpraca": "Współpraca", "uslugi": "Usługi",
            "potrzeby": "Diagnoza potrzeb", "ankieta": "Ankiety"}
    data = read_gmina(write_xlsx(tmp_path / "g.xlsx", {tabs[s]: rows for s, rows in gmina_rows.items()}))
    no_errors_or_warnings(data)
    assert data.sheet_names == tabs
    for sheet in TABLES:
        pd.testing.assert_frame_equal(data.table(sheet), baseline.table(sheet))


def test_problem_names_the_tab_as_the_user_wrote_it(tmp_path, gmina_rows, write_xlsx, find_problems):
    gmina_rows["wspolpraca"][1][2] = 9
    sheets = {("Współpraca" if s == "wspolpraca" else s): rows for s, rows in gmina_rows.items()}
    report = read_gmina(write_xlsx(tmp_path / "g.xlsx", sheets)).report
    assert find_problems(report, "błąd", "Współpraca", 2, "poziom", "„9”")


def test_wide_gmina_sheet_is_accepted(tmp_path, gmina_rows, write_csv_gmina, baseline):
    fields = gmina_rows["gmina"][1:]
    gmina_rows["gmina"] = [[f for f, _ in fields], [v for _, v in fields]]
    data = read_gmina(write_csv_gmina(tmp_path / "g", gmina_rows))
    no_errors_or_warnings(data)
    assert data.info == baseline.info


# -- dictionary values ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    ["Pomoc społeczna", "POMOC SPOŁECZNA", "pomoc_spoleczna", "pomoc spoleczna", "Pomoc-Społeczna",
     "  Pomoc\u00a0społeczna ", "Pomoc  społeczna", "Integracja społeczna"],
)
def test_sector_spelled_many_ways(tmp_path, gmina_rows, write_csv_gmina, typed):
    gmina_rows["partnerzy"][2][2] = typed
    data = read_gmina(write_csv_gmina(tmp_path / "g", gmina_rows))
    no_errors_or_warnings(data)
    assert partner_value(data, "PUP", "sektor") == "pomoc_spoleczna"


@pytest.mark.parametrize("typed", ["Miejsko-wiejska", "miejsko wiejska", "MIEJSKO_WIEJSKA", "gmina miejsko-wiejska"])
def test_gmina_type_spelled_many_ways(tmp_path, gmina_rows, write_csv_gmina, typed):
    gmina_rows["gmina"][2][1] = "1209033"  # the gmina Myślenice: 7th digit 3, miejsko-wiejska
    gmina_rows["gmina"][3][1] = typed
    data = read_gmina(write_csv_gmina(tmp_path / "g", gmina_rows))
    no_errors_or_warnings(data)
    assert data.info["typ"] == "miejsko_wiejska"


def test_other_dictionaries_by_label_code_and_case(tmp_path, gmina_rows, write_csv_gmina):
    set_column(gmina_rows["partnerzy"], "rola", ["LIDER", "partner", "", "Kandydat"])
    set_column(gmina_rows["partnerzy"], "deklaracja", ["podpisana", "LIST INTENCYJNY", "list_intencyjny", "brak"])
    set_column(gmina_rows["uslugi"], "dostep", ["bez skierowania", "SKIEROWANIE"])
    set_column(gmina_rows["uslugi"], "odplatnosc", ["Częściowo odpłatna", "czesciowo_odplatna"])
    set_column(gmina_rows["potrzeby"], "grupa", ["seniorzy", "MŁODZIEŻ"])
    data = read_gmina(write_csv_gmina(tmp_path / "g", gmina_rows))
    no_errors_or_warnings(data)
    assert list(data.partners["rola"]) == ["lider", "partner", "partner", "kandydat"]  # empty = partner
    assert list(data.partners["deklaracja"]) == ["podpisana", "list_intencyjny", "list_intencyjny", "brak"]
    assert list(data.services["dostep"]) == ["bez_skierowania", "skierowanie"]
    assert list(data.services["odplatnosc"]) == ["czesciowo_odplatna", "czesciowo_odplatna"]
    assert list(data.needs["grupa"]) == ["osoby_starsze", "mlodziez"]


def test_scale_accepts_label_and_numbered_label(tmp_path, gmina_rows, write_csv_gmina):
    set_column(gmina_rows["wspolpraca"], "poziom", ["Koordynacja", "2 – kooperacja", "sieciowanie"])
    set_column(gmina_rows["wspolpraca"], "zaufanie", ["Bardzo wysokie", "3", "niskie"])
    data = read_gmina(write_csv_gmina(tmp_path / "g", gmina_rows))
    no_errors_or_warnings(data)
    assert list(data.cooperation["poziom"]) == [3, 2, 1]
    assert list(data.cooperation["zaufanie"]) == [4, 3, 1]


# -- multi-valued cells -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "codes"),
    [
        ("Wymiana informacji; Kierowanie klientów", ("wymiana_informacji", "kierowanie_klientow")),
        ("Wymiana informacji, Kierowanie klientów", ("wymiana_informacji", "kierowanie_klientow")),
        ("wymiana_informacji;kierowanie_klientow", ("wymiana_informacji", "kierowanie_klientow")),
        ("Kierowanie klientów ; WYMIANA INFORMACJI ; wymiana informacji;", ("kierowanie_klientow",
                                                                           "wymiana_informacji")),
        ("Udostępnianie zasobów (sale, sprzęt, ludzie); Wspólny projekt", ("udostepnianie_zasobow",
                                                                          "wspolny_projekt")),
        ("Zespół interdyscyplinarny", ("zespol_interdyscyplinarny",)),
    ],
)
def test_multi_valued_cells(tmp_path, gmina_rows, write_csv_gmina, typed, codes):
    gmina_rows["wspolpraca"][1][3] = typed
    data = read_gmina(write_csv_gmina(tmp_path / "g", gmina_rows, delimiter=","))
    no_errors_or_warnings(data)
    assert data.cooperation["formy"].iloc[0] == codes
    assert data.cooperation["formy"].iloc[2] == ("wymiana_informacji",)


def test_multi_valued_cells_in_services(tmp_path, gmina_rows, write_csv_gmina):
    set_column(gmina_rows["uslugi"], "obszary", ["Ubóstwo, Bezrobocie, Przemoc domowa", "bezrobocie;"])
    set_column(gmina_rows["uslugi"], "grupy", ["wszyscy", "Osoby bezrobotne , Młodzież"])
    data = read_gmina(write_csv_gmina(tmp_path / "g", gmina_rows))
    no_errors_or_warnings(data)
    assert data.services["obszary"].tolist() == [("ubostwo", "bezrobocie", "przemoc_domowa"), ("bezrobocie",)]
    assert data.services["grupy"].tolist() == [("wszyscy",), ("osoby_bezrobotne", "mlodziez")]


def test_one_bad_piece_of_a_multi_valued_cell_is_reported(tmp_path, gmina_rows, write_csv_gmina, find_problems):
    gmina_rows["uslugi"][1][3] = "Ubóstwo; Bezrobocia; Przemoc domowa"
    data = read_gmina(write_csv_gmina(tmp_path / "g", gmina_rows))
    assert find_problems(data.report, "błąd", "uslugi", 2, "obszary", "„Bezrobocia”")
    assert find_problems(data.report, "błąd", "uslugi", 2, "obszary", "Czy chodziło o „Bezrobocie”?")
    assert data.services["obszary"].iloc[0] == ("ubostwo", "przemoc_domowa")


# -- dates ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["2024-03-15", "15.03.2024", " 15.03.2024 ", "15.03.2024 00:00", "2024.03.15"])
def test_dates_in_csv(tmp_path, gmina_rows, write_csv_gmina, typed):
    gmina_rows["partnerzy"][1][5] = typed
    gmina_rows["gmina"][5][1] = typed
    data = read_gmina(write_csv_gmina(tmp_path / "g", gmina_rows))
    no_errors_or_warnings(data)
    assert partner_value(data, "GOPS", "data_przystapienia") == pd.Timestamp("2024-03-15")
    assert data.info["data_zawiazania"] == dt.date(2024, 3, 15)


@pytest.mark.parametrize(
    "cell",
    [dt.datetime(2024, 3, 15), dt.date(2024, 3, 15), dt.datetime(2024, 3, 15, 0, 0), 45366, 45366.0, "15.03.2024",
     "2024-03-15"],
    ids=["datetime", "date", "midnight", "serial", "serial-float", "text-pl", "text-iso"],
)
def test_dates_in_xlsx(tmp_path, gmina_rows, write_xlsx, cell):
    gmina_rows["partnerzy"][1][5] = cell
    gmina_rows["gmina"][5][1] = cell
    data = read_gmina(write_xlsx(tmp_path / "g.xlsx", gmina_rows))
    no_errors_or_warnings(data)
    assert partner_value(data, "GOPS", "data_przystapienia") == pd.Timestamp("2024-03-15")
    assert data.info["data_zawiazania"] == dt.date(2024, 3, 15)


def test_date_with_time_keeps_the_day(tmp_path, gmina_rows, write_xlsx):
    gmina_rows["partnerzy"][1][5] = dt.datetime(2024, 3, 15, 14, 30)
    data = read_gmina(write_xlsx(tmp_path / "g.xlsx", gmina_rows))
    no_errors_or_warnings(data)
    assert partner_value(data, "GOPS", "data_przystapienia") == pd.Timestamp("2024-03-15")


@pytest.mark.parametrize("typed", ["31.02.2024", "2024-13-01", "wczoraj", "15/03", "1850-01-01"])
def test_bad_dates_are_errors_with_the_format_explained(tmp_path, gmina_rows, write_csv_gmina, find_problems, typed):
    gmina_rows["partnerzy"][3][5] = typed
    data = read_gmina(write_csv_gmina(tmp_path / "g", gmina_rows))
    found = find_problems(data.report, "błąd", "partnerzy", 4, "data_przystapienia", "DD.MM.RRRR")
    assert len(found) == 1 and found[0].value == typed
    assert pd.isna(partner_value(data, "SP1", "data_przystapienia"))


# -- numbers ----------------------------------------------------------------------------------------------------


def test_decimal_comma_and_dot_in_integer_columns(tmp_path, gmina_rows, write_csv_gmina):
    set_column(gmina_rows["wspolpraca"], "poziom", ["3,0", "2.0", " 1 "])
    set_column(gmina_rows["potrzeby"], "liczba_osob", ["120,0", "40.0"])
    set_column(gmina_rows["uslugi"], "limit_miejsc", ["", "20,0"])
    gmina_rows["ankieta"][1][4] = "4,0"
    data = read_gmina(write_csv_gmina(tmp_path / "g", gmina_rows))
    no_errors_or_warnings(data)
    assert list(data.cooperation["poziom"]) == [3, 2, 1]
    assert list(data.needs["liczba_osob"]) == [120, 40]
    assert data.services["limit_miejsc"].iloc[1] == 20
    assert data.survey["q01"].iloc[0] == 4


def test_fraction_in_integer_column_is_an_error(tmp_path, gmina_rows, write_csv_gmina, find_problems):
    gmina_rows["wspolpraca"][1][2] = "2,5"
    gmina_rows["potrzeby"][1][2] = "12.5"
    report = read_gmina(write_csv_gmina(tmp_path / "g", gmina_rows)).report
    assert find_problems(report, "błąd", "wspolpraca", 2, "poziom", "„2,5”")
    assert find_problems(report, "błąd", "potrzeby", 2, "liczba_osob", "„12.5”")


def test_fraction_with_dot_in_scale_column_is_an_error(tmp_path, gmina_rows, write_csv_gmina, find_problems):
    gmina_rows["wspolpraca"][1][2] = "2.5"
    gmina_rows["wspolpraca"][1][4] = "3.5"
    data = read_gmina(write_csv_gmina(tmp_path / "g", gmina_rows))
    assert find_problems(data.report, "błąd", "wspolpraca", 2, "poziom", "„2.5”") or find_problems(
        data.report, "błąd", "wspolpraca", 2, "poziom", "„2,5”"
    )
    assert find_problems(data.report, "błąd", "wspolpraca", 2, "zaufanie")
    assert pd.isna(data.cooperation["poziom"].iloc[0])


def test_numbers_typed_as_text_and_as_floats_in_xlsx(tmp_path, gmina_rows, write_xlsx):
    set_column(gmina_rows["wspolpraca"], "poziom", ["3", 2.0, 1])
    set_column(gmina_rows["wspolpraca"], "zaufanie", [" 4 ", 3, "2,0"])
    set_column(gmina_rows["potrzeby"], "liczba_osob", [120.0, "40"])
    set_column(gmina_rows["potrzeby"], "priorytet", ["1", 2])
    set_column(gmina_rows["uslugi"], "limit_miejsc", [None, "20"])
    set_column(gmina_rows["ankieta"], "q01", ["4", 5.0, 3])
    gmina_rows["gmina"][2][1] = 1209022  # TERYT stored as a number
    data = read_gmina(write_xlsx(tmp_path / "g.xlsx", gmina_rows))
    no_errors_or_warnings(data)
    assert list(data.cooperation["poziom"]) == [3, 2, 1]
    assert list(data.cooperation["zaufanie"]) == [4, 3, 2]
    assert list(data.needs["liczba_osob"]) == [120, 40]
    assert list(data.needs["priorytet"]) == [1, 2]
    assert data.services["limit_miejsc"].iloc[1] == 20
    assert list(data.survey["q01"]) == [4, 5, 3]
    assert data.info["teryt"] == "1209022"


@pytest.mark.parametrize("levels", [[True, 1, 1], [1, 1, True]], ids=["true-first", "true-last"])
def test_boolean_cell_does_not_change_other_cells(tmp_path, gmina_rows, write_xlsx, levels):
    set_column(gmina_rows["wspolpraca"], "poziom", levels)
    data = read_gmina(write_xlsx(tmp_path / "g.xlsx", gmina_rows))
    bad_row = 2 + next(i for i, v in enumerate(levels) if v is True)  # not .index(): True == 1
    # shown the way a Polish Excel shows a boolean cell
    assert [(p.row, p.column, p.value) for p in data.report.errors] == [(bad_row, "poziom", "PRAWDA")]
    assert [pd.isna(v) for v in data.cooperation["poziom"]] == [v is True for v in levels]


def test_ids_typed_as_numbers_in_xlsx_still_match(tmp_path, gmina_rows, write_xlsx):
    gmina_rows["partnerzy"][3][0] = 101  # SP1 becomes the number 101
    gmina_rows["wspolpraca"][3][1] = "101"
    data = read_gmina(write_xlsx(tmp_path / "g.xlsx", gmina_rows))
    no_errors_or_warnings(data)
    assert "101" in set(data.partners["id"])
    assert data.cooperation["do"].iloc[2] == "101"


# -- row numbers: blank rows and title rows ---------------------------------------------------------------------


def _partners_with_gaps(gmina_rows) -> list[list[object]]:
    header, gops, pup, sp1, kpp = gmina_rows["partnerzy"]
    sp1 = list(sp1)
    sp1[2] = "Edukacjaa"  # a typo to be reported at the right row
    blank = [None] * len(header)
    title = ["Partnerzy PZK Gminy Testowej", *blank[1:]]  # Excel pads every CSV line to the table's width
    return [title, blank, header, gops, blank, pup, blank, blank, sp1, kpp]


def test_row_numbers_after_title_and_blank_rows_xlsx(tmp_path, gmina_rows, write_xlsx, find_problems):
    gmina_rows["partnerzy"] = _partners_with_gaps(gmina_rows)
    gmina_rows["wspolpraca"].insert(2, [None] * 7)
    gmina_rows["wspolpraca"][4][2] = 7  # GOPS → SP1, now on Excel row 5
    data = read_gmina(write_xlsx(tmp_path / "g.xlsx", gmina_rows))
    assert list(data.partners["wiersz"]) == [4, 6, 9, 10]
    assert list(data.partners["id"]) == ["GOPS", "PUP", "SP1", "KPP"]
    errors = data.report.errors
    assert len(errors) == 2, errors
    assert find_problems(data.report, "błąd", "partnerzy", 9, "sektor", "Czy chodziło o „Edukacja”?")
    assert find_problems(data.report, "błąd", "wspolpraca", 5, "poziom", "„7”")
    assert list(data.cooperation["wiersz"]) == [2, 4, 5]


def test_row_numbers_after_title_and_blank_rows_csv(tmp_path, gmina_rows, write_csv_gmina, find_problems):
    gmina_rows["partnerzy"] = _partners_with_gaps(gmina_rows)
    data = read_gmina(write_csv_gmina(tmp_path / "g", gmina_rows))
    assert list(data.partners["wiersz"]) == [4, 6, 9, 10]
    assert len(data.report.errors) == 1
    assert find_problems(data.report, "błąd", "partnerzy", 9, "sektor", "„Edukacjaa”")


def test_missing_column_is_reported_on_the_header_row(tmp_path, gmina_rows, write_xlsx, find_problems):
    gmina_rows["partnerzy"] = _partners_with_gaps(gmina_rows)
    for row in gmina_rows["partnerzy"][2:]:
        del row[2]
    report = read_gmina(write_xlsx(tmp_path / "g.xlsx", gmina_rows)).report
    assert find_problems(report, "błąd", "partnerzy", 3, "sektor", "Brakuje wymaganej kolumny")


def test_title_line_without_separators_above_the_header_csv(tmp_path, gmina_rows, write_csv_gmina):
    gmina_rows["partnerzy"].insert(0, ["Partnerzy PZK Gminy Testowej"])
    data = read_gmina(write_csv_gmina(tmp_path / "g", gmina_rows))
    no_errors_or_warnings(data)
    assert list(data.partners["wiersz"]) == [3, 4, 5, 6]


@pytest.mark.parametrize("newline", [b"\r\n", b"\n", b"\r"], ids=["windows", "unix", "old-mac"])
def test_row_numbers_with_any_line_endings(tmp_path, gmina_rows, write_csv_gmina, find_problems, newline):
    gmina_rows["partnerzy"][3][2] = "Edukacjaa"  # SP1
    folder = write_csv_gmina(tmp_path / "g", gmina_rows)
    lines = (folder / "partnerzy.csv").read_bytes().split(b"\r\n")
    lines.insert(3, b"")  # a blank line before SP1: it moves to row 5
    (folder / "partnerzy.csv").write_bytes(newline.join(lines))
    data = read_gmina(folder)
    assert list(data.partners["wiersz"]) == [2, 3, 5, 6]
    assert [(p.sheet, p.row, p.column) for p in data.report.errors] == [("partnerzy", 5, "sektor")]


def test_row_numbers_after_a_multi_line_cell_csv(tmp_path, gmina_rows, write_csv_gmina, find_problems):
    gmina_rows["partnerzy"][0].append("adres")
    for row in gmina_rows["partnerzy"][1:]:
        row.append("")
    gmina_rows["partnerzy"][1][-1] = "ul. Rynek 1\n00-001 Testowo"  # Alt+Enter in an Excel cell
    gmina_rows["partnerzy"][3][2] = "Edukacjaa"  # SP1: Excel row 4
    data = read_gmina(write_csv_gmina(tmp_path / "g", gmina_rows))
    assert partner_value(data, "GOPS", "adres") == "ul. Rynek 1 00-001 Testowo"
    assert find_problems(data.report, "błąd", "partnerzy", 4, "sektor")
    assert list(data.partners["wiersz"]) == [2, 3, 4, 5]


# -- stray spaces, TERYT, pomiar, references ----------------------------------------------------------------------


def test_stray_and_non_breaking_spaces(tmp_path, gmina_rows, write_csv_gmina):
    gmina_rows["partnerzy"][0][1] = "\u00a0Nazwa "
    gmina_rows["partnerzy"][1][0] = " GOPS\u00a0"
    gmina_rows["partnerzy"][2][1] = "Powiatowy\u00a0\u00a0Urząd   Pracy\u202f"
    gmina_rows["partnerzy"][2][2] = "\tZatrudnienie "
    gmina_rows["partnerzy"][2][6] = " pup@example.pl\u00a0"
    gmina_rows["wspolpraca"][1][0] = "GOPS "
    gmina_rows["wspolpraca"][2][1] = "\u00a0GOPS"
    gmina_rows["gmina"][1][1] = "  Gmina\u00a0Testowa "
    gmina_rows["gmina"][4][1] = "GOPS\u00a0"
    data = read_gmina(write_csv_gmina(tmp_path / "g", gmina_rows))
    no_errors_or_warnings(data)
    assert data.name == "Gmina Testowa"
    assert data.info["lider"] == "GOPS"
    assert list(data.partners["id"]) == ["GOPS", "PUP", "SP1", "KPP"]
    assert partner_value(data, "PUP", "nazwa") == "Powiatowy Urząd Pracy"
    assert partner_value(data, "PUP", "sektor") == "zatrudnienie"
    assert partner_value(data, "PUP", "email") == "pup@example.pl"
    assert list(data.cooperation["od"]) == ["GOPS", "PUP", "GOPS"]
    assert list(data.cooperation["do"]) == ["PUP", "GOPS", "SP1"]


def test_cell_of_spaces_only_is_empty(tmp_path, gmina_rows, write_csv_gmina, find_problems):
    gmina_rows["partnerzy"][2][1] = " \u00a0 "
    data = read_gmina(write_csv_gmina(tmp_path / "g", gmina_rows))
    assert find_problems(data.report, "błąd", "partnerzy", 3, "nazwa", "Brak wartości w wymaganej kolumnie")


def test_partner_references_ignore_case(tmp_path, gmina_rows, write_csv_gmina):
    gmina_rows["wspolpraca"][1][:2] = ["gops", "Pup"]
    gmina_rows["uslugi"][1][1] = "Gops"
    gmina_rows["gmina"][4][1] = "gops"
    data = read_gmina(write_csv_gmina(tmp_path / "g", gmina_rows))
    no_errors_or_warnings(data)
    assert data.cooperation[["od", "do"]].iloc[0].tolist() == ["GOPS", "PUP"]
    assert data.services["partner"].iloc[0] == "GOPS"
    assert data.leader == "GOPS"


@pytest.mark.parametrize(("typed", "teryt"), [("209022", "0209022"), ("0209022", "0209022"), ("1209022", "1209022"),
                                              ("12 09 022", "1209022"), ("806012", "0806012")])
def test_teryt_in_csv(tmp_path, gmina_rows, write_csv_gmina, typed, teryt):
    gmina_rows["gmina"][2][1] = typed
    data = read_gmina(write_csv_gmina(tmp_path / "g", gmina_rows))
    no_errors_or_warnings(data)
    assert data.teryt == teryt


@pytest.mark.parametrize(("cell", "teryt"), [(209022, "0209022"), (209022.0, "0209022"), (1209022, "1209022"),
                                             ("0209022", "0209022")])
def test_teryt_that_lost_its_leading_zero_in_excel(tmp_path, gmina_rows, write_xlsx, cell, teryt):
    gmina_rows["gmina"][2][1] = cell
    data = read_gmina(write_xlsx(tmp_path / "g.xlsx", gmina_rows))
    no_errors_or_warnings(data)
    assert data.teryt == teryt


@pytest.mark.parametrize("typed", ["12090", "120903", "12090345", "12-09-03a"])
def test_teryt_that_cannot_be_repaired(tmp_path, gmina_rows, write_csv_gmina, find_problems, typed):
    gmina_rows["gmina"][2][1] = typed
    data = read_gmina(write_csv_gmina(tmp_path / "g", gmina_rows))
    assert find_problems(data.report, "błąd", "gmina", 3, None, "7 cyfr")
    assert data.teryt is None


@pytest.mark.parametrize("typed", ["t1", "T1", " T 1 ", "1"])
def test_pomiar_spellings(tmp_path, gmina_rows, write_csv_gmina, typed):
    gmina_rows["wspolpraca"][3][6] = typed
    gmina_rows["ankieta"][3][1] = typed
    data = read_gmina(write_csv_gmina(tmp_path / "g", gmina_rows))
    no_errors_or_warnings(data)
    assert list(data.cooperation["pomiar"]) == ["T0", "T0", "T1"]
    assert list(data.survey["pomiar"]) == ["T0", "T0", "T1"]
    assert data.measurements == ["T0", "T1"]


def test_pomiar_with_leading_zero_is_the_same_measurement(tmp_path, gmina_rows, write_csv_gmina):
    gmina_rows["wspolpraca"][3][6] = "T01"
    gmina_rows["ankieta"][3][1] = "T1"
    data = read_gmina(write_csv_gmina(tmp_path / "g", gmina_rows))
    assert data.measurements == ["T0", "T1"]


def test_pomiar_as_number_in_xlsx(tmp_path, gmina_rows, write_xlsx):
    gmina_rows["wspolpraca"][3][6] = 1
    data = read_gmina(write_xlsx(tmp_path / "g.xlsx", gmina_rows))
    no_errors_or_warnings(data)
    assert list(data.cooperation["pomiar"]) == ["T0", "T0", "T1"]
    assert data.measurements == ["T0", "T1"]


def test_survey_answers(tmp_path, gmina_rows, write_csv_gmina):
    gmina_rows["ankieta"][1][4:7] = ["Nie wiem", "nie wiem", " 5 "]
    gmina_rows["ankieta"][2][4:7] = ["0", "1", ""]
    data = read_gmina(write_csv_gmina(tmp_path / "g", gmina_rows))
    no_errors_or_warnings(data)
    assert data.survey[["q01", "q02", "q03"]].iloc[0].tolist() == [0, 0, 5]
    row = data.survey[["q01", "q02", "q03"]].iloc[1]
    assert row["q01"] == 0 and row["q02"] == 1 and pd.isna(row["q03"])


def test_conflicting_reports_keep_the_highest_level(tmp_path, gmina_rows, write_csv_gmina, find_problems):
    gmina_rows["wspolpraca"].append(["GOPS", "PUP", "5", "", "", "", "T0"])
    data = read_gmina(write_csv_gmina(tmp_path / "g", gmina_rows))
    assert data.report.ok
    assert find_problems(data.report, "ostrzeżenie", "wspolpraca", 5, None, "więcej niż raz (wiersze 2, 5)")
    pair = data.cooperation[(data.cooperation["od"] == "GOPS") & (data.cooperation["do"] == "PUP")]
    assert pair["poziom"].tolist() == [5] and pair["wiersz"].tolist() == [5]
    assert len(data.cooperation) == 3


# -- the example gmina: workbook and CSV folder -------------------------------------------------------------------


def test_example_xlsx_and_csv_folder_read_identically():
    from_csv, from_xlsx = read_gmina(EXAMPLE_CSV), read_gmina(EXAMPLE_XLSX)
    assert from_csv.info == from_xlsx.info
    for sheet in TABLES:
        frame = from_csv.table(sheet)
        assert not frame.empty, sheet
        pd.testing.assert_frame_equal(frame, from_xlsx.table(sheet), obj=sheet)
    assert [str(p) for p in from_csv.report.sorted()] == [str(p) for p in from_xlsx.report.sorted()]
    assert from_csv.report.ok and from_xlsx.report.ok


def test_example_values():
    data = read_gmina(EXAMPLE_CSV)
    assert data.name == "Gmina Przykładowa"
    assert data.teryt == "1299013"
    assert data.info["typ"] == "miejsko_wiejska"
    assert data.leader == "CUS"
    assert data.info["data_zawiazania"] == dt.date(2024, 3, 15)
    cus = data.partners.set_index("id").loc["CUS"]
    assert (cus["sektor"], cus["rola"], cus["deklaracja"]) == ("pomoc_spoleczna", "lider", "podpisana")
    assert partner_value(data, "CIS", "data_przystapienia") == pd.Timestamp("2024-04-15")  # typed 15.04.2024
    first = data.cooperation.iloc[0]
    assert (first["od"], first["do"], first["poziom"], first["pomiar"]) == ("CUS", "PCPR", 4, "T0")
    assert first["formy"] == ("wymiana_informacji", "kierowanie_klientow", "zespol_interdyscyplinarny",
                              "udostepnianie_zasobow")
    assert data.services.set_index("id").loc["U001", "grupy"] == ("wszyscy",)
    assert data.survey.set_index("respondent").loc["T0-R02", "q09"] == 0  # "nie wiem"
    assert set(data.partners["sektor"]) >= {"pomoc_spoleczna", "zatrudnienie", "bezpieczenstwo"}
