"""Lines of page furniture: datelines, bylines, counters, tools and menus — and real text
that only looks like them."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.ingest.furniture import (
    Furniture,
    byline_author,
    byline_name,
    dateline_date,
    furniture_kind,
    parse_date,
)


@pytest.mark.parametrize(
    ("line", "kind"),
    [
        ("الأربعاء 11 مارس 2026", Furniture.DATELINE),
        ("فاس: عبد اللطيف الحجوي | 11/03/2026 - 10:45", Furniture.DATELINE),
        ("نشر في: الخميس 12 مارس 2026 الساعة 09:20 م", Furniture.DATELINE),
        ("تاريخ النشر: 2026/03/09 | آخر تحديث: 2026/03/09 01:15 م", Furniture.DATELINE),
        ("آخر تحديث: 10:32 | الإثنين 09 آذار 2026 شوهد 845 مرة", Furniture.DATELINE),
        ("الجمعة 8 فيفري 2019", Furniture.DATELINE),
        ("السبت 14 شتنبر 2024 - 18:05", Furniture.DATELINE),
        ("منذ 3 ساعات", Furniture.DATELINE),
        ("Monday, November 18, 2019", Furniture.DATELINE),
        ("كتب: أحمد عبد الرحمن", Furniture.BYLINE),
        ("كتب محمد العنزي:", Furniture.BYLINE),
        ("بقلم: ليلى الإدريسي", Furniture.BYLINE),
        ("عدد القراءات: 2318", Furniture.COUNTER),
        ("قرئ 3120 مرة", Furniture.COUNTER),
        ("التعليقات (0)", Furniture.COUNTER),
        ("أنت الزائر رقم 0412987", Furniture.COUNTER),
        ("عدد التعليقات: 14 | نسخة للطباعة | إرسال بالبريد", Furniture.COUNTER),
        ("طباعة أرسل لصديق حجم الخط: + -", Furniture.TOOLS),
        ("حجم الخط أ+ أ- | إرسال | طباعة | حفظ", Furniture.TOOLS),
        ("طباعة المقال | أرسل المقال لصديق", Furniture.TOOLS),
        ("شارك: فيسبوك تويتر واتساب", Furniture.TOOLS),
        ("الرئيسية | سياسة | اقتصاد | جهات | رياضة | ثقافة وفنون", Furniture.MENU),
        ("الرئيسية :: أخبار مصر :: عربي ودولي :: اقتصاد", Furniture.MENU),
    ],
)
def test_furniture_lines(line: str, kind: Furniture) -> None:
    assert furniture_kind(line) is kind


@pytest.mark.parametrize(
    "line",
    [
        # Sentences that contain a date, a counter word or a tool word are text.
        "وفي 12 مارس 2026 أعلنت الحكومة عن خطة جديدة لدعم الفلاحين.",
        "قرئ البلاغ في افتتاح الدورة أمام 300 مشارك من مختلف الجهات.",
        "كتب الشاعر قصيدته الأولى في سن الخامسة عشرة، ونشرها في جريدة محلية.",
        "شكاوى السكان",  # a crosshead
        "الترتيب\tالفريق\tلعب\tالنقاط",  # a row of a table in the story
        "1\tالجيش الملكي\t22\t46",
        "طباعة الكتب المدرسية تتأخر في عدة أكاديميات",  # a headline about printing
        "الرباط | الدار البيضاء",  # two places, not a menu
    ],
)
def test_text_is_not_furniture(line: str) -> None:
    assert furniture_kind(line) is None


def test_a_three_item_menu_needs_its_links() -> None:
    line = "عن البوابة | أعلن معنا | سياسة الخصوصية"
    links = {"عن البوابة", "أعلن معنا", "سياسة الخصوصية"}
    assert furniture_kind(line) is None
    assert furniture_kind(line, links.__contains__) is Furniture.MENU


@pytest.mark.parametrize(
    ("text", "date"),
    [
        ("الأحد 15 مارس 2026 - 22:40", dt.date(2026, 3, 15)),
        ("الإثنين 09 آذار 2026", dt.date(2026, 3, 9)),
        ("الإثنين 9 تشرين الثاني 2026", dt.date(2026, 11, 9)),
        ("الجمعة 8 فيفري 2019", dt.date(2019, 2, 8)),
        ("5 يوليوز 2025", dt.date(2025, 7, 5)),
        ("١٤ أبريل ٢٠٢٦", dt.date(2026, 4, 14)),
        ("11/03/2026 - 10:45", dt.date(2026, 3, 11)),
        ("2026/03/09 01:15 م", dt.date(2026, 3, 9)),
        ("03/25/2026", dt.date(2026, 3, 25)),  # month first: the day cannot be 25th month
        ("August 08, 2018", dt.date(2018, 8, 8)),
        ("31/02/2026", None),
        ("مارس 2026", None),  # no day: not a date of publication
    ],
)
def test_parse_date(text: str, date: dt.date | None) -> None:
    assert parse_date(text) == date


def test_the_dateline_closest_to_the_article_is_its_date() -> None:
    head = [
        "الإثنين 16 مارس 2026",  # the page header's «today»
        "سياسة",
        "مجلس المستشارين يصادق على قانون الإضراب",
        "الرباط: ياسين الورديغي | 11/03/2026 - 10:45",
    ]
    assert dateline_date(head) == dt.date(2026, 3, 11)
    assert dateline_date(head[:3]) == dt.date(2026, 3, 16)
    assert dateline_date(head[1:3]) is None


def test_byline() -> None:
    assert byline_name("كتب: أحمد عبد الرحمن") == "أحمد عبد الرحمن"
    assert byline_name("كتب محمد العنزي:") == "محمد العنزي"
    assert byline_name("بقلم: ليلى الإدريسي | 12/03/2026") == "ليلى الإدريسي"
    assert byline_name("كتب الشاعر قصيدته الأولى في سن الخامسة عشرة.") is None
    assert byline_author(["سياسة", "كتب: أحمد عبد الرحمن", "نشر في: 12 مارس 2026"]) == (
        "أحمد عبد الرحمن"
    )
