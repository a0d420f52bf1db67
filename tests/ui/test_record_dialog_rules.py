"""The record dialog shows what the rules report (issue 19, "One copy of each rule"): its
messages for a history record are `validate_history`'s own, by field, with no second copy of the
checks in the dialog. And the permission form keeps the entry date of a permission granted from
abroad."""

from dataclasses import replace
from datetime import date

import pytest

from desktop.rules.history import (
    Absence,
    Application,
    Custody,
    History,
    Permission,
    StatusCheck,
    validate_history,
)
from desktop.ui.record_dialog import COLLECTIONS, RecordDialog, problem_sentence

TODAY = date(2024, 6, 1)
D = date.fromisoformat
HISTORY = History(
    permissions=(Permission("skilled_worker", D("2016-09-01"), D("2021-08-31")),),
    absences=(Absence(D("2020-01-10"), D("2020-02-01"), "visit family"),),
)
_ATTR = {"from": "start", "to": "end"}


def rules_say(history: History, kind: str, index: int) -> dict[str, str]:
    """What validate_history reports about record `index` of `kind`, by field, as the dialog
    writes a problem (`problem_sentence`: the rules' sentence without its JSON path)."""
    out: dict[str, str] = {}
    for problem in validate_history(history, today=TODAY):
        if problem.collection == COLLECTIONS[kind] and problem.index == index:
            out.setdefault(_ATTR.get(problem.field, problem.field), problem_sentence(problem))
    return out


BAD_RECORDS = [
    (
        "permission",
        # Ends before it starts; granted after today; entered before its first day.
        Permission(
            "student",
            D("2021-09-01"),
            D("2021-08-31"),
            D("2024-06-15"),
            entered_on=D("2021-08-01"),
        ),
    ),
    (
        "permission",
        Permission("skilled_worker", D("2022-01-01"), D("2023-01-01"), None, (), D("2023-02-01")),
    ),
    ("permission", Permission("ilr", D("2022-01-01"), None, entered_on=D("2024-07-01"))),
    (
        "application",
        Application("extension", None, D("2024-06-02"), "granted", appeal_decided=D("2024-05-01")),
    ),
    (
        "application",
        Application("initial", D("2024-05-01"), D("2024-04-01"), appeal_by=D("2024-05-20")),
    ),
    ("absence", Absence(D("2024-03-01"), D("2024-03-10"), planned=True)),
    ("absence", Absence(D("2024-05-20"), D("2024-06-10"))),
    ("absence", Absence(D("2023-05-05"), D("2023-05-03"))),
    ("custody", Custody(D("2024-07-01"), D("2024-06-20"))),
    ("status_check", StatusCheck(D("2024-06-05"))),
]


@pytest.mark.parametrize("kind, record", BAD_RECORDS)
def test_the_dialogs_messages_are_the_rules_messages(qtbot, kind, record):
    dlg = RecordDialog(kind, record=record, history=HISTORY, today=TODAY)
    qtbot.addWidget(dlg)
    collection = COLLECTIONS[kind]
    records = (*getattr(HISTORY, collection), record)
    would_be = replace(HISTORY, **{collection: records})
    expected = rules_say(would_be, kind, len(records) - 1)
    assert expected, "each of these records is one the rules refuse"
    assert dlg.problems() == expected
    assert dlg.record() is None


def test_a_record_the_rules_accept_has_no_message(qtbot):
    record = Permission("student", D("2021-09-01"), D("2023-01-31"), D("2021-07-01"))
    dlg = RecordDialog("permission", record=record, history=HISTORY, today=TODAY)
    qtbot.addWidget(dlg)
    assert dlg.problems() == {} and dlg.record() == record


# ---- the entry date ---------------------------------------------------------------------------


def test_the_permission_form_saves_the_entry_date(qtbot):
    dlg = RecordDialog("permission", history=HISTORY, today=TODAY)
    qtbot.addWidget(dlg)
    assert dlg.labels["entered_on"].buddy() is dlg.widgets["entered_on"]
    dlg.widgets["category"].setCurrentIndex(dlg.widgets["category"].findData("partner_5y"))
    dlg.widgets["start"].setText("01/10/2021")
    dlg.widgets["end"].setText("30/03/2024")
    dlg.widgets["entered_on"].setText("15/11/2021")
    dlg.accept()
    assert dlg.result() == 1
    assert dlg.record() == Permission(
        "partner_5y", D("2021-10-01"), D("2024-03-30"), entered_on=D("2021-11-15")
    )


def test_editing_shows_the_entry_date_and_keeps_it(qtbot):
    record = Permission(
        "skilled_worker", D("2022-01-01"), D("2024-12-31"), entered_on=D("2022-02-10")
    )
    history = History(permissions=(record,))
    dlg = RecordDialog("permission", record=record, history=history, index=0, today=TODAY)
    qtbot.addWidget(dlg)
    assert dlg.widgets["entered_on"].date() == D("2022-02-10")
    assert dlg.problems() == {}
    assert dlg.record() == record


def test_an_entry_date_before_the_start_is_the_rules_message_on_that_field(qtbot):
    dlg = RecordDialog("permission", history=History(), today=TODAY)
    qtbot.addWidget(dlg)
    dlg.widgets["category"].setCurrentIndex(dlg.widgets["category"].findData("student"))
    dlg.widgets["start"].setText("01/09/2021")
    dlg.widgets["end"].setText("31/01/2023")
    dlg.widgets["entered_on"].setText("20/08/2021")
    assert dlg.problems() == {
        "entered_on": "The entry date 20 August 2021 is before the start date 1 September 2021."
    }
