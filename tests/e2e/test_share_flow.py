"""A link in, a card with its footer keyboard out — through the real bot, in both modes."""

from __future__ import annotations

import io
import re
from dataclasses import replace
from urllib.parse import parse_qs, urlsplit

import pytest
from PIL import Image

from bot.models import CardSize, Platform
from bot.platforms import PLATFORMS
from bot.platforms.counting import utf16_units
from devtools.botapi import BotAPIServer, Call
from devtools.pages import PageServer
from handlers.app import MAX_IN_FLIGHT
from handlers.keyboards import SHARE_ROW_PLATFORMS, ButtonAction, ButtonKind, Menu
from tests.e2e.conftest import E2E_OPTIONS, StartBot, article_variant
from tests.e2e.harness import buttons, has_arabic, visible

CANONICAL = "https://akhbar-sahel.ma/economie/2026/03/desalination-agadir.html"
BY_NAME = {PLATFORMS[platform].name_ar: platform for platform in Platform}
FIRST_SIGHT_AT_MOST = 9  # the share row (7 platforms) and the two menu buttons
PASTED_ARTICLE = (
    "اختتمت مساء أمس فعاليات المهرجان الوطني للفنون الشعبية في مدينة تارودانت بعد خمسة أيام "
    "من العروض التي شاركت فيها فرق من مختلف جهات المملكة. وقال المنظمون إن عدد الزوار تجاوز "
    "ثلاثين ألفاً، وهو رقم قياسي مقارنة بالدورات السابقة.\n\n"
    "وتميزت الدورة الحالية بتخصيص فضاء للحرفيين الشباب عرضوا فيه منتجاتهم من النسيج والفخار، "
    "كما نظمت ورشات لتعليم الأطفال أساسيات الإيقاع التقليدي. وأكدت إدارة المهرجان أن الدورة "
    "المقبلة ستشهد توسيع المشاركة لتشمل فرقاً من بلدان إفريقية مجاورة.\n\n"
    "ومن المنتظر أن تعلن اللجنة المنظمة عن برنامج الدورة الجديدة في مطلع الخريف المقبل."
)


def share_link(api: BotAPIServer, user_id: int, text: str) -> tuple[dict, Call, Call]:  # type: ignore[type-arg]
    """A user sends ``text``; returns their message, the ack and the card."""
    user = api.user(user_id, "سلمى")
    mark = api.mark()
    message = api.send_message(user, text)
    ack = api.wait_for("sendMessage", since=mark, chat_id=user_id)[0]
    photo = api.wait_for("sendPhoto", since=mark, chat_id=user_id)[0]
    api.wait_for("deleteMessage", since=mark, chat_id=user_id)  # the reply is complete
    return message, ack, photo


def share_id_of(photo: Call) -> str:
    return next(
        ButtonAction.decode(b["callback_data"]) for b in buttons(photo) if "callback_data" in b
    ).share_id  # type: ignore[union-attr]


def keyboard_now(api: BotAPIServer, photo: Call) -> list[list[dict]]:  # type: ignore[type-arg]
    """The keyboard under the card as the user sees it now (edits included)."""
    message = api.messages[(photo.result["chat"]["id"], photo.result["message_id"])]
    return [list(row) for row in message.get("reply_markup", {}).get("inline_keyboard", [])]


def press(api: BotAPIServer, user: dict, photo: Call, data: str) -> tuple[int, dict]:  # type: ignore[type-arg]
    """Press the button carrying ``data`` under the card; the mark before it and the answer."""
    mark = api.mark()
    current = api.messages[(photo.result["chat"]["id"], photo.result["message_id"])]
    query_id = api.press_button(user, current, data)
    api.wait_for(
        "answerCallbackQuery",
        since=mark,
        where=lambda c: c.params["callback_query_id"] == query_id,
    )
    return mark, api.callback_answers[query_id]


