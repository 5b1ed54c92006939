"""Bot API object shapes that need no server state: keyboards, photo sizes, uploads."""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

from PIL import Image

from devtools.botapi.protocol import JSONDict, bad_request
from devtools.botapi.records import StoredFile, UploadedFile

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


def check_markup(markup: Any) -> None:
    """Reject an inline keyboard the real server would refuse (raises :class:`APIError`)."""
    if not isinstance(markup, dict):
        raise bad_request("can't parse reply keyboard markup JSON object")
    if "force_reply" in markup:
        # ForceReply: the user's client opens a reply to the bot's message.
        if markup["force_reply"] is not True:
            raise bad_request("can't parse reply keyboard markup JSON object")
        placeholder = markup.get("input_field_placeholder")
        if placeholder is not None and not 1 <= len(str(placeholder)) <= 64:
            raise bad_request("input field placeholder must be 1-64 characters long")
        return
    rows = markup.get("inline_keyboard")
    if rows is None:
        return  # reply keyboards and their removal: accepted without inspection
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


def inline_buttons(message: JSONDict) -> Iterator[JSONDict]:
    """Every button of a message's inline keyboard, row by row."""
    for row in (message.get("reply_markup") or {}).get("inline_keyboard", []):
        yield from row


def upload_for(value: Any, files: dict[str, UploadedFile]) -> UploadedFile | None:
    """The multipart part an ``attach://<part>`` value points at (None for other values)."""
    if isinstance(value, str) and value.startswith("attach://"):
        upload = files.get(value.removeprefix("attach://"))
        if upload is None:
            raise bad_request("wrong file identifier/HTTP URL specified")
        return upload
    return None


def photo_sizes(stored: StoredFile) -> list[JSONDict]:
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


def tiny_png() -> bytes:
    """A 4×4 PNG: the photo of a user's captioned message."""
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), (14, 32, 56)).save(buffer, "PNG")
    return buffer.getvalue()
