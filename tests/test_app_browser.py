"""The workshop app in a real browser: `pzk app` under Voila, driven by Debian's Chromium through playwright.

Each test starts what it needs on a free local port and stops it in a finally. Screenshots go to
tests/artifacts/ (git-ignored); the timings are printed (pytest -s) and written to tests/artifacts/app_timings.txt.
Outside CI a missing Chromium or playwright skips these tests; under CI=true it fails them.
"""

from __future__ import annotations

import json
import os
import re
import signal
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request
import zipfile
from pathlib import Path

import nbformat
import openpyxl
import pytest
from accessibility import assert_accessible
from docx import Document

from pzk_kit.evaluation import band
from pzk_kit.network import build_network, filtered_graph
from pzk_kit.workbook.dictionaries import dictionary
from pzk_kit.workbook.example import example_dir, write_example_workbook
from pzk_kit.workbook.reading import read_gmina
from pzk_kit.workshop.app import free_port, wait_until_answers
from pzk_kit.workshop.interactive import BAND_BACKGROUNDS

pytestmark = pytest.mark.browser

CHROMIUM = Path(os.environ.get("PZK_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                  "--disable-sync"]
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
TIMINGS_FILE = ARTIFACTS / "app_timings.txt"
START_TIMEOUT_S = 180
UI_TIMEOUT_MS = 120_000
FILTER_CHANGES = 9
BROKEN_ROW = 5  # the Excel row of the partner whose sector gets a typo


def _require_browser() -> None:
    problem = None
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        problem = "the playwright package is not installed (pip install -e '.[dev]')"
    if problem is None and not CHROMIUM.exists():
        problem = f"Chromium not found at {CHROMIUM} (Debian: apt-get install chromium)"
    if problem is None:
        return
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"browser tests need a browser under CI: {problem}")
    pytest.skip(f"browser tests skipped: {problem}")


class Server:
    """A server process we started (in its own session), stopped by its id in :meth:`stop`."""

    def __init__(self, command: list[str], url: str, log: Path, env: dict[str, str] | None = None,
                 cwd: Path | None = None) -> None:
        self.url = url
        self.log = log
        started = time.perf_counter()
        with log.open("wb") as handle:
            self.process = subprocess.Popen(command, stdout=handle, stderr=subprocess.STDOUT, env=env, cwd=cwd,
                                            start_new_session=True)
        if not wait_until_answers(url, self.process, timeout=START_TIMEOUT_S):
            self.stop()
            raise AssertionError(f"server did not answer at {url}:\n{log.read_text(errors='replace')[-3000:]}")
        self.answer_seconds = time.perf_counter() - started

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=40)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)  # the session we created for this process
                self.process.wait(timeout=10)


def start_app(tmp: Path, *arguments: str, env: dict[str, str] | None = None) -> Server:
    """``pzk app`` on a free port; ``url`` becomes the address it prints (with its token), as a person uses it."""
    port = free_port()
    command = [sys.executable, "-m", "pzk_kit", "app", "--bez-przegladarki", "--port", str(port), *arguments]
    server = Server(command, f"http://127.0.0.1:{port}/", tmp / f"app_{port}.log",
                    env=None if env is None else {**os.environ, **env}, cwd=tmp)
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        found = re.search(r"Aplikacja PZK działa pod adresem: (\S+)", server.log.read_text(errors="replace"))
        if found:
            server.url = found.group(1)
            return server
        time.sleep(0.2)
    server.stop()
    raise AssertionError(f"pzk app printed no address:\n{server.log.read_text(errors='replace')[-3000:]}")


@pytest.fixture(scope="module")
def timings():
    """Figures measured by the tests, printed and written to tests/artifacts/app_timings.txt at the end."""
    found: dict[str, str] = {}
    yield found
    if found:
        ARTIFACTS.mkdir(exist_ok=True)
        lines = [f"{key}: {value}" for key, value in found.items()]
        TIMINGS_FILE.write_text("\n".join(lines) + "\n", encoding="utf-8")
        print("\n" + "\n".join(lines))


@pytest.fixture(scope="module")
def browser():
    _require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS, headless=True)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture(scope="module")
def app_server(browser, tmp_path_factory):
    server = start_app(tmp_path_factory.mktemp("app"))
    try:
        yield server
    finally:
        server.stop()


