"""`assess` output carries "travel": Can I travel? for the 12 months ending today (issue 19)."""

import json
from datetime import date
from pathlib import Path

from desktop.assess import assess_case, run_assess_command

CASES = Path(__file__).parent / "data" / "cases"


def case(**question):
    data = json.loads((CASES / "long_residence_example.json").read_text())
    data["absences"].append(
        {"left": "2026-03-03", "returned": "2026-03-20", "reason": None, "exceptional": False}
    )
    data["question"].update(question)
    return data


def test_assess_output_has_a_travel_object_for_the_12_months_ending_today():
    out = assess_case(case(), today=date(2026, 12, 6))
    travel = out["travel"]
    assert travel["window"] == {"from": "2025-12-07", "to": "2026-12-06"}
    assert travel["days_outside"] == 16
    assert (travel["limit"], travel["rule"]) == (180, "CR 3.1")
    assert travel["days_left"] == 164 and travel["over_by"] == 0
    assert travel["trips"] == [
        {
            "left": "2026-03-03",
            "returned": "2026-03-20",
            "days_counted": 16,
            "stops_counting": "2027-03-19",
            "before_entry": False,
        }
    ]
    assert "164 whole days left" in travel["sentence"]
    # The 2020 trip is long out of the 12 months; the engine's own answer is unchanged.
    assert out["route"] == "long_residence" and out["absence_days_total"] == 21


def test_travel_follows_the_route_flag():
    out = assess_case(case(), route="naturalisation_6_1", today=date(2026, 12, 6))
    assert out["travel"]["limit"] == 90


def test_assess_command_prints_the_travel_object(tmp_path, capsys):
    path = tmp_path / "case.json"
    path.write_text(json.dumps(case()))
    assert run_assess_command(str(path), None, None, "england-and-wales", "2026-12-06") == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed["travel"]["days_outside"] == 16
