"""Checks an LLM's summary against the article before anyone sees it.

A generated summary is used only when it is Arabic, fits the platform, and adds no fact of
its own. "No fact of its own" is checked pragmatically, because a paraphrase legitimately
uses words the article does not:

- Numbers: every digit sequence of the summary must occur in the article. Arabic-Indic and
  Eastern Arabic-Indic digits are read as ASCII digits and group separators are ignored,
  so «٢٠٢٥» matches «2025» and «1,500» matches «1500». Numbers the article spells out in
  words are not matched: such a summary is refused, and the extractive one used instead.
- Dates: a month name (Gregorian, Levantine or Hijri) or weekday the article never uses.
- Names: a capitalised Latin word (Interpol, NASA) the article does not contain, or an
  Arabic word the article does not use (not even in another inflection) right after a word
  that introduces a name («الرئيس», «مدينة», «شركة», «أبو», «بن» …) or joined to «عبد».
  Arabic has no capitals, so these are the places where an invented name shows; an
  unknown name elsewhere is left to the drift check below.
- Drift: more than half of the summary's content words unknown to the article (compared
  on folded, light-stemmed forms) means the model wrote its own story.
"""

from __future__ import annotations

from enum import StrEnum

import regex

from bot.summarize.base import Fits
from bot.summarize.features import chunk_terms
from bot.text.arabic import (
    arabic_ratio,
    has_words,
    normalize_for_matching,
    split_sentences,
    words,
)
from bot.text.stemmer import light_stem


class FallbackReason(StrEnum):
    """Why the extractive summary was used instead of the LLM's."""

    DISABLED = "disabled"
    TIMEOUT = "timeout"
    RATE_LIMITED = "rate_limited"
    HTTP_ERROR = "http_error"
    BAD_RESPONSE = "bad_response"
    EMPTY = "empty"
    NOT_ARABIC = "not_arabic"
    TOO_LONG = "too_long"
    INVENTED_NUMBER = "invented_number"
    INVENTED_DATE = "invented_date"
    INVENTED_NAME = "invented_name"
    UNSUPPORTED = "unsupported"


MIN_ARABIC_RATIO = 0.8
MAX_UNKNOWN_SHARE = 0.5

_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
_NUMBER = regex.compile(r"\d+(?:[.,٫٬]\d+)*")
_GROUP_SEPARATORS = regex.compile(r"[,٬]")
_LATIN_NAME = regex.compile(r"\b[A-Z][A-Za-z\-]+")

# Folded spellings (see normalize_for_matching). «مارس» is left out: it is also the verb
# "practised", which a paraphrase may well use.
_DATE_TEXT = """
    يناير فبراير ابريل مايو يونيو يونيه يوليو يوليه اغسطس سبتمبر اكتوبر نوفمبر ديسمبر
    كانون شباط اذار نيسان ايار حزيران تموز ايلول تشرين
    محرم جمادي رجب شعبان رمضان شوال القعده الحجه
    الاثنين الثلاثاء الاربعاء الخميس الجمعه السبت الاحد
"""
_DATE_WORDS = frozenset(_DATE_TEXT.split())
# Words after which the next word is usually a proper name.
_INTRODUCER_TEXT = """
    الرئيس رئيس الملك العاهل الامير الاميره الشيخ السيد السيده الدكتور الدكتوره المهندس
    الوزير وزير الوزيره الناطق المتحدث المدير اللاعب المدرب الفنان الفنانه الكاتب الكاتبه
    الشاعر الصحفي الاستاذ القاضي الجنرال العقيد اللواء مدينه دوله شركه منظمه جامعه قريه
    ولايه محافظه اقليم عبد ابو ابن بن بنت
"""
_NAME_INTRODUCERS = frozenset(_INTRODUCER_TEXT.split())
_CLITICS = ("و", "ف", "ب", "ل")


class _Vocabulary:
    """The article's words, folded, and their light stems, for "does the article say it"."""

    def __init__(self, text: str) -> None:
        self.words = set(_folded_words(text))
        self.stems = {light_stem(w) for w in self.words}

    def knows(self, word: str) -> bool:
        bare = _bare(word)
        return (
            word in self.words
            or bare in self.words
            or light_stem(word) in self.stems
            or light_stem(bare) in self.stems
        )


def validate_summary(summary: str, article: str, *, fits: Fits) -> FallbackReason | None:
    """Find the first reason not to use ``summary``; None when it is fine.

    Args:
        summary: The model's answer, stripped.
        article: The article text the model was given (title included, when it was).
        fits: The platform's length rule, called with the summary's sentences.

    Returns:
        The failed check, or None.
    """
    if not has_words(summary):
        return FallbackReason.EMPTY
    if arabic_ratio(summary) < MIN_ARABIC_RATIO:
        return FallbackReason.NOT_ARABIC
    if not fits(split_sentences(summary)):
        return FallbackReason.TOO_LONG
    if not numbers_of(summary) <= numbers_of(article):
        return FallbackReason.INVENTED_NUMBER
    vocabulary = _Vocabulary(article)
    if invented_dates(summary, vocabulary):
        return FallbackReason.INVENTED_DATE
    if invented_names(summary, article, vocabulary):
        return FallbackReason.INVENTED_NAME
    if unknown_share(summary, article) > MAX_UNKNOWN_SHARE:
        return FallbackReason.UNSUPPORTED
    return None


def numbers_of(text: str) -> set[str]:
    """Every number in ``text`` as ASCII digits without group separators («٢٬٥٠٠» → 2500)."""
    return {
        _GROUP_SEPARATORS.sub("", match).replace("٫", ".")
        for match in _NUMBER.findall(text.translate(_DIGITS))
    }


def invented_dates(summary: str, vocabulary: _Vocabulary) -> list[str]:
    """Month and weekday names of ``summary`` that the article does not use."""
    return [
        w for w in _folded_words(summary) if _bare(w) in _DATE_WORDS and not vocabulary.knows(w)
    ]


def invented_names(summary: str, article: str, vocabulary: _Vocabulary | None = None) -> list[str]:
    """Name-like words of ``summary`` that ``article`` never uses (see the module notes)."""
    vocabulary = vocabulary or _Vocabulary(article)
    article_lower = article.lower()
    found = [w for w in _LATIN_NAME.findall(summary) if w.lower() not in article_lower]
    summary_words = _folded_words(summary)
    for previous, word in zip(["", *summary_words], summary_words, strict=False):
        if not vocabulary.knows(word) and (
            _bare(previous) in _NAME_INTRODUCERS or word.startswith("عبد")
        ):
            found.append(word)
    return found


def unknown_share(summary: str, article: str) -> float:
    """Share of the summary's content words whose light stem the article does not have."""
    article_terms = {t for chunk in article.split() for t in chunk_terms(chunk)}
    summary_terms = [t for chunk in summary.split() for t in chunk_terms(chunk)]
    if not summary_terms:
        return 0.0
    return sum(1 for t in summary_terms if t not in article_terms) / len(summary_terms)


def _folded_words(text: str) -> list[str]:
    return [normalize_for_matching(w).lower() for w in words(text)]


def _bare(word: str) -> str:
    """The word without one leading conjunction or preposition letter («وفي» → «في»)."""
    return word[1:] if len(word) > 3 and word.startswith(_CLITICS) else word
