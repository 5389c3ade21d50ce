"""HSDS export (pzk_kit.basket.hsds): the official HSDS 3.0 descriptor, ids, references, privacy, validation.

The export follows the Open Referral descriptor vendored in ``pzk_kit/data/hsds/datapackage.json`` (repository
``openreferral/specification``, tag ``v3.0``, commit c457a0e3ecb0cfe43525ea8bcdbfd62542ed6730). The test pins that
file by its SHA-256, so the package cannot loosen the specification it is checked against, and validates the
exported packages with ``frictionless`` (types, closed enums such as ``service.status``, ``unique``, primary and
foreign keys). A few deliberately broken exports prove that validation can fail. The scalar fields of the core
objects are also hard-coded below, copied from ``schema/<object>.json`` of the same tag, as a second opinion.
"""

from __future__ import annotations

import csv
import dataclasses
import hashlib
import json
import shutil
import uuid
from pathlib import Path

import frictionless
import pandas as pd
import pytest

from pzk_kit.basket.hsds import (
    NAMESPACE,
    TABLE_FILES,
    delivery_modes,
    export_hsds,
    hsds_fields,
    looks_like_address,
    parse_address,
    parse_phones,
)
from pzk_kit.files import OutputExists
from pzk_kit.resources import data_path
from pzk_kit.spreadsheet_safety import unescape_csv_text
from pzk_kit.workbook.example import example_dir
from pzk_kit.workbook.reading import GminaData, read_gmina

HOSTILE = Path(__file__).parent / "data" / "hostile" / "gmina_wroga.xlsx"
VENDORED = data_path("hsds", "datapackage.json")
VENDORED_SHA256 = "06d063ec1a22f8797da3ee9cd1e2a9e519fa813d6f3e93140bbdd7814d36984b"
SPEC = json.loads(VENDORED.read_text(encoding="utf-8"))
SPEC_RESOURCES = {r["name"]: r for r in SPEC["resources"]}
SPEC_FILES = {name: r["path"] for name, r in SPEC_RESOURCES.items()}
# HSDS 3.0 scalar fields of the core objects (schema/<object>.json at tag v3.0), in specification order.
CORE_FIELDS = {
    "organization": [
        "id", "name", "alternate_name", "description", "email", "website", "tax_status", "tax_id",
        "year_incorporated", "legal_status", "logo", "uri", "parent_organization_id",
    ],
    "service": [
        "id", "organization_id", "program_id", "name", "alternate_name", "description", "url", "email", "status",
        "interpretation_services", "application_process", "fees_description", "wait_time", "fees", "accreditations",
        "eligibility_description", "minimum_age", "maximum_age", "assured_date", "assurer_email", "licenses",
        "alert", "last_modified",
    ],
    "attribute": ["id", "link_id", "taxonomy_term_id", "link_type", "link_entity", "value"],
    "service_at_location": ["id", "service_id", "location_id", "description"],
    "location": [
        "id", "location_type", "url", "organization_id", "name", "alternate_name", "description", "transportation",
        "latitude", "longitude", "external_identifier", "external_identifier_type",
    ],
    "language": ["id", "service_id", "location_id", "phone_id", "name", "code", "note"],
    "accessibility": ["id", "location_id", "description", "details", "url"],
    "service_area": ["id", "service_id", "name", "description", "extent", "extent_type", "uri"],
    "required_document": ["id", "service_id", "document", "uri"],
    "taxonomy_term": [
        "id", "code", "name", "description", "parent_id", "taxonomy", "language", "taxonomy_id", "term_uri",
    ],
    "taxonomy": ["id", "name", "description", "uri", "version"],
}
SPEC_REQUIRED = {
    name: [f["name"] for f in r["schema"]["fields"] if f.get("constraints", {}).get("required")]
    for name, r in SPEC_RESOURCES.items()
}
TABLE_OF_FILE = {path: table for table, path in SPEC_FILES.items()}


