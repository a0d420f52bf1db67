"""Issue 10 point 10: the client page names the engine's next deadlines (worked out off the UI
thread) and warns when the stored application date has passed."""

from datetime import date, timedelta

import pytest

from desktop.board import OVERDUE_DAYS, Item
from desktop.rules.history import History, Permission, Question
from desktop.store.repository import ClientDetails, create_client, save_history
from desktop.ui.client_page import ClientPage
from desktop.ui.widgets.deadline_strip import (
    NONE_AHEAD,
    WORKING,
    DeadlineStrip,
    application_date_warning,
    deadline_line,
    to_show,
)

TODAY = date(2026, 12, 1)


def item(day, kind="apply_before_expiry", met=False, next_working=None, what="Permission ends"):
    status = "met" if met else ("passed" if day < TODAY else "upcoming")
    return Item(day, what, "s3C Immigration Act 1971", next_working, kind, status)


def test_strip_shows_missed_then_coming_deadlines_and_leaves_out_met_and_old_ones():
    items = (
        item(date(2027, 3, 1)),
        item(date(2026, 11, 30)),  # yesterday, not met: missed
        item(date(2026, 12, 10), kind="appeal", met=True),  # done
        item(date(2018, 10, 19)),  # long gone: the board calls it "passed" and hides it
        item(date(2026, 12, 15), kind="fee_waiver_followup"),
    )
    shown = to_show(items, TODAY)
    assert [i[0] for i in shown] == [date(2026, 11, 30), date(2026, 12, 15), date(2027, 3, 1)]
    assert deadline_line(shown[0], TODAY) == "Permission ends: 30 Nov 2026 (MISSED 1 day ago)"
    assert deadline_line(shown[1], TODAY) == (
        "Fee waiver: full application: 15 Dec 2026 (in 14 days)"
    )
    edge = item(TODAY - timedelta(days=OVERDUE_DAYS))
    assert to_show((edge,), TODAY) == [edge]
    assert to_show((item(TODAY - timedelta(days=OVERDUE_DAYS + 1)),), TODAY) == []


def test_a_deadline_on_a_holiday_names_the_next_working_day():
    line = deadline_line(
        item(date(2026, 12, 25), kind="appeal", next_working=date(2026, 12, 29)), TODAY
    )
    assert line == "Appeal: 25 Dec 2026 (in 28 days; next working day 29 Dec 2026)"


def test_application_date_warning_only_once_it_has_passed():
    assert application_date_warning(None, TODAY) == ""
    assert application_date_warning(TODAY, TODAY) == ""
    text = application_date_warning(date(2026, 11, 1), TODAY)
    assert "1 Nov 2026" in text and "has passed" in text and "History tab" in text


def test_strip_widget_states(qtbot):
    strip = DeadlineStrip()
    qtbot.addWidget(strip)
    strip.show_working()
    assert strip.deadlines.text() == WORKING
    strip.set_deadlines((), TODAY)
    assert strip.deadlines.text() == NONE_AHEAD
    many = tuple(item(date(2027, 1, d)) for d in range(1, 8))
    strip.set_deadlines(many, TODAY)
    assert len(strip.lines()) == 4
    assert "3 more on the Deadlines board" in strip.deadlines.text()
    assert "s3C Immigration Act 1971" in strip.deadlines.toolTip()  # where it comes from
    strip.clear()
    assert strip.lines() == [] and strip.deadlines.text() == ""


HISTORY = History(
    permissions=(Permission("refugee", date(2021, 12, 20), date(2026, 12, 19)),),
    question=Question(route="settlement_protection", application_date=date(2026, 11, 1)),
)


@pytest.fixture
def client_id(store):
    with store.session() as s:
        cid = create_client(s, ClientDetails(full_name="Noor Fictional"), "Setup")
        save_history(s, cid, HISTORY, "Setup")
    return cid


@pytest.fixture
def page(qtbot, store):
    widget = ClientPage()
    qtbot.addWidget(widget)
    widget.set_context(store, "Sam Adviser", lambda: TODAY)
    widget.show()
    return widget


