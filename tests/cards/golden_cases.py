"""The golden cases: the sample article in every theme and size, rendered the same way by the
test and by ``regenerate_golden.py``."""

from __future__ import annotations

from collections.abc import Iterator
from io import BytesIO
from pathlib import Path

from PIL import Image

from bot.cards import CardRenderer
from bot.models import CardSize
from devtools.card_samples import (
    SAMPLE_SUMMARY,
    make_logo,
    make_photo,
    sample_article,
    sample_branding,
)

GOLDEN_DIR = Path(__file__).resolve().parent / "golden"
THEMES = ("solid", "photo", "breaking", "light")


def golden_path(theme: str, size: CardSize) -> Path:
    return GOLDEN_DIR / f"{theme}-{size.value}.png"


def golden_renderer(tmp_dir: Path, *, use_raqm: bool | None = None) -> CardRenderer:
    return CardRenderer(sample_branding(make_logo(tmp_dir / "logo.png")), use_raqm=use_raqm)


def render_case(renderer: CardRenderer, theme: str, size: CardSize) -> Image.Image:
    """The decoded card image (JPEG cards decoded, so the golden shows what users see)."""
    card = renderer.render(
        sample_article(), size, theme=theme, lead_image=make_photo(), summary=SAMPLE_SUMMARY
    )
    with Image.open(BytesIO(card.data)) as image:
        return image.convert("RGB")


def cases() -> Iterator[tuple[str, CardSize]]:
    for theme in THEMES:
        for size in CardSize:
            yield theme, size
