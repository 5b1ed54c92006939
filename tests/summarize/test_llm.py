from __future__ import annotations

import logging
from collections.abc import AsyncIterator

import httpx
import pytest

from bot.settings import Settings
from bot.summarize import (
    ExtractiveSummarizer,
    FallbackReason,
    LLMResult,
    LLMSummarizer,
    within_chars,
)
from tests.summarize.conftest import API_KEY
from tests.summarize.fake_llm import FakeLLM, Reply
from tests.summarize.samples import ARTICLE, TITLE

GOOD = (
    "صادق مجلس مدينة الصويرة على مشروع لتحلية مياه البحر بكلفة 450 مليون درهم. "
    "وستوفر المحطة 25 ألف متر مكعب من الماء يوميا."
)
ENGLISH = "Essaouira approved a desalination plant costing 450 million dirhams."
INVENTED = "صادق مجلس مدينة الصويرة على مشروع لتحلية مياه البحر بكلفة 900 مليون درهم."
FALLBACK = ExtractiveSummarizer().summarize(ARTICLE, title=TITLE, fits=within_chars(280))


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient() as http:
        yield http


async def ask(
    settings: Settings, client: httpx.AsyncClient, *, platform: str = "x", limit: int = 280
) -> LLMResult:
    summarizer = LLMSummarizer(settings, client, max_retry_wait=0.5)
    return await summarizer.summarize_for(
        ARTICLE, title=TITLE, platform_name=platform, fits=within_chars(limit), fallback=FALLBACK
    )


async def test_a_right_answer_is_used(
    llm_settings: Settings, client: httpx.AsyncClient, fake_llm: FakeLLM
) -> None:
    fake_llm.answer(Reply(content=f"«{GOOD}»\n"))
    result = await ask(llm_settings, client)
    assert result.used_llm and result.fallback_reason is None
    assert result.text == GOOD
    assert len(result.sentences) == 2
    (request,) = fake_llm.requests
    assert request.path == "/v1/chat/completions"
    assert request.headers["Authorization"] == f"Bearer {API_KEY}"
    assert request.body["model"] == "fake-model"
    system, user = request.body["messages"]
    assert system["role"] == "system" and "بالعربية" in system["content"]
    assert "إكس" in user["content"] and TITLE in user["content"] and "450" in user["content"]


async def test_each_platform_gets_its_own_prompt(
    llm_settings: Settings, client: httpx.AsyncClient, fake_llm: FakeLLM
) -> None:
    fake_llm.answer(Reply(content=GOOD))
    await ask(llm_settings, client, platform="telegram", limit=1024)
    await ask(llm_settings, client, platform="not-a-platform", limit=1024)
    telegram, unknown = (r.body["messages"][1]["content"] for r in fake_llm.requests)
    assert "تلغرام" in telegram
    assert unknown.startswith("لخّص المقال التالي")


async def test_wrong_language_is_retried_once_then_falls_back(
    llm_settings: Settings, client: httpx.AsyncClient, fake_llm: FakeLLM
) -> None:
    fake_llm.answer(Reply(content=ENGLISH))
    result = await ask(llm_settings, client)
    assert not result.used_llm
    assert result.fallback_reason == FallbackReason.NOT_ARABIC
    assert result.sentences == tuple(FALLBACK) and result.text == " ".join(FALLBACK)
    assert len(fake_llm.requests) == 2
    retry_prompt = fake_llm.requests[1].body["messages"][1]["content"]
    assert "لم تكن مكتوبة بالعربية" in retry_prompt


async def test_a_good_retry_is_used(
    llm_settings: Settings, client: httpx.AsyncClient, fake_llm: FakeLLM
) -> None:
    fake_llm.answer(Reply(content=INVENTED), Reply(content=GOOD))
    result = await ask(llm_settings, client)
    assert result.used_llm and result.text == GOOD
    assert "رقمًا لم يرد" in fake_llm.requests[1].body["messages"][1]["content"]


