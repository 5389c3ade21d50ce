"""Printable forms and PZK documents (``pzk dokumenty``): what a trainer hands out on paper at a workshop.

Step 1 of the model is paperwork as much as mapping: partners sign a list intencyjny, then a Deklaracja
przystąpienia do PZK; meetings need an attendance list; the network and the service basket are checked and
completed by hand on partner and service cards; the evaluation starts from a printed self-assessment survey.
Everything here is mail-merged from the gmina workbook, so the leader never retypes 25 institution names.
Some partnerships sign one document together instead (Pisz: a powiat PZK whose agreement the wicestarosta signed
with every partner), so there is also a joint list intencyjny and a Porozumienie o współpracy: every member (the
leader or co-leaders first, then the partners) signs in one table, candidates are named as invited, and the organ
of the gmina or powiat (``organ``, ``podpisujacy``, ``upowaznienie`` of the ``gmina`` sheet) signs first.

Wording lives as data in ``pzk_kit/data/dokumenty`` (``teksty.csv`` for labels, ``list_intencyjny.md``,
``deklaracja.md``, ``list_intencyjny_wspolny.md`` and ``porozumienie.md`` for the letters with ``{placeholders}``),
so a gmina (or its lawyer) can adapt the letters without code. The
survey form reads the same instrument files as scoring (``pzk_kit/data/ankieta``), so the printed items and the
``q01…`` columns of the ``ankieta`` sheet cannot drift apart.

Privacy (DOMAIN.md, RODO): these sheets are printed and passed round a room, so every document is built from
:func:`pzk_kit.privacy.published`, the kit's one privacy rule, with no option to do otherwise: nothing from
``osoba_kontaktowa``, no personal e-mail addresses (``jan.kowalski@``), no mobile numbers (usually someone's own
phone rather than the institution's) and no people's names in any cell. Names and signatures are only ever written
on paper by hand.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from functools import cache
from pathlib import Path

import pandas as pd
from docx.enum.table import WD_ALIGN_VERTICAL, WD_ROW_HEIGHT_RULE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT, WD_TAB_LEADER
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from pzk_kit import texts, word
from pzk_kit.basket.catalogue import polish_sort_key
from pzk_kit.evaluation.instrument import load_instrument
from pzk_kit.files import atomic_dir
from pzk_kit.privacy import published
from pzk_kit.resources import data_path
from pzk_kit.runs.outputs import ASSESSMENT_ANNEX_NAME, PROGRAM_ANNEX_NAME
from pzk_kit.workbook.dictionaries import dictionary
from pzk_kit.workbook.reading import GminaData, measurement_order
from pzk_kit.workbook.text import display_text

SURVEY_FORM = "ankieta_samooceny.docx"
PARTNER_CARDS = "karty_partnerow.docx"
SERVICE_CARDS = "karty_uslug.docx"
LETTERS_OF_INTENT = "listy_intencyjne.docx"
DECLARATIONS = "deklaracje_przystapienia.docx"
ATTENDANCE_LIST = "lista_obecnosci.docx"
JOINT_LETTER = "list_intencyjny_wspolny.docx"
AGREEMENT = "porozumienie.docx"
PROGRAM_ANNEX = PROGRAM_ANNEX_NAME  # drafts of statutory annexes (pzk_kit.basket.statutory)
ASSESSMENT_ANNEX = ASSESSMENT_ANNEX_NAME
DOCUMENT_FILES = (SURVEY_FORM, PARTNER_CARDS, SERVICE_CARDS, LETTERS_OF_INTENT, DECLARATIONS, ATTENDANCE_LIST,
                  JOINT_LETTER, AGREEMENT, PROGRAM_ANNEX, ASSESSMENT_ANNEX)

TEXTS_DIR = "dokumenty"
LETTER_ROLES = ("partner", "kandydat")
MEMBER_ROLES = ("lider", "partner")  # who signs a joint document; candidates are only invited
BOX = "☐"
DOTS = "…………………………………………"
BLANK_COOPERATION_ROWS = 6
COLLECTION_ROWS = 14  # no cooperation collected yet: the card is the collection form itself
GUEST_ROWS = 8

# Polish mobile numbering (first two digits of the 9-digit national number). A mobile on a partner's row is
# usually a person's own phone, so it is left out ("when in doubt, leave it out").
_PLACEHOLDER = re.compile(r"\{(\w+)\}")
_MARKER = re.compile(r"^\[(\w+)(?::\s*(.*))?\]$")
_NUMBERED = re.compile(r"^(\d+)\.\s+(.*)$")


# -- texts ------------------------------------------------------------------------------------------------------


@cache
def document_texts() -> dict[str, str]:
    """Every label the documents print, from ``dokumenty/teksty.csv`` (key → Polish text)."""
    return texts.load(TEXTS_DIR)


def _t(key: str, **values: object) -> str:
    return texts.fill(document_texts()[key], **values)


@cache
def letter_template(name: str) -> str:
    """The Markdown text of a letter (``list_intencyjny`` or ``deklaracja``), comments removed."""
    text = data_path(TEXTS_DIR, f"{name}.md").read_text(encoding="utf-8")
    return re.sub(r"<!--.*?-->", "", text, flags=re.DOTALL)


# -- values from the data ---------------------------------------------------------------------------------------


def _label(dictionary_name: str, code: object) -> str:
    code = display_text(code)
    return dictionary(dictionary_name).label(code) if code else ""


def _date(value: object) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    try:
        return pd.Timestamp(value).strftime("%d.%m.%Y")
    except (TypeError, ValueError):
        return display_text(value)


def _partner_rows(data: GminaData) -> list[dict]:
    """Partners in sheet order with the leader first: the order of every card, letter and list."""
    rows = [row for row in data.partners.to_dict("records") if display_text(row.get("id"))]
    leader = data.leader
    return sorted(rows, key=lambda row: row["id"] != leader)


def _partner_name(data: GminaData, pid: object) -> str:
    pid = display_text(pid)
    return display_text(data.partner_names().get(pid)) or pid


def _leader_name(data: GminaData) -> str:
    leader = data.leader
    return _partner_name(data, leader) if leader else ""


def institution_contact(row: dict) -> list[tuple[str, str]]:
    """(label, value) pairs of a partner's institutional contact: address, phone, e-mail, www (of published data)."""
    pairs = [(_t(key), display_text(row.get(column))) for column, key in (
        ("adres", "karta_adres"), ("telefon", "karta_telefon"), ("email", "karta_email"), ("www", "karta_www"))]
    return [(label, value) for label, value in pairs if value]


