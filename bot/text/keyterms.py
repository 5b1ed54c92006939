"""The key terms of an Arabic article: the places, organisations, people and terms it is about.

What an editor tags is what the story keeps coming back to, written the way the story writes
it. So a term here is:

- **salient**: it recurs across the article's sentences, and the headline and the lead
  sentence weigh more (news writing puts the subject there); listed places and organisations
  (:mod:`bot.text.names`) weigh a little more, as editors tag them first;
- **faithful**: every word is a word of the article. A leading و ف ب ل ك is dropped only
  when what remains is itself in the article («وبيروت» → «بيروت» when «بيروت» is written
  alone; «بالطاقة» → «الطاقة»), never from a word that merely starts with such a letter
  («بيروت», «لبنان», «برشلونة»);
- **clean**: never a function word, a verb or adverb of news prose, a vague noun that needs a
  complement («#محطة», «#قمة»), an adjective without its noun, a word with an attached
  pronoun («اسمها») or conjunction;
- a **phrase** only when its words stand together as that phrase at least twice and form a
  noun phrase: «الطاقة الشمسية», «مياه البحر», «نجيب محفوظ» — not «الناي آلة» (a definite
  word then an indefinite one is subject and predicate: a sentence, not a name), nor
  «مؤتمر منظمة» (it ends on a noun still waiting for its complement), nor «زلزال بقوة».

Everything is computed from the article alone, in one pass over its words.
"""

from __future__ import annotations

import math
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from itertools import pairwise

from bot.text.arabic import normalize_for_matching, split_sentences, strip_harakat, strip_tatweel
from bot.text.arabic import words as word_tokens
from bot.text.names import NAMES, PERSON_TITLES
from bot.text.stopwords import is_stopword
from bot.text.tagwords import COMMON, NEVER, VAGUE

_PROCLITICS = "وفبلك"
# One proclitic before «ال»: the «ال» form is what the article says («بالطاقة» → «الطاقة»).
_ONE_BEFORE_ARTICLE = ("وال", "فال", "بال", "كال")
# Two proclitics before «ال», or «لل» (the alef of «ال» is not written): the «ال» form is
# only used when the article also writes it that way somewhere.
_TWO_BEFORE_ARTICLE = ("وبال", "وكال", "فبال")
_LAM_LAM = ("ولل", "فلل", "لل")
# Attached pronouns («اسمها», «نوعه», «طفلك»), longest first; the first group is never the
# end of a bare name, so it marks a pronoun even when the stem is not in the article.
_PRONOUN_SUFFIXES = ("هما", "كما", "هم", "هن", "ها", "كم", "نا", "ه", "ك")
_ALWAYS_PRONOUN = frozenset({"هما", "كما", "هم", "هن", "ها", "كم"})
# Words that open a person's name and are function words elsewhere («أم» is also "or").
_NAME_OPENERS = frozenset({"ام", "ابو", "ابي", "ابن", "بن", "بنت", "عبد"})
_GOD = "الله"
_TANWEEN_FATH = "\u064b"
_LONG_VOWELS = frozenset("اوىيءأإآؤئ")
_MIN_KEY_LETTERS = 3
_MIN_PHRASE_COUNT = 2

# The chance that a reader summarising the article keeps a sentence, by position: news and
# encyclopaedic writing state the subject first (the lead), so the first sentences are kept
# most and the rest about one time in four. The headline is the editor's own summary.
_KEEP_FLOOR = 0.25
_KEEP_LEAD = 0.45
_KEEP_DECAY = 3.0
_TITLE_KEEP = 1.0
# Every mention counts too, beyond the sentences it is in: a story names its subject again
# and again, a side topic once or twice.
_MENTION_WEIGHT = 0.5
# Small preferences between terms that are about as central: editors tag places,
# organisations and people first, and a recurring phrase says more than one of its words.
_NAME_WEIGHT = 0.05
# A place or organisation named in the headline is where and who the story is: always tagged.
_HEADLINE_NAME_WEIGHT = 1.0
_PERSON_WEIGHT = 0.05
_PHRASE_BONUS = 0.02
_COMMON_FACTOR = 0.8


