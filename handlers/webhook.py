"""Webhook mode's HTTP server: Telegram's POSTs in, updates onto the application's queue.

python-telegram-bot's own webhook server is tornado, whose HTTP parsing is pure Python; on
the load benchmark it cost the bot about as much CPU per update as the rest of the
acknowledgement. aiohttp's server (its parser is compiled, and aiohttp is already our Bot
API client) does the same job for less, so a burst of deliveries leaves the event loop
free sooner for the «جارٍ التحضير…» answers. This is the "custom webhook" set-up PTB
documents: we run the server, PTB's application still processes every update.

What Telegram sees does not change: the webhook is registered with ``setWebhook``
(``secret_token``, ``allowed_updates``), every request must carry the secret in
``X-Telegram-Bot-Api-Secret-Token`` (403 otherwise), and a delivered update is answered 200.
"""

from __future__ import annotations

import hmac
import json
import logging
from http import HTTPStatus

from aiohttp import web
from telegram import Update
from telegram.ext import Application

logger = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
# An update is a few kilobytes; a channel post with a long caption stays far below this.
MAX_BODY = 1024 * 1024


class WebhookReceiver:
    """Receives updates on ``listen:port/url_path`` for ``application``.

    Args:
        application: the initialised PTB application whose ``update_queue`` is fed.
        listen: address to bind.
        port: port to bind.
        url_path: path Telegram posts to (without the leading slash).
        secret_token: the value every request must carry; compared in constant time.
    """

    def __init__(
        self,
        application: Application,  # type: ignore[type-arg]
        *,
        listen: str,
        port: int,
        url_path: str,
        secret_token: str,
    ) -> None:
        if not secret_token:
            raise ValueError("a webhook needs a secret token")
        self._application = application
        self._listen = listen
        self._port = port
        self._path = "/" + url_path.strip("/")
        self._secret = secret_token.encode()
        self._runner: web.AppRunner | None = None

    async def start(self) -> None:
        """Bind and start answering (call before ``setWebhook``)."""
        app = web.Application(client_max_size=MAX_BODY)
        app.router.add_post(self._path, self._receive)
        if self._path != "/":
            app.router.add_post(self._path + "/", self._receive)
        self._runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await self._runner.setup()
        await web.TCPSite(self._runner, self._listen, self._port).start()

    async def stop(self) -> None:
        """Close the listening socket and the open connections."""
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _receive(self, request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, self._secret):
            # Nothing about the request is logged: a forged one may carry anything.
            return web.Response(status=HTTPStatus.FORBIDDEN)
        if request.content_type != "application/json":
            return web.Response(status=HTTPStatus.FORBIDDEN)
        try:
            data = json.loads(await request.read())
            update = Update.de_json(data, self._application.bot)
        except Exception as error:  # PTB raises anything on a malformed shape: the sender's fault
            logger.warning("webhook: an update could not be read (%s)", type(error).__name__)
            return web.Response(status=HTTPStatus.BAD_REQUEST)
        if update is not None:
            await self._application.update_queue.put(update)
        return web.Response(status=HTTPStatus.OK)
