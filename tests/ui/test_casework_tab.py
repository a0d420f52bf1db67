"""Issue 22, the client page's Casework tab: the client's reminders at the top (each with its
date, sentence and rule; the level check offering "Refer…"), the sections (matters, visits,
letters, complaints, consents, access requests), adding, editing and closing a matter, logging
a visit with Ctrl+Shift+V, kept drafts of its forms, the strip showing casework reminders, and
the keyboard (accessible names, tab order, one Alt letter per thing)."""

from datetime import date

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog, QTableWidget

from desktop.datetext import long_date
from desktop.rules.history import History, Permission
from desktop.store import casework as cw
from desktop.store import drafts
from desktop.store.repository import ClientDetails, audit_of, create_client, save_history
from desktop.ui import casework_tab, client_page, kept_drafts
from desktop.ui.access_request_dialog import AccessRequestDialog
from desktop.ui.casework_form import ACCESS_REQUEST_DRAFT, COMPLAINT_DRAFT, CONSENT_DRAFT
from desktop.ui.casework_tab import SECTIONS, CaseworkTab
from desktop.ui.client_page import TABS, ClientPage
from desktop.ui.client_tab import CASEWORK, ClientChanges, ClientTab
from desktop.ui.complaint_dialog import ComplaintDialog
from desktop.ui.letter_dialog import LETTER_DRAFT, LetterDialog
from desktop.ui.matter_dialog import MATTER_DRAFT, MatterDialog
from desktop.ui.visit_dialog import VISIT_DRAFT, VisitDialog
from desktop.ui.widgets import form_feedback

TODAY = date(2026, 12, 7)
ADVISER = "Sam Adviser"


@pytest.fixture(autouse=True)
def say_yes(monkeypatch):
    monkeypatch.setattr(form_feedback, "confirm", lambda *a, **k: True)


@pytest.fixture
def client_id(store):
    with store.session() as s:
        cid = create_client(
            s, ClientDetails(full_name="Amina Testcase", date_of_birth=date(1990, 5, 1)), "Setup"
        )
        save_history(
            s,
            cid,
            History(permissions=(Permission("partner_5y", date(2024, 1, 1), date(2027, 6, 1)),)),
            "Setup",
        )
        cw.set_adviser_level(s, ADVISER, 1, None, "Setup")
    return cid


@pytest.fixture
def busy_client(store, client_id):
    """A Level 1 adviser on an appeal (needs Level 3), a complaint not acknowledged and a
    subject access request not answered."""
    with store.session() as s:
        cw.add_matter(
            s,
            client_id,
            cw.MatterEntry(
                category="appeal", opened=date(2026, 11, 2), title="Appeal", adviser=ADVISER
            ),
            ADVISER,
        )
        cw.add_complaint(
            s,
            client_id,
            cw.ComplaintEntry(received_on=date(2026, 12, 1), summary="Waited", adviser=ADVISER),
            ADVISER,
        )
        cw.add_access_request(
            s,
            client_id,
            cw.AccessRequestEntry(asked_on=date(2026, 11, 20), adviser=ADVISER),
            ADVISER,
        )
    return client_id


def open_page(qtbot, store, client_id) -> ClientPage:
    page = ClientPage()
    qtbot.addWidget(page)
    page.set_context(store, ADVISER, lambda: TODAY)
    page.resize(1100, 760)
    page.show_client(client_id)
    page.show()
    page.tabs.setCurrentWidget(page.casework_tab)
    return page


class Runner:
    """Stands in for exec(): fills the form with `fill`, presses Save, says whether it wrote."""

    def __init__(self, fill=None, save: bool = True):
        self.fill = fill
        self.save = save
        self.seen: list[QDialog] = []

    def __call__(self, dialog: QDialog) -> bool:
        self.seen.append(dialog)
        if self.fill is not None:
            self.fill(dialog)
        if self.save:
            dialog.save()
        else:
            dialog.reject()
        return dialog.result() == QDialog.DialogCode.Accepted


# ---- one tab among the others -------------------------------------------------------------------


