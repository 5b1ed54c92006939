"""Decoding pages: BOM, header, <meta>, detection; Arabic legacy encodings."""

from __future__ import annotations

import codecs

import pytest

from bot.ingest.charset import (
    charset_from_content_type,
    codec_name,
    declared_meta_charset,
    decode_html,
)

ARTICLE = (
    "<html><head>{meta}<title>تراجع أسعار الخضر في أسواق الجملة</title></head><body>"
    "<p>عرفت أسعار الخضر تراجعاً ملموساً في أسواق الجملة بالدار البيضاء خلال الأسبوع الجاري،"
    " بعد وفرة العرض القادم من ضيعات سوس والغرب، وهو ما انعكس على أسعار البيع بالتقسيط.</p>"
    "<p>وقال تجار إن الطماطم والبطاطس سجلت أكبر انخفاض،"
    " متوقعين استقرار الأسعار إلى نهاية الشهر.</p>"
    "</body></html>"
)


@pytest.mark.parametrize(
    ("label", "codec"),
    [
        ("windows-1256", "cp1256"),
        ("Windows-1256", "cp1256"),
        ("cp1256", "cp1256"),
        ("ISO-8859-6", "iso8859-6"),
        ("arabic", "iso8859-6"),
        ("utf8", "utf-8"),
        ("UTF-8", "utf-8"),
        ("iso-8859-1", "cp1252"),
        ('"utf-8"', "utf-8"),
        ("utf-16", "utf-8"),  # a UTF-16 label on a byte-oriented page is a mistake
        ("no-such-charset", None),
        ("", None),
        (None, None),
    ],
)
def test_codec_aliases(label: str | None, codec: str | None) -> None:
    assert codec_name(label) == codec


def test_header_charset() -> None:
    assert charset_from_content_type("text/html; charset=windows-1256") == "windows-1256"
    assert charset_from_content_type('text/html; Charset="UTF-8"') == "UTF-8"
    assert charset_from_content_type("text/html") is None


def test_meta_charset_forms() -> None:
    assert declared_meta_charset(b'<meta charset="windows-1256">') == "windows-1256"
    http_equiv = b'<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-6">'
    assert declared_meta_charset(http_equiv) == "iso-8859-6"
    assert declared_meta_charset(b"<p>charset=utf-8 in text</p>") is None


def test_cp1256_with_header() -> None:
    text, codec = decode_html(ARTICLE.format(meta="").encode("cp1256"), "windows-1256")
    assert (text, codec) == (ARTICLE.format(meta=""), "cp1256")


def test_cp1256_with_meta() -> None:
    html = ARTICLE.format(meta='<meta charset="windows-1256">')
    assert decode_html(html.encode("cp1256")) == (html, "cp1256")


def test_cp1256_undeclared_is_detected() -> None:
    text, _codec = decode_html(ARTICLE.format(meta="").encode("cp1256"))
    assert "عرفت أسعار الخضر تراجعاً ملموساً" in text


def test_iso_8859_6_declared() -> None:
    html = ARTICLE.format(meta='<meta charset="iso-8859-6">').replace("،", ",")
    assert decode_html(html.encode("iso8859_6"))[0] == html


def test_wrong_header_falls_back_to_the_meta_declaration() -> None:
    html = ARTICLE.format(meta='<meta charset="windows-1256">')
    assert decode_html(html.encode("cp1256"), "utf-8") == (html, "cp1256")


def test_bom_outranks_the_header() -> None:
    html = ARTICLE.format(meta="")
    text, codec = decode_html(codecs.BOM_UTF8 + html.encode("utf-8"), "windows-1256")
    assert text == html and codec == "utf-8-sig"


def test_undeclared_utf8() -> None:
    html = ARTICLE.format(meta="")
    assert decode_html(html.encode("utf-8")) == (html, "utf-8")
