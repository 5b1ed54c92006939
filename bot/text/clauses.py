"""Where an Arabic sentence can be cut and still say something whole.

A short post, a card line or a headline made from pasted text often has room for only part
of a news lead. Cutting it after N words leaves a dangling phrase («…في ضواحي»); cutting it
where a *new clause* starts leaves the main statement whole:

    دخلت محطة جديدة لتحلية مياه البحر الخدمة في أكادير، | بطاقة إنتاجية تبلغ 150 ألف متر…
    أعلنت الوزارة تسجيل 12 إصابة جديدة، | ما يرفع الحصيلة إلى 340 حالة.
    افتتحت السلطات سوقاً نموذجياً للباعة المتجولين | الذين كانوا يعرضون سلعهم على الأرصفة.

A cut is allowed after «،» or «؛», before a subordinator («حيث», «كما», «بسبب»…) or a
relative pronoun that describes a noun standing on its own («الذي», «التي»…), and before a
«و» that joins a second clause (a verb: «ويبلغ», «وانتهت»; a function word: «وذلك»,
«وقد»), never before a «و» that adds one more noun to a list. After a comma, the rest may
not be what the clause still waits for: its complement («…، على مشروع…») or an aside that
comes before it («…الصويرة، مساء الثلاثاء، على…»). The part kept must itself look
complete: at least a few words, not ending on a function word, not inside quotes or
brackets, not ending on a short aside between commas, not only the circumstance fronted
before the statement («خلال السنوات العشر التي تلت،»), and not a reporting verb still
waiting for what was said («قال وزير الداخلية، خلال ندوة،»). These are heuristics for
news prose; they prefer missing a cut to making a bad one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import regex

from bot.text.arabic import normalize_for_matching
from bot.text.stopwords import is_stopword

_TOKEN = regex.compile(r"\S+")
_EDGE = ".,،؛:;!?؟()[]{}«»\"'“”‘’…-–—"
_CLAUSE_MARKS = ("،", ",", "؛", ";")
_STRONG_MARKS = ("؛", ";")
_CUT_MARKS = " ،,؛;:-–—."
# The letter folding of normalize_for_matching, as one table (tatweel dropped too).
_FOLD = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ة": "ه", "\u0640": None})
_OPEN_CLOSE = (("(", ")"), ("«", "»"), ("“", "”"), ("[", "]"))


def _set(words: str) -> frozenset[str]:
    return frozenset(words.split())


# Reporting verbs (folded): a clause that starts with one is not complete until it says
# what was reported («قال الوزير، خلال ندوة،» is not a statement).
SPEECH_VERBS = _set(
    """
    قال قالت يقول تقول اضاف اضافت يضيف تضيف اكد اكدت يؤكد تؤكد اوضح اوضحت يوضح توضح اشار
    اشارت يشير تشير ذكر ذكرت صرح صرحت افاد افادت اعتبر اعتبرت شدد شددت لفت لفتت تابع تابعت
    كشف كشفت اعلن اعلنت افاد ابرز ابرزت نفي نفت اعرب اعربت
    """
)
# Relative pronouns and subordinators start a clause even without a comma.
_RELATIVES = _set("الذي التي الذين اللذين اللتين اللواتي اللاتي")
_SUBORDINATORS = _set(
    "حيث بعدما كما اذ لكي بهدف بسبب بفضل وفق وفقا بحسب حسب رغم برغم "
    # adjuncts of cost, size and company: «…الخدمة بطاقة إنتاجية…», «…بكلفة 450 مليون…»
    "بكلفه بتكلفه بقيمه بطاقه بمشاركه بحضور بنسبه بميزانيه بغلاف"
)
_THAT = _set("ان انه انها انهم")
_ABOUT_VERBS = _set("اعلن اعلنت كشف كشفت اعرب اعربت")
# Words that open what a verb still needs (its object or the reported words): a clause that
# stops before them is not finished.
_COMPLEMENTS = _set("الي علي عن من ان انه انها انهم لان")
# A first clause that starts with one of these and ends at a comma is usually only the
# circumstance put in front of the statement («خلال السنوات العشر التي تلت، قامت…»).
_FRONTED = _set(
    "في خلال منذ بعد قبل مع عند علي من اثناء بعدما عقب اثر وفي وبعد ومع وخلال بالرغم رغم برغم "
    "عندما حين حينما لما اذا لو لولا بينما كلما"
)
# «وقد», «ولم», «وكان»…: «و» before one of these starts a new clause.
_AUXILIARIES = _set("قد لم لا لن كان كانت تم سوف")


def fold(token: str) -> str:
    """A token without edge punctuation, folded for look-ups (never for display)."""
    bare = token.strip(_EDGE)
    if bare.isalpha():
        # The common case, a plain word: no harakat, nothing NFC could compose.
        return bare.translate(_FOLD).lower()
    return normalize_for_matching(bare).lower()


@dataclass(frozen=True, slots=True)
class _Token:
    text: str
    start: int
    end: int
    folded: str


def _tokens(sentence: str) -> list[_Token]:
    tokens: list[_Token] = []
    for match in _TOKEN.finditer(sentence):
        folded = fold(match.group())
        if not folded and tokens:
            # A mark typed apart from its word («الماء ، التراب») belongs to that word.
            last = tokens[-1]
            text = sentence[last.start : match.end()]
            tokens[-1] = _Token(text, last.start, match.end(), last.folded)
            continue
        tokens.append(_Token(match.group(), match.start(), match.end(), folded))
    return tokens


def clause_ends(sentence: str, *, min_words: int = 5) -> list[int]:
    """Offsets at which ``sentence[:offset]`` is a complete clause, shortest first.

    Args:
        sentence: One sentence as written.
        min_words: The kept part has at least this many words.

    Returns:
        Character offsets just after the last kept word (before any comma); the whole
        sentence is not included.
    """
    tokens = _tokens(sentence)
    ends: list[int] = []
    for k in range(max(min_words, 1), len(tokens)):
        if _opens_clause(tokens, k) and _complete(sentence, tokens, k):
            ends.append(tokens[k - 1].end)
    return ends


def _opens_clause(tokens: list[_Token], k: int) -> bool:
    before = tokens[k - 1].text.rstrip("\"'»”’)")
    word = tokens[k].folded
    if before.endswith(_STRONG_MARKS) or word in _SUBORDINATORS:
        return True
    if word in _RELATIVES:
        # A relative clause can be dropped when the noun it describes stands on its own,
        # not when a preposition holds it («بين الفلسفة التي…», «من النوع الذي…»), nor when
        # that noun opens its clause: the clause's predicate is still to come («حيث بإمكان
        # جميع الأطفال الذين…  المشاركة»).
        return k >= 2 and not is_stopword(tokens[k - 2].folded) and _clause_length(tokens, k) > 4
    if before.endswith(_CLAUSE_MARKS):
        # After a comma the rest may go, unless it is what the clause still waits for: its
        # complement («…، على مشروع»), or an aside before that complement («…الصويرة،
        # مساء الثلاثاء، على…», «…بلقاضي، رفقة فريق من جامعة…، إلى تطوير…»).
        if word in _COMPLEMENTS:
            return False
        return not _aside(tokens, k)
    if word.startswith("و") and len(word) >= 4 and not is_stopword(tokens[k - 1].folded):
        # «…الخدمة ويعتمد على…»: «و» before a verb joins a second clause (not «بين
        # الفلسفة والأدب», nor «أكادير وإنزكان», which join nouns).
        rest = word[1:]
        if tokens[k].text.endswith(_CLAUSE_MARKS) or rest.endswith("ات"):
            return False  # «…ماكاو وتايوان، …», «…وتطبيقات»: one more item of a list
        # «وت…» is left out: as many nouns (verbal nouns «وتطوير», places «وتونس») as
        # verbs start that way.
        return (
            rest[0] == "ي"  # «ويبلغ», «ويرى»: an imperfect verb
            or past_feminine(rest)  # «وانتهت», «وتمكنت»
            or rest in SPEECH_VERBS
            or rest in _AUXILIARIES
            or is_stopword(rest)  # «وذلك», «وبعد», «وهذه», «ولكنها»
        )
    return False


def _clause_length(tokens: list[_Token], k: int) -> int:
    """How many words the clause that word ``k`` belongs to has before it."""
    for j in range(k - 1, -1, -1):
        if tokens[j].folded in _SUBORDINATORS:
            return k - j - 1
        if tokens[j].text.rstrip("\"'»”’)").endswith(_CLAUSE_MARKS):
            return k - j - 1
    return k


def past_feminine(word: str) -> bool:
    """«انتهت», «كسبت», «تمكنت»: a verb in the past, feminine. Not a place like «تيزنيت» or
    «تارودانت» (no such verb has «ا» or «ي» second), nor a word with the article."""
    if len(word) < 4 or not word.endswith("ت") or word.endswith("ات"):
        return False
    return not word.startswith("ال") and not (word[0] == "ت" and word[1] in "اي")


def _aside(tokens: list[_Token], k: int) -> bool:
    """Whether the words from ``k`` up to the next comma are an aside inside the clause."""
    for j in range(k, len(tokens)):
        if tokens[j].text.rstrip("\"'»”’)").endswith(_CLAUSE_MARKS):
            short = j - k + 1 <= 3
            return short or (j + 1 < len(tokens) and tokens[j + 1].folded in _COMPLEMENTS)
    return False


def _complete(sentence: str, tokens: list[_Token], k: int) -> bool:
    kept = tokens[:k]
    last = kept[-1].folded
    if not last or is_stopword(last) or last in _THAT:
        return False
    prefix = sentence[: kept[-1].end].rstrip("،,؛;")
    for opening, closing in _OPEN_CLOSE:
        if prefix.count(opening) != prefix.count(closing):
            return False
    if prefix.count('"') % 2:
        return False
    segments = regex.split(r"[،,؛;]", prefix)
    if len(segments) > 1 and len(segments[-1].split()) <= 3:
        return False  # ends on an aside between commas: «…الصويرة، مساء الثلاثاء»
    if (
        len(segments) == 1
        and kept[0].folded in _FRONTED
        and sentence[kept[-1].end :].lstrip("\"'»”’)").startswith(_CLAUSE_MARKS)
    ):
        return False  # only the fronted circumstance: «خلال السنوات العشر التي تلت،»
    head = [t.folded.removeprefix("و") for t in kept[:2]]
    if any(word in SPEECH_VERBS for word in head):
        # «أعلن عن…», «كشف عن…» say what in their object.
        about = any(word in _ABOUT_VERBS for word in head)
        said = any(t.folded in _THAT or (about and t.folded == "عن") for t in kept[1:])
        if not said and not any(mark in prefix for mark in (":", "«", '"', "“")):
            return False
    return True


def clause_prefix(sentence: str, end: int) -> str:
    """The sentence cut at ``end`` (an offset from :func:`clause_ends`), as a sentence."""
    return sentence[:end].rstrip(_CUT_MARKS) + "."


def longest_clause(sentence: str, ok: Callable[[str], bool], *, min_words: int = 5) -> str | None:
    """The longest clause prefix of ``sentence`` (ending in «.») that ``ok`` accepts.

    Args:
        sentence: One sentence as written.
        ok: A predicate on the candidate text, monotone in its length (a length rule).
        min_words: The kept part has at least this many words.

    Returns:
        The accepted prefix, or None when no clause boundary gives one.
    """
    for end in reversed(clause_ends(sentence, min_words=min_words)):
        candidate = clause_prefix(sentence, end)
        if ok(candidate):
            return candidate
    return None


def longest_phrase(sentence: str, ok: Callable[[str], bool], *, min_words: int = 3) -> str | None:
    """Like :func:`longest_clause`, also trying the weaker phrase boundaries that headlines
    use (before an adjunct or a verb starting a clause of its own): the last resort for a
    post that has room for only a few words of the lead."""
    ends = sorted(
        {*clause_ends(sentence, min_words=min_words), *_phrase_ends(sentence, min_words)}
    )
    for end in reversed(ends):
        candidate = clause_prefix(sentence, end)
        if ok(candidate):
            return candidate
    return None


def without_asides(sentence: str) -> str:
    """The sentence without the asides set between commas inside its clauses.

    «توصلت الباحثة سناء بلقاضي، رفقة فريق من جامعة القاضي عياض، إلى تطوير…» becomes
    «توصلت الباحثة سناء بلقاضي إلى تطوير…». For headlines, not for quoting.
    """
    tokens = _tokens(sentence)
    for k in range(1, len(tokens)):
        before = tokens[k - 1].text.rstrip("\"'»”’)")
        if before.endswith(_CLAUSE_MARKS) and _aside(tokens, k):
            j = next(j for j in range(k, len(tokens)) if tokens[j].text.endswith(_CLAUSE_MARKS))
            head = sentence[: tokens[k - 1].end].rstrip(_CUT_MARKS)
            return without_asides(f"{head} {sentence[tokens[j].end :].lstrip()}")
    return sentence


# A wire dateline opening a lead: the place (one to three words), then the agency — in
# brackets («الدوحة - (اف ب) -», «القاهرة (رويترز) -») or between dashes («الرباط - و م ع -»,
# «جدة - واس -») — then a dash. The agency is an abbreviation of one- and two-letter parts or
# a known name, so that an aside between dashes («أعلنت الوزارة - في بلاغ - أن…») is not
# taken for one, nor a place followed by a dash alone («المغرب - إسبانيا: …»).
_DASH = "[-–—]"
_PLACE = r"[^\W\d_]+(?:\s+[^\W\d_]+){0,2}"
_ABBREVIATION = r"[^\W\d_]{1,2}(?:[\s.]{1,2}[^\W\d_]{1,2}){1,3}\.?"
_AGENCIES = _set(
    "واس قنا كونا بنا سانا وفا وام سبأ بترا معا رويترز الأناضول الاناضول شينخوا "
    "العمانية الألمانية الفرنسية وكالات"
)
_AGENCY = rf"(?:{_ABBREVIATION}|{'|'.join(sorted(_AGENCIES, key=len, reverse=True))})"
_DATELINE = regex.compile(
    rf"^\s*{_PLACE}\s*(?:(?:{_DASH}\s*)?\(\s*{_AGENCY}\s*\)|{_DASH}\s*{_AGENCY})"
    rf"\s*{_DASH}\s+(?=\S)"
)


def without_dateline(sentence: str) -> str:
    """The sentence without a wire dateline at its start («الرباط - و م ع - أعلنت…» →
    «أعلنت…»): a headline never opens with one."""
    match = _DATELINE.match(sentence)
    if match is None or len(sentence[match.end() :].split()) < 3:
        return sentence
    return sentence[match.end() :]


def leading_phrase(sentence: str, max_words: int, *, min_words: int = 4) -> str:
    """A headline made from a sentence, never a phrase cut short.

    In order: the whole sentence when it has at most ``max_words`` words (also once its
    asides are dropped); its longest leading clause within ``max_words``; its longest
    leading phrase within ``max_words`` that ends before an adjunct or a verb starting a
    new clause («…سوقاً نموذجياً | يضم…», «…النفايات | في مكب…»); the shortest of these if it
    is at most twice as long; the whole sentence (a long headline still says
    something whole).

    A wire dateline at the start («الرباط - و م ع -») is dropped first.

    Returns:
        The phrase without its closing full stop.
    """
    text = without_dateline(" ".join(sentence.split()))
    if len(text.split()) <= max_words:
        return text.rstrip(" .۔")
    text = without_asides(text)
    if len(text.split()) <= max_words:
        return text.rstrip(" .۔")
    clauses = clause_ends(text, min_words=min_words)
    phrases = _phrase_ends(text, min_words + 1)
    for ends in (clauses, phrases):
        within = [end for end in ends if _words(text, end) <= max_words]
        if within:
            return text[: within[-1]].rstrip(_CUT_MARKS)
    shortest = min([*clauses, *phrases], default=None)
    if shortest is not None and _words(text, shortest) <= 2 * max_words:
        return text[:shortest].rstrip(_CUT_MARKS)
    return text.rstrip(" .۔")


def _words(text: str, end: int) -> int:
    return len(text[:end].split())


# Prepositions that usually open an adjunct of place or time once the clause is complete.
_ADJUNCT_PREPOSITIONS = _set("في خلال منذ عبر ضمن لدي امام داخل قرب")


def _phrase_ends(sentence: str, min_words: int) -> list[int]:
    """Weaker cuts, for headlines only: before an adjunct of place or time, or before a
    verb that starts a clause of its own (a word in «ي…»), when what is kept looks whole
    and does not end inside a «أن…» clause."""
    tokens = _tokens(sentence)
    ends: list[int] = []
    for k in range(min_words, len(tokens)):
        word = tokens[k].folded
        verb = word.startswith("ي") and len(word) >= 3 and not word.startswith(_NOT_VERBS)
        if not (verb or word in _ADJUNCT_PREPOSITIONS):
            continue
        if any(t.folded in _THAT or t.folded == "ان" for t in tokens[max(0, k - 3) : k]):
            continue
        if _complete(sentence, tokens, k):
            ends.append(tokens[k - 1].end)
    return ends


# Words in «ي…» that are not verbs: days, months.
_NOT_VERBS = ("يوم", "يناير", "يونيو", "يوليو", "ينابيع")
