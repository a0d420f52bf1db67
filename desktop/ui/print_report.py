"""Save PDF… and Print… for the printed reports (non-visual helpers; the client page owns the
buttons).

    save_report_pdf(page, partial(build_residence_report, history, timeline, ...),
                    suggested_report_name(client_id, today), run=window.run)
    print_report(page, partial(build_residence_report, ...), run=window.run)

Both build the PDF bytes off the UI thread: `pdf_bytes_factory` is called on a worker thread,
so it must work from values (a history and timeline), never touch widgets or the store's UI
objects. `run` is the main window's `run(title, work, on_success, on_failure)` (it keeps the
window's busy count, so the app does not lock half-way); without it an `Operation` is started
directly.

File names. The suggested name is `residence-report-client-12-2025-01-10.pdf`: the client number
and the date, never the client's name, because file names show up in folder listings, recent
files, backups and e-mail attachments where the contents would not. The PDF is written to a
temporary file in the chosen folder and renamed over the name chosen, so a failure never
leaves a half-written report (and no copy goes to a system temp folder).

Printing. Qt cannot draw a PDF without QtPdf, which Drop-in Desk does not ship, so the report
is never re-rendered by Qt. After the print dialog:

* "Print to file (PDF)" (the dialog's PdfFormat with a file name): our own PDF is written to
  that file, exactly as Save PDF… would.
* A printer on Linux or macOS: the PDF bytes go to the CUPS spooler on its standard input
  (`lp -d PRINTER -n COPIES`, or `lpr -P PRINTER` where lp is missing), with the copies,
  two-sided setting and page range chosen in the dialog. CUPS turns PDF into what the printer
  speaks; no temporary file is made. The job's title is "Residence report", never a name
  (print queues are visible to other users and kept in logs).
* Windows has no spooler that reads PDF; handing the file to a PDF reader would need a copy
  on disk, which the rules forbid. So on Windows Print… says so and offers Save PDF… instead,
  to print the saved file from a PDF reader.

Any failure is one clear message box (`show_problem`, replaceable in tests); success is a line
in the window's status bar (`notify`).

Lifetimes. Without `run`, the operation is a child of `parent`; the helpers' own callbacks
hold `parent` weakly (`held_weakly`), so a dialog closed while its PDF is being made is not
kept alive by its own child operation, nor freed from inside it when the operation goes (a
crash). Callers passing `on_saved` / `on_done` do the same (the board export and letter
dialogs, the Casework tab's copy of a letter).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import weakref
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QStandardPaths
from PySide6.QtGui import QPageSize
from PySide6.QtPrintSupport import QAbstractPrintDialog, QPrintDialog, QPrinter
from PySide6.QtWidgets import QDialog, QFileDialog, QMainWindow, QMessageBox, QWidget
from shiboken6 import isValid

from desktop.printing.common import WriteProblem, write_atomically
from desktop.ui.operations import Operation

PdfFactory = Callable[[], bytes]
Progress = Callable[[int, str], None]
Run = Callable[..., Any]  # MainWindow.run(title, work, on_success, on_failure)

TITLE = "Residence report"
PDF_FILTER = "PDF document (*.pdf)"
#: False on Windows: no system spooler there takes PDF (see the module's comment).
DIRECT_PRINTING = sys.platform != "win32"
SPOOL_TIMEOUT_S = 60
_ECHO = 200


class PrintProblem(Exception):
    """Printing could not go ahead; the message says why and what to do."""


class SpoolError(PrintProblem):
    """The system print spooler refused or could not be run."""


@dataclass(frozen=True)
class PrintTarget:
    """Where the print dialog said to send the report (plain values: safe on any thread)."""

    pdf_file: Path | None = None  # "print to file (PDF)": our PDF is written here
    printer_name: str | None = None  # a printer: the PDF goes to the spooler
    copies: int = 1
    #: CUPS `sides` value, or None for the printer's own default.
    sides: str | None = None
    #: (first, last) page, 1-based, or None for all pages.
    pages: tuple[int, int] | None = None
    #: The print job's title as the spooler shows it: the document's kind, never a name.
    title: str = TITLE


def suggested_report_name(client_id: int | None, made_on: date) -> str:
    """`residence-report-client-12-2025-01-10.pdf`: no client name (see the module's comment)."""
    who = f"-client-{client_id}" if client_id is not None else ""
    return f"residence-report{who}-{made_on.isoformat()}.pdf"


# ---- messages (replaceable in tests) ---------------------------------------------------------


def show_problem(parent: QWidget | None, title: str, text: str) -> None:
    QMessageBox.warning(parent, title, text)


def ask_save_instead(parent: QWidget | None, text: str) -> bool:
    """Windows: offer Save PDF… in place of printing."""
    box = QMessageBox(
        QMessageBox.Icon.Information, "Print", text, QMessageBox.StandardButton.NoButton, parent
    )
    save = box.addButton("Save PDF…", QMessageBox.ButtonRole.AcceptRole)
    cancel = box.addButton("Cancel", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(save)
    box.setEscapeButton(cancel)
    box.exec()
    return box.clickedButton() is save


def notify(parent: QWidget | None, text: str) -> None:
    """Success: a line in the main window's status bar (no popup to dismiss)."""
    window = parent.window() if parent is not None else None
    if isinstance(window, QMainWindow):
        window.statusBar().showMessage(text, 15000)


def problem_text(exc: BaseException) -> str:
    """Our own errors carry a sentence; anything else gets its kind only, never data."""
    if isinstance(exc, (WriteProblem, PrintProblem)):
        return str(exc)
    if isinstance(exc, OSError):
        return f"The file could not be written ({exc.strerror or type(exc).__name__})."
    return f"The report could not be made ({type(exc).__name__}). Nothing was saved or printed."


# ---- background work -------------------------------------------------------------------------


def held_weakly(widget: QWidget | None) -> Callable[[], QWidget | None]:
    """`widget` while it is still there (its window closed and deleted: None)."""
    if widget is None:
        return lambda: None
    ref = weakref.ref(widget)

    def alive() -> QWidget | None:
        found = ref()
        return found if found is not None and isValid(found) else None

    return alive


def _start(
    parent: QWidget,
    run: Run | None,
    title: str,
    work: Callable[[Progress], Any],
    on_success: Callable[[Any], None],
    on_failure: Callable[[BaseException], None],
) -> Any:
    if run is not None:
        return run(title, work, on_success, on_failure)
    op = Operation(parent, title, work)
    op.succeeded.connect(on_success)
    op.failed.connect(on_failure)
    op.start()
    return op


def _default_folder() -> Path:
    found = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return Path(found) if found else Path.home()


def _with_pdf_suffix(path: Path) -> Path:
    return path if path.suffix.lower() == ".pdf" else path.with_name(path.name + ".pdf")


# ---- Save PDF… -------------------------------------------------------------------------------


def save_report_pdf(
    parent: QWidget,
    pdf_bytes_factory: PdfFactory,
    suggested_name: str,
    *,
    run: Run | None = None,
    folder: Path | None = None,
    on_saved: Callable[[Path], None] | None = None,
) -> Any:
    """Ask where to save (suggesting `suggested_name`), then build and write the PDF there off
    the UI thread. Returns the running operation (what `run` returns), or None if the person
    cancelled the file dialog."""
    start = (folder or _default_folder()) / suggested_name
    chosen, _ = QFileDialog.getSaveFileName(parent, "Save report as PDF", str(start), PDF_FILTER)
    if not chosen:
        return None
    path = _with_pdf_suffix(Path(chosen))
    return write_report_pdf(parent, pdf_bytes_factory, path, run=run, on_saved=on_saved)


def write_report_pdf(
    parent: QWidget,
    pdf_bytes_factory: PdfFactory,
    path: Path,
    *,
    run: Run | None = None,
    on_saved: Callable[[Path], None] | None = None,
    title: str = "Saving the report",
) -> Any:
    """Build the PDF and write it atomically to `path`, off the UI thread."""

    def work(progress: Progress) -> Path:
        progress(10, "Making the report")
        data = pdf_bytes_factory()
        progress(85, "Writing the file")
        return write_atomically(path, data)

    shown = held_weakly(parent)

    def done(written: Path) -> None:
        if on_saved is not None:
            on_saved(written)
        else:
            notify(shown(), f"Report saved as {written}.")

    def failed(exc: BaseException) -> None:
        show_problem(shown(), "Save report", f"The report was not saved. {problem_text(exc)}")

    return _start(parent, run, title, work, done, failed)


# ---- Print… ----------------------------------------------------------------------------------

_SIDES = {
    QPrinter.DuplexMode.DuplexNone: "one-sided",
    QPrinter.DuplexMode.DuplexLongSide: "two-sided-long-edge",
    QPrinter.DuplexMode.DuplexShortSide: "two-sided-short-edge",
}


def exec_dialog(dialog: QDialog) -> bool:
    """Run a modal dialog (tests replace this to answer without a modal loop)."""
    return dialog.exec() == QDialog.DialogCode.Accepted


def target_from_printer(printer: QPrinter) -> PrintTarget:
    """What the print dialog chose, as plain values; PrintProblem when it chose nothing."""
    if printer.outputFormat() == QPrinter.OutputFormat.PdfFormat:
        name = printer.outputFileName()
        if not name:
            raise PrintProblem(
                "No printer was chosen. Pick a printer, or give a file name to print to a PDF file."
            )
        return PrintTarget(pdf_file=_with_pdf_suffix(Path(name)))
    name = printer.printerName()
    if not name:
        raise PrintProblem("No printer was chosen. Pick a printer in the print dialog.")
    pages = None
    if printer.printRange() == QPrinter.PrintRange.PageRange and printer.fromPage() > 0:
        pages = (printer.fromPage(), max(printer.fromPage(), printer.toPage()))
    return PrintTarget(
        printer_name=name,
        copies=max(1, printer.copyCount()),
        sides=_SIDES.get(printer.duplex()),
        pages=pages,
    )


def ask_print_target(parent: QWidget | None) -> PrintTarget | None:
    """The print dialog; None when the person cancels."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setDocName(TITLE)
    printer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    dialog = QPrintDialog(printer, parent)
    dialog.setWindowTitle("Print report")
    dialog.setAccessibleName("Print report")
    dialog.setOption(QAbstractPrintDialog.PrintDialogOption.PrintSelection, False)
    dialog.setOption(QAbstractPrintDialog.PrintDialogOption.PrintCurrentPage, False)
    dialog.setOption(QAbstractPrintDialog.PrintDialogOption.PrintToFile, True)
    dialog.setOption(QAbstractPrintDialog.PrintDialogOption.PrintPageRange, True)
    try:
        if not exec_dialog(dialog):
            return None
        return target_from_printer(printer)
    finally:
        dialog.deleteLater()


def spool_command(
    target: PrintTarget, which: Callable[[str], str | None] | None = None
) -> list[str]:
    """The `lp` (or `lpr`) command line that prints standard input on `target`'s printer."""
    assert target.printer_name is not None
    which = which or shutil.which
    lp = which("lp")
    if lp:
        cmd = [lp, "-d", target.printer_name, "-n", str(target.copies), "-t", target.title]
        if target.sides:
            cmd += ["-o", f"sides={target.sides}"]
        if target.pages:
            cmd += ["-P", f"{target.pages[0]}-{target.pages[1]}"]
        return cmd
    lpr = which("lpr")
    if lpr:
        cmd = [lpr, "-P", target.printer_name, f"-#{target.copies}", "-T", target.title]
        if target.sides:
            cmd += ["-o", f"sides={target.sides}"]
        if target.pages:
            cmd += ["-o", f"page-ranges={target.pages[0]}-{target.pages[1]}"]
        return cmd
    raise SpoolError(
        "No print spooler was found (neither 'lp' nor 'lpr'). Use Save PDF… and print the file "
        "from a PDF reader."
    )


def system_spooler(pdf: bytes, target: PrintTarget) -> None:
    """Send `pdf` to the printer through CUPS, on standard input (no temporary file)."""
    if not DIRECT_PRINTING:
        raise SpoolError(WINDOWS_TEXT)
    cmd = spool_command(target)
    try:
        result = subprocess.run(
            cmd, input=pdf, capture_output=True, timeout=SPOOL_TIMEOUT_S, check=False
        )
    except subprocess.TimeoutExpired:
        raise SpoolError(
            f"The print spooler did not answer within {SPOOL_TIMEOUT_S} seconds; check the "
            f"printer {target.printer_name}."
        ) from None
    except OSError as exc:
        raise SpoolError(
            f"The print spooler could not be started ({exc.strerror or type(exc).__name__})."
        ) from None
    if result.returncode != 0:
        said = " ".join(result.stderr.decode("utf-8", "replace").split())[:_ECHO]
        raise SpoolError(
            f"The printer {target.printer_name} did not take the report"
            + (f": {said}" if said else f" (the spooler stopped with status {result.returncode}).")
        )


WINDOWS_TEXT = (
    "Drop-in Desk cannot send a PDF straight to a printer on Windows. Save the report as a "
    "PDF, then open it in your PDF reader and print it from there."
)


def print_report(
    parent: QWidget,
    pdf_bytes_factory: PdfFactory,
    *,
    spooler: Callable[[bytes, PrintTarget], None] | None = None,
    run: Run | None = None,
    suggested_name: str = "residence-report.pdf",
    on_done: Callable[[str], None] | None = None,
    title: str = TITLE,
) -> Any:
    """Show the print dialog, then build the PDF off the UI thread and write it to the chosen
    PDF file or hand it to `spooler` (default `system_spooler`). Returns the running operation,
    or None when nothing was started (cancelled, or nothing chosen: a message says why)."""
    if not DIRECT_PRINTING and spooler is None:
        if ask_save_instead(parent, WINDOWS_TEXT):
            return save_report_pdf(parent, pdf_bytes_factory, suggested_name, run=run)
        return None
    try:
        target = ask_print_target(parent)
    except PrintProblem as exc:
        show_problem(parent, "Print report", str(exc))
        return None
    if target is None:
        return None
    target = replace(target, title=title)
    send = spooler or system_spooler

    def work(progress: Progress) -> str:
        progress(10, "Making the report")
        data = pdf_bytes_factory()
        if target.pdf_file is not None:
            progress(85, "Writing the file")
            written = write_atomically(target.pdf_file, data)
            return f"Report saved as {written}."
        progress(70, "Sending the report to the printer")
        send(data, target)
        return f"Report sent to the printer {target.printer_name}."

    shown = held_weakly(parent)

    def done(message: str) -> None:
        if on_done is not None:
            on_done(message)
        else:
            notify(shown(), message)

    def failed(exc: BaseException) -> None:
        show_problem(shown(), "Print report", f"The report was not printed. {problem_text(exc)}")

    return _start(parent, run, "Printing the report", work, done, failed)
