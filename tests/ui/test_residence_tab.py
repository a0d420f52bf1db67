"""The Residence tab: calendar, timeline and chart for the client, wired to the History tab."""

from datetime import date

import pytest
from pypdf import PdfReader

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
