"""Per-user rate limit: a sliding one-minute window of each user's requests.

The arithmetic is pure functions on :class:`UserWindow` values; where the windows live is a
:class:`UserWindowStore`: this process's memory (:class:`MemoryUserWindows`) when one process
runs the bot, or the database (``db.ratelimit``) when several workers share the users.
``handlers.ratelimit.RateLimiter`` puts the two together.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Protocol, TypeVar

T = TypeVar("T")

WINDOW_SECONDS = 60.0


@dataclass(frozen=True, slots=True)
class UserWindow:
    """One user's requests of the last minute: (time, article key or None), oldest first,
    and the end of the wait they were last told about."""

    hits: tuple[tuple[float, str | None], ...] = ()
    told_until: float = 0.0

    @property
    def expires(self) -> float:
        """From this moment the window holds nothing that matters."""
        last = self.hits[-1][0] + WINDOW_SECONDS if self.hits else 0.0
        return max(last, self.told_until)


EMPTY = UserWindow()


@dataclass(frozen=True, slots=True)
class Refusal:
    """The request is over the limit: ``wait`` seconds until the oldest hit leaves the
    window; ``notify`` is False when the user was already told in this window."""

    wait: float
    notify: bool


def recent(window: UserWindow, now: float) -> UserWindow:
    """``window`` without the hits that left the minute before ``now``."""
    hits = window.hits
    start = 0
    while start < len(hits) and now - hits[start][0] >= WINDOW_SECONDS:
        start += 1
    return replace(window, hits=hits[start:]) if start else window


def count(
    window: UserWindow, per_minute: int, key: str | None, now: float
) -> tuple[UserWindow, Refusal | None]:
    """Count one request (for the article ``key`` when known) at ``now``.

    The same article asked for again within the window is not counted twice. A refusal is
    not counted either, and announces its wait once: ``told_until`` remembers it.
    """
    window = recent(window, now)
    if key is not None and any(seen == key for _, seen in window.hits):
        return window, None
    if len(window.hits) >= per_minute:
        until = window.hits[0][0] + WINDOW_SECONDS
        notify = now >= window.told_until
        if notify:
            window = replace(window, told_until=until)
        return window, Refusal(until - now, notify)
    return replace(window, hits=(*window.hits, (now, key))), None


def refunded(window: UserWindow, key: str | None) -> UserWindow:
    """``window`` without the latest hit for ``key`` (the latest of all, for None)."""
    hits = window.hits
    for index in range(len(hits) - 1, -1, -1):
        if key is None or hits[index][1] == key:
            return replace(window, hits=hits[:index] + hits[index + 1 :])
    return window


def wait_left(window: UserWindow, per_minute: int, now: float) -> float:
    """Seconds until one more request would be counted; 0 when it would be now."""
    window = recent(window, now)
    if len(window.hits) < per_minute:
        return 0.0
    return max(window.hits[0][0] + WINDOW_SECONDS - now, 0.0)


class UserWindowStore(Protocol):
    """Where the users' windows are kept."""

    async def get(self, user_id: int) -> UserWindow:
        """The user's window as it is (:data:`EMPTY` for an unknown user)."""
        ...

    async def update(
        self, user_id: int, change: Callable[[UserWindow], tuple[UserWindow, T]]
    ) -> T:
        """Replace the user's window with the one ``change`` returns, with nobody else
        changing it meanwhile; return ``change``'s other result."""
        ...

    async def prune(self, now: float) -> int:
        """Drop the windows that expired before ``now``; return how many."""
        ...


class MemoryUserWindows:
    """The windows in this process's memory: enough when one process runs the bot."""

    def __init__(self) -> None:
        self.windows: dict[int, UserWindow] = {}

    async def get(self, user_id: int) -> UserWindow:
        return self.windows.get(user_id, EMPTY)

    async def update(
        self, user_id: int, change: Callable[[UserWindow], tuple[UserWindow, T]]
    ) -> T:
        window, result = change(self.windows.get(user_id, EMPTY))
        if window == EMPTY:
            self.windows.pop(user_id, None)
        else:
            self.windows[user_id] = window
        return result

    async def prune(self, now: float) -> int:
        gone = [user for user, window in self.windows.items() if window.expires <= now]
        for user in gone:
            del self.windows[user]
        return len(gone)
