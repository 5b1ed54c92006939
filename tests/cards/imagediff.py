"""Tolerant image comparison and pixel measurements for the card tests.

Goldens are stored at half resolution: anti-aliasing differences between FreeType or
HarfBuzz builds average out, while a moved line, a different word or broken shaping still
changes thousands of pixels.
"""

from __future__ import annotations

from dataclasses import dataclass

from PIL import Image, ImageChops, ImageFilter

from bot.cards.colors import RGB, contrast_ratio

GOLDEN_SCALE = 2  # goldens are 1/2 of the card's size
MAX_MEAN_DIFF = 1.5  # mean absolute difference per channel, 0–255
MAX_CHANGED = 0.004  # share of pixels allowed to differ by more than CHANGED_LEVEL
CHANGED_LEVEL = 48


@dataclass(frozen=True)
class Difference:
    mean: float
    changed: float

    @property
    def acceptable(self) -> bool:
        return self.mean <= MAX_MEAN_DIFF and self.changed <= MAX_CHANGED

    def __str__(self) -> str:
        return f"mean diff {self.mean:.2f} (≤ {MAX_MEAN_DIFF}), changed {self.changed:.4%}"


def to_golden(image: Image.Image) -> Image.Image:
    return image.convert("RGB").reduce(GOLDEN_SCALE)


def difference(a: Image.Image, b: Image.Image) -> Difference:
    """How far apart two same-size RGB images are."""
    if a.size != b.size:
        return Difference(255.0, 1.0)
    diff = ImageChops.difference(a.convert("RGB"), b.convert("RGB"))
    bands = diff.split()
    total = a.width * a.height
    mean = sum(sum(i * n for i, n in enumerate(band.histogram())) for band in bands) / (3 * total)
    worst = ImageChops.lighter(ImageChops.lighter(bands[0], bands[1]), bands[2])
    changed = sum(worst.histogram()[CHANGED_LEVEL + 1 :]) / total
    return Difference(mean, changed)


def worst_contrast_behind(
    background: Image.Image, box: tuple[int, int, int, int], text: RGB
) -> float:
    """Lowest WCAG contrast between ``text`` and any pixel of ``background`` inside ``box``."""
    crop = background.crop(box)
    colors = crop.getcolors(crop.width * crop.height) or []
    return min((contrast_ratio(text, c) for _, c in colors), default=21.0)


def ink_similarity(a: Image.Image, b: Image.Image) -> float:
    """Correlation (0–1) of two text renderings after a blur, ignoring sub-pixel shifts."""
    blur = ImageFilter.GaussianBlur(3)
    pa = list(a.convert("L").filter(blur).get_flattened_data())
    pb = list(b.convert("L").filter(blur).get_flattened_data())
    n = len(pa)
    ma, mb = sum(pa) / n, sum(pb) / n
    cov = sum((x - ma) * (y - mb) for x, y in zip(pa, pb, strict=True))
    va = sum((x - ma) ** 2 for x in pa)
    vb = sum((y - mb) ** 2 for y in pb)
    return cov / ((va * vb) ** 0.5) if va and vb else 0.0
