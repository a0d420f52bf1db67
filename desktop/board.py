"""Deadlines across every client: the data behind the deadlines board and the list's badges.

Where the deadlines come from
    One run of the residence engine per client (`desktop.rules.residence.assess`), for the
    route the client asked about (`history.question.route`, on the intended application date,
    or today). A client with no route asked about is worked out for the route their latest
    permission leads to (`ROUTE_BY_CATEGORY`; long residence when no settlement route
    follows from it) and the route-dependent rows say so. One run per client, not one per
    route, is what keeps 10,000 clients inside the board's time budget: "the earliest of every
    route they can reach" would cost six runs a client. The engine gives appeal windows (with
    the r.11 next working day) and administrative reviews, the 10 working days after a
    fee-waiver decision, permissions ending, the settlement window opening, section 3C after a
    refusal and the late-application windows (39E / SUI 13.1), the earliest date to apply, the
    STP criminality dates, subject access answers, and the attention items: a record that
    stops before today ("status unknown") and time known to be without permission.

Kinds and statuses (data, not wording)
    Each deadline keeps the engine's `kind` (a key of `desktop.rules.deadlines.
    DEADLINE_KINDS`, which is the board's `KINDS`, labels included) and its `status`:
    "attention" (a record that stops before today, time known to be without permission: never
    ages out until the record is completed), "met" (done in time: `met_on`), or passed /
    upcoming. Nothing here reads the engine's sentences.

The one rule for the board, the client list's badge and the client's deadline strip
    `needs_action`: attention items always; otherwise a deadline not met whose last day (the
    next working day where r.11 moves it) was missed in the last `OVERDUE_DAYS` days or is
    still to come (the badge: within `BADGE_DAYS`). The board also keeps deadlines met in that
    window ("Done in time") and, when asked, older passed ones. `status_of` names a row's state:
    "attention", "overdue", "today", "upcoming", "passed" or "done".

Cache
    Each client's deadlines are kept under (client id, a digest of the stored history, the day
    they were worked out for, the rules version): in memory for the session (keyed by the
    values' hash() there: cheaper, and only ever compared within one process), and in the
    store's `deadline_cache` table (encrypted with everything else, keyed by a blake2b digest)
    so that unlocking again the same day does not run the engine again. A history that changes gets a new digest, so
    its old entry is never used; a new day or new rules invalidate everything.

Casework reminders (issue 22)
    Each build also reads every client's casework (desktop.store.casework.all_facts, in the
    same read as the histories) and runs desktop.rules.casework for each client with any
    (`casework_items`): written updates, outcome letters, subject access requests made to the
    centre, consents, complaints, the OISC level check (with the history, for clients with an
    open matter) and the retention review (on the board from 30 days before it falls). They
    are never kept in the store; the board keeps the last build's answers in memory, keyed by
    everything they come from, so an unchanged client is not worked out twice. About 0.5 s of
    CPU cold for 3,000 clients with casework, 30 ms warm (benchmarks/bench_board_casework.py).

Threads and processes
    `DeadlineBoard.build` runs off the UI thread (desktop.ui.operations). It reads every
    history in six queries and, when more than `PARALLEL_FROM` clients need the engine, fans
    the runs out to worker processes (one per core): the engine is pure Python, so threads
    would not help. The workers get the stored values through a pipe and send deadlines back;
    nothing is written to a file or a log. `store_lock` is held whenever a build reads the
    store, so the window can wait for it before locking, closing or replacing the store. New
    cache rows are written by `save_cache` on the UI thread, a few hundred at a time.
    Cost (benchmarks/bench_board.py, 10,000 clients, 2 cores): about 2.5 s cold (the engine,
    about 0.35 ms of CPU a client, is most of it), under 1 s warm after unlocking the same day,
    about 1 ms to refresh one client after a save.
"""

from __future__ import annotations

import bisect
import concurrent.futures
import hashlib
import json
import multiprocessing
import operator
import os
import sys
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import NamedTuple

from desktop.datetext import long_date, short_date
from desktop.rules.dated import render
from desktop.rules.deadlines import DEADLINE_KINDS
from desktop.rules.history import ROUTES, History

DEFAULT_REGION = "england-and-wales"
#: Passed deadlines stay on the board as overdue for this many days (the page can change it).
OVERDUE_DAYS = 30
#: The client list's badge: a deadline not yet met, missed or due within this many days.
BADGE_DAYS = 14
#: Fewer engine runs than this are done on the calling thread: starting worker processes costs
#: more than it saves.
PARALLEL_FROM = 400
#: Histories per job sent to a worker process.
CHUNK = 200

Progress = Callable[[int, str], None]


def _quiet(_percent: int, _message: str) -> None:
    pass


# ---- kinds -------------------------------------------------------------------------------------

