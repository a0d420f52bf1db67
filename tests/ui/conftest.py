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
    _delete_leftover_windows()
    collector.stop()


def _delete_leftover_windows() -> None:
    """Delete the windows a test leaves (qtbot closes them; closing does not delete), so their
    application-wide event filters (the idle watcher) are gone before the next test builds a
    window: PySide wrapping a half-built window for such a filter crashed (seen as a segfault
    in MainWindow.__init__ or in garbage collection, about one run in six)."""
    from PySide6.QtCore import QCoreApplication, QEvent
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    if app is None:
        return
    for widget in app.topLevelWidgets():
        widget.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    QCoreApplication.processEvents()


@pytest.fixture(autouse=True)
def quit_question_never_blocks(monkeypatch):
    """A window closed at the end of a test with something typed in it asks whether to quit
    (issue 15): answered Quit here, so no modal question waits for a click. Tests that look at
    the question replace `prompts.confirm_quit` themselves (set up later, undone earlier)."""
    from desktop.ui import prompts

    monkeypatch.setattr(prompts, "confirm_quit", lambda *_args, **_kwargs: True)
