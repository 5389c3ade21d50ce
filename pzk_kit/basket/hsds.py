"""Export of the local service basket as an Open Referral HSDS 3.0 Tabular Data Package.

Other service directories (regional catalogues, 211-style finders) read HSDS, so one export lets the PZK basket
feed them. The tabular serialisation of HSDS is one CSV file per object plus a ``datapackage.json`` descriptor.
We do not describe that format ourselves: the specification's own descriptor is vendored in
``pzk_kit/data/hsds/datapackage.json`` (HSDS 3.0.0, see the README there for why not 3.1) and the export writes
every resource of it with exactly its columns, and copies its schemas (types, closed enums, ``unique``, primary
and foreign keys) into the exported ``datapackage.json``, so any Frictionless validator checks our files against
the specification itself (the tests do). Which fields we fill, and from which column of our sheets, is recorded
in ``pzk_kit/data/hsds_pola.csv``; the column order is the descriptor's.

Locations are real places only: a partner's seat, a building named by a service's place text, or a place text
with a street and number. Other place texts ("w domu mieszkańca", "na miejscu zdarzenia", "szkoły w gminie") are
ways of delivering the service, exported as service attributes from the kit's taxonomy ``pzk-sposoby-swiadczenia``
(``pzk_kit/data/hsds/terminy.csv``) with the original text as the attribute's value, not as invented locations.

Where issue 17's service columns go, and why there: ``data_weryfikacji`` is ``service.assured_date`` (HSDS: "the
date that the information about the service was last checked"), not ``last_modified`` (a change, not a check) nor
``metadata`` (a change log whose previous and new values are required). ``jezyki`` become ``language`` rows with
ISO 639-1 codes; Polish Sign Language has none, and HSDS 3.0 allows ISO 639-3 in ``language.code``, so it is
``pso`` there rather than an attribute. ``limit_miejsc`` is the value of an attribute because ``service_capacity``
only exists from HSDS 3.1.

Rules that matter to the people in the data:

* only institutional contact data is exported: the tables are built from :func:`pzk_kit.privacy.published`, the
  kit's one privacy rule (the same as the catalogue's), so personal e-mail addresses, mobile numbers and people's
  names are gone from every cell, and ``osoba_kontaktowa`` is never exported. ``include_personal=True`` keeps
  them, on the user's explicit request.
* organizations are the PZK leader and partners; a candidate appears only when it provides a listed service.

Ids are UUIDs (HSDS 3 expects them) derived with UUID5 from the gmina's TERYT (or name) and our own codes, so
re-exporting the same workbook gives the same ids and an aggregator can update records instead of duplicating
them. Taxonomy ids depend only on the dictionary code, so terms from many gminas merge.
"""

from __future__ import annotations

import copy
import csv
import datetime as dt
import json
import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd

from pzk_kit.files import atomic_dir
from pzk_kit.privacy import published
from pzk_kit.resources import data_path, read_table
from pzk_kit.spreadsheet_safety import csv_cell
from pzk_kit.workbook.cells import looks_like_email
from pzk_kit.workbook.dictionaries import Dictionary, dictionary, load_dictionaries
from pzk_kit.workbook.reading import GminaData, read_gmina
from pzk_kit.workbook.text import normalize_code

HSDS_VERSION = "3.0.0"
SPEC_SOURCE = (
    "https://github.com/openreferral/specification, tag v3.0 (commit c457a0e3ecb0cfe43525ea8bcdbfd62542ed6730), "
    "datapackage.json"
)
SPEC_DESCRIPTOR = ("hsds", "datapackage.json")
# uuid5(NAMESPACE_URL, "urn:pzk-kit:hsds"): fixed forever, or every exported id changes.
NAMESPACE = uuid.UUID("3879f4b2-de07-5c52-9c10-7b5452c73a6c")
DATAPACKAGE = "datapackage.json"


@cache
def spec_descriptor() -> dict[str, Any]:
    """The vendored official HSDS descriptor (read-only: callers get a deep copy from :func:`datapackage`)."""
    return json.loads(data_path(*SPEC_DESCRIPTOR).read_text(encoding="utf-8"))


