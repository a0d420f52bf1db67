"""The Statements tab: accounts, importing (and re-importing) files, bad files, settings, the
checks arriving off the UI thread, explanations written through the review screen's writer."""

import io
import threading
import unicodedata
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QDialog, QPushButton

from desktop.store import statements as st
from desktop.store.repository import ClientDetails, HouseholdEntry, create_client, set_household
from desktop.ui.account_dialog import AccountDialog
from desktop.ui.client_page import ClientPage
from desktop.ui.csv_mapping_dialog import CsvMappingDialog
from desktop.ui.widgets import form_feedback

DATA = Path(__file__).resolve().parents[1] / "data" / "statements"
TODAY = date(2025, 12, 1)


@pytest.fixture(autouse=True)
def say_yes(monkeypatch):
    monkeypatch.setattr(form_feedback, "confirm", lambda *a, **k: True)


@pytest.fixture
def client_id(store):
    with store.session() as s:
        cid = create_client(s, ClientDetails(full_name="Ama Testperson"), "Setup")
        set_household(s, cid, [HouseholdEntry("Kojo Testperson", "son")], "Setup")
    return cid


@pytest.fixture
def tab(qtbot, store, client_id):
    page = ClientPage()
    qtbot.addWidget(page)
    page.set_context(store, "Sam Adviser", lambda: TODAY)
    page.show_client(client_id)
    page.tabs.setCurrentWidget(page.statements_tab)
    page.show()
    widget = page.statements_tab
    qtbot.waitUntil(lambda: widget.review() is not None)
    return widget


def add_account(tab, qtbot, **fields):
    def fill(dialog):
        assert isinstance(dialog, AccountDialog)
        dialog.holder.setCurrentText(fields.get("holder", "Ama Testperson"))
        dialog.bank.setText(fields.get("bank", "Monzo"))
        dialog.last_four.setText(fields.get("last_four", ""))
        dialog.accept()
        return dialog.result() == 1

    tab.run_dialog = fill
    tab.add_account()
    qtbot.waitUntil(lambda: tab.review() is not None and len(tab.review().accounts) >= 1)


def stored(store, cid):
    with store.session() as s:
        return st.review_inputs(s, cid)


def test_no_accounts_says_what_to_do_and_lists_the_household(tab):
    assert tab.progress.text().startswith("No accounts yet")
    summary = tab.summary.text()
    assert "Ama Testperson: no account listed" in summary
    assert "Kojo Testperson: no account listed" in summary
    assert not tab.import_button.isEnabled()


def test_add_an_account_then_import_and_reimport_a_file(qtbot, tab, store, client_id):
    add_account(tab, qtbot)
    assert tab.accounts.item(0, 1).text() == "Monzo"
    assert tab.import_button.isEnabled()
    tab.import_statement(path=DATA / "monzo.csv")
    qtbot.waitUntil(lambda: "added" in tab.status.text(), timeout=10000)
    assert "monzo.csv: added 4 line(s)" in tab.status.text()
    first = stored(store, client_id)
    assert len(first.txns) == 4
    assert first.txns[1].amount == Decimal("150.00")
    assert tab.statements.rowCount() == 1 and tab.statements.item(0, 3).text() == "4"
    # The same file again: nothing new.
    tab.import_statement(path=DATA / "monzo.csv")
    qtbot.waitUntil(lambda: "already held" in tab.status.text(), timeout=10000)
    assert "added 0 line(s)" in tab.status.text() and "4 already held" in tab.status.text()
    assert len(stored(store, client_id).txns) == 4


def test_a_bad_file_adds_nothing_and_names_the_line(qtbot, tab, store, client_id, tmp_path):
    add_account(tab, qtbot)
    bad = tmp_path / "bad.csv"
    original = (DATA / "lloyds.csv").read_text(encoding="utf-8").splitlines()
    original[3] = original[3].replace("/06/2025", "/13/2025", 1)
    bad.write_text("\n".join(original) + "\n", encoding="utf-8")
    tab.import_statement(path=bad)
    qtbot.waitUntil(lambda: "Not imported" in tab.status.text(), timeout=10000)
    assert "line 4" in tab.status.text() and "nothing was added" in tab.status.text()
    assert stored(store, client_id).txns == ()


