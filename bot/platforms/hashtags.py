"""Arabic hashtags chosen from the title by salience in the article.

A hashtag is made from the words as written (never the matching-only normalisation), with
harakat and tatweel removed and spaces turned into ``_``, so it stays a valid twitter-text
hashtag: letters, marks, digits and underscores, not digits alone.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise

import regex

from bot.text.arabic import normalize_for_matching, strip_harakat, strip_tatweel, words

# Function words and generic news words that make useless tags. Compared after
# normalize_for_matching, so one spelling per word is enough.
_STOP_WORDS = """
في من على إلى عن مع بعد قبل حول ضد عند لدى بين خلال منذ حتى دون عبر نحو أمام هذا
هذه ذلك تلك هؤلاء الذي التي الذين ما ماذا لماذا كيف متى أين هل لا لم لن قد كان
كانت يكون تكون أن إن أو ثم كل بعض غير أول ثاني أخرى آخر جديد جديدة عام سنة يوم
اليوم أمس غدا الأول الثاني رسميا رسمي أكثر أقل وقال قال قالت يستعد تستعد يعلن
تعلن يؤكد تؤكد افتتاح إطلاق انطلاق بدء حوالي نحو مليون ألف
"""
_STOP = frozenset(normalize_for_matching(w) for w in _STOP_WORDS.split())
# One-letter proclitics (و ف ب ل ك) and the article: removed to compare word forms.
_CLITICS = ("وال", "فال", "بال", "كال", "لل", "ال", "و", "ف", "ب", "ل", "ك")
_PREFIXES_TO_DROP = ("و", "ف", "ب", "ل", "ك")
_PLACE_MARKERS = frozenset(normalize_for_matching(w) for w in ("في", "بمدينة", "مدينة", "بـ"))
_PLACE_BONUS = 3.0
_VALID_TAG = regex.compile(r"^[\p{L}\p{M}\p{N}_]+$")


@lru_cache(maxsize=65_536)
def _stem(word: str) -> str:
    key = normalize_for_matching(word)
    for clitic in _CLITICS:
        if key.startswith(clitic) and len(key) - len(clitic) >= 3:
            return key[len(clitic) :]
    return key


def _display_form(word: str) -> str:
    """The word as a tag: harakat/tatweel removed and a leading preposition dropped.

    «بالطاقة» becomes «الطاقة» and «لتحلية» becomes «تحلية»; «والمغرب» becomes «المغرب».
    """
    word = strip_tatweel(strip_harakat(word))
    if word.startswith("لل") and len(word) > 4:
        return "ال" + word[2:]
    if word[:1] in _PREFIXES_TO_DROP and len(word) > 4 and word[1:3] == "ال":
        return word[1:]
    if word[:1] in ("ب", "ل") and len(word) >= 5:
        return word[1:]
    return word


@dataclass(frozen=True, slots=True)
class _Candidate:
    surface: tuple[str, ...]
    score: float
    order: int


def make_hashtag(text: str) -> str | None:
    """``#`` plus the text with spaces as ``_``; None when the result is not a valid tag."""
    body = "_".join(strip_tatweel(strip_harakat(text)).split())
    body = regex.sub(r"[^\p{L}\p{M}\p{N}_]", "", body).strip("_")
    if not body or body.isdigit() or not _VALID_TAG.match(body):
        return None
    return f"#{body}"


def suggest_hashtags(title: str, text: str, *, limit: int = 5) -> list[str]:
    """Up to ``limit`` hashtags from the title's words, most salient first.

    Salience is how often a title word (or a pair of adjacent title words) recurs in the
    body, compared by stem; pairs that recur as pairs are names or terms («الطاقة الشمسية»)
    and beat their single words. Words already used by a chosen tag are not reused.
    """
    if limit <= 0:
        return []
    title_words = [w for w in words(title) if not w.isdigit()]
    body_stems = [_stem(w) for w in words(text)]
    unigram = Counter(body_stems)
    bigram = Counter(pairwise(body_stems))
    lead_stems = set(body_stems[:60])

    def usable(word: str) -> bool:
        stem = _stem(word)
        return len(stem) >= 3 and stem not in _STOP and normalize_for_matching(word) not in _STOP

    candidates: list[_Candidate] = []
    for i, word in enumerate(title_words):
        if not usable(word):
            continue
        stem = _stem(word)
        count = unigram[stem]
        if count:
            score = count + (0.5 if stem in lead_stems else 0.0)
            # «… في أكادير»: a word after a place preposition is usually a place name.
            if i > 0 and normalize_for_matching(title_words[i - 1]) in _PLACE_MARKERS:
                score += _PLACE_BONUS
            candidates.append(_Candidate((word,), score, i))
        if i + 1 < len(title_words) and usable(title_words[i + 1]):
            second = _stem(title_words[i + 1])
            if bigram[(stem, second)] >= 1:
                # A pair that recurs as a pair is a term or a name: it outranks its words.
                score = unigram[stem] + unigram[second] + bigram[(stem, second)]
                candidates.append(_Candidate((word, title_words[i + 1]), score, i))
    candidates.sort(key=lambda c: (-c.score, c.order))

    chosen: list[str] = []
    used: set[str] = set()
    for candidate in candidates:
        stems = {_stem(w) for w in candidate.surface}
        if stems & used:
            continue
        tag = make_hashtag(" ".join(_display_form(w) for w in candidate.surface))
        if tag is None or tag in chosen:
            continue
        chosen.append(tag)
        used |= stems
        if len(chosen) == limit:
            break
    return chosen
