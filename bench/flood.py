"""Shared rate limits: what a flood reservation (and a per-user count) costs in each store.

Telegram's limits are the bot's, so several workers keep the flood windows in the database
(``db/flood.py``); one process over SQLite keeps them in memory. Measured here, per store:

- **reservation**: one :meth:`FloodLimiter.reserve` — one short transaction that locks the
  message's windows (the bot overall, its chat, its channel), books a time and writes them;
- **worst message**: a reservation, a departure checked again and an answer settled late —
  the three transactions a message costs at most (a calm one costs the first only);
- **user count**: one per-user :meth:`RateLimiter.hit` (one transaction on the user's row).

Traffic is a mix of private chats (1,000 users) and five channels (5 % of messages), paced
on a simulated clock at 28 messages/s, near Telegram's overall 30, so that the windows hold
what they would (the database's work, not a waiting limiter, is measured). PostgreSQL runs
once with one process and once with ``--processes`` (4) processes booking at the same time in
the same windows — every reservation locks the bot's overall window, so they queue on that
row.

    .venv/bin/python bench/flood.py
    .venv/bin/python bench/flood.py --reservations 1000 --processes 4

Targets: the shared store must keep well ahead of what Telegram allows a bot (30 messages/s,
at most three transactions each): 4 processes on PostgreSQL together ≥ 300 reservations/s
[and the 95th percentile of one reservation ≤ 20 ms]. Exits 1 naming every missed target.
Timings depend on the machine's load; the CPU figures less so.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import multiprocessing
import random
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bot.flood import FloodLimiter, FloodStore, MemoryFloodStore  # noqa: E402
from bot.ratelimit import MemoryUserWindows, UserWindowStore  # noqa: E402
from bot.settings import DatabaseUrl  # noqa: E402
from db.connection import open_database  # noqa: E402
from db.flood import FloodWindowRepository  # noqa: E402
from db.ratelimit import RateWindowRepository  # noqa: E402
from devtools.pgserver import PostgresServer, unavailable_reason  # noqa: E402
from handlers.errors import RateLimitedError  # noqa: E402
from handlers.ratelimit import RateLimiter  # noqa: E402

PACE = 1 / 28  # simulated seconds between two messages of the bot: near its limit
CHANNELS = [-1001000000000 - n for n in range(5)]
USERS = 1000
TARGET_RATE = 300.0  # reservations/s, 4 processes on PostgreSQL together
TARGET_P95_MS = 20.0


class SimClock:
    def __init__(self, start: float) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now


async def _no_sleep(seconds: float) -> None:
    return None


@dataclass(frozen=True, slots=True)
class Figures:
    count: int
    wall: float  # seconds, the whole loop
    cpu: float  # seconds of this process's CPU
    latencies: tuple[float, ...]  # seconds, one per operation

    @property
    def us_each(self) -> float:
        return self.wall / self.count * 1e6

    @property
    def cpu_us_each(self) -> float:
        return self.cpu / self.count * 1e6

    def percentile(self, share: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))] * 1000


async def _timed(count: int, step: Any) -> Figures:
    latencies = []
    cpu = time.process_time()
    wall = time.perf_counter()
    for n in range(count):
        began = time.perf_counter()
        await step(n)
        latencies.append(time.perf_counter() - began)
    return Figures(count, time.perf_counter() - wall, time.process_time() - cpu, tuple(latencies))


def _chat(rng: random.Random) -> int:
    return rng.choice(CHANNELS) if rng.random() < 0.05 else 1_000_000 + rng.randrange(USERS)


async def reservations(
    store: FloodStore, count: int, *, seed: int, offset: float = 0.0, processes: int = 1
) -> Figures:
    """``count`` reservations; ``processes`` keep the pace together, on simulated clocks."""
    clock = SimClock(1_750_000_000.0 + offset * PACE)
    flood = FloodLimiter(store=store, clock=clock, sleep=_no_sleep)
    rng = random.Random(seed)

    async def step(n: int) -> None:
        clock.now += PACE * processes
        await flood.reserve(_chat(rng))

    return await _timed(count, step)


async def worst_messages(store: FloodStore, count: int, *, seed: int) -> Figures:
    """``count`` messages that each leave late and are answered late: three transactions."""
    clock = SimClock(1_760_000_000.0)
    flood = FloodLimiter(store=store, clock=clock, sleep=_no_sleep)
    rng = random.Random(seed)

    async def step(n: int) -> None:
        clock.now += PACE
        slot = await flood.reserve(_chat(rng))
        clock.now = max(clock.now, slot.moment) + 0.2  # waited for a connection
        slot = await flood.depart(slot)
        clock.now += 0.2  # a slow answer
        await flood.settle(slot)

    return await _timed(count, step)


async def user_counts(store: UserWindowStore, count: int, *, seed: int) -> Figures:
    clock = SimClock(1_770_000_000.0)
    limiter = RateLimiter(5, store=store, clock=clock)
    rng = random.Random(seed)

    async def step(n: int) -> None:
        clock.now += PACE
        with contextlib.suppress(RateLimitedError):
            await limiter.hit(rng.randrange(USERS), f"https://akhbar-sahel.ma/{n}")

    return await _timed(count, step)


async def _single(url: DatabaseUrl | None, count: int) -> dict[str, Figures]:
    if url is None:
        return {
            "reservation": await reservations(MemoryFloodStore(), count, seed=1),
            "worst message": await worst_messages(MemoryFloodStore(), count, seed=2),
            "user count": await user_counts(MemoryUserWindows(), count, seed=3),
        }
    database = await open_database(url)
    try:
        return {
            "reservation": await reservations(FloodWindowRepository(database), count, seed=1),
            "worst message": await worst_messages(FloodWindowRepository(database), count, seed=2),
            "user count": await user_counts(RateWindowRepository(database), count, seed=3),
        }
    finally:
        await database.close()


def _worker(dsn: str, count: int, index: int, processes: int, barrier: Any, out: Any) -> None:
    async def main() -> Figures:
        database = await open_database(DatabaseUrl.parse(dsn), pool_size=2)
        try:
            store = FloodWindowRepository(database)
            await reservations(store, 20, seed=100 + index)  # connections warm
            await asyncio.to_thread(barrier.wait, 120)
            return await reservations(
                store, count, seed=index, offset=float(index), processes=processes
            )
        finally:
            await database.close()

    out.put(asyncio.run(main()))


def concurrent(dsn: str, count: int, processes: int) -> tuple[float, list[Figures]]:
    """``processes`` processes reserving at once; returns reservations/s together."""
    spawn = multiprocessing.get_context("spawn")
    barrier = spawn.Barrier(processes + 1)
    out = spawn.Queue()
    workers = [
        spawn.Process(target=_worker, args=(dsn, count, n, processes, barrier, out))
        for n in range(processes)
    ]
    for worker in workers:
        worker.start()
    barrier.wait(300)
    began = time.perf_counter()
    figures = [out.get(timeout=600) for _ in workers]
    elapsed = time.perf_counter() - began
    for worker in workers:
        worker.join(60)
    return processes * count / elapsed, figures


def _line(name: str, figures: Figures) -> str:
    return (
        f"  {name:<14} {figures.us_each:8.0f} µs each (CPU {figures.cpu_us_each:6.0f} µs),"
        f" p50 {figures.percentile(0.5):6.2f} ms, p95 {figures.percentile(0.95):6.2f} ms"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reservations", type=int, default=3000)
    parser.add_argument("--processes", type=int, default=4)
    args = parser.parse_args()
    misses: list[str] = []
    count = args.reservations
    print(f"memory (one process over SQLite): {count} of each", flush=True)
    for name, figures in asyncio.run(_single(None, count)).items():
        print(_line(name, figures))
    with tempfile.TemporaryDirectory(prefix="nashir-flood-") as folder:
        print(f"SQLite, one process: {count} of each", flush=True)
        url = DatabaseUrl.sqlite(Path(folder) / "nashir.sqlite3")
        for name, figures in asyncio.run(_single(url, count)).items():
            print(_line(name, figures))
    reason = unavailable_reason()
    if reason is not None:
        print(f"MISSED: PostgreSQL not measured: {reason}")
        return 1
    server = PostgresServer.start()
    try:
        print(f"PostgreSQL, one process: {count} of each", flush=True)
        for name, figures in asyncio.run(_single(DatabaseUrl.parse(server.dsn), count)).items():
            print(_line(name, figures))
        processes = args.processes
        print(f"PostgreSQL, {processes} processes: {count} reservations each", flush=True)
        rate, figures = concurrent(server.dsn, count, processes)
        for n, each in enumerate(figures):
            print(_line(f"process {n + 1}", each))
        latencies = tuple(t for each in figures for t in each.latencies)
        together = Figures(len(latencies), 0.0, 0.0, latencies)
        p95 = together.percentile(0.95)
        cpu = statistics.fmean(each.cpu_us_each for each in figures)
        print(
            f"  together: {rate:.0f} reservations/s (target ≥ {TARGET_RATE:.0f}),"
            f" p50 {together.percentile(0.5):.2f} ms, p95 {p95:.2f} ms"
            f" (target ≤ {TARGET_P95_MS:.0f} ms), CPU {cpu:.0f} µs each in its process"
        )
        if rate < TARGET_RATE:
            misses.append(f"{processes} processes on PostgreSQL: {rate:.0f} reservations/s")
        if p95 > TARGET_P95_MS:
            misses.append(f"{processes} processes on PostgreSQL: p95 {p95:.2f} ms")
    finally:
        server.stop()
    if misses:
        for miss in misses:
            print(f"MISSED: {miss}")
        return 1
    print("all targets met")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
