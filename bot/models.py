"""Value types shared by every part of the engine."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum
from urllib.parse import urlsplit


class Platform(StrEnum):
    X = "x"
    TELEGRAM = "telegram"
    FACEBOOK = "facebook"
    LINKEDIN = "linkedin"
    THREADS = "threads"
    BLUESKY = "bluesky"
    MASTODON = "mastodon"
    INSTAGRAM = "instagram"
    WHATSAPP = "whatsapp"


class CardSize(StrEnum):
    """Share-card formats; the value is the file stem used on disk."""

    WIDE = "wide"  # 1200×630: Open Graph, Facebook, LinkedIn, Telegram
    X = "x"  # 1200×675: X's 16:9 preview
    SQUARE = "square"  # 1080×1080: Instagram feed
    PORTRAIT = "portrait"  # 1080×1350: Instagram portrait
    STORY = "story"  # 1080×1920: stories

    @property
    def dimensions(self) -> tuple[int, int]:
        return _CARD_DIMENSIONS[self]


_CARD_DIMENSIONS = {
    CardSize.WIDE: (1200, 630),
    CardSize.X: (1200, 675),
    CardSize.SQUARE: (1080, 1080),
    CardSize.PORTRAIT: (1080, 1350),
    CardSize.STORY: (1080, 1920),
}


@dataclass(frozen=True, slots=True)
class Article:
    """A clean article: what extraction produces and everything downstream reads.

    ``text`` holds the body only (no title, no boilerplate), paragraphs separated by a
    blank line. ``url`` is the canonical, normalised address when there is one.
    """

    title: str
    text: str
    url: str | None = None
    source_url: str | None = None
    image_url: str | None = None
    published: dt.date | None = None
    author: str | None = None
    site_name: str | None = None
    language: str = "ar"
    section: str | None = None
    tags: tuple[str, ...] = ()  # the publisher's own tags (article:tag, keywords…), in order

    def site_label(self, configured: str = "") -> str:
        """Whose article this is, for posts and cards: the page's own site name, else the
        publisher's ``SITE_NAME``, else the address's host; never a brand of ours."""
        if self.site_name:
            return self.site_name
        if configured:
            return configured
        host = urlsplit(self.url).hostname if self.url else None
        return host.removeprefix("www.") if host else ""

    @property
    def paragraphs(self) -> list[str]:
        return [p.strip() for p in self.text.split("\n\n") if p.strip()]


@dataclass(frozen=True, slots=True)
class Draft:
    """One platform's ready-to-post text, already checked against that platform's rule."""

    platform: Platform
    text: str
    length: int
    limit: int
    link: str | None = None
    hashtags: tuple[str, ...] = ()
    share_url: str | None = None
    summary: str = ""
    note: str = ""  # why the summary is what it is, when that needs saying (LLM fallback)

    @property
    def fits(self) -> bool:
        return self.length <= self.limit


@dataclass(frozen=True, slots=True)
class Card:
    size: CardSize
    image_format: str  # "PNG" or "JPEG"
    data: bytes = field(repr=False)
    note: str = ""  # why the card differs from what its theme wanted (no usable photo …)

    @property
    def extension(self) -> str:
        return "jpg" if self.image_format == "JPEG" else "png"

    @property
    def filename(self) -> str:
        return f"card-{self.size.value}.{self.extension}"


@dataclass(frozen=True, slots=True)
class ShareResult:
    """Everything `share` produces for one article."""

    article: Article
    slug: str
    drafts: tuple[Draft, ...]
    cards: tuple[Card, ...]
    notes: tuple[str, ...] = ()  # what the operator should know (a photo that was left out …)

    def draft(self, platform: Platform) -> Draft:
        for draft in self.drafts:
            if draft.platform is platform:
                return draft
        raise KeyError(platform)
