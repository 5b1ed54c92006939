"""The editorial desk: one state machine for every draft, written down before any side effect.

::

    pending_review ──approve──▶ approved ──▶ publishing ──▶ published | partly_published | failed
          │  ▲                                  ▲
          │  └──unschedule── scheduled ──due────┘        failed/partly ──retry──▶ publishing
          └──────reject──▶ rejected

Every action is a conditional update on the draft's version (:class:`~db.drafts.DraftRepository`):
of two editors pressing at once exactly one wins; the other gets :attr:`Refusal.STALE` and
the current draft. The change, its history line (who, when, text before and after) and the
outbox rows it queues are one transaction; posting happens afterwards, in the outbox worker.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from types import MappingProxyType
from typing import Protocol

from bot.compose import repeats_any
from bot.errors import TextTooLongError
from bot.models import Article, Platform
from bot.newsroom.drafting import BREAKING_THEME, DraftOptions
from bot.newsroom.models import (
    SYSTEM,
    DraftChange,
    DraftContent,
    DraftEvent,
    DraftStatus,
    EditField,
    NewsroomDraft,
    OutboxItem,
    Person,
    PostKind,
    QueuedPost,
    Target,
    XLinkPolicy,
)
from bot.platforms import PLATFORMS
from bot.platforms.counting import characters

logger = logging.getLogger(__name__)

# A card headline longer than this no longer fits the card at a readable size.
HEADLINE_LIMIT = 140
CAPTION_LIMIT = PLATFORMS[Platform.TELEGRAM].limit
_UNIT_AR = {
    "weighted": "حرفاً محسوباً",
    "utf16": "وحدة",
    "characters": "حرفاً",
}


class Action(StrEnum):
    APPROVE = "approve"
    SCHEDULE = "schedule"
    UNSCHEDULE = "unschedule"
    EDIT = "edit"
    REGENERATE = "regenerate"
    TOGGLE = "toggle"
    REJECT = "reject"
    RETRY = "retry"


# Which statuses each editor action starts from (the state machine, as data).
ALLOWED: Mapping[Action, frozenset[DraftStatus]] = MappingProxyType(
    {
        Action.APPROVE: frozenset({DraftStatus.PENDING_REVIEW, DraftStatus.SCHEDULED}),
        Action.SCHEDULE: frozenset({DraftStatus.PENDING_REVIEW, DraftStatus.SCHEDULED}),
        Action.UNSCHEDULE: frozenset({DraftStatus.SCHEDULED}),
        Action.EDIT: frozenset({DraftStatus.PENDING_REVIEW, DraftStatus.SCHEDULED}),
        Action.REGENERATE: frozenset({DraftStatus.PENDING_REVIEW, DraftStatus.SCHEDULED}),
        Action.TOGGLE: frozenset({DraftStatus.PENDING_REVIEW, DraftStatus.SCHEDULED}),
        Action.REJECT: frozenset(
            {DraftStatus.PENDING_REVIEW, DraftStatus.SCHEDULED, DraftStatus.FAILED}
        ),
        Action.RETRY: frozenset({DraftStatus.FAILED, DraftStatus.PARTLY_PUBLISHED}),
    }
)


class Refusal(StrEnum):
    STALE = "stale"  # the buttons belong to an older version
    NOT_ALLOWED = "not_allowed"  # the draft's status does not allow it (already published …)
    NOT_FOUND = "not_found"
    NO_TARGET = "no_target"  # nothing to publish to
    NO_VARIANT = "no_variant"  # the article has no other wording to offer
    UNAVAILABLE = "unavailable"  # that target is not configured


@dataclass(frozen=True, slots=True)
class Outcome:
    """What became of an action: the draft as it now is, and why nothing changed if so."""

    draft: NewsroomDraft | None
    refusal: Refusal | None = None

    @property
    def ok(self) -> bool:
        return self.refusal is None


class DraftStore(Protocol):
    """What the desk needs from storage (``db.drafts.DraftRepository``)."""

    async def create(
        self,
        *,
        article: Article,
        content: DraftContent,
        targets: frozenset[Target],
        created_by: Person,
        origin: str,
        at: dt.datetime,
        channel: str | None = None,
        breaking: bool = False,
        feed_id: int | None = None,
        auto: bool = False,
    ) -> NewsroomDraft: ...

    async def get(self, draft_id: int) -> NewsroomDraft | None: ...

    async def change(
        self,
        draft_id: int,
        expected_version: int,
        change: DraftChange,
        events: Sequence[DraftEvent],
        *,
        queue: Sequence[QueuedPost] = (),
        cancel_kinds: Sequence[PostKind] = (),
        requeue_failed: bool = False,
        at: dt.datetime,
    ) -> NewsroomDraft | None: ...

    async def with_status(
        self, statuses: Sequence[DraftStatus], *, limit: int = 50
    ) -> list[NewsroomDraft]: ...


class ContentProducer(Protocol):
    """Makes a draft's texts and cards (the share pipeline, in its own pool or process)."""

    async def draft_content(self, article: Article, options: DraftOptions) -> DraftContent: ...

    async def draft_cards(self, article: Article, content: DraftContent) -> DraftContent: ...