class Page:
    """A browser page that remembers every request it made (to prove the app needs no internet)."""

    def __init__(self, browser, url: str) -> None:
        self.context = browser.new_context(accept_downloads=True, viewport={"width": 1400, "height": 1000},
                                           locale="pl-PL")
        self.requests: list[str] = []
        self.context.on("request", lambda request: self.requests.append(request.url))
        self.page = self.context.new_page()
        self.page.set_default_timeout(UI_TIMEOUT_MS)
        self.url = url

    def open_app(self) -> float:
        started = time.perf_counter()
        self.page.goto(self.url, timeout=UI_TIMEOUT_MS)
        self.page.get_by_role("button", name="Gminy Przykładowej").wait_for()
        return time.perf_counter() - started

    def shot(self, name: str) -> Path:
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / f"app_{name}.png"
        # Voila scrolls inside the page: grow the window to the content for the picture, then restore it.
        size = self.page.viewport_size
        height = self.page.evaluate("() => Math.max(document.body.scrollHeight, "
                                    "...[...document.querySelectorAll('*')].map(e => e.scrollHeight))")
        self.page.set_viewport_size({"width": size["width"], "height": min(max(height, size["height"]), 12000)})
        self.page.screenshot(path=str(path), full_page=True)
        self.page.set_viewport_size(size)
        return path

    def upload(self, path: Path) -> None:
        with self.page.expect_file_chooser() as chooser:  # what a person does: click, pick the file
            self.page.locator(".pzk-app .widget-upload").click()
        chooser.value.set_files(str(path))

    def external_requests(self) -> list[str]:
        parts = urllib.parse.urlsplit(self.url)
        local = f"{parts.scheme}://{parts.netloc}"
        return [u for u in self.requests if not (u.startswith(local) or u.startswith(("data:", "blob:")))]

    def download(self, filename: str, folder: Path) -> Path:
        with self.page.expect_download() as info:
            self.page.locator(f'a[data-plik="{filename}"]').click()
        target = folder / info.value.suggested_filename
        info.value.save_as(str(target))
        return target

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def example_workbook(tmp_path) -> Path:
    return write_example_workbook(tmp_path / "gmina_przykladowa.xlsx")


@pytest.fixture
def broken_workbook(tmp_path, example_workbook) -> Path:
    """The example with a typo in one partner's sector: the app must name the sheet, row and column."""
    workbook = openpyxl.load_workbook(example_workbook)
    sheet = workbook["partnerzy"]
    column = next(cell.column for cell in sheet[1] if cell.value == "sektor")
    sheet.cell(row=BROKEN_ROW, column=column, value="Zdrowei")
    path = tmp_path / "zepsuty.xlsx"
    workbook.save(path)
    return path


def _status_text(measurement: str, sectors: list[str] | None) -> str:
    graph = filtered_graph(build_network(read_gmina(example_dir()), measurement), 1, sectors)
    return f"Instytucje na mapie: {graph.number_of_nodes()}, liczba powiązań: {graph.number_of_edges()}"


def _sectors_but(left_out: str) -> list[str]:
    """The example's sectors (the map's checkboxes) without one."""
    present = set(read_gmina(example_dir()).partners["sektor"].dropna())
    return [code for code in dictionary("sektory").codes if code in present and code != left_out]


# The evaluation table as the browser paints it: headers, and each cell's text and computed background.
_EVALUATION_TABLE = """() => {
  const table = [...document.querySelectorAll('.pzk-app table')]
      .find(t => t.offsetParent !== null && ((t.querySelector('thead th') || {}).innerText || '').trim() === 'Czynnik');
  return [[...table.querySelectorAll('thead th')].map(th => th.innerText.trim()),
          [...table.querySelectorAll('tbody tr')].map(row => [getComputedStyle(row).backgroundColor,
              [...row.querySelectorAll('td')].map(c => [c.innerText.trim(), getComputedStyle(c).backgroundColor])])];
}"""


def _rgb(hex_colour: str) -> str:
    red, green, blue = (int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))
    return f"rgb({red}, {green}, {blue})"


