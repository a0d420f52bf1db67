"""Issue 21 in the window: the sharing status line, Sync now and the background sync (off the UI
thread, never two at once, stopped by a lock), Settings > Sharing… (create, join, invite, remove)
and the review queue (both values, who and when; nothing settled without a choice).

The store's side (desktop.store.sync_folder / sync_engine) is stood in for by `FakeSharing`
through `sharing_status.set_api`; `test_the_real_store_side_*` at the end run the adapter on the
real modules once they exist."""

from __future__ import annotations

import datetime as dt
import re
import threading
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QGroupBox, QLabel, QLineEdit, QWidget

from desktop.store import repository
from desktop.store.database import Store
from desktop.store.lock import InstanceLock
from desktop.store.repository import ClientDetails
from desktop.ui import sharing_dialog, sharing_status
from desktop.ui.main_window import MainWindow
from desktop.ui.review_queue_dialog import ReviewQueueDialog
from desktop.ui.sharing_dialog import SharingDialog
from desktop.ui.sharing_status import (
    Candidate,
    Centre,
    Laptop,
    Report,
    Review,
    StoreSharing,
    status_line,
    when_words,
)

CHEAP_KDF = {"time_cost": 1, "memory_cost_kib": 8192, "parallelism": 1}
PASSPHRASE = "window test passphrase"
CENTRE_PASSPHRASE = "river lantern copper meadow"
NOW = dt.datetime(2026, 12, 7, 14, 30, tzinfo=dt.UTC)
WAIT = 10_000


# ---- a stand-in for the store's side -----------------------------------------------------------
@dataclass
class FakeSharing(StoreSharing):
    centre_now: Centre | None = None
    laptops_now: list[Laptop] = field(default_factory=list)
    reviews_now: list[Review] = field(default_factory=list)
    report: Report = field(default_factory=lambda: Report(changes_in=3, files_in=2, to_review=1))
    calls: list[tuple] = field(default_factory=list)
    threads: list[str] = field(default_factory=list)
    gate: threading.Event | None = None
    fail_with: BaseException | None = None
    on_sync: object = None

    def _note(self, *call) -> None:
        self.calls.append(call)
        self.threads.append(threading.current_thread().name)
        if self.fail_with is not None:
            raise self.fail_with

    def centre(self, store):
        return self.centre_now

    def laptops(self, store):
        return list(self.laptops_now)

    def create_centre(self, store, folder, centre_name, laptop_name, passphrase):
        self._note("create", str(folder), centre_name, laptop_name, passphrase)
        self.centre_now = Centre(centre_name, str(folder), "a1b2c3d4e5f60718", laptop_name, "K7 P2")
        self.laptops_now = [
            Laptop("a1b2c3d4e5f60718", laptop_name, "K7P2 9QXA", NOW, this_laptop=True)
        ]

    def join_centre(self, store, folder, invitation, laptop_name, passphrase):
        self._note("join", str(folder), str(invitation), laptop_name, passphrase)
        self.centre_now = Centre("Riverside", str(folder), "ffff", laptop_name, "AAAA")

    def make_invitation(self, store, out, passphrase):
        self._note("invite", str(out), passphrase)
        return out

    def remove_laptop(self, store, device_id):
        self._note("remove", device_id)
        self.laptops_now = [
            Laptop(lp.device_id, lp.name, lp.fingerprint, lp.last_seen, lp.this_laptop, True)
            if lp.device_id == device_id
            else lp
            for lp in self.laptops_now
        ]

    def sync(self, store, folder):
        if self.gate is not None:
            assert self.gate.wait(WAIT / 1000)
        self._note("sync", str(folder))
        if callable(self.on_sync):
            self.on_sync(store)
        return self.report

    def reviews(self, store):
        return list(self.reviews_now)

    def resolve(self, store, item_id, value, adviser=None):
        self._note("resolve", item_id, value)
        self.reviews_now = [r for r in self.reviews_now if r.item_id != item_id]


@pytest.fixture
def fake():
    original = sharing_status.api()
    stand_in = FakeSharing()
    sharing_status.set_api(stand_in)
    yield stand_in
    if stand_in.gate is not None:
        stand_in.gate.set()
    sharing_status.set_api(original)


