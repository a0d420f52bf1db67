"""The shared folder (desktop.store.sync_folder, issue 21): centre enrolment, change files sealed
to every laptop and signed, acks, compaction, removal, late joiners, and every way a forged,
damaged, replayed or foreign file is refused with one line and nothing applied."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil

import pyrage
import pytest
from sqlalchemy import text

from desktop.importers.history_json import import_case, parse_case
from desktop.store import referral_file as rf
from desktop.store import repository
from desktop.store import sync_folder as sf
from desktop.store.database import Store
from tests.store.test_repository import CASE

from .conftest import CHEAP_KDF, PASSPHRASE

WORDS = "tower lake river stone amber"
#: Client text that must never appear in the shared folder's bytes.
SECRET_NAME = "Zephyrine Quolworth-Abernathy"


def _store(tmp_path, name):
    return Store.create(tmp_path / name, PASSPHRASE, CHEAP_KDF)


@pytest.fixture
def centre(tmp_path):
    """Two laptops in one centre: (A, B, shared folder); A made it, B joined."""
    a, b = _store(tmp_path, "a"), _store(tmp_path, "b")
    shared = tmp_path / "shared"
    shared.mkdir()
    sf.create_centre(a, shared, "Riverside", WORDS, "Front desk")
    sf.join_centre(b, shared, sf.make_invitation(a, WORDS).data, WORDS, "Back room")
    yield a, b, shared
    a.close()
    b.close()


def _add_client(store, name=SECRET_NAME):
    case = dict(CASE, person=dict(CASE["person"], name=name))
    with store.session() as s:
        return import_case(s, parse_case(case), "Tester")


def _names(store):
    with store.session() as s:
        return sorted(c.full_name for c in repository.list_summaries(s))


def _device(store):
    with store.session() as s:
        return sf.centre_of(s).device


def _seed(store):
    with store.session() as s:
        return rf.own_seed(s)


def _files(shared, device):
    return sorted(p.name for p in (shared / "devices" / device).glob("*.ddchg"))


def _applied_rows(store):
    with store.session() as s:
        return s.execute(text("SELECT device, seq FROM sync_applied ORDER BY 1, 2")).all()


# ---- enrolment ---------------------------------------------------------------------------------


def test_create_and_join_write_signed_device_files_with_proofs(centre):
    a, b, shared = centre
    laptops = sf.list_devices(a)
    assert [d.name for d in laptops] == ["Front desk", "Back room"]
    assert {d.id for d in laptops} == {_device(a), _device(b)}
    with a.session() as s:
        me = rf.own_identity(s)
    assert laptops[0].fingerprint == me.fingerprint
    assert laptops[0].id == me.fingerprint.replace("-", "").lower()
    assert (shared / ".stignore").read_text().count(".tmp-*") == 1
    doc = json.loads((shared / "devices" / _device(b) / "device.json").read_text())
    assert doc["format"] == "dropin-desk.device/1" and len(doc["payload"]["proof"]) == 64


def test_a_second_centre_in_the_same_folder_or_store_is_refused(centre, tmp_path):
    a, _b, shared = centre
    c = _store(tmp_path, "c")
    with pytest.raises(sf.SyncProblem, match="already holds a centre"):
        sf.create_centre(c, shared, "Other", WORDS, "C")
    other = tmp_path / "other"
    other.mkdir()
    with pytest.raises(sf.SyncProblem, match="already in the centre Riverside"):
        sf.create_centre(a, other, "Other", WORDS, "A")
    c.close()


def test_centre_passphrase_policy_and_check(centre, tmp_path):
    a, _b, _shared = centre
    c = _store(tmp_path, "c")
    folder = tmp_path / "f"
    folder.mkdir()
    with pytest.raises(sf.SyncProblem, match="too short"):
        sf.create_centre(c, folder, "X", "short one", "C")
    assert not (folder / "centre.json").exists()
    with pytest.raises(sf.SyncProblem, match="not the centre passphrase"):
        sf.make_invitation(a, "some other long passphrase words")
    c.close()


def test_invitation_wrong_passphrase_expired_or_used_twice_is_refused(centre, tmp_path):
    a, _b, shared = centre
    c, d = _store(tmp_path, "c"), _store(tmp_path, "d")
    invitation = sf.make_invitation(a, WORDS).data
    with pytest.raises(sf.SyncProblem, match="does not open this invitation"):
        sf.join_centre(c, shared, invitation, "wrong words entirely here now", "C")
    sf.join_centre(c, shared, invitation, WORDS, "C")
    with pytest.raises(sf.SyncProblem, match="already been used"):
        sf.join_centre(d, shared, invitation, WORDS, "D")
    old = sf.make_invitation(a, WORDS, days=-1).data
    with pytest.raises(sf.SyncProblem, match="expired"):
        sf.join_centre(d, shared, old, WORDS, "D")
    with pytest.raises(sf.SyncProblem, match="not an invitation"):
        sf.join_centre(d, shared, b"not age at all", WORDS, "D")
    c.close()
    d.close()


def test_an_invitation_for_another_folder_is_refused(centre, tmp_path):
    a, _b, _shared = centre
    c = _store(tmp_path, "c")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    x = _store(tmp_path, "x")
    sf.create_centre(x, elsewhere, "Elsewhere", WORDS, "X")
    with pytest.raises(sf.SyncProblem, match="not the shared folder of the centre"):
        sf.join_centre(c, elsewhere, sf.make_invitation(a, WORDS).data, WORDS, "C")
    c.close()
    x.close()


def test_a_device_file_without_a_valid_proof_is_refused_and_not_locked_to(centre, tmp_path):
    a, b, shared = centre
    intruder = _store(tmp_path, "intruder")
    payload = json.loads((shared / "centre.json").read_text())["payload"]
    fake = sf.Centre(
        id=payload["centre"],
        name="x",
        secret=os.urandom(32),  # not the centre's secret: it was never invited
        check="",
        folder=str(shared),
        laptop="Intruder",
        device="",
    )
    with intruder.session() as s:
        device = sf.device_id_of(rf.own_identity(s).recipient)
        doc = sf._own_device_doc(s, fake, "guessed-token", "2026-12-07T10:00:00Z")
    (shared / "devices" / device).mkdir()
    (shared / "devices" / device / "device.json").write_bytes(doc)
    _add_client(a)
    report = sf.sync(a)
    assert any("joining proof does not match" in line for line in report.refused)
    assert device not in {d.id for d in sf.list_devices(a)}
    name = _files(shared, _device(a))[-1]
    data = (shared / "devices" / _device(a) / name).read_bytes()
    with pytest.raises(pyrage.DecryptError):
        pyrage.decrypt(data, [pyrage.x25519.Identity.from_str(rf.age_identity(_seed(intruder)))])
    assert _names(b) == []
    sf.sync(b)
    assert _names(b) == [SECRET_NAME]
    intruder.close()


# ---- change files ------------------------------------------------------------------------------


def test_a_change_file_is_sealed_to_every_laptop_and_signed(centre, tmp_path):
    a, b, shared = centre
    c = _store(tmp_path, "c")
    sf.join_centre(c, shared, sf.make_invitation(a, WORDS).data, WORDS, "Kitchen")
    _add_client(a)
    sf.sync(a)
    newest = _files(shared, _device(a))[-1]
    data = (shared / "devices" / _device(a) / newest).read_bytes()
    for store in (a, b, c):
        identity = pyrage.x25519.Identity.from_str(rf.age_identity(_seed(store)))
        plain = json.loads(pyrage.decrypt(data, [identity]))
        assert plain["format"] == "dropin-desk.changefile/1"
        assert plain["payload"]["changes"]["device"] == _device(a)
    writer = next(d for d in sf.list_devices(b) if d.id == _device(a))
    seq = int(newest.split(".")[0])
    changes = sf.open_changes(_seed(b), data, writer.centre, writer, seq)
    assert changes["seq"] == seq
    c.close()


def test_round_trip_then_acks_then_compaction(centre):
    a, b, shared = centre
    _add_client(a)
    out = sf.sync(a)
    assert out.changes_out > 0 and out.files_out >= 1
    got = sf.sync(b)
    assert got.files_in >= 1 and got.changes_in > 0 and not got.refused
    assert _names(b) == [SECRET_NAME]
    assert "in: " in got.summary() and "to review: 0" in got.summary()
    acked = json.loads((shared / "devices" / _device(b) / "ack.json").read_text())
    assert acked["payload"]["acked"][_device(a)] >= 1
    assert _files(shared, _device(a))
    assert sf.sync(a).compacted >= 1
    assert _files(shared, _device(a)) == []
    # Nothing is applied twice, and a second sync changes nothing.
    before = _applied_rows(b)
    again = sf.sync(b)
    assert again.changes_in == 0 and _applied_rows(b) == before
    # And back the other way: B's edit reaches A.
    _add_client(b, "Second Person")
    sf.sync(b)
    sf.sync(a)
    assert _names(a) == sorted([SECRET_NAME, "Second Person"])
    with a.session() as s:
        assert sf.last_report(s)["in"] > 0


def test_a_laptop_whose_file_numbers_went_back_never_reuses_one(centre):
    """A store restored from a backup holds an older next file number: its next file must
    still get a number the others have not applied, or its changes would be skipped."""
    a, b, shared = centre
    _add_client(a)
    sf.sync(a)
    sf.sync(b)
    sf.sync(a)  # compacted: A's own folder holds no change file now, B's ack says how far
    from sqlalchemy import text

    with a.session() as s:
        s.execute(text("UPDATE sync_device SET next_seq = 1 WHERE id = 1"))  # as after a restore
    _add_client(a, "Second Person")
    sf.sync(a)
    got = sf.sync(b)
    assert not got.refused
    assert _names(b) == sorted([SECRET_NAME, "Second Person"])


def test_a_laptop_joining_after_compaction_gets_everything_by_snapshot(centre, tmp_path):
    a, b, shared = centre
    _add_client(a)
    sf.sync(a)
    sf.sync(b)
    sf.sync(a)  # compacts A's files: B acknowledged them
    assert _files(shared, _device(a)) == []
    c = _store(tmp_path, "c")
    sf.join_centre(c, shared, sf.make_invitation(b, WORDS).data, WORDS, "Kitchen")
    sf.sync(a)  # A sees a newcomer: writes a snapshot locked to all three
    report = sf.sync(c)
    assert not report.refused
    assert _names(c) == [SECRET_NAME]
    # B's snapshot (and A's) apply at the others with no change and no review.
    sf.sync(b)
    assert sf.sync(a).to_review == 0
    assert _names(a) == _names(b) == [SECRET_NAME]
    c.close()


def test_no_client_text_in_the_shared_folders_raw_bytes(centre):
    a, b, shared = centre
    _add_client(a)
    sf.sync(a)
    sf.sync(b)
    _add_client(b, "Another Secretperson")
    sf.sync(b)
    sf.sync(a)
    raw = b"".join(p.read_bytes() for p in shared.rglob("*") if p.is_file())
    assert len(raw) > 1000
    for needle in (SECRET_NAME, "Quolworth", "Secretperson", CASE["person"]["date_of_birth"]):
        for encoded in (needle.encode(), needle.lower().encode(), needle.encode("utf-16-le")):
            assert encoded not in raw
    assert _names(a) == sorted([SECRET_NAME, "Another Secretperson"])


def _refused_after(store, what):
    report = sf.sync(store)
    lines = [line for line in report.refused if what in line]
    assert len(lines) == 1, report.refused
    assert "\n" not in lines[0] and SECRET_NAME not in lines[0]
    return report


def test_a_forged_file_is_refused_and_the_rest_still_apply(centre, tmp_path):
    a, b, shared = centre
    _add_client(a)
    sf.sync(a)
    # B seals a file of its own and puts it in A's folder, named as A's next one.
    with b.session() as s:
        recipients = [rf.own_identity(s).recipient]
    with a.session() as s:
        recipients.append(rf.own_identity(s).recipient)
    forged = {"format": sf.CHANGES_FORMAT, "device": _device(a), "seq": 99, "changes": []}
    payload = json.loads((shared / "centre.json").read_text())["payload"]
    data = sf.seal_changes(_seed(b), payload["centre"], forged, recipients)
    (shared / "devices" / _device(a) / "0000000099.ddchg").write_bytes(data)
    report = _refused_after(b, "0000000099.ddchg")
    assert "forged" in report.refused[0] and "nothing from it was applied" in report.refused[0]
    assert _names(b) == [SECRET_NAME]  # A's real file still came in
    assert (_device(a), 99) not in _applied_rows(b)


def test_a_damaged_file_is_refused(centre):
    a, b, shared = centre
    _add_client(a)
    sf.sync(a)
    first = shared / "devices" / _device(a) / _files(shared, _device(a))[0]
    data = bytearray(first.read_bytes())
    data[-20] ^= 0xFF
    first.write_bytes(bytes(data))
    report = _refused_after(b, first.name)
    assert "damaged" in " ".join(report.refused)
    assert (_device(a), 1) not in _applied_rows(b)


def test_a_replayed_copy_under_another_number_is_refused(centre):
    a, b, shared = centre
    _add_client(a)
    sf.sync(a)
    sf.sync(b)
    own = shared / "devices" / _device(a)
    shutil.copy(own / _files(shared, _device(a))[0], own / "0000000050.ddchg")
    report = _refused_after(b, "0000000050.ddchg")
    assert "replayed" in report.refused[0]
    assert report.changes_in == 0


def test_a_file_for_another_centre_is_refused(centre, tmp_path):
    a, b, shared = centre
    _add_client(a)
    sf.sync(a)
    changes = {"format": sf.CHANGES_FORMAT, "device": _device(a), "seq": 77, "changes": []}
    with a.session() as s:
        recipients = [rf.own_identity(s).recipient]
    with b.session() as s:
        recipients.append(rf.own_identity(s).recipient)
    data = sf.seal_changes(_seed(a), "0000000000000000", changes, recipients)
    (shared / "devices" / _device(a) / "0000000077.ddchg").write_bytes(data)
    report = _refused_after(b, "0000000077.ddchg")
    assert "another centre" in report.refused[0]


def test_a_file_from_a_newer_schema_waits_until_the_update(centre):
    a, b, shared = centre
    with a.session() as s:
        centre_id = sf.centre_of(s).id
    recipients = [d.recipient for d in sf.list_devices(a)]
    changes = {
        "format": sf.CHANGES_FORMAT,
        "device": _device(a),
        "seq": 40,
        "schema": "9999_from_the_future",
        "changes": [],
    }
    data = sf.seal_changes(_seed(a), centre_id, changes, recipients)
    (shared / "devices" / _device(a) / "0000000040.ddchg").write_bytes(data)
    report = sf.sync(b)
    assert not report.refused
    assert any("0000000040" in w and "update this laptop" in w for w in report.waiting)
    assert (_device(a), 40) not in _applied_rows(b)
    assert any("update this laptop" in w for w in sf.sync(b).waiting)  # still waiting


def test_a_removed_laptop_gets_no_later_files(centre, tmp_path):
    a, b, shared = centre
    c = _store(tmp_path, "c")
    sf.join_centre(c, shared, sf.make_invitation(a, WORDS).data, WORDS, "Lost laptop")
    sf.sync(a)
    lost = _device(c)
    removed = sf.remove_device(a, lost)
    assert removed.name == "Lost laptop"
    assert next(d for d in sf.list_devices(a) if d.id == lost).removed
    assert next(d for d in sf.list_devices(b) if d.id == lost).removed  # B reads A's removal
    with pytest.raises(sf.SyncProblem, match="already been removed"):
        sf.remove_device(a, lost)
    with pytest.raises(sf.SyncProblem, match="this laptop"):
        sf.remove_device(a, _device(a))
    _add_client(a)
    sf.sync(a)
    newest = _files(shared, _device(a))[-1]
    data = (shared / "devices" / _device(a) / newest).read_bytes()
    with pytest.raises(pyrage.DecryptError):
        pyrage.decrypt(data, [pyrage.x25519.Identity.from_str(rf.age_identity(_seed(c)))])
    with pytest.raises(sf.SyncProblem, match="removed from the centre"):
        sf.sync(c)
    sf.sync(b)
    assert _names(b) == [SECRET_NAME]
    c.close()


def test_sync_before_any_centre_is_one_line(tmp_path):
    s = _store(tmp_path, "lonely")
    with pytest.raises(sf.SyncProblem, match="not in a centre"):
        sf.sync(s)
    s.close()


def test_a_missing_shared_folder_is_one_line(centre, tmp_path):
    a, _b, _shared = centre
    with pytest.raises(sf.SyncProblem, match="does not exist"):
        sf.sync(a, tmp_path / "nowhere")


def test_files_are_written_whole_through_a_tmp_name(tmp_path, monkeypatch):
    seen = []
    real = os.replace

    def spy(src, dst):
        seen.append((os.path.basename(src), os.path.basename(dst)))
        real(src, dst)

    monkeypatch.setattr(os, "replace", spy)
    sf.write_file(tmp_path / "x.ddchg", b"data")
    assert seen[0][0].startswith(".tmp-") and seen[0][1] == "x.ddchg"
    assert (tmp_path / "x.ddchg").read_bytes() == b"data"
    assert [p.name for p in tmp_path.iterdir()] == ["x.ddchg"]


def test_sync_writes_only_under_its_own_device_folder(centre):
    a, b, shared = centre
    _add_client(a)
    sf.sync(a)

    def snapshot():
        return {
            p.relative_to(shared).as_posix(): p.stat().st_mtime_ns
            for p in shared.rglob("*")
            if p.is_file()
        }

    before = snapshot()
    sf.sync(b)
    after = snapshot()
    changed = {k for k in after if before.get(k) != after[k]} | (set(before) - set(after))
    assert changed and all(k.startswith(f"devices/{_device(b)}/") for k in changed)


def test_last_seen_is_the_ack_time(centre):
    a, b, _shared = centre
    sf.sync(b)
    laptop = next(d for d in sf.list_devices(a) if d.id == _device(b))
    seen = dt.datetime.fromisoformat(laptop.last_seen)
    assert abs((dt.datetime.now(dt.UTC) - seen).total_seconds()) < 3600


# ---- kill tests: a laptop switched off while writing or applying a change file -------------------

_CHILD = """
import os, signal, sys
from desktop.store.database import Store
from desktop.store import sync_folder as sf, sync_engine

