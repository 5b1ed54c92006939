"""Publishing against real local peers: the Bot API server (a channel, the editors' group) and
the fake X, with a real SQLite outbox and the real share pipeline making the drafts."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from telegram.ext import ExtBot

from bot.flood import FloodLimiter
from bot.models import Article
from bot.newsroom.models import NewsroomDraft, Target
from bot.newsroom.workflow import Newsroom, NewsroomConfig
from bot.pipeline import ShareService, build_share_service
from bot.publish.base import Publisher
from bot.publish.outbox import OutboxWorker
from bot.publish.telegram import ChannelPublisher
from bot.publish.x import XPublisher
from bot.publish.xclient import XClient, XCredentials, XEndpoints
from bot.settings import DatabaseUrl, Settings
from db.connection import open_database
from db.database import Database
from db.drafts import DraftRepository
from db.outbox import OutboxRepository
from devtools.botapi import BotAPIServer
from devtools.xapi import CREDENTIALS, XAPIServer
from handlers.newsroom_notify import EditorsNotifier
from handlers.newsroom_runtime import card_themes
from handlers.retry import RetryAfterLimiter
from handlers.texts import MESSAGES_DIR, Texts
from tests.engines import ENGINES, engine_url
from tests.newsroom.conftest import EDITOR, JOURNALIST, Clock


@pytest.fixture(params=ENGINES)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> DatabaseUrl:
    """Every test here runs on SQLite and on PostgreSQL."""
    return engine_url(request, tmp_path)


CHANNEL_ID = -1001234567890
EDITORS_CHAT_ID = -1009876543210


@pytest.fixture
def xapi() -> Iterator[XAPIServer]:
    server = XAPIServer().start()
    try:
        yield server
    finally:
        server.stop()


@dataclass
class Publishing:
    newsroom: Newsroom
    worker: OutboxWorker
    drafts: DraftRepository
    outbox: OutboxRepository
    notifier: EditorsNotifier
    service: ShareService
    clock: Clock
    api: BotAPIServer
    xapi: XAPIServer
    database: Database
    publishers: dict[Target, Publisher]

    def other_worker(self, database: Database | None = None, **options: Any) -> OutboxWorker:
        """Another worker beside :attr:`worker` (over ``database``: its own connections, as
        another process would have), with the same publishers and the same clock."""
        database = database or self.database
        drafts = DraftRepository(database)
        return OutboxWorker(
            outbox=OutboxRepository(database),
            drafts=drafts,
            publishers=self.publishers,
            notifier=self.notifier,
            clock=self.clock,
            reconcile_delay=0,
            **options,
        )

    async def approved(self, article: Article) -> NewsroomDraft:
        draft = await self.newsroom.submit(article, by=JOURNALIST, origin="submit")
        await self.notifier.show(draft)
        draft = await self.drafts.get(draft.id)
        assert draft is not None
        outcome = await self.newsroom.approve(draft.id, draft.version, by=EDITOR)
        assert outcome.ok and outcome.draft is not None
        return outcome.draft

    async def drain(self) -> None:
        """Send everything that is due now, target by target."""
        for target in self.worker.targets:
            while await self.worker.step(target):
                pass
        await self.worker.reported()


@pytest.fixture
async def publishing(
    settings: Settings, bot_api: BotAPIServer, xapi: XAPIServer
) -> AsyncIterator[Publishing]:
    import datetime as dt

    clock = Clock(dt.datetime.now(dt.UTC))
    bot_api.channel(CHANNEL_ID, "أخبار الساحل", username="akhbar_sahel")
    bot_api.group(EDITORS_CHAT_ID, "تحرير أخبار الساحل")
    database = await open_database(settings.database_url)
    service = build_share_service(settings)
    drafts = DraftRepository(database)
    outbox = OutboxRepository(database)
    # The bot as the application has it: every message through the flood limiter.
    bot = ExtBot(
        bot_api.token,
        base_url=f"{bot_api.root}/bot",
        base_file_url=f"{bot_api.root}/file/bot",
        rate_limiter=RetryAfterLimiter(flood=FloodLimiter()),
    )
    x_client = XClient(XCredentials(**CREDENTIALS), XEndpoints(xapi.root, xapi.root))
    async with bot:
        notifier = EditorsNotifier(
            bot,
            texts=Texts(MESSAGES_DIR / "newsroom"),
            drafts=drafts,
            editors_chat_id=EDITORS_CHAT_ID,
            channel="@akhbar_sahel",
            zone=ZoneInfo("Africa/Casablanca"),
            clock=clock,
        )
        publishers: dict[Target, Publisher] = {
            Target.CHANNEL: ChannelPublisher(bot, CHANNEL_ID, flood=bot.rate_limiter.flood),
            Target.X: XPublisher(x_client),
        }
        worker = OutboxWorker(
            outbox=outbox,
            drafts=drafts,
            publishers=publishers,
            notifier=notifier,
            clock=clock,
            reconcile_delay=0,
        )
        newsroom = Newsroom(
            drafts=drafts,
            producer=service,
            config=NewsroomConfig(
                targets=frozenset({Target.CHANNEL, Target.X}), themes=card_themes("solid")
            ),
            wake=worker.wake,
            clock=clock,
        )
        try:
            yield Publishing(
                newsroom,
                worker,
                drafts,
                outbox,
                notifier,
                service,
                clock,
                bot_api,
                xapi,
                database,
                publishers,
            )
        finally:
            await x_client.close()
            await service.close()
            await database.close()
