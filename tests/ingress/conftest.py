"""The inbox on both engines, handled by real PTB applications against the local Bot API."""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from telegram import Update
from telegram.ext import Application, ApplicationBuilder, ContextTypes, TypeHandler

from bot.settings import DatabaseUrl
from db.connection import open_database
from db.database import Database
from db.inbox import InboxProgress
from devtools.botapi import BotAPIServer
from handlers.ingress import Ingress, IngressConfig
from handlers.progress import current_handling
from tests.engines import ENGINES, engine_url


@pytest.fixture(params=ENGINES)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> DatabaseUrl:
    return engine_url(request, tmp_path)


@dataclass
class Journal:
    """What the handlers saw, in the order they finished: (worker, update_id, chat)."""

    handled: list[tuple[str, int, int]] = field(default_factory=list)
    running: dict[int, int] = field(default_factory=dict)  # chat → handlers running now
    overlaps: int = 0  # two handlers of one chat at once (must never happen)
    concurrent_chats: int = 0  # most chats handled at the same moment
    # update_id → (attempt, what earlier attempts noted), as the handler saw it
    attempts: dict[int, tuple[int, InboxProgress]] = field(default_factory=dict)

    def of_chat(self, chat: int) -> list[int]:
        return [update_id for _, update_id, c in self.handled if c == chat]


@dataclass
class Worker:
    name: str
    ingress: Ingress
    database: Database
    application: Application  # type: ignore[type-arg]
    stop: asyncio.Event
    task: asyncio.Task[None] | None = None


@pytest.fixture
async def workers(
    database_url: DatabaseUrl, bot_api: BotAPIServer
) -> AsyncIterator[Callable[..., Any]]:
    """Start "worker" = its own database connection, PTB application and ingress."""
    journal = Journal()
    started: list[Worker] = []
    rng = random.Random(7)

    async def start(name: str, *, config: IngressConfig | None = None, run: bool = True) -> Worker:
        database = await open_database(database_url)
        application = (
            ApplicationBuilder()
            .token(bot_api.token)
            .base_url(f"{bot_api.root}/bot")
            .updater(None)
            .build()
        )

        async def record(update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
            chat = update.effective_chat.id if update.effective_chat else 0
            journal.running[chat] = journal.running.get(chat, 0) + 1
            if journal.running[chat] > 1:
                journal.overlaps += 1
            busy = sum(1 for count in journal.running.values() if count)
            journal.concurrent_chats = max(journal.concurrent_chats, busy)
            handling = current_handling()
            assert handling is not None and handling.update_id == update.update_id
            journal.attempts[update.update_id] = (handling.attempts, await handling.earlier())
            # Handlers take different times, as real ones do (a cached link, a new page).
            await asyncio.sleep(rng.uniform(0, 0.02))
            journal.running[chat] -= 1
            journal.handled.append((name, update.update_id, chat))

        application.add_handler(TypeHandler(Update, record))
        await application.initialize()
        worker = Worker(
            name,
            Ingress(application, database, config=config or IngressConfig(poll=0.2), owner=name),
            database,
            application,
            asyncio.Event(),
        )
        if run:
            worker.task = asyncio.create_task(worker.ingress.run(worker.stop))
        started.append(worker)
        return worker

    start.journal = journal  # type: ignore[attr-defined]
    try:
        yield start
    finally:
        for worker in started:
            worker.stop.set()
        await asyncio.gather(*(w.task for w in started if w.task), return_exceptions=True)
        for worker in started:
            await worker.application.shutdown()
            await worker.database.close()


def message(update_id: int, chat: int, text: str = "مرحبا") -> dict[str, Any]:
    """A private message as Telegram delivers it."""
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": 1_780_000_000,
            "chat": {"id": chat, "type": "private", "first_name": "قارئ"},
            "from": {"id": chat, "is_bot": False, "first_name": "قارئ"},
            "text": text,
        },
    }


async def settle(journal: Journal, count: int, *, within: float = 30.0) -> None:
    """Wait until ``count`` updates were handled (or fail after ``within`` seconds)."""
    deadline = asyncio.get_running_loop().time() + within
    while len(journal.handled) < count:
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"only {len(journal.handled)} of {count} handled")
        await asyncio.sleep(0.02)
