"""Figures for the department and profession pages, kept for a minute.

Those pages aggregate every learner in a department or the whole profession (20,000 rows and
more): fast, but not free on a busy server, and their readers look at trends, not at the last
answer typed. So the figures for one (store, viewer, filters, day) are computed once and
reused for ``TTL_SECONDS``; the page says when they were worked out. A learner's own page and
a line manager's team are small and always computed fresh.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

TTL_SECONDS = 60.0
SIZE = 256  # entries kept; the least recently used goes first


class FigureCache:
    def __init__(self, ttl: float = TTL_SECONDS, size: int = SIZE) -> None:
        self.ttl, self.size = ttl, size
        self._entries: OrderedDict[Hashable, tuple[float, Any]] = OrderedDict()
        self._lock = threading.Lock()
        # Bumped by clear(): figures computed from the store as it was before a clear (a result
        # published or withdrawn meanwhile) are not stored, so they cannot outlive the change.
        self.generation = 0

    def get(self, key: Hashable, compute: Callable[[], Any]) -> tuple[Any, float]:
        """The value for ``key`` and the ``time.time()`` it was computed at."""
        now = time.time()
        with self._lock:
            since = self.generation
            found = self._entries.get(key)
            if found is not None and now - found[0] < self.ttl:
                self._entries.move_to_end(key)
                return found[1], found[0]
        value = compute()  # outside the lock: two first requests may both compute; harmless
        self.put(key, value, since=since)
        return value, now

    def put(self, key: Hashable, value: Any, since: int | None = None) -> None:
        """Store ``value`` as just computed (a refresh ahead of the readers), unless the cache
        was cleared after ``since`` (a ``generation``), when the work began."""
        with self._lock:
            if since is not None and since != self.generation:
                return
            self._entries[key] = (time.time(), value)
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self.generation += 1


figures = FigureCache()
