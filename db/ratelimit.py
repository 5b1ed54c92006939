"""Each user's requests of the last minute, in the database: shared by every worker."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TypeVar

from bot.ratelimit import EMPTY, UserWindow
from db.database import Database, Row, Transaction

T = TypeVar("T")

# The user's row, created if new and returned locked (the update that changes nothing is
# what takes the lock on a row that exists).
_LOCKED = (
    "INSERT INTO rate_windows (user_id) VALUES (?)"
    " ON CONFLICT (user_id) DO UPDATE SET user_id = excluded.user_id"
    " RETURNING hits, told_until, expires"
)


class RateWindowRepository:
    """``bot.ratelimit.UserWindowStore`` over the ``rate_windows`` table.

    Every change is one short transaction holding the user's row (taken by an upsert that
    creates it when new; on SQLite the single writer is the lock), so two workers counting
    the same user's messages at once count both.
    """

    def __init__(self, database: Database) -> None:
        self._db = database

    async def get(self, user_id: int) -> UserWindow:
        row = await self._db.fetch_one(
            "SELECT hits, told_until, expires FROM rate_windows WHERE user_id = ?", (user_id,)
        )
        return _window(row) if row is not None else EMPTY

    async def update(
        self, user_id: int, change: Callable[[UserWindow], tuple[UserWindow, T]]
    ) -> T:
        async with self._db.transaction() as tx:
            row = await tx.fetch_one(_LOCKED, (user_id,))
            before = _window(row) if row is not None else EMPTY
            after, result = change(before)
            if after != before:
                await _write(tx, user_id, after)
            return result

    async def prune(self, now: float) -> int:
        async with self._db.transaction() as tx:
            return await tx.execute("DELETE FROM rate_windows WHERE expires < ?", (float(now),))


def _window(row: Row) -> UserWindow:
    hits = tuple((float(at), key) for at, key in json.loads(row[0]))
    return UserWindow(hits, float(row[1]))


async def _write(tx: Transaction, user_id: int, window: UserWindow) -> None:
    await tx.execute(
        "UPDATE rate_windows SET hits = ?, told_until = ?, expires = ? WHERE user_id = ?",
        (
            json.dumps([[at, key] for at, key in window.hits]),
            float(window.told_until),
            float(window.expires),
            user_id,
        ),
    )
