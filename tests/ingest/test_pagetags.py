"""The publisher's own tags, read from every place a page puts them, and only the article's."""

from __future__ import annotations

import json
from pathlib import Path

from lxml.html import document_fromstring

from bot.ingest.extract import extract_article
from bot.ingest.pagemeta import read_page_meta
from bot.ingest.pagetags import MAX_TAGS, read_page_tags

SAMPLE = Path(__file__).resolve().parents[2] / "examples" / "sample-article.html"

BODY = (
    "<article><h1>الرباط تحتضن معرض الكتاب</h1>"
    "<p>افتتح في الرباط معرض الكتاب بمشاركة ناشرين من عشرات الدول العربية والأجنبية.</p>"
    "</article>"
)


def page(head: str = "", body: str = BODY) -> str:
    return f"<html><head><meta charset='utf-8'>{head}</head><body>{body}</body></html>"


def tags(html: str) -> tuple[str, ...]:
    return read_page_tags(document_fromstring(html))


def test_article_tag_metas_one_per_tag_in_order() -> None:
    head = (
        '<meta property="article:tag" content="معرض الكتاب">'
        '<meta property="article:tag" content="الرباط">'
        '<meta property="article:tag" content="  ثقافة ">'
    )
    assert tags(page(head)) == ("معرض الكتاب", "الرباط", "ثقافة")


def test_news_keywords_are_split_on_latin_and_arabic_commas() -> None:
    head = '<meta name="news_keywords" content="الرباط، معرض الكتاب, النشر؛ القراءة">'
    assert tags(page(head)) == ("الرباط", "معرض الكتاب", "النشر", "القراءة")


def test_json_ld_keywords_as_a_string_a_list_or_inside_a_graph() -> None:
    as_string = {"@type": "NewsArticle", "keywords": "الرباط, معرض الكتاب"}
    in_graph = {
        "@context": "https://schema.org",
        "@graph": [
            {"@type": "WebSite", "keywords": "أخبار، رياضة، اقتصاد"},  # the site's, not ours
            {"@type": ["Article", "NewsArticle"], "keywords": ["النشر", "الرباط"]},
        ],
    }
    for data, expected in (
        (as_string, ("الرباط", "معرض الكتاب")),
        (in_graph, ("النشر", "الرباط")),
    ):
        script = (
            f'<script type="application/ld+json">{json.dumps(data, ensure_ascii=False)}</script>'
        )
        assert tags(page(script)) == expected


def test_a_broken_json_ld_block_is_ignored() -> None:
    head = '<script type="application/ld+json">{"@type": "NewsArticle", "keywords": </script>'
    assert tags(page(head)) == ()


def test_the_visible_tags_list_and_rel_tag_links() -> None:
    body = BODY + (
        '<div class="post-tags">الوسوم: <a href="/tag/1">الرباط</a>'
        ' <a href="/tag/2">الكتاب</a></div>'
        '<p>مقالات ذات صلة <a rel="tag" href="/tag/3">النشر</a></p>'
    )
    assert tags(page(body=body)) == ("النشر", "الرباط", "الكتاب")


def test_site_keywords_and_tag_clouds_are_not_the_articles_tags() -> None:
    head = '<meta name="keywords" content="أخبار, المغرب, عاجل">'
    body = BODY + (
        '<aside class="tag-cloud widget"><a href="/t/a">السياسة</a>'
        '<a href="/t/b">الرياضة</a></aside>'
    )
    assert tags(page(head, body)) == ()


def test_repeats_are_dropped_and_at_most_ten_kept() -> None:
    head = (
        "".join(f'<meta property="article:tag" content="وسم {i}">' for i in range(MAX_TAGS + 5))
        + '<meta name="news_keywords" content="وسم 0, وَسْم 1">'
    )
    found = tags(page(head))
    assert len(found) == MAX_TAGS
    assert found[:2] == ("وسم 0", "وسم 1")


def test_page_meta_and_the_extracted_article_carry_them() -> None:
    html = SAMPLE.read_text(encoding="utf-8")
    expected = ("الماء", "أكادير", "الطاقة الشمسية")
    assert read_page_meta(document_fromstring(html)).tags == expected
    assert extract_article(html, "https://akhbar-sahel.ma/a.html").tags == expected
