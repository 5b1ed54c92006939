"""A local X API v2 for tests and benchmarks: posts, v2 media upload, reads, and faults.

It answers what Nashir uses, with X's shapes: ``POST /2/tweets`` → ``201 {"data": {"id",
"text", "edit_history_tweet_ids"}}``; ``POST /2/media/upload`` (one-shot multipart, or
``/initialize``, ``/{id}/append``, ``/{id}/finalize``) → ``{"data": {"id", "media_key",
"expires_after_secs"}}``; ``GET /2/users/me``; ``GET /2/users/{id}/tweets``. Every request's
OAuth 1.0a signature is checked against the account's secrets for the URL it reached (401
otherwise), a second post with the same text is refused with X's 403 "duplicate content",
and errors are RFC 7807 documents.

A test can make the next matching request fail (:meth:`XAPIServer.fail_next`: 429 with
``x-rate-limit-reset``, 403, 5xx), hang (:meth:`hold_next`: the request waits until released,
with the post already created or not — a crash at that moment is an unknown outcome), or lose
its connection (:meth:`drop_next`). Every request is recorded (:attr:`calls`).
"""

from __future__ import annotations

import contextlib
import itertools
import json
import logging
import re
import socket
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from devtools.botapi.transport import parse_body
from devtools.xapi.oauth import verify

logger = logging.getLogger(__name__)

ACCOUNT_ID = "1861001861"
ACCOUNT = {"id": ACCOUNT_ID, "name": "ناشر التجريبي", "username": "nashir_test"}
CREDENTIALS = {
    "api_key": "test-consumer-key",
    "api_secret": "test-consumer-secret",
    "access_token": f"{ACCOUNT_ID}-test-access-token",
    "access_token_secret": "test-access-secret",
}
DUPLICATE = "You are not allowed to create a Tweet with duplicate content."
_APPEND = re.compile(r"^/2/media/upload/(\d+)/(append|finalize)$")
_USER_TWEETS = re.compile(r"^/2/users/(\d+)/tweets$")


@dataclass
class XCall:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    json: dict[str, Any] | None = None
    form: dict[str, Any] = field(default_factory=dict)
    files: dict[str, Any] = field(default_factory=dict)
    status: int = 0
    signed: bool = False
    at: float = field(default_factory=time.monotonic)


@dataclass
class Post:
    id: str
    text: str
    media_ids: list[str]
    reply_to: str | None
    created_at: float


@dataclass
class _Fault:
    path: str
    status: int = 0
    body: dict[str, Any] | None = None
    headers: dict[str, str] = field(default_factory=dict)
    hold: threading.Event | None = None  # set by the test to let the request go on
    arrived: threading.Event = field(default_factory=threading.Event)
    apply_first: bool = False  # for holds and drops: create the post before waiting/dropping
    drop: bool = False


