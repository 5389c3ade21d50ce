"""The kit's own failures share one base, so a caller can tell "the kit explains this in Polish" from a bug.

Each subclass lives beside the code that raises it (:mod:`pzk_kit.files`, :mod:`pzk_kit.runs.runner`) and is imported
from there; this module only holds what they have in common and must import nothing of the kit.
"""

from __future__ import annotations


class PzkError(Exception):
    """A failure with a Polish ``message`` for the user and the ``exit_code`` the ``pzk`` command ends with.

    The defaults suit most failures; subclasses override them (a refused output folder ends with 2, like invalid
    data). Commands that add advice of their own (``pzk run`` after invalid data) still catch the subclass.
    """

    exit_code = 1

    @property
    def message(self) -> str:
        return str(self)
