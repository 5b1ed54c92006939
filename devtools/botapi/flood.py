"""Flood limits on demand: forced 429s for the next calls, or a per-chat sending rate."""

from __future__ import annotations

import math
import time
from collections import deque

from devtools.botapi.protocol import JSONDict, too_many
from devtools.botapi.state import ServerState

_SENDING_METHODS = frozenset(
    {"sendmessage", "sendphoto", "senddocument", "sendmediagroup", "copymessage"}
)


class FloodLimits(ServerState):
    """429 Too Many Requests with ``retry_after``, when a test switches it on."""

    def fail_next(
        self, method: str | None = None, *, times: int = 1, retry_after: int = 1
    ) -> None:
        """Answer the next ``times`` calls of ``method`` (any method but getUpdates if None)
        with 429 Too Many Requests and ``retry_after``."""
        with self._cond:
            for _ in range(times):
                self._forced.append((method.lower() if method else None, retry_after))

    def enable_flood_limits(self, *, per_chat: int = 1, per_seconds: float = 1.0) -> None:
        """At most ``per_chat`` messages per chat in any ``per_seconds`` window; then 429."""
        with self._cond:
            self._flood = (per_chat, per_seconds)
            self._flood_log.clear()

    def disable_flood_limits(self) -> None:
        with self._cond:
            self._flood = None

    def _check_flood(self, name: str, params: JSONDict) -> None:
        with self._cond:
            for index, (method, retry_after) in enumerate(self._forced):
                if method is None or method == name:
                    del self._forced[index]
                    raise too_many(retry_after)
            if self._flood is None or name not in _SENDING_METHODS:
                return
            limit, window = self._flood
            now = time.monotonic()
            log = self._flood_log.setdefault(params.get("chat_id", ""), deque())
            while log and now - log[0] >= window:
                log.popleft()
            if len(log) >= limit:
                raise too_many(max(1, math.ceil(window - (now - log[0]))))
            log.append(now)
