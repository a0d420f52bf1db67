"""Issue 22, the matter form: categories and outcomes from the data, the level check worked
out live with its reasons (a red line and "Refer to another adviser…" when the adviser's level
is too low or not recorded), linking an application and its permission, closing asking for an
outcome, bad input named and kept, drafts, names and tab order."""

from datetime import date

import pytest
from PySide6.QtWidgets import QComboBox, QDialog, QLineEdit, QPlainTextEdit

from desktop.assess import load_casework
from desktop.rules.history import Application, History, Permission
from desktop.store import casework as cw
from desktop.store.repository import ClientDetails, create_client, save_history
from desktop.ui.matter_dialog import REFER, MatterDialog
from desktop.ui.widgets import form_feedback

TODAY = date(2026, 12, 7)
ADVISER = "Sam Adviser"
HISTORY = History(
    permissions=(Permission("partner_5y", date(2024, 1, 1), date(2027, 6, 1)),),
    applications=(Application("extension", date(2026, 11, 1)),),
)


@pytest.fixture(autouse=True)
def say_yes(monkeypatch):
    monkeypatch.setattr(form_feedback, "confirm", lambda *a, **k: True)


@pytest.fixture
def client_id(store):
    with store.session() as s:
        cid = create_client(s, ClientDetails(full_name="Amina Testcase"), "Setup")
        save_history(s, cid, HISTORY, "Setup")
        cw.set_adviser_level(s, ADVISER, 1, None, "Setup")
        cw.set_adviser_level(s, "Lee Senior", 3, 3, "Setup")
    return cid


def make(qtbot, store, client_id, matter=None, closing=False) -> MatterDialog:
    dialog = MatterDialog(store, client_id, ADVISER, lambda: TODAY, matter, closing=closing)
    qtbot.addWidget(dialog)
    return dialog


def pick(combo: QComboBox, value) -> None:
    index = combo.findData(value)
    assert index >= 0, value
    combo.setCurrentIndex(index)


def test_categories_and_outcomes_come_from_the_data(qtbot, store, client_id):
    data = load_casework()
    dialog = make(qtbot, store, client_id)
    categories = [dialog.category_field.itemData(i) for i in range(dialog.category_field.count())]
    assert categories == list(data.categories)
    outcomes = [dialog.outcome_field.itemData(i) for i in range(1, dialog.outcome_field.count())]
    assert outcomes == list(data.outcomes)
    assert dialog.outcome_field.itemData(0) is None  # not closed
    assert dialog.opened_field.date() == TODAY and dialog.adviser_field.text() == ADVISER


def test_the_level_check_is_live_with_its_reasons(qtbot, store, client_id):
    dialog = make(qtbot, store, client_id)
    dialog.show()
    pick(dialog.category_field, "partner")
    assert dialog.check.ok is True and dialog.check.needed == 1
    assert not dialog.refer_button.isVisible()
    assert "that is enough" in dialog.check_line.text()
    # An appeal needs Level 3: a Level 1 adviser gets the red line and Refer.
    with qtbot.waitSignal(dialog.level_checked) as heard:
        pick(dialog.category_field, "appeal")
    check = heard.args[0]
    assert check.needed == 3 and check.ok is False
    assert dialog.refer_button.isVisible() and dialog.refer_button.text() == REFER
    assert "needs OISC Level 3" in dialog.check_line.text()
    assert "color: #8c1d18" in dialog.check_line.styleSheet()
    assert "OISC Guidance on Competence 2021" in dialog.check_reasons.text()
    # A Level 3 adviser is enough; an adviser with no level recorded is not.
    dialog.adviser_field.setText("Lee Senior")
    assert dialog.check.ok is True and not dialog.refer_button.isVisible()
    dialog.adviser_field.setText("New Volunteer")
    assert dialog.check.ok is None and dialog.refer_button.isVisible()
    assert "not recorded" in dialog.check_line.text()
    # The level set by hand raises what the work needs.
    dialog.adviser_field.setText(ADVISER)
    pick(dialog.category_field, "partner")
    pick(dialog.level_field, 2)
    assert dialog.check.needed == 2 and dialog.check.ok is False


def test_the_asylum_category_checks_the_advisers_asylum_level(qtbot, store, client_id):
    dialog = make(qtbot, store, client_id)
    pick(dialog.category_field, "asylum")
    assert dialog.oisc_field.currentData() == "asylum_protection"
    assert dialog.adviser_level() is None  # Sam holds no asylum level
    assert dialog.check.ok is None


def test_saving_links_the_application_and_permission(qtbot, store, client_id):
    dialog = make(qtbot, store, client_id)
    dialog.title_field.setText("Partner extension")
    pick(dialog.category_field, "partner")
    assert dialog.application_field.count() == 2 and dialog.permission_field.count() == 2
    dialog.application_field.setCurrentIndex(1)
    dialog.permission_field.setCurrentIndex(1)
    dialog.care_field.setDate(date(2026, 12, 1))
    pick(dialog.care_how_field, "signed")
    assert dialog.save()
    assert dialog.result() == QDialog.DialogCode.Accepted
    with store.read_session() as s:
        (matter,) = cw.casework_of(s, client_id).matters
    assert matter.application_id is not None and matter.permission_id is not None
    assert matter.client_care_how == "signed" and matter.adviser_level == 1
    assert dialog.matter_id == matter.id


