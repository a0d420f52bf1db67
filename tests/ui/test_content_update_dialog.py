"""File > Install content update…: the dialog checks the pack off the UI thread, shows what
changes, installs on Install, and changes nothing on Cancel or for a bad pack."""

from __future__ import annotations

import json

import pytest
from nacl.signing import SigningKey
from PySide6.QtCore import Qt

from desktop import content
from desktop.assess import load_checklists
from desktop.ui.content_update_dialog import ContentUpdateDialog
from tests.test_content import fee_then, good_files, make_pack, own_fee, tree_digest, write_key


@pytest.fixture
def setup(tmp_path):
    seed = SigningKey.generate().encode()
    keys = tmp_path / "keys"
    write_key(keys, "test-maintainer", seed)
    data = tmp_path / "data"
    data.mkdir()
    content.use_data_folder(data, keys)
    yield tmp_path, data, keys, seed
    content.use_data_folder(None)


def open_dialog(qtbot, pack, data, keys):
    dialog = ContentUpdateDialog(pack, data, keys_folder=keys)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.start_check()
    qtbot.waitUntil(lambda: not dialog.busy, timeout=20_000)
    return dialog


def test_the_dialog_shows_the_changes_and_install_works(qtbot, setup):
    tmp_path, data, keys, seed = setup
    pack = make_pack(tmp_path / "p.ddpack", good_files(), seed, version=5)
    dialog = open_dialog(qtbot, pack, data, keys)

    shown = dialog.changes.toPlainText()
    assert "Content pack 5, made on 2026-12-06" in shown
    assert f"fee.ilr from 2099-01-01: {own_fee()} -> 9999" in shown
    assert "items added: pack_test_item" in shown
    assert dialog.install_button.isEnabled()
    assert "signed by test-maintainer" in dialog.status.text()

    with qtbot.waitSignal(dialog.installed, timeout=20_000) as installed:
        qtbot.mouseClick(dialog.install_button, Qt.MouseButton.LeftButton)

    assert installed.args[0].version == 5
    assert json.loads((data / "content" / "active").read_text()) == {"pack_version": 5}
    assert fee_then() == 9999
    assert "pack_test_item" in {i.id for i in load_checklists()["fee_waiver"].items}


def test_cancel_changes_nothing(qtbot, setup):
    tmp_path, data, keys, seed = setup
    pack = make_pack(tmp_path / "p.ddpack", good_files(), seed, version=5)
    before = tree_digest(data)
    dialog = open_dialog(qtbot, pack, data, keys)
    assert dialog.install_button.isEnabled()

    qtbot.keyClick(dialog, Qt.Key.Key_Escape)

    assert not dialog.isVisible()
    assert tree_digest(data) == before
    assert fee_then() == own_fee()


def test_a_tampered_pack_shows_why_and_cannot_be_installed(qtbot, setup):
    tmp_path, data, keys, seed = setup
    files = good_files()
    tampered = dict(files, **{"rules/fees.toml": files["rules/fees.toml"] + b"#"})
    pack = make_pack(tmp_path / "p.ddpack", tampered, seed, manifest_files=files)
    before = tree_digest(data)

    dialog = open_dialog(qtbot, pack, data, keys)

    assert "p.ddpack was not installed: rules/fees.toml differs" in dialog.status.text()
    assert not dialog.install_button.isEnabled()
    assert dialog.install() is None
    assert "Nothing was installed" in dialog.changes.toPlainText()
    assert tree_digest(data) == before


def test_the_dialog_is_keyboard_first_and_named(qtbot, setup):
    tmp_path, data, keys, seed = setup
    pack = make_pack(tmp_path / "p.ddpack", good_files(), seed, version=5)
    dialog = open_dialog(qtbot, pack, data, keys)
    assert dialog.install_button.text() == "&Install"
    assert dialog.install_button.isDefault()
    for widget in (dialog.status, dialog.changes, dialog.install_button, dialog.cancel_button):
        assert widget.accessibleName()