def read_csv(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    """Rows as a consumer reads them: the apostrophe guarding ``+48 …`` against spreadsheet formulas comes off."""
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or []), [{k: unescape_csv_text(v) for k, v in r.items()} for r in reader]


@pytest.fixture(scope="module")
def example() -> GminaData:
    return read_gmina(example_dir())


@pytest.fixture(scope="module")
def exported(example: GminaData, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Path]]:
    out = tmp_path_factory.mktemp("hsds") / "eksport"
    return out, export_hsds(example, out)


@pytest.fixture(scope="module")
def tables(exported: tuple[Path, list[Path]]) -> dict[str, list[dict[str, str]]]:
    out, _ = exported
    return {table: read_csv(out / path)[1] for table, path in SPEC_FILES.items()}


def _variant(data: GminaData, **frames: object) -> GminaData:
    return dataclasses.replace(data, **frames)


def validate(out: Path) -> frictionless.Report:
    return frictionless.validate(str(out / "datapackage.json"))


def errors(report: frictionless.Report) -> list[tuple[str, str, str]]:
    return [(task.name, error.type, error.message) for task in report.tasks for error in task.errors]


def test_vendored_descriptor_is_the_official_one() -> None:
    assert hashlib.sha256(VENDORED.read_bytes()).hexdigest() == VENDORED_SHA256
    assert SPEC["version"] == "3.0.0" and SPEC["profile"] == "tabular-data-package"
    assert len(SPEC_RESOURCES) == 21
    for table, fields in CORE_FIELDS.items():
        assert [f["name"] for f in SPEC_RESOURCES[table]["schema"]["fields"]] == fields, table
    status = next(f for f in SPEC_RESOURCES["service"]["schema"]["fields"] if f["name"] == "status")
    assert status["constraints"]["enum"] == ["active", "inactive", "defunct", "temporarily closed"]
    readme = data_path("hsds", "README.md").read_text(encoding="utf-8")
    assert "c457a0e3ecb0cfe43525ea8bcdbfd62542ed6730" in readme
    assert "Attribution-ShareAlike 4.0" in readme


@pytest.mark.parametrize("source", ["gmina_przykladowa", "powiat_przykladowy", "hostile"])
def test_frictionless_validates_the_exports(source: str, tmp_path: Path) -> None:
    data = read_gmina(HOSTILE if source == "hostile" else example_dir(source))
    assert data.report.ok, data.report.format_text()
    out = tmp_path / "out"
    export_hsds(data, out)
    report = validate(out)
    assert errors(report) == [] and report.valid
    assert {task.name for task in report.tasks} == set(SPEC_FILES)
    services = read_csv(out / "services.csv")[1]
    assert len(services) == len(data.services) > 0


def _break(out: Path, file_name: str, change) -> None:
    header, rows = read_csv(out / file_name)
    change(rows)
    with (out / file_name).open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, header, lineterminator="\r\n")
        writer.writeheader()
        writer.writerows(rows)


def _set(index: int, **values: str):
    return lambda rows: rows[index].update(values)


@pytest.mark.parametrize(
    ("file_name", "change", "table", "error_type"),
    [
        ("services.csv", _set(0, status="otwarta"), "service", "constraint-error"),  # enum
        ("locations.csv", _set(0, location_type="w domu"), "location", "constraint-error"),  # enum
        ("services.csv", lambda rows: rows.append(dict(rows[0])), "service", "primary-key|unique-error"),  # same id
        ("taxonomy_terms.csv", lambda rows: rows[1].update(code=rows[0]["code"]), "taxonomy_term", "unique-error"),
        ("attributes.csv", _set(0, taxonomy_term_id=str(uuid.uuid4())), "attribute", "foreign-key"),
        ("services.csv", _set(0, organization_id=str(uuid.uuid4())), "service", "foreign-key"),
        ("phones.csv", _set(0, id="telefon-1"), "phone", "type-error|primary-key"),  # format uuid
        ("services.csv", _set(0, assured_date="15.03.2024"), "service", "type-error"),
        ("organizations.csv", _set(0, description=""), "organization", "constraint-error"),  # required
    ],
)
def test_a_broken_export_fails_validation(
    exported: tuple[Path, list[Path]], tmp_path: Path, file_name: str, change, table: str, error_type: str
) -> None:
    out = tmp_path / "broken"
    shutil.copytree(exported[0], out)
    _break(out, file_name, change)
    report = validate(out)
    assert not report.valid
    assert {(name, kind) for name, kind, _ in errors(report)} == {(table, kind) for kind in error_type.split("|")}


