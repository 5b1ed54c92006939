"""Telegram's flood windows in the database: one set for every worker of the bot."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Sequence
from typing import TypeVar

from bot.flood import EMPTY, FloodWindow
from db.database import Database, Row

T = TypeVar("T")


class FloodWindowRepository:
    """``bot.flood.FloodStore`` over the ``flood_windows`` table.

    Every change is one short transaction of two statements: an upsert that creates the
    windows' rows when new and returns them all, locked; then an update of the ones the
    caller's pure function changed. The upsert takes the rows in one fixed order (the keys
    sorted), so workers booking overlapping windows never wait for each other in a cycle —
    and every booking takes the bot's overall window (``*``, sorted first), so bookings
    queue on that row. On SQLite the single writer (``BEGIN IMMEDIATE``) is the lock.
    """

    def __init__(self, database: Database) -> None:
        self._db = database

    async def update(
        self, keys: Sequence[str], change: Callable[[dict[str, FloodWindow]], T]
    ) -> T:
        ordered = sorted(set(keys))
        async with self._db.transaction() as tx:
            rows = await tx.fetch_all(_locked(len(ordered)), ordered)
            before = {row[0]: _window(row) for row in rows}
            windows = {key: before.get(key, EMPTY) for key in keys}
            result = change(windows)
            changed = [
                (
                    json.dumps(window.times),
                    float(window.blocked_until),
                    float(window.expires),
                    key,
                )
                for key, window in windows.items()
                if window != before.get(key)
            ]
            if changed:
                await tx.execute_many(
                    "UPDATE flood_windows SET times = ?, blocked_until = ?, expires = ?"
                    " WHERE key = ?",
                    changed,
                )
            return result

    async def prune(self, now: float) -> int:
        async with self._db.transaction() as tx:
            return await tx.execute("DELETE FROM flood_windows WHERE expires < ?", (float(now),))

    async def window(self, key: str) -> FloodWindow:
        """One window as stored (tests and diagnostics)."""
        row = await self._db.fetch_one(
            "SELECT key, times, blocked_until, expires FROM flood_windows WHERE key = ?", (key,)
        )
        return _window(row) if row is not None else EMPTY


@functools.lru_cache(maxsize=8)
def _locked(count: int) -> str:
    """Create the rows of ``count`` keys if new, and return them all, locked (parameters:
    the keys, sorted). The update that changes nothing is what takes the lock on a row
    that exists; it rewrites no indexed value, so PostgreSQL keeps it a cheap in-page
    update."""
    values = ", ".join(["(?)"] * count)
    return (
        f"INSERT INTO flood_windows (key) VALUES {values}"
        " ON CONFLICT (key) DO UPDATE SET key = excluded.key"
        " RETURNING key, times, blocked_until, expires"
    )


def _window(row: Row) -> FloodWindow:
    return FloodWindow(tuple(float(t) for t in json.loads(row[1])), float(row[2]), float(row[3]))
