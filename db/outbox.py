"""The outbox: one row per post to make, claimed, sent and settled exactly once.

A row moves ``pending → claimed → sending → sent``. ``claimed`` means a worker holds it and
nothing has left; ``sending`` is written just before the request leaves. A row found
``claimed`` after a crash goes back to ``pending``; one found ``sending`` becomes ``unknown``
and is reconciled, never sent blindly again. The platform's id is stored in the same
transaction that marks the row sent, together with the draft's new status when that was
its last row.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from bot.newsroom.models import (
    SYSTEM,
    DraftStatus,
    OutboxItem,
    OutboxStatus,
    PostKind,
    Target,
)
from bot.publish.base import Receipt
from db.database import Database, Row, Transaction, from_text, to_text
from db.dialect import claim_outbox

_COLUMNS = (
    "id, draft_id, kind, status, attempts, text, not_before, lease_until, external_id,"
    " external_url, error, cost_micros, sent_at"
)
_OPEN = ("pending", "claimed", "sending", "unknown")


@dataclass(frozen=True, slots=True)
class Settled:
    """A row's outcome, and the draft's new status when the row was the last one open."""

    item: OutboxItem
    draft_status: DraftStatus | None = None


class OutboxRepository:
    def __init__(self, database: Database) -> None:
        self._db = database
        self._claim_sql = claim_outbox(database.dialect)

    async def claim(
        self, target: Target, *, owner: str, now: dt.datetime, lease: dt.timedelta
    ) -> OutboxItem | None:
        """Take the next due row for ``target``, or None when there is none."""
        async with self._db.transaction() as tx:
            row = await tx.fetch_one(
                self._claim_sql,
                (owner, to_text(now + lease), to_text(now), to_text(now), target.value),
            )
            if row is None:
                return None
            return await _with_parent(tx, _item(row))

    async def mark_sending(self, item_id: int, *, now: dt.datetime) -> None:
        """The request is about to leave: from here a crash means "outcome unknown"."""
        await self._set(item_id, "status = 'sending'", (), now, expect="claimed")

    async def release(
        self, item_id: int, *, not_before: dt.datetime, error: str, now: dt.datetime
    ) -> None:
        """Nothing reached the platform: back to ``pending``, to be tried at ``not_before``."""
        await self._set(
            item_id,
            "status = 'pending', not_before = ?, error = ?, lease_owner = NULL,"
            " lease_until = NULL",
            (to_text(not_before), error),
            now,
        )

    async def mark_sent(
        self,
        item_id: int,
        *,
        external_id: str,
        external_url: str | None,
        cost_micros: int,
        now: dt.datetime,
    ) -> Settled:
        async with self._db.transaction() as tx:
            await tx.execute(
                "UPDATE outbox SET status = 'sent', external_id = ?, external_url = ?,"
                " cost_micros = ?, sent_at = ?, error = NULL, lease_owner = NULL,"
                " lease_until = NULL, updated_at = ? WHERE id = ?",
                (external_id, external_url, cost_micros, to_text(now), to_text(now), item_id),
            )
            return await _settle(tx, item_id, now)

    async def mark_failed(self, item_id: int, *, error: str, now: dt.datetime) -> Settled:
        async with self._db.transaction() as tx:
            await tx.execute(
                "UPDATE outbox SET status = 'failed', error = ?, lease_owner = NULL,"
                " lease_until = NULL, updated_at = ? WHERE id = ?",
                (error, to_text(now), item_id),
            )
            await _cancel_children(tx, item_id, now)
            return await _settle(tx, item_id, now)

    async def mark_unknown(self, item_id: int, *, error: str, now: dt.datetime) -> Settled:
        async with self._db.transaction() as tx:
            await tx.execute(
                "UPDATE outbox SET status = 'unknown', error = ?, lease_owner = NULL,"
                " lease_until = NULL, updated_at = ? WHERE id = ?",
                (error, to_text(now), item_id),
            )
            return await _settle(tx, item_id, now)

    async def resolve_unknown(
        self,
        item_id: int,
        *,
        sent: bool,
        now: dt.datetime,
        receipt: Receipt | None = None,
    ) -> Settled | None:
        """Settle an ``unknown`` row: it was sent (with the post's id when it was found), or
        queue it again. None when the row is no longer unknown (someone settled it first)."""
        async with self._db.transaction() as tx:
            if sent:
                changed = await tx.execute(
                    "UPDATE outbox SET status = 'sent', external_id = ?, external_url = ?,"
                    " cost_micros = ?, sent_at = ?, updated_at = ?"
                    " WHERE id = ? AND status = 'unknown'",
                    (
                        receipt.external_id if receipt else None,
                        receipt.url if receipt else None,
                        receipt.cost_micros if receipt else 0,
                        to_text(now),
                        to_text(now),
                        item_id,
                    ),
                )
            else:
                changed = await tx.execute(
                    "UPDATE outbox SET status = 'pending', not_before = ?, updated_at = ?"
                    " WHERE id = ? AND status = 'unknown'",
                    (to_text(now), to_text(now), item_id),
                )
            if changed != 1:
                return None
            return await _settle(tx, item_id, now)

    async def reap(
        self, *, now: dt.datetime, alive: Iterable[str] | None = None
    ) -> list[OutboxItem]:
        """Rows whose worker is gone: ``claimed`` ones back to ``pending``, ``sending`` ones to
        ``unknown``. A worker is gone when its lease expired, or (one process) when its owner
        is not in ``alive``. Returns the rows that became unknown."""
        owners = tuple(alive or ())
        marks = ", ".join("?" for _ in owners) or "NULL"
        gone = "lease_until <= ?"
        if owners:
            gone = f"({gone} OR lease_owner NOT IN ({marks}))"
        params = (to_text(now), *owners)
        async with self._db.transaction() as tx:
            await tx.execute(
                "UPDATE outbox SET status = 'pending', lease_owner = NULL, lease_until = NULL,"
                f" updated_at = ? WHERE status = 'claimed' AND {gone}",
                (to_text(now), *params),
            )
            rows = await tx.fetch_all(
                f"SELECT {_COLUMNS} FROM outbox WHERE status = 'sending' AND {gone}", params
            )
            await tx.execute(
                "UPDATE outbox SET status = 'unknown', lease_owner = NULL, lease_until = NULL,"
                " error = 'the bot stopped while this was being sent', updated_at = ?"
                f" WHERE status = 'sending' AND {gone}",
                (to_text(now), *params),
            )
            return [_item(row) for row in rows]

    async def for_draft(self, draft_id: int) -> list[OutboxItem]:
        async with self._db.transaction() as tx:
            rows = await tx.fetch_all(
                f"SELECT {_COLUMNS} FROM outbox WHERE draft_id = ? ORDER BY id", (draft_id,)
            )
            return [await _with_parent(tx, _item(row)) for row in rows]

    async def get(self, item_id: int) -> OutboxItem | None:
        async with self._db.transaction() as tx:
            row = await tx.fetch_one(f"SELECT {_COLUMNS} FROM outbox WHERE id = ?", (item_id,))
            return await _with_parent(tx, _item(row)) if row else None

    async def with_status(self, statuses: Sequence[OutboxStatus]) -> list[OutboxItem]:
        marks = ", ".join("?" for _ in statuses)
        rows = await self._db.fetch_all(
            f"SELECT {_COLUMNS} FROM outbox WHERE status IN ({marks}) ORDER BY id",
            tuple(s.value for s in statuses),
        )
        return [_item(row) for row in rows]

    async def next_due(self, target: Target) -> dt.datetime | None:
        """When the earliest pending row of ``target`` may go (None: nothing pending)."""
        row = await self._db.fetch_one(
            "SELECT MIN(not_before) FROM outbox WHERE status = 'pending' AND target = ?",
            (target.value,),
        )
        return from_text(row[0]) if row else None

    async def cost_since(self, since: dt.datetime) -> tuple[int, int]:
        """(posts sent, estimated cost in micro-dollars) since ``since``."""
        row = await self._db.fetch_one(
            "SELECT COUNT(*), COALESCE(SUM(cost_micros), 0) FROM outbox"
            " WHERE status = 'sent' AND sent_at >= ?",
            (to_text(since),),
        )
        return (int(row[0]), int(row[1])) if row else (0, 0)

    async def _set(
        self,
        item_id: int,
        assignments: str,
        params: tuple[object, ...],
        now: dt.datetime,
        *,
        expect: str | None = None,
    ) -> None:
        condition = " AND status = ?" if expect else ""
        async with self._db.transaction() as tx:
            await tx.execute(
                f"UPDATE outbox SET {assignments}, updated_at = ? WHERE id = ?{condition}",
                (*params, to_text(now), item_id, *((expect,) if expect else ())),
            )


def _item(row: Row) -> OutboxItem:
    return OutboxItem(
        id=row[0],
        draft_id=row[1],
        kind=PostKind(row[2]),
        status=OutboxStatus(row[3]),
        attempts=row[4],
        text=row[5],
        not_before=from_text(row[6]),
        lease_until=from_text(row[7]),
        external_id=row[8],
        external_url=row[9],
        error=row[10],
        cost_micros=row[11],
        sent_at=from_text(row[12]),
    )


async def _with_parent(tx: Transaction, item: OutboxItem) -> OutboxItem:
    parent = item.kind.parent
    if parent is None:
        return item
    row = await tx.fetch_one(
        "SELECT external_id FROM outbox WHERE draft_id = ? AND kind = ? AND status = 'sent'",
        (item.draft_id, parent.value),
    )
    if row is None:
        return item
    return OutboxItem(**{**_fields(item), "parent_external_id": row[0]})


def _fields(item: OutboxItem) -> dict[str, object]:
    return {name: getattr(item, name) for name in OutboxItem.__dataclass_fields__}


async def _cancel_children(tx: Transaction, item_id: int, now: dt.datetime) -> None:
    """A post that failed takes its pending replies with it (they are retried together)."""
    await tx.execute(
        "UPDATE outbox SET status = 'cancelled', error = 'its post was not sent', updated_at = ?"
        " WHERE status = 'pending' AND draft_id = (SELECT draft_id FROM outbox WHERE id = ?)"
        " AND parent_kind = (SELECT kind FROM outbox WHERE id = ?)",
        (to_text(now), item_id, item_id),
    )


async def _settle(tx: Transaction, item_id: int, now: dt.datetime) -> Settled:
    """After a row changed: when none of its draft's rows is open, the draft's final status."""
    row = await tx.fetch_one(f"SELECT {_COLUMNS} FROM outbox WHERE id = ?", (item_id,))
    assert row is not None
    item = _item(row)
    statuses = [
        r[0]
        for r in await tx.fetch_all(
            "SELECT status FROM outbox WHERE draft_id = ?", (item.draft_id,)
        )
    ]
    if any(status in _OPEN for status in statuses):
        return Settled(item)
    sent = statuses.count("sent")
    failed = statuses.count("failed")
    if failed == 0:
        new_status = DraftStatus.PUBLISHED
    elif sent:
        new_status = DraftStatus.PARTLY_PUBLISHED
    else:
        new_status = DraftStatus.FAILED
    draft = await tx.fetch_one("SELECT status, version FROM drafts WHERE id = ?", (item.draft_id,))
    if draft is None or draft[0] == new_status.value:
        return Settled(item)
    await tx.execute(
        "UPDATE drafts SET status = ?, version = version + 1, updated_at = ? WHERE id = ?",
        (new_status.value, to_text(now), item.draft_id),
    )
    await tx.execute(
        "INSERT INTO draft_events (draft_id, version, at, actor_id, actor_name, action,"
        " from_status, to_status, detail) VALUES (?, ?, ?, ?, ?, 'settle', ?, ?, ?)",
        (
            item.draft_id,
            draft[1] + 1,
            to_text(now),
            SYSTEM.id,
            SYSTEM.label,
            draft[0],
            new_status.value,
            f"{sent} sent, {failed} failed",
        ),
    )
    return Settled(item, new_status)
