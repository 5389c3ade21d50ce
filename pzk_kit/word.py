"""The kit's Word house style and the few python-docx building blocks every document needs.

Every DOCX the kit hands out (the IPUS draft, the council report, the printable forms) should look like it came
from the same office: A4, Arial (present on every Windows laptop, metric-compatible with Liberation Sans for
previews elsewhere), navy headings, Polish proofing language, page numbers in the footer. python-docx leaves
several of these to raw XML (theme fonts that override a plain font name, fields, cell shading, header rows
repeated on each page), so the XML is written here once instead of in each document module.
"""

from __future__ import annotations

import copy
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT, WD_TAB_LEADER
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from pzk_kit.files import atomic_file

FONT = "Arial"
NAVY = RGBColor(0x1F, 0x38, 0x64)
GREY = RGBColor(0x59, 0x59, 0x59)
HEADER_FILL = "DCE3EF"
PAGE_WIDTH = Cm(21.0)
PAGE_HEIGHT = Cm(29.7)


def new_document(title: str, *, footer: str = "", margin_cm: float = 1.8, base_size: float = 10,
                 author: str = "pzk-kit", comments: str = ""):
    """A blank A4 document in the house style with ``footer · Strona N z M`` at the bottom."""
    document = Document()
    properties = document.core_properties
    properties.title = title
    properties.author = author
    properties.last_modified_by = "pzk-kit"
    properties.comments = comments
    properties.language = "pl-PL"
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = PAGE_WIDTH, PAGE_HEIGHT
    section.left_margin = section.right_margin = Cm(margin_cm)
    section.top_margin = section.bottom_margin = Cm(margin_cm)
    section.footer_distance = Cm(0.8)

    normal = document.styles["Normal"]
    set_font(normal, FONT)
    normal.font.size = Pt(base_size)
    normal.paragraph_format.space_after = Pt(3)
    set_language(normal, "pl-PL")
    set_default_language(document, "pl-PL")
    for name, size in (("Title", base_size + 8), ("Heading 1", base_size + 3), ("Heading 2", base_size + 1)):
        style = document.styles[name]
        set_font(style, FONT)
        style.font.size = Pt(size)
        style.font.color.rgb = NAVY
        style.font.bold = True
        style.font.italic = False
        style.paragraph_format.keep_with_next = True
    document.styles["Heading 1"].paragraph_format.space_before = Pt(14)
    document.styles["Heading 1"].paragraph_format.space_after = Pt(4)
    document.styles["Heading 2"].paragraph_format.space_before = Pt(10)
    document.styles["Heading 2"].paragraph_format.space_after = Pt(3)

    paragraph = section.footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run(paragraph, (footer + "   ·   " if footer else "") + "Strona ", size=8, color=GREY, italic=True)
    page_field(paragraph, "PAGE")
    run(paragraph, " z ", size=8, color=GREY, italic=True)
    page_field(paragraph, "NUMPAGES")
    return document


def text_width(document) -> int:
    """Usable width of the first section (EMU), for tables and pictures that should span the page."""
    section = document.sections[0]
    return section.page_width - section.left_margin - section.right_margin


def save(document, out: Path | str, *, overwrite: bool = False) -> Path:
    """Save atomically: the file appears whole or not at all, an existing one only with ``overwrite``."""
    out = Path(out)
    with atomic_file(out, overwrite=overwrite) as tmp:
        document.save(str(tmp))
    return out


def set_font(style, name: str = FONT) -> None:
    """Set the font for every script; theme fonts of the default template would override a plain name."""
    style.font.name = name
    fonts = style.element.get_or_add_rPr().find(qn("w:rFonts"))
    for attribute in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attribute), None)
    fonts.set(qn("w:cs"), name)


def set_language(style, language: str = "pl-PL") -> None:
    """Proofing language, so Word's spell-checker checks Polish instead of flagging every word."""
    rpr = style.element.get_or_add_rPr()
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), language)


