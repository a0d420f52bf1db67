"""Issue 20 in the window: the send wizard, the receive dialog and its preview, the merge
dialog, the address book, the File menu and drag-and-drop of a .ddref file.

The wizard and the receive dialog run on real stores and the real desktop.store.referral
(age, scrypt, Ed25519): a file written by one store is received by another. The merge dialog is
also checked on a plan of its own (every kind of row)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QComboBox,
    QDialog,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTableWidget,
    QWidget,
)
from sqlalchemy import select

from desktop.store import referral, repository
from desktop.store.database import Store
from desktop.store.lock import InstanceLock
from desktop.store.models import AuditEntry, Client
from desktop.store.repository import ClientDetails
from desktop.ui import address_book_dialog, referral_send_wizard
from desktop.ui.address_book_dialog import AddressBookDialog
from desktop.ui.referral_merge_dialog import ReferralMergeDialog
from desktop.ui.referral_receive_dialog import UNKNOWN_SENDER, ReferralReceiveDialog
from desktop.ui.referral_send_wizard import ReferralSendWizard

CHEAP_KDF = {"time_cost": 1, "memory_cost_kib": 8192, "parallelism": 1}
SIX_WORDS = re.compile(r"^[a-z]+( +[a-z]+){2}\n[a-z]+( +[a-z]+){2}$")  # three to a line
NAME, BORN = "Quentin Placeholder", date(2001, 1, 20)
WAIT = 30_000  # scrypt takes about 1.5 s; a shared machine may take longer


def add_client(store: Store, name: str = NAME, born: date | None = BORN) -> int:
    with store.session() as s:
        client_id = repository.create_client(
            s, ClientDetails(full_name=name, date_of_birth=born), "Setup"
        )
        repository.add_note(s, client_id, "Setup", "Seen at the drop-in.")
    return client_id


def audit_actions(store: Store) -> list[tuple[str, str]]:
    with store.read_session() as s:
        return [(a.action, a.summary) for a in s.scalars(select(AuditEntry)).all()]


def client_names(store: Store) -> list[str]:
    with store.read_session() as s:
        return [c.full_name for c in s.scalars(select(Client)).all()]


@pytest.fixture
def other_store(tmp_path):
    """The other adviser's laptop."""
    opened = Store.create(tmp_path / "other", "other passphrase", CHEAP_KDF)
    yield opened
    if not opened.locked:
        opened.close()


@pytest.fixture(autouse=True)
def no_note_question(monkeypatch):
    """A wizard left with a note typed is closed at the end of a test: answered here, so no
    question waits for a click (tests that look at the question replace it themselves)."""
    asked = []
    monkeypatch.setattr(
        referral_send_wizard, "confirm_drop_note", lambda _p: asked.append(1) or True
    )
    return asked


def wizard_for(qtbot, store, client_id, folder) -> ReferralSendWizard:
    wizard = ReferralSendWizard(store, client_id, "Anna", folder=folder, today=date(2026, 12, 7))
    qtbot.addWidget(wizard)
    wizard.show()
    return wizard


def send_file(qtbot, wizard: ReferralSendWizard) -> Path:
    wizard.next()  # to "where to save"
    assert wizard.pages.currentIndex() == 2
    wizard.next()  # Lock and save: off the UI thread, so the call returns at once
    assert wizard.pages.currentIndex() == 2 and not wizard.next_button.isEnabled()
    qtbot.waitUntil(
        lambda: wizard.pages.currentIndex() == 3 or bool(wizard.error.text()), timeout=WAIT
    )
    assert wizard.error.text() == ""
    assert wizard.sent_path is not None and wizard.sent_path.is_file()
    return wizard.sent_path


