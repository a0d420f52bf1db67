"""Issue 10 points 9, 11 and 12: demo marking, quitting, unsaved edits, keyboard and layout."""

import re
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QSize, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QAbstractButton, QGroupBox, QLabel, QMessageBox

from desktop.store import repository
from desktop.store.database import Store
from desktop.store.lock import InstanceLock
from desktop.store.repository import ClientDetails
from desktop.ui import main_window as main_window_module
from desktop.ui import prompts
from desktop.ui.details_tab import DRAFT_RESTORED, draft_key
from desktop.ui.main_window import (
    DEMO_TITLE,
    LOCKED,
    MINIMUM_SIZE,
    MainWindow,
    fit_size,
)
from desktop.ui.print_report import _default_folder
from desktop.ui.settings_dialog import SettingsDialog

CHEAP_KDF = {"time_cost": 1, "memory_cost_kib": 8192, "parallelism": 1}
PASSPHRASE = "window test passphrase"


@pytest.fixture
def seeded(tmp_path):
    folder = tmp_path / "data"
    store = Store.create(folder, PASSPHRASE, CHEAP_KDF)
    with store.session() as s:
        ids = [
            repository.create_client(s, ClientDetails(full_name=name), "Setup")
            for name in ("Quentin Placeholder", "Rhiannon Example")
        ]
    store.close()
    return folder, ids


def make_window(qtbot, folder, **kwargs):
    lock = InstanceLock(folder)
    lock.acquire()
    window = MainWindow(folder, lock, kdf_costs=CHEAP_KDF, ask_adviser=False, **kwargs)
    qtbot.addWidget(window)
    window.show()
    return window


def open_window(qtbot, folder, **kwargs):
    window = make_window(qtbot, folder, **kwargs)
    unlock(qtbot, window)
    return window


def unlock(qtbot, window):
    window.unlock_page.passphrase.setText(PASSPHRASE)
    qtbot.keyClick(window.unlock_page.passphrase, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.workspace, timeout=10_000)


@pytest.fixture
def asked(monkeypatch):
    """Replace the unsaved-changes question: record each time it is asked, answer `reply`."""
    calls = []
    state = {"reply": prompts.CANCEL}

    def ask(_parent, text):
        calls.append(text)
        return state["reply"]

    monkeypatch.setattr(prompts, "ask_unsaved", ask)
    return calls, state


def edit_first(qtbot, window, ids):
    window._show_client(ids[0])
    window.client_list.select(ids[0])
    window.client_page.details_tab.form.widgets["nationality"].setText("Fictional")
    assert window.client_page.has_unsaved_changes()


# ---- 9: demo mode, quitting ----------------------------------------------------------------


def test_demo_mode_is_marked_in_the_title_and_a_banner(qtbot, seeded):
    window = open_window(qtbot, seeded[0], demo=True)
    assert window.windowTitle() == DEMO_TITLE == "Drop-in Desk — DEMO (fictional clients)"
    assert window.demo_banner.isVisible()
    assert "fictional" in window.demo_banner.text()


def test_a_real_store_has_no_demo_marks(qtbot, seeded):
    window = open_window(qtbot, seeded[0])
    assert window.windowTitle() == "Drop-in Desk"
    assert not window.demo_banner.isVisible()


def test_ctrl_q_with_nothing_typed_quits_without_a_question(qtbot, seeded, monkeypatch):
    """Issue 15: quit asks only when something would be lost."""
    window = open_window(qtbot, seeded[0])
    monkeypatch.setattr(prompts, "confirm_quit", lambda *_a, **_k: pytest.fail("asked"))
    window.activateWindow()
    qtbot.waitActive(window)
    qtbot.keyClick(window.client_list.search, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)
    assert not window.isVisible()
    assert window.store is None


def test_the_quit_question_defaults_to_quit_and_esc_cancels(qtbot):
    box, quit_button = prompts.quit_box(None)
    qtbot.addWidget(box)
    assert box.text() == "Quit Drop-in Desk?"
    assert box.defaultButton() is quit_button
    assert box.escapeButton() is not quit_button
    assert box.escapeButton().text() == "Cancel"


