"""The deadlines board's data: deadlines collected across clients, kinds, statuses, order,
filters, the 14-day badge and the cache (memory and store)."""

from dataclasses import replace
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from desktop import board
from desktop.assess import assess_history, load_figures
from desktop.board import (
    ATTENTION,
    DONE,
    OVERDUE,
    PASSED,
    PROBLEM_TEXT,
    TODAY,
    UPCOMING,
    BoardData,
    BoardRow,
    ClientEntry,
    DeadlineBoard,
    board_route,
    deadlines_for,
    history_from_records,
    status_of,
)
from desktop.rules.deadlines import CASEWORK_KINDS, DEADLINE_KINDS
from desktop.rules.history import (
    Absence,
    Application,
    History,
    Permission,
    Question,
    StatusCheck,
    validate_history,
)
from desktop.rules.residence import assess
from desktop.store import repository
from desktop.store.database import Store
from desktop.store.demo import _DEMO_CASES, fill_demo
from desktop.store.repository import ClientDetails
from desktop.ui.widgets.deadline_strip import to_show
from tests.rules.helpers import D, app, history, perm

CHEAP_KDF = {"time_cost": 1, "memory_cost_kib": 8192, "parallelism": 1}
DAY = D("2026-11-20")  # a Friday

#: name -> (adviser, history): one client for each kind of deadline the board collects.
CLIENTS = {
    "Amina Appeal": (
        "Asha Adviser",
        history(
            [perm("immigration_bail", "2025-01-10", "2027-01-09")],
            [app("asylum", "2025-01-10", "2026-11-10", "refused")],  # appeal by 24 Nov
        ),
    ),
    "Felix Feewaiver": (
        "Ben Caseworker",
        history(
            [perm("private_life_10y", "2024-05-01", "2026-10-31")],
            [
                app(
                    "extension",
                    None,
                    fee_waiver_requested="2026-10-20",
                    fee_waiver_decided="2026-11-13",  # full application by 27 Nov
                    fee_waiver_outcome="granted",
                )
            ],
        ),
    ),
    "Chen Refused": (
        "Asha Adviser",
        history(
            [perm("skilled_worker", "2023-10-02", "2026-10-01")],
            [app("extension", "2026-09-20", "2026-11-05", "refused")],  # appeal by 19 Nov
        ),
    ),
    "Dara Refugee": (
        "Ben Caseworker",
        replace(
            history(
                [perm("refugee", "2021-12-20", "2026-12-19")],
                custody=[("2022-03-01", "2022-06-30")],
            ),
            question=Question("settlement_protection"),
        ),
    ),
    "Ezra Oldstudent": ("Asha Adviser", history([perm("student", "2010-09-01", "2012-08-31")])),
}


@pytest.fixture
def store(tmp_path):
    opened = Store.create(tmp_path / "data", "board test passphrase", CHEAP_KDF)
    yield opened
    opened.close()


def add_client(store, name, adviser, hist):
    with store.session() as s:
        cid = repository.create_client(s, ClientDetails(full_name=name), adviser)
        repository.save_history(s, cid, hist, adviser)
    return cid


@pytest.fixture
def clients(store):
    return {name: add_client(store, name, adv, h) for name, (adv, h) in CLIENTS.items()}


def rows_of(data, name):
    return [r for r in data.rows if r.client_name == name]


# ---- kinds and statuses come from the engine ----------------------------------------------------


def engine_deadlines(hist, today=DAY):
    """The engine's own structured output for the board's route (the full verdict's deadlines)."""
    route, _assumed = board_route(hist)
    on = (hist.question.application_date if hist.question else None) or today
    return assess(hist, route, on, load_figures(), today=today).deadlines


def test_the_boards_kinds_are_the_engines():
    assert board.KINDS is DEADLINE_KINDS
    for name in ("classify", "is_met", "MET_MARK"):  # no deadline is read from its wording
        assert not hasattr(board, name)


