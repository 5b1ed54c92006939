"""One storage interface, two engines: SQLite (the embedded default) and PostgreSQL.

Repositories write portable SQL with ``?`` placeholders and call :class:`Database`; the two
implementations differ only where the engines do (see :mod:`db.dialect`):

- **SQLite** (aiosqlite): one connection, used by many coroutines one transaction at a time
  (aiosqlite runs statements in order on one thread but does not keep two coroutines'
  transactions apart, so a lock does). One process writes: the embedded default.
- **PostgreSQL** (asyncpg): a connection pool; each transaction takes a connection of its
  own, so several coroutines — and several worker processes — work at once. ``?`` becomes
  ``$1, $2 …`` once per statement text (cached).

Both offer the same wake-up channel (:meth:`Database.notify` / :meth:`Database.listen`):
``LISTEN/NOTIFY`` across processes on PostgreSQL, an in-process call on SQLite.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import fcntl
import functools
import logging
import os
from abc import ABC, abstractmethod
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from bot.errors import StorageError
from db.dialect import Dialect

logger = logging.getLogger(__name__)

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


class Transaction(ABC):
    """Statements inside one transaction (committed on success, rolled back on error)."""

    @abstractmethod
    async def execute(self, sql: str, params: Iterable[Any] = ()) -> int:
        """Run one statement; return the number of rows it changed."""
        ...

    @abstractmethod
    async def insert(self, sql: str, params: Iterable[Any] = ()) -> int:
        """Run an INSERT into a table with an ``id`` key; return the new row's id."""
        ...

    @abstractmethod
    async def fetch_all(self, sql: str, params: Iterable[Any] = ()) -> list[Row]: ...

    async def fetch_one(self, sql: str, params: Iterable[Any] = ()) -> Row | None:
        rows = await self.fetch_all(sql, params)
        return rows[0] if rows else None

    @abstractmethod
    async def execute_many(self, sql: str, rows: Iterable[Iterable[Any]]) -> None:
        """Run one statement once per parameter row."""
        ...

    @abstractmethod
    async def lock_key(self, key: int) -> None:
        """Hold a lock on ``key`` until the transaction ends (a no-op with one writer)."""


class Database(ABC):
    """What every repository is given."""

    dialect: Dialect

    @abstractmethod
    def transaction(self) -> Any:  # an async context manager yielding a Transaction
        ...

    @abstractmethod
    def snapshot(self) -> Any:  # an async context manager yielding a Transaction
        """Several reads that see one state of the database (nothing is written)."""
        ...

    @abstractmethod
    def migration_guard(self) -> Any:  # an async context manager
        """Held while migrating, so that workers starting together migrate once."""
        ...

    async def fetch_all(self, sql: str, params: Iterable[Any] = ()) -> list[Row]:
        async with self.transaction() as tx:
            return await tx.fetch_all(sql, params)

    async def fetch_one(self, sql: str, params: Iterable[Any] = ()) -> Row | None:
        rows = await self.fetch_all(sql, params)
        return rows[0] if rows else None

    @abstractmethod
    async def run_script(self, script: str) -> None:
        """Run a migration's statements in one transaction."""
        ...

    @abstractmethod
    async def notify(self, channel: str) -> None:
        """Wake whoever listens on ``channel`` (every process, on PostgreSQL)."""
        ...

    @abstractmethod
    async def listen(self, channel: str, callback: Callable[[], None]) -> None: ...

    @abstractmethod
    async def close(self) -> None: ...


# ----------------------------------------------------------------------------- SQLite


class _SQLiteTransaction(Transaction):
    def __init__(self, connection: Any) -> None:
        self._connection = connection

    async def execute(self, sql: str, params: Iterable[Any] = ()) -> int:
        cursor = await self._connection.execute(sql, tuple(params))
        try:
            return int(cursor.rowcount)
        finally:
            await cursor.close()

    async def insert(self, sql: str, params: Iterable[Any] = ()) -> int:
        cursor = await self._connection.execute(sql, tuple(params))
        try:
            return int(cursor.lastrowid or 0)
        finally:
            await cursor.close()

    async def fetch_all(self, sql: str, params: Iterable[Any] = ()) -> list[Row]:
        return list(await self._connection.execute_fetchall(sql, tuple(params)))

    async def execute_many(self, sql: str, rows: Iterable[Iterable[Any]]) -> None:
        await self._connection.executemany(sql, [tuple(row) for row in rows])

    async def lock_key(self, key: int) -> None:
        del key  # the one writer's transaction (BEGIN IMMEDIATE) already excludes the others


