"""``python -m pzk_kit`` = ``pzk``."""

import sys

from pzk_kit.cli import main

sys.exit(main())
