"""Garbage collection on the UI thread only.

Python's cyclic garbage collector runs in whichever thread happens to allocate when a
threshold is crossed. If that is a background operation's thread and the garbage holds Qt
widgets, their C++ destructors run off the UI thread and Qt crashes. So automatic collection
is switched off and a timer on the UI thread collects instead, by the same generation
thresholds (the approach pyqtgraph's GarbageCollector takes).
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer


class UiThreadGarbageCollector(QObject):
    def __init__(self, interval_ms: int = 500, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._thresholds = gc.get_threshold()
        self._timer = QTimer(self)
        self._timer.timeout.connect(self.collect_if_due)
        self._timer.setInterval(interval_ms)

    def start(self) -> None:
        gc.disable()
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()
        gc.enable()

    def collect_if_due(self) -> int:
        counts = gc.get_count()
        collected = 0
        for generation in (2, 1, 0):
            if counts[generation] > self._thresholds[generation]:
                collected = gc.collect(generation)
                break
        return collected
