"""Old import path of :mod:`pzk_kit.workshop.notebook_session`, kept for one release (pzk-kit 0.2); it goes in 0.3."""

import sys
import warnings

from pzk_kit.workshop import notebook_session as _moved

warnings.warn("pzk_kit.notebook_session to stara ścieżka modułu (zniknie w wersji 0.3); "
              "używaj pzk_kit.workshop.notebook_session.", DeprecationWarning, stacklevel=2)
sys.modules[__name__] = _moved
