"""The flood limiter's send times, on a simulated clock (no sleeping)."""

from __future__ import annotations

import asyncio
import random

from bot.flood import FloodLimiter, FloodRule, FloodRules, is_group_chat

RULES = FloodRules(
    overall=FloodRule(30, 1.0), per_chat=FloodRule(1, 1.0), per_group=FloodRule(20, 60.0)
)


def _max_in_window(times: list[float], seconds: float) -> int:
    times = sorted(times)
    best = 0
    for i, start in enumerate(times):
        end = i
        while end < len(times) and times[end] < start + seconds - 1e-9:
            end += 1
        best = max(best, end - i)
    return best


def test_chat_kinds() -> None:
    assert is_group_chat(-1001234) and is_group_chat("@channel") and is_group_chat("-100")
    assert not is_group_chat(42)


def test_a_private_chat_gets_one_message_a_second() -> None:
    limiter = FloodLimiter(RULES, slack=0)
    times = [limiter.reserve(7, now=0.0) for _ in range(5)]
    assert times == [0.0, 1.0, 2.0, 3.0, 4.0]


def test_a_channel_gets_twenty_a_minute_and_one_a_second() -> None:
    limiter = FloodLimiter(RULES, slack=0)
    times = [limiter.reserve(-100500, now=0.0) for _ in range(45)]
    assert times[:20] == [float(i) for i in range(20)]
    assert times[20] == 60.0  # the first left the minute
    assert _max_in_window(times, 60.0) == 20
    assert _max_in_window(times, 1.0) == 1


def test_a_burst_over_many_chats_stays_within_thirty_a_second() -> None:
    limiter = FloodLimiter(RULES, slack=0)
    times = [limiter.reserve(1000 + user, now=0.0) for user in range(200)]
    assert _max_in_window(times, 1.0) == 30
    # No slower than the rule: 200 messages take just under 7 seconds.
    assert max(times) < 200 / 30


def test_mixed_traffic_never_breaks_any_window() -> None:
    rng = random.Random(7)
    limiter = FloodLimiter(RULES, slack=0)
    by_chat: dict[int, list[float]] = {}
    everything: list[float] = []
    now = 0.0
    for _ in range(600):
        now += rng.random() * 0.05
        chat = rng.choice([-1001, -1002, 11, 12, 13, 14])
        moment = limiter.reserve(chat, now=now)
        assert moment >= now
        by_chat.setdefault(chat, []).append(moment)
        everything.append(moment)
    assert _max_in_window(everything, 1.0) <= 30
    for chat, times in by_chat.items():
        assert _max_in_window(times, 1.0) <= 1
        if chat < 0:
            assert _max_in_window(times, 60.0) <= 20
    # Messages of a chat keep their order.
    for times in by_chat.values():
        assert times == sorted(times)


def test_a_429_blocks_the_chat_for_retry_after() -> None:
    clock = [100.0]
    limiter = FloodLimiter(RULES, clock=lambda: clock[0], slack=0)
    limiter.penalize(-1001, 12)
    assert limiter.reserve(-1001, now=100.0) == 112.0
    assert limiter.reserve(5, now=100.0) == 100.0  # other chats go on
    limiter.penalize(None, 3)
    assert limiter.reserve(6, now=100.0) == 103.0


async def test_acquire_sleeps_until_the_slot() -> None:
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)
        await asyncio.sleep(0)

    limiter = FloodLimiter(RULES, clock=lambda: 0.0, sleep=sleep, slack=0)
    waits = [await limiter.acquire(9) for _ in range(3)]
    assert waits == [0.0, 1.0, 2.0] and slept == [1.0, 2.0]
