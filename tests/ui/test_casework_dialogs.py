"""Issue 22: the complaint, consent and subject access request dialogs, Settings' casework
fields and the adviser's OISC levels. Each dialog writes itself on Save (one transaction),
writes nothing on Cancel, keeps bad input and names the field."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from desktop.store import drafts, repository
from desktop.store.casework import MatterEntry, add_matter, casework_of
from desktop.ui import kept_drafts
from desktop.ui.access_request_dialog import AccessRequestDialog
from desktop.ui.casework_form import (
    ACCESS_REQUEST_DRAFT,
    COMPLAINT_DRAFT,
    CONSENT_DRAFT,
    ROW_KEY,
)
from desktop.ui.complaint_dialog import ComplaintDialog
from desktop.ui.consent_dialog import ConsentDialog
from desktop.ui.widgets import form_feedback

TODAY = dt.date(2026, 12, 7)


@pytest.fixture(autouse=True)
def discard_is_answered(monkeypatch):
    """A form left with something typed asks before closing (a kept draft otherwise): when
    qtbot closes it at the end of a test the answer is Discard, so no modal question waits.
    Tests that look at the question replace `form_feedback.confirm` themselves."""
    monkeypatch.setattr(form_feedback, "confirm", lambda *_args, **_kwargs: True)


def today() -> dt.date:
    return TODAY


@pytest.fixture
def client(store):
    with store.session() as s:
        cid = repository.create_client(s, repository.ClientDetails(full_name="Test Client"), "Sam")
        mid = add_matter(
            s,
            cid,
            MatterEntry(category="partner", opened=dt.date(2026, 10, 1), title="Extension"),
            "Sam",
        )
    return cid, mid


def casework(store, cid):
    with store.read_session() as s:
        return casework_of(s, cid)


def audit_actions(store, cid):
    with store.read_session() as s:
        return [a.action for a in repository.audit_of(s, cid)]


def show(qtbot, dialog):
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


# ---- complaints ----------------------------------------------------------------------------


def test_a_complaint_is_written_on_save_with_its_audit_entry(qtbot, store, client):
    cid, mid = client
    dialog = show(qtbot, ComplaintDialog(store, cid, "Sam", today))
    assert dialog.received.date() == TODAY
    dialog.matter.setCurrentIndex(dialog.matter.findData(mid))
    dialog.summary.setPlainText("Waited too long for a reply")
    dialog.acknowledged.setText("08/12/2026")  # after today: refused
    assert dialog.save() is False
    assert "Acknowledged in writing on cannot be after today." in dialog.errors.messages()
    assert dialog.acknowledged.accessibleDescription()  # the field is marked
    assert dialog.summary.toPlainText() == "Waited too long for a reply"  # kept
    assert casework(store, cid).complaints == ()
    dialog.acknowledged.setText("07/12/2026")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == QDialog.DialogCode.Accepted and dialog.written
    (complaint,) = casework(store, cid).complaints
    assert (complaint.summary, complaint.matter_id, complaint.acknowledged_on) == (
        "Waited too long for a reply",
        mid,
        TODAY,
    )
    assert complaint.adviser == "Sam"
    assert "complaint.add" in audit_actions(store, cid)


def test_a_complaint_without_a_summary_is_named_and_not_written(qtbot, store, client):
    cid, _ = client
    dialog = show(qtbot, ComplaintDialog(store, cid, "Sam", today))
    dialog.received.setText("31/02/2026")
    assert dialog.save() is False
    assert dialog.errors.messages() == ["Received on: '31/02/2026' is not a real date."]
    assert dialog.received.text() == "31/02/2026"
    dialog.received.setText("01/12/2026")
    assert dialog.save() is False
    assert dialog.errors.messages() == ["What the complaint is about is needed."]
    assert dialog.isVisible()
    assert casework(store, cid).complaints == ()


def test_cancel_writes_nothing(qtbot, store, client):
    cid, _ = client
    for make in (
        lambda: ComplaintDialog(store, cid, "Sam", today),
        lambda: ConsentDialog(store, cid, "Sam", today),
        lambda: AccessRequestDialog(store, cid, "Sam", today),
    ):
        dialog = show(qtbot, make())
        if hasattr(dialog, "summary"):
            dialog.summary.setPlainText("Something")
        qtbot.keyClick(dialog, Qt.Key.Key_Escape)
        assert dialog.result() == QDialog.DialogCode.Rejected and not dialog.written
    work = casework(store, cid)
    assert (work.complaints, work.consents, work.access_requests) == ((), (), ())


def test_editing_a_complaint_updates_it_and_keeps_who_recorded_it(qtbot, store, client):
    cid, _ = client
    first = show(qtbot, ComplaintDialog(store, cid, "Sam", today))
    first.summary.setPlainText("Rude on the phone")
    assert first.save()
    (saved,) = casework(store, cid).complaints
    again = show(qtbot, ComplaintDialog(store, cid, "Jo", today, complaint=saved))
    assert again.summary.toPlainText() == "Rude on the phone"
    again.outcome_on.setText("07/12/2026")
    assert again.save() is False  # an outcome date needs the outcome
    assert again.errors.messages() == ["Outcome: say what the outcome was, or clear its date."]
    again.outcome.setPlainText("Apology given")
    assert again.save()
    (updated,) = casework(store, cid).complaints
    assert (updated.id, updated.outcome, updated.outcome_on, updated.adviser) == (
        saved.id,
        "Apology given",
        TODAY,
        "Sam",
    )


def test_return_in_a_one_line_field_saves(qtbot, store, client):
    cid, _ = client
    dialog = show(qtbot, ComplaintDialog(store, cid, "Sam", today))
    dialog.summary.setPlainText("Lost a document")
    dialog.received.setFocus()
    qtbot.keyClick(dialog.received, Qt.Key.Key_Return)
    assert dialog.written
    assert len(casework(store, cid).complaints) == 1


# ---- consent -------------------------------------------------------------------------------


def test_consent_takes_its_period_from_settings_and_shows_the_renewal(qtbot, store, client):
    from desktop.store.casework import set_consent_months

    cid, _ = client
    with store.session() as s:
        set_consent_months(s, 24)
    dialog = show(qtbot, ConsentDialog(store, cid, "Sam", today))
    assert dialog.months.value() == 24
    assert dialog.renewal.text() == "To be renewed by 7 December 2028."
    dialog.scope.setCurrentIndex(dialog.scope.findData("referral"))
    dialog.how.setCurrentIndex(dialog.how.findData("verbal"))
    dialog.months.setValue(6)
    assert dialog.renewal.text() == "To be renewed by 7 June 2027."
    assert dialog.save()
    (consent,) = casework(store, cid).consents
    assert (consent.scope, consent.how, consent.period_months, consent.given_on) == (
        "referral",
        "verbal",
        6,
        TODAY,
    )
    assert "consent.add" in audit_actions(store, cid)


def test_a_consent_withdrawn_before_it_was_given_is_named(qtbot, store, client):
    cid, _ = client
    dialog = show(qtbot, ConsentDialog(store, cid, "Sam", today))
    dialog.given.setText("01/12/2026")
    dialog.withdrawn.setText("30/11/2026")
    assert dialog.save() is False
    assert dialog.errors.messages() == ["Withdrawn on cannot be before the day it was given."]
    assert dialog.withdrawn.text() == "30/11/2026"
    dialog.withdrawn.setText("02/12/2026")
    assert dialog.renewal.text() == "Withdrawn: nothing to renew."
    assert dialog.save()
    assert casework(store, cid).consents[0].withdrawn_on == dt.date(2026, 12, 2)


# ---- subject access requests ---------------------------------------------------------------


def test_the_access_request_shows_its_due_date_live_and_is_written(qtbot, store, client):
    cid, _ = client
    dialog = show(qtbot, AccessRequestDialog(store, cid, "Sam", today))
    dialog.asked.setText("31/03/2026")  # no 31 April: the last day of April
    assert dialog.due_date() == dt.date(2026, 4, 30)
    assert dialog.due.text() == "Answer by 30 April 2026."
    dialog.extended.setChecked(True)  # three months: 30 June 2026
    assert dialog.due_date() == dt.date(2026, 6, 30)
    dialog.extended.setChecked(False)
    dialog.asked.setText("31/01/2026")  # 28 February 2026 is a Saturday: Monday 2 March
    assert dialog.due_date() == dt.date(2026, 3, 2)
    dialog.extended.setChecked(True)
    dialog.asked.setText("")
    assert dialog.due_date() is None and "Type the date" in dialog.due.text()
    dialog.asked.setText("01/12/2026")
    dialog.answered.setText("05/12/2026")
    assert dialog.save()
    (request,) = casework(store, cid).access_requests
    assert (request.asked_on, request.extended, request.answered_on) == (
        dt.date(2026, 12, 1),
        True,
        dt.date(2026, 12, 5),
    )
    assert "access_request.add" in audit_actions(store, cid)


def test_an_access_request_answered_before_it_was_asked_is_named(qtbot, store, client):
    cid, _ = client
    dialog = show(qtbot, AccessRequestDialog(store, cid, "Sam", today))
    dialog.asked.setText("03/12/2026")
    dialog.answered.setText("02/12/2026")
    assert dialog.save() is False
    assert dialog.errors.messages() == ["Answered on cannot be before the day it was asked."]
    assert casework(store, cid).access_requests == ()


def test_a_store_problem_is_shown_in_place_and_nothing_is_lost(qtbot, store, client, monkeypatch):
    from desktop.store import casework as store_casework

    cid, _ = client

    def refuse(*_args, **_kwargs):
        raise store_casework.CaseworkProblem("Note: too long.", "note")

    monkeypatch.setattr(store_casework, "add_access_request", refuse)
    dialog = show(qtbot, AccessRequestDialog(store, cid, "Sam", today))
    dialog.note.setPlainText("Asked at the desk")
    assert dialog.save() is False
    assert dialog.errors.messages() == ["Note: too long."]
    assert dialog.note.accessibleDescription() == "Note: too long."
    assert dialog.note.toPlainText() == "Asked at the desk" and dialog.isVisible()


def test_every_field_has_an_accessible_name_and_a_label_letter(qtbot, store, client):
    from PySide6.QtWidgets import QLabel

    cid, _ = client
    for dialog in (
        ComplaintDialog(store, cid, "Sam", today),
        ConsentDialog(store, cid, "Sam", today),
        AccessRequestDialog(store, cid, "Sam", today),
    ):
        show(qtbot, dialog)
        letters = []
        for label in dialog.findChildren(QLabel):
            if label.buddy() is not None:
                assert label.buddy().accessibleName(), label.text()
                if "&" in label.text():
                    letters.append(label.text().split("&")[1][0].lower())
        assert len(letters) == len(set(letters)), letters
        assert "s" not in letters  # &Save


# ---- settings ------------------------------------------------------------------------------


def test_settings_show_and_return_the_casework_settings(qtbot):
    from desktop.ui.settings_dialog import SettingsDialog

    dialog = SettingsDialog(
        10, retention_years=8, consent_months=18, oisc_number=" F2019 ", complaints_procedure="Ask"
    )
    qtbot.addWidget(dialog)
    assert (dialog.retention_years(), dialog.consent_months()) == (8, 18)
    assert (dialog.oisc_number(), dialog.complaints_procedure()) == ("F2019", "Ask")
    assert dialog.retention_field.minimum() == 1 and dialog.retention_field.maximum() == 100
    assert dialog.consent_field.minimum() == 1 and dialog.consent_field.maximum() == 120
    for field in (
        dialog.retention_field,
        dialog.consent_field,
        dialog.oisc_field,
        dialog.procedure_field,
    ):
        assert field.accessibleName()


def test_a_complaints_procedure_too_long_is_named_and_kept(qtbot):
    from desktop.ui.settings_dialog import SettingsDialog

    dialog = SettingsDialog(10)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.procedure_field.setPlainText("x" * 5001)
    dialog._accept()
    assert dialog.result() != QDialog.DialogCode.Accepted and dialog.isVisible()
    assert dialog.errors.messages() == ["Complaints procedure: too long (5000 characters at most)."]
    dialog.procedure_field.setPlainText("Write to the manager.")
    dialog._accept()
    assert dialog.result() == QDialog.DialogCode.Accepted


def test_the_window_saves_every_setting_in_one_transaction(qtbot, store, monkeypatch):
    from desktop.store import casework as store_casework
    from desktop.ui.main_window import MainWindow
    from desktop.ui.settings_dialog import SettingsDialog

    dialog = SettingsDialog(
        10,
        centre_name="Riverside",
        retention_years=7,
        consent_months=6,
        oisc_number="F123",
        complaints_procedure="Write to us.",
    )
    qtbot.addWidget(dialog)
    holder = type("W", (), {"store": store})()
    MainWindow.save_settings(holder, dialog)
    with store.read_session() as s:
        assert store_casework.retention_years(s) == 7
        assert store_casework.consent_months(s) == 6
        assert store_casework.oisc_number(s) == "F123"
        assert store_casework.complaints_procedure(s) == "Write to us."
        assert repository.get_setting(s, "centre_name") == "Riverside"

    def refuse(*_args):
        raise store_casework.CaseworkProblem("OISC number: too long.", "oisc_number")

    monkeypatch.setattr(store_casework, "set_complaints_procedure", refuse)
    dialog.centre_name_field.setText("Changed")
    dialog.retention_field.setValue(9)
    with pytest.raises(store_casework.CaseworkProblem):
        MainWindow.save_settings(holder, dialog)
    with store.read_session() as s:  # nothing saved half
        assert store_casework.retention_years(s) == 7
        assert repository.get_setting(s, "centre_name") == "Riverside"


# ---- the adviser's OISC levels -------------------------------------------------------------


def test_the_adviser_dialog_records_the_oisc_levels(qtbot, store):
    from desktop.store.casework import adviser_levels
    from desktop.ui.adviser_dialog import AdviserDialog

    dialog = AdviserDialog(["Sam Adviser"], store=store)
    qtbot.addWidget(dialog)
    dialog.show()
    assert [dialog.immigration.itemText(i) for i in range(dialog.immigration.count())] == [
        "Not recorded",
        "Not authorised",
        "Level 1 (Advice and Assistance)",
        "Level 2 (Casework)",
        "Level 3 (Advocacy and Representation)",
        "Solicitor or other regulated person",
    ]
    assert dialog.levels() == (None, None)
    dialog.immigration.setCurrentIndex(dialog.immigration.findData(2))
    dialog.asylum.setCurrentIndex(dialog.asylum.findData(0))
    qtbot.keyClick(dialog.combo.lineEdit(), Qt.Key.Key_Return)
    assert dialog.result() == QDialog.DialogCode.Accepted
    with store.read_session() as s:
        assert adviser_levels(s)["Sam Adviser"] == (2, 0)
        actions = [a.action for a in s.query(repository.AuditEntry).all()]
    assert "adviser.level" in actions
    again = AdviserDialog(["Sam Adviser"], "Sam Adviser", store=store)
    qtbot.addWidget(again)
    assert again.levels() == (2, 0)
    assert again.immigration.accessibleName() == "OISC level in Immigration"
    assert again.asylum.accessibleName() == "OISC level in Asylum and Protection"


def test_without_the_store_the_adviser_dialog_asks_only_the_name(qtbot):
    from desktop.ui.adviser_dialog import AdviserDialog

    dialog = AdviserDialog(["Jo"])
    qtbot.addWidget(dialog)
    dialog.show()
    assert not dialog.immigration.isVisible()


def test_settings_from_the_window_reach_the_store(qtbot, tmp_path, monkeypatch):
    from desktop.store import casework as store_casework
    from desktop.store.database import Store
    from desktop.store.lock import InstanceLock
    from desktop.ui.main_window import MainWindow
    from desktop.ui.settings_dialog import SettingsDialog

    cheap = {"time_cost": 1, "memory_cost_kib": 8192, "parallelism": 1}
    folder = tmp_path / "data"
    Store.create(folder, "window passphrase", cheap).close()
    lock = InstanceLock(folder)
    lock.acquire()
    window = MainWindow(folder, lock, kdf_costs=cheap, ask_adviser=False)
    qtbot.addWidget(window)
    window.show()
    window.unlock_page.passphrase.setText("window passphrase")
    qtbot.keyClick(window.unlock_page.passphrase, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.workspace, timeout=20_000)
    shown = {}

    def run(dialog):
        shown["years"] = dialog.retention_years()
        dialog.retention_field.setValue(10)
        dialog.consent_field.setValue(24)
        dialog.oisc_field.setText("F202600001")
        dialog.procedure_field.setPlainText("Write to the manager.")
        return SettingsDialog.DialogCode.Accepted

    monkeypatch.setattr(SettingsDialog, "exec", run)
    window.edit_settings()
    assert shown["years"] == 6  # the figure casework.retention_years (OISC code 57)
    with window.store.read_session() as s:
        assert store_casework.retention_years(s) == 10
        assert store_casework.consent_months(s) == 24
        assert store_casework.oisc_number(s) == "F202600001"
        assert store_casework.complaints_procedure(s) == "Write to the manager."


# ---- nothing typed is lost ------------------------------------------------------------------


def _type_complaint(dialog) -> None:
    dialog.summary.setPlainText("Waited too long")
    dialog.acknowledged.setText("3/12/2")  # half typed: kept as typed


def _type_consent(dialog) -> None:
    dialog.months.setValue(24)
    dialog.how.setCurrentIndex(dialog.how.findData("verbal"))
    dialog.note.setPlainText("Said so on the phone")


def _type_request(dialog) -> None:
    dialog.extended.setChecked(True)  # a tick box is kept too
    dialog.note.setPlainText("Asked by email")


RECORD_FORMS = [
    (ComplaintDialog, COMPLAINT_DRAFT, _type_complaint, "a complaint form"),
    (ConsentDialog, CONSENT_DRAFT, _type_consent, "a consent form"),
    (AccessRequestDialog, ACCESS_REQUEST_DRAFT, _type_request, "a records-request form"),
]


@pytest.mark.parametrize(("form", "kind", "type_in", "words"), RECORD_FORMS)
def test_a_record_form_keeps_what_was_typed_as_a_draft_and_puts_it_back(
    qtbot, store, client, form, kind, type_in, words
):
    cid, _ = client
    dialog = show(qtbot, form(store, cid, "Sam", today))
    assert dialog.draft_payload() is None  # nothing typed: nothing to keep
    assert kept_drafts.from_dialog(dialog, cid) is None
    type_in(dialog)
    draft = kept_drafts.from_dialog(dialog, cid)  # as the window's lock does
    assert (draft.kind, draft.words()) == (kind, words)
    assert draft.payload[ROW_KEY] is None  # a new row
    assert "Sam" not in draft.words() and "Test Client" not in draft.words()
    again = show(qtbot, form(store, cid, "Sam", today))
    assert again.restore_draft(draft.payload)
    assert again.field_texts() == dialog.field_texts() != again._initial
    assert not again.restore_draft({"nothing": 1})
    assert not again.restore_draft("not a draft")


@pytest.mark.parametrize(("form", "kind", "type_in", "words"), RECORD_FORMS)
def test_saving_a_record_form_drops_its_draft_with_the_row(
    qtbot, store, client, form, kind, type_in, words
):
    cid, _ = client
    with store.session() as s:
        drafts.put(s, cid, kind, {"fields": {}})
    dialog = show(qtbot, form(store, cid, "Sam", today))
    type_in(dialog)
    if isinstance(dialog, ComplaintDialog):
        dialog.acknowledged.setText("")  # the half-typed date would stop the save
    assert dialog.save(), dialog.errors.messages()
    with store.read_session() as s:
        assert drafts.get(s, cid, kind) is None
    work = casework(store, cid)
    assert len(work.complaints) + len(work.consents) + len(work.access_requests) == 1


def test_a_failed_save_keeps_the_draft_and_the_form(qtbot, store, client, monkeypatch):
    cid, _ = client
    with store.session() as s:
        drafts.put(s, cid, COMPLAINT_DRAFT, {"fields": {"summary": "kept before"}})
    dialog = show(qtbot, ComplaintDialog(store, cid, "Sam", today))
    dialog.summary.setPlainText("Waited too long")
    monkeypatch.setattr(dialog, "write", lambda _session: 1 / 0)
    assert dialog.save() is False and dialog.isVisible()
    assert dialog.summary.toPlainText() == "Waited too long"
    with store.read_session() as s:
        assert drafts.get(s, cid, COMPLAINT_DRAFT) == {"fields": {"summary": "kept before"}}


def test_cancel_with_something_typed_asks_first(qtbot, store, client, monkeypatch):
    cid, _ = client
    asked: list[str] = []
    monkeypatch.setattr(form_feedback, "confirm", lambda *a, **k: asked.append(a[1]) or False)
    untouched = show(qtbot, ConsentDialog(store, cid, "Sam", today))
    untouched.reject()  # nothing typed: nothing asked
    assert asked == [] and not untouched.isVisible()
    dialog = show(qtbot, ComplaintDialog(store, cid, "Sam", today))
    dialog.summary.setPlainText("Waited too long")
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert asked == ["Discard what you typed?"] and dialog.isVisible()
    assert dialog.summary.toPlainText() == "Waited too long"
    monkeypatch.setattr(form_feedback, "confirm", lambda *a, **k: True)
    dialog.reject()
    assert not dialog.isVisible() and dialog.result() == QDialog.DialogCode.Rejected
    # Closed by the window's lock: nothing asked (the window kept the draft).
    locked = show(qtbot, AccessRequestDialog(store, cid, "Sam", today))
    locked.note.setPlainText("Typed")
    monkeypatch.setattr(form_feedback, "confirm", lambda *a, **k: pytest.fail("asked"))
    locked.closed_by_lock = True
    locked.reject()
    assert not locked.isVisible()


def test_an_edit_forms_draft_names_the_row_it_was_editing(qtbot, store, client):
    cid, _ = client
    first = show(qtbot, ComplaintDialog(store, cid, "Sam", today))
    first.summary.setPlainText("Rude on the phone")
    assert first.save()
    (saved,) = casework(store, cid).complaints
    editing = show(qtbot, ComplaintDialog(store, cid, "Jo", today, complaint=saved))
    assert editing.draft_payload() is None  # opened with the row: nothing typed yet
    editing.outcome.setPlainText("Apologised")
    draft = kept_drafts.from_dialog(editing, cid)
    assert draft.payload[ROW_KEY] == saved.id
    assert draft.payload["fields"]["outcome"] == "Apologised"
