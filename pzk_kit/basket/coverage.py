"""The local service basket (lokalny koszyk usług) read against the gmina's needs, as CONTRACT §3 defines it.

Partners bring their offer; the basket shows which needs of which groups are covered, where the gaps are,
which areas hang on a single provider and what stands between a resident and a service (referrals, decisions,
fees). It is the raw material for the diagnoza potrzeb i potencjału and the program usług społecznych.

A need row (obszar, grupa) is covered when some service lists that area and that group, or the group
``wszyscy`` (every resident).
"""

from __future__ import annotations

import pandas as pd

from pzk_kit.privacy import published
from pzk_kit.workbook.dictionaries import dictionary
from pzk_kit.workbook.reading import GminaData

EVERYONE = "wszyscy"
OVERLAP_THRESHOLD = 3


def service_pairs(data: GminaData) -> pd.DataFrame:
    """One row per (service, area, group) a service lists: the long form every coverage question uses."""
    services = data.services[["id", "partner", "obszary", "grupy"]]
    if services.empty:
        return pd.DataFrame(columns=["id", "partner", "obszar", "grupa"])
    long = services.explode("obszary").explode("grupy").rename(columns={"obszary": "obszar", "grupy": "grupa"})
    return long.dropna(subset=["obszar", "grupa"]).reset_index(drop=True)


def answering_services(data: GminaData, pairs: pd.DataFrame | None = None) -> pd.DataFrame:
    """(obszar, grupa, id, partner) for every need key and every service answering it: the one rule of coverage.

    A need (area, group) is answered by services listing that area and that group, or that area and ``wszyscy``.
    A service listing both the group and ``wszyscy`` appears twice; count it with ``nunique``/``drop_duplicates``.
    """
    pairs = service_pairs(data) if pairs is None else pairs
    keys = data.needs[["obszar", "grupa"]].drop_duplicates()
    exact = keys.merge(pairs, on=["obszar", "grupa"])
    for_all = keys.merge(pairs[pairs["grupa"] == EVERYONE].drop(columns="grupa"), on="obszar")
    return pd.concat([exact, for_all], ignore_index=True)


def needs_coverage(data: GminaData, pairs: pd.DataFrame | None = None) -> pd.DataFrame:
    """Each need row with the number of services and providers answering it, and whether it is covered."""
    needs = data.needs[["obszar", "grupa", "liczba_osob", "priorytet", "zrodlo", "wiersz"]].copy()
    answering = answering_services(data, pairs)
    counts = answering.groupby(["obszar", "grupa"]).agg(uslugi=("id", "nunique"), dostawcy=("partner", "nunique"))
    needs = needs.merge(counts, left_on=["obszar", "grupa"], right_index=True, how="left")
    needs[["uslugi", "dostawcy"]] = needs[["uslugi", "dostawcy"]].fillna(0).astype("int64")
    needs["pokryta"] = needs["uslugi"] > 0
    return needs.reset_index(drop=True)


CAPACITY_STATUSES = ("pokryta", "pokryta_nominalnie", "luka")
CAPACITY_STATUS_CODES = {"pokryta": "covered", "pokryta_nominalnie": "nominally_covered", "luka": "gap"}
RATIO_DECIMALS = 3


def _count(value: object) -> int | None:
    """A count from a table cell: None when empty (NaN/None), else an int."""
    return None if value is None or pd.isna(value) else int(value)


