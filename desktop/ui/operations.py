"""Long work off the UI thread, with progress (after Anki's CollectionOp / QueryOp).

    op = Operation(parent, "Backing up", lambda progress: store.backup_to(path, progress))
    op.succeeded.connect(...); op.failed.connect(...); op.start()

The work function receives `progress(percent, message)`; it runs on a QThreadPool thread and
must not touch widgets. Results and errors come back on the UI thread through signals. A
modal progress dialog keeps the window responsive but stops a second action from starting.
Errors are shown by their message only: a traceback never reaches the user. An error is also
handed to `report_unexpected` (set by desktop.ui.crash_report), which writes down the kind and
place of one that is not a person's to fix, never its message.

The work function (and whatever client data it holds) is let go on the UI thread as soon as
its result or error arrives: the runner itself stays referenced a little longer (see
`_RUNNERS`), and must not keep a client's history in memory after a lock.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, QTimer, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

#: Told about every failed operation (on the UI thread), before `failed` is emitted.
report_unexpected: Callable[[BaseException], None] | None = None


class _Signals(QObject):
    progress = Signal(int, str)
    done = Signal(object)
    error = Signal(object)


class _Runner(QRunnable):
    def __init__(self, work: Callable[[Callable[[int, str], None]], Any], signals: _Signals):
        super().__init__()
        self.work = work
        self.signals = signals
        # Python owns the runnable: a pool that also deleted this Python-subclassed QRunnable
        # would free it twice (seen as heap corruption).
        self.setAutoDelete(False)

    def run(self) -> None:  # pragma: no cover - runs on a worker thread
        try:
            result = self.work(
                lambda pct, msg: self._tell(self.signals.progress, int(pct), str(msg))
            )
        except BaseException as exc:  # noqa: BLE001 - every failure goes back to the UI thread
            self._tell(self.signals.error, exc)
        else:
            self._tell(self.signals.done, result)

    @staticmethod
    def _tell(signal, *values: object) -> None:
        """Emit on the UI thread's signal; once the operation has gone with its window (a
        dialog closed while the work ran) there is nobody to tell, and the work carries on."""
        try:
            signal.emit(*values)
        except RuntimeError:  # "Signal source has been deleted"
            return


#: Runners stay referenced a little after they report, so none is freed while its pool thread
#: is still returning from run().
_RUNNERS: set[_Runner] = set()
_RELEASE_AFTER_MS = 5_000


def _release_later(runner: _Runner) -> None:
    QTimer.singleShot(_RELEASE_AFTER_MS, lambda: _RUNNERS.discard(runner))


class Operation(QObject):
    succeeded = Signal(object)
    failed = Signal(object)
    finished = Signal()

    def __init__(
        self,
        parent: QWidget,
        title: str,
        work: Callable[[Callable[[int, str], None]], Any],
        show_progress: bool = True,
    ) -> None:
        super().__init__(parent)
        self._signals = _Signals()
        self._runner = _Runner(work, self._signals)
        self._dialog: QProgressDialog | None = None
        if show_progress:
            dialog = QProgressDialog(title, "", 0, 100, parent)
            dialog.setWindowTitle(title)
            dialog.setCancelButton(None)
            dialog.setWindowModality(Qt.WindowModality.WindowModal)
            dialog.setMinimumDuration(300)
            dialog.setAutoClose(False)
            dialog.setAccessibleName(f"{title} progress")
            self._dialog = dialog
        self._signals.progress.connect(self._on_progress)
        self._signals.done.connect(self._on_done)
        self._signals.error.connect(self._on_error)

    def start(self) -> None:
        if self._dialog is not None:
            self._dialog.setValue(0)
        _RUNNERS.add(self._runner)
        QThreadPool.globalInstance().start(self._runner)

    def _on_progress(self, percent: int, message: str) -> None:
        if self._dialog is not None:
            self._dialog.setLabelText(message)
            self._dialog.setValue(min(max(percent, 0), 99))

    def _close(self) -> None:
        if self._dialog is not None:
            self._dialog.reset()
            self._dialog.close()
            self._dialog.deleteLater()
            self._dialog = None

    def _on_done(self, result: object) -> None:
        self._runner.work = None  # the worker is past its call: freed here, on the UI thread
        _release_later(self._runner)
        self._close()
        self.succeeded.emit(result)
        self.finished.emit()
        self.deleteLater()

    def _on_error(self, exc: object) -> None:
        self._runner.work = None
        _release_later(self._runner)
        self._close()
        if report_unexpected is not None and isinstance(exc, BaseException):
            try:
                report_unexpected(exc)
            except Exception:  # noqa: BLE001 - writing it down must not stop the report
                pass
        self.failed.emit(exc)
        self.finished.emit()
        self.deleteLater()
