"""The simulated world's objects: users, chats, messages and stored files."""

from __future__ import annotations

import io
import itertools
import secrets
import time

from PIL import Image, UnidentifiedImageError

from devtools.botapi.objects import check_markup
from devtools.botapi.parse_mode import formatted
from devtools.botapi.protocol import MAX_CAPTION, JSONDict, bad_request, int_param
from devtools.botapi.records import StoredFile
from devtools.botapi.state import ServerState


class Chats(ServerState):
    """Builds and keeps users, chats, messages and files with Bot API 9.x shapes."""

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
            check_markup(markup)
        reply = params.get("reply_parameters")
        if reply is None and params.get("reply_to_message_id") is not None:
            reply = {"message_id": int_param(params, "reply_to_message_id")}
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
        caption, entities = formatted(
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