def test_ctrl_q_with_unsaved_changes_asks_once_and_says_they_are_kept(
    qtbot, seeded, asked, monkeypatch
):
    folder, ids = seeded
    window = open_window(qtbot, folder)
    edit_first(qtbot, window, ids)
    questions = []
    monkeypatch.setattr(
        prompts, "confirm_quit", lambda _p, text, *a, **k: questions.append(text) or False
    )
    window.quit_action.trigger()
    calls, _ = asked
    assert calls == []  # not the Save / Discard question
    assert len(questions) == 1
    assert f"changes to the details for client {ids[0]}" in questions[0]
    assert "kept as an encrypted draft" in questions[0]
    assert window.isVisible()  # cancelled
    with window.store.read_session() as s:
        assert repository.get_setting(s, draft_key(ids[0])) is None  # kept only on Quit


# ---- 11: unsaved edits ---------------------------------------------------------------------


def test_unsaved_question_defaults_to_save_and_discard_has_a_mnemonic(qtbot):
    box, answers = prompts.unsaved_box(None, "This client's details have changes.")
    qtbot.addWidget(box)
    assert answers[box.defaultButton()] == prompts.SAVE
    assert answers[box.escapeButton()] == prompts.CANCEL
    discard = next(b for b, a in answers.items() if a == prompts.DISCARD)
    assert re.search(r"&[A-Za-z]", discard.text())


def test_enter_in_the_search_asks_once_and_the_list_keeps_the_client_being_edited(
    qtbot, seeded, asked
):
    folder, ids = seeded
    window = open_window(qtbot, folder)
    edit_first(qtbot, window, ids)
    window.client_list.search.setText("Rhiannon")
    qtbot.keyClick(window.client_list.search, Qt.Key.Key_Return)
    qtbot.wait(50)
    calls, _ = asked
    assert len(calls) == 1
    assert window.client_page.current_client_id() == ids[0]
    view = window.client_list.view
    assert not view.currentIndex().isValid()  # the other client is not left highlighted
    assert view.selectionModel().selectedIndexes() == []
    window.client_list.search.clear()
    qtbot.wait(50)
    assert window.client_list.view.currentIndex().row() == window.client_list.model.row_of(ids[0])


def test_a_click_on_another_client_then_cancel_leaves_list_and_page_agreeing(qtbot, seeded, asked):
    folder, ids = seeded
    window = open_window(qtbot, folder)
    edit_first(qtbot, window, ids)
    view = window.client_list.view
    other = window.client_list.model.index(window.client_list.model.row_of(ids[1]), 0)
    qtbot.mouseClick(
        view.viewport(), Qt.MouseButton.LeftButton, pos=view.visualRect(other).center()
    )
    qtbot.wait(50)
    calls, _ = asked
    assert len(calls) == 1
    assert window.client_page.current_client_id() == ids[0]
    selected = [i.row() for i in view.selectionModel().selectedIndexes()]
    mine = window.client_list.model.row_of(ids[0])
    assert view.currentIndex().row() == mine
    assert selected == [mine]
    assert window.client_page.details_tab.form.widgets["nationality"].text() == "Fictional"


def test_save_in_the_question_saves_then_opens_the_other_client(qtbot, seeded, asked):
    folder, ids = seeded
    window = open_window(qtbot, folder)
    edit_first(qtbot, window, ids)
    asked[1]["reply"] = prompts.SAVE
    window._show_client(ids[1])
    assert window.client_page.current_client_id() == ids[1]
    with window.store.read_session() as s:
        assert repository.get_client(s, ids[0]).nationality == "Fictional"


def test_lock_without_changes_says_only_locked(qtbot, seeded):
    window = open_window(qtbot, seeded[0])
    window._show_client(seeded[1][0])
    window.lock()
    assert window.unlock_page.message.text() == LOCKED


def test_lock_keeps_unsaved_changes_as_an_encrypted_draft_and_brings_them_back(qtbot, seeded):
    folder, ids = seeded
    window = open_window(qtbot, folder)
    edit_first(qtbot, window, ids)
    window.lock()
    message = window.unlock_page.message.text()
    assert message == (
        f"Locked. Kept as unsaved drafts, encrypted: changes to the details for client {ids[0]}."
        " They come back when the client is opened."
    )
    assert "Quentin" not in message and "Fictional" not in message  # nothing of the client
    unlock(qtbot, window)
    window._show_client(ids[0])
    details = window.client_page.details_tab
    assert details.form.widgets["nationality"].text() == "Fictional"
    assert details.has_unsaved_changes()
    assert details.status.text() == DRAFT_RESTORED
    assert details.save()
    with window.store.read_session() as s:
        assert repository.get_setting(s, draft_key(ids[0])) is None
        assert repository.get_client(s, ids[0]).nationality == "Fictional"


