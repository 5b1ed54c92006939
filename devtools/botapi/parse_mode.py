"""Texts as Telegram sees them: HTML parse mode, length limits, entities in user messages."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from devtools.botapi.protocol import JSONDict, bad_request, utf16_len

# --------------------------------------------------------------------------- HTML parse mode

_TAG = re.compile(
    r"<(?P<close>/?)(?P<name>[a-zA-Z][a-zA-Z0-9-]*)"
    r"(?P<attrs>(?:\s+[a-zA-Z-]+(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s>\"']+))?)*)\s*/?>"
)
_ATTR = re.compile(r"([a-zA-Z-]+)(?:\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s>\"']+)))?")
_CHAR_REF = re.compile(r"&(?:#[0-9]{1,7}|#x[0-9a-fA-F]{1,6}|lt|gt|amp|quot);")
_MARKUP_START = re.compile(r"[<&]")
_TAG_ALIASES = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
    "span": "spoiler",
}


@dataclass
class _OpenTag:
    name: str
    kind: str
    attrs: dict[str, str]
    offset: int


def parse_html(text: str) -> tuple[str, list[JSONDict]]:
    """Telegram's HTML parse mode: the visible text and its entities (UTF-16 offsets).

    Raises:
        APIError: 400 "can't parse entities" for unknown tags, unbalanced tags, a bare ``<``
            or an ``&`` that does not start a character reference.
    """
    out: list[str] = []
    length = 0
    stack: list[_OpenTag] = []
    entities: list[JSONDict] = []
    position = 0
    while position < len(text):
        # Plain text up to the next tag or character reference is taken as one run (the
        # server parses every caption of a load test: per character this was 1 ms a caption).
        markup = _MARKUP_START.search(text, position)
        run_end = markup.start() if markup else len(text)
        if run_end > position:
            run = text[position:run_end]
            out.append(run)
            length += utf16_len(run)
            position = run_end
            continue
        char = text[position]
        if char == "<":
            match = _TAG.match(text, position)
            if match is None:
                raise bad_request(
                    f"can't parse entities: Unexpected character '<' at byte offset "
                    f"{len(text[:position].encode())}"
                )
            name = match["name"].lower()
            kind = _TAG_ALIASES.get(name)
            attrs = {
                key.lower(): next((v for v in values if v), "")
                for key, *values in _ATTR.findall(match["attrs"])
            }
            if kind is None or (name == "span" and attrs.get("class") != "tg-spoiler"):
                raise bad_request(f'can\'t parse entities: Unsupported start tag "{name}"')
            if match["close"]:
                if not stack or stack[-1].name != name:
                    raise bad_request(
                        f'can\'t parse entities: Unmatched end tag "{name}", expected end tag'
                        f' for "{stack[-1].name if stack else ""}"'
                    )
                _close_tag(stack, stack.pop(), length, entities)
            else:
                if kind == "text_link" and not attrs.get("href"):
                    raise bad_request("can't parse entities: Empty href in <a> tag")
                stack.append(_OpenTag(name, kind, attrs, length))
            position = match.end()
            continue
        # The only other character a run stops at: "&".
        match = _CHAR_REF.match(text, position)
        if match is None:
            raise bad_request(
                "can't parse entities: Character '&' must be escaped as &amp; at byte "
                f"offset {len(text[:position].encode())}"
            )
        decoded = html.unescape(match.group())
        out.append(decoded)
        length += utf16_len(decoded)
        position = match.end()
    if stack:
        raise bad_request(
            "can't parse entities: Can't find end tag corresponding to start tag "
            f'"{stack[-1].name}"'
        )
    return _strip_with_entities("".join(out), entities)


def _close_tag(stack: list[_OpenTag], tag: _OpenTag, end: int, entities: list[JSONDict]) -> None:
    if tag.kind == "code" and stack and stack[-1].kind == "pre":
        language = tag.attrs.get("class", "")
        if language.startswith("language-"):
            stack[-1].attrs["language"] = language.removeprefix("language-")
            return
    if end == tag.offset:
        return  # Telegram drops empty entities
    entity: JSONDict = {"type": tag.kind, "offset": tag.offset, "length": end - tag.offset}
    if tag.kind == "text_link":
        entity["url"] = tag.attrs["href"]
    elif tag.kind == "pre" and tag.attrs.get("language"):
        entity["language"] = tag.attrs["language"]
    elif tag.kind == "blockquote" and "expandable" in tag.attrs:
        entity["type"] = "expandable_blockquote"
    elif tag.kind == "custom_emoji":
        entity["custom_emoji_id"] = tag.attrs.get("emoji-id", "")
    entities.append(entity)


def _strip_with_entities(text: str, entities: list[JSONDict]) -> tuple[str, list[JSONDict]]:
    """Telegram trims surrounding whitespace from texts; entities move with the text."""
    stripped = text.strip()
    if not stripped:
        return "", []
    shift = utf16_len(text[: len(text) - len(text.lstrip())])
    limit = utf16_len(stripped)
    kept: list[JSONDict] = []
    for entity in sorted(entities, key=lambda e: (e["offset"], -e["length"])):
        start = max(entity["offset"] - shift, 0)
        end = min(entity["offset"] + entity["length"] - shift, limit)
        if end > start:
            kept.append({**entity, "offset": start, "length": end - start})
    return stripped, kept


def formatted(
    params: JSONDict, text_field: str, entities_field: str, limit: int, too_long: str
) -> tuple[str, list[JSONDict]]:
    """Apply the parse mode to a text or caption and check its length like Telegram does."""
    raw = params.get(text_field)
    if raw is None:
        return "", []
    text = str(raw)
    mode = str(params.get("parse_mode") or "")
    if mode.lower() == "html":
        text, entities = parse_html(text)
    elif mode:
        raise bad_request(f"parse mode {mode!r} is not implemented by the local Bot API server")
    else:
        entities = list(params.get(entities_field) or [])
        text = text.strip()
    if utf16_len(text) > limit:
        raise bad_request(too_long)
    return text, entities


# ------------------------------------------------------------------ entities in user messages

_USER_URL = re.compile(r"(?:https?://|www\.)[^\s<>\"«»]+", re.IGNORECASE)
_USER_COMMAND = re.compile(r"(?<![^\s])/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?")
_USER_MENTION = re.compile(r"(?<![\w@])@[A-Za-z0-9_]{5,32}")
_URL_TRAILING = ".,;:!?)]}'\"،؛؟…"


def detect_entities(text: str) -> list[JSONDict]:
    """What Telegram marks in a user's plain text: links, bot commands and @mentions."""
    found: list[tuple[int, int, str]] = []
    for match in _USER_URL.finditer(text):
        value = match.group().rstrip(_URL_TRAILING)
        found.append((match.start(), match.start() + len(value), "url"))
    for match in _USER_COMMAND.finditer(text):
        found.append((match.start(), match.end(), "bot_command"))
    for match in _USER_MENTION.finditer(text):
        found.append((match.start(), match.end(), "mention"))
    found.sort()
    entities: list[JSONDict] = []
    taken_until = -1
    for start, end, kind in found:
        if start < taken_until:
            continue  # a command or mention inside a link is part of the link
        entities.append(
            {"type": kind, "offset": utf16_len(text[:start]), "length": utf16_len(text[start:end])}
        )
        taken_until = end
    return entities
