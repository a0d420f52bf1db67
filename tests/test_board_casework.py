"""Issue 22: the casework reminders on the deadlines board (desktop.board): worked out afresh at
each build from the casework read with the histories, shown even for a client whose history
the engine could not assess, and refreshed by `client_entry`."""

import datetime as dt

import pytest

from desktop import board
from desktop.board import ATTENTION, DeadlineBoard, status_of
from desktop.rules.history import History, Permission
from desktop.store import casework as cw
from desktop.store import repository
from desktop.store.database import Store
from desktop.store.repository import ClientDetails
from tests.store.conftest import CHEAP_KDF, PASSPHRASE

D = dt.date
TODAY = D(2026, 12, 7)
ADVISER = "Asha Adviser"


@pytest.fixture
def store(tmp_path):
    opened = Store.create(tmp_path / "data", PASSPHRASE, CHEAP_KDF)
    yield opened
    opened.close()


def client(store, name, permissions=()):
    with store.session() as s:
        cid = repository.create_client(s, ClientDetails(full_name=name), ADVISER)
        if permissions:
            repository.save_history(s, cid, History(permissions=tuple(permissions)), ADVISER)
    return cid


def kinds(data, cid):
    return {r.kind: r for r in data.rows if r.client_id == cid}


def test_the_board_shows_each_clients_casework_reminders(store):
    cid = client(store, "Ama Mensah", [Permission("student", D(2024, 1, 1), D(2027, 6, 1))])
    quiet = client(store, "No Casework")
    with store.session() as s:
        cw.set_adviser_level(s, ADVISER, 1, 1, "Manager")
        cw.add_matter(
            s,
            cid,
            cw.MatterEntry("asylum", D(2026, 8, 20), "Asylum claim", adviser=ADVISER),
            ADVISER,
        )
        cw.add_complaint(s, cid, cw.ComplaintEntry(D(2026, 11, 30), "slow reply"), ADVISER)
    data = DeadlineBoard(processes=1).build(store, TODAY)
    rows = kinds(data, cid)
    # The engine's own deadlines are still there, with the casework ones beside them.
    assert "apply_before_expiry" in rows
    assert {"written_update", "level_check", "complaint", "consent_missing"} <= set(rows)
    update = rows["written_update"]
    # Past its day and still owed: an attention item (it never ages off the board).
    assert update.date == D(2026, 11, 20) and status_of(update, TODAY) == ATTENTION
    assert rows["level_check"].engine_status == ATTENTION
    assert "'Asylum claim'" in rows["written_update"].what
    assert data.clients[cid].casework and data.clients[quiet].casework == ()
    # Shown by default, and the client list's badge names the attention item.
    shown = {r.kind for r in data.visible() if r.client_id == cid}
    assert {"written_update", "level_check", "complaint"} <= shown
    assert data.badges()[cid].row.attention
    assert data.badges()[cid].text in board.BADGE_WORDS.values()


def test_reminders_are_worked_out_afresh_not_kept_with_the_history(store):
    cid = client(store, "Ama Mensah", [Permission("student", D(2024, 1, 1), D(2027, 6, 1))])
    the_board = DeadlineBoard(processes=1)
    first = the_board.build(store, TODAY)
    assert "written_update" not in kinds(first, cid)
    with store.session() as s:
        cw.add_matter(s, cid, cw.MatterEntry("partner", D(2026, 6, 1)), ADVISER)
    # Nothing in the history changed: the engine's part comes from the cache, the casework
    # reminders are new.
    second = the_board.build(store, TODAY)
    assert second.computed == 0 and "written_update" in kinds(second, cid)
    with store.session() as s:
        cw.add_visit(s, cid, cw.VisitEntry(D(2026, 11, 1), ADVISER, "letter", matter_id=1), ADVISER)
    entry = the_board.client_entry(store, cid, TODAY)
    (update,) = [i for i in entry.casework if i.kind == "written_update"]
    assert update.date == D(2027, 2, 1)  # three months after the letter
    refreshed = second.with_client(cid, entry)
    assert [r.date for r in refreshed.rows if r.kind == "written_update"] == [D(2027, 2, 1)]


