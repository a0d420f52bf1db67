"""The record dialog checks each field and the record against the whole history, in place."""

from datetime import date

import pytest

from desktop.rules.history import Absence, Application, Custody, History, Permission
from desktop.store.repository import HouseholdEntry
from desktop.ui.record_dialog import RecordDialog
from desktop.ui.widgets.form_feedback import is_marked_invalid

TODAY = date(2024, 6, 1)
HISTORY = History(
    permissions=(Permission("skilled_worker", date(2016, 9, 1), date(2021, 8, 31)),),
    absences=(Absence(date(2020, 1, 10), date(2020, 2, 1), "visit family"),),
)


def dialog(qtbot, kind, **kwargs):
    kwargs.setdefault("today", TODAY)
    dlg = RecordDialog(kind, **kwargs)
    qtbot.addWidget(dlg)
    return dlg


def fill(dlg, **values):
    for name, text in values.items():
        widget = dlg.widgets[name]
        if hasattr(widget, "setChecked"):
            widget.setChecked(text)
        elif hasattr(widget, "findData") and not widget.isEditable():
            widget.setCurrentIndex(widget.findData(text))
        elif hasattr(widget, "setEditText"):
            widget.setEditText(text)
        else:
            widget.setText(text)


def test_impossible_date_is_shown_next_to_the_field_and_ok_is_refused(qtbot):
    dlg = dialog(qtbot, "absence", history=HISTORY)
    fill(dlg, left="31/02/2023", returned="10/03/2023")
    dlg.accept()
    assert dlg.result() == 0 and not dlg.isVisible()
    assert "'31/02/2023' is not a real date" in dlg.problems()["left"]
    assert is_marked_invalid(dlg.widgets["left"])
    assert "is not a real date" in dlg.widgets["left"].accessibleDescription()
    assert any("not a real date" in m for m in dlg.errors.messages())
    assert dlg.record() is None


def test_return_before_departure_names_both_dates(qtbot):
    dlg = dialog(qtbot, "absence", history=HISTORY)
    fill(dlg, left="05/03/2020", returned="03/03/2020")
    dlg.accept()
    assert dlg.problems()["returned"] == (
        "The return date 3 March 2020 is before the departure date 5 March 2020."
    )
    assert is_marked_invalid(dlg.widgets["returned"])


def test_overlapping_absence_is_caught_against_the_history(qtbot):
    dlg = dialog(qtbot, "absence", history=HISTORY)
    fill(dlg, left="20/01/2020", returned="25/01/2020")
    dlg.accept()
    message = dlg.problems()["left"]
    assert "overlaps the trip 10 January 2020 to 1 February 2020" in message
    assert "absences[" not in message
    assert dlg.record() is None


def test_overlap_is_reported_on_an_earlier_trip_too(qtbot):
    # validate_history puts the overlap on the later trip; the edited earlier one still shows it.
    dlg = dialog(qtbot, "absence", history=HISTORY)
    fill(dlg, left="01/01/2020", returned="15/01/2020")
    dlg.accept()
    assert "overlaps the trip 10 January 2020" in dlg.problems()["returned"]


def test_a_trip_may_leave_on_the_day_the_last_one_returned(qtbot):
    dlg = dialog(qtbot, "absence", history=HISTORY)
    fill(dlg, left="01/02/2020", returned="04/02/2020")
    assert dlg.problems() == {}
    assert dlg.record() == Absence(date(2020, 2, 1), date(2020, 2, 4))
    assert "2 whole days outside the UK" in dlg.hint.text()


def test_editing_a_trip_does_not_clash_with_itself(qtbot):
    dlg = dialog(qtbot, "absence", record=HISTORY.absences[0], history=HISTORY, index=0)
    fill(dlg, returned="02/02/2020")
    assert dlg.problems() == {}
    assert dlg.record().returned == date(2020, 2, 2)


