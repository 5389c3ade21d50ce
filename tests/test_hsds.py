"""HSDS export (pzk_kit.basket.hsds): file and field names of the Open Referral specification, ids, references, privacy.

The field lists below are copied from the Open Referral Human Services Data Specification, repository
``openreferral/specification``, files ``schema/<object>.json`` at commit 149f77cdef6e8a2d617114a0ad31d3861a3bfe8a
(``$id`` …/refs/heads/3.2/…; HSDS 3.2 branch), cross-checked with ``schema/compiled/tabular.json`` (HSDS 3.0/3.1
compiled tabular schema, commit 33493d428e8a821ba88fa496123a2a6521a73ad3): the scalar properties of each object,
in the specification's order. Array and object properties (``phones``, ``addresses``, ``taxonomy_term``…) are
separate tables in the tabular form and are not columns. They are hard-coded on purpose: the test must not trust
the package's own field file.
"""

from __future__ import annotations

import csv
import dataclasses
import json
import uuid
from pathlib import Path

import pytest

from pzk_kit.basket.hsds import TABLE_FILES, export_hsds, hsds_fields, parse_address, parse_phones
from pzk_kit.files import OutputExists
from pzk_kit.spreadsheet_safety import unescape_csv_text
from pzk_kit.workbook.example import example_dir
from pzk_kit.workbook.reading import GminaData, read_gmina