def test_a_link_gets_ack_then_card_with_caption_and_footer(
    start_bot: StartBot, api: BotAPIServer, article_url: str
) -> None:
    start_bot()
    mark = api.mark()
    _, ack, photo = share_link(api, 1001, f"اقرأ هذا الخبر {article_url}")

    assert "جارٍ التحضير" in visible(ack)
    assert api.find("sendChatAction", since=mark, chat_id=1001)
    assert ack.at <= photo.at

    upload = next(iter(photo.files.values()))  # bytes, never a URL
    with Image.open(io.BytesIO(upload.data)) as card:
        assert card.size == CardSize.WIDE.dimensions
    caption = visible(photo, "caption")
    assert has_arabic(caption) and 0 < utf16_units(caption) <= 1024
    assert "utm_source=telegram" in caption

    keyboard = buttons(photo)
    assert len(keyboard) <= FIRST_SIGHT_AT_MOST
    assert all(len(b["callback_data"].encode()) <= 64 for b in keyboard if "callback_data" in b)
    *share_rows, menus = photo.params["reply_markup"]["inline_keyboard"]
    share_row = [b for row in share_rows for b in row]
    # The article footer's platforms, then Threads and Bluesky, each one button.
    assert [BY_NAME[b["text"]] for b in share_row] == list(SHARE_ROW_PLATFORMS)
    for button in share_row:
        platform = BY_NAME[button["text"]]
        draft_link = f"utm_source={platform.value}"
        if "url" in button:  # a share page that opens with the prepared text and the link
            query = parse_qs(urlsplit(button["url"]).query)
            values = [value for values in query.values() for value in values]
            assert any(has_arabic(v) for v in values), platform
            assert any(CANONICAL + "?" in v and draft_link in v for v in values), platform
            if platform is Platform.X:
                (text,) = parse_qs(urlsplit(button["url"]).query)["text"]
                assert PLATFORMS[Platform.X].measure(text) <= 280
        else:  # a page that takes only the link: the button offers the text to copy first
            assert ButtonAction.decode(button["callback_data"]) == ButtonAction(
                ButtonKind.TEXT, share_id_of(photo), platform.value
            )
    assert [b["text"] for b in menus] == ["📋 النصوص الجاهزة", "🖼️ مقاسات البطاقة"]
    # «جارٍ التحضير…» goes away once the card is there.
    api.wait_for(
        "deleteMessage",
        since=mark,
        where=lambda c: int(c.params["message_id"]) == ack.result["message_id"],
    )


def test_every_button_answers(start_bot: StartBot, api: BotAPIServer, article_url: str) -> None:
    start_bot()
    _, _, photo = share_link(api, 1002, article_url)
    user = api.user(1002, "سلمى")
    share_id = share_id_of(photo)
    intents = {BY_NAME[b["text"]]: b["url"] for b in buttons(photo) if "url" in b}

    for menu, kind in ((Menu.TEXTS, ButtonKind.TEXT), (Menu.CARDS, ButtonKind.CARD)):
        opened = ButtonAction(ButtonKind.MENU, share_id, menu.value).encode()
        mark, _ = press(api, user, photo, opened)
        edit = api.wait_for("editMessageReplyMarkup", since=mark, chat_id=1002)[0]
        assert int(edit.params["message_id"]) == photo.result["message_id"]
        *choices, back = keyboard_now(api, photo)
        assert [b["text"] for b in back] == ["🔙 رجوع"]
        for button in (b for row in choices for b in row):
            action = ButtonAction.decode(button["callback_data"])
            assert action is not None and action.kind is kind
            mark, answer = press(api, user, photo, button["callback_data"])
            assert has_arabic(str(answer.get("text", ""))) and len(answer["text"]) <= 200
            if kind is ButtonKind.TEXT:
                spec = PLATFORMS[action.platform]
                assert f"من {spec.limit} " in answer["text"]  # the length and its unit
                sent = api.wait_for("sendMessage", since=mark, chat_id=1002)[0]
                text = visible(sent)
                assert has_arabic(text) and spec.fits(
                    text if not spec.html else sent.params["text"]
                )
                if action.platform in (Platform.X, Platform.WHATSAPP):
                    intent_text = parse_qs(urlsplit(intents[action.platform]).query)["text"][0]
                    assert text == intent_text
            else:
                sent = api.wait_for("sendPhoto", since=mark, chat_id=1002)[0]
                data = next(iter(sent.files.values())).data
                with Image.open(io.BytesIO(data)) as card:
                    assert card.size == action.card_size.dimensions
                assert has_arabic(visible(sent, "caption"))
        mark, _ = press(api, user, photo, back[0]["callback_data"])
        api.wait_for("editMessageReplyMarkup", since=mark, chat_id=1002)
        assert keyboard_now(api, photo) == photo.params["reply_markup"]["inline_keyboard"]


