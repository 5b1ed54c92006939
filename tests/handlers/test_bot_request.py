"""The aiohttp transport under PTB: same calls, same errors, cheaper bodies."""

from __future__ import annotations

import gc
import io
import warnings
from collections.abc import AsyncIterator

import pytest
from PIL import Image
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, InputFile, ReplyParameters
from telegram.error import BadRequest, NetworkError, RetryAfter, TimedOut

from devtools.botapi import DEFAULT_TOKEN, BotAPIServer
from devtools.pages import PageServer
from devtools.ports import free_port
from handlers.bot_request import AiohttpRequest
from handlers.retry import retry_after_seconds

pytestmark = pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")


@pytest.fixture
async def bot(bot_api: BotAPIServer) -> AsyncIterator[Bot]:
    client = Bot(
        DEFAULT_TOKEN,
        base_url=f"{bot_api.root}/bot",
        base_file_url=f"{bot_api.root}/file/bot",
        request=AiohttpRequest(connection_pool_size=4),
        get_updates_request=AiohttpRequest(),
    )
    async with client:
        yield client


async def test_a_message_goes_as_a_form_and_comes_back_as_a_message(
    bot: Bot, bot_api: BotAPIServer
) -> None:
    user = bot_api.user(601)
    asked = bot_api.send_message(user, "مرحبا")
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("نص المنصة", callback_data="t:ab:x")]])

    sent = await bot.send_message(
        601,
        "<b>عاجل:</b> افتتاح محطة &amp; تدشين خط جديد",
        parse_mode="HTML",
        reply_markup=keyboard,
        reply_parameters=ReplyParameters(asked["message_id"]),
    )

    call = bot_api.find("sendMessage", chat_id=601)[0]
    assert call.content_type == "application/x-www-form-urlencoded"
    assert call.params["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "t:ab:x"
    assert sent.text == "عاجل: افتتاح محطة & تدشين خط جديد"
    assert sent.entities[0].type == "bold"
    assert sent.reply_to_message is not None
    assert sent.reply_to_message.message_id == asked["message_id"]


async def test_a_photo_goes_as_multipart_with_its_bytes(bot: Bot, bot_api: BotAPIServer) -> None:
    bot_api.private_chat(bot_api.user(602))
    buffer = io.BytesIO()
    Image.new("RGB", (64, 32), (20, 90, 60)).save(buffer, "PNG")
    data = buffer.getvalue()

    sent = await bot.send_photo(
        602,
        InputFile(data, filename="card.png", attach=True),
        caption="<i>بطاقة</i>",
        parse_mode="HTML",
    )

    call = bot_api.find("sendPhoto", chat_id=602)[0]
    assert call.content_type == "multipart/form-data"
    assert [upload.data for upload in call.files.values()] == [data]
    assert sent.caption == "بطاقة" and sent.photo[-1].width == 64


async def test_server_errors_keep_their_ptb_types(bot: Bot, bot_api: BotAPIServer) -> None:
    with pytest.raises(BadRequest, match=r"(?i)chat not found"):
        await bot.send_message(999_999, "نص")
    bot_api.private_chat(bot_api.user(603))
    bot_api.fail_next("sendChatAction", retry_after=7)
    with pytest.raises(RetryAfter) as caught:
        await bot.send_chat_action(603, "typing")
    assert retry_after_seconds(caught.value) == 7.0


async def test_a_slow_answer_times_out_and_a_closed_port_is_a_network_error(
    page_server: PageServer,
) -> None:
    slow = page_server.add("/slow", body=b"{}", delay=2.0)
    request = AiohttpRequest(read_timeout=0.2)
    await request.initialize()
    try:
        with pytest.raises(TimedOut):
            await request.do_request(slow, "GET")
        with pytest.raises(NetworkError) as refused:
            await request.do_request(f"http://127.0.0.1:{free_port()}/bot/getMe", "POST")
        assert not isinstance(refused.value, TimedOut)
    finally:
        await request.shutdown()


async def test_requests_need_initialize() -> None:
    with pytest.raises(RuntimeError, match="not initialized"):
        await AiohttpRequest().do_request("http://127.0.0.1:9/x", "GET")


async def test_only_a_client_that_sent_something_holds_a_session(page_server: PageServer) -> None:
    """PTB initialises both clients of a bot but shuts them down only after a successful
    start: a client that never sent a request must have nothing open to leak."""
    page = page_server.add("/ok", body=b"{}")
    idle, used = AiohttpRequest(), AiohttpRequest()
    await idle.initialize()
    await used.initialize()
    await used.do_request(page, "GET")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ResourceWarning)
        del idle
        gc.collect()
    assert not [w for w in caught if issubclass(w.category, ResourceWarning)]
    await used.shutdown()
    with pytest.raises(RuntimeError, match="not initialized"):
        await used.do_request(page, "GET")  # shut down means shut down


async def test_proxy_settings_of_the_environment_are_honoured(
    page_server: PageServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = page_server.add("/direct", body=b"{}")
    # The "proxy" is the page server: it records the absolute URL it was asked for.
    monkeypatch.setenv("HTTP_PROXY", page_server.root)
    monkeypatch.setenv("NO_PROXY", "localhost")
    request = AiohttpRequest()
    await request.initialize()
    try:
        status, _ = await request.do_request("http://bot-api.example:8081/bot/getMe", "GET")
        assert status == 404  # the proxy's answer: it has no such page
        assert "http://bot-api.example:8081/bot/getMe" in page_server.requests
    finally:
        await request.shutdown()

    monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{free_port()}")  # would fail
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    request = AiohttpRequest()
    await request.initialize()
    try:
        status, body = await request.do_request(page, "GET")
        assert (status, body) == (200, b"{}")
    finally:
        await request.shutdown()
