"""The share pipeline in worker processes, so its CPU work never competes with the bot's loop.

Measured on the load benchmark: with extraction, summarising and rendering in threads of the
bot's own process, every socket call of the event loop waits for the GIL behind them, and
acknowledgements to other chats took seconds. Here each worker process runs the unmodified
pipeline (``bot.pipeline.ShareService``) on its own event loop, many requests at a time (a
slow site occupies no worker), and the bot's process keeps only Telegram I/O.

Requests and results cross a pipe as pickles; engine errors are rebuilt on this side with
their Arabic message intact.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import multiprocessing
import os
import signal
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

from bot.errors import NashirError
from bot.models import Article, CardSize, ShareResult
from bot.newsroom.drafting import DraftOptions
from bot.newsroom.models import DraftContent
from bot.settings import Settings

logger = logging.getLogger(__name__)

_METHODS = frozenset(
    {"share_url", "share_text", "share_article", "draft_content", "draft_cards", "ping"}
)
START_TIMEOUT = 120.0
WORKER_NICENESS = 10


def default_workers() -> int:
    """One worker per CPU: each worker's own loop and pool keep one core busy."""
    return max(1, os.cpu_count() or 1)


@dataclass(frozen=True, slots=True)
class _Failure:
    """An exception in transport: type, args and attributes (message_ar, status …)."""

    error_type: type[BaseException]
    args: tuple[Any, ...]
    state: dict[str, Any]

    @classmethod
    def of(cls, error: BaseException) -> _Failure:
        if not isinstance(error, NashirError):
            # Anything else is a bug in the pipeline: keep its text, tell the user generally.
            return cls(NashirError, (f"{type(error).__name__}: {error}",), {})
        return cls(type(error), tuple(error.args), dict(vars(error)))

    def rebuild(self) -> BaseException:
        # Without calling __init__: some errors take other arguments than their args.
        error = self.error_type.__new__(self.error_type)
        BaseException.__init__(error, *self.args)
        vars(error).update(self.state)
        return error


class _Worker:
    """One worker process and the requests waiting for its answers."""

    def __init__(self, process: multiprocessing.process.BaseProcess, connection: Connection):
        self.process = process
        self.connection = connection
        self.pending: dict[int, asyncio.Future[Any]] = {}


class ProcessSharer:
    """``ShareService``'s interface, served by ``workers`` processes.

    Args:
        settings: passed to ``factory`` in each worker.
        factory: builds the pipeline in a worker (a module-level function, so it pickles).
        workers: number of processes.
    """

    def __init__(
        self,
        settings: Settings,
        *,
        factory: Callable[[Settings], Any] | None = None,
        workers: int | None = None,
    ) -> None:
        self._settings = settings
        self._factory = factory
        self._count = workers or default_workers()
        self._workers: list[_Worker] = []
        self._ids = itertools.count(1)
        self._loop: asyncio.AbstractEventLoop | None = None

    async def start(self) -> None:
        """Start the processes and wait until each has built its pipeline."""
        self._loop = asyncio.get_running_loop()
        context = multiprocessing.get_context("spawn")  # no fork of a threaded process
        for _ in range(self._count):
            ours, theirs = context.Pipe(duplex=True)
            process = context.Process(
                target=_worker_main,
                args=(theirs, self._settings, self._factory),
                name="nashir-share-worker",
                daemon=True,
            )
            process.start()
            theirs.close()
            worker = _Worker(process, ours)
            self._loop.add_reader(ours.fileno(), self._on_answer, worker)
            self._workers.append(worker)
        await asyncio.wait_for(
            asyncio.gather(*(self._call(w, "ping") for w in self._workers)), START_TIMEOUT
        )
        logger.info("share pipeline running in %d worker processes", self._count)

    async def share_url(self, url: str) -> ShareResult:
        return await self._request("share_url", url)

    async def share_text(self, text: str) -> ShareResult:
        return await self._request("share_text", text)

    async def share_article(
        self, article: Article, *, card_sizes: Sequence[CardSize] | None = None
    ) -> ShareResult:
        return await self._request("share_article", article, tuple(card_sizes or ()) or None)

    async def draft_content(self, article: Article, options: DraftOptions) -> DraftContent:
        return await self._request("draft_content", article, options)

    async def draft_cards(self, article: Article, content: DraftContent) -> DraftContent:
        return await self._request("draft_cards", article, content)

    async def close(self) -> None:
        for worker in self._workers:
            if self._loop is not None:
                self._loop.remove_reader(worker.connection.fileno())
            for future in worker.pending.values():
                future.cancel()
            with contextlib.suppress(OSError):
                worker.connection.send(None)  # asks the worker to stop
        for worker in self._workers:
            await asyncio.to_thread(worker.process.join, 10)
            if worker.process.is_alive():
                worker.process.kill()
            worker.connection.close()
        self._workers.clear()

    async def _request(self, method: str, *args: Any) -> Any:
        if not self._workers:
            await self.start()
        worker = min(self._workers, key=lambda w: len(w.pending))
        return await self._call(worker, method, *args)

    async def _call(self, worker: _Worker, method: str, *args: Any) -> Any:
        assert self._loop is not None
        request_id = next(self._ids)
        future: asyncio.Future[Any] = self._loop.create_future()
        worker.pending[request_id] = future
        try:
            worker.connection.send((request_id, method, args))
            return await future
        finally:
            worker.pending.pop(request_id, None)

    def _on_answer(self, worker: _Worker) -> None:
        try:
            request_id, ok, value = worker.connection.recv()
        except (EOFError, OSError):
            self._worker_died(worker)
            return
        future = worker.pending.get(request_id)
        if future is None or future.done():
            return
        if ok:
            future.set_result(value)
        else:
            future.set_exception(value.rebuild())

    def _worker_died(self, worker: _Worker) -> None:
        assert self._loop is not None
        self._loop.remove_reader(worker.connection.fileno())
        logger.error(
            "share worker %s exited (code %s)", worker.process.pid, worker.process.exitcode
        )
        for future in worker.pending.values():
            if not future.done():
                future.set_exception(NashirError("share worker exited"))
        self._workers.remove(worker)


