"""The resident-facing service catalogue (``katalog_uslug.html`` and ``katalog_uslug.docx``, CONTRACT §3).

The local basket of services (step 2 of the model) has to be "czytelny dla każdego mieszkańca": services are
grouped by life situation ("Szukam pomocy, gdy …"), described in plain words, with institutional contacts only.
:func:`catalogue_sections` decides the grouping, order and every displayed text once; the HTML page and the Word
document only lay it out, so they can never disagree.

All resident-facing wording lives in data files under ``pzk_kit/data/szablony`` (``katalog_teksty.csv`` and the
jinja2 template of the page), so a gmina or a trainer can adjust it without touching code.

Privacy (DOMAIN.md, RODO): only the partner's ``adres``, ``telefon``, ``email``, ``www`` and the service's
``kontakt`` are printed, and everything is built from :func:`pzk_kit.privacy.published`, the kit's one privacy
rule: no ``osoba_kontaktowa``, personal e-mail addresses, mobile numbers or people's names in any text, unless the
caller passes ``include_personal=True``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import html
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import jinja2
import markupsafe
import pandas as pd

from pzk_kit import polish, texts, word
from pzk_kit.files import atomic_file
from pzk_kit.privacy import published
from pzk_kit.resources import data_path
from pzk_kit.runs import outputs
from pzk_kit.word import Cm, Pt
from pzk_kit.workbook import service_records
from pzk_kit.workbook.cells import looks_like_email
from pzk_kit.workbook.dictionaries import dictionary
from pzk_kit.workbook.reading import GminaData
from pzk_kit.workbook.text import clean_cell_text, display_text, strip_diacritics

HTML_NAME = outputs.CATALOGUE_HTML_NAME
DOCX_NAME = outputs.CATALOGUE_DOCX_NAME
TEMPLATE_DIR = ("szablony",)
HTML_TEMPLATE = "katalog_uslug.html.j2"
TEXTS_FILE = "katalog_teksty.csv"
EVERYONE = "wszyscy"
OTHER_SECTION = "inne"

_EMAIL_IN_TEXT = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE_IN_TEXT = re.compile(r"(?<![\d+])(?:\+48[ ]?)?\d{2,3}(?:[ -]\d{2,3}){2,3}(?!\d)")
_LINKABLE = re.compile(f"(?P<email>{_EMAIL_IN_TEXT.pattern})|(?P<phone>{_PHONE_IN_TEXT.pattern})")
_POLISH_ORDER = {ch: rank for rank, ch in enumerate("aąbcćdeęfghijklłmnńoóprsśtuvwxyzźż")}


# -- the shared model -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ContactItem:
    """One line of an institutional contact; ``href`` only for safe ``tel:``, ``mailto:`` and ``http(s):`` links."""

    kind: str  # telefon | email | www | adres | tekst | osoba
    text: str
    href: str | None = None


@dataclass(frozen=True)
class CatalogueService:
    """One service with every text a resident sees, ready for the HTML page and the Word document."""

    key: str  # a safe anchor (u1, u2, … in alphabetical order); ids typed by users never reach HTML ids
    id: str
    name: str
    provider: str
    provider_id: str | None
    description: str
    form: str
    groups: tuple[str, ...]
    groups_text: str
    access: str  # dictionary code or ""
    access_text: str
    cost: str
    cost_text: str
    place: str
    hours: str
    limit: int | None
    limit_text: str
    contact: tuple[ContactItem, ...]
    areas: tuple[str, ...]  # sections the service appears in (codes), in catalogue order
    search_text: str  # lowercase, without diacritics: what the page's search box looks in
    # Richer records (issue 17); every text here is plain text, escaped by the page like any other value.
    scope: str = ""  # zakres: one of the CUS act's 14 areas (code) or ""
    scope_text: str = ""
    bring: str = ""  # co_zabrac
    accessibility: tuple[Feature, ...] = ()
    languages_text: str = ""  # "Usługa także po ukraińsku" ("" when only Polish)
    native_lines: tuple[NativeLine, ...] = ()  # the same said in the language itself
    area_served: str = ""  # obszar_dzialania
    verified: dt.date | None = None
    verified_text: str = ""  # "sprawdzono: 15 marca 2024 r."
    stale: bool = False
    stale_text: str = ""
    provider_badge: str = ""  # "podmiot ekonomii społecznej (CIS)"


@dataclass(frozen=True)
class Feature:
    """An accessibility feature: a short badge for the eye and the full label, which is what is read out."""

    code: str
    label: str
    short: str


@dataclass(frozen=True)
class NativeLine:
    """A sentence in another language, with its ``lang`` code so that screen readers switch voice."""

    lang: str
    text: str


@dataclass(frozen=True)
class CatalogueSection:
    """A life situation ("Szukam pomocy, gdy …") and its services, sorted by name."""

    code: str
    label: str
    situation: str
    heading: str
    anchor: str
    services: tuple[CatalogueService, ...]


@dataclass(frozen=True)
class CatalogueProvider:
    """A partner that provides at least one service, with its institutional contact."""

    id: str
    name: str
    contact: tuple[ContactItem, ...]
    services: tuple[str, ...]
    badge: str = ""  # "podmiot ekonomii społecznej (CIS)"


@cache
def catalogue_texts() -> dict[str, str]:
    """Resident-facing wording of the catalogue (``data/szablony/katalog_teksty.csv``): key → text."""
    return texts.load(*TEMPLATE_DIR, file=TEXTS_FILE)


def _text(key: str, **values: object) -> str:
    """A text from the catalogue wording with ``{name}`` placeholders filled (stray braces are harmless)."""
    return texts.fill(catalogue_texts().get(key, ""), **values)


def catalogue_sections(data: GminaData, *, include_personal: bool = False,
                       today: dt.date | None = None) -> list[CatalogueSection]:
    """Services grouped by need area in dictionary order (areas without services are left out).

    A service listed under several areas appears in each of them; services sorted by name inside a section.
    Services whose areas are all unknown go to a final "Szukam pomocy w innej sprawie" section.
    """
    services = _services(data, include_personal=include_personal, today=today)
    areas = dictionary("obszary_potrzeb")
    sections: list[CatalogueSection] = []
    for entry in areas.entries:
        members = tuple(s for s in services if entry.code in s.areas)
        if members:
            situation = entry.extra.get("sytuacja") or entry.label.lower()
            sections.append(CatalogueSection(
                code=entry.code, label=entry.label, situation=situation,
                heading=_text("sekcja", sytuacja=situation), anchor=f"gdy-{entry.code}", services=members,
            ))
    others = tuple(s for s in services if OTHER_SECTION in s.areas)
    if others:
        sections.append(CatalogueSection(
            code=OTHER_SECTION, label=_text("sekcja_inne"), situation="", heading=_text("sekcja_inne"),
            anchor=f"gdy-{OTHER_SECTION}", services=others,
        ))
    return sections


def catalogue_services(data: GminaData, *, include_personal: bool = False,
                       today: dt.date | None = None) -> list[CatalogueService]:
    """Every service once, in alphabetical order (the index at the end of the catalogue); ``today`` is the day
    staleness is judged on (the catalogue's date; else :func:`service_records.reference_day`)."""
    return _services(data, include_personal=include_personal, today=today)


def catalogue_providers(data: GminaData, *, include_personal: bool = False,
                        today: dt.date | None = None) -> list[CatalogueProvider]:
    """Partners providing at least one service, alphabetically, with institutional contacts only."""
    data = published(data, include_personal=include_personal)
    services = _services(data, include_personal=include_personal, today=today)
    by_partner: dict[str, list[str]] = {}
    for service in services:
        if service.provider_id:
            by_partner.setdefault(service.provider_id, []).append(service.name)
    providers = []
    for row in _partner_rows(data).values():
        if row["id"] in by_partner:
            pes = display_text(row.get("pes"))
            providers.append(CatalogueProvider(
                id=row["id"], name=display_text(row.get("nazwa")) or row["id"],
                contact=_partner_contact(row, with_person=include_personal),
                services=tuple(by_partner[row["id"]]),
                badge=_text(f"pes.{pes}") if pes else "",
            ))
    return sorted(providers, key=lambda p: polish_sort_key(p.name))


def polish_sort_key(text: str) -> tuple:
    """Alphabetical order of the Polish alphabet (a < ą < b …), case-insensitive, without a system locale.

    Digits come before letters; letters outside the Polish alphabet sort with their base letter (ü with u);
    punctuation and spaces are ignored, as in a printed index.
    """
    key = []
    for ch in text.casefold():
        if ch in _POLISH_ORDER:
            key.append((1, _POLISH_ORDER[ch], ch))
        elif ch.isdigit():
            key.append((0, int(ch) if ch.isascii() else 0, ch))
        elif ch.isalpha():
            key.append((1, _POLISH_ORDER.get(strip_diacritics(ch)[:1], len(_POLISH_ORDER)), ch))
    return (tuple(key), text)


def _services(data: GminaData, *, include_personal: bool, today: dt.date | None = None) -> list[CatalogueService]:
    data = published(data, include_personal=include_personal)
    day = service_records.reference_day(today)
    frame = data.services
    if frame is None or frame.empty:
        return []
    partners = _partner_rows(data)
    areas = dictionary("obszary_potrzeb")
    known_areas = set(areas.codes)
    rows = [record for record in frame.to_dict("records") if display_text(record.get("nazwa"))]
    rows.sort(key=lambda r: (polish_sort_key(display_text(r.get("nazwa"))), display_text(r.get("id"))))
    services = []
    for number, record in enumerate(rows, start=1):
        partner_id = display_text(record.get("partner")) or None
        partner = partners.get(partner_id) if partner_id else None
        listed = [a for a in (record.get("obszary") or ()) if a in known_areas]
        ordered = tuple(code for code in areas.codes if code in listed) or (OTHER_SECTION,)
        groups = tuple(record.get("grupy") or ())
        access = display_text(record.get("dostep"))
        cost = display_text(record.get("odplatnosc"))
        limit = record.get("limit_miejsc")
        limit = None if limit is None or pd.isna(limit) else int(limit)
        verified = service_records.verified_day(record.get("data_weryfikacji"))
        stale = service_records.is_stale(verified, day)
        scope = display_text(record.get("zakres"))
        languages = tuple(record.get("jezyki") or ())
        service = CatalogueService(
            key=f"u{number}",
            id=display_text(record.get("id")),
            name=display_text(record.get("nazwa")),
            provider=display_text(partner.get("nazwa")) if partner else "",
            provider_id=partner_id if partner else None,
            description=display_text(record.get("opis")),
            form=display_text(record.get("forma")),
            groups=groups,
            groups_text=_groups_text(groups),
            access=access,
            access_text=_text(f"dostep.{access}") if access else _text("dostep_brak"),
            cost=cost,
            cost_text=_text(f"koszt.{cost}") if cost else _text("koszt_brak"),
            place=display_text(record.get("miejsce")),
            hours=display_text(record.get("godziny")),
            limit=limit,
            limit_text=_text("limit", liczba=limit) if limit else "",
            contact=_service_contact(record, partner),
            areas=ordered,
            search_text="",
            scope=scope,
            scope_text=dictionary("zakresy_uslug_spolecznych").label(scope) if scope else "",
            bring=display_text(record.get("co_zabrac")),
            accessibility=_features(record.get("dostepnosc")),
            languages_text=_languages_text(languages),
            native_lines=_native_lines(languages),
            area_served=display_text(record.get("obszar_dzialania")),
            verified=verified,
            verified_text=_text("sprawdzono", data=polish.date(verified)) if verified else "",
            stale=stale,
            stale_text=_text("nieaktualne") if stale else "",
            provider_badge=_text(f"pes.{pes}") if partner and (pes := display_text(partner.get("pes"))) else "",
        )
        services.append(_with_search_text(service, partner))
    return services


def _features(value: object) -> tuple[Feature, ...]:
    dic = dictionary("dostepnosc")
    codes = tuple(value) if isinstance(value, tuple) else ()
    return tuple(Feature(code, dic.label(code), _text(f"dostepnosc_krotko.{code}") or dic.label(code))
                 for code in dic.codes if code in codes)


def _languages_text(codes: tuple[str, ...]) -> str:
    """"Usługa także po ukraińsku i angielsku"; without Polish listed, "Usługa po ukraińsku"; only Polish: ""."""
    others = [_text(f"jezyk_po.{code}") or dictionary("jezyki").label(code).lower()
              for code in dictionary("jezyki").codes if code in codes and code != service_records.POLISH]
    if not others:
        return ""
    listed = others[0] if len(others) == 1 else f"{', '.join(others[:-1])} {_text('jezyki_i')} {others[-1]}"
    return _text("jezyki_takze" if service_records.POLISH in codes else "jezyki_tylko", jezyki=listed)


def _native_lines(codes: tuple[str, ...]) -> tuple[NativeLine, ...]:
    lines = []
    for code in dictionary("jezyki").codes:
        text = _text(f"jezyk_natywny.{code}") if code in codes else ""
        if text:
            lang, _, sentence_text = text.partition("|")
            lines.append(NativeLine(lang.strip(), sentence_text.strip()))
    return tuple(lines)


def _with_search_text(service: CatalogueService, partner: dict | None) -> CatalogueService:
    areas = dictionary("obszary_potrzeb")
    words = [service.name, service.description, service.provider, service.form, service.groups_text,
             service.place, service.access_text, service.cost_text, service.scope_text, service.bring,
             service.area_served, service.languages_text, service.provider_badge,
             *(f.label for f in service.accessibility)]
    for code in service.areas:
        entry = areas.entry(code)
        if entry is not None:
            words += [entry.label, entry.extra.get("sytuacja", ""), entry.extra.get("aliasy", "").replace("|", " ")]
    if partner:
        words.append(display_text(partner.get("id")))
    text = " ".join(w for w in words if w)
    return dataclasses.replace(service, search_text=_search_form(text))


def _search_form(text: str) -> str:
    """The form the page's script compares: lowercase, no diacritics, single spaces (mirrors ``norm`` in JS)."""
    return clean_cell_text(strip_diacritics(text.lower()))


def _groups_text(groups: tuple[str, ...]) -> str:
    dic = dictionary("grupy_docelowe")
    named = [dic.label(code).lower() for code in dic.codes if code in groups and code != EVERYONE]
    if EVERYONE in groups or not groups:
        return _text("grupa_wszyscy_zwlaszcza", grupy=", ".join(named)) if named else _text("grupa_wszyscy")
    return ", ".join(named)


def _partner_rows(data: GminaData) -> dict[str, dict]:
    frame = data.partners
    if frame is None or frame.empty:
        return {}
    return {row["id"]: row for row in frame.to_dict("records") if display_text(row.get("id"))}


# -- contacts and privacy ---------------------------------------------------------------------------------------


def _phone_href(phone: str) -> str | None:
    digits = re.sub(r"[^\d+]", "", phone)
    if not 3 <= len(digits.lstrip("+")) <= 15 or "+" in digits[1:]:
        return None
    return f"tel:{digits}"


def _www_href(url: str) -> str | None:
    if re.match(r"^https?://[^\s\"'<>]+$", url, flags=re.IGNORECASE):
        return url
    if re.match(r"^www\.[^\s\"'<>]+$", url, flags=re.IGNORECASE):
        return f"https://{url}"
    return None


def _partner_contact(row: dict, *, with_person: bool) -> tuple[ContactItem, ...]:
    """Institutional contact of a partner: address, phone, e-mail, www (and the contact person only on request)."""
    items: list[ContactItem] = []
    address = display_text(row.get("adres"))
    if address:
        items.append(ContactItem("adres", address))
    phone = display_text(row.get("telefon"))
    if phone:
        items.append(ContactItem("telefon", f"{_text('tel')} {phone}", _phone_href(phone)))
    email = display_text(row.get("email"))
    if email:
        href = f"mailto:{email}" if looks_like_email(email) else None
        items.append(ContactItem("email", f"{_text('e-mail')}: {email}", href))
    www = display_text(row.get("www"))
    if www:
        items.append(ContactItem("www", www, _www_href(www)))
    person = display_text(row.get("osoba_kontaktowa"))
    if with_person and person:
        items.append(ContactItem("osoba", f"{_text('osoba')}: {person}"))
    return tuple(items)


def _service_contact(record: dict, partner: dict | None) -> tuple[ContactItem, ...]:
    """The service's own ``kontakt``, else the provider's institutional phone, e-mail, www and address."""
    own = display_text(record.get("kontakt"))
    if own:
        return (ContactItem("tekst", own),)
    if partner is None:
        return ()
    return _partner_contact(partner, with_person=False)


def _leader_text(data: GminaData) -> str:
    """"Centrum Usług Społecznych …, ul. Rynek 12, tel. 12 345 67 89" — where to go when unsure."""
    leader = data.leader
    row = _partner_rows(data).get(leader) if leader else None
    if row is None:
        return ""
    parts = [display_text(row.get("nazwa")) or leader]
    parts += [item.text for item in _partner_contact(row, with_person=False)
              if item.kind in {"adres", "telefon"}]
    return ", ".join(parts)


def also_in(section: CatalogueSection, service: CatalogueService,
            sections: dict[str, CatalogueSection]) -> list[CatalogueSection]:
    """The other sections a service appears in (for "Ta usługa pomaga też, gdy: …"), by section code."""
    return [sections[code] for code in service.areas if code != section.code and code in sections]


def count_text(n: int) -> str:
    """"Znaleziono 12 usług" with the Polish plural (the same rule as the page's script)."""
    if n == 0:
        return "Nie znaleziono żadnej usługi"
    return f"Znaleziono {polish.count(n, 'usługę', 'usługi', 'usług')}"


def _output_path(out: Path, name: str, suffixes: Iterable[str]) -> Path:
    """``out`` is the file itself when it has the right suffix, otherwise the folder to write ``name`` into."""
    out = Path(out)
    if out.suffix.lower() in suffixes and not out.is_dir():
        return out
    return out / name


# -- HTML -------------------------------------------------------------------------------------------------------


def linkify(text: str) -> markupsafe.Markup:
    """Escaped free text with its e-mail addresses and phone numbers as ``mailto:`` / ``tel:`` links.

    Everything is escaped first-hand here (each piece separately), so the result is safe to insert as markup.
    """
    pieces: list[str] = []
    last = 0
    for match in _LINKABLE.finditer(text):
        pieces.append(html.escape(text[last:match.start()]))
        found = match.group(0)
        href = f"mailto:{found}" if match.group("email") else _phone_href(found)
        pieces.append(f'<a href="{html.escape(href)}">{html.escape(found)}</a>' if href else html.escape(found))
        last = match.end()
    pieces.append(html.escape(text[last:]))
    return markupsafe.Markup("".join(pieces))


@cache
def _environment() -> jinja2.Environment:
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(data_path(*TEMPLATE_DIR))),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )
    environment.filters["linkify"] = linkify
    return environment


