"""Issue 21, done-when: three simulated laptops make random edits (new clients, edits of the
same and of different fields, permissions added, edited and deleted, statement checks made on
two laptops at once, erasures, review items settled), exchange their change sets in random
orders with duplicates and delays, and end - once everything has been delivered - with
identical stores (every replicated row by uid, every column, foreign keys as uids) and
identical review queues (table, uid, column, candidate versions)."""

import datetime as dt
import random
import shutil
from itertools import count

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from desktop.store import repository, sync_capture, sync_engine
from desktop.store.database import DB_NAME, HEADER_NAME, Store
from desktop.store.models import PermissionRow, StatementCheckRow
from desktop.store.repository import ClientDetails
from tests.store.conftest import CHEAP_KDF, PASSPHRASE

ADVISER = "Adviser"
LAPTOPS = 3
CLIENT_FIELDS = ("full_name", "phone", "email", "notes")
VALUES = ("A", "B", "C")
CATEGORIES = ("student", "work", "family")

# One adviser action: (kind, laptop, a number picking a row, a value index). Rows are picked by
# their place in uid order, which laptops that are in step share: small numbers make two
# laptops act on the same client, field and permission.
ACTION = st.tuples(
    st.sampled_from(
        (
            "new_client",
            "edit_client",
            "edit_client",
            "edit_on_two",
            "edit_on_two",
            "add_permission",
            "edit_permission",
            "delete_permission",
            "statement_check",
            "statement_check",
            "erase",
            "resolve",
            "resolve",
        )
    ),
    st.integers(0, LAPTOPS - 1),
    st.integers(0, 3),
    st.integers(0, 11),
)
#: What happens to one change set on its way to one laptop in a round.
FATES = ("now", "now", "twice", "later")


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    """One empty store made once; each simulated laptop is a copy (opening a copy is far
    cheaper than making a store), and each makes its own key, so its own device id."""
    folder = tmp_path_factory.mktemp("template") / "store"
    Store.create(folder, PASSPHRASE, CHEAP_KDF).close()
    return folder


_made = count()


def _laptop(template, root):
    folder = root / f"laptop{next(_made)}"
    folder.mkdir(mode=0o700)
    for name in (DB_NAME, HEADER_NAME):
        shutil.copy2(template / name, folder / name)
    store = Store.open(folder, PASSPHRASE)
    with store.session() as s:
        sync_capture.enable(s)
        sync_engine.device_id(s)
    return store


def _uids(s, table):
    return s.execute(text(f"SELECT uid FROM {table} ORDER BY uid")).scalars().all()


def _pick(items, n):
    return items[n % len(items)] if items else None


def _row_id(s, table, uid):
    return s.execute(text(f"SELECT id FROM {table} WHERE uid = :u"), {"u": uid}).scalar()


def _do(store, kind, pick, value):
    """One adviser action on one laptop (a no-op when there is nothing to act on)."""
    with store.session() as s:
        clients = _uids(s, "clients")
        if kind == "new_client":
            repository.create_client(s, ClientDetails(full_name=f"Client {value}"), ADVISER)
        elif kind == "edit_client" and clients:
            cid = _row_id(s, "clients", _pick(clients, pick))
            details = ClientDetails.from_client(repository.get_client(s, cid)).columns()
            details[CLIENT_FIELDS[value % len(CLIENT_FIELDS)]] = VALUES[value % len(VALUES)]
            repository.update_client(s, cid, ClientDetails(**details), ADVISER)
        elif kind == "add_permission" and clients:
            s.add(
                PermissionRow(
                    client_id=_row_id(s, "clients", _pick(clients, pick)),
                    category=CATEGORIES[value % len(CATEGORIES)],
                    start=dt.date(2020, 1, 1) + dt.timedelta(days=value),
                )
            )
        elif kind in ("edit_permission", "delete_permission"):
            permission = _pick(_uids(s, "permissions"), pick)
            if permission is None:
                return
            row = s.get(PermissionRow, _row_id(s, "permissions", permission))
            if kind == "delete_permission":
                s.delete(row)
            else:
                row.category = CATEGORIES[value % len(CATEGORIES)]
        elif kind == "statement_check" and clients:
            cid = _row_id(s, "clients", _pick(clients, pick))
            check = s.get(StatementCheckRow, cid)
            threshold = ("standard", "cautious")[value % 2]
            if check is None:
                s.add(StatementCheckRow(client_id=cid, threshold=threshold))
            else:
                check.threshold = threshold
        elif kind == "erase" and clients:
            repository.delete_client(s, _row_id(s, "clients", _pick(clients, pick)), ADVISER)
        elif kind == "resolve":
            item = _pick(sync_engine.review_items(s), pick)
            if item is not None:
                choice = item.candidates[value % len(item.candidates)]
                sync_engine.resolve(s, item.id, choice.value, adviser=ADVISER)


