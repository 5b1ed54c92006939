"""A feed as the newsroom follows it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from bot.feeds.filters import FeedFilter


class FeedPolicy(StrEnum):
    REVIEW = "review"  # each new item becomes a draft in the editors' group
    AUTO = "auto"  # each new item goes to the posting queue; the editors are told after


class ItemOutcome(StrEnum):
    TAKEN = "taken"
    FILTERED = "filtered"
    OLD = "old"  # older than the first-time window
    DUPLICATE = "duplicate"  # the same story already came (another feed, another address)
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class Feed:
    id: int
    url: str
    name: str
    policy: FeedPolicy
    channel: str | None
    paused: bool
    interval: dt.timedelta
    filter: FeedFilter
    etag: str | None
    last_modified: str | None
    next_poll_at: dt.datetime
    last_polled_at: dt.datetime | None
    last_success_at: dt.datetime | None
    failures: int
    last_error: str | None
    alerted: bool
    body_hash: str | None = None  # fingerprint of the last answer's bytes
