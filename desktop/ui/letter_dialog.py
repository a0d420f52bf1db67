"""Write a letter to the client (issue 22): client care, 3-month update, outcome, closing or
referral, printed from the templates kept as data (desktop.printing.letters).

The adviser picks the kind, the matter, the language (the client's own when the letter has
been translated into it, else English) and large print, and types the parts that kind needs.
They start filled in from what the store already holds: the matter (title, category, outcome,
decision date), its last visit (what was asked, the advice, the next steps), the client's
status in one line, and Settings (the centre's name, contact, OISC number, complaints
procedure). Nothing typed is overwritten: a part is filled again (on a change of matter) only
while it still holds what was filled in.

Beside the form, live, the list of what is missing (`letter_problems`): while there is
anything, the letter is printed with DRAFT on every page and cannot be recorded as sent.

Save PDF… builds the PDF off the UI thread and writes it atomically where the adviser says
(readable by its owner only; the suggested name has the client number, never the name).
Record as sent (a final letter only) writes the letter to the log with the typed parts
(`record_letter`, one transaction); for a client care letter it also records the client's
agreement (OISC code 25: signed, or electronic evidence) on the matter, in the same
transaction. The dialog is Accepted only when it recorded the letter.

Nothing typed is lost: the dialog takes part in desktop.ui.kept_drafts (kind "letter":
`draft_payload()` / `restore_draft()`), so a lock, a quit or an unexpected error keeps the form
as typed as an encrypted draft that the client page offers back; Close with something typed
and the letter not recorded asks first.
"""

from __future__ import annotations

import dataclasses
from datetime import date
from functools import partial
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from desktop.rules.checklists import LANGUAGES
from desktop.store import drafts
from desktop.ui import prompts
from desktop.ui.casework_form import TodayProvider, choice_combo, date_field
from desktop.ui.complaint_dialog import matter_words
from desktop.ui.kept_drafts import label_of
from desktop.ui.widgets.date_field import DateField
from desktop.ui.widgets.form_feedback import FormErrors, mark_invalid
from desktop.ui.widgets.kept_fields import KeptForm

#: The kept-draft kind of this form (desktop.store.drafts; offered back by the client page).
LETTER_DRAFT = "letter"

KIND_WORDS: dict[str, str] = {
    "client_care": "Client care letter",
    "update": "Update (at least every 3 months)",
    "outcome": "Outcome of the application or appeal",
    "closing": "Closing letter",
    "referral": "Referral to another adviser",
}

#: The parts the adviser types for each kind (the template's own fields are added to these).
KIND_PARTS: dict[str, tuple[str, ...]] = {
    "client_care": (
        "status_summary",
        "instructions",
        "advice_given",
        "work_agreed",
        "timeframe",
        "costs",
        "complaints_procedure",
    ),
    "update": ("status_summary", "progress", "next_steps"),
    "outcome": ("outcome_label", "decision_on", "advice_given", "next_steps"),
    "closing": ("outcome_label", "decision_on", "progress", "next_steps", "complaints_procedure"),
    "referral": ("referred_to", "referral_reason", "next_steps", "consent_on"),
}

