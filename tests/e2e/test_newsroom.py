"""The newsroom through the real bot: drafts in the editors' group, decided by buttons and
replies, published once to the channel and to X (local Bot API server with Telegram's flood
limits, the fake X, a real SQLite file)."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator
from typing import Any

import pytest
from PIL import Image

from bot.models import Platform
from bot.platforms import PLATFORMS
from bot.settings import Secret
from devtools.botapi import BotAPIServer, Call
from devtools.pages import PageServer
from devtools.xapi import CREDENTIALS, XAPIServer
from tests.e2e.conftest import StartBot
from tests.e2e.harness import RunningBot, buttons
from tests.feeds.builders import entry, rss

pytestmark = pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")

DESK_ID = -1009876543210
CHANNEL_ID = -1001234567890
EDITOR, OTHER_EDITOR, ADMIN, JOURNALIST, STRANGER = 501, 502, 503, 777, 999
X = PLATFORMS[Platform.X]


@pytest.fixture
def mode() -> str:
    return "polling"  # both modes are covered by the share flow; one is enough here


@pytest.fixture
def xapi() -> Iterator[XAPIServer]:
    server = XAPIServer().start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def desk(api: BotAPIServer) -> dict[str, Any]:
    api.channel(CHANNEL_ID, "أخبار الساحل", username="akhbar_sahel")
    return api.group(DESK_ID, "تحرير أخبار الساحل", bot_is_admin=True)


def newsroom_settings(xapi: XAPIServer) -> dict[str, Any]:
    return {
        "editor_chat_id": DESK_ID,
        "editor_user_ids": frozenset({EDITOR, OTHER_EDITOR}),
        "admin_user_ids": frozenset({ADMIN}),
        "channel_id": "@akhbar_sahel",
        "x_api_key": Secret(CREDENTIALS["api_key"]),
        "x_api_secret": Secret(CREDENTIALS["api_secret"]),
        "x_access_token": Secret(CREDENTIALS["access_token"]),
        "x_access_token_secret": Secret(CREDENTIALS["access_token_secret"]),
        "x_api_base_url": xapi.root,
    }


@pytest.fixture
def newsroom_bot(start_bot: StartBot, xapi: XAPIServer, desk: dict[str, Any]) -> RunningBot:
    return start_bot(**newsroom_settings(xapi))


def submit(api: BotAPIServer, desk: dict[str, Any], url: str, user_id: int = JOURNALIST) -> Call:
    """A journalist posts a link in the editors' group; returns the draft's message."""
    mark = api.mark()
    api.send_message(api.user(user_id, "هشام"), f"للنشر: {url}", chat=desk)
    return api.wait_for("sendPhoto", since=mark, chat_id=DESK_ID, timeout=60)[0]


def press(api: BotAPIServer, user_id: int, message: Call, label: str) -> str:
    return api.press_button(api.user(user_id, "محرر"), message.result, text=label)


def current(api: BotAPIServer, message: Call) -> dict[str, Any]:
    """The draft's message as it is now, edits included."""
    return api.messages[(DESK_ID, message.result["message_id"])]


def labels(message: dict[str, Any]) -> list[str]:
    markup = message.get("reply_markup") or {}
    return [b["text"] for row in markup.get("inline_keyboard", []) for b in row]


def answer_of(api: BotAPIServer, query_id: str, timeout: float = 20.0) -> Any:
    api.wait_for(
        "answerCallbackQuery",
        where=lambda c: c.params.get("callback_query_id") == query_id,
        timeout=timeout,
    )
    return api.callback_answer(query_id)


def test_a_link_in_the_group_becomes_one_draft_message_with_its_buttons(
    newsroom_bot: RunningBot, api: BotAPIServer, desk: dict[str, Any], article_url: str
) -> None:
    draft = submit(api, desk, article_url)
    caption = draft.result["caption"]
    assert "مسودة #1" in caption and "بانتظار المراجعة" in caption
    assert "افتتاح أول محطة لتحلية مياه البحر" in caption  # the channel post, as it will be
    assert "إكس" in caption and "الوجهات" in caption
    assert len(caption) <= 1024
    with Image.open(io.BytesIO(draft.files["photo"].data)) as card:
        assert card.size == (1200, 630)
    assert labels(draft.result) == [
        "✅ نشر الآن",
        "🕒 جدولة",
        "✏️ تعديل",
        "🔁 صياغة أخرى",
        "❌ رفض",
        "قناة تيليغرام ✓",
        "إكس ✓",
    ]
    assert all(len(b["callback_data"].encode()) <= 64 for b in buttons(draft))
    # Nothing was posted yet.
    assert api.posts("@akhbar_sahel") == []


