"""Issue 22: the letter dialog. The parts start filled in from the matter, its last visit, the
client and Settings; what is missing is listed live (the letter then says DRAFT); Save PDF…
writes off the UI thread (owner-only); a final letter is recorded as sent, a client care letter
with the client's agreement on its matter, in one transaction."""

from __future__ import annotations

import datetime as dt
import io
import os
import stat

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QApplication, QDialog, QLabel

from desktop.store import drafts, repository
from desktop.store.casework import (
    MatterEntry,
    VisitEntry,
    add_matter,
    add_visit,
    casework_of,
    set_complaints_procedure,
    set_oisc_number,
)
from desktop.ui import kept_drafts
from desktop.ui.letter_dialog import KIND_PARTS, LETTER_DRAFT, LetterDialog, client_language
from desktop.ui.widgets import form_feedback

TODAY = dt.date(2026, 12, 7)
WAIT = 20_000


@pytest.fixture(autouse=True)
def discard_is_answered(monkeypatch):
    """A form left with something typed asks before closing (a kept draft otherwise): when
    qtbot closes it at the end of a test the answer is Discard, so no modal question waits.
    Tests that look at the question replace `form_feedback.confirm` themselves."""
    monkeypatch.setattr(form_feedback, "confirm", lambda *_args, **_kwargs: True)


def today() -> dt.date:
    return TODAY


def _client(store, languages="Arabic, English"):
    with store.session() as s:
        cid = repository.create_client(
            s,
            repository.ClientDetails(
                full_name="Amina Test",
                languages=languages,
                address="1 Mill Lane\nRiverside",
                status_summary="Spouse visa until 2027",
            ),
            "Sam",
        )
        mid = add_matter(
            s,
            cid,
            MatterEntry(
                category="partner",
                opened=dt.date(2026, 11, 2),
                title="Partner extension",
                adviser="Sam",
            ),
            "Sam",
        )
        add_visit(
            s,
            cid,
            VisitEntry(
                on=dt.date(2026, 11, 2),
                adviser="Sam",
                matter_id=mid,
                asked="Help to extend the visa",
                advice="Apply before the visa ends",
                next_steps="Bring six months of payslips",
            ),
            "Sam",
        )
    return cid, mid


def _settings(store):
    with store.session() as s:
        repository.set_setting(s, "centre_name", "Riverside Advice")
        repository.set_setting(s, "centre_contact", "01632 960123")
        set_oisc_number(s, "F202600001")
        set_complaints_procedure(s, "Tell the manager; we answer within 14 days.")


@pytest.fixture
def client(store):
    return _client(store)


def show(qtbot, dialog):
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_the_parts_start_from_the_matter_its_last_visit_the_client_and_settings(
    qtbot, store, client
):
    cid, mid = client
    _settings(store)
    dialog = show(qtbot, LetterDialog(store, cid, "Sam", today, matter_id=mid, kind="client_care"))
    assert dialog.kind.currentData() == "client_care"
    assert dialog.matter.currentData() == mid
    assert dialog.part_value("matter_title") == "Partner extension"
    assert dialog.part_value("category_label").startswith("Partner")
    assert dialog.part_value("instructions") == "Help to extend the visa"
    assert dialog.part_value("advice_given") == "Apply before the visa ends"
    assert dialog.part_value("status_summary") == "Spouse visa until 2027"
    assert dialog.part_value("oisc_number") == "F202600001"
    assert dialog.part_value("complaints_procedure").startswith("Tell the manager")
    assert dialog.part_value("client_address") == "1 Mill Lane\nRiverside"
    # The client's language, since the letter is translated into it.
    assert dialog.language.currentData() == "ar"
    assert dialog.translation.isVisibleTo(dialog)  # not checked by a native speaker yet