@dataclass(frozen=True, slots=True)
class NewsroomConfig:
    """Publishing choices from settings.

    Attributes:
        targets: the targets that are configured (a channel id, X credentials).
        x_link_policy: ``X_LINK_POLICY``.
        themes: card themes in the order «صياغة أخرى» goes through them (default first).
    """

    targets: frozenset[Target]
    x_link_policy: XLinkPolicy = XLinkPolicy.CARD_ONLY
    themes: tuple[str, ...] = ("solid", "light")

    def options(
        self, *, variant: int = 0, avoid: frozenset[str] = frozenset(), headline: str | None = None
    ) -> DraftOptions:
        return DraftOptions(
            variant=variant,
            avoid=avoid,
            headline=headline,
            themes=self.themes,
            x_link_policy=self.x_link_policy,
        )


class Newsroom:
    """Editors' actions on drafts. Authorisation is the caller's job (see ``Roles``).

    Args:
        drafts: storage of drafts (their history and outbox rows go with each change).
        producer: builds texts and cards.
        config: targets and publishing choices.
        wake: called after a change that queued posts (wakes the outbox worker).
        clock: the current UTC time.
    """

    def __init__(
        self,
        *,
        drafts: DraftStore,
        producer: ContentProducer,
        config: NewsroomConfig,
        wake: Callable[[], None] = lambda: None,
        clock: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC),
    ) -> None:
        self._drafts = drafts
        self._producer = producer
        self.config = config
        self._wake = wake
        self._clock = clock

    # ----------------------------------------------------------------- creating

    async def submit(
        self,
        article: Article,
        *,
        by: Person,
        origin: str,
        channel: str | None = None,
        breaking: bool = False,
        feed_id: int | None = None,
        auto: bool = False,
    ) -> NewsroomDraft:
        """A new draft for review, or the open one that already covers this article.

        Breaking news gets the breaking card theme; ``auto`` marks a draft a feed queued
        without review (the editors are told once it is out).
        """
        if article.url:
            for draft in await self._drafts.with_status(
                [DraftStatus.PENDING_REVIEW, DraftStatus.SCHEDULED], limit=500
            ):
                if draft.article.url == article.url:
                    return draft
        options = self.config.options()
        if breaking:
            options = replace(options, themes=(BREAKING_THEME,))
        content = await self._producer.draft_content(article, options)
        return await self._drafts.create(
            article=article,
            content=content,
            targets=self.config.targets,
            created_by=by,
            origin=origin,
            at=self._clock(),
            channel=channel,
            breaking=breaking,
            feed_id=feed_id,
            auto=auto,
        )

    async def get(self, draft_id: int) -> NewsroomDraft | None:
        return await self._drafts.get(draft_id)

    # ----------------------------------------------------------------- deciding

    async def approve(self, draft_id: int, version: int, *, by: Person) -> Outcome:
        """Publish now: approved, then publishing, with the posts queued, in one step."""
        draft, refusal = await self._check(draft_id, version, Action.APPROVE)
        if refusal is not None:
            return Outcome(draft, refusal)
        if not draft.targets:
            return Outcome(draft, Refusal.NO_TARGET)
        now = self._clock()
        events = [
            self._event(draft, by, "approve", DraftStatus.APPROVED, now),
            DraftEvent(
                draft.id,
                draft.version + 1,
                now,
                by,
                "publish",
                DraftStatus.APPROVED,
                DraftStatus.PUBLISHING,
            ),
        ]
        return await self._publish(draft, events, by=by, now=now)

    async def start_due(self, draft: NewsroomDraft) -> Outcome:
        """A scheduled draft whose time has come (the scheduler calls this)."""
        if draft.status is not DraftStatus.SCHEDULED:
            return Outcome(draft, Refusal.NOT_ALLOWED)
        now = self._clock()
        event = self._event(draft, SYSTEM, "publish", DraftStatus.PUBLISHING, now)
        when = draft.scheduled_at.isoformat() if draft.scheduled_at else "?"
        event = replace(event, detail=f"scheduled for {when}")
        return await self._publish(draft, [event], by=draft.decided_by or SYSTEM, now=now)

    async def schedule(
        self, draft_id: int, version: int, *, by: Person, at: dt.datetime
    ) -> Outcome:
        draft, refusal = await self._check(draft_id, version, Action.SCHEDULE)
        if refusal is not None:
            return Outcome(draft, refusal)
        if not draft.targets:
            return Outcome(draft, Refusal.NO_TARGET)
        now = self._clock()
        event = self._event(draft, by, "schedule", DraftStatus.SCHEDULED, now)
        event = replace(event, detail=at.isoformat())
        return await self._apply(
            draft,
            DraftChange(status=DraftStatus.SCHEDULED, scheduled_at=at, decided_by=by),
            [event],
            now=now,
            wake=True,
        )

    async def unschedule(self, draft_id: int, version: int, *, by: Person) -> Outcome:
        draft, refusal = await self._check(draft_id, version, Action.UNSCHEDULE)
        if refusal is not None:
            return Outcome(draft, refusal)
        now = self._clock()
        event = self._event(draft, by, "unschedule", DraftStatus.PENDING_REVIEW, now)
        return await self._apply(
            draft,
            DraftChange(status=DraftStatus.PENDING_REVIEW, scheduled_at=None, decided_by=None),
            [event],
            now=now,
        )

    async def reject(
        self, draft_id: int, version: int, *, by: Person, reason: str | None = None
    ) -> Outcome:
        draft, refusal = await self._check(draft_id, version, Action.REJECT)
        if refusal is not None:
            return Outcome(draft, refusal)
        now = self._clock()
        event = self._event(draft, by, "reject", DraftStatus.REJECTED, now)
        event = replace(event, detail=reason)
        return await self._apply(
            draft,
            DraftChange(
                status=DraftStatus.REJECTED, decided_by=by, reason=reason, scheduled_at=None
            ),
            [event],
            now=now,
        )

    async def retry(self, draft_id: int, version: int, *, by: Person) -> Outcome:
        """Send a failed draft's failed posts again (what was sent stays sent)."""
        draft, refusal = await self._check(draft_id, version, Action.RETRY)
        if refusal is not None:
            return Outcome(draft, refusal)
        now = self._clock()
        event = self._event(draft, by, "retry", DraftStatus.PUBLISHING, now)
        outcome = await self._apply(
            draft,
            DraftChange(status=DraftStatus.PUBLISHING, reason=None),
            [event],
            now=now,
            requeue_failed=True,
        )
        if outcome.ok:
            self._wake()
        return outcome

    # ------------------------------------------------------------------ editing

    async def edit(
        self, draft_id: int, version: int, *, by: Person, field: EditField, text: str
    ) -> Outcome:
        """Replace one text; it is measured with its platform's own rule first.

        Raises:
            TextTooLongError: over the limit (nothing changed).
        """
        draft, refusal = await self._check(draft_id, version, Action.EDIT)
        if refusal is not None:
            return Outcome(draft, refusal)
        text = text.strip()
        check_length(field, text)
        content = draft.content
        before = _field_text(content, field)
        if field is EditField.CHANNEL:
            content = replace(content, channel_text=text)
        elif field is EditField.X:
            content = replace(content, x_text=text)
        else:
            content = await self._producer.draft_cards(
                draft.article, replace(content, headline=text)
            )
        now = self._clock()
        event = self._event(draft, by, f"edit:{field.value}", draft.status, now)
        event = replace(event, before=before, after=text)
        return await self._apply(draft, DraftChange(content=content), [event], now=now)

    async def regenerate(self, draft_id: int, version: int, *, by: Person) -> Outcome:
        """Another wording: the next-best sentences and the next card theme."""
        draft, refusal = await self._check(draft_id, version, Action.REGENERATE)
        if refusal is not None:
            return Outcome(draft, refusal)
        current = draft.content
        headline = current.headline if current.headline != draft.article.title else None
        options = self.config.options(
            variant=current.variant + 1, avoid=frozenset(current.used), headline=headline
        )
        content = await self._producer.draft_content(draft.article, options)
        if not _new_sentences(content.used, current.used):
            # Nothing but the same sentences (or a shortened one of them): no real alternative.
            return Outcome(draft, Refusal.NO_VARIANT)
        now = self._clock()
        event = self._event(draft, by, "regenerate", draft.status, now)
        event = replace(
            event,
            before=f"{current.channel_text}\n\n{current.x_text}",
            after=f"{content.channel_text}\n\n{content.x_text}",
            detail=f"variant {content.variant}, theme {content.theme}",
        )
        return await self._apply(draft, DraftChange(content=content), [event], now=now)

    async def toggle(self, draft_id: int, version: int, *, by: Person, target: Target) -> Outcome:
        """Add or remove a target (only configured targets can be added)."""
        draft, refusal = await self._check(draft_id, version, Action.TOGGLE)
        if refusal is not None:
            return Outcome(draft, refusal)
        if target not in draft.targets and target not in self.config.targets:
            return Outcome(draft, Refusal.UNAVAILABLE)
        targets = draft.targets ^ {target}
        now = self._clock()
        event = self._event(draft, by, f"toggle:{target.value}", draft.status, now)
        event = replace(
            event,
            before=",".join(sorted(t.value for t in draft.targets)),
            after=",".join(sorted(t.value for t in targets)),
        )
        return await self._apply(draft, DraftChange(targets=frozenset(targets)), [event], now=now)

    # ---------------------------------------------------------------- internals

    async def _check(
        self, draft_id: int, version: int, action: Action
    ) -> tuple[NewsroomDraft, None] | tuple[NewsroomDraft | None, Refusal]:
        """The draft, and why ``action`` on ``version`` cannot go ahead (None: it can)."""
        draft = await self._drafts.get(draft_id)
        if draft is None:
            return None, Refusal.NOT_FOUND
        if draft.status not in ALLOWED[action]:
            return draft, Refusal.NOT_ALLOWED
        if draft.version != version:
            return draft, Refusal.STALE
        return draft, None

    async def _publish(
        self, draft: NewsroomDraft, events: list[DraftEvent], *, by: Person, now: dt.datetime
    ) -> Outcome:
        posts = [QueuedPost(kind, text) for kind, text in planned_posts(draft, self.config)]
        cancelled = [kind for kind in PostKind if kind.target not in draft.targets]
        outcome = await self._apply(
            draft,
            DraftChange(status=DraftStatus.PUBLISHING, decided_by=by),
            events,
            now=now,
            queue=posts,
            cancel_kinds=cancelled,
        )
        if outcome.ok:
            self._wake()
        return outcome

    async def _apply(
        self,
        draft: NewsroomDraft,
        change: DraftChange,
        events: list[DraftEvent],
        *,
        now: dt.datetime,
        wake: bool = False,
        queue: Sequence[QueuedPost] = (),
        cancel_kinds: Sequence[PostKind] = (),
        requeue_failed: bool = False,
    ) -> Outcome:
        updated = await self._drafts.change(
            draft.id,
            draft.version,
            change,
            events,
            queue=queue,
            cancel_kinds=cancel_kinds,
            requeue_failed=requeue_failed,
            at=now,
        )
        if updated is None:
            # Someone else's change came first: show them what it was.
            return Outcome(await self._drafts.get(draft.id), Refusal.STALE)
        if wake:
            self._wake()
        return Outcome(updated)

    def _event(
        self, draft: NewsroomDraft, by: Person, action: str, to: DraftStatus, now: dt.datetime
    ) -> DraftEvent:
        return DraftEvent(draft.id, draft.version + 1, now, by, action, draft.status, to)