def render_catalogue_html(
    data: GminaData, *, include_personal: bool = False, generated: dt.date | None = None
) -> str:
    """The catalogue page as one self-contained HTML string (inline CSS and JS, nothing fetched)."""
    data = published(data, include_personal=include_personal)
    sections = catalogue_sections(data, include_personal=include_personal, today=generated)
    services = catalogue_services(data, include_personal=include_personal, today=generated)
    providers = catalogue_providers(data, include_personal=include_personal, today=generated)
    used_groups = {g for s in services for g in s.groups}
    groups = dictionary("grupy_docelowe")
    access = dictionary("tryby_dostepu")
    day = generated or dt.date.today()
    situations = {s.code: s for s in sections}
    context = {
        "t": catalogue_texts(),
        "lang": "pl",
        "title": _text("tytul", gmina=data.name),
        "pzk_line": _text("pzk", projekt=data.project_name),
        "gmina": data.name,
        "mission": _text("misja", misja=mission) if (mission := display_text(data.info.get("misja"))) else "",
        "date_text": _text("stan_na", data=polish.date(day)),
        "date_iso": day.isoformat(),
        "leader_text": _leader_text(data),
        "leader_line": _text("jak_korzystac_lider", lider=_leader_text(data)) if _leader_text(data) else "",
        "empty_leader_line": _text("pusty_lider", lider=_leader_text(data)) if _leader_text(data) else "",
        "sections": sections,
        "situations": situations,
        "services": services,
        "providers": providers,
        "group_options": [(e.code, e.label) for e in groups.entries if e.code in used_groups and e.code != EVERYONE],
        "access_options": [(code, _text(f"filtr_dostep.{code}") or access.label(code).lower())
                           for code in access.codes if any(s.access == code for s in services)],
        "any_free": any(s.cost == "bezplatna" for s in services),
        "scope_options": [(e.code, e.label) for e in dictionary("zakresy_uslug_spolecznych").entries
                          if any(s.scope == e.code for s in services)],
        "count_text": count_text(len(services)),
        "also_in": lambda section, service: also_in(section, service, situations),
    }
    return _environment().get_template(HTML_TEMPLATE).render(**context)