def test_an_incomplete_letter_lists_what_is_missing_and_cannot_be_recorded(qtbot, store, client):
    cid, mid = client
    dialog = show(qtbot, LetterDialog(store, cid, "Sam", today, matter_id=mid, kind="client_care"))
    problems = dialog.problems()
    assert "No centre name (Settings)" in problems
    assert "No OISC number (Settings)" in problems
    assert "No work agreed" in problems and "No timeframe for the work" in problems
    assert dialog.missing_title.text() == "Not final: the letter will say DRAFT"
    assert "• No work agreed" in dialog.missing.text()
    assert dialog.missing.accessibleName() == "What is missing"
    assert not dialog.record_button.isEnabled()
    assert dialog.record_as_sent() is False
    # Live: typing a part takes it off the list.
    dialog.set_part("work_agreed", "Fill in the form and send it")
    assert "No work agreed" not in dialog.problems()
    assert "• No work agreed" not in dialog.missing.text()
    with store.read_session() as s:
        assert casework_of(s, cid).letters == ()


def test_a_draft_pdf_is_saved_off_the_ui_thread_readable_by_its_owner_only(
    qtbot, store, client, tmp_path
):
    from pypdf import PdfReader

    cid, mid = client
    dialog = show(qtbot, LetterDialog(store, cid, "Sam", today, matter_id=mid, kind="update"))
    dialog.language.setCurrentIndex(dialog.language.findData("en"))
    target = tmp_path / "letter.pdf"
    dialog.ask_path = lambda: target
    assert dialog.save_pdf() is not None
    qtbot.waitUntil(target.exists, timeout=WAIT)
    qtbot.waitUntil(lambda: "Letter saved" in dialog.toolTip(), timeout=WAIT)
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o600
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(target.read_bytes())).pages)
    assert "DRAFT" in text
    assert dialog.isVisible()  # still open: to record it as sent once it is final
    with store.read_session() as s:
        assert casework_of(s, cid).letters == ()


