"""Newsroom drafts, their cards and their history.

Every change is a conditional ``UPDATE … WHERE id = ? AND version = ?``: of two editors
pressing at once, exactly one changes the row, the other gets ``None`` and is shown what
happened. The change, its line in the history and the outbox rows it queues are written in
one transaction, before anything is sent anywhere.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from typing import Any

from bot.models import Article, CardSize
from bot.newsroom.models import (
    UNSET,
    DraftCard,
    DraftChange,
    DraftContent,
    DraftEvent,
    DraftStatus,
    NewsroomDraft,
    Person,
    PostKind,
    QueuedPost,
    ShareButton,
    Target,
)
from db.database import Database, Row, Transaction, from_text, to_text

_COLUMNS = (
    "id, status, version, targets, origin, article, headline, channel_text, x_text, x_link, theme,"
    " variant, used_sentences, buttons, created_by, created_by_name, created_at, updated_at,"
    " scheduled_at, preview_chat_id, preview_message_id, decided_by, decided_by_name,"
    " decided_at, reason, channel, breaking, feed_id, auto"
)


def article_to_json(article: Article) -> str:
    return json.dumps(
        {
            "title": article.title,
            "text": article.text,
            "url": article.url,
            "source_url": article.source_url,
            "image_url": article.image_url,
            "published": article.published.isoformat() if article.published else None,
            "author": article.author,
            "site_name": article.site_name,
            "language": article.language,
            "section": article.section,
            "tags": list(getattr(article, "tags", ()) or ()),
        },
        ensure_ascii=False,
    )


def article_from_json(value: str) -> Article:
    data = json.loads(value)
    published = dt.date.fromisoformat(data["published"]) if data.get("published") else None
    fields = {
        "title": data["title"],
        "text": data["text"],
        "url": data.get("url"),
        "source_url": data.get("source_url"),
        "image_url": data.get("image_url"),
        "published": published,
        "author": data.get("author"),
        "site_name": data.get("site_name"),
        "language": data.get("language") or "ar",
        "section": data.get("section"),
    }
    if "tags" in Article.__dataclass_fields__:
        fields["tags"] = tuple(data.get("tags") or ())
    return Article(**fields)


class DraftRepository:
    """Drafts in the newsroom database."""

    def __init__(self, database: Database) -> None:
        self._db = database

    async def create(
        self,
        *,
        article: Article,
        content: DraftContent,
        targets: frozenset[Target],
        created_by: Person,
        origin: str,
        at: dt.datetime,
        channel: str | None = None,
        breaking: bool = False,
        feed_id: int | None = None,
        auto: bool = False,
    ) -> NewsroomDraft:
        """Store a new draft awaiting review, with its first history line."""
        async with self._db.transaction() as tx:
            draft_id = await tx.insert(
                "INSERT INTO drafts (status, version, targets, origin, article, canonical_url,"
                " headline, channel_text, x_text, x_link, theme, variant, used_sentences,"
                " buttons, created_by, created_by_name, created_at, updated_at, channel,"
                " breaking, feed_id, auto)"
                " VALUES (?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    DraftStatus.PENDING_REVIEW.value,
                    _targets_text(targets),
                    origin,
                    article_to_json(article),
                    article.url,
                    content.headline,
                    content.channel_text,
                    content.x_text,
                    content.link,
                    content.theme,
                    content.variant,
                    json.dumps(list(content.used), ensure_ascii=False),
                    _buttons_json(content.buttons),
                    created_by.id,
                    created_by.label,
                    to_text(at),
                    to_text(at),
                    channel,
                    int(breaking),
                    feed_id,
                    int(auto),
                ),
            )
            await _write_cards(tx, draft_id, content.cards)
            await _write_event(
                tx,
                DraftEvent(
                    draft_id,
                    1,
                    at,
                    created_by,
                    "submit",
                    None,
                    DraftStatus.PENDING_REVIEW,
                    detail=article.url or article.title,
                ),
            )
            return await _load(tx, draft_id)  # type: ignore[return-value]

    async def get(self, draft_id: int) -> NewsroomDraft | None:
        async with self._db.transaction() as tx:
            return await _load(tx, draft_id)

    async def change(
        self,
        draft_id: int,
        expected_version: int,
        change: DraftChange,
        events: Sequence[DraftEvent],
        *,
        queue: Sequence[QueuedPost] = (),
        cancel_kinds: Sequence[PostKind] = (),
        requeue_failed: bool = False,
        at: dt.datetime,
    ) -> NewsroomDraft | None:
        """Apply ``change`` if the draft is still at ``expected_version``.

        Returns:
            The draft after the change, or None when another change came first (the version
            moved on) — then nothing was written.
        """
        sets = ["version = version + 1", "updated_at = ?"]
        params: list[Any] = [to_text(at)]
        if change.status is not None:
            sets.append("status = ?")
            params.append(change.status.value)
        if change.targets is not None:
            sets.append("targets = ?")
            params.append(_targets_text(change.targets))
        if change.scheduled_at is not UNSET:
            sets.append("scheduled_at = ?")
            params.append(to_text(change.scheduled_at))
        if change.decided_by is not UNSET:
            person = change.decided_by
            sets += ["decided_by = ?", "decided_by_name = ?", "decided_at = ?"]
            params += [
                person.id if person else None,
                person.label if person else None,
                to_text(at) if person else None,
            ]
        if change.reason is not UNSET:
            sets.append("reason = ?")
            params.append(change.reason)
        content = change.content
        if content is not None:
            sets.append(
                "headline = ?, channel_text = ?, x_text = ?, x_link = ?, theme = ?, variant = ?,"
                " used_sentences = ?, buttons = ?"
            )
            params += [
                content.headline,
                content.channel_text,
                content.x_text,
                content.link,
                content.theme,
                content.variant,
                json.dumps(list(content.used), ensure_ascii=False),
                _buttons_json(content.buttons),
            ]
        async with self._db.transaction() as tx:
            changed = await tx.execute(
                f"UPDATE drafts SET {', '.join(sets)} WHERE id = ? AND version = ?",
                (*params, draft_id, expected_version),
            )
            if changed != 1:
                return None
            if content is not None and content.cards:
                await tx.execute("DELETE FROM draft_cards WHERE draft_id = ?", (draft_id,))
                await _write_cards(tx, draft_id, content.cards)
            for event in events:
                await _write_event(tx, event)
            for post in queue:
                await tx.execute(
                    "INSERT INTO outbox (draft_id, kind, target, parent_kind, status, text,"
                    " not_before, created_at, updated_at)"
                    " VALUES (?, ?, ?, ?, 'pending', ?, ?, ?, ?)"
                    " ON CONFLICT (draft_id, kind) DO NOTHING",
                    (
                        draft_id,
                        post.kind.value,
                        post.kind.target.value,
                        post.kind.parent.value if post.kind.parent else None,
                        post.text,
                        to_text(at),
                        to_text(at),
                        to_text(at),
                    ),
                )
            if requeue_failed:
                # Failed posts, and the replies cancelled with them, are tried again.
                await tx.execute(
                    "UPDATE outbox SET status = 'pending', not_before = ?, error = NULL,"
                    " updated_at = ? WHERE draft_id = ? AND (status = 'failed'"
                    " OR (status = 'cancelled' AND error IS NOT NULL))",
                    (to_text(at), to_text(at), draft_id),
                )
            for kind in cancel_kinds:
                await tx.execute(
                    "UPDATE outbox SET status = 'cancelled', updated_at = ?"
                    " WHERE draft_id = ? AND kind = ? AND status IN ('pending', 'failed')",
                    (to_text(at), draft_id, kind.value),
                )
            return await _load(tx, draft_id)

    async def set_preview(self, draft_id: int, chat_id: int, message_id: int) -> None:
        """Remember the editors' group message that shows this draft (not a version change)."""
        async with self._db.transaction() as tx:
            await tx.execute(
                "UPDATE drafts SET preview_chat_id = ?, preview_message_id = ? WHERE id = ?",
                (chat_id, message_id, draft_id),
            )

    async def mark_reported(self, draft_id: int, *, at: dt.datetime) -> None:
        """The editors were told how the draft's publication ended."""
        async with self._db.transaction() as tx:
            await tx.execute(
                "UPDATE drafts SET reported_at = ? WHERE id = ?", (to_text(at), draft_id)
            )

    async def unreported(self) -> list[NewsroomDraft]:
        """Drafts whose publication ended without the editors being told (a crash)."""
        async with self._db.transaction() as tx:
            rows = await tx.fetch_all(
                f"SELECT {_COLUMNS} FROM drafts WHERE reported_at IS NULL"
                " AND status IN ('published', 'partly_published', 'failed') ORDER BY id"
            )
            return [await _from_row(tx, row) for row in rows]

    async def note(self, event: DraftEvent) -> None:
        """Add a line to a draft's history that changes nothing else (a failed attempt …)."""
        async with self._db.transaction() as tx:
            await _write_event(tx, event)

    async def history(self, draft_id: int) -> list[DraftEvent]:
        rows = await self._db.fetch_all(
            "SELECT draft_id, version, at, actor_id, actor_name, action, from_status, to_status,"
            " before_text, after_text, detail FROM draft_events WHERE draft_id = ? ORDER BY id",
            (draft_id,),
        )
        return [
            DraftEvent(
                draft_id=row[0],
                version=row[1],
                at=from_text(row[2]),  # type: ignore[arg-type]
                actor=Person(row[3], row[4]),
                action=row[5],
                from_status=DraftStatus(row[6]) if row[6] else None,
                to_status=DraftStatus(row[7]) if row[7] else None,
                before=row[8],
                after=row[9],
                detail=row[10],
            )
            for row in rows
        ]

    async def with_status(
        self, statuses: Sequence[DraftStatus], *, limit: int = 50
    ) -> list[NewsroomDraft]:
        """Drafts in any of ``statuses``, oldest first."""
        marks = ", ".join("?" for _ in statuses)
        async with self._db.transaction() as tx:
            rows = await tx.fetch_all(
                f"SELECT {_COLUMNS} FROM drafts WHERE status IN ({marks}) ORDER BY id LIMIT ?",
                (*(s.value for s in statuses), limit),
            )
            return [await _from_row(tx, row) for row in rows]

    async def due(self, now: dt.datetime, *, limit: int = 20) -> list[NewsroomDraft]:
        """Scheduled drafts whose time has come, earliest first."""
        async with self._db.transaction() as tx:
            rows = await tx.fetch_all(
                f"SELECT {_COLUMNS} FROM drafts WHERE status = 'scheduled' AND scheduled_at <= ?"
                " ORDER BY scheduled_at, id LIMIT ?",
                (to_text(now), limit),
            )
            return [await _from_row(tx, row) for row in rows]

    async def queued(self, *, since: dt.datetime) -> list[NewsroomDraft]:
        """Scheduled drafts, and drafts published or publishing since ``since`` (the posts
        the schedule's spacing and caps count), in time order."""
        async with self._db.transaction() as tx:
            rows = await tx.fetch_all(
                f"SELECT {_COLUMNS} FROM drafts WHERE status = 'scheduled'"
                " OR (status IN ('publishing', 'published', 'partly_published')"
                " AND updated_at >= ?) ORDER BY COALESCE(scheduled_at, updated_at), id",
                (to_text(since),),
            )
            return [await _from_row(tx, row) for row in rows]

    async def by_url(self, url: str) -> NewsroomDraft | None:
        """The latest draft of the article at ``url`` (its canonical address)."""
        async with self._db.transaction() as tx:
            row = await tx.fetch_one(
                f"SELECT {_COLUMNS} FROM drafts WHERE canonical_url = ? ORDER BY id DESC LIMIT 1",
                (url,),
            )
            return await _from_row(tx, row) if row else None

    async def next_due(self) -> dt.datetime | None:
        row = await self._db.fetch_one(
            "SELECT MIN(scheduled_at) FROM drafts WHERE status = 'scheduled'"
        )
        return from_text(row[0]) if row else None