def test_every_file_exists(exported: tuple[Path, list[Path]]) -> None:
    out, paths = exported
    assert TABLE_FILES == SPEC_FILES
    assert sorted(p.name for p in paths) == sorted([*SPEC_FILES.values(), "datapackage.json"])
    for path in paths:
        assert path.parent == out and path.is_file()
    assert sorted(p.name for p in out.iterdir()) == sorted(p.name for p in paths)  # no temporary leftovers


def test_headers_are_the_spec_fields(exported: tuple[Path, list[Path]]) -> None:
    out, _ = exported
    for table, file_name in SPEC_FILES.items():
        header, _ = read_csv(out / file_name)
        assert header == [f["name"] for f in SPEC_RESOURCES[table]["schema"]["fields"]], file_name


def test_field_file_matches_the_descriptor(tables: dict[str, list[dict[str, str]]]) -> None:
    """hsds_pola.csv documents every filled column, with the descriptor's required flag, format and reference."""
    fields = hsds_fields()
    for table, resource in SPEC_RESOURCES.items():
        spec = {f["name"]: f for f in resource["schema"]["fields"]}
        references = {k["fields"]: k["reference"]["resource"] for k in resource["schema"].get("foreignKeys", [])}
        documented = {f.name for f in fields[table]}
        filled = {name for row in tables[table] for name, value in row.items() if value}
        assert filled <= documented, f"{table}: filled but not documented {filled - documented}"
        for field in fields[table]:
            assert field.source, f"{table}.{field.name}: no source recorded"
            assert field.required == bool(spec[field.name].get("constraints", {}).get("required")), field
            assert field.format == spec[field.name].get("format", ""), field
            assert field.reference == references.get(field.name, ""), field


def test_required_fields_are_filled(tables: dict[str, list[dict[str, str]]]) -> None:
    for table, rows in tables.items():
        for row in rows:
            for name in SPEC_REQUIRED[table]:
                assert row[name], f"{table}: empty required {name} in {row}"


def test_ids_are_unique_uuids(tables: dict[str, list[dict[str, str]]]) -> None:
    seen: set[str] = set()
    for table, rows in tables.items():
        ids = [row["id"] for row in rows]
        assert len(ids) == len(set(ids)), table
        for value in ids:
            assert str(uuid.UUID(value)) == value
        assert not seen & set(ids), f"{table}: id shared with another table"
        seen |= set(ids)
        for row in rows:
            for name, value in row.items():
                if name.endswith("_id") and value:
                    uuid.UUID(value)


def test_referential_integrity(tables: dict[str, list[dict[str, str]]]) -> None:
    ids = {table: {row["id"] for row in rows} for table, rows in tables.items()}
    for row in tables["service"]:
        assert row["organization_id"] in ids["organization"]
    for row in tables["service_at_location"]:
        assert row["service_id"] in ids["service"] and row["location_id"] in ids["location"]
    for row in tables["location"]:
        assert row["organization_id"] in ids["organization"]
    for row in tables["address"]:
        assert row["location_id"] in ids["location"]
    for row in tables["schedule"]:
        assert row["service_id"] in ids["service"]
    for row in tables["phone"]:
        owners = [row["service_id"], row["organization_id"]]
        assert sum(bool(o) for o in owners) == 1, row
        assert row["service_id"] in ids["service"] or row["organization_id"] in ids["organization"]
    for row in tables["attribute"]:
        assert row["link_entity"] == "service" and row["link_id"] in ids["service"]
        assert row["taxonomy_term_id"] in ids["taxonomy_term"]
    for row in tables["taxonomy_term"]:
        assert row["taxonomy_id"] in ids["taxonomy"]
    # no unused taxonomy terms (HSDS guidance) and no location nobody refers to
    assert {r["taxonomy_term_id"] for r in tables["attribute"]} == ids["taxonomy_term"]