#: Every part the dialog can show: (label, accessible name, shape). Shapes: "line" one line,
#: "text" several lines, "date" a date. The Alt letters are unique among what one kind shows
#: with the dialog's own controls (Kind, Matter, Language, Large print, Save, Record, Close,
#: Agreed): tests/ui/test_letter_dialog.py checks it. The centre's details (from Settings, seldom
#: changed here) have none: they are a Tab away.
PARTS: dict[str, tuple[str, str, str]] = {
    "centre_name": ("Centre name:", "Centre name", "line"),
    "centre_contact": ("Centre contact:", "Centre contact", "line"),
    "oisc_number": ("&OISC number:", "The centre's OISC number", "line"),
    "client_name": ("Cl&ient's name:", "Client's name", "line"),
    "client_address": ("Client's a&ddress:", "Client's address", "text"),
    "matter_title": ("A&bout:", "What the letter is about", "line"),
    "category_label": ("T&ype of case:", "Type of case", "line"),
    "status_summary": ("Immigration stat&us:", "The client's immigration status", "text"),
    "instructions": (
        "What the client asked &for:",
        "Instructions: what the client asked for",
        "text",
    ),
    "advice_given": ("Ad&vice given:", "Advice given", "text"),
    "work_agreed": ("&Work agreed:", "Work agreed", "text"),
    "timeframe": ("&How long it will take:", "Timeframe for the work", "line"),
    "costs": ("Costs (writ&e Free if none):", "Costs", "text"),
    "progress": ("&Progress:", "Progress since the last letter", "text"),
    "outcome_label": ("O&utcome:", "Outcome", "line"),
    "decision_on": ("D&ecision date:", "Decision date", "date"),
    "next_steps": ("&Next steps:", "Next steps", "text"),
    "referred_to": ("Referred &to:", "Who the client is referred to", "line"),
    "referral_reason": ("&Why:", "Why the client is referred", "text"),
    "consent_on": ("Consent to sh&are given on:", "Consent to share given on", "date"),
    "complaints_procedure": ("Complain&ts procedure:", "Complaints procedure", "text"),
}
#: Shown for every kind (the letter's head and greeting).
COMMON_PARTS = (
    "centre_name",
    "centre_contact",
    "oisc_number",
    "client_name",
    "client_address",
    "matter_title",
    "category_label",
)
#: The help under the list of what is missing.
DRAFT_WORDS = "While anything is missing the letter says DRAFT on every page, and why."
FINAL_WORDS = "Nothing is missing: the letter is final."
AGREED_HOW = {"signed": "Signed and dated copy", "electronic": "Electronic evidence (e-mail)"}

#: A language's English name as a client's record may spell it -> its code.
_LANGUAGE_NAMES = {
    "english": "en",
    "arabic": "ar",
    "farsi": "fa",
    "persian": "fa",
}


def client_language(languages_text: str, available: list[str]) -> str:
    """The first of the client's languages (as typed on their record: "Arabic, English",
    "ar", "فارسی") that the letter is translated into; English otherwise."""
    words = [w.strip().casefold() for w in languages_text.replace(";", ",").split(",")]
    for word in words:
        if not word:
            continue
        code = _LANGUAGE_NAMES.get(word.split(" ")[0]) or (word if word in LANGUAGES else None)
        if code is None:
            for key, (native, _direction) in LANGUAGES.items():
                if native.casefold() == word:
                    code = key
        if code is not None and code in available:
            return code
    return "en"


def suggested_letter_name(kind: str, client_id: int, made_on: date) -> str:
    """`letter-client_care-client-12-2026-12-07.pdf`: the client number, never the name."""
    return f"letter-{kind}-client-{client_id}-{made_on.isoformat()}.pdf"


def kind_parts(kind: str) -> tuple[str, ...]:
    """The parts a kind's letter is made of: ours, then any more its template prints."""
    parts = list(KIND_PARTS.get(kind, ()))
    try:
        from desktop.printing.letters import letter_template

        template = letter_template(kind)
        extra = [
            *template.needs,
            *(p.field for p in template.parts),
            *(p.unless for p in template.parts),
        ]
    except Exception:  # noqa: BLE001 - the template's own problem is shown by letter_problems
        extra = []
    for name in extra:
        if name and name in PARTS and name not in parts and name not in COMMON_PARTS:
            if name != "agreed_on":
                parts.append(name)
    return tuple(parts)


@dataclasses.dataclass
class _Known:
    """What the store holds for the letter (read once, when the dialog opens)."""

    client_name: str = ""
    client_address: str = ""
    languages: str = ""
    status_summary: str = ""
    centre_name: str = ""
    centre_contact: str = ""
    oisc_number: str = ""
    complaints_procedure: str = ""
    retention_years: int = 6
    consent_on: date | None = None
    matters: tuple = ()
    visits: tuple = ()


