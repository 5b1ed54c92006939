"""The share pipeline: source → article → drafts for every platform → cards.

:class:`ShareService` is what the CLI and the Telegram handlers call. Fetching is async;
extraction, summarising, composing and rendering are CPU-bound and run in a thread pool so
one heavy article never stalls the event loop.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import os
import re
from collections.abc import Sequence
from concurrent.futures import Executor, ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit

import httpx

from bot.cards import Branding, CardRenderer, CardUse
from bot.compose import ComposeOptions, Composer
from bot.ingest.admission import admit, bounded_html
from bot.ingest.extract import extract_article
from bot.ingest.fetch import FetchConfig, Fetcher
from bot.ingest.sources import article_from_html_file, article_from_text, fetch_lead_image
from bot.ingest.urls import coerce_url
from bot.models import Article, CardSize, Draft, Platform, ShareResult
from bot.newsroom.drafting import DraftMaker, DraftOptions
from bot.newsroom.models import DraftContent
from bot.paths import TEMPLATES_DIR
from bot.platforms import PLATFORMS
from bot.platforms.links import UTMConfig
from bot.settings import Settings
from bot.summarize import ExtractiveSummarizer, Summarizer
from bot.summarize.llm import LLMSummarizer
from bot.text.arabic import split_sentences

logger = logging.getLogger(__name__)

DEFAULT_CARD_SIZES: tuple[CardSize, ...] = (CardSize.WIDE, CardSize.X)
_SLUG_UNSAFE = re.compile(r"[^a-z0-9]+")
_SLUG_MAX = 80


def make_slug(article: Article) -> str:
    """A file-system-safe name that tells articles apart.

    The URL's last path segment, followed by its query values: many Arabic sites address
    articles as ``article.php?id=123``, and ``article`` alone would give every one of them
    the same folder. Without a usable URL, a hash of the title.
    """
    if article.url:
        parts = urlsplit(article.url)
        path = unquote(parts.path).rstrip("/")
        stem = _slug_part(path.rsplit("/", 1)[-1].rsplit(".", 1)[0])
        values = [_slug_part(value) for _, value in parse_qsl(parts.query)]
        slug = "-".join(part for part in (stem, *values) if part)
        if len(slug) > _SLUG_MAX:
            digest = hashlib.sha1(article.url.encode("utf-8")).hexdigest()[:8]
            slug = f"{slug[: _SLUG_MAX - 9].rstrip('-')}-{digest}"
        if len(slug) >= 3:
            return slug
    digest = hashlib.sha1(article.title.encode("utf-8")).hexdigest()[:10]
    return f"article-{digest}"


def _slug_part(text: str) -> str:
    return _SLUG_UNSAFE.sub("-", text.lower()).strip("-")


def _card_summary(drafts: Sequence[Draft]) -> str | None:
    """The card's summary line: the key fact chosen for the shortest-format draft."""
    for draft in sorted(drafts, key=lambda d: d.limit):
        if draft.summary:
            return split_sentences(draft.summary)[0]
    return None