# ---- the send wizard ---------------------------------------------------------------------------
def test_wizard_by_passphrase_writes_the_file_and_shows_six_words_once(
    qtbot, store, tmp_path, no_note_question
):
    client_id = add_client(store)
    wizard = wizard_for(qtbot, store, client_id, tmp_path)
    assert NAME in wizard.client_label.text()
    qtbot.waitUntil(lambda: "It holds" in wizard.counts_label.text(), timeout=WAIT)
    counts = referral.record_counts(store, client_id)
    assert ("Case notes", 1) in counts
    for label, number in counts:
        assert (f"{label}: {number}" in wizard.counts_label.text()) == (number > 0)
    wizard.note.setPlainText("Overstayer: please see within two weeks.")
    wizard.next()
    assert wizard.pages.currentIndex() == 1 and wizard.by_passphrase.isChecked()
    path = send_file(qtbot, wizard)
    assert re.fullmatch(r"referral-2026-12-07-[2-9A-Z]{4}\.ddref", path.name)
    assert NAME.split()[0] not in path.name
    shown = wizard.passphrase_shown()
    assert SIX_WORDS.match(shown), "six words, spaced"
    assert str(path) in wizard.path_label.text()
    assert "Never send them with the file" in wizard.passphrase_help.text()
    assert referral.lock_kind(path.read_bytes()) == "passphrase"
    actions = audit_actions(store)
    assert any(a == "referral.sent" for a, _ in actions)
    assert all(shown.split()[0] not in summary for _, summary in actions)  # never the words
    wizard.next()  # Done
    assert wizard.result() == QDialog.DialogCode.Accepted
    assert wizard.passphrase_shown() == ""  # not kept once the wizard closes
    assert no_note_question == []  # the note was sent: nothing to ask


def test_wizard_with_a_new_key_saves_it_and_locks_to_it(
    qtbot, store, other_store, tmp_path, no_note_question
):
    client_id = add_client(store)
    theirs = referral.identity(other_store)
    wizard = wizard_for(qtbot, store, client_id, tmp_path)
    wizard.next()
    wizard.by_key.setChecked(True)
    assert wizard.contact.currentText() == "New key…" and wizard.new_key.isVisible()
    assert not wizard.next_button.isEnabled()  # no name, no key yet
    wizard.new_key.name_field.setText("Jane Smith")
    wizard.new_key.key_field.setText(theirs.recipient[:20])
    assert theirs.fingerprint not in wizard.new_key.fingerprint.text()  # not whole yet
    wizard.new_key.key_field.setText(theirs.recipient)
    assert wizard.new_key.fingerprint.text() == theirs.fingerprint  # live, as typed
    assert "Read this fingerprint aloud" in wizard.new_key.hint.text()
    wizard.armoured.setChecked(True)
    wizard.next()
    assert wizard.pages.currentIndex() == 2
    assert [c.name for c in referral.contacts(store)] == ["Jane Smith"]  # saved
    assert theirs.fingerprint in wizard.contact.currentText()
    wizard.next()
    qtbot.waitUntil(
        lambda: wizard.pages.currentIndex() == 3 or bool(wizard.error.text()), timeout=WAIT
    )
    assert wizard.error.text() == ""
    data = wizard.sent_path.read_bytes()
    assert data.startswith(b"-----BEGIN AGE ENCRYPTED FILE-----")  # armoured, for email
    assert referral.lock_kind(data) == "key"
    assert not wizard.passphrase_label.isVisible() and "Jane Smith" in wizard.done_intro.text()
    assert any(
        a == "referral.sent" and "Jane Smith" in s and theirs.fingerprint in s
        for a, s in audit_actions(store)
    )
    received = referral.open_received(other_store, data)  # only their laptop opens it
    assert received.client_name == NAME


def test_a_key_typed_wrong_is_said_in_one_line_and_stays_typed(qtbot, store, tmp_path):
    client_id = add_client(store)
    wizard = wizard_for(qtbot, store, client_id, tmp_path)
    wizard.next()
    wizard.by_key.setChecked(True)
    wizard.new_key.name_field.setText("Jane Smith")
    wizard.new_key.key_field.setText("age1notakey")
    assert not wizard.next_button.isEnabled()
    assert "fingerprint shows here" in wizard.new_key.fingerprint.text()
    assert wizard.new_key.problem().count("\n") == 0 and wizard.new_key.problem()
    assert wizard.new_key.key_field.text() == "age1notakey"


