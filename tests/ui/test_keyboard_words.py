"""Issue 19, keyboard and words: one Alt+letter per thing, Enter presses a focused button, the
focus mark never clips a button's text, record pointers never reach a person, the F1 list
is read from the window, and restore checks the backup before it asks."""

import re
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QGroupBox,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QStyle,
    QStyleOptionButton,
    QTabBar,
    QVBoxLayout,
    QWidget,
)

from desktop.rules.history import HistoryError, Permission, category_words
from desktop.rules.wording import plain_records
from desktop.store import repository
from desktop.store.database import Store
from desktop.store.lock import InstanceLock
from desktop.store.repository import ClientDetails
from desktop.store.search import ClientIndex, ClientSummary
from desktop.ui import main_window as main_window_module
from desktop.ui.main_window import MainWindow, user_message

CHEAP_KDF = {"time_cost": 1, "memory_cost_kib": 8192, "parallelism": 1}
PASSPHRASE = "window test passphrase"
#: An engine record pointer: "permissions[1]", "absences[2]".
POINTER = re.compile(r"\b[a-z_]+\[[0-9]+\]")
TAB_NAMES = (
    "Details",
    "Household",
    "History",
    "Residence",
    "Notes",
    "Statements",
    "Checklists",
    "Casework",
)


@pytest.fixture
def seeded(tmp_path):
    folder = tmp_path / "data"
    store = Store.create(folder, PASSPHRASE, CHEAP_KDF)
    with store.session() as s:
        ids = [
            repository.create_client(
                s,
                ClientDetails(full_name="Quentin Placeholder", date_of_birth=date(2001, 1, 20)),
                "Setup",
            )
        ]
    store.close()
    return folder, ids


def open_window(qtbot, folder, ids):
    lock = InstanceLock(folder)
    lock.acquire()
    window = MainWindow(folder, lock, kdf_costs=CHEAP_KDF, ask_adviser=False)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    window.unlock_page.passphrase.setText(PASSPHRASE)
    qtbot.keyClick(window.unlock_page.passphrase, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.workspace, timeout=10_000)
    window._show_client(ids[0])
    return window


def _letter(text: str) -> str | None:
    found = re.search(r"&([^&\s])", text.replace("&&", ""))
    return found.group(1).casefold() if found else None


def visible_mnemonics(window) -> list[tuple[str, str]]:
    """(letter, text) of every Alt+letter the window answers now: its menus, and its visible
    buttons, labels with a buddy, group boxes and tab bars."""
    found = [(_letter(a.text()), a.text()) for a in window.menuBar().actions()]
    for widget in window.findChildren(QWidget):
        if not widget.isVisible():
            continue
        if isinstance(widget, QAbstractButton):
            texts = [widget.text()]
        elif isinstance(widget, QLabel) and widget.buddy() is not None:
            texts = [widget.text()]
        elif isinstance(widget, QGroupBox):
            texts = [widget.title()]
        elif isinstance(widget, QTabBar):
            texts = [widget.tabText(i) for i in range(widget.count())]
        else:
            continue
        found += [(_letter(t), t) for t in texts]
    return [(letter, text) for letter, text in found if letter]


@pytest.mark.parametrize(
    "tab_name",
    [name for name in TAB_NAMES],
)
def test_every_alt_letter_in_the_window_is_one_thing(qtbot, seeded, tab_name):
    window = open_window(qtbot, *seeded)
    tabs = window.client_page.tabs
    tabs.setCurrentIndex(TAB_NAMES.index(tab_name))
    qtbot.wait(10)
    seen: dict[str, str] = {}
    clashes = []
    for letter, text in visible_mnemonics(window):
        if letter in seen:
            clashes.append(f"Alt+{letter.upper()}: {seen[letter]!r} and {text!r}")
        seen.setdefault(letter, text)
    assert {"f", "v", "t", "s", "h"} <= set(seen)  # the menus keep their letters
    assert clashes == []


def test_enter_on_a_focused_button_presses_it(qtbot, seeded):
    window = open_window(qtbot, *seeded)
    button = QPushButton("Try me", window.client_page.details_tab)
    button.show()
    button.setFocus()
    qtbot.waitUntil(lambda: button.isVisible() and button.hasFocus())
    pressed = []
    button.clicked.connect(lambda: pressed.append("click"))
    qtbot.keyClick(button, Qt.Key.Key_Return)
    qtbot.keyClick(button, Qt.Key.Key_Enter, Qt.KeyboardModifier.KeypadModifier)
    assert pressed == ["click", "click"]
    qtbot.keyClick(button, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert pressed == ["click", "click"]  # Ctrl+Return stays a shortcut


def test_in_a_dialog_enter_keeps_qts_own_rule(qtbot, seeded):
    """From a field, Enter presses the dialog's default button once; the filter adds nothing."""
    open_window(qtbot, *seeded)  # the window installs the filter
    dialog = QDialog()
    qtbot.addWidget(dialog)
    field = QLineEdit()
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok)
    other = QPushButton("Other")
    other.setAutoDefault(False)
    buttons.addButton(other, QDialogButtonBox.ButtonRole.ActionRole)
    layout = QVBoxLayout(dialog)
    layout.addWidget(field)
    layout.addWidget(buttons)
    accepted, others = [], []
    buttons.accepted.connect(lambda: accepted.append(1))
    other.clicked.connect(lambda: others.append(1))
    dialog.show()
    field.setFocus()
    qtbot.waitUntil(field.hasFocus)
    qtbot.keyClick(field, Qt.Key.Key_Return)
    assert accepted == [1] and others == []


