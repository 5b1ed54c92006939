"""Drop the lines news sites wrap around an article: «إقرأ أيضا…», share and follow prompts,
comment policies, tag lines, copyright, related-article headers and their link lists.

The rules are data (:data:`RULES`). Each pattern is written in ordinary Arabic and matched
against the line after :func:`fold` (which applies ``normalize_for_matching``: alef forms,
ة/ه, ى/ي, harakat, tanween and tatweel folded; punctuation such as «…» and ellipses removed),
so one pattern covers «إقرأ أيضا…», «اقرأ أيضاً:» and «اقـرأ ايضًا». A rule only applies to
lines of at most ``max_words`` words, so a real paragraph that happens to start with the same
words is never removed.

A *cut* rule (a «read also» marker, a «related articles» header) also removes the link list
that follows it, but only while the following lines look like link titles: link texts of
the page when they are known, else short lines without a final full stop. A real paragraph
after the marker ends the cut, so a «اقرأ أيضاً:» box in the middle of an article costs
nothing but itself.

When the page's link texts are known, related lists are also recognised without a label:
two or more whole-link lines in a row, a closing run of (linked headline, short summary)
pairs, and «any label: <a whole link>» lines.

A *poll* rule («استطلاع الرأي:») also removes the question and the answers after it. Short
lines of page furniture — datelines, bylines, view counters, print and e-mail tools, menu
lines — are recognised by :mod:`bot.ingest.furniture` and removed too.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from enum import StrEnum

from bot.ingest.furniture import furniture_kind
from bot.text.arabic import normalize_for_matching, words

# Characters kept by fold(): they carry meaning for some rules (labels, ©, breadcrumbs).
_KEEP = ":©»›>|/"
_PUNCT = re.compile(rf"[^\w\s{re.escape(_KEEP)}]+")
_SPACES = re.compile(r"\s+")
_NON_WORD = re.compile(r"[\W_]+")
_SENTENCE_END = re.compile(r"[.!?؟。]\s*[\"'»”)]*\s*$")

# A line after a cut marker is taken for a link title when it is at most this long and
# does not end like a sentence (used when the page's link texts are unknown, e.g. pasted text).
LINK_TITLE_MAX_WORDS = 18
# A teaser's summary line under a linked headline is at most this long.
TEASER_MAX_WORDS = 30
# «Label: <link>» lines: the label is at most this long.
LABEL_MAX_WORDS = 3
_SOURCE_LABEL = re.compile(r"^(?:المصدر|مصدر|source|sources|quelle|fuente)$")
# At most this many lines are removed after one cut marker.
CUT_MAX_LINES = 12
# After a poll's title: its question (at most this long, ending with «؟»), then answers and
# buttons (at most POLL_ANSWER_WORDS words each, not ending like a sentence).
POLL_QUESTION_WORDS = 30
POLL_ANSWER_WORDS = 8
POLL_MAX_LINES = 8


class Action(StrEnum):
    DROP = "drop"  # remove the line
    CUT = "cut"  # remove the line and the link list right after it
    POLL = "poll"  # remove the line and the poll's question and answers after it


@dataclass(frozen=True, slots=True)
class Rule:
    pattern: re.Pattern[str]
    max_words: int
    action: Action


def fold(text: str) -> str:
    """Matching form of a line: Arabic variants folded, lower case, punctuation removed."""
    folded = normalize_for_matching(text).casefold()
    return _SPACES.sub(" ", _PUNCT.sub(" ", folded)).strip()


def _rule(pattern: str, max_words: int, action: Action = Action.DROP) -> Rule:
    # Patterns are folded like the lines they are matched against, so they can be written
    # with normal spelling (أ, ة, ى …). Folding lower-cases, so no upper-case escapes (\S).
    return Rule(re.compile(normalize_for_matching(pattern).casefold()), max_words, action)


_SOCIAL = (
    r"(?:فيسبوك|فايسبوك|فيس بوك|تويتر|إكس|انستغرام|إنستغرام|انستجرام|إنستجرام|يوتيوب|"
    r"تيليغرام|تلغرام|تليجرام|تيلغرام|واتساب|تيك توك|تيكتوك|لينكدإن|مواقع التواصل|"
    r"شبكات التواصل|منصات التواصل|قناتنا|حساباتنا|صفحتنا|صفحاتنا|منصاتنا)"
)
# What "follow" is followed by when it is a prompt: our news, our pages. (The bare verb
# also means "he/they followed", which starts real news sentences.)
_OURS = (
    r"(?:آخر الأخبار|آخر المستجدات|أخبارنا|جديدنا|كل جديد|كل الأخبار|قناتنا|حساباتنا|"
    r"صفحتنا|صفحاتنا|منصاتنا)"
)

RULES: tuple[Rule, ...] = (
    # «إقرأ أيضا» / «اقرأ كذلك» / «واقرأ المزيد», alone or followed by a linked headline.
    _rule(r"^و?اقرأ (?:أيضا|كذلك|المزيد)\b", 25, Action.CUT),
    # «طالع أيضا», «شاهد أيضا», «تابع أيضا»: the same box under other verbs.
    _rule(r"^(?:طالع|طالعوا|شاهد|شاهدوا|تابع) (?:أيضا|كذلك)\b", 25, Action.CUT),
    # «قد يهمك», «يهمك أيضا», «قد يعجبك أيضا», «اخترنا لك»: recommendation boxes.
    _rule(r"^(?:قد )?(?:يهمك|يهمكم|يعجبك|يعجبكم)(?: أيضا| كذلك)?\b", 25, Action.CUT),
    _rule(r"^اخترنا (?:لك|لكم)\b", 6, Action.CUT),
    # «مقالات ذات صلة», «أخبار متعلقة», «مواضيع مشابهة»: related-articles headers.
    _rule(
        r"^(?:مقالات|أخبار|مواضيع|موضوعات|مواد|قصص|تقارير|فيديوهات|روابط)"
        r" (?:ذات صلة|متعلقة|مشابهة|مرتبطة|أخرى|مقترحة|ذات علاقة)\s*:?$",
        5,
        Action.CUT,
    ),
    _rule(
        r"^(?:ذات صلة|على صلة|المزيد من الأخبار|المزيد|آخر الأخبار|أخبار عاجلة)\s*:?$",
        4,
        Action.CUT,
    ),
    # «الأكثر قراءة», «الأكثر مشاهدة», «الأكثر تداولا»: popularity sidebars.
    _rule(r"^الأكثر (?:قراءة|مشاهدة|تداولا|تعليقا|شعبية|شيوعا)\b", 5, Action.CUT),
    # The same boxes on French and English pages of the same publishers.
    _rule(
        r"^(?:read (?:also|more)|see also|lire aussi|à lire aussi|a lire aussi|voir aussi)\b",
        25,
        Action.CUT,
    ),
    _rule(
        r"^(?:related(?: articles| stories| news| posts| content)?|you (?:may|might) also like|"
        r"most (?:read|popular|viewed)|sur le même sujet|les plus lus)\s*:?$",
        6,
        Action.CUT,
    ),
    # «استطلاع الرأي», «شارك في الاستطلاع», «صوت معنا»: a poll's title, alone or followed by
    # its question after a colon (not «استطلاع للرأي يكشف…», which is news).
    _rule(
        r"^(?:استطلاع الرأي|استطلاع|استفتاء|صوت معنا|صوتوا معنا|شارك في الاستطلاع|"
        r"شارك برأيك|poll|sondage)\s*(?::|$)",
        POLL_QUESTION_WORDS,
        Action.POLL,
    ),
    # «يمكنكم مشاركة المقال على منصتكم المفضلة»: the share footer.
    _rule(r"^(?:يمكنكم|يمكنك|بإمكانكم|بإمكانك) (?:مشاركة|نشر)\b", 20),
    # «شارك المقال», «شاركوا الخبر عبر…», «انشر على فيسبوك».
    _rule(
        r"^(?:شارك|شاركوا|شاركي|انشر|انشروا) (?:المقال|المقالة|الخبر|الموضوع|"
        rf"(?:هذا|هذه) (?:المقال|المقالة|الخبر|الموضوع|المنشور|الصفحة)|(?:عبر|على) {_SOCIAL})",
        12,
    ),
    _rule(r"^(?:مشاركة|شارك|شاركوا)(?: المقال| الخبر| عبر| على)?\s*:?$", 3),
    _rule(r"^(?:share (?:this|on|via)|partager (?:sur|cet))\b", 10),
    # «تابعونا على فيسبوك…», «انضموا إلى قناتنا على تيليغرام», «حمّلوا تطبيقنا».
    # («تابعنا» alone is also "we followed", so it needs a network after it.)
    _rule(r"^تابعونا\b", 25),
    _rule(rf"^تابعنا (?:على|عبر|في) .{{0,40}}{_SOCIAL}", 25),
    _rule(rf"^(?:تابعوا|تابع) .{{0,30}}{_OURS}", 25),
    _rule(rf"^(?:انضموا|انضمي|اشتركوا|اشتركي) .{{0,30}}{_SOCIAL}", 25),
    _rule(r"^(?:انضم|اشترك) (?:إلينا|معنا|في قناتنا|إلى قناتنا|بقناتنا)", 25),
    _rule(r"^(?:حملوا|حملي|نزلوا|نزل|حمل) (?:تطبيقنا|تطبيق الموقع|التطبيق)", 15),
    _rule(r"^(?:follow us|suivez nous|suivez-nous)\b", 20),
    # Newsletter prompts.
    _rule(r"^(?:اشترك|اشتركوا|اشتركي|سجل|سجلوا) .{0,20}(?:النشرة|نشرتنا|القائمة البريدية)", 25),
    _rule(r"^(?:subscribe|sign up) .{0,30}newsletter", 25),
    # Comment policies and comment-form leftovers.
    _rule(
        r"التعليقات (?:المنشورة |الواردة )?(?:تعبر|لا تعبر|تمثل|لا تمثل) (?:عن )?(?:رأي|آراء)", 45
    ),
    _rule(r"^(?:أضف|إضافة|اكتب|اترك|أرسل|شارك) (?:تعليقك|تعليقا|تعليق|رأيك)\b", 10),
    _rule(r"^(?:التعليقات|تعليقات|عدد التعليقات|لا توجد تعليقات)(?: \d+)?\s*:?$", 5),
    _rule(r"^(?:comments?|leave a (?:comment|reply)|add a comment)(?: \d+)?\s*:?$", 5),
    # «الوسوم: …», «كلمات مفتاحية: …»: tag lines (the label needs its colon).
    _rule(
        r"^(?:الوسوم|وسوم|الكلمات المفتاحية|كلمات مفتاحية|الكلمات الدالة|كلمات دلالية|"
        r"الكلمات الدلالية|هاشتاغ|tags|mots clés|mots-clés)\s*:",
        30,
    ),
    # «جميع الحقوق محفوظة ©…»: copyright footers.
    _rule(r"(?:جميع|كل) الحقوق محفوظة|حقوق (?:النشر|الطبع) محفوظة", 30),
    _rule(r"all rights reserved|tous droits réservés|^©|© ?\d{4}", 25),
    # Cookie banners.
    _rule(r"(?:نستخدم|يستخدم (?:هذا )?الموقع) (?:ملفات )?(?:تعريف الارتباط|الكوكيز|كوكيز)", 45),
    _rule(r"we use cookies|this (?:web)?site uses cookies", 45),
    # Advertising labels left in the flow of text.
    _rule(r"^(?:إعلان|اعلان|محتوى ممول|مساحة إعلانية|advertisement|publicité|sponsored)\s*:?$", 3),
    # «اضغط هنا للمزيد», «click here»: calls to action.
    _rule(r"^(?:اضغط|انقر|اضغطوا) هنا\b|^(?:للمزيد|لمزيد من) .{0,30}(?:اضغط|انقر) هنا", 15),
    _rule(r"^click here\b", 12),
    # A bare «المصدر:» label whose value was a logo or a link the extractor dropped.
    # «المصدر: وكالة الأنباء» is attribution, part of the article, and is kept.
    _rule(r"^(?:المصدر|source)\s*:?$", 2),
    # Breadcrumbs: «الرئيسية » اقتصاد».
    _rule(r"^(?:الرئيسية|home|accueil)\s*[»›>|/]", 12),
)


_LONGEST_RULE = max(rule.max_words for rule in RULES)


def match_rule(line: str) -> Rule | None:
    """The first rule that applies to ``line``, or None for article text."""
    count = len(line.split())
    if count == 0 or count > _LONGEST_RULE:  # most paragraphs: no folding needed
        return None
    folded = fold(line)
    for rule in RULES:
        if count <= rule.max_words and rule.pattern.search(folded):
            return rule
    return None


def is_boilerplate(line: str) -> bool:
    return match_rule(line) is not None


def link_key(text: str) -> str:
    """Comparison form of a link text (see ``link_texts`` in :func:`filter_paragraphs`).

    Link texts and extracted lines come from the same page, so no spelling folding is
    needed (and this runs for every link of the page, so it must be cheap). Spaces and
    punctuation are dropped because they can differ where a link holds several elements.
    """
    return _NON_WORD.sub("", text).casefold()


def looks_like_link_title(line: str, link_texts: Collection[str] | None = None) -> bool:
    """A line that could be one entry of a related-links list."""
    if link_texts is not None:
        return link_key(line) in link_texts
    count = len(words(line))
    return 0 < count <= LINK_TITLE_MAX_WORDS and not _SENTENCE_END.search(line)


def is_labelled_link(line: str, link_texts: Collection[str] | None) -> bool:
    """«شاهد: <رابط>», «Lire aussi : <lien>»: a short label, a colon, then a whole link.

    Catches «read also» lines in wordings no rule lists. A source credit («المصدر: …») is
    attribution, not a related link, and is kept.
    """
    if not link_texts:
        return False
    label, colon, rest = line.partition(":")
    if not colon or not rest.strip() or len(label.split()) > LABEL_MAX_WORDS:
        return False
    if _SOURCE_LABEL.match(fold(label)):
        return False
    return link_key(rest) in link_texts


def _poll_line(line: str) -> bool:
    """A poll's question («هل تؤيد …؟») or one of its answer or button lines."""
    count = len(words(line))
    if 0 < count <= POLL_QUESTION_WORDS and line.rstrip().endswith(("؟", "?")):
        return True
    return 0 < count <= POLL_ANSWER_WORDS and not _SENTENCE_END.search(line)