def test_a_folder_that_cannot_be_written_is_said_before_anything_is_sent(qtbot, store, tmp_path):
    wizard = wizard_for(qtbot, store, add_client(store), tmp_path / "gone")
    wizard.next()
    wizard.next()
    assert wizard.send() is None and "cannot be written" in wizard.error.text()
    assert not any(a == "referral.sent" for a, _ in audit_actions(store))


def test_the_covering_note_counts_and_stops_at_4000(qtbot, store, tmp_path):
    wizard = wizard_for(qtbot, store, add_client(store), tmp_path)
    wizard.note.setPlainText("x" * 4000)
    assert "4,000 of 4,000" in wizard.counter.text() and wizard.next_button.isEnabled()
    wizard.note.setPlainText("x" * 4001)
    assert not wizard.next_button.isEnabled()
    wizard.note.setPlainText("x" * 10)


def test_closing_with_a_typed_note_asks_before_dropping_it(qtbot, store, tmp_path, monkeypatch):
    wizard = wizard_for(qtbot, store, add_client(store), tmp_path)
    answers = [False, True]
    asked = []
    monkeypatch.setattr(
        referral_send_wizard, "confirm_drop_note", lambda _p: asked.append(1) or answers.pop(0)
    )
    wizard.note.setPlainText("Please see her soon.")
    wizard.reject()
    assert wizard.isVisible() and wizard.note.toPlainText() == "Please see her soon."
    wizard.close()
    assert not wizard.isVisible() and len(asked) == 2
    assert not any(a == "referral.sent" for a, _ in audit_actions(store))


def test_closing_with_no_note_does_not_ask(qtbot, store, tmp_path, no_note_question):
    wizard = wizard_for(qtbot, store, add_client(store), tmp_path)
    wizard.reject()
    assert no_note_question == [] and not wizard.isVisible()


# ---- receiving ---------------------------------------------------------------------------------
def make_referral(store: Store, client_id: int, folder: Path, *, recipient=None, name="Jane"):
    """A file sent from `store`: (path, passphrase or None)."""
    passphrase = None if recipient else referral.new_passphrase()
    lock = referral.Lock(passphrase=passphrase, recipient=recipient, recipient_name=name)
    file_name, data = referral.send(
        store,
        client_id,
        note="Please take this one: refusal on 1 Dec.",
        lock=lock,
        adviser="Anna",
        sender_name="Anna (Riverside Advice Drop-in)",
    )
    path = folder / file_name
    path.write_bytes(data)
    return path, passphrase


def receive(qtbot, store, path, **kwargs) -> ReferralReceiveDialog:
    dialog = ReferralReceiveDialog(store, "Ben", path, **kwargs)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.start()
    return dialog


def open_preview(qtbot, dialog, passphrase):
    qtbot.waitUntil(lambda: dialog.pages.currentIndex() == 1, timeout=WAIT)
    dialog.passphrase.setText(passphrase)
    dialog.open_with_passphrase()  # scrypt runs off the UI thread: the call returns at once
    assert dialog.pages.currentIndex() == 1 and not dialog.open_button.isEnabled()
    qtbot.waitUntil(
        lambda: dialog.pages.currentIndex() == 2 or bool(dialog.error.text()), timeout=WAIT
    )
    assert dialog.error.text() == ""


@pytest.fixture
def sent(store, tmp_path):
    """A passphrase-locked referral from `store` (the sender's laptop)."""
    client_id = add_client(store)
    return make_referral(store, client_id, tmp_path)