#: Every kind of deadline, with its label: the engine's own list (the filter's choices).
KINDS: dict[str, str] = DEADLINE_KINDS


# ---- the route a client is worked out for ------------------------------------------------------

#: The settlement (or citizenship) route each permission leads to, for clients with no route
#: asked about. Anything else: long residence.
ROUTE_BY_CATEGORY: dict[str, str] = {
    "refugee": "settlement_protection",
    "humanitarian_protection": "settlement_protection",
    "discretionary_leave": "settlement_discretionary_leave",
    "leave_outside_rules": "settlement_discretionary_leave",
    "skilled_worker": "settlement_skilled_worker",
    "partner_5y": "settlement_partner_5y",
    "partner_10y": "settlement_10y_route",
    "parent_10y": "settlement_10y_route",
    "private_life_10y": "settlement_10y_route",
    "mvdac": "settlement_domestic_abuse",
    "ilr": "naturalisation_6_1",
    "euss_settled": "naturalisation_6_1",
}
FALLBACK_ROUTE = "long_residence"


def board_route(history: History) -> tuple[str, bool]:
    """(route, assumed): the route asked about, or the one the latest permission leads to."""
    if history.question is not None and history.question.route in ROUTES:
        return history.question.route, False
    if history.permissions:
        latest = max(history.permissions, key=lambda p: p.start)
        return ROUTE_BY_CATEGORY.get(latest.category, FALLBACK_ROUTE), True
    return FALLBACK_ROUTE, True


# ---- stored values -> History ------------------------------------------------------------------


def history_from_records(records: tuple) -> History:
    """A History from `repository.HistorySource.records()` (the stored values): the store's one
    mapping reads them (`desktop.store.mapping.history_from_records`, each column by its name),
    so the board and the client page's `load_history` see the same history."""
    from desktop.store.mapping import history_from_records as from_stored

    return from_stored(records)


def digest(records: tuple) -> str:
    """A digest of everything a history is made of (stable between sessions)."""
    return hashlib.blake2b(repr(records).encode("utf-8"), digest_size=16).hexdigest()


@lru_cache(maxsize=4)
def rules_version(region: str = DEFAULT_REGION) -> str:
    """Changes whenever the figures, the engine's code, the app version, the region or the
    shape of a kept deadline (`ITEM_FORMAT`) do."""
    import desktop
    from desktop.assess import rules_dir

    h = hashlib.blake2b(digest_size=16)
    h.update(f"{desktop.__version__}|{region}|{ITEM_FORMAT}".encode())
    # The figures in use: an installed content pack's when one is active (desktop.content).
    folders = [rules_dir(), desktop.PACKAGE_DIR / "rules"]
    for folder in folders:
        for path in sorted(folder.rglob("*")):
            if path.suffix in (".toml", ".py") and path.is_file():
                h.update(path.name.encode())
                h.update(path.read_bytes())
    return h.hexdigest()


# ---- one client's deadlines --------------------------------------------------------------------


class Item(NamedTuple):
    """One deadline as the board keeps it (and the store's cache holds it, as a JSON list)."""

    date: date
    what: str  # the engine's sentence, ISO dates inside (written at the screen: `words`)
    rule: str
    next_working_day: date | None
    kind: str  # a key of KINDS
    #: The engine's status on the day it was worked out for: "attention" and "met" hold
    #: whatever the day; passed/upcoming are worked out again from the dates (`status_of`).
    status: str

    @property
    def last_day(self) -> date:
        return self.next_working_day or self.date

    @property
    def met(self) -> bool:
        return self.status == MET

    @property
    def attention(self) -> bool:
        return self.status == ATTENTION


#: Bumped when `Item` changes shape: the store's cached deadlines of an older shape are not used.
ITEM_FORMAT = 2
MET, ATTENTION = "met", "attention"

ASSUMED_NOTE = (
    " (No route asked about yet: worked out for {route}, the route the latest permission leads to.)"
)
#: Kinds that depend on the route worked out for: they say so when the route was assumed.
ROUTE_KINDS = frozenset({"earliest_application", "settlement_window"})


def _calendar(history: History, today: date, region: str):
    from desktop.assess import LazyBankHolidays

    years = [today.year]
    for app in history.applications:
        for d in (app.made, app.decided, app.fee_waiver_requested, app.fee_waiver_decided):
            if d is not None:
                years.append(d.year)
    lo, hi = min(years) - 1, max(years) + 2
    # One shared calendar for the usual span (built once), a wider one for old records.
    first, last = today.year - 30, today.year + 12
    return LazyBankHolidays(region, min(lo, first), max(hi, last))


@lru_cache(maxsize=1)
def _figures():
    from desktop.assess import load_figures

    # Lenient once here: `assess` would otherwise build a lenient copy on every call.
    return load_figures().leniently()


