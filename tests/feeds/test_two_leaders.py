"""Two processes that both believe they lead — the first's lease expired by the second's clock
while the first still ticks — look at the same due work at the same moment: each scheduled
post is started once and each feed's round is polled once."""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any

from bot.feeds.models import FeedPolicy
from bot.feeds.poller import FeedPoller
from bot.leadership import Leadership
from bot.newsroom.models import SYSTEM, DraftStatus, NewsroomDraft, Target
from bot.newsroom.scheduler import Scheduler
from db.outbox import OutboxRepository
from tests.feeds.builders import entry, rss
from tests.feeds.conftest import DESK_ID, START, FeedDesk

AHEAD = dt.timedelta(seconds=45)  # the second process's clock, past the first one's lease


class AtTheSameMoment:
    """A repository whose ``due`` answers only once every party has asked: two processes
    that look at the due work at the same moment (the race a lease alone cannot rule out)."""

    def __init__(self, inner: Any, barrier: asyncio.Barrier) -> None:
        self._inner = inner
        self._barrier = barrier

    async def due(self, now: dt.datetime, *, limit: int = 20) -> list[Any]:
        found = await self._inner.due(now, limit=limit)
        await self._barrier.wait()
        return list(found)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


class CountingStarter:
    """The real newsroom, counting the starts it is asked for."""

    def __init__(self, newsroom: Any) -> None:
        self._newsroom = newsroom
        self.asked: list[int] = []

    async def start_due(self, draft: NewsroomDraft) -> object:
        self.asked.append(draft.id)
        return await self._newsroom.start_due(draft)


def clock_ahead(d: FeedDesk) -> Any:
    return lambda: d.clock.now + AHEAD


async def two_leaders(d: FeedDesk) -> tuple[Leadership, Leadership]:
    """Both believe they lead: the second took the lease, expired by its clock, and the first
    has not looked again since it last renewed."""
    first = Leadership(d.leases, clock=d.clock, holder="web-1:101:aa")
    second = Leadership(d.leases, clock=clock_ahead(d), holder="web-2:202:bb")
    assert await first.leader()
    assert await second.leader()
    assert await first.leader()
    return first, second


async def test_a_due_post_is_started_once_and_a_late_one_moved_once(
    feed_desk: FeedDesk,
) -> None:
    d = feed_desk
    links = [d.serve_story(n) for n in range(2)]
    feed = await d.add(
        "/feed.xml",
        policy=FeedPolicy.AUTO,
        body=rss(
            [
                entry(0, links[0], START - dt.timedelta(minutes=30)),
                entry(1, links[1], START - dt.timedelta(minutes=20)),
            ]
        ),
    )
    late, due = [await d.drafts.get(draft_id) for _, draft_id in (await d.poll(feed)).taken]
    assert late is not None and due is not None
    assert late.scheduled_at is not None and due.scheduled_at is not None
    # Ten minutes after the second post's slot: it goes out; the first, hours late, is moved.
    d.clock.now = due.scheduled_at + dt.timedelta(minutes=10)
    assert d.queue.too_late(late) and not d.queue.too_late(due)
    mark = d.api.mark()

    barrier = asyncio.Barrier(2)
    starter = CountingStarter(d.newsroom)
    first, second = await two_leaders(d)
    schedulers = [
        Scheduler(
            drafts=AtTheSameMoment(d.drafts, barrier),
            newsroom=starter,
            leadership=leadership,
            runs=d.runs,
            on_started=d.notifier.refresh,
            clock=clock,
            queue=d.queue,
            on_reslotted=d.notifier.reslotted,
        )
        for leadership, clock in ((first, d.clock), (second, clock_ahead(d)))
    ]
    started = await asyncio.gather(*(s.tick() for s in schedulers))

    assert starter.asked == [due.id]  # the other process did not even try
    assert sorted(x.id for ticked in started for x in ticked) == [due.id]
    current = await d.drafts.get(due.id)
    assert current is not None and current.status is DraftStatus.PUBLISHING
    kinds = [item.kind for item in await OutboxRepository(d.drafts._db).for_draft(due.id)]
    assert kinds and len(kinds) == len(set(kinds))  # one set of posts, not two
    events = [e.action for e in await d.drafts.history(due.id)]
    assert events.count("publish") == 1
    # The late one moved to a slot ahead, and the editors were told once.
    moved = await d.drafts.get(late.id)
    assert moved is not None and moved.status is DraftStatus.SCHEDULED
    assert moved.scheduled_at is not None and moved.scheduled_at > d.clock.now
    told = d.api.find("sendMessage", since=mark, chat_id=DESK_ID)
    assert len(told) == 1 and f"#{late.id}" in told[0].params["text"]
    assert [e.action for e in await d.drafts.history(late.id)].count("schedule") == 2


