"""The Bot API's wire conventions: tokens and paths, error answers, reading parameters.

Answers are ``{"ok": true, "result": …}`` or ``{"ok": false, "error_code", "description",
"parameters"}`` with the matching HTTP status; JSON-typed fields travel as JSON strings inside
forms (see :data:`JSON_FIELDS`).
"""

from __future__ import annotations

import re
from typing import Any

JSONDict = dict[str, Any]

DEFAULT_TOKEN = "123456789:AAE-local-test-token-for-nashir-bot-1"
TOKEN_SHAPE = re.compile(r"\d+:[A-Za-z0-9_-]{30,}")
METHOD_PATH = re.compile(r"/bot(?P<token>[^/]+)/(?P<method>[A-Za-z0-9_]+)/?")
FILE_PATH = re.compile(r"/file/bot(?P<token>[^/]+)/(?P<path>.+)")

# Fields that are JSON-serialised when a request is sent as a form or multipart body.
JSON_FIELDS = frozenset(
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
        "message_ids",
    }
)
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


def too_many(retry_after: int) -> APIError:
    return APIError(
        429, f"Too Many Requests: retry after {retry_after}", {"retry_after": retry_after}
    )


def forbidden(reason: str) -> APIError:
    return APIError(403, f"Forbidden: {reason}")


class GatewayError(APIError):
    """A 5xx from Telegram's front servers: an HTML page, not the Bot API's JSON."""

    def html(self) -> bytes:
        title = f"{self.code} {self.description}"
        return (
            f"<html>\r\n<head><title>{title}</title></head>\r\n<body>\r\n"
            f"<center><h1>{title}</h1></center>\r\n<hr><center>nginx/1.18.0</center>\r\n"
            "</body>\r\n</html>\r\n"
        ).encode()


def error_body(exc: APIError) -> JSONDict:
    body: JSONDict = {"ok": False, "error_code": exc.code, "description": exc.description}
    if exc.parameters:
        body["parameters"] = exc.parameters
    return body


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def update_allowed(update: JSONDict, allowed: list[str] | None) -> bool:
    """Whether ``update`` is of a kind listed in ``allowed_updates`` (empty = every kind)."""
    if not allowed:
        return True
    return any(kind in update for kind in allowed)


def int_param(params: JSONDict, name: str, *, default: int = 0, required: bool = False) -> int:
    value = params.get(name)
    if value is None or value == "":
        if required:
            raise bad_request(f"{name} is empty")
        return default
    try:
        return int(value)
    except (TypeError, ValueError):
        raise bad_request(f"invalid {name} specified") from None


def float_param(params: JSONDict, name: str, *, default: float) -> float:
    value = params.get(name)
    if value is None or value == "":
        return default
    try:
        return float(value)
    except (TypeError, ValueError):
        raise bad_request(f"invalid {name} specified") from None


def bool_param(params: JSONDict, name: str) -> bool:
    value = params.get(name)
    return value is True or str(value).lower() in {"true", "1"}
