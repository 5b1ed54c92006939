"""The bot's start-up heap is frozen once it answers: full collections in a burst skip it."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator

import pytest

from handlers.heap import freeze_startup_heap


class _Node:
    def __init__(self) -> None:
        self.other: _Node | None = None


@pytest.fixture
def thawed() -> Iterator[None]:
    gc.unfreeze()
    yield
    gc.unfreeze()  # this test process keeps collecting everything, as before


def test_what_is_alive_is_frozen_and_garbage_is_collected_first(thawed: None) -> None:
    # A cycle nobody reaches any more: only the collector can free it. Frozen with the
    # rest, it would never be.
    a, b = _Node(), _Node()
    a.other, b.other = b, a
    gone = weakref.ref(a)
    del a, b
    kept = _Node()

    frozen = freeze_startup_heap()

    assert gone() is None
    assert frozen == gc.get_freeze_count() > 1000  # modules and everything else alive
    assert not any(o is kept for o in gc.get_objects())  # in no collected generation
