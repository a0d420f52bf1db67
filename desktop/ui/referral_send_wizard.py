"""Refer this client to another adviser: a small wizard that writes one encrypted, signed
referral file (issue 20; desktop.store.referral does the work).

1. What will be sent: the client's name, how many records of each kind, and a covering note
   (plain text, at most 4,000 characters, with a counter).
2. How to lock it: a six-word passphrase read out by phone, or their referral key - a contact
   from the address book (name and fingerprint) or "New key…" (name and key; the fingerprint
   shows as the key is typed, to be read aloud and compared; it is saved to the address book).
   Optionally ASCII armour, a text file for email.
3. Where to save it: a folder (the user's Documents unless chosen); the file's name comes from
   the store (referral-YYYY-MM-DD-XXXX.ddref, no client name). "Lock and save" runs off the UI
   thread with progress (scrypt takes about 1.5 s).
4. Done: the file's path and, for a passphrase, the six words - big, monospace, selectable,
   shown this once. They are never logged or kept: the label is emptied when the wizard closes.

Closing the wizard with a covering note typed and not sent asks first (`confirm_drop_note`).
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.ui import kept_drafts
from desktop.ui.referral_common import (
    KeyEntry,
    Runner,
    api,
    counts_words,
    error_label,
    monospace,
    own_runner,
    problem_line,
    say,
)

TITLE = "Refer this client to another adviser"
NOTE_LIMIT = 4000
NEW_KEY = "New key…"
PASSPHRASE_WORDS = (
    "Read these six words to the person by phone. Never send them with the file or by the "
    "same email. They are not kept: if they are lost, send the referral again."
)
STEPS = (
    "Step 1 of 3: what will be sent",
    "Step 2 of 3: how to lock it",
    "Step 3 of 3: where to save it",
    "Done: the referral file is saved",
)
NOTE_DRAFT = kept_drafts.REFERRAL_NOTE
NOTE_DRAFT_LABEL = "a referral note (back when Refer… is opened)"
NOTE_BACK = "The covering note kept when the window locked is back: check it before sending."
DROP_NOTE_QUESTION = "The covering note you typed has not been sent. Close and lose it?"


def confirm_drop_note(parent: QWidget) -> bool:
    """Asked when the wizard is closed with a covering note typed and not sent: True to drop
    it. "Keep writing" is the default (Enter and Esc keep it). Tests replace this."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(TITLE)
    box.setText(DROP_NOTE_QUESTION)
    drop = box.addButton("&Lose the note", QMessageBox.ButtonRole.DestructiveRole)
    keep = box.addButton("&Keep writing", QMessageBox.ButtonRole.RejectRole)
    drop.setAccessibleName("Close and lose the note")
    keep.setAccessibleName("Keep writing")
    box.setDefaultButton(keep)
    box.setEscapeButton(keep)
    box.exec()
    return box.clickedButton() is drop


def default_folder() -> Path:
    from desktop.ui.print_report import _default_folder

    return _default_folder()


def spaced(passphrase: str) -> str:
    """The six words with room between them, three to a line, easy to read out
    ("tower   lake   river" / "cloud   stone   apple"; the receiver's field takes any
    spaces or line breaks between them)."""
    words = passphrase.split()
    return "\n".join("   ".join(words[i : i + 3]) for i in range(0, len(words), 3))


def _free_path(folder: Path, name: str) -> Path:
    """`folder/name`, or "name (2).ddref" and so on if a file of that name is there."""
    path = folder / name
    stem, suffix = name.split(".", 1) if "." in name else (name, "")
    number = 2
    while path.exists():
        path = folder / (f"{stem} ({number}).{suffix}" if suffix else f"{stem} ({number})")
        number += 1
    return path


