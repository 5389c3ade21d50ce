"""A draft Indywidualny Plan Usług Społecznych (IPUS) built from the local service basket.

The basket (step 2 of the model) is used to plan help for one person or family: the services they will use, in
order, and the Zadaniowy Zespół Kooperacyjny made of the partners providing them, coordinated by the PZK leader.
This module writes the draft a social worker prints and takes to the conversation with the family.

Nothing personal is stored or looked up: a plan carries only a fictional or anonymised label ("Rodzina A"), the
situations as need-area codes, a target group and service ids. Partners appear with their institutional contacts
only (address, phone, e-mail, website of the institution): the document is built from
:func:`pzk_kit.privacy.published`, the kit's one privacy rule, so no ``osoba_kontaktowa``, personal e-mail, mobile
number or person's name reaches it. Names, goals, agreements and signatures are written on paper by hand.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt

from pzk_kit import word
from pzk_kit.basket import find_services
from pzk_kit.privacy import published
from pzk_kit.workbook.dictionaries import dictionary
from pzk_kit.workbook.reading import GminaData
from pzk_kit.workbook.text import normalize_code

TITLE = "Indywidualny Plan Usług Społecznych (projekt)"
DRAFT_NOTE = "Projekt do omówienia z osobą/rodziną"
PRIVACY_NOTE = "Dokument nie zawiera danych osobowych, dopóki nie zostaną wpisane ręcznie."
NO_SERVICES = "Nie wybrano jeszcze żadnych usług z lokalnego koszyka usług."
STEP_HEADERS = ("Krok", "Usługa i kto ją świadczy", "Jak skorzystać", "Koszt", "Gdzie i kiedy", "Kontakt")
TEAM_HEADERS = ("Rola w zespole", "Instytucja", "Kontakt instytucji", "Osoba w zespole (wpisać ręcznie)")
COORDINATOR_ROLE = "Koordynacja planu (lider PZK)"

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
    steps = []
    for number, sid in enumerate(service_ids, start=1):
        row = catalogue.loc[sid]
        pid = services.loc[sid, "partner"]
        partner = partners.loc[pid] if pid in partners.index else None
        access = _text(row["Jak skorzystać"])
        # The service's own contact (published data: nothing personal is left in it), else the institution's.
        contact = _text(row["Kontakt"]) or ", ".join(_institution_contact(partner, with_address=False))
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
    data = published(data)
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
    return word.save(document, out, overwrite=overwrite)


def _new_document():
    return word.new_document(TITLE, footer=PRIVACY_NOTE, comments=PRIVACY_NOTE)


def _header_block(document, data: GminaData, on: date) -> None:
    title = document.add_paragraph(style="Title")
    title.paragraph_format.space_after = Pt(2)
    word.run(title, TITLE)
    subtitle = document.add_paragraph()
    word.run(subtitle, DRAFT_NOTE, italic=True, color=word.GREY)
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
    word.set_widths(table, (Cm(5.0), Cm(12.4)))
    for row, (label, value) in zip(table.rows, rows, strict=True):
        word.cell_text(row.cells[0], label, bold_first=True, size=9.5, color=word.NAVY)
        word.shade(row.cells[0], word.HEADER_FILL)
        word.cell_text(row.cells[1], value or "(wpisać ręcznie)", size=9.5, color=None if value else word.GREY)


def _family_section(document, plan: ServicePlan) -> None:
    document.add_heading("1. Osoba lub rodzina i jej sytuacja", level=1)
    label = plan.family_label.strip()
    paragraph = document.add_paragraph()
    word.run(paragraph, "Oznaczenie: ", bold=True)
    if label:
        word.run(paragraph, label)
    else:
        word.run(paragraph, "……………………………… (oznaczenie umowne, bez nazwisk)", color=word.GREY)
    groups = dictionary("grupy_docelowe")
    group = groups.resolve(plan.group) if plan.group else None
    paragraph = document.add_paragraph()
    word.run(paragraph, "Grupa: ", bold=True)
    word.run(paragraph, groups.label(group) if group else "nie wskazano")

    paragraph = document.add_paragraph()
    paragraph.paragraph_format.space_before = Pt(4)
    word.run(paragraph, "W czym potrzebna jest pomoc (słowami mieszkańca):", bold=True)
    areas = dictionary("obszary_potrzeb")
    codes = list(dict.fromkeys(areas.resolve(s) for s in plan.situations))
    if not codes:
        word.dotted_line(document, "", space_before=4)
    for code in codes:
        entry = areas.entry(code)
        phrase = entry.extra.get("sytuacja") or entry.label
        item = document.add_paragraph(style="List Bullet")
        item.paragraph_format.space_after = Pt(1)
        word.run(item, phrase[:1].upper() + phrase[1:])
        word.run(item, f"  (obszar: {entry.label})", size=8.5, color=word.GREY)
    if plan.notes.strip():
        paragraph = document.add_paragraph()
        paragraph.paragraph_format.space_before = Pt(4)
        word.run(paragraph, "Uwagi: ", bold=True)
        word.run(paragraph, plan.notes.strip())


def _steps_section(document, steps: list[_Step]) -> None:
    document.add_heading("2. Kroki planu — usługi z lokalnego koszyka", level=1)
    if not steps:
        paragraph = document.add_paragraph()
        word.run(paragraph, NO_SERVICES, bold=True)
        hint = document.add_paragraph()
        word.run(hint, "Wybierz usługi w wyszukiwarce usług zestawu albo wpisz je ręcznie w części „Ustalenia”.",
             italic=True, color=word.GREY)
        return
    intro = document.add_paragraph()
    word.run(intro, "Kolejność kroków jest propozycją: najpierw usługi najłatwiej dostępne.", italic=True,
         color=word.GREY, size=9.5)
    intro.paragraph_format.keep_with_next = True
    table = word.table(document, STEP_HEADERS, _STEP_WIDTHS, len(steps))
    for row, step in zip(table.rows[1:], steps, strict=True):
        word.no_split(row)
        cells = row.cells
        word.cell_text(cells[0], f"Krok {step.number}", bold_first=True)
        word.cell_text(cells[1], [step.service, step.provider], bold_first=True)
        word.cell_text(cells[2], step.access)
        word.cell_text(cells[3], step.cost)
        word.cell_text(cells[4], step.where)
        word.cell_text(cells[5], [part.strip() for part in step.contact.split(",")] if step.contact else "—", size=8)


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
    word.run(paragraph, "Sytuacje bez usługi w planie: ", bold=True, size=9.5)
    word.run(paragraph, ", ".join(missing) + " — do omówienia w zespole (może to luka w lokalnym koszyku usług).",
         size=9.5)


def _team_section(document, team: list[_Member], *, has_leader: bool) -> None:
    document.add_heading("3. Zadaniowy Zespół Kooperacyjny", level=1)
    intro = document.add_paragraph()
    word.run(intro, "Instytucje, których usługi wchodzą do planu, oraz lider PZK, który koordynuje plan. "
                "Podano kontakty instytucji; osoby w zespole wpisuje się ręcznie.", italic=True, color=word.GREY,
         size=9.5)
    intro.paragraph_format.keep_with_next = True
    if not has_leader:
        paragraph = document.add_paragraph()
        word.run(paragraph, "Koordynator planu: do wskazania (w danych gminy nie wskazano lidera PZK).", bold=True)
    table = word.table(document, TEAM_HEADERS, _TEAM_WIDTHS, len(team))
    for row, member in zip(table.rows[1:], team, strict=True):
        word.no_split(row)
        word.cell_text(row.cells[0], member.role)
        word.cell_text(row.cells[1], member.name, bold_first=True)
        word.cell_text(row.cells[2], member.contact or "—", size=8.5)


def _hand_sections(document) -> None:
    document.add_heading("4. Cele", level=1)
    hint = document.add_paragraph()
    word.run(hint, "Co ma się zmienić w życiu osoby lub rodziny — ustalone razem z nią.", italic=True, color=word.GREY,
         size=9.5)
    for k in range(1, 4):
        word.dotted_line(document, f"{k}. ", space_before=10)

    document.add_heading("5. Ustalenia", level=1)
    table = word.table(document, ("Co robimy", "Kto", "Do kiedy"), (Cm(9.9), Cm(4.5), Cm(3.0)), 4)
    for row in table.rows[1:]:
        row.height = Cm(0.9)
    word.dotted_line(document, "Termin następnego spotkania zespołu: ", space_before=10)

    document.add_heading("6. Podpisy", level=1)
    signatures = ("Osoba / przedstawiciel rodziny", "Koordynator planu", "Członkowie zespołu")
    table = document.add_table(rows=2, cols=len(signatures))
    table.autofit = False
    word.set_widths(table, tuple(Cm(17.4 / len(signatures)) for _ in signatures))
    for k, who in enumerate(signatures):
        top, bottom = table.rows[0].cells[k], table.rows[1].cells[k]
        top.paragraphs[0].paragraph_format.space_before = Pt(30)
        word.cell_text(top, "……………………………………", color=word.GREY)
        word.cell_text(bottom, [who, "data i podpis"], size=8.5, color=word.GREY)
        for cell in (top, bottom):
            cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
            for paragraph in cell.paragraphs:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
