"""Issue 22, Log a visit: the fields and their defaults, bad input kept with a line naming the
field, the save (one transaction with its audit entry and the kept draft dropped), editing,
kept drafts, Cancel asking before typed text goes, names and tab order."""

from datetime import date

import pytest
from PySide6.QtWidgets import QComboBox, QDialog, QLineEdit, QPlainTextEdit, QSpinBox

from desktop.store import casework as cw
from desktop.store import drafts
from desktop.store.repository import (
    CENTRE_NAME_SETTING,
    ClientDetails,
    audit_of,
    create_client,
    set_setting,
)
from desktop.ui.visit_dialog import VISIT_DRAFT, VisitDialog
from desktop.ui.widgets import form_feedback

TODAY = date(2026, 12, 7)
ADVISER = "Sam Adviser"


@pytest.fixture
def client_id(store):
    with store.session() as s:
        cid = create_client(s, ClientDetails(full_name="Amina Testcase"), "Setup")
        set_setting(s, CENTRE_NAME_SETTING, "Northside Drop-in")
        cw.add_matter(
            s,
            cid,
            cw.MatterEntry(category="partner", opened=date(2026, 1, 5), title="Extension"),
            ADVISER,
        )
        cw.add_matter(
            s,
            cid,
            cw.MatterEntry(
                category="partner",
                opened=date(2025, 1, 5),
                title="Old one",
                closed=date(2025, 6, 1),
                outcome="withdrawn",
            ),
            ADVISER,
        )
    return cid


def make(qtbot, store, client_id, visit=None) -> VisitDialog:
    dialog = VisitDialog(store, client_id, ADVISER, lambda: TODAY, visit)
    qtbot.addWidget(dialog)
    return dialog


def test_a_new_visit_starts_from_today_the_adviser_and_the_centre(qtbot, store, client_id):
    dialog = make(qtbot, store, client_id)
    assert dialog.windowTitle() == "Log a visit"
    assert dialog.on_field.date() == TODAY
    assert dialog.adviser_field.text() == ADVISER
    assert dialog.centre_field.text() == "Northside Drop-in"
    assert dialog.how_field.currentData() == "in_person"
    # Only open matters are offered (and "not for a matter").
    offered = [dialog.matter_field.itemText(i) for i in range(dialog.matter_field.count())]
    assert offered == ["Not for a particular matter", "Extension"]
    assert dialog.draft_payload() is None  # nothing typed yet


def test_saving_writes_the_visit_with_its_audit_entry(qtbot, store, client_id):
    dialog = make(qtbot, store, client_id)
    dialog.how_field.setCurrentIndex(dialog.how_field.findData("email"))
    dialog.minutes_field.setValue(15)
    dialog.matter_field.setCurrentIndex(1)
    dialog.asked_field.setPlainText("Which form do I use?")
    dialog.advice_field.setPlainText("FLR(M).")
    dialog.info_given_field.setPlainText("Fee list")
    dialog.info_source_field.setText("GOV.UK fees page")
    with store.session() as s:  # a draft kept earlier goes with the save
        drafts.put(s, client_id, VISIT_DRAFT, {"fields": {}})
    assert dialog.save()
    assert dialog.result() == QDialog.DialogCode.Accepted
    with store.read_session() as s:
        (visit,) = cw.casework_of(s, client_id).visits
        actions = [a.action for a in audit_of(s, client_id)]
        assert drafts.get(s, client_id, VISIT_DRAFT) is None
    assert (visit.on, visit.how, visit.minutes, visit.asked, visit.info_source) == (
        TODAY,
        "email",
        15,
        "Which form do I use?",
        "GOV.UK fees page",
    )
    assert visit.matter_id is not None and visit.centre == "Northside Drop-in"
    assert dialog.visit_id == visit.id and "visit.add" in actions


