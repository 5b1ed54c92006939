"""Can a sentence open a post on its own, or does it lean on the sentence before it?

News prose chains its sentences: «وأضاف أن…» (who added?), «ويرجع مهنيون هذا الارتفاع…»
(which rise?), «كما دعت…», «وتخرجت بلقاضي…» (a surname whose full name came earlier). Lifted
out of the article and shown first, such a sentence points at something the reader never
saw. This module sorts an opening into three kinds:

- ``PLAIN``: it stands on its own («سجلت أسعار الخضر ارتفاعاً…»);
- ``CONJUNCTION``: only a plain «و» ties it to the text before, in front of a verb or a word
  the article uses on its own («وتعتمد المحطة…»): without that letter it stands alone;
- ``REFERENCE``: a connective («كما», «أما», «وفي», «إلا أن»…), a demonstrative or pronoun
  near the start («هذا الارتفاع», «هي»), «الأخير», a reporting verb whose speaker is not
  named («وأضاف أن…»), or a «و» the text gives no evidence for: it needs its predecessor.

Person names are handled apart (:func:`unintroduced_name`): a surname used alone after an
earlier sentence introduced the person with a role and full name.

Heuristics written for Arabic news; when unsure they answer ``REFERENCE`` (a sentence kept
out of first place costs less than a post that starts mid-story).
"""

from __future__ import annotations

from collections.abc import Collection, Container, Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from bot.text.clauses import SPEECH_VERBS, fold, past_feminine
from bot.text.stopwords import is_stopword


def _set(words: str) -> frozenset[str]:
    return frozenset(words.split())


class Opener(StrEnum):
    PLAIN = "plain"
    CONJUNCTION = "conjunction"
    CONNECTIVE = "connective"
    REFERENCE = "reference"


# Folded words that add to what came before («كما», «كذلك», «ثم»): fine inside a post,
# never at its head.
_ADDITIVES = _set("كما كذلك ايضا ثم علاوه اضافه بالاضافه فضلا فيما")
# «يذكر أن…», «يشار إلى أن…»: background added to the story («يذكر صاحب المقال أن…» is not).
_IMPERSONAL = _set("يذكر يشار يجدر تجدر")
# Folded words that answer the sentence before (a contrast, a consequence, a time
# relative to it): «أما», «لكن», «إلا (أن)», «لذلك», «بعدها»…
_ANSWERS = _set(
    """
    اما لكن لكنه لكنها لكنهم غير الا بيد بينما لذلك لذا بالتالي عندئذ حينها حينئذ انذاك
    بعدها قبلها بالمقابل المقابل بدوره بدورها بدورهم اثرها اثره عقبها خلالها حيث اذ ذلك
    """
)
_ADDITIVE_PHRASES = frozenset({("في", "سياق"), ("الي", "جانب")})
# Two-word openers that refer back: «من جهته», «في المقابل», «مع ذلك»…
_PHRASES = frozenset(
    {
        ("من", "جهته"),
        ("من", "جهتها"),
        ("من", "جهتهم"),
        ("من", "جانبه"),
        ("من", "جانبها"),
        ("من", "جانبهم"),
        ("من", "ناحيته"),
        ("من", "ناحيتها"),
        ("من", "جهه"),
        ("من", "ناحيه"),
        ("في", "المقابل"),
        ("في", "السياق"),
        ("في", "الاطار"),
        ("مع", "ذلك"),
        ("رغم", "ذلك"),
        ("بعد", "ذلك"),
        ("قبل", "ذلك"),
    }
)
_DEMONSTRATIVES = _set("هذا هذه هذان هاتان هؤلاء ذلك تلك اولئك ذاك هاته")
_PRONOUNS = _set("هو هي هم هن هما")
_ANAPHORS = _set("الاخير الاخيره المذكور المذكوره نفسه نفسها ذاته ذاتها")
# «هذا الأسبوع», «هذه السنة»: a demonstrative before a time word points at the calendar.
_TIME_WORDS = _set(
    """
    اليوم الاسبوع الشهر العام السنه الصباح المساء الموسم الصيف الشتاء الخريف الربيع
    الاسبوع الاسابيع الايام الاشهر الفتره المرحله الليله الاحد الاثنين الثلاثاء الاربعاء
    الخميس الجمعه السبت
    """
)
_THAT = _set("ان انه انها انهم قائلا قائله")
_IMPERSONAL_NEXT = _set("ان الي بالذكر الاشاره")
_RELATIVES = _set("الذي التي الذين اللذين اللتين اللواتي اللاتي")
# Words where «و» is the first root letter, not a conjunction (folded, matched as prefixes).
_ROOT_WAW = tuple(
    sorted(
        _set(
            "وزير وزار وزرا وكال وكيل وكلا وفد وفود وقت وقائع واقع وقع وقوع ولاي والي وطن وحد وسط "
            "وسائل وسيل وضع وصل وافق وجه وجود وجد ورد وارد وفا وفيات وثيق وثائق ولد ودع وزع واصل "
            "وصف وسع وفر ورش ورق وادي واح واشنطن وهران وجده وعد وعي وظيف وظائف وقود وقف وباء وتير "
            "ولي وثب وئام وحش وهب وصي ودي ورث وفق وقاي"
        )
    )
)
# Clitics that may sit on a demonstrative or pronoun: «وهذا», «بذلك», «لهذه», «كذلك».
_CLITICS = ("و", "ف", "ب", "ل", "ك")
# How far into a sentence a demonstrative still points back at an earlier one.
_REFERENCE_WINDOW = 8
# Words that introduce a person by role: the next one to three words are a name.
_ROLES = _set(
    """
    الباحث الباحثه رئيس رئيسه مدير مديره وزير وزيره الوزير الوزيره السيد السيده الدكتور
    الدكتوره المدرب اللاعب اللاعبه الفنان الفنانه الكاتب الكاتبه المخرج المخرجه الناطق
    المتحدث النائب النائبه المستشار المستشاره الاستاذ الاستاذه الخبير الخبيره الرئيس
    العداء العداءه البطل البطله الصحفي الصحفيه الطبيب الطبيبه المهندس
    المهندسه المدير المديره الروائي الروائيه الشاعر الشاعره المغني المغنيه الحارس القاضي
    المحامي المحاميه العميد المفوض السفير السفيره الطالب الطالبه المواطن
    المواطنه الفلاح المقاول الناشط الناشطه
    """
)


