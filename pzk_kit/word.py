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
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_TAB_ALIGNMENT, WD_TAB_LEADER
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from pzk_kit import style
from pzk_kit.files import atomic_file

FONT = "Arial"
NAVY = RGBColor.from_string(style.excel_colour(style.NAVY))  # the kit's one navy (pzk_kit/style.py)
GREY = RGBColor(0x59, 0x59, 0x59)
HEADER_FILL = "DCE3EF"
# The resident-facing service catalogue reads like a leaflet rather than an office paper: its own font, a darker
# grey and a lighter fill for the labels of its small tables.
LEAFLET_FONT = "Calibri"
LEAFLET_GREY = RGBColor(0x40, 0x40, 0x40)
LEAFLET_FILL = "EDF1F7"
PAGE_WIDTH = Cm(21.0)
PAGE_HEIGHT = Cm(29.7)
_TABLE_ALIGN = {"left": WD_TABLE_ALIGNMENT.LEFT, "center": WD_TABLE_ALIGNMENT.CENTER}
# Schema order of WordprocessingML: what may follow <w:pBdr> in <w:pPr> and <w:tblW> in <w:tblPr>.
_AFTER_PBDR = ("w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap", "w:overflowPunct",
               "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd", "w:snapToGrid",
               "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents", "w:suppressOverlap", "w:jc",
               "w:textDirection", "w:textAlignment", "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle",
               "w:rPr", "w:sectPr", "w:pPrChange")
_AFTER_TBLW = ("w:jc", "w:tblCellSpacing", "w:tblInd", "w:tblBorders", "w:shd", "w:tblLayout", "w:tblCellMar",
               "w:tblLook", "w:tblCaption", "w:tblDescription", "w:tblPrChange")


def new_document(title: str, *, footer: str = "", margin_cm: float = 1.8, base_size: float = 10,
                 author: str = "pzk-kit", comments: str = ""):
    """A blank A4 document in the house style with ``footer · Strona N z M`` at the bottom."""
    document = Document()
    set_properties(document, title=title, author=author, last_modified_by="pzk-kit", comments=comments,
                   language="pl-PL")
    section = document.sections[0]
    set_page(section, margin_cm=margin_cm, footer_distance_cm=0.8)

    normal = document.styles["Normal"]
    set_style(normal, font=FONT, size=base_size, space_after=3)
    set_language(normal, "pl-PL")
    set_default_language(document, "pl-PL")
    for name, size in (("Title", base_size + 8), ("Heading 1", base_size + 3), ("Heading 2", base_size + 1)):
        set_style(document.styles[name], font=FONT, size=size, color=NAVY, bold=True, italic=False,
                  keep_with_next=True)
    set_style(document.styles["Heading 1"], space_before=14, space_after=4)
    set_style(document.styles["Heading 2"], space_before=10, space_after=3)

    page_numbers(section.footer.paragraphs[0], (footer + "   ·   " if footer else "") + "Strona ", size=8,
                 color=GREY, italic=True)
    return document


def blank_document():
    """python-docx's own blank document, for a document that sets up its look with the functions below."""
    return Document()


def set_properties(document, **values) -> None:
    """File properties (``title``, ``author``, ``subject``, ``keywords``, ``language``…) shown by Word's
    "Właściwości" and by file browsers."""
    properties = document.core_properties
    for name, value in values.items():
        setattr(properties, name, value)


def set_page(section, *, margin_cm: float, footer_distance_cm: float) -> None:
    """A4 portrait with the same margin on every side."""
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = PAGE_WIDTH, PAGE_HEIGHT
    section.left_margin = section.right_margin = Cm(margin_cm)
    section.top_margin = section.bottom_margin = Cm(margin_cm)
    section.footer_distance = Cm(footer_distance_cm)


def set_style(style, *, font: str | None = None, size: float | None = None, color: RGBColor | None = None,
              bold: bool | None = None, italic: bool | None = None, keep_with_next: bool | None = None,
              space_before: float | None = None, space_after: float | None = None,
              line_spacing: float | None = None, east_asia: bool = False) -> None:
    """Set what is given of a paragraph style (sizes and spacing in points); what is left out (None) stays as
    the template has it."""
    if font is not None:
        set_font(style, font, east_asia=east_asia)
    if size is not None:
        style.font.size = Pt(size)
    if color is not None:
        style.font.color.rgb = color
    if bold is not None:
        style.font.bold = bold
    if italic is not None:
        style.font.italic = italic
    paragraph = style.paragraph_format
    if keep_with_next is not None:
        paragraph.keep_with_next = keep_with_next
    if space_before is not None:
        paragraph.space_before = Pt(space_before)
    if space_after is not None:
        paragraph.space_after = Pt(space_after)
    if line_spacing is not None:
        paragraph.line_spacing = line_spacing


def bottom_border(style, color: RGBColor = NAVY, *, size: int = 12, space: int = 4) -> None:
    """A rule under every paragraph of the style (``size`` in eighths of a point, ``space`` in points)."""
    properties = style.element.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for attribute, value in (("w:val", "single"), ("w:sz", str(size)), ("w:space", str(space)),
                             ("w:color", str(color))):
        bottom.set(qn(attribute), value)
    borders.append(bottom)
    properties.insert_element_before(borders, *_AFTER_PBDR)


