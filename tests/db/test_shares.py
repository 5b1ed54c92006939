"""The share cache on a real SQLite file."""

from __future__ import annotations

import asyncio
import datetime as dt
import io
from pathlib import Path

import pytest
from PIL import Image

from bot.models import Article, Card, CardSize, Draft, Platform, ShareResult
from bot.settings import DatabaseUrl
from db import SavedShare, ShareRepository, open_database
from db.database import Database, SQLiteDatabase


def png(color: tuple[int, int, int], size: tuple[int, int] = (12, 6)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, "PNG")
    return buffer.getvalue()


def make_result(
    url: str | None = "https://akhbar-sahel.ma/economy/port-expansion",
    *,
    title: str = "توسعة ميناء الساحل تبدأ الشهر المقبل",
    drafts_text: str = "نص تجريبي عن الميناء",
    color: tuple[int, int, int] = (10, 20, 30),
) -> ShareResult:
    article = Article(
        title=title,
        text="الفقرة الأولى عن المشروع.\n\nالفقرة الثانية عن التمويل.",
        url=url,
        source_url=url,
        image_url="https://akhbar-sahel.ma/img/port.jpg",
        published=dt.date(2025, 11, 24),
        author="سلمى العلوي",
        site_name="أخبار الساحل",
        section="اقتصاد",
    )
    drafts = (
        Draft(
            Platform.X,
            f"{drafts_text} {url}",
            120,
            280,
            link=url,
            hashtags=("#الميناء", "#اقتصاد"),
            share_url="https://twitter.com/intent/tweet?text=x",
            summary="ملخص",
        ),
        Draft(Platform.TELEGRAM, f"<b>{title}</b>\n{drafts_text}", 60, 1024, link=url),
        Draft(Platform.WHATSAPP, drafts_text, 20, 65536, share_url="https://wa.me/?text=y"),
    )
    cards = (
        Card(CardSize.WIDE, "PNG", png(color)),
        Card(CardSize.X, "JPEG", b"\xff\xd8jpeg-bytes"),
    )
    return ShareResult(article=article, slug="port-expansion", drafts=drafts, cards=cards)


async def test_sqlite_file_uses_wal_and_foreign_keys(tmp_path: Path) -> None:
    database = await open_database(tmp_path / "data" / "nashir.sqlite3")
    try:
        assert isinstance(database, SQLiteDatabase)
        assert (await database.fetch_one("PRAGMA journal_mode")) == ("wal",)
        assert (await database.fetch_one("PRAGMA foreign_keys")) == (1,)
    finally:
        await database.close()


async def test_saved_share_comes_back_equal_by_every_key(database: Database) -> None:
    repository = ShareRepository(database)
    result = make_result()
    saved = await repository.save(result, source_url="https://akhbar-sahel.ma/p?id=7")

    by_id = await repository.by_id(saved.id)
    by_source = await repository.by_source("https://akhbar-sahel.ma/p?id=7")
    by_canonical = await repository.by_canonical(result.article.url or "")
    by_canonical_as_source = await repository.by_source(result.article.url or "")

    for found in (by_id, by_source, by_canonical, by_canonical_as_source):
        assert isinstance(found, SavedShare)
        assert found.id == saved.id
        assert found.result == result
        assert dict(found.file_ids) == {}
    assert await repository.by_id("missing") is None
    assert await repository.by_source("https://elsewhere.ma/") is None


async def test_share_ids_are_short_enough_for_buttons(database: Database) -> None:
    saved = await ShareRepository(database).save(make_result())
    assert 1 <= len(saved.id.encode()) <= 12
    assert ":" not in saved.id


async def test_same_article_again_keeps_its_id_and_replaces_content(
    database: Database,
) -> None:
    repository = ShareRepository(database)
    first = await repository.save(make_result(), source_url="https://a.ma/1")
    await repository.set_file_id(first.id, CardSize.WIDE, "file-1")

    newer = make_result(drafts_text="نص محدث", color=(200, 0, 0))
    second = await repository.save(newer, source_url="https://b.ma/2")

    assert second.id == first.id
    loaded = await repository.by_source("https://a.ma/1")
    assert loaded is not None
    assert loaded.result == newer
    assert dict(loaded.file_ids) == {}  # new cards: the old upload no longer matches
    assert (await repository.by_source("https://b.ma/2")).id == first.id  # type: ignore[union-attr]


async def test_pasted_text_is_found_by_its_key(database: Database) -> None:
    repository = ShareRepository(database)
    result = make_result(url=None)
    saved = await repository.save(result, text_key="abc123")
    found = await repository.by_text_key("abc123")
    assert found is not None and found.id == saved.id and found.result.article.url is None
    with pytest.raises(ValueError):
        await repository.save(make_result(url=None))


async def test_file_ids_and_late_cards_are_kept(database: Database) -> None:
    repository = ShareRepository(database)
    saved = await repository.save(make_result())
    square = Card(CardSize.SQUARE, "PNG", png((1, 2, 3), (8, 8)))

    await repository.set_file_id(saved.id, CardSize.WIDE, "AgAC-wide")
    await repository.add_cards(saved.id, [square])

    loaded = await repository.by_id(saved.id)
    assert loaded is not None
    assert dict(loaded.file_ids) == {CardSize.WIDE: "AgAC-wide"}
    assert [card.size for card in loaded.result.cards] == [
        CardSize.WIDE,
        CardSize.X,
        CardSize.SQUARE,
    ]
    assert loaded.card(CardSize.SQUARE) == square


async def test_deleting_a_share_removes_its_rows(database: Database) -> None:
    repository = ShareRepository(database)
    saved = await repository.save(make_result(), source_url="https://a.ma/1")
    async with database.transaction() as tx:
        await tx.execute("DELETE FROM shares WHERE id = ?", (saved.id,))
    for table in ("share_drafts", "share_cards", "share_sources"):
        assert await database.fetch_one(f"SELECT COUNT(*) FROM {table}") == (0,), table


async def test_concurrent_saves_do_not_mix_transactions(database: Database) -> None:
    repository = ShareRepository(database)
    results = [make_result(f"https://akhbar-sahel.ma/a/{n}", title=f"خبر {n}") for n in range(25)]

    saved = await asyncio.gather(*(repository.save(r, source_url=r.article.url) for r in results))

    assert len({s.id for s in saved}) == 25
    for share, result in zip(saved, results, strict=True):
        assert (await repository.by_id(share.id)).result == result  # type: ignore[union-attr]


async def test_shares_survive_reopening_the_database(database_url: DatabaseUrl) -> None:
    first = await open_database(database_url)
    saved = await ShareRepository(first).save(make_result())
    await first.close()

    second = await open_database(database_url)
    try:
        assert (await ShareRepository(second).by_id(saved.id)) is not None
    finally:
        await second.close()
