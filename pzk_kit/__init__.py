"""pzk-kit: a workshop kit for building a Partnerski Zespół Kooperacyjny (Kooperacje 3D).

The package holds all logic; notebooks only tell the story and call it. The public entry points
are re-exported here so that a notebook needs one import line.
"""

from pzk_kit.measurement import RunMeasurement, for_measurement
from pzk_kit.privacy import published
from pzk_kit.workbook.dictionaries import Dictionary, load_dictionaries
from pzk_kit.workbook.reading import GminaData, read_gmina
from pzk_kit.workbook.validation import Problem, ValidationReport

__version__ = "0.2.0"

__all__ = [
    "Dictionary",
    "GminaData",
    "Problem",
    "RunMeasurement",
    "ValidationReport",
    "__version__",
    "for_measurement",
    "load_dictionaries",
    "published",
    "read_gmina",
]
