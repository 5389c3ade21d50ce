"""Evaluating the partnership: the survey instrument and its scores, one analysis per measurement, the
recommendations and the council report.

The step's core is :mod:`pzk_kit.evaluation.scores`; its public names are importable from here as well, as they were
when ``pzk_kit.evaluation`` was one module. They load on first use (:mod:`pzk_kit.step_package`), so importing a
submodule (say ``pzk_kit.evaluation.instrument``) does not pull in the whole step.
"""

from pzk_kit.step_package import forward_to

__getattr__, __dir__ = forward_to("pzk_kit.evaluation.scores", globals())