def test_overlapping_permission_is_caught(qtbot):
    dlg = dialog(qtbot, "permission", history=HISTORY)
    fill(dlg, category="partner_5y", start="01/06/2021", end="01/06/2023")
    dlg.accept()
    message = dlg.problems()["start"]
    assert "still running" in message and "31 May 2021" in message
    assert is_marked_invalid(dlg.widgets["start"])


def test_permission_end_is_needed_unless_indefinite(qtbot):
    dlg = dialog(qtbot, "permission", history=HISTORY)
    fill(dlg, category="student", start="01/09/2021")
    dlg.accept()
    assert dlg.problems()["end"] == "This permission needs an end date."
    fill(dlg, category="ilr")
    assert not dlg.widgets["end"].isEnabled()
    assert dlg.problems() == {}
    assert dlg.record() == Permission("ilr", date(2021, 9, 1), None)


def test_permission_to_before_from(qtbot):
    dlg = dialog(qtbot, "permission")
    fill(dlg, category="student", start="01/09/2021", end="31/08/2021")
    dlg.accept()
    assert (
        dlg.problems()["end"]
        == "The end date 31 August 2021 is before the start date 1 September 2021."
    )


@pytest.mark.parametrize("field", ["made", "decided", "appeal_lodged"])
def test_application_dates_cannot_be_in_the_future(qtbot, field):
    dlg = dialog(qtbot, "application")
    values = {"made": "01/01/2024"}
    values[field] = "02/06/2024"
    fill(dlg, **values)
    dlg.accept()
    assert "is in the future; today is 1 June 2024" in dlg.problems()[field]


def test_granted_on_cannot_be_in_the_future(qtbot):
    dlg = dialog(qtbot, "permission")
    fill(dlg, category="student", start="01/09/2024", end="31/08/2025", granted_on="15/06/2024")
    dlg.accept()
    assert dlg.problems()["granted_on"] == (
        "The grant date 15 June 2024 is in the future; today is 1 June 2024."
    )


def test_past_trip_cannot_be_in_the_future_and_planned_trip_must_be(qtbot):
    dlg = dialog(qtbot, "absence")
    fill(dlg, left="10/07/2024", returned="20/07/2024")
    dlg.accept()
    assert "mark the trip as planned" in dlg.problems()["left"]
    fill(dlg, planned=True)
    assert dlg.problems() == {}
    assert dlg.record().planned
    fill(dlg, left="10/01/2024", returned="20/01/2024")
    assert "A planned trip starts after today (1 June 2024)" in dlg.problems()["left"]


def test_application_needs_a_date_made_or_a_fee_waiver_request(qtbot):
    dlg = dialog(qtbot, "application")
    dlg.accept()
    assert dlg.problems()["made"] == (
        "Give the date the application was made (or the fee waiver request date)."
    )
    fill(dlg, fee_waiver_requested="01/02/2024", late_reason_accepted=True, outcome="granted")
    assert dlg.problems() == {}
    record = dlg.record()
    assert record == Application(
        "initial",
        None,
        outcome="granted",
        late_reason_accepted=True,
        fee_waiver_requested=date(2024, 2, 1),
    )


def test_custody_release_before_start(qtbot):
    dlg = dialog(qtbot, "custody")
    fill(dlg, start="01/05/2018", end="01/04/2018")
    dlg.accept()
    assert (
        "The release date 1 April 2018 is before the start date 1 May 2018."
        == dlg.problems()["end"]
    )
    fill(dlg, end="01/06/2018")
    assert dlg.record() == Custody(date(2018, 5, 1), date(2018, 6, 1))


def test_errors_are_not_shown_before_a_field_is_left(qtbot):
    dlg = dialog(qtbot, "absence")
    fill(dlg, left="05/03/2020", returned="03/03/2020")
    assert "returned" in dlg.problems()
    assert not is_marked_invalid(dlg.widgets["returned"])  # still typing: calm
    dlg.widgets["returned"].editingFinished.emit()
    assert is_marked_invalid(dlg.widgets["returned"])


