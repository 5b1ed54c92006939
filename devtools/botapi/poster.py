"""Webhook delivery's HTTP client: POSTs over one kept-alive connection, as Telegram does."""

from __future__ import annotations

import http.client
import json
from urllib.parse import urlsplit

from devtools.botapi.protocol import JSONDict

TIMEOUT = 10.0


class WebhookPoster:
    """One of the webhook's ``max_connections``: a connection reused from update to update.

    Telegram keeps its webhook connections open; opening one per update would also cost
    the bot an accept and a handshake per update, which the real service does not.
    """

    def __init__(self) -> None:
        self._origin: tuple[str, str] | None = None
        self._connection: http.client.HTTPConnection | None = None
        # The webhook's Retry-After on its last refusal (Telegram honours it), else None.
        self.retry_after: float | None = None

    def post(self, url: str, update: JSONDict, secret: str | None) -> tuple[int, str | None]:
        """POST ``update`` as JSON; return the status (0 = no answer) and an error text."""
        body = json.dumps(update, ensure_ascii=False).encode()
        headers = {"Content-Type": "application/json", "Content-Length": str(len(body))}
        if secret:
            headers["X-Telegram-Bot-Api-Secret-Token"] = secret
        parts = urlsplit(url)
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        self.retry_after = None
        reused = self._connection is not None and self._origin == (parts.scheme, parts.netloc)
        try:
            return self._exchange(parts.scheme, parts.netloc, path, body, headers)
        except (OSError, http.client.HTTPException) as exc:
            self.close()
            if not reused:
                return 0, f"Connection failed: {exc}"
        # The bot closed the kept-alive connection meanwhile: once more, on a new one.
        try:
            return self._exchange(parts.scheme, parts.netloc, path, body, headers)
        except (OSError, http.client.HTTPException) as exc:
            self.close()
            return 0, f"Connection failed: {exc}"

    def _exchange(
        self, scheme: str, netloc: str, path: str, body: bytes, headers: dict[str, str]
    ) -> tuple[int, str | None]:
        connection = self._connect(scheme, netloc)
        connection.request("POST", path, body=body, headers=headers)
        answer = connection.getresponse()
        answer.read()
        if answer.will_close:
            self.close()
        if 200 <= answer.status < 300:
            return answer.status, None
        retry_after = answer.getheader("Retry-After", "")
        if retry_after.isdigit():
            self.retry_after = float(retry_after)
        return answer.status, f"Wrong response from the webhook: {answer.status} {answer.reason}"

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
        self._connection = None
        self._origin = None

    def _connect(self, scheme: str, netloc: str) -> http.client.HTTPConnection:
        if self._connection is None or self._origin != (scheme, netloc):
            self.close()
            kind = http.client.HTTPSConnection if scheme == "https" else http.client.HTTPConnection
            self._connection = kind(netloc, timeout=TIMEOUT)
            self._origin = (scheme, netloc)
        return self._connection
