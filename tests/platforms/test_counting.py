"""Counting functions against known cases from PLATFORMS.md and twitter-text v3."""

from __future__ import annotations

import warnings

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.platforms import counting

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # pkg_resources deprecation, from twitter-text-parser
    from twitter_text import parse_tweet  # the reference implementation

HARAKA_WORD = "مُؤْتَمَرٌ"  # 10 code points, 5 graphemes
FAMILY = "👨\u200d👩\u200d👧\u200d👦"  # ZWJ sequence: one emoji
FLAG = "🇲🇦"
RLM = "\u200f"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("مرحبا", 5),  # Arabic letters weigh 1
        (HARAKA_WORD, 10),  # harakat weigh 1 each
        ("ﻻ", 2),  # presentation form (U+FEFB) weighs 2
        ("ﷲ", 2),  # U+FDF2 ligature, presentation forms A
        (RLM, 2),  # bidi marks weigh 2
        ("\u202b", 2),
        ("\u2067", 2),
        (FAMILY, 2),  # a ZWJ sequence is one emoji
        (FLAG, 2),
        ("😀", 2),
        ("abc", 3),
        ("https://akhbar-sahel.ma/economie/2026/03/a-very-long-path-name.html", 23),
        ("خبر https://akhbar-sahel.ma/x?utm_source=x عاجل", 3 + 1 + 23 + 1 + 4),
        ("\u0627\u0653", 1),  # NFC composes alef + maddah into one code point (آ)
        ("٢٠٢٦", 4),  # Arabic-Indic digits weigh 1
        ("中文", 4),  # CJK weighs 2
    ],
)
def test_x_weighted_length(text: str, expected: int) -> None:
    assert counting.x_weighted_length(text) == expected


def test_x_counts_any_url_as_23_whatever_its_length() -> None:
    short = counting.x_weighted_length("https://t.co/a")
    long = counting.x_weighted_length("https://akhbar-sahel.ma/" + "a" * 200)
    assert short == long == 23


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("مرحبا", 5),
        ("😀", 2),  # astral emoji: a surrogate pair
        ("<b>عنوان</b>", 5),  # tags do not count
        ("a &amp; b", 5),  # entities count as the character they stand for
        ("<a href='https://x.example'>رابط</a>", 4),
        (FAMILY, 11),
    ],
)
def test_telegram_counts_utf16_after_entity_parsing(text: str, expected: int) -> None:
    assert counting.telegram_html_length(text) == expected


def test_bluesky_counts_graphemes() -> None:
    assert counting.graphemes(HARAKA_WORD) == 5
    assert counting.graphemes(FAMILY * 3 + "🏳️‍🌈") == 4
    assert counting.graphemes("abc") == 3


def test_threads_counts_utf8_bytes() -> None:
    assert counting.utf8_bytes("مرحبا") == 10
    assert counting.utf8_bytes("a😀") == 5


def test_mastodon_counts_urls_as_23() -> None:
    url = "https://akhbar-sahel.ma/" + "x" * 100
    assert counting.mastodon_length(f"خبر {url}") == 4 + 23
    assert counting.mastodon_length("بدون رابط") == 9


_PIECES = st.sampled_from(
    [
        "مرحبا",
        "مُؤْتَمَرٌ",
        "ﻻ",
        "\u200f",
        "\u202b",
        "😀",
        "👍🏽",
        "👨\u200d👩\u200d👧\u200d👦",
        "🇲🇦",
        "🏴\U000e0067\U000e0062\U000e0065\U000e006e\U000e0067\U000e007f",
        "1️⃣",
        "#️⃣",
        "#⃣",
        "*",
        "©",
        "©️",
        "™",
        "❤",
        "❤️",
        "☺",
        "中文",
        "abc",
        "2025",
        "1.5",
        " ",
        "\n",
        "\r\n",
        "،",
        "#وسم",
        "@user",
        "https://akhbar-sahel.ma/x?utm_source=x&a=1",
        "www.example.com/path",
        "akhbar.example/x",
        "t.co",
        "a.ma",
        "\u0627\u0653",
        "ـ",
        ".",
        "(",
        ")",
        "@",
        "«",
        "»",
        "-",
        "$",
        "a.com",
        "https://t.co/x",
        "example.org/p?q=1",
    ]
)


@settings(max_examples=1500, deadline=None)
@given(st.lists(_PIECES, max_size=30).map("".join))
def test_x_weighted_length_equals_twitter_text_parse_tweet(text: str) -> None:
    assert counting.x_weighted_length(text) == parse_tweet(text).weightedLength
