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
    from twitter_text.extract_urls import extract_urls_with_indices
    from twitter_text.regexp.emoji import emoji as _EMOJI

_URL = re.compile(r"https?://\S+", re.IGNORECASE)
_TAG = re.compile(r"<[^>]+>")
_GRAPHEME = regex.compile(r"\X")
MASTODON_URL_WEIGHT = 23


X_URL_WEIGHT = 23
X_EMOJI_WEIGHT = 2
# twitter-text v3: code points in 0–4351, 8192–8205, 8208–8223 and 8242–8247 weigh 1; every
# other code point weighs 2, so a stretch weighs its length plus its count of heavy points.
_X_HEAVY = re.compile(r"[^\u0000-\u10FF\u2000-\u200D\u2010-\u201F\u2032-\u2037]")
_LINE_ENDS = re.compile(r"\r\n|\r")
_DOTTED_TOKEN = re.compile(r"\S*\.\S*")
# Characters that never belong to an emoji sequence. twitter-text's emoji pattern is a very
# long alternation, so it is only run on the stretches between these (it costs ~3 ms on a
# whole post otherwise, and composition measures a post many times).
_EMOJI_CANDIDATES = re.compile(r"[^\sA-Za-z\u0600-\u06FF!-\"$-)+-/:-@\[-`{-~]+")


def _x_plain_weight(text: str) -> int:
    return len(text) + len(_X_HEAVY.findall(text))


def x_weighted_length(text: str) -> int:
    """twitter-text v3 weighted length, as its ``parse_tweet`` computes it.

    NFC and CRLF → LF first; each URL counts 23 and each emoji sequence 2; every other code
    point weighs 1 inside the light ranges and 2 outside. Equal to twitter-text-parser's
    ``parse_tweet(text).weightedLength`` (checked by a property test) at a fraction of the cost.
    """
    text = _LINE_ENDS.sub("\n", unicodedata.normalize("NFC", text))
    entities: dict[int, tuple[int, int]] = {}
    for run in _EMOJI_CANDIDATES.finditer(text):
        if run.group().isascii():
            continue  # every emoji sequence has a non-ASCII code point (keycaps: U+20E3)
        for match in _EMOJI.finditer(text, run.start(), run.end()):
            entities[match.start()] = (match.end(), X_EMOJI_WEIGHT)
    # A URL needs a dot and has no space: only such tokens go through the (slow) extractor,
    # each with the space before it, the only context its pattern looks at.
    for token in _DOTTED_TOKEN.finditer(text):
        begin = max(token.start() - 1, 0)
        for url in extract_urls_with_indices(text[begin : token.end()]):
            start, end = url["indices"]
            # A URL wins over an emoji at the same place.
            entities[begin + start] = (begin + end, X_URL_WEIGHT)
    total = 0
    position = 0
    for start in sorted(entities):
        if start < position:
            continue  # inside a URL already counted
        end, weight = entities[start]
        total += _x_plain_weight(text[position:start]) + weight
        position = end
    return total + _x_plain_weight(text[position:])


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
