"""Telegram's flood limits, kept on our side so that a burst queues instead of earning 429s.

Telegram does not publish exact numbers; bots are told to stay near one message per second in
a chat, twenty per minute in a group or channel, and thirty per second overall, and to wait
out every ``retry_after`` (one bot that retried at once was blocked for twelve hours). The
limits are per bot: every process of one bot shares them.

Each message belongs to a few *windows* (the bot overall, its chat, and its group when the
chat is one), each holding the send times booked in it. :func:`reserve` finds the earliest
moment that keeps every window within its rule and books it there; the sender sleeps until
then. Reserving before sleeping keeps messages of one chat in order and lets a burst drain at
the allowed rate exactly. A 429 that arrives anyway (another client on the same bot, stricter
limits than published) blocks that chat — or everything, for an overall limit — for
``retry_after`` (:func:`blocked`).

Telegram counts a message when its request has arrived, which is some time after the moment
booked for it: the request waits for a free connection, a card is uploaded, the event loop is
busy. Two messages twenty apart in a channel are refused when the first arrived late and the
second on time. So a booked moment is corrected twice (:class:`FloodLimiter` does both):

- when the request leaves (:meth:`FloodLimiter.depart`), a slot booked ahead of time is
  checked again and moved to the moment of leaving (other messages' times may have moved
  later since it was booked);
- when the answer comes (:meth:`FloodLimiter.settle`), the time is moved to that moment, the
  latest at which Telegram can have counted the message.

Both skip the work when the difference is within ``slack`` (which every window adds to its
span), so on a calm bot a message costs one reservation. The arithmetic is pure functions on
:class:`FloodWindow` values; where the windows live is a :class:`FloodStore` — this process's
memory (:class:`MemoryFloodStore`, one process) or the database (``db.flood``, every worker
of the bot), which runs each change as one short transaction.
"""

from __future__ import annotations

import asyncio
import bisect
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Protocol, TypeVar

T = TypeVar("T")


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
OVERALL = "*"
# Below this, two times are the same (floating-point sums of spans and slack).
_EPSILON = 1e-9


@dataclass(frozen=True, slots=True)
class FloodWindow:
    """What one window holds.

    Attributes:
        times: the send times booked in it, sorted (those that can no longer matter are
            forgotten at each booking).
        blocked_until: nothing before this moment (a 429's ``retry_after``).
        expires: from this moment on the window holds nothing that matters: a store may
            drop it.
    """

    times: tuple[float, ...] = ()
    blocked_until: float = 0.0
    expires: float = 0.0


EMPTY = FloodWindow()
Keyed = Sequence[tuple[str, FloodRule]]


@dataclass(frozen=True, slots=True)
class Slot:
    """A send time booked in the windows ``keys``.

    ``ahead`` is True when it was booked for later than the moment of booking: the message
    then waits, and other messages' times may move in the meantime.
    """

    keys: tuple[str, ...]
    moment: float
    ahead: bool = False


@dataclass(frozen=True, slots=True)
class Reserved:
    """``rate_limit_args`` of a request whose flood slot was taken beforehand (the outbox
    takes it before marking a post as being sent, so that waiting for it is never mistaken
    for an unknown outcome). The limiter does not reserve again nor retry a 429 (the outbox
    retries durably); given the ``slot``, it still checks it as the request leaves and
    settles it when the answer comes."""

    priority: int = 3
    slot: Slot | None = None


def is_group_chat(chat_id: int | str) -> bool:
    """Groups and channels have negative ids or ``@username`` channel names."""
    if isinstance(chat_id, str):
        text = chat_id.strip()
        return text.startswith("@") or text.startswith("-")
    return chat_id < 0


def windows_for(chat_id: int | str | None, rules: FloodRules) -> tuple[tuple[str, FloodRule], ...]:
    """The windows a message to ``chat_id`` counts in (the overall one only, for None)."""
    if chat_id is None:
        return ((OVERALL, rules.overall),)
    key = str(chat_id).strip()
    if is_group_chat(chat_id):
        return (
            (OVERALL, rules.overall),
            (key, rules.per_chat),
            (f"{key}/group", rules.per_group),
        )
    return ((OVERALL, rules.overall), (key, rules.per_chat))


def penalty_key(chat_id: int | str | None) -> str:
    """The window a 429 for ``chat_id`` blocks (everything, for None)."""
    return OVERALL if chat_id is None else str(chat_id).strip()


# ------------------------------------------------------------------ the arithmetic (pure)


