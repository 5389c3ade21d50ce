"""The workshop app without a browser: the app object, its files, `pzk app` / `pzk lab` around the servers."""

from __future__ import annotations

import datetime
import html
import http.client
import io
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import matplotlib
import nbformat
import openpyxl
import pandas as pd
import pytest

matplotlib.use("Agg")

from pzk_kit.cli import main
from pzk_kit.resources import data_path
from pzk_kit.runs.runner import NOTEBOOKS_DIR
from pzk_kit.workbook.example import example_dir, write_example_workbook
from pzk_kit.workbook.reading import ROW_COLUMN, read_gmina
from pzk_kit.workbook.templates import write_filled_workbook
from pzk_kit.workshop import app as app_module
from pzk_kit.workshop import interactive
from pzk_kit.workshop.app import (
    APP_NOTEBOOK,
    LAB_NOTEBOOKS,
    WorkshopApp,
    app_texts,
    free_port,
    make_file,
    prepare_lab_dir,
    voila_command,
    voila_environment,
    workbook_rows,
)


@pytest.fixture(autouse=True)
def no_figure_output(monkeypatch):
    """Outside a kernel the explorers' Output widgets would print figure reprs; keep the log readable."""
    monkeypatch.setattr(interactive, "show", lambda _figure, _alt: None)
    monkeypatch.setattr(interactive, "show_png", lambda _png, _alt: None)


@pytest.fixture(scope="module")
def example():
    return read_gmina(example_dir())


@pytest.fixture(scope="module")
def loaded_app():
    """The app with the example loaded and every tab opened once (files included): built once per module."""
    shown = WorkshopApp()
    shown.load_example()
    for index in range(len(WorkshopApp.TAB_KEYS)):
        shown.tabs.selected_index = index
    return shown


def html_of(widget) -> str:
    """All HTML text inside a widget tree (what the browser would render, without the images)."""
    parts = [getattr(widget, "value", "") if isinstance(getattr(widget, "value", None), str) else ""]
    for child in getattr(widget, "children", ()):
        parts.append(html_of(child))
    return "\n".join(parts)


def visible_text(markup: str) -> str:
    inline = re.sub(r"</?(?:b|i|span|code|small|a)\b[^>]*>", "", markup)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", inline))


def download(offered) -> bytes:
    assert offered.available, offered.reason
    return offered.content


# -- the filled workbook ----------------------------------------------------------------------------------------


def test_filled_workbook_reads_back_as_the_same_gmina(example, tmp_path):
    path = write_filled_workbook(workbook_rows(example), tmp_path / "dane.xlsx")
    again = read_gmina(path)
    assert again.report.ok, again.report.format_text()
    assert again.info == example.info
    assert again.collected == example.collected
    for sheet in ("partnerzy", "wspolpraca", "uslugi", "potrzeby", "ankieta"):
        before = example.table(sheet).drop(columns=ROW_COLUMN)
        after = again.table(sheet).drop(columns=ROW_COLUMN)
        pd.testing.assert_frame_equal(after, before, check_dtype=False, obj=sheet)


def test_filled_workbook_uses_labels_people_know(example, tmp_path):
    rows = workbook_rows(example)
    partners = openpyxl.load_workbook(write_filled_workbook(rows, tmp_path / "dane.xlsx"))["partnerzy"]
    header = [cell.value for cell in partners[1]]
    first = dict(zip(header, [cell.value for cell in partners[2]], strict=False))
    assert first["id"] == "CUS"
    assert first["sektor"] == "Pomoc społeczna" and first["rola"] == "Lider"
    survey = openpyxl.load_workbook(tmp_path / "dane.xlsx")["ankieta"]
    answers = dict(zip([cell.value for cell in survey[1]], [cell.value for cell in survey[2]], strict=False))
    assert answers["respondent"] == "T0-R01" and answers["pomiar"] == "T0" and answers["q01"] == 4
    assert dict(rows["gmina"])["typ"] == "Miejsko-wiejska"


def test_sheets_not_collected_keep_the_template_example(write_csv_gmina, gmina_rows, tmp_path):
    del gmina_rows["ankieta"], gmina_rows["uslugi"]
    data = read_gmina(write_csv_gmina(tmp_path / "mala", gmina_rows))
    rows = workbook_rows(data)
    assert "ankieta" not in rows and "uslugi" not in rows
    again = read_gmina(write_filled_workbook(rows, tmp_path / "mala.xlsx"))
    assert again.report.ok and not again.has("uslugi") and len(again.partners) == 4


