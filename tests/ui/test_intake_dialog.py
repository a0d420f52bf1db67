"""New-client intake by keyboard alone; one transaction; nothing saved when invalid."""

from datetime import date

import pytest
from PySide6.QtCore import Qt

from desktop.store.models import Client
from desktop.store.repository import ClientDetails, audit_of, get_client, list_summaries
from desktop.ui import intake_dialog
from desktop.ui.intake_dialog import IntakeDialog

TODAY = date(2024, 6, 1)


@pytest.fixture(autouse=True)
def no_modal_questions(monkeypatch):
    """Closing a half-filled dialog asks first; in tests the answer is yes (no modal loop)."""
    monkeypatch.setattr(intake_dialog.form_feedback, "confirm", lambda *a, **k: True)


def make(qtbot, store):
    dlg = IntakeDialog(store, "Sam Adviser", today=TODAY)
    qtbot.addWidget(dlg)
    dlg.show()
    dlg.activateWindow()
    qtbot.waitExposed(dlg)
    return dlg


def type_into_focus(qtbot, dlg, text):
    qtbot.keyClicks(dlg.focusWidget(), text)


def test_intake_by_keyboard_creates_a_client(qtbot, store):
    dlg = make(qtbot, store)
    assert dlg.focusWidget() is dlg.form.widgets["full_name"]
    type_into_focus(qtbot, dlg, "Amina Testcase")
    qtbot.keyClick(dlg.focusWidget(), Qt.Key.Key_Tab)
    type_into_focus(qtbot, dlg, "Amina T.")
    qtbot.keyClick(dlg.focusWidget(), Qt.Key.Key_Tab)
    assert dlg.focusWidget() is dlg.form.widgets["date_of_birth"]
    type_into_focus(qtbot, dlg, "1 May 1990")
    qtbot.keyClick(dlg.focusWidget(), Qt.Key.Key_Return)  # Enter moves on, never saves early
    assert dlg.client_id() is None
    assert dlg.focusWidget() is dlg.form.widgets["nationality"]
    type_into_focus(qtbot, dlg, "Fictional")
    qtbot.keyClick(dlg.focusWidget(), Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)

    assert dlg.client_id() is not None
    assert dlg.result() == dlg.DialogCode.Accepted
    with store.session() as s:
        saved = ClientDetails.from_client(get_client(s, dlg.client_id()))
        trail = [(a.action, a.adviser) for a in audit_of(s, dlg.client_id())]
    assert saved.full_name == "Amina Testcase"
    assert saved.other_names == "Amina T."
    assert saved.date_of_birth == date(1990, 5, 1)
    assert saved.nationality == "Fictional"
    assert trail == [("client.create", "Sam Adviser")]


def test_enter_on_the_last_field_saves(qtbot, store):
    dlg = make(qtbot, store)
    dlg.form.widgets["full_name"].setText("Rhiannon Example")
    last = dlg.form.last_field()
    last.setFocus()
    qtbot.keyClicks(last, "Pre-settled status")
    qtbot.keyClick(last, Qt.Key.Key_Return)
    assert dlg.client_id() is not None
    with store.session() as s:
        assert get_client(s, dlg.client_id()).status_summary == "Pre-settled status"


def test_invalid_form_saves_nothing_and_shows_problems_in_place(qtbot, store):
    dlg = make(qtbot, store)
    dlg.form.widgets["date_of_birth"].setText("31/02/1990")
    dlg.form.widgets["email"].setText("not-an-email")
    dlg.form.widgets["ni_number"].setText("12345")
    qtbot.keyClick(
        dlg.form.widgets["email"], Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier
    )
    assert dlg.client_id() is None
    messages = dlg.form.errors.messages()
    assert "Full name is needed." in messages
    assert any("'31/02/1990' is not a real date" in m for m in messages)
    assert any(m.startswith("Email ('not-an-email')") for m in messages)
    assert any("like AB123456C" in m for m in messages)
    assert dlg.form.widgets["full_name"].property("invalid") is True
    assert dlg.focusWidget() is dlg.form.widgets["full_name"]
    with store.session() as s:
        assert s.query(Client).count() == 0


def test_date_of_birth_in_the_future_or_before_1900_is_refused(qtbot, store):
    dlg = make(qtbot, store)
    dlg.form.widgets["full_name"].setText("Someone")
    dlg.form.widgets["date_of_birth"].setText("02/06/2024")
    assert "is in the future" in dlg.form.validate(TODAY)[0]
    dlg.form.widgets["date_of_birth"].setText("31/12/1899")
    assert "before 1900" in dlg.form.validate(TODAY)[0]
    dlg.form.widgets["date_of_birth"].setText("01/06/2024")
    dlg.form.widgets["ni_number"].setText("ab 12 34 56 c")
    assert dlg.form.validate(TODAY) == []
    assert dlg.form.details().ni_number == "AB123456C"


def test_escape_with_typing_asks_first_and_can_keep_the_form(qtbot, store, monkeypatch):
    dlg = make(qtbot, store)
    asked = []
    monkeypatch.setattr(
        intake_dialog.form_feedback, "confirm", lambda *a, **k: asked.append(a) or False
    )
    dlg.form.widgets["full_name"].setText("Half typed")
    qtbot.keyClick(dlg.form.widgets["full_name"], Qt.Key.Key_Escape)
    assert asked and dlg.isVisible()
    monkeypatch.setattr(intake_dialog.form_feedback, "confirm", lambda *a, **k: True)
    qtbot.keyClick(dlg.form.widgets["full_name"], Qt.Key.Key_Escape)
    assert not dlg.isVisible() and dlg.client_id() is None
    with store.session() as s:
        assert list_summaries(s) == []


def test_escape_on_an_empty_form_closes_without_asking(qtbot, store, monkeypatch):
    dlg = make(qtbot, store)
    monkeypatch.setattr(intake_dialog.form_feedback, "confirm", lambda *a, **k: pytest_fail())
    qtbot.keyClick(dlg.form.widgets["full_name"], Qt.Key.Key_Escape)
    assert not dlg.isVisible()


def pytest_fail():
    raise AssertionError("should not ask")


def test_every_form_field_has_an_accessible_name_and_a_label_buddy(qtbot, store):
    dlg = make(qtbot, store)
    for name, widget in dlg.form.widgets.items():
        assert widget.accessibleName(), name
        assert dlg.form.labels[name].buddy() is widget
        assert "&" in dlg.form.labels[name].text(), f"{name} has no mnemonic"
