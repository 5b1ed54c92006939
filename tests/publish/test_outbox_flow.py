"""Approved drafts reach the channel and X exactly once, whatever the platforms answer."""

from __future__ import annotations

import io

from PIL import Image

from bot.models import Article, CardSize, Platform
from bot.newsroom.models import DraftStatus, OutboxStatus, PostKind
from bot.platforms import PLATFORMS
from bot.publish.x import COST_POST_MICROS
from devtools.xapi import DUPLICATE
from tests.publish.conftest import CHANNEL_ID, EDITORS_CHAT_ID, Publishing


async def test_approved_draft_makes_one_channel_post_and_one_x_post(
    publishing: Publishing, sample_article: Article
) -> None:
    draft = await publishing.approved(sample_article)
    mark = publishing.api.mark()
    await publishing.drain()

    photo = publishing.api.find("sendPhoto", since=mark, chat_id=CHANNEL_ID)
    assert len(photo) == 1
    call = photo[0]
    # The card itself, uploaded as bytes, and the caption as the editors saw it.
    upload = call.files["photo"]
    assert upload.data == draft.content.card(CardSize.WIDE).data  # type: ignore[union-attr]
    with Image.open(io.BytesIO(upload.data)) as image:
        assert image.size == (1200, 630)
    assert call.params["caption"] == draft.content.channel_text
    assert PLATFORMS[Platform.TELEGRAM].fits(call.params["caption"])
    buttons = [b for row in call.params["reply_markup"]["inline_keyboard"] for b in row]
    assert buttons and all("url" in b and "callback_data" not in b for b in buttons)
    assert {b["text"] for b in buttons} >= {"واتساب", "فيسبوك", "إكس"}

    upload_calls = [c for c in publishing.xapi.calls if c.path == "/2/media/upload"]
    tweet_calls = [c for c in publishing.xapi.calls if c.path == "/2/tweets"]
    assert len(upload_calls) == 1 and len(tweet_calls) == 1
    assert upload_calls[0].at < tweet_calls[0].at  # the card first
    assert all(c.signed for c in publishing.xapi.calls)
    (post,) = publishing.xapi.posts
    assert post.text == draft.content.x_text
    assert post.media_ids and publishing.xapi.media[post.media_ids[0]] == (
        draft.content.card(CardSize.X).data  # type: ignore[union-attr]
    )

    rows = {r.kind: r for r in await publishing.outbox.for_draft(draft.id)}
    assert rows[PostKind.CHANNEL_POST].status is OutboxStatus.SENT
    assert rows[PostKind.CHANNEL_POST].external_id == str(call.result["message_id"])
    assert rows[PostKind.CHANNEL_POST].external_url == (
        f"https://t.me/akhbar_sahel/{call.result['message_id']}"
    )
    assert rows[PostKind.X_POST].external_id == post.id
    assert rows[PostKind.X_POST].cost_micros == COST_POST_MICROS  # no link: the cheap kind
    final = await publishing.drafts.get(draft.id)
    assert final is not None and final.status is DraftStatus.PUBLISHED

    # One message to the editors for the publication, with both links.
    report = publishing.api.find("sendMessage", since=mark, chat_id=EDITORS_CHAT_ID)
    assert len(report) == 1
    text = report[0].result["text"]
    assert f"#{draft.id}" in text and "نُشرت" in text
    entities = report[0].result.get("entities", [])
    links = {e.get("url") for e in entities if e.get("type") == "text_link"}
    assert rows[PostKind.X_POST].external_url in links

    # Nothing left to send, ever: a second drain posts nothing.
    await publishing.drain()
    assert len(publishing.xapi.posts) == 1
    assert len(publishing.api.find("sendPhoto", chat_id=CHANNEL_ID)) == 1


