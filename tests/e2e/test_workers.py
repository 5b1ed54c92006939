"""Two real webhook worker processes on one PostgreSQL database, behind a round-robin balancer:
an update delivered to both is handled once, one chat's updates are answered in order, and
an update whose worker is killed after answering Telegram is handled by the other."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from devtools.balancer import Balancer
from devtools.botapi import BotAPIServer, Call
from devtools.botprocess import BotProcess
from devtools.desk_player import CHANNEL, DESK_ID, EDITOR, Desk
from devtools.pages import PageServer, Route
from devtools.pgserver import PostgresServer
from devtools.ports import free_port
from tests.e2e.conftest import article_variant
from tests.engines import fresh_schema

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
SECRET = "workers-share-this-secret-0123456789"
LEASE_S = 2


@dataclass
class Fleet:
    workers: list[BotProcess]
    balancer: Balancer
    dsn: str

    def holder_of(self, update_id: int) -> BotProcess:
        """The worker whose lease holds ``update_id`` (its pid is in the lease's name)."""
        pid = int(asyncio.run(self._inbox("lease_owner", update_id)).split(":")[1])
        return next(w for w in self.workers if w.pid == pid)

    def inbox_status(self, update_id: int) -> str:
        return asyncio.run(self._inbox("status", update_id))

    async def _inbox(self, column: str, update_id: int) -> str:
        import asyncpg

        connection = await asyncpg.connect(self.dsn)
        try:
            return str(
                await connection.fetchval(
                    f"SELECT {column} FROM inbox WHERE update_id = $1", update_id
                )
            )
        finally:
            await connection.close()


@pytest.fixture
def fleet(bot_api: BotAPIServer, postgres: PostgresServer, tmp_path: Path) -> Iterator[Fleet]:
    dsn = fresh_schema(postgres).dsn()
    ports = [free_port(), free_port()]
    balancer = Balancer([("127.0.0.1", port) for port in ports]).start()
    env = {
        "DATABASE_URL": dsn,
        "TELEGRAM_WEBHOOK_SECRET": SECRET,
        "INBOX_LEASE_SECONDS": str(LEASE_S),
        "FETCH_ALLOW_PRIVATE_HOSTS": "true",
        "SITE_NAME": "أخبار الساحل",
        "EDITOR_CHAT_ID": str(DESK_ID),
        "EDITOR_USER_IDS": str(EDITOR),
        "CHANNEL_ID": CHANNEL,
    }
    workers = []
    for number, port in enumerate(ports):
        folder = tmp_path / f"worker-{number}"
        folder.mkdir()
        args = (
            *("--webhook-url", balancer.url("hook"), "--listen", "127.0.0.1"),
            *("--port", str(port), "--pipeline-workers", "1"),
            *(() if number == 0 else ("--no-register",)),
        )
        workers.append(BotProcess(bot_api, env, folder, args=args))
    try:
        for worker in workers:  # one after the other: the first migrates, the second waits
            worker.start()
        yield Fleet(workers, balancer, dsn)
    finally:
        for worker in workers:
            worker.kill()
        balancer.stop()


def wait_for(api: BotAPIServer, method: str, chat_id: int, count: int) -> list[Call]:
    deadline = time.monotonic() + 90
    while len(found := api.find(method, chat_id=chat_id)) < count:
        if time.monotonic() > deadline:
            raise AssertionError(f"{len(found)} of {count} {method} to {chat_id}")
        time.sleep(0.05)
    return found


def test_an_update_delivered_to_both_workers_is_handled_once(
    fleet: Fleet, bot_api: BotAPIServer
) -> None:
    reader = bot_api.user(6101, "هدى")
    chat = bot_api.private_chat(reader)
    update = {
        "update_id": 9_000_001,
        "message": {
            "message_id": 1,
            "date": int(time.time()),
            "chat": chat,
            "from": reader,
            "text": "/start",
            "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
        },
    }
    body = json.dumps(update, ensure_ascii=False).encode()

    # Telegram delivers, our answer is lost, Telegram delivers again: the balancer hands
    # the second delivery to the other worker.
    assert [bot_api.deliver_raw(body, secret_token=SECRET) for _ in range(2)] == [200, 200]

    assert set(fleet.balancer.counts().values()) == {1}
    wait_for(bot_api, "sendMessage", chat["id"], 1)
    time.sleep(3)  # room for a second greeting, which must not come
    assert len(bot_api.find("sendMessage", chat_id=chat["id"])) == 1


def test_one_chats_links_are_answered_in_the_order_sent(
    fleet: Fleet, bot_api: BotAPIServer, page_server: PageServer, sample_html: str
) -> None:
    """The first page is slow: the second link, taken by the other worker, must wait."""
    urls = [
        page_server.add(
            f"/economie/2026/03/desalination-agadir-{n}.html",
            Route(body=article_variant(sample_html, n), delay=2.0 if n == 1 else 0.0),
        )
        for n in (1, 2, 3)
    ]
    reader = bot_api.user(6102, "كريم")
    for url in urls:
        bot_api.send_message(reader, url)

    photos = wait_for(bot_api, "sendPhoto", reader["id"], 3)

    parts = [next(n for n in (1, 2, 3) if f"(الجزء {n})" in p.params["caption"]) for p in photos]
    assert parts == [1, 2, 3]
    assert min(fleet.balancer.counts().values()) >= 1  # both workers received some


def test_a_worker_killed_after_answering_loses_nothing(
    fleet: Fleet, bot_api: BotAPIServer, page_server: PageServer, sample_html: str
) -> None:
    path = "/economie/2026/03/desalination-agadir-7.html"
    url = page_server.add(path, Route(body=article_variant(sample_html, 7), delay=4.0))
    reader = bot_api.user(6103, "سناء")
    message = bot_api.send_message(reader, url)
    update_id = next(u["update_id"] for u in bot_api.updates if u.get("message") == message)

    deadline = time.monotonic() + 60
    while path not in page_server.requests:  # a worker took it and is fetching the page
        assert time.monotonic() < deadline, "no worker fetched the page"
        time.sleep(0.05)
    victim = fleet.holder_of(update_id)
    victim.kill()

    photos = wait_for(bot_api, "sendPhoto", reader["id"], 1)
    time.sleep(2)
    assert len(bot_api.find("sendPhoto", chat_id=reader["id"])) == 1 == len(photos)
    assert page_server.requests.count(path) == 2  # the other worker did it again, once
    # It reused the dead worker's «جارٍ التحضير…» (noted in the inbox) and removed it.
    (placeholder,) = bot_api.find("sendMessage", chat_id=reader["id"])
    removed = [int(c.params["message_id"]) for c in bot_api.find("deleteMessage")]
    assert removed == [placeholder.result["message_id"]]


def test_a_worker_killed_after_sending_the_card_is_not_answered_twice(
    fleet: Fleet, bot_api: BotAPIServer, page_server: PageServer, sample_html: str
) -> None:
    """Killed between the card and the end of its handling (the placeholder's removal is
    slow): the worker that takes the update over sees the answer noted and sends nothing."""
    path = "/economie/2026/03/desalination-agadir-8.html"
    url = page_server.add(path, Route(body=article_variant(sample_html, 8)))
    reader = bot_api.user(6104, "يونس")
    bot_api.slow_next("deleteMessage", seconds=30, chat_id=reader["id"])
    message = bot_api.send_message(reader, url)
    update_id = next(u["update_id"] for u in bot_api.updates if u.get("message") == message)

    wait_for(bot_api, "sendPhoto", reader["id"], 1)
    wait_for(bot_api, "deleteMessage", reader["id"], 1)  # the card is out, the handling not over
    fleet.holder_of(update_id).kill()

    deadline = time.monotonic() + 60
    while fleet.inbox_status(update_id) != "done":  # taken over after the lease, and settled
        assert time.monotonic() < deadline, "the update was not taken over"
        time.sleep(0.1)
    assert len(bot_api.find("sendPhoto", chat_id=reader["id"])) == 1
    assert len(bot_api.find("sendMessage", chat_id=reader["id"])) == 1  # one placeholder


def test_an_edit_asked_by_one_worker_is_answered_through_the_other(
    fleet: Fleet, bot_api: BotAPIServer, article_url: str
) -> None:
    """The question «what is the new channel text?» and the editor's answer reach different
    workers: the pending question lives in the database, not in a process."""
    desk = Desk.open(bot_api)
    draft = desk.submit(article_url)
    mark = bot_api.mark()
    desk.press(draft.result, "✏️ تعديل")
    bot_api.wait_for("editMessageReplyMarkup", since=mark, chat_id=DESK_ID, timeout=30)
    mark = bot_api.mark()
    desk.press(draft.result, "نص القناة")
    prompt = bot_api.wait_for(
        "sendMessage",
        since=mark,
        chat_id=DESK_ID,
        where=lambda c: "force_reply" in c.params.get("reply_markup", {}),
        timeout=30,
    )[0]
    asked_by = fleet.balancer.forwarded[-1].backend

    new_text = "محطة أكادير لتحلية مياه البحر بالطاقة الشمسية تدخل الخدمة هذا الأسبوع"
    mark = bot_api.mark()
    bot_api.send_message(
        bot_api.user(EDITOR, "سلمى"), new_text, chat=desk.group, reply_to=prompt.result
    )
    bot_api.wait_for("editMessageCaption", since=mark, chat_id=DESK_ID, timeout=30)

    assert fleet.balancer.forwarded[-1].backend != asked_by
    shown = bot_api.messages[(DESK_ID, draft.result["message_id"])]["caption"]
    assert new_text in shown


def test_run_with_workers_starts_them_on_one_port_and_restarts_a_killed_one(
    bot_api: BotAPIServer, postgres: PostgresServer, tmp_path: Path
) -> None:
    """``main.py run --workers 2``: both answer on the shared port, a worker killed with
    SIGKILL is started again, SIGTERM stops everything cleanly."""
    port = free_port()
    log_path = tmp_path / "fleet.log"
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "TELEGRAM_BOT_TOKEN": bot_api.token,
        "TELEGRAM_API_BASE_URL": bot_api.root,
        "DATABASE_URL": fresh_schema(postgres).dsn(),
        "PYTHONUNBUFFERED": "1",
    }
    command = [
        sys.executable,
        str(ROOT / "main.py"),
        "run",
        *("--workers", "2", "--webhook-url", f"http://127.0.0.1:{port}/hook"),
        *("--listen", "127.0.0.1", "--port", str(port)),
    ]
    with log_path.open("wb") as log:
        supervisor = subprocess.Popen(
            command, cwd=tmp_path, env=env, stdout=log, stderr=subprocess.STDOUT
        )
    try:

        def running() -> int:
            return log_path.read_text(errors="replace").count(" is running (webhook)")

        assert _until(lambda: running() == 2), log_path.read_text()[-3000:]
        readers = [bot_api.user(6200 + n, "قارئ") for n in range(6)]
        for reader in readers:
            bot_api.send_message(reader, "/start")
        for reader in readers:
            wait_for(bot_api, "sendMessage", reader["id"], 1)

        pids = [
            int(p) for p in re.findall(r"worker \d started \(pid (\d+)\)", log_path.read_text())
        ]
        os.kill(pids[0], signal.SIGKILL)
        assert _until(lambda: running() == 3), log_path.read_text()[-3000:]
        later = bot_api.user(6299, "قارئة")
        bot_api.send_message(later, "/start")
        wait_for(bot_api, "sendMessage", later["id"], 1)

        supervisor.send_signal(signal.SIGTERM)
        assert supervisor.wait(timeout=60) == 0
    finally:
        if supervisor.poll() is None:
            supervisor.kill()
        for pid in re.findall(r"started \(pid (\d+)\)", log_path.read_text()):
            with contextlib.suppress(ProcessLookupError):
                os.kill(int(pid), signal.SIGKILL)


def test_several_workers_on_sqlite_are_refused_with_the_reason(tmp_path: Path) -> None:
    result = subprocess.run(
        [
            sys.executable,
            str(ROOT / "main.py"),
            "run",
            *("--workers", "2", "--webhook-url", "https://bot.example.ma/hook"),
        ],
        cwd=tmp_path,
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "TELEGRAM_BOT_TOKEN": "1:x"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode != 0
    assert "PostgreSQL" in result.stderr and "Traceback" not in result.stderr


def _until(condition: Callable[[], bool], seconds: float = 90) -> bool:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True
