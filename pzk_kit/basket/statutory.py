"""Statutory drafts from the basket: annexes a gmina (or powiat) has to write anyway, pre-filled from the PZK data.

Two documents the law asks of a local government are largely a restatement of the service basket:

- the *program usług społecznych* (ustawa z 19 lipca 2019 r. o realizowaniu usług społecznych przez centrum
  usług społecznych, art. 6–8) lists the social services, their providers, access rules, fees, places and target
  groups, and the services to start in response to needs;
- the yearly *ocena zasobów pomocy społecznej* (ustawa o pomocy społecznej, art. 16a) describes the
  infrastructure, staff, NGOs and other providers, and the people in need.

Retyping the basket into them is where entries go stale, so the kit writes both annexes from the same rows the
catalogue and the report use. They are drafts, not acts: every page carries a PROJEKT mark, the introduction says
what came from the data and what must be completed, and everything the kit cannot know (the resolution number,
period, financing, indicators, staff, budget) is a grey ``[do uzupełnienia: …]`` field. Wording lives in
``pzk_kit/data/dokumenty/statutowe_teksty.csv``; everything is built from :func:`pzk_kit.privacy.published`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from functools import cache
from pathlib import Path

import pandas as pd
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from pzk_kit import polish, texts, word
from pzk_kit.basket import coverage
from pzk_kit.basket.catalogue import polish_sort_key
from pzk_kit.measurement import run_measurement
from pzk_kit.privacy import published
from pzk_kit.runs.outputs import ASSESSMENT_ANNEX_NAME, PROGRAM_ANNEX_NAME
from pzk_kit.workbook.dictionaries import dictionary
from pzk_kit.workbook.reading import GminaData
from pzk_kit.workbook.text import display_text
from pzk_kit.workshop.documents import _band, _note, document_title, gmina_document

TEXTS_FILE = "statutowe_teksty.csv"
DRAFT_RED = RGBColor(0xA3, 0x1F, 0x1F)
TO_FILL_FILL = "E7E6E6"
NO_AREA = ""  # services without `zakres`: the group to complete
_TO_FILL = re.compile(r"\[do uzupełnienia:[^\]]*\]")
_NGO = "pozarzadowa"


@cache
def statutory_texts() -> dict[str, str]:
    return texts.load("dokumenty", file=TEXTS_FILE)


def _t(key: str, **values: object) -> str:
    return texts.fill(statutory_texts()[key], **values)


def to_fill(what: str) -> str:
    """The marker of a field completed by hand, ``[do uzupełnienia: what]``."""
    return _t("do_uzupelnienia", co=what)


# -- values --------------------------------------------------------------------------------------------------------


def _label(name: str, code: object) -> str:
    code = display_text(code)
    return dictionary(name).label(code) if code else ""


def _labels(name: str, codes) -> str:
    return ", ".join(_label(name, c) for c in (codes or ()) if display_text(c))


def _people(value: object) -> int | None:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    return int(value)


def services_by_area(data: GminaData) -> list[tuple[str, list[dict]]]:
    """(zakres code, services) in the dictionary's order (the act's order), then services with no zakres (code "")."""
    services = data.services.to_dict("records")
    grouped: dict[str, list[dict]] = defaultdict(list)
    for service in services:
        grouped[display_text(service.get("zakres"))].append(service)
    order = [code for code in dictionary("zakresy_uslug_spolecznych").codes if code in grouped]
    order += [NO_AREA] if NO_AREA in grouped else []
    return [(code, sorted(grouped[code], key=lambda s: polish_sort_key(display_text(s.get("nazwa")))))
            for code in order]


def services_to_plan(data: GminaData) -> list[dict]:
    """Needs the basket does not answer (gaps), then needs answered with too few places (nominally covered).

    Each row: ``obszar``, ``grupa``, ``liczba_osob``, ``priorytet``, ``zrodlo``, ``status`` ("luka" or
    "pokryta_nominalnie") and ``miejsca``. The capacity table is used when :mod:`pzk_kit.basket.coverage` has it.
    """
    rows = [{"obszar": r["obszar"], "grupa": r["grupa"], "liczba_osob": _people(r["liczba_osob"]),
             "priorytet": r["priorytet"], "zrodlo": display_text(r["zrodlo"]), "status": "luka", "miejsca": None}
            for r in coverage.gaps(data).to_dict("records")]
    capacity_table = getattr(coverage, "capacity_table", None)
    if capacity_table is None or data.needs.empty:
        return rows
    capacity = capacity_table(data)
    needs = data.needs.reset_index(drop=True)
    for index, row in capacity.reset_index(drop=True).iterrows():
        if row["status"] != "pokryta_nominalnie":
            continue
        need = needs.iloc[index] if index < len(needs) and needs.iloc[index]["obszar"] == row["obszar"] \
            and needs.iloc[index]["grupa"] == row["grupa"] else None
        rows.append({"obszar": row["obszar"], "grupa": row["grupa"], "liczba_osob": _people(row["liczba_osob"]),
                     "priorytet": None if need is None else need["priorytet"],
                     "zrodlo": "" if need is None else display_text(need["zrodlo"]),
                     "status": "pokryta_nominalnie", "miejsca": _people(row["miejsca"])})
    return rows


def _state_text(row: dict) -> str:
    if row["status"] == "luka":
        return _t("stan_luka")
    if row["miejsca"] is not None and row["liczba_osob"] is not None:
        return _t("stan_nominalna", miejsca=polish.thousands(row["miejsca"]),
                  osoby=polish.thousands(row["liczba_osob"]))
    return _t("stan_nominalna_bez_liczb")


def _number(value: int | None) -> str:
    return polish.thousands(value) if value is not None else _t("brak_danych_liczby")


# -- layout --------------------------------------------------------------------------------------------------------


def _marked_runs(paragraph, text: str, *, size: float | None = None, bold: bool = False) -> None:
    """``text`` with each ``[do uzupełnienia: …]`` in grey italics on a grey background, the rest as is."""
    position = 0
    for match in _TO_FILL.finditer(text):
        if match.start() > position:
            word.run(paragraph, text[position:match.start()], size=size, bold=bold)
        marker = word.run(paragraph, match.group(0), italic=True, size=size, color=word.GREY)
        _highlight(marker)
        position = match.end()
    if position < len(text):
        word.run(paragraph, text[position:], size=size, bold=bold)


def _highlight(run) -> None:
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), TO_FILL_FILL)
    run._r.get_or_add_rPr().append(shading)


def _cell(cell, lines: list[str] | str, *, size: float = 8.5, bold_first: bool = False) -> None:
    lines = [lines] if isinstance(lines, str) else [line for line in lines if line] or ["—"]
    for k, line in enumerate(lines):
        paragraph = cell.paragraphs[0] if k == 0 else cell.add_paragraph()
        paragraph.paragraph_format.space_after = Pt(1)
        _marked_runs(paragraph, line, size=size, bold=bold_first and k == 0)


def _draft_document(title: str, data: GminaData):
    """The kit's document look, with the PROJEKT mark at the top of every page (the header of every section)."""
    document = gmina_document(title, data.name, base_size=10)
    header = document.sections[0].header
    header.is_linked_to_previous = False
    paragraph = header.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    word.run(paragraph, _t("znak_projektu"), bold=True, size=9, color=DRAFT_RED)
    return document


