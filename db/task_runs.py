"""Due work run once: a row per (task, run_at) — a scheduled post, a feed's poll round.

Whoever inserts the row runs the work; anyone else finds it there and skips it, so even two
processes that both believe they lead at the same moment (a lease that expired by one clock
while its holder still ticks) cannot post twice or poll the same round twice. The key is the
work's own due time (a draft's ``scheduled_at``, a feed's ``next_poll_at``): once the work is
done, that time is no longer due, so old rows only need pruning.
"""

from __future__ import annotations

import datetime as dt

from db.database import Database, to_text

_CLAIM = (
    "INSERT INTO task_runs (task, run_at, holder, started_at) VALUES (?, ?, ?, ?)"
    " ON CONFLICT (task, run_at) DO NOTHING"
)
# A claim whose holder died before the work was done (its state still says due) is taken
# over once it is older than the work could take; the work itself must tolerate that rare
# second attempt (a draft's start is conditional on its version).
_CLAIM_OR_TAKE_OVER = (
    "INSERT INTO task_runs (task, run_at, holder, started_at) VALUES (?, ?, ?, ?)"
    " ON CONFLICT (task, run_at) DO UPDATE SET holder = excluded.holder,"
    " started_at = excluded.started_at WHERE task_runs.started_at <= ?"
)


class TaskRunRepository:
    def __init__(self, database: Database) -> None:
        self._db = database

    async def claim(
        self,
        task: str,
        run_at: dt.datetime,
        holder: str,
        now: dt.datetime,
        *,
        stale_after: dt.timedelta | None = None,
    ) -> bool:
        """Claim the run of ``task`` due at ``run_at``; False when someone already has.

        With ``stale_after``, a claim older than that (its holder died mid-run) is taken over.
        """
        params: tuple[str | None, ...] = (task, to_text(run_at), holder, to_text(now))
        sql = _CLAIM
        if stale_after is not None:
            sql = _CLAIM_OR_TAKE_OVER
            params = (*params, to_text(now - stale_after))
        async with self._db.transaction() as tx:
            return await tx.execute(sql, params) == 1

    async def release(self, task: str, run_at: dt.datetime, holder: str) -> None:
        """Give a claim back: the work did not happen (the draft changed meanwhile), so the
        next pass may claim it again."""
        async with self._db.transaction() as tx:
            await tx.execute(
                "DELETE FROM task_runs WHERE task = ? AND run_at = ? AND holder = ?",
                (task, to_text(run_at), holder),
            )

    async def holder(self, task: str, run_at: dt.datetime) -> str | None:
        """Who claimed that run (for operators and tests); None when nobody has."""
        row = await self._db.fetch_one(
            "SELECT holder FROM task_runs WHERE task = ? AND run_at = ?", (task, to_text(run_at))
        )
        return row[0] if row else None

    async def prune(self, before: dt.datetime) -> int:
        """Forget runs started before ``before``; return how many."""
        async with self._db.transaction() as tx:
            return await tx.execute(
                "DELETE FROM task_runs WHERE started_at < ?", (to_text(before),)
            )
