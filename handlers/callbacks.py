"""Buttons under a shared card: the keyboard's pages, a platform's ready text, another size.

Buttons carry ``kind:share_id[:value]``; the share comes back from the cache by id, so
buttons keep working after a restart for as long as the database keeps the share.

In a group, what a button sends goes to the chat only when the member who asked for the
card presses it; anyone else gets it in a private chat with the bot (or, when the bot may
not write to them yet, a t.me link that opens that chat and asks for it there), so a group
is not filled with posts nobody there asked for.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from telegram import Bot, CallbackQuery, Update
from telegram.constants import ChatAction, ChatType
from telegram.error import BadRequest, Forbidden
from telegram.ext import ContextTypes

from db.shares import SavedShare
from handlers.errors import ExpiredShareError
from handlers.keyboards import ButtonAction, ButtonKind
from handlers.replies import deliver, keyboard_for, text_toast
from handlers.retry import Priority
from handlers.services import BotServices, get_services

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Press:
    """One press of one of this bot's buttons, with what it refers to."""

    query: CallbackQuery
    action: ButtonAction
    saved: SavedShare
    services: BotServices

    @property
    def bot(self) -> Bot:
        return self.query.get_bot()

    @property
    def by_asker(self) -> bool:
        """Whether the presser asked for this card: always in a private chat; in a group,
        the member whose message the card answers."""
        message = self.query.message
        if message is None or message.chat.type == ChatType.PRIVATE:
            return True
        original = getattr(message, "reply_to_message", None)
        asker = original.from_user if original is not None else None
        return asker is not None and asker.id == self.query.from_user.id


Action = Callable[[Press], Awaitable[None]]


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Any press of one of this bot's inline buttons."""
    query = update.callback_query
    if query is None:
        return
    services = get_services(context)
    action = ButtonAction.decode(query.data)
    saved = await services.desk.get(action.share_id) if action else None
    if action is None or saved is None:
        raise ExpiredShareError(query.data or "")
    await _ACTIONS[action.kind](Press(query, action, saved, services))


async def _explain_footer(press: Press) -> None:
    await press.query.answer(press.services.texts.label("header_toast"), show_alert=True)


async def _switch_menu(press: Press) -> None:
    """Swap the keyboard under the card for another of its pages, in place."""
    query = press.query
    await query.answer()
    message = query.message
    if message is None:
        return
    markup = keyboard_for(press.saved, press.services, press.action.menu)
    if message.reply_markup == markup:
        return
    # A double press asks for the page already shown: Telegram answers "not modified".
    with contextlib.suppress(BadRequest):
        await press.bot.edit_message_reply_markup(  # type: ignore[call-arg]
            chat_id=message.chat.id,
            message_id=message.message_id,
            reply_markup=markup,
            rate_limit_args=Priority.URGENT,
        )


async def _show_text(press: Press) -> None:
    draft = press.saved.result.draft(press.action.platform)
    toast = text_toast(draft, press.services)
    private_toast = text_toast(draft, press.services, privately=True)
    await _send(press, toast=toast, private_toast=private_toast)


async def _send_card(press: Press) -> None:
    label = press.services.texts.label
    await _send(press, toast=label("card_toast"), private_toast=label("card_private_toast"))


async def _send(press: Press, *, toast: str, private_toast: str) -> None:
    """Answer the press, then send what it asks for where it belongs.

    The answer comes first: Telegram stops the button's spinner, and a card in a new size
    may take a moment to render.
    """
    query = press.query
    if press.by_asker:
        await query.answer(toast)
        if query.message is not None:
            await deliver(
                press.bot, query.message.chat.id, press.action, press.saved, press.services
            )
        return
    user_id = query.from_user.id
    if not await _may_write_to(press.bot, user_id):
        link = f"https://t.me/{press.bot.username}?start={press.action.start_parameter()}"
        await query.answer(press.services.texts.label("open_private_toast"), url=link)
        return
    await query.answer(private_toast)
    await deliver(press.bot, user_id, press.action, press.saved, press.services)


async def _may_write_to(bot: Bot, user_id: int) -> bool:
    """Whether the bot may message ``user_id`` privately (they started it and did not block
    it). A chat action is the one request that asks this without sending anything."""
    try:
        await bot.send_chat_action(user_id, ChatAction.TYPING, rate_limit_args=Priority.URGENT)
    except (Forbidden, BadRequest) as error:
        logger.debug("no private chat with %s: %s", user_id, error)
        return False
    return True


_ACTIONS: dict[ButtonKind, Action] = {
    ButtonKind.HEADER: _explain_footer,
    ButtonKind.MENU: _switch_menu,
    ButtonKind.TEXT: _show_text,
    ButtonKind.CARD: _send_card,
}
