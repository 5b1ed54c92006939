"""The inbox: every update Telegram delivers, stored once, handled once, in order per chat.

A webhook worker stores the update (keyed on ``update_id``, so a redelivery or the same
update reaching two workers is one row) and answers Telegram at once; handling happens
after, from the table. A row moves ``new → claimed → done`` (or ``failed``). A worker that
dies holding a row leaves a lease that expires; the reaper puts the row back to ``new`` and
another worker handles it.

A chat's updates are handled in ``update_id`` order: a row can be claimed only when no
earlier row of its chat is still ``new`` or ``claimed`` (see :func:`db.dialect.claim_inbox`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from db.database import Database, to_text
from db.dialect import claim_inbox


class InboxStatus(StrEnum):
    NEW = "new"
    CLAIMED = "claimed"
    DONE = "done"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class InboxItem:
    update_id: int
    chat_key: int
    payload: str
    attempts: int


@dataclass(frozen=True, slots=True)
class InboxProgress:
    """What earlier attempts at an update did for its user (see :mod:`handlers.progress`)."""

    placeholder_id: int | None = None
    answered: bool = False


class InboxRepository:
    def __init__(self, database: Database) -> None:
        self._db = database
        self._claim_sql = claim_inbox(database.dialect)

    async def add(self, update_id: int, chat_key: int, payload: str, *, now: dt.datetime) -> bool:
        """Store an update; False when it was stored before (a redelivery)."""
        async with self._db.transaction() as tx:
            changed = await tx.execute(
                "INSERT INTO inbox (update_id, chat_key, payload, status, received_at)"
                " VALUES (?, ?, ?, 'new', ?) ON CONFLICT (update_id) DO NOTHING",
                (update_id, chat_key, payload, to_text(now)),
            )
        return changed == 1

    async def claim(
        self, *, owner: str, now: dt.datetime, lease: dt.timedelta, limit: int
    ) -> list[InboxItem]:
        """Take up to ``limit`` updates, at most one per chat, each the oldest open of its chat."""
        async with self._db.transaction() as tx:
            rows = await tx.fetch_all(self._claim_sql, (owner, to_text(now + lease), limit))
        items = [InboxItem(int(r[0]), int(r[1]), str(r[2]), int(r[3])) for r in rows]
        return sorted(items, key=lambda item: item.update_id)

    async def renew(self, update_ids: list[int], *, owner: str, until: dt.datetime) -> None:
        """Extend the leases of rows still being handled (a slow article, a long upload)."""
        if not update_ids:
            return
        marks = ", ".join("?" * len(update_ids))
        async with self._db.transaction() as tx:
            await tx.execute(
                f"UPDATE inbox SET lease_until = ? WHERE lease_owner = ? AND status = 'claimed'"
                f" AND update_id IN ({marks})",
                (to_text(until), owner, *update_ids),
            )

    async def finish(
        self,
        update_id: int,
        *,
        owner: str,
        now: dt.datetime,
        error: str | None = None,
    ) -> bool:
        """Mark a row handled (``failed`` with ``error``); False if its lease was lost to
        another worker meanwhile (that worker's outcome stands)."""
        status = InboxStatus.FAILED if error else InboxStatus.DONE
        async with self._db.transaction() as tx:
            changed = await tx.execute(
                "UPDATE inbox SET status = ?, handled_at = ?, error = ?, lease_owner = NULL,"
                " lease_until = NULL WHERE update_id = ? AND status = 'claimed'"
                " AND lease_owner = ?",
                (status.value, to_text(now), error, update_id, owner),
            )
        return changed == 1

    async def progress(self, update_id: int) -> InboxProgress:
        row = await self._db.fetch_one(
            "SELECT placeholder_id, answered_at FROM inbox WHERE update_id = ?", (update_id,)
        )
        if row is None:
            return InboxProgress()
        return InboxProgress(
            placeholder_id=int(row[0]) if row[0] is not None else None,
            answered=row[1] is not None,
        )

    async def note_placeholder(self, update_id: int, message_id: int) -> None:
        async with self._db.transaction() as tx:
            await tx.execute(
                "UPDATE inbox SET placeholder_id = ? WHERE update_id = ?", (message_id, update_id)
            )

    async def note_answered(self, update_id: int, *, now: dt.datetime) -> None:
        async with self._db.transaction() as tx:
            await tx.execute(
                "UPDATE inbox SET answered_at = ? WHERE update_id = ? AND answered_at IS NULL",
                (to_text(now), update_id),
            )

    async def reap(self, *, now: dt.datetime, max_attempts: int) -> tuple[int, int]:
        """Rows whose worker died: back to ``new``, or ``failed`` once tried ``max_attempts``
        times (an update that kills every worker that handles it must not go round forever).

        Returns:
            (rows put back, rows given up).
        """
        async with self._db.transaction() as tx:
            given_up = await tx.execute(
                "UPDATE inbox SET status = 'failed', error = 'abandoned by its workers',"
                " handled_at = ?, lease_owner = NULL, lease_until = NULL"
                " WHERE status = 'claimed' AND lease_until < ? AND attempts >= ?",
                (to_text(now), to_text(now), max_attempts),
            )
            back = await tx.execute(
                "UPDATE inbox SET status = 'new', lease_owner = NULL, lease_until = NULL"
                " WHERE status = 'claimed' AND lease_until < ?",
                (to_text(now),),
            )
        return back, given_up

    async def purge(self, *, before: dt.datetime) -> int:
        """Forget handled rows received before ``before`` (Telegram stops redelivering long
        before: a day of update ids is plenty to recognise a redelivery)."""
        async with self._db.transaction() as tx:
            return await tx.execute(
                "DELETE FROM inbox WHERE status IN ('done', 'failed') AND received_at < ?",
                (to_text(before),),
            )

    async def counts(self) -> dict[InboxStatus, int]:
        rows = await self._db.fetch_all("SELECT status, COUNT(*) FROM inbox GROUP BY status")
        found = {InboxStatus(status): int(count) for status, count in rows}
        return {status: found.get(status, 0) for status in InboxStatus}

    async def open_count(self) -> int:
        row = await self._db.fetch_one(
            "SELECT COUNT(*) FROM inbox WHERE status IN ('new', 'claimed')"
        )
        return int(row[0]) if row else 0