def _is_furniture(line: str, link_texts: Collection[str] | None) -> bool:
    is_link = (lambda text: link_key(text) in link_texts) if link_texts else None
    return furniture_kind(line, is_link) is not None


def filter_paragraphs(
    paragraphs: Sequence[str], *, link_texts: Collection[str] | None = None
) -> list[str]:
    """Remove boilerplate lines (and link lists after cut markers) from an article body.

    Args:
        paragraphs: the body, one paragraph or line per item, in order.
        link_texts: ``link_key`` forms of the page's link texts, when the body comes from a
            web page; without them a link list is recognised by its short lines.

    Returns:
        The paragraphs that are article text, in their original order and spelling.
    """
    kept: list[str] = []
    index = 0
    while index < len(paragraphs):
        line = paragraphs[index]
        index += 1
        rule = match_rule(line)
        if rule is None:
            if not is_labelled_link(line, link_texts) and not _is_furniture(line, link_texts):
                kept.append(line)
            continue
        if rule.action is Action.POLL:
            removed = 0
            while (
                index < len(paragraphs)
                and removed < POLL_MAX_LINES
                and _poll_line(paragraphs[index])
            ):
                index += 1
                removed += 1
        elif rule.action is Action.CUT:
            removed = 0
            while (
                index < len(paragraphs)
                and removed < CUT_MAX_LINES
                and looks_like_link_title(paragraphs[index], link_texts)
                and match_rule(paragraphs[index]) is None
            ):
                index += 1
                removed += 1
    return _drop_link_runs(_drop_trailing_links(kept, link_texts), link_texts)


