"""Article extraction: HTML in, a clean :class:`~bot.models.Article` out.

The page is parsed once and its <head> read; then the tree is pruned once
(:mod:`bot.ingest.prune`: scripts, menus, widgets and forms go, layout tables become blocks),
which makes every later pass cheaper. trafilatura finds the body and the metadata on the
pruned tree; readability-lxml is consulted only when trafilatura's answer looks wrong — too
little text, or clearly fewer long paragraphs than the page holds (articles split into
several containers between ads). Then the Arabic boilerplate filter runs, the headline is
removed from the body, and the page completes the metadata: its <head> (canonical URL,
section, a trustworthy date), and the lines right above the article (:mod:`bot.ingest.pagehead`:
the headline as printed, the dateline, the byline) on sites whose <head> says little.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections import Counter
from copy import deepcopy

import trafilatura
from lxml.html import HtmlElement, fromstring
from readability import Document as ReadabilityDocument
from trafilatura.settings import Document as TrafilaturaDocument
from trafilatura.settings import set_date_params
from trafilatura.utils import load_html

from bot.errors import NotAnArticleError
from bot.ingest.blocks import (
    html_blocks,
    page_link_texts,
    substantial_paragraphs,
    text_size,
    trafilatura_blocks,
)
from bot.ingest.boilerplate import filter_paragraphs, fold, link_key
from bot.ingest.furniture import byline_author, dateline_date
from bot.ingest.pagehead import head_lines, printed_headline, site_from_title
from bot.ingest.pagemeta import (
    PageMeta,
    canonical_url,
    clean_title,
    parse_date,
    read_page_meta,
    squash,
    states_new_year,
    title_from_sentence,
)
from bot.ingest.prune import prune_page
from bot.ingest.urls import normalize_url
from bot.models import Article
from bot.text.arabic import detect_language

logger = logging.getLogger(__name__)

# Fewer words than this after cleaning and the page is not an article.
MIN_ARTICLE_WORDS = 40
# A login form with less text than this around it is a login page.
LOGIN_PAGE_MAX_WORDS = 150
# A login page's text talks about passwords and signing in (a password field alone is not
# enough: many news pages carry a hidden login form).
_LOGIN_WORDS = re.compile(
    r"كلمة (?:المرور|السر)|تسجيل الدخول|password|sign in|log in|mot de passe|connexion", re.I
)
# Share of the body that may be link texts before the page counts as a list of links.
MAX_LINK_SHARE = 0.5
# Readability replaces trafilatura's body when it contains nearly all of it and is this much
# longer: trafilatura kept one container of an article split across several.
RESCUE_GROWTH = 1.5
RESCUE_CONTAINMENT = 0.9
# Long page paragraphs missing from trafilatura's text, as a share of its text, above which
# readability is consulted.
MISSING_SHARE = 0.5
MIN_MISSING_PARAGRAPHS = 3

# The article's first paragraph is its first line of at least this many words; shorter lines
# above it are its head (section label, kicker, headline, dateline).
PARAGRAPH_MIN_WORDS = 10
# A section label or kicker above the first paragraph is at most this long.
LABEL_MAX_WORDS = 3

# trafilatura options, chosen on the extraction benchmark (bench/extraction.py): precision
# mode cut real paragraphs on several sites; comments are never article text; tables are
# kept because score tables and figures are part of many sports and economy stories.
_TRAFILATURA_OPTIONS = {
    "include_comments": False,
    "include_tables": True,
    "include_images": False,
    "include_links": False,
    "favor_precision": False,
    "with_metadata": True,
    "deduplicate": False,
}


def extract_article(html: str, url: str | None = None) -> Article:
    """Extract the article of an HTML page.

    Args:
        html: the page, already decoded to text.
        url: the address it was fetched from; resolves relative links and is the
            canonical URL's last fallback.

    Returns:
        The article: body paragraphs joined by blank lines, title, canonical URL, lead
        image, date, author, site name, language and section.

    Raises:
        NotAnArticleError: the page has no article (too little text, a login page, a page
            that is mostly a list of links).
    """
    tree = _parse(html)
    meta = read_page_meta(tree)
    prune_page(tree)
    document = _run_trafilatura(tree, url)
    links = page_link_texts(tree)

    lines = filter_paragraphs(
        trafilatura_blocks(document.body if document else None), link_texts=links
    )
    lines = _rescue_with_readability(tree, url, lines, links)

    first = _first_paragraph(lines)
    head = head_lines(tree, lines[first]) if lines else []
    site_name = squash(document.sitename if document else None) or meta.site_name
    title = _pick_title(document, meta, site_name, url, [*head, *lines[: first + 1]])
    site_name = site_name or site_from_title(meta.title_tag, title)
    author = _author(document, site_name) or byline_author(head)
    headings = {fold(name) for name in (title, meta.h1, meta.og_title) if name}
    lines = _drop_head_labels(lines, headings, links, meta.section)
    lines = _dedupe(_drop_headings(lines, headings | {fold(n) for n in (site_name, author) if n}))
    _check_is_article(lines, meta, links)

    body = "\n\n".join(lines)
    return Article(
        title=title or title_from_sentence(lines[0]),
        text=body,
        url=canonical_url(meta, url),
        source_url=url,
        image_url=_image(document, meta, url),
        published=_published(document, meta, html, head),
        author=author,
        site_name=site_name or None,
        language=detect_language(f"{title}\n{body[:3000]}"),
        section=meta.section or _first_category(document),
        tags=meta.tags,
    )


def _parse(html: str) -> HtmlElement:
    if not html or not html.strip():
        raise NotAnArticleError("empty page")
    tree = load_html(html)
    if tree is None:
        raise NotAnArticleError("the page could not be parsed as HTML")
    return tree


def _run_trafilatura(tree: HtmlElement, url: str | None) -> TrafilaturaDocument | None:
    # trafilatura copies a tree it is given, so `tree` stays intact for the steps after.
    # No extensive date search: it hands free text to dateparser, whose first call in a
    # process loads locale tables for over a second; the <head>, JSON-LD and the dateline
    # (bot.ingest.furniture) give the same dates on the benchmark pages.
    try:
        result = trafilatura.bare_extraction(
            tree,
            url=url,
            date_extraction_params=set_date_params(extensive=False),
            **_TRAFILATURA_OPTIONS,
        )
    except Exception:  # a third-party parser on hostile input: log it, fall back
        logger.warning("trafilatura failed on %s", url, exc_info=True)
        return None
    return result if isinstance(result, TrafilaturaDocument) else None


def _readability_lines(tree: HtmlElement, url: str | None) -> list[str]:
    # readability mutates the tree it is given.
    try:
        summary = ReadabilityDocument(deepcopy(tree), url=url).summary(html_partial=True)
    except Exception:  # same reasoning as for trafilatura
        logger.warning("readability failed on %s", url, exc_info=True)
        return []
    if not summary.strip():
        return []
    return html_blocks(fromstring(summary))


def _containment(part: list[str], whole: list[str]) -> float:
    """Share of ``part``'s tokens also found in ``whole`` (multiset)."""
    part_tokens = Counter(" ".join(part).split())
    if not part_tokens:
        return 1.0
    common = part_tokens & Counter(" ".join(whole).split())
    return sum(common.values()) / sum(part_tokens.values())


