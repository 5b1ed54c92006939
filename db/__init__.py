"""SQLite storage (aiosqlite): one connection, numbered migrations, one repository per aggregate.

Repositories take and return engine models (``bot.models``), never rows.
"""

from db.connection import open_database
from db.migrations import apply_migrations, schema_version
from db.shares import SavedShare, ShareRepository

__all__ = [
    "SavedShare",
    "ShareRepository",
    "apply_migrations",
    "open_database",
    "schema_version",
]
