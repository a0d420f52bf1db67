"""Save PDF… and Print…: the bytes go where the person chose, built off the UI thread, and a
failure is one clear message."""

import os
import stat
import sys
import threading
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QMainWindow, QWidget

from desktop.printing.common import WriteProblem
from desktop.ui import print_report as pr
from desktop.ui.print_report import PrintTarget, SpoolError

PDF = b"%PDF-1.4\n% a report\n%%EOF\n"


@pytest.fixture
def parent(qtbot):
    widget = QWidget()
    qtbot.addWidget(widget)
    return widget


@pytest.fixture
def problems(monkeypatch):
    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(
        pr, "show_problem", lambda _parent, title, text: shown.append((title, text))
    )
    return shown


class Factory:
    """Records the thread it runs on: the PDF must be built off the UI thread."""

    def __init__(self, data: bytes = PDF, error: BaseException | None = None):
        self.data, self.error, self.threads = data, error, []

    def __call__(self) -> bytes:
        self.threads.append(threading.current_thread())
        if self.error is not None:
            raise self.error
        return self.data


def wait(qtbot, op):
    assert op is not None
    with qtbot.waitSignal(op.finished, timeout=10_000):
        pass


def test_suggested_name_has_no_client_name():
    name = pr.suggested_report_name(12, date(2025, 1, 10))
    assert name == "residence-report-client-12-2025-01-10.pdf"
    assert pr.suggested_report_name(None, date(2025, 1, 10)) == "residence-report-2025-01-10.pdf"


def test_save_writes_the_bytes_where_the_person_chose(
    qtbot, parent, problems, monkeypatch, tmp_path
):
    asked = {}

    def dialog(_parent, caption, start, filters):
        asked.update(caption=caption, start=start, filters=filters)
        return str(tmp_path / "for the file"), filters  # no .pdf typed: it is added

    monkeypatch.setattr(pr.QFileDialog, "getSaveFileName", dialog)
    factory = Factory()
    saved = []
    op = pr.save_report_pdf(
        parent,
        factory,
        "residence-report-client-12-2025-01-10.pdf",
        folder=tmp_path,
        on_saved=saved.append,
    )
    wait(qtbot, op)
    target = tmp_path / "for the file.pdf"
    assert target.read_bytes() == PDF
    assert saved == [target]
    assert asked["start"] == str(tmp_path / "residence-report-client-12-2025-01-10.pdf")
    assert "*.pdf" in asked["filters"]
    assert factory.threads and factory.threads[0] is not threading.main_thread()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["for the file.pdf"]
    if sys.platform != "win32":  # personal data: a new report is the owner's only
        assert stat.S_IMODE(os.stat(target).st_mode) == 0o600
    assert problems == []


def test_save_cancelled_builds_nothing(parent, monkeypatch):
    monkeypatch.setattr(pr.QFileDialog, "getSaveFileName", lambda *a: ("", ""))
    factory = Factory()
    assert pr.save_report_pdf(parent, factory, "x.pdf") is None
    assert factory.threads == []


def test_save_success_shows_in_the_status_bar(qtbot, monkeypatch, tmp_path):
    window = QMainWindow()
    qtbot.addWidget(window)
    child = QWidget()
    window.setCentralWidget(child)
    monkeypatch.setattr(pr.QFileDialog, "getSaveFileName", lambda *a: (str(tmp_path / "r.pdf"), ""))
    wait(qtbot, pr.save_report_pdf(child, Factory(), "r.pdf"))
    assert window.statusBar().currentMessage() == f"Report saved as {tmp_path / 'r.pdf'}."


def test_save_into_a_folder_that_went_away_says_so(qtbot, parent, problems, monkeypatch, tmp_path):
    gone = tmp_path / "gone" / "r.pdf"
    monkeypatch.setattr(pr.QFileDialog, "getSaveFileName", lambda *a: (str(gone), ""))
    wait(qtbot, pr.save_report_pdf(parent, Factory(), "r.pdf"))
    assert len(problems) == 1
    title, text = problems[0]
    assert title == "Save report"
    assert "was not saved" in text and "does not exist" in text
    assert not gone.exists()


def test_a_failure_building_the_report_shows_no_data(
    qtbot, parent, problems, monkeypatch, tmp_path
):
    monkeypatch.setattr(pr.QFileDialog, "getSaveFileName", lambda *a: (str(tmp_path / "r.pdf"), ""))
    factory = Factory(error=ValueError("Amina Testcase born 1990-05-01"))
    wait(qtbot, pr.save_report_pdf(parent, factory, "r.pdf"))
    ((_title, text),) = problems
    assert "could not be made (ValueError)" in text
    assert "Amina" not in text and "1990" not in text
    assert list(tmp_path.iterdir()) == []