def deadlines_for(history: History, today: date, region: str = DEFAULT_REGION) -> tuple[Item, ...]:
    """The engine's deadlines for the board's route (see `board_route`), as Items: kind and
    status straight from the engine."""
    from desktop.rules.residence import assess_deadlines

    route, assumed = board_route(history)
    on = (history.question.application_date if history.question else None) or today
    deadlines = assess_deadlines(
        history,
        route,
        on,
        _figures(),
        bank_holidays=_calendar(history, today, region),
        today=today,
    )
    note = ASSUMED_NOTE.format(route=ROUTES[route].split(" (")[0]) if assumed else ""
    out = []
    for d in deadlines:
        what = d.what + note if note and d.kind in ROUTE_KINDS else d.what
        out.append(Item(d.date, what, d.rule, d.next_working_day, d.kind, d.status))
    return tuple(out)


def _to_json(items: tuple[Item, ...] | None) -> str | None:
    if items is None:
        return None
    return json.dumps(
        [[d.isoformat(), w, r, n.isoformat() if n else None, k, st] for d, w, r, n, k, st in items],
        ensure_ascii=False,
    )


def _from_json(text: str | None) -> tuple[Item, ...] | None:
    if text is None:
        return None
    return tuple(
        Item(date.fromisoformat(d), w, r, date.fromisoformat(n) if n else None, k, st)
        for d, w, r, n, k, st in json.loads(text)
    )


def _assess_chunk(
    chunk: list[tuple[int, tuple]], today: date, region: str
) -> list[tuple[int, tuple[Item, ...] | None]]:
    """(client id, records) -> (client id, deadlines, or None when the engine could not assess
    the history). Runs in a worker process for big builds: no message of a failure leaves it
    (it may hold data). Equal wordings come back as one string, so the answer pickles small."""
    strings: dict[str, str] = {}
    out = []
    for client_id, records in chunk:
        try:
            found = deadlines_for(history_from_records(records), today, region)
        except Exception:  # noqa: BLE001 - one bad history must not hide the others
            out.append((client_id, None))
            continue
        items = tuple(
            Item(d, strings.setdefault(w, w), strings.setdefault(r, r), n, k, st)
            for d, w, r, n, k, st in found
        )
        out.append((client_id, items))
    return out


# ---- casework reminders (issue 22) ----------------------------------------------------------------

CASEWORK_PROBLEM_TEXT = (
    "The casework reminders could not be worked out for this client: check their matters, "
    "consents and requests (the Casework tab)."
)


#: A retention review comes onto the board this many days before it falls (every client has
#: one, years ahead: Tools > Retention review and the client's Casework tab list them all).
RETENTION_NOTICE_DAYS = 30


#: What a client's casework reminders were worked out from, and the reminders.
CaseworkMemo = dict[int, tuple[tuple, tuple[Item, ...]]]


def casework_items(
    facts: dict,
    sources: dict,
    settings,
    today: date,
    region: str = DEFAULT_REGION,
    held: CaseworkMemo | None = None,
    kept: CaseworkMemo | None = None,
) -> dict[int, tuple[Item, ...]]:
    """Client id -> the casework reminders (desktop.rules.casework via desktop.store.casework)
    as Items, for every client in `facts` (a retention review only from `RETENTION_NOTICE_DAYS`
    before it falls). The history (for the level check) is read only for clients with an open
    matter. A client whose reminders cannot be worked out gets one attention item saying so;
    nothing of the failure is logged (it may hold data).

    Always worked out from the casework just read: `held` (the last build's answers, keyed by
    everything they were worked out from: the facts, the history when it was read, the
    settings, the day and the rules version) only saves running the rules again on the same
    inputs; each answer given is also put in `kept`."""
    from desktop.store.casework import reminders_from, rules_inputs

    out: dict[int, tuple[Item, ...]] = {}
    if not facts:
        return out
    version = rules_version(region)
    try:
        inputs = rules_inputs()
    except Exception:  # noqa: BLE001 - unreadable casework data: each client says so below
        inputs = None
    # Most clients have no casework rows: their reminders (the retention review only) depend
    # on two dates, so equal ones are worked out once.
    plain: dict[tuple, tuple[Item, ...]] = {}
    for client_id, client_facts in facts.items():
        key = None
        f = client_facts
        if not (f.matters or f.consents or f.access_requests or f.complaints or f.retention):
            key = (f.last_visit, f.last_change)
            if key in plain:
                if plain[key]:
                    out[client_id] = plain[key]
                continue
        source = sources.get(client_id)
        wants_history = source is not None and any(m.closed is None for m in f.matters)
        records = source.records() if wants_history else None
        memo_key = (f, hash(records), settings, today, region, version)
        before = held.get(client_id) if held is not None else None
        if before is not None and before[0] == memo_key:
            items = before[1]
            if kept is not None:
                kept[client_id] = before
            if items:
                out[client_id] = items
            continue
        try:
            history = None
            if records is not None:
                try:
                    history = history_from_records(records)
                except Exception:  # noqa: BLE001 - the engine's row says the history is wrong
                    history = None
            if inputs is None:
                raise ValueError("casework data")
            found = reminders_from(client_facts, today, settings, region, history, inputs)
            items = tuple(
                Item(d.date, d.what, d.rule, d.next_working_day, d.kind, d.status)
                for d in found
                if d.kind != "retention_review" or (d.date - today).days <= RETENTION_NOTICE_DAYS
            )
        except Exception:  # noqa: BLE001 - one client's casework must not hide the board
            items = (Item(today, CASEWORK_PROBLEM_TEXT, "", None, "other", ATTENTION),)
        if key is not None:
            plain[key] = items
        elif kept is not None:
            kept[client_id] = (memo_key, items)
        if items:
            out[client_id] = items
    return out


