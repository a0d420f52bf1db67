"""desktop.assess: the JSON shape, the verdict line, and `python -m desktop assess` end to end."""

import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from desktop.assess import assess_case, run_assess_command, verdict_line
from desktop.rules.history import parse_history

CASES = Path(__file__).parent / "data" / "cases"
ROOT = Path(__file__).resolve().parent.parent
KEYS = [
    "route",
    "application_date",
    "qualifying_period",
    "earliest_application_date",
    "continuity_broken",
    "absence_days_total",
    "max_absence_any_12_months",
    "breaches",
    "uncounted_periods",
    "eligible",
    "reasons",
    "deadlines",
    "rules_in_force",
]


def load(name):
    return json.loads((CASES / name).read_text())


def cli(*args, stdin=None):
    return subprocess.run(
        [sys.executable, "-m", "desktop", "assess", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        input=stdin,
        timeout=60,
    )


def test_issue_example_output_shape_and_values():
    out = assess_case(load("long_residence_example.json"), today=date(2026, 11, 22))
    assert list(out)[: len(KEYS)] == KEYS
    assert out["qualifying_period"] == {"from": "2014-09-01", "complete_on": "2024-09-01"}
    assert out["earliest_application_date"] == "2024-08-04"
    assert out["absence_days_total"] == 21
    assert out["max_absence_any_12_months"]["days"] == 21
    assert out["eligible"] is True and out["continuity_broken"] is False
    assert out["rules_in_force"] == "2026-11-22"


@pytest.mark.parametrize(
    "route",
    [
        "settlement_protection",
        "settlement_discretionary_leave",
        "long_residence",
        "settlement_skilled_worker",
        "settlement_partner_5y",
        "settlement_10y_route",
        "settlement_domestic_abuse",
        "naturalisation_6_1",
        "naturalisation_6_2",
    ],
)
def test_every_route_returns_the_issue_shape(route):
    out = assess_case(
        load("long_residence_example.json"),
        route=route,
        on=date(2024, 9, 1),
        today=date(2026, 11, 22),
    )
    assert list(out)[: len(KEYS)] == KEYS
    assert out["route"] == route
    assert isinstance(out["eligible"], bool)
    assert out["reasons"]
    json.dumps(out)


def test_dl_fixture_ten_years_with_custody():
    out = assess_case(load("dl_ten_years.json"), today=date(2023, 1, 1))
    assert out["uncounted_periods"][0]["rule"].startswith("DL policy")
    assert out["qualifying_period"]["complete_on"] == "2023-05-31"
    assert out["eligible"] is False


def test_verdict_line_plain_english():
    h = parse_history(load("long_residence_example.json"))
    line = verdict_line(h, "long_residence", date(2024, 9, 1), today=date(2026, 11, 22))
    assert line == "Long residence: eligible on 2024-09-01 (10 years from 2014-09-01)"
    early = verdict_line(h, "long_residence", date(2024, 6, 1), today=date(2024, 6, 1))
    assert early == "Long residence: not yet: earliest 2024-08-04"


def test_cli_prints_one_json_object_and_exits_0():
    r = cli(str(CASES / "long_residence_example.json"))
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["route"] == "long_residence" and out["eligible"] is True
    assert r.stderr == ""


def test_cli_flags_override_the_question():
    r = cli(
        str(CASES / "long_residence_example.json"),
        "--route",
        "naturalisation_6_1",
        "--on",
        "2024-01-01",
    )
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["route"] == "naturalisation_6_1" and out["application_date"] == "2024-01-01"


def test_cli_reads_stdin():
    r = cli("-", stdin=(CASES / "protection_refugee.json").read_text())
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["route"] == "settlement_protection"


@pytest.mark.parametrize(
    "args, stdin, expected",
    [
        (
            ["bad_returned_before_left.json"],
            None,
            "absences[2].returned: the return date 2020-01-01 is before the departure date 2020-01-10",
        ),
        (["no_such_file.json"], None, "no_such_file.json: cannot read the file"),
        (["-"], "{not json", "not valid JSON"),
        (["long_residence_example.json", "--route", "nope"], None, "--route: unknown route 'nope'"),
        (
            ["long_residence_example.json", "--on", "2024-13-01"],
            None,
            "--on: '2024-13-01' is not a date",
        ),
    ],
)
def test_cli_bad_input_one_line_on_stderr_exit_2(args, stdin, expected):
    if args[0] != "-":
        args = [str(CASES / args[0])] + args[1:]
    r = cli(*args, stdin=stdin)
    assert r.returncode == 2
    assert r.stdout == ""
    assert expected in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1


def test_run_assess_command_in_process(capsys):
    assert run_assess_command(str(CASES / "dl_ten_years.json"), None, "2023-02-01", "scotland") == 0
    out = json.loads(capsys.readouterr().out)
    assert out["route"] == "settlement_discretionary_leave"


def test_missing_route_is_reported():
    data = load("long_residence_example.json")
    data["question"] = None
    from desktop.rules.history import HistoryError

    with pytest.raises(HistoryError) as info:
        assess_case(data)
    assert info.value.field == "route"
