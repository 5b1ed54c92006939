"""The few statements that depend on the database engine, kept in one place.

Everything else in ``db/`` is portable SQL. On SQLite a single process writes, so claiming an
outbox row is one conditional UPDATE with a sub-select; on PostgreSQL with several workers the
same statement gains ``FOR UPDATE SKIP LOCKED`` in the sub-select, so two workers never wait
for or take the same row. The single-runner lease is an upsert that only succeeds for the
holder or once the previous lease has expired, which works the same on both engines (and
through a connection pooler, unlike session-level advisory locks).
"""

from __future__ import annotations

from enum import StrEnum


class Dialect(StrEnum):
    SQLITE = "sqlite"
    POSTGRESQL = "postgresql"


_OUTBOX_COLUMNS = (
    "id, draft_id, kind, status, attempts, text, not_before, lease_until, external_id,"
    " external_url, error, cost_micros, sent_at"
)


def claim_outbox(dialect: Dialect) -> str:
    """Claim the next due row of one target; parameters: owner, lease_until, now, now, target.

    A row waits for its parent (a reply waits for its post) to be sent.
    """
    lock = " FOR UPDATE SKIP LOCKED" if dialect is Dialect.POSTGRESQL else ""
    return (
        "UPDATE outbox SET status = 'claimed', lease_owner = ?, lease_until = ?,"
        " attempts = attempts + 1, updated_at = ?"
        " WHERE id = ("
        "   SELECT o.id FROM outbox o"
        "   WHERE o.status = 'pending' AND o.not_before <= ? AND o.target = ?"
        "   AND (o.parent_kind IS NULL OR EXISTS ("
        "     SELECT 1 FROM outbox p WHERE p.draft_id = o.draft_id AND p.kind = o.parent_kind"
        "     AND p.status = 'sent'))"
        f"   ORDER BY o.not_before, o.id LIMIT 1{lock})"
        " AND status = 'pending'"
        f" RETURNING {_OUTBOX_COLUMNS}"
    )


def take_lease(dialect: Dialect) -> str:
    """Take or renew a named lease; parameters: name, holder, expires_at, holder, now.

    Changes a row (rowcount 1) only for the current holder or when the lease has expired.
    """
    del dialect  # the same upsert on both engines
    return (
        "INSERT INTO leases (name, holder, expires_at) VALUES (?, ?, ?)"
        " ON CONFLICT (name) DO UPDATE SET holder = excluded.holder,"
        " expires_at = excluded.expires_at"
        " WHERE leases.holder = ? OR leases.expires_at <= ?"
    )
