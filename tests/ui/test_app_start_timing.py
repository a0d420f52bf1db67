"""The cold-start hook in desktop/ui/app.py (DROPIN_DESK_TIME_TO_UNLOCK), used by
benchmarks/bench_bundle_start.py: the process start time it reads must be real."""

from __future__ import annotations

import sys
import time

import pytest

from desktop.ui.app import _process_start_time


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_process_start_time_is_in_the_past_and_recent():
    started = _process_start_time()
    assert started is not None
    now = time.time()
    # This test process started before now, and (being a test run) within the last day.
    assert now - 86400 < started <= now + 0.05
