"""Short lines of page furniture that extractors let through, mostly on older Arabic sites:
datelines («الأحد 15 مارس 2026 - 22:40»), bylines («كتب: أحمد عبد الرحمن»), view counters
(«عدد القراءات: 2318», «شوهد 845 مرة»), print and e-mail tools («طباعة | أرسل لصديق»), share
prompts («شارك: فيسبوك تويتر») and menu lines («الرئيسية | سياسة | اقتصاد»).

A line is recognised by what is left of it once its furniture is taken out: dates, times, day
and month names, labels («آخر تحديث»), counters and tool names. A dateline may keep a place
and a reporter's name (up to ``DATELINE_REST_WORDS`` words); a tools or counter line must
leave nothing. Lines that end like a sentence, or are longer than ``MAX_WORDS``, are never
furniture, so a real paragraph that mentions a date is safe.

The dateline is also the page's own statement of when the story was published, which old
sites rarely put in their <head>: :func:`dateline_date` reads it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Sequence
from enum import StrEnum

from bot.text.arabic import normalize_for_matching, words


class Furniture(StrEnum):
    DATELINE = "dateline"
    BYLINE = "byline"
    COUNTER = "counter"
    TOOLS = "tools"
    MENU = "menu"


# Longer lines are text, whatever they contain.
MAX_WORDS = 16
# A dateline may also name a place and a reporter: «فاس: عبد اللطيف الحجوي | 11/03/2026».
DATELINE_REST_WORDS = 4
# A menu line has at least this many segments between separators, each this short.
MENU_MIN_SEGMENTS = 3
MENU_MIN_SEGMENTS_UNLINKED = 4
MENU_SEGMENT_WORDS = 4
BYLINE_MAX_WORDS = 8


def _fold(text: str) -> str:
    return normalize_for_matching(text).casefold()


def _alternatives(names: Iterable[str]) -> str:
    # Longest first, so «تشرين الأول» wins over a shorter name it starts with.
    folded = sorted({_fold(name) for name in names}, key=len, reverse=True)
    return "|".join(re.escape(name) for name in folded)


# Month names as news sites write them: pan-Arab, Maghreb (Morocco), Algeria and Tunisia,
# the Levant and Iraq; then English and French for the same publishers' other editions.
_MONTH_NAMES: dict[str, int] = {}
for _number, _names in enumerate(
    (
        ("يناير", "جانفي", "كانون الثاني", "january", "jan", "janvier"),
        ("فبراير", "فيفري", "شباط", "february", "feb", "février", "fevrier"),
        ("مارس", "آذار", "march", "mar", "mars"),
        ("أبريل", "إبريل", "ابريل", "أفريل", "نيسان", "april", "apr", "avril"),
        ("مايو", "ماي", "أيار", "may", "mai"),
        ("يونيو", "يونيه", "جوان", "حزيران", "june", "jun", "juin"),
        ("يوليو", "يوليه", "يوليوز", "جويلية", "تموز", "july", "jul", "juillet"),
        ("أغسطس", "غشت", "أوت", "آب", "august", "aug", "août", "aout"),
        ("سبتمبر", "شتنبر", "أيلول", "september", "sep", "sept", "septembre"),
        ("أكتوبر", "تشرين الأول", "october", "oct", "octobre"),
        ("نوفمبر", "نونبر", "تشرين الثاني", "november", "nov", "novembre"),
        ("ديسمبر", "دجنبر", "كانون الأول", "december", "dec", "décembre", "decembre"),
    ),
    start=1,
):
    for _name in _names:
        _MONTH_NAMES[_fold(_name)] = _number
_MONTHS = _alternatives(_MONTH_NAMES)
_HIJRI_MONTHS = _alternatives(
    (
        "محرم", "صفر", "ربيع الأول", "ربيع الآخر", "ربيع الثاني", "جمادى الأولى",
        "جمادى الآخرة", "جمادى الثانية", "رجب", "شعبان", "رمضان", "شوال", "ذو القعدة",
        "ذو الحجة",
    )
)  # fmt: skip
_DAYS = _alternatives(
    (
        "الأحد", "الاثنين", "الإثنين", "الثلاثاء", "الأربعاء", "الخميس", "الجمعة", "السبت",
        "يوم", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
        "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche",
    )
)  # fmt: skip
_LABELS = _alternatives(
    (
        "نشر في", "نشر بتاريخ", "نشر يوم", "نشرت في", "تاريخ النشر", "آخر تحديث", "تم التحديث",
        "تاريخ التحديث", "حدث في", "تحديث", "بتاريخ", "التاريخ", "الساعة", "نشر", "منذ",
        "published on", "published", "last updated", "updated on", "updated", "posted on",
        "posted", "publié le", "mis à jour le", "mis à jour", "le",
    )
)  # fmt: skip

_B = r"(?<![\w])"  # a word starts here
_E = r"(?![\w])"  # a word ends here
_TEXT_DATE = re.compile(
    rf"{_B}(?P<day>\d{{1,2}})\s+(?:من\s+)?(?P<month>{_MONTHS})\s*[,،]?\s*(?P<year>\d{{4}}){_E}"
)
_TEXT_DATE_EN = re.compile(
    rf"{_B}(?P<month>{_MONTHS})\.?\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<year>\d{{4}}){_E}"
)
_DMY = re.compile(rf"{_B}(?P<day>\d{{1,2}})[/.\-](?P<month>\d{{1,2}})[/.\-](?P<year>\d{{4}}){_E}")
_YMD = re.compile(rf"{_B}(?P<year>\d{{4}})[/.\-](?P<month>\d{{1,2}})[/.\-](?P<day>\d{{1,2}}){_E}")
_DATES = (_TEXT_DATE, _TEXT_DATE_EN, _DMY, _YMD)
_HIJRI = re.compile(rf"{_B}\d{{1,2}}\s+(?:{_HIJRI_MONTHS})\s+\d{{4}}(?:\s*هـ?{_E})?")
_TIME = re.compile(
    rf"{_B}\d{{1,2}}:\d{{2}}(?::\d{{2}})?(?:\s*(?:صباحا|مساء|ص|م|am|pm|gmt|ت غ){_E})?"
)
_RELATIVE = re.compile(
    rf"{_B}منذ\s+\d+\s+(?:دقيقه|دقائق|ساعه|ساعات|يوم|ايام|اسبوع|اسابيع){_E}"
    rf"|{_B}\d+\s+(?:minutes?|hours?|days?)\s+ago{_E}"
)
_DAY = re.compile(rf"{_B}(?:{_DAYS}){_E}")
_LABEL = re.compile(rf"{_B}(?:{_LABELS}){_E}")
_STRAY = re.compile(rf"{_B}(?:م|ص|هـ|ه|في|on|at|à){_E}")

_COUNTER_WORDS = _alternatives(
    (
        "القراءات", "المشاهدات", "الزيارات", "الزوار", "التعليقات", "المشاهدين", "القراء",
        "قراءات", "مشاهدات", "زيارات", "تعليقات", "مشاهدة", "قراءة", "تعليق", "زيارة",
        "views", "view", "reads", "comments", "comment", "visits", "vues", "commentaires",
    )
)  # fmt: skip
# «قرئ 3120 مرة», «شوهد 845 مرة» (folded spelling).
_SEEN = "قرئ|قرئت|قرا|قراه|شوهد|شوهدت|شاهده|تمت قراءته|تمت مشاهدته"
_COUNTERS = re.compile(
    rf"{_B}(?:عدد\s+)?(?:{_COUNTER_WORDS})\s*[:：]?\s*[(\[]?\s*\d[\d,.\s]*[)\]]?"
    rf"|{_B}\d[\d,.]*\s+(?:{_COUNTER_WORDS}){_E}"
    rf"|{_B}(?:{_SEEN})\s+\d[\d,.]*\s+(?:مره|مرات){_E}"
    rf"|{_B}(?:انت\s+)?الزائر\s+رقم\s*:?\s*\d+|{_B}عدد\s+الزوار\s*:?\s*\d+"
)
_TOOLS = re.compile(
    _B
    + "(?:"
    + _alternatives(
        (
            "نسخة للطباعة", "نسخة قابلة للطباعة", "طباعة المقال", "طباعة الخبر", "طباعة",
            "اطبع المقال", "اطبع الخبر", "اطبع الصفحة", "اطبع", "أرسل المقال لصديق",
            "أرسل الخبر لصديق", "أرسل لصديق", "أرسل إلى صديق", "أرسل المقال", "أرسل الخبر",
            "إرسال لصديق", "إرسال بالبريد الإلكتروني", "إرسال بالبريد", "إرسال المقال",
            "إرسال", "البريد الإلكتروني", "حفظ", "أضف إلى المفضلة", "أضف للمفضلة",
            "أضف تعليق", "أضف تعليقك", "أضف تعليقا", "حجم الخط", "تكبير الخط", "تصغير الخط",
            "تكبير", "تصغير", "شارك", "شاركوا", "مشاركة", "فيسبوك", "فيس بوك", "تويتر",
            "إكس", "واتساب", "واتس اب", "تيليغرام", "تلغرام", "لينكدإن", "جوجل بلس",
            "print", "email", "e-mail", "share", "tweet", "facebook", "twitter", "whatsapp",
            "font size", "save", "imprimer", "envoyer", "partager",
        )
    )
    + r")(?![\w])"
)  # fmt: skip
# What may stand between the pieces of a furniture line: separators, brackets, «+ -» of a
# font-size control, the letter «أ» of «أ+ أ-».
_FILLER = re.compile(r"(?:[\s|/\\:：,،؛;.\-–—_*•·»«›‹<>()\[\]+=]|(?<![\w])ا(?=[+\-]))+")
_MENU_SPLIT = re.compile(r"\s*(?:\||•|·|::|»|›|>)\s*")
_SENTENCE_END = re.compile(r"[.!?؟]\s*[\"'»”)]*\s*$")
_BYLINE = re.compile(
    r"^(?:كتب|كتبت|بقلم|اعداد|تقرير|متابعه|تحرير|ترجمه|حاوره|حاورته|حاورها|تصوير|رصد)"
    r"\s*(?::|-|–)\s*(?P<name>[^|:]+?)\s*(?:[|]|$)"
    r"|^(?:كتب|كتبت)\s+(?P<name2>[^|:]{2,60}?)\s*:\s*$"
    r"|^بقلم\s+(?P<name3>[^|:]{2,60}?)\s*$"
)

_BYLINE_KEYWORD = re.compile(r"^\S+?\s*(?:[:\-–]\s*|\s+)")


def _strip(pattern: re.Pattern[str], text: str) -> tuple[str, bool]:
    stripped, count = pattern.subn(" ", text)
    return stripped, count > 0


def _rest_words(text: str) -> list[str]:
    return words(_FILLER.sub(" ", text))


def _menu(line: str, is_link: Callable[[str], bool] | None) -> bool:
    segments = [segment for segment in _MENU_SPLIT.split(line) if segment.strip()]
    if len(segments) < MENU_MIN_SEGMENTS:
        return False
    if any(len(words(segment)) > MENU_SEGMENT_WORDS for segment in segments):
        return False
    if is_link is not None and sum(map(is_link, segments)) >= len(segments) - 1:
        return True
    return len(segments) >= MENU_MIN_SEGMENTS_UNLINKED and all(
        len(words(segment)) <= MENU_SEGMENT_WORDS - 1 for segment in segments
    )


def byline_name(line: str) -> str | None:
    """The reporter's name in a byline («كتب: أحمد عبد الرحمن» → «أحمد عبد الرحمن»)."""
    if len(words(line)) > BYLINE_MAX_WORDS or _SENTENCE_END.search(line):
        return None
    if _BYLINE.match(_fold(line).strip()) is None:
        return None
    # The name in the page's own spelling: what follows the keyword, up to a separator.
    name = _BYLINE_KEYWORD.sub("", line.strip(), count=1).split("|")[0].strip(" :-–")
    return name if 1 <= len(words(name)) <= 5 else None


