"""What an editorial desk needs from the local Bot API server: channels, a group of editors
pressing buttons, edits, ForceReply replies, deletions, privacy mode and chat members."""

from __future__ import annotations

import pytest
from telegram import (
    Bot,
    ForceReply,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputFile,
    InputMediaPhoto,
    ReplyParameters,
)
from telegram.error import BadRequest

from devtools.botapi import BotAPIServer, CallbackAnswer
from tests.e2e.harness import png

pytestmark = pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")

CHANNEL_ID = -1001234567890
DESK_ID = -1009876543210
SHARE = InlineKeyboardMarkup(
    [[InlineKeyboardButton("إكس", url="https://twitter.com/intent/tweet?text=%D8%AE%D8%A8%D8%B1")]]
)
DECIDE = InlineKeyboardMarkup(
    [
        [
            InlineKeyboardButton("✅ نشر الآن", callback_data="d:17:3:publish"),
            InlineKeyboardButton("❌ رفض", callback_data="d:17:3:reject"),
        ]
    ]
)


async def test_a_channel_takes_posts_by_username_or_id_and_counts_them(
    bot: Bot, bot_api: BotAPIServer
) -> None:
    channel = bot_api.channel(CHANNEL_ID, "أخبار الساحل", username="akhbar_sahel")
    card = png(1200, 630)
    post = await bot.send_photo(
        "@akhbar_sahel",
        InputFile(card, filename="card.png"),
        caption="<b>عاجل:</b> افتتاح محطة تحلية جديدة في أكادير",
        parse_mode="HTML",
        reply_markup=SHARE,
    )
    assert post.chat.id == CHANNEL_ID and post.sender_chat is not None
    assert post.sender_chat.id == CHANNEL_ID and post.from_user is None
    assert post.caption == "عاجل: افتتاح محطة تحلية جديدة في أكادير"
    assert post.reply_markup == SHARE
    follow_up = await bot.send_message(
        CHANNEL_ID, "التفاصيل الكاملة…", reply_parameters=ReplyParameters(post.message_id)
    )
    assert follow_up.reply_to_message is not None
    assert follow_up.reply_to_message.message_id == post.message_id

    assert len(bot_api.posts("@akhbar_sahel")) == len(bot_api.posts(CHANNEL_ID)) == 2
    assert bot_api.find("sendPhoto", chat_id="@akhbar_sahel")[0].files["photo"].data == card
    assert [m["message_id"] for m in bot_api.messages_in(channel["id"])] == [1, 2]
    with pytest.raises(BadRequest, match=r"(?i)chat not found"):
        await bot.send_message("@no_such_channel", "خبر")


async def test_an_administrator_bot_gets_channel_posts(bot: Bot, bot_api: BotAPIServer) -> None:
    ours = bot_api.channel(CHANNEL_ID, "أخبار الساحل", username="akhbar_sahel")
    theirs = bot_api.channel(-1001000000009, "قناة أخرى", bot_is_admin=False)
    bot_api.post_in_channel(theirs, "لا يراه البوت")
    bot_api.post_in_channel(ours, "موجز الصباح https://akhbar-sahel.ma/a/1", author="سعاد")
    (update,) = await bot.get_updates(timeout=0)
    post = update.channel_post
    assert post is not None and post.chat.id == CHANNEL_ID and post.from_user is None
    assert post.sender_chat is not None and post.author_signature == "سعاد"
    assert [e.type for e in post.entities] == ["url"]


