"""The Checklists tab: starting a checklist through the dialog, the keyboard (Space, N, F2,
Insert, Delete), the progress label, a newer template version's items, the key dates from the
client's history, and the handout's inputs."""

from datetime import date

import pytest
from PySide6.QtCore import Qt

from desktop.printing.handout import client_words
from desktop.rules.checklists import Checklist, ChecklistError, Item
from desktop.rules.history import parse_history
from desktop.store import checklists as cs
from desktop.store.repository import (
    ClientDetails,
    create_client,
    import_history,
    set_setting,
)
from desktop.ui.checklists_tab import ChecklistsTab, key_dates
from desktop.ui.settings_dialog import CENTRE_CONTACT_SETTING, CENTRE_NAME_SETTING
from desktop.ui.start_checklist_dialog import StartChecklistDialog
from desktop.ui.widgets import form_feedback

TODAY = date(2025, 12, 1)
SOURCE = "Reference 003, protection settlement sheet: what to send"


def template(version=1, extra=()):
    return Checklist(
        id="protection_test",
        version=version,
        title="Settlement after refugee status: what to bring",
        intro="Bring these to the appointment before you apply.",
        routes=("settlement_protection",),
        circumstances={
            "has_children": "Your children are applying with you",
            "changed_name": "You have changed your name",
        },
        items=(
            Item(
                "brp",
                "Your residence permit (BRP) or eVisa share code",
                SOURCE,
                section="Who you are",
                translations={"ar": "تصريح الإقامة الخاص بك"},
                note="Check the expiry date",
            ),
            Item("passport", "Any passport you hold", SOURCE, section="Who you are"),
            Item(
                "children_birth",
                "Your children's birth certificates",
                SOURCE,
                when="has_children",
                section="Your family",
                provider="household",
            ),
            Item(
                "deed_poll",
                "Your deed poll",
                SOURCE,
                when="changed_name",
                section="Who you are",
            ),
            Item(
                "police_letter",
                "Any letters from the police",
                SOURCE,
                section="Your time in the UK",
                provider="third_party",
            ),
            *extra,
        ),
        translations={"ar": {"title": "الاستقرار بعد اللجوء"}},
        source_file="resources/checklists/protection_test.toml",
    )


REFUGEE_HISTORY = {
    "format": "dropin-desk.history/1",
    "person": {},
    "permissions": [{"category": "refugee", "from": "2021-12-01", "to": "2026-11-30"}],
    "applications": [],
    "absences": [],
    "custody": [],
}


@pytest.fixture(autouse=True)
def say_yes(monkeypatch):
    monkeypatch.setattr(form_feedback, "confirm", lambda *a, **k: True)


@pytest.fixture
def client_id(store):
    with store.session() as s:
        return create_client(s, ClientDetails(full_name="Hana Testperson"), "Setup")


def make_tab(qtbot, store, client_id, templates=None, loader=None):
    tab = ChecklistsTab()
    qtbot.addWidget(tab)
    tab.set_context(store, "Sam Adviser", lambda: TODAY)
    chosen = templates or {"protection_test": template()}
    tab.load_templates = loader or (lambda: chosen)
    tab.load(client_id)
    tab.resize(1000, 600)
    tab.show()
    return tab


@pytest.fixture
def tab(qtbot, store, client_id):
    return make_tab(qtbot, store, client_id)


def start(tab, ticks=()):
    seen = []

    def fill(dialog):
        assert isinstance(dialog, StartChecklistDialog)
        assert dialog.select("protection_test")
        seen.append(dialog.intro.text())
        dialog.set_ticked(ticks)
        dialog.accept()
        return True

    tab.run_dialog = fill
    tab.start_checklist()
    return seen


def stored(store, cid):
    with store.session() as s:
        return cs.lists_of(s, cid)


def test_no_checklist_says_how_to_start_one(tab):
    assert tab.lists.count() == 0
    assert "Start checklist" in tab.title.text()
    assert tab.start_button.isEnabled() and not tab.handout_button.isEnabled()


def test_start_a_checklist_through_the_dialog(tab, store, client_id):
    intro = start(tab, ticks=("has_children",))
    assert intro == ["Bring these to the appointment before you apply."]
    (saved,) = stored(store, client_id)
    assert saved.circumstances == ("has_children",)
    assert saved.started_on == TODAY
    assert [i.item_id for i in saved.items] == [
        "brp",
        "passport",
        "children_birth",
        "police_letter",
    ]
    assert tab.lists.count() == 1
    assert tab.lists.item(0).text().endswith("0 of 4 received")
    assert tab.progress.text() == "0 of 4 received"
    # Grouped by section: a heading row, then its items.
    cells = [tab.items.item(r, 0).text() for r in range(tab.items.rowCount())]
    assert cells == [
        "Who you are",
        "☐ To get",
        "☐ To get",
        "Your family",
        "☐ To get",
        "Your time in the UK",
        "☐ To get",
    ]
    assert tab.items.item(4, 2).text() == "Someone in your household"
    assert tab.items.item(1, 4).text() == "Check the expiry date"  # the adviser's note
    assert tab.selected_item().item_id == "brp"