@dataclass(frozen=True, slots=True)
class KeyTerm:
    """A word or phrase to tag, in the article's spelling.

    ``families`` identify its words loosely (singular and plural, «الزلزال»/«الزلازل»), so
    that two tags never say the same thing twice.
    """

    words: tuple[str, ...]
    families: tuple[str, ...]
    score: float

    @property
    def text(self) -> str:
        return " ".join(self.words)


@dataclass(frozen=True, slots=True)
class _Token:
    surface: str  # as written, harakat and tatweel removed
    folded: str  # normalize_for_matching(surface)
    key: str  # folded, without proclitics and «ال»: what counts as "the same word"
    form: str  # the tag form: proclitics removed where allowed, «ال» kept
    attested: bool  # the form is a word of the article (or a one-proclitic «ال» form)
    prefixed: bool  # a proclitic was removed
    tanween: bool  # written with tanween fath: an adverb or indefinite object («رسمياً»)
    sentence: int

    @property
    def definite(self) -> bool:
        return self.form.startswith("ال")


@dataclass(slots=True)
class _KeyStats:
    sentences: set[int] = field(default_factory=set)
    forms: Counter[str] = field(default_factory=Counter)
    count: int = 0
    tanween: int = 0
    after_title: int = 0  # right after «الرئيس», «اللواء»…: a person's name
    after_definite: int = 0  # right after a definite noun: an adjective («الطاقة الشمسية»)
    in_phrase: int = 0  # inside a recurring phrase


def _surface(raw: str) -> str:
    return strip_tatweel(strip_harakat(unicodedata.normalize("NFC", raw)))


def _is_arabic_word(surface: str) -> bool:
    return all("\u0621" <= ch <= "\u064a" or "\u0671" <= ch <= "\u06d3" for ch in surface)


def family(key: str) -> str:
    """A loose identity of a word: its consonants, so «زلزال»/«زلازل» and «ديناصور»/«ديناصورات»
    are one family. Only for not repeating a tag, never for choosing one."""
    stem = key.removesuffix("ات").removesuffix("ون").removesuffix("ين").rstrip("ه")
    skeleton = "".join(ch for ch in stem if ch not in _LONG_VOWELS)
    return skeleton if len(skeleton) >= 3 else key


def _looks_like_verb(folded: str) -> bool:
    """Imperfect and derived verb shapes that no tag starts with: «يضرب», «تحب», «تمتلك».

    Verbal nouns («تحلية», «تعاون», «تنمية») are longer or end in «ة», so they pass.
    """
    if folded.startswith("ي") and len(folded) <= 7:
        return True
    if folded.startswith(("تت", "تن")) and len(folded) >= 4 and not folded.endswith("ه"):
        return True  # «تتركي», «تنتمي»
    if folded.startswith("ت") and not folded.endswith("ه"):
        if len(folded) == 4 or folded.startswith("تست"):
            return True
        if len(folded) >= 5 and folded[2] == "ت":
            return True  # «تمتلك», «تعتبر», «تنتمي»
    # «انقرضت», «استمرت»
    return folded.startswith(("ان", "است")) and folded.endswith("ت") and len(folded) >= 5


def _nisba(key: str) -> bool:
    """«عربي», «فلسطينية»: the shape of a relative adjective (also of some nouns)."""
    return len(key) >= 4 and key.endswith(("يه", "ي"))


def _is_elative(folded: str) -> bool:
    """«أكبر», «أقرب»: «the most …», which heads a comparison, not a name."""
    return (
        len(folded) == 4 and folded[0] == "ا" and not any(ch in _LONG_VOWELS for ch in folded[1:])
    )


