"""Issue 22 with issue 21: the seven casework tables travel between a centre's laptops through
change capture and the sync engine - whole rows with their links (as parent uids), a field
edited on two laptops at once goes to the review queue, a history edit keeps a matter's link
to its application, and an erasure takes every casework row with it everywhere."""

import datetime as dt
from dataclasses import replace

import pytest
from sqlalchemy import text

from desktop.rules.history import Application, History, Permission
from desktop.store import casework as cw
from desktop.store import repository, sync_capture, sync_engine
from desktop.store.database import Store
from desktop.store.repository import ClientDetails
from tests.store.conftest import CHEAP_KDF, PASSPHRASE
from tests.store.test_sync_engine import exchange, id_of, snapshot, uid_of

D = dt.date
ADVISER = "Adviser A"
TABLES = (
    "matters",
    "visits",
    "letters",
    "complaints",
    "consents",
    "access_requests",
    "retention_decisions",
)


@pytest.fixture
def stores(tmp_path):
    """Stores with sharing switched on (as tests/store/test_sync_engine.py makes them)."""
    made = []

    def make(name):
        store = Store.create(tmp_path / name, PASSPHRASE, CHEAP_KDF)
        with store.session() as s:
            sync_capture.enable(s)
            sync_engine.device_id(s)
        made.append(store)
        return store

    yield make
    for store in made:
        store.close()


def client_with_casework(store):
    """A client with a history and a row in every casework table; returns (client id, ids)."""
    with store.session() as s:
        cid = repository.create_client(s, ClientDetails(full_name="Ama Mensah"), ADVISER)
        repository.save_history(
            s,
            cid,
            History(
                permissions=(Permission("student", D(2020, 1, 1), D(2022, 1, 1)),),
                applications=(Application("extension", D(2021, 12, 1)),),
            ),
            ADVISER,
        )
        app_id = cw.application_choices(s, cid)[0][0]
        perm_id = cw.permission_choices(s, cid)[0][0]
        mid = cw.add_matter(
            s,
            cid,
            cw.MatterEntry(
                "partner",
                D(2026, 9, 1),
                "Partner extension",
                adviser=ADVISER,
                application_id=app_id,
                permission_id=perm_id,
            ),
            ADVISER,
        )
        ids = dict(
            matter=mid,
            visit=cw.add_visit(
                s, cid, cw.VisitEntry(D(2026, 9, 1), ADVISER, "phone", 30, mid), ADVISER
            ),
            letter=cw.record_letter(
                s,
                cid,
                cw.LetterEntry(
                    "client_care", D(2026, 9, 2), ADVISER, mid, fields={"costs": "free"}
                ),
                ADVISER,
            ),
            complaint=cw.add_complaint(
                s, cid, cw.ComplaintEntry(D(2026, 10, 1), "slow", ADVISER, mid), ADVISER
            ),
            consent=cw.add_consent(s, cid, cw.ConsentEntry("records", D(2026, 9, 1)), ADVISER),
            access_request=cw.add_access_request(
                s, cid, cw.AccessRequestEntry(D(2026, 11, 1)), ADVISER
            ),
            retention=cw.keep_on_review(s, cid, "appeal", D(2030, 1, 1), ADVISER, D(2026, 12, 7)),
            application=app_id,
            permission=perm_id,
        )
    return cid, ids


def casework_on(store, client_uid):
    with store.read_session() as s:
        return cw.casework_of(s, id_of(store, "clients", client_uid))


def test_casework_made_on_one_laptop_reaches_the_other_with_its_links(stores):
    a, b = stores("a"), stores("b")
    cid, ids = client_with_casework(a)
    uid = uid_of(a, "clients", cid)
    exchange(a, b)
    assert snapshot(a) == snapshot(b)
    on_a, on_b = casework_on(a, uid), casework_on(b, uid)
    for table, name in (
        ("matters", "matters"),
        ("visits", "visits"),
        ("letters", "letters"),
        ("complaints", "complaints"),
        ("consents", "consents"),
        ("access_requests", "access_requests"),
        ("retention_decisions", "retention"),
    ):
        (row_a,), (row_b,) = getattr(on_a, name), getattr(on_b, name)
        assert uid_of(a, table, row_a.id) == uid_of(b, table, row_b.id)
        # The same record, with links to the same rows (local ids may differ).
        plain_a = {k: v for k, v in row_a.__dict__.items() if not k.endswith("id")}
        plain_b = {k: v for k, v in row_b.__dict__.items() if not k.endswith("id")}
        assert plain_a == plain_b, table
    matter_b = on_b.matters[0]
    assert uid_of(b, "applications", matter_b.application_id) == uid_of(
        a, "applications", ids["application"]
    )
    assert uid_of(b, "permissions", matter_b.permission_id) == uid_of(
        a, "permissions", ids["permission"]
    )
    for name in ("visits", "letters", "complaints"):
        assert getattr(on_b, name)[0].matter_id == matter_b.id
    assert on_b.letters[0].fields == {"costs": "free"}


