"""Recommendations for the PZK, generated from the gmina's data by rules kept in ``data/rekomendacje.csv``.

A trainer or a region must be able to change a threshold, a priority or the wording of advice without touching
code, so each rule is one CSV row: its step (siec / koszyk / ewaluacja), the kind of check, a parameter
(threshold, sheet name…), a priority (1 high … 3 low) and Polish templates for the title, the advice and the
evidence lines. Code here only knows the *kinds* of check; every number it puts into a template comes from the
package functions that compute the contract's metrics (network_summary, basket_summary, factor_scores…), read
through the :class:`~pzk_kit.evaluation.analysis.Analysis` the report uses too, so a recommendation never
disagrees with the tables beside it.

Each recommendation points to its evidence: the partners, sectors, needs or factors that triggered it.
Evaluation rules only see scores that the anonymity rule lets through (None is skipped), so a recommendation
never reveals a result resting on fewer than 3 respondents.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from functools import cache
from pathlib import Path

import pandas as pd

from pzk_kit import basket, evaluation, glossary, network, polish, texts
from pzk_kit.evaluation.analysis import Analysis
from pzk_kit.evaluation.instrument import load_instrument
from pzk_kit.evaluation.variants import Variant, variant_of
from pzk_kit.files import atomic_file
from pzk_kit.resources import read_table
from pzk_kit.safe_html import markdown_text
from pzk_kit.workbook.dictionaries import core_sectors, dictionary
from pzk_kit.workbook.reading import GminaData

STEPS = ("siec", "koszyk", "ewaluacja")
RULES_FILE = "rekomendacje.csv"
NOTHING = "brak"  # an empty list in an evidence line


@dataclass(frozen=True)
class Rule:
    code: str
    step: str
    kind: str
    parameter: str
    priority: int
    title: str
    text: str
    evidence: str  # one line from the rule's values (may be empty)
    evidence_item: str  # one line per item that triggered the rule (may be empty)


@dataclass
class Recommendation:
    """One piece of advice: what to do (title, text) and the data that led to it (evidence)."""

    code: str
    step: str
    priority: int
    title: str
    text: str
    evidence: list[str] = field(default_factory=list)

    @property
    def step_label(self) -> str:
        return step_label(self.step)

    @property
    def priority_label(self) -> str:
        return priority_label(self.priority)


@dataclass
class _Finding:
    """What a check found: values for the title and text templates, and one dict per evidence item."""

    values: dict[str, object]
    items: list[dict[str, object]] = field(default_factory=list)


# -- texts -------------------------------------------------------------------------------------------------------


@cache
def _texts() -> dict[str, str]:
    return texts.load("raport")


def step_label(step: str) -> str:
    """Polish name of a step ("Mapa współpracy"…), from the report texts."""
    return _texts().get(f"krok_{step}", step)


def priority_label(priority: int) -> str:
    return _texts().get(f"priorytet_{priority}", str(priority))


def number(value: float, digits: int = 2) -> str:
    """``2.8`` → ``2,80``: scores and measures as a Polish reader writes them (the glossary's decimal form)."""
    return glossary.decimal(value, digits)


def percent(value: float) -> str:
    """``0.9`` → ``90 %``, the glossary's percent form (non-breaking space before the sign)."""
    return glossary.percent(value)


def _listing(values: list[str]) -> str:
    return ", ".join(values) if values else NOTHING


def _partner_name(data: GminaData, pid: str) -> str:
    name = data.partner_names().get(pid)
    return str(name) if isinstance(name, str) and name else pid


def _role_label(code: object) -> str:
    return dictionary("role").label(code).lower() if isinstance(code, str) else "nie podano"


def _parameter(rule: Rule, default: float) -> float:
    return float(rule.parameter.replace(",", ".")) if rule.parameter else default


# -- network checks ------------------------------------------------------------------------------------------------


def _has_ties_data(ctx: Analysis) -> bool:
    return ctx.has_ties


def _check_missing_sheet(ctx: Analysis, rule: Rule) -> _Finding | None:
    if ctx.data.has(rule.parameter):
        return None
    return _Finding({"arkusz": rule.parameter})


def _check_no_leader(ctx: Analysis, rule: Rule) -> _Finding | None:
    """No leader at all: neither named in ``gmina.lider`` nor any partner with the role lider (several partners
    with that role are co-leaders, not a missing leader)."""
    if ctx.data.leaders:
        return None
    partners = ctx.data.partners
    leaders = partners.loc[partners["rola"] == "lider", "id"].tolist()
    return _Finding({"pole": ctx.data.info.get("lider") or "puste", "liderzy": _listing(leaders)})


def _variant(ctx: Analysis) -> Variant:
    """The model variant the advice assumes: from ``typ`` of a gmina PZK; a powiat or multi-gmina PZK spans
    gminas of several types, so no one variant's expectations apply to it."""
    if ctx.data.scope != "gmina":
        return variant_of(None)
    return variant_of(ctx.data.info.get("typ"), ctx.data.teryt)


def _variant_values(variant: Variant) -> dict[str, object]:
    return {"wariant": variant.label}


def _members(data: GminaData) -> pd.DataFrame:
    partners = data.partners
    return partners[partners["rola"].isin(network.MEMBER_ROLES)]


def _check_missing_sectors(ctx: Analysis, rule: Rule) -> _Finding | None:
    """Core sectors without a member; with a known variant each names whom such a gmina usually invites
    (in a rural gmina the powiat's unit: PUP, KPP, the court's probation officers…), from ``warianty.csv``."""
    missing = network.sectors_missing(ctx.data)
    if not missing:
        return None
    variant = _variant(ctx)
    sectors = dictionary("sektory")
    partners = ctx.data.partners
    items = []
    for code in missing:
        chosen = partners[(partners["sektor"] == code) & (partners["rola"] == "kandydat")]
        names = [f"{name} ({pid})" for pid, name in zip(chosen["id"], chosen["nazwa"], strict=True)]
        typical = variant.first("instytucja", code)
        hint = (rule.parameter.format(wariant=variant.label, instytucja=typical.text, dlaczego=typical.why)
                if typical and rule.parameter else "")
        items.append({"sektor": sectors.label(code), "kandydaci": _listing(names), "wskazowka": hint})
    core = core_sectors()
    return _Finding({"sektory": ", ".join(sectors.label(c) for c in missing), "liczba": len(missing),
                     "obecne": len(core) - len(missing), "wszystkie": len(core), **_variant_values(variant)},
                    items)


def _check_unknown_variant(ctx: Analysis, rule: Rule) -> _Finding | None:
    if ctx.data.scope != "gmina" or _variant(ctx).known:
        return None
    return _Finding({"pole": ctx.data.info.get("typ") or "puste"})


def _partner_count(ctx: Analysis, rule: Rule, too_few: bool) -> _Finding | None:
    variant = _variant(ctx)
    expected = variant.first("liczba_partnerow")
    if expected is None:
        return None
    count = len(_members(ctx.data))
    low, high = expected.low or 0, expected.high
    outside = count < low if too_few else (high is not None and count > high)
    if not outside:
        return None
    return _Finding({**_variant_values(variant), "liczba": count, "od": low, "do": high if high is not None else "",
                     "dlaczego": expected.why})


def _check_too_few_partners(ctx: Analysis, rule: Rule) -> _Finding | None:
    return _partner_count(ctx, rule, too_few=True)


def _check_too_many_partners(ctx: Analysis, rule: Rule) -> _Finding | None:
    return _partner_count(ctx, rule, too_few=False)


def _check_key_partners(ctx: Analysis, rule: Rule) -> _Finding | None:
    """Partners a gmina of its variant relies on (the parish, KGW and OSP in a village; several NGOs, a CIS or
    KIS and the housing department in a city) that the PZK lacks, each with the reason from ``warianty.csv``."""
    variant = _variant(ctx)
    if not variant.known:
        return None
    sectors = dictionary("sektory")
    partners = ctx.data.partners
    items = []
    for expected in variant.all("partner"):
        in_sector = partners[partners["sektor"] == expected.sector]
        matching = in_sector[in_sector["nazwa"].map(expected.matches).astype(bool)]
        members = int(matching["rola"].isin(network.MEMBER_ROLES).sum())
        if members >= (expected.low or 1):
            continue
        chosen = matching[matching["rola"] == "kandydat"]
        names = [f"{name} ({pid})" for pid, name in zip(chosen["id"], chosen["nazwa"], strict=True)]
        items.append({"instytucja": expected.text, "sektor": sectors.label(expected.sector), "jest": members,
                      "minimum": expected.low or 1, "dlaczego": expected.why, "kandydaci": _listing(names)})
    if not items:
        return None
    return _Finding({**_variant_values(variant), "instytucje": ", ".join(i["instytucja"] for i in items)}, items)


def _check_isolates(ctx: Analysis, rule: Rule) -> _Finding | None:
    """Partners nobody works with. A member who did not answer and whom nobody named is not known to be alone:
    rule ``brak_odpowiedzi`` asks for its answer instead of calling it a member "only on paper"."""
    silent = set(ctx.response.non_respondents)
    isolates = [pid for pid in ctx.summary["isolates"] if pid not in silent]
    if not _has_ties_data(ctx) or not isolates:
        return None
    roles = ctx.net.partners["rola"]
    items = [{"nazwa": _partner_name(ctx.data, pid), "id": pid, "rola": _role_label(roles.get(pid))}
             for pid in isolates]
    return _Finding({"pomiar": ctx.network_measurement, "liczba": len(items)}, items)


def _check_leader_reach(ctx: Analysis, rule: Rule) -> _Finding | None:
    reach = ctx.summary["leader_reach"]
    threshold = _parameter(rule, 0.8)
    if not _has_ties_data(ctx) or reach is None or reach >= threshold:
        return None
    within = network.within_leaders_reach(ctx.net)
    outside = sorted(pid for pid in ctx.net.graph.nodes if pid not in within)
    items = [{"nazwa": _partner_name(ctx.data, pid), "id": pid} for pid in outside]
    return _Finding({"pomiar": ctx.network_measurement, "wartosc": percent(reach), "prog": percent(threshold),
                     "liczba": len(items)}, items)


def _check_reciprocity(ctx: Analysis, rule: Rule) -> _Finding | None:
    """Low reciprocity among the ties whose both ends answered: a tie left unconfirmed by a partner who never
    filled in the sheet is missing data (rule ``brak_odpowiedzi``), not a different view of the cooperation."""
    status = ctx.response
    value = status.reciprocity_answered
    threshold = _parameter(rule, 0.7)
    if not _has_ties_data(ctx) or value is None or value >= threshold:
        return None
    return _Finding({"pomiar": ctx.network_measurement, "wartosc": percent(value), "prog": percent(threshold),
                     "powiazania": status.answered_ties, "wzajemne": status.answered_reciprocal})


def _check_non_response(ctx: Analysis, rule: Rule) -> _Finding | None:
    """Members who did not describe their cooperation in the run's measurement. The rule's parameter holds the
    three Polish forms of its subject for 1, 2–4 and 5 or more (``partner nie odpowiedział|…``)."""
    status = ctx.response
    if not _has_ties_data(ctx) or status.complete:
        return None
    one, few, many = rule.parameter.split("|")
    missing = len(status.non_respondents)
    items = [{"nazwa": _partner_name(ctx.data, pid), "id": pid} for pid in status.non_respondents]
    return _Finding({"pomiar": ctx.network_measurement, "liczba": missing,
                     "nie_odpowiedzieli": f"{missing} {polish.plural(missing, one, few, many)}",
                     "czlonkowie": len(status.members), "odpowiedzieli": len(status.respondents),
                     "odsetek": glossary.fmt("response_rate", status.response_rate)}, items)


def _check_centralization(ctx: Analysis, rule: Rule) -> _Finding | None:
    value = ctx.summary["degree_centralization"]
    threshold = _parameter(rule, 0.6)
    if not _has_ties_data(ctx) or not ctx.summary["ties"] or value < threshold:
        return None
    table = network.partner_table(ctx.net).head(3)
    items = [{"nazwa": _partner_name(ctx.data, pid), "id": pid, "powiazania": int(degree)}
             for pid, degree in zip(table["id"], table["Powiązania"], strict=True)]
    return _Finding({"pomiar": ctx.network_measurement, "wartosc": number(value), "prog": number(threshold)},
                    items)


def _check_mean_level(ctx: Analysis, rule: Rule) -> _Finding | None:
    value = ctx.summary["mean_level"]
    threshold = _parameter(rule, 2.0)
    if not _has_ties_data(ctx) or not ctx.summary["ties"] or value >= threshold:
        return None
    distribution = network.level_distribution(ctx.net)
    items = [{"poziom": label, "liczba": int(count)} for label, count in distribution.items() if count]
    return _Finding({"pomiar": ctx.network_measurement, "wartosc": number(value), "prog": number(threshold)},
                    items)


def _check_disagreements(ctx: Analysis, rule: Rule) -> _Finding | None:
    if not _has_ties_data(ctx):
        return None
    levels = int(_parameter(rule, network.DISAGREEMENT_LEVELS))
    table = network.disagreements(ctx.net, levels)
    if table.empty:
        return None
    items = [{"a": a, "b": b, "a_o_b": int(ab), "b_o_a": int(ba)}
             for a, b, ab, ba in zip(table["Partner A"], table["Partner B"], table["A o B"], table["B o A"],
                                     strict=True)]
    return _Finding({"pomiar": ctx.network_measurement, "prog": levels, "liczba": len(items)}, items)


def _check_without_declaration(ctx: Analysis, rule: Rule) -> _Finding | None:
    table = network.members_without_declaration(ctx.data)
    if table.empty:
        return None
    items = [{"nazwa": name, "id": pid} for pid, name in zip(table["id"], table["Nazwa"], strict=True)]
    return _Finding({"liczba": len(items)}, items)


def _check_candidates(ctx: Analysis, rule: Rule) -> _Finding | None:
    table = network.candidates(ctx.net)
    if table.empty:
        return None
    items = [{"nazwa": name, "id": pid, "kto": who}
             for pid, name, who in zip(table["Kandydat"], table["Nazwa"], table["Kto może zaprosić"], strict=True)]
    return _Finding({"liczba": len(items)}, items)


# -- basket checks -------------------------------------------------------------------------------------------------


def _gap_items(table: pd.DataFrame, helpers: list[dict[str, str]]) -> list[dict[str, object]]:
    """One evidence item per gap: the need's figures and the matcher's suggestions (``helpers``, row for row)."""

    def shown(value: object) -> str:
        return "nie podano" if value is None or pd.isna(value) or value == "" else str(value)

    return [{"obszar": area, "grupa": group.lower(), "osoby": shown(people), "priorytet": shown(priority),
             "zrodlo": shown(source), **helper}
            for area, group, people, priority, source, helper in zip(
                table["Obszar potrzeb"], table["Grupa"], table["Liczba osób"], table["Priorytet"], table["Źródło"],
                helpers, strict=True)]


def _gaps(ctx: Analysis, rule: Rule, urgent: bool) -> _Finding | None:
    if not (ctx.data.has("uslugi") and ctx.data.has("potrzeby")):
        return None
    table = ctx.gaps
    limit = _parameter(rule, 1)
    priority = pd.to_numeric(table["Priorytet"], errors="coerce")
    is_urgent = (priority <= limit).fillna(False).astype(bool)
    chosen = table[is_urgent if urgent else ~is_urgent]
    if chosen.empty:
        return None
    # ctx.gaps is basket.gaps in Polish labels, row for row: the codes find each gap's matcher suggestions
    codes = basket.gaps(ctx.data)[["obszar", "grupa"]].to_numpy()[(is_urgent if urgent else ~is_urgent).to_numpy()]
    matches = {(m.area, m.group): m for m in ctx.gap_matches}
    helpers = [_helpers(matches[(area, group)]) for area, group in codes]
    return _Finding({"liczba": len(chosen), "prog": int(limit)}, _gap_items(chosen, helpers))


def _check_urgent_gaps(ctx: Analysis, rule: Rule) -> _Finding | None:
    return _gaps(ctx, rule, urgent=True)


def _check_other_gaps(ctx: Analysis, rule: Rule) -> _Finding | None:
    return _gaps(ctx, rule, urgent=False)


def _helpers(match) -> dict[str, str]:
    """The matcher's suggestions for one need as evidence fields: members who could add a service, candidates
    with who can invite them."""
    from pzk_kit.basket.matcher import inviter_text

    invited = "; ".join(f"{c.id}, zaprasza {inviter_text(c)}" for c in match.candidates)
    return {"partnerzy": _listing(match.partners), "kandydaci": invited or NOTHING}


def _check_too_few_places(ctx: Analysis, rule: Rule) -> _Finding | None:
    """Needs covered on paper only: fewer places than people; the biggest shortfall first."""
    if not (ctx.data.has("uslugi") and ctx.data.has("potrzeby")):
        return None
    short = basket.nominally_covered(ctx.capacity_table)
    if short.empty:
        return None
    matches = {(m.area, m.group): m for m in ctx.gap_matches}
    areas, groups = dictionary("obszary_potrzeb"), dictionary("grupy_docelowe")
    items = [{"obszar": areas.label(row.obszar), "grupa": groups.label(row.grupa).lower(), "osoby": row.liczba_osob,
              "miejsca": row.miejsca, "wspolczynnik": number(row.wspolczynnik), "uslugi": ", ".join(row.uslugi),
              **_helpers(matches[(row.obszar, row.grupa)])}
             for row in short.itertuples(index=False)]
    return _Finding({"liczba": len(items)}, items)


def _check_single_provider(ctx: Analysis, rule: Rule) -> _Finding | None:
    if not ctx.data.has("uslugi"):
        return None
    table = ctx.single_provider
    if table.empty:
        return None
    items = [{"obszar": area, "id": pid, "nazwa": name or pid}
             for area, pid, name in zip(table["Obszar potrzeb"], table["Jedyny dostawca"], table["Nazwa"],
                                        strict=True)]
    return _Finding({"liczba": len(items)}, items)


def _check_access(ctx: Analysis, rule: Rule) -> _Finding | None:
    if not ctx.data.has("uslugi"):
        return None
    modes = dictionary("tryby_dostepu")
    barriers = ctx.access_barriers
    barriers = barriers[barriers["Cecha"] == modes.title]
    formal = [modes.label(code) for code in ("skierowanie", "decyzja")]
    chosen = barriers[barriers["Wartość"].isin(formal) & (barriers["Usługi"] > 0)]
    share = float(chosen["Udział"].sum())
    threshold = _parameter(rule, 0.5)
    if share < threshold:
        return None
    items = [{"tryb": mode, "liczba": int(count), "udzial": percent(part)}
             for mode, count, part in zip(chosen["Wartość"], chosen["Usługi"], chosen["Udział"], strict=True)]
    return _Finding({"wartosc": percent(share), "prog": percent(threshold)}, items)


def _check_services_without_declaration(ctx: Analysis, rule: Rule) -> _Finding | None:
    if not ctx.data.has("uslugi"):
        return None
    table = basket.services_without_declaration(ctx.data)
    if table.empty:
        return None
    items = [{"usluga": name, "id": sid, "partner": _partner_name(ctx.data, pid)}
             for sid, name, pid in zip(table["Usługa"], table["Nazwa"], table["Partner"], strict=True)]
    return _Finding({"liczba": len(items)}, items)


# -- evaluation checks (shown scores only: None means withheld for anonymity) ----------------------------------


def _instrument():
    instrument = load_instrument()
    if instrument is None:
        raise RuntimeError("Brak plików ankiety (pzk_kit/data/ankieta) — nie można ocenić wyników ewaluacji.")
    return instrument


def _shown_scores(ctx: Analysis, measurement: str) -> list[tuple[str, float]]:
    """(factor name, score) of the factors whose score in ``measurement`` may be shown, in instrument order."""
    names = {f.code: f.name for f in _instrument().factors}
    return [(names[code], float(by[measurement])) for code, by in ctx.scores.items()
            if by.get(measurement) is not None]


def _survey_ready(ctx: Analysis) -> bool:
    return ctx.has_survey


def _check_weak_factors(ctx: Analysis, rule: Rule) -> _Finding | None:
    if not _survey_ready(ctx):
        return None
    threshold = _parameter(rule, 3.0)
    measurement = ctx.survey_measurement
    weak = sorted((score, name) for name, score in _shown_scores(ctx, measurement) if score < threshold)
    if not weak:
        return None
    items = [{"czynnik": name, "wynik": number(score), "pomiar": measurement} for score, name in weak]
    return _Finding({"pomiar": measurement, "prog": number(threshold, 1), "liczba": len(items),
                     "czynniki": ", ".join(name for _, name in weak)}, items)


def _check_weakest_watch(ctx: Analysis, rule: Rule) -> _Finding | None:
    if not _survey_ready(ctx):
        return None
    count = int(_parameter(rule, 3))
    measurement = ctx.survey_measurement
    watch = _instrument().meta.get("pasmo_obserwacja", "do obserwacji")
    chosen = sorted((score, name) for name, score in _shown_scores(ctx, measurement)
                    if evaluation.band(score) == watch)[:count]
    if not chosen:
        return None
    items = [{"czynnik": name, "wynik": number(score), "pomiar": measurement} for score, name in chosen]
    return _Finding({"pomiar": measurement, "liczba": len(items)}, items)


def _check_strengths(ctx: Analysis, rule: Rule) -> _Finding | None:
    if not _survey_ready(ctx):
        return None
    threshold = _parameter(rule, 4.0)
    measurement = ctx.survey_measurement
    strong = sorted(((score, name) for name, score in _shown_scores(ctx, measurement) if score >= threshold),
                    key=lambda pair: (-pair[0], pair[1]))
    if not strong:
        return None
    items = [{"czynnik": name, "wynik": number(score), "pomiar": measurement} for score, name in strong]
    return _Finding({"pomiar": measurement, "prog": number(threshold, 1), "liczba": len(items)}, items)


def _check_drop(ctx: Analysis, rule: Rule) -> _Finding | None:
    if not _survey_ready(ctx):
        return None
    found = ctx.survey_found
    after = ctx.survey_measurement
    position = found.index(after)
    if position == 0:
        return None
    before = found[position - 1]
    threshold = _parameter(rule, 0.2)
    table = evaluation.change(ctx.data, before, after)
    items = []
    for name, first, second, delta in zip(table["Czynnik"], table[before], table[after], table["Zmiana"],
                                          strict=True):
        if delta is not None and delta <= -threshold + 1e-9:
            items.append({"czynnik": name, "wynik_przed": number(first), "wynik_po": number(second),
                          "zmiana": number(delta), "przed": before, "po": after})
    if not items:
        return None
    return _Finding({"przed": before, "po": after, "prog": number(threshold), "liczba": len(items)}, items)


def _check_single_measurement(ctx: Analysis, rule: Rule) -> _Finding | None:
    if not _survey_ready(ctx) or len(ctx.survey_found) != 1:
        return None
    measurement = ctx.survey_found[0]
    respondents = len(evaluation.respondent_scores(ctx.data, measurement))
    return _Finding({"pomiar": measurement, "nastepny": f"T{int(measurement[1:]) + 1}",
                     "respondenci": respondents})


def _check_turnout(ctx: Analysis, rule: Rule) -> _Finding | None:
    if not _survey_ready(ctx):
        return None
    measurement = ctx.survey_measurement
    respondents = len(evaluation.respondent_scores(ctx.data, measurement))
    members = int(ctx.data.partners["rola"].isin(network.MEMBER_ROLES).sum())
    if not members or respondents >= _parameter(rule, 1.0) * members:
        return None
    return _Finding({"pomiar": measurement, "respondenci": respondents, "czlonkowie": members})


def _check_hidden_groups(ctx: Analysis, rule: Rule) -> _Finding | None:
    """Groups of the breakdown left out for anonymity, read from the breakdown's own list of what it withheld."""
    if not _survey_ready(ctx):
        return None
    by = rule.parameter or "sektor"
    measurement = ctx.survey_measurement
    # only groups that are themselves too small: a group hidden to protect a smaller one needs no more surveys
    hidden = [group for group, reason in evaluation.hidden_groups_of(ctx.data, measurement, by).items()
              if group != evaluation.NO_GROUP and reason == evaluation.too_few_reason()]
    if not hidden:
        return None
    items = [{"grupa": group, "pomiar": measurement} for group in dict.fromkeys(hidden)]
    return _Finding({"pomiar": measurement, "liczba": len(items)}, items)


# -- the declared map against the task teams ---------------------------------------------------------------------

MIN_CASES = 3  # fewer cases say nothing about which ties work (the register's < 3 rule)


def _check_paper_ties(ctx: Analysis, rule: Rule) -> _Finding | None:
    """Close ties on the map never used in a case, when the register is big enough for that to mean something."""
    comparison = ctx.used_network
    paper = comparison.paper
    if comparison.cases < MIN_CASES or len(paper) < int(_parameter(rule, 3)):
        return None
    items = [{"a": a, "b": b, "poziom": comparison.declared[(a, b)]} for a, b in paper]
    return _Finding({"pomiar": comparison.measurement, "sprawy": comparison.cases, "liczba": len(items)}, items)


CHECKS: dict[str, Callable[[Analysis, Rule], _Finding | None]] = {
    "brak_arkusza": _check_missing_sheet,
    "brak_lidera": _check_no_leader,
    "brakujace_sektory": _check_missing_sectors,
    "wariant_nieznany": _check_unknown_variant,
    "za_malo_partnerow": _check_too_few_partners,
    "za_duzo_partnerow": _check_too_many_partners,
    "kluczowi_partnerzy": _check_key_partners,
    "izolowani": _check_isolates,
    "niski_zasieg_lidera": _check_leader_reach,
    "niska_wzajemnosc": _check_reciprocity,
    "brak_odpowiedzi": _check_non_response,
    "wysoka_centralizacja": _check_centralization,
    "niski_poziom": _check_mean_level,
    "rozbiezne_oceny": _check_disagreements,
    "bez_deklaracji": _check_without_declaration,
    "kandydaci": _check_candidates,
    "luki": _check_urgent_gaps,
    "luki_pozostale": _check_other_gaps,
    "za_malo_miejsc": _check_too_few_places,
    "jeden_dostawca": _check_single_provider,
    "bariery_dostepu": _check_access,
    "uslugi_bez_deklaracji": _check_services_without_declaration,
    "slabe_czynniki": _check_weak_factors,
    "najslabsze_czynniki": _check_weakest_watch,
    "mocne_strony": _check_strengths,
    "spadek_czynnikow": _check_drop,
    "jeden_pomiar": _check_single_measurement,
    "niska_frekwencja": _check_turnout,
    "ukryte_grupy": _check_hidden_groups,
    "tylko_na_papierze": _check_paper_ties,
}


# -- rules and the public functions --------------------------------------------------------------------------------


def load_rules() -> list[Rule]:
    """The rules of ``data/rekomendacje.csv``; a row with an unknown step or check is a packaging error."""
    rules = []
    for row in read_table(RULES_FILE):
        if row["krok"] not in STEPS or row["rodzaj"] not in CHECKS:
            raise ValueError(f"Reguła „{row['kod']}” w {RULES_FILE}: nieznany krok „{row['krok']}” "
                             f"lub rodzaj „{row['rodzaj']}”.")
        rules.append(Rule(row["kod"], row["krok"], row["rodzaj"], row["parametr"], int(row["priorytet"] or 3),
                          row["tytul"], row["tekst"], row["dowod"], row["dowod_pozycja"]))
    return rules


def _apply(rule: Rule, finding: _Finding) -> Recommendation:
    values = {**finding.values}
    values.setdefault("liczba", len(finding.items))
    evidence = [rule.evidence.format(**values)] if rule.evidence else []
    if rule.evidence_item:
        evidence += [rule.evidence_item.format(**{**values, **item}) for item in finding.items]
    return Recommendation(code=rule.code, step=rule.step, priority=rule.priority,
                          title=rule.title.format(**values), text=rule.text.format(**values), evidence=evidence)


def recommendations(data: GminaData | Analysis, measurement: str | None = None,
                    steps: tuple[str, ...] | list[str] = STEPS) -> list[Recommendation]:
    """Every rule that fires on the data, most urgent first (then network, basket, evaluation, file order).

    ``measurement`` chooses the network and survey measurement the advice is about, by the kit's one rule
    (:mod:`pzk_kit.measurement`: the latest by default). ``data`` may be an
    :class:`~pzk_kit.evaluation.analysis.Analysis` the caller shares with the report, so the network is built once for
    both. A missing sheet silences the rules that need it; the rules of kind ``brak_arkusza`` then say what to
    collect.
    """
    analysis = Analysis.of(data, measurement)
    if tuple(steps) == STEPS:
        return list(analysis.recommendations)
    return evaluate_rules(analysis, steps)


def evaluate_rules(analysis: Analysis, steps: tuple[str, ...] | list[str] = STEPS) -> list[Recommendation]:
    """The rules of ``steps`` that fire on the analysis, most urgent first (what :attr:`Analysis.recommendations`
    keeps, so the report and the notebook asking the same analysis do not evaluate the rules twice)."""
    found = []
    for order, rule in enumerate(load_rules()):
        if rule.step not in steps:
            continue
        finding = CHECKS[rule.kind](analysis, rule)
        if finding is not None:
            found.append((rule.priority, STEPS.index(rule.step), order, _apply(rule, finding)))
    return [recommendation for *_, recommendation in sorted(found, key=lambda entry: entry[:3])]


def recommendations_table(recommendations_or_data: list[Recommendation] | GminaData | Analysis,
                          measurement: str | None = None) -> pd.DataFrame:
    """The recommendations as a Polish table for the meeting: priority, step, what to do, why, evidence."""
    if isinstance(recommendations_or_data, GminaData | Analysis):
        found = recommendations(recommendations_or_data, measurement)
    else:
        found = list(recommendations_or_data)
    return pd.DataFrame(
        [{"Priorytet": r.priority_label, "Krok": r.step_label, "Rekomendacja": r.title, "Dlaczego": r.text,
          "Na podstawie danych": "; ".join(r.evidence)} for r in found],
        columns=["Priorytet", "Krok", "Rekomendacja", "Dlaczego", "Na podstawie danych"],
    )


def write_recommendations(found: list[Recommendation], out: Path | str, *, overwrite: bool = True) -> Path:
    """Save the recommendations as JSON (``rekomendacje.json``) for other tools; written atomically."""
    out = Path(out)
    payload = [{**asdict(r), "step_label": r.step_label} for r in found]
    with atomic_file(out, overwrite=overwrite) as tmp:
        tmp.write_text(json.dumps(payload, ensure_ascii=False, indent=2), encoding="utf-8")
    return out


def recommendations_markdown(found: list[Recommendation]) -> str:
    """The recommendations as Markdown for the notebook and the app: grouped by step, evidence as sub-points.

    Titles, texts and evidence quote partner names and codes as typed, so each goes through
    :func:`pzk_kit.safe_html.markdown_text`: shown literally, never as a link, HTML or maths.
    """
    if not found:
        return _texts().get("rekomendacje_brak", "")
    lines: list[str] = []
    for step in STEPS:
        mine = [r for r in found if r.step == step]
        if not mine:
            continue
        lines.append(f"### {step_label(step)}")  # under the notebook's h2: no skipped level
        for r in mine:
            lines.append(f"* **{markdown_text(r.title)}** (priorytet {r.priority_label}). {markdown_text(r.text)}")
            lines.extend(f"    * {markdown_text(e)}" for e in r.evidence)
        lines.append("")
    return "\n".join(lines)


# -- the action plan (sheet dzialania) -----------------------------------------------------------------------------


def _check_plan_overdue(ctx: Analysis, rule: Rule) -> _Finding | None:
    """Actions planned or under way whose deadline has passed, each with its deadline and state."""
    from pzk_kit.followup.plan import run_actions
    from pzk_kit.workbook.service_records import reference_day

    overdue = set(ctx.plan["overdue"])
    if not overdue:
        return None
    actions = run_actions(ctx)
    statuses = dictionary("statusy_dzialan")
    items = [{"id": a.id, "dzialanie": a.dzialanie if isinstance(a.dzialanie, str) else a.id,
              "termin": polish.date(pd.Timestamp(a.termin).date()), "stan": statuses.label(a.status).lower()}
             for a in actions.itertuples(index=False) if str(a.id) in overdue]
    return _Finding({"dzien": polish.date(reference_day()), "liczba": len(items)}, items)


def _check_no_plan(ctx: Analysis, rule: Rule) -> _Finding | None:
    """A measurement is done and advice of priority 1 fires, but no plan answers it. The priority-1 rules are
    asked again here (each check reads the analysis' cached figures), so this rule needs no place in the order."""
    if ctx.data.has("dzialania") or not ctx.chosen.available:
        return None
    urgent = [_apply(other, finding) for other in load_rules()
              if other.priority == 1 and other.kind not in PLAN_CHECKS
              and (finding := CHECKS[other.kind](ctx, other)) is not None]
    if not urgent:
        return None
    return _Finding({"pomiar": ctx.chosen.run, "liczba": len(urgent)}, [{"tytul": r.title} for r in urgent])


PLAN_CHECKS: dict[str, Callable[[Analysis, Rule], _Finding | None]] = {
    "plan_po_terminie": _check_plan_overdue,
    "brak_planu": _check_no_plan,
}
CHECKS.update(PLAN_CHECKS)
