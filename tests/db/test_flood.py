"""The flood windows in the database: the same bookings as in memory, shared by every
connection (two pools stand for two workers), on both engines."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from bot.flood import OVERALL, FloodLimiter, FloodRule, FloodRules, FloodWindow
from bot.settings import DatabaseUrl
from db.connection import open_database
from db.database import Database
from db.flood import FloodWindowRepository

RULES = FloodRules(
    overall=FloodRule(30, 1.0), per_chat=FloodRule(1, 1.0), per_group=FloodRule(20, 60.0)
)


class Clock:
    def __init__(self, now: float = 1_750_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


async def _no_sleep(seconds: float) -> None:
    await asyncio.sleep(0)


def limiter(database: Database, clock: Clock, slack: float = 0.0) -> FloodLimiter:
    return FloodLimiter(
        RULES,
        store=FloodWindowRepository(database),
        clock=clock,
        sleep=_no_sleep,
        slack=slack,
    )


@pytest.fixture
async def second(database_url: DatabaseUrl) -> AsyncIterator[Database]:
    """Another connection (pool) to the same database: another worker."""
    opened = await open_database(database_url)
    try:
        yield opened
    finally:
        await opened.close()


async def test_bookings_are_stored_and_read_back(database: Database) -> None:
    clock = Clock()
    flood = limiter(database, clock)
    moments = [(await flood.reserve(-1001)).moment - clock.now for _ in range(22)]
    assert moments[:3] == [0.0, 1.0, 2.0] and moments[20] == 60.0
    stored = await FloodWindowRepository(database).window("-1001/group")
    assert len(stored.times) == 22 and stored.expires == clock.now + moments[-1] + 60.0
    assert (await FloodWindowRepository(database).window(OVERALL)).times[0] == clock.now


async def test_two_workers_share_the_windows(database: Database, second: Database) -> None:
    clock = Clock()
    one, other = limiter(database, clock), limiter(second, clock)
    slots = await asyncio.gather(*((one if n % 2 else other).reserve(-77) for n in range(24)))
    moments = sorted(slot.moment - clock.now for slot in slots)
    # One per second in the chat, twenty a minute in the channel: no booking lost to a
    # concurrent one, whichever worker made it.
    assert moments[:20] == [float(n) for n in range(20)]
    assert moments[20:] == [60.0, 61.0, 62.0, 63.0]


async def test_a_penalty_blocks_every_worker(database: Database, second: Database) -> None:
    clock = Clock()
    await limiter(database, clock).penalize(-5, 12)
    assert (await limiter(second, clock).reserve(-5)).moment == clock.now + 12
    await limiter(second, clock).penalize(-5, 3)  # a shorter one does not shorten it
    stored = await FloodWindowRepository(database).window("-5")
    assert stored.blocked_until == clock.now + 12


async def test_a_late_answer_is_settled_for_every_worker(
    database: Database, second: Database
) -> None:
    clock = Clock()
    slot = await limiter(database, clock, slack=0.05).acquire(42)
    clock.now += 0.4  # the answer came late
    await limiter(database, clock, slack=0.05).settle(slot)
    nxt = await limiter(second, clock, slack=0.05).reserve(42)
    assert nxt.moment == pytest.approx(slot.moment + 0.4 + 1.05)


async def test_a_slot_booked_ahead_is_checked_when_it_leaves(
    database: Database, second: Database
) -> None:
    clock = Clock()
    first = await limiter(database, clock).reserve(9)
    ahead = await limiter(second, clock).reserve(9)
    assert ahead.ahead and ahead.moment == first.moment + 1
    clock.now += 0.3  # the first leaves late
    await limiter(database, clock).depart(first)
    clock.now = ahead.moment
    moved = await limiter(second, clock).depart(ahead)
    assert moved.ahead and moved.moment == pytest.approx(first.moment + 1.3)


async def test_expired_windows_are_deleted(database: Database) -> None:
    clock = Clock()
    store = FloodWindowRepository(database)
    flood = limiter(database, clock)
    await flood.reserve(1)
    await flood.reserve(-100)
    clock.now += 61.5
    await flood.reserve(2)  # a minute on: this booking prunes what expired
    rows = await database.fetch_all("SELECT key FROM flood_windows ORDER BY key")
    assert sorted(row[0] for row in rows) == sorted([OVERALL, "2"])
    assert await store.prune(clock.now + 10) == 2
    assert await store.window("2") == FloodWindow()
