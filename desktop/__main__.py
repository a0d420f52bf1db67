"""`python -m desktop` is the same as the `dropin-desk` console script."""

import sys

from desktop.cli import main

if __name__ == "__main__":
    sys.exit(main())
