"""Which process runs the scheduled work: the holder of one lease, renewed while it lives.

Several identical workers may share one PostgreSQL database; one of them at a time starts
scheduled posts and polls the feeds. It holds the ``scheduler`` lease — a row with an expiry,
no session or advisory lock, so it works through a connection pooler — and renews it every
third of its length. When it dies the lease runs out, and the others, which try again just as
it ends, take it over within the lease's length; a clean stop gives it up at once. On SQLite
the one process leads by definition: it takes the lease whoever held it (a row left by a
killed process must not hold up its restart).

A lease alone cannot rule out two leaders (a process stalled past its lease still believes
it leads until it looks again), so each piece of due work is also claimed once in
:class:`TaskRuns`, keyed on its due time.

The holder's name says where it runs — ``host:pid:random`` — for an operator reading the
``leases`` table (and for a test that must kill the leader).
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import os
import secrets
import socket
from collections.abc import Callable
from typing import Protocol

logger = logging.getLogger(__name__)

LEASE_NAME = "scheduler"
DEFAULT_TTL = dt.timedelta(seconds=30)
# Shortest wait between two looks at a lease that is about to end.
MIN_WAIT = 0.05


def holder_name() -> str:
    """This process, as the ``leases`` and ``task_runs`` tables name it."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"


class Leases(Protocol):
    async def take(
        self, name: str, holder: str, *, now: dt.datetime, ttl: dt.timedelta
    ) -> bool: ...
    async def seize(
        self, name: str, holder: str, *, now: dt.datetime, ttl: dt.timedelta
    ) -> None: ...
    async def current(self, name: str) -> tuple[str, dt.datetime] | None: ...
    async def release(self, name: str, holder: str) -> None: ...


class TaskRuns(Protocol):
    """Claims on due work, one per (task, run_at) (``db.task_runs``)."""

    async def claim(
        self,
        task: str,
        run_at: dt.datetime,
        holder: str,
        now: dt.datetime,
        *,
        stale_after: dt.timedelta | None = None,
    ) -> bool: ...
    async def release(self, task: str, run_at: dt.datetime, holder: str) -> None: ...
    async def prune(self, before: dt.datetime) -> int: ...


class Leadership:
    """This process's hold on the lease for scheduled work.

    Args:
        leases: where leases are kept.
        ttl: the lease's length (setting ``LEADER_LEASE_SECONDS``); renewed every third.
        sole: the only process there is (SQLite): it always leads.
        holder: this process's name (default :func:`holder_name`).
    """

    def __init__(
        self,
        leases: Leases,
        *,
        ttl: dt.timedelta = DEFAULT_TTL,
        clock: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC),
        sole: bool = False,
        holder: str | None = None,
        name: str = LEASE_NAME,
    ) -> None:
        if ttl <= dt.timedelta(0):
            raise ValueError("a lease must last some time")
        self._leases = leases
        self.ttl = ttl
        self._clock = clock
        self._sole = sole
        self.holder = holder or holder_name()
        self.name = name
        self._held = False
        self._until: dt.datetime | None = None  # the end of our lease, by our clock
        self._checked: dt.datetime | None = None  # when we last asked the database
        self._released = False
        self._listeners: list[Callable[[], None]] = []

    @property
    def renew_every(self) -> dt.timedelta:
        return self.ttl / 3

    @property
    def leading(self) -> bool:
        """What this process last heard: it holds the lease, and the lease has not ended."""
        return self._held and self._until is not None and self._clock() < self._until

    def on_elected(self, callback: Callable[[], None]) -> None:
        """Call ``callback`` whenever this process becomes the leader (to start due work now)."""
        self._listeners.append(callback)

    async def leader(self) -> bool:
        """True while this process holds the lease.

        Asks the database (renewing the lease) when the last answer is a third of the lease
        old; in between it trusts that answer, and never past the lease's end.
        """
        if self._released:
            return False
        if self._checked is not None and self._clock() - self._checked < self.renew_every:
            return self.leading
        return await self.renew()

    async def renew(self) -> bool:
        """Take or renew the lease now; True when this process holds it."""
        if self._released:
            return False
        now = self._clock()
        if self._sole:
            await self._leases.seize(self.name, self.holder, now=now, ttl=self.ttl)
            held = True
        else:
            held = await self._leases.take(self.name, self.holder, now=now, ttl=self.ttl)
        was = self._held
        self._held, self._checked = held, now
        self._until = now + self.ttl if held else None
        if held and not was:
            logger.info(
                "%s leads scheduled work (lease %r, %d s)",
                self.holder,
                self.name,
                self.ttl.total_seconds(),
            )
            for callback in self._listeners:
                callback()
        elif was and not held:
            logger.warning("%s no longer holds the %r lease", self.holder, self.name)
        return held

    async def keep(self, stop: asyncio.Event) -> None:
        """Hold the lease until ``stop``: renew it every third of its length, or, while
        another process holds it, try again as soon as its lease ends."""
        while not stop.is_set():
            try:
                if await self.renew():
                    wait = self.renew_every.total_seconds()
                else:
                    wait = await self._until_free()
            except Exception:
                logger.exception("the %r lease could not be renewed", self.name)
                self._held = False
                wait = self.renew_every.total_seconds()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=wait)

    async def release(self) -> None:
        """Give the lease up (a clean stop): the next leader need not wait for it to end."""
        self._released = True
        self._held = False
        await self._leases.release(self.name, self.holder)
        logger.info("%s gave up the %r lease", self.holder, self.name)

    async def _until_free(self) -> float:
        """Seconds until the current holder's lease ends (at most a third of a lease, so a
        lease given up early is noticed soon)."""
        current = await self._leases.current(self.name)
        if current is None:
            return MIN_WAIT
        remaining = (current[1] - self._clock()).total_seconds()
        return min(max(remaining, MIN_WAIT), self.renew_every.total_seconds())
