"""What the handlers are given: services built by the composition root, and tunables.

The runner stores one :class:`BotServices` in ``application.bot_data``; handlers reach it
through :func:`get_services`, never through a module global.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from telegram.ext import Application, CallbackContext

from bot.settings import Settings
from db.database import Database
from handlers.desk import ShareDesk
from handlers.ratelimit import RateLimiter
from handlers.texts import Texts

_KEY = "nashir.services"


@dataclass(frozen=True, slots=True)
class BotOptions:
    """Behaviour that is not a user setting.

    Attributes:
        inline_budget: seconds an inline query waits for a new article before answering
            with the «جارٍ التحضير» placeholder (Telegram drops answers after ~10 s).
        min_article_chars: a pasted text without a link this long is summarised as an
            article; shorter ones get a hint instead.
        chat_action_every: seconds between repeated chat actions while a card is prepared
            (Telegram shows one for 5 s).
        inline_cache_time: seconds Telegram may cache a ready inline answer.
        burst_yield: seconds a chat's next steps (chat action, pipeline) may wait, in a
            burst, for other chats' «جارٍ التحضير…» to go out first.
    """

    inline_budget: float = 2.5
    min_article_chars: int = 280
    chat_action_every: float = 4.5
    inline_cache_time: int = 300
    burst_yield: float = 0.5


@dataclass(frozen=True, slots=True)
class BotServices:
    settings: Settings
    desk: ShareDesk
    limiter: RateLimiter
    texts: Texts
    options: BotOptions = field(default_factory=BotOptions)
    # The open database, shared with the newsroom (None: the newsroom opens its own).
    database: Database | None = None


def attach_services(application: Application, services: BotServices) -> None:  # type: ignore[type-arg]
    application.bot_data[_KEY] = services


def get_services(context: CallbackContext) -> BotServices:  # type: ignore[type-arg]
    """The services of the running bot (set by :func:`attach_services`)."""
    services = context.bot_data.get(_KEY)
    if not isinstance(services, BotServices):
        raise RuntimeError("the bot was started without its services")
    return services


DEFAULT_OPTIONS = BotOptions()
