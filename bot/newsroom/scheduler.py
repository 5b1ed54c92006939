"""The scheduler: scheduled drafts start publishing when their time comes, after a restart too.

Schedules live in the database, so nothing is lost when the bot stops; a draft that became
due while it was down starts at the next tick if it is at most the grace window late, and
takes the next free slot otherwise (the editors are told). Only the leader runs a tick (the
holder of the ``scheduler`` lease, see :mod:`bot.leadership`: the one process on SQLite, one
of several workers on PostgreSQL). Each due draft is claimed once, keyed on (``publish:<id>``,
its ``scheduled_at``), before it is started or moved, and starting it is a conditional update
on its version: even two processes that both believe they lead cannot start it twice or tell
the editors twice.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Awaitable, Callable
from typing import Protocol

from bot.leadership import Leadership, TaskRuns
from bot.newsroom.models import NewsroomDraft
from bot.newsroom.queue import PostingQueue

logger = logging.getLogger(__name__)

POLL = 30.0
# A claim this old on a draft still due was left by a leader that died between claiming and
# starting it (a moment's work): it is taken over, so the post is late, never lost. Longer
# than the lease so that hosts whose clocks differ by up to this much still see each other's
# claims as fresh; starting twice stays impossible anyway (the version check).
CLAIM_STALE = dt.timedelta(minutes=2)
# Claims are kept this long, then pruned (once an hour): by then their work is long done.
KEEP_RUNS = dt.timedelta(days=2)
PRUNE_EVERY = dt.timedelta(hours=1)
# Something is due but this pass could not take it (claimed by another process): look again
# after this long rather than at once.
RETRY = 1.0


class DueDrafts(Protocol):
    async def due(self, now: dt.datetime, *, limit: int = 20) -> list[NewsroomDraft]: ...
    async def next_due(self) -> dt.datetime | None: ...


class Starter(Protocol):
    async def start_due(self, draft: NewsroomDraft) -> object: ...


class Scheduler:
    """Starts due drafts; :meth:`tick` is one pass (tests call it with their own clock)."""

    def __init__(
        self,
        *,
        drafts: DueDrafts,
        newsroom: Starter,
        leadership: Leadership,
        on_started: Callable[[NewsroomDraft], Awaitable[None]],
        runs: TaskRuns | None = None,
        clock: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC),
        queue: PostingQueue | None = None,
        on_reslotted: Callable[[NewsroomDraft, dt.datetime | None], Awaitable[None]] | None = None,
    ) -> None:
        self._queue = queue
        self._on_reslotted = on_reslotted
        self._drafts = drafts
        self._newsroom = newsroom
        self.leadership = leadership
        self._runs = runs
        self._on_started = on_started
        self._clock = clock
        self._wakeup = asyncio.Event()  # set by wake(): a schedule changed, or we now lead
        self._pruned_at: dt.datetime | None = None
        # The shortest wait before the next pass; None: nothing to do until woken (or POLL).
        self._soonest: float | None = 0.05
        leadership.on_elected(self.wake)

    @property
    def holder(self) -> str:
        return self.leadership.holder

    def wake(self) -> None:
        """A schedule changed (or this process just became the leader): look again now."""
        self._wakeup.set()

    async def leader(self) -> bool:
        """True while this process holds the lease for scheduled work."""
        return await self.leadership.leader()

    async def tick(self) -> list[NewsroomDraft]:
        """Start every draft that is due; return those started.

        While the queue is paused nothing starts. A draft due longer ago than the grace
        window (the bot was stopped) takes the next free slot instead of going out late.
        """
        now = self._clock()
        self._soonest = None  # not the leader, or paused: wait to be woken
        if not await self.leader():
            return []
        if self._queue is not None and (await self._queue.rules()).paused:
            return []
        started = []
        handled = 0
        due = await self._drafts.due(now)
        for draft in due:
            if not await self._claim(draft, now):
                continue  # another process has it
            handled += 1
            try:
                updated = await self._handle(draft)
            except BaseException:
                await asyncio.shield(self._release(draft))  # not done: the next pass retries
                raise
            if updated is not None:
                started.append(updated)
        # Due drafts all claimed by another process: give it a moment before looking again.
        self._soonest = 0.05 if handled or not due else RETRY
        await self._prune(now)
        return started

    async def run(self, stop: asyncio.Event) -> None:
        """Tick until ``stop``, holding the lease meanwhile; give it up on the way out."""
        done = asyncio.Event()
        keeper = asyncio.create_task(self.leadership.keep(done), name="nashir-lease")
        try:
            while not stop.is_set():
                self._wakeup.clear()
                try:
                    await self.tick()
                except Exception:
                    logger.exception("scheduler tick failed")
                await self._sleep(stop)
        finally:
            done.set()
            await asyncio.gather(keeper, return_exceptions=True)
            try:
                await self.leadership.release()
            except Exception:
                logger.exception("the scheduler's lease could not be given up")

    # ---------------------------------------------------------------- internals

    async def _claim(self, draft: NewsroomDraft, now: dt.datetime) -> bool:
        if self._runs is None or draft.scheduled_at is None:
            return True
        stale = max(CLAIM_STALE, self.leadership.ttl)
        return await self._runs.claim(
            _task(draft), draft.scheduled_at, self.holder, now, stale_after=stale
        )

    async def _release(self, draft: NewsroomDraft) -> None:
        if self._runs is not None and draft.scheduled_at is not None:
            await self._runs.release(_task(draft), draft.scheduled_at, self.holder)

    async def _handle(self, draft: NewsroomDraft) -> NewsroomDraft | None:
        """Start a claimed draft (or move it, when too late); the started draft, if any."""
        if self._queue is not None and self._queue.too_late(draft):
            await self._reslot(draft)
            return None
        outcome = await self._newsroom.start_due(draft)
        updated = getattr(outcome, "draft", None)
        if not getattr(outcome, "ok", False) or updated is None:
            # Changed meanwhile (an editor's edit): not started, so not spent.
            await self._release(draft)
            return None
        logger.info("scheduled draft %s is being published", draft.id)
        await self._on_started(updated)
        return updated

    async def _reslot(self, draft: NewsroomDraft) -> None:
        assert self._queue is not None
        placed = await self._queue.reslot(draft)
        if placed.outcome is not None and not placed.outcome.ok:
            await self._release(draft)  # changed meanwhile: nothing moved, nobody told
            return
        if self._on_reslotted is not None:
            await self._on_reslotted(placed.draft or draft, placed.at)

    async def _prune(self, now: dt.datetime) -> None:
        if self._runs is None:
            return
        if self._pruned_at is not None and now - self._pruned_at < PRUNE_EVERY:
            return
        self._pruned_at = now
        pruned = await self._runs.prune(now - KEEP_RUNS)
        if pruned:
            logger.info("pruned %d finished runs of due work", pruned)

    async def _sleep(self, stop: asyncio.Event) -> None:
        wait = POLL
        if self._soonest is not None:
            due = await self._drafts.next_due()
            if due is not None:
                wait = min(max((due - self._clock()).total_seconds(), self._soonest), POLL)
        waiters = [asyncio.ensure_future(stop.wait()), asyncio.ensure_future(self._wakeup.wait())]
        try:
            await asyncio.wait(waiters, timeout=wait, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for waiter in waiters:
                waiter.cancel()


def _task(draft: NewsroomDraft) -> str:
    return f"publish:{draft.id}"
