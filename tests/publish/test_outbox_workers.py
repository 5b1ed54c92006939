"""Several outbox workers over one database, in one process with a clock moved by hand: a
live worker keeps its rows, a dead one's are taken after its lease, queued rows wake the
others, a stopping worker gives back what it has not started sending."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest

from bot.newsroom.models import OutboxStatus, PostKind, Target
from bot.publish import outbox as outbox_module
from bot.settings import Settings
from db.connection import open_database
from db.database import Database
from db.dialect import Dialect
from devtools.outbox_load import queue_approved
from tests.publish.conftest import CHANNEL_ID, EDITORS_CHAT_ID, Publishing

CHANNEL_ONLY = frozenset({Target.CHANNEL})
BOTH = frozenset({Target.CHANNEL, Target.X})


@pytest.fixture
async def elsewhere(settings: Settings) -> AsyncIterator[Database]:
    """The same database through connections of its own, as another process has it."""
    database = await open_database(settings.database_url)
    try:
        yield database
    finally:
        await database.close()


async def statuses(publishing: Publishing) -> dict[int, tuple[OutboxStatus, str | None]]:
    rows = await publishing.database.fetch_all("SELECT id, status, lease_owner FROM outbox")
    return {row[0]: (OutboxStatus(row[1]), row[2]) for row in rows}


async def until(condition: Callable[[], Awaitable[bool]]) -> None:
    """Wait (real time, 30 s at most) until ``condition()`` holds."""
    async with asyncio.timeout(30):
        while not await condition():  # noqa: ASYNC110 — the database has no event to wait on
            await asyncio.sleep(0.02)


async def test_a_second_worker_leaves_a_live_workers_rows_alone(
    publishing: Publishing, elsewhere: Database
) -> None:
    if publishing.database.dialect is Dialect.SQLITE:
        pytest.skip("on SQLite the bot is one process: a starting worker is its only one")
    await queue_approved(publishing.database, 3, targets=CHANNEL_ONLY, clock=publishing.clock)
    first = publishing.worker
    lease = first.lease.total_seconds()
    # The first post's answer is slow: the worker is sending it, the other two wait their turn.
    publishing.api.slow_next("sendMessage", seconds=2, chat_id=CHANNEL_ID)
    sending = asyncio.create_task(first.step(Target.CHANNEL))

    async def first_in_flight() -> bool:
        return OutboxStatus.SENDING in {s for s, _ in (await statuses(publishing)).values()}

    await until(first_in_flight)
    publishing.clock.advance(seconds=lease * 0.75)
    await first.maintain()  # alive: it renews what it holds
    publishing.clock.advance(seconds=lease * 0.5)  # past the lease it claimed with

    second = publishing.other_worker(elsewhere, owner="second")
    await second.recover()
    await second.maintain()
    assert not await second.step(Target.CHANNEL)
    held = await statuses(publishing)
    assert {owner for _, owner in held.values()} == {first.owner}
    assert {status for status, _ in held.values()} == {OutboxStatus.SENDING, OutboxStatus.CLAIMED}

    assert await sending
    await first.reported()
    done = await statuses(publishing)
    assert set(done.values()) == {(OutboxStatus.SENT, first.owner)}
    texts = [call.params["text"] for call in publishing.api.posts(CHANNEL_ID)]
    assert len(texts) == 3 and len(set(texts)) == 3


async def test_a_restart_takes_over_at_once_on_sqlite_after_the_lease_on_postgresql(
    publishing: Publishing, elsewhere: Database
) -> None:
    await queue_approved(publishing.database, 1, targets=CHANNEL_ONLY, clock=publishing.clock)
    lease = publishing.worker.lease
    # The process before this one held the row when it was killed.
    (item,) = await publishing.outbox.claim(
        Target.CHANNEL, owner="before", now=publishing.clock.now, lease=lease
    )
    restarted = publishing.other_worker(elsewhere, owner="after")
    await restarted.recover()
    if publishing.database.dialect is Dialect.POSTGRESQL:
        # Another worker may be alive and holding it: only its lease running out tells.
        assert (await statuses(publishing))[item.id] == (OutboxStatus.CLAIMED, "before")
        assert not await restarted.step(Target.CHANNEL)
        publishing.clock.advance(seconds=lease.total_seconds())
        await restarted.maintain()
    assert (await statuses(publishing))[item.id] == (OutboxStatus.PENDING, None)
    assert await restarted.step(Target.CHANNEL)
    assert (await statuses(publishing))[item.id] == (OutboxStatus.SENT, "after")
    assert len(publishing.api.posts(CHANNEL_ID)) == 1


@pytest.mark.parametrize("created", [True, False], ids=["x-post-made", "x-post-not-made"])
async def test_a_dead_workers_rows_are_taken_once_its_lease_has_run_out(
    publishing: Publishing, elsewhere: Database, created: bool
) -> None:
    drafts = await queue_approved(publishing.database, 2, targets=BOTH, clock=publishing.clock)
    lease = publishing.worker.lease
    outbox = publishing.outbox
    now = publishing.clock.now
    # A worker took everything, started sending the first draft's posts, and died.
    claimed = [
        item
        for target in (Target.CHANNEL, Target.X)
        for item in await outbox.claim(target, owner="dead", now=now, lease=lease, limit=10)
    ]
    assert len(claimed) == 4
    in_flight = [item for item in claimed if item.draft_id == drafts[0].id]
    for item in in_flight:
        assert await outbox.mark_sending(item.id, owner="dead", now=now, lease=lease)
    if created:  # X made the post; its answer died with the worker
        publishing.xapi.add_post(drafts[0].content.x_text)

    other = publishing.other_worker(elsewhere, owner="other")
    publishing.clock.advance(seconds=lease.total_seconds() / 2)
    await other.maintain()
    assert not await other.step(Target.CHANNEL) and not await other.step(Target.X)
    assert publishing.api.posts(CHANNEL_ID) == []

    publishing.clock.advance(seconds=lease.total_seconds() / 2)
    mark = publishing.api.mark()
    await other.maintain()
    await other.reported()  # the reconciliations it started
    for target in (Target.CHANNEL, Target.X):
        while await other.step(target):
            pass
    await other.reported()

    # X: the post in flight was found (or surely absent and sent again): one post each.
    x_texts = [post.text for post in publishing.xapi.posts]
    assert sorted(x_texts) == sorted(draft.content.x_text for draft in drafts)
    # The channel post in flight cannot be looked up: the editors are asked, nothing resent.
    channel_texts = [call.params["text"] for call in publishing.api.posts(CHANNEL_ID)]
    assert channel_texts == [drafts[1].content.channel_text]
    asked = publishing.api.find("sendMessage", since=mark, chat_id=EDITORS_CHAT_ID)
    questions = [call for call in asked if "لا نعرف" in call.result["text"]]
    assert len(questions) == 1 and f"#{drafts[0].id}" in questions[0].result["text"]
    everything = await outbox.with_status(list(OutboxStatus))
    rows = {(item.draft_id, item.kind): item for item in everything}
    assert rows[(drafts[0].id, PostKind.CHANNEL_POST)].status is OutboxStatus.UNKNOWN
    assert all(
        row.status is OutboxStatus.SENT
        for key, row in rows.items()
        if key != (drafts[0].id, PostKind.CHANNEL_POST)
    )
    # Asked once: later rounds, here or on any worker, leave the question to the editors.
    third = publishing.other_worker(owner="third")
    publishing.clock.advance(seconds=lease.total_seconds() * 3)
    await third.recover()
    await third.maintain()
    await other.maintain()
    await third.reported()
    await other.reported()
    again = publishing.api.find("sendMessage", since=mark, chat_id=EDITORS_CHAT_ID)
    assert len([c for c in again if "لا نعرف" in c.result["text"]]) == 1


async def test_queued_rows_wake_the_workers_of_other_processes(
    publishing: Publishing, elsewhere: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Without a wake-up, an idle worker would not look at the table for an hour.
    monkeypatch.setattr(outbox_module, "IDLE_POLL", 3600.0)
    # On SQLite one process is the deployment: the wake-up stays in it.
    shared = publishing.database if publishing.database.dialect == "sqlite" else elsewhere
    idle = publishing.other_worker(shared, owner="idle")
    await idle.listen()
    stop = asyncio.Event()
    running = asyncio.create_task(idle.run(stop))
    try:
        await asyncio.sleep(0.2)  # it has looked, found nothing, and sleeps
        # Approved where another worker runs (its newsroom wakes that worker).
        await queue_approved(
            publishing.database,
            1,
            targets=CHANNEL_ONLY,
            clock=publishing.clock,
            wake=publishing.worker.wake,
        )

        async def posted() -> bool:
            return len(publishing.api.posts(CHANNEL_ID)) == 1

        await until(posted)
    finally:
        stop.set()
        await running
    assert set((await statuses(publishing)).values()) == {(OutboxStatus.SENT, "idle")}


async def test_a_stopping_worker_gives_back_the_rows_it_has_not_started(
    publishing: Publishing,
) -> None:
    await queue_approved(publishing.database, 3, targets=CHANNEL_ONLY, clock=publishing.clock)
    publishing.api.slow_next("sendMessage", seconds=1, chat_id=CHANNEL_ID)
    stop = asyncio.Event()
    running = asyncio.create_task(publishing.worker.run(stop))

    async def first_in_flight() -> bool:
        return OutboxStatus.SENDING in {s for s, _ in (await statuses(publishing)).values()}

    await until(first_in_flight)
    stop.set()
    await running
    rows = sorted((await statuses(publishing)).items())
    assert [status for _, (status, _) in rows] == [
        OutboxStatus.SENT,
        OutboxStatus.PENDING,
        OutboxStatus.PENDING,
    ]
    assert all(owner is None for _, (status, owner) in rows if status is OutboxStatus.PENDING)
    assert len(publishing.api.posts(CHANNEL_ID)) == 1


async def test_rows_a_reaper_queues_again_are_sent_without_waiting_for_a_poll(
    publishing: Publishing, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(outbox_module, "IDLE_POLL", 3600.0)
    await queue_approved(publishing.database, 2, targets=CHANNEL_ONLY, clock=publishing.clock)
    lease = dt.timedelta(seconds=0.4)  # its maintenance runs every 0.1 s (real time)
    await publishing.outbox.claim(
        Target.CHANNEL, owner="dead", now=publishing.clock.now, lease=lease, limit=5
    )
    publishing.clock.advance(seconds=1)
    reaper = publishing.other_worker(owner="reaper", lease=lease)
    stop = asyncio.Event()
    running = asyncio.create_task(reaper.run(stop))
    try:

        async def posted() -> bool:
            return len(publishing.api.posts(CHANNEL_ID)) == 2

        await until(posted)
    finally:
        stop.set()
        await running
    assert set((await statuses(publishing)).values()) == {(OutboxStatus.SENT, "reaper")}