def _heading(document, text: str, *, new_page: bool = False):
    paragraph = document.add_paragraph(style="Heading 2")
    paragraph.paragraph_format.page_break_before = new_page
    word.run(paragraph, text)
    return paragraph


def _started_draft(data: GminaData, kind: str, measurement: str | None, generated: dt.date | None):
    """(published data, document) of a draft whose texts are keyed ``{kind}_tytul``, ``{kind}_podtytul``,
    ``{kind}_wstep``…: both drafts open the same way, only their words differ."""
    data = published(data)
    document = _draft_document(_t(f"{kind}_tytul"), data)
    document.core_properties.title = f"{_t(f'{kind}_tytul')} – {data.name}"
    document_title(document, _t(f"{kind}_tytul"), size=16)
    subtitle = document.add_paragraph()
    word.run(subtitle, _t(f"{kind}_podtytul", nazwa=data.name), bold=True, size=11, color=word.NAVY)
    scope = data.scope if data.scope in ("gmina", "powiat", "miedzygminny") else "gmina"
    for line in (_t(f"zakres_{scope}", nazwa=data.name), _t("projekt", projekt=data.project_name),
                 _t("stan_danych", pomiar=run_measurement(data, measurement),
                    data=polish.date(generated or dt.date.today()))):
        paragraph = document.add_paragraph()
        paragraph.paragraph_format.space_after = Pt(1)
        word.run(paragraph, line, size=9.5)
    document.add_paragraph().paragraph_format.space_after = Pt(2)
    document.add_paragraph(_t(f"{kind}_wstep"))
    for head, key in (("wygenerowano_naglowek", f"{kind}_wygenerowano"), ("uzupelnic_naglowek", f"{kind}_uzupelnic")):
        paragraph = document.add_paragraph()
        paragraph.paragraph_format.space_before = Pt(4)
        word.run(paragraph, _t(head) + ": ", bold=True)
        _marked_runs(paragraph, _t(key))
    return data, document