def die(*_a, **_k):
    os.kill(os.getpid(), signal.SIGKILL)

where = sys.argv[2]
if where == "write":  # killed with the change file's bytes in a .tmp- file, before the rename
    real = os.replace
    def replace(src, dst):
        if str(dst).endswith(".ddchg"):
            die()
        real(src, dst)
    os.replace = replace
elif where == "apply":  # killed inside a file's transaction, after the engine wrote it
    real_apply = sync_engine.apply
    def apply(session, changes):
        real_apply(session, changes)
        session.flush()
        die()
    sync_engine.apply = apply
elif where == "ack":  # killed after the file's transaction committed, before the ack
    sf._acknowledge = die
store = Store.open(sys.argv[1], os.environ["DROPIN_DESK_PASSPHRASE"])
sf.sync(store)
print("not killed")
"""


def _killed(folder, where):
    import subprocess
    import sys

    env = dict(os.environ, PYTHONPATH=os.getcwd(), DROPIN_DESK_PASSPHRASE=PASSPHRASE)
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, str(folder), where],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == -9, done.stderr[-2000:]


def _clients(store):
    with store.session() as s:
        return s.execute(text("SELECT count(*) FROM clients")).scalar_one()


def test_killed_while_writing_a_change_file_loses_nothing(centre, tmp_path):
    a, b, shared = centre
    _add_client(a)
    a.close()
    _killed(tmp_path / "a", "write")
    a = Store.open(tmp_path / "a", PASSPHRASE)
    own = shared / "devices" / _device(a)
    assert _files(shared, _device(a)) == []  # nothing half-written is visible
    assert [p.name for p in own.iterdir() if p.name.startswith(".tmp-")]  # left by the kill
    report = sf.sync(a)  # the packed changes were kept: written now
    assert report.files_out >= 1
    assert not [p.name for p in own.iterdir() if p.name.startswith(".tmp-")]
    sf.sync(b)
    assert _names(b) == [SECRET_NAME]
    a.close()


@pytest.mark.parametrize("where", ["apply", "ack"])
def test_killed_while_applying_a_change_file_applies_it_once(centre, tmp_path, where):
    a, b, shared = centre
    _add_client(a)
    sf.sync(a)
    b.close()
    _killed(tmp_path / "b", where)
    b = Store.open(tmp_path / "b", PASSPHRASE)
    if where == "apply":  # the file's transaction never committed: nothing of it is here
        assert _clients(b) == 0 and _applied_rows(b) == []
    else:  # committed whole before the kill
        assert _clients(b) == 1
    before = _applied_rows(b)
    report = sf.sync(b)
    assert _clients(b) == 1 and _names(b) == [SECRET_NAME]
    rows = _applied_rows(b)
    assert len(rows) == len(set(rows))
    if where == "ack":
        assert report.changes_in == 0 and rows == before
    assert sf.sync(b).changes_in == 0
    b.close()
