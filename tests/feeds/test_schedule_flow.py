"""Auto feeds into the posting queue: a burst trickled over the slots, posts due while the bot
was down published or re-slotted, pausing, and one scheduler at a time."""

from __future__ import annotations

import datetime as dt

from bot.feeds.models import FeedPolicy
from bot.leadership import Leadership
from bot.newsroom.models import DraftStatus
from bot.newsroom.scheduler import Scheduler
from db.people import LeaseRepository
from tests.feeds.builders import entry, rss
from tests.feeds.conftest import DESK_ID, START, ZONE, FeedDesk


async def test_a_burst_of_twenty_is_trickled_over_the_slots_oldest_first(
    feed_desk: FeedDesk,
) -> None:
    d = feed_desk
    d.poller.config = type(d.poller.config)(max_items=20)
    links = [d.serve_story(n) for n in range(20)]
    entries = [entry(n, links[n], START - dt.timedelta(minutes=60 - n)) for n in range(20)]
    feed = await d.add("/feed.xml", policy=FeedPolicy.AUTO, body=rss(entries))
    report = await d.poll(feed)
    assert len(report.taken) == 20
    drafts = [await d.drafts.get(draft_id) for _, draft_id in report.taken]
    times = [x.scheduled_at for x in drafts if x is not None]
    assert len(times) == 20 and all(x.status is DraftStatus.SCHEDULED for x in drafts if x)
    assert times == sorted(times) and len(set(times)) == 20  # one per slot, in order
    rules = await d.queue.rules()
    for moment in times:
        local = moment.astimezone(ZONE)  # type: ignore[union-attr]
        assert local.time() in rules.slots[local.weekday()]
        assert not rules.is_quiet(local.time())
    # Nothing goes out before its slot.
    assert await d.scheduler.tick() == []
    # Nobody reviews auto drafts: nothing was shown in the editors' group.
    assert d.api.find("sendPhoto", chat_id=DESK_ID) == []


async def test_after_a_restart_late_posts_go_out_within_grace_and_later_ones_are_reslotted(
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
    report = await d.poll(feed)
    first, second = [await d.drafts.get(draft_id) for _, draft_id in report.taken]
    assert first is not None and second is not None
    assert first.scheduled_at is not None and second.scheduled_at is not None
    # The bot was down: now is 10 minutes after the second slot, hours after the first.
    d.clock.now = second.scheduled_at + dt.timedelta(minutes=10)
    assert d.clock.now - first.scheduled_at > d.queue.grace
    started = await d.scheduler.tick()
    assert [x.id for x in started] == [second.id]
    moved = await d.drafts.get(first.id)
    assert moved is not None and moved.status is DraftStatus.SCHEDULED
    assert moved.scheduled_at is not None and moved.scheduled_at > d.clock.now
    told = d.api.find("sendMessage", chat_id=DESK_ID)
    assert len(told) == 1 and f"#{first.id}" in told[0].params["text"]
    # Ticking again starts nothing twice.
    assert await d.scheduler.tick() == []


async def test_pause_holds_the_queue_and_resume_releases_it(feed_desk: FeedDesk) -> None:
    d = feed_desk
    link = d.serve_story(0)
    feed = await d.add("/feed.xml", policy=FeedPolicy.AUTO, body=rss([entry(0, link, START)]))
    ((_, draft_id),) = (await d.poll(feed)).taken
    draft = await d.drafts.get(draft_id)
    assert draft is not None and draft.scheduled_at is not None
    await d.queue.save_rules((await d.queue.rules()).paused_as(True))
    d.clock.now = draft.scheduled_at + dt.timedelta(minutes=1)
    assert await d.scheduler.tick() == []
    await d.queue.save_rules((await d.queue.rules()).paused_as(False))
    assert [x.id for x in await d.scheduler.tick()] == [draft_id]


async def test_only_one_scheduler_runs_at_a_time(feed_desk: FeedDesk) -> None:
    d = feed_desk
    link = d.serve_story(0)
    feed = await d.add("/feed.xml", policy=FeedPolicy.AUTO, body=rss([entry(0, link, START)]))
    ((_, draft_id),) = (await d.poll(feed)).taken
    draft = await d.drafts.get(draft_id)
    assert draft is not None and draft.scheduled_at is not None
    d.clock.now = draft.scheduled_at
    # A second scheduler over the same database (another process, say).
    other = Scheduler(
        drafts=d.drafts,
        newsroom=d.newsroom,
        leadership=Leadership(LeaseRepository(d.drafts._db), clock=d.clock),
        on_started=_nothing,
        clock=d.clock,
        queue=d.queue,
    )
    assert len(await d.scheduler.tick()) == 1
    assert await other.tick() == []  # the lease is held
    # Even holding the lease, starting the same draft again changes nothing.
    again = await d.newsroom.start_due(draft)
    assert not again.ok
    current = await d.drafts.get(draft_id)
    assert current is not None and current.status is DraftStatus.PUBLISHING


async def _nothing(_: object) -> None:
    return None