def test_the_casework_tab_is_the_eighth_tab_with_ctrl_8(qtbot, store, client_id):
    assert TABS[-1] == ("casework_tab", CaseworkTab)
    page = open_page(qtbot, store, client_id)
    index = page.tabs.indexOf(page.casework_tab)
    assert index == 7 and page.tabs.tabText(index) == "Casework"
    assert page.tabs.tabToolTip(index) == "Casework (Ctrl+8)"
    assert page.casework_tab.accessibleName() == "Casework tab"
    tab = CaseworkTab()
    assert isinstance(tab, ClientTab)
    assert tab.writes == {"casework_changed": frozenset({CASEWORK})}
    tab.deleteLater()


# ---- reminders ------------------------------------------------------------------------------------


def test_reminders_show_date_sentence_and_rule_attention_first(qtbot, store, busy_client):
    page = open_page(qtbot, store, busy_client)
    lines = page.casework_tab.reminder_lines()
    joined = "\n".join(lines)
    assert "Needs a higher OISC level: 'Appeal' needs an adviser at OISC Level 3" in joined
    assert "OISC Guidance on Competence 2021" in joined
    assert (
        "Complaint not acknowledged" in joined and "OISC Code of Standards 2016 code 79" in joined
    )
    assert "Client's subject access request" in joined and "UK GDPR art. 12(3)" in joined
    # Dates written out, never ISO; the ones needing the adviser now come first.
    assert "2026-11-20" not in joined and "20 November 2026" in joined
    dates = [line.split(" | ")[0] for line in lines]
    first_dated = next(i for i, d in enumerate(dates) if d != "Now")
    assert all(d == "Now" for d in dates[:first_dated])
    assert all(d != "Now" for d in dates[first_dated:])
    # The access request: the last day moves off the weekend to Monday 21 December.
    assert any(line.startswith("21 Dec 2026 | Client's subject access request") for line in lines)


def test_a_client_with_no_casework_has_only_the_retention_review(qtbot, store, client_id):
    page = open_page(qtbot, store, client_id)
    tab = page.casework_tab
    (line,) = tab.reminder_lines()
    assert line.startswith("7 Dec 2032 | Retention review:")
    assert line.endswith("| OISC Code of Standards 2016 code 57")
    assert not tab.level_frame.isVisibleTo(tab)


def test_no_reminders_says_so(qtbot, store, client_id, monkeypatch):
    monkeypatch.setattr(cw, "reminders_for", lambda *a, **k: ())
    page = open_page(qtbot, store, client_id)
    tab = page.casework_tab
    assert tab.reminder_lines() == []
    assert tab.reminders_empty.isVisibleTo(tab)
    assert tab.reminders_empty.text() == "No casework reminders for this client."
    assert not tab.level_frame.isVisibleTo(tab)


def test_the_level_check_offers_refer_as_the_pages_button_does(qtbot, store, busy_client):
    page = open_page(qtbot, store, busy_client)
    tab = page.casework_tab
    assert tab.level_frame.isVisibleTo(tab) and tab.refer_button.isVisibleTo(tab)
    assert "higher OISC level" in tab.level_line.text()
    with qtbot.waitSignal(page.refer_requested) as heard:
        tab.refer_button.click()
    assert heard.args == [busy_client]


def test_the_matters_table_shows_the_level_needed_against_the_advisers(qtbot, store, busy_client):
    page = open_page(qtbot, store, busy_client)
    table = page.casework_tab.matters
    assert table.rowCount() == 1
    cells = [table.item(0, c).text() for c in range(table.columnCount())]
    assert cells[0] == "Appeal" and cells[1] == "Appeal to the Tribunal"
    assert cells[2] == "L3 needed · adviser L1"
    assert cells[3] == "2 Nov 2026" and cells[4] == "none yet" and cells[5] == "open"
    assert page.casework_tab.sections.tabText(0) == "Matters (1)"


def test_the_strip_shows_casework_reminders_too(qtbot, store, busy_client):
    page = ClientPage()
    qtbot.addWidget(page)
    page.set_context(store, ADVISER, lambda: TODAY)
    with qtbot.waitSignal(page.deadlines_ready, timeout=10_000):
        page.show_client(busy_client)
    lines = page.deadline_strip.lines()
    assert any(line.startswith("Needs a higher OISC level") for line in lines)
    assert any(line.startswith("Complaint not acknowledged") for line in lines)
    assert any(line.startswith("Client's subject access request") for line in lines)
    assert any(line.startswith("Permission ends") for line in lines)  # the history's still


