"""A small round-robin HTTP load balancer in front of webhook workers (tests and benchmarks).

Each POST goes to the next backend in turn; a backend that refuses the connection (a killed
worker) is skipped and the request given to the next one, as nginx's ``proxy_next_upstream
error`` does. Nothing is retried once a backend has accepted the request: an answer that
does not come back is a 502, and Telegram delivers the update again.

    python -m devtools.balancer 8443 127.0.0.1:9001 127.0.0.1:9002
"""

from __future__ import annotations

import http.client
import itertools
import sys
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

_HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "host", "content-length"}


@dataclass(frozen=True, slots=True)
class Forwarded:
    backend: int  # index in the backends list
    path: str
    status: int
    # time.monotonic() when the request was read, and when the backend's answer came: the
    # backend's part of the delay the sender sees (the balancer's own hop excluded).
    received: float = 0.0
    answered: float = 0.0


class _Handler(BaseHTTPRequestHandler):
    server: Balancer
    protocol_version = "HTTP/1.1"
    # Headers and body go out in two writes on a kept-alive connection: with Nagle's
    # algorithm on, the body waits for the client's delayed ACK (40 ms on Linux), a delay
    # the real service does not add.
    disable_nagle_algorithm = True

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length)
        received = time.monotonic()
        headers = {k: v for k, v in self.headers.items() if k.lower() not in _HOP_BY_HOP}
        status, answer = self.server.forward(self.path, body, headers, received=received)
        self.send_response(status)
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, format: str, *args: object) -> None:
        del format, args


class Balancer(ThreadingHTTPServer):
    """Listens on 127.0.0.1 (``port`` 0: any free one) and spreads POSTs over ``backends``."""

    daemon_threads = True
    # Telegram opens up to 40 connections at once; with socketserver's default backlog of 5
    # the rest wait for a SYN retry (1 s), which would show up as our ack latency.
    request_queue_size = 1024

    def __init__(self, backends: list[tuple[str, int]], port: int = 0) -> None:
        super().__init__(("127.0.0.1", port), _Handler)
        self.backends = list(backends)
        self.forwarded: list[Forwarded] = []
        self._turn = itertools.count()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        return int(self.server_address[1])

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}/{path.lstrip('/')}"

    def start(self) -> Balancer:
        self._thread = threading.Thread(target=self.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self.shutdown()
        self.server_close()

    def forward(
        self, path: str, body: bytes, headers: dict[str, str], *, received: float = 0.0
    ) -> tuple[int, bytes]:
        received = received or time.monotonic()
        with self._lock:
            first = next(self._turn)
        for offset in range(len(self.backends)):
            index = (first + offset) % len(self.backends)
            host, port = self.backends[index]
            connection = http.client.HTTPConnection(host, port, timeout=60)
            try:
                try:
                    connection.connect()
                except OSError:
                    continue  # a worker that is down: the next one gets the request
                try:
                    connection.request("POST", path, body=body, headers=headers)
                    answer = connection.getresponse()
                    status, data = answer.status, answer.read()
                except OSError:
                    status, data = 502, b""
                answered = time.monotonic()
                with self._lock:
                    self.forwarded.append(Forwarded(index, path, status, received, answered))
                return status, data
            finally:
                connection.close()
        return 502, b""

    def counts(self) -> dict[int, int]:
        """Requests each backend answered."""
        with self._lock:
            done = list(self.forwarded)
        return {i: sum(1 for f in done if f.backend == i) for i in range(len(self.backends))}


def main(argv: list[str]) -> int:
    port, *targets = argv
    backends = [(t.rsplit(":", 1)[0], int(t.rsplit(":", 1)[1])) for t in targets]
    balancer = Balancer(backends, int(port))
    print(f"balancing {balancer.url('')} over {len(backends)} backends", flush=True)
    try:
        balancer.serve_forever()
    except KeyboardInterrupt:
        return 0
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
