"""Arabic-aware sentence splitting, word tokens and normalisation.

:func:`normalize_for_matching` folds spelling variants together so that two spellings of a
word compare equal. It is for matching and scoring only: text shown to people keeps its
original spelling, hamzas and harakat.
"""

from __future__ import annotations

import unicodedata

import regex

HARAKAT = regex.compile(
    r"[\u0610-\u061A\u064B-\u065F\u0670\u06D6-\u06DC\u06DF-\u06E8\u06EA-\u06ED]"
)
TATWEEL = "\u0640"
_ALEF_VARIANTS = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ة": "ه"})
_ARABIC_LETTER = regex.compile(r"[\u0621-\u064A\u066E-\u06D3\u06FA-\u06FF\u0750-\u077F]")
_LATIN_LETTER = regex.compile(r"[A-Za-z\u00C0-\u024F]")
_ANY_LETTER = regex.compile(r"\p{L}")

# A sentence ends at . ! ? ؟ or … (a run of them counts once) followed by space, by the end of
# the text, or directly by an Arabic letter: copied and hand-typed Arabic often omits the space
# («الإنسان .وللناي»). The full stop of a number (1.5), of an abbreviation-like single Latin
# capital (U.S.) or of the title «د.» (doctor) does not end a sentence. Closing quotes,
# brackets and citation marks ([1]) that follow the mark stay with the sentence. ؛ and ، join
# clauses, not sentences.
_SENTENCE_END = regex.compile(
    r"""
    (?<!\b\p{Lu})(?<!\d)(?<!(?:^|\s)د)  # not after U.S., 1.5 or the title د.
    [.!?؟…]+
    (?:["'»”’)\]]|\[\d{1,3}\])*       # closing quotes, brackets, citation marks
    (?=\s|$|[\u0621-\u064A])
    |
    (?<=\d)[.!?؟…]+(?:["'»”’)\]]|\[\d{1,3}\])*(?=\s+\D|$|[\u0621-\u064A])
    """,
    regex.VERBOSE,
)
# A line "ends a sentence" when its last visible character is one of these; used to recognise
# text that was hard-wrapped at a fixed width (newspaper archives, e-mail, PDF copies).
_LINE_END_MARKS = frozenset(".!?؟…:»”\"')]")
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


def unwrap_lines(text: str) -> str:
    """Join lines that were hard-wrapped at a fixed width back into running text.

    Text copied from newspaper archives, e-mail or PDF often breaks lines in the middle of a
    sentence, and :func:`split_sentences` treats every line break as a sentence end. When
    most lines of the text stop without closing punctuation, the text is taken to be
    hard-wrapped and each such line is joined to the next one with a space. Blank lines
    (paragraph breaks) are always kept, and ordinary text, where lines end with punctuation
    and only the odd heading does not, is returned unchanged.

    Args:
        text: Any text.

    Returns:
        The text with wrapped lines joined, or ``text`` itself when it is not hard-wrapped.
    """
    lines = [line.strip() for line in text.splitlines()]
    inner = [line for line in lines[:-1] if line]
    if len(inner) < 3:
        return text
    open_lines = sum(1 for line in inner if line[-1] not in _LINE_END_MARKS)
    if open_lines * 2 <= len(inner):
        return text
    out: list[str] = []
    joined = ""
    for line in lines:
        if not line:
            if joined:
                out.append(joined)
                joined = ""
            out.append("")
            continue
        joined = f"{joined} {line}" if joined else line
        if line[-1] in _LINE_END_MARKS:
            out.append(joined)
            joined = ""
    if joined:
        out.append(joined)
    return "\n".join(out)


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
