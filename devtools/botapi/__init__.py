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

Modules: :mod:`.server` (lifecycle, dispatch), :mod:`.transport` (HTTP, body decoding),
:mod:`.state` (the world, update queue, waiting), :mod:`.chats` and :mod:`.objects` (object
builders), :mod:`.users` (playing users), :mod:`.messages`, :mod:`.media`,
:mod:`.interactive`, :mod:`.account` (Bot API methods), :mod:`.updates` (polling, webhook
delivery), :mod:`.flood` (429s), :mod:`.parse_mode` (HTML and entities),
:mod:`.protocol` and :mod:`.records` (wire conventions, recorded calls).
"""

from devtools.botapi.objects import inline_buttons
from devtools.botapi.parse_mode import detect_entities, parse_html
from devtools.botapi.protocol import (
    DEFAULT_TOKEN,
    MAX_CALLBACK_ANSWER,
    MAX_CAPTION,
    MAX_TEXT,
    APIError,
    JSONDict,
    bad_request,
    utf16_len,
)
from devtools.botapi.records import Call, Delivery, StoredFile, UploadedFile
from devtools.botapi.server import BotAPIServer
from devtools.botapi.transport import parse_body

__all__ = [
    "DEFAULT_TOKEN",
    "MAX_CALLBACK_ANSWER",
    "MAX_CAPTION",
    "MAX_TEXT",
    "APIError",
    "BotAPIServer",
    "Call",
    "Delivery",
    "JSONDict",
    "StoredFile",
    "UploadedFile",
    "bad_request",
    "detect_entities",
    "inline_buttons",
    "parse_body",
    "parse_html",
    "utf16_len",
]
