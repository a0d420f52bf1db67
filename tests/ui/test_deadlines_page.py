"""The deadlines board page: order, colours, filters, opening a client, clearing on lock; and
the feed that builds its data off the UI thread."""

from datetime import date, timedelta

import pytest
from PySide6.QtCore import Qt, QThreadPool
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QLabel

from desktop.board import BoardData, ClientEntry, Item
from desktop.status_style import DEADLINE_MARK
from desktop.store import repository
from desktop.store.repository import ClientDetails
from desktop.ui.board_feed import BoardFeed
from desktop.ui.deadlines_page import COLUMNS, EMPTY, ClientIdRole, DeadlinesPage, StatusRole
from tests.rules.helpers import app, history, perm

DAY = date(2026, 11, 20)
APPEAL = "Last day to appeal to the First-tier Tribunal: 14 days after the refusal was sent."


def entry(cid, name, adviser, *items):
    return ClientEntry(cid, name, adviser, tuple(items))


def item(days, what, kind, rule="rule", nwd=None, status=None):
    status = status or ("passed" if days < 0 else "upcoming")
    return Item(DAY + timedelta(days=days), what, rule, nwd, kind, status)


@pytest.fixture
def data():
    return BoardData.from_entries(
        DAY,
        [
            entry(1, "Zara Later", "Asha Adviser", item(9, APPEAL, "appeal", "r.19(2)")),
            entry(
                2,
                "Yusuf Overdue",
                "Ben Caseworker",
                item(
                    -3,
                    "Permission ends (Student, permissions[0]). Apply before",
                    "apply_before_expiry",
                ),
                item(
                    -400,
                    "Permission ends (Visitor, permissions[1]). Long ago",
                    "apply_before_expiry",
                ),
            ),
            entry(
                3,
                "Xena Today",
                "Asha Adviser",
                item(0, "Make the full application", "fee_waiver_followup"),
            ),
        ],
    )


@pytest.fixture
def page(qtbot, data):
    widget = DeadlinesPage()
    qtbot.addWidget(widget)
    widget.resize(1300, 600)
    widget.show()
    widget.set_data(data)
    return widget


def names(page):
    model = page.model
    return [model.index(r, 2).data() for r in range(model.rowCount())]


def test_rows_in_date_order_with_every_column(page):
    assert names(page) == ["Yusuf Overdue", "Xena Today", "Zara Later"]
    headers = [page.model.headerData(c, Qt.Orientation.Horizontal) for c in range(len(COLUMNS))]
    assert headers == ["Date", "Status", "Client", "Deadline", "Kind", "Rule", "Adviser"]
    last = [page.model.index(2, c).data() for c in range(len(COLUMNS))]
    assert last == [
        "Sun 29 Nov 2026",
        "In 9 days",
        "Zara Later",
        APPEAL,
        "Appeal",
        "r.19(2)",
        "Asha Adviser",
    ]
    assert page.shown.text() == "Showing 3 of 4 deadlines"
    assert page.counts.text().startswith(
        "0 need attention  ·  1 overdue  ·  1 today  ·  1 in the next 14 days"
    )


def test_overdue_rows_are_red_and_say_so_today_is_bold(page):
    model = page.model
    overdue = model.index(0, 1)
    assert overdue.data(StatusRole) == "overdue"
    assert overdue.data() == "Overdue: 3 days ago"
    for column in range(len(COLUMNS)):
        brush = model.index(0, column).data(Qt.ItemDataRole.ForegroundRole)
        assert brush.color() == QColor(DEADLINE_MARK)
    today = model.index(1, 0)
    assert today.data(StatusRole) == "today" and model.index(1, 1).data() == "Today"
    assert today.data(Qt.ItemDataRole.FontRole).bold()
    assert model.index(1, 0).data(Qt.ItemDataRole.ForegroundRole) is None
    assert model.index(2, 0).data(Qt.ItemDataRole.ForegroundRole) is None
    assert "Zara Later" in model.index(2, 3).data(Qt.ItemDataRole.ToolTipRole)