def write_catalogue_html(
    data: GminaData,
    out: Path,
    *,
    overwrite: bool = True,
    include_personal: bool = False,
    generated: dt.date | None = None,
) -> Path:
    """Write ``katalog_uslug.html`` (``out`` is the file or the folder for it); returns the written path."""
    path = _output_path(out, HTML_NAME, {".html", ".htm"})
    html = render_catalogue_html(data, include_personal=include_personal, generated=generated)
    with atomic_file(path, overwrite=overwrite) as tmp:
        tmp.write_text(html, encoding="utf-8")
    return path


# -- DOCX -------------------------------------------------------------------------------------------------------

_LABEL_WIDTH = Cm(3.6)
_VALUE_WIDTH = Cm(13.4)
_INDEX_WIDTHS = (Cm(8.5), Cm(8.5))
_FOOTER_SIZE = 9


def write_catalogue_docx(
    data: GminaData,
    out: Path,
    *,
    overwrite: bool = True,
    include_personal: bool = False,
    generated: dt.date | None = None,
) -> Path:
    """Write ``katalog_uslug.docx``: the same catalogue as an editable, printable Word document."""
    path = _output_path(out, DOCX_NAME, {".docx"})
    document = build_catalogue_docx(data, include_personal=include_personal, generated=generated)
    return word.save(document, path, overwrite=overwrite)