def _read_known(store, client_id: int) -> _Known:
    from desktop.store import repository
    from desktop.store.casework import (
        casework_of,
        casework_settings,
        complaints_procedure,
        oisc_number,
    )
    from desktop.store.repository import CENTRE_CONTACT_SETTING, CENTRE_NAME_SETTING

    known = _Known()
    with store.read_session() as session:
        client = repository.get_client(session, client_id)
        known.client_name = client.full_name or ""
        known.client_address = client.address or ""
        known.languages = client.languages or ""
        known.status_summary = client.status_summary or ""
        known.centre_name = repository.get_setting(session, CENTRE_NAME_SETTING, "") or ""
        known.centre_contact = repository.get_setting(session, CENTRE_CONTACT_SETTING, "") or ""
        known.oisc_number = oisc_number(session)
        known.complaints_procedure = complaints_procedure(session)
        known.retention_years = casework_settings(session).retention_years
        casework = casework_of(session, client_id)
        known.matters = tuple(casework.matters)
        known.visits = tuple(casework.visits)
        referral_consents = [
            c for c in casework.consents if c.scope == "referral" and c.withdrawn_on is None
        ]
        if referral_consents:
            known.consent_on = max(c.given_on for c in referral_consents)
    return known


def _labels() -> tuple[dict[str, str], dict[str, str]]:
    """(category key -> label, outcome key -> label) from the casework data ({} when unread)."""
    try:
        from desktop.assess import load_casework

        data = load_casework()
    except Exception:  # noqa: BLE001 - the keys are shown instead
        return {}, {}
    return (
        {k: c.label for k, c in data.categories.items()},
        {k: o.label for k, o in data.outcomes.items()},
    )


