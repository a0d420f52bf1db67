"""The History tab: a saved record is selected and scrolled into view (issue 19)."""

from datetime import date

from PySide6.QtCore import QRect
from PySide6.QtWidgets import QApplication

from desktop.rules.history import History, Permission
from desktop.store.repository import ClientDetails, create_client, save_history
from desktop.ui.history_tab import HistoryTab

TODAY = date(2024, 6, 1)
#: Ten one-year permissions: more rows than the permissions table shows at once.
MANY = History(
    permissions=tuple(
        Permission("skilled_worker", date(2010 + n, 1, 1), date(2010 + n, 12, 31))
        for n in range(10)
    )
)


def visible_in_tab(tab: HistoryTab, kind: str, row: int) -> bool:
    """The row's first cell is inside the table's viewport and the tab's scrolled view."""
    table = tab.tables[kind].table
    rect = table.visualItemRect(table.item(row, 0))
    if not table.viewport().rect().contains(rect):
        return False
    top_left = table.viewport().mapTo(tab.scroll.viewport(), rect.topLeft())
    on_screen = QRect(top_left, rect.size())
    return tab.scroll.viewport().rect().contains(on_screen)


def test_a_saved_permission_is_selected_and_scrolled_into_view(qtbot, store):
    with store.session() as s:
        client_id = create_client(s, ClientDetails(full_name="Amina Testcase"), "Setup")
        save_history(s, client_id, MANY, "Setup")
    tab = HistoryTab()
    qtbot.addWidget(tab)
    tab.set_context(store, "Sam Adviser", lambda: TODAY)
    tab.resize(1000, 420)  # a laptop's share of the window
    tab.show()
    qtbot.waitExposed(tab)
    tab.load(client_id)
    table = tab.tables["permission"].table
    table.selectRow(0)  # the adviser was looking at the first one
    added = Permission("skilled_worker", date(2020, 1, 1), date(2022, 12, 31))
    assert tab.apply_record("permission", None, added) == []
    QApplication.processEvents()
    assert tab.history().permissions[10] == added
    assert tab.tables["permission"].current_row() == 10
    assert visible_in_tab(tab, "permission", 10)
    # Edited too: the changed row is the one selected.
    changed = Permission("skilled_worker", date(2010, 1, 1), date(2010, 12, 30))
    assert tab.apply_record("permission", 0, changed) == []
    QApplication.processEvents()
    assert tab.tables["permission"].current_row() == 0
    assert visible_in_tab(tab, "permission", 0)
