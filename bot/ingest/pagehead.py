"""The lines a page shows just above its article: section label, headline, dateline, byline.

Old sites rarely describe an article in their <head>. The <title> joins the headline with the
site's and the section's names in any order («الموقع - القسم - العنوان»), the headline itself
is a line of big <font>, and the date is only written in the dateline under it. Once the
extractor has said where the article starts, the lines of the (pruned) page just above that
point are where these things are, and they confirm which piece of the <title> is the headline.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from lxml.html import HtmlElement

from bot.ingest.blocks import html_blocks
from bot.ingest.boilerplate import fold, link_key
from bot.text.arabic import words

# How many lines above the article's first paragraph count as its head.
HEAD_LINES = 12
# The first paragraph is found again in the page by its first characters.
_KEY_CHARS = 40
# Separators between the pieces of a <title>: «الموقع - القسم - العنوان», «الموقع :: العنوان».
_SEPARATORS = re.compile(r"\s+(?:\||::|»|·|•|-|–|—)\s+")
# A piece of a title shorter than this is a site or section name, not a headline.
MIN_HEADLINE_WORDS = 3


def head_lines(tree: HtmlElement, first_line: str) -> list[str]:
    """Up to ``HEAD_LINES`` lines of the page right above ``first_line`` (the article's
    first paragraph as extracted), or [] when it cannot be found in the page."""
    key = " ".join(first_line.split())[:_KEY_CHARS]
    if not key:
        return []
    body = tree.find("body")
    lines = html_blocks(body if body is not None else tree)
    for index, line in enumerate(lines):
        if key in line:
            return lines[max(0, index - HEAD_LINES) : index]
    return []


def title_pieces(title: str) -> list[str]:
    """The pieces of a title between separators, the whole title first."""
    pieces = [piece.strip() for piece in _SEPARATORS.split(title) if piece.strip()]
    return [title.strip(), *pieces] if len(pieces) > 1 else [title.strip()]


def _key(text: str) -> str:
    """Comparison form of a headline: folded, without spaces and punctuation (pages differ
    in the space after a colon or around a dash)."""
    return link_key(fold(text))


def printed_headline(
    title: str, candidates: Iterable[str | None], shown: Sequence[str]
) -> str | None:
    """The headline as printed on the page, when ``title`` is not it.

    A composite candidate («الموقع - القسم - العنوان») has a piece that is one of the
    ``shown`` lines (the article's head and first lines) while ``title`` is made of other
    pieces of it (the site's name, picked by mistake) or holds the printed piece with more
    around it.
    Returns the printed piece, or None when ``title`` should stay.
    """
    printed = {_key(line) for line in shown}
    current = _key(title)
    if current in printed:
        return None
    pieces_of_title = title_pieces(title)
    own_pieces = {_key(piece) for piece in pieces_of_title[1:] or pieces_of_title}
    for candidate in candidates:
        if not candidate:
            continue
        pieces = title_pieces(candidate)[1:]
        keys = [_key(piece) for piece in pieces]
        confirmed = [
            piece
            for piece, key in zip(pieces, keys, strict=True)
            if key in printed and len(words(piece)) >= MIN_HEADLINE_WORDS
        ]
        if not confirmed:
            continue
        best = max(confirmed, key=len)
        if own_pieces <= set(keys) or _key(best) in current:
            return best
    return None


def site_from_title(title_tag: str | None, headline: str) -> str | None:
    """The site's name in a composite <title> whose headline piece is known: the piece at
    the other end («الموقع - القسم - العنوان» → «الموقع»), or None when the headline is not
    at an end or the title has a single piece."""
    if not title_tag or not headline:
        return None
    pieces = title_pieces(title_tag)[1:]
    if len(pieces) < 2:
        return None
    target = _key(headline)
    if _key(pieces[-1]) == target:
        return pieces[0]
    if _key(pieces[0]) == target:
        return pieces[-1]
    return None
