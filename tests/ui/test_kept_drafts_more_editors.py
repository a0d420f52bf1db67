"""Issue 15 follow-up: the last three editors that could still lose typed work (the Household
member form, the New client form and Plan a trip) keep it as an encrypted draft over a lock
(Ctrl+L, the idle auto-lock), a quit or an error, and offer it back after unlocking. The lock
screen names the form, never what was typed. The draft goes when the form is saved or
cancelled."""

from datetime import date

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QDialog
from shiboken6 import isValid

from desktop.rules.history import Absence, History, Permission
from desktop.store import drafts
from desktop.store.database import Store
from desktop.store.lock import InstanceLock
from desktop.store.repository import (
    ClientDetails,
    HouseholdEntry,
    create_client,
    get_client,
    household_of,
    list_summaries,
    load_history,
    save_history,
    set_household,
)
from desktop.ui import household_tab as household_module
from desktop.ui import kept_drafts, prompts
from desktop.ui.household_tab import CHANGED_SINCE
from desktop.ui.intake_dialog import RESTORED, IntakeDialog
from desktop.ui.kept_drafts import HOUSEHOLD_MEMBER, NEW_CLIENT, PLAN_TRIP, Draft
from desktop.ui.main_window import NEW_CLIENT_WAITING, MainWindow, lock_message
from desktop.ui.plan_trip_dialog import PlanTripDialog
from desktop.ui.record_dialog import RecordDialog
from desktop.ui.shortcuts_dialog import ShortcutsDialog
from desktop.ui.widgets import form_feedback

CHEAP_KDF = {"time_cost": 1, "memory_cost_kib": 8192, "parallelism": 1}
PASSPHRASE = "more drafts test passphrase"
NAME = "Ximena Draftholder"
MEMBER = "Zainab Householdmember"
NEWCOMER = "Quentin Newcomerperson"
TODAY = date(2025, 12, 1)
LABEL = kept_drafts.LABELS[NEW_CLIENT]


@pytest.fixture(autouse=True)
def say_yes(monkeypatch):
    monkeypatch.setattr(form_feedback, "confirm", lambda *a, **k: True)


@pytest.fixture
def world(tmp_path):
    """A store with one client: a permission up to 2027, a trip, and one household member."""
    folder = tmp_path / "data"
    store = Store.create(folder, PASSPHRASE, CHEAP_KDF)
    with store.session() as s:
        first = create_client(s, ClientDetails(full_name=NAME, home_office_ref="X1234567"), "Setup")
        save_history(
            s,
            first,
            History(
                permissions=(Permission("skilled_worker", date(2020, 9, 1), date(2027, 8, 31)),),
                absences=(Absence(date(2021, 1, 10), date(2021, 2, 1), "visit family"),),
            ),
            "Setup",
        )
        set_household(s, first, [HouseholdEntry("Bilal Draftholder", "Child")], "Setup")
    store.close()
    return folder, first


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
    window.unlock_page.unlock_requested.emit(PASSPHRASE)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.workspace, timeout=10_000)


def show(window, client_id):
    window._show_client(client_id)
    assert window.client_page.current_client_id() == client_id


def kept(window, client_id):
    with window.store.read_session() as s:
        return {kind: drafts.get(s, client_id, kind) for kind in drafts.kinds(s, client_id)}


def kept_new_client(window):
    with window.store.read_session() as s:
        return kept_drafts.new_client_draft(s)


def no_typed_data(message, *typed):
    for secret in (NAME, "Ximena", "Draftholder", "X1234567", *typed):
        assert secret not in message


def lock_while_open(window, dialog, type_in, idle=False):
    """A tab's run_dialog stand-in: the dialog runs modally as in the app; once it is on screen
    something is typed into it and the window locks (Ctrl+L, or the idle timer firing)."""

    def then():
        type_in(dialog)
        if idle:
            window.idle.idle.emit()  # the auto-lock, emitted directly
        else:
            window.lock_action.trigger()  # File > Lock (Ctrl+L)

    QTimer.singleShot(0, then)
    return dialog.exec() == QDialog.DialogCode.Accepted


def wait_locked(qtbot, window):
    """The lock's second step runs once the dialog's exec() has returned."""
    qtbot.waitUntil(lambda: window.store.locked, timeout=5_000)


def in_the_modal(action):
    """Run `action(dialog)` on the modal dialog once it is on screen (New client runs exec())."""
    seen = []

    def then():
        dialog = QApplication.activeModalWidget()
        seen.append(dialog)
        try:
            action(dialog)
        finally:
            if isValid(dialog) and dialog.isVisible():  # a failed check never leaves it open
                dialog.done(QDialog.DialogCode.Rejected)

    QTimer.singleShot(0, then)
    return seen