def in_centre(fake: FakeSharing, folder: Path) -> FakeSharing:
    fake.centre_now = Centre("Riverside", str(folder), "a1b2c3d4e5f60718", "Front desk", "K7P2")
    fake.laptops_now = [
        Laptop("a1b2c3d4e5f60718", "Front desk", "K7P2 9QXA", NOW, this_laptop=True),
        Laptop("0011223344556677", "Back office", "M3RT 6YHB", NOW - dt.timedelta(days=2)),
    ]
    return fake


# ---- the window --------------------------------------------------------------------------------
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


def open_window(qtbot, folder) -> MainWindow:
    lock = InstanceLock(folder)
    lock.acquire()
    window = MainWindow(folder, lock, kdf_costs=CHEAP_KDF, ask_adviser=False)
    qtbot.addWidget(window)
    window.show()
    window.unlock_page.passphrase.setText(PASSPHRASE)
    qtbot.keyClick(window.unlock_page.passphrase, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.workspace, timeout=WAIT)
    return window


def status(window: MainWindow) -> str:
    return window.sharing_label.text().strip()


def test_status_words_follow_the_issue():
    centre = Centre("Riverside", "/media/share", "id", "Front desk", "FP")
    two_min_ago = Report(changes_in=3, to_review=1, at=NOW - dt.timedelta(minutes=2))
    assert status_line(None, None, NOW) == "Not shared"
    assert status_line(centre, two_min_ago, NOW) == "Shared 2 min ago - 3 changes in, 1 to review"
    one = Report(changes_in=1, at=NOW - dt.timedelta(seconds=5))
    assert status_line(centre, one, NOW) == "Shared just now - 1 change in"
    missing = sharing_status.FolderMissing("/media/share")
    assert str(missing) == "Sharing folder not found: /media/share"
    refused = Report(changes_in=0, refused=("a line",), waiting=("b",), at=NOW)
    assert status_line(centre, refused, NOW) == (
        "Shared just now - 0 changes in, 1 file refused, 1 file waiting for an update of this laptop"
    )


def test_when_words_use_uk_day_words_never_the_locale():
    local = NOW.astimezone()
    assert when_words(local - dt.timedelta(minutes=59), local) == "59 min ago"
    earlier = local - dt.timedelta(days=3)
    assert when_words(earlier, local) == "on " + sharing_status.weekday_date(earlier.date())
    assert re.fullmatch(r"on \w+day \d+ \w+ 2026", when_words(earlier, local))
    assert sharing_status.moment_words(None) == "never"


def test_the_menus_have_sync_review_and_sharing_with_their_own_letters(qtbot, seeded, fake):
    window = open_window(qtbot, seeded[0])
    assert window.sync_action.shortcut().toString() == "Ctrl+Shift+S"
    file_menu = window.menuBar().actions()[0].menu()
    settings_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Settings")
    assert window.sync_action in file_menu.actions()
    assert window.review_action in file_menu.actions()
    assert window.sharing_action in settings_menu.actions()
    for menu in (file_menu, settings_menu):
        letters = [
            re.search(r"&(\w)", a.text()).group(1).lower()
            for a in menu.actions()
            if "&" in a.text()
        ]
        assert len(letters) == len(set(letters)), menu.title()
    keys = [k for k, _what in window.shortcut_rows() if k]
    assert keys.count("Ctrl+Shift+S") == 1


def test_not_shared_then_sync_now_runs_off_the_ui_thread_and_says_what_came_in(
    qtbot, seeded, fake, tmp_path
):
    window = open_window(qtbot, seeded[0])
    assert status(window) == "Not shared"
    assert not window.sharing.timer.isActive()
    window.sync_now()  # no centre: nothing runs, the status bar says where to set it up
    assert fake.calls == []
    assert "Settings > Sharing" in window.statusBar().currentMessage()

    shared = tmp_path / "shared"
    shared.mkdir()
    in_centre(fake, shared)
    window.sync_now()
    qtbot.waitUntil(lambda: bool(fake.calls) and not window.sharing.running, timeout=WAIT)
    assert fake.calls == [("sync", str(shared))]
    assert fake.threads[0] != threading.main_thread().name
    assert status(window) == "Shared just now - 3 changes in, 1 to review"
    assert "In: 3 changes from 2 files" in window.sharing_label.toolTip()
    assert window.sharing.timer.isActive()  # every few minutes from now on


