"""Old import path of :mod:`pzk_kit.runs.kernel_wakeup`, kept for one release (pzk-kit 0.2); it goes in 0.3."""

import sys
import warnings

from pzk_kit.runs import kernel_wakeup as _moved

warnings.warn("pzk_kit.kernel_wakeup to stara ścieżka modułu (zniknie w wersji 0.3); "
              "używaj pzk_kit.runs.kernel_wakeup.", DeprecationWarning, stacklevel=2)
sys.modules[__name__] = _moved
