"""UI test fixtures: a fresh encrypted store with cheap key derivation."""

import pytest

from desktop.store.database import Store

CHEAP_KDF = {"time_cost": 1, "memory_cost_kib": 8192, "parallelism": 1}


@pytest.fixture
def store(tmp_path):
    opened = Store.create(tmp_path / "data", "test passphrase", CHEAP_KDF)
    yield opened
    if not opened.locked:
        opened.close()


@pytest.fixture(autouse=True)
def ui_thread_gc(qapp):
    """As in the app: garbage is collected on the UI thread only, never in a background
    operation's thread (where freeing Qt objects crashes)."""
    from desktop.ui.gc_guard import UiThreadGarbageCollector

    collector = UiThreadGarbageCollector(interval_ms=100)
    collector.start()
    yield collector
    collector.stop()
