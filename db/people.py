"""Editors added in chat, the people the bot has seen, and the questions it is waiting on."""

from __future__ import annotations

import datetime as dt

from bot.newsroom.models import EditField, PendingInput, Person
from db.database import Database, from_text, to_text
from db.dialect import seize_lease, take_lease


class PeopleRepository:
    def __init__(self, database: Database) -> None:
        self._db = database

    async def editors(self) -> list[Person]:
        rows = await self._db.fetch_all(
            "SELECT user_id, name, username FROM editors ORDER BY name"
        )
        return [Person(row[0], row[1], row[2]) for row in rows]

    async def is_editor(self, user_id: int) -> bool:
        return (
            await self._db.fetch_one("SELECT 1 FROM editors WHERE user_id = ?", (user_id,))
            is not None
        )

    async def add_editor(self, person: Person, *, added_by: Person, at: dt.datetime) -> bool:
        """Add an editor; False when they already were one."""
        async with self._db.transaction() as tx:
            changed = await tx.execute(
                "INSERT INTO editors (user_id, username, name, added_by, added_at)"
                " VALUES (?, ?, ?, ?, ?) ON CONFLICT (user_id) DO NOTHING",
                (
                    person.id,
                    person.username,
                    person.name or person.label,
                    added_by.id,
                    to_text(at),
                ),
            )
            return changed == 1

    async def remove_editor(self, user_id: int) -> bool:
        async with self._db.transaction() as tx:
            return await tx.execute("DELETE FROM editors WHERE user_id = ?", (user_id,)) == 1

    async def seen(self, person: Person, *, at: dt.datetime) -> None:
        """Remember a user's name and @username (to add them as an editor by @username)."""
        async with self._db.transaction() as tx:
            await tx.execute(
                "INSERT INTO known_users (user_id, username, name, seen_at) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (user_id) DO UPDATE SET username = excluded.username,"
                " name = excluded.name, seen_at = excluded.seen_at",
                (person.id, person.username, person.name, to_text(at)),
            )

    async def find(self, username: str) -> Person | None:
        """A known user by @username (case does not matter)."""
        row = await self._db.fetch_one(
            "SELECT user_id, name, username FROM known_users WHERE lower(username) = lower(?)"
            " ORDER BY seen_at DESC LIMIT 1",
            (username.lstrip("@"),),
        )
        return Person(row[0], row[1], row[2]) if row else None

    async def known(self, user_id: int) -> Person | None:
        row = await self._db.fetch_one(
            "SELECT user_id, name, username FROM known_users WHERE user_id = ?", (user_id,)
        )
        return Person(row[0], row[1], row[2]) if row else None


class ConversationRepository:
    """Questions asked with ForceReply; one open question per person and chat."""

    def __init__(self, database: Database) -> None:
        self._db = database

    async def ask(self, question: PendingInput) -> None:
        async with self._db.transaction() as tx:
            await tx.execute(
                "INSERT INTO pending_inputs (chat_id, user_id, kind, draft_id, version, field,"
                " prompt_message_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (chat_id, user_id) DO UPDATE SET kind = excluded.kind,"
                " draft_id = excluded.draft_id, version = excluded.version,"
                " field = excluded.field, prompt_message_id = excluded.prompt_message_id,"
                " created_at = excluded.created_at",
                (
                    question.chat_id,
                    question.user_id,
                    question.kind,
                    question.draft_id,
                    question.version,
                    question.field.value if question.field else None,
                    question.prompt_message_id,
                    to_text(question.created_at),
                ),
            )

    async def waiting(self, chat_id: int, user_id: int) -> PendingInput | None:
        row = await self._db.fetch_one(
            "SELECT chat_id, user_id, kind, draft_id, version, field, prompt_message_id,"
            " created_at FROM pending_inputs WHERE chat_id = ? AND user_id = ?",
            (chat_id, user_id),
        )
        if row is None:
            return None
        return PendingInput(
            chat_id=row[0],
            user_id=row[1],
            kind=row[2],
            draft_id=row[3],
            version=row[4],
            field=EditField(row[5]) if row[5] else None,
            prompt_message_id=row[6],
            created_at=from_text(row[7]),  # type: ignore[arg-type]
        )

    async def answered(self, chat_id: int, user_id: int) -> None:
        async with self._db.transaction() as tx:
            await tx.execute(
                "DELETE FROM pending_inputs WHERE chat_id = ? AND user_id = ?", (chat_id, user_id)
            )


class LeaseRepository:
    """Named leases: work that must run in one place at a time."""

    def __init__(self, database: Database) -> None:
        self._db = database
        self._take = take_lease(database.dialect)
        self._seize = seize_lease(database.dialect)

    async def take(self, name: str, holder: str, *, now: dt.datetime, ttl: dt.timedelta) -> bool:
        """Take or renew ``name`` for ``ttl``; False while someone else holds it."""
        async with self._db.transaction() as tx:
            changed = await tx.execute(
                self._take, (name, holder, to_text(now + ttl), holder, to_text(now))
            )
            return changed == 1

    async def seize(self, name: str, holder: str, *, now: dt.datetime, ttl: dt.timedelta) -> None:
        """Hold ``name`` for ``ttl`` whoever held it (a process that is the only one)."""
        async with self._db.transaction() as tx:
            await tx.execute(self._seize, (name, holder, to_text(now + ttl)))

    async def current(self, name: str) -> tuple[str, dt.datetime] | None:
        """Who holds ``name`` and until when (expired or not); None when nobody does."""
        row = await self._db.fetch_one(
            "SELECT holder, expires_at FROM leases WHERE name = ?", (name,)
        )
        if row is None:
            return None
        return row[0], from_text(row[1])  # type: ignore[return-value]

    async def release(self, name: str, holder: str) -> None:
        """Give ``name`` up (only if ``holder`` still holds it), so nobody waits for it."""
        async with self._db.transaction() as tx:
            await tx.execute("DELETE FROM leases WHERE name = ? AND holder = ?", (name, holder))
