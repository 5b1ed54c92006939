"""Flood control: wait retry_after, then send again."""

from __future__ import annotations

import pytest
from telegram.error import BadRequest, RetryAfter

from handlers.retry import RetryAfterLimiter

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
