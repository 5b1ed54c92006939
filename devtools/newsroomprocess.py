"""The newsroom's background work as a process of its own: the outbox worker, the scheduler
and the feed poller, wired by ``handlers/newsroom_runtime.py`` exactly as the bot wires them
beside its updates, on the bot's own PTB application — but taking no updates.

Several of these over one PostgreSQL database are, for the scheduled work, what several
webhook workers are: identical processes, one of which leads. Tests and ``bench/failover.py``
kill the leader with SIGKILL and watch another take over. (Update intake is left out on
purpose: two long-polling bots would share one update stream, which Telegram refuses, and
it has nothing to do with who runs the scheduled work.)

    python -m devtools.newsroomprocess     # settings from the environment; SIGTERM stops it
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import subprocess
import sys
import time
from collections.abc import Mapping
from pathlib import Path

from bot.settings import Settings, load_settings
from devtools.botapi import BotAPIServer
from devtools.process_group import kill_group, stop_group

ROOT = Path(__file__).resolve().parents[1]
READY = "newsroom process ready"
START_TIMEOUT = 120.0


async def serve(settings: Settings, stop: asyncio.Event) -> None:
    from bot.pipeline import build_share_service
    from handlers.app import build_application
    from handlers.newsroom_runtime import background_work, newsroom_runtime
    from handlers.runner import open_services, require_token

    sharer = build_share_service(settings)
    try:
        async with open_services(settings, sharer) as services:
            application = build_application(
                require_token(settings), settings.telegram_api_base_url, services
            )
            await application.initialize()
            try:
                async with (
                    newsroom_runtime(
                        settings, application, services.desk, database=services.database
                    ) as newsroom,
                    background_work(newsroom),
                ):
                    print(f"{READY}: {newsroom.scheduler.holder}", flush=True)
                    await stop.wait()
            finally:
                await application.shutdown()
    finally:
        await sharer.close()


def main() -> int:
    settings = load_settings(dotenv=None)
    logging.basicConfig(
        level=getattr(logging, settings.log_level.upper()),
        format="%(asctime)s %(process)d %(levelname)s %(name)s: %(message)s",
        stream=sys.stdout,
    )
    logging.getLogger("httpx").setLevel(logging.WARNING)

    async def until_signal() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, stop.set)
        await serve(settings, stop)

    asyncio.run(until_signal())
    return 0


class NewsroomProcess:
    """``python -m devtools.newsroomprocess`` with ``env``, against the local Bot API server."""

    def __init__(
        self, api: BotAPIServer, env: Mapping[str, str], workdir: Path, name: str
    ) -> None:
        self._workdir = workdir
        self.log_path = workdir / f"{name}.log"
        self._env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(workdir),
            "TELEGRAM_BOT_TOKEN": api.token,
            "TELEGRAM_API_BASE_URL": api.root,
            "LOG_LEVEL": "info",
            "PYTHONUNBUFFERED": "1",
            "PYTHONPATH": str(ROOT),
            **env,
        }
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def start(self) -> NewsroomProcess:
        """Start it and wait until its background work runs."""
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "devtools.newsroomprocess"],
                cwd=self._workdir,
                env=self._env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + START_TIMEOUT
        while READY not in self.log():
            if self.process.poll() is not None:
                raise RuntimeError(f"the newsroom process exited: {self.log()[-2000:]}")
            if time.monotonic() > deadline:
                raise TimeoutError(f"the newsroom process did not start: {self.log()[-2000:]}")
            time.sleep(0.05)
        return self

    def kill(self) -> None:
        """SIGKILL: no cleanup runs, the lease is not given up."""
        kill_group(self.process)

    def stop(self) -> None:
        """SIGTERM and wait for a clean stop (SIGKILL after 30 s)."""
        stop_group(self.process)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


if __name__ == "__main__":
    raise SystemExit(main())
