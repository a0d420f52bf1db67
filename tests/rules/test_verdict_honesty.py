"""Issue 16, section 5 (engine side): smaller verdict honesty points."""

import ast
import re
from pathlib import Path

from desktop import datetext
from desktop.rules import wording
from desktop.rules.history import Absence
from tests.rules.helpers import D, history, perm, run, trip

DESKTOP = Path(__file__).resolve().parents[2] / "desktop"


def test_naturalisation_without_indefinite_leave_says_none_is_recorded():
    h = history([perm("skilled_worker", "2019-01-01", "2027-12-31")])
    for route, para in (("naturalisation_6_1", "1(2)(c)"), ("naturalisation_6_2", "3(c)")):
        a = run(h, route, "2026-06-01")
        requirements = [r for r in a.reasons if r.code == "requirement"]
        assert requirements[0].startswith("No indefinite leave or settled status is recorded"), (
            requirements
        )
        assert f"BNA 1981 Sch. 1 para {para}" in requirements[0]
        assert not any("record the person's status then" in r for r in a.reasons)


def test_naturalisation_with_indefinite_leave_still_asks_for_the_status_at_the_start():
    h = history([perm("ilr", "2024-01-01", None)])
    a = run(h, "naturalisation_6_1", "2026-06-01")
    assert any("record the person's status then" in r for r in a.reasons)


def test_the_days_abroad_line_includes_planned_trips_and_says_so():
    h = history(
        [perm("skilled_worker", "2019-01-01", "2030-12-31")],
        absences=[
            trip("2021-03-01", "2021-03-12"),
            Absence(D("2026-08-01"), D("2026-08-20"), planned=True),
        ],
    )
    a = run(h, "settlement_skilled_worker", "2026-12-01", today="2026-06-01")
    assert a.absence_days_planned == 18
    assert a.absence_days_total == 10 + 18
    line = next(r for r in a.reasons if r.code == "absences")
    assert "including 18 days on planned trips" in line
    assert a.to_dict()["absence_days_planned"] == 18
    n = run(h, "naturalisation_6_1", "2026-12-01", today="2026-06-01")
    assert n.absence_days_planned == 18


def _locale_names_used(source: str) -> list[int]:
    """Lines where code asks the C library for month or day names: strftime with %a/%A/%b/%B,
    or an f-string format like {d:%B %Y} (both follow the desktop's locale)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "strftime":
            for arg in node.args:
                if isinstance(arg, ast.Constant) and re.search(r"%[aAbB]", str(arg.value)):
                    found.append(node.lineno)
        if isinstance(node, ast.FormattedValue) and node.format_spec is not None:
            spec = ast.unparse(node.format_spec)
            if re.search(r"%[aAbB]", spec):
                found.append(node.lineno)
    return found


def test_month_names_never_follow_the_desktop_locale_one_function_for_screens_and_paper():
    assert wording.long_date is datetext.long_date
    assert wording.long_date(D("2024-03-11")) == "11 March 2024"
    assert datetext.weekday_date(D("2026-11-20")) == "Friday 20 November 2026"
    # The old wording.long_date used f"{d:%B %Y}": caught by the check below.
    assert _locale_names_used('x = f"{d.day} {d:%B %Y}"') == [1]
    for path in [*sorted((DESKTOP / "rules").rglob("*.py")), DESKTOP / "datetext.py"]:
        assert not _locale_names_used(path.read_text(encoding="utf-8")), path
