"""Content-Encoding, undone by us with a cap on what comes out.

Why not the HTTP client's own decoding: httpx inflates each network chunk in one call, so a
1.8 KB body sent as ``gzip, gzip`` becomes a gigabyte in memory before any size check can
run. Here every decompression step is asked for at most :data:`STEP_BYTES` of output and the
running total is checked after each step, so a page costs at most the cap plus one step,
whatever its compression ratio.

Only one coding layer is accepted (servers have no reason to send more, and a second layer
is the usual shape of a bomb), and only the codings we announce in ``Accept-Encoding``.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator

from bot.errors import TooLargeError, UnsupportedEncodingError

# Most output a single decompression call may produce.
STEP_BYTES = 64 * 1024
# What the fetcher announces; a server answering with anything else is refused.
ACCEPT_ENCODING = "gzip, deflate"
_IDENTITY = frozenset({"", "identity"})
_GZIP = frozenset({"gzip", "x-gzip"})
_DEFLATE = frozenset({"deflate"})


class CappedDecoder:
    """Undo one content coding, raising :class:`TooLargeError` past ``max_bytes`` of output.

    Feed raw chunks with :meth:`feed` (each yields decoded pieces), then call :meth:`flush`.
    """

    def __init__(self, content_encoding: str | None, max_bytes: int) -> None:
        codings = [c.strip().lower() for c in (content_encoding or "").split(",")]
        codings = [c for c in codings if c not in _IDENTITY]
        if len(codings) > 1:
            raise UnsupportedEncodingError(f"{len(codings)} content-coding layers refused")
        self._coding = codings[0] if codings else ""
        if self._coding and self._coding not in _GZIP | _DEFLATE:
            raise UnsupportedEncodingError(f"content coding {self._coding!r} not supported")
        self._max_bytes = max_bytes
        self._produced = 0
        self._inflater = self._new_inflater() if self._coding else None
        self._raw_deflate_tried = False

    def _new_inflater(self) -> zlib._Decompress:
        # gzip: a gzip header; deflate: the zlib wrapper the standard asks for (a raw deflate
        # stream, which some servers send, is retried below).
        return zlib.decompressobj(16 + zlib.MAX_WBITS if self._coding in _GZIP else zlib.MAX_WBITS)

    def feed(self, chunk: bytes) -> Iterator[bytes]:
        if self._inflater is None:
            yield self._count(chunk)
            return
        yield from self._inflate(chunk)

    def flush(self) -> Iterator[bytes]:
        if self._inflater is not None:
            yield from self._inflate(b"")

    def _inflate(self, data: bytes) -> Iterator[bytes]:
        while True:
            assert self._inflater is not None
            try:
                piece = self._inflater.decompress(data, STEP_BYTES)
            except zlib.error as exc:
                if self._coding in _DEFLATE and not self._raw_deflate_tried and not self._produced:
                    self._raw_deflate_tried = True
                    self._inflater = zlib.decompressobj(-zlib.MAX_WBITS)
                    continue
                raise UnsupportedEncodingError(f"corrupt {self._coding} data: {exc}") from exc
            if piece:
                yield self._count(piece)
            data = self._inflater.unconsumed_tail
            if self._coding in _GZIP and self._inflater.eof and self._inflater.unused_data:
                # Concatenated gzip members are valid; each starts a new inflater (trailing
                # zero padding, which some servers add, is not a member).
                rest = self._inflater.unused_data
                if rest.strip(b"\0"):
                    self._inflater = self._new_inflater()
                    data = rest
                    continue
            if not data and (not piece or self._inflater.eof):
                return

    def _count(self, piece: bytes) -> bytes:
        self._produced += len(piece)
        if self._produced > self._max_bytes:
            raise TooLargeError(f"more than {self._max_bytes} bytes once decoded")
        return piece
