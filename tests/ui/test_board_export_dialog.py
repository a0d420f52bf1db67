"""Print and export the deadlines board (issue 19): the adviser picks rows and columns; no client
names unless ticked; PDF and CSV made off the UI thread and written atomically; CSV escaping."""

import csv
import gc
import io
import re
import threading
import weakref
from datetime import date, timedelta

import pytest
from pypdf import PdfReader
from PySide6.QtCore import QCoreApplication, QEvent

from desktop.board import BoardData, ClientEntry, Item
from desktop.printing import board_report
from desktop.ui import board_export_dialog as bed
from desktop.ui import print_report as pr
from desktop.ui.deadlines_page import COLUMNS, DeadlinesPage, full_text
from desktop.ui.print_report import PrintTarget

DAY = date(2026, 11, 20)
ISO = re.compile(r"\d{4}-\d{2}-\d{2}")


def item(days, what, kind, rule="rule", nwd=None, status=None):
    status = status or ("passed" if days < 0 else "upcoming")
    return Item(DAY + timedelta(days=days), what, rule, nwd, kind, status)


@pytest.fixture
def data():
    entries = [
        ClientEntry(
            1,
            "Zara Later",
            "Asha Adviser",
            # The engine writes dates in ISO: the board and the exports write them in words.
            (
                item(
                    8,
                    "Last day to appeal: 2026-11-28. That day is a weekend or bank holiday, so an "
                    "appeal on 2026-11-30 is in time.",
                    "appeal",
                    "r.19(2)",
                    nwd=date(2026, 11, 30),
                ),
            ),
        ),
        ClientEntry(
            2,
            '=HYPERLINK("http://x","Yusuf")',
            "Ben Caseworker",
            (
                item(-3, "Permission ends on 2026-11-17. Apply before.", "apply_before_expiry"),
                item(-400, "Permission ended on 2025-10-16.", "apply_before_expiry"),
            ),
        ),
    ]
    return BoardData.from_entries(DAY, entries)


@pytest.fixture
def page(qtbot, data):
    widget = DeadlinesPage()
    qtbot.addWidget(widget)
    widget.resize(1300, 600)
    widget.show()
    widget.set_data(data)
    return widget


@pytest.fixture
def problems(monkeypatch):
    shown = []
    monkeypatch.setattr(pr, "show_problem", lambda _p, title, text: shown.append((title, text)))
    return shown


def wait(qtbot, op):
    assert op is not None
    with qtbot.waitSignal(op.finished, timeout=20_000):
        pass


def dialog_for(page, monkeypatch, path):
    dialog = page.open_export()
    assert dialog is not None
    monkeypatch.setattr(dialog, "choose_path", lambda *_a: path)
    return dialog


def read_csv(path):
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))


def test_the_board_has_print_or_export_only_when_there_is_something(qtbot, data):
    widget = DeadlinesPage()
    qtbot.addWidget(widget)
    assert not widget.export_button.isEnabled()
    assert widget.open_export() is None
    widget.set_data(data)
    assert widget.export_button.isEnabled()
    assert widget.export_button.text() == "&Print or export…"


def test_default_choice_is_the_rows_shown_without_client_names(page):
    dialog = page.open_export()
    assert dialog.shown_rows.isChecked()
    assert dialog.chosen_keys() == [
        "date",
        "status",
        "client_no",
        "deadline",
        "kind",
        "rule",
        "adviser",
    ]
    assert not dialog.columns["client"].isChecked() and not dialog.personal()
    assert len(dialog.chosen_rows()) == 2  # the 400-day-old row is not shown
    assert "No client names" in dialog.note.text()
    dialog.columns["client"].setChecked(True)
    assert dialog.personal() and "personal data" in dialog.note.text()
    for box in dialog.columns.values():
        box.setChecked(False)
    assert not dialog.csv_button.isEnabled() and "at least one column" in dialog.note.text()


def test_csv_has_the_columns_chosen_made_off_the_ui_thread(qtbot, page, monkeypatch, tmp_path):
    threads = []
    real = bed.board_csv

    def recording(table):
        threads.append(threading.current_thread())
        return real(table)

    monkeypatch.setattr(bed, "board_csv", recording)
    path = tmp_path / "board"
    dialog = dialog_for(page, monkeypatch, path)
    wait(qtbot, dialog.save_csv())
    written = tmp_path / "board.csv"  # the suffix is added
    rows = read_csv(written)
    assert rows[0] == ["Date", "Status", "Client no.", "Deadline", "Kind", "Rule", "Adviser"]
    assert rows[1][:3] == ["Tue 17 Nov 2026", "Overdue: 3 days ago", "2"]
    assert rows[2][0] == "Sat 28 Nov 2026 (in time on Mon 30 Nov 2026)"
    assert rows[2][3].startswith("Last day to appeal: 28 Nov 2026.")
    assert len(rows) == 3
    assert threads and threads[0] is not threading.main_thread()
    assert "Yusuf" not in written.read_text(encoding="utf-8-sig")  # no names unless ticked
    assert dialog.status.text() == "Saved as board.csv."


def test_csv_with_names_and_every_row_neutralises_formulas(qtbot, page, monkeypatch, tmp_path):
    path = tmp_path / "all.csv"
    dialog = dialog_for(page, monkeypatch, path)
    dialog.every_row.setChecked(True)
    for key, box in dialog.columns.items():
        box.setChecked(key in ("date", "client", "full"))
    wait(qtbot, dialog.save_csv())
    rows = read_csv(path)
    assert rows[0] == ["Date", "Client", "In full"]
    assert len(rows) == 4  # every row, the old passed one included
    assert rows[1][1] == '\'=HYPERLINK("http://x","Yusuf")'
    assert rows[1][2] == "Permission ended on 16 October 2025."


