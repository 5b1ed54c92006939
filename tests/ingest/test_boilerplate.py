"""Arabic boilerplate filter: markers in every spelling, link lists, and real text kept."""

from __future__ import annotations

import pytest

from bot.ingest.boilerplate import Action, filter_paragraphs, link_key, match_rule

P1 = (
    "أعلنت وزارة الفلاحة عن برنامج جديد لدعم صغار الفلاحين المتضررين من الجفاف، يشمل"
    " توزيع الأعلاف المدعمة وتأجيل سداد القروض الموسمية إلى غاية نهاية السنة المقبلة."
)
P2 = (
    "وأوضح بلاغ للوزارة أن البرنامج يستهدف أكثر من مئة ألف أسرة قروية في الجهات الأكثر"
    " تضرراً، وأن لجاناً إقليمية ستتولى إحصاء المستفيدين خلال الأسابيع المقبلة."
)
P3 = "ويأتي هذا الإعلان بعد موسم فلاحي صعب تراجع فيه محصول الحبوب إلى أدنى مستوى منذ عقد."
RELATED = [
    "نسبة ملء السدود ترتفع بعد التساقطات الأخيرة",
    "خطة استعجالية لتأمين الماء الصالح للشرب في العالم القروي",
]


@pytest.mark.parametrize(
    "marker",
    [
        "إقرأ أيضا",
        "إقرأ أيضا…",
        "اقرأ أيضاً:",
        "إقرأ أيضًا...",
        "اقـــرأ أيـضـاً",
        "إقرأ ايضا :",
        "واقرأ أيضا",
        "اقرأ كذلك",
        "طالع أيضا",
        "مقالات ذات صلة",
        "أخبار ذات صلة:",
        "مواضيع متعلقة",
        "الأكثر قراءة",
        "الأكثر مشاهدة",
        "قد يهمك أيضا",
        "اخترنا لك",
        "Read also:",
        "Lire aussi",
    ],
)
def test_cut_markers_in_every_spelling(marker: str) -> None:
    rule = match_rule(marker)
    assert rule is not None and rule.action is Action.CUT


@pytest.mark.parametrize(
    "line",
    [
        "يمكنكم مشاركة المقال على منصتكم المفضلة",
        "يمكنك مشاركة هذا الخبر عبر",
        "شارك المقال",
        "شاركوا المقال عبر فيسبوك وواتساب",
        "شارك على فيسبوك",
        "تابعونا على فيسبوك وإنستغرام لمتابعة آخر الأخبار",
        "تابعوا آخر الأخبار عبر قناتنا على تيليغرام",
        "انضموا إلى قناتنا على واتساب",
        "حملوا تطبيق الموقع على هواتفكم",
        "اشترك في النشرة البريدية لتصلك أهم الأخبار",
        "تنويه: التعليقات تعبر عن رأي أصحابها ولا تعكس بالضرورة رأي الموقع.",
        "التعليقات المنشورة لا تعبر عن رأي الجريدة",
        "أضف تعليقك",
        "التعليقات (3)",
        "الوسوم: الماء أكادير الطاقة الشمسية",
        "كلمات مفتاحية: انتخابات، برلمان",
        "جميع الحقوق محفوظة © 2026 أخبار الساحل",
        "© 2026 جريدة الشمال",
        "إعلان",
        "المصدر:",
        "الرئيسية » اقتصاد",
        "نستخدم ملفات تعريف الارتباط لتحسين تجربتك",
        "All rights reserved.",
    ],
)
def test_boilerplate_lines_are_dropped(line: str) -> None:
    rule = match_rule(line)
    assert rule is not None and rule.action is Action.DROP


@pytest.mark.parametrize(
    "line",
    [
        P1,
        "المصدر: وكالة المغرب العربي للأنباء",  # attribution is part of the article
        "شارك هذا العام أكثر من ألف عداء في ماراثون الرباط الدولي.",
        "تابعنا الوضع عن كثب منذ الساعات الأولى للفيضانات.",
        "انضم المغرب إلى الاتفاقية الدولية لحماية المحيطات العام الماضي.",
        "وقالت الوزيرة إن التعليقات الواردة على مشروع القانون ستدرس بعناية.",
        "تابع ملايين المشاهدين المباراة عبر القنوات الرياضية.",
        "اقرأ الخبر كاملاً في عددنا الورقي",  # not the «read also» phrase
    ],
)
def test_article_text_is_kept(line: str) -> None:
    assert match_rule(line) is None


def test_read_also_at_the_end_removes_the_link_list() -> None:
    body = [P1, P2, "إقرأ أيضا…", *RELATED, "يمكنكم مشاركة المقال على منصتكم المفضلة"]
    assert filter_paragraphs(body) == [P1, P2]


def test_read_also_in_the_middle_keeps_the_following_paragraph() -> None:
    body = [P1, "اقرأ أيضاً:", RELATED[0], P2, P3]
    assert filter_paragraphs(body) == [P1, P2, P3]


def test_inline_read_also_line_followed_by_a_real_paragraph() -> None:
    body = [P1, f"اقرأ أيضاً: {RELATED[0]}", P2, P3]
    assert filter_paragraphs(body) == [P1, P2, P3]


