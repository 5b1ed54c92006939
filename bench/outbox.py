"""Outbox drain benchmark: how fast one and several worker processes send queued posts, and
that each is sent exactly once.

Against the local Bot API server and the fake X, both without sending limits (the figure is
what the outbox and its database can do; Telegram's own limits — about 30 messages/s per bot,
20/min per channel — come on top, see docs/scaling.md). ``--drafts`` (400) drafts are
approved through the newsroom: the first half for the channels and X, the second half for
the channels only (600 posts by default), spread over six channels, each with a real card
(drawn once, uploaded with every post). Then the workers start — ``python -m
devtools.outbox_worker``, as separate processes — and drain the outbox; each publication also
sends its report to the editors' group, as in production.

Runs: SQLite with one process (the embedded deployment), then PostgreSQL with each of
``--processes`` (1 and 4). The posts are queued before the workers start, due once all of
them are up, then released at once. Printed per run: posts per second (from the first post
recorded sent to the last), the workers' CPU per post (after their start-up, reports
included), and posts (and reports) doubled or missing.

    .venv/bin/python bench/outbox.py
    .venv/bin/python bench/outbox.py --drafts 100 --processes 1 2 4

Targets: every post sent and every publication reported exactly once [0 doubled, 0 missing];
one worker drains at least ``MIN_RATE`` posts/s, Telegram's limit for a whole bot, so that
the outbox is never what holds publishing back. Exits 1 naming every missed target. The
machine's other load shows in the rates; the CPU per post is the steadier figure.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import re
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bot.newsroom.drafting import DraftOptions  # noqa: E402
from bot.newsroom.models import DraftCard, NewsroomDraft, Target  # noqa: E402
from bot.pipeline import build_share_service  # noqa: E402
from bot.settings import DatabaseUrl, load_settings  # noqa: E402
from db.connection import open_database  # noqa: E402
from db.database import from_text, to_text  # noqa: E402
from db.outbox import OutboxRepository  # noqa: E402
from devtools.botapi import BotAPIServer  # noqa: E402
from devtools.card_samples import sample_article  # noqa: E402
from devtools.outbox_load import queue_approved  # noqa: E402
from devtools.outbox_worker import OutboxWorkerProcess  # noqa: E402
from devtools.pgserver import PostgresServer  # noqa: E402
from devtools.xapi import CREDENTIALS, XAPIServer  # noqa: E402

MIN_RATE = 30.0  # posts/s: what Telegram allows one bot in all
DESK_ID = -1009876543210
CHANNELS = (
    (-1001234567890, "akhbar_sahel", "أخبار الساحل"),
    (-1001234567891, "sahel_riyada", "الساحل الرياضي"),
    (-1001234567892, "sahel_iqtisad", "الساحل الاقتصادي"),
    (-1001234567893, "sahel_jihat", "جهات الساحل"),
    (-1001234567894, "sahel_thaqafa", "الساحل الثقافي"),
    (-1001234567895, "sahel_rabat", "الساحل - الرباط"),
)
REPORT = re.compile(r"^(?:✅|⚠️) (?:نُشرت|تعذر نشر) المسودة #(\d+)")
TIMEOUT = 600.0
# Posts are queued due this far ahead, then released at once when every worker is ready.
GATE = dt.timedelta(minutes=10)


@dataclass(frozen=True)
class Run:
    engine: str
    processes: int
    posts: int
    seconds: float
    cpu_per_post_ms: float
    doubled: int
    missing: int
    reports_wrong: int

    @property
    def rate(self) -> float:
        return self.posts / self.seconds if self.seconds else 0.0


async def card_set() -> tuple[DraftCard, ...]:
    """The sample article's real cards (the channel's and X's), drawn once."""
    service = build_share_service(load_settings({"SITE_NAME": "أخبار الساحل"}, dotenv=None))
    try:
        content = await service.draft_content(sample_article(image_url=None), DraftOptions())
    finally:
        await service.close()
    return content.cards


