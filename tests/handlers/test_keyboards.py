"""Callback data and the share keyboard."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.models import CardSize, Draft, Platform
from handlers.keyboards import (
    FOOTER_PLATFORMS,
    MAX_CALLBACK_BYTES,
    ButtonAction,
    ButtonKind,
    share_keyboard,
)
from handlers.texts import Texts


def drafts() -> tuple[Draft, ...]:
    made = []
    for platform in Platform:
        share = (
            None
            if platform in {Platform.INSTAGRAM, Platform.MASTODON}
            else (f"https://share.example.com/{platform.value}?text=%D9%86%D8%B5")
        )
        made.append(Draft(platform, f"نص {platform.value}", 10, 280, share_url=share))
    return tuple(made)


@pytest.mark.parametrize(
    "action",
    [
        ButtonAction(ButtonKind.HEADER, "Ab3_x-9Z"),
        ButtonAction(ButtonKind.TEXT, "Ab3_x-9Z", Platform.INSTAGRAM.value),
        ButtonAction(ButtonKind.CARD, "Ab3_x-9Z", CardSize.PORTRAIT.value),
    ],
)
def test_actions_round_trip(action: ButtonAction) -> None:
    data = action.encode()
    assert len(data.encode()) <= MAX_CALLBACK_BYTES
    assert ButtonAction.decode(data) == action


def test_encoding_refuses_more_than_64_bytes() -> None:
    with pytest.raises(ValueError, match="64"):
        ButtonAction(ButtonKind.TEXT, "ع" * 31, "x").encode()
    with pytest.raises(ValueError):
        ButtonAction(ButtonKind.TEXT, "a:b", "x").encode()


@pytest.mark.parametrize(
    "data", [None, "", "t", "t:id", "h:id:x", "c:id:huge", "t:id:tiktok", "z:id:x", "t:a:x:y"]
)
def test_foreign_or_malformed_data_decodes_to_none(data: str | None) -> None:
    assert ButtonAction.decode(data) is None


@given(st.text(max_size=80))
def test_decoding_never_raises(data: str) -> None:
    ButtonAction.decode(data)


def test_share_keyboard_is_the_article_footer() -> None:
    texts = Texts()
    sizes = [CardSize.X, CardSize.SQUARE, CardSize.PORTRAIT, CardSize.STORY]
    markup = share_keyboard("Ab3_x-9Z", drafts(), card_sizes=sizes, texts=texts)
    rows = markup.inline_keyboard

    header = rows[0]
    assert len(header) == 1 and header[0].text == "⬇️ شارك على منصتك المفضلة ⬇️"
    assert ButtonAction.decode(header[0].callback_data) == ButtonAction(
        ButtonKind.HEADER, "Ab3_x-9Z"
    )

    buttons = [button for row in rows for button in row]
    url_buttons = [b for b in buttons if b.url]
    assert [b.text for b in url_buttons] == ["إكس", "فيسبوك", "واتساب", "تيليغرام", "لينكدإن"]
    assert [urlsplit(b.url).path.strip("/") for b in url_buttons] == [
        p.value for p in FOOTER_PLATFORMS
    ]
    assert parse_qs(urlsplit(url_buttons[0].url).query)["text"] == ["نص"]

    actions = [ButtonAction.decode(b.callback_data) for b in buttons if b.callback_data]
    assert all(a is not None and a.share_id == "Ab3_x-9Z" for a in actions)
    assert [a.platform for a in actions if a and a.kind is ButtonKind.TEXT] == list(Platform)
    assert [a.card_size for a in actions if a and a.kind is ButtonKind.CARD] == sizes
    assert all(len(b.callback_data.encode()) <= 64 for b in buttons if b.callback_data)


def test_text_only_share_has_no_header_without_url_buttons() -> None:
    plain = tuple(Draft(p, "نص", 2, 280) for p in Platform)
    markup = share_keyboard("id", plain, card_sizes=[], texts=Texts())
    buttons = [b for row in markup.inline_keyboard for b in row]
    assert not any(b.url for b in buttons)
    assert all(ButtonAction.decode(b.callback_data).kind is ButtonKind.TEXT for b in buttons)  # type: ignore[union-attr]
