"""Issue 15 point 1: an unexpected error never ends the app silently. It is written to
errors.log in the data folder (0600) by kind and place only, shown once, calmly, and the work
in progress is kept as drafts at once."""

import os
import stat
import sys
import threading

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox, QPushButton

from desktop.store import drafts, repository
from desktop.store.database import Store
from desktop.store.lock import InstanceLock
from desktop.store.repository import ClientDetails
from desktop.ui import crash_report, operations
from desktop.ui.app import install_crash_handler
from desktop.ui.crash_report import LOG_NAME, CrashHandler, report_lines, write_log
from desktop.ui.main_window import MainWindow
from desktop.ui.operations import Operation

CHEAP_KDF = {"time_cost": 1, "memory_cost_kib": 8192, "parallelism": 1}
PASSPHRASE = "crash test passphrase"
NAME = "Wilhelmina Crashtest"


@pytest.fixture
def seeded(tmp_path):
    folder = tmp_path / "data"
    store = Store.create(folder, PASSPHRASE, CHEAP_KDF)
    with store.session() as s:
        client = repository.create_client(s, ClientDetails(full_name=NAME), "Setup")
    store.close()
    return folder, client


@pytest.fixture
def window(qtbot, seeded):
    folder, client = seeded
    lock = InstanceLock(folder)
    lock.acquire()
    win = MainWindow(folder, lock, kdf_costs=CHEAP_KDF, ask_adviser=False)
    qtbot.addWidget(win)
    win.show()
    win.unlock_page.passphrase.setText(PASSPHRASE)
    qtbot.keyClick(win.unlock_page.passphrase, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: win.stack.currentWidget() is win.workspace, timeout=10_000)
    win._show_client(client)
    return win


@pytest.fixture
def handler(qapp, window):
    installed = CrashHandler(window.folder)
    installed.install()
    installed.attach(window)
    yield installed
    installed.uninstall()
    for widget in QApplication.topLevelWidgets():
        if widget.objectName() == "crashMessage":
            widget.close()


def crash_boxes():
    return [
        w
        for w in QApplication.topLevelWidgets()
        if isinstance(w, QMessageBox) and w.objectName() == "crashMessage" and w.isVisible()
    ]


def raise_with_client_data():
    secret_local = f"{NAME} born 1990-01-01"  # a local value: never written down
    raise ValueError(f"could not read the date for {secret_local}")


@pytest.mark.qt_no_exception_capture
def test_a_slot_that_raises_is_written_down_shown_once_and_the_work_kept(
    qtbot, window, handler, seeded, capsys
):
    folder, client = seeded
    window.client_page.notes_tab.editor.setPlainText("Half a note about the appeal")
    button = QPushButton("Go", window)
    button.clicked.connect(raise_with_client_data)
    button.click()
    # Still running, still unlocked, the client still shown.
    assert window.isVisible() and window.unlocked
    assert window.client_page.current_client_id() == client
    boxes = crash_boxes()
    assert len(boxes) == 1
    text = boxes[0].text()
    assert text.startswith("Something went wrong in Drop-in Desk. Your work is kept:")
    assert f"a case note for client {client}" in text
    assert f"The details were written to {folder / LOG_NAME}." in text
    assert NAME not in text and "Traceback" not in text and "File " not in text
    # The typed note is kept as a draft now, not only at the next lock.
    with window.store.read_session() as s:
        assert drafts.get(s, client, "note") == {"text": "Half a note about the appeal"}
    log = (folder / LOG_NAME).read_text()
    assert "builtins.ValueError" in log
    assert "test_crash_report.py:" in log and "in raise_with_client_data" in log
    for secret in ("Wilhelmina", "Crashtest", "1990", "could not read"):
        assert secret not in log
    if os.name == "posix":
        assert stat.S_IMODE((folder / LOG_NAME).stat().st_mode) == 0o600
    err = capsys.readouterr().err
    assert "unexpected ValueError at test_crash_report.py" in err and NAME not in err
    # The same error again: written down, not shown a second time.
    boxes[0].close()
    button.click()
    assert crash_boxes() == []
    assert (folder / LOG_NAME).read_text().count("builtins.ValueError") == 2