@pytest.mark.parametrize(
    ("setup", "field", "starts"),
    [
        (lambda d: d.on_field.setText("31/02/2026"), "on_field", "Date of the visit"),
        (lambda d: d.on_field.setDate(date(2026, 12, 8)), "on_field", "Date of the visit"),
        (lambda d: d.on_field.setText(""), "on_field", "Date of the visit"),
        (lambda d: d.adviser_field.setText(" "), "adviser_field", "Adviser"),
        (lambda d: d.asked_field.setPlainText(""), "asked_field", "What was asked"),
        (lambda d: d.info_source_field.setText(""), "info_source_field", "Source"),
    ],
)
def test_bad_input_names_the_field_and_keeps_everything_typed(
    qtbot, store, client_id, setup, field, starts
):
    dialog = make(qtbot, store, client_id)
    dialog.asked_field.setPlainText("A private question about a named person")
    dialog.info_given_field.setPlainText("Leaflet")
    dialog.info_source_field.setText("Law Centre leaflet")
    setup(dialog)
    typed = dialog.field_texts()
    assert not dialog.save()
    assert dialog.result() != QDialog.DialogCode.Accepted
    messages = dialog.errors.messages()
    assert len(messages) == 1 and messages[0].startswith(starts)
    assert getattr(dialog, field).accessibleDescription() == messages[0]
    assert "named person" not in messages[0] and "Law Centre" not in messages[0]
    assert dialog.field_texts() == typed  # nothing typed was lost
    with store.read_session() as s:
        assert cw.casework_of(s, client_id).visits == ()


def test_a_store_that_cannot_be_written_keeps_the_form_open(qtbot, store, client_id, monkeypatch):
    dialog = make(qtbot, store, client_id)
    dialog.asked_field.setPlainText("Question")

    def broken(*_a, **_k):
        raise OSError("disk full: /secret/path")

    monkeypatch.setattr(cw, "add_visit", broken)
    assert not dialog.save()
    (message,) = dialog.errors.messages()
    assert message.startswith("The visit was not saved") and "/secret" not in message
    assert dialog.asked_field.toPlainText() == "Question"


def test_editing_a_visit_changes_it(qtbot, store, client_id):
    with store.session() as s:
        visit_id = cw.add_visit(
            s, client_id, cw.VisitEntry(on=date(2026, 12, 1), adviser="Ann", asked="First"), "Ann"
        )
    with store.read_session() as s:
        (visit,) = cw.casework_of(s, client_id).visits
    dialog = make(qtbot, store, client_id, visit)
    assert dialog.windowTitle() == "Edit visit"
    assert dialog.on_field.date() == date(2026, 12, 1) and dialog.adviser_field.text() == "Ann"
    dialog.advice_field.setPlainText("Added later")
    assert dialog.save()
    with store.read_session() as s:
        (changed,) = cw.casework_of(s, client_id).visits
    assert changed.id == visit_id and changed.advice == "Added later" and changed.asked == "First"


def test_the_draft_keeps_and_restores_every_field(qtbot, store, client_id):
    dialog = make(qtbot, store, client_id)
    dialog.on_field.setText("3/12/20")  # half typed
    dialog.minutes_field.setValue(40)
    dialog.how_field.setCurrentIndex(dialog.how_field.findData("video"))
    dialog.asked_field.setPlainText("Typed")
    payload = dialog.draft_payload()
    assert payload is not None and dialog.draft_label() == "a 'Log a visit' form"
    again = make(qtbot, store, client_id)
    assert again.restore_draft(payload)
    assert again.field_texts() == dialog.field_texts()
    assert not again.restore_draft({"nothing": 1})


def test_cancel_with_typed_text_asks_first(qtbot, store, client_id, monkeypatch):
    dialog = make(qtbot, store, client_id)
    dialog.show()
    dialog.asked_field.setPlainText("Typed")
    asked = []
    monkeypatch.setattr(form_feedback, "confirm", lambda *a, **k: asked.append(a[1]) or False)
    dialog.reject()
    assert asked == ["Discard this visit?"] and dialog.isVisible()
    monkeypatch.setattr(form_feedback, "confirm", lambda *a, **k: True)
    dialog.reject()
    assert not dialog.isVisible()
    # Closed by the window's lock: nothing asked (the draft was kept).
    locked = make(qtbot, store, client_id)
    locked.show()
    locked.asked_field.setPlainText("Typed")
    monkeypatch.setattr(form_feedback, "confirm", lambda *a, **k: pytest.fail("asked"))
    locked.closed_by_lock = True
    locked.reject()
    assert not locked.isVisible()


def test_every_field_has_a_name_and_tab_follows_the_form(qtbot, store, client_id):
    dialog = make(qtbot, store, client_id)
    fields = list(dialog._fields().values())
    for field in fields:
        assert isinstance(field, (QLineEdit, QComboBox, QSpinBox, QPlainTextEdit))
        assert field.accessibleName(), field
    for plain in (dialog.asked_field, dialog.advice_field):
        assert plain.tabChangesFocus()  # Tab leaves a text box
    chain = [fields[0]]
    widget = fields[0]
    while len(chain) < len(fields):
        widget = widget.nextInFocusChain()
        if widget in fields:
            chain.append(widget)
    assert chain == fields
