"""Settings > Sharing… (issue 21): share this laptop's records with the other laptops of one
centre through a shared folder (Syncthing, a network share or a USB stick).

Not yet in a centre, the dialog sets one up: Create a new centre (the first laptop: the folder,
the centre's name, this laptop's name and the centre passphrase, typed twice) or Join one with
an invitation file (made on a laptop already in the centre) and the centre passphrase. In a
centre it shows the centre, the folder, this laptop's name and fingerprint, and every laptop
enrolled (name, fingerprint, last seen), with Make invitation… (the centre passphrase locks the
file) and Remove laptop… (a lost laptop: later changes are no longer encrypted to it).

Creating, joining and making an invitation take a second or two (key derivation, reading the
folder): they run off the UI thread through the window's runner. What was typed stays after a
problem (said in one line naming the field); the passphrase fields are emptied once used. The
passphrases are never kept as drafts nor written anywhere.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QDialog,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QRadioButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.store.sync_folder import INVITATION_DAYS
from desktop.ui import sharing_status
from desktop.ui.referral_common import error_label, monospace, own_runner, say
from desktop.ui.sharing_status import Centre, Laptop, moment_words, passphrase_problem

TITLE = "Sharing"
INVITATION_SUFFIX = ".ddinv"  # desktop.store.sync_folder.INVITATION_SUFFIX
NAME_LIMIT = 60  # desktop.store.sync_folder.NAME_LIMIT
SETUP_WORDS = (
    "Share this laptop's records with the other laptops of your centre through a shared folder "
    "kept in step by Syncthing, a network share or a USB stick. Everything in the folder is "
    "encrypted; only the laptops of the centre can read it."
)
CREATE_WORDS = (
    "The first laptop creates the centre. The centre passphrase locks the invitations that "
    "let other laptops join: tell it only to the people who set up laptops."
)
JOIN_WORDS = (
    "On a laptop already in the centre, use Settings > Sharing… > Make invitation, and bring "
    "the file here (USB stick or the shared folder). You need the centre passphrase too."
)
INVITE_WORDS = (
    f"An invitation lets one more laptop join, once, within {INVITATION_DAYS} days. It is "
    "locked with the centre passphrase."
)


def confirm_remove(parent: QWidget, name: str) -> bool:
    """Remove a laptop from the centre? No is the default. Tests replace this."""
    answer = QMessageBox.question(
        parent,
        TITLE,
        f"Remove the laptop {name} from the centre? Changes made from now on are no longer "
        "encrypted to it. Do this for a lost or stolen laptop.",
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        QMessageBox.StandardButton.No,
    )
    return answer == QMessageBox.StandardButton.Yes


def choose_folder(parent: QWidget, start: str) -> str:
    """The shared folder (tests replace this)."""
    return QFileDialog.getExistingDirectory(parent, "Choose the sharing folder", start)


def choose_invitation(parent: QWidget, start: str) -> str:
    path, _ = QFileDialog.getOpenFileName(
        parent,
        "Choose the invitation file",
        start,
        f"Invitations (*{INVITATION_SUFFIX});;All files (*)",
    )
    return path


def choose_invitation_target(parent: QWidget, start: str) -> str:
    path, _ = QFileDialog.getSaveFileName(
        parent,
        "Save the invitation",
        str(Path(start) / f"invitation{INVITATION_SUFFIX}"),
        f"Invitations (*{INVITATION_SUFFIX})",
    )
    return path


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _start_folder() -> str:
    from desktop.ui.main_window import start_folder

    return str(start_folder())


def _labelled(form: QFormLayout, text: str, field: QWidget, buddy: QWidget | None = None):
    label = QLabel(text)
    label.setBuddy(buddy or field)
    form.addRow(label, field)
    return label


class SharingDialog(QDialog):
    #: The centre was created or joined, or a laptop removed: the window reads it again.
    centre_changed = Signal()

    def __init__(self, store, parent: QWidget | None = None, runner=None) -> None:
        super().__init__(parent)
        self.store = store
        self.run = runner or own_runner(self)
        self.centre: Centre | None = None
        self.busy = False
        self.setWindowTitle(TITLE)
        self.setAccessibleName(TITLE)
        self.error = error_label("Problem")
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.note.setTextFormat(Qt.TextFormat.PlainText)
        self.note.setAccessibleName("Done")
        self.note.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.note.hide()
        self.invite_done: Path | None = None

        # -- set up (no centre yet)
        self.setup = QGroupBox("Set up sharing")
        self.setup.setAccessibleName("Set up sharing")
        intro = QLabel(SETUP_WORDS)
        intro.setWordWrap(True)
        self.create_choice = QRadioButton("&Create a new centre (the first laptop)")
        self.join_choice = QRadioButton("&Join a centre with an invitation")
        self.create_choice.setAccessibleName("Create a new centre")
        self.join_choice.setAccessibleName("Join a centre with an invitation")
        self.choice = QButtonGroup(self)
        self.choice.addButton(self.create_choice)
        self.choice.addButton(self.join_choice)
        self.join_choice.setChecked(True)  # most laptops join; one creates
        self.choice_words = QLabel(JOIN_WORDS)
        self.choice_words.setWordWrap(True)
        self.choice_words.setAccessibleName("About this choice")

        self.folder_field = QLineEdit()
        self.folder_field.setAccessibleName("Sharing folder")
        self.folder_field.setPlaceholderText("The folder Syncthing (or the network share) keeps")
        self.folder_button = QPushButton("Bro&wse…")
        self.folder_button.setAccessibleName("Choose the sharing folder")
        self.folder_button.setAutoDefault(False)
        self.folder_button.clicked.connect(self.pick_folder)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder_field, 1)
        folder_row.addWidget(self.folder_button)

        self.laptop_name_field = QLineEdit()
        self.laptop_name_field.setMaxLength(NAME_LIMIT)
        self.laptop_name_field.setAccessibleName("This laptop's name")
        self.laptop_name_field.setPlaceholderText("e.g. Front desk laptop")
        self.centre_name_field = QLineEdit()
        self.centre_name_field.setMaxLength(NAME_LIMIT)
        self.centre_name_field.setAccessibleName("The centre's name")
        self.centre_name_field.setPlaceholderText("e.g. Riverside Advice Drop-in")

        self.invitation_field = QLineEdit()
        self.invitation_field.setAccessibleName("Invitation file")
        self.invitation_button = QPushButton("Br&owse…")
        self.invitation_button.setAccessibleName("Choose the invitation file")
        self.invitation_button.setAutoDefault(False)
        self.invitation_button.clicked.connect(self.pick_invitation)
        invitation_row = QHBoxLayout()
        invitation_row.addWidget(self.invitation_field, 1)
        invitation_row.addWidget(self.invitation_button)
        self.invitation_row = QWidget()
        self.invitation_row.setLayout(invitation_row)
        invitation_row.setContentsMargins(0, 0, 0, 0)
        folder_widget = QWidget()
        folder_widget.setLayout(folder_row)
        folder_row.setContentsMargins(0, 0, 0, 0)

        self.passphrase_field = QLineEdit()
        self.passphrase_field.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase_field.setAccessibleName("Centre passphrase")
        self.again_field = QLineEdit()
        self.again_field.setEchoMode(QLineEdit.EchoMode.Password)
        self.again_field.setAccessibleName("Centre passphrase again")

        setup_form = QFormLayout()
        _labelled(setup_form, "Sharing &folder:", folder_widget, self.folder_field)
        _labelled(setup_form, "This laptop's &name:", self.laptop_name_field)
        self.centre_name_label = _labelled(setup_form, "Centre na&me:", self.centre_name_field)
        self.invitation_label = _labelled(
            setup_form, "Invitation fil&e:", self.invitation_row, self.invitation_field
        )
        _labelled(setup_form, "Centre &passphrase:", self.passphrase_field)
        self.again_label = _labelled(setup_form, "Passphrase &again:", self.again_field)
        self.setup_button = QPushButton()
        self.setup_button.setAutoDefault(False)
        self.setup_button.clicked.connect(self.set_up)
        setup_layout = QVBoxLayout(self.setup)
        setup_layout.addWidget(intro)
        setup_layout.addWidget(self.create_choice)
        setup_layout.addWidget(self.join_choice)
        setup_layout.addWidget(self.choice_words)
        setup_layout.addLayout(setup_form)
        setup_buttons = QHBoxLayout()
        setup_buttons.addStretch(1)
        setup_buttons.addWidget(self.setup_button)
        setup_layout.addLayout(setup_buttons)
        setup_layout.addStretch(1)  # spare room below, not between the lines
        self.create_choice.toggled.connect(self._show_choice)

        # -- in a centre
        self.shared = QGroupBox("This centre")
        self.shared.setAccessibleName("This centre")
        self.centre_label = QLabel()
        self.centre_label.setAccessibleName("Centre")
        self.folder_label = QLabel()
        self.folder_label.setAccessibleName("Sharing folder")
        self.folder_label.setWordWrap(True)
        self.folder_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.laptop_label = QLabel()
        self.laptop_label.setAccessibleName("This laptop's name")
        self.fingerprint_label = QLabel()
        self.fingerprint_label.setFont(monospace(1.2, bold=True))
        self.fingerprint_label.setAccessibleName("This laptop's fingerprint")
        self.fingerprint_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        shared_form = QFormLayout()
        for caption, value in (
            ("Centre:", self.centre_label),
            ("Sharing folder:", self.folder_label),
            ("This laptop:", self.laptop_label),
            ("Fingerprint:", self.fingerprint_label),
        ):
            shared_form.addRow(QLabel(caption), value)

        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels(("Laptop", "Fingerprint", "Last seen", ""))
        self.table.setAccessibleName("Laptops in this centre")
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setTabKeyNavigation(False)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        for column in range(3):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.table_label = QLabel("Lap&tops in this centre:")
        self.table_label.setBuddy(self.table)
        self.table.itemSelectionChanged.connect(self._update)
        self.remove_button = QPushButton("&Remove laptop…")
        self.remove_button.setAccessibleName("Remove the chosen laptop from the centre")
        self.remove_button.setAutoDefault(False)
        self.remove_button.clicked.connect(self.remove_selected)

        self.invite_box = QGroupBox("Invite another laptop")
        self.invite_box.setAccessibleName("Invite another laptop")
        invite_words = QLabel(INVITE_WORDS)
        invite_words.setWordWrap(True)
        self.invite_passphrase = QLineEdit()
        self.invite_passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.invite_passphrase.setAccessibleName("Centre passphrase, to lock the invitation")
        self.invite_button = QPushButton("Make &invitation…")
        self.invite_button.setAccessibleName("Make an invitation file")
        self.invite_button.setAutoDefault(False)
        self.invite_button.clicked.connect(self.make_invitation)
        invite_form = QFormLayout()
        _labelled(invite_form, "Centre pass&phrase:", self.invite_passphrase)
        invite_layout = QVBoxLayout(self.invite_box)
        invite_layout.addWidget(invite_words)
        invite_layout.addLayout(invite_form)
        invite_row = QHBoxLayout()
        invite_row.addStretch(1)
        invite_row.addWidget(self.invite_button)
        invite_layout.addLayout(invite_row)

        shared_layout = QVBoxLayout(self.shared)
        shared_layout.addLayout(shared_form)
        shared_layout.addWidget(self.table_label)
        shared_layout.addWidget(self.table, 1)
        remove_row = QHBoxLayout()
        remove_row.addWidget(self.remove_button)
        remove_row.addStretch(1)
        shared_layout.addLayout(remove_row)
        shared_layout.addWidget(self.invite_box)

        self.close_button = QPushButton("C&lose")
        self.close_button.setAccessibleName("Close sharing")
        self.close_button.setAutoDefault(False)
        self.close_button.clicked.connect(self.reject)
        bottom = QHBoxLayout()
        bottom.addStretch(1)
        bottom.addWidget(self.close_button)

        layout = QVBoxLayout(self)
        layout.addWidget(self.setup)
        layout.addWidget(self.shared, 1)
        layout.addWidget(self.error)
        layout.addWidget(self.note)
        layout.addLayout(bottom)
        self.resize(760, 620)
        for field in (
            self.folder_field,
            self.laptop_name_field,
            self.centre_name_field,
            self.invitation_field,
            self.passphrase_field,
            self.again_field,
            self.invite_passphrase,
        ):
            field.textChanged.connect(self._update)
        self._show_choice()
        self.load()

    # ---- state -------------------------------------------------------------------------------
    def load(self) -> None:
        """Read the centre and its laptops (the store's own records: quick)."""
        laptops: list[Laptop] = []
        try:
            self.centre = sharing_status.api().centre(self.store)
        except Exception as exc:  # noqa: BLE001 - one line, never a traceback
            say(self.error, sharing_status.problem_line(exc))
            self.centre = None
        if self.centre is not None:
            try:  # read from the shared folder: it may be out of reach (a USB stick)
                laptops = sharing_status.api().laptops(self.store)
            except Exception as exc:  # noqa: BLE001
                say(
                    self.error,
                    "The laptops could not be listed: " + sharing_status.problem_line(exc),
                )
        in_centre = self.centre is not None
        self.setup.setVisible(not in_centre)
        self.shared.setVisible(in_centre)
        if in_centre:
            self.centre_label.setText(self.centre.name)
            self.folder_label.setText(self.centre.folder)
            self.laptop_label.setText(self.centre.laptop_name)
            self.fingerprint_label.setText(self.centre.fingerprint)
            self._fill(laptops)
            self.table.setFocus()
        else:
            (self.create_choice if self.create_choice.isChecked() else self.join_choice).setFocus()
        self._update()

    def _fill(self, laptops: list[Laptop]) -> None:
        self.table.setRowCount(len(laptops))
        for row, laptop in enumerate(laptops):
            note = "This laptop" if laptop.this_laptop else ("Removed" if laptop.removed else "")
            texts = (laptop.name, laptop.fingerprint, moment_words(laptop.last_seen), note)
            for column, text in enumerate(texts):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, laptop.device_id)
                item.setData(Qt.ItemDataRole.UserRole + 1, laptop.this_laptop or laptop.removed)
                item.setToolTip(f"Device {laptop.device_id}" if column == 0 else text)
                if column == 1:
                    item.setFont(monospace())
                self.table.setItem(row, column, item)

    def laptop_names(self) -> list[str]:
        return [self.table.item(row, 0).text() for row in range(self.table.rowCount())]

    def _creating(self) -> bool:
        return self.create_choice.isChecked()

    def _show_choice(self) -> None:
        creating = self._creating()
        for widget in (self.centre_name_label, self.centre_name_field, self.again_label):
            widget.setVisible(creating)
        self.again_field.setVisible(creating)
        for widget in (self.invitation_label, self.invitation_row):
            widget.setVisible(not creating)
        self.choice_words.setText(CREATE_WORDS if creating else JOIN_WORDS)
        self.setup_button.setText("Crea&te centre" if creating else "Join cen&tre")
        self.setup_button.setAccessibleName("Create the centre" if creating else "Join the centre")
        say(self.error, "")
        self._update()

    def _update(self) -> None:
        idle = not self.busy
        chosen = self.table.selectedItems()
        self.remove_button.setEnabled(
            idle and bool(chosen) and not chosen[0].data(Qt.ItemDataRole.UserRole + 1)
        )
        self.invite_button.setEnabled(idle and bool(self.invite_passphrase.text()))
        self.setup_button.setEnabled(idle)
        self.setup_button.setDefault(self.setup.isVisible())
        self.invite_button.setDefault(
            self.shared.isVisible() and bool(self.invite_passphrase.text())
        )

    def _set_busy(self, busy: bool) -> None:
        self.busy = busy
        self._update()

    # ---- set up --------------------------------------------------------------------------------
    def pick_folder(self) -> None:
        chosen = choose_folder(self, self.folder_field.text().strip() or _start_folder())
        if chosen:
            self.folder_field.setText(chosen)

    def pick_invitation(self) -> None:
        chosen = choose_invitation(self, _start_folder())
        if chosen:
            self.invitation_field.setText(chosen)

    def setup_problem(self) -> tuple[str, QWidget | None]:
        """Why the set-up cannot go ahead: the field's name, never what was typed."""
        folder = self.folder_field.text().strip()
        if not folder:
            return "Choose the sharing folder.", self.folder_field
        if not Path(folder).is_dir():
            return f"Sharing folder not found: {folder}", self.folder_field
        if not _one_line(self.laptop_name_field.text()):
            return "Type this laptop's name (e.g. Front desk laptop).", self.laptop_name_field
        if self._creating():
            if not _one_line(self.centre_name_field.text()):
                return "Type the centre's name.", self.centre_name_field
            problem = passphrase_problem(self.passphrase_field.text(), self.again_field.text())
            if problem:
                return problem, self.passphrase_field
        else:
            invitation = self.invitation_field.text().strip()
            if not invitation:
                return "Choose the invitation file.", self.invitation_field
            if not Path(invitation).is_file():
                return "The invitation file was not found.", self.invitation_field
            if not self.passphrase_field.text():
                return "Type the centre passphrase.", self.passphrase_field
        return "", None

    def set_up(self):
        if self.busy:
            return None
        problem, field = self.setup_problem()
        if problem:
            say(self.error, problem)
            if field is not None:
                field.setFocus()
            return None
        say(self.error, "")
        store = self.store
        folder = Path(self.folder_field.text().strip())
        laptop = _one_line(self.laptop_name_field.text())
        passphrase = self.passphrase_field.text()
        if self._creating():
            centre = _one_line(self.centre_name_field.text())

            def work(_progress):
                return sharing_status.api().create_centre(store, folder, centre, laptop, passphrase)

            title = "Creating the centre"
        else:
            invitation = Path(self.invitation_field.text().strip())

            def work(_progress):
                return sharing_status.api().join_centre(
                    store, folder, invitation, laptop, passphrase
                )

            title = "Joining the centre"
        self._set_busy(True)
        return self.run(title, work, self._set_up_done, self._failed)

    def _set_up_done(self, _result) -> None:
        self._set_busy(False)
        self.passphrase_field.clear()
        self.again_field.clear()
        self.load()
        self.centre_changed.emit()

    def _failed(self, exc: BaseException) -> None:
        """What was typed stays; the problem in one line."""
        self._set_busy(False)
        say(self.note, "")
        say(self.error, sharing_status.problem_line(exc))

    # ---- in a centre ---------------------------------------------------------------------------
    def make_invitation(self):
        if self.busy:
            return None
        passphrase = self.invite_passphrase.text()
        if not passphrase:
            say(self.error, "Type the centre passphrase to lock the invitation.")
            self.invite_passphrase.setFocus()
            return None
        target = choose_invitation_target(self, _start_folder())
        if not target:
            return None
        store, out = self.store, Path(target)
        say(self.error, "")
        say(self.note, "")

        def work(_progress):
            return sharing_status.api().make_invitation(store, out, passphrase)

        def done(written) -> None:
            self._set_busy(False)
            self.invite_passphrase.clear()
            self.invite_done = Path(written or out)
            say(
                self.note,
                f"Invitation saved to {self.invite_done}. Take it to the new laptop (USB stick) "
                f"and choose Join there. It works once, within {INVITATION_DAYS} days.",
            )

        self._set_busy(True)
        return self.run("Making the invitation", work, done, self._failed)

    def remove_selected(self):
        items = self.table.selectedItems()
        if not items or self.busy:
            return None
        row = items[0].row()
        device_id = self.table.item(row, 0).data(Qt.ItemDataRole.UserRole)
        name = self.table.item(row, 0).text()
        if not confirm_remove(self, name):
            return None
        store = self.store

        def work(_progress):
            return sharing_status.api().remove_laptop(store, device_id)

        def done(_result) -> None:
            self._set_busy(False)
            self.load()
            self.centre_changed.emit()

        self._set_busy(True)
        return self.run("Removing the laptop", work, done, self._failed, show_progress=False)