class XAPIServer(ThreadingHTTPServer):
    """The fake X; ``start()`` then use ``root`` as X_API_BASE_URL and X_UPLOAD_BASE_URL."""

    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.calls: list[XCall] = []
        self.posts: list[Post] = []
        self.media: dict[str, bytes] = {}
        self._chunks: dict[str, list[bytes]] = {}
        self._faults: list[_Fault] = []
        self._ids = itertools.count(1_900_000_000_000_000_001)
        self._media_ids = itertools.count(1_700_000_000_000_000_001)
        self._lock = threading.Condition()
        self._thread = threading.Thread(target=self.serve_forever, daemon=True)

    # ------------------------------------------------------------------ lifecycle

    @property
    def root(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> XAPIServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        with self._lock:
            for fault in self._faults:
                if fault.hold is not None:
                    fault.hold.set()
        self.shutdown()
        self.server_close()

    # ------------------------------------------------------------------ what tests use

    def fail_next(
        self,
        path: str,
        status: int,
        *,
        detail: str = "",
        headers: dict[str, str] | None = None,
        times: int = 1,
    ) -> None:
        """The next ``times`` requests whose path starts with ``path`` get ``status``."""
        body = {
            "title": _TITLES.get(status, "Error"),
            "detail": detail or _TITLES.get(status, ""),
            "type": "about:blank",
            "status": status,
        }
        with self._lock:
            for _ in range(times):
                self._faults.append(_Fault(path, status, body, dict(headers or {})))

    def rate_limit_next(self, path: str = "/2/tweets", *, reset_in: float = 1.0) -> None:
        """A 429 with ``x-rate-limit-reset`` ``reset_in`` seconds from now."""
        reset = str(int(time.time() + reset_in + 0.999))
        self.fail_next(
            path,
            429,
            detail="Too Many Requests",
            headers={"x-rate-limit-reset": reset, "x-rate-limit-remaining": "0"},
        )

    def hold_next(self, path: str, *, created: bool = True) -> _Fault:
        """The next matching request waits until ``.hold.set()`` (the post already made when
        ``created``). ``.arrived`` is set once it is waiting."""
        fault = _Fault(path, hold=threading.Event(), apply_first=created)
        with self._lock:
            self._faults.append(fault)
        return fault

    def drop_next(self, path: str, *, created: bool = False) -> _Fault:
        """The next matching request loses its connection, the post made or not."""
        fault = _Fault(path, drop=True, apply_first=created)
        with self._lock:
            self._faults.append(fault)
        return fault

    def wait_for_posts(self, count: int, timeout: float = 10.0) -> list[Post]:
        deadline = time.monotonic() + timeout
        with self._lock:
            while len(self.posts) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f"{len(self.posts)} posts, expected {count}")
                self._lock.wait(left)
            return list(self.posts)

    def add_post(self, text: str) -> Post:
        """A post made outside Nashir (to test reconciling and duplicates)."""
        with self._lock:
            return self._create(text, [], None)

    # ------------------------------------------------------------------ handling

    def _take_fault(self, path: str) -> _Fault | None:
        with self._lock:
            for index, fault in enumerate(self._faults):
                if path.startswith(fault.path):
                    return self._faults.pop(index)
        return None

    def _create(self, text: str, media_ids: list[str], reply_to: str | None) -> Post:
        post = Post(str(next(self._ids)), text, media_ids, reply_to, time.time())
        self.posts.append(post)
        self._lock.notify_all()
        return post

    def route(self, call: XCall) -> tuple[int, dict[str, Any]]:
        """The answer to a signed request without faults: status and JSON body."""
        path = call.path
        if call.method == "POST" and path == "/2/tweets":
            return self._post_tweet(call)
        if call.method == "POST" and path == "/2/media/upload":
            return self._upload(call)
        if call.method == "POST" and path == "/2/media/upload/initialize":
            media_id = str(next(self._media_ids))
            self._chunks[media_id] = []
            return 200, {"data": _media(media_id)}
        match = _APPEND.match(path)
        if call.method == "POST" and match:
            media_id, step = match.groups()
            if media_id not in self._chunks:
                return 400, _problem(400, "unknown media id")
            if step == "append":
                self._chunks[media_id].append(_file_bytes(call))
                return 200, {"data": {"expires_at": int(time.time()) + 86400}}
            self.media[media_id] = b"".join(self._chunks.pop(media_id))
            return 200, {"data": _media(media_id)}
        if call.method == "GET" and path == "/2/users/me":
            return 200, {"data": ACCOUNT}
        match = _USER_TWEETS.match(path)
        if call.method == "GET" and match:
            limit = int(call.query.get("max_results", "10"))
            with self._lock:
                newest = list(reversed(self.posts))[:limit]
            data = [{"id": p.id, "text": p.text, "edit_history_tweet_ids": [p.id]} for p in newest]
            return 200, {"data": data, "meta": {"result_count": len(data)}}
        return 404, _problem(404, "Not Found")

    def _post_tweet(self, call: XCall) -> tuple[int, dict[str, Any]]:
        body = call.json or {}
        text = str(body.get("text", ""))
        media_ids = [str(m) for m in (body.get("media") or {}).get("media_ids", [])]
        reply_to = (body.get("reply") or {}).get("in_reply_to_tweet_id")
        unknown = [m for m in media_ids if m not in self.media]
        if unknown:
            return 400, _problem(400, f"media ids not found: {', '.join(unknown)}")
        with self._lock:
            if any(p.text == text for p in self.posts):
                return 403, _problem(403, DUPLICATE)
            post = self._create(text, media_ids, reply_to)
        data = {"id": post.id, "text": post.text, "edit_history_tweet_ids": [post.id]}
        return 201, {"data": data}

    def _upload(self, call: XCall) -> tuple[int, dict[str, Any]]:
        data = _file_bytes(call)
        if not data:
            return 400, _problem(400, "media is required")
        if call.form.get("media_category") not in (None, "tweet_image"):
            return 400, _problem(400, "unsupported media_category")
        media_id = str(next(self._media_ids))
        self.media[media_id] = data
        return 200, {"data": _media(media_id)}


