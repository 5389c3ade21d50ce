"""Export of the local service basket as an Open Referral HSDS 3.x Tabular Data Package.

Other service directories (regional catalogues, 211-style finders) read HSDS, so one export lets the PZK basket
feed them. The tabular serialisation of HSDS 3 is one CSV file per object plus a ``datapackage.json`` descriptor;
file and field names are those of the specification's JSON schemas (``openreferral/specification``,
``schema/*.json``, whose ``path`` gives the file name and whose scalar properties are the CSV columns; the
compiled ``schema/compiled/tabular.json`` lists the same). Which fields we fill, and from which column of our
sheets, is recorded in ``pzk_kit/data/hsds_pola.csv``; that file also fixes the column order of every CSV.

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

import csv
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
from pzk_kit.resources import read_table
from pzk_kit.spreadsheet_safety import csv_cell
from pzk_kit.workbook.cells import looks_like_email
from pzk_kit.workbook.dictionaries import Dictionary, dictionary, load_dictionaries
from pzk_kit.workbook.reading import GminaData, read_gmina
from pzk_kit.workbook.text import normalize_code

HSDS_VERSION = "3.1"
SPEC_SOURCE = "https://github.com/openreferral/specification, schema/*.json (tabular form; fields as in 3.0–3.2)"
# uuid5(NAMESPACE_URL, "urn:pzk-kit:hsds"): fixed forever, or every exported id changes.
NAMESPACE = uuid.UUID("3879f4b2-de07-5c52-9c10-7b5452c73a6c")
DATAPACKAGE = "datapackage.json"
# HSDS object → CSV file (``path`` in the specification's schema files), in the specification's resource order.
TABLE_FILES: dict[str, str] = {
    "organization": "organizations.csv",
    "service": "services.csv",
    "attribute": "attributes.csv",
    "service_at_location": "service_at_location.csv",
    "location": "locations.csv",
    "phone": "phones.csv",
    "address": "addresses.csv",
    "schedule": "schedules.csv",
    "taxonomy_term": "taxonomy_terms.csv",
    "taxonomy": "taxonomies.csv",
}
COUNTRY = "PL"
STATUS = "active"
LOCATION_TYPE = "physical"
TERM_LANGUAGE = "pl"
# (taxonomy name, dictionary, service column, attribute link_type)
TAXONOMIES = (
    ("pzk-obszary-potrzeb", "obszary_potrzeb", "obszary", "category"),
    ("pzk-grupy-docelowe", "grupy_docelowe", "grupy", "audience"),
)
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
        fields[row["tabela"]].append(
            HsdsField(
                table=row["tabela"], name=row["pole"], required=row["wymagane"] == "1", format=row["format"],
                reference=row["odwolanie"], source=row["zrodlo"], note=row["uwagi"],
            )
        )
    return {table: tuple(items) for table, items in fields.items()}


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
            _write_csv(tmp / file_name, [f.name for f in hsds_fields()[table]], tables[table])
        (tmp / DATAPACKAGE).write_text(
            json.dumps(datapackage(data), ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
    return [out_dir / name for name in (*TABLE_FILES.values(), DATAPACKAGE)]


def build_hsds_tables(data: GminaData, *, include_personal: bool = False) -> dict[str, list[dict[str, str]]]:
    """Rows of every HSDS object (dicts keyed by HSDS field name, values as CSV text)."""
    return _Builder(published(data, include_personal=include_personal)).build()


def datapackage(data: GminaData) -> dict[str, Any]:
    """The Tabular Data Package descriptor of an export: resources, fields, keys; no timestamps."""
    resources = []
    for table, file_name in TABLE_FILES.items():
        fields = hsds_fields()[table]
        schema: dict[str, Any] = {"fields": [_field_descriptor(f) for f in fields], "primaryKey": "id"}
        foreign = [
            {"fields": f.name, "reference": {"resource": f.reference, "fields": "id"}} for f in fields if f.reference
        ]
        if foreign:
            schema["foreignKeys"] = foreign
        resources.append({
            "name": table, "path": file_name, "profile": "tabular-data-resource", "format": "csv",
            "mediatype": "text/csv", "encoding": "utf-8", "schema": schema,
        })
    return {
        "profile": "tabular-data-package",
        "name": f"pzk-hsds-{_gmina_scope(data).replace('_', '-')}",
        "title": f"Koszyk usług PZK – {data.name}",
        "description": (
            f"Usługi partnerów Partnerskiego Zespołu Kooperacyjnego ({data.name}) w formacie Open Referral "
            f"HSDS {HSDS_VERSION} (postać tabelaryczna). Wyłącznie instytucjonalne dane kontaktowe."
        ),
        "keywords": ["HSDS", "Open Referral", "PZK", "usługi społeczne"],
        "hsds_version": HSDS_VERSION,
        "resources": resources,
    }


def _field_descriptor(field: HsdsField) -> dict[str, Any]:
    descriptor: dict[str, Any] = {"name": field.name, "type": "string"}
    if field.format:
        descriptor["format"] = field.format
    if field.required:
        descriptor["constraints"] = {"required": True}
    return descriptor


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
    return tuple(value) if isinstance(value, tuple | list) else ()


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
        self.used_terms: dict[str, list[str]] = {name: [] for name, *_ in TAXONOMIES}
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
        })
        for phone in self._unique(parse_phones(kontakt)):
            self._phone(phone, owner=("service_id", service_id), key=("usluga", sid))
        self._attributes(sid, service_id, service)
        self._service_location(sid, service_id, pid, _text(service.get("miejsce")))
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
            for code in _codes(service.get(column)):
                if code not in self.used_terms[taxonomy]:
                    self.used_terms[taxonomy].append(code)
                self.tables["attribute"].append({
                    "id": self._id("atrybut", sid, taxonomy, code), "link_id": service_id,
                    "taxonomy_term_id": self._global_id(taxonomy, code), "link_type": link_type,
                    "link_entity": "service",
                })

    def _service_location(self, sid: str, service_id: str, pid: str, place: str) -> None:
        description = ""
        if not place:
            location_id = self.home_location.get(pid)
        elif building := self._building(pid, place):
            location_id, description = building, place
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
            codes = self.used_terms[taxonomy]
            if not codes:
                continue
            taxonomy_id = self._global_id(taxonomy)
            self.tables["taxonomy"].append({
                "id": taxonomy_id, "name": taxonomy,
                "description": index[dic_name]["opis"] or index[dic_name]["nazwa"],
            })
            dic = dictionaries[dic_name]
            for code in sorted(codes, key=lambda c: dic.codes.index(c) if c in dic.codes else len(dic.codes)):
                entry = dic.entry(code)
                label = entry.label if entry else code
                self.tables["taxonomy_term"].append({
                    "id": self._global_id(taxonomy, code), "code": code, "name": label,
                    "description": (entry.description if entry and entry.description else label),
                    "taxonomy": taxonomy, "language": TERM_LANGUAGE, "taxonomy_id": taxonomy_id,
                })
