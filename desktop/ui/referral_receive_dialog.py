"""Receive a referral (issue 20): read the file, ask for the passphrase if it needs one, open
it off the UI thread, and show what it holds before anything is written.

The preview says who sent it (name and fingerprint; in the address book or, loudly, not), when
(in words, this computer's time), their covering note, the client (name, date of birth, Home
Office reference) and how many records of each kind. A client here with the same name and date
of birth (or Home Office reference) is named, with "Compare and merge…" (the merge dialog,
record by record) and "Add as a new client"; with none, "Add client". Cancel writes nothing.

Every problem (a refused file, a wrong passphrase, a merge that cannot be made) is one line in
the dialog, never a traceback; after a wrong passphrase the words can be typed again. On Add or
Merge the dialog is accepted with `client_id` and `message` (for the status bar) set.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.ui.referral_common import (
    Runner,
    api,
    birth_words,
    counts_words,
    error_label,
    monospace,
    own_runner,
    problem_line,
    say,
    sent_words,
)

TITLE = "Receive a referral"
UNKNOWN_SENDER = (
    "Not in your address book: check the fingerprint with the sender before you trust this file"
)
PASSPHRASE_ASK = (
    "This referral is locked with a six-word passphrase. The person who sent it reads the words "
    "to you by phone. Capitals, hyphens and extra spaces do not matter."
)
WORKING = ("Reading the file…", "Opening the referral (this takes a few seconds)…")

READING, PASSPHRASE, PREVIEW = 0, 1, 2


class ReferralReceiveDialog(QDialog):
    def __init__(
        self,
        store,
        adviser: str,
        path: Path | str,
        parent: QWidget | None = None,
        runner: Runner | None = None,
        open_merge=None,
    ) -> None:
        super().__init__(parent)
        self.store, self.adviser, self.path = store, adviser, Path(path)
        self.run = runner or own_runner(self)
        #: How the merge dialog is shown: (plan, received, client words, parent) -> choices or
        #: None (tests replace it).
        self.open_merge = open_merge or _merge_choices
        self.client_id: int | None = None
        self.message = ""
        self._data: bytes | None = None
        self._received = None
        self._busy = False
        self.setWindowTitle(TITLE)
        self.setAccessibleName(TITLE)

        self.pages = QStackedWidget()
        self.working = QLabel(WORKING[0])
        self.working.setAccessibleName("Progress")
        self.working.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.pages.addWidget(self.working)
        self.pages.addWidget(self._passphrase_page())
        self.pages.addWidget(self._preview_page())
        self.error = error_label("Problem")

        self.save_sender_button = QPushButton("Save &sender…")
        self.save_sender_button.setAccessibleName("Save the sender to the address book")
        self.merge_button = QPushButton("Compare and &merge…")
        self.merge_button.setAccessibleName("Compare with the client here and merge")
        self.new_button = QPushButton("Add as a &new client")
        self.new_button.setAccessibleName("Add as a new client")
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setAccessibleName("Cancel: nothing is written")
        for button in (self.save_sender_button, self.merge_button, self.new_button):
            button.setAutoDefault(False)
        self.save_sender_button.clicked.connect(self.save_sender)
        self.merge_button.clicked.connect(self.merge)
        self.new_button.clicked.connect(self.add_new)
        self.cancel_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_sender_button)
        buttons.addStretch(1)
        for button in (self.merge_button, self.new_button, self.cancel_button):
            buttons.addWidget(button)

        layout = QVBoxLayout(self)
        layout.addWidget(self.pages, 1)
        layout.addWidget(self.error)
        layout.addLayout(buttons)
        self.resize(640, 600)
        self._show(READING)

    # ---- pages ---------------------------------------------------------------------------------
    def _passphrase_page(self) -> QWidget:
        page = QWidget()
        ask = QLabel(PASSPHRASE_ASK)
        ask.setWordWrap(True)
        ask.setAccessibleName("About the passphrase")
        self.passphrase = QLineEdit()
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase.setAccessibleName("The referral's six-word passphrase")
        self.passphrase.setFont(monospace(1.2))
        label = QLabel("&Passphrase:")
        label.setBuddy(self.passphrase)
        self.show_words = QCheckBox("S&how the words")
        self.show_words.setAccessibleName("Show the passphrase as it is typed")
        self.show_words.toggled.connect(
            lambda on: self.passphrase.setEchoMode(
                QLineEdit.EchoMode.Normal if on else QLineEdit.EchoMode.Password
            )
        )
        self.open_button = QPushButton("&Open")
        self.open_button.setAccessibleName("Open the referral")
        self.open_button.setDefault(True)
        self.open_button.clicked.connect(self.open_with_passphrase)
        self.passphrase.textChanged.connect(
            lambda text: self.open_button.setEnabled(bool(text.strip()) and not self._busy)
        )
        self.open_button.setEnabled(False)
        row = QHBoxLayout()
        row.addWidget(label)
        row.addWidget(self.passphrase, 1)
        row.addWidget(self.open_button)
        layout = QVBoxLayout(page)
        layout.addWidget(ask)
        layout.addLayout(row)
        layout.addWidget(self.show_words)
        layout.addStretch(1)
        return page

    def _preview_page(self) -> QWidget:
        inner = QWidget()
        bold = self.font()
        bold.setBold(True)

        def value(name: str, selectable: bool = True) -> QLabel:
            label = QLabel()
            label.setTextFormat(Qt.TextFormat.PlainText)
            label.setWordWrap(True)
            label.setAccessibleName(name)
            if selectable:
                label.setTextInteractionFlags(
                    Qt.TextInteractionFlag.TextSelectableByMouse
                    | Qt.TextInteractionFlag.TextSelectableByKeyboard
                )
            return label

        self.sender = value("Sent by")
        self.sender.setFont(bold)
        self.fingerprint = value("Sender's fingerprint")
        self.fingerprint.setFont(monospace(1.2, bold=True))
        self.known = value("Is the sender known")
        self.sent = value("Sent on")
        self.note = QPlainTextEdit()
        self.note.setReadOnly(True)
        self.note.setTabChangesFocus(True)
        self.note.setAccessibleName("The sender's covering note")
        self.note.setMaximumHeight(120)
        self.client = value("Client")
        self.client.setFont(bold)
        self.born = value("Client's date of birth")
        self.reference = value("Client's Home Office reference")
        self.counts = value("What it holds")
        self.matches = value("A client already here")
        self.match_pick = QComboBox()
        self.match_pick.setAccessibleName("Which client here to compare with")
        form = QFormLayout(inner)
        rows = (
            ("From:", self.sender),
            ("Fingerprint:", self.fingerprint),
            ("", self.known),
            ("Sent:", self.sent),
            ("Covering note:", self.note),
            ("Client:", self.client),
            ("Date of birth:", self.born),
            ("Home Office ref:", self.reference),
            ("What it holds:", self.counts),
            ("Already here:", self.matches),
            ("Compare with:", self.match_pick),
        )
        self._captions: dict[QWidget, QLabel] = {}
        for caption, widget in rows:
            label = QLabel(caption)
            label.setAccessibleName(caption.rstrip(":") or "Address book")
            self._captions[widget] = label
            form.addRow(label, widget)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(inner)
        scroll.setAccessibleName("The referral's preview")
        return scroll

    # ---- steps ---------------------------------------------------------------------------------
    def _show(self, page: int) -> None:
        self.pages.setCurrentIndex(page)
        preview = page == PREVIEW and self._received is not None
        self.merge_button.setVisible(preview and bool(self._received.matches))
        self.new_button.setVisible(preview)
        self.save_sender_button.setVisible(preview and not self._received.sender_known_as)
        if preview:
            self.new_button.setText(
                "Add as a &new client" if self._received.matches else "&Add client"
            )
            self.new_button.setAccessibleName(self.new_button.text().replace("&", ""))
            self.new_button.setDefault(False)
        if page == PASSPHRASE:
            self.passphrase.setFocus()
        elif preview:
            (self.merge_button if self._received.matches else self.new_button).setFocus()
        self._update_enabled()

    def _update_enabled(self) -> None:
        for button in (self.merge_button, self.new_button, self.save_sender_button):
            button.setEnabled(not self._busy)
        self.open_button.setEnabled(not self._busy and bool(self.passphrase.text().strip()))
        self.passphrase.setEnabled(not self._busy)

    def _set_busy(self, busy: bool, words: str = "") -> None:
        self._busy = busy
        if words:
            self.working.setText(words)
        self._update_enabled()

    def start(self):
        """Read the file (at most READ_LIMIT bytes) and see how it is locked, off the UI
        thread; then ask for the passphrase or open it."""
        referral, path = api(), self.path

        def work(progress):
            from desktop.files import read_limited

            progress(10, "Reading the file")
            data = read_limited(path, referral.READ_LIMIT, "referral file")
            return data, referral.lock_kind(data)

        def done(result) -> None:
            self._set_busy(False)
            self._data, kind = result
            if kind == "passphrase":
                self._show(PASSPHRASE)
            else:
                self._open(None)

        self._set_busy(True, WORKING[0])
        return self.run("Reading the referral", work, done, self._failed_reading)

    def _failed_reading(self, exc: BaseException) -> None:
        self._set_busy(False)
        self.working.setText("This file cannot be received.")
        say(self.error, problem_line(exc))
        self.cancel_button.setText("Close")
        self.cancel_button.setFocus()

    def open_with_passphrase(self):
        words = self.passphrase.text()
        if not words.strip() or self._busy:
            return None
        return self._open(words)

    def _open(self, passphrase: str | None):
        referral, store, data = api(), self.store, self._data

        def work(progress):
            progress(5, "Opening the referral (this takes a few seconds)")
            return referral.open_received(store, data, passphrase)

        def done(received) -> None:
            self._set_busy(False)
            self.passphrase.clear()  # the words are not kept
            self._received = received
            say(self.error, "")
            self._fill_preview()
            self._show(PREVIEW)

        def failed(exc: BaseException) -> None:
            self._set_busy(False)
            say(self.error, problem_line(exc))
            if passphrase is None:
                self._failed_reading(exc)
                return
            self._show(PASSPHRASE)  # a wrong passphrase: type it again
            self.passphrase.selectAll()

        say(self.error, "")
        self._set_busy(True, WORKING[1])
        return self.run("Opening the referral", work, done, failed)

    def _fill_preview(self) -> None:
        received = self._received
        self.sender.setText(received.sender_name)
        self.fingerprint.setText(received.sender_fingerprint)
        self._show_known()
        self.sent.setText(sent_words(received.sent_at))
        self.note.setPlainText(received.note or "(no covering note)")
        self.client.setText(received.client_name)
        self.born.setText(birth_words(received.date_of_birth))
        self.reference.setText(received.home_office_ref or "not given")
        self.counts.setText(counts_words(list(received.counts)))
        self.match_pick.clear()
        for match in received.matches:
            self.match_pick.addItem(f"#{match.client_id} {match.name}", match.client_id)
        if received.matches:
            first = received.matches[0]
            why = first.why or "the same name and date of birth"
            more = (
                f" (and {len(received.matches) - 1} more: pick which to compare below)"
                if len(received.matches) > 1
                else ""
            )
            self.matches.setText(
                f"A client with the {why} is already here: #{first.client_id} {first.name}{more}"
            )
            self.matches.setStyleSheet("font-weight: bold;")
        else:
            self.matches.setText("No client here has the same name and date of birth.")
            self.matches.setStyleSheet("")
        many = len(received.matches) > 1
        self.match_pick.setVisible(many)
        self._captions[self.match_pick].setVisible(many)

    def _show_known(self) -> None:
        received = self._received
        if received.sender_known_as:
            self.known.setText(f"In your address book as {received.sender_known_as}")
            self.known.setStyleSheet("color: #1c5e20; font-weight: bold;")
        else:
            self.known.setText(UNKNOWN_SENDER)
            self.known.setStyleSheet(
                "QLabel { color: #ffffff; background: #a51d2d; font-weight: bold; padding: 6px; }"
            )
        self.known.setAccessibleDescription(self.known.text())

    # ---- what the adviser does -----------------------------------------------------------------
    def save_sender(self) -> None:
        received = self._received
        if received is None or self._busy:
            return
        name, ok = QInputDialog.getText(
            self,
            "Save sender",
            "Name for the address book (check the fingerprint with them first):",
            QLineEdit.EchoMode.Normal,
            received.sender_name,
        )
        name = " ".join((name or "").split())
        if not ok or not name:
            return
        try:
            api().save_sender(self.store, received, name)
        except Exception as exc:  # noqa: BLE001 - one line
            say(self.error, problem_line(exc))
            return
        from dataclasses import replace

        self._received = replace(received, sender_known_as=name)
        self._show_known()
        self.save_sender_button.hide()
        say(self.error, "")

    def chosen_match(self) -> int | None:
        if self._received is None or not self._received.matches:
            return None
        picked = self.match_pick.currentData()
        return picked if picked is not None else self._received.matches[0].client_id

    def add_new(self):
        received, store, adviser = self._received, self.store, self.adviser
        if received is None or self._busy:
            return None

        def work(progress):
            progress(20, "Adding the client")
            return api().accept_as_new(store, received, adviser)

        def done(client_id: int) -> None:
            self._set_busy(False)
            self._finish(client_id, f"Referral received: added as client {client_id}.")

        self._set_busy(True)
        return self.run("Adding the referred client", work, done, self._failed_writing)

    def merge(self):
        received, store, client_id = self._received, self.store, self.chosen_match()
        if received is None or client_id is None or self._busy:
            return None

        def work(progress):
            progress(20, "Comparing the records")
            return api().plan_merge(store, received, client_id)

        def planned(plan) -> None:
            self._set_busy(False)
            name = next((m.name for m in received.matches if m.client_id == client_id), "")
            choices = self.open_merge(plan, f"#{client_id} {name}", self)
            if choices is not None:
                self._apply_merge(client_id, choices)

        self._set_busy(True)
        return self.run("Comparing the records", work, planned, self._failed_writing)

    def _apply_merge(self, client_id: int, choices: dict[str, str]):
        received, store, adviser = self._received, self.store, self.adviser

        def work(progress):
            progress(20, "Merging the records")
            return api().accept_merge(store, received, client_id, choices, adviser)

        def done(counts: dict[str, int]) -> None:
            self._set_busy(False)
            done_words = ", ".join(f"{n} {what}" for what, n in counts.items() if n)
            self._finish(
                client_id,
                f"Referral merged into client {client_id}: {done_words or 'nothing changed'}.",
            )

        self._set_busy(True)
        return self.run("Merging the referral", work, done, self._failed_writing)

    def _failed_writing(self, exc: BaseException) -> None:
        self._set_busy(False)
        say(self.error, problem_line(exc) + " Nothing was written.")

    def _finish(self, client_id: int, message: str) -> None:
        self.client_id, self.message = client_id, message
        self._received = None
        self.accept()

    def reject(self) -> None:
        from desktop.ui.kept_drafts import closed_by_lock

        if self._busy and not closed_by_lock(self):
            return  # a write is under way: it finishes first (its progress shows)
        self._received = None
        self._data = None
        self.passphrase.clear()
        super().reject()

    def preview_text(self) -> str:
        """Everything the preview says, for tests and screen readers' checks."""
        labels = (self.sender, self.fingerprint, self.known, self.sent, self.client, self.born)
        parts = [label.text() for label in labels]
        parts += [self.reference.text(), self.counts.text(), self.matches.text()]
        return "\n".join([*parts, self.note.toPlainText()])


def _merge_choices(plan, client_words: str, parent: QWidget) -> dict[str, str] | None:
    from desktop.ui.referral_merge_dialog import ReferralMergeDialog

    dialog = ReferralMergeDialog(plan, client_words, parent)
    if dialog.exec() == QDialog.DialogCode.Accepted:
        return dialog.choices()
    return None