def test_the_preview_says_who_when_what_and_warns_of_an_unknown_sender(
    qtbot, store, other_store, sent
):
    path, passphrase = sent
    before = audit_actions(other_store)
    dialog = receive(qtbot, other_store, path)
    qtbot.waitUntil(lambda: dialog.pages.currentIndex() == 1, timeout=WAIT)
    assert dialog.passphrase.echoMode() == QLineEdit.EchoMode.Password
    dialog.show_words.setChecked(True)
    assert dialog.passphrase.echoMode() == QLineEdit.EchoMode.Normal
    open_preview(qtbot, dialog, passphrase.upper().replace(" ", "-"))  # as read by phone
    said = dialog.preview_text()
    assert "Anna (Riverside Advice Drop-in)" in said
    assert referral.identity(store).fingerprint in said
    assert dialog.known.text() == UNKNOWN_SENDER and dialog.save_sender_button.isVisible()
    assert "refusal on 1 Dec" in said and NAME in said and "20 January 2001" in said
    for label, number in referral.record_counts(store, 1):
        assert (f"{label}: {number}" in dialog.counts.text()) == (number > 0)
    assert re.search(r"(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday) \d", said)
    assert dialog.new_button.text() == "&Add client" and not dialog.merge_button.isVisible()
    dialog.reject()  # Cancel
    assert client_names(other_store) == [] and audit_actions(other_store) == before


def test_accept_as_new_adds_the_client_in_one_go(qtbot, store, other_store, sent):
    path, passphrase = sent
    dialog = receive(qtbot, other_store, path)
    open_preview(qtbot, dialog, passphrase)
    dialog.add_new()
    qtbot.waitUntil(lambda: dialog.client_id is not None or bool(dialog.error.text()), timeout=WAIT)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert client_names(other_store) == [NAME]
    assert f"client {dialog.client_id}" in dialog.message
    assert any(a == "referral.received" for a, _ in audit_actions(other_store))


def test_save_sender_puts_them_in_the_address_book(qtbot, store, other_store, sent, monkeypatch):
    from desktop.ui import referral_receive_dialog as module

    path, passphrase = sent
    dialog = receive(qtbot, other_store, path)
    open_preview(qtbot, dialog, passphrase)
    monkeypatch.setattr(module.QInputDialog, "getText", lambda *_a: ("Anna at Riverside", True))
    dialog.save_sender()
    assert dialog.known.text() == "In your address book as Anna at Riverside"
    assert not dialog.save_sender_button.isVisible()
    assert [c.name for c in referral.contacts(other_store)] == ["Anna at Riverside"]


def test_a_wrong_passphrase_is_one_line_and_can_be_typed_again(qtbot, store, other_store, sent):
    path, passphrase = sent
    dialog = receive(qtbot, other_store, path)
    qtbot.waitUntil(lambda: dialog.pages.currentIndex() == 1, timeout=WAIT)
    dialog.passphrase.setText("wrong words entirely here now please")
    dialog.open_with_passphrase()
    qtbot.waitUntil(lambda: bool(dialog.error.text()), timeout=WAIT)
    assert "\n" not in dialog.error.text() and "Traceback" not in dialog.error.text()
    assert "passphrase" in dialog.error.text()
    assert dialog.pages.currentIndex() == 1 and dialog.passphrase.isEnabled()
    open_preview(qtbot, dialog, passphrase)
    assert NAME in dialog.client.text()


def test_a_file_that_is_not_a_referral_is_one_line(qtbot, other_store, tmp_path):
    path = tmp_path / "holiday.ddref"
    path.write_bytes(b"not age at all")
    dialog = receive(qtbot, other_store, path)
    qtbot.waitUntil(lambda: bool(dialog.error.text()), timeout=WAIT)
    assert "\n" not in dialog.error.text() and "not a referral file" in dialog.error.text().lower()
    assert not dialog.new_button.isVisible() and dialog.cancel_button.text() == "Close"