def build_catalogue_docx(data: GminaData, *, include_personal: bool = False, generated: dt.date | None = None):
    """The catalogue as a python-docx ``Document`` (A4, Calibri 11 pt, real heading styles, page numbers)."""
    data = published(data, include_personal=include_personal)
    sections = catalogue_sections(data, include_personal=include_personal, today=generated)
    services = catalogue_services(data, include_personal=include_personal, today=generated)
    providers = catalogue_providers(data, include_personal=include_personal, today=generated)
    day = generated or dt.date.today()
    leader = _leader_text(data)

    document = word.blank_document()
    _setup_document(document, data, day)
    _title_block(document, data, day)

    if not services:
        document.add_paragraph(_text("pusty"))
        if leader:
            document.add_paragraph(_text("pusty_lider", lider=leader))
        return document

    document.add_heading(_text("jak_korzystac_tytul"), level=1)
    for key in ("jak_korzystac_1", "jak_korzystac_2", "jak_korzystac_3"):
        document.add_paragraph(_text(key))
    if leader:
        word.run(document.add_paragraph(), _text("jak_korzystac_lider", lider=leader), bold=True)
    document.add_paragraph(_text("spis_tytul"), style="Normal").paragraph_format.keep_with_next = True
    for section in sections:
        label = section.situation or section.heading
        document.add_paragraph(f"{label} ({len(section.services)})", style="List Bullet")

    situations = {s.code: s for s in sections}
    for number, section in enumerate(sections):
        heading = document.add_heading(section.heading, level=1)
        heading.paragraph_format.page_break_before = number == 0
        for service in section.services:
            _service_block(document, service, section, situations)

    index_heading = document.add_heading(_text("indeks_tytul"), level=1)
    index_heading.paragraph_format.page_break_before = True
    _index_table(document, services)

    document.add_heading(_text("instytucje_tytul"), level=1)
    for provider in providers:
        name = document.add_paragraph()
        name.paragraph_format.keep_with_next = True
        name.paragraph_format.space_before = Pt(8)
        name.paragraph_format.space_after = Pt(0)
        word.run(name, provider.name, bold=True)
        if provider.badge:
            word.run(name, f" — {provider.badge}", italic=True)
        lines = document.add_paragraph()
        lines.paragraph_format.space_after = Pt(2)
        lines.paragraph_format.keep_together = True
        word.line_breaks(lines, [item.text for item in provider.contact])
    return document


