"""Telegram's flood limits, kept on our side so that a burst queues instead of earning 429s.

Telegram does not publish exact numbers; bots are told to stay near one message per second in
a chat, twenty per minute in a group or channel, and thirty per second overall, and to wait
out every ``retry_after`` (one bot that retried at once was blocked for twelve hours).

:class:`FloodLimiter` hands out send times: each message reserves the earliest moment that
keeps every window it belongs to within its rule, then sleeps until then. Reserving before
sleeping keeps messages of one chat in order and lets a burst drain at the allowed rate
exactly. A 429 that arrives anyway (another client on the same bot, stricter limits than
published) blocks that chat — or everything, for an overall limit — for ``retry_after``.
"""

from __future__ import annotations

import asyncio
import bisect
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class FloodRule:
    count: int
    seconds: float


@dataclass(frozen=True, slots=True)
class FloodRules:
    overall: FloodRule = FloodRule(30, 1.0)
    per_chat: FloodRule = FloodRule(1, 1.0)
    per_group: FloodRule = FloodRule(20, 60.0)  # groups and channels, besides per_chat


DEFAULT_RULES = FloodRules()


@dataclass(frozen=True, slots=True)
class Reserved:
    """``rate_limit_args`` of a request whose flood slot was taken beforehand (the outbox
    takes it before marking a post as being sent, so that waiting for it is never mistaken
    for an unknown outcome). The limiter neither waits again nor retries a 429: the outbox
    retries durably."""

    priority: int = 3


_OVERALL = "*"


def is_group_chat(chat_id: int | str) -> bool:
    """Groups and channels have negative ids or ``@username`` channel names."""
    if isinstance(chat_id, str):
        text = chat_id.strip()
        return text.startswith("@") or text.startswith("-")
    return chat_id < 0


class FloodLimiter:
    """Send times for messages, within :class:`FloodRules`.

    Args:
        rules: the limits.
        clock: monotonic seconds.
        sleep: how to wait (tests pass their own).
        slack: seconds added to every window: a request leaves a little after its slot and
            may reach Telegram a little sooner than the one before it did.
    """

    def __init__(
        self,
        rules: FloodRules = DEFAULT_RULES,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        slack: float = 0.05,
    ) -> None:
        self.rules = rules
        self._clock = clock
        self._sleep = sleep
        self._slack = slack
        self._sent: dict[str, list[float]] = {}  # window key → reserved send times, sorted
        self._blocked: dict[str, float] = {}  # key → not before this time (after a 429)

    async def acquire(self, chat_id: int | str | None) -> float:
        """Wait for this chat's next slot; return the seconds waited."""
        now = self._clock()
        moment = self.reserve(chat_id, now)
        wait = moment - now
        if wait > 0:
            await self._sleep(wait)
        return max(wait, 0.0)

    def reserve(self, chat_id: int | str | None, now: float) -> float:
        """The earliest moment from ``now`` a message to ``chat_id`` may go, reserved."""
        windows = self._windows(chat_id)
        moment = max([now, *(self._blocked.get(key, 0.0) for key, _ in windows)])
        # Each window can only push the moment later; repeat until none does.
        while True:
            later = max(self._earliest(key, rule, moment) for key, rule in windows)
            if later <= moment:
                break
            moment = later
        for key, rule in windows:
            times = self._sent.setdefault(key, [])
            bisect.insort(times, moment)
            self._forget(times, now - rule.seconds - self._slack)
        return moment

    def penalize(self, chat_id: int | str | None, retry_after: float) -> None:
        """Telegram answered 429: nothing more to ``chat_id`` for ``retry_after`` seconds
        (to anyone, when ``chat_id`` is None)."""
        key = _OVERALL if chat_id is None else str(chat_id)
        until = self._clock() + retry_after
        self._blocked[key] = max(self._blocked.get(key, 0.0), until)

    def _windows(self, chat_id: int | str | None) -> list[tuple[str, FloodRule]]:
        windows = [(_OVERALL, self.rules.overall)]
        if chat_id is None:
            return windows
        key = str(chat_id)
        windows.append((key, self.rules.per_chat))
        if is_group_chat(chat_id):
            windows.append((f"{key}/group", self.rules.per_group))
        return windows

    def _earliest(self, key: str, rule: FloodRule, moment: float) -> float:
        """The first time ≥ ``moment`` at which one more message fits ``key``'s window."""
        times = self._sent.get(key, [])
        span = rule.seconds + self._slack
        if _fits(times, moment, rule.count, span):
            return moment
        # A slot opens only when a message leaves a window: try those instants in order.
        for candidate in sorted(t + span for t in times if t + span > moment):
            if _fits(times, candidate, rule.count, span):
                return candidate
        return max([moment, *times]) + span

    @staticmethod
    def _forget(times: list[float], before: float) -> None:
        cut = bisect.bisect_left(times, before)
        if cut:
            del times[:cut]


def _fits(times: list[float], moment: float, count: int, span: float) -> bool:
    """Whether adding ``moment`` keeps every ``count + 1`` consecutive times at least ``span``
    apart (at most ``count`` messages in any window of ``span`` seconds)."""
    position = bisect.bisect_right(times, moment)
    around = [
        *times[max(0, position - count) : position],
        moment,
        *times[position : position + count],
    ]
    return all(around[i + count] - around[i] >= span - 1e-9 for i in range(len(around) - count))
