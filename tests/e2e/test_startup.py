"""Starting the bot: commands, log line, webhook secret, token errors, no token in logs."""

from __future__ import annotations

import json
import logging
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bot.settings import Secret, Settings
from devtools.botapi import DEFAULT_TOKEN, BotAPIServer
from devtools.ports import free_port
from handlers.errors import BotAPIUnreachableError, MissingTokenError, RejectedTokenError
from tests.e2e.conftest import StartBot
from tests.e2e.harness import RunningBot, bot_settings, has_arabic, visible

ROOT = Path(__file__).resolve().parents[2]
RUN_BOT = (
    "import logging, sys\n"
    "from bot.settings import load_settings\n"
    "from handlers.runner import run_bot\n"
    "logging.basicConfig(level=logging.DEBUG, stream=sys.stderr)\n"
    "sys.exit(run_bot(load_settings(dotenv=None), webhook_url=None, listen='127.0.0.1', port=0))\n"
)


def test_start_sets_arabic_commands_and_answers_start_and_help(
    start_bot: StartBot, api: BotAPIServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="handlers.runner")
    start_bot()
    commands = api.find("setMyCommands")[0].params["commands"]
    assert [c["command"] for c in commands] == ["start", "help", "share"]
    assert all(has_arabic(c["description"]) for c in commands)
    assert "@nashir_test_bot" in caplog.text

    user = api.user(4001, "خالد")
    mark = api.mark()
    api.send_message(user, "/start")
    greeting = api.wait_for("sendMessage", since=mark, chat_id=4001)[0]
    assert "أهلاً" in visible(greeting) and "@nashir_test_bot" in visible(greeting)
    mark = api.mark()
    api.send_message(user, "/help")
    help_text = api.wait_for("sendMessage", since=mark, chat_id=4001)[0]
    assert "طريقة الاستعمال" in visible(help_text)


class ServerWithoutCommandMenus(BotAPIServer):
    """A self-hosted or proxy Bot API server that lacks the command-menu methods: it
    answers them 404 Not Found, as it answers any method it does not know."""

    _m_setmycommands = None


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
@pytest.mark.parametrize("failure", ["missing", "refused"])
def test_a_cosmetic_method_that_fails_is_a_warning_not_a_dead_bot(
    settings: Settings, caplog: pytest.LogCaptureFixture, failure: str
) -> None:
    caplog.set_level(logging.WARNING, logger="handlers.runner")
    api = (ServerWithoutCommandMenus() if failure == "missing" else BotAPIServer()).start()
    if failure == "refused":
        api.fail_next("setMyCommands", retry_after=3600)  # longer than the bot waits
    bot = RunningBot(bot_settings(settings, api))
    try:
        bot.start()
        mark = api.mark()
        api.send_message(api.user(4007, "سعاد"), "/start")
        greeting = api.wait_for("sendMessage", since=mark, chat_id=4007)[0]
        assert "أهلاً" in visible(greeting)
    finally:
        bot.stop()
        api.stop()
    warning = next(r for r in caplog.records if "setMyCommands" in r.getMessage())
    assert warning.levelno == logging.WARNING
    assert DEFAULT_TOKEN not in caplog.text


def test_english_is_added_when_configured(start_bot: StartBot, api: BotAPIServer) -> None:
    start_bot(bot_language="ar+en")
    assert any(c.params.get("language_code") == "en" for c in api.find("setMyCommands"))
    mark = api.mark()
    api.send_message(api.user(4002), "/start")
    greeting = visible(api.wait_for("sendMessage", since=mark, chat_id=4002)[0])
    assert "أهلاً" in greeting and "Send me an article link" in greeting