def check_band_colours(page) -> list[tuple[int, str]]:
    """Every score cell of the evaluation table on screen has its band's colour, on odd and even rows alike.

    Returns (row number, band) of the cells checked. The zebra stripe used to paint over the band colour on every
    second row (Zaufanie 2,58 showed no red); the stripe must still be there on the rows' other cells.
    """
    headers, rows = page.evaluate(_EVALUATION_TABLE)
    checked = []
    for number, (row_colour, cells) in enumerate(rows, start=1):
        assert (row_colour == _rgb("#f5f7fb")) == (number % 2 == 0), (number, row_colour)  # the stripe stays
        for header, (shown, colour) in zip(headers, cells, strict=True):
            if header in ("Czynnik", "Pasmo") or header.startswith("Zmiana od"):
                continue
            if not re.fullmatch(r"\d+(,\d+)?", shown):
                assert shown.startswith("ukryte"), shown  # withheld: text, no band
                continue
            expected = _rgb(BAND_BACKGROUNDS[band(float(shown.replace(",", ".")))])
            assert colour == expected, f"{cells[0][0]}, {header} = {shown} (row {number}): {colour}, not {expected}"
            checked.append((number, band(float(shown.replace(",", ".")))))
    return checked


# The status line and the tail of the map image: both must change before an update counts as shown.
_MAP_STATE = """() => {
  const status = [...document.querySelectorAll('.pzk-app .widget-html')]
      .map(e => e.innerText.trim()).find(t => t.startsWith('Instytucje na mapie:')) || '';
  const image = document.querySelector('.pzk-app .widget-output img');
  return [status, image ? image.src.slice(-80) : ''];
}"""
_MAP_UPDATED = """([expected, previousImage]) => {
  const status = [...document.querySelectorAll('.pzk-app .widget-html')]
      .map(e => e.innerText.trim()).find(t => t.startsWith('Instytucje na mapie:')) || '';
  const image = document.querySelector('.pzk-app .widget-output img');
  return status === expected && image && image.src.slice(-80) !== previousImage;
}"""


def test_app_start_time_relative_to_bare_voila(app_server, browser, tmp_path, timings):
    """Runs first on the shared app server, so its page is the server's first, as after `pzk app`."""
    empty = tmp_path / "pusty.ipynb"
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_markdown_cell("Pusty zeszyt")]
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(notebook, empty)

    page = Page(browser, app_server.url)
    try:
        app_page = page.open_app()
        page.shot("00_gotowa")
    finally:
        page.close()

    port = free_port()
    bare = Server([sys.executable, "-m", "voila", str(empty), "--no-browser", f"--port={port}", "--Voila.ip=127.0.0.1",
                   "--Voila.port_retries=0"], f"http://127.0.0.1:{port}/", tmp_path / "bare.log", cwd=tmp_path)
    page = Page(browser, bare.url)
    try:
        started = time.perf_counter()
        page.page.goto(bare.url, timeout=UI_TIMEOUT_MS)
        page.page.get_by_text("Pusty zeszyt").wait_for()
        bare_page = time.perf_counter() - started
    finally:
        page.close()
        bare.stop()
    app_server_s, bare_server_s = app_server.answer_seconds, bare.answer_seconds
    timings["bare Voila, empty notebook: server answers / page ready"] = f"{bare_server_s:.1f} s / {bare_page:.1f} s"
    timings["pzk app: server answers / page ready"] = f"{app_server_s:.1f} s / {app_page:.1f} s"
    timings["pzk app start relative to bare Voila (server + page)"] = (
        f"{(app_server_s + app_page) / (bare_server_s + bare_page):.2f}×")
    assert app_page < 120


