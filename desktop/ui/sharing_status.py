"""Sharing in the window (issue 21): what the window and its two sharing dialogs ask of the
store, the status-bar words, and the background sync that runs every few minutes.

The store's side is `desktop.store.sync_folder` (the centre, its laptops, the shared folder, one
`sync`) and `desktop.store.sync_engine` (the review queue). The window reaches them through
`api()`, a small adapter that hands back this module's own plain values (`Centre`, `Laptop`,
`Report`, `Review`), so the dialogs never depend on the store's row types and tests can stand in
a fake for the whole of it.

Status words ("Not shared", "Shared 2 min ago - 3 changes in, 1 to review", "Sharing folder not
found: D:\\Centre") are made here; dates in words come from `desktop.rules.datetext` (never
strftime, whose month names follow the desktop's language). The folder's path is not client
data, so it may be shown.

A sync is slow (it reads, decrypts and applies files) and so runs off the UI thread through the
window's runner (`MainWindow.run`, so a lock or a quit waits for it to finish). Two never overlap:
a timer tick or a "Sync now" while one runs is not started again. A lock stops the timer.
"""

from __future__ import annotations

import datetime as dt
import importlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from desktop.rules.datetext import long_date, weekday_date

#: A sync runs this often while a sharing folder is set (and the window is unlocked).
SYNC_EVERY_MS = 5 * 60_000
#: The status line's "2 min ago" is worked out again this often.
STATUS_REFRESH_MS = 30_000

NOT_SHARED = "Not shared"
FOLDER_MISSING = "Sharing folder not found: {folder}"
SYNCING = "Sharing: exchanging changes with the folder…"
NEVER_SYNCED = "Shared - not exchanged yet"
PROBLEM = "Sharing stopped: {line}"
#: The centre passphrase's policy (as the command line's): enough to resist guessing offline.
MIN_PASSPHRASE_WORDS = 4
MIN_PASSPHRASE_CHARS = 20


# ---- plain values the dialogs show ------------------------------------------------------------
@dataclass(frozen=True)
class Centre:
    """This laptop's centre: its name, the shared folder, and this laptop's own entry."""

    name: str
    folder: str
    device_id: str
    laptop_name: str
    fingerprint: str
    last_synced: dt.datetime | None = None
    #: The last sync's report as saved in the store (shown after unlocking).
    last: Report | None = None


@dataclass(frozen=True)
class Laptop:
    device_id: str
    name: str
    fingerprint: str
    last_seen: dt.datetime | None = None
    this_laptop: bool = False
    removed: bool = False


@dataclass(frozen=True)
class Report:
    """What one sync did: changes in (from how many files), changes out, reviews open now,
    and one line for each file refused or waiting (no client data in them)."""

    changes_in: int = 0
    files_in: int = 0
    changes_out: int = 0
    to_review: int = 0
    refused: tuple[str, ...] = ()
    waiting: tuple[str, ...] = ()
    at: dt.datetime | None = None


@dataclass(frozen=True)
class Candidate:
    """One value a field could keep: as shown (words), the raw value to keep, from which
    laptop, and when it was written."""

    shown: str
    value: Any
    laptop: str
    when: dt.datetime | None = None
    #: The value the record holds while the item waits (the same on every laptop).
    stored: bool = False


@dataclass(frozen=True)
class Review:
    """A field two laptops changed at once: the record in words and each value."""

    item_id: int
    section: str
    label: str
    client_id: int | None
    candidates: tuple[Candidate, ...] = field(default_factory=tuple)
    record: str = ""


class FolderMissing(ValueError):
    def __init__(self, folder: str) -> None:
        super().__init__(FOLDER_MISSING.format(folder=folder))
        self.folder = folder


# ---- words -------------------------------------------------------------------------------------
def plural(number: int, one: str, many: str | None = None) -> str:
    return f"{number} {one if number == 1 else (many or one + 's')}"


def when_words(moment: dt.datetime, now: dt.datetime) -> str:
    """ "just now", "2 min ago", "today at 14:05", "yesterday at 09:10", "on Friday 4 December
    2026" (local time; UK words)."""
    moment, now = _local(moment), _local(now)
    seconds = (now - moment).total_seconds()
    if 0 <= seconds < 60:
        return "just now"
    if 0 <= seconds < 3600:
        return f"{int(seconds // 60)} min ago"
    clock = f"{moment.hour:02d}:{moment.minute:02d}"
    if moment.date() == now.date():
        return f"today at {clock}"
    if moment.date() == now.date() - dt.timedelta(days=1):
        return f"yesterday at {clock}"
    return f"on {weekday_date(moment.date())}"


