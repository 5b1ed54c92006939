"""One outbox worker as a process of its own: what each webhook worker of a deployment runs
beside its handlers, for the multi-process tests and ``bench/outbox.py``.

It opens ``DATABASE_URL``, builds the real channel and X publishers and the editors' notifier
from the settings in its environment (pointed at the local Bot API server and the fake X),
and runs :class:`~bot.publish.outbox.OutboxWorker` until SIGTERM. It prints ``ready`` once
it has done its start-up work and listens for wake-ups. ``SIGKILL`` is the crash.

    python -m devtools.outbox_worker --name w1 [--no-flood] [--reconcile-delay 0.5]

:class:`OutboxWorkerProcess` starts, kills and stops one from a test.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import logging
import os
import signal
import subprocess
import sys
import time
from collections.abc import Mapping
from pathlib import Path

from telegram.ext import ExtBot

from bot.flood import FloodLimiter
from bot.newsroom.models import Target
from bot.publish.base import Publisher
from bot.publish.outbox import BATCH, OutboxWorker
from bot.publish.telegram import ChannelPublisher
from bot.publish.x import XPublisher
from bot.publish.xclient import XClient, XCredentials, XEndpoints
from bot.settings import Settings, load_settings
from db.connection import open_database
from db.drafts import DraftRepository
from db.outbox import OutboxRepository
from devtools.process_group import kill_group, stop_group
from handlers.bot_request import AiohttpRequest
from handlers.newsroom_notify import EditorsNotifier
from handlers.retry import RetryAfterLimiter
from handlers.texts import MESSAGES_DIR, Texts

ROOT = Path(__file__).resolve().parents[1]
READY = "ready"
START_TIMEOUT = 60.0
# As the bot's application has it (handlers/app.py).
IN_FLIGHT = 8


async def serve(
    settings: Settings, *, name: str, flood: bool, reconcile_delay: float, batch: int
) -> None:
    """Run one worker until SIGTERM or SIGINT."""
    if settings.telegram_bot_token is None:
        raise SystemExit("TELEGRAM_BOT_TOKEN is not set")
    database = await open_database(settings.database_url, pool_size=4)
    drafts = DraftRepository(database)
    root = settings.telegram_api_base_url
    limiter = FloodLimiter() if flood else None
    bot = ExtBot(
        settings.telegram_bot_token.reveal(),
        base_url=f"{root}/bot",
        base_file_url=f"{root}/file/bot",
        request=AiohttpRequest(connection_pool_size=IN_FLIGHT, pool_timeout=30.0),
        rate_limiter=RetryAfterLimiter(max_in_flight=IN_FLIGHT, flood=limiter),
    )
    publishers: dict[Target, Publisher] = {}
    try:
        async with bot:
            if settings.channel_id:
                publishers[Target.CHANNEL] = ChannelPublisher(
                    bot, settings.channel_id, flood=limiter
                )
            credentials = XCredentials.from_settings(settings)
            if credentials is not None:
                client = XClient(credentials, XEndpoints.from_settings(settings))
                publishers[Target.X] = XPublisher(client)
            notifier = EditorsNotifier(
                bot,
                texts=Texts(MESSAGES_DIR / "newsroom"),
                drafts=drafts,
                editors_chat_id=settings.editor_chat_id,
                channel=settings.channel_id,
                zone=settings.timezone,
                clock=lambda: dt.datetime.now(dt.UTC),
                admins=settings.admin_user_ids,
            )
            worker = OutboxWorker(
                outbox=OutboxRepository(database),
                drafts=drafts,
                publishers=publishers,
                notifier=notifier,
                owner=name,
                lease=dt.timedelta(seconds=settings.outbox_lease_seconds),
                batch=batch,
                reconcile_delay=reconcile_delay,
            )
            stop = asyncio.Event()
            loop = asyncio.get_running_loop()
            for number in (signal.SIGTERM, signal.SIGINT):
                loop.add_signal_handler(number, stop.set)
            await worker.recover()
            await worker.listen()
            print(READY, flush=True)
            # CPU used so far (start-up): benchmarks count what comes after.
            print(f"cpu {time.process_time():.3f}", flush=True)
            await worker.run(stop)
    finally:
        for publisher in publishers.values():
            await publisher.close()
        await database.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--name", required=True, help="the worker's name on its leases")
    parser.add_argument(
        "--no-flood",
        action="store_true",
        help="no flood limiter of our own (with a Bot API server that enforces none)",
    )
    parser.add_argument("--reconcile-delay", type=float, default=5.0)
    parser.add_argument("--batch", type=int, default=BATCH)
    args = parser.parse_args(argv)
    settings = load_settings(os.environ, dotenv=None)
    logging.basicConfig(
        level=settings.log_level.upper(),
        format=f"%(asctime)s {args.name} %(levelname)s %(name)s: %(message)s",
    )
    asyncio.run(
        serve(
            settings,
            name=args.name,
            flood=not args.no_flood,
            reconcile_delay=args.reconcile_delay,
            batch=args.batch,
        )
    )
    return 0


class OutboxWorkerProcess:
    """``python -m devtools.outbox_worker`` with ``env`` (merged over a minimal environment).

    Args:
        name: the worker's name (its lease owner).
        env: settings as environment variables.
        workdir: where its log is written.
        flood: whether it paces channel posts itself (Telegram's limits).
        reconcile_delay: seconds before it searches X for a post of unknown outcome.
    """

    def __init__(
        self,
        name: str,
        env: Mapping[str, str],
        workdir: Path,
        *,
        flood: bool = True,
        reconcile_delay: float = 0.5,
        batch: int = BATCH,
    ) -> None:
        self.name = name
        self._env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(workdir),
            "PYTHONUNBUFFERED": "1",
            "LOG_LEVEL": "info",
            **env,
        }
        self._arguments = [
            "--name",
            name,
            "--reconcile-delay",
            str(reconcile_delay),
            "--batch",
            str(batch),
            *([] if flood else ["--no-flood"]),
        ]
        self.log_path = workdir / f"outbox-{name}.log"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, *, wait: bool = True) -> OutboxWorkerProcess:
        """Start it; with ``wait``, return once it is ready (see :meth:`wait_ready`)."""
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "devtools.outbox_worker", *self._arguments],
                cwd=ROOT,
                env=self._env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        if wait:
            self.wait_ready()
        return self

    def wait_ready(self, timeout: float = START_TIMEOUT) -> None:
        """Until it has printed ``ready`` (raises if it exits or takes too long)."""
        assert self.process is not None
        deadline = time.monotonic() + timeout
        while READY not in self.log().splitlines():
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited at start:\n{self.log()[-3000:]}")
            if time.monotonic() > deadline:
                raise TimeoutError(f"{self.name} did not start:\n{self.log()[-3000:]}")
            time.sleep(0.05)

    @property
    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def cpu_at_ready(self) -> float:
        """CPU time it had used when it became ready (its start-up)."""
        for line in self.log().splitlines():
            if line.startswith("cpu "):
                return float(line.split()[1])
        raise RuntimeError(f"{self.name} did not say its start-up CPU time")

    def cpu_seconds(self) -> float:
        """User and system CPU time it has used so far (Linux)."""
        assert self.process is not None
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        ticks = int(fields[11]) + int(fields[12])  # utime, stime
        return ticks / os.sysconf("SC_CLK_TCK")

    def kill(self) -> None:
        """SIGKILL: no cleanup of any kind runs."""
        kill_group(self.process)

    def stop(self) -> None:
        """SIGTERM and wait for a clean stop (SIGKILL after 30 s)."""
        stop_group(self.process)

    def log(self) -> str:
        if not self.log_path.exists():
            return ""
        return self.log_path.read_text(encoding="utf-8", errors="replace")


if __name__ == "__main__":
    raise SystemExit(main())
