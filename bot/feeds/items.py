"""Feed entries as the newsroom reads them, from RSS 0.9x/2.0, Atom and RDF (feedparser).

Feeds are liberal with dates (missing, in another zone, in the future, unparseable) and with
ids (missing GUIDs, GUIDs that change with every edit): an entry's date falls back to its
update time, then to "unknown" (it is then ordered as the feed lists it), a date in the
future is taken as now, and an entry without a GUID is known by its link.
"""

from __future__ import annotations

import calendar
import datetime as dt
import html
import logging
import re
from dataclasses import dataclass

import feedparser
from lxml import etree

from bot.errors import NotAFeedError

logger = logging.getLogger(__name__)

_TAG = re.compile(r"<[^>]+>")
_QUICK_PARSER = etree.XMLParser(
    recover=True, resolve_entities=False, no_network=True, huge_tree=False
)
_ATOM_ID = "{http://www.w3.org/2005/Atom}id"
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class FeedItem:
    guid: str
    url: str
    title: str
    summary: str  # plain text: the feed's description, or its full content when richer
    published: dt.datetime | None
    categories: tuple[str, ...] = ()
    position: int = 0  # order in the feed (0 = first listed)


@dataclass(frozen=True, slots=True)
class ParsedFeed:
    title: str
    items: tuple[FeedItem, ...]


def parse_feed(data: bytes, *, now: dt.datetime) -> ParsedFeed:
    """Parse a feed document.

    Raises:
        NotAFeedError: nothing in it reads as a feed (malformed XML without entries, an HTML
            page, an empty document).
    """
    parsed = feedparser.parse(data)
    if not parsed.feed and not parsed.entries:
        raise NotAFeedError("no feed elements")
    items = []
    for position, entry in enumerate(parsed.entries):
        url = str(entry.get("link") or "").strip()
        guid = str(entry.get("id") or entry.get("guid") or url).strip()
        title = _plain(entry.get("title", ""))
        if not (url or guid) or not title:
            continue
        items.append(
            FeedItem(
                guid=guid or url,
                url=url,
                title=title,
                summary=_richest(entry),
                published=_date(entry, now),
                categories=tuple(
                    str(tag.get("term", "")).strip()
                    for tag in entry.get("tags", []) or []
                    if str(tag.get("term", "")).strip()
                ),
                position=position,
            )
        )
    if parsed.get("bozo"):
        reason = str(parsed.get("bozo_exception") or "malformed XML")[:200]
        if not items:
            raise NotAFeedError(reason)
        # A feed with a few broken bytes still lists its items: take them, say so.
        logger.warning("feed parsed despite errors: %s", reason)
    return ParsedFeed(title=_plain(parsed.feed.get("title", "")), items=tuple(items))


def quick_guids(data: bytes) -> list[str] | None:
    """The GUIDs of an RSS or Atom document, read without feedparser (a twentieth of its
    cost), or None when any item lacks an explicit one (then only a full parse can tell).

    A poll whose every GUID is already known has nothing new; most polls are such.
    """
    try:
        root = etree.fromstring(data, parser=_QUICK_PARSER)
    except etree.XMLSyntaxError:
        return None
    if root is None:
        return None
    guids = []
    for item in root.iter("item", "{http://www.w3.org/2005/Atom}entry"):
        found = item.find("guid") if item.tag == "item" else item.find(_ATOM_ID)
        text = (found.text or "").strip() if found is not None else ""
        if not text:
            return None
        guids.append(text)
    return guids


def oldest_first(items: tuple[FeedItem, ...] | list[FeedItem]) -> list[FeedItem]:
    """Oldest first; undated entries keep the feed's own order (newest listed first, as
    feeds do), after dated ones of the same poll."""
    dated = sorted((i for i in items if i.published), key=lambda i: (i.published, -i.position))
    undated = sorted((i for i in items if not i.published), key=lambda i: -i.position)
    return [*dated, *undated]


def _date(entry: feedparser.FeedParserDict, now: dt.datetime) -> dt.datetime | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        value = entry.get(key)
        if value:
            try:
                moment = dt.datetime.fromtimestamp(calendar.timegm(value), dt.UTC)
            except (OverflowError, ValueError, TypeError):
                continue
            return min(moment, now)  # a date in the future is a clock or zone mistake
    return None


def _richest(entry: feedparser.FeedParserDict) -> str:
    candidates = [entry.get("summary", "")]
    for content in entry.get("content", []) or []:
        candidates.append(content.get("value", ""))
    texts = [_plain(c, keep_paragraphs=True) for c in candidates if c]
    return max(texts, key=len, default="")


def _plain(value: object, *, keep_paragraphs: bool = False) -> str:
    text = str(value or "")
    if keep_paragraphs:
        text = re.sub(r"(?i)</p>|<br\s*/?>", "\n\n", text)
    text = html.unescape(_TAG.sub(" ", text))
    if keep_paragraphs:
        paragraphs = [_SPACES.sub(" ", p).strip() for p in text.split("\n\n")]
        return "\n\n".join(p for p in paragraphs if p)
    return _SPACES.sub(" ", text).strip()
