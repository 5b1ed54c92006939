"""Sending a share to a chat: the card with its caption and keyboard, texts, other sizes.

Cards are always uploaded as bytes the first time; Telegram's ``file_id`` is kept afterwards
and reused (with a fallback to the bytes should the server not know it any more). Texts are
measured in UTF-16 units after entity parsing, the way Telegram counts them.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable

from telegram import (
    Bot,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputFile,
    LinkPreviewOptions,
    Message,
    ReplyParameters,
)
from telegram.constants import MessageLimit, ParseMode
from telegram.error import BadRequest

from bot.models import Card, CardSize, Draft, Platform
from bot.platforms import PLATFORMS
from bot.platforms.counting import telegram_html_length, utf16_units
from bot.platforms.links import plain_text
from db.shares import SavedShare
from handlers.keyboards import (
    ButtonAction,
    ButtonKind,
    Menu,
    intent_carries_text,
    intent_keyboard,
    share_keyboard,
)
from handlers.services import BotServices
from handlers.texts import Texts

logger = logging.getLogger(__name__)

CAPTION_LIMIT = int(MessageLimit.CAPTION_LENGTH)  # 1024
TEXT_LIMIT = int(MessageLimit.MAX_TEXT_LENGTH)  # 4096
NO_PREVIEW = LinkPreviewOptions(is_disabled=True)
PRIMARY_SIZE: CardSize = PLATFORMS[Platform.TELEGRAM].card_size or CardSize.WIDE
OFFERED_SIZES: tuple[CardSize, ...] = tuple(CardSize)
TITLE_LIMIT = 300  # leaves room in a 1024-unit caption for the label around the title
_BREAKS = ("\n\n", "\n", " ")


def split_text(text: str, limit: int = TEXT_LIMIT) -> list[str]:
    """Cut plain text into pieces of at most ``limit`` UTF-16 units, at the latest paragraph,
    line or word break that fits (mid-word only when a single word is longer than a piece)."""
    pieces: list[str] = []
    rest = text.strip()
    while utf16_units(rest) > limit:
        head = _prefix_within(rest, limit)
        # The strongest break that keeps the piece reasonably full, else the latest break.
        cut = next(
            (c for mark in _BREAKS if (c := head.rfind(mark)) >= len(head) // 3),
            max(head.rfind(mark) for mark in _BREAKS),
        )
        if cut <= 0:
            cut = len(head)
        pieces.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest:
        pieces.append(rest)
    return pieces


def _prefix_within(text: str, limit: int) -> str:
    units = 0
    for index, char in enumerate(text):
        units += 2 if ord(char) > 0xFFFF else 1
        if units > limit:
            return text[:index]
    return text


def draft_messages(draft: Draft, services: BotServices) -> list[str]:
    """A draft as one or more Telegram HTML messages, each within 4096 units."""
    spec = PLATFORMS[draft.platform]
    texts = services.texts
    if spec.html and telegram_html_length(draft.text) <= TEXT_LIMIT:
        return [texts.html("platform_text", text=texts.trusted(draft.text))]
    shown = plain_text(draft.text, is_html=spec.html)
    return [texts.html("platform_text", text=piece) for piece in split_text(shown)]


def short_title(saved: SavedShare) -> str:
    """The headline, cut at a word if absurdly long, so any caption built on it fits."""
    return split_text(saved.result.article.title, TITLE_LIMIT)[0]


def caption_and_follow_up(saved: SavedShare, services: BotServices) -> tuple[str, list[str]]:
    """The card's caption: the Telegram draft when it fits 1024 units; otherwise the title,
    and the draft follows in its own message(s)."""
    draft = saved.result.draft(Platform.TELEGRAM)
    if telegram_html_length(draft.text) <= CAPTION_LIMIT:
        return draft.text, []
    caption = services.texts.html("long_caption", title=short_title(saved))
    return caption, draft_messages(draft, services)


def keyboard_for(
    saved: SavedShare, services: BotServices, menu: Menu = Menu.MAIN
) -> InlineKeyboardMarkup:
    return _keyboard(saved.id, saved.result.drafts, services.texts, menu)


# A keyboard depends only on the share: when one article is ready for hundreds of waiting
# chats at once, building it once keeps that moment from stalling the event loop.
@functools.lru_cache(maxsize=256)
def _keyboard(
    share_id: str, drafts: tuple[Draft, ...], texts: Texts, menu: Menu
) -> InlineKeyboardMarkup:
    return share_keyboard(
        share_id,
        drafts,
        card_sizes=[size for size in OFFERED_SIZES if size is not PRIMARY_SIZE],
        texts=texts,
        menu=menu,
    )


async def send_share(
    bot: Bot,
    chat_id: int,
    saved: SavedShare,
    services: BotServices,
    *,
    reply_to: int | None,
    offer: Callable[[str], list[InlineKeyboardButton]] | None = None,
) -> Message:
    """The share reply: card + Telegram draft as caption + footer keyboard (+ long text).

    ``offer`` gives a last row of buttons for this reader only (it gets the share's id).
    """
    caption, follow_up = caption_and_follow_up(saved, services)
    keyboard = keyboard_for(saved, services)
    if offer is not None and (extra := offer(saved.id)):
        keyboard = InlineKeyboardMarkup([*keyboard.inline_keyboard, extra])
    reply = ReplyParameters(reply_to, allow_sending_without_reply=True) if reply_to else None
    card = saved.card(PRIMARY_SIZE) or next(iter(saved.result.cards), None)
    if card is None:
        # No card could be rendered: the text still carries the keyboard.
        sent = await bot.send_message(
            chat_id,
            caption,
            parse_mode=ParseMode.HTML,
            reply_markup=keyboard,
            reply_parameters=reply,
        )
    else:
        sent = await send_card_photo(
            bot, chat_id, saved, card, services, caption=caption, keyboard=keyboard, reply=reply
        )
    for text in follow_up:
        await bot.send_message(chat_id, text, parse_mode=ParseMode.HTML)
    return sent


async def send_card_photo(
    bot: Bot,
    chat_id: int,
    saved: SavedShare,
    card: Card,
    services: BotServices,
    *,
    caption: str,
    keyboard: InlineKeyboardMarkup | None = None,
    reply: ReplyParameters | None = None,
) -> Message:
    """Send one card: by Telegram file id when known, else (or if that fails) as bytes."""

    async def send(photo: str | InputFile) -> Message:
        return await bot.send_photo(
            chat_id,
            photo,
            caption=caption,
            parse_mode=ParseMode.HTML,
            reply_markup=keyboard,
            reply_parameters=reply,
        )

    async def upload() -> tuple[Message, str | None]:
        sent = await send(InputFile(card.data, filename=card.filename, attach=True))
        return sent, sent.photo[-1].file_id if sent.photo else None

    file_id = await services.desk.file_id_or_upload_turn(saved, card.size)
    if file_id:
        try:
            return await send(file_id)
        except BadRequest as error:  # the server no longer knows the file: upload again
            logger.info("file id of %s/%s refused (%s): uploading", saved.id, card.size, error)
            sent, uploaded = await upload()
    else:
        uploaded = None
        try:
            sent, uploaded = await upload()
        finally:
            # The chats waiting for this upload go on at once; storing the id can follow.
            services.desk.upload_finished(saved, card.size, uploaded)
    if uploaded:
        await services.desk.remember_file_id(saved.id, card.size, uploaded)
    return sent


async def send_other_card(
    bot: Bot, chat_id: int, saved: SavedShare, size: CardSize, services: BotServices
) -> Message:
    """The card in another size, rendered on first request."""
    saved, card = await services.desk.card(saved, size)
    width, height = size.dimensions
    caption = services.texts.html(
        "card_caption",
        label=services.texts.label("card_label", size.value),
        width=width,
        height=height,
        title=short_title(saved),
    )
    return await send_card_photo(bot, chat_id, saved, card, services, caption=caption)


async def send_draft(bot: Bot, chat_id: int, draft: Draft, services: BotServices) -> None:
    """A platform's ready text, alone in its message(s) so it copies cleanly, with the
    platform's share page under the last one."""
    messages = draft_messages(draft, services)
    keyboard = intent_keyboard(draft, services.texts)
    for index, text in enumerate(messages):
        await bot.send_message(
            chat_id,
            text,
            parse_mode=ParseMode.HTML,
            link_preview_options=NO_PREVIEW,
            reply_markup=keyboard if index == len(messages) - 1 else None,
        )


def text_toast(draft: Draft, services: BotServices, *, privately: bool = False) -> str:
    """The pop-up over a «📋» press: the text's length in the platform's own unit, and where
    to find it (with how to paste it when the share page cannot carry it)."""
    spec = PLATFORMS[draft.platform]
    if privately:
        name = "text_private_toast"
    elif draft.share_url and not intent_carries_text(draft):
        name = "paste_toast"
    else:
        name = "text_toast"
    return services.texts.label(name, spec.name_ar, draft.length, draft.limit, spec.unit.value)


async def deliver(
    bot: Bot, chat_id: int, action: ButtonAction, saved: SavedShare, services: BotServices
) -> None:
    """What a «📋» or «🖼️» button (or its private t.me link) asks for, sent to ``chat_id``."""
    if action.kind is ButtonKind.TEXT:
        await send_draft(bot, chat_id, saved.result.draft(action.platform), services)
    elif action.kind is ButtonKind.CARD:
        await send_other_card(bot, chat_id, saved, action.card_size, services)
    else:
        raise ValueError(f"{action.kind} is not something to deliver")
