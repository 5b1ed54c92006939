"""The share desk: cache in front of the real pipeline, one run per article at a time."""

from __future__ import annotations

import asyncio
import datetime as dt
import threading
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from bot.models import CardSize
from bot.pipeline import build_share_service
from bot.settings import Settings
from db import ShareRepository, open_database
from devtools.pages import PageServer
from handlers.desk import JobQueue, ShareDesk, text_key
from handlers.errors import BusyError
from tests.e2e.conftest import article_variant

PASTED = (
    "أعلنت جمعية حماية المستهلك في مدينة فاس عن حملة توعوية جديدة تستهدف الأسواق الشعبية، "
    "وتهدف إلى تعريف المتسوقين بحقوقهم عند الشراء. وقالت الجمعية إن الحملة ستستمر شهراً كاملاً.\n\n"
    "وستوزع خلال الحملة مطويات باللغتين العربية والأمازيغية، كما سينظم متطوعون لقاءات مفتوحة "
    "مع التجار للإجابة عن أسئلتهم حول الأسعار والفواتير وشروط الضمان."
)


class Clock:
    def __init__(self) -> None:
        self.now = dt.datetime.now(dt.UTC)

    def __call__(self) -> dt.datetime:
        return self.now


@pytest.fixture
async def desk_parts(
    settings: Settings, tmp_path: Path
) -> AsyncIterator[tuple[ShareDesk, ShareRepository, Clock]]:
    connection = await open_database(tmp_path / "desk.sqlite3")
    service = build_share_service(settings)
    repository = ShareRepository(connection)
    clock = Clock()
    desk = ShareDesk(service, repository, clock=clock, max_age=dt.timedelta(hours=1))
    try:
        yield desk, repository, clock
    finally:
        await desk.close()
        await service.close()
        await connection.close()


async def test_concurrent_requests_for_one_article_run_the_pipeline_once(
    desk_parts: tuple[ShareDesk, ShareRepository, Clock],
    page_server: PageServer,
    sample_html: str,
) -> None:
    desk, repository, _ = desk_parts
    url = page_server.add("/slowish.html", body=sample_html.encode(), delay=0.3)

    shares = await asyncio.gather(*(desk.share_url(url) for _ in range(6)))

    assert page_server.requests.count("/slowish.html") == 1
    assert len({share.id for share in shares}) == 1
    stored = await repository.by_source(url)
    assert stored is not None and stored.result == shares[0].result


async def test_a_cached_article_is_answered_without_fetching(
    desk_parts: tuple[ShareDesk, ShareRepository, Clock],
    page_server: PageServer,
    sample_html: str,
) -> None:
    desk, _, _ = desk_parts
    url = page_server.add("/a.html", body=sample_html.encode())
    first = await desk.share_url(url)

    again = await desk.share_url(url + "?utm_source=whatsapp#top")  # same article
    cached = await desk.cached_url(url)
    within = await desk.share_url_within(url, 0.001)

    assert page_server.requests.count("/a.html") == 1
    assert again.id == cached.id == within.id == first.id  # type: ignore[union-attr]


async def test_a_stale_share_is_rebuilt_under_the_same_id(
    desk_parts: tuple[ShareDesk, ShareRepository, Clock],
    page_server: PageServer,
    sample_html: str,
) -> None:
    desk, _, clock = desk_parts
    url = page_server.add("/b.html", body=sample_html.encode())
    first = await desk.share_url(url)
    clock.now += dt.timedelta(hours=2)

    assert await desk.cached_url(url) is None
    rebuilt = await desk.share_url(url)

    assert page_server.requests.count("/b.html") == 2
    assert rebuilt.id == first.id


async def test_waiting_with_a_budget_leaves_the_work_running(
    desk_parts: tuple[ShareDesk, ShareRepository, Clock],
    page_server: PageServer,
    sample_html: str,
) -> None:
    desk, _, _ = desk_parts
    url = page_server.add("/slow.html", body=sample_html.encode(), delay=1.0)

    assert await desk.share_url_within(url, 0.05) is None
    finished = await desk.share_url(url)  # joins the same run

    assert page_server.requests.count("/slow.html") == 1
    assert (await desk.cached_url(url)).id == finished.id  # type: ignore[union-attr]


