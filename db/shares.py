"""The share cache: an article with its drafts and cards, stored once per canonical URL.

A share is found by its short id (carried by Telegram buttons, so callbacks survive a
restart), by the canonical URL of its article, by any source URL that led to it, or by the
hash of a pasted text. Cards keep the Telegram ``file_id`` once uploaded, so the same photo is
never uploaded twice and inline mode can offer it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import secrets
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from bot.models import Article, Card, CardSize, Draft, Platform, ShareResult
from db.database import Database, Transaction

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
    """Shares in the database; safe for concurrent coroutines and processes."""

    def __init__(
        self,
        database: Database,
        *,
        id_factory: Callable[[], str] = new_share_id,
        clock: Callable[[], dt.datetime] = _utc_now,
    ) -> None:
        self._db = database
        self._new_id = id_factory
        self._clock = clock

    async def by_id(self, share_id: str) -> SavedShare | None:
        async with self._db.snapshot() as tx:
            return await _load(tx, share_id)

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
        async with self._db.transaction() as tx:
            if canonical is not None:
                # Two workers saving the same article at once: the second waits here for the
                # first's row instead of inserting a duplicate.
                await tx.lock_key(_text_lock_key(canonical))
                existing = await _scalar(
                    tx, "SELECT id FROM shares WHERE canonical_url = ?", canonical
                )
            else:
                await tx.lock_key(_text_lock_key(str(text_key)))
                existing = await _scalar(tx, "SELECT id FROM shares WHERE text_key = ?", text_key)
            share_id = str(existing) if existing else await self._unused_id(tx)
            await _write_article(
                tx, share_id, result, canonical, text_key, now, replace=bool(existing)
            )
            await tx.execute("DELETE FROM share_drafts WHERE share_id = ?", (share_id,))
            await tx.execute("DELETE FROM share_cards WHERE share_id = ?", (share_id,))
            await _insert_drafts(tx, share_id, result.drafts)
            await _insert_cards(tx, share_id, result.cards, first_position=0)
            for source in sorted({s for s in (source_url, canonical) if s}):
                await tx.execute(
                    "INSERT INTO share_sources (source_url, share_id) VALUES (?, ?)"
                    " ON CONFLICT (source_url) DO UPDATE SET share_id = excluded.share_id",
                    (source, share_id),
                )
        return SavedShare(share_id, result, now)

    async def add_cards(self, share_id: str, cards: Iterable[Card]) -> None:
        """Add (or replace) cards rendered after the share was saved."""
        cards = tuple(cards)
        async with self._db.transaction() as tx:
            await tx.lock_key(_text_lock_key(share_id))
            position = await _scalar(
                tx,
                "SELECT COALESCE(MAX(position) + 1, 0) FROM share_cards WHERE share_id = ?",
                share_id,
            )
            await tx.execute_many(
                "DELETE FROM share_cards WHERE share_id = ? AND size = ?",
                [(share_id, card.size.value) for card in cards],
            )
            await _insert_cards(tx, share_id, cards, first_position=int(position or 0))

    async def set_file_id(self, share_id: str, size: CardSize, file_id: str) -> None:
        """Remember the Telegram file id of an uploaded card."""
        async with self._db.transaction() as tx:
            await tx.execute(
                "UPDATE share_cards SET telegram_file_id = ? WHERE share_id = ? AND size = ?",
                (file_id, share_id, size.value),
            )

    # ------------------------------------------------------------------ internals

    async def _find(self, query: str, value: str) -> SavedShare | None:
        async with self._db.snapshot() as tx:
            share_id = await _scalar(tx, query, value)
            return await _load(tx, str(share_id)) if share_id else None

    async def _unused_id(self, tx: Transaction) -> str:
        while True:
            candidate = self._new_id()
            if not await _scalar(tx, "SELECT 1 FROM shares WHERE id = ?", candidate):
                return candidate


def _text_lock_key(text: str) -> int:
    """A stable signed 64-bit number for a text, as advisory locks take (not ``hash()``,
    which differs between processes)."""
    digest = hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


async def _scalar(tx: Transaction, query: str, *args: object) -> str | int | None:
    row = await tx.fetch_one(query, args)
    return row[0] if row else None


async def _write_article(
    tx: Transaction,
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
        await tx.execute(f"UPDATE shares SET {columns} WHERE id = ?", (*values, share_id))
    else:
        await tx.execute(
            f"INSERT INTO shares (id, canonical_url, text_key, {_ARTICLE_COLUMNS})"
            f" VALUES (?, ?, ?, {', '.join('?' * len(values))})",
            (share_id, canonical, text_key, *values),
        )


async def _insert_drafts(tx: Transaction, share_id: str, drafts: Iterable[Draft]) -> None:
    await tx.execute_many(
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
    tx: Transaction, share_id: str, cards: Iterable[Card], *, first_position: int
) -> None:
    await tx.execute_many(
        "INSERT INTO share_cards (share_id, size, position, image_format, data)"
        " VALUES (?, ?, ?, ?, ?)",
        [
            (share_id, card.size.value, first_position + offset, card.image_format, card.data)
            for offset, card in enumerate(cards)
        ],
    )


async def _load(tx: Transaction, share_id: str) -> SavedShare | None:
    row = await tx.fetch_one(f"SELECT {_ARTICLE_COLUMNS} FROM shares WHERE id = ?", (share_id,))
    if row is None:
        return None
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
    draft_rows = await tx.fetch_all(
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
    card_rows = await tx.fetch_all(
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
