"""Callback data, t.me start parameters and the share keyboard's pages."""

from __future__ import annotations

from urllib.parse import parse_qs, quote, urlsplit

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.models import CardSize, Draft, Platform
from handlers.keyboards import (
    MAX_CALLBACK_BYTES,
    SHARE_ROW_PLATFORMS,
    ButtonAction,
    ButtonKind,
    Menu,
    intent_carries_text,
    intent_keyboard,
    share_keyboard,
)
from handlers.texts import Texts

LINK = "https://akhbar-sahel.ma/a.html"
TEXT = f"ارتفاع أسعار الخضر في أسواق الدار البيضاء\n\n{LINK}\n\n#الأسعار"
# Share pages as the table builds them: the text in the page, or only the link.
WITH_TEXT = {Platform.X, Platform.WHATSAPP, Platform.TELEGRAM, Platform.THREADS, Platform.BLUESKY}
LINK_ONLY = {Platform.FACEBOOK, Platform.LINKEDIN}


def share_url(platform: Platform) -> str | None:
    if platform in WITH_TEXT:
        return f"https://share.example.com/{platform.value}?text={quote(TEXT)}"
    if platform in LINK_ONLY:
        return f"https://share.example.com/{platform.value}?u={quote(LINK)}"
    return None  # Instagram, Mastodon: no share page


def drafts() -> tuple[Draft, ...]:
    return tuple(
        Draft(platform, TEXT, 60, 280, link=LINK, share_url=share_url(platform))
        for platform in Platform
    )


SIZES = [CardSize.X, CardSize.SQUARE, CardSize.PORTRAIT, CardSize.STORY]


def page(menu: Menu) -> list[list[object]]:
    markup = share_keyboard("Ab3_x-9Z", drafts(), card_sizes=SIZES, texts=Texts(), menu=menu)
    return [list(row) for row in markup.inline_keyboard]