# -- shared layout ----------------------------------------------------------------------------------------------


def gmina_document(title: str, gmina: str | None, *, base_size: float = 10, page_numbers: bool = True):
    """A printable document of the gmina: its name in every footer, so loose pages from a workshop find home."""
    footer = f"{title} · {gmina}" if gmina else title
    document = word.new_document(title, footer=footer, base_size=base_size, author=gmina or "pzk-kit")
    if not page_numbers:  # one page per partner: "Strona 7 z 25" on a letter would only confuse
        paragraph = document.sections[0].footer.paragraphs[0]
        for child in list(paragraph._p):
            if child.tag != paragraph._p.get_or_add_pPr().tag:
                paragraph._p.remove(child)
        word.run(paragraph, footer, size=8, color=word.GREY, italic=True)
    _title_headings(document)
    return document


def _title_headings(document) -> None:
    """Each card, letter and form opens with its title as a real Heading 1, so Word's navigation pane and a screen
    reader list the partners (the Title style is no heading: with it the pane was empty). Heading 1 takes the
    Title's look and the lower levels the looks Heading 1 and 2 had, so the printed page is unchanged."""
    styles = document.styles
    for lower, higher in (("Heading 3", "Heading 2"), ("Heading 2", "Heading 1"), ("Heading 1", "Title")):
        target, source = styles[lower].element, styles[higher].element
        for tag in ("w:pPr", "w:rPr"):
            old, new = target.find(qn(tag)), source.find(qn(tag))
            if old is not None:
                target.remove(old)
            if new is not None:
                copied = copy.deepcopy(new)
                outline = copied.find(qn("w:outlineLvl"))
                if outline is not None:
                    copied.remove(outline)
                target.append(copied)
        properties = target.get_or_add_pPr()
        level = OxmlElement("w:outlineLvl")
        level.set(qn("w:val"), str(int(lower[-1]) - 1))
        properties.append(level)


def document_title(document, text: str, *, new_page: bool = False, size: float | None = None):
    """A real Heading 1 (Word's navigation pane lists it), sized for the kind of page it opens."""
    paragraph = document.add_paragraph(style="Heading 1")
    paragraph.paragraph_format.space_after = Pt(2)
    paragraph.paragraph_format.page_break_before = new_page
    word.run(paragraph, text, size=size)
    return paragraph


def _note(document, text: str, *, size: float = 9, space_after: float = 4):
    paragraph = document.add_paragraph()
    paragraph.paragraph_format.space_after = Pt(space_after)
    word.run(paragraph, text, italic=True, size=size, color=word.GREY)
    return paragraph


def _band(row, text: str, *, fill: str = "EEF2F8", size: float = 9.5):
    """Merge a table row into one shaded band (a factor or a group heading inside a long table)."""
    cell = row.cells[0].merge(row.cells[-1])
    word.cell_text(cell, text, bold=True, size=size, color=word.NAVY)
    word.shade(cell, fill)
    cell.paragraphs[0].paragraph_format.keep_with_next = True
    return cell


def _height(row, cm: float) -> None:
    row.height = Cm(cm)
    row.height_rule = WD_ROW_HEIGHT_RULE.AT_LEAST


def _center(cell, text: str, *, size: float = 11, color=None) -> None:
    word.cell_text(cell, text, size=size, color=color)
    cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    cell.vertical_alignment = WD_ALIGN_VERTICAL.CENTER


