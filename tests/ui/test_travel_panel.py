"""Can I travel? on the Residence tab (desktop.ui.widgets.travel_panel), issue 19."""

import re
from datetime import date

from desktop.assess import load_figures
from desktop.rules.travel import can_i_travel
from desktop.status_style import DEADLINE_MARK
from desktop.ui.widgets.travel_panel import EMPTY, TravelPanel
from tests.rules.helpers import history, perm, trip

TODAY = date(2026, 12, 6)


def client(*absences):
    return history([perm("skilled_worker", "2021-01-01", "2027-06-01")], absences=absences)


def panel(qtbot):
    widget = TravelPanel()
    qtbot.addWidget(widget)
    widget.resize(700, 400)
    widget.show()
    return widget


def test_days_used_days_left_and_when_each_trip_stops_counting(qtbot):
    widget = panel(qtbot)
    widget.show_for(
        client(trip("2026-03-03", "2026-03-20"), trip("2026-07-01", "2026-07-31")),
        "settlement_skilled_worker",
        TODAY,
    )
    assert widget.headline.text() == "45 of 180 days used · 135 days left"
    assert "from 7 December 2025 to 6 December 2026" in widget.sentence.text()
    assert "stops counting on 19 March 2027" in widget.sentence.text()
    table = widget.trips
    rows = [[table.item(r, c).text() for c in range(4)] for r in range(table.rowCount())]
    assert rows == [
        ["3 Mar 2026", "20 Mar 2026", "16", "19 Mar 2027"],
        ["1 Jul 2026", "31 Jul 2026", "29", "30 Jul 2027"],
    ]
    assert not re.search(r"\d{4}-\d{2}-\d{2}", widget.sentence.text())


def test_over_the_limit_is_red_and_says_by_how_much(qtbot):
    widget = panel(qtbot)
    widget.set_answer(
        can_i_travel(
            client(trip("2026-01-01", "2026-07-15")),
            "settlement_skilled_worker",
            TODAY,
            load_figures(),
        )
    )
    assert widget.headline.text() == "194 of 180 days used · 14 over the limit (CR 3.1)"
    assert DEADLINE_MARK in widget.headline.styleSheet()


def test_no_fixed_limit_and_clear(qtbot):
    widget = panel(qtbot)
    widget.show_for(client(), "settlement_protection", TODAY)
    assert widget.headline.text() == (
        "0 days outside in the last 12 months · this route has no fixed limit"
    )
    assert widget.trips.isHidden()
    widget.clear()
    assert widget.answer is None and widget.headline.text() == ""
    assert widget.sentence.text() == EMPTY


def test_the_residence_tab_shows_can_i_travel(qtbot):
    """Wired into the Residence tab as its third lower tab; cleared with the tab."""
    from desktop.ui.residence_tab import ResidenceTab

    tab = ResidenceTab()
    qtbot.addWidget(tab)
    titles = [tab.views.tabText(i) for i in range(tab.views.count())]
    assert "Ca&n I travel?" in titles
    tab.clear()
    assert tab.travel.answer is None


def test_a_failure_shows_its_kind_and_never_raises(qtbot, monkeypatch):
    from desktop.ui.widgets import travel_panel

    def broken(*_args):
        raise ValueError("something with a client's name")

    monkeypatch.setattr(travel_panel, "travel_for", broken)
    panel = travel_panel.TravelPanel()
    qtbot.addWidget(panel)
    from datetime import date as _date

    from desktop.rules.history import History

    assert panel.show_for(History(), "long_residence", _date(2026, 12, 6)) is None
    assert panel.sentence.text() == "The days outside could not be worked out (ValueError)."
    assert "name" not in panel.sentence.text()


def test_a_wait_before_entry_is_labelled_not_given_a_day_of_leaving(qtbot):
    from datetime import date as _date

    from desktop.rules.history import parse_history
    from desktop.ui.widgets.travel_panel import TravelPanel

    history = parse_history(
        {
            "format": "dropin-desk.history/1",
            "permissions": [
                {
                    "category": "skilled_worker",
                    "from": "2026-03-01",
                    "to": "2029-03-01",
                    "entered_on": "2026-04-01",
                }
            ],
        }
    )
    panel = TravelPanel()
    qtbot.addWidget(panel)
    answer = panel.show_for(history, "settlement_skilled_worker", _date(2026, 12, 6))
    assert answer is not None and any(t.before_entry for t in answer.trips)
    row = next(i for i, t in enumerate(answer.trips) if t.before_entry)
    assert panel.trips.item(row, 0).text() == "Before entry"
