"""The outbox shared by several workers: batches claimed without overlap, leases renewed by
the living and taken over from the dead, each change of hands won by exactly one worker."""

from __future__ import annotations

import asyncio
import datetime as dt
from dataclasses import replace

import pytest

from bot.newsroom.models import DraftStatus, OutboxStatus, PostKind, Target
from bot.newsroom.workflow import Newsroom, NewsroomConfig
from db.database import Database
from db.dialect import Dialect
from db.drafts import DraftRepository
from db.outbox import OutboxRepository, Reaped
from devtools.outbox_load import EDITOR, JOURNALIST, HeadlineDrafts, news_article, queue_approved

T0 = dt.datetime(2026, 12, 4, 9, 0, tzinfo=dt.UTC)
LEASE = dt.timedelta(seconds=60)
BOTH = frozenset({Target.CHANNEL, Target.X})


def at(seconds: float) -> dt.datetime:
    return T0 + dt.timedelta(seconds=seconds)


async def queued(database: Database, count: int, targets: frozenset[Target] = BOTH) -> None:
    await queue_approved(database, count, targets=targets, clock=lambda: T0)


async def test_a_claim_takes_the_oldest_ready_rows_of_one_target(database: Database) -> None:
    await queued(database, 5)
    outbox = OutboxRepository(database)
    first = await outbox.claim(Target.CHANNEL, owner="a", now=at(1), lease=LEASE, limit=3)
    assert [item.kind for item in first] == [PostKind.CHANNEL_POST] * 3
    assert [item.draft_id for item in first] == [1, 2, 3]
    assert all(item.status is OutboxStatus.CLAIMED for item in first)
    assert all(item.lease_until == at(61) for item in first)
    rest = await outbox.claim(Target.CHANNEL, owner="b", now=at(1), lease=LEASE, limit=10)
    assert [item.draft_id for item in rest] == [4, 5]
    assert await outbox.claim(Target.CHANNEL, owner="c", now=at(1), lease=LEASE, limit=10) == []
    # The X rows were left alone: one target per claim.
    x_rows = await outbox.claim(Target.X, owner="c", now=at(1), lease=LEASE, limit=10)
    assert len(x_rows) == 5


async def test_workers_claiming_at_once_never_get_the_same_row(database: Database) -> None:
    await queued(database, 12, frozenset({Target.CHANNEL}))
    outbox = OutboxRepository(database)
    batches = await asyncio.gather(
        *(
            outbox.claim(Target.CHANNEL, owner=f"w{n}", now=at(1), lease=LEASE, limit=4)
            for n in range(5)
        )
    )
    ids = [item.id for batch in batches for item in batch]
    assert len(ids) == len(set(ids))
    # Whatever one claim skipped (locked by another's), nothing is lost: all 12 are taken.
    leftovers = await outbox.claim(Target.CHANNEL, owner="w9", now=at(1), lease=LEASE, limit=20)
    assert sorted(ids + [item.id for item in leftovers]) == list(range(1, 13))


async def test_a_reply_is_neither_claimed_nor_due_before_its_post_is_sent(
    database: Database,
) -> None:
    drafts = DraftRepository(database)
    newsroom = Newsroom(
        drafts=drafts,
        producer=HeadlineDrafts(),
        config=NewsroomConfig(targets=frozenset({Target.CHANNEL})),
        clock=lambda: T0,
    )
    article = news_article(0)
    # A caption over Telegram's 1,024 for a photo: the whole text follows as a reply.
    long = replace(article, text="\n\n".join([article.text] * 8))
    draft = await newsroom.submit(long, by=JOURNALIST, origin="load")
    assert (await newsroom.approve(draft.id, draft.version, by=EDITOR)).ok
    outbox = OutboxRepository(database)
    (post,) = await outbox.claim(Target.CHANNEL, owner="a", now=at(1), lease=LEASE, limit=5)
    assert post.kind is PostKind.CHANNEL_POST
    # The reply is pending and old enough, but not ready: no worker should wake up for it.
    assert await outbox.next_due(Target.CHANNEL) is None
    assert await outbox.claim(Target.CHANNEL, owner="b", now=at(2), lease=LEASE, limit=5) == []
    assert await outbox.mark_sending(post.id, owner="a", now=at(2), lease=LEASE)
    await outbox.mark_sent(
        post.id, owner="a", external_id="41", external_url=None, cost_micros=0, now=at(3)
    )
    assert await outbox.next_due(Target.CHANNEL) == T0
    (reply,) = await outbox.claim(Target.CHANNEL, owner="b", now=at(4), lease=LEASE, limit=5)
    assert reply.kind is PostKind.CHANNEL_TEXT and reply.parent_external_id == "41"