def test_every_kind_the_engine_gives_here_is_named(store, clients):
    data = DeadlineBoard().build(store, DAY)
    kinds = {r.kind for r in data.rows}
    assert kinds == {
        "appeal",
        "fee_waiver_followup",
        "apply_before_expiry",
        "settlement_window",
        "earliest_application",
        "section_3c_ends",
        "late_application_window",
        "status_unknown",
        "criminality",
        "sar_answer",
    }
    assert kinds <= set(board.KINDS)


@pytest.mark.parametrize("name", list(CLIENTS))
def test_each_row_is_the_engines_deadline_with_its_kind_status_and_dates(store, clients, name):
    data = DeadlineBoard().build(store, DAY)
    expected = {
        (d.date, d.next_working_day, d.kind, d.status, d.rule)
        for d in engine_deadlines(CLIENTS[name][1])
    }
    rows = {
        (r.date, r.next_working_day, r.kind, r.engine_status, r.rule) for r in rows_of(data, name)
    }
    assert rows == expected
    for row in rows_of(data, name):
        assert row.met == (row.engine_status == "met")
        assert row.attention == (row.engine_status == "attention")


# ---- collected across clients ------------------------------------------------------------------


def test_deadlines_of_every_client_in_date_order_with_kinds_and_advisers(store, clients):
    data = DeadlineBoard().build(store, DAY)
    assert set(data.clients) == set(clients.values())
    assert list(data.rows) == sorted(data.rows, key=board._order)  # date, name, client, words
    (appeal,) = [r for r in rows_of(data, "Amina Appeal") if r.kind == "appeal"]
    assert appeal.date == D("2026-11-24") and appeal.adviser == "Asha Adviser"
    assert appeal.rule == "FTT (IAC) Rules 2014 r.19(2)"
    (fee,) = [r for r in rows_of(data, "Felix Feewaiver") if r.kind == "fee_waiver_followup"]
    assert fee.date == D("2026-11-27") and fee.adviser == "Ben Caseworker"
    chen = {r.kind: r for r in rows_of(data, "Chen Refused")}
    assert chen["appeal"].date == D("2026-11-19")
    assert chen["section_3c_ends"].date == D("2026-11-19")
    assert chen["late_application_window"].date == D("2026-12-03")  # 14 days after 3C ends
    # Nothing is recorded after 3C ended: an attention item, not a what-if earliest date.
    assert chen["status_unknown"].date == D("2026-11-19")
    assert "earliest_application" not in chen
    dara = rows_of(data, "Dara Refugee")
    assert {r.kind for r in dara} >= {"apply_before_expiry", "settlement_window", "criminality"}
    (ends,) = [r for r in dara if r.kind == "apply_before_expiry"]
    assert ends.date == D("2026-12-19")


def test_statuses_overdue_today_upcoming_passed(store, clients):
    data = DeadlineBoard().build(store, DAY)

    def status(name, kind):
        return {status_of(r, DAY) for r in rows_of(data, name) if r.kind == kind}

    assert status("Chen Refused", "appeal") == {OVERDUE}  # yesterday
    assert status("Dara Refugee", "settlement_window") == {TODAY}
    assert status("Amina Appeal", "appeal") == {UPCOMING}
    assert status("Ezra Oldstudent", "apply_before_expiry") == {PASSED}  # 14 years ago
    (late,) = [r for r in rows_of(data, "Chen Refused") if r.kind == "appeal"]
    assert status_of(late, DAY, overdue_days=0) == PASSED