# ----------------------------------------------------------------------------- internals


def _targets_text(targets: frozenset[Target]) -> str:
    return ",".join(target.value for target in Target if target in targets)


def _buttons_json(buttons: Sequence[ShareButton]) -> str:
    return json.dumps([[b.label, b.url] for b in buttons], ensure_ascii=False)


async def _write_cards(tx: Transaction, draft_id: int, cards: Sequence[DraftCard]) -> None:
    for card in cards:
        await tx.execute(
            "INSERT INTO draft_cards (draft_id, size, image_format, data) VALUES (?, ?, ?, ?)",
            (draft_id, card.size.value, card.image_format, card.data),
        )


async def _write_event(tx: Transaction, event: DraftEvent) -> None:
    await tx.execute(
        "INSERT INTO draft_events (draft_id, version, at, actor_id, actor_name, action,"
        " from_status, to_status, before_text, after_text, detail)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            event.draft_id,
            event.version,
            to_text(event.at),
            event.actor.id,
            event.actor.label,
            event.action,
            event.from_status.value if event.from_status else None,
            event.to_status.value if event.to_status else None,
            event.before,
            event.after,
            event.detail,
        ),
    )


async def _load(tx: Transaction, draft_id: int) -> NewsroomDraft | None:
    row = await tx.fetch_one(f"SELECT {_COLUMNS} FROM drafts WHERE id = ?", (draft_id,))
    return await _from_row(tx, row) if row else None