# ---- the board's data --------------------------------------------------------------------------


def needs_action(
    status: str,
    last_day: date,
    today: date,
    *,
    missed_within: int = OVERDUE_DAYS,
    due_within: int | None = None,
) -> bool:
    """The one rule the board, the client list's badge and the deadline strip share, from the
    engine's data only: an attention item always (it never ages out: the record must be
    completed); a deadline met never; otherwise one whose last day (`Item.last_day`) was
    missed at most `missed_within` days ago, or is still to come (at most `due_within` days
    ahead when given: the badge)."""
    if status == ATTENTION:
        return True
    if status == MET:
        return False
    ahead = (last_day - today).days
    if ahead < 0:
        return -ahead <= missed_within
    return due_within is None or ahead <= due_within


#: Kinds whose few words are their own (`summary_of`), not the first sentence of the engine's.
SUMMARY_KINDS = frozenset({"status_unknown", "without_permission"})


def summary_of(kind: str, day: date, what: str, form: Callable[[date], str] = short_date) -> str:
    """A deadline in a few words for a list, a badge or a strip: an attention item by what it
    is ("Permission ended 31 Jan 2025 - nothing recorded since"), any other by the first
    sentence of the engine's words, its dates written by `form`."""
    if kind == "status_unknown":
        return f"Permission ended {form(day)} - nothing recorded since"
    if kind == "without_permission":
        return f"No permission since {form(day)}"
    head, sep, _rest = render(what, form).partition(". ")
    return head + "." if sep else head


class BoardRow(NamedTuple):
    date: date
    client_id: int
    client_name: str
    adviser: str
    kind: str
    what: str  # the engine's sentence, ISO dates inside: show `words()` or `summary`
    rule: str
    next_working_day: date | None = None
    #: True for the row that says a client's deadlines could not be worked out.
    problem: bool = False
    #: The engine's status (`Item.status`): "attention" and "met" whatever the day.
    engine_status: str = "upcoming"

    @property
    def last_day(self) -> date:
        """The day by which it must be done (r.11 moves a weekend or holiday to the next
        working day)."""
        return self.next_working_day or self.date

    @property
    def met(self) -> bool:
        """Done in time: the appeal or review lodged, the application made (`met_on`)."""
        return self.engine_status == MET

    @property
    def attention(self) -> bool:
        return self.engine_status == ATTENTION

    def words(self, form: Callable[[date], str] = long_date) -> str:
        """The engine's whole sentence, its dates written by `form`."""
        return render(self.what, form)

    @property
    def summary(self) -> str:
        """What it is, in a few words (`summary_of`)."""
        if self.problem:
            return self.what
        return summary_of(self.kind, self.date, self.what)

    def haystack(self) -> str:
        """What the text filter searches, folded."""
        words = self.words(short_date)
        # Any other row's summary is the start of its words; an attention item's is its own.
        own = self.summary if self.kind in SUMMARY_KINDS else ""
        return " ".join(
            (self.client_name, words, own, self.rule, KINDS.get(self.kind, self.kind), self.adviser)
        ).casefold()


OVERDUE, TODAY, UPCOMING, PASSED, DONE = "overdue", "today", "upcoming", "passed", "done"
STATUS_LABELS = {
    ATTENTION: "Needs attention",
    OVERDUE: "Overdue",
    TODAY: "Today",
    UPCOMING: "Upcoming",
    PASSED: "Passed",
    DONE: "Done in time",
}

PROBLEM_TEXT = (
    "The deadlines could not be worked out for this client: check their history "
    "(the History tab shows what is wrong)."
)
NO_ADVISER = "(no adviser recorded)"
#: "No filter" for `BoardData.visible`'s adviser and kind.
ALL = None


def status_of(row: BoardRow, today: date, overdue_days: int = OVERDUE_DAYS) -> str:
    """attention / overdue / today / upcoming / passed / done (see the module's docstring)."""
    if row.problem:
        return TODAY
    if row.attention:
        return ATTENTION
    if row.met:
        return DONE
    last = row.last_day
    if last < today:
        return OVERDUE if (today - last).days <= overdue_days else PASSED
    if row.date == today or last == today:
        return TODAY
    return UPCOMING


