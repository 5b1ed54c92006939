"""Arabic hashtags an editor would choose: the publisher's own first, then the story's key terms.

A hashtag is made from the words as written (never the matching-only normalisation), with
harakat and tatweel removed and spaces turned into ``_``, so it stays a valid twitter-text
hashtag: letters, marks, digits and underscores, not digits alone. Which words is decided in
:mod:`bot.text.keyterms`; this module orders, limits and formats them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import regex

from bot.text.arabic import normalize_for_matching, strip_harakat, strip_tatweel
from bot.text.keyterms import KeyTerm, family, key_terms

_VALID_TAG = regex.compile(r"^[\p{L}\p{M}\p{N}_]+$")
# A publisher's tag longer than this is a phrase or a headline, not a tag.
_MAX_PUBLISHER_TAG_WORDS = 4
# A second tag is offered whenever the story has a second term it comes back to (the
# platforms that allow two tags should get two). Each tag after that must be about as central
# as the first, and more so the further down the list: a tag the story mentions in passing is
# worse than no tag. Scores are those of bot.text.keyterms (a term in the lead sentence and
# mentioned once more scores about 1.7).
_SECOND_FLOOR = 0.5
_LATER_FLOORS = (0.5, 0.8, 0.9)


def make_hashtag(text: str) -> str | None:
    """``#`` plus the text with spaces as ``_``; None when the result is not a valid tag."""
    body = "_".join(strip_tatweel(strip_harakat(text)).replace("#", " ").split())
    body = regex.sub(r"[^\p{L}\p{M}\p{N}_]", "", body).strip("_")
    body = regex.sub(r"_+", "_", body)
    if not body or body.isdigit() or not _VALID_TAG.match(body):
        return None
    return f"#{body}"


def publisher_hashtags(tags: Iterable[str]) -> list[str]:
    """The page's own tags as hashtags, in its order, without repeats or sentence-long ones."""
    out: list[str] = []
    seen: set[str] = set()
    for tag in tags:
        if not 0 < len(tag.split()) <= _MAX_PUBLISHER_TAG_WORDS:
            continue
        hashtag = make_hashtag(tag)
        if hashtag is None:
            continue
        key = normalize_for_matching(hashtag).casefold()
        if key not in seen:
            seen.add(key)
            out.append(hashtag)
    return out


def _chosen_terms(terms: Sequence[KeyTerm], taken: set[str]) -> list[KeyTerm]:
    """Terms in order of salience, each adding words not already tagged, above the floor."""
    chosen: list[KeyTerm] = []
    used = set(taken)
    for term in terms:
        if used.intersection(term.families):
            continue
        if chosen and term.score < _SECOND_FLOOR:
            break
        if len(chosen) >= 2:
            floor = _LATER_FLOORS[min(len(chosen) - 2, len(_LATER_FLOORS) - 1)]
            if term.score < floor * chosen[0].score:
                break
        chosen.append(term)
        used.update(term.families)
    return chosen


def suggest_hashtags(
    title: str, text: str, *, limit: int = 5, publisher_tags: Sequence[str] = ()
) -> list[str]:
    """Up to ``limit`` hashtags, the publisher's own first, then the article's key terms.

    Fewer than ``limit`` when the article does not have that many central terms: every tag
    must be one an editor would keep.
    """
    if limit <= 0:
        return []
    chosen = publisher_hashtags(publisher_tags)[:limit]
    taken = {
        family(word.removeprefix("ال"))
        for tag in chosen
        for word in normalize_for_matching(tag[1:]).split("_")
    }
    for term in _chosen_terms(key_terms(title, text), taken):
        if len(chosen) >= limit:
            break
        hashtag = make_hashtag(term.text)
        if hashtag is not None and hashtag not in chosen:
            chosen.append(hashtag)
    return chosen
