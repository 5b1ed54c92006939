"""The posting schedule: slots per weekday, quiet hours, spacing and a daily cap per target.

Slots are local times in the publisher's zone, resolved for each date through zoneinfo
(see :mod:`bot.newsroom.timing` for a slot that falls in a clock change's gap or fold). A
queued draft takes the first slot that is

- not in the quiet hours,
- not taken by another queued draft for the same target,
- at least the target's spacing away from every other post on that target (20 minutes on a
  channel, 45 on X by default),
- on a day whose cap for the target is not reached yet.

A burst of items therefore trickles over the coming slots in order. Breaking news takes
none of this: it goes at once, and the flood limiter spaces the messages.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from zoneinfo import ZoneInfo

from bot.errors import NewsroomError
from bot.newsroom.models import Target
from bot.newsroom.timing import resolve_local

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
WEEKDAYS_AR = ("الاثنين", "الثلاثاء", "الأربعاء", "الخميس", "الجمعة", "السبت", "الأحد")
DEFAULT_TIMES = ("08:00", "10:30", "13:00", "17:00", "21:00")
SEARCH_DAYS = 14  # how far ahead a free slot is looked for
_TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


class ScheduleRuleError(NewsroomError):
    message_en = "That schedule rule could not be read."


def _time(text: str) -> dt.time:
    match = _TIME.match(text.strip())
    if match is None:
        raise ScheduleRuleError(text, message_ar=f"«{text}» ليس وقتاً صالحاً: اكتبه هكذا 08:30.")
    return dt.time(int(match[1]), int(match[2]))


def _clock(value: dt.time) -> str:
    return value.strftime("%H:%M")


@dataclass(frozen=True, slots=True)
class ScheduleRules:
    """The publisher's posting rules (edited with /slots, /pause, /resume)."""

    slots: Mapping[int, tuple[dt.time, ...]] = field(
        default_factory=lambda: MappingProxyType(
            {day: tuple(_time(t) for t in DEFAULT_TIMES) for day in range(7)}
        )
    )
    quiet: tuple[dt.time, dt.time] | None = (dt.time(23, 30), dt.time(6, 30))
    spacing: Mapping[Target, int] = field(
        default_factory=lambda: MappingProxyType({Target.CHANNEL: 20, Target.X: 45})
    )  # minutes
    daily_cap: Mapping[Target, int] = field(
        default_factory=lambda: MappingProxyType({Target.CHANNEL: 30, Target.X: 15})
    )
    paused: bool = False

    # ------------------------------------------------------------------ editing

    def with_days(self, days: str, times: Sequence[str]) -> ScheduleRules:
        """``mon-fri`` (or ``sat,sun``, ``all``) get ``times`` (sorted, unique)."""
        chosen = parse_days(days)
        parsed = tuple(sorted({_time(t) for t in times}))
        slots = dict(self.slots)
        for day in chosen:
            slots[day] = parsed
        return replace(self, slots=MappingProxyType(slots))

    def with_quiet(self, text: str) -> ScheduleRules:
        """``23:00-07:00`` or ``off``."""
        if text.strip().lower() in {"off", "none", "لا"}:
            return replace(self, quiet=None)
        start, sep, end = text.partition("-")
        if not sep:
            raise ScheduleRuleError(text, message_ar="اكتب ساعات الهدوء هكذا: 23:00-07:00.")
        return replace(self, quiet=(_time(start), _time(end)))

    def with_spacing(self, target: Target, minutes: int) -> ScheduleRules:
        return replace(self, spacing=MappingProxyType({**self.spacing, target: max(0, minutes)}))

    def with_cap(self, target: Target, count: int) -> ScheduleRules:
        return replace(self, daily_cap=MappingProxyType({**self.daily_cap, target: max(1, count)}))

    def paused_as(self, paused: bool) -> ScheduleRules:
        return replace(self, paused=paused)

    # ------------------------------------------------------------------ reading

    def is_quiet(self, local: dt.time) -> bool:
        if self.quiet is None:
            return False
        start, end = self.quiet
        if start <= end:
            return start <= local < end
        return local >= start or local < end  # across midnight

    def slot_times(self, after: dt.datetime, zone: ZoneInfo, days: int = SEARCH_DAYS):  # type: ignore[no-untyped-def]
        """Every slot from ``after`` on, as UTC instants in order."""
        first = after.astimezone(zone).date()
        for offset in range(days + 1):
            day = first + dt.timedelta(days=offset)
            instants = sorted(
                resolve_local(day, clock, zone) for clock in self.slots.get(day.weekday(), ())
            )
            for instant in instants:
                if instant >= after:
                    yield instant

    def next_slot(
        self,
        after: dt.datetime,
        targets: Iterable[Target],
        busy: Sequence[tuple[dt.datetime, frozenset[Target]]],
        zone: ZoneInfo,
    ) -> dt.datetime | None:
        """The first slot at or after ``after`` for a draft posting to ``targets``, given the
        posts already queued or made (``busy``: when, and to which targets). None when no
        slot is free in the next :data:`SEARCH_DAYS` days."""
        wanted = frozenset(targets)
        for slot in self.slot_times(after, zone):
            local = slot.astimezone(zone)
            if self.is_quiet(local.time()):
                continue
            if self._fits(slot, local.date(), wanted, busy, zone):
                return slot
        return None

    def _fits(
        self,
        slot: dt.datetime,
        day: dt.date,
        targets: frozenset[Target],
        busy: Sequence[tuple[dt.datetime, frozenset[Target]]],
        zone: ZoneInfo,
    ) -> bool:
        for target in targets:
            gap = dt.timedelta(minutes=self.spacing.get(target, 0))
            same = [when for when, on in busy if target in on]
            if any(abs(when - slot) < max(gap, dt.timedelta(minutes=1)) for when in same):
                return False
            that_day = sum(1 for when in same if when.astimezone(zone).date() == day)
            if that_day >= self.daily_cap.get(target, 10_000):
                return False
        return True

    # ------------------------------------------------------------------ storage

    def to_json(self) -> str:
        return json.dumps(
            {
                "slots": {WEEKDAYS[d]: [_clock(t) for t in ts] for d, ts in self.slots.items()},
                "quiet": [_clock(t) for t in self.quiet] if self.quiet else None,
                "spacing": {t.value: m for t, m in self.spacing.items()},
                "daily_cap": {t.value: c for t, c in self.daily_cap.items()},
                "paused": self.paused,
            }
        )

    @classmethod
    def from_json(cls, text: str) -> ScheduleRules:
        data = json.loads(text)
        slots = {WEEKDAYS.index(d): tuple(_time(t) for t in ts) for d, ts in data["slots"].items()}
        quiet = data.get("quiet")
        return cls(
            slots=MappingProxyType(slots),
            quiet=(_time(quiet[0]), _time(quiet[1])) if quiet else None,
            spacing=MappingProxyType({Target(t): int(m) for t, m in data["spacing"].items()}),
            daily_cap=MappingProxyType({Target(t): int(c) for t, c in data["daily_cap"].items()}),
            paused=bool(data.get("paused", False)),
        )


def parse_days(text: str) -> list[int]:
    """``mon-fri``, ``sat,sun``, ``tue`` or ``all`` → weekday numbers (Monday is 0)."""
    value = text.strip().lower()
    if value in {"all", "*", "daily"}:
        return list(range(7))
    days: list[int] = []
    for part in value.split(","):
        start, sep, end = part.partition("-")
        try:
            first = WEEKDAYS.index(start.strip()[:3])
            last = WEEKDAYS.index(end.strip()[:3]) if sep else first
        except ValueError:
            raise ScheduleRuleError(
                text, message_ar="اكتب الأيام هكذا: mon-fri أو sat,sun أو all."
            ) from None
        day = first
        while True:
            days.append(day)
            if day == last:
                break
            day = (day + 1) % 7
    return sorted(set(days))
