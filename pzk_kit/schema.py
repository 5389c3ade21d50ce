"""Old import path of :mod:`pzk_kit.workbook.schema`, kept for one release (pzk-kit 0.2); it goes in 0.3."""

import sys
import warnings

from pzk_kit.workbook import schema as _moved

warnings.warn("pzk_kit.schema to stara ścieżka modułu (zniknie w wersji 0.3); "
              "używaj pzk_kit.workbook.schema.", DeprecationWarning, stacklevel=2)
sys.modules[__name__] = _moved
