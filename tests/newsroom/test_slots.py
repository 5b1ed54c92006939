"""The posting schedule across clock changes: Morocco's 2026 Ramadan changes and a European
summer-time day, quiet hours, spacing and daily caps."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from bot.newsroom.models import Target
from bot.newsroom.slots import ScheduleRuleError, ScheduleRules, parse_days
from bot.newsroom.timing import parse_local, resolve_local

CASABLANCA = ZoneInfo("Africa/Casablanca")
PARIS = ZoneInfo("Europe/Paris")
BOTH = frozenset({Target.CHANNEL, Target.X})
CHANNEL = frozenset({Target.CHANNEL})


def local(moment: dt.datetime, zone: ZoneInfo) -> str:
    return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M %z")


def fill(rules: ScheduleRules, start: dt.datetime, count: int, zone: ZoneInfo, targets=BOTH):  # type: ignore[no-untyped-def]
    busy: list[tuple[dt.datetime, frozenset[Target]]] = []
    for _ in range(count):
        slot = rules.next_slot(start, targets, busy, zone)
        assert slot is not None
        busy.append((slot, targets))
    return [when for when, _ in busy]


def test_slots_keep_their_wall_clock_through_moroccos_ramadan_changes() -> None:
    rules = ScheduleRules(quiet=None).with_days("all", ["08:00", "21:00"])
    # Saturday 14 February 2026, 20:00 UTC+1; Morocco moves to UTC+0 on the 15th at 03:00.
    start = dt.datetime(2026, 2, 14, 19, 0, tzinfo=dt.UTC)
    slots = fill(rules, start, 3, CASABLANCA)
    assert [local(s, CASABLANCA) for s in slots] == [
        "2026-02-14 21:00 +0100",
        "2026-02-15 08:00 +0000",
        "2026-02-15 21:00 +0000",
    ]
    assert slots[1] - slots[0] == dt.timedelta(hours=12)  # 13 h of wall clock, 12 of time
    # Back to UTC+1 on 22 March 2026 at 02:00.
    start = dt.datetime(2026, 3, 21, 20, 0, tzinfo=dt.UTC)
    slots = fill(rules, start, 3, CASABLANCA)
    assert [local(s, CASABLANCA) for s in slots] == [
        "2026-03-21 21:00 +0000",
        "2026-03-22 08:00 +0100",
        "2026-03-22 21:00 +0100",
    ]


def test_a_slot_in_a_gap_moves_forward_and_one_in_a_fold_is_its_first_occurrence() -> None:
    # Paris, 29 March 2026: 02:00 → 03:00. A 02:30 slot does not exist: it is 03:30.
    rules = ScheduleRules(quiet=None).with_days("all", ["02:30"])
    start = dt.datetime(2026, 3, 28, 23, 0, tzinfo=dt.UTC)
    (slot,) = fill(rules, start, 1, PARIS)
    assert local(slot, PARIS) == "2026-03-29 03:30 +0200"
    # 25 October 2026: 03:00 → 02:00. 02:30 happens twice: the first, in summer time.
    start = dt.datetime(2026, 10, 24, 23, 0, tzinfo=dt.UTC)
    (slot,) = fill(rules, start, 1, PARIS)
    assert local(slot, PARIS) == "2026-10-25 02:30 +0200"
    # Morocco, 15 February 2026: 03:00 → 02:00, so 02:30 occurs twice there too.
    assert (
        local(resolve_local(dt.date(2026, 2, 15), dt.time(2, 30), CASABLANCA), CASABLANCA)
        == "2026-02-15 02:30 +0100"
    )


def test_schedule_commands_read_local_time_on_a_change_day() -> None:
    now = dt.datetime(2026, 3, 21, 22, 0, tzinfo=dt.UTC)  # 22:00 in Casablanca (UTC+0)
    at = parse_local("09:00", None, now=now, zone=CASABLANCA)
    assert local(at, CASABLANCA) == "2026-03-22 09:00 +0100"
    assert at == dt.datetime(2026, 3, 22, 8, 0, tzinfo=dt.UTC)


def test_quiet_hours_across_midnight_are_skipped() -> None:
    rules = ScheduleRules(quiet=(dt.time(23, 0), dt.time(7, 0))).with_days(
        "all", ["06:00", "07:00", "22:30", "23:30"]
    )
    start = dt.datetime(2026, 12, 4, 20, 0, tzinfo=dt.UTC)  # 21:00 local
    slots = fill(rules, start, 3, CASABLANCA, CHANNEL)
    assert [local(s, CASABLANCA)[11:16] for s in slots] == ["22:30", "07:00", "22:30"]


def test_spacing_and_daily_caps_per_target() -> None:
    rules = (
        ScheduleRules(quiet=None)
        .with_days("all", ["08:00", "08:10", "08:20", "08:30", "09:00", "10:00"])
        .with_spacing(Target.CHANNEL, 20)
        .with_spacing(Target.X, 45)
        .with_cap(Target.X, 2)
    )
    start = dt.datetime(2026, 12, 4, 6, 0, tzinfo=dt.UTC)  # 07:00 local
    channel_only = fill(rules, start, 3, CASABLANCA, CHANNEL)
    assert [local(s, CASABLANCA)[11:16] for s in channel_only] == ["08:00", "08:20", "09:00"]
    with_x = fill(rules, start, 3, CASABLANCA, BOTH)
    # X needs 45 minutes between posts and allows two a day: the third goes tomorrow.
    assert [local(s, CASABLANCA)[5:16] for s in with_x] == [
        "12-04 08:00",
        "12-04 09:00",
        "12-05 08:00",
    ]


def test_a_burst_trickles_over_the_next_slots_in_order() -> None:
    rules = ScheduleRules()  # defaults: 08:00 10:30 13:00 17:00 21:00, quiet 23:30–06:30
    start = dt.datetime(2026, 12, 4, 11, 0, tzinfo=dt.UTC)  # 12:00 local
    slots = fill(rules, start, 20, CASABLANCA)
    assert slots == sorted(slots) and len(set(slots)) == 20
    assert [local(s, CASABLANCA)[11:16] for s in slots[:5]] == [
        "13:00",
        "17:00",
        "21:00",
        "08:00",
        "10:30",
    ]


def test_rules_are_stored_and_read_back() -> None:
    rules = ScheduleRules().with_days("sat,sun", ["09:15"]).with_quiet("off").paused_as(True)
    again = ScheduleRules.from_json(rules.to_json())
    assert again == rules


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("mon-fri", [0, 1, 2, 3, 4]),
        ("fri-mon", [0, 4, 5, 6]),
        ("sat,sun", [5, 6]),
        ("all", list(range(7))),
    ],
)
def test_day_ranges(text: str, days: list[int]) -> None:
    assert parse_days(text) == days


def test_bad_rules_say_how_to_write_them() -> None:
    with pytest.raises(ScheduleRuleError) as caught:
        ScheduleRules().with_days("weekdays", ["08:00"])
    assert "mon-fri" in caught.value.message_ar
    with pytest.raises(ScheduleRuleError):
        ScheduleRules().with_days("mon", ["25:00"])