def spec_columns(table: str) -> list[str]:
    """Columns of one HSDS table, in the specification's order."""
    resource = next(r for r in spec_descriptor()["resources"] if r["name"] == table)
    return [field["name"] for field in resource["schema"]["fields"]]


# HSDS object → CSV file, every resource of the specification's descriptor, in its order.
TABLE_FILES: dict[str, str] = {r["name"]: r["path"] for r in spec_descriptor()["resources"]}
COUNTRY = "PL"
STATUS = "active"
LOCATION_TYPE = "physical"
TERM_LANGUAGE = "pl"
# Taxonomies built from the kit's dictionaries: (taxonomy name, dictionary, service column, attribute link_type).
# ``dostepnosc`` becomes attributes only for a service with no location (else HSDS ``accessibility`` rows).
CUS_TAXONOMY = "Ustawa o CUS art. 2 ust. 2"
ACCESS_TAXONOMY = "pzk-dostepnosc"
TAXONOMIES = (
    ("pzk-obszary-potrzeb", "obszary_potrzeb", "obszary", "category"),
    ("pzk-grupy-docelowe", "grupy_docelowe", "grupy", "audience"),
    (CUS_TAXONOMY, "zakresy_uslug_spolecznych", "zakres", "category"),
    (ACCESS_TAXONOMY, "dostepnosc", "dostepnosc", "accessibility"),
)
# The kit's own taxonomies (pzk_kit/data/hsds/terminy.csv).
DELIVERY_TAXONOMY = "pzk-sposoby-swiadczenia"
PARAMETER_TAXONOMY = "pzk-parametry-uslugi"
OTHER_PLACE = "inne_miejsce"
CAPACITY_TERM = "liczba_miejsc"
MEMBER_ROLES = {"lider", "partner"}
ROLE_PHRASES = {
    "lider": "Lider Partnerskiego Zespołu Kooperacyjnego",
    "partner": "Partner w Partnerskim Zespole Kooperacyjnym",
    "kandydat": "Kandydat do Partnerskiego Zespołu Kooperacyjnego",
}
# Województwa by the first two digits of TERYT (used only when the gmina sheet does not name it).
VOIVODESHIPS = {
    "02": "dolnośląskie", "04": "kujawsko-pomorskie", "06": "lubelskie", "08": "lubuskie", "10": "łódzkie",
    "12": "małopolskie", "14": "mazowieckie", "16": "opolskie", "18": "podkarpackie", "20": "podlaskie",
    "22": "pomorskie", "24": "śląskie", "26": "świętokrzyskie", "28": "warmińsko-mazurskie",
    "30": "wielkopolskie", "32": "zachodniopomorskie",
}

_POSTAL_CODE = re.compile(r"(?<!\d)(\d{2}-\d{3})(?!\d)")
_SEGMENTS = re.compile(r"[,;\n]|\s+lub\s+", re.IGNORECASE)
_PHONE = re.compile(
    r"^(?:(?P<label>(?:nr\.?\s+)?(?:tel(?:efon)?|kom(?:órka|órkowy)?|infolinia|fax|faks)\.?"
    r"(?:\s*/\s*(?:fax|faks)\.?)?)\s*:?\s*)?"
    r"(?P<number>(?:\+|00)?\d[\d\s\-–().]*\d)"
    r"(?:\s*wew\.?\s*(?P<extension>\d{1,6}))?\.?$",
    re.IGNORECASE,
)
_EMAIL_IN_TEXT = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# A street and number (``ul. Polna 9``, ``pl. Rynek 1``, ``Lipowo 23``); ``SP nr 1`` is a name, not an address.
_STREET = re.compile(
    r"^(?:(?:ul|al|pl|os)\.|ulica|aleja|plac|osiedle)\s*\S.*\d"
    r"|^[A-ZĄĆĘŁŃÓŚŹŻ][^\d,]*\s\d+[a-zA-Z]?(?:/\d+[a-zA-Z]?)?$"
)
_DOCUMENT_SEPARATORS = re.compile(r"[;\n]")


@dataclass(frozen=True)
class HsdsField:
    """One exported HSDS field and where its value comes from (a row of ``hsds_pola.csv``)."""

    table: str
    name: str
    required: bool
    format: str
    reference: str
    source: str
    note: str


