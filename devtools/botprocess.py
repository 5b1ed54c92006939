"""The real bot as a separate process (``python main.py run``), to kill with SIGKILL and
start again: what a crash or an OOM kill does to a deployed bot, for tests and benchmarks.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Mapping
from pathlib import Path

from devtools.botapi import BotAPIServer
from devtools.process_group import kill_group, stop_group

ROOT = Path(__file__).resolve().parents[1]
START_TIMEOUT = 90.0


class BotProcess:
    """``python main.py run`` with ``env`` (merged over a minimal environment).

    Args:
        api: the local Bot API server the bot talks to (its ``TELEGRAM_API_BASE_URL``).
        env: settings as environment variables.
        workdir: the process's folder (its ``data/`` and logs live there).
        args: more arguments for ``run`` (``--webhook-url …`` for a webhook worker).
    """

    def __init__(
        self,
        api: BotAPIServer,
        env: Mapping[str, str],
        workdir: Path,
        *,
        args: tuple[str, ...] = (),
    ) -> None:
        self._api = api
        self._args = args
        self._workdir = workdir
        self._env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(workdir),
            "TELEGRAM_BOT_TOKEN": api.token,
            "TELEGRAM_API_BASE_URL": api.root,
            "LOG_LEVEL": "info",
            "PYTHONUNBUFFERED": "1",
            **env,
        }
        self.process: subprocess.Popen[bytes] | None = None
        self.starts = 0

    @property
    def log_path(self) -> Path:
        return self._workdir / f"bot-{self.starts}.log"

    def start(self) -> BotProcess:
        """Start and wait until the bot answers (it polls for updates, or says it runs)."""
        mark = self._api.mark()
        self.starts += 1
        log = self.log_path.open("wb")
        self.process = subprocess.Popen(
            [sys.executable, str(ROOT / "main.py"), "run", *self._args],
            cwd=self._workdir,
            env=self._env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # the kill reaches its pipeline workers too
        )
        log.close()
        deadline = time.monotonic() + START_TIMEOUT
        while not self._ready(mark):
            if self.process.poll() is not None:
                raise RuntimeError(f"the bot exited at start: {self.log_path.read_text()[-2000:]}")
            if time.monotonic() > deadline:
                raise TimeoutError("the bot did not start polling")
            time.sleep(0.05)
        return self

    @property
    def pid(self) -> int:
        if self.process is None:
            raise RuntimeError("not started")
        return self.process.pid

    def _ready(self, mark: int) -> bool:
        if "--webhook-url" in self._args:
            # A webhook worker may not register the hook itself: its own log line says when
            # it is listening and handling.
            return b" is running (webhook)" in self.log_path.read_bytes()
        return bool(self._api.find("getUpdates", since=mark, ok=None))

    def kill(self) -> None:
        """SIGKILL to the bot and everything it started: no cleanup runs."""
        kill_group(self.process)

    def stop(self) -> None:
        """SIGTERM and wait for a clean stop (SIGKILL after 30 s)."""
        stop_group(self.process)

    def log(self) -> str:
        return "\n".join(
            (self._workdir / f"bot-{n}.log").read_text(errors="replace")
            for n in range(1, self.starts + 1)
        )