def furniture_kind(line: str, is_link: Callable[[str], bool] | None = None) -> Furniture | None:
    """What kind of page furniture ``line`` is, or None for text.

    Args:
        line: one line of an extracted body.
        is_link: tells whether a piece of text is one of the page's link texts, when they
            are known; it confirms menu lines of only three items.
    """
    count = len(words(line))
    if count == 0 or count > MAX_WORDS:
        return None
    if _menu(line, is_link):
        return Furniture.MENU
    if _SENTENCE_END.search(line):
        return None
    if byline_name(line):
        return Furniture.BYLINE
    text = _fold(line)
    text, dated = _strip(_HIJRI, text)
    for pattern in _DATES:
        text, found = _strip(pattern, text)
        dated = dated or found
    text, timed = _strip(_TIME, text)
    text, relative = _strip(_RELATIVE, text)
    text, counted = _strip(_COUNTERS, text)
    text, _ = _strip(_DAY, text)
    text, labelled = _strip(_LABEL, text)
    text, tools = _strip(_TOOLS, text)
    text, _ = _strip(_STRAY, text)
    rest = _rest_words(text)
    if (dated or relative or (timed and labelled)) and len(rest) <= DATELINE_REST_WORDS:
        return Furniture.DATELINE
    if rest:
        return None
    if counted:
        return Furniture.COUNTER
    if tools:
        return Furniture.TOOLS
    return None


