"""desktop.assess: the JSON shape, the verdict line, and `python -m desktop assess` end to end."""

import json
import re
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
    period = out["qualifying_period"]
    assert (period["from"], period["complete_on"]) == ("2014-09-01", "2024-09-01")
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
    # The record stops on 2024-11-19, before "today": the line says the status is unknown
    # (issue 16), though eligibility on 2024-09-01 does not rest on it.
    assert line == (
        "Long residence: eligible on 2024-09-01 (10 years from 2014-09-01). Nothing is recorded "
        "after 2024-11-19: check the client's status now (possible overstayer)."
    )
    within = verdict_line(h, "long_residence", date(2024, 9, 1), today=date(2024, 10, 1))
    assert within == "Long residence: eligible on 2024-09-01 (10 years from 2014-09-01)"
    early = verdict_line(h, "long_residence", date(2024, 6, 1), today=date(2024, 6, 1))
    assert early.startswith("Long residence: not yet: earliest 2024-08-04")


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
        (
            ["no_such_file.json"],
            None,
            "no_such_file.json: the history file cannot be read (No such file or directory)",
        ),
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


# ---- round 2: --today, bad input, lazy bank holidays ------------------------------------------

ONE_LINE_EXIT_2 = "exit status 2, nothing on stdout, exactly one line on stderr"


def one_line_exit_2(returncode, stdout, stderr) -> str:
    """Asserts the bad-input contract and returns the one line."""
    assert returncode == 2, ONE_LINE_EXIT_2
    assert stdout == "", ONE_LINE_EXIT_2
    assert stderr.endswith("\n") and stderr.count("\n") == 1, (ONE_LINE_EXIT_2, stderr[:300])
    assert "Traceback" not in stderr
    return stderr.rstrip("\n")


def run_in_process(capsys, case, route=None, on=None, region="england-and-wales", today=None):
    rc = run_assess_command(str(case), route, on, region, today=today)
    captured = capsys.readouterr()
    return rc, captured.out, captured.err


def test_assess_today_flag_pins_rules_in_force():
    r = cli(str(CASES / "long_residence_example.json"), "--today", "2025-03-01")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["rules_in_force"] == "2025-03-01"
    other = cli(str(CASES / "long_residence_example.json"), "--today", "2026-11-22")
    assert json.loads(other.stdout)["rules_in_force"] == "2026-11-22"


def test_today_flag_gives_the_same_answer_as_assess_case_with_today(capsys):
    case = CASES / "dl_ten_years.json"
    rc, out, err = run_in_process(capsys, case, on="2023-02-01", today="2023-01-01")
    assert rc == 0 and err == ""
    assert json.loads(out) == assess_case(
        load("dl_ten_years.json"), on=date(2023, 2, 1), today=date(2023, 1, 1)
    )


@pytest.mark.parametrize(
    "flag, value, line",
    [
        ("--today", "2024-02-30", "--today: '2024-02-30' is not a date in the form YYYY-MM-DD"),
        ("--today", "1/3/2025", "--today: '1/3/2025' is not a date in the form YYYY-MM-DD"),
        ("--today", "2025-3-1", "--today: '2025-3-1' is not a date in the form YYYY-MM-DD"),
        ("--on", "2024-W01-1", "--on: '2024-W01-1' is not a date in the form YYYY-MM-DD"),
        ("--on", "0001-01-01", "--on: the date 0001-01-01 is outside the years 1900 to 2100"),
        ("--on", "1899-12-31", "--on: the date 1899-12-31 is outside the years 1900 to 2100"),
        ("--today", "2101-01-01", "--today: the date 2101-01-01 is outside the years 1900 to 2100"),
        ("--today", "9999-12-31", "--today: the date 9999-12-31 is outside the years 1900 to 2100"),
    ],
)
def test_on_and_today_are_validated_one_line_exit_2(flag, value, line):
    r = cli(str(CASES / "long_residence_example.json"), flag, value)
    assert one_line_exit_2(r.returncode, r.stdout, r.stderr) == line


def test_deeply_nested_json_is_one_line_exit_2(tmp_path):
    r = cli("-", stdin="[" * 100000)
    line = one_line_exit_2(r.returncode, r.stdout, r.stderr)
    assert line == "standard input: the JSON is nested too deeply to read"
    nested = tmp_path / "nested.json"
    nested.write_text('{"format": "dropin-desk.history/1", "person": ' + "[" * 100000)
    r = cli(str(nested))
    assert one_line_exit_2(r.returncode, r.stdout, r.stderr) == (
        f"{nested}: the JSON is nested too deeply to read"
    )


def test_json_number_with_too_many_digits_is_one_line_exit_2():
    r = cli("-", stdin='{"format": "dropin-desk.history/1", "person": ' + "1" * 5000 + "}")
    line = one_line_exit_2(r.returncode, r.stdout, r.stderr)
    assert line == "standard input: not valid JSON (a number in it is too long)"


