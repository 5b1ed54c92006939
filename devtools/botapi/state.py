"""One bot's world as the server holds it, the update queue, and waiting for the bot."""

from __future__ import annotations

import contextlib
import itertools
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator

from devtools.botapi.protocol import DEFAULT_TOKEN, JSONDict
from devtools.botapi.records import Call, Delivery, StoredFile, Webhook, call_matches


class ServerState:
    """Everything the server knows, guarded by one condition variable.

    The method groups of :class:`~devtools.botapi.server.BotAPIServer` are mixins over
    this state; every read or write of shared state holds ``_cond``, and every change a
    waiter may care about notifies it. Webhook delivery threads wait on ``_queued`` (same
    lock): a new update wakes one of them, not all forty.
    """

    def __init__(
        self,
        *,
        token: str = DEFAULT_TOKEN,
        bot_username: str = "nashir_test_bot",
        bot_first_name: str = "ناشر",
        inline_query_ttl: float = 10.0,
        callback_query_ttl: float = 15.0,
    ) -> None:
        self.token = token
        self.bot_user: JSONDict = {
            "id": int(token.split(":", 1)[0]),
            "is_bot": True,
            "first_name": bot_first_name,
            "username": bot_username,
        }
        self.inline_query_ttl = inline_query_ttl
        self.callback_query_ttl = callback_query_ttl
        self.calls: list[Call] = []
        self.deliveries: list[Delivery] = []
        self.files: dict[str, StoredFile] = {}
        self.messages: dict[tuple[int, int], JSONDict] = {}
        self.commands: dict[tuple[str, str], list[JSONDict]] = {}
        self.callback_queries: dict[str, JSONDict] = {}
        self.inline_queries: dict[str, JSONDict] = {}
        self.callback_answers: dict[str, JSONDict] = {}
        self.inline_answers: dict[str, JSONDict] = {}
        self.chat_actions: list[tuple[int | str, str]] = []
        self.webhook: Webhook | None = None
        self._updates: deque[JSONDict] = deque()
        self._update_ids = itertools.count(1)
        self._message_ids: dict[int, itertools.count[int]] = {}
        self._file_counter = itertools.count(1)
        self._media_groups = itertools.count(1)
        self._query_ids = itertools.count(1)
        self._forced: deque[tuple[str | None, int]] = deque()
        self._flood: tuple[int, float] | None = None
        self._flood_log: dict[int | str, deque[float]] = {}
        self._chats: dict[int, JSONDict] = {}
        self._inflight_updates: set[int] = set()
        lock = threading.RLock()
        self._cond = threading.Condition(lock)
        self._queued = threading.Condition(lock)
        self._webhook_workers: list[threading.Thread] = []
        self._webhook_generation = 0
        self._closing = False

    def push_update(self, body: JSONDict) -> JSONDict:
        """Queue one update (``{"message": …}`` etc.) for getUpdates or the webhook."""
        with self._cond:
            update = {"update_id": next(self._update_ids), **body}
            self._updates.append(update)
            self._queued.notify()
            self._cond.notify_all()
        return update

    @contextlib.contextmanager
    def at_once(self) -> Iterator[None]:
        """Queue several updates as one burst: no getUpdates answer goes out in between, so
        the bot receives them together, as after a moment of silence on a busy channel."""
        with self._cond:
            yield

    # -------------------------------------------------------------------- waiting

    def mark(self) -> int:
        """The number of calls so far: pass it as ``since`` to look only at later calls."""
        with self._cond:
            return len(self.calls)

    def find(
        self,
        method: str,
        *,
        since: int = 0,
        chat_id: int | None = None,
        where: Callable[[Call], bool] | None = None,
        ok: bool | None = True,
    ) -> list[Call]:
        with self._cond:
            return [c for c in self.calls[since:] if call_matches(c, method, chat_id, where, ok)]

    def wait_for(
        self,
        method: str,
        *,
        since: int = 0,
        chat_id: int | None = None,
        where: Callable[[Call], bool] | None = None,
        ok: bool | None = True,
        count: int = 1,
        timeout: float = 20.0,
    ) -> list[Call]:
        """Block until ``count`` matching calls exist; raise AssertionError after ``timeout``."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                found = [
                    c for c in self.calls[since:] if call_matches(c, method, chat_id, where, ok)
                ]
                if len(found) >= count:
                    return found
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    seen = ", ".join(f"{c.method}:{c.status}" for c in self.calls[since:])
                    raise AssertionError(
                        f"waited {timeout}s for {count}× {method} (chat {chat_id}); "
                        f"calls since mark: {seen or 'none'}"
                    )
                self._cond.wait(remaining)

    def wait_until_idle(self, *, timeout: float = 20.0) -> None:
        """Block until every queued update was taken by the bot (polled or delivered)."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while self._updates or self._inflight_updates:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(f"{len(self._updates)} updates still queued")
                self._cond.wait(remaining)
