"""A local Telegram Bot API server for end-to-end tests and benchmarks.

It speaks Telegram's HTTP protocol closely enough for the unmodified python-telegram-bot client
(and any other Bot API client) to run against it: requests arrive at
``{root}/bot<TOKEN>/<method>`` as query strings, urlencoded forms, JSON or multipart uploads;
JSON-typed fields (``reply_markup``, ``results``, ``commands`` …) travel as JSON strings inside
forms; answers are ``{"ok": true, "result": …}`` or ``{"ok": false, "error_code", "description",
"parameters"}`` with the matching HTTP status. Objects have Bot API 9.x shapes: dates in Unix
seconds, ``is_bot`` on users, ``chat_instance`` on callback queries, ``forward_origin`` on
forwards.

What a test can do besides serving the bot:

* play users: :meth:`BotAPIServer.send_message`, :meth:`press_button`, :meth:`inline_query`,
  in private chats, groups and with forwarded channel posts;
* read what the bot did: every call is recorded (:class:`Call`, uploaded bytes included) and
  :meth:`wait_for` blocks until a matching call arrives;
* deliver updates by long polling (``getUpdates`` honours ``offset``, ``limit`` and
  ``timeout``) or by webhook (``setWebhook`` with ``secret_token``);
* switch flood limits on: :meth:`fail_next` answers the next calls with 429 and
  ``retry_after``; :meth:`enable_flood_limits` enforces a per-chat rate.

Validation follows the real server where it matters to a bot: HTML parse mode (only the
documented tags, properly nested, ``<`` and ``&`` escaped), text 4096 and caption 1024 UTF-16
units after entity parsing, ``callback_data`` 1–64 bytes, inline query answers within the
query's lifetime and at most once.
"""

from __future__ import annotations

import email.parser
import email.policy
import html
import io
import itertools
import json
import logging
import math
import re
import secrets
import sys
import threading
import time
import urllib.error
import urllib.request
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from PIL import Image, UnidentifiedImageError

logger = logging.getLogger(__name__)

JSONDict = dict[str, Any]

DEFAULT_TOKEN = "123456789:AAE-local-test-token-for-nashir-bot-1"
_TOKEN_SHAPE = re.compile(r"\d+:[A-Za-z0-9_-]{30,}")
_PATH = re.compile(r"/bot(?P<token>[^/]+)/(?P<method>[A-Za-z0-9_]+)/?")
_FILE_PATH = re.compile(r"/file/bot(?P<token>[^/]+)/(?P<path>.+)")

# Fields that are JSON-serialised when a request is sent as a form or multipart body.
_JSON_FIELDS = frozenset(
    {
        "reply_markup",
        "entities",
        "caption_entities",
        "results",
        "commands",
        "scope",
        "reply_parameters",
        "link_preview_options",
        "allowed_updates",
        "media",
        "button",
    }
)
_CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)
_BUTTON_KINDS = frozenset(
    {
        "url",
        "callback_data",
        "web_app",
        "login_url",
        "switch_inline_query",
        "switch_inline_query_current_chat",
        "switch_inline_query_chosen_chat",
        "copy_text",
        "callback_game",
        "pay",
    }
)
_SENDING_METHODS = frozenset(
    {"sendmessage", "sendphoto", "senddocument", "sendmediagroup", "copymessage"}
)
_SECRET_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,256}")
_COMMAND_NAME = re.compile(r"[a-z0-9_]{1,32}")
MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_CALLBACK_ANSWER = 200


class APIError(Exception):
    """An error answer: HTTP status and Telegram's description."""

    def __init__(self, code: int, description: str, parameters: JSONDict | None = None) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.parameters = parameters


def bad_request(reason: str) -> APIError:
    return APIError(400, f"Bad Request: {reason}")


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


# --------------------------------------------------------------------------- HTML parse mode

_TAG = re.compile(
    r"<(?P<close>/?)(?P<name>[a-zA-Z][a-zA-Z0-9-]*)"
    r"(?P<attrs>(?:\s+[a-zA-Z-]+(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s>\"']+))?)*)\s*/?>"
)
_ATTR = re.compile(r"([a-zA-Z-]+)(?:\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s>\"']+)))?")
_CHAR_REF = re.compile(r"&(?:#[0-9]{1,7}|#x[0-9a-fA-F]{1,6}|lt|gt|amp|quot);")
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
        if char == "&":
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
            continue
        out.append(char)
        length += utf16_len(char)
        position += 1
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


# ------------------------------------------------------------------------------- recording


@dataclass(frozen=True, slots=True)
class UploadedFile:
    name: str
    filename: str
    content_type: str
    data: bytes = field(repr=False)


@dataclass(slots=True)
class Call:
    """One request the bot made, as the server understood it."""

    method: str  # as sent, e.g. "sendPhoto"
    params: JSONDict
    files: dict[str, UploadedFile]
    at: float  # time.monotonic() when the request was fully received
    status: int = 0
    result: Any = None
    error: str | None = None
    done: float = 0.0  # time.monotonic() when the answer was ready (after a long poll's wait)

    @property
    def name(self) -> str:
        return self.method.lower()

    @property
    def ok(self) -> bool:
        return self.status == 200

    @property
    def chat_id(self) -> int | str | None:
        value = self.params.get("chat_id")
        if isinstance(value, str) and re.fullmatch(r"-?\d+", value):
            return int(value)
        return value


@dataclass(slots=True)
class StoredFile:
    file_id: str
    file_unique_id: str
    data: bytes = field(repr=False)
    kind: str = "photo"
    width: int = 0
    height: int = 0


