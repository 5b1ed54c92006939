"""What makes two feed items the same story.

Three keys, any one of which matching means "already seen": the feed's GUID (within a feed),
the canonical address (normalised: tracking parameters, fragment, ``www.`` and a trailing
slash removed, scheme ignored), and a hash of the normalised headline and lead — the same
story republished under another domain, or with new tracking parameters, is one story.
"""

from __future__ import annotations

import hashlib
from urllib.parse import urlsplit, urlunsplit

from bot.ingest.urls import normalize_url
from bot.text.arabic import normalize_for_matching, words

# The lead's first words are enough to tell stories apart and survive small edits later on.
LEAD_WORDS = 30


def url_key(url: str) -> str:
    """``https://www.site.ma/a/?utm_source=x#top`` and ``http://site.ma/a`` give one key."""
    if not url:
        return ""
    try:
        normal = normalize_url(url)
    except ValueError:
        return url.strip().lower()
    parts = urlsplit(normal)
    host = parts.netloc.lower().removeprefix("www.")
    path = parts.path.rstrip("/") or "/"
    return urlunsplit(("", host, path, parts.query, ""))


def story_key(title: str, lead: str) -> str:
    """A hash of the headline and the lead's first words, spelling variants folded."""
    tokens = (
        words(normalize_for_matching(title)) + words(normalize_for_matching(lead))[:LEAD_WORDS]
    )
    folded = " ".join(token.lower() for token in tokens)
    return hashlib.sha256(folded.encode("utf-8")).hexdigest()[:32]
