"""The renderer's contract: formats, lead-image failures, engines, branding, threads."""

from __future__ import annotations

import datetime as dt
import io
import random
import struct
import zlib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from PIL import Image

from bot.cards import Branding, CardRenderer, CardUse, PhotoLimits
from bot.cards.colors import MIN_CONTRAST
from bot.cards.encode import MAX_BYTES
from bot.cards.photo import cover, decode_photo
from bot.errors import CardError
from bot.models import Card, CardSize
from bot.settings import Settings
from devtools.card_samples import (
    SAMPLE_SUMMARY,
    THEMES_DIR,
    make_photo,
    sample_article,
    sample_branding,
)
from tests.cards.checks import check
from tests.cards.conftest import requires_raqm
from tests.cards.imagediff import difference, ink_similarity, worst_contrast_behind


def _decoded(card: Card) -> Image.Image:
    with Image.open(io.BytesIO(card.data)) as image:
        assert image.format == card.image_format
        assert image.size == card.size.dimensions
        return image.convert("RGB")


def _bomb_png() -> bytes:
    """A valid 1×1 PNG whose header claims 100 000 × 100 000 pixels."""
    out = io.BytesIO()
    Image.new("RGB", (1, 1)).save(out, "PNG")
    data = bytearray(out.getvalue())
    ihdr = struct.pack(">II", 100_000, 100_000) + bytes(data[24:29])
    data[16:29] = ihdr
    data[29:33] = struct.pack(">I", zlib.crc32(b"IHDR" + ihdr))
    return bytes(data)


def _noise_photo(width: int, height: int) -> bytes:
    rng = random.Random(11)
    image = Image.frombytes("RGB", (width, height), rng.randbytes(width * height * 3))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=95)
    return out.getvalue()


def test_render_all_sizes_in_the_format_of_their_use(
    renderer: CardRenderer, logo_path: Path, photo: bytes
) -> None:
    """The bot sends every card as JPEG; files keep flat cards lossless (PNG)."""
    files = CardRenderer(sample_branding(logo_path), use=CardUse.FILE)
    assert renderer.use is CardUse.SEND
    for chosen, flat_format in ((renderer, "JPEG"), (files, "PNG")):
        flat = chosen.render_all(sample_article(), list(CardSize), summary=SAMPLE_SUMMARY)
        assert [c.size for c in flat] == list(CardSize)
        assert all(c.image_format == flat_format and len(c.data) < MAX_BYTES for c in flat)
        for card in flat:
            _decoded(card)
        pictured = chosen.render_all(
            sample_article(), list(CardSize), theme="photo", lead_image=photo
        )
        assert all(c.image_format == "JPEG" and len(c.data) < MAX_BYTES for c in pictured)
    assert files.render(sample_article(), CardSize.X, image_format="JPEG").image_format == "JPEG"


@pytest.mark.parametrize(
    ("label", "data"),
    [
        ("not an image", b"<html>no picture here</html>"),
        ("empty", b""),
        ("truncated jpeg", make_photo()[:4000]),
        ("decompression bomb", _bomb_png()),
        ("too small to fill the card", make_photo(160, 100)),
        ("pdf", b"%PDF-1.7\n1 0 obj << >> endobj\n"),
    ],
)
def test_bad_lead_images_fall_back_to_the_solid_theme(
    renderer: CardRenderer, label: str, data: bytes
) -> None:
    composition = renderer.compose(
        sample_article(), CardSize.WIDE, theme="photo", lead_image=data, keep_background=True
    )
    assert composition.theme == "solid" and not composition.photo, label
    card = renderer.render(sample_article(), CardSize.WIDE, theme="photo", lead_image=data)
    solid = renderer.render(sample_article(), CardSize.WIDE, theme="solid")
    assert card.image_format == solid.image_format, label
    assert difference(_decoded(card), _decoded(solid)).mean == 0, label