def _pairs_table(document, pairs: list[tuple[str, str]], widths: tuple, *, columns: int = 2):
    """Label/value pairs side by side (``columns`` pairs a row), labels shaded like table headers."""
    rows = (len(pairs) + columns - 1) // columns
    grid = document.add_table(rows=rows, cols=2 * columns)
    grid.style = "Table Grid"
    grid.autofit = False
    word.set_widths(grid, widths)
    for k, (label, value) in enumerate(pairs):
        row = grid.rows[k // columns]
        label_cell, value_cell = row.cells[2 * (k % columns)], row.cells[2 * (k % columns) + 1]
        word.cell_text(label_cell, label, bold=True, size=8.5, color=word.NAVY)
        word.shade(label_cell, word.HEADER_FILL)
        word.cell_text(value_cell, value or "—", size=9)
    for k in range(len(pairs), rows * columns):  # an odd number of pairs: shade the empty label cell too
        word.shade(grid.rows[-1].cells[2 * (k % columns)], word.HEADER_FILL)
    return grid


def _output(out: Path | str, name: str) -> Path:
    """``out`` is the file when it ends in ``.docx``, otherwise the folder to write ``name`` into."""
    out = Path(out)
    return out if out.suffix.lower() == ".docx" and not out.is_dir() else out / name


# -- survey form ------------------------------------------------------------------------------------------------


def build_survey_form(*, gmina_name: str | None = None, measurement: str | None = None):
    """The printable self-assessment survey (python-docx ``Document``), from the packaged instrument."""
    instrument = load_instrument()
    if instrument is None:
        raise ValueError("Brakuje plików ankiety (pzk_kit/data/ankieta) — nie można przygotować formularza.")
    document = gmina_document(instrument.title, gmina_name)
    document_title(document, instrument.title, size=16)
    paragraph = document.add_paragraph()
    if gmina_name:
        word.run(paragraph, _t("ankieta_gmina", gmina=gmina_name), bold=True, size=11)
    else:
        _form_line(document, [(_t("ankieta_gmina_pusta"), 10.0)], space_before=0)
    document.add_paragraph(instrument.introduction).paragraph_format.space_after = Pt(4)
    instruction = document.add_paragraph()
    word.run(instruction, _t("ankieta_jak_zaznaczac"), bold=True)

    _survey_admin_box(document, measurement)
    _survey_sectors(document)
    _survey_items(document, instrument)
    closing = document.add_paragraph()
    closing.paragraph_format.space_before = Pt(10)
    word.run(closing, _t("ankieta_podziekowanie"), bold=True)
    _note(document, _t("ankieta_wersja", wersja=instrument.version), size=7.5)
    return document


def _survey_admin_box(document, measurement: str | None) -> None:
    """Respondent code, measurement and date: filled in by whoever collects the forms, copied into the sheet."""
    caption = document.add_paragraph()
    caption.paragraph_format.space_before = Pt(6)
    caption.paragraph_format.space_after = Pt(1)
    caption.paragraph_format.keep_with_next = True
    word.run(caption, _t("ankieta_wypelnia"), size=8, color=word.GREY, italic=True)
    grid = document.add_table(rows=1, cols=9)
    grid.style = "Table Grid"
    grid.autofit = False
    word.set_widths(grid, (Cm(3.1), Cm(0.85), Cm(0.85), Cm(0.85), Cm(0.85), Cm(1.5), Cm(5.2), Cm(1.1), Cm(3.1)))
    cells = grid.rows[0].cells
    _height(grid.rows[0], 1.0)
    word.cell_text(cells[0], _t("ankieta_kod"), bold=True, size=8.5)
    word.run(cells[0].add_paragraph(), _t("ankieta_kod_opis"), size=7, color=word.GREY)
    word.shade(cells[0], word.HEADER_FILL)
    word.cell_text(cells[5], _t("ankieta_pomiar"), bold=True, size=8.5)
    word.shade(cells[5], word.HEADER_FILL)
    if measurement:
        _center(cells[6], measurement, size=12)
    else:
        options = "   ".join(f"{BOX} T{k}" for k in range(3)) + "   " + _t("ankieta_pomiar_inny")
        word.cell_text(cells[6], options, size=9)
        cells[6].vertical_alignment = WD_ALIGN_VERTICAL.CENTER
    word.cell_text(cells[7], _t("ankieta_data"), bold=True, size=8.5)
    word.shade(cells[7], word.HEADER_FILL)
    for cell in (cells[0], cells[5], cells[7]):
        cell.vertical_alignment = WD_ALIGN_VERTICAL.CENTER


def _survey_sectors(document) -> None:
    heading = document.add_paragraph()
    heading.paragraph_format.space_before = Pt(8)
    heading.paragraph_format.space_after = Pt(2)
    heading.paragraph_format.keep_with_next = True
    word.run(heading, _t("ankieta_sektor"), bold=True)
    labels = dictionary("sektory").labels
    columns = 3
    rows = (len(labels) + columns - 1) // columns
    grid = document.add_table(rows=rows, cols=columns)
    grid.autofit = False
    word.set_widths(grid, [int(word.text_width(document) / columns)] * columns)
    for k, label in enumerate(labels):  # column by column, so the list reads top-down like a printed list
        cell = grid.rows[k % rows].cells[k // rows]
        word.cell_text(cell, f"{BOX}  {label}", size=9)
    _note(document, _t("ankieta_sektor_uwaga"), size=8, space_after=2)


def _survey_items(document, instrument) -> None:
    scale = document.add_paragraph()
    scale.paragraph_format.space_before = Pt(8)
    scale.paragraph_format.space_after = Pt(3)
    scale.paragraph_format.keep_with_next = True
    word.run(scale, _t("ankieta_skala") + " ", bold=True, size=9)
    word.run(scale, " · ".join(f"{k} – {label.lower() if k > 1 else label}"
                               for k, label in enumerate(instrument.scale, start=1)), size=9)
    word.run(scale, f" · {instrument.dont_know}", size=9)

    headers = (_t("ankieta_kolumna_kod"), _t("ankieta_kolumna_tresc"), "1", "2", "3", "4", "5", instrument.dont_know)
    widths = (Cm(1.0), Cm(9.9), Cm(1.0), Cm(1.0), Cm(1.0), Cm(1.0), Cm(1.0), Cm(1.5))
    rows = len(instrument.items) + len(instrument.factors)
    grid = word.table(document, headers, widths, rows)
    for cell in grid.rows[0].cells[2:]:
        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
        cell.vertical_alignment = WD_ALIGN_VERTICAL.CENTER
    body = iter(grid.rows[1:])
    for factor in instrument.factors:
        items = instrument.items_of(factor.code)
        if not items:
            continue
        _band(next(body), factor.name)
        for item in items:
            row = next(body)
            word.no_split(row)
            _height(row, 0.75)
            word.cell_text(row.cells[0], item.code, size=7, color=word.GREY)
            word.cell_text(row.cells[1], item.text, size=9.5)
            row.cells[1].vertical_alignment = WD_ALIGN_VERTICAL.CENTER
            row.cells[0].vertical_alignment = WD_ALIGN_VERTICAL.CENTER
            for cell in row.cells[2:]:
                _center(cell, BOX, size=13)
    for row in list(body):  # factors without items (an edited instrument) leave rows unused
        row._tr.getparent().remove(row._tr)


def write_survey_form(out: Path | str, *, gmina_name: str | None = None, measurement: str | None = None,
                      overwrite: bool = False) -> Path:
    """Write the blank survey form (any gmina when ``gmina_name`` is None); ``out`` is a file or a folder."""
    document = build_survey_form(gmina_name=gmina_name, measurement=measurement)
    return word.save(document, _output(out, SURVEY_FORM), overwrite=overwrite)


# -- partner cards ----------------------------------------------------------------------------------------------


def _cooperation_frame(data: GminaData) -> pd.DataFrame:
    frame = data.cooperation
    if frame is None or frame.empty:
        return pd.DataFrame(columns=["od", "do", "poziom", "formy", "zaufanie", "wartosc", "pomiar"])
    frame = frame.copy()
    frame["pomiar"] = frame["pomiar"].fillna("T0")
    return frame


def _level_text(value: object) -> str:
    if display_text(value) == "":
        return "—"
    code = str(int(value))
    return f"{code} – {_label('poziomy_wspolpracy', code)}"


def _scale_text(value: object) -> str:
    if display_text(value) == "":
        return "—"
    code = str(int(value))
    return f"{code} – {_label('skala_zaufania', code).lower()}"


def _forms_text(value: object) -> str:
    if isinstance(value, (tuple, list)):
        text = ", ".join(_label("formy_wspolpracy", code).lower() for code in value)
        return text[:1].upper() + text[1:] if text else "—"
    return display_text(value) or "—"


_TIE_WIDTHS = (Cm(4.7), Cm(2.7), Cm(4.8), Cm(2.6), Cm(2.6))


def _tie_table(document, data: GminaData, ties: pd.DataFrame, other_column: str) -> None:
    headers = (_t("karta_kol_partner"), _t("karta_kol_poziom"), _t("karta_kol_formy"), _t("karta_kol_zaufanie"),
               _t("karta_kol_wartosc"))
    ties = ties.assign(_name=[_partner_name(data, p) for p in ties[other_column]])
    ties = ties.sort_values(["poziom", "_name"], ascending=[False, True], key=_sort_key)
    grid = word.table(document, headers, _TIE_WIDTHS, len(ties))
    for row, tie in zip(grid.rows[1:], ties.to_dict("records"), strict=True):
        word.no_split(row)
        word.cell_text(row.cells[0], tie["_name"], size=8.5)
        word.cell_text(row.cells[1], _level_text(tie["poziom"]), size=8.5)
        word.cell_text(row.cells[2], _forms_text(tie["formy"]), size=8)
        word.cell_text(row.cells[3], _scale_text(tie["zaufanie"]), size=8.5)
        word.cell_text(row.cells[4], _scale_text(tie["wartosc"]), size=8.5)


def _sort_key(column: pd.Series) -> pd.Series:
    if column.name == "_name":
        return column.map(polish_sort_key)
    return column


def _blank_tie_table(document, rows: int) -> None:
    headers = (_t("karta_kol_partner"), _t("karta_kol_poziom"), _t("karta_kol_formy"), _t("karta_kol_zaufanie"),
               _t("karta_kol_wartosc"))
    grid = word.table(document, headers, _TIE_WIDTHS, rows)
    for row in grid.rows[1:]:
        _height(row, 0.9)


def _legend(document) -> None:
    """Scales on every card, so a workshop group can fill in the blank rows without another sheet."""
    levels = "; ".join(f"{e.code} {e.label.lower()} ({e.description.rstrip('.').lower()})"
                       for e in dictionary("poziomy_wspolpracy").entries)
    trust = "; ".join(f"{e.code} {e.label.lower()}" for e in dictionary("skala_zaufania").entries)
    forms = "; ".join(e.label.lower() for e in dictionary("formy_wspolpracy").entries)
    for key, text in (("karta_legenda_poziomy", levels), ("karta_legenda_zaufanie", trust),
                      ("karta_legenda_formy", forms)):
        paragraph = document.add_paragraph()
        paragraph.paragraph_format.space_after = Pt(1)
        word.run(paragraph, _t(key) + " ", bold=True, size=7.5, color=word.GREY)
        word.run(paragraph, text + ".", size=7.5, color=word.GREY)


def _partner_pairs(row: dict) -> list[tuple[str, str]]:
    pairs = [
        (_t("karta_kod"), display_text(row.get("id"))),
        (_t("karta_sektor"), _label("sektory", row.get("sektor"))),
        (_t("karta_szczebel"), _label("szczeble", row.get("szczebel"))),
        (_t("karta_typ"), _label("typy_instytucji", row.get("typ"))),
        (_t("karta_rola"), _label("role", row.get("rola"))),
        (_t("karta_deklaracja"), _label("deklaracje", row.get("deklaracja"))),
        (_t("karta_data"), _date(row.get("data_przystapienia"))),
    ]
    return pairs + institution_contact(row)


def build_partner_cards(data: GminaData):
    data = published(data)
    document = gmina_document(_t("karty_partnerow_tytul"), data.name)
    cooperation = _cooperation_frame(data)
    measurements = sorted(set(cooperation["pomiar"]), key=measurement_order, reverse=True)
    for number, row in enumerate(_partner_rows(data)):
        pid = row["id"]
        kicker = document.add_paragraph()
        kicker.paragraph_format.page_break_before = number > 0
        kicker.paragraph_format.space_after = Pt(0)
        word.run(kicker, f"{_t('karta_partnera')} · {_t('pzk_nazwa', gmina=data.name)}", size=8.5,
                 color=word.GREY)
        document_title(document, display_text(row.get("nazwa")) or pid, size=15)
        _note(document, _t("karta_partnera_wstep"), size=8.5)
        _pairs_table(document, _partner_pairs(row), (Cm(2.9), Cm(5.8), Cm(2.9), Cm(5.8)))
        if not data.has("wspolpraca"):
            _note(document, _t("karta_brak_arkusza"), size=9.5).paragraph_format.space_before = Pt(6)
        for measurement in measurements:
            document.add_heading(_t("karta_pomiar", pomiar=measurement), level=2)
            in_measurement = cooperation[cooperation["pomiar"] == measurement]
            ours = in_measurement[in_measurement["od"] == pid]
            theirs = in_measurement[in_measurement["do"] == pid]
            for title, ties, other in ((_t("karta_nasze", liczba=len(ours)), ours, "do"),
                                       (_t("karta_o_nas", liczba=len(theirs)), theirs, "od")):
                document.add_heading(title, level=3)
                if ties.empty:
                    _note(document, _t("karta_brak_zgloszen"))
                else:
                    _tie_table(document, data, ties, other)
        document.add_heading(_t("karta_nowa"), level=2)
        _blank_tie_table(document, BLANK_COOPERATION_ROWS if data.has("wspolpraca") else COLLECTION_ROWS)
        document.add_paragraph().paragraph_format.space_after = Pt(0)
        _legend(document)
    return document


def write_partner_cards(data: GminaData, out: Path | str, *, overwrite: bool = False) -> Path:
    """``karty_partnerow.docx``: one card per partner with the ties it reported and those reported about it."""
    return word.save(build_partner_cards(data), _output(out, PARTNER_CARDS), overwrite=overwrite)


# -- service cards ----------------------------------------------------------------------------------------------


_SERVICE_WIDTHS = (Cm(3.4), Cm(14.0))


def _service_pairs(service: dict, partner: dict | None) -> list[tuple[str, str]]:
    areas = ", ".join(_label("obszary_potrzeb", c) for c in service.get("obszary") or ())
    groups = ", ".join(_label("grupy_docelowe", c) for c in service.get("grupy") or ())
    contact = display_text(service.get("kontakt"))
    if not contact and partner is not None:
        contact = ", ".join(value for label, value in institution_contact(partner)
                            if label in (_t("karta_telefon"), _t("karta_email")))
    limit = display_text(service.get("limit_miejsc"))
    return [
        (_t("usluga_opis"), display_text(service.get("opis"))),
        (_t("usluga_obszary"), areas),
        (_t("usluga_grupy"), groups),
        (_t("usluga_forma"), display_text(service.get("forma"))),
        (_t("usluga_dostep"), _label("tryby_dostepu", service.get("dostep"))),
        (_t("usluga_odplatnosc"), _label("odplatnosc", service.get("odplatnosc"))),
        (_t("usluga_miejsce"), display_text(service.get("miejsce"))),
        (_t("usluga_godziny"), display_text(service.get("godziny"))),
        (_t("usluga_limit"), limit),
        (_t("usluga_kontakt"), contact),
    ]


def _service_card(document, title: str, pairs: list[tuple[str, str]], *, blank: bool = False) -> None:
    grid = document.add_table(rows=1 + len(pairs), cols=2)
    grid.style = "Table Grid"
    grid.autofit = False
    word.set_widths(grid, _SERVICE_WIDTHS)
    head = grid.rows[0].cells[0].merge(grid.rows[0].cells[1])
    word.cell_text(head, title, bold=True, size=10.5, color=word.NAVY)
    word.shade(head, word.HEADER_FILL)
    for row, (label, value) in zip(grid.rows[1:], pairs, strict=True):
        word.no_split(row)
        word.cell_text(row.cells[0], label, bold=True, size=8.5, color=word.NAVY)
        word.shade(row.cells[0], "F3F6FA")
        if blank:
            _height(row, 1.8 if label == _t("usluga_opis") else 0.9)
            word.cell_text(row.cells[1], value, size=8.5, color=word.GREY)
        else:
            word.cell_text(row.cells[1], value or "—", size=9)
    for row in grid.rows[:-1]:  # one card never splits from its own rows across a page break
        for cell in row.cells:
            for paragraph in cell.paragraphs:
                paragraph.paragraph_format.keep_with_next = True
    spacer = document.add_paragraph()
    spacer.paragraph_format.space_after = Pt(6)


def _blank_service_pairs() -> list[tuple[str, str]]:
    access = "   ".join(f"{BOX} {e.label}" for e in dictionary("tryby_dostepu").entries)
    cost = "   ".join(f"{BOX} {e.label}" for e in dictionary("odplatnosc").entries)
    return [
        (_t("usluga_nazwa"), ""),
        (_t("usluga_opis"), ""),
        (_t("usluga_obszary"), _t("usluga_obszary_podpowiedz")),
        (_t("usluga_grupy"), _t("usluga_grupy_podpowiedz")),
        (_t("usluga_forma"), _t("usluga_forma_podpowiedz")),
        (_t("usluga_dostep"), access),
        (_t("usluga_odplatnosc"), cost),
        (_t("usluga_miejsce"), ""),
        (_t("usluga_godziny"), ""),
        (_t("usluga_limit"), ""),
        (_t("usluga_kontakt"), ""),
    ]


def build_service_cards(data: GminaData):
    data = published(data)
    document = gmina_document(_t("karty_uslug_tytul"), data.name)
    services = data.services if data.services is not None else pd.DataFrame(columns=["partner"])
    for number, partner in enumerate(_partner_rows(data)):
        pid = partner["id"]
        own = services[services["partner"] == pid].to_dict("records") if not services.empty else []
        kicker = document.add_paragraph()
        kicker.paragraph_format.page_break_before = number > 0
        kicker.paragraph_format.space_after = Pt(0)
        word.run(kicker, f"{_t('karta_uslug')} · {_t('pzk_nazwa', gmina=data.name)}", size=8.5, color=word.GREY)
        document_title(document, display_text(partner.get("nazwa")) or pid, size=15)
        _note(document, _t("karta_uslug_wstep") if own else _t("karta_uslug_brak"), size=8.5, space_after=6)
        for service in own:
            title = f"{display_text(service.get('nazwa'))}   ({display_text(service.get('id'))})"
            _service_card(document, title, _service_pairs(service, partner))
        for _ in range(1 if own else 2):
            _service_card(document, _t("karta_uslugi_nowa"), _blank_service_pairs(), blank=True)
    _dictionary_appendix(document)
    return document


def _dictionary_appendix(document) -> None:
    """Need areas and target groups on the last page: blank cards are filled with the dictionary's words."""
    document_title(document, _t("slowniki_tytul"), new_page=True, size=15)
    for name in ("obszary_potrzeb", "grupy_docelowe"):
        dic = dictionary(name)
        document.add_heading(dic.title, level=2)
        for entry in dic.entries:
            paragraph = document.add_paragraph(style="List Bullet")
            paragraph.paragraph_format.space_after = Pt(0)
            word.run(paragraph, entry.label, size=9.5)


def write_service_cards(data: GminaData, out: Path | str, *, overwrite: bool = False) -> Path:
    """``karty_uslug.docx``: each partner's services as cards, plus blank cards to fill in by hand."""
    return word.save(build_service_cards(data), _output(out, SERVICE_CARDS), overwrite=overwrite)


# -- letters (list intencyjny, deklaracja) ----------------------------------------------------------------------


def letter_partners(data: GminaData) -> list[dict]:
    """Partners who get a letter: role partner or kandydat (never the leader, who co-signs every letter)."""
    leader = data.leader
    return [row for row in _partner_rows(data)
            if (display_text(row.get("rola")) or "partner") in LETTER_ROLES and row["id"] != leader]


def _runs(paragraph, text: str, values: dict[str, str], *, size: float | None = None, bold: bool = False) -> None:
    """Add ``text`` with ``**bold**`` spans and ``{placeholders}``; an empty value becomes dots to fill in."""
    for k, chunk in enumerate(text.split("**")):
        strong = bold or k % 2 == 1
        position = 0
        for match in _PLACEHOLDER.finditer(chunk):
            if match.group(1) not in values:
                continue
            if match.start() > position:
                word.run(paragraph, chunk[position:match.start()], bold=strong, size=size)
            value = values[match.group(1)]
            if value:
                word.run(paragraph, value, bold=strong, size=size)
            else:
                word.run(paragraph, DOTS, size=size, color=word.GREY)
            position = match.end()
        if position < len(chunk):
            word.run(paragraph, chunk[position:], bold=strong, size=size)


# A block marker of a joint document (``[strony]``, ``[podpisy_stron]``…): (document, argument) → first paragraph.
Blocks = dict[str, Callable[[object, str], object]]


def _render_letter(document, template: str, values: dict[str, str], *, new_page: bool,
                   blocks: Blocks | None = None) -> None:
    first = True
    for raw in template.splitlines():
        line = raw.strip()
        if not line:
            continue
        paragraph = _render_line(document, line, values, blocks or {})
        if first and paragraph is not None:
            paragraph.paragraph_format.page_break_before = new_page
            first = False


def _render_line(document, line: str, values: dict[str, str], blocks: Blocks):
    marker = _MARKER.match(line)
    if marker and marker.group(1) in blocks:
        return blocks[marker.group(1)](document, (marker.group(2) or "").strip())
    if marker:
        return _render_marker(document, marker.group(1), marker.group(2) or "", values)
    if line.startswith("#### "):  # a small centred line under the title (the project's name)
        paragraph = document.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.paragraph_format.space_after = Pt(10)
        _runs(paragraph, line[5:], values, size=10)
        for run in paragraph.runs:
            run.italic = True
        return paragraph
    if line.startswith("### "):  # a paragraph (§) of an agreement: a real Heading 2, kept with its first point
        paragraph = document.add_paragraph(style="Heading 2")
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.paragraph_format.space_before = Pt(10)
        paragraph.paragraph_format.space_after = Pt(4)
        paragraph.paragraph_format.keep_with_next = True
        _runs(paragraph, line[4:], values, size=11)
        return paragraph
    if line.startswith("## "):
        paragraph = document.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.paragraph_format.space_after = Pt(14)
        _runs(paragraph, line[3:], values, size=12, bold=True)
        for run in paragraph.runs:
            run.font.color.rgb = word.NAVY
        return paragraph
    if line.startswith("# "):
        paragraph = document.add_paragraph(style="Heading 1")
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.paragraph_format.space_before = Pt(6)
        paragraph.paragraph_format.space_after = Pt(2)
        _runs(paragraph, line[2:], values)
        return paragraph
    numbered = _NUMBERED.match(line)
    if numbered:
        paragraph = _point(document, f"{numbered.group(1)}.")
        _runs(paragraph, numbered.group(2), values)
        return paragraph
    if line.startswith("- "):
        paragraph = _point(document, "•", indent=1.5)
        _runs(paragraph, line[2:], values)
        return paragraph
    paragraph = document.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    paragraph.paragraph_format.space_before = Pt(4)
    paragraph.paragraph_format.space_after = Pt(6)
    paragraph.paragraph_format.line_spacing = 1.1
    _runs(paragraph, line, values)
    return paragraph


def _point(document, prefix: str, *, indent: float = 0.9):
    """A numbered point or (indented under it) a bullet, with a hanging indent so wrapped lines align."""
    paragraph = document.add_paragraph()
    paragraph.paragraph_format.left_indent = Cm(indent)
    paragraph.paragraph_format.first_line_indent = Cm(-0.6)
    paragraph.paragraph_format.tab_stops.add_tab_stop(Cm(indent))
    paragraph.paragraph_format.space_after = Pt(3)
    paragraph.paragraph_format.line_spacing = 1.1
    word.run(paragraph, prefix + "\t")
    return paragraph


def _render_marker(document, name: str, argument: str, values: dict[str, str]):
    if name == "data":
        paragraph = document.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        paragraph.paragraph_format.space_after = Pt(0)
        word.run(paragraph, _t("miejsce_data"), color=word.GREY)
        caption = document.add_paragraph()
        caption.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        caption.paragraph_format.space_after = Pt(12)
        word.run(caption, _t("miejsce_data_opis"), size=7.5, italic=True, color=word.GREY)
        return paragraph
    if name == "misja":
        mission = values.get("misja", "")
        if not mission:
            first = word.dotted_line(document, "", space_before=10)
            word.dotted_line(document, "", space_before=10)
            _note(document, _t("misja_brak"), size=8, space_after=6)
            return first
        paragraph = document.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.paragraph_format.space_before = Pt(2)
        paragraph.paragraph_format.space_after = Pt(8)
        word.run(paragraph, f"„{mission}”", italic=True, bold=True, size=11.5, color=word.NAVY)
        return paragraph
    if name == "linia":
        paragraph = _form_line(document, [("", None)], space_before=12)
        paragraph.paragraph_format.space_after = Pt(6)
        _runs(paragraph, argument.strip() + " ", values)
        paragraph.add_run("\t")
        return paragraph
    if name == "podpisy":
        captions = []
        for part in argument.split("|"):
            text = _PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)) or DOTS, part.strip())
            captions.append([text, _t("podpis_opis")])
        grid = word.signature_lines(document, captions, space_before=48)
        return grid.rows[0].cells[0].paragraphs[0]
    raise ValueError(f"Nieznany znacznik [{name}] w szablonie pisma.")