@dataclass(slots=True)
class _Webhook:
    url: str
    secret_token: str | None
    max_connections: int
    allowed_updates: list[str] | None
    last_error_date: int | None = None
    last_error_message: str | None = None


@dataclass(slots=True)
class Delivery:
    """One webhook POST the server made."""

    update_id: int
    status: int
    secret_token: str | None
    at: float


# ----------------------------------------------------------------------------------- server


class BotAPIServer(ThreadingHTTPServer):
    """The fake Telegram: a threaded HTTP server on 127.0.0.1 holding one bot's world."""

    daemon_threads = True
    # A full listen queue makes clients wait for SYN retries (1 s): 200 users connect at once.
    request_queue_size = 1024

    def __init__(
        self,
        *,
        token: str = DEFAULT_TOKEN,
        bot_username: str = "nashir_test_bot",
        bot_first_name: str = "ناشر",
        inline_query_ttl: float = 10.0,
        callback_query_ttl: float = 15.0,
    ) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.token = token
        self.bot_user: JSONDict = {
            "id": int(token.split(":", 1)[0]),
            "is_bot": True,
            "first_name": bot_first_name,
            "username": bot_username,
        }
        self.inline_query_ttl = inline_query_ttl
        self.callback_query_ttl = callback_query_ttl
        self.calls: list[Call] = []
        self.deliveries: list[Delivery] = []
        self.files: dict[str, StoredFile] = {}
        self.messages: dict[tuple[int, int], JSONDict] = {}
        self.commands: dict[tuple[str, str], list[JSONDict]] = {}
        self.callback_queries: dict[str, JSONDict] = {}
        self.inline_queries: dict[str, JSONDict] = {}
        self.callback_answers: dict[str, JSONDict] = {}
        self.inline_answers: dict[str, JSONDict] = {}
        self.chat_actions: list[tuple[int | str, str]] = []
        self.webhook: _Webhook | None = None
        self._updates: deque[JSONDict] = deque()
        self._update_ids = itertools.count(1)
        self._message_ids: dict[int, itertools.count[int]] = {}
        self._file_counter = itertools.count(1)
        self._media_groups = itertools.count(1)
        self._query_ids = itertools.count(1)
        self._forced: deque[tuple[str | None, int]] = deque()
        self._flood: tuple[int, float] | None = None
        self._flood_log: dict[int | str, deque[float]] = {}
        self._chats: dict[int, JSONDict] = {}
        self._inflight_updates: set[int] = set()
        self._cond = threading.Condition()
        self._serving = threading.Thread(target=self.serve_forever, daemon=True)
        self._webhook_workers: list[threading.Thread] = []
        self._webhook_generation = 0
        self._closing = False

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that hangs up (a cancelled request, a bot stopping) is not a server fault.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)

    # ------------------------------------------------------------------ lifecycle

    @property
    def root(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> BotAPIServer:
        self._serving.start()
        return self

    def stop(self) -> None:
        with self._cond:
            self._closing = True
            self._webhook_generation += 1
            self._cond.notify_all()
        self.shutdown()
        self.server_close()
        for worker in self._webhook_workers:
            worker.join(timeout=5)

    # ------------------------------------------------------------ the simulated world

    def user(
        self,
        user_id: int,
        first_name: str = "قارئ",
        *,
        username: str | None = None,
        language_code: str = "ar",
    ) -> JSONDict:
        user: JSONDict = {"id": user_id, "is_bot": False, "first_name": first_name}
        if username:
            user["username"] = username
        if language_code:
            user["language_code"] = language_code
        return user

    def private_chat(self, user: JSONDict) -> JSONDict:
        chat = {"id": user["id"], "type": "private", "first_name": user["first_name"]}
        if "username" in user:
            chat["username"] = user["username"]
        return self._remember_chat(chat)

    def group(self, chat_id: int, title: str, *, supergroup: bool = True) -> JSONDict:
        kind = "supergroup" if supergroup else "group"
        return self._remember_chat({"id": chat_id, "type": kind, "title": title})

    def channel(self, chat_id: int, title: str, *, username: str | None = None) -> JSONDict:
        chat: JSONDict = {"id": chat_id, "type": "channel", "title": title}
        if username:
            chat["username"] = username
        return self._remember_chat(chat)

    def _remember_chat(self, chat: JSONDict) -> JSONDict:
        with self._cond:
            self._chats[chat["id"]] = chat
        return chat

    def send_message(
        self,
        user: JSONDict,
        text: str,
        *,
        chat: JSONDict | None = None,
        entities: list[JSONDict] | None = None,
        forward_from: JSONDict | None = None,
        caption_photo: bool = False,
    ) -> JSONDict:
        """A user writes ``text`` (in a private chat unless ``chat`` is given).

        ``forward_from`` (a channel from :meth:`channel`) makes it a forwarded channel post;
        ``caption_photo`` sends a photo with ``text`` as its caption. Entities are detected
        as Telegram does unless given explicitly. Returns the message.
        """
        chat = chat or self.private_chat(user)
        message = self._new_message(chat, sender=user)
        found = detect_entities(text) if entities is None else entities
        if caption_photo:
            stored = self._store_file(_tiny_png(), "photo")
            message["photo"] = _photo_sizes(stored)
            message["caption"] = text
            if found:
                message["caption_entities"] = found
        else:
            message["text"] = text
            if found:
                message["entities"] = found
        if forward_from is not None:
            message["forward_origin"] = {
                "type": "channel",
                "chat": forward_from,
                "message_id": secrets.randbelow(10_000) + 1,
                "date": int(time.time()) - 60,
            }
        self._save_message(message)
        self.push_update({"message": message})
        return message

    def press_button(self, user: JSONDict, message: JSONDict, data: str) -> str:
        """A user presses the inline button carrying ``data`` under ``message``."""
        query_id = str(next(self._query_ids) * 1_000_003 + user["id"])
        with self._cond:
            # The button sits under the message as it is now, edits included.
            message = self.messages.get((message["chat"]["id"], message["message_id"]), message)
        query = {
            "id": query_id,
            "from": user,
            "message": message,
            "chat_instance": str(abs(hash((message["chat"]["id"], "instance")))),
            "data": data,
        }
        with self._cond:
            self.callback_queries[query_id] = {**query, "_at": time.monotonic()}
        self.push_update({"callback_query": query})
        return query_id

    def inline_query(self, user: JSONDict, query: str, *, chat_type: str = "sender") -> str:
        """A user types ``@bot query`` in a chat; returns the inline query id."""
        query_id = str(next(self._query_ids) * 1_000_033 + user["id"])
        inline = {
            "id": query_id,
            "from": user,
            "query": query,
            "offset": "",
            "chat_type": chat_type,
        }
        with self._cond:
            self.inline_queries[query_id] = {**inline, "_at": time.monotonic()}
        self.push_update({"inline_query": inline})
        return query_id

    def push_update(self, body: JSONDict) -> JSONDict:
        """Queue one update (``{"message": …}`` etc.) for getUpdates or the webhook."""
        with self._cond:
            update = {"update_id": next(self._update_ids), **body}
            self._updates.append(update)
            self._cond.notify_all()
        return update

    # -------------------------------------------------------------------- waiting

    def mark(self) -> int:
        """The number of calls so far: pass it as ``since`` to look only at later calls."""
        with self._cond:
            return len(self.calls)

    def find(
        self,
        method: str,
        *,
        since: int = 0,
        chat_id: int | None = None,
        where: Callable[[Call], bool] | None = None,
        ok: bool | None = True,
    ) -> list[Call]:
        with self._cond:
            return [c for c in self.calls[since:] if _matches(c, method, chat_id, where, ok)]

    def wait_for(
        self,
        method: str,
        *,
        since: int = 0,
        chat_id: int | None = None,
        where: Callable[[Call], bool] | None = None,
        ok: bool | None = True,
        count: int = 1,
        timeout: float = 20.0,
    ) -> list[Call]:
        """Block until ``count`` matching calls exist; raise AssertionError after ``timeout``."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                found = [c for c in self.calls[since:] if _matches(c, method, chat_id, where, ok)]
                if len(found) >= count:
                    return found
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    seen = ", ".join(f"{c.method}:{c.status}" for c in self.calls[since:])
                    raise AssertionError(
                        f"waited {timeout}s for {count}× {method} (chat {chat_id}); "
                        f"calls since mark: {seen or 'none'}"
                    )
                self._cond.wait(remaining)

    def wait_until_idle(self, *, timeout: float = 20.0) -> None:
        """Block until every queued update was taken by the bot (polled or delivered)."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while self._updates or self._inflight_updates:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(f"{len(self._updates)} updates still queued")
                self._cond.wait(remaining)

    # ----------------------------------------------------------------- flood limits

    def fail_next(
        self, method: str | None = None, *, times: int = 1, retry_after: int = 1
    ) -> None:
        """Answer the next ``times`` calls of ``method`` (any method but getUpdates if None)
        with 429 Too Many Requests and ``retry_after``."""
        with self._cond:
            for _ in range(times):
                self._forced.append((method.lower() if method else None, retry_after))

    def enable_flood_limits(self, *, per_chat: int = 1, per_seconds: float = 1.0) -> None:
        """At most ``per_chat`` messages per chat in any ``per_seconds`` window; then 429."""
        with self._cond:
            self._flood = (per_chat, per_seconds)
            self._flood_log.clear()

    def disable_flood_limits(self) -> None:
        with self._cond:
            self._flood = None

    # ------------------------------------------------------------------ dispatching

    def handle(self, method: str, params: JSONDict, files: dict[str, UploadedFile]) -> Call:
        call = Call(method=method, params=params, files=files, at=time.monotonic())
        name = method.lower()
        handler = getattr(self, f"_m_{name}", None)
        try:
            if handler is None:
                logger.warning(
                    "local Bot API server: unknown method %r — answering 404, which "
                    "python-telegram-bot reports as InvalidToken",
                    method,
                )
                raise APIError(404, "Not Found")
            if name != "getupdates":
                self._check_flood(name, params)
            call.result = handler(params, files)
            call.status = 200
        except APIError as exc:
            call.status = exc.code
            call.error = exc.description
            call.result = exc
        call.done = time.monotonic()
        with self._cond:
            self.calls.append(call)
            self._cond.notify_all()
        return call

    def _check_flood(self, name: str, params: JSONDict) -> None:
        with self._cond:
            for index, (method, retry_after) in enumerate(self._forced):
                if method is None or method == name:
                    del self._forced[index]
                    raise _too_many(retry_after)
            if self._flood is None or name not in _SENDING_METHODS:
                return
            limit, window = self._flood
            now = time.monotonic()
            log = self._flood_log.setdefault(params.get("chat_id", ""), deque())
            while log and now - log[0] >= window:
                log.popleft()
            if len(log) >= limit:
                raise _too_many(max(1, math.ceil(window - (now - log[0]))))
            log.append(now)

    # ---------------------------------------------------------------- bot methods

    def _m_getme(self, params: JSONDict, files: dict[str, UploadedFile]) -> JSONDict:
        return {
            **self.bot_user,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": True,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    def _m_logout(self, params: JSONDict, files: dict[str, UploadedFile]) -> bool:
        return True

    def _m_close(self, params: JSONDict, files: dict[str, UploadedFile]) -> bool:
        return True

    def _m_getupdates(self, params: JSONDict, files: dict[str, UploadedFile]) -> list[JSONDict]:
        offset = _int(params, "offset", default=0)
        limit = min(max(_int(params, "limit", default=100), 1), 100)
        timeout = max(_float(params, "timeout", default=0.0), 0.0)
        allowed = params.get("allowed_updates")
        deadline = time.monotonic() + timeout
        with self._cond:
            if self.webhook is not None:
                raise APIError(
                    409,
                    "Conflict: can't use getUpdates method while webhook is active; use "
                    "deleteWebhook to delete the webhook first",
                )
            while True:
                if offset:
                    # Confirming: everything before `offset` is gone for good.
                    while self._updates and self._updates[0]["update_id"] < offset:
                        self._updates.popleft()
                    self._cond.notify_all()
                batch = [u for u in self._updates if _allowed(u, allowed)][:limit]
                remaining = deadline - time.monotonic()
                if batch or remaining <= 0 or self._closing:
                    return batch
                self._cond.wait(remaining)

    def _m_setwebhook(self, params: JSONDict, files: dict[str, UploadedFile]) -> bool:
        url = str(params.get("url", ""))
        secret = params.get("secret_token")
        if secret is not None and not _SECRET_TOKEN.fullmatch(str(secret)):
            raise bad_request("secret token contains unallowed characters")
        max_connections = _int(params, "max_connections", default=40)
        if not 1 <= max_connections <= 100:
            raise bad_request("invalid max_connections specified")
        if url and urlsplit(url).scheme not in {"http", "https"}:
            raise bad_request("bad webhook: invalid webhook URL")
        with self._cond:
            if _bool(params, "drop_pending_updates"):
                self._updates.clear()
            self._webhook_generation += 1
            self.webhook = (
                _Webhook(url, secret, max_connections, params.get("allowed_updates"))
                if url
                else None
            )
            generation = self._webhook_generation
            self._cond.notify_all()
        if url:
            for _ in range(max_connections):
                worker = threading.Thread(
                    target=self._deliver_webhooks, args=(generation,), daemon=True
                )
                self._webhook_workers.append(worker)
                worker.start()
        return True

    def _m_deletewebhook(self, params: JSONDict, files: dict[str, UploadedFile]) -> bool:
        with self._cond:
            if _bool(params, "drop_pending_updates"):
                self._updates.clear()
            self.webhook = None
            self._webhook_generation += 1
            self._cond.notify_all()
        return True

    def _m_getwebhookinfo(self, params: JSONDict, files: dict[str, UploadedFile]) -> JSONDict:
        with self._cond:
            info: JSONDict = {
                "url": self.webhook.url if self.webhook else "",
                "has_custom_certificate": False,
                "pending_update_count": len(self._updates),
            }
            if self.webhook is not None:
                info["max_connections"] = self.webhook.max_connections
                if self.webhook.allowed_updates is not None:
                    info["allowed_updates"] = self.webhook.allowed_updates
                if self.webhook.last_error_date:
                    info["last_error_date"] = self.webhook.last_error_date
                    info["last_error_message"] = self.webhook.last_error_message
        return info

    def _m_setmycommands(self, params: JSONDict, files: dict[str, UploadedFile]) -> bool:
        commands = params.get("commands")
        if not isinstance(commands, list) or len(commands) > 100:
            raise bad_request("commands must be a list of at most 100 BotCommand")
        for command in commands:
            if not _COMMAND_NAME.fullmatch(str(command.get("command", ""))):
                raise bad_request("BOT_COMMAND_INVALID")
            if not 1 <= len(str(command.get("description", "")).strip()) <= 256:
                raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
        key = (
            json.dumps(params.get("scope") or {"type": "default"}),
            params.get("language_code", ""),
        )
        with self._cond:
            self.commands[key] = commands
        return True

    def _m_getmycommands(self, params: JSONDict, files: dict[str, UploadedFile]) -> list[JSONDict]:
        key = (
            json.dumps(params.get("scope") or {"type": "default"}),
            params.get("language_code", ""),
        )
        with self._cond:
            return list(self.commands.get(key, []))

    def _m_deletemycommands(self, params: JSONDict, files: dict[str, UploadedFile]) -> bool:
        key = (
            json.dumps(params.get("scope") or {"type": "default"}),
            params.get("language_code", ""),
        )
        with self._cond:
            self.commands.pop(key, None)
        return True

    def _m_sendchataction(self, params: JSONDict, files: dict[str, UploadedFile]) -> bool:
        chat = self._chat(params)
        action = params.get("action")
        if action not in _CHAT_ACTIONS:
            raise bad_request("wrong parameter action in request")
        with self._cond:
            self.chat_actions.append((chat["id"], str(action)))
        return True

    def _m_sendmessage(self, params: JSONDict, files: dict[str, UploadedFile]) -> JSONDict:
        chat = self._chat(params)
        text, entities = _formatted(params, "text", "entities", MAX_TEXT, "message is too long")
        if not text:
            raise bad_request("message text is empty")
        message = self._bot_message(chat, params)
        message["text"] = text
        if entities:
            message["entities"] = entities
        return self._save_message(message)

    def _m_sendphoto(self, params: JSONDict, files: dict[str, UploadedFile]) -> JSONDict:
        chat = self._chat(params)
        stored = self._input_file(params.get("photo"), files, "photo", "photo")
        message = self._bot_message(chat, params)
        message["photo"] = _photo_sizes(stored)
        self._add_caption(message, params)
        return self._save_message(message)

    def _m_senddocument(self, params: JSONDict, files: dict[str, UploadedFile]) -> JSONDict:
        chat = self._chat(params)
        value = params.get("document")
        upload = files.get("document") if value is None else _upload_for(value, files)
        stored = self._input_file(value, files, "document", "document")
        message = self._bot_message(chat, params)
        message["document"] = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_name": upload.filename if upload else "file",
            "mime_type": upload.content_type if upload else "application/octet-stream",
            "file_size": len(stored.data),
        }
        self._add_caption(message, params)
        return self._save_message(message)

    def _m_sendmediagroup(
        self, params: JSONDict, files: dict[str, UploadedFile]
    ) -> list[JSONDict]:
        chat = self._chat(params)
        media = params.get("media")
        if not isinstance(media, list) or not 2 <= len(media) <= 10:
            raise bad_request("media must contain 2-10 items")
        group_id = str(next(self._media_groups) + 10**17)
        sent = []
        for item in media:
            if item.get("type") not in {"photo", "document"}:
                raise bad_request("unsupported media type in a media group")
            stored = self._input_file(item.get("media"), files, item["type"])
            message = self._bot_message(chat, params)
            message["media_group_id"] = group_id
            message["photo"] = _photo_sizes(stored)
            self._add_caption(message, item)
            sent.append(self._save_message(message))
        return sent

    def _m_editmessagetext(self, params: JSONDict, files: dict[str, UploadedFile]) -> Any:
        text, entities = _formatted(params, "text", "entities", MAX_TEXT, "message is too long")
        if not text:
            raise bad_request("message text is empty")
        return self._edit(params, {"text": text, "entities": entities}, needs="text")

    def _m_editmessagecaption(self, params: JSONDict, files: dict[str, UploadedFile]) -> Any:
        caption, entities = _formatted(
            params, "caption", "caption_entities", MAX_CAPTION, "message caption is too long"
        )
        return self._edit(params, {"caption": caption, "caption_entities": entities}, needs=None)

    def _m_editmessagereplymarkup(self, params: JSONDict, files: dict[str, UploadedFile]) -> Any:
        return self._edit(params, {}, needs=None)

    def _m_deletemessage(self, params: JSONDict, files: dict[str, UploadedFile]) -> bool:
        chat = self._chat(params)
        key = (chat["id"], _int(params, "message_id", required=True))
        with self._cond:
            if self.messages.pop(key, None) is None:
                raise bad_request("message to delete not found")
        return True

    def _m_answercallbackquery(self, params: JSONDict, files: dict[str, UploadedFile]) -> bool:
        query_id = str(params.get("callback_query_id", ""))
        text = params.get("text")
        if text is not None and len(str(text)) > MAX_CALLBACK_ANSWER:
            raise bad_request("MESSAGE_TOO_LONG")
        with self._cond:
            query = self.callback_queries.get(query_id)
            expired = query is None or time.monotonic() - query["_at"] > self.callback_query_ttl
            if expired or query_id in self.callback_answers:
                raise bad_request(
                    "query is too old and response timeout expired or query ID is invalid"
                )
            self.callback_answers[query_id] = params
        return True

    def _m_answerinlinequery(self, params: JSONDict, files: dict[str, UploadedFile]) -> bool:
        query_id = str(params.get("inline_query_id", ""))
        results = params.get("results")
        if not isinstance(results, list) or len(results) > 50:
            raise bad_request("RESULTS_TOO_MUCH" if isinstance(results, list) else "results")
        seen: set[str] = set()
        for result in results:
            self._check_inline_result(result, seen)
        button = params.get("button")
        if button is not None and not str(button.get("text", "")).strip():
            raise bad_request("BUTTON_TEXT_INVALID")
        with self._cond:
            query = self.inline_queries.get(query_id)
            expired = query is None or time.monotonic() - query["_at"] > self.inline_query_ttl
            if expired or query_id in self.inline_answers:
                raise bad_request(
                    "query is too old and response timeout expired or query ID is invalid"
                )
            self.inline_answers[query_id] = params
        return True

    def _m_getfile(self, params: JSONDict, files: dict[str, UploadedFile]) -> JSONDict:
        stored = self.files.get(str(params.get("file_id", "")))
        if stored is None:
            raise bad_request("invalid file_id")
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": len(stored.data),
            "file_path": f"{stored.kind}s/{stored.file_unique_id}",
        }

    # ------------------------------------------------------------------- helpers

    def _chat(self, params: JSONDict) -> JSONDict:
        raw = params.get("chat_id")
        if raw is None or raw == "":
            raise bad_request("chat_id is empty")
        try:
            chat_id = int(raw)
        except (TypeError, ValueError):
            raise bad_request("chat not found") from None
        with self._cond:
            chat = self._chats.get(chat_id)
        if chat is None:
            raise bad_request("chat not found")
        return chat

    def _new_message(self, chat: JSONDict, *, sender: JSONDict) -> JSONDict:
        with self._cond:
            counter = self._message_ids.setdefault(chat["id"], itertools.count(1))
            message_id = next(counter)
        message: JSONDict = {"message_id": message_id, "date": int(time.time()), "chat": chat}
        if chat["type"] == "channel":
            message["sender_chat"] = chat
        else:
            message["from"] = sender
        return message

    def _bot_message(self, chat: JSONDict, params: JSONDict) -> JSONDict:
        markup = params.get("reply_markup")
        if markup is not None:
            _check_markup(markup)
        reply = params.get("reply_parameters")
        if reply is None and params.get("reply_to_message_id") is not None:
            reply = {"message_id": _int(params, "reply_to_message_id")}
        replied: JSONDict | None = None
        if reply is not None:
            with self._cond:
                replied = self.messages.get((chat["id"], int(reply.get("message_id", 0))))
            if replied is None and not reply.get("allow_sending_without_reply"):
                raise bad_request("message to be replied not found")
        message = self._new_message(chat, sender=self.bot_user)
        if replied is not None:
            message["reply_to_message"] = replied
        if markup is not None and "inline_keyboard" in markup:
            message["reply_markup"] = markup
        return message

    def _add_caption(self, message: JSONDict, params: JSONDict) -> None:
        caption, entities = _formatted(
            params, "caption", "caption_entities", MAX_CAPTION, "message caption is too long"
        )
        if caption:
            message["caption"] = caption
            if entities:
                message["caption_entities"] = entities

    def _save_message(self, message: JSONDict) -> JSONDict:
        with self._cond:
            self.messages[(message["chat"]["id"], message["message_id"])] = message
        return message

    def _edit(self, params: JSONDict, changes: JSONDict, *, needs: str | None) -> Any:
        markup = params.get("reply_markup")
        if markup is not None:
            _check_markup(markup)
        if params.get("inline_message_id"):
            return True
        chat = self._chat(params)
        key = (chat["id"], _int(params, "message_id", required=True))
        with self._cond:
            current = self.messages.get(key)
            if current is None:
                raise bad_request("message to edit not found")
            if needs and needs not in current:
                raise bad_request("there is no text in the message to edit")
            edited = dict(current)
            for name, value in changes.items():
                if value:
                    edited[name] = value
                else:
                    edited.pop(name, None)
            if markup is not None and markup.get("inline_keyboard"):
                edited["reply_markup"] = markup
            else:
                edited.pop("reply_markup", None)
            comparable = ("text", "caption", "reply_markup", "entities", "caption_entities")
            if all(edited.get(k) == current.get(k) for k in comparable):
                raise bad_request(
                    "message is not modified: specified new message content and reply markup "
                    "are exactly the same as a current content and reply markup of the message"
                )
            edited["edit_date"] = int(time.time())
            self.messages[key] = edited
        return edited

    def _input_file(
        self, value: Any, files: dict[str, UploadedFile], kind: str, field: str | None = None
    ) -> StoredFile:
        # A file comes as a multipart part named after the field, as "attach://<part>",
        # or as the file_id of an earlier upload.
        upload = files.get(field) if field and value is None else _upload_for(value, files)
        if upload is not None:
            return self._store_file(upload.data, kind)
        if isinstance(value, str) and value.startswith(("http://", "https://")):
            # The real server would fetch it; a bot that uploads bytes never gets here.
            raise bad_request("failed to get HTTP URL content")
        stored = self.files.get(str(value)) if value else None
        if stored is None:
            raise bad_request("wrong file identifier/HTTP URL specified")
        return stored

    def _store_file(self, data: bytes, kind: str) -> StoredFile:
        width = height = 0
        if kind == "photo":
            try:
                with Image.open(io.BytesIO(data)) as image:
                    width, height = image.size
            except (UnidentifiedImageError, OSError):
                raise bad_request("IMAGE_PROCESS_FAILED") from None
            if width + height > 10_000 or max(width, height) > 20 * min(width, height):
                raise bad_request("PHOTO_INVALID_DIMENSIONS")
            if len(data) > 10 * 1024 * 1024:
                raise bad_request("PHOTO_SAVE_FILE_INVALID")
        number = next(self._file_counter)
        stored = StoredFile(
            file_id=f"AgACAgQAAx{number:08d}{secrets.token_hex(8)}",
            file_unique_id=f"AQAD{number:06d}",
            data=data,
            kind=kind,
            width=width,
            height=height,
        )
        with self._cond:
            self.files[stored.file_id] = stored
        return stored

    def _check_inline_result(self, result: JSONDict, seen: set[str]) -> None:
        result_id = str(result.get("id", ""))
        if not 1 <= len(result_id.encode()) <= 64:
            raise bad_request("RESULT_ID_INVALID")
        if result_id in seen:
            raise bad_request("RESULT_ID_DUPLICATE")
        seen.add(result_id)
        kind = result.get("type")
        if "reply_markup" in result:
            _check_markup(result["reply_markup"])
        content = result.get("input_message_content")
        if content is not None:
            text, _ = _formatted(content, "message_text", "entities", MAX_TEXT, "MESSAGE_TOO_LONG")
            if not text:
                raise bad_request("MESSAGE_EMPTY")
        if kind == "article":
            if not str(result.get("title", "")).strip() or content is None:
                raise bad_request("RESULT_TYPE_INVALID: article needs title and content")
        elif kind == "photo":
            if "photo_file_id" in result:
                if result["photo_file_id"] not in self.files:
                    raise bad_request("wrong file identifier/HTTP URL specified")
            elif not result.get("photo_url") or not result.get("thumbnail_url"):
                raise bad_request("PHOTO_CONTENT_URL_EMPTY")
            _formatted(result, "caption", "caption_entities", MAX_CAPTION, "CAPTION_TOO_LONG")
        else:
            raise bad_request(f"RESULT_TYPE_INVALID: {kind} is not served by the local server")

    def _deliver_webhooks(self, generation: int) -> None:
        """One of the webhook's ``max_connections``: POST updates until the webhook changes."""
        while True:
            with self._cond:
                while not self._updates and generation == self._webhook_generation:
                    self._cond.wait(0.5)
                hook = self.webhook
                if generation != self._webhook_generation or hook is None:
                    return
                update = self._updates.popleft()
                self._inflight_updates.add(update["update_id"])
            if not _allowed(update, hook.allowed_updates):
                self._finish_delivery(update, None)
                continue
            status, error = _post_json(hook.url, update, hook.secret_token)
            with self._cond:
                self.deliveries.append(
                    Delivery(update["update_id"], status, hook.secret_token, time.monotonic())
                )
                if not 200 <= status < 300:
                    hook.last_error_date = int(time.time())
                    hook.last_error_message = error or f"Wrong response from the webhook: {status}"
                    self._updates.appendleft(update)  # Telegram retries until delivered
            if not 200 <= status < 300:
                time.sleep(0.2)
            self._finish_delivery(update, None)

    def _finish_delivery(self, update: JSONDict, _: None) -> None:
        with self._cond:
            self._inflight_updates.discard(update["update_id"])
            self._cond.notify_all()

    def deliver_raw(self, body: bytes, *, secret_token: str | None) -> int:
        """POST ``body`` to the webhook as-is (a forged request, for the secret-token test)."""
        with self._cond:
            url = self.webhook.url if self.webhook else ""
        if not url:
            raise AssertionError("no webhook is set")
        request = urllib.request.Request(url, data=body, method="POST")
        request.add_header("Content-Type", "application/json")
        if secret_token is not None:
            request.add_header("X-Telegram-Bot-Api-Secret-Token", secret_token)
        try:
            with urllib.request.urlopen(request, timeout=10) as answer:
                return int(answer.status)
        except urllib.error.HTTPError as exc:
            return exc.code