def test_a_record_that_stops_is_an_attention_item_that_never_ages_out(store, clients):
    data = DeadlineBoard().build(store, DAY)
    (ezra,) = [r for r in rows_of(data, "Ezra Oldstudent") if r.kind == "status_unknown"]
    assert ezra.date == D("2012-08-31") and status_of(ezra, DAY) == ATTENTION
    for window in (0, 30, 3650):
        assert status_of(ezra, DAY, overdue_days=window) == ATTENTION
        assert ezra in data.visible(overdue_days=window)
    assert ezra.summary == "Permission ended 31 Aug 2012 - nothing recorded since"
    # Fourteen years later it is still there, and still the client's badge. (By then the
    # record's retention review is owed too: issue 22's casework reminder, not the engine's.)
    later = DeadlineBoard().build(store, DAY + timedelta(days=5000))
    assert [
        r.kind
        for r in later.visible()
        if r.client_name == "Ezra Oldstudent" and r.kind not in CASEWORK_KINDS
    ] == ["status_unknown"]
    assert later.badges()[clients["Ezra Oldstudent"]].text == "check status"


def test_permission_ending_after_an_in_time_application_is_done(store, clients):
    data = DeadlineBoard().build(store, DAY)
    # Chen applied to extend on 20 September, before the permission ended on 1 October, and
    # the decision came after it ended (section 3C): met.
    (ends,) = [r for r in rows_of(data, "Chen Refused") if r.kind == "apply_before_expiry"]
    assert ends.met and status_of(ends, DAY) == DONE


def test_an_application_refused_before_the_permission_ended_does_not_meet_it(store):
    # s3C(1)(c): refused on 6 November, before the permission ended on 30 November: no 3C
    # leave, so "permission ends" was never met and the client has no permission from 1 Dec.
    cid = add_client(
        store,
        "Ines Early",
        "Asha Adviser",
        history(
            [perm("skilled_worker", "2023-12-01", "2026-11-30")],
            [
                app(
                    "extension",
                    "2026-10-01",
                    "2026-11-06",
                    "refused",
                    remedy="administrative_review",
                )
            ],
        ),
    )
    today = D("2026-12-05")
    data = DeadlineBoard().build(store, today)
    rows = {r.kind: r for r in data.rows if r.client_id == cid}
    assert not rows["apply_before_expiry"].met
    assert status_of(rows["apply_before_expiry"], today) == OVERDUE
    without = rows["without_permission"]
    assert without.date == D("2026-12-01") and status_of(without, today) == ATTENTION
    assert without.summary == "No permission since 1 Dec 2026"
    badge = data.badges()[cid]
    assert badge.row.kind == "without_permission" and badge.text == "no permission"


def test_r11_next_working_day_keeps_a_weekend_deadline_open():
    sat, mon = D("2026-11-21"), D("2026-11-23")
    row = BoardRow(sat, 1, "X", "A", "appeal", "Last day to appeal", "r.19(2)", mon)
    assert status_of(row, D("2026-11-20")) == UPCOMING
    assert status_of(row, D("2026-11-22")) == UPCOMING  # Sunday: Monday is still in time
    assert status_of(row, mon) == TODAY
    assert status_of(row, D("2026-11-24")) == OVERDUE


def test_an_engine_weekend_deadline_carries_its_next_working_day(store):
    # Refused Saturday 7 November: 14 days is Saturday 21 November, in time on Monday 23rd.
    add_client(
        store,
        "Wendy Weekend",
        "Asha Adviser",
        history([], [app("asylum", "2025-01-10", "2026-11-07", "refused")]),
    )
    (appeal,) = [r for r in DeadlineBoard().build(store, DAY).rows if r.kind == "appeal"]
    assert (appeal.date, appeal.next_working_day) == (D("2026-11-21"), D("2026-11-23"))


def test_the_route_asked_about_or_the_one_the_latest_permission_leads_to():
    asked = replace(history([perm("student", "2020-01-01", "2021-01-01")]), question=None)
    assert board_route(asked) == ("long_residence", True)
    refugee = history([perm("refugee", "2021-12-20", "2026-12-19")])
    assert board_route(refugee) == ("settlement_protection", True)
    q = replace(refugee, question=Question("long_residence"))
    assert board_route(q) == ("long_residence", False)
    settled = history(
        [perm("refugee", "2015-01-01", "2019-12-31"), perm("ilr", "2020-01-01", None)]
    )
    assert board_route(settled) == ("naturalisation_6_1", True)