def test_filter_by_adviser_kind_and_text(qtbot, page):
    adviser = page.adviser_filter
    assert [adviser.itemText(i) for i in range(adviser.count())] == [
        "All advisers",
        "Asha Adviser",
        "Ben Caseworker",
    ]
    adviser.setCurrentIndex(adviser.findData("Asha Adviser"))
    assert names(page) == ["Xena Today", "Zara Later"]
    page.kind_filter.setCurrentIndex(page.kind_filter.findData("appeal"))
    assert names(page) == ["Zara Later"]
    adviser.setCurrentIndex(0)
    page.kind_filter.setCurrentIndex(page.kind_filter.findData("apply_before_expiry"))
    assert names(page) == ["Yusuf Overdue"]
    page.kind_filter.setCurrentIndex(0)
    qtbot.keyClicks(page.text_filter, "xena")
    assert names(page) == ["Xena Today"]
    page.text_filter.clear()
    page.kind_filter.setCurrentIndex(page.kind_filter.findData("sar_answer"))
    assert names(page) == [] and page.shown.text() == "No deadlines match the filters."


def test_show_older_passed_and_the_overdue_window(page):
    assert len(names(page)) == 3
    page.show_passed.setChecked(True)
    assert names(page) == ["Yusuf Overdue", "Yusuf Overdue", "Xena Today", "Zara Later"]
    old = page.model.index(0, 1)
    assert old.data() == "Passed 400 days ago" and old.data(StatusRole) == "passed"
    assert old.data(Qt.ItemDataRole.FontRole).italic()
    page.show_passed.setChecked(False)
    page.overdue_days.setValue(2)  # three days late is now past the window
    assert names(page) == ["Xena Today", "Zara Later"]


def test_open_client_by_enter_double_click_and_button(qtbot, page):
    page.table.setFocus()
    page.table.selectRow(2)
    assert page.open_button.isEnabled()
    assert "Zara Later" in page.detail.text()
    with qtbot.waitSignal(page.open_client) as blocker:
        qtbot.keyClick(page.table, Qt.Key.Key_Return)
    assert blocker.args == [1]
    page.table.selectRow(0)
    with qtbot.waitSignal(page.open_client) as blocker:
        qtbot.mouseClick(page.open_button, Qt.MouseButton.LeftButton)
    assert blocker.args == [2]
    where = page.table.visualRect(page.model.index(1, 2)).center()
    viewport = page.table.viewport()
    with qtbot.waitSignal(page.open_client) as blocker:
        qtbot.mouseClick(viewport, Qt.MouseButton.LeftButton, pos=where)
        qtbot.mouseDClick(viewport, Qt.MouseButton.LeftButton, pos=where)
    assert blocker.args == [3]
    assert page.model.index(1, 0).data(ClientIdRole) == 3


def test_the_line_under_the_table_gives_the_whole_deadline(page):
    page.table.selectRow(0)
    assert page.detail.text() == (
        "17 November 2026, Yusuf Overdue (Ben Caseworker): Permission ends (Student, "
        "permissions[0]). Apply before. Rule: rule."
    )
    page.table.selectRow(2)
    assert page.detail.text().endswith("refusal was sent. Rule: r.19(2).")


def test_the_row_picked_stays_picked_when_the_data_changes(page, data):
    page.table.selectRow(2)
    newer = data.with_client(
        4, entry(4, "Walter Sooner", "Ben Caseworker", item(1, APPEAL, "appeal"))
    )
    page.set_data(newer)
    assert names(page) == ["Yusuf Overdue", "Xena Today", "Walter Sooner", "Zara Later"]
    assert page.selected_row().client_name == "Zara Later"


def test_escape_asks_to_go_back(qtbot, page):
    page.table.setFocus()
    with qtbot.waitSignal(page.close_requested):
        qtbot.keyClick(page.table, Qt.Key.Key_Escape)


