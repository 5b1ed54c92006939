"""How requests reach the Bot API: a few at a time, most urgent first, 429s waited out.

python-telegram-bot raises ``RetryAfter`` and leaves the waiting to a rate limiter. Its own
``AIORateLimiter`` also throttles every request to fixed rates, which would delay hundreds
of simultaneous answers by many seconds; this one only reacts to the server's 429s, which is
what Telegram asks of bots: never retry before ``retry_after``, and give up on absurd waits.

It also caps the requests in flight and orders the waiting ones. httpx's connection pool
does work proportional to its connections and queued requests every time a request starts
or ends, so hundreds of requests queued inside it cost quadratic CPU on the event loop;
waiting here costs nothing. And when a burst of users arrives, the instant answers
(«جارٍ التحضير…», chat actions, button and inline answers) go before card uploads, and
cleanup (deleting the placeholder) goes last.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import heapq
import itertools
import logging
import warnings
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine, Iterator
from enum import IntEnum
from typing import Any

from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter
from telegram.warnings import PTBDeprecationWarning

from bot.flood import FloodLimiter, Reserved, Slot

logger = logging.getLogger(__name__)

JSON = bool | dict[str, Any] | list[dict[str, Any]]


class Priority(IntEnum):
    """Order of requests waiting for a slot (lower goes first).

    Every value is truthy on purpose: PTB drops a falsy ``rate_limit_args`` on its way to
    the limiter (``if not rate_limit_args``), so an URGENT of 0 arrived as "not given" and
    acknowledgements queued behind chat actions.
    """

    URGENT = 1  # the first answer a user waits for: acks, button and inline answers
    SOON = 2  # status shown while the answer is prepared (chat actions)
    NORMAL = 3
    LOW = 4  # housekeeping


# Endpoints that always have the same priority, whoever calls them.
_ENDPOINT_PRIORITY = {
    "answerCallbackQuery": Priority.URGENT,
    "answerInlineQuery": Priority.URGENT,
    "sendChatAction": Priority.SOON,
    "deleteMessage": Priority.LOW,
}


def retry_after_seconds(error: RetryAfter) -> float:
    """The wait Telegram asked for, in seconds (PTB 22 may give an int or a timedelta)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = error.retry_after
    return value.total_seconds() if isinstance(value, dt.timedelta) else float(value)


class PriorityGate:
    """A semaphore whose waiters are served by priority, then in arrival order."""

    def __init__(self, slots: int) -> None:
        self._free = slots
        self._waiting: list[tuple[int, int, asyncio.Future[None]]] = []
        self._order = itertools.count()
        self._queued: Counter[int] = Counter()  # waiters per priority
        self._watchers: list[tuple[int, asyncio.Future[None]]] = []

    async def acquire(self, priority: int) -> None:
        if self._free > 0 and not self._waiting:
            self._free -= 1
            return
        turn: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._waiting, (priority, next(self._order), turn))
        self._queued[priority] += 1
        try:
            await turn
        except asyncio.CancelledError:
            if turn.done() and not turn.cancelled():
                self.release()  # the slot was handed over just as we were cancelled
            raise
        finally:
            self._queued[priority] -= 1
            if not self._queued[priority] and self._watchers:
                self._wake_watchers()

    @contextlib.contextmanager
    def waiting(self, priority: int) -> Iterator[None]:
        """Count a request as waiting at ``priority`` while it waits elsewhere (for its flood
        slot), so that :meth:`settled` keeps seeing it."""
        self._queued[priority] += 1
        try:
            yield
        finally:
            self._queued[priority] -= 1
            if not self._queued[priority] and self._watchers:
                self._wake_watchers()

    def release(self) -> None:
        while self._waiting:
            _, _, turn = heapq.heappop(self._waiting)
            if not turn.done():
                turn.set_result(None)
                return
        self._free += 1

    def busy_with(self, priority: int) -> bool:
        """Whether requests of ``priority`` or more urgent are waiting for a slot."""
        return any(count for level, count in self._queued.items() if level <= priority)

    async def settled(self, priority: int) -> None:
        """Return once no request of ``priority`` or more urgent is waiting for a slot."""
        while self.busy_with(priority):
            calm: asyncio.Future[None] = asyncio.get_running_loop().create_future()
            self._watchers.append((priority, calm))
            await calm

    def _wake_watchers(self) -> None:
        still = []
        for priority, calm in self._watchers:
            if calm.done():
                continue
            if self.busy_with(priority):
                still.append((priority, calm))
            else:
                calm.set_result(None)
        self._watchers = still


# Bot API methods that count as messages for Telegram's flood limits (as its FAQ describes
# them: sending, copying and forwarding; not edits, deletions, chat actions or answers).
COUNTED_ENDPOINTS = frozenset(
    {
        "sendMessage",
        "sendPhoto",
        "sendDocument",
        "sendVideo",
        "sendAnimation",
        "sendAudio",
        "sendVoice",
        "sendVideoNote",
        "sendSticker",
        "sendLocation",
        "sendVenue",
        "sendContact",
        "sendPoll",
        "sendDice",
        "sendMediaGroup",
        "sendPaidMedia",
        "copyMessage",
        "copyMessages",
        "forwardMessage",
        "forwardMessages",
    }
)