def test_household_member_needs_a_name_and_a_real_client_number(qtbot):
    dlg = dialog(qtbot, "household", lookup_client=lambda cid: "Known Person" if cid == 7 else None)
    fill(dlg, member_client_id="8", date_of_birth="01/01/2030")
    dlg.accept()
    problems = dlg.problems()
    assert problems["name"] == "Name is needed."
    assert problems["member_client_id"] == "There is no client number 8."
    assert "is in the future" in problems["date_of_birth"]
    fill(
        dlg,
        name="Bilal",
        relationship_to_client="Child",
        date_of_birth="02/03/2015",
        member_client_id="7",
    )
    assert dlg.problems() == {}
    assert "Known Person" in dlg.hint.text()
    assert dlg.record() == HouseholdEntry("Bilal", "Child", date(2015, 3, 2), 7)


def test_every_field_has_an_accessible_name(qtbot):
    for kind in ("permission", "application", "absence", "custody", "status_check", "household"):
        dlg = dialog(qtbot, kind)
        for name, widget in dlg.widgets.items():
            assert widget.accessibleName(), f"{kind}.{name} has no accessible name"


# ---- the appeal deadline a refusal letter gives ------------------------------------------------


def test_appeal_deadline_field_is_labelled_and_named(qtbot):
    dlg = dialog(qtbot, "application")
    widget = dlg.widgets["appeal_by"]
    assert dlg.labels["appeal_by"].text() == (
        "Appeal deadline &given in the letter (if later than the usual time limit)"
    )
    assert dlg.labels["appeal_by"].buddy() is widget
    assert widget.accessibleName() == "Appeal deadline"
    # It sits with the appeal fields, before the appeal was lodged.
    names = list(dlg.widgets)
    at = names.index("appeal_by")
    assert names[at : at + 4] == ["appeal_by", "appeal_lodged", "appeal_decided", "appeal_outcome"]


def test_appeal_deadline_is_set_and_read(qtbot):
    dlg = dialog(qtbot, "application")
    fill(dlg, made="20/08/2016", decided="01/12/2016", outcome="refused", appeal_by="29/12/2016")
    dlg.accept()
    assert dlg.problems() == {}
    assert dlg.result() == 1
    assert dlg.record() == Application(
        "initial", date(2016, 8, 20), date(2016, 12, 1), "refused", appeal_by=date(2016, 12, 29)
    )


def test_appeal_deadline_may_be_in_the_future(qtbot):
    dlg = dialog(qtbot, "application")
    fill(dlg, made="20/01/2024", decided="28/05/2024", outcome="refused", appeal_by="20/06/2024")
    assert dlg.problems() == {}
    assert dlg.record().appeal_by == date(2024, 6, 20)


def test_editing_shows_the_appeal_deadline_and_keeps_it(qtbot):
    record = Application(
        "asylum", date(2021, 3, 1), date(2022, 6, 10), "refused", appeal_by=date(2022, 7, 8)
    )
    history = History(applications=(record,))
    dlg = dialog(qtbot, "application", record=record, history=history, index=0)
    assert dlg.widgets["appeal_by"].text() == "8 Jul 2022"
    assert dlg.problems() == {}
    assert dlg.record() == record
    fill(dlg, appeal_by="")
    assert dlg.record() == Application("asylum", date(2021, 3, 1), date(2022, 6, 10), "refused")


def test_appeal_deadline_before_the_decision_is_refused(qtbot):
    dlg = dialog(qtbot, "application")
    fill(dlg, made="20/08/2016", decided="01/12/2016", outcome="refused", appeal_by="30/11/2016")
    dlg.accept()
    assert dlg.result() == 0
    assert dlg.problems()["appeal_by"] == (
        "The appeal deadline 30 November 2016 is before the decision date 1 December 2016."
    )
    assert is_marked_invalid(dlg.widgets["appeal_by"])
    assert dlg.record() is None


