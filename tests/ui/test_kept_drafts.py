"""Issue 15 point 2: nothing typed is ever lost. For every editor: type, lock (Ctrl+L, the idle
auto-lock, quit), unlock, find the text again. The lock screen says what was kept, by kind and
client number, never the client's details."""

from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialog

from desktop.importers.bank_csv import read_statement
from desktop.rules.checklists import Checklist, Item
from desktop.rules.history import Absence, History, Permission
from desktop.store import checklists as cs
from desktop.store import drafts
from desktop.store import statements as st
from desktop.store.database import Store
from desktop.store.lock import InstanceLock
from desktop.store.repository import (
    ClientDetails,
    create_client,
    load_history,
    notes_of,
    save_history,
    set_setting,
)
from desktop.ui import kept_drafts, prompts
from desktop.ui.checklists_tab import NewItemDialog, NotNeededDialog, ReceivedDateDialog
from desktop.ui.flag_review_dialog import FlagReviewDialog
from desktop.ui.main_window import MainWindow
from desktop.ui.notes_tab import NOTE_RESTORED
from desktop.ui.record_dialog import RecordDialog
from desktop.ui.statement_grid_dialog import StatementGridDialog
from desktop.ui.widgets import form_feedback

CHEAP_KDF = {"time_cost": 1, "memory_cost_kib": 8192, "parallelism": 1}
PASSPHRASE = "drafts test passphrase"
NAME = "Ximena Draftholder"
OTHER = "Yusuf Otherclient"
TODAY = date(2025, 12, 1)
STATEMENTS = Path(__file__).resolve().parents[1] / "data" / "statements"
TEMPLATE = Checklist(
    id="drafts_test",
    version=1,
    title="Things to bring",
    intro="Bring these.",
    routes=(),
    circumstances={},
    items=(
        Item("passport", "Any passport you hold", "Reference sheet", section="Who you are"),
        Item("letters", "Letters from the Home Office", "Reference sheet", section="Letters"),
    ),
    translations={},
    source_file="resources/checklists/drafts_test.toml",
)


@pytest.fixture(autouse=True)
def say_yes(monkeypatch):
    monkeypatch.setattr(form_feedback, "confirm", lambda *a, **k: True)


@pytest.fixture
def world(tmp_path):
    """A store with two clients; the first has a history, a checklist and a bank statement."""
    folder = tmp_path / "data"
    store = Store.create(folder, PASSPHRASE, CHEAP_KDF)
    with store.session() as s:
        first = create_client(s, ClientDetails(full_name=NAME, home_office_ref="X1234567"), "Setup")
        second = create_client(s, ClientDetails(full_name=OTHER), "Setup")
        save_history(
            s,
            first,
            History(
                permissions=(Permission("student", date(2014, 9, 1), date(2016, 8, 31)),),
                absences=(Absence(date(2015, 1, 10), date(2015, 2, 1), "visit family"),),
            ),
            "Setup",
        )
        cs.start_checklist(s, first, TEMPLATE, (), "Setup", on=date(2025, 1, 2))
        account = st.add_account(s, first, st.AccountDetails(NAME, "Monzo"), "Setup")
        st.add_statement(s, account, read_statement(STATEMENTS / "monzo.csv"), "csv", "Setup")
    store.close()
    return folder, first, second


def open_window(qtbot, folder):
    lock = InstanceLock(folder)
    lock.acquire()
    window = MainWindow(folder, lock, kdf_costs=CHEAP_KDF, ask_adviser=False, today=lambda: TODAY)
    qtbot.addWidget(window)
    window.show()
    unlock(qtbot, window)
    return window


def unlock(qtbot, window):
    window.unlock_page.passphrase.setText(PASSPHRASE)
    qtbot.keyClick(window.unlock_page.passphrase, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.workspace, timeout=10_000)


def show(window, client_id):
    window._show_client(client_id)
    assert window.client_page.current_client_id() == client_id


def kept(window, client_id):
    with window.store.read_session() as s:
        return {kind: drafts.get(s, client_id, kind) for kind in drafts.kinds(s, client_id)}