def test_an_assumed_route_says_so_on_its_rows(store, clients):
    data = DeadlineBoard().build(store, DAY)
    (earliest,) = [r for r in rows_of(data, "Felix Feewaiver") if r.kind == "earliest_application"]
    assert "No route asked about yet" in earliest.what
    assert "10-year partner, parent or private life route" in earliest.what
    asked = [r for r in rows_of(data, "Dara Refugee") if r.kind in board.ROUTE_KINDS]
    assert asked and not any("No route asked about" in r.what for r in asked)


def test_a_history_the_engine_cannot_assess_gets_a_row_saying_so(store, clients, monkeypatch):
    real = board.deadlines_for

    def fussy(hist, today, region=board.DEFAULT_REGION):
        if any(p.category == "student" for p in hist.permissions):
            raise ValueError("secret detail")
        return real(hist, today, region)

    monkeypatch.setattr(board, "deadlines_for", fussy)
    data = DeadlineBoard().build(store, DAY)
    (row,) = rows_of(data, "Ezra Oldstudent")
    assert row.problem and row.what == PROBLEM_TEXT and "secret" not in row.what
    assert status_of(row, DAY) == TODAY and row.date == DAY
    assert data.problems() == 1
    assert rows_of(data, "Amina Appeal")  # the others are all there


# ---- filters and badges ------------------------------------------------------------------------


def test_filters_by_adviser_kind_text_and_passed(store, clients):
    data = DeadlineBoard().build(store, DAY)
    asha = data.visible(adviser="Asha Adviser")
    assert asha and {r.adviser for r in asha} == {"Asha Adviser"}
    appeals = data.visible(kind="appeal")
    assert {r.client_name for r in appeals} == {"Amina Appeal", "Chen Refused"}
    both = data.visible(adviser="Ben Caseworker", kind="appeal")
    assert both == []
    assert {r.client_name for r in data.visible(text="feewaiver")} == {"Felix Feewaiver"}
    # The rule cited follows the date: SUI 13.1 from 11 November 2025 (was 39E).
    assert {r.kind for r in data.visible(text="chen sui 13.1")} == {
        "status_unknown",
        "late_application_window",
    }
    assert {r.kind for r in data.visible(text="ezra 31 aug 2012")} == {"status_unknown"}
    # Ezra's permission ended in 2012: that deadline is hidden unless passed ones are asked
    # for; the record stopping then is an attention item, always shown.
    ezra = [r.kind for r in data.visible() if r.client_name == "Ezra Oldstudent"]
    assert ezra == ["status_unknown"]
    older = [r.kind for r in data.visible(show_passed=True) if r.client_name == "Ezra Oldstudent"]
    assert set(older) == {"status_unknown", "apply_before_expiry", "late_application_window"}
    # A recent miss (Chen's appeal, yesterday) stays in the default view as overdue.
    assert [r for r in data.visible() if r.client_name == "Chen Refused" and r.kind == "appeal"]
    assert data.advisers() == ["Asha Adviser", "Ben Caseworker"]


def test_badge_for_a_deadline_within_14_days_only(store, clients):
    data = DeadlineBoard().build(store, DAY)
    badges = data.badges()
    amina = badges[clients["Amina Appeal"]]
    assert amina.days == 4 and amina.text == "4 d" and amina.accessible == "deadline in 4 days"
    assert amina.row.kind == "appeal"
    assert badges[clients["Dara Refugee"]].text == "today"
    assert badges[clients["Dara Refugee"]].accessible == "deadline today"
    # Felix's full application is due in 7 days.
    assert badges[clients["Felix Feewaiver"]].days == 7
    assert clients["Amina Appeal"] not in data.badges(due_within=3)
    # Chen missed the appeal yesterday, but nothing is recorded since 3C ended: the attention
    # item is the badge (it never ages out), ahead of the missed appeal and the 39E date.
    chen = badges[clients["Chen Refused"]]
    assert (chen.text, chen.row.kind, chen.attention) == ("check status", "status_unknown", True)
    assert chen.accessible == (
        "needs attention: Permission ended 19 November 2026 - nothing recorded since"
    )
    assert badges[clients["Ezra Oldstudent"]].row.kind == "status_unknown"