class ReferralSendWizard(QDialog):
    #: A covering note typed when the window locks is kept as a draft of this kind (the
    #: window's lock keeps every open dialog's, desktop.ui.kept_drafts) and put back the next
    #: time the wizard is opened for the client.
    draft_kind = NOTE_DRAFT

    def __init__(
        self,
        store,
        client_id: int,
        adviser: str,
        parent: QWidget | None = None,
        runner: Runner | None = None,
        today: date | None = None,
        folder: Path | None = None,
    ) -> None:
        super().__init__(parent)
        self.store, self.client_id, self.adviser = store, client_id, adviser
        self.today = today
        self.run = runner or own_runner(self)
        self.sent_path: Path | None = None
        self._busy = False
        self.setWindowTitle(TITLE)
        self.setAccessibleName(TITLE)

        self.step_label = QLabel()
        font = self.step_label.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.2)
        self.step_label.setFont(font)
        self.step_label.setAccessibleName("Step")
        self.pages = QStackedWidget()
        self.pages.addWidget(self._what_page())
        self.pages.addWidget(self._lock_page())
        self.pages.addWidget(self._save_page(folder or default_folder()))
        self.pages.addWidget(self._done_page())
        self.error = error_label("Problem")

        self.back_button = QPushButton("< &Back")
        self.back_button.setAccessibleName("Back")
        self.next_button = QPushButton("&Next >")
        self.next_button.setAccessibleName("Next")
        self.next_button.setDefault(True)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setAccessibleName("Cancel")
        self.back_button.clicked.connect(self.back)
        self.next_button.clicked.connect(self.next)
        self.cancel_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        for button in (self.back_button, self.next_button, self.cancel_button):
            buttons.addWidget(button)

        layout = QVBoxLayout(self)
        layout.addWidget(self.step_label)
        layout.addWidget(self.pages, 1)
        layout.addWidget(self.error)
        layout.addLayout(buttons)
        self.setMinimumWidth(620)
        self._load_what()
        self._show(0)
        self._put_back_kept_note()

    # ---- a note kept at a lock -------------------------------------------------------------
    def draft_payload(self) -> dict | None:
        note = self.note.toPlainText()
        return {"note": note} if note.strip() and self.sent_path is None else None

    def draft_label(self) -> str:
        return NOTE_DRAFT_LABEL

    def _put_back_kept_note(self) -> None:
        from desktop.store import drafts

        try:
            with self.store.read_session() as session:
                kept = drafts.get(session, self.client_id, NOTE_DRAFT)
        except Exception:  # noqa: BLE001 - nothing to put back
            kept = None
        note = kept.get("note") if isinstance(kept, dict) else None
        if isinstance(note, str) and note.strip() and not self.note.toPlainText():
            self.note.setPlainText(note[: NOTE_LIMIT * 2])
            say(self.error, NOTE_BACK)

    def _forget_kept_note(self) -> None:
        from desktop.ui.kept_drafts import forget

        forget(self.store, self.client_id, NOTE_DRAFT)

    # ---- pages ---------------------------------------------------------------------------------
    def _what_page(self) -> QWidget:
        page = QWidget()
        self.client_label = QLabel()
        self.client_label.setTextFormat(Qt.TextFormat.PlainText)
        font = self.client_label.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.3)
        self.client_label.setFont(font)
        self.client_label.setAccessibleName("Client referred")
        self.counts_label = QLabel()
        self.counts_label.setTextFormat(Qt.TextFormat.PlainText)
        self.counts_label.setAccessibleName("What will be sent")
        self.counts_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.note = QPlainTextEdit()
        self.note.setAccessibleName("Covering note to the other adviser")
        self.note.setPlaceholderText(
            "Why you are referring, what is urgent, what the client has been told."
        )
        self.note.setTabChangesFocus(True)
        self.note.textChanged.connect(self._note_changed)
        note_label = QLabel("&Covering note (plain text, they read it before anything else):")
        note_label.setBuddy(self.note)
        self.counter = QLabel()
        self.counter.setAccessibleName("Characters in the covering note")
        self.counter.setAlignment(Qt.AlignmentFlag.AlignRight)
        intro = QLabel(
            "The whole record goes in one encrypted file: details, household, history, "
            "applications, notes, bank statements and explanations, checklists and deadlines."
        )
        intro.setWordWrap(True)
        intro.setAccessibleName("What a referral holds")
        layout = QVBoxLayout(page)
        layout.addWidget(self.client_label)
        layout.addWidget(intro)
        layout.addWidget(self.counts_label)
        layout.addWidget(note_label)
        layout.addWidget(self.note, 1)
        layout.addWidget(self.counter)
        return page

    def _lock_page(self) -> QWidget:
        page = QWidget()
        self.by_passphrase = QRadioButton("Six-word &passphrase, read out by phone")
        self.by_passphrase.setAccessibleName("Lock with a six-word passphrase, read out by phone")
        self.by_key = QRadioButton("Their referral &key")
        self.by_key.setAccessibleName("Lock with their referral key")
        self.lock_group = QButtonGroup(self)
        self.lock_group.addButton(self.by_passphrase)
        self.lock_group.addButton(self.by_key)
        self.by_passphrase.setChecked(True)
        passphrase_help = QLabel(
            "Anyone can open it with the six words, including with the age tool. You read the "
            "words to them by phone; they are shown once after saving."
        )
        passphrase_help.setWordWrap(True)
        passphrase_help.setAccessibleName("About the passphrase")
        passphrase_help.setIndent(24)
        self.contact = QComboBox()
        self.contact.setAccessibleName("Send to: a contact from the address book, or a new key")
        self.contact_label = QLabel("&Send to:")
        self.contact_label.setBuddy(self.contact)
        self.new_key = KeyEntry("Their na&me:", "Referral ke&y:")
        self.key_box = QWidget()
        key_layout = QFormLayout(self.key_box)
        key_layout.setContentsMargins(24, 0, 0, 0)
        key_layout.addRow(self.contact_label, self.contact)
        key_layout.addRow(self.new_key)
        self.armoured = QCheckBox("&Text file for email (ASCII armour)")
        self.armoured.setAccessibleName("Write a text file for email (ASCII armour)")
        self.by_key.toggled.connect(self._lock_changed)
        self.contact.currentIndexChanged.connect(self._lock_changed)
        self.new_key.changed.connect(self._lock_changed)
        layout = QVBoxLayout(page)
        layout.addWidget(self.by_passphrase)
        layout.addWidget(passphrase_help)
        layout.addWidget(self.by_key)
        layout.addWidget(self.key_box)
        layout.addStretch(1)
        layout.addWidget(self.armoured)
        return page

    def _save_page(self, folder: Path) -> QWidget:
        page = QWidget()
        self.folder_field = QLineEdit(str(folder))
        self.folder_field.setReadOnly(True)
        self.folder_field.setAccessibleName("Folder the referral file is saved in")
        folder_label = QLabel("Save &in folder:")
        folder_label.setBuddy(self.folder_field)
        self.choose_button = QPushButton("C&hoose folder…")
        self.choose_button.setAccessibleName("Choose the folder")
        self.choose_button.setAutoDefault(False)
        self.choose_button.clicked.connect(self.choose_folder)
        row = QHBoxLayout()
        row.addWidget(self.folder_field, 1)
        row.addWidget(self.choose_button)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.summary.setAccessibleName("What happens next")
        layout = QVBoxLayout(page)
        layout.addWidget(folder_label)
        layout.addLayout(row)
        layout.addWidget(self.summary)
        layout.addStretch(1)
        return page

    def _done_page(self) -> QWidget:
        page = QWidget()
        self.done_intro = QLabel()
        self.done_intro.setWordWrap(True)
        self.done_intro.setTextFormat(Qt.TextFormat.PlainText)
        self.done_intro.setAccessibleName("The referral was saved")
        self.passphrase_label = QLabel()
        self.passphrase_label.setFont(monospace(1.8, bold=True))
        self.passphrase_label.setTextFormat(Qt.TextFormat.PlainText)
        self.passphrase_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.passphrase_label.setWordWrap(True)
        self.passphrase_label.setAccessibleName("The six-word passphrase")
        self.passphrase_label.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        self.passphrase_label.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.passphrase_label.setStyleSheet(
            "QLabel { background: #fffbe6; border: 1px solid #d9b84a; padding: 12px; }"
        )
        self.passphrase_help = QLabel(PASSPHRASE_WORDS)
        self.passphrase_help.setWordWrap(True)
        self.passphrase_help.setAccessibleName("What to do with the passphrase")
        font = self.passphrase_help.font()
        font.setBold(True)
        self.passphrase_help.setFont(font)
        self.path_label = QLabel()
        self.path_label.setWordWrap(True)
        self.path_label.setTextFormat(Qt.TextFormat.PlainText)
        self.path_label.setAccessibleName("Where the file was saved")
        self.path_label.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        layout = QVBoxLayout(page)
        layout.addWidget(self.done_intro)
        layout.addWidget(self.passphrase_label)
        layout.addWidget(self.passphrase_help)
        layout.addWidget(self.path_label)
        layout.addStretch(1)
        return page

    # ---- filling in ----------------------------------------------------------------------------
    def _load_what(self):
        """The client's name now; the counts (the whole record is read) off the UI thread."""
        from desktop.store.repository import get_client

        try:
            with self.store.read_session() as session:
                name = get_client(session, self.client_id).full_name
        except Exception as exc:  # noqa: BLE001 - said in one line, the wizard stays usable
            name = ""
            say(self.error, problem_line(exc))
        self.client_label.setText(
            f"{name} (client {self.client_id})" if name else f"Client {self.client_id}"
        )
        self.counts_label.setText("Counting the records…")
        self._load_contacts()
        self._note_changed()
        referral, store, client_id = api(), self.store, self.client_id

        def counted(counts) -> None:
            if shiboken6.isValid(self.counts_label):  # the wizard may be closed by now
                self.counts_label.setText("It holds:\n" + counts_words(list(counts)))

        def failed(exc: BaseException) -> None:
            if shiboken6.isValid(self.counts_label):
                self.counts_label.setText("")
                say(self.error, problem_line(exc))

        self.counting = self.run(
            "Counting the records",
            lambda _progress: referral.record_counts(store, client_id),
            counted,
            failed,
            show_progress=False,
        )
        return self.counting

    def _load_contacts(self, pick: str | None = None) -> None:
        self.contact.blockSignals(True)
        self.contact.clear()
        try:
            found = api().contacts(self.store)
        except Exception as exc:  # noqa: BLE001
            found = []
            say(self.error, problem_line(exc))
        for contact in found:
            self.contact.addItem(f"{contact.name}  ({contact.fingerprint})", contact)
        self.contact.addItem(NEW_KEY, None)
        if pick is not None:
            for index in range(self.contact.count()):
                item = self.contact.itemData(index)
                if item is not None and item.recipient == pick:
                    self.contact.setCurrentIndex(index)
        self.contact.blockSignals(False)
        self._lock_changed()

    def _note_changed(self) -> None:
        count = len(self.note.toPlainText())
        self.counter.setText(f"{count:,} of {NOTE_LIMIT:,} characters")
        over = count > NOTE_LIMIT
        self.counter.setStyleSheet("color: #8a1c1c; font-weight: bold;" if over else "")
        if self.pages.currentIndex() == 0:
            self._update_buttons()

    def _lock_changed(self) -> None:
        by_key = self.by_key.isChecked()
        self.key_box.setEnabled(by_key)
        self.new_key.setVisible(by_key and self.contact.currentData() is None)
        if self.pages.currentIndex() == 1:
            self._update_buttons()

    def choose_folder(self) -> None:
        chosen = QFileDialog.getExistingDirectory(
            self, "Save the referral in", self.folder_field.text()
        )
        if chosen:
            self.folder_field.setText(chosen)

    # ---- moving through the steps --------------------------------------------------------------
    def _show(self, index: int) -> None:
        self.pages.setCurrentIndex(index)
        self.step_label.setText(STEPS[index])
        say(self.error, "")
        done = index == 3
        self.back_button.setVisible(not done and index > 0)
        self.next_button.setText(
            "&Lock and save" if index == 2 else ("&Done" if done else "&Next >")
        )
        self.next_button.setAccessibleName(
            "Lock and save" if index == 2 else ("Done" if done else "Next")
        )
        self.cancel_button.setVisible(not done)
        if index == 2:
            self.summary.setText(self._summary())
        self._update_buttons()
        focus = {0: self.note, 1: self.by_passphrase, 2: self.next_button, 3: self.passphrase_label}
        target = focus[index]
        if index == 1 and self.by_key.isChecked():
            target = self.contact
        if index == 3 and not self.passphrase_label.isVisible():
            target = self.next_button
        target.setFocus()

    def _update_buttons(self) -> None:
        index = self.pages.currentIndex()
        ready = not self._busy
        if index == 0:
            ready = ready and len(self.note.toPlainText()) <= NOTE_LIMIT
        elif index == 1 and self.by_key.isChecked() and self.contact.currentData() is None:
            ready = ready and self.new_key.ready()
        self.next_button.setEnabled(ready)
        self.back_button.setEnabled(not self._busy)

    def _summary(self) -> str:
        if self.by_passphrase.isChecked():
            how = (
                "It is locked with six words made up now; they are shown once, on the next "
                "page, to read out by phone."
            )
        else:
            contact = self.contact.currentData()
            how = (
                f"It is locked with the key of {contact.name} ({contact.fingerprint}): only "
                "their copy of Drop-in Desk opens it."
                if contact is not None
                else ""
            )
        form = "a text file for email" if self.armoured.isChecked() else "a file"
        return (
            f"The referral is saved as {form} named referral-<date>-<4 letters>.ddref (no "
            f"client name in it). {how} Locking takes a few seconds."
        )

    def back(self) -> None:
        index = self.pages.currentIndex()
        if 0 < index < 3 and not self._busy:
            self._show(index - 1)

    def next(self) -> None:
        index = self.pages.currentIndex()
        if self._busy:
            return
        if index == 0:
            if len(self.note.toPlainText()) > NOTE_LIMIT:
                say(self.error, f"The covering note is longer than {NOTE_LIMIT:,} characters.")
                return
            self._show(1)
        elif index == 1:
            if self._settle_key():
                self._show(2)
        elif index == 2:
            self.send()
        else:
            self.accept()

    def _settle_key(self) -> bool:
        """On leaving the lock page: a new key is checked and saved to the address book (or
        the contact already there with that key is picked)."""
        if not self.by_key.isChecked() or self.contact.currentData() is not None:
            return True
        problem = self.new_key.problem()
        if problem:
            say(self.error, problem)
            return False
        recipient = self.new_key.recipient()
        try:
            known = [c for c in api().contacts(self.store) if c.recipient == recipient]
            if not known:
                api().add_contact(self.store, self.new_key.name(), recipient)
        except Exception as exc:  # noqa: BLE001 - one line; the key stays typed
            say(self.error, problem_line(exc))
            return False
        self.new_key.clear()
        self._load_contacts(pick=recipient)
        return True

    def lock(self):
        """The Lock for the choice made (a passphrase is made here and kept nowhere else)."""
        if self.by_passphrase.isChecked():
            return api().Lock(passphrase=api().new_passphrase())
        contact = self.contact.currentData()
        return api().Lock(recipient=contact.recipient, recipient_name=contact.name)

    def send(self):
        """Lock and save, off the UI thread; the last page shows the result."""
        referral = api()
        try:
            lock = self.lock()
            sender = referral.sender_name(self.store, self.adviser)
        except Exception as exc:  # noqa: BLE001
            say(self.error, problem_line(exc))
            return None
        store, client_id, adviser = self.store, self.client_id, self.adviser
        note, armoured, today = self.note.toPlainText(), self.armoured.isChecked(), self.today
        folder = Path(self.folder_field.text())
        if not folder.is_dir() or not os.access(folder, os.W_OK):
            # Checked first, so the adviser can choose another before the slow locking.
            say(self.error, "That folder cannot be written to: choose another folder.")
            return None

        def work(progress):
            from desktop.board import deadlines_for
            from desktop.files import write_atomically

            progress(5, "Locking the referral (this takes a few seconds)")
            written: list[Path] = []

            def write(name: str, data: bytes) -> None:
                # Inside the transaction that notes the referral as sent: a file that could
                # not be written is not recorded as sent.
                progress(90, "Saving the file")
                written.append(Path(write_atomically(_free_path(folder, name), data)))

            referral.send(
                store,
                client_id,
                note=note,
                lock=lock,
                adviser=adviser,
                sender_name=sender,
                armoured=armoured,
                today=today,
                deadlines=deadlines_for,
                write=write,
            )
            return written[0]

        def done(path) -> None:
            self._set_busy(False)
            self.sent_path = Path(path)
            self._forget_kept_note()  # sent: a note kept earlier is done with
            self._show_done(lock, Path(path))

        def failed(exc: BaseException) -> None:
            self._set_busy(False)
            say(self.error, problem_line(exc))

        self._set_busy(True)
        return self.run("Locking the referral", work, done, failed)

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        self._update_buttons()
        self.cancel_button.setEnabled(not busy)

    def _show_done(self, lock, path: Path) -> None:
        if lock.passphrase is not None:
            self.done_intro.setText(
                "The referral is saved, locked with these six words. Give the file to the "
                "other adviser (USB stick or email), then phone them and read the words out:"
            )
            self.passphrase_label.setText(spaced(lock.passphrase))
            self.passphrase_label.show()
            self.passphrase_help.show()
        else:
            self.done_intro.setText(
                f"The referral is saved, locked with the key of {lock.recipient_name}: only "
                "their copy of Drop-in Desk opens it. Send them the file (USB stick or email)."
            )
            self.passphrase_label.hide()
            self.passphrase_help.hide()
        self.path_label.setText(f"Saved as: {path}")
        self._show(3)

    def passphrase_shown(self) -> str:
        return self.passphrase_label.text()

    # ---- closing -------------------------------------------------------------------------------
    def _forget(self) -> None:
        """The passphrase is shown once: gone from the screen (and the label) on closing."""
        self.passphrase_label.clear()

    def accept(self) -> None:
        self._forget()
        super().accept()

    def reject(self) -> None:
        from desktop.ui.kept_drafts import closed_by_lock

        if self._busy and not closed_by_lock(self):
            return  # the file is being written: the progress shows; it finishes first
        typed = bool(self.note.toPlainText().strip())
        if closed_by_lock(self):
            pass  # the window kept what was typed as a draft: it is put back next time
        elif typed and self.sent_path is None:
            if not confirm_drop_note(self):
                self.note.setFocus()
                return
            self._forget_kept_note()  # the adviser chose to lose it
        elif self.sent_path is None:
            self._forget_kept_note()  # emptied by the adviser: nothing to bring back
        self._forget()
        super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        self.reject()
        if self.isVisible():
            event.ignore()
        else:
            event.accept()
