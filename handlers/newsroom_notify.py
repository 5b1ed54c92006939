"""What the editors' group sees: a draft's message, kept up to date, and publication reports.

Implements the engine's ``PublishNotifier``. Every message goes through the application's
bot, so through its flood limiter.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from zoneinfo import ZoneInfo

from telegram import (
    Bot,
    InputFile,
    InputMediaPhoto,
    LinkPreviewOptions,
    Message,
    ReplyParameters,
)
from telegram.constants import ParseMode
from telegram.error import BadRequest, TelegramError

from bot.feeds.models import Feed
from bot.models import CardSize
from bot.newsroom.models import NewsroomDraft, OutboxItem, OutboxStatus
from bot.newsroom.timing import format_local
from db.drafts import DraftRepository
from handlers.newsroom_views import (
    main_keyboard,
    preview_caption,
    report_keyboard,
    unknown_keyboard,
)
from handlers.texts import Texts

logger = logging.getLogger(__name__)


class EditorsNotifier:
    """Posts and updates the newsroom's messages in the editors' group."""

    def __init__(
        self,
        bot: Bot,
        *,
        texts: Texts,
        drafts: DraftRepository,
        editors_chat_id: int | None,
        channel: str | None,
        zone: ZoneInfo,
        clock: Callable[[], dt.datetime],
        admins: frozenset[int] = frozenset(),
    ) -> None:
        self._admins = admins
        self._bot = bot
        self._texts = texts
        self._drafts = drafts
        self._chat = editors_chat_id
        self._channel = channel
        self._zone = zone
        self._clock = clock

    async def show(self, draft: NewsroomDraft) -> Message | None:
        """Post a draft's message in the editors' group and remember it."""
        if self._chat is None:
            logger.warning("EDITOR_CHAT_ID is not set: draft %s has nowhere to be shown", draft.id)
            return None
        card = draft.content.card(CardSize.WIDE)
        caption = preview_caption(draft, self._texts, zone=self._zone, now=self._clock())
        markup = main_keyboard(draft, self._texts)
        if card is None:
            message = await self._bot.send_message(
                self._chat, caption, parse_mode=ParseMode.HTML, reply_markup=markup
            )
        else:
            message = await self._bot.send_photo(
                self._chat,
                _photo(draft),
                caption=caption,
                parse_mode=ParseMode.HTML,
                reply_markup=markup,
            )
        await self._drafts.set_preview(draft.id, message.chat_id, message.message_id)
        return message

    async def refresh(self, draft: NewsroomDraft, *, card_changed: bool = False) -> None:
        """Bring the draft's message up to date (its card too when ``card_changed``)."""
        if draft.preview_chat_id is None or draft.preview_message_id is None:
            return  # never shown in the group (its report still goes there)
        caption = preview_caption(draft, self._texts, zone=self._zone, now=self._clock())
        markup = main_keyboard(draft, self._texts)
        try:
            if card_changed and draft.content.card(CardSize.WIDE) is not None:
                # Inside InputMedia the file must be an "attach://" part of its own.
                media = InputMediaPhoto(
                    _photo(draft, attach=True), caption=caption, parse_mode=ParseMode.HTML
                )
                await self._bot.edit_message_media(
                    media,
                    chat_id=draft.preview_chat_id,
                    message_id=draft.preview_message_id,
                    reply_markup=markup,
                )
            else:
                await self._bot.edit_message_caption(
                    chat_id=draft.preview_chat_id,
                    message_id=draft.preview_message_id,
                    caption=caption,
                    parse_mode=ParseMode.HTML,
                    reply_markup=markup,
                )
        except BadRequest as error:
            if "not modified" in error.message.lower():
                return
            logger.warning("could not update draft %s's message: %s", draft.id, error.message)

    async def publication_settled(self, draft: NewsroomDraft, items: list[OutboxItem]) -> None:
        """The draft's message shows the outcome; a report with links follows it."""
        await self.refresh(draft)
        if self._chat is None:
            await self._drafts.mark_reported(draft.id, at=self._clock())
            return

        def name(item: OutboxItem) -> str:
            return self._texts.entry("targets", item.kind.target.value)

        ok = [
            (name(item), item.external_url)
            for item in items
            if item.status is OutboxStatus.SENT and item.kind.parent is None
        ]
        failed = [
            (name(item), item.error or "") for item in items if item.status is OutboxStatus.FAILED
        ]
        cost = sum(item.cost_micros for item in items if item.status is OutboxStatus.SENT)
        text = self._texts.html(
            "report",
            draft_id=draft.id,
            ok=ok,
            failed=failed,
            cost=f"${cost / 1_000_000:.3f}" if cost else "",
        )
        await self._bot.send_message(
            self._chat,
            text,
            parse_mode=ParseMode.HTML,
            reply_parameters=self._reply_to(draft),
            reply_markup=report_keyboard(draft, self._texts, failed=bool(failed), items=items),
            link_preview_options=LinkPreviewOptions(is_disabled=True),
        )
        # Only now: a report lost to a crash is sent after the restart.
        await self._drafts.mark_reported(draft.id, at=self._clock())

    async def outcome_unknown(self, draft: NewsroomDraft, item: OutboxItem) -> None:
        if self._chat is None:
            return
        text = self._texts.html(
            "unknown", draft_id=draft.id, reason=item.error or "", channel=self._channel or ""
        )
        try:
            await self._bot.send_message(
                self._chat,
                text,
                parse_mode=ParseMode.HTML,
                reply_parameters=self._reply_to(draft),
                reply_markup=unknown_keyboard(item.id, self._texts),
            )
        except TelegramError as error:
            logger.error("could not ask the editors about draft %s: %s", draft.id, error)

    # ------------------------------------------------------------------ feeds and queue

    async def feed_failing(self, feed: Feed, failures: int, error: str) -> None:
        text = self._texts.html(
            "feed_failing",
            id=feed.id,
            feed_name=feed.name,
            url=feed.url,
            failures=failures,
            reason=error,
        )
        await self._to_admins(text)

    async def feed_recovered(self, feed: Feed) -> None:
        await self._to_admins(self._texts.html("feed_recovered", id=feed.id, feed_name=feed.name))

    async def reslotted(self, draft: NewsroomDraft, at: dt.datetime | None) -> None:
        """A scheduled draft missed its time while the bot was down and was moved."""
        if self._chat is None:
            return
        now = self._clock()
        was = draft.scheduled_at
        text = self._texts.html(
            "reslotted",
            id=draft.id,
            was=format_local(was, self._zone, now=now) if was else "",
            now=format_local(at, self._zone, now=now) if at else "",
        )
        await self._bot.send_message(
            self._chat, text, parse_mode=ParseMode.HTML, reply_parameters=self._reply_to(draft)
        )
        await self.refresh(draft)

    async def _to_admins(self, text: str) -> None:
        """A note for the admins: to each in private, or to the editors' group when the bot
        cannot write to them (they never opened a chat with it)."""
        delivered = False
        for admin in sorted(self._admins):
            try:
                await self._bot.send_message(admin, text, parse_mode=ParseMode.HTML)
                delivered = True
            except TelegramError as error:
                logger.info("could not write to admin %s: %s", admin, error)
        if not delivered and self._chat is not None:
            await self._bot.send_message(self._chat, text, parse_mode=ParseMode.HTML)

    def _reply_to(self, draft: NewsroomDraft) -> ReplyParameters | None:
        if draft.preview_message_id is None or draft.preview_chat_id != self._chat:
            return None
        return ReplyParameters(draft.preview_message_id, allow_sending_without_reply=True)


def _photo(draft: NewsroomDraft, *, attach: bool = False) -> InputFile:
    card = draft.content.card(CardSize.WIDE)
    assert card is not None
    extension = "jpg" if card.image_format == "JPEG" else "png"
    return InputFile(card.data, filename=f"draft-{draft.id}.{extension}", attach=attach)
