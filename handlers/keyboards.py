"""Inline keyboards and callback data: small pure helpers, the 64-byte limit enforced here.

The share keyboard is the article's «شارك على منصتك المفضلة» footer made real, kept small:
one row of share pages prefilled with each platform's draft, and two buttons that swap the
keyboard in place for the nine ready texts («📋») or the other card sizes («🖼️»), each with
«رجوع». Callback buttons carry a short action, the share's id and one value — never text.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from urllib.parse import parse_qsl, urlsplit

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.models import CardSize, Draft, Platform
from bot.platforms import PLATFORMS
from bot.platforms.links import plain_text, text_without_link
from handlers.texts import Texts

MAX_CALLBACK_BYTES = 64
_SEPARATOR = ":"
_START_SEPARATOR = "_"  # t.me/<bot>?start= allows only A–Z, a–z, 0–9, _ and -
_START_PARAMETER = re.compile(r"[A-Za-z0-9_-]{1,64}")

# The share row: the article footer's platforms in its order, then Threads and Bluesky.
SHARE_ROW_PLATFORMS: tuple[Platform, ...] = (
    Platform.X,
    Platform.FACEBOOK,
    Platform.WHATSAPP,
    Platform.TELEGRAM,
    Platform.LINKEDIN,
    Platform.THREADS,
    Platform.BLUESKY,
)
SHARE_BUTTONS_PER_ROW = 4
TEXT_BUTTONS_PER_ROW = 3
CARD_BUTTONS_PER_ROW = 2
# A share page "carries the prepared text" when one of its parameters holds this share of
# the draft's words (the link aside): a page that takes only the URL holds none of them.
CARRIED_WORDS = 0.9


class ButtonKind(StrEnum):
    HEADER = "h"  # the footer's title, on keyboards sent before the menus (still answered)
    TEXT = "t"  # show a platform's ready text
    CARD = "c"  # send the card in another size
    MENU = "m"  # swap the keyboard for another of its pages


class Menu(StrEnum):
    """The keyboard's pages, swapped in place under the card."""

    MAIN = "main"  # share row + the two buttons below
    TEXTS = "texts"  # the nine «📋» texts
    CARDS = "cards"  # the other card sizes


_VALUE_TYPES: dict[ButtonKind, type[StrEnum] | None] = {
    ButtonKind.HEADER: None,
    ButtonKind.TEXT: Platform,
    ButtonKind.CARD: CardSize,
    ButtonKind.MENU: Menu,
}
# What may be asked for through a t.me/<bot>?start= link (answers sent in private).
_DEEP_LINK_KINDS = frozenset({ButtonKind.TEXT, ButtonKind.CARD})


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
        return cls._checked(parts[0], parts[1], parts[2] if len(parts) == 3 else "")

    def start_parameter(self) -> str:
        """The same request as a ``t.me/<bot>?start=`` parameter: ``kind_value_shareid``.

        Raises:
            ValueError: the action cannot be asked for by a link, or does not fit one.
        """
        parameter = _START_SEPARATOR.join([self.kind.value, self.value, self.share_id])
        if self.kind not in _DEEP_LINK_KINDS or not _START_PARAMETER.fullmatch(parameter):
            raise ValueError(f"no start parameter for {self!r}")
        return parameter

    @classmethod
    def from_start_parameter(cls, parameter: str | None) -> ButtonAction | None:
        """Parse :meth:`start_parameter`'s output; ``None`` for anything else."""
        if not parameter or not _START_PARAMETER.fullmatch(parameter):
            return None
        parts = parameter.split(_START_SEPARATOR, 2)  # the id itself may hold "_"
        if len(parts) != 3:
            return None
        action = cls._checked(parts[0], parts[2], parts[1])
        return action if action is not None and action.kind in _DEEP_LINK_KINDS else None

    @classmethod
    def _checked(cls, kind_text: str, share_id: str, value: str) -> ButtonAction | None:
        try:
            kind = ButtonKind(kind_text)
        except ValueError:
            return None
        value_type = _VALUE_TYPES[kind]
        if not share_id or (value_type is None) != (value == ""):
            return None
        if value_type is not None and value not in {member.value for member in value_type}:
            return None
        return cls(kind, share_id, value)

    @property
    def platform(self) -> Platform:
        return Platform(self.value)

    @property
    def card_size(self) -> CardSize:
        return CardSize(self.value)

    @property
    def menu(self) -> Menu:
        return Menu(self.value)


