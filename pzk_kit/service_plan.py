"""Old import path of :mod:`pzk_kit.basket.service_plan`, kept for one release (pzk-kit 0.2); it goes in 0.3."""

import sys
import warnings

from pzk_kit.basket import service_plan as _moved

warnings.warn("pzk_kit.service_plan to stara ścieżka modułu (zniknie w wersji 0.3); "
              "używaj pzk_kit.basket.service_plan.", DeprecationWarning, stacklevel=2)
sys.modules[__name__] = _moved
