"""Per-user rate limit: a sliding one-minute window kept in memory.

Why memory and not SQLite: the state is one minute deep and only protects the share pool
from one user's bursts. Persisting it would add a database write to every message for
nothing a restart could lose that matters (at worst a user gets one fresh minute), and the
bot runs as one process, so there is no other instance to share it with.
"""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Callable

from handlers.errors import RateLimitedError

WINDOW_SECONDS = 60.0
# Above this many tracked users, idle ones are dropped so the table cannot grow unbounded.
_PRUNE_ABOVE = 10_000


class RateLimiter:
    """At most ``per_minute`` requests per user in any 60-second window.

    The same article asked for again within the window (a second message sent in a hurry,
    before the first is answered) is not counted twice. A refused user is told once: further
    refusals until the wait it announced is over carry ``notify=False``, so that ten
    messages sent in a hurry get one notice, not ten.

    Args:
        per_minute: the allowance (``RATE_LIMIT_PER_MINUTE``).
        clock: monotonic seconds; tests pass a fake clock.
    """

    def __init__(self, per_minute: int, *, clock: Callable[[], float] = time.monotonic) -> None:
        if per_minute <= 0:
            raise ValueError("per_minute must be positive")
        self.per_minute = per_minute
        self._clock = clock
        self._hits: dict[int, deque[tuple[float, str | None]]] = {}  # user → (time, article)
        self._told_until: dict[int, float] = {}  # user → end of the wait they were told

    def retry_after(self, user_id: int) -> float:
        """Seconds until ``user_id`` may ask again; 0 when allowed now."""
        hits = self._recent(user_id, self._clock())
        if len(hits) < self.per_minute:
            return 0.0
        return max(hits[0][0] + WINDOW_SECONDS - self._clock(), 0.0)

    def allows(self, user_id: int) -> bool:
        """Whether one more request of ``user_id`` would be counted (not refused) now."""
        return len(self._recent(user_id, self._clock())) < self.per_minute

    def hit(self, user_id: int, key: str | None = None) -> None:
        """Count one request for ``user_id``, for the article ``key`` when known.

        Raises:
            RateLimitedError: the user is over the limit (the request is not counted);
                ``notify`` is False when they were already told so in this window.
        """
        now = self._clock()
        hits = self._recent(user_id, now)
        if key is not None and any(seen == key for _, seen in hits):
            return  # asked for already in this window: counted once
        if len(hits) >= self.per_minute:
            until = hits[0][0] + WINDOW_SECONDS
            notify = now >= self._told_until.get(user_id, 0.0)
            if notify:
                self._told_until[user_id] = until
            wait = max(1, math.ceil(until - now))
            raise RateLimitedError(limit=self.per_minute, retry_after=wait, notify=notify)
        hits.append((now, key))
        if len(self._hits) > _PRUNE_ABOVE:
            self._prune(now)

    def refund(self, user_id: int, key: str | None = None) -> None:
        """Take back the request of ``user_id`` for ``key`` (the latest one when None): it
        turned out to need no new work (the article was already prepared)."""
        hits = self._hits.get(user_id)
        if not hits:
            return
        for index in range(len(hits) - 1, -1, -1):
            if key is None or hits[index][1] == key:
                del hits[index]
                return

    def _recent(self, user_id: int, now: float) -> deque[tuple[float, str | None]]:
        hits = self._hits.setdefault(user_id, deque())
        while hits and now - hits[0][0] >= WINDOW_SECONDS:
            hits.popleft()
        return hits

    def _prune(self, now: float) -> None:
        for user_id in [
            u for u, h in self._hits.items() if not h or now - h[-1][0] >= WINDOW_SECONDS
        ]:
            del self._hits[user_id]
        for user_id in [u for u, until in self._told_until.items() if until <= now]:
            del self._told_until[user_id]
