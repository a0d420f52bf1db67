"""Start the window: one instance per data folder, demo mode on a throw-away folder."""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox, QProxyStyle, QPushButton

from desktop.store.errors import StoreInUse
from desktop.store.lock import InstanceLock
from desktop.store.paths import default_data_dir

#: Set to 1 to measure cold start: the app prints "unlock-screen-shown <seconds since the process
#: started>" once the unlock page is on screen, then quits (benchmarks/bench_bundle_start.py;
#: -1 where the start time is not known, i.e. not Linux: the benchmark times it from outside).
TIME_TO_UNLOCK_ENV = "DROPIN_DESK_TIME_TO_UNLOCK"


class EnterPressesButtons(QObject):
    """Enter (or Return) on a focused button presses it, as Space does. Qt does that only
    inside dialogs (where a button is "auto-default"); on the main window's pages Enter on a
    focused button did nothing. Dialogs keep Qt's own rule: there Enter presses the focused
    button or, from a field, the dialog's default button."""

    _KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if event.type() != QEvent.Type.KeyPress or not isinstance(watched, QPushButton):
            return False
        if event.key() not in self._KEYS or event.isAutoRepeat():
            return False
        if event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier:
            return False  # Ctrl+Return and the like stay shortcuts
        if watched.autoDefault() or watched.isDefault() or isinstance(watched.window(), QDialog):
            return False  # Qt presses it itself, or the dialog decides
        if not (watched.isEnabled() and watched.isVisible() and watched.hasFocus()):
            return False
        watched.click()
        return True


class _ButtonsGetTheFilter(QProxyStyle):
    """Hands each push button the Enter filter when it is polished (first shown), so the filter
    watches buttons only. An application-wide Python event filter would be called for every
    event of every object, half-built and half-destroyed ones included (a new window's
    constructor sends events), and PySide may crash wrapping those: seen as a segfault."""

    def __init__(self, handler: EnterPressesButtons) -> None:
        super().__init__()  # the application's current style, unchanged in look
        self._handler = handler

    def polish(self, arg):  # noqa: ANN001, ANN201 - QWidget, QApplication or QPalette overloads
        if isinstance(arg, QPushButton):
            arg.installEventFilter(self._handler)
        return super().polish(arg)


def install_enter_presses_buttons(app: QApplication) -> EnterPressesButtons:
    """Once per application (the window calls it; calling it again changes nothing)."""
    existing = app.findChild(EnterPressesButtons)
    if existing is not None:
        return existing
    handler = EnterPressesButtons(app)
    style = _ButtonsGetTheFilter(handler)
    app.setStyle(style)  # the application takes ownership of the style
    for button in app.allWidgets():  # buttons polished before the style was set
        if isinstance(button, QPushButton):
            button.installEventFilter(handler)
    return handler


def _prepare_demo_folder() -> Path:
    from desktop.store.database import Store
    from desktop.store.demo import DEMO_PASSPHRASE, fill_demo

    folder = Path(tempfile.mkdtemp(prefix="dropin-desk-demo-"))
    store = Store.create(folder, DEMO_PASSPHRASE)
    try:
        fill_demo(store)
    finally:
        store.close()
    return folder


def _private_excepthook(exc_type, exc, tb) -> None:
    """Before the window's own handler is installed (and after it is gone): an unexpected
    error reports its kind and where it happened on stderr, never its message or values:
    those can hold client details."""
    import traceback

    frames = traceback.extract_tb(tb)
    where = f"{Path(frames[-1].filename).name}:{frames[-1].lineno}" if frames else "unknown"
    print(f"Drop-in Desk: unexpected {exc_type.__name__} at {where}", file=sys.stderr)


def install_crash_handler(app: QApplication, folder: Path):
    """sys.excepthook and threading.excepthook for the whole run (desktop.ui.crash_report):
    an unexpected error is written to errors.log in the data folder without personal data,
    the open editors' work is kept as drafts and one calm message says so. The window is
    attached with `handler.attach(window)` once it exists."""
    from desktop.ui.crash_report import CrashHandler

    handler = CrashHandler(folder, parent=app)
    handler.install()
    return handler


def _report_unlock_shown(app: QApplication) -> None:
    """After the first paint of the window: print the seconds since process start, then quit."""
    import time

    from PySide6.QtCore import QTimer

    def report() -> None:
        started = _process_start_time()
        elapsed = time.time() - started if started is not None else -1.0  # -1: not known
        print(f"unlock-screen-shown {elapsed:.3f}", flush=True)
        app.quit()

    QTimer.singleShot(0, report)


def _process_start_time() -> float | None:
    """When this process started (epoch seconds), from /proc on Linux; None elsewhere."""
    try:
        import time

        ticks = int(Path("/proc/self/stat").read_text().rsplit(")", 1)[1].split()[19])
        uptime = float(Path("/proc/uptime").read_text().split()[0])
        return time.time() - uptime + ticks / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError, AttributeError):
        return None


def run_app(data_dir: str | None = None, demo: bool = False, argv: list[str] | None = None) -> int:
    app = QApplication.instance() or QApplication(argv if argv is not None else sys.argv[:1])
    app.setApplicationName("Drop-in Desk")
    app.setOrganizationName("DropInDesk")
    sys.excepthook = _private_excepthook  # until the data folder is known

    from desktop.ui.gc_guard import UiThreadGarbageCollector
    from desktop.ui.main_window import MainWindow

    note = ""
    if demo:
        from desktop.store.demo import DEMO_PASSPHRASE

        folder = _prepare_demo_folder()
        note = (
            f"Demo mode: fictional clients in a throw-away folder. "
            f"The passphrase is: {DEMO_PASSPHRASE}"
        )
    else:
        folder = Path(data_dir) if data_dir else default_data_dir()
    lock = InstanceLock(folder)
    try:
        lock.acquire()
    except StoreInUse as exc:
        QMessageBox.critical(None, "Drop-in Desk is already open", str(exc))
        return 1
    crashes = install_crash_handler(app, folder)
    collector = UiThreadGarbageCollector(parent=app)
    collector.start()
    window = MainWindow(folder, lock, unlock_note=note, demo=demo)
    crashes.attach(window)
    window.show()
    if os.environ.get(TIME_TO_UNLOCK_ENV) == "1":
        _report_unlock_shown(app)
    try:
        return app.exec()
    finally:
        crashes.uninstall()
        sys.excepthook = _private_excepthook
        collector.stop()
        lock.release()
        if demo:
            shutil.rmtree(folder, ignore_errors=True)