def test_run_callable_is_used_when_given(parent, problems, monkeypatch, tmp_path):
    """The client page passes the main window's `run`, which keeps the busy count."""
    calls = []

    def run(title, work, on_success, on_failure):
        calls.append(title)
        on_success(work(lambda *_: None))
        return "op"

    monkeypatch.setattr(pr.QFileDialog, "getSaveFileName", lambda *a: (str(tmp_path / "r.pdf"), ""))
    saved = []
    assert pr.save_report_pdf(parent, Factory(), "r.pdf", run=run, on_saved=saved.append) == "op"
    assert calls == ["Saving the report"]
    assert (tmp_path / "r.pdf").read_bytes() == PDF and saved == [tmp_path / "r.pdf"]


# ---- Print… ----------------------------------------------------------------------------------


def test_print_to_pdf_file_writes_our_pdf_there(qtbot, parent, problems, monkeypatch, tmp_path):
    chosen = tmp_path / "printed.pdf"

    def accept(dialog):
        dialog.printer().setOutputFileName(str(chosen))  # "print to file (PDF)"
        return True

    monkeypatch.setattr(pr, "exec_dialog", accept)
    spooled = []
    messages = []
    op = pr.print_report(
        parent,
        Factory(),
        spooler=lambda data, target: spooled.append(data),
        on_done=messages.append,
    )
    wait(qtbot, op)
    assert chosen.read_bytes() == PDF  # our own PDF, not a Qt re-rendering
    assert spooled == []
    assert messages == [f"Report saved as {chosen}."]
    assert problems == []


def test_print_cancelled_does_nothing(parent, monkeypatch):
    monkeypatch.setattr(pr, "exec_dialog", lambda dialog: False)
    factory = Factory()
    assert pr.print_report(parent, factory, spooler=lambda *a: None) is None
    assert factory.threads == []


def test_print_with_no_printer_and_no_file_says_so(parent, problems, monkeypatch):
    monkeypatch.setattr(pr, "exec_dialog", lambda dialog: True)  # PDF format, no file name
    assert pr.print_report(parent, Factory(), spooler=lambda *a: None) is None
    ((title, text),) = problems
    assert title == "Print report" and "No printer was chosen" in text


def test_print_to_a_printer_hands_the_bytes_to_the_spooler(qtbot, parent, problems, monkeypatch):
    target = PrintTarget(printer_name="Office", copies=2, sides="two-sided-long-edge")
    monkeypatch.setattr(pr, "ask_print_target", lambda _parent: target)
    spooled = []
    messages = []
    factory = Factory()

    def spooler(data, where):
        spooled.append((data, where, threading.current_thread()))

    wait(qtbot, pr.print_report(parent, factory, spooler=spooler, on_done=messages.append))
    assert spooled[0][:2] == (PDF, target)
    assert spooled[0][2] is not threading.main_thread()
    assert messages == ["Report sent to the printer Office."]
    assert problems == []


def test_a_spooler_failure_shows_a_message(qtbot, parent, problems, monkeypatch):
    monkeypatch.setattr(pr, "ask_print_target", lambda _parent: PrintTarget(printer_name="Office"))

    def spooler(data, where):
        raise SpoolError("The printer Office did not take the report: lp: printer is offline")

    wait(qtbot, pr.print_report(parent, Factory(), spooler=spooler))
    ((title, text),) = problems
    assert title == "Print report"
    assert text == (
        "The report was not printed. "
        "The printer Office did not take the report: lp: printer is offline"
    )


class FakePrinter:
    """What QPrintDialog leaves in a QPrinter that prints to a real printer (none exists on a
    test machine, so Qt would fall back to PDF output)."""

    def __init__(self, **kw):
        self.kw = kw

    def outputFormat(self):  # noqa: N802 - Qt's names
        return self.kw.get("format", QPrinter.OutputFormat.NativeFormat)

    def outputFileName(self):  # noqa: N802
        return self.kw.get("file", "")

    def printerName(self):  # noqa: N802
        return self.kw.get("name", "Office")

    def copyCount(self):  # noqa: N802
        return self.kw.get("copies", 1)

    def duplex(self):
        return self.kw.get("duplex", QPrinter.DuplexMode.DuplexAuto)

    def printRange(self):  # noqa: N802
        return self.kw.get("range", QPrinter.PrintRange.AllPages)

    def fromPage(self):  # noqa: N802
        return self.kw.get("first", 0)

    def toPage(self):  # noqa: N802
        return self.kw.get("last", 0)


def test_target_from_the_print_dialog():
    assert pr.target_from_printer(FakePrinter()) == PrintTarget(printer_name="Office")
    assert pr.target_from_printer(
        FakePrinter(
            copies=3,
            duplex=QPrinter.DuplexMode.DuplexShortSide,
            range=QPrinter.PrintRange.PageRange,
            first=2,
            last=4,
        )
    ) == PrintTarget(printer_name="Office", copies=3, sides="two-sided-short-edge", pages=(2, 4))
    pdf = pr.target_from_printer(FakePrinter(format=QPrinter.OutputFormat.PdfFormat, file="/x/out"))
    assert pdf == PrintTarget(pdf_file=Path("/x/out.pdf"))
    with pytest.raises(pr.PrintProblem, match="No printer was chosen"):
        pr.target_from_printer(FakePrinter(name=""))


