"""Plan a trip: the answer as the dates are typed, the latest safe return, bad dates, accepting."""

import time
from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from desktop.assess import plan_trip_for
from desktop.rules.history import Absence
from desktop.ui.plan_trip_dialog import PlanTripDialog
from desktop.ui.widgets.dates import format_long
from desktop.ui.widgets.permission_timeline import uk_dates
from tests.rules.helpers import D, history, perm, trip

TODAY = D("2025-10-01")
ROUTE, ON = "settlement_skilled_worker", D("2026-09-01")
HISTORY = history(
    perms=[perm("skilled_worker", "2019-01-01", "2027-12-31")],
    absences=[trip("2024-12-01", "2025-01-10"), trip("2025-06-01", "2025-06-20")],
)


@pytest.fixture
def dialog(qtbot):
    dlg = PlanTripDialog(HISTORY, ROUTE, ON, TODAY)
    qtbot.addWidget(dlg)
    dlg.show()
    qtbot.waitExposed(dlg)
    return dlg


def type_dates(qtbot, dlg, left: str, returned: str) -> None:
    dlg.left_field.clear()
    dlg.returned_field.clear()
    qtbot.keyClicks(dlg.left_field, left)
    qtbot.keyClicks(dlg.returned_field, returned)


def wait_for_plan(qtbot, dlg):
    qtbot.waitUntil(lambda: dlg.plan() is not None, timeout=5000)
    return dlg.plan()


def test_typing_a_long_trip_shows_the_breach_over_by_and_latest_safe_return(qtbot, dialog):
    type_dates(qtbot, dialog, "05/01/2026", "01/08/2026")
    # Not worked out at every key: the answer comes once typing pauses.
    assert dialog.is_working()
    plan = wait_for_plan(qtbot, dialog)
    expected = plan_trip_for(HISTORY, ROUTE, ON, D("2026-01-05"), D("2026-08-01"), today=TODAY)
    assert plan == expected
    assert plan.breaks and plan.over_by > 0 and plan.latest_safe_return is not None
    assert dialog.headline.text() == f"Breaks {plan.rule}: {plan.over_by} days over the limit."
    assert dialog.sentence.text() == uk_dates(plan.sentence, long=True)
    assert "breaks CR 3.1" in dialog.sentence.text()
    assert format_long(plan.latest_safe_return) in dialog.safe_label.text()
    assert dialog.use_safe_button.isVisible() and dialog.use_safe_button.isEnabled()
    # Breaking a rule does not stop the adviser adding it (to show the client).
    assert dialog.ok_button.isEnabled()


def test_use_latest_safe_return_sets_the_field_and_the_trip_is_then_safe(qtbot, dialog):
    type_dates(qtbot, dialog, "05/01/2026", "01/08/2026")
    plan = wait_for_plan(qtbot, dialog)
    qtbot.mouseClick(dialog.use_safe_button, Qt.MouseButton.LeftButton)
    assert dialog.returned_field.date() == plan.latest_safe_return
    safe = wait_for_plan(qtbot, dialog)
    assert safe.returned == plan.latest_safe_return
    assert not safe.breaks
    assert dialog.headline.text() == "Within the absence rules."
    assert not dialog.use_safe_button.isEnabled()  # already the latest safe return


def test_a_short_trip_is_within_the_rules(qtbot, dialog):
    type_dates(qtbot, dialog, "1 Mar 2026", "15 Mar 2026")
    plan = wait_for_plan(qtbot, dialog)
    assert not plan.breaks
    assert dialog.headline.text() == "Within the absence rules."
    assert "13 whole days outside the UK" in dialog.days_hint.text()
    assert dialog.sentence.text() == uk_dates(plan.sentence, long=True)


def test_return_before_departure_is_shown_in_place_and_ok_is_disabled(qtbot, dialog):
    type_dates(qtbot, dialog, "01/06/2026", "20/05/2026")
    assert not dialog.ok_button.isEnabled()
    expected = "Return date (20 May 2026) is before the departure date (1 June 2026)."
    qtbot.waitUntil(lambda: dialog.errors.messages() == [expected], timeout=2000)
    assert dialog.returned_field.accessibleDescription() == expected
    assert dialog.plan() is None and dialog.absence() is None
    assert dialog.headline.text() == "Fix the dates above to see what the trip does."


def test_an_unreal_date_is_named_and_ok_is_disabled(qtbot, dialog):
    type_dates(qtbot, dialog, "31/02/2026", "20/05/2026")
    assert not dialog.ok_button.isEnabled()
    qtbot.waitUntil(lambda: bool(dialog.errors.messages()), timeout=2000)
    assert dialog.errors.messages() == ["Departure date: '31/02/2026' is not a real date."]


