"""The window: first run, unlock, wrong passphrase, lock, auto-lock, one instance, backups."""

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from desktop import board
from desktop.store import repository
from desktop.store.database import Store
from desktop.store.errors import StoreInUse
from desktop.store.lock import InstanceLock
from desktop.store.repository import ClientDetails
from desktop.ui.client_list import ClientIdRole
from desktop.ui.main_window import MainWindow

CHEAP_KDF = {"time_cost": 1, "memory_cost_kib": 8192, "parallelism": 1}
PASSPHRASE = "window test passphrase"


def make_window(qtbot, folder):
    lock = InstanceLock(folder)
    lock.acquire()
    window = MainWindow(folder, lock, kdf_costs=CHEAP_KDF, ask_adviser=False)
    qtbot.addWidget(window)
    window.show()
    return window


def unlock(qtbot, window, passphrase=PASSPHRASE):
    window.unlock_page.passphrase.setText(passphrase)
    qtbot.keyClick(window.unlock_page.passphrase, Qt.Key.Key_Return)


def wait_workspace(qtbot, window):
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.workspace, timeout=10_000)


@pytest.fixture
def seeded(tmp_path):
    folder = tmp_path / "data"
    store = Store.create(folder, PASSPHRASE, CHEAP_KDF)
    with store.session() as s:
        repository.create_client(s, ClientDetails(full_name="Quentin Placeholder"), "Setup")
        repository.create_client(s, ClientDetails(full_name="Rhiannon Example"), "Setup")
    store.close()
    return folder


def test_first_run_creates_the_store_after_confirmation(qtbot, tmp_path):
    folder = tmp_path / "new"
    window = make_window(qtbot, folder)
    assert window.stack.currentWidget() is window.create_page
    page = window.create_page
    page.passphrase.setText("first run passphrase")
    page.confirm.setText("something different")
    qtbot.mouseClick(page.create_button, Qt.MouseButton.LeftButton)
    assert "not the same" in page.error.text()
    assert not Store.exists(folder)
    page.confirm.setText("first run passphrase")
    qtbot.mouseClick(page.create_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.workspace, timeout=10_000)
    assert Store.exists(folder)
    assert window.new_client_action.isEnabled()


def test_wrong_passphrase_says_so_and_stays_locked(qtbot, seeded):
    window = make_window(qtbot, seeded)
    assert window.stack.currentWidget() is window.unlock_page
    assert not window.new_client_action.isEnabled()
    unlock(qtbot, window, "not it")
    qtbot.waitUntil(lambda: "not right" in window.unlock_page.message.text(), timeout=10_000)
    assert window.stack.currentWidget() is window.unlock_page
    unlock(qtbot, window)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.workspace, timeout=10_000)
    assert window.client_list.model.rowCount() == 2


def test_lock_hides_every_client_detail(qtbot, seeded):
    window = make_window(qtbot, seeded)
    unlock(qtbot, window)
    wait_workspace(qtbot, window)
    first = window.client_list.model.ids()[0]
    window.client_page.show_client(first)
    assert window.client_page.current_client_id() == first
    qtbot.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert window.stack.currentWidget() is window.unlock_page
    assert window.store.locked
    assert window.client_list.model.rowCount() == 0
    assert window.client_page.current_client_id() is None
    texts = " ".join(w.text() for w in window.findChildren(type(window.unlock_page.passphrase)))
    assert "Quentin" not in texts and "Rhiannon" not in texts
    unlock(qtbot, window)
    wait_workspace(qtbot, window)
    assert window.client_list.model.rowCount() == 2


def test_auto_lock_after_idle(qtbot, seeded):
    window = make_window(qtbot, seeded)
    unlock(qtbot, window)
    wait_workspace(qtbot, window)
    assert window.idle.is_running()
    assert window.idle.interval_ms() == 10 * 60_000  # the default
    window.idle.set_minutes(0.002)  # 120 ms
    window.idle.start()
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.unlock_page, timeout=5_000)
    assert window.store.locked


def test_auto_lock_minutes_are_saved(qtbot, seeded):
    window = make_window(qtbot, seeded)
    unlock(qtbot, window)
    wait_workspace(qtbot, window)
    window.set_auto_lock_minutes(3)
    assert window.idle.interval_ms() == 3 * 60_000
    with window.store.read_session() as s:
        assert repository.get_setting(s, "auto_lock_minutes") == "3"


