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
import regex

from bot.errors import CompositionError
from bot.models import Article, Draft, Platform
from bot.platforms.hashtags import suggest_hashtags
from bot.platforms.links import UTMConfig, share_intent_url, tracked_link
from bot.platforms.table import PlatformSpec, platform_specs
from bot.summarize import Summarizer
from bot.text.arabic import normalize_for_matching, split_sentences

logger = logging.getLogger(__name__)

ELLIPSIS = "…"
_TRAILING_PUNCTUATION = " \t،,؛;:-–—"
_GRAPHEME = regex.compile(r"\X")
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

    When not even the first word fits (a pasted URL as a title, say), the first word is cut
    between graphemes instead. Returns "" when nothing fits at all. Prefixes grow
    monotonically in every platform's count, so binary searches find the longest one.
    """
    if fits(text):
        return text
    parts = text.split()
    count = _longest(len(parts), lambda n: fits(_with_ellipsis(parts[:n])))
    if count:
        return _with_ellipsis(parts[:count])
    if not parts:
        return ""
    clusters = _GRAPHEME.findall(parts[0])
    count = _longest(len(clusters), lambda n: fits("".join(clusters[:n]) + ELLIPSIS))
    return "".join(clusters[:count]) + ELLIPSIS if count else ""


def _longest(upper: int, ok: Callable[[int], bool]) -> int:
    """The largest n in 0..upper with ok(n), for a predicate true up to some point."""
    low, high = 0, upper
    while low < high:
        middle = (low + high + 1) // 2
        if ok(middle):
            low = middle
        else:
            high = middle - 1
    return low


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
                site_name=article.site_name or self._options.site_name,
                section=article.section or "",
            )
            return _BLANK_LINES.sub("\n\n", text).strip()

        def fits(sentences: Sequence[str]) -> bool:
            return spec.within_budget(render(sentences))

        def frame_fits(candidate_title: str) -> bool:
            nonlocal title
            title = candidate_title
            return fits([])

        # The frame (title, link, tags) must fit before any summary. Give up, in order: tags;
        # then, if the link cannot fit even beside an empty title, its tracking parameters
        # and as a last resort the link itself; then title words.
        while not frame_fits(article.title) and tags:
            tags.pop()
        if link and not frame_fits("") and article.url:
            link = article.url
        if link and not frame_fits(""):
            link = None
        if not frame_fits(article.title):
            title = trim_words(article.title, frame_fits) or ELLIPSIS
        if not frame_fits(title):
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
        # Not one whole sentence fits: shorten the lead, the sentence news writing puts the
        # essentials in, at a word boundary.
        lead = next(
            (
                s
                for s in split_sentences(article.text)
                if normalize_for_matching(s).strip(" .") != title_key
            ),
            None,
        )
        if lead is None:
            return []
        shortened = trim_words(lead, lambda candidate: fits([candidate]))
        return [shortened] if shortened else []
