"""A local Telegram Bot API server for end-to-end tests and benchmarks.

It speaks Telegram's HTTP protocol closely enough for the unmodified python-telegram-bot client
(and any other Bot API client) to run against it: requests arrive at
``{root}/bot<TOKEN>/<method>`` as query strings, urlencoded forms, JSON or multipart uploads;
JSON-typed fields (``reply_markup``, ``results``, ``commands`` …) travel as JSON strings inside
forms; answers are ``{"ok": true, "result": …}`` or ``{"ok": false, "error_code", "description",
"parameters"}`` with the matching HTTP status. Objects have Bot API 9.x shapes: dates in Unix
seconds, ``is_bot`` on users, ``chat_instance`` on callback queries, ``forward_origin`` on
forwards.

It behaves like Telegram where a bot can get it wrong:

* flood limits are on by default (:data:`TELEGRAM_LIMITS`: about 30 messages/s per bot, one
  per second per chat after a short burst, 20 per minute per group or channel), answered
  429 with ``parameters.retry_after``; ``BotAPIServer(flood=None)`` or
  :meth:`~BotAPIServer.disable_flood_limits` is the explicit opt-out;
* webhooks must be HTTPS on port 443, 80, 88 or 8443 (``allow_local_webhooks=True`` for a
  plain-HTTP bot on 127.0.0.1); a failed delivery is retried a bounded number of times, the
  updates of one chat in order;
* privacy mode: in a group where the bot is not an administrator, only commands, mentions
  of the bot and replies to its messages reach it;
* a user who blocked the bot, or a group or channel that removed it, answers 403.

What a test can do besides serving the bot:

* play users: :meth:`~BotAPIServer.send_message` (also replies, e.g. to a ForceReply
  prompt), :meth:`~BotAPIServer.press_button` (by data or label, any user of a group),
  :meth:`~BotAPIServer.inline_query`, :meth:`~BotAPIServer.post_in_channel`, in private
  chats, groups and channels (addressable as ``@username``), with members
  (:meth:`~BotAPIServer.add_member`, seen by ``getChatMember``);
* read what the bot did: every call is recorded (:class:`Call`, uploaded bytes included),
  :meth:`~BotAPIServer.wait_for` blocks until a matching call arrives,
  :meth:`~BotAPIServer.posts` counts the messages accepted per chat,
  :meth:`~BotAPIServer.messages_in` shows a chat as it is now, and
  :meth:`~BotAPIServer.callback_answer` how a button press was answered;
* deliver updates by long polling (``getUpdates`` honours ``offset``, ``limit`` and
  ``timeout``) or by webhook (``setWebhook`` with ``secret_token``); ``handed`` tells when
  each update reached the bot;
* inject faults into the next calls: :meth:`~BotAPIServer.fail_next` (429),
  :meth:`~BotAPIServer.server_error_next` (5xx), :meth:`~BotAPIServer.drop_next` (no answer,
  before or after the call is carried out), :meth:`~BotAPIServer.slow_next`; and lasting
  ones: :meth:`~BotAPIServer.block_bot` (403), :meth:`~BotAPIServer.disable_method` (404,
  like a self-hosted server lacking ``setMyCommands``).

Validation follows the real server where it matters to a bot: HTML parse mode (only the
documented tags, properly nested, ``<`` and ``&`` escaped), text 4096 and caption 1024 UTF-16
units after entity parsing, ``callback_data`` 1–64 bytes, inline query answers within the
query's lifetime and at most once, edits and deletions only where the bot may make them.

Run ``python -m devtools.botapi`` to try the bot by hand without a token (see the README).

Modules: :mod:`.server` (lifecycle, dispatch), :mod:`.transport` (HTTP, body decoding),
:mod:`.state` (the world, update queue, waiting), :mod:`.chats`, :mod:`.members` and
:mod:`.objects` (chats, membership, object builders), :mod:`.users` (playing users),
:mod:`.messages`, :mod:`.media`, :mod:`.interactive`, :mod:`.account` (Bot API methods),
:mod:`.updates` and :mod:`.poster` (polling, webhook delivery), :mod:`.flood` (limits),
:mod:`.faults` and :mod:`.control` (what a test switches), :mod:`.parse_mode` (HTML and
entities), :mod:`.protocol` and :mod:`.records` (wire conventions, recorded calls),
:mod:`.console` (the interactive entry point).
"""

from devtools.botapi.faults import Fault, FaultKind
from devtools.botapi.flood import COUNTED_METHODS, TELEGRAM_LIMITS, FloodPolicy
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
from devtools.botapi.records import (
    Call,
    CallbackAnswer,
    Delivery,
    StoredFile,
    UploadedFile,
)
from devtools.botapi.server import BotAPIServer
from devtools.botapi.transport import parse_body

__all__ = [
    "COUNTED_METHODS",
    "DEFAULT_TOKEN",
    "MAX_CALLBACK_ANSWER",
    "MAX_CAPTION",
    "MAX_TEXT",
    "TELEGRAM_LIMITS",
    "APIError",
    "BotAPIServer",
    "Call",
    "CallbackAnswer",
    "Delivery",
    "Fault",
    "FaultKind",
    "FloodPolicy",
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
