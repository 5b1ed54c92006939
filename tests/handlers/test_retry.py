"""Flood control: wait retry_after, then send again."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from typing import Any

import pytest
from telegram.error import BadRequest, RetryAfter
from telegram.ext import ExtBot

from bot.flood import EMPTY, OVERALL, FloodLimiter, FloodRule, FloodRules, MemoryFloodStore
from devtools.botapi import DEFAULT_TOKEN, BotAPIServer, FloodPolicy
from handlers.retry import Priority, PriorityGate, RetryAfterLimiter

pytestmark = pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")


class Calls:
    def __init__(self, failures: list[Exception]) -> None:
        self.failures = failures
        self.count = 0

    async def __call__(self, value: str) -> dict[str, str]:
        self.count += 1
        if self.failures:
            raise self.failures.pop(0)
        return {"ok": value}


async def run(limiter: RetryAfterLimiter, calls: Calls) -> object:
    return await limiter.process_request(calls, ("x",), {}, "sendMessage", {}, None)


async def test_waits_retry_after_and_succeeds() -> None:
    waited: list[float] = []

    async def sleep(seconds: float) -> None:
        waited.append(seconds)

    calls = Calls([RetryAfter(2), RetryAfter(1)])
    assert await run(RetryAfterLimiter(sleep=sleep), calls) == {"ok": "x"}
    assert waited == [2.0, 1.0] and calls.count == 3


async def test_gives_up_after_max_retries_or_on_absurd_waits() -> None:
    async def sleep(seconds: float) -> None:
        return None

    with pytest.raises(RetryAfter):
        await run(RetryAfterLimiter(max_retries=1, sleep=sleep), Calls([RetryAfter(1)] * 2))
    long_wait = Calls([RetryAfter(3600)])
    with pytest.raises(RetryAfter):
        await run(RetryAfterLimiter(max_wait=60, sleep=sleep), long_wait)
    assert long_wait.count == 1


async def test_other_errors_pass_through_untouched() -> None:
    calls = Calls([BadRequest("chat not found")])
    with pytest.raises(BadRequest):
        await run(RetryAfterLimiter(), calls)
    assert calls.count == 1


class RecordingLimiter(RetryAfterLimiter):
    """The real limiter, noting the priority each request reached it with."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: list[tuple[str, Priority | None]] = []

    async def process_request(  # type: ignore[override]
        self,
        callback: Callable[..., Coroutine[Any, Any, Any]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: Priority | None,
    ) -> Any:
        self.seen.append((endpoint, rate_limit_args))
        return await super().process_request(
            callback, args, kwargs, endpoint, data, rate_limit_args
        )


async def test_every_priority_given_to_a_bot_method_reaches_the_limiter() -> None:
    # PTB drops a falsy rate_limit_args on the way: an URGENT of 0 arrived as "not given".
    api = BotAPIServer().start()
    limiter = RecordingLimiter()
    bot = ExtBot(DEFAULT_TOKEN, base_url=f"{api.root}/bot", rate_limiter=limiter)
    try:
        api.private_chat(api.user(701))
        async with bot:
            for priority in Priority:
                await bot.send_message(701, "جارٍ التحضير…", rate_limit_args=priority)
    finally:
        api.stop()
    assert [p for endpoint, p in limiter.seen if endpoint == "sendMessage"] == list(Priority)


async def test_urgent_requests_overtake_the_queue() -> None:
    gate = PriorityGate(1)
    await gate.acquire(Priority.NORMAL)  # the one slot is busy
    order: list[str] = []

    async def request(name: str, priority: Priority) -> None:
        await gate.acquire(priority)
        order.append(name)
        gate.release()

    waiting = [
        asyncio.ensure_future(request(name, priority))
        for name, priority in [
            ("photo", Priority.NORMAL),
            ("action", Priority.SOON),
            ("delete", Priority.LOW),
            ("ack", Priority.URGENT),
        ]
    ]
    await asyncio.sleep(0)
    gate.release()
    await asyncio.gather(*waiting)
    assert order == ["ack", "action", "photo", "delete"]


async def test_settled_waits_until_no_urgent_request_is_queued() -> None:
    gate = PriorityGate(1)
    await gate.acquire(Priority.URGENT)  # the one slot is busy
    queued = [asyncio.ensure_future(gate.acquire(p)) for p in (Priority.URGENT, Priority.URGENT)]
    normal = asyncio.ensure_future(gate.acquire(Priority.NORMAL))
    calm = asyncio.ensure_future(gate.settled(Priority.URGENT))
    await asyncio.sleep(0)
    assert gate.busy_with(Priority.URGENT) and not calm.done()

    gate.release()  # the first queued ack gets the slot; one is still waiting
    await asyncio.sleep(0)
    assert queued[0].done() and not calm.done()

    gate.release()  # the last one gets it: only a NORMAL request waits now
    await asyncio.sleep(0)
    await asyncio.sleep(0)
    assert calm.done() and not normal.done()
    assert not gate.busy_with(Priority.URGENT) and gate.busy_with(Priority.NORMAL)
    gate.release()
    await normal


async def test_settled_returns_at_once_when_nothing_urgent_waits() -> None:
    gate = PriorityGate(2)
    await gate.acquire(Priority.URGENT)  # in flight, not waiting
    await asyncio.wait_for(gate.settled(Priority.URGENT), 0.01)


async def test_a_cancelled_waiter_no_longer_counts_as_waiting() -> None:
    gate = PriorityGate(1)
    await gate.acquire(Priority.NORMAL)
    waiter = asyncio.ensure_future(gate.acquire(Priority.URGENT))
    calm = asyncio.ensure_future(gate.settled(Priority.URGENT))
    await asyncio.sleep(0)
    waiter.cancel()
    await asyncio.gather(waiter, return_exceptions=True)
    await asyncio.wait_for(calm, 0.1)


async def test_the_limiter_waits_for_a_calm_gate_at_most_the_given_time() -> None:
    limiter = RetryAfterLimiter(max_in_flight=1)
    await limiter.initialize()
    hold = asyncio.Event()

    async def slow() -> bool:
        await hold.wait()
        return True

    busy = [
        asyncio.ensure_future(
            limiter.process_request(slow, (), {}, "sendMessage", {}, Priority.URGENT)
        )
        for _ in range(2)  # one in flight, one queued
    ]
    await asyncio.sleep(0)
    await asyncio.wait_for(limiter.settled(Priority.URGENT, at_most=0.05), 5)
    assert not busy[1].done()  # it gave up waiting: the queued request still waits
    hold.set()
    assert await asyncio.gather(*busy) == [True, True]


async def test_a_message_that_waited_for_a_connection_still_arrives_within_limits() -> None:
    # One connection. A slow call holds it when the channel's first message is due, so that
    # message leaves late; the second was booked half a second after the first one's slot,
    # before anyone knew. Telegram (one message per 0.5 s in a chat, no burst) counts
    # arrivals: the second must be checked again as it leaves, and wait for its turn.
    api = BotAPIServer(
        flood=FloodPolicy(per_second=30, chat_per_second=2.0, chat_burst=1, group_per_minute=60)
    ).start()
    rules = FloodRules(
        overall=FloodRule(30, 1.0), per_chat=FloodRule(1, 0.5), per_group=FloodRule(60, 60.0)
    )
    limiter = RetryAfterLimiter(max_in_flight=1, max_retries=0, flood=FloodLimiter(rules))
    bot = ExtBot(DEFAULT_TOKEN, base_url=f"{api.root}/bot", rate_limiter=limiter)
    channel = -1001777
    try:
        api.channel(channel, "قناة الاختبار")
        async with bot:
            mark = api.mark()
            api.slow_next("getchat", seconds=0.4)
            slow = asyncio.ensure_future(bot.get_chat(channel))
            await asyncio.sleep(0.05)  # the slow call holds the only connection
            await asyncio.gather(
                bot.send_message(channel, "الخبر الأول"), bot.send_message(channel, "الخبر الثاني")
            )
            await slow
    finally:
        api.stop()
    assert api.refusals(429, since=mark) == []
    first, second = api.posts(channel, since=mark)
    assert second.at - first.at >= 0.5


class CountingStore(MemoryFloodStore):
    """Memory windows that remember the most send times ever booked ahead at once."""

    def __init__(self, clock: Callable[[], float]) -> None:
        super().__init__()
        self._clock = clock
        self.most_ahead = 0

    async def update(self, keys: Any, change: Any) -> Any:
        result = await super().update(keys, change)
        now = self._clock()
        ahead = sum(1 for t in self.windows.get(OVERALL, EMPTY).times if t > now)
        self.most_ahead = max(self.most_ahead, ahead)
        return result


async def test_a_worker_books_at_most_max_booked_slots_ahead_and_the_urgent_first() -> None:
    """Over a shared store, 40 messages at once book 5 at a time (the rest wait here, not in
    the windows every worker rewrites), and an acknowledgement queued behind them is booked
    before the cards still waiting."""
    clock = asyncio.get_running_loop().time
    store = CountingStore(clock)
    rules = FloodRules(overall=FloodRule(2, 0.1), per_chat=FloodRule(100, 1.0))
    limiter = RetryAfterLimiter(
        max_in_flight=2, flood=FloodLimiter(rules, store=store, clock=clock), max_booked=5
    )
    order: list[str] = []

    async def send(name: str) -> str:
        order.append(name)
        return name

    cards = [
        asyncio.ensure_future(
            limiter.process_request(send, (f"card{n}",), {}, "sendPhoto", {"chat_id": n}, None)
        )
        for n in range(40)
    ]
    await asyncio.sleep(0)
    ack = asyncio.ensure_future(
        limiter.process_request(
            send, ("ack",), {}, "sendMessage", {"chat_id": 99}, Priority.URGENT
        )
    )
    await asyncio.gather(*cards, ack)

    assert 1 < store.most_ahead <= 5
    assert order.index("ack") < 10  # not behind the 40 cards
    assert sorted(order) == sorted([*(f"card{n}" for n in range(40)), "ack"])
