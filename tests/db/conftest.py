"""Storage tests run on SQLite and on PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.settings import DatabaseUrl
from db.connection import open_database
from db.database import Database
from tests.engines import ENGINES, engine_url


@pytest.fixture(params=ENGINES)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> DatabaseUrl:
    return engine_url(request, tmp_path)


@pytest.fixture
async def database(database_url: DatabaseUrl) -> AsyncIterator[Database]:
    opened = await open_database(database_url)
    try:
        yield opened
    finally:
        await opened.close()
