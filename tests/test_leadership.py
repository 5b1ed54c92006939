"""Leadership over the real lease table, on both engines: one leader, renewed; another takes
over when its lease ends or at once when it is given up; the single SQLite process always
leads."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import socket
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.leadership import Leadership, holder_name
from bot.settings import DatabaseUrl
from db.connection import open_database
from db.database import Database
from db.people import LeaseRepository
from tests.engines import ENGINES, engine_url
from tests.newsroom.conftest import Clock

T0 = dt.datetime(2026, 12, 4, 8, 0, tzinfo=dt.UTC)
TTL = dt.timedelta(seconds=30)


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


def test_the_holder_names_the_host_and_process() -> None:
    host, pid, tag = holder_name().split(":")
    assert host == socket.gethostname() and int(pid) == os.getpid() and len(tag) == 6
    assert holder_name() != holder_name()  # two leaderships of one process differ


async def test_one_leads_renews_and_the_other_takes_over_when_the_lease_ends(
    database: Database,
) -> None:
    clock = Clock(T0)
    elected: list[str] = []
    first = Leadership(LeaseRepository(database), ttl=TTL, clock=clock, holder="web-1:101:aa")
    second = Leadership(LeaseRepository(database), ttl=TTL, clock=clock, holder="web-2:202:bb")
    first.on_elected(lambda: elected.append("first"))
    second.on_elected(lambda: elected.append("second"))
    assert await first.leader() and not await second.leader()
    assert elected == ["first"]
    # Every third of the lease the leader renews; the other keeps being refused.
    for _ in range(6):
        clock.advance(seconds=10)
        assert await first.leader() and not await second.leader()
    # The leader stops renewing (killed): the lease ends 30 s after its last renewal.
    clock.advance(seconds=29)
    assert not await second.renew()
    clock.advance(seconds=1)
    assert await second.renew() and await second.leader()
    assert elected == ["first", "second"]
    assert await LeaseRepository(database).current("scheduler") == (
        "web-2:202:bb",
        clock.now + TTL,
    )
    # Back from its stall, the old leader still believes it leads until it asks again, a
    # third of a lease after its last answer at most; then it learns it does not.
    assert not await first.leader()


async def test_between_renewals_the_leader_trusts_its_lease_until_it_ends(
    database: Database,
) -> None:
    leases = LeaseRepository(database)
    first_clock = Clock(T0)
    first = Leadership(leases, ttl=TTL, clock=first_clock, holder="web-1")
    assert await first.leader()
    # Another process whose clock is 45 s ahead finds the lease expired and takes it …
    other = Leadership(leases, ttl=TTL, clock=Clock(T0 + dt.timedelta(seconds=45)))
    assert await other.leader()
    # … while the first, within a third of its lease, has not looked: both believe they
    # lead (what the once-only claims on due work are for).
    first_clock.advance(seconds=9)
    assert await first.leader()
    first_clock.advance(seconds=1)
    assert not await first.leader()


async def test_a_released_lease_is_taken_at_once_by_the_next(database: Database) -> None:
    clock = Clock(T0)
    first = Leadership(LeaseRepository(database), ttl=TTL, clock=clock)
    second = Leadership(LeaseRepository(database), ttl=TTL, clock=clock)
    assert await first.leader() and not await second.renew()
    await first.release()
    assert not await first.leader()  # stopping: it does not take the lease back
    assert await second.renew()


async def test_the_only_process_leads_even_over_a_lease_left_by_a_killed_one(
    database: Database,
) -> None:
    clock = Clock(T0)
    killed = Leadership(LeaseRepository(database), ttl=TTL, clock=clock, holder="host:101:aa")
    assert await killed.leader()
    restarted = Leadership(
        LeaseRepository(database), ttl=TTL, clock=clock, sole=True, holder="host:202:bb"
    )
    assert await restarted.leader()
    assert await LeaseRepository(database).current("scheduler") == ("host:202:bb", T0 + TTL)


async def test_keeping_the_lease_hands_over_when_the_leader_dies(database: Database) -> None:
    """Real time, a short lease: the follower tries again as the leader's lease ends."""
    ttl = dt.timedelta(seconds=0.6)
    leader = Leadership(LeaseRepository(database), ttl=ttl, holder="web-1:101:aa")
    follower = Leadership(LeaseRepository(database), ttl=ttl, holder="web-2:202:bb")
    elected = asyncio.Event()
    follower.on_elected(elected.set)
    leader_stop, follower_stop = asyncio.Event(), asyncio.Event()
    assert await leader.renew()
    leading = asyncio.create_task(leader.keep(leader_stop))
    following = asyncio.create_task(follower.keep(follower_stop))
    try:
        await asyncio.sleep(0.2)
        leading.cancel()  # killed: it neither renews nor gives the lease up
        await asyncio.wait_for(elected.wait(), timeout=30)
        assert follower.leading
        current = await LeaseRepository(database).current("scheduler")
        assert current is not None and current[0] == "web-2:202:bb"
    finally:
        follower_stop.set()
        await asyncio.gather(leading, following, return_exceptions=True)