def moment_words(moment: dt.datetime | None) -> str:
    """ "4 December 2026 at 14:05" (local time), or "never"."""
    if moment is None:
        return "never"
    local = _local(moment)
    return f"{long_date(local.date())} at {local.hour:02d}:{local.minute:02d}"


def _local(moment: dt.datetime) -> dt.datetime:
    if moment.tzinfo is None:
        return moment
    return moment.astimezone()


def report_words(report: Report) -> str:
    """ "3 changes in, 1 to review" (and the refused or waiting files, counted)."""
    parts = [plural(report.changes_in, "change") + " in"]
    if report.to_review:
        parts.append(f"{report.to_review} to review")
    if report.refused:
        parts.append(plural(len(report.refused), "file") + " refused")
    if report.waiting:
        parts.append(plural(len(report.waiting), "file") + " waiting for an update of this laptop")
    return ", ".join(parts)


def report_details(report: Report) -> str:
    """The tooltip: everything the sync did, one line each."""
    lines = [
        f"In: {plural(report.changes_in, 'change')} from {plural(report.files_in, 'file')}",
        f"Out: {plural(report.changes_out, 'change')}",
        f"To review: {report.to_review}",
    ]
    lines += [f"Refused: {line}" for line in report.refused]
    lines += [f"Waiting: {line}" for line in report.waiting]
    return "\n".join(lines)


def status_line(
    centre: Centre | None,
    report: Report | None,
    now: dt.datetime,
    problem: str = "",
    syncing: bool = False,
) -> str:
    if centre is None:
        return NOT_SHARED
    if syncing:
        return SYNCING
    if problem:
        return problem
    if report is None or report.at is None:
        report = centre.last
    if report is None or report.at is None:
        if centre.last_synced is not None:
            return f"Shared {when_words(centre.last_synced, now)}"
        return NEVER_SYNCED
    return f"Shared {when_words(report.at, now)} - {report_words(report)}"


def problem_line(exc: BaseException) -> str:
    """One line a person can act on, never a traceback nor a client's value."""
    if isinstance(exc, ValueError):
        text = (str(exc).strip().splitlines() or [""])[0].strip() or "that could not be used"
    elif isinstance(exc, OSError):
        text = f"the folder could not be read or written ({exc.strerror or type(exc).__name__})"
    else:
        text = f"something went wrong ({type(exc).__name__}); nothing was changed"
    text = text[:1].upper() + text[1:]
    return text if text.endswith((".", "?", "!", ")")) or ": " in text else text + "."


def passphrase_problem(text: str, again: str | None = None) -> str:
    """Why a new centre passphrase cannot be used ("" when it can)."""
    if len(text.split()) < MIN_PASSPHRASE_WORDS and len(text) < MIN_PASSPHRASE_CHARS:
        return (
            f"The centre passphrase needs at least {MIN_PASSPHRASE_WORDS} words or "
            f"{MIN_PASSPHRASE_CHARS} characters."
        )
    if again is not None and again != text:
        return "The two centre passphrases are not the same."
    return ""


