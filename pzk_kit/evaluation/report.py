"""``raport.docx``: the report of the PZK for the gmina council.

A mayor and councillors read it on paper, without the workshop: a title page, a one-page "Karta wyników PZK" with the
key figures of the three steps, then one chapter per step (network, basket, evaluation), each with its charts, a few
tables and the recommendations for that step, and a short appendix on how to read it. Headings, intros and the method
note are data (``data/raport/``), so a region can adjust the wording. Every number comes from the package functions
behind ``summary.json``, each computed once in the :class:`~pzk_kit.evaluation.analysis.Analysis` the report shares
with its recommendations; evaluation results under the anonymity threshold appear as "ukryte", never as a number; no
person's name, phone or e-mail is printed unless ``include_personal`` is asked: the report is built from
:func:`pzk_kit.privacy.published`, the kit's one privacy rule. A sheet that was not collected turns its chapter into a
plain Polish note on what to collect.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pandas as pd
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt, RGBColor

from pzk_kit import basket, evaluation, glossary, network, polish, texts, word
from pzk_kit.evaluation.analysis import Analysis
from pzk_kit.evaluation.instrument import load_instrument
from pzk_kit.evaluation.recommendations import number, percent
from pzk_kit.figures import alt_text, figure_png
from pzk_kit.followup.motto_report import motto_page
from pzk_kit.followup.plan_report import plan_chapter
from pzk_kit.privacy import published
from pzk_kit.resources import data_path, read_table
from pzk_kit.runs import outputs
from pzk_kit.workbook.dictionaries import core_sectors, dictionary
from pzk_kit.workbook.reading import DEFAULT_PROJECT_NAME, GminaData

REPORT_NAME = outputs.REPORT_NAME
MAX_EVIDENCE = 8
SECTORS_PER_TABLE = 8
SECTOR_WIDTH_CM = 1.7
GOOD, WATCH, ACTION, NEUTRAL, MISSING = "dobrze", "obserwacja", "uwaga", "", "brak"
FILLS = {GOOD: "E3F1E4", WATCH: "FFF2C7", ACTION: "F8D9D6", MISSING: "EEEEEE", NEUTRAL: "FFFFFF"}
PRIORITY_FILLS = {1: "F8D9D6", 2: "FFF2C7", 3: "E8EEF7"}
STEP_FILL = "E8EEF7"
GREEN, RED = RGBColor(0x1B, 0x5E, 0x20), RGBColor(0xB7, 0x1C, 0x1C)


# -- texts --------------------------------------------------------------------------------------------------------


@cache
def report_texts() -> dict[str, str]:
    """Headings, intros and notes of the report (``data/raport/teksty.csv``)."""
    return texts.load("raport")


def _t(key: str, **values: object) -> str:
    return texts.fill(report_texts()[key], **values)


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NA


def _signed(delta: float, fmt) -> str:
    """``▲ +0,32`` / ``▼ −1``; a change of a percentage is in percentage points (``▲ +7 pkt proc.``)."""
    code = "reciprocity" if fmt is percent else "factor_score" if fmt is number else "ties"
    return glossary.change(code, delta)


# -- the document ---------------------------------------------------------------------------------------------------


def write_report_docx(data: GminaData | Analysis, out: Path | str, *, measurement: str | None = None,
                      overwrite: bool = False, include_personal: bool = False, on: dt.date | None = None) -> Path:
    """Write ``raport.docx`` for the council; return its path.

    ``measurement`` is the network and survey measurement the report is about (the latest by default); ``on``
    the date on the title page (today by default). Raises ``ValueError`` with a Polish message when the data has
    errors, and :class:`pzk_kit.files.OutputExists` when ``out`` exists and ``overwrite`` is false. The file
    appears whole or not at all.
    """
    document = build_report(data, measurement=measurement, include_personal=include_personal, on=on)
    return word.save(document, Path(out), overwrite=overwrite)


def build_report(data: GminaData | Analysis, *, measurement: str | None = None, include_personal: bool = False,
                 on: dt.date | None = None):
    """The report as a python-docx Document (for callers that add their own pages).

    ``data`` may be an :class:`~pzk_kit.evaluation.analysis.Analysis` of the published data (``published(data)``),
    shared with the recommendations; an analysis of other data is redone on its published form, since the report
    prints only that.
    """
    facts = Analysis.of(data, measurement)
    if not facts.data.report.ok:
        raise ValueError("Dane gminy zawierają błędy — popraw je (polecenie „pzk validate” wypisze listę) "
                         "i przygotuj raport ponownie.")
    shown = published(facts.data, include_personal=include_personal)
    if shown is not facts.data:
        facts = Analysis(shown, facts.asked)
    data = facts.data
    day = on or dt.date.today()
    document = word.new_document(_t("tytul"), footer=_t("stopka", gmina=data.name),
                                 comments=_t("wygenerowano", zrodlo=data.source.name, data=polish.date(day)))
    stamp = dt.datetime.combine(day, dt.time(12, 0))
    document.core_properties.created = document.core_properties.modified = stamp
    _title_page(document, facts, day, include_personal)
    _scorecard(document, facts)
    motto_page(document, facts)
    _network_chapter(document, facts)
    _basket_chapter(document, facts)
    _evaluation_chapter(document, facts)
    plan_chapter(document, facts)
    _method_appendix(document, facts, day)
    return document


def _chart(document, figure, title: str, *, width=None) -> None:
    """A chart with its text alternative (the same words the HTML reports give it) and the section as its title."""
    word.picture(document, figure_png(figure), width=width, alt=alt_text(figure), title=title)


def _chapter(document, title: str):
    """A chapter heading on a new page (a page break before it, so no break can leave an empty page)."""
    heading = document.add_heading(title, level=1)
    heading.paragraph_format.space_before = Pt(0)
    heading.paragraph_format.page_break_before = True
    return heading


def _paragraph(document, text: str = "", *, size: float | None = None, italic: bool = False, bold: bool = False,
               color: RGBColor | None = None, align=None, before: float = 0, after: float = 4):
    paragraph = document.add_paragraph()
    paragraph.paragraph_format.space_before = Pt(before)
    paragraph.paragraph_format.space_after = Pt(after)
    if align is not None:
        paragraph.alignment = align
    if text:
        _rich(paragraph, text, size=size, italic=italic, bold=bold, color=color)
    return paragraph


def _rich(paragraph, text: str, **style) -> None:
    """Text with **bold** parts (the Markdown the method note is written in)."""
    for k, part in enumerate(re.split(r"\*\*(.+?)\*\*", text)):
        if part:
            word.run(paragraph, part, **{**style, "bold": style.get("bold", False) or k % 2 == 1})


# -- title page ------------------------------------------------------------------------------------------------------


def _title_page(document, facts: Analysis, day: dt.date, include_personal: bool) -> None:
    data = facts.data
    center = WD_ALIGN_PARAGRAPH.CENTER
    _paragraph(document, project_title(data).upper(), size=10, color=word.GREY, align=center, before=40, after=70)
    _paragraph(document, data.name, size=30, bold=True, color=word.NAVY, align=center, after=10)
    _paragraph(document, _t("tytul"), size=17, color=word.NAVY, align=center, after=8)
    subtitle = _t("podtytul") if data.scope == "gmina" else _t(f"podtytul_{data.scope}")  # who the report is for
    _paragraph(document, subtitle, size=11, italic=True, color=word.GREY, align=center, after=50)

    mission = data.info.get("misja")
    _paragraph(document, _t("etykieta_misja").upper(), size=9, bold=True, color=word.GREY, align=center, after=4)
    if mission:
        _paragraph(document, f"„{mission}”", size=15, italic=True, align=center, after=40)
    else:
        _paragraph(document, _t("brak_misji"), size=10, italic=True, color=word.GREY, align=center, after=40)

    rows = [*_roles_rows(data)]
    founded = data.info.get("data_zawiazania")
    if isinstance(founded, dt.date):
        rows.append((_t("etykieta_zawiazanie"), polish.date(founded)))
    rows.extend(_area_rows(data))
    rows.append((_t("etykieta_data"), polish.date(day)))
    if include_personal and data.leader:
        contact = _leader_contact(data)
        if contact:
            rows.append((_t("etykieta_kontakt"), contact))
    grid = document.add_table(rows=len(rows), cols=2)
    grid.alignment = 1
    word.set_widths(grid, [Cm(5.0), Cm(9.5)])
    for row, (label, value) in zip(grid.rows, rows, strict=True):
        word.cell_text(row.cells[0], label, size=10, color=word.GREY)
        row.cells[0].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
        word.cell_text(row.cells[1], value, size=10.5, bold=True)
    _paragraph(document, _t("motto"), size=10.5, italic=True, color=word.NAVY, align=center, before=70)


def project_title(data: GminaData) -> str:
    """The line above the gmina's name: the model's full title, or the project the PZK runs under when the
    gmina names another one (Pisz: "Kooperacja efektywna i skuteczna")."""
    if data.project_name == DEFAULT_PROJECT_NAME:
        return _t("model")
    return _t("projekt", projekt=data.project_name)


def leaders_text(data: GminaData) -> str:
    """The leader's name, or the co-leaders' names in their order (the convening one first)."""
    names = data.partner_names()
    return "; ".join(str(names.get(pid) or pid) for pid in data.leaders) or _t("brak_lidera")


def _roles_rows(data: GminaData) -> list[tuple[str, str]]:
    """Who leads, who coordinates and who signs for the local authority: the title page's first rows. The
    coordinator is a position; a personal name there is gone already unless personal data were asked for
    (:func:`pzk_kit.privacy.published`)."""
    info = data.info
    label = "etykieta_liderzy" if len(data.leaders) > 1 else "etykieta_lider"
    rows = [(_t(label), leaders_text(data))]
    if info.get("koordynator"):
        rows.append((_t("etykieta_koordynator"), str(info["koordynator"])))
    if info.get("organ"):
        rows.append((_t("etykieta_organ"), dictionary("organy").label(info["organ"])))
    if info.get("podpisujacy"):
        rows.append((_t("etykieta_podpisujacy"), str(info["podpisujacy"])))
    if info.get("upowaznienie"):
        rows.append((_t("etykieta_upowaznienie"), str(info["upowaznienie"])))
    return rows


def _area_rows(data: GminaData) -> list[tuple[str, str]]:
    """Where the PZK works: its area (a gmina, a powiat, several gminas) with the gminas it covers, the powiat and
    the voivodeship, and whether the gmina is a city with powiat rights (its PCPR and PUP are the city's own)."""
    info = data.info
    rows = []
    gminas = info.get("gminy") or []
    gminas = [gminas] if isinstance(gminas, str) else list(gminas)
    if data.scope != "gmina" or gminas:
        area = dictionary("zasiegi").label(data.scope)
        rows.append((_t("etykieta_zasieg"), f"{area}: {', '.join(gminas)}" if gminas else area))
    place = [_t("miasto_na_prawach_powiatu") if data.city_with_powiat_rights else "",
             f"powiat {info['powiat']}" if info.get("powiat") else "",
             f"województwo {info['wojewodztwo']}" if info.get("wojewodztwo") else ""]
    if any(place):
        rows.append((_t("etykieta_polozenie"), ", ".join(p for p in place if p)))
    return rows


def _leader_contact(data: GminaData) -> str:
    partners = data.partners.set_index("id")
    if data.leader not in partners.index:
        return ""
    row = partners.loc[data.leader]
    values = [row.get(column) for column in ("osoba_kontaktowa", "telefon", "email")]
    return ", ".join(str(v) for v in values if not _missing(v) and str(v).strip())


# -- the scorecard ------------------------------------------------------------------------------------------------


@dataclass
class _Line:
    value: str
    change: str = ""
    change_good: bool | None = None


def _rating(facts: Analysis, rules: list[str], collected: bool) -> str:
    if not collected:
        return MISSING
    if not rules:
        return NEUTRAL
    fired = [facts.fired[code] for code in rules if code in facts.fired]
    if not fired:
        return GOOD
    return ACTION if min(fired) == 1 else WATCH


def _change(before: float | None, after: float | None, fmt, direction: str) -> tuple[str, bool | None]:
    if before is None or after is None:
        return "", None
    delta = round(after - before, 6)
    if not delta:
        return _signed(0, fmt), None
    good = (delta > 0) == (direction == "wyzej") if direction in ("wyzej", "nizej") else None
    return _signed(delta, fmt), good


def _scorecard_lines(facts: Analysis) -> dict[str, tuple[_Line, bool]]:
    """Per scorecard row code: the shown value (and change), and whether its data was collected."""
    data = facts.data
    partners = data.partners
    members = int(partners["rola"].isin(network.MEMBER_ROLES).sum())
    core = core_sectors()
    summary, first = facts.summary, facts.first_summary
    lines: dict[str, tuple[_Line, bool]] = {
        "czlonkowie": (_Line(str(members)), True),
        "kandydaci": (_Line(str(int((partners["rola"] == "kandydat").sum()))), True),
        "sektory": (_Line(f"{len(core) - len(summary['sectors_missing'])} z {len(core)}"), True),
        "bez_deklaracji": (_Line(str(len(network.members_without_declaration(data)))), True),
    }

    def measure(key: str, fmt, direction: str, value_of=lambda value: value) -> _Line:
        value = value_of(summary[key])
        before = value_of(first[key]) if first and first[key] is not None else None
        change, good = _change(before, value, fmt, direction)
        return _Line(fmt(value), f"{change} od {facts.first_net.measurement}" if change else "", good)

    status = facts.response
    answered = measure("response_rate", percent, "wyzej") if summary["response_rate"] is not None else _Line("—")
    if status.members:  # "75 % (3 z 4)": the share and the people behind it
        answered.value += f" ({_t('karta_z', liczba=len(status.respondents), z=len(status.members))})"
    lines.update({
        "odpowiedzi": (answered, facts.has_ties),
        "powiazania": (measure("ties", str, "wyzej"), facts.has_ties),
        "sredni_poziom": (measure("mean_level", number, "wyzej"), facts.has_ties),
        "wzajemnosc": (measure("reciprocity", percent, "wyzej"), facts.has_ties),
        "zasieg_lidera": (measure("leader_reach", percent, "wyzej") if summary["leader_reach"] is not None
                          else _Line(_t("brak_lidera")), facts.has_ties),
        "izolowani": (measure("isolates", str, "nizej", value_of=len), facts.has_ties),
    })

    if facts.has_services:
        bask = facts.basket_summary
        gaps = facts.gaps
        urgent = int((pd.to_numeric(gaps["Priorytet"], errors="coerce") <= 1).sum())
        barriers = facts.access_barriers
        free_access = barriers.loc[barriers["Wartość"] == dictionary("tryby_dostepu").label("bez_skierowania"),
                                   "Udział"]
        lines.update({
            "uslugi": (_Line(str(bask["services"])), True),
            "potrzeby_pokryte": (_Line(f"{bask['needs_covered']} z {bask['needs']}"), facts.has_needs),
            "luki_priorytetowe": (_Line(str(urgent)), facts.has_needs),
            "pokryte_nominalnie": (_Line(str(bask["needs_nominally_covered"])), facts.has_needs),
            "jeden_dostawca": (_Line(str(len(bask["single_provider_areas"]))), True),
            "bez_skierowania": (_Line(percent(float(free_access.iloc[0])) if len(free_access) else "—"), True),
        })
    if facts.has_survey:
        shown = ", ".join(f"{m}: {n}" for m, n in facts.respondents.items())  # as in every output
        lines["respondenci"] = (_Line(shown), True)
        meta = load_instrument().meta

        def shown(measurement: str) -> set[str]:
            return {code for code, by in facts.scores.items() if by.get(measurement) is not None}

        def band_count(band_name: str, measurement: str) -> int:
            return sum(1 for by in facts.scores.values() if evaluation.band(by.get(measurement)) == band_name)

        latest = facts.survey_measurement
        for code, band_name, direction in (("mocne_strony", meta.get("pasmo_mocna", "mocna strona"), "wyzej"),
                                           ("wymaga_uwagi", meta.get("pasmo_uwaga", "wymaga uwagi"), "nizej")):
            now = band_count(band_name, latest)
            # a hidden score is in no band: counting it would make it a 0 ("5 z 12" when only 10 are shown)
            line = _Line(_t("karta_z", liczba=now, z=len(facts.scores)) if len(shown(latest)) == len(facts.scores)
                         else _t("karta_z_pokazanych", liczba=now, z=len(shown(latest))))
            if len(facts.survey_measurements) > 1:
                before = facts.survey_measurements[0]
                if shown(before) == shown(latest) and shown(latest):  # the same factors on both sides
                    line.change, line.change_good = _change(band_count(band_name, before), now, str, direction)
                    line.change += f" od {before}" if line.change else ""
                else:
                    line.change = _t("karta_bez_porownania")
            lines[code] = (line, True)
    return lines


def _scorecard_note(facts: Analysis) -> str | None:
    """Why the scorecard gives no change in the survey rows, when it gives none (never a silent "—")."""
    if not facts.has_survey or len(facts.survey_measurements) < 2:
        return None
    before, latest = facts.survey_measurements[0], facts.survey_measurements[-1]
    missing = [m for m in (before, latest) if any(by.get(m) is None for by in facts.scores.values())]
    shown = [{code for code, by in facts.scores.items() if by.get(m) is not None} for m in (before, latest)]
    if shown[0] == shown[1] and shown[1]:
        return None
    return _t("karta_bez_porownania_objasnienie", przed=before, po=latest, pomiary=" i ".join(missing))


def _scorecard(document, facts: Analysis) -> None:
    _chapter(document, _t("karta_tytul"))
    _paragraph(document, _t("karta_wstep", **glossary.bands()), size=9, color=word.GREY, after=6)
    lines = _scorecard_lines(facts)
    bands = glossary.bands()  # the evaluation's band words: one vocabulary for every colour in the report
    labels = {GOOD: bands["mocna"], WATCH: bands["obserwacja"], ACTION: bands["uwaga"],
              MISSING: _t("nie_zebrano"), NEUTRAL: ""}
    rows = read_table("raport", "karta.csv")
    widths = [Cm(7.4), Cm(3.3), Cm(3.7), Cm(3.0)]
    grid = word.table(document, ["Miara", "Wynik", "Zmiana", "Ocena"], widths, rows=0)
    step = None
    merged_cells = []
    for spec in rows:
        if spec["krok"] != step:
            step = spec["krok"]
            cells = grid.add_row().cells
            merged = cells[0].merge(cells[-1])
            merged_cells.append(merged)
            word.cell_text(merged, _t(f"krok_{step}"), bold=True, size=9.5, color=word.NAVY)
            word.shade(merged, STEP_FILL)
        line, collected = lines.get(spec["kod"], (_Line(""), False))
        rating = _rating(facts, spec["reguly"].split(), collected)
        cells = grid.add_row().cells
        word.cell_text(cells[0], glossary.label(spec["miara"]), size=9)
        word.cell_text(cells[1], line.value if collected else _t("nie_zebrano"), size=9, bold=collected,
                       color=None if collected else word.GREY)
        colour = None if line.change_good is None else GREEN if line.change_good else RED
        # a dash, not an empty cell: an empty line takes the 10 pt default and makes its row taller
        word.cell_text(cells[2], (line.change if collected else "") or "—", size=8.5, color=colour)
        word.cell_text(cells[3], labels[rating] or "—", size=8.5)
        if rating != NEUTRAL:
            word.shade(cells[3], FILLS[rating])
    word.set_widths(grid, widths)
    for merged in merged_cells:  # a step's heading spans the table (Word reads the cell's own width)
        merged.width = sum(widths)
    for row in grid.rows:
        word.no_split(row)

    note = _scorecard_note(facts)
    if note:
        _paragraph(document, note, size=8, italic=True, color=word.GREY, before=2)
    if facts.has_survey:
        _factor_card(document, facts)
    urgent = [r for r in facts.recommendations if r.priority == 1]
    if urgent:
        document.add_heading(_t("karta_najwazniejsze"), level=2)
        for rec in urgent[:5]:
            paragraph = document.add_paragraph(style="List Bullet")
            paragraph.paragraph_format.space_after = Pt(1)
            word.run(paragraph, f"{rec.step_label}: ", size=9, color=word.GREY)
            word.run(paragraph, rec.title, size=9, bold=True)
    source = _t("karta_zrodlo", siec=f"pomiar {facts.network_measurement}" if facts.has_ties else _t("nie_zebrano"),
                ankieta=("pomiar " if len(facts.survey_measurements) == 1 else "pomiary ")
                + ", ".join(facts.survey_measurements) if facts.has_survey else _t("nie_zebrano"))
    _paragraph(document, source, size=8, italic=True, color=word.GREY, before=4)


def _band_fill(score: float | None) -> str:
    name = evaluation.band(score)
    meta = load_instrument().meta
    return {meta.get("pasmo_mocna", "mocna strona"): FILLS[GOOD],
            meta.get("pasmo_obserwacja", "do obserwacji"): FILLS[WATCH],
            meta.get("pasmo_uwaga", "wymaga uwagi"): FILLS[ACTION]}.get(name, FILLS[MISSING])


def _score_text(score: float | None, withheld: bool = True) -> str:
    """A score, or why there is none: withheld for anonymity ("ukryte") or nobody answered those items."""
    if not _missing(score):
        return glossary.fmt("factor_score", score)
    return _t("ukryte_krotko") if withheld else _t("brak_odpowiedzi")


def _legend(document, texts: list[str]) -> None:
    """What "ukryte" and "brak odpowiedzi" mean, under a table that uses them."""
    notes = [_t(note) for word_used, note in (("ukryte_krotko", "ukryte_objasnienie"),
                                               ("brak_odpowiedzi", "brak_odpowiedzi_objasnienie"))
             if _t(word_used) in texts]
    if notes:
        _paragraph(document, " ".join(notes), size=8, italic=True, color=word.GREY, after=4)


def _factor_rows(facts: Analysis) -> tuple[list[str], list[list[tuple[str, str | None, RGBColor | None]]]]:
    """Header and rows of the factor table: name, score per measurement, change first → last, band."""
    measurements = facts.survey_measurements
    first, last = measurements[0], measurements[-1]
    headers = ["Czynnik", *measurements] + (["Zmiana"] if len(measurements) > 1 else []) + ["Pasmo"]
    answered = {m: evaluation.respondent_scores(facts.data, m).notna().sum() for m in measurements}
    rows = []
    for factor in load_instrument().factors:
        by = facts.scores[factor.code]
        row: list[tuple[str, str | None, RGBColor | None]] = [(factor.name, None, None)]
        row += [(_score_text(by.get(m), withheld=bool(answered[m].get(factor.code, 0))), None,
                 word.GREY if _missing(by.get(m)) else None) for m in measurements]
        if len(measurements) > 1:
            a, b = by.get(first), by.get(last)
            if _missing(a) or _missing(b):
                row.append(("—", None, word.GREY))
            else:
                delta = round(b - a, 2)
                row.append((_signed(delta, number), None, GREEN if delta > 0 else RED if delta < 0 else None))
        latest = by.get(last)
        row.append((evaluation.band(latest) or "—", _band_fill(latest), None))
        rows.append(row)
    return headers, rows


def _factor_table(document, facts: Analysis, *, size: float = 9) -> None:
    headers, rows = _factor_rows(facts)
    extra = len(headers) - 2
    column = 2.6 if extra <= 3 else 2.2  # "brak odpowiedzi" on one line when there is room
    widths = [Cm(17.4 - 3.2 - column * extra), *[Cm(column)] * extra, Cm(3.2)]
    grid = word.table(document, headers, widths, rows=len(rows))
    for table_row, row in zip(grid.rows[1:], rows, strict=True):
        word.no_split(table_row)
        for k, (cell, (text, fill, colour)) in enumerate(zip(table_row.cells, row, strict=True)):
            word.cell_text(cell, text, size=size, color=colour)
            if k:
                cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
            if fill:
                word.shade(cell, fill)
    _legend(document, [text for row in rows for text, _, _ in row])
    if "Zmiana" in headers and any(row[headers.index("Zmiana")][0] == "—" for row in rows):
        _paragraph(document, _t("zmiana_brak_objasnienie"), size=8, italic=True, color=word.GREY, after=4)


def _factor_card(document, facts: Analysis) -> None:
    document.add_heading(_t("karta_czynniki"), level=2)
    _factor_table(document, facts, size=8.5)


# -- recommendations -----------------------------------------------------------------------------------------------


def _recommendations_block(document, facts: Analysis, step: str) -> None:
    document.add_heading(_t("rekomendacje"), level=2)
    found = facts.step_recommendations(step)
    if not found:
        _paragraph(document, _t("rekomendacje_brak"), italic=True, color=word.GREY)
        return
    widths = [Cm(2.4), Cm(15.0)]
    grid = word.table(document, ["Priorytet", "Co zrobić i dlaczego"], widths, rows=len(found))
    for row, rec in zip(grid.rows[1:], found, strict=True):
        word.no_split(row)
        word.cell_text(row.cells[0], rec.priority_label, size=9, bold=True)
        word.shade(row.cells[0], PRIORITY_FILLS.get(rec.priority, FILLS[NEUTRAL]))
        cell = row.cells[1]
        word.cell_text(cell, rec.title, size=10, bold=True, color=word.NAVY)
        paragraph = cell.add_paragraph()
        paragraph.paragraph_format.space_after = Pt(2)
        word.run(paragraph, rec.text, size=9)
        shown = rec.evidence[:MAX_EVIDENCE]
        if len(rec.evidence) > MAX_EVIDENCE:
            shown.append(_t("rekomendacje_wiecej", liczba=len(rec.evidence) - MAX_EVIDENCE))
        for line in shown:
            paragraph = cell.add_paragraph()
            paragraph.paragraph_format.space_after = Pt(0)
            paragraph.paragraph_format.left_indent = Cm(0.3)
            word.run(paragraph, f"• {line}", size=8.5, color=word.GREY)


# -- chapter 1: network ---------------------------------------------------------------------------------------------


def _facts_table(document, rows: list[tuple[str, str]]) -> None:
    """Label–value pairs in a light two-column table: easier to scan than a paragraph of numbers."""
    word.facts_table(document, rows, [Cm(6.0), Cm(11.4)])
    _paragraph(document, after=2)


def _names(data: GminaData, ids: list[str]) -> str:
    names = data.partner_names()
    return "; ".join(f"{names.get(pid) or pid} ({pid})" for pid in ids) or "brak"


def _network_chapter(document, facts: Analysis) -> None:
    data, summary = facts.data, facts.summary
    _chapter(document, _t("rozdzial_siec"))
    _paragraph(document, _t("siec_wstep"), after=6)
    document.add_heading(_t("siec_sklad"), level=2)
    counts = network.membership(data)
    rows = [
        (glossary.label("leader"), leaders_text(data)),
        *[(glossary.label(code), glossary.fmt(code, counts[code])) for code in ("members", "candidates")],
        (glossary.label("sectors_present"), network.sector_names(summary["sectors_present"]) or "brak"),
        (glossary.label("sectors_missing"),
         network.sector_names(summary["sectors_missing"]) or "brak — wszystkie obecne"),
    ]
    _facts_table(document, rows)
    if not facts.has_ties:
        _paragraph(document, _t("siec_brak"), italic=True, after=6)
        _recommendations_block(document, facts, "siec")
        return
    from pzk_kit.network import plots as network_plots

    response_line = _response_line(facts)
    if response_line:
        _paragraph(document, response_line, after=6)
    layout = network_plots.compute_layout([facts.network_of(m).graph for m in facts.network_measurements])
    document.add_heading(_t("siec_mapa", pomiar=facts.network_measurement), level=2)
    figure = network_plots.draw_network(facts.net.graph, leader=facts.net.leaders, pos=layout,
                                        title=f"{data.name} — pomiar {facts.network_measurement}")
    _chart(document, figure, _t("siec_mapa", pomiar=facts.network_measurement))
    _paragraph(document, _t("siec_mapa_opis"), size=8.5, italic=True, color=word.GREY, after=6)
    _codes_table(document, facts)
    document.add_heading(_t("siec_miary"), level=2)
    _measures_table(document, facts)
    _facts_table(document, [
        (glossary.label("brokers"), _names(data, summary["brokers"])),
        (glossary.label("isolates"), _names(data, summary["isolates"])),
    ])
    if facts.first_net is not None:
        change = network.compare_networks(data, facts.first_net, facts.net)
        _paragraph(document, _t("siec_zmiana_opis", nowe=len(change.new_ties), utracone=len(change.lost_ties),
                                zmiany=len(change.level_changes)), size=9.5, after=6)
    _recommendations_block(document, facts, "siec")
    from pzk_kit.network.used_report import used_network_section

    used_network_section(document, facts)


def _response_line(facts: Analysis) -> str | None:
    """Who described the cooperation: with someone missing, the map rests on those who answered, and says so."""
    from pzk_kit.network import response

    status = facts.response
    if not status.members:
        return None
    if status.complete:
        return _t("siec_odpowiedzi_wszyscy", pomiar=facts.network_measurement, czlonkowie=len(status.members))
    missing = [f"{name} ({pid})" for name, pid in zip(response.names(facts.data, status.non_respondents),
                                                      status.non_respondents, strict=True)]
    return _t("siec_odpowiedzi_czesc", pomiar=facts.network_measurement, odpowiedzieli=len(status.respondents),
              czlonkowie=len(status.members), odsetek=glossary.fmt("response_rate", status.response_rate),
              brakujacy="; ".join(missing))


def _codes_table(document, facts: Analysis) -> None:
    """The map prints short codes; this two-pair table tells the reader who they are."""
    lookup = [(pid, str(name or "")) for pid, name in facts.data.partner_names().items()]
    lookup.sort(key=lambda pair: pair[0])
    half = (len(lookup) + 1) // 2
    left, right = lookup[:half], lookup[half:]
    widths = [Cm(2.7), Cm(6.0), Cm(2.7), Cm(6.0)]
    grid = word.table(document, ["Kod", "Instytucja", "Kod", "Instytucja"], widths, rows=half)
    for k, row in enumerate(grid.rows[1:]):
        word.no_split(row)
        for offset, column in ((0, left), (2, right)):
            if k < len(column):
                pid, name = column[k]
                word.cell_text(row.cells[offset], pid, size=7.5, bold=True)
                word.cell_text(row.cells[offset + 1], name, size=7.5)
    _paragraph(document, after=2)


def _measures_table(document, facts: Analysis) -> None:
    keys = list(network.COMPARED_MEASURES)
    if facts.first_summary is None:
        headers, widths = ["Miara", f"Pomiar {facts.network_measurement}"], [Cm(11.4), Cm(6.0)]
    else:
        headers = ["Miara", facts.first_net.measurement, facts.network_measurement, "Zmiana"]
        widths = [Cm(8.4), Cm(3.0), Cm(3.0), Cm(3.0)]
    grid = word.table(document, headers, widths, rows=0)
    for key in keys:
        after = facts.summary[key]
        if after is None:
            continue
        def fmt(value, key=key):
            return glossary.fmt(key, value)
        cells = grid.add_row().cells
        word.cell_text(cells[0], glossary.label(key), size=9)
        values = [after] if facts.first_summary is None else [facts.first_summary[key], after]
        for cell, value in zip(cells[1:], values, strict=False):
            word.cell_text(cell, "—" if value is None else fmt(value), size=9)
            cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
        if facts.first_summary is not None:
            before = facts.first_summary[key]
            text = "—" if before is None else glossary.change(key, round(after - before, 6))
            word.cell_text(cells[3], text, size=9)
            cells[3].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    word.set_widths(grid, widths)
    _paragraph(document, after=2)


# -- chapter 2: basket ------------------------------------------------------------------------------------------


def _basket_chapter(document, facts: Analysis) -> None:
    data = facts.data
    _chapter(document, _t("rozdzial_koszyk"))
    _paragraph(document, _t("koszyk_wstep"), after=6)
    if not facts.has_services:
        _paragraph(document, _t("koszyk_brak_uslug"), italic=True, after=6)
        if not facts.has_needs:
            _paragraph(document, _t("koszyk_brak_potrzeb"), italic=True, after=6)
        _recommendations_block(document, facts, "koszyk")
        return
    summary = facts.basket_summary
    barriers = facts.access_barriers

    def share(label: str) -> str:
        found = barriers.loc[barriers["Wartość"] == label, "Udział"]
        return percent(float(found.iloc[0])) if len(found) else "—"

    providers = data.services["partner"].nunique()
    rows = [
        (glossary.label("services"), glossary.fmt("services", summary["services"])),
        (glossary.label("providers"), glossary.fmt("providers", providers)),
        (glossary.label("no_referral_share"), share(dictionary("tryby_dostepu").label("bez_skierowania"))),
        (glossary.label("free_share"), share(dictionary("odplatnosc").label("bezplatna"))),
    ]
    if facts.has_needs:
        rows[1:1] = [(glossary.label("needs_covered"),
                      glossary.fmt("needs_covered", summary["needs_covered"], of=summary["needs"])),
                     (glossary.label("gaps"), glossary.fmt("gaps", len(summary["gaps"]))),
                     (glossary.label("needs_nominally_covered"),
                      glossary.fmt("needs_nominally_covered", summary["needs_nominally_covered"]))]
    rows.append((glossary.label("single_provider_areas"),
                 glossary.fmt("single_provider_areas", len(summary["single_provider_areas"]))))
    document.add_heading(_t("koszyk_liczby"), level=2)
    _facts_table(document, rows)
    _gaps_section(document, facts)
    _capacity_section(document, facts)
    _matcher_section(document, facts)
    _single_provider_section(document, facts)
    _coverage_page(document, facts)
    _recommendations_block(document, facts, "koszyk")


def _gaps_section(document, facts: Analysis) -> None:
    document.add_heading(_t("koszyk_luki"), level=2)
    if not facts.has_needs:
        _paragraph(document, _t("koszyk_brak_potrzeb"), italic=True, after=6)
        return
    gaps = facts.gaps
    if gaps.empty:
        _paragraph(document, _t("koszyk_bez_luk"), after=6)
        return
    widths = [Cm(5.0), Cm(3.8), Cm(2.0), Cm(1.8), Cm(4.8)]
    grid = word.table(document, ["Obszar potrzeb", "Grupa", "Liczba osób", "Priorytet", "Źródło"], widths,
                      rows=len(gaps))
    for row, values in zip(grid.rows[1:], gaps.itertuples(index=False), strict=True):
        word.no_split(row)
        for k, value in enumerate(values[:5]):
            word.cell_text(row.cells[k], "—" if _missing(value) else str(value), size=9)
            if k in (2, 3):
                row.cells[k].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    _paragraph(document, after=2)


def _capacity_section(document, facts: Analysis) -> None:
    """Needs with a service but fewer places than people: covered on paper only."""
    if not facts.has_needs:
        return
    document.add_heading(_t("koszyk_miejsca"), level=2)
    table = facts.capacity
    short = table[table["Stan"] == basket.CAPACITY_WORDS["pokryta_nominalnie"]]
    if short.empty:
        _paragraph(document, _t("koszyk_miejsca_wystarcza"), after=6)
        return
    _paragraph(document, _t("koszyk_miejsca_opis"), size=9, italic=True, color=word.GREY, after=4)
    columns = ["Obszar potrzeb", "Grupa", "Osoby", "Miejsca", "Współczynnik", "Usługi"]
    widths = [Cm(5.0), Cm(3.8), Cm(1.7), Cm(1.8), Cm(2.4), Cm(2.7)]
    grid = word.table(document, columns, widths, rows=len(short))
    for row, values in zip(grid.rows[1:], short[columns].itertuples(index=False), strict=True):
        word.no_split(row)
        for k, value in enumerate(values):
            word.cell_text(row.cells[k], str(value), size=9)
            if 2 <= k <= 4:
                row.cells[k].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    _paragraph(document, after=2)


def _matcher_section(document, facts: Analysis) -> None:
    """Who could fill each gap or add places: members of the sectors that usually do it, and candidates."""
    from pzk_kit.basket.matcher import inviter_text

    matches = facts.gap_matches if facts.has_needs else []
    if not matches:
        return
    document.add_heading(_t("koszyk_kto_moze"), level=2)
    _paragraph(document, _t("koszyk_kto_moze_opis"), size=9, italic=True, color=word.GREY, after=4)
    areas, groups = dictionary("obszary_potrzeb"), dictionary("grupy_docelowe")
    widths = [Cm(5.0), Cm(2.6), Cm(5.0), Cm(4.8)]
    grid = word.table(document, ["Potrzeba", "Stan", "Partnerzy PZK", "Kandydaci — kto zaprasza"], widths,
                      rows=len(matches))
    for row, match in zip(grid.rows[1:], matches, strict=True):
        word.no_split(row)
        state = _t("koszyk_stan_luka") if match.status == "luka" else _t("koszyk_stan_nominalnie")
        word.cell_text(row.cells[0], f"{areas.label(match.area)} — {groups.label(match.group).lower()}", size=9)
        word.cell_text(row.cells[1], state, size=9)
        word.cell_text(row.cells[2], ", ".join(match.partners) or "—", size=9)
        word.cell_text(row.cells[3], "; ".join(f"{c.id}: {inviter_text(c)}" for c in match.candidates) or "—",
                       size=9)
    _paragraph(document, after=2)


def _single_provider_section(document, facts: Analysis) -> None:
    document.add_heading(_t("koszyk_jeden_dostawca"), level=2)
    single = facts.single_provider
    if single.empty:
        _paragraph(document, _t("koszyk_bez_jednego"), after=6)
        return
    widths = [Cm(7.4), Cm(10.0)]
    grid = word.table(document, ["Obszar potrzeb", "Jedyna instytucja, która świadczy usługi"], widths,
                      rows=len(single))
    for row, (area, pid, name) in zip(grid.rows[1:], single.itertuples(index=False), strict=True):
        word.no_split(row)
        word.cell_text(row.cells[0], area, size=9)
        word.cell_text(row.cells[1], f"{name or pid} ({pid})", size=9)
    _paragraph(document, after=2)


def _coverage_page(document, facts: Analysis) -> None:
    """The area × group heatmap is wide: it gets a landscape page of its own, then the chapter goes on."""
    from pzk_kit.basket import plots as basket_plots

    services, _ = basket.coverage_matrix(facts.data)
    needs = basket.needs_coverage(facts.data) if facts.has_needs else None
    word.new_section(document, landscape=True)
    heading = document.add_heading(_t("koszyk_pokrycie"), level=2)
    heading.paragraph_format.space_before = Pt(0)
    _paragraph(document, _t("koszyk_pokrycie_opis"), size=9, italic=True, color=word.GREY, after=4)
    figure = basket_plots.draw_coverage_heatmap(services, needs)
    width, height = figure.get_size_inches()
    available_width, available_height = word.section_width(document), Cm(15.2)
    scale = min(available_width / width, available_height / height)
    _chart(document, figure, _t("koszyk_pokrycie"), width=int(width * scale))
    word.new_section(document, landscape=False)


# -- chapter 3: evaluation -------------------------------------------------------------------------------------


def _evaluation_chapter(document, facts: Analysis) -> None:
    data = facts.data
    _chapter(document, _t("rozdzial_ewaluacja"))
    _paragraph(document, _t("ewaluacja_wstep"), after=6)
    if not facts.has_survey:
        _paragraph(document, _t("ewaluacja_brak"), italic=True, after=6)
        _recommendations_block(document, facts, "ewaluacja")
        return
    _paragraph(document, _t("ewaluacja_respondenci", lista=", ".join(
        f"{m} — {n}" for m, n in facts.respondents.items())), after=6)

    from pzk_kit.evaluation import plots as evaluation_plots

    table = evaluation.factor_table(data)
    keep = ["Czynnik", *facts.survey_measurements[-2:]]
    document.add_heading(_t("ewaluacja_czynniki"), level=2)
    _chart(document, evaluation_plots.draw_factor_bands(table[keep]), _t("ewaluacja_czynniki"), width=Cm(16))
    measurements = facts.survey_measurements
    if len(measurements) > 1:
        document.add_heading(_t("ewaluacja_zmiana", przed=measurements[0], po=measurements[-1]), level=2)
    else:
        later = evaluation.survey_measurements(data)[1:]
        text = (_t("ewaluacja_pierwszy_pomiar", pomiar=measurements[0], pozniejsze=", ".join(later)) if later
                else _t("ewaluacja_jeden_pomiar", pomiar=measurements[0]))
        _paragraph(document, text, italic=True, after=4)
    _factor_table(document, facts)
    _paragraph(document, after=2)
    _sector_tables(document, facts)
    _recommendations_block(document, facts, "ewaluacja")


def _sector_tables(document, facts: Analysis) -> None:
    measurement = facts.survey_measurement
    result = evaluation.breakdown(facts.data, measurement, "sektor")
    groups = [c for c in result.table.columns if c != "Czynnik"]
    document.add_heading(_t("ewaluacja_sektory", pomiar=measurement), level=2)
    _paragraph(document, _t("ewaluacja_sektory_opis"), size=9, color=word.GREY, after=4)
    tables = max(1, -(-len(groups) // SECTORS_PER_TABLE))
    size = -(-len(groups) // tables) if groups else 0
    longest = max((len(g) for g in groups), default=0)
    shown: list[str] = []
    for start in range(0, len(groups), size or 1):
        chunk = groups[start:start + size]
        widths = [Cm(17.4 - SECTOR_WIDTH_CM * len(chunk)), *[Cm(SECTOR_WIDTH_CM)] * len(chunk)]
        grid = word.table(document, ["Czynnik", *chunk], widths, rows=len(result.table))
        for cell in grid.rows[0].cells[1:]:  # sector names read upwards: the columns stay narrow
            word.vertical_text(cell, height_cm=min(3.4, 0.4 + 0.18 * longest))
        for row, (_, values) in zip(grid.rows[1:], result.table.iterrows(), strict=True):
            word.no_split(row)
            word.cell_text(row.cells[0], str(values["Czynnik"]), size=8.5)
            for k, group in enumerate(chunk, start=1):
                score = values[group]
                withheld = f"{measurement} · sektor {group} · {values['Czynnik']}:"
                text = _score_text(score, withheld=any(line.startswith(withheld) for line in result.suppressed))
                shown.append(text)
                word.cell_text(row.cells[k], text, size=8.5, color=word.GREY if _missing(score) else None)
                row.cells[k].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
                word.shade(row.cells[k], _band_fill(score))
        _paragraph(document, after=2)
    _legend(document, shown)
    reasons = evaluation.hidden_groups_of(facts.data, measurement, "sektor")
    reasons.pop(evaluation.NO_GROUP, None)
    few = [group for group, reason in reasons.items() if reason == evaluation.too_few_reason()]
    subtracted = [group for group in reasons if group not in few]
    if few:
        _paragraph(document, _t("ewaluacja_sektory_ukryte", lista=", ".join(few)), size=9, italic=True,
                   color=word.GREY, after=6)
    if subtracted:
        _paragraph(document, _t("ewaluacja_sektory_odejmowanie", lista=", ".join(subtracted)), size=9,
                   italic=True, color=word.GREY, after=6)


# -- appendix ---------------------------------------------------------------------------------------------------


def _method_appendix(document, facts: Analysis, day: dt.date) -> None:
    _chapter(document, _t("metoda_tytul"))
    text = data_path("raport", "metoda.md").read_text(encoding="utf-8")
    for block in re.split(r"\n\s*\n", text.strip()):
        block = " ".join(line.strip() for line in block.splitlines())
        if block.startswith("## "):
            document.add_heading(block[3:], level=2)
        elif block.startswith("[[") and block.endswith("]]"):
            for label, description in _definitions(block[2:-2]):
                paragraph = document.add_paragraph(style="List Bullet")
                paragraph.paragraph_format.space_after = Pt(1)
                word.run(paragraph, f"{label} — ", size=9, bold=True)
                word.run(paragraph, description, size=9)
        else:
            _paragraph(document, block, size=9.5, after=4)
    _paragraph(document, _t("wygenerowano", zrodlo=facts.data.source.name, data=polish.date(day)), size=8,
               italic=True, color=word.GREY, before=10)


def _definitions(name: str) -> list[tuple[str, str]]:
    """Definition lists the method note pulls in from the kit's other data files, so they never disagree."""
    if name.startswith("miary:"):  # the glossary of headline figures of one step
        return [(figure.label, figure.definition) for figure in glossary.of_step(name.split(":", 1)[1])]
    if name == "czynniki":
        return [(f.name, f.description) for f in load_instrument().factors]
    return []
