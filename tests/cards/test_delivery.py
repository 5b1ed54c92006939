"""What each receiver gets: the bot sends JPEG, the command line writes PNG files.

Telegram re-encodes every photo as JPEG, so the bot's JPEG must survive a second encoder
about as well as a lossless PNG would (see ``bot/cards/encode.py``).
"""

from __future__ import annotations

import asyncio
import io
import math
from pathlib import Path

import pytest
from PIL import Image, ImageChops

import main
from bot.cards import CardRenderer
from bot.models import CardSize
from bot.pipeline import build_share_service
from bot.settings import Settings
from devtools.card_samples import SAMPLE_SUMMARY, sample_article

ROOT = Path(__file__).resolve().parents[2]
# Telegram's own encoder is not public: Pillow's, at quality 87 with 4:2:0 colour, stands in.
TELEGRAM_QUALITY = 87


def _decode(data: bytes) -> Image.Image:
    with Image.open(io.BytesIO(data)) as image:
        return image.convert("RGB")


def _recompressed(image: Image.Image) -> Image.Image:
    out = io.BytesIO()
    image.save(out, "JPEG", quality=TELEGRAM_QUALITY, subsampling=2)
    return _decode(out.getvalue())


def _psnr(a: Image.Image, b: Image.Image) -> float:
    histogram = ImageChops.difference(a, b).histogram()
    squared = sum((level % 256) ** 2 * count for level, count in enumerate(histogram))
    mse = squared / (a.width * a.height * 3)
    return 10 * math.log10(255**2 / mse) if mse else math.inf


@pytest.mark.parametrize("theme", ["solid", "breaking", "light"])
def test_sent_card_survives_telegrams_recompression_like_a_lossless_one(
    renderer: CardRenderer, theme: str
) -> None:
    article = sample_article()
    original = renderer.compose(article, CardSize.WIDE, theme=theme, summary=SAMPLE_SUMMARY).image
    sent = renderer.render(article, CardSize.WIDE, theme=theme, summary=SAMPLE_SUMMARY)
    assert sent.image_format == "JPEG"
    from_png = _psnr(original, _recompressed(original))
    from_jpeg = _psnr(original, _recompressed(_decode(sent.data)))
    assert from_png - from_jpeg < 1.0, (from_png, from_jpeg)


def test_the_bots_pipeline_sends_jpeg(settings: Settings) -> None:
    service = build_share_service(settings)
    try:
        result = service.build(sample_article())
    finally:
        asyncio.run(service.close())
    assert result.cards and all(card.image_format == "JPEG" for card in result.cards)
    assert all(card.filename.endswith(".jpg") for card in result.cards)


def test_the_command_line_writes_png_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # no .env here: the default settings
    sample = ROOT / "examples" / "sample-article.html"
    assert main.main(["share", str(sample), "--out", str(tmp_path / "out")]) == 0
    written = sorted((tmp_path / "out").glob("*/card-*"))
    assert [path.name for path in written] == ["card-wide.png", "card-x.png"]
    for path in written:
        with Image.open(path) as image:
            assert image.format == "PNG"
