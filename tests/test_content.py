"""Signed content update packs (desktop/content.py): refused whole with nothing changed when
anything is wrong, installed into the data folder, read by the loaders, rolled back.

Every test makes its own Ed25519 key pair and points the checks at its own key folder."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import re
import shutil
import stat
import zipfile
from datetime import date
from pathlib import Path

import pytest
from nacl.signing import SigningKey

import desktop
from desktop import content
from desktop.assess import load_checklists, load_figures, rules_dir
from desktop.content import ContentPackError, manifest_bytes
from desktop.rules.content_pack import (
    Manifest,
    PackFile,
    checked_on_of,
)

TODAY = date(2026, 12, 6)


# ---- helpers ---------------------------------------------------------------------------------


def tree_digest(folder: Path) -> str:
    """Every path, mode and byte under `folder` (nothing there: the empty digest)."""
    h = hashlib.sha256()
    if not folder.exists():
        return "absent"
    for path in sorted(folder.rglob("*")):
        h.update(str(path.relative_to(folder)).encode())
        info = path.lstat()
        h.update(str(stat.S_IFMT(info.st_mode)).encode())
        if path.is_file() and not path.is_symlink():
            h.update(path.read_bytes())
    return h.hexdigest()


def bundled_files() -> dict[str, bytes]:
    files = {}
    for kind in ("rules", "checklists", "bank_formats"):
        for path in sorted((desktop.RESOURCES_DIR / kind).glob("*.toml")):
            files[f"{kind}/{path.name}"] = path.read_bytes()
    return files


def make_pack(
    out: Path,
    files: dict[str, bytes],
    seed: bytes,
    *,
    version: int = 5,
    fmt: int = 1,
    min_app: str = "0.1.0",
    manifest_files: dict[str, bytes] | None = None,
    extra_entries: dict[str, bytes] | None = None,
    link_entry: str | None = None,
) -> Path:
    """A pack of `files`, its manifest listing `manifest_files` (default: `files`), signed
    with `seed`; `extra_entries` go in the zip unsigned and unlisted."""
    import tomllib

    listed = files if manifest_files is None else manifest_files
    entries = []
    for path, data in sorted(listed.items()):
        checked = None
        if path.startswith(("rules/", "checklists/")):
            try:
                checked = checked_on_of(tomllib.loads(data.decode("utf-8-sig")))
            except (tomllib.TOMLDecodeError, UnicodeDecodeError):
                checked = None
        entries.append(PackFile(path, hashlib.sha256(data).hexdigest(), len(data), checked))
    manifest = Manifest(fmt, version, TODAY, min_app, tuple(entries))
    data = manifest_bytes(manifest)
    signature, _kid = content.signature_file(data, seed)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("manifest.json", data)
        archive.writestr("manifest.sig", signature)
        for path, body in sorted(files.items()):
            archive.writestr(path, body)
        for path, body in (extra_entries or {}).items():
            archive.writestr(path, body)
        if link_entry:
            info = zipfile.ZipInfo(link_entry)
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
            archive.writestr(info, "../../etc/passwd")
    out.write_bytes(buffer.getvalue())
    return out


def write_key(folder: Path, name: str, seed: bytes) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    public = bytes(SigningKey(seed).verify_key)
    (folder / f"{name}.pub").write_text("# test key\n" + base64.b64encode(public).decode() + "\n")


#: The test packs add a fee.ilr value from this day: no real figure takes effect then.
FEE_DAY = date(2099, 1, 1)


def with_fee(files: dict[str, bytes], value: int) -> dict[str, bytes]:
    changed = dict(files)
    changed["rules/fees.toml"] = (
        changed["rules/fees.toml"]
        + (
            f'\n[[figure]]\nkey = "fee.ilr"\nvalue = {value}\neffective_from = 2099-01-01\n'
            'source = "Test pack (tests/test_content.py)"\n'
        ).encode()
    )
    return changed


def own_fee() -> int:
    """The same, from the content that came with the app."""
    return load_figures(str(desktop.RESOURCES_DIR / "rules")).get("fee.ilr", date(2099, 6, 1))


def fee_then() -> int:
    """The ILR fee the app reads for a day after FEE_DAY."""
    return load_figures().get("fee.ilr", date(2099, 6, 1))


@pytest.fixture
def keys(tmp_path):
    seed = SigningKey.generate().encode()
    folder = tmp_path / "keys"
    write_key(folder, "test-maintainer", seed)
    return folder, seed


@pytest.fixture
def data(tmp_path):
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "store.db").write_bytes(b"not touched")
    return folder


@pytest.fixture
def app_reads(data, keys):
    """The running app reads content from `data`, checked against the test keys; afterwards,
    from the default folder again with the shipped keys (caches cleared both ways)."""
    content.use_data_folder(data, keys[0])
    yield
    content.use_data_folder(None)


# A fee value only these tests set, and a checklist item only they add.


def good_files() -> dict[str, bytes]:
    files = with_fee(bundled_files(), 9999)
    text = files["checklists/fee_waiver.toml"].decode("utf-8")
    text += (
        '\n[[item]]\nid = "pack_test_item"\nsection = "Bank accounts"\n'
        'text = "A paper only the update pack asks for."\n'
        'source = "Test pack (made by tests/test_content.py)"\n'
    )
    files["checklists/fee_waiver.toml"] = text.encode("utf-8")
    return files


def refused(pack: Path, data: Path, keys_folder: Path, expected: str) -> str:
    """Check the pack is refused with `expected` in the one-line message and the data folder
    is byte-for-byte as it was."""
    before = tree_digest(data)
    with pytest.raises(ContentPackError) as caught:
        checked = content.check_pack(pack, data, keys_folder=keys_folder)
        content.install_pack(checked, data, keys_folder=keys_folder)
    message = str(caught.value)
    assert expected in message
    assert "\n" not in message
    assert message.startswith(pack.name)
    assert tree_digest(data) == before
    return message


# ---- refusals: nothing changed ------------------------------------------------------------------


def test_a_pack_with_one_byte_changed_in_a_file_is_refused(tmp_path, data, keys):
    files = good_files()
    tampered = dict(files)
    body = bytearray(tampered["rules/fees.toml"])
    body[-2] = ord("X") if body[-2] != ord("X") else ord("Y")
    tampered["rules/fees.toml"] = bytes(body)
    pack = make_pack(tmp_path / "t.ddpack", tampered, keys[1], manifest_files=files)
    refused(pack, data, keys[0], "rules/fees.toml differs from its signed manifest")


def test_a_truncated_pack_is_refused(tmp_path, data, keys):
    pack = make_pack(tmp_path / "whole.ddpack", good_files(), keys[1])
    cut = tmp_path / "cut.ddpack"
    cut.write_bytes(pack.read_bytes()[: pack.stat().st_size // 2])
    refused(cut, data, keys[0], "is not a whole content pack (it is damaged or cut short)")


def test_a_pack_with_a_corrupt_entry_is_refused(tmp_path, data, keys):
    pack = make_pack(tmp_path / "p.ddpack", good_files(), keys[1])
    raw = bytearray(pack.read_bytes())
    at = raw.find(b"PK\x03\x04", 200)  # a later entry's compressed bytes
    raw[at + 60 : at + 64] = b"\x00\x00\x00\x00"
    pack.write_bytes(bytes(raw))
    before = tree_digest(data)
    with pytest.raises(ContentPackError):
        content.check_pack(pack, data, keys_folder=keys[0])
    assert tree_digest(data) == before


def test_a_bad_signature_is_refused(tmp_path, data, keys):
    pack = make_pack(tmp_path / "p.ddpack", good_files(), keys[1])
    with zipfile.ZipFile(pack) as archive:
        entries = {i.filename: archive.read(i) for i in archive.infolist()}
    sig = json.loads(entries["manifest.sig"])
    raw = bytearray(base64.b64decode(sig["signature"]))
    raw[0] ^= 1
    sig["signature"] = base64.b64encode(bytes(raw)).decode()
    entries["manifest.sig"] = json.dumps(sig).encode()
    with zipfile.ZipFile(pack, "w") as archive:
        for name, body in entries.items():
            archive.writestr(name, body)
    refused(pack, data, keys[0], "its signature does not match")


def test_a_manifest_changed_after_signing_is_refused(tmp_path, data, keys):
    pack = make_pack(tmp_path / "p.ddpack", good_files(), keys[1])
    with zipfile.ZipFile(pack) as archive:
        entries = {i.filename: archive.read(i) for i in archive.infolist()}
    entries["manifest.json"] = entries["manifest.json"].replace(
        b'"pack_version": 5', b'"pack_version": 6'
    )
    with zipfile.ZipFile(pack, "w") as archive:
        for name, body in entries.items():
            archive.writestr(name, body)
    refused(pack, data, keys[0], "its signature does not match")


def test_a_pack_signed_by_an_unknown_key_is_refused(tmp_path, data, keys):
    stranger = SigningKey.generate().encode()
    pack = make_pack(tmp_path / "p.ddpack", good_files(), stranger)
    refused(pack, data, keys[0], "signed by a key this app does not trust")


def test_an_unsigned_pack_is_refused(tmp_path, data, keys):
    pack = make_pack(tmp_path / "p.ddpack", good_files(), keys[1])
    with zipfile.ZipFile(pack) as archive:
        entries = {i.filename: archive.read(i) for i in archive.infolist()}
    del entries["manifest.sig"]
    with zipfile.ZipFile(pack, "w") as archive:
        for name, body in entries.items():
            archive.writestr(name, body)
    refused(pack, data, keys[0], "is not signed")


def test_a_downgrade_is_refused(tmp_path, data, keys, app_reads):
    checked = content.check_pack(
        make_pack(tmp_path / "p7.ddpack", good_files(), keys[1], version=7),
        data,
        keys_folder=keys[0],
    )
    content.install_pack(checked, data, keys_folder=keys[0])
    older = make_pack(tmp_path / "p6.ddpack", good_files(), keys[1], version=6)
    refused(older, data, keys[0], "pack 6 is older than the content in use (content pack 7")


def test_the_same_version_is_refused(tmp_path, data, keys, app_reads):
    pack = make_pack(tmp_path / "p.ddpack", good_files(), keys[1], version=7)
    content.install_pack(
        content.check_pack(pack, data, keys_folder=keys[0]), data, keys_folder=keys[0]
    )
    refused(pack, data, keys[0], "pack 7 is the same version as the content in use")


def test_a_pack_no_newer_than_the_apps_own_content_is_refused(tmp_path, data, keys):
    own, _made = content.bundled_version()
    pack = make_pack(tmp_path / "p.ddpack", good_files(), keys[1], version=own)
    refused(pack, data, keys[0], "the content that came with the app")


def test_an_incompatible_format_is_refused(tmp_path, data, keys):
    pack = make_pack(tmp_path / "p.ddpack", good_files(), keys[1], fmt=2)
    refused(pack, data, keys[0], "the pack is in format 2, and this version of Drop-in Desk")


def test_a_pack_for_a_newer_app_is_refused(tmp_path, data, keys):
    pack = make_pack(tmp_path / "p.ddpack", good_files(), keys[1], min_app="99.0")
    refused(pack, data, keys[0], "the pack needs Drop-in Desk 99.0 or later")


@pytest.mark.parametrize(
    "entry, said",
    [
        ("../evil.toml", "points outside the pack"),
        ("rules/../../evil.toml", "points outside the pack"),
        ("/etc/evil.toml", "is an absolute path"),
        ("rules/sub/evil.toml", "is not a content file"),
        ("rules\\evil.toml", "is not a content file"),
        ("fonts/evil.ttf", "is not a content file"),
    ],
)
def test_a_path_escape_entry_is_refused(tmp_path, data, keys, entry, said):
    pack = make_pack(tmp_path / "p.ddpack", good_files(), keys[1], extra_entries={entry: b"x"})
    refused(pack, data, keys[0], said)


def test_a_symbolic_link_entry_is_refused(tmp_path, data, keys):
    pack = make_pack(tmp_path / "p.ddpack", good_files(), keys[1], link_entry="rules/link.toml")
    refused(pack, data, keys[0], "is a symbolic link")


def test_a_file_listed_but_absent_is_refused(tmp_path, data, keys):
    files = good_files()
    present = {p: d for p, d in files.items() if p != "bank_formats/monzo.toml"}
    pack = make_pack(tmp_path / "p.ddpack", present, keys[1], manifest_files=files)
    refused(pack, data, keys[0], "bank_formats/monzo.toml is listed in the manifest but missing")


def test_a_file_present_but_unlisted_is_refused(tmp_path, data, keys):
    files = good_files()
    listed = {p: d for p, d in files.items() if p != "bank_formats/monzo.toml"}
    pack = make_pack(tmp_path / "p.ddpack", files, keys[1], manifest_files=listed)
    refused(pack, data, keys[0], "bank_formats/monzo.toml is in the pack but not in its signed")


def test_an_unparseable_checklist_in_a_well_signed_pack_is_refused(tmp_path, data, keys):
    files = good_files()
    files["checklists/fee_waiver.toml"] = files["checklists/fee_waiver.toml"].replace(
        b'id = "fee_waiver"', b'id = "fee_waiver"\n[[item]]\nid = 5', 1
    )
    pack = make_pack(tmp_path / "p.ddpack", files, keys[1])
    refused(pack, data, keys[0], "checklists/fee_waiver.toml")


def test_a_checklist_that_is_not_toml_is_refused(tmp_path, data, keys):
    files = good_files()
    files["checklists/fee_waiver.toml"] += b"\nthis is = = not toml\n"
    pack = make_pack(tmp_path / "p.ddpack", files, keys[1])
    refused(pack, data, keys[0], "checklists/fee_waiver.toml: not valid TOML")


def test_figures_that_do_not_load_are_refused(tmp_path, data, keys):
    files = dict(good_files())
    files["rules/fees.toml"] += (
        b'\n[[figure]]\nkey = "fee.x"\nvalue = 1\neffective_from = 2026-01-01\n'
    )
    pack = make_pack(tmp_path / "p.ddpack", files, keys[1])
    refused(pack, data, keys[0], "rules/fees.toml: figure[")


def test_a_bank_layout_that_does_not_load_is_refused(tmp_path, data, keys):
    files = good_files()
    files["bank_formats/monzo.toml"] = b'key = "not_monzo"\n'
    pack = make_pack(tmp_path / "p.ddpack", files, keys[1])
    refused(pack, data, keys[0], "bank_formats/monzo.toml")


def test_a_pack_missing_a_whole_folder_is_refused(tmp_path, data, keys):
    files = {p: d for p, d in good_files().items() if not p.startswith("bank_formats/")}
    pack = make_pack(tmp_path / "p.ddpack", files, keys[1])
    refused(pack, data, keys[0], "it has no bank_formats/ files")


def test_a_file_that_is_not_a_pack_is_refused(tmp_path, data, keys):
    pack = tmp_path / "notes.ddpack"
    pack.write_text("hello")
    refused(pack, data, keys[0], "is not a whole content pack")


def test_a_pack_too_large_is_refused_before_reading(tmp_path, data, keys):
    pack = tmp_path / "big.ddpack"
    with pack.open("wb") as fh:
        fh.truncate(content.MAX_PACK_BYTES + 1)
    before = tree_digest(data)
    with pytest.raises(ContentPackError, match="it was not read"):
        content.check_pack(pack, data, keys_folder=keys[0])
    assert tree_digest(data) == before


# ---- installing, reading, rolling back -----------------------------------------------------------


def test_a_good_pack_installs_and_the_loaders_read_it(tmp_path, data, keys, app_reads):
    assert fee_then() == own_fee()
    assert "pack_test_item" not in {i.id for i in load_checklists()["fee_waiver"].items}
    pack = make_pack(tmp_path / "p.ddpack", good_files(), keys[1], version=5)

    checked = content.check_pack(pack, data, keys_folder=keys[0])
    assert checked.key_name == "test-maintainer"
    now = content.install_pack(checked, data, keys_folder=keys[0])

    assert now.source == "pack" and now.version == 5
    assert (data / "content" / "packs" / "5" / "rules" / "fees.toml").is_file()
    assert json.loads((data / "content" / "active").read_text()) == {"pack_version": 5}
    assert rules_dir() == data / "content" / "packs" / "5" / "rules"
    assert fee_then() == 9999
    assert "pack_test_item" in {i.id for i in load_checklists()["fee_waiver"].items}
    assert (data / "store.db").read_bytes() == b"not touched"


def test_rollback_restores_the_previous_pack_then_the_apps_own(tmp_path, data, keys, app_reads):
    first = with_fee(bundled_files(), 4000)
    for version, files in ((5, first), (6, good_files())):
        pack = make_pack(tmp_path / f"p{version}.ddpack", files, keys[1], version=version)
        content.install_pack(
            content.check_pack(pack, data, keys_folder=keys[0]), data, keys_folder=keys[0]
        )
    assert fee_then() == 9999

    back = content.rollback(data, keys_folder=keys[0])
    assert (back.source, back.version) == ("pack", 5)
    assert fee_then() == 4000

    back = content.rollback(data, keys_folder=keys[0])
    assert back.source == "bundled"
    assert fee_then() == own_fee()
    assert "pack_test_item" not in {i.id for i in load_checklists()["fee_waiver"].items}

    with pytest.raises(ContentPackError, match="nothing to roll back"):
        content.rollback(data, keys_folder=keys[0])


def test_only_the_last_three_packs_are_kept(tmp_path, data, keys, app_reads):
    for version in (5, 6, 7, 8):
        pack = make_pack(tmp_path / f"p{version}.ddpack", good_files(), keys[1], version=version)
        content.install_pack(
            content.check_pack(pack, data, keys_folder=keys[0]), data, keys_folder=keys[0]
        )
    assert content.installed_packs(data) == [6, 7, 8]


def test_a_pack_edited_by_hand_is_not_used_and_the_app_says_so(tmp_path, data, keys, app_reads):
    pack = make_pack(tmp_path / "p.ddpack", good_files(), keys[1], version=5)
    content.install_pack(
        content.check_pack(pack, data, keys_folder=keys[0]), data, keys_folder=keys[0]
    )
    fees = data / "content" / "packs" / "5" / "rules" / "fees.toml"
    fees.write_bytes(fees.read_bytes().replace(b"value = 9999", b"value = 1"))

    now = content.refresh()

    assert now.source == "bundled"
    assert "The installed content pack 5 cannot be used" in now.problem
    assert "rules/fees.toml has been changed" in now.problem
    assert fee_then() == own_fee()


def test_a_damaged_active_file_falls_back_to_the_apps_own_content(data, keys, app_reads):
    (data / "content").mkdir()
    (data / "content" / "active").write_text("{not json")
    now = content.refresh()
    assert now.source == "bundled" and "damaged" in now.problem
    assert fee_then() == own_fee()


def test_a_pack_older_than_a_newer_app_is_left_unused(tmp_path, data, keys, app_reads):
    """After an app update whose own content is newer, the old pack is not used."""
    pack = make_pack(tmp_path / "p.ddpack", good_files(), keys[1], version=5)
    content.install_pack(
        content.check_pack(pack, data, keys_folder=keys[0]), data, keys_folder=keys[0]
    )
    (data / "content" / "active").write_text('{"pack_version": 1}')
    assert content.refresh().source == "bundled"


def test_install_checks_the_version_again(tmp_path, data, keys, app_reads):
    checked5 = content.check_pack(
        make_pack(tmp_path / "p5.ddpack", good_files(), keys[1], version=5),
        data,
        keys_folder=keys[0],
    )
    checked6 = content.check_pack(
        make_pack(tmp_path / "p6.ddpack", good_files(), keys[1], version=6),
        data,
        keys_folder=keys[0],
    )
    content.install_pack(checked6, data, keys_folder=keys[0])
    before = tree_digest(data)
    with pytest.raises(ContentPackError, match="older than the content in use"):
        content.install_pack(checked5, data, keys_folder=keys[0])
    assert tree_digest(data) == before


def test_a_failed_unpack_leaves_nothing_behind(tmp_path, data, keys, monkeypatch):
    checked = content.check_pack(
        make_pack(tmp_path / "p.ddpack", good_files(), keys[1]), data, keys_folder=keys[0]
    )
    before = tree_digest(data)

    def full(*_args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(content, "_write_new", full)
    with pytest.raises(ContentPackError, match="No space left on device"):
        content.install_pack(checked, data, keys_folder=keys[0])
    assert tree_digest(data) == before


# ---- what changed -----------------------------------------------------------------------------


def test_the_changes_name_files_items_and_figures(tmp_path, data, keys):
    files = good_files()
    del files["bank_formats/wise.toml"]
    pack = make_pack(tmp_path / "p.ddpack", files, keys[1])
    checked = content.check_pack(pack, data, keys_folder=keys[0])

    changes = content.pack_changes(checked)

    assert "bank_formats/wise.toml" in changes.removed
    assert {"rules/fees.toml", "checklists/fee_waiver.toml"} <= set(changes.changed)
    waiver = next(c for c in changes.checklists if c.path == "checklists/fee_waiver.toml")
    assert waiver.added == ("pack_test_item",)
    fee = [f for f in changes.figures if f.key == "fee.ilr"]
    assert [(f.effective_from, f.old, f.new) for f in fee] == [(FEE_DAY, fee_then(), 9999)]


# ---- content age ------------------------------------------------------------------------------


def test_content_status_lists_every_file_and_marks_the_stale(tmp_path, data, keys):
    files = good_files()
    files["checklists/fee_waiver.toml"] = re.sub(
        rb"(?m)^checked_on = .*$", b"checked_on = 2025-01-01", files["checklists/fee_waiver.toml"]
    )
    pack = make_pack(tmp_path / "p.ddpack", files, keys[1])
    content.install_pack(
        content.check_pack(pack, data, keys_folder=keys[0]), data, keys_folder=keys[0]
    )

    status = content.content_status(TODAY, 180, data, keys_folder=keys[0])

    assert status.in_use.version == 5 and status.installed == (5,)
    by_path = {a.path: a for a in status.ages}
    assert set(by_path) == {p for p in files if p.startswith(("rules/", "checklists/"))}
    assert by_path["checklists/fee_waiver.toml"].state == "stale"
    assert by_path["checklists/fee_waiver.toml"].checked_on == date(2025, 1, 1)


# ---- building a pack ----------------------------------------------------------------------------


def copy_content(to: Path) -> Path:
    for kind in ("rules", "checklists", "bank_formats"):
        shutil.copytree(desktop.RESOURCES_DIR / kind, to / kind)
    shutil.copy(desktop.RESOURCES_DIR / "content_version.toml", to / "content_version.toml")
    return to


def test_build_makes_a_pack_that_installs_and_stamps_the_version(tmp_path, data, keys):
    root = copy_content(tmp_path / "resources")
    key_file = tmp_path / "signing.key"
    key_file.write_text("# private\n" + base64.b64encode(keys[1]).decode() + "\n")
    own, _made = content.bundled_version(root)

    manifest = content.build_pack(
        key_file,
        tmp_path / "out.ddpack",
        content_root=root,
        keys_folder=keys[0],
        made_on=TODAY,
    )

    assert manifest.pack_version == own + 1
    assert content.bundled_version(root) == (own + 1, TODAY)
    checked = content.check_pack(tmp_path / "out.ddpack", data, keys_folder=keys[0])
    assert checked.manifest.pack_version == own + 1
    assert content.pack_changes(checked).nothing


def test_build_refuses_a_key_the_app_does_not_trust(tmp_path, keys):
    root = copy_content(tmp_path / "resources")
    key_file = tmp_path / "other.key"
    key_file.write_text(base64.b64encode(SigningKey.generate().encode()).decode())
    with pytest.raises(ContentPackError, match="not the private half of a key the app trusts"):
        content.build_pack(key_file, tmp_path / "o.ddpack", content_root=root, keys_folder=keys[0])
    assert not (tmp_path / "o.ddpack").exists()


def test_build_refuses_an_old_version_and_broken_content(tmp_path, keys):
    root = copy_content(tmp_path / "resources")
    key_file = tmp_path / "signing.key"
    key_file.write_text(base64.b64encode(keys[1]).decode())
    own, _made = content.bundled_version(root)
    with pytest.raises(ContentPackError, match="is not newer than"):
        content.build_pack(
            key_file,
            tmp_path / "o.ddpack",
            content_root=root,
            keys_folder=keys[0],
            pack_version=own,
        )
    (root / "checklists" / "fee_waiver.toml").write_text("not = = toml")
    with pytest.raises(ContentPackError, match="checklists/fee_waiver.toml"):
        content.build_pack(key_file, tmp_path / "o.ddpack", content_root=root, keys_folder=keys[0])
    assert not (tmp_path / "o.ddpack").exists()
    assert content.bundled_version(root)[0] == own


# ---- the shipped key ----------------------------------------------------------------------------


def test_the_shipped_public_key_is_trusted():
    shipped = content.trusted_keys()
    assert "maintainer-2026" in {name for name, _raw in shipped.values()}


def test_the_private_key_is_not_in_the_package():
    for path in desktop.PACKAGE_DIR.rglob("*"):
        if path.is_file() and path.suffix in (".key", ".pem"):
            pytest.fail(f"a private key file is in the package: {path}")
    assert not any(p.suffix == ".key" for p in content.KEYS_DIR.iterdir())


@pytest.mark.skipif(os.name != "posix", reason="file modes")
def test_installed_files_are_readable_by_their_owner_only(tmp_path, data, keys, app_reads):
    pack = make_pack(tmp_path / "p.ddpack", good_files(), keys[1])
    content.install_pack(
        content.check_pack(pack, data, keys_folder=keys[0]), data, keys_folder=keys[0]
    )
    fees = data / "content" / "packs" / "5" / "rules" / "fees.toml"
    assert stat.S_IMODE(fees.stat().st_mode) == 0o600
    assert stat.S_IMODE((data / "content").stat().st_mode) == 0o700


def test_the_board_and_the_sheet_words_follow_an_installed_pack(tmp_path, data, keys, app_reads):
    """The deadlines kept in the store are re-worked when a pack changes the figures, and the
    annotation sheet's client words come from the pack too."""
    from desktop import board
    from desktop.printing import sheet_words

    before = board.rules_version()
    files = good_files()
    text = files["checklists/_sheet_phrases.toml"].decode("utf-8")
    marker = "Pack words for the sheet"
    files["checklists/_sheet_phrases.toml"] = re.sub(
        r'(\[en\][^\[]*?\n)(\w+) = "[^"]*"', rf'\1\2 = "{marker}"', text, count=1
    ).encode("utf-8")
    pack = make_pack(tmp_path / "p.ddpack", files, keys[1], version=5)
    content.install_pack(
        content.check_pack(pack, data, keys_folder=keys[0]), data, keys_folder=keys[0]
    )
    assert board.rules_version() != before
    assert marker in sheet_words.sheet_phrases()["en"].values()
    content.rollback(data, keys_folder=keys[0])
    assert board.rules_version() == before
    assert marker not in sheet_words.sheet_phrases()["en"].values()