def _tokens(sentence: str) -> list[str]:
    return [t for t in (fold(chunk) for chunk in sentence.split()) if t]


def _bare(word: str) -> str:
    """A word without one clitic letter in front, when what remains is a function word."""
    for clitic in _CLITICS:
        rest = word.removeprefix(clitic)
        if rest != word and (rest in _DEMONSTRATIVES or rest in _PRONOUNS):
            return rest
    return word


def opener(sentence: str, vocabulary: Collection[str] = frozenset()) -> Opener:
    """How a sentence begins: on its own, with a droppable «و», adding on, or leaning back.

    Args:
        sentence: One sentence as written.
        vocabulary: Folded words of the article; a «و» counts as a conjunction when the
            word without it is among them (or is plainly a verb).

    Returns:
        The kind of opening (see the module's description).
    """
    words = _tokens(sentence)
    if not words:
        return Opener.PLAIN
    conjunction = False
    if words[0] in ("و", "ف"):  # typed apart: «و تعني…»
        words, conjunction = words[1:], True
        if not words:
            return Opener.CONNECTIVE
    first = words[0]
    if first in _ANSWERS or tuple(words[:2]) in _PHRASES or _bare(first) in _PRONOUNS:
        return Opener.REFERENCE
    for i, word in enumerate(words[:_REFERENCE_WINDOW]):
        previous = words[i - 1] if i else ""
        if _bare(word) in _DEMONSTRATIVES and not _points_ahead(words, i):
            return Opener.REFERENCE
        if i < 4 and word in _ANAPHORS and previous not in _TIME_WORDS:
            return Opener.REFERENCE
    verb = first.removeprefix("و")
    if verb in SPEECH_VERBS and (
        len(words) == 1 or words[1] in _THAT or sentence.split()[0].endswith(":")
    ):
        return Opener.REFERENCE  # «وأضاف أن…»: the speaker is in an earlier sentence
    if first in _ADDITIVES or tuple(words[:2]) in _ADDITIVE_PHRASES:
        return Opener.CONNECTIVE
    if first in _IMPERSONAL and len(words) > 1 and words[1] in _IMPERSONAL_NEXT:
        return Opener.CONNECTIVE
    if conjunction:
        return Opener.CONNECTIVE if is_stopword(first) else Opener.CONJUNCTION
    if first.startswith("و") and verb in SPEECH_VERBS:
        return Opener.CONJUNCTION  # «وقال ممثل الباعة إن…»: the speaker is named
    if len(first) > 2 and first[0] in "وف" and is_stopword(first[1:]):
        return Opener.CONNECTIVE  # «وفي», «ومن», «وقد», «فإن»…
    if not first.startswith("و") or first.startswith(_ROOT_WAW):
        return Opener.PLAIN
    rest = first[1:]
    if (
        len(rest) >= 3
        and (
            rest[0] in "يتن"  # an imperfect verb: «ويعتمد», «وتعاني»
            or rest[:2] in ("سي", "ست", "سن")  # a future: «وسيعقد», «وستنطلق»
            or past_feminine(rest)  # «وبلغت», «وأظهرت»
            or rest.startswith(_ROOT_WAW)  # «ووصل»
            or rest in vocabulary
        )
    ):
        return Opener.CONJUNCTION
    return Opener.CONNECTIVE  # a «و» of unknown use: it may well be a conjunction


