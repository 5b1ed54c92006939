"""Value types of the newsroom: drafts under review, their history, and what gets posted.

A :class:`NewsroomDraft` is one article on its way to the publisher's accounts. Its
``version`` grows with every change; buttons carry it, so a press on an older message is
recognised and refused, and two editors pressing at once cannot both win.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from bot.models import Article, CardSize


class DraftStatus(StrEnum):
    PENDING_REVIEW = "pending_review"
    APPROVED = "approved"
    SCHEDULED = "scheduled"
    PUBLISHING = "publishing"
    PUBLISHED = "published"
    PARTLY_PUBLISHED = "partly_published"
    FAILED = "failed"
    REJECTED = "rejected"

    @property
    def open(self) -> bool:
        """Still waiting for an editor's decision (it can be edited)."""
        return self in (DraftStatus.PENDING_REVIEW, DraftStatus.SCHEDULED)

    @property
    def final(self) -> bool:
        return self in (DraftStatus.PUBLISHED, DraftStatus.REJECTED)


class Target(StrEnum):
    """Where an approved draft is posted."""

    CHANNEL = "channel"  # the publisher's Telegram channel
    X = "x"


class PostKind(StrEnum):
    """One message an outbox row sends. A target may need two (a post, then a reply)."""

    CHANNEL_POST = "channel_post"  # the card with the caption and share buttons
    CHANNEL_TEXT = "channel_text"  # a caption too long for a photo: the rest, as a reply
    X_POST = "x_post"  # the card and the text
    X_LINK = "x_link"  # X_LINK_POLICY=reply_link: the article link as a reply

    @property
    def target(self) -> Target:
        return (
            Target.CHANNEL if self in (PostKind.CHANNEL_POST, PostKind.CHANNEL_TEXT) else Target.X
        )

    @property
    def parent(self) -> PostKind | None:
        """The post this one answers; it is sent only after its parent is."""
        return _PARENTS.get(self)


_PARENTS = {PostKind.CHANNEL_TEXT: PostKind.CHANNEL_POST, PostKind.X_LINK: PostKind.X_POST}


class OutboxStatus(StrEnum):
    PENDING = "pending"  # waiting to be sent (or to be retried after ``not_before``)
    CLAIMED = "claimed"  # a worker holds it; nothing has left yet
    SENDING = "sending"  # the request is about to leave or has left: outcome unknown until told
    SENT = "sent"
    FAILED = "failed"  # a permanent error; an editor may retry
    UNKNOWN = "unknown"  # the request may have reached the platform: reconcile, never resend
    CANCELLED = "cancelled"  # the draft no longer targets it, or an editor settled it


class EditField(StrEnum):
    """What an editor can rewrite by hand."""

    CHANNEL = "channel"
    X = "x"
    HEADLINE = "headline"


class XLinkPolicy(StrEnum):
    """How the article link travels on X (a post with a URL costs about 13× more)."""

    LINK = "link"  # in the post
    CARD_ONLY = "card_only"  # not at all: the card carries the site's name
    REPLY_LINK = "reply_link"  # in a reply to the post


@dataclass(frozen=True, slots=True)
class Person:
    """Someone acting in the newsroom (a Telegram user, or the system itself)."""

    id: int
    name: str = ""
    username: str | None = None

    @property
    def label(self) -> str:
        return f"@{self.username}" if self.username else (self.name or str(self.id))


SYSTEM = Person(0, "البوت")


@dataclass(frozen=True, slots=True)
class ShareButton:
    """A URL button under a channel post: the article footer's share link for a platform."""

    label: str
    url: str


@dataclass(frozen=True, slots=True)
class DraftCard:
    size: CardSize
    image_format: str
    data: bytes = field(repr=False)


@dataclass(frozen=True, slots=True)
class DraftContent:
    """What the draft will post, as the editors see it in the preview.

    ``used`` holds the article sentences this version's summaries are made of, so that the
    next variant («صياغة أخرى») can avoid them.
    """

    headline: str
    channel_text: str  # Telegram HTML, the channel post's caption
    x_text: str  # plain text, counted with X's weighting
    theme: str
    variant: int
    used: tuple[str, ...] = ()
    buttons: tuple[ShareButton, ...] = ()
    cards: tuple[DraftCard, ...] = ()
    link: str | None = None  # the article's tracked link for X (in the post or a reply)

    def card(self, size: CardSize) -> DraftCard | None:
        return next((card for card in self.cards if card.size is size), None)


@dataclass(frozen=True, slots=True)
class NewsroomDraft:
    id: int
    status: DraftStatus
    version: int
    article: Article
    content: DraftContent
    targets: frozenset[Target]
    created_by: Person
    created_at: dt.datetime
    updated_at: dt.datetime
    origin: str = "submit"
    scheduled_at: dt.datetime | None = None
    preview_chat_id: int | None = None
    preview_message_id: int | None = None
    decided_by: Person | None = None
    decided_at: dt.datetime | None = None
    reason: str | None = None  # why it was rejected, or why publishing failed
    channel: str | None = None  # the channel it goes to (None: the default CHANNEL_ID)
    breaking: bool = False  # breaking news: flagged to the editors, no queue
    feed_id: int | None = None  # the feed it came from
    auto: bool = False  # posted without review (a feed with the auto policy)

    @property
    def ordered_targets(self) -> tuple[Target, ...]:
        return tuple(target for target in Target if target in self.targets)


@dataclass(frozen=True, slots=True)
class DraftEvent:
    """One line of a draft's history, written before anything is sent."""

    draft_id: int
    version: int
    at: dt.datetime
    actor: Person
    action: str
    from_status: DraftStatus | None
    to_status: DraftStatus | None
    before: str | None = None
    after: str | None = None
    detail: str | None = None


@dataclass(frozen=True, slots=True)
class OutboxItem:
    id: int
    draft_id: int
    kind: PostKind
    status: OutboxStatus
    attempts: int
    text: str
    not_before: dt.datetime | None = None
    lease_until: dt.datetime | None = None
    external_id: str | None = None
    external_url: str | None = None
    error: str | None = None
    cost_micros: int = 0  # estimated cost in millionths of a US dollar
    sent_at: dt.datetime | None = None
    parent_external_id: str | None = None  # the post this one replies to, once sent


@dataclass(frozen=True, slots=True)
class PendingInput:
    """A question the bot asked an editor in a chat, waiting for their reply (ForceReply)."""

    chat_id: int
    user_id: int
    kind: str  # "edit" or "reason"
    draft_id: int
    version: int
    field: EditField | None
    prompt_message_id: int
    created_at: dt.datetime


UNSET: Any = object()
"""Marks a :class:`DraftChange` field that the change leaves as it is."""


@dataclass(frozen=True, slots=True)
class DraftChange:
    """What one action changes on a draft; fields left at their default stay as they are."""

    status: DraftStatus | None = None
    content: DraftContent | None = None
    targets: frozenset[Target] | None = None
    scheduled_at: dt.datetime | None = UNSET
    decided_by: Person | None = UNSET
    reason: str | None = UNSET


@dataclass(frozen=True, slots=True)
class QueuedPost:
    """An outbox row queued with a change (ignored when that (draft, kind) already exists)."""

    kind: PostKind
    text: str