class SQLiteDatabase(Database):
    """One aiosqlite connection and the lock that keeps transactions apart."""

    dialect = Dialect.SQLITE

    def __init__(self, connection: Any, path: Path | None = None) -> None:
        self.connection = connection
        self._path = path
        self._lock = asyncio.Lock()
        self._listeners: dict[str, list[Callable[[], None]]] = {}

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Transaction]:
        async with self._lock:
            try:
                # Inside the try: a task cancelled while BEGIN waits for aiosqlite's thread
                # still has it run there, and the rollback (queued after it, a no-op when
                # nothing began) must close it — or the next BEGIN finds a transaction open.
                await self.connection.execute("BEGIN IMMEDIATE")
                yield _SQLiteTransaction(self.connection)
            except BaseException:
                await self.connection.rollback()
                raise
            await self.connection.commit()

    @asynccontextmanager
    async def snapshot(self) -> AsyncIterator[Transaction]:
        # Nobody else writes while the lock is held: no transaction needed to read consistently.
        async with self._lock:
            yield _SQLiteTransaction(self.connection)

    @asynccontextmanager
    async def migration_guard(self) -> AsyncIterator[None]:
        # Reading the version and applying what is missing must not interleave with another
        # connection doing the same: an exclusive lock on a file next to the database.
        if self._path is None:
            yield
            return
        lock_path = f"{self._path}.migrating"
        fd = await asyncio.to_thread(os.open, lock_path, os.O_CREAT | os.O_RDWR, 0o644)
        try:
            await asyncio.to_thread(fcntl.flock, fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)  # closing releases the lock

    async def fetch_all(self, sql: str, params: Iterable[Any] = ()) -> list[Row]:
        async with self._lock:
            return list(await self.connection.execute_fetchall(sql, tuple(params)))

    async def run_script(self, script: str) -> None:
        # executescript() commits anything pending and runs the script as written: the
        # BEGIN/COMMIT pair makes the migration and its bookkeeping one transaction.
        async with self._lock:
            try:
                await self.connection.executescript(f"BEGIN;\n{script}\n;\nCOMMIT;")
            except BaseException:
                if self.connection.in_transaction:
                    await self.connection.rollback()
                raise

    async def notify(self, channel: str) -> None:
        for callback in self._listeners.get(channel, []):
            callback()

    async def listen(self, channel: str, callback: Callable[[], None]) -> None:
        self._listeners.setdefault(channel, []).append(callback)

    async def close(self) -> None:
        await self.connection.close()


# ----------------------------------------------------------------------------- PostgreSQL


def _without_password(error: BaseException) -> str:
    # asyncpg's messages name the user and host, never the password; keep them short.
    return str(error).splitlines()[0][:200] if str(error) else ""


# Any fixed number: the advisory lock every worker takes while it migrates the schema.
_MIGRATION_LOCK = 7_416_032


@functools.lru_cache(maxsize=1024)
def numbered(sql: str) -> str:
    """``?`` placeholders as ``$1, $2 …`` (outside quoted strings), as asyncpg wants them."""
    out: list[str] = []
    number = 0
    quote: str | None = None
    for char in sql:
        if quote is not None:
            if char == quote:
                quote = None
        elif char in ("'", '"'):
            quote = char
        elif char == "?":
            number += 1
            out.append(f"${number}")
            continue
        out.append(char)
    return "".join(out)


def _rowcount(status: str) -> int:
    """asyncpg's command status ("UPDATE 3", "INSERT 0 1", "DELETE 0") → rows changed."""
    last = status.rsplit(" ", 1)[-1]
    return int(last) if last.isdigit() else 0