# ---- the store's side --------------------------------------------------------------------------
class StoreSharing:
    """Maps the window's questions onto desktop.store.sync_folder / sync_engine (looked up when
    used, so the window starts without them and tests can replace `api`)."""

    @staticmethod
    def _folder_module():
        return importlib.import_module("desktop.store.sync_folder")

    @staticmethod
    def _engine_module():
        return importlib.import_module("desktop.store.sync_engine")

    def centre(self, store) -> Centre | None:
        folder = self._folder_module()
        from desktop.store.referral_file import own_identity

        with store.read_session() as session:
            found = folder.centre_of(session)
            if found is None:
                return None
            fingerprint = own_identity(session).fingerprint
            last = folder.last_report(session)
        return Centre(
            name=found.name,
            folder=found.folder,
            device_id=found.device,
            laptop_name=found.laptop,
            fingerprint=fingerprint,
            last_synced=_stamp(last.get("at")) if last else None,
            last=_saved_report(last) if last else None,
        )

    def laptops(self, store) -> list[Laptop]:
        folder = self._folder_module()
        with store.read_session() as session:
            found = folder.centre_of(session)
        me = found.device if found is not None else ""
        return [
            Laptop(
                device_id=device.id,
                name=device.name,
                fingerprint=device.fingerprint,
                last_seen=_stamp(device.last_seen),
                this_laptop=device.id == me,
                removed=device.removed,
            )
            for device in folder.list_devices(store)
        ]

    def create_centre(
        self, store, folder: Path, centre_name: str, laptop_name: str, passphrase: str
    ) -> None:
        self._folder_module().create_centre(store, folder, centre_name, passphrase, laptop_name)

    def join_centre(
        self, store, folder: Path, invitation: Path, laptop_name: str, passphrase: str
    ) -> None:
        from desktop.files import read_limited

        module = self._folder_module()
        data = read_limited(invitation, module.INVITATION_LIMIT, "invitation file")
        module.join_centre(store, folder, data, passphrase, laptop_name)

    def make_invitation(self, store, out: Path, passphrase: str) -> Path:
        module = self._folder_module()
        invitation = module.make_invitation(store, passphrase)
        module.write_file(Path(out), invitation.data)
        return Path(out)

    def remove_laptop(self, store, device_id: str) -> None:
        self._folder_module().remove_device(store, device_id)

    def sync(self, store, folder: Path) -> Report:
        done = self._folder_module().sync(store, folder)
        return Report(
            changes_in=done.changes_in,
            files_in=done.files_in,
            changes_out=done.changes_out,
            to_review=done.to_review,
            refused=tuple(done.refused),
            waiting=tuple(done.waiting),
            at=done.at,
        )

    def reviews(self, store) -> list[Review]:
        engine = self._engine_module()
        try:  # the laptops' names, from the folder; their ids when it cannot be read
            names = {laptop.device_id: laptop.name for laptop in self.laptops(store)}
        except Exception:  # noqa: BLE001
            names = {}
        from desktop.store.models import Client

        with store.read_session() as session:
            items = engine.review_items(session, names)
            clients = {
                item.client_id: session.get(Client, item.client_id)
                for item in items
                if item.client_id is not None
            }
            return [
                Review(
                    item_id=item.id,
                    section=_client_words(item.client_id, clients.get(item.client_id)),
                    label=item.label,
                    client_id=item.client_id,
                    candidates=tuple(
                        Candidate(_value_words(c.shown), c.value, c.who, c.when, c.stored)
                        for c in item.candidates
                    ),
                    record=item.section,
                )
                for item in items
            ]

    def resolve(self, store, item_id: int, value: Any, adviser: str | None = None) -> None:
        engine = self._engine_module()
        with store.session() as session:
            engine.resolve(session, item_id, value, adviser)


def _stamp(value: object) -> dt.datetime | None:
    """A saved "2026-12-07T14:05:00Z" as a moment (None when missing or not a time)."""
    if not isinstance(value, str):
        return None
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)


def _saved_report(saved: dict) -> Report | None:
    """The last sync's report as desktop.store.sync_folder saved it (counts only)."""
    at = _stamp(saved.get("at"))
    if at is None:
        return None

    def count(key: str) -> int:
        value = saved.get(key, 0)
        return value if isinstance(value, int) and value >= 0 else 0

    return Report(
        changes_in=count("in"),
        files_in=count("files"),
        changes_out=count("out"),
        to_review=count("review"),
        refused=("a file was refused",) * min(count("refused"), 1000),
        waiting=("a file waits for an update of this laptop",) * min(count("waiting"), 1000),
        at=at,
    )


_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _value_words(shown: str) -> str:
    """A date the store holds as ISO text ("2021-03-03") in words ("3 March 2021")."""
    if isinstance(shown, str) and _ISO_DATE.fullmatch(shown):
        try:
            return long_date(dt.date.fromisoformat(shown))
        except ValueError:
            return shown
    return shown


def _client_words(client_id: int | None, client) -> str:
    if client_id is None:
        return ""
    if client is None:
        return f"Client {client_id}"
    return f"{client.full_name} (client {client_id})"


_API: StoreSharing = StoreSharing()


def api() -> StoreSharing:
    return _API


def set_api(replacement: StoreSharing) -> None:
    """Tests stand in a fake for the store's side."""
    global _API
    _API = replacement


