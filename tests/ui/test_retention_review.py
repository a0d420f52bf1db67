"""Issue 22: Tools > Retention review…. The records due (the centre's retention period after
the last matter closed) are listed off the UI thread with the date and why; each is erased
with the existing erasure (the client's full name typed: nothing is erased without it) or
kept with a reason and a new review date after today."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialog

from desktop.store import repository
from desktop.store.casework import MatterEntry, add_matter, retention_due
from desktop.ui import retention_review_dialog
from desktop.ui.delete_client_dialog import DeleteClientDialog
from desktop.ui.retention_keep_dialog import KeepRecordDialog
from desktop.ui.retention_review_dialog import RetentionReviewDialog

TODAY = dt.date(2026, 12, 7)
WAIT = 20_000


def today() -> dt.date:
    return TODAY


def _client(session, name: str, closed: dt.date | None) -> int:
    cid = repository.create_client(session, repository.ClientDetails(full_name=name), "Sam")
    add_matter(
        session,
        cid,
        MatterEntry(
            category="partner",
            opened=dt.date(2018, 3, 1),
            title="Extension",
            closed=closed,
            outcome="limited_leave_granted" if closed else None,
        ),
        "Sam",
    )
    return cid


@pytest.fixture
def clients(store):
    with store.session() as s:
        old = _client(s, "Olga Older", dt.date(2019, 1, 10))  # review 10 Jan 2025
        older = _client(s, "Ahmed Oldest", dt.date(2018, 6, 4))  # review 4 Jun 2024
        _client(s, "Nina Open", None)  # a matter still open: never due
    return old, older


def ids_due(store) -> list[int]:
    with store.read_session() as s:
        return [d.client_id for d in retention_due(s, TODAY)]


def loaded(qtbot, store) -> RetentionReviewDialog:
    dialog = RetentionReviewDialog(store, "Sam", today)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.load()
    qtbot.waitUntil(lambda: not dialog.loading, timeout=WAIT)
    return dialog


def test_the_records_due_are_listed_earliest_first_with_the_date_and_why(qtbot, store, clients):
    old, older = clients
    dialog = loaded(qtbot, store)
    assert [d.client_id for d in dialog.due] == [older, old]
    assert dialog.table.rowCount() == 2
    assert dialog.table.item(0, 0).text() == f"Ahmed Oldest (client {older})"
    assert dialog.table.item(0, 1).text() == "4 Jun 2024"
    assert dialog.table.item(0, 2).text()  # why: the rules' words
    assert dialog.status.text() == "2 records to review."
    assert dialog.erase_button.isEnabled() and dialog.keep_button.isEnabled()
    assert dialog.table.accessibleName() == "Records due for review"


def test_nothing_due_says_so_and_offers_nothing(qtbot, store):
    dialog = loaded(qtbot, store)
    assert dialog.status.text() == "No record is due for review today."
    assert not dialog.erase_button.isEnabled() and not dialog.keep_button.isEnabled()


def test_erase_needs_the_confirmation_and_cancelling_it_erases_nothing(
    qtbot, store, clients, monkeypatch
):
    old, older = clients
    dialog = loaded(qtbot, store)
    asked = []
    monkeypatch.setattr(
        retention_review_dialog, "confirm_erase", lambda _p, name: asked.append(name) or False
    )
    assert dialog.erase_chosen() is False
    assert asked == ["Ahmed Oldest"]
    assert ids_due(store) == [older, old]
    erased = []
    dialog.erased.connect(erased.append)
    monkeypatch.setattr(retention_review_dialog, "confirm_erase", lambda _p, _name: True)
    assert dialog.erase_chosen() is True
    assert erased == [older]
    assert [d.client_id for d in dialog.due] == [old] and dialog.table.rowCount() == 1
    with store.read_session() as s:
        assert older not in [c.id for c in repository.list_summaries(s)]
        actions = [a.action for a in repository.audit_of(s, older)]
    assert actions[-1] == "client.delete" or "client.delete" in actions


def test_the_real_confirmation_is_the_erasure_dialog_and_escape_erases_nothing(
    qtbot, store, clients
):
    old, older = clients
    dialog = loaded(qtbot, store)
    seen = []

    def answer():
        box = QApplication.activeModalWidget()
        seen.append(type(box))
        box.reject()

    QTimer.singleShot(0, answer)
    assert dialog.erase_chosen() is False
    assert seen == [DeleteClientDialog]
    assert ids_due(store) == [older, old]


def test_keep_needs_a_reason_and_a_review_date_after_today(qtbot, store, clients):
    old, older = clients
    keep = KeepRecordDialog(store, older, "Ahmed Oldest", "Sam", today)
    qtbot.addWidget(keep)
    keep.show()
    assert keep.save() is False
    assert keep.errors.messages() == [
        "Why it is kept is needed.",
        "Next review on is needed (type it like 01/09/2024).",
    ]
    keep.reason.setPlainText("An open complaint")
    keep.review_on.setText("07/12/2026")  # today: not after it
    assert keep.save() is False
    assert keep.errors.messages() == ["Next review on must be after today."]
    assert keep.review_on.accessibleDescription() == "Next review on must be after today."
    assert keep.reason.toPlainText() == "An open complaint"  # kept
    assert ids_due(store) == [older, old]
    keep.review_on.setText("07/12/2027")
    qtbot.keyClick(keep.review_on, Qt.Key.Key_Return)
    assert keep.result() == QDialog.DialogCode.Accepted
    assert ids_due(store) == [old]
    with store.read_session() as s:
        assert "retention.keep" in [a.action for a in repository.audit_of(s, older)]


def test_keep_from_the_list_takes_the_client_off_it(qtbot, store, clients, monkeypatch):
    old, older = clients
    dialog = loaded(qtbot, store)
    kept = []
    dialog.kept.connect(kept.append)
    monkeypatch.setattr(retention_review_dialog, "ask_keep", lambda *_args: False)
    assert dialog.keep_chosen() is False and dialog.table.rowCount() == 2

    def keep_for_a_year(parent, store_, client_id, name, adviser, today_provider):
        keep = KeepRecordDialog(store_, client_id, name, adviser, today_provider, parent)
        keep.reason.setPlainText("The client asked us to keep it")
        keep.review_on.setText("01/12/2027")
        return keep.save()

    monkeypatch.setattr(retention_review_dialog, "ask_keep", keep_for_a_year)
    assert dialog.keep_chosen() is True
    assert kept == [older] and [d.client_id for d in dialog.due] == [old]
    assert ids_due(store) == [old]


def test_the_list_is_read_again_after_a_keep_or_an_erasure_elsewhere(qtbot, store, clients):
    old, older = clients
    dialog = loaded(qtbot, store)
    with store.session() as s:
        repository.delete_client(s, old, "Sam")
    dialog.load()
    qtbot.waitUntil(lambda: not dialog.loading, timeout=WAIT)
    assert [d.client_id for d in dialog.due] == [older]


def test_keyboard_the_list_has_the_focus_and_alt_k_opens_keep(qtbot, store, clients, monkeypatch):
    dialog = loaded(qtbot, store)
    assert dialog.table.hasFocus() or QApplication.focusWidget() is dialog.table
    opened = []
    monkeypatch.setattr(retention_review_dialog, "ask_keep", lambda *a: opened.append(a) or False)
    qtbot.keyClick(dialog.table, Qt.Key.Key_K, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: bool(opened), timeout=WAIT)
    for button in (dialog.erase_button, dialog.keep_button, dialog.close_button):
        assert button.accessibleName()


def test_tools_menu_opens_the_review_from_the_window(qtbot, tmp_path):
    from desktop.store.database import Store
    from desktop.store.lock import InstanceLock
    from desktop.ui.main_window import MainWindow

    cheap = {"time_cost": 1, "memory_cost_kib": 8192, "parallelism": 1}
    folder = tmp_path / "data"
    made = Store.create(folder, "window passphrase", cheap)
    with made.session() as s:
        _client(s, "Olga Older", dt.date(2019, 1, 10))
    made.close()
    lock = InstanceLock(folder)
    lock.acquire()
    window = MainWindow(folder, lock, kdf_costs=cheap, ask_adviser=False)
    qtbot.addWidget(window)
    window.show()
    assert not window.retention_action.isEnabled()  # locked: no client data
    window.unlock_page.passphrase.setText("window passphrase")
    qtbot.keyClick(window.unlock_page.passphrase, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.workspace, timeout=WAIT)
    assert window.retention_action.text() == "&Retention review…"
    dialog = window.show_retention_review()
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 1, timeout=WAIT)
    dialog.reject()


def test_screenshot_of_the_retention_review(qtbot, store, clients, tmp_path):
    dialog = loaded(qtbot, store)
    qtbot.waitExposed(dialog)
    folder = os.environ.get("DROPIN_SCREENSHOTS")
    path = (Path(folder) if folder else tmp_path) / "retention_review.png"
    assert dialog.grab().save(str(path))
    assert path.stat().st_size > 0