def test_approval_publishes_once_to_the_channel_and_x_and_reports(
    newsroom_bot: RunningBot,
    api: BotAPIServer,
    xapi: XAPIServer,
    desk: dict[str, Any],
    article_url: str,
) -> None:
    draft = submit(api, desk, article_url)
    mark = api.mark()
    # Someone in the group who is not an editor presses first: refused, nothing changes.
    refused = answer_of(api, press(api, JOURNALIST, draft, "✅ نشر الآن"))
    assert refused.show_alert and refused.text == "غير مصرح لك"
    query = press(api, EDITOR, draft, "✅ نشر الآن")
    answer = answer_of(api, query)
    assert not answer.show_alert and "جارٍ النشر" in answer.text
    post = api.wait_for("sendPhoto", since=mark, chat_id=CHANNEL_ID, timeout=30)[0]
    xapi.wait_for_posts(1)
    report = api.wait_for(
        "sendMessage",
        since=mark,
        chat_id=DESK_ID,
        where=lambda c: "نُشرت" in c.params["text"],
        timeout=30,
    )[0]
    assert post.params["caption"].startswith("<b>افتتاح أول محطة")
    assert all("url" in b for b in buttons(post))
    assert len(api.posts("@akhbar_sahel")) == 1 and len(xapi.posts) == 1
    assert [c.path for c in xapi.calls if c.method == "POST"] == ["/2/media/upload", "/2/tweets"]
    assert "#1" in report.params["text"]
    # The draft's message now says it was published, by whom, with no buttons left.
    shown = current(api, draft)
    assert "نُشرت" in shown["caption"] and "وافق عليها" in shown["caption"]
    assert labels(shown) == []
    # Pressing the old button again does nothing.
    late = answer_of(
        api,
        api.press_button(
            api.user(OTHER_EDITOR), draft.result, data=buttons(draft)[0]["callback_data"]
        ),
    )
    assert late.show_alert
    assert len(api.posts("@akhbar_sahel")) == 1 and len(xapi.posts) == 1


def test_two_editors_pressing_at_once_publish_once(
    newsroom_bot: RunningBot,
    api: BotAPIServer,
    xapi: XAPIServer,
    desk: dict[str, Any],
    article_url: str,
) -> None:
    draft = submit(api, desk, article_url)
    mark = api.mark()
    with api.at_once():
        first = press(api, EDITOR, draft, "✅ نشر الآن")
        second = press(api, OTHER_EDITOR, draft, "✅ نشر الآن")
    answers = [answer_of(api, first), answer_of(api, second)]
    assert sorted(a.show_alert for a in answers) == [False, True]
    api.wait_for("sendPhoto", since=mark, chat_id=CHANNEL_ID, timeout=30)
    xapi.wait_for_posts(1)
    api.wait_for(
        "sendMessage",
        since=mark,
        chat_id=DESK_ID,
        where=lambda c: "نُشرت" in c.params["text"],
        timeout=30,
    )
    assert len(api.posts("@akhbar_sahel")) == 1 and len(xapi.posts) == 1


def test_editing_x_text_too_long_is_refused_then_a_valid_one_updates_the_preview(
    newsroom_bot: RunningBot, api: BotAPIServer, desk: dict[str, Any], article_url: str
) -> None:
    draft = submit(api, desk, article_url)
    editor = api.user(EDITOR, "سلمى")
    mark = api.mark()
    press(api, EDITOR, draft, "✏️ تعديل")
    api.wait_for("editMessageReplyMarkup", since=mark, chat_id=DESK_ID)
    assert labels(current(api, draft)) == ["نص القناة", "نص إكس", "عنوان البطاقة", "↩️ رجوع"]
    press(api, EDITOR, draft, "نص إكس")
    prompt = api.wait_for(
        "sendMessage",
        since=mark,
        chat_id=DESK_ID,
        where=lambda c: "force_reply" in c.params.get("reply_markup", {}),
        timeout=20,
    )[0]
    assert "280" in prompt.params["text"]

    too_long = "خبر " * 80
    mark = api.mark()
    api.send_message(editor, too_long, chat=desk, reply_to=prompt.result)
    refusal = api.wait_for("sendMessage", since=mark, chat_id=DESK_ID)[0]
    assert f"{X.measure(too_long.strip())} من 280" in refusal.params["text"]
    assert "خبر خبر" not in current(api, draft)["caption"]

    new_text = "محطة لتحلية مياه البحر بالطاقة الشمسية تدخل الخدمة في أكادير"
    mark = api.mark()
    api.send_message(editor, new_text, chat=desk, reply_to=prompt.result)
    api.wait_for("editMessageCaption", since=mark, chat_id=DESK_ID)
    assert new_text in current(api, draft)["caption"]


