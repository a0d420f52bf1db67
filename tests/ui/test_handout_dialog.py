"""Print handout…: the language and large-print choices reach the bytes factory, Save PDF…
writes a real PDF (built off the UI thread) from the client's list."""

from datetime import date

import pytest

from desktop.assess import load_checklists
from desktop.rules.checklists import LANGUAGES
from desktop.store import checklists as cs
from desktop.store.repository import ClientDetails, create_client, set_setting
from desktop.ui import print_report
from desktop.ui.checklists_tab import ChecklistsTab
from desktop.ui.handout_dialog import HandoutDialog, suggested_handout_name
from desktop.ui.settings_dialog import CENTRE_CONTACT_SETTING, CENTRE_NAME_SETTING
from desktop.ui.widgets import form_feedback

TODAY = date(2025, 12, 1)


def _template():
    checklists = load_checklists()
    if not checklists:
        pytest.skip("no checklist is installed in resources/checklists/")
    return next(iter(checklists.values()))


def test_choices_reach_the_factory_and_save_closes_the_dialog(qtbot, monkeypatch):
    monkeypatch.setattr(form_feedback, "confirm", lambda *a, **k: True)  # an unchecked translation
    template = _template()
    asked = []

    def make(lang, large):
        asked.append((lang, large))
        return lambda: b"%PDF-stub"

    dialog = HandoutDialog(template, make, "checklist-client-4-2025-12-01.pdf", summary="3 items")
    qtbot.addWidget(dialog)
    assert [dialog.language.itemData(i) for i in range(dialog.language.count())] == list(
        template.languages()
    )
    assert dialog.language.itemText(0) == "English"
    saved = []
    dialog.save_pdf_with = lambda parent, factory, name: saved.append((factory(), name)) or "op"
    if "fa" in template.languages():
        assert dialog.set_language("fa")
        assert dialog.language.currentText() == f"{LANGUAGES['fa'][0]} (fa)"
    dialog.large_print.setChecked(True)
    dialog.save_button.click()
    assert asked == [(dialog.lang(), True)]
    assert saved == [(b"%PDF-stub", "checklist-client-4-2025-12-01.pdf")]
    assert dialog.result() == HandoutDialog.DialogCode.Accepted
    # Cancelling the file dialog (nothing started) leaves the dialog open.
    again = HandoutDialog(template, make, "x.pdf")
    qtbot.addWidget(again)
    again.save_pdf_with = lambda parent, factory, name: None
    again.save_pdf()
    assert again.result() == 0


def test_suggested_name_has_no_client_name():
    assert suggested_handout_name(12, TODAY) == "checklist-client-12-2025-12-01.pdf"


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_save_pdf_writes_the_real_handout(qtbot, store, tmp_path, monkeypatch, lang):
    template = _template()
    if lang not in template.languages():
        pytest.skip(f"{template.id} is not translated into {lang}")
    monkeypatch.setattr(form_feedback, "confirm", lambda *a, **k: True)  # an unchecked translation
    with store.session() as s:
        set_setting(s, CENTRE_NAME_SETTING, "Riverside Advice Drop-in")
        set_setting(s, CENTRE_CONTACT_SETTING, "01632 960123")
        cid = create_client(s, ClientDetails(full_name="Hana Testperson"), "Setup")
        list_id = cs.start_checklist(s, cid, template, (), "Setup", on=TODAY)
        first = cs.checklist_of(s, list_id).items[0]
        cs.mark_received(s, first.id, TODAY, "Setup")
    tab = ChecklistsTab()
    qtbot.addWidget(tab)
    tab.set_context(store, "Sam Adviser", lambda: TODAY)
    tab.load_templates = lambda: {template.id: template}
    tab.load(cid)
    dialog = tab.handout_dialog()
    qtbot.addWidget(dialog)
    assert "1 of" in dialog.summary.text()
    assert dialog.set_language(lang)
    target = tmp_path / f"handout-{lang}.pdf"
    monkeypatch.setattr(
        print_report.QFileDialog,
        "getSaveFileName",
        staticmethod(lambda *a, **k: (str(target), print_report.PDF_FILTER)),
    )
    dialog.save_pdf()
    qtbot.waitUntil(target.exists, timeout=30000)
    data = target.read_bytes()
    assert data.startswith(b"%PDF")
