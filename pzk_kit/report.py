"""Old import path of :mod:`pzk_kit.evaluation.report`, kept for one release (pzk-kit 0.2); it goes in 0.3."""

import sys
import warnings

from pzk_kit.evaluation import report as _moved

warnings.warn("pzk_kit.report to stara ścieżka modułu (zniknie w wersji 0.3); "
              "używaj pzk_kit.evaluation.report.", DeprecationWarning, stacklevel=2)
sys.modules[__name__] = _moved