def parse_date(text: str) -> dt.date | None:
    """The first full date written in ``text`` (day, month and year), or None."""
    folded = _fold(text)
    found: list[tuple[int, dt.date]] = []
    for pattern in _DATES:
        for match in pattern.finditer(folded):
            day, month, year = match.group("day"), match.group("month"), match.group("year")
            number = _MONTH_NAMES.get(month) if not month.isdigit() else int(month)
            if number is None:
                continue
            day_number = int(day)
            if pattern is _DMY and number > 12 >= day_number:
                day_number, number = number, day_number  # a US-style month/day/year
            try:
                found.append((match.start(), dt.date(int(year), number, day_number)))
            except ValueError:
                continue
    return min(found)[1] if found else None


def dateline_date(head: Sequence[str]) -> dt.date | None:
    """The date of the dateline closest to the article among the lines above it, or None.

    The closest one is the story's: a date higher up is usually the page header's «today».
    """
    for line in reversed(head):
        if furniture_kind(line) is Furniture.DATELINE:
            found = parse_date(line)
            if found is not None:
                return found
    return None


def byline_author(head: Sequence[str]) -> str | None:
    """The reporter named by the byline closest to the article, or None."""
    for line in reversed(head):
        name = byline_name(line)
        if name:
            return name
    return None
