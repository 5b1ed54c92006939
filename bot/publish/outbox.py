"""The outbox worker: drains queued posts exactly once, in every worker process at once.

Each process runs one loop per target. A loop claims a few ready rows at a time, in a short
transaction (on PostgreSQL a row another worker is claiming is skipped, not waited for), then
sends them: the rows of one lane (a channel, the X account) one after another in order, lanes
side by side. For each row: wait for its flood slot while it is only claimed, mark it
``sending`` (from here a crash means "outcome unknown"), ask the target's publisher, and
record what happened — the platform's id in the same transaction that marks the row sent.
Then:

- a 429 waits out the platform's ``retry_after`` / ``x-rate-limit-reset`` (the rest of the
  lane with it);
- a failure before anything was accepted is retried with exponential backoff and jitter, up
  to ``max_attempts``;
- a permanent refusal fails the row with its reason (X's duplicate-content 403 first looks
  for the post: it usually means an earlier attempt did post);
- an unknown outcome is never resent blindly: on X the account's recent posts are searched
  and the post adopted if found; the channel cannot be searched, so the editors are asked.

Claimed rows are held by a lease that the worker renews, every quarter of the lease, for the
rows it still has in hand, so a live worker never loses a row waiting for its turn; a dead
one's rows are taken over once the lease has run out. The same periodic round, on every
worker, reaps: rows left ``claimed`` are queued again; rows left ``sending`` become unknown
and are reconciled, each by the one worker whose update took it; reports to the editors that
a dead worker did not finish are sent by another.

Wake-ups: the newsroom calls :meth:`OutboxWorker.wake` after queuing rows; it wakes this
process's loops and announces the rows to the other processes (``LISTEN/NOTIFY`` on
PostgreSQL). Each loop also looks at the table when its next row falls due, and at least
every ``IDLE_POLL`` seconds in case a wake-up was lost.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import random
import secrets
from collections.abc import Awaitable, Callable, Coroutine, Mapping, Sequence
from dataclasses import replace
from enum import Enum
from typing import Any

from bot.errors import (
    PublishError,
    PublishNotSent,
    PublishOutcomeUnknown,
    PublishRejected,
    PublishRetryLater,
)
from bot.newsroom.models import NewsroomDraft, OutboxItem, OutboxStatus, Target
from bot.publish.base import Publisher, Receipt
from bot.publish.outbox_ports import DraftLookup, OutboxStore, PublishNotifier, Settled

logger = logging.getLogger(__name__)

LEASE = dt.timedelta(seconds=60)  # OUTBOX_LEASE_SECONDS
BATCH = 10  # rows one claim takes at most
MAX_ATTEMPTS = 8
BACKOFF_BASE = 5.0
BACKOFF_CAP = 600.0
IDLE_POLL = 30.0  # seconds between looks at the table when nobody wakes the worker


class OutboxWorker:
    """Drains the outbox beside the other workers of the bot. One loop per target, so a
    channel waiting out its flood limit never holds up X, and the other way round.

    Args:
        outbox: the outbox rows.
        drafts: to read the draft a row belongs to.
        publishers: one per configured target.
        notifier: tells the editors.
        clock: the current UTC time.
        owner: this worker's name on its leases (unique per process).
        lease: how long rows stay this worker's without being renewed: after a crash,
            its rows wait this long before another worker takes them.
        batch: rows one claim takes at most.
        reconcile_delay: seconds to wait before searching X for a post of unknown outcome
            (its timeline shows a new post after a moment).
    """

    def __init__(
        self,
        *,
        outbox: OutboxStore,
        drafts: DraftLookup,
        publishers: Mapping[Target, Publisher],
        notifier: PublishNotifier,
        clock: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC),
        owner: str | None = None,
        lease: dt.timedelta = LEASE,
        batch: int = BATCH,
        max_attempts: int = MAX_ATTEMPTS,
        reconcile_delay: float = 5.0,
        rng: random.Random | None = None,
    ) -> None:
        self._outbox = outbox
        self._drafts = drafts
        self._publishers = dict(publishers)
        self._notifier = notifier
        self._clock = clock
        self.owner = owner or f"worker-{secrets.token_hex(4)}"
        self._lease = lease
        self._batch = batch
        self._max_attempts = max_attempts
        self._reconcile_delay = reconcile_delay
        self._rng = rng or random.Random()
        self._wakeups = {target: asyncio.Event() for target in self._publishers}
        self._background: set[asyncio.Task[None]] = set()
        self._held: set[int] = set()  # rows in hand: claimed, being sent or reconciled
        self._reporting: set[int] = set()  # drafts whose report is under way here
        self._listening = False

    @property
    def targets(self) -> tuple[Target, ...]:
        return tuple(self._publishers)

    @property
    def lease(self) -> dt.timedelta:
        return self._lease

    # ---------------------------------------------------------------- wake-ups

    def wake(self) -> None:
        """New rows were queued: look at the table now, here and in every other process."""
        self._wake_here()
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return  # no loop (a synchronous caller): the others will poll
        self._spawn(self._announce(), "nashir-outbox-announce")

    def _wake_here(self) -> None:
        for event in self._wakeups.values():
            event.set()

    async def _announce(self) -> None:
        try:
            await self._outbox.announce()
        except Exception:  # the others still poll; a lost wake-up only delays them
            logger.warning("could not wake the other outbox workers", exc_info=True)

    # ---------------------------------------------------------------- running

    async def recover(self) -> None:
        """At start-up: take over what workers that died left behind (once their leases
        have run out; at once on SQLite, where this process is the only one), reconcile
        unknown rows that nobody holds and this worker can look up, and start telling the
        editors about publications whose report was lost (see :meth:`reported`)."""
        now = self._clock()
        reaped = await self._outbox.reap(
            owner=self.owner, now=now, lease=self._lease, starting=True
        )
        searchable = [target for target in self._publishers if target is not Target.CHANNEL]
        taken = [
            *reaped.unknown,
            *await self._outbox.adopt_unknown(
                owner=self.owner, now=now, lease=self._lease, targets=searchable
            ),
        ]
        for item in taken:
            logger.warning(
                "outbox row %s (%s) was being sent when its worker stopped", item.id, item.kind
            )
        await asyncio.gather(*(self.reconcile(item) for item in taken))
        # In the background: a report waits for its flood slot in the editors' group, and
        # its claim must be renewed meanwhile (by run()'s maintenance) like any other.
        for draft in await self._drafts.unreported():
            self._spawn(self._report(draft.id), f"nashir-report-{draft.id}")

    async def run(self, stop: asyncio.Event) -> None:
        """Drain until ``stop`` is set, then let the reports under way finish."""
        await self.listen()
        await asyncio.gather(
            self._maintenance(stop), *(self._loop(target, stop) for target in self._publishers)
        )
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.reported(), timeout=10)

    async def maintain(self) -> None:
        """The periodic round, on every worker: renew this worker's leases on what it has in
        hand, take over rows and reports whose lease ran out."""
        now = self._clock()
        await self._outbox.renew(
            self.owner,
            rows=tuple(self._held),
            reports=tuple(self._reporting),
            now=now,
            lease=self._lease,
        )
        reaped = await self._outbox.reap(owner=self.owner, now=now, lease=self._lease)
        if reaped.requeued:
            logger.warning("outbox: %d posts of a stopped worker queued again", reaped.requeued)
            self.wake()  # the loops here, or idle ones elsewhere, take them now
        for item in reaped.unknown:
            logger.warning(
                "outbox row %s (%s): its worker stopped while sending it; reconciling",
                item.id,
                item.kind,
            )
            self._spawn(self.reconcile(item), f"nashir-reconcile-{item.id}")
        for draft_id in await self._outbox.lapsed_reports(now):
            if draft_id not in self._reporting:
                self._spawn(self._report(draft_id), f"nashir-report-{draft_id}")

    async def listen(self) -> None:
        """Hear the wake-ups of the other processes (idempotent; run() calls it)."""
        if self._listening:
            return
        try:
            await self._outbox.listen(self._wake_here)
        except Exception:
            logger.warning("outbox: no wake-ups from other workers, polling only", exc_info=True)
            return
        self._listening = True

    async def _maintenance(self, stop: asyncio.Event) -> None:
        # A quarter of the lease: a renewal may fail or come late three times in a row
        # before anything of a live worker's runs out.
        interval = max(self._lease.total_seconds() / 4, 0.05)
        while not stop.is_set():
            await _first(stop, None, seconds=interval)
            if stop.is_set():
                break
            try:
                await self.maintain()
            except Exception:  # the database may be away for a moment: try next round
                logger.exception("outbox maintenance failed")

    async def _loop(self, target: Target, stop: asyncio.Event) -> None:
        wakeup = self._wakeups[target]
        while not stop.is_set():
            wakeup.clear()
            try:
                worked = await self.step(target, stop)
            except Exception:  # a bug must not stop publishing for good
                logger.exception("outbox worker step failed (%s)", target)
                worked = False
            if worked:
                continue
            await _first(stop, wakeup, seconds=await self._idle_wait(target))

    async def _idle_wait(self, target: Target) -> float:
        due = await self._outbox.next_due(target)
        if due is None:
            return IDLE_POLL
        return min(max((due - self._clock()).total_seconds(), 0.05), IDLE_POLL)

    # ---------------------------------------------------------------- sending

    async def step(self, target: Target, stop: asyncio.Event | None = None) -> bool:
        """Claim the next ready rows of ``target`` (a batch) and send them; False when none
        was ready. Once ``stop`` is set, rows not yet being sent are given back."""
        items = await self._outbox.claim(
            target, owner=self.owner, now=self._clock(), lease=self._lease, limit=self._batch
        )
        if not items:
            return False
        self._held.update(item.id for item in items)
        publisher = self._publishers[target]
        lanes: dict[str, list[tuple[OutboxItem, NewsroomDraft]]] = {}
        try:
            for item in items:
                draft = await self._drafts.get(item.draft_id)
                if draft is None:
                    self._held.discard(item.id)
                    await self._outbox.mark_failed(
                        item.id, owner=self.owner, error="the draft is gone", now=self._clock()
                    )
                    continue
                lanes.setdefault(publisher.lane(draft), []).append((item, draft))
        except BaseException:
            self._held.difference_update(item.id for item in items)
            raise
        results = await asyncio.gather(
            *(self._send_lane(publisher, lane, stop) for lane in lanes.values()),
            return_exceptions=True,
        )
        for result in results:
            if isinstance(result, Exception):
                logger.error("outbox lane failed (%s)", target, exc_info=result)
        return True

    async def _send_lane(
        self,
        publisher: Publisher,
        lane: Sequence[tuple[OutboxItem, NewsroomDraft]],
        stop: asyncio.Event | None,
    ) -> None:
        """Send a lane's rows in order; give back the rest when told to stop or to wait."""
        ids = [item.id for item, _ in lane]
        try:
            for index, (item, draft) in enumerate(lane):
                if stop is not None and stop.is_set():
                    await self._outbox.unclaim(ids[index:], owner=self.owner, now=self._clock())
                    return
                try:
                    after = await self._send(publisher, draft, item, stop)
                except Exception:  # this row is dropped from hand: its lease runs out
                    logger.exception("outbox row %s: sending failed", item.id)
                    after = _Next.GO_ON
                finally:
                    self._held.discard(item.id)
                if after is _Next.STOP:
                    await self._outbox.unclaim(ids[index:], owner=self.owner, now=self._clock())
                    return
                if isinstance(after, dt.datetime):
                    # The platform asked this chat or account to wait: so do its other rows.
                    await self._outbox.unclaim(
                        ids[index + 1 :], owner=self.owner, now=self._clock(), not_before=after
                    )
                    return
        finally:
            self._held.difference_update(ids)

    async def _send(
        self,
        publisher: Publisher,
        draft: NewsroomDraft,
        item: OutboxItem,
        stop: asyncio.Event | None,
    ) -> dt.datetime | _Next:
        """Send one claimed row. Returns until when the lane must wait (a 429), or what the
        lane does next."""
        # Waiting for the flood slot happens while the row is only claimed: a crash now puts
        # it back in the queue; from mark_sending on, it would be an unknown outcome.
        if not await _unless_stopped(publisher.prepare(draft, item), stop):
            return _Next.STOP
        sending = await self._outbox.mark_sending(
            item.id, owner=self.owner, now=self._clock(), lease=self._lease
        )
        if not sending:
            logger.warning("outbox row %s: lease lost before sending; not sent here", item.id)
            return _Next.GO_ON
        item = replace(item, status=OutboxStatus.SENDING, attempts=item.attempts + 1)
        try:
            receipt = await publisher.publish(draft, item)
        except PublishRetryLater as exc:
            until = self._clock() + dt.timedelta(seconds=exc.retry_after)
            logger.info("outbox row %s: %s, again in %.0f s", item.id, exc.detail, exc.retry_after)
            await self._outbox.release(
                item.id,
                owner=self.owner,
                not_before=until,
                error=exc.one_line(),
                now=self._clock(),
            )
            return until
        except PublishNotSent as exc:
            await self._not_sent(item, exc)
        except PublishRejected as exc:
            await self._rejected(draft, item, exc, publisher)
        except PublishOutcomeUnknown as exc:
            logger.warning("outbox row %s: outcome unknown (%s)", item.id, exc.detail)
            unknown = await self._outbox.mark_unknown(
                item.id,
                owner=self.owner,
                error=exc.one_line(),
                now=self._clock(),
                lease=self._lease,
            )
            if unknown is not None:
                await self.reconcile(unknown)
        except PublishError as exc:  # any other kind is a refusal we did not foresee
            await self._finish(draft, await self._fail(item, exc.one_line()))
        else:
            await self._finish(draft, await self._sent(item, receipt))
        return _Next.GO_ON

    # ---------------------------------------------------------------- unknown outcomes

    async def reconcile(self, item: OutboxItem) -> None:
        """Settle a row of unknown outcome that this worker holds: adopt the post if found,
        queue it again if surely not there, or ask the editors when the platform cannot be
        searched."""
        self._held.add(item.id)
        try:
            draft = await self._drafts.get(item.draft_id)
            publisher = self._publishers.get(item.kind.target)
            if draft is None or publisher is None:
                await self._outbox.leave_unknown(item.id, owner=self.owner)
                return
            if item.kind.target is Target.CHANNEL:
                await self._notifier.outcome_unknown(draft, item)
                await self._outbox.leave_unknown(item.id, owner=self.owner)
                return
            if self._reconcile_delay:
                await asyncio.sleep(self._reconcile_delay)
            found = await publisher.find_existing(draft, item)
            settled = await self._outbox.resolve_unknown(
                item.id,
                sent=found is not None,
                receipt=found,
                now=self._clock(),
                owner=self.owner,
            )
        finally:
            self._held.discard(item.id)
        if settled is None:
            return
        if found is not None:
            logger.info(
                "outbox row %s: found the post on %s (%s)",
                item.id,
                item.kind.target,
                found.external_id,
            )
            await self._finish(draft, settled)
        else:
            logger.info("outbox row %s: not found on %s, sending again", item.id, item.kind.target)
            self.wake()

    async def settle_unknown(self, item_id: int, *, sent: bool) -> NewsroomDraft | None:
        """An editor's answer for an unknown channel post: it is out, or send it again."""
        settled = await self._outbox.resolve_unknown(item_id, sent=sent, now=self._clock())
        if settled is None:
            return None
        draft = await self._drafts.get(settled.item.draft_id)
        if draft is not None and sent:
            await self._finish(draft, settled)
        if not sent:
            self.wake()
        return draft

    # ---------------------------------------------------------------- internals

    async def _sent(self, item: OutboxItem, receipt: Receipt) -> Settled:
        def lost() -> None:
            logger.warning(
                "outbox row %s: sent (%s) after its lease ran out; recorded as sent",
                item.id,
                receipt.external_id,
            )

        return await self._outbox.mark_sent(
            item.id,
            owner=self.owner,
            external_id=receipt.external_id,
            external_url=receipt.url,
            cost_micros=receipt.cost_micros,
            now=self._clock(),
            on_lost=lost,
        )

    async def _fail(self, item: OutboxItem, error: str) -> Settled | None:
        return await self._outbox.mark_failed(
            item.id, owner=self.owner, error=error, now=self._clock()
        )

    async def _not_sent(self, item: OutboxItem, exc: PublishNotSent) -> None:
        if item.attempts >= self._max_attempts:
            error = f"gave up after {item.attempts} attempts: {exc.one_line()}"
            draft = await self._drafts.get(item.draft_id)
            settled = await self._fail(item, error)
            if draft is not None:
                await self._finish(draft, settled)
            return
        delay = min(BACKOFF_BASE * 2 ** (item.attempts - 1), BACKOFF_CAP)
        delay *= 1 + 0.3 * self._rng.random()  # jitter: retries of many rows spread out
        logger.info("outbox row %s not sent (%s); again in %.0f s", item.id, exc.detail, delay)
        await self._outbox.release(
            item.id,
            owner=self.owner,
            not_before=self._clock() + dt.timedelta(seconds=delay),
            error=exc.one_line(),
            now=self._clock(),
        )

    async def _rejected(
        self, draft: NewsroomDraft, item: OutboxItem, exc: PublishRejected, publisher: Publisher
    ) -> None:
        if exc.duplicate:
            # X refuses a text it already has: most often an earlier attempt did post it.
            found = await publisher.find_existing(draft, item)
            if found is not None:
                await self._finish(draft, await self._sent(item, found))
                return
        await self._finish(draft, await self._fail(item, exc.message_ar))

    async def _finish(self, draft: NewsroomDraft, settled: Settled | None) -> None:
        if settled is None or settled.draft_status is None:
            return
        # The report waits for its own flood slot in the editors' group; the posts of other
        # drafts must not wait with it. It is recorded as sent only once sent, so a report
        # lost to a crash is sent by another worker (see maintain()) or after a restart.
        self._spawn(self._report(draft.id), f"nashir-report-{draft.id}")

    async def reported(self) -> None:
        """Wait until the reports and reconciliations under way are done (tests, shutdown)."""
        while self._background:
            await asyncio.gather(*list(self._background), return_exceptions=True)

    async def _report(self, draft_id: int) -> None:
        """Tell the editors how the publication ended, unless another worker is doing so or
        did (the notifier records it as told)."""
        if draft_id in self._reporting:
            return
        self._reporting.add(draft_id)
        try:
            taken = await self._outbox.claim_report(
                draft_id, owner=self.owner, now=self._clock(), lease=self._lease
            )
            if not taken:
                return
            try:
                draft = await self._drafts.get(draft_id)
                if draft is not None:
                    items = await self._outbox.for_draft(draft_id)
                    await self._notifier.publication_settled(draft, items)
            except Exception:  # the post is out; a failed notice must not undo that
                logger.exception("could not tell the editors about draft %s", draft_id)
            await self._outbox.release_report(draft_id, owner=self.owner)
        finally:
            self._reporting.discard(draft_id)

    def _spawn(self, work: Coroutine[Any, Any, None], name: str) -> None:
        task = asyncio.create_task(work, name=name)
        self._background.add(task)
        task.add_done_callback(self._background.discard)


class _Next(Enum):
    """What a lane does after a row."""

    GO_ON = "go on"
    STOP = "stop"  # told to stop before the row was sent: give the rest back


async def _unless_stopped(work: Awaitable[None], stop: asyncio.Event | None) -> bool:
    """Await ``work`` unless ``stop`` is set first (then cancel it); whether it finished."""
    if stop is None:
        await work
        return True
    task = asyncio.ensure_future(work)
    stopped = asyncio.ensure_future(stop.wait())
    try:
        await asyncio.wait({task, stopped}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        stopped.cancel()
    if task.done():
        task.result()
        return True
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
    return False


async def _first(stop: asyncio.Event, wakeup: asyncio.Event | None, *, seconds: float) -> None:
    """Wait until ``stop`` or ``wakeup`` is set, or ``seconds`` pass."""
    events = [stop] if wakeup is None else [stop, wakeup]
    waiters = [asyncio.ensure_future(event.wait()) for event in events]
    try:
        await asyncio.wait(waiters, timeout=seconds, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for waiter in waiters:
            waiter.cancel()