def test_the_command_line_reads_the_pack_of_the_data_dir_it_is_given(tmp_path, data, keys):
    from desktop import cli

    pack = make_pack(tmp_path / "p.ddpack", good_files(), keys[1], version=5)
    content.use_data_folder(data, keys[0])
    try:
        content.install_pack(
            content.check_pack(pack, data, keys_folder=keys[0]), data, keys_folder=keys[0]
        )
    finally:
        content.use_data_folder(None)
    assert "pack_test_item" not in {i.id for i in load_checklists()["fee_waiver"].items}
    # The shipped keys did not sign this pack, so the CLI (which trusts only them) falls back
    # to the app's own content and says why; with the data folder given, it looks there.
    cli.main(["--data-dir", str(data), "checklist", "--list"])
    try:
        assert content.in_use().problem  # it looked at that folder's pack and refused it
    finally:
        content.use_data_folder(None)


def test_an_unpack_left_by_an_interrupted_install_is_cleared_next_time(
    tmp_path, data, keys, app_reads
):
    stale = data / "content" / ".incoming-crashed"
    stale.mkdir(parents=True)
    (stale / "half.toml").write_text("x", encoding="utf-8")
    old = 1_600_000_000
    os.utime(stale, (old, old))
    fresh = data / "content" / ".incoming-another-window"
    fresh.mkdir()  # an install running now elsewhere: left alone
    pack = make_pack(tmp_path / "p.ddpack", good_files(), keys[1], version=5)
    content.install_pack(
        content.check_pack(pack, data, keys_folder=keys[0]), data, keys_folder=keys[0]
    )
    assert not stale.exists() and fresh.exists()


def test_fee_applications_that_do_not_load_are_refused(tmp_path, data, keys):
    files = dict(good_files())
    assert "rules/fee_applications.toml" in files  # the app's own content has them
    files["rules/fee_applications.toml"] = b'[[application]]\nkey = "x"\n'
    pack = make_pack(tmp_path / "p.ddpack", files, keys[1])
    refused(pack, data, keys[0], "rules/fee_applications.toml")