def _form_line(document, fields: list[tuple[str, float | None]], *, space_before: float = 8):
    """A line of ``label ……`` fields to fill in by hand; each field's dots end at its stop (cm, None = margin)."""
    paragraph = document.add_paragraph()
    paragraph.paragraph_format.space_before = Pt(space_before)
    paragraph.paragraph_format.space_after = Pt(0)
    for k, (label, stop) in enumerate(fields):
        position = Cm(stop) if stop is not None else word.text_width(document)
        paragraph.paragraph_format.tab_stops.add_tab_stop(position, WD_TAB_ALIGNMENT.RIGHT, WD_TAB_LEADER.DOTS)
        if label:
            word.run(paragraph, ("   " if k else "") + label + " ")
            paragraph.add_run("\t")
    return paragraph


def _letter_values(data: GminaData, partner: dict) -> dict[str, str]:
    return {
        "partner": display_text(partner.get("nazwa")) or display_text(partner.get("id")),
        "lider": _leader_name(data),
        "gmina": data.name,
        "misja": display_text(data.info.get("misja")),
    }


def _build_letters(data: GminaData, template_name: str, title_key: str):
    data = published(data)
    document = gmina_document(_t(title_key), data.name, base_size=11, page_numbers=False)
    document.core_properties.title = f"{_t(title_key)} – {data.name}"
    partners = letter_partners(data)
    if not partners:
        document_title(document, _t(title_key), size=16)
        document.add_paragraph(_t("brak_partnerow_listy"))
        return document
    template = letter_template(template_name)
    for number, partner in enumerate(partners):
        _render_letter(document, template, _letter_values(data, partner), new_page=number > 0)
    return document


