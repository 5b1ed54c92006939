"""The fake Telegram: a threaded HTTP server on 127.0.0.1 dispatching to the method groups."""

from __future__ import annotations

import logging
import sys
import threading
import time
from http.server import ThreadingHTTPServer
from typing import Any

from devtools.botapi.account import AccountMethods
from devtools.botapi.flood import FloodLimits
from devtools.botapi.interactive import InteractiveMethods
from devtools.botapi.media import MediaMethods
from devtools.botapi.messages import MessageMethods
from devtools.botapi.protocol import DEFAULT_TOKEN, APIError, JSONDict
from devtools.botapi.records import Call, UploadedFile
from devtools.botapi.state import ServerState
from devtools.botapi.transport import RequestHandler
from devtools.botapi.updates import UpdateDelivery
from devtools.botapi.users import Users

logger = logging.getLogger(__name__)


class BotAPIServer(
    ThreadingHTTPServer,
    AccountMethods,
    UpdateDelivery,
    MessageMethods,
    MediaMethods,
    InteractiveMethods,
    FloodLimits,
    Users,
):
    """The fake Telegram: a threaded HTTP server on 127.0.0.1 holding one bot's world.

    Bot API methods are the ``_m_<lowercase name>`` methods of the mixins; an unknown
    method is answered 404 like the real server.
    """

    daemon_threads = True
    # A full listen queue makes clients wait for SYN retries (1 s): 200 users connect at once.
    request_queue_size = 1024

    def __init__(
        self,
        *,
        token: str = DEFAULT_TOKEN,
        bot_username: str = "nashir_test_bot",
        bot_first_name: str = "ناشر",
        inline_query_ttl: float = 10.0,
        callback_query_ttl: float = 15.0,
    ) -> None:
        # socketserver's base classes do not chain __init__: each base is set up explicitly.
        ThreadingHTTPServer.__init__(self, ("127.0.0.1", 0), RequestHandler)
        ServerState.__init__(
            self,
            token=token,
            bot_username=bot_username,
            bot_first_name=bot_first_name,
            inline_query_ttl=inline_query_ttl,
            callback_query_ttl=callback_query_ttl,
        )
        self._serving = threading.Thread(target=self.serve_forever, daemon=True)

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that hangs up (a cancelled request, a bot stopping) is not a server fault.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)

    # ------------------------------------------------------------------ lifecycle

    @property
    def root(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> BotAPIServer:
        self._serving.start()
        return self

    def stop(self) -> None:
        with self._cond:
            self._closing = True
            self._webhook_generation += 1
            self._queued.notify_all()
            self._cond.notify_all()
        self.shutdown()
        self.server_close()
        for worker in self._webhook_workers:
            worker.join(timeout=5)

    # ------------------------------------------------------------------ dispatching

    def handle(
        self,
        method: str,
        params: JSONDict,
        files: dict[str, UploadedFile],
        *,
        content_type: str = "",
    ) -> Call:
        """Answer one Bot API call and record it (the answer or the error)."""
        call = Call(
            method=method,
            params=params,
            files=files,
            at=time.monotonic(),
            content_type=content_type.split(";", 1)[0].strip().lower(),
        )
        name = method.lower()
        handler = getattr(self, f"_m_{name}", None)
        try:
            if handler is None:
                logger.warning(
                    "local Bot API server: unknown method %r — answering 404, which "
                    "python-telegram-bot reports as InvalidToken",
                    method,
                )
                raise APIError(404, "Not Found")
            if name != "getupdates":
                self._check_flood(name, params)
            call.result = handler(params, files)
            call.status = 200
        except APIError as exc:
            call.status = exc.code
            call.error = exc.description
            call.result = exc
        call.done = time.monotonic()
        with self._cond:
            self.calls.append(call)
            self._cond.notify_all()
        return call
