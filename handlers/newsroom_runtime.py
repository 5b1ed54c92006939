"""Assembling the newsroom around a built application, and running its background work.

The outbox worker and the scheduler run beside the bot as asyncio tasks, started after the
bot answers and stopped before it stops. Their state is all in the database, so a restart
picks up where the last process was: rows it left half-sent are reconciled, not resent.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

from telegram.ext import Application

from bot.feeds.intake import FeedIntake
from bot.feeds.poller import FeedConfig, FeedPoller
from bot.ingest.fetch import FetchConfig, Fetcher
from bot.leadership import Leadership
from bot.models import Article
from bot.newsroom.models import Target, XLinkPolicy
from bot.newsroom.queue import PostingQueue
from bot.newsroom.roles import Roles
from bot.newsroom.scheduler import Scheduler
from bot.newsroom.workflow import Newsroom, NewsroomConfig
from bot.paths import TEMPLATES_DIR
from bot.publish.base import Publisher
from bot.publish.outbox import OutboxWorker
from bot.publish.telegram import ChannelPublisher
from bot.publish.x import XPublisher
from bot.publish.xclient import XClient, XCredentials, XEndpoints
from bot.settings import Settings
from db.connection import open_database
from db.database import Database
from db.dialect import Dialect
from db.drafts import DraftRepository
from db.feeds import FeedRepository
from db.outbox import OutboxRepository
from db.people import ConversationRepository, LeaseRepository, PeopleRepository
from db.schedule import ScheduleRepository
from db.task_runs import TaskRunRepository
from handlers.desk import ShareDesk
from handlers.newsroom_notify import EditorsNotifier
from handlers.newsroom_services import NewsroomServices, attach_newsroom
from handlers.texts import MESSAGES_DIR, Texts

logger = logging.getLogger(__name__)

BREAKING_THEME = "breaking"


def card_themes(default: str) -> tuple[str, ...]:
    """The default theme, then the others «صياغة أخرى» goes through (never «breaking»:
    that one is for breaking news only)."""
    names = sorted(path.stem for path in (TEMPLATES_DIR / "cards").glob("*.toml"))
    others = [name for name in names if name not in (default, BREAKING_THEME)]
    return (default, *others)


def configured_targets(settings: Settings) -> frozenset[Target]:
    targets = set()
    if settings.channel_id:
        targets.add(Target.CHANNEL)
    if XCredentials.from_settings(settings) is not None:
        targets.add(Target.X)
    return frozenset(targets)


@asynccontextmanager
async def newsroom_runtime(
    settings: Settings,
    application: Application,  # type: ignore[type-arg]
    sharer_desk: ShareDesk,
    *,
    clock: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC),
    x_reconcile_delay: float = 5.0,
    database: Database | None = None,
) -> AsyncIterator[NewsroomServices]:
    """The newsroom's services over ``database`` (or one of its own), attached to the bot."""
    owned = database is None
    if database is None:
        database = await open_database(settings.database_url)
    publishers: dict[Target, Publisher] = {}
    closers: list[Callable[[], Awaitable[None]]] = []
    try:
        drafts = DraftRepository(database)
        outbox = OutboxRepository(database)
        people = PeopleRepository(database)
        texts = Texts(MESSAGES_DIR / "newsroom", english=settings.bot_language == "ar+en")
        if settings.channel_id:
            flood = getattr(application.bot.rate_limiter, "flood", None)
            publishers[Target.CHANNEL] = ChannelPublisher(
                application.bot, settings.channel_id, flood=flood
            )
        credentials = XCredentials.from_settings(settings)
        if credentials is not None:
            client = XClient(credentials, XEndpoints.from_settings(settings))
            publishers[Target.X] = XPublisher(client)
        notifier = EditorsNotifier(
            application.bot,
            texts=texts,
            drafts=drafts,
            editors_chat_id=settings.editor_chat_id,
            channel=settings.channel_id,
            zone=settings.timezone,
            clock=clock,
            admins=settings.admin_user_ids,
        )
        worker = OutboxWorker(
            outbox=outbox,
            drafts=drafts,
            publishers=publishers,
            notifier=notifier,
            clock=clock,
            reconcile_delay=x_reconcile_delay,
            lease=dt.timedelta(seconds=settings.outbox_lease_seconds),
        )
        newsroom = Newsroom(
            drafts=drafts,
            producer=sharer_desk.sharer,  # type: ignore[arg-type]
            config=NewsroomConfig(
                targets=configured_targets(settings),
                x_link_policy=XLinkPolicy(settings.x_link_policy),
                themes=card_themes(settings.card_theme),
            ),
            wake=worker.wake,
            clock=clock,
        )
        queue = PostingQueue(
            drafts=drafts,
            rules=ScheduleRepository(database),
            newsroom=newsroom,
            zone=settings.timezone,
            default_channel=settings.channel_id,
            grace=dt.timedelta(minutes=settings.schedule_grace_minutes),
            clock=clock,
        )
        leadership = Leadership(
            LeaseRepository(database),
            ttl=dt.timedelta(seconds=settings.leader_lease_seconds),
            clock=clock,
            sole=database.dialect is Dialect.SQLITE,  # one process: always the leader
        )
        runs = TaskRunRepository(database)
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
        feeds = FeedRepository(database)
        fetcher = Fetcher(FetchConfig.from_settings(settings))
        closers.append(fetcher.aclose)

        async def article_at(url: str) -> Article:
            return (await sharer_desk.share_url(url)).result.article

        poller = FeedPoller(
            feeds=feeds,
            source=fetcher,
            intake=FeedIntake(
                articles=article_at,
                newsroom=newsroom,
                queue=queue,
                display=notifier,
                drafts=drafts,
                wake_scheduler=scheduler.wake,
            ),
            notifier=notifier,
            config=FeedConfig(
                interval=dt.timedelta(seconds=settings.feed_poll_seconds),
                first_window=dt.timedelta(hours=settings.feed_first_window_hours),
                max_items=settings.feed_max_items_per_poll,
                alert_after=settings.feed_alert_after_failures,
                breaking_keywords=settings.breaking_keywords,
            ),
            clock=clock,
            runs=runs,
            holder=leadership.holder,
        )
        leadership.on_elected(poller.wake)
        services = NewsroomServices(
            newsroom=newsroom,
            roles=Roles(
                editors=settings.editor_user_ids,
                admins=settings.admin_user_ids,
                store=people,
                editors_chat_id=settings.editor_chat_id,
            ),
            drafts=drafts,
            outbox=outbox,
            people=people,
            conversations=ConversationRepository(database),
            worker=worker,
            scheduler=scheduler,
            texts=texts,
            zone=settings.timezone,
            editors_chat_id=settings.editor_chat_id,
            channel=settings.channel_id,
            clock=clock,
            notifier=notifier,
            feeds=feeds,
            poller=poller,
            queue=queue,
        )
        attach_newsroom(application, services)
        yield services
    finally:
        for publisher in publishers.values():
            await publisher.close()
        for close in closers:
            await close()
        if owned:
            await database.close()


@asynccontextmanager
async def background_work(services: NewsroomServices) -> AsyncIterator[None]:
    """The outbox worker and the scheduler, running until the block ends."""
    stop = asyncio.Event()
    await services.worker.recover()
    tasks = [
        asyncio.create_task(services.worker.run(stop), name="nashir-outbox"),
        asyncio.create_task(services.scheduler.run(stop), name="nashir-scheduler"),
        asyncio.create_task(
            services.poller.run(stop, leader=services.scheduler.leader), name="nashir-feeds"
        ),
    ]
    try:
        yield
    finally:
        stop.set()
        _, pending = await asyncio.wait(tasks, timeout=10)
        for task in pending:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