def build_letters_of_intent(data: GminaData):
    return _build_letters(data, "list_intencyjny", "list_tytul")


def build_declarations(data: GminaData):
    return _build_letters(data, "deklaracja", "deklaracja_tytul")


def write_letters_of_intent(data: GminaData, out: Path | str, *, overwrite: bool = False) -> Path:
    """``listy_intencyjne.docx``: one list intencyjny per partner or candidate, ready to print and sign."""
    return word.save(build_letters_of_intent(data), _output(out, LETTERS_OF_INTENT), overwrite=overwrite)


def write_declarations(data: GminaData, out: Path | str, *, overwrite: bool = False) -> Path:
    """``deklaracje_przystapienia.docx``: one Deklaracja przystąpienia do PZK per partner or candidate."""
    return word.save(build_declarations(data), _output(out, DECLARATIONS), overwrite=overwrite)


# -- joint documents (one list intencyjny and one porozumienie signed by everyone) ----------------------------------


def member_partners(data: GminaData) -> list[dict]:
    """Partners who sign a joint document: the leader(s) first, then every partner; candidates only invited."""
    leaders = data.leaders
    members = [row for row in _partner_rows(data)
               if (display_text(row.get("rola")) or "partner") in MEMBER_ROLES or row["id"] in leaders]
    return sorted(members, key=lambda row: leaders.index(row["id"]) if row["id"] in leaders else len(leaders))


