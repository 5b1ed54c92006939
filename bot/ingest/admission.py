"""What the pipeline accepts as an article, and how much of it it works on.

Every way in (a link, a file, pasted text) ends in :func:`admit` before any summary or card is
made, so the rules hold in one place:

- invisible control characters are removed from every field (:mod:`bot.text.controls`);
- the work per article is bounded: extraction sees at most :data:`MAX_HTML_CHARS` of markup
  (:func:`bounded_html`) and the summarizer at most :data:`MAX_BODY_CHARS` of body, cut at a
  paragraph boundary. A 5 MB page of table rows otherwise cost 12 s and half a gigabyte;
- text that is not prose (a configuration file, code, a list of records) is refused;
- an article that is not in Arabic is refused: Nashir writes Arabic posts, and Arabic rules
  (hashtags, sentence splitting, card shaping) applied to another language give nonsense.
"""

from __future__ import annotations

import re
from dataclasses import replace

import regex

from bot.errors import NotArabicError, NotProseError
from bot.models import Article
from bot.text.arabic import detect_language
from bot.text.controls import remove_controls

# News pages are 50–600 KB of markup, most of it scripts and styles; past this (scripts and
# styles removed first), the rest is not article. Extraction costs ~2 µs per character.
MAX_HTML_CHARS = 600_000
# About 6,000 words: longer than any news article; the summary comes from the start anyway.
MAX_BODY_CHARS = 40_000
# Prose: at least this share of its tokens are words (numbers aside).
MIN_WORD_SHARE = 0.7
# Language is judged on the title and this much of the body.
LANGUAGE_SAMPLE_CHARS = 3000

_HEAVY_BLOCKS = re.compile(
    r"<(script|style|svg|noscript|template)\b.*?</\1\s*>|<!--.*?-->", re.I | re.S
)
# Punctuation that sits against words in ordinary sentences (Arabic and Latin).
_EDGE_PUNCTUATION = ".,،؛;:!?؟\"'«»“”‘’()[]{}-–—…*"
_WORD_TOKEN = regex.compile(r"[\p{L}\p{M}]+(?:['’\-ـ][\p{L}\p{M}]+)*")
_NUMBER_TOKEN = regex.compile(r"[+-]?[\p{N}][\p{N}.,٫٬/:%٪\-]*")


def bounded_html(html: str) -> str:
    """The part of ``html`` extraction may look at.

    Scripts, styles, inline SVG and comments are dropped first when the page is over the
    bound (they are most of a heavy page and never article text); what still exceeds it is
    cut. lxml parses a cut document without complaint.
    """
    if len(html) <= MAX_HTML_CHARS:
        return html
    lighter = _HEAVY_BLOCKS.sub(" ", html)
    return lighter[:MAX_HTML_CHARS]


def bounded_body(text: str) -> str:
    """At most :data:`MAX_BODY_CHARS` of ``text``, ending at a paragraph (or word) boundary."""
    if len(text) <= MAX_BODY_CHARS:
        return text
    cut = text[:MAX_BODY_CHARS]
    boundary = cut.rfind("\n\n")
    if boundary < MAX_BODY_CHARS // 2:
        boundary = cut.rfind(" ")
    return cut[: boundary if boundary > 0 else MAX_BODY_CHARS].rstrip()


def word_share(text: str) -> float:
    """Share of whitespace tokens that are words once edge punctuation is set aside.

    Numbers count for neither side. ``root:x:0:0:/root:/bin/bash``, ``key=value`` or
    ``{"a": 1}`` are not words; «وقال:» and «(2024)» are.
    """
    worded = other = 0
    for token in text.split():
        core = token.strip(_EDGE_PUNCTUATION)
        if not core or _NUMBER_TOKEN.fullmatch(core):
            continue
        if _WORD_TOKEN.fullmatch(core):
            worded += 1
        else:
            other += 1
    total = worded + other
    return worded / total if total else 0.0


def check_prose(text: str) -> None:
    """Raise :class:`NotProseError` when ``text`` reads like code, configuration or records."""
    share = word_share(text)
    if share < MIN_WORD_SHARE:
        raise NotProseError(f"{share:.0%} of the tokens are words")


def check_arabic(article: Article) -> None:
    """Raise :class:`NotArabicError` unless Arabic script dominates the article."""
    language = detect_language(f"{article.title}\n{article.text[:LANGUAGE_SAMPLE_CHARS]}")
    if language != "ar":
        raise NotArabicError(f"language: {language}")


def admit(article: Article) -> Article:
    """``article`` cleaned and bounded, or an error saying why it cannot be shared.

    Raises:
        NotProseError: the body is not prose.
        NotArabicError: the article is not in Arabic.
    """
    cleaned = replace(
        article,
        title=" ".join(remove_controls(article.title).split()),
        text=bounded_body(remove_controls(article.text)),
        author=_clean_optional(article.author),
        site_name=_clean_optional(article.site_name),
        section=_clean_optional(article.section),
    )
    # Scripts written without spaces between words (Chinese, Japanese …) cannot be judged
    # as prose by tokens: for them the language is the reason.
    if detect_language(cleaned.text[:LANGUAGE_SAMPLE_CHARS]) != "other":
        check_prose(f"{cleaned.title}\n{cleaned.text}")
    check_arabic(cleaned)
    return replace(cleaned, language="ar")


def _clean_optional(value: str | None) -> str | None:
    if value is None:
        return None
    return " ".join(remove_controls(value).split()) or None
