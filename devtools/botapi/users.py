"""Playing the users: messages (replies, forwarded channel posts), channel posts, button
presses and inline queries."""

from __future__ import annotations

import secrets
import time

from devtools.botapi.chats import Chats, quoted
from devtools.botapi.objects import inline_buttons, photo_sizes, tiny_png
from devtools.botapi.parse_mode import detect_entities
from devtools.botapi.protocol import JSONDict


class Users(Chats):
    """What a test does as a Telegram user; each action queues the update the bot gets."""

    def send_message(
        self,
        user: JSONDict,
        text: str,
        *,
        chat: JSONDict | None = None,
        entities: list[JSONDict] | None = None,
        forward_from: JSONDict | None = None,
        caption_photo: bool = False,
        reply_to: JSONDict | None = None,
    ) -> JSONDict:
        """A user writes ``text`` (in a private chat unless ``chat`` is given).

        ``forward_from`` (a channel from :meth:`channel`) makes it a forwarded channel post;
        ``caption_photo`` sends a photo with ``text`` as its caption; ``reply_to`` (a
        message of that chat, e.g. the bot's ForceReply prompt) makes it a reply. Entities
        are detected as Telegram does unless given explicitly.

        In a group, privacy mode (on unless the server was built with
        ``privacy_mode=False``) hides from a bot that is not an administrator every message
        but commands, mentions of the bot and replies to the bot's messages: the message
        is kept, the bot gets no update. Returns the message.
        """
        chat = chat or self.private_chat(user)
        if chat["type"] != "private":
            with self._cond:
                self._users.setdefault(user["id"], user)
                self._members.setdefault(chat["id"], {}).setdefault(user["id"], "member")
        message = self._new_message(chat, sender=user)
        found = detect_entities(text) if entities is None else entities
        if caption_photo:
            stored = self._store_file(tiny_png(), "photo")
            message["photo"] = photo_sizes(stored)
            message["caption"] = text
            if found:
                message["caption_entities"] = found
        else:
            message["text"] = text
            if found:
                message["entities"] = found
        if reply_to is not None:
            with self._cond:
                current = self.messages.get((chat["id"], reply_to["message_id"]))
            if current is None:
                raise AssertionError("the message replied to is not in this chat (deleted?)")
            message["reply_to_message"] = quoted(current)
        if forward_from is not None:
            message["forward_origin"] = {
                "type": "channel",
                "chat": forward_from,
                "message_id": secrets.randbelow(10_000) + 1,
                "date": int(time.time()) - 60,
            }
        self._save_message(message)
        if self._bot_sees(message, found):
            self.push_update({"message": message})
        return message

    def post_in_channel(
        self,
        channel: JSONDict,
        text: str,
        *,
        author: str | None = None,
        entities: list[JSONDict] | None = None,
    ) -> JSONDict:
        """An administrator posts ``text`` in ``channel``; a bot administrator of the
        channel gets it as a ``channel_post`` update. Returns the post."""
        post = self._new_message(channel, sender=channel)
        post["text"] = text
        found = detect_entities(text) if entities is None else entities
        if found:
            post["entities"] = found
        if author:
            post["author_signature"] = author
        self._save_message(post)
        with self._cond:
            admin = self._bot_status.get(channel["id"]) == "administrator"
        if admin:
            self.push_update({"channel_post": post})
        return post

    def press_button(
        self,
        user: JSONDict,
        message: JSONDict,
        data: str | None = None,
        *,
        text: str | None = None,
    ) -> str:
        """A user presses an inline button under ``message``: the one carrying ``data``,
        or the one labelled ``text`` on the message as it is now. Any user may press (in a
        group, several users press the same buttons); returns the callback query id."""
        with self._cond:
            # The button sits under the message as it is now, edits included.
            message = self.messages.get((message["chat"]["id"], message["message_id"]), message)
        if text is not None:
            button = next((b for b in inline_buttons(message) if b.get("text") == text), None)
            if button is None or "callback_data" not in button:
                labels = [b.get("text") for b in inline_buttons(message)]
                raise AssertionError(f"no callback button {text!r} under the message: {labels}")
            data = str(button["callback_data"])
        if data is None:
            raise TypeError("press_button needs the button's data or its text")
        query_id = str(next(self._query_ids) * 1_000_003 + user["id"])
        query = {
            "id": query_id,
            "from": user,
            "message": message,
            "chat_instance": str(abs(hash((message["chat"]["id"], "instance")))),
            "data": data,
        }
        with self._cond:
            self._users.setdefault(user["id"], user)
            self.callback_queries[query_id] = {**query, "_at": time.monotonic()}
        self.push_update({"callback_query": query})
        return query_id

    def _bot_sees(self, message: JSONDict, entities: list[JSONDict]) -> bool:
        """Whether privacy mode lets a group message through to the bot."""
        chat = message["chat"]
        if chat["type"] not in {"group", "supergroup"} or not self.privacy_mode:
            return True
        with self._cond:
            if self._bot_status.get(chat["id"]) == "administrator":
                return True
            if self._bot_status.get(chat["id"]) in {"kicked", "left"}:
                return False
        text = str(message.get("text") or message.get("caption") or "")
        mention = "@" + str(self.bot_user["username"]).lower()
        for entity in entities:
            piece = text[entity["offset"] : entity["offset"] + entity["length"]].lower()
            if entity["type"] == "bot_command" and entity["offset"] == 0:
                return "@" not in piece or piece.endswith(mention)
            if entity["type"] == "mention" and piece == mention:
                return True
        replied = message.get("reply_to_message")
        return replied is not None and replied.get("from", {}).get("id") == self.bot_user["id"]

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