def test_two_syncs_never_overlap_and_a_lock_waits_then_stops_the_timer(
    qtbot, seeded, fake, tmp_path
):
    shared = tmp_path / "shared"
    shared.mkdir()
    in_centre(fake, shared)
    fake.gate = threading.Event()
    window = open_window(qtbot, seeded[0])
    assert window.sharing.timer.isActive()
    first = window.sync_now()
    assert first is not None and window.sharing.running
    assert window.sharing.sync_now(manual=False) is None  # the timer's tick while one runs
    assert window.sync_now() is None
    assert "already running" in window.statusBar().currentMessage()
    window.lock()  # waits for the sync: the store is not locked under it
    assert window.store is not None and not window.store.locked
    fake.gate.set()
    qtbot.waitUntil(lambda: window.store.locked, timeout=WAIT)
    assert [c[0] for c in fake.calls] == ["sync"]
    assert not window.sharing.timer.isActive()
    assert status(window) == "Not shared"  # nothing of the centre shows while locked


def test_a_missing_folder_is_said_in_the_status_line(qtbot, seeded, fake, tmp_path):
    gone = tmp_path / "unplugged stick"
    in_centre(fake, gone)
    window = open_window(qtbot, seeded[0])
    window.sync_now()
    qtbot.waitUntil(lambda: not window.sharing.running, timeout=WAIT)
    assert status(window) == f"Sharing folder not found: {gone}"
    assert fake.calls == []


def test_a_failed_sync_is_one_line_without_a_traceback(qtbot, seeded, fake, tmp_path):
    shared = tmp_path / "shared"
    shared.mkdir()
    in_centre(fake, shared)
    fake.fail_with = RuntimeError("Quentin Placeholder\nTraceback (most recent call last)")
    window = open_window(qtbot, seeded[0])
    window.sync_now()
    qtbot.waitUntil(lambda: not window.sharing.running, timeout=WAIT)
    text = status(window)
    assert text.startswith("Sharing stopped:") and "RuntimeError" in text
    assert "Quentin" not in text and "Traceback" not in text and "\n" not in text


def test_changes_in_show_in_the_list_and_never_overwrite_what_is_typed(
    qtbot, seeded, fake, tmp_path
):
    folder, ids = seeded
    shared = tmp_path / "shared"
    shared.mkdir()
    in_centre(fake, shared)

    def arrives(store):
        with store.session() as s:
            repository.create_client(s, ClientDetails(full_name="Zed Arrival"), "Other laptop")

    fake.on_sync = arrives
    window = open_window(qtbot, folder)
    window._show_client(ids[0])
    assert len(window.client_list.model.index_data) == 1
    window.client_list.search.setText("a")  # a search typed stays
    name = window.client_page.details_tab.form.widgets["full_name"]
    name.setText("Quentin Placeholder-Typed")
    assert window.client_page.has_unsaved_changes()
    window.sync_now()
    qtbot.waitUntil(lambda: not window.sharing.running, timeout=WAIT)
    assert window.client_list.search.text() == "a"
    assert len(window.client_list.model.index_data) == 2  # the client who came in
    assert window.client_list.model.row_of(ids[0]) >= 0  # still picked
    assert name.text() == "Quentin Placeholder-Typed"  # not reloaded under the typing
    assert "opened again" in window.statusBar().currentMessage()


# ---- Settings > Sharing… -----------------------------------------------------------------------
def visible_letters(dialog: QWidget) -> list[str]:
    found = []
    for widget in dialog.findChildren(QWidget):
        if not widget.isVisibleTo(dialog):
            continue
        if isinstance(widget, QAbstractButton):
            text = widget.text()
        elif isinstance(widget, QLabel) and widget.buddy() is not None:
            text = widget.text()
        elif isinstance(widget, QGroupBox):
            text = widget.title()
        else:
            continue
        hit = re.search(r"&([^&\s])", text.replace("&&", ""))
        if hit:
            found.append(hit.group(1).casefold())
    return found


