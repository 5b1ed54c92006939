"""Every way an article comes in: a URL, a saved HTML file, pasted text.

Each function returns a :class:`~bot.models.Article` or raises an ``InputError`` /
``FetchError`` with a message for the user; :func:`fetch_lead_image` never raises, because
a card without a photo is better than no card.
"""

from __future__ import annotations

import asyncio
import logging
import re
from dataclasses import dataclass
from pathlib import Path

from bot.errors import EmptyTextError, FileEncodingError, NashirError, NotAnArticleError
from bot.ingest.admission import bounded_html
from bot.ingest.boilerplate import filter_paragraphs
from bot.ingest.charset import codec_name, declared_meta_charset
from bot.ingest.extract import extract_article
from bot.ingest.fetch import DEFAULT_IMAGE_MAX_BYTES, Fetcher
from bot.ingest.pagemeta import title_from_sentence
from bot.ingest.urls import coerce_url, is_http_url, normalize_url
from bot.models import Article
from bot.text.arabic import detect_language, has_words, unwrap_lines, words
from bot.text.controls import remove_controls

logger = logging.getLogger(__name__)

# Pasted text: a first line this short, not ending like a sentence, is the headline.
TITLE_MAX_WORDS = 20
# A headline made from the first sentence is cut to this many words.
DERIVED_TITLE_WORDS = 14
# Pasted text with a body shorter than this is not an article.
MIN_TEXT_WORDS = 15

_URL_ONLY = re.compile(r"^(?:https?://|www\.)\S+$", re.I)
_SENTENCE_END = re.compile(r"[.。۔]\s*[\"'»”)]*$")


def looks_like_url(text: str) -> bool:
    """True for a single web address: ``https://…``, ``http://…`` or ``www.…``."""
    candidate = text.strip()
    return bool(_URL_ONLY.match(candidate)) and is_http_url(coerce_url(candidate))


async def article_from_url(url: str, fetcher: Fetcher) -> Article:
    """Download a page and extract its article.

    Extraction is CPU-bound, so it runs in a worker thread and the event loop stays free.

    Raises:
        FetchError: the page could not be downloaded (see :meth:`Fetcher.fetch_page`).
        NotAnArticleError: the page holds no article.
    """
    page = await fetcher.fetch_page(coerce_url(url))
    return await asyncio.to_thread(extract_article, bounded_html(page.text), page.final_url)


def article_from_html_file(path: Path, url: str | None = None) -> Article:
    """Extract the article of a saved HTML page (see :func:`article_from_html_bytes`)."""
    return article_from_html_bytes(path.read_bytes(), str(path), url)


def article_from_html_bytes(data: bytes, name: str, url: str | None = None) -> Article:
    """Extract the article of a saved HTML page's bytes (``name`` is for error messages).

    The bytes must be UTF-8, unless the page declares its own charset in a ``<meta>`` tag
    (pages saved from Arabic sites are often windows-1256), in which case that charset is used.

    Raises:
        FileEncodingError: the bytes are neither UTF-8 nor the declared charset.
        NotAnArticleError: the page holds no article.
    """
    try:
        html = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        codec = codec_name(declared_meta_charset(data))
        if codec is None or codec == "utf-8":
            raise FileEncodingError(name) from None
        try:
            html = data.decode(codec)
        except UnicodeDecodeError:
            raise FileEncodingError(f"{name} ({codec})") from None
    return extract_article(bounded_html(html), url)


def article_from_text(text: str) -> Article:
    """Make an article of pasted plain text.

    The first line is the headline when it is short (at most 20 words) and does not end
    with a full stop; otherwise the headline is the first sentence, shortened. A line that
    is only a link becomes the article's URL. Boilerplate lines («إقرأ أيضا…», share
    footers …) are removed like on web pages.

    Raises:
        EmptyTextError: no words at all (empty, emoji or symbols only).
        NotAnArticleError: fewer than 15 words of body.
    """
    text = remove_controls(text)
    if not has_words(text):
        raise EmptyTextError("no letters in the text")
    lines = [" ".join(line.split()) for line in text.splitlines()]
    url = next((line for line in lines if looks_like_url(line)), None)
    lines = [line for line in lines if line and not looks_like_url(line)]
    title = ""
    first = lines[0] if lines else ""
    if (
        len(lines) > 1
        and len(words(first)) <= TITLE_MAX_WORDS
        and not _SENTENCE_END.search(first)
        and not _wrapped_like(first, lines[1:])
    ):
        title, lines = first, lines[1:]
    # Text copied from a newspaper archive or a PDF is often hard-wrapped: its lines are
    # joined back into sentences before they are taken for paragraphs.
    lines = unwrap_lines("\n".join(lines)).splitlines()
    body_lines = filter_paragraphs([line for line in lines if has_words(line)])
    body = "\n\n".join(body_lines)
    count = len(words(body))
    if count < MIN_TEXT_WORDS:
        raise NotAnArticleError(
            f"{count} words; at least {MIN_TEXT_WORDS} are needed",
            message_ar=f"النص قصير جداً: نحتاج إلى {MIN_TEXT_WORDS} كلمة على الأقل لإعداد منشور.",
        )
    if not title:
        title = title_from_sentence(body_lines[0], DERIVED_TITLE_WORDS)
    return Article(
        title=title,
        text=body,
        url=normalize_url(coerce_url(url)) if url else None,
        language=detect_language(f"{title}\n{body[:3000]}"),
    )


def _wrapped_like(first: str, rest: list[str]) -> bool:
    """Whether ``first`` is one more line of hard-wrapped text rather than a headline: the
    lines after it are wrapped and it is about as wide as they are."""
    joined = "\n".join([first, *rest])
    if len(rest) < 2 or unwrap_lines(joined) == joined:
        return False
    widths = sorted(len(line) for line in rest[:-1])
    return len(first) >= 0.85 * widths[len(widths) // 2]


@dataclass(frozen=True, slots=True)
class LeadImage:
    """The article's lead image bytes, or why there are none (``problem``, in English)."""

    data: bytes | None
    problem: str = ""


async def fetch_lead_image(
    article: Article, fetcher: Fetcher, max_bytes: int = DEFAULT_IMAGE_MAX_BYTES
) -> LeadImage:
    """The article's lead image; without one (none, or not downloadable), the reason.

    Never raises (except on cancellation): the card is drawn without a photo instead.
    """
    if not article.image_url:
        return LeadImage(None, "the page names no lead image")
    try:
        return LeadImage(await fetcher.fetch_image(article.image_url, max_bytes=max_bytes))
    except NashirError as exc:
        logger.info("lead image skipped (%s): %s", article.image_url, exc.one_line())
        problem = f"{exc.message_en}{f' ({exc.detail})' if exc.detail else ''}"
    except Exception as exc:  # the card must not fail because of a photo
        logger.warning("lead image failed (%s)", article.image_url, exc_info=True)
        problem = type(exc).__name__
    return LeadImage(None, f"the lead image could not be downloaded: {problem}")