def invited_candidates(data: GminaData) -> list[dict]:
    leaders = data.leaders
    return [row for row in _partner_rows(data)
            if display_text(row.get("rola")) == "kandydat" and row["id"] not in leaders]


def _joined(names: list[str]) -> str:
    """"A, B oraz C": names in a sentence."""
    if len(names) < 2:
        return "".join(names)
    return f"{', '.join(names[:-1])} {_t('lista_oraz')} {names[-1]}"


def _gminas(data: GminaData) -> list[str]:
    """The gminas a powiat or multi-gmina PZK covers; a str until the roles helper parses the field into a list."""
    value = data.info.get("gminy") or []
    if isinstance(value, str):
        value = re.split(r"[;,]", value)
    return [name for name in (display_text(v).strip() for v in value) if name]


def area_text(data: GminaData) -> str:
    """Where the PZK works, in words: the gmina (and its powiat), the powiat or the gminas, with the gminas named."""
    powiat = display_text(data.info.get("powiat"))
    scope = data.scope if data.scope in ("powiat", "miedzygminny") else "gmina"
    key = "obszar_gmina_powiat" if scope == "gmina" and powiat else f"obszar_{scope}"
    text = _t(key, nazwa=data.name, powiat=powiat)
    gminas = _gminas(data)
    return _t("obszar_gminy", obszar=text, gminy=_joined(gminas)) if gminas else text


