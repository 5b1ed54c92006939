"""The flood windows' arithmetic (pure functions, a simulated clock) and the limiter that
books, checks and settles slots in memory."""

from __future__ import annotations

import asyncio
import random

from bot.flood import (
    OVERALL,
    FloodLimiter,
    FloodRule,
    FloodRules,
    FloodWindow,
    MemoryFloodStore,
    Slot,
    blocked,
    depart,
    is_group_chat,
    moved,
    penalty_key,
    reserve,
    windows_for,
)

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


class Windows:
    """The pure functions over one dict, as a store would run them."""

    def __init__(self, slack: float = 0.0) -> None:
        self.windows: dict[str, FloodWindow] = {}
        self.slack = slack

    def reserve(self, chat_id: int | str | None, now: float) -> Slot:
        return reserve(self.windows, windows_for(chat_id, RULES), now, self.slack)

    def depart(self, chat_id: int | str | None, slot: Slot, now: float) -> Slot:
        return depart(self.windows, windows_for(chat_id, RULES), slot, now, self.slack)


def test_chat_kinds_and_their_windows() -> None:
    assert is_group_chat(-1001234) and is_group_chat("@channel") and is_group_chat("-100")
    assert not is_group_chat(42)
    assert [key for key, _ in windows_for(42, RULES)] == [OVERALL, "42"]
    assert [key for key, _ in windows_for("@akhbar", RULES)] == [
        OVERALL,
        "@akhbar",
        "@akhbar/group",
    ]
    assert [key for key, _ in windows_for(None, RULES)] == [OVERALL]
    assert penalty_key(None) == OVERALL and penalty_key(-100) == "-100"


def test_a_private_chat_gets_one_message_a_second() -> None:
    windows = Windows()
    slots = [windows.reserve(7, now=0.0) for _ in range(5)]
    assert [slot.moment for slot in slots] == [0.0, 1.0, 2.0, 3.0, 4.0]
    assert [slot.ahead for slot in slots] == [False, True, True, True, True]


def test_a_channel_gets_twenty_a_minute_and_one_a_second() -> None:
    windows = Windows()
    times = [windows.reserve(-100500, now=0.0).moment for _ in range(45)]
    assert times[:20] == [float(i) for i in range(20)]
    assert times[20] == 60.0  # the first left the minute
    assert _max_in_window(times, 60.0) == 20
    assert _max_in_window(times, 1.0) == 1


def test_slack_widens_every_window() -> None:
    windows = Windows(slack=0.05)
    times = [windows.reserve(-100500, now=0.0).moment for _ in range(21)]
    assert times[1] == 1.05 and times[20] == 60.05


def test_a_burst_over_many_chats_stays_within_thirty_a_second() -> None:
    windows = Windows()
    times = [windows.reserve(1000 + user, now=0.0).moment for user in range(200)]
    assert _max_in_window(times, 1.0) == 30
    # No slower than the rule: 200 messages take just under 7 seconds.
    assert max(times) < 200 / 30


def test_mixed_traffic_never_breaks_any_window() -> None:
    rng = random.Random(7)
    windows = Windows()
    by_chat: dict[int, list[float]] = {}
    everything: list[float] = []
    now = 0.0
    for _ in range(600):
        now += rng.random() * 0.05
        chat = rng.choice([-1001, -1002, 11, 12, 13, 14])
        moment = windows.reserve(chat, now=now).moment
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


def test_times_that_cannot_matter_are_forgotten_and_the_window_knows_when_it_expires() -> None:
    windows = Windows(slack=0.05)
    windows.reserve(5, now=0.0)
    windows.reserve(5, now=10.0)
    assert windows.windows["5"].times == (10.0,)
    assert windows.windows["5"].expires == 11.05
    assert windows.windows[OVERALL].times == (10.0,)


def test_a_429_blocks_the_chat_for_retry_after() -> None:
    windows = Windows()
    windows.windows["-1001"] = blocked(FloodWindow(), 112.0)
    assert windows.reserve(-1001, now=100.0).moment == 112.0
    assert windows.reserve(5, now=100.0).moment == 100.0  # other chats go on
    windows.windows[OVERALL] = blocked(windows.windows[OVERALL], 103.0)
    assert windows.reserve(6, now=100.0).moment == 103.0
    # A shorter block never shortens a longer one.
    assert blocked(blocked(FloodWindow(), 50.0), 20.0).blocked_until == 50.0