def _analyse(
    surface: str, folded: str, vocab: frozenset[str], families: dict[str, set[str]] | None = None
) -> tuple[str, str, bool, bool]:
    """(key, form, attested, prefixed) of one word, given every word of the article.

    ``families`` are those of the article's words: a word whose remainder after a proclitic
    is of the same family as another word of the article («لمساعدة» beside «المساعدات») is
    that word with a preposition; it keeps its spelling but is not offered as a tag.
    """
    size = len(folded)
    if size >= 7 and folded[:4] in _TWO_BEFORE_ARTICLE:
        return folded[4:], surface[2:], folded[2:] in vocab, True
    if size >= 6 and folded[:3] in _ONE_BEFORE_ARTICLE:
        return folded[3:], surface[1:], True, True
    for lam_lam in _LAM_LAM:
        if size >= len(lam_lam) + 3 and folded.startswith(lam_lam):
            rest = folded[len(lam_lam) :]
            return rest, "ال" + surface[len(lam_lam) :], "ال" + rest in vocab, True
    if size >= 5 and folded.startswith("ال"):
        return folded[2:], surface, True, False
    if size >= 4 and folded[0] in _PROCLITICS:
        rest = folded[1:]
        if rest in vocab or "ال" + rest in vocab:
            key, form, _, _ = _analyse(surface[1:], rest, vocab)
            return key, form, True, True
        if families and families.get(family(rest), {folded}) - {folded}:
            return folded, surface, False, False
    return folded, surface, True, False


def _pronoun_suffixed(form: str, vocab: frozenset[str]) -> bool:
    """«اسمها», «نوعه»: a bare word ending in a pronoun whose stem the article also uses."""
    for suffix in _PRONOUN_SUFFIXES:
        if form.endswith(suffix) and len(form) - len(suffix) >= 2:
            stem = normalize_for_matching(form[: -len(suffix)])
            stems = {stem, stem[:-1] + "ه"} if stem.endswith("ت") else {stem}
            if any(s in vocab or "ال" + s in vocab or s in VAGUE or s in NEVER for s in stems):
                return True
            if suffix in _ALWAYS_PRONOUN and len(stem) >= 3:
                return True
    return False


