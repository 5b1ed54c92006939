"""The platform table, tracked links and share-intent URLs."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from bot.models import CardSize, Platform
from bot.paths import TEMPLATES_DIR
from bot.platforms import PLATFORMS, parse_platforms, platform_specs
from bot.platforms.links import UTMConfig, share_intent_url, text_without_link, tracked_link

ARTICLE = "https://akhbar-sahel.ma/economie/desalination.html?id=7"


def test_every_platform_has_exactly_one_entry_with_a_template() -> None:
    assert set(PLATFORMS) == set(Platform)
    for spec in platform_specs():
        assert (TEMPLATES_DIR / "posts" / spec.template).is_file(), spec.template
        assert spec.budget <= spec.limit


def test_limits_are_the_documented_ones() -> None:
    limits = {p: spec.limit for p, spec in PLATFORMS.items()}
    assert limits[Platform.X] == 280
    assert limits[Platform.TELEGRAM] == 1024  # a photo caption, not 4096
    assert limits[Platform.BLUESKY] == 300
    assert [r.limit for r in PLATFORMS[Platform.BLUESKY].rules] == [300, 3000]
    assert limits[Platform.MASTODON] == 500
    assert limits[Platform.THREADS] == 500
    assert limits[Platform.LINKEDIN] == 3000
    assert limits[Platform.FACEBOOK] == 63_206
    assert limits[Platform.INSTAGRAM] == 2200
    assert PLATFORMS[Platform.THREADS].max_hashtags == 1
    assert PLATFORMS[Platform.X].card_size is CardSize.X
    assert PLATFORMS[Platform.WHATSAPP].card_size is None


def test_bluesky_checks_bytes_as_well_as_graphemes() -> None:
    spec = PLATFORMS[Platform.BLUESKY]
    # 290 graphemes but each is a 4-code-point ZWJ-free cluster of 13 bytes: over 3000 bytes.
    heavy = "🏳️‍🌈" * 290
    assert spec.measure(heavy) == 290
    assert not spec.fits(heavy)


def test_parse_platforms() -> None:
    assert parse_platforms("all") == tuple(Platform)
    assert parse_platforms("x, Telegram,x") == (Platform.X, Platform.TELEGRAM)
    with pytest.raises(ValueError, match="unknown platform"):
        parse_platforms("myspace")


def test_tracked_link_adds_utm_per_platform_and_replaces_old_ones() -> None:
    link = tracked_link(ARTICLE + "&utm_source=feed", Platform.X, UTMConfig())
    query = parse_qs(urlsplit(link).query)
    assert query == {
        "id": ["7"],
        "utm_source": ["x"],
        "utm_medium": ["social"],
        "utm_campaign": ["nashir"],
    }


def test_tracked_link_can_be_switched_off() -> None:
    assert tracked_link(ARTICLE, Platform.X, UTMConfig(enabled=False)) == ARTICLE


def test_text_without_link() -> None:
    assert text_without_link("عنوان\n\n" + ARTICLE + "\n\n#وسم", ARTICLE) == "عنوان\n\n#وسم"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the sign that pointed at the link goes with it
        (f"<عنوان>\n\nالخبر.\n\n🔗 {ARTICLE}\n\n#وسم", "<عنوان>\n\nالخبر.\n\n#وسم"),
        # so does the line that announced it
        (
            f"عنوان\n\nالخبر.\n\nالتفاصيل الكاملة على أخبار الساحل:\n{ARTICLE}\n\n#وسم",
            "عنوان\n\nالخبر.\n\n#وسم",
        ),
        # a link inside a sentence leaves the sentence
        (f"اقرأ التقرير {ARTICLE} كاملاً.", "اقرأ التقرير  كاملاً."),
    ],
)
def test_text_without_link_leaves_nothing_that_pointed_at_it(text: str, expected: str) -> None:
    assert text_without_link(text, ARTICLE) == expected


def test_editorial_budgets_are_the_chosen_ones() -> None:
    budgets = {p: spec.budget for p, spec in PLATFORMS.items()}
    assert budgets == {
        Platform.X: 280,
        Platform.TELEGRAM: 1024,
        Platform.FACEBOOK: 900,
        Platform.LINKEDIN: 1300,
        Platform.THREADS: 500,
        Platform.BLUESKY: 300,
        Platform.MASTODON: 500,
        Platform.INSTAGRAM: 1200,
        Platform.WHATSAPP: 700,
    }


@pytest.mark.parametrize(
    ("platform", "host", "checks"),
    [
        (Platform.X, "twitter.com", {"text": "full"}),
        (Platform.TELEGRAM, "t.me", {"url": "link", "text": "no-link"}),
        (Platform.WHATSAPP, "wa.me", {"text": "full"}),
        (Platform.FACEBOOK, "www.facebook.com", {"u": "link"}),
        (Platform.LINKEDIN, "www.linkedin.com", {"url": "link"}),
        (Platform.BLUESKY, "bsky.app", {"text": "full"}),
        (Platform.THREADS, "www.threads.net", {"text": "full"}),
    ],
)
def test_share_intent_urls_decode_to_the_draft(platform, host, checks) -> None:
    spec = PLATFORMS[platform]
    text = f"عنوان الخبر & «تفاصيل»\n\n{ARTICLE}\n\n#أكادير"
    if spec.html:
        text = f"<b>عنوان الخبر &amp; «تفاصيل»</b>\n\n{ARTICLE}\n\n#أكادير"
    url = share_intent_url(spec, text, ARTICLE, "عنوان")
    assert url is not None
    parts = urlsplit(url)
    assert parts.scheme == "https" and parts.netloc == host
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    plain = f"عنوان الخبر & «تفاصيل»\n\n{ARTICLE}\n\n#أكادير"
    expected = {"full": plain, "link": ARTICLE, "no-link": "عنوان الخبر & «تفاصيل»\n\n#أكادير"}
    assert query == {name: expected[kind] for name, kind in checks.items()}


def test_platforms_without_share_page_or_without_link() -> None:
    assert share_intent_url(PLATFORMS[Platform.INSTAGRAM], "نص", ARTICLE, "t") is None
    assert share_intent_url(PLATFORMS[Platform.MASTODON], "نص", ARTICLE, "t") is None
    # Pasted text has no URL: URL-only share pages cannot share it, text ones still can.
    assert share_intent_url(PLATFORMS[Platform.FACEBOOK], "نص", None, "t") is None
    assert share_intent_url(PLATFORMS[Platform.WHATSAPP], "نص", None, "t") == (
        "https://wa.me/?text=%D9%86%D8%B5"
    )