def test_the_dialog_counts_the_items_and_enter_starts(qtbot, store):
    dialog = StartChecklistDialog({"protection_test": template()}, started={"protection_test"})
    qtbot.addWidget(dialog)
    assert "(already started)" in dialog.templates.item(0).text()
    assert dialog.count.text() == "3 items to gather."
    dialog.circumstance_boxes()["changed_name"].setChecked(True)
    assert dialog.count.text() == "4 items to gather (1 for what is ticked)."
    dialog.show()
    qtbot.keyClick(dialog.templates, Qt.Key.Key_Return)
    assert dialog.result() == StartChecklistDialog.DialogCode.Accepted
    assert dialog.choice()[1] == ("changed_name",)


def test_space_marks_received_today_and_again_back_to_get(qtbot, tab, store, client_id):
    start(tab)
    assert tab.select_item("passport")
    qtbot.keyClick(tab.items, Qt.Key.Key_Space)
    passport = stored(store, client_id)[0].items[1]
    assert (passport.status, passport.received_on) == ("received", TODAY)
    assert tab.selected_item().item_id == "passport"  # the selection stays
    row = tab.items.current_row()
    assert tab.items.item(row, 0).text() == "✓ Received"
    assert tab.items.item(row, 3).text() == "1 Dec 2025"
    assert tab.progress.text() == "1 of 3 received"
    assert tab.lists.item(0).text().endswith("1 of 3 received")
    qtbot.keyClick(tab.items, Qt.Key.Key_Space)
    assert stored(store, client_id)[0].items[1].status == "pending"
    assert tab.progress.text() == "0 of 3 received"


def test_n_asks_why_and_keeps_the_reason(qtbot, tab, store, client_id):
    start(tab)
    tab.select_item("police_letter")
    asked = []
    tab.ask_reason = lambda item: asked.append(item.text) or "Never been in contact with police"
    qtbot.keyClick(tab.items, Qt.Key.Key_N)
    assert asked == ["Any letters from the police"]
    saved = stored(store, client_id)[0].items[2]
    assert (saved.status, saved.na_reason) == (
        "not_applicable",
        "Never been in contact with police",
    )
    assert tab.progress.text() == "0 of 2 received (1 not needed)"
    row = tab.items.current_row()
    assert tab.items.item(row, 0).text() == "– Not needed"
    assert tab.items.item(row, 4).text() == "Not needed: Never been in contact with police"
    # An empty answer is refused, naming the field; the item stays as it was.
    tab.select_item("brp")
    tab.ask_reason = lambda item: "  "
    qtbot.keyClick(tab.items, Qt.Key.Key_N)
    assert tab.status.text().startswith("Not saved: Reason")
    assert stored(store, client_id)[0].items[0].status == "pending"
    # N again on a not-needed item: needed after all.
    tab.select_item("police_letter")
    qtbot.keyClick(tab.items, Qt.Key.Key_N)
    assert stored(store, client_id)[0].items[2].status == "pending"


def test_f2_changes_the_received_date_but_not_to_the_future(qtbot, tab, store, client_id):
    start(tab)
    tab.select_item("brp")
    tab.ask_date = lambda item: date(2025, 11, 20)
    qtbot.keyClick(tab.items, Qt.Key.Key_F2)
    assert stored(store, client_id)[0].items[0].received_on == date(2025, 11, 20)
    tab.ask_date = lambda item: date(2025, 12, 2)
    qtbot.keyClick(tab.items, Qt.Key.Key_F2)
    assert "is after today" in tab.status.text()
    assert stored(store, client_id)[0].items[0].received_on == date(2025, 11, 20)