def test_lead_image_over_the_byte_limit_is_refused(logo_path: Path) -> None:
    strict = CardRenderer(sample_branding(logo_path), photo_limits=PhotoLimits(max_bytes=10_000))
    c = strict.compose(sample_article(), CardSize.WIDE, theme="photo", lead_image=make_photo())
    assert c.theme == "solid"


def test_transparent_and_odd_mode_images_are_usable() -> None:
    targets = [s.dimensions for s in CardSize]
    for mode, fmt in (("RGBA", "PNG"), ("P", "GIF"), ("L", "JPEG"), ("CMYK", "JPEG")):
        out = io.BytesIO()
        Image.open(io.BytesIO(make_photo(1400, 2000))).convert(mode).save(out, fmt)
        decoded = decode_photo(out.getvalue(), targets)
        assert decoded is not None and decoded.image.mode == "RGB", mode


def test_crop_follows_the_interesting_part() -> None:
    """A wide photo with its only detail at the right edge keeps that detail in a square."""
    image = Image.new("RGB", (2400, 1000), (90, 120, 150))
    for x in range(1900, 2300, 20):
        image.paste((250, 200, 40) if x % 40 else (20, 20, 20), (x, 300, x + 10, 700))
    out = io.BytesIO()
    image.save(out, "PNG")
    photo = decode_photo(out.getvalue(), [(1080, 1080)])
    assert photo is not None and photo.focus[0] > 0.6
    square = cover(photo, (1080, 1080))
    yellow = sum(n for n, c in square.getcolors(1 << 20) or [] if c[0] > 200 and c[2] < 100)
    assert yellow > 20_000  # the striped block is in frame, not cropped away


def test_photo_text_stays_readable_on_a_white_photo(tmp_path: Path, logo_path: Path) -> None:
    """A theme with almost no overlay still gets 4.5:1, from scrims laid behind the text."""
    (tmp_path / "solid.toml").write_text((THEMES_DIR / "solid.toml").read_text("utf-8"))
    (tmp_path / "thin.toml").write_text(
        'photo = true\nfallback = "solid"\n[overlay]\ntop = 0.0\nplateau = 0.05\n', "utf-8"
    )
    renderer = CardRenderer(sample_branding(logo_path), themes_dir=tmp_path)
    white = io.BytesIO()
    Image.new("RGB", (1600, 1000), (255, 255, 255)).save(white, "PNG")
    for size in CardSize:
        c = renderer.compose(
            sample_article(), size, theme="thin", lead_image=white.getvalue(),
            summary=SAMPLE_SUMMARY, keep_background=True,
        )  # fmt: skip
        assert c.photo and c.scrims > 0
        for item, box in zip(c.texts, c.boxes, strict=True):
            assert worst_contrast_behind(c.background, box, item.color) >= MIN_CONTRAST


def test_noisy_photo_card_stays_under_5_mb(renderer: CardRenderer) -> None:
    card = renderer.render(
        sample_article(), CardSize.STORY, theme="photo", lead_image=_noise_photo(1200, 2100)
    )
    assert card.image_format == "JPEG" and len(card.data) <= MAX_BYTES


@requires_raqm
def test_fallback_engine_card_is_close_to_the_raqm_card(
    renderer: CardRenderer, basic_renderer: CardRenderer
) -> None:
    assert renderer.uses_raqm and not basic_renderer.uses_raqm
    article = sample_article()
    # A summary well inside one line: the sample's fills the line, and the reshaped text
    # being a few pixels wider would take a second line and move everything else.
    summary = "المحطة تعمل بالطاقة الشمسية."
    raqm = renderer.compose(article, CardSize.WIDE, summary=summary).image
    basic = basic_renderer.compose(article, CardSize.WIDE, summary=summary).image
    other = renderer.compose(
        sample_article(title="وزارة الفلاحة تعلن موعد انطلاق موسم الحصاد في سهل سوس"),
        CardSize.WIDE, summary=summary,
    ).image  # fmt: skip
    near = ink_similarity(raqm.reduce(2), basic.reduce(2))
    far = ink_similarity(raqm.reduce(2), other.reduce(2))
    assert near > 0.9, near  # same words, same places: only fine shaping differs
    assert near - far > 0.15, (near, far)  # the measure does tell different cards apart


