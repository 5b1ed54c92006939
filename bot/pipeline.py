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
from urllib.parse import unquote, urlsplit

import httpx

from bot.cards import Branding, CardRenderer, CardUse
from bot.compose import ComposeOptions, Composer
from bot.ingest.extract import extract_article
from bot.ingest.fetch import FetchConfig, Fetcher
from bot.ingest.sources import article_from_html_file, article_from_text, fetch_lead_image
from bot.ingest.urls import coerce_url
from bot.models import Article, CardSize, Draft, Platform, ShareResult
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


def make_slug(article: Article) -> str:
    """A file-system-safe name: the URL's last path segment, else a hash of the title."""
    if article.url:
        path = unquote(urlsplit(article.url).path).rstrip("/")
        stem = path.rsplit("/", 1)[-1].rsplit(".", 1)[0].lower()
        slug = _SLUG_UNSAFE.sub("-", stem).strip("-")
        if len(slug) >= 3:
            return slug[:80]
    digest = hashlib.sha1(article.title.encode("utf-8")).hexdigest()[:10]
    return f"article-{digest}"


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
    ) -> None:
        self._llm = llm if llm is not None and llm.enabled else None
        self._llm_client = llm_client
        self._composer = composer
        self._renderer = renderer
        self._fetcher = fetcher
        self._executor = executor
        self._card_sizes = tuple(card_sizes)
        self._owns_executor = owns_executor

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
        article = await self._in_pool(extract_article, page.text, page.final_url)
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
        lead_image = None
        if article.image_url and self._renderer.wants_photo():
            lead_image = await fetch_lead_image(article, self._fetcher)
        result = await self._in_pool(
            self.build, article, platforms, card_sizes or self._card_sizes, lead_image
        )
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


def build_composer(settings: Settings, summarizer: Summarizer | None = None) -> Composer:
    return Composer(
        summarizer or ExtractiveSummarizer(),
        templates_dir=TEMPLATES_DIR,
        options=ComposeOptions(
            utm=UTMConfig(
                enabled=settings.utm_enabled,
                medium=settings.utm_medium,
                campaign=settings.utm_campaign,
            ),
            site_name=settings.site_name,
        ),
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
    )
