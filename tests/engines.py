"""Both storage engines for the tests: SQLite files, and a real PostgreSQL server.

The server is started once per run (``PG_TEST_DSN`` names one run elsewhere instead); each
test gets a schema of its own in it, so tests never see each other's rows. Where PostgreSQL
cannot run, its tests are skipped and the run ends with a banner saying so — unless
``NASHIR_REQUIRE_POSTGRES=1`` (set by ``scripts/test.sh`` once it has installed the server),
which turns the skip into a failure: CI covers both engines or fails.
"""

from __future__ import annotations

import asyncio
import os
import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.settings import DatabaseUrl
from devtools.pgserver import PostgresServer, unavailable_reason

ENGINES = ("sqlite", "postgresql")
SKIPPED: list[str] = []


def postgres_server() -> Iterator[PostgresServer]:
    """Body of the session fixture ``postgres`` (defined in the root conftest)."""
    reason = unavailable_reason()
    if reason is None:
        try:
            server = PostgresServer.start()
        except RuntimeError as error:
            reason = f"the server did not start: {error}"
    if reason is not None:
        if os.environ.get("NASHIR_REQUIRE_POSTGRES") == "1":
            pytest.fail(f"PostgreSQL is required here but unavailable: {reason}")
        SKIPPED.append(reason)
        pytest.skip(f"PostgreSQL unavailable: {reason}")
    try:
        yield server
    finally:
        server.stop()


def fresh_schema(server: PostgresServer) -> DatabaseUrl:
    """A new, empty schema; the URL points every connection's search_path at it."""
    import asyncpg

    schema = f"t_{secrets.token_hex(6)}"

    async def create() -> None:
        connection = await asyncpg.connect(server.dsn)
        try:
            await connection.execute(f"CREATE SCHEMA {schema}")
        finally:
            await connection.close()

    asyncio.run(create())
    joiner = "&" if "?" in server.dsn else "?"
    return DatabaseUrl.parse(f"{server.dsn}{joiner}search_path={schema}")


def engine_url(request: pytest.FixtureRequest, tmp_path: Path) -> DatabaseUrl:
    """The database of a test parametrized over :data:`ENGINES`."""
    if request.param == "sqlite":
        return DatabaseUrl.sqlite(tmp_path / "nashir.sqlite3")
    return fresh_schema(request.getfixturevalue("postgres"))


def report_skips(terminal: pytest.TerminalReporter) -> None:
    if SKIPPED:
        terminal.section("PostgreSQL NOT TESTED", sep="!", red=True, bold=True)
        terminal.line(
            f"Every PostgreSQL test was skipped: {SKIPPED[0]}. Only SQLite was checked;"
            " run scripts/test.sh as root (it installs PostgreSQL) or set PG_TEST_DSN.",
            red=True,
            bold=True,
        )
