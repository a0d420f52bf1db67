"""Print handout…: the client's checklist on paper, in the client's language, optionally in
large print, saved as a PDF or printed.

The dialog chooses the language (those every item of the template is translated into) and
large print; `make_factory(lang, large_print)` (from the Checklists tab) returns the bytes
factory that `desktop.ui.print_report` calls off the UI thread. The factory works from plain
values only (the template, the item states, the client's history), never widgets or the store.

Told to the adviser, never printed for the client: a translation no native speaker has checked
(`desktop.rules.checklists.unreviewed_translation`; printing in that language asks first), and
why the fee is not printed as an amount (`fee_note`). `before_output` runs before anything is
saved or printed (the tab asks for the centre's details there); False stops.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

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

from desktop.rules.checklists import LANGUAGES, Checklist, unreviewed_translation
from desktop.ui.widgets import form_feedback

#: How a warning for the adviser looks (a text and a colour, never colour alone).
WARNING_STYLE = "background: #FFF4D6; color: #5A3B00; border-radius: 3px; padding: 4px;"

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
        phrase_reviews: Mapping[str, Any] | None = None,
        fee_note: str = "",
        before_output: Callable[[], bool] | None = None,
    ) -> None:
        """`phrase_reviews`: lang -> Review of the handout's own words (default: the phrases
        file's); `fee_note`: why the fee is not printed as an amount ("" when it is)."""
        super().__init__(parent)
        self._checklist = checklist
        self._phrase_reviews = _phrase_reviews() if phrase_reviews is None else phrase_reviews
        self._before_output = before_output
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
        self.review_warning = QLabel()
        self.review_warning.setWordWrap(True)
        self.review_warning.setTextFormat(Qt.TextFormat.PlainText)
        self.review_warning.setStyleSheet(WARNING_STYLE)
        self.review_warning.setAccessibleName("Translation not checked")
        self.fee_note = QLabel(fee_note)
        self.fee_note.setWordWrap(True)
        self.fee_note.setTextFormat(Qt.TextFormat.PlainText)
        self.fee_note.setStyleSheet(WARNING_STYLE)
        self.fee_note.setAccessibleName("Why the fee is not printed")
        self.fee_note.setVisible(bool(fee_note))

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
        layout.addWidget(self.review_warning)
        layout.addWidget(self.fee_note)
        layout.addStretch(1)
        layout.addWidget(self.buttons)
        self.resize(460, 220)
        self.language.currentIndexChanged.connect(self._show_review)
        self._show_review()

    # ---- API -----------------------------------------------------------------------------------
    def lang(self) -> str:
        return self.language.currentData() or "en"

    def set_language(self, lang: str) -> bool:
        index = self.language.findData(lang)
        if index >= 0:
            self.language.setCurrentIndex(index)
        return index >= 0

    def review_text(self) -> str:
        """The adviser's warning for the chosen language ("" when checked or English)."""
        return unreviewed_translation(self._checklist, self.lang(), self._phrase_reviews)

    def _show_review(self, _index: int = -1) -> None:
        text = self.review_text()
        self.review_warning.setText(text)
        self.review_warning.setVisible(bool(text))

    def ready_to_print(self) -> bool:
        """Before anything is made: an unchecked translation is confirmed, then
        `before_output` (the centre's details) runs. False: nothing is printed."""
        warning = self.review_text()
        if warning and not form_feedback.confirm(
            self,
            "Translation not checked",
            f"{warning}\n\nPrint the handout in this language anyway?",
            yes="Print anyway",
        ):
            return False
        return self._before_output is None or bool(self._before_output())

    def factory(self) -> PdfFactory:
        """The bytes factory for the choices made (call it off the UI thread)."""
        return self._make_factory(self.lang(), self.large_print.isChecked())

    def save_pdf(self):
        """Ask where, then build and write the PDF off the UI thread; closes the dialog."""
        if not self.ready_to_print():
            return None
        started = self.save_pdf_with(
            self.parentWidget() or self, self.factory(), self._suggested_name
        )
        if started is not None:
            self.accept()
        return started

    def print_handout(self):
        if not self.ready_to_print():
            return None
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


def _phrase_reviews() -> Mapping[str, Any]:
    """The phrases file's reviews; none (every language unreviewed) when it cannot be read."""
    try:
        from desktop.assess import handout_phrase_reviews

        return handout_phrase_reviews()
    except (ValueError, OSError):  # ChecklistError names the file; the warning still shows
        return {}