def capacity_table(data: GminaData, pairs: pd.DataFrame | None = None) -> pd.DataFrame:
    """Each need row against the places of the services covering it (same rule as :func:`needs_coverage`).

    A course for 12 does not cover 240 seniors: presence alone hides that, so a need whose services offer fewer
    places (``limit_miejsc`` summed) than people (``liczba_osob``) is only nominally covered. A covering service
    with no limit makes the places unlimited (None), and unknown people leave the ratio unknown: neither can be
    called too few, so such a need stays covered.
    """
    answering = answering_services(data, pairs).drop_duplicates(["obszar", "grupa", "id"])
    limits = data.services.drop_duplicates("id").set_index("id")["limit_miejsc"]
    answering = answering.assign(limit=answering["id"].map(limits))
    by_need = {key: group for key, group in answering.groupby(["obszar", "grupa"], sort=False)}
    rows = []
    for need in data.needs.itertuples(index=False):
        people = _count(need.liczba_osob)
        found = by_need.get((need.obszar, need.grupa))
        ids = tuple(sorted(found["id"])) if found is not None else ()
        places = None
        if ids and not found["limit"].isna().any():
            places = int(found["limit"].sum())
        ratio = round(places / people, RATIO_DECIMALS) if places is not None and people else None
        if not ids:
            status = "luka"
        elif places is not None and people is not None and places < people:
            status = "pokryta_nominalnie"
        else:
            status = "pokryta"
        rows.append({"obszar": need.obszar, "grupa": need.grupa, "liczba_osob": people, "miejsca": places,
                     "wspolczynnik": ratio, "status": status, "uslugi": ids})
    columns = ["obszar", "grupa", "liczba_osob", "miejsca", "wspolczynnik", "status", "uslugi"]
    # object columns, so an unknown stays None (not NaN) and counts stay ints
    return pd.DataFrame({c: pd.Series([row[c] for row in rows], dtype=object) for c in columns})


def nominally_covered(table: pd.DataFrame) -> pd.DataFrame:
    """Nominally covered needs from :func:`capacity_table`, the largest shortfall of places first."""
    short = table[table["status"] == "pokryta_nominalnie"]
    shortfall = short["liczba_osob"].astype(int) - short["miejsca"].astype(int)
    return short.assign(_short=shortfall).sort_values("_short", ascending=False, kind="stable").drop(
        columns="_short").reset_index(drop=True)


def capacity_summary(table: pd.DataFrame) -> list[dict]:
    """The ``capacity`` list of ``summary.json``'s ``basket``: English keys and status codes, numbers or null."""
    return [{"area": row.obszar, "group": row.grupa, "people": row.liczba_osob, "places": row.miejsca,
             "capacity_ratio": row.wspolczynnik, "status": CAPACITY_STATUS_CODES[row.status]}
            for row in table.itertuples(index=False)]


CAPACITY_WORDS = {"pokryta": "pokryta", "pokryta_nominalnie": "pokryta tylko nominalnie (za mało miejsc)",
                  "luka": "luka (brak usługi)"}


def capacity_display(data: GminaData, table: pd.DataFrame | None = None) -> pd.DataFrame:
    """:func:`capacity_table` for the meeting: Polish labels, "bez limitu" where a service takes everyone who
    comes, a dash where a figure is unknown, the ratio as a Polish decimal (0,05 = 5 places per 100 people).
    ``table``: the capacity table when the caller already has it (an analysis computes it once per report)."""
    from pzk_kit import glossary

    table = capacity_table(data) if table is None else table
    areas, groups = dictionary("obszary_potrzeb"), dictionary("grupy_docelowe")

    def places(row) -> str:
        if row.miejsca is not None:
            return str(row.miejsca)
        return "bez limitu" if row.uslugi else "—"

    return pd.DataFrame({
        "Obszar potrzeb": [areas.label(a) for a in table["obszar"]],
        "Grupa": [groups.label(g) for g in table["grupa"]],
        "Osoby": ["—" if n is None else str(n) for n in table["liczba_osob"]],
        "Miejsca": [places(row) for row in table.itertuples(index=False)],
        "Współczynnik": ["—" if r is None else glossary.decimal(r, 2) for r in table["wspolczynnik"]],
        "Stan": [CAPACITY_WORDS[s] for s in table["status"]],
        "Usługi": [", ".join(ids) or "—" for ids in table["uslugi"]],
    }, columns=["Obszar potrzeb", "Grupa", "Osoby", "Miejsca", "Współczynnik", "Stan", "Usługi"])


def gaps(data: GminaData, coverage: pd.DataFrame | None = None) -> pd.DataFrame:
    """Uncovered need rows, most urgent first: priority 1 before 3, then more people before fewer."""
    coverage = needs_coverage(data) if coverage is None else coverage
    uncovered = coverage[~coverage["pokryta"]].copy()
    uncovered["_priority"] = uncovered["priorytet"].fillna(9)
    uncovered["_people"] = uncovered["liczba_osob"].fillna(-1)
    ranked = uncovered.sort_values(["_priority", "_people", "wiersz"], ascending=[True, False, True])
    return ranked.drop(columns=["_priority", "_people"]).reset_index(drop=True)


