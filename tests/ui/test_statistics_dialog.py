"""Tools > Statistics… (issue 22): the period, the counts off the UI thread, the suppressed
tables, Save CSV… / Save PDF…, accessible names and the keyboard."""

from __future__ import annotations

import datetime as dt
import os
import stat

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from desktop.store.models import Client, MatterRow, VisitRow
from desktop.ui.statistics_dialog import (
    StatisticsDialog,
    last_financial_year,
    last_full_quarter,
    last_month,
)

TODAY = dt.date(2026, 12, 7)


@pytest.fixture
def filled_store(store):
    now = dt.datetime(2026, 12, 7, 9, 0)
    with store.session() as s:
        for i in range(9):
            client = Client(
                full_name=f"Visible Name{i}",
                date_of_birth=dt.date(1980, 1, 1 + i),
                nationality="British" if i < 6 else "Zemblan",
                created_at=now,
                updated_at=now,
            )
            s.add(client)
            s.flush()
            matter = MatterRow(
                client_id=client.id,
                category="family",
                oisc_category="immigration",
                opened=dt.date(2026, 7, 2),
                centre="North",
            )
            s.add(matter)
            s.flush()
            s.add(VisitRow(client_id=client.id, matter_id=matter.id, on=dt.date(2026, 8, 3)))
    return store


def test_periods_offered():
    assert last_full_quarter(TODAY) == (dt.date(2026, 7, 1), dt.date(2026, 9, 30))
    assert last_full_quarter(dt.date(2026, 1, 5)) == (dt.date(2025, 10, 1), dt.date(2025, 12, 31))
    assert last_full_quarter(dt.date(2026, 4, 1)) == (dt.date(2026, 1, 1), dt.date(2026, 3, 31))
    assert last_month(TODAY) == (dt.date(2026, 11, 1), dt.date(2026, 11, 30))
    assert last_financial_year(TODAY) == (dt.date(2025, 4, 1), dt.date(2026, 3, 31))
    assert last_financial_year(dt.date(2026, 3, 31)) == (dt.date(2024, 4, 1), dt.date(2025, 3, 31))


def _count(qtbot, dialog):
    dialog.count()
    qtbot.waitUntil(lambda: dialog.stats is not None, timeout=20000)


def _cells(dialog):
    rows = {}
    for i in range(dialog.table.topLevelItemCount()):
        top = dialog.table.topLevelItem(i)
        rows[top.text(0)] = [top.text(c) for c in range(1, 4)]
        for j in range(top.childCount()):
            child = top.child(j)
            rows[f"{top.text(0)}/{child.text(0)}"] = [child.text(c) for c in range(1, 4)]
    return rows


def test_the_last_full_quarter_is_counted_off_the_ui_thread_and_shown_suppressed(
    qtbot, filled_store
):
    dialog = StatisticsDialog(filled_store, today=TODAY)
    qtbot.addWidget(dialog)
    assert (dialog.start.date(), dialog.end.date()) == (dt.date(2026, 7, 1), dt.date(2026, 9, 30))
    assert not dialog.csv_button.isEnabled()  # nothing counted yet
    _count(qtbot, dialog)
    cells = _cells(dialog)
    assert cells["Month"] == ["9", "9", "9"]
    assert cells["Nationality/British"] == ["6", "6", "6"] or "[c]" in cells["Nationality/British"]
    assert cells["Nationality/Other (under 5 each)"] == ["<5", "<5", "<5"]
    shown = " ".join(" ".join(v) + k for k, v in cells.items())
    assert "Visible" not in shown and "Zemblan" not in shown
    assert "9 clients" in dialog.summary.text()


def test_changing_the_period_clears_the_counts_and_a_backwards_period_is_refused(
    qtbot, filled_store
):
    dialog = StatisticsDialog(filled_store, today=TODAY)
    qtbot.addWidget(dialog)
    _count(qtbot, dialog)
    dialog.start.setText("2026-10-01")
    assert dialog.stats is None and not dialog.pdf_button.isEnabled()
    assert dialog.period.currentText() == "Dates typed below"
    assert not dialog.count_button.isEnabled()
    assert dialog.status.text().startswith("From:")
    assert dialog.count() is None


def test_save_csv_and_pdf_write_what_is_shown_readable_by_the_owner(qtbot, filled_store, tmp_path):
    dialog = StatisticsDialog(filled_store, today=TODAY)
    qtbot.addWidget(dialog)
    _count(qtbot, dialog)
    csv_path, pdf_path = tmp_path / "stats", tmp_path / "stats.pdf"
    dialog.choose_path = lambda *_a: csv_path
    op = dialog.save_csv()
    assert op is not None
    qtbot.waitUntil(lambda: (tmp_path / "stats.csv").exists(), timeout=20000)
    text = (tmp_path / "stats.csv").read_text(encoding="utf-8-sig")
    assert "Month,September 2026,9,0,0" in text and "Visible" not in text
    dialog.choose_path = lambda *_a: pdf_path
    dialog.save_pdf()
    qtbot.waitUntil(lambda: pdf_path.exists(), timeout=20000)
    assert pdf_path.read_bytes().startswith(b"%PDF")
    qtbot.waitUntil(lambda: dialog.status.text().startswith("Saved as"), timeout=20000)
    if os.name == "posix":
        assert stat.S_IMODE(pdf_path.stat().st_mode) == 0o600


def test_every_control_has_an_accessible_name_and_a_keyboard_way_in(qtbot, store):
    dialog = StatisticsDialog(store, today=TODAY)
    qtbot.addWidget(dialog)
    for widget in (
        dialog.period,
        dialog.start,
        dialog.end,
        dialog.count_button,
        dialog.csv_button,
        dialog.pdf_button,
        dialog.table,
        dialog.summary,
    ):
        assert widget.accessibleName(), widget
    buddies = {label.buddy() for label in dialog.findChildren(QLabel) if label.buddy()}
    assert {dialog.period, dialog.start, dialog.end} <= buddies
    for button in (dialog.count_button, dialog.csv_button, dialog.pdf_button):
        assert "&" in button.text()
    assert dialog.count_button.isDefault()


def test_count_by_keyboard_enter(qtbot, filled_store):
    dialog = StatisticsDialog(filled_store, today=TODAY)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.end.setFocus()
    qtbot.keyClick(dialog.end, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.stats is not None, timeout=20000)
