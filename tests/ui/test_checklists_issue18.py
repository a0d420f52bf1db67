"""Issue 18 on screen: "checked on D" (a warning when old) and a closed route in the
start-checklist dialog and the Checklists tab, the centre's details asked for before the first
handout prints, an unchecked translation confirmed before printing, why the fee is not printed,
and the key dates' kinds reaching the handout. Fictional people only."""

from dataclasses import replace
from datetime import date, datetime

import pytest

from desktop.rules.checklists import Checklist, Item, Review
from desktop.rules.history import parse_history
from desktop.store import checklists as cs
from desktop.store.repository import (
    ClientDetails,
    create_client,
    get_setting,
    import_history,
    set_setting,
)
from desktop.ui.centre_details_dialog import WITHOUT_DETAILS, CentreDetailsDialog
from desktop.ui.checklists_tab import ChecklistsTab
from desktop.ui.handout_dialog import HandoutDialog
from desktop.ui.settings_dialog import CENTRE_CONTACT_SETTING, CENTRE_NAME_SETTING
from desktop.ui.start_checklist_dialog import StartChecklistDialog
from desktop.ui.widgets import form_feedback

TODAY = date(2026, 12, 6)
SOURCE = "Reference 003: test sheet"


def template(**kw) -> Checklist:
    base = Checklist(
        id="test_route",
        version=1,
        title="Bringing your family",
        intro="Bring these papers.",
        routes=(),
        circumstances={},
        items=(
            Item("passport", "Your passport.", SOURCE, translations={"ar": "جواز سفرك."}),
            Item("photos", "Two photos.", SOURCE, translations={"ar": "صورتان."}),
        ),
        translations={"ar": {"title": "إحضار عائلتك"}},
        checked_on=date(2026, 12, 1),
    )
    return replace(base, **kw)


CLOSED = template(
    closed_on=datetime(2025, 9, 4, 15, 0),
    closed_note="This route is closed. Ask your adviser what your family can do now.",
)


@pytest.fixture
def client_id(store):
    with store.session() as s:
        return create_client(s, ClientDetails(full_name="Hana Testperson"), "Setup")


def make_tab(qtbot, store, client_id, chosen):
    tab = ChecklistsTab()
    qtbot.addWidget(tab)
    tab.set_context(store, "Sam Adviser", lambda: TODAY)
    tab.load_templates = lambda: {chosen.id: chosen}
    tab.load(client_id)
    tab.show()
    return tab


def start(tab, confirm_answer, monkeypatch):
    asked = []
    monkeypatch.setattr(
        form_feedback,
        "confirm",
        lambda parent, title, text, yes="Yes": asked.append(text) or confirm_answer,
    )

    def choose(dialog):
        assert isinstance(dialog, StartChecklistDialog)
        dialog.accept()
        return True

    tab.run_dialog = choose
    tab.start_checklist()
    return asked


# ---- checked on, closed ------------------------------------------------------------------------


def test_the_start_dialog_shows_checked_on_and_warns_when_old(qtbot):
    fresh = StartChecklistDialog({"test_route": template()}, today=TODAY, content_limit=180)
    qtbot.addWidget(fresh)
    assert fresh.checked.text() == "Checked against its sources on 1 December 2026."
    assert not fresh.checked_stale()
    assert fresh.closed.isHidden()
    old = StartChecklistDialog(
        {"test_route": template(checked_on=date(2026, 1, 5))}, today=TODAY, content_limit=180
    )
    qtbot.addWidget(old)
    assert old.checked_stale()
    assert "335 days ago, more than the 180 days" in old.checked.text()
    assert "FFF4D6" in old.checked.styleSheet()


def test_the_start_dialog_says_a_route_is_closed(qtbot):
    dialog = StartChecklistDialog({"test_route": CLOSED}, today=TODAY, content_limit=180)
    qtbot.addWidget(dialog)
    assert not dialog.closed.isHidden()
    assert dialog.closed.text().startswith(
        "Closed to new applications since 3pm on 4 September 2025."
    )


def test_the_tab_asks_before_starting_a_closed_route_and_shows_checked_on(
    qtbot, store, client_id, monkeypatch
):
    tab = make_tab(qtbot, store, client_id, CLOSED)
    asked = start(tab, False, monkeypatch)
    assert asked and "Closed to new applications since 3pm on 4 September 2025." in asked[0]
    with store.session() as s:
        assert cs.lists_of(s, client_id) == []
    assert "Not started" in tab.status.text()
    start(tab, True, monkeypatch)
    with store.session() as s:
        assert len(cs.lists_of(s, client_id)) == 1
    text = tab.content_label.text()
    assert text.startswith("Closed to new applications since 3pm on 4 September 2025.")
    assert "Checked against its sources on 1 December 2026." in text


def test_an_open_route_starts_without_asking(qtbot, store, client_id, monkeypatch):
    tab = make_tab(qtbot, store, client_id, template(checked_on=date(2025, 1, 1)))
    assert start(tab, False, monkeypatch) == []
    assert tab.content_label.property("stale") is True
    assert "more than the" in tab.content_label.text()


# ---- the centre's details --------------------------------------------------------------------


def started_tab(qtbot, store, client_id, chosen, monkeypatch):
    tab = make_tab(qtbot, store, client_id, chosen)
    start(tab, True, monkeypatch)
    return tab


