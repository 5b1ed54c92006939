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

    Args:
        per_minute: the allowance (``RATE_LIMIT_PER_MINUTE``).
        clock: monotonic seconds; tests pass a fake clock.
    """

    def __init__(self, per_minute: int, *, clock: Callable[[], float] = time.monotonic) -> None:
        if per_minute <= 0:
            raise ValueError("per_minute must be positive")
        self.per_minute = per_minute
        self._clock = clock
        self._hits: dict[int, deque[float]] = {}

    def retry_after(self, user_id: int) -> float:
        """Seconds until ``user_id`` may ask again; 0 when allowed now."""
        hits = self._recent(user_id, self._clock())
        if len(hits) < self.per_minute:
            return 0.0
        return max(hits[0] + WINDOW_SECONDS - self._clock(), 0.0)

    def hit(self, user_id: int) -> None:
        """Count one request for ``user_id``.

        Raises:
            RateLimitedError: the user is over the limit (the request is not counted).
        """
        now = self._clock()
        hits = self._recent(user_id, now)
        if len(hits) >= self.per_minute:
            wait = max(1, math.ceil(hits[0] + WINDOW_SECONDS - now))
            raise RateLimitedError(limit=self.per_minute, retry_after=wait)
        hits.append(now)
        if len(self._hits) > _PRUNE_ABOVE:
            self._prune(now)

    def _recent(self, user_id: int, now: float) -> deque[float]:
        hits = self._hits.setdefault(user_id, deque())
        while hits and now - hits[0] >= WINDOW_SECONDS:
            hits.popleft()
        return hits

    def _prune(self, now: float) -> None:
        for user_id in [
            u for u, h in self._hits.items() if not h or now - h[-1] >= WINDOW_SECONDS
        ]:
            del self._hits[user_id]