class RetryAfterLimiter(BaseRateLimiter[Priority]):
    """Keeps messages within Telegram's flood limits, caps requests in flight, orders them by
    :class:`Priority`, and retries after 429s.

    Every message (see :data:`COUNTED_ENDPOINTS`) first waits for its slot from the
    :class:`~bot.flood.FloodLimiter` — replies, the editors' group and the channel alike, so
    a burst of approvals queues instead of earning 429s; a 429 that comes anyway blocks its
    chat for ``retry_after``. Once it has a connection the slot is checked again
    (:meth:`~bot.flood.FloodLimiter.depart`: the wait for a connection, or another message
    answered late, may have moved it), and when the answer comes it is settled
    (:meth:`~bot.flood.FloodLimiter.settle`): Telegram counts a message when it arrives,
    not when it was booked.

    Pass ``rate_limit_args=Priority.URGENT`` (or LOW) to a bot method to override the
    endpoint's default priority.

    Args:
        max_in_flight: requests sent at the same time; the others wait their turn.
        max_retries: attempts after the first one.
        max_wait: a longer ``retry_after`` is not waited for: the error goes to the handler.
        sleep: the wait function (tests may pass their own).
        flood: the flood limiter (None: only react to 429s).
        max_booked: messages of this process holding a flood slot booked ahead at once
            (None: no bound). With the windows in the database every worker's bookings
            share one row per window, and each booking rewrites its list of times: a
            thousand messages booked at once made every booking slow, the slots late, and
            the corrections of late slots a storm of transactions on that row (4 workers
            on PostgreSQL, 0.1 messages/s). The others wait here, in priority order, at no
            cost; the bound of one second of Telegram's allowance per process keeps the
            windows short and the bot sending at the full rate.
    """

    def __init__(
        self,
        *,
        max_in_flight: int = 8,
        max_retries: int = 3,
        max_wait: float = 60.0,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        flood: FloodLimiter | None = None,
        max_booked: int | None = None,
    ) -> None:
        self.max_in_flight = max_in_flight
        self.flood = flood
        self._booking = PriorityGate(max_booked) if max_booked else None
        self.max_retries = max_retries
        self.max_wait = max_wait
        self._sleep = sleep
        self._gate: PriorityGate | None = None

    async def initialize(self) -> None:
        self._gate = PriorityGate(self.max_in_flight)

    async def shutdown(self) -> None:
        return None

    async def settled(self, priority: Priority = Priority.URGENT, *, at_most: float) -> None:
        """Wait (``at_most`` seconds) until no request of ``priority`` or more urgent waits.

        Work that is not an answer — starting a pipeline, chat actions — calls this first so
        that, in a burst, the event loop's time goes to everyone's first answer before it
        goes to anyone's second step. The bound keeps steady traffic from starving it.
        """
        gate = self._gate
        if gate is None or not gate.busy_with(priority):
            return
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(gate.settled(priority), at_most)

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, JSON]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: Priority | Reserved | None,
    ) -> JSON:
        if self._gate is None:
            self._gate = PriorityGate(self.max_in_flight)
        reserved = isinstance(rate_limit_args, Reserved)
        if reserved:
            priority = rate_limit_args.priority  # type: ignore[union-attr]
        elif rate_limit_args is not None:
            priority = rate_limit_args
        else:
            priority = _ENDPOINT_PRIORITY.get(endpoint, Priority.NORMAL)
        counted = self.flood is not None and endpoint in COUNTED_ENDPOINTS
        retries = 0 if reserved else self.max_retries
        chat_id = data.get("chat_id")
        slot = rate_limit_args.slot if reserved and counted else None  # type: ignore[union-attr]
        attempt = 0
        async with self._booked(priority, counted and slot is None and not reserved):
            while True:
                if counted and slot is None and not reserved:
                    assert self.flood is not None
                    with self._gate.waiting(priority):
                        slot = await self.flood.reserve(chat_id)
                if slot is not None:
                    assert self.flood is not None
                    # Waiting for the slot holds no connection: other chats' requests go on.
                    with self._gate.waiting(priority):
                        await self.flood.wait(slot)
                await self._gate.acquire(priority)
                if slot is not None:
                    assert self.flood is not None
                    # The request leaves only now (it may have waited for a connection):
                    # Telegram must see it within the windows, so the slot is checked again.
                    try:
                        slot = await self.flood.depart(slot)
                    except BaseException:
                        self._gate.release()
                        raise
                    if slot.ahead:
                        self._gate.release()
                        continue
                sent = slot
                try:
                    return await callback(*args, **kwargs)
                except RetryAfter as error:
                    wait = retry_after_seconds(error)
                    if counted:
                        assert self.flood is not None
                        await self.flood.penalize(chat_id, wait)
                    if attempt >= retries or wait > self.max_wait:
                        raise
                    attempt += 1
                    slot = None
                    logger.warning(
                        "Bot API flood control on %s: waiting %.0f s (attempt %d of %d)",
                        endpoint,
                        wait,
                        attempt,
                        self.max_retries,
                    )
                finally:
                    self._gate.release()
                    if sent is not None:
                        await self._settle(sent)
                await self._sleep(wait)  # without holding a slot

    @contextlib.asynccontextmanager
    async def _booked(self, priority: int, needed: bool) -> AsyncIterator[None]:
        """Hold one of this process's ``max_booked`` places for the whole request (its
        retries after a 429 included), when it books a flood slot of its own."""
        if self._booking is None or not needed:
            yield
            return
        assert self._gate is not None
        with self._gate.waiting(priority):  # still counted as waiting, as for its slot
            await self._booking.acquire(priority)
        try:
            yield
        finally:
            self._booking.release()

    async def _settle(self, slot: Slot) -> None:
        """Tell the flood limiter when the answer came; a failure to record it must not turn
        a message that was sent into an error."""
        assert self.flood is not None
        try:
            await self.flood.settle(slot)
        except Exception:
            logger.exception("could not record a message's send time in the flood windows")
