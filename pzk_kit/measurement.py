"""Which measurement a run describes: one rule for every output of the kit.

Before this rule the console line, ``summary.json`` and notebook 01 described T0 while ``raport.docx`` and the
app described T1 of the same data, so a trainer read two different partnerships from one run (issue 14). Now
``pzk run``, ``pzk demo``, ``pzk batch`` (full and ``--summary-only``), the notebooks, the report and the app
all ask :func:`resolve`:

* the run's measurement is the one asked for (``--pomiar``, the notebooks' ``pomiar`` parameter, the app's
  choice), otherwise the LATEST measurement in the data (``wspolpraca`` and ``ankieta`` together);
* each sheet then shows the run's measurement if it was collected in it, else the latest one collected before
  it, else (nothing that early) its first one; so a gmina that repeated the survey (T1) but not the map shows
  the T0 map beside the T1 survey, and every output names which is which;
* measurements after the run's one do not exist for the run (:func:`as_of`): a run "as of T0" of a gmina that
  already has T1 is the T0 picture, and the change is always shown from the FIRST measurement to the run's.

A measurement asked for but absent from the data is not an error: a region running ``--pomiar T1`` over many
gminas still gets every gmina, each with a Polish note of what it shows instead (:attr:`RunMeasurement.note`).
The empty ``pomiar`` cell still means T0: that is a reading rule (``reading.DEFAULT_MEASUREMENT``), not this one.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

import pandas as pd

from pzk_kit import texts
from pzk_kit.privacy import _PUBLISHED_MARK
from pzk_kit.workbook.reading import DEFAULT_MEASUREMENT, GminaData, measurement_order

TEXTS = "pomiary.csv"


def pick(available: Iterable[str], asked: str | None) -> str | None:
    """The rule for one list of collected measurements: ``asked`` when collected, else the latest collected
    before it, else the first collected; the latest when nothing is asked; None when nothing was collected."""
    found = sorted(set(available), key=measurement_order)
    if not found:
        return None
    if asked is None:
        return found[-1]
    if asked in found:
        return asked
    earlier = [m for m in found if measurement_order(m) < measurement_order(asked)]
    return earlier[-1] if earlier else found[0]


def collected(frame: pd.DataFrame | None) -> list[str]:
    """The measurements a sheet holds, in order (T0, T1, …, T10)."""
    if frame is None or "pomiar" not in frame:
        return []
    return sorted({m for m in frame["pomiar"].dropna() if isinstance(m, str)}, key=measurement_order)


@dataclass(frozen=True)
class RunMeasurement:
    """The measurement one run describes, and what each sheet contributes to it."""

    asked: str | None
    run: str  # the run's measurement, named by every output
    network: str  # the map's measurement (the run's one unless the map was not collected then)
    survey: str | None  # the survey's measurement; None when there is no survey
    available: tuple[str, ...]  # every measurement in the data, in time order
    first_network: str | None  # the change of the map is shown from here (None: one measurement only)
    first_survey: str | None

    @property
    def note(self) -> str | None:
        """Polish: the measurement asked for is not in the data, and what the outputs show instead."""
        if self.asked is None or not self.available or self.asked in self.available:
            return None
        key = "brak_wybranego" if measurement_order(self.run) < measurement_order(self.asked) \
            else "brak_wybranego_pierwszy"
        return _t(key, wybrany=self.asked, dostepne=", ".join(self.available), pomiar=self.run)

    def sentences(self) -> list[str]:
        """Polish sentences naming the measurement of the outputs (for notebooks and the console)."""
        lines = [self.note] if self.note else []
        if not self.note:
            lines.append(_t("najnowszy" if self.asked is None else "wybrany", pomiar=self.run))
        if self.network != self.run:
            lines.append(_t("mapa_inny", pomiar=self.network, przebieg=self.run))
        if self.survey is not None and self.survey != self.run:
            lines.append(_t("ankieta_inny", pomiar=self.survey, przebieg=self.run))
        firsts = {m for m in (self.first_network, self.first_survey) if m}
        lines.append(_t("zmiana", pierwszy=", ".join(sorted(firsts, key=measurement_order))) if firsts
                     else _t("jeden"))
        return lines

    def text(self) -> str:
        return " ".join(self.sentences())


def resolve(data: GminaData, asked: str | None = None) -> RunMeasurement:
    """The measurement a run of ``data`` describes (see the module's rule); ``asked`` None means the latest."""
    network_found = collected(data.cooperation)
    survey_found = collected(data.survey) if data.has("ankieta") else []
    available = tuple(sorted(set(network_found) | set(survey_found), key=measurement_order))
    run = pick(available, asked) or asked or DEFAULT_MEASUREMENT
    network = pick(network_found, run) or run  # no ties collected: an empty map, named as the run
    survey = pick(survey_found, run)
    first_network = network_found[0] if network_found and network_found[0] != network else None
    first_survey = survey_found[0] if survey and survey_found[0] != survey else None
    return RunMeasurement(asked, run, network, survey, available, first_network, first_survey)


def run_measurement(data: GminaData, asked: str | None = None) -> str:
    """The run's measurement label: what ``summary.json``, the report and the console name."""
    return resolve(data, asked).run


def as_of(data: GminaData, asked: str | None = None) -> GminaData:
    """The gmina as the run sees it: each sheet up to its measurement of the run (see :func:`resolve`).

    Later measurements are dropped, so every function downstream ("the latest", "change from the first to the
    last") describes the run's measurement without being told; earlier ones stay for the change. With no
    ``asked`` nothing is dropped (each sheet's latest is at or before the run's).
    """
    chosen = resolve(data, asked)

    def cut(frame: pd.DataFrame, upto: str | None) -> pd.DataFrame:
        if upto is None or frame is None or "pomiar" not in frame or frame.empty:
            return frame
        limit = measurement_order(upto)
        later = frame["pomiar"].map(lambda m: isinstance(m, str) and measurement_order(m) > limit)
        return frame[~later.astype(bool)] if later.any() else frame

    cooperation = cut(data.cooperation, chosen.network)
    survey = cut(data.survey, chosen.survey)
    actions = cut(data.actions, chosen.run)  # a plan made after a later measurement is not yet known
    cases = cut(data.cases, chosen.run)
    if cooperation is data.cooperation and survey is data.survey and actions is data.actions \
            and cases is data.cases:
        return data
    result = dataclasses.replace(data, cooperation=cooperation, survey=survey, actions=actions, cases=cases)
    if getattr(data, _PUBLISHED_MARK, False):  # cutting rows adds no personal data: still published
        setattr(result, _PUBLISHED_MARK, True)
    return result


def for_measurement(data: GminaData, asked: str | None = None) -> tuple[GminaData, RunMeasurement]:
    """For notebooks: ``gmina, wybor = pzk_kit.for_measurement(gmina, pomiar)`` — the data as of the run's
    measurement and the choice (``wybor.network``, ``wybor.survey``, ``wybor.text()`` to show it)."""
    return as_of(data, asked), resolve(data, asked)


@cache
def _texts() -> dict[str, str]:
    return texts.load(file=TEXTS)


def _t(key: str, **values: object) -> str:
    return texts.fill(_texts()[key], **values)
