"""File > Install content update…: check a signed content update pack off the UI thread, show
what it changes compared with the content in use, and install it on Install (desktop.content).

Cancel (or Escape, or closing the dialog) changes nothing. A pack that fails a check is shown
with its one-line reason and cannot be installed."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.ui.operations import Operation

INSTALL_TEXT = "&Install"


class ContentUpdateDialog(QDialog):
    #: The content now in use (a desktop.content.ContentInUse), after a successful install.
    installed = Signal(object)

    def __init__(
        self,
        path: Path | str,
        data_folder: Path | str,
        parent: QWidget | None = None,
        *,
        keys_folder: Path | str | None = None,
    ) -> None:
        super().__init__(parent)
        self.path = Path(path)
        self.data_folder = Path(data_folder)
        self.keys_folder = keys_folder
        self.checked = None  # desktop.content.CheckedPack, once the checks pass
        self.busy = False
        self.setWindowTitle("Install content update")
        self.setAccessibleName("Install content update")
        self.setMinimumSize(620, 420)
        self.status = QLabel(f"Checking {self.path.name}…")
        self.status.setWordWrap(True)
        self.status.setAccessibleName("Content pack check")
        self.changes = QPlainTextEdit()
        self.changes.setReadOnly(True)
        self.changes.setAccessibleName("What this content pack changes")
        self.changes.setPlaceholderText("The changes appear here once the pack is checked.")
        self.buttons = QDialogButtonBox()
        self.install_button = QPushButton(INSTALL_TEXT)
        self.install_button.setEnabled(False)
        self.install_button.setAccessibleName("Install this content pack")
        self.buttons.addButton(self.install_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.cancel_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.cancel_button.setAccessibleName("Cancel: install nothing")
        self.install_button.clicked.connect(self.install)
        self.cancel_button.clicked.connect(self.reject)
        heading = QLabel("&Changes compared with the content in use:")
        heading.setBuddy(self.changes)
        layout = QVBoxLayout(self)
        layout.addWidget(self.status)
        layout.addWidget(heading)
        layout.addWidget(self.changes, 1)
        layout.addWidget(self.buttons)

    # ---- checking ----------------------------------------------------------------------------
    def start_check(self) -> Operation:
        """Read and check the pack on a worker thread; the window stays responsive."""
        from desktop.content import check_pack, pack_changes
        from desktop.rules.content_pack import change_lines

        path, folder, keys = self.path, self.data_folder, self.keys_folder

        def work(_progress):
            checked = check_pack(path, folder, keys_folder=keys)
            manifest = checked.manifest
            lines = change_lines(
                pack_changes(checked),
                pack_version=manifest.pack_version,
                made_on=manifest.made_on,
                in_use=checked.replaces.label,
            )
            return checked, lines

        self.busy = True
        op = Operation(self, "Checking the content pack", work, show_progress=False)
        op.succeeded.connect(self._checked)
        op.failed.connect(self._check_failed)
        op.start()
        return op

    def _checked(self, result) -> None:
        self.busy = False
        self.checked, lines = result
        self.changes.setPlainText("\n".join(lines))
        self.status.setText(
            f"{self.path.name} is genuine (signed by {self.checked.key_name}) and every file "
            "loads. Read the changes, then choose Install or Cancel."
        )
        self.install_button.setEnabled(True)
        self.install_button.setDefault(True)
        self.install_button.setFocus()

    def _check_failed(self, exc: BaseException) -> None:
        self.busy = False
        self.status.setText(_message(exc))
        self.changes.setPlainText("Nothing was installed; the content in use is unchanged.")
        self.cancel_button.setText("&Close")
        self.cancel_button.setFocus()

    # ---- installing --------------------------------------------------------------------------
    def install(self) -> Operation | None:
        if self.checked is None or self.busy:
            return None
        from desktop.content import install_pack

        checked, folder, keys = self.checked, self.data_folder, self.keys_folder
        self.busy = True
        self.install_button.setEnabled(False)
        self.cancel_button.setEnabled(False)
        self.status.setText("Installing…")
        op = Operation(
            self,
            "Installing the content pack",
            lambda _progress: install_pack(checked, folder, keys_folder=keys),
            show_progress=False,
        )
        op.succeeded.connect(self._installed)
        op.failed.connect(self._install_failed)
        op.start()
        return op

    def _installed(self, now) -> None:
        from desktop.content import refresh

        self.busy = False
        refresh()  # on the UI thread too: the loaders read the new content from now on
        self.installed.emit(now)
        self.accept()

    def _install_failed(self, exc: BaseException) -> None:
        self.busy = False
        self.status.setText(_message(exc))
        self.cancel_button.setEnabled(True)
        self.cancel_button.setText("&Close")
        self.cancel_button.setFocus()

    def reject(self) -> None:
        if self.busy and self.checked is not None:  # installing: let it finish
            return
        super().reject()


def _message(exc: BaseException) -> str:
    from desktop.content import ContentPackError

    if isinstance(exc, ContentPackError):
        return str(exc)
    return f"The content pack could not be checked or installed ({type(exc).__name__})."
