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


def test_a_refused_user_is_told_once_per_wait() -> None:
    clock = Clock()
    limiter = RateLimiter(1, clock=clock)
    limiter.hit(9)
    told = []
    for _ in range(5):  # five more messages within the minute
        clock.now += 5
        with pytest.raises(RateLimitedError) as caught:
            limiter.hit(9)
        told.append(caught.value.notify)
    assert told == [True, False, False, False, False]
    clock.now += 35  # the wait announced in the first notice is over
    limiter.hit(9)
    with pytest.raises(RateLimitedError) as caught:
        limiter.hit(9)
    assert caught.value.notify  # a new window, a new notice


def test_a_refunded_request_does_not_count() -> None:
    limiter = RateLimiter(2, clock=Clock())
    limiter.hit(3)
    limiter.hit(3)
    limiter.refund(3)  # the article was already prepared
    limiter.hit(3)
    with pytest.raises(RateLimitedError):
        limiter.hit(3)
    limiter.refund(404)  # nobody to refund: nothing happens


def test_the_same_article_within_the_window_is_counted_once() -> None:
    clock = Clock()
    limiter = RateLimiter(2, clock=clock)
    for _ in range(4):  # one link sent four times in a hurry
        limiter.hit(8, "https://akhbar-sahel.ma/a.html")
    limiter.hit(8, "https://akhbar-sahel.ma/b.html")
    with pytest.raises(RateLimitedError):
        limiter.hit(8, "https://akhbar-sahel.ma/c.html")
    limiter.refund(8, "https://akhbar-sahel.ma/a.html")  # found ready after all
    limiter.hit(8, "https://akhbar-sahel.ma/c.html")
