"""The leader killed: two real newsroom processes (the bot's own wiring of the scheduler,
feed poller and outbox worker) on one PostgreSQL database; SIGKILL to the one holding the
lease, found from the ``leases`` row, with a post scheduled just after. The other takes the
lease over and the post reaches the channel once — neither lost nor doubled."""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest

from bot.newsroom.models import DraftStatus
from bot.settings import DatabaseUrl
from db.connection import open_database
from db.people import LeaseRepository
from devtools.botapi import BotAPIServer
from devtools.failover import environment, run_failover
from devtools.newsroomprocess import READY, NewsroomProcess
from devtools.pgserver import PostgresServer
from tests.engines import fresh_schema

pytestmark = pytest.mark.slow

# Short, so the test waits seconds for the dead leader's lease to end.
TTL = 3
SETTLE = 60.0  # seconds to wait for what should happen (the lease left behind runs an hour)


@pytest.fixture
def shared_database(postgres: PostgresServer) -> DatabaseUrl:
    """One PostgreSQL database for the test and both processes."""
    return fresh_schema(postgres)


async def test_the_leader_killed_another_takes_over_and_the_post_goes_out_once(
    bot_api: BotAPIServer, shared_database: DatabaseUrl, tmp_path: Path
) -> None:
    result = await run_failover(bot_api, shared_database, tmp_path, ttl=TTL, due_in=2)
    assert result.survivor != result.killed
    # The kill came before the post was due: only the survivor can have sent it.
    assert result.due_after_kill > 0
    assert result.started_by == result.survivor
    assert result.status is DraftStatus.PUBLISHED
    assert result.posts == 1
    # The survivor stopped cleanly: the lease was given up, nobody needs wait for it to end.
    assert result.released_on_stop


async def test_the_one_process_on_sqlite_leads_at_once_and_hands_over_on_stop(
    bot_api: BotAPIServer, tmp_path: Path
) -> None:
    """A lease left by a killed process (an hour still to run) does not hold up the restart;
    a clean stop gives the lease up."""
    path = tmp_path / "nashir.sqlite3"
    database = await open_database(DatabaseUrl.sqlite(path))
    try:
        leases = LeaseRepository(database)
        left = await leases.take(
            "scheduler", "vm:4242:dead00", now=dt.datetime.now(dt.UTC), ttl=dt.timedelta(hours=1)
        )
        assert left
        env = environment(str(path), 3600)
        process = NewsroomProcess(bot_api, env, tmp_path, "restarted")
        await asyncio.to_thread(process.start)
        try:
            holder = process.log().split(f"{READY}: ", 1)[1].split()[0]
            assert holder.split(":")[1] == str(process.pid)
            assert await wait_for(lambda: _holds(leases, holder)), process.log()[-2000:]
        finally:
            await asyncio.to_thread(process.stop)
        assert await leases.current("scheduler") is None
    finally:
        await database.close()


async def _holds(leases: LeaseRepository, holder: str) -> bool:
    current = await leases.current("scheduler")
    return current is not None and current[0] == holder


async def wait_for(condition: Callable[[], Awaitable[bool]]) -> bool:
    deadline = time.monotonic() + SETTLE
    while time.monotonic() < deadline:
        if await condition():
            return True
        await asyncio.sleep(0.05)
    return await condition()
