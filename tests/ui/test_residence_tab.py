"""The Residence tab: calendar, timeline and chart for the client, wired to the History tab."""

from datetime import date

import pytest
from pypdf import PdfReader
from PySide6.QtWidgets import QApplication

from desktop.rules.history import Absence, History, Permission
from desktop.store.repository import ClientDetails, create_client, load_history, save_history
from desktop.ui import print_report
from desktop.ui.client_page import ClientPage
from desktop.ui.widgets import form_feedback

TODAY = date(2024, 6, 1)
HISTORY = History(
    permissions=(
        Permission("student", date(2014, 9, 1), date(2016, 8, 31), date(2014, 8, 20)),
        Permission("skilled_worker", date(2016, 9, 1), date(2026, 8, 31)),
    ),
    absences=(Absence(date(2020, 1, 10), date(2020, 2, 1), "visit family"),),
)


@pytest.fixture(autouse=True)
def say_yes(monkeypatch):
    monkeypatch.setattr(form_feedback, "confirm", lambda *a, **k: True)


@pytest.fixture
def client_id(store):
    with store.session() as s:
        cid = create_client(
            s, ClientDetails(full_name="Amina Testcase", home_office_ref="A1234567"), "Setup"
        )
        save_history(s, cid, HISTORY, "Setup")
    return cid


@pytest.fixture
def page(qtbot, store, client_id):
    widget = ClientPage()
    qtbot.addWidget(widget)
    widget.set_context(store, "Sam Adviser", lambda: TODAY)
    with qtbot.waitSignal(widget.residence_tab.timeline_ready, timeout=10000):
        widget.show_client(client_id)
    return widget


def stored(store, client_id):
    with store.session() as s:
        return load_history(s, client_id)


def test_the_tab_shows_the_timeline_of_the_asked_route_with_its_verdict(page):
    tab = page.residence_tab
    timeline = tab.timeline()
    assert timeline is not None and timeline.route == "long_residence"
    assert tab.calendar.timeline is timeline
    assert tab.verdict.text().startswith("Long residence: not yet: earliest 4 Aug 2024")
    assert tab.timeline_view.items()  # permissions and the application drawn
    assert tab.save_button.isEnabled() and tab.print_button.isEnabled()


def test_changing_the_route_recomputes_the_calendar(qtbot, page):
    tab = page.residence_tab
    with qtbot.waitSignal(tab.timeline_ready, timeout=10000):
        tab.route.setCurrentIndex(tab.route.findData("settlement_skilled_worker"))
    assert tab.timeline().route == "settlement_skilled_worker"
    assert tab.verdict.text().startswith("Settlement on a work route")


def test_clicking_a_trip_on_the_calendar_selects_it_in_the_history_tab(page):
    tab = page.residence_tab
    tab.calendar.record_activated.emit("absences[0]")
    assert page.tabs.currentWidget() is page.history_tab
    assert page.history_tab.tables["absence"].current_row() == 0
    assert page.show_record("permissions[1]")
    assert page.history_tab.tables["permission"].current_row() == 1
    assert not page.show_record("absences[9]")


def test_dragging_past_days_opens_the_trip_dialog_filled_in(page, monkeypatch, store, client_id):
    seen = {}

    def accept(dialog):
        seen["record"] = dialog.record()
        return True

    monkeypatch.setattr(page.history_tab, "run_dialog", accept)
    page.residence_tab.calendar.range_dragged.emit(date(2023, 3, 1), date(2023, 3, 20))
    assert seen["record"] == Absence(date(2023, 3, 1), date(2023, 3, 20))
    assert Absence(date(2023, 3, 1), date(2023, 3, 20)) in stored(store, client_id).absences


def test_dragging_future_days_plans_a_trip_and_saves_it_as_planned(
    qtbot, page, monkeypatch, store, client_id
):
    tab = page.residence_tab
    seen = {}

    def accept(dialog):
        seen["dates"] = (dialog.left_field.date(), dialog.returned_field.date())
        return True

    monkeypatch.setattr(tab, "run_dialog", accept)
    with qtbot.waitSignal(tab.timeline_ready, timeout=10000):
        tab.calendar.range_dragged.emit(date(2024, 7, 1), date(2024, 7, 15))
    assert seen["dates"] == (date(2024, 7, 1), date(2024, 7, 15))
    planned = [a for a in stored(store, client_id).absences if a.planned]
    assert planned == [Absence(date(2024, 7, 1), date(2024, 7, 15), planned=True)]
    assert tab.status.text() == "Saved the planned trip."
    assert tab.timeline().at(date(2024, 7, 5)).status == "planned"


