"""Fixtures for driving the real bot over HTTP: a Bot API server, pages, a running bot."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import pytest
from telegram import Bot

from bot.settings import Settings
from devtools.botapi import DEFAULT_TOKEN, BotAPIServer
from devtools.pages import PageServer
from handlers.services import BotOptions
from tests.e2e.harness import RunningBot, bot_settings

# Short enough that a slow test page shows the placeholder, long enough for a normal one.
E2E_OPTIONS = BotOptions(inline_budget=1.0)

StartBot = Callable[..., RunningBot]


@pytest.fixture
def api(bot_api: BotAPIServer) -> BotAPIServer:
    """The local Bot API server the bot talks to: Telegram's flood limits on unless the
    test is marked ``no_flood_limits`` (see tests/conftest.py)."""
    return bot_api


@pytest.fixture
async def bot(bot_api: BotAPIServer) -> AsyncIterator[Bot]:
    """A bare python-telegram-bot client of the local server (no handlers, no limiter)."""
    client = Bot(
        DEFAULT_TOKEN, base_url=f"{bot_api.root}/bot", base_file_url=f"{bot_api.root}/file/bot"
    )
    async with client:
        yield client


@pytest.fixture(params=["polling", "webhook"])
def mode(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def start_bot(api: BotAPIServer, settings: Settings, mode: str) -> Iterator[StartBot]:
    """Start the bot in this test's mode; ``changes`` override settings fields."""
    started: list[RunningBot] = []

    def start(
        *, options: BotOptions = E2E_OPTIONS, workers: int = 0, **changes: Any
    ) -> RunningBot:
        bot = RunningBot(
            bot_settings(settings, api, **changes), mode=mode, options=options, workers=workers
        )
        started.append(bot)
        return bot.start()

    yield start
    for bot in reversed(started):
        bot.stop()


@pytest.fixture
def article_url(page_server: PageServer, sample_html: str) -> str:
    """The bundled sample article, served from 127.0.0.1."""
    return page_server.add("/economie/2026/03/desalination-agadir.html", body=sample_html.encode())


def article_variant(sample_html: str, number: int) -> bytes:
    """The sample article as a distinct article: its own headline and canonical address."""
    html = sample_html.replace(
        "desalination-agadir.html", f"desalination-agadir-{number}.html"
    ).replace("في أكادير", f"في أكادير (الجزء {number})")
    return html.encode("utf-8")
