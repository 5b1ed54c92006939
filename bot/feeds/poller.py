"""Polling feeds: every unseen item, oldest first, once — whatever the feed does.

Each poll fetches the feed conditionally (ETag / Last-Modified; a 304 costs nothing), then
goes through its items oldest first:

- an item this feed listed before is skipped (by GUID);
- on a feed's first poll, items older than the first-time window are remembered as seen and
  not taken — a new feed does not flood the desk with its archive;
- items failing the feed's filters are remembered as filtered;
- an item whose address (normalised) or headline-and-lead was already taken from any feed is
  a duplicate — the same story under two domains, or with new tracking parameters;
- the rest are taken, at most ``max_items`` per poll; the others wait for the next poll,
  which then comes early.

A taken item is recorded only after its draft exists, so a crash in between loses nothing:
the item is seen again and joins the draft already made for its address. A poll that fails
is retried with exponential backoff and jitter; after ``alert_after`` failures in a row the
admins are told, and told again when the feed recovers.

Only the leader polls (see :mod:`bot.leadership`), and each round is claimed first, keyed on
(``feed:<id>``, its ``next_poll_at``): two processes that both believe they lead poll a
feed's round once, so an item never becomes two drafts and an alert is never sent twice.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import logging
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Protocol

from bot.errors import NashirError, NotAFeedError
from bot.feeds.filters import is_breaking
from bot.feeds.items import FeedItem, ParsedFeed, oldest_first, parse_feed, quick_guids
from bot.feeds.keys import story_key, url_key
from bot.feeds.models import Feed, ItemOutcome
from bot.ingest.fetch import FetchedFeed
from bot.leadership import TaskRuns

logger = logging.getLogger(__name__)

# A round claimed longer ago than this and still due was claimed by a process that died
# mid-poll: it is polled again. Longer than any poll takes (a fetch and at most
# ``max_items`` articles through the pipeline), so a slow poll is never polled twice.
CLAIM_STALE = dt.timedelta(minutes=15)
# The longest sleep between two looks at the feeds (becoming the leader wakes the loop).
MAX_WAIT = 60.0


@dataclass(frozen=True, slots=True)
class FeedConfig:
    """How feeds are followed (settings ``FEED_*`` and ``BREAKING_KEYWORDS``)."""

    interval: dt.timedelta = dt.timedelta(seconds=300)
    first_window: dt.timedelta = dt.timedelta(hours=6)
    max_items: int = 10
    alert_after: int = 3
    backoff_cap: dt.timedelta = dt.timedelta(hours=1)
    jitter: float = 0.1  # ± share of the interval, so feeds of one site do not poll together
    breaking_keywords: tuple[str, ...] = ("عاجل",)
    catch_up: dt.timedelta = dt.timedelta(seconds=30)  # next poll when items were left over


@dataclass(frozen=True, slots=True)
class Candidate:
    """An item the poll would take."""

    item: FeedItem
    url_key: str
    story_key: str
    breaking: bool


@dataclass
class PollReport:
    feed: Feed
    taken: list[tuple[Candidate, int]] = field(default_factory=list)  # with the draft id
    skipped: dict[ItemOutcome, int] = field(default_factory=dict)
    left: int = 0  # new items left for the next poll (over the cap)
    not_modified: bool = False
    error: str | None = None


class FeedSource(Protocol):
    async def fetch_feed(
        self, url: str, *, etag: str | None = None, last_modified: str | None = None
    ) -> FetchedFeed: ...


class FeedStore(Protocol):
    async def due(self, now: dt.datetime, *, limit: int = 50) -> list[Feed]: ...
    async def next_due(self) -> dt.datetime | None: ...
    async def polled(
        self,
        feed_id: int,
        *,
        now: dt.datetime,
        next_poll_at: dt.datetime,
        etag: str | None,
        last_modified: str | None,
        body_hash: str | None = None,
    ) -> None: ...
    async def failed(
        self, feed_id: int, *, now: dt.datetime, next_poll_at: dt.datetime, error: str
    ) -> int: ...
    async def set_alerted(self, feed_id: int, alerted: bool) -> None: ...
    async def known(
        self, feed_id: int, guids: list[str], url_keys: list[str]
    ) -> tuple[set[str], set[str]]: ...
    async def story_seen(self, story_key: str, url_key: str) -> bool: ...
    async def record(
        self,
        feed_id: int,
        *,
        guid: str,
        url_key: str,
        story_key: str,
        title: str,
        published: dt.datetime | None,
        outcome: ItemOutcome,
        draft_id: int | None,
        now: dt.datetime,
    ) -> bool: ...


class Intake(Protocol):
    """Turns a taken item into a draft (review) or a queued post (auto)."""

    async def take(self, feed: Feed, candidate: Candidate) -> int: ...


class FeedNotifier(Protocol):
    async def feed_failing(self, feed: Feed, failures: int, error: str) -> None: ...
    async def feed_recovered(self, feed: Feed) -> None: ...


class FeedPoller:
    def __init__(
        self,
        *,
        feeds: FeedStore,
        source: FeedSource,
        intake: Intake,
        notifier: FeedNotifier,
        config: FeedConfig = FeedConfig(),
        clock: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC),
        rng: random.Random | None = None,
        runs: TaskRuns | None = None,
        holder: str = "feeds",
    ) -> None:
        self._runs = runs
        self._holder = holder
        self._feeds = feeds
        self._source = source
        self._intake = intake
        self._notifier = notifier
        self.config = config
        self._clock = clock
        self._rng = rng or random.Random()
        self._wakeup = asyncio.Event()

    def wake(self) -> None:
        self._wakeup.set()

    async def preview(
        self, feed: Feed
    ) -> tuple[ParsedFeed, list[Candidate], dict[ItemOutcome, int]]:
        """What the next poll of ``feed`` would take, without taking or recording anything.

        Raises:
            FetchError, NotAFeedError: the feed cannot be read.
        """
        fetched = await self._source.fetch_feed(feed.url)
        parsed = parse_feed(fetched.body, now=self._clock())
        candidates, skipped, _ = await self._select(feed, parsed, record=False)
        return parsed, candidates, skipped

    async def poll_due(self) -> list[PollReport]:
        """Poll every feed whose time has come (a few at a time); a round another process
        has claimed is left to it."""
        feeds = await self._feeds.due(self._clock())
        semaphore = asyncio.Semaphore(4)

        async def one(feed: Feed) -> PollReport | None:
            async with semaphore:
                return await self._claimed_poll(feed)

        reports = await asyncio.gather(*(one(feed) for feed in feeds))
        return [report for report in reports if report is not None]

    async def poll(self, feed: Feed) -> PollReport:
        report = PollReport(feed)
        now = self._clock()
        try:
            fetched = await self._source.fetch_feed(
                feed.url, etag=feed.etag, last_modified=feed.last_modified
            )
            fingerprint = None
            if not fetched.not_modified:
                fingerprint = hashlib.sha256(fetched.body).hexdigest()
            if fetched.not_modified or fingerprint == feed.body_hash:
                # 304, or the same bytes as last time (a server without validators):
                # nothing new, and the parse — most of a poll's cost — is skipped.
                report.not_modified = True
            elif await self._all_known(feed, fetched.body):
                report.not_modified = True  # new bytes (a build date), no new item
            else:
                parsed = parse_feed(fetched.body, now=now)
                await self._take(feed, parsed, report)
        except NashirError as exc:
            return await self._failed(feed, report, exc)
        await self._feeds.polled(
            feed.id,
            now=now,
            next_poll_at=self._next(feed, now, soon=report.left > 0),
            etag=fetched.etag or feed.etag,
            last_modified=fetched.last_modified or feed.last_modified,
            # Left over items must be looked at again: no fingerprint then.
            body_hash=fingerprint if report.left == 0 else None,
        )
        if feed.alerted:
            await self._feeds.set_alerted(feed.id, False)
            await self._notifier.feed_recovered(feed)
        return report

    async def run(
        self, stop: asyncio.Event, *, leader: Callable[[], Awaitable[bool]] | None = None
    ) -> None:
        """Poll feeds as they come due, until ``stop`` (only while ``leader()`` says this
        process holds the lease for scheduled work)."""
        while not stop.is_set():
            self._wakeup.clear()
            leading = True
            try:
                leading = leader is None or await leader()
                if leading:
                    await self.poll_due()
            except Exception:
                logger.exception("feed polling failed")
            due = await self._feeds.next_due() if leading else None
            wait = (
                MAX_WAIT
                if due is None
                else min(max((due - self._clock()).total_seconds(), 1.0), MAX_WAIT)
            )
            waiters = [
                asyncio.ensure_future(stop.wait()),
                asyncio.ensure_future(self._wakeup.wait()),
            ]
            try:
                await asyncio.wait(waiters, timeout=wait, return_when=asyncio.FIRST_COMPLETED)
            finally:
                for waiter in waiters:
                    waiter.cancel()

    # ---------------------------------------------------------------- internals

    async def _claimed_poll(self, feed: Feed) -> PollReport | None:
        if self._runs is None:
            return await self.poll(feed)
        task = f"feed:{feed.id}"
        claimed = await self._runs.claim(
            task, feed.next_poll_at, self._holder, self._clock(), stale_after=CLAIM_STALE
        )
        if not claimed:
            logger.debug("feed %s: this round is polled by another process", feed.id)
            return None
        try:
            return await self.poll(feed)
        except BaseException:
            # Not polled (a bug, or stopping): the round may be tried again at once.
            await asyncio.shield(self._runs.release(task, feed.next_poll_at, self._holder))
            raise

    async def _all_known(self, feed: Feed, body: bytes) -> bool:
        """Every item of ``body`` carries a GUID this feed has already seen."""
        if feed.last_polled_at is None:
            return False
        guids = quick_guids(body)
        if not guids:
            return False
        seen, _ = await self._feeds.known(feed.id, guids, [])
        return len(seen) == len(set(guids))

    async def _take(self, feed: Feed, parsed: ParsedFeed, report: PollReport) -> None:
        candidates, skipped, left = await self._select(feed, parsed, record=True)
        report.skipped = skipped
        report.left = left
        for candidate in candidates:
            try:
                draft_id = await self._intake.take(feed, candidate)
                outcome = ItemOutcome.TAKEN
            except NashirError as exc:
                # The page is gone and the feed's own text is no article: remembered, so it
                # is not tried at every poll.
                logger.info(
                    "feed %s: item %s not taken: %s", feed.id, candidate.item.url, exc.one_line()
                )
                draft_id, outcome = None, ItemOutcome.FAILED
                report.skipped[outcome] = report.skipped.get(outcome, 0) + 1
            await self._record(feed, candidate, outcome, draft_id)
            if draft_id is not None:
                report.taken.append((candidate, draft_id))

    async def _select(
        self, feed: Feed, parsed: ParsedFeed, *, record: bool
    ) -> tuple[list[Candidate], dict[ItemOutcome, int], int]:
        now = self._clock()
        items = oldest_first(parsed.items)
        keys = {item.guid: url_key(item.url) for item in items}
        seen_guids, seen_urls = await self._feeds.known(feed.id, list(keys), list(keys.values()))
        first_poll = feed.last_polled_at is None
        skipped: dict[ItemOutcome, int] = {}
        candidates: list[Candidate] = []
        stories: set[str] = set()
        for item in items:
            if item.guid in seen_guids:
                continue
            candidate = Candidate(
                item,
                keys[item.guid],
                story_key(item.title, item.summary),
                is_breaking(item.title, self.config.breaking_keywords),
            )
            outcome = None
            if first_poll and (
                item.published is None or item.published < now - self.config.first_window
            ):
                outcome = ItemOutcome.OLD
            elif not feed.filter.passes(item):
                outcome = ItemOutcome.FILTERED
            elif (
                candidate.url_key in seen_urls
                or candidate.story_key in stories
                or await self._feeds.story_seen(candidate.story_key, candidate.url_key)
            ):
                outcome = ItemOutcome.DUPLICATE
            if outcome is not None:
                skipped[outcome] = skipped.get(outcome, 0) + 1
                if record:
                    await self._record(feed, candidate, outcome, None)
                continue
            stories.add(candidate.story_key)
            candidates.append(candidate)
        # Breaking items first among what is taken now; the rest in order, up to the cap.
        ordered = sorted(candidates, key=lambda c: not c.breaking)
        cap = self.config.max_items
        return ordered[:cap], skipped, max(0, len(ordered) - cap)

    async def _record(
        self, feed: Feed, candidate: Candidate, outcome: ItemOutcome, draft_id: int | None
    ) -> None:
        await self._feeds.record(
            feed.id,
            guid=candidate.item.guid,
            url_key=candidate.url_key,
            story_key=candidate.story_key,
            title=candidate.item.title,
            published=candidate.item.published,
            outcome=outcome,
            draft_id=draft_id,
            now=self._clock(),
        )

    async def _failed(self, feed: Feed, report: PollReport, error: NashirError) -> PollReport:
        now = self._clock()
        report.error = error.one_line()
        backoff = min(
            feed.interval * (2 ** min(feed.failures, 10)),
            max(self.config.backoff_cap, feed.interval),
        )
        failures = await self._feeds.failed(
            feed.id, now=now, next_poll_at=now + self._jittered(backoff), error=report.error
        )
        level = logging.INFO if isinstance(error, NotAFeedError) else logging.WARNING
        logger.log(level, "feed %s failed (%d in a row): %s", feed.id, failures, report.error)
        if failures >= self.config.alert_after and not feed.alerted:
            await self._feeds.set_alerted(feed.id, True)
            await self._notifier.feed_failing(feed, failures, error.message_ar)
        return report

    def _next(self, feed: Feed, now: dt.datetime, *, soon: bool) -> dt.datetime:
        if soon:
            return now + self.config.catch_up
        return now + self._jittered(feed.interval)

    def _jittered(self, interval: dt.timedelta) -> dt.timedelta:
        spread = self.config.jitter * (2 * self._rng.random() - 1)
        return interval * (1 + spread)