def test_a_final_client_care_letter_is_recorded_with_the_clients_agreement(qtbot, store, client):
    cid, mid = client
    _settings(store)
    dialog = show(qtbot, LetterDialog(store, cid, "Sam", today, matter_id=mid, kind="client_care"))
    dialog.language.setCurrentIndex(dialog.language.findData("en"))
    dialog.set_part("work_agreed", "Fill in the form and send it")
    dialog.set_part("timeframe", "About four weeks")
    dialog.set_part("costs", "Free")
    assert dialog.problems() == []
    assert dialog.missing_title.text() == "Final"
    assert dialog.record_button.isEnabled()
    dialog.agreed.setChecked(True)
    dialog.agreed_how.setCurrentIndex(dialog.agreed_how.findData("signed"))
    qtbot.mouseClick(dialog.record_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == QDialog.DialogCode.Accepted and dialog.written
    with store.read_session() as s:
        work = casework_of(s, cid)
        actions = [a.action for a in repository.audit_of(s, cid)]
    (letter,) = work.letters
    assert (letter.kind, letter.on, letter.matter_id, letter.language) == (
        "client_care",
        TODAY,
        mid,
        "en",
    )
    assert letter.fields["work_agreed"] == "Fill in the form and send it"
    assert letter.fields["instructions"] == "Help to extend the visa"
    assert letter.fields["agreed_on"] == TODAY.isoformat()
    matter = work.matter(mid)
    assert (matter.client_care_agreed_on, matter.client_care_how) == (TODAY, "signed")
    assert "letter.record" in actions and "matter.update" in actions


def test_an_agreement_needs_a_matter_and_nothing_is_written_without_one(qtbot, store, client):
    cid, _ = client
    _settings(store)
    dialog = show(qtbot, LetterDialog(store, cid, "Sam", today, kind="client_care"))
    dialog.matter.setCurrentIndex(0)  # not about one matter
    for name, value in (
        ("instructions", "Help"),
        ("work_agreed", "The form"),
        ("timeframe", "A month"),
        ("costs", "Free"),
    ):
        dialog.set_part(name, value)
    dialog.agreed.setChecked(True)
    assert dialog.record_as_sent() is False
    assert dialog.errors.messages()[0].startswith("Matter: choose the matter")
    assert dialog.isVisible() and dialog.part_value("work_agreed") == "The form"
    with store.read_session() as s:
        assert casework_of(s, cid).letters == ()


def test_a_final_update_letter_is_recorded_and_close_writes_nothing(qtbot, store, client):
    cid, mid = client
    _settings(store)
    closed = show(qtbot, LetterDialog(store, cid, "Sam", today, matter_id=mid, kind="update"))
    closed.set_part("progress", "Sent on 1 December")
    qtbot.mouseClick(closed.close_button, Qt.MouseButton.LeftButton)
    assert closed.result() == QDialog.DialogCode.Rejected
    with store.read_session() as s:
        assert casework_of(s, cid).letters == ()
    dialog = show(qtbot, LetterDialog(store, cid, "Sam", today, matter_id=mid, kind="update"))
    assert not dialog.agreement.isVisibleTo(dialog)
    dialog.set_part("progress", "Sent on 1 December")
    dialog.large_print.setChecked(True)
    assert dialog.record_as_sent()
    with store.read_session() as s:
        (letter,) = casework_of(s, cid).letters
    assert (letter.kind, letter.large_print, letter.language) == ("update", True, "ar")
    assert letter.fields["next_steps"] == "Bring six months of payslips"


def test_a_part_typed_by_the_adviser_is_not_overwritten_on_a_change_of_matter(qtbot, store, client):
    cid, mid = client
    with store.session() as s:
        other = add_matter(
            s, cid, MatterEntry(category="partner", opened=TODAY, title="Fee waiver"), "Sam"
        )
    dialog = show(qtbot, LetterDialog(store, cid, "Sam", today, matter_id=mid, kind="update"))
    dialog.set_part("next_steps", "My own words")
    dialog.matter.setCurrentIndex(dialog.matter.findData(other))
    assert dialog.part_value("matter_title") == "Fee waiver"  # filled in, not typed: follows
    assert dialog.part_value("next_steps") == "My own words"


def test_each_kind_shows_its_parts_and_every_alt_letter_is_one_thing(qtbot, store, client):
    cid, mid = client
    dialog = show(qtbot, LetterDialog(store, cid, "Sam", today, matter_id=mid))
    for index in range(dialog.kind.count()):
        dialog.kind.setCurrentIndex(index)
        kind = dialog.kind.currentData()
        for name in KIND_PARTS[kind]:
            assert dialog.parts[name].isVisibleTo(dialog), (kind, name)
        letters = []
        for label in dialog.findChildren(QLabel):
            buddy = label.buddy()
            if buddy is not None and buddy.isVisibleTo(dialog):
                assert buddy.accessibleName(), label.text()
                if "&" in label.text():
                    letters.append(label.text().split("&")[1][0].lower())
        for button in dialog.findChildren(QAbstractButton):
            if button.isVisibleTo(dialog) and "&" in button.text():
                letters.append(button.text().split("&")[1][0].lower())
        assert len(letters) == len(set(letters)), (kind, sorted(letters))
    assert dialog.missing.accessibleName() and dialog.language.accessibleName()


def test_the_clients_language_is_chosen_only_when_the_letter_has_it():
    assert client_language("Arabic, English", ["en", "ar", "fa"]) == "ar"
    assert client_language("Persian", ["en", "ar", "fa"]) == "fa"
    assert client_language("فارسی", ["en", "fa"]) == "fa"
    assert client_language("Tigrinya, Arabic", ["en", "ar"]) == "ar"
    assert client_language("Tigrinya", ["en", "ar", "fa"]) == "en"
    assert client_language("Arabic", ["en"]) == "en"
    assert client_language("", ["en", "ar"]) == "en"


def test_screenshot_of_the_letter_dialog(qtbot, store, client, tmp_path):
    cid, mid = client
    _settings(store)
    dialog = show(qtbot, LetterDialog(store, cid, "Sam", today, matter_id=mid, kind="client_care"))
    dialog.language.setCurrentIndex(dialog.language.findData("en"))
    qtbot.waitExposed(dialog)
    folder = os.environ.get("DROPIN_SCREENSHOTS")
    path = (tmp_path if not folder else __import__("pathlib").Path(folder)) / "letter_dialog.png"
    assert dialog.grab().save(str(path))
    assert path.stat().st_size > 0


def test_keyboard_alt_r_records_a_final_letter(qtbot, store, client):
    cid, mid = client
    _settings(store)
    dialog = show(qtbot, LetterDialog(store, cid, "Sam", today, matter_id=mid, kind="update"))
    dialog.set_part("progress", "Sent on 1 December")
    assert dialog.record_button.isEnabled(), dialog.problems()
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog, timeout=WAIT)
    qtbot.keyClick(dialog.kind, Qt.Key.Key_R, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: dialog.written, timeout=WAIT)
    assert dialog.result() == QDialog.DialogCode.Accepted


