"""What the outbox worker needs from the rest of the bot: its storage (``db.outbox``), the
drafts, and whoever tells the editors (the Telegram handlers). Protocols only, so that the
worker depends on none of them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Sequence
from typing import Protocol

from bot.newsroom.models import NewsroomDraft, OutboxItem, Target
from bot.publish.base import Receipt


class OutboxStore(Protocol):
    """What the worker needs from storage (``db.outbox.OutboxRepository``)."""

    async def claim(
        self,
        target: Target,
        *,
        owner: str,
        now: dt.datetime,
        lease: dt.timedelta,
        limit: int = 1,
    ) -> list[OutboxItem]: ...
    async def mark_sending(
        self, item_id: int, *, owner: str, now: dt.datetime, lease: dt.timedelta
    ) -> bool: ...
    async def renew(
        self,
        owner: str,
        *,
        rows: Collection[int],
        reports: Collection[int] = (),
        now: dt.datetime,
        lease: dt.timedelta,
    ) -> int: ...
    async def unclaim(
        self,
        item_ids: Collection[int],
        *,
        owner: str,
        now: dt.datetime,
        not_before: dt.datetime | None = None,
    ) -> None: ...
    async def release(
        self,
        item_id: int,
        *,
        owner: str,
        not_before: dt.datetime,
        error: str,
        now: dt.datetime,
    ) -> bool: ...
    async def mark_sent(
        self,
        item_id: int,
        *,
        owner: str,
        external_id: str,
        external_url: str | None,
        cost_micros: int,
        now: dt.datetime,
        on_lost: Callable[[], None] = ...,
    ) -> Settled: ...
    async def mark_failed(
        self, item_id: int, *, owner: str, error: str, now: dt.datetime
    ) -> Settled | None: ...
    async def mark_unknown(
        self, item_id: int, *, owner: str, error: str, now: dt.datetime, lease: dt.timedelta
    ) -> OutboxItem | None: ...
    async def resolve_unknown(
        self,
        item_id: int,
        *,
        sent: bool,
        now: dt.datetime,
        receipt: Receipt | None = None,
        owner: str | None = None,
    ) -> Settled | None: ...
    async def leave_unknown(self, item_id: int, *, owner: str) -> None: ...
    async def reap(
        self, *, owner: str, now: dt.datetime, lease: dt.timedelta, starting: bool = False
    ) -> Reaped: ...
    async def adopt_unknown(
        self,
        *,
        owner: str,
        now: dt.datetime,
        lease: dt.timedelta,
        targets: Collection[Target],
    ) -> list[OutboxItem]: ...
    async def claim_report(
        self, draft_id: int, *, owner: str, now: dt.datetime, lease: dt.timedelta
    ) -> bool: ...
    async def release_report(self, draft_id: int, *, owner: str) -> None: ...
    async def lapsed_reports(self, now: dt.datetime) -> list[int]: ...
    async def announce(self) -> None: ...
    async def listen(self, callback: Callable[[], None]) -> None: ...
    async def for_draft(self, draft_id: int) -> list[OutboxItem]: ...
    async def next_due(self, target: Target) -> dt.datetime | None: ...


class Reaped(Protocol):
    requeued: int
    unknown: Sequence[OutboxItem]


class Settled(Protocol):
    item: OutboxItem
    draft_status: object


class DraftLookup(Protocol):
    async def get(self, draft_id: int) -> NewsroomDraft | None: ...
    async def unreported(self) -> list[NewsroomDraft]: ...


class PublishNotifier(Protocol):
    """How the editors hear about publishing (implemented by the Telegram handlers)."""

    async def publication_settled(self, draft: NewsroomDraft, items: list[OutboxItem]) -> None:
        """Every post of a publication is settled: links, or failures with their reasons."""
        ...

    async def outcome_unknown(self, draft: NewsroomDraft, item: OutboxItem) -> None:
        """A post may or may not be out and cannot be looked up: ask an editor."""
        ...