def test_discarding_forgets_the_draft(qtbot, seeded, asked):
    folder, ids = seeded
    window = open_window(qtbot, folder)
    edit_first(qtbot, window, ids)
    window.lock()
    unlock(qtbot, window)
    window._show_client(ids[0])
    asked[1]["reply"] = prompts.DISCARD
    window._show_client(ids[1])
    with window.store.read_session() as s:
        assert repository.get_setting(s, draft_key(ids[0])) is None
    window._show_client(ids[0])
    assert window.client_page.details_tab.form.widgets["nationality"].text() == ""


def test_the_draft_is_in_the_encrypted_store_only(qtbot, seeded):
    folder, ids = seeded
    window = open_window(qtbot, folder)
    edit_first(qtbot, window, ids)
    window.client_page.details_tab.form.widgets["nationality"].setText("Zqxjvian")
    window.lock()
    for path in Path(folder).rglob("*"):
        if path.is_file():
            assert b"Zqxjvian" not in path.read_bytes(), path.name


# ---- 12: keyboard and layout ---------------------------------------------------------------


def test_ctrl_number_works_straight_after_opening_a_client_from_the_search(qtbot, seeded):
    folder, ids = seeded
    window = open_window(qtbot, folder)
    window.activateWindow()
    qtbot.waitActive(window)
    window.client_list.search.setText("Rhiannon")
    qtbot.keyClick(window.client_list.search, Qt.Key.Key_Return)
    assert window.client_page.current_client_id() == ids[1]
    assert window.client_list.search.hasFocus()
    qtbot.keyClick(window.client_list.search, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    assert window.client_page.tabs.currentWidget() is window.client_page.history_tab
    qtbot.keyClick(window.client_list.view, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    assert window.client_page.tabs.currentWidget() is window.client_page.household_tab


def _mnemonic(text):
    found = re.search(r"&([^&\s])", text or "")
    return found.group(1).lower() if found else None


def test_no_two_controls_on_a_client_tab_share_an_alt_letter(qtbot, seeded):
    folder, ids = seeded
    window = open_window(qtbot, folder)
    window._show_client(ids[0])
    page = window.client_page
    for tab in (page.details_tab, page.history_tab, page.household_tab, page.notes_tab):
        page.tabs.setCurrentWidget(tab)
        letters = {}
        for widget in tab.findChildren(QLabel) + tab.findChildren(QAbstractButton):
            if not widget.isVisibleTo(tab):
                continue
            if isinstance(widget, QLabel) and widget.textFormat() == Qt.TextFormat.RichText:
                continue
            letter = _mnemonic(widget.text())
            if letter:
                letters.setdefault(letter, []).append(widget.text())
        for box in tab.findChildren(QGroupBox):
            if box.isVisibleTo(tab) and _mnemonic(box.title()):
                letters.setdefault(_mnemonic(box.title()), []).append(box.title())
        clashes = {k: v for k, v in letters.items() if len(v) > 1}
        assert not clashes, (page.tabs.tabText(page.tabs.indexOf(tab)), clashes)


def test_the_focused_control_has_a_clear_outline(qtbot, seeded):
    window = make_window(qtbot, seeded[0])
    window.activateWindow()
    qtbot.waitActive(window)
    button = window.unlock_page.button
    button.setFocus()
    qtbot.waitUntil(button.hasFocus)
    image = button.grab().toImage()
    outline = QColor("#1a5fb4").rgb()
    edge = [image.pixel(QPoint(x, 1)) for x in range(4, image.width() - 4)]
    assert sum(1 for p in edge if p == outline) > len(edge) // 2


def test_the_window_fits_a_1366x768_screen():
    available = QSize(1366, 728)  # less a 40 px panel
    size = fit_size(available)
    assert size.width() <= 1366 - 16 and size.height() <= 728 - 48
    assert size.width() >= MINIMUM_SIZE.width() and size.height() >= MINIMUM_SIZE.height()
    assert fit_size(QSize(1920, 1080)) == QSize(1200, 780)
    assert fit_size(None) == QSize(1200, 780)


def test_the_workspace_needs_no_more_than_a_1366x768_screen(qtbot, seeded):
    folder, ids = seeded
    window = open_window(qtbot, folder, demo=True)
    window._show_client(ids[0])
    hint = window.minimumSizeHint()
    assert hint.width() <= 1366 - 16 and hint.height() <= 728 - 48, hint
    assert window.minimumSize() == MINIMUM_SIZE


def test_client_list_dates_use_the_one_screen_format(qtbot, tmp_path):
    from datetime import date

    from desktop.store.search import ClientSummary
    from desktop.ui.client_list import describe

    line = describe(ClientSummary(id=1, full_name="Ola Madeup", date_of_birth=date(1988, 3, 14)))
    assert line == "Ola Madeup  ·  14 Mar 1988"


def test_settings_menu_item_and_dialog_title_agree(qtbot, seeded):
    window = open_window(qtbot, seeded[0])
    dialog = SettingsDialog(10, window)
    qtbot.addWidget(dialog)
    item = window.settings_action.text().replace("&", "").rstrip("…")
    assert item == dialog.windowTitle() == "Settings"


def test_help_has_keyboard_shortcuts_on_f1_and_a_quick_guide(qtbot, seeded, monkeypatch):
    from desktop.ui.guide_dialog import GuideDialog
    from desktop.ui.shortcuts_dialog import ShortcutsDialog

    window = make_window(qtbot, seeded[0])
    help_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Help")
    texts = [a.text() for a in help_menu.actions() if not a.isSeparator()]
    assert texts == [
        "&Keyboard shortcuts",
        "&Quick guide",
        "Content and &sources…",
        "&About Drop-in Desk",
    ]
    assert window.shortcuts_action.shortcut().toString() == "F1"
    shown = []
    monkeypatch.setattr(ShortcutsDialog, "exec", lambda self: shown.append(self.keys()) or 0)
    monkeypatch.setattr(
        GuideDialog, "exec", lambda self: shown.append(self.text.toPlainText()) or 0
    )
    window.shortcuts_action.trigger()
    window.guide_action.trigger()
    keys, guide = shown
    assert {"Ctrl+F", "Ctrl+L", "Ctrl+Q", "F1"} <= set(keys)
    assert "Deadlines board" in guide


def test_file_dialogs_start_in_the_documents_folder(qtbot, seeded, monkeypatch):
    folder, ids = seeded
    window = open_window(qtbot, folder)
    window._show_client(ids[0])
    starts = []
    dialog = main_window_module.QFileDialog
    monkeypatch.setattr(
        dialog, "getOpenFileName", lambda _p, _t, d, *_a: starts.append(d) or ("", "")
    )
    monkeypatch.setattr(
        dialog, "getSaveFileName", lambda _p, _t, d, *_a: starts.append(d) or ("", "")
    )
    monkeypatch.setattr(QMessageBox, "information", lambda *a: None)
    window.import_client()
    window.export_client()
    window.backup()
    window.restore()
    documents = _default_folder()
    assert len(starts) == 4
    for start in starts:
        assert Path(start) == documents or Path(start).parent == documents
        assert Path(start).resolve() != Path.cwd().resolve()


def test_verdict_lines_have_no_empty_brackets_or_doubled_words():
    from datetime import date

    from desktop.rules.history import History
    from desktop.ui.history_tab import compute_verdicts

    def engine(_history, code, _on, today):
        return f"not eligible. Refugee permission permission does not count ({''}) on 2026-11-01."

    verdicts = compute_verdicts(engine, History(), date(2026, 12, 1), date(2026, 12, 1))
    for text in verdicts.values():
        assert "()" not in text and "permission permission" not in text
        assert text == "not eligible. Refugee permission does not count on 1 Nov 2026."


def test_household_audit_says_member_not_member_s(store):
    from desktop.store.repository import (
        HouseholdEntry,
        audit_of,
        create_client,
        set_household,
    )

    with store.session() as s:
        cid = create_client(s, ClientDetails(full_name="Ola Madeup"), "Setup")
        set_household(s, cid, [HouseholdEntry("Tomi Madeup", "child", None, None)], "Sam")
        assert audit_of(s, cid)[-1].summary == "1 member"


def test_applications_columns_all_stay_in_view_on_a_narrow_page(qtbot):
    from datetime import date

    from desktop.rules.history import Application
    from desktop.ui.history_tab import RecordTable

    table = RecordTable("application")
    qtbot.addWidget(table)
    table.resize(560, 300)  # the page beside the list in a 900-pixel window
    table.show()
    qtbot.waitExposed(table)
    long_kind = Application(
        "initial",
        date(2024, 5, 2),
        date(2026, 10, 30),
        "refused",
        appeal_lodged=date(2026, 11, 10),
    )
    table.set_records((long_kind,))
    grid = table.table
    qtbot.waitUntil(lambda: grid.horizontalScrollBar().maximum() == 0)
    header = grid.horizontalHeader()
    right = header.sectionPosition(header.count() - 1) + header.sectionSize(header.count() - 1)
    assert right <= grid.viewport().width()
    assert grid.item(0, 0).toolTip() == grid.item(0, 0).text()