async def _from_row(tx: Transaction, row: Row) -> NewsroomDraft:
    cards = await tx.fetch_all(
        "SELECT size, image_format, data FROM draft_cards WHERE draft_id = ? ORDER BY size",
        (row[0],),
    )
    content = DraftContent(
        headline=row[6],
        channel_text=row[7],
        x_text=row[8],
        link=row[9],
        theme=row[10],
        variant=row[11],
        used=tuple(json.loads(row[12])),
        buttons=tuple(ShareButton(label, url) for label, url in json.loads(row[13])),
        cards=tuple(DraftCard(CardSize(c[0]), c[1], bytes(c[2])) for c in cards),
    )
    decided = Person(row[21], row[22] or "") if row[21] is not None else None
    return NewsroomDraft(
        id=row[0],
        status=DraftStatus(row[1]),
        version=row[2],
        targets=frozenset(Target(t) for t in row[3].split(",") if t),
        origin=row[4],
        article=article_from_json(row[5]),
        content=content,
        created_by=Person(row[14], row[15]),
        created_at=from_text(row[16]),  # type: ignore[arg-type]
        updated_at=from_text(row[17]),  # type: ignore[arg-type]
        scheduled_at=from_text(row[18]),
        preview_chat_id=row[19],
        preview_message_id=row[20],
        decided_by=decided,
        decided_at=from_text(row[23]),
        reason=row[24],
        channel=row[25],
        breaking=bool(row[26]),
        feed_id=row[27],
        auto=bool(row[28]),
    )
