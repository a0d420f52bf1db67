"""`dropin-desk --version` and `dropin-desk --self-test` (desktop.selftest)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
from importlib import metadata
from io import BytesIO
from pathlib import Path

import pytest
from pypdf import PdfReader

import desktop
from desktop import selftest
from desktop.cli import main
from desktop.store.demo import _DEMO_CASES

PROJECT = Path(desktop.__file__).resolve().parent.parent


@pytest.fixture
def recorded_temp(monkeypatch):
    """Every TemporaryDirectory the self-test makes, by path."""
    made: list[Path] = []
    real = tempfile.TemporaryDirectory

    class Recording(real):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            made.append(Path(self.name))

    monkeypatch.setattr(tempfile, "TemporaryDirectory", Recording)
    return made


def _lines(capsys) -> list[str]:
    return capsys.readouterr().out.splitlines()


# ---- --version -------------------------------------------------------------------------------


def test_version_prints_name_and_number(capsys):
    assert main(["--version"]) == 0
    out = capsys.readouterr().out
    assert re.fullmatch(r"dropin-desk [0-9]+\.[0-9]+\.[0-9]+\S*\n", out)
    assert out.strip() == selftest.version_text()


def test_version_falls_back_to_the_package_version_without_metadata(monkeypatch, capsys):
    def missing(name):
        raise metadata.PackageNotFoundError(name)

    monkeypatch.setattr(metadata, "version", missing)
    monkeypatch.setattr(desktop, "__version__", "9.8.7")
    assert main(["--version"]) == 0
    assert capsys.readouterr().out == "dropin-desk 9.8.7\n"
    monkeypatch.delattr(desktop, "__version__")
    assert selftest.version_text() == "dropin-desk unknown"


def test_version_prefers_the_installed_metadata(monkeypatch):
    monkeypatch.setattr(metadata, "version", lambda name: "4.5.6" if name == "dropin-desk" else "")
    assert selftest.version_text() == "dropin-desk 4.5.6"


# ---- --self-test -----------------------------------------------------------------------------


def test_self_test_passes_line_per_step_and_removes_its_folder(
    recorded_temp, capsys, monkeypatch, tmp_path
):
    monkeypatch.setenv("DROPIN_DESK_DATA_DIR", str(tmp_path / "real-data"))
    assert main(["--self-test"]) == 0
    lines = _lines(capsys)
    assert lines[-1] == "Self-test passed"
    steps = [name for name, _work in selftest.STEPS]
    assert [line.split(":", 1)[0] for line in lines[:-1]] == [f"ok  {s}" for s in steps]
    by_step = {line.split(":", 1)[0][4:]: line.split(": ", 1)[1] for line in lines[:-1]}
    for pdf_step in (
        "residence report",
        "annotation sheet",
        "handout (English)",
        "handout (Arabic, large print)",
    ):
        assert re.match(r"[1-9][0-9]* pages?\b", by_step[pdf_step]), by_step[pdf_step]
    assert by_step["bank CSV"].startswith("3 lines read")
    assert by_step["import"] == f"{len(_DEMO_CASES)} fictional clients"
    assert re.match(
        r"locked, signed, opened and added \([1-9][0-9]* statement lines", by_step["referral file"]
    )
    # One temporary folder, removed; the user's data folder never touched.
    assert len(recorded_temp) == 1
    assert not recorded_temp[0].exists()
    assert not (tmp_path / "real-data").exists()


def test_a_failing_builder_gives_failed_step_and_exit_1(recorded_temp, monkeypatch, capsys):
    import desktop.printing.residence_report as report

    def broken(*args, **kwargs):
        raise RuntimeError(f"cannot draw in {recorded_temp[0]}/residence-report.pdf")

    monkeypatch.setattr(report, "build_residence_report", broken)
    assert main(["--self-test"]) == 1
    lines = _lines(capsys)
    assert lines[-1].startswith("FAILED residence report: RuntimeError: cannot draw in ")
    # The temporary folder's path (it may hold the user's name) is not echoed.
    assert str(recorded_temp[0]) not in lines[-1]
    assert "<temporary folder>" in lines[-1]
    assert "Self-test passed" not in lines
    assert [line[:4] for line in lines[:-1]] == ["ok  "] * 3  # store, import, assess ran
    assert not recorded_temp[0].exists()


def test_a_wrong_result_fails_the_step(recorded_temp, monkeypatch, capsys):
    """Not only exceptions: a step that runs but gives the wrong answer fails."""
    wrong = selftest.SYNTHETIC_CSV.replace("-41.25", "-41.24")
    monkeypatch.setattr(selftest, "SYNTHETIC_CSV", wrong)
    assert selftest.run_self_test() == 1
    last = _lines(capsys)[-1]
    assert last == "FAILED bank CSV: the lines add up to 21.36, not 21.35"
    assert not recorded_temp[0].exists()


def test_a_failure_while_the_store_is_open_still_removes_the_folder(recorded_temp, monkeypatch):
    def broken(run):
        assert run.store is not None and not run.store.locked
        raise OSError("disk full")

    steps = list(selftest.STEPS)
    steps[2] = ("assess", broken)
    monkeypatch.setattr(selftest, "STEPS", steps)
    printed: list[str] = []
    assert selftest.run_self_test(printed.append) == 1
    assert printed[-1] == "FAILED assess: OSError: disk full"
    assert not recorded_temp[0].exists()


def test_long_failure_messages_are_one_short_line(monkeypatch):
    def broken(run):
        raise ValueError("x" * 500 + "\nsecond line")

    monkeypatch.setattr(selftest, "STEPS", [("store", broken)])
    printed: list[str] = []
    assert selftest.run_self_test(printed.append) == 1
    assert printed[-1].startswith("FAILED store: ValueError: xxx")
    assert printed[-1].endswith("...")
    assert len(printed[-1]) <= len("FAILED store: ") + selftest.MESSAGE_LIMIT
    assert "\n" not in printed[-1]


# ---- the PDF check ---------------------------------------------------------------------------


def test_pdf_page_count_agrees_with_pypdf():
    from fpdf import FPDF

    pdf = FPDF()
    for _ in range(3):
        pdf.add_page()
    data = bytes(pdf.output())
    assert selftest.pdf_page_count(data) == len(PdfReader(BytesIO(data)).pages) == 3


@pytest.mark.parametrize(
    ("data", "why"),
    [
        (b"<html>not a pdf</html>", "%PDF-"),
        (b"%PDF-1.4\n1 0 obj <</Type /Page>> endobj\n", "%%EOF"),
        (b"%PDF-1.4\n1 0 obj <</Type /Pages /Count 0>> endobj\n%%EOF\n", "no pages"),
    ],
)
def test_pdf_page_count_refuses_what_is_not_a_whole_pdf(data, why):
    with pytest.raises(selftest.SelfTestFailed, match=re.escape(why)):
        selftest.pdf_page_count(data)


# ---- as a volunteer runs it ------------------------------------------------------------------


def test_python_m_desktop_self_test_runs_without_qt_or_a_display(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env.pop("QT_QPA_PLATFORM", None)
    env["DROPIN_DESK_DATA_DIR"] = str(tmp_path / "real-data")
    done = subprocess.run(
        [sys.executable, "-m", "desktop", "--self-test"],
        cwd=tmp_path,  # not the project root: nothing is read from there
        env={**env, "PYTHONPATH": str(PROJECT)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.splitlines()[-1] == "Self-test passed"
    assert done.stderr == ""
    assert not (tmp_path / "real-data").exists()
    probe = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from desktop.cli import main; rc = main(['--self-test']); "
            "print('qt' if any(m.startswith('PySide6') for m in sys.modules) else 'no qt', rc)",
        ],
        cwd=tmp_path,
        env={**env, "PYTHONPATH": str(PROJECT)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert probe.stdout.splitlines()[-1] == "no qt 0", probe.stdout + probe.stderr
