"""The simulated world's objects: users, chats, messages and stored files."""

from __future__ import annotations

import io
import itertools
import secrets
import time

from PIL import Image, UnidentifiedImageError

from devtools.botapi.objects import check_markup
from devtools.botapi.parse_mode import formatted
from devtools.botapi.protocol import (
    MAX_CAPTION,
    APIError,
    JSONDict,
    bad_request,
    forbidden,
    int_param,
)
from devtools.botapi.records import StoredFile
from devtools.botapi.state import ServerState


class Chats(ServerState):
    """Builds and keeps users, chats, messages and files with Bot API 9.x shapes.

    Each chat also holds the bot's membership (``member``, ``administrator``, ``kicked`` …):
    a user who blocked the bot or a group that removed it answers 403, as Telegram does.
    """

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
        with self._cond:
            self._users[user_id] = user
        return user

    def private_chat(self, user: JSONDict) -> JSONDict:
        chat = {"id": user["id"], "type": "private", "first_name": user["first_name"]}
        if "username" in user:
            chat["username"] = user["username"]
        with self._cond:
            known = self._chats.get(chat["id"])
            if known is not None:
                return known  # the same chat, whatever state (blocked …) it is in
            self._members.setdefault(chat["id"], {})[user["id"]] = "member"
            self._users.setdefault(user["id"], user)
        return self._remember_chat(chat, bot_status="member")

    def group(
        self,
        chat_id: int,
        title: str,
        *,
        supergroup: bool = True,
        username: str | None = None,
        bot_is_admin: bool = False,
    ) -> JSONDict:
        """A group the bot is a member of (an administrator with ``bot_is_admin``: then it
        receives every message, privacy mode or not). A public supergroup has a
        ``username`` and can be addressed as ``@username``."""
        kind = "supergroup" if supergroup else "group"
        chat: JSONDict = {"id": chat_id, "type": kind, "title": title}
        if username:
            chat["username"] = username
        return self._remember_chat(chat, bot_status="administrator" if bot_is_admin else "member")

    def channel(
        self, chat_id: int, title: str, *, username: str | None = None, bot_is_admin: bool = True
    ) -> JSONDict:
        """A channel (ids look like -100…); a bot can only post in it as an administrator.
        With ``username`` it is public and can be addressed as ``@username``."""
        chat: JSONDict = {"id": chat_id, "type": "channel", "title": title}
        if username:
            chat["username"] = username
        return self._remember_chat(chat, bot_status="administrator" if bot_is_admin else "left")

    def add_member(self, chat: JSONDict, user: JSONDict, status: str = "member") -> None:
        """Make ``user`` a member of ``chat`` (``member``, ``administrator``, ``creator``,
        ``left`` or ``kicked``), as ``getChatMember`` will report."""
        if status not in {"member", "administrator", "creator", "left", "kicked"}:
            raise ValueError(f"unknown chat member status {status!r}")
        with self._cond:
            self._users.setdefault(user["id"], user)
            self._members.setdefault(chat["id"], {})[user["id"]] = status

    def _remember_chat(self, chat: JSONDict, *, bot_status: str) -> JSONDict:
        with self._cond:
            self._chats[chat["id"]] = chat
            self._bot_status[chat["id"]] = bot_status
            if chat.get("username") and chat["type"] != "private":
                self._usernames[str(chat["username"]).lower()] = chat["id"]
        return chat

    def _chat(self, params: JSONDict, *, sending: bool = True) -> JSONDict:
        """The chat ``chat_id`` names (a number, or ``@username`` of a public chat); 400
        when unknown, 403 when the bot may not write there and ``sending``."""
        chat = self._find_chat(params.get("chat_id"))
        if sending:
            with self._cond:
                status = self._bot_status.get(chat["id"], "member")
            if status in {"kicked", "left"}:
                raise forbidden(_refusal(chat, status))
        return chat

    def _find_chat(self, raw: object) -> JSONDict:
        if raw is None or raw == "":
            raise bad_request("chat_id is empty")
        with self._cond:
            if isinstance(raw, str) and raw.startswith("@"):
                chat_id = self._usernames.get(raw[1:].lower())
            else:
                try:
                    chat_id = int(str(raw))
                except ValueError:
                    chat_id = None
            chat = self._chats.get(chat_id) if chat_id is not None else None
        if chat is None:
            raise bad_request("chat not found")
        return chat

    def _resolve_chat_id(self, params: JSONDict) -> int | None:
        """The numeric id of ``chat_id`` when it names a known chat (for the records)."""
        try:
            return int(self._find_chat(params.get("chat_id"))["id"])
        except APIError:
            return None

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
        with self._cond:  # what the bot may edit and delete later
            self._by_bot.add((chat["id"], message["message_id"]))
        if replied is not None:
            message["reply_to_message"] = quoted(replied)
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


def quoted(message: JSONDict) -> JSONDict:
    """A message as ``reply_to_message`` carries it: Telegram never nests a further reply."""
    return {k: v for k, v in message.items() if k != "reply_to_message"}


def _refusal(chat: JSONDict, status: str) -> str:
    """Telegram's 403 description for a chat the bot may not write to."""
    kind = chat["type"]
    if kind == "private":
        return "bot was blocked by the user"
    if status == "left":
        return f"bot is not a member of the {kind} chat"
    return f"bot was kicked from the {kind} chat"