def in_view(row: BoardRow, today: date, overdue_days: int = OVERDUE_DAYS) -> bool:
    """Whether the board shows a row without "Show older passed": what `needs_action` keeps,
    the rows that say a history could not be worked out, and deadlines met no longer ago than
    the overdue window ("Done in time")."""
    if row.problem:
        return True
    if row.met:
        return (today - row.last_day).days <= overdue_days
    return needs_action(row.engine_status, row.last_day, today, missed_within=overdue_days)


#: What the badge says for an attention item, after its "!".
BADGE_WORDS = {
    "status_unknown": "check status",
    "without_permission": "no permission",
    # Issue 22: the casework attention items.
    "complaint": "complaint",
    "level_check": "check level",
    "consent_missing": "no consent",
}


class Badge(NamedTuple):
    #: Days from today to the deadline: 0 today, below 0 missed that many days ago; for an
    #: attention item, to its date (the end of the record, the first day without permission).
    days: int
    row: BoardRow

    @property
    def attention(self) -> bool:
        return self.row.attention

    @property
    def text(self) -> str:
        if self.attention:
            return BADGE_WORDS.get(self.row.kind, "check now")
        if self.days < 0:
            return f"{-self.days} d late"
        return "today" if self.days == 0 else f"{self.days} d"

    @property
    def accessible(self) -> str:
        if self.attention:
            return f"needs attention: {summary_of(self.row.kind, self.row.date, '', long_date)}"
        n = abs(self.days)
        days = f"{n} day{'s' if n != 1 else ''}"
        if self.days < 0:
            return f"deadline missed {days} ago"
        return "deadline today" if self.days == 0 else f"deadline in {days}"


@dataclass(frozen=True)
class ClientEntry:
    client_id: int
    name: str
    adviser: str
    #: None when the engine could not assess the history.
    deadlines: tuple[Item, ...] | None
    #: Issue 22: the client's casework reminders (written updates, outcome letters, subject
    #: access requests, consents, complaints, the level check, the retention review), from the
    #: casework read at each build (never from the store's cache), shown even when the engine
    #: could not assess the history.
    casework: tuple[Item, ...] = ()

    def rows(self, today: date) -> list[BoardRow]:
        adviser = self.adviser or NO_ADVISER
        cid, name = self.client_id, self.name
        out = [
            BoardRow(d, cid, name, adviser, kind, what, rule, nwd, False, status)
            for d, what, rule, nwd, kind, status in self.casework
        ]
        if self.deadlines is None:
            out.insert(
                0, BoardRow(today, cid, name, adviser, "other", PROBLEM_TEXT, "", None, True)
            )
            return out
        return [
            BoardRow(d, cid, name, adviser, kind, what, rule, nwd, False, status)
            for d, what, rule, nwd, kind, status in self.deadlines
        ] + out


def _order(row: BoardRow) -> tuple:
    """Board order: by date, then client name, then client, then wording."""
    return (row.date, row.client_name.casefold(), row.client_id, row.what)


def _sorted(clients: Iterable[ClientEntry], today: date) -> tuple[BoardRow, ...]:
    """Every client's rows in board order (`_order`). Clients are put in name order and each
    one's rows in wording order first; one stable sort by date then leaves ties in that order,
    with no Python call per comparison (10,000 clients have 30,000 rows or more)."""
    ordered = sorted(clients, key=lambda e: (e.name.casefold(), e.client_id))
    rows: list[BoardRow] = []
    for entry in ordered:
        rows.extend(sorted(entry.rows(today), key=_WHAT))
    rows.sort(key=_DATE)
    return tuple(rows)


_DATE = operator.attrgetter("date")
_WHAT = operator.attrgetter("what")