def test_clear_leaves_nothing_of_any_client(page):
    page.table.selectRow(0)
    page.text_filter.setText("yusuf")
    page.clear()
    assert page.model.rowCount() == 0
    assert page.adviser_filter.count() == 1 and page.text_filter.text() == ""
    shown = " ".join(label.text() for label in page.findChildren(QLabel))
    for name in ("Zara", "Yusuf", "Xena", "Asha", "Ben Caseworker"):
        assert name not in shown
    assert page.message.text() == EMPTY
    assert not page.open_button.isEnabled()


def test_progress_shows_while_building(page):
    page.set_progress(40, "Working out deadlines: 4,000 of 10,000")
    assert page.progress_bar.isVisible() and page.progress_bar.value() == 40
    assert not page.refresh_button.isEnabled()
    page.set_progress(100, "")
    assert not page.progress_bar.isVisible() and page.refresh_button.isEnabled()


def test_a_problem_row_is_red_and_says_to_check_the_history(qtbot):
    widget = DeadlinesPage()
    qtbot.addWidget(widget)
    widget.set_data(BoardData.from_entries(DAY, [ClientEntry(9, "Pat Problem", "A", None)]))
    index = widget.model.index(0, 1)
    assert index.data() == "Check the history"
    assert index.data(Qt.ItemDataRole.ForegroundRole).color() == QColor(DEADLINE_MARK)
    assert "could not be worked out" in widget.message.text()


# ---- the feed ----------------------------------------------------------------------------------


def add_refused(store, name, decided):
    with store.session() as s:
        cid = repository.create_client(s, ClientDetails(full_name=name), "Asha Adviser")
        h = history(
            [perm("immigration_bail", "2025-01-10", "2027-01-09")],
            [app("asylum", "2025-01-10", decided, "refused")],
        )
        repository.save_history(s, cid, h, "Asha Adviser")
    return cid


def idle(qtbot):
    qtbot.waitUntil(lambda: QThreadPool.globalInstance().activeThreadCount() == 0, timeout=10_000)


def test_feed_builds_off_the_ui_thread_and_refreshes_one_client(qtbot, store):
    cid = add_refused(store, "Amina Appeal", "2026-11-10")
    parent = DeadlinesPage()
    qtbot.addWidget(parent)
    feed = BoardFeed(parent)
    seen = []
    feed.data_changed.connect(seen.append)
    progress = []
    feed.progress.connect(lambda pct, msg: progress.append(pct))
    feed.start(store, lambda: DAY)
    qtbot.waitUntil(lambda: feed.data is not None, timeout=10_000)
    assert feed.data.badges()[cid].days == 4
    assert progress[0] == 0 and progress[-1] == 100
    # The appeal is lodged and saved: the feed works out that client again.
    with store.session() as s:
        from dataclasses import replace

        h = repository.load_history(s, cid)
        lodged = replace(h.applications[0], appeal_lodged=date(2026, 11, 15))
        repository.save_history(s, cid, replace(h, applications=(lodged,)), "Ben Caseworker")
    before = len(seen)
    feed.client_changed(cid)
    qtbot.waitUntil(lambda: len(seen) > before, timeout=10_000)
    assert cid not in feed.data.badges()
    assert {r.adviser for r in feed.data.rows} == {"Ben Caseworker"}
    idle(qtbot)
    feed.close()


def test_feed_drops_a_build_that_finishes_after_lock(qtbot, store):
    add_refused(store, "Amina Appeal", "2026-11-10")
    parent = DeadlinesPage()
    qtbot.addWidget(parent)
    feed = BoardFeed(parent)
    seen = []
    feed.data_changed.connect(seen.append)
    feed.start(store, lambda: DAY)
    feed.stop()  # locked before the build is in
    idle(qtbot)
    qtbot.wait(50)  # let the queued result arrive
    assert feed.data is None
    assert all(d is None for d in seen)
    assert feed.board.cached_clients() == 0
    feed.close()


