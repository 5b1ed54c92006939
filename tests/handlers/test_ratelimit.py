"""The per-user sliding window, kept in memory and in the database (both engines)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.ratelimit import MemoryUserWindows, UserWindowStore
from bot.settings import DatabaseUrl
from db.connection import open_database
from db.ratelimit import RateWindowRepository
from devtools.pgserver import PostgresServer
from handlers.errors import RateLimitedError
from handlers.ratelimit import RateLimiter, rate_limiter_for
from tests.engines import ENGINES, engine_url, fresh_schema


@pytest.fixture(params=("memory", *ENGINES))
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> DatabaseUrl | None:
    """Where the windows live: memory (None), or a database on each engine."""
    return None if request.param == "memory" else engine_url(request, tmp_path)


@pytest.fixture
async def store(store_url: DatabaseUrl | None) -> AsyncIterator[UserWindowStore]:
    if store_url is None:
        yield MemoryUserWindows()
        return
    database = await open_database(store_url)
    try:
        yield RateWindowRepository(database)
    finally:
        await database.close()


@pytest.fixture
def postgres_url(postgres: PostgresServer) -> DatabaseUrl:
    return fresh_schema(postgres)


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def test_allows_the_limit_then_refuses_with_the_wait(store: UserWindowStore) -> None:
    clock = Clock()
    limiter = RateLimiter(5, store=store, clock=clock)
    for _ in range(5):
        await limiter.hit(42)
        clock.now += 2
    with pytest.raises(RateLimitedError) as caught:
        await limiter.hit(42)
    assert caught.value.limit == 5
    assert caught.value.retry_after == 50  # the first hit leaves the window at t+60
    assert await limiter.retry_after(42) == pytest.approx(50)
    assert "طلبات" in caught.value.message_ar


async def test_users_are_counted_apart_and_the_window_slides(store: UserWindowStore) -> None:
    clock = Clock()
    limiter = RateLimiter(2, store=store, clock=clock)
    await limiter.hit(1)
    await limiter.hit(1)
    await limiter.hit(2)  # another user is not affected
    with pytest.raises(RateLimitedError):
        await limiter.hit(1)
    clock.now += 60
    await limiter.hit(1)
    assert await limiter.retry_after(1) == 0


async def test_refused_requests_do_not_extend_the_wait(store: UserWindowStore) -> None:
    clock = Clock()
    limiter = RateLimiter(1, store=store, clock=clock)
    await limiter.hit(7)
    for _ in range(10):
        clock.now += 5
        with pytest.raises(RateLimitedError):
            await limiter.hit(7)
    clock.now += 10.0  # 60 s after the only counted request
    await limiter.hit(7)


def test_limit_must_be_positive() -> None:
    with pytest.raises(ValueError):
        RateLimiter(0)


async def test_a_refused_user_is_told_once_per_wait(store: UserWindowStore) -> None:
    clock = Clock()
    limiter = RateLimiter(1, store=store, clock=clock)
    await limiter.hit(9)
    told = []
    for _ in range(5):  # five more messages within the minute
        clock.now += 5
        with pytest.raises(RateLimitedError) as caught:
            await limiter.hit(9)
        told.append(caught.value.notify)
    assert told == [True, False, False, False, False]
    clock.now += 35  # the wait announced in the first notice is over
    await limiter.hit(9)
    with pytest.raises(RateLimitedError) as caught:
        await limiter.hit(9)
    assert caught.value.notify  # a new window, a new notice


async def test_a_refunded_request_does_not_count(store: UserWindowStore) -> None:
    limiter = RateLimiter(2, store=store, clock=Clock())
    await limiter.hit(3)
    await limiter.hit(3)
    await limiter.refund(3)  # the article was already prepared
    await limiter.hit(3)
    with pytest.raises(RateLimitedError):
        await limiter.hit(3)
    await limiter.refund(404)  # nobody to refund: nothing happens


async def test_the_same_article_within_the_window_is_counted_once(store: UserWindowStore) -> None:
    clock = Clock()
    limiter = RateLimiter(2, store=store, clock=clock)
    for _ in range(4):  # one link sent four times in a hurry
        await limiter.hit(8, "https://akhbar-sahel.ma/a.html")
    await limiter.hit(8, "https://akhbar-sahel.ma/b.html")
    with pytest.raises(RateLimitedError):
        await limiter.hit(8, "https://akhbar-sahel.ma/c.html")
    await limiter.refund(8, "https://akhbar-sahel.ma/a.html")  # found ready after all
    await limiter.hit(8, "https://akhbar-sahel.ma/c.html")


async def test_windows_of_users_gone_quiet_are_pruned(store: UserWindowStore) -> None:
    clock = Clock()
    limiter = RateLimiter(3, store=store, clock=clock)
    await limiter.hit(1)
    await limiter.hit(2)
    clock.now += 61  # the next hit, a minute on, drops what expired
    await limiter.hit(3)
    assert await store.prune(clock.now) == 0  # already done
    assert (await store.get(1)).hits == () and (await store.get(3)).hits != ()


async def test_the_bot_shares_the_windows_only_over_postgresql(
    tmp_path: Path, postgres_url: DatabaseUrl
) -> None:
    assert isinstance(rate_limiter_for(5, None).store, MemoryUserWindows)
    for url, kind in (
        (DatabaseUrl.sqlite(tmp_path / "nashir.sqlite3"), MemoryUserWindows),
        (postgres_url, RateWindowRepository),
    ):
        database = await open_database(url)
        try:
            assert isinstance(rate_limiter_for(5, database).store, kind)
        finally:
            await database.close()