def test_every_field_of_the_sharing_dialog_has_a_name_and_each_alt_letter_is_one(
    qtbot, store, fake, tmp_path
):
    dialog = SharingDialog(store)
    qtbot.addWidget(dialog)
    dialog.show()
    for mode in (dialog.create_choice, dialog.join_choice):
        mode.setChecked(True)
        letters = visible_letters(dialog)
        assert len(letters) == len(set(letters)), letters
    in_centre(fake, tmp_path)
    dialog.load()
    letters = visible_letters(dialog)
    assert len(letters) == len(set(letters)), letters
    for field_ in dialog.findChildren(QLineEdit):
        assert field_.accessibleName(), field_.objectName()


def test_create_a_centre_checks_the_fields_then_runs_off_the_ui_thread(
    qtbot, store, fake, tmp_path
):
    shared = tmp_path / "shared"
    shared.mkdir()
    dialog = SharingDialog(store)
    qtbot.addWidget(dialog)
    dialog.show()
    changed = []
    dialog.centre_changed.connect(lambda: changed.append(1))
    dialog.create_choice.setChecked(True)
    dialog.set_up()
    assert dialog.error.text() == "Choose the sharing folder."
    dialog.folder_field.setText(str(tmp_path / "nowhere"))
    dialog.set_up()
    assert dialog.error.text() == f"Sharing folder not found: {tmp_path / 'nowhere'}"
    dialog.folder_field.setText(str(shared))
    dialog.laptop_name_field.setText("Front  desk")
    dialog.centre_name_field.setText("Riverside Drop-in")
    dialog.passphrase_field.setText("short")
    dialog.set_up()
    assert "at least 4 words or 20 characters" in dialog.error.text()
    assert "short" not in dialog.error.text()
    dialog.passphrase_field.setText(CENTRE_PASSPHRASE)
    dialog.again_field.setText(CENTRE_PASSPHRASE + " x")
    dialog.set_up()
    assert dialog.error.text() == "The two centre passphrases are not the same."
    assert fake.calls == []
    dialog.again_field.setText(CENTRE_PASSPHRASE)
    dialog.set_up()
    qtbot.waitUntil(lambda: changed == [1], timeout=WAIT)
    assert fake.calls == [
        ("create", str(shared), "Riverside Drop-in", "Front desk", CENTRE_PASSPHRASE)
    ]
    assert fake.threads[0] != threading.main_thread().name
    assert dialog.passphrase_field.text() == "" and dialog.again_field.text() == ""
    assert dialog.shared.isVisibleTo(dialog) and not dialog.setup.isVisibleTo(dialog)
    assert dialog.laptop_names() == ["Front desk"]
    assert dialog.table.item(0, 3).text() == "This laptop"


def test_a_failed_join_keeps_what_was_typed_and_says_one_line(qtbot, store, fake, tmp_path):
    shared = tmp_path / "shared"
    shared.mkdir()
    invitation = tmp_path / "invitation.ddinv"
    invitation.write_bytes(b"age...")
    fake.fail_with = ValueError("the centre passphrase does not open this invitation")
    dialog = SharingDialog(store)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.join_choice.isChecked()  # most laptops join
    dialog.folder_field.setText(str(shared))
    dialog.laptop_name_field.setText("Back office")
    dialog.set_up()
    assert dialog.error.text() == "Choose the invitation file."
    dialog.invitation_field.setText(str(invitation))
    dialog.set_up()
    assert dialog.error.text() == "Type the centre passphrase."
    dialog.passphrase_field.setText("wrong words here now")
    dialog.set_up()
    qtbot.waitUntil(lambda: not dialog.busy, timeout=WAIT)
    assert dialog.error.text() == "The centre passphrase does not open this invitation."
    assert dialog.folder_field.text() == str(shared)
    assert dialog.laptop_name_field.text() == "Back office"
    assert dialog.invitation_field.text() == str(invitation)
    assert dialog.passphrase_field.text() == "wrong words here now"  # to correct, not retype
    assert dialog.setup.isVisibleTo(dialog)
    fake.fail_with = None
    dialog.set_up()
    qtbot.waitUntil(lambda: fake.centre_now is not None and not dialog.busy, timeout=WAIT)
    assert fake.calls[-1] == (
        "join",
        str(shared),
        str(invitation),
        "Back office",
        "wrong words here now",
    )