@dataclass(frozen=True)
class BoardData:
    today: date
    clients: dict[int, ClientEntry] = field(default_factory=dict)
    rows: tuple[BoardRow, ...] = ()
    #: How many histories went to the engine for this build (the rest came from the cache).
    computed: int = 0
    _haystacks: list[str] = field(default_factory=list, compare=False, repr=False)

    @classmethod
    def from_entries(cls, today: date, entries: Iterable[ClientEntry], computed: int = 0):
        clients = {e.client_id: e for e in entries}
        return cls(today, clients, _sorted(clients.values(), today), computed)

    def with_client(self, client_id: int, entry: ClientEntry | None) -> BoardData:
        """The same board with one client's entry replaced (None: removed). Linear in the
        number of rows (no re-sort), so it is cheap enough for the UI thread."""
        clients = dict(self.clients)
        if entry is None:
            clients.pop(client_id, None)
        else:
            clients[client_id] = entry
        kept = [r for r in self.rows if r.client_id != client_id]
        if entry is not None:
            for row in entry.rows(self.today):
                bisect.insort(kept, row, key=_order)
        return BoardData(self.today, clients, tuple(kept), self.computed)

    def advisers(self) -> list[str]:
        return sorted({r.adviser for r in self.rows}, key=str.casefold)

    def problems(self) -> int:
        return sum(1 for e in self.clients.values() if e.deadlines is None)

    def visible(
        self,
        adviser: str | None = ALL,
        kind: str | None = ALL,
        text: str = "",
        show_passed: bool = False,
        overdue_days: int = OVERDUE_DAYS,
    ) -> list[BoardRow]:
        """Rows to show, in date order: those `in_view`, or every row with `show_passed`;
        `text` matches name, wording, rule, kind and adviser (every word)."""
        words = text.casefold().split()
        if words and not self._haystacks:
            self._haystacks.extend(row.haystack() for row in self.rows)
        today = self.today
        out = []
        for i, row in enumerate(self.rows):
            if adviser is not ALL and row.adviser != adviser:
                continue
            if kind is not ALL and row.kind != kind:
                continue
            if not show_passed and not in_view(row, today, overdue_days):
                continue
            if words and not all(w in self._haystacks[i] for w in words):
                continue
            out.append(row)
        return out

    def badges(
        self, due_within: int = BADGE_DAYS, missed_within: int = OVERDUE_DAYS
    ) -> dict[int, Badge]:
        """Client id -> the deadline to flag in the client list, chosen by `needs_action`
        (the board's own rule): an attention item first, else the latest one missed in the
        last `missed_within` days, else the soonest due today or in the next `due_within`."""
        today = self.today
        out: dict[int, Badge] = {}
        for row in self.rows:
            if row.problem:
                continue
            last = row.last_day
            if not needs_action(
                row.engine_status,
                last,
                today,
                missed_within=missed_within,
                due_within=due_within,
            ):
                continue
            if row.attention or last < today:
                days = (row.date if row.attention else last) - today
            else:
                days = (row.date if row.date >= today else last) - today  # r.11: next working day
            badge = Badge(days.days, row)
            best = out.get(row.client_id)
            if best is None or _more_urgent(badge, best):
                out[row.client_id] = badge
        return out


def _more_urgent(badge: Badge, than: Badge) -> bool:
    """An attention item beats any deadline (the oldest first); then a missed deadline (the
    latest) beats any to come; of those to come, the soonest."""
    if badge.attention != than.attention:
        return badge.attention
    days, other = badge.days, than.days
    if badge.attention:
        return days < other
    if (days < 0) != (other < 0):
        return days < 0
    return days > other if days < 0 else days < other


# ---- building it -------------------------------------------------------------------------------


class BuildCancelled(Exception):
    """A build stopped because the board was told to forget (the app locked)."""


@dataclass
class _Memory:
    key: int  # hash() of the stored values: cheap, and good for this process only
    today: date
    deadlines: tuple[Item, ...] | None


def _processes() -> int:
    return max(1, min(os.cpu_count() or 1, 8))


