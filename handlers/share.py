"""Chat handlers: /start, /help, /share URL, a message with a link (also a forwarded channel
post), and a long pasted text without one.

Each handler parses the update, calls the share desk once and sends the answer; errors go to
the one error handler. The user sees «جارٍ التحضير…» and a chat action at once, then the card.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

from telegram import Bot, Update
from telegram.constants import ChatAction, ChatType, ParseMode
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from db.inbox import InboxProgress
from db.shares import SavedShare
from handlers.desk import text_key, url_key
from handlers.errors import BusyError, ExpiredShareError
from handlers.keyboards import ButtonAction
from handlers.links import first_url, links_in_message, message_text
from handlers.progress import current_handling
from handlers.replies import NO_PREVIEW, deliver, send_share
from handlers.retry import Priority, RetryAfterLimiter
from handlers.services import BotServices, get_services
from handlers.submit import Offer, submission_offer

logger = logging.getLogger(__name__)

HELP_START_PARAMETER = "help"  # t.me/<bot>?start=help, used by inline mode's help button


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/start, the ``help`` deep link from inline mode, and the links that bring a group
    member here for a text or a card they asked for under someone else's card."""
    parameter = context.args[0] if context.args else None
    if parameter == HELP_START_PARAMETER:
        await help_command(update, context)
        return
    services = get_services(context)
    action = ButtonAction.from_start_parameter(parameter)
    message = update.effective_message
    # Only in the private chat such a link opens: a group never gets the text this way.
    if action is not None and message is not None and message.chat.type == ChatType.PRIVATE:
        saved = await services.desk.get(action.share_id)
        if saved is None:
            raise ExpiredShareError(parameter or "")
        await deliver(context.bot, message.chat_id, action, saved, services)
        return
    text = services.texts.html(
        "start", site_name=services.settings.site_name, bot_username=context.bot.username
    )
    await _reply(update, text)


async def help_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/help."""
    services = get_services(context)
    text = services.texts.html(
        "help",
        bot_username=context.bot.username,
        rate_limit=services.settings.rate_limit_per_minute,
    )
    await _reply(update, text)


async def share_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/share URL (the link may also be a hidden text link in the command message)."""
    message = update.effective_message
    if message is None:
        return
    links = links_in_message(message)
    url = links[0] if links else first_url(" ".join(context.args or []))
    if url is None:
        await _reply(update, get_services(context).texts.html("share_usage"))
        return
    services = get_services(context)
    await _share_url(
        update, services, context.bot, url, offer=await submission_offer(update, context)
    )


