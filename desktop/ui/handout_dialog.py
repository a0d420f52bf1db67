"""Print handout…: the client's checklist on paper, in the client's language, optionally in
large print, saved as a PDF or printed.

The dialog chooses the language (those every item of the template is translated into) and
large print; `make_factory(lang, large_print)` (from the Checklists tab) returns the bytes
factory that `desktop.ui.print_report` calls off the UI thread. The factory works from plain
values only (the template, the item states, the client's history), never widgets or the store.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.rules.checklists import LANGUAGES, Checklist

PdfFactory = Callable[[], bytes]
FactoryMaker = Callable[[str, bool], PdfFactory]


def suggested_handout_name(client_id: int | None, made_on) -> str:
    """No client name in the file name: it may be left on a shared machine."""
    who = f"-client-{client_id}" if client_id is not None else ""
    return f"checklist{who}-{made_on.isoformat()}.pdf"


class HandoutDialog(QDialog):
    def __init__(
        self,
        checklist: Checklist,
        make_factory: FactoryMaker,
        suggested_name: str,
        parent: QWidget | None = None,
        *,
        summary: str = "",
        language: str = "en",
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Print handout")
        self.setAccessibleName("Print handout")
        self._make_factory = make_factory
        self._suggested_name = suggested_name
        #: Replaceable in tests: Save PDF… and Print… (desktop.ui.print_report's functions).
        self.save_pdf_with = _save_report_pdf
        self.print_with = _print_report

        heading = QLabel(checklist.title)
        font = heading.font()
        font.setBold(True)
        heading.setFont(font)
        heading.setWordWrap(True)
        heading.setTextFormat(Qt.TextFormat.PlainText)
        self.summary = QLabel(summary)
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.summary.setAccessibleName("What the handout lists")

        self.language = QComboBox()
        self.language.setAccessibleName("Language of the handout")
        for lang in checklist.languages():
            name = LANGUAGES.get(lang, (lang, "ltr"))[0]
            self.language.addItem(name if lang == "en" else f"{name} ({lang})", lang)
        self.language.setCurrentIndex(max(0, self.language.findData(language)))
        self.language.setEnabled(self.language.count() > 1)
        if self.language.count() == 1:
            self.language.setToolTip("This checklist is only translated into English so far.")
        self.large_print = QCheckBox("&Large print")
        self.large_print.setAccessibleName("Large print")
        language_label = QLabel("Lan&guage:")
        language_label.setBuddy(self.language)
        form = QFormLayout()
        form.addRow(language_label, self.language)
        form.addRow("", self.large_print)
        note = QLabel(
            "The handout lists each item with who provides it and a box to tick, the client's "
            "dates, and the centre's name and contact. Adviser notes are never printed."
        )
        note.setWordWrap(True)

        self.save_button = QPushButton("&Save PDF…")
        self.save_button.setAccessibleName("Save the handout as a PDF")
        self.print_button = QPushButton("&Print…")
        self.print_button.setAccessibleName("Print the handout")
        self.save_button.setDefault(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.addButton(self.print_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.rejected.connect(self.reject)
        self.save_button.clicked.connect(self.save_pdf)
        self.print_button.clicked.connect(self.print_handout)

        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(self.summary)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addStretch(1)
        layout.addWidget(self.buttons)
        self.resize(460, 220)

    # ---- API -----------------------------------------------------------------------------------
    def lang(self) -> str:
        return self.language.currentData() or "en"

    def set_language(self, lang: str) -> bool:
        index = self.language.findData(lang)
        if index >= 0:
            self.language.setCurrentIndex(index)
        return index >= 0

    def factory(self) -> PdfFactory:
        """The bytes factory for the choices made (call it off the UI thread)."""
        return self._make_factory(self.lang(), self.large_print.isChecked())

    def save_pdf(self):
        """Ask where, then build and write the PDF off the UI thread; closes the dialog."""
        started = self.save_pdf_with(
            self.parentWidget() or self, self.factory(), self._suggested_name
        )
        if started is not None:
            self.accept()
        return started

    def print_handout(self):
        started = self.print_with(
            self.parentWidget() or self, self.factory(), suggested_name=self._suggested_name
        )
        if started is not None:
            self.accept()
        return started


def _save_report_pdf(parent, factory, suggested_name):
    from desktop.ui.print_report import save_report_pdf

    return save_report_pdf(parent, factory, suggested_name)


def _print_report(parent, factory, *, suggested_name):
    from desktop.ui.print_report import print_report

    return print_report(parent, factory, suggested_name=suggested_name, title="Checklist")
