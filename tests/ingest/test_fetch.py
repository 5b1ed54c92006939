"""Fetcher against a real local server: charsets, size caps, timeouts, types, statuses,
redirects."""

from __future__ import annotations

import socket
import time
from collections.abc import AsyncIterator, Iterator

import pytest

from bot.errors import (
    FetchTimeoutError,
    HTTPStatusError,
    InvalidURLError,
    TooLargeError,
    TooManyRedirectsError,
    UnreachableError,
    UnsupportedContentError,
)
from bot.ingest.fetch import FetchConfig, Fetcher
from bot.settings import Settings
from devtools.pages import PageServer, endless

ARABIC_PAGE = (
    "<html><head>{meta}<title>أمطار غزيرة في الشمال</title></head><body>"
    "<p>شهدت مدن الشمال أمطاراً غزيرة طيلة نهاية الأسبوع، وأعلنت السلطات تعليق الدراسة"
    " في عدد من الجماعات القروية بسبب ارتفاع منسوب الأودية وانقطاع بعض الطرق.</p>"
    "</body></html>"
)
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
LOCAL = FetchConfig(allow_private_hosts=True, max_bytes=1024 * 1024)
MiB = 1024 * 1024


class CountingBody:
    """A 50 MB body that records how much of it the server produced."""

    def __init__(self, size: int = 50 * MiB) -> None:
        self.size = size
        self.sent = 0
        self.finished = False

    def __iter__(self) -> Iterator[bytes]:
        for chunk in endless(limit=self.size):
            self.sent += len(chunk)
            yield chunk
        self.finished = True

    def wait_until_stopped(self) -> None:
        """Let the server notice the closed connection (bounded; not a timing assertion)."""
        last, deadline = -1, time.monotonic() + 5
        while self.sent != last and time.monotonic() < deadline:
            last = self.sent
            time.sleep(0.2)


@pytest.fixture
async def fetcher() -> AsyncIterator[Fetcher]:
    async with Fetcher(LOCAL) as client:
        yield client


def test_config_from_settings(settings: Settings) -> None:
    config = FetchConfig.from_settings(settings)
    assert config.allow_private_hosts is True
    assert config.max_bytes == settings.fetch_max_bytes
    assert config.read_timeout == settings.fetch_read_timeout
    assert "Nashir" in config.user_agent and config.user_agent.startswith("Mozilla/5.0")


async def test_plain_page_and_user_agent(page_server: PageServer, fetcher: Fetcher) -> None:
    url = page_server.add("/a", body=ARABIC_PAGE.format(meta="").encode())
    page = await fetcher.fetch_page(url)
    assert page.status == 200 and page.final_url == url
    assert page.charset == "utf-8"
    assert "أمطار غزيرة" in page.text
    assert "Nashir" in page_server.request_headers[-1]["User-Agent"]


async def test_windows_1256_declared_in_the_header(
    page_server: PageServer, fetcher: Fetcher
) -> None:
    body = ARABIC_PAGE.format(meta="").encode("cp1256")
    url = page_server.add("/h", body=body, content_type="text/html; charset=windows-1256")
    page = await fetcher.fetch_page(url)
    assert page.charset == "cp1256"
    assert page.text == ARABIC_PAGE.format(meta="")


async def test_windows_1256_declared_in_a_meta_tag(
    page_server: PageServer, fetcher: Fetcher
) -> None:
    html = ARABIC_PAGE.format(
        meta='<meta http-equiv="Content-Type" content="text/html; charset=windows-1256">'
    )
    url = page_server.add("/m", body=html.encode("cp1256"), content_type="text/html")
    page = await fetcher.fetch_page(url)
    assert page.text == html


async def test_windows_1256_without_any_declaration(
    page_server: PageServer, fetcher: Fetcher
) -> None:
    url = page_server.add(
        "/u", body=ARABIC_PAGE.format(meta="").encode("cp1256"), content_type="text/html"
    )
    page = await fetcher.fetch_page(url)
    assert "شهدت مدن الشمال أمطاراً غزيرة" in page.text


async def test_header_claiming_utf8_for_windows_1256_bytes(
    page_server: PageServer, fetcher: Fetcher
) -> None:
    html = ARABIC_PAGE.format(meta='<meta charset="windows-1256">')
    url = page_server.add(
        "/w", body=html.encode("cp1256"), content_type="text/html; charset=utf-8"
    )
    page = await fetcher.fetch_page(url)
    assert page.text == html


async def test_declared_50_mb_body_is_refused_before_reading(
    page_server: PageServer, fetcher: Fetcher
) -> None:
    body = CountingBody()
    url = page_server.add("/big", body=body, content_type="text/html",
                          headers={"Content-Length": str(body.size)})  # fmt: skip
    with pytest.raises(TooLargeError):
        await fetcher.fetch_page(url)
    body.wait_until_stopped()
    assert not body.finished
    assert body.sent < 25 * MiB


async def test_chunked_50_mb_body_is_abandoned_at_the_cap(
    page_server: PageServer, fetcher: Fetcher
) -> None:
    body = CountingBody()
    url = page_server.add("/endless", body=body, content_type="text/html")
    with pytest.raises(TooLargeError):
        await fetcher.fetch_page(url)
    assert body.sent < 25 * MiB
    body.wait_until_stopped()
    assert not body.finished


async def test_slow_server_times_out(page_server: PageServer) -> None:
    url = page_server.add("/slow", body=b"<html></html>", delay=1.0)
    config = FetchConfig(allow_private_hosts=True, read_timeout=0.3)
    async with Fetcher(config) as fetcher:
        with pytest.raises(FetchTimeoutError):
            await fetcher.fetch_page(url)