def test_a_missed_deadline_is_badged_for_as_long_as_the_board_calls_it_overdue(store):
    # Issue 16: demo Elif was "Overdue: 22 days" on the board with no badge (the badge
    # looked back 14 days, the board 30). One rule now (`needs_action`): both use
    # OVERDUE_DAYS. Refused on 29 October, the appeal was due on 12 November, 24 days ago.
    cid = add_client(
        store,
        "Olu Overdue",
        "Asha Adviser",
        history(
            [perm("immigration_bail", "2025-01-10", "2027-01-09")],
            [app("asylum", "2025-01-10", "2026-10-29", "refused")],
        ),
    )
    today = D("2026-12-06")
    data = DeadlineBoard().build(store, today)
    (appeal,) = [r for r in data.visible() if r.client_id == cid and r.kind == "appeal"]
    assert status_of(appeal, today) == OVERDUE and (today - appeal.last_day).days == 24
    badge = data.badges()[cid]
    assert (badge.row, badge.text) == (appeal, "24 d late")
    # Past the window it leaves the board's default view and the badge together.
    later = today + timedelta(days=board.OVERDUE_DAYS - 23)
    gone = DeadlineBoard().build(store, later)
    assert not [r for r in gone.visible() if r.client_id == cid and r.kind == "appeal"]
    assert cid not in gone.badges() or gone.badges()[cid].row.kind != "appeal"


def test_demo_elif_is_on_the_board_and_badged_alike(store):
    # The engine's deadlines alone (the demo's casework reminders: test_board_casework.py).
    names = [c["details"]["full_name"] for c in _DEMO_CASES]
    ids = dict(zip(names, fill_demo(store, casework=False), strict=True))
    today = D("2026-12-06")
    data = DeadlineBoard().build(store, today)
    elif_ = ids["Elif Fictitious"]
    shown = [r for r in data.visible() if r.client_id == elif_ and not r.met]
    assert {r.kind for r in shown} == {
        "status_unknown",
        "apply_before_expiry",
        "late_application_window",
    }
    (ends,) = [r for r in shown if r.kind == "apply_before_expiry"]
    assert status_of(ends, today) == OVERDUE and (today - ends.last_day).days == 22
    badge = data.badges()[elif_]
    assert badge.row in shown and badge.row.kind == "status_unknown"
    # Every demo client the board shows a deadline to act on for has a badge, and back.
    acting = {
        r.client_id
        for r in data.visible()
        if not r.met and (r.attention or r.last_day <= today + timedelta(days=board.BADGE_DAYS))
    }
    assert set(data.badges()) == acting


def test_badge_counts_to_the_next_working_day_over_a_weekend():
    sat, mon = D("2026-11-21"), D("2026-11-23")
    row = BoardRow(sat, 7, "X", "A", "appeal", "Last day to appeal", "r.19(2)", mon)
    data = board.BoardData(D("2026-11-22"), rows=(row,))
    assert data.badges()[7].days == 1


# ---- the cache ---------------------------------------------------------------------------------


def test_stored_values_read_back_as_the_same_history(store):
    ids = fill_demo(store)
    with store.read_session() as s:
        sources = repository.history_sources(s)
        for cid in ids:
            expected = replace(repository.load_history(s, cid), person=history().person)
            assert history_from_records(sources[cid].records()) == expected