def test_make_an_invitation_and_remove_a_lost_laptop(qtbot, store, fake, tmp_path, monkeypatch):
    in_centre(fake, tmp_path)
    target = tmp_path / "for-back-office.ddinv"
    monkeypatch.setattr(sharing_dialog, "choose_invitation_target", lambda *_a: str(target))
    asked = []
    monkeypatch.setattr(
        sharing_dialog, "confirm_remove", lambda _p, name: asked.append(name) or True
    )
    dialog = SharingDialog(store)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.laptop_names() == ["Front desk", "Back office"]
    assert dialog.fingerprint_label.text() == "K7P2"
    assert not dialog.invite_button.isEnabled()  # the passphrase first
    dialog.invite_passphrase.setText(CENTRE_PASSPHRASE)
    dialog.make_invitation()
    qtbot.waitUntil(lambda: dialog.invite_done is not None, timeout=WAIT)
    assert fake.calls == [("invite", str(target), CENTRE_PASSPHRASE)]
    assert dialog.invite_passphrase.text() == ""
    assert str(target) in dialog.note.text()

    dialog.table.selectRow(0)  # this laptop cannot remove itself
    assert not dialog.remove_button.isEnabled()
    dialog.table.selectRow(1)
    assert dialog.remove_button.isEnabled()
    dialog.remove_selected()
    qtbot.waitUntil(lambda: not dialog.busy, timeout=WAIT)
    assert asked == ["Back office"]
    assert fake.calls[-1] == ("remove", "0011223344556677")
    assert dialog.table.item(1, 3).text() == "Removed"


def test_settings_sharing_from_the_window_starts_the_sync(
    qtbot, seeded, fake, tmp_path, monkeypatch
):
    shared = tmp_path / "shared"
    shared.mkdir()
    window = open_window(qtbot, seeded[0])

    def join_then_close(dialog):
        in_centre(fake, shared)
        dialog.centre_changed.emit()
        dialog.reject()
        return 0

    monkeypatch.setattr(SharingDialog, "exec", join_then_close)
    window.show_sharing()
    qtbot.waitUntil(lambda: fake.calls == [("sync", str(shared))], timeout=WAIT)
    qtbot.waitUntil(lambda: not window.sharing.running, timeout=WAIT)
    assert window.sharing.timer.isActive()
    assert status(window).startswith("Shared just now")


# ---- the review queue --------------------------------------------------------------------------
def two_values() -> list[Review]:
    when_a = dt.datetime(2026, 12, 4, 14, 5)
    when_b = dt.datetime(2026, 12, 4, 15, 20)
    return [
        Review(
            7,
            "Client 12",
            "Start date",
            12,
            (
                Candidate("3 March 2021", "2021-03-03", "Front desk", when_a),
                Candidate("13 March 2021", "2021-03-13", "Back office", when_b, stored=True),
            ),
            record="Permission 2",
        ),
        Review(
            8,
            "Client 14",
            "Decision",
            14,
            (
                Candidate("Granted", "granted", "Front desk", when_a),
                Candidate("Refused", "refused", "Back office", when_b),
            ),
            record="Application 1",
        ),
    ]


def test_the_review_queue_shows_both_values_with_who_and_when(qtbot, store, fake):
    fake.reviews_now = two_values()
    dialog = ReviewQueueDialog(store)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.item_texts() == [
        "Client 12 - Permission 2 - Start date",
        "Client 14 - Application 1 - Decision",
    ]
    assert dialog.record_label.text() == "Client 12 - Permission 2 - Start date"
    texts = dialog.choice_texts()
    assert texts[0].startswith("&1.  3 March 2021")
    assert "from Front desk, 4 December 2026 at 14:05" in texts[0]
    assert "from Back office, 4 December 2026 at 15:20" in texts[1]
    assert "(in the record until you choose)" in texts[1]  # which one shows meanwhile
    assert "(in the record" not in texts[0]
    letters = visible_letters(dialog)
    assert len(letters) == len(set(letters)), letters