async def test_pasted_text_is_cached_by_its_words(
    desk_parts: tuple[ShareDesk, ShareRepository, Clock],
) -> None:
    desk, repository, _ = desk_parts
    first = await desk.share_text(PASTED)
    respaced = await desk.share_text("  " + PASTED.replace(" ", "  "))
    assert respaced.id == first.id
    assert first.result.article.url is None
    assert (await repository.by_text_key(text_key(PASTED))).id == first.id  # type: ignore[union-attr]


async def test_other_card_sizes_are_rendered_once_and_kept(
    desk_parts: tuple[ShareDesk, ShareRepository, Clock],
    page_server: PageServer,
    sample_html: str,
) -> None:
    desk, repository, _ = desk_parts
    saved = await desk.share_url(page_server.add("/c.html", body=sample_html.encode()))
    assert saved.card(CardSize.SQUARE) is None

    updated, card = await desk.card(saved, CardSize.SQUARE)
    _, same = await desk.card(updated, CardSize.SQUARE)

    assert card.size is CardSize.SQUARE and same == card
    stored = await repository.by_id(saved.id)
    assert stored is not None and stored.card(CardSize.SQUARE) == card
    await desk.remember_file_id(saved.id, CardSize.SQUARE, "AgAC-square")
    assert (await desk.get(saved.id)).file_ids[CardSize.SQUARE] == "AgAC-square"  # type: ignore[union-attr]


async def test_errors_reach_every_waiter_and_are_not_cached(
    desk_parts: tuple[ShareDesk, ShareRepository, Clock],
    page_server: PageServer,
) -> None:
    desk, _, _ = desk_parts
    url = page_server.url("/missing.html")
    results = await asyncio.gather(
        desk.share_url(url), desk.share_url(url), return_exceptions=True
    )
    assert all(getattr(r, "status", None) == 404 for r in results)
    with pytest.raises(Exception, match="404"):
        await desk.share_url(url)
    assert page_server.requests.count("/missing.html") == 2  # once per attempt, not per waiter


async def test_a_card_wanted_by_many_chats_is_uploaded_once(
    desk_parts: tuple[ShareDesk, ShareRepository, Clock],
    page_server: PageServer,
    sample_html: str,
) -> None:
    desk, _, _ = desk_parts
    saved = await desk.share_url(page_server.add("/d.html", body=sample_html.encode()))

    first = await desk.file_id_or_upload_turn(saved, CardSize.WIDE)  # this chat uploads
    others = asyncio.gather(*(desk.file_id_or_upload_turn(saved, CardSize.WIDE) for _ in range(3)))
    await asyncio.sleep(0)
    await desk.remember_file_id(saved.id, CardSize.WIDE, "AgAC-wide")
    desk.upload_finished(saved, CardSize.WIDE, "AgAC-wide")

    assert first is None
    assert await others == ["AgAC-wide"] * 3
    assert await desk.file_id_or_upload_turn(saved, CardSize.WIDE) == "AgAC-wide"

    failed_turn = await desk.file_id_or_upload_turn(saved, CardSize.X)
    waiting = asyncio.ensure_future(desk.file_id_or_upload_turn(saved, CardSize.X))
    await asyncio.sleep(0)
    desk.upload_finished(saved, CardSize.X, None)  # the upload failed: waiters upload themselves
    assert failed_turn is None and await waiting is None


async def test_an_instant_answer_comes_from_memory_only(
    desk_parts: tuple[ShareDesk, ShareRepository, Clock],
    settings: Settings,
    page_server: PageServer,
    sample_html: str,
) -> None:
    desk, repository, clock = desk_parts
    url = page_server.add("/e.html", body=sample_html.encode())
    assert desk.remembered_url(url) is None
    first = await desk.share_url(url)
    assert desk.remembered_url(url + "#top").id == first.id  # type: ignore[union-attr]

    # A restarted bot: the share is in the database, not in memory. Looking there is
    # I/O, which the instant answer (before «جارٍ التحضير…») must not wait for.
    service = build_share_service(settings)
    restarted = ShareDesk(service, repository, clock=clock, max_age=dt.timedelta(hours=1))
    try:
        assert restarted.remembered_url(url) is None
        assert (await restarted.cached_url(url)).id == first.id  # type: ignore[union-attr]
        assert restarted.remembered_url(url).id == first.id  # type: ignore[union-attr]
        clock.now += dt.timedelta(hours=2)
        assert restarted.remembered_url(url) is None  # stale: to be rebuilt
    finally:
        await restarted.close()
        await service.close()