def test_example_workbook_map_filter_tabs_and_downloads(app_server, browser, example_workbook, tmp_path, timings):
    page = Page(browser, app_server.url)
    try:
        page.open_app()
        page.shot("01_start")

        page.upload(example_workbook)
        page.page.get_by_text("Członkowie PZK: 24").wait_for()
        all_sectors = _status_text("T1", None)
        page.page.get_by_text(all_sectors).wait_for()
        assert "gmina_przykladowa.xlsx" in page.page.locator(".pzk-app").inner_text()
        map_image = page.page.locator(".pzk-app .widget-output img").first
        map_image.wait_for()
        assert map_image.evaluate("img => img.naturalWidth") > 600
        page.shot("02_mapa")

        assert_accessible(page.page, "aplikacja, zakładka Mapa partnerów")
        # Sectors are checkboxes (a multiple-choice list needed Ctrl+click, which nobody discovered): one click
        # takes a sector off the map or puts it back.
        assert page.page.get_by_text("zaznacz te, które mają być widoczne (jeden lub kilka)").is_visible()
        social = page.page.get_by_role("checkbox", name="Pomoc społeczna")
        without_social = _status_text("T1", _sectors_but("pomoc_spoleczna"))
        assert without_social != all_sectors
        durations = []
        for change in range(FILTER_CHANGES):
            ticked, expected = (False, without_social) if change % 2 == 0 else (True, all_sectors)
            _status, previous_image = page.page.evaluate(_MAP_STATE)
            started = time.perf_counter()
            social.set_checked(ticked)
            page.page.wait_for_function(_MAP_UPDATED, arg=[expected, previous_image], polling="raf")
            durations.append(time.perf_counter() - started)
            if change == 0:
                page.shot("03_filtr_bez_pomocy_spolecznej")
        median_ms = statistics.median(durations) * 1000
        timings[f"filter change → updated map (median of {len(durations)})"] = (
            f"{median_ms:.0f} ms (goal < 300 ms; min {min(durations) * 1000:.0f}, max {max(durations) * 1000:.0f})")
        timings["  without Pomoc społeczna / back to all 27 partners (medians)"] = (
            f"{statistics.median(durations[0::2]) * 1000:.0f} ms / {statistics.median(durations[1::2]) * 1000:.0f} ms")
        map_alt = page.page.locator(".pzk-app .widget-output img").first.get_attribute("alt")
        assert map_alt == (f"Mapa współpracy partnerów, pomiar T1, powiązania na poziomie 1 lub wyższym, sektory: "
                           f"wszystkie oprócz: Pomoc społeczna. {without_social}.")  # the last change took it off

        page.page.get_by_role("tab", name="Koszyk usług").click()
        page.page.get_by_text("Koszyk w liczbach").wait_for()
        page.page.get_by_text("Wyszukiwarka usług").wait_for()
        page.shot("04_koszyk")
        assert_accessible(page.page, "aplikacja, zakładka Koszyk usług")
        # The IPUS is a browser download like the other files: nothing is written where the server runs.
        page.page.get_by_placeholder("np. Rodzina A — bez nazwisk").fill("Rodzina A")
        page.page.get_by_role("button", name="Przygotuj projekt IPUS do pobrania (DOCX)").click()
        page.page.locator('a[data-plik="ipus_rodzina_a.docx"]').wait_for()
        page.shot("04_koszyk_ipus")
        assert_accessible(page.page, "aplikacja, projekt IPUS gotowy do pobrania")
        ipus = Document(str(page.download("ipus_rodzina_a.docx", tmp_path)))
        ipus_text = "\n".join(p.text for p in ipus.paragraphs)
        assert "Indywidualny Plan Usług Społecznych" in ipus_text and "Gmina Przykładowa" in "\n".join(
            cell.text for table in ipus.tables for row in table.rows for cell in row.cells)
        server_folder = app_server.log.parent
        assert [p.name for p in server_folder.rglob("*.docx")] == []

        page.page.get_by_role("tab", name="Ewaluacja").click()
        page.page.get_by_text("Wyniki ankiety samooceny").wait_for()
        assert "T0: 21" in page.page.get_by_text("Wypełnione ankiety samooceny:").inner_text()
        page.page.locator(".pzk-app th", has_text="Zmiana od T0").wait_for()
        checked = check_band_colours(page.page)
        assert {number % 2 for number, _band in checked} == {0, 1}  # odd and even rows
        assert {"mocna strona", "do obserwacji", "wymaga uwagi"} <= {found for _number, found in checked}
        assert_accessible(page.page, "aplikacja, zakładka Ewaluacja")
        page.page.get_by_role("button", name="według sektorów").click()  # the explorer's own filter
        page.page.locator(".pzk-app th", has_text="Pomoc społeczna").first.wait_for()
        by_sector = check_band_colours(page.page)
        assert {number % 2 for number, _band in by_sector} == {0, 1}
        timings["evaluation band cells with their colour (whole group / by sector)"] = (
            f"{len(checked)} / {len(by_sector)}")
        page.shot("05_ewaluacja")
        assert_accessible(page.page, "aplikacja, Ewaluacja według sektorów")

        page.page.get_by_role("tab", name="Zbieranie danych").click()
        page.page.get_by_text("Odpowiedzieli wszyscy członkowie PZK").wait_for()
        page.page.get_by_role("button", name="Przygotuj formularze (zip)").click()
        forms_zip = "formularze_gmina_przykladowa.zip"
        page.page.locator(f'a[data-plik="{forms_zip}"]').wait_for(timeout=UI_TIMEOUT_MS)
        page.shot("05b_zbieranie")
        assert_accessible(page.page, "aplikacja, zakładka Zbieranie danych z formularzami do pobrania")
        names = zipfile.ZipFile(page.download(forms_zip, tmp_path)).namelist()
        assert "ankieta_anonimowa.xlsx" in names and "formularz_PUP_powiatowy_urzad_pracy_w_przykladowie.xlsx" in names

        page.page.get_by_role("tab", name="Pliki do pobrania").click()
        page.page.locator('a[data-plik="katalog_uslug.html"]').wait_for(timeout=UI_TIMEOUT_MS)
        page.shot("06_pliki")
        assert_accessible(page.page, "aplikacja, zakładka Pliki do pobrania")

        catalogue = page.download("katalog_uslug.html", tmp_path).read_text(encoding="utf-8")
        assert "Gmina Przykładowa" in catalogue
        assert "Rozmowa z pracownikiem socjalnym" in catalogue
        summary = json.loads(page.download("summary.json", tmp_path).read_text(encoding="utf-8"))
        assert summary["gmina"]["name"] == "Gmina Przykładowa"
        assert summary["network"]["partners"] == 27
        docx_text = "\n".join(p.text for p in Document(str(page.download("katalog_uslug.docx", tmp_path))).paragraphs)
        assert "Gmina Przykładowa" in docx_text
        again = read_gmina(page.download("gmina_przykladowa.xlsx", tmp_path))
        assert again.report.ok and len(again.partners) == 27

        assert page.external_requests() == [], "the app must not load anything from the internet"
    finally:
        page.close()