# ---- matters: add, edit, close ---------------------------------------------------------------------


def test_new_matter_is_saved_shown_and_broadcast(qtbot, store, client_id):
    page = open_page(qtbot, store, client_id)
    tab = page.casework_tab

    def fill(dialog: MatterDialog) -> None:
        dialog.title_field.setText("Partner extension")
        dialog.category_field.setCurrentIndex(dialog.category_field.findData("partner"))

    tab.run_dialog = Runner(fill)
    with qtbot.waitSignal(page.changes_broadcast) as heard:
        tab.matter_button.click()
    assert heard.args == [ClientChanges(client_id, frozenset({CASEWORK}))]
    with store.read_session() as s:
        (matter,) = cw.casework_of(s, client_id).matters
        trail = [a.action for a in audit_of(s, client_id)]
    assert (matter.title, matter.category, matter.adviser, matter.opened) == (
        "Partner extension",
        "partner",
        ADVISER,
        TODAY,
    )
    assert "matter.add" in trail
    assert tab.matters.item(0, 0).text() == "Partner extension"
    assert tab.matters.item(0, 2).text() == "L1 needed · adviser L1"
    assert tab.status.text() == "Matter saved."
    # The Notes tab (reloaded off the UI thread) names the action in words.
    audit = page.notes_tab.audit
    qtbot.waitUntil(lambda: audit.rowCount() > 0 and audit.item(0, 2).text() == "Matter opened")


def test_edit_then_close_a_matter_asks_for_an_outcome(qtbot, store, busy_client):
    page = open_page(qtbot, store, busy_client)
    tab = page.casework_tab
    with store.read_session() as s:
        (matter,) = cw.casework_of(s, busy_client).matters
    assert tab.select("matters", matter.id)

    def retitle(dialog):
        dialog.title_field.setText("Appeal (FtT)")

    tab.run_dialog = Runner(retitle)
    assert tab.edit_selected()
    assert tab.matters.item(0, 0).text() == "Appeal (FtT)"

    # Closing with no outcome: the form stays open and says which field.
    kept: list[MatterDialog] = []

    def no_outcome(dialog):
        kept.append(dialog)
        assert dialog.windowTitle() == "Close matter"
        assert dialog.closed_field.date() == TODAY  # closing puts today in
        dialog.save()
        assert dialog.result() != QDialog.DialogCode.Accepted
        assert any(m.startswith("Outcome:") for m in dialog.errors.messages())
        assert dialog.outcome_field.accessibleDescription().startswith("Outcome:")
        dialog.outcome_field.setCurrentIndex(dialog.outcome_field.findData("referred_on"))

    tab.select("matters", matter.id)
    assert tab.close_button.isEnabled()
    tab.run_dialog = Runner(no_outcome)
    assert tab.close_matter()
    with store.read_session() as s:
        (closed,) = cw.casework_of(s, busy_client).matters
    assert (closed.closed, closed.outcome, closed.title) == (TODAY, "referred_on", "Appeal (FtT)")
    cells = [tab.matters.item(0, c).text() for c in range(tab.matters.columnCount())]
    assert cells[5] == "7 Dec 2026" and cells[6].startswith("Referred on")
    # A closed matter needs no level check: the red line and Refer go.
    assert not tab.level_frame.isVisibleTo(tab)
    tab.select("matters", matter.id)
    assert not tab.close_button.isEnabled()


def test_refer_from_the_matter_form_saves_then_asks_the_page(qtbot, store, client_id):
    page = open_page(qtbot, store, client_id)
    tab = page.casework_tab

    def appeal_then_refer(dialog: MatterDialog) -> None:
        dialog.title_field.setText("Appeal")
        dialog.category_field.setCurrentIndex(dialog.category_field.findData("appeal"))
        assert dialog.refer_button.isVisibleTo(dialog)
        dialog.refer_button.click()

    tab.run_dialog = Runner(appeal_then_refer, save=False)
    tab.run_dialog.save = False
    heard = []
    page.refer_requested.connect(heard.append)

    def run(dialog):
        appeal_then_refer(dialog)
        return dialog.result() == QDialog.DialogCode.Accepted

    tab.run_dialog = run
    assert tab.new_matter()
    assert heard == [client_id]
    with store.read_session() as s:
        assert [m.title for m in cw.casework_of(s, client_id).matters] == ["Appeal"]