def test_second_instance_is_turned_away(qtbot, seeded, monkeypatch):
    from desktop.ui import app as app_module

    shown = []
    monkeypatch.setattr(
        app_module.QMessageBox, "critical", lambda _parent, title, text: shown.append(text)
    )
    window = make_window(qtbot, seeded)
    with pytest.raises(StoreInUse):
        InstanceLock(seeded).acquire()
    assert app_module.run_app(data_dir=str(seeded)) == 1
    assert "already open on this computer" in shown[0]
    window.close()


def test_backup_and_restore_from_the_window(qtbot, seeded, tmp_path):
    window = make_window(qtbot, seeded)
    unlock(qtbot, window)
    wait_workspace(qtbot, window)
    target = tmp_path / "usb" / "copy.ddbackup"
    target.parent.mkdir()
    with qtbot.waitSignal(window.backup_file(target).finished, timeout=10_000):
        pass
    assert target.exists()
    with window.store.session() as s:
        repository.create_client(s, ClientDetails(full_name="Added Later"), "Tester")
    with qtbot.waitSignal(window.restore_file(target, PASSPHRASE).finished, timeout=10_000):
        pass
    assert window.client_list.model.rowCount() == 2


def test_import_file_adds_and_shows_the_client(qtbot, seeded, tmp_path):
    import json

    from tests.store.test_repository import CASE

    window = make_window(qtbot, seeded)
    unlock(qtbot, window)
    wait_workspace(qtbot, window)
    case = tmp_path / "case.json"
    case.write_text(json.dumps(CASE))
    with qtbot.waitSignal(window.import_file(case).finished, timeout=10_000):
        pass
    assert window.client_list.model.rowCount() == 3
    assert window.client_page.current_client_id() is not None
    out = tmp_path / "out.json"
    with qtbot.waitSignal(
        window.export_file(window.client_page.current_client_id(), out).finished, timeout=10_000
    ):
        pass
    exported = json.loads(out.read_text())
    assert exported["client_record"]["details"]["full_name"] == "Test Person"


def test_change_passphrase_from_the_window(qtbot, seeded):
    window = make_window(qtbot, seeded)
    unlock(qtbot, window)
    wait_workspace(qtbot, window)
    with qtbot.waitSignal(
        window.change_passphrase_to(PASSPHRASE, "the new window passphrase").finished,
        timeout=10_000,
    ):
        pass
    window.lock()
    unlock(qtbot, window, PASSPHRASE)
    qtbot.waitUntil(lambda: "not right" in window.unlock_page.message.text(), timeout=10_000)
    unlock(qtbot, window, "the new window passphrase")
    wait_workspace(qtbot, window)
    assert window.client_list.model.rowCount() == 2


def test_unexpected_errors_never_print_their_message(capsys):
    from desktop.ui.app import _private_excepthook

    try:
        raise ValueError("Secret Client Name born 1990-01-01")
    except ValueError as exc:
        _private_excepthook(type(exc), exc, exc.__traceback__)
    err = capsys.readouterr().err
    assert "unexpected ValueError at test_main_window.py" in err
    assert "Secret" not in err and "1990" not in err


def test_search_narrows_the_list_while_typing(qtbot, seeded):
    window = make_window(qtbot, seeded)
    unlock(qtbot, window)
    wait_workspace(qtbot, window)
    qtbot.keyClicks(window.client_list.search, "rhi")
    assert window.client_list.model.rowCount() == 1
    assert "1 of 2 clients" in window.client_list.count.text()
    qtbot.keyClick(window.client_list.search, Qt.Key.Key_Return)
    assert window.client_page.current_client_id() == window.client_list.model.ids()[0]


def test_an_imported_client_is_shown_even_when_the_search_hides_them(qtbot, seeded, tmp_path):
    import json

    from tests.store.test_repository import CASE

    window = make_window(qtbot, seeded)
    unlock(qtbot, window)
    wait_workspace(qtbot, window)
    qtbot.keyClicks(window.client_list.search, "rhiannon")
    case = tmp_path / "case.json"
    case.write_text(json.dumps(CASE))
    with qtbot.waitSignal(window.import_file(case).finished, timeout=10_000):
        pass
    assert window.client_list.search.text() == ""
    current = window.client_list.view.currentIndex()
    assert current.isValid() and "Test Person" in current.data()


