"""``python -m devtools.botapi``: a person plays the user of a bot that runs without a token."""

from __future__ import annotations

import asyncio
import os
import queue
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, InputFile

from devtools.botapi import DEFAULT_TOKEN
from tests.e2e.harness import png

ROOT = Path(__file__).resolve().parents[2]


class Terminal:
    """The console in a child process: lines typed in, lines read back as they come."""

    def __init__(self, out: Path) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "devtools.botapi", "--port", "0", "--out", str(out)],
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT), "PYTHONIOENCODING": "utf-8"},
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            encoding="utf-8",
        )
        self.lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put(line.rstrip("\n"))

    def type(self, line: str) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(line + "\n")
        self.process.stdin.flush()

    def expect(self, pattern: str, timeout: float = 30.0) -> re.Match[str]:
        """The first line from now on that matches ``pattern``."""
        seen = []
        while True:
            try:
                line = self.lines.get(timeout=timeout)
            except queue.Empty:
                raise AssertionError(f"no line matching {pattern!r}; saw {seen}") from None
            seen.append(line)
            found = re.search(pattern, line)
            if found:
                return found


@pytest.fixture
def terminal(tmp_path: Path) -> Iterator[Terminal]:
    console = Terminal(tmp_path)
    try:
        yield console
    finally:
        if console.process.poll() is None:
            console.process.kill()
        console.process.wait(10)


async def test_a_person_plays_the_user_of_a_bot_running_against_the_console(
    terminal: Terminal, tmp_path: Path
) -> None:
    root = terminal.expect(r"Local Bot API server: (http://127\.0\.0\.1:\d+)")[1]
    command = terminal.expect(r"TELEGRAM_API_BASE_URL=(\S+)")
    assert command[1] == root and DEFAULT_TOKEN in command.string
    article = terminal.expect(r"An article to share: (\S+)")[1]
    terminal.expect(r"You are «سلمى» \(id 1001\)")

    async with Bot(DEFAULT_TOKEN, base_url=f"{root}/bot") as bot:
        terminal.type(f"اقرأ هذا {article}")
        (update,) = await bot.get_updates(timeout=10)
        assert update.message and update.message.from_user
        assert update.message.from_user.id == 1001
        assert update.message.text == f"اقرأ هذا {article}"
        assert [e.type for e in update.message.entities] == ["url"]

        keyboard = InlineKeyboardMarkup(
            [
                [InlineKeyboardButton("إكس", url="https://twitter.com/intent/tweet?text=x")],
                [InlineKeyboardButton("📋 نص إكس", callback_data="t:abc:x")],
            ]
        )
        await bot.send_photo(
            1001, InputFile(png(120, 63), filename="card.png"), caption="بطاقة المقال"
        )
        saved = terminal.expect(r"\[photo 120×63: (.+)\]")[1]
        await bot.send_message(
            1001, "<b>جاهز</b> للمشاركة", parse_mode="HTML", reply_markup=keyboard
        )
        terminal.expect(r"ناشر ▸ جاهز للمشاركة$")
        terminal.expect(r"\[1\] إكس → twitter\.com/intent/tweet$")
        terminal.expect(r"\[2\] 📋 نص إكس$")

        terminal.type(":press 2")
        updates = await bot.get_updates(offset=update.update_id + 1, timeout=10)
        query = updates[-1].callback_query
        assert query is not None and query.data == "t:abc:x" and query.from_user.id == 1001
        await bot.answer_callback_query(
            query.id, text="انسخ النص من الرسالة التالية", show_alert=True
        )
        terminal.expect(r"\(alert\) انسخ النص من الرسالة التالية")

    terminal.type(":quit")
    assert terminal.process.wait(30) == 0
    assert Path(saved).parent == tmp_path
    assert await asyncio.to_thread(Path(saved).read_bytes) == png(120, 63)
