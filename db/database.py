"""One connection, used by many coroutines one transaction at a time.

aiosqlite runs a connection's statements in order on one thread, but it does not keep two
coroutines' transactions apart: their statements would interleave inside one transaction.
Every repository of the newsroom goes through :class:`Database`, which takes a lock for each
read or transaction. SQLite's own work is a fraction of a millisecond per statement, so the
lock costs nothing a user could notice.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from typing import Any

import aiosqlite

Row = Sequence[Any]


def to_text(moment: dt.datetime | None) -> str | None:
    """UTC time as stored: ISO 8601 with microseconds and ``+00:00`` (compares as text)."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        raise ValueError("naive datetime: store UTC-aware times only")
    return moment.astimezone(dt.UTC).isoformat(timespec="microseconds")


def from_text(value: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(value) if value else None


class Transaction:
    """Statements inside one ``BEGIN IMMEDIATE … COMMIT``."""

    def __init__(self, connection: aiosqlite.Connection) -> None:
        self._connection = connection

    async def execute(self, sql: str, params: Iterable[Any] = ()) -> int:
        """Run one statement; return the number of rows it changed."""
        cursor = await self._connection.execute(sql, tuple(params))
        try:
            return cursor.rowcount
        finally:
            await cursor.close()

    async def insert(self, sql: str, params: Iterable[Any] = ()) -> int:
        """Run an INSERT; return the new row's id."""
        cursor = await self._connection.execute(sql, tuple(params))
        try:
            return int(cursor.lastrowid or 0)
        finally:
            await cursor.close()

    async def fetch_all(self, sql: str, params: Iterable[Any] = ()) -> list[Row]:
        return list(await self._connection.execute_fetchall(sql, tuple(params)))

    async def fetch_one(self, sql: str, params: Iterable[Any] = ()) -> Row | None:
        rows = await self.fetch_all(sql, params)
        return rows[0] if rows else None


class Database:
    """The newsroom's connection and the lock that keeps transactions apart."""

    def __init__(self, connection: aiosqlite.Connection) -> None:
        self.connection = connection
        self._lock = asyncio.Lock()

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Transaction]:
        """A write transaction: committed on normal exit, rolled back on any exception."""
        async with self._lock:
            await self.connection.execute("BEGIN IMMEDIATE")
            try:
                yield Transaction(self.connection)
            except BaseException:
                await self.connection.rollback()
                raise
            await self.connection.commit()

    async def fetch_all(self, sql: str, params: Iterable[Any] = ()) -> list[Row]:
        async with self._lock:
            return list(await self.connection.execute_fetchall(sql, tuple(params)))

    async def fetch_one(self, sql: str, params: Iterable[Any] = ()) -> Row | None:
        rows = await self.fetch_all(sql, params)
        return rows[0] if rows else None

    async def close(self) -> None:
        await self.connection.close()