def set_default_language(document, language: str = "pl-PL") -> None:
    """The document's default proofing language (``w:docDefaults``): styles not based on Normal (tables, footers,
    headings of the default template) and text pasted in later are checked as Polish too, not as English."""
    defaults = document.styles.element.find(qn("w:docDefaults"))
    if defaults is None:
        defaults = OxmlElement("w:docDefaults")
        document.styles.element.insert(0, defaults)
    rpr_default = defaults.find(qn("w:rPrDefault"))
    if rpr_default is None:
        rpr_default = OxmlElement("w:rPrDefault")
        defaults.insert(0, rpr_default)
    rpr = rpr_default.find(qn("w:rPr"))
    if rpr is None:
        rpr = OxmlElement("w:rPr")
        rpr_default.append(rpr)
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), language)


def page_field(paragraph, instruction: str) -> None:
    """A field (PAGE, NUMPAGES) that Word and LibreOffice fill in when showing or printing."""
    anchor = run(paragraph, "", size=8, color=GREY, italic=True)
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), instruction)
    inner = OxmlElement("w:r")
    style = anchor._r.find(qn("w:rPr"))
    if style is not None:  # the number in the footer's small grey italics, not in the 10 pt default
        inner.append(copy.deepcopy(style))
    text = OxmlElement("w:t")
    text.text = "1"
    inner.append(text)
    field.append(inner)
    anchor._r.addnext(field)


def run(paragraph, text: str, *, bold: bool = False, italic: bool = False, size: float | None = None,
        color: RGBColor | None = None):
    added = paragraph.add_run(text)
    added.bold = bold
    added.italic = italic
    if size:
        added.font.size = Pt(size)
    if color is not None:
        added.font.color.rgb = color
    return added


def shade(cell, fill: str) -> None:
    """Background colour of a table cell (hex without #)."""
    properties = cell._tc.get_or_add_tcPr()
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    properties.append(shading)


def repeat_header(row) -> None:
    """Repeat this row at the top of every page the table runs onto."""
    properties = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    properties.append(header)


def no_split(row) -> None:
    """Keep a row on one page: a service or a partner is never cut in half."""
    row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))


def cell_text(cell, lines: list[str] | str, *, bold_first: bool = False, size: float = 9.5,
              color: RGBColor | None = None, bold: bool = False) -> None:
    lines = [lines] if isinstance(lines, str) else lines
    paragraph = cell.paragraphs[0]
    for k, line in enumerate(lines):
        if k:
            paragraph = cell.add_paragraph()
        paragraph.paragraph_format.space_after = Pt(1)
        run(paragraph, line, bold=bold or (bold_first and k == 0), size=size, color=color)


def table(document, headers: tuple[str, ...] | list[str], widths: tuple | list, rows: int):
    """A grid table with a shaded header row repeated on each page; ``rows`` body rows left empty."""
    grid = document.add_table(rows=1 + rows, cols=len(headers))
    grid.style = "Table Grid"
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    grid.autofit = False
    for k, title in enumerate(headers):
        cell = grid.rows[0].cells[k]
        cell_text(cell, title, bold_first=True, size=9, color=NAVY)
        cell.paragraphs[0].paragraph_format.keep_with_next = True
        shade(cell, HEADER_FILL)
    repeat_header(grid.rows[0])
    set_widths(grid, widths)
    return grid


def set_widths(grid, widths: tuple | list) -> None:
    """Column widths in the grid (LibreOffice reads these) and in every cell (Word reads these)."""
    for column, width in zip(grid.columns, widths, strict=True):
        column.width = width
    for row in grid.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = width


def dotted_line(document, label: str = "", *, width=None, space_before: float = 8):
    """A ``label ..........`` line to be filled in by hand on a printed form."""
    paragraph = document.add_paragraph()
    paragraph.paragraph_format.space_before = Pt(space_before)
    paragraph.paragraph_format.space_after = Pt(0)
    stop = width if width is not None else text_width(document)
    paragraph.paragraph_format.tab_stops.add_tab_stop(stop, WD_TAB_ALIGNMENT.RIGHT, WD_TAB_LEADER.DOTS)
    if label:
        run(paragraph, label)
    paragraph.add_run("\t")
    return paragraph


