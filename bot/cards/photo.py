"""Lead photos: decode defensively, find where the interest is, crop to cover.

The bytes come from the pipeline's safe fetcher; nothing here touches the network. Anything
wrong with them (not an image, truncated, too many pixels, too small to fill the card) gives
``None`` and the renderer draws the theme's flat fallback instead of a broken card.
"""

from __future__ import annotations

import io
import logging
import math
from collections.abc import Iterable
from dataclasses import dataclass

from PIL import Image, ImageChops, ImageFilter, ImageOps, ImageStat

logger = logging.getLogger(__name__)

_FORMATS = ("JPEG", "PNG", "WEBP", "GIF")
_ORIENTATION = 0x0112  # EXIF tag: how the camera was held


@dataclass(frozen=True, slots=True)
class PhotoLimits:
    """Bounds for untrusted image bytes.

    ``max_pixels`` is checked from the header before any pixel is decoded (a decompression
    bomb is a small file that claims a huge canvas); ``max_upscale`` refuses photos so small
    that filling the card would blur them.
    """

    max_bytes: int = 20 * 1024 * 1024
    max_pixels: int = 24_000_000
    max_upscale: float = 2.5


@dataclass(frozen=True, slots=True)
class LeadPhoto:
    """A decoded RGB photo, reduced to what the largest card needs, and its focus point."""

    image: Image.Image
    focus: tuple[float, float]  # 0..1 across and down


def _needed_scale(width: int, height: int, targets: Iterable[tuple[int, int]]) -> float:
    return max(max(w / width, h / height) for w, h in targets)


@dataclass(frozen=True, slots=True)
class PhotoReading:
    """What became of the lead image: the photo, for which card sizes, or why none."""

    photo: LeadPhoto | None
    usable_for: tuple[tuple[int, int], ...] = ()
    problem: str = ""  # English, for logs and the command line; empty when all is well


def decode_photo(
    data: bytes | None, targets: Iterable[tuple[int, int]], limits: PhotoLimits = PhotoLimits()
) -> LeadPhoto | None:
    """Decode ``data`` for cards of the ``targets`` dimensions, or None when it is unusable."""
    return read_photo(data, targets, limits).photo


def read_photo(
    data: bytes | None, targets: Iterable[tuple[int, int]], limits: PhotoLimits = PhotoLimits()
) -> PhotoReading:
    """Decode ``data`` for cards of the ``targets`` dimensions, saying why when it cannot.

    A photo too small for some sizes (a tall story card needs far more pixels than a wide
    one) is still used for the others: :attr:`PhotoReading.usable_for` lists them.
    """
    targets = tuple(targets)
    if not data:
        return PhotoReading(None, problem="no image data")
    if len(data) > limits.max_bytes:
        return _refused(f"{len(data)} bytes is over the limit of {limits.max_bytes}")
    try:
        image = Image.open(io.BytesIO(data), formats=_FORMATS)
        width, height = image.size
        if width * height > limits.max_pixels or min(width, height) < 1:
            return _refused(f"{width}x{height} pixels is over the limit")
        # EXIF may rotate the photo after decoding: ask the decoder for either orientation.
        scale = max(_needed_scale(width, height, targets), _needed_scale(height, width, targets))
        if image.format == "JPEG" and scale < 1:
            # Decode at 1/2, 1/4 or 1/8 scale when the card needs no more: much faster.
            image.draft("RGB", (math.ceil(width * scale), math.ceil(height * scale)))
        image.load()
        if image.getexif().get(_ORIENTATION, 1) != 1:
            image = ImageOps.exif_transpose(image)
        image = _to_rgb(image)
    except Exception as exc:  # any decoder failure means "no photo", never a failed card
        return _refused(f"not a readable image ({type(exc).__name__}: {exc})")
    usable = tuple(t for t in targets if _needed_scale(*image.size, [t]) <= limits.max_upscale)
    small = [t for t in targets if t not in usable]
    problem = ""
    if small:
        sizes = ", ".join(f"{w}x{h}" for w, h in small)
        problem = f"{image.size[0]}x{image.size[1]} is too small for {sizes}"
        logger.info("lead image %s", problem)
    if not usable:
        return PhotoReading(None, problem=problem)
    # Keep at most twice what the largest card needs, so each crop-and-resize stays cheap.
    scale = _needed_scale(*image.size, usable)
    factor = int(1 / (scale * 2)) if scale < 0.5 else 1
    if factor > 1:
        image = image.reduce(factor)
    return PhotoReading(LeadPhoto(image, _focus(image)), usable, problem)


def _refused(problem: str) -> PhotoReading:
    logger.warning("lead image refused: %s", problem)
    return PhotoReading(None, problem=problem)


def _to_rgb(image: Image.Image) -> Image.Image:
    if image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        flat = Image.new("RGB", rgba.size, (24, 24, 24))
        flat.paste(rgba, mask=rgba.getchannel("A"))
        return flat
    return image.convert("RGB") if image.mode != "RGB" else image


def _focus(image: Image.Image) -> tuple[float, float]:
    """A cheap saliency guess: where colour stands out from the average, and edges gather.

    Measured on a 64 px thumbnail (about a millisecond), then pulled a third of the way back
    to the centre so that a busy corner never pushes the subject out of frame.
    """
    factor = max(1, min(image.size) // 128)
    thumb = image.reduce(factor).resize((64, 64), Image.Resampling.BILINEAR)
    mean = tuple(round(v) for v in ImageStat.Stat(thumb).mean)
    r, g, b = ImageChops.difference(thumb, Image.new("RGB", thumb.size, mean)).split()
    unusual = ImageChops.lighter(ImageChops.lighter(r, g), b)
    # The edge filter sees the frame border as an edge: keep only the inside.
    edges = Image.new("L", thumb.size, 0)
    edges.paste(thumb.convert("L").filter(ImageFilter.FIND_EDGES).crop((1, 1, 63, 63)), (1, 1))
    # Stretch to the full range, then square: the strongest regions outweigh a faint spread.
    interest = ImageOps.autocontrast(ImageChops.add(unusual, edges)).point(lambda v: v * v // 255)
    columns = list(interest.resize((64, 1), Image.Resampling.BOX).get_flattened_data())
    rows = list(interest.resize((1, 64), Image.Resampling.BOX).get_flattened_data())

    def centre_of(values: list[int]) -> float:
        total = sum(values)
        if total == 0:
            return 0.5
        mean = sum((i + 0.5) * v for i, v in enumerate(values)) / (total * len(values))
        return 0.5 + (mean - 0.5) * 0.66

    return centre_of(columns), centre_of(rows)


def cover(photo: LeadPhoto, size: tuple[int, int]) -> Image.Image:
    """Scale ``photo`` to fill ``size`` and crop the overflow around its focus point."""
    width, height = size
    src_w, src_h = photo.image.size
    scale = max(width / src_w, height / src_h)
    crop_w, crop_h = width / scale, height / scale
    fx, fy = photo.focus
    left = min(max(fx * src_w - crop_w / 2, 0.0), src_w - crop_w)
    top = min(max(fy * src_h - crop_h / 2, 0.0), src_h - crop_h)
    # Bilinear is half the cost of bicubic when shrinking, and the photo sits under a
    # gradient; enlarging (a small source) keeps bicubic's sharper result.
    method = Image.Resampling.BICUBIC if scale > 1 else Image.Resampling.BILINEAR
    return photo.image.resize(
        size, method, box=(left, top, left + crop_w, top + crop_h), reducing_gap=2.0
    )