def test_a_file_for_someone_elses_key_is_one_line(qtbot, store, other_store, tmp_path):
    client_id = add_client(store)
    path, _ = make_referral(
        store, client_id, tmp_path, recipient=referral.identity(store).recipient
    )
    dialog = receive(qtbot, other_store, path)
    qtbot.waitUntil(lambda: bool(dialog.error.text()), timeout=WAIT)
    assert "someone else's referral key" in dialog.error.text() and "\n" not in dialog.error.text()
    assert client_names(other_store) == []


def test_a_match_opens_the_merge_dialog_and_merge_waits_for_every_choice(
    qtbot, store, other_store, tmp_path
):
    client_id = add_client(store)
    with store.session() as s:  # the sender's version differs from the receiver's
        repository.add_note(s, client_id, "Anna", "Refused on 1 December.")
    here = add_client(other_store, NAME, BORN)
    with other_store.session() as s:  # a detail that differs: a row to choose
        repository.get_client(s, here).home_office_ref = "B7654321"
    path, passphrase = make_referral(store, client_id, tmp_path)
    shown = []

    def look(plan, client_words, parent):
        merge = ReferralMergeDialog(plan, client_words, parent)
        qtbot.addWidget(merge)
        shown.append((merge, client_words))
        changed = [d for d in plan.differences if d.kind == "changed"]
        assert changed and not merge.merge_button.isEnabled()
        assert merge.rows[changed[0].id][1].currentText() == "Choose…"
        merge.choose_all("received")
        assert merge.merge_button.isEnabled()
        return merge.choices()

    dialog = receive(qtbot, other_store, path, open_merge=look)
    open_preview(qtbot, dialog, passphrase)
    assert f"#{here} {NAME}" in dialog.matches.text()
    assert dialog.merge_button.isVisible() and dialog.new_button.text() == "Add as a &new client"
    dialog.merge()
    qtbot.waitUntil(lambda: dialog.client_id is not None or bool(dialog.error.text()), timeout=WAIT)
    assert dialog.error.text() == ""
    assert shown and shown[0][1] == f"#{here} {NAME}"
    assert dialog.client_id == here and client_names(other_store) == [NAME]
    with other_store.read_session() as s:
        notes = [n.text for n in repository.notes_of(s, here)]
    assert "Refused on 1 December." in notes


# ---- the merge dialog on a plan of every kind ----------------------------------------------------
@dataclass(frozen=True)
class Diff:
    id: str
    section: str
    label: str
    kind: str
    fields: tuple = ()
    here: dict = field(default_factory=dict)
    there: dict = field(default_factory=dict)


@dataclass
class Plan:
    differences: list

    def summary(self) -> str:
        return "1 new, 2 changed, 1 only here"

    def needs_choice(self) -> bool:
        return any(d.kind == "changed" for d in self.differences)


PLAN = Plan(
    [
        Diff(
            "permission:1",
            "History",
            "Student permission",
            "changed",
            ("To",),
            {"To": "31 August 2019"},
            {"To": "30 September 2019"},
        ),
        Diff(
            "decision:1",
            "Applications",
            "Refusal",
            "changed",
            ("Decided on",),
            {"Decided on": "1 Dec 2026"},
            {"Decided on": "2 Dec 2026"},
        ),
        Diff("note:7", "Notes", "Case note", "new", (), {}, {"Text": "Called HO"}),
        Diff("trip:2", "History", "Trip to Ghana", "only_here", (), {"Left": "1 May"}, {}),
    ]
)


