"""The webhook receiver: Telegram's POSTs are checked, stored, and only then answered 200."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from devtools.ports import free_port
from handlers.webhook import SECRET_HEADER, WebhookReceiver

SECRET = "s3cret_" + "x" * 20
UPDATE = {
    "update_id": 41,
    "message": {
        "message_id": 7,
        "date": 1_780_000_000,
        "chat": {"id": 5005, "type": "private", "first_name": "ليلى"},
        "from": {"id": 5005, "is_bot": False, "first_name": "ليلى"},
        "text": "https://example.com/a.html",
    },
}


class Store:
    """What the receiver hands updates to: a list, or a failure when ``broken``."""

    def __init__(self) -> None:
        self.updates: list[dict[str, Any]] = []
        self.broken = False

    async def accept(self, update: dict[str, Any]) -> bool:
        if self.broken:
            raise OSError("disk full")
        self.updates.append(update)
        return True


@pytest.fixture
async def hook() -> AsyncIterator[tuple[Store, str]]:
    store = Store()
    port = free_port()
    receiver = WebhookReceiver(
        store.accept, listen="127.0.0.1", port=port, url_path="hook/abc", secret_token=SECRET
    )
    await receiver.start()
    try:
        yield store, f"http://127.0.0.1:{port}/hook/abc"
    finally:
        await receiver.stop()


async def post(url: str, body: bytes, headers: dict[str, str]) -> int:
    async with (
        aiohttp.ClientSession() as session,
        session.post(url, data=body, headers=headers) as answer,
    ):
        return answer.status


JSON_HEADERS = {"Content-Type": "application/json", SECRET_HEADER: SECRET}


async def test_a_delivered_update_is_stored_before_the_answer(hook: tuple[Store, str]) -> None:
    store, url = hook
    assert await post(url, json.dumps(UPDATE).encode(), JSON_HEADERS) == 200
    assert store.updates == [UPDATE]
    # The trailing-slash spelling of the address works too, as with PTB's own server.
    assert await post(url + "/", json.dumps(UPDATE).encode(), JSON_HEADERS) == 200


async def test_an_update_that_cannot_be_stored_is_answered_500_for_telegram_to_retry(
    hook: tuple[Store, str],
) -> None:
    store, url = hook
    store.broken = True
    assert await post(url, json.dumps(UPDATE).encode(), JSON_HEADERS) == 500
    store.broken = False
    assert await post(url, json.dumps(UPDATE).encode(), JSON_HEADERS) == 200
    assert store.updates == [UPDATE]


@pytest.mark.parametrize(
    "headers",
    [
        {"Content-Type": "application/json"},
        {"Content-Type": "application/json", SECRET_HEADER: "wrong"},
        {"Content-Type": "application/json", SECRET_HEADER: SECRET + "x"},
        {"Content-Type": "text/plain", SECRET_HEADER: SECRET},
    ],
)
async def test_requests_without_the_secret_or_json_are_refused(
    hook: tuple[Store, str], headers: dict[str, str]
) -> None:
    store, url = hook
    assert await post(url, json.dumps(UPDATE).encode(), headers) == 403
    assert store.updates == []


@pytest.mark.parametrize(
    "body",
    [
        b"{not json",
        b'{"message": 3}',
        b"[1, 2]",
        b'{"update_id": "7", "message": {}}',
        b'{"update_id": 7}',
        b'{"update_id": true, "message": {}}',
    ],
)
async def test_a_body_that_is_not_an_update_is_a_bad_request_and_the_receiver_keeps_going(
    hook: tuple[Store, str], body: bytes
) -> None:
    store, url = hook
    assert await post(url, body, JSON_HEADERS) == 400
    assert store.updates == []
    assert await post(url, json.dumps(UPDATE).encode(), JSON_HEADERS) == 200
    assert len(store.updates) == 1


def test_a_webhook_without_a_secret_is_refused() -> None:
    with pytest.raises(ValueError):
        WebhookReceiver(Store().accept, listen="127.0.0.1", port=1, url_path="h", secret_token="")


async def test_the_health_check_says_whether_this_worker_can_work() -> None:
    healthy = True

    async def health() -> dict[str, Any]:
        if not healthy:
            raise OSError("connection refused")
        return {"inbox_open": 3}

    port = free_port()
    receiver = WebhookReceiver(
        Store().accept,
        listen="127.0.0.1",
        port=port,
        url_path="hook",
        secret_token=SECRET,
        health=health,
    )
    await receiver.start()
    try:
        async with aiohttp.ClientSession() as session:
            async with session.get(f"http://127.0.0.1:{port}/healthz") as answer:
                assert answer.status == 200
                assert await answer.json() == {"ok": True, "inbox_open": 3}
            healthy = False
            async with session.get(f"http://127.0.0.1:{port}/healthz") as answer:
                assert answer.status == 503
    finally:
        await receiver.stop()


def test_workers_on_postgresql_must_share_a_configured_secret() -> None:
    from bot.settings import load_settings
    from handlers.errors import MissingWebhookSecretError
    from handlers.runner import WebhookOptions

    shared = load_settings({"DATABASE_URL": "postgresql://nashir@db.internal/nashir"}, dotenv=None)
    with pytest.raises(MissingWebhookSecretError):
        WebhookOptions.from_settings(shared, url="https://b.ma/hook", listen="0.0.0.0", port=8443)
    configured = load_settings(
        {
            "DATABASE_URL": "postgresql://nashir@db.internal/nashir",
            "TELEGRAM_WEBHOOK_SECRET": SECRET,
        },
        dotenv=None,
    )
    options = WebhookOptions.from_settings(
        configured, url="https://b.ma/hook", listen="0.0.0.0", port=8443
    )
    assert options.secret_token == SECRET
    alone = load_settings({}, dotenv=None)  # SQLite: one process, a secret made per start
    assert WebhookOptions.from_settings(alone, url="https://b.ma/h", listen="::", port=1)
