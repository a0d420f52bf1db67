"""Start the window: one instance per data folder, demo mode on a throw-away folder."""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

from PySide6.QtWidgets import QApplication, QMessageBox

from desktop.store.errors import StoreInUse
from desktop.store.lock import InstanceLock
from desktop.store.paths import default_data_dir


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
    """An unexpected error reports its kind and where it happened, never its message or
    values: those can hold client details."""
    import traceback

    frames = traceback.extract_tb(tb)
    where = f"{Path(frames[-1].filename).name}:{frames[-1].lineno}" if frames else "unknown"
    print(f"Drop-in Desk: unexpected {exc_type.__name__} at {where}", file=sys.stderr)
    app = QApplication.instance()
    if app is not None and app.activeWindow() is not None:
        QMessageBox.warning(
            app.activeWindow(),
            "Something went wrong",
            f"Something went wrong ({exc_type.__name__}). What was saved is safe; "
            "the last action may not have finished.",
        )


def run_app(data_dir: str | None = None, demo: bool = False, argv: list[str] | None = None) -> int:
    app = QApplication.instance() or QApplication(argv if argv is not None else sys.argv[:1])
    app.setApplicationName("Drop-in Desk")
    app.setOrganizationName("DropInDesk")
    sys.excepthook = _private_excepthook

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
    collector = UiThreadGarbageCollector(parent=app)
    collector.start()
    window = MainWindow(folder, lock, unlock_note=note, demo=demo)
    window.show()
    try:
        return app.exec()
    finally:
        collector.stop()
        lock.release()
        if demo:
            shutil.rmtree(folder, ignore_errors=True)