def planned_posts(draft: NewsroomDraft, config: NewsroomConfig) -> list[tuple[PostKind, str]]:
    """The outbox rows approving ``draft`` queues, with the text each one posts."""
    content = draft.content
    posts: list[tuple[PostKind, str]] = []
    if Target.CHANNEL in draft.targets:
        posts.append((PostKind.CHANNEL_POST, content.channel_text))
        if PLATFORMS[Platform.TELEGRAM].measure(content.channel_text) > CAPTION_LIMIT:
            posts.append((PostKind.CHANNEL_TEXT, content.channel_text))
    if Target.X in draft.targets:
        posts.append((PostKind.X_POST, content.x_text))
        if config.x_link_policy is XLinkPolicy.REPLY_LINK and content.link:
            posts.append((PostKind.X_LINK, content.link))
    return posts


def check_length(field: EditField, text: str) -> None:
    """Raise :class:`TextTooLongError` when ``text`` is over its platform's limit."""
    if field is EditField.HEADLINE:
        count, limit, name, unit = characters(text), HEADLINE_LIMIT, "عنوان البطاقة", "characters"
    else:
        spec = PLATFORMS[Platform.TELEGRAM if field is EditField.CHANNEL else Platform.X]
        count, limit, name, unit = spec.measure(text), spec.limit, spec.name_ar, spec.unit.value
    if count > limit:
        raise TextTooLongError(
            platform_ar=name, count=count, limit=limit, unit_ar=_UNIT_AR.get(unit, "")
        )


def unknown_needs_editor(item: OutboxItem) -> bool:
    """A channel post whose outcome is unknown: the Bot API cannot look it up, ask an editor."""
    return item.kind.target is Target.CHANNEL


def _new_sentences(used: Sequence[str], before: Sequence[str]) -> list[str]:
    """Sentences of ``used`` that are neither in ``before`` nor a shortened one of them."""
    return [sentence for sentence in used if not repeats_any(sentence, before)]


def _field_text(content: DraftContent, field: EditField) -> str:
    if field is EditField.CHANNEL:
        return content.channel_text
    if field is EditField.X:
        return content.x_text
    return content.headline