# ------------------------------------------------------------------------ module helpers


def _matches(
    call: Call,
    method: str,
    chat_id: int | None,
    where: Callable[[Call], bool] | None,
    ok: bool | None,
) -> bool:
    if call.name != method.lower():
        return False
    if ok is not None and call.ok != ok:
        return False
    if chat_id is not None and call.chat_id != chat_id:
        return False
    return where is None or where(call)


def _too_many(retry_after: int) -> APIError:
    return APIError(
        429, f"Too Many Requests: retry after {retry_after}", {"retry_after": retry_after}
    )


def _allowed(update: JSONDict, allowed: list[str] | None) -> bool:
    if not allowed:
        return True
    return any(kind in update for kind in allowed)


def _int(params: JSONDict, name: str, *, default: int = 0, required: bool = False) -> int:
    value = params.get(name)
    if value is None or value == "":
        if required:
            raise bad_request(f"{name} is empty")
        return default
    try:
        return int(value)
    except (TypeError, ValueError):
        raise bad_request(f"invalid {name} specified") from None


def _float(params: JSONDict, name: str, *, default: float) -> float:
    value = params.get(name)
    if value is None or value == "":
        return default
    try:
        return float(value)
    except (TypeError, ValueError):
        raise bad_request(f"invalid {name} specified") from None


