"""Issue 15 points 2 and 3 on the command line: private folders and files whatever the umask,
`export --out` (0600, atomic, regular files only), one clear line instead of "internal error"
for an oversized client number, a --data-dir that is a file and a passphrase that is not
UTF-8, and every file read with a size limit, regular files only. Fictional people only."""

import io
import json
import os
import socket
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from desktop import assess, cli
from desktop.importers.history_json import export_case
from desktop.store import repository
from desktop.store.database import Store
from tests.store.conftest import CHEAP_KDF, PASSPHRASE
from tests.store.test_repository import CASE
from tests.test_cli import one_line_exit_2, run_cli

posix_only = pytest.mark.skipif(os.name != "posix", reason="POSIX modes, FIFOs and devices")

#: What a fictional client's file holds: none of it may reach the terminal in a message.
NAME = "Amira Testcase"


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def data_dir(tmp_path):
    folder = tmp_path / "data"
    store = Store.create(folder, PASSPHRASE, CHEAP_KDF)
    try:
        with store.session() as session:
            repository.create_client(
                session, repository.ClientDetails(full_name=NAME, notes="private note"), "t"
            )
    finally:
        store.close()
    return folder


@pytest.fixture
def umask_000():
    old = os.umask(0)
    yield
    os.umask(old)


def expected_export(folder: Path, full: bool) -> dict:
    store = Store.open(folder, PASSPHRASE)
    try:
        with store.read_session() as session:
            return export_case(session, 1, full=full)
    finally:
        store.close()


def in_process(capsys, monkeypatch, *args, passphrase=PASSPHRASE):
    if passphrase is None:
        monkeypatch.delenv(cli.PASSPHRASE_ENV, raising=False)
    else:
        monkeypatch.setenv(cli.PASSPHRASE_ENV, passphrase)
    status = cli.main([str(a) for a in args])
    out, err = capsys.readouterr()
    return status, out, err


def one_line(err: str) -> str:
    assert err.endswith("\n") and err.count("\n") == 1, err
    assert "Traceback" not in err
    return err.rstrip("\n")


# ---- point 2: folders and files Drop-in Desk creates -----------------------------------------


@posix_only
def test_init_makes_every_folder_it_creates_owner_only_under_umask_000(
    tmp_path, capsys, monkeypatch, umask_000
):
    (tmp_path / "mine").mkdir(mode=0o755)  # a folder that exists already is left alone
    os.chmod(tmp_path / "mine", 0o755)
    folder = tmp_path / "mine" / "a" / "b" / "data"
    status, out, err = in_process(capsys, monkeypatch, "init", "--data-dir", folder)
    assert status == 0, err
    for made in (tmp_path / "mine" / "a", tmp_path / "mine" / "a" / "b", folder):
        assert mode(made) == 0o700, made  # mkdir(parents=True) left the parents 0777
    assert mode(tmp_path / "mine") == 0o755


@posix_only
@pytest.mark.parametrize("full", [False, True], ids=["history", "full"])
def test_export_out_writes_the_json_owner_only_and_whole(
    data_dir, tmp_path, capsys, monkeypatch, umask_000, full
):
    out = tmp_path / "copy.json"
    args = ["export", "--client", "1", "--data-dir", data_dir, "--out", out]
    status, stdout, err = in_process(capsys, monkeypatch, *args, *(["--full"] if full else []))
    assert status == 0, err
    assert stdout == f"{out}\n" and err == ""
    assert mode(out) == 0o600
    assert json.loads(out.read_text(encoding="utf-8")) == expected_export(data_dir, full)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["copy.json", "data"]  # no leftovers


@posix_only
def test_export_out_over_an_existing_file_keeps_its_mode(data_dir, tmp_path, capsys, monkeypatch):
    out = tmp_path / "copy.json"
    out.write_text("old")
    os.chmod(out, 0o640)
    args = ["export", "--client", "1", "--full", "--data-dir", data_dir, "--out", out]
    status, _out, err = in_process(capsys, monkeypatch, *args)
    assert status == 0, err
    assert mode(out) == 0o640
    assert json.loads(out.read_text(encoding="utf-8"))["client_record"]["details"]


