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
from handlers.keyboards import ButtonAction, ButtonKind
from tests.e2e.conftest import E2E_OPTIONS, StartBot, article_variant
from tests.e2e.harness import buttons, has_arabic, visible

CANONICAL = "https://akhbar-sahel.ma/economie/2026/03/desalination-agadir.html"
# Share pages of the footer: host+path → (platform, parameter holding the text, parameter
# holding the link or None when the link is inside the text).
SHARE_PAGES = {
    "twitter.com/intent/tweet": (Platform.X, "text", None),
    "www.facebook.com/sharer/sharer.php": (Platform.FACEBOOK, None, "u"),
    "wa.me/": (Platform.WHATSAPP, "text", None),
    "t.me/share/url": (Platform.TELEGRAM, "text", "url"),
    "www.linkedin.com/sharing/share-offsite/": (Platform.LINKEDIN, None, "url"),
}
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
    assert keyboard[0]["text"] == "⬇️ شارك على منصتك المفضلة ⬇️"
    assert all(len(b["callback_data"].encode()) <= 64 for b in keyboard if "callback_data" in b)
    shared = {}
    for button in (b for b in keyboard if "url" in b):
        parts = urlsplit(button["url"])
        platform, text_param, link_param = SHARE_PAGES[parts.netloc + parts.path]
        query = parse_qs(parts.query)
        text = query[text_param][0] if text_param else ""
        link = query[link_param][0] if link_param else re.findall(r"https?://\S+", text)[0]
        assert button["text"] == PLATFORMS[platform].name_ar
        assert link.startswith(CANONICAL + "?") and f"utm_source={platform.value}" in link
        if text_param:
            assert has_arabic(text)
        if platform is Platform.X:
            assert PLATFORMS[Platform.X].measure(text) <= 280
        shared[platform] = text
    assert list(shared) == [
        Platform.X,
        Platform.FACEBOOK,
        Platform.WHATSAPP,
        Platform.TELEGRAM,
        Platform.LINKEDIN,
    ]
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
    intents = {
        SHARE_PAGES[urlsplit(b["url"]).netloc + urlsplit(b["url"]).path][0]: b["url"]
        for b in buttons(photo)
        if "url" in b
    }
    callbacks = [b for b in buttons(photo) if "callback_data" in b]
    kinds = {ButtonAction.decode(b["callback_data"]).kind for b in callbacks}  # type: ignore[union-attr]
    assert kinds == {ButtonKind.HEADER, ButtonKind.TEXT, ButtonKind.CARD}

    for button in callbacks:
        action = ButtonAction.decode(button["callback_data"])
        assert action is not None
        mark = api.mark()
        query_id = api.press_button(user, photo.result, button["callback_data"])
        api.wait_for(
            "answerCallbackQuery",
            since=mark,
            where=lambda c, q=query_id: c.params["callback_query_id"] == q,
        )
        answer = api.callback_answers[query_id]
        assert has_arabic(str(answer.get("text", ""))) and len(answer["text"]) <= 200
        if action.kind is ButtonKind.TEXT:
            sent = api.wait_for("sendMessage", since=mark, chat_id=1002)[0]
            text = visible(sent)
            spec = PLATFORMS[action.platform]
            assert has_arabic(text) and spec.fits(text if not spec.html else sent.params["text"])
            if action.platform in (Platform.X, Platform.WHATSAPP):
                intent_text = parse_qs(urlsplit(intents[action.platform]).query)["text"][0]
                assert text == intent_text
        elif action.kind is ButtonKind.CARD:
            sent = api.wait_for("sendPhoto", since=mark, chat_id=1002)[0]
            data = next(iter(sent.files.values())).data
            with Image.open(io.BytesIO(data)) as card:
                assert card.size == action.card_size.dimensions
            assert has_arabic(visible(sent, "caption"))


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
    group = api.group(-1009876543210, "غرفة التحرير")
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
    x_text = next(
        b["callback_data"]
        for b in buttons(photo)
        if b.get("callback_data", "").startswith("t:") and b["callback_data"].endswith(":x")
    )
    mark = api.mark()
    api.press_button(api.user(1009, "سلمى"), photo.result, x_text)
    sent = api.wait_for("sendMessage", since=mark, chat_id=1009)[0]
    assert "utm_source=x" in visible(sent)


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
