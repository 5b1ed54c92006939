"""Telegram's sending limits, on by default, and the 429s they produce.

Telegram's bot FAQ gives the figures a bot must live with: about 30 messages per second in
all, about one message per second in any one chat ("short bursts" allowed, then 429s), and
20 messages per minute in a group. Channels are limited like groups. The overall and
per-chat limits are token buckets (a burst after a quiet moment, then the rate); the group
limit is a sliding minute. A request over a limit
is answered ``429 Too Many Requests: retry after N`` with ``parameters.retry_after`` = N
whole seconds, and nothing is sent.

What counts as a message: every ``send*`` method but ``sendChatAction``, and
``copyMessage(s)``/``forwardMessage(s)``; an album (``sendMediaGroup``) is one request and
counts once. Edits, deletions, chat actions and query answers are not counted: Telegram
publishes no figure for them.
"""

from __future__ import annotations

import contextlib
import math
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from devtools.botapi.protocol import JSONDict, too_many

COUNTED_METHODS = frozenset(
    {
        "sendmessage",
        "sendphoto",
        "senddocument",
        "sendvideo",
        "sendanimation",
        "sendaudio",
        "sendvoice",
        "sendvideonote",
        "sendsticker",
        "sendlocation",
        "sendvenue",
        "sendcontact",
        "sendpoll",
        "senddice",
        "sendmediagroup",
        "sendpaidmedia",
        "copymessage",
        "copymessages",
        "forwardmessage",
        "forwardmessages",
    }
)
_SHARED_CHATS = frozenset({"group", "supergroup", "channel"})


@dataclass(frozen=True, slots=True)
class FloodPolicy:
    """How many messages a bot may send before the server answers 429.

    Attributes:
        per_second: messages per second across all chats (a token bucket: as many at once
            after a quiet second, then this rate).
        chat_per_second: sustained messages per second in one chat (a token bucket) …
        chat_burst: … which allows this many at once after a quiet moment.
        group_per_minute: messages per minute in one group, supergroup or channel (a
            sliding sixty-second window), on top of the per-chat rate.
    """

    per_second: int = 30
    chat_per_second: float = 1.0
    chat_burst: int = 3
    group_per_minute: int = 20


TELEGRAM_LIMITS = FloodPolicy()


@dataclass(frozen=True, slots=True)
class Ticket:
    """What one accepted message took from the windows (given back if the call fails)."""

    chat_id: int
    at: float
    shared: bool


class FloodWindows:
    """The windows of one bot. Not locked: the server calls it under its own lock.

    ``clock`` gives monotonic seconds; a test passes its own to step time by hand.
    """

    def __init__(
        self, policy: FloodPolicy | None, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.clock = clock
        self.reset(policy)

    def reset(self, policy: FloodPolicy | None) -> None:
        self.policy = policy
        self._overall = (float(policy.per_second) if policy else 0.0, self.clock())
        self._buckets: dict[int, tuple[float, float]] = {}  # chat → (tokens, when)
        self._shared: dict[int, deque[float]] = {}

    def take(self, name: str, chat: JSONDict) -> Ticket | None:
        """Account one message of ``name`` to ``chat``; raise 429 when over a limit."""
        policy = self.policy
        if policy is None or name not in COUNTED_METHODS:
            return None
        now = self.clock()
        waits: list[float] = []
        # A bucket rather than a sliding window: a sender pacing itself at the limit is not
        # refused for the jitter of its requests on the way.
        overall, since = self._overall
        overall = min(float(policy.per_second), overall + (now - since) * policy.per_second)
        if overall < 1.0:
            waits.append((1.0 - overall) / policy.per_second)
        tokens, when = self._buckets.get(chat["id"], (float(policy.chat_burst), now))
        tokens = min(float(policy.chat_burst), tokens + (now - when) * policy.chat_per_second)
        if tokens < 1.0:
            waits.append((1.0 - tokens) / policy.chat_per_second)
        shared = chat["type"] in _SHARED_CHATS
        log = self._shared.setdefault(chat["id"], deque()) if shared else deque()
        while log and now - log[0] >= 60.0:
            log.popleft()
        if shared and len(log) >= policy.group_per_minute:
            waits.append(log[len(log) - policy.group_per_minute] + 60.0 - now)
        if waits:
            # Telegram speaks in whole seconds, never 0.
            raise too_many(max(1, math.ceil(max(waits) - 1e-9)))
        self._overall = (overall - 1.0, now)
        self._buckets[chat["id"]] = (tokens - 1.0, now)
        if shared:
            log.append(now)
        return Ticket(chat["id"], now, shared)

    def give_back(self, ticket: Ticket | None) -> None:
        """The message was refused after all (a bad request): it sent nothing."""
        if ticket is None or self.policy is None:
            return
        overall, since = self._overall
        self._overall = (min(float(self.policy.per_second), overall + 1.0), since)
        tokens, when = self._buckets.get(ticket.chat_id, (0.0, ticket.at))
        self._buckets[ticket.chat_id] = (min(float(self.policy.chat_burst), tokens + 1.0), when)
        if ticket.shared:
            _remove(self._shared.get(ticket.chat_id, deque()), ticket.at)


def _remove(log: deque[float], at: float) -> None:
    with contextlib.suppress(ValueError):  # already out of the window
        log.remove(at)
