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


@pytest.fixture(autouse=True)
def quit_question_never_blocks(monkeypatch):
    """A window closed at the end of a test with something typed in it asks whether to quit
    (issue 15): answered Quit here, so no modal question waits for a click. Tests that look at
    the question replace `prompts.confirm_quit` themselves (set up later, undone earlier)."""
    from desktop.ui import prompts

    monkeypatch.setattr(prompts, "confirm_quit", lambda *_args, **_kwargs: True)
