"""The load tests' generated news pages: each extracts as the article it claims to be."""

from __future__ import annotations

from bot.ingest.extract import extract_article
from devtools.news_pages import STORY_KINDS, distinct_pages, news_page


def test_every_story_kind_extracts_to_its_own_headline_body_and_image() -> None:
    for number in range(len(STORY_KINDS)):
        page = news_page(number, image_root="http://127.0.0.1:8000")

        article = extract_article(page.html, url=f"http://127.0.0.1:8000{page.path}")

        assert article.title == page.title
        body = article.text.split("\n\n")
        assert body == list(page.paragraphs)  # no teaser, comment or menu text in it
        assert article.url == page.url
        assert article.site_name == page.site_name
        assert article.image_url is not None and article.image_url.endswith(".jpg")


def test_the_same_number_gives_the_same_page_and_distinct_pages_differ() -> None:
    assert news_page(41).html == news_page(41).html

    pages = distinct_pages(400, first=5_000)

    assert len({p.title for p in pages}) == len({p.path for p in pages}) == 400
    for page in pages:  # Arabic headlines (a figure or two among the words)
        letters = [ch for ch in page.title if ch.isalpha()]
        assert all("\u0600" <= ch <= "\u06ff" for ch in letters), page.title