def _looks_incomplete(tree: HtmlElement, lines: list[str]) -> bool:
    """Many long paragraphs of the page are missing from the extracted text."""
    extracted = " ".join(lines)
    missing = [p for p in substantial_paragraphs(tree) if p[:60] not in extracted]
    if len(missing) < MIN_MISSING_PARAGRAPHS:
        return False
    return sum(text_size(p) for p in missing) >= MISSING_SHARE * text_size(extracted)


def _rescue_with_readability(
    tree: HtmlElement, url: str | None, lines: list[str], links: frozenset[str]
) -> list[str]:
    size = text_size(" ".join(lines))
    if size >= MIN_ARTICLE_WORDS and not _looks_incomplete(tree, lines):
        return lines
    alternative = filter_paragraphs(_readability_lines(tree, url), link_texts=links)
    alt_size = text_size(" ".join(alternative))
    if size < MIN_ARTICLE_WORDS:
        return alternative if alt_size > size else lines
    if alt_size >= RESCUE_GROWTH * size and _containment(lines, alternative) >= RESCUE_CONTAINMENT:
        logger.debug("readability found %d words where trafilatura found %d", alt_size, size)
        return alternative
    return lines


def _pick_title(
    document: TrafilaturaDocument | None,
    meta: PageMeta,
    site_name: str | None,
    url: str | None,
    shown: list[str],
) -> str:
    """The headline: trafilatura's title, og:title, <h1> or <title>, cleaned of the site's
    name; on pages whose <title> joins headline, section and site, the piece the page
    prints (``shown``: the lines above the article and its first lines)."""
    raw_titles = (document.title if document else None, meta.og_title, meta.h1, meta.title_tag)
    candidates = (
        (document.title if document else None, False),
        (meta.og_title, False),
        (meta.h1, False),
        (meta.title_tag, True),
    )
    title = ""
    for raw, aggressive in candidates:
        title = clean_title(raw, site_name=site_name, url=url, aggressive=aggressive)
        if title:
            break
    return printed_headline(title, raw_titles, shown) or title