def _media(media_id: str) -> dict[str, Any]:
    return {"id": media_id, "media_key": f"3_{media_id}", "expires_after_secs": 86400}


def _file_bytes(call: XCall) -> bytes:
    upload = call.files.get("media")
    if upload is not None:
        return bytes(upload.data)
    value = call.form.get("media")
    return value.encode("latin-1") if isinstance(value, str) else b""


_TITLES = {
    400: "Invalid Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    429: "Too Many Requests",
    500: "Internal Server Error",
    503: "Service Unavailable",
}


def _problem(status: int, detail: str) -> dict[str, Any]:
    return {
        "title": _TITLES.get(status, "Error"),
        "detail": detail,
        "type": "about:blank",
        "status": status,
    }


class _Handler(BaseHTTPRequestHandler):
    server: XAPIServer
    protocol_version = "HTTP/1.1"
    # Headers and body go out in two writes on a kept-alive connection: with Nagle's
    # algorithm on, the body waits for the client's delayed ACK (40 ms on Linux), a delay
    # the real service does not add.
    disable_nagle_algorithm = True

    def do_GET(self) -> None:
        self._serve("GET")

    def do_POST(self) -> None:
        self._serve("POST")

    def _serve(self, method: str) -> None:
        parts = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        content_type = self.headers.get("Content-Type", "")
        call = XCall(
            method=method,
            path=parts.path,
            query=dict(parse_qsl(parts.query, keep_blank_values=True)),
            headers=dict(self.headers.items()),
        )
        if content_type.startswith("application/json") and raw:
            call.json = json.loads(raw)
        elif raw:
            call.form, call.files = parse_body(content_type, raw)
        host = self.headers.get("Host", "")
        call.signed = verify(
            method,
            f"http://{host}{self.path}",
            self.headers.get("Authorization", ""),
            consumer_secret=CREDENTIALS["api_secret"],
            token_secret=CREDENTIALS["access_token_secret"],
        )
        status, body, headers = self._answer(call)
        call.status = status
        with self.server._lock:
            self.server.calls.append(call)
            self.server._lock.notify_all()
        if status == 0:
            return
        payload = json.dumps(body, ensure_ascii=False).encode("utf-8")
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(payload)))
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (a timeout, a killed bot)

    def _answer(self, call: XCall) -> tuple[int, dict[str, Any], dict[str, str]]:
        """Status (0: connection dropped), body and extra headers, faults applied."""
        server = self.server
        fault = server._take_fault(call.path)
        if fault is not None and fault.status:
            return fault.status, fault.body or {}, fault.headers
        if not call.signed:
            return 401, _problem(401, "Unauthorized: bad OAuth 1.0a signature"), {}
        if fault is None:
            return (*server.route(call), {})
        answer = server.route(call) if fault.apply_first else None
        fault.arrived.set()
        if fault.hold is not None:
            fault.hold.wait(timeout=600)
        if fault.drop:
            self.close_connection = True
            with contextlib.suppress(OSError):
                self.connection.shutdown(socket.SHUT_RDWR)
            return 0, {}, {}
        return (*(answer or server.route(call)), {})

    def log_message(self, format: str, *args: object) -> None:
        return