def test_the_pop_up_of_a_text_gives_its_length_in_the_platforms_unit(
    start_bot: StartBot, api: BotAPIServer, article_url: str
) -> None:
    start_bot()
    _, _, photo = share_link(api, 1013, article_url)
    share_id = share_id_of(photo)
    user = api.user(1013, "سلمى")
    _, x = press(api, user, photo, ButtonAction(ButtonKind.TEXT, share_id, "x").encode())
    assert re.fullmatch(r"نص إكس: \d+ من 280 حرفاً محسوباً\. انسخه من الرسالة التالية\.", x["text"])
    _, threads = press(
        api, user, photo, ButtonAction(ButtonKind.TEXT, share_id, "threads").encode()
    )
    assert "من 500 بايت" in threads["text"]


def test_a_share_page_without_the_text_gets_the_text_to_copy_with_the_page_under_it(
    start_bot: StartBot, api: BotAPIServer, article_url: str
) -> None:
    start_bot()
    _, _, photo = share_link(api, 1014, article_url)
    user = api.user(1014, "سلمى")
    share_row = [b for row in photo.params["reply_markup"]["inline_keyboard"][:-1] for b in row]
    to_copy = [b for b in share_row if "callback_data" in b]
    assert to_copy  # Facebook's share page takes the link alone
    for button in to_copy:
        platform = BY_NAME[button["text"]]
        mark, answer = press(api, user, photo, button["callback_data"])
        assert "انسخه" in answer["text"] and "الصقه" in answer["text"]
        sent = api.wait_for("sendMessage", since=mark, chat_id=1014)[-1]
        assert f"utm_source={platform.value}" in visible(sent)
        (page,) = buttons(sent)
        assert PLATFORMS[platform].name_ar in page["text"] and "الصق" in page["text"]
        assert CANONICAL in next(iter(parse_qs(urlsplit(page["url"]).query).values()))[0]


def test_the_same_article_twice_comes_from_the_cache(
    start_bot: StartBot, api: BotAPIServer, page_server: PageServer, article_url: str
) -> None:
    start_bot()
    share_link(api, 1003, article_url)
    fetched = len(page_server.requests)

    mark = api.mark()
    api.send_message(api.user(1004), article_url + "#comments")  # same article, other spelling
    again = api.wait_for("sendPhoto", since=mark, chat_id=1004)[0]

    assert len(page_server.requests) == fetched  # nothing fetched again
    assert again.files == {} and isinstance(again.params["photo"], str)  # Telegram's file id
    assert not api.find("sendMessage", since=mark, chat_id=1004)  # the card is the answer


@pytest.mark.parametrize("mode", ["polling"])  # one getUpdates answer carries the burst
# Sixty acknowledgements at once are over Telegram's 30 messages/s: this is about the order
# inside the bot; bench/bot_load.py measures the drain under the limits.
@pytest.mark.no_flood_limits
def test_in_a_burst_everyone_is_acknowledged_before_any_page_is_fetched(
    start_bot: StartBot, api: BotAPIServer, page_server: PageServer, article_url: str
) -> None:
    # No time limit on yielding, so the order below holds on the slowest machine.
    start_bot(options=replace(E2E_OPTIONS, burst_yield=60.0))
    users = range(2001, 2061)
    mark = api.mark()
    fetched = len(page_server.request_times)
    with api.at_once():
        for user_id in users:
            api.send_message(api.user(user_id), article_url)
    for user_id in users:
        api.wait_for("sendPhoto", since=mark, chat_id=user_id, timeout=60)

    acks = sorted(
        min(c.at for c in api.find("sendMessage", since=mark, chat_id=user_id))
        for user_id in users
    )
    first_fetch = page_server.request_times[fetched]
    # The page is fetched only once no ack is left waiting for a connection: at most
    # MAX_IN_FLIGHT acks can still be on their way when the pipeline starts.
    assert first_fetch > acks[len(acks) - MAX_IN_FLIGHT - 1]