def test_every_application_field_and_the_status_checks_read_back_the_same(store):
    # Issue 16: the board read twelve application columns by position and no status checks,
    # so it could see another history than the client page.
    full = History(
        permissions=(perm("skilled_worker", "2023-01-01", "2026-06-30"),),
        applications=(
            app(
                "extension",
                "2026-06-01",
                "2026-06-20",
                "refused",
                late_reason_accepted=False,
                remedy="administrative_review",
                review_lodged="2026-06-25",
                review_decided="2026-07-20",
                review_outcome="maintained",
                detained=True,
            ),
            app(
                "human_rights",
                "2026-08-01",
                "2026-09-01",
                "refused",
                remedy="appeal",
                appeal_lodged="2026-09-30",
                appeal_time_extended=True,
            ),
        ),
        status_checks=(StatusCheck(D("2026-11-01")),),
    )
    assert validate_history(full, today=DAY) == []
    cid = add_client(store, "Fay Fields", "Asha Adviser", full)
    with store.read_session() as s:
        stored = repository.load_history(s, cid)
        read = history_from_records(repository.history_sources(s, cid)[cid].records())
    assert stored.applications == full.applications
    assert stored.status_checks == full.status_checks
    assert read == replace(stored, person=history().person)
    assert deadlines_for(read, DAY) == deadlines_for(stored, DAY)


def test_the_board_sees_the_advisers_status_check(store):
    # Nothing recorded after 30 June: status unknown, until the adviser records the check.
    lapsed = history([perm("skilled_worker", "2023-01-01", "2026-06-30")])
    cid = add_client(store, "Gil Gone", "Asha Adviser", lapsed)
    b = DeadlineBoard()
    before = [r.kind for r in b.build(store, DAY).rows if r.attention]
    assert before == ["status_unknown"]
    with store.session() as s:
        checked = replace(lapsed, status_checks=(StatusCheck(D("2026-11-02")),))
        repository.save_history(s, cid, checked, "Asha Adviser")
    after = b.build(store, DAY)
    assert after.computed == 1  # the check changed the stored history
    assert not [r for r in after.rows if r.kind == "status_unknown"]


def test_cache_is_used_until_a_history_changes(store, clients):
    b = DeadlineBoard()
    first = b.build(store, DAY)
    assert first.computed == len(clients)
    again = b.build(store, DAY)
    assert again.computed == 0 and again.rows == first.rows
    # A new trip for Amina: only her history goes to the engine again.
    cid = clients["Amina Appeal"]
    with store.session() as s:
        h = repository.load_history(s, cid)
        trip = Absence(D("2025-06-01"), D("2025-06-20"))
        repository.save_history(s, cid, replace(h, absences=(trip,)), "Asha Adviser")
    changed = b.build(store, DAY)
    assert changed.computed == 1
    # A new day: everything is worked out again (statuses and projections move).
    assert b.build(store, DAY + timedelta(days=1)).computed == len(clients)


def test_a_changed_history_changes_the_deadlines_it_gives(store, clients):
    b = DeadlineBoard()
    b.build(store, DAY)
    cid = clients["Amina Appeal"]
    with store.session() as s:
        h = repository.load_history(s, cid)
        lodged = replace(h.applications[0], appeal_lodged=D("2026-11-15"))
        repository.save_history(s, cid, replace(h, applications=(lodged,)), "Ben Caseworker")
    entry = b.client_entry(store, cid, DAY)
    (appeal,) = [d for d in entry.deadlines if d.kind == "appeal"]
    assert appeal.status == "met" and appeal.met
    assert not [d for d in entry.deadlines if d.kind == "sar_answer"]  # no SAR once lodged
    assert entry.adviser == "Ben Caseworker"  # the adviser who changed it last
    data = b.build(store, DAY)
    assert data.computed == 0  # the refresh already did the work
    (row,) = [r for r in rows_of(data, "Amina Appeal") if r.kind == "appeal"]
    assert row.met and status_of(row, DAY) == DONE
    # The appeal is in: the next thing is the bail ending on 9 January, not within 14 days.
    assert cid not in data.badges()


def test_the_store_cache_serves_a_new_session_the_same_day(store, clients, monkeypatch):
    b = DeadlineBoard()
    first = b.build(store, DAY)
    assert b.save_cache(store) == len(clients)
    fresh = DeadlineBoard()  # after lock and unlock: nothing in memory
    second = fresh.build(store, DAY)
    assert second.computed == 0 and second.rows == first.rows
    # New rules (or a new app version): the stored work is not used.
    board.rules_version.cache_clear()
    monkeypatch.setattr(board, "rules_version", lambda region=board.DEFAULT_REGION: "other")
    assert DeadlineBoard().build(store, DAY).computed == len(clients)