def _drop_link_runs(paragraphs: list[str], link_texts: Collection[str] | None) -> list[str]:
    """Drop runs of two or more consecutive lines that are each a whole link: a related
    list inserted in the body whose label the extractor did not keep."""
    if not link_texts:
        return paragraphs
    linked = [looks_like_link_title(line, link_texts) for line in paragraphs]
    kept: list[str] = []
    for index, line in enumerate(paragraphs):
        in_run = linked[index] and (
            (index > 0 and linked[index - 1])
            or (index + 1 < len(paragraphs) and linked[index + 1])
        )
        if not in_run:
            kept.append(line)
    return kept


def _drop_trailing_links(paragraphs: list[str], link_texts: Collection[str] | None) -> list[str]:
    """Drop an unlabelled related list closing the body: two or more linked headlines in a
    row, or two or more (linked headline, short unlinked summary) pairs."""
    if not link_texts:
        return paragraphs

    def linked(index: int) -> bool:
        return looks_like_link_title(paragraphs[index], link_texts)

    start = len(paragraphs)
    while start > 0 and linked(start - 1):
        start -= 1
    if len(paragraphs) - start >= 2:
        return paragraphs[:start]
    start, pairs = len(paragraphs), 0
    while (
        start >= 2
        and linked(start - 2)
        and not linked(start - 1)
        and len(words(paragraphs[start - 1])) <= TEASER_MAX_WORDS
    ):
        start -= 2
        pairs += 1
    return paragraphs[:start] if pairs >= 2 else paragraphs
