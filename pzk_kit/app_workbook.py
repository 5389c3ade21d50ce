"""Old import path of :mod:`pzk_kit.workshop.workbook_rows`, kept for one release (pzk-kit 0.2); it goes in 0.3."""

import sys
import warnings

from pzk_kit.workshop import workbook_rows as _moved

warnings.warn("pzk_kit.app_workbook to stara ścieżka modułu (zniknie w wersji 0.3); "
              "używaj pzk_kit.workshop.workbook_rows.", DeprecationWarning, stacklevel=2)
sys.modules[__name__] = _moved
