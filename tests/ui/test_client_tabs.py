"""Issue 19: one contract for the client tabs (listed once), one "client changed" message they
react to, saving an absence as one write with the reloads off the UI thread, and a statement
typed in added off the UI thread."""

import threading
from datetime import date

import pytest
from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDialog, QWidget

from desktop.rules.history import Absence, History, Permission
from desktop.store import statements as st
from desktop.store.repository import (
    ClientDetails,
    HouseholdEntry,
    create_client,
    load_history,
    save_history,
    set_household,
)
from desktop.ui import client_page, statements_tab
from desktop.ui.account_dialog import AccountDialog
from desktop.ui.client_page import TABS, ClientPage
from desktop.ui.client_tab import (
    ALL_KINDS,
    CHECKLISTS,
    DETAILS,
    HISTORY,
    NOTES,
    ClientChanges,
    ClientTab,
)
from desktop.ui.statement_grid_dialog import StatementGridDialog
from desktop.ui.widgets import form_feedback

TODAY = date(2024, 6, 1)
HISTORY_BEFORE = History(
    permissions=(Permission("skilled_worker", date(2016, 9, 1), date(2026, 8, 31)),),
)
TRIP = Absence(date(2023, 3, 1), date(2023, 3, 10), "visit family")


@pytest.fixture(autouse=True)
def say_yes(monkeypatch):
    monkeypatch.setattr(form_feedback, "confirm", lambda *a, **k: True)


@pytest.fixture
def client_id(store):
    with store.session() as s:
        cid = create_client(
            s, ClientDetails(full_name="Amina Testcase", date_of_birth=date(1990, 5, 1)), "Setup"
        )
        save_history(s, cid, HISTORY_BEFORE, "Setup")
        set_household(s, cid, [HouseholdEntry("Kojo Testcase", "son")], "Setup")
    return cid


def open_page(qtbot, store, client_id) -> ClientPage:
    page = ClientPage()
    qtbot.addWidget(page)
    page.set_context(store, "Sam Adviser", lambda: TODAY)
    page.show_client(client_id)
    page.show()
    return page


# ---- one contract, the tabs listed once ---------------------------------------------------------


class ExtraTab(QWidget):
    """A tab added by one line in `TABS`: nothing else in the page is touched."""

    tab_title = "Extra"
    reacts_to = frozenset({HISTORY})
    writes = {"extra_saved": frozenset({NOTES})}
    extra_saved = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.calls: list[tuple] = []

    def set_context(self, store, adviser, today_provider=date.today) -> None:
        self.calls.append(("set_context", adviser))

    def load(self, client_id: int) -> None:
        self.calls.append(("load", client_id))

    def clear(self) -> None:
        self.calls.append(("clear",))


def test_every_tab_keeps_the_one_contract():
    titles = []
    for name, tab_class in TABS:
        tab = tab_class()
        assert isinstance(tab, ClientTab), name
        assert isinstance(tab.tab_title, str) and tab.tab_title
        assert tab.reacts_to <= ALL_KINDS, name
        for signal_name, kinds in tab.writes.items():
            assert hasattr(tab, signal_name) and kinds <= ALL_KINDS, (name, signal_name)
        titles.append(tab.tab_title)
        tab.deleteLater()
    assert titles == [
        "Details",
        "Household",
        "History",
        "Residence",
        "Notes",
        "Statements",
        "Checklists",
        "Casework",
    ]