def test_one_matter_field_edited_on_both_laptops_goes_to_review(stores):
    a, b = stores("a"), stores("b")
    cid, ids = client_with_casework(a)
    uid = uid_of(a, "clients", cid)
    matter_uid = uid_of(a, "matters", ids["matter"])
    exchange(a, b)
    for store, notes in ((a, "Waiting for the decision"), (b, "Client moved house")):
        with store.session() as s:
            mid = id_of(store, "matters", matter_uid)
            entry = cw.get_matter(s, mid).entry()
            cw.update_matter(s, mid, replace(entry, notes=notes), ADVISER)
    # Different fields of the same matter merge without a review.
    with b.session() as s:
        mid = id_of(b, "matters", matter_uid)
        cw.update_matter(s, mid, replace(cw.get_matter(s, mid).entry(), title="Spouse"), ADVISER)
    exchange(a, b)
    for store in (a, b):
        with store.read_session() as s:
            items = sync_engine.review_items(s)
            (item,) = items
            assert (item.tbl, item.col, item.section) == ("matters", "notes", "Matters")
            assert item.client_id == id_of(store, "clients", uid)
            assert sorted(c.value for c in item.candidates) == [
                "Client moved house",
                "Waiting for the decision",
            ]
            assert cw.get_matter(s, id_of(store, "matters", matter_uid)).title == "Spouse"
    assert snapshot(a) == snapshot(b)


def test_editing_the_history_keeps_the_matters_application_link_everywhere(stores):
    a, b = stores("a"), stores("b")
    cid, ids = client_with_casework(a)
    app_uid = uid_of(a, "applications", ids["application"])
    matter_uid = uid_of(a, "matters", ids["matter"])
    exchange(a, b)
    with a.session() as s:
        history = repository.load_history(s, cid)
        (app,) = history.applications
        decided = replace(app, decided=D(2022, 3, 1), outcome="granted")
        new = replace(
            history,
            applications=(decided,),
            permissions=(*history.permissions, Permission("student", D(2022, 3, 1), None)),
        )
        repository.save_history(s, cid, new, ADVISER)
    exchange(a, b)
    for store in (a, b):
        with store.read_session() as s:
            matter = cw.get_matter(s, id_of(store, "matters", matter_uid))
            assert uid_of(store, "applications", matter.application_id) == app_uid
            app_row = s.execute(
                text("SELECT decided FROM applications WHERE uid = :u"), {"u": app_uid}
            ).scalar()
            assert app_row == "2022-03-01"
    assert snapshot(a) == snapshot(b)


def test_erasing_a_client_on_one_laptop_removes_their_casework_everywhere(stores):
    a, b, c = stores("a"), stores("b"), stores("c")
    cid, _ids = client_with_casework(a)
    uid = uid_of(a, "clients", cid)
    exchange(a, b, c)
    # C logs a visit not yet shared when A erases the client.
    with c.session() as s:
        cw.add_visit(s, id_of(c, "clients", uid), cw.VisitEntry(D(2026, 12, 1)), ADVISER)
    with a.session() as s:
        repository.delete_client(s, cid, ADVISER)
    exchange(a, b, c)
    for store in (a, b, c):
        with store.read_session() as s:
            for table in TABLES:
                assert s.execute(text(f"SELECT count(*) FROM {table}")).scalar() == 0, table
            assert s.execute(text("SELECT count(*) FROM sync_fields")).scalar() == 0
    assert snapshot(a) == snapshot(b) == snapshot(c)


def test_every_casework_table_is_captured_with_links_as_parent_uids(stores):
    a = stores("a")
    cid, ids = client_with_casework(a)
    with a.read_session() as s:
        captured = sync_capture.pending(s)
    tables = {c.tbl for c in captured if c.op == "insert"}
    assert set(TABLES) <= tables
    (matter,) = [c for c in captured if c.tbl == "matters"]
    assert matter.data["application_id"] == uid_of(a, "applications", ids["application"])
    assert matter.data["client_id"] == uid_of(a, "clients", cid)
    (visit,) = [c for c in captured if c.tbl == "visits"]
    assert visit.data["matter_id"] == uid_of(a, "matters", ids["matter"])
