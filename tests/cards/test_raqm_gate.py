"""A machine without Raqm fails the card tests unless it opts out explicitly.

The check runs pytest in a child process whose dynamic loader finds an empty
``libfribidi.so.0`` first: Pillow's dlopen() of FriBiDi then fails, exactly as on a machine
without ``libfribidi0``, and Raqm is reported missing.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cards.conftest import RAQM_OPT_OUT

ROOT = Path(__file__).resolve().parents[2]
# One cheap test marked requires_raqm.
TARGET = (
    "tests/cards/test_wordmeter.py::"
    "test_with_raqm_a_headline_is_measured_by_pillow_line_by_line_only"
)


def _without_fribidi(tmp_path: Path, **extra: str) -> dict[str, str]:
    hidden = tmp_path / "lib"
    hidden.mkdir(exist_ok=True)
    (hidden / "libfribidi.so.0").write_bytes(b"")
    env = {k: v for k, v in os.environ.items() if k != RAQM_OPT_OUT}
    env["LD_LIBRARY_PATH"] = os.pathsep.join(
        filter(None, [str(hidden), env.get("LD_LIBRARY_PATH")])
    )
    return env | extra


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )


def test_missing_raqm_fails_unless_opted_out(tmp_path: Path) -> None:
    env = _without_fribidi(tmp_path)
    probe = _run(["-c", "from PIL import features; print(features.check('raqm'))"], env)
    if probe.stdout.strip() != "False":
        pytest.skip("this system's loader does not let an empty library hide libfribidi")
    pytest_args = ["-m", "pytest", "-q", "-p", "no:cacheprovider", TARGET]

    strict = _run(pytest_args, env)
    assert strict.returncode != 0, strict.stdout
    assert "no Raqm" in strict.stdout and RAQM_OPT_OUT in strict.stdout

    opted_out = _run(pytest_args, env | {RAQM_OPT_OUT: "1"})
    assert opted_out.returncode == 0, opted_out.stdout
    assert "1 skipped" in opted_out.stdout