async def test_a_renewed_lease_keeps_the_rows_an_expired_one_gives_them_up(
    database: Database,
) -> None:
    await queued(database, 4, frozenset({Target.CHANNEL}))
    outbox = OutboxRepository(database)
    live = await outbox.claim(Target.CHANNEL, owner="live", now=at(0), lease=LEASE, limit=2)
    dead = await outbox.claim(Target.CHANNEL, owner="dead", now=at(0), lease=LEASE, limit=2)
    # The live worker renews what it holds every quarter of the lease; the dead one cannot.
    for moment in (15, 30, 45, 60, 75):
        held = [item.id for item in live]
        assert await outbox.renew("live", rows=held, now=at(moment), lease=LEASE) == 2
    assert await outbox.reap(owner="reaper", now=at(80), lease=LEASE) == Reaped(requeued=2)
    rows = {item.id: item for item in await outbox.with_status(list(OutboxStatus))}
    assert {rows[item.id].status for item in live} == {OutboxStatus.CLAIMED}
    assert {rows[item.id].status for item in dead} == {OutboxStatus.PENDING}
    # The dead worker's rows are anyone's again; a late wake-up of it sends nothing.
    assert not await outbox.mark_sending(dead[0].id, owner="dead", now=at(81), lease=LEASE)
    again = await outbox.claim(Target.CHANNEL, owner="reaper", now=at(81), lease=LEASE, limit=5)
    assert sorted(item.id for item in again) == sorted(item.id for item in dead)


async def test_renewing_names_the_rows_still_in_hand(database: Database) -> None:
    await queued(database, 2, frozenset({Target.CHANNEL}))
    outbox = OutboxRepository(database)
    first, second = await outbox.claim(Target.CHANNEL, owner="a", now=at(0), lease=LEASE, limit=2)
    # A row the worker lost track of (a bug) is not kept alive by its heartbeat.
    assert await outbox.renew("a", rows=[first.id], now=at(50), lease=LEASE) == 1
    await outbox.reap(owner="b", now=at(70), lease=LEASE)
    assert (await outbox.get(first.id)).status is OutboxStatus.CLAIMED  # type: ignore[union-attr]
    assert (await outbox.get(second.id)).status is OutboxStatus.PENDING  # type: ignore[union-attr]


async def test_a_row_left_sending_goes_to_exactly_one_reaper_as_unknown(
    database: Database,
) -> None:
    await queued(database, 3, frozenset({Target.X}))
    outbox = OutboxRepository(database)
    items = await outbox.claim(Target.X, owner="dead", now=at(0), lease=LEASE, limit=3)
    for item in items:
        assert await outbox.mark_sending(item.id, owner="dead", now=at(1), lease=LEASE)
    assert await outbox.reap(owner="early", now=at(60), lease=LEASE) == Reaped()  # not yet
    taken = await asyncio.gather(
        *(outbox.reap(owner=f"r{n}", now=at(62), lease=LEASE) for n in range(4))
    )
    ids = [item.id for batch in taken for item in batch.unknown]
    assert sorted(ids) == sorted(item.id for item in items)  # each once, to one reaper
    for batch, owner in zip(taken, (f"r{n}" for n in range(4)), strict=True):
        for item in batch.unknown:
            assert item.status is OutboxStatus.UNKNOWN
            assert item.lease_until == at(122)
            # The reaper holds it: only it may settle it; the dead worker may not.
            assert await outbox.resolve_unknown(item.id, sent=False, now=at(63), owner="dead") is (
                None
            )
            settled = await outbox.resolve_unknown(item.id, sent=False, now=at(63), owner=owner)
            assert settled is not None and settled.item.status is OutboxStatus.PENDING


async def test_an_unknown_row_whose_reconciler_died_is_taken_over(database: Database) -> None:
    await queued(database, 1, frozenset({Target.X}))
    outbox = OutboxRepository(database)
    (item,) = await outbox.claim(Target.X, owner="a", now=at(0), lease=LEASE)
    assert await outbox.mark_sending(item.id, owner="a", now=at(0), lease=LEASE)
    assert await outbox.mark_unknown(item.id, owner="a", error="timeout", now=at(1), lease=LEASE)
    assert await outbox.reap(owner="b", now=at(30), lease=LEASE) == Reaped()
    (again,) = (await outbox.reap(owner="b", now=at(62), lease=LEASE)).unknown
    assert again.id == item.id and again.status is OutboxStatus.UNKNOWN
    assert await outbox.reap(owner="c", now=at(63), lease=LEASE) == Reaped()
    # Once the editors are asked, nobody holds it and no reaper takes it again.
    await outbox.leave_unknown(item.id, owner="b")
    assert await outbox.reap(owner="c", now=at(500), lease=LEASE) == Reaped()
    (adopted,) = await outbox.adopt_unknown(
        owner="c", now=at(500), lease=LEASE, targets=[Target.X]
    )
    assert adopted.id == item.id


