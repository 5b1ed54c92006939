"""Finding the article link in what a user sent: pure functions over Telegram objects."""

from __future__ import annotations

import re

from telegram import Message, MessageEntity
from telegram.ext import filters

# Inline queries and command arguments carry no entities: a plain pattern is enough there.
_URL = re.compile(r"(?:https?://|www\.)[^\s<>\"«»]+", re.IGNORECASE)
_TRAILING = ".,;:!?)]}'\"،؛؟…"


def with_scheme(url: str) -> str:
    """``www.site.ma/x`` → ``https://www.site.ma/x``; other URLs unchanged."""
    url = url.strip()
    return url if re.match(r"[a-z][a-z0-9+.-]*://", url, re.IGNORECASE) else f"https://{url}"


def first_url(text: str) -> str | None:
    """The first web address in free text, with a scheme, or None."""
    match = _URL.search(text or "")
    return with_scheme(match.group().rstrip(_TRAILING)) if match else None


def links_in_message(message: Message) -> list[str]:
    """Every link of a message in reading order: visible URLs and hidden text links,
    from its text or its caption (a forwarded channel post is often a photo with a caption)."""
    kinds = [MessageEntity.URL, MessageEntity.TEXT_LINK]
    found = (
        message.parse_entities(kinds) if message.text else message.parse_caption_entities(kinds)
    )
    links: list[str] = []
    for entity, value in sorted(found.items(), key=lambda item: item[0].offset):
        url = entity.url if entity.type == MessageEntity.TEXT_LINK else value
        if url and (candidate := with_scheme(url)) not in links:
            links.append(candidate)
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
    return any(value.lower() == wanted for value in found.values())


class MentionsBot(filters.MessageFilter):
    """Group messages addressed to the bot by @username (known only after getMe)."""

    def filter(self, message: Message) -> bool:
        return mentions_bot(message, message.get_bot().username)
