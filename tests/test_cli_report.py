"""`dropin-desk report`: the PDF from a history JSON, written whole or not at all."""

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

from desktop import cli

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "tests" / "data" / "cases" / "long_residence_example.json"


def run(capsys, *args):
    code = cli.main(["report", *map(str, args)])
    out, err = capsys.readouterr()
    return code, out, err


def listing(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def one_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert "Traceback" not in err
    return lines[0]


def test_writes_a_pdf_and_prints_its_path(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv(cli.ADVISER_ENV, "Sam Adviser")
    out = tmp_path / "report.pdf"
    code, stdout, err = run(
        capsys, EXAMPLE, "--today", "2025-01-10", "--out", out, "--reference", "Client 12"
    )
    assert code == 0, err
    assert stdout.strip() == str(out)
    assert err == ""
    assert listing(tmp_path) == ["report.pdf"]  # no temporary file left beside it
    reader = PdfReader(io.BytesIO(out.read_bytes()))
    first = " ".join(reader.pages[0].extract_text().split())
    assert "Client Example Client" in first  # person.name from the JSON
    assert "Reference Client 12" in first
    assert "Adviser Sam Adviser" in first
    assert "Eligible on 1 September 2024" in first
    assert "Rules in force 10 January 2025" in first
    assert f"Page 1 of {len(reader.pages)}" in first


def test_route_and_date_options_override_the_question(capsys, tmp_path):
    out = tmp_path / "r.pdf"
    code, _stdout, err = run(
        capsys,
        EXAMPLE,
        "--route",
        "settlement_skilled_worker",
        "--on",
        "2024-12-01",
        "--today",
        "2025-01-10",
        "--region",
        "scotland",
        "--out",
        out,
    )
    assert code == 0, err
    text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(out).pages)
    assert "Application date 1 December 2024" in text
    assert "Skilled Worker" in text


@pytest.mark.parametrize(
    "content, options, expected",
    [
        ("{not json", [], "not valid JSON"),
        ("[1, 2]", [], "expected a JSON object"),
        (None, ["--route", "nope"], "--route: unknown route 'nope'"),
        (None, ["--on", "2024-02-30"], "--on: '2024-02-30' is not a date"),
        (None, ["--today", "tomorrow"], "--today: 'tomorrow' is not a date"),
        (None, ["--on", "1800-01-01"], "--on: the date 1800-01-01 is outside the years"),
        (
            json.dumps(
                {
                    "format": "dropin-desk.history/1",
                    "absences": [{"left": "2020-02-10", "returned": "2020-02-01"}],
                }
            ),
            ["--route", "long_residence"],
            "absences[0]",
        ),
    ],
)
def test_bad_input_is_one_line_exit_2_and_no_file(capsys, tmp_path, content, options, expected):
    case = tmp_path / "case.json"
    if content is None:
        case.write_text(EXAMPLE.read_text(encoding="utf-8"))
    else:
        case.write_text(content)
    out = tmp_path / "out" / "report.pdf"
    out.parent.mkdir()
    code, stdout, err = run(capsys, case, "--out", out, *options)
    assert code == 2
    assert stdout == ""
    assert expected in one_line(err)
    assert listing(out.parent) == []


def test_missing_case_file(capsys, tmp_path):
    code, _out, err = run(capsys, tmp_path / "none.json", "--out", tmp_path / "r.pdf")
    assert code == 2
    assert "none.json: the history file cannot be read" in one_line(err)
    assert listing(tmp_path) == []


def test_out_in_a_missing_folder_says_so(capsys, tmp_path):
    code, _out, err = run(capsys, EXAMPLE, "--out", tmp_path / "no" / "such" / "r.pdf")
    assert code == 2
    line = one_line(err)
    assert "--out" in line and "does not exist" in line and str(tmp_path / "no" / "such") in line
    assert listing(tmp_path) == []


def test_out_that_is_a_folder_says_so(capsys, tmp_path):
    code, _out, err = run(capsys, EXAMPLE, "--out", tmp_path)
    assert code == 2
    assert "is a folder" in one_line(err)


def test_bad_input_leaves_an_existing_report_untouched(capsys, tmp_path):
    out = tmp_path / "report.pdf"
    out.write_bytes(b"%PDF-1.4 earlier report")
    bad = tmp_path / "bad.json"
    bad.write_text("{")
    code, _out, _err = run(capsys, bad, "--out", out)
    assert code == 2
    assert out.read_bytes() == b"%PDF-1.4 earlier report"
    assert listing(tmp_path) == ["bad.json", "report.pdf"]


def test_a_failed_write_leaves_no_partial_file(capsys, tmp_path, monkeypatch):
    out = tmp_path / "report.pdf"

    def fail(*_args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", fail)
    code, _out, err = run(capsys, EXAMPLE, "--today", "2025-01-10", "--out", out)
    assert code == 2
    assert "No space left on device" in one_line(err)
    assert listing(tmp_path) == []


def test_engine_failure_shows_no_client_data(capsys, tmp_path, monkeypatch):
    import desktop.assess

    def broken(*_args, **_kwargs):
        raise ValueError("Example Client 1990-05-01")

    monkeypatch.setattr(desktop.assess, "timeline_for", broken)
    code, _out, err = run(capsys, EXAMPLE, "--out", tmp_path / "r.pdf")
    assert code == 2
    line = one_line(err)
    assert "could not assess this history (ValueError)" in line
    assert "Example Client" not in line and "1990" not in line
    assert listing(tmp_path) == []


def test_the_installed_command_runs_as_a_process(tmp_path):
    out = tmp_path / "report.pdf"
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    done = subprocess.run(
        [sys.executable, "-m", "desktop", "report", "-", "--today", "2025-01-10", "--out", out],
        input=EXAMPLE.read_text(encoding="utf-8"),
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == str(out)
    assert out.read_bytes().startswith(b"%PDF-")
    bad = subprocess.run(
        [sys.executable, "-m", "desktop", "report", "-", "--out", tmp_path / "x.pdf"],
        input="{",
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert bad.returncode == 2
    assert len(bad.stderr.strip().splitlines()) == 1 and "Traceback" not in bad.stderr
    assert not (tmp_path / "x.pdf").exists()
