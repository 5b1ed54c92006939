"""Numbered migrations: applied once, in order, atomically."""

from __future__ import annotations

from pathlib import Path

import aiosqlite
import pytest

from db import apply_migrations, open_database, schema_version
from db.migrations import MIGRATIONS_DIR, discover


async def test_new_database_reaches_the_latest_version(tmp_path: Path) -> None:
    latest = discover()[-1].version
    db = await open_database(tmp_path / "n.sqlite3")
    try:
        assert await schema_version(db) == latest
        assert await apply_migrations(db) == []  # nothing left to do
    finally:
        await db.close()


async def test_bundled_migrations_are_numbered_from_one_without_gaps() -> None:
    versions = [m.version for m in discover(MIGRATIONS_DIR)]
    assert versions == list(range(1, len(versions) + 1))


async def test_migrations_apply_in_order_and_only_once(tmp_path: Path) -> None:
    folder = tmp_path / "migrations"
    folder.mkdir()
    (folder / "0002_add_note.sql").write_text("ALTER TABLE thing ADD COLUMN note TEXT;")
    (folder / "0001_thing.sql").write_text("CREATE TABLE thing (id INTEGER PRIMARY KEY);")
    async with aiosqlite.connect(tmp_path / "m.sqlite3") as db:
        assert await apply_migrations(db, folder) == [1, 2]
        (folder / "0003_more.sql").write_text("CREATE TABLE other (id INTEGER);")
        assert await apply_migrations(db, folder) == [3]
        assert await schema_version(db) == 3


async def test_a_failing_migration_leaves_nothing_behind(tmp_path: Path) -> None:
    folder = tmp_path / "migrations"
    folder.mkdir()
    (folder / "0001_ok.sql").write_text("CREATE TABLE ok (id INTEGER);")
    (folder / "0002_broken.sql").write_text(
        "CREATE TABLE half (id INTEGER);\nINSERT INTO nowhere VALUES (1);"
    )
    async with aiosqlite.connect(tmp_path / "m.sqlite3") as db:
        with pytest.raises(aiosqlite.OperationalError):
            await apply_migrations(db, folder)
        assert await schema_version(db) == 1
        async with db.execute("SELECT name FROM sqlite_master WHERE name = 'half'") as cursor:
            assert await cursor.fetchone() is None


def test_badly_named_or_duplicate_migrations_are_refused(tmp_path: Path) -> None:
    (tmp_path / "1_short.sql").write_text("")
    with pytest.raises(ValueError, match="NNNN_name"):
        discover(tmp_path)
    (tmp_path / "1_short.sql").unlink()
    (tmp_path / "0001_a.sql").write_text("")
    (tmp_path / "0001_b.sql").write_text("")
    with pytest.raises(ValueError, match="share number"):
        discover(tmp_path)
