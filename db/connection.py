"""Opening the database named by ``DATABASE_URL``: SQLite (a file) or PostgreSQL (a server).

Either way the schema is brought up to date before anything else runs.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import time
from pathlib import Path

import aiosqlite

from bot.errors import StorageError
from bot.settings import DatabaseUrl
from db.database import Database, PostgresDatabase, SQLiteDatabase
from db.migrations import apply_migrations

logger = logging.getLogger(__name__)

# Seconds a writer waits for another connection's lock before SQLite gives up.
BUSY_TIMEOUT_MS = 5000


async def open_database(
    url: DatabaseUrl | Path | str, *, pool_size: int = 10, migrate: bool = True
) -> Database:
    """Open the database at ``url`` (creating an SQLite file if needed) and migrate it.

    Args:
        url: a :class:`DatabaseUrl`, or an SQLite file path (``":memory:"`` for throwaway use).
        pool_size: PostgreSQL only: connections this process keeps at most.
        migrate: bring the schema up to date (only tests of migrations say no).

    Returns:
        An open database; the caller closes it.

    Raises:
        StorageError: it cannot be created, reached, opened or migrated (a read-only folder,
            a file that is not a database, a server that refuses the login …).
    """
    if not isinstance(url, DatabaseUrl):
        url = DatabaseUrl.sqlite(Path(url))
    if url.path is not None:
        database: Database = await _open_sqlite(url.path)
    else:
        database = await PostgresDatabase.connect(url.dsn(), size=pool_size)
    if not migrate:
        return database
    try:
        applied = await apply_migrations(database)
    except (sqlite3.Error, OSError) as exc:
        await database.close()
        raise StorageError(f"{url}: {exc}") from None
    except Exception as exc:
        await database.close()
        if type(exc).__module__.startswith("asyncpg"):
            raise StorageError(f"{url}: {type(exc).__name__}: {exc}") from None
        raise
    except BaseException:
        await database.close()
        raise
    if applied:
        logger.info("database %s migrated to version %d", url, applied[-1])
    return database


async def _use_wal(connection: aiosqlite.Connection) -> None:
    """Switch the file to WAL (the first connection does; it is a property of the file).

    Connections opening a new file at the same moment (workers, or the bot and a command
    started together) can find it being switched by another: SQLite then answers "database
    is locked" at once, without its busy handler. Try again for up to the busy timeout.
    """
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            await connection.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() >= deadline:
                raise
        await asyncio.sleep(0.01)


async def _open_sqlite(path: Path) -> SQLiteDatabase:
    """WAL lets readers proceed while one writer commits; foreign keys are off by default in
    SQLite and must be switched on for every connection."""
    try:
        if str(path) != ":memory:":
            path.parent.mkdir(parents=True, exist_ok=True)
        connection = await aiosqlite.connect(str(path))
    except (OSError, sqlite3.Error) as exc:
        raise StorageError(f"{path}: {exc}") from None
    try:
        await connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        await _use_wal(connection)
        await connection.execute("PRAGMA foreign_keys = ON")
        # NORMAL is durable in WAL mode except for the last commits before a power cut, which
        # for a cache is the right trade for not syncing on every write.
        await connection.execute("PRAGMA synchronous = NORMAL")
    except sqlite3.Error as exc:
        await connection.close()
        raise StorageError(f"{path}: {exc}") from None
    return SQLiteDatabase(connection, None if str(path) == ":memory:" else path)