@pytest.mark.qt_no_exception_capture
def test_an_error_in_a_python_thread_is_shown_on_the_window_thread(qtbot, window, handler, seeded):
    folder, _client = seeded

    def work():
        raise RuntimeError(f"thread failed for {NAME}")

    thread = threading.Thread(target=work)
    thread.start()
    thread.join()
    qtbot.waitUntil(lambda: len(crash_boxes()) == 1, timeout=5_000)
    log = (folder / LOG_NAME).read_text()
    assert "background thread: builtins.RuntimeError" in log and NAME not in log
    assert window.isVisible() and window.unlocked


def test_a_background_operation_that_fails_unexpectedly_is_written_down(
    qtbot, window, handler, seeded, monkeypatch
):
    folder, _client = seeded
    warnings = []
    monkeypatch.setattr(
        QMessageBox, "warning", staticmethod(lambda _p, _t, text, *a: warnings.append(text))
    )

    def unexpected(_progress):
        return {"known": 1}[f"missing {NAME}"]

    with qtbot.waitSignal(window.run("Doing it", unexpected).finished, timeout=5_000):
        pass
    log = (folder / LOG_NAME).read_text()
    assert "operation: builtins.KeyError" in log and "in unexpected" in log and NAME not in log
    assert warnings == [
        f"Something went wrong (KeyError). Nothing was changed. The details were written to "
        f"{folder / LOG_NAME}."
    ]

    def expected(_progress):
        raise OSError(2, "No such file")

    with qtbot.waitSignal(window.run("Reading", expected).finished, timeout=5_000):
        pass
    assert (folder / LOG_NAME).read_text().count("builtins.") == 1  # a file problem: no log
    assert warnings[1] == "The file could not be read or written (No such file)."


def test_an_operation_lets_go_of_its_work_once_it_reports(qtbot, window):
    held = {"history": f"{NAME}'s history"}
    op = Operation(window, "Working", lambda _p, h=held: len(h["history"]), show_progress=False)
    runner = op._runner
    with qtbot.waitSignal(op.succeeded, timeout=5_000):
        op.start()
    assert runner.work is None  # the client data the work held is not kept for 5 s more


def test_the_entry_names_the_kind_the_frames_and_a_chained_cause_only():
    def inner():
        raise KeyError(f"{NAME}")

    def outer():
        try:
            inner()
        except KeyError as exc:
            raise RuntimeError(f"lookup of {NAME} failed") from exc

    try:
        outer()
    except RuntimeError as exc:
        lines = report_lines(type(exc), exc, exc.__traceback__, "window")
    text = "\n".join(lines)
    assert "window: builtins.RuntimeError" in lines[0]
    assert "while handling builtins.KeyError" in text
    assert "in outer" in text and "in inner" in text
    assert NAME not in text and "failed" not in text
    assert all(not line.strip().startswith("/") for line in lines[1:])  # no home folder paths


def test_the_log_starts_afresh_past_its_cap(tmp_path, monkeypatch):
    monkeypatch.setattr(crash_report, "MAX_LOG_BYTES", 100)
    folder = tmp_path / "data"
    write_log(folder, ["first entry " * 20])
    write_log(folder, ["second entry"])
    assert (folder / LOG_NAME).read_text() == "second entry\n\n"


def test_the_app_installs_both_hooks_and_takes_them_back(qapp, tmp_path):
    before = (sys.excepthook, threading.excepthook, operations.report_unexpected)
    installed = install_crash_handler(qapp, tmp_path)
    try:
        assert sys.excepthook == installed.excepthook
        assert threading.excepthook == installed.thread_excepthook
        assert operations.report_unexpected == installed.background_failed
        assert crash_report.log_path() == tmp_path / LOG_NAME
    finally:
        installed.uninstall()
    assert (sys.excepthook, threading.excepthook, operations.report_unexpected) == before
    assert crash_report.log_path() is None