def _fields_table(document, heading_key: str, pairs: list[tuple[str, str]]) -> None:
    _heading(document, _t(heading_key))
    grid = word.table(document, (_t("kolumna_pole"), _t("kolumna_wartosc")), (Cm(5.0), Cm(12.4)), len(pairs))
    for row, (label, value) in zip(grid.rows[1:], pairs, strict=True):
        word.no_split(row)
        _cell(row.cells[0], label, size=9, bold_first=True)
        _cell(row.cells[1], value, size=9)


def _council(data: GminaData) -> str:
    scope = data.scope if data.scope in ("gmina", "powiat", "miedzygminny") else "gmina"
    return _t(f"rada_{scope}")


# -- the program annex -----------------------------------------------------------------------------------------


def build_program_annex(data: GminaData, *, measurement: str | None = None, generated: dt.date | None = None):
    """The annex to the program usług społecznych (python-docx ``Document``)."""
    data, document = _started_draft(data, "program", measurement, generated)
    leader = display_text(data.partner_names().get(data.leader or "")) if data.leader else ""
    _fields_table(document, "program_pola_naglowek", [
        (_t("pole_uchwala"), _t("pole_uchwala_wartosc", rada=_council(data))),
        (_t("pole_realizator_programu"), leader or _t("pole_realizator_brak")),
        (_t("pole_okres"), _t("pole_okres_wartosc")),
        (_t("pole_finansowanie"), _t("pole_finansowanie_wartosc")),
        (_t("pole_wskazniki"), _t("pole_wskazniki_wartosc")),
    ])
    word.new_section(document, landscape=True)
    _program_services(document, data)
    _program_gaps(document, data)
    return document


_PROGRAM_WIDTHS = (Cm(1.0), Cm(6.4), Cm(4.6), Cm(3.0), Cm(2.6), Cm(4.3), Cm(4.2))