@pytest.mark.parametrize(
    "path, record_field",
    [
        (("permissions", 0, "from"), "permissions[0].from"),
        (("applications", 0, "made"), "applications[0].made"),
        (("absences", 0, "returned"), "absences[0].returned"),
        (("person", "date_of_birth"), "person.date_of_birth"),
        (("question", "application_date"), "question.application_date"),
    ],
)
def test_date_before_1900_is_refused_naming_the_field(capsys, tmp_path, path, record_field):
    data = load("long_residence_example.json")
    target = data
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = "1899-12-31"
    case = tmp_path / "old.json"
    case.write_text(json.dumps(data))
    line = one_line_exit_2(*run_in_process(capsys, case))
    assert line == f"{record_field}: the date 1899-12-31 is outside the years 1900 to 2100"


def test_date_in_custody_after_2100_is_refused_through_the_cli(tmp_path):
    data = load("dl_ten_years.json")
    data["custody"] = [{"from": "2016-01-01", "to": "2101-01-01"}]
    case = tmp_path / "custody.json"
    case.write_text(json.dumps(data))
    r = cli(str(case))
    assert one_line_exit_2(r.returncode, r.stdout, r.stderr) == (
        "custody[0].to: the date 2101-01-01 is outside the years 1900 to 2100"
    )


MEGABYTE = "x" * 1_000_000


def longest_x_run(line: str) -> int:
    return max((len(run) for run in re.findall("x+", line)), default=0)


def _with(data, path, value):
    target = data
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return data


@pytest.mark.parametrize(
    "path, value",
    [
        (("absences", 0, "left"), MEGABYTE),
        (("permissions", 0, "category"), MEGABYTE),
        (("applications", 0, "kind"), MEGABYTE),
        (("applications", 0, "outcome"), MEGABYTE),
        (("question", "route"), MEGABYTE),
        (("format",), MEGABYTE),
        ((MEGABYTE,), "an unknown key"),
        (("person", MEGABYTE), "an unknown key in a record"),
        (("absences", 0, "planned"), MEGABYTE),
    ],
)
def test_megabyte_string_is_echoed_at_most_80_characters(capsys, tmp_path, path, value):
    case = tmp_path / "big.json"
    case.write_text(json.dumps(_with(load("long_residence_example.json"), path, value)))
    line = one_line_exit_2(*run_in_process(capsys, case))
    assert longest_x_run(line) <= 80
    assert len(line) < 600  # the clipped value and, at most, the list of known codes


@pytest.mark.parametrize(
    "options",
    [
        {"route": MEGABYTE},
        {"on": MEGABYTE},
        {"today": MEGABYTE},
        {"region": MEGABYTE},
    ],
)
def test_megabyte_option_is_echoed_at_most_80_characters(capsys, options):
    line = one_line_exit_2(
        *run_in_process(capsys, CASES / "long_residence_example.json", **options)
    )
    assert longest_x_run(line) <= 80
    assert len(line) < 400


def test_long_route_on_the_command_line_is_clipped():
    long_route = "x" * 100_000  # one argument may be at most 128 KiB on Linux
    r = cli(str(CASES / "long_residence_example.json"), "--route", long_route)
    line = one_line_exit_2(r.returncode, r.stdout, r.stderr)
    assert line.startswith("--route: unknown route 'xxx")
    assert longest_x_run(line) == 77 and "...'" in line


def test_long_file_name_is_clipped(capsys):
    line = one_line_exit_2(*run_in_process(capsys, "x" * 100_000 + ".json"))
    assert longest_x_run(line) <= 80 and "the history file cannot be read" in line


@pytest.mark.parametrize(
    "content, line",
    [
        (b"\xff\xfe{}", "odd.json: byte 0 is not UTF-8 text, so the history file cannot be read"),
        (b"[1, 2]", "expected a JSON object (the history), got list"),
        (b'"a string"', "expected a JSON object (the history), got str"),
    ],
)
def test_non_utf8_and_non_object_files_are_one_line_exit_2(tmp_path, content, line):
    case = tmp_path / "odd.json"
    case.write_bytes(content)
    r = cli(str(case))
    assert line in one_line_exit_2(r.returncode, r.stdout, r.stderr)


@pytest.mark.parametrize("error", [ValueError, OverflowError, TypeError, KeyError])
def test_engine_error_is_one_generic_line_without_client_data(capsys, monkeypatch, error):
    def broken_engine(*args, **kwargs):
        raise error("Example Client, born 1990-05-01, secret details")

    monkeypatch.setattr("desktop.assess.assess", broken_engine)
    line = one_line_exit_2(*run_in_process(capsys, CASES / "long_residence_example.json"))
    assert "Example Client" not in line and "1990-05-01" not in line and "secret" not in line
    assert error.__name__ in line
    assert line.startswith(f"{CASES / 'long_residence_example.json'}: ")