def test_insert_adds_an_item_and_delete_removes_only_added_ones(qtbot, tab, store, client_id):
    start(tab)
    tab.select_item("passport")
    offered = []

    def new_item(sections, section):
        offered.append((tuple(sections), section))
        return ("A letter from your college", "third_party", "Who you are")

    tab.ask_new_item = new_item
    qtbot.keyClick(tab.items, Qt.Key.Key_Insert)
    assert offered == [(("Who you are", "Your time in the UK"), "Who you are")]
    saved = stored(store, client_id)[0]
    assert [i.item_id for i in saved.items][-1] == "custom-1"
    assert tab.selected_item().item_id == "custom-1"
    assert tab.items.item(tab.items.current_row(), 4).text() == "Added by the adviser"
    assert tab.progress.text() == "0 of 4 received"
    # Grouped under its section, after the checklist's own items there.
    cells = [tab.items.item(r, 1) for r in range(tab.items.rowCount())]
    texts = [c.text() if c else tab.items.item(r, 0).text() for r, c in enumerate(cells)]
    assert texts[:4] == [
        "Who you are",
        "Your residence permit (BRP) or eVisa share code",
        "Any passport you hold",
        "A letter from your college",
    ]
    qtbot.keyClick(tab.items, Qt.Key.Key_Delete)
    assert [i.item_id for i in stored(store, client_id)[0].items] == [
        "brp",
        "passport",
        "police_letter",
    ]
    tab.select_item("brp")
    assert not tab.remove_item_button.isEnabled()
    qtbot.keyClick(tab.items, Qt.Key.Key_Delete)
    assert "cannot be removed" in tab.status.text()
    assert len(stored(store, client_id)[0].items) == 3


def test_changes_signal_and_remove_checklist(qtbot, tab, store, client_id):
    start(tab)
    with qtbot.waitSignal(tab.checklists_changed):
        tab.remove_checklist()
    assert stored(store, client_id) == []
    assert tab.lists.count() == 0 and tab.items.rowCount() == 0


def test_a_newer_template_offers_its_new_items(qtbot, store, client_id):
    first = make_tab(qtbot, store, client_id)
    start(first)
    newer = template(
        version=2,
        extra=(Item("travel_doc", "Your travel document", SOURCE, section="Who you are"),),
    )
    tab = make_tab(qtbot, store, client_id, {"protection_test": newer})
    assert tab.update_box.isVisibleTo(tab)
    assert "newer version of this checklist exists (v2)" in tab.update_label.text()
    assert "Your travel document" in tab.update_label.text()
    tab.update_button.click()
    (saved,) = stored(store, client_id)
    assert saved.version == 2 and saved.items[-1].item_id == "travel_doc"
    assert not tab.update_box.isVisibleTo(tab)


def test_key_dates_come_from_the_history_off_the_ui_thread(qtbot, store):
    with store.session() as s:
        cid = import_history(
            s, parse_history(REFUGEE_HISTORY), "Setup", ClientDetails(full_name="Bashir Madeup")
        )
    tab = make_tab(qtbot, store, cid)
    start(tab)
    qtbot.waitUntil(lambda: tab.key_dates() is not None, timeout=10000)
    found = tab.key_dates()
    assert found.dates, found.problems
    assert found == key_dates(parse_history(REFUGEE_HISTORY), ("settlement_protection",), TODAY)
    assert all(d.on >= TODAY for d in found.dates)
    text = tab.dates_label.text()
    assert text.startswith("Key dates from the client's history")
    assert found.dates[0].what in text
    assert sum("Earliest date to apply" in d.what for d in found.dates) == 1
    # On the handout the same dates, without the record references meant for the adviser.
    calls = []
    tab.build_handout = lambda checklist, **kw: calls.append(kw) or b"%PDF-stub"
    tab.handout_factory("en", False)()
    printed = calls[0]["dates"]
    assert [d.on for d in printed] == [d.on for d in found.dates]
    assert any("permissions[0]" in d.what for d in found.dates)
    assert not any("permissions[" in d.what for d in printed)


def test_deadline_words_for_the_client():
    assert (
        client_words("Permission ends (Refugee permission, permissions[0]) on 2026-03-01")
        == "Permission ends (Refugee permission, permission 1) on 1 March 2026"
    )


def test_no_history_no_key_dates(tab):
    start(tab)
    assert not tab.dates_label.isVisibleTo(tab)