def test_forget_drops_the_memory_and_an_erased_client_leaves_the_cache(store, clients):
    b = DeadlineBoard()
    b.build(store, DAY)
    b.save_cache(store)
    assert b.cached_clients() == len(clients)
    b.forget()
    assert b.cached_clients() == 0
    cid = clients["Ezra Oldstudent"]
    with store.session() as s:
        repository.delete_client(s, cid, "Asha Adviser")
    with store.read_session() as s:
        assert cid not in repository.deadline_cache(s)
    data = b.build(store, DAY)
    assert cid not in data.clients and not rows_of(data, "Ezra Oldstudent")
    assert b.client_entry(store, cid, DAY) is None


def test_with_client_keeps_the_date_order(store, clients):
    b = DeadlineBoard()
    data = b.build(store, DAY)
    cid = clients["Felix Feewaiver"]
    entry = b.client_entry(store, cid, DAY)
    moved = board.ClientEntry(
        cid,
        "Felix Feewaiver",
        "Ben Caseworker",
        (
            board.Item(D("2026-11-21"), "Something new", "", None, "other", "upcoming"),
            *entry.deadlines,
        ),
    )
    updated = data.with_client(cid, moved)
    assert [r.date for r in updated.rows] == sorted(r.date for r in updated.rows)
    assert len(updated.rows) == len(data.rows) + 1
    removed = updated.with_client(cid, None)
    assert not rows_of(removed, "Felix Feewaiver") and cid not in removed.clients


def test_worker_processes_give_the_same_board(store, clients):
    here = DeadlineBoard(processes=1).build(store, DAY)
    pooled = DeadlineBoard(processes=2, parallel_from=0)
    try:
        assert pooled.build(store, DAY).rows == here.rows
        assert pooled._pool is not None  # the work really went to the workers
    finally:
        pooled.close()


def test_a_build_stops_when_the_board_forgets(store, clients, monkeypatch):
    b = DeadlineBoard(processes=1, parallel_from=10_000)
    monkeypatch.setattr(board, "CHUNK", 1)
    real = board._assess_chunk
    calls = []

    def chunk_then_lock(chunk, today, region):
        calls.append(chunk)
        if len(calls) == 2:
            b.forget()  # the window locked while the engine was working
        return real(chunk, today, region)

    monkeypatch.setattr(board, "_assess_chunk", chunk_then_lock)
    epoch = b.epoch
    with pytest.raises(board.BuildCancelled):
        b.build(store, DAY, epoch=epoch)
    assert len(calls) == 2 and b.cached_clients() == 0 and b.unsaved() == 0


def test_save_cache_writes_a_few_at_a_time(store, clients):
    b = DeadlineBoard()
    b.build(store, DAY)
    assert b.unsaved() == len(clients)
    assert b.save_cache(store, limit=2) == 2
    assert b.unsaved() == len(clients) - 2
    assert b.save_cache(store) == len(clients) - 2
    assert b.save_cache(store) == 0
    with store.read_session() as s:
        kept = repository.deadline_cache(s)
    assert set(kept) == set(clients.values())
    assert {row[1] for row in kept.values()} == {DAY.isoformat()}


# ---- strip, badge and board: one rule, the engine's data ---------------------------------------


