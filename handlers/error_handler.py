"""The one error handler: every failure becomes a short Arabic explanation where it happened.

A chat message gets a reply, a button press an alert, an inline query a single result that
explains. User errors (bad link, private address, page too large, rate limit …) are logged
briefly; anything unexpected is logged with its traceback.
"""

from __future__ import annotations

import logging

from telegram import InlineQueryResultArticle, InputTextMessageContent, Update
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from bot.errors import NashirError
from handlers.errors import RateLimitedError, as_user_error, next_step
from handlers.services import BotServices, get_services

logger = logging.getLogger(__name__)

ERROR_RESULT_ID = "error"
ALERT_LIMIT = 200  # characters Telegram shows in a callback query's alert


def error_html(error: NashirError, services: BotServices) -> str:
    """The chat message for ``error``, with what to do next (the rate limit has its own,
    with the wait)."""
    if isinstance(error, RateLimitedError):
        return services.texts.html("rate_limited", limit=error.limit, seconds=error.retry_after)
    step = next_step(error)
    return services.texts.html(
        "error",
        message_ar=error.message_ar,
        message_en=error.message_en,
        next_step=services.texts.label("next_steps", step) if step else "",
        next_step_en=services.texts.label("next_steps_en", step) if step else "",
    )


def error_plain(error: NashirError, services: BotServices) -> str:
    """The same explanation as plain text, for alerts and inline descriptions (≤ 200
    characters: the advice is left out when both do not fit)."""
    step = next_step(error)
    advice = services.texts.label("next_steps", step) if step else ""
    text = services.texts.label("error_toast", error.message_ar, advice)
    if len(text) > ALERT_LIMIT:
        text = services.texts.label("error_toast", error.message_ar, "")
    return text[:ALERT_LIMIT]


def is_silenced(error: NashirError) -> bool:
    """A repeated rate-limit refusal within one window: the user was told already."""
    return isinstance(error, RateLimitedError) and not error.notify


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """PTB's error callback for the whole application."""
    error = context.error
    user_error = as_user_error(error)
    if isinstance(error, NashirError):
        logger.info("update failed: %s: %s", type(error).__name__, error.one_line())
    elif isinstance(error, TelegramError):
        logger.warning("Telegram error: %s: %s", type(error).__name__, error)
    else:
        logger.error("unexpected error while handling an update", exc_info=error)
    if not isinstance(update, Update):
        return  # a polling or webhook failure: nobody to answer
    services = get_services(context)
    try:
        await _tell(update, user_error, services)
    except TelegramError as failure:
        logger.warning("could not report the error to the user: %s", failure)


async def _tell(update: Update, error: NashirError, services: BotServices) -> None:
    query = update.callback_query
    if query is not None:
        try:
            await query.answer(error_plain(error, services), show_alert=True)
            return
        except TelegramError:
            pass  # already answered before the failure: say it in the chat instead
        if query.message is not None:
            await query.get_bot().send_message(
                query.message.chat.id, error_html(error, services), parse_mode=ParseMode.HTML
            )
    elif update.inline_query is not None:
        result = InlineQueryResultArticle(
            id=ERROR_RESULT_ID,
            title=services.texts.label("inline_error_title"),
            description=error_plain(error, services),
            input_message_content=InputTextMessageContent(
                error_html(error, services), parse_mode=ParseMode.HTML
            ),
        )
        await update.inline_query.answer([result], cache_time=0, is_personal=True)
    elif update.effective_message is not None and not is_silenced(error):
        await update.effective_message.reply_text(
            error_html(error, services), parse_mode=ParseMode.HTML
        )