def providers_by_area(data: GminaData) -> pd.Series:
    """Number of distinct partners offering services in each need area (areas with any service)."""
    pairs = service_pairs(data)
    if pairs.empty:
        return pd.Series(dtype="int64")
    return pairs.groupby("obszar")["partner"].nunique()


def single_provider_areas(data: GminaData) -> list[str]:
    """Need areas served by exactly one partner, in dictionary order: the basket hangs on one institution."""
    providers = providers_by_area(data)
    return [code for code in dictionary("obszary_potrzeb").codes if providers.get(code) == 1]


def basket_summary(data: GminaData, capacity: pd.DataFrame | None = None) -> dict:
    """The ``basket`` part of ``summary.json`` (CONTRACT §3), with exactly its field names (``capacity``: the
    capacity table when the caller already has it)."""
    pairs = service_pairs(data)
    coverage = needs_coverage(data, pairs)
    missing = gaps(data, coverage)
    capacity = capacity_table(data, pairs) if capacity is None else capacity
    return {
        "services": len(data.services),
        "needs": len(data.needs),
        "needs_covered": int(coverage["pokryta"].sum()),
        "gaps": [{"area": a, "group": g} for a, g in zip(missing["obszar"], missing["grupa"], strict=True)],
        "single_provider_areas": single_provider_areas(data),
        "needs_nominally_covered": int((capacity["status"] == "pokryta_nominalnie").sum()),
        "capacity": capacity_summary(capacity),
    }


# -- tables for the workshop -------------------------------------------------------------------------------------


