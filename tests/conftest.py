"""Fixtures shared by the whole suite."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.ingest.sources import article_from_html_file
from bot.models import Article
from bot.settings import Settings, load_settings
from devtools.botapi import BotAPIServer
from devtools.pages import PageServer

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_HTML = ROOT / "examples" / "sample-article.html"


@pytest.fixture
def page_server() -> Iterator[PageServer]:
    server = PageServer().start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def bot_api() -> Iterator[BotAPIServer]:
    """A local Bot API server (Telegram's HTTP protocol) for one test."""
    api = BotAPIServer().start()
    try:
        yield api
    finally:
        api.stop()


@pytest.fixture
def sample_html() -> str:
    return SAMPLE_HTML.read_text(encoding="utf-8")


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Embedded defaults, a temporary database, and local addresses allowed (tests only)."""
    return load_settings(
        {
            "DATABASE_PATH": str(tmp_path / "nashir.sqlite3"),
            "FETCH_ALLOW_PRIVATE_HOSTS": "true",
            "SITE_NAME": "أخبار الساحل",
            "SITE_URL": "https://akhbar-sahel.ma",
        },
        dotenv=None,
    )


@pytest.fixture
def sample_article() -> Article:
    """The bundled sample article, extracted."""
    return article_from_html_file(SAMPLE_HTML)
