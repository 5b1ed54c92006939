"""/feeds (admins): add, list, test, pause, resume, remove feeds and set their filters."""

from __future__ import annotations

import datetime as dt
import logging
from urllib.parse import urlsplit

from telegram import Message, Update
from telegram.ext import ContextTypes

from bot.errors import NashirError
from bot.feeds.filters import FeedFilter
from bot.feeds.models import Feed, FeedPolicy, ItemOutcome
from bot.ingest.urls import coerce_url, is_http_url
from bot.newsroom.timing import format_local
from handlers.newsroom_admin import context_of, say
from handlers.newsroom_services import NewsroomServices

logger = logging.getLogger(__name__)

_OUTCOME_AR = {
    ItemOutcome.OLD: "أقدم من نافذة القراءة الأولى",
    ItemOutcome.FILTERED: "استبعدتها المرشحات",
    ItemOutcome.DUPLICATE: "مكررة (الخبر نفسه وصل من قبل)",
}


async def feeds_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message, s, who = await context_of(update, context)
    if message is None or s is None or who is None:
        return
    if not s.roles.is_admin(who.id):
        await message.reply_text(s.texts.label("admins_only"))
        return
    args = context.args or []
    verb = args[0].lower() if args else "list"
    rest = args[1:]
    if verb == "add" and rest:
        url = coerce_url(rest[0])
        if not is_http_url(url):
            await say(
                message,
                s.texts.html("feed_changed", action="missing", id=0, feed_name="", policy=""),
            )
            return
        policy = (
            FeedPolicy.AUTO if len(rest) > 1 and rest[1].lower() == "auto" else FeedPolicy.REVIEW
        )
        named = rest[2:] if len(rest) > 1 and rest[1].lower() in ("auto", "review") else rest[1:]
        name = " ".join(named) or (host_name(url))
        feed = await s.feeds.add(
            url=url,
            name=name,
            policy=policy,
            interval=s.poller.config.interval,
            channel=None,
            created_by=who.id,
            now=s.clock(),
        )
        if feed is None:
            existing = next((f for f in await s.feeds.all() if f.url == url), None)
            await say(
                message,
                s.texts.html(
                    "feed_changed",
                    action="exists",
                    id=existing.id if existing else 0,
                    name="",
                    policy="",
                ),
            )
            return
        s.poller.wake()
        await say(
            message,
            s.texts.html(
                "feed_changed",
                action="added",
                id=feed.id,
                feed_name=feed.name,
                policy=s.texts.entry("policies", policy.value),
            ),
        )
        return
    if verb == "test" and rest:
        await _test(message, s, coerce_url(rest[0]))
        return
    if verb in {"pause", "resume", "remove"} and rest and rest[0].isdigit():
        feed_id = int(rest[0])
        if verb == "remove":
            done = await s.feeds.remove(feed_id)
        else:
            done = await s.feeds.set_paused(feed_id, verb == "pause")
        action = (
            {"pause": "paused", "resume": "resumed", "remove": "removed"}[verb]
            if done
            else "missing"
        )
        if done and verb == "resume":
            s.poller.wake()
        await say(
            message,
            s.texts.html("feed_changed", action=action, id=feed_id, feed_name="", policy=""),
        )
        return
    if verb in {"include", "exclude"} and len(rest) >= 2 and rest[0].isdigit():
        feed = await s.feeds.get(int(rest[0]))
        if feed is None:
            await say(
                message,
                s.texts.html("feed_changed", action="missing", id=0, feed_name="", policy=""),
            )
            return
        term = " ".join(rest[1:])
        current = feed.filter
        terms = FeedFilter(
            include=(*current.include, term) if verb == "include" else current.include,
            exclude=(*current.exclude, term) if verb == "exclude" else current.exclude,
        )
        if term in {"-", "off"}:
            terms = FeedFilter(
                include=() if verb == "include" else current.include,
                exclude=() if verb == "exclude" else current.exclude,
            )
        await s.feeds.set_filter(feed.id, terms)
        await say(
            message,
            s.texts.html("feed_changed", action="filtered", id=feed.id, feed_name="", policy=""),
        )
        return
    await _list(message, s)


async def _list(message: Message, s: NewsroomServices) -> None:
    now = s.clock()
    rows = []
    for feed in await s.feeds.all():
        taken = (await s.feeds.outcomes(feed.id)).get(ItemOutcome.TAKEN.value, 0)
        rows.append(
            {
                "id": feed.id,
                "name": feed.name,
                "url": feed.url,
                "policy": s.texts.entry("policies", feed.policy.value),
                "paused": feed.paused,
                "interval": round(feed.interval.total_seconds() / 60),
                "last": format_local(feed.last_success_at, s.zone, now=now)
                if feed.last_success_at
                else "",
                "failures": feed.failures,
                "error": feed.last_error or "",
                "taken": taken,
                "include": list(feed.filter.include),
                "exclude": list(feed.filter.exclude),
            }
        )
    await say(message, s.texts.html("feeds", rows=rows))


async def _test(message: Message, s: NewsroomServices, url: str) -> None:
    """What the next poll would take, without taking or recording it."""
    known = next((f for f in await s.feeds.all() if f.url == url), None)
    feed = known or _probe(url, s.clock(), s.poller.config.interval)
    try:
        parsed, candidates, skipped = await s.poller.preview(feed)
    except NashirError as error:
        await message.reply_text(error.message_ar)
        return
    now = s.clock()
    rows = [
        {
            "title": c.item.title,
            "when": format_local(c.item.published, s.zone, now=now) if c.item.published else "",
            "breaking": c.breaking,
        }
        for c in candidates
    ]
    await say(
        message,
        s.texts.html(
            "feed_test",
            title=parsed.title,
            url=url,
            total=len(parsed.items),
            rows=rows,
            skipped=[(_OUTCOME_AR[o], n) for o, n in skipped.items() if o in _OUTCOME_AR],
        ),
    )


def _probe(url: str, now: dt.datetime, interval: dt.timedelta) -> Feed:
    """A feed not added yet, as its first poll would see it."""
    return Feed(
        id=0,
        url=url,
        name=host_name(url),
        policy=FeedPolicy.REVIEW,
        channel=None,
        paused=False,
        interval=interval,
        filter=FeedFilter(),
        etag=None,
        last_modified=None,
        next_poll_at=now,
        last_polled_at=None,
        last_success_at=None,
        failures=0,
        last_error=None,
        alerted=False,
    )


def host_name(url: str) -> str:
    return (urlsplit(url).hostname or url).removeprefix("www.")
