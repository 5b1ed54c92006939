"""Download article pages and lead images, safely.

Everything a hostile or broken site can do is bounded: the body is streamed and abandoned
as soon as it passes the byte cap (a declared Content-Length over the cap is refused before
reading); the decoded size is capped while decoding, so a compression bomb costs no memory
(:mod:`bot.ingest.decoding`); each redirect hop is validated again by the SSRF guard;
connect/read timeouts and an overall deadline apply; and only HTML (or, for images, raster
image types) is accepted.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from types import TracebackType

import httpx

from bot.errors import (
    FetchTimeoutError,
    HTTPStatusError,
    InvalidURLError,
    NotAFeedError,
    TooLargeError,
    TooManyRedirectsError,
    UnreachableError,
    UnsupportedContentError,
)
from bot.ingest.charset import charset_from_content_type, decode_html
from bot.ingest.decoding import ACCEPT_ENCODING, CappedDecoder
from bot.ingest.netguard import GuardedTransport, NetGuard
from bot.ingest.urls import coerce_url
from bot.settings import Settings

logger = logging.getLogger(__name__)

# A current desktop browser's token first (some news sites serve bots a stripped page),
# then our own name so that publishers can recognise and allow the bot.
DEFAULT_USER_AGENT = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0.0.0 Safari/537.36 Nashir/0.1 (news share bot)"
)
DEFAULT_MAX_BYTES = 5 * 1024 * 1024
DEFAULT_IMAGE_MAX_BYTES = 5 * 1024 * 1024

HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
FEED_TYPES = frozenset(
    {
        "application/rss+xml",
        "application/atom+xml",
        "application/rdf+xml",
        "application/xml",
        "text/xml",
        "application/x-rss+xml",
    }
)
# Pillow cannot draw SVG, and SVG is XML that can carry entity bombs.
REFUSED_IMAGE_TYPES = frozenset({"image/svg+xml"})
# Answers whose type says nothing: sniff the bytes instead.
UNLABELLED_TYPES = frozenset({"", "application/octet-stream", "binary/octet-stream"})
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})

_HTML_ACCEPT = "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5"
_FEED_ACCEPT = (
    "application/rss+xml,application/atom+xml,application/rdf+xml;q=0.9,"
    "application/xml;q=0.8,text/xml;q=0.8,*/*;q=0.1"
)
_IMAGE_ACCEPT = "image/avif,image/webp,image/png,image/jpeg,image/*;q=0.8"
_IMAGE_MAGIC: tuple[bytes, ...] = (
    b"\x89PNG\r\n\x1a\n",
    b"\xff\xd8\xff",  # JPEG
    b"GIF87a",
    b"GIF89a",
)
_HTML_STARTS: tuple[bytes, ...] = (
    b"<!doctype html",
    b"<html",
    b"<head",
    b"<body",
    b"<meta",
    b"<title",
    b"<!--",
)


@dataclass(frozen=True, slots=True)
class FetchConfig:
    """Limits for every download.

    Attributes:
        allow_private_hosts: allow loopback/private/link-local targets (tests, local demos).
        max_bytes: hard cap on a page body, after content decoding.
        connect_timeout: seconds to resolve and connect.
        read_timeout: seconds to wait for each piece of the answer.
        total_timeout: seconds for the whole download including redirects, so a server
            that trickles one byte at a time cannot hold a request forever.
        user_agent: the User-Agent header.
        max_redirects: redirects followed before giving up.
    """

    allow_private_hosts: bool = False
    max_bytes: int = DEFAULT_MAX_BYTES
    connect_timeout: float = 5.0
    read_timeout: float = 10.0
    total_timeout: float = 30.0
    user_agent: str = DEFAULT_USER_AGENT
    max_redirects: int = 5

    @classmethod
    def from_settings(cls, settings: Settings) -> FetchConfig:
        return cls(
            allow_private_hosts=settings.fetch_allow_private_hosts,
            max_bytes=settings.fetch_max_bytes,
            connect_timeout=settings.fetch_connect_timeout,
            read_timeout=settings.fetch_read_timeout,
            total_timeout=settings.fetch_connect_timeout + 2 * settings.fetch_read_timeout,
        )


@dataclass(frozen=True, slots=True)
class FetchedPage:
    """A downloaded HTML page. ``text`` is ``body`` decoded with ``charset``."""

    final_url: str
    status: int
    content_type: str
    charset: str
    body: bytes = field(repr=False)
    text: str = field(repr=False)


def media_type(content_type: str | None) -> str:
    """``text/html; charset=utf-8`` → ``text/html``."""
    return (content_type or "").split(";", 1)[0].strip().lower()


def looks_like_html(head: bytes) -> bool:
    start = head[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return start.startswith(_HTML_STARTS) or b"<html" in start or b"<body" in start


def looks_like_image(head: bytes) -> bool:
    return head.startswith(_IMAGE_MAGIC) or (head[:4] == b"RIFF" and head[8:12] == b"WEBP")


def _page_type_verdict(kind: str) -> bool | None:
    if kind in HTML_TYPES:
        return True
    return None if kind in UNLABELLED_TYPES else False


def _feed_type_verdict(kind: str) -> bool | None:
    if kind in FEED_TYPES or kind.endswith("+xml"):
        return True
    if kind in HTML_TYPES:
        return False  # a web page, not its feed
    return None if kind in UNLABELLED_TYPES or kind == "text/plain" else False


def looks_like_xml(head: bytes) -> bool:
    start = head[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return start.startswith(b"<?xml") or start.startswith((b"<rss", b"<feed", b"<rdf"))


def _image_type_verdict(kind: str) -> bool | None:
    if kind.startswith("image/") and kind not in REFUSED_IMAGE_TYPES:
        return True
    return None if kind in UNLABELLED_TYPES else False


@dataclass(frozen=True, slots=True)
class FetchedFeed:
    """A feed's answer: ``not_modified`` (304, no body) or the body with its validators."""

    final_url: str
    status: int
    body: bytes = field(repr=False)
    etag: str | None = None
    last_modified: str | None = None

    @property
    def not_modified(self) -> bool:
        return self.status == 304