def no_client_data(message):
    for secret in (NAME, "Ximena", "Draftholder", "X1234567", OTHER):
        assert secret not in message


def lock_while_open(window, dialog, type_in):
    """A tab's run_dialog stand-in: the dialog runs modally as in the app; once it is on
    screen something is typed into it and the window locks (as the idle timer would)."""

    def then():
        type_in(dialog)
        window.lock()

    QTimer.singleShot(0, then)
    return dialog.exec() == QDialog.DialogCode.Accepted


def wait_locked(qtbot, window):
    """The lock's second step runs once the dialog's exec() has returned."""
    qtbot.waitUntil(lambda: window.store.locked, timeout=5_000)


# ---- the case note ----------------------------------------------------------------------------


def test_a_typed_note_is_kept_over_ctrl_l_and_comes_back(qtbot, world):
    folder, first, _second = world
    window = open_window(qtbot, folder)
    show(window, first)
    notes = window.client_page.notes_tab
    notes.editor.setPlainText("Advised on the 180-day rule; Ximena to bring payslips")
    window.activateWindow()
    qtbot.waitActive(window)
    qtbot.keyClick(window.client_list.search, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert window.store.locked
    message = window.unlock_page.message.text()
    assert f"a case note for client {first}" in message
    assert "Kept as unsaved drafts, encrypted" in message
    no_client_data(message)
    assert "payslips" not in message
    assert notes.editor.toPlainText() == ""
    unlock(qtbot, window)
    show(window, first)
    assert notes.editor.toPlainText() == "Advised on the 180-day rule; Ximena to bring payslips"
    assert notes.status.text() == NOTE_RESTORED
    assert notes.add_current_note()
    with window.store.read_session() as s:
        assert [n.text for n in notes_of(s, first)][-1].startswith("Advised on the 180-day rule")
    assert "note" not in kept(window, first)  # added: the draft went in the same transaction


def test_a_note_typed_then_another_client_opened_stays_with_its_client(qtbot, world):
    folder, first, second = world
    window = open_window(qtbot, folder)
    show(window, first)
    notes = window.client_page.notes_tab
    notes.editor.setPlainText("For the first client only")
    show(window, second)
    assert notes.editor.toPlainText() == ""  # never shown (or added) under the other client
    assert f"client {first}" in notes.status.text()
    show(window, first)
    assert notes.editor.toPlainText() == "For the first client only"
    notes.editor.clear()
    show(window, second)
    assert "note" not in kept(window, first)  # cleared: nothing comes back


def test_a_note_over_the_size_cap_is_said_not_kept(qtbot, world):
    folder, first, _second = world
    window = open_window(qtbot, folder)
    show(window, first)
    window.client_page.notes_tab.editor.setPlainText("x" * (drafts.MAX_DRAFT_BYTES + 1))
    window.lock()
    message = window.unlock_page.message.text()
    assert f"Could not be kept, so not saved: a case note for client {first}." in message
    assert "Kept as unsaved drafts" not in message


def test_a_draft_row_that_is_not_json_is_ignored(qtbot, world):
    folder, first, _second = world
    window = open_window(qtbot, folder)
    with window.store.session() as s:
        set_setting(s, drafts.key(first, "note"), "{not json")
        set_setting(s, drafts.key(first, "history_record"), "[broken")
    show(window, first)
    assert window.client_page.notes_tab.editor.toPlainText() == ""
    banner = window.client_page.draft_banner
    assert banner.kinds() == ["history_record"]
    banner.button("history_record", "restore").click()
    assert "no longer there" in banner.note.text()
    assert "history_record" not in kept(window, first)
    window.lock()  # the unreadable note draft is let go once the box is seen to be empty
    unlock(qtbot, window)
    assert kept(window, first) == {}


# ---- the details form -------------------------------------------------------------------------


def test_changed_details_are_kept_over_the_idle_auto_lock(qtbot, world):
    folder, first, _second = world
    window = open_window(qtbot, folder)
    show(window, first)
    window.client_page.details_tab.form.widgets["nationality"].setText("Fictionalian")
    window.idle.idle.emit()  # the auto-lock, triggered directly
    assert window.store.locked
    assert f"changes to the details for client {first}" in window.unlock_page.message.text()
    unlock(qtbot, window)
    show(window, first)
    assert window.client_page.details_tab.form.widgets["nationality"].text() == "Fictionalian"


# ---- the History tab's record dialogs --------------------------------------------------------


def test_a_half_filled_add_trip_survives_the_idle_auto_lock_in_its_modal_dialog(qtbot, world):
    """The real thing: the dialog runs modally (exec), the idle timer fires inside it."""
    folder, first, _second = world
    window = open_window(qtbot, folder)
    show(window, first)
    history = window.client_page.history_tab
    seen = []

    def type_then_go_idle():
        dialog = QApplication.activeModalWidget()
        seen.append(type(dialog))
        dialog.widgets["left"].setText("03/03/2019")
        dialog.widgets["reason"].setText("funeral of an aunt")
        window.idle.idle.emit()

    QTimer.singleShot(0, type_then_go_idle)
    history.add_record("absence")  # returns once the lock has closed the dialog
    assert seen == [RecordDialog]
    qtbot.waitUntil(lambda: window.store.locked, timeout=5_000)
    message = window.unlock_page.message.text()
    assert f"an 'Add trip abroad' form for client {first}" in message
    no_client_data(message)
    assert "funeral" not in message
    unlock(qtbot, window)
    show(window, first)
    banner = window.client_page.draft_banner
    assert banner.isVisibleTo(window.client_page)
    assert banner.kinds() == ["history_record"]
    opened = []

    def finish(dialog):
        opened.append(dict(dialog.field_texts()))
        dialog.widgets["returned"].setText("20/03/2019")
        dialog.accept()
        return QDialog.result(dialog) == QDialog.DialogCode.Accepted

    history.run_dialog = finish
    banner.button("history_record", "restore").click()
    assert opened[0]["left"] == "03/03/2019" and opened[0]["reason"] == "funeral of an aunt"
    with window.store.read_session() as s:
        trips = load_history(s, first).absences
    assert Absence(date(2019, 3, 3), date(2019, 3, 20), "funeral of an aunt") in trips
    assert kept(window, first) == {}
    assert not banner.isVisibleTo(window.client_page)


@pytest.mark.parametrize(
    ("kind", "field", "typed"),
    [
        ("permission", "start", "01/09/2016"),
        ("application", "made", "05/08/2016"),
        ("absence", "reason", "wedding"),
        ("custody", "start", "01/02/2017"),
    ],
)
def test_every_history_record_dialog_is_kept_over_a_lock(qtbot, world, kind, field, typed):
    folder, first, _second = world
    window = open_window(qtbot, folder)
    show(window, first)
    history = window.client_page.history_tab
    history.run_dialog = lambda dialog: lock_while_open(
        window, dialog, lambda d: d.widgets[field].setText(typed)
    )
    history.add_record(kind)
    wait_locked(qtbot, window)
    title = RecordDialog(kind).windowTitle()
    assert f"an '{title}' form for client {first}" in window.unlock_page.message.text()
    unlock(qtbot, window)
    show(window, first)
    opened = []
    history.run_dialog = lambda dialog: opened.append(dialog.field_value(field)) or False
    window.client_page.draft_banner.button("history_record", "restore").click()
    assert len(opened) == 1
    value = opened[0]
    assert (value if isinstance(value, str) else value.strftime("%d/%m/%Y")) == typed
    assert kept(window, first) == {}  # cancelled: the draft went


def test_an_edit_dialog_kept_over_a_lock_edits_the_same_record(qtbot, world):
    folder, first, _second = world
    window = open_window(qtbot, folder)
    show(window, first)
    history = window.client_page.history_tab
    history.run_dialog = lambda dialog: lock_while_open(
        window, dialog, lambda d: d.widgets["reason"].setText("visit family and a wedding")
    )
    history.edit_record("absence", 0)
    wait_locked(qtbot, window)
    assert "an 'Edit trip abroad' form" in window.unlock_page.message.text()
    unlock(qtbot, window)
    show(window, first)

    def save(dialog):
        assert dialog.index == 0
        dialog.accept()
        return True

    history.run_dialog = save
    window.client_page.draft_banner.button("history_record", "restore").click()
    with window.store.read_session() as s:
        trips = load_history(s, first).absences
    assert [t.reason for t in trips] == ["visit family and a wedding"]


def test_a_kept_edit_whose_record_has_gone_comes_back_as_a_new_record(qtbot, world):
    folder, first, _second = world
    window = open_window(qtbot, folder)
    show(window, first)
    history = window.client_page.history_tab
    history.run_dialog = lambda dialog: lock_while_open(
        window, dialog, lambda d: d.widgets["reason"].setText("typed into an edit")
    )
    history.edit_record("absence", 0)
    wait_locked(qtbot, window)
    unlock(qtbot, window)
    show(window, first)
    history.delete_record("absence", 0)
    opened = []
    history.run_dialog = lambda dialog: opened.append((dialog.index, dialog.windowTitle())) or False
    window.client_page.draft_banner.button("history_record", "restore").click()
    assert opened == [(None, "Add trip abroad")]  # nothing else is overwritten
    assert "has changed since" in history.status.text()


def test_a_dialog_its_opener_did_not_mark_is_not_kept(qtbot):
    dialog = RecordDialog("household")
    qtbot.addWidget(dialog)
    dialog.widgets["name"].setText("Somebody")
    assert dialog.draft_payload() is not None  # it could give one…
    assert kept_drafts.from_dialog(dialog, 3) is None  # …but no opener asked for it


def test_the_code_that_opened_a_dialog_finishes_before_the_page_is_cleared(qtbot, world):
    """The lock's first step shows the unlock page at once; the client data goes only once
    the dialog's exec() has returned and its opener has finished with it."""
    folder, first, _second = world
    window = open_window(qtbot, folder)
    show(window, first)
    seen = []

    def run(dialog):
        accepted = lock_while_open(window, dialog, lambda d: d.widgets["reason"].setText("x"))
        seen.append(
            (
                window.stack.currentWidget() is window.unlock_page,
                window.client_page.current_client_id(),
                window.store.locked,
                window.unlocked,
            )
        )
        return accepted

    window.client_page.history_tab.run_dialog = run
    window.client_page.history_tab.add_record("absence")
    assert seen == [(True, first, False, False)]
    wait_locked(qtbot, window)
    assert window.client_page.current_client_id() is None


def test_an_untouched_dialog_keeps_no_draft(qtbot, world):
    folder, first, _second = world
    window = open_window(qtbot, folder)
    show(window, first)
    history = window.client_page.history_tab
    history.run_dialog = lambda dialog: lock_while_open(window, dialog, lambda d: None)
    history.add_record("absence")
    wait_locked(qtbot, window)
    assert window.unlock_page.message.text() == "Locked."
    unlock(qtbot, window)
    assert kept(window, first) == {}


def test_discard_in_the_banner_forgets_the_draft(qtbot, world):
    folder, first, _second = world
    window = open_window(qtbot, folder)
    show(window, first)
    history = window.client_page.history_tab
    history.run_dialog = lambda dialog: lock_while_open(
        window, dialog, lambda d: d.widgets["reason"].setText("to forget")
    )
    history.add_record("absence")
    wait_locked(qtbot, window)
    unlock(qtbot, window)
    show(window, first)
    window.client_page.draft_banner.button("history_record", "discard").click()
    assert kept(window, first) == {}
    show(window, first)
    assert window.client_page.draft_banner.kinds() == []


# ---- the Checklists tab's prompts -------------------------------------------------------------


def _checklists(window):
    tab = window.client_page.checklists_tab
    assert tab.select_item("passport")
    return tab


@pytest.mark.parametrize(
    ("action", "dialog_type", "kind", "type_in", "read_back"),
    [
        (
            "toggle_not_needed",
            NotNeededDialog,
            kept_drafts.CHECKLIST_REASON,
            lambda d: d.reason.setText("Holds no passport; asylum claim"),
            lambda d: d.reason.text() == "Holds no passport; asylum claim",
        ),
        (
            "change_date",
            ReceivedDateDialog,
            kept_drafts.CHECKLIST_DATE,
            lambda d: d.field.setText("02/01/2020"),
            lambda d: d.field.text() == "02/01/2020",
        ),
        (
            "add_item",
            NewItemDialog,
            kept_drafts.CHECKLIST_ITEM,
            lambda d: d.text.setText("A letter from the GP"),
            lambda d: d.text.text() == "A letter from the GP",
        ),
    ],
)
def test_every_checklist_prompt_is_kept_over_a_lock(
    qtbot, world, action, dialog_type, kind, type_in, read_back
):
    folder, first, _second = world
    window = open_window(qtbot, folder)
    show(window, first)
    tab = _checklists(window)
    opened = []

    def lock_inside(dialog):
        opened.append(type(dialog))
        return lock_while_open(window, dialog, type_in)

    tab.run_dialog = lock_inside
    getattr(tab, action)()
    assert opened == [dialog_type]
    wait_locked(qtbot, window)
    words = kept_drafts.LABELS[kind]
    assert f"{words} for client {first}" in window.unlock_page.message.text()
    unlock(qtbot, window)
    show(window, first)
    checks = []

    def look(dialog):
        checks.append(read_back(dialog))
        dialog.accept()
        return True

    tab.run_dialog = look
    window.client_page.draft_banner.button(kind, "restore").click()
    assert checks == [True]
    assert kept(window, first) == {}
    with window.store.read_session() as s:
        items = cs.lists_of(s, first)[0].items
    if kind == kept_drafts.CHECKLIST_REASON:
        assert next(i for i in items if i.item_id == "passport").na_reason.startswith("Holds no")
    elif kind == kept_drafts.CHECKLIST_DATE:
        assert next(i for i in items if i.item_id == "passport").received_on == date(2020, 1, 2)
    else:
        assert any(i.text == "A letter from the GP" for i in items)


# ---- the Statements tab: the paper statement grid and the flag review -------------------------


def _statements_ready(qtbot, window):
    tab = window.client_page.statements_tab
    qtbot.waitUntil(lambda: tab.review() is not None and bool(tab.review().flags), timeout=10_000)
    tab.accounts.selectRow(0)
    return tab


def test_a_paper_statement_being_typed_in_is_kept_over_a_lock(qtbot, world):
    folder, first, _second = world
    window = open_window(qtbot, folder)
    show(window, first)
    tab = _statements_ready(qtbot, window)

    def type_in(dialog):
        dialog.from_field.setText("01/08/2025")
        dialog.to_field.setText("31/08/2025")
        dialog.grid.item(0, 0).setText("02/08/2025")
        dialog.grid.item(0, 1).setText("CORNER SHOP")
        dialog.grid.item(0, 3).setText("4.20")

    page = window.client_page
    page.run_statements_dialog = lambda dialog: lock_while_open(window, dialog, type_in)
    tab.type_in_statement()
    wait_locked(qtbot, window)
    message = window.unlock_page.message.text()
    assert f"a paper statement being typed in for client {first}" in message
    assert "CORNER" not in message
    unlock(qtbot, window)
    show(window, first)
    tab = _statements_ready(qtbot, window)
    opened = []

    def save(dialog):
        assert isinstance(dialog, StatementGridDialog)
        opened.append(dialog.lines()[0])
        dialog.accept()
        return QDialog.result(dialog) == QDialog.DialogCode.Accepted

    page.run_statements_dialog = save
    with qtbot.waitSignal(tab.statement_added, timeout=10_000):  # added off the UI thread
        page.draft_banner.button(kept_drafts.STATEMENT_GRID, "restore").click()
    assert opened == [["2 Aug 2025", "CORNER SHOP", "", "4.20", ""]]
    with window.store.read_session() as s:
        descriptions = [t.description for t in st.review_inputs(s, first).txns]
    assert "CORNER SHOP" in descriptions
    assert kept(window, first) == {}


def test_a_flag_explanation_typed_and_not_saved_is_kept_over_a_lock(qtbot, world):
    folder, first, _second = world
    window = open_window(qtbot, folder)
    show(window, first)
    tab = _statements_ready(qtbot, window)
    page = window.client_page
    chosen = {}

    def type_in(dialog):
        chosen["txn"] = dialog.current_flag().txn.key
        dialog.text.setText("Birthday money from my uncle")
        dialog.counterparty.setText("Uncle")

    page.run_statements_dialog = lambda dialog: lock_while_open(window, dialog, type_in)
    tab.review_flags()
    wait_locked(qtbot, window)
    message = window.unlock_page.message.text()
    assert f"an explanation of a flagged payment for client {first}" in message
    assert "uncle" not in message.lower()
    unlock(qtbot, window)
    show(window, first)
    _statements_ready(qtbot, window)
    shown = []

    def look(dialog):
        assert isinstance(dialog, FlagReviewDialog)
        shown.append(
            (dialog.current_flag().txn.key, dialog.text.text(), dialog.counterparty.text())
        )
        dialog.save_and_next()
        dialog.accept()
        return True

    page.run_statements_dialog = look
    page.draft_banner.button(kept_drafts.FLAG_REVIEW, "restore").click()
    assert shown == [(chosen["txn"], "Birthday money from my uncle", "Uncle")]
    with window.store.read_session() as s:
        explanations = st.review_inputs(s, first).explanations
    assert explanations[chosen["txn"]].text == "Birthday money from my uncle"
    assert kept(window, first) == {}


# ---- one lock, several editors; the unlock hint ----------------------------------------------


def test_the_lock_screen_lists_every_kept_draft_by_kind_and_client(qtbot, world):
    folder, first, _second = world
    window = open_window(qtbot, folder)
    show(window, first)
    page = window.client_page
    page.details_tab.form.widgets["nationality"].setText("Fictionalian")
    page.notes_tab.editor.setPlainText("a note")
    page.history_tab.run_dialog = lambda dialog: lock_while_open(
        window, dialog, lambda d: d.widgets["reason"].setText("x")
    )
    page.history_tab.add_record("absence")
    wait_locked(qtbot, window)
    message = window.unlock_page.message.text()
    assert message == (
        f"Locked. Kept as unsaved drafts, encrypted: changes to the details, a case note and an "
        f"'Add trip abroad' form for client {first}. They come back when the client is opened."
    )
    unlock(qtbot, window)
    assert f"Unsaved drafts are kept for client {first}" in window.statusBar().currentMessage()


# ---- quitting ---------------------------------------------------------------------------------


def test_quit_with_nothing_typed_asks_nothing(qtbot, world, monkeypatch):
    folder, first, _second = world
    window = open_window(qtbot, folder)
    show(window, first)
    monkeypatch.setattr(prompts, "confirm_quit", lambda *a, **k: pytest.fail("asked"))
    window.request_quit()
    assert not window.isVisible() and window.store is None


def test_quit_with_a_typed_note_asks_once_and_keeps_it(qtbot, world, monkeypatch):
    folder, first, _second = world
    window = open_window(qtbot, folder)
    show(window, first)
    window.client_page.notes_tab.editor.setPlainText("Typed before quitting")
    questions = []
    monkeypatch.setattr(
        prompts, "confirm_quit", lambda _p, text, *a, **k: questions.append(text) or True
    )
    window.request_quit()
    assert len(questions) == 1
    assert f"a case note for client {first}" in questions[0]
    assert "kept as an encrypted draft" in questions[0]
    assert not window.isVisible() and window.store is None
    store = Store.open(folder, PASSPHRASE)
    try:
        with store.read_session() as s:
            assert drafts.get(s, first, "note") == {"text": "Typed before quitting"}
    finally:
        store.close()


def test_quit_cancelled_keeps_the_window_and_the_text(qtbot, world, monkeypatch):
    folder, first, _second = world
    window = open_window(qtbot, folder)
    show(window, first)
    window.client_page.notes_tab.editor.setPlainText("Still typing")
    monkeypatch.setattr(prompts, "confirm_quit", lambda *a, **k: False)
    window.request_quit()
    assert window.isVisible() and window.unlocked
    assert window.client_page.notes_tab.editor.toPlainText() == "Still typing"


def test_quit_when_the_draft_cannot_be_kept_asks_again_with_cancel_as_default(
    qtbot, world, monkeypatch
):
    folder, first, _second = world
    window = open_window(qtbot, folder)
    show(window, first)
    window.client_page.notes_tab.editor.setPlainText("y" * (drafts.MAX_DRAFT_BYTES + 1))
    asked = []

    def answer(_parent, text, *args, **kwargs):
        asked.append((text, kwargs.get("quit_is_default", True)))
        return len(asked) == 1  # Quit to the first, Cancel to the second

    monkeypatch.setattr(prompts, "confirm_quit", answer)
    window.request_quit()
    assert len(asked) == 2
    assert "could not be kept" in asked[1][0] and asked[1][1] is False
    assert window.isVisible()


def test_switching_adviser_keeps_a_typed_note(qtbot, world, monkeypatch):
    folder, first, _second = world
    window = open_window(qtbot, folder)
    show(window, first)
    window.client_page.notes_tab.editor.setPlainText("Typed, then the adviser changed")
    monkeypatch.setattr(window, "_ask_adviser", lambda _names: True)
    window.switch_adviser()
    assert window.client_page.notes_tab.editor.toPlainText() == "Typed, then the adviser changed"


def test_a_trip_whose_save_fails_is_kept_as_a_draft(qtbot, world, monkeypatch):
    """The store could not be written when the trip was saved: what was typed is kept and
    offered again, never dropped with the closed dialog."""
    from desktop.ui import history_tab as history_module

    folder, first, _second = world
    window = open_window(qtbot, folder)
    show(window, first)
    history = window.client_page.history_tab

    def broken(*_args, **_kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(history_module, "save_history", broken)

    def fill(dialog):
        dialog.widgets["left"].setText("03/03/2019")
        dialog.widgets["returned"].setText("20/03/2019")
        dialog.widgets["reason"].setText("funeral of an aunt")
        dialog.accept()
        return True

    history.run_dialog = fill
    history.add_record("absence")
    assert history.status.text().startswith("Not saved")
    assert "kept as a draft" in history.status.text()
    assert window.client_page.draft_banner.kinds() == ["history_record"]
    with window.store.read_session() as s:
        kept = drafts.get(s, first, "history_record")
    assert "funeral of an aunt" in str(kept)


def test_a_typed_in_statement_whose_insert_fails_is_kept_to_restore(qtbot, world, monkeypatch):
    """The lines are added in the background after the dialog closes; if that fails, what was
    typed is not lost: it stays a kept draft and the banner offers it back."""
    from desktop.ui import statements_tab as statements_module

    folder, first, _second = world
    window = open_window(qtbot, folder)
    show(window, first)
    tab = _statements_ready(qtbot, window)

    def broken(*_args, **_kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(statements_module, "add_statement_work", broken)

    def type_and_save(dialog):
        dialog.from_field.setText("01/08/2025")
        dialog.to_field.setText("31/08/2025")
        dialog.grid.item(0, 0).setText("02/08/2025")
        dialog.grid.item(0, 1).setText("CORNER SHOP")
        dialog.grid.item(0, 3).setText("4.20")
        dialog.accept()
        return True

    window.client_page.run_statements_dialog = type_and_save
    with qtbot.waitSignal(tab.statement_added, timeout=10_000):
        tab.type_in_statement()
    assert tab.status.text().startswith("Not saved")
    assert kept_drafts.STATEMENT_GRID in kept(window, first)
    assert window.client_page.draft_banner.button(kept_drafts.STATEMENT_GRID, "restore")
