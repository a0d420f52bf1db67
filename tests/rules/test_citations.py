"""Issue 16, section 3: citations follow the date. From 11 November 2025 paragraph 39E is SUI
13.1 in Part Suitability (HC 1333): the engine cites the number in force on the date of the
event, from dated data (resources/rules/renumbering.toml, Figures.cite)."""

from datetime import date

import pytest

from desktop.assess import load_figures
from desktop.rules.figures import Figures, FiguresError
from tests.rules.helpers import D, app, history, perm, run

F = load_figures()
HC_1333 = date(2025, 11, 11)


@pytest.mark.parametrize("old", ["paragraph 39E", "paragraph 39E(1)", "paragraph 39E(2)"])
def test_hc_1333_paragraph_39e_is_cited_until_10_november_2025_and_sui_13_1_from_11_november(old):
    assert F.cite(old, date(2025, 11, 10)) == old
    assert F.cite(old, HC_1333) == "SUI 13.1"


def test_hc_1333_part_9_became_part_suitability_the_same_day():
    assert F.cite("Part 9", date(2025, 11, 10)) == "Part 9"
    assert F.cite("Part Suitability", HC_1333) == "Part Suitability"
    assert F.cite("Part 9", HC_1333) == "Part Suitability"


def test_rules_never_renumbered_are_cited_as_they_are():
    for rule in ("LR 11.2(c)", "34G(4)", "STP 2.1(b)", "CR 3.1", ""):
        assert F.cite(rule, date(2030, 1, 1)) == rule


def test_every_renumbering_has_a_source_and_a_date():
    for old, moves in F.renumbered.items():
        for move in moves:
            assert move.old == old and move.new and move.source.strip()
            assert isinstance(move.effective_from, date)


def test_a_renumbering_without_a_source_is_refused():
    with pytest.raises(FiguresError):
        Figures.from_tables(
            [{"renumbered": [{"old": "a", "new": "b", "effective_from": HC_1333, "source": ""}]}]
        )


def test_a_paragraph_renumbered_twice_follows_both_moves():
    f = Figures.from_tables(
        [
            {
                "renumbered": [
                    {"old": "x 1", "new": "y 1", "effective_from": date(2020, 1, 1), "source": "s"},
                    {"old": "y 1", "new": "z 1", "effective_from": date(2022, 1, 1), "source": "s"},
                ]
            }
        ]
    )
    assert [f.cite("x 1", date(y, 6, 1)) for y in (2019, 2021, 2023)] == ["x 1", "y 1", "z 1"]


def _late_by_5_days(reapplied: str, granted: str):
    """Permission ended; a late application 5 days later, accepted; a new grant."""
    end = D(reapplied).toordinal() - 5
    end_iso = date.fromordinal(end).isoformat()
    return history(
        [perm("student", "2012-01-01", end_iso), perm("student", granted, "2032-01-01")],
        [app("extension", reapplied, granted, "granted", late_reason_accepted=True)],
    )


def test_a_gap_forgiven_before_11_november_2025_cites_paragraph_39e():
    a = run(_late_by_5_days("2025-11-10", "2025-12-01"), "settlement_10y_route", "2026-01-01")
    (gap,) = a.uncounted_periods
    assert gap.rule == "paragraph 39E"


def test_a_gap_forgiven_from_11_november_2025_cites_sui_13_1():
    a = run(_late_by_5_days("2025-11-11", "2025-12-01"), "settlement_10y_route", "2026-01-01")
    (gap,) = a.uncounted_periods
    assert gap.rule == "SUI 13.1"


def test_the_after_refusal_window_cites_the_paragraph_in_force_on_its_last_day():
    def window(decided: str):
        h = history(
            [perm("student", "2015-01-01", "2025-10-01")],
            [app("extension", "2025-09-01", decided, "refused", remedy="appeal")],
        )
        a = run(h, "long_residence", decided)
        (dl,) = [d for d in a.deadlines if d.kind == "late_application_window"]
        return dl.date, dl.rule

    # 3C to 14 days after the decision, then 14 days: 28 days after the decision.
    assert window("2025-10-13") == (D("2025-11-10"), "paragraph 39E(2)")
    assert window("2025-10-14") == (D("2025-11-11"), "SUI 13.1")