def _first_paragraph(lines: list[str]) -> int:
    """Index of the article's first paragraph (trafilatura may keep short head lines and the
    printed headline above it)."""
    return next(
        (index for index, line in enumerate(lines) if text_size(line) >= PARAGRAPH_MIN_WORDS), 0
    )


def _drop_head_labels(
    lines: list[str], headings: set[str], links: frozenset[str], section: str | None
) -> list[str]:
    """Section labels and kickers above the first paragraph («الجهوي», «البطولة
    الاحترافية»): a short line printed right above the headline, or that is one of the
    page's links or its section's name."""
    labels = {fold(section)} if section else set()
    kept: list[str] = []
    for index, line in enumerate(lines):
        if text_size(line) >= PARAGRAPH_MIN_WORDS:
            return kept + lines[index:]
        above_headline = index + 1 < len(lines) and fold(lines[index + 1]) in headings
        if text_size(line) <= LABEL_MAX_WORDS and (
            above_headline or link_key(line) in links or fold(line) in labels
        ):
            continue
        kept.append(line)
    return kept


def _drop_headings(lines: list[str], names: set[str]) -> list[str]:
    """The body must not repeat the headline (trafilatura keeps the <h1>, table-layout pages
    print it again in the story's cell), nor show the site's or the author's name on a line
    of its own (``names`` are folded)."""
    return [line for line in lines if fold(line) not in names]


def _author(document: TrafilaturaDocument | None, site_name: str | None) -> str | None:
    """The page's author, unless it only names the site (old sites fill the author meta
    with their own name)."""
    author = squash(document.author if document else None)
    if not author or (site_name and fold(author) == fold(site_name)):
        return None
    return author


def _dedupe(lines: list[str]) -> list[str]:
    """Drop repeats of a paragraph (captions and pull quotes shown twice)."""
    seen: set[str] = set()
    kept: list[str] = []
    for line in lines:
        key = " ".join(line.split()).casefold()
        if key in seen and len(key.split()) >= 4:
            continue
        seen.add(key)
        kept.append(line)
    return kept


def _check_is_article(lines: list[str], meta: PageMeta, links: frozenset[str]) -> None:
    text = " ".join(lines)
    size = text_size(text)
    if size < MIN_ARTICLE_WORDS:
        raise NotAnArticleError(f"only {size} words of text")
    if meta.has_password_field and size < LOGIN_PAGE_MAX_WORDS and _LOGIN_WORDS.search(text):
        raise NotAnArticleError("a login page")
    linked = sum(text_size(line) for line in lines if link_key(line) in links)
    if linked > MAX_LINK_SHARE * size:
        raise NotAnArticleError("the page is mostly a list of links")


def _image(document: TrafilaturaDocument | None, meta: PageMeta, url: str | None) -> str | None:
    raw = (document.image if document else None) or meta.image
    if not raw:
        return None
    image = normalize_url(raw, url) if url else raw.strip()
    return image if image.startswith(("http://", "https://")) else None


def _published(
    document: TrafilaturaDocument | None, meta: PageMeta, html: str, head: list[str]
) -> dt.date | None:
    """The <head>'s publication date, else the dateline printed above the article, else
    trafilatura's guess (which on old sites often comes from an archive link or an image
    path: «/2026/03/» read as the first of the month)."""
    found = parse_date(meta.published)
    if found is None:
        printed = dateline_date(head)
        if printed is not None:
            return printed
        found = parse_date(document.date if document else None)
    if (
        found is not None
        and (found.month, found.day) == (1, 1)
        and not states_new_year(html, found.year)
    ):
        return None
    return found


def _first_category(document: TrafilaturaDocument | None) -> str | None:
    if document is None or not document.categories:
        return None
    return squash(document.categories[0]) or None
