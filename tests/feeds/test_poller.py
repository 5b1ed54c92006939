"""Polling feeds: every unseen item once, oldest first, whatever the feed or the network does."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.feeds.filters import FeedFilter
from bot.feeds.models import FeedPolicy, ItemOutcome
from bot.newsroom.models import DraftStatus
from tests.feeds.builders import atom, entry, rdf, rss, story
from tests.feeds.conftest import DESK_ID, START, FeedDesk

HOUR = dt.timedelta(hours=1)


def ago(minutes: float) -> dt.datetime:
    return START - dt.timedelta(minutes=minutes)


async def test_first_poll_takes_only_recent_items_then_new_ones_as_they_come(
    feed_desk: FeedDesk,
) -> None:
    d = feed_desk
    links = [d.serve_story(n) for n in range(5)]
    old = [entry(0, links[0], START - 30 * HOUR), entry(1, links[1], START - 10 * HOUR)]
    recent = [entry(2, links[2], ago(90))]
    feed = await d.add("/feed.xml", body=rss([*recent, *old]))

    first = await d.poll(feed)
    assert [c.item.title for c, _ in first.taken] == [story(2)[0]]
    assert first.skipped == {ItemOutcome.OLD: 2}
    mark = d.api.mark()

    # Two stories appear before the next poll: both are taken, the older first.
    d.clock.advance(minutes=5)
    newer = [entry(4, links[4], ago(-4)), entry(3, links[3], ago(-2))]
    d.pages.add("/feed.xml", body=rss([*newer, *recent, *old]), content_type="application/rss+xml")
    second = await d.poll(feed)
    assert [c.item.guid for c, _ in second.taken] == ["story-3", "story-4"]
    # Each became a draft waiting in the editors' group.
    shown = d.api.find("sendPhoto", since=mark, chat_id=DESK_ID)
    assert len(shown) == 2
    drafts = [await d.drafts.get(draft_id) for _, draft_id in second.taken]
    assert all(x is not None and x.status is DraftStatus.PENDING_REVIEW for x in drafts)
    assert drafts[0].id < drafts[1].id  # type: ignore[union-attr]

    # Nothing new: nothing taken, nothing shown again.
    d.clock.advance(minutes=5)
    third = await d.poll(feed)
    assert third.taken == [] and third.skipped == {}


async def test_an_old_item_never_seen_is_still_taken_after_the_first_poll(
    feed_desk: FeedDesk,
) -> None:
    d = feed_desk
    links = [d.serve_story(n) for n in range(3)]
    feed = await d.add("/feed.xml", body=rss([entry(0, links[0], ago(30))]))
    await d.poll(feed)
    d.clock.advance(minutes=5)
    # The site adds a story dated two days back (an archive piece put online late).
    late = entry(1, links[1], START - 48 * HOUR)
    d.pages.add(
        "/feed.xml",
        body=rss([entry(0, links[0], ago(30)), late]),
        content_type="application/rss+xml",
    )
    report = await d.poll(feed)
    assert [c.item.guid for c, _ in report.taken] == ["story-1"]


async def test_the_cap_leaves_the_rest_for_the_next_poll_which_comes_early(
    feed_desk: FeedDesk,
) -> None:
    d = feed_desk
    d.poller.config = type(d.poller.config)(max_items=2)
    links = [d.serve_story(n) for n in range(5)]
    entries = [entry(n, links[n], ago(50 - n)) for n in range(5)]
    feed = await d.add("/feed.xml", body=rss(entries))
    report = await d.poll(feed)
    assert [c.item.guid for c, _ in report.taken] == ["story-0", "story-1"]
    assert report.left == 3
    current = await d.feeds.get(feed.id)
    assert current is not None and current.next_poll_at - d.clock.now <= dt.timedelta(minutes=1)
    d.clock.advance(minutes=1)
    report = await d.poll(feed)
    assert [c.item.guid for c, _ in report.taken] == ["story-2", "story-3"]
    d.clock.advance(minutes=1)
    report = await d.poll(feed)
    assert [c.item.guid for c, _ in report.taken] == ["story-4"]


@pytest.mark.parametrize("build", [rss, atom, rdf], ids=["rss2", "atom", "rdf"])
async def test_every_feed_format(feed_desk: FeedDesk, build) -> None:  # type: ignore[no-untyped-def]
    d = feed_desk
    links = [d.serve_story(n) for n in range(2)]
    feed = await d.add(
        "/feed.xml", body=build([entry(1, links[1], ago(10)), entry(0, links[0], ago(20))])
    )
    report = await d.poll(feed)
    assert [c.item.title for c, _ in report.taken] == [story(0)[0], story(1)[0]]


async def test_not_modified_costs_nothing_and_validators_are_sent(feed_desk: FeedDesk) -> None:
    d = feed_desk
    link = d.serve_story(0)
    feed = await d.add(
        "/feed.xml",
        body=rss([entry(0, link, ago(10))]),
        etag='"v1"',
        last_modified="Fri, 04 Dec 2026 07:50:00 GMT",
    )
    await d.poll(feed)
    d.clock.advance(minutes=5)
    report = await d.poll(feed)
    assert report.not_modified and report.taken == []
    sent = [
        h
        for p, h in zip(d.pages.requests, d.pages.request_headers, strict=True)
        if p == "/feed.xml"
    ]
    assert sent[-1].get("If-None-Match") == '"v1"'
    assert sent[-1].get("If-Modified-Since") == "Fri, 04 Dec 2026 07:50:00 GMT"


async def test_the_same_story_under_two_domains_is_one_draft(feed_desk: FeedDesk) -> None:
    d = feed_desk
    first = d.serve_story(0)
    mirror = d.pages.add("/mirror/story.html?utm_source=rss", body=b"")  # never fetched
    one = await d.add("/one.xml", body=rss([entry(0, first, ago(10))]))
    two = await d.add("/two.xml", body=rss([entry(0, mirror, ago(5), guid="mirror-0")]))
    assert len((await d.poll(one)).taken) == 1
    report = await d.poll(two)
    assert report.taken == [] and report.skipped == {ItemOutcome.DUPLICATE: 1}


async def test_new_tracking_parameters_do_not_make_a_new_story(feed_desk: FeedDesk) -> None:
    d = feed_desk
    link = d.serve_story(1)
    feed = await d.add("/feed.xml", body=rss([entry(1, link, ago(10))]))
    await d.poll(feed)
    d.clock.advance(minutes=5)
    again = entry(1, f"{link}?utm_source=twitter&fbclid=abc#top", ago(1), guid="story-1-bis")
    d.pages.add("/feed.xml", body=rss([again]), content_type="application/rss+xml")
    report = await d.poll(feed)
    assert report.taken == [] and report.skipped == {ItemOutcome.DUPLICATE: 1}


async def test_filters_by_keyword_and_category(feed_desk: FeedDesk) -> None:
    d = feed_desk
    links = [d.serve_story(n) for n in range(3)]
    feed = await d.add(
        "/feed.xml",
        body=rss(
            [
                entry(0, links[0], ago(30), categories=("اقتصاد",)),
                entry(1, links[1], ago(20), categories=("ثقافة",)),
                entry(2, links[2], ago(10), categories=("مجتمع",)),
            ]
        ),
    )
    # Include the dams and the tramway; exclude anything cultural. Hamza forms fold.
    await d.feeds.set_filter(feed.id, FeedFilter(include=("سد", "ترامواي"), exclude=("ثقافه",)))
    report = await d.poll(feed)
    assert [c.item.guid for c, _ in report.taken] == ["story-0", "story-2"]
    assert report.skipped == {ItemOutcome.FILTERED: 1}


async def test_breaking_items_skip_the_queue_with_the_breaking_card(feed_desk: FeedDesk) -> None:
    d = feed_desk
    links = [d.serve_story(n) for n in range(2)]
    title = "عاجل: " + story(1)[0]
    feed = await d.add(
        "/feed.xml",
        policy=FeedPolicy.AUTO,
        body=rss([entry(0, links[0], ago(30)), entry(1, links[1], ago(20), title=title)]),
    )
    report = await d.poll(feed)
    assert [c.breaking for c, _ in report.taken] == [True, False]  # breaking first
    breaking = await d.drafts.get(report.taken[0][1])
    ordinary = await d.drafts.get(report.taken[1][1])
    assert breaking is not None and ordinary is not None
    assert breaking.breaking and breaking.content.theme == "breaking"
    assert breaking.status is DraftStatus.SCHEDULED and breaking.scheduled_at == d.clock.now
    assert ordinary.status is DraftStatus.SCHEDULED
    assert ordinary.scheduled_at is not None and ordinary.scheduled_at > d.clock.now


async def test_a_page_out_of_reach_falls_back_to_the_feeds_own_text(feed_desk: FeedDesk) -> None:
    d = feed_desk
    missing = d.pages.url("/gone.html")  # 404
    long_summary = story(2)[1] + " " + story(3)[1]
    feed = await d.add("/feed.xml", body=rss([entry(2, missing, ago(10), summary=long_summary)]))
    report = await d.poll(feed)
    ((_, draft_id),) = report.taken
    draft = await d.drafts.get(draft_id)
    assert draft is not None and draft.article.text.startswith("دشنت السلطات")


@pytest.mark.parametrize(
    ("route", "reason"),
    [
        (
            {"body": b"<rss><channel><item><title>broken", "content_type": "application/rss+xml"},
            "RSS",
        ),
        (
            {
                "body": b"<html><body><p>\xd9\x85\xd9\x88\xd9\x82\xd8\xb9</p></body></html>",
                "content_type": "text/html",
            },
            "RSS",
        ),
        ({"body": b"<rss/>", "delay": 5.0, "content_type": "application/rss+xml"}, "مهلة"),
    ],
    ids=["malformed-xml", "html-page", "timeout"],
)
async def test_failures_back_off_and_the_admins_are_told_once(
    feed_desk: FeedDesk, route: dict[str, object], reason: str
) -> None:
    d = feed_desk
    feed = await d.add("/feed.xml", **route)
    waits = []
    for _ in range(4):
        report = await d.poll(feed)
        assert report.error is not None
        current = await d.feeds.get(feed.id)
        assert current is not None
        waits.append(current.next_poll_at - d.clock.now)
        d.clock.now = current.next_poll_at
    assert waits[1] > waits[0] * 1.5 and waits[2] > waits[1] * 1.5  # exponential
    alerts = d.api.find("sendMessage", chat_id=DESK_ID)
    assert len(alerts) == 1 and "3 محاولات" in alerts[0].params["text"]
    assert reason in alerts[0].params["text"]
    # It recovers: the admins hear it once.
    d.pages.add("/feed.xml", body=rss([]), content_type="application/rss+xml")
    await d.poll(feed)
    recovered = d.api.find("sendMessage", chat_id=DESK_ID)
    assert len(recovered) == 2 and "عادت تعمل" in recovered[1].params["text"]


async def test_the_same_bytes_again_are_not_parsed_again(feed_desk: FeedDesk) -> None:
    d = feed_desk
    link = d.serve_story(0)
    feed = await d.add("/feed.xml", body=rss([entry(0, link, ago(10))]))  # no validators
    first = await d.poll(feed)
    assert len(first.taken) == 1 and not first.not_modified
    d.clock.advance(minutes=5)
    again = await d.poll(feed)
    assert again.not_modified and again.taken == []
    # A changed document is read again.
    d.clock.advance(minutes=5)
    link1 = d.serve_story(1)
    d.pages.add(
        "/feed.xml",
        body=rss([entry(1, link1, ago(-4)), entry(0, link, ago(10))]),
        content_type="application/rss+xml",
    )
    changed = await d.poll(feed)
    assert not changed.not_modified and [c.item.guid for c, _ in changed.taken] == ["story-1"]


async def test_new_bytes_with_only_known_items_are_not_parsed(feed_desk: FeedDesk) -> None:
    d = feed_desk
    link = d.serve_story(0)
    feed = await d.add("/feed.xml", body=rss([entry(0, link, ago(10))]))
    await d.poll(feed)
    d.clock.advance(minutes=5)
    # The server rebuilds the document (another title, say): the same items.
    d.pages.add(
        "/feed.xml",
        body=rss([entry(0, link, ago(10))], title="أخبار الساحل اليوم"),
        content_type="application/rss+xml",
    )
    again = await d.poll(feed)
    assert again.not_modified and again.taken == []