def test_handout_inputs_use_translations_and_the_centre_settings(qtbot, tab, store, client_id):
    start(tab)
    tab.select_item("passport")
    qtbot.keyClick(tab.items, Qt.Key.Key_Space)
    tab.ask_new_item = lambda sections, section: ("Letter from the college", "client", "")
    tab.add_item()
    with store.session() as s:
        set_setting(s, CENTRE_NAME_SETTING, "Riverside Advice Drop-in")
        set_setting(s, CENTRE_CONTACT_SETTING, "01632 960123")
    calls = []
    tab.build_handout = lambda checklist, **kw: calls.append((checklist, kw)) or b"%PDF-stub"
    assert tab.handout_factory("ar", True)() == b"%PDF-stub"
    checklist, kw = calls[0]
    assert checklist.id == "protection_test"
    assert (kw["lang"], kw["large_print"], kw["made_on"]) == ("ar", True, TODAY)
    assert (kw["centre_name"], kw["centre_contact"]) == ("Riverside Advice Drop-in", "01632 960123")
    assert (kw["client_name"], kw["adviser"]) == ("Hana Testperson", "Sam Adviser")
    lines = kw["lines"]
    # A template item with an Arabic text prints it; one without keeps the English snapshot;
    # the adviser's own item prints as typed.
    assert [line.text for line in lines] == [
        "تصريح الإقامة الخاص بك",
        "Any passport you hold",
        "Any letters from the police",
        "Letter from the college",
    ]
    assert [(line.done, line.received_on) for line in lines[:2]] == [(False, None), (True, TODAY)]
    assert lines[2].provider == "third_party" and lines[0].section == "Who you are"
    assert kw["dates"] == []  # no history
    tab.handout_factory("en", False)()
    assert calls[1][1]["lines"][0].text == "Your residence permit (BRP) or eVisa share code"


def test_a_list_whose_template_is_gone_still_shows_and_prints(qtbot, store, client_id):
    start(make_tab(qtbot, store, client_id))

    def broken():
        raise ChecklistError("resources/checklists/protection_test.toml, line 4: no title")

    tab = make_tab(qtbot, store, client_id, loader=broken)
    assert "line 4: no title" in tab.status.text()
    assert tab.progress.text() == "0 of 3 received"
    assert tab.items.item(1, 4).text() == ""  # no adviser note without the template
    calls = []
    tab.build_handout = lambda checklist, **kw: calls.append((checklist, kw)) or b"%PDF-stub"
    dialog = tab.handout_dialog()
    qtbot.addWidget(dialog)
    assert "no longer installed" in dialog.summary.text()
    assert dialog.language.count() == 1
    dialog.factory()()
    checklist, kw = calls[0]
    assert checklist.title == "Settlement after refugee status: what to bring"
    assert [line.text for line in kw["lines"]][
        0
    ] == "Your residence permit (BRP) or eVisa share code"


def test_a_task_checklist_without_a_route_shows_the_clients_own_dates(qtbot, store):
    from dataclasses import replace

    from desktop.board import board_route

    with store.session() as s:
        cid = import_history(
            s, parse_history(REFUGEE_HISTORY), "Setup", ClientDetails(full_name="Bashir Madeup")
        )
    task = replace(template(), routes=())  # like "after a refusal": no route of its own
    tab = make_tab(qtbot, store, cid, templates={"protection_test": task})
    start(tab)
    qtbot.waitUntil(lambda: tab.key_dates() is not None, timeout=10000)
    own_route = board_route(parse_history(REFUGEE_HISTORY))[0]
    assert tab.key_dates() == key_dates(parse_history(REFUGEE_HISTORY), (own_route,), TODAY)
    assert tab.key_dates().dates and tab.dates_label.isVisibleTo(tab)


def test_a_key_date_resting_on_an_unrecorded_assumption_says_so():
    # Issue 16: permission ended on 19 October 2026, nothing since. Long residence would be
    # complete in 2028 only if permission continued: that date is never the client's own
    # without saying so, and the status check comes first.
    from desktop.rules.history import History, Permission

    today = date(2026, 12, 6)
    lapsed = History(
        permissions=(
            Permission("student", date(2018, 9, 1), date(2021, 10, 19)),
            Permission("skilled_worker", date(2021, 10, 20), date(2026, 10, 19)),
        )
    )
    found = key_dates(lapsed, ("long_residence",), today)
    assert [d.on for d in found.dates] == [date(2026, 10, 19), date(2028, 8, 4)]
    first, earliest = (d.what for d in found.dates)
    assert first.startswith("Your permission to stay ended on 19 October 2026")
    assert earliest == (
        "Earliest date to apply: Long residence (10 years' lawful residence), only if your "
        "permission continued after 19 October 2026; we need to check your status"
    )
    # The handout prints the same words.
    calls = []
    build = lambda checklist, **kw: calls.append(kw) or b"%PDF-stub"  # noqa: E731
    from desktop.ui.checklists_tab import handout_bytes

    handout_bytes(
        Checklist("x", 1, "X", "", ("long_residence",), {}, (), {}),
        [],
        lang="en",
        large_print=False,
        client_name="",
        centre_name="",
        centre_contact="",
        adviser="",
        made_on=today,
        history=lapsed,
        routes=("long_residence",),
        build=build,
    )
    assert [d.what for d in calls[0]["dates"]] == [first, earliest]
