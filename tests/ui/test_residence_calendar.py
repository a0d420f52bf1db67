"""The residence calendar (year planner): hover text, mouse, keyboard, zoom, cache, clear."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QColor, QHelpEvent
from PySide6.QtWidgets import QApplication, QToolTip

from desktop.assess import load_figures
from desktop.rules.day_timeline import day_timeline
from desktop.rules.day_words import day_words
from desktop.status_style import ASSUMED_ALPHA, STYLES
from desktop.ui.widgets.residence_calendar import (
    BLANK_DAY,
    PAPER,
    ZOOM_LEVELS,
    CalendarLegend,
    ResidenceCalendar,
)
from tests.rules.helpers import D, app, history, perm, trip

TODAY = D("2023-06-01")


def small_history():
    """Skilled Worker from March 2018; a 40-day trip and a 202-day trip in 2019 (over the
    CR 3.1 limit in the 12 months from 2 Mar 2019), 3C leave in spring 2021, a planned trip in
    September 2023; the record ends on 31 May 2024 and is projected after."""
    return history(
        [
            perm("skilled_worker", "2018-03-01", "2021-02-28"),
            perm("skilled_worker", "2021-06-01", "2024-05-31"),
        ],
        [app("extension", "2021-02-20", "2021-05-31", "granted")],
        [
            trip("2019-03-01", "2019-04-11"),
            trip("2019-06-10", "2019-12-30"),
            trip("2023-09-01", "2023-09-12", planned=True),
        ],
    )


def make_timeline(h=None, route="settlement_skilled_worker", on=TODAY):
    return day_timeline(h or small_history(), route, on, load_figures(), today=TODAY)


@pytest.fixture
def cal(qtbot):
    widget = ResidenceCalendar()
    qtbot.addWidget(widget)
    widget.resize(1100, 760)
    widget.show()
    qtbot.waitExposed(widget)
    widget.set_timeline(make_timeline(), TODAY)
    return widget


def click(qtbot, cal, day):
    cal.scroll_to(day)
    qtbot.mouseClick(
        cal.viewport(), Qt.MouseButton.LeftButton, pos=cal.cell_rect(day).center().toPoint()
    )


def test_the_timeline_is_what_the_tests_expect():
    tl = make_timeline()
    assert tl.at(D("2019-03-13")).status == "abroad"
    assert tl.at(D("2021-04-01")).status == "section_3c"
    assert tl.at(D("2023-09-05")).status == "planned"
    assert tl.at(D("2024-08-01")).assumed
    assert [(b.rule, b.start, b.end) for b in tl.over_limit] == [
        ("CR 3.1", D("2019-03-02"), D("2020-03-01"))
    ]


# ----------------------------------------------------------------- hover text


def test_hover_text_for_an_abroad_day_in_a_window_over_the_limit(cal):
    text = cal.hover_text(D("2019-03-13"))
    assert text.startswith("Wed 13 March 2019: [A] Outside the UK, day 12 of 40 (trip 1)")
    assert "left 1 Mar 2019, back 11 Apr 2019" in text
    assert "in the 12 months 2 Mar 2019 to 1 Mar 2020: 242 days outside, over the CR 3.1 limit" in (
        text
    )
    assert "2019-" not in text  # UK dates only


def test_hover_text_for_an_abroad_day_names_its_own_trip(cal):
    text = cal.hover_text(D("2019-06-11"))
    assert "day 1 of 202 (trip 2)" in text
    assert "over the CR 3.1 limit" in text


def test_hover_text_for_a_counted_day_outside_any_window(cal):
    text = cal.hover_text(D("2022-06-01"))
    assert text.startswith("Wed 1 June 2022: [C] Counting residence (permission 2)")
    assert "counts towards the qualifying period" in text
    assert "over the" not in text and "day " not in text.split(":", 1)[1][:40]


def test_hover_text_for_a_counted_day_inside_the_window_over_the_limit(cal):
    text = cal.hover_text(D("2020-01-15"))
    assert "[C] Counting residence (permission 1)" in text
    assert "in the 12 months 2 Mar 2019 to 1 Mar 2020: 242 days outside" in text


def test_hover_text_for_a_section_3c_day(cal):
    text = cal.hover_text(D("2021-04-01"))
    assert "[3] Section 3C leave (application or appeal pending) (permission 1)" in text
    assert "extended by section 3C" in text
    assert "s3C Immigration Act 1971" in text


def test_hover_text_for_a_planned_trip(cal):
    text = cal.hover_text(D("2023-09-05"))
    assert "[P] Planned trip, day 4 of 10 (trip 3)" in text
    assert "planned trip, not yet taken: left 1 Sep 2023, back 12 Sep 2023" in text


def test_hover_text_for_an_assumed_day_says_it_is_a_projection(cal):
    text = cal.hover_text(D("2024-08-01"))
    assert "[C] Counting residence" in text
    assert "assumed: after the end of the record" in text


def test_hover_text_marks_today_and_the_qualifying_period(cal):
    assert "; today" in cal.hover_text(TODAY)
    assert "the qualifying period starts" in cal.hover_text(D("2019-12-30"))
    assert "the qualifying period is complete" in cal.hover_text(D("2024-12-30"))


def test_hover_text_outside_the_timeline_is_empty(cal, qtbot):
    assert cal.hover_text(D("2018-02-01")) == ""  # laid out, before the first day
    assert cal.hover_text(D("2030-01-01")) == ""
    assert cal.hover_text(None) == ""
    empty = ResidenceCalendar()
    qtbot.addWidget(empty)
    assert empty.hover_text(D("2019-03-13")) == ""


# ----------------------------------------------------------------- mouse


def double_click(qtbot, cal, day):
    cal.scroll_to(day)
    qtbot.mouseDClick(
        cal.viewport(), Qt.MouseButton.LeftButton, pos=cal.cell_rect(day).center().toPoint()
    )


def test_one_click_selects_the_day_and_opens_nothing(cal, qtbot):
    """Issue 19: one click used to jump to the History tab; now it only selects."""
    records, days = [], []
    cal.record_activated.connect(records.append)
    cal.day_selected.connect(days.append)
    click(qtbot, cal, D("2019-03-13"))
    assert records == []
    assert days == [D("2019-03-13")]
    assert cal.focused_day == D("2019-03-13")


def test_double_click_on_a_cell_emits_the_record_and_the_day(cal, qtbot):
    records, days = [], []
    cal.record_activated.connect(records.append)
    cal.day_selected.connect(days.append)
    double_click(qtbot, cal, D("2019-03-13"))
    assert records == ["absences[0]"]
    assert D("2019-03-13") in days
    assert cal.focused_day == D("2019-03-13")
    double_click(qtbot, cal, D("2021-04-01"))
    assert records == ["absences[0]", "permissions[0]"]
    assert cal.selection is None  # a double-click is not a drag


def test_click_on_a_day_without_a_record_selects_it_only(cal, qtbot):
    records, days = [], []
    cal.record_activated.connect(records.append)
    cal.day_selected.connect(days.append)
    click(qtbot, cal, D("2024-08-01"))  # the projection has no record
    assert records == []
    assert days == [D("2024-08-01")]


def test_drag_emits_the_ordered_range_and_shows_it(cal, qtbot):
    ranges = []
    cal.range_dragged.connect(lambda a, b: ranges.append((a, b)))
    first, last = D("2022-03-20"), D("2022-03-04")  # dragged right to left
    cal.scroll_to(first)
    vp = cal.viewport()
    start = cal.cell_rect(first).center().toPoint()
    end = cal.cell_rect(last).center().toPoint()
    qtbot.mousePress(vp, Qt.MouseButton.LeftButton, pos=start)
    qtbot.mouseMove(vp, pos=(start + end) / 2)
    qtbot.mouseMove(vp, pos=end)
    assert cal.selection == (last, first)  # shown while dragging
    qtbot.mouseRelease(vp, Qt.MouseButton.LeftButton, pos=end)
    assert ranges == [(last, first)]


def test_drag_across_month_rows(cal, qtbot):
    ranges = []
    cal.range_dragged.connect(lambda a, b: ranges.append((a, b)))
    a, b = D("2022-04-25"), D("2022-06-03")
    cal.scroll_to(a)
    vp = cal.viewport()
    qtbot.mousePress(vp, Qt.MouseButton.LeftButton, pos=cal.cell_rect(a).center().toPoint())
    qtbot.mouseMove(vp, pos=cal.cell_rect(b).center().toPoint())
    qtbot.mouseRelease(vp, Qt.MouseButton.LeftButton, pos=cal.cell_rect(b).center().toPoint())
    assert ranges == [(a, b)]


# ----------------------------------------------------------------- keyboard


def key(qtbot, cal, k, modifier=Qt.KeyboardModifier.NoModifier):
    qtbot.keyClick(cal, k, modifier)


def test_arrows_move_the_focused_day_by_the_documented_amounts(cal, qtbot):
    cal.setFocus()
    assert cal.focused_day == TODAY  # 1 June 2023
    key(qtbot, cal, Qt.Key.Key_Right)
    assert cal.focused_day == D("2023-06-02")
    key(qtbot, cal, Qt.Key.Key_Left)
    key(qtbot, cal, Qt.Key.Key_Left)
    assert cal.focused_day == D("2023-05-31")  # crosses the month row
    key(qtbot, cal, Qt.Key.Key_Down)
    assert cal.focused_day == D("2023-06-30")  # June has no 31st
    key(qtbot, cal, Qt.Key.Key_Down)
    assert cal.focused_day == D("2023-07-31")  # the 31st comes back
    key(qtbot, cal, Qt.Key.Key_Up)
    key(qtbot, cal, Qt.Key.Key_Up)
    key(qtbot, cal, Qt.Key.Key_Up)
    assert cal.focused_day == D("2023-04-30")
    key(qtbot, cal, Qt.Key.Key_Right, Qt.KeyboardModifier.ControlModifier)
    assert cal.focused_day == D("2023-05-07")  # a week
    key(qtbot, cal, Qt.Key.Key_PageUp)
    assert cal.focused_day == D("2022-05-07")  # a year
    key(qtbot, cal, Qt.Key.Key_PageDown)
    key(qtbot, cal, Qt.Key.Key_PageDown)
    assert cal.focused_day == D("2024-05-07")
    key(qtbot, cal, Qt.Key.Key_Home)
    assert cal.focused_day == cal.timeline.first_day
    key(qtbot, cal, Qt.Key.Key_Left)
    assert cal.focused_day == cal.timeline.first_day  # stays inside the timeline
    key(qtbot, cal, Qt.Key.Key_End)
    assert cal.focused_day == cal.timeline.last_day
    key(qtbot, cal, Qt.Key.Key_T)
    assert cal.focused_day == TODAY


def test_moving_the_focus_keeps_the_day_in_view(cal, qtbot):
    cal.setFocus()
    key(qtbot, cal, Qt.Key.Key_Home)
    rect = cal.cell_rect(cal.focused_day)
    assert cal.viewport().rect().contains(rect.toAlignedRect())
    key(qtbot, cal, Qt.Key.Key_End)
    rect = cal.cell_rect(cal.focused_day)
    assert cal.viewport().rect().contains(rect.toAlignedRect())


def test_enter_activates_the_focused_day(cal, qtbot):
    records, days = [], []
    cal.record_activated.connect(records.append)
    cal.day_selected.connect(days.append)
    cal.setFocus()
    key(qtbot, cal, Qt.Key.Key_PageUp)
    key(qtbot, cal, Qt.Key.Key_PageUp)  # 1 June 2021: permissions[1]
    key(qtbot, cal, Qt.Key.Key_Return)
    assert days == [D("2021-06-01")]
    assert records == ["permissions[1]"]
    key(qtbot, cal, Qt.Key.Key_Left)
    key(qtbot, cal, Qt.Key.Key_Enter)
    assert records[-1] == "permissions[0]"  # 31 May 2021: 3C leave on permissions[0]
    key(qtbot, cal, Qt.Key.Key_Left)
    key(qtbot, cal, Qt.Key.Key_Space)  # as a click: selects, opens nothing
    assert days[-1] == D("2021-05-30")
    assert len(records) == 2


def test_shift_arrows_then_shift_enter_emit_the_range(cal, qtbot):
    ranges = []
    cal.range_dragged.connect(lambda a, b: ranges.append((a, b)))
    cal.setFocus()
    shift = Qt.KeyboardModifier.ShiftModifier
    key(qtbot, cal, Qt.Key.Key_Right, shift)
    key(qtbot, cal, Qt.Key.Key_Right, shift)
    key(qtbot, cal, Qt.Key.Key_Down, shift)
    assert cal.selection == (D("2023-06-01"), D("2023-07-03"))
    assert "Selected 1 Jun 2023 to 3 Jul 2023, 33 days" in cal.accessibleDescription()
    key(qtbot, cal, Qt.Key.Key_Return, shift)
    assert ranges == [(D("2023-06-01"), D("2023-07-03"))]
    # Backwards from the anchor: still ordered.
    key(qtbot, cal, Qt.Key.Key_PageUp, shift)
    assert cal.selection == (D("2022-07-03"), D("2023-06-01"))
    key(qtbot, cal, Qt.Key.Key_Enter, shift)
    assert ranges[-1] == (D("2022-07-03"), D("2023-06-01"))
    # A plain arrow drops the selection; Shift+Enter then gives the focused day alone.
    key(qtbot, cal, Qt.Key.Key_Right)
    assert cal.selection is None
    key(qtbot, cal, Qt.Key.Key_Return, shift)
    assert ranges[-1] == (D("2022-07-04"), D("2022-07-04"))


def test_escape_drops_the_selection(cal, qtbot):
    cal.setFocus()
    key(qtbot, cal, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    assert cal.selection is not None
    key(qtbot, cal, Qt.Key.Key_Escape)
    assert cal.selection is None


def test_the_focused_day_is_the_accessible_description(cal, qtbot):
    assert cal.accessibleName() == "Residence calendar"
    cal.setFocus()
    key(qtbot, cal, Qt.Key.Key_Home)
    key(qtbot, cal, Qt.Key.Key_PageDown)  # 1 March 2019
    for _ in range(12):
        key(qtbot, cal, Qt.Key.Key_Right)
    assert cal.focused_day == D("2019-03-13")
    assert cal.accessibleDescription() == cal.hover_text(D("2019-03-13"))
    assert "day 12 of 40" in cal.statusTip()
    assert cal.legend.accessibleName() == "Calendar legend"
    assert "A: Outside the UK" in cal.legend.accessibleDescription()


def test_keyboard_zoom(cal, qtbot):
    cal.setFocus()
    changes = []
    cal.zoom_changed.connect(changes.append)
    assert cal.zoom == "year"
    key(qtbot, cal, Qt.Key.Key_Equal, Qt.KeyboardModifier.ControlModifier)
    assert cal.zoom == "month"
    key(qtbot, cal, Qt.Key.Key_Equal, Qt.KeyboardModifier.ControlModifier)
    assert cal.zoom == "month"  # the largest
    key(qtbot, cal, Qt.Key.Key_Minus, Qt.KeyboardModifier.ControlModifier)
    key(qtbot, cal, Qt.Key.Key_Minus, Qt.KeyboardModifier.ControlModifier)
    assert cal.zoom == "decade"
    key(qtbot, cal, Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier)
    assert changes == ["month", "year", "decade", "year"]


# ----------------------------------------------------------------- zoom and layout


def test_zoom_changes_the_cell_size_and_day_at_inverts_cell_rect(cal):
    sizes = {}
    days = [D("2018-01-01") + timedelta(days=i) for i in range(0, 7 * 365, 3)]
    for zoom in ZOOM_LEVELS:
        cal.set_zoom(zoom)
        sizes[zoom] = cal.cell_rect(D("2020-01-01")).size()
        for d in days:
            rect = cal.cell_rect(d)
            assert rect.width() > 0
            assert cal.day_at(rect.center()) == d, (zoom, d)
            # Any point inside the cell, not only its centre.
            assert cal.day_at(rect.topLeft() + QPointF(0.5, 0.5)) == d
            assert cal.day_at(rect.bottomRight() - QPointF(0.5, 0.5)) == d
    assert sizes["decade"].width() < sizes["year"].width() < sizes["month"].width()
    assert sizes["decade"].height() < sizes["year"].height() < sizes["month"].height()


def test_day_at_misses_labels_gaps_and_dates_that_do_not_exist(cal):
    feb28 = cal.cell_rect(D("2019-02-28"))
    assert cal.day_at(feb28.center() + QPointF(feb28.width(), 0)) is None  # 29 Feb 2019
    assert cal.day_at(feb28.center() + QPointF(3 * feb28.width(), 0)) is None  # "31 Feb"
    jan1 = cal.cell_rect(D("2019-01-01"))
    assert cal.day_at(jan1.center() - QPointF(jan1.width(), 0)) is None  # month label
    assert cal.day_at(QPointF(-5, -5)) is None
    leap = cal.cell_rect(D("2020-02-29"))
    assert cal.day_at(leap.center()) == D("2020-02-29")


def test_wide_windows_put_years_side_by_side(cal):
    cal.set_zoom("decade")
    a, b = cal.cell_rect(D("2019-01-01")), cal.cell_rect(D("2020-01-01"))
    assert a.top() == b.top() and b.left() > a.right()  # next to each other
    cal.resize(320, 700)
    a, b = cal.cell_rect(D("2019-01-01")), cal.cell_rect(D("2020-01-01"))
    assert b.top() > a.bottom()  # one above the other
    assert cal.day_at(b.center()) == D("2020-01-01")


def test_scroll_to_brings_the_day_into_view(cal):
    cal.set_zoom("month")
    for d in (D("2018-03-01"), D("2024-12-30"), D("2021-07-15")):
        cal.scroll_to(d)
        assert cal.viewport().rect().contains(cal.cell_rect(d).toAlignedRect())


# ----------------------------------------------------------------- painting and cache


def pixel(cal, day) -> QColor:
    image = cal.viewport().grab().toImage()
    centre = cal.cell_rect(day).center()
    scale = image.devicePixelRatio()
    return image.pixelColor(QPoint(int(centre.x() * scale), int(centre.y() * scale)))


def test_cells_are_painted_in_their_status_colour(cal):
    cal.scroll_to(D("2022-06-01"))
    assert pixel(cal, D("2022-06-01")).name().upper() == STYLES["counted"].fill.upper()
    cal.scroll_to(D("2018-02-10"))
    assert pixel(cal, D("2018-02-10")).name().upper() == BLANK_DAY.upper()  # no record
    # The projection is the counted colour at ASSUMED_ALPHA over the paper.
    cal.scroll_to(D("2024-08-06"))
    got = pixel(cal, D("2024-08-06"))
    fill, paper = QColor(STYLES["counted"].fill), QColor(PAPER)
    want = round(paper.red() + (fill.red() - paper.red()) * ASSUMED_ALPHA)
    assert abs(got.red() - want) <= 2 and got.name() != fill.name()


def test_second_paint_reuses_the_cached_grid_and_a_new_timeline_rebuilds_it(cal, qtbot):
    cal.grab()
    built = cal.cache_builds
    assert built > 0
    cal.grab()
    cal.viewport().repaint()
    assert cal.cache_builds == built
    # Hover, selection and focus are drawn over the cache: no rebuild.
    cal.setFocus()
    key(qtbot, cal, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    qtbot.mouseMove(cal.viewport(), pos=cal.cell_rect(cal.focused_day).center().toPoint())
    cal.viewport().repaint()
    assert cal.cache_builds == built
    cal.set_timeline(make_timeline(on=D("2023-07-01")), TODAY)
    cal.grab()
    assert cal.cache_builds > built
    rebuilt = cal.cache_builds
    cal.set_zoom("decade")
    cal.grab()
    assert cal.cache_builds > rebuilt


def test_a_new_timeline_keeps_the_focused_day(cal, qtbot):
    cal.setFocus()
    key(qtbot, cal, Qt.Key.Key_PageUp)
    cal.set_timeline(make_timeline(on=D("2023-07-01")), TODAY)
    assert cal.focused_day == D("2022-06-01")


def test_clear_shows_nothing(cal, qtbot):
    cal.setFocus()
    key(qtbot, cal, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    cal.clear()
    assert cal.timeline is None
    assert cal.focused_day is None and cal.selection is None
    assert cal.accessibleDescription() == ""
    assert cal.day_at(QPointF(200, 100)) is None
    assert cal.cell_rect(D("2020-01-01")).isEmpty()
    image = cal.viewport().grab().toImage()
    colours = {
        image.pixelColor(x, y).name()
        for x in range(0, image.width(), 7)
        for y in range(0, image.height(), 7)
    }
    assert colours == {QColor(PAPER).name()}
    records = []
    cal.record_activated.connect(records.append)
    key(qtbot, cal, Qt.Key.Key_Return)
    assert records == []
    cal.set_timeline(make_timeline(), TODAY)
    assert cal.focused_day == TODAY


def test_set_timeline_none_clears(cal):
    cal.set_timeline(None, TODAY)
    assert cal.timeline is None


def test_unknown_zoom_is_refused_with_the_choices(cal):
    with pytest.raises(ValueError, match="decade, year, month"):
        cal.set_zoom("week")


def test_legend_lists_every_status_and_outline(qtbot):
    legend = CalendarLegend()
    qtbot.addWidget(legend)
    text = legend.accessibleDescription()
    for style in STYLES.values():
        assert f"{style.mark}: {style.label}" in text
    for words in ("Over a limit", "Worst 12 months", "Qualifying period", "Today", "Deadline"):
        assert words in text
    assert legend.heightForWidth(300) > legend.heightForWidth(1200)  # wraps


def test_a_long_messy_history_paints_at_every_zoom(qtbot):
    """12+ years, several permissions, a gap, custody, 3C leave, 30+ trips, one over the
    limit, a planned trip: every zoom paints and every day answers."""
    perms = [
        perm("student", "2012-09-01", "2014-10-31"),
        perm("skilled_worker", "2015-01-10", "2017-12-31"),
        perm("skilled_worker", "2018-05-01", "2021-04-30", "2018-05-01"),
        perm("skilled_worker", "2021-05-01", "2026-04-30"),
    ]
    trips = []
    left = D("2012-12-15")
    for i in range(32):
        trips.append(trip(left.isoformat(), (left + timedelta(days=5 + i % 9)).isoformat()))
        left += timedelta(days=140)
    trips.append(trip("2025-02-01", "2025-08-15"))
    trips.append(trip("2026-03-01", "2026-03-20", planned=True))
    h = history(
        perms,
        [app("extension", "2017-12-20", "2018-04-30", "granted")],
        sorted(trips, key=lambda a: a.left),
        custody=[("2016-03-01", "2016-05-15")],
    )
    tl = day_timeline(
        h, "settlement_skilled_worker", D("2025-11-01"), load_figures(), today=D("2025-11-01")
    )
    assert tl.over_limit and {s.status for s in tl.stretches} >= {
        "counted",
        "not_counting",
        "abroad",
        "planned",
        "gap",
        "custody",
        "section_3c",
    }
    widget = ResidenceCalendar()
    qtbot.addWidget(widget)
    widget.resize(1200, 800)
    widget.set_timeline(tl, D("2025-11-01"))
    for zoom in ZOOM_LEVELS:
        widget.set_zoom(zoom)
        assert not widget.grab().isNull()
    day = tl.first_day
    while day <= tl.last_day:
        assert widget.hover_text(day), day
        day += timedelta(days=1)
    assert widget.hover_text(date(2016, 4, 1)).startswith("Fri 1 April 2016: [X] Custody")


def test_the_tooltip_is_the_hover_text(cal, qtbot):
    day = D("2019-03-13")
    cal.scroll_to(day)
    pos = cal.cell_rect(day).center().toPoint()
    event = QHelpEvent(QEvent.Type.ToolTip, pos, cal.viewport().mapToGlobal(pos))
    QApplication.sendEvent(cal.viewport(), event)
    qtbot.waitUntil(QToolTip.isVisible)
    assert QToolTip.text() == cal.hover_text(day)
    assert "day 12 of 40" in QToolTip.text()
    QToolTip.hideText()


# ---- issue 16: waiting for a decision is not a gap ------------------------------------------------


def test_waiting_for_an_asylum_decision_is_described_as_such_not_as_a_gap(qtbot):
    waiting = history([perm("student", "2015-09-01", "2019-08-31")], [app("asylum", "2019-08-01")])
    widget = ResidenceCalendar()
    qtbot.addWidget(widget)
    widget.set_timeline(make_timeline(waiting, "long_residence", TODAY), TODAY)
    text = widget.hover_text(D("2021-03-01"))
    assert "[W] Waiting for a decision (not counted)" in text
    assert "Gap" not in text and "gap" not in text.split("[W]")[1].split(";")[0]
    assert "1 Aug 2019" in text and "2019-08-01" not in text
    legend = CalendarLegend()
    qtbot.addWidget(legend)
    assert "W: Waiting for a decision (not counted)" in legend.accessibleDescription()
    assert "?: Status unknown (nothing recorded)" in legend.accessibleDescription()


def test_a_deadline_on_a_day_says_its_status_in_words(qtbot):
    lapsed = history([perm("skilled_worker", "2018-03-01", "2023-03-31")])
    widget = ResidenceCalendar()
    qtbot.addWidget(widget)
    widget.set_timeline(make_timeline(lapsed, "long_residence", TODAY), TODAY)
    text = widget.hover_text(D("2023-03-31"))
    assert "deadline (needs attention now): Permission ended on 31 Mar 2023" in text


# ---- issue 19: the words are a rule, the widget only paints ---------------------------------------


def test_the_hover_text_is_the_rules_day_words_with_the_status_mark(cal):
    tl = cal.timeline
    day = tl.first_day
    while day <= tl.last_day:
        mark = STYLES[tl.at(day).status].mark
        assert cal.hover_text(day) == day_words(day, tl, today=TODAY, mark=mark), day
        day += timedelta(days=1)


def test_the_calendar_widget_writes_no_legal_sentences():
    import desktop.ui.widgets.residence_calendar as module

    source = Path(module.__file__).read_text(encoding="utf-8")
    for words in (
        "days outside",
        "not counted towards the limit",
        "the earliest date to apply",
        "deadline (",
        "a projection",
    ):
        assert words not in source.split('"""', 2)[2], words  # the module docstring aside
