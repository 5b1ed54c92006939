"""Assembling the newsroom around a built application, and running its background work.

The outbox worker and the scheduler run beside the bot as asyncio tasks, started after the
bot answers and stopped before it stops. Their state is all in the database, so a restart
picks up where the last process was: rows it left half-sent are reconciled, not resent.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from telegram.ext import Application

from bot.newsroom.models import Target, XLinkPolicy
from bot.newsroom.roles import Roles
from bot.newsroom.scheduler import Scheduler
from bot.newsroom.workflow import ContentProducer, Newsroom, NewsroomConfig
from bot.paths import TEMPLATES_DIR
from bot.publish.base import Publisher
from bot.publish.outbox import OutboxWorker
from bot.publish.telegram import ChannelPublisher
from bot.publish.x import XPublisher
from bot.publish.xclient import XClient, XCredentials, XEndpoints
from bot.settings import Settings
from db.connection import open_database
from db.database import Database
from db.drafts import DraftRepository
from db.outbox import OutboxRepository
from db.people import ConversationRepository, LeaseRepository, PeopleRepository
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
    producer: ContentProducer,
    *,
    clock: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC),
    x_reconcile_delay: float = 5.0,
) -> AsyncIterator[NewsroomServices]:
    """The newsroom's services over their own database connection, attached to the bot."""
    database = Database(await open_database(settings.database_path))
    publishers: dict[Target, Publisher] = {}
    try:
        drafts = DraftRepository(database)
        outbox = OutboxRepository(database)
        people = PeopleRepository(database)
        texts = Texts(MESSAGES_DIR / "newsroom", english=settings.bot_language == "ar+en")
        if settings.channel_id:
            publishers[Target.CHANNEL] = ChannelPublisher(application.bot, settings.channel_id)
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
        )
        worker = OutboxWorker(
            outbox=outbox,
            drafts=drafts,
            publishers=publishers,
            notifier=notifier,
            clock=clock,
            reconcile_delay=x_reconcile_delay,
        )
        newsroom = Newsroom(
            drafts=drafts,
            producer=producer,
            config=NewsroomConfig(
                targets=configured_targets(settings),
                x_link_policy=XLinkPolicy(settings.x_link_policy),
                themes=card_themes(settings.card_theme),
            ),
            wake=worker.wake,
            clock=clock,
        )
        scheduler = Scheduler(
            drafts=drafts,
            newsroom=newsroom,
            leases=LeaseRepository(database),
            on_started=notifier.refresh,
            clock=clock,
        )
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
        )
        attach_newsroom(application, services)
        yield services
    finally:
        for publisher in publishers.values():
            await publisher.close()
        await database.close()


@asynccontextmanager
async def background_work(services: NewsroomServices) -> AsyncIterator[None]:
    """The outbox worker and the scheduler, running until the block ends."""
    stop = asyncio.Event()
    await services.worker.recover()
    tasks = [
        asyncio.create_task(services.worker.run(stop), name="nashir-outbox"),
        asyncio.create_task(services.scheduler.run(stop), name="nashir-scheduler"),
    ]
    try:
        yield
    finally:
        stop.set()
        _, pending = await asyncio.wait(tasks, timeout=10)
        for task in pending:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
