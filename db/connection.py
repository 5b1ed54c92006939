"""Opening the database: WAL, foreign keys, migrations applied."""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path

import aiosqlite

from bot.errors import StorageError
from db.migrations import apply_migrations

logger = logging.getLogger(__name__)

# Seconds a writer waits for another connection's lock before SQLite gives up.
BUSY_TIMEOUT_MS = 5000


async def open_database(path: Path | str) -> aiosqlite.Connection:
    """Open (creating if needed) the SQLite file at ``path`` and bring its schema up to date.

    WAL lets readers proceed while one writer commits; foreign keys are off by default in
    SQLite and must be switched on for every connection.

    Args:
        path: the database file; its folder is created. ``":memory:"`` works for throwaway use.

    Returns:
        An open connection; the caller closes it.

    Raises:
        StorageError: the file cannot be created, opened or migrated (a read-only folder, a
            file that is not a database …).
    """
    try:
        if str(path) != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        connection = await aiosqlite.connect(str(path))
    except (OSError, sqlite3.Error) as exc:
        raise StorageError(f"{path}: {exc}") from None
    try:
        await connection.execute("PRAGMA journal_mode = WAL")
        await connection.execute("PRAGMA foreign_keys = ON")
        await connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        # NORMAL is durable in WAL mode except for the last commits before a power cut, which
        # for a cache is the right trade for not syncing on every write.
        await connection.execute("PRAGMA synchronous = NORMAL")
        applied = await apply_migrations(connection)
    except sqlite3.Error as exc:
        await connection.close()
        raise StorageError(f"{path}: {exc}") from None
    except BaseException:
        await connection.close()
        raise
    if applied:
        logger.info("database %s migrated to version %d", path, applied[-1])
    return connection
