"""Issue 15 point 3: after a lock no client detail is left in any widget, model or cache: every
label, text box (and its undo history), list, table, tab, combo box, tooltip and accessible
name, the client list and search index, the deadlines board, the residence views and the
Python state of the window's objects are walked for the fixture's names and references."""

import dataclasses
import enum
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from PySide6.QtCore import QAbstractItemModel, QModelIndex, QObject, Qt, QThreadPool
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QApplication,
    QComboBox,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTabWidget,
    QTextEdit,
    QWidget,
)

from desktop.importers.bank_csv import read_statement
from desktop.rules.history import Absence, History, Permission
from desktop.store import repository
from desktop.store import statements as st
from desktop.store.database import Store
from desktop.store.lock import InstanceLock
from desktop.store.repository import ClientDetails, HouseholdEntry
from desktop.ui import operations
from desktop.ui.main_window import MainWindow

CHEAP_KDF = {"time_cost": 1, "memory_cost_kib": 8192, "parallelism": 1}
PASSPHRASE = "forget test passphrase"
TODAY = date(2025, 12, 1)
STATEMENTS = Path(__file__).resolve().parents[1] / "data" / "statements"
#: Everything distinctive the fixture store holds about its clients.
SECRETS = (
    "Zebedee",
    "Quillfeather",
    "Zebbo",
    "Q7654321",
    "Marigold",
    "Quillnation",
    "Quillreason",
    "Quillnote",
    "Quilltyped",
    "Ottilie",
    "Brackenbury",
    "GREENLEAF",
    "Kofi Mensah",
    "1987-03-14",
    "14/03/1987",
    "14 Mar 1987",
)
ROLES = (
    Qt.ItemDataRole.DisplayRole,
    Qt.ItemDataRole.ToolTipRole,
    Qt.ItemDataRole.StatusTipRole,
    Qt.ItemDataRole.AccessibleTextRole,
    Qt.ItemDataRole.AccessibleDescriptionRole,
    Qt.ItemDataRole.EditRole,
    *(Qt.ItemDataRole(Qt.ItemDataRole.UserRole + n) for n in range(6)),
)


@pytest.fixture
def full_store(tmp_path):
    folder = tmp_path / "data"
    store = Store.create(folder, PASSPHRASE, CHEAP_KDF)
    with store.session() as s:
        first = repository.create_client(
            s,
            ClientDetails(
                full_name="Zebedee Quillfeather",
                other_names="Zebbo",
                date_of_birth=date(1987, 3, 14),
                nationality="Quillnation",
                home_office_ref="Q7654321",
                address="1 Quill Lane",
            ),
            "Setup",
        )
        repository.create_client(
            s, ClientDetails(full_name="Ottilie Brackenbury", home_office_ref="B1111111"), "Setup"
        )
        repository.set_household(s, first, [HouseholdEntry("Marigold Quillfeather", "Child")], "X")
        repository.save_history(
            s,
            first,
            History(
                permissions=(Permission("student", date(2014, 9, 1), date(2026, 8, 31)),),
                absences=(Absence(date(2020, 1, 10), date(2020, 2, 1), "Quillreason"),),
            ),
            "Setup",
        )
        repository.add_note(s, first, "Setup", "Quillnote: advised on the appeal")
        account = st.add_account(s, first, st.AccountDetails("Zebedee Quillfeather", "Monzo"), "X")
        st.add_statement(s, account, read_statement(STATEMENTS / "monzo.csv"), "csv", "Setup")
    store.close()
    return folder, first


def widget_texts(widget: QWidget, undo: bool = True) -> list[str]:
    texts = [
        widget.toolTip(),
        widget.accessibleName(),
        widget.accessibleDescription(),
        widget.statusTip(),
        widget.whatsThis(),
        widget.windowTitle(),
    ]
    if isinstance(widget, (QLabel, QAbstractButton)):
        texts.append(widget.text())
    if isinstance(widget, QLineEdit):
        texts.append(widget.text())
        texts.append(widget.placeholderText())
        while undo and widget.isUndoAvailable():  # what Ctrl+Z would bring back
            widget.undo()
            texts.append(widget.text())
    if isinstance(widget, (QPlainTextEdit, QTextEdit)):
        texts.append(widget.toPlainText())
        while undo and widget.document().isUndoAvailable():
            widget.undo()
            texts.append(widget.toPlainText())
    if isinstance(widget, QComboBox):
        texts += [widget.itemText(i) for i in range(widget.count())] + [widget.currentText()]
        texts += [str(widget.itemData(i)) for i in range(widget.count())]
    if isinstance(widget, QGroupBox):
        texts.append(widget.title())
    if isinstance(widget, QTabWidget):
        for i in range(widget.count()):
            texts += [widget.tabText(i), widget.tabToolTip(i)]
    if isinstance(widget, QAbstractItemView) and widget.model() is not None:
        texts += model_texts(widget.model())
    return texts


def _count(method, parent: QModelIndex, default: int) -> int:
    try:
        return method(parent)
    except TypeError:  # hidden by QAbstractListModel / QAbstractTableModel
        return default


