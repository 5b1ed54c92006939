"""Buttons under a shared card: the footer's title, a platform's ready text, another size.

Buttons carry ``kind:share_id[:value]``; the share comes back from the cache by id, so
buttons keep working after a restart for as long as the database keeps the share.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from telegram import CallbackQuery, Update
from telegram.ext import ContextTypes

from bot.platforms import PLATFORMS
from db.shares import SavedShare
from handlers.errors import ExpiredShareError
from handlers.keyboards import ButtonAction, ButtonKind
from handlers.replies import send_draft, send_other_card
from handlers.services import BotServices, get_services

Action = Callable[[CallbackQuery, ButtonAction, SavedShare, BotServices], Awaitable[None]]


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
    await _ACTIONS[action.kind](query, action, saved, services)


async def _explain_footer(
    query: CallbackQuery, action: ButtonAction, saved: SavedShare, services: BotServices
) -> None:
    await query.answer(services.texts.label("header_toast"), show_alert=True)


async def _show_text(
    query: CallbackQuery, action: ButtonAction, saved: SavedShare, services: BotServices
) -> None:
    draft = saved.result.draft(action.platform)
    spec = PLATFORMS[draft.platform]
    await query.answer(services.texts.label("text_toast", spec.name_ar, draft.length, draft.limit))
    if query.message is not None:
        await send_draft(query.get_bot(), query.message.chat.id, draft, services)


async def _send_card(
    query: CallbackQuery, action: ButtonAction, saved: SavedShare, services: BotServices
) -> None:
    # Answer first: Telegram stops the button's spinner, and rendering may take a moment.
    await query.answer(services.texts.label("card_toast"))
    if query.message is not None:
        await send_other_card(
            query.get_bot(), query.message.chat.id, saved, action.card_size, services
        )


_ACTIONS: dict[ButtonKind, Action] = {
    ButtonKind.HEADER: _explain_footer,
    ButtonKind.TEXT: _show_text,
    ButtonKind.CARD: _send_card,
}