def test_nothing_is_settled_without_a_choice_then_keep_this_one(qtbot, store, fake):
    fake.reviews_now = two_values()
    dialog = ReviewQueueDialog(store)
    qtbot.addWidget(dialog)
    dialog.show()
    resolved = []
    dialog.resolved.connect(resolved.append)
    assert not dialog.keep_button.isEnabled()  # no value is ticked for the adviser
    dialog.keep()
    assert fake.calls == []
    dialog.choose(1)
    assert dialog.keep_button.isEnabled()
    dialog.keep()
    qtbot.waitUntil(lambda: resolved == [12], timeout=WAIT)
    assert fake.calls == [("resolve", 7, "2021-03-13")]
    assert fake.threads[0] != threading.main_thread().name
    assert dialog.item_texts() == ["Client 14 - Application 1 - Decision"]
    assert not dialog.keep_button.isEnabled()  # the next one waits for its own choice


def test_an_empty_queue_says_so(qtbot, store, fake):
    dialog = ReviewQueueDialog(store)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.nothing.isVisibleTo(dialog)
    assert not dialog.splitter.isVisibleTo(dialog)


# ---- on the real store side (desktop.store.sync_folder / sync_engine) ---------------------------
@pytest.fixture
def two_laptops(tmp_path):
    front = Store.create(tmp_path / "front", "front passphrase", CHEAP_KDF)
    back = Store.create(tmp_path / "back", "back passphrase", CHEAP_KDF)
    shared = tmp_path / "shared"
    shared.mkdir()
    yield front, back, shared
    for opened in (front, back):
        if not opened.locked:
            opened.close()


def _set_up_in_dialog(qtbot, store, **fields) -> SharingDialog:
    dialog = SharingDialog(store)
    qtbot.addWidget(dialog)
    dialog.show()
    changed = []
    dialog.centre_changed.connect(lambda: changed.append(1))
    (dialog.create_choice if "centre_name" in fields else dialog.join_choice).setChecked(True)
    for name, value in fields.items():
        getattr(dialog, f"{name}_field").setText(value)
    dialog.set_up()
    qtbot.waitUntil(lambda: bool(changed) or dialog.error.isVisibleTo(dialog), timeout=30_000)
    assert changed == [1], dialog.error.text()
    return dialog


