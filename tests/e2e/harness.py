"""Running the real bot against the local Bot API server, in a thread with its own loop.

The bot runs exactly as ``python main.py run`` runs it (:func:`handlers.runner.serve`: the
real pipeline, the real SQLite cache, unmodified python-telegram-bot); the test thread plays
the users through :class:`~devtools.botapi.BotAPIServer` and waits for what the bot
sends. :class:`HookServer` stands in for a bot's webhook endpoint when a test drives the
Bot API server with a bare client.
"""

from __future__ import annotations

import asyncio
import io
import json
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from PIL import Image
from telegram.ext import Application

from bot.settings import Secret, Settings
from devtools.botapi import BotAPIServer, Call
from devtools.ports import free_port
from handlers.runner import WebhookOptions, serve
from handlers.services import BotOptions, BotServices

START_TIMEOUT = 60.0


def bot_settings(base: Settings, api: BotAPIServer, **changes: Any) -> Settings:
    values: dict[str, Any] = {
        "telegram_bot_token": Secret(api.token),
        "telegram_api_base_url": api.root,
    }
    return base.replace(**{**values, **changes})


@dataclass
class RunningBot:
    """A bot started in the background; :meth:`stop` shuts it down in order."""

    settings: Settings
    mode: str = "polling"
    options: BotOptions = field(default_factory=BotOptions)
    workers: int = 0  # the pipeline in-process; >0 runs it in worker processes as deployed
    webhook: WebhookOptions | None = None
    services: BotServices | None = None
    application: Application | None = None  # type: ignore[type-arg]
    error: BaseException | None = None
    _loop: asyncio.AbstractEventLoop | None = None
    _stop: asyncio.Event | None = None
    _ready: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def start(self) -> RunningBot:
        if self.mode == "webhook":
            port = free_port()
            self.webhook = WebhookOptions(
                url=f"http://127.0.0.1:{port}/telegram/hook",
                listen="127.0.0.1",
                port=port,
                secret_token="e2e-secret_" + "x" * 20,
            )
        self._thread = threading.Thread(target=self._run, name="nashir-bot", daemon=True)
        self._thread.start()
        if not self._ready.wait(START_TIMEOUT):
            raise AssertionError("the bot did not start")
        if self.error is not None:
            raise self.error
        return self

    def stop(self) -> None:
        if self._loop is not None and self._stop is not None and not self._loop.is_closed():
            self._loop.call_soon_threadsafe(self._stop.set)
        if self._thread is not None:
            self._thread.join(START_TIMEOUT)
            if self._thread.is_alive():
                raise AssertionError("the bot did not stop")

    def run_in_loop(self, coroutine: Any, timeout: float = 30.0) -> Any:
        """Run a coroutine on the bot's loop (to read its cache, for example)."""
        assert self._loop is not None
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(timeout)

    def _run(self) -> None:
        try:
            asyncio.run(self._main())
        except BaseException as error:  # reported to the test thread
            self.error = error
        finally:
            self._ready.set()

    async def _main(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._stop = asyncio.Event()

        def ready(application: Application, services: BotServices) -> None:  # type: ignore[type-arg]
            self.application = application
            self.services = services
            self._ready.set()

        await serve(
            self.settings,
            stop=self._stop,
            webhook=self.webhook,
            workers=self.workers,
            options=self.options,
            ready=ready,
        )


def visible(call: Call, field_name: str = "text") -> str:
    """What the user sees of a sent text or caption (HTML parsed like Telegram does)."""
    return str(call.result.get(field_name, "")) if isinstance(call.result, dict) else ""


def buttons(call: Call) -> list[dict[str, Any]]:
    markup = call.params.get("reply_markup") or {}
    return [button for row in markup.get("inline_keyboard", []) for button in row]


def has_arabic(text: str) -> bool:
    return re.search(r"[\u0600-\u06FF]", text) is not None


def png(width: int = 40, height: int = 21, colour: tuple[int, int, int] = (200, 16, 46)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(buffer, "PNG")
    return buffer.getvalue()


# Answers a webhook endpoint may give instead of 200: (status, extra headers) or None.
Refusal = Callable[[dict[str, Any]], tuple[int, dict[str, str]] | None]


class _HookHandler(BaseHTTPRequestHandler):
    server: HookServer
    protocol_version = "HTTP/1.1"

    def setup(self) -> None:
        super().setup()
        with self.server.lock:
            self.server.connections += 1

    def do_POST(self) -> None:
        update = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        refusal = self.server.refuse(update) if self.server.refuse else None
        status, headers = refusal or (200, {})
        with self.server.lock:
            self.server.attempts.append((update["update_id"], status))
            if status == 200:
                self.server.updates.append(update)
        self.send_response(status)
        self.send_header("Content-Length", "0")
        for name, value in headers.items():
            self.send_header(name, value)
        if self.server.mode == "close":
            self.send_header("Connection", "close")
        self.end_headers()
        if self.server.mode == "drop":
            self.close_connection = True  # hangs up without saying so

    def log_message(self, format: str, *args: object) -> None:
        return


class HookServer(ThreadingHTTPServer):
    """A bot's webhook endpoint on 127.0.0.1: records the updates it accepted, every
    attempt ``(update_id, status)`` and the connections they came on.

    ``mode``: ``keep`` the connection alive, ``close`` it saying so, or ``drop`` it
    silently after each answer. ``refuse(update)`` may answer (status, headers) instead
    of 200.
    """

    daemon_threads = True

    def __init__(self, mode: str = "keep", *, refuse: Refusal | None = None) -> None:
        super().__init__(("127.0.0.1", 0), _HookHandler)
        self.mode = mode
        self.refuse = refuse
        self.connections = 0
        self.updates: list[dict[str, Any]] = []
        self.attempts: list[tuple[int, int]] = []
        self.lock = threading.Lock()
        threading.Thread(target=self.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}/hook"

    def close(self) -> None:
        self.shutdown()
        self.server_close()