def test_an_old_button_is_refused_after_an_edit(
    newsroom_bot: RunningBot,
    api: BotAPIServer,
    xapi: XAPIServer,
    desk: dict[str, Any],
    article_url: str,
) -> None:
    draft = submit(api, desk, article_url)
    old_publish = buttons(draft)[0]["callback_data"]
    mark = api.mark()
    press(api, EDITOR, draft, "إكس ✓")  # a new version: X off
    api.wait_for("editMessageCaption", since=mark, chat_id=DESK_ID)
    assert "إكس ✗" in labels(current(api, draft))
    stale = answer_of(api, api.press_button(api.user(EDITOR), draft.result, data=old_publish))
    assert stale.show_alert and "انتهت صلاحية" in stale.text
    assert api.posts("@akhbar_sahel") == [] and xapi.posts == []


def test_another_wording_changes_the_card_and_text(
    newsroom_bot: RunningBot, api: BotAPIServer, desk: dict[str, Any], article_url: str
) -> None:
    draft = submit(api, desk, article_url)
    before = draft.result["caption"]
    mark = api.mark()
    answer = answer_of(api, press(api, EDITOR, draft, "🔁 صياغة أخرى"))
    assert "صياغة أخرى" in answer.text
    edit = api.wait_for("editMessageMedia", since=mark, chat_id=DESK_ID, timeout=30)[0]
    after = current(api, draft)["caption"]
    assert after != before
    assert edit.files  # a new card was uploaded


def test_reject_with_a_reason(
    newsroom_bot: RunningBot, api: BotAPIServer, desk: dict[str, Any], article_url: str
) -> None:
    draft = submit(api, desk, article_url)
    mark = api.mark()
    press(api, EDITOR, draft, "❌ رفض")
    api.wait_for("editMessageReplyMarkup", since=mark, chat_id=DESK_ID)
    press(api, EDITOR, draft, "✍️ رفض مع ذكر السبب")
    prompt = api.wait_for(
        "sendMessage",
        since=mark,
        chat_id=DESK_ID,
        where=lambda c: "force_reply" in c.params.get("reply_markup", {}),
    )[0]
    mark = api.mark()
    api.send_message(api.user(EDITOR, "سلمى"), "الخبر نُشر أمس", chat=desk, reply_to=prompt.result)
    api.wait_for("editMessageCaption", since=mark, chat_id=DESK_ID)
    shown = current(api, draft)
    assert "مرفوضة" in shown["caption"] and "الخبر نُشر أمس" in shown["caption"]
    assert "رفضها" in shown["caption"] and labels(shown) == []


def test_schedule_from_the_buttons_shows_local_time(
    newsroom_bot: RunningBot, api: BotAPIServer, desk: dict[str, Any], article_url: str
) -> None:
    draft = submit(api, desk, article_url)
    mark = api.mark()
    press(api, EDITOR, draft, "🕒 جدولة")
    api.wait_for("editMessageReplyMarkup", since=mark, chat_id=DESK_ID)
    slots = labels(current(api, draft))
    assert len(slots) == 4 and slots[-1] == "↩️ رجوع"
    assert slots[2].startswith("🕒 غداً 08:00")
    mark = api.mark()
    press(api, EDITOR, draft, slots[2])
    api.wait_for("editMessageCaption", since=mark, chat_id=DESK_ID)
    shown = current(api, draft)
    assert "مجدولة: غداً 08:00 (Africa/Casablanca)" in shown["caption"]
    assert "↩️ إلغاء الجدولة" in labels(shown)


def test_commands_list_drafts_and_history(
    newsroom_bot: RunningBot, api: BotAPIServer, desk: dict[str, Any], article_url: str
) -> None:
    submit(api, desk, article_url)
    editor = api.user(EDITOR, "سلمى")
    mark = api.mark()
    api.send_message(editor, "/drafts", chat=desk)
    listing = api.wait_for("sendMessage", since=mark, chat_id=DESK_ID)[0]
    assert "#1" in listing.params["text"] and "t.me/c/9876543210/" in listing.params["text"]
    mark = api.mark()
    api.send_message(editor, "/draft 1", chat=desk)
    history = api.wait_for("sendMessage", since=mark, chat_id=DESK_ID)[0]
    assert "أرسلها للتحرير" in history.params["text"]
    mark = api.mark()
    api.send_message(
        api.user(STRANGER, "زائر"), "/drafts", chat=api.private_chat(api.user(STRANGER))
    )
    refused = api.wait_for("sendMessage", since=mark, chat_id=STRANGER)[0]
    assert "للمحررين" in refused.params["text"]