def test_locking_while_verdicts_are_worked_out_shows_nothing_after(qtbot, seeded, monkeypatch):
    """The verdict job is not a window operation: locking does not wait for it, and its late
    result is dropped instead of reaching the cleared History tab."""
    import sys
    import threading
    import types

    from desktop.rules.history import ROUTES

    gate, started = threading.Event(), threading.Event()

    def verdict_line(history, route, on, region="england-and-wales", today=None):
        started.set()
        gate.wait(5)
        return "eligible now"

    import desktop.assess as real

    engine = types.ModuleType("desktop.assess")
    engine.load_figures = real.load_figures  # the Statements tab's checks are the real ones
    engine.statement_vocabulary = real.statement_vocabulary
    engine.verdict_line = verdict_line
    engine.load_checklists = dict  # the Checklists tab asks for the templates: none here
    monkeypatch.setitem(sys.modules, "desktop.assess", engine)
    window = make_window(qtbot, seeded)
    unlock(qtbot, window)
    wait_workspace(qtbot, window)
    tab = window.client_page.history_tab
    try:
        window.client_page.show_client(window.client_list.model.ids()[0])
        qtbot.waitUntil(started.is_set, timeout=5_000)
        qtbot.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
        assert window.stack.currentWidget() is window.unlock_page  # locked at once
        with qtbot.waitSignal(tab.verdicts_discarded, timeout=5_000):
            gate.set()
    finally:
        gate.set()
    assert tab.verdict_texts() == {}
    assert [(label.text(), label.accessibleName()) for label in tab.verdict_labels.values()] == [
        ("", "")
    ] * len(ROUTES)
    unlock(qtbot, window)
    wait_workspace(qtbot, window)


# ---- the deadlines board -----------------------------------------------------------------------

BOARD_DAY = dt.date(2026, 11, 20)


@pytest.fixture
def with_deadlines(tmp_path):
    """Two clients: one refused on 10 November (appeal by 24 November), one with nothing due."""
    from tests.rules.helpers import app, history, perm

    folder = tmp_path / "data"
    store = Store.create(folder, PASSPHRASE, CHEAP_KDF)
    with store.session() as s:
        calm = repository.create_client(s, ClientDetails(full_name="Quentin Placeholder"), "Setup")
        # Indefinite leave since 2010: nothing is due (a record that stopped in 2012 would be
        # an attention item now, badged and on the board for good).
        repository.save_history(s, calm, history([perm("ilr", "2010-09-01", None)]), "Setup")
        urgent = repository.create_client(s, ClientDetails(full_name="Rhiannon Example"), "Asha")
        refused = history(
            [perm("immigration_bail", "2025-01-10", "2027-01-09")],
            [app("asylum", "2025-01-10", "2026-11-10", "refused")],
        )
        repository.save_history(s, urgent, refused, "Asha")
    store.close()
    return folder, calm, urgent


def board_window(qtbot, folder):
    lock = InstanceLock(folder)
    lock.acquire()
    window = MainWindow(
        folder, lock, kdf_costs=CHEAP_KDF, ask_adviser=False, today=lambda: BOARD_DAY
    )
    qtbot.addWidget(window)
    window.show()
    unlock(qtbot, window)
    wait_workspace(qtbot, window)
    qtbot.waitUntil(lambda: window.board_feed.data is not None, timeout=10_000)
    return window


def test_list_badge_for_a_client_with_an_appeal_deadline_within_14_days(qtbot, with_deadlines):
    from desktop.ui.client_list import BadgeRole

    folder, calm, urgent = with_deadlines
    window = board_window(qtbot, folder)
    model = window.client_list.model
    urgent_index = model.index(model.row_of(urgent), 0)
    calm_index = model.index(model.row_of(calm), 0)
    assert urgent_index.data(BadgeRole) == "4 d"
    assert urgent_index.data(Qt.ItemDataRole.AccessibleTextRole).endswith("deadline in 4 days")
    assert "Last day to appeal" in urgent_index.data(Qt.ItemDataRole.ToolTipRole)
    assert calm_index.data(BadgeRole) is None
    assert "deadline" not in calm_index.data(Qt.ItemDataRole.AccessibleTextRole)
    window.close()


