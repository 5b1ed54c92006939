"""Posting to the publisher's Telegram channel: the card, uploaded as bytes, with the caption
and the article footer's share buttons («شارك على منصتك المفضلة» made real for readers).

This module and the application wiring are the only places outside ``handlers/`` that touch
python-telegram-bot. The bot given here is the application's own, so channel posts go through
the same flood limiter as every other message.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import warnings

from telegram import (
    Bot,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputFile,
    LinkPreviewOptions,
    Message,
    ReplyParameters,
)
from telegram.constants import ParseMode
from telegram.error import (
    BadRequest,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)

from bot.errors import PublishNotSent, PublishOutcomeUnknown, PublishRejected, PublishRetryLater
from bot.flood import FloodLimiter, Reserved, Slot
from bot.models import CardSize, Platform
from bot.newsroom.models import NewsroomDraft, OutboxItem, PostKind, ShareButton, Target
from bot.platforms import PLATFORMS
from bot.publish.base import Receipt

logger = logging.getLogger(__name__)

CAPTION_LIMIT = PLATFORMS[Platform.TELEGRAM].limit
BUTTONS_PER_ROW = 3
# Failures our HTTP client reports before a request leaves (see handlers/bot_request.py), and
# server errors: nothing was posted.
_NOT_SENT = re.compile(
    r"ClientConnectorError|Cannot connect|Connection refused|Bad Gateway|Service Unavailable"
    r"|Internal Server Error|Gateway Timeout",
    re.I,
)


def share_keyboard(buttons: tuple[ShareButton, ...]) -> InlineKeyboardMarkup | None:
    """URL buttons only: a public post must carry nothing that calls back into the bot."""
    if not buttons:
        return None
    row = [InlineKeyboardButton(b.label, url=b.url) for b in buttons]
    return InlineKeyboardMarkup(
        [row[i : i + BUTTONS_PER_ROW] for i in range(0, len(row), BUTTONS_PER_ROW)]
    )


def caption_for_photo(text: str) -> str:
    """The caption itself when it fits under a photo, else its first paragraph (the headline):
    the whole text then follows as a reply (``PostKind.CHANNEL_TEXT``)."""
    if PLATFORMS[Platform.TELEGRAM].measure(text) <= CAPTION_LIMIT:
        return text
    return text.split("\n\n", 1)[0]


class ChannelPublisher:
    """Posts a draft's channel rows to ``channel`` (``@name`` or a ``-100…`` id)."""

    target = Target.CHANNEL

    def __init__(self, bot: Bot, channel: str | int, *, flood: FloodLimiter | None = None) -> None:
        self._bot = bot
        self._channel = channel
        self._flood = flood
        self._slots: dict[int, Slot] = {}  # outbox row → the flood slot prepare() took

    def channel_of(self, draft: NewsroomDraft) -> str | int:
        """The draft's own channel (a feed may post elsewhere), else the default one."""
        return draft.channel or self._channel

    def lane(self, draft: NewsroomDraft) -> str:
        """One lane per channel: its posts keep their order and share its flood limit."""
        return f"channel:{self.channel_of(draft)}"

    async def prepare(self, draft: NewsroomDraft, item: OutboxItem) -> None:
        """Take the channel's next flood slot (20 a minute, one a second) before sending."""
        if self._flood is not None:
            self._slots[item.id] = await self._flood.acquire(self.channel_of(draft))

    async def publish(self, draft: NewsroomDraft, item: OutboxItem) -> Receipt:
        try:
            message = await self._send(draft, item)
        except RetryAfter as exc:
            raise PublishRetryLater(str(exc), retry_after=_seconds(exc)) from exc
        except TimedOut as exc:
            raise PublishOutcomeUnknown(f"Telegram did not answer in time: {exc}") from exc
        except Forbidden as exc:
            raise PublishRejected(
                exc.message,
                message_ar="لا يستطيع البوت النشر في القناة: أضفه مشرفاً فيها بصلاحية النشر.",
            ) from exc
        except (BadRequest, InvalidToken) as exc:
            raise PublishRejected(
                exc.message, message_ar=f"رفض تيليغرام المنشور: {exc.message}"
            ) from exc
        except NetworkError as exc:
            if _NOT_SENT.search(str(exc)):
                raise PublishNotSent(str(exc)) from exc
            raise PublishOutcomeUnknown(str(exc)) from exc
        except TelegramError as exc:
            raise PublishRejected(str(exc), message_ar=f"رفض تيليغرام المنشور: {exc}") from exc
        return Receipt(str(message.message_id), message.link)

    async def find_existing(self, draft: NewsroomDraft, item: OutboxItem) -> Receipt | None:
        """The Bot API cannot list a channel's posts: an editor has to look."""
        return None

    async def close(self) -> None:
        """The application owns the bot; nothing to close here."""

    async def _send(self, draft: NewsroomDraft, item: OutboxItem) -> Message:
        content = draft.content
        channel = self.channel_of(draft)
        # The slot was taken in prepare(): the bot's limiter must not take another, only
        # check it as the request leaves and record when the answer came.
        limit = Reserved(slot=self._slots.pop(item.id, None)) if self._flood is not None else None
        if item.kind is PostKind.CHANNEL_TEXT:
            parent = int(item.parent_external_id or 0)
            return await self._bot.send_message(
                channel,
                item.text,
                parse_mode=ParseMode.HTML,
                reply_parameters=ReplyParameters(parent, allow_sending_without_reply=True)
                if parent
                else None,
                link_preview_options=LinkPreviewOptions(is_disabled=True),
                rate_limit_args=limit,
            )
        markup = share_keyboard(content.buttons)
        card = content.card(CardSize.WIDE)
        if card is None:
            return await self._bot.send_message(
                channel,
                item.text,
                parse_mode=ParseMode.HTML,
                reply_markup=markup,
                rate_limit_args=limit,
            )
        extension = "jpg" if card.image_format == "JPEG" else "png"
        return await self._bot.send_photo(
            channel,
            InputFile(card.data, filename=f"card-{draft.id}.{extension}"),
            caption=caption_for_photo(item.text),
            parse_mode=ParseMode.HTML,
            reply_markup=markup,
            rate_limit_args=limit,
        )


def _seconds(error: RetryAfter) -> float:
    # PTB 22 warns that retry_after will become a timedelta; either way, seconds.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        value = error.retry_after
    return value.total_seconds() if isinstance(value, dt.timedelta) else float(value)