def test_marker_followed_by_a_sentence_ending_line_stops_the_cut() -> None:
    short_sentence = "وأكد المسؤول أن العملية ستنطلق الأسبوع المقبل."
    body = [P1, "إقرأ أيضا", short_sentence, P2]
    assert filter_paragraphs(body) == [P1, short_sentence, P2]


def test_with_page_links_only_linked_lines_are_cut() -> None:
    links = {link_key(title) for title in RELATED}
    unlinked_heading = "ردود فعل الفلاحين"  # short, but not a link: a real subheading
    body = [P1, "اقرأ أيضاً", RELATED[0], unlinked_heading, P2]
    assert filter_paragraphs(body, link_texts=links) == [P1, unlinked_heading, P2]


def test_unlabelled_related_list_at_the_end_is_dropped_when_links_are_known() -> None:
    links = {link_key(title) for title in RELATED}
    summaries = ["تفاصيل الخطة في المناطق الجبلية", "الحكومة ترصد ميزانية إضافية للقرى"]
    teasers = [RELATED[0], summaries[0], RELATED[1], summaries[1]]
    assert filter_paragraphs([P1, P2, *teasers], link_texts=links) == [P1, P2]
    assert filter_paragraphs([P1, P2, *RELATED], link_texts=links) == [P1, P2]


def test_a_short_last_paragraph_after_links_is_not_taken_for_a_teaser() -> None:
    links = {link_key(title) for title in RELATED}
    last = "ولم يصدر أي تعليق رسمي من الوزارة حتى الآن."
    assert filter_paragraphs([P1, P2, *RELATED, last], link_texts=links) == [P1, P2, last]


def test_a_single_trailing_link_is_kept() -> None:
    links = {link_key(RELATED[0])}
    assert filter_paragraphs([P1, P2, RELATED[0]], link_texts=links) == [P1, P2, RELATED[0]]


def test_link_key_ignores_spacing_and_punctuation() -> None:
    assert link_key("نسبة ملء السدود  ترتفع!") == link_key("نسبة ملء السدود ترتفع")


def test_a_run_of_linked_lines_inside_the_body_is_dropped() -> None:
    links = {link_key(title) for title in RELATED}
    body = [P1, RELATED[0], RELATED[1], P2]
    assert filter_paragraphs(body, link_texts=links) == [P1, P2]


def test_a_single_linked_line_inside_the_body_is_kept() -> None:
    links = {link_key(RELATED[0])}
    body = [P1, RELATED[0], P2]
    assert filter_paragraphs(body, link_texts=links) == body


def test_label_then_link_lines_are_dropped_whatever_the_label() -> None:
    links = {link_key(title) for title in RELATED}
    body = [P1, f"شاهد: {RELATED[0]}", P2, f"Lire aussi : {RELATED[1]}", P3]
    assert filter_paragraphs(body, link_texts=links) == [P1, P2, P3]


def test_source_credit_with_a_link_is_kept() -> None:
    agency = "وكالة المغرب العربي للأنباء"
    line = f"المصدر: {agency}"
    assert filter_paragraphs([P1, line], link_texts={link_key(agency)}) == [P1, line]


# ------------------------------------------------------------------ polls and page furniture


@pytest.mark.parametrize(
    "poll",
    [
        ["استطلاع الرأي", "هل تؤيد منع الطاولات الموسمية على الشواطئ؟", "نعم لا النتائج"],
        ["استطلاع الرأي: هل أنت راض عن خدمات توزيع الماء في مدينتك؟", "نعم", "لا", "بدون رأي"],
        ["صوت معنا", "من سيفوز بلقب البطولة هذا الموسم؟", "الجيش الملكي", "الرجاء الرياضي"],
        ["شارك في الاستطلاع", "هل تؤيد فرض رسوم على المواقف؟", "نعم لا", "تصويت"],
    ],
)
def test_a_poll_goes_with_its_question_and_answers(poll: list[str]) -> None:
    assert filter_paragraphs([P1, P2, *poll, P3]) == [P1, P2, P3]


def test_news_about_a_poll_is_kept() -> None:
    line = "استطلاع للرأي يكشف أن ستين في المئة من الشباب يفضلون العمل في القطاع الخاص."
    assert filter_paragraphs([line, P1]) == [line, P1]


def test_page_furniture_lines_are_dropped() -> None:
    body = [
        "الرئيسية | سياسة | اقتصاد | جهات | رياضة | ثقافة",
        "الأحد 15 مارس 2026 - 22:40 | آخر تحديث: 23:05",
        "كتب: أحمد عبد الرحمن",
        "عدد القراءات: 2318",
        "طباعة | أرسل لصديق | حجم الخط",
        P1,
        P2,
        "طباعة المقال | أرسل المقال لصديق",
    ]
    assert filter_paragraphs(body) == [P1, P2]


def test_a_short_menu_line_is_dropped_when_its_items_are_links() -> None:
    menu = "من نحن | للإعلان | اتصل بنا"
    links = {link_key(item) for item in ("من نحن", "للإعلان", "اتصل بنا")}
    assert filter_paragraphs([P1, menu]) == [P1, menu]  # without links: could be text
    assert filter_paragraphs([P1, menu], link_texts=links) == [P1]
