"""A taken feed item becomes a draft: extracted from its page like any shared link, or made
from the feed's own text when the page cannot be fetched; then shown to the editors
(``review``) or placed in the posting queue (``auto``).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Protocol

from bot.errors import FetchError, NotAnArticleError
from bot.feeds.models import Feed, FeedPolicy
from bot.feeds.poller import Candidate
from bot.ingest.admission import admit
from bot.ingest.urls import normalize_url
from bot.models import Article
from bot.newsroom.models import SYSTEM, NewsroomDraft
from bot.newsroom.queue import PostingQueue
from bot.newsroom.workflow import Newsroom
from bot.text.arabic import words

logger = logging.getLogger(__name__)


# The article at an address, extracted like any shared link (through the share cache).
ArticleSource = Callable[[str], Awaitable[Article]]
# A feed's own text shorter than this is a teaser, not something to post.
MIN_FALLBACK_WORDS = 15


class DraftDisplay(Protocol):
    """Shows a new draft in the editors' group (the Telegram side)."""

    async def show(self, draft: NewsroomDraft) -> object: ...


class DraftLookup(Protocol):
    async def by_url(self, url: str) -> NewsroomDraft | None: ...


class FeedIntake:
    def __init__(
        self,
        *,
        articles: ArticleSource,
        newsroom: Newsroom,
        queue: PostingQueue,
        display: DraftDisplay,
        drafts: DraftLookup,
        wake_scheduler: Callable[[], None] | None = None,
    ) -> None:
        self._articles = articles
        self._newsroom = newsroom
        self._queue = queue
        self._display = display
        self._drafts = drafts
        self._wake = wake_scheduler

    async def take(self, feed: Feed, candidate: Candidate) -> int:
        """The draft for ``candidate`` (an existing one if its article already has one).

        Raises:
            NashirError: neither the page nor the feed's text is an article.
        """
        article = await self._article(candidate)
        if article.url:
            existing = await self._drafts.by_url(article.url)
            if existing is not None:
                # Made before a crash, or submitted by hand: the same story, once.
                return existing.id
        draft = await self._newsroom.submit(
            article,
            by=SYSTEM,
            origin=f"feed:{feed.id}",
            channel=feed.channel,
            breaking=candidate.breaking,
            feed_id=feed.id,
            auto=feed.policy is FeedPolicy.AUTO,
        )
        if feed.policy is FeedPolicy.REVIEW:
            await self._display.show(draft)
        else:
            placed = await self._queue.enqueue(draft)
            if placed.at is None:
                # No free slot in two weeks: the editors decide instead.
                logger.warning("no free slot for draft %s; shown for review", draft.id)
                await self._display.show(placed.draft or draft)
            if self._wake is not None:
                self._wake()
        return draft.id

    async def _article(self, candidate: Candidate) -> Article:
        item = candidate.item
        if item.url:
            try:
                return await self._articles(item.url)
            except (FetchError, NotAnArticleError) as exc:
                logger.info("feed item page unusable (%s): %s", item.url, exc.one_line())
        # The page is out of reach: the feed's own text stands in, if it is an article.
        count = len(words(item.summary))
        if count < MIN_FALLBACK_WORDS:
            raise NotAnArticleError(f"the feed's text has {count} words")
        url = normalize_url(item.url) if item.url else None
        return admit(Article(title=item.title, text=item.summary, url=url, source_url=item.url))
