"""What the server keeps: requests as understood (:class:`Call`), files, webhook deliveries."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from devtools.botapi.protocol import JSONDict


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
    content_type: str = ""  # how the body came: application/json, multipart/form-data …
    chat: int | None = None  # the chat's numeric id, also when it was addressed by @username
    fault: str | None = None  # the injected fault this call met (see devtools.botapi.faults)
    delay: float = 0.0  # seconds the answer is held back (a slow-answer fault)

    @property
    def name(self) -> str:
        return self.method.lower()

    @property
    def ok(self) -> bool:
        return self.status == 200

    @property
    def answered(self) -> bool:
        """Whether the client got an answer (a dropped connection gets none)."""
        return self.fault not in {"drop", "drop-after"}

    @property
    def chat_id(self) -> int | str | None:
        if self.chat is not None:
            return self.chat
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
class Webhook:
    url: str
    secret_token: str | None
    max_connections: int
    allowed_updates: list[str] | None
    last_error_date: int | None = None
    last_error_message: str | None = None


@dataclass(slots=True)
class Delivery:
    """One webhook POST the server made (every attempt is one Delivery)."""

    update_id: int
    status: int  # 0 when the connection failed or was closed without an answer
    secret_token: str | None
    at: float  # time.monotonic() when the answer came (or the attempt failed)
    started: float = 0.0  # time.monotonic() when the POST began
    attempt: int = 1
    error: str | None = None
    gave_up: bool = False  # the last attempt failed: the update is dropped, as Telegram does

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300


@dataclass(frozen=True, slots=True)
class CallbackAnswer:
    """How the bot answered a button press (``answerCallbackQuery``)."""

    text: str
    show_alert: bool
    url: str | None
    cache_time: int


def call_matches(
    call: Call,
    method: str,
    chat_id: int | None,
    where: Callable[[Call], bool] | None,
    ok: bool | None,
) -> bool:
    """Whether ``call`` is a ``method`` call with the given chat, outcome and predicate."""
    if call.name != method.lower():
        return False
    if ok is not None and call.ok != ok:
        return False
    if chat_id is not None and call.chat_id != chat_id:
        return False
    return where is None or where(call)
