"""The local Bot API server speaks Telegram's protocol to an unmodified PTB client."""

from __future__ import annotations

import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, InputFile
from telegram.error import BadRequest, EndPointNotFound, InvalidToken

from devtools.botapi import BotAPIServer, detect_entities, parse_html
from tests.e2e.harness import png

pytestmark = pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")


async def test_get_me_has_the_fields_ptb_needs(bot: Bot) -> None:
    me = await bot.get_me()
    assert me.is_bot is True
    assert me.username == "nashir_test_bot"
    assert me.supports_inline_queries is True


async def test_a_wrong_token_is_rejected_like_telegram(bot_api: BotAPIServer) -> None:
    wrong = Bot(
        "123456789:AAE-this-is-not-the-token-of-the-bot-xx", base_url=f"{bot_api.root}/bot"
    )
    with pytest.raises(InvalidToken):
        await wrong.initialize()


async def test_html_is_parsed_into_text_and_entities(bot: Bot, bot_api: BotAPIServer) -> None:
    user = bot_api.user(501)
    bot_api.private_chat(user)
    sent = await bot.send_message(
        501, "<b>عاجل</b> &amp; <a href='https://x.ma/a'>هنا</a>", parse_mode="HTML"
    )
    assert sent.text == "عاجل & هنا"
    assert [(e.type, e.offset, e.length) for e in sent.entities] == [
        ("bold", 0, 4),
        ("text_link", 7, 3),
    ]
    assert sent.entities[1].url == "https://x.ma/a"


@pytest.mark.parametrize(
    "bad",
    ["<b>غير مغلق", "نص <script>x</script>", "أ & ب", "a < b", "<b><i>x</b></i>"],
)
def test_malformed_html_is_a_bad_request(bad: str) -> None:
    with pytest.raises(Exception, match="can't parse entities"):
        parse_html(bad)


async def test_lengths_are_checked_in_utf16_units(bot: Bot, bot_api: BotAPIServer) -> None:
    bot_api.private_chat(bot_api.user(502))
    emoji = "😀" * 2048  # 4096 UTF-16 units: exactly the limit
    await bot.send_message(502, emoji)
    with pytest.raises(BadRequest, match=r"(?i)too long"):
        await bot.send_message(502, emoji + "ا")
    with pytest.raises(BadRequest, match=r"(?i)caption is too long"):
        await bot.send_photo(502, InputFile(png(), filename="c.png"), caption="ب" * 1025)


async def test_callback_data_over_64_bytes_is_refused(bot: Bot, bot_api: BotAPIServer) -> None:
    bot_api.private_chat(bot_api.user(503))
    ok = InlineKeyboardMarkup([[InlineKeyboardButton("x", callback_data="ع" * 32)]])
    await bot.send_message(503, "نص", reply_markup=ok)
    too_long = InlineKeyboardMarkup([[InlineKeyboardButton("x", callback_data="ع" * 32 + "a")]])
    with pytest.raises(BadRequest, match=r"(?i)button_data_invalid"):
        await bot.send_message(503, "نص", reply_markup=too_long)


async def test_uploaded_photo_bytes_are_kept(bot: Bot, bot_api: BotAPIServer) -> None:
    bot_api.private_chat(bot_api.user(504))
    data = png(1200, 630)
    message = await bot.send_photo(504, InputFile(data, filename="card.png"), caption="بطاقة")
    call = bot_api.find("sendPhoto")[-1]
    assert call.files["photo"].data == data
    assert (message.photo[-1].width, message.photo[-1].height) == (1200, 630)
    again = await bot.send_photo(504, message.photo[-1].file_id)
    assert again.photo[-1].file_unique_id == message.photo[-1].file_unique_id
    with pytest.raises(BadRequest):
        await bot.send_photo(504, "https://akhbar-sahel.ma/card.png")


async def test_get_updates_honours_offset_and_timeout(bot: Bot, bot_api: BotAPIServer) -> None:
    user = bot_api.user(505)
    assert await bot.get_updates(timeout=0) == ()
    bot_api.send_message(user, "مرحبا https://akhbar-sahel.ma/a /start")
    updates = await bot.get_updates(timeout=1)
    assert len(updates) == 1
    message = updates[0].message
    assert message is not None and message.chat.type == "private"
    assert [e.type for e in message.entities] == ["url", "bot_command"]
    assert await bot.get_updates(offset=updates[0].update_id + 1, timeout=0) == ()


async def test_unknown_method_is_404(bot: Bot, bot_api: BotAPIServer) -> None:
    with pytest.raises(EndPointNotFound):  # PTB's name for the 404 once getMe succeeded
        await bot.do_api_request("sendTeleportation", api_kwargs={"chat_id": 1})
    assert bot_api.find("sendTeleportation", ok=False)[0].status == 404


async def test_callback_and_inline_queries_are_answered_once(
    bot: Bot, bot_api: BotAPIServer
) -> None:
    user = bot_api.user(507)
    bot_api.private_chat(user)
    sent = await bot.send_message(
        507,
        "نص",
        reply_markup=InlineKeyboardMarkup([[InlineKeyboardButton("x", callback_data="t:1")]]),
    )
    query_id = bot_api.press_button(user, sent.to_dict(), "t:1")
    updates = await bot.get_updates(timeout=1)
    query = updates[-1].callback_query
    assert query is not None and query.chat_instance and query.data == "t:1"
    assert query.message is not None and query.message.message_id == sent.message_id
    assert await bot.answer_callback_query(query_id, text="تم") is True
    with pytest.raises(BadRequest, match=r"(?i)query is too old"):
        await bot.answer_callback_query(query_id)

    inline_id = bot_api.inline_query(user, "https://akhbar-sahel.ma/a")
    assert await bot.answer_inline_query(inline_id, []) is True
    with pytest.raises(BadRequest):
        await bot.answer_inline_query(inline_id, [])


def test_user_text_gets_telegram_like_entities() -> None:
    text = "اقرأ https://akhbar-sahel.ma/a/1. و @nashir_test_bot"
    entities = detect_entities(text)
    assert [(e["type"], text[e["offset"] : e["offset"] + e["length"]]) for e in entities] == [
        ("url", "https://akhbar-sahel.ma/a/1"),
        ("mention", "@nashir_test_bot"),
    ]
