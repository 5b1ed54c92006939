"""Leader failover benchmark: how long the scheduled work is leaderless after the leader dies.

Each round: a fresh PostgreSQL schema, two newsroom processes (the bot's own wiring of the
scheduler, feed poller and outbox worker, ``devtools/newsroomprocess.py``) against the local
Bot API server, a post scheduled ``--due-in`` seconds ahead, then SIGKILL to the process the
``leases`` row names. Measured: seconds from the kill to the survivor's taking the lease
[≤ LEADER_LEASE_SECONDS: the lease ends at most that long after the kill, renewed every
third of it, and the survivor tries just as it ends], and from the dead leader's lease end
to the takeover; the scheduled post's channel posts [exactly 1].

    .venv/bin/python bench/failover.py                    # 3 rounds, a 3 s lease
    .venv/bin/python bench/failover.py --ttl 30 --rounds 1  # the default lease

Exits 1 naming every missed target. Timings depend on the machine's load.
"""

from __future__ import annotations

import argparse
import asyncio
import secrets
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bot.settings import DatabaseUrl  # noqa: E402
from devtools.botapi import TELEGRAM_LIMITS, BotAPIServer  # noqa: E402
from devtools.failover import Failover, run_failover  # noqa: E402
from devtools.pgserver import PostgresServer  # noqa: E402


async def _schema(server: PostgresServer) -> DatabaseUrl:
    import asyncpg

    schema = f"failover_{secrets.token_hex(4)}"
    connection = await asyncpg.connect(server.dsn)
    try:
        await connection.execute(f"CREATE SCHEMA {schema}")
    finally:
        await connection.close()
    joiner = "&" if "?" in server.dsn else "?"
    return DatabaseUrl.parse(f"{server.dsn}{joiner}search_path={schema}")


async def _round(server: PostgresServer, ttl: int, due_in: float) -> Failover:
    api = BotAPIServer(flood=TELEGRAM_LIMITS).start()
    try:
        with tempfile.TemporaryDirectory(prefix="nashir-failover-") as folder:
            return await run_failover(
                api, await _schema(server), Path(folder), ttl=ttl, due_in=due_in
            )
    finally:
        api.stop()


def _misses(result: Failover) -> list[str]:
    misses = []
    if result.takeover > result.ttl:
        misses.append(f"takeover took {result.takeover:.2f} s, over the {result.ttl:.0f} s lease")
    if result.posts != 1:
        misses.append(f"the scheduled post went out {result.posts} times")
    if result.started_by != result.survivor:
        misses.append(f"the post was started by {result.started_by}, not the survivor")
    if not result.released_on_stop:
        misses.append("a clean stop left the lease behind")
    return misses


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--ttl", type=int, default=3, help="LEADER_LEASE_SECONDS")
    parser.add_argument("--due-in", type=float, default=2.0, help="seconds from schedule to due")
    args = parser.parse_args()
    print(
        f"lease {args.ttl} s, renewed every {args.ttl / 3:.2f} s; {args.rounds} rounds;"
        f" post due {args.due_in:.1f} s after scheduling",
        flush=True,
    )
    server = PostgresServer.start()
    results: list[Failover] = []
    misses: list[str] = []
    try:
        for number in range(1, args.rounds + 1):
            result = asyncio.run(_round(server, args.ttl, args.due_in))
            results.append(result)
            print(
                f"  round {number}: killed {result.killed}, {result.survivor} took over"
                f" {result.takeover:.2f} s after the kill ({result.after_expiry:+.2f} s after"
                f" the dead lease's end); post due {result.due_after_kill:.2f} s after the"
                f" kill; channel posts: {result.posts}; draft {result.status.value}",
                flush=True,
            )
            misses += [f"round {number}: {miss}" for miss in _misses(result)]
    finally:
        server.stop()
    takeovers = [r.takeover for r in results]
    print(
        f"takeover after the kill: min {min(takeovers):.2f} s, median"
        f" {statistics.median(takeovers):.2f} s, max {max(takeovers):.2f} s"
        f" (target ≤ {args.ttl} s)"
    )
    lags = [r.after_expiry for r in results]
    print(f"after the dead lease's end: max {max(lags):+.2f} s")
    for miss in misses:
        print(f"MISSED: {miss}")
    return 1 if misses else 0


if __name__ == "__main__":
    raise SystemExit(main())
