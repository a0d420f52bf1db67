"""`dropin-desk update-content`, `content-status`, `content-rollback` and
`build-content-pack`: exit codes and messages (packs signed by the test's own key)."""

from __future__ import annotations

import base64
import io
import json
import re

import pytest
from nacl.signing import SigningKey

from desktop import content
from desktop.cli import EXIT_DECLINED, EXIT_PROBLEM, main
from tests.test_content import (
    copy_content,
    good_files,
    make_pack,
    own_fee,
    tree_digest,
    write_key,
)


@pytest.fixture
def setup(tmp_path):
    seed = SigningKey.generate().encode()
    keys = tmp_path / "keys"
    write_key(keys, "test-maintainer", seed)
    data = tmp_path / "data"
    data.mkdir()
    yield tmp_path, data, keys, seed
    content.use_data_folder(None)


def cli(*args):
    return main([*map(str, args)])


class _Terminal(io.StringIO):
    def isatty(self):
        return True


def test_update_content_with_yes_installs_and_prints_the_changes(setup, capsys):
    tmp_path, data, keys, seed = setup
    pack = make_pack(tmp_path / "p.ddpack", good_files(), seed, version=5)

    code = cli("update-content", pack, "--yes", "--data-dir", data, "--trusted-keys", keys)

    out = capsys.readouterr().out
    assert code == 0
    assert "Content pack 5, made on 2026-12-06, replaces the content that came with the app" in out
    assert f"  fee.ilr from 2099-01-01: {own_fee()} -> 9999" in out
    assert "  items added: pack_test_item" in out
    assert "Installed content pack 5" in out
    assert json.loads((data / "content" / "active").read_text()) == {"pack_version": 5}


def test_update_content_asks_and_no_installs_nothing(setup, capsys, monkeypatch):
    tmp_path, data, keys, seed = setup
    pack = make_pack(tmp_path / "p.ddpack", good_files(), seed, version=5)
    before = tree_digest(data)
    monkeypatch.setattr("sys.stdin", _Terminal("n\n"))

    code = cli("update-content", pack, "--data-dir", data, "--trusted-keys", keys)

    out = capsys.readouterr().out
    assert code == EXIT_DECLINED
    assert "Install content pack 5? [y/N]" in out and "Nothing was installed." in out
    assert tree_digest(data) == before


def test_update_content_asks_and_yes_installs(setup, capsys, monkeypatch):
    tmp_path, data, keys, seed = setup
    pack = make_pack(tmp_path / "p.ddpack", good_files(), seed, version=5)
    monkeypatch.setattr("sys.stdin", _Terminal("y\n"))
    assert cli("update-content", pack, "--data-dir", data, "--trusted-keys", keys) == 0
    assert content.installed_packs(data) == [5]


def test_update_content_without_a_terminal_needs_yes(setup, capsys, monkeypatch):
    tmp_path, data, keys, seed = setup
    pack = make_pack(tmp_path / "p.ddpack", good_files(), seed, version=5)
    before = tree_digest(data)
    monkeypatch.setattr("sys.stdin", io.StringIO("y\n"))

    code = cli("update-content", pack, "--data-dir", data, "--trusted-keys", keys)

    assert code == EXIT_PROBLEM
    assert "give --yes to install without asking" in capsys.readouterr().err
    assert tree_digest(data) == before


def test_a_tampered_pack_is_one_line_exit_2_and_nothing_changed(setup, capsys):
    tmp_path, data, keys, seed = setup
    files = good_files()
    tampered = dict(files, **{"rules/fees.toml": files["rules/fees.toml"] + b"\n"})
    pack = make_pack(tmp_path / "p.ddpack", tampered, seed, manifest_files=files)
    before = tree_digest(data)

    code = cli("update-content", pack, "--yes", "--data-dir", data, "--trusted-keys", keys)

    err = capsys.readouterr().err
    assert code == EXIT_PROBLEM
    assert err.count("\n") == 1
    assert err.startswith("dropin-desk: p.ddpack was not installed: rules/fees.toml differs")
    assert "Traceback" not in err
    assert tree_digest(data) == before


def test_a_pack_from_an_unknown_key_is_refused_with_the_shipped_keys(setup, capsys):
    tmp_path, data, _keys, seed = setup
    pack = make_pack(tmp_path / "p.ddpack", good_files(), seed, version=5)
    code = cli("update-content", pack, "--yes", "--data-dir", data)
    assert code == EXIT_PROBLEM
    assert "signed by a key this app does not trust" in capsys.readouterr().err
    assert not (data / "content").exists()