async def test_invented_numbers_fall_back(
    llm_settings: Settings, client: httpx.AsyncClient, fake_llm: FakeLLM
) -> None:
    fake_llm.answer(Reply(content=INVENTED))
    result = await ask(llm_settings, client)
    assert result.fallback_reason == FallbackReason.INVENTED_NUMBER
    assert result.sentences == tuple(FALLBACK)


async def test_too_long_answers_fall_back(
    llm_settings: Settings, client: httpx.AsyncClient, fake_llm: FakeLLM
) -> None:
    fake_llm.answer(Reply(content=GOOD))
    result = await ask(llm_settings, client, limit=60)
    assert result.fallback_reason == FallbackReason.TOO_LONG


async def test_timeouts_fall_back(
    llm_settings: Settings, client: httpx.AsyncClient, fake_llm: FakeLLM
) -> None:
    fake_llm.answer(Reply(content=GOOD, delay=1.5))
    result = await ask(llm_settings, client)
    assert result.fallback_reason == FallbackReason.TIMEOUT
    assert len(fake_llm.requests) == 2


async def test_429_with_a_short_retry_after_is_retried(
    llm_settings: Settings, client: httpx.AsyncClient, fake_llm: FakeLLM
) -> None:
    fake_llm.answer(
        Reply(status=429, raw=b'{"error": "slow down"}', headers={"Retry-After": "0"}),
        Reply(content=GOOD),
    )
    result = await ask(llm_settings, client)
    assert result.used_llm
    assert len(fake_llm.requests) == 2


async def test_429_with_a_long_retry_after_falls_back_at_once(
    llm_settings: Settings, client: httpx.AsyncClient, fake_llm: FakeLLM
) -> None:
    fake_llm.answer(Reply(status=429, raw=b"{}", headers={"Retry-After": "120"}))
    result = await ask(llm_settings, client)
    assert result.fallback_reason == FallbackReason.RATE_LIMITED
    assert len(fake_llm.requests) == 1


@pytest.mark.parametrize(
    ("reply", "reason"),
    [
        (Reply(status=500, raw=b'{"error": "boom"}'), FallbackReason.HTTP_ERROR),
        (Reply(raw=b"<html>not json</html>"), FallbackReason.BAD_RESPONSE),
        (Reply(raw=b'{"choices": []}'), FallbackReason.BAD_RESPONSE),
        (Reply(content="   "), FallbackReason.EMPTY),
    ],
)
async def test_broken_answers_fall_back(
    llm_settings: Settings,
    client: httpx.AsyncClient,
    fake_llm: FakeLLM,
    reply: Reply,
    reason: FallbackReason,
) -> None:
    fake_llm.answer(reply)
    result = await ask(llm_settings, client)
    assert result.fallback_reason == reason
    assert not result.used_llm and result.sentences == tuple(FALLBACK)


async def test_an_unreachable_server_falls_back(
    llm_settings: Settings, client: httpx.AsyncClient, fake_llm: FakeLLM
) -> None:
    base_url = fake_llm.base_url
    fake_llm.stop()
    result = await ask(llm_settings.replace(llm_base_url=base_url), client)
    assert result.fallback_reason == FallbackReason.HTTP_ERROR


async def test_disabled_settings_make_no_request(
    settings: Settings, client: httpx.AsyncClient, fake_llm: FakeLLM
) -> None:
    assert settings.summarizer == "extractive"
    result = await ask(settings.replace(llm_base_url=fake_llm.base_url), client)
    assert result.fallback_reason == FallbackReason.DISABLED
    assert fake_llm.requests == []


async def test_the_api_key_is_never_logged_or_returned(
    llm_settings: Settings,
    client: httpx.AsyncClient,
    fake_llm: FakeLLM,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    fake_llm.answer(Reply(status=401, raw=b'{"error": "bad key"}'))
    result = await ask(llm_settings, client)
    assert result.fallback_reason == FallbackReason.HTTP_ERROR
    assert caplog.records  # the failure was logged …
    assert API_KEY not in caplog.text  # … without the key
    assert API_KEY not in repr(result) and API_KEY not in repr(llm_settings)
