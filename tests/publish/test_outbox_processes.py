"""Outbox workers as separate OS processes over one PostgreSQL database, against the local
Bot API server and the fake X: every post sent once however many workers drain the queue,
a worker killed with SIGKILL replaced after its lease, a live worker never robbed."""

from __future__ import annotations

import asyncio
import re
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import pytest

from bot.newsroom.models import NewsroomDraft, OutboxStatus, PostKind, Target
from bot.publish.outbox import BATCH
from bot.settings import DatabaseUrl
from db.connection import open_database
from devtools.botapi import BotAPIServer
from devtools.desk_player import UNKNOWN_MARK
from devtools.outbox_load import queue_approved
from devtools.outbox_worker import OutboxWorkerProcess
from devtools.pgserver import PostgresServer
from devtools.xapi import CREDENTIALS, XAPIServer
from tests.engines import fresh_schema

pytestmark = pytest.mark.slow

DESK_ID = -1009876543210
DEFAULT_CHANNEL = "@akhbar_sahel"
# The default channel, then the group's other papers (a draft names its own channel).
CHANNELS = (
    (-1001234567890, "akhbar_sahel", "أخبار الساحل"),
    (-1001234567891, "sahel_riyada", "الساحل الرياضي"),
    (-1001234567892, "sahel_iqtisad", "الساحل الاقتصادي"),
    (-1001234567893, "sahel_jihat", "جهات الساحل"),
    (-1001234567894, "sahel_thaqafa", "الساحل الثقافي"),
    (-1001234567895, "sahel_rabat", "الساحل - الرباط"),
)
BOTH = frozenset({Target.CHANNEL, Target.X})
SETTLE = 180.0


@pytest.fixture
def database(postgres: PostgresServer) -> DatabaseUrl:
    return fresh_schema(postgres)


@pytest.fixture
def xapi() -> Iterator[XAPIServer]:
    server = XAPIServer().start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def workers(
    bot_api: BotAPIServer, xapi: XAPIServer, database: DatabaseUrl, tmp_path: Path
) -> Iterator[Callable[..., OutboxWorkerProcess]]:
    """Make worker processes (stopped at the end, their logs shown if the test failed)."""
    bot_api.group(DESK_ID, "تحرير أخبار الساحل")
    for chat_id, username, title in CHANNELS:
        bot_api.channel(chat_id, title, username=username)
    made: list[OutboxWorkerProcess] = []

    def make(
        name: str, *, lease: float, x: bool = True, flood: bool = True, batch: int = BATCH
    ) -> OutboxWorkerProcess:
        env = {
            "DATABASE_URL": database.dsn(),
            "TELEGRAM_BOT_TOKEN": bot_api.token,
            "TELEGRAM_API_BASE_URL": bot_api.root,
            "CHANNEL_ID": DEFAULT_CHANNEL,
            "EDITOR_CHAT_ID": str(DESK_ID),
            "OUTBOX_LEASE_SECONDS": str(lease),
        }
        if x:
            env |= {
                "X_API_KEY": CREDENTIALS["api_key"],
                "X_API_SECRET": CREDENTIALS["api_secret"],
                "X_ACCESS_TOKEN": CREDENTIALS["access_token"],
                "X_ACCESS_TOKEN_SECRET": CREDENTIALS["access_token_secret"],
                "X_API_BASE_URL": xapi.root,
            }
        worker = OutboxWorkerProcess(
            name, env, tmp_path, flood=flood, reconcile_delay=0.5, batch=batch
        )
        made.append(worker)
        return worker

    yield make
    for worker in made:
        worker.stop()
    for worker in made:
        print(f"----- {worker.name}\n{worker.log()[-4000:]}")


def seed(
    database: DatabaseUrl,
    count: int,
    *,
    targets: frozenset[Target] = BOTH,
    channels: Sequence[str | None] = (None,),
    start: int = 0,
) -> list[NewsroomDraft]:
    """Approve ``count`` drafts through the newsroom, telling the workers of every process."""

    async def run() -> list[NewsroomDraft]:
        opened = await open_database(database)
        try:
            return await queue_approved(
                opened, count, targets=targets, channels=channels, start=start, announce=True
            )
        finally:
            await opened.close()

    return asyncio.run(run())