def _bool(params: JSONDict, name: str) -> bool:
    value = params.get(name)
    return value is True or str(value).lower() in {"true", "1"}


def _formatted(
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


def _check_markup(markup: Any) -> None:
    if not isinstance(markup, dict):
        raise bad_request("can't parse reply keyboard markup JSON object")
    rows = markup.get("inline_keyboard")
    if rows is None:
        return  # reply keyboards and the like: accepted without inspection
    if not isinstance(rows, list) or len(rows) > 100:
        raise bad_request("REPLY_MARKUP_INVALID")
    for row in rows:
        if not isinstance(row, list):
            raise bad_request("can't parse inline keyboard button: row is not an array")
        for button in row:
            _check_button(button)


def _check_button(button: Any) -> None:
    if not isinstance(button, dict) or not str(button.get("text", "")).strip():
        raise bad_request("can't parse inline keyboard button: Text buttons are unallowed")
    kinds = [kind for kind in _BUTTON_KINDS if kind in button]
    if len(kinds) != 1:
        raise bad_request("can't parse inline keyboard button: exactly one action expected")
    if "callback_data" in button:
        size = len(str(button["callback_data"]).encode("utf-8"))
        if not 1 <= size <= 64:
            raise bad_request("BUTTON_DATA_INVALID")
    if "url" in button:
        url = str(button["url"])
        parts = urlsplit(url)
        if parts.scheme not in {"http", "https", "tg", "mailto"} or (
            parts.scheme in {"http", "https"} and not parts.netloc
        ):
            raise bad_request(f"inline keyboard button URL '{url}' is invalid: Wrong HTTP URL")


def _upload_for(value: Any, files: dict[str, UploadedFile]) -> UploadedFile | None:
    if isinstance(value, str) and value.startswith("attach://"):
        upload = files.get(value.removeprefix("attach://"))
        if upload is None:
            raise bad_request("wrong file identifier/HTTP URL specified")
        return upload
    return None


def _photo_sizes(stored: StoredFile) -> list[JSONDict]:
    """Thumbnails Telegram would make (longest side 90, 320, 800) plus the original."""
    sizes: list[JSONDict] = []
    longest = max(stored.width, stored.height, 1)
    for side in (90, 320, 800):
        if side < longest:
            scale = side / longest
            sizes.append(
                {
                    "file_id": f"{stored.file_id}_{side}",
                    "file_unique_id": f"{stored.file_unique_id}_{side}",
                    "width": max(1, round(stored.width * scale)),
                    "height": max(1, round(stored.height * scale)),
                    "file_size": max(1, len(stored.data) * side // longest),
                }
            )
    sizes.append(
        {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "width": stored.width,
            "height": stored.height,
            "file_size": len(stored.data),
        }
    )
    return sizes


def _tiny_png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), (14, 32, 56)).save(buffer, "PNG")
    return buffer.getvalue()


