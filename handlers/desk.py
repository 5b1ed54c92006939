"""The share desk: the one engine entry the chat handlers call.

It puts the share cache in front of the pipeline: a link already shared is answered from
memory or SQLite at once; a link being processed is not processed twice (every chat asking
for it waits on the same task); cards in other sizes are rendered on first request and kept.
The pipeline itself runs its CPU work in its own pool, so awaiting it never blocks the loop.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import logging
from collections import OrderedDict
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from typing import Protocol, TypeVar

from bot.ingest.urls import normalize_url
from bot.models import Article, Card, CardSize, ShareResult
from db.shares import SavedShare, ShareRepository
from handlers.errors import BusyError

logger = logging.getLogger(__name__)

T = TypeVar("T")

DEFAULT_MAX_AGE = dt.timedelta(hours=24)
DEFAULT_MEMORY_SIZE = 32
# Pipeline jobs (a page fetched, read, summarised and drawn) running at once, and waiting:
# MAX_CONCURRENT_JOBS and MAX_QUEUED_JOBS in the settings. The running bound caps what a
# crowd can hold at once (pages of up to FETCH_MAX_BYTES, workers' CPU); the waiting bound
# caps the wait: at a few articles a second, the last of 100 in line has its card within
# about half a minute (bench/bot_load.py --articles 200 prepares ~23 a second on 2 CPUs
# with local pages), and anyone past it is told to come back rather than left waiting.
DEFAULT_MAX_RUNNING = 8
DEFAULT_MAX_WAITING = 100


class Sharer(Protocol):
    """What the desk needs from ``bot.pipeline.ShareService``."""

    async def share_url(self, url: str) -> ShareResult: ...

    async def share_text(self, text: str) -> ShareResult: ...

    async def share_article(
        self, article: Article, *, card_sizes: Sequence[CardSize] | None = None
    ) -> ShareResult: ...


class JobQueue:
    """At most ``max_running`` pipeline jobs at a time, ``max_waiting`` more in line, and a
    :class:`BusyError` for any job past that — so a crowd of users sending different links
    at once gets a clear answer instead of starving the bot (its memory, its workers, the
    Telegram replies waiting behind them). Cache hits never take a place.
    """

    def __init__(self, max_running: int, max_waiting: int) -> None:
        if max_running <= 0 or max_waiting < 0:
            raise ValueError("max_running must be positive and max_waiting not negative")
        self.max_running = max_running
        self.max_waiting = max_waiting
        self._slots = asyncio.Semaphore(max_running)
        self.running = 0
        self.waiting = 0

    def full(self) -> bool:
        """Whether a new job would be refused now."""
        return self.running >= self.max_running and self.waiting >= self.max_waiting

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        """Hold a running place for the job in the ``async with`` body.

        Raises:
            BusyError: every place is taken and the line is full.
        """
        if self.full():
            raise BusyError(f"{self.running} jobs running, {self.waiting} waiting")
        self.waiting += 1
        try:
            await self._slots.acquire()
        finally:
            self.waiting -= 1
        self.running += 1
        try:
            yield
        finally:
            self.running -= 1
            self._slots.release()


def text_key(text: str) -> str:
    """Identity of a pasted text: the same words with any spacing give the same key."""
    return hashlib.sha256(" ".join(text.split()).encode("utf-8")).hexdigest()


class ShareDesk:
    """Cached, de-duplicated access to the share pipeline.

    Args:
        sharer: the pipeline (``ShareService``).
        repository: the SQLite share cache.
        max_age: cached shares older than this are rebuilt (pages get corrected).
        memory_size: shares kept in memory, cards included, most recent first.
        jobs: the bound on pipeline jobs (default: 8 running, 100 waiting).
        clock: current UTC time; tests pass their own.
    """

    def __init__(
        self,
        sharer: Sharer,
        repository: ShareRepository,
        *,
        max_age: dt.timedelta = DEFAULT_MAX_AGE,
        memory_size: int = DEFAULT_MEMORY_SIZE,
        jobs: JobQueue | None = None,
        clock: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC),
    ) -> None:
        self._sharer = sharer
        self.jobs = jobs or JobQueue(DEFAULT_MAX_RUNNING, DEFAULT_MAX_WAITING)
        self._repository = repository
        self._max_age = max_age
        self._memory_size = memory_size
        self._clock = clock
        self._memory: OrderedDict[str, SavedShare] = OrderedDict()
        self._aliases: OrderedDict[str, str] = OrderedDict()  # lookup key → share id
        self._inflight: dict[str, asyncio.Task[SavedShare]] = {}
        self._card_tasks: dict[str, asyncio.Task[SavedShare]] = {}
        self._uploads: dict[str, asyncio.Future[str | None]] = {}

    @property
    def sharer(self) -> Sharer:
        """The pipeline behind the cache (the newsroom asks it for drafts' texts and cards)."""
        return self._sharer

    # ------------------------------------------------------------------ sharing

    async def share_url(self, url: str) -> SavedShare:
        """The share for ``url``: cached if fresh, else fetched, built and stored."""
        return await asyncio.shield(self._url_task(url))

    async def share_url_within(self, url: str, wait: float) -> SavedShare | None:
        """Like :meth:`share_url`, but give up waiting after ``wait`` seconds.

        The work goes on in the background and lands in the cache, so asking again later
        answers at once. Errors still raise when they come within ``wait``.
        """
        task = self._url_task(url)
        try:
            return await asyncio.wait_for(asyncio.shield(task), wait)
        except TimeoutError:
            return None

    def knows_url(self, url: str) -> bool:
        """Whether ``url`` needs no new work: fresh in memory, or being prepared now."""
        key = url_key(url)
        return key in self._inflight or self._remembered(key) is not None

    def knows_text(self, text: str) -> bool:
        """Like :meth:`knows_url`, for a pasted text."""
        key = f"text:{text_key(text)}"
        return key in self._inflight or self._remembered(key) is not None

    def now(self) -> dt.datetime:
        """The desk's clock: a share created before this moment was not built for the
        request that started then (it came from the cache)."""
        return self._clock()

    def remembered_url(self, url: str) -> SavedShare | None:
        """The fresh share for ``url`` if it is in memory: no I/O, for an instant answer."""
        return self._remembered(url_key(url))

    async def cached_url(self, url: str) -> SavedShare | None:
        """The fresh cached share for ``url``, without starting any work."""
        key = url_key(url)
        return self._remembered(key) or await self._stored(key, self._repository.by_source)

    async def cached_text(self, text: str) -> SavedShare | None:
        """The fresh cached share for a pasted text, without starting any work."""
        key = f"text:{text_key(text)}"
        remembered = self._remembered(key)
        if remembered is not None:
            return remembered
        return await self._stored(key, self._repository.by_text_key, text_key(text))

    async def share_text(self, text: str) -> SavedShare:
        """The share for a pasted article text (no URL)."""
        key = f"text:{text_key(text)}"
        remembered = self._remembered(key)
        if remembered is not None:
            return remembered

        async def build() -> SavedShare:
            stored = await self._stored(key, self._repository.by_text_key, text_key(text))
            if stored is not None:
                return stored
            async with self.jobs.slot():
                result = await self._sharer.share_text(text)
            saved = await self._repository.save(result, text_key=text_key(text))
            return self._remember(saved, key)

        return await asyncio.shield(self._once(self._inflight, key, build))

    async def get(self, share_id: str) -> SavedShare | None:
        """A stored share by its short id (from a button), or None if unknown."""
        saved = self._memory.get(share_id)
        if saved is not None:
            self._memory.move_to_end(share_id)
            return saved
        saved = await self._repository.by_id(share_id)
        return self._remember(saved) if saved is not None else None

    async def card(self, saved: SavedShare, size: CardSize) -> tuple[SavedShare, Card]:
        """The card of ``size``, rendered now and stored if the share does not have it yet."""
        existing = saved.card(size)
        if existing is not None:
            return saved, existing

        async def render() -> SavedShare:
            async with self.jobs.slot():
                result = await self._sharer.share_article(saved.result.article, card_sizes=(size,))
            cards = [card for card in result.cards if card.size is size]
            await self._repository.add_cards(saved.id, cards)
            current = self._memory.get(saved.id, saved)
            return self._remember(current.with_cards(cards))

        updated = await asyncio.shield(
            self._once(self._card_tasks, f"{saved.id}:{size.value}", render)
        )
        card = updated.card(size)
        if card is None:
            raise LookupError(f"the pipeline rendered no {size} card")
        return updated, card

    async def remember_file_id(self, share_id: str, size: CardSize, file_id: str) -> None:
        """Keep Telegram's file id of an uploaded card (it is reused instead of the bytes)."""
        self._file_id_in_memory(share_id, size, file_id)
        await self._repository.set_file_id(share_id, size, file_id)

    async def file_id_or_upload_turn(self, saved: SavedShare, size: CardSize) -> str | None:
        """The card's Telegram file id, waiting for an upload already under way.

        ``None`` means the caller uploads the bytes and must then call
        :meth:`upload_finished` — so a card wanted by many chats at once is uploaded once
        and sent to the others by file id.
        """
        current = self._memory.get(saved.id, saved)
        known = current.file_ids.get(size) or saved.file_ids.get(size)
        if known:
            return known
        key = f"{saved.id}:{size.value}"
        running = self._uploads.get(key)
        if running is not None:
            return await asyncio.shield(running)
        self._uploads[key] = asyncio.get_running_loop().create_future()
        return None

    def upload_finished(self, saved: SavedShare, size: CardSize, file_id: str | None) -> None:
        """End the upload turn taken in :meth:`file_id_or_upload_turn` (None = it failed).

        The file id serves the next chats from memory at once; :meth:`remember_file_id`
        stores it for good.
        """
        if file_id:
            self._file_id_in_memory(saved.id, size, file_id)
        turn = self._uploads.pop(f"{saved.id}:{size.value}", None)
        if turn is not None and not turn.done():
            turn.set_result(file_id)

    async def close(self) -> None:
        """Cancel work still running (the bot is stopping)."""
        tasks = [*self._inflight.values(), *self._card_tasks.values()]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    # ---------------------------------------------------------------- internals

    def _url_task(self, url: str) -> asyncio.Future[SavedShare]:
        key = url_key(url)
        remembered = self._remembered(key)
        if remembered is not None:
            done: asyncio.Future[SavedShare] = asyncio.get_running_loop().create_future()
            done.set_result(remembered)
            return done

        async def build() -> SavedShare:
            stored = await self._stored(key, self._repository.by_source)
            if stored is not None:
                return stored
            async with self.jobs.slot():
                result = await self._sharer.share_url(url)
            saved = await self._repository.save(result, source_url=key)
            canonical = result.article.url
            return self._remember(saved, key, *([url_key(canonical)] if canonical else []))

        return self._once(self._inflight, key, build)

    def _once(
        self,
        table: dict[str, asyncio.Task[T]],
        key: str,
        build: Callable[[], Awaitable[T]],
    ) -> asyncio.Task[T]:
        """One task per key: callers that arrive while it runs share its result."""
        task = table.get(key)
        if task is None:
            task = asyncio.ensure_future(build())
            table[key] = task
            task.add_done_callback(lambda t: _finished(table, key, t))
        return task

    def _remembered(self, key: str) -> SavedShare | None:
        share_id = self._aliases.get(key)
        saved = self._memory.get(share_id) if share_id else None
        if saved is None or not self._fresh(saved):
            return None
        self._memory.move_to_end(saved.id)
        return saved

    async def _stored(
        self,
        key: str,
        lookup: Callable[[str], Awaitable[SavedShare | None]],
        value: str | None = None,
    ) -> SavedShare | None:
        saved = await lookup(value if value is not None else key)
        if saved is None or not self._fresh(saved):
            return None
        return self._remember(saved, key)

    def _remember(self, saved: SavedShare, *keys: str) -> SavedShare:
        self._memory[saved.id] = saved
        self._memory.move_to_end(saved.id)
        while len(self._memory) > self._memory_size:
            self._memory.popitem(last=False)
        for key in keys:
            self._aliases[key] = saved.id
            self._aliases.move_to_end(key)
        while len(self._aliases) > 4 * self._memory_size:
            self._aliases.popitem(last=False)
        return saved

    def _file_id_in_memory(self, share_id: str, size: CardSize, file_id: str) -> None:
        saved = self._memory.get(share_id)
        if saved is not None and saved.file_ids.get(size) != file_id:
            self._memory[share_id] = saved.with_file_id(size, file_id)

    def _fresh(self, saved: SavedShare) -> bool:
        return self._clock() - saved.created_at <= self._max_age


def url_key(url: str) -> str:
    """Identity of a link: its normalised form (the same article however it is spelled)."""
    return normalize_url(url)


def _finished(table: dict[str, asyncio.Task[T]], key: str, task: asyncio.Task[T]) -> None:
    if table.get(key) is task:
        del table[key]
    if not task.cancelled() and task.exception() is not None:
        # Whoever waited has the error; this only stops asyncio from warning that nobody
        # retrieved it when every waiter had already given up (inline mode's time budget).
        logger.debug("share task %s failed: %r", key, task.exception())
