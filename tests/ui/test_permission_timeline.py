"""The permission timeline: items built from a history, hover text, clicks and the keyboard."""

from datetime import date

import pytest
from PySide6.QtCore import QEvent, QPoint, Qt
from PySide6.QtGui import QHelpEvent
from PySide6.QtWidgets import QApplication, QToolTip

from desktop.assess import timeline_for
from desktop.ui.widgets.permission_timeline import (
    GROUPS,
    LANES,
    PermissionTimeline,
    TimelineItem,
    build_items,
    group_for,
    pack_rows,
)
from tests.rules.helpers import D, app, history, perm, trip

TODAY = D("2025-10-01")

HISTORY = history(
    perms=[
        perm("student", "2012-09-01", "2015-10-31"),
        perm("skilled_worker", "2016-03-01", "2019-02-28"),
        perm("ilr", "2019-06-10", None),
    ],
    apps=[
        app(
            "extension",
            "2015-10-20",
            "2016-01-15",
            "refused",
            appeal_lodged="2016-01-25",
            appeal_decided="2016-02-25",
            appeal_outcome="allowed",
        ),
        app("settlement", "2019-02-20", "2019-06-10", "granted"),
        app(
            "naturalisation",
            "2025-08-01",
            fee_waiver_requested="2025-06-01",
            fee_waiver_decided="2025-07-01",
            fee_waiver_outcome="refused",
        ),
    ],
    absences=[trip("2017-05-01", "2017-05-20")],
    custody=[("2021-03-01", "2021-04-30")],
)


@pytest.fixture
def timeline():
    return timeline_for(HISTORY, "long_residence", D("2025-09-01"), today=TODAY)


@pytest.fixture
def widget(qtbot, timeline):
    w = PermissionTimeline()
    qtbot.addWidget(w)
    w.resize(1000, 300)
    w.set_data(HISTORY, timeline, TODAY)
    w.show()
    qtbot.waitExposed(w)
    return w


def lane(w, code):
    return [(i.start, i.end, i.label, i.record, i.mark) for i in w.lane_items(code)]


def test_permission_bars_in_order_with_their_dates_and_records(widget):
    bars = widget.lane_items("permissions")
    assert [(b.start, b.end, b.record) for b in bars] == [
        (D("2012-09-01"), D("2015-10-31"), "permissions[0]"),
        (D("2016-03-01"), D("2019-02-28"), "permissions[1]"),
        # Indefinite: runs to the end of the timeline (its projection), drawn open-ended.
        (D("2019-06-10"), bars[2].end, "permissions[2]"),
    ]
    assert bars[2].open_end and bars[2].end >= TODAY
    # Short names made from the one list of names (desktop.rules.history).
    assert [b.label for b in bars] == ["Student", "Skilled Worker", "Indefinite leave to remain"]
    assert [b.fill for b in bars] == [
        group_for("student").fill,
        group_for("skilled_worker").fill,
        group_for("ilr").fill,
    ]
    # Each group has its own colour and pattern, so bars differ without colour too.
    assert len({g.fill for g in GROUPS}) == len({g.pattern for g in GROUPS}) == len(GROUPS)


def test_3c_leave_comes_from_the_day_timeline(widget, timeline):
    expected = [s for s in timeline.stretches if s.status in ("section_3c", "gap")]
    leave = widget.lane_items("leave")
    assert expected, "the refused-then-allowed extension gives section 3C leave"
    assert leave[0].start == expected[0].start
    assert leave[-1].end == expected[-1].end
    assert all(i.label in ("3C leave", "Gap") for i in leave)
    assert "Section 3C leave" in leave[0].description


def test_applications_fee_waiver_and_pending_outcomes(widget):
    assert lane(widget, "applications") == [
        (D("2015-10-20"), D("2016-01-15"), "Extension", "applications[0]", "refused"),
        (D("2019-02-20"), D("2019-06-10"), "Settlement", "applications[1]", "granted"),
        (D("2025-06-01"), D("2025-07-01"), "Fee waiver", "applications[2]", "refused"),
        # Not decided: the bar runs to today with a pending mark.
        (D("2025-08-01"), TODAY, "Naturalisation", "applications[2]", "pending"),
    ]
    pending = widget.lane_items("applications")[-1]
    assert pending.open_end
    assert "not decided yet (pending)" in pending.description