async def test_a_sent_row_names_its_worker_and_a_late_one_does_not_undo_it(
    database: Database,
) -> None:
    await queued(database, 1, frozenset({Target.X}))
    outbox = OutboxRepository(database)
    (item,) = await outbox.claim(Target.X, owner="a", now=at(0), lease=LEASE)
    assert await outbox.mark_sending(item.id, owner="a", now=at(0), lease=LEASE)
    lost: list[int] = []
    settled = await outbox.mark_sent(
        item.id,
        owner="a",
        external_id="1900",
        external_url="https://x.com/i/web/status/1900",
        cost_micros=15_000,
        now=at(2),
        on_lost=lambda: lost.append(item.id),
    )
    assert settled.item.status is OutboxStatus.SENT and settled.item.external_id == "1900"
    assert lost == []
    row = await database.fetch_one("SELECT lease_owner FROM outbox WHERE id = ?", (item.id,))
    assert row is not None and row[0] == "a"
    # Another outcome arriving later (a stalled duplicate) changes nothing.
    assert await outbox.mark_failed(item.id, owner="a", error="late", now=at(3)) is None
    assert not await outbox.release(item.id, owner="a", not_before=at(9), error="x", now=at(3))
    assert (await outbox.get(item.id)).status is OutboxStatus.SENT  # type: ignore[union-attr]


async def test_a_report_is_claimed_by_one_worker_until_told_or_its_lease_runs_out(
    database: Database,
) -> None:
    (draft,) = await queue_approved(database, 1, targets=frozenset({Target.X}), clock=lambda: T0)
    outbox = OutboxRepository(database)
    assert await outbox.claim_report(draft.id, owner="a", now=at(0), lease=LEASE)
    assert not await outbox.claim_report(draft.id, owner="b", now=at(10), lease=LEASE)
    await outbox.renew("a", rows=[], reports=[draft.id], now=at(50), lease=LEASE)
    assert not await outbox.claim_report(draft.id, owner="b", now=at(100), lease=LEASE)
    assert await outbox.lapsed_reports(at(100)) == []
    assert await outbox.lapsed_reports(at(111)) == [draft.id]
    assert await outbox.claim_report(draft.id, owner="b", now=at(111), lease=LEASE)
    await DraftRepository(database).mark_reported(draft.id, at=at(112))
    await outbox.release_report(draft.id, owner="b")
    # Told: nobody tells them again, even if a worker died holding it.
    assert not await outbox.claim_report(draft.id, owner="c", now=at(500), lease=LEASE)
    assert await outbox.lapsed_reports(at(999)) == []


async def test_two_workers_settling_a_drafts_last_rows_at_once_settle_it(
    database: Database,
) -> None:
    if database.dialect is Dialect.SQLITE:
        pytest.skip("SQLite runs one write transaction at a time: nothing interleaves")
    (draft,) = await queue_approved(database, 1, targets=BOTH, clock=lambda: T0)
    outbox = OutboxRepository(database)
    rows = [
        item
        for target in (Target.CHANNEL, Target.X)
        for item in await outbox.claim(target, owner=f"w-{target}", now=at(0), lease=LEASE)
    ]
    for item in rows:
        assert await outbox.mark_sending(
            item.id, owner=f"w-{item.kind.target}", now=at(0), lease=LEASE
        )
    channel, x_post = rows
    async with database.transaction() as first:
        # One worker is recording its post (its transaction not yet committed) …
        await first.fetch_all("SELECT id FROM drafts WHERE id = ? FOR UPDATE", (draft.id,))
        await first.execute(
            "UPDATE outbox SET status = 'sent', external_id = '7' WHERE id = ?", (channel.id,)
        )
        # … while the other records the draft's last one.
        second = asyncio.create_task(
            outbox.mark_sent(
                x_post.id,
                owner=f"w-{Target.X}",
                external_id="1900",
                external_url=None,
                cost_micros=0,
                now=at(1),
            )
        )
        # Until it has finished, or waits for the first: PostgreSQL offers no event for that.
        while not second.done() and not await _waits_for_a_lock(database):  # noqa: ASYNC110
            await asyncio.sleep(0.01)
    settled = await second
    # The second saw the first's row sent, so the draft is settled (not left publishing).
    assert settled.draft_status is DraftStatus.PUBLISHED
    final = await DraftRepository(database).get(draft.id)
    assert final is not None and final.status is DraftStatus.PUBLISHED


async def _waits_for_a_lock(database: Database) -> bool:
    row = await database.fetch_one(
        "SELECT COUNT(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
    )
    return bool(row and row[0])
