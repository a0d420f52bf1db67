import json

import pytest

from desktop.store.crypto import (
    KdfParams,
    derive_key,
    read_header,
    write_header,
)
from desktop.store.errors import StoreDamaged

CHEAP = {"time_cost": 1, "memory_cost_kib": 8192, "parallelism": 1}


def test_key_is_32_bytes_and_depends_on_passphrase_and_salt():
    params = KdfParams.fresh(**CHEAP)
    key = derive_key("a passphrase", params)
    assert len(key) == 32
    assert derive_key("a passphrase", params) == key
    assert derive_key("another passphrase", params) != key
    assert derive_key("a passphrase", params.with_new_salt()) != key


def test_header_round_trips_and_holds_no_secret(tmp_path):
    params = KdfParams.fresh(**CHEAP)
    path = tmp_path / "store.params.json"
    write_header(path, params)
    assert read_header(path) == params
    data = json.loads(path.read_text())
    assert set(data) == {"format", "kdf", "salt_hex", "time_cost", "memory_cost_kib", "parallelism"}


def test_damaged_header_is_a_clear_error(tmp_path):
    path = tmp_path / "store.params.json"
    path.write_text("{not json")
    with pytest.raises(StoreDamaged, match="store.params.json"):
        read_header(path)