async def test_several_editors_press_the_buttons_of_one_message(
    bot: Bot, bot_api: BotAPIServer
) -> None:
    desk = bot_api.group(DESK_ID, "غرفة التحرير")
    editors = [bot_api.user(1201, "مريم"), bot_api.user(1202, "يوسف")]
    outsider = bot_api.user(1203, "زائر")
    draft = await bot.send_message(DESK_ID, "مسودة رقم 17", reply_markup=DECIDE)
    presses = [
        bot_api.press_button(editors[0], draft.to_dict(), text="✅ نشر الآن"),
        bot_api.press_button(editors[1], draft.to_dict(), text="❌ رفض"),
        bot_api.press_button(outsider, draft.to_dict(), "d:17:3:publish"),
    ]
    queries = [u.callback_query for u in await bot.get_updates(timeout=0)]
    assert [q.from_user.id for q in queries if q] == [1201, 1202, 1203]
    assert [q.data for q in queries if q] == ["d:17:3:publish", "d:17:3:reject", "d:17:3:publish"]
    assert len({q.chat_instance for q in queries if q}) == 1
    assert all(q and q.message and q.message.chat.id == DESK_ID for q in queries)
    with pytest.raises(AssertionError, match="no callback button"):
        bot_api.press_button(editors[0], draft.to_dict(), text="🕒 جدولة")

    await bot.answer_callback_query(presses[0], text="تم النشر")
    await bot.answer_callback_query(presses[1])
    await bot.answer_callback_query(presses[2], text="غير مصرح لك", show_alert=True)
    assert bot_api.callback_answer(presses[0]) == CallbackAnswer("تم النشر", False, None, 0)
    assert bot_api.callback_answer(presses[2]) == CallbackAnswer("غير مصرح لك", True, None, 0)
    with pytest.raises(BadRequest, match=r"(?i)query is too old"):
        await bot.answer_callback_query(presses[2], text="مرة ثانية")
    assert desk["id"] == DESK_ID


async def test_the_bot_edits_caption_media_keyboard_and_text(
    bot: Bot, bot_api: BotAPIServer
) -> None:
    desk = bot_api.group(DESK_ID, "غرفة التحرير")
    preview = await bot.send_photo(
        DESK_ID, InputFile(png(), filename="a.png"), caption="العنوان الأول", reply_markup=DECIDE
    )
    edited = await bot.edit_message_caption(
        DESK_ID, preview.message_id, caption="<i>العنوان المعدل</i>", parse_mode="HTML"
    )
    assert edited.caption == "العنوان المعدل" and edited.reply_markup is None  # none given
    assert edited.edit_date is not None

    new_card = png(64, 64, (14, 32, 56))
    replaced = await bot.edit_message_media(
        InputMediaPhoto(new_card, filename="b.png", caption="بطاقة جديدة"),
        chat_id=DESK_ID,
        message_id=preview.message_id,
        reply_markup=DECIDE,
    )
    assert replaced.photo[-1].file_unique_id != preview.photo[-1].file_unique_id
    assert (replaced.photo[-1].width, replaced.caption) == (64, "بطاقة جديدة")
    uploads = [f.data for c in bot_api.find("editMessageMedia") for f in c.files.values()]
    assert uploads == [new_card]

    marked = await bot.edit_message_reply_markup(DESK_ID, preview.message_id, reply_markup=None)
    assert marked.reply_markup is None and marked.caption == "بطاقة جديدة"
    with pytest.raises(BadRequest, match=r"(?i)message is not modified"):
        await bot.edit_message_reply_markup(DESK_ID, preview.message_id, reply_markup=None)
    with pytest.raises(BadRequest, match=r"(?i)there is no text in the message"):
        await bot.edit_message_text("نص", chat_id=DESK_ID, message_id=preview.message_id)

    note = await bot.send_message(DESK_ID, "ملاحظة")
    assert (await bot.edit_message_text("ملاحظة معدلة", DESK_ID, note.message_id)).text
    with pytest.raises(BadRequest, match=r"(?i)there is no caption in the message"):
        await bot.edit_message_caption(DESK_ID, note.message_id, caption="تعليق")
    theirs = bot_api.send_message(bot_api.user(1204), "/submit", chat=desk)
    with pytest.raises(BadRequest, match=r"(?i)message can't be edited"):
        await bot.edit_message_text("لا", DESK_ID, theirs["message_id"])
    shown = {
        m["message_id"]: m.get("caption") or m.get("text") for m in bot_api.messages_in(DESK_ID)
    }
    assert shown == {
        preview.message_id: "بطاقة جديدة",
        note.message_id: "ملاحظة معدلة",
        theirs["message_id"]: "/submit",
    }