def _fifo(tmp_path: Path) -> Path:
    path = tmp_path / "pipe"
    os.mkfifo(path)
    return path


def _socket(tmp_path: Path) -> Path:
    path = tmp_path / "sock"
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(path))
    server.close()
    return path


def _link_to_fifo(tmp_path: Path) -> Path:
    link = tmp_path / "link.json"
    link.symlink_to(_fifo(tmp_path))
    return link


@posix_only
@pytest.mark.parametrize("make", [_fifo, _socket, _link_to_fifo], ids=["fifo", "socket", "link"])
def test_export_out_refuses_anything_but_a_regular_file_before_asking_for_the_passphrase(
    data_dir, tmp_path, capsys, monkeypatch, make
):
    target = make(tmp_path)
    kind = os.lstat(target).st_mode
    args = ["export", "--client", "1", "--data-dir", data_dir, "--out", target]
    status, out, err = in_process(capsys, monkeypatch, *args, passphrase=None)
    assert status == 2 and out == ""
    line = one_line(err)
    assert line.startswith("dropin-desk: --out: ")
    assert "is not an ordinary file (a device, pipe or socket), so nothing was written" in line
    assert os.lstat(target).st_mode == kind  # still the FIFO, socket or link it was


@posix_only
def test_report_checklist_and_annotate_refuse_a_fifo_as_out(tmp_path, capsys, monkeypatch):
    fifo = _fifo(tmp_path)
    case = tmp_path / "case.json"
    case.write_text(json.dumps(CASE))
    statement = tmp_path / "s.csv"
    statement.write_text("Date,Description,Amount,Balance\n01/03/2026,Shop,-5.00,10.00\n")
    for args in (
        ["report", case, "--route", "long_residence", "--out", fifo],
        ["checklist", "fee_waiver", "--out", fifo],
        ["annotate", statement, "--application-date", "2026-04-01", "--out", fifo],
    ):
        status, out, err = in_process(capsys, monkeypatch, *args)
        assert status == 2, args
        assert "--out: " in one_line(err) and "not an ordinary file" in err
        assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


@posix_only
def test_a_full_export_redirected_to_a_readable_file_gets_a_note(data_dir, tmp_path):
    target = tmp_path / "copy.json"
    env = dict(os.environ, PYTHONPATH=os.getcwd(), DROPIN_DESK_PASSPHRASE=PASSPHRASE)
    with target.open("w") as fh:
        os.chmod(target, 0o644)
        run = subprocess.run(
            [sys.executable, "-m", "desktop", "export", "--client", "1", "--full"]
            + ["--data-dir", str(data_dir)],
            stdout=fh,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
            timeout=120,
        )
    assert run.returncode == 0, run.stderr
    assert "use --out FILE to write it readable by you only" in run.stderr
    assert json.loads(target.read_text(encoding="utf-8"))["client_record"]


# ---- point 3: one clear line instead of "internal error" -------------------------------------


@pytest.mark.parametrize("value", ["9223372036854775808", "99999999999999999999999", "0", "-3"])
def test_a_client_number_sqlite_cannot_hold_is_a_usage_error(data_dir, value):
    line = one_line_exit_2(run_cli("export", "--client", value, "--data-dir", str(data_dir)))
    assert f"--client: {value} is not a client number" in line
    assert "internal error" not in line


def test_checklist_client_number_is_checked_the_same_way(data_dir, tmp_path):
    out = str(tmp_path / "h.pdf")
    args = ("checklist", "fee_waiver", "--client", "9223372036854775808", "--out", out)
    line = one_line_exit_2(run_cli(*args, "--data-dir", str(data_dir)))
    assert "--client: 9223372036854775808 is not a client number" in line


def test_the_largest_client_number_is_simply_not_found(data_dir):
    line = one_line_exit_2(
        run_cli("export", "--client", str(2**63 - 1), "--data-dir", str(data_dir))
    )
    assert line == f"dropin-desk: There is no client with id {2**63 - 1}."