def test_adding_a_tab_is_one_entry_in_TABS(qtbot, store, client_id, monkeypatch):
    monkeypatch.setattr(client_page, "TABS", (*TABS, ("extra_tab", ExtraTab)))
    page = open_page(qtbot, store, client_id)
    extra = page.extra_tab
    # Shown as the ninth tab, with its title, tooltip, accessible name and Ctrl+8.
    index = page.tabs.indexOf(extra)
    assert index == 8 and page.tabs.tabText(index) == "Extra"
    assert page.tabs.tabToolTip(index) == "Extra (Ctrl+9)"
    assert extra.accessibleName() == "Extra tab"
    # Given the context, loaded with the client, cleared with the page.
    assert ("set_context", "Sam Adviser") in extra.calls
    assert ("load", client_id) in extra.calls
    page.show_tab(index)
    assert page.tabs.currentWidget() is extra
    # It hears the changes it reacts to (a tab without an off-thread read is loaded again).
    extra.calls.clear()
    page.history_tab.apply_record("absence", None, TRIP)
    assert extra.calls == [("load", client_id)]
    # What it writes is broadcast like any tab's write.
    with qtbot.waitSignal(page.changes_broadcast) as heard:
        extra.extra_saved.emit()
    assert heard.args == [ClientChanges(client_id, frozenset({NOTES}))]
    page.clear()
    assert ("clear",) in extra.calls


def test_client_changes_names_only_known_kinds():
    changes = ClientChanges(3, {HISTORY})
    assert changes.kinds == frozenset({HISTORY})
    assert changes.touches({HISTORY, DETAILS}) and not changes.touches({CHECKLISTS})
    with pytest.raises(ValueError, match="unknown kind"):
        ClientChanges(3, {"histroy"})


# ---- one "client changed" message -----------------------------------------------------------


def test_a_history_save_is_one_message_and_the_tabs_that_react_reload(qtbot, store, client_id):
    page = open_page(qtbot, store, client_id)
    loads = []
    page.household_tab.load = lambda cid: loads.append(("household", cid))
    page.details_tab.load = lambda cid: loads.append(("details", cid))
    with qtbot.waitSignal(page.tabs_reloaded, timeout=10_000):
        with qtbot.waitSignal(page.changes_broadcast) as heard:
            assert page.history_tab.apply_record("absence", None, TRIP) == []
    assert heard.args == [ClientChanges(client_id, frozenset({HISTORY}))]
    assert page.residence_tab._history.absences == (TRIP,)
    assert page.checklists_tab._history.absences == (TRIP,)
    assert page.notes_tab.audit.item(0, 2).text() == "History changed"
    assert loads == []  # the Details and Household tabs do not react to the history


def test_a_details_save_reloads_the_header_and_the_history_off_the_ui_thread(
    qtbot, store, client_id
):
    page = open_page(qtbot, store, client_id)
    page.details_tab.form.widgets["full_name"].setText("Amina Renamed")
    with qtbot.waitSignal(page.tabs_reloaded, timeout=10_000):
        assert page.details_tab.save()
    assert page.name_label.text() == "Amina Renamed"
    assert page.checklists_tab._client_name == "Amina Renamed"
    assert page.residence_tab._client_name == "Amina Renamed"


def test_a_reload_overtaken_by_a_newer_write_of_that_tab_is_dropped(qtbot, store, client_id):
    page = open_page(qtbot, store, client_id)
    shown = []
    notes_show = page.notes_tab.show_reloaded
    page.notes_tab.show_reloaded = lambda cid, found: (
        shown.append("notes") or notes_show(cid, found)
    )
    residence_show = page.residence_tab.show_reloaded
    page.residence_tab.show_reloaded = lambda cid, found: (
        shown.append("residence") or residence_show(cid, found)
    )
    with qtbot.waitSignal(page.tabs_reloaded, timeout=10_000):
        page.history_tab.apply_record("absence", None, TRIP)  # the reads start...
        page.notes_tab.editor.setPlainText("Advised on travel.")
        assert page.notes_tab.add_current_note()  # ...and the Notes tab shows newer first
    qtbot.waitUntil(lambda: "residence" in shown, timeout=10_000)
    assert "notes" not in shown  # its older read was dropped
    assert "Advised on travel." in page.notes_tab.note_texts()[0]


