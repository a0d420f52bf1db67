"""desktop.ui.operations: work off the UI thread, its result back on the UI thread; a window
closed while the work runs takes the operation with it, and the worker is not troubled."""

import gc
import threading

import shiboken6
from PySide6.QtCore import QCoreApplication, QEvent
from PySide6.QtWidgets import QDialog, QWidget

from desktop.ui.operations import Operation, _Runner, _Signals


def test_the_result_comes_back_on_the_ui_thread(qtbot):
    parent = QWidget()
    qtbot.addWidget(parent)
    seen = []
    op = Operation(parent, "Counting", lambda progress: (progress(50, "half"), 42)[1])
    op.succeeded.connect(lambda result: seen.append((result, threading.current_thread())))
    with qtbot.waitSignal(op.finished, timeout=10_000):
        op.start()
    assert seen == [(42, threading.main_thread())]


def test_a_window_closed_while_the_work_runs_leaves_the_worker_nobody_to_tell(qtbot, capfd):
    holder = QWidget()
    qtbot.addWidget(holder)
    parent = QDialog(holder)
    release, ended = threading.Event(), threading.Event()
    seen = []

    def work(progress):
        progress(10, "started")
        release.wait(10)
        progress(90, "nearly")  # the operation has gone: nobody to tell, no error
        ended.set()
        return "done"

    op = Operation(parent, "Slow", work)
    op.succeeded.connect(seen.append)
    op.start()
    qtbot.wait(50)
    del op  # as a dialog holding its operation does, when the dialog goes
    parent.deleteLater()  # the window goes, and its operation with it
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    QCoreApplication.processEvents()
    gc.collect()
    release.set()
    assert ended.wait(10)
    qtbot.wait(200)
    assert seen == []
    assert "Signal source has been deleted" not in capfd.readouterr().err


def test_telling_an_operation_that_has_gone_is_not_an_error(qtbot):
    signals = _Signals()
    progress = signals.progress
    shiboken6.delete(signals)  # the operation went with its window while the work ran
    _Runner._tell(progress, 50, "half")  # nobody to tell: no RuntimeError on the worker
