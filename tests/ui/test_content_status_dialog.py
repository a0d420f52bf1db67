"""Help > Content and sources…, the "warn when guidance content is older than N days"
setting, and the window's menu items and status-bar warning."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from desktop import content
from desktop.content import ContentInUse, ContentStatus
from desktop.rules.content_pack import content_ages
from desktop.store import repository
from desktop.ui.content_status_dialog import ContentStatusDialog, summary_line
from desktop.ui.settings_dialog import (
    CONTENT_WARN_DAYS_SETTING,
    DEFAULT_CONTENT_WARN_DAYS,
    SettingsDialog,
    content_warn_days,
)
from tests.ui.test_main_window import PASSPHRASE, make_window, unlock, wait_workspace


def status(problem: str = "") -> ContentStatus:
    ages = content_ages(
        [
            ("checklists/fee_waiver.toml", date(2026, 12, 1)),
            ("rules/fees.toml", date(2025, 1, 1)),
            ("checklists/_phrases.toml", None),
        ],
        date(2026, 12, 6),
        180,
    )
    in_use = ContentInUse(content.KEYS_DIR.parent, "pack", 5, date(2026, 12, 1), problem)
    return ContentStatus(in_use, ages, 180, (4, 5))


def test_every_file_is_listed_with_its_date_and_the_stale_are_marked_in_words(qtbot):
    dialog = ContentStatusDialog(status())
    qtbot.addWidget(dialog)
    rows = {
        dialog.table.item(r, 0).text(): (
            dialog.table.item(r, 1).text(),
            dialog.table.item(r, 2).text(),
        )
        for r in range(dialog.table.rowCount())
    }
    assert rows["checklists/fee_waiver.toml"] == ("checked on 2026-12-01", "Checked recently")
    assert rows["rules/fees.toml"] == ("checked on 2025-01-01", "Older than 180 days: check it")
    assert rows["checklists/_phrases.toml"] == ("no date", "No date: check it")
    assert dialog.marked_rows() == ["checklists/_phrases.toml", "rules/fees.toml"]
    assert "In use: content pack 5, made on 2026-12-01. Installed update packs: 4, 5." == (
        dialog.in_use.text()
    )
    assert "2 of 3 guidance files" in dialog.summary.text()
    assert dialog.problem.isHidden()


def test_a_pack_not_used_is_said_plainly(qtbot):
    dialog = ContentStatusDialog(status("The installed content pack 5 cannot be used (x)"))
    qtbot.addWidget(dialog)
    assert not dialog.problem.isHidden()
    assert dialog.problem.accessibleName() == "Problem with the installed content"


def test_the_summary_line_when_all_is_fresh():
    fresh = ContentStatus(
        status().in_use,
        content_ages([("rules/fees.toml", date(2026, 12, 1))], date(2026, 12, 6), 180),
        180,
        (),
    )
    assert summary_line(fresh) == "All 1 guidance files were checked in the last 180 days."


def test_the_warning_age_setting_defaults_to_180_and_is_kept_in_range(qtbot):
    assert DEFAULT_CONTENT_WARN_DAYS == 180
    assert content_warn_days(None) == 180
    assert content_warn_days("junk") == 180
    assert content_warn_days("90") == 90
    assert content_warn_days("0") == 7
    dialog = SettingsDialog(10, warn_days=90)
    qtbot.addWidget(dialog)
    assert dialog.warn_days() == 90
    assert "older than this many days" in dialog.warn_days_field.accessibleName()
    dialog.warn_days_field.setValue(30)
    assert dialog.warn_days() == 30


@pytest.fixture
def window(qtbot, tmp_path, monkeypatch):
    from desktop.store.database import Store
    from tests.ui.test_main_window import CHEAP_KDF

    folder = tmp_path / "data"
    Store.create(folder, PASSPHRASE, CHEAP_KDF).close()
    win = make_window(qtbot, folder)
    yield win
    content.use_data_folder(None)


def test_the_menus_have_keyboard_access(window):
    assert window.content_update_action.text() == "Install &content update…"
    assert window.content_status_action.text() == "Content and &sources…"
    assert window.content_status_action.isEnabled()  # readable while locked
    assert not window.content_update_action.isEnabled()  # installs only when unlocked


def test_the_status_bar_warns_when_content_is_older_than_the_setting(qtbot, window):
    window.today = lambda: date(2030, 1, 1)  # every bundled file is years old then
    unlock(qtbot, window)
    wait_workspace(qtbot, window)
    assert window.content_warning.isVisible()
    assert "guidance files were last checked more than 180 days ago" in (
        window.content_warning.text()
    )
    with window.store.session() as session:
        repository.set_setting(session, CONTENT_WARN_DAYS_SETTING, "3650")
    window.warn_old_content()
    assert "180 days" not in window.content_warning.text()


def test_help_content_and_sources_opens_the_list(qtbot, window):
    unlock(qtbot, window)
    wait_workspace(qtbot, window)
    dialog = window.show_content_status()
    qtbot.addWidget(dialog)
    assert dialog.table.rowCount() >= 10
    assert dialog.in_use.text().startswith("In use: the content that came with the app")
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert dialog.result() == QDialog.DialogCode.Rejected


def test_go_back_asks_then_rolls_back_and_says_what_is_in_use(qtbot, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    calls = []
    bundled = ContentInUse(content.KEYS_DIR.parent, "bundled", 1, date(2026, 12, 6))

    def rollback():
        calls.append("rolled back")
        return bundled

    dialog = ContentStatusDialog(status(), rollback=rollback)
    qtbot.addWidget(dialog)
    assert dialog.rollback_button.isEnabled()
    assert dialog.rollback_button.accessibleName() == "Go back to the previous content"
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.No)
    assert not dialog.go_back() and calls == []  # "No" changes nothing
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    assert dialog.go_back() and calls == ["rolled back"]
    assert dialog.in_use.text().startswith("In use now: the content that came with the app")
    assert not dialog.rollback_button.isEnabled()  # nothing further to go back from


def test_go_back_that_fails_says_why_and_changes_nothing_shown(qtbot, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    def rollback():
        raise content.ContentPackError("there is nothing to roll back")

    dialog = ContentStatusDialog(status(), rollback=rollback)
    qtbot.addWidget(dialog)
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    assert not dialog.go_back()
    assert dialog.problem.text() == "Could not go back: there is nothing to roll back"
    assert dialog.in_use.text().startswith("In use: content pack 5")


def test_no_go_back_button_without_a_way_back(qtbot):
    bundled = ContentInUse(content.KEYS_DIR.parent, "bundled", 1, date(2026, 12, 6))
    dialog = ContentStatusDialog(ContentStatus(bundled, (), 180, ()), rollback=lambda: None)
    qtbot.addWidget(dialog)
    assert not dialog.rollback_button.isEnabled()  # the app's own content: nothing to leave
    assert ContentStatusDialog(status()).rollback_button.isHidden()