def test_merge_is_enabled_only_when_every_changed_row_is_chosen(qtbot):
    dialog = ReferralMergeDialog(PLAN, "#12 Quentin Placeholder")
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.summary.text() == "1 new, 2 changed, 1 only here"
    assert [dialog.table.horizontalHeaderItem(i).text() for i in range(5)] == [
        "Section",
        "Record",
        "This laptop",
        "In the file",
        "Use",
    ]
    assert dialog.table.item(0, 2).text() == "To: 31 August 2019"
    assert dialog.table.item(0, 3).text() == "To: 30 September 2019"
    assert dialog.combo_at(0).currentText() == "Choose…"  # no default
    assert dialog.table.item(3, 4).text() == "Kept" and dialog.combo_at(3) is None
    assert not dialog.merge_button.isEnabled() and "2 changed records" in dialog.status.text()
    dialog.accept()
    assert dialog.isVisible()  # Merge cannot be forced
    dialog.choose("permission:1", "In the file")
    assert not dialog.merge_button.isEnabled()
    dialog.choose("decision:1", "This laptop")
    assert dialog.merge_button.isEnabled()
    dialog.choose("note:7", "Leave out")
    assert dialog.choices() == {"permission:1": "received", "decision:1": "mine", "note:7": "skip"}
    dialog.choose_all("mine")
    assert dialog.choices()["permission:1"] == "mine"


def test_tab_reaches_each_rows_choice(qtbot):
    dialog = ReferralMergeDialog(PLAN)
    qtbot.addWidget(dialog)
    dialog.show()
    first, second = dialog.combo_at(0), dialog.combo_at(1)
    first.setFocus()
    qtbot.waitUntil(first.hasFocus)
    qtbot.keyClick(first, Qt.Key.Key_Tab)
    qtbot.waitUntil(second.hasFocus)
    assert dialog.table.currentRow() == 1


# ---- the address book ----------------------------------------------------------------------------
def test_address_book_shows_this_laptops_key_adds_and_removes(
    qtbot, store, other_store, monkeypatch
):
    mine, theirs = referral.identity(store), referral.identity(other_store)
    dialog = AddressBookDialog(store)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.own_key.text() == mine.recipient
    assert dialog.own_fingerprint.text() == mine.fingerprint
    dialog.copy_own_key()
    from PySide6.QtGui import QGuiApplication

    assert QGuiApplication.clipboard().text() == mine.recipient
    assert not dialog.add_button.isEnabled()
    dialog.entry.name_field.setText("Smith & Co")
    dialog.entry.key_field.setText(theirs.recipient)
    assert dialog.entry.fingerprint.text() == theirs.fingerprint
    assert dialog.add_button.isEnabled()
    dialog.add()
    assert dialog.contact_names() == ["Smith & Co"] and dialog.entry.key_field.text() == ""
    assert dialog.table.item(0, 1).text() == theirs.fingerprint
    dialog.table.selectRow(0)
    answers = [False, True]
    monkeypatch.setattr(address_book_dialog, "confirm_remove", lambda *_a: answers.pop(0))
    dialog.remove_selected()
    assert dialog.contact_names() == ["Smith & Co"]  # said No
    dialog.remove_selected()
    assert dialog.contact_names() == [] and referral.contacts(store) == []


# ---- keyboard and names ----------------------------------------------------------------------------
def _letter(text: str) -> str | None:
    found = re.search(r"&([^&\s])", text.replace("&&", ""))
    return found.group(1).casefold() if found else None


def clashes_and_unnamed(dialog: QWidget) -> tuple[list[str], list[str]]:
    seen: dict[str, str] = {}
    clashes, unnamed = [], []
    for widget in dialog.findChildren(QWidget):
        if not widget.isVisible():
            continue
        text = None
        if isinstance(widget, QAbstractButton):
            text = widget.text()
        elif isinstance(widget, QLabel) and widget.buddy() is not None:
            text = widget.text()
        elif isinstance(widget, QGroupBox):
            text = widget.title()
        letter = _letter(text) if text else None
        if letter:
            if letter in seen and seen[letter] != text:
                clashes.append(f"Alt+{letter}: {seen[letter]!r} and {text!r}")
            seen.setdefault(letter, text)
        interactive = (QAbstractButton, QLineEdit, QPlainTextEdit, QComboBox, QTableWidget)
        if isinstance(widget, interactive) and not widget.accessibleName():
            unnamed.append(type(widget).__name__ + ":" + (text or ""))
    return clashes, unnamed