@pytest.mark.parametrize("command", ["init", "export"])
def test_a_data_dir_that_is_a_file_says_so(tmp_path, capsys, monkeypatch, command):
    afile = tmp_path / "notes.txt"
    afile.write_text("x")
    extra = ["--client", "1"] if command == "export" else []
    status, out, err = in_process(capsys, monkeypatch, command, "--data-dir", afile, *extra)
    assert status == 2 and out == ""
    assert one_line(err) == f"dropin-desk: --data-dir: {afile} is a file, not a folder"
    assert afile.read_text() == "x"


def test_a_data_dir_inside_a_file_says_which_part_is_the_file(tmp_path, capsys, monkeypatch):
    afile = tmp_path / "notes.txt"
    afile.write_text("x")
    status, _out, err = in_process(capsys, monkeypatch, "init", "--data-dir", afile / "data")
    assert status == 2
    assert one_line(err) == (
        f"dropin-desk: --data-dir: {afile} is a file, not a folder (it would hold {afile}/data)"
    )


def test_the_data_dir_variable_pointing_at_a_file_is_named(tmp_path, capsys, monkeypatch):
    afile = tmp_path / "notes.txt"
    afile.write_text("x")
    monkeypatch.setenv(cli.DATA_DIR_ENV, str(afile))
    status, _out, err = in_process(capsys, monkeypatch, "export", "--client", "1")
    assert status == 2
    assert one_line(err) == f"dropin-desk: DROPIN_DESK_DATA_DIR: {afile} is a file, not a folder"


