"""A draft Indywidualny Plan Usług Społecznych (IPUS) built from the local service basket.

The basket (step 2 of the model) is used to plan help for one person or family: the services they will use, in
order, and the Zadaniowy Zespół Kooperacyjny made of the partners providing them, coordinated by the PZK leader.
This module writes the draft a social worker prints and takes to the conversation with the family.

Nothing personal is stored or looked up: a plan carries only a fictional or anonymised label ("Rodzina A"), the
situations as need-area codes, a target group and service ids. Partners appear with their institutional contacts
only (address, phone, e-mail, website of the institution), never with ``osoba_kontaktowa``. Names, goals,
agreements and signatures are written on paper by hand.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT, WD_TAB_LEADER
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from pzk_kit.basket import find_services
from pzk_kit.dictionaries import dictionary
from pzk_kit.files import atomic_file
from pzk_kit.reading import GminaData
from pzk_kit.text import normalize_code

TITLE = "Indywidualny Plan Usług Społecznych (projekt)"
DRAFT_NOTE = "Projekt do omówienia z osobą/rodziną"
PRIVACY_NOTE = "Dokument nie zawiera danych osobowych, dopóki nie zostaną wpisane ręcznie."
NO_SERVICES = "Nie wybrano jeszcze żadnych usług z lokalnego koszyka usług."
STEP_HEADERS = ("Krok", "Usługa i kto ją świadczy", "Jak skorzystać", "Koszt", "Gdzie i kiedy", "Kontakt")
TEAM_HEADERS = ("Rola w zespole", "Instytucja", "Kontakt instytucji", "Osoba w zespole (wpisać ręcznie)")
COORDINATOR_ROLE = "Koordynacja planu (lider PZK)"

_NAVY = RGBColor(0x1F, 0x38, 0x64)
_GREY = RGBColor(0x59, 0x59, 0x59)
_HEADER_FILL = "DCE3EF"
FONT = "Arial"  # on every Windows laptop; metric-compatible with Liberation Sans for previews elsewhere
_TEXT_WIDTH = Cm(17.4)  # A4 portrait with 1.8 cm margins
_STEP_WIDTHS = (Cm(1.6), Cm(3.8), Cm(2.8), Cm(2.0), Cm(2.9), Cm(4.3))
_TEAM_WIDTHS = (Cm(3.4), Cm(4.6), Cm(5.4), Cm(4.0))


@dataclass
class ServicePlan:
    """What a draft plan is made of. ``family_label`` is a fictional or anonymised label, never a real name."""

    family_label: str
    situations: list[str] = field(default_factory=list)  # need-area codes (obszary_potrzeb)
    group: str | None = None  # target-group code (grupy_docelowe); None or "" means any group
    services: list[str] = field(default_factory=list)  # service ids in the order of the steps
    notes: str = ""


# -- choosing services --------------------------------------------------------------------------------------------


def suggest_plan(
    data: GminaData,
    situations: list[str] | tuple[str, ...],
    group: str | None,
    *,
    family_label: str = "",
    free_only: bool = False,
    without_referral: bool = False,
) -> ServicePlan:
    """A first plan to discuss: for each situation, the easiest matching service not already in the plan.

    "Easiest" is the order of :func:`pzk_kit.basket.find_services` (no referral before referral before a
    decision, then free before paid). When the easiest service already serves an earlier situation, the next
    one is taken, so every situation gets its own step; a situation the basket cannot answer gets none.
    """
    codes = _situation_codes(situations)
    group_code = _group_code(group)
    chosen: list[str] = []
    for code in codes:
        found = find_services(data, [code], group_code, free_only=free_only, without_referral=without_referral)
        pick = next((sid for sid in found["id"] if sid not in chosen), None)
        if pick is not None:
            chosen.append(pick)
    return ServicePlan(family_label=family_label, situations=codes, group=group_code, services=chosen)


def plan_problems(data: GminaData, plan: ServicePlan) -> list[str]:
    """Polish messages for everything that stops the plan from being written; empty when it is fine."""
    problems: list[str] = []
    known = set(data.services["id"])
    unknown = [str(s) for s in plan.services if s not in known]
    if unknown:
        listed = ", ".join(f"„{s}”" for s in dict.fromkeys(unknown))
        problems.append(f"Nieznane usługi w planie: {listed} — nie ma ich w koszyku usług gminy {data.name}. "
                        "Sprawdź identyfikatory w kolumnie „id” arkusza „uslugi”.")
    repeated = [s for s in dict.fromkeys(plan.services) if plan.services.count(s) > 1 and s in known]
    if repeated:
        listed = ", ".join(f"„{s}”" for s in repeated)
        problems.append(f"Ta sama usługa występuje w planie więcej niż raz: {listed}. Zostaw ją w jednym kroku.")
    areas = dictionary("obszary_potrzeb")
    bad_areas = [str(s) for s in plan.situations if areas.resolve(s) is None]
    if bad_areas:
        listed = ", ".join(f"„{s}”" for s in bad_areas)
        problems.append(f"Nieznane sytuacje (obszary potrzeb): {listed}. Wybierz je ze słownika obszarów potrzeb.")
    if plan.group and dictionary("grupy_docelowe").resolve(plan.group) is None:
        problems.append(f"Nieznana grupa docelowa: „{plan.group}”. Wybierz ją ze słownika grup docelowych.")
    return problems


def _situation_codes(situations: list[str] | tuple[str, ...]) -> list[str]:
    areas = dictionary("obszary_potrzeb")
    codes, unknown = [], []
    for value in situations:
        code = areas.resolve(value)
        if code is None:
            unknown.append(str(value))
        elif code not in codes:
            codes.append(code)
    if unknown:
        listed = ", ".join(f"„{s}”" for s in unknown)
        raise ValueError(f"Nieznane sytuacje (obszary potrzeb): {listed}. Wybierz je ze słownika obszarów potrzeb.")
    return codes


def _group_code(group: str | None) -> str | None:
    if not group:
        return None
    code = dictionary("grupy_docelowe").resolve(group)
    if code is None:
        raise ValueError(f"Nieznana grupa docelowa: „{group}”. Wybierz ją ze słownika grup docelowych.")
    return code


def plan_path(folder: Path | str, family_label: str) -> Path:
    """A file name for the plan that does not exist yet: ``ipus_rodzina_a.docx``, then ``ipus_rodzina_a_2.docx``…"""
    folder = Path(folder)
    stem = "ipus_" + (normalize_code(family_label)[:40].rstrip("_") or "projekt")
    path = folder / f"{stem}.docx"
    number = 2
    while path.exists():
        path = folder / f"{stem}_{number}.docx"
        number += 1
    return path


# -- what goes into the document ----------------------------------------------------------------------------------


def _text(value: object) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and pd.isna(value)):
        return ""
    return str(value).strip()


def _personal_values(data: GminaData) -> list[str]:
    """Every ``osoba_kontaktowa`` value: text that must never reach the document."""
    if "osoba_kontaktowa" not in data.partners:
        return []
    return [v for v in (_text(x) for x in data.partners["osoba_kontaktowa"]) if len(v) >= 3]


def _institution_contact(partner: pd.Series | None, *, with_address: bool) -> list[str]:
    if partner is None:
        return []
    lines = []
    if with_address and _text(partner.get("adres")):
        lines.append(_text(partner.get("adres")))
    if _text(partner.get("telefon")):
        lines.append(f"tel. {_text(partner.get('telefon'))}")
    for column in ("email", "www"):
        if _text(partner.get(column)):
            lines.append(_text(partner.get(column)))
    return lines


@dataclass
class _Step:
    number: int
    service: str
    provider: str
    provider_id: str
    access: str
    cost: str
    where: str
    contact: str


def _steps(data: GminaData, service_ids: list[str]) -> list[_Step]:
    if not service_ids:
        return []
    catalogue = find_services(data).drop_duplicates("id").set_index("id")
    services = data.services.drop_duplicates("id").set_index("id")
    partners = data.partners.drop_duplicates("id").set_index("id")
    personal = [v.casefold() for v in _personal_values(data)]
    steps = []
    for number, sid in enumerate(service_ids, start=1):
        row = catalogue.loc[sid]
        pid = services.loc[sid, "partner"]
        partner = partners.loc[pid] if pid in partners.index else None
        access = _text(row["Jak skorzystać"])
        contact = _text(row["Kontakt"])
        # The service's own contact is used unless it is empty or names a contact person: then the institution's.
        if not contact or any(p in contact.casefold() for p in personal):
            contact = ", ".join(_institution_contact(partner, with_address=False))
        steps.append(_Step(
            number=number,
            service=_text(row["Usługa"]),
            provider=_text(row["Świadczy"]),
            provider_id=str(pid),
            access="Zapytaj w instytucji, jak skorzystać." if access in ("", "zapytaj") else access,
            cost=_text(row["Koszt"]) or "—",
            where=_text(row["Gdzie i kiedy"]) or "do ustalenia",
            contact=contact or "—",
        ))
    return steps


@dataclass
class _Member:
    role: str
    name: str
    contact: list[str]


def _team(data: GminaData, steps: list[_Step]) -> list[_Member]:
    """The leader as coordinator, then each distinct provider in the order of the steps."""
    partners = data.partners.drop_duplicates("id").set_index("id")
    names = data.partner_names()
    step_numbers: dict[str, list[int]] = {}
    for step in steps:
        step_numbers.setdefault(step.provider_id, []).append(step.number)

    def member(pid: str, role: str) -> _Member:
        partner = partners.loc[pid] if pid in partners.index else None
        return _Member(role=role, name=_text(names.get(pid)) or pid,
                       contact=_institution_contact(partner, with_address=True))

    def steps_text(numbers: list[int]) -> str:
        word = "krok" if len(numbers) == 1 else "kroki"
        return f"Świadczy usługi: {word} {', '.join(str(n) for n in numbers)}"

    team = []
    leader = data.leader
    if leader is not None:
        role = COORDINATOR_ROLE
        if leader in step_numbers:
            role += "; " + steps_text(step_numbers[leader]).lower()
        team.append(member(leader, role))
    for pid, numbers in step_numbers.items():
        if pid != leader:
            team.append(member(pid, steps_text(numbers)))
    return team


# -- the document -------------------------------------------------------------------------------------------------


def write_plan_docx(
    data: GminaData,
    plan: ServicePlan,
    out: Path | str,
    *,
    overwrite: bool = False,
    on: date | None = None,
) -> Path:
    """Write the draft plan as a Word document; return its path.

    Raises ``ValueError`` with a Polish message (callers show it as is) for unknown service ids, situations or
    group, and :class:`pzk_kit.files.OutputExists` when ``out`` exists and ``overwrite`` is false. The file
    appears whole or not at all. ``on`` is the date printed in the header (today by default).
    """
    problems = plan_problems(data, plan)
    if problems:
        raise ValueError(" ".join(problems))
    steps = _steps(data, list(plan.services))
    team = _team(data, steps)
    document = _new_document()
    _header_block(document, data, on or date.today())
    _family_section(document, plan)
    _steps_section(document, steps)
    if steps:
        _unanswered_note(document, data, plan)
    _team_section(document, team, has_leader=data.leader is not None)
    _hand_sections(document)
    out = Path(out)
    with atomic_file(out, overwrite=overwrite) as tmp:
        document.save(str(tmp))
    return out


def _new_document():
    document = Document()
    properties = document.core_properties
    properties.title = TITLE
    properties.author = "pzk-kit"
    properties.last_modified_by = "pzk-kit"
    properties.comments = PRIVACY_NOTE
    properties.language = "pl-PL"
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    section.left_margin = section.right_margin = Cm(1.8)
    section.top_margin, section.bottom_margin = Cm(1.8), Cm(1.8)
    section.footer_distance = Cm(0.8)

    normal = document.styles["Normal"]
    _set_font(normal, FONT)
    normal.font.size = Pt(10)
    normal.paragraph_format.space_after = Pt(3)
    _set_language(normal, "pl-PL")
    for name, size in (("Title", 18), ("Heading 1", 13)):
        style = document.styles[name]
        _set_font(style, FONT)
        style.font.size = Pt(size)
        style.font.color.rgb = _NAVY
        style.font.bold = True
    document.styles["Heading 1"].paragraph_format.space_before = Pt(14)
    document.styles["Heading 1"].paragraph_format.space_after = Pt(4)
    document.styles["Heading 1"].paragraph_format.keep_with_next = True

    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(footer, PRIVACY_NOTE + "   ·   Strona ", size=8, color=_GREY, italic=True)
    _page_field(footer, "PAGE")
    _run(footer, " z ", size=8, color=_GREY, italic=True)
    _page_field(footer, "NUMPAGES")
    return document


def _set_font(style, name: str) -> None:
    """Set the font for every script; theme fonts of the default template would override a plain name."""
    style.font.name = name
    fonts = style.element.get_or_add_rPr().find(qn("w:rFonts"))
    for attribute in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attribute), None)
    fonts.set(qn("w:cs"), name)


def _set_language(style, language: str) -> None:
    rpr = style.element.get_or_add_rPr()
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), language)


def _page_field(paragraph, instruction: str) -> None:
    run = _run(paragraph, "", size=8, color=_GREY, italic=True)
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), instruction)
    inner = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    inner.append(text)
    field.append(inner)
    run._r.addnext(field)


def _run(paragraph, text: str, *, bold: bool = False, italic: bool = False, size: float | None = None,
         color: RGBColor | None = None):
    run = paragraph.add_run(text)
    run.bold = bold
    run.italic = italic
    if size:
        run.font.size = Pt(size)
    if color is not None:
        run.font.color.rgb = color
    return run


def _shade(cell, fill: str) -> None:
    properties = cell._tc.get_or_add_tcPr()
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    properties.append(shading)


def _repeat_header(row) -> None:
    properties = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    properties.append(header)


def _no_split(row) -> None:
    properties = row._tr.get_or_add_trPr()
    properties.append(OxmlElement("w:cantSplit"))


def _cell_text(cell, lines: list[str] | str, *, bold_first: bool = False, size: float = 9.5,
               color: RGBColor | None = None) -> None:
    lines = [lines] if isinstance(lines, str) else lines
    paragraph = cell.paragraphs[0]
    for k, line in enumerate(lines):
        if k:
            paragraph = cell.add_paragraph()
        paragraph.paragraph_format.space_after = Pt(1)
        _run(paragraph, line, bold=bold_first and k == 0, size=size, color=color)


def _table(document, headers: tuple[str, ...], widths: tuple, rows: int):
    table = document.add_table(rows=1 + rows, cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for k, title in enumerate(headers):
        cell = table.rows[0].cells[k]
        _cell_text(cell, title, bold_first=True, size=9, color=_NAVY)
        cell.paragraphs[0].paragraph_format.keep_with_next = True
        _shade(cell, _HEADER_FILL)
    _repeat_header(table.rows[0])
    _widths(table, widths)
    return table


def _widths(table, widths: tuple) -> None:
    """Column widths in the grid (LibreOffice reads these) and in every cell (Word reads these)."""
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = width


def _dotted_line(document, label: str = "", *, space_before: float = 8):
    paragraph = document.add_paragraph()
    paragraph.paragraph_format.space_before = Pt(space_before)
    paragraph.paragraph_format.space_after = Pt(0)
    paragraph.paragraph_format.tab_stops.add_tab_stop(_TEXT_WIDTH, WD_TAB_ALIGNMENT.RIGHT, WD_TAB_LEADER.DOTS)
    if label:
        _run(paragraph, label)
    paragraph.add_run("\t")
    return paragraph


def _header_block(document, data: GminaData, on: date) -> None:
    title = document.add_paragraph(style="Title")
    title.paragraph_format.space_after = Pt(2)
    _run(title, TITLE)
    subtitle = document.add_paragraph()
    _run(subtitle, DRAFT_NOTE, italic=True, color=_GREY)
    subtitle.paragraph_format.space_after = Pt(8)

    names = data.partner_names()
    leader = data.leader
    rows = [
        ("Gmina", data.name),
        ("Lider PZK (koordynacja)", _text(names.get(leader)) or leader if leader else "nie wskazano w danych gminy"),
        ("Data przygotowania projektu", on.strftime("%d.%m.%Y")),
        ("Numer planu", ""),
    ]
    table = document.add_table(rows=len(rows), cols=2)
    table.style = "Table Grid"
    table.autofit = False
    _widths(table, (Cm(5.0), Cm(12.4)))
    for row, (label, value) in zip(table.rows, rows, strict=True):
        _cell_text(row.cells[0], label, bold_first=True, size=9.5, color=_NAVY)
        _shade(row.cells[0], _HEADER_FILL)
        _cell_text(row.cells[1], value or "(wpisać ręcznie)", size=9.5, color=None if value else _GREY)


def _family_section(document, plan: ServicePlan) -> None:
    document.add_heading("1. Osoba lub rodzina i jej sytuacja", level=1)
    label = plan.family_label.strip()
    paragraph = document.add_paragraph()
    _run(paragraph, "Oznaczenie: ", bold=True)
    if label:
        _run(paragraph, label)
    else:
        _run(paragraph, "……………………………… (oznaczenie umowne, bez nazwisk)", color=_GREY)
    groups = dictionary("grupy_docelowe")
    group = groups.resolve(plan.group) if plan.group else None
    paragraph = document.add_paragraph()
    _run(paragraph, "Grupa: ", bold=True)
    _run(paragraph, groups.label(group) if group else "nie wskazano")

    paragraph = document.add_paragraph()
    paragraph.paragraph_format.space_before = Pt(4)
    _run(paragraph, "W czym potrzebna jest pomoc (słowami mieszkańca):", bold=True)
    areas = dictionary("obszary_potrzeb")
    codes = list(dict.fromkeys(areas.resolve(s) for s in plan.situations))
    if not codes:
        _dotted_line(document, "", space_before=4)
    for code in codes:
        entry = areas.entry(code)
        phrase = entry.extra.get("sytuacja") or entry.label
        item = document.add_paragraph(style="List Bullet")
        item.paragraph_format.space_after = Pt(1)
        _run(item, phrase[:1].upper() + phrase[1:])
        _run(item, f"  (obszar: {entry.label})", size=8.5, color=_GREY)
    if plan.notes.strip():
        paragraph = document.add_paragraph()
        paragraph.paragraph_format.space_before = Pt(4)
        _run(paragraph, "Uwagi: ", bold=True)
        _run(paragraph, plan.notes.strip())


def _steps_section(document, steps: list[_Step]) -> None:
    document.add_heading("2. Kroki planu — usługi z lokalnego koszyka", level=1)
    if not steps:
        paragraph = document.add_paragraph()
        _run(paragraph, NO_SERVICES, bold=True)
        hint = document.add_paragraph()
        _run(hint, "Wybierz usługi w wyszukiwarce usług zestawu albo wpisz je ręcznie w części „Ustalenia”.",
             italic=True, color=_GREY)
        return
    intro = document.add_paragraph()
    _run(intro, "Kolejność kroków jest propozycją: najpierw usługi najłatwiej dostępne.", italic=True,
         color=_GREY, size=9.5)
    intro.paragraph_format.keep_with_next = True
    table = _table(document, STEP_HEADERS, _STEP_WIDTHS, len(steps))
    for row, step in zip(table.rows[1:], steps, strict=True):
        _no_split(row)
        cells = row.cells
        _cell_text(cells[0], f"Krok {step.number}", bold_first=True)
        _cell_text(cells[1], [step.service, step.provider], bold_first=True)
        _cell_text(cells[2], step.access)
        _cell_text(cells[3], step.cost)
        _cell_text(cells[4], step.where)
        _cell_text(cells[5], [part.strip() for part in step.contact.split(",")] if step.contact else "—", size=8)


def _unanswered_note(document, data: GminaData, plan: ServicePlan) -> None:
    """Situations no chosen service answers: to discuss in the team, and perhaps a gap in the basket."""
    areas = dictionary("obszary_potrzeb")
    services = data.services.drop_duplicates("id").set_index("id")
    answered = {area for sid in plan.services for area in services.loc[sid, "obszary"]}
    missing = [areas.label(code) for code in dict.fromkeys(areas.resolve(s) for s in plan.situations)
               if code not in answered]
    if not missing:
        return
    paragraph = document.add_paragraph()
    paragraph.paragraph_format.space_before = Pt(4)
    _run(paragraph, "Sytuacje bez usługi w planie: ", bold=True, size=9.5)
    _run(paragraph, ", ".join(missing) + " — do omówienia w zespole (może to luka w lokalnym koszyku usług).",
         size=9.5)


def _team_section(document, team: list[_Member], *, has_leader: bool) -> None:
    document.add_heading("3. Zadaniowy Zespół Kooperacyjny", level=1)
    intro = document.add_paragraph()
    _run(intro, "Instytucje, których usługi wchodzą do planu, oraz lider PZK, który koordynuje plan. "
                "Podano kontakty instytucji; osoby w zespole wpisuje się ręcznie.", italic=True, color=_GREY,
         size=9.5)
    intro.paragraph_format.keep_with_next = True
    if not has_leader:
        paragraph = document.add_paragraph()
        _run(paragraph, "Koordynator planu: do wskazania (w danych gminy nie wskazano lidera PZK).", bold=True)
    table = _table(document, TEAM_HEADERS, _TEAM_WIDTHS, len(team))
    for row, member in zip(table.rows[1:], team, strict=True):
        _no_split(row)
        _cell_text(row.cells[0], member.role)
        _cell_text(row.cells[1], member.name, bold_first=True)
        _cell_text(row.cells[2], member.contact or "—", size=8.5)


def _hand_sections(document) -> None:
    document.add_heading("4. Cele", level=1)
    hint = document.add_paragraph()
    _run(hint, "Co ma się zmienić w życiu osoby lub rodziny — ustalone razem z nią.", italic=True, color=_GREY,
         size=9.5)
    for k in range(1, 4):
        _dotted_line(document, f"{k}. ", space_before=10)

    document.add_heading("5. Ustalenia", level=1)
    table = _table(document, ("Co robimy", "Kto", "Do kiedy"), (Cm(9.9), Cm(4.5), Cm(3.0)), 4)
    for row in table.rows[1:]:
        row.height = Cm(0.9)
    _dotted_line(document, "Termin następnego spotkania zespołu: ", space_before=10)

    document.add_heading("6. Podpisy", level=1)
    signatures = ("Osoba / przedstawiciel rodziny", "Koordynator planu", "Członkowie zespołu")
    table = document.add_table(rows=2, cols=len(signatures))
    table.autofit = False
    _widths(table, tuple(Cm(17.4 / len(signatures)) for _ in signatures))
    for k, who in enumerate(signatures):
        top, bottom = table.rows[0].cells[k], table.rows[1].cells[k]
        top.paragraphs[0].paragraph_format.space_before = Pt(30)
        _cell_text(top, "……………………………………", color=_GREY)
        _cell_text(bottom, [who, "data i podpis"], size=8.5, color=_GREY)
        for cell in (top, bottom):
            cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
            for paragraph in cell.paragraphs:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
