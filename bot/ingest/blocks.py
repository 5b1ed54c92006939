"""Text blocks (paragraphs, headings, list items) from extractor output and from raw pages.

Both extractors are reduced to the same thing: a list of lines, one per paragraph, heading,
list item or table row, whitespace collapsed. Everything after that (boilerplate filter,
title removal, size checks) works on lines and does not care which extractor produced them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from lxml import etree
from lxml.html import HtmlElement

from bot.ingest.boilerplate import link_key
from bot.text.arabic import words

_SPACES = re.compile(r"[^\S\n\t]+")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")

# Elements of trafilatura's output that stand on their own line(s).
_TRAF_BLOCKS = frozenset({"head", "p", "div", "quote", "list", "item", "table", "row", "code"})
# HTML elements that start a new line when flattening readability's output.
_HTML_BLOCKS = frozenset(
    {
        "p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre",
        "tr", "section", "article", "figcaption", "dd", "dt", "ul", "ol", "table", "header",
    }
)  # fmt: skip
# Longest text still taken for one link (a headline and a summary); and the blocks a teaser
# link may wrap.
MAX_LINK_WORDS = 160
_LINK_INNER_BLOCKS = ("p", "h1", "h2", "h3", "h4", "h5", "h6", "div", "span", "li")
# Ancestors that mark a <p> as page furniture rather than article text.
_FURNITURE_TAGS = frozenset({"header", "footer", "nav", "aside", "form"})
_FURNITURE_NAMES = re.compile(
    r"comment|footer|sidebar|related|recommend|promo|teaser|newsletter|share|social|"
    r"\bnav|menu|widget|popular|trending|most-?read|outbrain|taboola",
    re.I,
)


def text_size(text: str) -> int:
    """Rough word count that also works for Chinese and Japanese (two characters ≈ a word)."""
    cjk = len(_CJK.findall(text))
    return len(words(text)) + cjk // 2


def _lines(text: str) -> Iterator[str]:
    for line in text.split("\n"):
        line = _SPACES.sub(" ", line).strip()
        if line:
            yield line


def _flatten(element: etree._Element, parts: list[str]) -> None:
    tag = element.tag
    if not isinstance(tag, str) or tag == "graphic":
        parts.append(element.tail or "")
        return
    block = tag in _TRAF_BLOCKS
    if block or tag == "lb":
        parts.append("\n")
    elif tag == "cell":
        parts.append("\t")  # cells of a row share a line, apart without adding words
    parts.append(element.text or "")
    for child in element:
        _flatten(child, parts)
    if block:
        parts.append("\n")
    parts.append(element.tail or "")


def trafilatura_blocks(body: etree._Element | None) -> list[str]:
    """Lines of trafilatura's ``Document.body``: headings, paragraphs, list items, quotes
    and table rows, each on its own line; ``<lb/>`` breaks a line too."""
    if body is None:
        return []
    parts: list[str] = [body.text or ""]
    for child in body:
        _flatten(child, parts)
    return list(_lines("".join(parts)))


def html_blocks(fragment: HtmlElement) -> list[str]:
    """Lines of an HTML fragment (readability's summary), split at block elements."""
    parts: list[str] = []
    for node in fragment.iter():
        if not isinstance(node.tag, str):
            continue
        if node.tag in _HTML_BLOCKS:
            parts.append("\n")
        if node.text and node.tag not in {"script", "style"}:
            parts.append(node.text)
        if node.tail and node is not fragment:
            parts.append(node.tail)
    return list(_lines("".join(parts)))


def page_link_texts(tree: HtmlElement) -> frozenset[str]:
    """``link_key`` forms of the page's link texts of two words or more.

    A teaser link often wraps a headline and a summary in block elements; each block inside
    the link counts as a link text of its own. An anchor holding several paragraphs or a
    long text is a broken page (an unclosed ``<a>`` swallows what follows), not a link: it
    is ignored.
    """
    keys: set[str] = set()
    for anchor in tree.iter("a"):
        text = anchor.text_content()
        if len(text.split()) > MAX_LINK_WORDS or _count(anchor.iter("p"), 3) >= 3:
            continue
        keys.add(link_key(text))
        for inner in anchor.iter(*_LINK_INNER_BLOCKS):
            if inner is not anchor:
                keys.add(link_key(inner.text_content()))
    return frozenset(key for key in keys if len(key) > 6)


def _count(items: Iterator[object], stop: int) -> int:
    """How many items there are, counting no further than ``stop``."""
    count = 0
    for _ in items:
        count += 1
        if count >= stop:
            break
    return count


def is_furniture(element: HtmlElement) -> bool:
    """Inside a header, footer, nav, aside, form, or a container named like page furniture."""
    for ancestor in element.iterancestors():
        if ancestor.tag in {"body", "html"}:
            return False
        if ancestor.tag in _FURNITURE_TAGS:
            return True
        names = f"{ancestor.get('class', '')} {ancestor.get('id', '')}"
        if names.strip() and _FURNITURE_NAMES.search(names):
            return True
    return False


def substantial_paragraphs(tree: HtmlElement, *, min_chars: int = 100) -> list[str]:
    """Text of the page's long <p> elements outside page furniture."""
    found: list[str] = []
    for paragraph in tree.iter("p"):
        text = " ".join(paragraph.text_content().split())
        if len(text) >= min_chars and not is_furniture(paragraph):
            found.append(text)
    return found