def page_numbers(paragraph, before: str, *, size: float = 8, color: RGBColor | None = GREY,
                 italic: bool = True) -> None:
    """A centred ``before`` + ``N z M`` (page N of M), as in every footer of the kit."""
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    look = {"size": size, "color": color, "italic": italic}
    run(paragraph, before, **look)
    page_field(paragraph, "PAGE", **look)
    run(paragraph, " z ", **look)
    page_field(paragraph, "NUMPAGES", **look)


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


def set_font(style, name: str = FONT, *, east_asia: bool = False) -> None:
    """Set the font for every script; theme fonts of the default template would override a plain name.

    ``east_asia`` names the font for East Asian text too (the catalogue has always done so; without it such text,
    which no gmina writes, keeps the template's default font).
    """
    style.font.name = name
    fonts = style.element.get_or_add_rPr().find(qn("w:rFonts"))
    for attribute in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attribute), None)
    if east_asia:
        fonts.set(qn("w:eastAsia"), name)
    fonts.set(qn("w:cs"), name)


def set_language(style, language: str = "pl-PL") -> None:
    """Proofing language, so Word's spell-checker checks Polish instead of flagging every word."""
    _set_lang(style.element.get_or_add_rPr(), language)


def set_run_language(run_, language: str) -> None:
    """Proofing language of one run (a sentence in Ukrainian among Polish ones): Word checks it in its own
    language instead of underlining every word, and a screen reader switches voice."""
    _set_lang(run_._r.get_or_add_rPr(), language)


def _set_lang(rpr, language: str) -> None:
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


def page_field(paragraph, instruction: str, *, size: float = 8, color: RGBColor | None = GREY,
               italic: bool = True) -> None:
    """A field (PAGE, NUMPAGES) that Word and LibreOffice fill in when showing or printing."""
    anchor = run(paragraph, "", size=size, color=color, italic=italic)
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


def line_breaks(paragraph, lines: list[str], **look) -> None:
    """Lines kept in one paragraph (an address, a contact), each a :func:`run` in the same ``look``."""
    for number, line in enumerate(lines):
        added = run(paragraph, line, **look)
        if number < len(lines) - 1:
            added.add_break(WD_BREAK.LINE)


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


def cell_text(cell, lines: list[str] | str, *, bold_first: bool = False, size: float | None = 9.5,
              color: RGBColor | None = None, bold: bool = False, breaks: bool = False) -> None:
    """Lines in a cell, each a paragraph, or with ``breaks`` one paragraph of lines; ``size=None`` keeps the
    style's size."""
    lines = [lines] if isinstance(lines, str) else lines
    paragraph = cell.paragraphs[0]
    if breaks:
        paragraph.paragraph_format.space_after = Pt(1)
        line_breaks(paragraph, lines, bold=bold, size=size, color=color)
        return
    for k, line in enumerate(lines):
        if k:
            paragraph = cell.add_paragraph()
        paragraph.paragraph_format.space_after = Pt(1)
        run(paragraph, line, bold=bold or (bold_first and k == 0), size=size, color=color)


def facts_table(document, rows: list[tuple[str, str]], widths: tuple | list):
    """Label–value pairs in a light two-column table (the label shaded): easier to scan than a paragraph of
    numbers."""
    grid = document.add_table(rows=len(rows), cols=2)
    grid.style = "Table Grid"
    grid.alignment = 1
    for row, (label, value) in zip(grid.rows, rows, strict=True):
        no_split(row)
        cell_text(row.cells[0], label, size=9, color=NAVY, bold=True)
        shade(row.cells[0], HEADER_FILL)
        cell_text(row.cells[1], value, size=9)
    set_widths(grid, widths)
    return grid


def table(document, headers: tuple[str, ...] | list[str], widths: tuple | list, rows: int, *,
          fill: str = HEADER_FILL, size: float | None = 9, color: RGBColor | None = NAVY,
          align: str | None = "center"):
    """A grid table with a shaded header row repeated on each page; ``rows`` body rows left empty."""
    grid = bare_table(document, len(headers), rows=1 + rows, align=align)
    for k, title in enumerate(headers):
        cell = grid.rows[0].cells[k]
        cell_text(cell, title, bold_first=True, size=size, color=color)
        cell.paragraphs[0].paragraph_format.keep_with_next = True
        shade(cell, fill)
    repeat_header(grid.rows[0])
    set_widths(grid, widths)
    return grid


def bare_table(document, columns: int, *, rows: int = 0, align: str | None = "center"):
    """A ``Table Grid`` table with fixed column widths (set them with :func:`set_widths`), no header row;
    ``align`` is "left", "center" or None (the style's)."""
    grid = document.add_table(rows=rows, cols=columns)
    grid.style = "Table Grid"
    if align is not None:
        grid.alignment = _TABLE_ALIGN[align]
    grid.autofit = False
    return grid


def set_widths(grid, widths: tuple | list, *, total: bool = False) -> None:
    """Column widths in the grid (LibreOffice reads these) and in every cell (Word reads these); ``total`` also
    fixes the table's own width to their sum, which Word otherwise recomputes."""
    for column, width in zip(grid.columns, widths, strict=True):
        column.width = width
    for row in grid.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = width
    if total:
        properties = grid._tbl.tblPr
        for old in properties.findall(qn("w:tblW")):
            properties.remove(old)
        width = OxmlElement("w:tblW")
        width.set(qn("w:w"), str(int(sum(widths) / 635)))  # EMU → twentieths of a point
        width.set(qn("w:type"), "dxa")
        properties.insert_element_before(width, *_AFTER_TBLW)


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
