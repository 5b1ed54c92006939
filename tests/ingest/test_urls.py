"""URL normalisation for canonical links."""

from __future__ import annotations

import pytest

from bot.ingest.urls import coerce_url, is_http_url, normalize_url


@pytest.mark.parametrize(
    ("url", "base", "expected"),
    [
        (
            "https://akhbar-sahel.ma/a.html?utm_source=feed&utm_medium=rss#top",
            None,
            "https://akhbar-sahel.ma/a.html",
        ),
        (
            "HTTPS://Example.MA:443/Path/Page?id=7&fbclid=x&gclid=y",
            None,
            "https://example.ma/Path/Page?id=7",
        ),
        ("http://example.ma:80/a?q=a%20b&UTM_Campaign=z", None, "http://example.ma/a?q=a%20b"),
        ("http://example.ma:8080/a", None, "http://example.ma:8080/a"),
        (
            "/news/2026/x.html?utm_term=a#c",
            "https://site.ma/other/page.html",
            "https://site.ma/news/2026/x.html",
        ),
        ("../x.html", "https://site.ma/a/b/c.html", "https://site.ma/a/x.html"),
        ("//cdn.site.ma/img.jpg", "https://site.ma/a", "https://cdn.site.ma/img.jpg"),
        ("https://site.ma", None, "https://site.ma/"),
        ("https://site.ma/a?x=1&amp;utm_source=tw", None, "https://site.ma/a?x=1"),
        ("https://site.ma/مقال?id=3", None, "https://site.ma/مقال?id=3"),
    ],
)
def test_normalize_url(url: str, base: str | None, expected: str) -> None:
    assert normalize_url(url, base) == expected


def test_is_http_url() -> None:
    assert is_http_url("https://site.ma/a")
    assert not is_http_url("ftp://site.ma/a")
    assert not is_http_url("/relative")
    assert not is_http_url("mailto:x@site.ma")


def test_coerce_url() -> None:
    assert coerce_url("  www.site.ma/a ") == "https://www.site.ma/a"
    assert coerce_url("http://site.ma") == "http://site.ma"
    assert coerce_url("not a url") == "not a url"
