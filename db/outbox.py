"""The outbox: one row per post to make, claimed, sent and settled exactly once, by any of
several worker processes.

A row moves ``pending → claimed → sending → sent``. ``claimed`` means a worker holds it and
nothing has left; ``sending`` is written just before the request leaves. A worker holds its
rows by a lease (``lease_owner``, ``lease_until``) that it renews while it is alive, so a
live worker never loses a row it is waiting to send, and a dead one's rows are taken over
once the lease runs out: ``claimed`` ones go back to ``pending``; ``sending`` ones become
``unknown`` and are reconciled, never sent blindly again. (On SQLite the bot is one process:
a worker that starts takes over at once whatever the one before it held.)

Every change of hands is a conditional UPDATE on the row's status and owner, so of two
workers racing for a row exactly one wins. An ``unknown`` row is held the same way by the
worker reconciling it; once the editors have been asked about it (a channel post cannot be
looked up) it is held by nobody and waits for their answer. On a sent row ``lease_owner``
names the worker that sent it.

The platform's id is stored in the same transaction that marks the row sent, together with
the draft's new status when that was its last open row.

The editors' report of a finished publication is claimed the same way, as a named lease
(``outbox-report:<draft id>``): one worker tells them, and if it dies before the report is
recorded, another does once its lease has run out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Sequence
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
from db.dialect import OUTBOX_PARENT_SENT, Dialect, claim_outbox, lock_draft, take_lease

_COLUMNS = (
    "id, draft_id, kind, status, attempts, text, not_before, lease_until, external_id,"
    " external_url, error, cost_micros, sent_at"
)
_OPEN = ("pending", "claimed", "sending", "unknown")
# The cross-process wake-up: rows were queued (LISTEN/NOTIFY on PostgreSQL).
CHANNEL = "nashir_outbox"
_REPORT = "outbox-report:"
_STOPPED = "the worker stopped while this was being sent"


@dataclass(frozen=True, slots=True)
class Settled:
    """A row's outcome, and the draft's new status when the row was the last one open."""

    item: OutboxItem
    draft_status: DraftStatus | None = None


@dataclass(frozen=True, slots=True)
class Reaped:
    """What a reaper took over: how many rows it queued again, and the rows of unknown
    outcome that are now its to reconcile."""

    requeued: int = 0
    unknown: tuple[OutboxItem, ...] = ()


class OutboxRepository:
    def __init__(self, database: Database) -> None:
        self._db = database
        self._claim_sql = claim_outbox(database.dialect)
        self._lock_sql = lock_draft(database.dialect)
        self._lease_sql = take_lease(database.dialect)

    # ------------------------------------------------------------------ taking rows

    async def claim(
        self,
        target: Target,
        *,
        owner: str,
        now: dt.datetime,
        lease: dt.timedelta,
        limit: int = 1,
    ) -> list[OutboxItem]:
        """Take up to ``limit`` ready rows of ``target`` for ``owner`` until ``now + lease``,
        oldest first (none: nothing is ready, or other workers hold it)."""
        async with self._db.transaction() as tx:
            rows = await tx.fetch_all(
                self._claim_sql,
                (owner, to_text(now + lease), to_text(now), to_text(now), target.value, limit),
            )
            items = sorted((_item(row) for row in rows), key=lambda i: (i.not_before, i.id))
            return [await _with_parent(tx, item) for item in items]

    async def mark_sending(
        self, item_id: int, *, owner: str, now: dt.datetime, lease: dt.timedelta
    ) -> bool:
        """The request is about to leave: from here a crash means "outcome unknown". False
        when the row is no longer this worker's (its lease ran out and another took it):
        then it must not be sent."""
        async with self._db.transaction() as tx:
            changed = await tx.execute(
                "UPDATE outbox SET status = 'sending', attempts = attempts + 1,"
                " lease_until = ?, updated_at = ?"
                " WHERE id = ? AND status = 'claimed' AND lease_owner = ?",
                (to_text(now + lease), to_text(now), item_id, owner),
            )
            return changed == 1

    async def renew(
        self,
        owner: str,
        *,
        rows: Collection[int],
        reports: Collection[int] = (),
        now: dt.datetime,
        lease: dt.timedelta,
    ) -> int:
        """``owner`` is alive and still working on ``rows`` (claimed, being sent, being
        reconciled) and on the reports of drafts ``reports``: they are its for ``lease``
        more. Only what the worker names: a row it lost track of runs out and is taken over.
        Returns the rows renewed."""
        until = to_text(now + lease)
        renewed = 0
        async with self._db.transaction() as tx:
            if rows:
                marks = ", ".join("?" for _ in rows)
                renewed = await tx.execute(
                    f"UPDATE outbox SET lease_until = ? WHERE id IN ({marks})"
                    " AND lease_owner = ? AND status IN ('claimed', 'sending', 'unknown')",
                    (until, *rows, owner),
                )
            if reports:
                marks = ", ".join("?" for _ in reports)
                await tx.execute(
                    f"UPDATE leases SET expires_at = ? WHERE name IN ({marks}) AND holder = ?",
                    (until, *(f"{_REPORT}{draft_id}" for draft_id in reports), owner),
                )
        return renewed

    async def unclaim(
        self,
        item_ids: Collection[int],
        *,
        owner: str,
        now: dt.datetime,
        not_before: dt.datetime | None = None,
    ) -> None:
        """Claimed rows ``owner`` will not send after all (it stops, or the platform asked to
        wait): back to ``pending``, not before ``not_before`` when given."""
        if not item_ids:
            return
        marks = ", ".join("?" for _ in item_ids)
        due = ", not_before = ?" if not_before is not None else ""
        async with self._db.transaction() as tx:
            await tx.execute(
                "UPDATE outbox SET status = 'pending', lease_owner = NULL, lease_until = NULL,"
                f" updated_at = ?{due} WHERE id IN ({marks})"
                " AND status = 'claimed' AND lease_owner = ?",
                (
                    to_text(now),
                    *((to_text(not_before),) if not_before is not None else ()),
                    *item_ids,
                    owner,
                ),
            )

    # ------------------------------------------------------------------ outcomes of a send

    async def release(
        self,
        item_id: int,
        *,
        owner: str,
        not_before: dt.datetime,
        error: str,
        now: dt.datetime,
    ) -> bool:
        """Nothing reached the platform: back to ``pending``, to be tried at ``not_before``.
        False when the row was no longer ``owner``'s to release."""
        async with self._db.transaction() as tx:
            changed = await tx.execute(
                "UPDATE outbox SET status = 'pending', not_before = ?, error = ?,"
                " lease_owner = NULL, lease_until = NULL, updated_at = ?"
                " WHERE id = ? AND status = 'sending' AND lease_owner = ?",
                (to_text(not_before), error, to_text(now), item_id, owner),
            )
            return changed == 1

    async def mark_sent(
        self,
        item_id: int,
        *,
        owner: str,
        external_id: str,
        external_url: str | None,
        cost_micros: int,
        now: dt.datetime,
        on_lost: Callable[[], None] = lambda: None,
    ) -> Settled:
        """The post is out, with its id. Recorded even if the row changed hands meanwhile (a
        worker stalled past its lease): the post exists, and a row marked sent is never sent
        again. ``on_lost`` is called in that case."""
        assignments = (
            "status = 'sent', external_id = ?, external_url = ?, cost_micros = ?, sent_at = ?,"
            " error = NULL, lease_owner = ?, lease_until = NULL, updated_at = ?"
        )
        values = (external_id, external_url, cost_micros, to_text(now), owner, to_text(now))
        async with self._db.transaction() as tx:
            await self._lock_draft(tx, item_id)
            changed = await tx.execute(
                f"UPDATE outbox SET {assignments}"
                " WHERE id = ? AND status = 'sending' AND lease_owner = ?",
                (*values, item_id, owner),
            )
            if changed != 1:
                on_lost()
                await tx.execute(
                    f"UPDATE outbox SET {assignments} WHERE id = ? AND status <> 'sent'",
                    (*values, item_id),
                )
            return await _settle(tx, item_id, now)

    async def mark_failed(
        self, item_id: int, *, owner: str, error: str, now: dt.datetime
    ) -> Settled | None:
        """A permanent refusal (its replies are cancelled with it). None when the row was no
        longer ``owner``'s."""
        async with self._db.transaction() as tx:
            await self._lock_draft(tx, item_id)
            changed = await tx.execute(
                "UPDATE outbox SET status = 'failed', error = ?, lease_owner = NULL,"
                " lease_until = NULL, updated_at = ?"
                " WHERE id = ? AND status IN ('claimed', 'sending') AND lease_owner = ?",
                (error, to_text(now), item_id, owner),
            )
            if changed != 1:
                return None
            await _cancel_children(tx, item_id, now)
            return await _settle(tx, item_id, now)

    async def mark_unknown(
        self, item_id: int, *, owner: str, error: str, now: dt.datetime, lease: dt.timedelta
    ) -> OutboxItem | None:
        """The request may have reached the platform: ``unknown``, still held by ``owner``,
        who reconciles it. None when the row was no longer ``owner``'s."""
        async with self._db.transaction() as tx:
            changed = await tx.execute(
                "UPDATE outbox SET status = 'unknown', error = ?, lease_until = ?, updated_at = ?"
                " WHERE id = ? AND status = 'sending' AND lease_owner = ?",
                (error, to_text(now + lease), to_text(now), item_id, owner),
            )
            if changed != 1:
                return None
            row = await tx.fetch_one(f"SELECT {_COLUMNS} FROM outbox WHERE id = ?", (item_id,))
            return _item(row) if row else None

    # ------------------------------------------------------------------ unknown outcomes

    async def resolve_unknown(
        self,
        item_id: int,
        *,
        sent: bool,
        now: dt.datetime,
        receipt: Receipt | None = None,
        owner: str | None = None,
    ) -> Settled | None:
        """Settle an ``unknown`` row: it was sent (with the post's id when it was found), or
        queue it again. ``owner``: only if that worker still holds it (a reconciliation);
        None for the editors' answer. None when the row is no longer unknown (or no longer
        ``owner``'s): someone settled it first."""
        held = " AND lease_owner = ?" if owner is not None else ""
        guard = (item_id, *((owner,) if owner is not None else ()))
        async with self._db.transaction() as tx:
            await self._lock_draft(tx, item_id)
            if sent:
                changed = await tx.execute(
                    "UPDATE outbox SET status = 'sent', external_id = ?, external_url = ?,"
                    " cost_micros = ?, sent_at = ?, lease_owner = NULL, lease_until = NULL,"
                    f" updated_at = ? WHERE id = ? AND status = 'unknown'{held}",
                    (
                        receipt.external_id if receipt else None,
                        receipt.url if receipt else None,
                        receipt.cost_micros if receipt else 0,
                        to_text(now),
                        to_text(now),
                        *guard,
                    ),
                )
            else:
                changed = await tx.execute(
                    "UPDATE outbox SET status = 'pending', not_before = ?, lease_owner = NULL,"
                    " lease_until = NULL, updated_at = ?"
                    f" WHERE id = ? AND status = 'unknown'{held}",
                    (to_text(now), to_text(now), *guard),
                )
            if changed != 1:
                return None
            return await _settle(tx, item_id, now)

    async def leave_unknown(self, item_id: int, *, owner: str) -> None:
        """``owner`` has done what it can for this unknown row: nobody holds it now. It waits
        for the editors' answer (they were asked about a channel post), or for a worker
        that can look it up (see :meth:`adopt_unknown`)."""
        async with self._db.transaction() as tx:
            await tx.execute(
                "UPDATE outbox SET lease_owner = NULL, lease_until = NULL"
                " WHERE id = ? AND status = 'unknown' AND lease_owner = ?",
                (item_id, owner),
            )

    async def reap(
        self, *, owner: str, now: dt.datetime, lease: dt.timedelta, starting: bool = False
    ) -> Reaped:
        """Take over the rows of workers whose lease ran out: ``claimed`` ones go back to
        ``pending``; ``sending`` ones become ``unknown``, and those and unknown rows whose
        reconciler died become ``owner``'s to reconcile. Each is taken by one worker only,
        however many reap at once.

        ``starting``: ``owner`` has just started. On SQLite one process is the whole
        deployment, so what any other worker holds was left by the process before this one
        and is taken over at once, as if its lease had run out. On PostgreSQL other workers
        may be alive: only expired leases count.
        """
        at, until = to_text(now), to_text(now + lease)
        gone = "(lease_until IS NULL OR lease_until <= ?)"
        params: tuple[str, ...] = (at,)
        if starting and self._db.dialect is Dialect.SQLITE:
            gone = f"(lease_owner <> ? OR {gone})"
            params = (owner, at)
        async with self._db.transaction() as tx:
            requeued = await tx.execute(
                "UPDATE outbox SET status = 'pending', lease_owner = NULL, lease_until = NULL,"
                f" updated_at = ? WHERE status = 'claimed' AND {gone}",
                (at, *params),
            )
            unknown = await tx.fetch_all(
                "UPDATE outbox SET status = 'unknown', lease_owner = ?, lease_until = ?,"
                f" error = ?, updated_at = ? WHERE status = 'sending' AND {gone}"
                f" RETURNING {_COLUMNS}",
                (owner, until, _STOPPED, at, *params),
            )
            orphans = await tx.fetch_all(
                "UPDATE outbox SET lease_owner = ?, lease_until = ? WHERE status = 'unknown'"
                f" AND lease_owner IS NOT NULL AND lease_owner <> ? AND {gone}"
                f" RETURNING {_COLUMNS}",
                (owner, until, owner, *params),
            )
        taken = sorted((_item(row) for row in (*unknown, *orphans)), key=lambda i: i.id)
        return Reaped(requeued, tuple(taken))

    async def adopt_unknown(
        self,
        *,
        owner: str,
        now: dt.datetime,
        lease: dt.timedelta,
        targets: Collection[Target],
    ) -> list[OutboxItem]:
        """Unknown rows of ``targets`` held by nobody (left by an older version, or by a
        worker that could not reconcile them), now ``owner``'s to reconcile."""
        if not targets:
            return []
        marks = ", ".join("?" for _ in targets)
        async with self._db.transaction() as tx:
            rows = await tx.fetch_all(
                "UPDATE outbox SET lease_owner = ?, lease_until = ? WHERE status = 'unknown'"
                f" AND lease_owner IS NULL AND target IN ({marks}) RETURNING {_COLUMNS}",
                (owner, to_text(now + lease), *(t.value for t in targets)),
            )
        return sorted((_item(row) for row in rows), key=lambda i: i.id)

    # ------------------------------------------------------------------ reports

    async def claim_report(
        self, draft_id: int, *, owner: str, now: dt.datetime, lease: dt.timedelta
    ) -> bool:
        """Whether ``owner`` is the one to tell the editors how ``draft_id`` ended: nobody
        else holds its report, and it was not recorded as told."""
        name = f"{_REPORT}{draft_id}"
        async with self._db.transaction() as tx:
            taken = await tx.execute(
                self._lease_sql, (name, owner, to_text(now + lease), owner, to_text(now))
            )
            if taken != 1:
                return False
            row = await tx.fetch_one("SELECT reported_at FROM drafts WHERE id = ?", (draft_id,))
            if row is None or row[0] is not None:
                await tx.execute("DELETE FROM leases WHERE name = ?", (name,))
                return False
            return True

    async def release_report(self, draft_id: int, *, owner: str) -> None:
        async with self._db.transaction() as tx:
            await tx.execute(
                "DELETE FROM leases WHERE name = ? AND holder = ?", (f"{_REPORT}{draft_id}", owner)
            )

    async def lapsed_reports(self, now: dt.datetime) -> list[int]:
        """Drafts whose report a worker took and did not finish before its lease ran out."""
        rows = await self._db.fetch_all(
            "SELECT name FROM leases WHERE name LIKE ? AND expires_at <= ? ORDER BY name",
            (f"{_REPORT}%", to_text(now)),
        )
        return sorted(int(row[0].removeprefix(_REPORT)) for row in rows)

    # ------------------------------------------------------------------ wake-ups

    async def announce(self) -> None:
        """Rows were queued: wake the workers of every process."""
        await self._db.notify(CHANNEL)

    async def listen(self, callback: Callable[[], None]) -> None:
        """Call ``callback`` whenever any process announces queued rows."""
        await self._db.listen(CHANNEL, callback)

    # ------------------------------------------------------------------ reading

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
        """When the earliest pending row of ``target`` may go (None: nothing pending).

        A reply whose post is not out yet does not count: it is not ready, however old, and
        counting it would have the worker look again every moment until the post is sent.
        """
        row = await self._db.fetch_one(
            "SELECT MIN(o.not_before) FROM outbox o WHERE o.status = 'pending'"
            f" AND o.target = ? AND {OUTBOX_PARENT_SENT}",
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

    async def _lock_draft(self, tx: Transaction, item_id: int) -> None:
        if self._lock_sql is not None:
            await tx.fetch_all(self._lock_sql, (item_id,))


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