def test_an_unknown_layout_opens_the_column_chooser(qtbot, tab, tmp_path):
    add_account(tab, qtbot)
    odd = tmp_path / "odd.csv"
    odd.write_text("When,What,How much\n01/07/2025,Shop,-3.20\n", encoding="utf-8")
    shown = []

    def record(dialog):
        shown.append(type(dialog))
        return False

    tab.run_dialog = record
    tab.import_statement(path=odd)
    qtbot.waitUntil(lambda: bool(shown), timeout=10000)
    assert shown == [CsvMappingDialog]
    assert "choose them" in tab.status.text()


def test_the_application_date_and_threshold_are_kept_and_used(qtbot, tab, store, client_id):
    tab.application_date.setText("20/12/2025")
    tab.application_date.editingFinished.emit()
    qtbot.waitUntil(lambda: tab.review().application_date == date(2025, 12, 20))
    tab.threshold.setCurrentIndex(tab.threshold.findData("cautious"))
    qtbot.waitUntil(lambda: tab.review().threshold == Decimal("50"))
    assert stored(store, client_id).settings == st.CheckSettings(date(2025, 12, 20), "cautious")


def test_explanations_are_saved_and_counted(qtbot, tab, store, client_id):
    add_account(tab, qtbot)
    tab.import_statement(path=DATA / "monzo.csv")
    qtbot.waitUntil(lambda: "added" in tab.status.text(), timeout=10000)
    qtbot.waitUntil(lambda: tab.review() is not None and bool(tab.review().flags))
    flag = tab.review().flags[0]
    done_before, total = tab.review().progress(tab._inputs.explanations)
    from desktop.rules.statement_types import Explanation

    assert tab.save_explanations([flag.txn.key], Explanation("Birthday present", "support")) is None
    assert stored(store, client_id).explanations[flag.txn.key].text == "Birthday present"
    assert tab.review().progress(tab._inputs.explanations) == (done_before + 1, total)
    assert tab.save_explanations(["999999"], Explanation("x")) is not None  # not this client's


# ---- issue 15: imports off the window thread, bad saved layouts, the column chooser -----------


def test_a_lock_while_the_flag_review_is_open_leaves_the_cleared_tab_alone(qtbot, tab):
    """Issue 15: the lock clears the tab while the review dialog is still open; when the dialog
    returns, nothing is counted or reloaded for a client no longer shown (and nothing raises)."""
    add_account(tab, qtbot)
    tab.import_statement(path=DATA / "monzo.csv")
    qtbot.waitUntil(lambda: tab.review() is not None and bool(tab.review().flags), timeout=10000)
    shown = []

    def locked_meanwhile(dialog):
        shown.append(type(dialog).__name__)
        tab.clear()  # what the window's lock does to every tab
        return False

    tab.run_dialog = locked_meanwhile
    tab.review_flags()
    assert shown == ["FlagReviewDialog"]
    assert tab.review() is None and tab.accounts.rowCount() == 0
    assert tab.status.text() == ""


def test_a_bad_saved_layout_does_not_stop_an_import_and_is_named(qtbot, tab, store, client_id):
    folder = store.folder / "bank_formats"
    folder.mkdir()
    (folder / "broken.toml").write_text("key = 'broken\n", encoding="utf-8")
    add_account(tab, qtbot)
    tab.import_statement(path=DATA / "monzo.csv")
    qtbot.waitUntil(lambda: "added" in tab.status.text(), timeout=10000)
    status = tab.status.text()
    assert "monzo.csv: added 4 line(s)" in status
    assert "A saved bank layout was left out: broken.toml: not valid TOML" in status
    assert len(stored(store, client_id).txns) == 4