def _post_json(url: str, update: JSONDict, secret: str | None) -> tuple[int, str | None]:
    request = urllib.request.Request(
        url, data=json.dumps(update, ensure_ascii=False).encode(), method="POST"
    )
    request.add_header("Content-Type", "application/json")
    if secret:
        request.add_header("X-Telegram-Bot-Api-Secret-Token", secret)
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return int(answer.status), None
    except urllib.error.HTTPError as exc:
        return exc.code, f"Wrong response from the webhook: {exc.code} {exc.reason}"
    except OSError as exc:
        return 0, f"Connection failed: {exc}"


def parse_body(content_type: str, body: bytes) -> tuple[JSONDict, dict[str, UploadedFile]]:
    """Decode a request body the way the Bot API accepts it."""
    params: JSONDict = {}
    files: dict[str, UploadedFile] = {}
    kind = content_type.split(";", 1)[0].strip().lower()
    if not body:
        return params, files
    if kind == "application/json":
        loaded = json.loads(body)
        if not isinstance(loaded, dict):
            raise bad_request("request body must be a JSON object")
        return loaded, files
    if kind == "multipart/form-data":
        header = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode()
        message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(header + body)
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition")
            if not name:
                continue
            payload = part.get_payload(decode=True) or b""
            filename = part.get_filename()
            if filename is not None:
                files[str(name)] = UploadedFile(
                    str(name), filename, part.get_content_type(), payload
                )
            else:
                params[str(name)] = payload.decode("utf-8")
        return params, files
    for name, value in parse_qsl(body.decode("utf-8"), keep_blank_values=True):
        params[name] = value
    return params, files