def test_a_client_the_engine_cannot_assess_still_shows_the_casework(store, monkeypatch):
    cid = client(store, "Ezra Oldstudent", [Permission("student", D(2010, 9, 1), D(2012, 8, 31))])
    with store.session() as s:
        cw.add_complaint(s, cid, cw.ComplaintEntry(D(2026, 11, 30), "not answered"), ADVISER)

    def fussy(hist, today, region=board.DEFAULT_REGION):
        raise ValueError("secret detail")

    monkeypatch.setattr(board, "deadlines_for", fussy)
    data = DeadlineBoard(processes=1, use_store_cache=False).build(store, TODAY)
    rows = [r for r in data.rows if r.client_id == cid]
    assert [r.problem for r in rows].count(True) == 1
    assert "complaint" in {r.kind for r in rows if not r.problem}
    assert data.problems() == 1
    entry = DeadlineBoard(processes=1, use_store_cache=False).client_entry(store, cid, TODAY)
    assert entry.deadlines is None and {i.kind for i in entry.casework} == {"complaint"}


def test_retention_reviews_come_onto_the_board_a_month_before_they_fall(store):
    soon = client(store, "Closed Long Ago")
    later = client(store, "Closed Recently")
    with store.session() as s:
        for cid, closed in ((soon, D(2020, 12, 20)), (later, D(2024, 1, 1))):
            cw.add_matter(
                s,
                cid,
                cw.MatterEntry("partner", D(2020, 1, 1), closed=closed, outcome="withdrawn"),
                ADVISER,
            )
    data = DeadlineBoard(processes=1).build(store, TODAY)
    (review,) = [r for r in data.rows if r.kind == "retention_review"]
    assert review.client_id == soon and review.date == D(2026, 12, 20)
    # The client's own reminders list every one (the Casework tab, the review list).
    with store.session() as s:
        assert "retention_review" in {d.kind for d in cw.reminders_for(s, later, TODAY)}


def test_one_clients_broken_casework_does_not_hide_the_others(store, monkeypatch):
    good, bad = client(store, "Good Casework"), client(store, "Bad Casework")
    with store.session() as s:
        for cid in (good, bad):
            cw.add_complaint(s, cid, cw.ComplaintEntry(D(2026, 11, 30), "x"), ADVISER)
    real = cw.reminders_from

    def fragile(facts, today, settings, region, history=None, inputs=None):
        if facts.complaints[0].id == 2:
            raise RuntimeError("secret detail")
        return real(facts, today, settings, region, history, inputs)

    monkeypatch.setattr(cw, "reminders_from", fragile)
    data = DeadlineBoard(processes=1).build(store, TODAY)
    assert "complaint" in kinds(data, good)
    (row,) = [r for r in data.rows if r.client_id == bad]
    assert row.what == board.CASEWORK_PROBLEM_TEXT and row.attention and "secret" not in row.what


def test_the_demo_clients_casework_reaches_the_board_and_the_badges(store):
    """`make demo` shows the casework: the level check, an outcome letter still owed, a
    complaint not acknowledged, a missing consent; every client with one is badged."""
    from desktop.rules.deadlines import CASEWORK_KINDS
    from desktop.store.demo import fill_demo

    ids = fill_demo(store)
    today = dt.date.today()  # the demo's casework is dated from today
    data = DeadlineBoard(processes=1).build(store, today)
    shown = [r for r in data.visible() if r.kind in CASEWORK_KINDS]
    assert {"level_check", "outcome_letter", "complaint", "consent_missing"} <= {
        r.kind for r in shown
    }
    badged = set(data.badges())
    assert {r.client_id for r in shown if r.attention} <= badged <= set(ids)