# HSDS 3.x object → file name (the ``path`` of each schema file).
SPEC_FILES = {
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
# HSDS 3.x scalar fields per object (schema/<object>.json, see the module docstring), in specification order.
SPEC_FIELDS = {
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
    "attribute": ["id", "link_id", "taxonomy_term_id", "link_type", "link_entity", "value", "label"],
    "service_at_location": ["id", "service_id", "location_id", "description"],
    "location": [
        "id", "location_type", "url", "organization_id", "name", "alternate_name", "description", "transportation",
        "latitude", "longitude", "external_identifier", "external_identifier_type",
    ],
    "phone": [
        "id", "location_id", "service_id", "organization_id", "contact_id", "service_at_location_id", "number",
        "extension", "type", "description",
    ],
    "address": [
        "id", "location_id", "attention", "address_1", "address_2", "city", "region", "state_province",
        "postal_code", "country", "address_type",
    ],
    "schedule": [
        "id", "service_id", "location_id", "service_at_location_id", "valid_from", "valid_to", "dtstart", "timezone",
        "until", "count", "wkst", "freq", "interval", "byday", "byweekno", "bymonthday", "byyearday", "description",
        "opens_at", "closes_at", "schedule_link", "attending_type", "notes",
    ],
    "taxonomy_term": [
        "id", "code", "name", "description", "parent_id", "taxonomy", "language", "taxonomy_id", "term_uri",
    ],
    "taxonomy": ["id", "name", "description", "uri", "version"],
}
# ``required`` plus ``tabular_required`` of each schema file.
SPEC_REQUIRED = {
    "organization": ["id", "name", "description"],
    "service": ["id", "name", "status", "organization_id"],
    "attribute": ["id", "link_id", "taxonomy_term_id", "link_entity"],
    "service_at_location": ["id", "service_id", "location_id"],
    "location": ["id", "location_type"],
    "phone": ["id", "number"],
    "address": ["id", "address_1", "city", "state_province", "postal_code", "country", "address_type"],
    "schedule": ["id"],
    "taxonomy_term": ["id", "name", "description"],
    "taxonomy": ["id", "name", "description"],
}
# The columns this kit exports: a subset of SPEC_FIELDS, in the same order.
EXPECTED_HEADERS = {
    "organizations.csv": ["id", "name", "description", "email", "website", "legal_status"],
    "services.csv": [
        "id", "organization_id", "name", "description", "email", "status", "application_process",
        "fees_description", "eligibility_description",
    ],
    "attributes.csv": ["id", "link_id", "taxonomy_term_id", "link_type", "link_entity"],
    "service_at_location.csv": ["id", "service_id", "location_id", "description"],
    "locations.csv": ["id", "location_type", "organization_id", "name", "description"],
    "phones.csv": ["id", "service_id", "organization_id", "number", "extension", "type"],
    "addresses.csv": [
        "id", "location_id", "address_1", "address_2", "city", "state_province", "postal_code", "country",
        "address_type",
    ],
    "schedules.csv": ["id", "service_id", "description", "attending_type"],
    "taxonomy_terms.csv": ["id", "code", "name", "description", "taxonomy", "language", "taxonomy_id"],
    "taxonomies.csv": ["id", "name", "description"],
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


def test_every_file_exists(exported: tuple[Path, list[Path]]) -> None:
    out, paths = exported
    assert TABLE_FILES == SPEC_FILES
    assert sorted(p.name for p in paths) == sorted([*SPEC_FILES.values(), "datapackage.json"])
    for path in paths:
        assert path.parent == out and path.is_file()
    assert sorted(p.name for p in out.iterdir()) == sorted(p.name for p in paths)  # no temporary leftovers


def test_headers_are_the_spec_fields_we_export(exported: tuple[Path, list[Path]]) -> None:
    out, _ = exported
    for file_name, expected in EXPECTED_HEADERS.items():
        header, _ = read_csv(out / file_name)
        assert header == expected, file_name
        spec = SPEC_FIELDS[TABLE_OF_FILE[file_name]]
        assert set(header) <= set(spec), f"{file_name}: not HSDS fields {set(header) - set(spec)}"
        assert [f for f in spec if f in header] == header, f"{file_name}: columns not in specification order"
        assert set(SPEC_REQUIRED[TABLE_OF_FILE[file_name]]) <= set(header), f"{file_name}: a required field missing"


def test_field_file_matches_export() -> None:
    fields = hsds_fields()
    for table, file_name in SPEC_FILES.items():
        assert [f.name for f in fields[table]] == EXPECTED_HEADERS[file_name]
        for field in fields[table]:
            assert field.source, f"{table}.{field.name}: no source recorded"
            assert field.required == (field.name in SPEC_REQUIRED[table]), f"{table}.{field.name}"


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
        "id": "", "location_id": "", "address_1": "ul. Rynek 12", "address_2": "", "city": "Przykładowo",
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
        assert [f["name"] for f in resource["schema"]["fields"]] == EXPECTED_HEADERS[resource["path"]]
        for key in resource["schema"].get("foreignKeys", []):
            assert key["reference"]["resource"] in resources


def test_minimal_gmina_without_addresses(write_csv_gmina, gmina_rows, tmp_path: Path) -> None:
    gmina_rows["uslugi"][0].append("kontakt")
    gmina_rows["uslugi"][1].append("tel. 12 111 22 33")
    gmina_rows["uslugi"][2].append("")
    data = read_gmina(write_csv_gmina(tmp_path / "gmina", gmina_rows))
    assert data.report.ok, data.report.format_text()
    out = tmp_path / "out"
    export_hsds(data, out)
    tables = {table: read_csv(out / path)[1] for table, path in SPEC_FILES.items()}
    assert [r["name"] for r in tables["organization"]] == [
        "Gminny Ośrodek Pomocy Społecznej", "Powiatowy Urząd Pracy", "Szkoła Podstawowa nr 1",
    ]  # the candidate KPP provides nothing
    assert [r["name"] for r in tables["service"]] == ["Poradnictwo socjalne", "Szkolenia zawodowe"]
    assert tables["location"] == tables["address"] == tables["service_at_location"] == tables["schedule"] == []
    assert [(p["number"], bool(p["service_id"])) for p in tables["phone"]] == [("+48 12 111 22 33", True)]
    assert {r["code"] for r in tables["taxonomy_term"]} == {"ubostwo", "bezrobocie", "wszyscy", "osoby_bezrobotne",
                                                           "mlodziez"}


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
