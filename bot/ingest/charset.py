"""Turn a downloaded page's bytes into text.

Arabic sites still serve windows-1256 and ISO-8859-6, sometimes without saying so. The order
of evidence follows the WHATWG encoding sniffing algorithm that browsers use: a byte-order
mark (the bytes themselves, so it outranks any label), then the HTTP header's charset, then a
``<meta charset>`` / ``http-equiv`` declaration in the first bytes, then statistical detection.
A declared charset that cannot decode the bytes is skipped rather than trusted: a page whose
server says UTF-8 but whose bytes are windows-1256 is a common misconfiguration. The reverse
happens too — a legacy label on a page that is really UTF-8 — and is caught the same way:
bytes that decode as multi-byte UTF-8 are UTF-8, whatever the label says.
"""

from __future__ import annotations

import codecs
import logging
import re

import charset_normalizer

logger = logging.getLogger(__name__)

# How far into the document a <meta> declaration is looked for. The HTML standard says
# 1024 bytes; real pages put scripts and styles first, so allow more.
META_SCAN_BYTES = 8192

# Labels seen in the wild → Python codec names. Following WHATWG, the Latin-1 family maps to
# windows-1252 (a superset browsers use for it); ISO-8859-6 variants are the same codec.
_ALIASES: dict[str, str] = {
    "utf8": "utf-8",
    "unicode-1-1-utf-8": "utf-8",
    "windows-1256": "cp1256",
    "win-1256": "cp1256",
    "x-cp1256": "cp1256",
    "cp-1256": "cp1256",
    "cp1256": "cp1256",
    "1256": "cp1256",
    "arabic": "iso8859_6",
    "iso-8859-6": "iso8859_6",
    "iso8859-6": "iso8859_6",
    "iso_8859-6": "iso8859_6",
    "iso-8859-6-i": "iso8859_6",
    "iso-8859-6-e": "iso8859_6",
    "iso-ir-127": "iso8859_6",
    "asmo-708": "iso8859_6",
    "ecma-114": "iso8859_6",
    "csisolatinarabic": "iso8859_6",
    "x-mac-arabic": "mac_arabic",
    "ascii": "cp1252",
    "us-ascii": "cp1252",
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "iso-8859-1": "cp1252",
    "iso8859-1": "cp1252",
    "windows-1252": "cp1252",
}
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:\-]+)""", re.I)
_HEADER_CHARSET = re.compile(r"""charset\s*=\s*["']?([A-Za-z0-9_.:\-]+)""", re.I)


def codec_name(label: str | None) -> str | None:
    """Python codec for a charset label, or None when the label is unknown.

    >>> codec_name("Windows-1256")
    'cp1256'
    """
    if not label:
        return None
    cleaned = label.strip().strip("\"'").lower()
    if not cleaned:
        return None
    name = _ALIASES.get(cleaned, cleaned)
    try:
        info = codecs.lookup(name)
    except LookupError:
        return None
    # UTF-16/32 labels on an ASCII-compatible page are wrong (browsers treat them as UTF-8).
    if info.name.startswith(("utf-16", "utf-32")):
        return "utf-8"
    return info.name


def charset_from_content_type(content_type: str | None) -> str | None:
    """The raw ``charset=`` label of a Content-Type header value, if any."""
    if not content_type:
        return None
    match = _HEADER_CHARSET.search(content_type)
    return match.group(1) if match else None


def declared_meta_charset(body: bytes) -> str | None:
    """The charset label declared by ``<meta charset>`` or ``http-equiv`` near the top."""
    match = _META_CHARSET.search(body[:META_SCAN_BYTES])
    return match.group(1).decode("ascii", "replace") if match else None


def bom_encoding(body: bytes) -> str | None:
    for bom, name in _BOMS:
        if body.startswith(bom):
            return name
    return None


def _try_decode(body: bytes, codec: str | None) -> str | None:
    if codec is None:
        return None
    try:
        return body.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None


def decode_html(body: bytes, header_charset: str | None = None) -> tuple[str, str]:
    """Decode an HTML document.

    Args:
        body: the raw bytes as downloaded.
        header_charset: the ``charset`` label from the HTTP Content-Type header, if any.

    Returns:
        ``(text, codec)``: the decoded text and the Python codec name that produced it.
    """
    bom = bom_encoding(body)
    if bom is not None:
        text = _try_decode(body, bom)
        if text is not None:
            return text, bom
    utf8: str | None = None
    for label in (header_charset, declared_meta_charset(body)):
        codec = codec_name(label)
        if codec not in (None, "utf-8") and not body.isascii():
            # A legacy label on bytes that are valid UTF-8 with multi-byte sequences: the
            # label is stale (a site moved to UTF-8 and kept its old <meta>). Decoding as
            # labelled would give mojibake («ط®ط¨ط±»); valid UTF-8 by chance is vanishingly
            # rare in real windows-1256 or ISO-8859-6 text.
            utf8 = utf8 if utf8 is not None else _try_decode(body, "utf-8")
            if utf8 is not None:
                logger.debug("charset %s declared, but the page is UTF-8; using UTF-8", label)
                return utf8, "utf-8"
        text = _try_decode(body, codec)
        if text is not None:
            return text, codec  # type: ignore[return-value]
        if codec is not None:
            logger.debug("declared charset %s does not decode the page; ignoring it", label)
    # Most undeclared pages are UTF-8, and a strict UTF-8 decode that succeeds is
    # near-certain evidence; it is also far cheaper than statistical detection.
    text = _try_decode(body, "utf-8")
    if text is not None:
        return text, "utf-8"
    return _detect(body)


def _detect(body: bytes) -> tuple[str, str]:
    best = charset_normalizer.from_bytes(body).best()
    codec = codec_name(best.encoding) if best is not None else None
    if codec is not None:
        text = _try_decode(body, codec)
        if text is not None:
            return text, codec
    # Nothing fits: windows-1256 decodes every byte but a few, and Arabic sites are our
    # main audience; replacement characters mark the rest.
    return body.decode("cp1256", errors="replace"), "cp1256"