def test_the_token_never_reaches_the_logs(
    start_bot: StartBot, api: BotAPIServer, article_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    start_bot()
    mark = api.mark()
    api.send_message(api.user(4003), article_url)
    api.wait_for("sendPhoto", since=mark, chat_id=4003)
    assert caplog.records  # PTB and httpx did log, at DEBUG
    assert DEFAULT_TOKEN not in caplog.text
    assert all(DEFAULT_TOKEN not in record.getMessage() for record in caplog.records)


@pytest.mark.parametrize("mode", ["webhook"], indirect=True)
def test_webhook_requests_without_the_secret_are_refused(
    start_bot: StartBot, api: BotAPIServer
) -> None:
    bot = start_bot()
    assert bot.webhook is not None
    assert api.webhook is not None and api.webhook.secret_token == bot.webhook.secret_token
    forged = {
        "update_id": 999_999,
        "message": {
            "message_id": 1,
            "date": int(time.time()),
            "chat": {"id": 4004, "type": "private", "first_name": "x"},
            "from": {"id": 4004, "is_bot": False, "first_name": "x"},
            "text": "/start",
            "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
        },
    }
    body = json.dumps(forged).encode()
    assert api.deliver_raw(body, secret_token="not-the-secret") == 403
    assert api.deliver_raw(body, secret_token=None) == 403
    mark = api.mark()
    api.send_message(api.user(4005), "/start")  # a genuine delivery still works
    api.wait_for("sendMessage", since=mark, chat_id=4005)
    assert not api.find("sendMessage", chat_id=4004)


def test_a_rejected_token_stops_with_a_clear_error(settings: Settings, api: BotAPIServer) -> None:
    wrong = "987654321:AAE-a-token-telegram-does-not-know-xxxx"
    bot = RunningBot(bot_settings(settings, api).replace(telegram_bot_token=None))
    with pytest.raises(MissingTokenError):
        bot.start()
    bot = RunningBot(bot_settings(settings, api).replace(telegram_bot_token=Secret(wrong)))
    with pytest.raises(RejectedTokenError) as caught:
        bot.start()
    assert wrong not in caught.value.one_line()


def test_an_unreachable_bot_api_is_named(settings: Settings, api: BotAPIServer) -> None:
    closed = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    bot = RunningBot(bot_settings(settings, api, telegram_api_base_url=closed))
    with pytest.raises(BotAPIUnreachableError) as caught:
        bot.start()
    assert "TELEGRAM_API_BASE_URL" in caught.value.message_ar


def _env(api: BotAPIServer, tmp_path: Path, token: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "DATABASE_"))}
    env.update(
        TELEGRAM_API_BASE_URL=api.root,
        DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'bot.sqlite3'}",
        PYTHONPATH=str(ROOT),
    )
    if token is not None:
        env["TELEGRAM_BOT_TOKEN"] = token
    return env


@pytest.mark.parametrize(
    ("token", "expected"),
    [
        (None, MissingTokenError.message_ar),
        ("987654321:AAE-wrong-token-value-xxxxxxxxxxx", RejectedTokenError.message_ar),
    ],
)
def test_run_bot_exits_2_with_the_reason(
    api: BotAPIServer, tmp_path: Path, token: str | None, expected: str
) -> None:
    done = subprocess.run(
        [sys.executable, "-c", RUN_BOT],
        cwd=ROOT,
        env=_env(api, tmp_path, token),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert expected in done.stderr
    if token:
        assert token not in done.stderr


def test_run_bot_polls_until_interrupted(api: BotAPIServer, tmp_path: Path) -> None:
    process = subprocess.Popen(
        [sys.executable, "-c", RUN_BOT],
        cwd=ROOT,
        env=_env(api, tmp_path, DEFAULT_TOKEN),
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        api.wait_for("setMyCommands", timeout=60)
        mark = api.mark()
        api.send_message(api.user(4006), "/start")
        api.wait_for("sendMessage", since=mark, chat_id=4006, timeout=30)
        process.send_signal(signal.SIGINT)
        _, log = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0
    assert "@nashir_test_bot" in log and "long polling" in log
    # Once answering, the process froze its start-up heap (full collections skip it).
    assert "start-up heap frozen" in log
    assert DEFAULT_TOKEN not in log