class _Article:
    """The tokens of an article and what is known about each of its words."""

    def __init__(self, title: str, text: str) -> None:
        body = split_sentences(text)
        self.has_title = bool(title.strip()) and not _title_is_derived(title, body)
        sentences = ([title] if self.has_title else []) + body
        self.first_body = 1 if self.has_title else 0
        raw = [[(w, _surface(w)) for w in word_tokens(s)] for s in sentences]
        self.vocab = frozenset(normalize_for_matching(s) for row in raw for _, s in row)
        self.families: dict[str, set[str]] = defaultdict(set)
        for word in self.vocab:
            if len(word) >= 5:
                self.families[family(word.removeprefix("ال"))].add(word)
        self.rows = [
            [self._token(original, surface, index) for original, surface in row]
            for index, row in enumerate(raw)
        ]
        self.stats: dict[str, _KeyStats] = defaultdict(_KeyStats)
        for row in self.rows:
            for previous, token in zip([None, *row], row, strict=False):
                self._count(previous, token)

    def _token(self, original: str, surface: str, sentence: int) -> _Token:
        folded = normalize_for_matching(surface)
        key, form, attested, prefixed = _analyse(surface, folded, self.vocab, self.families)
        tanween = original.endswith((_TANWEEN_FATH, _TANWEEN_FATH + "ا"))
        return _Token(surface, folded, key, form, attested, prefixed, tanween, sentence)

    def _count(self, previous: _Token | None, token: _Token) -> None:
        stats = self.stats[token.key]
        stats.sentences.add(token.sentence)
        stats.count += 1
        stats.tanween += token.tanween
        if token.attested:
            stats.forms[token.form] += 1
        if previous is None:
            return
        if previous.folded in PERSON_TITLES:
            stats.after_title += 1
        if token.definite and self.determines(previous):
            stats.after_definite += 1

    def determines(self, token: _Token) -> bool:
        """Whether a definite word after this one describes it: after a definite noun, a
        name or a noun with a pronoun («اللغة العربية», «أمريكا اللاتينية», «بقيمتها الغذائية»)."""
        if self.function_word(token) or not _is_arabic_word(token.form):
            return False
        if token.definite or self.known(token.key, token.form):
            return True
        return _pronoun_suffixed(token.form, self.vocab)

    def function_word(self, token: _Token) -> bool:
        folded = normalize_for_matching(token.form)
        return (
            is_stopword(folded)
            or is_stopword(token.key)
            or folded in NEVER
            or token.key in NEVER
            or folded in PERSON_TITLES
        )

    def known(self, key: str, form: str = "") -> bool:
        return key in NAMES or "ال" + key in NAMES or normalize_for_matching(form) in NAMES

    def display(self, key: str) -> str | None:
        """The form to tag a word with: a listed name's, else the «ال» form, else the most used."""
        forms = self.stats[key].forms
        if not forms:
            return None
        listed = [f for f in forms if normalize_for_matching(f) in NAMES]
        definite = [f for f in forms if f.startswith("ال")]
        pool = listed or definite or list(forms)
        return max(pool, key=lambda f: (forms[f], -len(f)))

    def weight(self, key: str) -> float:
        """How central a word is: how many of its sentences a reader summarising the
        article would keep, plus how often it is mentioned.

        A sentence's chance of being kept falls with its position: the lead sentence is kept
        most, then the next few; the headline, when the article has one, most of all.
        """
        stats = self.stats[key]
        kept = sum(self.keep_chance(s) for s in stats.sentences)
        return kept + _MENTION_WEIGHT * stats.count

    def in_title(self, key: str) -> bool:
        return self.has_title and 0 in self.stats[key].sentences

    def keep_chance(self, sentence: int) -> float:
        if self.has_title and sentence == 0:
            return _TITLE_KEEP
        position = sentence - self.first_body
        return _KEEP_FLOOR + _KEEP_LEAD * math.exp(-position / _KEEP_DECAY)

    def bare_word_ok(self, token_form: str, key: str) -> bool:
        """Whether a word written without «ال» can be tagged: a name, not a verb or adjective."""
        folded = normalize_for_matching(token_form)
        if self.known(key, token_form):
            return True
        # «وتضم», «ويضرب», «ولبيروت»: a conjunction before a verb or a preposition that the
        # article never writes alone. («ف» starts too many names to be read that way.)
        bare = folded[1:] if folded.startswith("و") and len(folded) >= 4 else folded
        return not (
            _pronoun_suffixed(token_form, self.vocab)
            or _looks_like_verb(folded)
            or (bare != folded and (bare.startswith(("ي", "ت")) and _looks_like_verb(bare)))
            or (bare != folded and bare[:1] in "بلك" and len(bare) >= 4)
            or bare in NEVER
            or bare in VAGUE
            or is_stopword(bare)
            or folded.endswith("يه")  # «مغربية», «دولية»: an adjective without its noun
        )


def _title_is_derived(title: str, body: list[str]) -> bool:
    """A headline made from the first sentence (pasted text) is not a second mention.

    Such a headline is the sentence's leading clause with its asides dropped, so its words
    are the sentence's own, in the same order — not necessarily a prefix of it.
    """
    head = [normalize_for_matching(word) for word in word_tokens(title)]
    if not body or not head:
        return False
    remaining = iter(normalize_for_matching(word) for word in word_tokens(body[0]))
    return all(word in remaining for word in head)  # in order: the iterator only advances


def _single_terms(article: _Article) -> list[KeyTerm]:
    terms = []
    for key, stats in article.stats.items():
        form = article.display(key)
        if form is None or not _is_arabic_word(form):
            continue
        known = article.known(key, form)
        if not known:
            folded = normalize_for_matching(form)
            if len(key) < _MIN_KEY_LETTERS or folded in VAGUE or key in VAGUE:
                continue
            if is_stopword(folded) or is_stopword(key) or folded in NEVER or key in NEVER:
                continue
            if folded in PERSON_TITLES or stats.tanween * 2 > stats.count:
                continue
            if stats.after_definite * 2 > stats.count or (stats.after_definite and _nisba(key)):
                continue  # an adjective or a name's second word: tagged with its noun
            if stats.in_phrase * 2 >= stats.count:
                continue  # mostly the head of a longer name: the phrase is the tag
            if not form.startswith("ال") and not article.bare_word_ok(form, key):
                continue
        score = article.weight(key)
        if key in COMMON:
            score *= _COMMON_FACTOR
        if known:
            score += _HEADLINE_NAME_WEIGHT if article.in_title(key) else _NAME_WEIGHT
        elif stats.after_title:
            score += _PERSON_WEIGHT
        terms.append(KeyTerm((form,), (family(key),), score))
    return terms


