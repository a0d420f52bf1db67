"""Test-wide set-up: Qt runs headless, Hypothesis is deterministic and never timed."""

import os

from hypothesis import settings

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_LOGGING_RULES", "*.debug=false")

# Shared CI machines are noisy: no per-example deadline (speed is measured in benchmarks/),
# and the same examples on every run so a failure can be reproduced.
settings.register_profile("dropin", deadline=None, derandomize=True, database=None)
settings.load_profile("dropin")
