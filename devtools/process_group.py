"""Stopping a test process and everything it started (it runs in its own process group)."""

from __future__ import annotations

import os
import signal
import subprocess


def kill_group(process: subprocess.Popen[bytes] | None, *, timeout: float = 30) -> None:
    """SIGKILL to the group: no cleanup of any kind runs (a crash, as tests need one)."""
    if process is None or process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=timeout)


def stop_group(process: subprocess.Popen[bytes] | None, *, timeout: float = 30) -> None:
    """SIGTERM to the group and wait for a clean stop; SIGKILL after ``timeout`` seconds."""
    if process is None or process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        kill_group(process, timeout=timeout)