def _program_services(document, data: GminaData) -> None:
    _heading(document, _t("program_uslugi_naglowek"))
    if data.services.empty:
        document.add_paragraph(_t("program_brak_uslug"))
        return
    _note(document, _t("program_uslugi_opis", liczba=len(data.services))).paragraph_format.keep_with_next = True
    groups = services_by_area(data)
    headers = tuple(_t(k) for k in ("kol_lp", "kol_usluga", "kol_realizator", "kol_dostep", "kol_odplatnosc",
                                    "kol_miejsce", "kol_grupa"))
    grid = word.table(document, headers, _PROGRAM_WIDTHS, len(data.services) + len(groups), align="left")
    names = data.partner_names()
    rows = iter(grid.rows[1:])
    number = 0
    for code, services in groups:
        band = _band(next(rows), _label("zakresy_uslug_spolecznych", code) if code else _t("program_zakres_brak"))
        if not code:
            word.shade(band, "F2E3E3")
        for service in services:
            number += 1
            row = next(rows)
            word.no_split(row)
            partner = display_text(service.get("partner"))
            where = [display_text(service.get("miejsce")), display_text(service.get("godziny"))]
            cells = row.cells
            _cell(cells[0], str(number))
            _cell(cells[1], [display_text(service.get("nazwa")) or display_text(service.get("id")),
                             display_text(service.get("opis"))], bold_first=True)
            _cell(cells[2], display_text(names.get(partner)) or partner)
            _cell(cells[3], _label("tryby_dostepu", service.get("dostep")) or _t("nie_podano"))
            _cell(cells[4], _label("odplatnosc", service.get("odplatnosc")) or _t("nie_podano"))
            _cell(cells[5], where)
            _cell(cells[6], _labels("grupy_docelowe", service.get("grupy")) or _t("nie_podano"))
    present = {code for code, _ in groups}
    missing = [label for code, label in zip(dictionary("zakresy_uslug_spolecznych").codes,
                                            dictionary("zakresy_uslug_spolecznych").labels, strict=True)
               if code not in present]
    if missing:
        _note(document, _t("program_zakresy_bez_uslug", zakresy=", ".join(missing))).paragraph_format.space_before \
            = Pt(4)


def _program_gaps(document, data: GminaData) -> None:
    _heading(document, _t("program_luki_naglowek"))
    planned = services_to_plan(data)
    if not planned:
        document.add_paragraph(_t("program_luki_brak"))
        return
    _note(document, _t("program_luki_opis")).paragraph_format.keep_with_next = True
    headers = tuple(_t(k) for k in ("kol_lp", "kol_do_zaplanowania", "kol_potrzeba", "kol_grupa", "kol_osoby",
                                    "kol_stan", "kol_realizator_planowany"))
    widths = (Cm(1.0), Cm(5.2), Cm(5.6), Cm(3.8), Cm(2.0), Cm(4.4), Cm(4.1))
    grid = word.table(document, headers, widths, len(planned), align="left")
    for number, (row, need) in enumerate(zip(grid.rows[1:], planned, strict=True), start=1):
        word.no_split(row)
        details = [_label("obszary_potrzeb", need["obszar"])]
        if need["priorytet"] is not None and not pd.isna(need["priorytet"]):
            details.append(_t("priorytet", priorytet=int(need["priorytet"])))
        if need["zrodlo"]:
            details.append(_t("zrodlo", zrodlo=need["zrodlo"]))
        cells = row.cells
        _cell(cells[0], str(number))
        _cell(cells[1], to_fill("nazwa usługi"))
        _cell(cells[2], details, bold_first=True)
        _cell(cells[3], _label("grupy_docelowe", need["grupa"]))
        _cell(cells[4], _number(need["liczba_osob"]))
        _cell(cells[5], _state_text(need))
        _cell(cells[6], to_fill("realizator"))


# -- the assessment annex ---------------------------------------------------------------------------------------


def build_assessment_annex(data: GminaData, *, measurement: str | None = None, generated: dt.date | None = None):
    """The basket annex to the yearly ocena zasobów pomocy społecznej (python-docx ``Document``)."""
    data, document = _started_draft(data, "ocena", measurement, generated)
    _fields_table(document, "ocena_pola_naglowek", [
        (_t("pole_rok"), _t("pole_rok_wartosc")),
        (_t("pole_kadra"), _t("pole_kadra_wartosc")),
        (_t("pole_budzet"), _t("pole_budzet_wartosc")),
        (_t("pole_infrastruktura"), _t("pole_infrastruktura_wartosc")),
        (_t("pole_korzystajacy"), _t("pole_korzystajacy_wartosc")),
    ])
    _assessment_types(document, data)
    _assessment_areas(document, data)
    _assessment_details(document, data)
    return document


def _partners(data: GminaData) -> list[dict]:
    return [row for row in data.partners.to_dict("records") if display_text(row.get("id"))]