@pytest.mark.parametrize("outcome", ["granted", "withdrawn", None])
def test_appeal_deadline_is_only_for_refused_applications(qtbot, outcome):
    dlg = dialog(qtbot, "application")
    fill(dlg, made="20/08/2016", decided="01/12/2016", outcome=outcome, appeal_by="29/12/2016")
    dlg.accept()
    assert dlg.result() == 0
    assert dlg.problems() == {
        "appeal_by": "The appeal deadline is only for refused applications; set the outcome to "
        "refused, or leave the appeal deadline empty."
    }
    assert is_marked_invalid(dlg.widgets["appeal_by"])
    assert dlg.record() is None
    fill(dlg, outcome="refused")
    assert dlg.problems() == {}


# ---- dates outside the years 1900 to 2100 ------------------------------------------------------

OUT_OF_RANGE_CASES = [
    # Fields that may be in the future: validate_history's range check refuses them.
    (
        "permission",
        {"category": "student", "start": "01/09/2024", "end": "31/08/2201"},
        "end",
        "The date 31 August 2201 is outside the years 1900 to 2100.",
    ),
    (
        "application",
        {
            "made": "20/01/2024",
            "decided": "28/05/2024",
            "outcome": "refused",
            "appeal_by": "20/06/2101",
        },
        "appeal_by",
        "The date 20 June 2101 is outside the years 1900 to 2100.",
    ),
    (
        "absence",
        {"left": "10/07/2024", "returned": "20/07/2124", "planned": True},
        "returned",
        "The date 20 July 2124 is outside the years 1900 to 2100.",
    ),
    (
        "custody",
        {"start": "01/05/2018", "end": "01/05/2118"},
        "end",
        "The date 1 May 2118 is outside the years 1900 to 2100.",
    ),
    # A three-digit year typed in full form: the field's own check says so first.
    (
        "absence",
        {"left": "0201-05-01", "returned": "10/05/2020"},
        "left",
        "The date 1 May 201 is outside the years 1900 to 2100.",
    ),
]


@pytest.mark.parametrize("kind, values, field, message", OUT_OF_RANGE_CASES)
def test_dates_outside_1900_to_2100_are_refused_in_place(qtbot, kind, values, field, message):
    dlg = dialog(qtbot, kind)
    fill(dlg, **values)
    dlg.accept()
    assert dlg.result() == 0  # not accepted: the history tab saves nothing
    assert dlg.problems()[field] == message
    assert is_marked_invalid(dlg.widgets[field])
    assert dlg.widgets[field].accessibleDescription() == message
    assert message in dlg.errors.messages()
    assert dlg.record() is None


def test_last_day_of_2100_is_accepted(qtbot):
    dlg = dialog(qtbot, "permission")
    fill(dlg, category="student", start="01/09/2024", end="31/12/2100")
    assert dlg.problems() == {}
    assert dlg.record().end == date(2100, 12, 31)


# ---- issue 16: remedies and reviews, checked by the rules; problems read as data ---------------


def test_the_remedy_review_detention_and_late_appeal_fields_are_there_and_named(qtbot):
    dlg = dialog(qtbot, "application")
    for name, accessible in (
        ("remedy", "Remedy"),
        ("detained", "Detained when the decision was made"),
        ("appeal_time_extended", "Late appeal admitted"),
        ("review_lodged", "Administrative review date"),
        ("review_decided", "Review decision date"),
        ("review_outcome", "Review outcome"),
    ):
        widget = dlg.widgets[name]
        assert dlg.labels[name].buddy() is widget
        assert widget.accessibleName() == accessible
    remedies = dlg.widgets["remedy"]
    assert [remedies.itemData(i) for i in range(remedies.count())] == [
        None,
        "appeal",
        "administrative_review",
        "none",
    ]


