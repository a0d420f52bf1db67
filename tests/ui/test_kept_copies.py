"""Issue 10 points 2 and 4 in the window: the delete dialog says what happens to the copies in
backups/ (issue 15 takes the client out of them: tests/ui/test_kept_copies_reached.py); the
Settings dialog holds how many copies are kept; a backup from a newer version is refused with
one clear message."""

import json
import zipfile

import pytest

from desktop.store import repository
from desktop.store.database import DB_NAME, HEADER_NAME
from desktop.ui import details_tab
from desktop.ui import main_window as main_window_module
from desktop.ui.settings_dialog import DEFAULT_KEPT_COPIES, KEEP_COPIES_SETTING, SettingsDialog
from tests.ui.test_kept_copies_reached import ERASED, _folder_with_kept_copies, open_window
from tests.ui.test_main_window import PASSPHRASE


@pytest.fixture
def with_copies(tmp_path):
    return _folder_with_kept_copies(tmp_path, 2)


def test_the_delete_dialog_warns_about_backups_before_anything_is_deleted(qtbot):
    dialog = details_tab.DeleteClientDialog(ERASED)
    qtbot.addWidget(dialog)
    labels = " ".join(w.text() for w in dialog.findChildren(details_tab.QLabel))
    assert "taken out of the copies kept in the data folder's backups" in labels
    assert "cannot be reached from here" in labels


def test_settings_hold_the_number_of_kept_copies_and_apply_it(qtbot, tmp_path, monkeypatch):
    folder = _folder_with_kept_copies(tmp_path, 4)
    window = open_window(qtbot, folder)
    shown = []

    def run(dialog):
        shown.append(dialog.kept_copies())
        dialog.kept_copies_field.setValue(2)
        return SettingsDialog.DialogCode.Accepted

    monkeypatch.setattr(SettingsDialog, "exec", run)
    window.edit_settings()
    assert shown == [DEFAULT_KEPT_COPIES]
    with window.store.read_session() as s:
        assert repository.get_setting(s, KEEP_COPIES_SETTING) == "2"
    assert len(window.store.kept_copies()) == 2


def test_the_settings_dialog_keeps_its_old_constructor_and_reads_the_new_field(qtbot):
    dialog = SettingsDialog(15)
    qtbot.addWidget(dialog)
    assert (dialog.auto_lock_minutes(), dialog.kept_copies()) == (15, DEFAULT_KEPT_COPIES)
    other = SettingsDialog(15, kept_copies=3)
    qtbot.addWidget(other)
    assert other.kept_copies() == 3
    assert KEEP_COPIES_SETTING == "kept_copies"


def test_a_backup_from_a_newer_version_is_refused_in_the_window(qtbot, with_copies, tmp_path):
    from desktop.store.crypto import derive_key, read_header
    from desktop.store.database import _connect_raw

    window = open_window(qtbot, with_copies)
    made = tmp_path / "made.ddbackup"
    with qtbot.waitSignal(window.backup_file(made).finished, timeout=10_000):
        pass
    unpacked = tmp_path / "unpacked"
    with zipfile.ZipFile(made) as zf:
        zf.extractall(unpacked)
    key = derive_key(PASSPHRASE, read_header(unpacked / HEADER_NAME))
    conn = _connect_raw(unpacked / DB_NAME, key)
    conn.execute("UPDATE alembic_version SET version_num = '0099'")
    conn.close()
    newer = tmp_path / "newer.ddbackup"
    manifest = json.loads((unpacked / "manifest.json").read_text())
    with zipfile.ZipFile(newer, "w") as zf:
        zf.writestr("manifest.json", json.dumps(manifest))
        zf.write(unpacked / HEADER_NAME, HEADER_NAME)
        zf.write(unpacked / DB_NAME, DB_NAME)

    warnings = []
    monkeypatch = pytest.MonkeyPatch()
    monkeypatch.setattr(
        main_window_module.QMessageBox,
        "warning",
        staticmethod(lambda parent, title, text, *a: warnings.append(text)),
    )
    try:
        with qtbot.waitSignal(window.restore_file(newer, PASSPHRASE).finished, timeout=10_000):
            pass
    finally:
        monkeypatch.undo()
    [warning] = warnings
    assert warning.startswith("This backup was made by a newer version of Drop-in Desk")
    assert warning.count("Nothing was replaced") == 1
    assert len(window.store.kept_copies()) == 2  # no copy added
    assert window.client_list.model.rowCount() == 2