# -- the app object ---------------------------------------------------------------------------------------------


def test_example_loads_with_partner_count_and_map_only(example):
    shown = WorkshopApp()
    assert shown.tabs.layout.display == "none"  # nothing to show before a gmina is chosen
    data = shown.load_example()
    assert data is not None and shown.data is data
    assert "Dane są poprawne." in shown.message.value
    assert shown.tabs.layout.display is None
    assert shown.built == {"mapa"}  # other tabs are built when opened
    text = visible_text(html_of(shown.tab_boxes["mapa"]))
    assert ("Lider PZK: Centrum Usług Społecznych w Przykładowie · Członkowie PZK: 24 · Kandydaci: 3 · "
            "Instytucje na mapie: 27 · Brakujące podstawowe sektory: Sport") in text
    assert shown.explorer.status.value == "Instytucje na mapie: 27, liczba powiązań: 71"  # T1, the latest
    assert "Najważniejsze miary sieci (pomiar T1)" in text
    shown.explorer.measurement.value = "T0"
    assert "Najważniejsze miary sieci (pomiar T0)" in visible_text(html_of(shown.tab_boxes["mapa"]))
    assert shown.explorer.status.value == "Instytucje na mapie: 27, liczba powiązań: 58"
    assert shown.busy.value == "" and not shown.upload.disabled  # the spinner is gone when the work is done


def test_tabs_use_the_package_results(loaded_app, example):
    from pzk_kit.basket import basket_summary

    basket = visible_text(html_of(loaded_app.tab_boxes["koszyk"]))
    summary = basket_summary(example)
    assert f"Potrzeby z diagnozy mające usługę {summary['needs_covered']} z {summary['needs']}" in basket
    assert "Wyszukiwarka usług" in basket
    assert not hasattr(loaded_app.finder, "folder")  # the IPUS is a browser download, not a file on the server
    evaluation = visible_text(html_of(loaded_app.tab_boxes["ewaluacja"]))
    assert "Wypełnione ankiety samooceny: T0: 21, T1: 22." in evaluation
    assert "Wyniki ankiety samooceny" in evaluation
    children = loaded_app.tab_boxes["ewaluacja"].children
    assert children[-2].get_title(0).startswith("Ukryte wyniki")
    assert "Rekomendacje do planu działań" in html_of(children[-1])  # then recommendations → the plan


def test_headings_nest_without_a_gap_h1_page_h2_tab_h3_sections(loaded_app):
    """WCAG 2.1 (1.3.1): the page's h1 is followed by an h2 per tab before the tabs' h3 sections."""
    for key in WorkshopApp.TAB_KEYS:
        markup = html_of(loaded_app.tab_boxes[key])
        levels = [int(level) for level in re.findall(r"<h([1-6])\b", markup)]
        assert levels[0] == 2 and all(level in (2, 3) for level in levels), (key, levels)
        assert f'<h2 class="pzk-sr-only">{html.escape(app_texts()[f"zakladka_{key}"])}</h2>' in markup


def test_files_tab_offers_every_file_with_real_content(loaded_app, example, tmp_path):
    files = loaded_app.files
    assert list(files) == ["katalog_html", "katalog_docx", "raport", "summary", "skoroszyt"]
    links = html_of(loaded_app.tab_boxes["pliki"])
    for offered in files.values():
        if offered.available:
            assert f'download="{offered.filename}"' in links

    catalogue = download(files["katalog_html"]).decode("utf-8")
    assert "Gmina Przykładowa" in catalogue and "Rozmowa z pracownikiem socjalnym" in catalogue
    assert "Koordynator PZK" not in catalogue  # the contact person's position stays out of the resident catalogue

    from docx import Document

    document = Document(io.BytesIO(download(files["katalog_docx"])))
    assert "Gmina Przykładowa" in "\n".join(p.text for p in document.paragraphs)

    summary = json.loads(download(files["summary"]))
    assert summary["gmina"] == {"name": "Gmina Przykładowa", "teryt": "1299013", "scope": "gmina",
                                "type": "miejsko_wiejska", "powiat": "przykładowski", "voivodeship": "małopolskie",
                                "leaders": ["CUS"], "project": "Kooperacje 3D"}
    assert summary["network"]["partners"] == 27 and summary["basket"]["services"] == 53

    (tmp_path / files["skoroszyt"].filename).write_bytes(download(files["skoroszyt"]))
    again = read_gmina(tmp_path / files["skoroszyt"].filename)
    assert files["skoroszyt"].filename == "gmina_przykladowa.xlsx"
    assert again.report.ok and len(again.partners) == 27 and len(again.survey) == len(example.survey)

    report = files["raport"]
    if report.available:
        assert report.content[:2] == b"PK"  # a DOCX is a zip
        paragraphs = "\n".join(p.text for p in Document(io.BytesIO(report.content)).paragraphs)
        assert "Gmina Przykładowa" in paragraphs
    else:
        assert "pzk-disabled" in links


