"""Keeps the deadlines board's data up to date for the window (the board page and the client
list's badges both show it).

Every build and refresh runs off the UI thread (`Operation`, no modal dialog: the board page
shows the progress itself). A result that arrives after the store was locked, or after a newer
request, is dropped; locking also makes `DeadlineBoard` forget what it held in memory.

    feed = BoardFeed(parent)
    feed.data_changed.connect(...)      # BoardData, or None when there is nothing to show
    feed.start(store, today)            # after unlocking: a full build
    feed.client_changed(client_id)      # after a save: that client only
    feed.client_removed(client_id)
    feed.stop()                         # on lock: everything dropped
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QWidget

from desktop.board import BoardData, DeadlineBoard
from desktop.ui.operations import Operation

#: Cache rows written per timer tick (each tick a few milliseconds).
SAVE_BATCH = 250


class BoardFeed(QObject):
    data_changed = Signal(object)  # BoardData | None
    #: (percent, message) while a full build runs; (100, "") when it is over.
    progress = Signal(int, str)
    #: A full build failed: the sentence to show (never the error's own text).
    failed = Signal(str)
    #: Emitted from worker threads; delivered on the UI thread (queued connection).
    _worker_progress = Signal(int, str, int)

    def __init__(self, parent: QWidget, board: DeadlineBoard | None = None) -> None:
        super().__init__(parent)
        self._parent = parent
        self.board = board or DeadlineBoard()
        self._store = None
        self._today: Callable[[], date] = date.today
        self._data: BoardData | None = None
        self._generation = 0
        self._building = False
        self._again = False
        #: Clients saved while a full build runs: refreshed when it is in.
        self._pending: set[int] = set()
        #: Per client, the newest refresh asked for: an older result is dropped.
        self._client_seq: dict[int, int] = {}
        self._worker_progress.connect(self._on_worker_progress)
        self._save_timer = QTimer(self)
        self._save_timer.setInterval(10)
        self._save_timer.timeout.connect(self._save_some)

    # ---- state -------------------------------------------------------------------------------
    @property
    def data(self) -> BoardData | None:
        return self._data

    def is_building(self) -> bool:
        return self._building

    def start(self, store, today: Callable[[], date] = date.today) -> None:
        """After unlocking: remember the store and build the whole board."""
        self._store, self._today = store, today
        self.rebuild()

    def stop(self) -> None:
        """On lock: drop the data, every result still to come, and the cache in memory."""
        self._generation += 1
        self._store = None
        self._building = False
        self._again = False
        self._save_timer.stop()
        self._pending.clear()
        self._client_seq.clear()
        self.board.forget()
        self._set_data(None)
        self.progress.emit(100, "")

    def close(self) -> None:
        self.stop()
        self.board.close()

    def ensure_current(self) -> None:
        """Build again if the day has changed since the data was made (the app left open
        overnight) or nothing has been built yet."""
        if self._store is None or self._building:
            return
        if self._data is None or self._data.today != self._today():
            self.rebuild()

    # ---- full builds -------------------------------------------------------------------------
    def rebuild(self) -> None:
        """Build the whole board again (one build at a time: asked for during one, it runs
        again when that one is in)."""
        if self._store is None:
            return
        if self._building:
            self._again = True
            return
        self._again = False
        self._generation += 1
        generation = self._generation
        self._building = True
        store, today, board = self._store, self._today(), self.board
        emit, epoch = self._worker_progress.emit, board.epoch

        def work(_progress):
            return board.build(store, today, lambda pct, msg: emit(pct, msg, generation), epoch)

        self.progress.emit(0, "Reading the clients' histories")
        op = Operation(self._parent, "Working out deadlines", work, show_progress=False)
        op.succeeded.connect(lambda data: self._built(generation, data))
        op.failed.connect(lambda _exc: self._build_failed(generation))
        op.start()

    def _on_worker_progress(self, percent: int, message: str, generation: int) -> None:
        if generation == self._generation and self._building:
            self.progress.emit(min(percent, 99), message)

    def _built(self, generation: int, data: BoardData) -> None:
        if generation != self._generation:
            return
        self._building = False
        self.progress.emit(100, "")
        self._set_data(data)
        if self._again:
            self._pending.clear()  # the next build reads them again anyway
            self.rebuild()
            return
        for client_id in sorted(self._pending):
            self.client_changed(client_id)
        self._pending.clear()
        self._save_cache()

    def _build_failed(self, generation: int) -> None:
        if generation != self._generation:
            return
        self._building = False
        self.progress.emit(100, "")
        if self._again:
            self.rebuild()
            return
        self.failed.emit(
            "The deadlines could not be worked out. Press Refresh to try again; if it happens "
            "again, restart Drop-in Desk."
        )

    def _save_cache(self) -> None:
        """Keep the new work in the store once the board is on screen: a few hundred rows per
        tick of a timer on the UI thread (see DeadlineBoard.save_cache for why not a worker)."""
        if self._store is not None and not self._save_timer.isActive():
            self._save_timer.start()

    def _save_some(self) -> None:
        if self._store is None:
            self._save_timer.stop()
            return
        try:
            written = self.board.save_cache(self._store, limit=SAVE_BATCH)
        except Exception:  # noqa: BLE001 - a cache is not worth an error: worked out again later
            written = 0
        if not written:
            self._save_timer.stop()

    # ---- one client --------------------------------------------------------------------------
    def client_changed(self, client_id: int) -> None:
        """A client's history, details or notes were saved (or they were just added)."""
        if self._store is None:
            return
        if self._building or self._data is None:
            self._pending.add(client_id)
            return
        seq = self._client_seq.get(client_id, 0) + 1
        self._client_seq[client_id] = seq
        generation = self._generation
        store, today, board = self._store, self._data.today, self.board
        epoch = board.epoch
        op = Operation(
            self._parent,
            "Working out the client's deadlines",
            lambda _p: board.client_entry(store, client_id, today, epoch),
            show_progress=False,
        )
        op.succeeded.connect(lambda entry: self._client_done(generation, client_id, seq, entry))
        op.start()

    def _client_done(self, generation: int, client_id: int, seq: int, entry) -> None:
        if generation != self._generation or self._data is None:
            return
        if self._client_seq.get(client_id) != seq:
            return
        self._set_data(self._data.with_client(client_id, entry))
        self._save_cache()

    def client_removed(self, client_id: int) -> None:
        self._client_seq[client_id] = self._client_seq.get(client_id, 0) + 1
        self._pending.discard(client_id)
        if self._data is not None:
            self._set_data(self._data.with_client(client_id, None))

    def _set_data(self, data: BoardData | None) -> None:
        self._data = data
        self.data_changed.emit(data)
