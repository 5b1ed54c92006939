"""``run --workers N``: N identical webhook worker processes on one port, kept running.

Each worker is the whole bot (``main.py run`` with the same webhook address): it listens on
the shared port (``SO_REUSEPORT``: the kernel spreads connections between the processes),
stores each update in the inbox and handles its share of it, drains the outbox, and takes
the leader lease when it is free. Nothing but the database connects them, so the operator
may as well start N processes by hand or on N machines behind a load balancer; this is the
one-command version for one machine.

The supervisor (this process) gives the workers one webhook secret (unless one is set), asks
only the first to register the webhook, forwards SIGINT/SIGTERM, and starts a worker again
when it dies — but stops everything when a worker cannot start at all (a wrong token is not
fixed by trying again).
"""

from __future__ import annotations

import logging
import os
import secrets
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from bot.settings import Settings
from handlers.errors import SingleProcessDatabaseError

logger = logging.getLogger(__name__)

MAIN = Path(__file__).resolve().parent.parent / "main.py"
EXIT_OK = 0
EXIT_STARTUP_FAILED = 2
# A worker that dies sooner than this after starting did not start: do not loop on it.
STARTUP_GRACE_S = 20.0
RESTART_DELAYS_S = (1.0, 2.0, 5.0, 10.0, 30.0)
STOP_TIMEOUT_S = 30.0


@dataclass
class _Worker:
    number: int
    command: list[str]
    process: subprocess.Popen[bytes] | None = None
    started: float = 0.0
    restarts: int = field(default=0)


def pipeline_processes_per_worker(workers: int) -> int:
    """Share the CPUs between the workers' article pipelines (at least one each)."""
    return max(1, (os.cpu_count() or 1) // workers)


def run_workers(
    settings: Settings, *, count: int, webhook_url: str, listen: str, port: int
) -> int:
    """Run ``count`` workers until SIGINT/SIGTERM; return the exit code.

    Raises:
        SingleProcessDatabaseError: the database is an SQLite file.
    """
    if settings.database_url.engine == "sqlite":
        raise SingleProcessDatabaseError(f"DATABASE_URL is {settings.database_url}")
    environment = dict(os.environ)
    if not settings.telegram_webhook_secret:
        # One secret for every worker, made up here and handed down; never logged.
        environment["TELEGRAM_WEBHOOK_SECRET"] = secrets.token_urlsafe(32)
    base = [
        sys.executable,
        str(MAIN),
        "run",
        *("--webhook-url", webhook_url, "--listen", listen, "--port", str(port)),
        "--reuse-port",
        *("--pipeline-workers", str(pipeline_processes_per_worker(count))),
    ]
    workers = [
        _Worker(number, base + ([] if number == 0 else ["--no-register"]))
        for number in range(count)
    ]
    stopping = False

    def stop(signum: int, _frame: object) -> None:
        nonlocal stopping
        stopping = True
        logger.info("stopping %d workers (signal %d)", count, signum)

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        for worker in workers:
            _start(worker, environment)
        status = EXIT_OK
        while not stopping:
            time.sleep(0.5)
            for worker in workers:
                code = worker.process.poll() if worker.process else None
                if code is None or stopping:
                    continue
                lived = time.monotonic() - worker.started
                if code == EXIT_STARTUP_FAILED and lived < STARTUP_GRACE_S:
                    logger.error("worker %d could not start; stopping", worker.number)
                    stopping, status = True, EXIT_STARTUP_FAILED
                    break
                delay = RESTART_DELAYS_S[min(worker.restarts, len(RESTART_DELAYS_S) - 1)]
                logger.error(
                    "worker %d exited with %d after %.0f s; starting it again in %.0f s",
                    worker.number,
                    code,
                    lived,
                    delay,
                )
                time.sleep(delay)
                worker.restarts = worker.restarts + 1 if lived < 300 else 0
                _start(worker, environment)
        _stop_all(workers)
        return status
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _start(worker: _Worker, environment: dict[str, str]) -> None:
    worker.process = subprocess.Popen(worker.command, env=environment)
    worker.started = time.monotonic()
    logger.info("worker %d started (pid %d)", worker.number, worker.process.pid)


def _stop_all(workers: list[_Worker]) -> None:
    alive = [w.process for w in workers if w.process and w.process.poll() is None]
    for process in alive:
        process.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + STOP_TIMEOUT_S
    for process in alive:
        try:
            process.wait(timeout=max(deadline - time.monotonic(), 0.1))
        except subprocess.TimeoutExpired:
            logger.warning("worker pid %d did not stop in time; killing it", process.pid)
            process.kill()
            process.wait()