def _contents(widget) -> tuple[int, int]:
    option = QStyleOptionButton()
    widget.initStyleOption(option)
    element = (
        QStyle.SubElement.SE_CheckBoxContents
        if isinstance(widget, QCheckBox)
        else QStyle.SubElement.SE_PushButtonContents
    )
    rect = widget.style().subElementRect(element, option, widget)
    return rect.width(), rect.height()


def test_the_focus_mark_leaves_room_for_every_buttons_text(qtbot, seeded):
    """ "¡tart checklist": the focus border and padding took more room than the platform's own
    frame, and a focus change does not lay the window out again."""
    window = open_window(qtbot, *seeded)
    window.activateWindow()
    checked = []
    for index in range(window.client_page.tabs.count()):
        window.client_page.tabs.setCurrentIndex(index)
        page = window.client_page.tabs.widget(index)
        for widget in page.findChildren(QAbstractButton):
            if not isinstance(widget, (QPushButton, QCheckBox)) or not widget.isVisible():
                continue
            if not widget.text() or widget.width() < widget.sizeHint().width():
                continue  # squeezed by its layout, focused or not: not the focus mark's doing
            widget.setEnabled(True)
            widget.setFocus()
            qtbot.waitUntil(widget.hasFocus)
            width, height = _contents(widget)
            need = widget.fontMetrics().horizontalAdvance(widget.text().replace("&", ""))
            if isinstance(widget, QCheckBox):
                need = 0  # its text box is measured from the indicator: only the height
            checked.append(widget.text())
            assert width >= need, widget.text()
            assert height >= widget.fontMetrics().height(), widget.text()
    assert "Start &checklist…" in checked


def test_record_pointers_become_plain_words():
    assert plain_records("In the UK (permissions[1]); trip absences[0]") == (
        "In the UK (permission 2); trip trip 1"
    )
    assert plain_records("custody[2] and status_checks[0]") == "custody period 3 and status check 1"


def test_a_history_files_problem_names_the_record_in_words():
    problem = HistoryError(
        "absences[2].returned: the return date 2020-01-01 is before the departure date 2020-01-10",
        record="absences[2]",
        field="returned",
        code="date_order",
    )
    said = user_message(problem)
    assert not POINTER.search(said) and "2020-01" not in said
    assert said.startswith("Trip 3 in the file: the return date 1 January 2020")


def test_checklist_key_dates_say_the_record_in_words(qtbot, monkeypatch):
    from desktop.rules.history import History
    from desktop.ui.checklists_tab import ChecklistsTab, KeyDate, KeyDates

    tab = ChecklistsTab()
    qtbot.addWidget(tab)
    tab._history = History(permissions=(Permission("student", date(2020, 1, 1), date(2027, 1, 1)),))
    monkeypatch.setattr(tab, "_routes_for", lambda _checklist: ())
    tab._dates[()] = KeyDates(
        (KeyDate(date(2027, 1, 1), "Permission ends (permissions[0])", "long_residence"),)
    )
    tab._show_dates(object())
    assert "(permission 1)" in tab.dates_label.text()
    assert not POINTER.search(tab.dates_label.text())


@pytest.mark.parametrize(
    "tab_name",
    [name for name in TAB_NAMES],
)
def test_no_record_pointer_in_the_status_bar_tooltips_or_labels(qtbot, tmp_path, tab_name):
    """A client with a history, each tab shown: nothing a person reads names a record the
    engine's way."""
    folder = tmp_path / "data"
    store = Store.create(folder, PASSPHRASE, CHEAP_KDF)
    from desktop.rules.history import Absence, History, Person

    history = History(
        person=Person("Ola Madeup", date(1990, 5, 5)),
        permissions=(
            Permission("student", date(2016, 9, 1), date(2019, 8, 31)),
            Permission("immigration_bail", date(2019, 9, 1), date(2027, 8, 31)),
        ),
        absences=(Absence(date(2018, 1, 5), date(2018, 9, 20)),),
    )
    with store.session() as s:
        client_id = repository.import_history(s, history, "Setup")
    store.close()
    window = open_window(qtbot, folder, [client_id])
    said = []
    window.statusBar().messageChanged.connect(said.append)
    window.client_page.tabs.setCurrentIndex(TAB_NAMES.index(tab_name))
    qtbot.wait(300)
    page = window.client_page.tabs.widget(TAB_NAMES.index(tab_name))
    texts = said + [window.statusBar().currentMessage()]
    for widget in [page, *page.findChildren(QWidget)]:
        texts += [widget.toolTip(), widget.accessibleDescription()]
        if isinstance(widget, (QLabel, QAbstractButton)):
            texts.append(widget.text())
    found = [t for t in texts if t and POINTER.search(t)]
    assert found == []


