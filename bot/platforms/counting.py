"""Length-counting functions, one per platform rule (see PLATFORMS.md).

Each function takes the text exactly as it would be posted and returns the number the
platform compares with its limit.
"""

from __future__ import annotations

import html
import re
import unicodedata
import warnings

import regex

with warnings.catch_warnings():
    # twitter-text-parser imports pkg_resources, which warns on every start; the package is
    # the port of the official library and matched npm twitter-text on Arabic, emoji and RLM.
    warnings.simplefilter("ignore")
    from twitter_text import parse_tweet

_URL = re.compile(r"https?://\S+", re.IGNORECASE)
_TAG = re.compile(r"<[^>]+>")
_GRAPHEME = regex.compile(r"\X")
MASTODON_URL_WEIGHT = 23


def x_weighted_length(text: str) -> int:
    """twitter-text v3 weighted length: NFC, ranges of weight 1, others 2, URLs 23."""
    return parse_tweet(text).weightedLength


def utf16_units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def telegram_html_length(text: str) -> int:
    """UTF-16 code units after Telegram parses HTML entities: tags do not count."""
    return utf16_units(html.unescape(_TAG.sub("", text)))


def characters(text: str) -> int:
    return len(text)


def graphemes(text: str) -> int:
    return len(_GRAPHEME.findall(text))


def utf8_bytes(text: str) -> int:
    return len(text.encode("utf-8"))


def mastodon_length(text: str) -> int:
    """Characters, with every http(s) URL counted as 23 whatever its length."""
    total = 0
    last = 0
    for match in _URL.finditer(text):
        total += len(text[last : match.start()]) + MASTODON_URL_WEIGHT
        last = match.end()
    return total + len(text[last:])


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)
