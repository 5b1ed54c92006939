"""The HTTP client of the Bot API calls: python-telegram-bot's ``BaseRequest`` over aiohttp.

Why not PTB's default (httpx): on the load benchmark, httpx and httpcore spent 2–3 ms of CPU
on the bot's event loop per Bot API call (connection-pool bookkeeping on every request and
response, anyio cancel scopes, a failed ``import sniffio`` per lock, urlencoding every
caption), so 200 simultaneous «جارٍ التحضير…» answers queued behind half a second of client
CPU. aiohttp — already installed as tweepy's async transport — makes the same call in
well under a millisecond: its HTTP parser and URL handling are compiled.

On the wire nothing changes: bodies are ``application/x-www-form-urlencoded`` with
JSON-typed fields as JSON strings, or multipart/form-data when a file is attached, exactly
as PTB's own client sends them, so any Bot API server that accepts PTB accepts this. PTB
still does everything above the transport: status codes, ``RetryAfter`` and the other errors.
"""

from __future__ import annotations

import urllib.request
from urllib.parse import urlencode, urlsplit

import aiohttp
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

# PTB marks "not given by the caller" with instances of this (private) class.
_DefaultValue = type(BaseRequest.DEFAULT_NONE)
FORM_CONTENT_TYPE = "application/x-www-form-urlencoded"


class AiohttpRequest(BaseRequest):
    """Bot API requests through one aiohttp session with a keep-alive connection pool.

    Timeouts mean what they mean for PTB's ``HTTPXRequest``: ``connect_timeout`` to open a
    connection, ``pool_timeout`` to wait for a free one, ``read_timeout`` between chunks of
    the answer. aiohttp has no separate write timeout; ``write_timeout`` (or
    ``media_write_timeout`` for uploads) is enforced as part of a total deadline, the sum of
    the four.

    Args:
        connection_pool_size: connections kept open to the Bot API (and the most in use).
        read_timeout: seconds; None waits forever.
        write_timeout: seconds for a request without files.
        connect_timeout: seconds.
        pool_timeout: seconds.
        media_write_timeout: seconds for a request that uploads files.
    """

    def __init__(
        self,
        *,
        connection_pool_size: int = 1,
        read_timeout: float | None = 5.0,
        write_timeout: float | None = 5.0,
        connect_timeout: float | None = 5.0,
        pool_timeout: float | None = 1.0,
        media_write_timeout: float | None = 20.0,
    ) -> None:
        if connection_pool_size < 1:
            raise ValueError("connection_pool_size must be at least 1")
        self._pool_size = connection_pool_size
        self._read_timeout = read_timeout
        self._write_timeout = write_timeout
        self._connect_timeout = connect_timeout
        self._pool_timeout = pool_timeout
        self._media_write_timeout = media_write_timeout
        self._session: aiohttp.ClientSession | None = None
        self._ready = False
        self._proxies: dict[tuple[str, str], str | None] = {}

    @property
    def read_timeout(self) -> float | None:
        """The default read timeout (PTB adds the long-poll time to it for getUpdates)."""
        return self._read_timeout

    async def initialize(self) -> None:
        """Get ready to send; the session itself opens with the first request.

        Lazily, because PTB initialises both of a bot's clients before its first call and
        shuts them down only after a *successful* start: a client that never sent anything
        then holds nothing to leak.
        """
        self._ready = True

    async def shutdown(self) -> None:
        """Close the session and its connections."""
        self._ready = False
        if self._session is not None and not self._session.closed:
            await self._session.close()
        self._session = None

    def _open_session(self) -> aiohttp.ClientSession:
        """The keep-alive session (inside the running event loop, as aiohttp requires)."""
        if self._session is None or self._session.closed:
            # Not trust_env: aiohttp would then read ~/.netrc and look the proxy up in a
            # thread on every request; the proxy is looked up once per origin instead.
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self._pool_size),
                cookie_jar=aiohttp.DummyCookieJar(),  # the Bot API sets no cookies
                skip_auto_headers=("User-Agent",),
            )
        return self._session

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: float | None = BaseRequest.DEFAULT_NONE,  # type: ignore[assignment]
        write_timeout: float | None = BaseRequest.DEFAULT_NONE,  # type: ignore[assignment]
        connect_timeout: float | None = BaseRequest.DEFAULT_NONE,  # type: ignore[assignment]
        pool_timeout: float | None = BaseRequest.DEFAULT_NONE,  # type: ignore[assignment]
    ) -> tuple[int, bytes]:
        """Send one request; return the HTTP status and the raw answer.

        Raises:
            TimedOut: a timeout expired.
            NetworkError: the request could not be sent or answered.
            RuntimeError: :meth:`initialize` was not called.
        """
        if not self._ready:
            raise RuntimeError("This AiohttpRequest is not initialized!")
        session = self._open_session()
        files = request_data.multipart_data if request_data and request_data.contains_files else {}
        read = _chosen(read_timeout, self._read_timeout)
        connect = _chosen(connect_timeout, self._connect_timeout)
        pool = _chosen(pool_timeout, self._pool_timeout)
        write = _chosen(write_timeout, self._media_write_timeout if files else self._write_timeout)
        timeout = aiohttp.ClientTimeout(
            total=_total(connect, pool, write, read),
            connect=_total(connect, pool),
            sock_connect=connect,
            sock_read=read,
        )
        headers = {"User-Agent": self.USER_AGENT}
        body: bytes | aiohttp.FormData | None = None
        if request_data is not None:
            if files:
                body = _multipart(request_data)
            else:
                body = urlencode(request_data.json_parameters).encode("ascii")
                headers["Content-Type"] = FORM_CONTENT_TYPE
        try:
            async with session.request(
                method,
                url,
                data=body,
                headers=headers,
                timeout=timeout,
                proxy=self._proxy_for(url),
            ) as response:
                return response.status, await response.read()
        except TimeoutError as error:  # aiohttp's timeouts are TimeoutErrors (some ClientErrors)
            raise TimedOut from error
        except aiohttp.ClientError as error:
            raise NetworkError(f"aiohttp.{type(error).__name__}: {error}") from error

    def _proxy_for(self, url: str) -> str | None:
        """The proxy the environment sets for ``url`` (``HTTPS_PROXY``, ``NO_PROXY`` …), as
        PTB's httpx client would use it; looked up once per scheme and host."""
        parts = urlsplit(url)
        origin = (parts.scheme, parts.netloc)
        if origin not in self._proxies:
            bypass = urllib.request.proxy_bypass(parts.hostname or "")
            proxy = None if bypass else urllib.request.getproxies().get(parts.scheme)
            self._proxies[origin] = proxy
        return self._proxies[origin]


def _chosen(given: float | None, default: float | None) -> float | None:
    return default if isinstance(given, _DefaultValue) else given


def _total(*parts: float | None) -> float | None:
    """The sum of timeouts, or None (no limit) when any of them is unlimited."""
    if any(part is None for part in parts):
        return None
    return sum(part for part in parts if part is not None)


def _multipart(request_data: RequestData) -> aiohttp.FormData:
    """Parameters as text fields and files as file parts (a new form per attempt: aiohttp
    forms can be sent once, and PTB may retry the same request data after a 429)."""
    form = aiohttp.FormData()
    for name, value in request_data.json_parameters.items():
        form.add_field(name, value)
    for name, (filename, content, mime_type) in request_data.multipart_data.items():
        form.add_field(name, content, filename=filename, content_type=mime_type)
    return form
