"""Webhook mode's HTTP server: Telegram's POSTs in, stored in the inbox, answered 200.

python-telegram-bot's own webhook server is tornado, whose HTTP parsing is pure Python; on
the load benchmark it cost the bot about as much CPU per update as the rest of the
acknowledgement. aiohttp's server (its parser is compiled, and aiohttp is already our Bot
API client) does the same job for less. This is the "custom webhook" set-up PTB documents:
we run the server, PTB's application still handles every update.

What Telegram sees does not change: the webhook is registered with ``setWebhook``
(``secret_token``, ``allowed_updates``), every request must carry the secret in
``X-Telegram-Bot-Api-Secret-Token`` (403 otherwise), and a delivered update is answered 200
— but only once it is stored (:class:`handlers.ingress.Ingress`), so an update answered is
never lost, and a storage failure is answered 500 for Telegram to deliver it again. Several
worker processes may listen on the same port (``reuse_port``): the kernel spreads the
connections, the inbox keeps each update handled once.
"""

from __future__ import annotations

import hmac
import json
import logging
from collections.abc import Awaitable, Callable
from http import HTTPStatus
from typing import Any

from aiohttp import web

logger = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
# An update is a few kilobytes; a channel post with a long caption stays far below this.
MAX_BODY = 1024 * 1024


Accept = Callable[[dict[str, Any]], Awaitable[bool]]
Health = Callable[[], Awaitable[dict[str, Any]]]
HEALTH_PATH = "/healthz"


class WebhookReceiver:
    """Receives updates on ``listen:port/url_path`` and hands each to ``accept``.

    Args:
        accept: stores one update (its JSON object); returns False for a redelivery.
        listen: address to bind.
        port: port to bind.
        url_path: path Telegram posts to (without the leading slash).
        secret_token: the value every request must carry; compared in constant time.
        reuse_port: let other worker processes listen on the same port.
        health: answers ``GET /healthz`` for the load balancer (its figures, or an
            exception when this worker cannot work: then 503).
    """

    def __init__(
        self,
        accept: Accept,
        *,
        listen: str,
        port: int,
        url_path: str,
        secret_token: str,
        reuse_port: bool = False,
        health: Health | None = None,
    ) -> None:
        if not secret_token:
            raise ValueError("a webhook needs a secret token")
        self._accept = accept
        self._listen = listen
        self._port = port
        self._path = "/" + url_path.strip("/")
        self._secret = secret_token.encode()
        self._reuse_port = reuse_port
        self._health = health
        self._runner: web.AppRunner | None = None

    async def start(self) -> None:
        """Bind and start answering (call before ``setWebhook``)."""
        app = web.Application(client_max_size=MAX_BODY)
        app.router.add_post(self._path, self._receive)
        if self._path != "/":
            app.router.add_post(self._path + "/", self._receive)
        if self._health is not None:
            app.router.add_get(HEALTH_PATH, self._report_health)
        self._runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(
            self._runner, self._listen, self._port, reuse_port=self._reuse_port or None
        )
        await site.start()

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
        except ValueError as error:
            logger.warning("webhook: an update could not be read (%s)", type(error).__name__)
            return web.Response(status=HTTPStatus.BAD_REQUEST)
        if not is_update(data):
            logger.warning("webhook: a body that is not an update was refused")
            return web.Response(status=HTTPStatus.BAD_REQUEST)
        try:
            await self._accept(data)
        except Exception:
            # Not stored: Telegram keeps the update and delivers it again later.
            logger.exception("webhook: update %s could not be stored", data["update_id"])
            return web.Response(status=HTTPStatus.INTERNAL_SERVER_ERROR)
        return web.Response(status=HTTPStatus.OK)

    async def _report_health(self, _request: web.Request) -> web.Response:
        assert self._health is not None
        try:
            figures = await self._health()
        except Exception as error:  # the database is away: take this worker out of rotation
            logger.warning("health check failed (%s)", type(error).__name__)
            return web.json_response({"ok": False}, status=HTTPStatus.SERVICE_UNAVAILABLE)
        return web.json_response({"ok": True, **figures})


def is_update(data: object) -> bool:
    """An object with an integer ``update_id`` and one kind of update (an object) besides."""
    if not isinstance(data, dict) or type(data.get("update_id")) is not int:
        return False
    return any(isinstance(v, dict) for k, v in data.items() if k != "update_id")