def test_lazy_bank_holidays_build_on_first_check():
    from desktop.assess import LazyBankHolidays, bank_holidays

    lazy = LazyBankHolidays("england-and-wales", 2024, 2025)
    assert not lazy.loaded
    assert date(2024, 12, 25) in lazy and date(2024, 12, 24) not in lazy
    assert lazy.loaded
    eager = bank_holidays("england-and-wales", 2024, 2025)
    assert frozenset(lazy) == eager and lazy == eager and len(lazy) == len(eager)
    assert hash(lazy) == hash(eager)
    scotland = LazyBankHolidays("scotland", 2024, 2024)
    assert date(2024, 1, 2) in scotland  # 2 January is a bank holiday in Scotland only
    assert date(2024, 1, 2) not in LazyBankHolidays("england-and-wales", 2024, 2024)
    with pytest.raises(ValueError, match="unknown region"):
        LazyBankHolidays("wales", 2024, 2024)


def test_lazy_bank_holidays_give_the_same_deadlines_as_a_frozenset():
    """A fee waiver decided just before Christmas: the working-day deadline skips the holidays."""
    from desktop.assess import _holidays_for, bank_holidays, load_figures
    from desktop.rules.residence import assess

    data = load("long_residence_example.json")
    data["applications"].append(
        {
            "kind": "extension",
            "made": None,
            "fee_waiver_requested": "2024-11-01",
            "fee_waiver_decided": "2024-12-20",
            "fee_waiver_outcome": "granted",
        }
    )
    h = parse_history(data)
    today, on = date(2024, 12, 21), date(2024, 9, 1)
    lazy = _holidays_for(h, on, today, "england-and-wales")
    eager = bank_holidays("england-and-wales", lazy.first_year, lazy.last_year)
    with_lazy = assess(h, "long_residence", on, load_figures(), bank_holidays=lazy, today=today)
    with_set = assess(h, "long_residence", on, load_figures(), bank_holidays=eager, today=today)
    assert with_lazy.to_dict() == with_set.to_dict()
    assert with_lazy.to_dict()["deadlines"]  # the fee-waiver deadline is there
    assert lazy.loaded  # a working day was checked


def test_holidays_not_imported_for_a_history_without_applications():
    probe = (
        "import contextlib, io, sys\n"
        "from desktop.cli import main\n"
        "out = io.StringIO()\n"
        "with contextlib.redirect_stdout(out):\n"
        f"    rc = main(['assess', {str(CASES / 'protection_refugee.json')!r},"
        " '--today', '2026-11-22'])\n"
        "assert rc == 0 and out.getvalue().startswith('{')\n"
        "print(sorted(m for m in ('holidays', 'sqlalchemy', 'PySide6', 'reportlab')"
        " if m in sys.modules))\n"
    )
    r = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT, timeout=60
    )
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "[]"


# ---- issue 16: the JSON says what is known, and deadlines travel as data ----------------------


def test_assess_json_for_a_record_that_stops_says_status_unknown_with_the_what_if():
    case = {
        "format": "dropin-desk.history/1",
        "permissions": [
            {"category": "student", "from": "2015-01-01", "to": "2019-12-31"},
            {"category": "skilled_worker", "from": "2020-01-01", "to": "2025-01-31"},
        ],
        "question": {"route": "long_residence", "application_date": None},
    }
    out = assess_case(case, today=date(2026, 12, 6))
    assert out["eligible"] is False
    assert out["status_unknown_since"] == "2025-02-01"
    assert out["if_permission_continued"]["eligible"] is True
    assert out["reason_details"][0]["text"].startswith(
        "Long residence (10 years' lawful residence): eligible on 2026-12-06 only if permission "
        "continued after 2025-01-31"
    )
    unknown = [d for d in out["deadlines"] if d["kind"] == "status_unknown"]
    assert unknown == [
        {
            "date": "2025-01-31",
            "what": unknown[0]["what"],
            "rule": "SUI 13.1",
            "status": "attention",
            "kind": "status_unknown",
            "met_on": None,
            "done_on": None,
            "starts": "2025-02-01",
            "event_date": "2025-01-31",
            "record": "permissions[1]",
            "days": None,
            "facts": {},
        }
    ]
    assert all(d["kind"] != "earliest_application" for d in out["deadlines"])


def test_assess_json_for_a_refusal_before_expiry_shows_the_time_without_leave():
    case = {
        "format": "dropin-desk.history/1",
        "permissions": [
            {"category": "student", "from": "2016-12-01", "to": "2021-11-30"},
            {"category": "skilled_worker", "from": "2021-12-01", "to": "2026-11-30"},
        ],
        "applications": [
            {
                "kind": "extension",
                "made": "2026-10-01",
                "decided": "2026-11-06",
                "outcome": "refused",
                "appeal_lodged": "2026-11-15",
            }
        ],
    }
    out = assess_case(case, route="long_residence", on=date(2026, 12, 20), today=date(2026, 12, 20))
    assert out["eligible"] is False and out["without_permission_since"] == "2026-12-01"
    assert out["breaches"][-1]["from"] == "2026-12-01"
    assert out["breaches"][-1]["rule"].startswith("s3C(1)(c) Immigration Act 1971")