def test_every_service_exported_once(example: GminaData, tables: dict[str, list[dict[str, str]]]) -> None:
    organizations = {row["id"]: row["name"] for row in tables["organization"]}
    exported = sorted((organizations[r["organization_id"]], r["name"]) for r in tables["service"])
    partner_names = example.partner_names()
    expected = sorted((partner_names[p], n) for p, n in zip(example.services["partner"], example.services["nazwa"],
                                                            strict=True))
    assert exported == expected
    assert len(tables["service"]) == len(example.services) == 53
    assert {r["status"] for r in tables["service"]} == {"active"}
    assert len({r["service_id"] for r in tables["service_at_location"]}) == len(tables["service_at_location"])


def test_organizations_are_members_and_providing_candidates(
    example: GminaData, tables: dict[str, list[dict[str, str]]]
) -> None:
    names = {row["name"] for row in tables["organization"]}
    partners = example.partners.set_index("id")
    for pid, role in partners["rola"].items():
        provides = pid in set(example.services["partner"])
        assert (partners.loc[pid, "nazwa"] in names) == (role in {"lider", "partner"} or provides), pid
    assert partners.loc["OSIR", "nazwa"] in names  # a candidate with a service
    assert partners.loc["LKS", "nazwa"] not in names


def test_service_fields_are_polish_text(tables: dict[str, list[dict[str, str]]]) -> None:
    by_name = {row["name"]: row for row in tables["service"]}
    care = by_name["Pomoc w domu dla osoby starszej lub chorej (usługi opiekuńcze)"]
    assert care["fees_description"].startswith("Częściowo odpłatna")
    assert care["application_process"].startswith("Decyzja")
    assert care["eligibility_description"] == "Osoby starsze; Osoby z niepełnosprawnościami"
    assert care["description"].startswith("Opiekunka pomaga")
    schedules = {row["service_id"]: row for row in tables["schedule"]}
    assert schedules[care["id"]]["description"] == "pon.–sob. 7:00–19:00"
    terms = {row["code"]: row for row in tables["taxonomy_term"]}
    assert terms["niepelnosprawnosc"]["name"] == "Niepełnosprawność"
    assert terms["niepelnosprawnosc"]["taxonomy"] == "pzk-obszary-potrzeb"


def test_locations_and_addresses(tables: dict[str, list[dict[str, str]]]) -> None:
    organizations = {row["name"]: row["id"] for row in tables["organization"]}
    locations = {row["id"]: row for row in tables["location"]}
    addresses = {row["location_id"]: row for row in tables["address"]}
    cus = organizations["Centrum Usług Społecznych w Przykładowie"]
    seat = next(loc for loc in locations.values() if loc["organization_id"] == cus and loc["id"] in addresses)
    assert addresses[seat["id"]] | {"id": "", "location_id": ""} == {
        "id": "", "location_id": "", "attention": "", "address_1": "ul. Rynek 12", "address_2": "", "region": "",
        "city": "Przykładowo",
        "state_province": "małopolskie", "postal_code": "00-001", "country": "PL", "address_type": "physical",
    }
    at_seat = [row for row in tables["service_at_location"] if row["location_id"] == seat["id"]]
    assert {"CUS, ul. Rynek 12, pokój 4", "punkt w CUS, ul. Rynek 12, pokój 1"} <= {r["description"] for r in at_seat}
    assert {row["location_type"] for row in tables["location"]} == {"physical"}
    assert {row["country"] for row in tables["address"]} == {"PL"}


