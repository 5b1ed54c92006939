"""Text methods and changes: sendMessage, sendChatAction, editMessage*, deleteMessage."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from devtools.botapi.media import MediaMethods, document
from devtools.botapi.objects import check_markup, photo_sizes, upload_for
from devtools.botapi.parse_mode import formatted
from devtools.botapi.protocol import (
    MAX_CAPTION,
    MAX_TEXT,
    JSONDict,
    bad_request,
    int_param,
)
from devtools.botapi.records import UploadedFile

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


_MEDIA_FIELDS = ("photo", "document", "video", "animation", "audio", "voice")


class MessageMethods(MediaMethods):
    """Sending, editing and deleting messages, validated like the real server."""

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
        text, entities = formatted(params, "text", "entities", MAX_TEXT, "message is too long")
        if not text:
            raise bad_request("message text is empty")
        message = self._bot_message(chat, params)
        message["text"] = text
        if entities:
            message["entities"] = entities
        return self._save_message(message)

    def _m_editmessagetext(self, params: JSONDict, files: dict[str, UploadedFile]) -> Any:
        text, entities = formatted(params, "text", "entities", MAX_TEXT, "message is too long")
        if not text:
            raise bad_request("message text is empty")

        def change(current: JSONDict) -> JSONDict:
            if "text" not in current:
                raise bad_request("there is no text in the message to edit")
            return {"text": text, "entities": entities}

        return self._edit(params, change)

    def _m_editmessagecaption(self, params: JSONDict, files: dict[str, UploadedFile]) -> Any:
        caption, entities = formatted(
            params, "caption", "caption_entities", MAX_CAPTION, "message caption is too long"
        )

        def change(current: JSONDict) -> JSONDict:
            if not has_media(current):
                raise bad_request("there is no caption in the message to edit")
            return {"caption": caption, "caption_entities": entities}

        return self._edit(params, change)

    def _m_editmessagemedia(self, params: JSONDict, files: dict[str, UploadedFile]) -> Any:
        media = params.get("media")
        if not isinstance(media, dict) or media.get("type") not in {"photo", "document"}:
            raise bad_request("can't parse InputMedia: photo or document expected")
        if params.get("inline_message_id") and upload_for(media.get("media"), files):
            raise bad_request("can't upload a new file to an inline message")
        caption, entities = formatted(
            media, "caption", "caption_entities", MAX_CAPTION, "message caption is too long"
        )
        stored = self._input_file(media.get("media"), files, media["type"])

        def change(current: JSONDict) -> JSONDict:
            if not has_media(current):
                raise bad_request("there is no media in the message to edit")
            new: JSONDict = {"photo": None, "document": None}
            if media["type"] == "photo":
                new["photo"] = photo_sizes(stored)
            else:
                new["document"] = document(stored, None)
            return {**new, "caption": caption, "caption_entities": entities}

        return self._edit(params, change, compare=("photo", "document"))

    def _m_editmessagereplymarkup(self, params: JSONDict, files: dict[str, UploadedFile]) -> Any:
        return self._edit(params, lambda current: {})

    def _m_deletemessage(self, params: JSONDict, files: dict[str, UploadedFile]) -> bool:
        chat = self._chat(params)
        key = (chat["id"], int_param(params, "message_id", required=True))
        with self._cond:
            if key not in self.messages:
                raise bad_request("message to delete not found")
            # Its own messages anywhere; others' in a private chat, or as an administrator.
            allowed = (
                key in self._by_bot
                or chat["type"] == "private"
                or self._bot_status.get(chat["id"]) == "administrator"
            )
            if not allowed:
                raise bad_request("message can't be deleted")
            del self.messages[key]
        return True

    def _edit(
        self,
        params: JSONDict,
        change: Callable[[JSONDict], JSONDict],
        *,
        compare: tuple[str, ...] = (),
    ) -> Any:
        """Apply ``change(current message)`` (fields to set; empty values remove them) and
        the new inline keyboard (none given = removed, as Telegram does)."""
        markup = params.get("reply_markup")
        if markup is not None:
            check_markup(markup)
        if params.get("inline_message_id"):
            return True
        chat = self._chat(params)
        key = (chat["id"], int_param(params, "message_id", required=True))
        with self._cond:
            current = self.messages.get(key)
            if current is None:
                raise bad_request("message to edit not found")
            if key not in self._by_bot:
                raise bad_request("message can't be edited")
            edited = dict(current)
            for name, value in change(current).items():
                if value:
                    edited[name] = value
                else:
                    edited.pop(name, None)
            if markup is not None and markup.get("inline_keyboard"):
                edited["reply_markup"] = markup
            else:
                edited.pop("reply_markup", None)
            comparable = (
                "text",
                "caption",
                "reply_markup",
                "entities",
                "caption_entities",
                *compare,
            )
            if all(edited.get(k) == current.get(k) for k in comparable):
                raise bad_request(
                    "message is not modified: specified new message content and reply markup "
                    "are exactly the same as a current content and reply markup of the message"
                )
            edited["edit_date"] = int(time.time())
            self.messages[key] = edited
        return edited


def has_media(message: JSONDict) -> bool:
    return any(kind in message for kind in _MEDIA_FIELDS)