def _decode_json_fields(params: JSONDict) -> JSONDict:
    for name in _JSON_FIELDS & params.keys():
        value = params[name]
        if isinstance(value, str):
            try:
                params[name] = json.loads(value)
            except ValueError:
                raise bad_request(f"can't parse {name} JSON object") from None
    return params


class _Handler(BaseHTTPRequestHandler):
    server: BotAPIServer
    protocol_version = "HTTP/1.1"
    # Headers and body go out in separate writes; with Nagle's algorithm on, the body would
    # wait for the client's delayed ACK (40 ms on Linux) — latency the real API does not have.
    disable_nagle_algorithm = True

    def do_GET(self) -> None:
        self._serve()

    def do_POST(self) -> None:
        self._serve()

    def _serve(self) -> None:
        parts = urlsplit(self.path)
        try:
            body = self._read_body()
        except (ConnectionAbortedError, ConnectionResetError):
            # A cancelled request never reached "Telegram": nothing to record or answer.
            self.close_connection = True
            return
        file_match = _FILE_PATH.fullmatch(parts.path)
        if file_match and self.command == "GET":
            self._serve_file(file_match["token"], file_match["path"])
            return
        match = _PATH.fullmatch(parts.path)
        if match is None:
            self._answer(404, {"ok": False, "error_code": 404, "description": "Not Found"})
            return
        token, method = match["token"], match["method"]
        if token != self.server.token:
            if _TOKEN_SHAPE.fullmatch(token):
                self._answer(401, {"ok": False, "error_code": 401, "description": "Unauthorized"})
            else:
                self._answer(404, {"ok": False, "error_code": 404, "description": "Not Found"})
            return
        try:
            params: JSONDict = dict(parse_qsl(parts.query, keep_blank_values=True))
            body_params, files = parse_body(self.headers.get("Content-Type", ""), body)
            params.update(body_params)
            _decode_json_fields(params)
        except APIError as exc:
            self._answer(exc.code, _error_body(exc))
            return
        except ValueError:
            self._answer(400, {"ok": False, "error_code": 400, "description": "Bad Request"})
            return
        call = self.server.handle(method, params, files)
        if isinstance(call.result, APIError):
            self._answer(call.status, _error_body(call.result))
        else:
            self._answer(200, {"ok": True, "result": call.result})

    def _read_body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            chunks = []
            while True:
                size = int(self.rfile.readline().split(b";", 1)[0].strip() or b"0", 16)
                if size == 0:
                    self.rfile.readline()
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        if len(body) < length:
            raise ConnectionAbortedError("the client went away mid-request")
        return body

    def _serve_file(self, token: str, path: str) -> None:
        found = next(
            (
                f
                for f in list(self.server.files.values())
                if path == f"{f.kind}s/{f.file_unique_id}"
            ),
            None,
        )
        if token != self.server.token or found is None:
            self._answer(404, {"ok": False, "error_code": 404, "description": "Not Found"})
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(len(found.data)))
        self.end_headers()
        self.wfile.write(found.data)

    def _answer(self, status: int, payload: JSONDict) -> None:
        data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (a cancelled long poll at shutdown)

    def log_message(self, format: str, *args: object) -> None:
        return


def _error_body(exc: APIError) -> JSONDict:
    body: JSONDict = {"ok": False, "error_code": exc.code, "description": exc.description}
    if exc.parameters:
        body["parameters"] = exc.parameters
    return body


def inline_buttons(message: JSONDict) -> Iterator[JSONDict]:
    """Every button of a message's inline keyboard, row by row."""
    for row in (message.get("reply_markup") or {}).get("inline_keyboard", []):
        yield from row
