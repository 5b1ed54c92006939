"""What every publisher promises the outbox worker.

A publisher posts one outbox row and answers with a :class:`Receipt`, or raises one of the
``PublishError`` kinds of :mod:`bot.errors`, which tell the worker what may have happened:

- ``PublishRetryLater``: the platform asked to wait (429); nothing was posted;
- ``PublishNotSent``: a transient failure before anything was accepted; retry with backoff;
- ``PublishOutcomeUnknown``: the request may have been posted; reconcile, never resend blindly;
- ``PublishRejected``: a permanent refusal; an editor must act (``duplicate`` for X's 403).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from bot.newsroom.models import NewsroomDraft, OutboxItem, Target


@dataclass(frozen=True, slots=True)
class Receipt:
    """A post the platform accepted: its id, its public address and what it cost."""

    external_id: str
    url: str | None = None
    cost_micros: int = 0


class Publisher(Protocol):
    target: Target

    def lane(self, draft: NewsroomDraft) -> str:
        """Where ``draft``'s rows go (a chat, an account): rows of one lane are sent one
        after another, in order; rows of different lanes may go at the same time."""
        ...

    async def prepare(self, draft: NewsroomDraft, item: OutboxItem) -> None:
        """Wait until ``item`` may be sent (its flood slot), before it is marked as being
        sent: a crash while waiting must not look like a post of unknown outcome."""
        ...

    async def publish(self, draft: NewsroomDraft, item: OutboxItem) -> Receipt:
        """Post ``item`` of ``draft``; see the module docstring for the errors."""
        ...

    async def find_existing(self, draft: NewsroomDraft, item: OutboxItem) -> Receipt | None:
        """The post, if the platform shows it was made after all (None: not found, or the
        platform offers no way to look)."""
        ...

    async def close(self) -> None: ...
