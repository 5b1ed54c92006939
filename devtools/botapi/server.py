"""The fake Telegram: a threaded HTTP server on 127.0.0.1 dispatching to the method groups."""

from __future__ import annotations

import logging
import sys
import threading
import time
from collections.abc import Callable
from http import HTTPStatus
from http.server import ThreadingHTTPServer
from typing import Any

from devtools.botapi.account import AccountMethods
from devtools.botapi.control import Control
from devtools.botapi.faults import Fault, FaultKind, take_fault
from devtools.botapi.flood import COUNTED_METHODS, TELEGRAM_LIMITS, FloodPolicy
from devtools.botapi.interactive import InteractiveMethods
from devtools.botapi.members import MemberMethods
from devtools.botapi.messages import MessageMethods
from devtools.botapi.protocol import (
    DEFAULT_TOKEN,
    APIError,
    GatewayError,
    JSONDict,
    too_many,
)
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
    MemberMethods,
    InteractiveMethods,
    Control,
    Users,
):
    """The fake Telegram: a threaded HTTP server on 127.0.0.1 holding one bot's world.

    Bot API methods are the ``_m_<lowercase name>`` methods of the mixins; an unknown
    method is answered 404 like the real server.

    Args:
        token: the bot's token; requests with another one are refused like Telegram does.
        flood: the sending limits enforced (Telegram's by default); None switches them off.
        allow_local_webhooks: accept plain-HTTP webhooks on any port and local addresses,
            as the self-hosted server's ``--local`` mode does (Telegram wants HTTPS on 443,
            80, 88 or 8443).
        webhook_attempts: deliveries of one update before it is dropped.
        webhook_backoff: seconds before the third attempt, doubling for each later one.
        privacy_mode: a bot that is not a group's administrator sees only commands,
            mentions and replies to itself there (BotFather's default).
        port: where to listen on 127.0.0.1 (0: a free port).
        clock: monotonic seconds for the flood windows (a test may step its own).
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
        flood: FloodPolicy | None = TELEGRAM_LIMITS,
        allow_local_webhooks: bool = False,
        webhook_attempts: int = 5,
        webhook_backoff: float = 1.0,
        privacy_mode: bool = True,
        port: int = 0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        # socketserver's base classes do not chain __init__: each base is set up explicitly.
        ThreadingHTTPServer.__init__(self, ("127.0.0.1", port), RequestHandler)
        ServerState.__init__(
            self,
            token=token,
            bot_username=bot_username,
            bot_first_name=bot_first_name,
            inline_query_ttl=inline_query_ttl,
            callback_query_ttl=callback_query_ttl,
            flood=flood,
            allow_local_webhooks=allow_local_webhooks,
            webhook_attempts=webhook_attempts,
            webhook_backoff=webhook_backoff,
            privacy_mode=privacy_mode,
            clock=clock,
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
        """Answer one Bot API call and record it (the answer, the error or the fault)."""
        call = Call(
            method=method,
            params=params,
            files=files,
            at=time.monotonic(),
            content_type=content_type.split(";", 1)[0].strip().lower(),
        )
        name = method.lower()
        handler = getattr(self, f"_m_{name}", None)
        if "chat_id" in params:
            call.chat = self._resolve_chat_id(params)
        ticket = None
        try:
            if handler is None or name in self._disabled_methods:
                logger.warning(
                    "local Bot API server: %s method %r — answering 404, which "
                    "python-telegram-bot reports as InvalidToken",
                    "unknown" if handler is None else "disabled",
                    method,
                )
                raise APIError(404, "Not Found")
            with self._cond:
                fault = take_fault(self._faults, name, call.chat)
            if fault is not None:
                call.fault = str(fault.kind)
                self._before(fault)
                call.delay = fault.seconds
            if name in COUNTED_METHODS:
                chat = self._chat(params)  # 400 or 403 before any limit
                with self._cond:
                    ticket = self._flood.take(name, chat)
            call.result = handler(params, files)
            call.status = 200
        except APIError as exc:
            with self._cond:
                self._flood.give_back(ticket)
            call.status = exc.code
            call.error = exc.description
            call.result = exc
        except _Dropped:
            call.error = "connection closed before the request was processed"
        call.done = time.monotonic()
        with self._cond:
            self.calls.append(call)
            self._cond.notify_all()
        return call

    @staticmethod
    def _before(fault: Fault) -> None:
        """Faults that stop a call before it is carried out."""
        if fault.kind is FaultKind.FLOOD:
            raise too_many(fault.retry_after)
        if fault.kind is FaultKind.SERVER_ERROR:
            reason = HTTPStatus(fault.status).phrase if fault.status in _STATUSES else "Error"
            if fault.status in {502, 503, 504}:
                raise GatewayError(fault.status, reason)
            raise APIError(fault.status, reason)
        if fault.kind is FaultKind.DROP:
            raise _Dropped


class _Dropped(Exception):
    """The connection is to be closed without an answer, the call not carried out."""


_STATUSES = frozenset(status.value for status in HTTPStatus)
