"""The outbox worker: drains queued posts, one target at a time, exactly once.

For each row: claim it (a lease, nothing has left), mark it ``sending`` (from here a crash
means "outcome unknown"), ask the target's publisher, and record what happened — the
platform's id in the same transaction that marks the row sent. Then:

- a 429 waits out the platform's ``retry_after`` / ``x-rate-limit-reset``;
- a failure before anything was accepted is retried with exponential backoff and jitter, up
  to ``max_attempts``;
- a permanent refusal fails the row with its reason (X's duplicate-content 403 first looks
  for the post: it usually means an earlier attempt did post);
- an unknown outcome is never resent blindly: on X the account's recent posts are searched
  and the post adopted if found; the channel cannot be searched, so the editors are asked.

On start, rows a dead process left ``claimed`` are queued again and rows it left ``sending``
become unknown and are reconciled the same way.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import random
import secrets
from collections.abc import Callable, Mapping
from typing import Protocol

from bot.errors import (
    PublishError,
    PublishNotSent,
    PublishOutcomeUnknown,
    PublishRejected,
    PublishRetryLater,
)
from bot.newsroom.models import NewsroomDraft, OutboxItem, OutboxStatus, Target
from bot.publish.base import Publisher, Receipt

logger = logging.getLogger(__name__)

LEASE = dt.timedelta(minutes=5)
MAX_ATTEMPTS = 8
BACKOFF_BASE = 5.0
BACKOFF_CAP = 600.0
IDLE_POLL = 30.0  # seconds between looks at the table when nobody wakes the worker


class OutboxStore(Protocol):
    """What the worker needs from storage (``db.outbox.OutboxRepository``)."""

    async def claim(
        self, target: Target, *, owner: str, now: dt.datetime, lease: dt.timedelta
    ) -> OutboxItem | None: ...
    async def mark_sending(self, item_id: int, *, now: dt.datetime) -> None: ...
    async def release(
        self, item_id: int, *, not_before: dt.datetime, error: str, now: dt.datetime
    ) -> None: ...
    async def mark_sent(
        self,
        item_id: int,
        *,
        external_id: str,
        external_url: str | None,
        cost_micros: int,
        now: dt.datetime,
    ) -> Settled: ...
    async def mark_failed(self, item_id: int, *, error: str, now: dt.datetime) -> Settled: ...
    async def mark_unknown(self, item_id: int, *, error: str, now: dt.datetime) -> Settled: ...
    async def resolve_unknown(
        self, item_id: int, *, sent: bool, now: dt.datetime, receipt: Receipt | None = None
    ) -> Settled | None: ...
    async def reap(
        self, *, now: dt.datetime, alive: list[str] | None = None
    ) -> list[OutboxItem]: ...
    async def for_draft(self, draft_id: int) -> list[OutboxItem]: ...
    async def with_status(self, statuses: list[OutboxStatus]) -> list[OutboxItem]: ...
    async def next_due(self, target: Target) -> dt.datetime | None: ...


class Settled(Protocol):
    item: OutboxItem
    draft_status: object


class DraftLookup(Protocol):
    async def get(self, draft_id: int) -> NewsroomDraft | None: ...
    async def unreported(self) -> list[NewsroomDraft]: ...


class PublishNotifier(Protocol):
    """How the editors hear about publishing (implemented by the Telegram handlers)."""

    async def publication_settled(self, draft: NewsroomDraft, items: list[OutboxItem]) -> None:
        """Every post of a publication is settled: links, or failures with their reasons."""
        ...

    async def outcome_unknown(self, draft: NewsroomDraft, item: OutboxItem) -> None:
        """A post may or may not be out and cannot be looked up: ask an editor."""
        ...


class OutboxWorker:
    """Drains the outbox. One loop per target, so a channel waiting out its flood limit never
    holds up X, and the other way round.

    Args:
        outbox: the outbox rows.
        drafts: to read the draft a row belongs to.
        publishers: one per configured target.
        notifier: tells the editors.
        clock: the current UTC time.
        owner: this worker's name on its leases.
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
        self._max_attempts = max_attempts
        self._reconcile_delay = reconcile_delay
        self._rng = rng or random.Random()
        self._wakeups = {target: asyncio.Event() for target in self._publishers}
        self._reports: set[asyncio.Task[None]] = set()

    @property
    def targets(self) -> tuple[Target, ...]:
        return tuple(self._publishers)

    def wake(self) -> None:
        """New rows were queued: look at the table now."""
        for event in self._wakeups.values():
            event.set()

    async def recover(self) -> None:
        """After a start: rows a dead process held are queued again, or reconciled."""
        unknown = await self._outbox.reap(now=self._clock(), alive=[self.owner])
        for item in unknown:
            logger.warning(
                "outbox row %s (%s) was being sent when the bot stopped", item.id, item.kind
            )
        for item in await self._outbox.with_status([OutboxStatus.UNKNOWN]):
            await self.reconcile(item)
        for draft in await self._drafts.unreported():
            await self._report(draft)

    async def run(self, stop: asyncio.Event) -> None:
        """Drain until ``stop`` is set, then let the reports under way finish."""
        await asyncio.gather(*(self._loop(target, stop) for target in self._publishers))
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.reported(), timeout=10)

    async def _loop(self, target: Target, stop: asyncio.Event) -> None:
        wakeup = self._wakeups[target]
        while not stop.is_set():
            wakeup.clear()
            try:
                worked = await self.step(target)
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

    async def step(self, target: Target) -> bool:
        """Send the next due row of ``target``; False when there was none."""
        item = await self._outbox.claim(
            target, owner=self.owner, now=self._clock(), lease=self._lease
        )
        if item is None:
            return False
        draft = await self._drafts.get(item.draft_id)
        publisher = self._publishers[target]
        if draft is None:
            await self._outbox.mark_failed(item.id, error="the draft is gone", now=self._clock())
            return True
        # Waiting for the flood slot happens while the row is only claimed: a crash now
        # puts it back in the queue; from mark_sending on, it would be an unknown outcome.
        await publisher.prepare(draft, item)
        await self._outbox.mark_sending(item.id, now=self._clock())
        try:
            receipt = await publisher.publish(draft, item)
        except PublishRetryLater as exc:
            wait = dt.timedelta(seconds=exc.retry_after)
            logger.info("outbox row %s: %s, again in %.0f s", item.id, exc.detail, exc.retry_after)
            await self._outbox.release(
                item.id, not_before=self._clock() + wait, error=exc.one_line(), now=self._clock()
            )
        except PublishNotSent as exc:
            await self._not_sent(item, exc)
        except PublishRejected as exc:
            await self._rejected(draft, item, exc, publisher)
        except PublishOutcomeUnknown as exc:
            logger.warning("outbox row %s: outcome unknown (%s)", item.id, exc.detail)
            settled = await self._outbox.mark_unknown(
                item.id, error=exc.one_line(), now=self._clock()
            )
            await self.reconcile(settled.item)
        except PublishError as exc:  # any other kind is a refusal we did not foresee
            await self._finish(
                draft,
                await self._outbox.mark_failed(item.id, error=exc.one_line(), now=self._clock()),
            )
        else:
            await self._finish(draft, await self._sent(item, receipt))
        return True

    async def reconcile(self, item: OutboxItem) -> None:
        """Settle a row of unknown outcome: adopt the post if found, resend if surely not
        there, or ask the editors when the platform cannot be searched."""
        draft = await self._drafts.get(item.draft_id)
        publisher = self._publishers.get(item.kind.target)
        if draft is None or publisher is None:
            return
        if item.kind.target is Target.CHANNEL:
            await self._notifier.outcome_unknown(draft, item)
            return
        if self._reconcile_delay:
            await asyncio.sleep(self._reconcile_delay)
        found = await publisher.find_existing(draft, item)
        settled = await self._outbox.resolve_unknown(
            item.id, sent=found is not None, receipt=found, now=self._clock()
        )
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
        return await self._outbox.mark_sent(
            item.id,
            external_id=receipt.external_id,
            external_url=receipt.url,
            cost_micros=receipt.cost_micros,
            now=self._clock(),
        )

    async def _not_sent(self, item: OutboxItem, exc: PublishNotSent) -> None:
        if item.attempts >= self._max_attempts:
            error = f"gave up after {item.attempts} attempts: {exc.one_line()}"
            draft = await self._drafts.get(item.draft_id)
            settled = await self._outbox.mark_failed(item.id, error=error, now=self._clock())
            if draft is not None:
                await self._finish(draft, settled)
            return
        delay = min(BACKOFF_BASE * 2 ** (item.attempts - 1), BACKOFF_CAP)
        delay *= 1 + 0.3 * self._rng.random()  # jitter: retries of many rows spread out
        logger.info("outbox row %s not sent (%s); again in %.0f s", item.id, exc.detail, delay)
        await self._outbox.release(
            item.id,
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
        settled = await self._outbox.mark_failed(item.id, error=exc.message_ar, now=self._clock())
        await self._finish(draft, settled)

    async def _finish(self, draft: NewsroomDraft, settled: Settled) -> None:
        if settled.draft_status is None:
            return
        current = await self._drafts.get(draft.id) or draft
        # The report waits for its own flood slot in the editors' group; the posts of other
        # drafts must not wait with it. It is recorded as sent only once sent, so a report
        # lost to a crash goes out after the restart (see recover()).
        task = asyncio.create_task(self._report(current), name=f"nashir-report-{draft.id}")
        self._reports.add(task)
        task.add_done_callback(self._reports.discard)

    async def reported(self) -> None:
        """Wait until every publication report under way was sent (tests, shutdown)."""
        while self._reports:
            await asyncio.gather(*list(self._reports), return_exceptions=True)

    async def _report(self, draft: NewsroomDraft) -> None:
        """Tell the editors how the publication ended (the notifier records it as told)."""
        items = await self._outbox.for_draft(draft.id)
        try:
            await self._notifier.publication_settled(draft, items)
        except Exception:  # the post is out; a failed notice must not undo that
            logger.exception("could not tell the editors about draft %s", draft.id)


async def _first(stop: asyncio.Event, wakeup: asyncio.Event, *, seconds: float) -> None:
    """Wait until ``stop`` or ``wakeup`` is set, or ``seconds`` pass."""
    waiters = [asyncio.ensure_future(stop.wait()), asyncio.ensure_future(wakeup.wait())]
    try:
        await asyncio.wait(waiters, timeout=seconds, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for waiter in waiters:
            waiter.cancel()