def test_refusal_marker_and_appeal_bar(widget):
    assert lane(widget, "appeals") == [
        (D("2016-01-15"), D("2016-01-15"), "Refused", "applications[0]", "refused"),
        (D("2016-01-25"), D("2016-02-25"), "Appeal", "applications[0]", "allowed"),
    ]
    refusal, appeal = widget.lane_items("appeals")
    assert refusal.kind == "marker" and appeal.kind == "bar"
    assert "appeal allowed 25 Feb 2016" in appeal.description


def test_custody_lane(widget):
    assert lane(widget, "custody") == [
        (D("2021-03-01"), D("2021-04-30"), "Custody", "custody[0]", None)
    ]


def test_range_covers_whole_years_through_today(widget):
    first, last = widget.range()
    assert first == date(2012, 1, 1)
    assert last.month == 12 and last.day == 31 and last >= TODAY


def test_hover_text_names_category_dates_and_record(qtbot, widget):
    index = next(n for n, i in enumerate(widget.items()) if i.record == "permissions[1]")
    pos = widget.item_rect(index).center().toPoint()
    text = widget.tooltip_at(pos)
    assert text == (
        "Permission: Skilled Worker (including Tier 2), 1 Mar 2016 to 28 Feb 2019 (permission 2)"
    )
    # The real tooltip event shows the same text.
    QApplication.sendEvent(widget, QHelpEvent(QEvent.Type.ToolTip, pos, widget.mapToGlobal(pos)))
    assert QToolTip.text() == text
    # Nothing under the lane names.
    assert widget.tooltip_at(QPoint(5, 5)) is None


def test_click_emits_the_record(qtbot, widget):
    index = next(n for n, i in enumerate(widget.items()) if i.record == "custody[0]")
    pos = widget.item_rect(index).center().toPoint()
    with qtbot.waitSignal(widget.record_activated, timeout=1000) as blocker:
        qtbot.mouseClick(widget, Qt.MouseButton.LeftButton, pos=pos)
    assert blocker.args == ["custody[0]"]
    assert widget.focused_item().record == "custody[0]"


def test_keyboard_moves_in_time_order_and_enter_activates(qtbot, widget):
    order = widget.items_in_time_order()
    assert [i.start for i in order] == sorted(i.start for i in order)
    widget.setFocus()
    qtbot.keyClick(widget, Qt.Key.Key_Right)
    assert widget.focused_item() == order[0]
    assert widget.accessibleDescription() == order[0].description
    qtbot.keyClick(widget, Qt.Key.Key_Right)
    qtbot.keyClick(widget, Qt.Key.Key_Right)
    assert widget.focused_item() == order[2]
    qtbot.keyClick(widget, Qt.Key.Key_Left)
    assert widget.focused_item() == order[1]
    with qtbot.waitSignal(widget.record_activated, timeout=1000) as blocker:
        qtbot.keyClick(widget, Qt.Key.Key_Return)
    assert blocker.args == [order[1].record]
    qtbot.keyClick(widget, Qt.Key.Key_End)
    assert widget.focused_item() == order[-1]
    qtbot.keyClick(widget, Qt.Key.Key_Right)  # stays on the last
    assert widget.focused_item() == order[-1]
    qtbot.keyClick(widget, Qt.Key.Key_Home)
    assert widget.focused_item() == order[0]


def test_accessible_name_and_summary(widget):
    assert widget.accessibleName() == "Permission timeline"
    assert widget.focusPolicy() & Qt.FocusPolicy.TabFocus
    assert f"{len(widget.items())} items" in widget.accessibleDescription()


def test_items_close_together_stack_on_screen():
    refusal = TimelineItem(
        "appeals", "marker", D("2016-01-15"), D("2016-01-15"), "", "", None, "", ""
    )
    appeal = TimelineItem("appeals", "bar", D("2016-01-25"), D("2016-02-25"), "", "", None, "", "")
    # By dates alone they do not overlap ...
    assert [i.row for i in pack_rows([refusal, appeal])] == [0, 0]
    # ... but at 0.2 px a day the marker would cover the start of the appeal.
    assert [i.row for i in pack_rows([refusal, appeal], px_per_day=0.2)] == [0, 1]
    assert [i.row for i in pack_rows([refusal, appeal], px_per_day=5.0)] == [0, 0]