def test_after_a_restart_a_stored_article_is_acknowledged_then_sent_from_the_cache(
    start_bot: StartBot, api: BotAPIServer, page_server: PageServer, article_url: str
) -> None:
    first = start_bot()
    share_link(api, 1011, article_url)
    fetched = len(page_server.requests)
    first.stop()

    start_bot()  # memory is empty, the database is not
    _, ack, photo = share_link(api, 1012, article_url)

    # Only memory is consulted before the ack, so a share found in SQLite is acknowledged
    # first like new work, then answered from the cache: nothing fetched or uploaded again.
    assert "جارٍ التحضير" in visible(ack) and ack.at <= photo.at
    assert photo.files == {} and isinstance(photo.params["photo"], str)
    assert len(page_server.requests) == fetched


def test_a_forwarded_channel_post_with_a_hidden_link(
    start_bot: StartBot, api: BotAPIServer, article_url: str
) -> None:
    start_bot()
    user = api.user(1005, "يوسف")
    channel = api.channel(-1001234567890, "أخبار الساحل", username="akhbar_sahel")
    text = "محطة جديدة لتحلية مياه البحر — التفاصيل هنا"
    link = {"type": "text_link", "offset": len(text) - 4, "length": 4, "url": article_url}
    mark = api.mark()
    api.send_message(user, text, entities=[link], forward_from=channel)
    photo = api.wait_for("sendPhoto", since=mark, chat_id=1005)[0]
    assert "utm_source=telegram" in visible(photo, "caption")


def test_a_long_pasted_text_is_summarised_without_a_link(
    start_bot: StartBot, api: BotAPIServer
) -> None:
    start_bot()
    _, _, photo = share_link(api, 1006, PASTED_ARTICLE)
    caption = visible(photo, "caption")
    assert has_arabic(caption) and "http" not in caption
    share_pages = [urlsplit(b["url"]).netloc for b in buttons(photo) if "url" in b]
    assert share_pages and "www.facebook.com" not in share_pages  # needs a link to share


def test_a_short_message_without_a_link_gets_a_hint(
    start_bot: StartBot, api: BotAPIServer
) -> None:
    start_bot()
    mark = api.mark()
    api.send_message(api.user(1007), "مرحبا")
    hint = api.wait_for("sendMessage", since=mark, chat_id=1007)[0]
    assert "رابط" in visible(hint)


def test_in_groups_only_mentions_and_commands_are_answered(
    start_bot: StartBot, api: BotAPIServer, page_server: PageServer, sample_html: str
) -> None:
    start_bot()
    ignored_url = page_server.add("/ignored.html", body=article_variant(sample_html, 1))
    mention_url = page_server.add("/mention.html", body=article_variant(sample_html, 2))
    command_url = page_server.add("/command.html", body=article_variant(sample_html, 3))
    # An administrator bot receives every group message (privacy mode does not filter
    # them), so what is ignored here is ignored by the bot's own filters.
    group = api.group(-1009876543210, "غرفة التحرير", bot_is_admin=True)
    editor = api.user(1008, "مريم")
    mark = api.mark()

    ignored = api.send_message(editor, f"رابط للاطلاع {ignored_url}", chat=group)
    mentioned = api.send_message(editor, f"@nashir_test_bot {mention_url}", chat=group)
    commanded = api.send_message(editor, f"/share@nashir_test_bot {command_url}", chat=group)

    photos = api.wait_for("sendPhoto", since=mark, chat_id=group["id"], count=2)
    answered = {p.params["reply_parameters"]["message_id"] for p in photos}
    assert answered == {mentioned["message_id"], commanded["message_id"]}
    assert "/ignored.html" not in page_server.requests
    replies = [
        c.params.get("reply_parameters", {}).get("message_id")
        for c in api.find("sendMessage", since=mark, chat_id=group["id"])
    ]
    assert ignored["message_id"] not in replies
    # In a group, «جارٍ التحضير…» too quotes the message it answers.
    placeholders = [
        c
        for c in api.find("sendMessage", since=mark, chat_id=group["id"])
        if "جارٍ التحضير" in visible(c)
    ]
    assert {c.params["reply_parameters"]["message_id"] for c in placeholders} == answered


