"""The leader of the scheduled work killed with SIGKILL while a post is scheduled: two newsroom
processes on one PostgreSQL database (``devtools/newsroomprocess.py``), the local Bot API
server as Telegram. Shared by ``tests/e2e/test_leader_failover.py`` (is the post sent once,
by the survivor?) and ``bench/failover.py`` (how long did the handover take?).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from dataclasses import dataclass
from pathlib import Path

from bot.ingest.sources import article_from_html_file
from bot.newsroom.models import DraftStatus, Person, Target
from bot.newsroom.workflow import Newsroom, NewsroomConfig
from bot.pipeline import build_share_service
from bot.settings import DatabaseUrl, load_settings
from db.connection import open_database
from db.drafts import DraftRepository
from db.people import LeaseRepository
from db.task_runs import TaskRunRepository
from devtools.botapi import BotAPIServer
from devtools.desk_player import CHANNEL, DESK_ID, EDITOR, Desk
from devtools.newsroomprocess import ROOT, NewsroomProcess

SAMPLE = ROOT / "examples" / "sample-article.html"
LEASE = "scheduler"
SETTLE = 120.0  # seconds to wait for anything that should happen


@dataclass(frozen=True)
class Failover:
    ttl: float  # LEADER_LEASE_SECONDS
    killed: str  # the leader's holder name
    survivor: str  # the holder after the handover
    takeover: float  # seconds from the kill to the survivor's taking the lease
    after_expiry: float  # seconds from the dead leader's lease end to the takeover
    due_after_kill: float  # the post was due this many seconds after the kill
    posts: int  # channel posts of the scheduled draft
    started_by: str | None  # who claimed the scheduled run
    status: DraftStatus
    released_on_stop: bool  # the survivor's clean stop left no lease behind


def environment(database: str, ttl: int) -> dict[str, str]:
    """Settings of a newsroom process, as environment variables (``database``: DATABASE_URL)."""
    return {
        "DATABASE_URL": database,
        "EDITOR_CHAT_ID": str(DESK_ID),
        "EDITOR_USER_IDS": str(EDITOR),
        "CHANNEL_ID": CHANNEL,
        "LEADER_LEASE_SECONDS": str(ttl),
        "FETCH_ALLOW_PRIVATE_HOSTS": "true",
        "SITE_NAME": "أخبار الساحل",
    }


async def run_failover(
    api: BotAPIServer, url: DatabaseUrl, workdir: Path, *, ttl: int, due_in: float
) -> Failover:
    """Start two processes, schedule a post ``due_in`` seconds ahead, kill the leader."""
    env = environment(url.dsn(), ttl)
    Desk.open(api)
    database = await open_database(url)
    service = build_share_service(load_settings(env, dotenv=None))
    newsroom = Newsroom(drafts=DraftRepository(database), producer=service, config=_config())
    processes: list[NewsroomProcess] = []
    try:
        # A draft waiting for review, made before the processes start (preparing it is most
        # of the CPU a draft costs); scheduled once they run.
        draft = await newsroom.submit(
            article_from_html_file(SAMPLE), by=Person(777, "هشام", "hicham"), origin="submit"
        )
        leases = LeaseRepository(database)
        for name in ("first", "second"):
            process = NewsroomProcess(api, env, workdir, name)
            await asyncio.to_thread(process.start)
            processes.append(process)
        leader, _ = await _wait_for(lambda: _holder(leases), "a leader")
        by_pid = {p.pid: p for p in processes}
        victim = by_pid[int(leader.split(":")[1])]  # the pid in host:pid:random
        (survivor_process,) = [p for p in processes if p is not victim]

        due = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=due_in)
        outcome = await newsroom.schedule(
            draft.id, draft.version, by=Person(EDITOR, "سلمى بنعيسى", "salma"), at=due
        )
        assert outcome.ok, outcome.refusal

        killed_at = dt.datetime.now(dt.UTC)
        await asyncio.to_thread(victim.kill)
        dead = await leases.current(LEASE)
        assert dead is not None and dead[0] == leader, "the lease changed hands before the kill"
        survivor, until = await _wait_for(
            lambda: _holder(leases, other_than=leader), "the survivor to take the lease"
        )
        taken_at = until - dt.timedelta(seconds=ttl)  # its first lease, seen within 20 ms

        drafts = DraftRepository(database)

        async def done() -> DraftStatus | None:
            current = await drafts.get(draft.id)
            if current is None or current.status in (
                DraftStatus.SCHEDULED,
                DraftStatus.PUBLISHING,
            ):
                return None
            return current.status

        status = await _wait_for(done, "the scheduled post to settle")
        started_by = await TaskRunRepository(database).holder(f"publish:{draft.id}", due)
        await asyncio.to_thread(survivor_process.stop)
        released = await leases.current(LEASE) is None
        return Failover(
            ttl=float(ttl),
            killed=leader,
            survivor=survivor,
            takeover=(taken_at - killed_at).total_seconds(),
            after_expiry=(taken_at - dead[1]).total_seconds(),
            due_after_kill=(due - killed_at).total_seconds(),
            posts=len(api.posts(CHANNEL)),
            started_by=started_by,
            status=status,
            released_on_stop=released,
        )
    finally:
        for process in processes:
            await asyncio.to_thread(process.kill)
        await service.close()
        await database.close()


def _config() -> NewsroomConfig:
    return NewsroomConfig(targets=frozenset({Target.CHANNEL}))


async def _holder(
    leases: LeaseRepository, *, other_than: str | None = None
) -> tuple[str, dt.datetime] | None:
    current = await leases.current(LEASE)
    if current is None or current[0] == other_than:
        return None
    return current


async def _wait_for(probe, what: str):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + SETTLE
    while time.monotonic() < deadline:
        found = await probe()
        if found is not None:
            return found
        await asyncio.sleep(0.02)
    raise TimeoutError(f"waited {SETTLE:.0f} s for {what}")
