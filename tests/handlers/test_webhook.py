"""The webhook receiver: Telegram's POSTs become updates on the application's queue."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import aiohttp
import pytest
from telegram import Update
from telegram.ext import Application, ApplicationBuilder

from devtools.botapi import DEFAULT_TOKEN
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


@pytest.fixture
async def hook() -> AsyncIterator[tuple[Application, str]]:  # type: ignore[type-arg]
    application = ApplicationBuilder().token(DEFAULT_TOKEN).updater(None).build()
    port = free_port()
    receiver = WebhookReceiver(
        application, listen="127.0.0.1", port=port, url_path="hook/abc", secret_token=SECRET
    )
    await receiver.start()
    try:
        yield application, f"http://127.0.0.1:{port}/hook/abc"
    finally:
        await receiver.stop()


async def post(url: str, body: bytes, headers: dict[str, str]) -> int:
    async with (
        aiohttp.ClientSession() as session,
        session.post(url, data=body, headers=headers) as answer,
    ):
        return answer.status


JSON_HEADERS = {"Content-Type": "application/json", SECRET_HEADER: SECRET}


async def test_a_delivered_update_reaches_the_queue(hook: tuple[Application, str]) -> None:  # type: ignore[type-arg]
    application, url = hook
    assert await post(url, json.dumps(UPDATE).encode(), JSON_HEADERS) == 200
    update = application.update_queue.get_nowait()
    assert isinstance(update, Update) and update.update_id == 41
    assert update.effective_message is not None
    assert update.effective_message.text == "https://example.com/a.html"
    # The trailing-slash spelling of the address works too, as with PTB's own server.
    assert await post(url + "/", json.dumps(UPDATE).encode(), JSON_HEADERS) == 200


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
    hook: tuple[Application, str],  # type: ignore[type-arg]
    headers: dict[str, str],
) -> None:
    application, url = hook
    assert await post(url, json.dumps(UPDATE).encode(), headers) == 403
    assert application.update_queue.empty()


async def test_a_broken_body_is_a_bad_request_and_the_receiver_keeps_going(
    hook: tuple[Application, str],  # type: ignore[type-arg]
) -> None:
    application, url = hook
    assert await post(url, b"{not json", JSON_HEADERS) == 400
    assert await post(url, b'{"message": 3}', JSON_HEADERS) == 400
    assert application.update_queue.empty()
    assert await post(url, json.dumps(UPDATE).encode(), JSON_HEADERS) == 200
    assert application.update_queue.qsize() == 1


def test_a_webhook_without_a_secret_is_refused() -> None:
    application = ApplicationBuilder().token(DEFAULT_TOKEN).updater(None).build()
    with pytest.raises(ValueError):
        WebhookReceiver(application, listen="127.0.0.1", port=1, url_path="h", secret_token="")