def test_pdf_holds_the_choice_and_says_personal_data_only_with_names(
    qtbot, page, monkeypatch, tmp_path
):
    path = tmp_path / "board.pdf"
    dialog = dialog_for(page, monkeypatch, path)
    wait(qtbot, dialog.save_pdf())
    text = "\n".join(p.extract_text() for p in PdfReader(str(path)).pages)
    assert "Deadlines across all clients" in text and "As of 20 November 2026" in text
    assert "Overdue: 3 days ago" in text and "Client no." in text
    assert "Made on" in text and "Contains personal data" not in text
    assert "Zara" not in text
    dialog.columns["client"].setChecked(True)
    wait(qtbot, dialog.save_pdf())
    text = "\n".join(p.extract_text() for p in PdfReader(str(path)).pages)
    assert "Zara Later" in text and "Contains personal data" in text


def test_the_text_typed_in_the_filter_is_never_written(qtbot, page, monkeypatch, tmp_path):
    page.text_filter.setText("zara")
    path = tmp_path / "filtered.pdf"
    dialog = dialog_for(page, monkeypatch, path)
    assert len(dialog.chosen_rows()) == 1
    assert "a text filter" in dialog.scope() and "zara" not in dialog.scope().casefold()
    wait(qtbot, dialog.save_pdf())
    text = "\n".join(p.extract_text() for p in PdfReader(str(path)).pages)
    assert "filtered by a text filter" in text and "zara" not in text.casefold()


def test_print_sends_the_board_pdf(qtbot, page, monkeypatch, tmp_path, problems):
    chosen = tmp_path / "printed.pdf"
    monkeypatch.setattr(pr, "ask_print_target", lambda _p: PrintTarget(pdf_file=chosen))
    dialog = page.open_export()
    wait(qtbot, dialog.print_board())
    assert PdfReader(str(chosen)).pages
    assert dialog.status.text() == f"Report saved as {chosen}."
    assert problems == []


def test_a_folder_that_went_away_is_one_clear_message(qtbot, page, monkeypatch, tmp_path, problems):
    dialog = dialog_for(page, monkeypatch, tmp_path / "gone" / "board.csv")
    wait(qtbot, dialog.save_csv())
    ((title, text),) = problems
    assert title == "Save the deadlines" and "does not exist" in text
    assert "Zara" not in text


def test_clearing_the_board_closes_the_dialog(qtbot, page):
    dialog = page.open_export()
    assert dialog.isVisible()
    page.clear()
    assert not dialog.isVisible()
    assert page.open_export() is None


def test_no_iso_date_anywhere_on_the_board_or_in_its_exports(page, data):
    """Issue 19: "an ISO date on the board". Every cell, tooltip, the line under the table and
    every export cell write dates as the rest of the app does (desktop.datetext)."""
    page.show_passed.setChecked(True)
    model = page.model
    for r in range(model.rowCount()):
        for c in range(len(COLUMNS)):
            index = model.index(r, c)
            assert not ISO.search(index.data()), index.data()
        assert not ISO.search(full_text(model.rows()[r]))
        page.table.selectRow(r)
        assert not ISO.search(page.detail.text())
    for label in (page.as_of, page.counts, page.shown):
        assert not ISO.search(label.text())
    keys = [key for key, _h, _on in bed.COLUMNS]
    table = bed.make_table(
        data.rows, keys, today=DAY, overdue_days=30, made_on=DAY, scope="Every deadline"
    )
    for row in table.rows:
        for cell in row:
            assert not ISO.search(cell), cell
    assert board_report.board_csv(table).decode("utf-8-sig").count("Nov 2026") >= 3


def _delete_now(widget) -> None:
    widget.close()
    widget.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    QCoreApplication.processEvents()


def test_the_work_started_here_holds_the_dialog_weakly(
    qtbot, page, monkeypatch, tmp_path, problems
):
    """A dialog closed while its file is made is neither kept alive by its own child operation
    nor freed from inside it when the operation goes (print_report's "Lifetimes")."""
    dialog = page.open_export()
    dialog.choose_path = lambda *_a: tmp_path / "board.csv"  # monkeypatch would hold the dialog
    say, saved, failed = dialog._callbacks()
    shown = pr.held_weakly(dialog)
    assert shown() is dialog
    gone = weakref.ref(dialog)
    page._export_dialog = None
    _delete_now(dialog)
    del dialog
    gc.collect()
    assert gone() is None  # the callbacks held by this test do not keep it
    assert shown() is None
    # Arriving late, they do nothing to the dialog; a problem is still told (with no parent).
    say("Saved as board.csv.")
    saved(tmp_path / "board.csv")
    failed(OSError(28, "No space left on device"))
    assert problems == [
        (
            "Save the deadlines",
            "The deadlines were not saved. The file could not be written "
            "(No space left on device).",
        )
    ]


def test_closing_the_dialog_while_the_csv_is_made_is_safe(qtbot, page, monkeypatch, tmp_path):
    release = threading.Event()
    real = bed.board_csv

    def slow(table):
        release.wait(10)
        return real(table)

    monkeypatch.setattr(bed, "board_csv", slow)
    dialog = page.open_export()
    dialog.choose_path = lambda *_a: tmp_path / "board.csv"
    assert dialog._run is None  # an operation of its own: a child of the dialog
    dialog.save_csv()
    gone = weakref.ref(dialog)
    page._close_export()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    QCoreApplication.processEvents()
    del dialog
    gc.collect()
    assert gone() is None
    release.set()
    qtbot.wait(300)  # the worker finishes; its result has nowhere to go, and nothing breaks
    assert page.isVisible()
