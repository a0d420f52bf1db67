"""Issue 15 point 4 in the window: erasing a client takes them out of the copies in backups/,
and a passphrase change re-encrypts them, with nothing asked (Enter or Esc used to keep the
copies, erased client and old passphrase included). The status bar says what was done, and
that backup files made elsewhere are out of reach."""

import pytest
from PySide6.QtWidgets import QMessageBox

from desktop.store import repository
from desktop.store.backups import params_of
from desktop.store.crypto import derive_key, read_header
from desktop.store.database import KeptCopiesResult, Store, _connect_raw
from desktop.store.errors import WrongPassphrase
from desktop.store.repository import ClientDetails
from desktop.ui import details_tab, kept_copies_dialog
from tests.ui.test_main_window import CHEAP_KDF, PASSPHRASE, make_window, unlock, wait_workspace

ERASED = "Tamsin Fictional-Erased"
OTHER = "Rhiannon Example"
NEW_PASSPHRASE = "tangerine lighthouse quietly orbits"


def _folder_with_kept_copies(tmp_path, copies):
    folder = tmp_path / "data"
    store = Store.create(folder, PASSPHRASE, CHEAP_KDF)
    with store.session() as s:
        repository.create_client(s, ClientDetails(full_name=ERASED), "Setup")
        repository.create_client(s, ClientDetails(full_name=OTHER), "Setup")
    for _ in range(copies):
        store._keep_copy("before-restore")
    store.close()
    return folder


def names_in(copy, passphrase):
    conn = _connect_raw(copy, derive_key(passphrase, read_header(params_of(copy))))
    try:
        return sorted(r[0] for r in conn.execute("SELECT full_name FROM clients"))
    finally:
        conn.close()


@pytest.fixture
def nothing_asked(monkeypatch):
    def fail(*_args, **_kwargs):
        pytest.fail("a question was asked")

    monkeypatch.setattr(QMessageBox, "exec", fail)
    monkeypatch.setattr(QMessageBox, "question", fail)


def open_window(qtbot, folder):
    window = make_window(qtbot, folder)
    unlock(qtbot, window)
    wait_workspace(qtbot, window)
    return window


def erase(window, monkeypatch, name=ERASED):
    with window.store.read_session() as s:
        [client_id] = [c.id for c in repository.list_summaries(s) if c.full_name == name]
    window.client_page.show_client(client_id)
    monkeypatch.setattr(details_tab, "confirm_delete", lambda parent, typed: True)
    assert window.client_page.details_tab.delete()
    return client_id


def test_erasing_a_client_takes_them_out_of_the_kept_copies(
    qtbot, tmp_path, monkeypatch, nothing_asked
):
    folder = _folder_with_kept_copies(tmp_path, 2)
    window = open_window(qtbot, folder)
    erase(window, monkeypatch)
    qtbot.waitUntil(lambda: window.statusBar().currentMessage().startswith("Client deleted"))
    status = window.statusBar().currentMessage()
    assert status.startswith("Client deleted, also from the 2 copies in the backups folder.")
    assert "cannot be reached from here and still hold this client" in status
    copies = window.store.kept_copies()
    assert len(copies) == 2  # kept: a restore can still be undone with them
    for copy in copies:
        assert names_in(copy, PASSPHRASE) == [OTHER]
    assert window.store.pending_kept_erasures() == {}


def test_with_no_kept_copies_the_line_names_backups_elsewhere(
    qtbot, tmp_path, monkeypatch, nothing_asked
):
    window = open_window(qtbot, _folder_with_kept_copies(tmp_path, 0))
    erase(window, monkeypatch)
    qtbot.waitUntil(lambda: window.statusBar().currentMessage().startswith("Client deleted"))
    status = window.statusBar().currentMessage()
    assert status.startswith("Client deleted. No copies are kept in the backups folder.")
    assert "File > Back up to file" in status


