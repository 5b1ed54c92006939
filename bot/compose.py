"""Per-platform drafts: a Jinja2 template filled with a summary that fits the platform's rule.

The summary is chosen *through* the platform's own counting function: the summarizer is asked
for sentences while the rendered post still fits, so a draft over its limit is a bug here,
never a surprise at posting time.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import jinja2
import regex

from bot.errors import CompositionError
from bot.models import Article, Draft, Platform
from bot.platforms.hashtags import suggest_hashtags
from bot.platforms.links import UTMConfig, share_intent_url, tracked_link
from bot.platforms.table import PlatformSpec, platform_specs
from bot.summarize import Summarizer
from bot.summarize.base import Fits
from bot.summarize.openers import Opener, opener, without_conjunction
from bot.text.arabic import normalize_for_matching, split_sentences
from bot.text.clauses import longest_clause, longest_phrase, without_asides

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


def shorten_title(title: str, fits: Callable[[str], bool]) -> str:
    """The title at its longest leading clause that fits, else cut at a word with «…»."""
    if fits(title):
        return title
    clause = longest_clause(title, lambda c: fits(c.removesuffix(".")), min_words=3)
    return clause.removesuffix(".") if clause else trim_words(title, fits)


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


@dataclass(frozen=True, slots=True)
class PostFrame:
    """One platform's post without its summary: what is left is to choose sentences."""

    spec: PlatformSpec
    article: Article
    template: jinja2.Template
    site_name: str
    title: str
    link: str | None
    tags: tuple[str, ...]

    def render(self, sentences: Sequence[str]) -> str:
        text = self.template.render(
            title=self.title,
            summary=list(sentences),
            link=self.link,
            hashtags=list(self.tags),
            site_name=self.site_name,
            section=self.article.section or "",
        )
        return _BLANK_LINES.sub("\n\n", text).strip()

    def fits(self, sentences: Sequence[str]) -> bool:
        """Within the platform's hard rules and its editorial budget."""
        return self.spec.within_budget(self.render(sentences))

    def draft(self, sentences: Sequence[str], *, note: str = "") -> Draft:
        spec = self.spec
        text = self.render(sentences)
        if not spec.fits(text):
            raise CompositionError(f"{spec.platform}: {spec.measure(text)} > {spec.limit}")
        return Draft(
            platform=spec.platform,
            text=text,
            length=spec.measure(text),
            limit=spec.limit,
            link=self.link,
            hashtags=self.tags,
            share_url=share_intent_url(spec, text, self.link, self.article.title),
            summary=" ".join(sentences),
            note=note,
        )


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

    def hashtags(self, article: Article) -> list[str]:
        """The article's hashtag pool, the publisher's own first; each platform takes its share."""
        return suggest_hashtags(
            article.title, article.text, limit=_MAX_HASHTAG_POOL, publisher_tags=article.tags
        )

    def compose_all(
        self, article: Article, platforms: Sequence[Platform] | None = None
    ) -> tuple[Draft, ...]:
        hashtags = self.hashtags(article)
        return tuple(
            self.compose(article, spec, hashtags=hashtags) for spec in platform_specs(platforms)
        )

    def compose(
        self,
        article: Article,
        spec: PlatformSpec,
        *,
        hashtags: Sequence[str],
        avoid: frozenset[str] = frozenset(),
    ) -> Draft:
        """One platform's draft; sentences in ``avoid`` are not used (another variant)."""
        frame = self.frame(article, spec, hashtags=hashtags)
        allowed = _avoiding(avoid)
        sentences = self._summary(article, spec, allowed(frame.fits))
        lead = _lead(article)
        if lead is not None and repeats_any(lead, avoid):
            lead = None  # another variant: it opens with the next-best news, not the lead
        if sentences and (lead is None or _opens_with(sentences, lead)):
            return frame.draft(sentences)
        # The lead does not fit beside the frame, not even its first clause. A post that
        # opens with the news is worth more than its hashtags, then more than the link's
        # tracking parameters; only when that is not enough does another sentence open it,
        # and only when none fits is the lead cut at a phrase boundary.
        for leaner in _leaner_frames(frame):
            shorter = self._summary(article, spec, allowed(leaner.fits))
            if shorter and (lead is None or _opens_with(shorter, lead)):
                return leaner.draft(shorter)
        if sentences:
            return frame.draft(sentences)
        for leaner in _leaner_frames(frame):
            if sentences := self._summary(article, spec, allowed(leaner.fits)):
                return leaner.draft(sentences)
        return frame.draft(self._last_resort(article, frame.fits))

    def frame(self, article: Article, spec: PlatformSpec, *, hashtags: Sequence[str]) -> PostFrame:
        """The post around the summary (title, link, tags), already made to fit.

        The frame must fit before any summary. Given up, in order: tags; then, if the link
        cannot fit even beside an empty title, its tracking parameters and as a last resort
        the link itself; then title words.
        """
        link = tracked_link(article.url, spec.platform, self._options.utm) if article.url else None
        frame = PostFrame(
            spec=spec,
            article=article,
            template=self._env.get_template(spec.template),
            site_name=article.site_label(self._options.site_name),
            title=article.title,
            link=link,
            tags=tuple(hashtags[: spec.max_hashtags]),
        )
        while not frame.fits([]) and frame.tags:
            frame = replace(frame, tags=frame.tags[:-1])
        if frame.link and article.url and not replace(frame, title="").fits([]):
            frame = replace(frame, link=article.url)
        if frame.link and not replace(frame, title="").fits([]):
            frame = replace(frame, link=None)
        if not frame.fits([]):
            shortened = shorten_title(article.title, lambda t: replace(frame, title=t).fits([]))
            frame = replace(frame, title=shortened or ELLIPSIS)
        if not frame.fits([]):
            raise CompositionError(f"{spec.platform}: the frame alone is over the limit")
        return frame

    def _summary(
        self, article: Article, spec: PlatformSpec, fits: Callable[[Sequence[str]], bool]
    ) -> list[str]:
        return self._summarizer.summarize(
            article.text, title=article.title, max_sentences=spec.max_sentences, fits=fits
        )

    def _last_resort(self, article: Article, fits: Callable[[Sequence[str]], bool]) -> list[str]:
        """The lead (the sentence news writing puts the essentials in), cut short at a
        phrase boundary; nothing when even that does not fit (the post is then its headline
        and link): a phrase is never cut in its middle."""
        title_key = _comparable(article.title)
        candidates = [
            s
            for s in split_sentences(article.text)
            if not title_key or not _comparable(s).startswith(title_key)
        ]
        if not candidates:
            return []
        # The first that can open a post on its own, else simply the first.
        lead = next(
            (s for s in candidates if opener(s) in (Opener.PLAIN, Opener.CONJUNCTION)),
            candidates[0],
        )
        if opener(lead) is Opener.CONJUNCTION:
            lead = without_conjunction(lead)
        shortened = longest_phrase(lead, lambda candidate: fits([candidate]))
        return [shortened] if shortened else []


