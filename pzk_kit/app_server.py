"""Old import path of :mod:`pzk_kit.workshop.servers`, kept for one release (pzk-kit 0.2); it goes in 0.3."""

import sys
import warnings

from pzk_kit.workshop import servers as _moved

warnings.warn("pzk_kit.app_server to stara ścieżka modułu (zniknie w wersji 0.3); "
              "używaj pzk_kit.workshop.servers.", DeprecationWarning, stacklevel=2)
sys.modules[__name__] = _moved
