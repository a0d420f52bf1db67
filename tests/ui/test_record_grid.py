from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTableWidgetItem

from desktop.ui.widgets.record_table import RecordGrid


def test_keys_map_to_add_edit_delete_and_selection_is_one_row(qtbot):
    calls = []
    grid = RecordGrid(
        ["A", "B"],
        "Things",
        on_add=lambda: calls.append("add"),
        on_edit=lambda: calls.append("edit"),
        on_delete=lambda: calls.append("delete"),
    )
    qtbot.addWidget(grid)
    grid.setRowCount(2)
    for row in range(2):
        grid.setItem(row, 0, QTableWidgetItem(f"r{row}"))
    assert grid.current_row() is None
    grid.selectRow(1)
    assert grid.current_row() == 1
    for key in (Qt.Key.Key_Insert, Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Delete):
        qtbot.keyClick(grid, key)
    assert calls == ["add", "edit", "edit", "delete"]
    assert grid.accessibleName() == "Things"
