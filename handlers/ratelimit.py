"""Per-user rate limit (``RATE_LIMIT_PER_MINUTE``): a sliding one-minute window.

Where the windows live depends on how the bot runs (see :func:`rate_limiter_for`). One process
over SQLite keeps them in memory: the state is one minute deep and only protects the share
pool from one user's bursts, a restart loses nothing that matters (at worst a user gets one
fresh minute), and a database write before every acknowledgement would queue a burst behind
SQLite's single writer. Several workers over PostgreSQL keep them in the database: a user's
messages reach any worker, and each worker counting alone would allow N times the limit.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

from bot.ratelimit import (
    MemoryUserWindows,
    UserWindow,
    UserWindowStore,
    count,
    refunded,
    wait_left,
)
from db.database import Database
from db.dialect import Dialect
from db.ratelimit import RateWindowRepository
from handlers.errors import RateLimitedError

# Seconds between two prunings of expired windows.
PRUNE_EVERY = 60.0


class RateLimiter:
    """At most ``per_minute`` requests per user in any 60-second window.

    The same article asked for again within the window (a second message sent in a hurry,
    before the first is answered) is not counted twice. A refused user is told once: further
    refusals until the wait it announced is over carry ``notify=False``, so that ten
    messages sent in a hurry get one notice, not ten.

    Args:
        per_minute: the allowance (``RATE_LIMIT_PER_MINUTE``).
        store: where the windows live (this process's memory by default).
        clock: seconds; tests pass a fake clock. Wall-clock epoch seconds when ``store`` is
            shared by several processes.
    """

    def __init__(
        self,
        per_minute: int,
        *,
        store: UserWindowStore | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if per_minute <= 0:
            raise ValueError("per_minute must be positive")
        self.per_minute = per_minute
        self.store: UserWindowStore = store if store is not None else MemoryUserWindows()
        self._clock = clock
        self._pruned = clock()

    async def retry_after(self, user_id: int) -> float:
        """Seconds until ``user_id`` may ask again; 0 when allowed now."""
        return wait_left(await self.store.get(user_id), self.per_minute, self._clock())

    async def allows(self, user_id: int) -> bool:
        """Whether one more request of ``user_id`` would be counted (not refused) now."""
        return await self.retry_after(user_id) == 0

    async def hit(self, user_id: int, key: str | None = None) -> None:
        """Count one request for ``user_id``, for the article ``key`` when known.

        Raises:
            RateLimitedError: the user is over the limit (the request is not counted);
                ``notify`` is False when they were already told so in this window.
        """
        now = self._clock()
        refusal = await self.store.update(
            user_id, lambda window: count(window, self.per_minute, key, now)
        )
        if now - self._pruned >= PRUNE_EVERY:
            self._pruned = now
            await self.store.prune(now)
        if refusal is not None:
            raise RateLimitedError(
                limit=self.per_minute,
                retry_after=max(1, math.ceil(refusal.wait)),
                notify=refusal.notify,
            )

    async def refund(self, user_id: int, key: str | None = None) -> None:
        """Take back the request of ``user_id`` for ``key`` (the latest one when None): it
        turned out to need no new work (the article was already prepared)."""

        def change(window: UserWindow) -> tuple[UserWindow, None]:
            return refunded(window, key), None

        await self.store.update(user_id, change)


def rate_limiter_for(per_minute: int, database: Database | None) -> RateLimiter:
    """The limiter for a bot over ``database``: in the database on PostgreSQL (workers
    share the users), in memory otherwise (one process; see the module's docstring)."""
    if database is not None and database.dialect is Dialect.POSTGRESQL:
        return RateLimiter(per_minute, store=RateWindowRepository(database), clock=time.time)
    return RateLimiter(per_minute)