def test_the_real_store_side_create_invite_join_sync_and_review(
    qtbot, two_laptops, tmp_path, monkeypatch
):
    front, back, shared = two_laptops
    invitation = tmp_path / "usb" / f"back-office{sharing_dialog.INVITATION_SUFFIX}"
    invitation.parent.mkdir()
    monkeypatch.setattr(sharing_dialog, "choose_invitation_target", lambda *_a: str(invitation))
    api = sharing_status.api()
    assert api.centre(front) is None

    made = _set_up_in_dialog(
        qtbot,
        front,
        folder=str(shared),
        laptop_name="Front desk",
        centre_name="Riverside",
        passphrase=CENTRE_PASSPHRASE,
        again=CENTRE_PASSPHRASE,
    )
    assert made.laptop_names() == ["Front desk"]
    assert made.table.item(0, 3).text() == "This laptop"
    made.invite_passphrase.setText("not the centre passphrase at all")
    made.make_invitation()
    qtbot.waitUntil(lambda: made.error.isVisibleTo(made), timeout=30_000)
    assert made.error.text() == "That is not the centre passphrase."
    made.invite_passphrase.setText(CENTRE_PASSPHRASE)
    made.make_invitation()
    qtbot.waitUntil(lambda: made.invite_done is not None, timeout=30_000)
    assert invitation.is_file()

    joined = _set_up_in_dialog(
        qtbot,
        back,
        folder=str(shared),
        laptop_name="Back office",
        invitation=str(invitation),
        passphrase=CENTRE_PASSPHRASE,
    )
    assert set(joined.laptop_names()) == {"Front desk", "Back office"}

    with front.session() as s:
        client_id = repository.create_client(
            s, ClientDetails(full_name="Zed Arrival", phone="01632 960 000"), "Front"
        )
    assert api.sync(front, shared).changes_out >= 1
    came = api.sync(back, shared)
    assert came.changes_in >= 1 and came.at is not None
    with back.read_session() as s:
        (back_id,) = [c.id for c in repository.list_summaries(s) if c.full_name == "Zed Arrival"]
    api.sync(front, shared)

    # The same field on both laptops before they exchange: a review item on each.
    with front.session() as s:
        repository.update_client(
            s, client_id, ClientDetails(full_name="Zed Arrival", phone="07700 900 001"), "Front"
        )
    with back.session() as s:
        repository.update_client(
            s, back_id, ClientDetails(full_name="Zed Arrival", phone="07700 900 002"), "Back"
        )
    api.sync(front, shared)
    report = api.sync(back, shared)
    assert report.to_review == 1
    centre = api.centre(back)
    assert centre.laptop_name == "Back office" and centre.last.to_review == 1

    dialog = ReviewQueueDialog(back, adviser="Back")
    qtbot.addWidget(dialog)
    dialog.show()
    assert len(dialog.item_texts()) == 1
    assert dialog.item_texts()[0].startswith("Zed Arrival (client")
    texts = " ".join(dialog.choice_texts())
    assert "07700 900 001" in texts and "07700 900 002" in texts
    assert "Front desk" in texts and "Back office" in texts
    assert not dialog.keep_button.isEnabled()
    index = next(i for i, t in enumerate(dialog.choice_texts()) if "07700 900 001" in t)
    dialog.choose(index)
    dialog.keep()
    qtbot.waitUntil(lambda: dialog.item_texts() == [], timeout=WAIT)
    with back.read_session() as s:
        assert repository.get_client(s, back_id).phone == "07700 900 001"
    api.sync(back, shared)
    api.sync(front, shared)
    assert api.reviews(front) == []


def test_a_date_value_is_shown_in_words():
    assert sharing_status._value_words("2021-03-03") == "3 March 2021"
    assert sharing_status._value_words("07700 900 001") == "07700 900 001"
    assert sharing_status._value_words("2021-02-30") == "2021-02-30"


def test_the_window_on_a_real_centre_syncs_and_keeps_the_last_report_over_a_lock(
    qtbot, seeded, tmp_path
):
    folder, _ids = seeded
    shared = tmp_path / "shared"
    shared.mkdir()
    store = Store.open(folder, PASSPHRASE)
    sharing_status.api().create_centre(store, shared, "Riverside", "Front desk", CENTRE_PASSPHRASE)
    store.close()
    window = open_window(qtbot, folder)
    assert status(window) == "Shared - not exchanged yet"
    assert window.sharing.timer.isActive()
    window.sync_now()
    qtbot.waitUntil(lambda: not window.sharing.running, timeout=30_000)
    assert status(window) == "Shared just now - 0 changes in"
    assert "Out: 1 change" in window.sharing_label.toolTip()  # the client already here
    window.lock()
    qtbot.waitUntil(lambda: window.store.locked, timeout=WAIT)
    assert status(window) == "Not shared"
    window.unlock_page.passphrase.setText(PASSPHRASE)
    qtbot.keyClick(window.unlock_page.passphrase, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.workspace, timeout=WAIT)
    assert status(window) == "Shared just now - 0 changes in"  # the saved report


def test_an_erasure_that_came_in_is_carried_into_the_kept_copies(
    qtbot, seeded, fake, tmp_path, monkeypatch
):
    shared = tmp_path / "shared"
    shared.mkdir()
    in_centre(fake, shared)
    window = open_window(qtbot, seeded[0])
    reached = []
    monkeypatch.setattr(window.store, "pending_kept_erasures", lambda: True)
    monkeypatch.setattr(window, "reach_kept_copies", lambda: reached.append(1))
    window.sync_now()
    qtbot.waitUntil(lambda: not window.sharing.running, timeout=WAIT)
    assert reached == [1]