class _PostgresTransaction(Transaction):
    def __init__(self, connection: Any) -> None:
        self._connection = connection

    async def execute(self, sql: str, params: Iterable[Any] = ()) -> int:
        return _rowcount(await self._connection.execute(numbered(sql), *params))

    async def insert(self, sql: str, params: Iterable[Any] = ()) -> int:
        return int(await self._connection.fetchval(numbered(sql) + " RETURNING id", *params))

    async def fetch_all(self, sql: str, params: Iterable[Any] = ()) -> list[Row]:
        return [tuple(row) for row in await self._connection.fetch(numbered(sql), *params)]

    async def execute_many(self, sql: str, rows: Iterable[Iterable[Any]]) -> None:
        await self._connection.executemany(numbered(sql), [tuple(row) for row in rows])

    async def lock_key(self, key: int) -> None:
        await self._connection.execute("SELECT pg_advisory_xact_lock($1)", key)


async def _keep_session(connection: Any) -> None:
    """What a pooled connection needs when it is given back: nothing. asyncpg's default
    sends ``CLOSE ALL; UNLISTEN *; RESET ALL; SELECT pg_advisory_unlock_all()`` every time,
    four statements after each of our transactions (measured: 4 of every 8 statements the
    bot ran), for session state we never create: no SET, no LISTEN and no session lock on
    pooled connections (the listener and the migration lock have connections of their
    own), and ``transaction()`` always ends its transaction."""
    del connection


class PostgresDatabase(Database):
    """An asyncpg pool: transactions run side by side, in this process and in others."""

    dialect = Dialect.POSTGRESQL

    def __init__(self, pool: Any, dsn: str) -> None:
        self.pool = pool
        self._dsn = dsn
        self._listener: Any = None

    @classmethod
    async def connect(cls, dsn: str, *, size: int = 10) -> PostgresDatabase:
        """A pool of up to ``size`` connections.

        Raises:
            StorageError: the server cannot be reached or refuses the login.
        """
        import asyncpg  # only deployments on PostgreSQL need it loaded

        try:
            pool = await asyncpg.create_pool(dsn, min_size=1, max_size=size, reset=_keep_session)
        except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
            reason = f"{type(exc).__name__}: {_without_password(exc)}"
            raise StorageError(f"PostgreSQL: {reason}") from None
        return cls(pool, dsn)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Transaction]:
        async with self.pool.acquire() as connection, connection.transaction():
            yield _PostgresTransaction(connection)

    @asynccontextmanager
    async def snapshot(self) -> AsyncIterator[Transaction]:
        async with (
            self.pool.acquire() as connection,
            connection.transaction(isolation="repeatable_read", readonly=True),
        ):
            yield _PostgresTransaction(connection)

    @asynccontextmanager
    async def migration_guard(self) -> AsyncIterator[None]:
        # A session-level advisory lock on a connection of its own: the second worker to
        # start waits here, then finds the schema current. Migrations run at start-up only,
        # so holding a connection (not a pooled transaction) is fine even behind PgBouncer's
        # session mode; in transaction mode, point DATABASE_URL's migrations at the server.
        # Outside the pool: the migrations themselves need a pooled connection, and a pool
        # of one would wait for the lock's connection forever.
        import asyncpg

        connection = await asyncpg.connect(self._dsn)
        try:
            await connection.execute("SELECT pg_advisory_lock($1)", _MIGRATION_LOCK)
            yield  # ending the session releases the lock, even after a failed migration
        finally:
            await connection.close()

    async def fetch_all(self, sql: str, params: Iterable[Any] = ()) -> list[Row]:
        return [tuple(row) for row in await self.pool.fetch(numbered(sql), *params)]

    async def run_script(self, script: str) -> None:
        async with self.pool.acquire() as connection, connection.transaction():
            await connection.execute(script)

    async def notify(self, channel: str) -> None:
        await self.pool.execute("SELECT pg_notify($1, '')", channel)

    async def listen(self, channel: str, callback: Callable[[], None]) -> None:
        import asyncpg

        if self._listener is None:
            # A connection of its own: LISTEN lives as long as the session.
            self._listener = await asyncpg.connect(self._dsn)
        await self._listener.add_listener(channel, lambda *_: callback())

    async def close(self) -> None:
        if self._listener is not None:
            await self._listener.close()
        await self.pool.close()