def test_a_restart_never_points_at_a_break_above():
    from desktop.rules import wording
    from desktop.rules.verdict import Breach

    cause = Breach("LR 11.2(a)", date(2020, 1, 1), date(2020, 8, 1), 213, "a long trip")
    text = str(wording.restart(date(2020, 8, 2), cause, listed=True))
    assert "above" not in text
    assert "after the break from 2020-01-01 to 2020-08-01 (LR 11.2(a))" in text


def test_immigration_bail_is_not_called_a_permission():
    assert category_words("immigration_bail") == "Immigration bail"
    assert category_words("temporary_admission") == "Temporary admission"
    assert category_words("student") == "Student (including Tier 4) permission"
    assert category_words("refugee") == "Refugee permission"


@pytest.mark.parametrize(
    "typed", ["20 Jan 2001", "20 January 2001", "20/01/2001", "20/1/2001", "2001-01-20", "20 jan"]
)
def test_search_finds_a_date_of_birth_as_the_list_shows_it(typed):
    index = ClientIndex(
        [
            ClientSummary(1, "Quentin Placeholder", date_of_birth=date(2001, 1, 20)),
            ClientSummary(2, "Rhiannon Example", date_of_birth=date(2001, 2, 20)),
        ]
    )
    assert index.search(typed) == [1]


def test_the_f1_list_is_read_from_the_windows_own_keys(qtbot, seeded, monkeypatch):
    from PySide6.QtGui import QKeySequence, QShortcut

    from desktop.ui.shortcuts_dialog import UNLISTED, ShortcutsDialog

    window = open_window(qtbot, *seeded)
    rows = dict(window.shortcut_rows())
    for keys in ("Ctrl+T", "Ctrl+P", "Ctrl+R", "Ctrl+Shift+I", "Ctrl+F", "Ctrl+S", "F1"):
        assert keys in rows, keys
    assert rows["Ctrl+Q"] == "Quit (asks only when something typed is not saved)"
    assert "Residence tab" in rows["Ctrl+P"] and "Statements tab" in rows["Ctrl+P"]
    fmt = QKeySequence.SequenceFormat.PortableText
    held = {s.toString(fmt) for a in window.actions() for s in a.shortcuts() if not s.isEmpty()} | {
        s.key().toString(fmt) for s in window.findChildren(QShortcut) if not s.property(UNLISTED)
    }
    assert held <= set(rows)  # no key the window answers is missing from the list
    shown = []
    monkeypatch.setattr(ShortcutsDialog, "exec", lambda self: shown.append(self.rows()) or 0)
    window.shortcuts_action.trigger()
    assert dict(shown[0]) == rows


def test_restore_checks_the_passphrase_before_asking(qtbot, seeded, tmp_path, monkeypatch):
    window = open_window(qtbot, *seeded)
    target = tmp_path / "usb" / "copy.ddbackup"
    target.parent.mkdir()
    with qtbot.waitSignal(window.backup_file(target).finished, timeout=10_000):
        pass
    with window.store.session() as s:
        repository.create_client(s, ClientDetails(full_name="Added Later"), "Tester")
    asked, warned = [], []
    monkeypatch.setattr(
        QMessageBox,
        "warning",
        lambda _p, _t, text, *_a: (
            (asked if "Go ahead?" in text else warned).append(text)
            or QMessageBox.StandardButton.Cancel
        ),
    )
    op = window.check_backup_file(target, "not the passphrase", window._confirm_restore)
    with qtbot.waitSignal(op.finished, timeout=10_000):
        pass
    assert asked == [] and "passphrase does not open this backup" in warned[0]
    op = window.check_backup_file(target, PASSPHRASE, window._confirm_restore)
    with qtbot.waitSignal(op.finished, timeout=10_000):
        pass
    qtbot.waitUntil(lambda: len(asked) == 1)
    assert "opens with that passphrase" in asked[0]
    # Cancelled: nothing was replaced, and the check left nothing behind.
    with window.store.read_session() as s:
        assert len(repository.list_summaries(s)) == 2
    assert not list(Path(window.folder).glob("restore.*.tmp"))


def test_restore_from_the_menu_asks_after_the_check(qtbot, seeded, tmp_path, monkeypatch):
    window = open_window(qtbot, *seeded)
    target = tmp_path / "copy.ddbackup"
    with qtbot.waitSignal(window.backup_file(target).finished, timeout=10_000):
        pass
    dialog = main_window_module.QFileDialog
    monkeypatch.setattr(dialog, "getOpenFileName", lambda *_a: (str(target), ""))
    monkeypatch.setattr(
        main_window_module.QInputDialog, "getText", lambda *_a: ("wrong passphrase", True)
    )
    messages = []
    monkeypatch.setattr(
        QMessageBox,
        "warning",
        lambda _p, _t, text, *_a: messages.append(text) or QMessageBox.StandardButton.Cancel,
    )
    window.restore()
    qtbot.waitUntil(lambda: bool(messages), timeout=10_000)
    assert "Go ahead?" not in messages[0]
    assert "does not open this backup" in messages[0]