def test_without_a_timeline_there_is_no_3c_lane_content():
    items = build_items(HISTORY, None, TODAY)
    assert not [i for i in items if i.lane == "leave"]
    assert {i.lane for i in items} == set(LANES) - {"leave"}


def test_clear_and_paint_cache_at_device_pixel_ratio(qtbot, widget):
    widget.grab()
    assert widget._cache is not None
    assert widget._cache.devicePixelRatio() == widget.devicePixelRatioF()
    widget.clear()
    assert widget.items() == []
    assert widget.accessibleDescription() == "No history to show."
    widget.grab()  # paints with nothing to show


# ---- issue 16: waiting for a decision and unknown status have their own bars ---------------------


def test_waiting_for_a_decision_is_its_own_bar_and_legend_entry_not_a_gap(qtbot):
    waiting = history([perm("student", "2015-09-01", "2019-08-31")], [app("asylum", "2019-08-01")])
    timeline = timeline_for(waiting, "long_residence", today=TODAY)
    leave = [i for i in build_items(waiting, timeline, TODAY) if i.lane == "leave"]
    assert leave and {i.label for i in leave} == {"Waiting for a decision"}
    assert all(i.description.startswith("Waiting for a decision (not counted):") for i in leave)
    assert not any("Gap" in i.description for i in leave)
    assert all("2019-08-01" not in i.description for i in leave)
    widget = PermissionTimeline()
    qtbot.addWidget(widget)
    statuses = [
        value for line in widget._legend_layout(2000) for kind, value in line if kind == "status"
    ]
    assert "awaiting_decision" in statuses and "status_unknown" in statuses


def test_days_after_a_record_that_stops_are_a_status_unknown_bar():
    lapsed = history([perm("skilled_worker", "2018-03-01", "2025-03-31")])
    timeline = timeline_for(lapsed, "long_residence", today=TODAY)
    leave = [i for i in build_items(lapsed, timeline, TODAY) if i.lane == "leave"]
    unknown = [i for i in leave if i.label == "Status unknown"]
    assert unknown and unknown[0].start == D("2025-04-01")
    assert unknown[0].description.startswith("Status unknown (nothing recorded): 1 Apr 2025")


def test_trips_abroad_have_their_own_row_and_the_one_that_broke_continuity_is_marked(qtbot):
    """Issue 19: the timeline had no row for trips abroad, so the trip that broke
    continuity (here 202 days in 2019, over the CR 3.1 limit of 180 in 12 months) was not
    on it."""
    h = history(
        perms=[perm("skilled_worker", "2018-03-01", "2024-05-31")],
        absences=[
            trip("2019-03-01", "2019-04-11"),
            trip("2019-06-10", "2019-12-30"),
            trip("2023-09-01", "2023-09-12", planned=True),
        ],
    )
    today = D("2023-06-01")
    tl = timeline_for(h, "settlement_skilled_worker", today, today=today)
    assert tl.over_limit  # the example breaks the rule
    assert "trips" in LANES
    trips = [i for i in build_items(h, tl, today) if i.lane == "trips"]
    assert [i.record for i in trips] == ["absences[0]", "absences[1]", "absences[2]"]
    assert [(i.start, i.end) for i in trips] == [
        (D("2019-03-01"), D("2019-04-11")),
        (D("2019-06-10"), D("2019-12-30")),
        (D("2023-09-01"), D("2023-09-12")),
    ]
    # Both 2019 trips fall in the 12 months over the limit (2 Mar 2019 to 1 Mar 2020).
    assert [i.mark for i in trips] == ["over_limit", "over_limit", None]
    assert trips[1].description == (
        "Trip abroad: 10 Jun 2019 to 30 Dec 2019, 202 whole days outside; over a limit "
        "(CR 3.1): breaks continuity (trip 2)"
    )
    assert trips[2].mark is None and trips[2].label == "Planned"
    widget = PermissionTimeline()
    qtbot.addWidget(widget)
    widget.resize(900, 400)
    widget.show()
    widget.set_data(h, tl, today)
    assert [i.record for i in widget.lane_items("trips")] == [i.record for i in trips]
    index = widget.items().index(trips[1])
    assert widget.tooltip_at(widget.item_rect(index).center().toPoint()) == trips[1].description