def _deliver(store, changes):
    with store.session() as s:
        return sync_engine.apply(s, changes)


def _settle(laptops, sent, order):
    """Pack what is left, then deliver every change set to every laptop (in the drawn order),
    retrying the waiting ones until nothing moves."""
    for store in laptops:
        with store.session() as s:
            changes = sync_engine.pack(s)
        if changes is not None:
            sent.append(changes)
    if not sent:
        return
    for store in laptops:
        todo = [sent[i % len(sent)] for i in order] + sent  # the drawn order, then all
        while todo:
            waiting = [changes for changes in todo if _deliver(store, changes).waiting]
            assert len(waiting) < len(todo), "change sets wait for something never sent"
            todo = waiting


def _state(store):
    with store.read_session() as s:
        return sync_engine.replicated_snapshot(s), sync_engine.review_snapshot(s)


@settings(
    max_examples=12,
    deadline=None,
    derandomize=True,
    # Each example makes three stores: shrinking a failure would take many minutes, and the
    # failing draws are printed whole anyway.
    phases=(Phase.explicit, Phase.reuse, Phase.generate),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(data=st.data())
def test_three_laptops_converge_whatever_the_delivery_order(template, tmp_path, data):
    root = tmp_path / f"run{next(_made)}"
    root.mkdir()
    laptops = [_laptop(template, root) for _ in range(LAPTOPS)]
    sent: list[dict] = []
    in_transit: list[tuple[int, dict]] = []  # (laptop, change set) not yet delivered
    try:
        # Two clients every laptop has, to start from.
        _do(laptops[0], "new_client", 0, 0)
        _do(laptops[0], "new_client", 0, 1)
        with laptops[0].session() as s:
            start = sync_engine.pack(s)
        sent.append(start)
        for store in laptops[1:]:
            _deliver(store, start)
        for _round in range(data.draw(st.integers(2, 5), label="rounds")):
            for kind, laptop, pick, value in data.draw(st.lists(ACTION, max_size=8)):
                if kind == "edit_on_two":
                    # The same field of the same client given different values on two
                    # laptops before either hears of the other (value + 4: same field,
                    # another value).
                    _do(laptops[laptop], "edit_client", pick, value)
                    _do(laptops[(laptop + 1) % LAPTOPS], "edit_client", pick, value + 4)
                else:
                    _do(laptops[laptop], kind, pick, value)
            for n, store in enumerate(laptops):
                with store.session() as s:
                    changes = sync_engine.pack(s)
                if changes is not None:
                    sent.append(changes)
                    in_transit += [(m, changes) for m in range(LAPTOPS) if m != n]
            # Deliver in any order; some twice, some held back for a later round (a laptop
            # that was off); one that names what has not arrived waits and is kept too.
            # (One drawn seed per round: how many change sets there are depends on the
            # laptops' random device ids, which hypothesis's draws must not.)
            chance = random.Random(data.draw(st.integers(0, 2**32 - 1), label="delivery"))
            chance.shuffle(in_transit)
            kept = []
            for laptop, changes in in_transit:
                fate = chance.choice(FATES)
                if fate == "later" or _deliver(laptops[laptop], changes).waiting:
                    kept.append((laptop, changes))
                elif fate == "twice":
                    assert _deliver(laptops[laptop], changes).skipped
            in_transit = kept
        _settle(laptops, sent, data.draw(st.lists(st.integers(0, 200), max_size=20)))
        first = _state(laptops[0])
        for other in laptops[1:]:
            assert _state(other) == first
        # Settled means settled: nothing more to send.
        for store in laptops:
            with store.session() as s:
                assert sync_engine.pack(s) is None
    finally:
        for store in laptops:
            store.close()
