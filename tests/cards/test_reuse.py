"""The fast paths give the very pixels of the plain ones, and the caches keep only what recurs.

Text is composited by pasting a block of colour through the glyph mask instead of
``ImageDraw.text``'s fill-through-mask; masks and widths of the site name, dates, section and
band are reused between cards; the shaded ground is filled band by band. None of this may
change a single pixel, and no headline or summary may stay in memory after its card.
"""

from __future__ import annotations

import threading
import unicodedata
from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageDraw, ImageFont

from bot.cards import CardRenderer
from bot.cards.dates import gregorian_ar
from bot.cards.fonts import PLEX, FontLibrary, fallback_face, family_face
from bot.cards.memo import Lru
from bot.cards.paint import shade_bands, solid_background
from bot.cards.shaping import Direction, TextEngine, clean_text
from bot.models import CardSize
from devtools.card_samples import sample_branding
from devtools.card_variety import DAYS, SITE_NAMES, VARIANTS, variant_article
from tests.cards.conftest import raqm_gate

BOLD = family_face(PLEX, 700)
LINES = (
    ("افتتاح أول محطة لتحلية مياه البحر", Direction.RTL),
    ("شركة Tesla تدرس إنشاء مصنع 2027", Direction.RTL),
    ("iPhone 18 يصل إلى الأسواق العربية", Direction.LTR),
)
# Whole, half and odd sub-pixel positions: the mask depends on the fractional start.
SPOTS = ((1100, 90), (1099.5, 90.25), (1087.171875, 91.6), (10.75, 80.5))


def _engine(raqm: bool) -> TextEngine:
    layout = ImageFont.Layout.RAQM if raqm else ImageFont.Layout.BASIC
    faces = [BOLD, fallback_face(700)]
    return TextEngine(FontLibrary(layout, faces), raqm=raqm, faces=faces)


def _ground(mode: str) -> Image.Image:
    """A ground that is not flat, so that any blending difference would show."""
    image = Image.linear_gradient("L").resize((1200, 140))
    if mode == "L":
        return image
    return Image.merge("RGB", (image, image.transpose(Image.Transpose.FLIP_LEFT_RIGHT), image))


@pytest.mark.parametrize("raqm", [True, False], ids=["raqm", "basic"])
@pytest.mark.parametrize("mode", ["RGB", "L"])
def test_drawn_text_matches_imagedraw_pixel_for_pixel(raqm: bool, mode: str) -> None:
    if raqm:
        raqm_gate()
    engine = _engine(raqm)
    fill = (250, 236, 120) if mode == "RGB" else 231
    for text, direction in LINES:
        for size in (24, 72):
            for x, y in SPOTS:
                anchor = "rs" if x > 600 else "ls"
                expected, fast, again = _ground(mode), _ground(mode), _ground(mode)
                ImageDraw.Draw(expected).text(
                    (x, y), engine.visual(text, BOLD, direction), fill=fill,
                    font=engine.font(BOLD, size), anchor=anchor,
                    **({"direction": direction.value, "language": "ar"} if raqm else {}),
                )  # fmt: skip
                for image in (fast, again):  # the second one comes from the mask cache
                    engine.draw(
                        image, (x, y), text, BOLD, size, fill, direction=direction,
                        anchor=anchor, recurring=True,
                    )  # fmt: skip
                label = f"{text} {size}px at {(x, y)}"
                assert ImageChops.difference(fast, expected).getbbox() is None, label
                assert ImageChops.difference(again, expected).getbbox() is None, label


@pytest.mark.parametrize(
    ("height", "top", "bottom"),
    [(630, (14, 32, 56), (9, 21, 36)), (1920, (200, 16, 46), (20, 2, 5)),
     (675, (40, 40, 40), (40, 40, 40))],
)  # fmt: skip
def test_banded_ground_equals_the_stretched_column(
    height: int, top: tuple[int, int, int], bottom: tuple[int, int, int]
) -> None:
    last = height - 1
    column = Image.new("RGB", (1, height))
    column.putdata(
        [tuple(round(a + (b - a) * y / last) for a, b in zip(top, bottom, strict=True))
         for y in range(height)]
    )  # fmt: skip
    stretched = column.resize((1080, height), Image.Resampling.NEAREST)
    bands = shade_bands(height, top, bottom)
    assert len(bands) <= 256 and bands[0][1] == 0 and bands[-1][2] == height
    banded = solid_background((1080, height), bands)
    assert ImageChops.difference(banded, stretched).getbbox() is None
    # Bands made for a shorter card still give a fully painted ground, never garbage.
    taller = solid_background((1080, height + 40), bands)
    assert taller.crop((0, height, 1080, height + 40)).getcolors() == [(1080 * 40, top)]


def test_lru_keeps_the_most_recently_used() -> None:
    cache: Lru[str, int] = Lru(3)
    for n, key in enumerate("abc"):
        cache.put(key, n)
    assert cache.get("a") == 0  # "a" is now the most recent: "b" goes first
    cache.put("d", 3)
    assert [k for k, _ in cache.items()] == ["c", "a", "d"] and cache.get("b") is None
    with pytest.raises(ValueError):
        Lru(0)


def test_lru_stays_bounded_under_threads() -> None:
    cache: Lru[int, int] = Lru(50)

    def fill(offset: int) -> None:
        for n in range(2000):
            cache.put(offset + n, n)
            cache.get(offset + n // 2)

    threads = [threading.Thread(target=fill, args=(k * 10_000,)) for k in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(cache) == 50 and len(cache.items()) == 50


@pytest.mark.parametrize("use_raqm", [None, False], ids=["default", "basic"])
def test_warm_caches_change_no_card_and_hold_no_article_text(
    logo_path: Path, use_raqm: bool | None
) -> None:
    """Cards from a renderer that has drawn dozens of articles are byte for byte those of a
    fresh renderer; what it kept is the recurring text only, and little of it."""
    warm = CardRenderer(sample_branding(logo_path), use_raqm=use_raqm)
    for index in range(len(VARIANTS)):
        article, summary = variant_article(index)
        for theme in ("solid", "breaking"):
            warm.render(article, CardSize.WIDE, theme=theme, summary=summary)
    report = warm.cache_report()
    recurring = {v.section for v in VARIANTS} | set(SITE_NAMES) | {" ", "عاجل"}
    recurring |= {gregorian_ar(day) for day in DAYS}
    assert report.masks > 0 and report.widths > 0 and report.inks > 0
    assert report.texts <= recurring, report.texts - recurring
    assert report.mask_bytes < 1_000_000
    for index in (0, 4, 6, 15, 33):  # 2 lines, Latin-led, summary cut, headline cut, digits
        article, summary = variant_article(index)
        for theme, size in (("solid", CardSize.WIDE), ("breaking", CardSize.WIDE)):
            cold = CardRenderer(sample_branding(logo_path), use_raqm=use_raqm)
            expected = cold.render(article, size, theme=theme, summary=summary)
            got = warm.render(article, size, theme=theme, summary=summary)
            assert got.data == expected.data, (index, theme)


def test_clean_text_drops_exactly_the_non_space_controls() -> None:
    """The translate table does what a per-character category test did."""

    def by_category(text: str) -> str:
        text = unicodedata.normalize("NFC", text)
        return "".join(c for c in text if c.isspace() or unicodedata.category(c) != "Cc")

    for code in range(0x250):
        text = f"أ{chr(code)}ب"
        assert clean_text(text) == clean_text(by_category(text)), hex(code)
        assert (clean_text(text) == "أب") == (unicodedata.category(chr(code)) == "Cc"
                                             and not chr(code).isspace()), hex(code)  # fmt: skip
