"""Per-platform drafts: a Jinja2 template filled with a summary that fits the platform's rule.

The summary is chosen *through* the platform's own counting function: the summarizer is asked
for sentences while the rendered post still fits, so a draft over its limit is a bug here,
never a surprise at posting time.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import jinja2

from bot.errors import CompositionError
from bot.models import Article, Draft, Platform
from bot.platforms.hashtags import suggest_hashtags
from bot.platforms.links import UTMConfig, share_intent_url, tracked_link
from bot.platforms.table import PlatformSpec, platform_specs
from bot.summarize import Summarizer
from bot.text.arabic import normalize_for_matching

logger = logging.getLogger(__name__)

ELLIPSIS = "…"
_TRAILING_PUNCTUATION = " \t،,؛;:-–—"
_BLANK_LINES = re.compile(r"\n[ \t]*\n(?:[ \t]*\n)+")
_MAX_HASHTAG_POOL = 5


def make_environment(templates_dir: Path) -> jinja2.Environment:
    """Jinja2 for posts: autoescaping only for Telegram HTML templates (``*.html.j2``)."""
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(templates_dir),
        autoescape=jinja2.select_autoescape(enabled_extensions=("html.j2",), default=False),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
        undefined=jinja2.StrictUndefined,
    )


def trim_words(text: str, fits: Callable[[str], bool]) -> str:
    """The longest word-boundary prefix of ``text`` that, with «…», satisfies ``fits``.

    Returns "" when not even the first word fits. Word prefixes grow monotonically in every
    platform's count, so a binary search finds the longest one.
    """
    if fits(text):
        return text
    parts = text.split()
    low, high = 0, len(parts)
    while low < high:
        middle = (low + high + 1) // 2
        if fits(_with_ellipsis(parts[:middle])):
            low = middle
        else:
            high = middle - 1
    return _with_ellipsis(parts[:low]) if low else ""


def _with_ellipsis(parts: Sequence[str]) -> str:
    return " ".join(parts).rstrip(_TRAILING_PUNCTUATION + ".") + ELLIPSIS


@dataclass(frozen=True, slots=True)
class ComposeOptions:
    utm: UTMConfig = field(default_factory=UTMConfig)
    site_name: str = ""


class Composer:
    """Turns an article into one draft per platform."""

    def __init__(
        self,
        summarizer: Summarizer,
        *,
        templates_dir: Path,
        options: ComposeOptions | None = None,
    ) -> None:
        self._summarizer = summarizer
        self._env = make_environment(templates_dir / "posts")
        self._options = options or ComposeOptions()

    def compose_all(
        self, article: Article, platforms: Sequence[Platform] | None = None
    ) -> tuple[Draft, ...]:
        hashtags = suggest_hashtags(article.title, article.text, limit=_MAX_HASHTAG_POOL)
        return tuple(
            self.compose(article, spec, hashtags=hashtags) for spec in platform_specs(platforms)
        )

    def compose(self, article: Article, spec: PlatformSpec, *, hashtags: Sequence[str]) -> Draft:
        link = tracked_link(article.url, spec.platform, self._options.utm) if article.url else None
        template = self._env.get_template(spec.template)
        tags = list(hashtags[: spec.max_hashtags])
        title = article.title

        def render(sentences: Sequence[str]) -> str:
            text = template.render(
                title=title,
                summary=list(sentences),
                link=link,
                hashtags=tags,
                site_name=self._options.site_name or article.site_name or "",
                section=article.section or "",
            )
            return _BLANK_LINES.sub("\n\n", text).strip()

        def fits(sentences: Sequence[str]) -> bool:
            return spec.within_budget(render(sentences))

        # The frame (title, link, tags) must fit before any summary: drop tags first, then
        # shorten the title.
        while not fits([]) and tags:
            tags.pop()
        if not fits([]):
            original_title = title

            def title_fits(candidate: str) -> bool:
                nonlocal title
                title = candidate
                return fits([])

            shortened = trim_words(original_title, title_fits)
            title = shortened or original_title
            if not shortened:
                raise CompositionError(f"{spec.platform}: the frame alone is over the limit")

        sentences = self._summary(article, spec, fits)
        text = render(sentences)
        if not spec.fits(text):
            raise CompositionError(f"{spec.platform}: {spec.measure(text)} > {spec.limit}")
        return Draft(
            platform=spec.platform,
            text=text,
            length=spec.measure(text),
            limit=spec.limit,
            link=link,
            hashtags=tuple(tags),
            share_url=share_intent_url(spec, text, link, article.title),
            summary=" ".join(sentences),
        )

    def _summary(
        self, article: Article, spec: PlatformSpec, fits: Callable[[Sequence[str]], bool]
    ) -> list[str]:
        title_key = normalize_for_matching(article.title).strip(" .")

        def fits_without_title(sentences: Sequence[str]) -> bool:
            # A sentence that only repeats the headline adds nothing to the post.
            if any(normalize_for_matching(s).strip(" .") == title_key for s in sentences):
                return False
            return fits(sentences)

        sentences = self._summarizer.summarize(
            article.text,
            title=article.title,
            max_sentences=spec.max_sentences,
            fits=fits_without_title,
        )
        if sentences:
            return sentences
        # Not one whole sentence fits: shorten the best one at a word boundary.
        best = self._summarizer.summarize(article.text, title=article.title, max_sentences=1)
        if not best or normalize_for_matching(best[0]).strip(" .") == title_key:
            return []
        shortened = trim_words(best[0], lambda candidate: fits([candidate]))
        return [shortened] if shortened else []
