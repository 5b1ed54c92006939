"""Everything drawn under the text: backgrounds, photo overlay, readability scrims, logo."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

from PIL import Image, ImageDraw

from bot.cards.blend import tint
from bot.cards.colors import (
    MIN_CONTRAST,
    RGB,
    blend_alpha_for_contrast,
    contrast_ratio,
)
from bot.cards.layouts import Box
from bot.cards.plan import Plan
from bot.errors import CardError

logger = logging.getLogger(__name__)

_LOGO_MAX_BYTES = 5 * 1024 * 1024
_LOGO_MAX_PIXELS = 16_000_000
# Aim a little above 4.5 so that 8-bit rounding of the blend can never land just under it.
_TARGET = MIN_CONTRAST + 0.15


def _column(height: int, width: int, values: Sequence[int], mode: str) -> Image.Image:
    strip = Image.new(mode, (1, height))
    strip.putdata(values)
    return strip.resize((width, height), Image.Resampling.NEAREST)


Bands = tuple[tuple[RGB, int, int], ...]  # (colour, first row, row after the last)


def shade_bands(height: int, top: RGB, bottom: RGB) -> Bands:
    """A vertical shade from ``top`` to ``bottom`` as runs of rows of one colour.

    Made once per theme and size. Each row's colour is rounded channel by channel, so a
    shade between two dark brand colours has a few dozen runs, not one per row.
    """
    last = max(height - 1, 1)
    bands: list[tuple[RGB, int, int]] = []
    for y in range(height):
        color = (
            round(top[0] + (bottom[0] - top[0]) * y / last),
            round(top[1] + (bottom[1] - top[1]) * y / last),
            round(top[2] + (bottom[2] - top[2]) * y / last),
        )
        if bands and bands[-1][0] == color:
            bands[-1] = (color, bands[-1][1], y + 1)
        else:
            bands.append((color, y, y + 1))
    return tuple(bands)


def solid_background(size: tuple[int, int], bands: Bands) -> Image.Image:
    """The card's flat or shaded ground, filled run by run from its precomputed bands.

    The image is created in the first band's colour (Pillow fills it in the same pass that
    would otherwise clear it), then each further run of rows is filled once. That is about
    twice as fast as stretching a one-pixel column, and needs no cached full-size image.
    """
    width, height = size
    image = Image.new("RGB", size, bands[0][0] if bands else (0, 0, 0))
    for color, first, end in bands[1:]:
        if first < height:
            image.paste(color, (0, first, width, min(end, height)))
    return image


def _smoothstep(t: float) -> float:
    t = min(max(t, 0.0), 1.0)
    return t * t * (3 - 2 * t)


def photo_overlay(
    image: Image.Image, color: RGB, top_alpha: float, plateau: float, text_top: int
) -> None:
    """Darken ``image`` in place: light at the top, ``plateau`` where the text starts.

    The ramp starts well above the text so the photo fades into the text area instead of
    showing an edge, and keeps deepening a little towards the footer.
    """
    width, height = image.size
    ramp_start = max(0, text_top - int(height * 0.3))
    span = max(text_top - ramp_start, 1)
    floor = min(plateau + 0.15, 1.0)
    below = max(height - text_top, 1)
    alphas = []
    for y in range(height):
        if y < text_top:
            alpha = top_alpha + (plateau - top_alpha) * _smoothstep((y - ramp_start) / span)
        else:
            alpha = plateau + (floor - plateau) * (y - text_top) / below
        alphas.append(round(255 * alpha))
    tint(image, color, (0, 0, width, height), _column(height, width, alphas, "L"))


def worst_background(image: Image.Image, box: Box, text: RGB) -> RGB:
    """The least readable colour under ``box``, taken channel by channel (a safe bound).

    Each channel's maximum (or minimum) may come from different pixels, so the result is at
    least as hard to read on as any real pixel; a box that passes with it passes everywhere.
    """
    crop = image.crop(box)
    (r0, r1), (g0, g1), (b0, b1) = crop.getextrema()  # type: ignore[misc]
    light, dark = (r1, g1, b1), (r0, g0, b0)
    return min(light, dark, key=lambda bg: contrast_ratio(text, bg))


def ensure_contrast(image: Image.Image, boxes: list[tuple[Box, RGB]], overlay: RGB) -> int:
    """Darken (towards ``overlay``) behind each text box until it reads at 4.5:1 or more.

    Returns the number of scrims laid; 0 when the overlay already did the job.
    """
    width, height = image.size
    laid = 0
    for box, text in boxes:
        for _ in range(4):
            worst = worst_background(image, box, text)
            if contrast_ratio(text, worst) >= MIN_CONTRAST:
                break
            alpha = blend_alpha_for_contrast(text, worst, overlay, _TARGET)
            feather = max((box[3] - box[1]) // 2, 8)
            y0, y1 = max(box[1] - feather, 0), min(box[3] + feather // 2, height)
            core = min(255, int(alpha * 255) + 2)
            ramp = [
                round(core * min(1.0, (y - y0) / feather)) if y < box[1] else core
                for y in range(y0, y1)
            ]
            tint(image, overlay, (0, y0, width, y1), _column(y1 - y0, width, ramp, "L"))
            laid += 1
    return laid


def blend_rect(image: Image.Image, box: Box, color: RGB, opacity: float) -> None:
    """Paint ``color`` over ``box`` at ``opacity`` (thin rules that adapt to any ground)."""
    left, top, right, bottom = box
    if right <= left or bottom <= top:
        return
    mask = Image.new("L", (right - left, bottom - top), round(opacity * 255))
    image.paste(color, box, mask)


def rounded_box(image: Image.Image, box: Box, color: RGB, radius: int) -> None:
    ImageDraw.Draw(image).rounded_rectangle(box, radius=radius, fill=color)


def load_logo(path: Path) -> Image.Image:
    """The logo as RGBA, validated.

    Raises:
        CardError: the configured logo is missing or not a usable image (a settings mistake
            that should stop start-up, unlike a bad lead photo).
    """
    try:
        if path.stat().st_size > _LOGO_MAX_BYTES:
            raise CardError(f"logo {path} is larger than 5 MB")
        with Image.open(path, formats=("PNG", "WEBP", "JPEG")) as opened:
            if opened.width * opened.height > _LOGO_MAX_PIXELS:
                raise CardError(f"logo {path} has too many pixels")
            logo = opened.convert("RGBA")
    except CardError:
        raise
    except Exception as exc:  # any decoder error: report the setting, not a traceback
        raise CardError(
            f"logo {path} cannot be read: {exc}", message_ar="تعذرت قراءة ملف الشعار."
        ) from None
    box = logo.getbbox()  # trim transparent margins so the height we set is the mark's
    return logo.crop(box) if box else logo


def scaled_logo(logo: Image.Image, height: int, max_width: int) -> Image.Image:
    """``logo`` at ``height`` px (narrower if it would exceed ``max_width``)."""
    scale = min(height / logo.height, max_width / logo.width)
    size = (max(1, round(logo.width * scale)), max(1, round(logo.height * scale)))
    return logo.resize(size, Image.Resampling.LANCZOS)


def paint_shapes(image: Image.Image, plan: Plan, plate: RGB | None) -> None:
    """Chips, band, dots, rules, accent bar and the logo (on its plate when there is one)."""
    draw = ImageDraw.Draw(image)
    for shape in plan.shapes:
        if shape.kind == "rule":
            blend_rect(image, shape.box, shape.color, shape.opacity)
        elif shape.kind == "dot":
            draw.ellipse(shape.box, fill=shape.color)
        elif shape.radius:
            rounded_box(image, shape.box, shape.color, shape.radius)
        else:
            draw.rectangle(shape.box, fill=shape.color)
    if plan.logo is not None:
        logo, xy, plate_box = plan.logo
        if plate_box is not None and plate is not None:
            rounded_box(image, plate_box, plate, max((plate_box[3] - plate_box[1]) // 5, 4))
        image.paste(logo, xy, logo)
