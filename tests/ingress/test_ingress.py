"""Updates stored once, handled once, one chat's in order — by whichever worker is free."""

from __future__ import annotations

import asyncio
import datetime as dt
import random
from typing import Any

import pytest
from telegram.ext import ApplicationBuilder

from bot.settings import DatabaseUrl, load_settings
from db.connection import open_database
from db.inbox import InboxProgress, InboxRepository, InboxStatus
from devtools.botapi import BotAPIServer
from handlers.ingress import Ingress, IngressConfig, accepting_database, chat_key
from tests.ingress.conftest import message, settle


async def test_the_same_update_reaching_two_workers_is_handled_once(workers: Any) -> None:
    first = await workers("first")
    second = await workers("second")
    update = message(1001, chat=71)

    stored = [await first.ingress.accept(update), await second.ingress.accept(update)]
    # Telegram redelivers too (our answer was lost): still one row.
    stored.append(await second.ingress.accept(update))

    assert stored == [True, False, False]
    await settle(workers.journal, 1)
    await asyncio.sleep(0.5)  # room for a second handling, which must not come
    assert [u for _, u, _ in workers.journal.handled] == [1001]
    counts = await first.ingress.inbox.counts()
    assert counts[InboxStatus.DONE] == 1 and counts[InboxStatus.NEW] == 0


async def test_one_chats_updates_are_handled_in_order_while_chats_run_side_by_side(
    workers: Any,
) -> None:
    """Three workers take a shuffled stream of 5 chats × 12 updates: each chat's updates
    are handled one at a time and in update_id order, and different chats at once."""
    pool = [await workers(name, config=IngressConfig(concurrency=4, poll=0.2)) for name in "abc"]
    updates = [message(2000 + n, chat=100 + n % 5) for n in range(60)]
    rng = random.Random(3)
    for update in updates:  # ids increase, as Telegram's do; the receiving worker varies
        await rng.choice(pool).ingress.accept(update)

    await settle(workers.journal, 60)

    journal = workers.journal
    for chat in range(100, 105):
        handled = journal.of_chat(chat)
        assert handled == sorted(handled) and len(handled) == 12, chat
    assert journal.overlaps == 0
    assert journal.concurrent_chats > 1
    assert len({name for name, _, _ in journal.handled}) > 1  # the work was shared


async def test_updates_of_a_worker_that_died_are_handled_by_another_after_its_lease(
    workers: Any,
) -> None:
    """A worker answered Telegram, claimed the updates and died: nothing is lost."""
    dead = await workers("dead", run=False)
    for n in range(3):
        await dead.ingress.accept(message(3000 + n, chat=300 + n))
    inbox = InboxRepository(dead.database)
    claimed = await inbox.claim(
        owner="dead",
        now=dt.datetime.now(dt.UTC),
        lease=dt.timedelta(seconds=1),
        limit=10,
    )
    assert len(claimed) == 3
    await workers("alive", config=IngressConfig(lease=dt.timedelta(seconds=0.6), poll=0.2))

    await settle(workers.journal, 3)

    assert sorted(u for _, u, _ in workers.journal.handled) == [3000, 3001, 3002]
    assert {name for name, _, _ in workers.journal.handled} == {"alive"}


async def test_a_taken_over_update_sees_what_its_first_attempt_did(workers: Any) -> None:
    """The share flow notes its placeholder and its answer: the next attempt reads them."""
    dead = await workers("dead", run=False)
    for n in range(2):
        await dead.ingress.accept(message(3100 + n, chat=310 + n))
    inbox = InboxRepository(dead.database)
    now = dt.datetime.now(dt.UTC)
    assert (
        len(await inbox.claim(owner="dead", now=now, lease=dt.timedelta(seconds=1), limit=5)) == 2
    )
    await inbox.note_placeholder(3100, 77)
    await inbox.note_placeholder(3101, 78)
    await inbox.note_answered(3101, now=now)
    await workers("alive", config=IngressConfig(lease=dt.timedelta(seconds=0.6), poll=0.2))

    await settle(workers.journal, 2)

    assert workers.journal.attempts == {
        3100: (2, InboxProgress(placeholder_id=77, answered=False)),
        3101: (2, InboxProgress(placeholder_id=78, answered=True)),
    }