def test_the_centres_details_are_asked_for_and_saved_before_the_first_handout(
    qtbot, store, client_id, monkeypatch
):
    tab = started_tab(qtbot, store, client_id, template(), monkeypatch)
    shown = []

    def fill(dialog):
        assert isinstance(dialog, CentreDetailsDialog)
        shown.append(dialog)
        dialog.name_field.setText("Riverside Advice Drop-in")
        dialog.contact_field.setText("01632 960123")
        return True

    tab.run_dialog = fill
    dialog = tab.handout_dialog()
    qtbot.addWidget(dialog)
    calls, saved = [], []
    tab.build_handout = lambda checklist, **kw: calls.append(kw) or b"%PDF-stub"
    dialog.save_pdf_with = lambda parent, factory, name: saved.append(factory()) or "op"
    dialog.save_pdf()
    assert len(shown) == 1 and saved == [b"%PDF-stub"]
    with store.session() as s:
        assert get_setting(s, CENTRE_NAME_SETTING) == "Riverside Advice Drop-in"
        assert get_setting(s, CENTRE_CONTACT_SETTING) == "01632 960123"
    assert (calls[0]["centre_name"], calls[0]["centre_contact"]) == (
        "Riverside Advice Drop-in",
        "01632 960123",
    )
    # Set now: the next handout does not ask.
    again = tab.handout_dialog()
    qtbot.addWidget(again)
    again.save_pdf_with = lambda parent, factory, name: "op"
    again.save_pdf()
    assert len(shown) == 1


def test_cancel_prints_without_the_details_after_saying_so(qtbot, store, client_id, monkeypatch):
    tab = started_tab(qtbot, store, client_id, template(), monkeypatch)
    with store.session() as s:
        set_setting(s, CENTRE_NAME_SETTING, "Riverside Advice Drop-in")  # no contact
    told, asked = [], []
    tab.tell = told.append
    tab.run_dialog = lambda dialog: asked.append(dialog) or False
    dialog = tab.handout_dialog()
    qtbot.addWidget(dialog)
    printed = []
    dialog.print_with = lambda parent, factory, suggested_name: printed.append(1) or "op"
    dialog.print_handout()
    assert len(asked) == 1 and isinstance(asked[0], CentreDetailsDialog)
    assert asked[0].name_field.text() == "Riverside Advice Drop-in"
    assert told == [WITHOUT_DETAILS] and printed == [1]
    with store.session() as s:
        assert get_setting(s, CENTRE_CONTACT_SETTING) is None  # nothing saved


# ---- unchecked translations and the fee note ----------------------------------------------------


def test_an_unchecked_translation_is_shown_and_confirmed_before_printing(qtbot, monkeypatch):
    asked = []
    monkeypatch.setattr(form_feedback, "confirm", lambda *a, **k: asked.append(a[2]) or False)
    made = []
    dialog = HandoutDialog(
        template(),
        lambda lang, large: made.append(lang) or (lambda: b""),
        "x.pdf",
        phrase_reviews={},
    )
    qtbot.addWidget(dialog)
    assert dialog.review_warning.isHidden()  # English needs no review
    assert dialog.set_language("ar")
    assert not dialog.review_warning.isHidden()
    assert "Not yet checked by a native speaker" in dialog.review_warning.text()
    dialog.save_pdf_with = lambda parent, factory, name: "op"
    assert dialog.save_pdf() is None and made == []  # declined: nothing made
    assert asked and "Not yet checked by a native speaker" in asked[0]
    reviewed = Review("A. Reviewer", date(2026, 12, 1))
    checked = HandoutDialog(
        template(reviews={"ar": reviewed}),
        lambda lang, large: made.append(lang) or (lambda: b""),
        "x.pdf",
        phrase_reviews={"ar": reviewed},
    )
    qtbot.addWidget(checked)
    checked.set_language("ar")
    assert checked.review_warning.isHidden()
    checked.save_pdf_with = lambda parent, factory, name: "op"
    checked.save_pdf()
    assert made == ["ar"] and len(asked) == 1


def test_the_adviser_is_told_why_the_fee_is_not_printed(qtbot, store, client_id, monkeypatch):
    import desktop.printing.client_dates as client_dates

    monkeypatch.setattr(
        client_dates,
        "client_fee",
        lambda checklist, on, figures: client_dates.ClientFee(
            (), False, None, "fee.x is not verified"
        ),
    )
    tab = started_tab(qtbot, store, client_id, template(fee=("fee.x",)), monkeypatch)
    dialog = tab.handout_dialog()
    qtbot.addWidget(dialog)
    assert not dialog.fee_note.isHidden() and dialog.fee_note.text() == "fee.x is not verified"
    plain = started_tab(qtbot, store, client_id, template(), monkeypatch).handout_dialog()
    qtbot.addWidget(plain)
    assert plain.fee_note.isHidden()


# ---- the key dates' kinds reach the handout ---------------------------------------------------------


def test_the_handout_gets_each_dates_kind_to_say_it_in_plain_words(qtbot, store, monkeypatch):
    history = {
        "format": "dropin-desk.history/1",
        "person": {},
        "permissions": [{"category": "refugee", "from": "2021-12-01", "to": "2027-11-30"}],
        "applications": [],
        "absences": [],
        "custody": [],
    }
    with store.session() as s:
        cid = import_history(s, parse_history(history), "Setup", ClientDetails(full_name="B M"))
        set_setting(s, CENTRE_NAME_SETTING, "Riverside")
        set_setting(s, CENTRE_CONTACT_SETTING, "01632 960123")
    tab = started_tab(qtbot, store, cid, template(routes=("settlement_protection",)), monkeypatch)
    calls = []
    tab.build_handout = lambda checklist, **kw: calls.append(kw) or b"%PDF-stub"
    tab.handout_factory("en", False)()
    kinds = {d.kind for d in calls[0]["dates"]}
    assert "apply_before_expiry" in kinds
    assert kinds & {"earliest_application", "settlement_window"}
