"""Feeds into the newsroom, over real parts: a feed server and article pages on 127.0.0.1, the
real fetcher and pipeline, a real SQLite file, the editors' group on the local Bot API
server, and a clock the test moves."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from telegram.ext import ExtBot

from bot.feeds.intake import FeedIntake
from bot.feeds.models import Feed, FeedPolicy
from bot.feeds.poller import FeedConfig, FeedPoller, PollReport
from bot.flood import FloodLimiter
from bot.ingest.fetch import FetchConfig, Fetcher
from bot.leadership import Leadership
from bot.models import Article
from bot.newsroom.models import Target
from bot.newsroom.queue import PostingQueue
from bot.newsroom.scheduler import Scheduler
from bot.newsroom.slots import ScheduleRules
from bot.newsroom.workflow import Newsroom, NewsroomConfig
from bot.pipeline import ShareService, build_share_service
from bot.settings import DatabaseUrl, Settings
from db.connection import open_database
from db.drafts import DraftRepository
from db.feeds import FeedRepository
from db.people import LeaseRepository
from db.schedule import ScheduleRepository
from db.task_runs import TaskRunRepository
from devtools.botapi import BotAPIServer
from devtools.pages import PageServer
from handlers.newsroom_notify import EditorsNotifier
from handlers.newsroom_runtime import card_themes
from handlers.retry import RetryAfterLimiter
from handlers.texts import MESSAGES_DIR, Texts
from tests.engines import ENGINES, engine_url
from tests.newsroom.conftest import Clock


@pytest.fixture(params=ENGINES)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> DatabaseUrl:
    """Every test here runs on SQLite and on PostgreSQL."""
    return engine_url(request, tmp_path)


DESK_ID = -1009876543210
ZONE = ZoneInfo("Africa/Casablanca")
# Friday 4 December 2026, 09:00 in Casablanca (UTC+1).
START = dt.datetime(2026, 12, 4, 8, 0, tzinfo=dt.UTC)


@dataclass
class FeedDesk:
    poller: FeedPoller
    feeds: FeedRepository
    drafts: DraftRepository
    queue: PostingQueue
    scheduler: Scheduler
    newsroom: Newsroom
    rules: ScheduleRepository
    clock: Clock
    pages: PageServer
    api: BotAPIServer
    service: ShareService
    # The parts a second scheduler or poller over the same database is built from.
    notifier: EditorsNotifier
    intake: FeedIntake
    fetcher: Fetcher
    runs: TaskRunRepository
    leases: LeaseRepository

    async def add(
        self, path: str, policy: FeedPolicy = FeedPolicy.REVIEW, **route: object
    ) -> Feed:
        route.setdefault("content_type", "application/rss+xml; charset=utf-8")
        url = self.pages.add(path, **route)
        feed = await self.feeds.add(
            url=url,
            name="أخبار الساحل",
            policy=policy,
            interval=dt.timedelta(minutes=5),
            channel=None,
            created_by=503,
            now=self.clock.now,
        )
        assert feed is not None
        return feed

    async def poll(self, feed: Feed) -> PollReport:
        current = await self.feeds.get(feed.id)
        assert current is not None
        return await self.poller.poll(current)

    def serve_story(self, number: int, *, canonical: str | None = None) -> str:
        from tests.feeds.builders import article_page

        return self.pages.add(
            f"/articles/{number}.html", body=article_page(number, canonical=canonical)
        )


@pytest.fixture
async def feed_desk(
    settings: Settings, bot_api: BotAPIServer, page_server: PageServer
) -> AsyncIterator[FeedDesk]:
    clock = Clock(START)
    bot_api.group(DESK_ID, "تحرير أخبار الساحل", bot_is_admin=True)
    database = await open_database(settings.database_url)
    service = build_share_service(settings)
    drafts = DraftRepository(database)
    feeds = FeedRepository(database)
    rules = ScheduleRepository(database)
    await rules.save(ScheduleRules())
    # The bot as the application has it: every message through the flood limiter.
    bot = ExtBot(
        bot_api.token,
        base_url=f"{bot_api.root}/bot",
        base_file_url=f"{bot_api.root}/file/bot",
        rate_limiter=RetryAfterLimiter(flood=FloodLimiter()),
    )
    fetcher = Fetcher(FetchConfig(allow_private_hosts=True, read_timeout=1.0, total_timeout=3.0))
    async with bot:
        notifier = EditorsNotifier(
            bot,
            texts=Texts(MESSAGES_DIR / "newsroom"),
            drafts=drafts,
            editors_chat_id=DESK_ID,
            channel="@akhbar_sahel",
            zone=ZONE,
            clock=clock,
        )
        newsroom = Newsroom(
            drafts=drafts,
            producer=service,
            config=NewsroomConfig(
                targets=frozenset({Target.CHANNEL, Target.X}), themes=card_themes("solid")
            ),
            clock=clock,
        )
        queue = PostingQueue(
            drafts=drafts,
            rules=rules,
            newsroom=newsroom,
            zone=ZONE,
            default_channel="@akhbar_sahel",
            clock=clock,
        )
        runs = TaskRunRepository(database)
        leases = LeaseRepository(database)
        leadership = Leadership(leases, clock=clock)
        scheduler = Scheduler(
            drafts=drafts,
            newsroom=newsroom,
            leadership=leadership,
            runs=runs,
            on_started=notifier.refresh,
            clock=clock,
            queue=queue,
            on_reslotted=notifier.reslotted,
        )

        async def article_at(url: str) -> Article:
            return (await service.share_url(url)).article

        intake = FeedIntake(
            articles=article_at, newsroom=newsroom, queue=queue, display=notifier, drafts=drafts
        )
        poller = FeedPoller(
            feeds=feeds,
            source=fetcher,
            intake=intake,
            notifier=notifier,
            config=FeedConfig(max_items=10, alert_after=3),
            clock=clock,
            runs=runs,
            holder=leadership.holder,
        )
        try:
            yield FeedDesk(
                poller,
                feeds,
                drafts,
                queue,
                scheduler,
                newsroom,
                rules,
                clock,
                page_server,
                bot_api,
                service,
                notifier,
                intake,
                fetcher,
                runs,
                leases,
            )
        finally:
            await fetcher.aclose()
            await service.close()
            await database.close()