def _setup_document(document, data: GminaData, day: dt.date) -> None:
    """A leaflet for residents: the kit's navy headings with a rule under each life situation, Calibri 11 pt."""
    word.set_properties(document, title=_text("tytul", gmina=data.name),
                        subject=_text("pzk", projekt=data.project_name), author=data.name, language="pl-PL",
                        keywords="PZK; koszyk usług; katalog usług", comments="")
    section = document.sections[0]
    word.set_page(section, margin_cm=2.0, footer_distance_cm=1.0)

    styles = document.styles
    word.set_style(styles["Normal"], font=word.LEAFLET_FONT, size=11, space_after=4, line_spacing=1.1,
                   east_asia=True)
    word.set_language(styles["Normal"])
    word.set_default_language(document)
    for name, size, color in (("Title", 26, word.NAVY), ("Subtitle", 16, word.LEAFLET_GREY),
                              ("Heading 1", 16, word.NAVY), ("Heading 2", 13, word.NAVY)):
        word.set_style(styles[name], font=word.LEAFLET_FONT, size=size, color=color, italic=False, east_asia=True)
    word.bottom_border(styles["Heading 1"], word.NAVY)
    word.set_style(styles["Heading 1"], space_before=18, space_after=8)
    word.set_style(styles["Heading 2"], space_before=14, space_after=3)
    word.set_style(styles["Title"], space_after=6)

    if "Footer" in [style.name for style in styles]:
        word.set_style(styles["Footer"], size=_FOOTER_SIZE)
    before = f"{_text('tytul', gmina=data.name)} · {polish.date(day)} · strona "
    word.page_numbers(section.footer.paragraphs[0], before, size=_FOOTER_SIZE, color=None, italic=False)