class ShareService:
    """Builds share results; safe to call concurrently from many chats."""

    def __init__(
        self,
        *,
        composer: Composer,
        renderer: CardRenderer,
        fetcher: Fetcher,
        executor: Executor,
        card_sizes: Sequence[CardSize] = DEFAULT_CARD_SIZES,
        owns_executor: bool = False,
        llm: LLMSummarizer | None = None,
        llm_client: httpx.AsyncClient | None = None,
        utm: UTMConfig | None = None,
    ) -> None:
        self._llm = llm if llm is not None and llm.enabled else None
        self._llm_client = llm_client
        self._composer = composer
        self._renderer = renderer
        self._fetcher = fetcher
        self._executor = executor
        self._card_sizes = tuple(card_sizes)
        self._owns_executor = owns_executor
        self._drafts = DraftMaker(composer, renderer, utm or UTMConfig())

    @property
    def renderer(self) -> CardRenderer:
        return self._renderer

    async def share_url(
        self,
        url: str,
        *,
        platforms: Sequence[Platform] | None = None,
        card_sizes: Sequence[CardSize] | None = None,
    ) -> ShareResult:
        page = await self._fetcher.fetch_page(coerce_url(url))
        article = await self._in_pool(extract_article, bounded_html(page.text), page.final_url)
        return await self.share_article(article, platforms=platforms, card_sizes=card_sizes)

    async def share_text(
        self, text: str, *, platforms: Sequence[Platform] | None = None
    ) -> ShareResult:
        article = await self._in_pool(article_from_text, text)
        return await self.share_article(article, platforms=platforms)

    async def share_article(
        self,
        article: Article,
        *,
        platforms: Sequence[Platform] | None = None,
        card_sizes: Sequence[CardSize] | None = None,
    ) -> ShareResult:
        article = admit(article)
        lead_image, notes = None, []
        if article.image_url and self._renderer.wants_photo():
            fetched = await fetch_lead_image(article, self._fetcher)
            lead_image = fetched.data
            if fetched.problem:
                notes.append(fetched.problem)
        result = await self._in_pool(
            self.build, article, platforms, card_sizes or self._card_sizes, lead_image
        )
        notes.extend(f"card {card.size.value}: {card.note}" for card in result.cards if card.note)
        result = replace(result, notes=tuple(notes))
        if self._llm is None:
            return result
        return replace(result, drafts=await self._llm_drafts(article, result.drafts))

    async def _llm_drafts(self, article: Article, drafts: Sequence[Draft]) -> tuple[Draft, ...]:
        """Each platform's summary rewritten by the LLM, where its answer passes the checks.

        The extractive draft stays (with a note saying why) whenever the model's answer is
        refused or the call fails.
        """
        assert self._llm is not None
        hashtags = self._composer.hashtags(article)
        rewritten: list[Draft] = []
        for draft in drafts:
            frame = self._composer.frame(article, PLATFORMS[draft.platform], hashtags=hashtags)
            answer = await self._llm.summarize_for(
                article.text,
                title=article.title,
                platform_name=draft.platform.value,
                fits=frame.fits,
                fallback=split_sentences(draft.summary),
            )
            if answer.used_llm:
                rewritten.append(frame.draft(answer.sentences, note="llm"))
            else:
                note = f"extractive: LLM {answer.fallback_reason}"
                rewritten.append(replace(draft, note=note))
        return tuple(rewritten)

    async def draft_content(self, article: Article, options: DraftOptions) -> DraftContent:
        """A newsroom draft's texts and cards (see :mod:`bot.newsroom.drafting`)."""
        lead_image = await self._lead_image_for(article, options.theme)
        return await self._in_pool(self._drafts.make, article, options, lead_image)

    async def draft_cards(self, article: Article, content: DraftContent) -> DraftContent:
        """``content`` with its cards drawn again (the headline was edited)."""
        lead_image = await self._lead_image_for(article, content.theme)
        return await self._in_pool(self._drafts.recard, article, content, lead_image)

    async def _lead_image_for(self, article: Article, theme: str) -> bytes | None:
        if not article.image_url or not self._renderer.wants_photo(theme):
            return None
        return (await fetch_lead_image(article, self._fetcher)).data

    def build(
        self,
        article: Article,
        platforms: Sequence[Platform] | None = None,
        card_sizes: Sequence[CardSize] | None = None,
        lead_image: bytes | None = None,
    ) -> ShareResult:
        """The synchronous core: drafts and cards for an article already extracted."""
        drafts = self._composer.compose_all(article, platforms)
        cards = self._renderer.render_all(
            article,
            card_sizes or self._card_sizes,
            lead_image=lead_image,
            summary=_card_summary(drafts),
        )
        return ShareResult(
            article=article, slug=make_slug(article), drafts=drafts, cards=tuple(cards)
        )

    def article_from_file(self, path: Path) -> Article:
        return article_from_html_file(path)

    async def _in_pool(self, function, *args):  # type: ignore[no-untyped-def]
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, function, *args)

    async def close(self) -> None:
        await self._fetcher.aclose()
        if self._llm_client is not None:
            await self._llm_client.aclose()
        if self._owns_executor:
            self._executor.shutdown(wait=False, cancel_futures=True)


def _utm(settings: Settings) -> UTMConfig:
    return UTMConfig(
        enabled=settings.utm_enabled, medium=settings.utm_medium, campaign=settings.utm_campaign
    )


def build_composer(settings: Settings, summarizer: Summarizer | None = None) -> Composer:
    return Composer(
        summarizer or ExtractiveSummarizer(),
        templates_dir=TEMPLATES_DIR,
        options=ComposeOptions(utm=_utm(settings), site_name=settings.site_name),
    )


def build_renderer(settings: Settings, use: CardUse = CardUse.SEND) -> CardRenderer:
    """The card renderer; ``use`` picks the format (the bot sends JPEG, files are PNG)."""
    return CardRenderer(
        Branding.from_settings(settings), themes_dir=TEMPLATES_DIR / "cards", use=use
    )


def build_share_service(
    settings: Settings,
    *,
    executor: Executor | None = None,
    card_sizes: Sequence[CardSize] = DEFAULT_CARD_SIZES,
    card_use: CardUse = CardUse.SEND,
) -> ShareService:
    """Every part of the pipeline built once from settings (the composition root calls this).

    ``card_use``: the bot's default sends cards as Telegram photos; the command line asks for
    :attr:`CardUse.FILE` (PNG files an editor uploads elsewhere).
    """
    owns_executor = executor is None
    pool = executor or ThreadPoolExecutor(
        max_workers=max(2, os.cpu_count() or 2), thread_name_prefix="nashir-share"
    )
    llm_client = httpx.AsyncClient() if settings.summarizer == "llm" else None
    return ShareService(
        composer=build_composer(settings),
        renderer=build_renderer(settings, card_use),
        fetcher=Fetcher(FetchConfig.from_settings(settings)),
        executor=pool,
        card_sizes=card_sizes,
        owns_executor=owns_executor,
        llm=LLMSummarizer(settings, llm_client) if llm_client is not None else None,
        llm_client=llm_client,
        utm=_utm(settings),
    )
