"""Finding the link in a message, as Telegram marks it."""

from __future__ import annotations

import datetime as dt

from telegram import Chat, Message, MessageEntity, User

from devtools.botapi import detect_entities
from handlers.links import first_url, links_in_message, mentions_bot, with_scheme


def message(text: str, *, caption: bool = False, extra: list[MessageEntity] = ()) -> Message:  # type: ignore[assignment]
    entities = [MessageEntity(**e) for e in detect_entities(text)] + list(extra)
    fields = (
        {"caption": text, "caption_entities": entities}
        if caption
        else {"text": text, "entities": entities}
    )
    return Message(
        1,
        dt.datetime.now(dt.UTC),
        Chat(5, "private"),
        from_user=User(5, "قارئ", False),
        **fields,
    )


def test_visible_and_hidden_links_in_reading_order() -> None:
    text = "اقرأ المزيد هنا ثم https://akhbar-sahel.ma/b"
    hidden = MessageEntity(MessageEntity.TEXT_LINK, 12, 3, url="https://akhbar-sahel.ma/a")
    assert links_in_message(message(text, extra=[hidden])) == [
        "https://akhbar-sahel.ma/a",
        "https://akhbar-sahel.ma/b",
    ]


def test_caption_links_and_bare_www() -> None:
    assert links_in_message(message("صورة www.akhbar-sahel.ma/c", caption=True)) == [
        "https://www.akhbar-sahel.ma/c"
    ]
    assert links_in_message(message("لا رابط هنا")) == []


def test_first_url_in_free_text() -> None:
    assert first_url("شاهد: https://a.ma/x?y=1، رائع") == "https://a.ma/x?y=1"
    assert first_url("نص فقط") is None
    assert with_scheme("http://a.ma") == "http://a.ma"


def test_mention_of_this_bot_only() -> None:
    assert mentions_bot(message("@Nashir_Test_Bot https://a.ma/x"), "nashir_test_bot")
    assert not mentions_bot(message("@other_bot https://a.ma/x"), "nashir_test_bot")
    assert not mentions_bot(message("https://a.ma/x"), None)


def bare(text: str) -> Message:
    """A message as some clients and bridges send it: no entities at all."""
    return Message(
        2,
        dt.datetime.now(dt.UTC),
        Chat(-7, "supergroup"),
        from_user=User(5, "x", False),
        text=text,
    )


def test_links_without_url_entities_are_found_by_pattern() -> None:
    text = "خبر مهم: https://akhbar-sahel.ma/a.html، ثم www.akhbar-sahel.ma/b"
    assert links_in_message(bare(text)) == [
        "https://akhbar-sahel.ma/a.html",
        "https://www.akhbar-sahel.ma/b",
    ]
    # Marked links come first, and the same address is not listed twice.
    marked = message("https://akhbar-sahel.ma/a.html")
    assert links_in_message(marked) == ["https://akhbar-sahel.ma/a.html"]


def test_a_mention_without_entities_is_read_from_the_text() -> None:
    assert mentions_bot(bare("@nashir_test_bot https://a.ma/x"), "nashir_test_bot")
    assert not mentions_bot(bare("me@nashir_test_bot.ma https://a.ma/x"), "nashir_test_bot")
    assert not mentions_bot(bare("@nashir_test_bots"), "nashir_test_bot")
