"""Faults a test can inject into the next calls: what goes wrong between a bot and Telegram.

Persistent conditions (a user who blocked the bot, a group that kicked it, a method the
server lacks) are chat or server state instead: see :mod:`devtools.botapi.control`.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class FaultKind(StrEnum):
    FLOOD = "429"  # Too Many Requests with retry_after; nothing is done
    SERVER_ERROR = "5xx"  # Telegram's side failed; nothing is done
    DROP = "drop"  # the connection is closed before the request is processed
    DROP_AFTER = "drop-after"  # processed (the message exists), then closed without answer
    SLOW = "slow"  # processed, the answer held back


@dataclass(frozen=True, slots=True)
class Fault:
    """One injected fault, used up by the first call it matches.

    ``method`` (lower case) None matches any method but ``getUpdates``, so that a bot's long
    poll does not swallow a fault meant for its messages; ``chat_id`` None matches any chat.
    """

    kind: FaultKind
    method: str | None = None
    chat_id: int | None = None
    retry_after: int = 1
    status: int = 500
    seconds: float = 0.0

    def matches(self, name: str, chat_id: int | None) -> bool:
        if self.method is None and name == "getupdates":
            return False
        if self.method is not None and self.method != name:
            return False
        return self.chat_id is None or self.chat_id == chat_id


def take_fault(faults: list[Fault], name: str, chat_id: int | None) -> Fault | None:
    """Remove and return the first fault matching a call (the caller holds the lock)."""
    for index, fault in enumerate(faults):
        if fault.matches(name, chat_id):
            del faults[index]
            return fault
    return None
