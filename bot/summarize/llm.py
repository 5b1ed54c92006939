"""Optional LLM summaries through any OpenAI-compatible chat-completions endpoint.

Off unless ``SUMMARIZER=llm`` and both ``LLM_BASE_URL`` (for example
``http://127.0.0.1:8080/v1``; ``/chat/completions`` is appended) and ``LLM_MODEL`` are set.
Every answer goes through :func:`bot.summarize.validate.validate_summary`. A refused answer
or a failed call is retried once (a refused answer with the reason added to the prompt; a
429 only when its ``Retry-After`` is short); after that the caller's extractive summary is
returned with the reason in ``fallback_reason``. Nothing here raises for network or model
trouble, and the API key never reaches a log line or a result.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass

import httpx

from bot.settings import Settings
from bot.summarize.base import Fits
from bot.summarize.prompts import PromptLibrary
from bot.summarize.validate import FallbackReason, validate_summary
from bot.text.arabic import split_sentences

logger = logging.getLogger(__name__)

MAX_TOKENS = 600
TEMPERATURE = 0.2

# Told to the model on its retry: "your previous answer was refused because it …".
_PROBLEM_AR = {
    FallbackReason.EMPTY: "كانت فارغة",
    FallbackReason.NOT_ARABIC: "لم تكن مكتوبة بالعربية",
    FallbackReason.TOO_LONG: "كانت أطول من المسموح به في هذه المنصة",
    FallbackReason.INVENTED_NUMBER: "تضمنت رقمًا لم يرد في المقال",
    FallbackReason.INVENTED_DATE: "تضمنت تاريخًا لم يرد في المقال",
    FallbackReason.INVENTED_NAME: "تضمنت اسمًا لم يرد في المقال",
    FallbackReason.UNSUPPORTED: "تضمنت معلومات لم ترد في المقال",
}


@dataclass(frozen=True, slots=True)
class LLMResult:
    """A summary for one platform and where it came from.

    Attributes:
        sentences: The summary's sentences, in order.
        text: The sentences joined by a space.
        used_llm: True when the model's answer was used.
        fallback_reason: Why the extractive summary was used instead (a
            :class:`FallbackReason` value), None when the model's answer was used.
    """

    sentences: tuple[str, ...]
    text: str
    used_llm: bool
    fallback_reason: str | None = None


class _CallFailed(Exception):
    def __init__(self, reason: FallbackReason, detail: str, retry_after: float | None = None):
        super().__init__(detail)
        self.reason = reason
        self.retry_after = retry_after


class LLMSummarizer:
    """Asks the model for a platform summary and checks it. Build once, share.

    Args:
        settings: Reads ``summarizer``, ``llm_base_url``, ``llm_api_key``, ``llm_model``
            and ``llm_timeout``.
        client: The application's shared ``httpx.AsyncClient`` (its owner closes it).
        prompts: Prompt templates; ``templates/prompts`` by default.
        max_retry_wait: Longest ``Retry-After`` (seconds) worth waiting for on a 429.
    """

    def __init__(
        self,
        settings: Settings,
        client: httpx.AsyncClient,
        *,
        prompts: PromptLibrary | None = None,
        max_retry_wait: float = 5.0,
    ) -> None:
        self._settings = settings
        self._client = client
        self._prompts = prompts or PromptLibrary()
        self._max_retry_wait = max_retry_wait

    @property
    def enabled(self) -> bool:
        s = self._settings
        return s.summarizer == "llm" and bool(s.llm_base_url) and bool(s.llm_model)

    async def summarize_for(
        self,
        article_text: str,
        *,
        title: str | None,
        platform_name: str,
        fits: Fits,
        fallback: Sequence[str],
    ) -> LLMResult:
        """A checked LLM summary for one platform, or ``fallback`` with the reason.

        Args:
            article_text: The article body.
            title: The headline, if known.
            platform_name: ``Platform`` value; picks ``templates/prompts/<name>.j2``.
            fits: The platform's length rule for a list of sentences.
            fallback: The extractive summary to return when the model's is not usable.

        Returns:
            The result; never raises for network, HTTP or model problems.
        """
        if not self.enabled:
            return _fallback(fallback, FallbackReason.DISABLED)
        source = f"{title}\n{article_text}" if title else article_text
        reason = FallbackReason.EMPTY
        for attempt in (1, 2):
            messages = self._prompts.messages(
                platform_name=platform_name,
                article=article_text,
                title=title,
                problem=_PROBLEM_AR.get(reason) if attempt == 2 else None,
            )
            try:
                answer = _clean(await self._complete(messages))
            except _CallFailed as failure:
                reason = failure.reason
                logger.warning(
                    "LLM call failed (attempt %d, %s): %s", attempt, failure.reason, failure
                )
                if attempt == 1 and not await self._wait_before_retry(failure):
                    break
                continue
            refused = validate_summary(answer, source, fits=fits)
            if refused is None:
                sentences = tuple(split_sentences(answer))
                return LLMResult(sentences=sentences, text=" ".join(sentences), used_llm=True)
            reason = refused
            logger.info("LLM answer refused (attempt %d): %s", attempt, refused)
        return _fallback(fallback, reason)

    async def _wait_before_retry(self, failure: _CallFailed) -> bool:
        """Sleep as a 429 asks; False when the wait would be too long to be worth it."""
        if failure.reason is not FallbackReason.RATE_LIMITED:
            return True
        wait = failure.retry_after if failure.retry_after is not None else self._max_retry_wait
        if wait > self._max_retry_wait:
            return False
        await asyncio.sleep(max(wait, 0.0))
        return True

    async def _complete(self, messages: list[dict[str, str]]) -> str:
        settings = self._settings
        headers = {"Accept": "application/json"}
        if settings.llm_api_key:
            headers["Authorization"] = f"Bearer {settings.llm_api_key.reveal()}"
        payload = {
            "model": settings.llm_model,
            "messages": messages,
            "temperature": TEMPERATURE,
            "max_tokens": MAX_TOKENS,
        }
        try:
            response = await self._client.post(
                f"{settings.llm_base_url}/chat/completions",
                json=payload,
                headers=headers,
                timeout=settings.llm_timeout,
            )
        except httpx.TimeoutException as exc:
            raise _CallFailed(FallbackReason.TIMEOUT, type(exc).__name__) from None
        except httpx.HTTPError as exc:
            raise _CallFailed(FallbackReason.HTTP_ERROR, type(exc).__name__) from None
        if response.status_code == 429:
            raise _CallFailed(
                FallbackReason.RATE_LIMITED,
                "HTTP 429",
                retry_after=_seconds(response.headers.get("Retry-After")),
            )
        if response.status_code != 200:
            raise _CallFailed(FallbackReason.HTTP_ERROR, f"HTTP {response.status_code}")
        try:
            content = response.json()["choices"][0]["message"]["content"]
        except (ValueError, KeyError, IndexError, TypeError):
            raise _CallFailed(FallbackReason.BAD_RESPONSE, "unexpected answer shape") from None
        if not isinstance(content, str):
            raise _CallFailed(FallbackReason.BAD_RESPONSE, "content is not text")
        return content


def _fallback(sentences: Sequence[str], reason: FallbackReason) -> LLMResult:
    kept = tuple(sentences)
    return LLMResult(sentences=kept, text=" ".join(kept), used_llm=False, fallback_reason=reason)


def _clean(answer: str) -> str:
    """The answer without surrounding quotes or white space some models add anyway."""
    return answer.strip().strip("\"'«»“”").strip()


def _seconds(value: str | None) -> float | None:
    if value is None:
        return None
    try:
        return float(value)
    except ValueError:
        return None  # an HTTP date: treat as "unknown", which waits max_retry_wait
