"""Finding the article link in what a user sent: pure functions over Telegram objects."""

from __future__ import annotations

import re

from telegram import Message, MessageEntity
from telegram.ext import filters

# Inline queries, command arguments and messages from some clients and bridges carry no
# entities: a plain pattern finds the links there.
_URL = re.compile(r"(?:https?://|www\.)[^\s<>\"«»]+", re.IGNORECASE)
_TRAILING = ".,;:!?)]}'\"،؛؟…"
_MENTION = re.compile(r"(?<![\w@])@[A-Za-z0-9_]{5,32}\b")


def with_scheme(url: str) -> str:
    """``www.site.ma/x`` → ``https://www.site.ma/x``; other URLs unchanged."""
    url = url.strip()
    return url if re.match(r"[a-z][a-z0-9+.-]*://", url, re.IGNORECASE) else f"https://{url}"


def first_url(text: str) -> str | None:
    """The first web address in free text, with a scheme, or None."""
    match = _URL.search(text or "")
    return with_scheme(match.group().rstrip(_TRAILING)) if match else None


def urls_in_text(text: str) -> list[str]:
    """Every web address in free text, in order, with a scheme."""
    found: list[str] = []
    for match in _URL.finditer(text or ""):
        url = with_scheme(match.group().rstrip(_TRAILING))
        if url not in found:
            found.append(url)
    return found


def links_in_message(message: Message) -> list[str]:
    """Every link of a message in reading order: visible URLs and hidden text links,
    from its text or its caption (a forwarded channel post is often a photo with a caption).

    Some clients and bridges send links without URL entities: addresses written in the text
    are then found by pattern, after the ones Telegram marked.
    """
    kinds = [MessageEntity.URL, MessageEntity.TEXT_LINK]
    found = (
        message.parse_entities(kinds) if message.text else message.parse_caption_entities(kinds)
    )
    links: list[str] = []
    for entity, value in sorted(found.items(), key=lambda item: item[0].offset):
        url = entity.url if entity.type == MessageEntity.TEXT_LINK else value
        if url and (candidate := with_scheme(url)) not in links:
            links.append(candidate)
    links += [url for url in urls_in_text(message_text(message)) if url not in links]
    return links


def message_text(message: Message) -> str:
    return message.text or message.caption or ""


def mentions_bot(message: Message, username: str | None) -> bool:
    """True when the message @-mentions this bot (in its text or caption)."""
    if not username:
        return False
    wanted = f"@{username}".lower()
    kinds = [MessageEntity.MENTION]
    found = (
        message.parse_entities(kinds) if message.text else message.parse_caption_entities(kinds)
    )
    if found:
        return any(value.lower() == wanted for value in found.values())
    # No mention entities at all (a client or bridge that sends none): read the text.
    return any(match.lower() == wanted for match in _MENTION.findall(message_text(message)))


class MentionsBot(filters.MessageFilter):
    """Group messages addressed to the bot by @username (known only after getMe)."""

    def filter(self, message: Message) -> bool:
        return mentions_bot(message, message.get_bot().username)
