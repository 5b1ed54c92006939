"""Numbered schema migrations: ``NNNN_name.sql`` files applied once each, in order.

Each file runs in one transaction together with its row in ``schema_version``, so a
migration is either fully applied and recorded, or not at all.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

from db.database import Database
from db.dialect import schema_script

MIGRATIONS_DIR = Path(__file__).resolve().parent
_NAME = re.compile(r"(?P<number>\d{4})_(?P<name>[a-z0-9_]+)\.sql")


@dataclass(frozen=True, slots=True)
class Migration:
    version: int
    name: str
    path: Path


def discover(directory: Path = MIGRATIONS_DIR) -> tuple[Migration, ...]:
    """Migration files in ``directory`` sorted by number; numbers must be unique."""
    found: dict[int, Migration] = {}
    for path in directory.glob("*.sql"):
        match = _NAME.fullmatch(path.name)
        if match is None:
            raise ValueError(f"migration file {path.name!r} is not named NNNN_name.sql")
        version = int(match["number"])
        if version in found:
            raise ValueError(f"two migrations share number {version:04d}")
        found[version] = Migration(version, match["name"], path)
    return tuple(found[v] for v in sorted(found))


async def schema_version(database: Database) -> int:
    """The highest migration applied so far (0 for a new database)."""
    await _ensure_table(database)
    row = await database.fetch_one("SELECT MAX(version) FROM schema_version")
    return int(row[0]) if row and row[0] is not None else 0


async def apply_migrations(database: Database, directory: Path = MIGRATIONS_DIR) -> list[int]:
    """Apply every migration newer than the database; return the versions applied.

    Several workers may start at once: the guard lets one migrate while the others wait,
    then find nothing left to do.
    """
    applied: list[int] = []
    async with database.migration_guard():
        current = await schema_version(database)
        for migration in discover(directory):
            if migration.version <= current:
                continue
            script = schema_script(migration.path.read_text(encoding="utf-8"), database.dialect)
            now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
            # The file and its bookkeeping row commit together, or neither does.
            await database.run_script(
                f"{script}\n;\n"
                "INSERT INTO schema_version (version, name, applied_at) VALUES "
                f"({migration.version}, '{migration.name}', '{now}');"
            )
            applied.append(migration.version)
    return applied


async def _ensure_table(database: Database) -> None:
    await database.run_script(
        "CREATE TABLE IF NOT EXISTS schema_version ("
        " version BIGINT PRIMARY KEY,"
        " name TEXT NOT NULL,"
        " applied_at TEXT NOT NULL)"
    )
