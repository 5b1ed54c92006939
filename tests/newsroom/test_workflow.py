"""The editorial state machine over a real database and the real pipeline."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest

from bot.errors import TextTooLongError
from bot.models import Article, Platform
from bot.newsroom.models import DraftStatus, EditField, OutboxStatus, PostKind, Target
from bot.newsroom.workflow import Refusal
from bot.platforms import PLATFORMS
from tests.newsroom.conftest import EDITOR, JOURNALIST, OTHER_EDITOR, Desk

X = PLATFORMS[Platform.X]
TELEGRAM = PLATFORMS[Platform.TELEGRAM]


async def test_a_submitted_article_waits_for_review_with_fitting_texts(
    desk: Desk, sample_article: Article
) -> None:
    draft = await desk.newsroom.submit(sample_article, by=JOURNALIST, origin="submit")
    assert draft.status is DraftStatus.PENDING_REVIEW and draft.version == 1
    assert draft.targets == {Target.CHANNEL, Target.X}
    assert TELEGRAM.fits(draft.content.channel_text)
    assert X.fits(draft.content.x_text)
    # card_only: the X text carries no link, the card names the site.
    assert "http" not in draft.content.x_text
    assert draft.content.card is not None and len(draft.content.cards) == 2
    assert [b.label for b in draft.content.buttons][:3] == ["واتساب", "فيسبوك", "إكس"]
    history = await desk.drafts.history(draft.id)
    assert [(e.action, e.actor.id) for e in history] == [("submit", JOURNALIST.id)]


async def test_the_same_article_twice_is_one_draft(desk: Desk, sample_article: Article) -> None:
    first = await desk.newsroom.submit(sample_article, by=JOURNALIST, origin="submit")
    second = await desk.newsroom.submit(sample_article, by=EDITOR, origin="link")
    assert second.id == first.id


async def test_approve_queues_one_row_per_target_before_anything_is_sent(
    desk: Desk, sample_article: Article
) -> None:
    draft = await desk.newsroom.submit(sample_article, by=JOURNALIST, origin="submit")
    outcome = await desk.newsroom.approve(draft.id, draft.version, by=EDITOR)
    assert outcome.ok and outcome.draft is not None
    assert outcome.draft.status is DraftStatus.PUBLISHING
    assert outcome.draft.decided_by is not None and outcome.draft.decided_by.id == EDITOR.id
    rows = await desk.outbox.for_draft(draft.id)
    assert [(r.kind, r.status) for r in rows] == [
        (PostKind.CHANNEL_POST, OutboxStatus.PENDING),
        (PostKind.X_POST, OutboxStatus.PENDING),
    ]
    assert rows[1].text == draft.content.x_text
    actions = [(e.action, e.to_status) for e in await desk.drafts.history(draft.id)]
    assert actions[-2:] == [
        ("approve", DraftStatus.APPROVED),
        ("publish", DraftStatus.PUBLISHING),
    ]
    assert desk.wakes == [1]


async def test_two_editors_approving_at_once_one_wins(desk: Desk, sample_article: Article) -> None:
    draft = await desk.newsroom.submit(sample_article, by=JOURNALIST, origin="submit")
    first, second = await asyncio.gather(
        desk.newsroom.approve(draft.id, draft.version, by=EDITOR),
        desk.newsroom.approve(draft.id, draft.version, by=OTHER_EDITOR),
    )
    assert sorted([first.ok, second.ok]) == [False, True]
    loser = first if not first.ok else second
    assert loser.refusal in (Refusal.STALE, Refusal.NOT_ALLOWED)
    assert loser.draft is not None and loser.draft.status is DraftStatus.PUBLISHING
    assert len(await desk.outbox.for_draft(draft.id)) == 2
    approvals = [e for e in await desk.drafts.history(draft.id) if e.action == "approve"]
    assert len(approvals) == 1


async def test_a_button_of_an_older_version_is_refused(
    desk: Desk, sample_article: Article
) -> None:
    draft = await desk.newsroom.submit(sample_article, by=JOURNALIST, origin="submit")
    edited = await desk.newsroom.edit(
        draft.id, draft.version, by=EDITOR, field=EditField.X, text="نص إكس جديد ومختصر"
    )
    assert edited.ok
    outcome = await desk.newsroom.approve(draft.id, draft.version, by=OTHER_EDITOR)
    assert outcome.refusal is Refusal.STALE
    assert await desk.outbox.for_draft(draft.id) == []


async def test_an_edit_over_the_limit_changes_nothing_and_says_by_how_much(
    desk: Desk, sample_article: Article
) -> None:
    draft = await desk.newsroom.submit(sample_article, by=JOURNALIST, origin="submit")
    too_long = "خبر " * 80  # 320 weighted characters
    with pytest.raises(TextTooLongError) as caught:
        await desk.newsroom.edit(
            draft.id, draft.version, by=EDITOR, field=EditField.X, text=too_long
        )
    assert caught.value.count == X.measure(too_long.strip()) == 319
    assert caught.value.limit == 280
    assert "319 من 280" in caught.value.message_ar
    unchanged = await desk.drafts.get(draft.id)
    assert unchanged is not None and unchanged.version == draft.version
    assert unchanged.content.x_text == draft.content.x_text


async def test_the_channel_text_is_measured_as_a_caption(
    desk: Desk, sample_article: Article
) -> None:
    draft = await desk.newsroom.submit(sample_article, by=JOURNALIST, origin="submit")
    # 1,000 letters of text but over 1,024 units once the emoji count double: refused.
    text = "<b>عنوان</b>\n" + "ب" * 1000 + " 📰📰📰📰📰📰📰📰📰📰📰📰"
    with pytest.raises(TextTooLongError) as caught:
        await desk.newsroom.edit(
            draft.id, draft.version, by=EDITOR, field=EditField.CHANNEL, text=text
        )
    assert caught.value.limit == 1024 and caught.value.count == TELEGRAM.measure(text) > 1024


async def test_a_valid_edit_is_a_new_version_with_its_history(
    desk: Desk, sample_article: Article
) -> None:
    draft = await desk.newsroom.submit(sample_article, by=JOURNALIST, origin="submit")
    text = "محطة تحلية بالطاقة الشمسية تدخل الخدمة في أكادير"
    outcome = await desk.newsroom.edit(
        draft.id, draft.version, by=EDITOR, field=EditField.X, text=text
    )
    assert outcome.ok and outcome.draft is not None
    assert outcome.draft.version == draft.version + 1
    assert outcome.draft.content.x_text == text
    event = (await desk.drafts.history(draft.id))[-1]
    assert (event.action, event.before, event.after) == ("edit:x", draft.content.x_text, text)


async def test_editing_the_headline_redraws_the_cards(desk: Desk, sample_article: Article) -> None:
    draft = await desk.newsroom.submit(sample_article, by=JOURNALIST, origin="submit")
    outcome = await desk.newsroom.edit(
        draft.id, draft.version, by=EDITOR, field=EditField.HEADLINE, text="أكادير تشرب من البحر"
    )
    assert outcome.ok and outcome.draft is not None
    assert outcome.draft.content.headline == "أكادير تشرب من البحر"
    old = {c.size: c.data for c in draft.content.cards}
    new = {c.size: c.data for c in outcome.draft.content.cards}
    assert old.keys() == new.keys() and all(old[size] != new[size] for size in old)


async def test_another_wording_differs_fits_and_is_deterministic(
    desk: Desk, sample_article: Article
) -> None:
    draft = await desk.newsroom.submit(sample_article, by=JOURNALIST, origin="submit")
    again = await desk.service.draft_content(
        sample_article,
        desk.newsroom.config.options(variant=1, avoid=frozenset(draft.content.used)),
    )
    outcome = await desk.newsroom.regenerate(draft.id, draft.version, by=EDITOR)
    assert outcome.ok and outcome.draft is not None
    second = outcome.draft.content
    assert (second.channel_text, second.x_text) != (
        draft.content.channel_text,
        draft.content.x_text,
    )
    assert not set(second.used) & set(draft.content.used)
    assert second.theme != draft.content.theme
    assert X.fits(second.x_text) and TELEGRAM.fits(second.channel_text)
    # The same version asks for the same variant: the result does not depend on luck.
    assert (again.channel_text, again.x_text) == (second.channel_text, second.x_text)
    third = await desk.newsroom.regenerate(draft.id, outcome.draft.version, by=EDITOR)
    assert third.draft is not None
    assert third.draft.content.x_text != second.x_text


async def test_a_short_article_has_no_other_wording(desk: Desk) -> None:
    short = Article(
        title="افتتاح سوق نموذجي في سلا",
        text=(
            "افتتحت السلطات المحلية صباح اليوم سوقاً نموذجياً جديداً في حي الرحمة بمدينة سلا، "
            "يضم مئة وعشرين محلاً للباعة الجائلين الذين كانوا يعرضون سلعهم على الأرصفة."
        ),
        url="https://akhbar-sahel.ma/regions/sale-souk.html",
    )
    draft = await desk.newsroom.submit(short, by=JOURNALIST, origin="submit")
    outcome = await desk.newsroom.regenerate(draft.id, draft.version, by=EDITOR)
    assert outcome.refusal is Refusal.NO_VARIANT


async def test_reject_with_a_reason_and_nothing_queued(
    desk: Desk, sample_article: Article
) -> None:
    draft = await desk.newsroom.submit(sample_article, by=JOURNALIST, origin="submit")
    outcome = await desk.newsroom.reject(draft.id, draft.version, by=EDITOR, reason="خبر قديم")
    assert outcome.draft is not None and outcome.draft.status is DraftStatus.REJECTED
    assert outcome.draft.reason == "خبر قديم" and outcome.draft.decided_by is not None
    assert await desk.outbox.for_draft(draft.id) == []
    after = await desk.newsroom.approve(draft.id, outcome.draft.version, by=EDITOR)
    assert after.refusal is Refusal.NOT_ALLOWED


async def test_schedule_then_due_publishes(desk: Desk, sample_article: Article) -> None:
    draft = await desk.newsroom.submit(sample_article, by=JOURNALIST, origin="submit")
    at = desk.clock.now + dt.timedelta(hours=3)
    scheduled = await desk.newsroom.schedule(draft.id, draft.version, by=EDITOR, at=at)
    assert scheduled.draft is not None and scheduled.draft.status is DraftStatus.SCHEDULED
    assert await desk.drafts.due(desk.clock.now) == []
    desk.clock.advance(hours=3)
    due = await desk.drafts.due(desk.clock.now)
    assert [d.id for d in due] == [draft.id]
    started = await desk.newsroom.start_due(due[0])
    assert started.draft is not None and started.draft.status is DraftStatus.PUBLISHING
    assert len(await desk.outbox.for_draft(draft.id)) == 2
    # A second start of the same draft (two schedulers) changes nothing.
    again = await desk.newsroom.start_due(due[0])
    assert not again.ok and len(await desk.outbox.for_draft(draft.id)) == 2


async def test_unschedule_returns_to_review(desk: Desk, sample_article: Article) -> None:
    draft = await desk.newsroom.submit(sample_article, by=JOURNALIST, origin="submit")
    at = desk.clock.now + dt.timedelta(hours=1)
    scheduled = await desk.newsroom.schedule(draft.id, draft.version, by=EDITOR, at=at)
    assert scheduled.draft is not None
    back = await desk.newsroom.unschedule(draft.id, scheduled.draft.version, by=EDITOR)
    assert back.draft is not None and back.draft.status is DraftStatus.PENDING_REVIEW
    assert back.draft.scheduled_at is None


async def test_toggling_a_target_and_approving_without_any(
    desk: Desk, sample_article: Article
) -> None:
    draft = await desk.newsroom.submit(sample_article, by=JOURNALIST, origin="submit")
    no_x = await desk.newsroom.toggle(draft.id, draft.version, by=EDITOR, target=Target.X)
    assert no_x.draft is not None and no_x.draft.targets == {Target.CHANNEL}
    none = await desk.newsroom.toggle(
        draft.id, no_x.draft.version, by=EDITOR, target=Target.CHANNEL
    )
    assert none.draft is not None and none.draft.targets == set()
    refused = await desk.newsroom.approve(draft.id, none.draft.version, by=EDITOR)
    assert refused.refusal is Refusal.NO_TARGET


async def test_retry_queues_only_what_failed(desk: Desk, sample_article: Article) -> None:
    draft = await desk.newsroom.submit(sample_article, by=JOURNALIST, origin="submit")
    approved = await desk.newsroom.approve(draft.id, draft.version, by=EDITOR)
    assert approved.ok
    channel, x_post = await desk.outbox.for_draft(draft.id)
    now = desk.clock.now
    lease = dt.timedelta(minutes=1)
    for item in (channel, x_post):
        await desk.outbox.claim(item.kind.target, owner="worker", now=now, lease=lease)
        assert await desk.outbox.mark_sending(item.id, owner="worker", now=now, lease=lease)
    await desk.outbox.mark_sent(
        channel.id, owner="worker", external_id="55", external_url=None, cost_micros=0, now=now
    )
    settled = await desk.outbox.mark_failed(x_post.id, owner="worker", error="رفض إكس", now=now)
    assert settled is not None and settled.draft_status is DraftStatus.PARTLY_PUBLISHED
    current = await desk.drafts.get(draft.id)
    assert current is not None and current.status is DraftStatus.PARTLY_PUBLISHED
    retried = await desk.newsroom.retry(draft.id, current.version, by=EDITOR)
    assert retried.draft is not None and retried.draft.status is DraftStatus.PUBLISHING
    statuses = {r.kind: r.status for r in await desk.outbox.for_draft(draft.id)}
    assert statuses == {
        PostKind.CHANNEL_POST: OutboxStatus.SENT,
        PostKind.X_POST: OutboxStatus.PENDING,
    }
