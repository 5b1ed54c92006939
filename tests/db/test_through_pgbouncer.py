"""The leader lease and the once-only claims through PgBouncer in transaction mode: eight
clients on two server connections, so nothing session-level could hold — and nothing needs
to. (PostgreSQL only; skipped where PgBouncer is not installed.)"""

from __future__ import annotations

import asyncio
import datetime as dt
import secrets
from collections.abc import AsyncIterator, Iterator

import pytest

from bot.leadership import Leadership
from bot.settings import DatabaseUrl
from db.connection import open_database
from db.database import PostgresDatabase
from db.people import LeaseRepository
from db.task_runs import TaskRunRepository
from devtools.pgbouncer import PgBouncer, find_pgbouncer
from devtools.pgserver import PostgresServer
from tests.newsroom.conftest import Clock

T0 = dt.datetime(2026, 12, 4, 8, 0, tzinfo=dt.UTC)
TTL = dt.timedelta(seconds=30)
CLIENTS = 8


@pytest.fixture(scope="module")
def bouncer(postgres: PostgresServer) -> Iterator[PgBouncer]:
    if find_pgbouncer() is None:
        pytest.skip("PgBouncer is not installed (apt-get install pgbouncer)")
    started = PgBouncer.start(postgres.dsn, server_connections=2)
    try:
        yield started
    finally:
        started.stop()


@pytest.fixture
async def pooled(postgres: PostgresServer, bouncer: PgBouncer) -> AsyncIterator[PostgresDatabase]:
    """A fresh, migrated database, reached through the bouncer by a pool of eight."""
    import asyncpg

    name = f"b_{secrets.token_hex(5)}"
    admin = await asyncpg.connect(postgres.dsn)
    try:
        await admin.execute(f"CREATE DATABASE {name}")
    finally:
        await admin.close()
    # Migrations take a session-level lock: they go to the server itself, as deployments do.
    upstream = postgres.dsn.rsplit("/", 1)[0] + f"/{name}"
    await (await open_database(DatabaseUrl.parse(upstream))).close()
    # Prepared statements do not outlive a transaction behind PgBouncer 1.18's pooling.
    pool = await asyncpg.create_pool(
        bouncer.dsn(name), min_size=CLIENTS, max_size=CLIENTS, statement_cache_size=0
    )
    database = PostgresDatabase(pool, bouncer.dsn(name))
    try:
        yield database
    finally:
        await database.close()


async def test_clients_share_two_server_sessions(pooled: PostgresDatabase) -> None:
    async def backend() -> int:
        async with pooled.pool.acquire() as connection:
            await asyncio.sleep(0.05)  # hold the client connection while the others ask
            return int(await connection.fetchval("SELECT pg_backend_pid()"))

    sessions = set(await asyncio.gather(*(backend() for _ in range(CLIENTS))))
    assert 1 <= len(sessions) <= 2


async def test_one_leader_through_the_bouncer(pooled: PostgresDatabase) -> None:
    leases = LeaseRepository(pooled)
    won = await asyncio.gather(
        *(leases.take("scheduler", f"web-{n}", now=T0, ttl=TTL) for n in range(CLIENTS))
    )
    assert sum(won) == 1
    holder = f"web-{won.index(True)}"
    later = T0 + dt.timedelta(seconds=20)
    renewed = await asyncio.gather(
        *(leases.take("scheduler", f"web-{n}", now=later, ttl=TTL) for n in range(CLIENTS))
    )
    assert [f"web-{n}" for n, ok in enumerate(renewed) if ok] == [holder]
    expired = T0 + dt.timedelta(seconds=50)
    others = [f"web-{n}" for n in range(CLIENTS) if f"web-{n}" != holder]
    taken = await asyncio.gather(
        *(leases.take("scheduler", name, now=expired, ttl=TTL) for name in others)
    )
    assert sum(taken) == 1


async def test_leadership_hands_over_through_the_bouncer(pooled: PostgresDatabase) -> None:
    clock = Clock(T0)
    first = Leadership(LeaseRepository(pooled), ttl=TTL, clock=clock, holder="web-1:101:aa")
    second = Leadership(LeaseRepository(pooled), ttl=TTL, clock=clock, holder="web-2:202:bb")
    assert await first.renew() and not await second.renew()
    await first.release()
    assert await second.renew()


async def test_a_run_is_claimed_once_through_the_bouncer(pooled: PostgresDatabase) -> None:
    runs = TaskRunRepository(pooled)
    won = await asyncio.gather(
        *(runs.claim("publish:7", T0, f"web-{n}", T0) for n in range(CLIENTS))
    )
    assert sum(won) == 1
