"""The real bot (``handlers.runner.serve``, as ``python main.py run`` runs it) on its own
event loop in a thread of this process, for benchmarks that also drive its engine."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

from bot.settings import Settings
from handlers.newsroom_services import NewsroomServices
from handlers.runner import serve


class InProcessBot:
    """The bot as ``python main.py run`` runs it (``serve``), on its own loop in a thread."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._ready = threading.Event()
        self._application: Any = None
        self._thread = threading.Thread(target=self._run, daemon=True)
        self.error: BaseException | None = None

    def start(self) -> None:
        self._thread.start()
        if not self._ready.wait(120) or self.error is not None:
            raise RuntimeError(f"the bot did not start: {self.error!r}")

    def newsroom(self) -> NewsroomServices:
        services = self._application.bot_data["nashir.newsroom"]
        assert isinstance(services, NewsroomServices)
        return services

    def call(self, coroutine: Any, *, timeout: float) -> Any:
        assert self._loop is not None
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(timeout)

    def stop(self) -> None:
        if self._loop is not None and self._stop is not None:
            self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(120)

    def _run(self) -> None:
        try:
            asyncio.run(self._main())
        except BaseException as error:
            self.error = error
            self._ready.set()

    async def _main(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._stop = asyncio.Event()

        def ready(application: Any, services: Any) -> None:
            self._application = application
            self._ready.set()

        await serve(self._settings, stop=self._stop, ready=ready)