def test_broken_workbook_shows_polish_error_with_its_row(app_server, browser, broken_workbook):
    page = Page(browser, app_server.url)
    try:
        page.open_app()
        page.upload(broken_workbook)
        page.page.get_by_text("Dane zawierają błędy").wait_for()
        row = page.page.locator(".pzk-problems tr", has_text="Zdrowei")
        row.wait_for()
        cells = [c.strip() for c in row.locator("td").all_inner_texts()]
        assert cells[:4] == ["błąd", "partnerzy", str(BROKEN_ROW), "sektor"], cells
        assert "Zdrowie" in cells[-1]  # the hint names the value that was probably meant
        assert not page.page.get_by_role("tab", name="Mapa partnerów").is_visible()
        page.shot("07_bledy")
        assert_accessible(page.page, "aplikacja, dane z błędami")

        page.page.get_by_role("button", name="Gminy Przykładowej").click()  # the room can go on with the example
        page.page.get_by_text("Członkowie PZK: 24").wait_for()
        assert not page.page.locator(".pzk-problems tr", has_text="Zdrowei").is_visible()
        assert page.external_requests() == []
    finally:
        page.close()


def test_without_its_key_the_app_explains_in_polish_and_takes_the_key(app_server, browser):
    """The address without ``?token=`` showed Jupyter's English login page ("Password or token")."""
    base, token = app_server.url.split("?token=")
    page = Page(browser, base)
    try:
        page.page.goto(base, timeout=UI_TIMEOUT_MS)
        assert "/login" in page.page.url
        assert page.page.title() == "Aplikacja PZK — otwórz adres z kluczem"
        assert page.page.evaluate("document.documentElement.lang") == "pl"
        said = page.page.inner_text("body")
        assert "Otwórz pełny adres, który wypisało polecenie pzk app" in said
        for english in ("Password", "token:", "Log in", "jupyter server list", "Token authentication"):
            assert english not in said
        assert_accessible(page.page, "strona bez klucza")
        page.shot("09_bez_klucza")

        page.page.get_by_label("Klucz (tekst po „token=” w adresie):").fill("zly-klucz")
        page.page.get_by_role("button", name="Otwórz aplikację").click()
        page.page.get_by_text("Ten klucz nie pasuje").wait_for()
        assert_accessible(page.page, "strona bez klucza, zły klucz")

        page.page.get_by_label("Klucz (tekst po „token=” w adresie):").fill(token)
        page.page.get_by_role("button", name="Otwórz aplikację").click()
        page.page.get_by_role("button", name="Gminy Przykładowej").wait_for()
        assert page.page.title() == "PZK — aplikacja warsztatowa"
        assert page.page.evaluate("document.documentElement.lang") == "pl"
        assert_accessible(page.page, "aplikacja przed wyborem gminy")
        assert page.external_requests() == []
    finally:
        page.close()


