"""What a test switches on the server: flood limits, injected faults, a bot blocked or
removed from a chat, a method the server lacks — and what it reads back about them."""

from __future__ import annotations

import time

from devtools.botapi.chats import Chats
from devtools.botapi.faults import Fault, FaultKind
from devtools.botapi.flood import COUNTED_METHODS, TELEGRAM_LIMITS, FloodPolicy
from devtools.botapi.members import chat_member
from devtools.botapi.protocol import JSONDict, bool_param
from devtools.botapi.records import Call, CallbackAnswer


class Control(Chats):
    """The test's side of limits and failures (every switch is thread-safe)."""

    # ------------------------------------------------------------------ flood limits

    @property
    def flood_limits(self) -> FloodPolicy | None:
        return self._flood.policy

    def set_flood_limits(self, policy: FloodPolicy | None = TELEGRAM_LIMITS) -> None:
        """Enforce ``policy`` from now on (with empty windows); None switches limits off."""
        with self._cond:
            self._flood.reset(policy)

    def disable_flood_limits(self) -> None:
        """The explicit opt-out for a test that needs bursts Telegram would refuse."""
        self.set_flood_limits(None)

    # ------------------------------------------------------------------ one-off faults

    def fail_next(
        self,
        method: str | None = None,
        *,
        times: int = 1,
        retry_after: int = 1,
        chat_id: int | None = None,
    ) -> None:
        """Answer the next ``times`` matching calls 429 Too Many Requests, ``retry_after``."""
        self._inject(Fault(FaultKind.FLOOD, retry_after=retry_after), method, chat_id, times)

    def server_error_next(
        self,
        method: str | None = None,
        *,
        status: int = 500,
        times: int = 1,
        chat_id: int | None = None,
    ) -> None:
        """Answer the next matching calls with a 5xx and do nothing: 500 as the Bot API's
        JSON error, 502/504 as the HTML page Telegram's front servers send."""
        if not 500 <= status <= 599:
            raise ValueError("a server error is a 5xx status")
        self._inject(Fault(FaultKind.SERVER_ERROR, status=status), method, chat_id, times)

    def drop_next(
        self,
        method: str | None = None,
        *,
        after_processing: bool = False,
        times: int = 1,
        chat_id: int | None = None,
    ) -> None:
        """Close the connection of the next matching calls without an answer.

        ``after_processing``: the call is carried out first (the message exists, the
        call is recorded as successful) — a send whose outcome the bot cannot know.
        """
        kind = FaultKind.DROP_AFTER if after_processing else FaultKind.DROP
        self._inject(Fault(kind), method, chat_id, times)

    def slow_next(
        self,
        method: str | None = None,
        *,
        seconds: float,
        times: int = 1,
        chat_id: int | None = None,
    ) -> None:
        """Carry out the next matching calls, then hold their answer for ``seconds``."""
        self._inject(Fault(FaultKind.SLOW, seconds=seconds), method, chat_id, times)

    def _inject(self, fault: Fault, method: str | None, chat_id: int | None, times: int) -> None:
        fault = Fault(
            fault.kind,
            method.lower() if method else None,
            chat_id,
            fault.retry_after,
            fault.status,
            fault.seconds,
        )
        with self._cond:
            self._faults.extend([fault] * times)

    # ------------------------------------------------------------------ lasting conditions

    def block_bot(self, chat: JSONDict) -> None:
        """The user blocks the bot (private chat) or the bot is removed from a group or
        channel: every send there answers 403 until :meth:`unblock_bot`. The bot gets the
        ``my_chat_member`` update Telegram sends."""
        self._set_bot_status(chat, "kicked")

    def unblock_bot(self, chat: JSONDict) -> None:
        status = "administrator" if chat["type"] == "channel" else "member"
        self._set_bot_status(chat, status)

    def make_bot_admin(self, chat: JSONDict) -> None:
        """The bot becomes an administrator of a group or channel (in a group it then sees
        every message, privacy mode or not)."""
        self._set_bot_status(chat, "administrator")

    def _set_bot_status(self, chat: JSONDict, status: str) -> None:
        with self._cond:
            old = self._bot_status.get(chat["id"], "member")
            self._bot_status[chat["id"]] = status
            actor = self._users.get(chat["id"]) if chat["type"] == "private" else None
        by = actor or {"id": 777000, "is_bot": False, "first_name": "Telegram"}
        self.push_update(
            {
                "my_chat_member": {
                    "chat": chat,
                    "from": by,
                    "date": int(time.time()),
                    "old_chat_member": chat_member(self.bot_user, old, chat),
                    "new_chat_member": chat_member(self.bot_user, status, chat),
                }
            }
        )

    def disable_method(self, method: str) -> None:
        """Answer ``method`` 404 from now on, like a self-hosted server that lacks it."""
        with self._cond:
            self._disabled_methods.add(method.lower())

    def enable_method(self, method: str) -> None:
        with self._cond:
            self._disabled_methods.discard(method.lower())

    # ------------------------------------------------------------------ reading back

    def refusals(self, status: int = 429, *, since: int = 0) -> list[Call]:
        """Calls answered with ``status`` (every 429 by default)."""
        with self._cond:
            return [c for c in self.calls[since:] if c.status == status]

    def posts(self, chat_id: int | str, *, since: int = 0) -> list[Call]:
        """Messages the server accepted for ``chat_id`` (a number or @username): every
        successful send, copy or forward, in order."""
        with self._cond:
            key = self._chat_key(chat_id)
            return [
                c
                for c in self.calls[since:]
                if c.ok and c.name in COUNTED_METHODS and c.chat_id == key
            ]

    def messages_in(self, chat_id: int | str) -> list[JSONDict]:
        """The chat's messages as they are now (edits applied, deleted ones gone)."""
        with self._cond:
            key = self._chat_key(chat_id)
            return [m for (chat, _), m in sorted(self.messages.items()) if chat == key]

    def callback_answer(self, query_id: str) -> CallbackAnswer | None:
        """How the bot answered the button press ``query_id`` (None: not answered yet)."""
        with self._cond:
            params = self.callback_answers.get(query_id)
        if params is None:
            return None
        return CallbackAnswer(
            text=str(params.get("text") or ""),
            show_alert=bool_param(params, "show_alert"),
            url=params.get("url") or None,
            cache_time=int(params.get("cache_time") or 0),
        )
