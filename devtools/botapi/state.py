"""One bot's world as the server holds it, the update queue, and waiting for the bot."""

from __future__ import annotations

import contextlib
import itertools
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator

from devtools.botapi.faults import Fault
from devtools.botapi.flood import TELEGRAM_LIMITS, FloodPolicy, FloodWindows
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
        flood: FloodPolicy | None = TELEGRAM_LIMITS,
        allow_local_webhooks: bool = False,
        webhook_attempts: int = 5,
        webhook_backoff: float = 1.0,
        privacy_mode: bool = True,
        clock: Callable[[], float] = time.monotonic,
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
        self.allow_local_webhooks = allow_local_webhooks
        self.webhook_attempts = webhook_attempts
        self.webhook_backoff = webhook_backoff
        self.privacy_mode = privacy_mode
        # Every update queued, in order, and when each was first handed to the bot (the
        # getUpdates answer carrying it was ready, or its webhook POST began).
        self.updates: list[JSONDict] = []
        self.handed: dict[int, float] = {}
        self._updates: deque[JSONDict] = deque()
        self._update_ids = itertools.count(1)
        self._message_ids: dict[int, itertools.count[int]] = {}
        self._file_counter = itertools.count(1)
        self._media_groups = itertools.count(1)
        self._query_ids = itertools.count(1)
        self._faults: list[Fault] = []
        self._disabled_methods: set[str] = set()
        self._flood = FloodWindows(flood, clock)
        self._chats: dict[int, JSONDict] = {}
        self._usernames: dict[str, int] = {}  # public @username (lower case) → chat id
        self._bot_status: dict[int, str] = {}  # the bot's ChatMember status in each chat
        self._members: dict[int, dict[int, str]] = {}  # chat id → user id → status
        self._users: dict[int, JSONDict] = {}
        self._by_bot: set[tuple[int, int]] = set()  # (chat, message) the bot sent
        self._inflight_updates: dict[int, object] = {}  # update id → its chat, on the wire
        self._attempts: dict[int, int] = {}  # update id → failed webhook deliveries
        self._retry_at: dict[int, float] = {}  # update id → earliest next delivery
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
            self.updates.append(update)
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
        chat_id: int | str | None = None,
        where: Callable[[Call], bool] | None = None,
        ok: bool | None = True,
    ) -> list[Call]:
        """Recorded ``method`` calls (case-insensitive) since ``since``; ``chat_id`` may be
        a number or a channel's @username; ``ok=None`` includes refused calls."""
        with self._cond:
            chat_id = self._chat_key(chat_id)
            return [c for c in self.calls[since:] if call_matches(c, method, chat_id, where, ok)]

    def wait_for(
        self,
        method: str,
        *,
        since: int = 0,
        chat_id: int | str | None = None,
        where: Callable[[Call], bool] | None = None,
        ok: bool | None = True,
        count: int = 1,
        timeout: float = 20.0,
    ) -> list[Call]:
        """Block until ``count`` matching calls exist; raise AssertionError after ``timeout``."""
        deadline = time.monotonic() + timeout
        with self._cond:
            chat_id = self._chat_key(chat_id)
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

    def next_calls(self, since: int, *, timeout: float) -> list[Call]:
        """The calls recorded after the first ``since``, waiting up to ``timeout`` seconds
        for at least one (an empty list when none came)."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while len(self.calls) <= since:
                remaining = deadline - time.monotonic()
                if remaining <= 0 or self._closing:
                    return []
                self._cond.wait(remaining)
            return self.calls[since:]

    def _chat_key(self, chat_id: int | str | None) -> int | None:
        """A chat id as calls record it: @username resolved, numeric strings as numbers."""
        if chat_id is None:
            return None
        if isinstance(chat_id, str) and chat_id.startswith("@"):
            return self._usernames.get(chat_id[1:].lower(), -1)
        return int(chat_id)

    def wait_until_idle(self, *, timeout: float = 20.0) -> None:
        """Block until every queued update was taken by the bot (polled or delivered), or
        dropped after its last failed webhook delivery."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while self._updates or self._inflight_updates:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(f"{len(self._updates)} updates still queued")
                self._cond.wait(remaining)