def _points_ahead(words: Sequence[str], i: int) -> bool:
    """A demonstrative that names the calendar («هذا الأسبوع») or what follows it («هذا
    الضوء الذي يظهر…») does not point back."""
    following = words[i + 1 : i + 4]
    if following and following[0] in _TIME_WORDS:
        return True
    return any(word in _RELATIVES for word in following)


def without_conjunction(sentence: str) -> str:
    """The sentence without its leading «و» (for a ``CONJUNCTION`` opening)."""
    text = sentence.lstrip()
    if text.startswith("و"):
        text = text[1:].lstrip()
    return text


@dataclass(frozen=True, slots=True)
class Name:
    """A person introduced by role and full name («رئيس المجلس سعيد الإدريسي»)."""

    first: str  # folded first name («سعيد»)
    surname: str  # folded surname («الادريسي»)
    sentence: int  # index of the sentence that introduced the person


def introduced_names(sentences: Sequence[str]) -> dict[str, Name]:
    """People introduced by role and full name, by folded surname (first mention wins).

    «قال رئيس المجلس سعيد الإدريسي إن…» introduces «الإدريسي» (first name «سعيد»); a later
    «وردّ الإدريسي…» relies on that sentence.
    """
    names: dict[str, Name] = {}
    for index, sentence in enumerate(sentences):
        raw = sentence.split()
        words = [fold(chunk) for chunk in raw]
        for i, word in enumerate(words):
            if word not in _ROLES and not (word.startswith("و") and word[1:] in _ROLES):
                continue
            j = i + 1
            # Up to two modifiers of the role: «رئيس المجلس الجماعي», «الباحثة المغربية».
            while (
                j < min(len(words), i + 3)
                and words[j].startswith("ال")
                and not (words[j] in _ROLES or raw[j - 1].endswith(("،", ",")))
            ):
                j += 1
            name = _name_at(raw, words, j)
            if len(name) >= 2 and name[-1] not in names:
                names[name[-1]] = Name(name[0], name[-1], index)
    return names


# Words that make a name longer than first name and surname: «عبد الوافي», «سعود بن…».
_NAME_LINKS = _set("عبد ابو ابن بن بنت ال ايت")
_COMPOUND_FIRST = _set("عبد ابو")


def _name_at(raw: Sequence[str], words: Sequence[str], j: int) -> list[str]:
    """The person's name starting at word ``j``: a first name and a surname, with the
    links of compound names («عبد», «بن»…), stopping at punctuation or a function word."""
    name: list[str] = []
    while j < len(words) and len(name) < 5:
        word = words[j]
        if not word or word in _ROLES or any(c.isdigit() for c in word):
            break
        if not name and (word.startswith("ال") or (word[0] in "لبك" and len(word) >= 5)):
            break  # «الرئيس التنفيذي لمدينة دبي»: a first name takes no article or preposition
        if name and word.startswith(("بم", "بال", "لل", "وال")):
            break  # «جامعة القاضي عياض بمراكش»: a place, not a family name
        if is_stopword(word) and word != "علي":  # «علي» is a first name as often as «على»
            break
        name.append(word)
        # «عبد الوافي» and «أبو بكر» are one first name: the surname comes after them.
        compound = len(name) >= 2 and name[-2] in _COMPOUND_FIRST
        if raw[j].endswith(("،", ",", ".", "؛", ":")):
            break
        # «نايف بن محمد العبادي»: after a father's name, a family name in «ال…».
        family = (
            len(name) >= 3
            and name[-2] in _NAME_LINKS
            and j + 1 < len(words)
            and words[j + 1].startswith("ال")
        )
        if len(name) >= 2 and word not in _NAME_LINKS and not compound and not family:
            break
        j += 1
    return name


def unintroduced_name(
    sentence: str, names: Mapping[str, Name], *, hidden: Container[int], shown: Iterable[str]
) -> bool:
    """Whether ``sentence`` names someone by surname alone whom the reader has not met.

    Args:
        sentence: The candidate sentence.
        names: The article's people, from :func:`introduced_names`.
        hidden: Indices of sentences the post does not show.
        shown: Text the reader does see (the title, the sentences kept).
    """
    if not names:
        return False
    words = _tokens(sentence)
    seen: set[str] | None = None
    for i, word in enumerate(words):
        name = names.get(word.removeprefix("و"))
        if name is None or name.sentence not in hidden:
            continue
        if name.first in words[max(0, i - 4) : i]:
            continue  # introduced here again, in full
        if seen is None:
            seen = {w for text in shown for w in _tokens(text)}
        if name.surname not in seen:
            return True
    return False
