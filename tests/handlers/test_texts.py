"""Chat messages come from templates, escaped; labels are plain."""

from __future__ import annotations

from bidi import get_display
from markupsafe import Markup

from devtools.botapi import parse_html
from handlers.texts import Texts


def test_user_controlled_values_are_escaped() -> None:
    texts = Texts()
    html = texts.html(
        "error", message_ar="<b>x</b> & y", message_en="unused", next_step="", next_step_en=""
    )
    assert "&lt;b&gt;x&lt;/b&gt; &amp; y" in html
    visible, _ = parse_html(html)
    assert "<b>x</b> & y" in visible


def test_every_message_template_is_valid_telegram_html() -> None:
    for english in (False, True):
        texts = Texts(english=english)
        for name, context in {
            "start": {"site_name": "أخبار", "bot_username": "nashir_bot"},
            "help": {"bot_username": "nashir_bot", "rate_limit": 5},
            "preparing": {},
            "error": {
                "message_ar": "خطأ",
                "message_en": "Error",
                "next_step": "أرسل نص المقال",
                "next_step_en": "Send the text",
            },
            "rate_limited": {"limit": 5, "seconds": 30},
            "no_link": {},
            "share_usage": {},
            "long_caption": {"title": "عنوان"},
            "platform_text": {"text": "نص"},
            "card_caption": {"label": "بطاقة", "width": 1, "height": 2, "title": "ع"},
            "inline_pending": {"url": "https://a.ma/?x=1&y=2"},
        }.items():
            visible, _ = parse_html(texts.html(name, **context))
            assert visible, name
            if english and name == "error":
                assert "Error" in visible


def test_english_is_added_only_when_asked() -> None:
    assert "Preparing" not in Texts().html("preparing")
    assert "Preparing" in Texts(english=True).html("preparing")


def test_arabic_number_agreement() -> None:
    texts = Texts()
    assert "5 مقالات" in texts.html("rate_limited", limit=5, seconds=1)
    assert "ثانية واحدة" in texts.html("rate_limited", limit=5, seconds=1)
    assert "20 مقالاً" in texts.html("rate_limited", limit=20, seconds=40)
    assert "40 ثانية" in texts.html("rate_limited", limit=20, seconds=40)
    assert "مقالين" in texts.html("help", bot_username="b", rate_limit=2)


def test_trusted_markup_is_kept_and_labels_are_plain() -> None:
    texts = Texts()
    assert texts.html("platform_text", text=texts.trusted("<b>عاجل</b>")) == "<b>عاجل</b>"
    label = texts.label("text_button", "A&B")
    assert label == "📋 A&B" and not isinstance(label, Markup)
    assert texts.label("card_button", "square") == "🖼️ مربعة"


def test_counted_nouns_agree_with_the_number() -> None:
    texts = Texts()
    length = texts.label
    assert length("length", 240, 280, "weighted") == "240 من 280 حرفاً محسوباً"
    assert length("length", 900, 3000, "characters") == "900 من 3000 حرف"
    assert length("length", 859, 63206, "characters") == "859 من 63206 أحرف"
    assert length("length", 700, 1024, "utf16") == "700 من 1024 حرفاً"
    assert length("length", 482, 500, "bytes") == "482 من 500 بايت، والحرف العربي بايتان"


def test_labels_read_as_arabic_is_written() -> None:
    texts = Texts()
    assert texts.label("inline_title", "لينكدإن") == "نص جاهز للينكدإن"
    assert texts.label("inline_title", "إكس") == "نص جاهز لإكس"
    assert texts.label("for_name", "القصص") == "للقصص"
    assert texts.label("card_toast") == "جارٍ إرسال البطاقة…"
    assert "جارٍ التحضير…" in Texts().html("preparing")
    assert texts.label("text_toast", "إكس", 240, 280, "weighted") == (
        "نص إكس: 240 من 280 حرفاً محسوباً. انسخه من الرسالة التالية."
    )
    every_toast = [
        texts.label(name, "لينكدإن", 99999, 99999, "bytes")
        for name in ("text_toast", "paste_toast", "text_private_toast")
    ]
    assert all(len(toast) <= 200 for toast in every_toast)  # Telegram's pop-up limit


def test_a_card_size_reads_width_first_in_a_right_to_left_caption() -> None:
    caption = Texts().html(
        "card_caption", label="بطاقة طولية", width=1080, height=1350, title="عنوان"
    )
    # Without marks the bidi algorithm shows «1350×1080»: the size is pinned left-to-right.
    assert get_display(caption.splitlines()[0], base_dir="R").startswith("\u200e1080×1350")
