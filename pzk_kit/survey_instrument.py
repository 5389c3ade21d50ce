"""Old import path of :mod:`pzk_kit.evaluation.instrument`, kept for one release (pzk-kit 0.2); it goes in 0.3."""

import sys
import warnings

from pzk_kit.evaluation import instrument as _moved

warnings.warn("pzk_kit.survey_instrument to stara ścieżka modułu (zniknie w wersji 0.3); "
              "używaj pzk_kit.evaluation.instrument.", DeprecationWarning, stacklevel=2)
sys.modules[__name__] = _moved