def test_a_reload_for_a_client_no_longer_shown_is_dropped(qtbot, store, client_id):
    page = open_page(qtbot, store, client_id)
    shown = []
    page.residence_tab.show_reloaded = lambda cid, found: shown.append(cid)
    page.history_tab.apply_record("absence", None, TRIP)
    page.clear()  # the window locks before the reads come back
    with qtbot.assertNotEmitted(page.tabs_reloaded, wait=500):
        pass
    assert shown == []


# ---- saving one absence: one write, the reloads off the UI thread ------------------------------


def test_saving_one_absence_is_one_write_and_the_reloads_are_read_off_the_ui_thread(
    qtbot, store, client_id, monkeypatch
):
    page = open_page(qtbot, store, client_id)
    qtbot.waitUntil(lambda: not page.history_tab.is_working_out_verdicts(), timeout=10_000)
    opened = []

    def counted(kind, original):
        def open_one(*args, **kwargs):
            on_ui = threading.current_thread() is threading.main_thread()
            opened.append((kind, "ui" if on_ui else "pool"))
            return original(*args, **kwargs)

        return open_one

    monkeypatch.setattr(store, "session", counted("write", store.session))
    monkeypatch.setattr(store, "read_session", counted("read", store.read_session))
    with qtbot.waitSignal(page.tabs_reloaded, timeout=10_000):
        assert page.history_tab.apply_record("absence", None, TRIP) == []
    qtbot.waitUntil(lambda: not page.residence_tab.is_working(), timeout=10_000)
    assert opened == [("write", "ui"), ("read", "pool")]
    with store.read_session() as s:
        assert load_history(s, client_id).absences == (TRIP,)
    assert page.history_tab.history().absences == (TRIP,)


# ---- a statement typed in is added off the UI thread, with progress ---------------------------


def test_a_statement_typed_in_is_added_off_the_ui_thread_with_progress(
    qtbot, store, client_id, monkeypatch
):
    page = open_page(qtbot, store, client_id)
    tab = page.statements_tab
    qtbot.waitUntil(lambda: tab.review() is not None, timeout=10_000)

    def add_account(dialog):
        assert isinstance(dialog, AccountDialog)
        dialog.holder.setCurrentText("Amina Testcase")
        dialog.bank.setText("Monzo")
        dialog.accept()
        return True

    tab.run_dialog = add_account
    tab.add_account()
    tab.accounts.selectRow(0)
    threads = []
    adding = st.add_statement

    def add_statement(*args, **kwargs):
        threads.append(threading.current_thread() is threading.main_thread())
        return adding(*args, **kwargs)

    monkeypatch.setattr(st, "add_statement", add_statement)
    progress = []
    original_operation = statements_tab.Operation

    class Watched(original_operation):
        def __init__(self, parent, title, work, show_progress=True):
            progress.append((title, show_progress))
            super().__init__(parent, title, work, show_progress)

    monkeypatch.setattr(statements_tab, "Operation", Watched)

    def type_in(dialog):
        assert isinstance(dialog, StatementGridDialog)
        dialog.from_field.setText("01/08/2023")
        dialog.to_field.setText("31/08/2023")
        dialog.grid.item(0, 0).setText("02/08/2023")
        dialog.grid.item(0, 1).setText("CORNER SHOP")
        dialog.grid.item(0, 3).setText("4.20")
        dialog.accept()
        return QDialog.result(dialog) == QDialog.DialogCode.Accepted

    tab.run_dialog = type_in
    with qtbot.waitSignal(tab.statement_added, timeout=10_000):
        tab.type_in_statement()
    assert threads == [False]  # the insert ran on a pool thread
    assert ("Adding the statement", True) in progress  # with a progress dialog
    assert "Paper statement: added 1 line(s)" in tab.status.text()
    with store.read_session() as s:
        assert [t.description for t in st.review_inputs(s, client_id).txns] == ["CORNER SHOP"]