def test_every_dialog_keeps_alt_letters_unique_and_names_its_controls(
    qtbot, store, other_store, tmp_path
):
    client_id = add_client(store)
    wizard = wizard_for(qtbot, store, client_id, tmp_path)
    checked = []
    for page in range(3):
        if page == 1:
            wizard.by_key.setChecked(True)
        checked.append(clashes_and_unnamed(wizard))
        if page < 2:
            wizard.next() if page == 0 else wizard.pages.setCurrentIndex(2)
    book = AddressBookDialog(store)
    qtbot.addWidget(book)
    book.show()
    checked.append(clashes_and_unnamed(book))
    merge = ReferralMergeDialog(PLAN)
    qtbot.addWidget(merge)
    merge.show()
    checked.append(clashes_and_unnamed(merge))
    path, passphrase = make_referral(store, client_id, tmp_path)
    dialog = receive(qtbot, other_store, path)
    qtbot.waitUntil(lambda: dialog.pages.currentIndex() == 1, timeout=WAIT)
    checked.append(clashes_and_unnamed(dialog))
    open_preview(qtbot, dialog, passphrase)
    checked.append(clashes_and_unnamed(dialog))
    assert all(clashes == [] for clashes, _ in checked), checked
    assert all(unnamed == [] for _, unnamed in checked), checked
    wizard.note.clear()


# ---- the window: menu and drag-and-drop ------------------------------------------------------------
def open_window(qtbot, tmp_path, store: Store):
    from desktop.ui.main_window import MainWindow

    folder = Path(store.folder) if hasattr(store, "folder") else None
    store.close()
    lock = InstanceLock(folder)
    lock.acquire()
    window = MainWindow(folder, lock, kdf_costs=CHEAP_KDF, ask_adviser=False)
    qtbot.addWidget(window)
    window.show()
    window.unlock_page.passphrase.setText("test passphrase")
    qtbot.keyClick(window.unlock_page.passphrase, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.workspace, timeout=WAIT)
    return window


def drag_event(window, urls: list[str], cls=QDragEnterEvent):
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(u) for u in urls])
    point = QPoint(10, 10) if cls is QDragEnterEvent else QPointF(10, 10)
    event = cls(
        point, Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier(0)
    )
    event.setAccepted(False)
    return event, mime


def test_the_window_takes_a_dropped_ddref_and_nothing_else(
    qtbot, tmp_path, store, other_store, monkeypatch
):
    client_id = add_client(other_store)
    path, passphrase = make_referral(other_store, client_id, tmp_path)
    window = open_window(qtbot, tmp_path, store)
    assert window.acceptDrops()
    for refused in (["/tmp/statement.csv"], ["/tmp/a.ddref", "/tmp/b.ddref"], ["/tmp/x.pdf"]):
        event, _mime = drag_event(window, refused)
        window.dragEnterEvent(event)
        assert not event.isAccepted(), refused
    event, mime = drag_event(window, [str(path)])
    window.dragEnterEvent(event)
    assert event.isAccepted()
    opened = []
    monkeypatch.setattr(window, "receive_referral_file", lambda p: opened.append(p))
    drop, _ = drag_event(window, [str(path)], QDropEvent)
    window.dropEvent(drop)
    qtbot.waitUntil(lambda: bool(opened))
    assert opened == [path]


