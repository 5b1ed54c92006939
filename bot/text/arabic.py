"""Arabic-aware sentence splitting, word tokens and normalisation.

:func:`normalize_for_matching` folds spelling variants together so that two spellings of a
word compare equal. It is for matching and scoring only: text shown to people keeps its
original spelling, hamzas and harakat.
"""

from __future__ import annotations

import unicodedata

import regex

HARAKAT = regex.compile(r"[\u0610-\u061A\u064B-\u065F\u0670\u06D6-\u06DC\u06DF-\u06E8\u06EA-\u06ED]")
TATWEEL = "\u0640"
_ALEF_VARIANTS = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ة": "ه"})
_ARABIC_LETTER = regex.compile(r"[\u0621-\u064A\u066E-\u06D3\u06FA-\u06FF\u0750-\u077F]")
_LATIN_LETTER = regex.compile(r"[A-Za-z\u00C0-\u024F]")
_ANY_LETTER = regex.compile(r"\p{L}")

# A sentence ends at . ! ? ؟ … or ؛ followed by space, or at a newline; the full stop of a
# number (1.5) or of an abbreviation-like single letter (U.S.) does not end a sentence.
# Closing quotes and brackets that follow the mark stay with the sentence.
_SENTENCE_END = regex.compile(
    r"""
    (?<!\b\p{Lu})(?<!\d)            # not after a single capital (U.S.) or a digit (1.5)
    [.!?؟…]+                        # the mark itself (؛ and ، join clauses, not sentences)
    ["'»”’)\]]*                     # closing quotes / brackets stay with the sentence
    (?=\s+|$)                       # followed by space or end of text
    |
    (?<=\d)\.(?=\s+\D)              # "عام 2025. ثم" ends a sentence; "1.5" does not
    """,
    regex.VERBOSE,
)
_WORD = regex.compile(r"[\p{L}\p{M}\p{N}_]+(?:['’\-][\p{L}\p{M}\p{N}]+)*")


def strip_harakat(text: str) -> str:
    return HARAKAT.sub("", text)


def strip_tatweel(text: str) -> str:
    return text.replace(TATWEEL, "")


def normalize_for_matching(text: str) -> str:
    """Fold alef variants, ة/ه, ى/ي, and drop harakat and tatweel (never for display)."""
    text = unicodedata.normalize("NFC", text)
    return strip_tatweel(strip_harakat(text)).translate(_ALEF_VARIANTS)


def split_sentences(text: str) -> list[str]:
    """Split text into sentences, keeping each sentence's own punctuation and quotes."""
    sentences: list[str] = []
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        start = 0
        for match in _SENTENCE_END.finditer(line):
            piece = line[start : match.end()].strip()
            if piece:
                sentences.append(piece)
            start = match.end()
        rest = line[start:].strip()
        if rest:
            sentences.append(rest)
    return [s for s in sentences if _ANY_LETTER.search(s) or any(c.isdigit() for c in s)]


def words(text: str) -> list[str]:
    """Word tokens (letters, marks and digits), in order, as written."""
    return _WORD.findall(text)


def arabic_ratio(text: str) -> float:
    """Share of letters that are Arabic script, 0.0 when there are no letters."""
    letters = _ANY_LETTER.findall(text)
    if not letters:
        return 0.0
    return sum(1 for c in letters if _ARABIC_LETTER.match(c)) / len(letters)


def detect_language(text: str) -> str:
    """'ar' when Arabic script dominates, 'en'/'latin' for Latin script, else 'other'."""
    letters = _ANY_LETTER.findall(text)
    if not letters:
        return "other"
    arabic = sum(1 for c in letters if _ARABIC_LETTER.match(c))
    latin = sum(1 for c in letters if _LATIN_LETTER.match(c))
    if arabic / len(letters) >= 0.5:
        return "ar"
    if latin / len(letters) >= 0.5:
        return "en"
    return "other"


def has_words(text: str) -> bool:
    """True when the text contains at least one letter (emoji and symbols alone do not count)."""
    return bool(_ANY_LETTER.search(text))