@cache
def hsds_fields() -> dict[str, tuple[HsdsField, ...]]:
    """Exported fields per HSDS object, in CSV column order."""
    fields: dict[str, list[HsdsField]] = {table: [] for table in TABLE_FILES}
    for row in read_table("hsds_pola.csv"):
        if row["pole"] not in spec_columns(row["tabela"]):
            raise ValueError(f"hsds_pola.csv: {row['tabela']}.{row['pole']} nie jest polem HSDS {HSDS_VERSION}.")
        fields[row["tabela"]].append(
            HsdsField(
                table=row["tabela"], name=row["pole"], required=row["wymagane"] == "1", format=row["format"],
                reference=row["odwolanie"], source=row["zrodlo"], note=row["uwagi"],
            )
        )
    return {
        table: tuple(sorted(items, key=lambda f: spec_columns(table).index(f.name))) for table, items in fields.items()
    }


def export_hsds(
    data: GminaData | str | Path, out_dir: Path, *, overwrite: bool = False, include_personal: bool = False
) -> list[Path]:
    """Write the gmina's partners and services as HSDS CSV files plus ``datapackage.json`` into ``out_dir``.

    The folder appears whole or not at all; an existing non-empty folder is replaced only with
    ``overwrite=True`` (otherwise :class:`pzk_kit.files.OutputExists`). Returns the written files.
    """
    if not isinstance(data, GminaData):
        data = read_gmina(data)
    if not data.report.ok:
        raise ValueError(
            "Dane gminy zawierają błędy — popraw je (pzk validate) przed eksportem do formatu HSDS."
        )
    tables = build_hsds_tables(data, include_personal=include_personal)
    out_dir = Path(out_dir)
    with atomic_dir(out_dir, overwrite=overwrite) as tmp:
        for table, file_name in TABLE_FILES.items():
            _write_csv(tmp / file_name, spec_columns(table), tables[table])
        (tmp / DATAPACKAGE).write_text(
            json.dumps(datapackage(data), ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
    return [out_dir / name for name in (*TABLE_FILES.values(), DATAPACKAGE)]


def build_hsds_tables(data: GminaData, *, include_personal: bool = False) -> dict[str, list[dict[str, str]]]:
    """Rows of every HSDS object (dicts keyed by HSDS field name, values as CSV text)."""
    return _Builder(published(data, include_personal=include_personal)).build()


def datapackage(data: GminaData) -> dict[str, Any]:
    """The export's descriptor: the specification's resources and schemas unchanged, our title; no timestamps.

    The specification's licence, version and homepage describe the specification, not the gmina's data, so they
    are replaced by ``hsds_version`` and ``sources``."""
    spec = spec_descriptor()
    resources = copy.deepcopy(spec["resources"])
    for resource in resources:
        resource["encoding"] = "utf-8"
    return {
        "profile": spec["profile"],
        "name": f"pzk-hsds-{_gmina_scope(data).replace('_', '-')}",
        "title": f"Koszyk usług PZK – {data.name}",
        "description": (
            f"Usługi partnerów Partnerskiego Zespołu Kooperacyjnego ({data.name}) w formacie Open Referral "
            f"HSDS {HSDS_VERSION} (postać tabelaryczna). Wyłącznie instytucjonalne dane kontaktowe."
        ),
        "keywords": ["HSDS", "Open Referral", "PZK", "usługi społeczne"],
        "hsds_version": HSDS_VERSION,
        "sources": [{"title": f"Open Referral HSDS {HSDS_VERSION}", "path": SPEC_SOURCE}],
        "resources": resources,
    }


def _write_csv(path: Path, header: list[str], rows: list[dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow(header)
        for row in rows:
            writer.writerow([csv_cell(row.get(name, "")) for name in header])


# -- building the tables --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class PostalAddress:
    """A Polish address split into HSDS address fields (``ul. Rynek 12, 00-001 Przykładowo``)."""

    address_1: str
    address_2: str
    city: str
    postal_code: str

    @property
    def street_key(self) -> str:
        return normalize_code(self.address_1)


@dataclass(frozen=True)
class Phone:
    number: str
    extension: str
    type: str
    digits: str


def parse_address(text: str) -> PostalAddress | None:
    """Split ``street, [extra, …] NN-NNN City`` into parts; None when there is no street before a postal code."""
    parts = [p.strip() for p in re.split(r"[,;]", text) if p.strip()]
    for index, part in enumerate(parts):
        match = _POSTAL_CODE.search(part)
        if not match:
            continue
        city = " ".join(f"{part[: match.start()]} {part[match.end():]}".split()).strip(" ,")
        if index == 0 or not city:
            return None
        extra = parts[1:index] + parts[index + 1 :]
        return PostalAddress(parts[0], ", ".join(extra), city, match.group(1))
    return None


def parse_phones(text: str) -> list[Phone]:
    """Phone numbers from text, only where a fragment is clearly a phone: an optional label (``tel.``,
    ``infolinia``, ``fax``…), a national 9-digit or ``+``/``00`` international number, an optional ``wew.``.
    Fragments mixing a number with other words (a name, a description) are left out."""
    phones: list[Phone] = []
    for segment in _SEGMENTS.split(text):
        match = _PHONE.match(segment.strip())
        if not match:
            continue
        number = " ".join(match.group("number").split())
        digits = re.sub(r"\D", "", number)
        if number.startswith(("+", "00")):
            digits = digits[2:] if number.startswith("00") else digits
            if not 10 <= len(digits) <= 15:
                continue
            number = "+" + number.removeprefix("00").lstrip("+").lstrip()
        elif len(digits) == 9:
            number, digits = f"+48 {number}", "48" + digits
        else:
            continue
        label = (match.group("label") or "").lower()
        kind = "fax" if label.startswith(("fax", "faks")) else "voice"
        phones.append(Phone(number, match.group("extension") or "", kind, digits))
    return phones


def parse_emails(text: str) -> list[str]:
    return [e.rstrip(".") for e in _EMAIL_IN_TEXT.findall(text) if looks_like_email(e.rstrip("."))]


def _text(value: object) -> str:
    if value is None or (not isinstance(value, tuple | list) and pd.isna(value)):
        return ""
    return " ".join(str(value).split())


def _codes(value: object) -> tuple[str, ...]:
    if isinstance(value, tuple | list):
        return tuple(value)
    return (value,) if isinstance(value, str) and value else ()


def _iso_date(value: object) -> str:
    if value is None or value is pd.NaT:
        return ""
    if isinstance(value, dt.datetime | pd.Timestamp):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    text = _text(value)
    return text[:10] if re.match(r"^\d{4}-\d{2}-\d{2}", text) else ""


def _count(value: object) -> str:
    if isinstance(value, int | float) and not pd.isna(value) and value == int(value):
        return str(int(value))
    text = _text(value)
    return text if text.isdigit() else ""


def looks_like_address(place: str) -> bool:
    """True when a part of the place text is a street and number (a real place, so an HSDS location)."""
    return any(
        _STREET.match(part.strip()) and not re.search(r"\bnr\b", part, re.IGNORECASE) for part in place.split(",")
    )


@cache
def _own_terms() -> dict[str, dict[str, dict[str, str]]]:
    """Terms of the kit's own taxonomies; the row with an empty code describes the taxonomy itself."""
    terms: dict[str, dict[str, dict[str, str]]] = {}
    for row in read_table("hsds", "terminy.csv"):
        terms.setdefault(row["taksonomia"], {})[row["kod"]] = row
    return terms


def delivery_modes(place: str) -> tuple[str, ...]:
    """Codes of ``pzk-sposoby-swiadczenia`` named in a place text; ``inne_miejsce`` for a non-address without one."""
    found = tuple(
        code for code, row in _own_terms()[DELIVERY_TAXONOMY].items()
        if row["wzorzec"] and re.search(row["wzorzec"], place, re.IGNORECASE)
    )
    if found or looks_like_address(place):
        return found
    return (OTHER_PLACE,)


@cache
def _language_codes() -> dict[str, str]:
    return {row["kod"]: row["iso"] for row in read_table("hsds", "jezyki_iso.csv")}


def _gmina_scope(data: GminaData) -> str:
    return data.teryt or normalize_code(data.name) or "gmina"


def _website(value: str) -> str:
    if not value or " " in value or "." not in value:
        return ""
    return value if re.match(r"^[a-z][a-z0-9+.-]*://", value, re.IGNORECASE) else f"https://{value}"


def _described(dic: Dictionary, code: str) -> str:
    """``Label. Description.`` of a dictionary entry (for application process and fees)."""
    entry = dic.entry(code)
    if entry is None:
        return code
    description = entry.description.strip()
    return f"{entry.label}. {description}" if description else entry.label


class _Builder:
    def __init__(self, data: GminaData) -> None:
        self.data = data
        self.scope = _gmina_scope(data)
        self.tables: dict[str, list[dict[str, str]]] = {table: [] for table in TABLE_FILES}
        self.org_ids: dict[str, str] = {}
        self.partners: dict[str, dict[str, Any]] = {}
        self.home_location: dict[str, str] = {}  # partner id → location id of its seat
        self.buildings: dict[str, list[tuple[str, str]]] = {}  # street key → [(partner id, location id)]
        self.place_locations: set[str] = set()  # locations named by a service's place text
        self.used_terms: dict[str, list[str]] = {name: [] for name in (*(t[0] for t in TAXONOMIES), *_own_terms())}
        self.accessibility: set[str] = set()
        self.state = _text(data.info.get("wojewodztwo")) or VOIVODESHIPS.get((data.teryt or "")[:2], "")

    def _id(self, *parts: str) -> str:
        return str(uuid.uuid5(NAMESPACE, "/".join((self.scope, *parts))))

    @staticmethod
    def _global_id(*parts: str) -> str:
        return str(uuid.uuid5(NAMESPACE, "/".join(("taksonomia", *parts))))

    def build(self) -> dict[str, list[dict[str, str]]]:
        services = self.data.services.to_dict("records")
        providers = {_text(s.get("partner")) for s in services}
        partners = self.data.partners.to_dict("records")
        self.partners = {_text(p.get("id")): p for p in partners}
        for partner in partners:
            pid = _text(partner.get("id"))
            role = _text(partner.get("rola")) or "partner"
            if pid and (role in MEMBER_ROLES or pid in providers):
                self._organization(partner, pid, role)
        for service in services:
            if _text(service.get("partner")) in self.org_ids and _text(service.get("id")):
                self._service(service)
        self._taxonomies()
        return self.tables

    # organizations, their seats and phones
    def _organization(self, partner: dict[str, Any], pid: str, role: str) -> None:
        org_id = self._id("organizacja", pid)
        self.org_ids[pid] = org_id
        email = _text(partner.get("email"))
        email = email if looks_like_email(email) else ""
        labels = [f"{ROLE_PHRASES.get(role, ROLE_PHRASES['partner'])} – {self.data.name}."]
        for column, dic in (("sektor", "sektory"), ("szczebel", "szczeble")):
            code = _text(partner.get(column))
            if code:
                labels.append(f"{'Sektor' if column == 'sektor' else 'Szczebel'}: {dictionary(dic).label(code)}.")
        kind = _text(partner.get("typ"))
        self.tables["organization"].append({
            "id": org_id,
            "name": _text(partner.get("nazwa")),
            "description": " ".join(labels),
            "email": email,
            "website": _website(_text(partner.get("www"))),
            "legal_status": dictionary("typy_instytucji").label(kind) if kind else "",
        })
        for phone in self._unique(parse_phones(_text(partner.get("telefon")))):
            self._phone(phone, owner=("organization_id", org_id), key=("organizacja", pid))
        address_text = _text(partner.get("adres"))
        if address_text:
            self._seat(pid, org_id, _text(partner.get("nazwa")), address_text)

    def _seat(self, pid: str, org_id: str, name: str, text: str) -> None:
        location_id = self._id("lokalizacja", "siedziba", pid)
        self.home_location[pid] = location_id
        address = parse_address(text)
        complete = address is not None and bool(self.state)
        self.tables["location"].append({
            "id": location_id, "location_type": LOCATION_TYPE, "organization_id": org_id, "name": name,
            "description": "" if complete else text,
        })
        if not complete or address is None:
            return
        self.buildings.setdefault(address.street_key, []).append((pid, location_id))
        self.tables["address"].append({
            "id": self._id("adres", pid), "location_id": location_id, "address_1": address.address_1,
            "address_2": address.address_2, "city": address.city, "state_province": self.state,
            "postal_code": address.postal_code, "country": COUNTRY, "address_type": LOCATION_TYPE,
        })

    def _phone(self, phone: Phone, *, owner: tuple[str, str], key: tuple[str, ...]) -> None:
        self.tables["phone"].append({
            "id": self._id("telefon", *key, phone.digits), owner[0]: owner[1], "number": phone.number,
            "extension": phone.extension, "type": phone.type,
        })

    @staticmethod
    def _unique(phones: Iterable[Phone]) -> list[Phone]:
        unique: dict[str, Phone] = {}
        for phone in phones:
            unique.setdefault(phone.digits, phone)
        return list(unique.values())

    # services
    def _service(self, service: dict[str, Any]) -> None:
        sid, pid = _text(service.get("id")), _text(service.get("partner"))
        service_id = self._id("usluga", sid)
        kontakt = _text(service.get("kontakt"))
        dostep, odplatnosc = _text(service.get("dostep")), _text(service.get("odplatnosc"))
        groups = dictionary("grupy_docelowe")
        self.tables["service"].append({
            "id": service_id,
            "organization_id": self.org_ids[pid],
            "name": _text(service.get("nazwa")),
            "description": _text(service.get("opis")),
            "email": self._service_email(kontakt),
            "status": STATUS,
            "application_process": _described(dictionary("tryby_dostepu"), dostep) if dostep else "",
            "fees_description": _described(dictionary("odplatnosc"), odplatnosc) if odplatnosc else "",
            "eligibility_description": "; ".join(groups.label(c) for c in _codes(service.get("grupy"))),
            "assured_date": _iso_date(service.get("data_weryfikacji")),
        })
        for phone in self._unique(parse_phones(kontakt)):
            self._phone(phone, owner=("service_id", service_id), key=("usluga", sid))
        self._attributes(sid, service_id, service)
        place = _text(service.get("miejsce"))
        location_id = self._service_location(sid, service_id, pid, place)
        for code in delivery_modes(place) if place else ():
            self._attribute(sid, service_id, DELIVERY_TAXONOMY, code, "delivery", value=place)
        access = _codes(service.get("dostepnosc"))
        if location_id:
            self._accessibility(location_id, access)
        else:
            for code in access:
                self._attribute(sid, service_id, ACCESS_TAXONOMY, code, "accessibility")
        places = _count(service.get("limit_miejsc"))
        if places:
            self._attribute(sid, service_id, PARAMETER_TAXONOMY, CAPACITY_TERM, "capacity", value=places)
        self._languages(sid, service_id, _codes(service.get("jezyki")))
        self._documents(sid, service_id, _text(service.get("co_zabrac")))
        area = _text(service.get("obszar_dzialania"))
        if area:
            self.tables["service_area"].append({"id": self._id("obszar", sid), "service_id": service_id, "name": area})
        hours, form = _text(service.get("godziny")), _text(service.get("forma"))
        if hours or form:
            self.tables["schedule"].append({
                "id": self._id("harmonogram", sid), "service_id": service_id, "description": hours,
                "attending_type": form,
            })

    @staticmethod
    def _service_email(kontakt: str) -> str:
        """The first address of the contact: the data are already published, so every one left is institutional."""
        emails = parse_emails(kontakt)
        return emails[0] if emails else ""

    def _attributes(self, sid: str, service_id: str, service: dict[str, Any]) -> None:
        for taxonomy, _dic, column, link_type in TAXONOMIES:
            if taxonomy != ACCESS_TAXONOMY:
                for code in _codes(service.get(column)):
                    self._attribute(sid, service_id, taxonomy, code, link_type)

    def _attribute(self, sid: str, service_id: str, taxonomy: str, code: str, link_type: str, value: str = "") -> None:
        if code not in self.used_terms[taxonomy]:
            self.used_terms[taxonomy].append(code)
        self.tables["attribute"].append({
            "id": self._id("atrybut", sid, taxonomy, code), "link_id": service_id,
            "taxonomy_term_id": self._global_id(taxonomy, code), "link_type": link_type,
            "link_entity": "service", "value": value,
        })

    def _accessibility(self, location_id: str, codes: tuple[str, ...]) -> None:
        dic = dictionary("dostepnosc")
        for code in codes:
            row_id = str(uuid.uuid5(NAMESPACE, f"{location_id}/dostepnosc/{code}"))
            if row_id in self.accessibility:
                continue
            self.accessibility.add(row_id)
            entry = dic.entry(code)
            self.tables["accessibility"].append({
                "id": row_id, "location_id": location_id, "description": entry.label if entry else code,
                "details": entry.description if entry else "",
            })

    def _languages(self, sid: str, service_id: str, codes: tuple[str, ...]) -> None:
        """Languages the service is given in; none listed means Polish (the sheet's rule)."""
        dic, iso = dictionary("jezyki"), _language_codes()
        for code in codes or ("polski",):
            self.tables["language"].append({
                "id": self._id("jezyk", sid, code), "service_id": service_id, "name": dic.label(code),
                "code": iso.get(code, ""),
            })

    def _documents(self, sid: str, service_id: str, text: str) -> None:
        seen: set[str] = set()
        for item in (" ".join(part.split()).strip(" .") for part in _DOCUMENT_SEPARATORS.split(text)):
            key = normalize_code(item)
            if item and key not in seen:
                seen.add(key)
                self.tables["required_document"].append({
                    "id": self._id("dokument", sid, key), "service_id": service_id, "document": item,
                })

    def _service_location(self, sid: str, service_id: str, pid: str, place: str) -> str | None:
        """The location the service is at: the seat, a partner's building or an addressed place; None otherwise."""
        description = ""
        if not place:
            location_id = self.home_location.get(pid)
        elif building := self._building(pid, place):
            location_id, description = building, place
        elif not looks_like_address(place):
            return None
        else:
            location_id = self._id("lokalizacja", "miejsce", pid, normalize_code(place))
            if location_id not in self.place_locations:
                self.place_locations.add(location_id)
                self.tables["location"].append({
                    "id": location_id, "location_type": LOCATION_TYPE, "organization_id": self.org_ids[pid],
                    "name": place, "description": "",
                })
        if location_id:
            self.tables["service_at_location"].append({
                "id": self._id("usluga_w_miejscu", sid), "service_id": service_id, "location_id": location_id,
                "description": description,
            })
        return location_id

    def _building(self, pid: str, place: str) -> str | None:
        """Seat of an exported partner whose street and number appear in the place text; own seat first."""
        for part in re.split(r"[,;]", place):
            candidates = self.buildings.get(normalize_code(part))
            if candidates and any(ch.isdigit() for ch in part):
                own = [loc for owner, loc in candidates if owner == pid]
                return own[0] if own else candidates[0][1]
        return None

    # taxonomies: only the terms services use (the HSDS guidance: no unused terms in a package)
    def _taxonomies(self) -> None:
        index = {row["slownik"]: row for row in read_table("slowniki", "_index.csv")}
        dictionaries = load_dictionaries()
        for taxonomy, dic_name, _column, _link in TAXONOMIES:
            dic = dictionaries[dic_name]
            rank = {code: index for index, code in enumerate(dic.codes)}
            terms = []
            for code in sorted(self.used_terms[taxonomy], key=lambda c, rank=rank: rank.get(c, len(rank))):
                entry = dic.entry(code)
                label = entry.label if entry else code
                terms.append((code, label, entry.description if entry and entry.description else label))
            self._taxonomy(taxonomy, index[dic_name]["opis"] or index[dic_name]["nazwa"], terms)
        for taxonomy, rows in _own_terms().items():
            order = list(rows)
            codes = sorted(self.used_terms[taxonomy], key=order.index)
            self._taxonomy(taxonomy, rows[""]["opis"], [(c, rows[c]["nazwa"], rows[c]["opis"]) for c in codes])

    def _taxonomy(self, taxonomy: str, description: str, terms: list[tuple[str, str, str]]) -> None:
        if not terms:
            return
        taxonomy_id = self._global_id(taxonomy)
        self.tables["taxonomy"].append({"id": taxonomy_id, "name": taxonomy, "description": description})
        for code, label, term_description in terms:
            self.tables["taxonomy_term"].append({
                "id": self._global_id(taxonomy, code), "code": code, "name": label, "description": term_description,
                "taxonomy": taxonomy, "language": TERM_LANGUAGE, "taxonomy_id": taxonomy_id,
            })