def earliest(windows: Mapping[str, FloodWindow], keyed: Keyed, now: float, slack: float) -> float:
    """The first moment from ``now`` at which one more message fits every window."""
    moment = max([now, *(windows.get(key, EMPTY).blocked_until for key, _ in keyed)])
    # Each window can only push the moment later; repeat until none does.
    while True:
        later = max(
            _earliest_in(windows.get(key, EMPTY).times, rule, moment, slack) for key, rule in keyed
        )
        if later <= moment:
            return moment
        moment = later


def reserve(windows: dict[str, FloodWindow], keyed: Keyed, now: float, slack: float) -> Slot:
    """Book the earliest moment from ``now`` in every window of ``keyed`` (``windows`` is
    updated in place)."""
    moment = earliest(windows, keyed, now, slack)
    for key, rule in keyed:
        windows[key] = booked(windows.get(key, EMPTY), moment, rule, now, slack)
    return Slot(tuple(key for key, _ in keyed), moment, ahead=moment > now + _EPSILON)


def depart(
    windows: dict[str, FloodWindow], keyed: Keyed, slot: Slot, now: float, slack: float
) -> Slot:
    """``slot`` as its message leaves at ``now`` (``windows`` is updated in place).

    Its time is checked against the messages that left before ``now`` only: a message
    booked for later checks itself when it leaves. When ``now`` fits, the booking moves to
    ``now``; otherwise to the first moment that fits, which keeps the message ahead of those
    booked after it (the result is then ``ahead``: wait, and depart again).
    """
    for key, _ in keyed:
        windows[key] = moved(windows.get(key, EMPTY), slot.moment, None, 0.0)
    past = {
        key: replace(window, times=window.times[: bisect.bisect_right(window.times, now)])
        for key, window in windows.items()
    }
    moment = earliest(past, keyed, now, slack)
    for key, rule in keyed:
        windows[key] = booked(windows[key], moment, rule, now, slack)
    return Slot(slot.keys, moment, ahead=moment > now + _EPSILON)


def booked(
    window: FloodWindow, moment: float, rule: FloodRule, now: float, slack: float
) -> FloodWindow:
    """``window`` with ``moment`` added and the times that cannot matter after ``now``
    forgotten."""
    span = rule.seconds + slack
    times = list(window.times)
    bisect.insort(times, moment)
    del times[: bisect.bisect_left(times, now - span)]
    return FloodWindow(
        tuple(times),
        window.blocked_until,
        max(window.expires, times[-1] + span, window.blocked_until),
    )


def moved(window: FloodWindow, moment: float, to: float | None, span: float) -> FloodWindow:
    """``window`` with one booking at ``moment`` moved ``to`` another time (removed, for
    None); ``span`` is the window's, slack included. A booking already forgotten is added
    again at ``to``: later is the safe side."""
    times = list(window.times)
    at = bisect.bisect_left(times, moment - _EPSILON)
    if at < len(times) and abs(times[at] - moment) <= _EPSILON:
        del times[at]
    if to is None:
        return replace(window, times=tuple(times))
    bisect.insort(times, to)
    return FloodWindow(tuple(times), window.blocked_until, max(window.expires, to + span))


def blocked(window: FloodWindow, until: float) -> FloodWindow:
    """``window`` after a 429: nothing before ``until``."""
    return FloodWindow(window.times, max(window.blocked_until, until), max(window.expires, until))


def _earliest_in(times: Sequence[float], rule: FloodRule, moment: float, slack: float) -> float:
    """The first time ≥ ``moment`` at which one more message fits ``times``' window."""
    span = rule.seconds + slack
    if _fits(times, moment, rule.count, span):
        return moment
    # A slot opens only when a message leaves a window: try those instants in order.
    for candidate in sorted(t + span for t in times if t + span > moment):
        if _fits(times, candidate, rule.count, span):
            return candidate
    return max([moment, *times]) + span


def _fits(times: Sequence[float], moment: float, count: int, span: float) -> bool:
    """Whether adding ``moment`` keeps every ``count + 1`` consecutive times at least ``span``
    apart (at most ``count`` messages in any window of ``span`` seconds)."""
    position = bisect.bisect_right(times, moment)
    around = [
        *times[max(0, position - count) : position],
        moment,
        *times[position : position + count],
    ]
    return all(
        around[i + count] - around[i] >= span - _EPSILON for i in range(len(around) - count)
    )


# ------------------------------------------------------------------ where windows live


class FloodStore(Protocol):
    """Where the windows are kept."""

    async def update(
        self, keys: Sequence[str], change: Callable[[dict[str, FloodWindow]], T]
    ) -> T:
        """Run ``change`` on the windows of ``keys`` (missing ones as :data:`EMPTY`), with
        nobody else changing them meanwhile, and keep the windows it leaves; return its
        result."""
        ...

    async def prune(self, now: float) -> int:
        """Drop the windows that expired before ``now``; return how many."""
        ...