def _phrase_ok(window: list[_Token], article: _Article) -> bool:
    """A noun phrase: no function word, verb, clitic or pronoun; not a clause."""
    for index, token in enumerate(window):
        if not token.attested or not _is_arabic_word(token.form):
            return False
        if index and (token.prefixed or token.tanween):
            return False  # a proclitic inside a phrase starts a new clause («…_وتضم»)
        known = article.known(token.key, token.form)
        if known or (index == 0 and token.folded in _NAME_OPENERS and len(window) == 2):
            continue  # «أم كلثوم», «أبو ظبي»
        folded = normalize_for_matching(token.form)
        if article.function_word(token) or len(token.key) < 2:
            return False
        if index == len(window) - 1 and token.folded in _NAME_OPENERS:
            return False  # «بن عبد»: the name goes on
        if index == 1 and len(window) == 2 and token.folded == _GOD and not window[0].definite:
            continue  # «بهاء الله», «عبد الله»: a name, though «الله» alone is no tag
        if index == len(window) - 1 and (folded in VAGUE or token.key in VAGUE):
            return False  # «مؤتمر منظمة»: still waiting for its complement
        if not token.definite:
            if _pronoun_suffixed(token.form, article.vocab) or _looks_like_verb(folded):
                return False
            if index == 0 and (folded.endswith("يه") or _is_elative(folded)):
                return False  # «غذائية عالية», «أشد الزلازل»
            if index and folded[0] in "بل" and len(folded) >= 4:
                return False  # «زلزال بقوة»: a preposition opens a new phrase
    for left, right in pairwise(window):
        if left.definite and not right.definite and not article.known(right.key, right.form):
            return False  # «الناي آلة»: subject then predicate, a sentence
    return True


def _phrase_terms(article: _Article) -> list[KeyTerm]:
    """Noun phrases of two or three words that stand together at least twice."""
    counts: Counter[tuple[str, ...]] = Counter()
    shown: dict[tuple[str, ...], tuple[str, ...]] = {}
    keys_of: dict[tuple[str, ...], tuple[str, ...]] = {}
    places: dict[tuple[str, ...], list[tuple[int, int]]] = defaultdict(list)
    for row_index, row in enumerate(article.rows):
        for start, first in enumerate(row):
            if first.prefixed and not first.folded.endswith(normalize_for_matching(first.form)):
                continue  # «للطاقة» is not «الطاقة» with a proclitic in front
            for size in (2, 3):
                window = row[start : start + size]
                if len(window) < size:
                    continue
                listed = " ".join(t.folded for t in window) in NAMES
                if not listed and not _phrase_ok(window, article):
                    continue
                identity = (normalize_for_matching(first.form), *(t.folded for t in window[1:]))
                counts[identity] += 1
                shown.setdefault(identity, (first.form, *(t.surface for t in window[1:])))
                keys_of[identity] = tuple(t.key for t in window)
                places[identity].extend((row_index, start + i) for i in range(size))
    recurring = [identity for identity, count in counts.items() if count >= _MIN_PHRASE_COUNT]
    covered: set[tuple[int, int]] = set()
    for identity in recurring:
        covered.update(places[identity])
    for row_index, position in covered:
        article.stats[article.rows[row_index][position].key].in_phrase += 1
    terms = []
    for identity in recurring:
        keys = keys_of[identity]
        score = min(article.weight(k) for k in keys) + _PHRASE_BONUS
        if " ".join(identity) in NAMES:
            score += _NAME_WEIGHT
        terms.append(KeyTerm(shown[identity], tuple(family(k) for k in keys), score))
    return terms


def key_terms(title: str, text: str) -> list[KeyTerm]:
    """Candidate tags of an article, most salient first (words and recurring phrases)."""
    article = _Article(title, text)
    phrases = _phrase_terms(article)  # first: it marks which words belong to a phrase
    terms = _single_terms(article) + phrases
    terms.sort(key=lambda t: (-t.score, -len(t.words)))
    return terms
