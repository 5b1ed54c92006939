"""Transactions on the one SQLite connection survive the tasks that hold them being cancelled."""

from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path

from db.connection import open_database


async def test_a_transaction_cancelled_while_beginning_leaves_none_open(tmp_path: Path) -> None:
    """A bot stopping cancels its handlers wherever they are, even in BEGIN: the next
    transaction on the connection must start cleanly (not «within a transaction»)."""
    database = await open_database(tmp_path / "nashir.sqlite3")
    try:
        for pause in range(3):  # cancelled at BEGIN, and a little later

            async def write(pause: int = pause) -> None:
                async with database.transaction() as tx:
                    await tx.execute(
                        "INSERT INTO task_runs (task, run_at, holder, started_at)"
                        " VALUES (?, 'now', 'cancelled', 'now')",
                        (f"t{pause}",),
                    )
                    await asyncio.sleep(1)

            task = asyncio.create_task(write())
            for _ in range(pause + 1):
                await asyncio.sleep(0)
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

            async with database.transaction() as tx:
                await tx.execute(
                    "INSERT INTO task_runs (task, run_at, holder, started_at)"
                    " VALUES (?, 'now', 'next', 'now')",
                    (f"next{pause}",),
                )
        rows = await database.fetch_all("SELECT task, holder FROM task_runs ORDER BY task")
        assert rows == [("next0", "next"), ("next1", "next"), ("next2", "next")]
    finally:
        await database.close()