def test_a_passphrase_change_re_encrypts_the_kept_copies(qtbot, tmp_path, nothing_asked):
    folder = _folder_with_kept_copies(tmp_path, 2)
    window = open_window(qtbot, folder)
    with qtbot.waitSignal(
        window.change_passphrase_to(PASSPHRASE, NEW_PASSPHRASE).finished, timeout=10_000
    ):
        pass
    qtbot.waitUntil(lambda: "Passphrase changed" in window.statusBar().currentMessage())
    status = window.statusBar().currentMessage()
    assert "2 copies in the backups folder open with the new passphrase only." in status
    assert "still open with the old passphrase" in status  # files made elsewhere
    for copy in window.store.kept_copies():
        with pytest.raises(WrongPassphrase):
            names_in(copy, PASSPHRASE)
        assert names_in(copy, NEW_PASSPHRASE) == sorted([ERASED, OTHER])


@pytest.mark.parametrize(
    "result, expected",
    [
        (
            KeptCopiesResult(rewritten=1, untouched=2),
            "Client deleted, also from 1 of the 3 copies in the backups folder (the others did "
            "not hold this client).",
        ),
        (
            KeptCopiesResult(untouched=2),
            "Client deleted. The 2 copies in the backups folder did not hold this client.",
        ),
        (
            KeptCopiesResult(rewritten=2, deleted=1),
            "Client deleted, also from the 2 copies in the backups folder. 1 copy that could "
            "not be rewritten was deleted instead.",
        ),
        (
            KeptCopiesResult(rewritten=1, failed=("before-restore-20240101-101010.db",)),
            "Client deleted, also from the 1 copy in the backups folder. 1 copy could not be "
            "changed or deleted: delete before-restore-20240101-101010.db from the backups "
            "folder by hand.",
        ),
    ],
)
def test_the_erasure_line_says_what_happened_to_each_copy(result, expected):
    line = kept_copies_dialog.erasure_line(result)
    assert line.startswith(expected)
    assert line.endswith(kept_copies_dialog.ELSEWHERE_ERASED)


def test_the_passphrase_line_counts_copies_deleted_for_an_older_passphrase():
    line = kept_copies_dialog.passphrase_line(KeptCopiesResult(rewritten=2, deleted=1))
    assert line.startswith(
        "Passphrase changed. 2 copies in the backups folder open with the new passphrase only. "
        "1 copy that did not open with the old passphrase was deleted instead."
    )
    assert line.endswith(kept_copies_dialog.ELSEWHERE_PASSPHRASE)


def test_a_stopped_erasure_says_it_is_finished_after_the_next_unlock():
    class Locked:
        def erase_from_kept_copies(self):
            from desktop.store.errors import StoreLocked

            raise StoreLocked()

    line = kept_copies_dialog.reach_kept_copies(None, Locked(), kept_copies_dialog.ERASURE)
    assert line == (
        "Client deleted. Not every copy in the backups folder has been updated yet; this is "
        "finished the next time the store is unlocked."
    )


def test_an_erasure_not_yet_in_the_kept_copies_is_finished_after_unlocking(
    qtbot, tmp_path, nothing_asked
):
    """The app stopped between the erasure and the copies: the next unlock finishes it."""
    folder = _folder_with_kept_copies(tmp_path, 1)
    store = Store.open(folder, PASSPHRASE)
    with store.session() as s:
        [client_id] = [c.id for c in repository.list_summaries(s) if c.full_name == ERASED]
        repository.delete_client(s, client_id, "Setup")
    assert client_id in store.pending_kept_erasures()
    [copy] = store.kept_copies()
    store.close()
    assert names_in(copy, PASSPHRASE) == sorted([ERASED, OTHER])

    window = open_window(qtbot, folder)
    qtbot.waitUntil(lambda: window.store.pending_kept_erasures() == {}, timeout=10_000)
    assert names_in(copy, PASSPHRASE) == [OTHER]


def test_a_data_folder_on_a_network_drive_is_warned_about_once(qtbot, tmp_path, monkeypatch):
    warned = []
    monkeypatch.setattr(
        Store, "network_drive_warning", lambda self: "The data folder is on a network drive."
    )
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text: warned.append(text))
    window = open_window(qtbot, _folder_with_kept_copies(tmp_path, 0))
    assert warned == ["The data folder is on a network drive."]
    window.lock()
    qtbot.waitUntil(lambda: not window.unlocked, timeout=5_000)
    unlock(qtbot, window)
    wait_workspace(qtbot, window)
    assert len(warned) == 1