def test_no_contact_person_anywhere(example: GminaData, exported: tuple[Path, list[Path]]) -> None:
    _, paths = exported
    people = {str(v) for v in example.partners["osoba_kontaktowa"].dropna()}
    for path in paths:
        if path.suffix == ".csv":
            for row in read_csv(path)[1]:
                assert not people & set(row.values()), path.name


def test_contact_person_never_leaks(example: GminaData, tmp_path: Path) -> None:
    partners = example.partners.copy()
    partners["osoba_kontaktowa"] = [f"Jan Zupełnie-Prywatny {i}" for i in range(len(partners))]
    paths = export_hsds(_variant(example, partners=partners), tmp_path / "out")
    for path in paths:
        text = path.read_text(encoding="utf-8")
        assert "Zupełnie-Prywatny" not in text and "zupelnie" not in text.lower(), path.name


def test_personal_service_contact_is_skipped(example: GminaData, tmp_path: Path) -> None:
    services = example.services.copy()
    services["kontakt"] = services["kontakt"].astype(object)
    services.loc[0, "kontakt"] = "Anna Kowalska, tel. 600 100 200, anna.kowalska@cus.example.pl"
    services.loc[1, "kontakt"] = "tel. 12 345 67 89 wew. 21, infolinia 800 100 100; REGON 123456789 lub kom. Nowak"
    services.loc[2, "kontakt"] = "dyżurny: jan.nowak@cus.example.pl"
    out = tmp_path / "out"
    export_hsds(_variant(example, services=services), out)
    text = "".join(p.read_text(encoding="utf-8") for p in out.iterdir())
    assert "600 100 200" not in text and "anna.kowalska" not in text and "jan.nowak" not in text
    _, phones = read_csv(out / "phones.csv")
    _, rows = read_csv(out / "services.csv")
    second = rows[1]["id"]
    numbers = {(p["number"], p["extension"]) for p in phones if p["service_id"] == second}
    assert numbers == {("+48 12 345 67 89", "21"), ("+48 800 100 100", "")}


def test_utf8_without_bom(exported: tuple[Path, list[Path]]) -> None:
    out, paths = exported
    for path in paths:
        raw = path.read_bytes()
        assert not raw.startswith(b"\xef\xbb\xbf")
        raw.decode("utf-8")
    assert "Środowiskowy Dom Samopomocy" in (out / "organizations.csv").read_text(encoding="utf-8")


def test_deterministic(exported: tuple[Path, list[Path]], tmp_path: Path) -> None:
    _, paths = exported
    again = export_hsds(read_gmina(example_dir()), tmp_path / "again")
    assert [p.name for p in again] == [p.name for p in paths]
    for first, second in zip(paths, again, strict=True):
        assert first.read_bytes() == second.read_bytes(), first.name


