"""One contract for the client page's tabs, and the one "client changed" message they react to.

After Anki's views and `OpChanges`: a tab that writes says what kind of thing it changed, the
page broadcasts one `ClientChanges` (the client and the kinds), and every other tab decides
from its `reacts_to` whether to reload. No tab refreshes another by hand.

A tab (a QWidget) keeps to `ClientTab`:

- `tab_title`: the words on its tab button ("History"); its place in `client_page.TABS` gives its
  Ctrl/Alt+number.
- `reacts_to`: the kinds of change (below) after which it shows something stale.
- `writes`: its signal name -> the kinds a write it announces with that signal changed.
- `set_context(store, adviser, today_provider)`, `load(client_id)`, `clear()`.
- `reload_reader(client_id)` (optional): called on the UI thread, it returns a function of a
  read session only (values captured, no widget), which the page runs on a pool thread; the
  tab's `show_reloaded(client_id, data)` then shows what it read, on the UI thread. A tab
  without them is reloaded with `load`.
- `pending_draft()` / `leave_client()` (optional): what is typed and not yet written, handed
  to the window so it is kept (see desktop.ui.kept_drafts).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, ClassVar, Protocol, runtime_checkable

#: The kinds of change a write can make to a client (what `ClientChanges.kinds` holds).
DETAILS = "details"
HOUSEHOLD = "household"
HISTORY = "history"
NOTES = "notes"
STATEMENTS = "statements"
CHECKLISTS = "checklists"
#: Visits, matters, letters, complaints, consents and access requests (issue 22).
CASEWORK = "casework"
ALL_KINDS: frozenset[str] = frozenset(
    {DETAILS, HOUSEHOLD, HISTORY, NOTES, STATEMENTS, CHECKLISTS, CASEWORK}
)


@dataclass(frozen=True)
class ClientChanges:
    """What one write changed for one client: broadcast by the client page to every tab."""

    client_id: int
    kinds: frozenset[str]

    def __post_init__(self) -> None:
        unknown = set(self.kinds) - ALL_KINDS
        if unknown:
            raise ValueError(f"ClientChanges: unknown kind(s) {', '.join(sorted(unknown))}")
        object.__setattr__(self, "kinds", frozenset(self.kinds))

    def touches(self, kinds: Iterable[str]) -> bool:
        """True when any of `kinds` changed."""
        return not self.kinds.isdisjoint(kinds)


#: A read run on a pool thread: a read session in, plain values out.
Reader = Callable[[Any], Any]


@runtime_checkable
class ClientTab(Protocol):
    tab_title: ClassVar[str]
    reacts_to: ClassVar[frozenset[str]]
    writes: ClassVar[Mapping[str, frozenset[str]]]

    def set_context(
        self, store: Any, adviser: str, today_provider: Callable[[], date] = ...
    ) -> None: ...

    def load(self, client_id: int) -> None: ...

    def clear(self) -> None: ...


def reacts(tab: object, changes: ClientChanges) -> bool:
    """Whether `tab` shows something stale after `changes`."""
    return changes.touches(getattr(tab, "reacts_to", frozenset()))


def reader_of(tab: object, client_id: int) -> Reader | None:
    """The tab's read for a reload off the UI thread, or None (reload it with `load`)."""
    make = getattr(tab, "reload_reader", None)
    if make is None or not callable(getattr(tab, "show_reloaded", None)):
        return None
    return make(client_id)