def test_an_administrative_review_is_recorded_whole(qtbot):
    dlg = dialog(qtbot, "application")
    fill(
        dlg,
        kind="extension",
        made="01/03/2024",
        decided="10/04/2024",
        outcome="refused",
        remedy="administrative_review",
        detained=True,
        review_lodged="15/04/2024",
        review_decided="20/05/2024",
        review_outcome="maintained",
    )
    assert dlg.problems() == {}
    assert dlg.record() == Application(
        "extension",
        date(2024, 3, 1),
        date(2024, 4, 10),
        "refused",
        remedy="administrative_review",
        review_lodged=date(2024, 4, 15),
        review_decided=date(2024, 5, 20),
        review_outcome="maintained",
        detained=True,
    )


def test_a_remedy_on_an_application_not_refused_is_refused_by_the_rules(qtbot):
    dlg = dialog(qtbot, "application")
    fill(dlg, made="01/03/2024", decided="10/04/2024", outcome="granted", remedy="appeal")
    dlg.accept()
    assert dlg.result() == 0
    assert dlg.problems() == {
        "remedy": "Appeal rights and administrative review are only for refused applications; "
        "set the outcome to refused, or leave this empty."
    }
    assert is_marked_invalid(dlg.widgets["remedy"])


def test_a_review_decided_before_it_was_asked_for_is_refused_by_the_rules(qtbot):
    dlg = dialog(qtbot, "application")
    fill(
        dlg,
        made="01/03/2024",
        decided="10/04/2024",
        outcome="refused",
        remedy="administrative_review",
        review_lodged="15/05/2024",
        review_decided="20/04/2024",
    )
    message = dlg.problems()["review_decided"]
    # The rules' own sentence, its dates written out (no ISO dates, no JSON path).
    assert message == (
        "The review decision date 20 April 2024 is before the date the review was asked for "
        "15 May 2024."
    )


def test_an_appeal_and_a_review_on_one_refusal_clash(qtbot):
    dlg = dialog(qtbot, "application")
    fill(
        dlg,
        made="01/03/2024",
        decided="10/04/2024",
        outcome="refused",
        appeal_lodged="15/04/2024",
        review_lodged="16/04/2024",
    )
    assert "not both" in dlg.problems()["review_lodged"]


def test_problems_are_placed_from_their_data_not_their_words(qtbot, monkeypatch):
    # An overlap the rules put on the later trip, with a message that names no record at all:
    # the earlier trip still shows it, found from `other`, not from the text.
    from desktop.rules.history import HistoryError
    from desktop.ui import record_dialog

    problem = HistoryError(
        "something overlaps",
        record="absences[1]",
        field="left",
        code="overlap",
        other=("absences", 0),
    )
    monkeypatch.setattr(record_dialog, "validate_history", lambda history, today=None: [problem])
    two = History(
        absences=(
            Absence(date(2020, 1, 10), date(2020, 2, 1)),
            Absence(date(2020, 1, 20), date(2020, 1, 25)),
        )
    )
    earlier = record_dialog.errors_for_record(two, "absence", 0, TODAY)
    assert list(earlier) == ["returned"]
    assert "overlaps the trip 20 January 2020 to 25 January 2020" in earlier["returned"]
    later = record_dialog.errors_for_record(two, "absence", 1, TODAY)
    assert list(later) == ["left"]
    assert "overlaps the trip 10 January 2020 to 1 February 2020" in later["left"]
    # A problem about another record of another kind is nobody's here.
    assert record_dialog.errors_for_record(two, "custody", 0, TODAY) == {}


def test_a_status_check_in_the_future_is_refused_by_the_rules(qtbot):
    dlg = dialog(qtbot, "status_check")
    fill(dlg, on="02/06/2024", outcome="no_permission")
    dlg.accept()
    assert dlg.result() == 0
    assert "in the future" in dlg.problems()["on"]
    fill(dlg, on="01/06/2024")
    assert dlg.problems() == {}
    from desktop.rules.history import StatusCheck

    assert dlg.record() == StatusCheck(date(2024, 6, 1), "no_permission")