@posix_only
@pytest.mark.parametrize("command", ["export", "init"])
def test_a_passphrase_that_is_not_utf8_is_named_not_an_internal_error(data_dir, tmp_path, command):
    env = {k.encode(): v.encode() for k, v in os.environ.items() if k != cli.PASSPHRASE_ENV}
    env[b"PYTHONPATH"] = os.getcwd().encode()
    env[cli.PASSPHRASE_ENV.encode()] = b"\xff\xfe correct horse battery \xff"
    folder = data_dir if command == "export" else tmp_path / "new"
    args = ["--client", "1"] if command == "export" else []
    run = subprocess.run(
        [sys.executable, "-m", "desktop", command, "--data-dir", str(folder), *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    line = one_line_exit_2(run)
    assert line == "dropin-desk: DROPIN_DESK_PASSPHRASE is not valid text (UTF-8)"
    assert not (tmp_path / "new").exists()


def test_an_import_quoting_the_client_is_not_echoed(data_dir, tmp_path, capsys, monkeypatch):
    """Point 3: a name where an object or a date belongs was quoted in the message."""
    for bad in (
        dict(CASE, person=NAME),
        dict(CASE, client_record={"details": {"full_name": "x"}, "household": [NAME]}),
        dict(CASE, client_record={"details": {"full_name": "x", "date_of_birth": NAME}}),
    ):
        path = tmp_path / "case.json"
        path.write_text(json.dumps(bad))
        status, _out, err = in_process(capsys, monkeypatch, "import", path, "--data-dir", data_dir)
        assert status == 2
        line = one_line(err)
        assert "Amira" not in line and "Testcase" not in line, line


# ---- point 3: every file read is a regular file, and never more than a limit -----------------


@posix_only
@pytest.mark.parametrize("command", ["import", "assess", "report"])
def test_dev_zero_is_refused_at_once(data_dir, tmp_path, command):
    args = {
        "import": ("import", "/dev/zero", "--data-dir", str(data_dir)),
        "assess": ("assess", "/dev/zero"),
        "report": ("report", "/dev/zero", "--out", str(tmp_path / "r.pdf")),
    }[command]
    line = one_line_exit_2(run_cli(*args))  # before: read until the machine ran out of memory
    assert line.endswith(
        "/dev/zero is not an ordinary file (a device, pipe or socket), so it is not read"
    )


@posix_only
def test_a_fifo_with_no_writer_is_refused_without_waiting(data_dir, tmp_path):
    fifo = _fifo(tmp_path)
    for args in (("import", str(fifo), "--data-dir", str(data_dir)), ("assess", str(fifo))):
        line = one_line_exit_2(run_cli(*args))  # run_cli's timeout fails the test if it hangs
        assert "is not an ordinary file" in line


def test_a_history_file_over_the_limit_is_refused_before_it_is_read(
    data_dir, tmp_path, capsys, monkeypatch
):
    monkeypatch.setattr(assess, "HISTORY_FILE_LIMIT", 4096)
    big = tmp_path / "big.json"
    big.write_text(json.dumps(dict(CASE, absences=[{"reason": "x" * 5000}])))
    for args in (["import", big, "--data-dir", data_dir], ["assess", big]):
        status, out, err = in_process(capsys, monkeypatch, *args)
        assert status == 2 and out == ""
        line = one_line(err)
        assert "big.json is" in line and "a history file can be; it was not read" in line


class _Stdin:
    """Standard input that holds `size` bytes of JSON-looking text and counts what is read."""

    def __init__(self, size: int):
        self.buffer = io.BytesIO(b"[" + b"1," * (size // 2) + b"1]")

    def read(self, *args):  # pragma: no cover - the buffer is used
        raise AssertionError("standard input must be read as bytes, with a limit")


def test_standard_input_over_the_limit_is_refused(data_dir, capsys, monkeypatch):
    monkeypatch.setattr(assess, "HISTORY_FILE_LIMIT", 4096)
    for args in (["import", "-", "--data-dir", data_dir], ["assess", "-"]):
        stdin = _Stdin(100_000)
        monkeypatch.setattr(sys, "stdin", stdin)
        status, out, err = in_process(capsys, monkeypatch, *args)
        assert status == 2 and out == ""
        assert "standard input is more than the" in one_line(err)
        assert stdin.buffer.tell() <= 4097  # read no further than the limit


def test_standard_input_from_dev_zero_ends(tmp_path):
    with open(os.devnull if os.name != "posix" else "/dev/zero", "rb") as zero:
        run = subprocess.run(
            [sys.executable, "-m", "desktop", "assess", "-"],
            stdin=zero,
            capture_output=True,
            text=True,
            env=dict(os.environ, PYTHONPATH=os.getcwd()),
            timeout=120,
        )
    line = one_line_exit_2(run)
    if os.name == "posix":
        assert (
            line == "standard input is more than the 20 MB a history file can be; it was not read"
        )


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize("typed", ["\udcff\udcfe words", UnicodeDecodeError])
def test_a_typed_passphrase_that_is_not_utf8_is_named(data_dir, capsys, monkeypatch, typed):
    import getpass

    def prompt(question):
        if typed is UnicodeDecodeError:
            raise UnicodeDecodeError("utf-8", b"\xff", 0, 1, "invalid start byte")
        return typed

    monkeypatch.setattr(getpass, "getpass", prompt)
    monkeypatch.setattr(sys, "stdin", _Terminal())
    status, out, err = in_process(
        capsys, monkeypatch, "export", "--client", "1", "--data-dir", data_dir, passphrase=None
    )
    assert status == 2 and out == ""
    assert one_line(err) == "dropin-desk: the passphrase typed is not valid text (UTF-8)"


def test_init_at_the_terminal_asks_twice_and_applies_the_policy(tmp_path, capsys, monkeypatch):
    import getpass

    answers = iter(["12345678"])
    monkeypatch.setattr(getpass, "getpass", lambda question: next(answers))
    monkeypatch.setattr(sys, "stdin", _Terminal())
    folder = tmp_path / "data"
    status, _out, err = in_process(
        capsys, monkeypatch, "init", "--data-dir", folder, passphrase=None
    )
    assert status == 2
    assert one_line(err).startswith("dropin-desk: Too easy to guess.")
    assert not Store.exists(folder)
