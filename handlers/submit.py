"""Articles into the newsroom: ``/submit URL``, a link posted in the editors' group, or
«📨 أرسلها للتحرير» under a share reply an editor received in private.

Journalists (anyone in the editors' group) may submit; elsewhere only editors. The article
goes through the same share pipeline and cache as a reader's link, then becomes a draft
shown in the editors' group.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable

from telegram import CallbackQuery, InlineKeyboardButton, Message, Update
from telegram.constants import ChatType, ParseMode
from telegram.error import TelegramError
from telegram.ext import ApplicationHandlerStop, ContextTypes

from bot.models import Article
from bot.newsroom.models import NewsroomDraft, Person
from handlers.desk import ShareDesk
from handlers.links import first_url, links_in_message
from handlers.newsroom_keys import NewsroomButton, Verb
from handlers.newsroom_notify import EditorsNotifier
from handlers.newsroom_services import NewsroomServices, get_newsroom, person
from handlers.newsroom_views import message_link
from handlers.services import get_services

logger = logging.getLogger(__name__)


Offer = Callable[[str], list[InlineKeyboardButton]]


async def submission_offer(update: Update, context: ContextTypes.DEFAULT_TYPE) -> Offer | None:
    """For an editor in a private chat: «📨 أرسلها للتحرير» under the share reply."""
    newsroom = get_newsroom(context)
    user = update.effective_user
    chat = update.effective_chat
    if newsroom is None or user is None or chat is None or chat.type != ChatType.PRIVATE:
        return None
    if newsroom.editors_chat_id is None or not await newsroom.roles.is_editor(user.id):
        return None
    label = newsroom.texts.label("submit_share")

    def buttons(share_id: str) -> list[InlineKeyboardButton]:
        data = NewsroomButton(Verb.SUBMIT_SHARE, 0, 0, share_id).encode()
        return [InlineKeyboardButton(label, callback_data=data)]

    return buttons


async def submit_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/submit URL."""
    message = update.effective_message
    newsroom = get_newsroom(context)
    if message is None or newsroom is None or update.effective_user is None:
        return
    links = links_in_message(message)
    url = links[0] if links else first_url(" ".join(context.args or []))
    if url is None:
        await message.reply_text(newsroom.texts.html("submit_usage"), parse_mode=ParseMode.HTML)
        return
    await _submit_url(message, url, person(update.effective_user), context, newsroom)


async def on_editors_group_link(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A message with a link in the editors' group: it becomes a draft."""
    message = update.effective_message
    newsroom = get_newsroom(context)
    if message is None or newsroom is None or update.effective_user is None:
        return
    if newsroom.editors_chat_id is None or message.chat_id != newsroom.editors_chat_id:
        return
    links = links_in_message(message)
    if not links:
        return
    await newsroom.people.seen(person(update.effective_user), at=newsroom.clock())
    await _submit_url(message, links[0], person(update.effective_user), context, newsroom)
    raise ApplicationHandlerStop  # handled: no share reply in the editors' group


async def submit_saved_share(
    query: CallbackQuery, share_id: str, who: Person, newsroom: NewsroomServices, desk: ShareDesk
) -> None:
    """«📨 أرسلها للتحرير» under a share reply (editors only)."""
    if not await newsroom.roles.is_editor(who.id):
        await query.answer(newsroom.texts.label("unauthorized"), show_alert=True)
        return
    saved = await desk.get(share_id)
    if saved is None:
        await query.answer(newsroom.texts.label("not_found"), show_alert=True)
        return
    await query.answer(newsroom.texts.label("submitted_toast"))
    draft, existing = await _make_draft(saved.result.article, who, "forward", newsroom)
    if query.message is not None:
        await _tell_submitter(query.get_bot(), query.message.chat.id, draft, existing, newsroom)


async def _submit_url(
    message: Message,
    url: str,
    who: Person,
    context: ContextTypes.DEFAULT_TYPE,
    newsroom: NewsroomServices,
) -> None:
    is_editor = await newsroom.roles.is_editor(who.id)
    if not newsroom.roles.may_submit(chat_id=message.chat_id, is_editor=is_editor):
        await message.reply_text(newsroom.texts.label("submit_not_allowed"))
        return
    ack = await message.reply_text(newsroom.texts.html("preparing"), parse_mode=ParseMode.HTML)
    try:
        saved = await get_services(context).desk.share_url(url)
        origin = "link" if message.chat_id == newsroom.editors_chat_id else "submit"
        draft, existing = await _make_draft(saved.result.article, who, origin, newsroom)
    finally:
        with contextlib.suppress(TelegramError):
            await ack.delete()
    if message.chat_id != newsroom.editors_chat_id or existing:
        await _tell_submitter(context.bot, message.chat_id, draft, existing, newsroom)


async def _make_draft(
    article: Article, who: Person, origin: str, newsroom: NewsroomServices
) -> tuple[NewsroomDraft, bool]:
    """The draft for ``article`` and whether it already existed (then it is not shown again)."""
    draft = await newsroom.newsroom.submit(article, by=who, origin=origin)
    existing = draft.created_by.id != who.id or draft.preview_message_id is not None
    if draft.preview_message_id is None:
        notifier = newsroom.notifier
        assert isinstance(notifier, EditorsNotifier)
        await notifier.show(draft)
        draft = await newsroom.drafts.get(draft.id) or draft
        existing = False
    return draft, existing


async def _tell_submitter(
    bot: object, chat_id: int, draft: NewsroomDraft, existing: bool, newsroom: NewsroomServices
) -> None:
    text = newsroom.texts.html(
        "submitted",
        draft_id=draft.id,
        existing=existing,
        link=message_link(draft.preview_chat_id, draft.preview_message_id) or "",
    )
    await bot.send_message(chat_id, text, parse_mode=ParseMode.HTML)  # type: ignore[attr-defined]
