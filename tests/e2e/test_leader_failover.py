"""The leader killed: two real newsroom processes (the bot's own wiring of the scheduler,
feed poller and outbox worker) on one PostgreSQL database; SIGKILL to the one holding the
lease, found from the ``leases`` row, with a post scheduled just after. The other takes the
lease over and the post reaches the channel once — neither lost nor doubled."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.newsroom.models import DraftStatus
from bot.settings import DatabaseUrl
from devtools.botapi import BotAPIServer
from devtools.failover import run_failover
from devtools.pgserver import PostgresServer
from tests.engines import fresh_schema

pytestmark = pytest.mark.slow

# Short, so the test waits seconds for the dead leader's lease to end.
TTL = 3


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
