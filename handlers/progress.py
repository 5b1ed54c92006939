"""What the handling of an update has already done, for a worker that takes it over.

A webhook worker handles updates from the inbox (:mod:`handlers.ingress`); if it dies
halfway, another worker handles the update again after the lease. For most updates that
is harmless, but a link's answer must not reach the user twice: the share flow notes in
the update's inbox row the «جارٍ التحضير…» message it sent and the moment the card went
out, and a later attempt reads them — it reuses the placeholder, or does nothing at all
when the answer was already sent.

The note is the narrow window's guard, not a transaction with Telegram: a worker killed
between Telegram's answer and the note still leaves one doubled card. Without the note,
the window was the whole tail of the handling (the placeholder's deletion waits behind
every other chat's messages under load).

Outside the inbox (long polling, tests that call handlers directly) there is no current
handling and nothing is noted.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass

from db.inbox import InboxProgress, InboxRepository

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Handling:
    """One attempt at one stored update."""

    update_id: int
    attempts: int  # this attempt's number: 1 unless a worker died with the update
    inbox: InboxRepository
    clock: Callable[[], dt.datetime]

    async def earlier(self) -> InboxProgress:
        """What earlier attempts did (nothing to read on a first attempt)."""
        if self.attempts <= 1:
            return InboxProgress()
        try:
            return await self.inbox.progress(self.update_id)
        except Exception:  # unknown: answering twice beats not answering
            logger.exception("inbox: progress of update %s unreadable", self.update_id)
            return InboxProgress()

    async def placeholder_sent(self, message_id: int) -> None:
        try:
            await self.inbox.note_placeholder(self.update_id, message_id)
        except Exception:
            logger.exception("inbox: placeholder of update %s not noted", self.update_id)

    async def answered(self) -> None:
        try:
            await self.inbox.note_answered(self.update_id, now=self.clock())
        except Exception:
            logger.exception("inbox: answer to update %s not noted", self.update_id)


_CURRENT: contextvars.ContextVar[Handling | None] = contextvars.ContextVar(
    "nashir_handling", default=None
)


def current_handling() -> Handling | None:
    """The inbox attempt the running handler belongs to, if any."""
    return _CURRENT.get()


def handling_scope(handling: Handling) -> contextvars.Token[Handling | None]:
    """Make ``handling`` current for this task (and the tasks it starts)."""
    return _CURRENT.set(handling)


def end_handling_scope(token: contextvars.Token[Handling | None]) -> None:
    _CURRENT.reset(token)