def coverage_matrix(data: GminaData) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Need area × target group: number of services and of providers.

    A service for ``wszyscy`` counts in every group's column, because every group can use it.
    """
    areas, groups = dictionary("obszary_potrzeb"), dictionary("grupy_docelowe")
    pairs = service_pairs(data)
    specific = [g for g in groups.codes if g != EVERYONE]
    if not pairs.empty:
        for_all = pairs[pairs["grupa"] == EVERYONE]
        expanded = for_all.loc[for_all.index.repeat(len(specific))].assign(grupa=specific * len(for_all))
        pairs = pd.concat([pairs[pairs["grupa"] != EVERYONE], expanded], ignore_index=True)
    used = set(pairs["obszar"]) | set(data.needs["obszar"])
    area_codes = [a for a in areas.codes if a in used]
    services = pairs.drop_duplicates(["obszar", "grupa", "id"]).groupby(["obszar", "grupa"]).size().unstack()
    providers = pairs.drop_duplicates(["obszar", "grupa", "partner"]).groupby(["obszar", "grupa"]).size().unstack()

    def shaped(table: pd.DataFrame) -> pd.DataFrame:
        table = table.reindex(index=area_codes, columns=specific).fillna(0).astype("int64")
        table.index = [areas.label(a) for a in table.index]
        table.columns = [groups.label(g) for g in table.columns]
        return table

    return shaped(services), shaped(providers)


def gaps_table(data: GminaData) -> pd.DataFrame:
    """Gaps for the meeting: Polish labels, people affected, priority and the source of the need."""
    table = gaps(data)
    return pd.DataFrame({
        "Obszar potrzeb": [dictionary("obszary_potrzeb").label(a) for a in table["obszar"]],
        "Grupa": [dictionary("grupy_docelowe").label(g) for g in table["grupa"]],
        "Liczba osób": table["liczba_osob"],
        "Priorytet": table["priorytet"],
        "Źródło": table["zrodlo"],
        "Wiersz w arkuszu": table["wiersz"],
    })


def access_barriers(data: GminaData) -> pd.DataFrame:
    """How residents get in: shares of services by access mode and by payment."""
    services = data.services
    rows = []
    total = len(services)
    for column, name in (("dostep", "tryby_dostepu"), ("odplatnosc", "odplatnosc")):
        dic = dictionary(name)
        counts = services[column].value_counts()
        for entry in dic.entries:
            count = int(counts.get(entry.code, 0))
            rows.append({"Cecha": dic.title, "Wartość": entry.label, "Usługi": count,
                         "Udział": round(count / total, 3) if total else 0.0})
        unknown = int(services[column].isna().sum())
        if unknown:
            rows.append({"Cecha": dic.title, "Wartość": "nie podano", "Usługi": unknown,
                         "Udział": round(unknown / total, 3)})
    return pd.DataFrame(rows, columns=["Cecha", "Wartość", "Usługi", "Udział"])


def partner_contribution(data: GminaData) -> pd.DataFrame:
    """What each partner brings to the basket: services, areas and groups covered."""
    pairs = service_pairs(data)
    partners = data.partners.set_index("id")
    rows = []
    for pid, group in data.services.groupby("partner"):
        mine = pairs[pairs["partner"] == pid]
        sector = partners["sektor"].get(pid)
        rows.append({
            "id": pid,
            "Nazwa": partners["nazwa"].get(pid, ""),
            "Sektor": dictionary("sektory").label(sector) if isinstance(sector, str) else "",
            "Usługi": len(group),
            "Obszary potrzeb": mine["obszar"].nunique(),
            "Grupy": mine["grupa"].nunique(),
            "Bez skierowania": int((group["dostep"] == "bez_skierowania").sum()),
            "Bezpłatne": int((group["odplatnosc"] == "bezplatna").sum()),
        })
    table = pd.DataFrame(rows, columns=["id", "Nazwa", "Sektor", "Usługi", "Obszary potrzeb", "Grupy",
                                        "Bez skierowania", "Bezpłatne"])
    return table.sort_values(["Usługi", "id"], ascending=[False, True], ignore_index=True)


def sector_contribution(data: GminaData) -> pd.DataFrame:
    """Services per sector: does the basket lean on social assistance alone?"""
    contribution = partner_contribution(data)
    if contribution.empty:
        return pd.DataFrame(columns=["Sektor", "Partnerzy", "Usługi"])
    grouped = contribution.groupby("Sektor").agg(Partnerzy=("id", "count"), Usługi=("Usługi", "sum"))
    return grouped.sort_values("Usługi", ascending=False).reset_index()


def overlaps(data: GminaData, threshold: int = OVERLAP_THRESHOLD) -> pd.DataFrame:
    """Area × group cells with many services: candidates for coordination rather than new offers."""
    pairs = service_pairs(data)
    if pairs.empty:
        return pd.DataFrame(columns=["Obszar potrzeb", "Grupa", "Usługi", "Dostawcy"])
    grouped = pairs.groupby(["obszar", "grupa"]).agg(services=("id", "nunique"), providers=("partner", "nunique"))
    crowded = grouped[grouped["services"] >= threshold].sort_values("services", ascending=False).reset_index()
    return pd.DataFrame({
        "Obszar potrzeb": [dictionary("obszary_potrzeb").label(a) for a in crowded["obszar"]],
        "Grupa": [dictionary("grupy_docelowe").label(g) for g in crowded["grupa"]],
        "Usługi": crowded["services"],
        "Dostawcy": crowded["providers"],
    })


def services_without_declaration(data: GminaData) -> pd.DataFrame:
    """Services offered by partners who have not signed anything yet (or are only candidates)."""
    partners = data.partners.set_index("id")
    unsigned = pd.Series((data.without_declaration() | (data.partners["rola"] == "kandydat")).to_numpy(),
                         index=partners.index)
    # a provider missing from the partner list has signed nothing either
    mask = unsigned.reindex(data.services["partner"]).fillna(True).astype(bool).to_numpy()
    chosen = data.services[mask]
    return pd.DataFrame({
        "Usługa": chosen["id"], "Nazwa": chosen["nazwa"], "Partner": chosen["partner"],
        "Rola partnera": [dictionary("role").label(r) if isinstance(r, str) else "" for r in
                          partners["rola"].reindex(chosen["partner"])],
    }).reset_index(drop=True)


# -- the service finder ------------------------------------------------------------------------------------------


def find_services(
    data: GminaData,
    areas: list[str] | tuple[str, ...] = (),
    group: str | None = None,
    *,
    free_only: bool = False,
    without_referral: bool = False,
    include_personal: bool = False,
) -> pd.DataFrame:
    """Services matching a resident's situations (any of ``areas``) and group, with the path to each.

    Built from :func:`pzk_kit.privacy.published` unless ``include_personal``: the finder is shown in the app, in
    published notebooks and in the IPUS draft. ``wszyscy`` services match every group. Results are sorted so that
    the easiest path comes first: no referral before referral before an administrative decision, then free before
    paid.
    """
    data = published(data, include_personal=include_personal)
    services = data.services
    mask = pd.Series(True, index=services.index)
    if areas:
        wanted = set(areas)
        mask &= services["obszary"].map(lambda listed: bool(wanted.intersection(listed)))
    if group:
        mask &= services["grupy"].map(lambda listed: group in listed or EVERYONE in listed)
    if free_only:
        mask &= services["odplatnosc"] == "bezplatna"
    if without_referral:
        mask &= services["dostep"] == "bez_skierowania"
    found = services[mask]
    access_order = {"bez_skierowania": 0, "skierowanie": 1, "decyzja": 2}
    payment_order = {"bezplatna": 0, "czesciowo_odplatna": 1, "odplatna": 2}
    found = found.assign(
        _access=found["dostep"].map(access_order).fillna(3),
        _payment=found["odplatnosc"].map(payment_order).fillna(3),
    ).sort_values(["_access", "_payment", "nazwa"])
    names = data.partner_names()
    access = dictionary("tryby_dostepu")
    payment = dictionary("odplatnosc")
    return pd.DataFrame({
        "id": found["id"],
        "Usługa": found["nazwa"],
        "Świadczy": [names.get(p, p) for p in found["partner"]],
        "Jak skorzystać": [access.entry(d).description if isinstance(d, str) and access.entry(d) else "zapytaj"
                           for d in found["dostep"]],
        "Koszt": [payment.label(o) if isinstance(o, str) else "—" for o in found["odplatnosc"]],
        "Gdzie i kiedy": [", ".join(str(v) for v in (m, g) if isinstance(v, str) and v)
                          for m, g in zip(found["miejsce"], found["godziny"], strict=True)],
        "Kontakt": found["kontakt"].fillna(""),
    }).reset_index(drop=True)


def summary_table(summary: dict) -> pd.DataFrame:
    """The ``basket`` summary as a Polish table (measure, value, what it means), named as in the glossary."""
    from pzk_kit import glossary

    areas, groups = dictionary("obszary_potrzeb"), dictionary("grupy_docelowe")
    shown = {
        "services": glossary.fmt("services", summary["services"]),
        "needs": glossary.fmt("needs", summary["needs"]),
        "needs_covered": glossary.fmt("needs_covered", summary["needs_covered"], of=summary["needs"]),
        "gaps": "; ".join(f"{areas.label(g['area'])} — {groups.label(g['group']).lower()}" for g in summary["gaps"])
        or "brak",
        "single_provider_areas": ", ".join(areas.label(a) for a in summary["single_provider_areas"]) or "brak",
    }
    if "needs_nominally_covered" in summary:  # a part written before 0.3 has no capacity
        shown["needs_nominally_covered"] = glossary.fmt("needs_nominally_covered", summary["needs_nominally_covered"])
    return pd.DataFrame([
        {"Miara": glossary.label(code), "Wartość": value, "Co to znaczy": glossary.definition(code)}
        for code, value in shown.items()
    ])


def single_provider_table(data: GminaData) -> pd.DataFrame:
    """Areas hanging on one partner, with that partner's name: who to back up first."""
    pairs = service_pairs(data)
    names = data.partner_names()
    rows = []
    for area in single_provider_areas(data):
        provider = pairs.loc[pairs["obszar"] == area, "partner"].iloc[0]
        rows.append({"Obszar potrzeb": dictionary("obszary_potrzeb").label(area), "Jedyny dostawca": provider,
                     "Nazwa": names.get(provider, "")})
    return pd.DataFrame(rows, columns=["Obszar potrzeb", "Jedyny dostawca", "Nazwa"])
