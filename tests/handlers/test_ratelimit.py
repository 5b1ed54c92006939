"""The per-user sliding window."""

from __future__ import annotations

import pytest

from handlers.errors import RateLimitedError
from handlers.ratelimit import RateLimiter


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_allows_the_limit_then_refuses_with_the_wait() -> None:
    clock = Clock()
    limiter = RateLimiter(5, clock=clock)
    for _ in range(5):
        limiter.hit(42)
        clock.now += 2
    with pytest.raises(RateLimitedError) as caught:
        limiter.hit(42)
    assert caught.value.limit == 5
    assert caught.value.retry_after == 50  # the first hit leaves the window at t+60
    assert limiter.retry_after(42) == pytest.approx(50)
    assert "طلبات" in caught.value.message_ar


def test_users_are_counted_apart_and_the_window_slides() -> None:
    clock = Clock()
    limiter = RateLimiter(2, clock=clock)
    limiter.hit(1)
    limiter.hit(1)
    limiter.hit(2)  # another user is not affected
    with pytest.raises(RateLimitedError):
        limiter.hit(1)
    clock.now += 60
    limiter.hit(1)
    assert limiter.retry_after(1) == 0


def test_refused_requests_do_not_extend_the_wait() -> None:
    clock = Clock()
    limiter = RateLimiter(1, clock=clock)
    limiter.hit(7)
    for _ in range(10):
        clock.now += 5
        with pytest.raises(RateLimitedError):
            limiter.hit(7)
    clock.now += 10.0  # 60 s after the only counted request
    limiter.hit(7)


def test_limit_must_be_positive() -> None:
    with pytest.raises(ValueError):
        RateLimiter(0)
