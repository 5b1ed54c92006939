"""Where an Arabic headline may break: words, and how tightly each pair of neighbours holds.

A line break inside a phrase makes a headline read wrong at a glance: «مياه | البحر»,
«بالطاقة | الشمسية», «بقوة | 5.8», «يتأهل إلى | نصف نهائي». Without a parser, the phrases
that matter most can still be told from the surface of the words. From the tightest:

* TIGHT — a definite noun and its adjective («بالطاقة الشمسية», «الدول المستوردة»); a word
  and its number («بقوة 5.8», «لسنة 2027»); a dash or bar, which stays at the end of the line
  it closes.
* PHRASE — a word and the definite word that completes it: an iḍāfa («مياه البحر», «إقليم
  الحوز», «قانون المالية»), or a verb and its definite subject or object («تغلق الطرق»),
  which costs nothing to keep together; a word that announces the next one and cannot end a
  line: prepositions, conjunctions, particles, relative and demonstrative pronouns,
  quantifiers and number words («على | قانون», «ثلاث | مناطق», «أول | محطة»).
* WEAK — a noun ending in «ة» or «ات» followed by an indefinite noun or adjective (one that
  ends in «ة», «ات» or «ي», or a Latin name): an indefinite iḍāfa or a noun and its
  adjective («محطة تحلية», «رحلات جوية», «درجة مئوية», «منظمة WHO»).
* FREE — any other space, and always after a comma, colon or full stop.

TIGHT and PHRASE bonds are broken only when no other arrangement fits (and then the lightest
total, so «مهرجان | السينما المتوسطية» before «مهرجان السينما | المتوسطية»); WEAK ones when
keeping them would leave the lines clearly uneven (see ``wrap.py``). A number also stays with
the word it counts («150 ألف», «5.8 درجات»): the two make one token.
"""

from __future__ import annotations

import itertools
from enum import IntEnum

import regex

# Punctuation that may wrap a word: quotes and brackets around it, marks after it.
_WRAPPING = "«»\"'“”‘’()[]{}"
_CLAUSE_END = tuple("،,:;؛.!?؟…")
_NUMBER = regex.compile(r"^[(\[«\"]?[\p{Nd}][\p{Nd}.,٫٬]*[%٪]?$")
_STARTS_WITH_DIGIT = regex.compile(r"^\p{Nd}")
# The article «ال», alone or after the proclitics و ف ب ك ل (لل is ل + ال).
_DEFINITE = regex.compile(r"^(?:[وف]?[بكل]?ال|[وف]?لل)\p{L}{2}")
_ARTICLE_ONLY = regex.compile(r"^ال\p{L}{2}")
_DASHES = frozenset({"-", "–", "—", "|", "/", "ـ"})
# Endings no verb has: a word ending so is a noun or an adjective («محطة», «رحلات»,
# «تحلية»); with «ي», the nisba adjectives («جوية», «دولي»).
_NOUN_ENDINGS = ("ة", "ات")
_LATIN = regex.compile(r"^\p{Latin}")

# Words that announce the next word and must not end a line. Function words: prepositions,
# conjunctions, particles, relative and demonstrative pronouns.
_FUNCTION_WORDS = """
    في من على إلى الى عن مع بين حول ضد عبر نحو لدى منذ حتى خلال بعد قبل عند دون فوق تحت
    أمام امام وراء ضمن رغم برغم وفق وفقا حسب بحسب إثر اثر عقب جراء بسبب بشأن حيال إزاء تجاه
    قرب قبيل وسط داخل خارج لصالح مقابل باستثناء
    و أو او ثم بل لكن أم إما اما سواء
    أن ان إن لن لم لما قد لقد لا ما هل كي لكي إذا اذا إذ لو كما مثل كأن ليس ليست غير سوى
    إلا الا أي يا
    الذي التي الذين اللذين اللتين اللذان اللتان اللواتي اللاتي اللائي
    هذا هذه ذلك تلك هؤلاء أولئك هذين هاتين هذان هاتان ذاك
"""
# Quantifiers and number words, which need the noun they count.
_QUANTITY_WORDS = """
    كل بعض جميع كافة معظم أغلب عدة بضع بضعة نصف ربع ثلث أول أولى آخر
    ثلاث ثلاثة أربع أربعة خمس خمسة ست ستة سبع سبعة ثماني ثمانية تسع تسعة عشر عشرة
    عشرون عشرين ثلاثون ثلاثين أربعون أربعين خمسون خمسين ستون ستين سبعون سبعين ثمانون ثمانين
    تسعون تسعين مئة مائة مئات ألف آلاف عشرات مليون ملايين مليار مليارات
"""
_FUNCTION = frozenset(_FUNCTION_WORDS.split())
_LEADS = _FUNCTION | frozenset(_QUANTITY_WORDS.split())


class Bond(IntEnum):
    """How tightly two neighbouring words hold together; a break costs this much."""

    FREE = 0
    WEAK = 1
    PHRASE = 2
    TIGHT = 3

    @property
    def kept(self) -> bool:
        """Broken only when no other arrangement fits."""
        return self >= Bond.PHRASE


def _bare(word: str) -> str:
    return word.strip(_WRAPPING)


def tokens(text: str) -> list[str]:
    """Words to break between; a number stays with the word it counts («1.7 مليار»).

    A number is not glued to a function word («لسنة 2027 | بعد نقاش»).
    """
    out: list[str] = []
    for word in text.split(" "):
        if out and _NUMBER.match(out[-1]) and _bare(word) not in _FUNCTION:
            out[-1] = f"{out[-1]} {word}"
        else:
            out.append(word)
    return out


def _bond(before: str, after: str) -> Bond:
    last = before.rsplit(" ", 1)[-1]  # a token may be «150 ألف»: what counts is «ألف»
    if last.endswith(_CLAUSE_END) or last in _DASHES:
        return Bond.FREE
    word, following = _bare(last), _bare(after)
    if after in _DASHES or _STARTS_WITH_DIGIT.match(following):
        return Bond.TIGHT
    if _ARTICLE_ONLY.match(following) and following not in _LEADS:
        return Bond.TIGHT if _DEFINITE.match(word) else Bond.PHRASE
    if word in _LEADS:
        return Bond.PHRASE
    if (
        word.endswith(_NOUN_ENDINGS)
        and not _DEFINITE.match(word)
        and following not in _LEADS
        and not _DEFINITE.match(following)
        and (following.endswith((*_NOUN_ENDINGS, "ي")) or _LATIN.match(following))
    ):
        return Bond.WEAK
    return Bond.FREE


def bonds(words: list[str]) -> list[Bond]:
    """The bond across each space: ``len(words) - 1`` values."""
    return [_bond(a, b) for a, b in itertools.pairwise(words)]