def _lead(article: Article) -> str | None:
    """The sentence a post should open with: the body's first one of some length that is
    not the headline again."""
    title_key = _comparable(article.title)
    for sentence in split_sentences(article.text):
        if len(sentence.split()) < 3:
            continue
        if title_key and _comparable(without_asides(sentence)).startswith(title_key):
            continue
        if title_key and _comparable(sentence).startswith(title_key):
            continue
        return sentence
    return None


def _opens_with(sentences: Sequence[str], lead: str) -> bool:
    """Whether a summary opens with ``lead``: whole, cut short, or without its «و»."""
    first = sentences[0].removesuffix(".")
    return lead.startswith(first) or without_conjunction(lead).startswith(first)


def _avoiding(avoid: frozenset[str]) -> Callable[[Fits], Fits]:
    """A length rule that also refuses the sentences of another variant (or cuts of them)."""
    if not avoid:
        return lambda fits: fits

    def wrap(fits: Fits) -> Fits:
        def allowed(sentences: Sequence[str]) -> bool:
            return not any(repeats_any(s, avoid) for s in sentences) and fits(sentences)

        return allowed

    return wrap


def repeats_any(sentence: str, avoid: Collection[str]) -> bool:
    """``sentence`` is one of ``avoid``, or the start of one (a clause cut from it)."""
    if sentence in avoid:
        return True
    stem = sentence.rstrip(" .،,؛;:…").strip()
    return bool(stem) and any(a.startswith(stem) for a in avoid)


def _leaner_frames(frame: PostFrame) -> Iterator[PostFrame]:
    """The frame without its hashtags, then also without the link's tracking parameters."""
    if frame.tags:
        frame = replace(frame, tags=())
        yield frame
    untracked = frame.article.url
    if frame.link and untracked and frame.link != untracked:
        yield replace(frame, link=untracked)


def _comparable(text: str) -> str:
    return normalize_for_matching(text).strip().rstrip(".!?؟…:").strip()
