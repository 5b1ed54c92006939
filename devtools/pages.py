"""A real HTTP server on 127.0.0.1 that serves fixture pages.

Routes are registered per test. A route can answer slowly, redirect, stream an endless body
or claim any content type, which is what ingestion must survive.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Route:
    body: bytes | Iterable[bytes] = b""
    status: int = 200
    content_type: str = "text/html; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds before the status line is sent
    content_length: bool = True
    # Validators, as a feed server sends them: a request carrying the same ETag (or the
    # same Last-Modified) gets 304 Not Modified and no body.
    etag: str | None = None
    last_modified: str | None = None


class _Handler(BaseHTTPRequestHandler):
    server: PageServer

    def do_GET(self) -> None:
        route = self.server.routes.get(self.path.split("?", 1)[0])
        self.server.requests.append(self.path)
        self.server.request_times.append(time.monotonic())
        self.server.request_headers.append(dict(self.headers.items()))
        if route is None:
            route = Route(body=b"<html><body>not found</body></html>", status=404)
        if route.delay:
            time.sleep(route.delay)
        try:
            if _unchanged(
                route, self.headers.get("If-None-Match"), self.headers.get("If-Modified-Since")
            ):
                self.send_response(304)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            self.send_response(route.status)
            if route.etag:
                self.send_header("ETag", route.etag)
            if route.last_modified:
                self.send_header("Last-Modified", route.last_modified)
            if route.content_type:
                self.send_header("Content-Type", route.content_type)
            for name, value in route.headers.items():
                self.send_header(name, value)
            if isinstance(route.body, bytes):
                if route.content_length:
                    self.send_header("Content-Length", str(len(route.body)))
                self.end_headers()
                self.wfile.write(route.body)
            else:
                self.end_headers()
                for chunk in route.body:
                    self.wfile.write(chunk)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client stopped reading on purpose (size cap, timeout)

    def log_message(self, format: str, *args: object) -> None:
        return


def _unchanged(route: Route, if_none_match: str | None, if_modified_since: str | None) -> bool:
    if route.etag and if_none_match:
        return if_none_match == route.etag
    return bool(route.last_modified and if_modified_since == route.last_modified)


class PageServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.routes: dict[str, Route] = {}
        self.requests: list[str] = []
        self.request_times: list[float] = []  # time.monotonic() of each request, in order
        self.request_headers: list[dict[str, str]] = []
        self._thread = threading.Thread(
            target=self.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def root(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}"

    def url(self, path: str) -> str:
        return f"{self.root}{path}"

    def add(self, path: str, route: Route | None = None, **kwargs: object) -> str:
        self.routes[path] = route if route is not None else Route(**kwargs)  # type: ignore[arg-type]
        return self.url(path)

    def start(self) -> PageServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.shutdown()
        self.server_close()


def endless(chunk: bytes = b"x" * 65536, *, limit: int = 50 * 1024 * 1024) -> Iterator[bytes]:
    """A body of ``limit`` bytes produced lazily, so a 50 MB answer costs no memory."""
    sent = 0
    while sent < limit:
        yield chunk
        sent += len(chunk)