def test_a_headerless_file_imported_choosing_columns_keeps_every_line(
    qtbot, tab, store, client_id, tmp_path
):
    add_account(tab, qtbot)
    plain = tmp_path / "plain.csv"
    plain.write_text(
        "12 Jun 25,LAMBETH LETTINGS RENT,-650.00,1250.00\n"
        "13 Jun 25,NORTHGATE BAKERY,-3.10,1246.90\n",
        encoding="utf-8",
    )

    def choose(dialog):
        assert isinstance(dialog, CsvMappingDialog)
        assert dialog.header_label.text() == "No header line: every line is a transaction."
        for role, column in (("date", 1), ("description", 2), ("amount", 3), ("balance", 4)):
            combo = dialog.combos[role]
            combo.setCurrentIndex(combo.findData(f"Column {column}"))
        dialog.accept()
        return dialog.result() == QDialog.DialogCode.Accepted

    tab.run_dialog = choose
    tab.import_statement(choose_columns=True, path=plain)
    qtbot.waitUntil(lambda: "added" in tab.status.text(), timeout=10000)
    assert "plain.csv: added 2 line(s)" in tab.status.text()
    amounts = sorted(t.amount for t in stored(store, client_id).txns)
    assert amounts == [Decimal("-650.00"), Decimal("-3.10")]


@pytest.mark.parametrize(
    ("content", "named"),
    [
        (b"", "plain.csv: the file is empty"),
        (bytes(range(256)), "plain.csv, line 1: byte 0 is not text"),
        (
            b'Date,Details,Amount\n01/06/2025,"Shop,-3.20\n02/06/2025,Shop,-4.00\n',
            "Line 2, column 'Column 2': a quote mark is never closed",
        ),
    ],
    ids=["empty", "binary", "quote-never-closed"],
)
def test_the_column_chooser_path_names_what_is_wrong_and_adds_nothing(
    qtbot, tab, store, client_id, tmp_path, content, named
):
    add_account(tab, qtbot)
    plain = tmp_path / "plain.csv"
    plain.write_bytes(content)
    seen = []

    def take_what_is_guessed(dialog):
        seen.extend(dialog.problems())
        dialog.accept()
        return dialog.result() == QDialog.DialogCode.Accepted

    tab.run_dialog = take_what_is_guessed
    tab.import_statement(choose_columns=True, path=plain)
    qtbot.waitUntil(lambda: any(named in m for m in [tab.status.text(), *seen]), timeout=10000)
    assert stored(store, client_id).txns == ()


class Gate:
    """Holds the store write of an import on its pool thread until the test lets it go."""

    def __init__(self, monkeypatch, fail: bool = False):
        self.threads: list[threading.Thread] = []
        self.entered = threading.Event()
        self.release = threading.Event()
        real = st.add_statement

        def held(session, *args, **kwargs):
            self.threads.append(threading.current_thread())
            result = real(session, *args, **kwargs)  # the lines are in the transaction
            self.entered.set()
            assert self.release.wait(20)
            if fail:
                raise RuntimeError("the disk went away")
            return result

        monkeypatch.setattr(st, "add_statement", held)


def test_an_import_runs_off_the_window_thread_with_progress(qtbot, tab, store, client_id):
    add_account(tab, qtbot)
    gate = Gate(qtbot_monkeypatch := pytest.MonkeyPatch())
    progress: list[tuple[int, str]] = []
    tab.import_progress.connect(lambda pct, msg: progress.append((pct, msg)))
    ticks = []
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(1))
    try:
        tab.import_statement(path=DATA / "monzo.csv")
        qtbot.waitUntil(gate.entered.is_set, timeout=10000)
        # The store is being written on a pool thread; the window thread is free meanwhile.
        assert gate.threads and gate.threads[0] is not threading.main_thread()
        timer.start(10)
        qtbot.waitUntil(lambda: len(ticks) >= 5, timeout=5000)
        qtbot.waitUntil(lambda: any("Adding 4 lines" in m for _, m in progress), timeout=5000)
        assert tab.importing() and not tab.import_button.isEnabled()
        with store.read_session() as session:  # nothing shows before the commit
            assert st.review_inputs(session, client_id).txns == ()
        gate.release.set()
        qtbot.waitUntil(lambda: "added" in tab.status.text(), timeout=10000)
    finally:
        gate.release.set()
        timer.stop()
        qtbot_monkeypatch.undo()
    assert [p for p, _ in progress] == sorted(p for p, _ in progress)
    assert progress[0][1] == "Reading monzo.csv…"
    assert "monzo.csv: added 4 line(s)" in tab.status.text()
    assert len(stored(store, client_id).txns) == 4
    assert not tab.importing() and tab.import_button.isEnabled()
    assert len(tab._inputs.txns) == 4  # loaded back off the window thread too