def test_refuses_to_overwrite(example: GminaData, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    export_hsds(example, out)  # an existing empty folder is fine
    (out / "moje.txt").write_text("nie ruszać", encoding="utf-8")
    with pytest.raises(OutputExists):
        export_hsds(example, out)
    assert (out / "moje.txt").exists()
    paths = export_hsds(example, out, overwrite=True)
    assert sorted(p.name for p in out.iterdir()) == sorted(p.name for p in paths)


def test_invalid_data_is_refused(example: GminaData, tmp_path: Path) -> None:
    broken = _variant(example, report=dataclasses.replace(example.report, problems=list(example.report.problems)))
    broken.report.error("Błąd testowy.")
    with pytest.raises(ValueError, match="HSDS"):
        export_hsds(broken, tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_datapackage_lists_resources(exported: tuple[Path, list[Path]]) -> None:
    out, _ = exported
    package = json.loads((out / "datapackage.json").read_text(encoding="utf-8"))
    assert package["profile"] == "tabular-data-package"
    resources = {r["name"]: r for r in package["resources"]}
    assert set(resources) == set(SPEC_FILES)
    for table, resource in resources.items():
        assert resource["path"] == SPEC_FILES[table]
        assert resource["schema"] == SPEC_RESOURCES[table]["schema"]  # types, enums, unique, keys: unchanged
        for key in resource["schema"].get("foreignKeys", []):
            assert key["reference"]["resource"] in resources
    assert package["hsds_version"] == "3.0.0" and "license" not in package


def test_minimal_gmina_without_addresses(write_csv_gmina, gmina_rows, tmp_path: Path) -> None:
    gmina_rows["uslugi"][0].append("kontakt")
    gmina_rows["uslugi"][1].append("tel. 12 111 22 33")
    gmina_rows["uslugi"][2].append("")
    data = read_gmina(write_csv_gmina(tmp_path / "gmina", gmina_rows))
    assert data.report.ok, data.report.format_text()
    out = tmp_path / "out"
    export_hsds(data, out)
    tables = {table: read_csv(out / path)[1] for table, path in SPEC_FILES.items()}
    assert validate(out).valid
    assert [r["name"] for r in tables["organization"]] == [
        "Gminny Ośrodek Pomocy Społecznej", "Powiatowy Urząd Pracy", "Szkoła Podstawowa nr 1",
    ]  # the candidate KPP provides nothing
    assert [r["name"] for r in tables["service"]] == ["Poradnictwo socjalne", "Szkolenia zawodowe"]
    assert tables["location"] == tables["address"] == tables["service_at_location"] == tables["schedule"] == []
    assert [(p["number"], bool(p["service_id"])) for p in tables["phone"]] == [("+48 12 111 22 33", True)]
    assert {r["code"] for r in tables["taxonomy_term"]} == {"ubostwo", "bezrobocie", "wszyscy", "osoby_bezrobotne",
                                                           "mlodziez", "liczba_miejsc"}


def test_parsers() -> None:
    address = parse_address("ul. Szpitalna 4, pawilon B, 00-001 Przykładowo")
    assert address is not None
    assert (address.address_1, address.address_2, address.city, address.postal_code) == (
        "ul. Szpitalna 4", "pawilon B", "Przykładowo", "00-001",
    )
    assert parse_address("Przykładowo") is None
    assert [p.number for p in parse_phones("tel. 12 345 67 89, 600-100-200; fax 12 345 67 80")] == [
        "+48 12 345 67 89", "+48 600-100-200", "+48 12 345 67 80",
    ]
    assert [p.type for p in parse_phones("faks: 12 345 67 80")] == ["fax"]
    assert [p.number for p in parse_phones("0048 12 345 67 89")] == ["+48 12 345 67 89"]
    assert parse_phones("112") == [] and parse_phones("Anna Nowak 600 100 200") == []


def test_locations_are_real_places(example: GminaData, tables: dict[str, list[dict[str, str]]]) -> None:
    """Delivery modes are service attributes with the sheet's text as value, never invented locations."""
    names = {row["name"] for row in tables["location"]}
    for mode in ("w domu mieszkańca", "w domu pacjenta", "na miejscu zdarzenia", "szkoły w gminie",
                 "świetlica wiejska w Dolanach Przykładowskich", "SP nr 1, gabinet pedagoga"):
        assert mode not in names
    services_by_place = dict(zip(example.services["miejsce"], example.services["nazwa"], strict=True))
    parish = services_by_place["salka parafialna, ul. Kościelna 1"]  # a street and number: a real place
    located_names = {row["name"] for row in tables["service"] if row["id"] in {
        r["service_id"] for r in tables["service_at_location"]}}
    assert parish in located_names
    terms = {row["id"]: row for row in tables["taxonomy_term"]}
    services = {row["id"]: row["name"] for row in tables["service"]}
    located = {row["service_id"] for row in tables["service_at_location"]}
    delivery = {}
    for row in tables["attribute"]:
        term = terms[row["taxonomy_term_id"]]
        if term["taxonomy"] == "pzk-sposoby-swiadczenia":
            assert row["link_type"] == "delivery" and row["value"]
            delivery.setdefault(row["value"], set()).add(term["code"])
    assert delivery["w domu mieszkańca"] == {"w_domu"}
    assert delivery["na miejscu zdarzenia"] == {"w_terenie"}
    assert delivery["szkoły w gminie"] == {"inne_miejsce"}
    assert delivery["KPP, ul. Mickiewicza 20, lub w terenie"] == {"w_terenie"}  # and it also has its location
    home = [sid for sid, name in services.items() if name.startswith("Pomoc w domu dla osoby starszej")]
    assert home and not set(home) & located
    assert terms[next(iter(terms))]["language"] == "pl"


def test_delivery_mode_rules() -> None:
    assert delivery_modes("w domu mieszkańca") == ("w_domu",)
    assert delivery_modes("konsultacje telefoniczne") == ("telefonicznie",)
    assert delivery_modes("online (Zoom)") == ("online",)
    assert delivery_modes("świetlica wiejska w Dolanach") == ("inne_miejsce",)
    assert delivery_modes("ul. Polna 9") == ()
    assert looks_like_address("GOPS, Lipowo 23") and looks_like_address("MGOK, pl. Rynek 1")
    assert not looks_like_address("SP nr 1, gabinet pedagoga") and not looks_like_address("szkoły w gminie")


@pytest.fixture(scope="module")
def rich(tmp_path_factory: pytest.TempPathFactory) -> tuple[GminaData, dict[str, list[dict[str, str]]], Path]:
    """The example with issue 17's service columns filled in two rows, read through the real workbook reader."""
    folder = tmp_path_factory.mktemp("bogata") / "gmina"
    shutil.copytree(example_dir(), folder)
    path = folder / "uslugi.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    extra = {
        "zakres": ["Pomoc społeczna", "Wspieranie rodziny"],
        "co_zabrac": ["dowód osobisty; zaświadczenie o dochodach; decyzja o stopniu niepełnosprawności.", ""],
        "dostepnosc": ["Bez barier architektonicznych; pętla indukcyjna", "Tłumacz polskiego języka migowego"],
        "jezyki": ["Polski; Ukraiński; Polski język migowy", "uk"],
        "obszar_dzialania": ["cała gmina", "sołectwa Dolany i Lipowo"],
        "data_weryfikacji": ["2024-03-15", "15.01.2026"],
    }
    first = 0
    second = next(i for i, r in enumerate(rows) if r["miejsce"] == "w domu mieszkańca")
    for column, values in extra.items():
        for index, row in enumerate(rows):
            row[column] = values[0] if index == first else values[1] if index == second else ""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    data = read_gmina(folder)
    assert data.report.ok, data.report.format_text()
    out = tmp_path_factory.mktemp("bogata_hsds") / "out"
    export_hsds(data, out)
    return data, {table: read_csv(out / p)[1] for table, p in SPEC_FILES.items()}, out


def test_new_service_fields(rich) -> None:
    data, tables, out = rich
    assert errors(validate(out)) == []
    services = tables["service"]
    first, second = services[0], next(s for s in services if s["name"] == data.services.loc[
        data.services["miejsce"] == "w domu mieszkańca", "nazwa"].iloc[0])
    assert (first["assured_date"], second["assured_date"]) == ("2024-03-15", "2026-01-15")
    documents = [r["document"] for r in tables["required_document"] if r["service_id"] == first["id"]]
    assert documents == ["dowód osobisty", "zaświadczenie o dochodach", "decyzja o stopniu niepełnosprawności"]
    assert not [r for r in tables["required_document"] if r["service_id"] == second["id"]]
    languages = {(r["service_id"], r["code"], r["name"]) for r in tables["language"]}
    assert {(c, n) for s, c, n in languages if s == first["id"]} == {
        ("pl", "Polski"), ("uk", "Ukraiński"), ("pso", "Polski język migowy"),
    }
    assert {c for s, c, _ in languages if s == second["id"]} == {"uk"}
    assert {c for s, c, _ in languages if s == services[1]["id"]} == {"pl"}  # empty = Polish
    areas = {r["service_id"]: r["name"] for r in tables["service_area"]}
    assert areas == {first["id"]: "cała gmina", second["id"]: "sołectwa Dolany i Lipowo"}
    # accessibility belongs to the first service's location (a building); the home service gets an attribute
    location = next(r["location_id"] for r in tables["service_at_location"] if r["service_id"] == first["id"])
    assert {(r["location_id"], r["description"]) for r in tables["accessibility"]} == {
        (location, "Bez barier architektonicznych"), (location, "Pętla indukcyjna"),
    }
    terms = {row["id"]: row for row in tables["taxonomy_term"]}
    attributes = {
        (terms[r["taxonomy_term_id"]]["taxonomy"], terms[r["taxonomy_term_id"]]["code"], r["value"])
        for r in tables["attribute"] if r["link_id"] == second["id"]
    }
    assert ("pzk-dostepnosc", "tlumacz_polskiego_jezyka_migowego", "") in attributes
    assert ("Ustawa o CUS art. 2 ust. 2", "wspieranie_rodziny", "") in attributes
    assert ("pzk-sposoby-swiadczenia", "w_domu", "w domu mieszkańca") in attributes
    cus = {r["name"]: r for r in tables["taxonomy"]}["Ustawa o CUS art. 2 ust. 2"]
    assert {t["code"] for t in tables["taxonomy_term"] if t["taxonomy_id"] == cus["id"]} == {
        "pomoc_spoleczna", "wspieranie_rodziny",
    }


def test_capacity_is_an_attribute(tables: dict[str, list[dict[str, str]]], example: GminaData) -> None:
    """HSDS 3.0 has no service_capacity: limit_miejsc is the value of the term liczba_miejsc."""
    terms = {row["id"]: row for row in tables["taxonomy_term"]}
    places = {
        r["link_id"]: r["value"] for r in tables["attribute"] if terms[r["taxonomy_term_id"]]["code"] == "liczba_miejsc"
    }
    names = {row["id"]: row["name"] for row in tables["service"]}
    expected = {
        name: str(int(limit)) for name, limit in zip(example.services["nazwa"], example.services["limit_miejsc"],
                                                     strict=True) if pd.notna(limit)
    }
    assert {names[sid]: value for sid, value in places.items()} == expected and expected


def test_ids_are_stable_uuid5(example: GminaData, tables: dict[str, list[dict[str, str]]]) -> None:
    """The UUID5 recipe of 0.2 (namespace, TERYT, kind, own id): aggregators update rather than duplicate."""
    first = example.services.iloc[0]
    expected = str(uuid.uuid5(NAMESPACE, f"{example.teryt}/usluga/{first['id']}"))
    assert tables["service"][0]["id"] == expected
    assert str(NAMESPACE) == "3879f4b2-de07-5c52-9c10-7b5452c73a6c"


def test_new_free_text_passes_the_privacy_rule(example: GminaData, tmp_path: Path) -> None:
    services = example.services.copy()
    services["co_zabrac"] = None
    services["obszar_dzialania"] = None
    services.loc[0, "co_zabrac"] = "dowód osobisty; pytać: jan.kowalski@gmail.com, tel. 601 202 303"
    services.loc[0, "obszar_dzialania"] = "cała gmina (dyżur: 602 303 404)"
    out = tmp_path / "out"
    export_hsds(_variant(example, services=services), out)
    text = "".join(p.read_text(encoding="utf-8") for p in out.iterdir())
    assert "jan.kowalski" not in text and "601 202 303" not in text and "602 303 404" not in text
    documents = read_csv(out / "required_documents.csv")[1]
    assert documents[0]["document"] == "dowód osobisty"
    assert validate(out).valid
