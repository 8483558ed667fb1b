"""``python -m intentkit``: the same command line as ``intentkit``."""

import sys

from intentkit._cli import main

sys.exit(main())