async def seed(
    url: DatabaseUrl, drafts: int, cards: tuple[DraftCard, ...], *, due: dt.datetime
) -> list[NewsroomDraft]:
    """The drafts, approved with their posts due at ``due`` (later than the workers start)."""
    channels = [None, *(f"@{username}" for _, username, _ in CHANNELS[1:])]
    database = await open_database(url)
    try:
        half = drafts // 2
        made = await queue_approved(
            database,
            half,
            targets=frozenset({Target.CHANNEL, Target.X}),
            channels=channels,
            cards=cards,
            clock=lambda: due,
        )
        made += await queue_approved(
            database,
            drafts - half,
            targets=frozenset({Target.CHANNEL}),
            channels=channels,
            cards=cards,
            start=half,
            clock=lambda: due,
        )
        return made
    finally:
        await database.close()


async def release(url: DatabaseUrl) -> None:
    """Every post due now, and the workers told (the start line of the measurement)."""
    database = await open_database(url, pool_size=2)
    try:
        async with database.transaction() as tx:
            now = dt.datetime.now(dt.UTC)
            await tx.execute("UPDATE outbox SET not_before = ?", (to_text(now),))
        await OutboxRepository(database).announce()
    finally:
        await database.close()


async def progress(url: DatabaseUrl) -> tuple[int, float]:
    """(posts not sent yet, seconds from the first post recorded sent to the last)."""
    database = await open_database(url, pool_size=2)
    try:
        row = await database.fetch_one(
            "SELECT COUNT(*) - COUNT(sent_at), MIN(sent_at), MAX(sent_at) FROM outbox"
        )
    finally:
        await database.close()
    assert row is not None
    first, last = from_text(row[1]), from_text(row[2])
    span = (last - first).total_seconds() if first and last else 0.0
    return int(row[0]), span


def drain(
    url: DatabaseUrl,
    engine: str,
    processes: int,
    drafts: int,
    cards: tuple[DraftCard, ...],
    folder: Path,
) -> Run:
    api = BotAPIServer(flood=None).start()
    xapi = XAPIServer().start()
    workers: list[OutboxWorkerProcess] = []
    try:
        api.group(DESK_ID, "تحرير أخبار الساحل")
        for chat_id, username, title in CHANNELS:
            api.channel(chat_id, title, username=username)
        # Due well after the workers are up: they start idle, then all find the whole queue
        # at once (an SQLite worker, alone, wakes on its own timer within IDLE_POLL).
        made = asyncio.run(seed(url, drafts, cards, due=dt.datetime.now(dt.UTC) + GATE))
        env = {
            "DATABASE_URL": str(url.path) if url.path is not None else url.dsn(),
            "TELEGRAM_BOT_TOKEN": api.token,
            "TELEGRAM_API_BASE_URL": api.root,
            "CHANNEL_ID": "@akhbar_sahel",
            "EDITOR_CHAT_ID": str(DESK_ID),
            "X_API_KEY": CREDENTIALS["api_key"],
            "X_API_SECRET": CREDENTIALS["api_secret"],
            "X_ACCESS_TOKEN": CREDENTIALS["access_token"],
            "X_ACCESS_TOKEN_SECRET": CREDENTIALS["access_token_secret"],
            "X_API_BASE_URL": xapi.root,
            "LOG_LEVEL": "warning",
        }
        workers = [
            OutboxWorkerProcess(f"{engine}-{n}", env, folder, flood=False)
            for n in range(processes)
        ]
        for worker in workers:
            worker.start(wait=False)
        for worker in workers:
            worker.wait_ready()
        expected_channel = Counter(d.content.channel_text for d in made)
        expected_x = Counter(d.content.x_text for d in made if Target.X in d.targets)
        posts = sum(expected_channel.values()) + sum(expected_x.values())
        asyncio.run(release(url))
        deadline = time.monotonic() + TIMEOUT
        while (state := asyncio.run(progress(url)))[0] and time.monotonic() < deadline:
            time.sleep(0.1)
        seconds = state[1] * posts / max(posts - 1, 1)
        cpu = sum(worker.cpu_seconds() - worker.cpu_at_ready() for worker in workers)
        # The last reports are still on their way: wait for them, then count everything.
        while len(_reports(api)) < len(made) and time.monotonic() < deadline:
            time.sleep(0.05)
        for worker in workers:
            worker.stop()
        received = Counter(
            call.params.get("caption") or call.params.get("text")
            for chat_id, _, _ in CHANNELS
            for call in api.posts(chat_id)
        ) + Counter(post.text for post in xapi.posts)
        expected = expected_channel + expected_x
        doubled = sum(max(received[text] - 1, 0) for text in expected) + sum(
            count for text, count in received.items() if text not in expected
        )
        missing = sum(1 for text in expected if received[text] == 0)
        told = Counter(_reports(api))
        reports_wrong = sum(1 for draft in made if told[draft.id] != 1)
        return Run(
            engine, processes, posts, seconds, 1000 * cpu / posts, doubled, missing, reports_wrong
        )
    finally:
        for worker in workers:
            worker.kill()
        api.stop()
        xapi.stop()


