"""What every editor hands over when the window locks, quits or meets an unexpected error.

The Details and Notes tabs give their unsaved text through `pending_draft()`. A dialog takes
part by carrying `draft_kind` (set by whoever opens it: a RecordDialog made without an opener
that asks for it has none, so it is not kept) and answering `draft_payload()` (None when
nothing was typed); `draft_context` (set by the opener) is merged in, and `draft_label()` names
it in a few words with no client data ("an 'Add trip abroad' form"): the lock screen shows
these to whoever walks up.

A kept dialog draft is offered back on the client's page (`DraftBanner`: Restore / Discard);
the Details and Notes tabs put theirs back into the editor at once.

The New client form has no client number yet: its draft (kind "new_client") is kept under a
key of its own (`NEW_CLIENT_KEY`, beside the clients' drafts and read by the same
`desktop.store.drafts` rules: JSON object, size cap), named "a new-client form" (never the
typed name), and put back the next time New client is opened; the status bar says so after
unlocking. `put` keeps any draft where it belongs.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.store import drafts
from desktop.store.models import Setting
from desktop.store.repository import get_setting, set_setting

DETAILS = "details"
NOTE = "note"
HISTORY_RECORD = "history_record"
CHECKLIST_REASON = "checklist_reason"
CHECKLIST_DATE = "checklist_date"
CHECKLIST_ITEM = "checklist_item"
STATEMENT_GRID = "statement_grid"
FLAG_REVIEW = "flag_review"
HOUSEHOLD_MEMBER = "household_member"
PLAN_TRIP = "plan_trip"
#: The covering note of a referral being written (desktop/ui/referral_send_wizard.py).
REFERRAL_NOTE = "referral_note"
#: The New client form: not tied to a client (there is no client number yet).
NEW_CLIENT = "new_client"

#: Words for each kind when the draft carries none of its own (no client data in any).
LABELS = {
    DETAILS: "changes to the details",
    NOTE: "a case note",
    HISTORY_RECORD: "a History record form",
    CHECKLIST_REASON: "a 'Not needed' reason",
    CHECKLIST_DATE: "a 'Received on' date",
    CHECKLIST_ITEM: "an 'Add an item' form",
    STATEMENT_GRID: "a paper statement being typed in",
    FLAG_REVIEW: "an explanation of a flagged payment",
    HOUSEHOLD_MEMBER: "a household member form",
    PLAN_TRIP: "a 'Plan a trip' form",
    NEW_CLIENT: "a new-client form",
    REFERRAL_NOTE: "a referral's covering note",
    # Issue 22: the Casework tab's forms (visit_dialog.py, matter_dialog.py, letter_dialog.py,
    # and casework_form.py's record forms: complaint, consent, access request).
    "visit": "a 'Log a visit' form",
    "matter": "a matter form",
    "letter": "a letter form",
    "complaint": "a complaint form",
    "consent": "a consent form",
    "access_request": "a records-request form",
}
#: Kinds that are a dialog, offered back on the client's page (the others go back into their
#: tab's editor by themselves).
DIALOG_KINDS = (
    HISTORY_RECORD,
    CHECKLIST_REASON,
    CHECKLIST_DATE,
    CHECKLIST_ITEM,
    STATEMENT_GRID,
    FLAG_REVIEW,
    HOUSEHOLD_MEMBER,
    PLAN_TRIP,
    REFERRAL_NOTE,
)
#: Kinds kept with no client number (`Draft.client_id` None).
UNATTACHED_KINDS = (NEW_CLIENT,)
#: Where the New client form's draft is kept (a client's drafts are "draft.<client>.<kind>").
NEW_CLIENT_KEY = f"{drafts.PREFIX}{NEW_CLIENT}"
#: The key in a payload that carries its words (a dialog's title can say more than its kind).
LABEL_KEY = "_label"
MAX_LABEL = 60


@dataclass(frozen=True)
class Draft:
    """One editor's unsaved work for one client (None: a form not tied to a client yet)."""

    client_id: int | None
    kind: str
    payload: dict[str, Any] = field(compare=False)
    label: str = ""

    def words(self) -> str:
        return self.label or LABELS.get(self.kind, "an unsaved form")