def test_pzk_app_with_input_opens_on_that_gmina(browser, example_workbook, tmp_path):
    server = start_app(tmp_path, str(example_workbook))
    try:
        page = Page(browser, server.url)
        try:
            # The page as the browser received it, not a second plain HTTP request first: a page opened while
            # an earlier page's kernel (the plain request's, never connected) was still alive sometimes waited
            # forever for Voila's last cell (CI, and 4 of 4 runs here on a machine with no font cache yet).
            answer = page.page.goto(server.url, timeout=UI_TIMEOUT_MS)
            served = answer.text()
            assert '<html lang="pl">' in served and "Uruchamiam aplikację PZK" in served
            assert "cdn.jsdelivr" not in served and "cdnjs" not in served and "unpkg" not in served
            page.page.get_by_text("Członkowie PZK: 24").wait_for()  # no click: the data came from the command
            assert "gmina_przykladowa.xlsx" in page.page.locator(".pzk-app").inner_text()
            assert page.external_requests() == []
        finally:
            page.close()
    finally:
        server.stop()


def _kernel_count(server: Server) -> int:
    from test_app import _kernel_processes  # the same count as the server test (ps, under pzk app)

    return len(_kernel_processes(server.process.pid))


PAGE_LOADS = 20


def test_twenty_page_loads_and_closes_leave_at_most_two_kernels(browser, tmp_path, timings):
    """Every page load starts a kernel; closed pages must not keep theirs (29 loads used to keep 29, 3 GB).

    Half the pages are closed as a person closes a tab (Voila's unload beacon shuts the kernel down), half
    vanish without it, as a crashed tab or a sleeping laptop: the culler takes those.
    """
    server = start_app(tmp_path, env={"PZK_APP_KERNEL_IDLE_SECONDS": "30"})
    try:
        most = 0
        for load in range(PAGE_LOADS):
            page = Page(browser, server.url)
            try:
                page.open_app()
                most = max(most, _kernel_count(server))
            finally:
                if load % 2 == 0:
                    page.page.close(run_before_unload=True)
                page.close()
        deadline = time.monotonic() + 120
        left = _kernel_count(server)
        while left > 2 and time.monotonic() < deadline:
            time.sleep(1)
            left = _kernel_count(server)
        timings[f"kernels alive after {PAGE_LOADS} page loads and closes (most at once)"] = f"{left} ({most})"
        assert left <= 2
        page = Page(browser, server.url)  # and the app still opens afterwards
        try:
            page.open_app()
        finally:
            page.close()
    finally:
        server.stop()


def test_an_upload_over_the_limit_is_refused_at_once_in_polish(app_server, browser, example_workbook, tmp_path):
    """A 70 MB file used to show nothing for 300 s; now the page says why before sending it."""
    from pzk_kit.workshop.app import MAX_UPLOAD_BYTES

    huge = tmp_path / "gmina_z_obrazami.xlsx"
    with huge.open("wb") as handle:
        handle.truncate(70 * 1024 * 1024)  # sparse: nothing big is written to the disk
    just_over = tmp_path / "troche_za_duzy.xlsx"
    with just_over.open("wb") as handle:
        handle.truncate(MAX_UPLOAD_BYTES + 1)
    page = Page(browser, app_server.url)
    try:
        page.open_app()
        for path, size in ((huge, "70,0 MB"), (just_over, "20,0 MB")):
            page.upload(path)
            note = page.page.locator(".pzk-app .pzk-message .pzk-upload-too-big")
            note.wait_for()
            assert note.inner_text().startswith(f"Plik „{path.name}” ma {size}, a skoroszyt gminy ma zwykle "
                                                "poniżej 2 MB (największy, jaki wczytam: 20,0 MB).")
            assert not page.page.get_by_role("tab", name="Mapa partnerów").is_visible()
        page.shot("08_za_duzy_plik")

        page.upload(example_workbook)  # the upload still works, and the old note goes
        page.page.get_by_text("Członkowie PZK: 24").wait_for()
        assert page.page.locator(".pzk-upload-too-big").count() == 0
    finally:
        page.close()