def _assessment_types(document, data: GminaData) -> None:
    _heading(document, _t("ocena_typy_naglowek"), new_page=True)
    _note(document, _t("ocena_typy_opis"))
    partners = _partners(data)
    service_counts = data.services["partner"].value_counts().to_dict() if not data.services.empty else {}
    kinds = dictionary("typy_instytucji")
    codes = list(kinds.codes) + ([""] if any(not display_text(p.get("typ")) for p in partners) else [])
    rows = []
    for code in codes:
        mine = [p for p in partners if display_text(p.get("typ")) == code]
        rows.append((kinds.label(code) if code else _t("nie_podano"), len(mine),
                     sum(1 for p in mine if service_counts.get(p["id"])),
                     sum(int(service_counts.get(p["id"], 0)) for p in mine),
                     sum(1 for p in mine if display_text(p.get("pes")))))
    rows.append((_t("razem"), *(sum(r[k] for r in rows) for k in range(1, 5))))
    headers = tuple(_t(k) for k in ("kol_typ", "kol_partnerzy", "kol_swiadczacy", "kol_uslugi", "kol_pes"))
    grid = word.table(document, headers, (Cm(5.0), Cm(3.0), Cm(3.2), Cm(3.0), Cm(3.2)), len(rows))
    for k, (row, values) in enumerate(zip(grid.rows[1:], rows, strict=True)):
        for cell, value in zip(row.cells, values, strict=True):
            _cell(cell, str(value), size=9, bold_first=k == len(rows) - 1)
    _heading(document, _t("ocena_pes_naglowek"))
    social = [p for p in partners if display_text(p.get("pes"))]
    if not social:
        document.add_paragraph(_t("ocena_pes_brak"))
        return
    grid = word.table(document, (_t("kol_podmiot"), _t("kol_rodzaj_pes")), (Cm(10.4), Cm(7.0)), len(social))
    for row, partner in zip(grid.rows[1:], social, strict=True):
        _cell(row.cells[0], display_text(partner.get("nazwa")) or partner["id"], size=9)
        _cell(row.cells[1], _label("podmioty_ekonomii_spolecznej", partner.get("pes")), size=9)


def area_resources(data: GminaData) -> list[dict]:
    """Per need area (dictionary order; areas with a need or a service): people in need, providers, gaps."""
    pairs = coverage.service_pairs(data)
    planned = services_to_plan(data)
    partners = {p["id"]: p for p in _partners(data)}
    used = set(pairs["obszar"]) | set(data.needs["obszar"])
    areas = []
    for code in dictionary("obszary_potrzeb").codes:
        if code not in used:
            continue
        needs = data.needs[data.needs["obszar"] == code]
        counts = [_people(v) for v in needs["liczba_osob"]]
        known = [c for c in counts if c is not None]
        providers = sorted(set(pairs.loc[pairs["obszar"] == code, "partner"]))
        service_ids = set(pairs.loc[pairs["obszar"] == code, "id"])
        areas.append({
            "obszar": code,
            "liczba_osob": sum(known) if known else None,
            "grupy": [(g, _people(n)) for g, n in zip(needs["grupa"], needs["liczba_osob"], strict=True)],
            "podmioty": providers,
            "pozarzadowe": sum(1 for p in providers if display_text(partners.get(p, {}).get("typ")) == _NGO),
            "uslugi": data.services[data.services["id"].isin(service_ids)],
            "luki": [row for row in planned if row["obszar"] == code],
        })
    return areas


def _gap_text(row: dict) -> str:
    return f"{_label('grupy_docelowe', row['grupa'])} ({_state_text(row)})"


def _assessment_areas(document, data: GminaData) -> None:
    _heading(document, _t("ocena_obszary_naglowek"))
    _note(document, _t("ocena_obszary_opis"))
    areas = area_resources(data)
    headers = tuple(_t(k) for k in ("kol_obszar", "kol_osoby_w_potrzebie", "kol_podmioty", "kol_ngo",
                                    "kol_uslugi", "kol_luki"))
    grid = word.table(document, headers, (Cm(5.2), Cm(2.0), Cm(1.9), Cm(2.7), Cm(1.8), Cm(3.8)), len(areas))
    for row, area in zip(grid.rows[1:], areas, strict=True):
        word.no_split(row)
        values = [_label("obszary_potrzeb", area["obszar"]), _number(area["liczba_osob"]), str(len(area["podmioty"])),
                  str(area["pozarzadowe"]), str(len(area["uslugi"])),
                  "; ".join(_gap_text(g) for g in area["luki"]) or "—"]
        for cell, value in zip(row.cells, values, strict=True):
            _cell(cell, value, size=8.5)