def label_of(kind: str, payload: dict[str, Any] | None) -> str:
    """The words for a kept draft: its own, if short and plain, else the kind's."""
    own = payload.get(LABEL_KEY) if isinstance(payload, dict) else None
    if isinstance(own, str) and 0 < len(own) <= MAX_LABEL and "\n" not in own:
        return own
    return LABELS.get(kind, "an unsaved form")


def from_dialog(dialog: QDialog, client_id: int | None) -> Draft | None:
    """The draft an open dialog holds for the client on the page, or None (it takes no part,
    nothing was typed, or no client is shown). A New client form's draft has no client."""
    kind = getattr(dialog, "draft_kind", None)
    payload_of = getattr(dialog, "draft_payload", None)
    if kind in UNATTACHED_KINDS:
        client_id = None
    elif client_id is None:
        return None
    if not kind or not callable(payload_of):
        return None
    payload = payload_of()
    if payload is None:
        return None
    merged = {**dict(getattr(dialog, "draft_context", None) or {}), **payload}
    label_fn = getattr(dialog, "draft_label", None)
    label = label_fn() if callable(label_fn) else LABELS.get(kind, "")
    merged[LABEL_KEY] = label
    return Draft(client_id, kind, merged, label)


def _join(words: Sequence[str]) -> str:
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


def describe(kept: Iterable[Draft]) -> str:
    """ "a case note and an 'Add trip abroad' form for client 12": kinds and client numbers
    only, never anything typed. A form with no client yet is named alone ("a new-client
    form")."""
    by_client: dict[int | None, list[str]] = {}
    for draft in kept:
        by_client.setdefault(draft.client_id, []).append(draft.words())
    return "; ".join(
        _join(words) if client_id is None else f"{_join(words)} for client {client_id}"
        for client_id, words in by_client.items()
    )


def when_back(kept: Iterable[Draft]) -> str:
    """When the kept drafts are offered back: "when the client is opened", and for a New
    client form "when New client is opened (Ctrl+N)"."""
    kinds = [draft.client_id is None for draft in kept]
    if kinds and all(kinds):
        return "when New client is opened (Ctrl+N)"
    if any(kinds):
        return "when the client is opened; the new-client form when New client is opened (Ctrl+N)"
    return "when the client is opened"


# ---- where a draft is kept --------------------------------------------------------------------
def put(session, draft: Draft) -> None:
    """Keep a draft in the store: a client's through desktop.store.drafts, a New client form
    under NEW_CLIENT_KEY. DraftTooLarge: nothing is written."""
    if draft.kind in UNATTACHED_KINDS:
        set_setting(session, NEW_CLIENT_KEY, drafts.encode(draft.payload))
    else:
        drafts.put(session, draft.client_id, draft.kind, draft.payload)


def new_client_draft(session) -> dict[str, Any] | None:
    """The kept New client form, or None (none kept, or it cannot be read)."""
    return drafts.decode(get_setting(session, NEW_CLIENT_KEY))


def drop_new_client_draft(session) -> bool:
    """Forget the kept New client form. True when there was one."""
    row = session.get(Setting, NEW_CLIENT_KEY)
    if row is None:
        return False
    session.delete(row)
    session.flush()
    return True


def keep_now(store, draft: Draft | None) -> bool:
    """Keep one draft at once, in its own transaction (a form whose save failed). True when
    kept; False when there was nothing to keep or it could not be kept."""
    if draft is None or store is None:
        return False
    try:
        with store.session() as session:
            put(session, draft)
    except Exception:  # noqa: BLE001 - the caller says it was not kept; never a crash
        return False
    return True


