"""Playing the users: messages (also forwarded channel posts), button presses, inline queries."""

from __future__ import annotations

import secrets
import time

from devtools.botapi.chats import Chats
from devtools.botapi.objects import photo_sizes, tiny_png
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
    ) -> JSONDict:
        """A user writes ``text`` (in a private chat unless ``chat`` is given).

        ``forward_from`` (a channel from :meth:`channel`) makes it a forwarded channel post;
        ``caption_photo`` sends a photo with ``text`` as its caption. Entities are detected
        as Telegram does unless given explicitly. Returns the message.
        """
        chat = chat or self.private_chat(user)
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
        if forward_from is not None:
            message["forward_origin"] = {
                "type": "channel",
                "chat": forward_from,
                "message_id": secrets.randbelow(10_000) + 1,
                "date": int(time.time()) - 60,
            }
        self._save_message(message)
        self.push_update({"message": message})
        return message

    def press_button(self, user: JSONDict, message: JSONDict, data: str) -> str:
        """A user presses the inline button carrying ``data`` under ``message``."""
        query_id = str(next(self._query_ids) * 1_000_003 + user["id"])
        with self._cond:
            # The button sits under the message as it is now, edits included.
            message = self.messages.get((message["chat"]["id"], message["message_id"]), message)
        query = {
            "id": query_id,
            "from": user,
            "message": message,
            "chat_instance": str(abs(hash((message["chat"]["id"], "instance")))),
            "data": data,
        }
        with self._cond:
            self.callback_queries[query_id] = {**query, "_at": time.monotonic()}
        self.push_update({"callback_query": query})
        return query_id

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
