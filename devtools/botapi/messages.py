"""Text methods: sendMessage, sendChatAction, editMessage*, deleteMessage."""

from __future__ import annotations

import time
from typing import Any

from devtools.botapi.chats import Chats
from devtools.botapi.objects import check_markup
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


class MessageMethods(Chats):
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
        return self._edit(params, {"text": text, "entities": entities}, needs="text")

    def _m_editmessagecaption(self, params: JSONDict, files: dict[str, UploadedFile]) -> Any:
        caption, entities = formatted(
            params, "caption", "caption_entities", MAX_CAPTION, "message caption is too long"
        )
        return self._edit(params, {"caption": caption, "caption_entities": entities}, needs=None)

    def _m_editmessagereplymarkup(self, params: JSONDict, files: dict[str, UploadedFile]) -> Any:
        return self._edit(params, {}, needs=None)

    def _m_deletemessage(self, params: JSONDict, files: dict[str, UploadedFile]) -> bool:
        chat = self._chat(params)
        key = (chat["id"], int_param(params, "message_id", required=True))
        with self._cond:
            if self.messages.pop(key, None) is None:
                raise bad_request("message to delete not found")
        return True

    def _edit(self, params: JSONDict, changes: JSONDict, *, needs: str | None) -> Any:
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
