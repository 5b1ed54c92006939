"""Fixtures shared by the whole suite."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.ingest.sources import article_from_html_file
from bot.models import Article
from bot.settings import DatabaseUrl, Settings, load_settings
from devtools.botapi import TELEGRAM_LIMITS, BotAPIServer
from devtools.pages import PageServer
from devtools.pgserver import PostgresServer
from tests.engines import postgres_server, report_skips

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_HTML = ROOT / "examples" / "sample-article.html"


@pytest.fixture
def page_server() -> Iterator[PageServer]:
    server = PageServer().start()
    try:
        yield server
    finally:
        server.stop()


NO_FLOOD_LIMITS = "no_flood_limits"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        f"{NO_FLOOD_LIMITS}: the local Bot API server of this test enforces no sending limits "
        "(for a test that needs a burst Telegram would refuse; say why next to it)",
    )


@pytest.fixture
def bot_api(request: pytest.FixtureRequest) -> Iterator[BotAPIServer]:
    """A local Bot API server (Telegram's HTTP protocol) for one test.

    Telegram's flood limits are enforced unless the test is marked ``no_flood_limits``;
    plain-HTTP webhooks on 127.0.0.1 are allowed (the test's bot listens without TLS).
    """
    flood = None if request.node.get_closest_marker(NO_FLOOD_LIMITS) else TELEGRAM_LIMITS
    api = BotAPIServer(flood=flood, allow_local_webhooks=True).start()
    try:
        yield api
    finally:
        api.stop()


@pytest.fixture
def sample_html() -> str:
    return SAMPLE_HTML.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    """A real PostgreSQL server for the run (skipped loudly where none can run)."""
    yield from postgres_server()


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    report_skips(terminalreporter)


@pytest.fixture
def database_url(tmp_path: Path) -> DatabaseUrl:
    """SQLite by default; the storage tests' folders run this over both engines."""
    return DatabaseUrl.sqlite(tmp_path / "nashir.sqlite3")


@pytest.fixture
def settings(database_url: DatabaseUrl) -> Settings:
    """Embedded defaults, a temporary database, and local addresses allowed (tests only)."""
    return load_settings(
        {
            "DATABASE_URL": _as_setting(database_url),
            "FETCH_ALLOW_PRIVATE_HOSTS": "true",
            "SITE_NAME": "أخبار الساحل",
            "SITE_URL": "https://akhbar-sahel.ma",
        },
        dotenv=None,
    )


def _as_setting(url: DatabaseUrl) -> str:
    return str(url.path) if url.path is not None else url.dsn()


@pytest.fixture
def sample_article() -> Article:
    """The bundled sample article, extracted."""
    return article_from_html_file(SAMPLE_HTML)
