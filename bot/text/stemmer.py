"""A small light stemmer for folded Arabic words, for matching only.

Light stemming removes the clitics and inflection endings that make two forms of one word
look different to a word counter («والمدرسة», «للمدرسة», «مدرستهم» → «مدرس»), without the
root extraction of heavy stemmers, which merges unrelated words («كاتب», «مكتبة», «كتيبة»).
The rules follow the well-known "light10" scheme of Larkey et al. (SIGIR 2002), adapted to
the folded spelling of :func:`bot.text.arabic.normalize_for_matching` (ة is already ه, ى is
already ي): one definite-article prefix, then one suffix, keeping at least three letters.

The result is a matching key, not a word: never show it to people.
"""

from __future__ import annotations

from functools import lru_cache

# Grouped by length and tried longest first, so that «وال» wins over «و» and «تها» over «ها».
_PREFIX_4 = frozenset({"وبال", "وكال", "فبال"})
_PREFIX_3 = frozenset({"وال", "فال", "بال", "كال", "ولل", "فلل"})
_PREFIX_2 = frozenset({"لل", "ال"})
_SUFFIX_4 = frozenset({"اتها", "اتهم", "تهما"})
_SUFFIX_3 = frozenset({"هما", "كما", "تها", "تهم"})
_SUFFIX_2 = frozenset({"ته", "ها", "هم", "هن", "كم", "نا", "ات", "ون", "ين", "ان", "يه"})
_SUFFIX_1 = frozenset({"ه", "ي"})
_ARABIC_LETTERS = frozenset("ءاآأؤإئبتثجحخدذرزسشصضطظعغفقكلمنهوىيةپچژگک")


@lru_cache(maxsize=65536)
def light_stem(token: str) -> str:
    """Strip one article-like prefix and one suffix from a folded Arabic word.

    A prefix goes only when two letters remain, a suffix only when three remain. The rules
    are unrolled rather than looped: this runs once for every new word the summarizer meets.

    Args:
        token: A folded, lower-cased word (see ``normalize_for_matching``).

    Returns:
        The matching key. Words with any non-Arabic character (Latin names, numbers) and
        words of three letters or fewer come back unchanged.
    """
    size = len(token)
    if size <= 3 or not _ARABIC_LETTERS.issuperset(token):
        return token
    if size >= 6 and token[:4] in _PREFIX_4:
        stem = token[4:]
    elif size >= 5 and token[:3] in _PREFIX_3:
        stem = token[3:]
    elif token[:2] in _PREFIX_2:
        stem = token[2:]
    elif size >= 5 and token[0] in "وف":
        # A lone conjunction و/ف is stripped only from long words: «وزير», «فيلم» and
        # «وقت» start with a root letter.
        stem = token[1:]
    else:
        stem = token
    size = len(stem)
    if size >= 7 and stem[-4:] in _SUFFIX_4:
        return stem[:-4]
    if size >= 6 and stem[-3:] in _SUFFIX_3:
        return stem[:-3]
    if size >= 5 and stem[-2:] in _SUFFIX_2:
        return stem[:-2]
    if size >= 4 and stem[-1] in _SUFFIX_1:
        return stem[:-1]
    return stem
