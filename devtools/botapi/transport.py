"""HTTP plumbing: decoding request bodies the way the Bot API accepts them, and the handler
that turns one HTTP request into one :meth:`BotAPIServer.handle` call."""

from __future__ import annotations

import contextlib
import email.parser
import email.policy
import json
import socket
import time
from http.server import BaseHTTPRequestHandler
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, urlsplit

from devtools.botapi.protocol import (
    FILE_PATH,
    JSON_FIELDS,
    METHOD_PATH,
    TOKEN_SHAPE,
    APIError,
    GatewayError,
    JSONDict,
    bad_request,
    error_body,
)
from devtools.botapi.records import UploadedFile

if TYPE_CHECKING:
    from devtools.botapi.server import BotAPIServer


def parse_body(content_type: str, body: bytes) -> tuple[JSONDict, dict[str, UploadedFile]]:
    """Decode a request body the way the Bot API accepts it."""
    params: JSONDict = {}
    files: dict[str, UploadedFile] = {}
    kind = content_type.split(";", 1)[0].strip().lower()
    if not body:
        return params, files
    if kind == "application/json":
        loaded = json.loads(body)
        if not isinstance(loaded, dict):
            raise bad_request("request body must be a JSON object")
        return loaded, files
    if kind == "multipart/form-data":
        header = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode()
        message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(header + body)
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition")
            if not name:
                continue
            payload = part.get_payload(decode=True) or b""
            filename = part.get_filename()
            if filename is not None:
                files[str(name)] = UploadedFile(
                    str(name), filename, part.get_content_type(), payload
                )
            else:
                params[str(name)] = payload.decode("utf-8")
        return params, files
    for name, value in parse_qsl(body.decode("utf-8"), keep_blank_values=True):
        params[name] = value
    return params, files


def decode_json_fields(params: JSONDict) -> JSONDict:
    """JSON-typed fields sent inside a form arrive as strings: decode them in place."""
    for name in JSON_FIELDS & params.keys():
        value = params[name]
        if isinstance(value, str):
            try:
                params[name] = json.loads(value)
            except ValueError:
                raise bad_request(f"can't parse {name} JSON object") from None
    return params


class RequestHandler(BaseHTTPRequestHandler):
    server: BotAPIServer
    protocol_version = "HTTP/1.1"
    # Headers and body go out in separate writes; with Nagle's algorithm on, the body would
    # wait for the client's delayed ACK (40 ms on Linux) — latency the real API does not have.
    disable_nagle_algorithm = True

    def do_GET(self) -> None:
        self._serve()

    def do_POST(self) -> None:
        self._serve()

    def _serve(self) -> None:
        parts = urlsplit(self.path)
        try:
            body = self._read_body()
        except (ConnectionAbortedError, ConnectionResetError):
            # A cancelled request never reached "Telegram": nothing to record or answer.
            self.close_connection = True
            return
        file_match = FILE_PATH.fullmatch(parts.path)
        if file_match and self.command == "GET":
            self._serve_file(file_match["token"], file_match["path"])
            return
        match = METHOD_PATH.fullmatch(parts.path)
        if match is None:
            self._answer(404, {"ok": False, "error_code": 404, "description": "Not Found"})
            return
        token, method = match["token"], match["method"]
        if token != self.server.token:
            if TOKEN_SHAPE.fullmatch(token):
                self._answer(401, {"ok": False, "error_code": 401, "description": "Unauthorized"})
            else:
                self._answer(404, {"ok": False, "error_code": 404, "description": "Not Found"})
            return
        content_type = self.headers.get("Content-Type", "")
        try:
            params: JSONDict = dict(parse_qsl(parts.query, keep_blank_values=True))
            body_params, files = parse_body(content_type, body)
            params.update(body_params)
            decode_json_fields(params)
        except APIError as exc:
            self._answer(exc.code, error_body(exc))
            return
        except ValueError:
            self._answer(400, {"ok": False, "error_code": 400, "description": "Bad Request"})
            return
        call = self.server.handle(method, params, files, content_type=content_type)
        if not call.answered:
            self._hang_up()
            return
        if call.delay:
            time.sleep(call.delay)
        if isinstance(call.result, GatewayError):
            self._answer_bytes(call.status, call.result.html(), "text/html")
        elif isinstance(call.result, APIError):
            self._answer(call.status, error_body(call.result))
        else:
            self._answer(200, {"ok": True, "result": call.result})

    def _read_body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            chunks = []
            while True:
                size = int(self.rfile.readline().split(b";", 1)[0].strip() or b"0", 16)
                if size == 0:
                    self.rfile.readline()
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        if len(body) < length:
            raise ConnectionAbortedError("the client went away mid-request")
        return body

    def _serve_file(self, token: str, path: str) -> None:
        found = next(
            (
                f
                for f in list(self.server.files.values())
                if path == f"{f.kind}s/{f.file_unique_id}"
            ),
            None,
        )
        if token != self.server.token or found is None:
            self._answer(404, {"ok": False, "error_code": 404, "description": "Not Found"})
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(len(found.data)))
        self.end_headers()
        self.wfile.write(found.data)

    def _answer(self, status: int, payload: JSONDict) -> None:
        data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        self._answer_bytes(status, data, "application/json")

    def _answer_bytes(self, status: int, data: bytes, content_type: str) -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (a cancelled long poll at shutdown)

    def _hang_up(self) -> None:
        """Close the connection without a byte of answer (a dropped-connection fault)."""
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)

    def log_message(self, format: str, *args: object) -> None:
        return
