"""Pure helpers: contrast arithmetic, dates and digits, image encoding limits."""

from __future__ import annotations

import datetime as dt
import gc
import io
import random
import warnings

import pytest
from PIL import Image, ImageFont

from bot.cards.colors import (
    BLACK,
    WHITE,
    blend_alpha_for_contrast,
    contrast_ratio,
    mix,
    parse_hex,
    readable_on,
    relative_luminance,
)
from bot.cards.dates import MonthNames, arabic_indic_digits, gregorian_ar, hijri_ar
from bot.cards.encode import MAX_BYTES, CardUse, encode_card
from bot.cards.fonts import NOTO, PLEX, FontLibrary, family_face, file_face
from bot.models import CardSize

# -- colours ---------------------------------------------------------------------------------


def test_contrast_matches_wcag_reference_values() -> None:
    assert contrast_ratio(WHITE, BLACK) == pytest.approx(21.0)
    assert contrast_ratio(WHITE, WHITE) == pytest.approx(1.0)
    # #767676 is the classic "just passes AA on white" grey; #777777 just fails.
    assert contrast_ratio(parse_hex("#767676"), WHITE) == pytest.approx(4.54, abs=0.01)
    assert contrast_ratio(parse_hex("#777777"), WHITE) < 4.5
    assert relative_luminance(parse_hex("#FF0000")) == pytest.approx(0.2126, abs=1e-4)


@pytest.mark.parametrize("bad", ["0E2038", "#0E203", "#GGGGGG", "brand", ""])
def test_parse_hex_rejects_non_colours(bad: str) -> None:
    with pytest.raises(ValueError):
        parse_hex(bad)


@pytest.mark.parametrize("ground", ["#FFD700", "#777777", "#0E2038", "#C8102E", "#F7F4EE"])
def test_readable_on_always_reaches_4_5(ground: str) -> None:
    bg = parse_hex(ground)
    assert contrast_ratio(readable_on(bg, parse_hex("#FFFFFF")), bg) >= 4.5
    assert contrast_ratio(readable_on(bg, parse_hex("#0E2038")), bg) >= 4.5


def test_blend_alpha_is_the_smallest_that_works() -> None:
    overlay = (5, 11, 20)
    alpha = blend_alpha_for_contrast(WHITE, WHITE, overlay)
    assert 0.4 < alpha < 0.7
    assert contrast_ratio(WHITE, mix(WHITE, overlay, alpha)) >= 4.5
    assert contrast_ratio(WHITE, mix(WHITE, overlay, alpha - 0.02)) < 4.5
    assert blend_alpha_for_contrast(WHITE, BLACK, overlay) == 0.0


# -- dates -----------------------------------------------------------------------------------


def test_gregorian_date_in_each_convention() -> None:
    day = dt.date(2026, 3, 14)
    assert gregorian_ar(day) == "14 مارس 2026"
    august = dt.date(2026, 8, 1)
    assert gregorian_ar(august) == "1 أغسطس 2026"
    assert gregorian_ar(august, MonthNames.MAGHREB) == "1 غشت 2026"
    assert gregorian_ar(august, MonthNames.LEVANT) == "1 آب 2026"


def test_hijri_date_umm_al_qura() -> None:
    assert hijri_ar(dt.date(2026, 3, 14)) == "25 رمضان 1447 هـ"
    assert hijri_ar(dt.date(2090, 1, 1)) is None  # outside the table: no date, no crash


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("14 مارس 2026", "١٤ مارس ٢٠٢٦"),
        ("2.4 مليار و150,000 متر و60%", "٢٫٤ مليار و١٥٠٬٠٠٠ متر و٦٠٪"),
        ("قمة COP28 ومجموعة G20 سنة 2026", "قمة COP28 ومجموعة G20 سنة ٢٠٢٦"),
    ],
)
def test_arabic_indic_digits(text: str, expected: str) -> None:
    assert arabic_indic_digits(text) == expected


# -- encoding --------------------------------------------------------------------------------


def _noise(width: int, height: int, seed: int = 7) -> Image.Image:
    rng = random.Random(seed)
    return Image.frombytes("RGB", (width, height), rng.randbytes(width * height * 3))


def test_each_use_picks_its_format() -> None:
    assert CardUse.SEND.image_format(photo=False) == "JPEG"
    assert CardUse.FILE.image_format(photo=False) == "PNG"
    assert CardUse.SEND.image_format(photo=True) == CardUse.FILE.image_format(photo=True) == "JPEG"
    flat = Image.new("RGB", (1200, 630), (14, 32, 56))
    png = encode_card(flat, CardSize.WIDE, "PNG", photo=False)
    jpeg = encode_card(flat, CardSize.WIDE, "JPEG", photo=False)
    assert png.image_format == "PNG" and png.data.startswith(b"\x89PNG")
    assert jpeg.image_format == "JPEG" and jpeg.data.startswith(b"\xff\xd8")
    assert png.filename == "card-wide.png" and jpeg.filename == "card-wide.jpg"


def test_encoding_steps_down_to_stay_under_5_mb() -> None:
    noisy = _noise(2400, 2400)  # pure noise: ~14 MB as a quality-88 JPEG, ~17 MB as PNG
    card = encode_card(noisy, CardSize.SQUARE, "PNG", photo=False)
    assert card.image_format == "JPEG"
    assert len(card.data) <= MAX_BYTES
    with Image.open(io.BytesIO(card.data)) as decoded:
        assert decoded.size == (2400, 2400)


def test_month_names_come_from_the_settings() -> None:
    from bot.cards import Branding
    from bot.settings import load_settings

    settings = load_settings({"CARD_MONTH_NAMES": "maghreb"}, dotenv=None)
    assert Branding.from_settings(settings).month_names is MonthNames.MAGHREB
    default = load_settings({}, dotenv=None)
    assert Branding.from_settings(default).month_names is MonthNames.STANDARD


def test_reading_font_coverage_closes_the_font_files() -> None:
    faces = [family_face(PLEX, 700), family_face(NOTO, 400)]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ResourceWarning)
        FontLibrary(ImageFont.Layout.BASIC, faces)
        file_face(faces[1].path, 400)
        gc.collect()  # a file left to the garbage collector warns here
    assert not [w for w in caught if issubclass(w.category, ResourceWarning)]
