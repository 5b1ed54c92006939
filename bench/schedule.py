"""Schedule and feed benchmark: a big queue drained within Telegram's limits, the scheduler's
cost per tick, and the cost of polling many feeds.

1. **Queue.** The bot runs as deployed, in this process's thread, against the local Bot API
   server enforcing Telegram's limits. ``--posts`` (1,000) posts for ``--channels`` (5)
   channels, all due, are drained. Measured: 429 answers [0]; the achieved rate against the
   allowed one (20/min per channel: 100/min for five) [≥ 90 %].
2. **Scheduler tick.** With the queue full of future posts, one tick (lease, pause check,
   due drafts) [≤ 5 ms of CPU].
3. **Feeds.** ``--feeds`` (100) feeds of ``--items`` (50) items each on a local server:
   a poll round with nothing new (served 200 with every item already seen, and served 304),
   and a round where everything is new. Measured: CPU seconds and peak RSS per round
   [nothing new ≤ 0.5 s of CPU]. Items are taken by the real poller (dedupe, filters,
   records); turning each into a draft is the share pipeline's work, benchmarked by
   ``bench/pipeline.py``, so here a taken item is only recorded.

    .venv/bin/python bench/schedule.py
    .venv/bin/python bench/schedule.py --posts 200 --feeds 20
    .venv/bin/python bench/schedule.py --only-queue     # parts 1 and 2 (~12 min)
    .venv/bin/python bench/schedule.py --only-queue --postgres

Exits 1 naming every missed target. Timings depend on the machine's load.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import resource
import sys
import tempfile
import time
from dataclasses import replace
from email.utils import format_datetime
from html import escape
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bot.feeds.models import Feed, FeedPolicy  # noqa: E402
from bot.feeds.poller import Candidate, FeedConfig, FeedPoller  # noqa: E402
from bot.ingest.fetch import FetchConfig, Fetcher  # noqa: E402
from bot.ingest.sources import article_from_html_bytes  # noqa: E402
from bot.models import Article  # noqa: E402
from bot.newsroom.models import SYSTEM, DraftContent, Person, Target  # noqa: E402
from bot.settings import Secret, load_settings  # noqa: E402
from db.connection import open_database  # noqa: E402
from db.drafts import DraftRepository  # noqa: E402
from db.feeds import FeedRepository  # noqa: E402
from devtools.botapi import TELEGRAM_LIMITS, BotAPIServer  # noqa: E402
from devtools.botthread import InProcessBot  # noqa: E402
from devtools.desk_player import Desk, newsroom_env  # noqa: E402
from devtools.pages import PageServer  # noqa: E402
from devtools.pgserver import PostgresServer  # noqa: E402
from devtools.xapi import XAPIServer  # noqa: E402

SAMPLE = ROOT / "examples" / "sample-article.html"
CHANNEL_RATE = 20 / 60
EDITOR = Person(501, "سلمى", "salma")
TICK_TARGET_MS = 5.0
POLL_TARGET_S = 0.5


def channel_id(number: int) -> int:
    return -1001000000000 - number


# ---------------------------------------------------------------------------- 1. queue


async def _queue(bot: InProcessBot, api: BotAPIServer, posts: int, channels: int) -> dict:
    services = bot.newsroom()
    article = article_from_html_bytes(SAMPLE.read_bytes(), "sample")
    draft = await services.newsroom.submit(article, by=SYSTEM, origin="bench")
    content = draft.content
    now = services.clock()
    print(f"  making {posts} drafts for {channels} channels …", flush=True)
    ids = []
    for n in range(posts):
        made = await services.drafts.create(
            article=replace(article, url=f"{article.url}?n={n}"),
            content=content,
            targets=frozenset({Target.CHANNEL}),
            created_by=SYSTEM,
            origin="bench",
            at=now,
            channel=str(channel_id(n % channels)),  # interleaved, as the slots would have it
        )
        ids.append((made.id, made.version))
    mark = api.mark()
    for draft_id, version in ids:
        outcome = await services.newsroom.approve(draft_id, version, by=EDITOR)
        assert outcome.ok
    started = time.monotonic()
    deadline = started + posts / (channels * CHANNEL_RATE) * 1.5 + 120
    last = 0.0
    while time.monotonic() < deadline:
        sent = sum(len(api.posts(channel_id(c), since=mark)) for c in range(channels))
        if sent >= posts:
            break
        if time.monotonic() - last > 30:
            last = time.monotonic()
            print(f"  … {sent}/{posts}", flush=True)
        await asyncio.sleep(1.0)
    times = sorted(
        call.at for c in range(channels) for call in api.posts(channel_id(c), since=mark)
    )
    rate = (len(times) - 1) / (times[-1] - times[0]) if len(times) > 1 else 0.0
    # A tick with the queue full of future posts: the scheduler's steady cost.
    future = now + dt.timedelta(days=1)
    for n in range(posts):
        made = await services.drafts.create(
            article=replace(article, url=f"{article.url}?later={n}"),
            content=content,
            targets=frozenset({Target.CHANNEL}),
            created_by=SYSTEM,
            origin="bench",
            at=now,
        )
        await services.newsroom.schedule(made.id, made.version, by=EDITOR, at=future)
    ticks = []
    for _ in range(20):
        cpu = time.process_time()
        await services.scheduler.tick()
        ticks.append((time.process_time() - cpu) * 1000)
    return {
        "sent": len(times),
        "rate": rate,
        "allowed": channels * CHANNEL_RATE,
        "refusals": len(api.refusals(429, since=mark)),
        "refused_in": sorted({str(call.chat) for call in api.refusals(429, since=mark)}),
        "tick_ms": sorted(ticks)[len(ticks) // 2],
    }


def run_queue(posts: int, channels: int, *, postgres: str | None = None) -> dict:
    """Part 1 against SQLite, or the PostgreSQL server at ``postgres`` (the flood windows
    then live in the database, as with several workers)."""
    api = BotAPIServer(flood=TELEGRAM_LIMITS).start()
    xapi = XAPIServer().start()
    try:
        Desk.open(api)
        for c in range(channels):
            api.channel(channel_id(c), f"قناة {c + 1}")
        with tempfile.TemporaryDirectory(prefix="nashir-schedule-") as folder:
            database = postgres or f"{folder}/nashir.sqlite3"
            env = newsroom_env(xapi, database=database)
            env.update({"X_API_KEY": "", "X_API_SECRET": ""})  # channels only
            settings = load_settings(env, dotenv=None).replace(
                telegram_bot_token=Secret(api.token), telegram_api_base_url=api.root
            )
            bot = InProcessBot(settings)
            bot.start()
            try:
                return bot.call(_queue(bot, api, posts, channels), timeout=7200)
            finally:
                bot.stop()
    finally:
        xapi.stop()
        api.stop()


# ---------------------------------------------------------------------------- 3. feeds


class RecordingIntake:
    """Takes an item by recording it against one stand-in draft (the drafts themselves are
    the pipeline's benchmark)."""

    def __init__(self, draft_id: int) -> None:
        self.draft_id = draft_id
        self.taken = 0

    async def take(self, feed: Feed, candidate: Candidate) -> int:
        self.taken += 1
        return self.draft_id


class QuietNotifier:
    async def feed_failing(self, feed: Feed, failures: int, error: str) -> None:
        raise AssertionError(f"feed {feed.id} failed: {error}")

    async def feed_recovered(self, feed: Feed) -> None:
        return None


def _title(feed: int, number: int) -> str:
    return f"خبر رقم {number} من المصدر {feed}: افتتاح مشروع جديد"


def _lead(feed: int, number: int) -> str:
    return f"تفاصيل الخبر رقم {number} كما نشرها المصدر {feed} صباح اليوم."


def feed_document(
    feed: int, items: int, now: dt.datetime, *, offset: int = 0, rebuilt: bool = False
) -> bytes:
    entries = []
    for n in range(items):
        number = offset + n
        when = now - dt.timedelta(minutes=5 + n)
        entries.append(
            f"<item><title>{escape(_title(feed, number))}</title>"
            f"<link>https://source{feed}.example/news/{number}.html</link>"
            f'<guid isPermaLink="false">f{feed}-n{number}</guid>'
            f"<pubDate>{format_datetime(when)}</pubDate>"
            f"<description>{escape(_lead(feed, number))}</description></item>"
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>مصدر</title>'
        f"<lastBuildDate>{format_datetime(now + dt.timedelta(minutes=int(rebuilt)))}"
        "</lastBuildDate>"
        f"{''.join(entries)}</channel></rss>"
    ).encode()


async def _feeds(count: int, items: int, folder: str) -> dict:
    pages = PageServer().start()
    database = await open_database(f"{folder}/feeds.sqlite3")
    fetcher = Fetcher(FetchConfig(allow_private_hosts=True))
    try:
        repo = FeedRepository(database)
        now = dt.datetime.now(dt.UTC)
        stand_in = await DraftRepository(database).create(
            article=Article(title="—", text="—"),
            content=DraftContent("—", "—", "—", "solid", 0),
            targets=frozenset(),
            created_by=SYSTEM,
            origin="bench",
            at=now,
        )
        intake = RecordingIntake(stand_in.id)
        poller = FeedPoller(
            feeds=repo,
            source=fetcher,
            intake=intake,
            notifier=QuietNotifier(),
            config=FeedConfig(max_items=items, first_window=dt.timedelta(days=1)),
        )
        urls = []
        for f in range(count):
            url = pages.add(
                f"/f{f}.xml", body=feed_document(f, items, now), content_type="application/rss+xml"
            )
            feed = await repo.add(
                url=url,
                name=f"f{f}",
                policy=FeedPolicy.REVIEW,
                interval=dt.timedelta(minutes=5),
                channel=None,
                created_by=1,
                now=now,
            )
            assert feed is not None
            urls.append(url)

        async def round_() -> tuple[float, float]:
            feeds = await repo.all()
            cpu = time.process_time()
            wall = time.monotonic()
            for feed in feeds:
                await poller.poll(feed)
            return time.process_time() - cpu, time.monotonic() - wall

        everything_cpu, everything_wall = await round_()
        everything_taken = intake.taken
        nothing_cpu, nothing_wall = await round_()
        for f in range(count):  # validators on: the server answers 304
            pages.add(
                f"/f{f}.xml",
                body=feed_document(f, items, now),
                content_type="application/rss+xml",
                etag=f'"f{f}"',
            )
        await round_()  # learns the ETags
        not_modified_cpu, not_modified_wall = await round_()
        for f in range(count):  # rebuilt documents: new bytes, the same items
            pages.add(
                f"/f{f}.xml",
                body=feed_document(f, items, now, rebuilt=True),
                content_type="application/rss+xml",
            )
        rebuilt_cpu, rebuilt_wall = await round_()
        return {
            "everything": (everything_cpu, everything_wall, everything_taken),
            "nothing": (nothing_cpu, nothing_wall),
            "not_modified": (not_modified_cpu, not_modified_wall),
            "rebuilt": (rebuilt_cpu, rebuilt_wall),
            "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        }
    finally:
        await fetcher.aclose()
        await database.close()
        pages.stop()


def feeds_part(feeds: int, items: int) -> list[str]:
    """Run part 3, print its figures, and return the targets it missed."""
    misses = []
    with tempfile.TemporaryDirectory(prefix="nashir-feeds-") as folder:
        print(f"feeds: {feeds} × {items} items", flush=True)
        figures = asyncio.run(_feeds(feeds, items, folder))
    cpu, wall, taken = figures["everything"]
    print(f"  everything new: {taken} items taken in {cpu:.2f} s CPU ({wall:.2f} s wall)")
    cpu, wall = figures["nothing"]
    print(
        f"  nothing new (200, all seen): {cpu:.2f} s CPU ({wall:.2f} s wall)"
        f" (target ≤ {POLL_TARGET_S} s)"
    )
    if cpu > POLL_TARGET_S:
        misses.append(f"a poll round with nothing new took {cpu:.2f} s of CPU")
    cpu, wall = figures["not_modified"]
    print(f"  nothing new (304): {cpu:.2f} s CPU ({wall:.2f} s wall)")
    cpu, wall = figures["rebuilt"]
    print(
        f"  nothing new (rebuilt documents, new bytes): {cpu:.2f} s CPU ({wall:.2f} s wall)"
        f" (target ≤ {POLL_TARGET_S} s)"
    )
    if cpu > POLL_TARGET_S:
        misses.append(f"a poll round of rebuilt documents took {cpu:.2f} s of CPU")
    print(f"  peak RSS: {figures['rss_mb']:.0f} MB")
    return misses


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--posts", type=int, default=1000)
    parser.add_argument("--channels", type=int, default=5)
    parser.add_argument("--feeds", type=int, default=100)
    parser.add_argument("--items", type=int, default=50)
    parser.add_argument("--skip-queue", action="store_true")
    parser.add_argument("--only-queue", action="store_true", help="skip the feeds part")
    parser.add_argument(
        "--postgres",
        action="store_true",
        help="run the queue on a throwaway PostgreSQL server (flood windows in the database)",
    )
    args = parser.parse_args()
    misses: list[str] = []
    if not args.only_queue:
        misses += feeds_part(args.feeds, args.items)
    if not args.skip_queue:
        engine = "PostgreSQL" if args.postgres else "SQLite"
        print(f"queue: {args.posts} posts over {args.channels} channels ({engine})", flush=True)
        server = PostgresServer.start() if args.postgres else None
        try:
            queue = run_queue(args.posts, args.channels, postgres=server.dsn if server else None)
        finally:
            if server is not None:
                server.stop()
        share = queue["rate"] / queue["allowed"]
        print(f"  sent: {queue['sent']}/{args.posts}")
        print(
            f"  rate: {queue['rate'] * 60:.1f}/min = {share:.0%} of "
            f"{queue['allowed'] * 60:.0f}/min (target ≥ 90 %)"
        )
        where = f" in {', '.join(queue['refused_in'])}" if queue["refusals"] else ""
        print(f"  429 answers: {queue['refusals']} (target 0){where}")
        print(
            f"  scheduler tick with {args.posts} queued: {queue['tick_ms']:.2f} ms CPU"
            f" (target ≤ {TICK_TARGET_MS} ms)"
        )
        if queue["sent"] < args.posts:
            misses.append(f"only {queue['sent']} of {args.posts} posts sent")
        if share < 0.9:
            misses.append(f"rate {share:.0%} of the allowed")
        if queue["refusals"]:
            misses.append(f"{queue['refusals']} × 429")
        if queue["tick_ms"] > TICK_TARGET_MS:
            misses.append(f"tick {queue['tick_ms']:.2f} ms")
    if misses:
        for miss in misses:
            print(f"MISSED: {miss}")
        return 1
    print("all targets met")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