async def test_a_feeds_round_is_polled_once(feed_desk: FeedDesk) -> None:
    d = feed_desk
    links = [d.serve_story(n) for n in range(3)]
    feed = await d.add(
        "/feed.xml",
        body=rss(
            [entry(n, links[n], START - dt.timedelta(minutes=10 * (n + 1))) for n in range(3)]
        ),
    )
    mark = d.api.mark()
    fetched = len(d.pages.requests)

    barrier = asyncio.Barrier(2)
    first, second = await two_leaders(d)
    pollers = [
        FeedPoller(
            feeds=AtTheSameMoment(d.feeds, barrier),
            source=d.fetcher,
            intake=d.intake,
            notifier=d.notifier,
            config=d.poller.config,
            clock=clock,
            runs=d.runs,
            holder=leadership.holder,
        )
        for leadership, clock in ((first, d.clock), (second, clock_ahead(d)))
    ]
    reports = await asyncio.gather(*(p.poll_due() for p in pollers))

    assert sorted(len(r) for r in reports) == [0, 1]  # one polled, the other left it
    assert d.pages.requests[fetched:].count("/feed.xml") == 1
    (report,) = [r for polled in reports for r in polled]
    assert len(report.taken) == 3
    # One draft per item, each shown once in the editors' group.
    assert len({draft_id for _, draft_id in report.taken}) == 3
    assert len(d.api.find("sendPhoto", since=mark, chat_id=DESK_ID)) == 3
    by_url = [await d.drafts.by_url(link) for link in links]
    assert sorted(x.id for x in by_url if x is not None) == sorted(i for _, i in report.taken)
    holder = await d.runs.holder(f"feed:{feed.id}", feed.next_poll_at)
    assert holder in (first.holder, second.holder)


class EditedMeanwhile:
    """Drafts as the scheduler reads them, with an editor's change landing just after."""

    def __init__(self, inner: Any, change: Any) -> None:
        self._inner = inner
        self._change = change

    async def due(self, now: dt.datetime, *, limit: int = 20) -> list[Any]:
        found = await self._inner.due(now, limit=limit)
        if self._change is not None:
            change, self._change = self._change, None
            await change()
        return list(found)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


async def test_a_draft_changed_while_it_is_started_goes_out_at_the_next_pass(
    feed_desk: FeedDesk,
) -> None:
    """The start is refused (an older version) and its claim given back, not kept: the post
    is not left waiting for the claim to go stale."""
    d = feed_desk
    link = d.serve_story(0)
    feed = await d.add("/feed.xml", policy=FeedPolicy.AUTO, body=rss([entry(0, link, START)]))
    ((_, draft_id),) = (await d.poll(feed)).taken
    draft = await d.drafts.get(draft_id)
    assert draft is not None and draft.scheduled_at is not None
    d.clock.now = draft.scheduled_at

    async def editor_drops_x() -> None:
        changed = await d.newsroom.toggle(draft_id, draft.version, by=SYSTEM, target=Target.X)
        assert changed.ok and changed.draft is not None
        assert changed.draft.status is DraftStatus.SCHEDULED

    scheduler = Scheduler(
        drafts=EditedMeanwhile(d.drafts, editor_drops_x),
        newsroom=d.newsroom,
        leadership=Leadership(d.leases, clock=d.clock),
        runs=d.runs,
        on_started=d.notifier.refresh,
        clock=d.clock,
        queue=d.queue,
    )
    assert await scheduler.tick() == []  # it read the draft before the change
    assert await d.runs.holder(f"publish:{draft_id}", draft.scheduled_at) is None
    d.clock.advance(seconds=1)
    assert [x.id for x in await scheduler.tick()] == [draft_id]
    current = await d.drafts.get(draft_id)
    assert current is not None and current.targets == frozenset({Target.CHANNEL})


async def test_a_post_claimed_by_a_leader_that_died_goes_out_once_the_claim_is_stale(
    feed_desk: FeedDesk,
) -> None:
    d = feed_desk
    link = d.serve_story(0)
    feed = await d.add("/feed.xml", policy=FeedPolicy.AUTO, body=rss([entry(0, link, START)]))
    ((_, draft_id),) = (await d.poll(feed)).taken
    draft = await d.drafts.get(draft_id)
    assert draft is not None and draft.scheduled_at is not None
    d.clock.now = draft.scheduled_at
    # The last leader claimed it, then was killed before starting it.
    task = f"publish:{draft_id}"
    assert await d.runs.claim(task, draft.scheduled_at, "web-1:101:aa", d.clock.now)
    assert await d.scheduler.tick() == []  # a live leader may be starting it right now
    d.clock.advance(seconds=119)
    assert await d.scheduler.tick() == []
    d.clock.advance(seconds=1)  # two minutes after the claim: its holder is gone
    assert [x.id for x in await d.scheduler.tick()] == [draft_id]
    assert await d.runs.holder(task, draft.scheduled_at) == d.scheduler.holder


async def test_a_round_claimed_by_a_poller_that_died_is_polled_once_the_claim_is_stale(
    feed_desk: FeedDesk,
) -> None:
    d = feed_desk
    link = d.serve_story(0)
    feed = await d.add("/feed.xml", body=rss([entry(0, link, START)]))
    # The last leader claimed this round, then was killed mid-poll.
    assert await d.runs.claim(f"feed:{feed.id}", feed.next_poll_at, "web-1:101:aa", START)
    assert await d.poller.poll_due() == []  # a slow poll may still be under way
    d.clock.advance(minutes=15)
    (report,) = await d.poller.poll_due()
    assert report.feed.id == feed.id and len(report.taken) == 1
