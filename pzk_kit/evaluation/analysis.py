"""One gmina seen for one measurement: the figures ``raport.docx`` and the recommendations both read.

The report and the recommendations used to each choose the measurement and each build the network from the
same data (the report's networks, then again for its map's layout, then again inside the recommendations it
prints), so one ``raport.docx`` built the run's network three times and the recommendations' choice of
measurement could drift from the report's. An :class:`Analysis` chooses the measurement once, by the kit's one
rule (:func:`pzk_kit.measurement.resolve`), and computes each figure at most once, when something first asks
for it: a report without a survey never scores one.

``Analysis(published(data), pomiar)`` passed to both :func:`pzk_kit.evaluation.report.build_report` and
:func:`pzk_kit.evaluation.recommendations.recommendations` shares everything between them; each also still accepts the
data and a measurement and builds its own. The data are taken as given: measurements after the run's one stay
in (the report names them), unlike :func:`pzk_kit.measurement.as_of`.
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

import pandas as pd

from pzk_kit import basket, evaluation, network
from pzk_kit.measurement import RunMeasurement, resolve
from pzk_kit.network.response import ResponseStatus, status_of
from pzk_kit.workbook.reading import GminaData, measurement_order

if TYPE_CHECKING:
    from pzk_kit.evaluation.recommendations import Recommendation


class Analysis:
    """The gmina's figures for one run's measurement (``measurement`` None: the latest in the data)."""

    def __init__(self, data: GminaData, measurement: str | None = None) -> None:
        self.data = data
        self.asked = measurement
        self._networks: dict[str, network.Network] = {}

    @classmethod
    def of(cls, data: GminaData | Analysis, measurement: str | None = None) -> Analysis:
        """The analysis a public function works on: the one it was given, or a new one of the data."""
        if not isinstance(data, Analysis):
            return cls(data, measurement)
        if measurement is not None and measurement != data.asked:
            raise ValueError(f"Analiza dotyczy pomiaru {data.asked or 'najnowszego'}, a podano pomiar {measurement} "
                             "— podaj dane albo analizę z tym pomiarem.")
        return data

    # -- the measurement -------------------------------------------------------------------------------------

    @cached_property
    def chosen(self) -> RunMeasurement:
        """The run's measurement and each sheet's one (the kit's one rule)."""
        return resolve(self.data, self.asked)

    @property
    def note(self) -> str | None:
        """Polish: the measurement asked for is not in the data, and what is shown instead (else None)."""
        return self.chosen.note

    # -- which sheets were collected ----------------------------------------------------------------------------

    @cached_property
    def has_ties(self) -> bool:
        return self.data.has("wspolpraca")

    @cached_property
    def has_services(self) -> bool:
        return self.data.has("uslugi")

    @cached_property
    def has_needs(self) -> bool:
        return self.data.has("potrzeby")

    @cached_property
    def has_survey(self) -> bool:
        return self.data.has("ankieta") and bool(self.survey_found)

    # -- the network -------------------------------------------------------------------------------------------

    @property
    def network_measurement(self) -> str:
        """The map's measurement: the run's one unless the map was not collected then."""
        return self.chosen.network

    @cached_property
    def network_measurements(self) -> list[str]:
        """The map's measurements up to the run's one, in time order (the first is where the change starts)."""
        limit = measurement_order(self.network_measurement)
        return [m for m in network.measurements_of(self.data) if measurement_order(m) <= limit]

    def network_of(self, measurement: str) -> network.Network:
        """The network of one measurement, built once however many outputs draw or measure it."""
        if measurement not in self._networks:
            self._networks[measurement] = network.build_network(self.data, measurement)
        return self._networks[measurement]

    @property
    def net(self) -> network.Network:
        return self.network_of(self.network_measurement)

    @cached_property
    def summary(self) -> dict:
        """The contract's network measures of the run's map (:func:`pzk_kit.network.network_summary`)."""
        return network.network_summary(self.data, self.network_measurement, self.net)

    @cached_property
    def response(self) -> ResponseStatus:
        """Who answered the run's map (:mod:`pzk_kit.network.response`): what the network figures rest on."""
        return status_of(self.net)

    @cached_property
    def first_net(self) -> network.Network | None:
        """The first map, when the run's one is a later measurement of collected ties (else None)."""
        if not self.has_ties or len(self.network_measurements) < 2:
            return None
        return self.network_of(self.network_measurements[0])

    @cached_property
    def first_summary(self) -> dict | None:
        first = self.first_net
        return None if first is None else network.network_summary(self.data, first.measurement, first)

    # -- the basket ---------------------------------------------------------------------------------------------

    @cached_property
    def capacity_table(self) -> pd.DataFrame:
        """Places against people per need, computed once for the summary, the report, the rule and the matcher."""
        return basket.capacity_table(self.data)

    @cached_property
    def basket_summary(self) -> dict:
        return basket.basket_summary(self.data, self.capacity_table)

    @cached_property
    def gaps(self) -> pd.DataFrame:
        return basket.gaps_table(self.data)

    @cached_property
    def capacity(self) -> pd.DataFrame:
        """Places against people per need (``basket.capacity_table``), Polish labels."""
        return basket.capacity_display(self.data, self.capacity_table)

    @cached_property
    def gap_matches(self) -> list:
        """Who could answer each gap and nominally covered need, ties from the run's network measurement."""
        from pzk_kit.basket.matcher import gap_matches

        return gap_matches(self.data, self.network_measurement, self.net if self.has_ties else None,
                           self.capacity_table)

    @cached_property
    def access_barriers(self) -> pd.DataFrame:
        return basket.access_barriers(self.data)

    @cached_property
    def single_provider(self) -> pd.DataFrame:
        return basket.single_provider_table(self.data)

    # -- the evaluation -----------------------------------------------------------------------------------------

    @cached_property
    def survey_found(self) -> list[str]:
        """Every survey measurement in the data, later ones than the run's included, in time order."""
        return evaluation.survey_measurements(self.data)

    @property
    def survey_measurement(self) -> str | None:
        """The survey's measurement for the run; None when no survey was collected."""
        return self.chosen.survey if self.has_survey else None

    @cached_property
    def survey_measurements(self) -> list[str]:
        """The survey's measurements up to the run's one (what the report tabulates); [] without a survey."""
        if not self.has_survey:
            return []
        found = self.survey_found
        return found[:found.index(self.survey_measurement) + 1]

    @cached_property
    def scores(self) -> dict[str, dict[str, float | None]]:
        """Factor scores of every measurement, None where the anonymity rule withholds them."""
        return evaluation.factor_scores(self.data)

    @cached_property
    def respondents(self) -> dict[str, int]:
        return {m: len(evaluation.respondent_scores(self.data, m)) for m in self.survey_measurements}

    # -- the recommendations ----------------------------------------------------------------------------------

    @cached_property
    def recommendations(self) -> list[Recommendation]:
        """Every rule that fires, most urgent first (:func:`pzk_kit.evaluation.recommendations.recommendations`)."""
        from pzk_kit.evaluation.recommendations import STEPS, evaluate_rules

        return evaluate_rules(self, STEPS)

    @cached_property
    def fired(self) -> dict[str, int]:
        """Priority of each rule that fired, by its code."""
        return {r.code: r.priority for r in self.recommendations}

    def step_recommendations(self, step: str) -> list[Recommendation]:
        return [r for r in self.recommendations if r.step == step]

    # -- the action plan --

    @cached_property
    def plan(self) -> dict:
        """The action plan as of the run (:func:`pzk_kit.followup.plan.plan_summary`): what the report's chapter
        and the plan's rules read, computed once with the networks this analysis already built."""
        from pzk_kit.followup.plan import plan_summary

        return plan_summary(self)

    # -- the task-team register --------------------------------------------------------------------------------

    @cached_property
    def case_measures(self) -> dict:
        """The register's figures per measurement up to the run's one and what the < 3 rule withheld
        (``summary.json``'s ``cases`` key, :func:`pzk_kit.followup.cases.cases_summary`)."""
        from pzk_kit.followup.cases import cases_summary

        return cases_summary(self.data, self.asked)

    # -- declared vs used network --

    @cached_property
    def used_network(self):
        """The run's map against the task-team register of the same measurement (:mod:`pzk_kit.network.used`)."""
        from pzk_kit.network.used import compare

        return compare(self.data, self.asked, self.net)