def rows(database: DatabaseUrl) -> list[tuple[int, int, PostKind, OutboxStatus, str | None]]:
    """(id, draft, kind, status, holder or sender) of every outbox row."""

    async def run() -> list[tuple[int, int, PostKind, OutboxStatus, str | None]]:
        opened = await open_database(database)
        try:
            found = await opened.fetch_all(
                "SELECT id, draft_id, kind, status, lease_owner FROM outbox ORDER BY id"
            )
        finally:
            await opened.close()
        return [(r[0], r[1], PostKind(r[2]), OutboxStatus(r[3]), r[4]) for r in found]

    return asyncio.run(run())


def wait_until(condition: Callable[[], bool], *, timeout: float = SETTLE) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting")
        time.sleep(0.1)


def channel_texts(api: BotAPIServer) -> Counter[str]:
    """Every post the channels received, by text."""
    return Counter(
        call.params["text"] for chat_id, _, _ in CHANNELS for call in api.posts(chat_id)
    )


def desk(api: BotAPIServer) -> list[str]:
    """What the editors' group received."""
    return [call.params["text"] for call in api.posts(DESK_ID)]


# The first line of a publication's report (templates/messages/newsroom/report.html.j2).
REPORT = re.compile(r"^(?:✅|⚠️) (?:نُشرت|تعذر نشر) المسودة #(\d+)")


def reported(api: BotAPIServer) -> Counter[int]:
    """How many times the editors were told how each draft's publication ended."""
    return Counter(int(found.group(1)) for text in desk(api) if (found := REPORT.match(text)))


@pytest.mark.no_flood_limits
def test_four_workers_drain_six_hundred_posts_each_exactly_once(
    bot_api: BotAPIServer,
    xapi: XAPIServer,
    database: DatabaseUrl,
    workers: Callable[..., OutboxWorkerProcess],
) -> None:
    # Limits off (server and workers): each worker paces channel posts in its own process,
    # so four of them would together exceed one bot's limits and spend the test waiting out
    # 429s. Shared limits are another part of the work; this test is about who sends what.
    started = [workers(f"w{n}", lease=10, flood=False).start(wait=False) for n in range(4)]
    for worker in started:
        worker.wait_ready()
    channels = [None, *(f"@{username}" for _, username, _ in CHANNELS[1:])]
    # 200 drafts for the channels and X, 200 for the channels only: 600 posts.
    drafts = seed(database, 200, channels=channels)
    drafts += seed(
        database, 200, targets=frozenset({Target.CHANNEL}), channels=channels, start=200
    )
    expected_channel = Counter(draft.content.channel_text for draft in drafts)
    expected_x = Counter(draft.content.x_text for draft in drafts if Target.X in draft.targets)
    assert len(expected_channel) == 400 and len(expected_x) == 200

    wait_until(lambda: sum(channel_texts(bot_api).values()) >= 400 and len(xapi.posts) >= 200)
    wait_until(lambda: sum(reported(bot_api).values()) >= 400)
    for worker in started:
        worker.stop()

    assert channel_texts(bot_api) == expected_channel
    assert Counter(post.text for post in xapi.posts) == expected_x
    final = rows(database)
    assert len(final) == 600
    assert {status for _, _, _, status, _ in final} == {OutboxStatus.SENT}
    # Every worker took its share.
    assert {sender for *_, sender in final} == {f"w{n}" for n in range(4)}
    # And the editors heard of each publication once.
    assert reported(bot_api) == Counter(draft.id for draft in drafts)


