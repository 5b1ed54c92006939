"""The newsroom over a real SQLite file and the real share pipeline (no Telegram here)."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.newsroom.models import Person, Target
from bot.newsroom.workflow import Newsroom, NewsroomConfig
from bot.pipeline import ShareService, build_share_service
from bot.settings import DatabaseUrl, Settings
from db.connection import open_database
from db.drafts import DraftRepository
from db.outbox import OutboxRepository
from tests.engines import ENGINES, engine_url


@pytest.fixture(params=ENGINES)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> DatabaseUrl:
    """Every test here runs on SQLite and on PostgreSQL."""
    return engine_url(request, tmp_path)


ROOT = Path(__file__).resolve().parents[2]
EDITOR = Person(501, "سلمى بنعيسى", "salma")
OTHER_EDITOR = Person(502, "يوسف العمراني", "youssef")
JOURNALIST = Person(777, "هشام", "hicham")


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, start: dt.datetime) -> None:
        self.now = start

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta: float) -> dt.datetime:
        self.now += dt.timedelta(**delta)
        return self.now


@dataclass
class Desk:
    newsroom: Newsroom
    drafts: DraftRepository
    outbox: OutboxRepository
    service: ShareService
    clock: Clock
    wakes: list[int]


@pytest.fixture
def clock() -> Clock:
    return Clock(dt.datetime(2026, 12, 4, 9, 0, tzinfo=dt.UTC))


@pytest.fixture
async def desk(settings: Settings, clock: Clock) -> AsyncIterator[Desk]:
    database = await open_database(settings.database_url)
    service = build_share_service(settings)
    wakes: list[int] = []
    drafts = DraftRepository(database)
    newsroom = Newsroom(
        drafts=drafts,
        producer=service,
        config=NewsroomConfig(targets=frozenset({Target.CHANNEL, Target.X})),
        wake=lambda: wakes.append(1),
        clock=clock,
    )
    try:
        yield Desk(newsroom, drafts, OutboxRepository(database), service, clock, wakes)
    finally:
        await service.close()
        await database.close()
