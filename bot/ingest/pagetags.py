"""The publisher's own tags for an article, as the page declares or shows them.

An editor's tags beat any we could compute, so they are read from every place publishers
put them, in this order: ``<meta property="article:tag">`` (one per tag), the ``keywords``
of the page's JSON-LD article, ``<meta name="news_keywords">``, and the visible tags list
under the article (links with ``rel="tag"``, or the links of a block whose class or id says
"tags"). The site-wide ``<meta name="keywords">`` and tag clouds are not the article's tags
and are not read.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator

from lxml.html import HtmlElement

from bot.text.arabic import normalize_for_matching

_SEPARATORS = re.compile(r"\s*[,،;؛|]\s*")
_SPACES = re.compile(r"\s+")
_ARTICLE_TYPES = frozenset(
    {"article", "newsarticle", "reportagenews", "blogposting", "analysisnewsarticle"}
)
# Class or id tokens of a block that lists the article's tags; "cloud" blocks list the site's.
_TAGS_BLOCK = re.compile(r"(?:^|[-_\s])(?:tags?|keywords|labels|wasm)(?:$|[-_\s])", re.IGNORECASE)
_NOT_ARTICLE_TAGS = re.compile(r"cloud|widget|popular|trending", re.IGNORECASE)
MAX_TAGS = 10
_MAX_TAG_CHARS = 50


def read_page_tags(tree: HtmlElement) -> tuple[str, ...]:
    """The article's tags from its page, first place first, each once, at most ten."""
    found = _unique(
        [
            *_meta_values(tree, "article:tag", split=False),
            *_json_ld_keywords(tree),
            *_meta_values(tree, "news_keywords", split=True),
            *_visible_tags(tree),
        ]
    )
    return tuple(found[:MAX_TAGS])


def _clean(text: str | None) -> str:
    return _SPACES.sub(" ", text or "").strip(" #\u200f\u200e")


def _unique(tags: Iterable[str]) -> list[str]:
    out: list[str] = []
    seen: set[str] = set()
    for tag in tags:
        tag = _clean(tag)
        key = normalize_for_matching(tag).casefold()
        if tag and len(tag) <= _MAX_TAG_CHARS and key not in seen:
            seen.add(key)
            out.append(tag)
    return out


def _meta_values(tree: HtmlElement, name: str, *, split: bool) -> Iterator[str]:
    for meta in tree.iter("meta"):
        key = (meta.get("property") or meta.get("name") or "").strip().lower()
        if key != name:
            continue
        content = meta.get("content") or ""
        yield from (_SEPARATORS.split(content) if split else [content])


def _json_ld_keywords(tree: HtmlElement) -> Iterator[str]:
    for script in tree.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json":
            continue
        try:
            data = json.loads(script.text or "")
        except ValueError:
            continue  # a broken block on someone else's page is not our error
        for item in _json_ld_items(data):
            keywords = item.get("keywords")
            if isinstance(keywords, str):
                yield from _SEPARATORS.split(keywords)
            elif isinstance(keywords, list):
                yield from (k for k in keywords if isinstance(k, str))


def _json_ld_items(data: object) -> Iterator[dict]:
    """Article objects of a JSON-LD block: at the top, in a list, or in an @graph."""
    if isinstance(data, list):
        for entry in data:
            yield from _json_ld_items(entry)
        return
    if not isinstance(data, dict):
        return
    if "@graph" in data:
        yield from _json_ld_items(data["@graph"])
    kinds = data.get("@type")
    kinds = kinds if isinstance(kinds, list) else [kinds]
    if any(isinstance(k, str) and k.lower() in _ARTICLE_TYPES for k in kinds):
        yield data


def _visible_tags(tree: HtmlElement) -> Iterator[str]:
    for link in tree.iter("a"):
        if "tag" in (link.get("rel") or "").lower().split():
            yield link.text_content()
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue
        marks = f"{element.get('class') or ''} {element.get('id') or ''}"
        if not _TAGS_BLOCK.search(marks) or _NOT_ARTICLE_TAGS.search(marks):
            continue
        yield from (link.text_content() for link in element.iter("a"))
