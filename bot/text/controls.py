"""Invisible characters that must never reach a post, a card or a chat message.

Bidi embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069) pasted into a title
reorder everything after them in every client that shows the post: a hostile user can make a
headline read backwards, and an honest copy from a word processor leaves them by accident.
NUL and the other C0/C1 controls (except tab and newline) break files and some APIs. The
marks LRM/RLM/ALM are kept: they only nudge neutral characters and Arabic text uses them
legitimately next to Latin names and numbers.
"""

from __future__ import annotations

import re

_CONTROLS = re.compile(
    "[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f"  # C0/C1 except \t \n \r
    "\u202a-\u202e\u2066-\u2069\ufeff\ufff9-\ufffb]"  # bidi controls, BOM, annotations
)


def remove_controls(text: str) -> str:
    """``text`` without bidi controls, NUL and other control characters (``\\r`` → ``\\n``)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROLS.sub("", text)