class DeadlineBoard:
    """Builds BoardData for a store and keeps the work (memory for the session, the store's
    deadline_cache table between sessions). Thread-safe: builds may run on worker threads."""

    def __init__(
        self,
        region: str = DEFAULT_REGION,
        processes: int | None = None,
        parallel_from: int = PARALLEL_FROM,
        use_store_cache: bool = True,
    ) -> None:
        self.region = region
        self.processes = _processes() if processes is None else processes
        self.parallel_from = parallel_from
        self.use_store_cache = use_store_cache
        self._lock = threading.Lock()
        #: Held while a build reads the store. Whoever closes, locks or swaps the store takes
        #: it first: the store's engine closing a connection under a running query crashes.
        self.store_lock = threading.Lock()
        self._memory: dict[int, _Memory] = {}
        #: The casework reminders of the last build (`casework_items`' `held`).
        self._casework: CaseworkMemo = {}
        self._unsaved: dict[int, tuple[int, str, date, tuple[Item, ...] | None]] = {}
        self._pool: concurrent.futures.ProcessPoolExecutor | None = None
        #: Bumped by `forget`: a build that started before does not refill the memory.
        self._epoch = 0
        self._closed = False

    # ---- cache -------------------------------------------------------------------------------
    def forget(self) -> None:
        """Drop everything held in memory (the app locked)."""
        with self._lock:
            self._epoch += 1
            self._memory.clear()
            self._unsaved.clear()
            self._casework = {}

    @property
    def epoch(self) -> int:
        """Pass it to `build` / `client_entry` when asking for one that runs later: if
        `forget` is called meanwhile, what that run works out is not kept."""
        return self._epoch

    def cached_clients(self) -> int:
        with self._lock:
            return len(self._memory)

    def save_cache(self, store, limit: int | None = None) -> int:
        """Write (up to `limit` of) the entries worked out since the last save to the store, in
        one short transaction; returns how many. The window calls it on the UI thread, a few
        hundred at a time between events: a write from another thread could make the UI's own
        transactions fail with "database is locked" (WAL snapshot conflicts are not retried).
        """
        from desktop.store import repository

        with self._lock:
            keys = list(self._unsaved)[:limit] if limit is not None else list(self._unsaved)
            pending = [self._unsaved.pop(k) for k in keys]
        if not self.use_store_cache or not pending:
            return 0
        version = rules_version(self.region)
        rows = [
            (cid, digest(records), today.isoformat(), version, _to_json(items))
            for cid, records, today, items in pending
        ]
        with store.session() as session:
            repository.save_deadline_cache(session, rows)
        return len(rows)

    def unsaved(self) -> int:
        with self._lock:
            return len(self._unsaved)

    def _remember(
        self, epoch: int, client_id: int, records: tuple, today: date, items, unsaved: bool
    ) -> None:
        with self._lock:
            if epoch != self._epoch:
                return
            self._memory[client_id] = _Memory(hash(records), today, items)
            if unsaved:  # the digest is worked out when it is saved, off the critical path
                self._unsaved[client_id] = (client_id, records, today, items)

    # ---- building ----------------------------------------------------------------------------
    def build(
        self, store, today: date, progress: Progress = _quiet, epoch: int | None = None
    ) -> BoardData:
        """Every client's deadlines. Reads the store in one pass; only histories that changed
        since they were last worked out (for this day and these rules) go to the engine, in
        worker processes once there are `parallel_from` of them (started while the histories
        are read). Each client's casework reminders are worked out afresh from the casework
        read in the same pass (`casework_items`)."""
        from desktop.store import casework, repository

        epoch = self._epoch if epoch is None else epoch
        progress(1, "Reading the clients' histories")
        with self.store_lock, store.read_session() as session:
            if self.processes > 1 and self._pool is None:
                # Start the worker processes while the histories are read, if the caches leave
                # enough for the engine to make them worth it.
                with self._lock:
                    done = sum(1 for m in self._memory.values() if m.today == today)
                if self.use_store_cache:
                    version = rules_version(self.region)
                    count = repository.deadline_cache_count(session, today.isoformat(), version)
                    done = max(done, count)
                if repository.client_count(session) - done >= self.parallel_from:
                    threading.Thread(target=self.warm_up, args=(today,), daemon=True).start()
            sources = repository.history_sources(session)
            advisers = repository.latest_advisers(session)
            facts, settings = casework.all_facts(session), casework.casework_settings(session)
        kept: CaseworkMemo = {}
        reminders = casework_items(
            facts, sources, settings, today, self.region, self._casework, kept
        )
        with self._lock:
            if epoch == self._epoch:
                self._casework = kept  # clients erased since are left out
        progress(15, "Checking what changed")
        with self._lock:
            memory = dict(self._memory)
        clients: dict[int, ClientEntry] = {}
        missed: list[int] = []

        def take(client_id: int, items) -> None:
            source = sources[client_id]
            clients[client_id] = ClientEntry(
                client_id,
                source.full_name,
                advisers.get(client_id, ""),
                items,
                reminders.get(client_id, ()),
            )

        for client_id, source in sources.items():
            key = hash(source.records())
            held = memory.get(client_id)
            if held is not None and held.key == key and held.today == today:
                take(client_id, held.deadlines)
            else:
                missed.append(client_id)
        todo: list[tuple[int, tuple]] = []
        if missed:
            stored = {}
            if self.use_store_cache:
                with self.store_lock, store.read_session() as session:
                    stored = repository.deadline_cache(session)
            version, today_iso = rules_version(self.region), today.isoformat()
            for client_id in missed:
                records = sources[client_id].records()
                row = stored.get(client_id)
                if (
                    row is not None
                    and row[1] == today_iso
                    and row[2] == version
                    and row[0] == digest(records)
                ):
                    items = _from_json(row[3])
                    self._remember(epoch, client_id, records, today, items, False)
                    take(client_id, items)
                else:
                    todo.append((client_id, records))
        for client_id, items in self._run_engine(todo, today, progress, epoch):
            self._remember(epoch, client_id, sources[client_id].records(), today, items, True)
            take(client_id, items)
        progress(96, "Sorting the deadlines")
        with self._lock:  # clients erased since: forget them
            for cid in set(self._memory) - set(sources):
                del self._memory[cid]
                self._unsaved.pop(cid, None)
        data = BoardData(today, clients, _sorted(clients.values(), today), len(todo))
        progress(100, "Deadlines ready")
        return data

    def client_entry(
        self, store, client_id: int, today: date, epoch: int | None = None
    ) -> ClientEntry | None:
        """One client's entry after they changed (None when they no longer exist)."""
        from desktop.store import casework, repository

        epoch = self._epoch if epoch is None else epoch
        with self.store_lock, store.read_session() as session:
            source = repository.history_sources(session, client_id).get(client_id)
            adviser = repository.latest_advisers(session, client_id).get(client_id, "")
            facts = casework.all_facts(session, client_id)
            settings = casework.casework_settings(session)
        if source is None:
            with self._lock:
                self._memory.pop(client_id, None)
                self._unsaved.pop(client_id, None)
                self._casework.pop(client_id, None)
            return None
        records = source.records()
        key = hash(records)
        with self._lock:
            held = self._memory.get(client_id)
        if held is not None and held.key == key and held.today == today:
            items = held.deadlines
        else:
            ((_cid, items),) = _assess_chunk([(client_id, records)], today, self.region)
            self._remember(epoch, client_id, records, today, items, True)
        kept: CaseworkMemo = {}
        reminders = casework_items(
            facts, {client_id: source}, settings, today, self.region, self._casework, kept
        )
        with self._lock:
            if epoch == self._epoch:
                self._casework = {**self._casework, **kept}
        return ClientEntry(
            client_id, source.full_name, adviser, items, reminders.get(client_id, ())
        )

    # ---- the engine, here or in worker processes ---------------------------------------------
    def _run_engine(
        self, todo: list[tuple[int, tuple]], today: date, progress: Progress, epoch: int
    ) -> Iterable[tuple[int, tuple[Item, ...] | None]]:
        """(client id, deadlines) for each of `todo`, as they come in. Stops (BuildCancelled)
        once `forget` has been called: the app locked and nobody wants the answer."""
        total = len(todo)
        if not total:
            return
        step = CHUNK
        chunks = [todo[i : i + step] for i in range(0, total, step)]
        pool = self._get_pool() if total >= self.parallel_from and self.processes > 1 else None
        done = 0
        left = chunks
        if pool is not None:
            left = []
            try:
                futures = {
                    pool.submit(_assess_chunk, chunk, today, self.region): chunk for chunk in chunks
                }
            except Exception:  # noqa: BLE001 - a broken pool: the work is done here instead
                self._drop_pool()
                futures = {}
                left = chunks
            for future in concurrent.futures.as_completed(futures):
                if epoch != self._epoch:
                    for waiting in futures:
                        waiting.cancel()
                    raise BuildCancelled()
                try:
                    result = future.result()
                except Exception:  # noqa: BLE001 - a worker died: do its chunk here
                    self._drop_pool()
                    left.append(futures[future])
                    continue
                done += len(result)
                progress(15 + 80 * done // total, f"Working out deadlines: {done:,} of {total:,}")
                yield from result
        for chunk in left:
            if epoch != self._epoch:
                raise BuildCancelled()
            result = _assess_chunk(chunk, today, self.region)
            done += len(result)
            progress(15 + 80 * done // total, f"Working out deadlines: {done:,} of {total:,}")
            yield from result

    def _get_pool(self) -> concurrent.futures.ProcessPoolExecutor | None:
        with self._lock:
            if self._pool is None and not self._closed:
                try:
                    self._pool = concurrent.futures.ProcessPoolExecutor(
                        max_workers=self.processes, mp_context=_mp_context()
                    )
                except (OSError, ValueError, NotImplementedError):
                    return None
            return self._pool

    def _drop_pool(self) -> None:
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)

    def warm_up(self, today: date | None = None) -> None:
        """Start the worker processes (and load the rules in them) ahead of a big build; the
        window does it while the passphrase is being checked."""
        year = (today or date.today()).year
        pool = self._get_pool() if self.processes > 1 else None
        if pool is not None:
            try:
                list(pool.map(_warm, [(self.region, year)] * self.processes))
            except Exception:  # noqa: BLE001 - the build will do the work here
                self._drop_pool()
        _warm((self.region, year))

    def close(self) -> None:
        """Stop the worker processes for good and forget everything (the app closes)."""
        with self._lock:
            self._closed = True
        self._drop_pool()
        self.forget()


def _warm(args: tuple[str, int]) -> None:
    """Load the figures and the usual bank-holiday span (what the first engine run would)."""
    region, year = args
    _figures()
    _calendar(History(), date(year, 1, 1), region).__contains__(date(year, 1, 1))


def _mp_context():
    """A clean process for the workers: "forkserver" where there is one (forking a process that
    runs Qt threads is unsafe), "spawn" elsewhere. Workers import this module only."""
    methods = multiprocessing.get_all_start_methods()
    if "forkserver" in methods and sys.platform != "darwin":
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(
            ["desktop.board", "desktop.assess", "desktop.rules.residence", "holidays"]
        )
        return ctx
    return multiprocessing.get_context("spawn")