# ---- the background sync -----------------------------------------------------------------------
class SharingSync(QObject):
    """Runs `api().sync` off the UI thread: on `sync_now()` and every SYNC_EVERY_MS while
    started with a centre. `status_changed(text, tooltip)` after each change of state;
    `synced(report, prepared)` after a sync that worked (the window then shows what came in);
    `prepared` is what `prepare(store)` returned, worked out on the same thread after a sync
    that brought changes in (the client list's index: slow at 10,000 clients), else None."""

    status_changed = Signal(str, str)
    synced = Signal(object, object)

    def __init__(
        self,
        parent: QObject,
        runner: Callable[..., Any],
        now: Callable[[], dt.datetime] = lambda: dt.datetime.now().astimezone(),
        prepare: Callable[[Any], Any] | None = None,
    ) -> None:
        super().__init__(parent)
        self.runner = runner
        self.prepare = prepare
        self.now = now
        self.store = None
        self.centre: Centre | None = None
        self.report: Report | None = None
        self.problem = ""
        self.running = False
        self.timer = QTimer(self)
        self.timer.setInterval(SYNC_EVERY_MS)
        self.timer.timeout.connect(lambda: self.sync_now(manual=False))
        self.words_timer = QTimer(self)
        self.words_timer.setInterval(STATUS_REFRESH_MS)
        self.words_timer.timeout.connect(self._say)

    # -- state
    def start(self, store) -> None:
        """After unlocking (or after the Sharing dialog changed the centre): read the centre
        and run the timer while there is one."""
        self.store = store
        try:
            self.centre = api().centre(store)
        except Exception as exc:  # noqa: BLE001 - the window opens whatever the sharing state
            self.centre = None
            self.problem = PROBLEM.format(line=problem_line(exc))
        if self.centre is None:
            self.timer.stop()
            self.words_timer.stop()
        else:
            if not self.timer.isActive():
                self.timer.start()
            self.words_timer.start()
        self._say()

    def stop(self) -> None:
        """On lock and on closing: no new sync starts (one running finishes first: the lock
        waits for it)."""
        self.timer.stop()
        self.words_timer.stop()
        self.store = None
        self.centre = None
        self.report = None
        self.problem = ""
        self._say()

    def text(self) -> str:
        return status_line(self.centre, self.report, self.now(), self.problem, self.running)

    def tooltip(self) -> str:
        if self.centre is None:
            return "This laptop shares no records. Settings > Sharing… sets it up."
        lines = [f"Centre: {self.centre.name}", f"Sharing folder: {self.centre.folder}"]
        if self.report is not None:
            lines.append(report_details(self.report))
        lines.append("File > Sync now (Ctrl+Shift+S) exchanges changes now.")
        return "\n".join(lines)

    def _say(self) -> None:
        self.status_changed.emit(self.text(), self.tooltip())

    def set_to_review(self, count: int) -> None:
        """After the review queue changed: the status line's count follows."""
        if self.report is not None and self.report.to_review != count:
            self.report = Report(**{**self.report.__dict__, "to_review": count})
            self._say()

    # -- the sync
    def sync_now(self, manual: bool = True):
        """Start a sync unless one runs or there is no centre; the Operation, else None."""
        if self.running or self.store is None or self.centre is None:
            return None
        store, folder = self.store, self.centre.folder
        when, prepare = self.now, self.prepare

        def work(progress):
            path = Path(folder)
            if not path.is_dir():
                raise FolderMissing(folder)
            progress(10, "Exchanging changes with the sharing folder")
            report = api().sync(store, path)
            report = Report(**{**report.__dict__, "at": report.at or when()})
            prepared = None
            if report.changes_in and prepare is not None:
                progress(90, "Reading the client list again")
                prepared = prepare(store)
            return report, prepared

        self.running = True
        self._say()
        try:
            return self.runner("Sharing", work, self._done, self._failed, show_progress=manual)
        except Exception as exc:  # noqa: BLE001 - a runner that could not start
            self._failed(exc)
            return None

    def _done(self, result: tuple[Report, Any]) -> None:
        report, prepared = result
        self.running = False
        self.report = report
        self.problem = ""
        self._say()
        self.synced.emit(report, prepared)

    def _failed(self, exc: BaseException) -> None:
        self.running = False
        if isinstance(exc, FolderMissing):
            self.problem = str(exc)
        else:
            self.problem = PROBLEM.format(line=problem_line(exc))
        self._say()
