"""Times as editors enter and read them: in the publisher's zone, stored in UTC.

Zones move (Morocco leaves UTC+1 for UTC+0 during Ramadan; Europe has summer time), so a
local time is always resolved through zoneinfo for its own date, never with a fixed offset.
Two local times need a rule:

- a time that does not exist (the clock jumps over it) is moved forward by the jump:
  02:30 on a night that skips from 02:00 to 03:00 is 03:30;
- a time that happens twice (the clock goes back) is its first occurrence (``fold=0``).
"""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

from bot.cards.dates import MonthNames, gregorian_ar
from bot.errors import NewsroomError

_WEEKDAYS = ("الاثنين", "الثلاثاء", "الأربعاء", "الخميس", "الجمعة", "السبت", "الأحد")
_TIME = re.compile(r"^([01]?\d|2[0-3])[:.h]([0-5]\d)$")
_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
# Quick choices under «🕒 جدولة»: in an hour, in three hours, tomorrow morning.
QUICK_DELAYS = (dt.timedelta(hours=1), dt.timedelta(hours=3))
MORNING = dt.time(8, 0)
ROUND_TO_MINUTES = 5
# A schedule closer than this is «now»: publish instead.
MIN_AHEAD = dt.timedelta(minutes=1)


class ScheduleTimeError(NewsroomError):
    message_en = "That time cannot be used for a schedule."


def resolve_local(day: dt.date, clock: dt.time, zone: ZoneInfo) -> dt.datetime:
    """The UTC instant of the local ``day`` and ``clock`` in ``zone`` (see module docstring)."""
    naive = dt.datetime.combine(day, clock)
    local = naive.replace(tzinfo=zone, fold=0)
    as_utc = local.astimezone(dt.UTC)
    if as_utc.astimezone(zone).replace(tzinfo=None) != naive:
        # A gap: the wall clock never shows this time. Moving forward by the jump keeps the
        # distance to the neighbouring valid times, as the editor would expect.
        jump = local.replace(fold=1).utcoffset() - local.replace(fold=0).utcoffset()  # type: ignore[operator]
        as_utc = (naive + abs(jump)).replace(tzinfo=zone).astimezone(dt.UTC)
    return as_utc


def parse_local(
    time_text: str, date_text: str | None, *, now: dt.datetime, zone: ZoneInfo
) -> dt.datetime:
    """``HH:MM`` (and an optional ``YYYY-MM-DD``) in ``zone`` → a future UTC instant.

    Without a date: today if that time is still ahead, else tomorrow.

    Raises:
        ScheduleTimeError: unreadable, or not in the future.
    """
    match = _TIME.match(time_text.strip())
    if match is None:
        raise ScheduleTimeError(
            time_text, message_ar="اكتب الوقت هكذا: 14:30 (وبعده التاريخ اختيارياً: 2026-12-05)."
        )
    clock = dt.time(int(match[1]), int(match[2]))
    if date_text:
        found = _DATE.match(date_text.strip())
        try:
            if found is None:
                raise ValueError(date_text)
            day = dt.date(int(found[1]), int(found[2]), int(found[3]))
        except ValueError:
            raise ScheduleTimeError(
                date_text, message_ar="اكتب التاريخ هكذا: 2026-12-05."
            ) from None
        moment = resolve_local(day, clock, zone)
    else:
        today = now.astimezone(zone).date()
        moment = resolve_local(today, clock, zone)
        if moment <= now + MIN_AHEAD:
            moment = resolve_local(today + dt.timedelta(days=1), clock, zone)
    if moment <= now + MIN_AHEAD:
        raise ScheduleTimeError(
            f"{moment} is not in the future",
            message_ar=f"هذا الوقت مضى ({format_local(moment, zone)}). اختر وقتاً قادماً.",
        )
    return moment


def quick_slots(now: dt.datetime, zone: ZoneInfo) -> list[dt.datetime]:
    """In an hour, in three hours (rounded up to 5 minutes), and tomorrow at 08:00."""
    slots = [_round_up(now + delay) for delay in QUICK_DELAYS]
    tomorrow = now.astimezone(zone).date() + dt.timedelta(days=1)
    morning = resolve_local(tomorrow, MORNING, zone)
    if morning > slots[-1]:
        slots.append(morning)
    return slots


def format_local(
    moment: dt.datetime,
    zone: ZoneInfo,
    *,
    now: dt.datetime | None = None,
    months: MonthNames = MonthNames.STANDARD,
) -> str:
    """«اليوم 17:10», «غداً 08:00» or «الجمعة 5 ديسمبر 2026 08:00», in the publisher's zone."""
    local = moment.astimezone(zone)
    clock = local.strftime("%H:%M")
    if now is not None:
        today = now.astimezone(zone).date()
        if local.date() == today:
            return f"اليوم {clock}"
        if local.date() == today + dt.timedelta(days=1):
            return f"غداً {clock}"
    return f"{_WEEKDAYS[local.weekday()]} {gregorian_ar(local.date(), months)} {clock}"


def _round_up(moment: dt.datetime) -> dt.datetime:
    step = ROUND_TO_MINUTES * 60
    seconds = moment.timestamp()
    rounded = -(-seconds // step) * step
    return dt.datetime.fromtimestamp(rounded, dt.UTC)