def leaders_sentence(data: GminaData) -> str:
    names = [_partner_name(data, pid) for pid in data.leaders]
    if len(names) > 1:
        return _t("liderzy_wielu", liderzy=_joined(names), lider=names[0])
    return _t("liderzy_jeden", lider=names[0] if names else DOTS)


def authority_lines(data: GminaData) -> list[str]:
    """Who signs for the gmina or powiat: the organ (label of the ``organy`` dictionary), the person's position
    signing for it and the basis, e.g. "Starosta (Powiat Piski) — podpisuje: Wicestarosta Powiatu Piskiego"."""
    organ = _label("organy", data.info.get("organ"))
    signer = display_text(data.info.get("podpisujacy"))
    if not organ:
        line = _t("organ_nieznany", jst=data.name)
        line += f": {signer}" if signer else f": {DOTS}"
    elif signer:
        line = _t("organ_podpisuje", organ=organ, jst=data.name, podpisujacy=signer)
    else:
        line = _t("organ_sam", organ=organ, jst=data.name)
    basis = display_text(data.info.get("upowaznienie"))
    return [line, _t("organ_podstawa", upowaznienie=basis)] if basis else [line]


def _member_role(data: GminaData, partner: dict) -> str:
    leaders = data.leaders
    if partner["id"] in leaders:
        return _t("rola_lider") if partner["id"] == leaders[0] else _t("rola_wspollider")
    return _t("rola_partner")


def _parties_table(data: GminaData, members: list[dict]):
    def block(document, argument: str):
        headers = (_t("strony_kol_lp"), _t("strony_kol_strona"), _t("strony_kol_adres"), _t("strony_kol_rola"))
        grid = word.table(document, headers, (Cm(1.0), Cm(7.6), Cm(5.4), Cm(3.4)), len(members) + 1)
        rows = [(authority_lines(data), "", _t("rola_organ"))]
        rows += [([display_text(p.get("nazwa")) or p["id"]], display_text(p.get("adres")), _member_role(data, p))
                 for p in members]
        for number, (row, (names, address, role)) in enumerate(zip(grid.rows[1:], rows, strict=True), start=1):
            word.no_split(row)
            _center(row.cells[0], str(number), size=9)
            word.cell_text(row.cells[1], names, bold_first=True, size=9)
            word.cell_text(row.cells[2], address or "—", size=8.5)
            word.cell_text(row.cells[3], role, size=8.5)
        _spacer(document)
        return grid.rows[0].cells[0].paragraphs[0]
    return block


def _candidates_block(data: GminaData):
    def block(document, argument: str):
        candidates = invited_candidates(data)
        if not candidates:
            return None
        paragraph = document.add_paragraph()
        paragraph.paragraph_format.left_indent = Cm(0.9)  # inside the numbered points it stands between
        paragraph.paragraph_format.space_before = Pt(2)
        paragraph.paragraph_format.space_after = Pt(2)
        paragraph.paragraph_format.keep_with_next = True
        word.run(paragraph, argument)
        for k, candidate in enumerate(candidates):
            item = _point(document, "•", indent=1.5)
            item.paragraph_format.keep_with_next = k < len(candidates) - 1
            word.run(item, display_text(candidate.get("nazwa")) or candidate["id"])  # plain text, never markup
        return paragraph
    return block


def _signature_table(data: GminaData, members: list[dict]):
    """One row per signatory (the organ first, then the leaders and partners), each kept whole on its page, the
    header repeated on every page: 25 institutions sign over several pages without a row cut in two."""
    def block(document, argument: str):
        heading = document.add_paragraph(style="Heading 2")
        heading.paragraph_format.space_before = Pt(14)
        heading.paragraph_format.keep_with_next = True
        word.run(heading, argument, size=11)
        note = _note(document, _t("podpisy_uwaga"), size=8)
        note.paragraph_format.keep_with_next = True
        headers = (_t("strony_kol_lp"), _t("podpisy_kol_strona"), _t("podpisy_kol_podpis"), _t("podpisy_kol_data"))
        grid = word.table(document, headers, (Cm(1.0), Cm(8.2), Cm(5.4), Cm(2.8)), len(members) + 1)
        signers = [authority_lines(data)]
        signers += [[display_text(p.get("nazwa")) or p["id"], _member_role(data, p)] for p in members]
        for number, (row, lines) in enumerate(zip(grid.rows[1:], signers, strict=True), start=1):
            word.no_split(row)
            _height(row, 1.9)
            _center(row.cells[0], str(number), size=9)
            word.cell_text(row.cells[1], lines[0], bold=True, size=9)
            for line in lines[1:]:
                word.run(row.cells[1].add_paragraph(), line, size=8, italic=True, color=word.GREY)
            row.cells[1].vertical_alignment = WD_ALIGN_VERTICAL.CENTER
        return heading
    return block


