"""Scale-out benchmark: webhook workers behind a round-robin balancer, on PostgreSQL and SQLite.

Each configuration is the real bot — ``python main.py run --webhook-url …`` worker processes
(each with its article pipeline in worker processes), sharing one database — behind
:class:`devtools.balancer.Balancer`, against the local Bot API server with Telegram's flood
limits ON (30 messages/s per bot, about one per second per chat) and the local page server.
The configurations, each on a fresh database and a fresh Bot API server:

* SQLite, one worker (the embedded default; a balancer of one, for the same hop);
* PostgreSQL with 1, 2 and 4 workers (``--pipeline-workers`` = cores ÷ workers, at least
  one, as ``run --workers N`` gives them);
* PostgreSQL with 2 workers, one killed with SIGKILL (with its pipeline processes) halfway
  through the offered updates, ``INBOX_LEASE_SECONDS=10``.

How the load is offered: every update is one message from a distinct private user,
queued on the Bot API server at a steady ``--rate`` (100 updates/s, the issue's capacity
target) by a pacing thread — never all at once; the server delivers each by webhook as
Telegram does (up to 40 connections, one chat's updates in order, a failed POST retried).
The phases of a configuration, one after another:

1. start-up: the popular articles (24) shared once each, so they are "already shared";
2. inbox floor: 200 updates the bot stores and handles but answers nothing to (a location
   message), i.e. the ack and the inbox's claim and finish, no reply, no Telegram call;
3. mix: ``--updates`` (2,000) links — 80 % to the popular articles (Zipf-weighted: a few
   get most shares), 20 % to new pages (distinct Arabic articles from
   :mod:`devtools.news_pages`, about 16 KB, each with a lead image);
4. warm: 200 links to already-shared articles only; 5. cold: 200 new pages only.

What is measured, from the recorded facts rather than the bot's word:

* ack: the Bot API server's webhook POST to our 200 (its delivery records; the balancer's
  own records give the backend's part without the proxy hop); updates/s acknowledged;
* handled: the final reply (the card, ``sendPhoto``) for every user; updates/s handled and
  what bounded it — the offered rate, Telegram's 30 messages/s (then it says how many
  messages each update needed), or the CPU;
* CPU per update: /proc utime+stime (+cutime/cstime of reaped children) of every worker's
  process group (the worker and its pipeline processes), per phase; PostgreSQL's server
  processes the same way, and its statements and transactions per update
  (pg_stat_statements, with the most frequent statements); the harness (this process:
  fake Telegram, balancer, pages) apart, and how much of the cores other processes on the
  machine used meanwhile (/proc/stat less ours);
* for every user without a final reply, whether they were told an error, got only
  «جارٍ التحضير…», or got nothing, and what the inbox says of their update.

Targets (a missed one is named and the exit status is 1):

* 0 lost: every offered update got its final reply (an error reply counts as lost);
* 0 doubled: no user got two final replies (counted per chat from the server's records);
* 0 × 429 from the Bot API server;
* p95 ack ≤ 100 ms at the offered rate (the mix phase, as Telegram sees it).

The machine has 2 cores shared by everything here (workers, PostgreSQL, the harness): the
figures are per-core costs for the capacity model, not a scaling claim. Timings depend on
the machine's load; the load average is printed with them.

    .venv/bin/python bench/scale.py                      # every configuration (~10 min)
    .venv/bin/python bench/scale.py --workers 2          # PostgreSQL, 2 workers
    .venv/bin/python bench/scale.py --engine sqlite      # SQLite, 1 worker
    .venv/bin/python bench/scale.py --kill --updates 600 # the kill run, smaller
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import resource
import sqlite3
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from devtools.balancer import Balancer  # noqa: E402
from devtools.botapi import COUNTED_METHODS, TELEGRAM_LIMITS, BotAPIServer, Call  # noqa: E402
from devtools.botprocess import BotProcess  # noqa: E402
from devtools.card_samples import make_photo  # noqa: E402
from devtools.news_pages import STORY_KINDS, NewsPage, distinct_pages, news_page  # noqa: E402
from devtools.pages import PageServer  # noqa: E402
from devtools.pgserver import PostgresServer  # noqa: E402
from devtools.ports import free_port  # noqa: E402

CORES = os.cpu_count() or 1
SECRET = "scale-bench-secret-0123456789abcdef"
TELEGRAM_PER_SECOND = TELEGRAM_LIMITS.per_second
POPULAR = 24  # articles shared before the measured phases
WARM_SHARE = 0.8  # of the mix: links to already-shared articles
PHASE_UPDATES = 200  # the floor, warm and cold phases
KILL_LEASE_S = 10
TARGET_ACK_P95_MS = 100.0
QUIET_S = 30.0  # nothing sent and nothing handled for this long: the rest is lost
SAMPLE_EVERY = 0.5  # seconds between CPU samples (a killed worker keeps its last one)
READERS = (
    "سعيد", "نادية", "ياسين", "هاجر", "عبد الله", "زينب", "مهدي", "سلمى", "أيوب", "مريم",
    "حمزة", "إيمان", "بلال", "كوثر", "إلياس", "وداد",
)  # fmt: skip


# ---------------------------------------------------------------------------- CPU meters


def _stat(pid: int) -> tuple[int, int, float, float] | None:
    """(process group, parent, own CPU s, reaped children's CPU s) of ``pid``."""
    try:
        data = Path(f"/proc/{pid}/stat").read_bytes().decode("ascii", "replace")
    except OSError:
        return None
    fields = data[data.rindex(")") + 2 :].split()  # after "pid (comm) "
    tick = os.sysconf("SC_CLK_TCK")
    ppid, pgrp = int(fields[1]), int(fields[2])
    own = (int(fields[11]) + int(fields[12])) / tick  # utime, stime
    children = (int(fields[13]) + int(fields[14])) / tick  # cutime, cstime
    return pgrp, ppid, own, children


class CpuMeter:
    """CPU seconds of watched processes and their families, sampled from /proc.

    A family is a process group (a worker started by BotProcess in a session of its own,
    with its pipeline processes) or a process and its direct children (PostgreSQL's
    postmaster and its backends, each of which is a group leader of its own). A live
    process counts its own time and its reaped children's; a process that has gone counts
    its last sample unless a live parent of the family reaped it (then the parent's
    cutime/cstime has it). A worker killed with SIGKILL thus keeps what it had used at its
    last sample.
    """

    def __init__(self) -> None:
        self._roots: set[int] = set()
        self._seen: dict[int, tuple[int, int, float, float]] = {}  # pid → family, ppid, …
        self._alive: set[int] = set()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def watch(self, root: int) -> None:
        with self._lock:
            self._roots.add(root)
        self.sample()

    def sample(self) -> None:
        with self._lock:
            roots = set(self._roots)
        found = {}
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit() or (stat := _stat(int(entry.name))) is None:
                continue
            pgrp, ppid, own, children = stat
            family = pgrp if pgrp in roots else ppid if ppid in roots else None
            if family is None and int(entry.name) in roots:
                family = int(entry.name)
            if family is not None:
                found[int(entry.name)] = (family, ppid, own, children)
        with self._lock:
            self._seen.update(found)
            self._alive = set(found)

    def seconds(self, root: int) -> float:
        """CPU seconds used so far by ``root``'s family."""
        with self._lock:
            total = 0.0
            for pid, (family, ppid, own, children) in self._seen.items():
                if family != root:
                    continue
                reaped = pid not in self._alive and ppid in self._alive
                if not reaped:
                    total += own + children
            return total

    def start(self) -> CpuMeter:
        def loop() -> None:
            while not self._stop.wait(SAMPLE_EVERY):
                self.sample()

        self._thread = threading.Thread(target=loop, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()


def machine_seconds() -> float:
    """Busy CPU seconds of the whole machine so far (every process, ours and others')."""
    fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]
    user, nice, system, _idle, _iowait, irq, softirq, steal = (int(f) for f in fields[:8])
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


def harness_seconds() -> float:
    """CPU of this process: the fake Telegram, the balancer, the page server, the pacing."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


# ------------------------------------------------------------------------------ databases


@dataclass
class Database:
    """The database of one configuration, and how the bench reads it."""

    engine: str  # "sqlite" or "postgresql"
    url: str  # DATABASE_URL for the workers
    admin_dsn: str | None = None  # PostgreSQL: the server's maintenance database
    name: str | None = None  # PostgreSQL: this configuration's database
    sqlite_path: Path | None = None

    def query(self, sql: str, *args: Any) -> list[tuple[Any, ...]]:
        if self.sqlite_path is not None:
            with sqlite3.connect(self.sqlite_path, timeout=30) as connection:
                return list(connection.execute(sql.replace("$1", "?"), args))
        return asyncio.run(_pg_fetch(self.url, sql, *args))

    def open_updates(self) -> int:
        return int(
            self.query("SELECT COUNT(*) FROM inbox WHERE status IN ('new', 'claimed')")[0][0]
        )

    def reset_statements(self) -> None:
        """Zero pg_stat_statements' counters (the configurations run one at a time)."""
        if self.admin_dsn is not None:
            # An external server may lack pg_stat_statements: then nothing is counted.
            with contextlib.suppress(Exception):
                asyncio.run(_pg_fetch(self.admin_dsn, "SELECT pg_stat_statements_reset()"))

    def statements(self) -> Statements | None:
        """pg_stat_statements' counters for this database since the last reset (None on
        SQLite or without the extension)."""
        if self.admin_dsn is None:
            return None
        try:
            rows = asyncio.run(
                _pg_fetch(
                    self.admin_dsn,
                    "SELECT s.calls, s.total_exec_time, s.query"
                    " FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid"
                    " WHERE d.datname = $1 ORDER BY s.calls DESC",
                    self.name,
                )
            )
        except Exception:  # an external server without pg_stat_statements
            return None
        begins = sum(int(calls) for calls, _, query in rows if query.upper().startswith("BEGIN"))
        top = tuple((int(calls), " ".join(str(query).split())) for calls, _, query in rows[:10])
        return Statements(
            calls=sum(int(calls) for calls, _, _ in rows),
            transactions=begins,
            exec_ms=sum(float(spent) for _, spent, _ in rows),
            top=top,
        )


@dataclass(frozen=True)
class Statements:
    calls: int
    transactions: int  # BEGINs
    exec_ms: float
    top: tuple[tuple[int, str], ...] = ()  # the most frequent (calls, query)

    @property
    def round_trips(self) -> int:
        """Statements less what asyncpg's pool sends together: its reset of a released
        connection is one query string of four statements (RESET ALL is one of them)."""
        resets = sum(calls for calls, query in self.top if query == "RESET ALL")
        return self.calls - 3 * resets


async def _pg_fetch(dsn: str, sql: str, *args: Any) -> list[tuple[Any, ...]]:
    import asyncpg

    connection = await asyncpg.connect(dsn)
    try:
        return [tuple(row) for row in await connection.fetch(sql, *args)]
    finally:
        await connection.close()


class Postgres:
    """One PostgreSQL server for the run (pg_stat_statements loaded), a database per
    configuration."""

    def __init__(self) -> None:
        self.server = PostgresServer.start(
            settings=("shared_preload_libraries=pg_stat_statements",)
        )
        self.postmaster: int | None = None
        if self.server.folder is not None:
            pid_file = self.server.folder / "data" / "postmaster.pid"
            self.postmaster = int(pid_file.read_text().split()[0])
        try:
            asyncio.run(
                _pg_fetch(self.server.dsn, "CREATE EXTENSION IF NOT EXISTS pg_stat_statements")
            )
        except Exception as error:
            print(f"  (pg_stat_statements unavailable: {error}; no statement counts)")

    def database(self, name: str) -> Database:
        asyncio.run(_pg_fetch(self.server.dsn, f"CREATE DATABASE {name}"))
        base, _, _ = self.server.dsn.rpartition("/")
        query = ""
        if "?" in self.server.dsn:
            query = "?" + self.server.dsn.split("?", 1)[1]
        return Database("postgresql", f"{base}/{name}{query}", self.server.dsn, name)

    def stop(self) -> None:
        self.server.stop()


# --------------------------------------------------------------------------------- phases


@dataclass
class Offer:
    """One user's message in a phase."""

    user: int
    text: str | None  # None: a location (nothing to answer)
    cold: bool = False


@dataclass
class Phase:
    """What one phase offered, and what the records say happened."""

    name: str
    offers: list[Offer]
    offered_at: list[float] = field(default_factory=list)
    since_call: int = 0
    since_delivery: int = 0
    since_forward: int = 0
    update_of: dict[int, int] = field(default_factory=dict)  # user → update id
    ack_ms: list[float] = field(default_factory=list)
    ack_started: list[float] = field(default_factory=list)  # when each ack's POST began
    backend_ms: list[float] = field(default_factory=list)
    acked_at: list[float] = field(default_factory=list)
    failed_posts: int = 0
    not_acked: int = 0
    finals: dict[int, list[float]] = field(default_factory=dict)  # user → final replies
    errors: dict[int, str] = field(default_factory=dict)
    messages: int = 0
    refused_429: int = 0
    first_429s: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    placeholders_left: int = 0
    spoken_to: set[int] = field(default_factory=set)  # users who got any message at all
    lost_inbox: Counter[str] = field(default_factory=Counter)  # lost updates' inbox status
    cpu_machine: float = 0.0  # every process's CPU during the phase, ours and others'
    per_backend: dict[int, int] = field(default_factory=dict)
    cpu_workers: float = 0.0
    cpu_postgres: float | None = None
    cpu_harness: float = 0.0
    statements: Statements | None = None
    ended: float = 0.0  # every update handled (the inbox empty), or given up waiting
    open_at_end: int = 0  # updates still new or claimed in the inbox when the wait ended
    load: tuple[float, float] = (0.0, 0.0)

    @property
    def users(self) -> set[int]:
        return {offer.user for offer in self.offers}

    @property
    def replies_expected(self) -> bool:
        return any(offer.text is not None for offer in self.offers)

    @property
    def lost(self) -> int:
        """Users without a final reply (an error reply included); for the floor, updates
        not acknowledged or never handled."""
        if not self.replies_expected:
            return max(self.not_acked, self.open_at_end)
        return sum(1 for u in self.users if u not in self.finals)

    def lost_kinds(self) -> str:
        """How the lost were left: told an error, only «جارٍ التحضير…», or nothing."""
        if not self.replies_expected:
            return ""
        lost = [u for u in self.users if u not in self.finals]
        told = sum(1 for u in lost if u in self.errors)
        silent = sum(1 for u in lost if u not in self.spoken_to)
        return (
            f"{told} told an error, {len(lost) - told - silent} only «جارٍ التحضير…»,"
            f" {silent} nothing at all"
        )

    @property
    def doubled(self) -> list[int]:
        return sorted(u for u, times in self.finals.items() if len(times) > 1)

    @property
    def started(self) -> float:
        return self.offered_at[0] if self.offered_at else 0.0

    def offered_rate(self) -> float:
        span = self.offered_at[-1] - self.offered_at[0] if len(self.offered_at) > 1 else 0
        return (len(self.offered_at) - 1) / span if span > 0 else float("nan")

    def ack_rate(self) -> float:
        span = max(self.acked_at, default=self.started) - self.started
        return len(self.acked_at) / span if span > 0 else float("nan")

    def handled_rate(self) -> float:
        done = [min(times) for times in self.finals.values()]
        span = max(done, default=self.started) - self.started
        return len(done) / span if span > 0 else float("nan")

    def handled_span(self) -> float:
        done = [min(times) for times in self.finals.values()]
        return max(done, default=self.ended) - self.started


def percentile(values: Sequence[float], fraction: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def zipf_choice(rng: random.Random, count: int) -> Callable[[], int]:
    weights = [1 / (rank + 1) for rank in range(count)]
    return lambda: rng.choices(range(count), weights)[0]


# ------------------------------------------------------------------------- configuration


@dataclass(frozen=True)
class Config:
    engine: str
    workers: int
    kill: bool = False

    @property
    def name(self) -> str:
        base = f"{'PG' if self.engine == 'postgresql' else 'SQLite'} ×{self.workers}"
        return base + (" kill -9" if self.kill else "")

    @property
    def slug(self) -> str:
        return f"{self.engine[:2]}{self.workers}{'k' if self.kill else ''}"


@dataclass
class Outcome:
    config: Config
    phases: dict[str, Phase]
    killed_at: float | None = None
    taken_over: int = 0  # updates another worker took over after the kill
    doubled_taken: int = 0  # of the doubled, those whose update was taken over
    takeover_s: float | None = None  # the kill → the last taken-over update's card
    missed: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


class Run:
    """One configuration: its database, Bot API server, workers, balancer, and phases."""

    def __init__(
        self,
        config: Config,
        database: Database,
        pages: PageServer,
        cold_pages: Iterator[NewsPage],
        popular: list[str],
        meter: CpuMeter,
        postmaster: int | None,
        workdir: Path,
        rate: float,
    ) -> None:
        self.config = config
        self.database = database
        self.pages = pages
        self.cold_pages = cold_pages
        self.popular = popular
        self.meter = meter
        self.postmaster = postmaster
        self.workdir = workdir
        self.rate = rate
        self.api = BotAPIServer(flood=TELEGRAM_LIMITS, allow_local_webhooks=True).start()
        self.ports = [free_port() for _ in range(config.workers)]
        self.balancer = Balancer([("127.0.0.1", port) for port in self.ports]).start()
        self.workers: list[BotProcess] = []
        self.next_user = 1_000_000
        self.rng = random.Random(f"{config.slug}-offers")

    # ------------------------------------------------------------------ life cycle

    def start(self) -> None:
        env = {
            "DATABASE_URL": self.database.url,
            "TELEGRAM_WEBHOOK_SECRET": SECRET,
            "FETCH_ALLOW_PRIVATE_HOSTS": "true",
        }
        if self.config.kill:
            env["INBOX_LEASE_SECONDS"] = str(KILL_LEASE_S)
        pipeline = max(1, CORES // self.config.workers)
        for number, port in enumerate(self.ports):
            folder = self.workdir / f"{self.config.slug}-worker-{number}"
            folder.mkdir(parents=True, exist_ok=True)
            args = (
                *("--webhook-url", self.balancer.url("hook"), "--listen", "127.0.0.1"),
                *("--port", str(port), "--pipeline-workers", str(pipeline)),
                *(() if number == 0 else ("--no-register",)),
            )
            worker = BotProcess(self.api, env, folder, args=args)
            worker.start()  # one after the other: the first migrates the database
            self.workers.append(worker)
            self.meter.watch(worker.pid)
        deadline = time.monotonic() + 60
        while self.api.webhook is None:  # the first worker registers the hook
            if time.monotonic() > deadline:
                raise RuntimeError("no worker registered the webhook")
            time.sleep(0.05)

    def stop(self) -> None:
        for worker in self.workers:
            worker.stop()
        self.balancer.stop()
        self.api.stop()

    def worker_cpu(self) -> float:
        return sum(self.meter.seconds(w.pid) for w in self.workers)

    def postgres_cpu(self) -> float | None:
        return None if self.postmaster is None else self.meter.seconds(self.postmaster)

    # ------------------------------------------------------------------ offering

    def users(self, count: int) -> list[int]:
        first = self.next_user
        self.next_user += count
        return list(range(first, first + count))

    def links_phase(self, name: str, *, popular: int, cold: int) -> Phase:
        """``popular`` links to already-shared articles and ``cold`` new pages, shuffled."""
        pick = zipf_choice(self.rng, len(self.popular))
        kinds = [False] * popular + [True] * cold
        self.rng.shuffle(kinds)
        offers = []
        for user, is_cold in zip(self.users(len(kinds)), kinds, strict=True):
            if is_cold:
                page = next(self.cold_pages)
                url = self.pages.add(page.path, body=page.body)
            else:
                url = self.popular[pick()]
            offers.append(Offer(user, url, cold=is_cold))
        return Phase(name, offers)

    def floor_phase(self, count: int) -> Phase:
        return Phase("floor", [Offer(user, None) for user in self.users(count)])

    def run_phase(self, phase: Phase, *, on_half: Callable[[], None] | None = None) -> Phase:
        api = self.api
        self.meter.sample()
        before_workers, before_pg = self.worker_cpu(), self.postgres_cpu()
        before_harness, before_machine = harness_seconds(), machine_seconds()
        self.database.reset_statements()
        with api.at_once():
            phase.since_call = len(api.calls)
            phase.since_delivery = len(api.deliveries)
        phase.since_forward = len(self.balancer.forwarded)
        load_before = os.getloadavg()[0]
        timer = None
        if on_half is not None:
            timer = threading.Timer(len(phase.offers) / 2 / self.rate, on_half)
        start = time.monotonic()
        if timer is not None:
            timer.start()
        for index, offer in enumerate(phase.offers):
            delay = start + index / self.rate - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            user = api.user(offer.user, READERS[offer.user % len(READERS)])
            if offer.text is None:
                update = api.push_update({"message": location_message(api, user, index)})
            else:
                message = api.send_message(user, offer.text)
                update = {"update_id": None, "message": message}
            phase.offered_at.append(time.monotonic())
            if update["update_id"] is not None:
                phase.update_of[offer.user] = update["update_id"]
        if timer is not None:
            timer.join()
        self.wait_until_handled(phase)
        self.meter.sample()
        phase.cpu_workers = self.worker_cpu() - before_workers
        after_pg = self.postgres_cpu()
        if after_pg is not None and before_pg is not None:
            phase.cpu_postgres = after_pg - before_pg
        phase.cpu_harness = harness_seconds() - before_harness
        phase.cpu_machine = machine_seconds() - before_machine
        phase.statements = self.database.statements()
        phase.load = (load_before, os.getloadavg()[0])
        collect(phase, api, self.balancer)
        if phase.lost:
            lost = {
                phase.update_of[u]
                for u in phase.users - phase.finals.keys()
                if u in phase.update_of
            }
            rows = self.database.query("SELECT update_id, status FROM inbox")
            phase.lost_inbox = Counter(str(status) for uid, status in rows if int(uid) in lost)
            phase.lost_inbox["never stored"] = len(lost) - sum(phase.lost_inbox.values())
        time.sleep(1.2)  # Telegram's windows fill again before the next phase
        return phase

    def wait_until_handled(self, phase: Phase) -> None:
        """Until every user has a final reply (or an error) and the inbox is empty; or
        until nothing happens for QUIET_S (what is left is lost)."""
        users = phase.users
        last_progress, progress = time.monotonic(), (-1, -1)
        while True:
            with self.api.at_once():
                calls = self.api.calls[phase.since_call :]
                pending = len(self.api._updates) + len(self.api._inflight_updates)
            answered = {c.chat_id for c in calls if is_final(c) or is_error(c)} & users
            open_now = -1
            if pending == 0 and (not phase.replies_expected or answered == users):
                open_now = self.database.open_updates()
                if open_now == 0:
                    break
            if (len(calls), open_now) != progress:
                progress, last_progress = (len(calls), open_now), time.monotonic()
            elif time.monotonic() - last_progress > QUIET_S:
                break
            time.sleep(0.2)
        phase.ended = time.monotonic()
        phase.open_at_end = self.database.open_updates()


def location_message(api: BotAPIServer, user: dict[str, Any], index: int) -> dict[str, Any]:
    """A private message with a location only: stored and handled, answered by no handler."""
    return {
        "message_id": 1_000_000 + index,
        "date": int(time.time()),
        "chat": api.private_chat(user),
        "from": user,
        "location": {"latitude": 33.5731, "longitude": -7.5898},
    }


def is_final(call: Call) -> bool:
    """The share's answer: the card, or its text with the keyboard when no card came."""
    if not call.ok:
        return False
    return call.name == "sendphoto" or (
        call.name == "sendmessage" and "reply_markup" in call.params
    )


def is_error(call: Call) -> bool:
    return (
        call.ok and call.name == "sendmessage" and "⚠️" in str((call.result or {}).get("text", ""))
    )


def collect(phase: Phase, api: BotAPIServer, balancer: Balancer) -> None:
    with api.at_once():
        calls = list(api.calls[phase.since_call :])
        deliveries = list(api.deliveries[phase.since_delivery :])
    forwarded = list(balancer.forwarded[phase.since_forward :])
    users = phase.users
    if not phase.update_of:  # links: the update ids are found by chat
        with api.at_once():
            for update in api.updates:
                message = update.get("message") or {}
                chat = (message.get("chat") or {}).get("id")
                if chat in users:
                    phase.update_of[chat] = update["update_id"]
    ids = set(phase.update_of.values())
    acked: dict[int, float] = {}
    for delivery in deliveries:
        if delivery.update_id not in ids:
            continue
        if delivery.ok and delivery.update_id not in acked:
            acked[delivery.update_id] = delivery.at
            phase.ack_ms.append((delivery.at - delivery.started) * 1000)
            phase.ack_started.append(delivery.started)
        elif not delivery.ok:
            phase.failed_posts += 1
    phase.acked_at = sorted(acked.values())
    phase.not_acked = len(ids - acked.keys())
    phase.backend_ms = [(f.answered - f.received) * 1000 for f in forwarded if f.status == 200]
    phase.per_backend = dict(sorted(Counter(f.backend for f in forwarded).items()))
    sent: dict[int, set[int]] = {}
    deleted: dict[int, set[int]] = {}
    for call in calls:
        chat = call.chat_id
        if call.status == 429:
            phase.refused_429 += 1
            if len(phase.first_429s) < 3:
                phase.first_429s.append(
                    f"{call.method} to {chat} at +{call.at - phase.started:.1f} s ({call.error})"
                )
            continue
        if not call.ok:
            phase.failures.append(f"{call.method} → {call.status} {call.error}")
            continue
        if chat not in users or not isinstance(chat, int):
            continue
        if call.name in COUNTED_METHODS:
            phase.messages += 1
            phase.spoken_to.add(chat)
        if is_final(call):
            phase.finals.setdefault(chat, []).append(call.at)
        elif is_error(call):
            phase.errors.setdefault(chat, str(call.result.get("text", "")))
        elif call.name == "sendmessage":
            sent.setdefault(chat, set()).add(int(call.result["message_id"]))
        elif call.name == "deletemessage":
            deleted.setdefault(chat, set()).add(int(call.params["message_id"]))
    phase.placeholders_left = sum(len(ids - deleted.get(c, set())) for c, ids in sent.items())


# ------------------------------------------------------------------------------ running


def run_config(
    config: Config,
    *,
    postgres: Postgres | None,
    pages: PageServer,
    image_root: str,
    updates: int,
    rate: float,
    meter: CpuMeter,
    workdir: Path,
    serial: int,
) -> Outcome:
    if config.engine == "postgresql":
        assert postgres is not None
        database = postgres.database(f"bench_{config.slug}_{serial}")
        postmaster = postgres.postmaster
    else:
        path = workdir / f"{config.slug}.sqlite3"
        database = Database("sqlite", str(path), sqlite_path=path)
        postmaster = None
    # Pages of this configuration only: a new database has shared none of them.
    cold = updates - round(updates * WARM_SHARE)
    needed = POPULAR + cold + (0 if config.kill else PHASE_UPDATES) + 10
    pool = distinct_pages(needed, first=serial * 100_000, image_root=image_root)
    popular_pages, cold_pages = pool[:POPULAR], iter(pool[POPULAR:])
    popular = [pages.add(page.path, body=page.body) for page in popular_pages]
    run = Run(config, database, pages, cold_pages, popular, meter, postmaster, workdir, rate)
    outcome = Outcome(config, {})
    started = time.monotonic()
    try:
        run.start()
        print(f"  {config.name}: workers up in {time.monotonic() - started:.1f} s", flush=True)
        # The popular articles' first shares: new pages for processes just started.
        startup = Phase(
            "start-up",
            [Offer(u, url, cold=True) for u, url in zip(run.users(POPULAR), popular, strict=True)],
        )
        phases: list[tuple[Phase, Callable[[], None] | None]] = [(startup, None)]
        if not config.kill:
            phases.append((run.floor_phase(PHASE_UPDATES), None))
        mix = run.links_phase("mix", popular=updates - cold, cold=cold)
        kill = None
        if config.kill:

            def kill() -> None:
                victim = run.workers[-1]
                meter.sample()  # what it used so far stays counted
                outcome.killed_at = time.monotonic()
                victim.kill()

        phases.append((mix, kill))
        if not config.kill:
            phases.append((run.links_phase("warm", popular=PHASE_UPDATES, cold=0), None))
            phases.append((run.links_phase("cold", popular=0, cold=PHASE_UPDATES), None))
        for phase, on_half in phases:
            run.run_phase(phase, on_half=on_half)
            outcome.phases[phase.name] = phase
            print(
                f"    {phase.name:<9} {len(phase.offers):>5} updates,"
                f" handled in {phase.ended - phase.started:5.1f} s",
                flush=True,
            )
        if config.kill and outcome.killed_at is not None:
            taken = database.query("SELECT update_id FROM inbox WHERE attempts > 1")
            taken_ids = {int(row[0]) for row in taken}
            outcome.taken_over = len(taken_ids)
            users_of = {u: user for user, u in mix.update_of.items()}
            times = [
                min(mix.finals[users_of[u]]) for u in taken_ids if users_of.get(u) in mix.finals
            ]
            if times:
                outcome.takeover_s = max(times) - outcome.killed_at
            outcome.doubled_taken = sum(
                1 for u in mix.doubled if mix.update_of.get(u) in taken_ids
            )
    finally:
        run.stop()
    return outcome


# ------------------------------------------------------------------------------ judging


def busy(phase: Phase) -> float:
    """Share of the machine's cores the workers, PostgreSQL and the harness used."""
    span = phase.ended - phase.started
    used = phase.cpu_workers + (phase.cpu_postgres or 0.0) + phase.cpu_harness
    return used / (span * CORES) if span > 0 else float("nan")


def others(phase: Phase) -> float:
    """Share of the machine's cores that processes not of this bench used meanwhile."""
    span = phase.ended - phase.started
    ours = phase.cpu_workers + (phase.cpu_postgres or 0.0) + phase.cpu_harness
    return max(0.0, phase.cpu_machine - ours) / (span * CORES) if span > 0 else float("nan")


def bound(phase: Phase) -> str:
    """What bounded the handling of a phase's links: the offered rate when it kept up,
    else the resource nearer saturation — Telegram's 30 messages/s or the cores — with
    both figures."""
    offered, handled = phase.offered_rate(), phase.handled_rate()
    span = phase.handled_span()
    per_update = phase.messages / max(1, len(phase.finals))
    sent_rate = phase.messages / span if span > 0 else float("nan")
    telegram = sent_rate / TELEGRAM_PER_SECOND
    cores = busy(phase)
    figures = (
        f"{sent_rate:.1f} msg/s sent = {100 * telegram:.0f} % of Telegram's"
        f" {TELEGRAM_PER_SECOND}/s ({per_update:.2f} msg per update → at most"
        f" {TELEGRAM_PER_SECOND / per_update if per_update else float('nan'):.1f}"
        " updates/s); our processes used"
        f" {100 * cores:.0f} % of the cores, others {100 * others(phase):.0f} %"
    )
    if handled >= 0.9 * offered:
        return f"the offered rate (kept up): {figures}"
    if telegram >= cores:
        return f"Telegram's {TELEGRAM_PER_SECOND} msg/s: {figures}"
    return f"CPU: {figures}"


def judge(outcome: Outcome) -> None:
    name = outcome.config.name
    phases = outcome.phases.values()
    lost = sum(p.lost for p in phases)
    doubled = sum(len(p.doubled) for p in phases)
    refused = sum(p.refused_429 for p in phases)
    if lost:
        outcome.missed.append(f"{name}: {lost} lost")
    if doubled:
        outcome.missed.append(f"{name}: {doubled} doubled")
    if refused:
        outcome.missed.append(f"{name}: {refused} × 429")
    mix = outcome.phases.get("mix")
    if mix is not None:
        p95 = percentile(mix.ack_ms, 0.95)
        if not p95 <= TARGET_ACK_P95_MS:
            outcome.missed.append(
                f"{name}: p95 ack {p95:.0f} ms > {TARGET_ACK_P95_MS:.0f} ms"
                f" at {mix.offered_rate():.0f} updates/s"
            )


def ms(value: float) -> str:
    return "—" if value != value else f"{value:.0f}"  # NaN


def per(value: float | None, count: int, scale: float = 1000.0) -> str:
    if value is None or count == 0:
        return "—"
    return f"{value * scale / count:.1f}"


def report(outcomes: list[Outcome], *, started: float, load: float) -> list[str]:
    print()
    print("Throughput and ack latency (ack: Telegram's POST → our 200, from its records;")
    print("backend: the same without the balancer's hop)")
    header = (
        f"{'configuration':<15}{'phase':<9}{'updates':>8}{'offered/s':>10}{'acked/s':>9}"
        f"{'handled/s':>10}  {'ack p50/p95/max ms':>18}{'backend p95':>12}{'msg/upd':>8}"
        f"{'429':>5}{'lost (⚠️)':>10}{'doubled':>8}"
    )
    print(header)
    print("-" * len(header))
    for outcome in outcomes:
        for phase in outcome.phases.values():
            handled = "—" if not phase.replies_expected else f"{phase.handled_rate():.1f}"
            per_update = (
                "—" if not phase.replies_expected else f"{phase.messages / len(phase.offers):.2f}"
            )
            acks = (
                f"{ms(percentile(phase.ack_ms, 0.5))}/{ms(percentile(phase.ack_ms, 0.95))}"
                f"/{ms(max(phase.ack_ms, default=float('nan')))}"
            )
            print(
                f"{outcome.config.name:<15}{phase.name:<9}{len(phase.offers):>8}"
                f"{phase.offered_rate():>10.1f}{phase.ack_rate():>9.1f}{handled:>10}"
                f"  {acks:>18}{ms(percentile(phase.backend_ms, 0.95)):>12}{per_update:>8}"
                f"{phase.refused_429:>5}{f'{phase.lost} ({len(phase.errors)})':>10}"
                f"{len(phase.doubled):>8}"
            )
    print()
    print("CPU per update (ms; workers = each worker and its pipeline processes), and per core")
    header = (
        f"{'configuration':<15}{'phase':<9}{'workers':>8}{'upd/s/core':>11}{'PG CPU':>8}"
        f"{'PG stmts':>9}{'PG tx':>7}{'PG exec':>8}{'harness':>8}{'ours':>6}{'others':>7}  load"
    )
    print(header)
    print("-" * len(header))
    for outcome in outcomes:
        for phase in outcome.phases.values():
            count = len(phase.offers)
            rate = count / phase.cpu_workers if phase.cpu_workers > 0 else float("nan")
            stats = phase.statements
            print(
                f"{outcome.config.name:<15}{phase.name:<9}{per(phase.cpu_workers, count):>8}"
                f"{rate:>11.0f}{per(phase.cpu_postgres, count):>8}"
                f"{per(stats.calls if stats else None, count, 1):>9}"
                f"{per(stats.transactions if stats else None, count, 1):>7}"
                f"{per(stats.exec_ms if stats else None, count, 1):>8}"
                f"{per(phase.cpu_harness, count):>8}{100 * busy(phase):>5.0f}%"
                f"{100 * others(phase):>6.0f}%"
                f"  {phase.load[0]:.1f}→{phase.load[1]:.1f}"
            )
    print()
    print("What bounded the handling (links phases):")
    for outcome in outcomes:
        for phase in outcome.phases.values():
            if phase.replies_expected and phase.name != "start-up":
                print(f"  {outcome.config.name:<15}{phase.name:<6} {bound(phase)}")
    missed: list[str] = []
    for outcome in outcomes:
        details = []
        for phase in outcome.phases.values():
            if phase.failed_posts:
                details.append(f"{phase.name}: {phase.failed_posts} webhook POSTs failed")
            if phase.placeholders_left:
                details.append(
                    f"{phase.name}: {phase.placeholders_left} «جارٍ التحضير…» left behind"
                )
            if phase.lost and phase.replies_expected:
                inbox = ", ".join(f"{k} {v}" for k, v in phase.lost_inbox.items() if v)
                details.append(
                    f"{phase.name}: {phase.lost} lost — {phase.lost_kinds()};"
                    f" their updates in the inbox: {inbox}"
                )
            if phase.errors:
                user, text = next(iter(phase.errors.items()))
                details.append(
                    f"{phase.name}: {len(phase.errors)} told an error, e.g. {user}:"
                    f" {' '.join(text.split())[:70]!r}"
                )
            for refusal in phase.first_429s[:2]:
                details.append(f"{phase.name}: 429 {refusal}")
            for failure in phase.failures[:3]:
                details.append(f"{phase.name}: failed call {failure}")
            if phase.per_backend and len(phase.per_backend) > 1:
                spread = ", ".join(f"#{k}: {v}" for k, v in phase.per_backend.items())
                details.append(f"{phase.name}: POSTs per worker {spread}")
        if outcome.killed_at is not None:
            mix = outcome.phases["mix"]
            takeover = "—" if outcome.takeover_s is None else f"{outcome.takeover_s:.1f} s"
            killed = outcome.killed_at
            pairs = list(zip(mix.ack_started, mix.ack_ms, strict=True))
            before = [v for t, v in pairs if t < killed]
            after = [v for t, v in pairs if t >= killed]
            details.insert(
                0,
                f"ack p50/p95 before the kill {ms(percentile(before, 0.5))}/"
                f"{ms(percentile(before, 0.95))} ms ({len(before)} updates), after it"
                f" {ms(percentile(after, 0.5))}/{ms(percentile(after, 0.95))} ms"
                f" ({len(after)} updates, one worker left)",
            )
            details.insert(
                0,
                f"worker killed (SIGKILL) at +{outcome.killed_at - mix.started:.1f} s;"
                f" {outcome.taken_over} update(s) taken over by the other worker, the last"
                f" one's card {takeover} after the kill (lease {KILL_LEASE_S} s);"
                f" {outcome.doubled_taken} of the {len(mix.doubled)} doubled were taken over",
            )
        if details:
            print(f"{outcome.config.name}:")
            for line in details:
                print(f"  {line}")
        missed += outcome.missed
    print()
    print_capacity(outcomes)
    print()
    print(
        f"{CORES} cores shared by workers, PostgreSQL and the harness; load average"
        f" {load:.1f} at the start: timings are noisy on a shared machine."
        f" Total {time.monotonic() - started:.0f} s."
    )
    return missed


def print_capacity(outcomes: list[Outcome]) -> None:
    """The per-core figures docs/scaling.md's capacity model takes."""
    print("For the capacity model (per worker core = updates per CPU-second of the workers):")
    for outcome in outcomes:
        phases = outcome.phases
        if "floor" not in phases or "mix" not in phases:
            continue
        parts = []
        for name, label in (
            ("floor", "ack+inbox"),
            ("warm", "warm link"),
            ("cold", "new page"),
            ("mix", "80/20 mix"),
        ):
            phase = phases.get(name)
            if phase is None or phase.cpu_workers <= 0:
                continue
            cost = phase.cpu_workers / len(phase.offers)
            parts.append(f"{label} {cost * 1000:.1f} ms = {1 / cost:.0f}/s/core")
        print(f"  {outcome.config.name:<15}" + "; ".join(parts))
        mix = phases["mix"]
        if mix.statements is not None and mix.cpu_postgres is not None:
            count = len(mix.offers)
            print(
                f"  {'':<15}PostgreSQL per update of the mix: {mix.statements.calls / count:.1f}"
                f" statements (≈ {mix.statements.round_trips / count:.1f} round trips) in"
                f" {mix.statements.transactions / count:.1f} transactions,"
                f" {mix.statements.exec_ms / count:.2f} ms executing,"
                f" {mix.cpu_postgres * 1000 / count:.1f} ms server CPU; the most frequent:"
            )
            for calls, query in mix.statements.top:
                print(f"  {'':<17}{calls / count:5.2f}/update  {query[:100]}")
        per_update = mix.messages / max(1, len(mix.offers))
        print(
            f"  {'':<15}Telegram: {per_update:.2f} messages per update of the mix →"
            f" {TELEGRAM_PER_SECOND / per_update:.1f} updates/s per bot at {TELEGRAM_PER_SECOND}"
            " msg/s"
        )


# --------------------------------------------------------------------------------- main


def configurations(args: argparse.Namespace) -> list[Config]:
    if args.engine is None and args.workers is None and not args.kill:
        return [
            Config("sqlite", 1),
            Config("postgresql", 1),
            Config("postgresql", 2),
            Config("postgresql", 4),
            Config("postgresql", 2, kill=True),
        ]
    engine = args.engine or "postgresql"
    workers = args.workers or (2 if args.kill else 1)
    if engine == "sqlite" and (workers > 1 or args.kill):
        raise SystemExit(
            "SQLite runs one process: --engine sqlite takes neither --workers > 1 nor --kill"
        )
    if args.kill and workers < 2:
        raise SystemExit("--kill needs at least 2 workers")
    return [Config(engine, workers, kill=args.kill)]


def serve_images(pages: PageServer) -> str:
    """One lead image per story kind, JPEG, at the page server's /media/<kind>.jpg."""
    kinds = {news_page(n).path.split("/")[1] for n in range(len(STORY_KINDS))}
    for index, kind in enumerate(sorted(kinds)):
        photo = make_photo(1200 + 40 * index, 750)
        pages.add(f"/media/{kind}.jpg", body=photo, content_type="image/jpeg")
    return pages.root


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", type=int, help="one PostgreSQL configuration, N workers")
    parser.add_argument("--engine", choices=["sqlite", "postgresql"])
    parser.add_argument("--kill", action="store_true", help="kill one worker mid-run")
    parser.add_argument("--updates", type=int, default=2000, help="updates in the mix")
    parser.add_argument("--rate", type=float, default=100.0, help="updates offered per second")
    args = parser.parse_args()
    configs = configurations(args)
    started, load = time.monotonic(), os.getloadavg()[0]
    workdir = Path(tempfile.mkdtemp(prefix="nashir-scale-"))
    print(
        f"scale: {args.updates} updates at {args.rate:g}/s ({100 * WARM_SHARE:.0f} % links to"
        f" {POPULAR} already-shared articles, the rest new pages); {CORES} cores;"
        f" Telegram's limits on ({TELEGRAM_PER_SECOND} msg/s); logs in {workdir}",
        flush=True,
    )
    postgres = None
    if any(c.engine == "postgresql" for c in configs):
        try:
            postgres = Postgres()
        except RuntimeError as error:
            print(f"PostgreSQL cannot run here: {error}")
            return 1
    pages = PageServer().start()
    meter = CpuMeter()
    if postgres is not None and postgres.postmaster is not None:
        meter.watch(postgres.postmaster)
    meter.start()
    outcomes: list[Outcome] = []
    try:
        image_root = serve_images(pages)
        for serial, config in enumerate(configs, start=1):
            outcome = run_config(
                config,
                postgres=postgres,
                pages=pages,
                image_root=image_root,
                updates=args.updates,
                rate=args.rate,
                meter=meter,
                workdir=workdir,
                serial=serial,
            )
            judge(outcome)
            outcomes.append(outcome)
    finally:
        meter.stop()
        pages.stop()
        if postgres is not None:
            postgres.stop()
    missed = report(outcomes, started=started, load=load)
    if missed:
        print("MISSED TARGETS: " + "; ".join(missed))
        return 1
    print("all targets met: 0 lost, 0 doubled, 0 × 429, p95 ack ≤ 100 ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