class MemoryFloodStore:
    """The windows in this process's memory: enough when one process sends for the bot."""

    def __init__(self) -> None:
        self.windows: dict[str, FloodWindow] = {}

    async def update(
        self, keys: Sequence[str], change: Callable[[dict[str, FloodWindow]], T]
    ) -> T:
        # No await between reading and writing: nothing else runs in between.
        windows = {key: self.windows.get(key, EMPTY) for key in keys}
        result = change(windows)
        self.windows.update(windows)
        return result

    async def prune(self, now: float) -> int:
        gone = [key for key, window in self.windows.items() if window.expires < now]
        for key in gone:
            del self.windows[key]
        return len(gone)


# Seconds between two prunings of expired windows.
PRUNE_EVERY = 60.0


class FloodLimiter:
    """Send times for messages, within :class:`FloodRules`, in a :class:`FloodStore`.

    Args:
        rules: the limits.
        store: where the windows live (this process's memory by default).
        clock: seconds; the same clock for every process sharing ``store`` (wall-clock
            epoch seconds for a database store).
        sleep: how to wait (tests pass their own).
        slack: seconds added to every window: a request reaches Telegram a little after
            its booked time, and the booking is corrected only beyond this.
    """

    def __init__(
        self,
        rules: FloodRules = DEFAULT_RULES,
        *,
        store: FloodStore | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        slack: float = 0.05,
    ) -> None:
        self.rules = rules
        self.store: FloodStore = store if store is not None else MemoryFloodStore()
        self.slack = slack
        self._clock = clock
        self._sleep = sleep
        self._pruned = clock()

    def now(self) -> float:
        return self._clock()

    async def reserve(self, chat_id: int | str | None) -> Slot:
        """Book the earliest moment from now a message to ``chat_id`` may go."""
        keyed = windows_for(chat_id, self.rules)
        now = self._clock()
        slot = await self.store.update(
            [key for key, _ in keyed], lambda windows: reserve(windows, keyed, now, self.slack)
        )
        if now - self._pruned >= PRUNE_EVERY:
            self._pruned = now
            await self.store.prune(now)
        return slot

    async def acquire(self, chat_id: int | str | None) -> Slot:
        """Wait for this chat's next slot, and return it."""
        slot = await self.reserve(chat_id)
        await self.wait(slot)
        return slot

    async def wait(self, slot: Slot) -> float:
        """Sleep until ``slot``; return the seconds waited."""
        wait = slot.moment - self._clock()
        if wait > 0:
            await self._sleep(wait)
        return max(wait, 0.0)

    async def depart(self, slot: Slot) -> Slot:
        """The slot's message leaves now: check a slot booked ahead again (another message's
        time may have moved since) and move it to now. The result's ``ahead`` says whether
        the message must wait for it after all (then :meth:`wait` and :meth:`depart` again).
        """
        now = self._clock()
        if not slot.ahead and now - slot.moment <= self.slack / 2:
            return slot  # booked for now, against times that had all been settled
        keyed = windows_for_keys(slot.keys, self.rules)
        return await self.store.update(
            slot.keys, lambda windows: depart(windows, keyed, slot, now, self.slack)
        )

    async def settle(self, slot: Slot) -> None:
        """The slot's message was answered now: Telegram counted it at the latest now."""
        now = self._clock()
        if now - slot.moment <= self.slack / 2:
            return  # within the slack every window adds

        keyed = windows_for_keys(slot.keys, self.rules)

        def change(windows: dict[str, FloodWindow]) -> None:
            for key, rule in keyed:
                windows[key] = moved(windows[key], slot.moment, now, rule.seconds + self.slack)

        await self.store.update(slot.keys, change)

    async def penalize(self, chat_id: int | str | None, retry_after: float) -> None:
        """Telegram answered 429: nothing more to ``chat_id`` for ``retry_after`` seconds
        (to anyone, when ``chat_id`` is None)."""
        key = penalty_key(chat_id)
        until = self._clock() + retry_after

        def change(windows: dict[str, FloodWindow]) -> None:
            windows[key] = blocked(windows[key], until)

        await self.store.update([key], change)


def windows_for_keys(keys: Sequence[str], rules: FloodRules) -> tuple[tuple[str, FloodRule], ...]:
    """The rules of windows named by :func:`windows_for` (a slot keeps only the names)."""
    return tuple(
        (
            key,
            rules.overall
            if key == OVERALL
            else rules.per_group
            if key.endswith("/group")
            else rules.per_chat,
        )
        for key in keys
    )
