"""Deterministic inputs for card tests, goldens and the benchmark: no external images.

The article is the bundled sample (examples/sample-article.html); the photo and the logo are
drawn here with plain shapes so that every machine produces the same bytes.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

from PIL import Image, ImageDraw

from bot.cards import Branding
from bot.models import Article

ROOT = Path(__file__).resolve().parents[1]
THEMES_DIR = ROOT / "templates" / "cards"

SAMPLE_TITLE = "افتتاح أول محطة لتحلية مياه البحر بالطاقة الشمسية في أكادير"
SAMPLE_SUMMARY = "دخلت محطة جديدة لتحلية مياه البحر تعمل بالطاقة الشمسية الخدمة في أكادير."
SAMPLE_SITE = "أخبار الساحل"


def sample_article(**changes: object) -> Article:
    values: dict[str, object] = {
        "title": SAMPLE_TITLE,
        "text": (
            "دخلت محطة جديدة لتحلية مياه البحر تعمل بالطاقة الشمسية الخدمة رسمياً صباح اليوم "
            "السبت في ضواحي مدينة أكادير، بطاقة إنتاجية تبلغ 150 ألف متر مكعب يومياً."
        ),
        "url": "https://akhbar-sahel.ma/economie/2026/03/desalination-agadir.html",
        "image_url": "https://akhbar-sahel.ma/media/2026/03/agadir-station.jpg",
        "published": dt.date(2026, 3, 14),
        "author": "سلمى بنعيسى",
        "site_name": SAMPLE_SITE,
        "section": "اقتصاد",
    }
    values.update(changes)
    return Article(**values)  # type: ignore[arg-type]


def make_logo(path: Path) -> Path:
    """A two-colour mark (a wave under a sun) on transparency, saved as PNG."""
    image = Image.new("RGBA", (240, 240), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((8, 8, 232, 232), radius=48, fill=(200, 16, 46, 255))
    draw.ellipse((78, 44, 162, 128), fill=(255, 255, 255, 255))
    for offset in (150, 182):
        draw.arc(
            (24, offset - 40, 128, offset + 20), 200, 340, fill=(255, 255, 255, 255), width=14
        )
        draw.arc(
            (112, offset - 40, 216, offset + 20), 200, 340, fill=(255, 255, 255, 255), width=14
        )
    image.save(path, "PNG")
    return path


def sample_branding(logo_path: Path | None = None, **changes: object) -> Branding:
    values: dict[str, object] = {"site_name": SAMPLE_SITE, "logo_path": logo_path}
    values.update(changes)
    return Branding(**values)  # type: ignore[arg-type]


def make_photo(width: int = 1600, height: int = 1000, fmt: str = "JPEG") -> bytes:
    """A coastal scene at dusk: sky gradient, sun, sea, a white plant and solar panels."""
    sky = Image.linear_gradient("L").resize((width, height))
    image = Image.merge(
        "RGB",
        (
            sky.point(lambda v: 40 + v * 200 // 255),
            sky.point(lambda v: 90 + v * 90 // 255),
            sky.point(lambda v: 170 - v * 110 // 255),
        ),
    )
    draw = ImageDraw.Draw(image)
    horizon = int(height * 0.58)
    sun = int(height * 0.12)
    draw.ellipse((int(width * 0.62) - sun, horizon - 2 * sun, int(width * 0.62) + sun, horizon),
                 fill=(255, 214, 120))  # fmt: skip
    draw.rectangle((0, horizon, width, height), fill=(22, 74, 112))
    for i in range(0, width, 24):  # ripples
        y = horizon + 20 + (i * 37) % (height - horizon - 30)
        draw.line((i, y, i + 14, y), fill=(90, 150, 190), width=3)
    plant = (int(width * 0.12), horizon - int(height * 0.16), int(width * 0.42), horizon + 10)
    draw.rectangle(plant, fill=(236, 238, 240))
    draw.rectangle((plant[0] + 30, plant[1] - 60, plant[0] + 70, plant[1]), fill=(210, 214, 220))
    for row in range(3):
        y = horizon + 60 + row * 70
        for col in range(6):
            x = int(width * 0.5) + col * 120
            draw.polygon([(x, y), (x + 100, y), (x + 80, y + 40), (x - 20, y + 40)],
                         fill=(18, 34, 78), outline=(150, 170, 210))  # fmt: skip
    out = io.BytesIO()
    image.save(out, fmt, **({"quality": 92} if fmt == "JPEG" else {}))
    return out.getvalue()
