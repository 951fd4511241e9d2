"""``python -m commsim.validation``: the same as ``commsim validate``."""

import sys

from commsim.validation.report import main

if __name__ == "__main__":
    sys.exit(main())