# ---- 1. the Household member form ------------------------------------------------------------


def test_a_half_filled_household_member_form_is_kept_over_a_lock_and_saved_after(qtbot, world):
    folder, first = world
    window = open_window(qtbot, folder)
    show(window, first)
    tab = window.client_page.household_tab

    def type_in(dialog):
        assert isinstance(dialog, RecordDialog) and dialog.kind == "household"
        dialog.widgets["name"].setText(MEMBER)
        dialog.widgets["date_of_birth"].setText("03/04/20")  # half-typed: kept as typed

    tab.run_dialog = lambda dialog: lock_while_open(window, dialog, type_in)
    tab.add_member()
    wait_locked(qtbot, window)
    message = window.unlock_page.message.text()
    assert f"an 'Add household member' form for client {first}" in message
    no_typed_data(message, MEMBER, "Zainab")
    unlock(qtbot, window)
    show(window, first)
    banner = window.client_page.draft_banner
    assert banner.kinds() == [HOUSEHOLD_MEMBER]
    opened = []

    def finish(dialog):
        opened.append(dict(dialog.field_texts()))
        dialog.widgets["date_of_birth"].setText("03/04/2020")
        dialog.widgets["relationship_to_client"].setEditText("Child")
        dialog.accept()
        return QDialog.result(dialog) == QDialog.DialogCode.Accepted

    tab.run_dialog = finish
    banner.button(HOUSEHOLD_MEMBER, "restore").click()
    assert window.client_page.tabs.currentWidget() is tab
    assert opened[0]["name"] == MEMBER and opened[0]["date_of_birth"] == "03/04/20"
    with window.store.read_session() as s:
        members = household_of(s, first)
    assert HouseholdEntry(MEMBER, "Child", date(2020, 4, 3)) in members
    assert kept(window, first) == {}  # saved: the draft went
    assert not banner.isVisibleTo(window.client_page)


def test_a_restored_household_member_form_cancelled_forgets_its_draft(qtbot, world):
    folder, first = world
    window = open_window(qtbot, folder)
    show(window, first)
    tab = window.client_page.household_tab
    tab.run_dialog = lambda dialog: lock_while_open(
        window, dialog, lambda d: d.widgets["name"].setText(MEMBER)
    )
    tab.add_member()
    wait_locked(qtbot, window)
    unlock(qtbot, window)
    show(window, first)
    assert HOUSEHOLD_MEMBER in kept(window, first)
    names = []
    tab.run_dialog = lambda dialog: names.append(dialog.field_value("name")) or False
    window.client_page.draft_banner.button(HOUSEHOLD_MEMBER, "restore").click()
    assert names == [MEMBER]
    assert kept(window, first) == {}  # cancelled: the draft went
    with window.store.read_session() as s:
        assert [m.name for m in household_of(s, first)] == ["Bilal Draftholder"]


def test_a_kept_household_edit_edits_the_same_member_or_opens_as_new_if_changed(qtbot, world):
    folder, first = world
    window = open_window(qtbot, folder)
    show(window, first)
    tab = window.client_page.household_tab
    tab.table.selectRow(0)
    tab.run_dialog = lambda dialog: lock_while_open(
        window, dialog, lambda d: d.widgets["relationship_to_client"].setEditText("Stepchild")
    )
    tab.edit_selected()
    wait_locked(qtbot, window)
    assert "an 'Edit household member' form" in window.unlock_page.message.text()
    unlock(qtbot, window)
    show(window, first)
    rows = []

    def save(dialog):
        rows.append(dialog.windowTitle())
        dialog.accept()
        return True

    tab.run_dialog = save
    window.client_page.draft_banner.button(HOUSEHOLD_MEMBER, "restore").click()
    assert rows == ["Edit household member"]
    with window.store.read_session() as s:
        assert household_of(s, first) == [HouseholdEntry("Bilal Draftholder", "Stepchild")]

    # The same again, but the member is changed before the draft is restored.
    tab.table.selectRow(0)
    tab.run_dialog = lambda dialog: lock_while_open(
        window, dialog, lambda d: d.widgets["relationship_to_client"].setEditText("Son")
    )
    tab.edit_selected()
    wait_locked(qtbot, window)
    unlock(qtbot, window)
    show(window, first)
    assert tab.save_members([HouseholdEntry("Bilal Renamed", "Stepchild")])
    tab.run_dialog = lambda dialog: rows.append(dialog.windowTitle()) or False
    window.client_page.draft_banner.button(HOUSEHOLD_MEMBER, "restore").click()
    assert rows[-1] == "Add household member"  # nobody else is overwritten
    assert tab.status.text() == CHANGED_SINCE


