"""Inline keyboards and callback data: small pure helpers, the 64-byte limit enforced here.

The share keyboard is the article's «شارك على منصتك المفضلة» footer made real: URL buttons that
open each platform's share page prefilled with that platform's draft, then buttons that show
each platform's ready text and send the card in other sizes. Callback buttons carry a short
action, the share's id and one value — never text.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.models import CardSize, Draft, Platform
from bot.platforms import PLATFORMS
from handlers.texts import Texts

MAX_CALLBACK_BYTES = 64
_SEPARATOR = ":"

# The share footer, in the order the issue lists its platforms.
FOOTER_PLATFORMS: tuple[Platform, ...] = (
    Platform.X,
    Platform.FACEBOOK,
    Platform.WHATSAPP,
    Platform.TELEGRAM,
    Platform.LINKEDIN,
)
URL_BUTTONS_PER_ROW = 3
TEXT_BUTTONS_PER_ROW = 3
CARD_BUTTONS_PER_ROW = 2


class ButtonKind(StrEnum):
    HEADER = "h"  # the footer's title: explains the buttons
    TEXT = "t"  # show a platform's ready text
    CARD = "c"  # send the card in another size


_VALUE_TYPES: dict[ButtonKind, type[StrEnum] | None] = {
    ButtonKind.HEADER: None,
    ButtonKind.TEXT: Platform,
    ButtonKind.CARD: CardSize,
}


@dataclass(frozen=True, slots=True)
class ButtonAction:
    """What a callback button asks for: ``kind:share_id[:value]``."""

    kind: ButtonKind
    share_id: str
    value: str = ""

    def encode(self) -> str:
        """The callback_data string.

        Raises:
            ValueError: the data would exceed Telegram's 64 bytes, or a part contains ":".
        """
        parts = [self.kind.value, self.share_id, *([self.value] if self.value else [])]
        if any(not part or _SEPARATOR in part for part in parts):
            raise ValueError(f"callback parts must be non-empty and free of ':': {parts!r}")
        data = _SEPARATOR.join(parts)
        size = len(data.encode("utf-8"))
        if size > MAX_CALLBACK_BYTES:
            raise ValueError(
                f"callback_data is {size} bytes, over Telegram's {MAX_CALLBACK_BYTES}"
            )
        return data

    @classmethod
    def decode(cls, data: str | None) -> ButtonAction | None:
        """Parse callback_data; ``None`` for anything this bot did not write."""
        if not data:
            return None
        parts = data.split(_SEPARATOR)
        if len(parts) not in (2, 3):
            return None
        try:
            kind = ButtonKind(parts[0])
        except ValueError:
            return None
        value = parts[2] if len(parts) == 3 else ""
        value_type = _VALUE_TYPES[kind]
        if (value_type is None) != (value == ""):
            return None
        if value_type is not None and value not in {member.value for member in value_type}:
            return None
        return cls(kind, parts[1], value)

    @property
    def platform(self) -> Platform:
        return Platform(self.value)

    @property
    def card_size(self) -> CardSize:
        return CardSize(self.value)


def callback_button(label: str, action: ButtonAction) -> InlineKeyboardButton:
    return InlineKeyboardButton(label, callback_data=action.encode())


def rows(
    buttons: Sequence[InlineKeyboardButton], per_row: int
) -> list[list[InlineKeyboardButton]]:
    return [list(buttons[i : i + per_row]) for i in range(0, len(buttons), per_row)]


def share_keyboard(
    share_id: str,
    drafts: Sequence[Draft],
    *,
    card_sizes: Iterable[CardSize],
    texts: Texts,
) -> InlineKeyboardMarkup:
    """The keyboard under a shared card.

    Args:
        share_id: the stored share's short id, carried by every callback button.
        drafts: the share's drafts; footer platforms whose draft has a share page get a URL
            button, every draft gets a «📋» button.
        card_sizes: sizes offered by «🖼️» buttons (the one already shown left out by caller).
        texts: labels.
    """
    by_platform = {draft.platform: draft for draft in drafts}
    url_buttons = [
        InlineKeyboardButton(
            texts.label("share_button", PLATFORMS[platform].name_ar), url=draft.share_url
        )
        for platform in FOOTER_PLATFORMS
        if (draft := by_platform.get(platform)) is not None and draft.share_url
    ]
    text_buttons = [
        callback_button(
            texts.label("text_button", PLATFORMS[draft.platform].name_ar),
            ButtonAction(ButtonKind.TEXT, share_id, draft.platform.value),
        )
        for draft in drafts
    ]
    card_buttons = [
        callback_button(
            texts.label("card_button", size.value),
            ButtonAction(ButtonKind.CARD, share_id, size.value),
        )
        for size in card_sizes
    ]
    keyboard: list[list[InlineKeyboardButton]] = []
    if url_buttons:
        header = ButtonAction(ButtonKind.HEADER, share_id)
        keyboard.append([callback_button(texts.label("share_header"), header)])
        keyboard += rows(url_buttons, URL_BUTTONS_PER_ROW)
    keyboard += rows(text_buttons, TEXT_BUTTONS_PER_ROW)
    keyboard += rows(card_buttons, CARD_BUTTONS_PER_ROW)
    return InlineKeyboardMarkup(keyboard)