def test_fallback_engine_passes_the_structural_checks(basic_renderer: CardRenderer) -> None:
    for size in CardSize:
        c = basic_renderer.compose(
            sample_article(title="الإنتربول: 93 دولة في مراكش يومياً 2025 «Interpol»"),
            size, summary=SAMPLE_SUMMARY, keep_background=True,
        )  # fmt: skip
        check(c, f"basic/{size.value}")


def test_branding_from_settings(settings: Settings, tmp_path: Path) -> None:
    branding = Branding.from_settings(
        settings.replace(card_hijri_date=True, card_arabic_digits=True, card_theme="light")
    )
    assert branding.site_name == "أخبار الساحل"
    assert branding.brand_color == settings.brand_color
    assert branding.theme == "light" and branding.hijri_date and branding.arabic_digits
    assert branding.timezone.key == "Africa/Casablanca"


def test_hijri_date_and_arabic_digits_on_the_card(logo_path: Path) -> None:
    renderer = CardRenderer(sample_branding(logo_path, hijri_date=True, arabic_digits=True))
    c = renderer.compose(
        sample_article(title="افتتاح محطة بطاقة 150 ألف متر مكعب في 2026"), CardSize.WIDE
    )
    dates = [t.text for t in c.texts if t.role == "date"]
    assert dates == ["١٤ مارس ٢٠٢٦", "٢٥ رمضان ١٤٤٧ هـ"]
    assert "١٥٠" in " ".join(c.headline.lines) and "150" not in " ".join(c.headline.lines)


def test_undated_article_uses_the_publishers_today(logo_path: Path) -> None:
    def clock() -> dt.datetime:
        # 23:30 UTC on 31 Dec is already 1 January in Casablanca (UTC+1 that day).
        return dt.datetime(2025, 12, 31, 23, 30, tzinfo=dt.UTC)

    renderer = CardRenderer(sample_branding(logo_path), clock=clock)
    c = renderer.compose(sample_article(published=None), CardSize.WIDE)
    assert [t.text for t in c.texts if t.role == "date"] == ["1 يناير 2026"]


def test_missing_section_and_summary_are_simply_left_out(renderer: CardRenderer) -> None:
    c = renderer.compose(sample_article(section=None), CardSize.SQUARE)
    assert {t.role for t in c.texts} == {"headline", "site_name", "date"}


def test_emoji_only_headline_still_makes_a_card(
    renderer: CardRenderer, basic_renderer: CardRenderer
) -> None:
    for engine in (renderer, basic_renderer):
        c = engine.compose(sample_article(title="🔥🔥🔥"), CardSize.WIDE)
        assert c.headline.lines == ("أخبار الساحل",)
        c = engine.compose(sample_article(title="👏 نجاح ✌️ باهر 👨‍👩‍👧"), CardSize.WIDE)
        assert c.headline.lines == ("نجاح باهر",)


@pytest.mark.parametrize("engine", ["default", "basic"])
def test_renders_are_identical_across_threads(
    renderer: CardRenderer, basic_renderer: CardRenderer, photo: bytes, engine: str
) -> None:
    chosen = renderer if engine == "default" else basic_renderer
    jobs = [(size, theme) for size in CardSize for theme in ("solid", "photo", "breaking")]

    def one(job: tuple[CardSize, str]) -> bytes:
        size, theme = job
        return chosen.render(
            sample_article(), size, theme=theme, lead_image=photo, summary=SAMPLE_SUMMARY
        ).data

    serial = [one(job) for job in jobs]
    with ThreadPoolExecutor(max_workers=4) as pool:
        parallel = list(pool.map(one, jobs * 2))
    assert parallel == serial * 2


def test_unknown_output_format_is_a_programming_error(renderer: CardRenderer) -> None:
    with pytest.raises(CardError, match="GIF"):
        renderer.render(sample_article(), CardSize.WIDE, image_format="GIF")