def forget(store, client_id: int | None, kind: str) -> None:
    """Forget a kept draft (its form was saved or cancelled); client_id None: the New client
    form's. A store that cannot be written leaves it to be offered again, never a crash."""
    if store is None:
        return
    try:
        with store.session() as session:
            if kind in UNATTACHED_KINDS:
                drop_new_client_draft(session)
            elif client_id is not None:
                drafts.drop(session, client_id, kind)
    except Exception:  # noqa: BLE001 - a stale draft is offered again, never a crash
        return


def closed_by_lock(dialog: QDialog) -> bool:
    """True when the window's lock closed the dialog: its draft was kept, so the opener must
    neither save nor forget it."""
    return bool(getattr(dialog, "closed_by_lock", False))


class DraftBanner(QFrame):
    """On the client's page: "Not saved yet, kept as a draft: …" with Restore and Discard for
    each kept dialog draft."""

    restore_requested = Signal(str)
    discard_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("draftBanner")
        self.setAccessibleName("Kept drafts")
        self.setStyleSheet(
            "#draftBanner { background: #e8f0fb; border: 1px solid #9bb7de; border-radius: 3px; }"
        )
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(6, 3, 6, 3)
        self._layout.setSpacing(2)
        self._rows: dict[str, tuple[QWidget, QLabel, QPushButton, QPushButton]] = {}
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.note.setTextFormat(Qt.TextFormat.PlainText)
        self.note.setAccessibleName("About the kept drafts")
        self.note.hide()
        self._layout.addWidget(self.note)
        self.hide()

    def say(self, text: str) -> None:
        """A line under the drafts (e.g. why one could not be opened); "" removes it."""
        self.note.setText(text)
        self.note.setVisible(bool(text))
        self._update_visible()

    def _update_visible(self) -> None:
        self.setVisible(bool(self._rows) or bool(self.note.text()))

    def kinds(self) -> list[str]:
        return list(self._rows)

    def set_drafts(self, drafts: Sequence[tuple[str, str]]) -> None:
        """(kind, words) for each kept dialog draft; none: the banner hides."""
        for kind in list(self._rows):
            self.remove(kind)
        for kind, words in drafts:
            row = QWidget()
            line = QHBoxLayout(row)
            line.setContentsMargins(0, 0, 0, 0)
            text = QLabel(f"Not saved yet, kept as a draft: {words}.")
            text.setTextFormat(Qt.TextFormat.PlainText)
            text.setWordWrap(True)
            text.setAccessibleName("Kept draft")
            restore = QPushButton("Restore")
            restore.setAccessibleName(f"Restore {words}")
            restore.setToolTip("Open the form again with what was typed")
            discard = QPushButton("Discard")
            discard.setAccessibleName(f"Discard {words}")
            discard.setToolTip("Forget what was typed")
            for button in (restore, discard):
                button.setAutoDefault(False)
            restore.clicked.connect(lambda _c=False, k=kind: self.restore_requested.emit(k))
            discard.clicked.connect(lambda _c=False, k=kind: self.discard_requested.emit(k))
            line.addWidget(text, 1)
            line.addWidget(restore)
            line.addWidget(discard)
            self._layout.insertWidget(self._layout.count() - 1, row)
            self._rows[kind] = (row, text, restore, discard)
        self._update_visible()

    def remove(self, kind: str) -> None:
        row = self._rows.pop(kind, None)
        if row is not None:
            row[0].hide()
            row[0].setParent(None)
            row[0].deleteLater()
        self._update_visible()

    def button(self, kind: str, which: str) -> QPushButton:
        """The Restore ("restore") or Discard ("discard") button of a kind (tests, focus)."""
        row = self._rows[kind]
        return row[2] if which == "restore" else row[3]

    def clear(self) -> None:
        for kind in list(self._rows):
            self.remove(kind)
        self.note.clear()
        self.note.hide()
        self.hide()