async def test_x_rate_limit_waits_for_the_reset_then_posts(
    publishing: Publishing, sample_article: Article
) -> None:
    publishing.xapi.rate_limit_next("/2/tweets", reset_in=120)
    draft = await publishing.approved(sample_article)
    await publishing.drain()
    rows = {r.kind: r for r in await publishing.outbox.for_draft(draft.id)}
    x_row = rows[PostKind.X_POST]
    assert x_row.status is OutboxStatus.PENDING and publishing.xapi.posts == []
    wait = (x_row.not_before - publishing.clock.now).total_seconds()  # type: ignore[operator]
    assert 100 <= wait <= 125
    publishing.clock.advance(seconds=wait)
    await publishing.drain()
    assert len(publishing.xapi.posts) == 1
    final = await publishing.drafts.get(draft.id)
    assert final is not None and final.status is DraftStatus.PUBLISHED


async def test_x_duplicate_fails_with_the_reason_and_a_retry_button(
    publishing: Publishing, sample_article: Article
) -> None:
    publishing.xapi.fail_next("/2/tweets", 403, detail=DUPLICATE)
    draft = await publishing.approved(sample_article)
    mark = publishing.api.mark()
    await publishing.drain()
    rows = {r.kind: r for r in await publishing.outbox.for_draft(draft.id)}
    assert rows[PostKind.X_POST].status is OutboxStatus.FAILED
    assert "مكرر" in (rows[PostKind.X_POST].error or "")
    assert rows[PostKind.CHANNEL_POST].status is OutboxStatus.SENT
    final = await publishing.drafts.get(draft.id)
    assert final is not None and final.status is DraftStatus.PARTLY_PUBLISHED
    (report,) = publishing.api.find("sendMessage", since=mark, chat_id=EDITORS_CHAT_ID)
    assert "مكرر" in report.result["text"]
    (button,) = [b for row in report.params["reply_markup"]["inline_keyboard"] for b in row]
    assert button["text"] == "🔁 إعادة المحاولة"
    assert button["callback_data"].startswith(f"n:rt:{draft.id}:{final.version}")


async def test_x_duplicate_of_our_own_earlier_post_is_adopted(
    publishing: Publishing, sample_article: Article
) -> None:
    draft = await publishing.approved(sample_article)
    # An earlier attempt did post (its answer was lost): X refuses the text as a duplicate.
    earlier = publishing.xapi.add_post(draft.content.x_text)
    await publishing.drain()
    rows = {r.kind: r for r in await publishing.outbox.for_draft(draft.id)}
    assert rows[PostKind.X_POST].status is OutboxStatus.SENT
    assert rows[PostKind.X_POST].external_id == earlier.id
    assert len(publishing.xapi.posts) == 1


async def test_x_answer_lost_after_posting_is_reconciled_not_resent(
    publishing: Publishing, sample_article: Article
) -> None:
    publishing.xapi.drop_next("/2/tweets", created=True)
    draft = await publishing.approved(sample_article)
    await publishing.drain()
    assert len(publishing.xapi.posts) == 1
    rows = {r.kind: r for r in await publishing.outbox.for_draft(draft.id)}
    assert rows[PostKind.X_POST].status is OutboxStatus.SENT
    assert rows[PostKind.X_POST].external_id == publishing.xapi.posts[0].id
    lookups = [
        c for c in publishing.xapi.calls if c.path.endswith("/tweets") and c.method == "GET"
    ]
    assert lookups, "the account's posts were looked up"
    # Adopted from the lookup: the post was never attempted a second time.
    assert len([c for c in publishing.xapi.calls if c.path == "/2/tweets"]) == 1


async def test_x_connection_lost_before_posting_is_sent_once(
    publishing: Publishing, sample_article: Article
) -> None:
    publishing.xapi.drop_next("/2/tweets", created=False)
    draft = await publishing.approved(sample_article)
    await publishing.drain()
    assert len(publishing.xapi.posts) == 1
    rows = {r.kind: r for r in await publishing.outbox.for_draft(draft.id)}
    assert rows[PostKind.X_POST].status is OutboxStatus.SENT


