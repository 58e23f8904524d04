"""``python -m detector``: the finpromo command line."""

import sys

from .cli import main

sys.exit(main())
