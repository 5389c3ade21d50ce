"""Old import path of :mod:`pzk_kit.workbook.templates`, kept for one release (pzk-kit 0.2); it goes in 0.3."""

import sys
import warnings

from pzk_kit.workbook import templates as _moved

warnings.warn("pzk_kit.templates to stara ścieżka modułu (zniknie w wersji 0.3); "
              "używaj pzk_kit.workbook.templates.", DeprecationWarning, stacklevel=2)
sys.modules[__name__] = _moved
