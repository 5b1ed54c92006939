"""Playing the editors against a running bot through the local Bot API server: submit a
link in the editors' group, press a draft's buttons, answer the bot's questions about posts
of unknown outcome. Shared by the end-to-end tests and ``bench/publish.py``.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from devtools.botapi import BotAPIServer, Call
from devtools.xapi import CREDENTIALS, XAPIServer

DESK_ID = -1009876543210
CHANNEL_ID = -1001234567890
CHANNEL = "@akhbar_sahel"
EDITOR = 501
JOURNALIST = 777
UNKNOWN_MARK = "لا نعرف"
PUBLISHED_MARK = "نُشرت"


def newsroom_env(xapi: XAPIServer, *, database: str = "data/nashir.sqlite3") -> dict[str, str]:
    """Settings, as environment variables, for a bot with a desk, a channel and X."""
    return {
        "EDITOR_CHAT_ID": str(DESK_ID),
        "EDITOR_USER_IDS": str(EDITOR),
        "CHANNEL_ID": CHANNEL,
        "X_API_KEY": CREDENTIALS["api_key"],
        "X_API_SECRET": CREDENTIALS["api_secret"],
        "X_ACCESS_TOKEN": CREDENTIALS["access_token"],
        "X_ACCESS_TOKEN_SECRET": CREDENTIALS["access_token_secret"],
        "X_API_BASE_URL": xapi.root,
        "DATABASE_URL": database,
        "FETCH_ALLOW_PRIVATE_HOSTS": "true",
        "SITE_NAME": "أخبار الساحل",
    }


@dataclass
class Desk:
    api: BotAPIServer
    group: dict[str, Any]
    answered: set[int] = field(default_factory=set)  # questions already answered

    @classmethod
    def open(cls, api: BotAPIServer) -> Desk:
        api.channel(CHANNEL_ID, "أخبار الساحل", username=CHANNEL.lstrip("@"))
        return cls(api, api.group(DESK_ID, "تحرير أخبار الساحل", bot_is_admin=True))

    def submit(self, url: str, *, timeout: float = 90.0) -> Call:
        """A journalist posts ``url`` in the group; returns the draft's message."""
        mark = self.api.mark()
        self.api.send_message(self.api.user(JOURNALIST, "هشام"), f"للنشر: {url}", chat=self.group)
        return self.api.wait_for("sendPhoto", since=mark, chat_id=DESK_ID, timeout=timeout)[0]

    def press(self, message: dict[str, Any], label: str, *, user_id: int = EDITOR) -> str:
        return self.api.press_button(self.api.user(user_id, "سلمى"), message, text=label)

    def unknown_alerts(self, since: int = 0) -> list[Call]:
        return self.api.find(
            "sendMessage",
            since=since,
            chat_id=DESK_ID,
            where=lambda c: UNKNOWN_MARK in str(c.params.get("text", "")),
        )

    def reports(self, since: int = 0) -> list[Call]:
        return self.api.find(
            "sendMessage",
            since=since,
            chat_id=DESK_ID,
            where=lambda c: (
                str(c.params.get("text", "")).startswith(("✅", "⚠️"))
                and PUBLISHED_MARK in str(c.params.get("text", ""))
            ),
        )

    def settle_unknowns(self, is_posted: Callable[[int], bool], since: int = 0) -> int:
        """Answer every «لا نعرف…» question as an editor who checked the channel would:
        «تم النشر» when draft N's post is there (``is_posted(N)``), «أعد النشر» when it is
        not. Returns how many were answered."""
        answered = 0
        for alert in self.unknown_alerts(since):
            if alert.result["message_id"] in self.answered:
                continue
            self.answered.add(alert.result["message_id"])
            found = re.search(r"#(\d+)", str(alert.params.get("text", "")))
            draft_id = int(found.group(1)) if found else 0
            label = "✅ تم النشر" if is_posted(draft_id) else "📤 أعد النشر"
            self.press(alert.result, label)
            answered += 1
        return answered


def wait_until(condition: Any, *, timeout: float, every: float = 0.1) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(every)
    return bool(condition())
