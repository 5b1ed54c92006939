"""Entry points: URL, HTML file, pasted text, lead image."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.errors import EmptyTextError, FileEncodingError, HTTPStatusError, NotAnArticleError
from bot.ingest.fetch import FetchConfig, Fetcher
from bot.ingest.sources import (
    article_from_html_file,
    article_from_text,
    article_from_url,
    fetch_lead_image,
    looks_like_url,
)
from bot.models import Article
from devtools.pages import PageServer

FIXTURES = Path(__file__).resolve().parent / "fixtures"
LOCAL = FetchConfig(allow_private_hosts=True)
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32

PARAGRAPH_1 = (
    "افتتحت السلطات المحلية بمدينة سلا سوقاً نموذجياً يضم مئتي محل مجهز لفائدة الباعة"
    " المتجولين الذين كانوا يعرضون سلعهم على الأرصفة."
)
PARAGRAPH_2 = (
    "وقال ممثل الباعة إن السوق الجديد سيوفر لهم ظروف عمل أفضل ويحميهم من الحجز المتكرر لبضائعهم."
)
PASTED = "\n".join(
    [
        "افتتاح سوق نموذجي للباعة المتجولين في سلا",
        PARAGRAPH_1,
        "",
        PARAGRAPH_2,
        "إقرأ أيضا…",
        "تأهيل المدينة العتيقة بسلا",
        "يمكنكم مشاركة المقال على منصتكم المفضلة",
        "https://sala-news.ma/souk.html?utm_source=telegram",
    ]
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("https://site.ma/a.html", True),
        ("  http://site.ma  ", True),
        ("www.site.ma/news/1", True),
        ("HTTPS://SITE.MA/", True),
        ("article.html", False),
        ("ftp://site.ma/a", False),
        ("https://site.ma/a b", False),
        ("افتتاح سوق نموذجي", False),
        ("-", False),
    ],
)
def test_looks_like_url(text: str, expected: bool) -> None:
    assert looks_like_url(text) is expected


async def test_article_from_url(page_server: PageServer, sample_html: str) -> None:
    url = (
        page_server.add("/economie/desalination.html", body=sample_html.encode()) + "?utm_source=x"
    )
    async with Fetcher(LOCAL) as fetcher:
        article = await article_from_url(url, fetcher)
    assert article.title == "افتتاح أول محطة لتحلية مياه البحر بالطاقة الشمسية في أكادير"
    assert article.url == "https://akhbar-sahel.ma/economie/2026/03/desalination-agadir.html"
    assert article.source_url == url


async def test_article_from_url_windows_1256_page(page_server: PageServer) -> None:
    html = (
        (FIXTURES / "year-only.html")
        .read_text(encoding="utf-8")
        .replace('<meta charset="utf-8">', "")
    )
    url = page_server.add("/trees.html", body=html.encode("cp1256"), content_type="text/html")
    async with Fetcher(LOCAL) as fetcher:
        article = await article_from_url(url, fetcher)
    assert article.title == "حملة لغرس عشرة آلاف شجرة في ضواحي مكناس"
    assert "الخروب والبلوط" in article.text


async def test_article_from_url_passes_fetch_errors_on(page_server: PageServer) -> None:
    url = page_server.add("/gone", body=b"<html></html>", status=404)
    async with Fetcher(LOCAL) as fetcher:
        with pytest.raises(HTTPStatusError):
            await article_from_url(url, fetcher)


def test_html_file_utf8(tmp_path: Path, sample_html: str) -> None:
    path = tmp_path / "page.html"
    path.write_text(sample_html, encoding="utf-8")
    article = article_from_html_file(path)
    assert article.site_name == "أخبار الساحل"
    assert article.url == "https://akhbar-sahel.ma/economie/2026/03/desalination-agadir.html"


def test_html_file_with_its_own_charset_declaration(tmp_path: Path, sample_html: str) -> None:
    path = tmp_path / "page-1256.html"
    html = sample_html.replace('<meta charset="utf-8">', '<meta charset="windows-1256">')
    path.write_bytes(html.encode("cp1256", errors="replace"))
    article = article_from_html_file(path, url="https://akhbar-sahel.ma/x.html")
    assert "دخلت محطة جديدة لتحلية مياه البحر" in article.text


def test_html_file_not_utf8_and_undeclared(tmp_path: Path, sample_html: str) -> None:
    path = tmp_path / "page-1256.html"
    html = sample_html.replace('<meta charset="utf-8">', "")
    path.write_bytes(html.encode("cp1256", errors="replace"))
    with pytest.raises(FileEncodingError):
        article_from_html_file(path)


def test_html_file_declaring_utf8_but_not_utf8(tmp_path: Path, sample_html: str) -> None:
    path = tmp_path / "page.html"
    path.write_bytes(sample_html.encode("cp1256", errors="replace"))  # still says utf-8
    with pytest.raises(FileEncodingError):
        article_from_html_file(path)


def test_pasted_text_with_a_headline_line() -> None:
    article = article_from_text(PASTED)
    assert article.title == "افتتاح سوق نموذجي للباعة المتجولين في سلا"
    assert article.paragraphs == [PARAGRAPH_1, PARAGRAPH_2]
    assert article.url == "https://sala-news.ma/souk.html"
    assert article.language == "ar"


def test_pasted_text_without_a_headline_uses_the_first_sentence() -> None:
    text = (
        "افتتحت السلطات المحلية بمدينة سلا سوقاً نموذجياً يضم مئتي محل مجهز لفائدة الباعة"
        " المتجولين الذين كانوا يعرضون سلعهم على الأرصفة. وقال ممثل الباعة إن السوق سيحسن"
        " ظروف عملهم."
    )
    article = article_from_text(text)
    # The first sentence's first clause: a whole phrase, never cut with «…».
    assert article.title == (
        "افتتحت السلطات المحلية بمدينة سلا سوقاً نموذجياً يضم مئتي محل مجهز لفائدة الباعة المتجولين"
    )
    assert article.text == text


def test_hard_wrapped_pasted_text_is_joined_back() -> None:
    # Copied from a newspaper archive: lines cut at a fixed width, no headline line.
    text = (
        "أعلنت المديرية الجهوية للصحة بجهة سوس ماسة عن تسجيل 12 إصابة جديدة بالحصبة\n"
        "في صفوف تلاميذ مدرستين بمدينة إنزكان، ما يرفع عدد الحالات المسجلة منذ بداية\n"
        "السنة إلى 46 حالة. وأوضحت المديرية في بلاغ لها أن حملة استدراكية للتلقيح\n"
        "انطلقت صباح اليوم في المؤسسات التعليمية بالإقليم وستستمر أسبوعين كاملين\n"
        "تحت إشراف أطر طبية وتمريضية من المستشفى الإقليمي ومراكز الصحة القريبة.\n"
    )
    article = article_from_text(text)
    assert article.title == (
        "أعلنت المديرية الجهوية للصحة بجهة سوس ماسة عن تسجيل 12 إصابة جديدة بالحصبة"
    )
    assert article.paragraphs == [" ".join(text.split())]


def test_pasted_first_line_ending_with_a_full_stop_is_not_a_headline() -> None:
    first = "أعلنت البلدية إغلاق الشارع الرئيسي أمام السيارات طيلة الصيف."
    rest = "وسيخصص الشارع للراجلين والدراجات، مع تنظيم عروض فنية في نهاية كل أسبوع لفائدة الأسر."
    article = article_from_text(f"{first}\n{rest}")
    assert article.title == first.rstrip(".")
    assert article.paragraphs == [first, rest]


def test_english_pasted_text() -> None:
    text = (
        "Library opens\nThe town opened its first public library in decades on Saturday"
        " after years of fundraising by residents."
    )
    article = article_from_text(text)
    assert article.language == "en" and article.title == "Library opens"


@pytest.mark.parametrize("text", ["", "   \n\t", "🎉🎉🔥", "!!! ... ???", "12345 678"])
def test_empty_text(text: str) -> None:
    with pytest.raises(EmptyTextError):
        article_from_text(text)


def test_too_short_text() -> None:
    with pytest.raises(NotAnArticleError) as info:
        article_from_text("افتتاح سوق نموذجي في سلا")
    assert "قصير" in info.value.message_ar


async def test_lead_image(page_server: PageServer) -> None:
    url = page_server.add("/lead.png", body=PNG, content_type="image/png")
    async with Fetcher(LOCAL) as fetcher:
        image = await fetch_lead_image(Article(title="t", text="x", image_url=url), fetcher)
    assert image.data == PNG and image.problem == ""


@pytest.mark.parametrize(
    ("path", "route"),
    [
        ("/missing.png", {"status": 404, "body": b"no"}),
        ("/page.png", {"body": b"<html></html>", "content_type": "text/html"}),
        ("/big.png", {"body": PNG + b"\x00" * 4096, "content_type": "image/png"}),
    ],
)
async def test_lead_image_failures_give_none(
    page_server: PageServer, path: str, route: dict[str, object]
) -> None:
    url = page_server.add(path, **route)
    async with Fetcher(LOCAL) as fetcher:
        article = Article(title="t", text="x", image_url=url)
        image = await fetch_lead_image(article, fetcher, max_bytes=1024)
    assert image.data is None and image.problem.startswith("the lead image could not be")


async def test_lead_image_blocked_or_absent_gives_none() -> None:
    async with Fetcher(FetchConfig()) as fetcher:
        absent = await fetch_lead_image(Article(title="t", text="x"), fetcher)
        blocked = Article(title="t", text="x", image_url="http://169.254.169.254/latest/x.png")
        refused = await fetch_lead_image(blocked, fetcher)
    assert absent.data is None and "no lead image" in absent.problem
    assert refused.data is None and "private or internal" in refused.problem
