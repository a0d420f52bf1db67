"""What the on-screen calculators share (Tools > money calculator, household fees): the dated
figures (default: resources/rules), the day they start from, a title and a one-line intro, and an
application date field filled with that day. They save nothing."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import QDialog, QLabel, QWidget

from desktop.rules.figures import Figures
from desktop.ui.widgets.date_field import DateField


class CalculatorDialog(QDialog):
    def __init__(
        self,
        parent: QWidget | None,
        figures: Figures | None,
        today: date | None,
        *,
        title: str,
        intro: str,
    ) -> None:
        super().__init__(parent)
        if figures is None:
            from desktop.assess import load_figures

            figures = load_figures()
        self.figures = figures
        self._today = today or date.today()
        self._errors: dict[str, str] = {}
        self.setWindowTitle(title)
        self.setAccessibleName(title)
        self.intro = QLabel(intro)
        self.intro.setWordWrap(True)
        self.intro.setAccessibleName("About this calculator")
        self.date_field = DateField(required=True, label="Application date")
        self.date_field.setDate(self._today)