def test_a_missing_file_is_one_line(setup, capsys):
    tmp_path, data, keys, _seed = setup
    code = cli("update-content", tmp_path / "nope.ddpack", "--yes", "--data-dir", data)
    assert code == EXIT_PROBLEM
    assert "nope.ddpack: the content pack cannot be read" in capsys.readouterr().err


def test_content_status_prints_the_pack_in_use_and_the_stale_files(setup, capsys):
    tmp_path, data, keys, seed = setup
    files = good_files()
    files["checklists/fee_waiver.toml"] = re.sub(
        rb"(?m)^checked_on = .*$", b"checked_on = 2025-01-01", files["checklists/fee_waiver.toml"]
    )
    pack = make_pack(tmp_path / "p.ddpack", files, seed, version=5)
    assert cli("update-content", pack, "--yes", "--data-dir", data, "--trusted-keys", keys) == 0
    capsys.readouterr()

    code = cli(
        "content-status", "--data-dir", data, "--trusted-keys", keys, "--today", "2026-12-06"
    )

    out = capsys.readouterr().out
    assert code == 0
    assert "In use: content pack 5, made on 2026-12-06" in out
    assert "Installed packs in the data folder: 5" in out
    assert "2025-01-01  OLDER THAN 180 DAYS     checklists/fee_waiver.toml" in out
    assert "older than 180 days or say no date." in out


def test_content_status_days_option(setup, capsys):
    _tmp, data, _keys, _seed = setup
    with pytest.raises(SystemExit) as exited:
        cli("content-status", "--data-dir", data, "--days", "0")
    assert exited.value.code == EXIT_PROBLEM
    assert "0 is not a whole number from 1" in capsys.readouterr().err


def test_content_status_warns_about_a_broken_pack(setup, capsys):
    _tmp, data, _keys, _seed = setup
    (data / "content").mkdir()
    (data / "content" / "active").write_text('{"pack_version": 9}')
    assert cli("content-status", "--data-dir", data) == 0
    captured = capsys.readouterr()
    assert "In use: the content that came with the app" in captured.out
    assert "dropin-desk: warning: The installed content pack 9 cannot be used" in captured.err


def test_content_rollback_then_nothing_to_roll_back(setup, capsys):
    tmp_path, data, keys, seed = setup
    pack = make_pack(tmp_path / "p.ddpack", good_files(), seed, version=5)
    assert cli("update-content", pack, "--yes", "--data-dir", data, "--trusted-keys", keys) == 0
    capsys.readouterr()

    assert cli("content-rollback", "--data-dir", data, "--trusted-keys", keys) == 0
    assert "Rolled back: the content that came with the app" in capsys.readouterr().out
    assert json.loads((data / "content" / "active").read_text()) == {"pack_version": None}

    assert cli("content-rollback", "--data-dir", data, "--trusted-keys", keys) == EXIT_PROBLEM
    assert "there is nothing to roll back" in capsys.readouterr().err


def test_build_content_pack_then_install_it(setup, capsys):
    tmp_path, data, keys, seed = setup
    root = copy_content(tmp_path / "resources")
    key_file = tmp_path / "signing.key"
    key_file.write_text(base64.b64encode(seed).decode())
    own, _made = content.bundled_version(root)
    out = tmp_path / "new.ddpack"

    code = cli(
        "build-content-pack",
        "--key",
        key_file,
        "--out",
        out,
        "--content",
        root,
        "--trusted-keys",
        keys,
        "--pack-version",
        own + 3,
    )

    assert code == 0
    assert f"Wrote content pack {own + 3}" in capsys.readouterr().out
    assert content.bundled_version(root)[0] == own + 3
    assert cli("update-content", out, "--yes", "--data-dir", data, "--trusted-keys", keys) == 0


def test_build_content_pack_with_an_untrusted_key_is_refused(setup, capsys):
    tmp_path, _data, _keys, _seed = setup
    root = copy_content(tmp_path / "resources")
    key_file = tmp_path / "other.key"
    key_file.write_text(base64.b64encode(SigningKey.generate().encode()).decode())
    code = cli(
        "build-content-pack", "--key", key_file, "--out", tmp_path / "o.ddpack", "--content", root
    )
    assert code == EXIT_PROBLEM
    assert "is not the private half of a key the app trusts" in capsys.readouterr().err
    assert not (tmp_path / "o.ddpack").exists()
