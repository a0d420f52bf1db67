"""Unexpected errors: written down without personal data, shown calmly once, work kept.

`CrashHandler.install()` (desktop/ui/app.py, at start) takes over `sys.excepthook` (an
exception escaping a slot or an event handler on the window thread: PySide6 hands it there
and carries on) and `threading.excepthook` (a plain Python thread), and is told about
background operations that fail in an unexpected way (desktop/ui/operations.py).

Each error is appended to `errors.log` in the data folder (owner-only, 0600), as its kind and
where it happened: one line per traceback frame, file:line in function. Never its message,
arguments or local values, which can quote a client's name or dates. Then, on the window
thread, the open editors' unsaved work is kept as encrypted drafts (`keep_work`, the main
window's) and one calm message says so and where the details were written; the same error
again is written down but not shown again, and no two messages are ever open at once.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import threading
import traceback
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

import shiboken6
from PySide6.QtCore import QObject, QThread, Signal
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

LOG_NAME = "errors.log"
#: The log starts afresh when it grows past this (it is for a helper to read, not an archive).
MAX_LOG_BYTES = 512 * 1024
#: At most this many frames of one traceback are written (the innermost ones).
MAX_FRAMES = 40
#: The same error (kind and place) is written down at most this many times a run: one in a
#: paint handler would otherwise fill the log many times a second.
MAX_REPEATS = 20
TITLE = "Something went wrong"
#: The folder the current log is in (set by `CrashHandler`); None before one is installed.
_log_folder: Path | None = None
_write_lock = threading.Lock()


def expected(exc: BaseException) -> bool:
    """Failures a person can act on (a file that cannot be read, a wrong passphrase, a bad
    history): they carry their own sentence and are not a fault in the program."""
    from desktop.rules.history import HistoryError
    from desktop.store.errors import StoreError

    return isinstance(exc, (StoreError, HistoryError, OSError, ValueError))


def _where(filename: str) -> str:
    """A frame's file without the folders above the package (they can name the user)."""
    parts = Path(filename).parts
    for anchor in ("desktop", "PySide6", "shiboken6", "sqlalchemy"):
        if anchor in parts:
            index = len(parts) - 1 - parts[::-1].index(anchor)
            return "/".join(parts[index:])
    return Path(filename).name


def report_lines(
    exc_type: type[BaseException],
    exc: BaseException | None,
    tb: TracebackType | None,
    context: str,
    now: dt.datetime | None = None,
) -> list[str]:
    """The log entry: when, the kind of error and each frame (file:line in function). The
    message and the values are left out on purpose."""
    from desktop import __version__

    moment = (now or dt.datetime.now()).replace(microsecond=0).isoformat(sep=" ")
    kind = f"{exc_type.__module__}.{exc_type.__qualname__}"
    lines = [f"{moment}  Drop-in Desk {__version__}  {context}: {kind}"]
    frames = traceback.extract_tb(tb)[-MAX_FRAMES:] if tb is not None else []
    lines += [f"    {_where(f.filename)}:{f.lineno} in {f.name}" for f in frames]
    seen = {id(exc)}
    link = exc
    while link is not None:
        cause = link.__cause__ or (None if link.__suppress_context__ else link.__context__)
        if cause is None or id(cause) in seen:
            break
        seen.add(id(cause))
        lines.append(f"  while handling {type(cause).__module__}.{type(cause).__qualname__}")
        inner = traceback.extract_tb(cause.__traceback__)[-MAX_FRAMES:]
        lines += [f"    {_where(f.filename)}:{f.lineno} in {f.name}" for f in inner]
        link = cause
    return lines


def log_path(folder: Path | None = None) -> Path | None:
    folder = folder if folder is not None else _log_folder
    return None if folder is None else Path(folder) / LOG_NAME


def write_log(folder: Path, lines: list[str]) -> Path | None:
    """Append an entry to the data folder's errors.log (created owner-only). None when it
    cannot be written: an error report must never raise."""
    from desktop.store.paths import PRIVATE_FILE_MODE, private_dir

    path = Path(folder) / LOG_NAME
    text = "\n".join(lines) + "\n\n"
    try:
        with _write_lock:
            private_dir(folder)
            fresh = path.exists() and path.stat().st_size > MAX_LOG_BYTES
            flags = os.O_WRONLY | os.O_CREAT | (os.O_TRUNC if fresh else os.O_APPEND)
            fd = os.open(path, flags, PRIVATE_FILE_MODE)
            try:
                if os.name == "posix":
                    os.fchmod(fd, PRIVATE_FILE_MODE)
                os.write(fd, text.encode("utf-8", "replace"))
            finally:
                os.close(fd)
    except OSError:
        return None
    return path


def record(exc: BaseException, context: str) -> Path | None:
    """Write down an exception caught elsewhere (a background operation's), if a handler is
    installed. Returns the log's path, or None."""
    if _log_folder is None:
        return None
    return write_log(_log_folder, report_lines(type(exc), exc, exc.__traceback__, context))