def test_receive_from_the_window_opens_the_added_client(
    qtbot, tmp_path, store, other_store, monkeypatch
):
    client_id = add_client(other_store)
    path, passphrase = make_referral(other_store, client_id, tmp_path)
    window = open_window(qtbot, tmp_path, store)
    assert window.receive_action.isEnabled() and window.refer_action.isEnabled()
    file_menu = window.menuBar().actions()[0].menu()
    letters = [_letter(a.text()) for a in file_menu.actions() if not a.isSeparator()]
    assert len(letters) == len(set(letters))  # one Alt letter an entry in File
    assert window.address_book_action in file_menu.actions()

    def run_dialog(dialog):
        qtbot.waitUntil(lambda: dialog.pages.currentIndex() == 1, timeout=WAIT)
        dialog.passphrase.setText(passphrase)
        dialog.open_with_passphrase()
        qtbot.waitUntil(lambda: dialog.pages.currentIndex() == 2, timeout=WAIT)
        dialog.add_new()
        qtbot.waitUntil(lambda: dialog.client_id is not None, timeout=WAIT)
        return dialog.result()

    from desktop.ui import referral_receive_dialog as module

    monkeypatch.setattr(module.ReferralReceiveDialog, "exec", run_dialog)
    dialog = window.receive_referral_file(path)
    assert window.client_page.current_client_id() == dialog.client_id
    assert "Referral received" in window.statusBar().currentMessage()


def test_refer_from_the_window_runs_through_the_window_and_says_where(
    qtbot, tmp_path, store, monkeypatch
):
    client_id = add_client(store)
    window = open_window(qtbot, tmp_path, store)
    window._show_client(client_id)

    def run_wizard(wizard):
        wizard.folder_field.setText(str(tmp_path))
        wizard.next()
        wizard.next()
        wizard.next()  # Lock and save: the window counts it as busy (a lock waits for it)
        assert window._busy
        qtbot.waitUntil(lambda: wizard.pages.currentIndex() == 3, timeout=WAIT)
        wizard.next()  # Done
        return wizard.result()

    monkeypatch.setattr(referral_send_wizard.ReferralSendWizard, "exec", run_wizard)
    window.refer_action.trigger()
    message = window.statusBar().currentMessage()
    assert message.startswith("Referral saved to ") and str(tmp_path) in message
    # The client page's button opens the same wizard.
    assert window.client_page.refer_button.isVisible()
    window.statusBar().clearMessage()
    window.client_page.refer_button.click()
    assert window.statusBar().currentMessage().startswith("Referral saved to ")
    assert len(list(tmp_path.glob("referral-*.ddref"))) == 2


def test_a_note_typed_when_the_window_locks_is_kept_and_put_back(
    qtbot, tmp_path, store, monkeypatch
):
    client_id = add_client(store)
    window = open_window(qtbot, tmp_path, store)
    window._show_client(client_id)
    opened = []

    def type_and_leave_open(wizard):
        wizard.show()
        wizard.note.setPlainText("Refused on 1 Dec; see her this week.")
        opened.append(wizard)
        return 0

    monkeypatch.setattr(referral_send_wizard.ReferralSendWizard, "exec", type_and_leave_open)
    window.refer_client()
    window.lock()  # the wizard's note is kept as an encrypted draft, the wizard closed
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.unlock_page, timeout=WAIT)
    qtbot.waitUntil(lambda: not opened[0].isVisible(), timeout=WAIT)
    assert "a referral note" in window.unlock_page.message.text()
    assert "Refused" not in window.unlock_page.message.text()
    window.unlock_page.passphrase.setText("test passphrase")
    qtbot.keyClick(window.unlock_page.passphrase, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.workspace, timeout=WAIT)
    # The client's page offers it back; Restore opens Refer… (which takes the note back).
    window._show_client(client_id)
    banner = window.client_page.draft_banner
    qtbot.waitUntil(lambda: banner.button("referral_note", "restore") is not None, timeout=WAIT)
    asked = []
    window.client_page.refer_requested.connect(asked.append)
    banner.button("referral_note", "restore").click()
    assert asked == [client_id]
    again = ReferralSendWizard(window.store, client_id, "Anna", folder=tmp_path)
    qtbot.addWidget(again)
    assert again.note.toPlainText() == "Refused on 1 Dec; see her this week."
    assert "is back" in again.error.text()
    again.note.clear()
    again.reject()  # emptied and closed: nothing comes back next time
    third = ReferralSendWizard(window.store, client_id, "Anna", folder=tmp_path)
    qtbot.addWidget(third)
    assert third.note.toPlainText() == ""
