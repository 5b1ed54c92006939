"""Inline mode: ``@bot <url>`` in any chat offers one ready text per platform.

A URL already shared answers from the cache. A new one is given ``inline_budget`` seconds;
if the article is not ready by then the answer is a single «جارٍ التحضير» result (not cached
by Telegram), the work goes on, and the user's next keystroke finds it ready — so an answer
always leaves well within Telegram's time limit.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from telegram import (
    InlineQueryResult,
    InlineQueryResultArticle,
    InlineQueryResultCachedPhoto,
    InlineQueryResultsButton,
    InputTextMessageContent,
    Update,
)
from telegram.constants import InlineQueryLimit, ParseMode
from telegram.ext import ContextTypes

from bot.models import CardSize, Platform
from bot.platforms import PLATFORMS
from bot.platforms.counting import telegram_html_length
from bot.platforms.links import plain_text
from db.shares import SavedShare
from handlers.desk import url_key
from handlers.errors import BusyError
from handlers.links import first_url
from handlers.replies import CAPTION_LIMIT, NO_PREVIEW, TEXT_LIMIT, draft_messages
from handlers.services import BotServices, get_services
from handlers.share import HELP_START_PARAMETER

DESCRIPTION_CHARS = 120
PENDING_RESULT_ID = "pending"
# WhatsApp's *bold*: a star on each side of text that neither starts nor ends with a space.
_WHATSAPP_BOLD = re.compile(r"(?<![\w*])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![\w*])")


def whatsapp_as_telegram(html: str) -> str:
    """WhatsApp's ``*bold*`` in an escaped text as Telegram's ``<b>``: an inline result is
    posted in Telegram, where the stars would show as they are."""
    return _WHATSAPP_BOLD.sub(r"<b>\1</b>", html)


def whatsapp_plain(text: str) -> str:
    return _WHATSAPP_BOLD.sub(r"\1", text)


# Platforms whose drafts use their own markup, and how it reads in a Telegram message
# (escaped HTML in, Telegram HTML out) and in a one-line description (plain text).
_AS_TELEGRAM: dict[Platform, tuple[Callable[[str], str], Callable[[str], str]]] = {
    Platform.WHATSAPP: (whatsapp_as_telegram, whatsapp_plain),
}
_AS_IS = (str, str)


async def on_inline(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """An inline query: results per platform, a placeholder, or a pointer to help."""
    query = update.inline_query
    if query is None:
        return
    services = get_services(context)
    url = first_url(query.query)
    if url is None:
        await query.answer([], button=help_button(services), cache_time=0, is_personal=True)
        return
    saved = await services.desk.cached_url(url)
    if saved is None:
        # Only new work counts against the limit: retyping a cached link, or one still
        # being prepared (the next keystroke while «جارٍ التحضير» shows), is free.
        counted = not services.desk.knows_url(url)
        if counted:
            await services.limiter.hit(query.from_user.id, url_key(url))
        try:
            saved = await services.desk.share_url_within(url, services.options.inline_budget)
        except BusyError:
            if counted:
                await services.limiter.refund(query.from_user.id, url_key(url))
            raise
    if saved is None:
        await query.answer([pending_result(url, services)], cache_time=0, is_personal=True)
        return
    await query.answer(
        inline_results(saved, services)[: InlineQueryLimit.RESULTS],
        cache_time=services.options.inline_cache_time,
    )


def help_button(services: BotServices) -> InlineQueryResultsButton:
    return InlineQueryResultsButton(
        text=services.texts.label("inline_help"), start_parameter=HELP_START_PARAMETER
    )


def pending_result(url: str, services: BotServices) -> InlineQueryResultArticle:
    return InlineQueryResultArticle(
        id=PENDING_RESULT_ID,
        title=services.texts.label("inline_pending_title"),
        description=services.texts.label("inline_pending_description"),
        input_message_content=InputTextMessageContent(
            services.texts.html("inline_pending", url=url),
            parse_mode=ParseMode.HTML,
            link_preview_options=NO_PREVIEW,
        ),
    )


def inline_results(saved: SavedShare, services: BotServices) -> list[InlineQueryResult]:
    """One result per platform draft: the card with the text as caption when Telegram
    already has the card (its file id is cached), the text alone otherwise."""
    texts = services.texts
    results: list[InlineQueryResult] = []
    for draft in saved.result.drafts:
        spec = PLATFORMS[draft.platform]
        messages = draft_messages(draft, services)
        if len(messages) != 1 or telegram_html_length(messages[0]) > TEXT_LIMIT:
            continue  # an inline result is one message; such a draft is shown in chat only
        as_html, as_plain = _AS_TELEGRAM.get(draft.platform, _AS_IS)
        text = as_html(messages[0])
        result_id = f"{saved.id}:{draft.platform.value}"
        description = as_plain(plain_text(draft.text, is_html=spec.html))[:DESCRIPTION_CHARS]
        file_id = _card_file_id(saved, spec.card_size)
        if file_id and telegram_html_length(text) <= CAPTION_LIMIT:
            results.append(
                InlineQueryResultCachedPhoto(
                    id=result_id,
                    photo_file_id=file_id,
                    title=texts.label("inline_photo_title", spec.name_ar),
                    description=description,
                    caption=text,
                    parse_mode=ParseMode.HTML,
                )
            )
        else:
            results.append(
                InlineQueryResultArticle(
                    id=result_id,
                    title=texts.label("inline_title", spec.name_ar),
                    description=description,
                    input_message_content=InputTextMessageContent(text, parse_mode=ParseMode.HTML),
                )
            )
    return results


def _card_file_id(saved: SavedShare, size: CardSize | None) -> str | None:
    if size is None:
        return None  # a text-only platform (WhatsApp)
    return saved.file_ids.get(size) or saved.file_ids.get(CardSize.WIDE)
