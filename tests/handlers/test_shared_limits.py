"""Limits shared by worker processes: two OS processes over one PostgreSQL database.

Each process sends to the same channel through the local Bot API server, which enforces a
scaled-down per-chat limit (two messages a second, no burst) so the test takes seconds; our
limiter gets the same rule. With the windows in the database the two together stay within
it: no 429. With each process's windows in its own memory (what one process over SQLite
uses) they send twice the rate and Telegram refuses — the problem the database fixes, shown
here so that the first test is known to bite. The per-user limit likewise: two processes
counting one user's requests count them once.
"""

from __future__ import annotations

import asyncio
import itertools
import multiprocessing
import time
from typing import Any

import pytest
from telegram.ext import ExtBot

from bot.flood import FloodRule, FloodRules
from bot.settings import DatabaseUrl
from db.connection import open_database
from devtools.botapi import DEFAULT_TOKEN, BotAPIServer, FloodPolicy
from devtools.pgserver import PostgresServer
from handlers.app import flood_limiter_for
from handlers.errors import RateLimitedError
from handlers.ratelimit import rate_limiter_for
from handlers.retry import RetryAfterLimiter
from tests.engines import fresh_schema

pytestmark = pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")

CHANNEL = -1001234567
PER_SECOND = 2.0  # in the channel: the fake server's rule …
RULES = FloodRules(  # … and ours
    overall=FloodRule(30, 1.0),
    per_chat=FloodRule(1, 1 / PER_SECOND),
    per_group=FloodRule(1000, 60.0),
)
POLICY = FloodPolicy(
    per_second=30, chat_per_second=PER_SECOND, chat_burst=1, group_per_minute=1000
)
PROCESSES = 2
EACH = 5
_SPAWN = multiprocessing.get_context("spawn")


@pytest.fixture
def postgres_url(postgres: PostgresServer) -> DatabaseUrl:
    return fresh_schema(postgres)


def _send(url: str, api_root: str, shared: bool, number: int, barrier: Any) -> None:
    """One worker process: its own limiter (in the database, or in its memory) and bot."""

    async def main() -> None:
        database = await open_database(DatabaseUrl.parse(url))
        flood = flood_limiter_for(database if shared else None, RULES)
        bot = ExtBot(
            DEFAULT_TOKEN,
            base_url=f"{api_root}/bot",
            rate_limiter=RetryAfterLimiter(flood=flood, max_wait=5),
        )
        try:
            async with bot:
                await asyncio.to_thread(barrier.wait, 60)  # both start sending together
                await asyncio.gather(
                    *(
                        bot.send_message(CHANNEL, f"خبر عاجل رقم {n + 1} من العامل {number}")
                        for n in range(EACH)
                    )
                )
        finally:
            await database.close()

    asyncio.run(main())


def _run_senders(url: DatabaseUrl, api: BotAPIServer, *, shared: bool) -> None:
    barrier = _SPAWN.Barrier(PROCESSES)
    workers = [
        _SPAWN.Process(target=_send, args=(url.dsn(), api.root, shared, n, barrier))
        for n in range(PROCESSES)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(120)
    assert [worker.exitcode for worker in workers] == [0] * PROCESSES


@pytest.fixture
def api() -> Any:
    server = BotAPIServer(flood=POLICY).start()
    server.channel(CHANNEL, "أخبار الساحل")
    try:
        yield server
    finally:
        server.stop()


def test_two_processes_share_the_channel_limit(
    postgres_url: DatabaseUrl, api: BotAPIServer
) -> None:
    mark = api.mark()
    _run_senders(postgres_url, api, shared=True)
    assert api.refusals(429, since=mark) == []
    times = [call.at for call in api.posts(CHANNEL, since=mark)]
    assert len(times) == PROCESSES * EACH
    gaps = [later - earlier for earlier, later in itertools.pairwise(times)]
    assert min(gaps) >= 1 / PER_SECOND - 1e-6  # together, within the channel's rule


def test_windows_in_each_process_memory_let_twice_the_rate_through(
    postgres_url: DatabaseUrl, api: BotAPIServer
) -> None:
    mark = api.mark()
    _run_senders(postgres_url, api, shared=False)
    assert len(api.refusals(429, since=mark)) > 0
    assert len(api.posts(CHANNEL, since=mark)) == PROCESSES * EACH  # retried after the 429s


PER_MINUTE = 4
USER = 7001


def _count(url: str, shared: bool, barrier: Any, results: Any) -> None:
    """One worker process counting the same user's requests."""

    async def main() -> None:
        database = await open_database(DatabaseUrl.parse(url))
        limiter = rate_limiter_for(PER_MINUTE, database if shared else None)
        counted = 0
        try:
            await asyncio.to_thread(barrier.wait, 60)
            for n in range(PER_MINUTE):
                try:
                    await limiter.hit(USER, f"https://akhbar-sahel.ma/{time.time()}-{n}")
                except RateLimitedError:
                    continue
                counted += 1
        finally:
            await database.close()
        results.put(counted)

    asyncio.run(main())


@pytest.mark.parametrize(("shared", "counted"), [(True, PER_MINUTE), (False, 2 * PER_MINUTE)])
def test_two_processes_count_one_users_requests_together(
    postgres_url: DatabaseUrl, shared: bool, counted: int
) -> None:
    barrier = _SPAWN.Barrier(PROCESSES)
    results = _SPAWN.Queue()
    workers = [
        _SPAWN.Process(target=_count, args=(postgres_url.dsn(), shared, barrier, results))
        for _ in range(PROCESSES)
    ]
    for worker in workers:
        worker.start()
    totals = [results.get(timeout=120) for _ in workers]
    for worker in workers:
        worker.join(60)
    # Shared: the user gets the limit, wherever the requests land; alone, each process
    # would let the limit through (twice it in all).
    assert sum(totals) == counted