async def test_a_first_attempt_reads_nothing(workers: Any) -> None:
    worker = await workers("only")
    await worker.ingress.accept(message(3200, chat=320))
    await settle(workers.journal, 1)
    assert workers.journal.attempts == {3200: (1, InboxProgress())}


async def test_deliveries_are_stored_while_the_handlers_hold_every_connection(
    database_url: DatabaseUrl, bot_api: BotAPIServer
) -> None:
    """On PostgreSQL the receiver has connections of its own: Telegram is answered even
    when the handlers' pool is all taken (on SQLite one connection serves everything)."""
    if database_url.engine != "postgresql":
        pytest.skip("one SQLite connection serves everything")
    settings = load_settings({"DATABASE_URL": database_url.dsn()}, dotenv=None)
    busy = await open_database(database_url, pool_size=1)
    application = ApplicationBuilder().token(bot_api.token).updater(None).build()
    try:
        async with accepting_database(settings) as accepting:
            assert accepting is not None
            ingress = Ingress(application, busy, accepting=accepting)
            held = asyncio.Event()
            release = asyncio.Event()

            async def hold() -> None:
                async with busy.transaction():
                    held.set()
                    await release.wait()

            holder = asyncio.create_task(hold())
            await held.wait()
            try:
                assert await asyncio.wait_for(ingress.accept(message(3300, chat=330)), 5)
            finally:
                release.set()
                await holder
            assert (await ingress.inbox.counts())[InboxStatus.NEW] == 1
    finally:
        await busy.close()


async def test_an_update_that_kills_every_worker_is_given_up_and_the_chat_goes_on(
    workers: Any,
) -> None:
    first = await workers("first", run=False)
    await first.ingress.accept(message(4000, chat=400))
    await first.ingress.accept(message(4001, chat=400))
    inbox = InboxRepository(first.database)
    now = dt.datetime.now(dt.UTC)
    for attempt in range(3):  # three workers took it and died
        moment = now + dt.timedelta(seconds=10 * attempt)
        assert await inbox.claim(
            owner=f"w{attempt}", now=moment, lease=dt.timedelta(seconds=1), limit=5
        )
        await inbox.reap(now=moment + dt.timedelta(seconds=2), max_attempts=3)

    counts = await inbox.counts()
    assert counts[InboxStatus.FAILED] == 1 and counts[InboxStatus.NEW] == 1
    await workers("next", config=IngressConfig(poll=0.2))
    await settle(workers.journal, 1)
    assert [u for _, u, _ in workers.journal.handled] == [4001]


async def test_handled_updates_are_forgotten_after_a_day_not_before(workers: Any) -> None:
    worker = await workers("only")
    await worker.ingress.accept(message(5000, chat=500))
    await settle(workers.journal, 1)
    await asyncio.sleep(0.2)
    inbox = worker.ingress.inbox
    now = dt.datetime.now(dt.UTC)
    assert await inbox.purge(before=now - dt.timedelta(days=1)) == 0
    assert not await worker.ingress.accept(message(5000, chat=500))  # still recognised
    assert await inbox.purge(before=now + dt.timedelta(seconds=1)) == 1


def test_the_chat_of_each_kind_of_update() -> None:
    user = {"id": 9, "is_bot": False, "first_name": "سعاد"}
    assert chat_key(message(1, chat=55)) == 55
    assert chat_key({"update_id": 2, "channel_post": {"chat": {"id": -100123}}}) == -100123
    callback = {"id": "q", "from": user, "message": {"chat": {"id": -4002}}}
    assert chat_key({"update_id": 3, "callback_query": callback}) == -4002
    inline_button = {"id": "q", "from": user, "inline_message_id": "abc"}
    assert chat_key({"update_id": 4, "callback_query": inline_button}) == 9
    assert chat_key({"update_id": 5, "inline_query": {"id": "i", "from": user}}) == 9
    assert chat_key({"update_id": 6, "poll": {"id": "p"}}) == 0
