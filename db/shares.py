"""The share cache: an article with its drafts and cards, stored once per canonical URL.

A share is found by its short id (carried by Telegram buttons, so callbacks survive a
restart), by the canonical URL of its article, by any source URL that led to it, or by the
hash of a pasted text. Cards keep the Telegram ``file_id`` once uploaded, so the same photo is
never uploaded twice and inline mode can offer it.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import secrets
from collections.abc import AsyncIterator, Callable, Iterable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from types import MappingProxyType

import aiosqlite

from bot.models import Article, Card, CardSize, Draft, Platform, ShareResult

_ARTICLE_COLUMNS = (
    "slug, title, body, url, source_url, image_url, published, author, site_name, language,"
    " section, tags, created_at"
)


def new_share_id() -> str:
    """Eight URL-safe characters: short enough for any callback_data, hard to guess."""
    return secrets.token_urlsafe(6)


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass(frozen=True, slots=True)
class SavedShare:
    """A cached share result and what Telegram already knows about it."""

    id: str
    result: ShareResult
    created_at: dt.datetime
    file_ids: Mapping[CardSize, str] = field(default_factory=lambda: MappingProxyType({}))

    def card(self, size: CardSize) -> Card | None:
        return next((card for card in self.result.cards if card.size is size), None)

    def with_file_id(self, size: CardSize, file_id: str) -> SavedShare:
        return SavedShare(
            self.id,
            self.result,
            self.created_at,
            MappingProxyType({**self.file_ids, size: file_id}),
        )

    def with_cards(self, cards: Iterable[Card]) -> SavedShare:
        added = {card.size: card for card in cards}
        kept = tuple(card for card in self.result.cards if card.size not in added)
        result = ShareResult(
            article=self.result.article,
            slug=self.result.slug,
            drafts=self.result.drafts,
            cards=kept + tuple(added.values()),
        )
        file_ids = {size: fid for size, fid in self.file_ids.items() if size not in added}
        return SavedShare(self.id, result, self.created_at, MappingProxyType(file_ids))


class ShareRepository:
    """Shares in SQLite. One instance per connection; safe for concurrent coroutines."""

    def __init__(
        self,
        connection: aiosqlite.Connection,
        *,
        id_factory: Callable[[], str] = new_share_id,
        clock: Callable[[], dt.datetime] = _utc_now,
    ) -> None:
        self._db = connection
        self._new_id = id_factory
        self._clock = clock
        # One connection runs one transaction at a time: without the lock, two coroutines'
        # statements would interleave inside the same transaction.
        self._lock = asyncio.Lock()

    async def by_id(self, share_id: str) -> SavedShare | None:
        async with self._lock:
            return await self._load(share_id)

    async def by_source(self, source_url: str) -> SavedShare | None:
        return await self._find(
            "SELECT share_id FROM share_sources WHERE source_url = ?", source_url
        )

    async def by_canonical(self, url: str) -> SavedShare | None:
        return await self._find("SELECT id FROM shares WHERE canonical_url = ?", url)

    async def by_text_key(self, text_key: str) -> SavedShare | None:
        return await self._find("SELECT id FROM shares WHERE text_key = ?", text_key)

    async def save(
        self,
        result: ShareResult,
        *,
        source_url: str | None = None,
        text_key: str | None = None,
    ) -> SavedShare:
        """Store ``result``, replacing an earlier share of the same article but keeping its id.

        Args:
            result: what the pipeline produced.
            source_url: the normalised address the user sent, remembered as a way back.
            text_key: for pasted text (no canonical URL), the hash that identifies it.

        Raises:
            ValueError: the result has neither a canonical URL nor a ``text_key``.
        """
        canonical = result.article.url
        if canonical is None and text_key is None:
            raise ValueError("a share needs a canonical URL or a text key")
        now = self._clock()
        async with self._lock, self._transaction():
            if canonical is not None:
                existing = await self._scalar(
                    "SELECT id FROM shares WHERE canonical_url = ?", canonical
                )
            else:
                existing = await self._scalar("SELECT id FROM shares WHERE text_key = ?", text_key)
            share_id = existing or await self._unused_id()
            await self._write_article(
                share_id, result, canonical, text_key, now, replace=bool(existing)
            )
            await self._db.execute("DELETE FROM share_drafts WHERE share_id = ?", (share_id,))
            await self._db.execute("DELETE FROM share_cards WHERE share_id = ?", (share_id,))
            await self._insert_drafts(share_id, result.drafts)
            await self._insert_cards(share_id, result.cards, first_position=0)
            for source in {s for s in (source_url, canonical) if s}:
                await self._db.execute(
                    "INSERT INTO share_sources (source_url, share_id) VALUES (?, ?)"
                    " ON CONFLICT (source_url) DO UPDATE SET share_id = excluded.share_id",
                    (source, share_id),
                )
        return SavedShare(share_id, result, now)

    async def add_cards(self, share_id: str, cards: Iterable[Card]) -> None:
        """Add (or replace) cards rendered after the share was saved."""
        cards = tuple(cards)
        async with self._lock, self._transaction():
            position = await self._scalar(
                "SELECT COALESCE(MAX(position) + 1, 0) FROM share_cards WHERE share_id = ?",
                share_id,
            )
            await self._db.executemany(
                "DELETE FROM share_cards WHERE share_id = ? AND size = ?",
                [(share_id, card.size.value) for card in cards],
            )
            await self._insert_cards(share_id, cards, first_position=int(position or 0))

    async def set_file_id(self, share_id: str, size: CardSize, file_id: str) -> None:
        """Remember the Telegram file id of an uploaded card."""
        async with self._lock, self._transaction():
            await self._db.execute(
                "UPDATE share_cards SET telegram_file_id = ? WHERE share_id = ? AND size = ?",
                (file_id, share_id, size.value),
            )

    # ------------------------------------------------------------------ internals

    @asynccontextmanager
    async def _transaction(self) -> AsyncIterator[None]:
        await self._db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            await self._db.rollback()
            raise
        await self._db.commit()

    async def _find(self, query: str, value: str) -> SavedShare | None:
        async with self._lock:
            share_id = await self._scalar(query, value)
            return await self._load(share_id) if share_id else None

    async def _scalar(self, query: str, *args: object) -> str | int | None:
        # One trip to aiosqlite's thread per statement (execute + fetch + close would be three):
        # every trip waits for a turn of a busy event loop.
        rows = list(await self._db.execute_fetchall(query, args))
        return rows[0][0] if rows else None

    async def _unused_id(self) -> str:
        while True:
            candidate = self._new_id()
            if not await self._scalar("SELECT 1 FROM shares WHERE id = ?", candidate):
                return candidate

    async def _write_article(
        self,
        share_id: str,
        result: ShareResult,
        canonical: str | None,
        text_key: str | None,
        now: dt.datetime,
        *,
        replace: bool,
    ) -> None:
        article = result.article
        values = (
            result.slug,
            article.title,
            article.text,
            article.url,
            article.source_url,
            article.image_url,
            article.published.isoformat() if article.published else None,
            article.author,
            article.site_name,
            article.language,
            article.section,
            json.dumps(list(article.tags), ensure_ascii=False),
            now.isoformat(),
        )
        if replace:
            columns = ", ".join(f"{name.strip()} = ?" for name in _ARTICLE_COLUMNS.split(","))
            await self._db.execute(
                f"UPDATE shares SET {columns} WHERE id = ?", (*values, share_id)
            )
        else:
            await self._db.execute(
                f"INSERT INTO shares (id, canonical_url, text_key, {_ARTICLE_COLUMNS})"
                f" VALUES (?, ?, ?, {', '.join('?' * len(values))})",
                (share_id, canonical, text_key, *values),
            )

    async def _insert_drafts(self, share_id: str, drafts: Iterable[Draft]) -> None:
        await self._db.executemany(
            "INSERT INTO share_drafts (share_id, platform, position, text, length, max_length,"
            " link, hashtags, share_url, summary) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    share_id,
                    draft.platform.value,
                    position,
                    draft.text,
                    draft.length,
                    draft.limit,
                    draft.link,
                    json.dumps(list(draft.hashtags), ensure_ascii=False),
                    draft.share_url,
                    draft.summary,
                )
                for position, draft in enumerate(drafts)
            ],
        )

    async def _insert_cards(
        self, share_id: str, cards: Iterable[Card], *, first_position: int
    ) -> None:
        await self._db.executemany(
            "INSERT INTO share_cards (share_id, size, position, image_format, data)"
            " VALUES (?, ?, ?, ?, ?)",
            [
                (share_id, card.size.value, first_position + offset, card.image_format, card.data)
                for offset, card in enumerate(cards)
            ],
        )

    async def _load(self, share_id: str) -> SavedShare | None:
        rows = list(
            await self._db.execute_fetchall(
                f"SELECT {_ARTICLE_COLUMNS} FROM shares WHERE id = ?", (share_id,)
            )
        )
        if not rows:
            return None
        row = rows[0]
        (slug, title, body, url, source_url, image_url, published, author, site_name) = row[:9]
        language, section, tags, created_at = row[9:]
        article = Article(
            title=title,
            text=body,
            url=url,
            source_url=source_url,
            image_url=image_url,
            published=dt.date.fromisoformat(published) if published else None,
            author=author,
            site_name=site_name,
            language=language,
            section=section,
            tags=tuple(json.loads(tags)),
        )
        draft_rows = await self._db.execute_fetchall(
            "SELECT platform, text, length, max_length, link, hashtags, share_url, summary"
            " FROM share_drafts WHERE share_id = ? ORDER BY position",
            (share_id,),
        )
        drafts = tuple(
            Draft(
                platform=Platform(platform),
                text=text,
                length=length,
                limit=limit,
                link=link,
                hashtags=tuple(json.loads(hashtags)),
                share_url=share_url,
                summary=summary,
            )
            for platform, text, length, limit, link, hashtags, share_url, summary in draft_rows
        )
        cards: list[Card] = []
        file_ids: dict[CardSize, str] = {}
        card_rows = await self._db.execute_fetchall(
            "SELECT size, image_format, data, telegram_file_id FROM share_cards"
            " WHERE share_id = ? ORDER BY position",
            (share_id,),
        )
        for size, image_format, data, file_id in card_rows:
            card = Card(size=CardSize(size), image_format=image_format, data=bytes(data))
            cards.append(card)
            if file_id:
                file_ids[card.size] = file_id
        result = ShareResult(article=article, slug=slug, drafts=drafts, cards=tuple(cards))
        return SavedShare(
            share_id, result, dt.datetime.fromisoformat(created_at), MappingProxyType(file_ids)
        )
