"""`python -m desktop` is the same as the `dropin-desk` console script."""

import sys

from desktop.cli import main

if __name__ == "__main__":
    # The deadlines board works out big boards in worker processes; a frozen (PyInstaller)
    # app must let those start here instead of opening a second window.
    if getattr(sys, "frozen", False):  # multiprocessing costs start-up time: only when needed
        import multiprocessing

        multiprocessing.freeze_support()
    sys.exit(main())