async def test_an_editor_answers_a_force_reply_prompt(bot: Bot, bot_api: BotAPIServer) -> None:
    desk = bot_api.group(DESK_ID, "غرفة التحرير")  # the bot is a member, not an admin
    editor = bot_api.user(1205, "نادية")
    prompt = await bot.send_message(
        DESK_ID,
        "أرسل النص الجديد لإكس ردّاً على هذه الرسالة",
        reply_markup=ForceReply(selective=True, input_field_placeholder="النص الجديد"),
    )
    bot_api.send_message(editor, "نص جديد أقصر", chat=desk, reply_to=prompt.to_dict())
    (update,) = await bot.get_updates(timeout=0)  # privacy mode lets replies to the bot in
    reply = update.message
    assert reply is not None and reply.text == "نص جديد أقصر" and reply.from_user
    assert reply.from_user.id == 1205
    assert reply.reply_to_message is not None
    assert reply.reply_to_message.message_id == prompt.message_id
    assert reply.reply_to_message.from_user and reply.reply_to_message.from_user.is_bot
    with pytest.raises(BadRequest, match=r"(?i)placeholder"):
        await bot.send_message(
            DESK_ID, "؟", reply_markup=ForceReply(input_field_placeholder="x" * 65)
        )


async def test_privacy_mode_shows_a_member_bot_only_what_is_meant_for_it(
    bot: Bot, bot_api: BotAPIServer
) -> None:
    member = bot_api.group(DESK_ID, "غرفة التحرير")
    admin = bot_api.group(-1005555555555, "مكتب الرباط", bot_is_admin=True)
    editor = bot_api.user(1206, "سلمى")
    sent = {
        "رابط للنقاش https://akhbar-sahel.ma/a/2": (member, False),
        "/submit@nashir_test_bot https://akhbar-sahel.ma/a/3": (member, True),
        "/submit@other_news_bot https://akhbar-sahel.ma/a/4": (member, False),
        "@nashir_test_bot https://akhbar-sahel.ma/a/5": (member, True),
        "كل الرسائل تصل إلى البوت المشرف": (admin, True),
    }
    for text, (chat, _) in sent.items():
        bot_api.send_message(editor, text, chat=chat)
    got = [u.message.text for u in await bot.get_updates(timeout=0) if u.message]
    assert got == [text for text, (_, seen) in sent.items() if seen]


async def test_what_the_bot_may_delete(bot: Bot, bot_api: BotAPIServer) -> None:
    member = bot_api.group(DESK_ID, "غرفة التحرير")
    admin = bot_api.group(-1005555555555, "مكتب الرباط", bot_is_admin=True)
    editor = bot_api.user(1207, "كريم")
    own = await bot.send_message(DESK_ID, "جاري التحضير…")
    assert await bot.delete_message(DESK_ID, own.message_id) is True
    with pytest.raises(BadRequest, match=r"(?i)message to delete not found"):
        await bot.delete_message(DESK_ID, own.message_id)
    theirs = bot_api.send_message(editor, "/submit@nashir_test_bot", chat=member)
    with pytest.raises(BadRequest, match=r"(?i)message can't be deleted"):
        await bot.delete_message(DESK_ID, theirs["message_id"])
    in_admin = bot_api.send_message(editor, "رسالة", chat=admin)
    assert await bot.delete_message(admin["id"], in_admin["message_id"]) is True
    private = bot_api.send_message(editor, "رسالة خاصة")
    assert await bot.delete_message(1207, private["message_id"]) is True


async def test_chat_details_and_members(bot: Bot, bot_api: BotAPIServer) -> None:
    bot_api.channel(CHANNEL_ID, "أخبار الساحل", username="akhbar_sahel")
    desk = bot_api.group(DESK_ID, "غرفة التحرير", bot_is_admin=True)
    chief, journalist = bot_api.user(1208, "رئيسة التحرير"), bot_api.user(1209, "صحفي")
    bot_api.add_member(desk, chief, "creator")
    bot_api.add_member(desk, journalist)

    info = await bot.get_chat("@akhbar_sahel")
    assert (info.id, info.type, info.title, info.username) == (
        CHANNEL_ID,
        "channel",
        "أخبار الساحل",
        "akhbar_sahel",
    )
    assert (await bot.get_chat_member(DESK_ID, 1208)).status == "creator"
    assert (await bot.get_chat_member(DESK_ID, 1209)).status == "member"
    assert (await bot.get_chat_member(CHANNEL_ID, bot.id)).status == "administrator"
    bot_api.user(1210, "غريب")
    assert (await bot.get_chat_member(DESK_ID, 1210)).status == "left"
    admins = await bot.get_chat_administrators(DESK_ID)
    assert sorted(m.user.id for m in admins) == sorted([1208, bot.id])
