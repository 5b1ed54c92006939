"""The posting schedule's rules, one JSON document."""

from __future__ import annotations

from bot.newsroom.slots import ScheduleRules
from db.database import Database

_NAME = "rules"


class ScheduleRepository:
    def __init__(self, database: Database) -> None:
        self._db = database

    async def rules(self) -> ScheduleRules:
        row = await self._db.fetch_one(
            "SELECT value FROM schedule_config WHERE name = ?", (_NAME,)
        )
        return ScheduleRules.from_json(row[0]) if row else ScheduleRules()

    async def save(self, rules: ScheduleRules) -> None:
        async with self._db.transaction() as tx:
            await tx.execute(
                "INSERT INTO schedule_config (name, value) VALUES (?, ?)"
                " ON CONFLICT (name) DO UPDATE SET value = excluded.value",
                (_NAME, rules.to_json()),
            )