def test_a_planned_trip_starts_after_today_and_does_not_overlap_a_recorded_one(qtbot, dialog):
    type_dates(qtbot, dialog, "01/09/2025", "20/09/2025")
    qtbot.waitUntil(lambda: bool(dialog.errors.messages()), timeout=2000)
    assert "A planned trip starts after today (1 October 2025)" in dialog.errors.messages()[0]
    assert not dialog.ok_button.isEnabled()

    overlapping = history(
        perms=HISTORY.permissions,
        absences=[trip("2026-03-01", "2026-03-20", planned=True)],
    )
    dlg = PlanTripDialog(
        overlapping, ROUTE, ON, TODAY, left=D("2026-03-10"), returned=D("2026-04-01")
    )
    qtbot.addWidget(dlg)
    assert not dlg.ok_button.isEnabled()
    assert "overlaps the trip 1 March 2026 to 20 March 2026" in dlg.errors.messages()[0]


def test_accept_returns_a_planned_absence(qtbot, dialog):
    type_dates(qtbot, dialog, "01/03/2026", "15/03/2026")
    qtbot.keyClicks(dialog.reason_field, "Family wedding")
    assert dialog.absence() == Absence(
        D("2026-03-01"), D("2026-03-15"), "Family wedding", planned=True
    )
    qtbot.keyClick(dialog.returned_field, Qt.Key.Key_Return)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.absence().planned


def test_return_does_nothing_while_invalid_and_escape_cancels(qtbot, dialog):
    type_dates(qtbot, dialog, "01/03/2026", "")
    qtbot.keyClick(dialog.left_field, Qt.Key.Key_Return)
    assert dialog.isVisible() and dialog.result() != QDialog.DialogCode.Accepted
    qtbot.keyClick(dialog.left_field, Qt.Key.Key_Escape)
    assert dialog.result() == QDialog.DialogCode.Rejected
    assert not dialog.isVisible()


def test_prefilled_dates_are_checked_at_once(qtbot):
    dlg = PlanTripDialog(HISTORY, ROUTE, ON, TODAY, left=D("2026-02-01"), returned=D("2026-02-10"))
    qtbot.addWidget(dlg)
    assert dlg.left_field.date() == D("2026-02-01")
    plan = wait_for_plan(qtbot, dlg)
    assert (plan.left, plan.returned) == (D("2026-02-01"), D("2026-02-10"))
    assert dlg.ok_button.isEnabled()


def test_a_result_for_earlier_dates_is_dropped(qtbot, dialog, monkeypatch):
    import desktop.ui.plan_trip_dialog as module

    real = module._plan_work
    calls = []

    def slow_first(*args):
        calls.append(args[4])  # the return date asked about
        if len(calls) == 1:
            time.sleep(0.5)  # still working when the adviser changes the return date
        return real(*args)

    monkeypatch.setattr(module, "_plan_work", slow_first)
    type_dates(qtbot, dialog, "05/01/2026", "01/08/2026")
    qtbot.waitUntil(lambda: len(calls) == 1, timeout=2000)
    dialog.returned_field.setDate(date(2026, 1, 20))
    plan = wait_for_plan(qtbot, dialog)
    assert plan.returned == date(2026, 1, 20)
    qtbot.wait(700)  # the slow answer for 1 August has come back by now, and was dropped
    assert calls == [date(2026, 8, 1), date(2026, 1, 20)]
    assert dialog.plan().returned == date(2026, 1, 20)
    assert dialog.headline.text() == "Within the absence rules."


def test_routes_with_no_fixed_limit_say_so(qtbot):
    dlg = PlanTripDialog(
        HISTORY, "settlement_partner_5y", ON, TODAY, left=D("2026-01-05"), returned=D("2026-08-01")
    )
    qtbot.addWidget(dlg)
    plan = wait_for_plan(qtbot, dlg)
    assert plan.latest_safe_return is None
    assert dlg.headline.text().startswith("No fixed absence limit on this route")
    assert not dlg.use_safe_button.isVisible()


def test_every_control_has_an_accessible_name(dialog):
    for widget in (
        dialog,
        dialog.left_field,
        dialog.returned_field,
        dialog.reason_field,
        dialog.headline,
        dialog.sentence,
        dialog.safe_label,
        dialog.use_safe_button,
        dialog.ok_button,
        dialog.cancel_button,
        dialog.errors,
    ):
        assert widget.accessibleName(), widget
    assert dialog.labels["left"].buddy() is dialog.left_field