def _assessment_details(document, data: GminaData) -> None:
    _heading(document, _t("ocena_szczegoly_naglowek"), new_page=True)
    names = data.partner_names()
    partners = {p["id"]: p for p in _partners(data)}
    for area in area_resources(data):
        heading = document.add_paragraph(style="Heading 3")
        word.run(heading, _label("obszary_potrzeb", area["obszar"]))
        people = ", ".join(f"{_label('grupy_docelowe', g).lower()}: {_number(n)}" for g, n in area["grupy"])
        line = _t("osoby_w_grupach", liczba=_number(area["liczba_osob"]), grupy=people) if area["grupy"] \
            else _t("osoby_brak")
        for text in (line, _t("luki_w_obszarze", luki="; ".join(_gap_text(g) for g in area["luki"]))
                     if area["luki"] else _t("luki_brak_w_obszarze")):
            paragraph = document.add_paragraph()
            paragraph.paragraph_format.space_after = Pt(1)
            paragraph.paragraph_format.keep_with_next = True
            word.run(paragraph, text, size=9)
        if not area["podmioty"]:
            _note(document, _t("brak_podmiotow_w_obszarze"))
            continue
        headers = (_t("kol_podmiot"), _t("kol_sektor"), _t("kol_uslugi_podmiotu"))
        grid = word.table(document, headers, (Cm(6.2), Cm(3.6), Cm(7.6)), len(area["podmioty"]))
        for row, pid in zip(grid.rows[1:], area["podmioty"], strict=True):
            word.no_split(row)
            partner = partners.get(pid, {})
            kind = [_label("typy_instytucji", partner.get("typ")), _label("sektory", partner.get("sektor")),
                    _label("podmioty_ekonomii_spolecznej", partner.get("pes"))]
            services = area["uslugi"][area["uslugi"]["partner"] == pid]
            _cell(row.cells[0], display_text(names.get(pid)) or pid, size=8.5)
            _cell(row.cells[1], [k for k in kind if k], size=8.5)
            _cell(row.cells[2], [display_text(n) for n in services["nazwa"]], size=8.5)
        document.add_paragraph().paragraph_format.space_after = Pt(2)


# -- writing ------------------------------------------------------------------------------------------------------


def _output(out: Path | str, name: str) -> Path:
    out = Path(out)
    return out if out.suffix.lower() == ".docx" and not out.is_dir() else out / name


def write_program_annex(data: GminaData, out: Path | str, *, overwrite: bool = False,
                        measurement: str | None = None) -> Path:
    """``program_uslug_spolecznych_zalacznik.docx``: the draft annex to the program usług społecznych."""
    return word.save(build_program_annex(data, measurement=measurement), _output(out, PROGRAM_ANNEX_NAME),
                     overwrite=overwrite)


def write_assessment_annex(data: GminaData, out: Path | str, *, overwrite: bool = False,
                           measurement: str | None = None) -> Path:
    """``ocena_zasobow_zalacznik.docx``: the draft basket annex to the ocena zasobów pomocy społecznej."""
    return word.save(build_assessment_annex(data, measurement=measurement), _output(out, ASSESSMENT_ANNEX_NAME),
                     overwrite=overwrite)


def write_statutory_drafts(data: GminaData, folder: Path | str, *, measurement: str | None = None) -> list[Path]:
    """Both drafts into ``folder`` (the caller makes the folder atomic, as ``pzk run`` and ``pzk dokumenty`` do)."""
    folder = Path(folder)
    return [write_program_annex(data, folder, measurement=measurement),
            write_assessment_annex(data, folder, measurement=measurement)]
