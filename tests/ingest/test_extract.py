"""Article extraction on the bundled sample and on tricky pages of our own."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest
import trafilatura
from lxml.html import document_fromstring

from bot.errors import NotAnArticleError
from bot.ingest.extract import MIN_ARTICLE_WORDS, extract_article
from bot.ingest.pagehead import printed_headline, site_from_title
from bot.ingest.pagemeta import clean_title
from bot.ingest.prune import prune_page
from bot.ingest.sources import article_from_html_file
from devtools.heavy_pages import heavy_pages, warmup_page

FIXTURES = Path(__file__).resolve().parent / "fixtures"
ROOT = Path(__file__).resolve().parents[2]
SAMPLE_URL = "https://akhbar-sahel.ma/economie/2026/03/desalination-agadir.html?utm_source=tg#x"


def fixture(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def trafilatura_words(html: str) -> int:
    document = trafilatura.bare_extraction(html, include_comments=False)
    return len(document.text.split()) if document else 0


# ------------------------------------------------------------------ the bundled sample


def test_sample_metadata(sample_html: str) -> None:
    article = extract_article(sample_html, SAMPLE_URL)
    assert article.title == "افتتاح أول محطة لتحلية مياه البحر بالطاقة الشمسية في أكادير"
    assert article.url == "https://akhbar-sahel.ma/economie/2026/03/desalination-agadir.html"
    assert article.source_url == SAMPLE_URL
    assert article.published == dt.date(2026, 3, 14)
    assert article.image_url == "https://akhbar-sahel.ma/media/2026/03/agadir-station.jpg"
    assert article.author == "سلمى بنعيسى"
    assert article.site_name == "أخبار الساحل"
    assert article.section == "اقتصاد"
    assert article.language == "ar"


def test_sample_body_has_the_article_and_nothing_else(sample_html: str) -> None:
    article = extract_article(sample_html, SAMPLE_URL)
    paragraphs = article.paragraphs
    assert len(paragraphs) == 7
    assert paragraphs[0].startswith("دخلت محطة جديدة لتحلية مياه البحر")
    assert "2.4 مليار درهم" in article.text
    assert paragraphs[-1].startswith("وتندرج هذه المحطة ضمن برنامج وطني")
    assert article.text == "\n\n".join(paragraphs)
    assert article.title not in article.text
    for unwanted in (
        "إقرأ أيضا",
        "يمكنكم مشاركة",
        "تابعونا",
        "التعليقات تعبر",
        "الأكثر قراءة",
        "جميع الحقوق",
        "الوسوم",
        "أضف تعليقك",
        "نتمنى أن تنخفض فاتورة الماء",  # a reader's comment
        "مواطن من إنزكان",
        "الرئيسية",  # navigation
        "سياسة الخصوصية",
        "عاجل: انطلاق موسم الحصاد",
        "نسبة ملء السدود ترتفع",  # the related links' titles
        "خطة استعجالية لتأمين الماء",
        "فلاحو سوس يطالبون",
        "المنتخب يتأهل إلى نصف النهائي",
        "منظر عام للمحطة",  # the photo caption
    ):
        assert unwanted not in article.text, unwanted


def test_sample_without_url_uses_the_canonical_link(sample_html: str) -> None:
    article = extract_article(sample_html)
    assert article.url == "https://akhbar-sahel.ma/economie/2026/03/desalination-agadir.html"
    assert article.source_url is None


# ------------------------------------------------------------------ tricky pages


def test_inline_read_also_keeps_the_paragraph_after_it() -> None:
    article = extract_article(fixture("inline-read-also.html"), "https://shamal-news.ma/x")
    text = article.text
    assert "اقرأ أيضاً" not in text
    assert "جائزة الرواية المغاربية" not in text
    assert "وقال مدير المعرض في تصريح للجريدة" in text  # the paragraph right after the box
    assert "قرب الميناء المتوسطي" in text
    assert len(article.paragraphs) == 5
    assert "شاركوا المقال" not in text and "الوسوم" not in text
    assert article.title == "معرض طنجة للكتاب يستقبل أكثر من مئتي ألف زائر"
    # og:url (no rel=canonical on this page), normalised; relative og:image resolved.
    assert article.url == "https://shamal-news.ma/culture/2026/04/tanger-livre.html"
    assert article.image_url == "https://shamal-news.ma/media/2026/04/salon-livre.jpg"
    assert article.section == "ثقافة"
    assert article.published == dt.date(2026, 4, 20)


def test_navigation_only_page_is_not_an_article() -> None:
    with pytest.raises(NotAnArticleError):
        extract_article(fixture("nav-only.html"), "https://shamal-news.ma/")


def test_login_page_is_not_an_article() -> None:
    with pytest.raises(NotAnArticleError, match="login"):
        extract_article(fixture("login.html"), "https://shamal-news.ma/login")


def test_section_page_of_links_is_not_an_article() -> None:
    with pytest.raises(NotAnArticleError):
        extract_article(fixture("section-page.html"), "https://shamal-news.ma/economie")


@pytest.mark.parametrize("html", ["", "   \n", "<html><body></body></html>"])
def test_empty_pages(html: str) -> None:
    with pytest.raises(NotAnArticleError):
        extract_article(html)


def test_readability_takes_over_when_trafilatura_finds_too_little() -> None:
    html = fixture("aside-story.html")
    assert trafilatura_words(html) < MIN_ARTICLE_WORDS  # the premise of this test
    article = extract_article(html, "https://larache-news.ma/port.html")
    assert len(article.paragraphs) == 4
    assert article.paragraphs[0].startswith("استأنف ميناء الصيد البحري بمدينة العرائش")
    assert "إصلاح الشباك" in article.text
    assert article.title == "ميناء الصيد بالعرائش يستعيد نشاطه بعد أشغال التوسعة"


def test_article_split_across_containers_is_recovered() -> None:
    html = fixture("split-body.html")
    article = extract_article(html, "https://rail-news.ma/lgv.html")
    assert trafilatura_words(html) < 0.5 * len(article.text.split())  # trafilatura: 1 chunk
    assert len(article.paragraphs) == 9
    assert article.paragraphs[-1].startswith("وكان الخط فائق السرعة")
    assert "إعلان" not in article.text


def test_january_first_from_a_copyright_year_is_unknown() -> None:
    html = fixture("year-only.html")
    document = trafilatura.bare_extraction(html, with_metadata=True)
    assert document.date == "2025-01-01"  # the fallback this rule exists for
    assert extract_article(html, "https://meknes.ma/arbres.html").published is None


def test_january_first_stated_by_the_page_is_kept() -> None:
    article = extract_article(fixture("new-year.html"), "https://rabat.ma/nouvel-an.html")
    assert article.published == dt.date(2026, 1, 1)


def test_english_article() -> None:
    article = extract_article(fixture("english.html"), "https://harbour.example/news/x?y=1")
    assert article.language == "en"
    assert article.title == "Coastal town opens its first public library in decades"
    assert article.site_name == "Harbour Times"
    assert article.url == "https://harbour.example/news/2026/05/library-opens"
    assert "Read more" not in article.text and "Harbour repairs" not in article.text
    assert len(article.paragraphs) == 3


def test_home_page_canonical_is_ignored(sample_html: str) -> None:
    html = sample_html.replace(
        'href="https://akhbar-sahel.ma/economie/2026/03/desalination-agadir.html?utm_source=feed'
        '&amp;utm_medium=rss#top"',
        'href="https://akhbar-sahel.ma/"',
    )
    article = extract_article(html, SAMPLE_URL)
    assert article.url == "https://akhbar-sahel.ma/economie/2026/03/desalination-agadir.html"


@pytest.mark.parametrize(
    ("raw", "site", "expected"),
    [
        ("افتتاح محطة جديدة | أخبار الساحل", "أخبار الساحل", "افتتاح محطة جديدة"),
        ("أخبار الساحل - افتتاح محطة جديدة", "أخبار الساحل", "افتتاح محطة جديدة"),
        ("Town opens library - Harbour Times", "Harbour Times", "Town opens library"),
        ("خطة إنقاذ - وزارة الصحة تعلن التفاصيل", None, "خطة إنقاذ - وزارة الصحة تعلن التفاصيل"),
    ],
)
def test_clean_title(raw: str, site: str | None, expected: str) -> None:
    assert clean_title(raw, site_name=site) == expected


def test_title_tag_with_unknown_site_name() -> None:
    cleaned = clean_title("وزارة الصحة تعلن حملة تلقيح جديدة | صحة | بوابة", aggressive=True)
    assert cleaned == "وزارة الصحة تعلن حملة تلقيح جديدة"


# ------------------------------------------------------------------ old table-layout sites
#
# Pages built with nested tables, <font> and <br>: the story sits in one cell among menus,
# «الأكثر قراءة» tables, polls, counters, print/e-mail links and datelines. The expected body
# of each page is kept beside it (<name>.expected.txt): the article's paragraphs and nothing
# else.

TABLE_PAGES = {
    # name: (title, date, site name, author)
    "table-fes-water.html": (  # saved as windows-1256, like the site served it
        "انقطاع الماء الصالح للشرب عن أحياء بفاس لمدة 48 ساعة",
        dt.date(2026, 3, 11),
        "جريدة النهار الأطلسي",
        None,
    ),
    "table-cairo-tomatoes.html": (
        "ارتفاع أسعار الطماطم في سوق العبور بعد موجة الحر",
        dt.date(2026, 3, 12),  # «نشر في: الخميس 12 مارس 2026», not /uploads/2026/03/
        "بوابة النيل الإخبارية",
        "أحمد عبد الرحمن",
    ),
    "table-kuwait-cars.html": (
        "البلدية تبدأ حملة لرفع السيارات المهملة من المناطق السكنية",
        dt.date(2026, 3, 9),
        "صحيفة الخليج اليوم",
        "محمد العنزي",
    ),
    "table-rabat-football.html": (
        "الجيش الملكي ينتزع الصدارة بفوز ثمين على حسنية أكادير",
        dt.date(2026, 3, 15),
        "هدف سبور",
        None,
    ),
    "table-tripoli-souk.html": (
        "ترميم خان الخياطين في طرابلس يبدأ الشهر المقبل",
        dt.date(2026, 3, 9),  # «الإثنين 09 آذار 2026»
        "الشمال نيوز",
        None,
    ),
    "table-oran-seafront.html": (
        "وهران: انطلاق أشغال تهيئة الواجهة البحرية قبل صيف 2026",
        dt.date(2026, 3, 10),  # «الثلاثاء 10 مارس 2026», not the archive links of the 7th
        "الغرب الجزائري",
        None,  # the author <meta> only names the site
    ),
}


@pytest.mark.parametrize("name", sorted(TABLE_PAGES))
def test_table_layout_page_body_is_the_article_only(name: str) -> None:
    article = article_from_html_file(FIXTURES / name)
    expected = (FIXTURES / name.replace(".html", ".expected.txt")).read_text("utf-8").strip()
    assert article.text == expected


@pytest.mark.parametrize("name", sorted(TABLE_PAGES))
def test_table_layout_page_metadata(name: str) -> None:
    article = article_from_html_file(FIXTURES / name)
    title, published, site_name, author = TABLE_PAGES[name]
    assert (article.title, article.published, article.site_name, article.author) == (
        title,
        published,
        site_name,
        author,
    )
    assert article.language == "ar"


def test_table_layout_data_table_in_the_story_is_kept() -> None:
    article = article_from_html_file(FIXTURES / "table-rabat-football.html")
    assert "1\tالجيش الملكي\t22\t46" in article.paragraphs
    # The sidebar's table of today's scores is not part of the story.
    assert "الفتح الرياضي" not in article.text


def test_table_layout_page_without_pruning_keeps_its_furniture() -> None:
    # The premise of the tests above: trafilatura alone lets the menu, the poll and the
    # counters through on these pages.
    html = (FIXTURES / "table-oran-seafront.html").read_text("utf-8")
    plain = trafilatura.bare_extraction(html, include_comments=False).text
    assert all(part in plain for part in ("الرئيسية", "استطلاع الرأي", "قرئ 3120 مرة"))


# ------------------------------------------------------------------ the headline as printed

HEADLINE = "انقطاع الماء الصالح للشرب عن أحياء بفاس لمدة 48 ساعة"


@pytest.mark.parametrize(
    ("picked", "title_tag"),
    [
        ("جريدة النهار الأطلسي - جهات", f"جريدة النهار الأطلسي - جهات - {HEADLINE}"),
        ("جريدة النهار الأطلسي", f"جريدة النهار الأطلسي :: {HEADLINE}"),
        (f"جريدة النهار الأطلسي :: {HEADLINE}", f"جريدة النهار الأطلسي :: {HEADLINE}"),
        (f"{HEADLINE} | جهات", f"{HEADLINE} | جهات | جريدة النهار الأطلسي"),
    ],
)
def test_printed_piece_of_a_composite_title_is_the_headline(picked: str, title_tag: str) -> None:
    shown = ["جهات", HEADLINE.replace(" 48 ", "  48 "), "فاس: عبد اللطيف الحجوي | 11/03/2026"]
    assert printed_headline(picked, [picked, None, title_tag], shown) == HEADLINE


def test_a_printed_title_stays_and_an_unrelated_printed_line_does_not_replace_it() -> None:
    shown = [HEADLINE, "مقالات الرأي | آخر الأخبار المحلية اليوم"]
    assert printed_headline(HEADLINE, [f"{HEADLINE} - الموقع"], shown) is None
    other = "الوكالة تعلن أشغال صيانة في فاس"  # a clean title the page does not print as is
    assert printed_headline(other, [other, f"الموقع - {HEADLINE}"], shown) is None


def test_site_name_from_a_composite_title() -> None:
    assert site_from_title(f"الغرب الجزائري - {HEADLINE}", HEADLINE) == "الغرب الجزائري"
    assert site_from_title(f"{HEADLINE} - الغرب الجزائري", HEADLINE) == "الغرب الجزائري"
    assert site_from_title(f"الموقع - {HEADLINE} - جهات", HEADLINE) is None
    assert site_from_title(HEADLINE, HEADLINE) is None


# ------------------------------------------------------------------ heavy pages

HEAVY_PAGES = {page.name: page for page in [*heavy_pages(), warmup_page()]}


@pytest.mark.parametrize("name", sorted(HEAVY_PAGES))
def test_heavy_page_gives_its_story_and_nothing_else(name: str) -> None:
    page = HEAVY_PAGES[name]
    assert 300 <= page.size_kb <= 600  # the weight real sites serve
    article = extract_article(page.html, page.url)
    assert tuple(article.paragraphs) == page.paragraphs
    assert (article.title, article.site_name) == (page.title, page.site_name)


@pytest.mark.parametrize("name", sorted(HEAVY_PAGES))
def test_heavy_page_loses_most_of_its_elements_before_the_extractors(name: str) -> None:
    # What keeps extraction fast on heavy pages, as a count rather than a time: menus,
    # teaser grids, widgets, comment forms and scripts are gone before trafilatura runs.
    tree = document_fromstring(HEAVY_PAGES[name].html)
    report = prune_page(tree)
    assert report.elements_after < 0.4 * report.elements_before


def test_dates_are_read_without_dateparser() -> None:
    # dateparser's first call in a process costs over a second of CPU (locale tables); the
    # table-layout pages, whose only date is in the text, are where it used to be called.
    script = (
        "import sys\n"
        "from bot.ingest.sources import article_from_html_file\n"
        "from pathlib import Path\n"
        f"for path in sorted(Path({str(FIXTURES)!r}).glob('table-*.html')):\n"
        "    article_from_html_file(path)\n"
        "print('dateparser' in sys.modules)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert done.stdout.strip() == "False"