@pytest.mark.parametrize(
    "action",
    [
        ButtonAction(ButtonKind.HEADER, "Ab3_x-9Z"),
        ButtonAction(ButtonKind.TEXT, "Ab3_x-9Z", Platform.INSTAGRAM.value),
        ButtonAction(ButtonKind.CARD, "Ab3_x-9Z", CardSize.PORTRAIT.value),
        ButtonAction(ButtonKind.MENU, "Ab3_x-9Z", Menu.TEXTS.value),
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
    "data",
    [None, "", "t", "t:id", "h:id:x", "c:id:huge", "t:id:tiktok", "z:id:x", "t:a:x:y", "m:id:x"],
)
def test_foreign_or_malformed_data_decodes_to_none(data: str | None) -> None:
    assert ButtonAction.decode(data) is None


@given(st.text(max_size=80))
def test_decoding_never_raises(data: str) -> None:
    ButtonAction.decode(data)
    ButtonAction.from_start_parameter(data)


def test_texts_and_cards_travel_as_start_parameters_menus_do_not() -> None:
    for action in (
        ButtonAction(ButtonKind.TEXT, "a_b-9Z_x", Platform.LINKEDIN.value),
        ButtonAction(ButtonKind.CARD, "-_-_-_-_", CardSize.STORY.value),
    ):
        parameter = action.start_parameter()
        assert len(parameter) <= 64 and parameter.replace("_", "").replace("-", "").isalnum()
        assert ButtonAction.from_start_parameter(parameter) == action
    with pytest.raises(ValueError):
        ButtonAction(ButtonKind.MENU, "id", Menu.CARDS.value).start_parameter()
    for foreign in ("help", "m_texts_id", "t_tiktok_id", "t_x_", "t x id", "c_huge_id"):
        assert ButtonAction.from_start_parameter(foreign) is None


def test_first_sight_is_the_share_row_and_two_menus() -> None:
    rows = page(Menu.MAIN)
    buttons = [b for row in rows for b in row]
    assert len(buttons) <= 9 and len(rows) <= 3

    share_row = [b for row in rows[:-1] for b in row]
    assert [b.text for b in share_row] == [
        "إكس",
        "فيسبوك",
        "واتساب",
        "تيليغرام",
        "لينكدإن",
        "ثريدز",
        "بلوسكاي",
    ]
    for button, platform in zip(share_row, SHARE_ROW_PLATFORMS, strict=True):
        if platform in WITH_TEXT:
            assert urlsplit(button.url).path.strip("/") == platform.value
            assert parse_qs(urlsplit(button.url).query)["text"] == [TEXT]
        else:  # the page would open without the text: the button offers it to copy
            assert button.url is None
            assert ButtonAction.decode(button.callback_data) == ButtonAction(
                ButtonKind.TEXT, "Ab3_x-9Z", platform.value
            )

    menus = rows[-1]
    assert [b.text for b in menus] == ["📋 النصوص الجاهزة", "🖼️ مقاسات البطاقة"]
    assert [ButtonAction.decode(b.callback_data) for b in menus] == [
        ButtonAction(ButtonKind.MENU, "Ab3_x-9Z", "texts"),
        ButtonAction(ButtonKind.MENU, "Ab3_x-9Z", "cards"),
    ]


def test_the_texts_and_cards_pages_end_with_back() -> None:
    for menu, kind, values in (
        (Menu.TEXTS, ButtonKind.TEXT, [p.value for p in Platform]),
        (Menu.CARDS, ButtonKind.CARD, [s.value for s in SIZES]),
    ):
        rows = page(menu)
        *choices, back = rows
        actions = [ButtonAction.decode(b.callback_data) for row in choices for b in row]
        assert [a.kind for a in actions if a] == [kind] * len(values)
        assert [a.value for a in actions if a] == values
        assert [b.text for b in back] == ["🔙 رجوع"]
        assert ButtonAction.decode(back[0].callback_data) == ButtonAction(
            ButtonKind.MENU, "Ab3_x-9Z", "main"
        )
    assert [b.text for b in page(Menu.TEXTS)[0]] == ["📋 إكس", "📋 تيليغرام", "📋 فيسبوك"]
    assert [b.text for b in page(Menu.CARDS)[0]] == ["🖼️ لإكس", "🖼️ مربعة"]


def test_text_only_share_keeps_the_menus_and_the_pages_that_need_no_link() -> None:
    pasted = "نص بلا رابط"
    plain = tuple(
        Draft(p, pasted, 11, 280, share_url=f"https://s.ex/{p.value}?text={quote(pasted)}")
        if p in (Platform.X, Platform.WHATSAPP)
        else Draft(p, pasted, 11, 280)
        for p in Platform
    )
    rows = share_keyboard("id", plain, card_sizes=[], texts=Texts()).inline_keyboard
    assert [[b.text for b in row] for row in rows] == [["إكس", "واتساب"], ["📋 النصوص الجاهزة"]]


def test_a_share_page_carries_the_text_when_it_holds_its_words() -> None:
    by_platform = {d.platform: d for d in drafts()}
    assert all(intent_carries_text(by_platform[p]) for p in WITH_TEXT)
    assert not any(intent_carries_text(by_platform[p]) for p in LINK_ONLY)
    assert not intent_carries_text(by_platform[Platform.INSTAGRAM])  # no page at all
    # A page with only the headline does not carry the prepared text either.
    headline = Draft(
        Platform.LINKEDIN,
        TEXT,
        60,
        3000,
        link=LINK,
        share_url=f"https://s.ex/in?url={quote(LINK)}&title={quote('ارتفاع أسعار الخضر')}",
    )
    assert not intent_carries_text(headline)


def test_the_button_under_a_ready_text_opens_its_share_page() -> None:
    texts = Texts()
    by_platform = {d.platform: d for d in drafts()}
    x = intent_keyboard(by_platform[Platform.X], texts)
    facebook = intent_keyboard(by_platform[Platform.FACEBOOK], texts)
    assert x is not None and facebook is not None
    assert x.inline_keyboard[0][0].text == "انشر على إكس"
    assert facebook.inline_keyboard[0][0].text == "افتح فيسبوك والصق النص"
    assert facebook.inline_keyboard[0][0].url == by_platform[Platform.FACEBOOK].share_url
    assert intent_keyboard(by_platform[Platform.MASTODON], texts) is None