def test_feed_runs_one_build_at_a_time_and_catches_up(qtbot, store):
    import threading

    add_refused(store, "Amina Appeal", "2026-11-10")
    parent = DeadlinesPage()
    qtbot.addWidget(parent)
    feed = BoardFeed(parent)
    gate, calls = threading.Event(), []
    real = feed.board.build

    def gated(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            gate.wait(5)
        return real(*args, **kwargs)

    feed.board.build = gated
    try:
        feed.start(store, lambda: DAY)
        later = add_refused(store, "Bola Later", "2026-11-12")  # saved while it builds
        feed.rebuild()  # asked for again: waits for the first
        qtbot.waitUntil(lambda: len(calls) == 1, timeout=5_000)
        qtbot.wait(100)
        assert len(calls) == 1 and feed.is_building()
    finally:
        gate.set()
    qtbot.waitUntil(lambda: len(calls) == 2 and not feed.is_building(), timeout=10_000)
    assert later in feed.data.clients
    assert feed.data.badges()[later].days == 6
    idle(qtbot)
    feed.close()


# ---- issue 16: attention rows --------------------------------------------------------------


def test_an_attention_row_is_red_bold_says_so_and_never_ages_out(qtbot):
    widget = DeadlinesPage()
    qtbot.addWidget(widget)
    lapsed = item(
        -5000,
        f"Permission ended on {(DAY - timedelta(days=5000)).isoformat()} and nothing is "
        "recorded since: check the client's status now",
        "status_unknown",
        "SUI 13.1",
        status="attention",
    )
    widget.set_data(BoardData.from_entries(DAY, [entry(5, "Vic Vanished", "A", lapsed)]))
    widget.overdue_days.setValue(0)
    assert widget.model.rowCount() == 1  # whatever the overdue window
    status = widget.model.index(0, 1)
    assert status.data() == "Needs attention now" and status.data(StatusRole) == "attention"
    assert status.data(Qt.ItemDataRole.ForegroundRole).color() == QColor(DEADLINE_MARK)
    assert status.data(Qt.ItemDataRole.FontRole).bold()
    assert widget.model.index(0, 3).data() == (
        "Permission ended 13 Mar 2013 - nothing recorded since"
    )
    assert widget.model.index(0, 4).data() == "Status unknown"
    assert widget.counts.text().startswith("1 need attention")
    widget.table.selectRow(0)
    detail = widget.detail.text()
    assert "13 March 2013" in detail and "2013-03-13" not in detail
    assert "until the record is completed" in detail


def test_a_casework_attention_row_says_where_it_is_done(qtbot):
    """Issue 22: the detail line of a casework attention item (a complaint not acknowledged)
    points to the Casework tab, not to completing the history."""
    widget = DeadlinesPage()
    qtbot.addWidget(widget)
    complaint = item(
        -3,
        "A complaint received on 2026-11-17 has not been acknowledged in writing",
        "complaint",
        "OISC Code of Standards 2016 code 79",
        status="attention",
    )
    widget.set_data(BoardData.from_entries(DAY, [entry(6, "Una Unheard", "A", complaint)]))
    widget.table.selectRow(0)
    detail = widget.detail.text()
    assert "Casework tab" in detail and "until the record is completed" not in detail
    assert "17 November 2026" in detail


def test_the_kind_filter_offers_the_engines_kinds():
    from desktop.rules.deadlines import DEADLINE_KINDS

    widget = DeadlinesPage()
    combo = widget.kind_filter
    # 0: every kind; 1: the casework reminders together (issue 22); then each kind.
    assert combo.itemData(1) == "group:casework"
    assert [combo.itemData(i) for i in range(2, combo.count())] == list(DEADLINE_KINDS)
    assert [combo.itemText(i) for i in range(2, combo.count())] == list(DEADLINE_KINDS.values())
    widget.deleteLater()