async def test_trickling_server_hits_the_overall_deadline(page_server: PageServer) -> None:
    def trickle() -> Iterator[bytes]:
        yield b"<html><body>"
        for _ in range(40):
            time.sleep(0.1)  # each piece arrives well within the read timeout
            yield b"<p>x</p>"

    url = page_server.add("/trickle", body=trickle(), content_type="text/html")
    config = FetchConfig(allow_private_hosts=True, read_timeout=1.0, total_timeout=0.5)
    async with Fetcher(config) as fetcher:
        with pytest.raises(FetchTimeoutError):
            await fetcher.fetch_page(url)


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("application/pdf", b"%PDF-1.7\n..."),
        ("image/png", PNG),
        ("application/json", b'{"title": "x"}'),
        ("text/plain; charset=utf-8", "نص عادي".encode()),
        ("", b"%PDF-1.4\n%\xe2\xe3"),  # unlabelled: sniffed
    ],
)
async def test_non_html_answers_are_refused(
    page_server: PageServer, fetcher: Fetcher, content_type: str, body: bytes
) -> None:
    url = page_server.add("/file", body=body, content_type=content_type)
    with pytest.raises(UnsupportedContentError):
        await fetcher.fetch_page(url)


async def test_unlabelled_html_is_sniffed(page_server: PageServer, fetcher: Fetcher) -> None:
    url = page_server.add(
        "/nolabel", body=b"<!DOCTYPE html><html><body>ok</body></html>", content_type=""
    )
    page = await fetcher.fetch_page(url)
    assert page.content_type == ""
    assert "ok" in page.text


async def test_xhtml_is_accepted(page_server: PageServer, fetcher: Fetcher) -> None:
    url = page_server.add(
        "/x", body=b"<html><body>ok</body></html>", content_type="application/xhtml+xml"
    )
    assert (await fetcher.fetch_page(url)).status == 200


@pytest.mark.parametrize("status", [404, 410, 500, 503])
async def test_error_statuses(page_server: PageServer, fetcher: Fetcher, status: int) -> None:
    url = page_server.add("/e", body=b"<html>error</html>", status=status)
    with pytest.raises(HTTPStatusError) as info:
        await fetcher.fetch_page(url)
    assert info.value.status == status
    assert ("404" in info.value.message_ar) is (status == 404)


async def test_redirect_chain_is_followed(page_server: PageServer, fetcher: Fetcher) -> None:
    page_server.add("/one", status=301, headers={"Location": "/two"})
    page_server.add("/two", status=302, headers={"Location": page_server.url("/three")})
    page_server.add("/three", status=307, headers={"Location": "four?x=1"})
    final = page_server.add("/four", body=ARABIC_PAGE.format(meta="").encode())
    page = await fetcher.fetch_page(page_server.url("/one"))
    assert page.final_url == final + "?x=1"
    assert page_server.requests == ["/one", "/two", "/three", "/four?x=1"]


async def test_too_many_redirects(page_server: PageServer, fetcher: Fetcher) -> None:
    for hop in range(8):
        page_server.add(f"/r{hop}", status=302, headers={"Location": f"/r{hop + 1}"})
    page_server.add("/r8", body=b"<html></html>")
    with pytest.raises(TooManyRedirectsError):
        await fetcher.fetch_page(page_server.url("/r0"))
    assert len(page_server.requests) == LOCAL.max_redirects + 1


async def test_redirect_loop(page_server: PageServer, fetcher: Fetcher) -> None:
    page_server.add("/ping", status=302, headers={"Location": "/pong"})
    page_server.add("/pong", status=302, headers={"Location": "/ping"})
    with pytest.raises(TooManyRedirectsError):
        await fetcher.fetch_page(page_server.url("/ping"))


@pytest.mark.parametrize(
    "url", ["ftp://example.com/a.html", "not a url", "http://user:pass@example.com/"]
)
async def test_invalid_urls(fetcher: Fetcher, url: str) -> None:
    with pytest.raises(InvalidURLError):
        await fetcher.fetch_page(url)


async def test_closed_port_is_unreachable() -> None:
    with socket.socket() as probe:  # a port that was free a moment ago and has no listener
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    async with Fetcher(LOCAL) as fetcher:
        with pytest.raises(UnreachableError):
            await fetcher.fetch_page(f"http://127.0.0.1:{port}/")


async def test_fetch_image(page_server: PageServer, fetcher: Fetcher) -> None:
    url = page_server.add("/lead.png", body=PNG, content_type="image/png")
    assert await fetcher.fetch_image(url, max_bytes=1024) == PNG


@pytest.mark.parametrize(
    ("content_type", "body"),
    [("text/html", b"<html></html>"), ("image/svg+xml", b"<svg/>"), ("", b"GIF-not-really")],
)
async def test_fetch_image_refuses_non_images(
    page_server: PageServer, fetcher: Fetcher, content_type: str, body: bytes
) -> None:
    url = page_server.add("/img", body=body, content_type=content_type)
    with pytest.raises(UnsupportedContentError):
        await fetcher.fetch_image(url, max_bytes=1024)


async def test_fetch_image_cap(page_server: PageServer, fetcher: Fetcher) -> None:
    url = page_server.add(
        "/huge.jpg", body=b"\xff\xd8\xff" + b"\x00" * 5000, content_type="image/jpeg"
    )
    with pytest.raises(TooLargeError):
        await fetcher.fetch_image(url, max_bytes=1000)