# ---- visits -----------------------------------------------------------------------------------


def test_ctrl_shift_v_logs_a_visit_from_anywhere_on_the_page(qtbot, store, client_id):
    page = open_page(qtbot, store, client_id)
    page.tabs.setCurrentWidget(page.notes_tab)
    tab = page.casework_tab

    def fill(dialog: VisitDialog) -> None:
        assert dialog.windowTitle() == "Log a visit"
        assert dialog.on_field.date() == TODAY and dialog.adviser_field.text() == ADVISER
        dialog.how_field.setCurrentIndex(dialog.how_field.findData("phone"))
        dialog.minutes_field.setValue(25)
        dialog.asked_field.setPlainText("Can I travel while my extension is pending?")
        dialog.advice_field.setPlainText("Not without the application being withdrawn.")

    runner = Runner(fill)
    tab.run_dialog = runner
    qtbot.waitExposed(page)
    page.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is page)
    page.notes_tab.editor.setFocus()
    qtbot.keyClick(
        page.notes_tab.editor,
        Qt.Key.Key_V,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    assert len(runner.seen) == 1 and isinstance(runner.seen[0], VisitDialog)
    assert page.tabs.currentWidget() is tab
    assert tab.sections.currentWidget() is tab.visits
    cells = [tab.visits.item(0, c).text() for c in range(tab.visits.columnCount())]
    assert cells[:4] == ["7 Dec 2026", "Phone", ADVISER, "25"]
    assert cells[5].startswith("Can I travel")
    assert page.notes_tab.editor.toPlainText() == ""  # the note box got no "V"
    with store.read_session() as s:
        (visit,) = cw.casework_of(s, client_id).visits
    assert visit.minutes == 25 and visit.how == "phone"


def test_the_f1_list_names_ctrl_shift_v(qtbot, store, client_id):
    page = open_page(qtbot, store, client_id)
    shortcut = page.log_visit_shortcut
    assert shortcut.key().toString() == "Ctrl+Shift+V"
    assert shortcut.whatsThis() == "Log a visit for the client shown (Casework tab)"
    assert shortcut.context() == Qt.ShortcutContext.WindowShortcut


def test_visits_are_the_history_of_contacts_newest_first(qtbot, store, client_id):
    with store.session() as s:
        for day, asked in ((date(2026, 10, 1), "first"), (date(2026, 12, 2), "latest")):
            cw.add_visit(s, client_id, cw.VisitEntry(on=day, adviser=ADVISER, asked=asked), ADVISER)
    page = open_page(qtbot, store, client_id)
    table = page.casework_tab.visits
    assert [table.item(r, 5).text() for r in range(table.rowCount())] == ["latest", "first"]
    assert page.casework_tab.sections.tabText(1) == "Visits (2)"


# ---- nothing typed is lost ------------------------------------------------------------------------


def test_a_visit_kept_over_a_lock_is_offered_back_and_restored(qtbot, store, client_id):
    page = open_page(qtbot, store, client_id)
    tab = page.casework_tab
    kept: list[kept_drafts.Draft] = []

    def lock_while_open(dialog: VisitDialog) -> bool:
        dialog.asked_field.setPlainText("Half typed question")
        draft = kept_drafts.from_dialog(dialog, client_id)  # as the window's lock does
        kept.append(draft)
        kept_drafts.keep_now(store, draft)
        dialog.closed_by_lock = True
        dialog.reject()
        return False

    tab.run_dialog = lock_while_open
    assert not tab.log_visit()
    (draft,) = kept
    assert draft.kind == VISIT_DRAFT and draft.words() == "a 'Log a visit' form"
    with store.read_session() as s:
        assert drafts.get(s, client_id, VISIT_DRAFT) is not None  # not forgotten by the tab
    # Opening the client again offers it; Restore opens the form with what was typed.
    page.show_client(client_id)
    assert VISIT_DRAFT in page.draft_banner.kinds()

    def check_and_save(dialog: VisitDialog) -> bool:
        assert dialog.asked_field.toPlainText() == "Half typed question"
        dialog.save()
        return dialog.result() == QDialog.DialogCode.Accepted

    tab.run_dialog = check_and_save
    page.restore_draft(VISIT_DRAFT)
    with store.read_session() as s:
        assert drafts.get(s, client_id, VISIT_DRAFT) is None  # dropped with the save
        assert [v.asked for v in cw.casework_of(s, client_id).visits] == ["Half typed question"]


def test_a_matter_draft_is_offered_back_too(qtbot, store, client_id):
    with store.session() as s:
        drafts.put(
            s,
            client_id,
            MATTER_DRAFT,
            {
                "fields": {"title": "Fee waiver", "category": "fee_waiver"},
                "_label": "a 'New matter' form",
            },
        )
    page = open_page(qtbot, store, client_id)
    assert MATTER_DRAFT in page.draft_banner.kinds()
    seen = []

    def look(dialog: MatterDialog) -> bool:
        seen.append((dialog.title_field.text(), dialog.category_field.currentData()))
        dialog.reject()
        return False

    page.casework_tab.run_dialog = look
    page.restore_draft(MATTER_DRAFT)
    assert seen == [("Fee waiver", "fee_waiver")]
    with store.read_session() as s:
        assert drafts.get(s, client_id, MATTER_DRAFT) is None  # cancelled: it goes


@pytest.mark.parametrize(
    ("kind", "section", "dialog_class", "field"),
    [
        (COMPLAINT_DRAFT, "complaints", ComplaintDialog, "outcome"),
        (ACCESS_REQUEST_DRAFT, "access_requests", AccessRequestDialog, "note"),
    ],
)
def test_a_record_form_kept_over_a_lock_reopens_on_the_row_it_was_editing(
    qtbot, store, busy_client, kind, section, dialog_class, field
):
    page = open_page(qtbot, store, busy_client)
    tab = page.casework_tab
    (row,) = getattr(tab.view().casework, section)
    tab.sections.setCurrentWidget(getattr(tab, section))
    tab.select(section, row.id)

    def lock_while_open(dialog) -> bool:
        getattr(dialog, field).setPlainText("Typed before the lock")
        kept_drafts.keep_now(store, kept_drafts.from_dialog(dialog, busy_client))
        dialog.closed_by_lock = True
        dialog.reject()
        return False

    tab.run_dialog = lock_while_open
    assert not tab.edit_selected()
    with store.read_session() as s:
        assert drafts.get(s, busy_client, kind) is not None  # not forgotten by the tab
    page.show_client(busy_client)
    assert kind in page.draft_banner.kinds()
    seen = []

    def check_and_save(dialog) -> bool:
        seen.append((type(dialog), dialog.editing.id, getattr(dialog, field).toPlainText()))
        dialog.save()
        return dialog.result() == QDialog.DialogCode.Accepted

    tab.run_dialog = check_and_save
    page.restore_draft(kind)
    assert seen == [(dialog_class, row.id, "Typed before the lock")]
    with store.read_session() as s:
        assert drafts.get(s, busy_client, kind) is None  # dropped with the save
        (saved,) = getattr(cw.casework_of(s, busy_client), section)
    assert saved.id == row.id and getattr(saved, field) == "Typed before the lock"


def test_a_letter_draft_is_offered_back_and_a_gone_row_opens_a_new_form(qtbot, store, client_id):
    with store.session() as s:
        drafts.put(
            s,
            client_id,
            LETTER_DRAFT,
            {"fields": {"kind": "closing", "part.progress": "Typed"}, "_label": "a letter form"},
        )
        drafts.put(
            s,
            client_id,
            CONSENT_DRAFT,
            {"fields": {"note": "For a row since erased"}, "row_id": 9999},
        )
    page = open_page(qtbot, store, client_id)
    assert {LETTER_DRAFT, CONSENT_DRAFT} <= set(page.draft_banner.kinds())
    seen = []

    def look(dialog) -> bool:
        if isinstance(dialog, LetterDialog):
            seen.append((dialog.kind.currentData(), dialog.part_value("progress")))
        else:
            seen.append((dialog.editing, dialog.note.toPlainText()))
        dialog.reject()
        return False

    page.casework_tab.run_dialog = look
    page.restore_draft(LETTER_DRAFT)
    page.restore_draft(CONSENT_DRAFT)
    assert seen == [("closing", "Typed"), (None, "For a row since erased")]
    with store.read_session() as s:  # cancelled: they go
        assert drafts.get(s, client_id, LETTER_DRAFT) is None
        assert drafts.get(s, client_id, CONSENT_DRAFT) is None


# ---- keyboard and names ---------------------------------------------------------------------------


def test_every_section_and_button_has_a_name_and_is_reached_by_tab(qtbot, store, busy_client):
    page = open_page(qtbot, store, busy_client)
    tab = page.casework_tab
    for attribute, _title in SECTIONS:
        table = getattr(tab, attribute)
        assert isinstance(table, QTableWidget) and table.accessibleName()
        assert table.focusPolicy() & Qt.FocusPolicy.TabFocus
        assert not table.tabKeyNavigation()  # Tab leaves the table
    buttons = [
        tab.visit_button,
        tab.matter_button,
        tab.edit_button,
        tab.close_button,
        tab.letter_button,
        tab.copy_button,
        tab.delete_visit_button,
        tab.complaint_button,
        tab.consent_button,
        tab.access_button,
        tab.refer_button,
    ]
    assert all(b.accessibleName() for b in buttons)
    assert tab.reminders.accessibleName() == "Casework reminders"
    # Tab goes reminders -> Refer -> the section tabs -> the table -> the buttons, in order.
    tab.reminders.setFocus()
    order = [tab.reminders]
    widget = tab.reminders
    for _ in range(6):
        widget = widget.nextInFocusChain()
        while not (
            widget.isVisible()
            and widget.isEnabled()
            and widget.focusPolicy() & Qt.FocusPolicy.TabFocus
        ):
            widget = widget.nextInFocusChain()
        order.append(widget)
    assert order[1] is tab.refer_button
    assert tab.matters in order
    assert order.index(tab.matters) < order.index(tab.visit_button)


def test_enter_in_a_table_edits_the_row(qtbot, store, busy_client):
    page = open_page(qtbot, store, busy_client)
    tab = page.casework_tab
    runner = Runner(save=False)
    tab.run_dialog = runner
    tab.matters.setFocus()
    tab.matters.selectRow(0)
    qtbot.keyClick(tab.matters, Qt.Key.Key_Return)
    assert len(runner.seen) == 1 and runner.seen[0].windowTitle() == "Edit matter"


# ---- a copy of a letter, a visit logged by mistake, a reminder's record -----------------------


def _record_letter(store, client_id, **fields) -> int:
    typed = {
        "centre_name": "Riverside Advice",
        "centre_contact": "1 Mill Lane, Riverside",
        "oisc_number": "F202600001",
        "client_name": "Amina Testcase",
        "adviser": ADVISER,
        "status_summary": "Partner visa until 1 June 2027",
        "progress": "We sent your papers on 1 December.",
        "next_steps": "Bring six months of payslips.",
        **fields,
    }
    with store.session() as s:
        return cw.record_letter(
            s,
            client_id,
            cw.LetterEntry(kind="update", on=date(2026, 12, 2), adviser=ADVISER, fields=typed),
            ADVISER,
        )


def _pdf_text(path) -> str:
    return " ".join(" ".join(p.extract_text().split()) for p in PdfReader(path).pages)


def test_a_copy_of_a_letter_sent_has_its_words_and_date(qtbot, store, client_id, tmp_path):
    letter_id = _record_letter(store, client_id)
    page = open_page(qtbot, store, client_id)
    tab = page.casework_tab
    assert not tab.copy_button.isEnabled()  # only on Letters sent
    tab.select("letters", letter_id)
    assert tab.copy_button.isEnabled() and not tab.delete_visit_button.isEnabled()
    asked = []
    tab.ask_path = lambda suggested: asked.append(suggested) or tmp_path / "copy.pdf"
    tab.letters.setFocus()
    with qtbot.waitSignal(tab.print_copy().finished, timeout=20_000):
        pass
    assert asked == [f"letter-update-client-{client_id}-2026-12-02.pdf"]  # no name in it
    text = _pdf_text(tmp_path / "copy.pdf")
    assert "We sent your papers on 1 December." in text
    assert "2 December 2026" in text and "DRAFT" not in text  # the day it was sent
    assert tab.status.text() == "Copy saved as copy.pdf."
    # Enter on Letters sent prints a copy too; cancelling the file dialog writes nothing.
    tab.ask_path = lambda suggested: asked.append(suggested) and None
    qtbot.keyClick(tab.letters, Qt.Key.Key_Return)
    assert len(asked) == 2


def test_a_copy_of_a_record_missing_a_part_says_draft(qtbot, store, client_id, tmp_path):
    letter_id = _record_letter(store, client_id, oisc_number="")
    page = open_page(qtbot, store, client_id)
    tab = page.casework_tab
    tab.select("letters", letter_id)
    tab.ask_path = lambda _suggested: tmp_path / "copy.pdf"
    with qtbot.waitSignal(tab.print_copy().finished, timeout=20_000):
        pass
    assert "DRAFT" in _pdf_text(tmp_path / "copy.pdf")
    assert tab.status.text() == "Copy saved as copy.pdf (a DRAFT: a part is missing)."


def test_a_visit_logged_by_mistake_is_deleted_after_asking(qtbot, store, client_id, monkeypatch):
    with store.session() as s:
        visit_id = cw.add_visit(
            s, client_id, cw.VisitEntry(on=TODAY, adviser=ADVISER, asked="Wrong client"), ADVISER
        )
    page = open_page(qtbot, store, client_id)
    tab = page.casework_tab
    tab.select("visits", visit_id)
    assert tab.delete_visit_button.isEnabled()
    asked = []
    monkeypatch.setattr(form_feedback, "confirm", lambda *a, **k: asked.append(a[2]) or False)
    tab.visits.setFocus()
    qtbot.keyClick(tab.visits, Qt.Key.Key_Delete)
    assert asked == [
        f"Delete the visit of {long_date(TODAY)} ({ADVISER})? The audit log keeps that it was "
        "deleted, not what it said."
    ]
    with store.read_session() as s:
        assert len(cw.casework_of(s, client_id).visits) == 1  # "Cancel": still there
    monkeypatch.setattr(form_feedback, "confirm", lambda *a, **k: True)
    assert tab.delete_visit()
    with store.read_session() as s:
        assert cw.casework_of(s, client_id).visits == ()
        trail = [a.action for a in audit_of(s, client_id)]
    assert "visit.delete" in trail
    assert tab.visits.rowCount() == 0 and tab.status.text() == "Visit deleted."
    assert not tab.delete_visit()  # nothing picked: says so
    assert tab.status.text() == "Pick a row in the Visits table first."


def test_picking_a_reminder_shows_its_record_below(qtbot, store, busy_client):
    page = open_page(qtbot, store, busy_client)
    tab = page.casework_tab
    (complaint,) = tab.view().casework.complaints
    row = next(
        r
        for r in range(tab.reminders.rowCount())
        if tab.reminders.item(r, 0).data(casework_tab.RecordRole) == ("complaints", complaint.id)
    )
    tab.reminders.setFocus()
    tab.reminders.selectRow(row)
    assert tab.sections.currentWidget() is tab.complaints
    assert tab._selected_id(tab.complaints) == complaint.id
    assert page.focusWidget() is tab.reminders  # the keyboard stays on the reminders
    matter_row = next(
        r
        for r in range(tab.reminders.rowCount())
        if (tab.reminders.item(r, 0).data(casework_tab.RecordRole) or ("",))[0] == "matters"
    )
    tab.reminders.selectRow(matter_row)
    assert tab.sections.currentWidget() is tab.matters
    assert tab.selected_matter() is not None


def test_every_alt_letter_on_the_casework_tab_is_one_thing(qtbot, tmp_path):
    from desktop.store.database import Store
    from desktop.store.lock import InstanceLock
    from desktop.ui.main_window import MainWindow
    from tests.ui.test_keyboard_words import CHEAP_KDF, PASSPHRASE, visible_mnemonics

    folder = tmp_path / "data"
    created = Store.create(folder, PASSPHRASE, CHEAP_KDF)
    with created.session() as s:
        cid = create_client(s, ClientDetails(full_name="Quentin Placeholder"), "Setup")
    created.close()
    lock = InstanceLock(folder)
    lock.acquire()
    window = MainWindow(folder, lock, kdf_costs=CHEAP_KDF, ask_adviser=False)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    window.unlock_page.passphrase.setText(PASSPHRASE)
    qtbot.keyClick(window.unlock_page.passphrase, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.workspace, timeout=10_000)
    window._show_client(cid)
    window.client_page.tabs.setCurrentWidget(window.client_page.casework_tab)
    qtbot.wait(10)
    seen: dict[str, str] = {}
    clashes = []
    for letter, text in visible_mnemonics(window):
        if letter in seen:
            clashes.append(f"Alt+{letter.upper()}: {seen[letter]!r} and {text!r}")
        seen.setdefault(letter, text)
    assert clashes == []
    # File > Log a visit… names the keys the page holds (not bound twice).
    action = window.log_visit_action
    assert action.text().endswith("\tCtrl+Shift+V") and action.shortcut().isEmpty()
    ran = []
    window.client_page.casework_tab.run_dialog = lambda dialog: ran.append(dialog) or False
    action.trigger()
    assert len(ran) == 1 and isinstance(ran[0], VisitDialog)


def test_adding_a_tab_keeps_the_page_listing_them_once():
    assert [name for name, _cls in client_page.TABS].count("casework_tab") == 1


# ---- the deadlines board ----------------------------------------------------------------------------


def test_the_board_filters_all_casework_reminders_at_once(qtbot):
    from datetime import timedelta

    from desktop.board import BoardData, ClientEntry, Item
    from desktop.ui.deadlines_page import CASEWORK_GROUP, CASEWORK_KINDS, DeadlinesPage

    def item(days, what, kind, status="upcoming"):
        return Item(TODAY + timedelta(days=days), what, "rule", None, kind, status)

    data = BoardData.from_entries(
        TODAY,
        [
            ClientEntry(1, "Zara", "Ann", (item(3, "Appeal by", "appeal"),)),
            ClientEntry(
                2,
                "Yusuf",
                "Ann",
                (
                    item(5, "Send the client a written update", "written_update"),
                    item(-2, "Needs Level 3", "level_check", "attention"),
                ),
            ),
        ],
    )
    page = DeadlinesPage()
    qtbot.addWidget(page)
    page.set_data(data)
    assert set(CASEWORK_KINDS) == {
        "written_update",
        "outcome_letter",
        "client_access_request",
        "consent_renewal",
        "consent_missing",
        "retention_review",
        "complaint",
        "level_check",
    }
    combo = page.kind_filter
    combo.setCurrentIndex(combo.findData(CASEWORK_GROUP))
    kinds = [page.model.rows()[r].kind for r in range(page.model.rowCount())]
    assert sorted(kinds) == ["level_check", "written_update"]
    assert page.filters_in_words() == ["kind Casework reminders (all)"]
    # Each casework kind has its own entry too, with the engine's label; the attention one is red.
    combo.setCurrentIndex(combo.findData("level_check"))
    assert page.model.rowCount() == 1
    assert page.model.index(0, 4).data() == "Needs a higher OISC level"
    assert page.model.index(0, 1).data() == "Needs attention now"


def test_the_other_forms_open_from_the_tab(qtbot, store, busy_client):
    page = open_page(qtbot, store, busy_client)
    tab = page.casework_tab
    opened = []

    def look(dialog) -> bool:
        opened.append(type(dialog).__name__)
        dialog.closed_by_lock = True  # close without asking
        dialog.reject()
        return False

    tab.run_dialog = look
    tab.print_letter()
    tab.complaint_button.click()
    tab.consent_button.click()
    tab.access_button.click()
    tab.select("complaints", tab.view().casework.complaints[0].id)
    tab.edit_selected()
    assert opened == [
        "LetterDialog",
        "ComplaintDialog",
        "ConsentDialog",
        "AccessRequestDialog",
        "ComplaintDialog",
    ]