def model_texts(model: QAbstractItemModel, parent: QModelIndex | None = None) -> list[str]:
    parent = parent or QModelIndex()
    texts = []
    columns = max(_count(model.columnCount, parent, 1), 1)
    for row in range(_count(model.rowCount, parent, 0)):
        for column in range(columns):
            index = model.index(row, column, parent)
            texts += [str(model.data(index, role)) for role in ROLES]
            if column == 0 and index.isValid() and _count(model.rowCount, index, 0) > 0:
                texts += model_texts(model, index)
    if not parent.isValid():
        texts += [str(model.headerData(i, Qt.Orientation.Horizontal)) for i in range(columns)]
    return texts


def python_values(start, found: list[str], seen: set[int], depth: int = 0) -> None:
    """Every string reachable from `start` through plain Python values (the state the tabs,
    models and caches keep), not through other QObjects, functions or SQLAlchemy."""
    if depth > 8 or id(start) in seen:
        return
    seen.add(id(start))
    if isinstance(start, str):
        found.append(start)
        return
    if isinstance(start, (int, float, bool, Decimal, date, datetime, enum.Enum, type, bytes)):
        return
    if start is None or callable(start) and not dataclasses.is_dataclass(start):
        return
    if isinstance(start, QObject) and depth > 0:
        return  # walked on its own
    module = type(start).__module__ or ""
    if module.startswith(("sqlalchemy", "PySide6", "shiboken6", "threading", "concurrent")):
        if not isinstance(start, QObject):
            return
    if isinstance(start, dict):
        for key, value in list(start.items()):
            python_values(key, found, seen, depth + 1)
            python_values(value, found, seen, depth + 1)
        return
    if isinstance(start, (list, tuple, set, frozenset)):
        for value in list(start):
            python_values(value, found, seen, depth + 1)
        return
    if dataclasses.is_dataclass(start):
        for field in dataclasses.fields(start):
            python_values(getattr(start, field.name, None), found, seen, depth + 1)
        return
    for name in getattr(type(start), "__slots__", ()):
        python_values(getattr(start, name, None), found, seen, depth + 1)
    state = getattr(start, "__dict__", None)
    if isinstance(state, dict):
        for value in list(state.values()):
            python_values(value, found, seen, depth + 1)


def leaks(texts) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for text in texts:
        for secret in SECRETS:
            if secret.lower() in str(text).lower():
                found.setdefault(secret, []).append(str(text)[:80])
    return found


def test_after_a_lock_no_widget_model_or_cache_holds_a_client_detail(qtbot, full_store):
    folder, first = full_store
    lock = InstanceLock(folder)
    lock.acquire()
    window = MainWindow(folder, lock, kdf_costs=CHEAP_KDF, ask_adviser=False, today=lambda: TODAY)
    qtbot.addWidget(window)
    window.show()
    window.unlock_page.passphrase.setText(PASSPHRASE)
    qtbot.keyClick(window.unlock_page.passphrase, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.workspace, timeout=10_000)

    # Fill every cache: search, open the client, every tab, the board.
    qtbot.keyClicks(window.client_list.search, "Quillfeather")
    qtbot.keyClick(window.client_list.search, Qt.Key.Key_Return)
    assert window.client_page.current_client_id() == first
    page = window.client_page
    qtbot.waitUntil(lambda: page.history_tab.verdict_texts() != {}, timeout=10_000)
    for index in range(page.tabs.count()):
        page.tabs.setCurrentIndex(index)
        qtbot.wait(20)
    qtbot.waitUntil(lambda: page.residence_tab.calendar._timeline is not None, timeout=10_000)
    qtbot.waitUntil(lambda: page.statements_tab.review() is not None, timeout=10_000)
    page.notes_tab.editor.setPlainText("Quilltyped and then the lock")
    page.details_tab.form.widgets["nationality"].setText("Quillnation and more")
    window.show_board()
    qtbot.waitUntil(lambda: window.board_feed.data is not None, timeout=20_000)
    window.show_clients()
    window.statusBar().showMessage("Imported zebedee-quillfeather.json.")
    # It was there (read without undoing anything).
    assert leaks(t for w in QApplication.allWidgets() for t in widget_texts(w, undo=False))

    window.lock()
    assert window.store.locked
    QThreadPool.globalInstance().waitForDone(10_000)  # late results arrive and are dropped
    qtbot.wait(50)

    shown = [t for w in QApplication.allWidgets() for t in widget_texts(w)]
    shown.append(window.statusBar().currentMessage())
    assert leaks(shown) == {}

    values: list[str] = []
    seen: set[int] = set()
    for obj in [window, *window.findChildren(QObject)]:
        python_values(obj, values, seen)
    python_values(operations._RUNNERS, values, seen)
    assert leaks(values) == {}

    # The caches named in the brief, one by one.
    assert window.client_list.model.rowCount() == 0
    assert list(window.client_list.model.index_data.search("")) == []
    assert window.board_feed.data is None
    assert page.residence_tab.calendar._timeline is None
    assert page.history_tab.history() == History()
    assert page.statements_tab.review() is None
    assert page.checklists_tab.checklists() == []

    # The engine's and printing's small module caches let go of the client too.
    from desktop.printing.common import shape_arabic
    from desktop.rules import days
    from desktop.rules import history as history_rules
    from desktop.rules.dated import date_parts

    assert days._LAST_TRIPS is None
    assert history_rules._LAST_WAITS is None
    assert date_parts.cache_info().currsize == 0
    assert shape_arabic.cache_info().currsize == 0