async def test_x_server_error_is_retried_with_backoff(
    publishing: Publishing, sample_article: Article
) -> None:
    publishing.xapi.fail_next("/2/tweets", 503)
    draft = await publishing.approved(sample_article)
    await publishing.drain()
    rows = {r.kind: r for r in await publishing.outbox.for_draft(draft.id)}
    x_row = rows[PostKind.X_POST]
    assert x_row.status is OutboxStatus.PENDING and x_row.attempts == 1
    wait = (x_row.not_before - publishing.clock.now).total_seconds()  # type: ignore[operator]
    assert 5 <= wait <= 6.5  # the first backoff step, with jitter
    publishing.clock.advance(seconds=wait)
    await publishing.drain()
    assert len(publishing.xapi.posts) == 1


async def test_telegram_429_waits_retry_after(
    publishing: Publishing, sample_article: Article
) -> None:
    draft = await publishing.approved(sample_article)
    publishing.api.fail_next("sendPhoto", retry_after=7)
    await publishing.drain()
    rows = {r.kind: r for r in await publishing.outbox.for_draft(draft.id)}
    channel = rows[PostKind.CHANNEL_POST]
    assert channel.status is OutboxStatus.PENDING
    wait = (channel.not_before - publishing.clock.now).total_seconds()  # type: ignore[operator]
    assert 6.5 <= wait <= 7.5
    assert publishing.api.find("sendPhoto", chat_id=CHANNEL_ID) == []
    publishing.clock.advance(seconds=wait)
    await publishing.drain()
    assert len(publishing.api.find("sendPhoto", chat_id=CHANNEL_ID)) == 1


async def test_an_unknown_channel_post_is_left_to_the_editors(
    publishing: Publishing, sample_article: Article
) -> None:
    draft = await publishing.approved(sample_article)
    channel_row = next(
        r for r in await publishing.outbox.for_draft(draft.id) if r.kind is PostKind.CHANNEL_POST
    )
    # A worker died while the post was being sent: once its lease has run out, the row's
    # fate is unknown.
    lease = publishing.worker.lease
    (claimed,) = await publishing.outbox.claim(
        channel_row.kind.target, owner="dead", now=publishing.clock.now, lease=lease
    )
    assert await publishing.outbox.mark_sending(
        claimed.id, owner="dead", now=publishing.clock.now, lease=lease
    )
    publishing.clock.advance(seconds=lease.total_seconds())
    mark = publishing.api.mark()
    await publishing.worker.recover()
    asked = publishing.api.find("sendMessage", since=mark, chat_id=EDITORS_CHAT_ID)
    assert len(asked) == 1 and "لا نعرف" in asked[0].result["text"]
    labels = [b["text"] for row in asked[0].params["reply_markup"]["inline_keyboard"] for b in row]
    assert labels == ["✅ تم النشر", "📤 أعد النشر"]
    await publishing.drain()  # X goes out; the channel post is never resent on its own
    assert publishing.api.find("sendPhoto", chat_id=CHANNEL_ID) == []
    settled = await publishing.worker.settle_unknown(claimed.id, sent=False)
    assert settled is not None
    await publishing.drain()
    assert len(publishing.api.find("sendPhoto", chat_id=CHANNEL_ID)) == 1
    final = await publishing.drafts.get(draft.id)
    assert final is not None and final.status is DraftStatus.PUBLISHED


async def test_a_report_lost_before_a_restart_is_sent_after_it(
    publishing: Publishing, sample_article: Article
) -> None:
    draft = await publishing.approved(sample_article)
    publishing.api.server_error_next("sendMessage", status=500, chat_id=EDITORS_CHAT_ID)
    await publishing.drain()
    assert publishing.api.find("sendMessage", chat_id=EDITORS_CHAT_ID) == []
    assert [d.id for d in await publishing.drafts.unreported()] == [draft.id]
    await publishing.worker.recover()
    await publishing.worker.reported()
    (report,) = publishing.api.find("sendMessage", chat_id=EDITORS_CHAT_ID)
    assert f"#{draft.id}" in report.result["text"]
    assert await publishing.drafts.unreported() == []
    await publishing.worker.recover()  # told once
    await publishing.worker.reported()
    assert len(publishing.api.find("sendMessage", chat_id=EDITORS_CHAT_ID)) == 1