def test_clearing_shows_nothing_of_the_client_and_drops_a_late_result(qtbot, page):
    tab = page.residence_tab
    tab.refresh()  # a job in flight
    page.clear()
    assert tab.timeline() is None and tab.calendar.timeline is None
    assert tab.verdict.text() == "" and not tab.save_button.isEnabled()
    qtbot.wait(300)
    assert tab.timeline() is None and tab.verdict.text() == ""


def test_save_pdf_writes_the_report_where_the_user_chooses(qtbot, page, tmp_path, monkeypatch):
    target = tmp_path / "report.pdf"
    monkeypatch.setattr(
        print_report.QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), "")
    )
    names = []
    monkeypatch.setattr(print_report, "notify", lambda parent, text: names.append(text))
    page.residence_tab.save_pdf()
    qtbot.waitUntil(target.exists, timeout=15000)
    text = "".join(p.extract_text() for p in PdfReader(str(target)).pages)
    assert "Amina Testcase" in text and "Long residence" in text
    assert "This is not legal advice" in text


def test_planning_a_trip_keeps_the_route_the_adviser_chose(qtbot, page, monkeypatch):
    """Issue 19: after a planned trip was saved the tab jumped back to the route asked about."""
    tab = page.residence_tab
    with qtbot.waitSignal(tab.timeline_ready, timeout=10000):
        tab.route.setCurrentIndex(tab.route.findData("settlement_skilled_worker"))
    monkeypatch.setattr(tab, "run_dialog", lambda dialog: True)
    with qtbot.waitSignal(tab.timeline_ready, timeout=10000):
        tab.calendar.range_dragged.emit(date(2024, 7, 1), date(2024, 7, 15))
    assert tab.status.text() == "Saved the planned trip."
    assert tab.route_code() == "settlement_skilled_worker"
    assert tab.timeline().route == "settlement_skilled_worker"


def test_the_route_follows_a_changed_route_asked_about_and_another_client(
    qtbot, page, store, client_id
):
    tab = page.residence_tab
    with qtbot.waitSignal(tab.timeline_ready, timeout=10000):
        tab.route.setCurrentIndex(tab.route.findData("settlement_skilled_worker"))
    history_tab = page.history_tab
    history_tab.route.setCurrentIndex(history_tab.route.findData("naturalisation_6_1"))
    with qtbot.waitSignal(tab.timeline_ready, timeout=10000):
        assert history_tab.save_question() == []
    assert tab.route_code() == "naturalisation_6_1"
    with store.session() as s:
        other = create_client(s, ClientDetails(full_name="Bilal Testcase"), "Setup")
    with qtbot.waitSignal(tab.timeline_ready, timeout=10000):
        page.show_client(other)
    assert tab.route_code() == "long_residence"  # no route asked about: the default


def chart_holder(tab):
    return tab.views.widget(1)  # the scroll area holding the chart


@pytest.mark.parametrize("height", [640, 900])
def test_first_share_shows_the_whole_chart_and_a_year_when_there_is_room(qtbot, page, height):
    """Issue 19: the calendar showed 6-9 month rows and the chart its top third until an
    almost invisible splitter was dragged."""
    tab = page.residence_tab
    page.tabs.setCurrentWidget(tab)
    page.resize(900, height)
    page.show()
    qtbot.waitExposed(page)
    qtbot.waitUntil(lambda: tab.splitter.sizes()[1] > 0)
    tab.views.setCurrentIndex(1)
    holder = chart_holder(tab)
    # The whole chart: its pane is at least the chart's least height, no scrolling needed.
    assert holder.viewport().height() >= tab.chart.minimumHeight()
    assert holder.verticalScrollBar().maximum() == 0
    if height == 900:  # room for both: the calendar shows a whole year and its legend
        assert tab.calendar.height() >= tab.calendar.one_year_height(tab.calendar.width())


def test_the_splitter_handle_can_be_seen_and_named_and_a_drag_is_kept(qtbot, page):
    tab = page.residence_tab
    page.tabs.setCurrentWidget(tab)
    page.resize(900, 900)
    page.show()
    qtbot.waitExposed(page)
    handle = tab.splitter.handle(1)
    assert tab.splitter.handleWidth() >= 8
    assert "calendar" in handle.accessibleName() and handle.toolTip()
    image = handle.grab().toImage()
    middle = image.pixelColor(image.width() // 2, image.height() // 2)
    assert middle != handle.palette().window().color()  # the grip is drawn
    tab.splitter.moveSplitter(300, 1)  # as a drag does (emits splitterMoved)
    dragged = tab.splitter.sizes()
    assert dragged[0] < tab.calendar.one_year_height(tab.calendar.width())
    tab.share_height()  # as on a resize or a new show: the adviser's share stays
    assert tab.splitter.sizes() == dragged
    page.resize(900, 880)
    QApplication.processEvents()
    assert abs(tab.splitter.sizes()[0] - dragged[0]) <= 20  # only Qt's own share of 20 px
