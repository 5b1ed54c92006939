"""The leader lease and the once-only claims on due work, on both engines; on PostgreSQL the
concurrent cases really run at once (a connection per coroutine)."""

from __future__ import annotations

import asyncio
import datetime as dt

from db.database import Database
from db.people import LeaseRepository
from db.task_runs import TaskRunRepository

T0 = dt.datetime(2026, 12, 4, 8, 0, tzinfo=dt.UTC)
TTL = dt.timedelta(seconds=30)
SECOND = dt.timedelta(seconds=1)


async def test_a_lease_is_held_renewed_and_taken_over_only_once_it_ends(
    database: Database,
) -> None:
    leases = LeaseRepository(database)
    assert await leases.take("scheduler", "web-1:101:aa", now=T0, ttl=TTL)
    assert not await leases.take("scheduler", "web-2:202:bb", now=T0 + 10 * SECOND, ttl=TTL)
    # The holder renews; the end moves, so the other still cannot take it at T0 + 30 s.
    assert await leases.take("scheduler", "web-1:101:aa", now=T0 + 10 * SECOND, ttl=TTL)
    assert not await leases.take("scheduler", "web-2:202:bb", now=T0 + 30 * SECOND, ttl=TTL)
    assert await leases.current("scheduler") == ("web-1:101:aa", T0 + 40 * SECOND)
    # Not renewed again (the holder died): taken over the moment it ends.
    assert await leases.take("scheduler", "web-2:202:bb", now=T0 + 40 * SECOND, ttl=TTL)
    assert await leases.current("scheduler") == ("web-2:202:bb", T0 + 70 * SECOND)
    # The former holder, back from a stall, cannot renew what is no longer its own.
    assert not await leases.take("scheduler", "web-1:101:aa", now=T0 + 41 * SECOND, ttl=TTL)


async def test_a_released_lease_is_free_at_once_but_only_its_holder_releases_it(
    database: Database,
) -> None:
    leases = LeaseRepository(database)
    assert await leases.take("scheduler", "web-1:101:aa", now=T0, ttl=TTL)
    await leases.release("scheduler", "web-2:202:bb")
    assert not await leases.take("scheduler", "web-2:202:bb", now=T0 + SECOND, ttl=TTL)
    await leases.release("scheduler", "web-1:101:aa")
    assert await leases.current("scheduler") is None
    assert await leases.take("scheduler", "web-2:202:bb", now=T0 + SECOND, ttl=TTL)


async def test_seizing_takes_a_lease_whoever_holds_it(database: Database) -> None:
    leases = LeaseRepository(database)
    assert await leases.take("scheduler", "host:101:aa", now=T0, ttl=TTL)
    await leases.seize("scheduler", "host:303:cc", now=T0 + SECOND, ttl=TTL)
    assert await leases.current("scheduler") == ("host:303:cc", T0 + 31 * SECOND)


async def test_of_many_racing_for_a_free_lease_one_wins(database: Database) -> None:
    leases = LeaseRepository(database)
    # Free at first, then expired: both races have exactly one winner.
    for now in (T0, T0 + 2 * TTL):
        won = await asyncio.gather(
            *(leases.take("scheduler", f"web-{n}", now=now, ttl=TTL) for n in range(8))
        )
        assert sum(won) == 1


async def test_a_run_is_claimed_once_and_each_due_time_is_its_own_run(
    database: Database,
) -> None:
    runs = TaskRunRepository(database)
    at = T0 + dt.timedelta(hours=1)
    assert await runs.claim("publish:7", at, "web-1:101:aa", T0)
    assert not await runs.claim("publish:7", at, "web-2:202:bb", T0)
    assert not await runs.claim("publish:7", at, "web-1:101:aa", T0 + SECOND)
    assert await runs.holder("publish:7", at) == "web-1:101:aa"
    # Another draft, or the same draft moved to another time: other runs.
    assert await runs.claim("publish:8", at, "web-2:202:bb", T0)
    assert await runs.claim("publish:7", at + SECOND, "web-2:202:bb", T0)


async def test_of_many_racing_for_a_run_one_wins(database: Database) -> None:
    runs = TaskRunRepository(database)
    won = await asyncio.gather(*(runs.claim("feed:3", T0, f"web-{n}", T0) for n in range(8)))
    assert sum(won) == 1
    stale = T0 + dt.timedelta(minutes=20)
    retaken = await asyncio.gather(
        *(
            runs.claim("feed:3", T0, f"web-{n}", stale, stale_after=dt.timedelta(minutes=15))
            for n in range(8)
        )
    )
    assert sum(retaken) == 1


async def test_a_claim_left_by_a_dead_holder_is_taken_over_once_stale(
    database: Database,
) -> None:
    runs = TaskRunRepository(database)
    stale = dt.timedelta(minutes=2)
    assert await runs.claim("publish:7", T0, "web-1:101:aa", T0)
    assert not await runs.claim(
        "publish:7", T0, "web-2:202:bb", T0 + 119 * SECOND, stale_after=stale
    )
    assert await runs.claim("publish:7", T0, "web-2:202:bb", T0 + 120 * SECOND, stale_after=stale)
    assert await runs.holder("publish:7", T0) == "web-2:202:bb"
    # Fresh again: nobody else takes it now.
    assert not await runs.claim(
        "publish:7", T0, "web-3:303:cc", T0 + 121 * SECOND, stale_after=stale
    )


async def test_a_released_claim_can_be_claimed_again_but_only_its_holder_releases(
    database: Database,
) -> None:
    runs = TaskRunRepository(database)
    assert await runs.claim("publish:7", T0, "web-1:101:aa", T0)
    await runs.release("publish:7", T0, "web-2:202:bb")
    assert not await runs.claim("publish:7", T0, "web-2:202:bb", T0)
    await runs.release("publish:7", T0, "web-1:101:aa")
    assert await runs.claim("publish:7", T0, "web-2:202:bb", T0)


async def test_old_runs_are_pruned_and_recent_ones_kept(database: Database) -> None:
    runs = TaskRunRepository(database)
    for n in range(5):
        assert await runs.claim(f"feed:{n}", T0, "web-1", T0 + dt.timedelta(hours=n))
    assert await runs.prune(T0 + dt.timedelta(hours=3)) == 3
    assert [await runs.holder(f"feed:{n}", T0) for n in range(5)] == [
        None,
        None,
        None,
        "web-1",
        "web-1",
    ]
