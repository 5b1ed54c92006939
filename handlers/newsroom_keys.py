"""Callback data of the newsroom's buttons: ``n:<verb>:<id>:<version>[:<value>]``.

Every button carries the draft's id and the version it was drawn for, so a press on an older
message is recognised (and refused) and two editors cannot both act on the same version.
Outbox buttons (an editor settling a post of unknown outcome) carry the row id instead and a
version of 0. All parts are ASCII; the whole string stays far below Telegram's 64 bytes.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

PREFIX = "n"
MAX_CALLBACK_BYTES = 64


class Verb(StrEnum):
    PUBLISH = "ap"  # ✅ نشر الآن
    SCHEDULE_MENU = "sc"  # 🕒 جدولة: offer slots
    SCHEDULE_AT = "sa"  # one slot (value: Unix seconds)
    UNSCHEDULE = "us"
    EDIT_MENU = "ed"  # ✏️ تعديل: which text
    EDIT_FIELD = "ef"  # value: EditField
    REGENERATE = "rg"  # 🔁 صياغة أخرى
    REJECT_MENU = "rj"  # ❌ رفض: now, or with a reason
    REJECT_NOW = "rn"
    REJECT_REASON = "rr"
    TOGGLE = "tg"  # value: Target
    BACK = "bk"  # back to the main keyboard
    RETRY = "rt"  # 🔁 إعادة المحاولة
    CONFIRM_SENT = "ok"  # an unknown channel post is out (id: outbox row)
    RESEND = "rs"  # an unknown channel post is not out: send it (id: outbox row)
    DELETE_POST = "dl"  # remove a post a feed made without review (id: outbox row)
    SUBMIT_SHARE = "sb"  # «📨 أرسلها للتحرير» under a private share reply (value: share id)


@dataclass(frozen=True, slots=True)
class NewsroomButton:
    verb: Verb
    id: int
    version: int = 0
    value: str = ""

    def encode(self) -> str:
        parts = [PREFIX, self.verb.value, str(self.id), str(self.version)]
        if self.value:
            if ":" in self.value:
                raise ValueError(f"a button value cannot contain ':': {self.value!r}")
            parts.append(self.value)
        data = ":".join(parts)
        if len(data.encode("utf-8")) > MAX_CALLBACK_BYTES:
            raise ValueError(f"callback_data over {MAX_CALLBACK_BYTES} bytes: {data!r}")
        return data

    @classmethod
    def decode(cls, data: str | None) -> NewsroomButton | None:
        """The button, or None for data this module did not write."""
        if not data:
            return None
        parts = data.split(":")
        if len(parts) not in (4, 5) or parts[0] != PREFIX:
            return None
        try:
            return cls(
                Verb(parts[1]), int(parts[2]), int(parts[3]), parts[4] if len(parts) == 5 else ""
            )
        except ValueError:
            return None


# For CallbackQueryHandler(pattern=…): only the newsroom's buttons.
PATTERN = rf"^{PREFIX}:"
