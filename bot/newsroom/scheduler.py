"""The scheduler: scheduled drafts start publishing when their time comes, after a restart too.

Schedules live in the database, so nothing is lost when the bot stops; a draft that became
due while it was down starts at the next tick if it is at most the grace window late, and
takes the next free slot otherwise (the editors are told). Only the holder of the
``scheduler`` lease runs a tick (one process today; one of several workers later), and
starting a draft is a conditional update on its version, so even two schedulers could not
start it twice.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import secrets
from collections.abc import Awaitable, Callable
from typing import Protocol

from bot.newsroom.models import NewsroomDraft
from bot.newsroom.queue import PostingQueue

logger = logging.getLogger(__name__)

LEASE_NAME = "scheduler"
LEASE_TTL = dt.timedelta(seconds=90)
POLL = 30.0


class DueDrafts(Protocol):
    async def due(self, now: dt.datetime, *, limit: int = 20) -> list[NewsroomDraft]: ...
    async def next_due(self) -> dt.datetime | None: ...


class Leases(Protocol):
    async def take(
        self, name: str, holder: str, *, now: dt.datetime, ttl: dt.timedelta
    ) -> bool: ...


class Starter(Protocol):
    async def start_due(self, draft: NewsroomDraft) -> object: ...


class Scheduler:
    """Starts due drafts; :meth:`tick` is one pass (tests call it with their own clock)."""

    def __init__(
        self,
        *,
        drafts: DueDrafts,
        newsroom: Starter,
        leases: Leases,
        on_started: Callable[[NewsroomDraft], Awaitable[None]],
        clock: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC),
        holder: str | None = None,
        queue: PostingQueue | None = None,
        on_reslotted: Callable[[NewsroomDraft, dt.datetime | None], Awaitable[None]] | None = None,
    ) -> None:
        self._queue = queue
        self._on_reslotted = on_reslotted
        self._drafts = drafts
        self._newsroom = newsroom
        self._leases = leases
        self._on_started = on_started
        self._clock = clock
        self.holder = holder or f"scheduler-{secrets.token_hex(4)}"
        self._wakeup = asyncio.Event()

    def wake(self) -> None:
        """A schedule changed: look again now."""
        self._wakeup.set()

    async def leader(self) -> bool:
        """Take or renew the lease for scheduled work; True while this process holds it."""
        return await self._leases.take(LEASE_NAME, self.holder, now=self._clock(), ttl=LEASE_TTL)

    async def tick(self) -> list[NewsroomDraft]:
        """Start every draft that is due; return those started.

        While the queue is paused nothing starts. A draft due longer ago than the grace
        window (the bot was stopped) takes the next free slot instead of going out late.
        """
        now = self._clock()
        if not await self.leader():
            return []
        if self._queue is not None and (await self._queue.rules()).paused:
            return []
        started = []
        for draft in await self._drafts.due(now):
            if self._queue is not None and self._queue.too_late(draft):
                placed = await self._queue.reslot(draft)
                if self._on_reslotted is not None:
                    await self._on_reslotted(placed.draft or draft, placed.at)
                continue
            outcome = await self._newsroom.start_due(draft)
            updated = getattr(outcome, "draft", None)
            if getattr(outcome, "ok", False) and updated is not None:
                started.append(updated)
                logger.info("scheduled draft %s is being published", draft.id)
                await self._on_started(updated)
        return started

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            self._wakeup.clear()
            try:
                await self.tick()
            except Exception:
                logger.exception("scheduler tick failed")
            await self._sleep(stop)

    async def _sleep(self, stop: asyncio.Event) -> None:
        due = await self._drafts.next_due()
        wait = POLL
        if due is not None:
            wait = min(max((due - self._clock()).total_seconds(), 0.05), POLL)
        waiters = [asyncio.ensure_future(stop.wait()), asyncio.ensure_future(self._wakeup.wait())]
        try:
            await asyncio.wait(waiters, timeout=wait, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for waiter in waiters:
                waiter.cancel()
