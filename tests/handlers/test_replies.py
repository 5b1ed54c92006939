"""Captions, follow-ups and splitting, measured the way Telegram measures."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from bot.models import Article, Draft, Platform, ShareResult
from bot.platforms.counting import telegram_html_length, utf16_units
from db.shares import SavedShare
from devtools.botapi import parse_html
from handlers.replies import caption_and_follow_up, draft_messages, split_text
from handlers.services import BotServices
from handlers.texts import Texts


def services() -> BotServices:
    # Only `texts` is read by these helpers; the other services are not reached.
    return BotServices(settings=None, desk=None, limiter=None, texts=Texts())  # type: ignore[arg-type]


def saved_with(telegram_text: str, *, title: str = "عنوان الخبر") -> SavedShare:
    article = Article(title=title, text="نص", url="https://a.ma/x")
    drafts = (
        Draft(Platform.TELEGRAM, telegram_text, telegram_html_length(telegram_text), 1024),
        Draft(Platform.FACEBOOK, "سطر <1> & سطر", 12, 63206),
    )
    return SavedShare("id", ShareResult(article, "x", drafts, ()), dt.datetime.now(dt.UTC))


def test_a_fitting_draft_is_the_caption() -> None:
    text = "<b>عاجل</b>\n" + "ب" * 1000
    caption, rest = caption_and_follow_up(saved_with(text), services())
    assert caption == text and rest == []


def test_a_long_draft_moves_to_follow_up_messages() -> None:
    text = "<b>عاجل</b>\n" + "كلمة " * 400  # over 1024 units
    caption, rest = caption_and_follow_up(saved_with(text, title="عنوان <طويل>"), services())
    assert parse_html(caption)[0] == "عنوان <طويل>"
    assert len(rest) == 1 and parse_html(rest[0])[0] == parse_html(text)[0]


def test_plain_drafts_are_escaped_and_html_drafts_kept() -> None:
    saved = saved_with("<i>مائل</i>")
    facebook = saved.result.draft(Platform.FACEBOOK)
    assert draft_messages(facebook, services()) == ["سطر &lt;1&gt; &amp; سطر"]
    assert draft_messages(saved.result.draft(Platform.TELEGRAM), services()) == ["<i>مائل</i>"]


def test_split_prefers_paragraphs_then_lines_then_words() -> None:
    text = "أ" * 30 + "\n\n" + "ب" * 30 + "\n" + "ج " * 20
    assert split_text(text, 40) == ["أ" * 30, "ب" * 30, ("ج " * 20).strip()]
    assert split_text("د" * 50, 20) == ["د" * 20, "د" * 20, "د" * 10]


@given(st.text(alphabet="ab ع\n😀", max_size=300), st.integers(min_value=2, max_value=60))
def test_split_pieces_fit_and_keep_every_word(text: str, limit: int) -> None:
    pieces = split_text(text, limit)
    assert all(0 < utf16_units(piece) <= limit for piece in pieces)
    assert "".join("".join(p.split()) for p in pieces) == "".join(text.split())
