"""Posting to X: the card through v2 media upload, then the post (and, by policy, the link as
a reply). What each failure means for the outbox is decided here, once.
"""

from __future__ import annotations

import logging
import time
import unicodedata
from collections.abc import Awaitable
from typing import TypeVar

import aiohttp
import tweepy
from twitter_text.extract_urls import extract_urls

from bot.errors import (
    PublishNotSent,
    PublishOutcomeUnknown,
    PublishRejected,
    PublishRetryLater,
)
from bot.models import CardSize
from bot.newsroom.models import NewsroomDraft, OutboxItem, PostKind, Target
from bot.publish.base import Receipt
from bot.publish.xclient import UploadError, XClient

logger = logging.getLogger(__name__)
T = TypeVar("T")

# X's pay-per-use list prices (effective 20 April 2026), in millionths of a dollar.
COST_POST_MICROS = 15_000
COST_POST_WITH_URL_MICROS = 200_000
# Without a reset time, a 429 is waited out this long.
DEFAULT_RETRY_AFTER = 60.0
_MIME = {"PNG": "image/png", "JPEG": "image/jpeg"}


def post_cost(text: str) -> int:
    """Estimated cost of a post: a URL anywhere in it makes it the expensive kind."""
    return COST_POST_WITH_URL_MICROS if extract_urls(text) else COST_POST_MICROS


def post_url(post_id: str) -> str:
    return f"https://x.com/i/web/status/{post_id}"


class XPublisher:
    """Posts a draft's X rows through :class:`~bot.publish.xclient.XClient`."""

    target = Target.X

    def __init__(self, client: XClient, *, lookup_depth: int = 20) -> None:
        self._client = client
        self._lookup_depth = lookup_depth

    def lane(self, draft: NewsroomDraft) -> str:
        """One account: its posts go in order, and a 429 on one holds back the others."""
        return "x"

    async def prepare(self, draft: NewsroomDraft, item: OutboxItem) -> None:
        """X's limits come back as 429s with a reset time: nothing to wait for up front."""

    async def publish(self, draft: NewsroomDraft, item: OutboxItem) -> Receipt:
        if item.kind is PostKind.X_LINK:
            if item.parent_external_id is None:
                raise PublishNotSent("the post this link answers is not sent yet")
            post_id = await self._call(
                self._client.create_post(item.text, reply_to=item.parent_external_id)
            )
        else:
            media_ids = []
            card = draft.content.card(CardSize.X) or draft.content.card(CardSize.WIDE)
            if card is not None:
                # Before the post: an upload that fails leaves nothing on X to reconcile.
                media_ids.append(await self._upload(card.data, card.image_format))
            post_id = await self._call(self._client.create_post(item.text, media_ids=media_ids))
        return Receipt(post_id, post_url(post_id), post_cost(item.text))

    async def find_existing(self, draft: NewsroomDraft, item: OutboxItem) -> Receipt | None:
        """The account's recent post with this row's text, if there is one."""
        try:
            recent = await self._call(self._client.recent_posts(self._lookup_depth))
        except (PublishNotSent, PublishOutcomeUnknown, PublishRetryLater, PublishRejected) as exc:
            logger.warning("could not look up recent X posts: %s", exc)
            return None
        wanted = _comparable(item.text)
        for post_id, text in recent:
            if _comparable(text) == wanted:
                return Receipt(post_id, post_url(post_id), post_cost(item.text))
        return None

    async def close(self) -> None:
        await self._client.close()

    async def _upload(self, data: bytes, image_format: str) -> str:
        try:
            return await self._client.upload_image(
                data, mime_type=_MIME.get(image_format, "image/png")
            )
        except UploadError as exc:
            if exc.status == 429:
                raise PublishRetryLater(str(exc), retry_after=_reset_wait(exc.headers)) from exc
            if exc.status >= 500:
                raise PublishNotSent(str(exc)) from exc
            raise PublishRejected(
                str(exc), message_ar="رفض إكس صورة البطاقة (الصيغة أو الحجم)."
            ) from exc
        except (PublishNotSent, PublishOutcomeUnknown):
            raise
        except (aiohttp.ClientError, TimeoutError) as exc:
            # Nothing is posted by an upload alone: whatever happened, upload again.
            raise PublishNotSent(f"media upload: {type(exc).__name__}: {exc}") from exc

    async def _call(self, request: Awaitable[T]) -> T:
        """Await an X request, turning its failures into the outbox's kinds."""
        try:
            return await request
        except tweepy.TooManyRequests as exc:
            raise PublishRetryLater("X rate limit", retry_after=_until(exc.reset_time)) from exc
        except tweepy.Forbidden as exc:
            duplicate = any("duplicate" in m.lower() for m in exc.api_messages)
            if duplicate:
                raise PublishRejected(
                    "duplicate content",
                    message_ar="رفض إكس المنشور لأن نصه مكرر (نُشر النص نفسه من قبل).",
                    duplicate=True,
                ) from exc
            raise PublishRejected(
                _messages(exc), message_ar=f"رفض إكس المنشور: {_messages(exc)}"
            ) from exc
        except tweepy.Unauthorized as exc:
            raise PublishRejected(
                "unauthorized",
                message_ar="رفض إكس بيانات الدخول: تحقق من مفاتيح X_* في الإعدادات.",
            ) from exc
        except tweepy.TwitterServerError as exc:
            raise PublishNotSent(f"X server error {exc.response.status}") from exc
        except tweepy.HTTPException as exc:
            raise PublishRejected(
                _messages(exc), message_ar=f"رفض إكس المنشور: {_messages(exc)}"
            ) from exc
        except (aiohttp.ClientConnectorError, aiohttp.ConnectionTimeoutError) as exc:
            raise PublishNotSent(f"{type(exc).__name__}: {exc}") from exc
        except (aiohttp.ClientError, TimeoutError) as exc:
            # The request was on its way: X may have made the post.
            raise PublishOutcomeUnknown(f"{type(exc).__name__}: {exc}") from exc


def _comparable(text: str) -> str:
    """X may shorten links to t.co and normalise Unicode: compare without links and spaces."""
    text = unicodedata.normalize("NFC", text)
    for url in extract_urls(text):
        text = text.replace(url, "")
    return "".join(text.split())


def _messages(exc: tweepy.HTTPException) -> str:
    return "; ".join(str(m) for m in exc.api_messages) or f"HTTP {exc.response.status}"


def _until(reset_time: int | None) -> float:
    if reset_time is None:
        return DEFAULT_RETRY_AFTER
    return max(1.0, reset_time - time.time() + 1)


def _reset_wait(headers: dict[str, str]) -> float:
    value = {k.lower(): v for k, v in headers.items()}.get("x-rate-limit-reset", "")
    return _until(int(value)) if value.isdigit() else DEFAULT_RETRY_AFTER