def callback_button(label: str, action: ButtonAction) -> InlineKeyboardButton:
    return InlineKeyboardButton(label, callback_data=action.encode())


def rows(
    buttons: Sequence[InlineKeyboardButton], per_row: int
) -> list[list[InlineKeyboardButton]]:
    return [list(buttons[i : i + per_row]) for i in range(0, len(buttons), per_row)]


def _words(text: str) -> Counter[str]:
    return Counter(text.split())


def intent_carries_text(draft: Draft) -> bool:
    """Whether the draft's share page opens with its prepared text (X, WhatsApp, Telegram …)
    rather than the bare link (Facebook's and LinkedIn's pages take only the URL)."""
    if not draft.share_url:
        return False
    shown = plain_text(draft.text, is_html=PLATFORMS[draft.platform].html)
    wanted = _words(text_without_link(shown, draft.link))
    if not wanted:
        return True
    total = sum(wanted.values())
    return any(
        sum((_words(value) & wanted).values()) >= CARRIED_WORDS * total
        for _, value in parse_qsl(urlsplit(draft.share_url).query)
    )


def share_keyboard(
    share_id: str,
    drafts: Sequence[Draft],
    *,
    card_sizes: Iterable[CardSize],
    texts: Texts,
    menu: Menu = Menu.MAIN,
) -> InlineKeyboardMarkup:
    """The keyboard under a shared card, on page ``menu``.

    Args:
        share_id: the stored share's short id, carried by every callback button.
        drafts: the share's drafts. On the main page, each share-row platform whose draft
            has a share page gets a button: a link when the page carries the prepared text,
            else a button that sends the text to copy with the page under it.
        card_sizes: sizes offered on the cards page (the one already shown left out by
            the caller).
        texts: labels.
        menu: which page.
    """
    sizes = list(card_sizes)
    back = [[callback_button(texts.label("back"), _menu(share_id, Menu.MAIN))]]
    if menu is Menu.TEXTS:
        text_buttons = [
            callback_button(
                texts.label("text_button", PLATFORMS[draft.platform].name_ar),
                ButtonAction(ButtonKind.TEXT, share_id, draft.platform.value),
            )
            for draft in drafts
        ]
        return InlineKeyboardMarkup(rows(text_buttons, TEXT_BUTTONS_PER_ROW) + back)
    if menu is Menu.CARDS:
        card_buttons = [
            callback_button(
                texts.label("card_button", size.value),
                ButtonAction(ButtonKind.CARD, share_id, size.value),
            )
            for size in sizes
        ]
        return InlineKeyboardMarkup(rows(card_buttons, CARD_BUTTONS_PER_ROW) + back)
    by_platform = {draft.platform: draft for draft in drafts}
    share_row = [
        _share_button(share_id, draft, texts)
        for platform in SHARE_ROW_PLATFORMS
        if (draft := by_platform.get(platform)) is not None and draft.share_url
    ]
    menus = []
    if drafts:
        menus.append(callback_button(texts.label("texts_menu"), _menu(share_id, Menu.TEXTS)))
    if sizes:
        menus.append(callback_button(texts.label("cards_menu"), _menu(share_id, Menu.CARDS)))
    return InlineKeyboardMarkup(
        rows(share_row, SHARE_BUTTONS_PER_ROW) + ([menus] if menus else [])
    )


def _menu(share_id: str, menu: Menu) -> ButtonAction:
    return ButtonAction(ButtonKind.MENU, share_id, menu.value)


def _share_button(share_id: str, draft: Draft, texts: Texts) -> InlineKeyboardButton:
    label = texts.label("share_button", PLATFORMS[draft.platform].name_ar)
    if intent_carries_text(draft):
        return InlineKeyboardButton(label, url=draft.share_url)
    # The page would open with the bare link: the prepared text comes to copy first.
    return callback_button(label, ButtonAction(ButtonKind.TEXT, share_id, draft.platform.value))


def intent_keyboard(draft: Draft, texts: Texts) -> InlineKeyboardMarkup | None:
    """The button under a platform's ready text: its share page, to paste the text into
    when the page does not carry it."""
    if not draft.share_url:
        return None
    name = PLATFORMS[draft.platform].name_ar
    label = texts.label("open_intent" if intent_carries_text(draft) else "paste_intent", name)
    return InlineKeyboardMarkup([[InlineKeyboardButton(label, url=draft.share_url)]])
