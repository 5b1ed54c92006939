"""The posting queue: drafts placed on the schedule's slots, moved, paused, and caught up
after the bot was down.

A queued draft is a ``scheduled`` draft; this module chooses *when*. Posts that became due
while the bot was stopped go out if they are at most ``grace`` late; later ones take the
next free slot (and the editors are told), so a restart never empties a day's queue at once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol
from zoneinfo import ZoneInfo

from bot.newsroom.models import SYSTEM, NewsroomDraft, Person, Target
from bot.newsroom.slots import ScheduleRules
from bot.newsroom.workflow import Newsroom, Outcome

# Posts made within this long count for spacing and daily caps.
LOOK_BACK = dt.timedelta(days=1)


class QueueStore(Protocol):
    async def queued(self, *, since: dt.datetime) -> list[NewsroomDraft]: ...


class RulesStore(Protocol):
    async def rules(self) -> ScheduleRules: ...
    async def save(self, rules: ScheduleRules) -> None: ...


@dataclass(frozen=True, slots=True)
class Placement:
    draft: NewsroomDraft | None
    at: dt.datetime | None  # None: no free slot within two weeks
    outcome: Outcome | None = None


class PostingQueue:
    def __init__(
        self,
        *,
        drafts: QueueStore,
        rules: RulesStore,
        newsroom: Newsroom,
        zone: ZoneInfo,
        default_channel: str | None,
        grace: dt.timedelta = dt.timedelta(minutes=30),
        clock: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC),
    ) -> None:
        self._drafts = drafts
        self._rules = rules
        self._newsroom = newsroom
        self.zone = zone
        self._default_channel = default_channel
        self.grace = grace
        self._clock = clock

    async def rules(self) -> ScheduleRules:
        return await self._rules.rules()

    async def save_rules(self, rules: ScheduleRules) -> None:
        await self._rules.save(rules)

    async def next_slot(
        self, draft: NewsroomDraft, *, after: dt.datetime | None = None
    ) -> dt.datetime | None:
        """The first free slot for ``draft`` (not counting the draft itself)."""
        now = self._clock()
        rules = await self._rules.rules()
        busy = await self._busy(draft, since=now - LOOK_BACK)
        return rules.next_slot(max(after or now, now), draft.targets, busy, self.zone)

    async def enqueue(self, draft: NewsroomDraft, *, by: Person = SYSTEM) -> Placement:
        """Put ``draft`` on its next free slot (breaking news: now)."""
        at = self._clock() if draft.breaking else await self.next_slot(draft)
        if at is None:
            return Placement(draft, None)
        outcome = await self._newsroom.schedule(draft.id, draft.version, by=by, at=at)
        return Placement(outcome.draft, at, outcome)

    async def reslot(self, draft: NewsroomDraft) -> Placement:
        """A post that is too late: its next free slot from now."""
        at = await self.next_slot(draft)
        if at is None:
            return Placement(draft, None)
        outcome = await self._newsroom.schedule(draft.id, draft.version, by=SYSTEM, at=at)
        return Placement(outcome.draft, at, outcome)

    def too_late(self, draft: NewsroomDraft) -> bool:
        """Due longer ago than the grace window (the bot was stopped meanwhile)."""
        due = draft.scheduled_at
        return due is not None and self._clock() - due > self.grace

    async def upcoming(self) -> list[NewsroomDraft]:
        now = self._clock()
        return [
            draft
            for draft in await self._drafts.queued(since=now)
            if draft.scheduled_at is not None and draft.status.value == "scheduled"
        ]

    async def _busy(
        self, draft: NewsroomDraft, *, since: dt.datetime
    ) -> list[tuple[dt.datetime, frozenset[Target]]]:
        channel = draft.channel or self._default_channel
        busy = []
        for other in await self._drafts.queued(since=since):
            if other.id == draft.id:
                continue
            when = other.scheduled_at or other.updated_at
            targets = set(other.targets)
            if Target.CHANNEL in targets and (other.channel or self._default_channel) != channel:
                targets.discard(Target.CHANNEL)  # another channel: its own spacing and cap
            if targets:
                busy.append((when, frozenset(targets)))
        return busy
