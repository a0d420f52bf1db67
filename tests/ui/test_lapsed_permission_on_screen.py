"""Issue 16 on screen: a record that stops before today is "status unknown", loudly, on the
History tab's verdicts, the deadline strip and the Residence tab, until the adviser completes
the record ("Checked: no permission…" records a status check through the History save)."""

from datetime import date

import pytest
from PySide6.QtCore import Qt

from desktop.assess import assess_history
from desktop.board import Item
from desktop.rules.history import History, Permission, Question, StatusCheck
from desktop.store.repository import ClientDetails, create_client, load_history, save_history
from desktop.ui.client_page import ClientPage
from desktop.ui.widgets import form_feedback
from desktop.ui.widgets.deadline_strip import attention_line
from desktop.ui.widgets.verdict_look import ATTENTION, ELIGIBLE, ELIGIBLE_INK

TODAY = date(2026, 12, 6)
#: Like demo Amara: permission ended on 19 October 2026, nothing recorded since; asking about
#: long residence on a date to come, so the verdict would rest on permission continuing.
LAPSED = History(
    permissions=(
        Permission("student", date(2015, 9, 1), date(2018, 10, 19)),
        Permission("skilled_worker", date(2018, 10, 20), date(2026, 10, 19)),
    ),
    question=Question("long_residence", date(2027, 2, 1)),
)
#: Refugee permission running to 2027: eligible for settlement in its last month, nothing
#: assumed.
CURRENT = History(
    permissions=(Permission("refugee", date(2021, 11, 1), date(2027, 10, 31)),),
    question=Question("settlement_protection", date(2027, 10, 15)),
)


@pytest.fixture
def asked(monkeypatch):
    questions = []
    monkeypatch.setattr(form_feedback, "confirm", lambda *a, **k: questions.append(a) or True)
    return questions


def add(store, name, history):
    with store.session() as s:
        cid = create_client(s, ClientDetails(full_name=name), "Setup")
        save_history(s, cid, history, "Setup")
    return cid


@pytest.fixture
def page(qtbot, store):
    widget = ClientPage()
    qtbot.addWidget(widget)
    widget.set_context(store, "Sam Adviser", lambda: TODAY)
    widget.show()
    return widget


def open_client(qtbot, page, cid):
    tab = page.history_tab
    with qtbot.waitSignals([page.deadlines_ready, tab.verdicts_ready], timeout=15_000):
        page.show_client(cid)
    return tab


def engine_attention(history):
    """The engine's own attention items (structured output, not sentences copied here)."""
    a = assess_history(history, today=TODAY)
    return [
        Item(d.date, d.what, d.rule, d.next_working_day, d.kind, d.status)
        for d in a.deadlines
        if d.status == "attention"
    ]


def test_a_verdict_resting_on_the_assumption_is_an_attention_line_never_eligible(
    qtbot, page, store
):
    tab = open_client(qtbot, page, add(store, "Lapsed Client", LAPSED))
    text = tab.verdict_texts()["long_residence"]
    assert "eligible on 1 Feb 2027 only if permission continued after 19 Oct 2026" in text
    assert tab.verdict_states()["long_residence"] == ATTENTION
    label = tab.verdict_labels["long_residence"]
    assert "⚠" in label.text() and ELIGIBLE_INK not in label.text()
    assert label.accessibleName().startswith("Attention: Long residence")
    # Every route rests on the record that stops: none is drawn as plain or green.
    assert set(tab.verdict_states().values()) == {ATTENTION}


def test_an_eligible_verdict_with_nothing_assumed_is_green(qtbot, page, store):
    tab = open_client(qtbot, page, add(store, "Current Client", CURRENT))
    assert tab.verdict_states()["settlement_protection"] == ELIGIBLE
    assert ELIGIBLE_INK in tab.verdict_labels["settlement_protection"].text()
    assert not tab.unknown_box.isVisibleTo(tab)
    assert not page.deadline_strip.attention_lines()
    assert not page.deadline_strip.check_button.isVisibleTo(page)


def test_the_strip_shows_the_engines_attention_item_first_with_the_check_button(qtbot, page, store):
    open_client(qtbot, page, add(store, "Lapsed Client", LAPSED))
    strip = page.deadline_strip
    expected = [attention_line(item) for item in engine_attention(LAPSED)]
    assert expected == ["Status unknown: permission ended 19 Oct 2026 - nothing recorded since"]
    assert strip.attention_lines() == expected
    assert strip.lines()[: len(expected)] == expected  # before any dated deadline
    button = strip.check_button
    assert button.isVisibleTo(page) and button.accessibleName() == "Checked: no permission"
    assert button.focusPolicy() & Qt.FocusPolicy.TabFocus  # reachable by keyboard