def test_real_qprinter_print_to_file_is_read_as_a_pdf_target(qapp, tmp_path):
    printer = QPrinter()
    printer.setOutputFileName(str(tmp_path / "x.pdf"))
    assert pr.target_from_printer(printer) == PrintTarget(pdf_file=tmp_path / "x.pdf")


def test_spool_commands():
    target = PrintTarget(printer_name="Office", copies=2, sides="one-sided", pages=(1, 3))
    lp = pr.spool_command(target, which=lambda name: "/usr/bin/lp" if name == "lp" else None)
    assert lp == [
        "/usr/bin/lp", "-d", "Office", "-n", "2", "-t", "Residence report",
        "-o", "sides=one-sided", "-P", "1-3",
    ]  # fmt: skip
    lpr = pr.spool_command(target, which=lambda name: "/usr/bin/lpr" if name == "lpr" else None)
    assert lpr == [
        "/usr/bin/lpr", "-P", "Office", "-#2", "-T", "Residence report",
        "-o", "sides=one-sided", "-o", "page-ranges=1-3",
    ]  # fmt: skip
    with pytest.raises(SpoolError, match="neither 'lp' nor 'lpr'"):
        pr.spool_command(target, which=lambda name: None)


@pytest.mark.skipif(sys.platform == "win32", reason="a shell script stands in for lp")
def test_system_spooler_sends_the_bytes_on_standard_input(monkeypatch, tmp_path):
    received = tmp_path / "received.pdf"
    args = tmp_path / "args.txt"
    fake = tmp_path / "lp"
    fake.write_text(f'#!/bin/sh\necho "$@" > "{args}"\ncat > "{received}"\n')
    fake.chmod(0o755)
    monkeypatch.setattr(pr.shutil, "which", lambda name: str(fake) if name == "lp" else None)
    monkeypatch.setattr(pr, "DIRECT_PRINTING", True)
    pr.system_spooler(PDF, PrintTarget(printer_name="Office", copies=1))
    assert received.read_bytes() == PDF
    assert args.read_text().split() == ["-d", "Office", "-n", "1", "-t", "Residence", "report"]


@pytest.mark.skipif(sys.platform == "win32", reason="a shell script stands in for lp")
def test_system_spooler_failure_is_reported(monkeypatch, tmp_path):
    fake = tmp_path / "lp"
    fake.write_text(
        '#!/bin/sh\ncat > /dev/null\necho "lp: The printer or class does not exist." >&2\nexit 1\n'
    )
    fake.chmod(0o755)
    monkeypatch.setattr(pr.shutil, "which", lambda name: str(fake) if name == "lp" else None)
    monkeypatch.setattr(pr, "DIRECT_PRINTING", True)
    with pytest.raises(SpoolError) as caught:
        pr.system_spooler(PDF, PrintTarget(printer_name="Nowhere"))
    assert str(caught.value) == (
        "The printer Nowhere did not take the report: lp: The printer or class does not exist."
    )


def test_on_windows_print_offers_save_instead(qtbot, parent, problems, monkeypatch, tmp_path):
    monkeypatch.setattr(pr, "DIRECT_PRINTING", False)
    offered = []
    monkeypatch.setattr(pr, "ask_save_instead", lambda _p, text: offered.append(text) or True)
    monkeypatch.setattr(pr.QFileDialog, "getSaveFileName", lambda *a: (str(tmp_path / "r.pdf"), ""))
    monkeypatch.setattr(pr, "ask_print_target", lambda _p: pytest.fail("no print dialog"))
    wait(qtbot, pr.print_report(parent, Factory(), suggested_name="r.pdf"))
    assert "cannot send a PDF straight to a printer on Windows" in offered[0]
    assert (tmp_path / "r.pdf").read_bytes() == PDF
    with pytest.raises(SpoolError, match="Windows"):
        pr.system_spooler(PDF, PrintTarget(printer_name="Office"))


def test_problem_text():
    assert pr.problem_text(WriteProblem("the folder /x does not exist")) == (
        "the folder /x does not exist"
    )
    assert pr.problem_text(PermissionError(13, "Permission denied")) == (
        "The file could not be written (Permission denied)."
    )
    assert "KeyError" in pr.problem_text(KeyError("Amina"))
    assert "Amina" not in pr.problem_text(KeyError("Amina"))


def test_the_print_job_is_titled_by_the_documents_kind(qtbot, parent, problems, monkeypatch):
    monkeypatch.setattr(pr, "ask_print_target", lambda _parent: PrintTarget(printer_name="Office"))
    spooled = []
    wait(
        qtbot,
        pr.print_report(
            parent, Factory(), spooler=lambda data, where: spooled.append(where), title="Checklist"
        ),
    )
    assert spooled[0].title == "Checklist"
    lp = pr.spool_command(spooled[0], which=lambda name: "/usr/bin/lp" if name == "lp" else None)
    assert lp[lp.index("-t") + 1] == "Checklist"
