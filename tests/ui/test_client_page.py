"""The client page: details, household, history and notes, each change one transaction."""

import sys
import threading
import time
import types
from dataclasses import replace
from datetime import date

import pytest
import shiboken6
from PySide6.QtCore import Qt, QThreadPool
from PySide6.QtWidgets import QWidget as QWidgetBase

from desktop.rules.history import (
    ROUTES,
    Absence,
    Application,
    Custody,
    History,
    Permission,
    Question,
)
from desktop.store.models import Client
from desktop.store.repository import (
    ClientDetails,
    HouseholdEntry,
    audit_of,
    create_client,
    get_client,
    household_of,
    load_history,
    notes_of,
    save_history,
)
from desktop.ui import details_tab
from desktop.ui.client_page import PLACEHOLDER, ClientPage
from desktop.ui.widgets import form_feedback

TODAY = date(2024, 6, 1)
HISTORY = History(
    permissions=(
        Permission("student", date(2014, 9, 1), date(2016, 8, 31), date(2014, 8, 20)),
        Permission("skilled_worker", date(2016, 9, 1), date(2021, 8, 31)),
    ),
    absences=(Absence(date(2020, 1, 10), date(2020, 2, 1), "visit family"),),
)


@pytest.fixture(autouse=True)
def say_yes(monkeypatch):
    monkeypatch.setattr(form_feedback, "confirm", lambda *a, **k: True)


@pytest.fixture
def client_id(store):
    with store.session() as s:
        cid = create_client(
            s,
            ClientDetails(
                full_name="Amina Testcase",
                date_of_birth=date(1990, 5, 1),
                home_office_ref="A1234567",
            ),
            "Setup",
        )
        save_history(s, cid, HISTORY, "Setup")
    return cid


@pytest.fixture
def page(qtbot, store, client_id):
    widget = ClientPage()
    qtbot.addWidget(widget)
    widget.set_context(store, "Sam Adviser", lambda: TODAY)
    widget.show_client(client_id)
    widget.show()
    return widget


def stored_history(store, cid):
    with store.session() as s:  # a new session: what is really in the store
        return load_history(s, cid)


def test_placeholder_until_a_client_is_picked(qtbot, store):
    widget = ClientPage()
    qtbot.addWidget(widget)
    widget.set_context(store, "Sam", lambda: TODAY)
    widget.show_client(None)
    assert widget.current_client_id() is None
    assert widget.stack.currentWidget().text() == PLACEHOLDER


def test_header_shows_name_date_of_birth_and_reference(page, client_id):
    assert page.current_client_id() == client_id
    assert page.name_label.text() == "Amina Testcase"
    assert "Born 1 May 1990" in page.facts_label.text()
    assert "A1234567" in page.facts_label.text()