def _title_block(document, data: GminaData, day: dt.date) -> None:
    document.add_paragraph(_text("tytul_krotki"), style="Title")
    document.add_paragraph(data.name, style="Subtitle")
    mission = display_text(data.info.get("misja"))
    if mission:
        word.run(document.add_paragraph(), _text("misja", misja=mission), italic=True, size=12)
    meta = document.add_paragraph()
    meta.paragraph_format.space_after = Pt(12)
    made_for = _text("pzk", projekt=data.project_name)
    word.run(meta, f"{_text('stan_na', data=polish.date(day))}\n{made_for}", color=word.LEAFLET_GREY)


def _service_rows(service: CatalogueService) -> list[tuple[str, list[str]]]:
    """Label → lines of the small table under a service (also the order of the HTML card's fields)."""
    where_when = [line for line in (
        f"{_text('pole_gdzie')}: {service.place}" if service.place else "",
        f"{_text('pole_kiedy')}: {service.hours}" if service.hours else "",
        f"{_text('pole_limit')}: {service.limit_text}" if service.limit_text else "",
    ) if line]
    provider = f"{service.provider} — {service.provider_badge}" if service.provider_badge else service.provider
    rows = [
        (_text("pole_dla_kogo"), [_capital(service.groups_text)]),
        (_text("pole_obszar"), [_capital(service.area_served)] if service.area_served else []),
        (_text("pole_forma"), [_capital(service.form)] if service.form else []),
        (_text("pole_jak"), [service.access_text]),
        (_text("pole_co_zabrac"), [_capital(service.bring)] if service.bring else []),
        (_text("pole_koszt"), [service.cost_text]),
        (_text("pole_gdzie_kiedy"), where_when),
        (_text("pole_dostepnosc"), [f.label for f in service.accessibility]),
        (_text("pole_jezyki"), [service.languages_text, *(line.text for line in service.native_lines)]
         if service.languages_text else []),
        (_text("pole_kontakt"), [item.text for item in service.contact]),
        (_text("pole_swiadczy"), [provider] if service.provider else []),
        (_text("pole_zakres"), [service.scope_text] if service.scope_text else []),
        (_text("pole_sprawdzono"), [line for line in (_capital(service.verified_text), service.stale_text) if line]),
    ]
    return [(label, lines) for label, lines in rows if lines]


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _service_block(document, service: CatalogueService, section: CatalogueSection,
                   situations: dict[str, CatalogueSection]) -> None:
    document.add_heading(service.name, level=2)
    if service.description:
        description = document.add_paragraph(service.description)
        description.paragraph_format.keep_with_next = True
    table = word.bare_table(document, 2, align="left")
    rows = _service_rows(service)
    for number, (label, lines) in enumerate(rows):
        row = table.add_row()
        keep = number < len(rows) - 1  # the card's rows stay on one page together
        word.cell_text(row.cells[0], label, bold=True, size=None, breaks=True)
        word.shade(row.cells[0], word.LEAFLET_FILL)
        word.cell_text(row.cells[1], lines, size=None, breaks=True)
        if label == _text("pole_jezyki"):
            _tag_native_lines(row.cells[1], service.native_lines)
        for cell in row.cells:
            cell.paragraphs[0].paragraph_format.keep_with_next = keep
        word.no_split(row)
    word.set_widths(table, (_LABEL_WIDTH, _VALUE_WIDTH), total=True)
    also = [other.situation or other.heading for other in also_in(section, service, situations)]
    if also:
        note = document.add_paragraph()
        note.paragraph_format.space_before = Pt(2)
        word.run(note, f"{_text('takze')} {'; '.join(also)}.", italic=True, size=9.5, color=word.LEAFLET_GREY)


def _tag_native_lines(cell, native_lines: tuple[NativeLine, ...]) -> None:
    """The sentences in the service's other languages carry their language, as the HTML card's ``lang`` does."""
    languages = {line.text: line.lang for line in native_lines}
    for run_ in cell.paragraphs[0].runs:
        lang = languages.get(run_.text)
        if lang:
            word.set_run_language(run_, lang)


def _index_table(document, services: list[CatalogueService]) -> None:
    table = word.table(document, ["Usługa", _text("pole_swiadczy")], _INDEX_WIDTHS, rows=0,
                       fill=word.LEAFLET_FILL, size=None, color=None, align=None)
    word.no_split(table.rows[0])
    for service in services:
        row = table.add_row()
        word.cell_text(row.cells[0], service.name, size=None, breaks=True)
        word.cell_text(row.cells[1], service.provider, size=None, breaks=True)
        word.no_split(row)
    word.set_widths(table, _INDEX_WIDTHS, total=True)
