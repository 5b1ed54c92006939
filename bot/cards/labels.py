"""A label the card already shows is not repeated at the head of the headline.

Arabic sites often start a headline with its label: «عاجل: زلزال بقوة 5.8 …», «[عاجل] …»,
«🔴 عاجل | …», «اقتصاد - …». On the breaking-news card the band already says «عاجل», and a
section chip already names the section: said twice, the label takes the headline's best
place for nothing. Only a label set off by punctuation (or brackets) is removed: «اقتصاد
المغرب ينمو» starts with a word, not a label.
"""

from __future__ import annotations

from collections.abc import Iterable

import regex

# Before the label: symbols, emoji, spaces and an opening bracket.
_LEAD = r"[\p{S}\p{Cf}\s\[(«]*"
# After it: a closing bracket or a separator, then spaces (a hashtag needs only the space).
_TAIL = r"(?:[\])»]|\s*[:：|\-–—/،,.…]+)\s*"


def strip_shown_label(headline: str, shown: Iterable[str]) -> str:
    """``headline`` without a leading label equal to one of ``shown`` (the band, the section).

    The headline is returned as given when nothing would be left of it.
    """
    for label in shown:
        label = label.strip()
        if not label:
            continue
        name = regex.escape(label)
        match = regex.match(rf"{_LEAD}(?:#{name}\s+|#?{name}{_TAIL})", headline)
        if match is not None and headline[match.end() :].strip():
            return headline[match.end() :].strip()
    return headline