@pytest.mark.parametrize("created", [True, False], ids=["x-post-made", "x-post-not-made"])
def test_a_killed_workers_posts_are_sent_by_the_others_once_its_lease_runs_out(
    bot_api: BotAPIServer,
    xapi: XAPIServer,
    database: DatabaseUrl,
    workers: Callable[..., OutboxWorkerProcess],
    created: bool,
) -> None:
    drafts = seed(database, 6)
    # The worker takes them all in its first claims. Its first channel post reaches Telegram,
    # whose answer is held back; its first X post reaches X (made, or not), which never
    # answers. The rest of each batch waits its turn behind them (one channel, one account).
    first_channel = CHANNELS[0][0]
    bot_api.slow_next("sendMessage", seconds=120, chat_id=first_channel)
    held = xapi.hold_next("/2/tweets", created=created)
    doomed = workers("doomed", lease=3).start()
    wait_until(lambda: bool(bot_api.find("sendMessage", chat_id=first_channel)))
    assert held.arrived.wait(timeout=SETTLE)
    doomed.kill()
    before = rows(database)
    in_hand = [row for row in before if row[3] is OutboxStatus.CLAIMED]
    assert in_hand and {row[4] for row in in_hand} == {"doomed"}

    heirs = [workers(name, lease=3).start(wait=False) for name in ("heir-1", "heir-2")]
    for heir in heirs:
        heir.wait_ready()
    first = drafts[0]

    def settled() -> bool:
        open_rows = [row for row in rows(database) if row[3] is not OutboxStatus.SENT]
        return (
            len(open_rows) == 1
            and open_rows[0][1:4] == (first.id, PostKind.CHANNEL_POST, OutboxStatus.UNKNOWN)
            and open_rows[0][4] is None  # the editors were asked: nobody holds it now
            and sum(reported(bot_api).values()) >= 5
        )

    wait_until(settled)
    for heir in heirs:
        heir.stop()
    final = rows(database)

    # The others told the editors about the five publications that ended.
    assert reported(bot_api) == Counter(draft.id for draft in drafts[1:])
    # X: the post in flight was adopted if X had made it, sent again if not; never both.
    assert Counter(post.text for post in xapi.posts) == Counter(d.content.x_text for d in drafts)
    # The channel post in flight is not sent again: the editors were asked, once.
    assert channel_texts(bot_api) == Counter(d.content.channel_text for d in drafts)
    questions = [text for text in desk(bot_api) if UNKNOWN_MARK in text]
    assert len(questions) == 1 and f"#{first.id}" in questions[0]
    # What the dead worker held, not yet started, was sent by the others after its lease.
    senders = {row[0]: row[4] for row in final if row[3] is OutboxStatus.SENT}
    assert {senders[row[0]] for row in in_hand} <= {"heir-1", "heir-2"}
    # Its X post in flight: adopted (no worker sent it) or sent again by one of them.
    (x_in_flight,) = [
        row for row in before if row[3] is OutboxStatus.SENDING and row[2] is PostKind.X_POST
    ]
    assert senders[x_in_flight[0]] in ({None} if created else {"heir-1", "heir-2"})


def test_a_worker_started_later_leaves_a_live_workers_posts_alone(
    bot_api: BotAPIServer,
    database: DatabaseUrl,
    workers: Callable[..., OutboxWorkerProcess],
) -> None:
    # Twenty posts for one channel: the first worker takes them all in one claim and sends
    # them at Telegram's pace (one a second), so it holds most of them for several leases,
    # renewing its hold every 1.5 s; the second starts while the first's claim has 2-3 s
    # left, and from then on would take every row whose hold was not renewed.
    drafts = seed(database, 20, targets=frozenset({Target.CHANNEL}))
    first = workers("first", lease=6, x=False, batch=20).start()
    channel = CHANNELS[0][0]
    wait_until(lambda: bool(bot_api.posts(channel)))
    waiting = [row for row in rows(database) if row[3] is OutboxStatus.CLAIMED]
    assert len(waiting) >= 10 and {row[4] for row in waiting} == {"first"}

    second = workers("second", lease=6, x=False).start()
    wait_until(lambda: len(bot_api.posts(channel)) == 20)
    second.stop()
    first.stop()

    assert {row[3:] for row in rows(database)} == {(OutboxStatus.SENT, "first")}
    assert channel_texts(bot_api) == Counter(draft.content.channel_text for draft in drafts)
    assert "queued again" not in second.log() and "reconciling" not in second.log()