async def test_an_uploaded_file_id_serves_the_next_chats_before_it_is_stored(
    desk_parts: tuple[ShareDesk, ShareRepository, Clock],
    page_server: PageServer,
    sample_html: str,
) -> None:
    desk, repository, _ = desk_parts
    saved = await desk.share_url(page_server.add("/f.html", body=sample_html.encode()))
    assert await desk.file_id_or_upload_turn(saved, CardSize.WIDE) is None  # this chat uploads

    desk.upload_finished(saved, CardSize.WIDE, "AgAC-early")

    # The next chat sends by file id at once: no second upload while the id is being stored.
    assert await desk.file_id_or_upload_turn(saved, CardSize.WIDE) == "AgAC-early"
    assert (await repository.by_id(saved.id)).file_ids == {}  # type: ignore[union-attr]
    await desk.remember_file_id(saved.id, CardSize.WIDE, "AgAC-early")
    stored = await repository.by_id(saved.id)
    assert stored is not None and stored.file_ids[CardSize.WIDE] == "AgAC-early"


class HeldBody:
    """A page body that is sent only once the test releases it: the fetch stays open."""

    def __init__(self, body: bytes, released: threading.Event) -> None:
        self.body = body
        self.released = released
        self.requested = threading.Event()

    def __iter__(self) -> Iterator[bytes]:
        self.requested.set()
        self.released.wait(30)
        yield self.body


async def test_jobs_past_the_running_and_waiting_places_are_refused_at_once() -> None:
    jobs = JobQueue(max_running=1, max_waiting=1)
    release = asyncio.Event()

    async def job() -> None:
        async with jobs.slot():
            await release.wait()

    running = asyncio.ensure_future(job())
    waiting = asyncio.ensure_future(job())
    await asyncio.sleep(0)
    assert (jobs.running, jobs.waiting) == (1, 1) and jobs.full()
    with pytest.raises(BusyError, match="1 jobs running, 1 waiting"):
        await asyncio.wait_for(job(), 5)  # refused at once, never left waiting
    release.set()
    await asyncio.gather(running, waiting)
    assert (jobs.running, jobs.waiting) == (0, 0) and not jobs.full()


async def test_a_crowd_of_links_runs_within_the_bound_and_cache_hits_skip_the_line(
    settings: Settings, tmp_path: Path, page_server: PageServer, sample_html: str
) -> None:
    connection = await open_database(tmp_path / "crowd.sqlite3")
    service = build_share_service(settings)
    desk = ShareDesk(service, ShareRepository(connection), jobs=JobQueue(1, 1))
    released = threading.Event()
    try:
        ready = await desk.share_url(page_server.add("/ready.html", body=sample_html.encode()))
        bodies = [HeldBody(article_variant(sample_html, n), released) for n in range(3)]
        urls = [
            page_server.add(f"/held-{n}.html", body=body, content_length=False)
            for n, body in enumerate(bodies)
        ]
        first, second = (asyncio.ensure_future(desk.share_url(url)) for url in urls[:2])
        # The first job is fetching; the second waits its turn (once past its cache lookup).
        assert await asyncio.to_thread(bodies[0].requested.wait, 30)
        while not desk.jobs.full():  # noqa: ASYNC110 — the queue has no event to wait on
            await asyncio.sleep(0.01)
        assert desk.knows_url(urls[0]) and desk.knows_url(urls[1])

        with pytest.raises(BusyError):
            await asyncio.wait_for(desk.share_url(urls[2]), 5)  # refused at once
        assert (await desk.share_url(page_server.url("/ready.html"))).id == ready.id
        assert [p for p in page_server.requests if p.startswith("/held-")] == ["/held-0.html"]

        released.set()
        assert len({(await first).id, (await second).id}) == 2
    finally:
        released.set()
        await desk.close()
        await service.close()
        await connection.close()
