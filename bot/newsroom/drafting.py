"""What a newsroom draft posts: the channel caption, the X text, the cards and share buttons.

Built from the same composer and card renderer as the reader's share reply, with the
newsroom's own choices: the channel post keeps to :data:`CHANNEL_BUDGET` so that the editors'
preview (the caption as the channel will show it, then the X text) fits one Telegram caption;
the X text follows ``X_LINK_POLICY``; a *variant* («صياغة أخرى») avoids the sentences of the
previous one and takes the next card theme, so the same draft version always gives the same
variant and two variants in a row never repeat each other.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from bot.cards import CardRenderer
from bot.compose import Composer
from bot.models import Article, CardSize, Platform
from bot.newsroom.models import DraftCard, DraftContent, ShareButton, XLinkPolicy
from bot.platforms import PLATFORMS
from bot.platforms.links import UTMConfig, tracked_link
from bot.text.arabic import split_sentences

# UTF-16 units for the channel caption (the platform allows 1024): what a channel post of a
# headline, two or three sentences, the link and tags needs, leaving room in the editors'
# preview for the X text beside it.
CHANNEL_BUDGET = 600
CHANNEL_CARD = CardSize.WIDE
X_CARD = CardSize.X
# Share buttons under a channel post, in this order (the article footer's platforms).
BUTTON_PLATFORMS = (
    Platform.WHATSAPP,
    Platform.FACEBOOK,
    Platform.X,
    Platform.TELEGRAM,
    Platform.LINKEDIN,
)
BREAKING_THEME = "breaking"


@dataclass(frozen=True, slots=True)
class DraftOptions:
    """How to make one version of a draft.

    Attributes:
        variant: 0 for the first draft; each «صياغة أخرى» adds one.
        avoid: article sentences the new texts must not use (the previous variant's).
        headline: the card's headline when an editor rewrote it (else the article title).
        themes: card themes to rotate through; ``themes[variant % len]`` is used.
        x_link_policy: where the article link goes on X.
    """

    variant: int = 0
    avoid: frozenset[str] = frozenset()
    headline: str | None = None
    themes: tuple[str, ...] = ("solid",)
    x_link_policy: XLinkPolicy = XLinkPolicy.CARD_ONLY

    @property
    def theme(self) -> str:
        return self.themes[self.variant % len(self.themes)]


class DraftMaker:
    """Builds :class:`DraftContent` (CPU work: run it in the pipeline's pool)."""

    def __init__(self, composer: Composer, renderer: CardRenderer, utm: UTMConfig) -> None:
        self._composer = composer
        self._renderer = renderer
        self._utm = utm

    def make(
        self, article: Article, options: DraftOptions, lead_image: bytes | None = None
    ) -> DraftContent:
        hashtags = self._composer.hashtags(article)
        channel_spec = replace(PLATFORMS[Platform.TELEGRAM], target_length=CHANNEL_BUDGET)
        channel = self._composer.compose(
            article, channel_spec, hashtags=hashtags, avoid=options.avoid
        )
        link = tracked_link(article.url, Platform.X, self._utm) if article.url else None
        # The composer adds the link itself when the article has one; without it, the
        # post keeps its whole budget for the news.
        x_article = (
            article if options.x_link_policy is XLinkPolicy.LINK else replace(article, url=None)
        )
        x_draft = self._composer.compose(
            x_article, PLATFORMS[Platform.X], hashtags=hashtags, avoid=options.avoid
        )
        headline = options.headline or article.title
        cards = self._renderer.render_all(
            replace(article, title=headline),
            (CHANNEL_CARD, X_CARD),
            theme=options.theme,
            lead_image=lead_image,
            summary=_card_line(x_draft.summary or channel.summary),
        )
        return DraftContent(
            headline=headline,
            channel_text=channel.text,
            x_text=x_draft.text,
            theme=options.theme,
            variant=options.variant,
            used=_sentences(channel.summary, x_draft.summary),
            buttons=self.share_buttons(article, hashtags),
            cards=tuple(DraftCard(c.size, c.image_format, c.data) for c in cards),
            link=link,
        )

    def recard(
        self, article: Article, content: DraftContent, lead_image: bytes | None = None
    ) -> DraftContent:
        """The same texts with cards drawn for ``content.headline`` (an edited headline)."""
        cards = self._renderer.render_all(
            replace(article, title=content.headline),
            (CHANNEL_CARD, X_CARD),
            theme=content.theme,
            lead_image=lead_image,
            summary=_card_line(" ".join(content.used)),
        )
        return replace(
            content, cards=tuple(DraftCard(c.size, c.image_format, c.data) for c in cards)
        )

    def share_buttons(self, article: Article, hashtags: Sequence[str]) -> tuple[ShareButton, ...]:
        """The footer's «شارك على منصتك المفضلة» as URL buttons for the channel's readers."""
        if not article.url:
            return ()
        buttons = []
        for platform in BUTTON_PLATFORMS:
            spec = PLATFORMS[platform]
            draft = self._composer.compose(article, spec, hashtags=hashtags)
            if draft.share_url:
                buttons.append(ShareButton(spec.name_ar, draft.share_url))
        return tuple(buttons)

    def uses_photo(self, options: DraftOptions) -> bool:
        return self._renderer.wants_photo(options.theme)


def _card_line(summary: str) -> str | None:
    sentences = split_sentences(summary)
    return sentences[0] if sentences else None


def _sentences(*summaries: str) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for summary in summaries:
        for sentence in split_sentences(summary):
            seen.setdefault(sentence, None)
    return tuple(seen)
