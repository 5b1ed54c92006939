"""Keyword and category filters of a feed: plain substrings, never regular expressions.

Both sides are compared after ``normalize_for_matching`` (hamza forms, ta marbuta, alef
maqsura, harakat and tatweel folded) and lower-cased, so «الإنتخابات» matches «الانتخابات».
An item passes when it matches at least one include (or there are none) and no exclude.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.feeds.items import FeedItem
from bot.text.arabic import normalize_for_matching


def fold(text: str) -> str:
    return " ".join(normalize_for_matching(text).lower().split())


@dataclass(frozen=True, slots=True)
class FeedFilter:
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()

    def passes(self, item: FeedItem) -> bool:
        haystack = fold(" ".join([item.title, item.summary[:1000], *item.categories]))
        if any(fold(term) in haystack for term in self.exclude if fold(term)):
            return False
        terms = [fold(term) for term in self.include if fold(term)]
        return not terms or any(term in haystack for term in terms)


def is_breaking(title: str, keywords: tuple[str, ...]) -> bool:
    """The publisher's breaking-news words («عاجل» by default) in the headline."""
    folded = fold(title)
    return any(fold(word) and fold(word) in folded for word in keywords)
