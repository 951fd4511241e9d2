"""``python -m commsim.validation``: the same as ``commsim validate``."""

import sys

from commsim.validation.report import main

sys.exit(main())
