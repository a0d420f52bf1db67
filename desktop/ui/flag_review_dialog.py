"""Walk the flagged transactions one by one and write the client's explanation of each.

Keyboard first: the explanation box has the focus; Enter (or Ctrl+Return anywhere) saves and
moves to the next flag, Page Down / Page Up move without saving, Alt+1..9 fill a quick pick,
Ctrl+Shift+U jumps to the next unexplained flag. Tab goes from the explanation to the quick picks,
then to the optional fields. A quick pick never overwrites what was typed: it is added after it,
and Ctrl+Z puts back the explanation as it was before the pick. "(letter attached)" is said only
when a document is recorded. An explanation that names an account the household has not
declared ("my Barclays ISA") asks "Add this account?"; "Add" records it in `accounts_to_add` and
the Statements tab opens the add-account flow for it when the dialog closes. A line in a recurring series can be explained
once for the whole series. Every save is one transaction in the store (through `save`); the
dialog never touches the store itself.

An explanation typed and not yet saved is kept as a draft if the window locks, quits or meets
an error (`draft_payload`, desktop.ui.kept_drafts) and put back with `restore_draft`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from desktop.rules.statement_types import (
    CATEGORIES,
    Explanation,
    Flag,
    FlagKind,
    StatementReview,
)
from desktop.rules.statements import Vocabulary, undeclared_account_named
from desktop.ui.kept_drafts import FLAG_REVIEW, LABELS
from desktop.ui.widgets.date_field import DateField
from desktop.ui.widgets.dates import format_date

#: The form's fields kept in a draft, as typed (the repayment date as its text).
_DRAFT_FIELDS = ("text", "counterparty", "relationship", "document", "repayment")

#: Quick picks: (button text, explanation, category, loan or gift). Words, not figures. A gift
#: or loan says "(letter attached)" only when a document is recorded (see `pick_text`).
QUICK_PICKS: tuple[tuple[str, str, str, str], ...] = (
    ("Wages", "Wages from my employer", "wages", ""),
    ("Benefits", "Benefit payment", "benefits", ""),
    ("Rent", "Rent for our home", "rent", ""),
    ("Bills", "Household bill", "utilities", ""),
    ("Food", "Food and household shopping", "food", ""),
    ("Travel", "Travel (bus, train, fuel)", "travel", ""),
    ("Children", "For the children (school, clothes, childcare)", "children", ""),
    ("Gift", "Gift from family or a friend", "support", "gift"),
    ("Loan", "Loan from family or a friend", "loan", "loan"),
)
#: Added to a gift's or loan's quick pick when the Document field records the letter.
LETTER_ATTACHED = " (letter attached)"

#: Short words for why a line is flagged (the list and the sheet use these).
KIND_WORDS = {
    FlagKind.LARGE: "large",
    FlagKind.REGULAR: "regular",
    FlagKind.OWN_TRANSFER: "own transfer",
    FlagKind.UNMATCHED_TRANSFER: "transfer to an account not listed",
    FlagKind.CASH: "cash",
    FlagKind.FROM_PERSON: "from a person",
    FlagKind.BALANCE_REDUCTION: "just before the application",
    FlagKind.UNDECLARED_ACCOUNT: "possibly an account not declared",
}


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def money(amount: Decimal) -> str:
    sign = "−" if amount < 0 else ""
    return f"{sign}£{abs(amount):,.2f}"


def explanation_for(flag: Flag, explanations: Mapping[str, Explanation]) -> Explanation | None:
    """The user's explanation, else the app's own (a matched transfer), else None."""
    given = explanations.get(flag.txn.key)
    if given is not None and given.given:
        return given
    if flag.suggested is not None and flag.suggested.given:
        return flag.suggested
    return None


class FlagReviewDialog(QDialog):
    #: Opened from the Statements tab only: what is typed is kept over a lock as this kind.
    draft_kind = FLAG_REVIEW

    def __init__(
        self,
        review: StatementReview,
        explanations: Mapping[str, Explanation],
        save: Callable[[Sequence[str], Explanation | None], str | None],
        parent: QWidget | None = None,
        start_at: int = 0,
        vocabulary: Vocabulary | None = None,
    ) -> None:
        super().__init__(parent)
        if vocabulary is None:
            from desktop.assess import statement_vocabulary

            vocabulary = statement_vocabulary()
        self._vocabulary = vocabulary
        #: Accounts an explanation named that the adviser chose to add (the tab opens the
        #: add-account flow for each when the dialog closes).
        self.accounts_to_add: list[str] = []
        self._asked: set[str] = set()  # named accounts already asked about
        self.setWindowTitle("Explain flagged transactions")
        self.setAccessibleName("Explain flagged transactions")
        self.resize(1000, 600)
        self._review = review
        self._explanations = dict(explanations)
        self._save = save
        self._labels = {a.key: a.label() for a in review.accounts}
        self._series = {r.key: r for r in review.recurrences}
        self._index = -1
        self._shown_form: dict | None = None

        self.progress_label = QLabel()
        self.progress_label.setAccessibleName("How many flags are explained")
        self.progress_bar = QProgressBar()
        self.progress_bar.setAccessibleName("Explained so far")
        self.progress_bar.setTextVisible(False)
        self.progress_bar.setMaximumHeight(10)

        self.list = QListWidget()
        self.list.setAccessibleName("Flagged transactions")
        self.list.currentRowChanged.connect(self._show)
        self.only_unexplained = QCheckBox("Show only &unexplained")
        self.only_unexplained.setAccessibleName("Show only unexplained flags")
        self.only_unexplained.toggled.connect(self._filter)

        self.heading = QLabel()
        self.heading.setTextFormat(Qt.TextFormat.PlainText)
        self.heading.setWordWrap(True)
        font = self.heading.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.15)
        self.heading.setFont(font)
        self.heading.setAccessibleName("The transaction")
        self.facts = QLabel()
        self.facts.setTextFormat(Qt.TextFormat.PlainText)
        self.facts.setWordWrap(True)
        self.facts.setAccessibleName("Account, date, amount and balance")
        self.reasons = QLabel()
        self.reasons.setTextFormat(Qt.TextFormat.PlainText)
        self.reasons.setWordWrap(True)
        self.reasons.setAccessibleName("Why it needs explaining")

        self.text = QLineEdit()
        self.text.setAccessibleName("Explanation")
        self.text.setPlaceholderText("What is this payment? (Enter saves and goes to the next)")
        self.text.returnPressed.connect(self.save_and_next)
        self.category = QComboBox()
        self.category.addItem("Automatic", "")
        for key, label in CATEGORIES.items():
            self.category.addItem(label, key)
        self.category.setAccessibleName("Category")
        self.counterparty = QLineEdit()
        self.counterparty.setAccessibleName("Who paid or was paid")
        self.relationship = QLineEdit()
        self.relationship.setAccessibleName("Their relationship to the client")
        self.loan_or_gift = QComboBox()
        for text, data in (("Neither", ""), ("Gift", "gift"), ("Loan", "loan")):
            self.loan_or_gift.addItem(text, data)
        self.loan_or_gift.setAccessibleName("Loan or gift")
        self.repayment = DateField(label="Repayment date")
        self.document = QLineEdit()
        self.document.setAccessibleName("Document that goes with it")
        self.document.setPlaceholderText("e.g. letter from brother dated 3 June")
        self.loan_or_gift.currentIndexChanged.connect(self._loan_changed)
        self.whole_series = QCheckBox()
        self.whole_series.setAccessibleName("Apply to the whole series")
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setAccessibleName("Message")
        # "Add this account?": asked when a saved explanation names an account not declared.
        self.add_question = QWidget()
        self.add_question.setAccessibleName("Add this account?")
        question_row = QHBoxLayout(self.add_question)
        question_row.setContentsMargins(0, 0, 0, 0)
        self.add_question_label = QLabel()
        self.add_question_label.setTextFormat(Qt.TextFormat.PlainText)
        self.add_question_label.setWordWrap(True)
        self.add_account_button = QPushButton("&Add this account")
        self.add_account_button.setAccessibleName("Add this account")
        self.add_account_button.setAutoDefault(False)
        self.not_now_button = QPushButton("Not n&ow")
        self.not_now_button.setAccessibleName("Do not add this account now")
        self.not_now_button.setAutoDefault(False)
        question_row.addWidget(self.add_question_label, 1)
        question_row.addWidget(self.add_account_button)
        question_row.addWidget(self.not_now_button)
        self.add_account_button.clicked.connect(self.add_named_account)
        self.not_now_button.clicked.connect(self._hide_question)
        self.add_question.hide()
        self._named_account: str | None = None

        form = QFormLayout()
        explanation_label = QLabel("&Explanation")
        explanation_label.setBuddy(self.text)
        form.addRow(explanation_label, self.text)
        picks = QGroupBox("Quick picks (Alt+1 to Alt+9)")
        form.addRow(picks)  # straight under the explanation: the next stop after it on Tab
        for label, widget in (
            ("Cate&gory", self.category),
            ("&Who", self.counterparty),
            ("&Relationship", self.relationship),
            ("&Loan or gift", self.loan_or_gift),
            ("Re&payment date", self.repayment),
            ("&Document", self.document),
        ):
            buddy = QLabel(label)
            buddy.setBuddy(widget)
            form.addRow(buddy, widget)

        picks_layout = QHBoxLayout(picks)
        picks_layout.setContentsMargins(6, 2, 6, 2)
        self.pick_buttons: list[QPushButton] = []
        for number, (label, text, category, kind) in enumerate(QUICK_PICKS, start=1):
            button = QPushButton(f"&{number} {label}")
            button.setAccessibleName(f"Quick pick: {label}")
            button.setAutoDefault(False)
            button.clicked.connect(
                lambda _c=False, t=text, c=category, k=kind: self.quick_pick(t, c, k)
            )
            picks_layout.addWidget(button)
            self.pick_buttons.append(button)

        self.prev_button = QPushButton("&Previous")
        self.prev_button.setToolTip("Previous flag (Page Up)")
        self.next_button = QPushButton("&Next")
        self.next_button.setToolTip("Next flag without saving (Page Down)")
        self.clear_button = QPushButton("C&lear explanation")
        self.save_button = QPushButton("&Save and next")
        self.save_button.setToolTip("Save and go to the next flag (Enter or Ctrl+Return)")
        self.close_button = QPushButton("Close")
        for button, name in (
            (self.prev_button, "Previous flag"),
            (self.next_button, "Next flag"),
            (self.clear_button, "Clear the explanation"),
            (self.save_button, "Save and go to the next flag"),
            (self.close_button, "Close"),
        ):
            button.setAccessibleName(name)
            button.setAutoDefault(False)
        self.prev_button.clicked.connect(lambda: self.move(-1))
        self.next_button.clicked.connect(lambda: self.move(1))
        self.clear_button.clicked.connect(self.clear_explanation)
        self.save_button.clicked.connect(self.save_and_next)
        self.close_button.clicked.connect(self.accept)
        for keys, slot in (
            ("Ctrl+Return", self.save_and_next),
            ("Ctrl+Enter", self.save_and_next),
            ("PgDown", lambda: self.move(1)),
            ("PgUp", lambda: self.move(-1)),
            ("Ctrl+Shift+U", self.next_unexplained),
        ):
            QShortcut(QKeySequence(keys), self, activated=slot)
        # Ctrl+Z with the focus off the explanation (on a quick pick just pressed) undoes the
        # pick; in the explanation box the event filter below does it.
        QShortcut(QKeySequence.StandardKey.Undo, self, activated=self.undo_pick)
        self.text.installEventFilter(self)
        #: Forms as they were before each quick pick, newest last (Ctrl+Z puts them back).
        self._before_picks: list[dict] = []

        detail = QWidget()
        right = QVBoxLayout(detail)
        right.addWidget(self.heading)
        right.addWidget(self.facts)
        right.addWidget(self.reasons)
        right.addLayout(form)
        right.addWidget(self.whole_series)
        right.addWidget(self.message)
        right.addWidget(self.add_question)
        right.addStretch(1)
        left_widget = QWidget()
        left = QVBoxLayout(left_widget)
        left.setContentsMargins(0, 0, 0, 0)
        left.addWidget(self.only_unexplained)
        left.addWidget(self.list, 1)
        splitter = QSplitter()
        splitter.addWidget(left_widget)
        splitter.addWidget(detail)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        splitter.setSizes([420, 580])

        buttons = QHBoxLayout()
        buttons.addWidget(self.prev_button)
        buttons.addWidget(self.next_button)
        buttons.addStretch(1)
        buttons.addWidget(self.clear_button)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        top.addWidget(self.progress_label)
        top.addWidget(self.progress_bar, 1)
        layout.addLayout(top)
        layout.addWidget(splitter, 1)
        layout.addLayout(buttons)

        self._set_tab_order()
        self._fill_list()
        self._update_progress()
        if review.flags:
            self.list.setCurrentRow(min(max(start_at, 0), len(review.flags) - 1))
        else:
            self.heading.setText("Nothing needs explaining.")
            for widget in (self.text, self.save_button, self.clear_button):
                widget.setEnabled(False)
        self.text.setFocus()

    def _set_tab_order(self) -> None:
        """Explanation -> quick picks -> the optional fields -> the series box -> the buttons:
        a space typed after Tab lands on a quick pick only after the explanation is left."""
        chain: list[QWidget] = [
            self.text,
            *self.pick_buttons,
            self.category,
            self.counterparty,
            self.relationship,
            self.loan_or_gift,
            self.repayment,
            self.document,
            self.whole_series,
            self.save_button,
            self.clear_button,
            self.prev_button,
            self.next_button,
            self.close_button,
        ]
        for first, second in zip(chain, chain[1:], strict=False):
            QWidget.setTabOrder(first, second)

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 - Qt's name
        if (
            watched is self.text
            and event.type() == QEvent.Type.KeyPress
            and event.matches(QKeySequence.StandardKey.Undo)
            and self._before_picks
        ):
            self.undo_pick()
            return True
        return super().eventFilter(watched, event)

    # ---- state -------------------------------------------------------------------------------
    def explanations(self) -> dict[str, Explanation]:
        return dict(self._explanations)

    def current_flag(self) -> Flag | None:
        if 0 <= self._index < len(self._review.flags):
            return self._review.flags[self._index]
        return None

    def _row_text(self, flag: Flag) -> str:
        done = explanation_for(flag, self._explanations) is not None
        mark = "✓" if done else "•"
        kinds = ", ".join(KIND_WORDS[k] for k in sorted(flag.kinds, key=list(FlagKind).index))
        return (
            f"{mark} {format_date(flag.txn.on)}  {money(flag.txn.amount)}  "
            f"{flag.txn.description[:40]}  ({kinds})"
        )

    def _fill_list(self) -> None:
        self.list.blockSignals(True)
        self.list.clear()
        for flag in self._review.flags:
            item = QListWidgetItem(self._row_text(flag))
            item.setData(Qt.ItemDataRole.AccessibleTextRole, self._row_text(flag))
            self.list.addItem(item)
        self.list.blockSignals(False)

    def _refresh_row(self, index: int) -> None:
        item = self.list.item(index)
        if item is not None:
            text = self._row_text(self._review.flags[index])
            item.setText(text)
            item.setData(Qt.ItemDataRole.AccessibleTextRole, text)

    def _update_progress(self) -> None:
        ready = self._readiness()
        done, total = ready.explained, ready.flagged
        if ready.final:
            state = " — ready to print as final"
        elif done == total:
            others = len(ready.reasons)
            state = f" — still a draft: {others} other point{'s' if others != 1 else ''} open"
        else:
            state = ""
        self.progress_label.setText(f"{done} of {total} explained{state}")
        self.progress_label.setToolTip("\n".join(ready.reasons))
        self.progress_bar.setRange(0, max(total, 1))
        self.progress_bar.setValue(done if total else 1)

    def _readiness(self):
        """As the sheet says: final, or a draft and why (an account an explanation names
        counts too)."""
        from desktop.printing.annotation_sheet import sheet_readiness

        return sheet_readiness(self._review, self._explanations, self._vocabulary)[0]

    def _filter(self, only: bool) -> None:
        for i, flag in enumerate(self._review.flags):
            hide = (
                only and explanation_for(flag, self._explanations) is not None and i != self._index
            )
            self.list.item(i).setHidden(hide)

    # ---- showing one flag -------------------------------------------------------------------
    def _show(self, index: int) -> None:
        self._index = index
        self._before_picks.clear()
        flag = self.current_flag()
        if flag is None:
            return
        txn = flag.txn
        self.heading.setText(f"{txn.description}  {money(txn.amount)}")
        facts = [self._labels.get(txn.account, txn.account), format_date(txn.on)]
        facts.append("money in" if txn.amount > 0 else "money out")
        if txn.balance is not None:
            facts.append(f"balance after {money(txn.balance)}")
        self.facts.setText("  ·  ".join(facts))
        self.reasons.setText("\n".join(f"• {r.sentence}" for r in flag.reasons))
        given = self._explanations.get(txn.key)
        shown = given if given is not None and given.given else flag.suggested
        self._fill_form(shown or Explanation(""))
        series = self._series.get(flag.series) if flag.series else None
        if series is not None:
            self.whole_series.setText(
                f"Apply to all {len(series.txn_keys)} {series.cadence} payments in this series"
            )
            self.whole_series.setChecked(True)
            self.whole_series.show()
        else:
            self.whole_series.setChecked(False)
            self.whole_series.hide()
        if given is None and flag.suggested is not None:
            self.message.setText(
                "Written by Drop-in Desk from the matching line; change it if wrong."
            )
        else:
            self.message.clear()
        self._shown_form = self._typed()
        self.text.setFocus()
        self.text.selectAll()

    # ---- drafts (kept over a lock, a quit or an error) ---------------------------------------
    def _typed(self) -> dict:
        """The form as it stands (texts as typed, choices as their codes)."""
        return {
            "text": self.text.text(),
            "category": self.category.currentData(),
            "counterparty": self.counterparty.text(),
            "relationship": self.relationship.text(),
            "loan_or_gift": self.loan_or_gift.currentData(),
            "repayment": self.repayment.text(),
            "document": self.document.text(),
            "whole_series": self.whole_series.isChecked(),
        }

    def draft_payload(self) -> dict | None:
        """The explanation typed for the flag shown and not yet saved; None if unchanged."""
        flag = self.current_flag()
        if flag is None or self._shown_form is None:
            return None
        typed = self._typed()
        if typed == self._shown_form:
            return None
        return {"txn": flag.txn.key, "form": typed}

    def draft_label(self) -> str:
        return LABELS[FLAG_REVIEW]

    def restore_draft(self, payload: dict) -> bool:
        """Show the flag the draft was typed for and put the typing back. False if that
        line is no longer flagged (the dialog then opens as usual)."""
        typed = payload.get("form")
        index = next(
            (i for i, f in enumerate(self._review.flags) if f.txn.key == payload.get("txn")),
            None,
        )
        if index is None or not isinstance(typed, dict):
            return False
        self.list.setCurrentRow(index)
        if index != self._index:
            self._show(index)
        for combo, name in ((self.category, "category"), (self.loan_or_gift, "loan_or_gift")):
            found = combo.findData(typed.get(name))
            if found >= 0:
                combo.setCurrentIndex(found)
        self._loan_changed()
        for name in _DRAFT_FIELDS:
            if isinstance(typed.get(name), str):
                getattr(self, name).setText(typed[name])
        if isinstance(typed.get("whole_series"), bool) and not self.whole_series.isHidden():
            self.whole_series.setChecked(typed["whole_series"])
        self.message.setText("What was typed before was put back: save it or change it.")
        self.text.setFocus()
        self.text.end(False)
        return True

    def _fill_form(self, e: Explanation) -> None:
        self.text.setText(e.text)
        self.category.setCurrentIndex(max(0, self.category.findData(e.category)))
        self.counterparty.setText(e.counterparty)
        self.relationship.setText(e.relationship)
        self.loan_or_gift.setCurrentIndex(max(0, self.loan_or_gift.findData(e.loan_or_gift)))
        self.repayment.setDate(e.repayment_date)
        self.document.setText(e.document)
        self._loan_changed()

    def _loan_changed(self) -> None:
        self.repayment.setEnabled(self.loan_or_gift.currentData() == "loan")

    def form_explanation(self) -> Explanation:
        return Explanation(
            text=self.text.text().strip(),
            category=self.category.currentData(),
            counterparty=self.counterparty.text().strip(),
            relationship=self.relationship.text().strip(),
            loan_or_gift=self.loan_or_gift.currentData(),
            repayment_date=self.repayment.date() if self.repayment.isEnabled() else None,
            document=self.document.text().strip(),
        )

    # ---- actions -----------------------------------------------------------------------------
    def pick_text(self, text: str, kind: str) -> str:
        """A quick pick's words: a gift or loan says "(letter attached)" only when the Document
        field records it."""
        if kind in ("gift", "loan") and self.document.text().strip():
            return text + LETTER_ATTACHED
        return text

    def quick_pick(self, text: str, category: str, kind: str) -> None:
        """Fill the explanation from a quick pick. Words already in the box (typed, or saved
        before) are kept and the pick is added after them; only an empty box or one holding
        another quick pick's words is replaced. Ctrl+Z undoes it."""
        before = self._typed()
        words = self.pick_text(text, kind)
        current = self.text.text().strip()
        if current and not self._is_pick_text(current):
            if words.casefold() in current.casefold():
                words = current
            else:
                words = f"{current.rstrip(' .;,')}; {_lower_first(words)}"
            self.message.setText(
                "Quick pick added after what was there (Ctrl+Z puts it back as it was)."
            )
        self._before_picks.append(before)
        self.text.setText(words)
        self.category.setCurrentIndex(max(0, self.category.findData(category)))
        self.loan_or_gift.setCurrentIndex(max(0, self.loan_or_gift.findData(kind)))
        self.text.setFocus()
        self.text.end(False)

    def _is_pick_text(self, text: str) -> bool:
        for _label, words, _category, _kind in QUICK_PICKS:
            if text in (words, words + LETTER_ATTACHED):
                return True
        return False

    def undo_pick(self) -> bool:
        """Put back the explanation, category and loan-or-gift as they were before the last
        quick pick. False when there is no pick to undo."""
        if not self._before_picks:
            return False
        before = self._before_picks.pop()
        self.text.setText(before["text"])
        self.category.setCurrentIndex(max(0, self.category.findData(before["category"])))
        self.loan_or_gift.setCurrentIndex(
            max(0, self.loan_or_gift.findData(before["loan_or_gift"]))
        )
        self._loan_changed()
        self.message.setText("Quick pick undone.")
        self.text.setFocus()
        self.text.end(False)
        return True

    def _targets(self, flag: Flag) -> list[str]:
        series = self._series.get(flag.series) if flag.series else None
        if series is not None and self.whole_series.isChecked():
            return list(series.txn_keys)
        return [flag.txn.key]

    def save_and_next(self) -> None:
        flag = self.current_flag()
        if flag is None:
            return
        explanation = self.form_explanation()
        if not explanation.given:
            self.message.setText(
                "Explanation: write what the payment is, or press Page Down to skip."
            )
            self.text.setFocus()
            return
        if LETTER_ATTACHED.strip() in explanation.text and not explanation.document:
            self.message.setText(
                'Document: record the letter here, or take "(letter attached)" out of the '
                "explanation."
            )
            self.document.setFocus()
            return
        if self.repayment.isEnabled() and self.repayment.error():
            self.message.setText(self.repayment.error())
            self.repayment.setFocus()
            return
        if self._write(self._targets(flag), explanation):
            named = undeclared_account_named(
                explanation.text, self._review.accounts, self._vocabulary
            )
            self.next_unexplained()
            if named is not None and named.casefold() not in self._asked:
                self._ask_to_add(named)

    # ---- an explanation naming an account not declared ---------------------------------------
    def _ask_to_add(self, named: str) -> None:
        self._asked.add(named.casefold())
        self._named_account = named
        self.add_question_label.setText(
            f"The explanation names {named}, which is not on the list of the household's "
            "accounts. Add this account? Every account must be declared, with its statements."
        )
        self.add_question.show()

    def add_named_account(self) -> None:
        """The answer "Add": record the account to add; the Statements tab opens the
        add-account flow for it when this dialog closes."""
        if self._named_account is None:
            return
        if self._named_account not in self.accounts_to_add:
            self.accounts_to_add.append(self._named_account)
        self.message.setText(
            f"{self._named_account} will be added when you close this window "
            "(then import its statements)."
        )
        self._hide_question()

    def _hide_question(self) -> None:
        self._named_account = None
        self.add_question.hide()
        self.text.setFocus()

    def clear_explanation(self) -> None:
        flag = self.current_flag()
        if flag is not None and self._write([flag.txn.key], None):
            self._show(self._index)

    def _write(self, keys: list[str], explanation: Explanation | None) -> bool:
        problem = self._save(keys, explanation)
        if problem:
            self.message.setText(f"Not saved: {problem}")
            return False
        for key in keys:
            if explanation is None:
                self._explanations.pop(key, None)
            else:
                self._explanations[key] = explanation
        by_key = {f.txn.key: i for i, f in enumerate(self._review.flags)}
        for key in keys:
            if key in by_key:
                self._refresh_row(by_key[key])
        self._update_progress()
        self.message.setText(
            f"Saved for {len(keys)} lines." if len(keys) > 1 else "Saved." if explanation else ""
        )
        return True

    def move(self, step: int) -> None:
        count = len(self._review.flags)
        index = self._index + step
        while 0 <= index < count and self.list.item(index).isHidden():
            index += step
        if 0 <= index < count:
            self.list.setCurrentRow(index)

    def next_unexplained(self) -> None:
        flags = self._review.flags
        count = len(flags)
        for offset in range(1, count + 1):
            index = (self._index + offset) % count
            if explanation_for(flags[index], self._explanations) is None:
                self.list.setCurrentRow(index)
                return
        ready = self._readiness()
        if ready.final:
            self.message.setText("Every flag is explained: the sheet prints as final.")
        else:
            self.message.setText(
                "Every flag is explained, but the sheet is still a draft: "
                + " ".join(ready.reasons)
            )
        self._filter(self.only_unexplained.isChecked())
