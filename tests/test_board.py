"""The deadlines board's data: deadlines collected across clients, kinds, statuses, order,
filters, the 14-day badge and the cache (memory and store)."""

from dataclasses import replace
from datetime import timedelta

import pytest

from desktop import board
from desktop.board import (
    DONE,
    OVERDUE,
    PASSED,
    PROBLEM_TEXT,
    TODAY,
    UPCOMING,
    BoardRow,
    DeadlineBoard,
    board_route,
    classify,
    history_from_records,
    status_of,
)
from desktop.rules.history import Absence, Question
from desktop.store import repository
from desktop.store.database import Store
from desktop.store.demo import fill_demo
from desktop.store.repository import ClientDetails
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


# ---- kinds -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("what", "rule", "kind"),
    [
        (
            "Last day to appeal to the First-tier Tribunal: 14 days after the refusal was sent.",
            "FTT (IAC) Rules 2014 r.19(2)",
            "appeal",
        ),
        (
            "Last day to appeal from outside the UK: 28 days after the refusal was received",
            "FTT (IAC) Rules 2014 r.19(3)(b)",
            "appeal",
        ),
        (
            "Make the full application within 10 working days of the fee-waiver decision",
            "34G(4)",
            "fee_waiver",
        ),
        (
            "Permission ends (Refugee permission, permissions[0]). Apply before the end",
            "s3C Immigration Act 1971",
            "permission_ends",
        ),
        ("MVDAC permission ends: apply for settlement", "MVDAC (reference 003)", "permission_ends"),
        (
            "Window opens to apply for settlement (28 days before permission ends)",
            "Appendix Settlement",
            "apply_from",
        ),
        (
            "Last month of permission starts: apply for settlement from today",
            "Appendix Settlement Protection",
            "apply_from",
        ),
        ("Earliest date to apply: Long residence", "Long residence 3.1", "earliest"),
        (
            "Section 3C leave after the refusal ends, unless an appeal is lodged",
            "s3C(2)(c)-(d) Immigration Act 1971",
            "section_3c",
        ),
        (
            "Last day for a further application that is forgiven without a reason",
            "paragraph 39E(2)",
            "section_3c",
        ),
        ("custody[0]: if the sentence was under 12 months", "STP 2.1(c)", "stp"),
        (
            "If you ask the Home Office for your file today, they should answer by this date",
            "UK GDPR art. 12(3)",
            "sar",
        ),
        ("Something new the engine says", "", "other"),
    ],
)
def test_classify_sorts_each_deadline_into_its_kind(what, rule, kind):
    assert classify(what, rule) == kind


def test_every_kind_the_engine_gives_here_is_named(store, clients):
    data = DeadlineBoard().build(store, DAY)
    kinds = {r.kind for r in data.rows}
    assert kinds == {
        "appeal",
        "fee_waiver",
        "permission_ends",
        "apply_from",
        "earliest",
        "section_3c",
        "stp",
        "sar",
    }


# ---- collected across clients ------------------------------------------------------------------


def test_deadlines_of_every_client_in_date_order_with_kinds_and_advisers(store, clients):
    data = DeadlineBoard().build(store, DAY)
    assert set(data.clients) == set(clients.values())
    assert list(data.rows) == sorted(data.rows, key=board._order)  # date, name, client, words
    (appeal,) = [r for r in rows_of(data, "Amina Appeal") if r.kind == "appeal"]
    assert appeal.date == D("2026-11-24") and appeal.adviser == "Asha Adviser"
    assert appeal.rule == "FTT (IAC) Rules 2014 r.19(2)"
    (fee,) = [r for r in rows_of(data, "Felix Feewaiver") if r.kind == "fee_waiver"]
    assert fee.date == D("2026-11-27") and fee.adviser == "Ben Caseworker"
    chen = {r.kind: r for r in rows_of(data, "Chen Refused")}
    assert chen["appeal"].date == D("2026-11-19")
    assert {r.date for r in rows_of(data, "Chen Refused") if r.kind == "section_3c"} == {
        D("2026-11-19"),
        D("2026-12-03"),  # 39E(2): 14 days after 3C ends
    }
    dara = rows_of(data, "Dara Refugee")
    assert {r.kind for r in dara} >= {"permission_ends", "apply_from", "stp"}
    (ends,) = [r for r in dara if r.kind == "permission_ends"]
    assert ends.date == D("2026-12-19")


def test_statuses_overdue_today_upcoming_passed(store, clients):
    data = DeadlineBoard().build(store, DAY)

    def status(name, kind):
        return {status_of(r, DAY) for r in rows_of(data, name) if r.kind == kind}

    assert status("Chen Refused", "appeal") == {OVERDUE}  # yesterday
    assert status("Dara Refugee", "apply_from") == {TODAY}
    assert status("Amina Appeal", "appeal") == {UPCOMING}
    assert status("Ezra Oldstudent", "permission_ends") == {PASSED}  # 14 years ago
    (late,) = [r for r in rows_of(data, "Chen Refused") if r.kind == "appeal"]
    assert status_of(late, DAY, overdue_days=0) == PASSED


def test_permission_ending_after_an_in_time_application_is_done(store, clients):
    data = DeadlineBoard().build(store, DAY)
    # Chen applied to extend on 20 September, before the permission ended on 1 October.
    (ends,) = [r for r in rows_of(data, "Chen Refused") if r.kind == "permission_ends"]
    assert ends.met and status_of(ends, DAY) == DONE
    # Felix's permission ended on 31 October with only a fee-waiver request: still overdue.
    (felix,) = [r for r in rows_of(data, "Felix Feewaiver") if r.kind == "permission_ends"]
    assert not felix.met and status_of(felix, DAY) == OVERDUE


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
    (earliest,) = [r for r in rows_of(data, "Chen Refused") if r.kind == "earliest"]
    assert "No route asked about yet" in earliest.what
    assert "Settlement on a work route" in earliest.what
    asked = [r for r in rows_of(data, "Dara Refugee") if r.kind in ("earliest", "apply_from")]
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
    assert {r.kind for r in data.visible(text="chen 39e")} == {"section_3c"}
    # Ezra's permission ended in 2012: hidden unless passed ones are asked for.
    assert not [r for r in data.visible() if r.client_name == "Ezra Oldstudent"]
    assert [r for r in data.visible(show_passed=True) if r.client_name == "Ezra Oldstudent"]
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
    # Felix's permission ended 20 days ago (outside the 14), his full application is due in 7.
    assert badges[clients["Felix Feewaiver"]].days == 7
    assert data.badges(within=30)[clients["Felix Feewaiver"]].text == "20 d late"
    # Chen missed the appeal yesterday: that is flagged before the 39E(2) date to come.
    chen = badges[clients["Chen Refused"]]
    assert (chen.days, chen.text, chen.row.kind) == (-1, "1 d late", "appeal")
    assert chen.accessible == "deadline missed 1 day ago"
    assert clients["Ezra Oldstudent"] not in badges
    assert clients["Amina Appeal"] not in data.badges(within=3)


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
    (appeal,) = [d for d in entry.deadlines if d[4] == "appeal"]
    assert appeal[5]  # met
    assert "An appeal was lodged on 2026-11-15, in time." in appeal[1]
    assert not [d for d in entry.deadlines if d[4] == "sar"]  # no SAR advice once lodged
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
            (D("2026-11-21"), "Something new", "", None, "other", False),
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
