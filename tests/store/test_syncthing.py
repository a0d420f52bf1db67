"""Two laptops, two Syncthing instances on this machine (issue 21): a client made on one store
appears on the other through the shared folder that Syncthing keeps in step.

Skipped only when `syncthing` is not installed (.ci/run installs it). Both instances listen on
127.0.0.1 only, with local discovery, global discovery, relays and NAT traversal off; each is
told the other's device id and address and shares one folder with it (config.xml written
before start). Every wait is bounded; both instances are stopped in a finally."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest

from desktop.importers.history_json import import_case, parse_case
from desktop.store import repository
from desktop.store import sync_folder as sf
from desktop.store.database import Store
from tests.store.test_repository import CASE

from .conftest import CHEAP_KDF, PASSPHRASE

SYNCTHING = shutil.which("syncthing")
WORDS = "tower lake river stone amber"
WAIT_S = 120
FOLDER_ID = "dropin-desk-centre"

pytestmark = pytest.mark.skipif(SYNCTHING is None, reason="syncthing is not installed")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _env() -> dict:
    return dict(os.environ, STNODEFAULTFOLDER="1", STNOUPGRADE="1", STNORESTART="1")


def _generate(home: Path) -> str:
    subprocess.run(
        [SYNCTHING, "generate", f"--home={home}"],
        check=True,
        capture_output=True,
        env=_env(),
        timeout=60,
    )
    done = subprocess.run(
        [SYNCTHING, "serve", "--device-id", f"--home={home}"],
        check=True,
        capture_output=True,
        text=True,
        env=_env(),
        timeout=60,
    )
    return done.stdout.strip().splitlines()[-1].strip()


def _config(me: str, other: str, folder: Path, port: int, other_port: int, gui: int) -> str:
    return f"""<configuration version="36">
    <folder id="{FOLDER_ID}" label="Centre" path="{folder}" type="sendreceive"
            rescanIntervalS="1" fsWatcherEnabled="false">
        <device id="{me}"></device>
        <device id="{other}"></device>
    </folder>
    <device id="{me}" name="me"><address>dynamic</address></device>
    <device id="{other}" name="other"><address>tcp://127.0.0.1:{other_port}</address></device>
    <gui enabled="true" tls="false">
        <address>127.0.0.1:{gui}</address>
        <apikey>dropin-desk-test-{gui}</apikey>
    </gui>
    <options>
        <listenAddress>tcp://127.0.0.1:{port}</listenAddress>
        <globalAnnounceEnabled>false</globalAnnounceEnabled>
        <localAnnounceEnabled>false</localAnnounceEnabled>
        <relaysEnabled>false</relaysEnabled>
        <natEnabled>false</natEnabled>
        <urAccepted>-1</urAccepted>
        <autoUpgradeIntervalH>0</autoUpgradeIntervalH>
        <startBrowser>false</startBrowser>
        <crashReportingEnabled>false</crashReportingEnabled>
        <reconnectionIntervalS>1</reconnectionIntervalS>
    </options>
</configuration>
"""


def _wait(what: str, check) -> None:
    deadline = time.monotonic() + WAIT_S
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.5)
    pytest.fail(f"Syncthing did not bring {what} across within {WAIT_S} s")


def _names(store):
    with store.session() as s:
        return sorted(c.full_name for c in repository.list_summaries(s))


def test_a_client_made_on_one_laptop_appears_on_the_other_through_syncthing(tmp_path):
    folders = [tmp_path / "shared-a", tmp_path / "shared-b"]
    homes = [tmp_path / "st-a", tmp_path / "st-b"]
    for folder in folders:
        folder.mkdir()
        (folder / ".stfolder").mkdir()  # Syncthing's marker: the folder is there on purpose
        (folder / ".stignore").write_text(sf.STIGNORE)
    ids = [_generate(home) for home in homes]
    ports = [_free_port(), _free_port()]
    guis = [_free_port(), _free_port()]
    for i in (0, 1):
        (homes[i] / "config.xml").write_text(
            _config(ids[i], ids[1 - i], folders[i], ports[i], ports[1 - i], guis[i])
        )
    procs: list[subprocess.Popen] = []
    a = Store.create(tmp_path / "a", PASSPHRASE, CHEAP_KDF)
    b = Store.create(tmp_path / "b", PASSPHRASE, CHEAP_KDF)
    try:
        for i in (0, 1):
            procs.append(
                subprocess.Popen(
                    [SYNCTHING, "serve", "--no-browser", f"--home={homes[i]}"],
                    env=_env(),
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
            )
        centre = sf.create_centre(a, folders[0], "Riverside", WORDS, "Front desk")
        _wait("centre.json", lambda: (folders[1] / "centre.json").exists())
        mine = folders[1] / "devices" / centre.device / "device.json"
        _wait("the first laptop's device.json", mine.exists)
        joined = sf.join_centre(b, folders[1], sf.make_invitation(a, WORDS).data, WORDS, "Back")
        theirs = folders[0] / "devices" / joined.device / "device.json"
        _wait("the second laptop's device.json", theirs.exists)

        with a.session() as s:
            import_case(s, parse_case(CASE), "Tester")
        out = sf.sync(a)
        assert out.changes_out > 0 and not out.refused

        def arrived() -> bool:
            report = sf.sync(b)
            assert not report.refused, report.refused
            return _names(b) == [CASE["person"]["name"]]

        _wait("the client's change file", arrived)
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=20)
        a.close()
        b.close()
