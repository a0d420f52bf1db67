import pytest

from desktop.store.database import Store

#: Argon2id at its cheapest: the tests exercise the plumbing, not the cost.
CHEAP_KDF = {"time_cost": 1, "memory_cost_kib": 8192, "parallelism": 1}
PASSPHRASE = "correct horse battery staple"


@pytest.fixture
def folder(tmp_path):
    return tmp_path / "data"


@pytest.fixture
def store(folder):
    s = Store.create(folder, PASSPHRASE, CHEAP_KDF)
    yield s
    s.close()