def test_buttons_keep_working_after_a_restart(
    start_bot: StartBot, api: BotAPIServer, article_url: str
) -> None:
    first = start_bot()
    _, _, photo = share_link(api, 1009, article_url)
    first.stop()

    start_bot()  # a new process would find the same database
    user = api.user(1009, "سلمى")
    share_id = share_id_of(photo)
    mark, _ = press(api, user, photo, ButtonAction(ButtonKind.TEXT, share_id, "x").encode())
    sent = api.wait_for("sendMessage", since=mark, chat_id=1009)[0]
    assert "utm_source=x" in visible(sent)
    # Cards sent before the keyboard had pages still carry the footer's title: it answers.
    _, answer = press(api, user, photo, ButtonAction(ButtonKind.HEADER, share_id).encode())
    assert has_arabic(answer["text"])


def test_in_a_group_only_the_asker_gets_texts_in_the_group(
    start_bot: StartBot, api: BotAPIServer, article_url: str
) -> None:
    start_bot()
    group = api.group(-1005550001111, "غرفة الأخبار")
    asker, other = api.user(1016, "نادية"), api.user(1017, "حسن")
    mark = api.mark()
    api.send_message(asker, f"@nashir_test_bot {article_url}", chat=group)
    photo = api.wait_for("sendPhoto", since=mark, chat_id=group["id"])[0]
    api.wait_for("deleteMessage", since=mark, chat_id=group["id"])
    x_text = ButtonAction(ButtonKind.TEXT, share_id_of(photo), "x")
    square = ButtonAction(ButtonKind.CARD, share_id_of(photo), "square")
    in_group = len(api.find("sendMessage", chat_id=group["id"]))

    # A member who never opened a chat with the bot is sent to it by a t.me link …
    mark, answer = press(api, other, photo, x_text.encode())
    assert answer["url"] == f"https://t.me/nashir_test_bot?start={x_text.start_parameter()}"
    # … whose «ابدأ» brings the text there.
    mark = api.mark()
    api.send_message(other, f"/start {x_text.start_parameter()}")
    private = api.wait_for("sendMessage", since=mark, chat_id=1017)[0]
    assert "utm_source=x" in visible(private)

    # Now that the chat exists, the next presses answer there directly.
    mark, answer = press(api, other, photo, x_text.encode())
    assert "الخاصة" in answer["text"] and "من 280 حرفاً محسوباً" in answer["text"]
    assert "utm_source=x" in visible(api.wait_for("sendMessage", since=mark, chat_id=1017)[0])
    mark, answer = press(api, other, photo, square.encode())
    card = api.wait_for("sendPhoto", since=mark, chat_id=1017)[0]
    assert "الخاصة" in answer["text"] and "مربعة" in visible(card, "caption")

    assert len(api.find("sendMessage", chat_id=group["id"])) == in_group  # nothing posted
    assert not api.find("sendPhoto", since=mark, chat_id=group["id"])

    # The member who asked gets the text where they asked.
    mark, answer = press(api, asker, photo, x_text.encode())
    assert "utm_source=x" in visible(
        api.wait_for("sendMessage", since=mark, chat_id=group["id"])[0]
    )


def test_an_unknown_button_is_answered_with_an_alert(
    start_bot: StartBot, api: BotAPIServer, article_url: str
) -> None:
    start_bot()
    _, _, photo = share_link(api, 1010, article_url)
    mark = api.mark()
    query_id = api.press_button(api.user(1010), photo.result, "t:gone1234:x")
    api.wait_for("answerCallbackQuery", since=mark)
    answer = api.callback_answers[query_id]
    assert answer.get("show_alert") in (True, "true") and "انتهت صلاحية" in answer["text"]


def test_a_link_without_url_entities_is_found_in_the_text(
    start_bot: StartBot, api: BotAPIServer, article_url: str
) -> None:
    start_bot()
    mark = api.mark()
    api.send_message(api.user(1015, "أمين"), f"هذا الخبر: {article_url}", entities=[])
    photo = api.wait_for("sendPhoto", since=mark, chat_id=1015)[0]
    assert "utm_source=telegram" in visible(photo, "caption")
