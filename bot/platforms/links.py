"""Tracked article links (UTM) and share-intent URLs."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

import regex

from bot.models import Platform
from bot.platforms.table import IntentField, PlatformSpec

_TAG = re.compile(r"<[^>]+>")
# A line with no letter and no digit: an emoji or punctuation that only pointed at a link.
_WORDLESS = regex.compile(r"[^\p{L}\p{N}]*")


@dataclass(frozen=True, slots=True)
class UTMConfig:
    enabled: bool = True
    medium: str = "social"
    campaign: str = "nashir"


def tracked_link(url: str, platform: Platform, utm: UTMConfig) -> str:
    """The article URL with ``utm_source=<platform>`` and the configured medium/campaign.

    Existing ``utm_*`` parameters are replaced, never duplicated; other parameters stay.
    """
    if not utm.enabled:
        return url
    parts = urlsplit(url)
    query = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if not k.startswith("utm_")
    ]
    query += [
        ("utm_source", platform.value),
        ("utm_medium", utm.medium),
        ("utm_campaign", utm.campaign),
    ]
    return urlunsplit(parts._replace(query=urlencode(query, quote_via=quote)))


def plain_text(text: str, *, is_html: bool) -> str:
    """The draft as a reader sees it: Telegram HTML tags removed and entities decoded."""
    return html.unescape(_TAG.sub("", text)) if is_html else text


def text_without_link(text: str, link: str | None) -> str:
    """The post without its link, for share pages that take the link as its own parameter.

    What only introduced the link goes with it: a line left with no letter or digit («🔗»)
    and a line ending with «:» that stood right above the link («التفاصيل الكاملة على…:»).
    """
    if not link:
        return text.strip()
    kept: list[str] = []
    for line in text.splitlines():
        if link not in line:
            kept.append(line.rstrip())
            continue
        rest = line.replace(link, "").strip()
        if _WORDLESS.fullmatch(rest):
            if kept and kept[-1].endswith(":"):
                kept.pop()  # the line that announced the link
            continue
        kept.append(rest)
    return re.sub(r"\n{3,}", "\n\n", "\n".join(kept)).strip()


def share_intent_url(spec: PlatformSpec, text: str, link: str | None, title: str) -> str | None:
    """The platform's share page prefilled with this draft, or None when it has none.

    Intents that take a URL parameter (Telegram, Facebook) need a link.
    """
    intent = spec.share_intent
    if intent is None:
        return None
    shown = plain_text(text, is_html=spec.html)
    values = {
        IntentField.TEXT: text_without_link(shown, link),
        IntentField.TEXT_WITH_URL: shown,
        IntentField.URL: link or "",
        IntentField.TITLE: title,
    }
    if not link and any(field is IntentField.URL for _, field in intent.params):
        return None  # a share page that takes a URL cannot share pasted text
    params = [(name, values[field]) for name, field in intent.params if values[field]]
    joiner = "&" if "?" in intent.base else "?"
    return f"{intent.base}{joiner}{urlencode(params, quote_via=quote)}"