@dataclass(frozen=True, slots=True)
class _Download:
    url: str
    status: int
    content_type: str
    body: bytes
    etag: str | None = None
    last_modified: str | None = None


class Fetcher:
    """Owns one HTTP client; use as ``async with Fetcher(config) as fetcher``.

    Safe to share between concurrent tasks. Without ``async with``, call :meth:`aclose`.
    """

    def __init__(
        self, config: FetchConfig | None = None, *, guard: NetGuard | None = None
    ) -> None:
        self._config = config or FetchConfig()
        self._guard = guard or NetGuard(allow_private=self._config.allow_private_hosts)
        timeout = httpx.Timeout(
            connect=self._config.connect_timeout,
            read=self._config.read_timeout,
            write=self._config.read_timeout,
            pool=self._config.connect_timeout,
        )
        self._client = httpx.AsyncClient(
            transport=GuardedTransport(self._guard),
            timeout=timeout,
            follow_redirects=False,  # followed by hand so every hop is checked
            trust_env=False,  # a proxy would resolve names itself, bypassing the guard
            headers={
                "User-Agent": self._config.user_agent,
                "Accept-Language": "ar,en;q=0.8,fr;q=0.6",
                # Only what bot.ingest.decoding undoes with a cap (httpx would add br or
                # zstd whenever their packages happen to be installed).
                "Accept-Encoding": ACCEPT_ENCODING,
            },
        )

    @property
    def config(self) -> FetchConfig:
        return self._config

    async def __aenter__(self) -> Fetcher:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._client.aclose()

    async def fetch_page(self, url: str) -> FetchedPage:
        """Download an HTML page (``www.…`` without a scheme is taken as https).

        Raises:
            InvalidURLError, BlockedAddressError: before any connection.
            FetchTimeoutError, UnreachableError, HTTPStatusError, TooManyRedirectsError,
            TooLargeError, UnsupportedContentError: as the names say.
        """
        download = await self._download(
            url,
            accept=_HTML_ACCEPT,
            max_bytes=self._config.max_bytes,
            verdict=_page_type_verdict,
            sniff=looks_like_html,
        )
        text, charset = decode_html(
            download.body, charset_from_content_type(download.content_type)
        )
        return FetchedPage(
            final_url=download.url,
            status=download.status,
            content_type=download.content_type,
            charset=charset,
            body=download.body,
            text=text,
        )

    async def fetch_feed(
        self, url: str, *, etag: str | None = None, last_modified: str | None = None
    ) -> FetchedFeed:
        """Download an RSS/Atom/RDF feed, conditionally (``If-None-Match`` /
        ``If-Modified-Since`` from the last answer's validators).

        Raises:
            The same errors as :meth:`fetch_page`; NotAFeedError when the answer is a web
            page or anything else that is not XML.
        """
        conditions = {}
        if etag:
            conditions["If-None-Match"] = etag
        if last_modified:
            conditions["If-Modified-Since"] = last_modified
        try:
            download = await self._download(
                url,
                accept=_FEED_ACCEPT,
                max_bytes=self._config.max_bytes,
                verdict=_feed_type_verdict,
                sniff=looks_like_xml,
                headers=conditions,
            )
        except UnsupportedContentError as exc:
            raise NotAFeedError(exc.detail) from exc
        if download.status != 304 and not looks_like_xml(download.body[:2048]):
            raise NotAFeedError(media_type(download.content_type) or "no content type")
        return FetchedFeed(
            final_url=download.url,
            status=download.status,
            body=download.body,
            etag=download.etag,
            last_modified=download.last_modified,
        )

    async def fetch_image(self, url: str, *, max_bytes: int = DEFAULT_IMAGE_MAX_BYTES) -> bytes:
        """Download an image (any ``image/*`` type except SVG) of at most ``max_bytes``.

        Raises:
            The same errors as :meth:`fetch_page`; UnsupportedContentError when the answer
            is not an image.
        """
        download = await self._download(
            url,
            accept=_IMAGE_ACCEPT,
            max_bytes=max_bytes,
            verdict=_image_type_verdict,
            sniff=looks_like_image,
        )
        return download.body

    async def _download(
        self,
        url: str,
        *,
        accept: str,
        max_bytes: int,
        verdict: Callable[[str], bool | None],
        sniff: Callable[[bytes], bool],
        headers: dict[str, str] | None = None,
    ) -> _Download:
        current = self._guard.check_url(coerce_url(url))
        try:
            async with asyncio.timeout(self._config.total_timeout):
                return await self._follow(
                    current, accept, max_bytes, verdict, sniff, headers or {}
                )
        except (TimeoutError, httpx.TimeoutException) as exc:
            raise FetchTimeoutError(str(current)) from exc
        except (httpx.InvalidURL, httpx.UnsupportedProtocol) as exc:
            raise InvalidURLError(str(exc)) from exc
        except httpx.TransportError as exc:  # connect/read errors, protocol violations
            raise UnreachableError(f"{current.host}: {type(exc).__name__}") from exc

    async def _follow(
        self,
        current: httpx.URL,
        accept: str,
        max_bytes: int,
        verdict: Callable[[str], bool | None],
        sniff: Callable[[bytes], bool],
        extra: dict[str, str],
    ) -> _Download:
        seen = {str(current)}
        for _hop in range(self._config.max_redirects + 1):
            request_headers = {"Accept": accept, **extra}
            async with self._client.stream("GET", current, headers=request_headers) as response:
                status = response.status_code
                location = response.headers.get("location")
                if status == 304 and extra:
                    return _Download(
                        str(response.url), 304, "", b"", *_validators(response.headers)
                    )
                if status in REDIRECT_STATUSES and location:
                    current = self._guard.check_url(current.join(location.strip()))
                    if str(current) in seen:
                        raise TooManyRedirectsError(f"redirect loop at {current}")
                    seen.add(str(current))
                    continue
                if status >= 300:
                    raise HTTPStatusError(status)
                content_type = response.headers.get("content-type", "")
                kind = media_type(content_type)
                accepted = verdict(kind)
                if accepted is False:
                    raise UnsupportedContentError(kind)
                body = await _read_capped(response, max_bytes)
                if accepted is None and not sniff(body[:2048]):
                    raise UnsupportedContentError(kind or "no content type")
                return _Download(
                    str(response.url), status, content_type, body, *_validators(response.headers)
                )
        raise TooManyRedirectsError(f"more than {self._config.max_redirects} redirects")


def _validators(headers: httpx.Headers) -> tuple[str | None, str | None]:
    """The answer's ETag and Last-Modified, for the next conditional request."""
    return headers.get("etag"), headers.get("last-modified")


async def _read_capped(response: httpx.Response, max_bytes: int) -> bytes:
    """Read and decode the body, giving up the moment either side exceeds ``max_bytes``.

    The raw bytes are decoded here, step by bounded step (see :mod:`bot.ingest.decoding`),
    not by httpx, which would inflate a compression bomb whole before we could count it.
    Raising inside the ``stream`` block closes the connection: nothing more is read.
    """
    declared = response.headers.get("content-length", "")
    if declared.strip().isdigit() and int(declared) > max_bytes:
        raise TooLargeError(f"Content-Length {declared} > {max_bytes}")
    decoder = CappedDecoder(response.headers.get("content-encoding"), max_bytes)
    buffer = bytearray()
    received = 0
    async for chunk in response.aiter_raw():
        received += len(chunk)
        if received > max_bytes:
            raise TooLargeError(f"more than {max_bytes} bytes")
        for piece in decoder.feed(chunk):
            buffer += piece
    for piece in decoder.flush():
        buffer += piece
    return bytes(buffer)