def test_open_the_board_and_a_client_from_it(qtbot, with_deadlines):
    folder, _calm, urgent = with_deadlines
    window = board_window(qtbot, folder)
    assert window.board_action.isEnabled()
    qtbot.keyClick(window, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    page = window.deadlines_page
    assert window.stack.currentWidget() is page
    assert window.new_client_action.isEnabled()  # still unlocked
    rows = [page.model.index(r, 2).data() for r in range(page.model.rowCount())]
    assert "Rhiannon Example" in rows and "Quentin Placeholder" not in rows  # nothing due
    page.table.selectRow(rows.index("Rhiannon Example"))
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    assert window.stack.currentWidget() is window.workspace
    assert window.client_page.current_client_id() == urgent
    assert window.client_list.view.currentIndex().data(ClientIdRole) == urgent
    # Back to the board and out again with Esc.
    window.show_board()
    qtbot.keyClick(page.table, Qt.Key.Key_Escape)
    assert window.stack.currentWidget() is window.workspace
    window.close()


def test_a_saved_history_refreshes_the_board_and_the_badge(qtbot, with_deadlines):
    from dataclasses import replace

    from desktop.ui.client_list import BadgeRole

    folder, _calm, urgent = with_deadlines
    window = board_window(qtbot, folder)
    with window.store.session() as s:
        h = repository.load_history(s, urgent)
        lodged = replace(h.applications[0], appeal_lodged=BOARD_DAY)
        repository.save_history(s, urgent, replace(h, applications=(lodged,)), "Asha")
    before = window.board_feed.data
    window.client_page.client_changed.emit(urgent)  # as the History tab does after saving
    qtbot.waitUntil(lambda: window.board_feed.data is not before, timeout=10_000)
    model = window.client_list.model
    assert model.index(model.row_of(urgent), 0).data(BadgeRole) is None  # the appeal is in
    window.close()


def test_lock_leaves_nothing_on_the_board_or_the_badges(qtbot, with_deadlines):
    from desktop.ui.client_list import BadgeRole

    folder, _calm, urgent = with_deadlines
    window = board_window(qtbot, folder)
    window.show_board()
    assert window.deadlines_page.model.rowCount() > 0
    qtbot.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert window.stack.currentWidget() is window.unlock_page
    assert window.deadlines_page.model.rowCount() == 0
    assert window.board_feed.data is None and window.board_feed.board.cached_clients() == 0
    assert window.client_list.model.badge(urgent) is None
    texts = " ".join(label.text() for label in window.deadlines_page.findChildren(QLabel))
    assert "Rhiannon" not in texts and "Asha" not in texts
    assert not window.board_action.isEnabled()
    unlock(qtbot, window)
    wait_workspace(qtbot, window)
    qtbot.waitUntil(lambda: window.board_feed.data is not None, timeout=10_000)
    model = window.client_list.model
    assert model.index(model.row_of(urgent), 0).data(BadgeRole) == "4 d"
    window.close()


def test_settings_keep_the_centre_for_handouts(qtbot, seeded, monkeypatch):
    from desktop.ui.settings_dialog import SettingsDialog

    window = make_window(qtbot, seeded)
    unlock(qtbot, window)
    wait_workspace(qtbot, window)

    def run(dialog):
        dialog.centre_name_field.setText("Riverside Advice Drop-in")
        dialog.centre_contact_field.setText("0113 496 0000")
        return SettingsDialog.DialogCode.Accepted

    monkeypatch.setattr(SettingsDialog, "exec", run)
    window.edit_settings()
    with window.store.read_session() as s:
        assert repository.get_setting(s, "centre_name") == "Riverside Advice Drop-in"
        assert repository.get_setting(s, "centre_contact") == "0113 496 0000"


def test_the_calculators_open_from_the_tools_menu_even_when_locked(qtbot, seeded, monkeypatch):
    from desktop.ui.fees_dialog import FeesDialog
    from desktop.ui.finance_dialog import FinanceDialog

    opened = []
    monkeypatch.setattr(FinanceDialog, "exec", lambda self: opened.append("finance") or 0)
    monkeypatch.setattr(FeesDialog, "exec", lambda self: opened.append("fees") or 0)
    window = make_window(qtbot, seeded)  # locked: the calculators hold no client data
    assert window.finance_action.isEnabled() and window.fees_action.isEnabled()
    window.finance_action.trigger()
    window.fees_action.trigger()
    assert opened == ["finance", "fees"]


def test_the_badges_follow_the_boards_overdue_days(qtbot, with_deadlines, monkeypatch):
    """Issue 16: the badge and the board agree, also when the adviser changes "Overdue for"."""
    folder, _calm, _urgent = with_deadlines
    window = board_window(qtbot, folder)
    data = window.board_feed.data
    asked = []
    real = type(data).badges

    def spy(self, due_within=board.BADGE_DAYS, missed_within=board.OVERDUE_DAYS):
        asked.append(missed_within)
        return real(self, due_within, missed_within)

    monkeypatch.setattr(type(data), "badges", spy)
    window.deadlines_page.overdue_days.setValue(90)
    assert asked[-1] == 90
    window.close()
