"""The files the workshop app offers for download, each made in memory by the package's own writers.

Downloads are ``<a download href="data:…">`` links: ipywidgets has no download widget, and a data link needs
neither a server route nor the internet. A file that cannot be made is shown as unavailable with its reason in
Polish, and never takes the other files down.
"""

from __future__ import annotations

import base64
import html
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from pzk_kit.runs.outputs import CATALOGUE_DOCX_NAME, CATALOGUE_HTML_NAME, REPORT_NAME, SUMMARY_NAME
from pzk_kit.workbook.reading import GminaData
from pzk_kit.workbook.text import normalize_code
from pzk_kit.workshop.wording import size_text, text
from pzk_kit.workshop.workbook_rows import filled_workbook_name, workbook_rows

MIME = {
    ".html": "text/html",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".json": "application/json",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".zip": "application/zip",
}


@dataclass
class Offered:
    """One downloadable file: made in memory, or unavailable with the reason in Polish."""

    key: str
    filename: str
    content: bytes | None = None
    reason: str | None = None

    @property
    def available(self) -> bool:
        return self.content is not None

    def link(self) -> str:
        title = html.escape(text(f"plik_{self.key}"))
        if not self.available:
            return f'<span class="pzk-download pzk-disabled" title="{title}">{html.escape(text("pobierz"))}</span>'
        mime = MIME.get(Path(self.filename).suffix, "application/octet-stream")
        encoded = base64.b64encode(self.content or b"").decode("ascii")
        return (f'<a class="pzk-download" download="{html.escape(self.filename)}" title="{title}" '
                f'data-plik="{html.escape(self.filename)}" href="data:{mime};base64,{encoded}">'
                f'{html.escape(text("pobierz"))} {html.escape(self.filename)}</a>')

    def row(self) -> str:
        size = size_text(len(self.content)) if self.content is not None else ""
        detail = (html.escape(text(f"plik_{self.key}_opis")) if self.available
                  else html.escape(text("plik_niedostepny", powod=self.reason or "")))
        return (f'<tr><td class="pzk-file-name">{html.escape(text(f"plik_{self.key}"))}<br>'
                f'<small style="font-weight:normal">{detail}</small></td>'
                f'<td class="pzk-file-size">{size}</td><td>{self.link()}</td></tr>')


def _write_catalogue_html(data: GminaData, folder: Path) -> Path:
    from pzk_kit.basket.catalogue import write_catalogue_html

    return write_catalogue_html(data, folder / CATALOGUE_HTML_NAME)


def _write_catalogue_docx(data: GminaData, folder: Path) -> Path:
    from pzk_kit.basket.catalogue import write_catalogue_docx

    return write_catalogue_docx(data, folder / CATALOGUE_DOCX_NAME)


def _write_report(data: GminaData, folder: Path) -> Path:
    # Imported late on purpose: the council report is a separate part of the kit and may be absent.
    from pzk_kit.evaluation.report import write_report_docx  # type: ignore[import-not-found]

    result = write_report_docx(data, folder / REPORT_NAME)
    return Path(result) if result else folder / REPORT_NAME


def _write_summary(data: GminaData, folder: Path) -> Path:
    from pzk_kit.runs.summary import build_summary, write_summary

    return write_summary(build_summary(data), folder)


def _write_workbook(data: GminaData, folder: Path) -> Path:
    from pzk_kit.workbook.templates import write_filled_workbook

    return write_filled_workbook(workbook_rows(data), folder / filled_workbook_name(data))


FILE_MAKERS: tuple[tuple[str, Callable[[GminaData], str], Callable[[GminaData, Path], Path]], ...] = (
    ("katalog_html", lambda _d: CATALOGUE_HTML_NAME, _write_catalogue_html),
    ("katalog_docx", lambda _d: CATALOGUE_DOCX_NAME, _write_catalogue_docx),
    ("raport", lambda _d: REPORT_NAME, _write_report),
    ("summary", lambda _d: SUMMARY_NAME, _write_summary),
    ("skoroszyt", filled_workbook_name, _write_workbook),
)


def make_file(key: str, data: GminaData) -> Offered:
    """Produce one offered file in a private temporary folder and keep its bytes."""
    name_of, writer = next((n, w) for k, n, w in FILE_MAKERS if k == key)
    filename = name_of(data)
    if key.startswith("katalog") and not data.has("uslugi"):
        return Offered(key, filename, reason=text("powod_brak_uslug"))
    with tempfile.TemporaryDirectory(prefix="pzk_app_") as folder:
        try:
            path = writer(data, Path(folder))
            return Offered(key, filename, content=Path(path).read_bytes())
        except ImportError:
            return Offered(key, filename, reason=text("powod_brak_modulu"))
        except Exception as error:  # a file that cannot be made must not take the other files down
            return Offered(key, filename, reason=text("powod_blad", powod=f"{type(error).__name__}: {error}"))


def forms_file(data: GminaData) -> Offered:
    """The partners' forms, the anonymous survey and the cover letters (``pzk formularze``) as one zip.

    Made only when the trainer asks (the Zbieranie danych tab): a large gmina's forms take seconds.
    """
    from pzk_kit.collection.forms import forms_zip
    from pzk_kit.errors import PzkError

    filename = f"formularze_{normalize_code(data.name) or 'gmina'}.zip"
    try:
        return Offered("formularze", filename, content=forms_zip(data))
    except PzkError as error:  # e.g. no leader or partner to send a form to: said in Polish by the kit
        return Offered("formularze", filename, reason=str(error))
    except Exception as error:  # the rest of the tab must keep working
        return Offered("formularze", filename, reason=text("powod_blad", powod=f"{type(error).__name__}: {error}"))
