"""A small bounded, thread-safe LRU map for what recurs from one card to the next.

Only text that recurs across *different* articles belongs here: the site name, the dates, the
section label, the band's «عاجل». Headlines and summaries change with every article, so
caching them would only hold memory (and would flatter a benchmark that repeats articles).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class Lru(Generic[K, V]):
    """At most ``limit`` entries; the least recently used one goes first.

    Shared by the threads of one renderer: a lock guards the order, and values must be
    immutable or never mutated once stored.
    """

    def __init__(self, limit: int) -> None:
        if limit < 1:
            raise ValueError("an LRU needs room for at least one entry")
        self.limit = limit
        self._items: OrderedDict[K, V] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._items)

    def get(self, key: K) -> V | None:
        """The value for ``key`` (now the most recently used), or None."""
        with self._lock:
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
            return value

    def put(self, key: K, value: V) -> V:
        """Store ``value`` under ``key``, dropping the oldest entry when full; return it."""
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.limit:
                self._items.popitem(last=False)
        return value

    def items(self) -> list[tuple[K, V]]:
        """A snapshot of the entries, oldest first."""
        with self._lock:
            return list(self._items.items())


@dataclass(frozen=True, slots=True)
class CacheReport:
    """What a renderer keeps between cards: entry counts, mask bytes, the texts cached."""

    widths: int
    inks: int
    masks: int
    mask_bytes: int
    texts: frozenset[str]
