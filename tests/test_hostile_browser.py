"""The hostile corpus in a real browser (issue 13, item 1): every HTML the kit writes, and the app, raise no dialog.

`pzk run` on the hostile gmina writes the three notebook reports and the catalogue; a small `pzk batch` over it
writes the regional page; the app opens with the hostile workbook preloaded and then gets an invalid hostile
upload. Each page is opened in Debian's Chromium (the launch of tests/test_app_browser.py) with a dialog handler:
an ``alert`` anywhere — a ``<script>`` in a name, an ``onerror`` of an injected image, an ``onload`` of an injected
SVG — would be recorded. The hostile names must also be on the page as text, so a page that dropped them would not
pass either.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from test_app_browser import UI_TIMEOUT_MS, Page, browser, start_app  # noqa: F401  (browser: the shared fixture)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

HOSTILE = Path(__file__).resolve().parent / "data" / "hostile"
GMINA_NAME = "Gmina <script>alert('gmina')</script> Przykładowa"  # the hostile gmina's name (build.py)
BAD_SECTOR = "<img src=x onerror=alert('sektor')>"
BAD_UPLOAD_NAME = "<svg onload=alert('plik')>.xlsx"
RUN_TIMEOUT_S = 900
SETTLE_MS = 1500  # an injected image fails to load (and would fire onerror) shortly after it is inserted

# What on a page could still run a payload: a script carrying one, a handler, a javascript:/vbscript: link.
_LIVE_MARKUP = r"""() => {
  const found = [];
  for (const s of document.querySelectorAll('script')) {
    if (s.textContent.includes('alert(')) found.push('script: ' + s.textContent.slice(0, 80));
  }
  for (const e of document.querySelectorAll('*')) {
    for (const a of e.attributes) {
      if (a.name.startsWith('on') && a.value.includes('alert')) found.push(e.tagName + '@' + a.name + '=' + a.value);
      if (['href', 'src', 'action', 'formaction', 'xlink:href'].includes(a.name)
          && /^\s*(javascript|vbscript):/i.test(a.value)) found.push(e.tagName + '@' + a.name + '=' + a.value);
    }
  }
  return found;
}"""


def _pzk(*arguments: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pzk_kit", *arguments], capture_output=True, text=True,
                          timeout=RUN_TIMEOUT_S)


@pytest.fixture(scope="module")
def hostile_outputs(hostile_run, tmp_path_factory) -> dict[str, Path]:
    """The HTML pages the kit writes for the hostile gmina: `pzk run` (the session's shared ``hostile_run``, read
    only) and a summary-only `pzk batch`."""
    root = tmp_path_factory.mktemp("wroga")
    wyniki, run = hostile_run
    assert run.returncode == 0, run.stdout + run.stderr
    region = root / "region"
    shutil.copytree(HOSTILE / "gmina_wroga_csv", region / "gmina_wroga_csv")
    broken = region / "<img src=x onerror=alert('folder')>"  # a failing gmina: its name reaches the error table
    broken.mkdir()
    (broken / "gmina.csv").write_text(f"pole;wartosc\nnazwa;{GMINA_NAME}\n", encoding="utf-8")
    batch = _pzk("batch", str(region), "--out", str(root / "zestawienie"), "--summary-only", "--bez-paska")
    assert (root / "zestawienie" / "podsumowanie.html").exists(), batch.stdout + batch.stderr
    pages = {name: wyniki / name for name in
             ("01_mapowanie_partnerow.html", "02_koszyk_uslug.html", "03_ewaluacja.html", "katalog_uslug.html")}
    pages["podsumowanie.html"] = root / "zestawienie" / "podsumowanie.html"
    return pages


class Watched(Page):
    """A page that records every dialog (and dismisses it, so the page goes on)."""

    def __init__(self, browser_, url: str) -> None:
        super().__init__(browser_, url)
        self.dialogs: list[str] = []
        self.page.on("dialog", self._record)

    def _record(self, dialog) -> None:
        self.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    def live_markup(self) -> list[str]:
        self.page.wait_for_timeout(SETTLE_MS)
        return self.page.evaluate(_LIVE_MARKUP)


@pytest.mark.parametrize("name", ["01_mapowanie_partnerow.html", "02_koszyk_uslug.html", "03_ewaluacja.html",
                                  "katalog_uslug.html", "podsumowanie.html"])
def test_hostile_reports_raise_no_dialog(hostile_outputs, browser, name):  # noqa: F811
    page = Watched(browser, hostile_outputs[name].as_uri())
    try:
        page.page.goto(page.url, wait_until="load", timeout=UI_TIMEOUT_MS)
        assert page.live_markup() == []
        assert page.dialogs == []
        assert page.page.get_by_text(GMINA_NAME).first.is_visible()
    finally:
        page.close()


def _invalid_hostile_workbook(path: Path) -> Path:
    workbook = openpyxl.load_workbook(HOSTILE / "gmina_wroga.xlsx")
    sheet = workbook["partnerzy"]
    column = next(cell.column for cell in sheet[1] if cell.value == "sektor")
    sheet.cell(row=3, column=column, value=BAD_SECTOR)
    buffer = io.BytesIO()
    workbook.save(buffer)
    path.write_bytes(buffer.getvalue())
    return path


def test_hostile_workbook_in_the_app_raises_no_dialog(browser, tmp_path):  # noqa: F811
    server = start_app(tmp_path, str(HOSTILE / "gmina_wroga.xlsx"))
    try:
        page = Watched(browser, server.url)
        try:
            page.page.goto(server.url, timeout=UI_TIMEOUT_MS)
            page.page.get_by_text("Członkowie PZK:").wait_for()
            page.page.get_by_role("tab", name="Koszyk usług").click()
            page.page.get_by_text("Koszyk w liczbach").wait_for()
            page.page.get_by_role("tab", name="Ewaluacja").click()
            page.page.get_by_text("Wyniki ankiety samooceny").wait_for()
            page.page.get_by_role("tab", name="Pliki do pobrania").click()
            page.page.locator('a[data-plik="katalog_uslug.html"]').wait_for()
            assert page.live_markup() == []
            assert page.dialogs == []
            assert GMINA_NAME in page.page.locator(".pzk-app").inner_text()

            page.upload(_invalid_hostile_workbook(tmp_path / BAD_UPLOAD_NAME))
            page.page.get_by_text("Dane zawierają błędy").wait_for()
            page.page.locator(".pzk-problems tr", has_text=BAD_SECTOR).wait_for()
            assert page.live_markup() == []
            assert page.dialogs == []
            shown = page.page.locator(".pzk-app").inner_text()
            assert BAD_UPLOAD_NAME in shown and GMINA_NAME in shown
        finally:
            page.close()
    finally:
        server.stop()