def test_checked_no_permission_on_the_history_tab_records_a_status_check(qtbot, page, store, asked):
    cid = add(store, "Lapsed Client", LAPSED)
    tab = open_client(qtbot, page, cid)
    assert tab.unknown_box.isVisibleTo(tab)
    assert "Nothing is recorded after 19 October 2026" in tab.unknown_label.text()
    assert tab.status_unknown_since() == date(2026, 10, 20)
    assert tab.check_button.accessibleName() == "Checked: no permission"
    with qtbot.waitSignals([page.deadlines_ready, tab.verdicts_ready], timeout=15_000):
        qtbot.mouseClick(tab.check_button, Qt.MouseButton.LeftButton)
    assert asked and "found no permission after 19 October 2026" in asked[0][2]
    with store.read_session() as s:
        assert load_history(s, cid).status_checks == (StatusCheck(TODAY, "no_permission"),)
    table = tab.tables["status_check"].table
    assert [table.item(0, c).text() for c in range(2)] == ["6 Dec 2026", "Checked: no permission"]
    # The attention item becomes the gap it is: no "status unknown" anywhere now.
    assert not tab.unknown_box.isVisibleTo(tab)
    assert not any("Status unknown" in line for line in page.deadline_strip.lines())
    assert "Saved" in tab.status.text()


def test_checked_no_permission_from_the_strip_saves_through_the_history_tab(
    qtbot, page, store, asked
):
    cid = add(store, "Lapsed Client", LAPSED)
    open_client(qtbot, page, cid)
    strip = page.deadline_strip
    with qtbot.waitSignal(page.deadlines_ready, timeout=15_000):
        strip.check_button.setFocus()
        qtbot.keyClick(strip.check_button, Qt.Key.Key_Space)
    with store.read_session() as s:
        assert load_history(s, cid).status_checks == (StatusCheck(TODAY, "no_permission"),)
    assert not strip.attention_lines()
    assert not strip.check_button.isVisibleTo(page)


def test_cancelling_the_check_saves_nothing(qtbot, page, store, monkeypatch):
    cid = add(store, "Lapsed Client", LAPSED)
    tab = open_client(qtbot, page, cid)
    monkeypatch.setattr(form_feedback, "confirm", lambda *a, **k: False)
    assert tab.check_no_permission() == []
    with store.read_session() as s:
        assert load_history(s, cid).status_checks == ()


def test_a_check_dated_after_today_is_refused_by_the_rules(qtbot, page, store):
    cid = add(store, "Lapsed Client", LAPSED)
    tab = open_client(qtbot, page, cid)
    problems = tab.record_status_check(StatusCheck(date(2026, 12, 7)))
    assert problems and "in the future" in problems[0]
    assert "2026-12-07" not in problems[0] and "7 December 2026" in problems[0]
    with store.read_session() as s:
        assert load_history(s, cid).status_checks == ()


def test_the_residence_tab_verdict_is_an_attention_line(qtbot, page, store):
    cid = add(store, "Lapsed Client", LAPSED)
    open_client(qtbot, page, cid)
    residence = page.residence_tab
    qtbot.waitUntil(lambda: residence.timeline() is not None, timeout=15_000)
    assert residence.verdict.property("verdictState") == ATTENTION
    assert residence.verdict.text().startswith("⚠ Long residence: eligible on 1 Feb 2027 only if")
    assert residence.verdict.accessibleDescription().startswith("Attention: ")


def test_the_client_list_badges_a_lapsed_client_from_the_boards_data(qtbot):
    from desktop.board import BoardData, ClientEntry, deadlines_for
    from desktop.store.search import ClientIndex, ClientSummary
    from desktop.ui.client_list import BadgeRole, ClientListModel

    entry = ClientEntry(7, "Lapsed Client", "Sam", deadlines_for(LAPSED, TODAY))
    badges = BoardData.from_entries(TODAY, [entry]).badges()
    index = ClientIndex([ClientSummary(7, "Lapsed Client")])
    model = ClientListModel()
    model.set_index(index)
    model.set_badges(badges)
    row = model.index(0, 0)
    assert row.data(BadgeRole) == "check status"
    assert row.data(Qt.ItemDataRole.AccessibleTextRole) == (
        "Lapsed Client, needs attention: Permission ended 19 October 2026 - nothing recorded since"
    )
    assert row.data(Qt.ItemDataRole.ToolTipRole) == (
        "Needs attention: Permission ended 19 Oct 2026 - nothing recorded since"
    )