def test_a_cancelled_import_adds_nothing(qtbot, tab, store, client_id, monkeypatch):
    add_account(tab, qtbot)
    gate = Gate(monkeypatch)
    finished = []
    tab.import_finished.connect(lambda: finished.append(1))
    tab.import_statement(path=DATA / "monzo.csv")
    qtbot.waitUntil(gate.entered.is_set, timeout=10000)
    tab._progress_dialog.findChild(QPushButton).click()  # the Cancel button
    gate.release.set()
    qtbot.waitUntil(lambda: bool(finished), timeout=10000)
    assert tab.status.text() == "Import cancelled: nothing was added."
    assert stored(store, client_id).txns == ()
    assert not tab.importing()


def test_a_failed_import_adds_nothing(qtbot, tab, store, client_id, monkeypatch):
    add_account(tab, qtbot)
    gate = Gate(monkeypatch, fail=True)
    gate.release.set()
    tab.import_statement(path=DATA / "monzo.csv")
    qtbot.waitUntil(lambda: "Not saved" in tab.status.text(), timeout=10000)
    assert tab.status.text() == (
        "Not saved: the store could not be written (RuntimeError). Nothing was added."
    )
    assert stored(store, client_id).txns == ()


# ---- issue 17: never "final" while statements are missing ------------------------------------


def test_every_flag_explained_with_statements_missing_is_still_a_draft(
    qtbot, tab, store, client_id
):
    from desktop.rules.statement_types import Explanation

    add_account(tab, qtbot)
    tab.import_statement(path=DATA / "monzo.csv")
    qtbot.waitUntil(lambda: "added" in tab.status.text(), timeout=10000)
    qtbot.waitUntil(lambda: tab.review() is not None and bool(tab.review().flags))
    for flag in tab.review().flags:
        assert tab.save_explanations([flag.txn.key], Explanation("Explained")) is None
    done, total = tab.review().progress(tab._inputs.explanations)
    assert done == total  # every flag explained, but four lines are not six months
    tab._show_summary()
    assert tab.progress.text() == f"{total} of {total} explained — the sheet prints as DRAFT"
    assert "no statements" in tab.progress.toolTip()


def test_add_this_account_on_the_review_screen_opens_the_add_account_flow(qtbot, tab):
    add_account(tab, qtbot)
    tab.import_statement(path=DATA / "monzo.csv")
    qtbot.waitUntil(lambda: tab.review() is not None and bool(tab.review().flags), timeout=10000)
    shown = []

    def answer(dialog):
        shown.append(type(dialog).__name__)
        if type(dialog).__name__ == "FlagReviewDialog":
            dialog.accounts_to_add.append("Barclays ISA")  # the adviser answered "Add"
            return True
        return False  # the add-account dialog, cancelled

    tab.run_dialog = answer
    tab.review_flags()
    assert shown == ["FlagReviewDialog", "AccountDialog"]
    assert "Barclays ISA" in tab.status.text()


def test_the_sheets_client_copy_is_in_the_clients_recorded_language(qtbot, store):
    """Issue 17: the client's copy of what is still missing is in the client's language where
    the sheet has its words (Languages: "Tigrinya, Arabic" -> Arabic)."""
    from desktop.printing.sheet_words import SheetWords

    with store.session() as s:
        cid = create_client(
            s, ClientDetails(full_name="Amal Testperson", languages="Tigrinya, Arabic"), "Setup"
        )
    page = ClientPage()
    qtbot.addWidget(page)
    page.set_context(store, "Sam Adviser", lambda: TODAY)
    page.show_client(cid)
    widget = page.statements_tab
    qtbot.waitUntil(lambda: widget.review() is not None)
    factory = widget._sheet_factory()
    assert factory.args[-1] == "ar"
    pages = PdfReader(io.BytesIO(factory())).pages
    text = unicodedata.normalize("NFKC", "".join(page.extract_text() for page in pages))
    assert SheetWords("ar")("title") in text
