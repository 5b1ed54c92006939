"""Feeds and the items seen in them."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence

from bot.feeds.filters import FeedFilter
from bot.feeds.models import Feed, FeedPolicy, ItemOutcome
from db.database import Database, Row, from_text, to_text

_COLUMNS = (
    "id, url, name, policy, channel, paused, interval_s, include_terms, exclude_terms, etag,"
    " last_modified, next_poll_at, last_polled_at, last_success_at, failures, last_error, alerted,"
    " body_hash"
)


class FeedRepository:
    def __init__(self, database: Database) -> None:
        self._db = database

    async def add(
        self,
        *,
        url: str,
        name: str,
        policy: FeedPolicy,
        interval: dt.timedelta,
        channel: str | None,
        created_by: int,
        now: dt.datetime,
    ) -> Feed | None:
        """A new feed, polled at once; None when that URL is already followed."""
        async with self._db.transaction() as tx:
            if await tx.fetch_one("SELECT 1 FROM feeds WHERE url = ?", (url,)):
                return None
            feed_id = await tx.insert(
                "INSERT INTO feeds (url, name, policy, channel, interval_s, next_poll_at,"
                " created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    url,
                    name,
                    policy.value,
                    channel,
                    int(interval.total_seconds()),
                    to_text(now),
                    created_by,
                    to_text(now),
                ),
            )
            row = await tx.fetch_one(f"SELECT {_COLUMNS} FROM feeds WHERE id = ?", (feed_id,))
            assert row is not None
            return _feed(row)

    async def get(self, feed_id: int) -> Feed | None:
        row = await self._db.fetch_one(f"SELECT {_COLUMNS} FROM feeds WHERE id = ?", (feed_id,))
        return _feed(row) if row else None

    async def all(self) -> list[Feed]:
        rows = await self._db.fetch_all(f"SELECT {_COLUMNS} FROM feeds ORDER BY id")
        return [_feed(row) for row in rows]

    async def due(self, now: dt.datetime, *, limit: int = 50) -> list[Feed]:
        rows = await self._db.fetch_all(
            f"SELECT {_COLUMNS} FROM feeds WHERE paused = 0 AND next_poll_at <= ?"
            " ORDER BY next_poll_at, id LIMIT ?",
            (to_text(now), limit),
        )
        return [_feed(row) for row in rows]

    async def next_due(self) -> dt.datetime | None:
        row = await self._db.fetch_one("SELECT MIN(next_poll_at) FROM feeds WHERE paused = 0")
        return from_text(row[0]) if row else None

    async def set_paused(self, feed_id: int, paused: bool) -> bool:
        async with self._db.transaction() as tx:
            return (
                await tx.execute(
                    "UPDATE feeds SET paused = ? WHERE id = ?", (int(paused), feed_id)
                )
                == 1
            )

    async def remove(self, feed_id: int) -> bool:
        async with self._db.transaction() as tx:
            return await tx.execute("DELETE FROM feeds WHERE id = ?", (feed_id,)) == 1

    async def set_filter(self, feed_id: int, terms: FeedFilter) -> bool:
        async with self._db.transaction() as tx:
            return (
                await tx.execute(
                    "UPDATE feeds SET include_terms = ?, exclude_terms = ? WHERE id = ?",
                    (
                        json.dumps(list(terms.include), ensure_ascii=False),
                        json.dumps(list(terms.exclude), ensure_ascii=False),
                        feed_id,
                    ),
                )
                == 1
            )

    async def polled(
        self,
        feed_id: int,
        *,
        now: dt.datetime,
        next_poll_at: dt.datetime,
        etag: str | None,
        last_modified: str | None,
        body_hash: str | None = None,
    ) -> None:
        """A successful poll: validators kept, failures cleared."""
        async with self._db.transaction() as tx:
            await tx.execute(
                "UPDATE feeds SET etag = ?, last_modified = ?, body_hash = COALESCE(?, body_hash),"
                " next_poll_at = ?, last_polled_at = ?, last_success_at = ?, failures = 0,"
                " last_error = NULL, alerted = 0 WHERE id = ?",
                (
                    etag,
                    last_modified,
                    body_hash,
                    to_text(next_poll_at),
                    to_text(now),
                    to_text(now),
                    feed_id,
                ),
            )

    async def failed(
        self, feed_id: int, *, now: dt.datetime, next_poll_at: dt.datetime, error: str
    ) -> int:
        """A failed poll; returns the failures in a row."""
        async with self._db.transaction() as tx:
            await tx.execute(
                "UPDATE feeds SET failures = failures + 1, last_error = ?, next_poll_at = ?"
                " WHERE id = ?",
                (error, to_text(next_poll_at), feed_id),
            )
            row = await tx.fetch_one("SELECT failures FROM feeds WHERE id = ?", (feed_id,))
            return int(row[0]) if row else 0

    async def set_alerted(self, feed_id: int, alerted: bool) -> None:
        async with self._db.transaction() as tx:
            await tx.execute("UPDATE feeds SET alerted = ? WHERE id = ?", (int(alerted), feed_id))

    # ------------------------------------------------------------------ items

    async def known(
        self, feed_id: int, guids: Sequence[str], url_keys: Sequence[str]
    ) -> tuple[set[str], set[str]]:
        """Of ``guids``, those this feed has seen; of ``url_keys``, those any feed has."""
        seen_guids: set[str] = set()
        seen_urls: set[str] = set()
        for chunk in _chunks(list(guids)):
            marks = ", ".join("?" for _ in chunk)
            rows = await self._db.fetch_all(
                f"SELECT guid FROM feed_items WHERE feed_id = ? AND guid IN ({marks})",
                (feed_id, *chunk),
            )
            seen_guids |= {row[0] for row in rows}
        for chunk in _chunks([k for k in url_keys if k]):
            marks = ", ".join("?" for _ in chunk)
            rows = await self._db.fetch_all(
                f"SELECT url_key FROM feed_items WHERE url_key IN ({marks})", tuple(chunk)
            )
            seen_urls |= {row[0] for row in rows}
        return seen_guids, seen_urls

    async def story_seen(self, story_key: str, url_key: str) -> bool:
        row = await self._db.fetch_one(
            "SELECT 1 FROM feed_items WHERE (story_key = ? OR url_key = ?)"
            " AND outcome = 'taken' LIMIT 1",
            (story_key, url_key or "-"),
        )
        return row is not None

    async def record(
        self,
        feed_id: int,
        *,
        guid: str,
        url_key: str,
        story_key: str,
        title: str,
        published: dt.datetime | None,
        outcome: ItemOutcome,
        draft_id: int | None,
        now: dt.datetime,
    ) -> bool:
        """Remember an item; False when this feed had already recorded it."""
        async with self._db.transaction() as tx:
            changed = await tx.execute(
                "INSERT INTO feed_items (feed_id, guid, url_key, story_key, title, published,"
                " seen_at, outcome, draft_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (feed_id, guid) DO NOTHING",
                (
                    feed_id,
                    guid,
                    url_key,
                    story_key,
                    title,
                    to_text(published),
                    to_text(now),
                    outcome.value,
                    draft_id,
                ),
            )
            return changed == 1

    async def outcomes(self, feed_id: int) -> dict[str, int]:
        rows = await self._db.fetch_all(
            "SELECT outcome, COUNT(*) FROM feed_items WHERE feed_id = ? GROUP BY outcome",
            (feed_id,),
        )
        return {row[0]: int(row[1]) for row in rows}


def _chunks(values: list[str], size: int = 400) -> list[list[str]]:
    return [values[i : i + size] for i in range(0, len(values), size)]


def _feed(row: Row) -> Feed:
    return Feed(
        id=row[0],
        url=row[1],
        name=row[2],
        policy=FeedPolicy(row[3]),
        channel=row[4],
        paused=bool(row[5]),
        interval=dt.timedelta(seconds=row[6]),
        filter=FeedFilter(tuple(json.loads(row[7])), tuple(json.loads(row[8]))),
        etag=row[9],
        last_modified=row[10],
        next_poll_at=from_text(row[11]),  # type: ignore[arg-type]
        last_polled_at=from_text(row[12]),
        last_success_at=from_text(row[13]),
        failures=row[14],
        last_error=row[15],
        alerted=bool(row[16]),
        body_hash=row[17],
    )
