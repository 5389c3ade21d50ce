"""``podsumowanie.html`` on screen and on paper: every figure of ``podsumowanie.csv`` for every gmina, in tables
narrow enough for a 1024-pixel screen and an A4 landscape page, for 3 gminas, for 60 and for a national run.

Issue 14 item 5: the one 34-column table scrolled sideways and, printed, was cut after twelve columns.
"""

from __future__ import annotations

import csv
import random
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from accessibility import assert_accessible
from test_app_browser import browser  # noqa: F401  (the shared fixture)

from pzk_kit.runs.batch import SUMMARY_CSV, SUMMARY_HTML, run_batch, summary_rows
from pzk_kit.runs.regional import (
    CHART_ROWS,
    MAX_BARS,
    MAX_TABLE_COLUMNS,
    column_groups,
    column_labels,
    display_names,
    render_regional_html,
)
from pzk_kit.spreadsheet_safety import unescape_csv_text

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE_XLSX = ROOT / "data" / "przyklad" / "gmina_przykladowa.xlsx"
EXAMPLE_CSV = ROOT / "data" / "przyklad" / "gmina_przykladowa_csv"
A4_LANDSCAPE_PRINTABLE_PX = round((297 - 20) / 25.4 * 96)  # the page's @page margins are 10 mm left and right
TOWNS = ["Myślenice", "Miechów", "Zgierz", "Piotrków Trybunalski", "Zduńska Wola", "Pisz", "Łęczna",
         "Gmina Wiejska Żółkiewka-Kolonia Południowa", "Brzeziny"]


# -- building results ------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def batch_out(tmp_path_factory) -> Path:
    """Three real gminas through ``pzk batch --summary-only`` (two files of the same gmina name among them)."""
    root = tmp_path_factory.mktemp("region")
    folder = root / "gminy"
    folder.mkdir()
    shutil.copy(EXAMPLE_XLSX, folder / "alfa.xlsx")
    shutil.copytree(EXAMPLE_CSV, folder / "beta")
    shutil.copy(EXAMPLE_XLSX, folder / "gamma.xlsx")
    out = root / "wyniki"
    assert run_batch(folder, out, summary_only=True, progress=False).ok
    return out


def region_rows(out: Path, count: int, seed: int = 14) -> tuple[list[str], list[list]]:
    """``count`` gminas made from the real rows of ``out``: other names, sizes, densities and survey scores (some
    missing), some with a long list of missing sectors: what a region's table holds."""
    header, rows = summary_rows(out, ["alfa", "beta", "gamma"])
    rnd = random.Random(seed)
    made = []
    for number in range(count):
        record = dict(zip(header, rows[number % len(rows)], strict=True))
        record["gmina"] = f"g{number:04d}"
        record["nazwa"] = f"{TOWNS[number % len(TOWNS)]} {number // len(TOWNS) + 1}"
        record["partnerzy"] = rnd.randint(8, 60)
        record["gestosc"] = round(rnd.uniform(0.04, 0.4), 4)
        record["potrzeby_pokryte"] = rnd.randint(0, record["potrzeby"])
        for key in record:
            if key.startswith("czynnik_"):
                record[key] = None if rnd.random() < 0.1 else round(rnd.uniform(2.2, 4.8), 2)
        if number % 7 == 3:
            record["brakujace_sektory"] = "Sport, Kultura, Ochrona zdrowia, Organizacje pozarządowe, Zatrudnienie"
        made.append([record[c] for c in header])
    return header, made


# -- reading the page back -------------------------------------------------------------------------------------