def test_a_household_save_that_fails_keeps_what_was_typed_as_a_draft(qtbot, world, monkeypatch):
    folder, first = world
    window = open_window(qtbot, folder)
    show(window, first)
    tab = window.client_page.household_tab

    def broken(*_args, **_kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(household_module, "set_household", broken)

    def fill(dialog):
        dialog.widgets["name"].setText(MEMBER)
        dialog.accept()
        return True

    tab.run_dialog = fill
    tab.add_member()
    assert tab.status.text().startswith("Not saved")
    assert "kept as a draft" in tab.status.text()
    assert window.client_page.draft_banner.kinds() == [HOUSEHOLD_MEMBER]
    assert kept(window, first)[HOUSEHOLD_MEMBER]["fields"]["name"] == MEMBER


# ---- 2. the New client form (no client number yet) ------------------------------------------


def test_a_new_client_form_survives_the_idle_auto_lock_and_comes_back_with_new_client(qtbot, world):
    folder, first = world
    window = open_window(qtbot, folder)

    def type_then_go_idle(dialog):
        assert isinstance(dialog, IntakeDialog)
        dialog.form.widgets["full_name"].setText(NEWCOMER)
        dialog.form.widgets["date_of_birth"].setText("3/4/19")  # half-typed
        dialog.form.widgets["address"].setPlainText("1 Test Street")
        dialog.form.widgets["interpreter_needed"].setChecked(True)
        window.idle.idle.emit()  # the auto-lock, emitted directly

    seen = in_the_modal(type_then_go_idle)
    window.new_client()  # returns once the lock has closed the form
    assert len(seen) == 1
    wait_locked(qtbot, window)
    message = window.unlock_page.message.text()
    assert message == (
        "Locked. Kept as unsaved drafts, encrypted: a new-client form. They come back when "
        "New client is opened (Ctrl+N)."
    )
    no_typed_data(message, NEWCOMER, "Quentin", "Test Street")
    unlock(qtbot, window)
    said = window.statusBar().currentMessage()
    assert NEW_CLIENT_WAITING in said
    assert "Unsaved drafts are kept for" not in said  # it is no client's draft
    assert kept(window, first) == {}
    found = {}

    def look_then_save(dialog):
        found.update(dialog.form.field_texts())
        found["note"] = dialog.restored_note.text() if dialog.restored_note.isVisible() else ""
        dialog.form.widgets["date_of_birth"].setText("3/4/2019")
        dialog.save()

    in_the_modal(look_then_save)
    window.new_client()
    assert found["full_name"] == NEWCOMER
    assert found["date_of_birth"] == "3/4/19"
    assert found["address"] == "1 Test Street"
    assert found["interpreter_needed"] is True
    assert found["note"] == RESTORED
    assert kept_new_client(window) is None  # saved: the draft went in the same transaction
    with window.store.read_session() as s:
        added = [c.id for c in list_summaries(s) if c.full_name == NEWCOMER]
        assert len(added) == 1
        assert get_client(s, added[0]).date_of_birth == date(2019, 4, 3)
    assert window.client_page.current_client_id() == added[0]


def test_a_new_client_form_cancelled_forgets_its_draft(qtbot, world):
    folder, _first = world
    window = open_window(qtbot, folder)
    dialog = IntakeDialog(window.store, "Sam", window)
    dialog.form.widgets["full_name"].setText(NEWCOMER)
    window.keep_drafts([kept_drafts.from_dialog(dialog, None)])  # as a lock would
    dialog.deleteLater()
    assert kept_new_client(window) == {"fields": dialog.form.field_texts(), "_label": LABEL}
    names = []

    def look_then_cancel(dialog):
        names.append(dialog.form.widgets["full_name"].text())
        dialog.cancel_button.click()

    in_the_modal(look_then_cancel)
    window.new_client()
    assert names == [NEWCOMER]
    assert kept_new_client(window) is None
    blank = IntakeDialog(window.store, "Sam", window)
    assert not blank.form.has_text() and not blank.restored_note.isVisibleTo(blank)


def test_a_new_client_form_emptied_before_a_lock_lets_the_earlier_draft_go(qtbot, world):
    folder, _first = world
    window = open_window(qtbot, folder)
    with window.store.session() as s:
        kept_drafts.put(s, Draft(None, NEW_CLIENT, {"fields": {"full_name": NEWCOMER}}))

    def empty_then_lock(dialog):
        assert dialog.form.widgets["full_name"].text() == NEWCOMER
        dialog.form.widgets["full_name"].clear()
        window.lock()

    in_the_modal(empty_then_lock)
    window.new_client()
    wait_locked(qtbot, window)
    assert window.unlock_page.message.text() == "Locked."
    unlock(qtbot, window)
    assert kept_new_client(window) is None  # what comes back is what was on screen


def test_a_lock_never_asks_the_discard_question_of_a_typed_new_client_form(
    qtbot, world, monkeypatch
):
    folder, _first = world
    window = open_window(qtbot, folder)
    asked = []
    # Answered "Discard" so that, if it were asked, the form would still close.
    monkeypatch.setattr(form_feedback, "confirm", lambda *a, **k: asked.append(a) or True)
    in_the_modal(
        lambda d: (d.form.widgets["full_name"].setText(NEWCOMER), window.lock_action.trigger())
    )
    window.new_client()
    wait_locked(qtbot, window)
    assert asked == []
    assert "a new-client form" in window.unlock_page.message.text()


def test_the_lock_screen_names_a_client_draft_and_the_new_client_form_apart(qtbot, world):
    folder, first = world
    window = open_window(qtbot, folder)
    show(window, first)
    window.client_page.notes_tab.editor.setPlainText("a note")
    in_the_modal(
        lambda d: (d.form.widgets["full_name"].setText(NEWCOMER), window.lock_action.trigger())
    )
    window.new_client()
    wait_locked(qtbot, window)
    assert window.unlock_page.message.text() == (
        f"Locked. Kept as unsaved drafts, encrypted: a case note for client {first}; a new-client "
        "form. They come back when the client is opened; the new-client form when New client "
        "is opened (Ctrl+N)."
    )
    unlock(qtbot, window)
    said = window.statusBar().currentMessage()
    assert f"Unsaved drafts are kept for client {first}" in said and NEW_CLIENT_WAITING in said


def test_quit_with_a_typed_new_client_form_asks_once_and_keeps_it(qtbot, world, monkeypatch):
    folder, _first = world
    window = open_window(qtbot, folder)
    questions = []
    monkeypatch.setattr(
        prompts, "confirm_quit", lambda _p, text, *a, **k: questions.append(text) or True
    )
    in_the_modal(lambda d: (d.form.widgets["full_name"].setText(NEWCOMER), window.close()))
    window.new_client()
    qtbot.waitUntil(lambda: window.store is None, timeout=5_000)
    assert len(questions) == 1
    assert "a new-client form" in questions[0] and NEWCOMER not in questions[0]
    assert "comes back when New client is opened" in questions[0]
    store = Store.open(folder, PASSPHRASE)
    try:
        with store.read_session() as s:
            assert kept_drafts.new_client_draft(s)["fields"]["full_name"] == NEWCOMER
    finally:
        store.close()


def test_an_unexpected_error_keeps_an_open_new_client_form(qtbot, world):
    folder, _first = world
    window = open_window(qtbot, folder)
    words, between = [], []
    in_the_modal(
        lambda d: (
            d.form.widgets["full_name"].setText(NEWCOMER),
            words.append(window.keep_work_after_error()),
            between.append(kept_new_client(window)),
            d.reject(),
        )
    )
    window.new_client()
    assert "a new-client form" in words[0] and NEWCOMER not in words[0]
    assert between[0]["fields"]["full_name"] == NEWCOMER
    assert kept_new_client(window) is None  # then cancelled by hand: it went


# ---- 3. Plan a trip -----------------------------------------------------------------------------


def test_a_plan_a_trip_form_survives_the_idle_auto_lock_and_saves_after(qtbot, world):
    folder, first = world
    window = open_window(qtbot, folder)
    show(window, first)
    page = window.client_page
    tab = page.residence_tab
    tab.route.setCurrentIndex(tab.route.findData("settlement_skilled_worker"))

    def type_in(dialog):
        assert isinstance(dialog, PlanTripDialog)
        dialog.left_field.setText("10/03/2026")
        dialog.returned_field.setText("20/03")  # half-typed
        dialog.reason_field.setText("sister's wedding")

    tab.run_dialog = lambda dialog: lock_while_open(window, dialog, type_in, idle=True)
    tab.plan_trip()
    wait_locked(qtbot, window)
    message = window.unlock_page.message.text()
    assert f"a 'Plan a trip' form for client {first}" in message
    no_typed_data(message, "wedding")
    unlock(qtbot, window)
    show(window, first)
    assert page.draft_banner.kinds() == [PLAN_TRIP]
    assert tab.route_code() != "settlement_skilled_worker"  # the client's own route on opening
    opened = []

    def finish(dialog):
        opened.append((dialog.route, dialog.field_texts()))
        dialog.returned_field.setText("20/03/2026")
        dialog.accept()
        return QDialog.result(dialog) == QDialog.DialogCode.Accepted

    tab.run_dialog = finish
    page.draft_banner.button(PLAN_TRIP, "restore").click()
    assert page.tabs.currentWidget() is tab
    assert opened == [
        (
            "settlement_skilled_worker",
            {"left": "10/03/2026", "returned": "20/03", "reason": "sister's wedding"},
        )
    ]
    with window.store.read_session() as s:
        trips = load_history(s, first).absences
    assert Absence(date(2026, 3, 10), date(2026, 3, 20), "sister's wedding", planned=True) in trips
    assert kept(window, first) == {}  # saved: the draft went
    assert tab.status.text() == "Saved the planned trip."


def test_a_restored_plan_a_trip_cancelled_forgets_its_draft(qtbot, world):
    folder, first = world
    window = open_window(qtbot, folder)
    show(window, first)
    tab = window.client_page.residence_tab
    tab.run_dialog = lambda dialog: lock_while_open(
        window, dialog, lambda d: d.reason_field.setText("a visit")
    )
    tab.plan_trip()
    wait_locked(qtbot, window)
    assert "a 'Plan a trip' form" in window.unlock_page.message.text()
    unlock(qtbot, window)
    show(window, first)
    reasons = []
    tab.run_dialog = lambda dialog: reasons.append(dialog.reason_field.text()) or False
    window.client_page.draft_banner.button(PLAN_TRIP, "restore").click()
    assert reasons == ["a visit"]
    assert kept(window, first) == {}


def test_a_plan_a_trip_save_that_fails_keeps_what_was_typed_as_a_draft(qtbot, world):
    folder, first = world
    window = open_window(qtbot, folder)
    show(window, first)
    page = window.client_page
    tab = page.residence_tab
    tab._apply_record = lambda *_a: ["The store could not be written."]

    def fill(dialog):
        dialog.left_field.setText("10/03/2026")
        dialog.returned_field.setText("20/03/2026")
        dialog.accept()
        return True

    tab.run_dialog = fill
    assert tab.plan_trip() == ["The store could not be written."]
    assert "kept as a draft" in tab.status.text()
    assert page.draft_banner.kinds() == [PLAN_TRIP]
    assert kept(window, first)[PLAN_TRIP]["fields"]["left"] == "10/03/2026"


def test_an_untouched_plan_a_trip_keeps_no_draft(qtbot, world):
    folder, first = world
    window = open_window(qtbot, folder)
    show(window, first)
    tab = window.client_page.residence_tab
    tab.run_dialog = lambda dialog: lock_while_open(window, dialog, lambda d: None)
    tab.plan_trip()
    wait_locked(qtbot, window)
    assert window.unlock_page.message.text() == "Locked."


# ---- the words --------------------------------------------------------------------------------


def test_a_new_client_draft_is_named_alone_and_says_when_it_comes_back():
    note, form = Draft(7, "note", {}), Draft(None, NEW_CLIENT, {})
    assert kept_drafts.describe([form]) == "a new-client form"
    assert kept_drafts.describe([note, form]) == "a case note for client 7; a new-client form"
    assert kept_drafts.when_back([note]) == "when the client is opened"
    assert kept_drafts.when_back([form]) == "when New client is opened (Ctrl+N)"
    assert lock_message([note]) == (
        "Locked. Kept as unsaved drafts, encrypted: a case note for client 7. They come back "
        "when the client is opened."
    )


def test_the_shortcuts_list_says_quit_asks_only_when_something_typed_is_not_saved(qtbot, tmp_path):
    # The list is read from the window's own actions (issue 19): the Quit action says it.
    from desktop.store.lock import InstanceLock

    folder = tmp_path / "empty"
    lock = InstanceLock(folder)
    lock.acquire()
    window = MainWindow(folder, lock, ask_adviser=False)
    qtbot.addWidget(window)
    dialog = ShortcutsDialog(window, window.shortcut_rows())
    qtbot.addWidget(dialog)
    table = dialog.table
    rows = {table.item(r, 0).text(): table.item(r, 1).text() for r in range(table.rowCount())}
    assert rows["Ctrl+Q"] == "Quit (asks only when something typed is not saved)"
