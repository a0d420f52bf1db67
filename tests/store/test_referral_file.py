"""The referral file (desktop.store.referral_file): keys, address book, age lock, signature, and
every way a hostile or damaged file is refused with one line and nothing written."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import secrets

import pyrage
import pytest

import desktop
from desktop.store import referral_file as rf
from desktop.store.database import Store
from desktop.store.models import ReferralContact
from desktop.store.referral_file import ReferralRefused
from desktop.store.repository import get_setting, set_setting

from .conftest import CHEAP_KDF, PASSPHRASE

#: A value that must never appear in a message (it stands for the client's data).
SECRET = "Zanele Okonkwo-Secretname"
WORDS = "tower lake river stone amber field"
CLIENT = {
    "name": SECRET,
    "date_of_birth": "1990-02-03",
    "statements": [{"lines": [{"text": SECRET, "pence": 12345}]}],
}


def _fields(client=None, **more):
    fields = {
        "sender": {"name": "Anna (Riverside Advice Drop-in)"},
        "to": "Jane Smith",
        "note": "Overstayer; please advise.",
        "client": CLIENT if client is None else client,
    }
    fields.update(more)
    return fields


def _store(path) -> Store:
    return Store.create(path, PASSPHRASE, CHEAP_KDF)


@pytest.fixture
def receiver(tmp_path):
    s = _store(tmp_path / "receiver")
    yield s
    s.close()


def _identity(store) -> rf.Identity:
    with store.session() as session:
        return rf.own_identity(session)


def _seed(store) -> bytes:
    with store.session() as session:
        rf.own_identity(session)
        return bytes.fromhex(get_setting(session, rf.SEED_SETTING))


def _refused(store, data, passphrase=None) -> str:
    """The one-line refusal of opening `data`; checks the line never carries client data."""
    with store.session() as session:
        with pytest.raises(ReferralRefused) as caught:
            rf.open_sealed(session, data, passphrase)
    message = str(caught.value)
    assert "\n" not in message
    assert "Zanele" not in message and "Secretname" not in message
    return message


# ---- a module-wide passphrase-locked file (scrypt costs ~1.5 s an operation) -----------------


@pytest.fixture(scope="module")
def sealed_by_passphrase(tmp_path_factory):
    """(sender's identity, the sealed file, its plaintext) made once for the module."""
    s = _store(tmp_path_factory.mktemp("sender") / "data")
    try:
        with s.session() as session:
            data = rf.seal(session, _fields(), passphrase="Tower-Lake  river, stone. Amber field")
            identity = rf.own_identity(session)
    finally:
        s.close()
    return identity, data, pyrage.passphrase.decrypt(data, WORDS)


# ---- words, names, fingerprints --------------------------------------------------------------


def test_word_list_has_1024_distinct_lower_case_words():
    words = rf._words()
    assert len(words) == 1024
    assert len(set(words)) == 1024
    assert all(re.fullmatch(r"[a-z]+", w) for w in words)


def test_new_passphrase_is_six_words_from_the_list_single_spaced():
    phrase = rf.new_passphrase()
    words = phrase.split(" ")
    assert len(words) == 6 and all(w in rf._words() for w in words)
    assert rf.normalise_passphrase(phrase) == phrase
    assert len(rf.new_passphrase(8).split(" ")) == 8


def test_normalise_passphrase_as_read_by_phone():
    assert rf.normalise_passphrase("  Tower-Lake  river., STONE\tamber--field ") == WORDS
    assert rf.normalise_passphrase("tower\u2013lake") == "tower lake"  # an en dash from autocorrect
    assert rf.normalise_passphrase("") == ""


def test_file_name_carries_the_date_and_a_random_tag_only():
    name = rf.file_name(dt.date(2026, 12, 7))
    assert re.fullmatch(r"referral-2026-12-07-[23456789ABCDEFGHJKMNPQRSTVWXYZ]{4}\.ddref", name)


def test_fingerprint_is_four_groups_of_four_from_the_unambiguous_alphabet():
    key = "age1ujzp99yyyg47u3lcnjqhajcv0rnkxgdr2xaucw5v2l437actp35sgfm9gj"
    shown = rf.fingerprint(key)
    assert shown == "5D9Z-ZPDW-9GG2-NP53"  # fixed: both sides must agree for ever
    assert re.fullmatch(
        r"([23456789ABCDEFGHJKMNPQRSTVWXYZ]{4}-){3}[23456789ABCDEFGHJKMNPQRSTVWXYZ]{4}", shown
    )
    other = str(pyrage.x25519.Identity.generate().to_public())
    assert rf.fingerprint(other) != shown


# ---- keys ------------------------------------------------------------------------------------


def test_derived_age_identity_is_the_referral_key_of_the_signing_key():
    for _ in range(5):
        seed = secrets.token_bytes(32)
        identity = rf._identity_of(seed)
        age = pyrage.x25519.Identity.from_str(rf._age_secret_key(seed))
        assert str(age.to_public()) == identity.recipient
        assert rf.recipient_of_signing_key(identity.signing_public) == identity.recipient


def test_own_identity_is_made_once_and_kept_in_the_store(store):
    with store.session() as session:
        assert get_setting(session, rf.SEED_SETTING) is None
        first = rf.own_identity(session)
    with store.session() as session:
        assert len(bytes.fromhex(get_setting(session, rf.SEED_SETTING))) == 32
        assert rf.own_identity(session) == first
    assert first.recipient.startswith("age1") and len(first.recipient) == 62
    assert first.fingerprint == rf.fingerprint(first.recipient)


def test_a_damaged_seed_is_refused_not_replaced(store):
    with store.session() as session:
        set_setting(session, rf.SEED_SETTING, "not hex")
    with store.session() as session:
        with pytest.raises(ReferralRefused, match="damaged"):
            rf.own_identity(session)
        assert get_setting(session, rf.SEED_SETTING) == "not hex"


def test_parse_recipient_accepts_a_pasted_key_and_never_echoes_a_bad_one():
    key = str(pyrage.x25519.Identity.generate().to_public())
    assert rf.parse_recipient(f"  {key}\n") == key
    assert rf.parse_recipient(key.upper()) == key
    for bad in ("", "age1" + SECRET, key[:-1], key + "q", "x" * 5000, key.replace("age1", "agf1")):
        with pytest.raises(ReferralRefused) as caught:
            rf.parse_recipient(bad)
        assert str(caught.value) == "not a referral key: it starts age1 and is 62 characters long"
    secret_key = str(pyrage.x25519.Identity.generate())
    with pytest.raises(ReferralRefused, match="secret key") as caught:
        rf.parse_recipient(secret_key)
    assert secret_key[15:] not in str(caught.value)


# ---- the address book ------------------------------------------------------------------------


def test_address_book_add_list_by_name_find_and_remove(store):
    keys = [str(pyrage.x25519.Identity.generate().to_public()) for _ in range(2)]
    with store.session() as session:
        zed = rf.add_contact(session, "  zed Legal ", keys[0], "Level 3")
        amy = rf.add_contact(session, "Amy Solicitor", keys[1])
    with store.session() as session:
        listed = rf.contacts(session)
        assert [c.name for c in listed] == ["Amy Solicitor", "zed Legal"]
        assert listed[1] == zed and zed.note == "Level 3"
        assert zed.fingerprint == rf.fingerprint(keys[0])
        assert rf.contact_for(session, keys[1]) == amy
        assert rf.contact_for(session, "not a key") is None
        rf.remove_contact(session, zed.id)
        rf.remove_contact(session, 9999)  # already gone: nothing happens
    with store.session() as session:
        assert [c.name for c in rf.contacts(session)] == ["Amy Solicitor"]
        assert session.query(ReferralContact).count() == 1


def test_address_book_refusals(store):
    key = str(pyrage.x25519.Identity.generate().to_public())
    with store.session() as session:
        rf.add_contact(session, "Jane Smith", key)
    own = _identity(store).recipient
    cases = [
        ("   ", key, "give the contact a name"),
        ("x" * 201, key, "longer than 200"),
        ("Tab\there", key, "control character"),
        ("Bad Key", "age1nope", "not a referral key"),
        ("Again", key.upper(), "already in the address book, as Jane Smith"),
        ("Me", own, "this laptop's own referral key"),
    ]
    for name, recipient, words in cases:
        with store.session() as session:
            with pytest.raises(ReferralRefused, match=re.escape(words)):
                rf.add_contact(session, name, recipient)
    with store.session() as session:
        assert len(rf.contacts(session)) == 1


# ---- sealing and opening ---------------------------------------------------------------------


@pytest.mark.parametrize("armoured", [False, True])
def test_key_locked_round_trip_and_the_sender_becomes_known(store, receiver, armoured):
    to = _identity(receiver).recipient
    with store.session() as session:
        data = rf.seal(session, _fields(), recipient=to, armoured=armoured)
    sender = _identity(store)
    assert data.startswith(b"-----BEGIN AGE ENCRYPTED FILE-----" if armoured else b"age-")
    assert rf.lock_kind(data) == "key"
    with receiver.session() as session:
        opened = rf.open_sealed(session, data)
    assert opened.payload["client"] == CLIENT
    assert opened.sender_name == "Anna (Riverside Advice Drop-in)"
    assert opened.sender_recipient == sender.recipient
    assert opened.sender_fingerprint == sender.fingerprint
    assert opened.sender_known_as is None
    assert (opened.note, opened.to, opened.app_version) == (
        "Overstayer; please advise.",
        "Jane Smith",
        desktop.__version__,
    )
    assert opened.sent_at.tzinfo is not None
    assert abs(opened.sent_at - dt.datetime.now(dt.UTC)) < dt.timedelta(minutes=5)
    with receiver.session() as session:
        rf.add_contact(session, "Riverside (Anna)", sender.recipient)
    with receiver.session() as session:
        assert rf.open_sealed(session, data).sender_known_as == "Riverside (Anna)"


def test_seal_writes_readable_pretty_json_signed_over_the_canonical_payload(store, receiver):
    to_id = _seed(receiver)
    with store.session() as session:
        data = rf.seal(session, _fields(), recipient=_identity(receiver).recipient)
    plain = pyrage.decrypt(data, [pyrage.x25519.Identity.from_str(rf._age_secret_key(to_id))])
    doc = json.loads(plain)
    assert list(doc) == ["format", "payload", "signature"]
    assert doc["format"] == "dropin-desk.referral/1"
    assert plain.startswith(b'{\n "format"')  # indent=1: readable with only the age tool
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", doc["payload"]["sent_at"])
    from nacl.signing import VerifyKey

    canonical = json.dumps(
        doc["payload"], sort_keys=True, separators=(",", ":"), ensure_ascii=False
    ).encode()
    VerifyKey(bytes.fromhex(doc["signature"]["key"])).verify(
        b"dropin-desk referral v1\n" + canonical, bytes.fromhex(doc["signature"]["value"])
    )


def test_seal_to_an_address_book_contact_names_them_when_to_is_not_given(store, receiver):
    key = _identity(receiver).recipient
    with store.session() as session:
        rf.add_contact(session, "Jane Smith", key)
        fields = _fields()
        del fields["to"]
        data = rf.seal(session, fields, recipient=key)
    with receiver.session() as session:
        assert rf.open_sealed(session, data).to == "Jane Smith"


def test_seal_refusals_before_anything_is_locked(store, monkeypatch):
    key = str(pyrage.x25519.Identity.generate().to_public())
    cases = [
        (dict(passphrase="tower lake river"), _fields(), "too short"),
        (dict(passphrase="a b c d e"), _fields(), "too short"),
        (dict(passphrase=WORDS, recipient=key), _fields(), "choose one way"),
        ({}, _fields(), "choose one way"),
        (dict(recipient="age1nope"), _fields(), "not a referral key"),
        (dict(recipient=key), _fields(sender={"name": " "}), "sender's name is empty"),
        (dict(recipient=key), _fields(client={"pence": 1.5}), "fraction"),
        (dict(recipient=key), _fields(client={"x": float("nan")}), "cannot carry"),
        (dict(recipient=key), _fields(client={"x": "\ud800"}), "cannot carry"),
        (dict(recipient=key), _fields(note="n" * 4001), "payload.note is longer than 4,000"),
        (dict(recipient=key), _fields(client=[1]), "payload.client is not an object"),
    ]
    for lock, fields, words in cases:
        with store.session() as session:
            with pytest.raises(ReferralRefused, match=re.escape(words)):
                rf.seal(session, fields, **lock)
    monkeypatch.setattr(rf, "FILE_LIMIT", 2000)
    with store.session() as session:
        with pytest.raises(ReferralRefused, match="more than the"):
            rf.seal(session, _fields(client={"text": "x" * 3000}), recipient=key)


def test_passphrase_round_trip_writes_nothing_on_the_receiving_side(receiver, sealed_by_passphrase):
    sender, data, _plain = sealed_by_passphrase
    assert rf.lock_kind(data) == "passphrase"
    with receiver.session() as session:
        opened = rf.open_sealed(session, data, "TOWER-lake river stone amber  field")
        assert opened.payload["client"] == CLIENT
        assert opened.sender_recipient == sender.recipient
        assert not session.new and not session.dirty
    with receiver.session() as session:  # no key was made on the receiving laptop
        assert get_setting(session, rf.SEED_SETTING) is None


def test_wrong_or_missing_passphrase(receiver, sealed_by_passphrase):
    _sender, data, _plain = sealed_by_passphrase
    assert _refused(receiver, data, "tower lake river stone amber fields") == rf.WRONG_PASSPHRASE
    assert _refused(receiver, data) == rf.NEEDS_PASSPHRASE
    assert _refused(receiver, data, " - ") == rf.NEEDS_PASSPHRASE


def test_a_forgery_re_encrypted_under_the_same_passphrase_is_refused(
    receiver, sealed_by_passphrase
):
    _sender, _data, plain = sealed_by_passphrase
    doc = json.loads(plain)
    doc["payload"]["client"]["name"] = "Someone Else"
    forged = pyrage.passphrase.encrypt(json.dumps(doc, indent=1).encode(), WORDS)
    assert _refused(receiver, forged, WORDS) == rf.BAD_SIGNATURE


# ---- hostile files ---------------------------------------------------------------------------


def _payload(sender_recipient: str, **changes) -> dict:
    payload = {
        "sent_at": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "app_version": "0.1.0",
        "sender": {"name": "Anna", "recipient": sender_recipient},
        "to": "passphrase",
        "note": "",
        "client": dict(CLIENT),
    }
    payload.update(changes)
    return payload


def _signed(seed: bytes, payload: dict, fmt: str = rf.REFERRAL_FORMAT) -> dict:
    return {"format": fmt, "payload": payload, "signature": rf._sign(seed, payload)}


@pytest.fixture
def hostile(store, receiver):
    """(lock, signed): `lock(plaintext bytes)` encrypts to the receiver's key; `signed(**payload
    changes)` is a valid document signed by the sender's key."""
    receiving = pyrage.x25519.Recipient.from_str(_identity(receiver).recipient)
    seed = _seed(store)
    recipient = _identity(store).recipient

    def lock(plain: bytes | str, armoured: bool = False) -> bytes:
        if isinstance(plain, str):
            plain = plain.encode("utf-8", "surrogatepass")
        return pyrage.encrypt(plain, [receiving], armored=armoured)

    def signed(**changes) -> dict:
        return _signed(seed, _payload(recipient, **changes))

    return lock, signed


def test_a_valid_hand_made_file_opens(receiver, hostile):
    lock, signed = hostile
    with receiver.session() as session:
        assert rf.open_sealed(session, lock(json.dumps(signed()))).payload["client"] == CLIENT


@pytest.mark.parametrize(
    "data",
    [b"", b"hello", b'{"format": "dropin-desk.referral/1"}', b"\x00" * 100, b"age-encryption.or"],
)
def test_not_an_age_file(receiver, data):
    assert _refused(receiver, data) == rf.NOT_AGE
    with pytest.raises(ReferralRefused, match=re.escape(rf.NOT_AGE)):
        rf.lock_kind(data)


def test_a_newer_age_format_is_named(receiver):
    assert "newer age format" in _refused(receiver, b"age-encryption.org/v2\n-> X 1\n--- a\n")


def test_too_big_is_refused_before_reading_it(receiver):
    data = b"age-encryption.org/v1\n" + bytes(rf.FILE_LIMIT)
    assert "more than the 64 MB" in _refused(receiver, data)
    with pytest.raises(ReferralRefused, match="64 MB"):
        rf.lock_kind(data)


def test_truncated_anywhere_is_incomplete_or_damaged(receiver, hostile):
    lock, signed = hostile
    data = lock(json.dumps(signed()))
    header_end = data.index(b"\n--- ")
    for cut in (30, header_end, header_end + 20, len(data) - 40, len(data) - 1):
        assert _refused(receiver, data[:cut]) == rf.DAMAGED, cut
    armoured = lock(json.dumps(signed()), armoured=True)
    assert _refused(receiver, armoured[: len(armoured) // 2]) == rf.DAMAGED
    with pytest.raises(ReferralRefused, match="incomplete"):
        rf.lock_kind(armoured[: len(armoured) // 2])


def test_a_flipped_byte_in_the_ciphertext_or_armour(receiver, hostile):
    lock, signed = hostile
    data = bytearray(lock(json.dumps(signed())))
    data[-50] ^= 0x01
    assert _refused(receiver, bytes(data)) == rf.DAMAGED
    mac = bytearray(lock(json.dumps(signed())))
    mac[mac.index(b"\n--- ") + 8] ^= 0x01
    assert _refused(receiver, bytes(mac)) == rf.DAMAGED
    armoured = lock(json.dumps(signed()), armoured=True).replace(b"\n", b"\n!", 1)
    assert _refused(receiver, armoured) == rf.DAMAGED


def test_armour_with_crlf_and_blank_space_around_it_opens(receiver, hostile):
    lock, signed = hostile
    emailed = (
        b"\r\n  " + lock(json.dumps(signed()), armoured=True).replace(b"\n", b"\r\n") + b"\n\n"
    )
    assert rf.lock_kind(emailed) == "key"
    with receiver.session() as session:
        assert rf.open_sealed(session, emailed).payload["client"] == CLIENT


def test_locked_to_someone_else(store, receiver):
    other = str(pyrage.x25519.Identity.generate().to_public())
    with store.session() as session:
        data = rf.seal(session, _fields(), recipient=other)
    assert _refused(receiver, data) == rf.OTHER_KEY
    # a laptop that has no key yet: the same line, and still no key made
    with store.session() as session:
        data = rf.seal(session, _fields(), recipient=other)
    assert _refused(receiver, data) == rf.OTHER_KEY


def test_a_laptop_without_a_key_is_not_given_one_by_opening(tmp_path, store):
    fresh = _store(tmp_path / "fresh")
    try:
        other = str(pyrage.x25519.Identity.generate().to_public())
        with store.session() as session:
            data = rf.seal(session, _fields(), recipient=other)
        assert _refused(fresh, data) == rf.OTHER_KEY
        with fresh.session() as session:
            assert get_setting(session, rf.SEED_SETTING) is None
    finally:
        fresh.close()


def test_an_unaffordable_scrypt_work_factor_is_refused_before_work(receiver):
    data = b"age-encryption.org/v1\n-> scrypt c2FsdHNhbHRzYWx0c2FsdA 30\nAAAA\n--- AAAA\n" + bytes(
        64
    )
    assert "more work than this laptop allows" in _refused(receiver, data, WORDS)


def _nested(depth: int) -> str:
    return "[" * depth + "]" * depth


@pytest.mark.parametrize(
    ("make", "words"),
    [
        (lambda s: b"\xff\xfe not utf-8", "not UTF-8"),
        (lambda s: "not json at all", "not valid JSON"),
        (lambda s: json.dumps(s())[:-5], "not valid JSON"),
        (lambda s: "[1, 2]", "not an object"),
        (lambda s: _nested(41), "nested more than 40"),
        (lambda s: _nested(100_000), "nested more than 40"),
        (
            lambda s: json.dumps(s(client={"a": json.loads(_nested(38))})),
            "payload.client.a[0][0]",
        ),
        (
            lambda s: json.dumps(s()).replace('"note": ""', '"note": "", "note": "x"'),
            "the field note appears twice",
        ),
        (
            lambda s: json.dumps(s()).replace('"client": {', '"client": {"pence": 1.5, '),
            "fraction",
        ),
        (lambda s: json.dumps(s()).replace('"client": {', '"client": {"p": 1e3, '), "fraction"),
        (lambda s: json.dumps(s()).replace('"client": {', '"client": {"p": NaN, '), "NaN"),
        (lambda s: json.dumps(s()).replace('"client": {', '"client": {"p": -Infinity, '), "NaN"),
        (
            lambda s: json.dumps(s(client={"notes": ["ok", "y" * 200_001]})),
            "payload.client.notes[1] is longer than 200,000",
        ),
        (
            lambda s: json.dumps(s(client={"k" * 200_001: 1})),
            "a field name in payload.client is longer",
        ),
        (
            lambda s: json.dumps(s()).replace('"client": {', '"client": {"x": "\\ud800", '),
            "payload.client.x holds a character that is not text",
        ),
        (lambda s: json.dumps({**s(), "extra": 1}), "extra is not a field"),
        (
            lambda s: json.dumps({k: v for k, v in s().items() if k != "format"}),
            "format is missing",
        ),
        (lambda s: json.dumps({**s(), "format": 1}), "format is not text"),
        (lambda s: json.dumps({**s(), "format": "other/1"}), "format is unknown"),
        (lambda s: json.dumps({**s(), "format": "dropin-desk.referral/0"}), "format is unknown"),
        (lambda s: json.dumps({**s(), "format": "dropin-desk.referral/1.1"}), "format is unknown"),
        (lambda s: json.dumps({**s(), "format": "dropin-desk.referral/2"}), rf.NEWER),
        (lambda s: json.dumps({**s(), "format": "dropin-desk.referral/17"}), rf.NEWER),
        (
            lambda s: json.dumps({k: v for k, v in s().items() if k != "payload"}),
            "payload is missing",
        ),
        (lambda s: json.dumps({**s(), "payload": []}), "payload is not an object"),
        (lambda s: json.dumps(_drop(s(), "client")), "payload.client is missing"),
        (lambda s: json.dumps(_drop(s(), "sent_at")), "payload.sent_at is missing"),
        (lambda s: json.dumps(s(note=5)), "payload.note is not text"),
        (lambda s: json.dumps(s(client="x")), "payload.client is not an object"),
        (lambda s: json.dumps(s(sender={"name": "A"})), "payload.sender.recipient is missing"),
        (
            lambda s: json.dumps(s(sender={"name": "A", "recipient": "age1x"})),
            "payload.sender.recipient is not a referral key",
        ),
        (
            lambda s: json.dumps(
                s(sender={"name": " ", "recipient": s()["payload"]["sender"]["recipient"]})
            ),
            "payload.sender.name is empty",
        ),
        (lambda s: json.dumps(s(note="n" * 4001)), "payload.note is longer than 4,000"),
        (
            lambda s: json.dumps({k: v for k, v in s().items() if k != "signature"}),
            "signature is missing",
        ),
        (
            lambda s: json.dumps({**s(), "signature": {"key": "ab"}}),
            "signature is missing or malformed",
        ),
        (
            lambda s: json.dumps({**s(), "signature": {"key": "zz" * 32, "value": "00" * 64}}),
            "signature.key is not 64 hex digits",
        ),
        (
            lambda s: json.dumps({**s(), "signature": {**s()["signature"], "value": "00" * 63}}),
            "signature.value is not 128 hex digits",
        ),
        (
            lambda s: json.dumps({**s(), "signature": {**s()["signature"], "value": "00" * 64}}),
            rf.BAD_SIGNATURE,
        ),
        (lambda s: json.dumps(_changed_after_signing(s())), rf.BAD_SIGNATURE),
        (lambda s: json.dumps(s(sent_at="yesterday")), "payload.sent_at is not a date and time"),
        (lambda s: json.dumps(s(sent_at="2026-12-07T10:00:00")), "payload.sent_at is not a date"),
        (lambda s: json.dumps(s(sent_at=_future(days=2))), "more than a day in the future"),
    ],
)
def test_hostile_plaintext_is_refused_with_one_line(receiver, hostile, make, words):
    lock, signed = hostile
    message = _refused(receiver, lock(make(signed)))
    assert words in message


def _drop(doc: dict, key: str) -> dict:
    return {**doc, "payload": {k: v for k, v in doc["payload"].items() if k != key}}


def _changed_after_signing(doc: dict) -> dict:
    doc["payload"]["client"] = {**doc["payload"]["client"], "name": "Someone Else"}
    return doc


def _future(days: int) -> str:
    return (dt.datetime.now(dt.UTC) + dt.timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%SZ")


def test_nesting_of_exactly_40_levels_opens(receiver, hostile):
    lock, signed = hostile
    with receiver.session() as session:
        doc = signed(client={"a": json.loads(_nested(37))})
        assert rf.open_sealed(session, lock(json.dumps(doc))).payload == doc["payload"]


def test_a_file_sent_a_few_hours_ahead_is_accepted(receiver, hostile):
    lock, signed = hostile
    with receiver.session() as session:
        later = (dt.datetime.now(dt.UTC) + dt.timedelta(hours=20)).isoformat()
        opened = rf.open_sealed(session, lock(json.dumps(signed(sent_at=later))))
    assert opened.sent_at.tzinfo == dt.UTC


def test_signed_by_a_key_that_is_not_the_named_sender(receiver, hostile, store):
    lock, _signed_fn = hostile
    impostor = secrets.token_bytes(32)
    doc = _signed(impostor, _payload(_identity(store).recipient))
    assert "not the sender's referral key" in _refused(receiver, lock(json.dumps(doc)))


def test_read_and_write_file(tmp_path):
    path = rf.write_file(tmp_path / "referral-2026-12-07-7Q3F.ddref", b"age-data")
    assert os.stat(path).st_mode & 0o777 == 0o600
    assert rf.read_file(path) == b"age-data"
    with pytest.raises(ReferralRefused, match="folder"):
        rf.read_file(tmp_path)
    with pytest.raises(ReferralRefused, match="does not exist"):
        rf.write_file(tmp_path / "missing" / "x.ddref", b"x")
