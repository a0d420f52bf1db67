"""`dropin-desk stats --from D --to D --out FILE` (issue 22): CSV or PDF by the suffix, written
whole and readable by its owner only; a wrong argument is one line naming it, exit 2."""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import stat
import subprocess
import sys

import pypdf
import pytest

from desktop import content
from desktop.cli import main
from desktop.store.database import Store
from desktop.store.models import Client, MatterRow, VisitRow
from tests.store.conftest import CHEAP_KDF, PASSPHRASE


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    folder = tmp_path / "data"
    store = Store.create(folder, PASSPHRASE, CHEAP_KDF)
    now = dt.datetime(2026, 12, 7, 9, 0)
    with store.session() as s:
        for i in range(8):
            client = Client(
                full_name=f"Named Person{i}",
                date_of_birth=dt.date(1980, 1, 1 + i),
                home_office_ref=f"Z00000{i}",
                created_at=now,
                updated_at=now,
            )
            s.add(client)
            s.flush()
            matter = MatterRow(
                client_id=client.id, category="family", opened=dt.date(2026, 7, 2), centre="North"
            )
            s.add(matter)
            s.flush()
            s.add(VisitRow(client_id=client.id, matter_id=matter.id, on=dt.date(2026, 7, 3)))
    store.close()
    monkeypatch.setenv("DROPIN_DESK_PASSPHRASE", PASSPHRASE)
    yield folder
    content.use_data_folder(None)  # main() pointed the content at this folder


def run(data_dir, *args):
    return main(["stats", "--data-dir", str(data_dir), *args])


def test_stats_writes_a_csv_readable_by_its_owner_only(data_dir, tmp_path, capsys):
    out = tmp_path / "stats.csv"
    assert run(data_dir, "--from", "2026-07-01", "--to", "2026-09-30", "--out", str(out)) == 0
    assert capsys.readouterr().out.strip() == str(out)
    rows = list(csv.reader(io.StringIO(out.read_bytes().decode("utf-8-sig"))))
    assert rows[2] == ["Period", "2026-07-01", "2026-09-30"]
    summary = {r[1]: r[2:] for r in rows if r and r[0] == "Summary"}
    assert summary["In the period"] == ["8", "8", "8"]
    if os.name == "posix":
        assert stat.S_IMODE(out.stat().st_mode) == 0o600
    text = out.read_text(encoding="utf-8-sig")
    assert "Person" not in text and "Z00000" not in text


def test_stats_writes_a_pdf_by_the_suffix(data_dir, tmp_path):
    out = tmp_path / "stats.PDF"
    assert run(data_dir, "--from", "2026-07-01", "--to", "2026-09-30", "--out", str(out)) == 0
    reader = pypdf.PdfReader(io.BytesIO(out.read_bytes()))
    assert "1 July 2026 to 30 September 2026" in reader.pages[0].extract_text()


@pytest.mark.skipif(os.name != "posix", reason="file modes")
def test_a_file_written_over_is_made_readable_by_its_owner_only(data_dir, tmp_path):
    out = tmp_path / "stats.csv"
    out.write_text("old")
    out.chmod(0o644)
    assert run(data_dir, "--from", "2026-07-01", "--to", "2026-09-30", "--out", str(out)) == 0
    assert stat.S_IMODE(out.stat().st_mode) == 0o600 and out.read_text() != "old"


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (("--from", "2026-13-01", "--to", "2026-09-30"), "--from"),
        (("--from", "2026-07-01", "--to", "30/09/2026"), "--to"),
        (("--from", "2026-10-01", "--to", "2026-09-30"), "--from"),
    ],
)
def test_a_bad_date_or_a_period_backwards_is_one_line_naming_the_argument(
    data_dir, tmp_path, capsys, args, named
):
    out = tmp_path / "stats.csv"
    assert run(data_dir, *args, "--out", str(out)) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and named in err and "Traceback" not in err
    assert not out.exists()


@pytest.mark.parametrize("name", ["stats.txt", "missing/stats.csv", "."])
def test_an_unwritable_or_unknown_out_is_one_line_naming_out(data_dir, tmp_path, capsys, name):
    out = tmp_path / name
    assert run(data_dir, "--from", "2026-07-01", "--to", "2026-09-30", "--out", str(out)) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--out" in err and "Traceback" not in err


def test_a_missing_argument_is_a_usage_line_and_exit_2(tmp_path):
    env = dict(os.environ, PYTHONPATH=os.getcwd(), DROPIN_DESK_PASSPHRASE=PASSPHRASE)
    done = subprocess.run(
        [sys.executable, "-m", "desktop", "stats", "--from", "2026-07-01", "--out", "x.csv"],
        capture_output=True,
        text=True,
        env=env,
        stdin=subprocess.DEVNULL,
        timeout=120,
        cwd=os.getcwd(),
    )
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "--to" in done.stderr