class Tables(HTMLParser):
    """The gmina tables of the page: per ``data-grupa``, the columns (``data-kolumna`` of the header cells) and the
    rows as the texts of their cells, row header first."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: dict[str, dict] = {}
        self.images: list[dict[str, str]] = []
        self._table: dict | None = None
        self._part = ""
        self._cell: list[str] | None = None
        self._row: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "img":
            self.images.append(attrs)
        elif tag == "table" and "data-grupa" in attrs:
            self._table = self.tables.setdefault(attrs["data-grupa"], {"columns": [], "labels": [], "rows": []})
        elif self._table is not None and tag in ("thead", "tbody"):
            self._part = tag
        elif self._table is not None and tag == "tr":
            self._row = []
        elif self._table is not None and tag in ("th", "td"):
            self._cell = []
            if self._part == "thead":
                self._table["columns"].append(attrs.get("data-kolumna"))

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)

    def handle_endtag(self, tag):
        if self._table is None:
            return
        if tag in ("th", "td") and self._cell is not None:
            if self._row is not None:
                self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self._table["rows" if self._part == "tbody" else "labels"].extend(
                [self._row] if self._part == "tbody" else self._row)
            self._row = None
        elif tag == "table":
            self._table = None


def read_page(page: str) -> Tables:
    parser = Tables()
    parser.feed(page)
    return parser


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return [{k: unescape_csv_text(v) for k, v in row.items()} for row in csv.DictReader(handle, delimiter=";")]


def same_value(shown: str, stored: str) -> bool:
    """A cell of the page shows the CSV's value: a dash for an empty cell, a number rounded for display (to as
    many decimals as it shows), text as it is."""
    if stored == "":
        return shown == "—"
    try:
        number = float(stored.replace(",", "."))
    except ValueError:
        return shown == " ".join(stored.split())
    if not re.fullmatch(r"-?\d+(,\d+)?", shown):
        return False
    decimals = len(shown.partition(",")[2])
    return abs(float(shown.replace(",", ".")) - number) <= 0.5 * 10 ** -decimals + 1e-9


def assert_every_value_shown(page: str, header: list[str], records: list[dict[str, str]]) -> None:
    tables = read_page(page).tables
    owners = [c for table in tables.values() for c in table["columns"] if c]
    assert sorted(owners) == sorted(header), "every column of podsumowanie.csv in exactly one table"
    names = display_names(records)
    for key, table in tables.items():
        assert len(table["rows"]) == len(records), key
        led_by_name = table["columns"][0] == "nazwa"
        for record, name, row in zip(records, names, table["rows"], strict=True):
            assert len(row) == len(table["columns"]), (key, row)
            if not led_by_name:
                assert row[0] == " ".join(name.split()), (key, row[0], name)
            for column, shown in zip(table["columns"], row, strict=True):
                if column:
                    assert same_value(shown, record[column]), (key, record["gmina"], column, shown, record[column])


# -- the page as HTML --------------------------------------------------------------------------------------------


def test_every_column_of_the_csv_is_on_the_page_with_each_gminas_value(batch_out):
    records = read_csv(batch_out / SUMMARY_CSV)
    header = list(records[0])
    assert len(header) >= 30 and len(records) == 3
    page = (batch_out / SUMMARY_HTML).read_text(encoding="utf-8")
    assert_every_value_shown(page, header, records)
    tables = read_page(page).tables
    assert max(len(t["columns"]) for t in tables.values()) <= MAX_TABLE_COLUMNS + 1
    labels = column_labels()
    shown = {c: label for t in tables.values() for c, label in zip(t["columns"], t["labels"], strict=True) if c}
    assert shown == {c: " ".join(labels[c].split()) for c in header}, "each column under its Polish label"
    # the same gmina name from two files is told apart by its file, as in the chart
    assert [r[0] for r in tables["siec"]["rows"]] == [f"Gmina Przykładowa ({n})" for n in ("alfa", "beta", "gamma")]
    assert "@page { size: A4 landscape" in page


@pytest.mark.parametrize("count", [60, MAX_BARS + 1])
def test_a_region_of_many_gminas_keeps_every_value(batch_out, tmp_path, count):
    header, rows = region_rows(batch_out, count)
    page = render_regional_html(header, rows, [])
    path = tmp_path / "podsumowanie.csv"
    from pzk_kit.runs.batch import _write_csv

    _write_csv(path, header, rows)  # compared with what the region gets in Excel, not with the raw values
    assert_every_value_shown(page, header, read_csv(path))


def test_columns_split_by_topic_and_a_new_column_is_never_lost():
    header, _rows = ["gmina", "nazwa", "teryt", "pomiar_mapy", "partnerzy", "gestosc", "uslugi", "luki",
                     "czynnik_dialog", "czynnik_zaufanie", "zmiana_gestosc", "ostrzezenia"], None
    header += [f"nowa_{k}" for k in range(MAX_TABLE_COLUMNS + 3)]  # e.g. columns another version adds
    groups = column_groups(header)
    placed = [c for g in groups for c in g.columns]
    assert sorted(placed) == sorted(header) and len(placed) == len(header)
    by_key = {g.key: g.columns for g in groups}
    assert by_key["gminy"] == ("nazwa", "gmina", "teryt", "ostrzezenia")
    assert by_key["siec"] == ("pomiar_mapy", "partnerzy", "gestosc")
    assert by_key["ewaluacja_filary"] == ("czynnik_dialog",) and by_key["ewaluacja_operacyjne"] == (
        "czynnik_zaufanie",)
    rest = [g for g in groups if g.key.startswith("pozostale")]
    assert [len(g.columns) for g in rest] == [8, 7] and rest[0].title == "Pozostałe dane (część 1 z 2)"
    assert all(len(g.columns) <= MAX_TABLE_COLUMNS for g in groups)


def test_charts_come_in_blocks_that_fit_a_page_and_many_gminas_get_distributions(batch_out):
    header, rows = region_rows(batch_out, 60)
    parsed = read_page(render_regional_html(header, rows, []))
    blocks = 60 // CHART_ROWS
    assert len(parsed.images) == blocks
    for number, image in enumerate(parsed.images):
        first = number * CHART_ROWS + 1
        assert image["src"].startswith("data:image/png;base64,")
        assert f"gminy {first}–{first + CHART_ROWS - 1} z 60" in image["alt"]
        assert "gęstość sieci współpracy od " in image["alt"], image["alt"]

    header, rows = region_rows(batch_out, MAX_BARS + 1)
    page = render_regional_html(header, rows, [])
    parsed = read_page(page)
    assert len(parsed.images) == 1 and parsed.images[0]["alt"].startswith(f"Histogramy dla {MAX_BARS + 1} gmin")
    assert "Rozkład wyników gmin" in page and "Mediana" in page
    assert page.count('<section class="group screen-only"') == len(parsed.tables)  # folded, not printed
    assert page.count("<details>") == len(parsed.tables)


def test_survey_cells_carry_their_band_and_the_legend_explains_it(batch_out):
    header, rows = summary_rows(batch_out, ["alfa"])
    page = render_regional_html(header, rows, [])
    column = header.index("czynnik_przeplyw_informacji")
    assert rows[0][column] < 3.0
    shown = str(rows[0][column]).replace(".", ",")
    assert f'<td class="num pasmo-uwaga">{shown}</td>' in page
    assert "wymaga uwagi (&lt; 3,0)" in page


# -- the page in the browser: screen, print, accessibility ---------------------------------------------------------


def _open(chromium, path: Path, width: int):
    page = chromium.new_page(viewport={"width": width, "height": 900})
    page.goto(path.as_uri())
    return page


OVERFLOW = """() => [document.documentElement.scrollWidth, window.innerWidth,
  [...document.querySelectorAll('table')].filter(t => t.getClientRects().length)
     .map(t => [t.dataset.grupa || t.className, t.scrollWidth, t.parentElement.clientWidth])]"""


def _assert_fits(page, width: int, name: str) -> None:
    document_width, viewport, tables = page.evaluate(OVERFLOW)
    assert viewport == width
    assert document_width <= width, f"{name}: the page scrolls sideways ({document_width} px > {width} px)"
    too_wide = [t for t in tables if t[1] > t[2]]
    assert not too_wide, f"{name}: tables wider than their frame: {too_wide}"


def _pdf_text(pdf: Path) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) not installed")
    text = subprocess.run(["pdftotext", "-raw", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, check=True,
                          text=True).stdout
    return " ".join(text.split())


def _pdf_pages(pdf: Path) -> int:
    return len(re.findall(rb"/Type\s*/Page[^s]", pdf.read_bytes()))


@pytest.fixture(scope="module")
def pages(batch_out, tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("strony")
    made = {"3": batch_out / SUMMARY_HTML}
    errors = [{"gmina": "zepsuta", "etap": "walidacja", "komunikat": "Brakuje wymaganej kolumny „sektor”"}]
    for count in (60, MAX_BARS + 1):
        header, rows = region_rows(batch_out, count)
        made[str(count)] = folder / f"podsumowanie_{count}.html"
        made[str(count)].write_text(render_regional_html(header, rows, errors), encoding="utf-8")
    return made


@pytest.mark.browser
@pytest.mark.parametrize("count", ["3", "60", str(MAX_BARS + 1)])
def test_screen_fits_1024_px_and_passes_axe(browser, pages, count):  # noqa: F811
    for width in (1024, 1280):
        page = _open(browser, pages[count], width)
        try:
            page.evaluate("() => document.querySelectorAll('details').forEach(d => d.open = true)")
            _assert_fits(page, width, f"{count} gmin, {width} px")
            if width == 1024:
                assert_accessible(page, f"podsumowanie.html, {count} gmin")
        finally:
            page.close()


@pytest.mark.browser
def test_band_colours_show_on_striped_rows(browser, pages):  # noqa: F811
    page = _open(browser, pages["60"], 1280)
    try:
        colours = page.evaluate("""() => {
            const out = {};
            for (const band of ['pasmo-mocna', 'pasmo-obserwacja', 'pasmo-uwaga']) {
                const swatch = getComputedStyle(document.querySelector('.swatch.' + band)).backgroundColor;
                const cells = [...document.querySelectorAll('tbody tr:nth-child(even) td.' + band)];
                out[band] = [swatch, cells.length, new Set(cells.map(c => getComputedStyle(c).backgroundColor))];
                out[band][2] = [...out[band][2]];
            }
            return out;
        }""")
    finally:
        page.close()
    for band, (swatch, count, backgrounds) in colours.items():
        assert count > 0, band
        assert backgrounds == [swatch], (band, swatch, backgrounds)


@pytest.mark.browser
@pytest.mark.parametrize("count", ["3", "60"])
def test_print_on_a4_landscape_keeps_every_column(browser, pages, tmp_path, count):  # noqa: F811
    page = _open(browser, pages[count], A4_LANDSCAPE_PRINTABLE_PX)
    try:
        page.emulate_media(media="print")
        _assert_fits(page, A4_LANDSCAPE_PRINTABLE_PX, f"{count} gmin, wydruk")
        repeated = page.evaluate("() => [...document.querySelectorAll('table[data-grupa] thead')]"
                                 ".map(h => getComputedStyle(h).display)")
        assert set(repeated) == {"table-header-group"}, "headers repeat on every printed page"
        pdf = tmp_path / "podsumowanie.pdf"
        page.pdf(path=str(pdf), format="A4", landscape=True, print_background=True)
    finally:
        page.close()
    text = _pdf_text(pdf)
    page_html = pages[count].read_text(encoding="utf-8")
    tables = read_page(page_html).tables
    labels = column_labels()
    for table in tables.values():
        for column in table["columns"]:
            if column:
                assert " ".join(labels[column].split()) in text, f"{count} gmin: „{labels[column]}” not printed"
    last = tables["ewaluacja_operacyjne"]["rows"][-1]
    assert " ".join(last) in text, "the last column of the last gmina is on paper"


@pytest.mark.browser
def test_a_national_run_prints_distributions_not_hundreds_of_pages(browser, pages, tmp_path):  # noqa: F811
    count = MAX_BARS + 1
    page = _open(browser, pages[str(count)], 1280)
    try:
        pdf = tmp_path / "kraj.pdf"
        page.pdf(path=str(pdf), format="A4", landscape=True, print_background=True)
    finally:
        page.close()
    text = _pdf_text(pdf)
    assert "Rozkład wyników gmin" in text and "Mediana" in text and "nie są drukowane" in text
    assert "Myślenice 1" not in text, "no per-gmina rows on paper"
    assert _pdf_pages(pdf) <= 6


def test_a_region_without_results_says_so_instead_of_empty_tables(batch_out):
    header, _rows = summary_rows(batch_out, ["alfa"])
    page = render_regional_html(header, [], [{"gmina": "zepsuta", "etap": "walidacja", "komunikat": "Brak arkusza"}])
    assert read_page(page).tables == {} and read_page(page).images == []
    assert "Żadna gmina nie ma jeszcze wyników" in page and "Brak arkusza" in page


def test_follow_up_columns_of_the_region_come_from_the_evaluation_part():
    """``podsumowanie.csv``'s plan and register columns: the example's plan (9 actions, 3 done, 4 overdue on the
    pinned day), its latest register measurement (T1: 7 cases, median 6 days, 16 % of used services need a
    referral or a decision) and the map against the teams (19 paper ties, 6 undeclared); a result of an older
    version, without these parts, gives empty cells."""
    from pzk_kit.runs.batch import FOLLOW_UP_COLUMNS, _follow_up_cells
    from pzk_kit.runs.regional import column_groups, column_labels
    from pzk_kit.runs.summary import build_summary
    from pzk_kit.workbook.example import example_dir
    from pzk_kit.workbook.reading import read_gmina

    evaluation = build_summary(read_gmina(example_dir()))["evaluation"]
    cells = dict(zip(FOLLOW_UP_COLUMNS, _follow_up_cells(evaluation), strict=True))
    assert cells == {"dzialania": 9, "dzialania_zrealizowane": 0.3333, "dzialania_po_terminie": 4,
                     "pomiar_spraw": "T1", "sprawy": 7, "dni_do_pierwszej_uslugi": 6.0,
                     "uslugi_ze_skierowaniem_lub_decyzja": 0.16, "powiazania_tylko_na_papierze": 19,
                     "wspolpraca_niezgloszona": 6}
    assert _follow_up_cells({"respondents": {}, "factors": {}, "suppressed": []}) == [None] * 9
    groups = {g.key: g.columns for g in column_groups(["gmina", *FOLLOW_UP_COLUMNS, "ostrzezenia"])}
    assert groups["petla"] == FOLLOW_UP_COLUMNS
    assert all(column in column_labels() for column in FOLLOW_UP_COLUMNS)