def test_demo_amara_on_the_board_the_badge_and_the_strip_is_the_engines_attention_item(store):
    names = [c["details"]["full_name"] for c in _DEMO_CASES]
    ids = dict(zip(names, fill_demo(store, casework=False), strict=True))
    amara = ids["Amara Example"]
    today = D("2026-12-06")
    with store.read_session() as s:
        page_history = repository.load_history(s, amara)
    verdict = assess_history(page_history, today=today)  # what the client page shows
    attention = [(d.date, d.kind) for d in verdict.deadlines if d.status == "attention"]
    assert attention == [(verdict.record_ends, "status_unknown")]
    assert verdict.status_unknown_since == verdict.record_ends + timedelta(days=1)
    data = DeadlineBoard().build(store, today)
    board_rows = [(r.date, r.kind) for r in data.visible() if r.client_id == amara and r.attention]
    assert board_rows == attention
    badge = data.badges()[amara]
    assert badge.attention and (badge.row.date, badge.row.kind) == attention[0]
    strip = to_show(data.clients[amara].deadlines, today)
    assert [(i.date, i.kind) for i in strip if i.attention] == attention
    assert strip[0].attention  # first on the strip


CATEGORIES = ("student", "skilled_worker", "partner_5y", "refugee", "private_life_10y")


@st.composite
def histories(draw):
    """Any history the rules accept: one to three permissions with gaps or none, applications
    made, decided or not, refused with a remedy brought in time or late, and sometimes the
    adviser's check."""
    start = DAY - timedelta(days=draw(st.integers(100, 3000)))
    perms, cur = [], start
    for _ in range(draw(st.integers(1, 3))):
        end = cur + timedelta(days=draw(st.integers(20, 1200)))
        perms.append(Permission(draw(st.sampled_from(CATEGORIES)), cur, end))
        cur = end + timedelta(days=draw(st.sampled_from([1, 1, 1, 15, 90])))
    apps = []
    for _ in range(draw(st.integers(0, 2))):
        made = start + timedelta(days=draw(st.integers(0, (DAY - start).days)))
        decided, outcome, extra = None, None, {}
        if draw(st.booleans()):
            decided = min(DAY, made + timedelta(days=draw(st.integers(0, 200))))
            outcome = draw(st.sampled_from(["granted", "refused", "withdrawn"]))
            if outcome == "refused":
                remedy = draw(st.sampled_from([None, "appeal", "administrative_review", "none"]))
                extra["remedy"] = remedy
                lodged = draw(st.one_of(st.none(), st.integers(0, 30)))
                if lodged is not None and decided + timedelta(days=lodged) <= DAY:
                    on = decided + timedelta(days=lodged)
                    if remedy == "administrative_review":
                        extra["review_lodged"] = on
                    elif remedy != "none":
                        extra["appeal_lodged"] = on
        kind = draw(st.sampled_from(["extension", "asylum", "human_rights", "settlement"]))
        apps.append(Application(kind, made, decided, outcome, **extra))
    checks = ()
    if draw(st.booleans()):
        checks = (StatusCheck(DAY - timedelta(days=draw(st.integers(0, 60)))),)
    return History(permissions=tuple(perms), applications=tuple(apps), status_checks=checks)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(histories(), st.integers(0, 200))
def test_strip_badge_and_board_agree_for_any_history(hist, shift):
    today = DAY + timedelta(days=shift)
    assume(validate_history(hist, today=today) == [])
    items = deadlines_for(hist, today)
    data = BoardData.from_entries(today, [ClientEntry(1, "Any One", "A", items)])
    to_act = [r for r in data.visible() if not r.met]  # the board's default view

    def key(x):
        return (x.date, x.kind, x.what)

    strip = to_show(items, today)
    assert sorted(map(key, strip)) == sorted(map(key, to_act))
    soon = today + timedelta(days=board.BADGE_DAYS)
    due = [r for r in to_act if r.attention or r.last_day <= soon]
    badge = data.badges().get(1)
    assert (badge is not None) == bool(due)
    # Every attention item of the engine's own verdict is on all three, and is the badge.
    engine = {(d.date, d.kind) for d in engine_deadlines(hist, today) if d.status == "attention"}
    assert engine == {(r.date, r.kind) for r in to_act if r.attention}
    assert engine == {(i.date, i.kind) for i in strip if i.attention}
    if badge is not None:
        assert badge.row in due
        assert badge.attention == bool(engine)
