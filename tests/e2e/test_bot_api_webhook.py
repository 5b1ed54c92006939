"""Webhooks on the local Bot API server: Telegram's URL rules, delivery, retries and order."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
from telegram import Bot
from telegram.error import BadRequest

from devtools.botapi import DEFAULT_TOKEN, BotAPIServer
from devtools.botapi.poster import WebhookPoster
from tests.e2e.harness import HookServer


@pytest.fixture
def hook() -> Iterator[HookServer]:
    server = HookServer()
    try:
        yield server
    finally:
        server.close()


@pytest.fixture
def quick() -> Iterator[BotAPIServer]:
    """Plain-HTTP webhooks allowed; failed deliveries retried quickly, six times at most."""
    api = BotAPIServer(allow_local_webhooks=True, webhook_attempts=6, webhook_backoff=0.05)
    api.start()
    try:
        yield api
    finally:
        api.stop()


@pytest.fixture
async def quick_client(quick: BotAPIServer) -> AsyncIterator[Bot]:
    async with Bot(DEFAULT_TOKEN, base_url=f"{quick.root}/bot") as bot:
        yield bot


def chat_of(update: dict[str, Any]) -> int:
    return int(update["message"]["chat"]["id"])


async def test_a_webhook_must_be_https_on_a_port_telegram_allows() -> None:
    api = BotAPIServer().start()  # Telegram's rules: no allow_local_webhooks
    try:
        async with Bot(DEFAULT_TOKEN, base_url=f"{api.root}/bot") as bot:
            refused = {
                "http://bot.akhbar-sahel.ma/telegram": r"(?i)an https url must be provided",
                "https://bot.akhbar-sahel.ma:8080/telegram": "ports 80, 88, 443 or 8443",
                "https://127.0.0.1/telegram": r"(?i)ip address 127.0.0.1 is reserved",
                "https://10.0.0.7:8443/telegram": r"(?i)ip address 10.0.0.7 is reserved",
            }
            for url, reason in refused.items():
                with pytest.raises(BadRequest, match=reason):
                    await bot.set_webhook(url)
            for url in (
                "https://bot.akhbar-sahel.ma/telegram",
                "https://bot.akhbar-sahel.ma:88/t",
            ):
                assert await bot.set_webhook(url) is True
                assert (await bot.get_webhook_info()).url == url
            await bot.delete_webhook()
    finally:
        api.stop()


async def test_a_local_server_accepts_a_plain_http_webhook(
    bot: Bot, bot_api: BotAPIServer, hook: HookServer
) -> None:
    assert bot_api.allow_local_webhooks  # what the tests' bot_api fixture asks for
    assert await bot.set_webhook(hook.url) is True
    bot_api.send_message(bot_api.user(810), "مرحبا")
    await asyncio.to_thread(bot_api.wait_until_idle)
    assert [chat_of(u) for u in hook.updates] == [810]


async def test_a_failing_webhook_is_retried_then_the_update_dropped(
    quick_client: Bot, quick: BotAPIServer
) -> None:
    broken = HookServer(refuse=lambda u: (500, {}) if chat_of(u) == 811 else None)
    try:
        await quick_client.set_webhook(broken.url)
        quick.send_message(quick.user(811), "لن تصل")
        quick.send_message(quick.user(812), "ستصل")
        await asyncio.to_thread(quick.wait_until_idle, timeout=60)
        info = await quick_client.get_webhook_info()
    finally:
        broken.close()
    failed = [d for d in quick.deliveries if d.status == 500]
    assert [d.attempt for d in failed] == [1, 2, 3, 4, 5, 6]
    assert [d.gave_up for d in failed] == [False] * 5 + [True]
    assert [chat_of(u) for u in broken.updates] == [812]
    assert info.pending_update_count == 0
    assert info.last_error_message is not None and "500" in info.last_error_message


async def test_a_chats_updates_keep_their_order_while_other_chats_flow(
    quick_client: Bot, quick: BotAPIServer
) -> None:
    def refuse(update: dict[str, Any]) -> tuple[int, dict[str, str]] | None:
        # Chat 821's first message fails three times (so it waits for a retry), and then
        # until chat 822's message got through.
        if update["message"]["text"] != "الأولى":
            return None
        refusals = sum(status == 503 for _, status in endpoint.attempts)
        others_done = any(chat_of(u) == 822 for u in endpoint.updates)
        return None if refusals >= 3 and others_done else (503, {})

    quick.webhook_attempts = 12  # room for a slow machine: the refusals stop on their own
    endpoint = HookServer(refuse=refuse)
    try:
        await quick_client.set_webhook(endpoint.url, max_connections=40)
        author, other = quick.user(821), quick.user(822)
        with quick.at_once():
            quick.send_message(author, "الأولى")
            quick.send_message(author, "الثانية")
            quick.send_message(other, "من محادثة أخرى")
        await asyncio.to_thread(quick.wait_until_idle, timeout=60)
    finally:
        endpoint.close()
    texts = [u["message"]["text"] for u in endpoint.updates]
    assert texts == ["من محادثة أخرى", "الأولى", "الثانية"]
    assert sum(status == 503 for _, status in endpoint.attempts) >= 3


async def test_the_webhooks_retry_after_is_honoured(
    quick_client: Bot, quick: BotAPIServer
) -> None:
    refused: list[int] = []

    def refuse(update: dict[str, Any]) -> tuple[int, dict[str, str]] | None:
        if refused:
            return None
        refused.append(update["update_id"])
        return 429, {"Retry-After": "1"}

    endpoint = HookServer(refuse=refuse)
    try:
        await quick_client.set_webhook(endpoint.url)
        quick.send_message(quick.user(831), "مهلة")
        await asyncio.to_thread(quick.wait_until_idle)
    finally:
        endpoint.close()
    first, second = quick.deliveries
    assert (first.status, second.status) == (429, 200)
    assert second.started - first.at >= 1.0  # not before the webhook's Retry-After


async def test_webhook_updates_arrive_over_a_kept_alive_connection(
    bot: Bot, bot_api: BotAPIServer
) -> None:
    hook = HookServer()
    try:
        await bot.set_webhook(hook.url, max_connections=1, secret_token="hook_secret")
        user = bot_api.user(801)
        for number in range(5):
            bot_api.send_message(user, f"رسالة {number}")
        await asyncio.to_thread(bot_api.wait_until_idle)
        await bot.delete_webhook()
    finally:
        hook.close()
    assert [u["message"]["text"] for u in hook.updates] == [f"رسالة {n}" for n in range(5)]
    assert [d.status for d in bot_api.deliveries] == [200] * 5
    assert hook.connections == 1  # as Telegram does: no new connection per update


@pytest.mark.parametrize("mode", ["close", "drop"])
def test_the_poster_reconnects_when_the_bot_closes_the_connection(mode: str) -> None:
    hook = HookServer(mode)
    poster = WebhookPoster()
    try:
        answers = [poster.post(hook.url, {"update_id": n}, "s") for n in range(3)]
    finally:
        poster.close()
        hook.close()
    assert answers == [(200, None)] * 3
    assert [u["update_id"] for u in hook.updates] == [0, 1, 2]  # each once
    assert hook.connections == 3


def test_the_poster_reports_an_unreachable_webhook() -> None:
    hook = HookServer()
    url = hook.url
    hook.close()
    status, error = WebhookPoster().post(url, {"update_id": 1}, None)
    assert status == 0 and error is not None and error.startswith("Connection failed")