# --------------------------------------------------------------------------- worker side


def _worker_main(
    connection: Connection, settings: Settings, factory: Callable[[Settings], Any] | None
) -> None:
    """Entry point of a worker process: serve requests until told to stop."""
    # Below the bot's priority: when the CPUs are busy, answering chats comes first and
    # rendering waits a little, never the other way round.
    with contextlib.suppress(OSError):
        os.nice(WORKER_NICENESS)
    # Ctrl-C reaches the whole process group; the bot decides when its workers stop.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if factory is None:
        # Imported here, not at the top: the bot's own process never loads the pipeline.
        from bot.pipeline import build_share_service

        factory = build_share_service
    asyncio.run(_serve(connection, factory(settings)))


async def _serve(connection: Connection, service: Any) -> None:
    loop = asyncio.get_running_loop()
    requests: asyncio.Queue[tuple[int, str, tuple[Any, ...]] | None] = asyncio.Queue()
    send_lock = threading.Lock()

    def read() -> None:  # a thread: recv() blocks, the loop must not
        while True:
            try:
                message = connection.recv()
            except (EOFError, OSError):
                message = None
            loop.call_soon_threadsafe(requests.put_nowait, message)
            if message is None:
                return

    threading.Thread(target=read, name="nashir-worker-reader", daemon=True).start()
    running: set[asyncio.Task[None]] = set()
    while (message := await requests.get()) is not None:
        task = loop.create_task(_answer(connection, send_lock, service, *message))
        running.add(task)
        task.add_done_callback(running.discard)
    for task in running:
        task.cancel()
    await asyncio.gather(*running, return_exceptions=True)
    await service.close()


async def _answer(
    connection: Connection,
    send_lock: threading.Lock,
    service: Any,
    request_id: int,
    method: str,
    args: tuple[Any, ...],
) -> None:
    try:
        if method not in _METHODS:
            raise ValueError(f"unknown method {method!r}")
        if method == "ping":
            value: Any = True
        elif method == "share_article":
            article, card_sizes = args
            value = await service.share_article(article, card_sizes=card_sizes)
        else:
            value = await getattr(service, method)(*args)
        answer = (request_id, True, value)
    except Exception as error:  # every failure goes back to the bot, which explains it
        if not isinstance(error, NashirError):
            logger.exception("share worker: %s failed", method)
        answer = (request_id, False, _Failure.of(error))
    with send_lock:
        connection.send(answer)