# ---- nothing typed is lost ------------------------------------------------------------------


def test_a_letter_being_written_is_kept_as_a_draft_and_put_back(qtbot, store, client):
    cid, mid = client
    _settings(store)
    dialog = show(qtbot, LetterDialog(store, cid, "Sam", today, matter_id=mid, kind="update"))
    assert dialog.draft_payload() is None  # only filled in from the store: nothing to keep
    dialog.kind.setCurrentIndex(dialog.kind.findData("client_care"))
    dialog.set_part("work_agreed", "The partner extension form")
    dialog.agreed.setChecked(True)
    dialog.agreed_on.setText("4/12/2")  # half typed: kept as typed
    dialog.large_print.setChecked(True)
    draft = kept_drafts.from_dialog(dialog, cid)  # as the window's lock does
    assert (draft.kind, draft.words()) == (LETTER_DRAFT, "a letter form")
    # Opened again from nothing (no matter, another kind): everything comes back.
    again = show(qtbot, LetterDialog(store, cid, "Sam", today, matter_id=None, kind="closing"))
    assert again.restore_draft(draft.payload)
    assert again.field_texts() == dialog.field_texts()
    assert again.kind.currentData() == "client_care" and again.matter.currentData() == mid
    assert again.part_value("work_agreed") == "The partner extension form"
    assert again.agreed.isChecked() and again.agreed_on.text() == "4/12/2"
    assert again.large_print.isChecked()
    assert not again.restore_draft({"fields": "not a dict"})


def test_recording_a_letter_drops_its_draft_and_closing_asks_first(
    qtbot, store, client, monkeypatch
):
    cid, mid = client
    _settings(store)
    with store.session() as s:
        drafts.put(s, cid, LETTER_DRAFT, {"fields": {}})
    asked: list[str] = []
    monkeypatch.setattr(form_feedback, "confirm", lambda *a, **k: asked.append(a[1]) or False)
    dialog = show(qtbot, LetterDialog(store, cid, "Sam", today, matter_id=mid, kind="update"))
    dialog.reject()  # nothing typed: closes without a question
    assert asked == [] and not dialog.isVisible()
    dialog = show(qtbot, LetterDialog(store, cid, "Sam", today, matter_id=mid, kind="update"))
    dialog.set_part("progress", "Sent on 1 December")
    qtbot.mouseClick(dialog.close_button, Qt.MouseButton.LeftButton)
    assert asked == ["Close without recording?"] and dialog.isVisible()
    assert dialog.record_as_sent()
    assert dialog.draft_payload() is None  # recorded: nothing left to keep
    with store.read_session() as s:
        assert drafts.get(s, cid, LETTER_DRAFT) is None  # dropped with the letter
        assert len(casework_of(s, cid).letters) == 1
    # Closed by the window's lock: nothing asked.
    locked = show(qtbot, LetterDialog(store, cid, "Sam", today, matter_id=mid, kind="update"))
    locked.set_part("progress", "Typed")
    monkeypatch.setattr(form_feedback, "confirm", lambda *a, **k: pytest.fail("asked"))
    locked.closed_by_lock = True
    locked.reject()
    assert not locked.isVisible()