def test_missing_report_module_shows_a_disabled_button(example, monkeypatch):
    monkeypatch.setitem(sys.modules, "pzk_kit.evaluation.report", None)  # its import raises ImportError
    offered = make_file("raport", example)
    assert not offered.available
    assert offered.reason == "ta wersja zestawu nie ma jeszcze tego dokumentu."
    assert "pzk-disabled" in offered.link() and "Niedostępny: ta wersja zestawu" in offered.row()


def test_catalogue_is_unavailable_without_services(write_csv_gmina, gmina_rows, tmp_path):
    del gmina_rows["uslugi"]
    data = read_gmina(write_csv_gmina(tmp_path / "bez_uslug", gmina_rows))
    offered = make_file("katalog_html", data)
    assert not offered.available and "uslugi" in offered.reason
    shown = WorkshopApp(tmp_path / "bez_uslug")
    shown.tabs.selected_index = 1
    assert "Arkusz „uslugi” nie został jeszcze zebrany" in html_of(shown.tab_boxes["koszyk"])


def test_broken_upload_shows_the_problem_with_sheet_row_and_column(tmp_path):
    workbook = openpyxl.load_workbook(write_example_workbook(tmp_path / "przyklad.xlsx"))
    sheet = workbook["partnerzy"]
    column = next(cell.column for cell in sheet[1] if cell.value == "sektor")
    sheet.cell(row=7, column=column, value="Zdrowei")
    buffer = io.BytesIO()
    workbook.save(buffer)

    shown = WorkshopApp()
    data = shown.load_upload("moja gmina.xlsx", buffer.getvalue())
    assert data is not None and not data.report.ok and shown.data is None
    assert shown.tabs.layout.display == "none"
    assert "Dane zawierają błędy (1)" in shown.message.value and "moja gmina.xlsx" in shown.message.value
    assert shown.problems.layout.display is None and shown.problems.selected_index == 0  # opened on errors
    assert shown.problems.get_title(0).startswith("Sprawdzenie danych — błędy: 1,")
    rows = re.findall(r"<tr>(.*?)</tr>", shown.problems.children[0].value, flags=re.S)
    broken = next(r for r in rows if "Zdrowei" in r)
    cells = [visible_text(c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", broken)]
    assert cells[:5] == ["błąd", "partnerzy", "7", "sektor", "Zdrowei"]
    assert "Czy chodziło o „Zdrowie”?" in cells[5]

    shown.load_example()  # a corrected or another gmina replaces everything
    assert shown.data is not None and shown.problems.selected_index is None


@pytest.mark.parametrize(("name", "content", "expected"), [
    ("dane.csv", b"id;nazwa\n", "to nie skoroszyt .xlsx"),
    ("dane.xlsx", b"", "jest pusty"),
])
def test_wrong_uploads_get_a_polish_sentence(name, content, expected):
    shown = WorkshopApp()
    assert shown.load_upload(name, content) is None
    assert expected in shown.message.value and shown.tabs.layout.display == "none"


def test_an_upload_over_the_limit_gets_a_polish_message_and_is_not_read(monkeypatch):
    read = []
    monkeypatch.setattr(app_module, "read_gmina", lambda path: read.append(path))
    shown = WorkshopApp()
    too_big = app_module.MAX_UPLOAD_BYTES + 1
    assert shown.load_upload("<i>duzy.xlsx", b"\0" * too_big) is None
    message = shown.message.value
    assert "Plik „&lt;i&gt;duzy.xlsx” ma 20,0 MB" in message  # the name is shown as text
    assert "poniżej 2 MB (największy, jaki wczytam: 20,0 MB)" in message and "pzk-error" in message
    assert read == [] and shown.upload_dir is None and shown.tabs.layout.display == "none"


def test_the_page_script_gets_the_upload_limit_and_its_message():
    """The browser refuses big files before sending them; it reads the limit and wording from the app."""
    styles = WorkshopApp().widget().children[0].value
    found = re.search(r'<div class="pzk-upload-limit" hidden data-max-bytes="(\d+)" data-message="([^"]*)"', styles)
    assert found and int(found.group(1)) == app_module.MAX_UPLOAD_BYTES
    message = html.unescape(found.group(2))
    assert message.startswith("Plik „{nazwa}” ma {rozmiar}, a skoroszyt gminy") and "20,0 MB" in message
    template = (Path(voila_environment(None)["JUPYTER_PATH"].split(os.pathsep)[0])
                / "voila" / "templates" / "pzk" / "index.html.j2").read_text(encoding="utf-8")
    assert ".pzk-upload-limit" in template and "data-max-bytes" in template and "textContent" in template
    websocket_limit = json.loads((Path(data_path("app", "jupyter", "config")) / "voila.json").read_text(
        encoding="utf-8"))["Voila"]["tornado_settings"]["websocket_max_message_size"]
    assert app_module.MAX_UPLOAD_BYTES < websocket_limit <= 2 * app_module.MAX_UPLOAD_BYTES


def test_a_file_that_is_not_a_workbook_is_reported_not_raised():
    shown = WorkshopApp()
    data = shown.load_upload("zepsuty.xlsx", b"to nie jest plik Excela")
    assert data is None or not data.report.ok
    assert "pzk-error" in shown.message.value and shown.tabs.layout.display == "none"


def test_unexpected_errors_become_a_polish_message(monkeypatch):
    def broken(_path):
        raise RuntimeError("awaria testowa")

    monkeypatch.setattr(app_module, "read_gmina", broken)
    shown = WorkshopApp()
    shown.load_example()
    assert "awaria testowa" in shown.message.value
    assert shown.busy.value == "" and shown.data is None


def test_a_tab_that_fails_says_so_instead_of_spinning(monkeypatch):
    from pzk_kit import evaluation

    def broken(_data):
        raise ValueError("awaria ewaluacji")

    monkeypatch.setattr(evaluation, "evaluation_summary", broken)
    shown = WorkshopApp(example_dir())
    shown.tabs.selected_index = 2
    assert "awaria ewaluacji" in shown.message.value and "Coś poszło nie tak" in shown.message.value
    assert "nie udało się przygotować" in html_of(shown.tab_boxes["ewaluacja"])
    assert "pzk-spinner" not in html_of(shown.tab_boxes["ewaluacja"]) and shown.busy.value == ""
    shown.tabs.selected_index = 0
    assert "Członkowie PZK" in html_of(shown.tab_boxes["mapa"])  # the rest of the app still works


def test_upload_widget_value_is_handled_and_cleared(monkeypatch):
    seen = []
    monkeypatch.setattr(WorkshopApp, "load_upload", lambda self, name, content: seen.append((name, content)))
    shown = WorkshopApp()
    shown.upload.value = ({"name": "gmina.xlsx", "type": "", "size": 3, "content": memoryview(b"abc"),
                           "last_modified": datetime.datetime(2024, 3, 15, tzinfo=datetime.UTC)},)
    assert seen == [("gmina.xlsx", b"abc")]
    assert shown.upload.value == ()  # the same corrected file can be chosen again, and no copy stays in memory


def test_preload_from_the_notebook_parameter_or_the_environment(monkeypatch):
    displayed = []
    monkeypatch.setattr("IPython.display.display", lambda widget: displayed.append(widget))
    monkeypatch.setenv(app_module.INPUT_ENV, str(example_dir()))
    app_module.app("")
    assert "Gmina Przykładowa" in displayed[-1].children[3].value  # the message line under the buttons
    monkeypatch.delenv(app_module.INPUT_ENV)
    app_module.app("")
    assert displayed[-1].children[3].value == ""  # nothing chosen yet: only the choice is shown


def test_every_text_the_app_uses_exists():
    # The app and the modules split from it (downloads, servers…)
    split = ("app", "downloads", "login", "servers", "wording", "workbook_rows")
    folder = Path(app_module.__file__).parent
    sources = "".join((folder / f"{name}.py").read_text(encoding="utf-8") for name in split)
    used = set(re.findall(r'text\(\s*"([a-z_]+)"', sources))
    used |= {f"zakladka_{k}" for k in WorkshopApp.TAB_KEYS}
    used |= {f"plik_{k}" for k, _n, _w in app_module.FILE_MAKERS} | {
        f"plik_{k}_opis" for k, _n, _w in app_module.FILE_MAKERS}
    assert used - set(app_texts()) == set()


# -- the notebook and the Voila setup ----------------------------------------------------------------------------


def test_app_notebook_is_thin_clean_and_parametrised():
    notebook = nbformat.read(APP_NOTEBOOK, as_version=4)
    assert notebook.metadata["kernelspec"]["name"] == "python3"
    code = [c for c in notebook.cells if c.cell_type == "code"]
    assert all(not c.get("outputs") and c.get("execution_count") is None for c in code)
    tagged = [c for c in code if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1 and tagged[0].source.startswith('dane = ""')
    assert "app(dane)" in code[-1].source and sum(len(c.source.splitlines()) for c in code) <= 5


def test_voila_runs_locally_with_our_offline_template(tmp_path):
    command = voila_command(8899)
    assert "--no-browser" in command and "--port=8899" in command and "--Voila.port_retries=0" in command
    assert "--Voila.ip=127.0.0.1" in command and "--template=pzk" in command
    env = voila_environment(tmp_path / "gmina.xlsx")
    own = Path(env["JUPYTER_PATH"].split(":")[0])
    template = own / "voila" / "templates" / "pzk" / "index.html.j2"
    assert template.exists()
    assert not re.search(r"https?://", template.read_text(encoding="utf-8"))
    assert env[app_module.INPUT_ENV] == str(tmp_path / "gmina.xlsx")
    assert app_module.INPUT_ENV not in voila_environment(None)


def test_voila_culls_kernels_of_closed_pages_but_never_of_open_ones(monkeypatch):
    settings = dict(arg.removeprefix("--").split("=", 1) for arg in voila_command(8899) if "KernelManager" in arg)
    assert settings == {
        "MappingKernelManager.cull_idle_timeout": str(app_module.KERNEL_IDLE_SECONDS),
        "MappingKernelManager.cull_interval": "60",
        "MappingKernelManager.cull_connected": "False",
        "MappingKernelManager.cull_busy": "False",
    }
    assert "--MappingKernelManager.cull_interval=2" in voila_command(8899, kernel_idle=6)
    monkeypatch.setenv(app_module.KERNEL_IDLE_ENV, "7")
    assert app_module.kernel_idle_seconds() == 7
    for wrong in ("0", "-3", "abc", ""):
        monkeypatch.setenv(app_module.KERNEL_IDLE_ENV, wrong)
        assert app_module.kernel_idle_seconds() == app_module.KERNEL_IDLE_SECONDS


def test_voila_gets_the_token_from_a_private_config_and_refuses_foreign_hosts(tmp_path):
    folder = app_module.write_token_config(tmp_path, "klucz123")
    assert json.loads((folder / "voila.json").read_text(encoding="utf-8")) == {"Voila": {"token": "klucz123"}}
    env = voila_environment(None, folder)
    config_path = env["JUPYTER_CONFIG_PATH"].split(os.pathsep)
    assert config_path[:2] == [str(folder), str(data_path("app", "jupyter", "config"))]
    assert not any("klucz123" in arg for arg in voila_command(8899))  # not visible in the process list
    own = json.loads((Path(config_path[1]) / "voila.json").read_text(encoding="utf-8"))
    assert own["Voila"]["tornado_settings"]["allow_remote_access"] is False
    assert own["Voila"]["tornado_settings"]["local_hostnames"] == ["localhost"]


def _kernel_processes(root: int) -> list[int]:
    """Process ids of the kernels under ``root`` (the ``pzk app`` process), from ``ps``."""
    listing = subprocess.run(["ps", "-eo", "pid=,ppid=,args="], capture_output=True, text=True, check=True).stdout
    children: dict[int, list[tuple[int, str]]] = {}
    for line in listing.splitlines():
        pid, ppid, args = line.split(None, 2) if len(line.split(None, 2)) == 3 else (*line.split(None, 1), "")
        children.setdefault(int(ppid), []).append((int(pid), args))
    found, todo = [], [root]
    while todo:
        for pid, args in children.get(todo.pop(), []):
            todo.append(pid)
            if "ipykernel" in args:
                found.append(pid)
    return found


def _wait_for_kernels(root: int, at_most: int, seconds: float) -> list[int]:
    deadline = time.monotonic() + seconds
    kernels = _kernel_processes(root)
    while len(kernels) > at_most and time.monotonic() < deadline:
        time.sleep(1)
        kernels = _kernel_processes(root)
    return kernels


def _request(port: int, path: str, host: str | None = None, headers: dict[str, str] | None = None):
    """One raw request (no redirects followed, any Host): (status, headers, body)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        sent = dict(headers or {})
        if host is not None:
            sent["Host"] = host
        connection.request("GET", path, headers=sent)
        answer = connection.getresponse()
        return answer.status, answer.headers, answer.read()
    finally:
        connection.close()


WEBSOCKET_HEADERS = {"Upgrade": "websocket", "Connection": "Upgrade", "Sec-WebSocket-Version": "13",
                     "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ=="}
LOCAL_HOSTS = ("127.0.0.1:{port}", "localhost:{port}", "[::1]:{port}", "127.0.0.1", "localhost")
FOREIGN_HOSTS = ("evil.example:{port}", "evil.example", "127.0.0.1.nip.io:{port}", "localhost.evil.example:{port}",
                 "192.168.1.10:{port}", "10.0.0.1", "0.0.0.0:{port}", "[2001:db8::1]:{port}", "")


def _stop_server(process: subprocess.Popen) -> None:
    """SIGTERM as Ctrl+C's twin (the command then stops its server cleanly); kill only if it hangs."""
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=40)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


def _printed_address(process: subprocess.Popen, label: str, timeout: float = 180) -> tuple[list[str], str | None]:
    """Read a server command's output until it prints ``label: URL``; the lines read and the URL (None if never)."""
    printed: list[str] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line and process.poll() is not None:
            break
        printed.append(line)
        found = re.search(re.escape(label) + r": (\S+)", line)
        if found:
            return printed, found.group(1)
    return printed, None


@pytest.mark.slow
def test_pzk_app_needs_its_token_a_local_host_and_culls_kernels_of_pages_left(tmp_path):
    """DNS rebinding and other local pages: without the printed token or with a foreign Host nothing works."""
    port = free_port()
    env = dict(os.environ, **{app_module.KERNEL_IDLE_ENV: "15"})
    process = subprocess.Popen([sys.executable, "-m", "pzk_kit", "app", "--bez-przegladarki", "--port", str(port)],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, encoding="utf-8",
                               cwd=tmp_path, env=env, start_new_session=True)
    try:
        printed, url = _printed_address(process, "Aplikacja PZK działa pod adresem")
        assert url and url.startswith(f"http://127.0.0.1:{port}/?token="), "".join(printed)
        token = url.split("token=", 1)[1]
        assert len(token) >= 32

        refused = []  # (what, status) of every request that must not get in
        for path in ("/", "/?token=zly", f"/?token={token[:-1]}", "/api/kernels", "/voila/api/shutdown/x"):
            status, headers, _body = _request(port, path)
            refused.append((path, status))
            assert status in (302, 401, 403, 404, 405), (path, status)
            if status == 302:
                assert headers["Location"].startswith("/login"), headers["Location"]

        status, headers, page = _request(port, f"/?token={token}")
        assert status == 200 and "Uruchamiam aplikację PZK" in page.decode("utf-8")
        cookie = headers["Set-Cookie"].split(";", 1)[0]
        kernel = re.search(r'"kernelId": "([0-9a-f-]{36})"', page.decode("utf-8")).group(1)
        status, _headers, _body = _request(port, "/", headers={"Cookie": cookie})
        assert status == 200  # the cookie set by the token keeps working (reloads, websockets)

        assert _request(port, "/voila/files/obraz.png", headers={"Cookie": cookie})[0] == 403  # no files served
        kernel_api = f"/api/kernels/{kernel}"
        # while the page's kernel lives (it is culled a few seconds after): the websocket's Origin, local Hosts
        local_origin = {**WEBSOCKET_HEADERS, "Cookie": cookie, "Origin": f"http://127.0.0.1:{port}"}
        for origin in ("http://evil.example", f"http://evil.example:{port}", "null", f"http://localhost.evil:{port}"):
            status, _h, _body = _request(port, f"{kernel_api}/channels", headers={**local_origin, "Origin": origin})
            refused.append((origin, status))
            assert status == 403, (origin, status)
        status, _h, _body = _request(port, f"{kernel_api}/channels", headers=local_origin)
        assert status == 101  # the app's own page connects

        for host in LOCAL_HOSTS:  # (the login cookie is named after the host, so the token is given each time)
            status, _h, body = _request(port, f"{kernel_api}?token={token}", host.format(port=port))
            assert status == 200 and json.loads(body)["id"] == kernel, (host, status)
        for host in FOREIGN_HOSTS:
            for path, headers in ((f"/?token={token}", {}), (kernel_api, {"Cookie": cookie}),
                                  (f"{kernel_api}/channels?token={token}", WEBSOCKET_HEADERS),
                                  (f"{kernel_api}/channels", {**WEBSOCKET_HEADERS, "Cookie": cookie})):
                status, _h, _body = _request(port, path, host.format(port=port), headers)
                refused.append((host, status))
                assert status == 403, (host, path, status)

        kernels = _wait_for_kernels(process.pid, 0, 90)  # two page loads, no page connected any more
        assert kernels == [], f"kernels of pages nobody has open are still alive: {kernels}"
        print(f"\nrequests refused: {len(refused)} of {len(refused)} tried")
    finally:
        _stop_server(process)


def test_pzk_app_refuses_missing_input(capsys):
    assert main(["app", "nie_ma_takiego_pliku.xlsx", "--bez-przegladarki"]) == 2
    assert "Nie ma pliku ani folderu „nie_ma_takiego_pliku.xlsx”" in capsys.readouterr().out


def test_pzk_app_says_when_the_port_is_taken(capsys):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert main(["app", "--port", str(port), "--bez-przegladarki"]) == 1
    assert f"Port {port} jest zajęty" in capsys.readouterr().out


# -- pzk lab ------------------------------------------------------------------------------------------------------


def test_lab_copies_missing_notebooks_and_never_overwrites_edits(tmp_path):
    folder = tmp_path / "zeszyty"
    copied, kept = prepare_lab_dir(folder)
    assert copied == list(LAB_NOTEBOOKS) and kept == []
    assert (folder / LAB_NOTEBOOKS[0]).read_bytes() == (NOTEBOOKS_DIR / LAB_NOTEBOOKS[0]).read_bytes()
    edited = folder / LAB_NOTEBOOKS[1]
    edited.write_text("moja wersja", encoding="utf-8")
    (folder / LAB_NOTEBOOKS[2]).unlink()
    copied, kept = prepare_lab_dir(folder)
    assert copied == [LAB_NOTEBOOKS[2]] and kept == [LAB_NOTEBOOKS[0], LAB_NOTEBOOKS[1]]
    assert edited.read_text(encoding="utf-8") == "moja wersja"
    assert not any(p.name.endswith(".tmp") for p in folder.iterdir())


def test_pzk_lab_serves_the_working_copy(tmp_path):
    folder = tmp_path / "warsztat"
    port = free_port()
    originals = {name: (NOTEBOOKS_DIR / name).read_bytes() for name in LAB_NOTEBOOKS}
    process = subprocess.Popen([sys.executable, "-m", "pzk_kit", "lab", str(folder), "--bez-przegladarki",
                                "--port", str(port)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               text=True, encoding="utf-8", start_new_session=True)
    try:
        printed, url = _printed_address(process, "JupyterLab działa pod adresem")
        assert url, "".join(printed)
        assert f"skopiowano: {LAB_NOTEBOOKS[0]}" in "".join(printed)
        token = url.split("token=")[1]
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/contents?token={token}", timeout=30) as answer:
            listing = {item["name"] for item in json.load(answer)["content"]}
        assert set(LAB_NOTEBOOKS) <= listing
        for host in FOREIGN_HOSTS:  # JupyterLab, too, answers only to a local Host, token or not
            status, _h, _body = _request(port, f"/api/contents?token={token}", host.format(port=port))
            assert status == 403, (host, status)
        assert _request(port, "/api/contents")[0] == 403  # and nothing without the token
    finally:
        _stop_server(process)
    assert process.returncode == 0
    assert {name: (NOTEBOOKS_DIR / name).read_bytes() for name in LAB_NOTEBOOKS} == originals


def test_pzk_lab_speaks_polish_and_asks_nothing_online(tmp_path):
    """Issue 14 item 6: JupyterLab's menus were English and it asked about news; `pzk lab` sets the Polish language
    pack as the locale and news and update checks off, in the kit's own overrides (not the trainer's settings)."""
    port = free_port()
    own_settings = tmp_path / "jupyter_config"  # a trainer without Jupyter settings of their own
    env = dict(os.environ, JUPYTER_CONFIG_DIR=str(own_settings))
    process = subprocess.Popen([sys.executable, "-m", "pzk_kit", "lab", str(tmp_path / "warsztat"),
                                "--bez-przegladarki", "--port", str(port)], stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True, encoding="utf-8", start_new_session=True, env=env)

    def get(path: str) -> dict:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}?token={token}", timeout=30) as answer:
            return json.load(answer)

    try:
        printed, url = _printed_address(process, "JupyterLab działa pod adresem")
        assert url, "".join(printed)
        token = url.split("token=")[1]
        # Overrides change a plugin's defaults (the schema); the trainer's own choice ("settings") would still win
        translation = get("/lab/api/settings/@jupyterlab/translation-extension:plugin")
        assert translation["schema"]["properties"]["locale"]["default"] == "pl_PL"
        assert "locale" not in translation["settings"]
        notification = get("/lab/api/settings/@jupyterlab/apputils-extension:notification")["schema"]["properties"]
        assert notification["fetchNews"]["default"] == "false"
        assert notification["checkForUpdates"]["default"] is False
        packs = get("/lab/api/translations")["data"]
        assert "pl_PL" in packs, sorted(packs)
        polish = get("/lab/api/translations/pl_PL")["data"]["jupyterlab"]
        assert polish[""]["language"].lower().replace("-", "_") == "pl_pl"
        assert any(text == ["Plik"] for text in polish.values()), "the File menu is called Plik"
    finally:
        _stop_server(process)
    assert process.returncode == 0
    assert not (own_settings / "lab" / "user-settings" / "@jupyterlab" / "translation-extension").exists()


# -- the live map's benchmark ------------------------------------------------------------------------------------


def test_bench_app_map_smoke_compares_both_paths_and_keeps_their_pngs(monkeypatch, tmp_path, capsys):
    """benchmarks/bench_app_map.py --small runs end to end: both redraw paths, their ratio and the same picture.

    Only completion and the shape of the output are checked, never the times.
    """
    import importlib.util

    path = Path(__file__).resolve().parents[1] / "benchmarks" / "bench_app_map.py"
    spec = importlib.util.spec_from_file_location("bench_app_map", path)
    assert spec is not None and spec.loader is not None
    bench = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, "bench_app_map", bench)
    monkeypatch.setattr(sys, "path", list(sys.path))  # the script puts benchmarks/ on it for the harness
    spec.loader.exec_module(bench)

    assert bench.main(["--small", "--repeat", "1", "--workdir", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert re.search(r"\(a\) before: .*draw_network.*\s[\d.]+s\s", out), out
    assert re.search(r"\(b\) now: .*draw_live_network.*\s[\d.]+s\s", out), out
    assert re.search(r"\(b\)/\(a\)\s+[\d.]+×\s+goal ≤ 0\.5×\s+(PASS|MISS)", out), out
    assert "check: (a) and (b) draw the same picture for every state" in out
    assert re.search(r"\(c\) back to a seen state, \d+ sector changes: median [\d.]+ ms", out), out
    assert "T1, level ≥ 1, all sectors: 1320×880 px" in out
    for name in ("mapa_0_przed.png", "mapa_0_teraz.png"):
        assert (tmp_path / name).read_bytes().startswith(b"\x89PNG")


def test_the_login_page_without_the_key_is_polish_and_voila_uses_it():
    """Opened without its key, the app showed Jupyter's English "Password or token" page; now a Polish one."""
    from pzk_kit.workshop.login import PolishIdentityProvider, PolishLoginHandler, login_page

    own = json.loads((Path(data_path("app", "jupyter", "config")) / "voila.json").read_text(
        encoding="utf-8"))
    assert own["Voila"]["identity_provider_class"] == "pzk_kit.workshop.login.PolishIdentityProvider"
    from voila.voila_identity_provider import VoilaLoginHandler

    provider = PolishIdentityProvider(token="klucz123", login_handler_class=VoilaLoginHandler)  # as Voila does
    assert provider.login_handler_class is PolishLoginHandler
    assert ("/login", PolishLoginHandler) in provider.get_handlers()

    page = login_page('/login?next=%2F"><script>', '<input type="hidden" name="_xsrf" value="x">', wrong_key=False)
    assert page.startswith("<!DOCTYPE html>\n<html lang=\"pl\">")
    assert 'action="/login?next=%2F&quot;&gt;&lt;script&gt;"' in page and "<script>" not in page
    assert '<input type="password" name="password" id="klucz"' in page and '<label for="klucz">' in page
    assert "pzk app" in page and "?token=" in page and "nie pasuje" not in page
    assert not re.search(r"\b(Password|token:|Log in|jupyter server list)\b", page)
    assert "Ten klucz nie pasuje" in login_page("/login", "", wrong_key=True)
