"""What a page says about itself in its <head>: canonical URL, Open Graph, section, dates.

Read straight from the parsed tree (a few XPath lookups, well under a millisecond) and used
to complete or correct what the extractor found.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from lxml.html import HtmlElement

from bot.ingest.pagetags import read_page_tags
from bot.ingest.urls import is_http_url, normalize_url
from bot.text.arabic import normalize_for_matching, split_sentences, words
from bot.text.clauses import leading_phrase

_SPACES = re.compile(r"\s+")
# Separators between a headline and the site's name in <title> and og:title.
_STRONG_SEPARATORS = re.compile(r"\s+(?:\||::|»|·|•)\s+")
_DASH_SEPARATORS = re.compile(r"\s+[-–—]\s+")
_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


def squash(text: str | None) -> str:
    """Collapse whitespace; None and blank become ''."""
    return _SPACES.sub(" ", text or "").strip()


@dataclass(frozen=True, slots=True)
class PageMeta:
    """Head metadata of a page; every field is optional and stripped."""

    canonical: str | None = None
    og_url: str | None = None
    og_title: str | None = None
    og_type: str | None = None
    title_tag: str | None = None
    h1: str | None = None
    site_name: str | None = None
    image: str | None = None
    section: str | None = None
    published: str | None = None
    has_password_field: bool = False
    tags: tuple[str, ...] = ()  # the publisher's own tags for the article


def read_page_meta(tree: HtmlElement) -> PageMeta:
    """Collect head metadata from a parsed page."""
    metas: dict[str, str] = {}
    for meta in tree.iter("meta"):
        key = (meta.get("property") or meta.get("name") or meta.get("itemprop") or "").lower()
        content = squash(meta.get("content"))
        if key and content and key not in metas:
            metas[key] = content
    canonical = None
    for link in tree.iter("link"):
        rel = (link.get("rel") or "").lower().split()
        if "canonical" in rel and link.get("href"):
            canonical = link.get("href", "").strip()
            break
    title_el = next(tree.iter("title"), None)
    h1_el = next(tree.iter("h1"), None)
    return PageMeta(
        canonical=canonical,
        og_url=metas.get("og:url"),
        og_title=metas.get("og:title") or metas.get("twitter:title"),
        og_type=metas.get("og:type"),
        title_tag=squash(title_el.text_content()) if title_el is not None else None,
        h1=squash(h1_el.text_content()) if h1_el is not None else None,
        site_name=metas.get("og:site_name") or metas.get("application-name"),
        image=metas.get("og:image") or metas.get("og:image:url") or metas.get("twitter:image"),
        section=metas.get("article:section") or metas.get("section"),
        published=(
            metas.get("article:published_time")
            or metas.get("og:article:published_time")
            or metas.get("datepublished")
            or metas.get("date")
        ),
        has_password_field=any(
            (el.get("type") or "").lower() == "password" for el in tree.iter("input")
        ),
        tags=read_page_tags(tree),
    )


def _same_name(segment: str, site_name: str | None, host: str | None) -> bool:
    folded = normalize_for_matching(segment).casefold().strip()
    if not folded:
        return False
    if site_name:
        site = normalize_for_matching(site_name).casefold().strip()
        if site and (folded == site or (len(site) >= 4 and site in folded)):
            return True
    if host:
        label = host.casefold().removeprefix("www.").split(".")[0]
        if len(label) >= 3 and folded.replace(" ", "").replace(".", "") in {
            label,
            host.casefold().removeprefix("www."),
        }:
            return True
    return False


def clean_title(
    title: str | None,
    *,
    site_name: str | None = None,
    url: str | None = None,
    aggressive: bool = False,
) -> str:
    """Remove the site's name from a headline ("Headline | Site" → "Headline").

    Args:
        title: the raw title.
        site_name: the site's name when known (og:site_name), removed wherever it stands.
        url: the page URL; its host name counts as the site's name too.
        aggressive: for <title> text, also drop short trailing segments after "|" (section
            and site names) when the name is unknown.
    """
    text = squash(title)
    if not text:
        return ""
    host = urlsplit(url).hostname if url else None
    for separators in (_STRONG_SEPARATORS, _DASH_SEPARATORS):
        parts = [part for part in separators.split(text) if part.strip()]
        if len(parts) < 2:
            continue
        kept = [part for part in parts if not _same_name(part, site_name, host)]
        if kept and len(kept) < len(parts):
            text = (" | " if separators is _STRONG_SEPARATORS else " - ").join(kept)
            continue
        if aggressive and separators is _STRONG_SEPARATORS:
            text = max(parts, key=lambda part: len(words(part)))
    return squash(text)


def title_from_sentence(paragraph: str, max_words: int = 14) -> str:
    """A headline made from a paragraph's first sentence: all of it when it has at most
    ``max_words`` words, else its leading clause (see :func:`leading_phrase`), never a
    phrase cut short with «…»."""
    sentences = split_sentences(paragraph)
    return leading_phrase(sentences[0] if sentences else squash(paragraph), max_words)


def canonical_url(meta: PageMeta, page_url: str | None) -> str | None:
    """The article's canonical address, normalised.

    ``<link rel=canonical>`` first, then og:url, then the address the page was fetched from.
    A canonical that points at the site's home page while the page itself has a path is a
    template mistake (every article claims to be "/"), so it is ignored.
    """
    for candidate in (meta.canonical, meta.og_url):
        if not candidate:
            continue
        absolute = normalize_url(candidate, page_url)
        if not is_http_url(absolute):
            continue
        home = {"", "/"}
        if page_url and urlsplit(absolute).path in home and urlsplit(page_url).path not in home:
            continue
        return absolute
    if page_url and is_http_url(page_url):
        return normalize_url(page_url)
    return None


def parse_date(value: str | None) -> dt.date | None:
    """``2026-03-14`` or an ISO timestamp → a date; anything else → None."""
    match = _ISO_DATE.search(value or "")
    if not match:
        return None
    try:
        return dt.date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        return None


def states_new_year(html: str, year: int) -> bool:
    """Whether the page itself writes January 1st of ``year`` as a date.

    Date finders fall back to YYYY-01-01 when they only see a year (a copyright line, say);
    such a date is only trusted when the page literally states it.
    """
    spellings = (
        f"{year}-01-01",
        f"{year}/01/01",
        f"01/01/{year}",
        f"01-01-{year}",
        f"01.01.{year}",
    )
    return any(spelling in html for spelling in spellings)