def test_an_admin_adds_an_editor_by_reply(
    newsroom_bot: RunningBot, api: BotAPIServer, desk: dict[str, Any], article_url: str
) -> None:
    draft = submit(api, desk, article_url)
    journalist = api.user(JOURNALIST, "هشام", username="hicham")
    said = api.send_message(journalist, "/drafts", chat=desk)
    mark = api.mark()
    api.send_message(api.user(ADMIN, "المدير"), "/editors add", chat=desk, reply_to=said)
    added = api.wait_for(
        "sendMessage", since=mark, chat_id=DESK_ID, where=lambda c: "محرراً" in c.params["text"]
    )[0]
    assert "@hicham" in added.params["text"]
    # The journalist may now decide.
    answer = answer_of(api, press(api, JOURNALIST, draft, "إكس ✓"))
    assert not answer.show_alert


def test_an_editor_sends_a_shared_article_to_the_desk_from_private(
    newsroom_bot: RunningBot, api: BotAPIServer, desk: dict[str, Any], article_url: str
) -> None:
    editor = api.user(EDITOR, "سلمى")
    mark = api.mark()
    api.send_message(editor, article_url)
    reply = api.wait_for("sendPhoto", since=mark, chat_id=EDITOR, timeout=60)[0]
    assert labels(reply.result)[-1] == "📨 أرسلها للتحرير"
    mark = api.mark()
    answer = answer_of(api, api.press_button(editor, reply.result, text="📨 أرسلها للتحرير"))
    assert not answer.show_alert
    draft = api.wait_for("sendPhoto", since=mark, chat_id=DESK_ID, timeout=60)[0]
    assert "مسودة #1" in draft.result["caption"]
    told = api.wait_for("sendMessage", since=mark, chat_id=EDITOR)[0]
    assert "#1" in told.params["text"]
    # A reader who is not an editor gets the share reply without it.
    mark = api.mark()
    api.send_message(api.user(STRANGER, "قارئ"), article_url)
    other = api.wait_for("sendPhoto", since=mark, chat_id=STRANGER, timeout=60)[0]
    assert "📨 أرسلها للتحرير" not in labels(other.result)


def test_an_admin_follows_a_feed_and_its_new_item_reaches_the_desk(
    newsroom_bot: RunningBot,
    api: BotAPIServer,
    desk: dict[str, Any],
    page_server: PageServer,
    sample_html: str,
) -> None:
    article = page_server.add("/economie/agadir.html", body=sample_html.encode())
    now = dt.datetime.now(dt.UTC)
    feed_url = page_server.add(
        "/rss.xml",
        body=rss([entry(0, article, now - dt.timedelta(minutes=20), title="محطة تحلية جديدة")]),
        content_type="application/rss+xml",
    )
    admin = api.user(ADMIN, "المدير")
    mark = api.mark()
    api.send_message(admin, f"/feeds test {feed_url}", chat=desk)
    tested = api.wait_for("sendMessage", since=mark, chat_id=DESK_ID, timeout=30)[0]
    assert "محطة تحلية جديدة" in tested.params["text"] and "عرض فقط" in tested.params["text"]
    assert api.find("sendPhoto", since=mark, chat_id=DESK_ID) == []  # nothing taken

    mark = api.mark()
    api.send_message(admin, f"/feeds add {feed_url} review الساحل", chat=desk)
    added = api.wait_for("sendMessage", since=mark, chat_id=DESK_ID)[0]
    assert "أُضيفت الخلاصة #1" in added.params["text"]
    draft = api.wait_for("sendPhoto", since=mark, chat_id=DESK_ID, timeout=60)[0]
    assert "مسودة #1" in draft.result["caption"]

    mark = api.mark()
    api.send_message(api.user(EDITOR, "سلمى"), "/feeds", chat=desk)
    refused = api.wait_for("sendMessage", since=mark, chat_id=DESK_ID)[0]
    assert "للمشرفين" in refused.params["text"]
    mark = api.mark()
    api.send_message(admin, "/slots set mon-sun 09:00 18:00", chat=desk)
    slots = api.wait_for("sendMessage", since=mark, chat_id=DESK_ID)[0]
    assert "09:00 18:00" in slots.params["text"]