def picture(document, png: bytes, *, width=None, alt: str | None = None, title: str | None = None) -> None:
    """A chart (PNG bytes from :func:`pzk_kit.figures.figure_png`) centred at the given width (page width).

    ``alt`` becomes the picture's description (Word: "Tekst alternatywny"; docPr ``descr``) and ``title`` its
    title: a screen reader reads them instead of the picture (WCAG 2.1 AA, required of a gmina's documents).
    """
    import io

    shape = document.add_picture(io.BytesIO(png), width=width if width is not None else text_width(document))
    document.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
    properties = shape._inline.docPr
    if alt:
        properties.set("descr", alt)
    if title:
        properties.set("title", title)


def page_break(document) -> None:
    from docx.enum.text import WD_BREAK

    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def signature_lines(document, captions: list, *, space_before: float = 36, dots: int = 22):
    """Side-by-side places to sign by hand: a dotted line over each caption (a str or a list of lines).

    A borderless table keeps the places level with each other and on one page; the first caption line is the
    signer (an institution), further lines are small grey notes such as "(podpis i pieczęć)".
    """
    captions = [[c] if isinstance(c, str) else list(c) for c in captions]
    grid = document.add_table(rows=2, cols=len(captions))
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    grid.autofit = False
    set_widths(grid, [int(text_width(document) / len(captions))] * len(captions))
    for row in grid.rows:
        no_split(row)
    for k, lines in enumerate(captions):
        top = grid.rows[0].cells[k].paragraphs[0]
        top.alignment = WD_ALIGN_PARAGRAPH.CENTER
        top.paragraph_format.space_before = Pt(space_before)
        top.paragraph_format.space_after = Pt(0)
        top.paragraph_format.keep_with_next = True
        run(top, "…" * dots, size=9, color=GREY)
        cell = grid.rows[1].cells[k]
        for n, line in enumerate(lines):
            paragraph = cell.paragraphs[0] if n == 0 else cell.add_paragraph()
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            paragraph.paragraph_format.space_after = Pt(0)
            run(paragraph, line, size=9 if n == 0 else 8, color=None if n == 0 else GREY, italic=n > 0)
    return grid


def new_section(document, *, landscape: bool = False):
    """Start a new page in portrait or landscape (a wide chart or table), keeping margins and footer.

    The section break lives in a paragraph of its own; it is made 1 pt high so that, should the page before be
    exactly full, the break does not push an empty page of its own.
    """
    from docx.enum.section import WD_SECTION

    section = document.add_section(WD_SECTION.NEW_PAGE)
    marker = document.paragraphs[-1]._p  # python-docx ends the previous section in a new empty paragraph
    properties = marker.get_or_add_pPr()
    spacing = OxmlElement("w:spacing")
    spacing.set(qn("w:before"), "0")
    spacing.set(qn("w:after"), "0")
    spacing.set(qn("w:line"), "20")
    spacing.set(qn("w:lineRule"), "exact")
    mark = OxmlElement("w:rPr")
    size = OxmlElement("w:sz")
    size.set(qn("w:val"), "2")
    mark.append(size)
    properties.insert_element_before(spacing, "w:ind", "w:jc", "w:rPr", "w:sectPr", "w:pPrChange")
    properties.insert_element_before(mark, "w:sectPr", "w:pPrChange")
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    width, height = (PAGE_HEIGHT, PAGE_WIDTH) if landscape else (PAGE_WIDTH, PAGE_HEIGHT)
    section.page_width, section.page_height = width, height
    return section


def section_width(document) -> int:
    """Usable width of the current (last) section, EMU: pictures on a landscape page span its width."""
    section = document.sections[-1]
    return section.page_width - section.left_margin - section.right_margin


def vertical_text(cell, *, height_cm: float | None = None) -> None:
    """Text read bottom to top, for the headers of narrow columns (a matrix of groups); ``height_cm`` fixes the
    row height, which the rotated text needs to be shown whole."""
    properties = cell._tc.get_or_add_tcPr()
    direction = OxmlElement("w:textDirection")
    direction.set(qn("w:val"), "btLr")
    properties.append(direction)
    if height_cm is not None:
        row_properties = cell._tc.getparent().get_or_add_trPr()
        if row_properties.find(qn("w:trHeight")) is not None:
            return
        height = OxmlElement("w:trHeight")
        height.set(qn("w:val"), str(int(height_cm * 567)))
        height.set(qn("w:hRule"), "atLeast")
        row_properties.append(height)
