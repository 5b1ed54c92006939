"""The python-telegram-bot application: client settings and handler registration."""

from __future__ import annotations

import time
import warnings

from telegram import Update
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    InlineQueryHandler,
    MessageHandler,
    filters,
)
from telegram.warnings import PTBUserWarning

from bot.flood import DEFAULT_RULES, FloodLimiter, FloodRules, MemoryFloodStore
from db.database import Database
from db.dialect import Dialect
from db.flood import FloodWindowRepository
from handlers.approval import on_newsroom_button, on_reply
from handlers.bot_request import AiohttpRequest
from handlers.callbacks import on_button
from handlers.error_handler import on_error
from handlers.feeds_admin import feeds_command
from handlers.inline import on_inline
from handlers.links import MentionsBot
from handlers.newsroom_admin import (
    draft_command,
    drafts_command,
    editors_command,
    schedule_command,
    stats_command,
)
from handlers.newsroom_keys import PATTERN as NEWSROOM_BUTTONS
from handlers.queue_admin import (
    move_command,
    pause_command,
    queue_command,
    resume_command,
    slots_command,
    unschedule_command,
)
from handlers.retry import RetryAfterLimiter
from handlers.services import BotServices, attach_services
from handlers.share import help_command, on_message, share_command, start
from handlers.submit import on_editors_group_link, submit_command

# Updates handled at the same time: one slow article must never hold up other chats.
CONCURRENT_UPDATES = 256
# Requests to the Bot API in flight at once, and the HTTP connections they use; the requests
# beyond this wait in priority order on a semaphore (see handlers/retry.py), so a burst's
# acknowledgements overtake its card uploads.
MAX_IN_FLIGHT = 8
CONNECTION_POOL_SIZE = MAX_IN_FLIGHT
POOL_TIMEOUT = 30.0
# Messages of one worker booked ahead in the shared flood windows at once: about a second
# of Telegram's overall allowance (see RetryAfterLimiter's max_booked).
MAX_BOOKED = 30
ALLOWED_UPDATES: tuple[str, ...] = (
    Update.MESSAGE,
    Update.CALLBACK_QUERY,
    Update.INLINE_QUERY,
)
_CONTENT = filters.TEXT | filters.CAPTION


def flood_limiter_for(
    database: Database | None, rules: FloodRules = DEFAULT_RULES
) -> FloodLimiter:
    """Telegram's flood windows for a bot over ``database``.

    On PostgreSQL the bot may run as several workers, and the limits are the bot's, not a
    worker's: the windows are in the database, on wall-clock time every process shares.
    Over SQLite one process sends everything, and its memory is the cheaper place: a
    booking there costs some 30 µs, against a write transaction of ~0.4 ms on the one
    connection every other query of the bot waits behind — before every acknowledgement of
    a burst (``bench/flood.py`` measures both).
    """
    if database is not None and database.dialect is Dialect.POSTGRESQL:
        return FloodLimiter(rules, store=FloodWindowRepository(database), clock=time.time)
    return FloodLimiter(rules)


def build_application(
    token: str,
    api_root: str,
    services: BotServices,
    *,
    flood: FloodLimiter | None = None,
) -> Application:  # type: ignore[type-arg]
    """A ready-to-start application talking to the Bot API at ``api_root``.

    Args:
        token: the bot token (never logged).
        api_root: Telegram's address or a local Bot API server, without ``/bot``.
        services: what the handlers use; stored in ``bot_data``.
        flood: Telegram's flood windows (default: :func:`flood_limiter_for` the services'
            database). Channel posts take their slots from the same limiter.
    """
    root = api_root.rstrip("/")
    if flood is None:
        flood = flood_limiter_for(services.database)
    application = (
        ApplicationBuilder()
        .token(token)
        .base_url(f"{root}/bot")
        .base_file_url(f"{root}/file/bot")
        .concurrent_updates(CONCURRENT_UPDATES)
        .request(
            AiohttpRequest(connection_pool_size=CONNECTION_POOL_SIZE, pool_timeout=POOL_TIMEOUT)
        )
        .get_updates_request(AiohttpRequest(connection_pool_size=1))
        .rate_limiter(
            RetryAfterLimiter(
                max_in_flight=MAX_IN_FLIGHT,
                flood=flood,
                # In memory a booking costs microseconds and nothing needs bounding.
                max_booked=None if isinstance(flood.store, MemoryFloodStore) else MAX_BOOKED,
            )
        )
        .job_queue(None)
        .build()
    )
    # handlers/share.py sends «جارٍ التحضير…» through do_api_request on purpose (see
    # _placeholder); PTB would otherwise suggest send_message on every acknowledgement.
    warnings.filterwarnings(
        "ignore", message=r"Please use 'Bot\.sendMessage'", category=PTBUserWarning
    )
    attach_services(application, services)
    register_handlers(application)
    return application


def register_handlers(application: Application) -> None:  # type: ignore[type-arg]
    """Every handler, in the order PTB tries them (commands before plain messages)."""
    # The newsroom first: an editor's answer to a question, and links in the editors' group,
    # are theirs; anything else goes on to the handlers below (group 0).
    application.add_handler(MessageHandler(filters.REPLY & filters.TEXT, on_reply), group=-1)
    application.add_handler(
        MessageHandler(
            filters.ChatType.GROUPS & _CONTENT & ~filters.COMMAND, on_editors_group_link
        ),
        group=-1,
    )
    application.add_handler(CallbackQueryHandler(on_newsroom_button, pattern=NEWSROOM_BUTTONS))
    application.add_handler(CommandHandler("submit", submit_command))
    application.add_handler(CommandHandler("editors", editors_command))
    application.add_handler(CommandHandler("drafts", drafts_command))
    application.add_handler(CommandHandler("draft", draft_command))
    application.add_handler(CommandHandler("schedule", schedule_command))
    application.add_handler(CommandHandler("stats", stats_command))
    application.add_handler(CommandHandler("feeds", feeds_command))
    application.add_handler(CommandHandler("slots", slots_command))
    application.add_handler(CommandHandler("queue", queue_command))
    application.add_handler(CommandHandler("move", move_command))
    application.add_handler(CommandHandler("unschedule", unschedule_command))
    application.add_handler(CommandHandler("pause", pause_command))
    application.add_handler(CommandHandler("resume", resume_command))
    application.add_handler(CommandHandler("start", start))
    application.add_handler(CommandHandler("help", help_command))
    application.add_handler(CommandHandler("share", share_command))
    application.add_handler(
        MessageHandler(filters.ChatType.PRIVATE & _CONTENT & ~filters.COMMAND, on_message)
    )
    # In groups the bot speaks only when spoken to: commands above, or an @mention here.
    application.add_handler(
        MessageHandler(
            filters.ChatType.GROUPS & _CONTENT & MentionsBot() & ~filters.COMMAND, on_message
        )
    )
    application.add_handler(CallbackQueryHandler(on_button))
    application.add_handler(InlineQueryHandler(on_inline))
    application.add_error_handler(on_error)
