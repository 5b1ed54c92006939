"""What the newsroom's handlers are given, built by the runner once the bot exists.

Kept apart from :class:`handlers.services.BotServices` because the newsroom needs the
application's own bot (channel posts go through its flood limiter) and so is assembled after
the application, in :func:`handlers.newsroom_runtime.newsroom_runtime`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from telegram import User
from telegram.ext import Application, CallbackContext

from bot.feeds.poller import FeedPoller
from bot.newsroom.models import Person
from bot.newsroom.queue import PostingQueue
from bot.newsroom.roles import Roles
from bot.newsroom.scheduler import Scheduler
from bot.newsroom.workflow import Newsroom
from bot.publish.outbox import OutboxWorker
from db.drafts import DraftRepository
from db.feeds import FeedRepository
from db.outbox import OutboxRepository
from db.people import ConversationRepository, PeopleRepository
from handlers.texts import Texts

_KEY = "nashir.newsroom"


@dataclass(frozen=True, slots=True)
class NewsroomServices:
    newsroom: Newsroom
    roles: Roles
    drafts: DraftRepository
    outbox: OutboxRepository
    people: PeopleRepository
    conversations: ConversationRepository
    worker: OutboxWorker
    scheduler: Scheduler
    texts: Texts
    zone: ZoneInfo
    editors_chat_id: int | None
    channel: str | None
    clock: Callable[[], dt.datetime]
    notifier: object  # handlers.newsroom_notify.EditorsNotifier (import cycle otherwise)
    feeds: FeedRepository
    poller: FeedPoller
    queue: PostingQueue


def attach_newsroom(application: Application, services: NewsroomServices) -> None:  # type: ignore[type-arg]
    application.bot_data[_KEY] = services


def get_newsroom(context: CallbackContext) -> NewsroomServices | None:  # type: ignore[type-arg]
    """The newsroom of the running bot, or None when it runs without one."""
    services = context.bot_data.get(_KEY)
    return services if isinstance(services, NewsroomServices) else None


def person(user: User) -> Person:
    return Person(user.id, user.full_name, user.username)
