"""Image comparison for the goldens, and pixel measurements for the card tests.

Goldens are stored at half resolution: anti-aliasing differences between FreeType or
HarfBuzz builds average out, while a moved line, a different word or broken shaping still
changes thousands of pixels. That whole-card tolerance is far too loose for small text,
though: a date that says 15 instead of 14 changes a few dozen pixels of a 600×315 image. So
every text line is also compared on its own, inside its box, with a tight threshold: one
changed digit alters about 2 % of a date's pixels, and a region may change by 0.5 % at most.
"""

from __future__ import annotations

from dataclasses import dataclass

from PIL import Image, ImageChops, ImageFilter

from bot.cards.colors import RGB, contrast_ratio

Box = tuple[int, int, int, int]

GOLDEN_SCALE = 2  # goldens are 1/2 of the card's size
CHANGED_LEVEL = 48  # a pixel "changed" when a channel moved by more than this (0–255)
# Whole card: mean absolute difference per channel, and share of changed pixels.
MAX_MEAN_DIFF = 1.5
MAX_CHANGED = 0.004
# One text line's box: a changed digit in a date changes ≥ 1.9 % of its pixels (mean ≥ 2.3).
REGION_MAX_MEAN_DIFF = 0.8
REGION_MAX_CHANGED = 0.005


@dataclass(frozen=True)
class Difference:
    mean: float
    changed: float
    max_mean: float = MAX_MEAN_DIFF
    max_changed: float = MAX_CHANGED

    @property
    def acceptable(self) -> bool:
        return self.mean <= self.max_mean and self.changed <= self.max_changed

    def __str__(self) -> str:
        return (
            f"mean diff {self.mean:.2f} (≤ {self.max_mean}), "
            f"changed {self.changed:.4%} (≤ {self.max_changed:.2%})"
        )


def to_golden(image: Image.Image) -> Image.Image:
    return image.convert("RGB").reduce(GOLDEN_SCALE)


def to_golden_box(box: Box, size: tuple[int, int]) -> Box:
    """A card-sized box at golden scale, one pixel wider on each side, inside ``size``."""
    s = GOLDEN_SCALE
    left, top, right, bottom = box
    return (
        max(left // s - 1, 0),
        max(top // s - 1, 0),
        min(-(-right // s) + 1, size[0] // s),
        min(-(-bottom // s) + 1, size[1] // s),
    )


def _measure(a: Image.Image, b: Image.Image) -> tuple[float, float]:
    diff = ImageChops.difference(a.convert("RGB"), b.convert("RGB"))
    bands = diff.split()
    total = a.width * a.height
    mean = sum(sum(i * n for i, n in enumerate(band.histogram())) for band in bands) / (3 * total)
    worst = ImageChops.lighter(ImageChops.lighter(bands[0], bands[1]), bands[2])
    changed = sum(worst.histogram()[CHANGED_LEVEL + 1 :]) / total
    return mean, changed


def difference(a: Image.Image, b: Image.Image) -> Difference:
    """How far apart two same-size RGB images are, with the whole-card tolerance."""
    if a.size != b.size:
        return Difference(255.0, 1.0)
    return Difference(*_measure(a, b))


def region_difference(a: Image.Image, b: Image.Image, box: Box) -> Difference:
    """How far apart ``box`` of two same-size images is, with the tight per-line tolerance."""
    limits = {"max_mean": REGION_MAX_MEAN_DIFF, "max_changed": REGION_MAX_CHANGED}
    if a.size != b.size:
        return Difference(255.0, 1.0, **limits)
    return Difference(*_measure(a.crop(box), b.crop(box)), **limits)


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
