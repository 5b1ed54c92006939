"""A local OpenAI-compatible chat-completions server that answers from a script.

Each request to ``POST /v1/chat/completions`` takes the next scripted :class:`Reply` (the
last one repeats). Requests are recorded with their headers and JSON body so tests can
check what the client sent.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Reply:
    content: str | None = None  # the model's text; wrapped in a chat-completion object
    status: int = 200
    raw: bytes | None = None  # sent as is instead of a chat-completion object
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


@dataclass
class Recorded:
    path: str
    headers: dict[str, str]
    body: dict


class _Handler(BaseHTTPRequestHandler):
    server: FakeLLM

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", "0"))
        body = json.loads(self.rfile.read(length) or b"{}")
        reply = self.server.next_reply()
        self.server.requests.append(Recorded(self.path, dict(self.headers.items()), body))
        if reply.delay:
            time.sleep(reply.delay)
        if self.path != "/v1/chat/completions":
            reply = Reply(status=404, raw=b'{"error": "not found"}')
        payload = reply.raw
        if payload is None:
            payload = json.dumps(
                {
                    "id": "chatcmpl-test",
                    "object": "chat.completion",
                    "model": body.get("model"),
                    "choices": [
                        {
                            "index": 0,
                            "message": {"role": "assistant", "content": reply.content},
                            "finish_reason": "stop",
                        }
                    ],
                },
                ensure_ascii=False,
            ).encode()
        try:
            self.send_response(reply.status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            for name, value in reply.headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (timeout tests)

    def log_message(self, format: str, *args: object) -> None:
        return


class FakeLLM(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.script: list[Reply] = [Reply(content="")]
        self.requests: list[Recorded] = []
        self._lock = threading.Lock()
        self._thread = threading.Thread(
            target=self.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    @property
    def base_url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}/v1"

    def answer(self, *replies: Reply) -> None:
        self.script = list(replies)

    def next_reply(self) -> Reply:
        with self._lock:
            return self.script.pop(0) if len(self.script) > 1 else self.script[0]

    def start(self) -> FakeLLM:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.shutdown()
        self.server_close()