def test_moving_a_booking_keeps_the_others() -> None:
    window = FloodWindow((1.0, 2.0, 2.0, 3.0), 0.0, 4.0)
    assert moved(window, 2.0, 2.5, 1.0).times == (1.0, 2.0, 2.5, 3.0)
    assert moved(window, 2.0, None, 1.0).times == (1.0, 2.0, 3.0)
    # One already forgotten is booked again where it went: later is the safe side.
    assert moved(window, 0.5, 3.5, 1.0).times == (1.0, 2.0, 2.0, 3.0, 3.5)
    assert moved(window, 2.0, 9.0, 1.0).expires == 10.0


def test_a_slot_leaving_on_time_stays_where_it_was_booked() -> None:
    windows = Windows()
    first = windows.reserve(-100, now=0.0)
    second = windows.reserve(-100, now=0.0)
    assert second.moment == 1.0 and second.ahead
    gone = windows.depart(-100, second, now=1.0)
    assert gone.moment == 1.0 and not gone.ahead
    assert windows.windows["-100"].times == (first.moment, 1.0)


def test_a_slot_booked_ahead_waits_when_an_earlier_message_arrived_late() -> None:
    # The twenty-first message of a channel was booked for 60 s after the first; the first
    # then reached Telegram 0.3 s late (its answer came at 0.3): the 21st must wait as long.
    windows = Windows()
    slots = [windows.reserve(-100, now=0.0) for _ in range(21)]
    assert slots[20].moment == 60.0
    for key in slots[0].keys:
        windows.windows[key] = moved(windows.windows[key], 0.0, 0.3, 60.0)
    later = windows.depart(-100, slots[20], now=60.0)
    assert later.ahead and later.moment == 60.3
    gone = windows.depart(-100, later, now=60.3)
    assert not gone.ahead and gone.moment == 60.3
    assert _max_in_window(list(windows.windows["-100/group"].times), 60.0) <= 20


def test_a_slot_leaving_late_checks_only_what_left_before_it() -> None:
    # Booked for 1.0 but leaving at 1.4 (it waited for a connection): the message booked for
    # 2.0 behind it does not push it back; it will check itself when it leaves.
    windows = Windows()
    windows.reserve(9, now=0.0)
    second = windows.reserve(9, now=0.0)
    third = windows.reserve(9, now=0.0)
    gone = windows.depart(9, second, now=1.4)
    assert gone.moment == 1.4 and not gone.ahead
    assert windows.depart(9, third, now=2.0).moment == 2.4  # one second after the second


class FakeTime:
    def __init__(self) -> None:
        self.now = 0.0
        self.slept: list[float] = []

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds
        await asyncio.sleep(0)


async def test_acquire_sleeps_until_the_slot() -> None:
    fake = FakeTime()
    limiter = FloodLimiter(RULES, clock=fake.clock, sleep=fake.sleep, slack=0)
    slots = [await limiter.reserve(9) for _ in range(3)]
    assert [slot.moment for slot in slots] == [0.0, 1.0, 2.0]
    for slot in slots:
        await limiter.wait(slot)
    assert fake.slept == [1.0, 1.0]


async def test_the_limiter_settles_a_late_answer_and_the_next_slot_follows_it() -> None:
    fake = FakeTime()
    store = MemoryFloodStore()
    limiter = FloodLimiter(RULES, store=store, clock=fake.clock, sleep=fake.sleep, slack=0.05)
    slot = await limiter.acquire(9)
    fake.now = 0.02  # answered within the slack: nothing to write
    await limiter.settle(slot)
    assert store.windows["9"].times == (0.0,)
    fake.now = 0.5  # answered late: Telegram may have counted it as late as this
    await limiter.settle(slot)
    assert store.windows["9"].times == (0.5,)
    nxt = await limiter.acquire(9)
    assert nxt.moment == 1.55


async def test_penalize_blocks_through_the_store() -> None:
    fake = FakeTime()
    fake.now = 100.0
    store = MemoryFloodStore()
    limiter = FloodLimiter(RULES, store=store, clock=fake.clock, sleep=fake.sleep, slack=0)
    await limiter.penalize(-1001, 12)
    assert (await limiter.reserve(-1001)).moment == 112.0
    await limiter.penalize(None, 3)
    assert (await limiter.reserve(6)).moment == 103.0


async def test_expired_windows_are_pruned() -> None:
    fake = FakeTime()
    store = MemoryFloodStore()
    limiter = FloodLimiter(RULES, store=store, clock=fake.clock, sleep=fake.sleep, slack=0)
    await limiter.reserve(1)
    await limiter.reserve(-100)
    assert len(store.windows) == 4
    fake.now = 61.5  # a minute later: the next booking prunes what expired
    await limiter.reserve(2)
    assert set(store.windows) == {OVERALL, "2"}