def show_message(parent: QWidget | None, text: str) -> QMessageBox:
    """The calm message: not blocking (the window keeps working behind it once it is
    dismissed), no traceback. Tests look for it among the top-level widgets."""
    box = QMessageBox(parent)
    box.setObjectName("crashMessage")
    box.setIcon(QMessageBox.Icon.Information)
    box.setWindowTitle(TITLE)
    box.setText(text)
    box.setAccessibleName(TITLE)
    box.setStandardButtons(QMessageBox.StandardButton.Ok)
    box.open()
    return box


class CrashHandler(QObject):
    """Installed once by the app. `keep_work()` keeps the open editors' unsaved work and
    returns a sentence saying what was kept; `parent()` gives the window for the message."""

    #: (context, signature) from any thread, shown on the window thread.
    _reported = Signal(str, str)

    def __init__(
        self,
        folder: Path,
        keep_work: Callable[[], str] | None = None,
        window: Callable[[], QWidget | None] | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.folder = Path(folder)
        self.keep_work = keep_work
        self.window = window
        self._shown: set[str] = set()
        self._counts: dict[str, int] = {}
        self._box: QMessageBox | None = None
        self._handling = False
        self._previous: tuple | None = None
        self._reported.connect(self._show)

    # ---- installing --------------------------------------------------------------------------
    def attach(self, window) -> None:
        """The main window: its unsaved work is kept (`keep_work_after_error`) and the message
        is shown over it."""
        self.keep_work = window.keep_work_after_error
        self.window = lambda: window if shiboken6.isValid(window) else None

    def install(self) -> None:
        global _log_folder
        from desktop.ui import operations

        self._previous = (sys.excepthook, threading.excepthook, operations.report_unexpected)
        sys.excepthook = self.excepthook
        threading.excepthook = self.thread_excepthook
        operations.report_unexpected = self.background_failed
        _log_folder = self.folder

    def uninstall(self) -> None:
        global _log_folder
        from desktop.ui import operations

        if self._previous is not None:
            sys.excepthook, threading.excepthook, operations.report_unexpected = self._previous
            self._previous = None
        _log_folder = None

    # ---- the hooks ---------------------------------------------------------------------------
    def excepthook(self, exc_type, exc, tb) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            QApplication.quit()
            return
        self._handle(exc_type, exc, tb, "window")

    def thread_excepthook(self, args: threading.ExceptHookArgs) -> None:
        if args.exc_type is SystemExit:
            return
        self._handle(args.exc_type, args.exc_value, args.exc_traceback, "background thread")

    def background_failed(self, exc: BaseException) -> None:
        """A background operation failed in an unexpected way: write it down (whoever started
        the operation shows its own calm message)."""
        if not expected(exc):
            write_log(self.folder, report_lines(type(exc), exc, exc.__traceback__, "operation"))

    def _handle(self, exc_type, exc, tb, context: str) -> None:
        try:
            frames = traceback.extract_tb(tb) if tb is not None else []
            last = frames[-1] if frames else None
            where = f"{Path(last.filename).name}:{last.lineno}" if last else "unknown"
            # One line for a terminal: the kind and the place, never the message.
            signature = f"{exc_type.__qualname__}@{where}"
            count = self._counts[signature] = self._counts.get(signature, 0) + 1
            if count > MAX_REPEATS:
                return
            print(f"Drop-in Desk: unexpected {exc_type.__name__} at {where}", file=sys.stderr)
            write_log(self.folder, report_lines(exc_type, exc, tb, context))
        except Exception:  # noqa: BLE001 - reporting must never raise
            return
        if QThread.currentThread() is self.thread():
            self._show(context, signature)
        else:
            self._reported.emit(context, signature)

    def _show(self, _context: str, signature: str) -> None:
        """Keep the work and say so, once per kind of error, one message at a time."""
        if self._handling:
            return
        self._handling = True
        try:
            if signature in self._shown:
                return  # said once already (and the work was kept then)
            self._shown.add(signature)
            kept = "what was saved is safe."
            if self.keep_work is not None:
                try:
                    kept = self.keep_work()
                except Exception:  # noqa: BLE001 - the message is still shown
                    kept = "what was saved is safe; what was being typed may not have been kept."
            if self._box is not None and shiboken6.isValid(self._box) and self._box.isVisible():
                return  # one message at a time; the work was kept all the same
            path = log_path(self.folder)
            text = (
                f"Something went wrong in Drop-in Desk. Your work is kept: {kept} The last "
                "action may not have finished; you can carry on. "
                f"The details were written to {path}."
            )
            parent = self.window() if self.window is not None else None
            self._box = show_message(parent, text)
        except Exception:  # noqa: BLE001 - reporting must never raise
            return
        finally:
            self._handling = False
