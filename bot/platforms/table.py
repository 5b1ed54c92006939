"""The platform table: every rule a platform enforces, as data.

Adding a platform means adding one :class:`PlatformSpec` here and one template in
``templates/posts/``; nothing else branches on the platform.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType

from bot.models import CardSize, Platform
from bot.platforms import counting


class Unit(StrEnum):
    WEIGHTED = "weighted"
    UTF16 = "utf16"
    CHARACTERS = "characters"
    GRAPHEMES = "graphemes"
    BYTES = "bytes"


@dataclass(frozen=True, slots=True)
class LengthRule:
    limit: int
    count: Callable[[str], int]
    unit: Unit


class LinkMode(StrEnum):
    IN_TEXT = "in_text"  # the URL is part of the post and is counted by the platform's rule
    NOT_CLICKABLE = "not_clickable"  # Instagram: links do not work, say where the link is


class IntentField(StrEnum):
    TEXT = "text"  # the post without its link
    TEXT_WITH_URL = "text_with_url"  # the whole post, link included
    URL = "url"
    TITLE = "title"


@dataclass(frozen=True, slots=True)
class ShareIntent:
    """A share-intent link: base URL plus query parameters filled from the draft."""

    base: str
    params: tuple[tuple[str, IntentField], ...]


@dataclass(frozen=True, slots=True)
class PlatformSpec:
    platform: Platform
    name_ar: str
    name_en: str
    rules: tuple[LengthRule, ...]  # the first is the one shown as length/limit
    link_mode: LinkMode
    max_hashtags: int
    max_sentences: int
    target_length: int | None  # editorial budget in the first rule's unit; None = the limit
    card_size: CardSize | None
    share_intent: ShareIntent | None
    template: str
    html: bool = False  # the text is Telegram HTML (escaped, tags allowed)

    @property
    def limit(self) -> int:
        return self.rules[0].limit

    @property
    def unit(self) -> Unit:
        return self.rules[0].unit

    @property
    def budget(self) -> int:
        return min(self.limit, self.target_length or self.limit)

    def measure(self, text: str) -> int:
        return self.rules[0].count(text)

    def fits(self, text: str) -> bool:
        """Within every hard rule of the platform (Bluesky has two)."""
        return all(rule.count(text) <= rule.limit for rule in self.rules)

    def within_budget(self, text: str) -> bool:
        return self.fits(text) and self.measure(text) <= self.budget


_X = LengthRule(280, counting.x_weighted_length, Unit.WEIGHTED)
# A photo's caption: we always send the card with the Telegram draft as its caption.
_TELEGRAM_CAPTION = LengthRule(1024, counting.telegram_html_length, Unit.UTF16)
_FACEBOOK = LengthRule(63_206, counting.characters, Unit.CHARACTERS)
_LINKEDIN = LengthRule(3000, counting.characters, Unit.CHARACTERS)
# Threads is unverified: Meta's documents count emoji as UTF-8 bytes; counting the whole
# text as bytes is the conservative reading (about 250 Arabic letters).
_THREADS = LengthRule(500, counting.utf8_bytes, Unit.BYTES)
_BLUESKY_GRAPHEMES = LengthRule(300, counting.graphemes, Unit.GRAPHEMES)
_BLUESKY_BYTES = LengthRule(3000, counting.utf8_bytes, Unit.BYTES)
_MASTODON = LengthRule(500, counting.mastodon_length, Unit.CHARACTERS)
_INSTAGRAM = LengthRule(2200, counting.characters, Unit.CHARACTERS)
# WhatsApp has no published cap for a shared text; 65 536 is the message size limit. The
# editorial target below keeps the wa.me link short.
_WHATSAPP = LengthRule(65_536, counting.characters, Unit.CHARACTERS)

_ENTRIES: tuple[PlatformSpec, ...] = (
    PlatformSpec(
        platform=Platform.X,
        name_ar="إكس",
        name_en="X",
        rules=(_X,),
        link_mode=LinkMode.IN_TEXT,
        max_hashtags=2,
        max_sentences=2,
        target_length=None,
        card_size=CardSize.X,
        share_intent=ShareIntent(
            "https://twitter.com/intent/tweet", (("text", IntentField.TEXT_WITH_URL),)
        ),
        template="x.txt.j2",
    ),
    PlatformSpec(
        platform=Platform.TELEGRAM,
        name_ar="تيليغرام",
        name_en="Telegram",
        rules=(_TELEGRAM_CAPTION,),
        link_mode=LinkMode.IN_TEXT,
        max_hashtags=3,
        max_sentences=3,
        target_length=None,
        card_size=CardSize.WIDE,
        share_intent=ShareIntent(
            "https://t.me/share/url", (("url", IntentField.URL), ("text", IntentField.TEXT))
        ),
        template="telegram.html.j2",
        html=True,
    ),
    PlatformSpec(
        platform=Platform.FACEBOOK,
        name_ar="فيسبوك",
        name_en="Facebook",
        rules=(_FACEBOOK,),
        link_mode=LinkMode.IN_TEXT,
        max_hashtags=3,
        max_sentences=4,
        target_length=900,
        card_size=CardSize.WIDE,
        share_intent=ShareIntent(
            "https://www.facebook.com/sharer/sharer.php", (("u", IntentField.URL),)
        ),
        template="facebook.txt.j2",
    ),
    PlatformSpec(
        platform=Platform.LINKEDIN,
        name_ar="لينكدإن",
        name_en="LinkedIn",
        rules=(_LINKEDIN,),
        link_mode=LinkMode.IN_TEXT,
        max_hashtags=3,
        max_sentences=4,
        target_length=1300,
        card_size=CardSize.WIDE,
        share_intent=ShareIntent(
            "https://www.linkedin.com/sharing/share-offsite/", (("url", IntentField.URL),)
        ),
        template="linkedin.txt.j2",
    ),
    PlatformSpec(
        platform=Platform.THREADS,
        name_ar="ثريدز",
        name_en="Threads",
        rules=(_THREADS,),
        link_mode=LinkMode.IN_TEXT,
        max_hashtags=1,
        max_sentences=1,
        target_length=None,
        card_size=CardSize.WIDE,
        share_intent=ShareIntent(
            "https://www.threads.net/intent/post", (("text", IntentField.TEXT_WITH_URL),)
        ),
        template="threads.txt.j2",
    ),
    PlatformSpec(
        platform=Platform.BLUESKY,
        name_ar="بلوسكاي",
        name_en="Bluesky",
        rules=(_BLUESKY_GRAPHEMES, _BLUESKY_BYTES),
        link_mode=LinkMode.IN_TEXT,
        max_hashtags=2,
        max_sentences=1,
        target_length=None,
        card_size=CardSize.WIDE,
        share_intent=ShareIntent(
            "https://bsky.app/intent/compose", (("text", IntentField.TEXT_WITH_URL),)
        ),
        template="bluesky.txt.j2",
    ),
    PlatformSpec(
        platform=Platform.MASTODON,
        name_ar="ماستودون",
        name_en="Mastodon",
        rules=(_MASTODON,),
        link_mode=LinkMode.IN_TEXT,
        max_hashtags=3,
        max_sentences=2,
        target_length=None,
        card_size=CardSize.WIDE,
        share_intent=None,  # no universal share page: every instance has its own host
        template="mastodon.txt.j2",
    ),
    PlatformSpec(
        platform=Platform.INSTAGRAM,
        name_ar="إنستغرام",
        name_en="Instagram",
        rules=(_INSTAGRAM,),
        link_mode=LinkMode.NOT_CLICKABLE,
        max_hashtags=5,
        max_sentences=3,
        target_length=1200,
        card_size=CardSize.SQUARE,
        share_intent=None,  # Instagram has no web share intent
        template="instagram.txt.j2",
    ),
    PlatformSpec(
        platform=Platform.WHATSAPP,
        name_ar="واتساب",
        name_en="WhatsApp",
        rules=(_WHATSAPP,),
        link_mode=LinkMode.IN_TEXT,
        max_hashtags=0,
        max_sentences=2,
        target_length=700,
        card_size=None,  # wa.me shares text only
        share_intent=ShareIntent("https://wa.me/", (("text", IntentField.TEXT_WITH_URL),)),
        template="whatsapp.txt.j2",
    ),
)

PLATFORMS: Mapping[Platform, PlatformSpec] = MappingProxyType({e.platform: e for e in _ENTRIES})


def platform_specs(selected: Iterable[Platform] | None = None) -> tuple[PlatformSpec, ...]:
    """The table's entries in table order, optionally limited to ``selected``."""
    if selected is None:
        return _ENTRIES
    wanted = set(selected)
    return tuple(spec for spec in _ENTRIES if spec.platform in wanted)


def parse_platforms(value: str) -> tuple[Platform, ...]:
    """Parse a comma-separated list such as ``"x,telegram"``; ``"all"`` means every platform."""
    if value.strip().lower() in {"", "all"}:
        return tuple(PLATFORMS)
    chosen: list[Platform] = []
    for part in value.split(","):
        name = part.strip().lower()
        try:
            platform = Platform(name)
        except ValueError:
            known = ", ".join(p.value for p in Platform)
            raise ValueError(f"unknown platform {name!r} (known: {known})") from None
        if platform not in chosen:
            chosen.append(platform)
    return tuple(chosen)