def _reports(api: BotAPIServer) -> list[int]:
    return [
        int(found.group(1))
        for call in api.posts(DESK_ID)
        if (found := REPORT.match(str(call.params.get("text", ""))))
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--drafts", type=int, default=400, help="approved drafts (1.5 posts each)")
    parser.add_argument("--processes", type=int, nargs="+", default=[1, 4])
    parser.add_argument("--skip-sqlite", action="store_true")
    args = parser.parse_args()
    cards = asyncio.run(card_set())
    runs: list[Run] = []
    with tempfile.TemporaryDirectory(prefix="nashir-outbox-") as temporary:
        folder = Path(temporary)
        if not args.skip_sqlite:
            print("SQLite, 1 process …", flush=True)
            url = DatabaseUrl.sqlite(folder / "nashir.sqlite3")
            runs.append(drain(url, "sqlite", 1, args.drafts, cards, folder))
        server = PostgresServer.start()
        try:
            for count in args.processes:
                print(f"PostgreSQL, {count} process(es) …", flush=True)
                url = _fresh_schema(server, f"bench_{count}")
                runs.append(drain(url, "postgresql", count, args.drafts, cards, folder))
        finally:
            server.stop()
    misses: list[str] = []
    print()
    print(
        f"{'engine':<11} {'processes':>9} {'posts':>6} {'seconds':>8} {'posts/s':>8}"
        f" {'CPU ms/post':>12} {'doubled':>8} {'missing':>8} {'reports ≠ 1':>12}"
    )
    for run in runs:
        print(
            f"{run.engine:<11} {run.processes:>9} {run.posts:>6} {run.seconds:>8.2f}"
            f" {run.rate:>8.1f} {run.cpu_per_post_ms:>12.1f} {run.doubled:>8} {run.missing:>8}"
            f" {run.reports_wrong:>12}"
        )
        label = f"{run.engine} × {run.processes}"
        if run.doubled or run.missing:
            misses.append(f"{label}: {run.doubled} posts doubled, {run.missing} missing")
        if run.reports_wrong:
            misses.append(f"{label}: {run.reports_wrong} publications not reported exactly once")
        if run.processes == 1 and run.rate < MIN_RATE:
            misses.append(f"{label}: {run.rate:.1f} posts/s (target ≥ {MIN_RATE:.0f})")
    print("(rates depend on the machine's load: the fakes and PostgreSQL share its cores)")
    for miss in misses:
        print(f"MISSED: {miss}")
    return 1 if misses else 0


def _fresh_schema(server: PostgresServer, schema: str) -> DatabaseUrl:
    import asyncpg

    async def create() -> None:
        connection = await asyncpg.connect(server.dsn)
        try:
            await connection.execute(f"CREATE SCHEMA {schema}")
        finally:
            await connection.close()

    asyncio.run(create())
    joiner = "&" if "?" in server.dsn else "?"
    return DatabaseUrl.parse(f"{server.dsn}{joiner}search_path={schema}")


if __name__ == "__main__":
    raise SystemExit(main())