def test_client_page_shows_the_permission_ending_and_the_passed_application_date(
    qtbot, page, client_id
):
    with qtbot.waitSignal(page.deadlines_ready, timeout=10_000):
        page.show_client(client_id)
    lines = page.deadline_strip.lines()
    assert any(line.startswith("Permission ends: 19 Dec 2026") for line in lines), lines
    assert page.deadline_strip.warning.isVisibleTo(page)
    assert "1 Nov 2026" in page.deadline_strip.warning.text()


def test_a_new_application_date_clears_the_warning(qtbot, page, client_id, store):
    with qtbot.waitSignal(page.deadlines_ready, timeout=10_000):
        page.show_client(client_id)
    later = History(
        permissions=HISTORY.permissions,
        question=Question(route="settlement_protection", application_date=date(2026, 12, 18)),
    )
    with store.session() as s:
        save_history(s, client_id, later, "Setup")
    with qtbot.waitSignal(page.deadlines_ready, timeout=10_000):
        page.history_tab.load(client_id)
        page.history_tab.history_saved.emit()
    assert not page.deadline_strip.warning.isVisibleTo(page)


def test_a_late_result_after_clear_is_dropped(qtbot, page, client_id):
    page.show_client(client_id)
    page.clear()  # the window locks while the deadlines are worked out
    with qtbot.assertNotEmitted(page.deadlines_ready, wait=500):
        pass
    assert page.deadline_strip.lines() == []
    assert page.deadline_strip.deadlines.text() == ""


# ---- issue 16: attention items first, never ageing out ------------------------------------------


def attention(day, kind="status_unknown"):
    return Item(
        day, f"Permission ended on {day.isoformat()} ...", "SUI 13.1", None, kind, "attention"
    )


def test_an_attention_item_comes_first_and_never_ages_out():
    old = attention(date(2012, 8, 31))  # fourteen years ago: still there
    items = (item(date(2026, 12, 15), kind="appeal"), old, item(date(2026, 11, 30)))
    shown = to_show(items, TODAY)
    assert shown[0] is old
    assert deadline_line(old, TODAY) == (
        "Status unknown: permission ended 31 Aug 2012 - nothing recorded since"
    )
    assert to_show((old,), date(2100, 1, 1)) == [old]
    without = attention(date(2026, 12, 1), "without_permission")
    assert deadline_line(without, TODAY) == "Without permission: no permission since 1 Dec 2026"


def test_the_strip_draws_attention_items_apart_with_the_check_button(qtbot):
    strip = DeadlineStrip()
    qtbot.addWidget(strip)
    strip.show()
    strip.set_deadlines((item(date(2027, 1, 5)), attention(date(2026, 10, 19))), TODAY)
    assert strip.attention_lines() == [
        "Status unknown: permission ended 19 Oct 2026 - nothing recorded since"
    ]
    assert strip.attention.isVisible() and strip.check_button.isVisible()
    assert "until the record is completed" in strip.attention.toolTip()
    assert "2026-10-19" not in strip.attention.toolTip()  # dates written out
    assert strip.deadlines.text().startswith("Deadlines: Permission ends: 5 Jan 2027")
    with qtbot.waitSignal(strip.check_requested):
        strip.check_button.click()
    # Time known to be without permission: attention, but nothing for the adviser to check.
    strip.set_deadlines((attention(date(2026, 12, 1), "without_permission"),), TODAY)
    assert strip.attention.isVisible() and not strip.check_button.isVisible()
    strip.clear()
    assert not strip.attention.isVisible() and strip.lines() == []


def test_a_casework_attention_item_says_it_is_dealt_with_on_the_casework_tab(qtbot):
    """Issue 22: a complaint not acknowledged is not completed by a history record: the strip's
    tooltip sends the adviser to the Casework tab (the history's words only with a history item)."""
    strip = DeadlineStrip()
    qtbot.addWidget(strip)
    strip.show()
    complaint = Item(
        date(2026, 12, 1),
        "A complaint received on 2026-12-01 has not been acknowledged in writing",
        "OISC Code of Standards 2016 code 79",
        None,
        "complaint",
        "attention",
    )
    strip.set_deadlines((complaint,), TODAY)
    tip = strip.attention.toolTip()
    assert "Casework tab" in tip and "new permission" not in tip
    assert not strip.check_button.isVisible()
    strip.set_deadlines((complaint, attention(date(2026, 10, 19))), TODAY)
    assert "until the record is completed" in strip.attention.toolTip()
    strip.clear()
