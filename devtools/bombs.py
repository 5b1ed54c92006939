"""Compression bombs, made lazily, for the hostile-input tests and ``bench/hostile.py``.

A bomb is a small body that inflates to a huge one: ``size`` zero bytes compressed once
(``gzip``: about 1 KB per MB) or twice (``gzip, gzip``: under 2 KB for a gigabyte). They are
built by streaming zeros through a compressor, so making a 1 GiB bomb never holds 1 GiB.
"""

from __future__ import annotations

import functools
import zlib
from dataclasses import dataclass

_CHUNK = b"\0" * (1024 * 1024)


def _compressor(coding: str) -> zlib._Compress:
    wbits = {"gzip": 16 + zlib.MAX_WBITS, "deflate": zlib.MAX_WBITS, "raw": -zlib.MAX_WBITS}
    return zlib.compressobj(9, zlib.DEFLATED, wbits[coding])


def compress(data: bytes, coding: str) -> bytes:
    """``data`` in one content coding: ``gzip``, ``deflate`` (zlib) or ``raw`` deflate."""
    packer = _compressor(coding)
    return packer.compress(data) + packer.flush()


@functools.cache
def zeros_compressed(size: int, coding: str) -> bytes:
    """``size`` zero bytes compressed in ``coding``, without ever holding them."""
    packer = _compressor(coding)
    parts: list[bytes] = []
    left = size
    while left > 0:
        piece = _CHUNK if left >= len(_CHUNK) else _CHUNK[:left]
        parts.append(packer.compress(piece))
        left -= len(piece)
    parts.append(packer.flush())
    return b"".join(parts)


@dataclass(frozen=True, slots=True)
class Bomb:
    """A body and the ``Content-Encoding`` header that goes with it."""

    name: str
    content_encoding: str
    body: bytes
    inflated: int  # bytes once every layer is undone


def bomb(codings: tuple[str, ...], inflated: int) -> Bomb:
    """``inflated`` zero bytes compressed in each of ``codings``, first layer first."""
    body = zeros_compressed(inflated, codings[0])
    for coding in codings[1:]:
        body = compress(body, coding)
    header = ", ".join(codings)
    return Bomb("+".join(codings), header, body, inflated)


def standard_bombs(inflated: int) -> tuple[Bomb, ...]:
    """One and two layers of each coding a server may send (brotli is not accepted by the
    fetcher at all, so it is not among them)."""
    return (
        bomb(("gzip",), inflated),
        bomb(("deflate",), inflated),
        bomb(("gzip", "gzip"), inflated),
        bomb(("deflate", "deflate"), inflated),
        bomb(("gzip", "deflate"), inflated),
    )