def test_choosing_an_outcome_closes_today_and_closing_needs_one(qtbot, store, client_id):
    dialog = make(qtbot, store, client_id)
    dialog.title_field.setText("Fee waiver")
    pick(dialog.outcome_field, "limited_leave_granted")
    assert dialog.closed_field.date() == TODAY
    pick(dialog.outcome_field, None)
    assert not dialog.save()
    assert dialog.errors.messages() == ["Outcome: closing a matter needs an outcome from the list."]


@pytest.mark.parametrize(
    ("setup", "field", "starts"),
    [
        (lambda d: d.title_field.setText(""), "title_field", "Title"),
        (lambda d: d.opened_field.setText("40/40/2026"), "opened_field", "Opened on"),
        (lambda d: d.closed_field.setDate(date(2025, 1, 1)), "closed_field", "Closed on"),
        (lambda d: d.care_field.setDate(date(2026, 12, 1)), "care_how_field", "Client care"),
        (lambda d: d.told_field.setDate(date(2026, 12, 9)), "told_field", "Client told on"),
    ],
)
def test_bad_input_names_the_field_and_keeps_what_was_typed(
    qtbot, store, client_id, setup, field, starts
):
    dialog = make(qtbot, store, client_id)
    dialog.title_field.setText("Partner extension")
    dialog.notes_field.setPlainText("Private notes about the sponsor")
    if field == "closed_field":
        pick(dialog.outcome_field, "withdrawn")
    setup(dialog)
    typed = dialog.field_texts()
    assert not dialog.save()
    messages = dialog.errors.messages()
    assert messages and messages[0].startswith(starts)
    assert getattr(dialog, field).accessibleDescription() == messages[0]
    assert all("sponsor" not in m for m in messages)
    assert dialog.field_texts() == typed
    with store.read_session() as s:
        assert cw.casework_of(s, client_id).matters == ()


def test_refer_saves_and_flags_the_referral(qtbot, store, client_id):
    dialog = make(qtbot, store, client_id)
    dialog.title_field.setText("Appeal")
    pick(dialog.category_field, "appeal")
    dialog.refer_button.click()
    assert dialog.wants_referral and dialog.result() == QDialog.DialogCode.Accepted
    bad = make(qtbot, store, client_id)
    pick(bad.category_field, "appeal")  # no title: not saved, no referral asked
    bad.refer_button.click()
    assert not bad.wants_referral and bad.result() != QDialog.DialogCode.Accepted


def test_editing_and_closing_an_existing_matter(qtbot, store, client_id):
    with store.session() as s:
        cw.add_matter(
            s,
            client_id,
            cw.MatterEntry(category="partner", opened=date(2026, 3, 1), title="X", adviser=ADVISER),
            ADVISER,
        )
    with store.read_session() as s:
        (matter,) = cw.casework_of(s, client_id).matters
    dialog = make(qtbot, store, client_id, matter, closing=True)
    assert dialog.windowTitle() == "Close matter"
    assert dialog.closed_field.date() == TODAY and dialog.title_field.text() == "X"
    assert not dialog.save()  # no outcome yet
    pick(dialog.outcome_field, "advice_only")
    assert dialog.save()
    with store.read_session() as s:
        (closed,) = cw.casework_of(s, client_id).matters
    assert (closed.closed, closed.outcome) == (TODAY, "advice_only")


def test_drafts_and_cancel(qtbot, store, client_id, monkeypatch):
    dialog = make(qtbot, store, client_id)
    assert dialog.draft_payload() is None
    dialog.title_field.setText("Typed title")
    pick(dialog.category_field, "euss")
    payload = dialog.draft_payload()
    again = make(qtbot, store, client_id)
    assert again.restore_draft(payload)
    assert again.field_texts() == dialog.field_texts()
    dialog.show()
    monkeypatch.setattr(form_feedback, "confirm", lambda *a, **k: False)
    dialog.reject()
    assert dialog.isVisible()  # typed: asked, and kept open


def test_names_and_tab_order(qtbot, store, client_id):
    dialog = make(qtbot, store, client_id)
    fields = list(dialog._fields().values())
    for field in fields:
        assert isinstance(field, (QLineEdit, QComboBox, QPlainTextEdit))
        assert field.accessibleName(), field
    chain = [fields[0]]
    widget = fields[0]
    while len(chain) < len(fields):
        widget = widget.nextInFocusChain()
        if widget in fields:
            chain.append(widget)
    assert chain == fields
    assert dialog.check_line.accessibleName() == "Level check"