class LetterDialog(KeptForm, QDialog):
    draft_kind = LETTER_DRAFT

    def __init__(
        self,
        store,
        client_id: int,
        adviser: str,
        today_provider: TodayProvider,
        matter_id: int | None = None,
        kind: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        from desktop.printing.letters import LETTER_KINDS

        super().__init__(parent)
        self.store = store
        self.client_id = client_id
        self.adviser = adviser
        self.today_provider = today_provider
        #: True once the letter is in the log (exec() is Accepted only then).
        self.written = False
        self.written_id: int | None = None
        #: Replaceable in tests: where Save PDF… writes (None: the adviser cancelled).
        self.ask_path = self._ask_path
        #: The main window's runner for work off the UI thread (None: an Operation of its own).
        self.run = None
        self.setWindowTitle("Write a letter")
        self.setAccessibleName("Write a letter")
        self.known = _read_known(store, client_id)
        self.category_labels, self.outcome_labels = _labels()
        #: What each part was filled in with (a part still holding it may be filled again).
        self._filled: dict[str, object] = {}

        self.kind = choice_combo(
            "Kind of letter",
            {k: KIND_WORDS.get(k, k) for k in LETTER_KINDS},
            kind if kind in LETTER_KINDS else None,
        )
        self.matter = QComboBox()
        self.matter.setAccessibleName("The matter the letter is about")
        self.matter.addItem("(not about one matter)", None)
        for m in self.known.matters:
            self.matter.addItem(matter_words(m), m.id)
        index = self.matter.findData(matter_id) if matter_id is not None else -1
        if index < 0 and matter_id is None and len(self.known.matters) == 1:
            index = 1
        self.matter.setCurrentIndex(max(index, 0))
        self.language = QComboBox()
        self.language.setAccessibleName("Language of the letter")
        self.large_print = QCheckBox("&Large print")
        self.large_print.setAccessibleName("Large print")
        top = QFormLayout()
        for text, widget in (
            ("&Kind:", self.kind),
            ("&Matter:", self.matter),
            ("Lan&guage:", self.language),
        ):
            label = QLabel(text)
            label.setBuddy(widget)
            top.addRow(label, widget)
        top.addRow("", self.large_print)

        # The parts: every one made once; the kind chosen shows its own (hidden ones keep
        # what was typed in them).
        self.parts: dict[str, QWidget] = {}
        self.parts_form = QFormLayout()
        for name, (text, accessible, shape) in PARTS.items():
            widget = self._part_widget(accessible, shape)
            label = QLabel(text)
            label.setBuddy(widget)
            self.parts_form.addRow(label, widget)
            self.parts[name] = widget
        parts_box = QWidget()
        parts_box.setLayout(self.parts_form)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(parts_box)
        scroll.setAccessibleName("The parts of the letter")

        # The client's agreement (client care letters: OISC code 25).
        self.agreement = QGroupBox("The client's agreement (OISC code 25)")
        self.agreement.setAccessibleName("The client's agreement")
        self.agreed = QCheckBox("The client &agreed to this letter")
        self.agreed.setAccessibleName("The client agreed to this letter")
        self.agreed_how = choice_combo("How the client agreed", AGREED_HOW, None)
        self.agreed_on = date_field("Agreed on", value=self.today())
        agreement_row = QHBoxLayout(self.agreement)
        agreement_row.addWidget(self.agreed)
        how_label = QLabel("How:")
        how_label.setBuddy(self.agreed_how)
        on_label = QLabel("o&n:")
        on_label.setBuddy(self.agreed_on)
        for widget in (how_label, self.agreed_how, on_label, self.agreed_on):
            agreement_row.addWidget(widget)
        self.agreed_on.setMaximumWidth(130)

        # What is missing, live.
        self.missing_title = QLabel("")
        self.missing_title.setWordWrap(True)
        font = self.missing_title.font()
        font.setBold(True)
        self.missing_title.setFont(font)
        self.missing = QLabel("")
        self.missing.setWordWrap(True)
        self.missing.setTextFormat(Qt.TextFormat.PlainText)
        self.missing.setAccessibleName("What is missing")
        self.missing.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.translation = QLabel("")
        self.translation.setWordWrap(True)
        self.translation.setStyleSheet(
            "background: #FFF4D6; color: #5A3B00; border-radius: 3px; padding: 4px;"
        )
        self.translation.setAccessibleName("Translation not checked")
        self.translation.setVisible(False)
        side = QWidget()
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(0, 0, 0, 0)
        side_layout.addWidget(self.missing_title)
        side_layout.addWidget(self.missing)
        side_layout.addWidget(self.translation)
        side_layout.addStretch(1)
        side.setMinimumWidth(240)
        side.setMaximumWidth(320)

        self.errors = FormErrors()
        self.save_button = QPushButton("&Save PDF…")
        self.save_button.setAccessibleName("Save the letter as a PDF")
        self.record_button = QPushButton("&Record as sent")
        self.record_button.setAccessibleName("Record the letter as sent")
        self.close_button = QPushButton("&Close")
        self.close_button.setAccessibleName("Close without recording")
        for button in (self.save_button, self.record_button, self.close_button):
            button.setAutoDefault(False)
        self.buttons = QDialogButtonBox()
        self.buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.addButton(self.record_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton(self.close_button, QDialogButtonBox.ButtonRole.RejectRole)
        self.save_button.clicked.connect(self.save_pdf)
        self.record_button.clicked.connect(self.record_as_sent)
        self.close_button.clicked.connect(self.reject)

        middle = QHBoxLayout()
        left = QVBoxLayout()
        left.addLayout(top)
        left.addWidget(scroll, 1)
        left.addWidget(self.agreement)
        middle.addLayout(left, 3)
        middle.addWidget(side, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(middle, 1)
        layout.addWidget(self.errors)
        layout.addWidget(self.buttons)
        self.resize(880, 700)

        self._fill_common()
        self._fill_from_matter()
        self._set_languages()
        self._show_kind_parts()
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self.matter.currentIndexChanged.connect(self._matter_changed)
        self.language.currentIndexChanged.connect(self.refresh)
        self.large_print.toggled.connect(self.refresh)
        self.agreed.toggled.connect(self.refresh)
        self.agreed.toggled.connect(self.agreed_how.setEnabled)
        self.agreed.toggled.connect(self.agreed_on.setEnabled)
        self.agreed_how.setEnabled(self.agreed.isChecked())
        self.agreed_on.setEnabled(self.agreed.isChecked())
        self.agreed_on.dateChanged.connect(self.refresh)
        for widget in self.parts.values():
            self._watch(widget)
        self.refresh()
        self.kind.setFocus()
        #: What the form opened with (filled in from the store): a draft keeps changes to it.
        self._initial = self.field_texts()

    # ---- widgets ---------------------------------------------------------------------------
    def _part_widget(self, accessible: str, shape: str) -> QWidget:
        if shape == "date":
            return date_field(accessible)
        if shape == "text":
            box = QPlainTextEdit()
            box.setAccessibleName(accessible)
            box.setTabChangesFocus(True)
            box.setFixedHeight(box.fontMetrics().lineSpacing() * 3 + 14)
            return box
        line = QLineEdit()
        line.setAccessibleName(accessible)
        line.setMaxLength(200)
        return line

    def _watch(self, widget: QWidget) -> None:
        if isinstance(widget, DateField):
            widget.dateChanged.connect(self.refresh)
        elif isinstance(widget, QPlainTextEdit):
            widget.textChanged.connect(self.refresh)
        else:
            widget.textChanged.connect(self.refresh)

    def part_value(self, name: str):
        widget = self.parts[name]
        if isinstance(widget, DateField):
            return widget.date()
        if isinstance(widget, QPlainTextEdit):
            return widget.toPlainText().strip()
        return " ".join(widget.text().split())

    def set_part(self, name: str, value) -> None:
        widget = self.parts[name]
        if isinstance(widget, DateField):
            widget.setDate(value)
        elif isinstance(widget, QPlainTextEdit):
            widget.setPlainText(value or "")
        else:
            widget.setText(value or "")

    def _fill(self, name: str, value) -> None:
        """Fill a part unless the adviser has typed in it since it was last filled."""
        current = self.part_value(name)
        if current in (None, "") or current == self._filled.get(name):
            self.set_part(name, value)
            self._filled[name] = self.part_value(name)

    # ---- the form as typed (drafts) ----------------------------------------------------------
    def _kept_fields(self) -> dict[str, QWidget]:
        """The fields a draft keeps, in the order they are put back: the kind and the matter
        first (choosing them fills parts in), then the rest, then the parts as typed."""
        return {
            "kind": self.kind,
            "matter_id": self.matter,
            "language": self.language,
            "large_print": self.large_print,
            "agreed": self.agreed,
            "agreed_how": self.agreed_how,
            "agreed_on": self.agreed_on,
            **{f"part.{name}": widget for name, widget in self.parts.items()},
        }

    def draft_label(self) -> str:
        return label_of(LETTER_DRAFT, None)

    def _after_restore(self) -> None:
        self.refresh()

    def reject(self) -> None:
        """Close: asks first when something was typed and the letter is not recorded; a lock
        closes at once (the window kept what was typed as a draft)."""
        if self.may_close(
            "Close without recording?",
            "This letter is not recorded as sent, and what you typed in it is not kept. "
            "Close anyway?",
            yes="Close",
        ):
            super().reject()

    # ---- what the store knows ---------------------------------------------------------------
    def today(self) -> date:
        return self.today_provider()

    def chosen_matter(self):
        matter_id = self.matter.currentData()
        return next((m for m in self.known.matters if m.id == matter_id), None)

    def _last_visit(self, matter):
        visits = self.known.visits  # newest first
        if matter is not None:
            own = [v for v in visits if v.matter_id == matter.id]
            if own:
                return own[0]
        return visits[0] if visits else None

    def _fill_common(self) -> None:
        k = self.known
        for name, value in (
            ("centre_name", k.centre_name),
            ("centre_contact", k.centre_contact),
            ("oisc_number", k.oisc_number),
            ("client_name", k.client_name),
            ("client_address", k.client_address),
            ("status_summary", k.status_summary),
            ("complaints_procedure", k.complaints_procedure),
            ("consent_on", k.consent_on),
        ):
            self._fill(name, value)

    def _fill_from_matter(self) -> None:
        matter = self.chosen_matter()
        visit = self._last_visit(matter)
        if matter is not None:
            self._fill("matter_title", matter.title)
            self._fill("category_label", self.category_labels.get(matter.category, matter.category))
            self._fill(
                "outcome_label",
                self.outcome_labels.get(matter.outcome, matter.outcome or "")
                if matter.outcome
                else "",
            )
            self._fill("decision_on", matter.decision_on)
            agreed = matter.client_care_agreed_on
            self.agreed.setChecked(agreed is not None)
            if agreed is not None:
                self.agreed_on.setDate(agreed)
                index = self.agreed_how.findData(matter.client_care_how)
                if index >= 0:
                    self.agreed_how.setCurrentIndex(index)
        else:
            for name in ("matter_title", "category_label", "outcome_label", "decision_on"):
                self._fill(name, None)
        if visit is not None:
            self._fill("instructions", visit.asked)
            self._fill("advice_given", visit.advice)
            self._fill("next_steps", visit.next_steps)

    def _set_languages(self) -> None:
        from desktop.printing.letters import letter_languages

        kind = self.kind.currentData()
        before = self.language.currentData()
        try:
            available = letter_languages(kind)
        except Exception:  # noqa: BLE001 - English always; the template's problem shows below
            available = ["en"]
        self.language.blockSignals(True)
        self.language.clear()
        for lang in available:
            name = LANGUAGES.get(lang, (lang, "ltr"))[0]
            self.language.addItem(name if lang == "en" else f"{name} ({lang})", lang)
        wanted = before if before in available else client_language(self.known.languages, available)
        self.language.setCurrentIndex(max(self.language.findData(wanted), 0))
        self.language.setEnabled(self.language.count() > 1)
        self.language.blockSignals(False)

    def _show_kind_parts(self) -> None:
        kind = self.kind.currentData()
        shown = set(COMMON_PARTS) | set(kind_parts(kind))
        for name, widget in self.parts.items():
            self.parts_form.setRowVisible(widget, name in shown)
        self.agreement.setVisible(kind == "client_care")

    def _kind_changed(self, _index: int) -> None:
        self._set_languages()
        self._show_kind_parts()
        self.refresh()

    def _matter_changed(self, _index: int) -> None:
        self._fill_from_matter()
        self.refresh()

    # ---- the letter ------------------------------------------------------------------------
    def context(self):
        """The LetterContext of the letter as it stands (plain values: safe on any thread)."""
        from desktop.printing.letters import LetterContext

        kind = self.kind.currentData()
        shown = set(COMMON_PARTS) | set(kind_parts(kind))
        values: dict[str, object] = {
            "kind": kind,
            "made_on": self.today(),
            "language": self.language.currentData() or "en",
            "large_print": self.large_print.isChecked(),
            "adviser": self.adviser,
            "retention_years": self.known.retention_years,
        }
        for name in PARTS:
            if name in shown:
                values[name] = self.part_value(name)
        if kind == "client_care" and self.agreed.isChecked():
            values["agreed_on"] = self.agreed_on.date()
        known_fields = {f.name for f in dataclasses.fields(LetterContext)}
        return LetterContext(**{k: v for k, v in values.items() if k in known_fields})

    def problems(self) -> list[str]:
        """Why the letter is not final (empty: final). A part typed wrongly counts too."""
        from desktop.printing.letters import letter_problems

        bad_dates = [
            w.error() or ""
            for n, w in self.parts.items()
            if isinstance(w, DateField) and not w.is_valid()
        ]
        try:
            return bad_dates + letter_problems(self.context())
        except Exception as exc:  # noqa: BLE001 - a template that cannot be read is named
            return [*bad_dates, f"The letter's template could not be read: {exc}"]

    def refresh(self, *_args) -> None:
        problems = self.problems()
        if problems:
            self.missing_title.setText("Not final: the letter will say DRAFT")
            self.missing.setText("\n".join(f"• {p}" for p in problems) + f"\n\n{DRAFT_WORDS}")
        else:
            self.missing_title.setText("Final")
            self.missing.setText(FINAL_WORDS)
        self.missing.setAccessibleDescription(" ".join(problems) or FINAL_WORDS)
        self.record_button.setEnabled(not problems)
        self.record_button.setToolTip(
            "Only a final letter can be recorded as sent." if problems else ""
        )
        self._show_translation()

    def _show_translation(self) -> None:
        from desktop.printing.letters import letter_reviewed

        lang = self.language.currentData() or "en"
        try:
            reviewed = lang == "en" or letter_reviewed(self.kind.currentData(), lang)
        except Exception:  # noqa: BLE001
            reviewed = True
        self.translation.setText(
            ""
            if reviewed
            else "No native speaker has checked this translation yet: the letter prints the "
            "English letter after it, and says the English one counts."
        )
        self.translation.setVisible(not reviewed)

    def fields(self) -> dict[str, object]:
        """The typed parts as recorded in the log (JSON: dates as ISO text), so the letter can
        be printed again and is in the client's subject access copy."""
        ctx = self.context()
        skip = {"kind", "made_on", "language", "large_print"}
        out: dict[str, object] = {}
        for f in dataclasses.fields(ctx):
            if f.name in skip:
                continue
            value = getattr(ctx, f.name)
            if value in (None, ""):
                continue
            out[f.name] = value.isoformat() if isinstance(value, date) else value
        return out

    # ---- Save PDF… -------------------------------------------------------------------------
    def _ask_path(self) -> Path | None:
        from desktop.ui.print_report import PDF_FILTER, _default_folder, _with_pdf_suffix

        name = suggested_letter_name(self.kind.currentData(), self.client_id, self.today())
        chosen, _ = QFileDialog.getSaveFileName(
            self, "Save letter as PDF", str(_default_folder() / name), PDF_FILTER
        )
        return _with_pdf_suffix(Path(chosen)) if chosen else None

    def save_pdf(self):
        """Ask where, then build the PDF and write it there off the UI thread."""
        from desktop.printing.letters import letter_pdf
        from desktop.ui.print_report import held_weakly, notify, write_report_pdf

        path = self.ask_path()
        if path is None:
            return None
        draft = bool(self.problems())
        shown = held_weakly(self)  # the dialog may close while the PDF is made (print_report)

        def saved(written: Path) -> None:
            dialog = shown()
            if dialog is None:
                return
            dialog.errors.set_messages([])
            said = f"Letter saved as {written}" + (" (a DRAFT)." if draft else ".")
            dialog.setToolTip(said)
            notify(dialog.parentWidget() or dialog, said)

        return write_report_pdf(
            self,
            partial(letter_pdf, self.context()),
            path,
            run=self.run,
            on_saved=saved,
            title="Saving the letter",
        )

    # ---- Record as sent --------------------------------------------------------------------
    def record_as_sent(self) -> bool:
        """Write the letter to the log (and a client care letter's agreement to its matter) in
        one transaction; Accepted when written."""
        from desktop.store.casework import CaseworkProblem

        problems = self.problems()
        if problems:
            self.errors.set_messages(["Not recorded: the letter is not final (see the list)."])
            return False
        kind = self.kind.currentData()
        agreement = kind == "client_care" and self.agreed.isChecked()
        mark_invalid(self.agreed_on, None)
        mark_invalid(self.matter, None)
        if agreement:
            if not self.agreed_on.is_valid() or self.agreed_on.date() is None:
                message = self.agreed_on.error() or "Agreed on: type the date the client agreed."
                mark_invalid(self.agreed_on, message)
                self.errors.set_messages([message])
                return False
            if self.agreed_on.date() > self.today():
                message = "Agreed on cannot be after today."
                mark_invalid(self.agreed_on, message)
                self.errors.set_messages([message])
                return False
            if self.matter.currentData() is None:
                message = (
                    "Matter: choose the matter the client agreed to (the agreement is kept on it)."
                )
                mark_invalid(self.matter, message)
                self.errors.set_messages([message])
                return False
        try:
            with self.store.session() as session:
                self.written_id = self._write(session, agreement)
                drafts.drop(session, self.client_id, LETTER_DRAFT)  # the same transaction
        except CaseworkProblem as exc:
            self.errors.set_messages([str(exc)])
            return False
        except Exception as exc:  # noqa: BLE001 - never a traceback; what was typed stays
            self.errors.set_messages([f"Not recorded: {prompts.store_write_problem(exc)}"])
            return False
        self.written = True
        self.accept()
        return True

    def _write(self, session, agreement: bool) -> int:
        from desktop.store.casework import (
            CaseworkProblem,
            LetterEntry,
            casework_of,
            record_letter,
            update_matter,
        )

        matter_id = self.matter.currentData()
        entry = LetterEntry(
            matter_id=matter_id,
            kind=self.kind.currentData(),
            on=self.today(),
            adviser=self.adviser,
            language=self.language.currentData() or "en",
            large_print=self.large_print.isChecked(),
            fields=self.fields(),
        )
        letter_id = record_letter(session, self.client_id, entry, self.adviser)
        if agreement:
            matter = casework_of(session, self.client_id).matter(matter_id)
            if matter is None:
                raise CaseworkProblem(
                    "Matter: it is no longer on the client's record.", "matter_id"
                )
            now = matter.entry()
            changed = dataclasses.replace(
                now,
                client_care_agreed_on=self.agreed_on.date(),
                client_care_how=self.agreed_how.currentData(),
            )
            if changed != now:
                update_matter(session, matter_id, changed, self.adviser)
        return letter_id

    def accept(self) -> None:
        if self.written:
            super().accept()
        elif self.record_button.isEnabled():
            self.record_as_sent()