def test_ctrl_number_switches_tabs(qtbot, page):
    page.activateWindow()
    qtbot.waitActive(page)
    qtbot.keyClick(page.tabs, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    assert page.tabs.currentWidget() is page.history_tab
    qtbot.keyClick(page.tabs, Qt.Key.Key_4, Qt.KeyboardModifier.AltModifier)
    assert page.tabs.currentWidget() is page.residence_tab
    qtbot.keyClick(page.tabs, Qt.Key.Key_5, Qt.KeyboardModifier.ControlModifier)
    assert page.tabs.currentWidget() is page.notes_tab


# ---- details ------------------------------------------------------------------------------------


def test_details_save_is_one_update_and_tells_the_main_window(qtbot, page, store, client_id):
    form = page.details_tab.form
    form.widgets["nationality"].setText("Fictional")
    assert page.has_unsaved_changes()
    assert page.tabs.tabText(0) == "Details *"
    with qtbot.waitSignal(page.client_changed) as signal:
        assert page.details_tab.save()
    assert signal.args == [client_id]
    assert not page.has_unsaved_changes()
    with store.session() as s:
        assert get_client(s, client_id).nationality == "Fictional"
        assert audit_of(s, client_id)[-1].summary == "changed: nationality"


def test_invalid_details_are_not_saved(page, store, client_id):
    page.details_tab.form.widgets["full_name"].setText("")
    page.details_tab.form.widgets["date_of_birth"].setText("31/02/1990")
    assert not page.details_tab.save()
    assert "Not saved" in page.details_tab.status.text()
    with store.session() as s:
        client = get_client(s, client_id)
        assert (client.full_name, client.date_of_birth) == ("Amina Testcase", date(1990, 5, 1))


def test_revert_puts_back_the_saved_details(page):
    page.details_tab.form.widgets["phone"].setText("01234 567890")
    page.details_tab.revert()
    assert page.details_tab.form.widgets["phone"].text() == ""
    assert not page.has_unsaved_changes()


def test_delete_client_needs_the_confirmation(qtbot, page, store, client_id, monkeypatch):
    monkeypatch.setattr(details_tab, "confirm_delete", lambda parent, name: False)
    assert not page.details_tab.delete()
    with store.session() as s:
        assert s.get(Client, client_id) is not None

    asked = []
    monkeypatch.setattr(
        details_tab, "confirm_delete", lambda parent, name: asked.append(name) or True
    )
    with qtbot.waitSignal(page.client_deleted) as signal:
        assert page.details_tab.delete()
    assert asked == ["Amina Testcase"]
    assert signal.args == [client_id]
    assert page.current_client_id() is None
    with store.session() as s:
        assert s.get(Client, client_id) is None
        assert [a.action for a in audit_of(s, client_id)][-1] == "client.delete"


def test_delete_dialog_only_accepts_the_typed_name(qtbot):
    dialog = details_tab.DeleteClientDialog("Amina Testcase")
    qtbot.addWidget(dialog)
    assert not dialog.delete_button.isEnabled()
    dialog.typed.setText("Amina")
    assert not dialog.delete_button.isEnabled()
    dialog.typed.setText("  amina   testcase ")
    assert dialog.delete_button.isEnabled()


# ---- household ----------------------------------------------------------------------------------


def test_household_add_edit_remove_persist(page, store, client_id):
    tab = page.household_tab
    assert tab.save_members([HouseholdEntry("Bilal Testcase", "Child", date(2015, 3, 2))])
    assert tab.table.item(0, 2).text() == "2 Mar 2015"
    tab.table.selectRow(0)

    def fill_and_accept(dialog):
        dialog.widgets["relationship_to_client"].setEditText("Stepchild")
        dialog.accept()
        return True

    tab.run_dialog = fill_and_accept
    tab.edit_selected()
    with store.session() as s:
        assert household_of(s, client_id) == [
            HouseholdEntry("Bilal Testcase", "Stepchild", date(2015, 3, 2))
        ]
    tab.table.selectRow(0)
    tab.remove_selected()
    with store.session() as s:
        assert household_of(s, client_id) == []


# ---- history ------------------------------------------------------------------------------------


def test_absence_table_shows_whole_days_outside(page):
    table = page.history_tab.tables["absence"].table
    assert table.item(0, 0).text() == "10 Jan 2020"
    assert table.item(0, 2).text() == "21"


def test_add_edit_delete_absence_persist(page, store, client_id):
    tab = page.history_tab
    trip = Absence(date(2022, 7, 1), date(2022, 7, 15), "wedding", exceptional=True)
    assert tab.apply_record("absence", None, trip) == []
    assert stored_history(store, client_id).absences[1] == trip

    changed = Absence(date(2022, 7, 1), date(2022, 7, 20), "wedding", exceptional=True)
    assert tab.apply_record("absence", 1, changed) == []
    assert stored_history(store, client_id).absences == (HISTORY.absences[0], changed)
    assert tab.tables["absence"].table.item(1, 2).text() == "18"

    assert tab.delete_record("absence", 0) == []
    assert stored_history(store, client_id).absences == (changed,)


def test_add_permission_through_the_dialog(page, store, client_id):
    tab = page.history_tab

    def fill_and_accept(dialog):
        dialog.widgets["category"].setCurrentIndex(dialog.widgets["category"].findData("ilr"))
        dialog.widgets["start"].setText("01/09/2021")
        dialog.widgets["nrpf"].setChecked(False)
        dialog.accept()
        return dialog.result() == dialog.DialogCode.Accepted

    tab.run_dialog = fill_and_accept
    tab.add_record("permission")
    assert stored_history(store, client_id).permissions[-1] == Permission(
        "ilr", date(2021, 9, 1), None
    )
    assert "Saved" in tab.status.text()


def test_table_keys_edit_and_delete(qtbot, page, store, client_id):
    tab = page.history_tab
    table = tab.tables["absence"].table
    table.selectRow(0)
    opened = []
    tab.run_dialog = lambda dialog: opened.append(dialog.windowTitle()) or False
    qtbot.keyClick(table, Qt.Key.Key_Return)
    qtbot.keyClick(table, Qt.Key.Key_Insert)
    assert opened == ["Edit trip abroad", "Add trip abroad"]
    qtbot.keyClick(table, Qt.Key.Key_Delete)
    assert stored_history(store, client_id).absences == ()


def test_overlapping_records_are_refused_and_nothing_is_saved(page, store, client_id):
    tab = page.history_tab
    before = stored_history(store, client_id)
    problems = tab.apply_record("absence", None, Absence(date(2020, 1, 20), date(2020, 1, 25)))
    assert problems and "overlaps the trip 10 January 2020" in problems[0]
    problems = tab.apply_record(
        "permission", None, Permission("partner_5y", date(2021, 6, 1), date(2023, 6, 1))
    )
    assert problems and "still running" in problems[0]
    assert "Not saved" in tab.status.text()
    assert stored_history(store, client_id) == before


def test_appeal_deadline_is_saved_and_shown_in_the_table(page, store, client_id):
    tab = page.history_tab

    def fill_and_accept(dialog):
        dialog.widgets["kind"].setCurrentIndex(dialog.widgets["kind"].findData("asylum"))
        dialog.widgets["made"].setText("01/03/2021")
        dialog.widgets["decided"].setText("10/06/2022")
        dialog.widgets["outcome"].setCurrentIndex(dialog.widgets["outcome"].findData("refused"))
        dialog.widgets["appeal_by"].setText("08/07/2022")
        dialog.accept()
        return dialog.result() == dialog.DialogCode.Accepted

    tab.run_dialog = fill_and_accept
    tab.add_record("application")
    assert "Saved" in tab.status.text()
    (saved,) = stored_history(store, client_id).applications
    assert saved == Application(
        "asylum", date(2021, 3, 1), date(2022, 6, 10), "refused", appeal_by=date(2022, 7, 8)
    )
    table = tab.tables["application"].table
    assert table.item(0, 5).text() == "deadline 8 Jul 2022"
    lodged = replace(saved, appeal_lodged=date(2022, 7, 1))
    assert tab.apply_record("application", 0, lodged) == []
    assert table.item(0, 5).text() == "appeal lodged 1 Jul 2022"


def test_a_date_after_2100_is_refused_and_nothing_is_saved(page, store, client_id):
    tab = page.history_tab
    before = stored_history(store, client_id)

    def fill_and_accept(dialog):
        dialog.widgets["category"].setCurrentIndex(dialog.widgets["category"].findData("ilr"))
        dialog.widgets["start"].setText("01/09/2201")
        dialog.accept()
        seen.append(dialog.problems())
        return dialog.result() == dialog.DialogCode.Accepted

    seen = []
    tab.run_dialog = fill_and_accept
    tab.add_record("permission")
    assert seen == [{"start": "The date 1 September 2201 is outside the years 1900 to 2100."}]
    assert stored_history(store, client_id) == before
    # And a record built in code is refused the same way by the tab itself.
    problems = tab.apply_record("custody", None, Custody(date(2018, 5, 1), date(2118, 5, 1)))
    assert problems == ["The date 1 May 2118 is outside the years 1900 to 2100."]
    assert "Not saved" in tab.status.text()
    assert stored_history(store, client_id) == before


def test_a_failed_save_keeps_the_old_history(page, store, client_id, monkeypatch):
    from desktop.ui import history_tab

    def broken(*_args, **_kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(history_tab, "save_history", broken)
    before = stored_history(store, client_id)
    problems = page.history_tab.apply_record(
        "absence", None, Absence(date(2023, 1, 1), date(2023, 1, 9))
    )
    assert problems and "Nothing was changed" in problems[0]
    assert stored_history(store, client_id) == before
    assert page.history_tab.tables["absence"].table.rowCount() == 1


def test_question_is_saved_with_the_history(page, store, client_id):
    tab = page.history_tab
    tab.route.setCurrentIndex(tab.route.findData("long_residence"))
    tab.question_date.setText("01/09/2024")
    assert tab.save_question() == []
    assert stored_history(store, client_id).question == Question("long_residence", date(2024, 9, 1))
    tab.question_date.setText("31/09/2024")
    assert "not a real date" in tab.save_question()[0]
    assert stored_history(store, client_id).question.application_date == date(2024, 9, 1)


def test_question_date_outside_1900_to_2100_is_refused_in_place(page, store, client_id):
    tab = page.history_tab
    tab.route.setCurrentIndex(tab.route.findData("long_residence"))
    tab.question_date.setText("01/09/2024")
    assert tab.save_question() == []
    tab.question_date.setText("01/05/2201")
    problems = tab.save_question()
    assert problems and "outside the years 1900 to 2100" in problems[0]
    assert stored_history(store, client_id).question.application_date == date(2024, 9, 1)


def test_verdicts_use_the_engine_and_survive_its_failures(qtbot, page, monkeypatch):
    calls = []

    def verdict_line(history, route, on, region="england-and-wales", today=None):
        calls.append((route, on))
        if route == "naturalisation_6_2":
            raise RuntimeError("engine bug")
        return f"{route} ok"

    fake = engine_stand_in()
    fake.verdict_line = verdict_line
    monkeypatch.setitem(sys.modules, "desktop.assess", fake)
    tab = page.history_tab
    with qtbot.waitSignal(tab.verdicts_ready, timeout=5_000):
        tab.refresh_verdicts()
    verdicts = tab.verdict_texts()
    assert verdicts["long_residence"] == "long_residence ok"
    assert verdicts["naturalisation_6_2"] == "Assessment unavailable for this history."
    assert tab.verdict_labels["long_residence"].accessibleName().endswith(": long_residence ok")
    assert all(on == TODAY for _route, on in calls)
    calls.clear()
    with qtbot.waitSignal(tab.verdicts_ready, timeout=5_000):
        tab.apply_record("absence", None, Absence(date(2023, 1, 1), date(2023, 1, 9)))
    assert len(calls) == 9  # recomputed after the change, one per route


def test_verdicts_without_the_engine_say_unavailable(qtbot, page, monkeypatch):
    monkeypatch.setitem(sys.modules, "desktop.assess", None)  # import fails
    with qtbot.waitSignal(page.history_tab.verdicts_ready, timeout=5_000):
        page.history_tab.refresh_verdicts()
    assert set(page.history_tab.verdict_texts().values()) == {"Assessment unavailable"}
    assert not page.history_tab.unavailable.isHidden()


def test_the_real_engine_gives_a_verdict_per_route(qtbot, page):
    tab = page.history_tab
    qtbot.waitSignal(tab.verdicts_ready, timeout=10_000).wait()
    verdicts = tab.verdict_texts()
    assert set(verdicts) == set(ROUTES)
    assert all(text for text in verdicts.values())
    assert tab.verdict_heading.text() == "On 1 June 2024 (today):"
    assert not tab.is_working_out_verdicts()


def engine_stand_in() -> types.ModuleType:
    """A stand-in for desktop.assess whose verdicts the test sets; the statement checks'
    figures and words, which the Statements tab reads from it, are the real ones."""
    import desktop.assess as real

    module = types.ModuleType("desktop.assess")
    module.load_figures = real.load_figures
    module.statement_vocabulary = real.statement_vocabulary
    return module


class GatedEngine:
    """Stands in for desktop.assess: "N trips" per route, held at `gate` when `hold` says so."""

    def __init__(self, hold=lambda history: True):
        self.hold = hold
        self.gate = threading.Event()
        self.started = threading.Event()  # a held job is running on a pool thread
        self.calls: list[tuple[str, int]] = []
        self.jobs_done = 0

    def verdict_line(self, history, route, on, region="england-and-wales", today=None):
        self.calls.append((route, len(history.absences)))
        if self.hold(history):
            self.started.set()
            self.gate.wait(5)
        if route == list(ROUTES)[-1]:
            self.jobs_done += 1
        return f"{len(history.absences)} trips"


@pytest.fixture
def engine(monkeypatch):
    fake = GatedEngine()
    module = engine_stand_in()
    module.verdict_line = fake.verdict_line
    module.load_checklists = dict  # the Checklists tab asks for the templates: none here
    monkeypatch.setitem(sys.modules, "desktop.assess", module)
    yield fake
    fake.gate.set()  # never leave a pool thread waiting


@pytest.fixture
def two_pool_threads():
    """A late job and a new one must be able to run side by side, whatever the core count."""
    pool = QThreadPool.globalInstance()
    before = pool.maxThreadCount()
    pool.setMaxThreadCount(max(2, before))
    yield
    pool.setMaxThreadCount(before)


def shown_lines(tab):
    return [(label.text(), label.accessibleName()) for label in tab.verdict_labels.values()]


def test_verdicts_arrive_without_blocking_the_window(qtbot, page, engine):
    tab = page.history_tab
    started = time.monotonic()
    tab.refresh_verdicts()
    assert time.monotonic() - started < 0.5  # returns at once; the engine is still held
    assert tab.is_working_out_verdicts()
    assert tab.verdict_busy.text() == "Working out…"
    assert tab.verdict_busy.accessibleName() == "Verdicts are being worked out"
    assert tab.verdict_texts() == {}
    # The UI thread keeps handling events while the engine runs on a pool thread.
    qtbot.waitUntil(engine.started.is_set, timeout=5_000)
    tab.route.setCurrentIndex(tab.route.findData("long_residence"))
    assert tab.is_working_out_verdicts()
    with qtbot.waitSignal(tab.verdicts_ready, timeout=5_000):
        engine.gate.set()
    assert not tab.is_working_out_verdicts()
    assert set(tab.verdict_texts().values()) == {"1 trips"}
    assert all(label.isEnabled() for label in tab.verdict_labels.values())


def test_lines_are_greyed_not_blanked_while_the_same_client_is_worked_out_again(
    qtbot, page, engine
):
    tab = page.history_tab
    engine.gate.set()
    qtbot.waitSignal(tab.verdicts_ready, timeout=5_000).wait()
    before = shown_lines(tab)
    engine.gate.clear()
    tab.refresh_verdicts()
    assert shown_lines(tab) == before
    assert not any(label.isEnabled() for label in tab.verdict_labels.values())
    with qtbot.waitSignal(tab.verdicts_ready, timeout=5_000):
        engine.gate.set()
    assert all(label.isEnabled() for label in tab.verdict_labels.values())


def test_quick_changes_make_one_job_for_the_last_history(qtbot, page, engine):
    tab = page.history_tab
    engine.gate.set()
    with qtbot.waitSignal(tab.verdicts_ready, timeout=5_000):
        assert tab.apply_record("absence", None, Absence(date(2022, 1, 1), date(2022, 1, 9))) == []
        assert tab.apply_record("absence", None, Absence(date(2023, 1, 1), date(2023, 1, 9))) == []
    assert set(tab.verdict_texts().values()) == {"3 trips"}
    assert engine.calls == [(code, 3) for code in ROUTES]  # debounced: one job, the last history


def test_a_late_result_for_an_earlier_history_is_dropped(qtbot, page, engine, two_pool_threads):
    tab = page.history_tab
    engine.hold = lambda history: len(history.absences) == 1  # only the first history waits
    shown = []
    tab.verdicts_ready.connect(lambda: shown.append(dict(tab.verdict_texts())))
    qtbot.waitUntil(engine.started.is_set, timeout=5_000)  # the page's first job is running
    with qtbot.waitSignal(tab.verdicts_ready, timeout=5_000):
        assert tab.apply_record("absence", None, Absence(date(2023, 1, 1), date(2023, 1, 9))) == []
    assert set(tab.verdict_texts().values()) == {"2 trips"}
    with qtbot.waitSignal(tab.verdicts_discarded, timeout=5_000):
        engine.gate.set()  # the first job now ends, for the history before the change
    assert engine.jobs_done == 2
    assert set(tab.verdict_texts().values()) == {"2 trips"}
    assert all("1 trips" not in text for text, _name in shown_lines(tab))
    assert [set(v.values()) for v in shown] == [{"2 trips"}]


def test_clearing_during_the_work_shows_nothing_of_the_old_client(qtbot, page, engine):
    tab = page.history_tab
    qtbot.waitUntil(engine.started.is_set, timeout=5_000)
    page.clear()  # what locking does
    assert not tab.is_working_out_verdicts()
    with qtbot.waitSignal(tab.verdicts_discarded, timeout=5_000):
        engine.gate.set()
    assert tab.verdict_texts() == {}
    assert shown_lines(tab) == [("", "")] * len(ROUTES)
    assert tab.verdict_heading.text() == ""
    assert not tab.is_working_out_verdicts()
    qtbot.wait(VERDICT_WAIT_MS)  # and nothing turns up later
    assert shown_lines(tab) == [("", "")] * len(ROUTES)


def test_clearing_forgets_the_verdicts_already_shown(qtbot, page, engine):
    tab = page.history_tab
    engine.gate.set()
    qtbot.waitSignal(tab.verdicts_ready, timeout=5_000).wait()
    assert tab.verdict_texts()
    page.clear()
    assert tab.verdict_texts() == {}
    assert shown_lines(tab) == [("", "")] * len(ROUTES)  # accessible names too


def test_another_client_never_gets_the_previous_clients_verdicts(
    qtbot, page, store, engine, two_pool_threads
):
    with store.session() as s:
        other = create_client(s, ClientDetails(full_name="Bea Otherclient"), "Setup")
    tab = page.history_tab
    engine.hold = lambda history: len(history.absences) == 1  # the first client's job waits
    qtbot.waitUntil(engine.started.is_set, timeout=5_000)
    page.show_client(other)
    assert shown_lines(tab) == [("", "")] * len(ROUTES)
    assert tab.is_working_out_verdicts()
    qtbot.waitSignal(tab.verdicts_ready, timeout=5_000).wait()
    assert set(tab.verdict_texts().values()) == {"0 trips"}
    with qtbot.waitSignal(tab.verdicts_discarded, timeout=5_000):
        engine.gate.set()
    assert set(tab.verdict_texts().values()) == {"0 trips"}


def test_a_job_ending_after_the_page_is_gone_is_harmless(qtbot, store, client_id, engine):
    widget = ClientPage()
    widget.set_context(store, "Sam Adviser", lambda: TODAY)
    widget.show_client(client_id)
    qtbot.waitUntil(engine.started.is_set, timeout=5_000)
    widget.deleteLater()
    qtbot.waitUntil(lambda: not shiboken6.isValid(widget), timeout=5_000)
    engine.gate.set()
    qtbot.waitUntil(lambda: engine.jobs_done == 1, timeout=5_000)
    qtbot.wait(VERDICT_WAIT_MS)  # the result's signal is delivered (to nobody) without a crash


VERDICT_WAIT_MS = 300


# ---- notes --------------------------------------------------------------------------------------


def test_notes_are_stamped_with_the_session_adviser(qtbot, page, store, client_id):
    tab = page.notes_tab
    tab.editor.setPlainText("Explained long residence.")
    assert tab.add_current_note()
    tab.editor.setPlainText("Second visit.")
    tab.editor.setFocus()
    qtbot.keyClick(tab.editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    with store.session() as s:
        notes = [(n.adviser, n.text) for n in notes_of(s, client_id)]
    assert notes == [("Sam Adviser", "Explained long residence."), ("Sam Adviser", "Second visit.")]
    assert tab.note_texts()[0].endswith("Second visit.")  # newest first
    assert "Sam Adviser" in tab.note_texts()[0]
    assert tab.editor.toPlainText() == ""
    assert tab.audit.rowCount() >= 3
    assert tab.audit.item(0, 2).text() == "Case note added"


def test_empty_note_is_not_added(page, store, client_id):
    assert not page.notes_tab.add_current_note()
    with store.session() as s:
        assert notes_of(s, client_id) == []


# ---- locking ------------------------------------------------------------------------------------


def test_clear_drops_every_client_detail(page):
    page.clear()
    assert page.current_client_id() is None
    assert page.name_label.text() == ""
    assert page.details_tab.form.details() == ClientDetails(full_name="")
    assert page.history_tab.tables["absence"].table.rowCount() == 0
    assert page.notes_tab.notes.count() == 0
    assert page.household_tab.table.rowCount() == 0
    assert not page.has_unsaved_changes()


def test_every_interactive_widget_has_an_accessible_name(page):
    from PySide6.QtWidgets import (
        QAbstractButton,
        QAbstractItemView,
        QComboBox,
        QHeaderView,
        QLineEdit,
        QPlainTextEdit,
    )

    kinds = (QAbstractButton, QAbstractItemView, QComboBox, QLineEdit, QPlainTextEdit)
    missing = [
        f"{type(w).__name__} in {type(w.parent()).__name__}"
        for w in page.findChildren(QWidgetBase)
        if isinstance(w, kinds)
        and not w.accessibleName()
        and w.parent().metaObject().className() != "QComboBoxPrivateContainer"
        and not isinstance(w, QHeaderView)  # part of its table
        and not (isinstance(w, QAbstractButton) and isinstance(w.parent(), QAbstractItemView))
    ]
    assert missing == []