def _spacer(document) -> None:
    document.add_paragraph().paragraph_format.space_after = Pt(2)


def _joint_values(data: GminaData) -> dict[str, str]:
    leaders = data.leaders
    return {
        "gmina": data.name,
        "projekt": data.project_name,
        "obszar": area_text(data),
        "liderzy": leaders_sentence(data),
        "lider": _partner_name(data, leaders[0]) if leaders else "",
        "koordynator": display_text(data.info.get("koordynator")),
        "misja": display_text(data.info.get("misja")),
    }


def _build_joint(data: GminaData, template_name: str, title_key: str):
    data = published(data)
    title = _t(title_key)
    document = gmina_document(title, data.name, base_size=10.5)
    document.core_properties.title = f"{title} – {data.name}"
    members = member_partners(data)
    blocks: Blocks = {
        "strony": _parties_table(data, members),
        "kandydaci": _candidates_block(data),
        "podpisy_stron": _signature_table(data, members),
    }
    _render_letter(document, letter_template(template_name), _joint_values(data), new_page=False, blocks=blocks)
    return document


def build_joint_letter(data: GminaData):
    return _build_joint(data, "list_intencyjny_wspolny", "wspolny_list_tytul")


def build_agreement(data: GminaData):
    return _build_joint(data, "porozumienie", "porozumienie_tytul")


def write_joint_letter(data: GminaData, out: Path | str, *, overwrite: bool = False) -> Path:
    """``list_intencyjny_wspolny.docx``: one letter of intent that every partner and the organ sign together."""
    return word.save(build_joint_letter(data), _output(out, JOINT_LETTER), overwrite=overwrite)


def write_agreement(data: GminaData, out: Path | str, *, overwrite: bool = False) -> Path:
    """``porozumienie.docx``: the Porozumienie o współpracy w ramach PZK, signed by every partner and the organ."""
    return word.save(build_agreement(data), _output(out, AGREEMENT), overwrite=overwrite)


# -- attendance list --------------------------------------------------------------------------------------------


def build_attendance_list(data: GminaData, *, guest_rows: int = GUEST_ROWS):
    data = published(data)
    document = gmina_document(_t("lista_tytul"), data.name)
    document_title(document, _t("lista_tytul"), size=18)
    subtitle = document.add_paragraph()
    subtitle.paragraph_format.space_after = Pt(6)
    word.run(subtitle, _t("lista_podtytul", gmina=data.name), bold=True, size=11.5, color=word.NAVY)
    _form_line(document, [(_t("lista_data"), 10.0), (_t("lista_godzina"), None)], space_before=6)
    _form_line(document, [(_t("lista_miejsce"), None)], space_before=10)
    _form_line(document, [(_t("lista_temat"), None)], space_before=10)
    _form_line(document, [("\u200b", None)], space_before=10)
    leader = _leader_name(data)
    if leader:
        paragraph = document.add_paragraph()
        paragraph.paragraph_format.space_before = Pt(6)
        word.run(paragraph, _t("lista_zwoluje", lider=leader), size=9, color=word.GREY)
    spacer = document.add_paragraph()
    spacer.paragraph_format.space_after = Pt(2)

    partners = _partner_rows(data)
    headers = (_t("lista_kol_lp"), _t("lista_kol_instytucja"), _t("lista_kol_osoba"), _t("lista_kol_podpis"))
    widths = (Cm(1.0), Cm(7.2), Cm(4.8), Cm(4.4))
    grid = word.table(document, headers, widths, len(partners) + 1 + guest_rows)
    body = grid.rows[1:]
    for number, (row, partner) in enumerate(zip(body, partners, strict=False), start=1):
        word.no_split(row)
        _height(row, 1.0)
        _center(row.cells[0], str(number), size=9)
        word.cell_text(row.cells[1], display_text(partner.get("nazwa")) or partner["id"], size=8.5)
        row.cells[1].vertical_alignment = WD_ALIGN_VERTICAL.CENTER
    _band(body[len(partners)], _t("lista_goscie"), size=9)
    for number, row in enumerate(body[len(partners) + 1:], start=len(partners) + 1):
        word.no_split(row)
        _height(row, 1.0)
        _center(row.cells[0], str(number), size=9)
    _note(document, _t("lista_rodo"), size=7.5).paragraph_format.space_before = Pt(6)
    return document


def write_attendance_list(data: GminaData, out: Path | str, *, overwrite: bool = False,
                          guest_rows: int = GUEST_ROWS) -> Path:
    """``lista_obecnosci.docx``: every partner pre-filled (leader first), names and signatures by hand."""
    return word.save(build_attendance_list(data, guest_rows=guest_rows), _output(out, ATTENDANCE_LIST),
                     overwrite=overwrite)


# -- everything at once ----------------------------------------------------------------------------------------


def _writers(data: GminaData) -> list[Callable[[Path], Path]]:
    from pzk_kit.basket import statutory  # it builds on this module's layout

    return [
        lambda folder: write_survey_form(folder / SURVEY_FORM, gmina_name=data.name),
        lambda folder: write_partner_cards(data, folder / PARTNER_CARDS),
        lambda folder: write_service_cards(data, folder / SERVICE_CARDS),
        lambda folder: write_letters_of_intent(data, folder / LETTERS_OF_INTENT),
        lambda folder: write_declarations(data, folder / DECLARATIONS),
        lambda folder: write_attendance_list(data, folder / ATTENDANCE_LIST),
        lambda folder: write_joint_letter(data, folder / JOINT_LETTER),
        lambda folder: write_agreement(data, folder / AGREEMENT),
        lambda folder: statutory.write_program_annex(data, folder / PROGRAM_ANNEX),
        lambda folder: statutory.write_assessment_annex(data, folder / ASSESSMENT_ANNEX),
    ]


def write_documents(data: GminaData, out_dir: Path | str, *, overwrite: bool = False) -> list[Path]:
    """Write all ten documents into ``out_dir``: built in a temporary folder, moved into place only when whole.

    Raises ``ValueError`` (Polish message) for data with errors and :class:`pzk_kit.files.OutputExists` when
    ``out_dir`` exists, is not empty and ``overwrite`` is false.
    """
    if not data.report.ok:
        raise ValueError("Dane gminy zawierają błędy — najpierw je popraw (pzk validate).")
    out_dir = Path(out_dir)
    with atomic_dir(out_dir, overwrite=overwrite) as tmp:
        names = [writer(tmp).name for writer in _writers(data)]
    return [out_dir / name for name in names]

