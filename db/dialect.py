"""The few statements that depend on the database engine, kept in one place.

Everything else in ``db/`` is portable SQL. On SQLite a single process writes, so claiming
outbox rows is one conditional UPDATE with a sub-select; on PostgreSQL with several workers the
same statement gains ``FOR UPDATE SKIP LOCKED`` in the sub-select, so two workers never wait
for or take the same row. The single-runner lease is an upsert that only succeeds for the
holder or once the previous lease has expired, which works the same on both engines (and
through a connection pooler, unlike session-level advisory locks).
"""

from __future__ import annotations

import re
from enum import StrEnum


class Dialect(StrEnum):
    SQLITE = "sqlite"
    POSTGRESQL = "postgresql"


_OUTBOX_COLUMNS = (
    "id, draft_id, kind, status, attempts, text, not_before, lease_until, external_id,"
    " external_url, error, cost_micros, sent_at"
)


# A reply (outbox row ``o``) waits until the post it answers is out.
OUTBOX_PARENT_SENT = (
    "(o.parent_kind IS NULL OR EXISTS ("
    "SELECT 1 FROM outbox p WHERE p.draft_id = o.draft_id AND p.kind = o.parent_kind"
    " AND p.status = 'sent'))"
)


def claim_outbox(dialect: Dialect) -> str:
    """Claim up to n ready rows of one target, oldest first; parameters: owner, lease_until,
    now, now, target, n.

    On PostgreSQL the sub-select locks the rows it picks and skips rows another worker's
    claim has locked, so workers claiming at once get different rows without waiting. It
    must run once, before the update: as a plain ``IN (…)`` the planner may run it again
    for each row, and each run skips the rows this very statement has just updated and
    picks the next ones, so one claim takes far more than n. ``= ANY(ARRAY(…))`` makes it
    an init plan, run once. SQLite runs an uncorrelated ``IN (…)`` once.
    """
    if dialect is Dialect.POSTGRESQL:
        opening, lock, closing = "id = ANY(ARRAY(", " FOR UPDATE SKIP LOCKED", "))"
    else:
        opening, lock, closing = "id IN (", "", ")"
    return (
        "UPDATE outbox SET status = 'claimed', lease_owner = ?, lease_until = ?, updated_at = ?"
        f" WHERE {opening}"
        "SELECT o.id FROM outbox o"
        " WHERE o.status = 'pending' AND o.not_before <= ? AND o.target = ?"
        f" AND {OUTBOX_PARENT_SENT}"
        f" ORDER BY o.not_before, o.id LIMIT ?{lock}{closing}"
        " AND status = 'pending'"
        f" RETURNING {_OUTBOX_COLUMNS}"
    )


def lock_draft(dialect: Dialect) -> str | None:
    """Lock the draft of an outbox row until the transaction ends; parameter: the row's id.

    Two workers settling a draft's last two rows at once must not both see the other row
    still open (then nobody would settle the draft): on PostgreSQL each takes the draft's
    row lock first. SQLite runs one write transaction at a time: nothing to lock.
    """
    if dialect is Dialect.SQLITE:
        return None
    return (
        "SELECT d.id FROM drafts d"
        " WHERE d.id = (SELECT o.draft_id FROM outbox o WHERE o.id = ?) FOR UPDATE"
    )


def claim_inbox(dialect: Dialect) -> str:
    """Claim updates to handle; parameters: owner, lease_until, limit.

    A row is eligible when no earlier row of its chat is open: one chat's updates go one at a
    time, in order, whichever worker takes them. On PostgreSQL a row another worker is
    claiming right now is skipped, and since it is still ``new`` in this statement's view,
    the later rows of its chat are not eligible either.
    """
    lock = " FOR UPDATE SKIP LOCKED" if dialect is Dialect.POSTGRESQL else ""
    return (
        "UPDATE inbox SET status = 'claimed', lease_owner = ?, lease_until = ?,"
        " attempts = attempts + 1"
        " WHERE update_id IN ("
        "   SELECT i.update_id FROM inbox i WHERE i.status = 'new'"
        "   AND NOT EXISTS (SELECT 1 FROM inbox e WHERE e.chat_key = i.chat_key"
        "     AND e.update_id < i.update_id AND e.status IN ('new', 'claimed'))"
        f"   ORDER BY i.update_id LIMIT ?{lock})"
        " AND status = 'new'"
        " RETURNING update_id, chat_key, payload, attempts"
    )


def take_lease(dialect: Dialect) -> str:
    """Take or renew a named lease; parameters: name, holder, expires_at, holder, now.

    Changes a row (rowcount 1) only for the current holder or when the lease has expired.
    On PostgreSQL two workers racing for a free or expired lease cannot both win: the loser's
    ``ON CONFLICT`` waits for the winner's row and re-checks the condition against it (read
    committed), finding it held and unexpired. A plain row in a short transaction, so it works
    through PgBouncer in transaction mode, where session-level advisory locks do not.
    """
    del dialect  # the same upsert on both engines
    return (
        "INSERT INTO leases (name, holder, expires_at) VALUES (?, ?, ?)"
        " ON CONFLICT (name) DO UPDATE SET holder = excluded.holder,"
        " expires_at = excluded.expires_at"
        " WHERE leases.holder = ? OR leases.expires_at <= ?"
    )


def seize_lease(dialect: Dialect) -> str:
    """Take a named lease whoever holds it; parameters: name, holder, expires_at.

    For the single process on SQLite, which leads by definition: a row left by a process that
    was killed must not hold up its successor until it expires.
    """
    del dialect
    return (
        "INSERT INTO leases (name, holder, expires_at) VALUES (?, ?, ?)"
        " ON CONFLICT (name) DO UPDATE SET holder = excluded.holder,"
        " expires_at = excluded.expires_at"
    )


_POSTGRES_TYPES = (
    # SQLite's INTEGER is 64-bit; Telegram ids do not fit PostgreSQL's 32-bit INTEGER.
    (re.compile(r"\bINTEGER PRIMARY KEY AUTOINCREMENT\b"), "BIGSERIAL PRIMARY KEY"),
    (re.compile(r"\bINTEGER\b"), "BIGINT"),
    (re.compile(r"\bBLOB\b"), "BYTEA"),
    (re.compile(r"\bREAL\b"), "DOUBLE PRECISION"),
)


def schema_script(script: str, dialect: Dialect) -> str:
    """A migration written for SQLite, as ``dialect`` wants its column types.

    The migrations use the small common subset of DDL (tables, indexes, ADD COLUMN); only
    the type names differ, and only these four.
    """
    if dialect is Dialect.SQLITE:
        return script
    for pattern, replacement in _POSTGRES_TYPES:
        script = pattern.sub(replacement, script)
    return script