async def on_message(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A private message (or a group message that mentions the bot)."""
    message = update.effective_message
    if message is None:
        return
    services = get_services(context)
    links = links_in_message(message)
    offer = await submission_offer(update, context)
    if links:
        await _share_url(update, services, context.bot, links[0], offer=offer)
        return
    text = message_text(message)
    if message.chat.type == ChatType.PRIVATE and len(text) >= services.options.min_article_chars:
        await _share(
            update,
            services,
            context.bot,
            lambda: services.desk.share_text(text),
            key=f"text:{text_key(text)}",
            known=services.desk.knows_text(text),
            stored=lambda: services.desk.cached_text(text),
            offer=offer,
        )
        return
    await _reply(update, services.texts.html("no_link"))


async def _share_url(
    update: Update, services: BotServices, bot: Bot, url: str, *, offer: Offer | None = None
) -> None:
    await _share(
        update,
        services,
        bot,
        lambda: services.desk.share_url(url),
        ready=lambda: services.desk.remembered_url(url),
        key=url_key(url),
        known=services.desk.knows_url(url),
        stored=lambda: services.desk.cached_url(url),
        offer=offer,
    )


async def _share(
    update: Update,
    services: BotServices,
    bot: Bot,
    produce: Callable[[], Awaitable[SavedShare]],
    *,
    ready: Callable[[], SavedShare | None] | None = None,
    key: str | None = None,
    known: bool = False,
    stored: Callable[[], Awaitable[SavedShare | None]] | None = None,
    offer: Offer | None = None,
) -> None:
    """Answer with the card at once when ``ready`` has it in memory; otherwise acknowledge
    first, then wait for ``produce`` (cache lookups and the pipeline) and send the card.

    Only new work counts against the user's rate limit: not an article ``known`` to the desk
    (in memory or being prepared), nor one that ``produce`` finds stored, nor the same
    article (``key``) asked for twice. A user already at the limit still gets an article the
    database has (``stored``). ``offer`` adds buttons for this user (an editor's
    «📨 أرسلها للتحرير»).
    """
    message = update.effective_message
    user = update.effective_user
    if message is None:
        return
    handling = current_handling()
    earlier = await handling.earlier() if handling is not None else InboxProgress()
    if earlier.answered and handling is not None:
        # A worker that died after sending the card: the user has it already.
        logger.info("update %s was answered before its worker stopped", handling.update_id)
        if earlier.placeholder_id is not None:
            await _retire(bot, message.chat_id, earlier.placeholder_id)
        return
    user_id = user.id if user else message.chat_id
    quote = message.chat.type != ChatType.PRIVATE
    reply_to = message.message_id if quote else None
    # Nothing but memory before the ack: a database lookup here would queue every chat of a
    # burst behind aiosqlite's single thread before it is told anything (measured: +0.5 s).
    # Only a user the limit would refuse is worth that lookup, and bursts are not made of them.
    cached = ready() if ready is not None else None
    if (
        cached is None
        and not known
        and stored is not None
        and not await services.limiter.allows(user_id)
    ):
        cached = await stored()
    counted = cached is None and not known
    if counted:
        await services.limiter.hit(user_id, key)
    if cached is not None:
        # Already shared: the card itself is the instant answer, no placeholder needed.
        await send_share(bot, message.chat_id, cached, services, reply_to=reply_to, offer=offer)
        if handling is not None:
            await handling.answered()
        return
    ack = earlier.placeholder_id
    if ack is None:
        ack = await _placeholder(
            bot,
            message.chat_id,
            services.texts.html("preparing"),
            reply_to=message.message_id if quote else None,
        )
        if handling is not None:
            await handling.placeholder_sent(ack)
    action: asyncio.Task[None] | None = None
    try:
        await _after_first_answers(bot, services)
        action = asyncio.create_task(
            _keep_chat_action(bot, message.chat_id, services.options.chat_action_every)
        )
        started = services.desk.now()
        try:
            saved = await produce()
        except BusyError:
            if counted:
                await services.limiter.refund(user_id, key)  # nothing was done for this request
            raise
        if counted and saved.created_at < started:
            await services.limiter.refund(user_id, key)  # prepared before: it came from the cache
        action.cancel()
        await send_share(bot, message.chat_id, saved, services, reply_to=reply_to, offer=offer)
        if handling is not None:
            await handling.answered()
    finally:
        if action is not None:
            action.cancel()
        await _retire(bot, message.chat_id, ack)


async def _after_first_answers(bot: Bot, services: BotServices) -> None:
    """In a burst, let every chat's «جارٍ التحضير…» go out before this chat's next steps."""
    limiter = getattr(bot, "rate_limiter", None)
    if isinstance(limiter, RetryAfterLimiter):
        await limiter.settled(Priority.URGENT, at_most=services.options.burst_yield)


async def _keep_chat_action(bot: Bot, chat_id: int, every: float) -> None:
    """«sending a photo…» in the chat header for as long as the card is being prepared."""
    while True:
        try:
            await bot.send_chat_action(chat_id, ChatAction.UPLOAD_PHOTO)
        except TelegramError as error:
            logger.debug("chat action failed: %s", error)
            return
        await asyncio.sleep(every)


async def _placeholder(bot: Bot, chat_id: int, text: str, *, reply_to: int | None) -> int:
    """Send «جارٍ التحضير…»; return its message id (all that is needed to remove it).

    Through ``do_api_request`` rather than ``send_message``: parsing Telegram's answer into
    a ``Message`` is about a third of the call's CPU, and in a burst every chat's
    acknowledgement waits for the ones before it. The request on the wire is the same.
    """
    fields: dict[str, object] = {"chat_id": chat_id, "text": text, "parse_mode": ParseMode.HTML}
    if reply_to is not None:
        fields["reply_parameters"] = {"message_id": reply_to, "allow_sending_without_reply": True}
    answer = await bot.do_api_request(  # type: ignore[call-arg]
        "sendMessage", api_kwargs=fields, rate_limit_args=Priority.URGENT
    )
    return int(answer["message_id"])


async def _retire(bot: Bot, chat_id: int, message_id: int) -> None:
    """Remove «جارٍ التحضير…» once the answer (or the error) is there."""
    with contextlib.suppress(TelegramError):
        await bot.delete_message(chat_id, message_id)


async def _reply(update: Update, text: str) -> None:
    message = update.effective_message
    if message is not None:
        await message.reply_text(text, parse_mode=ParseMode.HTML, link_preview_options=NO_PREVIEW)
